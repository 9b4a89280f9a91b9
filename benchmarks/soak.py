"""Memory and per-tick cost of a run left playing for a long time: they must stay flat.

    python benchmarks/soak.py [--epochs 10000,1000000,10000000] [--ticks 30]

Method. Training 10⁷ real epochs would take hours, and what grows with the epoch count is
not the training but what is kept per epoch (the history) and what each tick converts from
it. So one real Trainer (the default run) is filled through its own record path —
`trainer.epoch += 1; trainer.record()`, the code every epoch ends with, thinning included —
with `evaluate` replaced by a stub that returns fresh floats (one forward pass per epoch is
the only part skipped). The same trainer goes on to each epoch count in turn, as a tab left
playing would. At each count it prints:

- records kept in the history and the process's RSS growth since a warm-up (the trainer
  built, its history filled to 2 × MAX_RECORDS epochs, one tick and one Plotly figure made;
  current resident set from /proc/self/statm, after a garbage collection);
- the tick's cost on the canvas path, median over --ticks: build the playback frame
  (`canvas_spec.playback_spec`, with three weight snapshots, as a tick sends) and encode it
  to JSON as Streamlit does;
- the Plotly fallback's loss curve (`figures.loss_figure`), median over --ticks.

Flat columns mean the run's memory and tick cost do not grow with its length. Before the
history was bounded: +192 MB and 71 ms per tick at 10⁶ epochs, +964 MB and 300 ms at 5·10⁶.
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.views import canvas_spec as cs  # noqa: E402
from playground.core.config import DEFAULT  # noqa: E402
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epochs", default="10000,1000000,10000000")
    ap.add_argument("--ticks", type=int, default=30)
    args = ap.parse_args()
    counts = sorted(int(v) for v in args.epochs.split(","))

    t = Trainer(DEFAULT)
    snaps = [cs.weights_snapshot(t) for _ in range(3)]
    t.evaluate = stub_evaluate(t)

    def tick():
        json.dumps(cs.playback_spec(t, snaps))

    fill(t, 2 * MAX_RECORDS)  # warm up: a full, thinned history; Plotly's first figure
    tick(), loss_figure(t.history)
    base = rss_mb()

    print(f"{'epochs':>12} {'records':>8} {'RSS growth':>11} {'tick (canvas)':>14} "
          f"{'loss figure':>12} {'fill time':>10}")
    for n in counts:
        start = time.perf_counter()
        fill(t, n)
        filled = time.perf_counter() - start
        grown = rss_mb() - base
        tick_ms = median_ms(tick, args.ticks)
        figure_ms = median_ms(lambda: loss_figure(t.history), args.ticks)
        print(f"{n:>12,} {len(t.history):>8,} {grown:>8.1f} MB {tick_ms:>11.2f} ms "
              f"{figure_ms:>9.2f} ms {filled:>8.1f} s", flush=True)


if __name__ == "__main__":
    main()
