"""The live view (playground/views/static/*.js) in the real page, in Debian's Chromium:
its layout on a phone and on a desktop, clicks in the diagram reaching the server (a neuron's
`select`, an input's `toggle`), the URL hash, and texts that fit.

Screenshots go to tests/artifacts/canvas-*.png (look at them: a page can pass and still look
broken).
"""
from __future__ import annotations

import re
import time

import pytest

from pagekit import LOAD_TIMEOUT, wait_idle, wait_loaded

CANVAS_STATUS = ".pg-status"  # the live view's own status line (inside its shadow root)
ANY_STATUS = f"{CANVAS_STATUS}, [data-testid=stText]"  # ... or the server's, while it has one

# Everything the tests read of the live view: its boxes, backing sizes, hit regions and texts.
VIEW = """() => { const host = [...document.querySelectorAll('.st-key-pg_canvas *')].find(e => e.shadowRoot);
  const root = host && host.shadowRoot.querySelector('.pg-root'), inst = root && root._pg;
  if (!inst || !inst.spec) return null;
  const r = (e) => { const b = e.getBoundingClientRect();
    return {x: b.left, y: b.top, w: b.width, h: b.height, bw: e.width, bh: e.height}; };
  const fit = (e) => ({text: e.textContent, sw: e.scrollWidth, cw: e.clientWidth, sh: e.scrollHeight, ch: e.clientHeight});
  return {dpr: devicePixelRatio, root: r(root), net: r(inst.net), heat: r(inst.heat), loss: r(inst.loss),
          info: fit(inst.info), status: inst.status ? fit(inst.status) : null, labels: inst.labels || [],
          hits: (inst.hits || []).map(h => ({kind: h.kind, sel: h.sel || null, feature: h.feature || null, box: h.box || null}))}; }"""


def _context(browser, width, height, scheme, scale=1.0, touch=False):
    return browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme,
                               device_scale_factor=scale, has_touch=touch, is_mobile=touch)


def _open(ctx, url: str, path: str = "/"):
    """A page of the app, with the websocket frames it sends kept on page.sent."""
    page = ctx.new_page()
    page.sent = []
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("websocket", lambda ws: ws.on("framesent", lambda m: page.sent.append(
        m if isinstance(m, bytes) else m.encode())))
    page.goto(url + path)
    page.locator(ANY_STATUS).filter(has_text=re.compile(r"Epoch \d")).first.wait_for(timeout=LOAD_TIMEOUT)
    wait_loaded(page)  # the rest of the page too
    page.wait_for_function(f"() => ({VIEW})() !== null", timeout=LOAD_TIMEOUT)
    return page


def _view(page) -> dict:
    return page.evaluate(VIEW)


def _wait_sent(page, needle: bytes, since: int = 0, timeout: float = 20.0) -> None:
    """Until a frame sent after the first `since` holds `needle`."""
    end = time.time() + timeout
    while time.time() < end:
        if any(needle in m for m in page.sent[since:]):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the page never sent {needle!r}")


def _screenshot(page, path) -> None:
    """The live view at the top of the window (below Streamlit's header), as a visitor sees it."""
    page.locator(".st-key-pg_canvas").evaluate(
        "e => { e.scrollIntoView({block: 'start'});"
        " (document.querySelector('[data-testid=stMain]') || document.scrollingElement).scrollBy(0, -64); }")
    page.wait_for_timeout(400)
    page.screenshot(path=str(path))


def _click(page, box, touch=False) -> None:
    net = _view(page)["net"]
    x, y = net["x"] + box[0] + box[2] / 2, net["y"] + box[1] + box[3] / 2
    if touch:
        page.touchscreen.tap(x, y)
    else:
        page.mouse.click(x, y)


def _assert_texts_fit(v: dict) -> None:
    for lab in v["labels"]:
        assert lab["x"] >= -0.5 and lab["x"] + lab["w"] <= v["net"]["w"] + 0.5, lab
    for name in ("info", "status"):
        e = v[name]
        assert e is not None, f"no {name} line"
        assert e["sw"] <= e["cw"] and e["sh"] <= e["ch"] + 1, (name, e)


def _assert_backing_follows_dpr(v: dict) -> None:
    for name in ("net", "heat", "loss"):
        c = v[name]
        assert (c["bw"], c["bh"]) == (round(c["w"] * v["dpr"]), round(c["h"] * v["dpr"])), (name, c)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_phone_stacks_the_view_and_the_diagram_answers_taps(app_url, browser, artifacts, scheme):
    """390×844 at 3 device pixels per CSS pixel: the diagram was 0×0. Now it is on top, full
    width, the boundary (square) and the loss chart below it; a tap on a neuron reaches the
    server as `select` (the inspector opens); turned to a desktop window it goes side by side."""
    ctx = _context(browser, 390, 844, scheme, scale=3, touch=True)
    page = _open(ctx, app_url)
    v = _view(page)
    net, heat, loss, root = v["net"], v["heat"], v["loss"], v["root"]
    assert net["w"] >= 0.95 * root["w"] and net["h"] >= 220, net
    assert heat["w"] == heat["h"] >= 0.95 * root["w"], heat
    assert net["y"] + net["h"] <= heat["y"] < heat["y"] + heat["h"] <= loss["y"]
    assert loss["w"] >= 0.95 * root["w"] and loss["h"] >= 80
    _assert_backing_follows_dpr(v)
    _assert_texts_fit(v)
    _screenshot(page, artifacts / f"canvas-390x844-{scheme}.png")
    neuron = next(h for h in v["hits"] if h["kind"] == "neuron" and h["sel"] == {"layer": 0, "neuron": 0})
    _click(page, neuron["box"], touch=True)
    _wait_sent(page, b'"select":{"layer":0,"neuron":0,"n":')
    page.locator(".st-key-pg_inspector").wait_for(state="attached", timeout=LOAD_TIMEOUT)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.wait_for_function(f"() => {{ const v = ({VIEW})(); return v && v.net.x + v.net.w <= v.heat.x; }}",
                           timeout=20_000)
    _assert_backing_follows_dpr(_view(page))
    assert not page.errors, page.errors
    ctx.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_desktop_layout_and_clicks_unchanged(app_url, browser, artifacts, scheme):
    """1440×900: the diagram left, the boundary (square) and the loss chart right, as before; a
    click on a neuron reaches the server; a click on empty space reports select = null."""
    ctx = _context(browser, 1440, 900, scheme)
    page = _open(ctx, app_url)
    v = _view(page)
    net, heat = v["net"], v["heat"]
    assert net["x"] + net["w"] <= heat["x"] and net["w"] >= 500 and net["h"] >= 380, net
    assert heat["w"] == heat["h"] and 250 <= heat["w"] <= 400, heat
    _assert_backing_follows_dpr(v)
    _assert_texts_fit(v)
    _screenshot(page, artifacts / f"canvas-1440x900-{scheme}.png")
    neuron = next(h for h in v["hits"] if h["kind"] == "neuron" and h["sel"] == {"layer": 1, "neuron": 1})
    _click(page, neuron["box"])
    _wait_sent(page, b'"select":{"layer":1,"neuron":1,"n":')
    page.locator(".st-key-pg_inspector").wait_for(state="attached", timeout=LOAD_TIMEOUT)
    wait_idle(page)
    n = len(page.sent)
    _click(page, [net["w"] - 8, net["h"] - 8, 2, 2])                 # the empty bottom right corner
    _wait_sent(page, b'"select":null', since=n)
    assert not page.errors, page.errors
    ctx.close()


@pytest.mark.parametrize("size", [(1440, 900), (390, 844)])
def test_a_32_wide_layer_keeps_every_text_whole(app_url, browser, artifacts, size):
    """`/?layers=32,32` cut "output" to "outpu"; the caption was cut at the default size."""
    ctx = _context(browser, *size, "light")
    page = _open(ctx, app_url, "/?layers=32,32")
    v = _view(page)
    assert {"input", "output"} <= {lab["text"] for lab in v["labels"]}
    _assert_texts_fit(v)
    assert v["info"]["text"].startswith("accuracy ") and "Epoch " in v["status"]["text"]
    _screenshot(page, artifacts / f"canvas-32x32-{size[0]}.png")
    ctx.close()


def test_hash_and_input_clicks_reach_the_server(app_url, browser):
    """A TensorFlow Playground hash on the app's own URL is sent to the server once (as the
    view's `hash` state) and leaves the address bar; a click on an input node
    (all seven are drawn) is sent as `toggle`."""
    ctx = _context(browser, 1440, 900, "light")
    page = _open(ctx, app_url, "/?lr=0.1#activation=relu&dataset=spiral")
    _wait_sent(page, b'"hash":"#activation=relu&dataset=spiral"')
    page.wait_for_function("() => location.hash === '' && !location.href.includes('#')", timeout=20_000)
    # ... and the page reads it: a TensorFlow Playground hash is a whole setup
    page.wait_for_function("() => location.search.includes('dataset=spiral')"
                           " && location.search.includes('activation=relu')", timeout=20_000)
    wait_idle(page)
    page.wait_for_function(f"() => ({VIEW})().hits.filter(h => h.kind === 'input').length === 7", timeout=20_000)
    x1sq = next(h for h in _view(page)["hits"] if h["kind"] == "input" and h["feature"] == "x1sq")
    _click(page, x1sq["box"])
    _wait_sent(page, b'"toggle":{"feature":"x1sq","n":')
    # ... and the click switches that feature on, as in TensorFlow Playground
    page.wait_for_function("() => decodeURIComponent(location.search).includes('features=x1,x2,x1sq')",
                           timeout=20_000)
    assert not page.errors, page.errors
    ctx.close()


def test_one_epoch_counter_on_the_page(app_url, browser):
    """While playing, the server's status line, the caption and the loss chart showed three
    epochs. The live view now writes the status line from the state it paints: the page must
    show that one counter only."""
    ctx = _context(browser, 1440, 900, "light")
    page = _open(ctx, app_url)
    assert page.get_by_text(re.compile(r"^Epoch \d")).count() == 1
    ctx.close()
