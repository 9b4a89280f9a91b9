"""The pages of benchmarks/load.py: the links each session opens, what a session shows (read in
the page), and the coroutines that drive one session (open, Step-click, watch, finish)."""
from __future__ import annotations

import asyncio
import base64
import random
import re
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from playground.core.config import Config, to_params, to_query

DATASETS = ("circle", "xor", "gauss", "spiral", "moons", "blobs", "checkerboard", "reg-plane",
            "reg-gauss")
RATES = (0.003, 0.01, 0.1, 0.3)
NETWORKS = ((4, 2), (5, 3), (6,), (3, 3, 3), (8, 4), (2,), (6, 6), (4, 4, 2))
NOT_LOOPBACK = re.compile(r"^(https?|wss?)://(?!127\.0\.0\.1[:/])")
COUNTER_BYTES = re.compile(rb"Epoch \d[\d,]*")
LOAD_TIMEOUT_MS = 90_000
CLICK_TIMEOUT_S = 15.0

# One snapshot of what a session shows (read in the page, one round trip).
SNAPSHOT = r"""(nWidths) => {
  const q = (s) => document.querySelector(s);
  const input = (k) => { const e = q(`.st-key-${k} input, [class*="st-key-${k}__"] input`); return e ? e.value : null; };
  const counter = [...document.querySelectorAll('[data-testid=stText]'), ...[...document.querySelectorAll('*')].filter(e => e.shadowRoot).flatMap(e => [...e.shadowRoot.querySelectorAll('[data-pg-status]')])].map(e => e.textContent)
    .find(t => /^Epoch \d/.test(t)) || null;
  const code = q('[data-pg-link]');
  const chosen = [...document.querySelectorAll('[class*="st-key-pg_ds_"]')]
    .filter(e => e.querySelector('[data-testid=stBaseButton-primary]'))
    .map(e => (e.className.match(/st-key-pg_ds_(\S+)/) || [])[1]);
  const widths = []; for (let i = 0; i <= nWidths; i++) widths.push(input(`w_width_${i}`));
  return {search: location.search, counter, link: code ? code.textContent.trim() : null,
          lr: input('w_lr'), seed: input('w_seed'), noise: input('w_noise'), speed: input('pg_speed'),
          datasets: [...new Set(chosen)], widths,
          exception: !!q('[data-testid=stException]')};
}"""
IDLE = ("() => !document.querySelector('[data-testid=stStatusWidget] [data-testid=stStatusWidgetRunningIcon],"
        " [data-testid=stStatusWidgetRunningManIcon]')")
LOADED = ("() => [...document.querySelectorAll('[data-testid=stText]'), ...[...document.querySelectorAll('*')].filter(e => e.shadowRoot).flatMap(e => [...e.shadowRoot.querySelectorAll('[data-pg-status]')])].some(e => /^Epoch \\d/.test(e.textContent))"
          " && document.querySelector('[data-pg-link]') && !document.querySelector('[data-testid=stSkeleton]')"
          " && (" + IDLE + ")()")  # no skeleton: every widget's code has loaded (pagekit.wait_loaded)
EPOCH_JS = r"""() => { const t = [...document.querySelectorAll('[data-testid=stText]'), ...[...document.querySelectorAll('*')].filter(e => e.shadowRoot).flatMap(e => [...e.shadowRoot.querySelectorAll('[data-pg-status]')])].map(e => e.textContent)
  .find(t => /^Epoch \d/.test(t)); return t ? parseInt(t.match(/^Epoch ([\d,]+)/)[1].replace(/,/g, '')) : null; }"""
PAUSED = r"""() => { const b = document.querySelector('.st-key-pg_play button');
  return !!b && /Play/.test(b.innerText); }"""
# Click Step and time, on the page's own clock, until the epoch counter shows something new.
CLICK_STEP = r"""async (timeoutMs) => {
  const counter = () => { const e = [...document.querySelectorAll('[data-testid=stText]'), ...[...document.querySelectorAll('*')].filter(e => e.shadowRoot).flatMap(e => [...e.shadowRoot.querySelectorAll('[data-pg-status]')])]
    .find(e => /^Epoch \d/.test(e.textContent)); return e ? e.textContent : null; };
  const before = counter();
  const button = document.querySelector('.st-key-pg_step button');
  if (!button) return {error: 'no Step button'};
  const t0 = performance.now();
  button.click();
  return await new Promise((resolve) => {
    let done = false;
    const finish = (r) => { if (!done) { done = true; obs.disconnect(); clearInterval(poll); resolve(r); } };
    const check = () => {
      const now = counter();
      if (now !== null && now !== before) finish({ms: performance.now() - t0, text: now});
      else if (performance.now() - t0 > timeoutMs) finish({ms: null, text: now});
    };
    const obs = new MutationObserver(check);
    obs.observe(document.body, {subtree: true, childList: true, characterData: true});
    const poll = setInterval(check, 50);
  });
}"""


@dataclass
class Session:
    index: int
    cfg: Config
    trainer: bool
    query: str = ""
    n_params: int = 0
    page: object = None
    context: object = None
    load_s: float | None = None
    clicks: int = 0
    latencies: list = field(default_factory=list)   # seconds; None = no change within the timeout
    ws_sent: list = field(default_factory=list)     # CDP timestamps of frames the page sent
    ws_counter: dict = field(default_factory=dict)  # 'Epoch 000,012' -> CDP time its frame arrived
    server_rt: list = field(default_factory=list)   # click frame sent -> frame with the new counter
    snapshots: int = 0
    violations: list = field(default_factory=list)  # what was wrong, when
    epochs: list = field(default_factory=list)      # (wall time, epoch) of a trainer
    final_epoch: int | None = None
    final_loss: str | None = None
    expected_loss: str | None = None
    errors: list = field(default_factory=list)
    lost_pauses: int = 0                            # Pause clicks after which it kept training
    speed: str | None = None                        # the Speed menu's label, e.g. 'fast (400/s)'


def make_sessions(n: int, trainers: int) -> list[Session]:
    every = max(1, n // max(trainers, 1))
    train_ids = set(range(0, every * trainers, every)) if trainers else set()
    out = []
    for i in range(n):
        ds = DATASETS[i % len(DATASETS)]
        cfg = Config(dataset=ds, seed=101 + i, lr=RATES[i % len(RATES)],
                     noise=5 * (1 + i % 6), layers=NETWORKS[i % len(NETWORKS)])
        s = Session(i, cfg, i in train_ids)
        s.query = to_query(cfg)
        out.append(s)
    return out


def expected_params(s: Session) -> int:
    from playground.core.train import Trainer
    return Trainer(s.cfg).net.n_params


def check(s: Session, snap: dict, when: str) -> None:
    """Record every way this snapshot shows settings that are not this session's own."""
    s.snapshots += 1
    want = to_params(s.cfg)
    problems = []
    got_url = dict(parse_qsl(urlsplit(snap["search"] or "?").query))
    if got_url != want:
        problems.append(f"URL {got_url}")
    link = snap["link"] or ""
    if dict(parse_qsl(urlsplit(link).query)) != want:
        problems.append(f"share link {link!r}")
    if snap["lr"] != f"{s.cfg.lr:g}":
        problems.append(f"learning rate {snap['lr']}")
    if snap["seed"] != str(s.cfg.seed):
        problems.append(f"seed {snap['seed']}")
    if snap["noise"] != str(s.cfg.noise):
        problems.append(f"noise {snap['noise']}")
    if snap["datasets"] != [s.cfg.dataset]:
        problems.append(f"dataset {snap['datasets']}")
    widths = [str(n) for n in s.cfg.layers] + [None]
    if snap["widths"] != widths:
        problems.append(f"layer widths {snap['widths']}")
    if not snap["counter"] or f"· {s.n_params:,} parameters" not in snap["counter"].replace("  ", " "):
        problems.append(f"status {snap['counter']!r}")
    if snap["exception"]:
        problems.append("an exception is shown")
    if problems:
        s.violations.append(f"{when}: " + "; ".join(problems))


async def snapshot(s: Session, when: str) -> None:
    try:
        snap = await s.page.evaluate(SNAPSHOT, len(s.cfg.layers))
    except Exception as e:  # noqa: BLE001 - a broken page is reported, not fatal
        s.errors.append(f"{when}: snapshot failed: {type(e).__name__}: {e}")
        return
    s.speed = snap.get("speed")
    check(s, snap, when)


async def block(s: Session, route) -> None:
    s.errors.append(f"blocked a request off the loopback: {route.request.url[:80]}")
    await route.abort()


async def open_session(browser, url: str, s: Session, gate: asyncio.Semaphore) -> None:
    async with gate:
        s.context = await browser.new_context(viewport={"width": 1366, "height": 768})
        await s.context.route(NOT_LOOPBACK, lambda route: block(s, route))
        s.page = await s.context.new_page()
        s.page.on("pageerror", lambda e: s.errors.append(f"page error: {e}"))
        if not s.trainer:
            await watch_websocket(s)
        t0 = time.perf_counter()
        await s.page.goto(f"{url}/?{s.query}", timeout=LOAD_TIMEOUT_MS)
        await s.page.wait_for_function(LOADED, timeout=LOAD_TIMEOUT_MS, polling=100)
        s.load_s = time.perf_counter() - t0


async def watch_websocket(s: Session) -> None:
    """Timestamps of the page's websocket frames from the browser's network layer (CDP), so a
    click's latency splits into the server's round trip and the page's own work."""
    cdp = await s.context.new_cdp_session(s.page)
    await cdp.send("Network.enable")

    def received(e: dict) -> None:
        r = e.get("response", {})
        if r.get("opcode") != 2:
            return
        try:
            data = base64.b64decode(r.get("payloadData", ""))
        except ValueError:
            return
        for m in COUNTER_BYTES.finditer(data):
            s.ws_counter.setdefault(m.group().decode(), e["timestamp"])

    cdp.on("Network.webSocketFrameSent", lambda e: s.ws_sent.append(e["timestamp"]))
    cdp.on("Network.webSocketFrameReceived", received)


async def wait_idle(page, timeout_s: float = 20.0) -> None:
    await page.wait_for_function(IDLE, timeout=timeout_s * 1000, polling=50)


async def stepper(s: Session, until: float, think: tuple[float, float], rng: random.Random) -> None:
    await asyncio.sleep(rng.uniform(0, think[1]))  # do not all click at the same instant
    while time.perf_counter() < until:
        try:
            await wait_idle(s.page)
            sent_before = len(s.ws_sent)
            r = await s.page.evaluate(CLICK_STEP, CLICK_TIMEOUT_S * 1000)
        except Exception as e:  # noqa: BLE001
            s.errors.append(f"click {s.clicks + 1}: {type(e).__name__}: {e}")
            break
        s.clicks += 1
        if "error" in r:
            s.errors.append(r["error"])
            break
        s.latencies.append(None if r["ms"] is None else r["ms"] / 1000)
        if r["ms"] is not None:
            await asyncio.sleep(0.05)  # let the CDP events in
            counter = r["text"].split(" ", 2)[:2]
            arrived = s.ws_counter.get(" ".join(counter))
            if arrived is not None and len(s.ws_sent) > sent_before:
                s.server_rt.append(arrived - s.ws_sent[sent_before])
        if s.clicks % 5 == 0:
            await wait_idle(s.page)
            await snapshot(s, f"after click {s.clicks}")
        await asyncio.sleep(rng.uniform(*think))


async def watch_trainer(s: Session, until: float) -> None:
    n = 0
    while time.perf_counter() < until:
        try:
            e = await s.page.evaluate(EPOCH_JS)
        except Exception as ex:  # noqa: BLE001
            s.errors.append(f"epoch read: {type(ex).__name__}: {ex}")
            break
        if e is not None:
            if s.epochs and e < s.epochs[-1][1]:
                s.violations.append(f"epoch went back from {s.epochs[-1][1]} to {e}")
            s.epochs.append((time.perf_counter(), e))
        n += 1
        if n % 5 == 0:
            await snapshot(s, f"while training ({e} epochs)")
        await asyncio.sleep(1.0)


try:
    from playwright.async_api import TimeoutError as PlaywrightTimeout
except ImportError:  # reported in main()
    PlaywrightTimeout = TimeoutError


async def final_state(s: Session) -> None:
    """Pause a trainer; read the settled epoch and loss of every session."""
    try:
        if s.trainer:
            for _ in range(3):  # a Pause the page never acts on is counted, and pressed again
                await s.page.locator(".st-key-pg_pause button:visible").first.click(timeout=20_000)
                try:
                    await s.page.wait_for_function(PAUSED, timeout=10_000, polling=100)
                    break
                except PlaywrightTimeout:
                    s.lost_pauses += 1
            await asyncio.sleep(0.5)
        await wait_idle(s.page, 30)
        await asyncio.sleep(0.3)
        text = None
        for _ in range(40):  # until the counter holds still
            now = await s.page.evaluate("() => [...document.querySelectorAll('[data-testid=stText]'), ...[...document.querySelectorAll('*')].filter(e => e.shadowRoot).flatMap(e => [...e.shadowRoot.querySelectorAll('[data-pg-status]')])]"
                                        ".map(e => e.textContent).find(t => /^Epoch \\d/.test(t))")
            if now == text:
                break
            text = now
            await asyncio.sleep(0.25)
        m = re.search(r"Epoch ([\d,]+).*?train loss ([\d.]+|nan|inf)", text or "")
        if m:
            s.final_epoch = int(m.group(1).replace(",", ""))
            s.final_loss = m.group(2)
        await snapshot(s, "at the end")
    except Exception as e:  # noqa: BLE001
        s.errors.append(f"final state: {type(e).__name__}: {e}")
