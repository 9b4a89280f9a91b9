"""A learner's walk through "See inside" on the real page (app.py served by conftest's server),
in Debian's Chromium: pick a training point by clicking the boundary, step forward and backward
through one training step (the diagram prints the engine's numbers), take the step (the run's
weights become exactly the engine's), draw the layer view and the loss surface, and do the same
on a phone in dark mode.

Every expected number comes from the engine in this process: the link fixes the data and the
starting weights, so `Trainer(parse_query(QUERY)[0])` is the page's run at epoch 0.
Screenshots go to tests/artifacts/inside-page-*.png (look at them: a page can pass and look broken).
"""
from __future__ import annotations

import numpy as np
import pytest

from pagekit import LOAD_TIMEOUT, click, epoch, key, step, wait_idle, wait_loaded
from playground.core import inside as I
from playground.core.config import parse_query
from playground.core.train import Trainer
from playground.ui.inside import VIEWS, fmt

QUERY = "dataset=xor&layers=4,2&seed=7"
N_STEPS = 9              # 3 layers: forward ×3, cost, backward ×3, update, result
STEP_TITLES = [s.title for s in I.steps(3)]

# The live view's JS instance (views/static/component.js): what it paints and what it printed.
INST = ("(() => { const host = [...document.querySelectorAll('.st-key-pg_canvas *')].find(e => e.shadowRoot);"
        " const root = host && host.shadowRoot.querySelector('.pg-root'); return root && root._pg; })()")
VIEW = """() => { const inst = %s;
  if (!inst || !inst.spec || !inst.hits || !inst.hits.values) return null;
  const r = (e) => { const b = e.getBoundingClientRect(); return {x: b.left, y: b.top, w: b.width, h: b.height}; };
  return {heat: r(inst.heat), net: r(inst.net), inside: inst.inside, marks: inst.marks || [],
          values: inst.hits.values.map((v) => ({layer: v.layer, neuron: v.neuron, text: v.text})),
          W: inst.spec.layers.map((L) => L.W), domain: inst.spec.domain, epoch: inst.spec.epoch,
          info: inst.info.textContent}; }""" % INST
# The instance has painted its latest data (no playback or animation frame pending) and the
# diagram was drawn with the overlay it holds.
SETTLED = """() => { const inst = %s;
  return !!(inst && inst.spec && !inst.raf && !inst.dirty && inst.shown === inst.spec
            && inst.netInside === inst.inside && (!inst.play || inst.play.next >= inst.play.specs.length)); }""" % INST
PANEL = ".st-key-pg_inside_box"
NOISE = ("fonts.gstatic.com", "ERR_NAME_NOT_RESOLVED")   # no internet here: web fonts fail to load


def _errors(page) -> list[str]:
    return [e for e in page.errors if not any(n in e for n in NOISE)]


def _open(browser, url: str, width: int, height: int, scheme: str):
    ctx = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    page = ctx.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{url}/?{QUERY}")
    wait_loaded(page)
    page.wait_for_function(f"() => ({VIEW})() !== null", timeout=LOAD_TIMEOUT)
    return ctx, page


@pytest.fixture(scope="module")
def desk(browser, app_url):
    """One 1440×900 light page for the desktop walk (the tests below continue on it)."""
    ctx, page = _open(browser, app_url, 1440, 900, "light")
    yield page
    ctx.close()


def _engine() -> Trainer:
    return Trainer(parse_query(QUERY)[0])


def _view(page) -> dict:
    page.wait_for_function(SETTLED, timeout=20_000)
    return page.evaluate(VIEW)


def _settle(page) -> None:
    wait_idle(page)
    page.wait_for_function(SETTLED, timeout=20_000)


def _choose(page, view: str) -> None:
    """Press one of the "See inside" segments."""
    seg = page.locator(key("pg_inside")).get_by_role("radio", name=VIEWS[view], exact=True)
    seg.scroll_into_view_if_needed()
    seg.click()
    page.wait_for_function("(name) => [...document.querySelectorAll('[class*=st-key-pg_inside] [role=radio]')]"
                           ".some((b) => b.getAttribute('aria-checked') === 'true' && b.innerText.trim() === name)",
                           arg=VIEWS[view], timeout=20_000)
    wait_idle(page)


def _title(page) -> str:
    """The step-through's bold heading, '3 / 9 · Forward: output layer'."""
    return page.locator(f"{PANEL} strong").filter(has_text=" / ").first.inner_text()


def _wait_step(page, index: int) -> dict:
    page.wait_for_function(f"() => {{ const i = {INST}; return !!(i && i.inside && i.inside.step.index === {index}); }}",
                           timeout=20_000)
    page.locator(f"{PANEL} strong").filter(has_text=f"{index + 1} / {N_STEPS} · ").first.wait_for(timeout=20_000)
    _settle(page)
    return _view(page)


def _num3(page, values) -> list[str]:
    """The engine's numbers as the view prints them (text.js num3)."""
    return page.evaluate("(vs) => vs.map((v) => PlaygroundCanvas.num3(v))", [float(v) for v in values])


def _isolated_point(X: np.ndarray) -> int:
    """A training point (not 0, the default) far from every other: a click on it cannot be
    nearer to another point."""
    d = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(-1))
    np.fill_diagonal(d, np.inf)
    gap = d.min(axis=1)
    gap[0] = -1
    return int(gap.argmax())


def _shot(page, artifacts, name: str, selector: str | None = None, block: str = "start") -> None:
    """A screenshot of the window, `selector`'s element scrolled to its top (or `block`)."""
    if selector:
        page.locator(selector).first.evaluate("(e, b) => e.scrollIntoView({block: b})", block)
    page.mouse.move(1, 1)
    page.wait_for_timeout(200)
    page.screenshot(path=str(artifacts / name))


def test_pick_step_through_and_take_the_step(desk, artifacts):
    """Open the step-through, click a training point on the boundary (the box then says its
    index), press Next through every step (the diagram prints the engine's a, then δ), and take
    the step: the run's weights are exactly the engine's after one step on that point."""
    page, t = desk, _engine()
    X = t.data.X_train
    v = _view(page)
    assert v["inside"] is None
    assert v["W"] == [W.tolist() for W in t.net.W], "the link must give the engine's starting weights"
    _choose(page, "step")
    v = _wait_step(page, 0)
    assert v["inside"]["indices"] == [0]

    # --- a click on the boundary, where the view draws training point `target`
    target = _isolated_point(X)
    page.evaluate(f"() => {INST}.heat.scrollIntoView({{block: 'center'}})")
    v = _view(page)
    heat, D = v["heat"], v["domain"]
    x1, x2 = X[target]
    cx, cy = heat["x"] + (x1 + D) / (2 * D) * heat["w"], heat["y"] + (D - x2) / (2 * D) * heat["h"]
    # where the view will say the click was (component.js picked), and the point nearest to it
    px, py = -D + 2 * D * (cx - heat["x"]) / heat["w"], D - 2 * D * (cy - heat["y"]) / heat["h"]
    assert int((((X - [px, py]) ** 2).sum(axis=1)).argmin()) == target
    page.mouse.click(cx, cy)
    box = page.locator(f".st-key-pg_in_point_{target} input")
    box.wait_for(timeout=20_000)
    assert box.input_value() == str(target)
    v = _wait_step(page, 0)
    assert v["inside"]["indices"] == [target]
    assert v["inside"]["points"] == [X[target].tolist()]
    [mark] = v["marks"]                                       # the point is ringed where it was clicked
    assert mark["x"] == pytest.approx((x1 + D) / (2 * D) * heat["w"], abs=1e-6)
    assert mark["y"] == pytest.approx((D - x2) / (2 * D) * heat["h"], abs=1e-6)
    caption = page.locator(PANEL).get_by_text(f"Point {target} at (").first.inner_text()
    assert caption == f"Point {target} at ({fmt(x1)}, {fmt(x2)}), label {int(t.data.y_train[target])}."
    _shot(page, artifacts, "inside-page-pick-1440x900-light.png")

    # --- Next through the steps: the engine's numbers, printed by the diagram
    tr = I.trace(t, [target])
    inputs = tr.layers[0].a_in[:, 0]
    for index in range(N_STEPS):
        if index:
            title = _title(page)
            click(page, "pg_in_next")
            v = _wait_step(page, index)
            assert _title(page) != title
        s, ins = tr.steps[index], v["inside"]
        assert _title(page) == f"{index + 1} / {N_STEPS} · {STEP_TITLES[index]}"
        assert ins["step"] == {"index": index, "count": N_STEPS, "part": s.part, "layer": s.layer, "title": s.title}
        got = {(b["layer"], b["neuron"]): b["text"] for b in v["values"] if b["neuron"] is not None}
        if s.part == "forward":
            want = dict(zip([(-1, j) for j in range(len(inputs))], _num3(page, inputs)))
            for m in range(s.layer + 1):
                L = tr.layers[m]
                assert ins["layers"][m]["a"] == L.A[:, 0].tolist() and ins["layers"][m]["z"] == L.Z[:, 0].tolist()
                want.update(zip([(m, j) for j in range(L.A.shape[0])], _num3(page, L.A[:, 0])))
            assert all(ins["layers"][m]["a"] is None for m in range(s.layer + 1, 3))
            assert got == want, (index, got, want)
            text = page.locator(PANEL).inner_text()
            L = tr.layers[s.layer]
            for j in range(L.A.shape[0]):                       # and the panel writes each neuron out
                assert f"= {fmt(L.Z[j, 0])}" in text and f"= {fmt(L.A[j, 0])}" in text
            assert "δ" not in "".join(got.values())
        elif s.part == "backward":
            want = {}
            for m in range(s.layer, 3):
                L = tr.layers[m]
                assert ins["layers"][m]["delta"] == L.delta[:, 0].tolist()
                assert ins["layers"][m]["dW"] == L.dW.tolist()
                want.update(zip([(m, j) for j in range(L.delta.shape[0])], _num3(page, L.delta[:, 0])))
            assert all(ins["layers"][m]["delta"] is None for m in range(s.layer))
            assert got == want, (index, got, want)
            assert "numbers: δ" in v["info"]
        elif s.part == "cost":
            assert ins["cost"]["loss"] == tr.loss
        elif s.part == "update":
            assert got == {}
            for m, L in enumerate(tr.layers):
                assert ins["layers"][m]["W_after"] == L.W_after.tolist()
                assert ins["layers"][m]["b_after"] == L.b_after.tolist()
            _shot(page, artifacts, "inside-page-update-1440x900-light.png", PANEL)
            break
        if index == 5:
            _shot(page, artifacts, "inside-page-backward-1440x900-light.png", ".st-key-pg_live_box")
    assert tr.steps[index].part == "update"

    # --- Take this step: the run's weights become the engine's after the same step
    assert epoch(page) == 0
    click(page, "pg_in_take")
    page.locator("[data-testid=stToast]").filter(has_text="Step taken").first.wait_for(timeout=20_000)
    page.wait_for_function(f"(w) => {INST}.spec.layers[0].W[0][0] !== w", arg=v["W"][0][0][0], timeout=20_000)
    v = _wait_step(page, 0)                                     # the step-through starts again
    assert I.take_step(t, [target]) is None
    assert v["W"] == [W.tolist() for W in t.net.W]              # exactly: float64 JSON is exact
    assert np.array_equal(np.concatenate([np.ravel(W) for W in v["W"]]), tr.theta_after)
    assert v["epoch"] == 0 and epoch(page) == 0
    after = I.trace(t, [target])                                # the overlay shows the new weights
    assert v["inside"]["layers"][0]["a"] == after.layers[0].A[:, 0].tolist()
    assert page.locator(f".st-key-pg_in_point_{target} input").input_value() == str(target)
    assert page.locator("[data-testid=stException]").count() == 0
    assert not _errors(page), _errors(page)


def _plotly(page, fig_key: str) -> list[dict]:
    """The traces the plotly chart keyed `fig_key` drew (type, name, number of points)."""
    page.locator(f".st-key-{fig_key} .js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
    return page.evaluate("(k) => [...document.querySelector('.st-key-' + k + ' .js-plotly-plot')._fullData]"
                         ".map((d) => ({type: d.type, name: d.name || null, n: d._length || 0}))", fig_key)


def test_layer_view_and_loss_surface(desk, artifacts):
    """"What each layer sees" and "Loss surface" each draw a plotly chart without an exception;
    after 10 Steps the surface draws the path the weights took."""
    page = desk
    _choose(page, "layers")
    traces = _plotly(page, "pg_in_layer_fig")
    assert traces and sum(d["n"] for d in traces) > 0
    assert page.locator("[data-testid=stException]").count() == 0
    _shot(page, artifacts, "inside-page-layers-1440x900-light.png", ".st-key-pg_in_layer_fig")

    _choose(page, "surface")
    traces = _plotly(page, "pg_in_surface_fig")
    assert any(d["type"] == "heatmap" for d in traces), traces
    n0 = next((d["n"] for d in traces if d["name"] == "path"), 0)
    assert page.locator("[data-testid=stException]").count() == 0
    page.locator(key("pg_step")).first.scroll_into_view_if_needed()
    start = epoch(page)
    assert step(page, 10, idle=True) == start + 10
    # A Step does not redraw the rest of the page (it goes over the live channel, see
    # test_a_step_redraws_the_open_step_through): the surface is drawn again by the page's
    # next run, here a visit to "All weights" (a table of every weight, drawn without error).
    _choose(page, "weights")
    page.locator(f"{PANEL} [data-testid=stDataFrame]").first.wait_for(timeout=20_000)
    assert page.locator(PANEL).get_by_text("25 weights and biases; 0 exactly zero").count() == 1
    assert page.locator("[data-testid=stException]").count() == 0
    _choose(page, "surface")
    page.wait_for_function("(n) => { const p = document.querySelector('.st-key-pg_in_surface_fig .js-plotly-plot');"
                           " return p && p._fullData && p._fullData.some((d) => d.name === 'path' && d._length >= n); }",
                           arg=n0 + 10, timeout=30_000)
    traces = _plotly(page, "pg_in_surface_fig")
    path = [d for d in traces if d["name"] == "path"]
    assert path and path[0]["n"] >= n0 + 10, (n0, traces)   # one more point a Step
    assert page.locator("[data-testid=stException]").count() == 0
    _shot(page, artifacts, "inside-page-surface-1440x900-light.png", ".st-key-pg_in_surface_fig")
    assert not _errors(page), _errors(page)


def test_a_step_redraws_the_open_step_through(desk):
    """With the step-through open, a Step (one epoch) changes the weights: the diagram's numbers
    and the panel must follow (the overlay is the trace at the current weights)."""
    page = desk
    _choose(page, "step")
    before = _wait_step(page, 0)
    text = page.locator(PANEL).inner_text()
    start = epoch(page)
    assert step(page, 1, idle=True) == start + 1
    page.wait_for_function(f"(w) => {INST}.spec.layers[0].W[0][0] !== w", arg=before["W"][0][0][0], timeout=20_000)
    page.wait_for_function(f"(a) => {{ const i = {INST}; return !!(i.inside && i.inside.layers[0].a[0] !== a); }}",
                           arg=before["inside"]["layers"][0]["a"][0], timeout=5_000)
    # the panel is drawn by the page run after the Step, and its element may land after the view's data
    # (one fresh-clone run under load read it in between): wait for it, a few seconds at most
    page.wait_for_function("([sel, t]) => document.querySelector(sel).innerText !== t",
                           arg=[PANEL, text], timeout=10_000)
    assert page.locator(PANEL).inner_text() != text


def _overflowing(page) -> dict:
    """How wide the page scrolls, and the elements whose right edge passes the viewport."""
    return page.evaluate("""() => {
      const W = window.innerWidth, out = [];
      for (const e of document.querySelectorAll('[data-testid=stMain] *')) {
        const b = e.getBoundingClientRect();
        if (b.width > 0 && b.height > 0 && b.right > W + 1 && getComputedStyle(e).visibility !== 'hidden') {
          let clipped = false;  // inside an ancestor that clips (scrolls) horizontally
          for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
            const o = getComputedStyle(a).overflowX, ab = a.getBoundingClientRect();
            if (o !== 'visible' && ab.right <= W + 1) { clipped = true; break; } }
          if (!clipped) out.push((e.getAttribute('data-testid') || e.tagName) + '.' + String(e.className).slice(0, 60) + ' right=' + Math.round(b.right));
        } }
      const scrollers = [document.scrollingElement, ...document.querySelectorAll('[data-testid=stMain], [data-testid=stAppViewContainer], [data-testid=stAppScrollToBottomContainer]')]
        .filter(Boolean).map((e) => ({id: e.getAttribute('data-testid') || e.tagName, sw: e.scrollWidth, cw: e.clientWidth}));
      return {width: W, scrollers, out: out.slice(0, 20)}; }""")


def test_phone_dark_step_through(new_page, app_url, artifacts):
    """390×844, dark: the See-inside controls can be reached and pressed, Next moves the step
    on, and nothing is wider than the screen."""
    page = new_page(390, 844, "dark")
    page.goto(f"{app_url}/?{QUERY}")
    wait_loaded(page)
    page.wait_for_function(f"() => ({VIEW})() !== null", timeout=LOAD_TIMEOUT)
    _choose(page, "step")
    _wait_step(page, 0)
    first = _title(page)
    assert first == f"1 / {N_STEPS} · {STEP_TITLES[0]}"
    for seg in page.locator(key("pg_inside")).get_by_role("radio").all():   # every view's segment
        b = seg.bounding_box()
        assert b and b["x"] >= 0 and b["x"] + b["width"] <= 390 + 0.5, (seg.inner_text(), b)
    nxt = page.locator(f"{key('pg_in_next')} button:visible").first
    nxt.scroll_into_view_if_needed()
    b = nxt.bounding_box()
    assert b and b["x"] >= 0 and b["x"] + b["width"] <= 390
    _shot(page, artifacts, "inside-page-step-390x844-dark.png", PANEL)
    click(page, "pg_in_next")
    _wait_step(page, 1)
    assert _title(page) == f"2 / {N_STEPS} · {STEP_TITLES[1]}"
    panel = page.locator(PANEL).bounding_box()
    assert panel["x"] >= 0 and panel["x"] + panel["width"] <= 390 + 0.5, panel
    o = _overflowing(page)
    assert all(s["sw"] <= s["cw"] + 1 for s in o["scrollers"]), o
    assert not o["out"], o
    _shot(page, artifacts, "inside-page-step2-390x844-dark.png", f"{PANEL} strong")
    _shot(page, artifacts, "inside-page-controls-390x844-dark.png", key("pg_inside"), "center")
    _shot(page, artifacts, "inside-page-diagram-390x844-dark.png", ".st-key-pg_live_box")
    assert page.locator("[data-testid=stException]").count() == 0
    assert not _errors(page), _errors(page)
