"""The "See inside" overlay of the live view (canvas_spec.inside_spec → ui/canvas.live_view_state
→ views/static/*.js) in a real Streamlit page, in Debian's Chromium: the diagram prints the
numbers of the step's layers only, a backward step draws its links by ∂L/∂w, the tooltips say
the step's numbers, the chosen points are ringed, a click on the boundary comes back to the
server as a "pick" in data coordinates, and an exactly-zero weight is drawn as such.

The page is a small harness (written to a temporary file, served by `streamlit run`): one
fixed run whose first weight into h1.2 is exactly 0, the step and the points from the query.
Screenshots go to tests/artifacts/inside-*.png (look at them: a page can pass and look broken).
"""
from __future__ import annotations

import json
import math
import socket

import numpy as np
import pytest

from conftest import start_app, stop_app
from pagekit import LOAD_TIMEOUT, wait_idle

PORTS = range(8631, 8640)
POINTS = (3, 17)  # the chosen training points: a mini-batch of two
HARNESS = '''
import json
import numpy as np
import streamlit as st
from playground.core import inside
from playground.core.config import FEATURE_NAMES, Config
from playground.core.train import Trainer
from playground.views.canvas_spec import frame_spec, inside_spec, points_spec
from playground.ui.canvas import live_view_state

st.set_page_config(layout="wide")
q = st.query_params
big = q.get("big") == "1"       # 7 inputs into 8 x 32 relu, 5 classes: the largest net
t = Trainer(Config(features=FEATURE_NAMES, layers=(32,) * 8, activation=("relu",), dataset="blobs", classes=5,
                   cost="cross_entropy", points=200, seed=5) if big else Config(seed=5, layers=(4, 2)))
t.train(20)
t.net.W[0][1, 0] = 0.0          # an exactly-zero weight: x1 -> h1.2
step = int(q.get("step", "-1"))
pts = [int(i) for i in q.get("points", "0").split(",")]
ins = inside_spec(inside.trace(t, pts), step) if step >= 0 else None
side, main = st.columns([1, 3.4], gap="medium")
with main:
    with st.container(key="pg_canvas_box"):
        state = live_view_state(frame_spec(t), points_spec(t), key="pg_canvas", height=420, inside=ins)
with side:
    st.text("pick=" + json.dumps(state["pick"]))
    st.text("select=" + json.dumps(state["select"]))
    st.text("points=" + json.dumps(t.data.X_train[pts].tolist()))
'''

# Everything the tests read of the live view: its boxes, hit regions, printed numbers, rings.
VIEW = """() => { const host = [...document.querySelectorAll('.st-key-pg_canvas_box *')].find(e => e.shadowRoot);
  const root = host && host.shadowRoot.querySelector('.pg-root'), inst = root && root._pg;
  if (!inst || !inst.spec || !inst.hits || !inst.hits.values) return null;
  const r = (e) => { const b = e.getBoundingClientRect(); return {x: b.left, y: b.top, w: b.width, h: b.height}; };
  return {net: r(inst.net), heat: r(inst.heat), inside: inst.inside, marks: inst.marks || [], values: inst.hits.values,
          labels: inst.labels || [], cursor: inst.heat.style.cursor, info: inst.info.textContent,
          hits: inst.hits.map((h) => ({kind: h.kind, sel: h.sel || null, box: h.box || null, pts: h.pts || null,
            lw: h.lw, value: h.value, grad: h.grad === undefined ? 'none' : h.grad, zero: !!h.zero, dash: !!h.dash,
            color: h.color || null, feature: h.feature || null, active: h.active, index: h.index,
            tip: PlaygroundCanvas.describe(inst.spec, h, inst.inside)}))}; }"""


def _port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    pytest.skip("no free port in 8631-8639")


@pytest.fixture(scope="module")
def harness_url(tmp_path_factory, artifacts):
    app = tmp_path_factory.mktemp("inside") / "inside_harness.py"
    app.write_text(HARNESS, encoding="utf-8")
    proc, url = start_app(port=_port(), app=app)
    yield url
    stop_app(proc)


def _open(browser, url: str, step: int, scheme: str = "light", query: str = ""):
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, color_scheme=scheme)
    page = ctx.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(f"{url}/?step={step}&points={','.join(map(str, POINTS))}{query}")
    page.wait_for_function(f"() => ({VIEW})() !== null", timeout=LOAD_TIMEOUT)
    wait_idle(page)
    page.wait_for_timeout(300)
    return ctx, page


def _view(page) -> dict:
    return page.evaluate(VIEW)


def _text(page, prefix: str):
    """The harness's report line `prefix=<json>`, parsed."""
    line = page.locator("[data-testid=stText]").filter(has_text=prefix + "=").first.inner_text()
    return json.loads(line.split("=", 1)[1])


def num3(v: float) -> str:
    """The twin of text.js num3 (three significant digits)."""
    if v == 0:
        return "0"
    if abs(v) >= 1e3 or abs(v) < 1e-2:
        m, e = f"{v:.2e}".split("e")
        return f"{m}e{int(e):+d}"
    s = f"{v:.{max(0, 2 - math.floor(math.log10(abs(v))))}f}"
    return s


def _assert_values_apart(v: dict) -> None:
    """Printed numbers lie inside the diagram and never overlap each other or a label."""
    boxes = [(b["x"], b["y"], b["w"], b["h"]) for b in v["values"]]
    boxes += [(b["x"], b["y"], b["w"], b["h"]) for b in v["labels"]]
    for x, y, w, h in boxes[:len(v["values"])]:
        assert x >= -0.5 and x + w <= v["net"]["w"] + 0.5 and y >= -0.5 and y + h <= v["net"]["h"] + 0.5
    for i, a in enumerate(boxes[:len(v["values"])]):
        for b in boxes[i + 1:]:
            apart = a[0] + a[2] <= b[0] + 0.5 or b[0] + b[2] <= a[0] + 0.5 or a[1] + a[3] <= b[1] + 0.5 or b[1] + b[3] <= a[1] + 0.5
            assert apart, (a, b)


def _screenshot(page, artifacts, name: str) -> None:
    page.locator(".st-key-pg_canvas_box").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / name))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_forward_step_prints_the_computed_layers_only(harness_url, browser, artifacts, scheme):
    """Forward through hidden layer 1: the active inputs' values and layer 1's activations
    (the mean over the two points) are printed, nothing for the layers not reached; the
    tooltips say a and z; the two points are ringed on the boundary."""
    ctx, page = _open(browser, harness_url, step=0, scheme=scheme)
    v = _view(page)
    ins = v["inside"]
    assert ins["step"]["part"] == "forward" and ins["step"]["layer"] == 0
    got = {(b["layer"], b["neuron"]): b["text"] for b in v["values"]}
    want = {(-1, j): num3(a) for j, a in enumerate(ins["inputs"])}
    want.update({(0, j): num3(a) for j, a in enumerate(ins["layers"][0]["a"])})
    assert got == want
    assert not any(b["layer"] >= 1 for b in v["values"])
    _assert_values_apart(v)
    neuron = next(h for h in v["hits"] if h["kind"] == "neuron" and h["sel"] == {"layer": 0, "neuron": 2})
    assert "z = " in neuron["tip"] and "a = " in neuron["tip"] and "(mean over 2 points)" in neuron["tip"]
    assert "δ" not in neuron["tip"]
    x1 = next(h for h in v["hits"] if h["kind"] == "input" and h["feature"] == "x1")
    assert "value " in x1["tip"] and "(mean over 2 points)" in x1["tip"]
    unused = next(h for h in v["hits"] if h["kind"] == "input" and not h["active"])
    assert unused["tip"].endswith("not used; click to add it")
    later = next(h for h in v["hits"] if h["kind"] == "neuron" and h["sel"] == {"layer": 1, "neuron": 0})
    assert "z = " not in later["tip"]                                    # not computed yet
    # the chosen points, ringed where the boundary draws them
    points = _text(page, "points")
    heat = v["heat"]
    assert len(v["marks"]) == len(POINTS)
    for (x1, x2), m in zip(points, v["marks"]):
        assert m["x"] == pytest.approx((x1 + 6) / 12 * heat["w"], abs=1e-6)
        assert m["y"] == pytest.approx((6 - x2) / 12 * heat["h"], abs=1e-6)
    assert v["cursor"] == "crosshair"
    assert v["info"] == "Forward: hidden layer 1 (2 points) · numbers: a = f(z)"   # the caption
    _screenshot(page, artifacts, f"inside-forward-1440x900-{scheme}.png")
    assert not page.errors, page.errors
    ctx.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_backward_step_draws_links_by_the_gradient(harness_url, browser, artifacts, scheme):
    """Backward through hidden layer 2: δ printed for layers 2 and the output only; their
    links coloured by the sign of ∂L/∂w, as wide as |∂L/∂w| relative to the largest; hidden
    layer 1's links by weight as ever; the tooltips say ∂L/∂w, ∂L/∂b and δ."""
    ctx, page = _open(browser, harness_url, step=5, scheme=scheme)
    v = _view(page)
    ins = v["inside"]
    assert ins["step"]["part"] == "backward" and ins["step"]["layer"] == 1
    got = {(b["layer"], b["neuron"]): b["text"] for b in v["values"]}
    want = {(l, j): num3(d) for l in (1, 2) for j, d in enumerate(ins["layers"][l]["delta"])}
    assert got == want
    _assert_values_apart(v)
    links = [h for h in v["hits"] if h["kind"] == "link"]
    gmax = ins["max"]["dW"]
    assert gmax > 0
    scale = []
    for h in links:
        s = h["sel"]
        if s["layer"] >= 1:
            g = ins["layers"][s["layer"]]["dW"][s["to"]][s["from"]]
            assert h["grad"] == g
            scale.append((h["lw"] - 0.5, abs(g) / gmax))
            assert "∂L/∂w = " in h["tip"], h["tip"]
        else:
            assert h["grad"] == "none" and "∂L/∂w" not in h["tip"]
    # width − 0.5 is proportional to |∂L/∂w| / max |∂L/∂w| (the largest: the widest)
    ks = [d / r for d, r in scale if r > 1e-3]
    assert len(ks) >= 6 and max(ks) - min(ks) < 1e-9 * max(ks), scale
    assert max(r for _, r in scale) == pytest.approx(max(abs(np.asarray(ins["layers"][l]["dW"])).max()
                                                         for l in (1, 2)) / gmax)
    # signs: the colours of a positive and a negative gradient differ
    pos = {h["color"] for h in links if h["grad"] != "none" and h["grad"] > 0.2 * gmax}
    neg = {h["color"] for h in links if h["grad"] != "none" and h["grad"] < -0.2 * gmax}
    assert pos and neg and not pos & neg
    bias = next(h for h in v["hits"] if h["kind"] == "bias" and h["sel"]["layer"] == 2)
    assert "∂L/∂b = " in bias["tip"]
    neuron = next(h for h in v["hits"] if h["kind"] == "neuron" and h["sel"] == {"layer": 1, "neuron": 0})
    assert "δ = ∂L/∂z = " in neuron["tip"] and "(summed over 2 points)" in neuron["tip"]
    assert v["info"].startswith("Backward: hidden layer 2 (2 points) · numbers: δ")
    _screenshot(page, artifacts, f"inside-backward-1440x900-{scheme}.png")
    # the tooltip element itself, on a real hover
    box = neuron["box"]
    page.mouse.move(v["net"]["x"] + box[0] + box[2] / 2, v["net"]["y"] + box[1] + box[3] / 2)
    tip = page.evaluate("() => [...document.querySelectorAll('.st-key-pg_canvas_box *')].find(e => e.shadowRoot)"
                        ".shadowRoot.querySelector('.pg-tip').textContent")
    assert tip == neuron["tip"]
    assert not page.errors, page.errors
    ctx.close()


def test_update_step_says_old_and_new_weights(harness_url, browser, artifacts):
    """The update: every link by ∂L/∂w, no numbers by the neurons, the tooltips old → new
    (the exactly-zero weight says so on both sides of its update)."""
    ctx, page = _open(browser, harness_url, step=7)
    v = _view(page)
    ins = v["inside"]
    assert ins["step"]["part"] == "update" and v["values"] == []
    link = next(h for h in v["hits"] if h["kind"] == "link" and h["sel"] == {"layer": 1, "from": 2, "to": 0})
    L = ins["layers"][1]
    assert "update: " in link["tip"] and " → " in link["tip"] and link["grad"] == L["dW"][0][2]
    assert all(h["grad"] != "none" for h in v["hits"] if h["kind"] == "link")
    zero = next(h for h in v["hits"] if h["kind"] == "link" and h["sel"] == {"layer": 0, "from": 0, "to": 1})
    assert zero["dash"] and "update: 0 (exactly 0) → " in zero["tip"], zero["tip"]
    _screenshot(page, artifacts, "inside-update-1440x900-light.png")
    assert not page.errors, page.errors
    ctx.close()


def test_an_exactly_zero_weight_is_drawn_as_such_and_the_boundary_reports_picks(harness_url, browser, artifacts):
    """Without the overlay the view is as ever (no numbers, links by weight) except that the
    exactly-zero weight is dashed in the muted colour and says "exactly 0"; a click on the
    boundary is a pick (data coordinates) and a click on a neuron still a select."""
    ctx, page = _open(browser, harness_url, step=-1)
    v = _view(page)
    assert v["inside"] is None and v["values"] == [] and v["marks"] == []
    assert v["info"].startswith("accuracy ")
    links = [h for h in v["hits"] if h["kind"] == "link"]
    assert all(h["grad"] == "none" for h in links)
    zero = next(h for h in links if h["sel"] == {"layer": 0, "from": 0, "to": 1})
    assert zero["value"] == 0 and zero["zero"] and zero["dash"] and "w = 0 (exactly 0)" in zero["tip"]
    muted = page.evaluate("() => { const h = [...document.querySelectorAll('.st-key-pg_canvas_box *')].find(e => e.shadowRoot);"
                          " return h.shadowRoot.querySelector('.pg-root')._pg.spec.palette.muted; }")
    assert zero["color"] == muted
    others = [h for h in links if h is not zero]
    assert others and not any(h["dash"] or h["zero"] for h in others)
    assert v["cursor"] == ""                                             # no overlay: no picking
    # with the overlay open, a click on the boundary reports where it was, in data coordinates
    ctx.close()
    ctx, page = _open(browser, harness_url, step=3)
    v = _view(page)
    heat = v["heat"]
    zero = next(h for h in v["hits"] if h["kind"] == "link" and h["sel"] == {"layer": 0, "from": 0, "to": 1})
    assert zero["dash"] and zero["color"] == muted
    for fx, fy in ((0.3, 0.7), (0.82, 0.15)):
        before = _text(page, "pick")
        page.mouse.click(heat["x"] + fx * heat["w"], heat["y"] + fy * heat["h"])
        page.wait_for_function("(b) => { const e = [...document.querySelectorAll('[data-testid=stText]')]"
                               ".find(e => e.innerText.startsWith('pick=')); return e && e.innerText !== 'pick=' + b; }",
                               arg=json.dumps(before), timeout=20_000)
        wait_idle(page)
        pick = _text(page, "pick")
        px = 12 / heat["w"]                                               # one pixel in data units
        assert pick["x"] == pytest.approx(-6 + 12 * fx, abs=px) and pick["y"] == pytest.approx(6 - 12 * fy, abs=px)
        assert isinstance(pick["n"], int) and (before is None or pick["n"] > before["n"])
    # the diagram's clicks are untouched: a neuron is still a select
    v = _view(page)
    neuron = next(h for h in v["hits"] if h["kind"] == "neuron" and h["sel"] == {"layer": 1, "neuron": 1})
    b = neuron["box"]
    page.mouse.click(v["net"]["x"] + b[0] + b[2] / 2, v["net"]["y"] + b[1] + b[3] / 2)
    page.wait_for_function("() => [...document.querySelectorAll('[data-testid=stText]')]"
                           ".some(e => e.innerText.startsWith('select={\"layer\": 1, \"neuron\": 1'))", timeout=20_000)
    page.mouse.move(1, 1)
    _screenshot(page, artifacts, "inside-cost-1440x900-light.png")
    assert not page.errors, page.errors
    ctx.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_largest_net_keeps_its_numbers_apart(harness_url, browser, artifacts, scheme):
    """7 inputs into 8 × 32: at the cost step every activation is printed (beside the neurons:
    the rows are too close for below), none overlapping another or a label, all inside."""
    ctx, page = _open(browser, harness_url, step=9, scheme=scheme, query="&big=1")
    v = _view(page)
    _screenshot(page, artifacts, f"inside-8x32-cost-1440x900-{scheme}.png")
    assert v["inside"]["step"]["part"] == "cost"
    layers = {b["layer"] for b in v["values"] if b["neuron"] is not None}
    assert layers == set(range(-1, 9)), layers
    assert sum(1 for b in v["values"] if b["layer"] == 3) == 32
    _assert_values_apart(v)
    assert not page.errors, page.errors
    ctx.close()
