"""The network seen from inside as plotly figures (views/inside_figures): the warped grid of a
layer's view and the loss on a plane through the weights. Few traces, the views' own numbers,
the one style's colours, nothing non-finite sent, small JSON even for the largest network."""
from __future__ import annotations

import base64
import dataclasses
import re
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

from playground.core.config import parse_query
from playground.core.spaces import layer_view, loss_slice
from playground.core.train import Trainer
from playground.views import inside_figures as IF
from playground.views import style

MAX_TRACES = 15
LARGEST = "layers=32,32,32,32,32,32,32,32&points=2000"
QUERIES = ["points=200&layers=4,2", "points=200&dataset=spiral&classes=3&cost=cross_entropy&layers=5,3",
           "points=200&dataset=reg-gauss&cost=huber&layers=3,1", "points=200&layers=2&residual=1"]


def run(query: str, epochs: int = 5) -> Trainer:
    t = Trainer(parse_query(query)[0])
    t.train(epochs)
    return t


def plain(o):
    """The figure's JSON as the browser gets it, plotly's base64 typed arrays decoded."""
    if isinstance(o, dict) and set(o) >= {"bdata", "dtype"}:
        a = np.frombuffer(base64.b64decode(o["bdata"]), dtype=np.dtype(o["dtype"]))
        return a.reshape(o["shape"]) if "shape" in o else a
    if isinstance(o, dict):
        return {k: plain(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [plain(v) for v in o]
    return o


def non_finite(fig: go.Figure) -> list[str]:
    """Where the figure holds NaN or ±inf (to_json would write them as null, silently)."""
    bad = []

    def walk(o, path):
        if isinstance(o, np.ndarray):
            if o.dtype == object:
                walk(o.tolist(), path)
            elif o.dtype.kind in "fc" and not np.isfinite(o).all():
                bad.append(path)
        elif isinstance(o, dict):
            for k, v in o.items():
                walk(v, f"{path}.{k}")
        elif isinstance(o, (list, tuple)):
            for i, v in enumerate(o):
                walk(v, f"{path}[{i}]")
        elif isinstance(o, (float, np.floating)) and not np.isfinite(o):
            bad.append(path)

    walk(plain(fig.to_plotly_json()), "fig")
    return sorted(set(bad))


def colours(fig: go.Figure) -> set[str]:
    """Every colour string the figure names (colour properties and colour scales), plotly's
    default template aside (the page draws with its own theme)."""
    found = set()

    def walk(o, key=""):
        if isinstance(o, dict):
            for k, v in o.items():
                walk(v, k)
        elif isinstance(o, (list, tuple)):
            if key == "colorscale":
                found.update(c for _, c in o)
            else:
                for v in o:
                    walk(v, key)
        elif isinstance(o, str) and "color" in key:
            found.add(o)

    spec = fig.to_plotly_json()
    spec["layout"].pop("template", None)
    walk(spec)
    return found


STYLE = ({v for v in vars(style).values() if isinstance(v, str) and v.startswith("#")}
         | set(style.CLASS_COLOURS) | {c for _, c in style.VALUE_SCALE}
         | {IF.scale_colour(style.VALUE_SCALE, (b + 0.5) / IF.LINE_BINS) for b in range(IF.LINE_BINS)}
         | {c for _, c in IF.LOSS_SCALE})


def finite_xy(trace) -> np.ndarray:
    return np.column_stack([np.asarray(trace.x, dtype=np.float64), np.asarray(trace.y, dtype=np.float64)])


def by_name(fig: go.Figure) -> dict:
    return {tr.name: tr for tr in fig.data}


# ---------------------------------------------------------------- the layer's view
@pytest.mark.parametrize("query", QUERIES)
def test_layer_view_figure_draws_the_view(query):
    t = run(query)
    for layer in range(len(t.net.sizes)):
        v = layer_view(t, layer)
        fig = IF.layer_view_figure(v, t.problem, t.data.n_classes, dark=layer % 2 == 1)
        assert len(fig.data) <= MAX_TRACES
        traces = by_name(fig)
        np.testing.assert_array_equal(finite_xy(traces["train"]), v.points)
        np.testing.assert_array_equal(finite_xy(traces["test"]), v.test_points)
        assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text or "") == v.names
        assert (fig.layout.yaxis.scaleanchor == "x") == (layer == 0)   # equal axes: the input plane
        assert colours(fig) <= STYLE, colours(fig) - STYLE
        assert non_finite(fig) == []


def test_the_grid_lines_are_the_views_lines_split_by_colour():
    """The coloured traces hold every segment of the view's lines once (rounded to DIGITS
    significant digits of the extent), each in the colour of the prediction along it."""
    t = run(QUERIES[0], 30)
    v = layer_view(t, 1)
    lines = [tr for tr in IF.layer_view_figure(v, t.problem, 2).data if tr.name.startswith("grid ")]
    bins, cols = IF.line_colours(v.line_values, "binary", 2)
    want = {cols[b]: int((bins == b).sum()) for b in np.unique(bins)}
    got = {}
    scale = np.abs(v.lines).max()
    for tr in lines:
        x = np.array([np.nan if a is None else a for a in tr.x], dtype=np.float64)
        y = np.array([np.nan if a is None else a for a in tr.y], dtype=np.float64)
        ok = np.isfinite(x[:-1]) & np.isfinite(x[1:])      # a segment between two points
        got[tr.line.color] = int(ok.sum())
        pts = np.column_stack([x, y])[np.isfinite(x)]
        d = np.abs(pts[:, None, :] - v.lines.reshape(-1, 2)[None]).max(axis=2).min(axis=1)
        assert d.max() <= scale * 10.0 ** (1 - IF.DIGITS)        # every point is a line sample
    assert got == want and sum(got.values()) == v.lines.shape[0] * (v.lines.shape[1] - 1)


def test_polylines_break_between_runs():
    L = np.stack(np.meshgrid(np.arange(5.0), [0.0, 1.0]), axis=-1)   # 2 lines of 5 samples
    chosen = np.array([[True, True, False, True], [False, False, False, True]])
    x, y = IF.polylines(L, chosen)
    assert list(x) == [0.0, 1.0, 2.0, None, 3.0, 4.0, None, 3.0, 4.0]
    assert list(y) == [0.0] * 3 + [None] + [0.0] * 2 + [None] + [1.0] * 2
    assert [list(a) for a in IF.polylines(L, np.zeros((2, 4), bool))] == [[], []]


def test_line_colours_follow_the_prediction():
    bins, cols = IF.line_colours(np.array([[0.0, 0.0], [0.5, 0.5], [1.0, 1.0], [np.nan, 1.0]]),
                                 "binary", 2)
    assert [cols[b] for b in bins[:, 0]] == [
        IF.scale_colour(style.VALUE_SCALE, 0.5 / IF.LINE_BINS), style.NEUTRAL,
        IF.scale_colour(style.VALUE_SCALE, 1 - 0.5 / IF.LINE_BINS), style.NAN_GREY]
    reg, _ = IF.line_colours(np.array([[-5.0, -5.0], [5.0, 5.0]]), "regression", 1)  # clipped
    assert list(reg[:, 0]) == [0, IF.LINE_BINS - 1]
    k, cols = IF.line_colours(np.array([[0, 1, 2], [2, np.nan, 0], [7, 1, 1]]), "multiclass", 3)
    assert [[cols[b] for b in row] for row in k] == [
        [style.ORANGE, style.BLUE], [style.class_colour(2), style.NAN_GREY],
        [style.NAN_GREY, style.BLUE]]


def test_titles_name_the_layer_the_neurons_or_the_pca_share():
    t = run("points=200&layers=5,2,1", 10)
    pca = layer_view(t, 1)
    share = 100 * (pca.explained[0] + pca.explained[1])
    assert IF.layer_title(pca) == ("Hidden layer 1 as seen by its first two principal components "
                                  f"({share:.0f} % of the variance)")
    assert IF.layer_title(layer_view(t, 1, axes=(0, 2))) == "Hidden layer 1 as seen by neurons 1 and 3"
    assert IF.layer_title(layer_view(t, 2)) == "Hidden layer 2 as seen by neurons 1 and 2"
    assert IF.layer_title(layer_view(t, 0)) == "The input plane"
    one = layer_view(t, 3)
    assert one.mode == "line" and "one neuron" in IF.layer_title(one)
    fig = IF.layer_view_figure(one, t.problem, 2)
    assert fig.layout.title.text == IF.layer_title(one) and fig.layout.yaxis.visible is False
    m = run(QUERIES[1])
    assert IF.layer_title(layer_view(m, 3, axes=(2, 0))) == "The output layer as seen by outputs 3 and 1"


def test_classes_and_values_are_coloured_by_the_style():
    m = run(QUERIES[1])
    v = layer_view(m, 1)
    train = by_name(IF.layer_view_figure(v, m.problem, 3))["train"].marker
    scale = train.colorscale
    lo, hi = train.cmin, train.cmax
    for label, colour in zip(v.labels, np.asarray(train.color)):   # class c → its colour
        t = (colour - lo) / (hi - lo)
        assert colour == label and IF.scale_colour([list(s) for s in scale], t) == style.class_colour(label)
    r = run(QUERIES[2])
    fig = IF.layer_view_figure(layer_view(r, 1), r.problem, 1)
    assert [c for _, c in by_name(fig)["train"].marker.colorscale] == [c for _, c in style.VALUE_SCALE]


def test_a_diverged_network_is_drawn_without_non_finite_numbers():
    t = run(QUERIES[0])
    t.net.W[0][0, 0] = np.inf
    t.net.W[0][1, 1] = np.nan
    for layer in range(len(t.net.sizes)):
        fig = IF.layer_view_figure(layer_view(t, layer), t.problem, 2)
        assert non_finite(fig) == [] and len(fig.data) <= MAX_TRACES


def test_the_module_names_no_colour_of_its_own():
    code = Path(IF.__file__).read_text()
    assert not re.findall(r"#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?)\(", code)


# ---------------------------------------------------------------- the loss on a plane
def test_loss_slice_figure_draws_the_loss_and_the_path():
    t = run(QUERIES[0], 60)
    sl = loss_slice(t, n=15, budget=None, path=t.trail.thetas(), span=None)
    fig = IF.loss_slice_figure(sl, epochs=t.trail.epochs())
    heat, path, start, now = fig.data
    assert isinstance(heat, go.Heatmap) and len(fig.data) <= MAX_TRACES
    z = np.array(heat.z, dtype=np.float64)
    np.testing.assert_allclose(z, sl.loss, rtol=1e-3)                  # linear: a narrow range
    np.testing.assert_array_equal(heat.x, sl.alpha)
    finite = np.isfinite(sl.path).all(axis=1)
    np.testing.assert_array_equal(finite_xy(path)[:finite.sum()], sl.path[finite])
    assert tuple(finite_xy(path)[-1]) == tuple(finite_xy(now)[0]) == sl.origin   # the end: θ now
    assert tuple(finite_xy(start)[0]) == tuple(sl.path[finite][0])
    assert start.marker.symbol != now.marker.symbol
    assert list(path.text[:2]) == [f"epoch {e}" for e in t.trail.epochs()[:2]]
    assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text) == sl.names
    assert colours(fig) <= STYLE and non_finite(fig) == []


def test_loss_scale_is_the_style_and_log_beyond_two_decades():
    assert [c for _, c in IF.LOSS_SCALE] == [style.BLUE, style.mix(style.BLUE, style.NEUTRAL, 0.6),
                                              style.NEUTRAL]
    t = run(QUERIES[0])
    sl = loss_slice(t, directions=((0, 0, 0), (1, 1, -1)), n=7, budget=None)
    wide = np.geomspace(1e-3, 1e3, sl.loss.size).reshape(sl.loss.shape)
    fig = IF.loss_slice_figure(dataclasses.replace(sl, loss=wide))
    heat = fig.data[0]
    assert "log" in heat.colorbar.title.text
    np.testing.assert_allclose(np.array(heat.z, dtype=np.float64), np.log10(wide), atol=1e-3)
    assert list(heat.colorbar.ticktext) == ["0.001", "0.01", "0.1", "1", "10", "100", "1000"]
    assert "log" not in IF.loss_slice_figure(sl).data[0].colorbar.title.text
    assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text) == ("w[0, 0, 0]", "b[1, 1]")


def test_nan_losses_empty_paths_and_a_reduced_grid():
    t = run(QUERIES[0])
    sl = loss_slice(t, n=9, budget=None)       # no path: only the current weights are marked
    fig = IF.loss_slice_figure(sl)
    assert [tr.name for tr in fig.data[1:]] == ["now"] and non_finite(fig) == []
    loss = np.array(sl.loss)
    loss[0, :3] = [np.nan, np.inf, -np.inf]
    loss[-1, -1] = 0.0
    path = np.array([[np.nan, 1.0], [0.2, 0.1], [np.inf, 0.0]])
    odd = dataclasses.replace(sl, loss=loss, path=path, off_plane=np.zeros(3),
                              reduced="5×5 points instead of 9×9: one loss takes 9 ms", capped=3)
    fig = IF.loss_slice_figure(odd, dark=True)
    assert non_finite(fig) == []
    z = fig.data[0].z
    assert [z[0][j] for j in range(3)] == [None, None, None] and z[-1][-1] == 0.0
    assert "grid reduced: 5×5 points" in fig.layout.title.text
    assert "beyond the grid" not in fig.layout.title.text
    assert [list(finite_xy(fig.data[1])[0]), list(finite_xy(fig.data[1])[-1])] == [[0.2, 0.1], list(sl.origin)]
    nothing = dataclasses.replace(sl, loss=np.full(sl.loss.shape, np.nan), path=np.zeros((0, 2)),
                                  off_plane=np.zeros(0))
    fig = IF.loss_slice_figure(nothing)
    assert non_finite(fig) == [] and all(v is None for row in fig.data[0].z for v in row)


def test_regression_slice_and_a_path_beyond_the_grid():
    r = run(QUERIES[2], 20)
    sl = loss_slice(r, n=9, budget=None, path=r.trail.thetas())
    fig = IF.loss_slice_figure(sl)
    assert non_finite(fig) == [] and len(fig.data) == 4
    far = dataclasses.replace(sl, path=np.array([[5.0, 5.0], [0.5, 0.5], [9.0, 0.0]]), off_plane=np.zeros(3))
    assert "2 points of the path beyond the grid" in IF.loss_slice_figure(far).layout.title.text


# ---------------------------------------------------------------- the largest network
def test_the_largest_network_stays_small_and_few_traces():
    t = run(LARGEST, 1)
    for layer, lines in ((4, {}), (8, dict(n_lines=41, n_per_line=201))):   # the default and the largest grid
        v = layer_view(t, layer, **lines)
        fig = IF.layer_view_figure(v, t.problem, 2)
        assert len(fig.data) <= MAX_TRACES and len(fig.to_json()) < 300_000
        assert "principal components" in fig.layout.title.text
    sl = loss_slice(t, n=11, budget=None, path=t.trail.thetas())
    fig = IF.loss_slice_figure(sl, epochs=t.trail.epochs())
    assert len(fig.data) == 4 and len(fig.to_json()) < 300_000
