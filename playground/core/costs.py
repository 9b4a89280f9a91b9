"""Costs and output heads: how the last layer meets the labels.

A cost is `value(O, T)` (the cost of each point, shape (n,)) and `grad(O, T, out)` (∂cost/∂O);
O and T are (units, n) matrices, one column per point.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

Array = np.ndarray


class Cost(NamedTuple):
    value: Callable[[Array, Array], Array]        # value(O, T) -> cost per point, shape (n,)
    grad: Callable[[Array, Array, Array], Array]  # grad(O, T, out) -> out = ∂cost/∂O


def _squared(O, T):
    """½ Σ_j (o_j − t_j)²  (TensorFlow Playground's cost)"""
    return 0.5 * ((O - T) ** 2).sum(axis=0)


def _squared_grad(O, T, out):
    return np.subtract(O, T, out)


def _mse(O, T):
    """(o − t)²"""
    return ((O - T) ** 2).sum(axis=0)


def _mse_grad(O, T, out):
    np.subtract(O, T, out)
    return np.multiply(out, 2.0, out)


def _mae(O, T):
    """|o − t|"""
    return np.abs(O - T).sum(axis=0)


def _mae_grad(O, T, out):
    return np.sign(O - T, out)


def _huber(O, T):
    """½ r² for |r| ≤ 1, |r| − ½ beyond (r = o − t)"""
    r = np.abs(O - T)
    return np.where(r <= 1.0, 0.5 * r * r, r - 0.5).sum(axis=0)


def _huber_grad(O, T, out):
    return np.clip(O - T, -1.0, 1.0, out)


_EPS = 1e-12


def _cross_entropy(O, T):
    """−Σ_j t_j log p_j; one sigmoid unit: −[t log p + (1 − t) log(1 − p)]"""
    P = np.clip(O, _EPS, 1.0 - _EPS)
    p_true = np.where(T[0] > 0.5, P[0], 1.0 - P[0]) if O.shape[0] == 1 else (T * P).sum(axis=0)
    return -np.log(p_true)


def _cross_entropy_grad(O, T, out):
    P = np.clip(O, _EPS, 1.0 - _EPS)
    if O.shape[0] == 1:
        return np.divide(P - T, P * (1.0 - P), out)
    return np.divide(-T, P, out)


def _hinge(O, T):
    """one unit, t = ±1: max(0, 1 − t o); k units, one-hot t: Σ_{j≠y} max(0, 1 + o_j − o_y)"""
    if O.shape[0] == 1:
        return np.maximum(0.0, 1.0 - T * O)[0]
    M = np.maximum(0.0, 1.0 + O - (O * T).sum(axis=0)) * (1.0 - T)
    return M.sum(axis=0)


def _hinge_grad(O, T, out):
    if O.shape[0] == 1:
        return np.multiply(-T, (T * O) < 1.0, out)
    active = ((1.0 + O - (O * T).sum(axis=0)) > 0.0) * (1.0 - T)
    return np.subtract(active, T * active.sum(axis=0), out)


COSTS: dict[str, Cost] = {
    "squared": Cost(_squared, _squared_grad),
    "cross_entropy": Cost(_cross_entropy, _cross_entropy_grad),
    "hinge": Cost(_hinge, _hinge_grad),
    "mse": Cost(_mse, _mse_grad),
    "mae": Cost(_mae, _mae_grad),
    "huber": Cost(_huber, _huber_grad),
}


class Head(NamedTuple):
    """How the last layer meets the labels: its activation, cost and target coding."""
    output: str   # key of OUTPUTS
    cost: str     # key of COSTS
    targets: str  # "pm1" (±1), "01", "onehot" or "value"
    units: int


def head_for(problem: str, cost: str, n_classes: int) -> Head:
    """binary: squared → tanh & ±1 (TFP), cross_entropy → sigmoid, hinge → linear & ±1;
    k classes → k units (softmax, or linear scores for hinge); regression → one linear unit."""
    if problem == "regression":
        return Head("linear", cost, "value", 1)
    if n_classes > 2:
        return Head("linear" if cost == "hinge" else "softmax", cost, "onehot", n_classes)
    output, targets = {"squared": ("tanh", "pm1"), "cross_entropy": ("sigmoid", "01"),
                       "hinge": ("linear", "pm1")}[cost]
    return Head(output, cost, targets, 1)


def encode_targets(y: Array, head: Head) -> Array:
    """Labels (n,) → target matrix (units, n) in the head's coding."""
    if head.targets == "onehot":
        return (np.arange(head.units)[:, None] == y[None, :]).astype(np.float64)
    y = np.asarray(y, dtype=np.float64)[None, :]
    return 2.0 * y - 1.0 if head.targets == "pm1" else y.copy()


def class_scores(O: Array, head: Head) -> Array:
    """Output matrix → probability of class 1 (binary, shape (n,)) or class index (k classes)."""
    if head.units > 1:
        return O.argmax(axis=0)
    o = O[0]
    if head.output == "sigmoid":
        return o
    return (np.clip(o, -1.0, 1.0) + 1.0) / 2.0  # tanh or hinge scores (±1 targets)


def predict_classes(O: Array, head: Head) -> Array:
    s = class_scores(O, head)
    return s if head.units > 1 else (s > 0.5).astype(np.int64)
