"""A learner's walk through lesson 1 on the real page (app.py served by conftest's server), in
Debian's Chromium: answer the prediction, press Next (the step's own link rebuilds the run), press
Play, and the goal's tick and "Goal reached" appear by themselves while the run plays (the live
channel's worker checks the goal and asks the page to rerun); then "Next lesson" opens lesson 2.

Screenshots of the lesson panel (desktop light and dark, phone light) and of the Lessons tab go
to tests/artifacts/lessons-*.png (look at them: a page can pass and look broken).
"""
from __future__ import annotations

import time

from pagekit import LOAD_TIMEOUT, click, epoch, key, wait_idle, wait_loaded
from playground.io.lessons import library

PANEL = ".st-key-pg_lesson"
GOAL_TIMEOUT = 60_000
# Scroll `e`'s top to 72 px below the window's top: Streamlit scrolls its main block, not the window.
SCROLL_TO = """(e) => { e.scrollIntoView({block: 'start'});
  for (let p = e.parentElement; p; p = p.parentElement)
    if (p.scrollHeight > p.clientHeight && /auto|scroll/.test(getComputedStyle(p).overflowY)) {
      p.scrollTop -= 72; break; } }"""
# The app's background is dark (Streamlit has followed the emulated system scheme).
DARK = """() => { const [r, g, b] = getComputedStyle(document.querySelector('.stApp'))
  .backgroundColor.match(/\\d+/g).map(Number); return r + g + b < 200; }"""
NOISE = ("fonts.gstatic.com", "ERR_NAME_NOT_RESOLVED")   # no internet here: web fonts fail to load


def _errors(page) -> list[str]:
    return [e for e in page.errors if not any(n in e for n in NOISE)]


def _open(page, url: str, query: str):
    page.goto(f"{url}/?{query}")
    wait_loaded(page)
    page.locator(PANEL).first.wait_for(timeout=LOAD_TIMEOUT)
    return page


def _shot(page, artifacts, name: str, selector: str | None = None) -> None:
    """A screenshot of the window, `selector`'s element scrolled to its top (just below
    Streamlit's header, which would cover the lesson's title)."""
    if selector:
        page.locator(selector).first.evaluate(SCROLL_TO)
    page.mouse.move(1, 1)
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / name))


def _play_to_goal(page, lesson, guess: str, answered=None) -> float:
    """Answer `guess` (then call `answered()`), press Next (step 2's link: a hidden layer),
    press Play; the seconds until "Goal reached" showed, with no other click."""
    panel = page.locator(PANEL).first
    page.locator(key(f"pg_lesson_q_{lesson.name}")).get_by_text(guess, exact=True).click()
    panel.get_by_text("Now press").first.wait_for(timeout=20_000)
    wait_idle(page)
    if answered:
        answered()
    click(page, "pg_lesson_next")
    panel.get_by_text(f"Step 2 of {len(lesson.steps)}.").first.wait_for(timeout=20_000)
    wait_idle(page)
    click(page, "pg_play")
    t0 = time.time()
    panel.get_by_text("Goal reached at epoch").first.wait_for(timeout=GOAL_TIMEOUT)
    took = time.time() - t0
    wait_idle(page)
    return took


def test_lesson_goal_is_met_live_while_playing(app_url, new_page, artifacts):
    """Lesson 1: guess, Next (a hidden layer), Play: "Goal reached" and the explanation appear
    with no further click (the channel asks for the rerun), then "Next lesson" opens lesson 2."""
    lessons = library()
    lesson = lessons["layers"]
    page = _open(new_page(1440, 900), app_url, "lesson=layers")
    panel = page.locator(PANEL).first
    panel.get_by_text("Lesson 1 · ").first.wait_for(timeout=LOAD_TIMEOUT)
    assert f"Lesson 1 · {lesson.title}" in panel.inner_text()
    assert f"Step 1 of {len(lesson.steps)}." in panel.inner_text()

    # --- the prediction: a wrong guess, so the page must show the right answer
    wrong = next(c for i, c in enumerate(lesson.choices) if i != lesson.answer)
    page.locator(key("pg_lesson_q_layers")).get_by_text(wrong, exact=True).click()
    panel.get_by_text("Now press").first.wait_for(timeout=20_000)
    wait_idle(page)
    # the guess stays on screen (it once vanished: the radio was redrawn disabled, empty) and
    # cannot be changed: the radio gives way to "Your guess"
    guess = panel.get_by_text(f"Your guess: {wrong}")
    guess.first.wait_for(timeout=20_000)
    page.wait_for_timeout(800)  # a later run must not take it away
    assert guess.count() == 1 and page.locator(key("pg_lesson_q_layers")).count() == 0

    # --- Next: step 2's link (a hidden layer: dataset=xor&layers=4) rebuilds the run at epoch 0
    layers = dict(kv.split("=") for kv in lesson.steps[1].link.split("&"))["layers"]
    assert layers, "step 2 of lesson 1 adds a hidden layer"
    click(page, "pg_lesson_next")
    panel.get_by_text(f"Step 2 of {len(lesson.steps)}.").first.wait_for(timeout=20_000)
    wait_idle(page)
    page.wait_for_function("(l) => new URLSearchParams(location.search).get('layers') === l",
                           arg=layers, timeout=20_000)
    assert epoch(page) == 0
    assert "Goal reached" not in panel.inner_text()
    goal = panel.locator("[data-testid=stMarkdownContainer]").filter(has_text="Goal:").first
    assert goal.locator("span[role=img]").first.get_attribute("aria-label") == "radio_button_unchecked icon"

    # --- Play, then touch nothing: the goal is checked live and the page reruns by itself
    click(page, "pg_play")
    t0 = time.time()
    panel.get_by_text("Goal reached at epoch").first.wait_for(timeout=GOAL_TIMEOUT)
    took = time.time() - t0
    text = panel.inner_text()
    print(f"goal reached {took:.1f} s after Play:", next(l for l in text.splitlines() if "Goal reached" in l))
    assert f"The answer: {lesson.choices[lesson.answer]}." in text   # the explanation, after playing
    assert lesson.explain.split(".")[0] in text
    assert goal.locator("span[role=img]").first.get_attribute("aria-label") == "check_circle icon"
    wait_idle(page)
    assert panel.get_by_text(f"Your guess: {wrong}").count() == 1, "the guess stays on screen"
    _shot(page, artifacts, "lessons-panel-1440x900-light.png", PANEL)

    # --- the next lesson, from its own starting link
    nxt = lessons.get(lesson.next)
    assert nxt is not None, f"lesson {lesson.next!r} (number 2) is not in playground/lessons/"
    button = page.locator(f"{key('pg_lesson_go_next')} button").first
    assert button.inner_text().strip().endswith(f"Next lesson: {nxt.title}")
    button.click()
    page.locator(PANEL).get_by_text(f"Lesson {nxt.number} · ").first.wait_for(timeout=20_000)
    wait_idle(page)
    text = page.locator(PANEL).first.inner_text()
    assert f"Lesson 2 · {nxt.title}" in text and "Step 1 of" in text
    assert "Goal reached" not in text
    _shot(page, artifacts, "lessons-panel-next-1440x900-light.png", PANEL)
    assert _errors(page) == []


def test_lesson_screenshots(app_url, new_page, artifacts):
    """The lesson panel as it opens at 1440×900 light and dark, once its goal is met at 1440×900
    dark and 390×844 light, and lesson 2 on the phone; the Lessons tab at 1440×900
    (screenshots only: look at them). One page: the colour scheme and the window change under it
    (Streamlit follows the system's scheme as it changes), which saves two page loads."""
    lessons = library()
    lesson = lessons["layers"]
    page = _open(new_page(1440, 900), app_url, "lesson=layers")
    page.locator(PANEL).get_by_text("Lesson 1 · ").first.wait_for(timeout=LOAD_TIMEOUT)
    _shot(page, artifacts, "lessons-panel-start-1440x900-light.png", PANEL)
    page.emulate_media(color_scheme="dark")
    page.wait_for_function(DARK, timeout=10_000)
    _shot(page, artifacts, "lessons-panel-start-1440x900-dark.png", PANEL)
    _play_to_goal(page, lesson, lesson.choices[lesson.answer],      # the right guess this time
                  lambda: _shot(page, artifacts, "lessons-panel-answered-1440x900-dark.png", PANEL))
    _shot(page, artifacts, "lessons-panel-1440x900-dark.png", PANEL)
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, artifacts, "lessons-panel-390x844-light.png", PANEL)
    _shot(page, artifacts, "lessons-panel-goal-390x844-light.png",
          f"{PANEL} [data-testid=stMarkdownContainer]:has-text('Goal:')")
    page.locator(f"{key('pg_lesson_go_next')} button:visible").first.click()
    page.locator(PANEL).get_by_text(f"Lesson {lessons[lesson.next].number} · ").first.wait_for(
        timeout=20_000)
    wait_idle(page)
    _shot(page, artifacts, "lessons-panel-next-390x844-light.png", PANEL)
    assert _errors(page) == []

    page = new_page(1440, 900)
    page.goto(f"{app_url}/?tab=lessons")
    page.locator(".st-key-pg_lesson_card_layers").first.wait_for(timeout=LOAD_TIMEOUT)
    wait_idle(page)
    page.wait_for_function("() => !document.querySelector('[data-testid=stSkeleton]')",
                           timeout=LOAD_TIMEOUT)
    _shot(page, artifacts, "lessons-tab-1440x900-light.png")
    assert _errors(page) == []
