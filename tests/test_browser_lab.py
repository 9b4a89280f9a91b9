"""The Depth Lab in Debian's Chromium: chart titles stay readable (no toolbar over them, none
over another or cut at the edge; phone and desktop, light and dark), and Stop or a closed tab ends a sweep's worker processes and an
A/B run within about a second, measured as CPU time of the server's processes.

This module starts its own server (so the CPU it measures is this module's alone).
Screenshots go to tests/artifacts/lab-*.png: look at them.
"""
from __future__ import annotations

import time

import psutil
import pytest

from conftest import start_app, stop_app
from pagekit import click, wait_idle
from prockit import cpu_seconds, settle

LOAD = 60_000
# Charts drawn after a sweep and an A/B run; their titles are plotly annotations or the title.
CHARTS = ("lab_fig_grid", "lab_fig_metrics", "lab_fig_grad", "lab_fig_residual",
          "lab_fig_ab_bound", "lab_fig_ab_loss")
OVERLAPS = """(key) => {
  const root = document.querySelector('.st-key-' + key);
  if (!root) return null;
  const box = e => e.getBoundingClientRect();
  const bars = [...root.querySelectorAll('.modebar-container .modebar, .modebar'),
                ...document.querySelectorAll('[data-testid=stElementToolbar]')]
      .filter(e => e.offsetParent !== null).map(box).filter(b => b.width > 0 && b.height > 0);
  const titles = [...root.querySelectorAll('.gtitle, .annotation-text, .xtitle, .ytitle, .legendtitletext')]
      .filter(e => e.textContent.trim()).map(e => [e.textContent.trim(), box(e)]);
  const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const all = box(root);
  return {bars: bars.length, titles: titles.length,
          covered: titles.filter(([t, b]) => bars.some(m => hit(m, b))).map(([t]) => t),
          crowded: titles.filter(([t, b], i) => titles.some(([u, c], j) => i !== j && hit(b, c)))
                         .map(([t]) => t),
          cut: titles.filter(([t, b]) => b.left < all.left - 1 || b.right > all.right + 1
                                         || b.top < all.top - 1).map(([t]) => t)};
}"""


@pytest.fixture(scope="module")
def lab_server(artifacts):
    proc, url = start_app()
    yield psutil.Process(proc.pid), url
    stop_app(proc)


cpu = cpu_seconds


def workers(server) -> float:
    """CPU seconds of the server's child processes (joblib's loky workers)."""
    return cpu(server.children(recursive=True))


def open_lab(page, url: str, query: str):
    page.goto(f"{url}/?tab=lab&{query}")
    page.locator(".st-key-lab_run button:visible").first.wait_for(timeout=LOAD)
    wait_idle(page, timeout=60)
    return page


def wait_cpu(measure, more: float, timeout: float = 60.0) -> float:
    """Until measure() has grown by `more` CPU seconds; returns the value then."""
    start, end = measure(), time.monotonic() + timeout
    while time.monotonic() < end:
        now = measure()
        if now - start >= more:
            return now
        time.sleep(0.05)
    raise AssertionError("the run never started using the CPU")


# a phone in the dark and a desktop in the light (the other two pairs drew the same: the
# titles depend on the width, the colours on the scheme)
@pytest.mark.parametrize("scheme,width,height", [("dark", 390, 844), ("light", 1440, 900)])
def test_chart_toolbars_leave_the_titles_readable(lab_server, new_page, artifacts, width,
                                                  height, scheme):
    _, url = lab_server
    page = open_lab(new_page(width, height, scheme), url,
                    "lab_depths=0,1,2&lab_epochs=20&points=200")
    page.locator(".st-key-lab_residual_cmp label").first.click()  # residual on vs off too
    wait_idle(page)
    click(page, "lab_run")
    page.locator(".st-key-lab_fig_residual .main-svg").first.wait_for(timeout=LOAD)
    wait_idle(page, timeout=60)
    page.locator(".st-key-lab_ab_epochs input").fill("20")
    page.locator(".st-key-lab_ab_epochs input").press("Enter")
    wait_idle(page)
    click(page, "lab_ab_run")
    page.locator(".st-key-lab_fig_ab_loss .main-svg").first.wait_for(timeout=LOAD)
    wait_idle(page, timeout=60)
    assert page.locator("[data-testid=stException]").count() == 0
    covered = {}
    for key in CHARTS:
        chart = page.locator(f".st-key-{key}").first
        chart.scroll_into_view_if_needed()
        chart.hover()  # plotly shows its toolbar on hover (on a phone: on touch)
        page.wait_for_timeout(300)
        found = page.evaluate(OVERLAPS, key)
        assert found and found["titles"], key
        for what in ("covered", "crowded", "cut"):  # by a toolbar, by each other, by the edge
            if found[what]:
                covered[f"{key} {what}"] = found[what]
        if key != "lab_fig_ab_loss":
            chart.screenshot(path=str(artifacts / f"lab-{key}-{width}-{scheme}.png"))
    page.screenshot(path=str(artifacts / f"lab-{width}x{height}-{scheme}.png"), full_page=True)
    assert not covered, covered


def test_stop_ends_the_sweeps_worker_processes_within_a_second(lab_server, new_page):
    server, url = lab_server
    # 4 runs of 10-25 s of a core each (depths 4 and 8 × 2 seeds, width 32, batch 1):
    # about 56 CPU-seconds, inside the default budget
    page = open_lab(new_page(fresh=True), url, "lab_depths=4,8&lab_width=32&lab_seeds=2&lab_epochs=1000"
                                     "&batch=1")
    click(page, "lab_run")
    wait_cpu(lambda: workers(server), 1.0)  # the workers are training
    at_stop = workers(server)
    click(page, "lab_stop")
    page.get_by_text("Stopped: showing the 0 of 4 runs that finished").wait_for(timeout=LOAD)
    spent = workers(server) - at_stop
    quiet = workers(server)
    time.sleep(1.0)
    assert workers(server) - quiet < 0.3  # nothing left running
    assert spent < 3.0, spent  # not the 10-25 s each run had left
    # the page is usable again: a small sweep runs to the end
    page.locator(".st-key-lab_epochs input").fill("5")
    page.locator(".st-key-lab_epochs input").press("Enter")
    wait_idle(page)
    click(page, "lab_run")
    page.get_by_text("4 runs in").wait_for(timeout=LOAD)


def test_closing_the_tab_ends_the_sweeps_worker_processes(lab_server, new_page):
    server, url = lab_server
    page = open_lab(new_page(fresh=True), url, "lab_depths=4,8&lab_width=32&lab_seeds=2&lab_epochs=1000"
                                     "&batch=1")
    click(page, "lab_run")
    wait_cpu(lambda: workers(server), 1.0)
    at_close = workers(server)
    page.context.close()
    spent = settle(lambda: workers(server)) - at_close
    assert spent < 3.0, spent


def start_ab(server, page, url: str, query: str, epochs: int, wait_for: str):
    """Open the Lab at `query`, run A/B for `epochs` epochs and return once `wait_for` is on
    the page and the run has trained for a CPU-second (in the server's script thread)."""
    open_lab(page, url, query)
    page.locator(".st-key-lab_ab_epochs input").fill(str(epochs))
    page.locator(".st-key-lab_ab_epochs input").press("Enter")
    wait_idle(page)
    click(page, "lab_ab_run")
    page.get_by_text(wait_for).first.wait_for(timeout=LOAD)
    wait_cpu(lambda: cpu([server]), 1.0)


def start_big_ab(server, page, url: str):
    """A and B with 4 layers of 32 on 1,000 points, batch 1 (~38 CPU-seconds for 1,000
    epochs, inside the default budget), once it has drawn a snapshot."""
    start_ab(server, page, url, "layers=32,32,32,32&points=1000&batch=1", 1000,
             "Training A and B... epoch")


def test_ab_run_has_a_stop_that_ends_it(lab_server, new_page):
    server, url = lab_server
    page = new_page()
    start_big_ab(server, page, url)
    click(page, "lab_ab_stop")
    page.get_by_text("A/B run stopped at epoch").wait_for(timeout=LOAD)
    text = page.get_by_text("A/B run stopped at epoch").inner_text()
    assert "of 1,000" in text and "epoch 1,000 of" not in text
    # The server goes quiet: a run still training would burn about a CPU-second a second and
    # never settle; drawing the stopped run's page costs a few tenths (0.38 s seen in CI).
    at_stop = cpu([server])
    spent = settle(lambda: cpu([server])) - at_stop
    assert spent < 1.5, spent
    page.locator(".st-key-lab_fig_ab_loss .main-svg").first.wait_for(timeout=LOAD)  # kept


@pytest.fixture(scope="module")
def unlimited_server(artifacts):
    """A server for local use: no CPU budget (PLAYGROUND_CPU_BUDGET=none)."""
    proc, url = start_app(env={"PLAYGROUND_CPU_BUDGET": "none"})
    yield psutil.Process(proc.pid), url
    stop_app(proc)


def test_closing_the_tab_ends_even_the_largest_ab_run(unlimited_server, new_page):
    """The largest networks (8 layers of 32, 2,000 points, batch 1) for 5,000 epochs: ~20
    CPU-minutes, allowed without a budget; each of its 50 drawing chunks is 100 epochs, ~15
    CPU-seconds. A closed tab ends it within the epoch, not at the end of the chunk."""
    server, url = unlimited_server
    page = new_page(fresh=True)  # (closed below)
    start_ab(server, page, url, "layers=32,32,32,32,32,32,32,32&points=2000&batch=1", 5000,
             "Training A and B")
    assert not page.locator(".st-key-lab_ab_run button:visible").first.is_disabled()
    at_close = cpu([server])
    page.context.close()
    spent = settle(lambda: cpu([server])) - at_close
    assert spent < 3.0, spent
