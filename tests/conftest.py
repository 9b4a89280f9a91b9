"""Shared fixtures: the app served by a real Streamlit server, and Debian's Chromium driven by
Playwright (docs/architecture.md, testing: never `playwright install`).

Browser tests use the `browser` fixture. Without /usr/bin/chromium (or Playwright) they are
skipped on a developer machine but FAIL when the environment variable CI is "true".
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SERVER_START_TIMEOUT = 60
# AppTest runs the page in this process and no view ever reports to it, so its first run
# draws the whole page (ui/page._rest_of_page); the servers the browser tests start do not
# inherit this (start_app), so they load as a visitor's page does.
STAGED_ENV = "PLAYGROUND_STAGED_LOAD"
os.environ[STAGED_ENV] = "off"


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    """Two workers (pytest.ini, `--dist loadgroup`): every browser test on one of them, one
    after the other, and the other modules, each whole, beside them. Two browser tests at once
    on 2 cores starved each other's pages (a playing page painted 5 frames a second)."""
    for item in items:
        group = "browser" if "browser" in getattr(item, "fixturenames", ()) else item.module.__name__
        item.add_marker(pytest.mark.xdist_group(group))


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def _unavailable(reason: str):
    if in_ci():
        pytest.fail(f"CI=true but the real-browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(port: int | None = None, app: Path = ROOT / "app.py", env: dict | None = None):
    """Start `streamlit run app.py` on a free port; return (process, base URL) once healthy."""
    port = port or free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    log = open(ARTIFACTS / f"server-{port}.log", "w") if ARTIFACTS.exists() else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            env={**{k: v for k, v in os.environ.items() if k != STAGED_ENV},
                                 **(env or {})})
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + SERVER_START_TIMEOUT
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.2)
    stop_app(proc)
    raise RuntimeError(f"streamlit did not become healthy within {SERVER_START_TIMEOUT} s")


def stop_app(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def app_url(artifacts):
    """Base URL of a Streamlit server running app.py for the whole session."""
    proc, url = start_app()
    yield url
    stop_app(proc)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium via Playwright (skipped, or failed under CI=true, if missing).
    Module-scoped: Playwright's sync API allows one running instance per thread, and other
    test modules start their own."""
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install playwright)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def _contexts(browser):
    """The module's shared browser contexts, one per viewport × scheme × downloads (see
    `new_page`)."""
    made: dict = {}
    yield made
    for ctx in made.values():
        try:
            ctx.close()
        except Exception:  # noqa: BLE001 (a test closed it)
            pass


@pytest.fixture
def new_page(browser, _contexts):
    """Factory: a new page (a new tab, so a new Streamlit session) in the module's open
    context of that viewport and scheme: its HTTP and code caches are warm, so the page loads
    about 1 s faster than in a new context. `fresh=True`: a context of its own (own cookies,
    storage and cache, like a new visitor), for a test that closes it or changes what a
    context allows; a test's second page open at once gets one too. Console errors and page errors are collected on page.errors."""
    pages, own = [], []

    def make(width: int = 1366, height: int = 768, scheme: str = "light", downloads: bool = False,
             fresh: bool = False):
        def context():
            return browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme,
                                       accept_downloads=downloads)
        key = (width, height, scheme, downloads)
        # a second page open at once gets a context of its own: two pages of one context are
        # tabs of one window, and the one behind is throttled (its animation frames pause)
        fresh = fresh or any(not p.is_closed() and p.context is _contexts.get(key) for p in pages)
        if fresh:
            ctx = context()
            own.append(ctx)
            page = ctx.new_page()
        else:
            try:
                page = _contexts[key].new_page()
            except Exception:  # noqa: BLE001 (none yet, or a test closed it)
                _contexts[key] = context()
                page = _contexts[key].new_page()
        pages.append(page)
        page.errors = []
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
        return page

    yield make
    for page in pages:
        try:
            page.close()
        except Exception:  # noqa: BLE001 (closed by the test)
            pass
    for ctx in own:
        ctx.close()
