"""Speed of core/spaces: `layer_view` (one frame of "the data as a layer sees it") and
`loss_slice` (the loss on a plane through the weights), for the default network (Config
defaults: 2-4-2-1 tanh, 500 points) and the largest (8 hidden layers × 32), side by side.

    python benchmarks/spaces.py [--repeats 5] [--slow-repeats 1]

Targets: a layer view ≤ 50 ms per frame for the largest net at the default grid; a 41×41
slice well under 1 s for the default net (for the largest, `loss_slice` reduces n to its
1 s budget and says so). Machines here are shared: a fixed NumPy reference workload (a
200×200 matrix product and tanh, 20 times) is timed in the same run, interleaved, and every
wall time is also printed as a ratio to it. Medians of wall and CPU time; BLAS pinned to one
thread.
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

from playground.core.config import Config  # noqa: E402
from playground.core.spaces import N_LINES, N_PER_LINE, N_SLICE, layer_view, loss_slice  # noqa: E402
from playground.core.train import Trainer  # noqa: E402

CASES = {"default 2-4-2-1": Config(), "largest 8 × 32": Config(layers=(32,) * 8)}
EPOCHS = 20  # trained a little, so the weights are not the initial ones

_A = np.random.default_rng(0).standard_normal((200, 200))


def reference() -> None:
    """The fixed NumPy workload: 20 × tanh(A @ A), A 200 × 200."""
    for _ in range(20):
        np.tanh(_A @ _A)


def timed(f) -> tuple[float, float]:
    """(wall, CPU) seconds of f()."""
    start, cpu = time.perf_counter(), time.process_time()
    f()
    return time.perf_counter() - start, time.process_time() - cpu


def measure(repeats: int, slow_repeats: int) -> tuple[dict, dict, dict]:
    trainers = {name: Trainer(cfg) for name, cfg in CASES.items()}
    for t in trainers.values():
        t.train(EPOCHS)
    jobs = {}
    for name, t in trainers.items():
        mid = max(1, len(t.cfg.layers) // 2)  # a middle hidden layer (PCA when wider than 2)
        jobs[(name, "layer_view, middle hidden layer")] = (lambda t=t, mid=mid: layer_view(t, mid), repeats)
        jobs[(name, f"loss_slice {N_SLICE}×{N_SLICE}, no budget")] = (
            lambda t=t: loss_slice(t, n=N_SLICE, budget=None), slow_repeats if "largest" in name else repeats)
        jobs[(name, "loss_slice, 1 s budget")] = (lambda t=t: loss_slice(t, n=N_SLICE), repeats)
    times = {k: [] for k in jobs}
    times["reference"] = []
    for f, _ in jobs.values():
        f()  # warm up: workspaces, caches
    for r in range(max(repeats, slow_repeats)):
        times["reference"].append(timed(reference))
        for k, (f, reps) in jobs.items():
            if r < reps:
                times[k].append(timed(f))
    budgeted = {name: loss_slice(t, n=N_SLICE) for name, t in trainers.items()}
    return times, budgeted, trainers


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--slow-repeats", type=int, default=1,
                    help="repeats of the largest net's unbudgeted 41×41 slice (tens of seconds each)")
    a = ap.parse_args()
    times, budgeted, trainers = measure(a.repeats, a.slow_repeats)
    refs = times.pop("reference")
    ref, ref_cpu = (statistics.median(r[k] for r in refs) for k in (0, 1))
    print(f"layer view grid {N_LINES} lines × {N_PER_LINE} samples each way; slices {N_SLICE}×{N_SLICE}; "
          f"medians of {a.repeats} interleaved runs: wall time (ratio to the reference's), CPU time; one BLAS thread")
    print(f"reference workload: {1e3 * ref:.1f} ms wall, {1e3 * ref_cpu:.1f} ms CPU\n")
    names = list(CASES)
    jobs = sorted({j for _, j in times}, key=lambda j: [j for _, j in times].index(j))
    print(f"{'':34}" + "".join(f"{n:>40}" for n in names))
    for job in jobs:
        cells = []
        for n in names:
            wall, cpu = (statistics.median(r[k] for r in times[(n, job)]) for k in (0, 1))
            cells.append(f"{1e3 * wall:9.1f} ms ({wall / ref:6.2f}× ref), {1e3 * cpu:7.1f} CPU")
        print(f"{job:34}" + "".join(f"{c:>40}" for c in cells))
    print()
    for n in names:
        s, t = budgeted[n], trainers[n]
        mid = max(1, len(t.cfg.layers) // 2)
        print(f"{n}: {t.net.n_params} parameters, view of hidden layer {mid} "
              f"({layer_view(t, mid).mode}), {t.X_train.shape[1]} training + {t.X_test.shape[1]} "
              f"test points; budgeted slice {s.n}×{s.n}" + (f" ({s.reduced})" if s.reduced else ""))


if __name__ == "__main__":
    main()
