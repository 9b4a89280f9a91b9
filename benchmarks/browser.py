"""The live view in a real browser: the app served by Streamlit, headless Debian Chromium.

Prints, while playing at the given settings (default: the default page):
  boundary fps      new boundary frames painted per second (distinct pixel content)
  paints/s          boundary paint calls per second (the component's drawImage of its grid)
  ticks/s           fragment ticks shown per second (distinct server-time stamps)
  skipped/s         weight states received but never painted (PlaygroundCanvas.stats.skipped)
  blank             share of 10 Hz samples where the boundary or the counter is missing/blank
  lag               server timestamp of a tick → the browser showing it (median, p90)
  epochs/s          epochs trained per second while drawing (epoch counter / wall time)
  first boundary    page navigation → first non-blank boundary pixel (and after the page's
                    first contentful paint)
  mode              "channel" (frames over the live channel's socket) or "fragment"
  st msgs/s         messages on Streamlit's own websocket per second (reruns send them)
  browser / server  CPU cores used by the browser (all Chromium processes) and the server

Targets on a 2-core machine (browser and server together): ≥ 30 fps, 0 % blank,
≥ 300 epochs/s, first boundary ≤ 2.5 s.

    python benchmarks/browser.py [--seconds 10] [--runs 3] [--query "dataset=spiral&layers=8,8"]
                                 [--app other_app.py] [--env PG_TICK=0.02] [--side-by-side]

--side-by-side also serves the page with the channel switched off (PLAYGROUND_LIVE_CHANNEL=off:
the fragment path of before) and alternates runs of the two, printing both.

The server runs with PG_BENCH=1, which adds a 'server-time' text line to the live view (the
lag is measured from it); --env passes more variables (PG_TICK: seconds between ticks).
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from conftest import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app  # noqa: E402
from prockit import cpu_seconds  # noqa: E402

# Installed before any page script: samples the boundary on every animation frame.
PROBE = r"""
(() => {
  const S = window.__pg = {paints: [], frames: [], samples: [], lags: [], first: null, lastSum: null, lastStamp: null};
  const draw = CanvasRenderingContext2D.prototype.drawImage;
  CanvasRenderingContext2D.prototype.drawImage = function (src, ...rest) {
    if (src && src.width === 100 && src.height === 100 && this.canvas.width === this.canvas.height)
      { S.paints.push(performance.now()); S.heat = this.canvas; }
    return draw.call(this, src, ...rest);
  };
  const findHeat = () => {
    if (S.heat && S.heat.isConnected) return S.heat;
    const host = document.querySelector('.st-key-pg_canvas');
    if (!host) return null;
    const walk = (root) => { for (const el of root.querySelectorAll('*')) {
      if (el.tagName === 'CANVAS' && el.width && el.width === el.height && parseFloat(el.style.left) > 0) return el;
      if (el.shadowRoot) { const c = walk(el.shadowRoot); if (c) return c; } } return null; };
    return (S.heat = walk(host));
  };
  const checksum = (c) => {
    const ctx = c.getContext('2d'), d = ctx.getImageData(0, 0, c.width, c.height).data;
    let s = 0, alpha = 0;
    for (let i = 0; i < d.length; i += 4) { s = (s * 31 + d[i] * 7 + d[i + 1] * 3 + d[i + 2]) | 0; alpha += d[i + 3]; }
    return alpha ? s : null;
  };
  let lastSample = 0;
  const tick = (now) => {
    const c = findHeat(), sum = c ? checksum(c) : null;
    if (sum !== null && S.first === null) S.first = now;
    if (sum !== null && sum !== S.lastSum) { S.frames.push(now); S.lastSum = sum; }
    const stamp = [...document.querySelectorAll('[data-testid=stText]'), ...[...document.querySelectorAll('*')].filter(e => e.shadowRoot).flatMap(e => [...e.shadowRoot.querySelectorAll('[data-pg-status]')])]
      .map(e => e.textContent).find(t => t.startsWith('server-time '));
    if (stamp && stamp !== S.lastStamp) { S.lastStamp = stamp; S.lags.push(Date.now() / 1000 - parseFloat(stamp.slice(12))); }
    if (now - lastSample >= 100) {
      lastSample = now;
      const counter = [...document.querySelectorAll('[data-testid=stText]'), ...[...document.querySelectorAll('*')].filter(e => e.shadowRoot).flatMap(e => [...e.shadowRoot.querySelectorAll('[data-pg-status]')])]
        .find(e => /^Epoch \d/.test(e.textContent));
      S.samples.push({t: now, blank: sum === null || !counter,
                      epoch: counter ? parseInt(counter.textContent.match(/^Epoch ([\d,]+)/)[1].replace(/,/g, '')) : null});
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
"""
EPOCH = re.compile(r"Epoch (\d[\d,]*)")


def _browsers() -> list:
    return [p for p in psutil.Process().children(recursive=True) if "chrom" in p.name().lower()]


def measure(browser, url: str, query: str, seconds: float, width: int, height: int,
            server=None) -> dict:
    ctx = browser.new_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    st_msgs = [0]

    def watch(ws):
        if "/_stcore/stream" in ws.url:
            ws.on("framereceived", lambda _: st_msgs.__setitem__(0, st_msgs[0] + 1))
    page.on("websocket", watch)
    page.add_init_script(PROBE)
    page.goto(f"{url}/{'?' + query if query else ''}")
    page.wait_for_function("() => window.__pg && window.__pg.first !== null", timeout=60_000)
    first = page.evaluate("() => window.__pg.first")
    time.sleep(1.0)
    page.locator(".st-key-pg_play button:visible").first.click()
    time.sleep(1.5)  # warm-up: the fragment starts ticking
    page.evaluate("() => { const S = window.__pg; S.t0 = performance.now(); S.paints = []; S.frames = [];"
                  " S.samples = []; S.lags = []; const C = globalThis.PlaygroundCanvas;"
                  " S.skipped0 = C && C.stats.skipped; if (C) C.stats.channelLags = []; }")
    msgs0, b0, s0 = st_msgs[0], cpu_seconds(_browsers()), cpu_seconds([server]) if server else 0.0
    w0 = time.perf_counter()
    page.wait_for_timeout(seconds * 1000)  # (pumps Playwright's events: the websocket counter)
    wall = time.perf_counter() - w0
    msgs, b_cpu = st_msgs[0] - msgs0, (cpu_seconds(_browsers()) - b0) / wall
    s_cpu = (cpu_seconds([server]) - s0) / wall if server else None
    extra = page.evaluate("() => { const C = globalThis.PlaygroundCanvas, P = performance.getEntriesByName('first-contentful-paint');"
                          " return {mode: C && C.stats.channel === 'open' ? 'channel' : 'fragment',"
                          " clags: C ? C.stats.channelLags.slice() : [], fcp: P.length ? P[0].startTime : null}; }")
    r = page.evaluate("() => { const S = window.__pg, C = globalThis.PlaygroundCanvas;"
                      " return {t0: S.t0, t1: performance.now(), paints: S.paints.length,"
                      " frames: S.frames.length, samples: S.samples, lags: S.lags,"
                      " skipped: C && C.stats.skipped !== undefined ? C.stats.skipped - S.skipped0 : null}; }")
    page.locator(".st-key-pg_pause button:visible").first.click()
    ctx.close()
    span = (r["t1"] - r["t0"]) / 1000
    samples = r["samples"]
    epochs = [s["epoch"] for s in samples if s["epoch"] is not None]
    lags = sorted(r["lags"]) or sorted(x / 1000 for x in extra["clags"])
    return {
        "mode": extra["mode"],
        "boundary_fps": r["frames"] / span,
        "paints_per_s": r["paints"] / span,
        "ticks_per_s": len(r["lags"]) / span,
        "skipped_per_s": r["skipped"] / span if r["skipped"] is not None else None,
        "blank_pct": 100 * sum(s["blank"] for s in samples) / max(1, len(samples)),
        "lag_ms": 1000 * statistics.median(lags) if lags else None,
        "lag_p90_ms": 1000 * lags[int(0.9 * (len(lags) - 1))] if lags else None,
        "epochs_per_s": (epochs[-1] - epochs[0]) / span if len(epochs) > 1 else 0.0,
        "first_boundary_s": first / 1000,
        "after_first_paint_s": (first - extra["fcp"]) / 1000 if extra["fcp"] is not None else None,
        "st_msgs_per_s": msgs / wall,
        "browser_cores": b_cpu,
        "server_cores": s_cpu,
        "samples": len(samples),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--query", default="", help="share-link query string, e.g. 'dataset=spiral'")
    ap.add_argument("--width", type=int, default=1366)
    ap.add_argument("--height", type=int, default=768)
    ap.add_argument("--app", default=str(ROOT / "app.py"), help="the page to serve (default app.py)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--side-by-side", action="store_true",
                    help="also run with the live channel off (the fragment path), alternating")
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                    help="extra environment for the server, e.g. PG_TICK=0.02")
    args = ap.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing (apt-get install chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    env = {"PG_BENCH": "1", **dict(e.split("=", 1) for e in args.env)}
    variants = [("now", env)] + ([("channel off", {**env, "PLAYGROUND_LIVE_CHANNEL": "off"})]
                                 if args.side_by_side else [])
    servers = [(name, *start_app(app=Path(args.app), env=e)) for name, e in variants]
    results: dict[str, list] = {name: [] for name, _ in variants}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(args.runs):
                for name, proc, url in servers:  # alternated: both see the same machine
                    results[name].append(measure(browser, url, args.query, args.seconds,
                                                 args.width, args.height, psutil.Process(proc.pid)))
            browser.close()
    finally:
        for _, proc, _ in servers:
            stop_app(proc)
    print(f"machine: {psutil.cpu_count()} cores, load {', '.join(f'{x:.2f}' for x in psutil.getloadavg())}")
    for name, runs in results.items():
        if len(results) > 1:
            print(f"== {name}")
        report(runs, args)
    return 0


def report(runs: list, args) -> None:
    keys = [k for k in runs[0] if k not in ("samples", "mode")]
    med = {k: statistics.median(r[k] for r in runs if r[k] is not None) if any(r[k] is not None for r in runs)
           else None for k in keys}
    if args.json:
        print(json.dumps({"median": med, "runs": runs}))
        return
    print(f"live view, {args.runs} run(s) of {args.seconds:g} s, query '{args.query or 'defaults'}', "
          f"{args.width}x{args.height}, mode {', '.join(r['mode'] for r in runs)}")
    target = {"boundary_fps": "≥ 58", "blank_pct": "0 %", "epochs_per_s": "≥ 400", "lag_ms": "≤ 100 ms",
              "after_first_paint_s": "≤ 1.0 s", "browser_cores": "≤ 0.4", "st_msgs_per_s": "0"}
    fmt = {"boundary_fps": "{:.1f}", "paints_per_s": "{:.1f}", "ticks_per_s": "{:.1f}",
           "skipped_per_s": "{:.1f}", "blank_pct": "{:.1f} %",
           "lag_ms": "{:.0f} ms", "lag_p90_ms": "{:.0f} ms", "epochs_per_s": "{:.0f}",
           "first_boundary_s": "{:.2f} s", "after_first_paint_s": "{:.2f} s", "st_msgs_per_s": "{:.1f}",
           "browser_cores": "{:.2f}", "server_cores": "{:.2f}"}
    for k in keys:
        vals = ", ".join(fmt[k].format(r[k]) if r[k] is not None else "–" for r in runs)
        m = fmt[k].format(med[k]) if med[k] is not None else "–"
        print(f"  {k:<19} median {m:<10} runs [{vals}]" + (f"   target {target[k]}" if k in target else ""))


if __name__ == "__main__":
    sys.exit(main())
