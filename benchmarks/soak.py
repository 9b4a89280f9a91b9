"""Memory and per-tick cost of a run left playing for a long time, and of a session that adds
points and branches its run again and again: they must stay flat.

    python benchmarks/soak.py [--epochs 10000,100000,1000000,2000000] [--ticks 30]
                              [--train 3000] [--branch-at 300] [--cycles 20] [--between 50]

Method. Training 10⁷ real epochs would take hours, and what grows with the epoch count is
not the training but what is kept per epoch (the history, the trail of weight snapshots) and
what each tick converts from it. So one real Trainer (the default run) is filled through its
own record path — `trainer.epoch += 1; trainer.record()`, the code every epoch ends with,
thinning included, which appends to both the history and the trail — with `evaluate`
replaced by a stub that returns fresh floats (one forward pass per epoch is the only part
skipped). The same trainer goes on to each epoch count in turn, as a tab left playing would.
At each count it prints:

- records kept in the history, snapshots kept in the trail (`len(trainer.trail)`) and the
  bytes of their weights (`trail.nbytes`), and the process's RSS growth since a warm-up
  (the trainer built, its history filled to 2 × MAX_RECORDS epochs, one tick and one Plotly
  figure made; current resident set from /proc/self/statm, after a garbage collection);
- the tick's cost on the canvas path, median over --ticks: build the playback frame
  (`canvas_spec.playback_spec`, with three weight snapshots, as a tick sends) and encode it
  to JSON as Streamlit does;
- the Plotly fallback's loss curve (`figures.loss_figure`), median over --ticks.

The trail's byte bound binds on large networks only (the default one holds 200 snapshots of
25 weights), so the largest network (8 hidden layers of 32) is filled the same way to the
first epoch count and its trail printed too.

Then "edits and branches", measured on real training:

- a fresh default Trainer gets the most hand-placed points a link carries (E.MAX_ADDED,
  seeded uniform positions on the plane, random class and set: the least compressible
  case), one click at a time as the page does (`E.add`, `E.encode`, `trainer.set_edits`):
  the link form's length (≤ E.MAX_LINK), that it decodes to the same edits, that one more
  point is refused, the median cost of a click, and the RSS growth over the first and the
  second half of the clicks (bounded: the second half adds nothing); the same for a few
  clicks (--big-clicks) on the largest run (8 × 32 on 2,000 points), where anything kept
  per click weighs most;
- that run (its points added at epoch 0, so its link replays them) goes into a session page
  object (`ui.session.Page`), trains --train epochs, and then --cycles times: scrub back
  to the latest saved epoch at or before --branch-at, change the learning rate, branch
  (`branch_here`), train --between epochs, keep the branch (`keep_branch`), scrub back and
  branch again, train --between epochs. Printed: branches made, the median branch (its
  replay from the link), the live Trainer objects in the process at the worst moment (the
  run and at most one original: 2), the ghost curve's points (≤ branch.MAX_GHOST_POINTS),
  and the RSS growth over the cycles after the first.

Flat columns mean the run's memory and tick cost do not grow with its length. Before the
history was bounded: +192 MB and 71 ms per tick at 10⁶ epochs, +964 MB and 300 ms at 5·10⁶.
The default epoch counts stop at 2·10⁶ so that the script finishes in about two minutes on
two shared cores (the record path costs 15–30 µs an epoch there); `--epochs
10000,1000000,10000000` is the long soak (about two and a half minutes more).
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.views import canvas_spec as cs  # noqa: E402
from playground.core import branch as B, edits as E, trail as TR  # noqa: E402
from playground.core.config import DEFAULT, MAX_LAYERS, MAX_NEURONS, MAX_POINTS  # noqa: E402
from playground.views.figures import loss_figure  # noqa: E402
from playground.core.train import MAX_RECORDS, Trainer  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    gc.collect()
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE / 2**20


def fill(t: Trainer, until: int) -> None:
    """Record epochs up to `until` through the trainer's own record path (evaluate stubbed)."""
    while t.epoch < until:
        t.epoch += 1
        t.record()


def stub_evaluate(t: Trainer):
    def evaluate():
        e = t.epoch
        return 1.0 / (1.0 + 1e-3 * e), 1.1 / (1.0 + 1e-3 * e), 0.5 + 1e-9 * e, 0.5 - 1e-9 * e
    return evaluate


def median_ms(fn, n: int) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def bounded(trail) -> str:
    """Whether the trail keeps to its bounds: count ≤ capacity ≤ MAX_SNAPSHOTS, bytes ≤ MAX_BYTES."""
    ok = len(trail) <= trail.capacity <= TR.MAX_SNAPSHOTS and trail.nbytes <= TR.MAX_BYTES
    return "yes" if ok else "NO"


def soak(counts: list[int], ticks: int) -> None:
    """The long run: history, trail, RSS and tick cost at each epoch count."""
    t = Trainer(DEFAULT)
    snaps = [cs.weights_snapshot(t) for _ in range(3)]
    t.evaluate = stub_evaluate(t)

    def tick():
        json.dumps(cs.playback_spec(t, snaps))

    fill(t, 2 * MAX_RECORDS)  # warm up: a full, thinned history; Plotly's first figure
    tick(), loss_figure(t.history)
    base = rss_mb()

    print(f"trail bounds: ≤ {t.trail.capacity} snapshots for this network "
          f"({t.net.n_params} weights), ≤ {TR.MAX_BYTES:,} bytes")
    print(f"{'epochs':>12} {'records':>8} {'snapshots':>9} {'trail':>9} {'bounded':>7} "
          f"{'RSS growth':>11} {'tick (canvas)':>14} {'loss figure':>12} {'fill time':>10}")
    for n in counts:
        start = time.perf_counter()
        fill(t, n)
        filled = time.perf_counter() - start
        grown = rss_mb() - base
        tick_ms = median_ms(tick, ticks)
        figure_ms = median_ms(lambda: loss_figure(t.history), ticks)
        print(f"{n:>12,} {len(t.history):>8,} {len(t.trail):>9,} {t.trail.nbytes / 1e3:>6.1f} kB "
              f"{bounded(t.trail):>7} {grown:>8.1f} MB {tick_ms:>11.2f} ms "
              f"{figure_ms:>9.2f} ms {filled:>8.1f} s", flush=True)

    big = Trainer(DEFAULT.replace(layers=(MAX_NEURONS,) * MAX_LAYERS))
    big.evaluate = stub_evaluate(big)
    fill(big, counts[0])
    tr = big.trail
    print(f"largest network ({MAX_LAYERS} × {MAX_NEURONS}, {big.net.n_params:,} weights) at "
          f"{counts[0]:,} epochs: {len(tr)} snapshots (capacity {tr.capacity}), "
          f"{tr.nbytes:,} bytes (≤ {TR.MAX_BYTES:,}): bounded {bounded(tr)}", flush=True)


def click_points(t: Trainer, n: int, rng: np.random.Generator) -> tuple[E.Edits, list[float]]:
    """Add `n` hand-placed points to run `t` one click at a time, as the page does (seeded
    uniform positions on the plane, random class and set). Returns the edits and the clicks'
    times."""
    e, cfg, clicks = E.decode(t.cfg.edits)[0] or E.NONE, t.cfg, []
    for _ in range(n):
        x, y = rng.uniform(-6, 6, 2)
        p = E.point(x, y, int(rng.integers(t.data.n_classes)), bool(rng.random() < 0.5), False)
        start = time.perf_counter()
        e = E.add(e, p)
        cfg = cfg.replace(edits=E.encode(e))
        t.set_edits(cfg)
        clicks.append(time.perf_counter() - start)
    return e, clicks


def halves(t: Trainer, n: int, rng: np.random.Generator) -> tuple[E.Edits, list[float], str]:
    """`click_points` n points in two halves; also the RSS growth over each half, as text:
    bounded memory grows in the first half at most (buffers reaching their size), not in both."""
    before = rss_mb()
    _, first = click_points(t, n // 2, rng)
    middle = rss_mb()
    e, second = click_points(t, n - n // 2, rng)
    return e, first + second, f"{middle - before:.1f} / {rss_mb() - middle:.1f} MB"


def add_points(args) -> tuple[Trainer, list[tuple[str, str]]]:
    """A fresh default run with E.MAX_ADDED hand-placed points; the largest run given
    --big-clicks points."""
    rng = np.random.default_rng(args.seed)
    t = Trainer(DEFAULT)
    n = E.MAX_ADDED
    e, clicks, grown = halves(t, n, rng)
    try:
        E.add(e, (0, 0, 0, False))
        refused = "NO"
    except ValueError:
        refused = "yes"
    link = t.cfg.edits
    same = "yes" if E.decode(link) == (e, None) else "NO"
    big = Trainer(DEFAULT.replace(layers=(MAX_NEURONS,) * MAX_LAYERS, points=MAX_POINTS))
    k = args.big_clicks
    big_grown = halves(big, k, rng)[2]
    del big
    n_test = sum(p[3] for p in e.added)
    return t, [("points added (train + test)", f"{len(e.added)} = {len(e.added) - n_test} + {n_test}; "
                f"the run has {len(t.data.X_train)} + {len(t.data.X_test)}"),
               ("one more point refused", refused),
               ("link form (edits=)", f"{len(link):,} characters (≤ {E.MAX_LINK:,}); decodes to the same: {same}"),
               ("one click (add, encode, set_edits)", f"{1e3 * statistics.median(clicks):.2f} ms median"),
               (f"RSS growth, clicks 1–{n // 2} / {n // 2 + 1}–{n}", grown),
               (f"  the same, {MAX_LAYERS} × {MAX_NEURONS} on {MAX_POINTS:,} points, "
                f"clicks 1–{k // 2} / {k // 2 + 1}–{k}", big_grown)]


def live_trainers() -> int:
    """Trainer objects alive in the process (cyclic garbage collected first)."""
    gc.collect()
    return sum(isinstance(o, Trainer) for o in gc.get_objects())


def branch_once(page, branch_at: int, lr: float) -> tuple[str | None, float]:
    """Scrub the page's run back to its latest saved epoch at or before `branch_at`, set the
    learning rate `lr` and branch there. Returns (why not, or None; seconds)."""
    run = page.trainer
    saved = [ep for ep in run.trail.epochs() if 0 < ep < run.epoch and ep <= min(branch_at, run.exact_until)]
    del run   # only the page may keep the run alive
    if not saved:
        return f"no saved epoch in 1–{branch_at:,} (raise --branch-at)", 0.0
    page.scrub_to(saved[-1])
    page.cfg = page.cfg.replace(lr=lr)
    start = time.perf_counter()
    why = page.branch_here()
    return why, time.perf_counter() - start


def branches(args, rows: list[tuple[str, str]]) -> None:
    """The run with added points (`add_points`) in a session page object: branch → keep →
    branch, --cycles times. Appends its rows to `rows`."""
    t, added = add_points(args)
    before = rss_mb()
    from playground.ui.session import Page   # imports streamlit (no runtime needed)
    rows += added + [("RSS growth, importing ui.session", f"{rss_mb() - before:.1f} MB (streamlit)")]
    page = Page(cfg=t.cfg, trainer=t)
    del t   # the page holds the run from here: only it may keep trainers alive
    start = time.perf_counter()
    page.trainer.train(args.train)
    trained = time.perf_counter() - start
    failed, took, most, ghost, base = [], [], live_trainers(), 0, rss_mb()
    for i in range(args.cycles):
        for lr in (0.003, 0.01):   # branch, keep, branch: the second one leaves the first
            why, seconds = branch_once(page, args.branch_at, lr)
            failed += [why] if why else []
            took += [] if why else [seconds]
            most = max(most, live_trainers())
            ghost = max(ghost, len(page.ghost["epoch"]) if page.ghost else 0)
            page.trainer.train(args.between)
            if lr == 0.003:
                page.keep_branch()
        base = rss_mb() if i == 0 else base
    grown = rss_mb() - base
    kept = "a Trainer" if isinstance(page.original, Trainer) else "none"
    rows += [(f"trained with {E.MAX_ADDED} added points", f"{args.train:,} epochs in {trained:.1f} s"),
             ("branches made", f"{len(took)} of {2 * args.cycles}" + (f" (not: {failed[0]})" if failed else "")),
             ("one branch (replay from its link)", f"{1e3 * statistics.median(took or [0]):.0f} ms median"),
             ("live Trainer objects, at most", f"{most} (the run and one original); page.original now: {kept}"),
             ("ghost curve points, at most", f"{ghost} (≤ {B.MAX_GHOST_POINTS})"),
             (f"RSS growth, the {args.cycles - 1} cycles after the first", f"{grown:.1f} MB")]


def main() -> None:
    ap = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    ap.add_argument("--epochs", default="10000,100000,1000000,2000000",
                    help="comma-separated epoch counts the long run is filled to")
    ap.add_argument("--ticks", type=int, default=30, help="ticks and figures per median")
    ap.add_argument("--train", type=int, default=3000, help="real epochs before the first branch")
    ap.add_argument("--branch-at", type=int, default=300,
                    help="scrub back to the latest saved epoch at or before this")
    ap.add_argument("--cycles", type=int, default=20, help="branch → keep → branch cycles")
    ap.add_argument("--between", type=int, default=50, help="real epochs trained after each branch")
    ap.add_argument("--big-clicks", type=int, default=10,
                    help="points added one by one to the largest run (8 × 32, 2,000 points)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the added points")
    args = ap.parse_args()
    counts = sorted(int(v) for v in args.epochs.split(","))
    start = time.perf_counter()
    soak(counts, args.ticks)

    rows: list[tuple[str, str]] = []
    branches(args, rows)
    print("\nedits and branches")
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"  {k:<{width}}  {v}")
    print(f"\ntotal {time.perf_counter() - start:.0f} s; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
