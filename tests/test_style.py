"""One style: the live canvas (its spec's palette), the plotly figures and the Depth Lab draw
with the same colours (views/style.py), and the canvas's JavaScript has none of its own.

Before: four palettes that disagreed; with 8–10 uploaded classes the canvas coloured classes
8 and 10 differently from the figures, and its train-loss line was the text colour where the
figures drew grey #8c8c8c (the Lab #555555)."""
from __future__ import annotations

import re

import numpy as np
import pytest

from playground.core.config import Config
from playground.core.datasets import Dataset
from playground.core.train import Trainer
from playground.views import canvas_spec as cs
from playground.views import figures as F
from playground.views import lab_figures as LF
from playground.views import style
from playground.views.static_code import js_sources


def trainer_with_classes(k: int) -> Trainer:
    """An uploaded-style data set of k classes (CSV data may have up to 10)."""
    rng = np.random.default_rng(k)
    X, y = rng.uniform(-6, 6, (20 * k, 2)), np.arange(20 * k) % k
    n = 15 * k
    data = Dataset(X[:n], y[:n], X[n:], y[n:], "classification", k, y[:n])
    return Trainer(Config(cost="cross_entropy", layers=(3,)), data=data)


def _heat(colour: str) -> str:
    """A colour as the canvas paints it: the palette's colour at its "heat" alpha over paper."""
    P = cs.PALETTE
    return style.mix(P["paper"], colour, P["heat"])


@pytest.mark.parametrize("k", range(2, 11))
def test_canvas_and_figures_colour_every_class_alike(k):
    t = trainer_with_classes(k)
    spec, points = cs.model_spec(t), cs.points_spec(t)
    canvas = spec["out"]["colors"]
    assert len(canvas) == k and points["colors"] == canvas
    labels = np.arange(k)
    X = np.zeros((k, 2))
    assert list(F.points_trace(X, labels, "multiclass", "train").marker.color) == canvas
    assert list(LF.points_trace(X, labels, "multiclass").marker.color) == canvas
    # the boundary's class bands: from the neutral grey to the class colour, as the canvas shades
    scale = F.boundary_trace(np.zeros((4, 4)), "multiclass", k).colorscale
    for c in range(k):
        assert [s[1] for s in scale[2 * c:2 * c + 2]] == [_heat(cs.PALETTE["neutral"]), _heat(canvas[c])]
    flat = LF.boundary_trace(np.zeros((4, 4)), "multiclass", k).colorscale
    assert [s[1] for s in flat[::2]] == [_heat(c) for c in canvas]


def test_loss_colours_agree():
    P = cs.PALETTE
    assert (P["train"], P["test"]) == (F.LOSS_COLOURS["train"], F.LOSS_COLOURS["test"])
    assert LF.LOSS_COLOURS == F.LOSS_COLOURS == style.LOSS_COLOURS
    h = type("H", (), {"epoch": [0, 1], "train_loss": [1.0, 0.5], "test_loss": [1.0, 0.6]})()
    lines = {tr.name: tr.line.color for tr in F.loss_figure(h).data}
    assert lines == {"train loss": P["train"], "test loss": P["test"]}
    lab = LF.metrics_vs_depth([{"depth": 1, "seed": 0, "train_loss": 0.1, "test_loss": 0.2,
                                "train_accuracy": 0.9, "test_accuracy": 0.8}])
    assert {tr.name: tr.line.color for tr in lab.data if tr.name.endswith("loss")} == \
        {"train loss": P["train"], "test loss": P["test"]}


def test_boundary_and_value_scales_agree():
    """The figures' boundary is the canvas's: orange … neutral … blue at the heat alpha over
    white; points and weights use the unmixed ends."""
    P = cs.PALETTE
    want = [_heat(P["negative"]), _heat(P["neutral"]), _heat(P["positive"])]
    t = Trainer(Config())
    values, _ = F.boundary_values(t)
    fig = F.boundary_figure(values, "binary", (t.data.X_train, t.data.y_train))
    assert [c for _, c in fig.data[0].colorscale] == want
    assert [c for _, c in F.NODE_SCALE] == want             # the neurons' maps (canvas thumbnails)
    assert [c for _, c in style.VALUE_SCALE] == [P["negative"], P["neutral"], P["positive"]]
    assert (F.weight_colour(1.0), F.weight_colour(-1.0)) == (P["positive"], P["negative"])
    lab = LF.boundary_trace(np.zeros((4, 4)), "binary")      # drawn at the heat alpha over white
    assert [c for _, c in lab.colorscale] == [P["negative"], P["neutral"], P["positive"]]
    assert lab.opacity == pytest.approx(P["heat"])
    assert cs.model_spec(t)["palette"] == P


def test_every_view_uses_the_one_grid():
    from playground.core.grid import GRID, cell_centres, grid_points
    assert F.GRID == GRID and F.grid_points is grid_points
    t = Trainer(Config())
    values, _ = F.boundary_values(t)
    trace = F.boundary_trace(values, "binary")
    np.testing.assert_array_equal(trace.x, cell_centres(GRID).astype(np.float32))
    lab = LF.boundary_trace(np.zeros((7, 7)), "binary")
    np.testing.assert_array_equal(lab.x, cell_centres(7).astype(np.float32))


# ---------------------------------------------------------------- the JavaScript
COLOUR_LITERALS = [
    re.compile(r"#[0-9a-fA-F]{3,8}\b"),                                 # "#f59322"
    re.compile(r"\b(?:rgba?|hsla?)\(\s*[\d.]"),                         # "rgba(0,0,0,0.12)"
    re.compile(r"\[\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*\]"),       # [245, 147, 34]
    re.compile(r"""["'`](?:white|black|gr[ae]y|red|orange|blue|green|silver|transparent)["'`]""", re.I),
]


def _code(js: str) -> str:
    """The JavaScript without its comments (they may name colours)."""
    js = re.sub(r"/\*.*?\*/", "", js, flags=re.S)
    return "\n".join(re.sub(r"(^|\s)//.*$", "", ln) for ln in js.splitlines())


def colour_literals(js: str) -> list[str]:
    code = _code(js)
    return [m.group(0) for rx in COLOUR_LITERALS for m in rx.finditer(code)]


def test_the_javascript_has_no_colour_of_its_own():
    """Every colour the canvas paints comes from the spec's palette."""
    for name, js in js_sources().items():
        assert colour_literals(js) == [], name
    assert colour_literals('ctx.fillStyle = "#999"; const G = [160, 160, 160];') == ["#999", "[160, 160, 160]"]


def test_the_palette_has_every_colour_the_javascript_reads():
    """The painters read the palette as P.<name> / pal.<name> (parsed: neg, pos, mid, grey,
    under, alpha, key, hnan); every other name must be a key of canvas_spec.PALETTE. (The
    component only hands the spec's palette on; its P is the playback.)"""
    parsed = {"neg", "pos", "mid", "grey", "under", "alpha", "key", "hnan"}
    used = set()
    for name, js in js_sources().items():
        if name != "component.js":
            used |= set(re.findall(r"\b(?:P|pal)\.([A-Za-z_]\w*)", _code(js)))
    assert "paletteOf" not in js_sources()["component.js"]
    assert used - parsed, "the test no longer sees the palette being read"
    assert used - parsed <= set(cs.PALETTE), sorted(used - parsed - set(cs.PALETTE))
    js = "\n".join(js_sources().values())
    for raw in ("negative", "positive", "neutral", "nan", "paper", "heat"):
        assert f"raw.{raw}" in js, raw
