"""Many users at once: one app server, 20 headless Chromium sessions, 4 of them training.

Every session opens its own share link (its own dataset, seed, learning rate, noise and
network). The 4 trainers press Play; the other 16 press Step again and again with a short
think time between clicks. Measured:

  isolation     every snapshot of every session shows that session's own settings: the URL,
                the share link, the widgets (learning rate, seed, noise, layer widths, the chosen
                dataset) and the parameter count; at the end each session's epoch and train loss
                equal what its own link gives after that many epochs (computed here with the
                engine), and no Step-clicking session shows more epochs than its own clicks
  click latency Step clicked in the page → the epoch counter changing (in-page clock), p50/p95;
                split by the browser's own websocket timestamps (CDP) into the websocket round
                trip (click frame sent → frame with the new counter received: the server plus
                the browser's network threads) and the rest, the page's own work (event
                handling, React rendering) on the same cores
  server RSS    resident memory of the Streamlit process, sampled every 0.2 s: before any
                session, peak, and a few seconds after every tab closed
  throughput    epochs per second of each training session, from its epoch counter
  CPU           cores used by the server, by this run's Chromium, and by everything else

Targets on a 2-core machine (server and all 20 browsers together): 100 % isolated,
p95 click < 2 s, server RSS < 1 GB. Loopback only (any other address is blocked in the
browsers); stops itself (the browser part within --timeout, default 150 s; about 2.5 min in all).
Exit code 0 when the run completes (with --check: only when every target is met), 1 when it
does not (or a target is missed under --check), 2 when it cannot run (no Chromium/Playwright).

Diagnostics: --nice-browsers 10 / --pin-browsers 1 give the server the CPU first or keep this
run's Chromium on one core, to tell the server's share of a slow click from the browsers'.

    python benchmarks/load.py [--sessions 20] [--trainers 4] [--seconds 45] [--check]
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import concurrent.futures
import json
import multiprocessing
import random
import re
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from conftest import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app  # noqa: E402
from playground.config import Config, to_params, to_query  # noqa: E402

DATASETS = ("circle", "xor", "gauss", "spiral", "moons", "blobs", "checkerboard", "reg-plane",
            "reg-gauss")
RATES = (0.003, 0.01, 0.1, 0.3)
NETWORKS = ((4, 2), (5, 3), (6,), (3, 3, 3), (8, 4), (2,), (6, 6), (4, 4, 2))
NOT_LOOPBACK = re.compile(r"^(https?|wss?)://(?!127\.0\.0\.1[:/])")
COUNTER_BYTES = re.compile(rb"Epoch \d[\d,]*")
LOAD_TIMEOUT_MS = 90_000
CLICK_TIMEOUT_S = 15.0
TARGET_P95_S = 2.0
TARGET_RSS = 1 << 30

# One snapshot of what a session shows (read in the page, one round trip).
SNAPSHOT = r"""(nWidths) => {
  const q = (s) => document.querySelector(s);
  const input = (k) => { const e = q(`.st-key-${k} input`); return e ? e.value : null; };
  const counter = [...document.querySelectorAll('[data-testid=stText]')].map(e => e.textContent)
    .find(t => /^Epoch \d/.test(t)) || null;
  const code = q('[data-testid=stCode] code');
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
LOADED = ("() => [...document.querySelectorAll('[data-testid=stText]')].some(e => /^Epoch \\d/.test(e.textContent))"
          " && document.querySelector('[data-testid=stCode] code') && (" + IDLE + ")()")
EPOCH_JS = r"""() => { const t = [...document.querySelectorAll('[data-testid=stText]')].map(e => e.textContent)
  .find(t => /^Epoch \d/.test(t)); return t ? parseInt(t.match(/^Epoch ([\d,]+)/)[1].replace(/,/g, '')) : null; }"""
PAUSED = r"""() => { const b = document.querySelector('.st-key-pg_play button');
  return !!b && /Play/.test(b.innerText); }"""
# Click Step and time, on the page's own clock, until the epoch counter shows something new.
CLICK_STEP = r"""async (timeoutMs) => {
  const counter = () => { const e = [...document.querySelectorAll('[data-testid=stText]')]
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
    from playground.train import Trainer
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
            now = await s.page.evaluate("() => [...document.querySelectorAll('[data-testid=stText]')]"
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


class Sampler(threading.Thread):
    """RSS and CPU of the server process every `period` seconds."""

    def __init__(self, pid: int, period: float = 0.2):
        super().__init__(daemon=True)
        import psutil
        self.proc, self.period = psutil.Process(pid), period
        self.samples: list[tuple[float, int, float]] = []  # (time, rss, cpu seconds)
        self.stop = threading.Event()

    def read(self) -> tuple[float, int, float]:
        c = self.proc.cpu_times()
        return time.perf_counter(), self.proc.memory_info().rss, c.user + c.system

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.samples.append(self.read())
            except Exception:  # noqa: BLE001 - the server went away
                return
            self.stop.wait(self.period)

    def peak(self) -> int:
        return max(r for _, r, _ in self.samples)

    def cpu_share(self, t0: float, t1: float) -> float | None:
        inside = [(t, c) for t, _, c in self.samples if t0 <= t <= t1]
        if len(inside) < 2:
            return None
        return (inside[-1][1] - inside[0][1]) / (inside[-1][0] - inside[0][0])


def own_loss(cfg: Config, epochs: int) -> str:
    """The train loss a link gives after `epochs` epochs, as the page prints it."""
    from playground.train import Trainer
    t = Trainer(cfg)
    t.train(epochs)
    return f"{t.history.train_loss[-1]:.4f}"


def cpu_counters(server_pid: int) -> dict:
    """Cumulative CPU seconds: the server, this benchmark's Chromium (and Playwright driver),
    and the whole machine (busy and total), to see who used the 2 cores."""
    import psutil

    def secs(p) -> float:
        try:
            c = p.cpu_times()
            return c.user + c.system
        except psutil.Error:
            return 0.0

    me = psutil.Process()
    kids = [p for p in me.children(recursive=True) if p.pid != server_pid]
    m = psutil.cpu_times()
    idle = m.idle + getattr(m, "iowait", 0.0)
    total = sum(m)
    return {"t": time.perf_counter(), "server": secs(psutil.Process(server_pid)),
            "browsers": {p.pid: secs(p) for p in kids}, "busy": total - idle, "total": total}


def cpu_use(a: dict, b: dict) -> dict:
    """Cores used between two `cpu_counters` readings."""
    dt = b["t"] - a["t"]
    browsers = sum(v - a["browsers"].get(pid, 0.0) for pid, v in b["browsers"].items())
    n = psutil_cores()
    return {"server": (b["server"] - a["server"]) / dt, "browsers": browsers / dt,
            "machine": (b["busy"] - a["busy"]) / (b["total"] - a["total"]) * n, "cores": n}


def renice_browsers(server_pid: int, nice: int, cpus: list[int] | None) -> None:
    """Lower the CPU priority of this run's Chromium (and Playwright driver) processes and/or
    keep them on some CPUs, so the server gets the rest: closer to a real deployment, where the
    browsers run on the visitors' machines. Diagnostic options, off by default."""
    import os

    import psutil
    for p in psutil.Process().children(recursive=True):
        if p.pid == server_pid:
            continue
        try:
            tids = [t.id for t in p.threads()]  # Linux: priority and affinity are per thread
        except psutil.Error:
            continue
        for tid in tids:
            try:
                if nice:
                    os.setpriority(os.PRIO_PROCESS, tid, nice)
                if cpus:
                    os.sched_setaffinity(tid, cpus)
            except OSError:
                pass


def psutil_cores() -> int:
    import psutil
    return psutil.cpu_count() or 1


async def run(args, url: str, sampler: Sampler, result: dict) -> None:
    from playwright.async_api import async_playwright

    sessions = make_sessions(args.sessions, args.trainers)
    for s in sessions:
        s.n_params = expected_params(s)
    result["sessions"] = sessions
    rng = random.Random(args.seed)
    async with async_playwright() as p:
        browsers = [await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                    for _ in range(args.browsers)]
        try:
            t0 = time.perf_counter()
            gate = asyncio.Semaphore(args.open_parallel)
            await asyncio.gather(*(open_session(browsers[s.index % len(browsers)], url, s, gate)
                                   for s in sessions))
            result["open_s"] = time.perf_counter() - t0
            result["rss_open"] = sampler.read()[1]
            if args.nice_browsers or args.pin_browsers:
                renice_browsers(sampler.proc.pid, args.nice_browsers, args.pin_browsers)
            await asyncio.gather(*(snapshot(s, "after loading") for s in sessions))
            trainers = [s for s in sessions if s.trainer]
            for s in trainers:
                await s.page.locator(".st-key-pg_play button:visible").first.click()
            start = time.perf_counter()
            until = start + args.seconds
            result["phase"] = (start, until)
            cpu0 = cpu_counters(sampler.proc.pid)
            await asyncio.gather(*(watch_trainer(s, until) for s in trainers),
                                 *(stepper(s, until, (args.think_min, args.think_max), random.Random(rng.random()))
                                   for s in sessions if not s.trainer))
            result["phase"] = (start, time.perf_counter())
            result["cpu"] = cpu_use(cpu0, cpu_counters(sampler.proc.pid))
            await asyncio.gather(*(final_state(s) for s in sessions))
            # What each link gives after the epochs its page shows: computed in other processes
            # while the tabs close and the server settles.
            pool = result["pool"] = concurrent.futures.ProcessPoolExecutor(
                2, mp_context=multiprocessing.get_context("spawn"))
            result["expected"] = {s.index: pool.submit(own_loss, s.cfg, s.final_epoch)
                                  for s in sessions if s.final_epoch is not None}
            if args.screenshots:
                out = ROOT / "tests" / "artifacts"
                out.mkdir(parents=True, exist_ok=True)
                for s in sessions[:2]:
                    await s.page.screenshot(path=str(out / f"load-session-{s.index:02}.png"))
        finally:
            for s in sessions:
                if s.context is not None:
                    try:
                        await s.context.close()
                    except Exception:  # noqa: BLE001
                        pass
            for b in browsers:
                await b.close()
    closed = time.perf_counter()
    await asyncio.sleep(args.settle)
    result["rss_after"] = sampler.read()[1]
    result["cpu_after"] = sampler.cpu_share(closed + 1.0, time.perf_counter())


def pct(values: list[float], q: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, max(0, round(q * (len(v) - 1))))]


def report(args, result: dict, sampler: Sampler) -> tuple[bool, dict]:
    sessions: list[Session] = result.get("sessions", [])
    for s in sessions:
        f = result.get("expected", {}).get(s.index)
        try:
            s.expected_loss = f.result() if f is not None else None
        except Exception as e:  # noqa: BLE001
            s.errors.append(f"computing its own loss: {type(e).__name__}: {e}")
        if s.final_loss is None:
            s.violations.append("no final epoch/loss could be read")
        elif not s.trainer and s.final_epoch > s.clicks:
            s.violations.append(f"epoch {s.final_epoch} after only {s.clicks} clicks of its own")
        elif s.final_loss != s.expected_loss:
            s.violations.append(f"epoch {s.final_epoch}: train loss {s.final_loss}, its own link "
                                f"gives {s.expected_loss}")
    if result.get("pool"):
        result["pool"].shutdown()
    isolated = [s for s in sessions if not s.violations and not s.errors]
    rt = [x for s in sessions for x in s.server_rt]
    cpu_phase = result.get("cpu")
    lat = [x if x is not None else CLICK_TIMEOUT_S for s in sessions for x in s.latencies]
    timeouts = sum(x is None for s in sessions for x in s.latencies)
    lost = sum(s.clicks - (s.final_epoch or 0) for s in sessions if not s.trainer)
    lost_pauses = sum(s.lost_pauses for s in sessions)
    start, end = result.get("phase", (0.0, 0.0))
    rate = {}
    for s in sessions:
        if s.trainer and len(s.epochs) >= 2:
            (ta, ea), (tb, eb) = s.epochs[0], s.epochs[-1]
            rate[s.index] = (eb - ea) / (tb - ta) if tb > ta else 0.0
    rss_before, rss_peak, rss_after = result.get("rss_before"), sampler.peak(), result.get("rss_after")
    p95 = pct(lat, 0.95) if lat else None
    ok_iso = bool(sessions) and len(isolated) == len(sessions)
    ok_lat = p95 is not None and p95 < TARGET_P95_S
    ok_rss = rss_peak < TARGET_RSS
    mb = lambda b: f"{b / 2**20:,.0f} MB" if b is not None else "n/a"  # noqa: E731
    loads = [s.load_s for s in sessions if s.load_s is not None]
    summary = {
        "sessions": len(sessions), "trainers": sum(s.trainer for s in sessions),
        "isolated_pct": 100 * len(isolated) / max(1, len(sessions)),
        "snapshots": sum(s.snapshots for s in sessions),
        "clicks": len(lat), "click_timeouts": timeouts, "lost_clicks": lost,
        "lost_pauses": lost_pauses,
        "click_p50_s": pct(lat, 0.5) if lat else None, "click_p95_s": p95,
        "click_max_s": max(lat) if lat else None,
        "ws_roundtrip_p50_s": pct(rt, 0.5) if rt else None,
        "ws_roundtrip_p95_s": pct(rt, 0.95) if rt else None, "ws_roundtrip_n": len(rt),
        "cpu_cores_load_phase": cpu_phase,
        "rss_before_mb": rss_before / 2**20 if rss_before else None,
        "rss_open_mb": result.get("rss_open", 0) / 2**20, "rss_peak_mb": rss_peak / 2**20,
        "rss_after_mb": rss_after / 2**20 if rss_after else None,
        "server_cpu_load_phase": sampler.cpu_share(start, end),
        "server_cpu_after_close": result.get("cpu_after"),
        "epochs_per_s": rate, "open_all_s": result.get("open_s"),
        "page_load_median_s": statistics.median(loads) if loads else None,
        "page_load_max_s": max(loads) if loads else None,
        "load_phase_s": end - start,
    }
    if args.json:
        print(json.dumps(summary, default=str))
        return ok_iso and ok_lat and ok_rss, summary

    f1 = lambda v, unit="s": f"{v:.1f} {unit}" if v is not None else "n/a"  # noqa: E731
    print(f"\n{len(sessions)} sessions ({summary['trainers']} training), one server, "
          f"{args.browsers} Chromium{f' at nice {args.nice_browsers}' if args.nice_browsers else ''}"
          f"{f' on CPUs {args.pin_browsers}' if args.pin_browsers else ''}, "
          f"{f1(summary['load_phase_s'])} under load; all pages opened in {f1(summary['open_all_s'])} "
          f"(page load median {f1(summary['page_load_median_s'])}, max {f1(summary['page_load_max_s'])})\n")
    print(f"{'#':>3}  {'role':8} {'link':58} {'load':>6} {'clicks':>6} {'p95':>6} {'epoch':>6} "
          f"{'ep/s':>6} {'loss':>7} {'own link':>8}  isolated")
    for s in sessions:
        lats = [x if x is not None else CLICK_TIMEOUT_S for x in s.latencies]
        print(f"{s.index:>3}  {'training' if s.trainer else 'stepping':8} {s.query[:58]:58} "
              f"{s.load_s or float('nan'):6.1f} {s.clicks if not s.trainer else '':>6} "
              f"{(f'{pct(lats, 0.95):.2f}' if lats else ''):>6} {s.final_epoch if s.final_epoch is not None else '?':>6} "
              f"{(f'{rate[s.index]:.0f}' if s.index in rate else ''):>6} {s.final_loss or '?':>7} "
              f"{s.expected_loss or '?':>8}  {'yes' if s in isolated else 'NO'}")
    for s in sessions:
        for v in s.violations[:3] + s.errors[:3]:
            print(f"  session {s.index}: {v}")
        if s.lost_pauses:
            print(f"  session {s.index}: Pause pressed {s.lost_pauses}× with no effect within 10 s "
                  "(still training; pressed again)")
    rates = list(rate.values())
    speed = next((s.speed for s in sessions if s.trainer and s.speed), "?")
    cpu, cpu_after = summary["server_cpu_load_phase"], summary["server_cpu_after_close"]
    isolation = (f"{summary['isolated_pct']:.0f} % of sessions ({len(isolated)}/{len(sessions)}), "
                 f"{summary['snapshots']} snapshots + final loss checks")
    clicks = "no clicks"
    if lat:
        clicks = (f"{p95:.2f} s (p50 {summary['click_p50_s']:.2f} s, max {summary['click_max_s']:.2f} s, "
                  f"{len(lat)} clicks, {timeouts} timeouts, {lost} lost)")
    websocket = "n/a"
    if rt:
        websocket = (f"p95 {pct(rt, 0.95):.2f} s, p50 {pct(rt, 0.5):.2f} s "
                     f"(click frame sent → new counter received, {len(rt)} clicks)")
    memory = (f"before {mb(rss_before)}, all open {mb(result.get('rss_open'))}, peak {mb(rss_peak)}, "
              f"after {mb(rss_after)} ({args.settle:g} s after closing)")
    training = "n/a"
    if rates:
        training = (f"{statistics.mean(rates):.0f} epochs/s per session (min {min(rates):.0f}, "
                    f"max {max(rates):.0f}; Speed menu: {speed}); Pause ignored {lost_pauses}×")
    server_cpu = f"{100 * cpu:.0f} % of one core under load" if cpu is not None else "n/a"
    if cpu_after is not None:
        server_cpu += f", {100 * cpu_after:.1f} % after every tab closed"
    machine = "n/a"
    if cpu_phase:
        other = max(0.0, cpu_phase["machine"] - cpu_phase["server"] - cpu_phase["browsers"])
        machine = (f"{cpu_phase['machine']:.2f} of {cpu_phase['cores']} cores busy under load: server "
                   f"{cpu_phase['server']:.2f}, this run's Chromium {cpu_phase['browsers']:.2f}, "
                   f"other processes {other:.2f}")
    print()
    rows = [("isolation", isolation, "100 %", ok_iso),
            ("click → counter p95", clicks, f"< {TARGET_P95_S:g} s", ok_lat),
            ("  websocket round trip", websocket, "", None),
            ("server RSS", memory, "< 1 GB", ok_rss),
            ("training throughput", training, "", None),
            ("server CPU", server_cpu, "", None),
            ("machine CPU", machine, "", None)]
    w = max(len(r[1]) for r in rows)
    print(f"{'measure':22} {'result':{w}}  {'target':8} ")
    print(f"{'-' * 22} {'-' * w}  {'-' * 8} ------")
    for name, value, target, ok in rows:
        verdict = "" if ok is None else ("ok" if ok else "MISSED")
        print(f"{name:22} {value:{w}}  {target:8} {verdict}")
    return ok_iso and ok_lat and ok_rss, summary


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--trainers", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=45.0, help="length of the load phase")
    ap.add_argument("--think-min", type=float, default=0.5, help="seconds between a session's clicks")
    ap.add_argument("--think-max", type=float, default=2.0)
    ap.add_argument("--browsers", type=int, default=1, help="Chromium processes sharing the sessions")
    ap.add_argument("--nice-browsers", type=int, default=0, metavar="N",
                    help="run this benchmark's Chromium at nice N (e.g. 10) so the server comes first")
    ap.add_argument("--pin-browsers", type=lambda v: [int(c) for c in v.split(",")], default=None,
                    metavar="CPUS", help="keep this benchmark's Chromium on these CPUs, e.g. 1")
    ap.add_argument("--open-parallel", type=int, default=4, help="pages loading at once")
    ap.add_argument("--settle", type=float, default=5.0, help="seconds after closing before 'after' RSS")
    ap.add_argument("--timeout", type=float, default=150.0, help="hard stop for the browser part")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--screenshots", action="store_true", help="save two pages to tests/artifacts/")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing (apt-get install chromium)", file=sys.stderr)
        return 2
    try:
        import playwright  # noqa: F401
        import psutil  # noqa: F401
    except ImportError as e:
        print(f"{e.name} is not installed (pip install -r requirements-dev.txt)", file=sys.stderr)
        return 2

    proc, url = start_app()
    result: dict = {}
    sampler = Sampler(proc.pid)
    failed = None
    try:
        time.sleep(1.0)
        result["rss_before"] = sampler.read()[1]
        sampler.start()
        try:
            asyncio.run(asyncio.wait_for(run(args, url, sampler, result), args.timeout))
        except (asyncio.TimeoutError, TimeoutError):
            failed = f"stopped after the {args.timeout:g} s time limit"
        except Exception as e:  # noqa: BLE001 - report what was measured
            failed = f"{type(e).__name__}: {e}"
    finally:
        sampler.stop.set()
        sampler.join(2)
        stop_app(proc)
    ok, _ = report(args, result, sampler)
    if failed:
        print(f"\nthe run did not finish: {failed}", file=sys.stderr)
        return 1
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
