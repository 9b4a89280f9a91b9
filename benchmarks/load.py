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
p95 click < 0.5 s, server RSS < 1 GB. Loopback only (any other address is blocked in the
browsers); stops itself (the browser part within --timeout, default 90 s + 8 s a session + the
load phase; about 3 min in all for 20 sessions on a quiet machine).
Exit code 0 when the run completes (with --check: only when every target is met), 1 when it
does not (or a target is missed under --check), 2 when it cannot run (no Chromium/Playwright).

Diagnostics: --nice-browsers 10 / --pin-browsers 1 give the server the CPU first or keep this
run's Chromium on one core, to tell the server's share of a slow click from the browsers'.

    python benchmarks/load.py [--sessions 20] [--trainers 4] [--seconds 45] [--check]
"""
from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import json
import multiprocessing
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from conftest import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app  # noqa: E402
from load_pages import (CLICK_TIMEOUT_S, Session, expected_params, final_state,  # noqa: E402
                        make_sessions, open_session, snapshot, stepper, watch_trainer)
from load_stats import Sampler, cpu_counters, cpu_use, own_loss, renice_browsers  # noqa: E402

TARGET_P95_S = 0.5
TARGET_RSS = 1 << 30



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
    ap.add_argument("--timeout", type=float, default=None,
                    help="hard stop for the browser part (default: 90 s + 8 s a session + --seconds)")
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
            if args.timeout is None:  # pages open 4 at a time, ~5 s each alone, 30 s under load
                args.timeout = 90.0 + 8.0 * args.sessions + args.seconds
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
