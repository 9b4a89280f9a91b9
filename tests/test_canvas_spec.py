"""playground/canvas_spec.py: what the browser live view receives (shape, size, precision),
plus a smoke test of playground/ui/canvas.live_view through Streamlit's AppTest."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from playground.views import canvas_spec as cs
from playground.views.canvas_spec import (
    BLUE, CLASS_COLORS, ORANGE, decode_losses, downsample, encode_losses, frame_spec, model_spec,
    points_spec, spec_json,
)
from playground.core.config import Config
from playground.core.train import Trainer

ROOT = Path(__file__).resolve().parents[1]


def trainer(**kw) -> Trainer:
    return Trainer(Config(**kw))


def test_model_spec_shape_and_exact_weights():
    t = trainer(features=("x1", "x2", "x1sq", "sinx2"), layers=(5, 3), activation=("relu", "gelu"))
    t.train(3)
    spec = model_spec(t)
    assert spec["v"] == 1 and spec["domain"] == 6.0
    assert spec["features"] == ["x1", "x2", "x1sq", "sinx2"]
    assert [L["act"] for L in spec["layers"]] == ["relu", "gelu", "tanh"]
    assert [L["res"] for L in spec["layers"]] == [False, False, False]
    back = json.loads(spec_json(spec))  # what the browser parses
    for L, W in zip(back["layers"], t.net.W):
        A = np.array(L["W"], dtype=np.float64)
        assert A.shape == W.shape                       # fan_out rows of fan_in + 1, bias last
        assert np.array_equal(A, W)                      # float64 kept bit for bit
        assert np.array_equal(A[:, -1], W[:, -1])
    assert back == spec


def test_residual_flags_follow_the_net():
    t = trainer(layers=(2, 2, 3), residual=True)
    assert [L["res"] for L in model_spec(t)["layers"]] == [True, True, False, False]


def test_model_spec_offers_every_input_and_marks_residual_layers():
    """The diagram draws all seven features (the active ones in network order) and marks the
    layers the residual connection applies to (its input as wide as it is)."""
    from playground.core.config import FEATURE_NAMES
    from playground.core.datasets import FEATURE_LABELS
    t = trainer(features=("x2", "sinx1"), layers=(2, 2, 3), residual=True)
    spec = model_spec(t)
    assert spec["inputs"] == {"names": list(FEATURE_NAMES), "labels": [FEATURE_LABELS[f] for f in FEATURE_NAMES]}
    assert spec["features"] == ["x2", "sinx1"]
    assert [L["res"] for L in spec["layers"]] == [True, True, False, False]
    assert [L["res"] for L in model_spec(trainer(layers=(4, 2), residual=True))["layers"]] == [False] * 3
    assert [L["res"] for L in model_spec(trainer(layers=(2, 2), residual=False))["layers"]] == [False] * 3
    assert spec["palette"] == cs.PALETTE and spec["palette"]["skip"]
    colours = [v for k, v in spec["palette"].items() if k != "heat"]
    assert all(isinstance(c, str) and len(c) in (7, 9) and c[0] == "#" for c in colours)


@pytest.mark.parametrize("kw,out", [
    (dict(cost="squared"), {"kind": "binary", "map": "pm1", "colors": [ORANGE, BLUE]}),
    (dict(cost="cross_entropy"), {"kind": "binary", "map": "prob", "colors": [ORANGE, BLUE]}),
    (dict(cost="hinge"), {"kind": "binary", "map": "pm1", "colors": [ORANGE, BLUE]}),
    (dict(dataset="spiral", classes=3, cost="cross_entropy"),
     {"kind": "classes", "k": 3, "softmax": True, "colors": list(CLASS_COLORS[:3])}),
    (dict(dataset="blobs", classes=5, cost="hinge"),
     {"kind": "classes", "k": 5, "softmax": False, "colors": list(CLASS_COLORS[:5])}),
])
def test_output_mapping(kw, out):
    t = trainer(**kw)
    spec = model_spec(t)
    assert spec["out"] == out
    assert spec["layers"][-1]["act"] == t.head.output


def test_regression_range():
    t = trainer(dataset="reg-plane")
    out = model_spec(t)["out"]
    y = np.concatenate([t.data.y_train, t.data.y_test])
    assert out == {"kind": "value", "range": float(np.abs(y).max())}


def test_non_finite_weights_become_null():
    t = trainer()
    t.net.W[0][1, 0] = np.nan
    t.net.W[1][0, -1] = np.inf
    spec = model_spec(t)
    text = spec_json(spec)  # allow_nan=False: would raise on NaN
    back = json.loads(text)
    assert back["layers"][0]["W"][1][0] is None and back["layers"][1]["W"][0][-1] is None
    assert back["layers"][0]["W"][0][0] == t.net.W[0][0, 0]


def test_frame_spec_and_payload_size():
    t = trainer()
    t.train(1000)
    f = frame_spec(t)
    assert f["epoch"] == 1000
    assert f["train_loss"] == t.history.train_loss[-1] and f["test_acc"] == t.history.test_acc[-1]
    L = f["loss"]
    assert (L["x0"], L["x1"]) == (0, 1000)
    assert len(L["train"]) == len(L["test"]) == 2 * cs.MAX_HISTORY_POINTS
    dec = decode_losses(L["train"])
    idx = downsample(len(t.history.train_loss), cs.MAX_HISTORY_POINTS)
    want = np.asarray(t.history.train_loss)[idx]
    assert np.allclose(dec, want, rtol=0.01)
    assert dec[-1] == pytest.approx(t.history.train_loss[-1], rel=0.01)
    # the per-tick payload of the default net (as Streamlit sends it: default separators); the
    # palette (every colour the canvas draws with) is a fixed ~0.4 KB of it
    pal = len(spec_json(cs.PALETTE))
    assert pal < 400
    assert len(spec_json(f)) - pal < 2000 and len(json.dumps(f)) - pal < 2400
    assert len(spec_json(frame_spec(t, max_points=400))) - pal < 2900
    assert len(frame_spec(t, max_points=400)["loss"]["train"]) == 800


def test_playback_spec_snapshots_and_payload_size():
    t = trainer()
    assert cs.playback_spec(t, []) == frame_spec(t)          # no snapshots: exactly a frame
    snaps, weights = [], []
    for _ in range(2):
        t.train(4)
        snaps.append(cs.weights_snapshot(t))
        weights.append([W.copy() for W in t.net.W])
    t.train(4)
    f = cs.playback_spec(t, snaps)
    assert {k: v for k, v in f.items() if k != "snapshots"} == frame_spec(t)
    S = json.loads(spec_json(f))["snapshots"]
    assert [s["epoch"] for s in S] == [4, 8, 12]
    assert S[-1] == {"epoch": 12}                            # the frame itself
    k = t.history.epoch.index(4)
    assert S[0]["train_loss"] == pytest.approx(t.history.train_loss[k], rel=1e-4)
    assert S[0]["test_acc"] == pytest.approx(t.history.test_acc[k], rel=1e-4)
    for s, Ws in zip(S, weights):                            # earlier states, bit for bit
        assert all(np.array_equal(np.array(a, dtype=np.float64), W) for a, W in zip(s["W"], Ws))
    assert not any(np.array_equal(a, b) for a, b in zip(weights[0], weights[1]))
    # 3 states per tick for the default net: the weights twice more, not the whole frame
    assert len(spec_json(f)) - len(spec_json(frame_spec(t))) < 1400
    assert len(json.dumps(f)) - len(spec_json(cs.PALETTE)) < 3400


def test_snapshots_carry_their_exact_state():
    """The browser prints each snapshot's status line as ui/live.status_text would: the
    snapshot's epoch, losses and accuracies at full precision (they were 5 significant digits:
    0.12344999 printed as 0.1235, 12.34567 as 12.3460); a non-finite loss as Python prints it."""
    t = trainer()
    t.train(7)
    t.history.train_loss[-1] = 0.12344999
    t.history.test_loss[-1] = 12.345678
    s = cs.weights_snapshot(t)
    h = t.history
    assert (s["epoch"], s["train_loss"], s["test_loss"], s["train_acc"], s["test_acc"]) == \
        (7, 0.12344999, 12.345678, h.train_acc[-1], h.test_acc[-1])
    t.history.train_loss[-1], t.history.test_loss[-1] = float("inf"), float("nan")
    s, f = cs.weights_snapshot(t), frame_spec(t)
    assert (s["train_loss"], s["test_loss"]) == (f["train_loss"], f["test_loss"]) == ("inf", "nan")
    json.loads(spec_json(f))


def test_train_chunk_records_even_slices(monkeypatch):
    from playground.ui import pacing as ui_live
    from playground.ui.session import Page
    t = trainer()
    # a clock that stands still: no tick runs out of time, however busy the machine (on the
    # wall clock a loaded machine trained 8 of the 12 epochs within the tick's budget)
    monkeypatch.setattr(ui_live, "time", _Clock(0.0))
    seen = []
    n = ui_live.train_chunk(t, 300.0, 0.04, lambda: seen.append(t.epoch), page=Page())  # 12 epochs
    assert (n, t.epoch, seen) == (12, 12, [4, 8])
    seen.clear()
    assert ui_live.train_chunk(t, 50.0, 0.04, lambda: seen.append(t.epoch), page=Page()) == 2
    assert seen == [13]
    assert ui_live.train_chunk(t, 300.0, 0.04, page=Page()) == 12 and t.epoch == 26  # one slice


def test_frame_spec_regression_and_fresh_run():
    t = trainer(dataset="reg-gauss")
    f = frame_spec(t)
    assert f["epoch"] == 0 and f["train_acc"] is None and f["test_acc"] is None
    assert len(f["loss"]["train"]) == 2 and f["loss"]["x0"] == f["loss"]["x1"] == 0
    json.loads(spec_json(f))


@pytest.mark.parametrize("n,m", [(0, 200), (1, 200), (5, 200), (200, 200), (201, 200), (10_000, 200), (1000, 2)])
def test_downsample(n, m):
    idx = downsample(n, m)
    assert len(idx) == min(n, m)
    assert (np.diff(idx) > 0).all()
    if n:
        assert idx[0] == 0 and idx[-1] == n - 1


def test_loss_codes():
    vals = [1e-12, 1e-8, 2.5e-4, 0.1, 0.6931, 1.0, 12.0, 1e8, 1e12, 0.0, float("nan"), float("inf")]
    codes = encode_losses(vals)
    assert len(codes) == 2 * len(vals) and codes.isascii() and '"' not in codes and "\\" not in codes
    dec = decode_losses(codes)
    for v, d in zip(vals, dec):
        if not math.isfinite(v):
            assert d is None
        elif 1e-8 <= v <= 1e8:
            assert abs(math.log10(d) - math.log10(v)) <= 8 / 4095 + 1e-12
        else:
            assert d == pytest.approx(1e-8 if v < 1 else 1e8)


def test_points_spec():
    t = trainer(noise=20)
    p = points_spec(t)
    assert p["kind"] == "classification" and p["n_classes"] == 2 and p["test"] is None
    tr = p["train"]
    assert len(tr["x"]) == len(tr["y"]) == len(tr["label"]) == len(t.data.y_train)
    assert set(tr["label"]) <= {0, 1} and all(isinstance(v, int) for v in tr["label"])
    assert np.abs(np.array(tr["x"]) - t.data.X_train[:, 0]).max() <= 5e-4
    q = points_spec(t, show_test=True)
    assert len(q["test"]["x"]) == len(t.data.y_test)
    assert p["key"] == points_spec(t)["key"] != q["key"]           # stable, and changes with content
    assert len(spec_json(q)) < 12_000
    r = points_spec(trainer(dataset="reg-gauss"), show_test=True)
    assert r["kind"] == "regression" and all(isinstance(v, float) for v in r["train"]["label"])
    json.loads(spec_json(r))


# ---------------------------------------------------------------- live_view in AppTest
APP = """
import streamlit as st
from playground.core.config import Config
from playground.core.train import Trainer
from playground.views.canvas_spec import frame_spec, points_spec
from playground.ui.canvas import live_view

t = Trainer(Config())
t.train(2)
sel = live_view(frame_spec(t), points_spec(t), key="live", height=400, show_test=True)
st.write(f"selection={sel}")
"""


def run_app(source: str, shows: str):
    """Run a small page in AppTest: no exception, and it writes `shows`."""
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_string(source, default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    assert any(shows in m.value for m in at.markdown)
    return at


def test_live_view_runs_in_apptest():
    at = run_app(APP, "selection=None")
    at.run()  # a second run (a tick) is fine too
    assert not at.exception


APP_STATE = """
import streamlit as st
from playground.core.config import Config
from playground.core.train import Trainer
from playground.views.canvas_spec import frame_spec, points_spec
from playground.ui.canvas import live_view_state

t = Trainer(Config())
state = live_view_state(frame_spec(t), points_spec(t), key="live", height=400, status_help="25 weights")
st.write(f"state={sorted(state.items())}")
"""


def test_live_view_state_runs_in_apptest():
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_string(APP_STATE, default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    assert any("state=[('channel', None), ('edit', None), ('hash', None), ('pick', None), ('select', None), ('toggle', None)]"
               in m.value for m in at.markdown)


def test_a_view_asking_for_the_whole_page_gets_it_even_while_paused(monkeypatch):
    """Under load a full run cut short by a fragment's run left a page without its last
    elements (the hidden wake button among them); the view asked for the rest once a second,
    but its asks were taken for a channel that connected while paused, and the page stayed
    incomplete (reproduced: 1 page in 16 opened four at a time, 60 s without its rest)."""
    from playground.ui import live
    from playground.ui.session import Page
    page, reruns = Page(), []
    monkeypatch.setattr(live.S, "page", lambda: page)
    monkeypatch.setattr(live.st, "rerun", lambda scope="app": reruns.append(scope))
    live._channel_report({"ok": True, "n": 1, "stopped": False, "rerun": False})
    assert reruns == [] and page.channel_ok is True     # connected while paused: nothing to redraw
    live._channel_report({"ok": True, "n": 2, "stopped": False, "rerun": True})
    assert reruns == ["app"]                             # the view wants the whole page
    live._channel_report({"ok": True, "n": 2, "stopped": False, "rerun": True})
    assert reruns == ["app"]                             # the same report twice: once


def test_browser_reports_are_checked():
    """select / toggle / hash come from the browser: anything but the documented shapes is None."""
    from playground.ui import canvas as ui
    assert ui._clean_select({"layer": 0, "neuron": 1}) == {"layer": 0, "neuron": 1}
    assert ui._clean_select({"layer": 1, "from": 4, "to": 0, "bias": True, "n": 1764590000123}) is not None
    for bad in (None, [], "n:1:0", {"layer": "0", "neuron": 1}, {"neuron": 1}, {"layer": 0, "neuron": 1.5},
                {"layer": 0, "neuron": True}, {"layer": 0, "x": 1}, {"layer": 10**9, "neuron": 0}):
        assert ui._clean_select(bad) is None, bad
    assert ui._clean_toggle({"feature": "x1sq", "n": 17}) == {"feature": "x1sq", "n": 17}
    for bad in (None, {"feature": "x9", "n": 1}, {"feature": "x1", "n": "1"}, {"feature": ["x1"], "n": 1}, {"feature": "x1"}):
        assert ui._clean_toggle(bad) is None, bad
    assert ui._clean_channel({"ok": True, "n": 5}) == {"ok": True, "n": 5, "stopped": False, "rerun": False}
    assert ui._clean_channel({"ok": True, "n": 7, "rerun": True})["rerun"] is True
    assert ui._clean_channel({"ok": True, "n": 7, "rerun": "yes"})["rerun"] is False
    assert ui._clean_channel({"ok": False, "n": 6, "stopped": True})["stopped"] is True
    for bad in (None, {"ok": 1, "n": 1}, {"ok": True}, {"ok": True, "n": "1"}, {"ok": True, "n": 1.0}, []):
        assert ui._clean_channel(bad) is None, bad
    click = {"op": "add", "x": 1.5, "y": -2, "v": 1, "test": False, "n": 7}
    assert ui._clean_edits({"ops": [click, {**click, "op": "erase", "n": 8}]})[1]["op"] == "erase"
    for bad in (None, {"ops": []}, {"ops": [click] * 2}, {"ops": [{**click, "n": 9}, click]},
                {"ops": [{**click, "op": "drop"}]}, {"ops": [{**click, "x": 7}]}, {"ops": [{**click, "v": float("nan")}]},
                {"ops": [{**click, "test": 1}]}, {"ops": [{k: v for k, v in click.items() if k != "n"}]},
                {"ops": [click], "x": 1}, {"ops": [dict(click, n=i) for i in range(ui.MAX_EDITS + 1)]}):
        assert ui._clean_edits(bad) is None, bad
    assert ui._clean_hash("#activation=relu&dataset=spiral") == "#activation=relu&dataset=spiral"
    for bad in (None, "", "#", "activation=relu", 5, "#" + "a" * ui.MAX_HASH):
        assert ui._clean_hash(bad) is None, bad


def test_component_module_is_a_small_loader_and_the_code_travels_once():
    """Streamlit re-sends a component's module with every tick: it must stay small; the 25 KB
    of script (views/static/*.js) travel as data until the browser acknowledges their key."""
    from playground.ui import canvas as ui_canvas
    assert len(ui_canvas.LOADER) < 1_000
    code = ui_canvas.code_payload()
    assert "globalThis.PlaygroundCanvas = api" in code["js"] and "export " not in code["js"]
    assert not any(line.startswith("//") for line in code["js"].splitlines())
    assert len(code["key"]) == 16 and code == ui_canvas.code_payload()


# ---------------------------------------------------------------- See inside: the overlay
def _trace(indices=(0,), **kw):
    from playground.core import inside
    t = trainer(**kw)
    t.train(5)
    return inside.trace(t, list(indices))


def _mat(a) -> list:
    return np.asarray(a, dtype=np.float64).tolist()


INSIDE_RUNS = {  # name -> (indices, config)
    "binary, one point": ((3,), {}),
    "3 classes, a mini-batch": ((0, 5, 9, 12), dict(dataset="spiral", classes=3, cost="cross_entropy",
                                                    layers=(5, 3), features=("x1", "x2", "x1sq"))),
    "residual regression, two points": ((1, 2), dict(dataset="reg-gauss", layers=(3, 3), residual=True,
                                                      features=("x1", "x2", "x1x2"), activation=("relu",))),
}


@pytest.mark.parametrize("name", INSIDE_RUNS)
def test_inside_spec_has_the_traces_numbers_at_each_step(name):
    """Every number is the trace's (the mean over the points of a and z, δ summed over them,
    ∂L/∂W, ∂L/∂b, W before and after), and each step shows what it has computed so far."""
    indices, kw = INSIDE_RUNS[name]
    tr = _trace(indices, **kw)
    n = len(tr.layers)
    assert [s.part for s in tr.steps] == ["forward"] * n + ["cost"] + ["backward"] * n + ["update", "result"]
    for i, step in enumerate(tr.steps):
        spec = cs.inside_spec(tr, i)
        assert spec["step"] == {"index": i, "count": len(tr.steps), "part": step.part, "layer": step.layer,
                                "title": step.title}
        assert spec["points"] == _mat(tr.points) and spec["indices"] == list(indices) and spec["k"] == len(indices)
        assert spec["inputs"] == _mat(tr.layers[0].a_in.mean(axis=1))
        assert spec["show_inputs"] == (step.part in ("forward", "cost"))
        fwd = range(step.layer + 1) if step.part == "forward" else range(n)
        back = (range(step.layer, n) if step.part == "backward" else range(n) if step.part in ("update", "result")
                else range(0))
        for l, (L, got) in enumerate(zip(tr.layers, spec["layers"])):
            where = (name, i, l)
            assert got["a"] == (_mat(L.A.mean(axis=1)) if l in fwd else None), where
            assert got["z"] == (_mat(L.Z.mean(axis=1)) if l in fwd else None), where
            assert got["delta"] == (_mat(L.delta.sum(axis=1)) if l in back else None), where
            assert got["dW"] == (_mat(L.dW) if l in back else None), where
            assert got["db"] == (_mat(L.db) if l in back else None), where
            done = step.part in ("update", "result")
            assert (got["W"], got["W_after"]) == ((_mat(L.W), _mat(L.W_after)) if done else (None, None)), where
            assert (got["b"], got["b_after"]) == ((_mat(L.b), _mat(L.b_after)) if done else (None, None)), where
            shown = ("a" if step.part in ("forward", "cost") and l in fwd
                     else "delta" if step.part == "backward" and l in back else None)
            assert got["show"] == shown, where
            assert got["grad"] == (step.part == "update" or (step.part == "backward" and l in back)), where
            assert got["dim"] == ((step.part == "forward" and l > step.layer)
                                  or (step.part == "backward" and l < step.layer)), where
        cost = spec["cost"]
        if step.part == "forward":
            assert cost is None
        else:
            assert cost["loss"] == tr.loss and cost["points"] == _mat(tr.point_loss_before)
            assert cost["target"] == _mat(tr.target.mean(axis=1)) and cost["name"] == tr.cost
            assert cost["after"] == (float(tr.point_loss_after.mean()) if step.part == "result" else None)
            assert cost["show"] == (step.part in ("cost", "result"))
        assert json.loads(spec_json(spec)) == spec        # JSON-safe, float64 kept bit for bit


def test_inside_spec_one_point_is_that_points_numbers_and_the_scales_are_the_traces():
    tr = _trace((4,), layers=(4, 2))
    out = len(tr.layers) - 1
    cost = cs.inside_spec(tr, tr.steps.index(next(s for s in tr.steps if s.part == "cost")))
    assert cost["layers"][out]["a"] == _mat(tr.output[:, 0])           # one point: its own output
    assert cost["points"] == [_mat(tr.points[0])]
    back = cs.inside_spec(tr, len(tr.layers) + 1)                      # backward: the output layer
    assert back["layers"][out]["delta"] == _mat(tr.layers[out].delta[:, 0])
    assert back["layers"][out]["delta"] == back["layers"][out]["db"]   # one point: δ = ∂L/∂b
    M = back["max"]
    assert M["dW"] == max(float(np.abs(L.dW).max()) for L in tr.layers)
    assert M["db"] == max(float(np.abs(L.db).max()) for L in tr.layers)
    assert M["delta"] == max(float(np.abs(L.delta.sum(axis=1)).max()) for L in tr.layers)
    assert M["step"] == max(max(float(np.abs(L.W_after - L.W).max()), float(np.abs(L.b_after - L.b).max()))
                            for L in tr.layers)
    assert all(cs.inside_spec(tr, i)["max"] == M for i in range(len(tr.steps)))   # fixed scales


def test_inside_spec_is_bounded_and_refuses_unknown_steps():
    from playground.core.config import FEATURE_NAMES
    tr = _trace((0,))
    sizes = [len(spec_json(cs.inside_spec(tr, i))) for i in range(len(tr.steps))]
    assert max(sizes) < 6_000, sizes                                   # the default net
    big = _trace(tuple(range(10)), features=FEATURE_NAMES, layers=(32,) * 8, dataset="blobs", classes=5,
                 cost="cross_entropy", points=200)
    sizes = [len(spec_json(cs.inside_spec(big, i))) for i in range(len(big.steps))]
    assert max(sizes) < 600_000, max(sizes)                            # the largest net, at the update
    assert sizes[0] < 30_000, sizes[0]                                 # forward steps: no matrices
    for bad in (-1, len(tr.steps), True):
        with pytest.raises(IndexError):
            cs.inside_spec(tr, bad)


def test_inside_spec_non_finite_values_are_null():
    assert cs._vec([1.0, float("nan"), float("inf")]) == [1.0, None, None]
    assert cs._absmax([np.array([1.0, -3.0, np.inf]), np.array([np.nan])]) == 3.0


def test_pick_reports_are_checked():
    """pick comes from the browser: finite numbers within the plot, an int n; else None."""
    from playground.ui import canvas as ui
    assert ui._clean_pick({"x": 1.5, "y": -6.0, "n": 3}) == {"x": 1.5, "y": -6.0, "n": 3}
    assert ui._clean_pick({"x": 0, "y": 6, "n": 1764590000123}) == {"x": 0.0, "y": 6.0, "n": 1764590000123}
    assert type(ui._clean_pick({"x": 0, "y": 1, "n": 1})["x"]) is float
    for bad in (None, [], "1,2", {"x": 1.0, "y": 2.0}, {"x": 1.0, "n": 1}, {"x": "1", "y": 2.0, "n": 1},
                {"x": float("nan"), "y": 0.0, "n": 1}, {"x": float("inf"), "y": 0.0, "n": 1},
                {"x": 6.01, "y": 0.0, "n": 1}, {"x": 0.0, "y": -7, "n": 1}, {"x": True, "y": 0.0, "n": 1},
                {"x": 0.0, "y": 0.0, "n": 1.0}, {"x": 0.0, "y": 0.0, "n": True}, {"x": 0.0, "y": 0.0, "n": "1"},
                {"x": 0.0, "y": 0.0, "n": 1, "extra": 1}, {"x": [0.0], "y": 0.0, "n": 1}):
        assert ui._clean_pick(bad) is None, bad


APP_INSIDE = """
import streamlit as st
from playground.core import inside
from playground.core.config import Config
from playground.core.train import Trainer
from playground.views.canvas_spec import frame_spec, inside_spec, points_spec
from playground.ui.canvas import live_view_state

t = Trainer(Config())
ins = inside_spec(inside.trace(t, [0, 1]), 4)
state = live_view_state(frame_spec(t), points_spec(t), key="live", inside=ins)
st.write(f"pick={state['pick']}")
"""


def test_live_view_state_takes_an_inside_overlay_in_apptest():
    run_app(APP_INSIDE, "pick=None")


class _Clock:
    """time.perf_counter for ui/pacing: returns the times given, then the last one forever."""
    def __init__(self, *times):
        self.times = list(times)

    def perf_counter(self):
        return self.times.pop(0) if len(self.times) > 1 else self.times[0]


class _Ticking:
    """time.perf_counter for ui/pacing that moves on `step` seconds at every reading (a machine
    on which each reading follows ten epochs' training: ui/pacing reads the clock after each)."""
    def __init__(self, step: float):
        self.now, self.step = 0.0, step

    def perf_counter(self):
        self.now += self.step
        return self.now - self.step


def test_a_chunk_the_budget_cuts_short_still_gives_states_spread_over_it(monkeypatch):
    """At the Speed menu's "max" (3,000 epochs/s) a 0.05 s tick asks for 150 epochs, more
    than its budget (0.03 s) trains here (4 ms per ten epochs): each of the 3 slices trains
    for its own third of the budget, so the live view still gets 3 states to paint, not one
    (before: the slices were marks at 50 and 100 epochs; the budget ran out after 80, one
    state short, and at the next ticks' owed 900 epochs no mark was ever reached)."""
    from playground.ui import pacing as ui_live
    from playground.ui.session import Page
    t = trainer()
    monkeypatch.setattr(ui_live, "time", _Ticking(0.004))
    seen = []
    n = ui_live.train_chunk(t, 3000.0, 0.05, lambda: seen.append(t.epoch), page=Page())
    assert (seen, n, t.epoch) == ([30, 50], 60, 60)
    seen.clear()
    n = ui_live.train_chunk(t, 3000.0, 0.05, lambda: seen.append(t.epoch), page=Page())
    assert len(seen) == 2 and seen[0] > 60 and t.epoch > seen[1] > seen[0], seen


def test_epochs_a_slow_tick_could_not_train_are_owed_to_the_next(monkeypatch):
    """600 epochs/s at 0.02 s ticks is 12 epochs a tick. A tick whose budget runs out after 10
    owes the other 2: two ticks train 24 epochs, the Speed menu's rate (it lost them before)."""
    from playground.ui import pacing as ui_live
    from playground.ui.session import Page
    t, page = trainer(), Page()
    # tick 1 starts at 0.0 and reads 0.013 after its first 10 epochs: over its budget (0.6 of
    # the tick, 0.012); tick 2 starts at 0.02 and stays within its own
    monkeypatch.setattr(ui_live, "time", _Clock(0.0, 0.013, 0.02, 0.021))
    assert ui_live.train_chunk(t, 600.0, 0.02, page=page) == 10
    assert ui_live.train_chunk(t, 600.0, 0.02, page=page) == 14
    assert t.epoch == 24
    # what is owed is bounded: a machine that never keeps up owes at most CATCH_UP s of epochs
    monkeypatch.setattr(ui_live, "time", _Clock(1.02, 9.0))
    assert ui_live.train_chunk(t, 600.0, 0.02, page=page) == 10
    assert page.carry <= 600.0 * ui_live.CATCH_UP


def test_play_after_a_pause_owes_no_epochs_for_the_pause():
    from playground.ui.session import Page
    page = Page()
    page.trainer = trainer()
    page.last_tick, page.carry = 5.0, 3.0
    page.play()
    assert page.playing and page.last_tick is None and page.carry == 0.0
    page.last_tick, page.carry = 6.0, 0.5
    page.play()  # Play while playing: the clock runs on
    assert (page.last_tick, page.carry) == (6.0, 0.5)
