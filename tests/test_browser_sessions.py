"""Sessions in a real browser: closing a tab stops its training, a session the server forgot is
rebuilt from the URL, and two visitors never see each other's settings (docs/architecture.md,
safety facts).

These tests run their own Streamlit server (they read its CPU time and restart it), and use the
`browser` / `new_page` fixtures of conftest.py: skipped without /usr/bin/chromium, failed under
CI=true. Screenshots go to tests/artifacts/.
"""
from __future__ import annotations

import re
import time
from urllib.parse import parse_qsl, urlsplit

import psutil
import pytest

from conftest import start_app, stop_app
from pagekit import (LOAD_TIMEOUT, click, epoch, key, losses, select_option, step,
                     wait_epoch, wait_idle, wait_loaded)
from playground.core.config import parse_query, to_params
from playground.core.train import Trainer

NOT_LOOPBACK = re.compile(r"^(https?|wss?)://(?!127\.0\.0\.1[:/])")
STOPPED_CPU = 0.06  # cores: the server counts as idle below this (CPU time ticks are 10 ms)
TRAINING_CPU = 0.12  # ... and as training above this (Speed "max" keeps it busy)


class Server:
    """A Streamlit server of our own: its process is measured, and it can be restarted on the
    same port (every session it held is then gone, as after `disconnectedSessionTTL`)."""

    def __init__(self):
        self.proc, self.url = start_app()
        self.port = int(self.url.rsplit(":", 1)[1])

    def cpu(self) -> float:
        c = psutil.Process(self.proc.pid).cpu_times()
        return c.user + c.system

    def restart(self) -> None:
        stop_app(self.proc)
        self.proc, self.url = start_app(port=self.port)

    def stop(self) -> None:
        stop_app(self.proc)


@pytest.fixture(scope="module")
def server(browser, artifacts):
    s = Server()
    yield s
    s.stop()


# ---------------------------------------------------------------- page helpers
def open_app(page, url: str, query: str = ""):
    """Load the page and wait until its whole script has run (the share link is drawn last).
    Requests off the loopback are refused."""
    page.route(NOT_LOOPBACK, lambda route: route.abort())
    page.goto(f"{url}/{'?' + query if query else ''}")
    wait_loaded(page)
    page.locator("[data-pg-link]").first.wait_for(timeout=LOAD_TIMEOUT)
    wait_idle(page)
    return page


def shown_settings(page) -> dict:
    """What the page shows of its settings: URL query, share link query, some widgets."""
    value = lambda name: page.locator(f"{key(name)} input").first.input_value()  # noqa: E731
    link = page.locator("[data-pg-link]").first.inner_text().strip()
    return {"url": dict(parse_qsl(urlsplit(page.url).query)),
            "link": dict(parse_qsl(urlsplit(link).query)),
            "lr": value("w_lr"), "seed": value("w_seed"), "noise": value("w_noise"),
            "layer1": value("w_width_0"), "optimizer": value("w_optimizer"),
            "dataset": page.locator("[class*=st-key-pg_ds_]:has([data-testid=stBaseButton-primary])")
                           .first.get_attribute("class")}


def expected_settings(query: str) -> dict:
    cfg = parse_query(query)[0]
    params = to_params(cfg)
    return {"url": params, "link": params, "lr": f"{cfg.lr:g}", "seed": str(cfg.seed),
            "noise": str(cfg.noise), "layer1": str(cfg.layers[0]),
            "optimizer": {"sgd": "SGD", "adam": "Adam", "momentum": "Momentum"}[cfg.optimizer],
            "dataset": f"st-key-pg_ds_{cfg.dataset}"}


def assert_settings(page, query: str) -> None:
    got, want = shown_settings(page), expected_settings(query)
    got["dataset"] = next((c for c in (got["dataset"] or "").split() if c.startswith("st-key-pg_ds_")), None)
    assert got == want


def own_loss(query: str, epochs: int) -> str:
    """The train loss the link gives after `epochs` epochs, printed as the page prints it."""
    t = Trainer(parse_query(query)[0])
    t.train(epochs)
    return f"{t.history.train_loss[-1]:.4f}"


def cpu_rate(server: Server, seconds: float) -> float:
    c0, t0 = server.cpu(), time.perf_counter()
    time.sleep(seconds)
    return (server.cpu() - c0) / (time.perf_counter() - t0)


# ---------------------------------------------------------------- tests
def test_closing_the_tab_stops_its_training(server, new_page, artifacts):
    page = open_app(new_page(), server.url, "dataset=spiral&layers=8,8&lr=0.01&seed=5")
    select_option(page, "pg_speed", "max")
    click(page, "pg_play")
    wait_epoch(page, lambda e: e >= 100)
    playing = cpu_rate(server, 1.5)
    e1 = epoch(page)
    page.screenshot(path=str(artifacts / "sessions-training-before-close.png"))
    assert playing > TRAINING_CPU, f"training should keep the server busy, measured {playing:.2f} cores"
    assert epoch(page) > e1 or wait_epoch(page, lambda e: e > e1, 2.0)

    page.close()  # the tab goes away while training
    closed = time.perf_counter()
    trace, c_prev, t_prev = [], server.cpu(), closed
    while time.perf_counter() - closed < 3.0:
        time.sleep(0.5)
        c, t = server.cpu(), time.perf_counter()
        trace.append((round(t - closed, 2), round((c - c_prev) / (t - t_prev), 2)))
        c_prev, t_prev = c, t
    busy = [t for t, rate in trace if rate > STOPPED_CPU]
    stopped_after = max(busy, default=0.0)
    assert stopped_after <= 1.5, f"server still busy {stopped_after} s after the tab closed: {trace}"
    assert all(rate <= STOPPED_CPU for t, rate in trace if t > 1.5), trace
    print(f"server CPU while training {playing:.2f} cores; after the tab closed: {trace}")


def test_reconnect_after_session_expiry_rebuilds_the_run_from_the_url(server, new_page, artifacts):
    query = "dataset=spiral&noise=20&seed=42&layers=5,3&optimizer=adam&lr=0.01"
    page = open_app(new_page(), server.url, query)
    assert_settings(page, query)
    assert step(page, 4, idle=True) == 4
    before = losses(page)[0]
    assert before == own_loss(query, 4)
    link_query = urlsplit(page.url).query

    server.restart()  # the server forgets every session, as after disconnectedSessionTTL
    page.locator("[data-testid=stConnectionStatus]").wait_for(state="detached", timeout=LOAD_TIMEOUT)
    # The tab reconnects to a new session: the run is rebuilt from the URL at once (no click
    # needed), the page says so once, and the next click is not lost.
    wait_epoch(page, lambda n: n == 0, timeout=30)
    notice = page.locator("[data-testid=stToast]").filter(has_text="rebuilt from the link")
    notice.first.wait_for(timeout=20_000)
    wait_idle(page)
    assert urlsplit(page.url).query == link_query
    assert step(page, idle=True) == 1, "the first click after the reconnect must count"
    assert page.locator("[data-testid=stToast]").filter(has_text="rebuilt from the link").count() <= 1
    assert_settings(page, query)
    assert step(page, 4 - epoch(page), idle=True) == 4
    assert losses(page)[0] == before, "the rebuilt run must repeat the same epochs"
    assert page.locator("[data-testid=stException]").count() == 0
    page.screenshot(path=str(artifacts / "sessions-rebuilt-after-expiry.png"))


def test_two_sessions_do_not_see_each_others_settings(server, new_page, artifacts):
    qa = "dataset=xor&noise=10&seed=3&layers=6&lr=0.1"
    qb = "dataset=moons&noise=30&seed=11&layers=3,3,2&optimizer=adam&lr=0.003"
    a = open_app(new_page(), server.url, qa)
    b = open_app(new_page(), server.url, qb)
    assert_settings(a, qa)
    assert_settings(b, qb)

    select_option(a, "w_lr", "0.3")  # A changes a setting ...
    a.wait_for_function("() => location.search.includes('lr=0.3')")
    qa = qa.replace("lr=0.1", "lr=0.3")
    assert step(b, 2, idle=True) == 2  # ... B trains ...
    assert step(a, idle=True) == 1
    assert epoch(b) == 2  # ... and neither sees the other's change or steps
    assert_settings(a, qa)
    assert_settings(b, qb)
    assert losses(a)[0] == own_loss(qa, 1)
    assert losses(b)[0] == own_loss(qb, 2)
    for p in (a, b):
        assert p.locator("[data-testid=stException]").count() == 0
    a.screenshot(path=str(artifacts / "sessions-a.png"))
    b.screenshot(path=str(artifacts / "sessions-b.png"))
