"""The real page in Debian's Chromium: loading, Play/Pause/Step, share links, model files.

Screenshots go to tests/artifacts/ (look at them: a page can pass and still look broken).
"""
from __future__ import annotations

import time
from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from pagekit import (LOAD_TIMEOUT, click, epoch, key, losses, select_option, step,
                     wait_epoch, wait_idle, wait_loaded)

# The live view's canvases, also inside the component's shadow root.
CANVASES = """() => { const out = [], walk = (root) => { for (const el of root.querySelectorAll('*')) {
    if (el.tagName === 'CANVAS') out.push(el); if (el.shadowRoot) walk(el.shadowRoot); } };
  const host = document.querySelector('.st-key-pg_canvas'); if (host) walk(host); return out; }"""


def open_app(page, url: str, query: str = ""):
    page.goto(f"{url}/{'?' + query if query else ''}")
    wait_loaded(page)
    wait_idle(page)
    page.wait_for_function(f"() => ({CANVASES})().length"
                           " || document.querySelector('.st-key-pg_fig_boundary .main-svg')",
                           timeout=LOAD_TIMEOUT)
    return page


def boundary_signature(page) -> str:
    """A fingerprint of the boundary's pixels (canvas live view, or the plotly fallback)."""
    sig = page.evaluate("""() => {
        const cs = (""" + CANVASES + """)();
        const heat = cs.find(c => c.width > 0 && c.width === c.height && parseFloat(c.style.left) > 0);
        if (!heat) return null;
        const d = heat.toDataURL(); let h = 0;
        for (let i = 0; i < d.length; i += 7) h = (h * 31 + d.charCodeAt(i)) | 0;
        return d.length + ':' + h; }""")
    if sig is None:
        sig = page.locator(".st-key-pg_fig_boundary").screenshot()
    return sig


def test_page_loads_without_exceptions(app_url, new_page, artifacts):
    for width, height, scheme in ((1366, 768, "light"), (1920, 1080, "dark")):
        page = open_app(new_page(width, height, scheme), app_url)
        time.sleep(1.0)
        page.screenshot(path=str(artifacts / f"page-{width}x{height}-{scheme}.png"))
        assert page.locator("[data-testid=stException]").count() == 0
        errors = [e for e in page.errors if "fonts.gstatic.com" not in e and "ERR_NAME_NOT_RESOLVED" not in e]
        assert not errors, errors
        assert epoch(page) == 0


def test_play_advances_redraws_and_pause_stops(app_url, new_page, artifacts):
    page = open_app(new_page(), app_url)
    before = boundary_signature(page)
    click(page, "pg_play")
    page.locator(".st-key-pg_pause button:visible").filter(has_text="Pause").wait_for(timeout=20_000)
    e1 = wait_epoch(page, lambda e: e >= 30)
    time.sleep(0.5)
    e2 = epoch(page)
    assert e2 > e1, "the counter must keep moving while playing"
    assert boundary_signature(page) != before, "the boundary must be redrawn while playing"
    page.screenshot(path=str(artifacts / "playing.png"))
    click(page, "pg_pause")
    page.locator(".st-key-pg_play button:visible").filter(has_text="Play").wait_for(timeout=20_000)
    wait_idle(page)
    time.sleep(0.5)
    paused = epoch(page)
    sig = boundary_signature(page)
    time.sleep(1.5)
    assert epoch(page) == paused, "Pause must stop training"
    assert boundary_signature(page) == sig
    assert page.locator("[data-testid=stException]").count() == 0


def test_every_pause_and_step_while_playing_stops_training(app_url, new_page):
    """A click during the fragment's ticks can reach the server twice (measured: Pause was
    undone about one time in four): repeated cycles must all stop."""
    page = open_app(new_page(), app_url, "layers=6&lr=0.01")
    for i, stop in enumerate(("pg_pause", "pg_step_p", "pg_pause", "pg_step_p")):
        click(page, "pg_play")
        page.locator(".st-key-pg_pause button:visible").wait_for(timeout=20_000)
        start = epoch(page)
        wait_epoch(page, lambda e: e >= start + 20)
        click(page, stop)
        page.locator(".st-key-pg_play button:visible").wait_for(timeout=20_000)
        wait_idle(page)
        time.sleep(0.4)
        stopped = epoch(page)
        time.sleep(1.0)
        assert epoch(page) == stopped, f"cycle {i}: {stop} did not stop training"
        assert page.locator(".st-key-pg_play button:visible").count() == 1


def test_step_adds_exactly_one_epoch(app_url, new_page):
    page = open_app(new_page(), app_url)
    assert step(page) == 1
    time.sleep(0.8)
    assert epoch(page) == 1
    assert step(page, 2) == 3


NET_HITS = ("() => { const c = (" + CANVASES + ")().find(c => c.className === 'pg-net');"
            " const r = c.getBoundingClientRect(); return c.parentElement._pg.hits.map(h =>"
            " ({sel: h.sel, box: h.box && [r.left + h.box[0], r.top + h.box[1], h.box[2], h.box[3]]})); }")


def test_step_reruns_only_the_live_view_and_an_open_inspector_follows(app_url, new_page):
    """Step is the click people repeat: it must not make the browser redraw the whole page
    (measured in Streamlit's websocket frames: a whole-page run sends one per element; with
    the live channel open a Step is answered on the channel and sends none), yet what the
    page shows of the weights must follow it."""
    page = new_page()
    frames: list[int] = []
    page.on("websocket", lambda ws: "/_stcore/stream" in ws.url and ws.on(
        "framereceived", lambda m: frames.append(len(m))))
    open_app(page, app_url)

    def frames_for(action) -> int:
        n = len(frames)
        action()
        wait_idle(page)
        time.sleep(0.5)
        return len(frames) - n

    step(page)  # the first run of the fragment on its own also sends the view's setup
    first = len(frames)
    steps = [frames_for(lambda: step(page)) for _ in range(3)]
    seed = page.evaluate("location.search")
    whole = frames_for(lambda: (click(page, "pg_reset"), wait_epoch(page, lambda e: e == 0),
                                page.wait_for_function(f"() => location.search !== {seed!r}")))
    assert max(steps) * 4 < whole, f"Step sent {steps} frames, a whole-page run {whole}"
    assert max(frames[first:]) < 10_000, "the live view's 25 KB of JavaScript must travel once"
    assert epoch(page) == 0

    # Open the inspector on the first hidden neuron's bias: Step must update the value shown.
    bias = next(h for h in page.evaluate(NET_HITS) if isinstance(h["sel"], dict)
                and h["sel"].get("bias") and h["sel"]["layer"] == 0 and h["sel"]["to"] == 0)
    x, y, w, h = bias["box"]
    page.mouse.click(x + w / 2, y + h / 2)
    shown = page.locator("[data-testid=stMarkdownContainer] p").filter(has_text="Bias of").first
    shown.wait_for(timeout=LOAD_TIMEOUT)
    wait_idle(page)
    before = shown.inner_text()
    assert "= 0.1" in before  # TFP's initial bias
    step(page, idle=True)
    expect(shown).not_to_have_text(before, timeout=20_000)


def test_share_link_reproduces_settings_and_run(app_url, new_page, artifacts):
    a = open_app(new_page(), app_url, "dataset=xor&layers=5,3&lr=0.1&seed=7")
    select_option(a, "w_optimizer", "Momentum")
    a.wait_for_function("() => location.search.includes('optimizer=momentum')")
    expect(a.locator("[data-pg-link]").first).to_contain_text("optimizer=momentum",
                                                                        timeout=20_000)
    wait_idle(a)
    link = a.locator("[data-pg-link]").first.inner_text().strip()
    assert "optimizer=momentum" in link and "layers=5,3" in link and "seed=7" in link
    step(a, 5)
    loss_a = losses(a)
    assert link.startswith(app_url + "/?")
    b = open_app(new_page(), app_url, link.split("?", 1)[1])
    # Polled (the page fills in its widgets while it renders): fails if they never show the link's values.
    expect(b.locator(f"{key('w_optimizer')} input")).to_have_value("Momentum", timeout=20_000)
    expect(b.locator(f"{key('w_lr')} input")).to_have_value("0.1", timeout=20_000)
    expect(b.locator(f"{key('w_width_0')} input")).to_have_value("5", timeout=20_000)
    wait_idle(b)
    step(b, 5)
    assert losses(b) == loss_a
    b.screenshot(path=str(artifacts / "share-link-opened.png"))


def test_the_share_box_copies_its_link_and_loads_no_code_highlighter(app_url, new_page):
    """The share link was an st.code, whose 1.5 MB syntax highlighter every page load fetched
    and ran (about a second of browser CPU). Its own small box shows the link and copies it."""
    page = new_page(fresh=True)  # an empty cache fetches every script the page needs
    scripts: list[str] = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    open_app(page, app_url, "lr=0.1&seed=4")
    box = page.locator("[data-pg-link]").first
    expect(box).to_contain_text("lr=0.1")
    link = box.inner_text().strip()
    assert link.startswith(app_url + "/?") and "seed=4" in link
    page.locator(".pg-link button").first.click()
    expect(page.locator(".pg-link button").first).to_have_text("Copied")
    assert page.evaluate("() => navigator.clipboard.readText()") == link
    assert scripts and not [u for u in scripts if "SyntaxHighlighter" in u], scripts


def test_model_download_and_upload_round_trip(app_url, new_page, artifacts):
    a = open_app(new_page(downloads=True), app_url, "layers=6,3&lr=0.1")
    step(a, 4)
    loss_a = losses(a)
    with a.expect_download() as info:
        click(a, "pg_dl_model")
    path = artifacts / "round-trip-model.json"
    info.value.save_as(str(path))
    b = open_app(new_page(), app_url)
    b.locator(".st-key-pg_up_model_0 input[type=file]").set_input_files(str(path))
    b.get_by_text("Loaded the model").wait_for(timeout=LOAD_TIMEOUT)
    wait_epoch(b, lambda e: e == 4)
    assert losses(b) == loss_a
    assert b.locator(f"{key('w_width_0')} input").input_value() == "6"
    b.screenshot(path=str(artifacts / "model-uploaded.png"))


def test_bad_model_file_is_refused_in_the_page(app_url, new_page, artifacts):
    page = open_app(new_page(), app_url, "lr=0.1")
    step(page)
    bad = artifacts / "bad-model.json"
    bad.write_text('{"format": "playground-model", "version": 1, "config": "", "layers": []}')
    page.locator(".st-key-pg_up_model_0 input[type=file]").set_input_files(str(bad))
    page.get_by_text("bad-model.json:").wait_for(timeout=LOAD_TIMEOUT)
    assert epoch(page) == 1
    assert "lr=0.1" in page.url


@pytest.mark.parametrize("query", ["dataset=spiral&classes=3&cost=cross_entropy&layers=8,8&activation=relu",
                                   "dataset=reg-gauss&layers=6&hide=lab,share"])
def test_other_problems_render(app_url, new_page, artifacts, query):
    page = open_app(new_page(), app_url, query)
    step(page, 2)
    assert page.locator("[data-testid=stException]").count() == 0
    page.screenshot(path=str(artifacts / f"problem-{query.split('&')[0].split('=')[1]}.png"))


def test_depth_lab_tab_and_back(app_url, new_page, artifacts):
    page = open_app(new_page(), app_url, "lab_depths=0,1,2&lab_epochs=20")
    page.get_by_role("tab", name="Depth Lab").click()
    page.wait_for_function("() => location.search.includes('tab=lab')", timeout=20_000)
    wait_idle(page)
    assert page.locator("[data-testid=stException]").count() == 0
    # Run a small sweep: the boundary grid and the charts appear.
    click(page, "lab_run")
    for key in ("lab_fig_grid", "lab_fig_metrics"):
        page.locator(f".st-key-{key} .main-svg").first.wait_for(timeout=60_000)
    wait_idle(page, timeout=60)
    assert page.locator(".st-key-lab_fig_grid .heatmaplayer, .st-key-lab_fig_grid .hm").count() >= 3  # one per depth
    assert page.locator("[data-testid=stPlotlyChart]").count() >= 3
    assert page.locator("[data-testid=stException]").count() == 0
    page.screenshot(path=str(artifacts / "depth-lab.png"), full_page=True)
    page.get_by_role("tab", name="Playground").click()
    wait_loaded(page)
    page.wait_for_function("() => !location.search.includes('tab=lab')", timeout=20_000)
    url = unquote(page.url)
    assert "tab=lab" not in url and "lab_depths=0,1,2" in url


def test_divergence_pauses_and_offers_a_lower_rate(app_url, new_page, artifacts):
    page = open_app(new_page(), app_url, "dataset=reg-plane&layers=8,8&activation=relu&lr=3")
    click(page, "pg_play")
    page.get_by_text("Training stopped at epoch").wait_for(timeout=LOAD_TIMEOUT)
    wait_idle(page)
    assert page.locator(".st-key-pg_play button:visible").first.inner_text().strip().endswith("Play")
    assert "too high" in page.locator("[data-testid=stAlert]").first.inner_text()
    page.screenshot(path=str(artifacts / "diverged.png"))
    stopped = epoch(page)
    click(page, "pg_lower_lr")
    page.wait_for_function("() => location.search.includes('lr=1')", timeout=20_000)
    # "continue" continues: the run plays on from the kept weights (it stayed paused before)
    page.locator(".st-key-pg_pause button:visible").wait_for(timeout=20_000)
    wait_epoch(page, lambda e: e > stopped + 5)
    assert page.locator("text=Training stopped at epoch").count() == 0
