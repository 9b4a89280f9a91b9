"""The live view in a real browser: the app served by Streamlit, headless Debian Chromium.

Prints, while playing at the given settings (default: the default page), once the whole page
is drawn (a visitor's steady state):
  boundary fps      new boundary frames painted per second (a new 100×100 boundary image drawn)
  paints/s          boundary paint calls per second (the component's drawImage of its grid)
  ticks/s           fragment ticks shown per second (distinct server-time stamps)
  skipped/s         weight states received but never painted (PlaygroundCanvas.stats.skipped)
  blank             share of 10 Hz samples where the boundary or the counter is missing/blank
  lag               server timestamp of a frame → the browser showing it (median, p90)
  epochs/s          epochs trained per second while drawing (the epoch counter's rise over
                    the time between its first and last samples)
  first boundary    page navigation → first non-blank boundary pixel (and after the page's
                    first contentful paint)
  mode              "channel" (frames over the live channel's socket) or "fragment"
  st msgs/s         messages on Streamlit's own websocket per second (reruns send them)
  browser / server  CPU cores used by the browser (all Chromium processes) and the server,
                    measured in a second window of the same length with the probe switched
                    off (the probe's own work is the browser's too); unprobed paints/s is
                    the view's own paint count in that window
  floor             a bare page in the same browser painting a canvas of the boundary's size
                    from a new 100×100 image every animation frame, nothing else: what any
                    60 fps canvas costs this browser (headless, composited in software)

Targets on a 2-core machine (browser and server together): ≥ 58 fps, 0 % blank, lag ≤ 100 ms,
≥ 400 epochs/s, ≤ 0.4 browser core, 0 Streamlit messages while playing, first boundary
≤ 1.0 s after the first paint.

    python benchmarks/browser.py [--seconds 10] [--runs 3] [--query "dataset=spiral&layers=8,8"]
                                 [--app other_app.py] [--env PG_TICK=0.02] [--side-by-side]
                                 [--against /tmp/last/app.py]
                                 [--reference http://127.0.0.1:8765/index.html]

--reference measures another page in the same browser each round (ref_fps: 100×100 images put
per second; ref_epochs_per_s: its #iter-number counter; ref_cores: the browser while it plays),
e.g. TensorFlow Playground built from its public source (npm ci && npm run build) and served
with `python -m http.server --directory dist 8765`.

--side-by-side also serves the page with the channel switched off (PLAYGROUND_LIVE_CHANNEL=off:
the fragment path of before) and alternates runs of the two, printing both; --against APP
does the same with another checkout's app.py (e.g. `git worktree add /tmp/last <tag>`).

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
from pagekit import wait_loaded  # noqa: E402
from prockit import cpu_seconds  # noqa: E402

# Installed before any page script. Light on purpose (its cost is the browser's too): a new
# frame is a new 100×100 (or 50×50) boundary image put into the view's grid canvas (checksum
# of that image, not a read-back of the big canvas); blank samples look at a few pixels of the
# painted boundary 10 times a second; the status line is looked up once and kept. With
# S.off set (the CPU window) it counts nothing and reads nothing.
PROBE = r"""
(() => {
  const S = window.__pg = {paints: [], frames: [], samples: [], lags: [], first: null, lastSum: null, lastStamp: null, off: false};
  const draw = CanvasRenderingContext2D.prototype.drawImage, put = CanvasRenderingContext2D.prototype.putImageData;
  CanvasRenderingContext2D.prototype.drawImage = function (src, ...rest) {
    if (!S.off && src && (src.width === 100 || src.width === 50) && src.height === src.width && this.canvas.width === this.canvas.height)
      { S.paints.push(performance.now()); S.heat = this.canvas; if (S.fresh) { S.frames.push(performance.now()); S.fresh = false; } }
    return draw.call(this, src, ...rest);
  };
  CanvasRenderingContext2D.prototype.putImageData = function (img, ...rest) {
    if (!S.off && img && (img.width === 100 || img.width === 50) && img.height === img.width) {
      const d = img.data; let s = 0;
      for (let i = 0; i < d.length; i += 4) s = (s * 31 + d[i] * 7 + d[i + 1] * 3 + d[i + 2]) | 0;
      if (s !== S.lastSum) { S.lastSum = s; S.fresh = true; }
    }
    return put.call(this, img, ...rest);
  };
  const shadowFind = (sel) => {
    const walk = (root) => { for (const el of root.querySelectorAll('*')) if (el.shadowRoot) {
      const hit = el.shadowRoot.querySelector(sel) || walk(el.shadowRoot); if (hit) return hit; } return null; };
    return walk(document);
  };
  const status = () => (S.status && S.status.isConnected ? S.status : (S.status = shadowFind('[data-pg-status]')));
  const painted = () => {  // a few pixels in the middle of the boundary: drawn (alpha) or not
    const c = S.heat && S.heat.isConnected ? S.heat : null;
    if (!c || !c.width) return false;
    const d = c.getContext('2d').getImageData((c.width >> 1) - 2, (c.height >> 1) - 2, 4, 4).data;
    for (let i = 3; i < d.length; i += 4) if (d[i]) return true;
    return false;
  };
  let lastSample = 0;
  const tick = (now) => {
    if (!S.off) {
      if (S.first === null && painted()) S.first = now;
      // the fragment path's ticks carry a 'server-time' st.text (PG_BENCH=1); the channel's
      // frames carry their own stamps (PlaygroundCanvas.stats.channelLags)
      for (const e of document.querySelectorAll('[data-testid=stText]')) {
        const t = e.textContent;
        if (t.startsWith('server-time ')) { if (t !== S.lastStamp) { S.lastStamp = t; S.lags.push(Date.now() / 1000 - parseFloat(t.slice(12))); } break; }
      }
      if (now - lastSample >= 100) {
        lastSample = now;
        const st = status(), m = st && st.textContent.match(/^Epoch ([\d,]+)/);
        S.samples.push({t: now, blank: !painted() || !m, epoch: m ? parseInt(m[1].replace(/,/g, '')) : null});
      }
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
"""

# The floor: a bare page in the same browser that paints a canvas of the boundary's size from
# a new 100×100 image on every animation frame, and nothing else (what any 60 fps canvas costs
# this browser: headless Chromium composites in software).
FLOOR = """<html><body style="margin:0"><canvas id=c style="position:absolute;left:%dpx;top:60px"></canvas><script>
const c = document.getElementById('c'); c.width = c.height = %d; c.style.width = c.style.height = '%dpx';
const ctx = c.getContext('2d'), off = document.createElement('canvas'); off.width = off.height = 100;
const o = off.getContext('2d'), img = o.createImageData(100, 100); let t = 0; window.n = 0;
const f = () => { t++; window.n++; for (let i = 0; i < img.data.length; i += 4) { img.data[i] = (i + t) & 255;
  img.data[i + 1] = 120; img.data[i + 2] = 200; img.data[i + 3] = 255; }
  o.putImageData(img, 0, 0); ctx.drawImage(off, 0, 0, c.width, c.height); requestAnimationFrame(f); };
requestAnimationFrame(f);
</script></body></html>"""
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
    wait_loaded(page)  # the whole page drawn: a visitor's steady state, not the page loading
    page.locator(".st-key-pg_play button:visible").first.click()
    time.sleep(1.5)  # warm-up: frames start coming
    page.evaluate("() => { const S = window.__pg; S.t0 = performance.now(); S.paints = []; S.frames = [];"
                  " S.samples = []; S.lags = []; const C = globalThis.PlaygroundCanvas;"
                  " S.skipped0 = C && C.stats.skipped; if (C) C.stats.channelLags = []; }")
    msgs0, w0 = st_msgs[0], time.perf_counter()
    page.wait_for_timeout(seconds * 1000)  # (pumps Playwright's events: the websocket counter)
    wall = time.perf_counter() - w0
    msgs = st_msgs[0] - msgs0
    # the CPU window: the same length again with the probe switched off (it costs CPU too)
    page.evaluate("() => { window.__pg.off = true; window.__pg.t1 = performance.now(); }")
    p0, b0 = page.evaluate("() => PlaygroundCanvas.stats.paints"), cpu_seconds(_browsers())
    s0, c0 = cpu_seconds([server]) if server else 0.0, time.perf_counter()
    page.wait_for_timeout(seconds * 1000)
    cwall = time.perf_counter() - c0
    b_cpu = (cpu_seconds(_browsers()) - b0) / cwall
    s_cpu = (cpu_seconds([server]) - s0) / cwall if server else None
    quiet_paints = (page.evaluate("() => PlaygroundCanvas.stats.paints") - p0) / cwall
    heat = page.evaluate("() => { const c = window.__pg.heat; return c ? [c.width, Math.round(c.getBoundingClientRect().left)] : null; }")
    extra = page.evaluate("() => { const C = globalThis.PlaygroundCanvas, P = performance.getEntriesByName('first-contentful-paint');"
                          " return {mode: C && C.stats.channel === 'open' ? 'channel' : 'fragment',"
                          " clags: C ? C.stats.channelLags.slice() : [], fcp: P.length ? P[0].startTime : null}; }")
    r = page.evaluate("() => { const S = window.__pg, C = globalThis.PlaygroundCanvas;"
                      " return {t0: S.t0, t1: S.t1, paints: S.paints.length,"
                      " frames: S.frames.length, samples: S.samples, lags: S.lags,"
                      " skipped: C && C.stats.skipped !== undefined ? C.stats.skipped - S.skipped0 : null}; }")
    page.locator(".st-key-pg_pause button:visible").first.click()
    ctx.close()
    span = (r["t1"] - r["t0"]) / 1000
    samples = r["samples"]
    counted = [s for s in samples if s["epoch"] is not None]
    # the counter's samples (10 Hz) over their own time span: the window's span is up to 0.2 s
    # longer than theirs, which read as 1-2 % fewer epochs a second than were trained
    e_span = (counted[-1]["t"] - counted[0]["t"]) / 1000 if len(counted) > 1 else 0.0
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
        "epochs_per_s": (counted[-1]["epoch"] - counted[0]["epoch"]) / e_span if e_span > 0 else 0.0,
        "first_boundary_s": first / 1000,
        "after_first_paint_s": (first - extra["fcp"]) / 1000 if extra["fcp"] is not None else None,
        "st_msgs_per_s": msgs / wall,
        "unprobed_paints_per_s": quiet_paints,
        "browser_cores": b_cpu,
        "server_cores": s_cpu,
        "samples": len(samples),
        "heat": heat,
    }


def measure_floor(browser, seconds: float, width: int, height: int, size: int, left: int) -> dict:
    """The bare 60 fps canvas (FLOOR) in a fresh context of the same browser."""
    ctx = browser.new_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    page.set_content(FLOOR % (left, size, size))
    time.sleep(1.0)
    n0, b0, w0 = page.evaluate("n"), cpu_seconds(_browsers()), time.perf_counter()
    page.wait_for_timeout(seconds * 1000)
    wall = time.perf_counter() - w0
    out = {"floor_fps": (page.evaluate("n") - n0) / wall, "floor_cores": (cpu_seconds(_browsers()) - b0) / wall}
    ctx.close()
    return out


# Another page measured the same way (--reference: TensorFlow Playground, served from a local
# build of its public source): its 100×100 heatmap images put per second, its own epoch counter
# (#iter-number) and the browser's CPU while it plays, in the same browser and round.
REFERENCE_PROBE = """(() => { window.__puts = 0; const put = CanvasRenderingContext2D.prototype.putImageData;
  CanvasRenderingContext2D.prototype.putImageData = function (img, ...a) {
    if (img && img.width === 100 && img.height === 100) window.__puts++; return put.call(this, img, ...a); }; })();"""


def measure_reference(browser, url: str, play: str, seconds: float, width: int, height: int) -> dict:
    ctx = browser.new_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("http://127.0.0.1", "http://localhost"))
               else r.abort())  # loopback only (a local build; no analytics, no fonts)
    page.add_init_script(REFERENCE_PROBE)
    page.goto(url)
    page.locator(play).first.click()
    time.sleep(2.0)
    count = lambda: int(re.sub(r"\D", "", page.inner_text("#iter-number")) or 0) if page.locator("#iter-number").count() else 0  # noqa: E731
    i0, n0, b0, w0 = count(), page.evaluate("__puts"), cpu_seconds(_browsers()), time.perf_counter()
    page.wait_for_timeout(seconds * 1000)
    wall = time.perf_counter() - w0
    out = {"ref_fps": (page.evaluate("__puts") - n0) / wall, "ref_epochs_per_s": (count() - i0) / wall,
           "ref_cores": (cpu_seconds(_browsers()) - b0) / wall}
    ctx.close()
    return out


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
    ap.add_argument("--against", metavar="APP",
                    help="also serve another app.py (e.g. the last release's, from a git worktree), alternating")
    ap.add_argument("--no-floor", action="store_true",
                    help="skip the floor: a bare page painting a canvas of the boundary's size")
    ap.add_argument("--reference", metavar="URL",
                    help="also measure this page each round, e.g. a local TensorFlow Playground build "
                         "(python -m http.server --directory its dist/)")
    ap.add_argument("--reference-play", default="#play-pause-button", metavar="SELECTOR",
                    help="what to click to start the reference page (TensorFlow Playground's Play)")
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                    help="extra environment for the server, e.g. PG_TICK=0.02")
    args = ap.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing (apt-get install chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    env = {"PG_BENCH": "1", **dict(e.split("=", 1) for e in args.env)}
    variants = [("now", env, args.app)] + ([("channel off", {**env, "PLAYGROUND_LIVE_CHANNEL": "off"}, args.app)]
                                           if args.side_by_side else [])
    if args.against:
        variants.append((f"against {args.against}", env, args.against))
    servers: list = []
    results: dict[str, list] = {name: [] for name, _, _ in variants}
    try:
        for name, e, a in variants:  # (inside the try: a server started is always stopped)
            servers.append((name, *start_app(app=Path(a), env=e)))
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(args.runs):
                for name, proc, url in servers:  # alternated: both see the same machine
                    r = measure(browser, url, args.query, args.seconds, args.width, args.height,
                                psutil.Process(proc.pid))
                    results[name].append(r)
                last = results[variants[0][0]][-1]
                if not args.no_floor and last["heat"]:  # after this round's runs, same browser
                    last.update(measure_floor(browser, args.seconds, args.width, args.height, *last["heat"]))
                if args.reference:
                    last.update(measure_reference(browser, args.reference, args.reference_play,
                                                  args.seconds, args.width, args.height))
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
    keys = [k for k in runs[0] if k not in ("samples", "mode", "heat")]
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
           "browser_cores": "{:.2f}", "server_cores": "{:.2f}", "unprobed_paints_per_s": "{:.1f}",
           "floor_fps": "{:.1f}", "floor_cores": "{:.2f}",
           "ref_fps": "{:.1f}", "ref_epochs_per_s": "{:.0f}", "ref_cores": "{:.2f}"}
    for k in keys:
        if not all(k in r for r in runs):
            continue
        vals = ", ".join(fmt[k].format(r[k]) if r[k] is not None else "–" for r in runs)
        m = fmt[k].format(med[k]) if med[k] is not None else "–"
        print(f"  {k:<19} median {m:<10} runs [{vals}]" + (f"   target {target[k]}" if k in target else ""))


if __name__ == "__main__":
    sys.exit(main())
