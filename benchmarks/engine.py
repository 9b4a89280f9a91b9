"""Engine speed vs scikit-learn's MLPClassifier doing the same work, measured side by side.

Same architecture, batch size, epochs, plain SGD (no momentum, no early stopping, no L2),
same dataset: 1,000 points split 50/50, so 500 training points (the issue's case A: 2-8-8-1
tanh on 500 training points at batch 10; case C's full batch is 500). Both compute the
training loss once per epoch. Runs are interleaved and repeated; medians and ratios are printed.

    python benchmarks/engine.py [--repeats 5] [--epochs 100]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import numpy as np  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402

from playground.core.config import parse_query  # noqa: E402
from playground.core.train import Trainer  # noqa: E402

# CPU time of this process: both sides are single-threaded (BLAS pinned to one thread), and on
# a shared machine CPU time is far less disturbed by other jobs than wall time.
CLOCK = time.process_time

DATA = "dataset=circle&points=1000&train=50"  # 500 training points, 500 test points
TRAIN_POINTS = 500
CASES = {
    "A  2-8-8-1 tanh, batch 10": (f"{DATA}&layers=8,8&activation=tanh&cost=cross_entropy", 10),
    "B  six hidden layers of 8, batch 10": (f"{DATA}&layers=8,8,8,8,8,8&activation=tanh&cost=cross_entropy", 10),
    "C  2-8-8-1 tanh, full batch": (f"{DATA}&layers=8,8&activation=tanh&cost=cross_entropy&batch=500", 500),
}


def ours(query: str, epochs: int) -> float:
    t = Trainer(parse_query(query)[0])
    start = CLOCK()
    t.train(epochs)
    return CLOCK() - start


def sklearn(query: str, batch: int, epochs: int) -> float:
    t = Trainer(parse_query(query)[0])  # the same data
    X, y = t.data.X_train, t.data.y_train
    m = MLPClassifier(hidden_layer_sizes=t.cfg.layers, activation="tanh", solver="sgd",
                      batch_size=batch, learning_rate_init=0.03, momentum=0.0,
                      nesterovs_momentum=False, alpha=0.0, max_iter=epochs, tol=0.0,
                      n_iter_no_change=10**9, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = CLOCK()
        m.fit(X, y)
        return CLOCK() - start


def grid_eval(query: str, n: int = 100, reps: int = 50) -> float:
    t = Trainer(parse_query(query)[0])
    g = np.linspace(-6, 6, n)
    X = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    t.predict_grid(X)
    start = CLOCK()
    for _ in range(reps):
        t.predict_grid(X)
    return (CLOCK() - start) / reps


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=100)
    a = ap.parse_args()
    print(f"{a.epochs} epochs on {TRAIN_POINTS} training points, median CPU time of {a.repeats} interleaved runs\n")
    print(f"{'case':38} {'ours':>10} {'sklearn':>10} {'ours ep/s':>10} {'speed-up':>9}")
    for name, (query, batch) in CASES.items():
        mine, theirs = [], []
        for _ in range(a.repeats):
            mine.append(ours(query, a.epochs))
            theirs.append(sklearn(query, batch, a.epochs))
        m, s = statistics.median(mine), statistics.median(theirs)
        print(f"{name:38} {m * 1e3:8.1f}ms {s * 1e3:8.1f}ms {a.epochs / m:10.0f} {s / m:8.1f}x")
    for q in ("layers=8,8", "layers=32,32,32,32,32,32,32,32"):
        print(f"\n100x100 boundary grid, {q}: {grid_eval(q) * 1e3:.2f} ms per evaluation")


if __name__ == "__main__":
    main()
