"""Reading and driving the real page in Playwright: the status line, the epoch counter, clicks.
Shared by the browser tests."""
from __future__ import annotations

import re
import time

EPOCH = re.compile(r"Epoch (\d[\d,]*)")
LOSS = re.compile(r"train loss ([\d.]+)\s+·\s+test loss ([\d.]+)")
LOAD_TIMEOUT = 40_000
STATUS = "[data-pg-status]"  # the status line the live view writes of the state it paints
IDLE = ("() => !document.querySelector('[data-testid=stStatusWidget] [data-testid=stStatusWidgetRunningIcon],"
        " [data-testid=stStatusWidgetRunningManIcon]')")


WHOLE_PAGE = ".st-key-pg_wake"  # drawn (hidden) once the whole page is (ui/page.py)


def wait_loaded(page, timeout: float = LOAD_TIMEOUT / 1000) -> None:
    """Until the view shows its status line, the whole page is drawn (a session's first run
    sends the live view alone, ui/page._rest_of_page) and Streamlit is idle."""
    page.locator(STATUS).filter(has_text=EPOCH).first.wait_for(timeout=timeout * 1000)
    page.locator(WHOLE_PAGE).first.wait_for(state="attached", timeout=timeout * 1000)
    wait_idle(page)
    # elements whose code is still loading show as skeletons (Streamlit loads it lazily)
    page.wait_for_function("() => !document.querySelector('[data-testid=stSkeleton]')",
                           timeout=timeout * 1000)


def key(name: str) -> str:
    """A CSS selector for the widget with key `name`: the page gives a widget a new key
    (`name__N`) each time it changes its value from outside (ui/session.widget_key)."""
    return f':is(.st-key-{name}, [class*="st-key-{name}__"])'


def wait_idle(page, timeout: float = 20.0) -> None:
    """Until Streamlit reports no script running."""
    page.wait_for_function(IDLE, timeout=timeout * 1000)


def status_text(page) -> str:
    return page.locator(STATUS).filter(has_text=EPOCH).first.inner_text()


def epoch(page) -> int:
    return int(EPOCH.search(status_text(page)).group(1).replace(",", ""))


def losses(page) -> tuple[str, str]:
    """(train loss, test loss) as the page prints them."""
    return LOSS.search(status_text(page)).groups()


def wait_epoch(page, predicate, timeout: float = 20.0) -> int:
    end = time.time() + timeout
    while time.time() < end:
        try:
            e = epoch(page)
            if predicate(e):
                return e
        except (AttributeError, ValueError):
            pass
        time.sleep(0.05)
    raise AssertionError(f"epoch counter stuck at {status_text(page)!r}")


def click(page, name: str) -> None:
    page.locator(f"{key(name)} button:visible").first.click()


def step(page, times: int = 1, idle: bool = False) -> int:
    """Press Step `times` times, each time until the counter moves (and the page is idle)."""
    for _ in range(times):
        before = epoch(page)
        click(page, "pg_step")
        wait_epoch(page, lambda e: e != before)
        if idle:
            wait_idle(page)
    return epoch(page)


def select_option(page, name: str, option: str) -> None:
    page.locator(f"{key(name)} [role=combobox]:visible").first.click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)
