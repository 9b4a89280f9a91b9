"""What a first-time visitor does in the real page (Debian's Chromium): the settings survive a
trip to the Depth Lab and a closed popover, values the run refuses never stay on screen.

Screenshots go to tests/artifacts/ (look at them)."""
from __future__ import annotations

import time
from urllib.parse import parse_qs

from playwright.sync_api import expect

from pagekit import LOAD_TIMEOUT, key, select_option, wait_idle, wait_loaded


def open_app(page, url: str, query: str = ""):
    page.goto(f"{url}/{'?' + query if query else ''}")
    wait_loaded(page)
    wait_idle(page)
    return page


def query(page) -> dict[str, str]:
    """The address bar's query (`page.url` can lag behind the page's history.pushState)."""
    search = page.evaluate("location.search").lstrip("?")
    return {k: v[0] for k, v in parse_qs(search, keep_blank_values=True).items()}


def wait_query(page, want: dict[str, str], timeout: float = 20.0) -> dict[str, str]:
    end = time.time() + timeout
    while time.time() < end and query(page) != want:
        time.sleep(0.1)
    return query(page)


def test_a_depth_lab_sweep_keeps_the_playground_settings(app_url, new_page, artifacts):
    """Widgets that were not drawn while the Lab tab was open came back at their minimum
    values, and the next click wrote them into the run (points=50&train=10&layers=&batch=1)."""
    page = open_app(new_page(1440, 900), app_url, "dataset=xor&layers=6,3&lr=0.1&lab_depths=0,1&lab_epochs=20")
    page.get_by_role("tab", name="Depth Lab").click()
    wait_idle(page)
    page.locator(".st-key-lab_run button:visible").first.click()
    page.locator(".st-key-lab_fig_grid .main-svg").first.wait_for(timeout=60_000)
    page.get_by_role("tab", name="Playground").click()
    wait_idle(page)
    select_option(page, "w_lr", "0.3")
    got = wait_query(page, {"dataset": "xor", "layers": "6,3", "lr": "0.3", "lab_depths": "0,1",
                            "lab_epochs": "20"})
    page.screenshot(path=str(artifacts / "visitor-after-lab.png"))
    assert got == {"dataset": "xor", "layers": "6,3", "lr": "0.3", "lab_depths": "0,1",
                   "lab_epochs": "20"}
    expect(page.locator(f"{key('pg_speed')} input")).to_have_value("fast (400/s)")
    assert page.locator("[data-testid=stToast]").filter(has_text="at least one input").count() == 0


def test_one_activation_for_all_layers_is_not_undone(app_url, new_page):
    """Layer 2 = ReLU in the popover, close it, Activation = Sigmoid, then toggle Residual:
    the closed popover's widgets sent back tanh, ReLU, tanh."""
    page = open_app(new_page(1440, 900), app_url, "layers=4,4,4")
    page.get_by_role("button", name="Activations").click()
    select_option(page, "w_act_1", "ReLU")
    wait_query(page, {"layers": "4,4,4", "activation": "tanh,relu,tanh"})
    page.keyboard.press("Escape")
    select_option(page, "w_activation", "Sigmoid")
    assert wait_query(page, {"layers": "4,4,4", "activation": "sigmoid"}) == \
        {"layers": "4,4,4", "activation": "sigmoid"}
    page.locator(f"{key('w_residual')} label").first.click()
    want = {"layers": "4,4,4", "activation": "sigmoid", "residual": "1"}
    assert wait_query(page, want) == want


def test_a_refused_value_does_not_stay_on_screen(app_url, new_page):
    """Typing 40 neurons (the most is 32) or batch 0 left the typed text on screen while the
    run used 32 / 1; and the batch widget showed 500 with only 250 training points."""
    page = open_app(new_page(1440, 900), app_url, "batch=500")
    batch = page.locator(f"{key('w_batch')} input").first
    expect(batch).to_have_value("250")  # 50 % of 500 points train
    batch.fill("0")
    batch.press("Enter")
    wait_idle(page)
    expect(page.locator(f"{key('w_batch')} input").first).to_have_value("1", timeout=10_000)
    width = page.locator(f"{key('w_width_0')} input").first
    width.fill("40")
    width.press("Enter")
    wait_idle(page)
    expect(page.locator(f"{key('w_width_0')} input").first).to_have_value("32", timeout=10_000)
    assert query(page).get("layers") == "32,2"


def test_every_layer_box_keeps_its_buttons_at_1440(app_url, new_page, artifacts):
    """With 8 hidden layers at 1440×900 each layer's box was ~94 px wide, and Streamlit drops
    a number box's - and + below 120 px: all nine boxes of the network row keep them, and
    adding a layer moves none of them."""
    page = open_app(new_page(1440, 900), app_url, "layers=8,8,8,8,8,8,8")
    boxes = page.locator(".st-key-pg_editor [data-testid=stNumberInput]")
    before = [boxes.nth(i).bounding_box() for i in range(boxes.count())]
    assert len(before) == 8  # the count and 7 layers
    page.locator(f"{key('w_depth')} [data-testid=stNumberInputStepUp]").first.click()
    page.locator(".st-key-pg_editor [data-testid=stNumberInput]").nth(8).wait_for(timeout=LOAD_TIMEOUT)
    wait_idle(page)
    page.screenshot(path=str(artifacts / "visitor-layers-1440.png"))
    boxes = page.locator(".st-key-pg_editor [data-testid=stNumberInput]")
    assert boxes.count() == 9
    for i in range(9):
        box = boxes.nth(i)
        assert box.locator("[data-testid=stNumberInputStepUp]").count() == 1, f"box {i} lost its +"
        assert box.locator("[data-testid=stNumberInputStepDown]").count() == 1, f"box {i} lost its -"
    after = [boxes.nth(i).bounding_box() for i in range(8)]
    assert all(abs(a["x"] - b["x"]) < 1 and abs(a["y"] - b["y"]) < 1 for a, b in zip(after, before))


def test_on_a_phone_the_live_view_comes_first(app_url, new_page, artifacts):
    """At 390×844 Play was ~4,800 px down the page, below every setting and dataset: the
    boundary, Play/Step/Reset and the diagram must be within the first two screens."""
    for scheme in ("light", "dark"):
        page = open_app(new_page(390, 844, scheme), app_url)
        time.sleep(1.0)
        page.screenshot(path=str(artifacts / f"visitor-phone-{scheme}.png"))
        play = page.locator(f"{key('pg_play')} button:visible").first.bounding_box()
        view = page.locator(".st-key-pg_canvas").first.bounding_box()
        settings = page.locator(".st-key-pg_top").first.bounding_box()
        assert play and play["y"] + play["height"] < 844, play
        assert view and view["height"] > 300 and view["y"] + view["height"] < 2 * 844, view
        buttons = [page.locator(f"{key(k)} button:visible").first.bounding_box()
                   for k in ("pg_play", "pg_step", "pg_reset")]
        assert len({round(b["y"]) for b in buttons}) == 1, "Play, Step and Reset on one row"
        assert settings["y"] > view["y"], "the settings come after the live view"
        tiles = [page.locator(f"{key(k)} button:visible").first.bounding_box() for k in ("pg_ds_circle", "pg_ds_xor", "pg_ds_gauss")]
        assert len({round(b["y"]) for b in tiles}) == 1, "three datasets a row (they were one a row)"
        takeaway = page.locator(".st-key-pg_takeaway").first.bounding_box()  # was drawn first
        assert takeaway and takeaway["y"] > settings["y"], "Take it with you comes last"


def test_the_inspector_opens_in_view_and_an_empty_click_closes_it(app_url, browser, artifacts):
    """At 1440×900 the inspector started at y≈840, below the fold, and clicking empty space in
    the diagram did not close it."""
    from test_browser_canvas import _click, _context, _open, _view

    page = _open(_context(browser, 1440, 900, "light"), app_url)
    neuron = next(h for h in _view(page)["hits"]
                  if h["box"] and isinstance(h["sel"], dict) and h["sel"].get("neuron") == 0
                  and h["sel"].get("layer") == 0)
    _click(page, neuron["box"])
    panel = page.locator(".st-key-pg_inspector")
    panel.wait_for(timeout=LOAD_TIMEOUT)
    wait_idle(page)
    box, view = panel.bounding_box(), _view(page)
    page.screenshot(path=str(artifacts / "visitor-inspector.png"))
    assert box["y"] >= 0 and box["y"] + box["height"] <= 900, box  # in the window
    heat = view["heat"]
    assert box["y"] + box["height"] <= heat["y"] or box["x"] >= heat["x"] + heat["w"], \
        "the inspector must leave the boundary in view"
    net = view["net"]
    page.mouse.click(net["x"] + net["w"] * 0.5, net["y"] + 8)  # empty space above the neurons
    expect(page.locator(".st-key-pg_inspector")).to_have_count(0, timeout=20_000)


# Recorded from the first byte of the page: when the view first painted a boundary, and when
# the first widget of the rest of the page (the learning-rate menu) entered the document.
FIRST_LOAD_PROBE = """(() => {
  const seen = {}; window.__pgFirst = seen;
  const look = () => {
    const now = performance.now();
    if (seen.paint === undefined && globalThis.PlaygroundCanvas && PlaygroundCanvas.stats.paints > 0) seen.paint = now;
    if (seen.widget === undefined && document.querySelector('[class*="st-key-w_lr"]')) seen.widget = now;
    if (seen.paint === undefined || seen.widget === undefined) requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})();"""


def test_the_first_boundary_does_not_wait_for_the_rest_of_the_page(app_url, new_page):
    """Streamlit's frontend reveals every lazily loaded element of one render together: with
    the whole page in the first run, the boundary appeared only after the ~50 widgets around
    it had loaded their code (2–3 s after the first paint). The first run now sends the live
    view alone, so it paints before the first of the other widgets exists, and the rest
    follows by itself."""
    page = new_page(1440, 900)
    page.add_init_script(FIRST_LOAD_PROBE)
    open_app(page, app_url)
    page.wait_for_function("() => window.__pgFirst.paint !== undefined && window.__pgFirst.widget !== undefined",
                           timeout=LOAD_TIMEOUT)
    seen = page.evaluate("window.__pgFirst")
    assert seen["paint"] < seen["widget"], seen
    expect(page.locator(f"{key('w_lr')}").first).to_be_visible()
    expect(page.locator("[data-pg-link]").first).to_contain_text(app_url)  # the share link
