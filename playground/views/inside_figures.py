"""The network seen from inside, as plotly figures (pure views of core/spaces' values).

`layer_view_figure`: a `LayerView` as ConvNetJS draws its "transformed space": the grid of
lines over the input plane, warped by the network into the layer's space and coloured by the
network's prediction along it, with the data points in the same space.

`loss_slice_figure`: a `LossSlice` as a heat map of the training loss on the plane through
the weights (log colours when it spans more than LOG_DECADES decades), with the path the
weights took to the current ones (the origin).

Every colour comes from style.py. Nothing non-finite is sent to plotly: points and line
samples that are not finite are left out, losses that are not finite are masked (None: a
hole in the heat map). Traces stay few (at most ~15) and the JSON small, whatever the net.
"""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from ..core.spaces import LayerView, LossSlice
from . import style

LINE_BINS = 9         # colour levels of a continuous prediction along the lines (odd: a middle)
LINE_WIDTH = 1.6
LOG_DECADES = 2.0     # a loss range wider than this many decades is coloured on a log scale
DIGITS = 4            # significant digits (of the extent) of coordinates sent: below a pixel
# The loss surface: low loss the deep blue of a good fit, high loss the neutral grey.
LOSS_SCALE = [[0.0, style.BLUE], [0.5, style.mix(style.BLUE, style.NEUTRAL, 0.6)],
              [1.0, style.NEUTRAL]]


def _theme(dark: bool) -> dict:
    """The furniture's colours on the light or the dark page (the path is drawn on the loss
    map, the same on both)."""
    if dark:
        return dict(text=style.NEUTRAL, halo=style.NAN_GREY, rim=style.WHITE,
                    test_rim=style.NEUTRAL, path=style.TEXT)
    return dict(text=style.TEXT, halo=style.MUTED, rim=style.WHITE, test_rim=style.TEST_RIM,
                path=style.TEXT)


def scale_colour(scale, t: float) -> str:
    """The colour at t ∈ [0, 1] of a plotly colour scale [[t_k, "#rrggbb"], ...]."""
    t = min(max(float(t), 0.0), 1.0)
    for (t0, c0), (t1, c1) in zip(scale, scale[1:]):
        if t <= t1:
            return style.mix(c0, c1, (t - t0) / (t1 - t0) if t1 > t0 else 0.0)
    return scale[-1][1]


def kind_of(problem: str, n_classes: int) -> str:
    """"binary", "multiclass" or "regression" from a trainer's problem and class count (the
    figures' own names are taken as they are)."""
    if problem in ("binary", "multiclass", "regression"):
        return problem
    return "multiclass" if n_classes > 2 else "binary"


def _rounder(*arrays):
    """A function rounding coordinates to DIGITS significant digits of the arrays' finite
    extent (short JSON; far below a pixel)."""
    extent = max((float(np.abs(a[np.isfinite(a)]).max(initial=0.0)) for a in arrays), default=0.0)
    decimals = DIGITS - 1 - math.floor(math.log10(extent)) if extent > 0 else DIGITS
    return lambda a: np.round(a, decimals)


# ---------------------------------------------------------------- the warped grid
def line_colours(values, kind: str, n_classes: int) -> tuple[np.ndarray, list[str]]:
    """(bin (lines, samples − 1), colours): each segment's colour index by the prediction
    along it, the last colour for a value that is not a number. binary: P(class 1) on the
    boundary's diverging hues (orange 0 … grey ½ … blue 1); regression: the value on the
    same scale over [−1, 1] (as the boundary clips it); k classes: the class at the
    segment's start, in its class colour."""
    v = np.asarray(values, dtype=np.float64)
    if kind == "multiclass":
        k = max(2, int(n_classes))
        start = v[:, :-1]
        with np.errstate(invalid="ignore"):
            ok = np.isfinite(start) & (start >= 0) & (start < k)
        bins = np.where(ok, start, k).astype(np.int64)
        return bins, style.class_colours(k) + [style.NAN_GREY]
    with np.errstate(invalid="ignore"):
        mid = 0.5 * (v[:, :-1] + v[:, 1:])
        t = mid if kind == "binary" else (mid + 1.0) / 2.0
        level = np.floor(np.clip(t, 0.0, 1.0) * LINE_BINS)
    bins = np.where(np.isfinite(mid), np.minimum(np.nan_to_num(level), LINE_BINS - 1), LINE_BINS)
    colours = [scale_colour(style.VALUE_SCALE, (b + 0.5) / LINE_BINS) for b in range(LINE_BINS)]
    return bins.astype(np.int64), colours + [style.NAN_GREY]


def polylines(L: np.ndarray, segments: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) of the runs of consecutive chosen segments of every line, one polyline per run,
    None between runs (object arrays: plotly copies them without checking each value, and
    writes None as null). L (lines, samples, 2); segments (lines, samples − 1) bool."""
    R, S = segments.shape
    used = np.zeros((R, S + 1), bool)
    used[:, :-1] |= segments
    used[:, 1:] |= segments
    ends = np.zeros((R, S + 1), bool)        # the last point of a run
    ends[:, 1:] = segments & ~np.concatenate([segments[:, 1:], np.zeros((R, 1), bool)], 1)
    pts, cut = L[used], ends[used]
    at = np.flatnonzero(cut) + 1
    x = np.insert(pts[:, 0].astype(object), at, None)
    y = np.insert(pts[:, 1].astype(object), at, None)
    return x[:-1], y[:-1]


def line_traces(view: LayerView, kind: str, n_classes: int, theme: dict) -> list[go.Scatter]:
    """The warped grid: a faint halo of every line (so a line of the neutral middle colour
    still shows), then one trace per colour holding all its segments."""
    L = np.asarray(view.lines, dtype=np.float64)
    if L.size == 0:
        return []
    L = _rounder(L)(L)
    ok = np.isfinite(L).all(axis=2)
    seg_ok = ok[:, :-1] & ok[:, 1:]
    bins, colours = line_colours(view.line_values, kind, n_classes)
    common = dict(mode="lines", hoverinfo="skip", showlegend=False)
    x, y = polylines(L, seg_ok)
    traces = [go.Scatter(x=x, y=y, line=dict(color=theme["halo"], width=LINE_WIDTH + 1.6),
                         opacity=0.3, name="grid", **common)]
    for b, colour in enumerate(colours):
        chosen = seg_ok & (bins == b)
        if chosen.any():
            x, y = polylines(L, chosen)
            traces.append(go.Scatter(x=x, y=y, line=dict(color=colour, width=LINE_WIDTH),
                                     name=f"grid {b}", **common))
    return traces


def point_trace(xy, labels, kind: str, name: str, rim: str, test: bool = False):
    """The points in the view (those with finite coordinates), coloured by their label:
    class colours, or the value scale for regression; None if there are none."""
    xy, labels = np.asarray(xy, dtype=np.float64).reshape(-1, 2), np.asarray(labels)
    ok = np.isfinite(xy).all(axis=1)
    if not ok.any():
        return None
    xy, labels = xy[ok], labels[ok]
    line = dict(width=1.5 if test else 1, color=rim)
    if kind == "regression":
        values = np.nan_to_num(np.asarray(labels, dtype=np.float64), nan=0.0, posinf=1.0, neginf=-1.0)
        marker = dict(color=np.clip(values, -1, 1), colorscale=style.VALUE_SCALE, cmin=-1, cmax=1)
    else:   # class numbers on a stepped scale: plotly checks one number array, not n colours
        k = max(2, int(np.nan_to_num(labels.astype(np.float64)).max(initial=0)) + 1)
        marker = dict(color=labels.astype(np.int64), colorscale=class_scale(k), cmin=-0.5,
                      cmax=k - 0.5)
    marker.update(size=6, line=line, opacity=0.9 if test else 1.0)
    return go.Scatter(x=xy[:, 0], y=xy[:, 1], mode="markers", marker=marker, name=name,
                      showlegend=False, hovertemplate=f"{name} %{{x:.3g}}, %{{y:.3g}}<extra></extra>")


def class_scale(k: int) -> list:
    """A stepped colour scale on which class c (cmin −½, cmax k − ½) is its class colour."""
    scale = []
    for c, colour in enumerate(style.class_colours(k)):
        scale += [[c / k, colour], [(c + 1) / k, colour]]
    return scale


def _seen_by(names: tuple[str, str]) -> str:
    """("neuron 1", "neuron 3") → "neurons 1 and 3"."""
    a, b = names
    for unit in ("neuron", "output"):
        if a.startswith(unit + " ") and b.startswith(unit + " "):
            return f"{unit}s {a[len(unit) + 1:]} and {b[len(unit) + 1:]}"
    return f"{a} and {b}"


def layer_title(view: LayerView) -> str:
    """"Hidden layer 2 as seen by neurons 1 and 3", "… by its first two principal components
    (71 % of the variance)", "The input plane", "Hidden layer 1: its one neuron"."""
    what = view.title[:1].upper() + view.title[1:]
    if view.layer == 0:
        return what
    if view.mode == "pca":
        share = 100 * (view.explained[0] + view.explained[1])
        return f"{what} as seen by its first two principal components ({share:.0f} % of the variance)"
    if view.mode == "line":
        return f"{what}: its one neuron ({view.names[0]}), a line"
    return f"{what} as seen by {_seen_by(view.names)}"


def layer_view_figure(view: LayerView, problem: str, n_classes: int, dark: bool = False,
                      height: int = 420) -> go.Figure:
    """The data as layer `view.layer` sees it: the warped grid coloured by the prediction,
    the training points (white rim), the test points (dark rim). problem: a trainer's
    ("classification", "regression") or the figures' kind; equal axes on the input plane."""
    kind, theme = kind_of(problem, n_classes), _theme(dark)
    fig = go.Figure(line_traces(view, kind, n_classes, theme))
    for xy, labels, name, test in ((view.points, view.labels, "train", False),
                                   (view.test_points, view.test_labels, "test", True)):
        trace = point_trace(xy, labels, kind, name, theme["test_rim" if test else "rim"], test)
        if trace is not None:
            fig.add_trace(trace)
    fig.update_layout(height=height, margin=dict(l=45, r=10, t=40, b=40), dragmode=False,
                      hovermode="closest", showlegend=False,
                      title=dict(text=layer_title(view), font=dict(size=13, color=theme["text"])),
                      font=dict(color=theme["text"]))
    fig.update_xaxes(title_text=view.names[0], showgrid=False, zeroline=False)
    fig.update_yaxes(title_text=view.names[1], showgrid=False, zeroline=False,
                     visible=view.mode != "line")
    if view.layer == 0:
        fig.update_yaxes(scaleanchor="x", scaleratio=1, constrain="domain")
        fig.update_xaxes(constrain="domain")
    return fig


# ---------------------------------------------------------------- the loss on a plane
def loss_colours(loss) -> tuple[np.ndarray, bool, float, float]:
    """(z, log, lo, hi): the loss grid as coloured, NaN where it is not finite; log10 of it
    when the finite positive losses span more than LOG_DECADES decades (a loss ≤ 0 is then
    drawn at the smallest positive one); lo..hi the colour range."""
    L = np.asarray(loss, dtype=np.float64)
    ok = np.isfinite(L)
    if not ok.any():
        return np.full(L.shape, np.nan), False, 0.0, 1.0
    pos = L[ok & (L > 0)]
    log = len(pos) > 0 and math.log10(pos.max() / pos.min()) > LOG_DECADES
    if log:
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(ok, np.log10(np.maximum(L, pos.min())), np.nan)
    else:
        z = np.where(ok, L, np.nan)
    lo, hi = float(np.nanmin(z)), float(np.nanmax(z))
    return z, log, lo, hi if hi > lo else lo + 1.0


def _masked(z: np.ndarray, rnd) -> list:
    """Rows of z rounded, None where it is not finite (a hole plotly leaves uncoloured)."""
    z = rnd(z)
    return np.where(np.isfinite(z), z, None).tolist()


def loss_heatmap(sl: LossSlice) -> go.Heatmap:
    z, log, lo, hi = loss_colours(sl.loss)
    bar = dict(thickness=10, len=0.85, title=dict(text="training loss" + (" (log scale)" if log else ""),
                                                  side="right"))
    if log:
        decades = list(range(math.floor(lo), math.ceil(hi) + 1))
        bar.update(tickvals=decades, ticktext=[f"{10.0 ** k:g}" for k in decades])
    shown = "10^%{z:.3f}" if log else "%{z:.4g}"
    return go.Heatmap(z=_masked(z, _rounder(z)), x=np.asarray(sl.alpha, dtype=np.float64),
                      y=np.asarray(sl.beta, dtype=np.float64), colorscale=LOSS_SCALE,
                      zmin=lo, zmax=hi, zsmooth="best", colorbar=bar, hoverongaps=False,
                      hovertemplate=f"%{{x:.3g}}, %{{y:.3g}}: loss {shown}<extra></extra>")


def _path(sl: LossSlice, epochs) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(coordinates (k, 2), % off the plane (k,), hover labels) of the path's finite
    snapshots, the current weights (the origin) appended unless the path ends there."""
    P = np.asarray(sl.path, dtype=np.float64).reshape(-1, 2)
    off = np.asarray(sl.off_plane, dtype=np.float64).reshape(-1)
    off = off if len(off) == len(P) else np.zeros(len(P))
    text = ([f"epoch {e}" for e in epochs] if epochs is not None and len(epochs) == len(P)
            else [""] * len(P))
    ok = np.isfinite(P).all(axis=1)
    P, off, text = P[ok], np.nan_to_num(100 * off[ok]), [t for t, k in zip(text, ok) if k]
    end = np.asarray(sl.origin, dtype=np.float64)
    if len(P) and not np.array_equal(P[-1], end):
        P, off, text = np.vstack([P, end]), np.append(off, 0.0), text + ["now"]
    return P, off, text


def path_traces(sl: LossSlice, theme: dict, epochs=None) -> list[go.Scatter]:
    """The weights' path (its finite snapshots) ending at the current weights, the origin:
    a line with small markers, the start an open circle, the end a filled diamond."""
    P, off, text = _path(sl, epochs)
    colour, traces = theme["path"], []
    if len(P):
        traces.append(go.Scatter(
            x=P[:, 0], y=P[:, 1], mode="lines+markers", name="path", showlegend=False,
            line=dict(color=colour, width=1.5), marker=dict(size=4, color=colour),
            customdata=off, text=text,
            hovertemplate="%{text} %{x:.3g}, %{y:.3g} (%{customdata:.0f} % off the plane)<extra></extra>"))
        traces.append(go.Scatter(
            x=P[:1, 0], y=P[:1, 1], mode="markers", name="start", showlegend=False,
            marker=dict(size=10, symbol="circle-open", color=colour, line=dict(width=2, color=colour)),
            hovertemplate="start %{x:.3g}, %{y:.3g}<extra></extra>"))
    end = np.asarray(sl.origin, dtype=np.float64)
    traces.append(go.Scatter(
        x=end[:1], y=end[1:], mode="markers", name="now", showlegend=False,
        marker=dict(size=11, symbol="diamond", color=style.ORANGE, line=dict(width=1.5, color=style.WHITE)),
        hovertemplate="the current weights %{x:.3g}, %{y:.3g}<extra></extra>"))
    return traces


def slice_title(sl: LossSlice, outside: int = 0) -> str:
    """What the plane is, and notes when the grid was reduced, losses were capped or
    `outside` path points lie beyond the grid."""
    plane = {"parameters": f"along {sl.names[0]} and {sl.names[1]}",
             "random": "along two random filter-normalized directions",
             "path": "on the plane of the path's first two principal directions"}.get(sl.kind, "")
    notes = []
    if sl.reduced:
        notes.append(f"grid reduced: {sl.reduced}")
    if sl.capped:
        notes.append(f"{sl.capped} of {sl.loss.size} losses too large or not a number")
    if outside:
        notes.append(f"{outside} point{'s' if outside > 1 else ''} of the path beyond the grid")
    title = f"Training loss around the current weights, {plane}".rstrip(", ")
    return title + "".join(f"<br><sup>{n}</sup>" for n in notes)


def _outside(P: np.ndarray, a: np.ndarray, b: np.ndarray) -> int:
    """How many points (k, 2) lie beyond the grid's α × β box."""
    if not len(P) or not len(a) or not len(b):
        return 0
    inside = (P[:, 0] >= a.min()) & (P[:, 0] <= a.max()) & (P[:, 1] >= b.min()) & (P[:, 1] <= b.max())
    return int((~inside).sum())


def loss_slice_figure(sl: LossSlice, dark: bool = False, height: int = 440,
                      epochs=None) -> go.Figure:
    """The training loss on the plane through the weights, with the path the weights took
    (hover: the snapshot's `epochs`, if given, one per path row) to the current ones. The
    axes are the grid's: a path point beyond it is said in the title (span=None fits it)."""
    theme = _theme(dark)
    a, b = np.asarray(sl.alpha, dtype=np.float64), np.asarray(sl.beta, dtype=np.float64)
    title = slice_title(sl, _outside(_path(sl, epochs)[0], a, b))
    fig = go.Figure([loss_heatmap(sl), *path_traces(sl, theme, epochs)])
    fig.update_layout(height=height, margin=dict(l=50, r=10, t=40 + 16 * title.count("<br>"), b=40),
                      dragmode=False, hovermode="closest", showlegend=False,
                      title=dict(text=title, font=dict(size=13, color=theme["text"])),
                      font=dict(color=theme["text"]))
    fig.update_xaxes(title_text=sl.names[0], range=[a[0], a[-1]] if len(a) else None,
                     showgrid=False, zeroline=False, constrain="domain")
    fig.update_yaxes(title_text=sl.names[1], range=[b[0], b[-1]] if len(b) else None,
                     showgrid=False, zeroline=False, scaleanchor="x", scaleratio=1,
                     constrain="domain")
    return fig
