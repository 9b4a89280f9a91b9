"""The live view's script (playground/views/static/*.js, joined by views/static_code.canvas_js
exactly as the page receives it) in real headless Chromium (no server): the in-browser
forward pass must match NumPy, the painters must put the right colours in the right places,
and the component protocol (points acknowledgement, selection, feature toggles, the URL hash)
must work; the texts it draws must fit and agree with each other and with ui/live.py.

Skipped when Chromium or Playwright is missing, unless CI=true (then it fails). PG_CANVAS_JS
points the tests at another build of the script (one file, e.g. an older one, to see a test fail)."""
from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import pytest

from playground.views.canvas_spec import (BLUE, CLASS_COLORS, ORANGE, PALETTE, frame_spec, model_spec,
                                          points_spec)
from playground.views.static_code import canvas_css, canvas_js
from playground.core.config import ACTIVATION_NAMES, FEATURE_NAMES, Config
from playground.core.train import Trainer
from playground.core.rundata import augmented

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
JS = Path(os.environ["PG_CANVAS_JS"]).read_text(encoding="utf-8") if os.environ.get("PG_CANVAS_JS") else canvas_js()
CSS = canvas_css()
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover
    sync_playwright = None

if sync_playwright is None or not os.path.exists(CHROMIUM):
    why = "playwright is not installed" if sync_playwright is None else f"{CHROMIUM} is missing"
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests need Chromium and Playwright on CI: {why}", pytrace=False)
    pytest.skip(why, allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def _page(browser, scale=1, width=900, height=500):
    page = browser.new_page(device_scale_factor=scale, viewport={"width": width, "height": height})
    page.set_content("<!doctype html><html><body style='margin:0;background:#fff'></body></html>")
    page.add_script_tag(content=JS)
    return page


@pytest.fixture(scope="module")
def page(browser):
    pg = _page(browser)
    yield pg
    pg.close()


# ---------------------------------------------------------------- forward pass vs NumPy
HEADS = {  # name -> config changes
    "squared/tanh": dict(dataset="circle", cost="squared"),
    "cross_entropy/sigmoid": dict(dataset="circle", cost="cross_entropy"),
    "hinge/linear": dict(dataset="xor", cost="hinge"),
    "3-class softmax": dict(dataset="spiral", classes=3, cost="cross_entropy"),
    "3-class hinge": dict(dataset="blobs", classes=3, cost="hinge"),
    "regression": dict(dataset="reg-gauss", cost="squared"),
}


def random_trainer(act: str, residual: bool, head: str, seed: int) -> Trainer:
    rng = np.random.default_rng(seed)
    feats = tuple(rng.permutation(FEATURE_NAMES)[: rng.integers(1, len(FEATURE_NAMES) + 1)])
    width = int(rng.integers(2, 7))
    layers = (len(feats), width, width) if residual else tuple(int(v) for v in rng.integers(1, 7, rng.integers(1, 4)))
    cfg = Config(points=100, features=feats, layers=layers, activation=(act,), residual=residual,
                 seed=seed, **HEADS[head])
    t = Trainer(cfg)
    t.net.theta[:] = rng.normal(0.0, 1.2, t.net.theta.size)  # big enough to saturate and clip
    return t


def grid_points(coords: list[float]) -> np.ndarray:
    """The grid of evalGrid/paintBoundary: row 0 at the top (y = +6), x left to right."""
    c = np.asarray(coords)
    return np.column_stack([np.tile(c, c.size), np.repeat(-c, c.size)])


@pytest.mark.parametrize("act", ACTIVATION_NAMES)
def test_forward_matches_numpy(page, act):
    for residual in (False, True):
        for h, head in enumerate(HEADS):
            t = random_trainer(act, residual, head, seed=1000 + 17 * h + residual)
            assert any(t.net.residual) or not residual
            spec = model_spec(t)
            js = page.evaluate("([s, n]) => PlaygroundCanvas.evalGrid(s, n)", [spec, 100])
            n, D = 100, 6.0
            assert js["coords"] == [-D + (j + 0.5) * (2 * D) / n for j in range(n)]
            X = grid_points(js["coords"])
            raw_np = t.net.forward(augmented(X, t.cfg.features)).T
            raw_js = np.asarray(js["raw"], dtype=np.float64).reshape(raw_np.shape)
            where = f"{act} residual={residual} {head} {t.cfg.features} {t.cfg.layers}"
            assert np.isfinite(raw_np).all(), where
            assert np.abs(raw_js - raw_np).max() < 1e-9, where
            expect = t.predict_grid(X)
            got = np.asarray(js["out"], dtype=np.float64)
            if t.head.units > 1:  # class index: equal wherever the top two scores are not tied
                top2 = np.sort(raw_np, axis=1)[:, -2:]
                clear = top2[:, 1] - top2[:, 0] > 1e-9
                assert (got[clear] == expect[clear]).all(), where
                assert clear.mean() > 0.99, where
            else:
                assert np.abs(got - expect).max() < 1e-9, where


GRID_VS_RUN = """([s, n]) => { const A = PlaygroundCanvas, m = A.compile(s), acts = A.gridActs(m, n);
  const cs = A.gridCoords(n, s.domain || 6); let diff = 0, count = 0;
  for (let i = 0, p = 0; i < n; i++) for (let j = 0; j < n; j++, p++) {
    A.run(m, cs[j], -cs[i]);
    m.bufs.forEach((b, l) => b.forEach((v, u) => { count++; if (!Object.is(v, acts[l][u][p])) diff++; }));
  }
  return {diff, count}; }"""


@pytest.mark.parametrize("act", ACTIVATION_NAMES)
def test_grid_pass_is_run_bit_for_bit(page, act):
    """The boundary and the neuron maps come from gridActs (every layer over the whole grid at
    once); each of its values must be exactly run()'s at that point, every layer."""
    for residual in (False, True):
        for h, head in enumerate(HEADS):
            t = random_trainer(act, residual, head, seed=2000 + 17 * h + residual)
            r = page.evaluate(GRID_VS_RUN, [model_spec(t), 23])
            assert r["count"] == 23 * 23 * sum(t.net.sizes) and r["diff"] == 0, (act, residual, head, r)


def test_forward_reports_every_activation(page):
    t = random_trainer("tanh", False, "3-class softmax", seed=5)
    spec = model_spec(t)
    res = page.evaluate("([s]) => PlaygroundCanvas.forward(s, 1.5, -2.25)", [spec])
    acts = t.net.activations(augmented(np.array([[1.5, -2.25]]), t.cfg.features))
    assert [len(a) for a in res["acts"]] == t.net.sizes
    for got, want in zip(res["acts"][1:], acts):
        np.testing.assert_allclose(got, want[:, 0], rtol=0, atol=1e-12)
    assert res["out"] == int(np.argmax(acts[-1][:, 0]))


def test_unknown_activation_is_an_error(page):
    spec = {"domain": 6, "features": ["x1"], "layers": [{"act": "swish", "res": False, "W": [[1.0, 0.0]]}],
            "out": {"kind": "value", "range": 1}, "palette": PALETTE}
    msg = page.evaluate("([s]) => { try { PlaygroundCanvas.compile(s); return ''; } catch (e) { return e.message; } }", [spec])
    assert "swish" in msg


def test_loss_codes_match_python(page):
    from playground.views.canvas_spec import decode_losses, encode_losses
    vals = [1e-9, 1e-8, 3.3e-5, 0.01234, 0.5, 0.693, 1.0, 27.6, 1e8, float("nan"), 0.0]
    codes = encode_losses(vals)
    js = page.evaluate("([c]) => PlaygroundCanvas.decodeLosses(c, -8, 8)", [codes])
    py = decode_losses(codes)
    assert len(js) == len(py) == len(vals)
    for a, b, v in zip(js, py, vals):
        assert (a is None) == (b is None) == (not math.isfinite(v))
        if a is not None:
            assert abs(a - b) <= 1e-12 * b
            if 1e-8 <= v <= 1e8:
                assert abs(math.log10(a) - math.log10(v)) <= 8 / 4095 + 1e-12


# ---------------------------------------------------------------- painting
def _rgb(h):
    return np.array([int(h[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


def heat(color) -> np.ndarray:
    """TFP's heatmap colour: the full colour drawn at alpha 160/255 over white."""
    return 255 + (np.asarray(color, float) - 255) * (160 / 255)


def _pixel(page, selector_js, x, y):
    return np.array(page.evaluate(
        f"([x, y]) => Array.from(({selector_js}).getContext('2d').getImageData(x, y, 1, 1).data)", [x, y]))


def test_boundary_colours_binary_and_classes(page):
    page.evaluate("() => { const c = document.createElement('canvas'); c.id = 'b'; c.width = 300; c.height = 300;"
                  " document.body.appendChild(c); }")
    left_right = {"domain": 6.0, "features": ["x1"], "layers": [{"act": "tanh", "res": False, "W": [[2.0, 0.0]]}],
                  "out": {"kind": "binary", "map": "pm1", "colors": [ORANGE, BLUE]}, "palette": PALETTE}
    for disc in (False, True):
        page.evaluate("([s, d]) => PlaygroundCanvas.paintBoundary(document.getElementById('b'), s, {discretize: d})",
                      [left_right, disc])
        at = lambda x, y: _pixel(page, "document.getElementById('b')", int((x + 6) / 12 * 300), int((6 - y) / 12 * 300))
        assert np.abs(at(-4.5, 2)[:3] - heat(_rgb(ORANGE))).max() <= 2      # class 0 deep inside
        assert np.abs(at(4.5, -3)[:3] - heat(_rgb(BLUE))).max() <= 2        # class 1 deep inside
        assert at(0, 0)[3] == 255
    # three classes: scores 8·(-x1), 8·x1 and 8·(x2 - 3): class 2 near the top, 0 left, 1 right
    three = {"domain": 6.0, "features": ["x1", "x2"],
             "layers": [{"act": "softmax", "res": False, "W": [[-8.0, 0.0, 0.0], [8.0, 0.0, 0.0], [0.0, 8.0, -24.0]]}],
             "out": {"kind": "classes", "k": 3, "softmax": True, "colors": list(CLASS_COLORS[:3])},
             "palette": PALETTE}
    page.evaluate("([s]) => PlaygroundCanvas.paintBoundary(document.getElementById('b'), s, {})", [three])
    at = lambda x, y: _pixel(page, "document.getElementById('b')", int((x + 6) / 12 * 300), int((6 - y) / 12 * 300))
    for (x, y), c in (((-4, -3), 0), ((4, -3), 1), ((0, 5.5), 2)):
        assert np.abs(at(x, y)[:3] - heat(_rgb(CLASS_COLORS[c]))).max() <= 3, (x, y, c)
    # regression: value scale orange (negative) … blue (positive)
    plane = {"domain": 6.0, "features": ["x1"], "layers": [{"act": "linear", "res": False, "W": [[0.5, 0.0]]}],
             "out": {"kind": "value", "range": 1.0}, "palette": PALETTE}
    page.evaluate("([s]) => PlaygroundCanvas.paintBoundary(document.getElementById('b'), s, {})", [plane])
    assert np.abs(at(-5, 0)[:3] - heat(_rgb(ORANGE))).max() <= 2
    assert np.abs(at(5, 0)[:3] - heat(_rgb(BLUE))).max() <= 2


def _mount(page, data, width=900):
    page.evaluate("""([data, css, w]) => {
        window.__calls = [];
        let host = document.getElementById('host');
        if (!host) {
          host = document.createElement('div'); host.id = 'host'; host.style.width = w + 'px';
          document.body.appendChild(host);
          window.__shadow = host.attachShadow({mode: 'open'});
          const st = document.createElement('style'); st.textContent = css; window.__shadow.appendChild(st);
        }
        window.__before = PlaygroundCanvas.stats.paints;
        PlaygroundCanvas.mount({data, parentElement: window.__shadow,
                                setStateValue: (k, v) => window.__calls.push([k, v])});
    }""", [data, CSS, width])
    page.wait_for_function("() => PlaygroundCanvas.stats.paints > window.__before")
    return page.evaluate("() => window.__calls")


def test_a_view_without_the_rest_of_its_page_asks_for_the_whole_page(browser):
    """The view asks for the rest of the page (ui/page._rest_of_page) once a second while the
    page's hidden wake button is missing; its report must say so (`rerun`), or the page takes
    it for a channel that connected and draws nothing (the harness page has no wake button)."""
    page = _page(browser)
    t = Trainer(Config(seed=4))
    _mount(page, {"spec": frame_spec(t), "points": points_spec(t, show_test=False), "opts": {"height": 420}})
    page.wait_for_function("() => window.__calls.some(([k]) => k === 'channel')", timeout=10_000)
    reports = [v for k, v in page.evaluate("() => window.__calls") if k == "channel"]
    assert reports and all(r["rerun"] is True for r in reports), reports
    page.close()


def test_component_protocol_and_dpr(browser):
    page = _page(browser, scale=2)
    t = Trainer(Config(seed=3))
    t.train(30)
    spec, pts = frame_spec(t), points_spec(t, show_test=True)
    opts = {"height": 420, "discretize": False, "show_test": True, "log_loss": False, "show_network": True}
    calls = _mount(page, {"spec": spec, "points": pts, "opts": opts})
    assert calls == [["points_key", pts["key"]]]                  # acknowledged once
    calls = _mount(page, {"spec": spec, "points": {"key": pts["key"]}, "opts": opts})
    assert calls == []                                             # key only: uses its cache
    calls = _mount(page, {"spec": spec, "points": {"key": "unknown"}, "opts": opts})
    assert calls == [["points_key", None]]                         # asks Python to resend
    _mount(page, {"spec": spec, "points": pts, "opts": opts})
    sizes = page.evaluate("""() => Array.from(window.__shadow.querySelectorAll('canvas'))
        .map(c => [c.className, c.width, c.height, c.getBoundingClientRect().width, c.getBoundingClientRect().height])""")
    for name, w, h, cw, ch in sizes:
        assert (w, h) == (round(cw * 2), round(ch * 2)), name    # follows devicePixelRatio
    heat_c = next(s for s in sizes if s[0] == "pg-heat")
    assert heat_c[3] == heat_c[4] > 200                            # square boundary plot
    # resizing the host re-lays out the canvases
    page.evaluate("() => { document.getElementById('host').style.width = '700px'; }")
    page.wait_for_function("() => window.__shadow.querySelector('.pg-net').getBoundingClientRect().width < 700 - 300")
    # clicking a neuron and a link reports the selection
    hits = page.evaluate("() => window.__shadow.querySelector('.pg-root')._pg.hits.map(h => ({kind: h.kind, sel: h.sel, box: h.box, pts: h.pts}))")
    rect = page.evaluate("() => { const r = window.__shadow.querySelector('.pg-net').getBoundingClientRect(); return [r.left, r.top]; }")
    neuron = next(h for h in hits if h["kind"] == "neuron" and h["sel"]["layer"] == 0 and h["sel"]["neuron"] == 1)
    bx, by, bw, bh = neuron["box"]
    page.evaluate("() => { window.__calls = []; }")
    page.mouse.click(rect[0] + bx + bw * 0.6, rect[1] + by + bh * 0.4)
    calls = page.evaluate("() => window.__calls")
    assert [(k, {a: b for a, b in v.items() if a != "n"}) for k, v in calls] == [("select", {"layer": 0, "neuron": 1})]
    n1 = calls[0][1]["n"]
    page.evaluate("() => { window.__calls = []; }")
    page.mouse.click(rect[0] + bx + bw * 0.6, rect[1] + by + bh * 0.4)     # the same again: a new click
    calls = page.evaluate("() => window.__calls")
    assert calls[0][1] == {"layer": 0, "neuron": 1, "n": calls[0][1]["n"]} and calls[0][1]["n"] > n1
    link = next(h for h in hits if h["kind"] == "link" and h["sel"] == {"layer": 1, "from": 3, "to": 0})
    x0, y0, x1, y1 = link["pts"]
    tq = 0.3  # a point on the drawn cubic: control points at the middle x
    u = 1 - tq
    px = u ** 3 * x0 + 3 * u * tq * (x0 + x1) / 2 + tq ** 3 * x1
    py = (u ** 3 + 3 * u * u * tq) * y0 + (3 * u * tq * tq + tq ** 3) * y1
    expect = page.evaluate("([x, y]) => PlaygroundCanvas.hitTest(window.__shadow.querySelector('.pg-root')._pg.hits, x, y).sel", [px, py])
    page.evaluate("() => { window.__calls = []; }")
    page.mouse.click(rect[0] + px, rect[1] + py)
    got = page.evaluate("() => window.__calls")
    assert [(k, {a: b for a, b in v.items() if a != "n"}) for k, v in got] == [("select", expect)]
    assert set(expect) == {"layer", "from", "to"}
    # a click on empty space (the bottom right corner) clears the selection
    size = page.evaluate("() => { const r = window.__shadow.querySelector('.pg-net').getBoundingClientRect(); return [r.width, r.height]; }")
    empty = [size[0] - 3, size[1] - 3]
    assert page.evaluate("([x, y]) => PlaygroundCanvas.hitTest(window.__shadow.querySelector('.pg-root')._pg.hits, x, y)", empty) is None
    page.evaluate("() => { window.__calls = []; }")
    page.mouse.click(rect[0] + empty[0], rect[1] + empty[1])
    assert page.evaluate("() => window.__calls") == [["select", None]]
    page.close()


def test_screenshot_artifact(browser):
    """Paint three live views (binary, 3 classes, regression) and keep a PNG to look at."""
    page = browser.new_page(device_scale_factor=1, viewport={"width": 900, "height": 1330})
    page.set_content("<!doctype html><html><body style='margin:10px;background:#fff'></body></html>")
    page.add_script_tag(content=JS)
    runs = [(Config(seed=1, layers=(4, 2), noise=10), 200, True),
            (Config(dataset="spiral", classes=3, layers=(8, 8), cost="cross_entropy", optimizer="adam",
                    lr=0.01, features=("x1", "x2", "sinx1", "sinx2"), seed=2), 300, False),
            (Config(dataset="reg-gauss", layers=(6, 6), activation=("relu",), residual=True, lr=0.01, seed=4), 200, False)]
    for n, (cfg, epochs, disc) in enumerate(runs):
        t = Trainer(cfg)
        t.train(epochs)
        data = {"spec": frame_spec(t), "points": points_spec(t, show_test=True),
                "opts": {"height": 420, "discretize": False, "show_test": n == 0, "log_loss": n == 1, "show_network": True}}
        page.evaluate("""([data, css, n]) => {
            const host = document.createElement('div'); host.id = 'h' + n; host.style.cssText = 'width:880px;margin-bottom:12px';
            document.body.appendChild(host);
            const sh = host.attachShadow({mode: 'open'});
            const st = document.createElement('style'); st.textContent = css; sh.appendChild(st);
            PlaygroundCanvas.mount({data, parentElement: sh, setStateValue: () => {}});
        }""", [data, CSS, n])
    page.wait_for_function("() => PlaygroundCanvas.stats.paints >= 3")
    page.wait_for_timeout(100)
    ARTIFACTS.mkdir(exist_ok=True)
    out = ARTIFACTS / "live_view.png"
    page.screenshot(path=str(out), full_page=True)
    assert out.stat().st_size > 10_000
    # the binary run's boundary is nowhere blank: every sampled pixel is opaque
    alpha = page.evaluate("""() => { const c = document.getElementById('h0').shadowRoot.querySelector('.pg-heat');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let z = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] !== 255) z++; return z; }""")
    assert alpha == 0
    page.close()


def test_big_network_paints_coarse_then_full(browser):
    """8 × 32 relu neurons, 7 features, 5 classes: 50×50 while weights stream, 100×100 at rest."""
    page = _page(browser)
    t = Trainer(Config(features=FEATURE_NAMES, layers=(32,) * 8, activation=("relu",), dataset="blobs",
                       classes=5, cost="cross_entropy", points=200))
    t.train(3)
    calls = _mount(page, {"spec": frame_spec(t), "points": points_spec(t), "opts": {"height": 420}})
    assert calls[0][0] == "points_key"
    info = page.evaluate("() => window.__shadow.querySelector('.pg-status').textContent")
    assert info.startswith("Epoch 000,003") and "error" not in info
    grab = """() => { const c = window.__shadow.querySelector('.pg-heat');
        return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.filter((v, i) => i % 4 === 0)); }"""
    # the same weights again, grabbed in the animation frame that paints them (before the
    # 0.3 s refinement, however busy the machine)
    coarse = np.array(page.evaluate("""([data]) => new Promise((done) => {
        const p0 = PlaygroundCanvas.stats.paints, grab = """ + grab + """;
        PlaygroundCanvas.mount({data, parentElement: window.__shadow, setStateValue: () => {}});
        const look = () => (PlaygroundCanvas.stats.paints > p0 ? done(grab()) : requestAnimationFrame(look));
        requestAnimationFrame(look); })""", [{"spec": frame_spec(t), "points": {"key": points_spec(t)["key"]}, "opts": {"height": 420}}]))
    page.wait_for_timeout(500)
    full = np.array(page.evaluate(grab))
    assert coarse.shape == full.shape and (coarse != full).any()   # repainted at full resolution
    spec = frame_spec(t)
    js = page.evaluate("([s]) => PlaygroundCanvas.evalGrid(s, 100).out", [spec])
    X = grid_points([-6 + (j + 0.5) * 12 / 100 for j in range(100)])
    assert (np.asarray(js) == t.predict_grid(X)).mean() > 0.999
    page.close()



def test_the_status_follows_a_state_from_the_page_at_once_unless_states_stream(browser):
    """With the live channel open but nothing streaming (paused: a scrub or a Step through the
    page), a new state's status line is painted at once, even right after another paint; the
    tenth-of-a-second limit holds only while channel states stream. A fresh-clone run once
    caught the status one epoch behind a scrub (the limit applied whenever the socket was open)."""
    page = _page(browser)
    t = Trainer(Config())
    t.train(2)
    a = frame_spec(t)
    t.train(3)
    b = frame_spec(t)
    key = points_spec(t)["key"]
    _mount(page, {"spec": a, "points": points_spec(t), "opts": {"height": 420}})
    shown = page.evaluate("""([b, key, streaming]) => new Promise((done) => {
        const inst = window.__shadow.querySelector('.pg-root')._pg, p0 = PlaygroundCanvas.stats.paints;
   // the slow parts were just painted
        PlaygroundCanvas.mount({data: {spec: b, points: {key}, opts: {height: 420}},
                                parentElement: window.__shadow, setStateValue: () => {}});
        // (after mount, which drops a channel its data does not name; before the paint)
        inst.chan = {open: true, streamAt: streaming ? performance.now() : undefined};
        inst.slowAt = performance.now();   // the slow parts were just painted
        const look = () => PlaygroundCanvas.stats.paints > p0
          ? done(Number(window.__shadow.querySelector('[data-pg-status]').getAttribute('data-pg-status')))
          : requestAnimationFrame(look);
        requestAnimationFrame(look); })""", [b, key, False])
    assert shown == b["epoch"] == 5
    # while states stream, the same state waits for the limit (and is shown by its timer)
    _mount(page, {"spec": a, "points": {"key": key}, "opts": {"height": 420}})
    page.wait_for_timeout(300)
    held = page.evaluate("""([b, key]) => new Promise((done) => {
        const inst = window.__shadow.querySelector('.pg-root')._pg, p0 = PlaygroundCanvas.stats.paints;

        PlaygroundCanvas.mount({data: {spec: b, points: {key}, opts: {height: 420}},
                                parentElement: window.__shadow, setStateValue: () => {}});
        inst.chan = {open: true, streamAt: performance.now()};
        inst.slowAt = performance.now();
        const look = () => PlaygroundCanvas.stats.paints > p0
          ? done(Number(window.__shadow.querySelector('[data-pg-status]').getAttribute('data-pg-status')))
          : requestAnimationFrame(look);
        requestAnimationFrame(look); })""", [b, key])
    assert held == a["epoch"] == 2
    page.wait_for_function(f"() => window.__shadow.querySelector('[data-pg-status]').getAttribute('data-pg-status') === '{b['epoch']}'")
    page.close()


def test_the_channel_queue_is_painted_a_state_a_frame_and_its_credit_goes_back_in_time(browser):
    """The channel's queued states (static/channel.js) are painted one per animation frame,
    oldest first; the credit for the next message goes back once one state is left to show,
    or two when the server answers credits slowly (ch.rt over 20 ms, as at the Speed menu's
    max). Before, one state was left either way and a "max" run painted ~56 frames a second."""
    page = _page(browser)
    t = Trainer(Config())
    specs = []
    for _ in range(4):
        t.train(2)
        specs.append(frame_spec(t))
    _mount(page, {"spec": specs[0], "points": points_spec(t), "opts": {"height": 420}})
    page.wait_for_function("() => PlaygroundCanvas.stats.paints > 0")

    def run(rt: float) -> dict:
        return page.evaluate("""([specs, rt]) => new Promise((done) => {
            const inst = window.__shadow.querySelector('.pg-root')._pg, shown = [], sent = [];
            inst.chan = {open: true, streamAt: performance.now(), owed: 1, rt,
                         queue: specs.map((spec) => ({spec, at: null})),
                         ws: {readyState: 1, send: (m) => sent.push([JSON.parse(m).n, inst.chan.queue.length])}};
            const look = () => {
              if (inst.shown && shown[shown.length - 1] !== inst.shown.epoch) shown.push(inst.shown.epoch);
              if (inst.chan.queue.length || shown.length < specs.length) requestAnimationFrame(look);
              else done({shown, sent});
            };
            inst.onResize();          // schedules the next animation frame
            requestAnimationFrame(look); })""", [specs[1:], rt])

    quick, slow = run(5.0), run(30.0)
    epochs = [s["epoch"] for s in specs[1:]]
    assert quick["shown"] == epochs and slow["shown"] == epochs
    assert quick["sent"] == [[1, 1]], quick      # one state left to show
    assert slow["sent"] == [[1, 2]], slow        # two left: the slow server has two frames more
    page.close()


def train_in_three(t) -> list:
    """Train 120 epochs in three steps of 40; the weight states after the first two (the
    snapshots of a playback frame whose own weights are the third)."""
    from playground.views.canvas_spec import weights_snapshot
    snaps = []
    for _ in range(2):
        t.train(40)
        snaps.append(weights_snapshot(t))
    t.train(40)
    return snaps


def test_snapshots_are_played_back_and_end_on_the_latest(browser):
    """A frame with 3 weight states (canvas_spec.playback_spec): each is painted on its own
    animation frame, oldest first, and the view ends on the frame's own (latest) weights."""
    from playground.views.canvas_spec import playback_spec
    page = _page(browser)
    t = Trainer(Config(seed=7, dataset="xor", layers=(6, 4), lr=0.1))
    opts = {"height": 420, "show_network": True}
    _mount(page, {"spec": frame_spec(t), "points": points_spec(t), "opts": opts})
    snaps = train_in_three(t)
    frame = playback_spec(t, snaps)
    assert [s["epoch"] for s in frame["snapshots"]] == [40, 80, 120] and "W" not in frame["snapshots"][-1]
    # a long expected tick (as if Streamlit ticked every 0.6 s), so a busy machine skips none
    page.evaluate("""() => { const inst = window.__shadow.querySelector('.pg-root')._pg;
        inst.interval = 600; inst.arrived = 0;
        window.__seen = []; window.__paints0 = PlaygroundCanvas.stats.paints;
        const info = window.__shadow.querySelector('.pg-status');
        const look = () => { const e = info.textContent.slice(6, 13);
            if (window.__seen[window.__seen.length - 1] !== e) window.__seen.push(e);
            if (window.__seen.length < 4) requestAnimationFrame(look); };
        requestAnimationFrame(look); }""")
    page.evaluate("""([data]) => PlaygroundCanvas.mount({data, parentElement: window.__shadow,
                                                         setStateValue: () => {}})""",
                  [{"spec": frame, "points": {"key": points_spec(t)["key"]}, "opts": opts}])
    page.wait_for_function("() => PlaygroundCanvas.stats.paints - window.__paints0 >= 3", timeout=10_000)
    page.wait_for_timeout(700)  # playback over
    assert page.evaluate("() => PlaygroundCanvas.stats.paints - window.__paints0") >= 3
    assert page.evaluate("() => window.__seen") == ["000,000", "000,040", "000,080", "000,120"]
    # the boundary on screen is the latest weights' boundary, and differs from the first state's
    compare = """([spec]) => { const heat = window.__shadow.querySelector('.pg-heat');
        const c = document.createElement('canvas'); c.width = heat.width; c.height = heat.height;
        PlaygroundCanvas.paintBoundary(c, spec, {n: 100});
        const a = heat.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const b = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let diff = 0; for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff++; return diff; }"""
    assert page.evaluate(compare, [frame]) == 0
    first = {**frame, "layers": [{**L, "W": W} for L, W in zip(frame["layers"], snaps[0]["W"])]}
    assert page.evaluate(compare, [first]) > 1000
    # the same frame again (a re-render) is not played back: nothing older than the screen
    page.evaluate("""([data]) => { window.__paints0 = PlaygroundCanvas.stats.paints;
        PlaygroundCanvas.mount({data, parentElement: window.__shadow, setStateValue: () => {}}); }""",
                  [{"spec": json.loads(json.dumps(frame)), "points": {"key": points_spec(t)["key"]}, "opts": opts}])
    page.wait_for_timeout(300)
    assert page.evaluate("() => PlaygroundCanvas.stats.paints - window.__paints0") == 1
    assert page.evaluate(compare, [frame]) == 0
    page.close()



# ---------------------------------------------------------------- texts, inputs, residual marks
def test_epoch_and_status_text_match_python(page):
    """The browser writes the status line itself (from the state it paints): the same text as
    ui/live.status_text, digits included (1,234,567 was "123,4567"; .4f ties round to even)."""
    from playground.ui.live import epoch_text, status_text
    es = [0, 7, 123, 1234, 99_999, 999_999, 1_000_000, 1_234_567, 123_456_789]
    assert page.evaluate("(es) => es.map((e) => PlaygroundCanvas.epochText(e))", es) == [epoch_text(e) for e in es]
    runs = [dict(), dict(dataset="reg-gauss"), dict(dataset="spiral", classes=3, cost="cross_entropy", layers=(32, 32, 32))]
    for kw in runs:
        t = Trainer(Config(points=100, **kw))
        t.train(3)
        for loss in (None, 0.03125, 0.09375, 0.12344999, 12.34565, 1234.5, float("inf"), float("nan")):
            if loss is not None:
                t.history.train_loss[-1] = loss
            t.epoch = 1_234_567 if loss == 1234.5 else t.epoch
            want = status_text(t)
            got = page.evaluate("([f]) => PlaygroundCanvas.statusText(f)", [json.loads(json.dumps(frame_spec(t)))])
            assert got == want, kw


TEXT_SPY = """() => { window.__texts = []; if (window.__spy) return; window.__spy = true;
  const orig = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (t, x, y) {
    const c = this.canvas, inst = c.parentElement && c.parentElement._pg;
    window.__texts.push({canvas: c.className, text: String(t), x, y, align: this.textAlign, font: this.font,
                         w: this.measureText(t).width, cssW: c.getBoundingClientRect().width,
                         epoch: inst && inst.spec ? inst.spec.epoch : null, paint: PlaygroundCanvas.stats.paints,
                         status: inst && inst.status ? inst.status.textContent : null});
    return orig.apply(this, arguments); }; }"""


def _texts(page, canvas: str, last: bool = False) -> list[dict]:
    """What was written on a canvas (`last`: in the latest paint only)."""
    out = [t for t in page.evaluate("() => window.__texts") if t["canvas"] == canvas]
    return [t for t in out if t["paint"] == out[-1]["paint"]] if last and out else out


def _box(t: dict) -> tuple[float, float]:
    x0 = t["x"] - t["w"] / 2 if t["align"] == "center" else t["x"] - t["w"] if t["align"] in ("right", "end") else t["x"]
    return x0, x0 + t["w"]


def _mount_fresh(page, data, width):
    page.evaluate("() => { const h = document.getElementById('host'); if (h) h.remove(); }")
    page.evaluate(TEXT_SPY)
    return _mount(page, data, width)


@pytest.mark.parametrize("layers,width,residual", [((32, 32), 900, False), ((4, 2), 358, False),
                                                  ((32,) * 8, 358, True), ((6, 6, 6), 358, True)])
def test_diagram_texts_fit_and_do_not_overlap(browser, layers, width, residual):
    """Headers ("output" was cut to "outpu" by a 32-wide layer) and input labels lie inside the
    diagram, and no two of them overlap, at desktop and phone widths."""
    page = _page(browser, width=max(width, 400), height=900)
    t = Trainer(Config(points=100, layers=layers, residual=residual, activation=("leaky_relu",)))
    _mount_fresh(page, {"spec": frame_spec(t), "points": points_spec(t), "opts": {"height": 420}}, width)
    texts = _texts(page, "pg-net", last=True)
    assert {"input", "output"} <= {t["text"] for t in texts}
    for tx in texts:
        x0, x1 = _box(tx)
        assert x0 >= -0.5 and x1 <= tx["cssW"] + 0.5, tx
    rows: dict[float, list] = {}
    for tx in texts:  # texts on one baseline must not overlap
        rows.setdefault(round(tx["y"], 1), []).append(_box(tx))
    for y, boxes in rows.items():
        boxes.sort()
        assert all(a[1] <= b[0] + 0.5 for a, b in zip(boxes, boxes[1:])), (y, boxes)
    inputs = sorted(tx["y"] for tx in texts if tx["align"] == "right")
    assert len(inputs) == len(FEATURE_NAMES) and min(np.diff(inputs)) >= 10      # input labels apart
    page.close()


def test_caption_and_status_line_fit(browser):
    """At the default size the caption was cut ("100.0%…"); it must fit, and so must the
    status line (which wraps on a phone)."""
    t = Trainer(Config(seed=3))
    t.train(5)
    for width, div in ((900, False), (900, True), (358, True)):
        page = _page(browser, width=max(width, 400), height=900)
        f = {**frame_spec(t), "train_acc": 1.0, "test_acc": 1.0, "diverged": div, "epoch": 1_234_567}
        _mount_fresh(page, {"spec": f, "points": points_spec(t), "opts": {"height": 400}}, width)
        got = page.evaluate("""() => ['.pg-info', '.pg-status'].map((s) => { const e = window.__shadow.querySelector(s);
            return {text: e.textContent, sw: e.scrollWidth, cw: e.clientWidth, sh: e.scrollHeight, ch: e.clientHeight,
                    px: parseFloat(getComputedStyle(e).fontSize)}; })""")
        cap, status = got
        assert cap["text"].startswith("accuracy 100.0% train · 100.0% test")
        assert cap["sw"] <= cap["cw"] and cap["px"] >= 8, cap
        assert status["text"].startswith("Epoch 1,234,567 · train loss")
        assert status["sw"] <= status["cw"] and status["sh"] <= status["ch"] + 1, status
        page.close()


def test_status_caption_and_loss_chart_show_the_painted_state(browser):
    """While playing back a tick's weight states, the status line, the caption and the loss
    chart's epoch all come from the state being painted (they showed three epochs)."""
    from playground.views.canvas_spec import playback_spec
    page = _page(browser)
    page.evaluate(TEXT_SPY)
    t = Trainer(Config(seed=7, dataset="xor", layers=(6, 4), lr=0.1))
    opts = {"height": 420}
    _mount(page, {"spec": frame_spec(t), "points": points_spec(t), "opts": opts})
    snaps = train_in_three(t)
    page.evaluate("() => { const inst = window.__shadow.querySelector('.pg-root')._pg; inst.interval = 600; inst.arrived = 0;"
                  " window.__texts.length = 0; window.__p0 = PlaygroundCanvas.stats.paints; }")
    page.evaluate("([data]) => PlaygroundCanvas.mount({data, parentElement: window.__shadow, setStateValue: () => {}})",
                  [{"spec": playback_spec(t, snaps), "points": {"key": points_spec(t)["key"]}, "opts": opts}])
    page.wait_for_function("() => PlaygroundCanvas.stats.paints - window.__p0 >= 3", timeout=10_000)
    page.wait_for_timeout(700)
    seen = [(x["epoch"], x["text"], x["status"]) for x in _texts(page, "pg-loss") if x["text"].startswith("epoch ")]
    assert [e for e, _, _ in seen] == [40, 80, 120]
    for e, label, status in seen:
        assert label == f"epoch {e}" and status.startswith(f"Epoch 000,{e:03d} ·"), (e, label, status)
    # the status line carries the snapshot's own losses, as ui/live.status_text prints them
    assert f"train loss {snaps[0]['train_loss']:.4f}" in seen[0][2]
    page.close()


def _hits(page):
    return page.evaluate("() => window.__shadow.querySelector('.pg-root')._pg.hits.map(h => ({kind: h.kind, sel: h.sel,"
                         " feature: h.feature, active: h.active, box: h.box, pts: h.pts}))")


def _click_box(page, box):
    r = page.evaluate("() => { const r = window.__shadow.querySelector('.pg-net').getBoundingClientRect(); return [r.left, r.top]; }")
    page.mouse.click(r[0] + box[0] + box[2] / 2, r[1] + box[1] + box[3] / 2)


def test_all_inputs_drawn_and_a_click_toggles_one(browser):
    """All seven features are input nodes (unused ones dimmed, unconnected); a click on one
    reports {"feature", "n"} as the "toggle" state, a new n every click; "select" is untouched."""
    page = _page(browser)
    t = Trainer(Config(features=("x2", "x1sq"), layers=(3,)))
    _mount(page, {"spec": frame_spec(t), "points": points_spec(t), "opts": {"height": 420}})
    inputs = [h for h in _hits(page) if h["kind"] == "input"]
    assert [h["feature"] for h in inputs] == list(FEATURE_NAMES)
    assert [h["active"] for h in inputs] == [f in ("x2", "x1sq") for f in FEATURE_NAMES]
    centre = {h["feature"]: h["box"][1] + h["box"][3] / 2 for h in inputs}
    starts = {(h["sel"]["from"], round(h["pts"][1], 3)) for h in _hits(page) if h["kind"] == "link" and h["sel"]["layer"] == 0}
    assert starts == {(0, round(centre["x2"], 3)), (1, round(centre["x1sq"], 3))}   # network order → rows
    alpha = page.evaluate("""([boxes]) => { const c = window.__shadow.querySelector('.pg-net'), k = c.width / c.getBoundingClientRect().width;
        return boxes.map(([x, y, w, h]) => { const X = Math.round((x + w - 4) * k), Y = Math.round((y + h / 2) * k);
          return c.getContext('2d').getImageData(X, Y, 1, 1).data[3]; }); }""", [[h["box"] for h in inputs]])
    for h, a in zip(inputs, alpha):
        assert (a > 200) if h["active"] else (40 < a < 130), (h["feature"], a)   # unused ones dimmed
    page.evaluate("() => { window.__calls = []; }")
    x1sq = next(h for h in inputs if h["feature"] == "x1sq")
    sinx1 = next(h for h in inputs if h["feature"] == "sinx1")
    _click_box(page, sinx1["box"])
    _click_box(page, sinx1["box"])
    _click_box(page, x1sq["box"])
    calls = page.evaluate("() => window.__calls")
    assert [c[0] for c in calls] == ["toggle"] * 3
    assert [c[1]["feature"] for c in calls] == ["sinx1", "sinx1", "x1sq"]
    ns = [c[1]["n"] for c in calls]
    assert ns == sorted(set(ns)) and all(isinstance(n, int) for n in ns)
    page.close()


def _skip_pixels(page) -> int:
    return page.evaluate("""([rgb]) => { const c = window.__shadow.querySelector('.pg-net');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 200 && Math.abs(d[i] - rgb[0]) + Math.abs(d[i + 1] - rgb[1]) + Math.abs(d[i + 2] - rgb[2]) < 30) n++;
        return n; }""", [_rgb(frame_spec(Trainer(Config()))["palette"]["skip"]).tolist()])


def test_residual_layers_are_marked(browser):
    """With residual on, a layer whose input is as wide as it is gets a curved skip arrow and
    "+ skip" in its header; a layer that changes width gets nothing, and nothing without residual."""
    page = _page(browser)
    t = Trainer(Config(layers=(2, 2, 3), residual=True))
    assert model_spec(t)["palette"]["skip"]
    _mount_fresh(page, {"spec": frame_spec(t), "points": points_spec(t), "opts": {"height": 420}}, 900)
    heads = [x["text"] for x in _texts(page, "pg-net", last=True) if x["align"] == "center"]
    assert heads == ["input", "tanh 2 + skip", "tanh 2 + skip", "tanh 3", "output"]
    assert _skip_pixels(page) > 40
    t = Trainer(Config(layers=(2, 2, 3), residual=False))
    _mount_fresh(page, {"spec": frame_spec(t), "points": points_spec(t), "opts": {"height": 420}}, 900)
    heads = [x["text"] for x in _texts(page, "pg-net", last=True) if x["align"] == "center"]
    assert heads == ["input", "tanh 2", "tanh 2", "tanh 3", "output"]
    assert _skip_pixels(page) == 0
    page.close()


def test_url_hash_is_reported_once_and_removed(browser, tmp_path):
    """A TensorFlow Playground hash on the page's URL reaches the page as the "hash" state
    (Streamlit never sends it to the server); the address bar keeps the query, not the hash."""
    html = tmp_path / "host.html"
    html.write_text("<!doctype html><html><body style='margin:0'></body></html>")
    page = browser.new_page(viewport={"width": 900, "height": 600})
    page.goto(f"{html.as_uri()}?lr=0.1#activation=relu&dataset=spiral")
    page.add_script_tag(content=JS)
    t = Trainer(Config())
    calls = _mount(page, {"spec": frame_spec(t), "points": points_spec(t), "opts": {"height": 420}})
    assert ["hash", "#activation=relu&dataset=spiral"] in calls
    assert page.evaluate("() => [location.hash, location.search]") == ["", "?lr=0.1"]
    calls = _mount(page, {"spec": frame_spec(t), "points": {"key": points_spec(t)["key"]}, "opts": {"height": 420}})
    assert not any(c[0] == "hash" for c in calls)                  # once
    page.evaluate("() => { window.__calls = []; location.hash = '#dataset=xor'; }")
    page.wait_for_function("() => window.__calls.length > 0")
    assert page.evaluate("() => window.__calls") == [["hash", "#dataset=xor"]]
    page.close()


def _test_line_rows(page, mode: dict) -> list[int]:
    """Paint the loss chart with `mode` and return, per column of the chart's right tenth, how
    many rows its lines span (the ink between the labels above and below the plot)."""
    return page.evaluate("""([spec, mode]) => {
        let c = document.getElementById('loss-modes');
        if (!c) { c = document.createElement('canvas'); c.id = 'loss-modes';
                  c.style.width = '300px'; c.style.height = '120px'; document.body.appendChild(c); }
        PlaygroundCanvas.paintLoss(c, spec, {dpr: 1, ...mode});
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, out = [];
        for (let x = Math.floor(c.width * 0.9); x < c.width - 6; x++) {
            let top = null, bottom = null;
            for (let y = 16; y < c.height - 13; y++) {
                if (d[(y * c.width + x) * 4 + 3] > 0) {
                    top = top === null ? y : top; bottom = y; }
            }
            out.push(top === null ? 0 : bottom - top + 1);
        }
        return out; }""", [spec_of_bounces(), mode])


def spec_of_bounces() -> dict:
    """A run whose loss falls fast, then bounces by about ±2 % (a too large learning rate)."""
    t = Trainer(Config(seed=3, dataset="circle", layers=(4,)))
    spec = frame_spec(t)
    n = 400
    loss = [0.5 * 0.97 ** e + 0.05 * (1 + 0.02 * (-1) ** e) for e in range(n)]
    from playground.views.canvas_spec import encode_losses
    spec["loss"] = {**spec["loss"], "x0": 0, "x1": n - 1, "train": encode_losses(loss),
                    "test": encode_losses(loss)}
    spec["epoch"] = n - 1
    return spec


def test_the_loss_axis_can_zoom_on_recent_epochs(page):
    """On the whole run's axis the late bounces of a too large learning rate are a flat line
    (0.046 → 0.048 was invisible); 'recent' draws the latest tenth of the run on its own scale,
    so they span the chart's height (measured: 121 rows against 13, the axis included)."""
    flat = max(_test_line_rows(page, {}))
    recent = max(_test_line_rows(page, {"recent": True}))
    assert recent >= 5 * flat, (recent, flat)


def test_each_step_is_marked_on_a_short_loss_chart(page):
    """Stepping a few epochs: one marker per recorded epoch on the loss lines (a dot wider
    than the line), so each Step shows."""
    from playground.views.canvas_spec import encode_losses
    n = 8
    spec = spec_of_bounces()
    loss = [0.3 * 0.97 ** e for e in range(n)]
    spec["loss"] = {**spec["loss"], "x0": 0, "x1": n - 1, "train": encode_losses(loss),
                    "test": encode_losses(loss)}
    spec["epoch"] = n - 1
    ink, width = page.evaluate("""([spec]) => {
        const c = document.createElement('canvas'); c.style.width = '300px'; c.style.height = '120px';
        document.body.appendChild(c);
        PlaygroundCanvas.paintLoss(c, spec, {dpr: 1});
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, out = [];
        for (let x = 0; x < c.width; x++) { let k = 0;
            for (let y = 16; y < c.height - 14; y++) if (d[(y * c.width + x) * 4 + 3] > 0) k++;
            out.push(k); }
        c.remove(); return [out, c.width]; }""", [spec])
    X = lambda e: 34 + e / (n - 1) * (width - 38)  # noqa: E731  (paintLoss's plot box)
    at_epochs = [max(ink[round(X(e)) - 1:round(X(e)) + 2]) for e in range(1, n - 1)]
    between = [ink[round(X(e + 0.5))] for e in range(1, n - 2)]
    assert min(at_epochs) >= max(between) + 2, (at_epochs, between)


def test_the_lowest_test_loss_so_far_is_marked_on_the_loss_chart(page):
    """An overfitting run: its test loss falls, then rises. The spec carries the epoch of the
    lowest test loss (every epoch counted, not the chart's samples) and the chart draws a ring
    there; once the run's latest epoch is the best, no ring."""
    t = Trainer(Config(dataset="circle", noise=30, train=10, layers=(16, 16), lr=0.1, points=200))
    seen = []
    for _ in range(300):
        t.train(1)
        seen.append((t.history.test_loss[-1], t.epoch))
    best_loss, best_epoch = min(seen)
    spec = frame_spec(t)
    assert spec["loss"]["best"] == [best_epoch, best_loss] and best_epoch < t.epoch - 20
    draw = """([spec, opts]) => { const c = document.createElement('canvas'); c.style.width = '320px';
        c.style.height = '120px'; document.body.appendChild(c);
        const r = PlaygroundCanvas.paintLoss(c, spec, {dpr: 1, ...opts}); c.remove(); return r.best; }"""
    assert page.evaluate(draw, [spec, {}]) == best_epoch
    assert page.evaluate(draw, [spec, {"log": True}]) == best_epoch
    assert page.evaluate(draw, [spec, {"recent": True}]) is None          # out of the range shown
    now = {**spec, "loss": {**spec["loss"], "best": [t.epoch, spec["test_loss"]]}}
    assert page.evaluate(draw, [now, {}]) is None


@pytest.mark.parametrize("cfg", [Config(dataset="xor", label_noise=20, points=200),
                                 Config(dataset="circle", cost="cross_entropy", noise=40, points=200),
                                 Config(dataset="spiral", classes=3, cost="cross_entropy", points=200)])
def test_mark_mistakes_rings_exactly_the_points_the_network_gets_wrong(page, cfg):
    """wrongPoints: the drawn points whose predicted class (the engine's rule) is not their
    label, train and test; paintPoints rings them."""
    t = Trainer(cfg.replace(lr=0.1))
    t.train(15)
    spec, pts = frame_spec(t), points_spec(t, show_test=True)
    got = page.evaluate("([s, p]) => PlaygroundCanvas.wrongPoints(s, p)", [spec, pts])
    for name in ("train", "test"):
        S = pts[name]
        X = np.column_stack([S["x"], S["y"]])
        out = t.predict_grid(X)
        pred = out.astype(int) if t.head.units > 1 else (out > 0.5).astype(int)
        want = [i for i, (c, y) in enumerate(zip(pred, S["label"])) if c != y]
        assert got[name] == want and 0 < len(want) < len(pred), (name, len(want))
    ink = page.evaluate("""([p, s, wrong]) => { const c = document.createElement('canvas');
        c.style.width = '300px'; c.style.height = '300px'; document.body.appendChild(c);
        const count = (w) => { PlaygroundCanvas.paintPoints(c, p, {dpr: 1, show_test: true, palette: s.palette,
            domain: s.domain, wrong: w}); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let k = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) k++; return k; };
        const r = [count(null), count(wrong)]; c.remove(); return r; }""", [pts, spec, got])
    assert ink[1] > ink[0] + 20 * (len(got["train"]) > 0), ink


@pytest.mark.parametrize("dataset", ["xor", "reg-plane"])
def test_flipped_labels_are_crossed_exactly_where_the_label_noise_flipped(page, dataset):
    """points_spec's `flipped`: the training points whose label differs from the clean one
    (label noise); paintPoints crosses them (ink at each, in the mark colour) only when asked."""
    t = Trainer(Config(dataset=dataset, label_noise=20, points=200))
    pts, spec = points_spec(t), frame_spec(t)
    d = t.data
    want = [i for i, (a, b) in enumerate(zip(d.y_train, d.y_train_clean)) if a != b]
    assert pts["flipped"] == want and len(want) == round(0.2 * len(d.y_train))
    marks = page.evaluate("""([p, s]) => { const c = document.createElement('canvas');
        c.style.width = '300px'; c.style.height = '300px'; document.body.appendChild(c);
        const at = (on) => { PlaygroundCanvas.paintPoints(c, p, {dpr: 1, palette: s.palette, domain: s.domain, flipped: on});
            const g = c.getContext('2d'), [r, gg, b] = s.palette.mark.match(/\\w\\w/g).map(h => parseInt(h, 16));
            return p.flipped.map(i => { const x = (p.train.x[i] + 6) / 12 * c.width, y = (6 - p.train.y[i]) / 12 * c.height;
                let k = 0; for (const [dx, dy] of [[-3, -3], [3, 3], [-3, 3], [3, -3]]) {
                    const q = g.getImageData(Math.round(x + dx), Math.round(y + dy), 1, 1).data;
                    if (Math.abs(q[0] - r) + Math.abs(q[1] - gg) + Math.abs(q[2] - b) < 300 && q[3] > 100) k++; }
                return k; }); };
        const r = [at(false), at(true)]; c.remove(); return r; }""", [pts, spec])
    off, on = marks
    assert sum(on) >= 2 * len(want) and sum(on) > sum(off) + len(want), (sum(off), sum(on))
