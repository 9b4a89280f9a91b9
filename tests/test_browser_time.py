"""Going back in time and branching on the real page in Debian's Chromium: after some Steps
the time slider moves the live view back (status line, weights, the loss chart's mark) and
forth; with a lower learning rate, Continue from here branches the run at that epoch (the run
it left stays on the loss chart); the branch's link, opened in a fresh context, rebuilds it
at that epoch with the same weights. Screenshots go to tests/artifacts/time-*.png.
"""
from __future__ import annotations

import re

from pagekit import click, key, step, wait_idle, wait_loaded

INST = ("[...document.querySelectorAll('.st-key-pg_canvas *')].find(e => e.shadowRoot)"
        ".shadowRoot.querySelector('.pg-root')._pg")
SHOWN = f"() => {{ const s = ({INST}).spec; return [s.epoch, s.scrub ?? null, s.layers.map(L => L.W), !!(s.loss && s.loss.ghost)]; }}"
THUMB = '[class*="st-key-pg_scrub_"] input[type=range]'


def _shown(page):
    return page.evaluate(SHOWN)


def _wait_shown(page, epoch: int, scrub: bool) -> list:
    try:
        return _wait(page, epoch, scrub)
    except Exception:
        raise AssertionError(f"shown: {_shown(page)[:2]}, slider {page.locator(THUMB).first.get_attribute('aria-valuetext')}")


def _wait(page, epoch: int, scrub: bool) -> list:
    page.wait_for_function(f"() => {{ const s = ({INST}).spec; return s && s.epoch === {epoch} && "
                           f"(s.scrub === {epoch}) === {'true' if scrub else 'false'}; }}", timeout=20_000)
    return _shown(page)


def _slide_to(page, epoch: int) -> None:
    """Move the time slider with the keyboard, one key and one page run at a time."""
    for _ in range(40):
        thumb = page.locator(THUMB).first
        at = int(thumb.get_attribute("aria-valuetext"))
        if at == epoch:
            wait_idle(page)
            return
        thumb.focus()
        thumb.press("ArrowRight" if at < epoch else "ArrowLeft")
        page.wait_for_function(f"() => document.querySelector('{THUMB}')?.getAttribute('aria-valuetext') !== '{at}'",
                               timeout=10_000)
        wait_idle(page)
    raise AssertionError(f"the slider did not reach epoch {epoch}")


def test_scrub_back_and_forth_then_branch_and_share(app_url, new_page, artifacts):
    page = new_page(1440, 900)
    page.goto(f"{app_url}/?seed=3&lr=0.3")
    wait_loaded(page)
    assert step(page, 12, idle=True) == 12
    # the slider catches up when the pointer comes to it (not after every Step)
    page.locator(".st-key-pg_time").first.scroll_into_view_if_needed()
    page.locator(".st-key-pg_time").first.hover()
    page.wait_for_function(f"() => document.querySelector('{THUMB}')?.getAttribute('aria-valuetext') === '12'",
                           timeout=20_000)
    wait_idle(page)
    now = _shown(page)
    _slide_to(page, 4)
    back = _wait_shown(page, 4, scrub=True)
    assert back[2] != now[2]
    assert page.locator("[data-pg-status]").first.inner_text().startswith("Looking back · Epoch 000,004")
    _slide_to(page, 6)                                                                  # forth
    _wait_shown(page, 6, scrub=True)
    _slide_to(page, 3)                                                                  # back
    at3 = _wait_shown(page, 3, scrub=True)
    page.locator(key("pg_time")).first.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "time-scrubbed.png"))

    box = page.locator(f"{key('w_lr')} [role=combobox]:visible").first
    box.click()
    box.press_sequentially("0.03")   # the list filters as one types
    page.get_by_role("option", name="0.03", exact=True).click()
    wait_idle(page)
    page.wait_for_function("() => document.querySelector('[data-pg-link]').textContent.indexOf('lr=') < 0")
    click(page, "pg_branch")
    wait_idle(page)
    branched = _wait_shown(page, 3, scrub=False)
    assert branched[2] == at3[2] and branched[3]      # the weights of epoch 3; the original drawn faint
    link = page.locator("[data-pg-link]").first.inner_text()
    assert re.search(r"branch_at=3\b", link) and "branch_from=lr:0.3" in link and "&lr=" not in link, link  # 0.03: the default
    assert "branched at epoch 3" in page.locator(key("pg_time")).first.inner_text()
    page.screenshot(path=str(artifacts / "time-branched.png"))
    after = step(page, 2, idle=True)
    assert after == 5

    fresh = new_page(1440, 900, fresh=True)
    fresh.goto(link)
    wait_loaded(fresh)
    assert _shown(fresh)[:3] == [3, None, at3[2]]    # the link replays the run to epoch 3
    assert step(fresh, 2, idle=True) == 5
    assert _shown(fresh)[2] == _shown(page)[2]        # and goes on the same way
    assert not [e for e in page.errors + fresh.errors if "fonts.gstatic" not in e and "NAME_NOT_RESOLVED" not in e]
