"""Depth Lab figures: pure functions from sweep results (see `playground.lab.sweep`) to plotly
figures. No Streamlit here. Every colour comes from style.py (the playground's one palette);
the boundaries are drawn on core/grid.py's cell centres. Helpers shared with flow.py (the
gradient-flow figures) are the public ones: `empty_figure`, `values_of`, `fmt_number`,
`spread_trace`, `depth_axis`.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from typing import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..core.datasets import DOMAIN
from ..core.grid import cell_centres
from . import style
from .style import (AB_COLOURS, BLUE, CLASS_COLOURS, CLASS_TINTS, LOSS_COLOURS,  # noqa: F401
                    ORANGE, VARIANT_COLOURS, depth_colour)

GREY = style.NEUTRAL
# TFP's boundary scale: orange (class 0 / −1) → light grey → blue (class 1 / +1), drawn at
# style.HEAT_ALPHA over the white plot: the canvas's boundary colours.
DIVERGING = style.VALUE_SCALE


def depth_label(d: int) -> str:
    return "no hidden layer" if d == 0 else f"{d} hidden layer{'s' if d != 1 else ''}"


def empty_figure(message: str, height: int = 260) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                       font=dict(size=14, color=style.MUTED))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10))
    return fig


def grid_array(grid) -> np.ndarray:
    """A result's boundary grid (nested lists with None for non-finite, or an array) as float32."""
    if isinstance(grid, np.ndarray):
        return grid.astype(np.float32, copy=False)
    return np.array([[np.nan if v is None else v for v in row] for row in grid], dtype=np.float32)


def log_ticks(values) -> dict:
    """Readable ticks for a log axis over `values`: 1-2-5 steps (or 1..9 on a narrow range,
    decades on a wide one), labelled as plain numbers or powers of ten."""
    v = [float(x) for x in values if x is not None and math.isfinite(x) and x > 0]
    if not v:
        return {}
    lo, hi = min(v), max(v)
    k0, k1 = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    decades = k1 - k0
    steps = (1, 2, 3, 4, 5, 6, 7, 8, 9) if decades <= 1 else (1, 2, 5) if decades <= 3 else (1,)
    every = max(1, math.ceil(decades / 8))
    ticks = [m * 10.0 ** k for k in range(k0, k1 + 1) for m in steps
             if (k - k0) % every == 0 or m != 1]
    ticks = [t for t in ticks if lo / 10 <= t <= hi * 10] or [10.0 ** k0]  # plotly hides the rest
    return dict(tickvals=ticks, ticktext=[_tick_text(t, steps == (1,)) for t in ticks])


def _tick_text(t: float, powers: bool = False) -> str:
    if 1e-3 <= t < 1e4 and not powers:
        return f"{t:g}"
    k = math.floor(math.log10(t) + 1e-9)
    m = round(t / 10.0 ** k)
    return f"10<sup>{k}</sup>" if m == 1 else f"{m}·10<sup>{k}</sup>"


def values_of(results, *keys) -> list:
    out = []
    for r in results:
        for k in keys:
            v = r.get(k)
            out.extend(v if isinstance(v, list) else [v])
    return out


def fmt_number(x) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:.2e}"


# ---------------------------------------------------------------- boundaries
def boundary_trace(z: np.ndarray, kind: str, n_classes: int = 2) -> go.Heatmap:
    """One boundary heatmap over [-6, 6]². kind: "binary" (z = P(class 1)), "multiclass"
    (z = class index) or "regression" (z = value, about −1..1)."""
    axis = cell_centres(z.shape[0]).astype(np.float32)
    common = dict(x=axis, y=axis, z=z, showscale=False, hoverinfo="skip")
    if kind == "multiclass":
        k = max(2, n_classes)
        scale = []
        for c in range(k):  # a stepped scale: one flat band per class
            scale += [[c / k, CLASS_TINTS[c]], [(c + 1) / k, CLASS_TINTS[c]]]
        return go.Heatmap(colorscale=scale, zmin=-0.5, zmax=k - 0.5, **common)
    lo, hi = (0.0, 1.0) if kind == "binary" else (-1.0, 1.0)
    return go.Heatmap(colorscale=DIVERGING, zmin=lo, zmax=hi, opacity=style.HEAT_ALPHA, zsmooth="best",
                      **common)


def points_trace(X: np.ndarray, y: np.ndarray, kind: str, size: int = 4) -> go.Scatter:
    X, y = np.asarray(X, dtype=np.float32), np.asarray(y)
    if kind == "regression":
        marker = dict(color=np.clip(y, -1, 1).astype(np.float32), colorscale=DIVERGING,
                      cmin=-1, cmax=1, size=size, line=dict(color=style.WHITE, width=0.5))
    else:
        marker = dict(color=[CLASS_COLOURS[int(c) % len(CLASS_COLOURS)] for c in y], size=size,
                      line=dict(color=style.WHITE, width=0.5))
    return go.Scatter(x=X[:, 0], y=X[:, 1], mode="markers", marker=marker, hoverinfo="skip",
                      showlegend=False)


def _square_axes(fig: go.Figure, n: int) -> None:
    for i in range(1, n + 1):
        sx = "" if i == 1 else str(i)
        fig.update_layout({f"xaxis{sx}": dict(range=[-DOMAIN, DOMAIN], visible=False,
                                              constrain="domain"),
                           f"yaxis{sx}": dict(range=[-DOMAIN, DOMAIN], visible=False,
                                              scaleanchor=f"x{sx}", constrain="domain")})


def _result_title(r: Mapping, per_seed: bool, classification: bool, by: str = "depth") -> str:
    head = (f"depth {r['depth']}" if by == "depth" else f"{r[by]}% training") + (f" · seed {r['seed']}" if per_seed else "")
    if r.get("diverged"):
        return head + f"<br><span style='color:{style.DIVERGED}'>diverged</span>"
    if classification and r.get("test_accuracy") is not None:
        return head + f"<br>test acc {r['test_accuracy']:.0%}"
    return head + f"<br>test loss {fmt_number(r.get('test_loss'))}"


def boundary_grid(results: Sequence[Mapping], kind: str = "binary", n_classes: int = 2,
                  per_seed: bool = False, points: Mapping[int, tuple] | None = None,
                  max_cols: int = 6, title: str | None = None, by: str = "depth") -> go.Figure:
    """Small decision boundaries: one per depth (the first seed), or a row per seed and a
    column per depth when `per_seed`. `points` maps a seed to its (X, y) training points."""
    rs = [r for r in results if r.get("grid") is not None and len(r["grid"])]
    if not rs:
        return empty_figure("No boundaries yet: run a sweep.")
    depths = sorted({r[by] for r in rs})
    seeds = sorted({r["seed"] for r in rs}, key=[r["seed"] for r in rs].index)
    cell_of = {(r[by], r["seed"]): r for r in rs}
    if per_seed and len(seeds) > 1:
        rows, cols = len(seeds), len(depths)
        cells = [cell_of.get((d, s)) for s in seeds for d in depths]
    else:
        per_seed = False
        first = {}
        for r in rs:
            first.setdefault(r[by], r)
        cells = [first[d] for d in depths]
        cols = min(max_cols, len(cells))
        rows = math.ceil(len(cells) / cols)
    classification = kind != "regression"
    titles = [(_result_title(c, per_seed, classification, by) if c else "") for c in cells]
    titles += [""] * (rows * cols - len(titles))
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles,
                        horizontal_spacing=0.02, vertical_spacing=0.12 / max(1, rows) + 0.04)
    for i, c in enumerate(cells):
        if c is None:
            continue
        row, col = i // cols + 1, i % cols + 1
        fig.add_trace(boundary_trace(grid_array(c["grid"]), kind, n_classes), row=row, col=col)
        if points and c["seed"] in points:
            X, y = points[c["seed"]]
            fig.add_trace(points_trace(X, y, kind, size=3 if cols > 4 else 4), row=row, col=col)
    _square_axes(fig, rows * cols)
    for a in fig.layout.annotations:
        a.font = dict(size=11)
    cell = 150 if cols > 4 else 190
    fig.update_layout(height=rows * (cell + 45) + (40 if title else 10), showlegend=False,
                      margin=dict(l=5, r=5, t=60 if title else 45, b=5),
                      title=dict(text=title, font=dict(size=14)) if title else None,
                      plot_bgcolor=style.WHITE)
    return fig


# ---------------------------------------------------------------- numbers vs depth
def _spread(results: Sequence[Mapping], key: str, by: str = "depth") -> tuple[list[int], list, list, list]:
    """Per depth (or per value of `by`): mean, min, max of `key` over seeds (None values skipped)."""
    vals: dict[int, list[float]] = defaultdict(list)
    for r in results:
        v = r.get(key)
        vals.setdefault(r[by], [])
        if v is not None and math.isfinite(v):
            vals[r[by]].append(float(v))
    depths = sorted(vals)
    mean = [float(np.mean(vals[d])) if vals[d] else None for d in depths]
    lo = [min(vals[d]) if vals[d] else None for d in depths]
    hi = [max(vals[d]) if vals[d] else None for d in depths]
    return depths, mean, lo, hi


def spread_trace(results, key, name, colour, dash="solid", unit="", by="depth", what="depth",
                 **kw) -> go.Scatter:
    depths, mean, lo, hi = _spread(results, key, by)
    n = defaultdict(int)
    for r in results:
        n[r[by]] += 1
    err_plus = [None if m is None else h - m for m, h in zip(mean, hi)]
    err_minus = [None if m is None else m - l for m, l in zip(mean, lo)]
    show_err = any(n[d] > 1 for d in depths)
    text = [f"{name}<br>{what} {d}: mean {fmt_number(m)}{unit}" + (f" (min {fmt_number(l)}, max {fmt_number(h)}, {n[d]} seeds)" if n[d] > 1 else "")
            for d, m, l, h in zip(depths, mean, lo, hi)]
    return go.Scatter(x=[str(d) for d in depths], y=mean, name=name, mode="lines+markers",
                      line=dict(color=colour, dash=dash, width=2), marker=dict(size=7),
                      error_y=dict(type="data", symmetric=False, array=err_plus,
                                   arrayminus=err_minus, visible=show_err, thickness=1.2,
                                   width=4, color=colour),
                      hovertext=text, hoverinfo="text", **kw)


def depth_axis(fig: go.Figure, depths: Sequence[int], **kw) -> None:
    fig.update_xaxes(type="category", categoryorder="array",
                     categoryarray=[str(d) for d in depths], title_text="hidden layers", **kw)


def _loss_and_accuracy(results: Sequence[Mapping], classification: bool, by: str, what: str) -> go.Figure:
    """Final train/test loss (log scale) and, for classification, accuracy against `by`;
    markers are the mean over seeds, bars span min to max."""
    cols = 2 if classification else 1
    fig = make_subplots(rows=1, cols=cols, horizontal_spacing=0.12,
                        subplot_titles=["Final loss (log scale)", "Final accuracy"][:cols])
    for split in ("train", "test"):
        dash = "dot" if split == "train" else "solid"
        kw = dict(by=by, what=what, legendgroup=split)
        fig.add_trace(spread_trace(results, f"{split}_loss", f"{split} loss", LOSS_COLOURS[split],
                                   dash, **kw), row=1, col=1)
        if classification:
            fig.add_trace(spread_trace(results, f"{split}_accuracy", f"{split} accuracy",
                                       LOSS_COLOURS[split], dash, showlegend=False, **kw), row=1, col=2)
    fig.update_yaxes(type="log", title_text="loss", row=1, col=1,
                     **log_ticks(values_of(results, "train_loss", "test_loss")))
    if classification:
        fig.update_yaxes(range=[0.0, 1.05], tickformat=".0%", title_text="accuracy", row=1, col=2)
    fig.update_layout(height=340, margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(orientation="h", y=-0.25, x=0), hovermode="closest")
    return fig


def metrics_vs_depth(results: Sequence[Mapping], classification: bool = True) -> go.Figure:
    """Final train/test loss (log scale) and, for classification, accuracy against depth."""
    if not results:
        return empty_figure("No results yet: run a sweep.")
    fig = _loss_and_accuracy(results, classification, "depth", "depth")
    depth_axis(fig, sorted({r["depth"] for r in results}))
    _diverged_note(fig, results)
    return fig


def _diverged_note(fig: go.Figure, results: Sequence[Mapping]) -> None:
    bad = sorted({r["depth"] for r in results if r.get("diverged")})
    if bad:
        fig.add_annotation(text=f"diverged at depth {', '.join(map(str, bad))} (last good epoch shown)",
                           x=0, y=1.13, xref="paper", yref="paper", showarrow=False,
                           xanchor="left", font=dict(size=11, color=style.DIVERGED))


def time_vs_depth(results: Sequence[Mapping], title: str | None = None) -> go.Figure:
    """Training time per run against depth (mean over seeds, bars span min to max)."""
    if not results:
        return empty_figure("No results yet: run a sweep.")
    depths = sorted({r["depth"] for r in results})
    fig = go.Figure(spread_trace(results, "seconds", "training time", style.TIME, unit=" s",
                                  showlegend=False))
    depth_axis(fig, depths)
    fig.update_yaxes(title_text="seconds per run", rangemode="tozero")
    fig.update_layout(height=300, margin=dict(l=10, r=10, t=40 if title else 20, b=10),
                      title=dict(text=title, font=dict(size=14)) if title else None)
    return fig


# ---------------------------------------------------------------- A/B compare
def ab_boundaries(grids: Sequence[np.ndarray], titles: Sequence[str], kind: str = "binary",
                  n_classes: int = 2, points: tuple | None = None) -> go.Figure:
    """Two (or more) boundaries side by side over the same data."""
    n = len(grids)
    titles = [wrap_title(t) for t in titles]  # readable side by side on a phone too
    lines = max([t.count("<br>") + 1 for t in titles] or [1])
    fig = make_subplots(rows=1, cols=n, subplot_titles=titles, horizontal_spacing=0.04)
    for i, z in enumerate(grids):
        fig.add_trace(boundary_trace(np.asarray(z, dtype=np.float32), kind, n_classes), row=1, col=i + 1)
        if points is not None:
            fig.add_trace(points_trace(*points, kind), row=1, col=i + 1)
    _square_axes(fig, n)
    for a in fig.layout.annotations:
        a.font = dict(size=12)
    fig.update_layout(height=340 + 16 * lines, showlegend=False,
                      margin=dict(l=5, r=5, t=20 + 16 * lines, b=5), plot_bgcolor=style.WHITE)
    return fig


def wrap_title(text: str, limit: int = 24) -> str:
    """A title broken into lines of about `limit` characters (at " · ", spaces and after
    commas), so two titles side by side fit a phone's width."""
    lines, line = [], ""
    for token in re.split(r"( · | |(?<=,))", text):
        if not token:
            continue
        if token in (" · ", " "):
            line += token
        elif line.strip(" ·") and len(line) + len(token) > limit:
            lines.append(line.rstrip(" ·"))
            line = token
        else:
            line += token
    lines.append(line.rstrip(" ·"))
    return "<br>".join(lines)


def ab_loss(histories: Mapping[str, Mapping[str, Sequence[float]]]) -> go.Figure:
    """Loss curves overlaid: {name: {"epoch": [...], "train_loss": [...], "test_loss": [...]}};
    solid = test, dotted = train, one colour per setting."""
    fig = go.Figure()
    palette = list(AB_COLOURS.values()) + list(CLASS_COLOURS[2:])
    every: list = []
    for i, (name, h) in enumerate(histories.items()):
        colour = AB_COLOURS.get(name, palette[i % len(palette)])
        for split, dash in (("test", "solid"), ("train", "dot")):
            y = [v if v is not None and math.isfinite(v) and v > 0 else None
                 for v in h.get(f"{split}_loss", [])]
            every += y
            fig.add_trace(go.Scatter(x=list(h.get("epoch", [])), y=y, mode="lines",
                                     name=f"{name} {split}", line=dict(color=colour, dash=dash, width=2)))
    fig.update_yaxes(type="log", title_text="loss (log scale)", **log_ticks(every))
    fig.update_xaxes(title_text="epoch")
    fig.update_layout(height=340, margin=dict(l=10, r=10, t=40, b=10),
                      title=dict(text="Loss curves", font=dict(size=14)),
                      legend=dict(orientation="h", y=-0.25, x=0), hovermode="x unified")
    return fig


def learning_curve(results: Sequence[Mapping], classification: bool = True) -> go.Figure:
    """Final train and test loss (and accuracy) against the training share: the mean over
    seeds, bars from the worst seed to the best."""
    if not results:
        return empty_figure("No results yet: run the learning curve.")
    shares = sorted({r["train_share"] for r in results})
    fig = _loss_and_accuracy(results, classification, "train_share", "training share %")
    n = {r["train_share"]: r.get("n_train") for r in results}
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=[str(s) for s in shares],
                     ticktext=[f"{s}% ({n[s]})" if n.get(s) else f"{s}%" for s in shares],
                     tickvals=[str(s) for s in shares], title_text="training share (training points)")
    return fig
