"""Plotly figures of the playground page: the expected traces, explicit colours, no NaN."""
from __future__ import annotations

import base64
import json

import numpy as np
import plotly.graph_objects as go
import pytest

from playground.views import figures as F
from playground.views import style
from playground.views.preview import dataset_preview
from playground.core.config import parse_query
from playground.core.train import Trainer

QUERIES = ["", "dataset=spiral&classes=3&cost=cross_entropy&layers=8,8",
           "dataset=reg-gauss&cost=huber", "layers=", "layers=4,4&residual=1&activation=relu,sine",
           "dataset=blobs&classes=4&cost=hinge&layers=3", "cost=cross_entropy&features=x1,x2,x1x2,sinx1"]


def run(query: str, epochs: int = 3) -> Trainer:
    t = Trainer(parse_query(query)[0])
    t.train(epochs)
    return t


def no_nan(fig: go.Figure) -> None:
    """Every number the browser would receive is finite (JSON with allow_nan=False, and
    plotly's base64 typed arrays decoded: json.dumps never looks inside those)."""
    json.dumps(fig.to_plotly_json(), allow_nan=False, default=_plain)
    assert non_finite(fig) == []


def _plain(o):
    if isinstance(o, np.ndarray):
        assert np.isfinite(o).all() if o.dtype.kind == "f" else True
        return o.tolist()
    if isinstance(o, np.generic):
        return o.item()
    raise TypeError(type(o))


def non_finite(fig: go.Figure) -> list[str]:
    """Where a figure holds NaN or ±inf (plotly's to_json writes them as null, silently: a
    check of to_json's output cannot fail), as paths like "data[0].z"."""
    bad: list[str] = []

    def walk(o, path):
        if isinstance(o, np.ndarray):
            if o.dtype.kind in "fc" and not np.isfinite(o).all():
                bad.append(path)
            elif o.dtype == object:
                walk(o.tolist(), path)
        elif isinstance(o, dict) and "bdata" in o and "dtype" in o:  # plotly's typed array
            walk(np.frombuffer(base64.b64decode(o["bdata"]), dtype=np.dtype(o["dtype"])), path)
        elif isinstance(o, dict):
            for k, v in o.items():
                walk(v, f"{path}.{k}")
        elif isinstance(o, (list, tuple)):
            if any(isinstance(v, (float, np.floating)) and not np.isfinite(v) for v in o):
                bad.append(path)
            for i, v in enumerate(o):
                if isinstance(v, (dict, list, tuple, np.ndarray)):
                    walk(v, f"{path}[{i}]")
        elif isinstance(o, (float, np.floating)) and not np.isfinite(o):
            bad.append(path)

    walk(fig.to_plotly_json(), "fig")
    return sorted(set(bad))


def named_scales(fig: go.Figure) -> list:
    return [t.colorscale for t in fig.data if getattr(t, "colorscale", None) is not None
            and isinstance(t.colorscale, str)]


@pytest.mark.parametrize("query", QUERIES)
def test_boundary_figure(query):
    t = run(query)
    values, conf = F.boundary_values(t)
    kind = F.problem_kind(t)
    d = t.data
    for test, discretize in ((None, False), ((d.X_test, d.y_test), True)):
        fig = F.boundary_figure(values, kind, (d.X_train, d.y_train), test,
                                n_classes=d.n_classes, confidence=conf, discretize=discretize)
        assert isinstance(fig, go.Figure)
        assert [type(tr).__name__ for tr in fig.data] == ["Heatmap", "Scatter"] + (["Scatter"] if test else [])
        assert fig.data[0].z.shape == (F.GRID, F.GRID)
        assert len(fig.data[1].x) == len(d.X_train)
        assert not named_scales(fig)
        no_nan(fig)


def test_binary_boundary_uses_tfp_colours_the_right_way_round():
    t = run("", 200)
    values, _ = F.boundary_values(t)
    fig = F.boundary_figure(values, "binary", (t.data.X_train, t.data.y_train))
    scale = fig.data[0].colorscale
    assert scale[0][0] == 0 and scale[-1][0] == 1
    # P(blue) = 0 is orange-ish, 1 is blue-ish; class 1 (blue) sits inside the circle
    assert (scale[0][1], scale[-1][1]) == (style.heat(F.ORANGE), style.heat(F.BLUE))  # as the canvas
    centre = values[F.GRID // 2, F.GRID // 2]
    assert centre > 0.5
    colours = fig.data[1].marker.color
    assert set(colours) == {F.ORANGE, F.BLUE}


def test_nan_values_are_never_drawn():
    values = np.full((F.GRID, F.GRID), np.nan)
    values[0, 0] = np.inf
    X = np.array([[0.0, 1.0], [np.nan, 2.0]])
    fig = F.boundary_figure(values, "binary", (X, np.array([0, 1])))
    no_nan(fig)
    h = F.loss_figure(type("H", (), {"epoch": [0, 1, 2], "train_loss": [1.0, np.nan, 0.5],
                                     "test_loss": [1.0, np.inf, 0.4]})())
    no_nan(h)


def test_loss_figure_has_train_and_test_and_is_thinned():
    t = run("", 1000)
    fig = F.loss_figure(t.history)
    assert [tr.name for tr in fig.data] == ["train loss", "test loss"]
    assert len(fig.data[0].x) <= F.MAX_CURVE_POINTS
    assert fig.data[0].x[-1] == 1000
    no_nan(fig)


@pytest.mark.parametrize("query", QUERIES)
def test_network_figure(query):
    t = run(query)
    fig = F.network_figure(t, selected="n:1:0")
    sizes = t.net.sizes
    heatmaps = [tr for tr in fig.data if isinstance(tr, go.Heatmap)]
    assert len(heatmaps) == sum(sizes)  # one thumbnail per unit, inputs and output included
    by_name = {tr.name: tr for tr in fig.data if tr.name}
    n_weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    assert len(by_name["weights"].customdata) == n_weights
    assert len(by_name["biases"].customdata) == sum(sizes[1:])  # output bias included
    assert len(by_name["units"].customdata) == sum(sizes)
    assert not named_scales(fig)
    no_nan(fig)


def test_network_figure_links_follow_the_weights():
    t = run("layers=2")
    t.net.W[0][0, 0] = 3.0    # strong positive: blue and wide
    t.net.W[0][1, 1] = -3.0   # strong negative: orange
    fig = F.network_figure(t)
    lines = [tr for tr in fig.data if isinstance(tr, go.Scatter) and tr.mode == "lines"]
    widest = max(tr.line.width for tr in lines)
    colours = {tr.line.color for tr in lines if tr.line.width == widest}
    assert colours == {F.BLUE, F.ORANGE}
    data = list(fig.data[-1].customdata)
    assert "b:2:0" in data  # the output's bias is drawn and clickable


def test_neuron_maps_and_unit_figure():
    t = run("layers=3,2")
    maps = F.neuron_maps(t)
    assert [m.shape[0] for m in maps] == t.net.sizes
    assert all(np.isfinite(m).all() and np.abs(m).max() <= 1 for m in maps)
    fig = F.unit_figure(t, 1, 2)
    assert isinstance(fig.data[0], go.Heatmap)
    no_nan(fig)


@pytest.mark.parametrize("name", ["circle", "spiral", "reg-gauss", "blobs"])
def test_dataset_preview_is_a_small_image(name):
    img = dataset_preview(name, 48)
    assert img.shape == (48, 48, 3) and img.dtype == np.uint8
    assert len(np.unique(img.reshape(-1, 3), axis=0)) > 2  # background and coloured points


def _contrast(a: str, b: str) -> float:
    def lum(h):
        c = [int(h[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_every_depth_line_shows_on_light_and_dark_pages():
    """The shallowest depth's line (#440154) was all but invisible on the dark theme."""
    from playground.views.lab_figures import depth_colour
    for n in (1, 2, 5, 8):
        for i in range(n):
            c = depth_colour(i, n)
            assert _contrast(c, "#ffffff") > 1.9 and _contrast(c, "#0e1117") > 3, (i, n, c)


ODD = [{"depth": 0, "seed": 0, "train_loss": None, "test_loss": float("nan"),
        "train_accuracy": None, "test_accuracy": None, "diverged": True, "seconds": 0.1,
        "grad_norms_init": [0.0], "grad_norms_final": [None], "grid": [[None, 0.5], [1.0, 0.0]]},
       {"depth": 3, "seed": 0, "train_loss": 0.1, "test_loss": 0.2, "train_accuracy": 0.9,
        "test_accuracy": 0.8, "diverged": False, "seconds": 0.2,
        "grad_norms_init": [1e-9, 1e-5, 1e-2, float("inf")], "grad_norms_final": [1e-3] * 4,
        "grid": [[0.0, 1.0], [1.0, 0.0]]}]


def test_non_finite_finds_nan_and_inf_where_to_json_does_not():
    fig = go.Figure(go.Scatter(x=[0, 1, 2], y=[1.0, float("nan"), 2.0]))
    fig.add_trace(go.Heatmap(z=np.array([[0.0, np.inf]])))
    assert "NaN" not in fig.to_json() and "Infinity" not in fig.to_json()   # written as null
    assert non_finite(fig) == ["fig.data[0].y", "fig.data[1].z"]
    assert non_finite(go.Figure(go.Scatter(x=[0, 1], y=[1.0, None]))) == []  # None: a gap


def test_lab_figures_hold_no_nan_or_inf():
    """Every Depth Lab figure, from results with missing, NaN and infinite numbers: only a
    boundary cell the run could not compute (None in its grid) is left empty (NaN in z)."""
    from playground.views import flow as G
    from playground.views import lab_figures as LF
    figs = [LF.metrics_vs_depth(ODD), LF.metrics_vs_depth(ODD, classification=False),
            LF.time_vs_depth(ODD), G.gradient_flow(ODD), G.residual_compare(ODD, ODD),
            LF.ab_loss({"A": {"epoch": [0, 1, 2], "train_loss": [1.0, None, float("nan")],
                              "test_loss": [0.0, 1.0, float("inf")]}}),
            LF.ab_boundaries([np.array([[0.0, 1.0], [0.5, 0.5]])] * 2, ["A", "B"])]
    for fig in figs:
        assert non_finite(fig) == [], fig.layout.title.text
    for kind in ("binary", "regression", "multiclass"):
        grid = LF.boundary_grid(ODD, kind, 3, points={0: ([[0.0, 0.0]], [1])})
        assert non_finite(grid) == ["fig.data[0].z"], kind
        assert np.isnan(np.asarray(grid.data[0].z, dtype=float)).sum() == 1


def test_learning_curve_figure_means_and_spreads_per_share():
    from playground.views import lab_figures as LF
    rs = [{"train_share": s, "n_train": s * 5, "seed": k, "depth": 1, "train_loss": 0.1 / s + k * 0.01,
           "test_loss": 1.0 / s + k * 0.02, "train_accuracy": 0.9, "test_accuracy": 0.5 + s / 200}
          for s in (10, 50) for k in (0, 1)]
    fig = LF.learning_curve(rs, classification=True)
    test = next(t for t in fig.data if t.name == "test loss")
    assert list(test.x) == ["10", "50"]
    assert test.y[0] == pytest.approx((0.1 + 0.12) / 2) and test.error_y.array[0] == pytest.approx(0.01)
    assert list(fig.layout.xaxis.ticktext) == ["10% (50)", "50% (250)"]
    assert "No results" in LF.learning_curve([]).layout.annotations[0].text
