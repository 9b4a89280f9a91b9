"""Playground figures: pure functions returning plotly figures (dataset previews: preview.py).

No Streamlit here. Every colour comes from style.py (the live canvas draws with the same
palette); every boundary is evaluated on core/grid.py's cell centres. Nothing non-finite is
drawn: values are cleaned with `finite()` first.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..core.datasets import DOMAIN, FEATURE_LABELS
from ..core.grid import GRID, grid_points
from ..core.rundata import augmented
from . import style
from .style import BLUE, CLASS_COLOURS, LOSS_COLOURS, NEUTRAL, ORANGE, weight_colour  # noqa: F401

BG_SCALE = style.BOUNDARY_SCALE      # the boundary (as the canvas paints it)
NODE_SCALE = style.BOUNDARY_SCALE    # the neurons' maps (as the canvas's thumbnails)
VALUE_SCALE = style.VALUE_SCALE      # regression points
THUMB = 24          # neuron thumbnail resolution
MAX_CURVE_POINTS = 600


def finite(a, fill: float = 0.0) -> np.ndarray:
    """float64 copy with NaN/inf replaced (never draw NaN)."""
    a = np.asarray(a, dtype=np.float64)
    return np.nan_to_num(a, nan=fill, posinf=fill, neginf=fill)


def problem_kind(trainer) -> str:
    if trainer.problem == "regression":
        return "regression"
    return "multiclass" if trainer.head.units > 1 else "binary"


def boundary_values(trainer, n: int = GRID) -> tuple[np.ndarray, np.ndarray | None]:
    """(values, confidence) on an n x n grid: P(class 1) for binary, the predicted value for
    regression, the class index for k classes (confidence = the winning class's share)."""
    _, P = grid_points(n)
    if problem_kind(trainer) != "multiclass":
        return finite(trainer.predict_grid(P), 0.5).reshape(n, n), None
    with np.errstate(all="ignore"):
        S = finite(trainer.net.forward(augmented(P, trainer.cfg.features)))
        E = np.exp(S - S.max(axis=0))
        probs = E / E.sum(axis=0)
    return probs.argmax(axis=0).reshape(n, n), probs.max(axis=0).reshape(n, n)


def _class_scale(k: int) -> list:
    """Stepped scale for z = class + confidence: each class runs from the neutral grey (no
    confidence) to its boundary colour (sure), as the canvas shades it."""
    scale = []
    for c in range(k):
        lo, hi = style.class_band(c)
        scale += [[c / k, lo], [(c + 0.999) / k, hi]]
    scale[-1][0] = 1.0
    return scale


def boundary_trace(values, kind: str, n_classes: int = 2, confidence=None,
                   discretize: bool = False) -> go.Heatmap:
    values = finite(values, 0.5 if kind == "binary" else 0.0)
    n = values.shape[0]
    axis, _ = grid_points(n)
    common = dict(x=axis.astype(np.float32), y=axis.astype(np.float32), showscale=False)
    if kind == "multiclass":
        k = max(2, int(n_classes))
        conf = np.ones_like(values) if discretize or confidence is None else finite(confidence, 1.0)
        # confidence runs 1/k..1; map it to 0..0.999 inside the class band
        t = np.clip((conf - 1.0 / k) / (1 - 1.0 / k), 0.0, 0.999)
        z = (values + t).astype(np.float32)
        return go.Heatmap(z=z, colorscale=_class_scale(k), zmin=0, zmax=k, zsmooth=False,
                          customdata=values.astype(np.int8),
                          hovertemplate="x1 %{x:.2f}, x2 %{y:.2f}: class %{customdata}<extra></extra>",
                          **common)
    if kind == "binary":
        z = (values > 0.5).astype(np.float32) if discretize else values.astype(np.float32)
        label = "P(blue)"
        lo, hi = 0.0, 1.0
    else:
        z = np.sign(values).astype(np.float32) if discretize else np.clip(values, -1, 1).astype(np.float32)
        label, lo, hi = "prediction", -1.0, 1.0
    return go.Heatmap(z=z, colorscale=BG_SCALE, zmin=lo, zmax=hi, zsmooth=False if discretize else "best",
                      hovertemplate=f"x1 %{{x:.2f}}, x2 %{{y:.2f}}: {label} %{{z:.3f}}<extra></extra>",
                      **common)


def points_trace(X, y, kind: str, name: str, test: bool = False) -> go.Scatter:
    X = finite(X).astype(np.float32)
    y = np.asarray(y)
    line = dict(width=1, color=style.TEST_RIM if test else style.WHITE)
    if kind == "regression":
        marker = dict(color=finite(y).astype(np.float32), colorscale=VALUE_SCALE, cmin=-1, cmax=1,
                      size=6, line=line)
    else:
        colours = np.array(CLASS_COLOURS)[np.asarray(y, dtype=np.int64) % len(CLASS_COLOURS)]
        marker = dict(color=colours.tolist(), size=6, line=line)
    if test:
        marker["symbol"] = "circle"
        marker["opacity"] = 0.9
    return go.Scatter(x=X[:, 0], y=X[:, 1], mode="markers", marker=marker, name=name,
                      hovertemplate=f"{name} %{{x:.2f}}, %{{y:.2f}}<extra></extra>", showlegend=False)


def _square_axes(fig: go.Figure, height: int) -> None:
    axis = dict(range=[-DOMAIN, DOMAIN], showgrid=False, zeroline=False, ticks="outside",
                tickvals=[-6, -4, -2, 0, 2, 4, 6], constrain="domain", fixedrange=True)
    fig.update_xaxes(**axis)
    fig.update_yaxes(scaleanchor="x", scaleratio=1, **axis)
    fig.update_layout(height=height, margin=dict(l=30, r=10, t=10, b=25), dragmode=False,
                      plot_bgcolor="rgba(0,0,0,0)")


def boundary_figure(values, kind: str, train: tuple, test: tuple | None = None, *,
                    n_classes: int = 2, confidence=None, discretize: bool = False,
                    height: int = 360) -> go.Figure:
    """The output plane: shaded prediction, training points (white rim) and optionally test
    points (dark rim). train/test are (X (n, 2), y (n,))."""
    fig = go.Figure(boundary_trace(values, kind, n_classes, confidence, discretize))
    fig.add_trace(points_trace(*train, kind, "train"))
    if test is not None and len(test[0]):
        fig.add_trace(points_trace(*test, kind, "test", test=True))
    _square_axes(fig, height)
    return fig


def _thin(xs: list, ys: list) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(xs, dtype=np.float64), finite(ys)
    if len(x) > MAX_CURVE_POINTS:
        idx = np.unique(np.linspace(0, len(x) - 1, MAX_CURVE_POINTS).round().astype(int))
        x, y = x[idx], y[idx]
    return x, y


def loss_figure(history, height: int = 170) -> go.Figure:
    """Train and test loss against epoch (at most MAX_CURVE_POINTS points per line)."""
    fig = go.Figure()
    for name in ("train", "test"):
        x, y = _thin(history.epoch, getattr(history, f"{name}_loss"))
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines", name=f"{name} loss",
                                 line=dict(color=LOSS_COLOURS[name], width=2,
                                           dash="solid" if name == "train" else "dot"),
                                 hovertemplate=f"epoch %{{x}}: {name} loss %{{y:.4f}}<extra></extra>"))
    fig.update_layout(height=height, margin=dict(l=40, r=10, t=10, b=30), dragmode=False,
                      legend=dict(orientation="h", x=1, xanchor="right", y=1.02, yanchor="bottom"),
                      plot_bgcolor="rgba(0,0,0,0)")
    fig.update_xaxes(title_text="epoch", showgrid=False, fixedrange=True, rangemode="tozero")
    fig.update_yaxes(showgrid=True, fixedrange=True, rangemode="tozero")
    return fig


# ---------------------------------------------------------------- the network diagram
def neuron_maps(trainer, n: int = THUMB) -> list[np.ndarray]:
    """What every unit computes over the input plane, layer by layer: inputs (features),
    hidden layers, output. Each entry is (units, n, n), values clipped to [-1, 1]."""
    _, P = grid_points(n)
    Xa = augmented(P, trainer.cfg.features)
    with np.errstate(all="ignore"):
        acts = trainer.net.activations(Xa)
    kind = problem_kind(trainer)
    if kind == "binary":  # the output as TFP shows it: P(blue) mapped to -1..1
        acts[-1] = 2 * finite(trainer.predict_grid(P), 0.5)[None, :] - 1
    elif kind == "multiclass" and trainer.head.output == "softmax":
        acts[-1] = 2 * acts[-1] - 1
    maps = [Xa[:-1] / DOMAIN] + acts  # inputs scaled from [-6, 6] to about [-1, 1]
    return [np.clip(finite(A), -1, 1).reshape(A.shape[0], n, n) for A in maps]


def _layout_units(sizes: list[int], box: float = 1.0) -> list[list[tuple[float, float]]]:
    """Centre (x, y) of every unit: layers 3 boxes apart, units 1.5 boxes apart, centred."""
    tallest = max(sizes)
    out = []
    for l, n in enumerate(sizes):
        top = (tallest - n) * 0.75 * box
        out.append([(3.0 * l * box, -(top + 1.5 * j * box)) for j in range(n)])
    return out


def network_figure(trainer, maps: list[np.ndarray] | None = None, selected: str | None = None,
                   height: int = 380) -> go.Figure:
    """Neurons as thumbnails of what they compute, links coloured by sign (blue +, orange −)
    and as wide as the weight is large, biases as small squares at each unit's lower left.
    Clickable markers carry customdata 'n:l:j' (unit j of layer l, l = 0 inputs),
    'w:l:j:i' (weight into unit j of layer l from unit i) and 'b:l:j' (bias)."""
    net = trainer.net
    maps = neuron_maps(trainer) if maps is None else maps
    sizes = net.sizes
    pos = _layout_units(sizes)
    half = 0.5
    fig = go.Figure()
    # links, bucketed by sign and width so a big layer stays a handful of traces
    buckets: dict[tuple[str, int], tuple[list, list]] = {}
    mids: dict[str, list] = {"x": [], "y": [], "data": [], "text": []}
    for l, W in enumerate(net.W):
        Wf = finite(W)
        scale = max(1e-9, np.abs(Wf[:, :-1]).max()) if Wf.shape[1] > 1 else 1.0
        for j in range(W.shape[0]):
            xj, yj = pos[l + 1][j]
            for i in range(W.shape[1] - 1):
                xi, yi = pos[l][i]
                w = float(Wf[j, i])
                width = 1 + int(round(5 * min(1.0, abs(w) / max(scale, 1.0))))
                xs, ys = buckets.setdefault((weight_colour(w), width), ([], []))
                xs += [xi + half, xj - half, None]
                ys += [yi, yj, None]
                mids["x"].append(0.5 * (xi + xj))
                mids["y"].append(0.5 * (yi + yj))
                mids["data"].append(f"w:{l + 1}:{j}:{i}")
                mids["text"].append(f"weight {w:.4f}")
    for (colour, width), (xs, ys) in sorted(buckets.items(), key=lambda kv: kv[0][1]):
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                                 line=dict(color=colour, width=width), opacity=0.75))
    # thumbnails
    for l, A in enumerate(maps):
        for j in range(A.shape[0]):
            x, y = pos[l][j]
            n = A.shape[1]
            d = 2 * half / n
            fig.add_trace(go.Heatmap(z=A[j].astype(np.float32), x0=x - half + d / 2, dx=d,
                                     y0=y - half + d / 2, dy=d, colorscale=NODE_SCALE, zmin=-1,
                                     zmax=1, showscale=False, hoverinfo="skip", zsmooth=False))
    # units and biases (clickable markers)
    units = {"x": [], "y": [], "data": [], "text": []}
    biases = {"x": [], "y": [], "data": [], "text": [], "colour": []}
    for l, layer in enumerate(pos):
        for j, (x, y) in enumerate(layer):
            units["x"].append(x)
            units["y"].append(y)
            units["data"].append(f"n:{l}:{j}")
            units["text"].append(unit_name(trainer, l, j))
            if l:
                b = float(finite(net.W[l - 1][j, -1]))
                biases["x"].append(x - half)
                biases["y"].append(y - half)
                biases["data"].append(f"b:{l}:{j}")
                biases["text"].append(f"bias {b:.4f}")
                biases["colour"].append(weight_colour(b))
    fig.add_trace(go.Scatter(x=units["x"], y=units["y"], mode="markers", customdata=units["data"],
                             text=units["text"], hovertemplate="%{text}<extra></extra>",
                             marker=dict(size=26, symbol="square", opacity=0.01, color=style.TEXT),
                             showlegend=False, name="units"))
    fig.add_trace(go.Scatter(x=mids["x"], y=mids["y"], mode="markers", customdata=mids["data"],
                             text=mids["text"], hovertemplate="%{text}<extra></extra>",
                             marker=dict(size=9, opacity=0.01, color=style.TEXT), showlegend=False,
                             name="weights"))
    fig.add_trace(go.Scatter(x=biases["x"], y=biases["y"], mode="markers", customdata=biases["data"],
                             text=biases["text"], hovertemplate="%{text}<extra></extra>",
                             marker=dict(size=7, symbol="square", color=biases["colour"],
                                         line=dict(width=1, color=style.WHITE)),
                             showlegend=False, name="biases"))
    if selected:
        _mark_selected(fig, selected, pos, half)
    _label_layers(fig, trainer, pos)
    fig.update_xaxes(visible=False, fixedrange=True, range=[-0.9, pos[-1][0][0] + 0.9])
    fig.update_yaxes(visible=False, fixedrange=True, scaleanchor="x", scaleratio=1)
    fig.update_layout(height=height, margin=dict(l=5, r=5, t=28, b=5), dragmode=False,
                      plot_bgcolor="rgba(0,0,0,0)", hovermode="closest", clickmode="event+select")
    return fig


def unit_name(trainer, l: int, j: int) -> str:
    sizes = trainer.net.sizes
    if l == 0:
        return f"input {FEATURE_LABELS.get(trainer.cfg.features[j], trainer.cfg.features[j])}"
    if l == len(sizes) - 1:
        return f"output {j + 1}" if sizes[-1] > 1 else "output"
    return f"layer {l}, neuron {j + 1} ({trainer.net.act_names[l - 1]})"


def _label_layers(fig: go.Figure, trainer, pos) -> None:
    """Layer captions above the diagram (and 'residual' on layers that add their input)."""
    sizes, top = trainer.net.sizes, max(layer[0][1] for layer in pos) + 0.5
    for l, layer in enumerate(pos):
        if l == 0:
            text = "inputs"
        elif l == len(sizes) - 1:
            text = "output"
        else:
            text = f"{sizes[l]} neuron{'s' if sizes[l] != 1 else ''}"
            if trainer.net.residual[l - 1]:
                text += " ⤳"
        fig.add_annotation(x=layer[0][0], y=top, yshift=12, text=text, showarrow=False,
                           font=dict(size=11))


def _mark_selected(fig: go.Figure, selected: str, pos, half: float) -> None:
    parts = selected.split(":")
    try:
        kind, nums = parts[0], [int(p) for p in parts[1:]]
        if kind == "n":
            x, y = pos[nums[0]][nums[1]]
            fig.add_shape(type="rect", x0=x - half - 0.08, x1=x + half + 0.08, y0=y - half - 0.08,
                          y1=y + half + 0.08, line=dict(color=style.SELECTED, width=2))
        elif kind == "w":
            (xi, yi), (xj, yj) = pos[nums[0] - 1][nums[2]], pos[nums[0]][nums[1]]
            fig.add_shape(type="line", x0=xi + half, y0=yi, x1=xj - half, y1=yj,
                          line=dict(color=style.SELECTED, width=3, dash="dot"))
        elif kind == "b":
            x, y = pos[nums[0]][nums[1]]
            fig.add_shape(type="rect", x0=x - half - 0.12, x1=x - half + 0.12, y0=y - half - 0.12,
                          y1=y - half + 0.12, line=dict(color=style.SELECTED, width=2))
    except (IndexError, ValueError):
        pass


def unit_figure(trainer, layer: int, unit: int, height: int = 300) -> go.Figure:
    """One unit's output over the whole plane, large, with the training points."""
    maps = neuron_maps(trainer, 60)
    z = maps[layer][unit] if layer < len(maps) and unit < maps[layer].shape[0] else np.zeros((60, 60))
    axis, _ = grid_points(60)
    fig = go.Figure(go.Heatmap(z=z.astype(np.float32), x=axis, y=axis, colorscale=NODE_SCALE,
                               zmin=-1, zmax=1, showscale=True, colorbar=dict(thickness=10, len=0.8),
                               hovertemplate="x1 %{x:.2f}, x2 %{y:.2f}: %{z:.3f}<extra></extra>"))
    kind = problem_kind(trainer)
    fig.add_trace(points_trace(trainer.data.X_train, trainer.data.y_train, kind, "train"))
    _square_axes(fig, height)
    return fig
