"""The worst configuration the limits allow: time for one epoch plus one redraw.

Most layers × neurons × points (8 × 32, 2000 points, 90 % training), every input feature,
at batch sizes 1 (most steps) and 10, plus the largest boundary grid (100 × 100) with every
neuron's thumbnail. Budget: one epoch + one redraw within BUDGET seconds, so a page that trains
with a time budget per tick stays responsive even here.

    python benchmarks/limits.py
"""
import os
import statistics
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import numpy as np  # noqa: E402

from playground.core.config import FEATURE_NAMES, MAX_LAYERS, MAX_NEURONS, MAX_POINTS, parse_query  # noqa: E402
from playground.core.rundata import augmented  # noqa: E402
from playground.core.train import Trainer  # noqa: E402

BUDGET = 0.5  # seconds for one epoch + one redraw at the very worst allowed settings


def median_time(f, reps=3):
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    layers = ",".join([str(MAX_NEURONS)] * MAX_LAYERS)
    g = np.linspace(-6, 6, 100)
    grid = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    print(f"{MAX_LAYERS} x {MAX_NEURONS} neurons, {MAX_POINTS} points (90 % train), all 7 features\n")
    ok = True
    for batch in (1, 10):
        q = (f"dataset=spiral&classes=5&points={MAX_POINTS}&train=90&layers={layers}&batch={batch}"
             f"&features={','.join(FEATURE_NAMES)}&cost=cross_entropy&optimizer=adam&residual=1&reg=l2&reg_rate=0.001")
        t = Trainer(parse_query(q)[0])
        epoch = median_time(t.step_epoch)
        redraw = median_time(lambda: (t.predict_grid(grid), t.net.activations(augmented(grid, t.cfg.features))))
        total = epoch + redraw
        ok &= total <= BUDGET
        print(f"batch {batch:2}: epoch {epoch * 1e3:7.1f} ms + redraw {redraw * 1e3:6.1f} ms = "
              f"{total * 1e3:7.1f} ms  (budget {BUDGET * 1e3:.0f} ms: {'ok' if total <= BUDGET else 'OVER'})")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
