"""Wall time of a Depth Lab sweep, serial and in parallel, in the same run.

    python benchmarks/sweep.py [--epochs 300] [--seeds 3] [--depths 0,1,2,3,4,6] [--n-jobs N]

6 depths × 3 seeds × 300 epochs on 500 points (circle, width 8, batch 10, the defaults).
The parallel pass uses joblib's loky processes (one per core) and includes starting them,
so it is what a user waits for the first time. Target: ≤ 5 s in parallel on 2 cores.
With PLAYGROUND_DASK_SCHEDULER set, a third pass times the Dask cluster.
A last pass starts a sweep of long runs (width 32, batch 1), stops it once the workers are
busy and prints how long the stop took and the CPU the workers used after it (target: about
a second, and no worker left busy).
The CPU budget of a click does not apply here (budget=None: this is local use).
"""
from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from playground.core.config import Config  # noqa: E402
from prockit import cpu_seconds  # noqa: E402
from playground.lab.sweep import DASK_ENV, run_sweep  # noqa: E402
from playground.lab.backends import cores  # noqa: E402

TARGET_S = 5.0


def timed(cfg, depths, seeds, epochs, backend, n_jobs=None):
    t = time.perf_counter()
    out = run_sweep(cfg, depths, seeds, epochs, backend=backend, n_jobs=n_jobs, budget=None)
    return time.perf_counter() - t, out


def workers_cpu() -> float:
    """CPU seconds of this process's children (the sweep's worker processes)."""
    return cpu_seconds(psutil.Process().children(recursive=True))


def stop_pass(n_jobs=None) -> tuple[float, float, float]:
    """(seconds from stop() to the return, worker CPU seconds in that time, worker CPU
    seconds over the next second)."""
    stop = threading.Event()
    cfg = Config(points=500, batch=1, lab_width=32)
    t = threading.Thread(target=run_sweep, args=(cfg, [4, 8], 2, 3000), daemon=True,
                         kwargs=dict(backend="processes", n_jobs=n_jobs, budget=None,
                                     should_stop=stop.is_set))
    base = workers_cpu()
    t.start()
    while workers_cpu() - base < 2.0:
        time.sleep(0.05)
    cpu0, t0 = workers_cpu(), time.perf_counter()
    stop.set()
    t.join()
    took, cpu1 = time.perf_counter() - t0, workers_cpu()
    time.sleep(1.0)
    return took, cpu1 - cpu0, workers_cpu() - cpu1


def strip(results):
    return [{k: v for k, v in r.items() if k != "seconds"} for r in results]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--depths", default="0,1,2,3,4,6")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=300)
    ap.add_argument("--points", type=int, default=500)
    ap.add_argument("--n-jobs", type=int, default=None)
    a = ap.parse_args()
    depths = [int(d) for d in a.depths.split(",")]
    cfg = Config(points=a.points)
    n = len(depths) * a.seeds
    print(f"sweep: {len(depths)} depths {depths} × {a.seeds} seeds × {a.epochs} epochs, "
          f"{a.points} points, width {cfg.lab_width}, {n} runs, {cores()} cores")

    t_serial, serial = timed(cfg, depths, a.seeds, a.epochs, "serial")
    print(f"serial:               {t_serial:6.2f} s  (sum of run times "
          f"{sum(r['seconds'] for r in serial):.2f} s)")
    t_par, par = timed(cfg, depths, a.seeds, a.epochs, "processes", a.n_jobs)
    print(f"parallel (processes): {t_par:6.2f} s  incl. starting workers   "
          f"speed-up {t_serial / t_par:.2f}×")
    t_warm, warm = timed(cfg, depths, a.seeds, a.epochs, "processes", a.n_jobs)
    print(f"parallel, warm pool:  {t_warm:6.2f} s                          "
          f"speed-up {t_serial / t_warm:.2f}×")
    same = strip(serial) == strip(par) == strip(warm)
    if os.environ.get(DASK_ENV):
        t_dask, dask = timed(cfg, depths, a.seeds, a.epochs, "dask")
        print(f"dask ({os.environ[DASK_ENV]}): {t_dask:6.2f} s   speed-up {t_serial / t_dask:.2f}×")
        same = same and strip(dask) == strip(serial)
    print(f"identical results across backends: {same}")
    took, during, after = stop_pass(a.n_jobs)
    print(f"stop while every worker is mid-run: returned in {took:.2f} s, workers used "
          f"{during:.2f} CPU-s meanwhile and {after:.2f} CPU-s in the next second")
    print(f"target ≤ {TARGET_S:g} s parallel: {'met' if t_par <= TARGET_S else 'MISSED'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
