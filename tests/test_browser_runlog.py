"""The run log in Chromium: Steps, a Reset (through the live channel), a Step, and the Run log
expander lists two runs, the first with the epochs it trained; opening the expander reruns the
page, so the run on the page shows its Step too; it stays open through the next Reset. Uses
the shared server (`app_url`) and the `new_page` fixture of conftest.py (failed, not skipped,
under CI=true without Chromium).
"""
from __future__ import annotations

from pagekit import LOAD_TIMEOUT, click, step, wait_idle, wait_loaded

LOG = ".st-key-pg_runlog"
BODY_ROWS = f"{LOG} [data-testid=stDataFrame] table[role=grid] tbody tr"


def log_label(page, text: str) -> None:
    """Wait until the expander's label says `text`."""
    page.locator(f"{LOG} summary").filter(has_text=text).first.wait_for(timeout=LOAD_TIMEOUT)


def table(page) -> list[dict]:
    """The run log's table as the grid's accessible table shows it (header → cell text)."""
    grid = page.locator(f"{LOG} [data-testid=stDataFrame] table[role=grid]").first
    grid.wait_for(state="attached", timeout=LOAD_TIMEOUT)
    heads = grid.locator("thead th").all_inner_texts()
    return [dict(zip(heads, row.locator("td").all_inner_texts()))
            for row in grid.locator("tbody tr").all()]


def test_the_run_log_shows_two_runs_after_a_reset(app_url, new_page, artifacts):
    page = new_page()
    page.goto(app_url)
    wait_loaded(page)
    log_label(page, "Run log (1 run)")
    assert step(page, 3, idle=True) == 3
    click(page, "pg_reset")
    log_label(page, "Run log (2 runs)")  # the Reset's answer made the page rerun
    wait_idle(page)
    assert step(page, 1, idle=True) == 1
    page.locator(f"{LOG} summary").first.click()
    page.locator(BODY_ROWS).nth(1).wait_for(state="attached", timeout=LOAD_TIMEOUT)
    wait_idle(page)
    rows = table(page)
    page.screenshot(path=str(artifacts / "runlog.png"), full_page=True)
    assert [r["run"] for r in rows] == ["2", "1"]            # the newest first
    assert [r["epochs"] for r in rows] == ["1", "3"]         # the first run's 3 Steps; the new run's Step
    assert rows[0]["note"] == "now on the page" and rows[1]["diverged"] == "no"
    # with the log open, another Reset: the new count is a new expander, which stays open
    click(page, "pg_reset")
    log_label(page, "Run log (3 runs)")
    page.locator(BODY_ROWS).nth(2).wait_for(state="attached", timeout=LOAD_TIMEOUT)
    assert [r["epochs"] for r in table(page)] == ["0", "1", "3"]
    assert not [e for e in page.errors if "favicon" not in e], page.errors
