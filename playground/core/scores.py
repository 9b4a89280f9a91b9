"""How right the network is, beyond one loss number: the confusion matrix and per-class
precision and recall (classification), R² and the mean absolute error (regression).

Computed from the trainer's own forward pass and its own rule for a predicted class
(`costs.predict_classes`, as `Trainer.evaluate` counts accuracy), so the matrix's diagonal
gives exactly the accuracy the page shows.

    confusion[i, j]  = training (or test) points of true class i predicted as class j
    precision_j      = confusion[j, j] / Σᵢ confusion[i, j]   (of the points called j, right)
    recall_i         = confusion[i, i] / Σⱼ confusion[i, j]   (of the points of class i, found)
    R²               = 1 − Σ (y − ŷ)² / Σ (y − ȳ)²            MAE = mean |y − ŷ|
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .costs import predict_classes

Array = np.ndarray


@dataclass(frozen=True)
class Split:
    """The scores of one split ("train" or "test")."""
    name: str
    n: int
    confusion: Array | None = None       # (k, k) counts; None for regression
    precision: Array | None = None       # (k,), NaN for a class never predicted
    recall: Array | None = None          # (k,), NaN for a class with no point
    accuracy: float = float("nan")
    r2: float = float("nan")
    mae: float = float("nan")
    truth: Array | None = None           # regression: the targets ...
    predicted: Array | None = None       # ... and the network's values


def _classes(name: str, y: Array, p: Array, k: int) -> Split:
    C = np.zeros((k, k), dtype=np.int64)
    np.add.at(C, (y.astype(np.int64), p.astype(np.int64)), 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.diag(C) / C.sum(axis=0)
        recall = np.diag(C) / C.sum(axis=1)
    n = int(C.sum())
    return Split(name, n, C, precision, recall, accuracy=float(np.trace(C)) / n if n else float("nan"))


def _values(name: str, y: Array, p: Array) -> Split:
    n = y.size
    if n == 0:
        return Split(name, 0)
    with np.errstate(all="ignore"):
        ss_res, ss_tot = float(np.sum((y - p) ** 2)), float(np.sum((y - y.mean()) ** 2))
        r2 = 1.0 - ss_res / ss_tot if ss_tot > 0 else float("nan")
        mae = float(np.mean(np.abs(y - p)))
    return Split(name, n, r2=r2, mae=mae, truth=y.copy(), predicted=p.copy())


def scores(t) -> tuple[Split, Split]:
    """(train, test) scores of a Trainer now."""
    n = t.X_train.shape[1]
    O = t.net.forward(t.X_all)
    if t.problem == "regression":
        y, p = t.T_all[0], O[0]
        return _values("train", y[:n], p[:n]), _values("test", y[n:], p[n:])
    k = max(2, t.head.units)
    p = predict_classes(O, t.head)
    return _classes("train", t.y_all[:n], p[:n], k), _classes("test", t.y_all[n:], p[n:], k)
