"""Speed of "See inside": computing a Trace (core/inside.trace) and taking its step for real
(core/inside.take_step), for the default network and the largest one (8 hidden layers of 32).

Budget: a Trace within 50 ms on the largest network. Beside it the same run times a fixed
NumPy workload (REFERENCE: 200 products of 256×256 matrices), so numbers from a slower or
busier machine can be compared through the ratio. CPU time of this process, BLAS pinned to
one thread (as benchmarks/engine.py), medians of interleaved repeats.

    python benchmarks/inside.py [--repeats 31]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import numpy as np  # noqa: E402

from playground.core import inside  # noqa: E402
from playground.core.config import parse_query  # noqa: E402
from playground.core.train import Trainer  # noqa: E402

CLOCK = time.process_time
BUDGET_MS = 50.0
LARGEST = "layers=" + ",".join(["32"] * 8)
CASES = {  # name: (query, chosen training points)
    "default 2-4-2-1, one point": ("", [0]),
    "default 2-4-2-1, ten points": ("", list(range(10))),
    "8x32, one point": (LARGEST, [0]),
    "8x32, ten points": (LARGEST, list(range(10))),
    "8x32, 2,000 points (1,800 train), one point": (f"{LARGEST}&points=2000&train=90", [0]),
}


def reference() -> float:
    """A fixed NumPy workload: 200 products of two 256×256 matrices."""
    a = np.random.default_rng(0).standard_normal((256, 256))
    start = CLOCK()
    for _ in range(200):
        a.dot(a)
    return CLOCK() - start


def timed(fn, *args) -> float:
    start = CLOCK()
    fn(*args)
    return CLOCK() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=31)
    a = ap.parse_args()
    runs = {name: Trainer(parse_query(q)[0]) for name, (q, _) in CASES.items()}
    times = {name: ([], []) for name in CASES}
    ref = []
    for _ in range(a.repeats):
        ref.append(reference())
        for name, (_, points) in CASES.items():
            t = runs[name]
            times[name][0].append(timed(inside.trace, t, points))
            times[name][1].append(timed(inside.take_step, t, points))
    r = statistics.median(ref)
    print(f"median CPU time of {a.repeats} interleaved repeats; reference workload "
          f"(200 products of 256x256 matrices): {r * 1e3:.1f} ms\n")
    print(f"{'case':46} {'trace':>9} {'take_step':>10} {'trace/ref':>10}")
    for name, (tr, ts) in times.items():
        m, s = statistics.median(tr), statistics.median(ts)
        print(f"{name:46} {m * 1e3:7.2f}ms {s * 1e3:8.2f}ms {m / r:10.3f}")
    worst = max(statistics.median(times[n][0]) for n in CASES if n.startswith("8x32"))
    print(f"\nlargest network: {worst * 1e3:.1f} ms per trace, budget {BUDGET_MS:.0f} ms "
          f"({'within' if worst * 1e3 <= BUDGET_MS else 'OVER'})")


if __name__ == "__main__":
    main()
