"""Points a learner places by hand, on the real page in Debian's Chromium: with Add points on,
three clicks on the boundary while the run plays put three points there (drawn, in the
training set, the link carries them, the run goes on from its weights); a right-click erases
the nearest; the shared link, opened in a fresh context, shows the same points. Screenshots
go to tests/artifacts/points-*.png.
"""
from __future__ import annotations

import re

from pagekit import click, epoch, key, wait_epoch, wait_idle, wait_loaded

INST = ("[...document.querySelectorAll('.st-key-pg_canvas *')].find(e => e.shadowRoot)"
        ".shadowRoot.querySelector('.pg-root')._pg")
POINTS = f"() => {{ const p = ({INST}).points; return p ? [p.train.x, p.train.y, p.train.label] : null; }}"
HEAT = f"() => {{ const r = ({INST}).heat.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; }}"
CLICKS = [(-5.0, 5.0), (-4.5, 4.5), (-5.0, 4.0)]     # blue points in a corner (circle: orange there)


def _at(page, x: float, y: float) -> tuple[float, float]:
    """Where data point (x, y) is on the page (the boundary spans ±6 on both axes)."""
    left, top, w, h = page.evaluate(HEAT)
    return left + (x + 6) / 12 * w, top + (6 - y) / 12 * h


def _steady(page) -> None:
    """Until the boundary stays put (a click on a control below it scrolled the page, and the
    page may still be scrolling back)."""
    last = None
    for _ in range(50):
        now = page.evaluate(HEAT)
        if now == last:
            return
        last = now
        page.wait_for_timeout(120)


def _points(page):
    return page.evaluate(POINTS)


def _wait_points(page, n: int, timeout: float = 20_000) -> None:
    page.wait_for_function(f"() => {{ const p = ({INST}).points; return p && p.train.x.length === {n}; }}",
                           timeout=timeout)


def _link(page) -> str:
    return page.locator("[data-pg-link]").first.inner_text()


def test_click_points_in_while_playing_then_erase_and_share(app_url, new_page, artifacts):
    page = new_page(1440, 900)
    page.goto(f"{app_url}/?seed=5")
    wait_loaded(page)
    n0 = len(_points(page)[0])
    page.locator(key("pg_tool")).get_by_text("Add points", exact=True).click()
    wait_idle(page)
    page.locator(key("pg_tool_class")).get_by_text("Blue", exact=True).click()
    wait_idle(page)
    click(page, "pg_play")
    wait_epoch(page, lambda e: e > 5)
    wait_idle(page)
    _steady(page)
    for x, y in CLICKS:  # quick clicks: none is lost while the page runs
        page.mouse.click(*_at(page, x, y))
        page.wait_for_timeout(40)
    _wait_points(page, n0 + 3)
    wait_idle(page)
    X, Y, L = _points(page)
    added = list(zip(X[-3:], Y[-3:], L[-3:]))
    # where clicked (to the pixel: 12/400 of a unit) and blue
    assert all(abs(a - x) < 0.05 and abs(b - y) < 0.05 and c == 1 for (a, b, c), (x, y) in zip(added, CLICKS)), added
    page.wait_for_function(f"() => document.querySelector('[data-pg-link]').textContent.includes('edits=')")
    playing_at = epoch(page)
    wait_epoch(page, lambda e: e > playing_at + 20)  # still playing: the run went on
    assert "added 3 points" in page.locator(key("pg_points")).inner_text()
    page.mouse.move(1, 1)
    page.screenshot(path=str(artifacts / "points-added.png"))
    click(page, "pg_pause")
    wait_idle(page)

    # a right-click removes the nearest point (the last one clicked)
    _steady(page)
    page.mouse.click(*_at(page, -5.0, 4.05), button="right")
    _wait_points(page, n0 + 2)
    wait_idle(page)
    link = _link(page)
    assert re.search(r"[?&]edits=[A-Za-z0-9_-]+", link), link
    shown = _points(page)

    fresh = new_page(1440, 900, fresh=True)
    fresh.goto(link)
    wait_loaded(fresh)
    assert _points(fresh) == shown  # the same points, every coordinate
    assert epoch(fresh) == 0
    fresh.screenshot(path=str(artifacts / "points-shared.png"))
    assert not [e for e in page.errors + fresh.errors if "fonts.gstatic" not in e and "NAME_NOT_RESOLVED" not in e]
