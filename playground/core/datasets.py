"""Datasets and input features (pure NumPy).

Generators follow TensorFlow Playground's ``dataset.ts`` (TFP). Labels: TFP's -1 (orange)
is class 0, TFP's +1 (blue) is class 1. ``noise`` is the UI slider / 100, in [0, 0.5].
The data CSV format (reading and writing files) is `playground.io.data_csv`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from .config import MAX_POINTS, safe_echo, split_count

DOMAIN = 6.0  # inputs live in [-6, 6]^2
TAU = 2 * np.pi


class DataError(ValueError):
    """A bad dataset request or data file; the message is one sentence for the user."""


def _counts(n: int, k: int) -> list[int]:
    """Balanced class sizes: n // k each, the first n % k classes get one more."""
    return [n // k + (c < n % k) for c in range(k)]


def _classes(name: str, classes: int) -> int:
    lo, hi = DATASET_CLASSES[name]
    if not isinstance(classes, (int, np.integer)) or not lo <= classes <= hi:
        raise DataError(f"Dataset {name} needs between {lo} and {hi} classes, not '{safe_echo(classes)}'.")
    return int(classes)


def _truncated_normal(centres: np.ndarray, std: float, rng: np.random.Generator) -> np.ndarray:
    """centres + N(0, std²) per coordinate, redrawing points that fall outside the domain."""
    X = centres + rng.normal(0.0, std, centres.shape)
    for _ in range(100):
        bad = np.flatnonzero(np.abs(X).max(axis=1) > DOMAIN)
        if bad.size == 0:
            return X
        X[bad] = centres[bad] + rng.normal(0.0, std, (bad.size, 2))
    return np.clip(X, -DOMAIN, DOMAIN)


def circle(n, noise, classes, rng):
    """TFP circle: n/2 points r~U(0,2.5), n/2 points r~U(3.5,5), a~U(0,2π), p=(r·sin a, r·cos a).
    Class 1 iff |p + U(-5,5)·noise| < 2.5 (noise flips labels near the boundary; points stay put)."""
    n_in, n_out = _counts(n, 2)
    r = np.concatenate([rng.uniform(0, 2.5, n_in), rng.uniform(3.5, 5, n_out)])
    a = rng.uniform(0, TAU, n)
    X = np.column_stack([r * np.sin(a), r * np.cos(a)])
    J = X + rng.uniform(-5, 5, (n, 2)) * noise
    return X, (np.hypot(J[:, 0], J[:, 1]) < 2.5).astype(np.int64)


def xor(n, noise, classes, rng):
    """TFP xor: x, y ~ U(-5,5) pushed 0.3 away from the axes; class 1 iff x'·y' >= 0 where
    (x', y') = (x, y) + U(-5,5)·noise (label noise only; points stay put)."""
    X = rng.uniform(-5, 5, (n, 2))
    X += np.where(X > 0, 0.3, -0.3)
    J = X + rng.uniform(-5, 5, (n, 2)) * noise
    return X, (J[:, 0] * J[:, 1] >= 0).astype(np.int64)


def gauss(n, noise, classes, rng):
    """TFP gauss: N((2,2), v) class 1 and N((-2,-2), v) class 0, variance v = 0.5 + 7·noise
    (0.5 → 4). Points outside the domain are redrawn (TFP just leaves them off-screen)."""
    n1, n0 = _counts(n, 2)
    y = np.repeat(np.array([1, 0], np.int64), [n1, n0])
    centres = np.where(y[:, None] == 1, 2.0, -2.0) * np.ones((n, 2))
    return _truncated_normal(centres, math.sqrt(0.5 + 7 * noise), rng), y


def spiral(n, noise, classes, rng):
    """k-arm spiral; arm of class c has m points, i = 0..m-1: r = i/m·5, t = 1.75·i/m·2π + δ_c,
    p = (r·sin t, r·cos t) + U(-1,1)·noise. δ_c = 2π·((c+1) mod k)/k, so for k=2 class 1 has
    δ=0 and class 0 has δ=π exactly as TFP's genSpiral(0, +1) and genSpiral(π, -1)."""
    k = _classes("spiral", classes)
    parts, labels = [], []
    for c, m in enumerate(_counts(n, k)):
        i = np.arange(m, dtype=np.float64)
        r = i / m * 5
        t = 1.75 * i / m * 2 * np.pi + TAU * ((c + 1) % k) / k
        parts.append(np.column_stack([r * np.sin(t), r * np.cos(t)]) + rng.uniform(-1, 1, (m, 2)) * noise)
        labels.append(np.full(m, c, np.int64))
    return np.concatenate(parts), np.concatenate(labels)


def reg_plane(n, noise, classes, rng):
    """TFP reg-plane: x, y ~ U(-6,6); label = (x' + y')/10 with (x', y') = (x, y) + U(-6,6)·noise."""
    X = rng.uniform(-DOMAIN, DOMAIN, (n, 2))
    J = X + rng.uniform(-DOMAIN, DOMAIN, (n, 2)) * noise
    return X, (J[:, 0] + J[:, 1]) / 10


_BUMPS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1],
                   [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]], dtype=np.float64)


def reg_gauss(n, noise, classes, rng):
    """TFP reg-gauss: x, y ~ U(-6,6); six bumps sign·max(0, 1 - d/2) at (±4 or 0, ±2.5), d the
    distance from the jittered point (x, y) + U(-6,6)·noise; label = the bump value of largest
    magnitude (first bump wins ties, 0 when none reaches the point)."""
    X = rng.uniform(-DOMAIN, DOMAIN, (n, 2))
    J = X + rng.uniform(-DOMAIN, DOMAIN, (n, 2)) * noise
    d = np.hypot(J[:, :1] - _BUMPS[:, 0], J[:, 1:] - _BUMPS[:, 1])
    v = _BUMPS[:, 2] * np.maximum(0.0, 1 - d / 2)
    return X, v[np.arange(n), np.abs(v).argmax(axis=1)] + 0.0


def moons(n, noise, classes, rng):
    """sklearn make_moons: class 0 (cos t, sin t) for n//2 points, class 1 (1 - cos t, 0.5 - sin t),
    t = linspace(0, π); + N(0, noise²); mapped to the domain by (p - (0.5, 0.25))·10/3 (x in ±5)."""
    n0, n1 = n // 2, n - n // 2
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n1)
    P = np.concatenate([np.column_stack([np.cos(t0), np.sin(t0)]),
                        np.column_stack([1 - np.cos(t1), 1 - np.sin(t1) - 0.5])])
    s = 10 / 3
    X = _truncated_normal((P - [0.5, 0.25]) * s, noise * s, rng)
    return X, np.repeat(np.array([0, 1], np.int64), [n0, n1])


def blobs(n, noise, classes, rng):
    """k Gaussian blobs, centre c at radius 3.5 and angle π/4 + 2πc/k, variance 0.5 + 7·noise
    (as TFP's gauss); points outside the domain are redrawn."""
    k = _classes("blobs", classes)
    y = np.repeat(np.arange(k, dtype=np.int64), _counts(n, k))
    a = np.pi / 4 + TAU * y / k
    centres = 3.5 * np.column_stack([np.cos(a), np.sin(a)])
    return _truncated_normal(centres, math.sqrt(0.5 + 7 * noise), rng), y


def checkerboard(n, noise, classes, rng):
    """4x4 board of 3x3 squares: x, y ~ U(-6,6); class 1 iff floor(x'/3) + floor(y'/3) is even,
    (x', y') = (x, y) + U(-3,3)·noise (label noise only, like TFP's xor)."""
    X = rng.uniform(-DOMAIN, DOMAIN, (n, 2))
    cells = np.floor((X + rng.uniform(-3, 3, (n, 2)) * noise) / 3).astype(np.int64)
    return X, (cells.sum(axis=1) % 2 == 0).astype(np.int64)


DATASETS: dict[str, Callable] = {
    "circle": circle, "xor": xor, "gauss": gauss, "spiral": spiral,
    "reg-plane": reg_plane, "reg-gauss": reg_gauss,
    "moons": moons, "blobs": blobs, "checkerboard": checkerboard,
}
DATASET_KIND = {name: "regression" if name.startswith("reg-") else "classification" for name in DATASETS}
DATASET_CLASSES = {name: (0, 0) if DATASET_KIND[name] == "regression" else (2, 2) for name in DATASETS}
DATASET_CLASSES.update(spiral=(2, 5), blobs=(2, 5))

FEATURES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "x1": lambda X: X[:, 0].copy(),
    "x2": lambda X: X[:, 1].copy(),
    "x1sq": lambda X: X[:, 0] ** 2,
    "x2sq": lambda X: X[:, 1] ** 2,
    "x1x2": lambda X: X[:, 0] * X[:, 1],
    "sinx1": lambda X: np.sin(X[:, 0]),
    "sinx2": lambda X: np.sin(X[:, 1]),
}
FEATURE_LABELS = {"x1": "x1", "x2": "x2", "x1sq": "x1²", "x2sq": "x2²",
                  "x1x2": "x1·x2", "sinx1": "sin(x1)", "sinx2": "sin(x2)"}


def feature_matrix(X: np.ndarray, features: Sequence[str]) -> np.ndarray:
    """(n, len(features)) float64 matrix, column j = FEATURES[features[j]](X)."""
    X = np.asarray(X, dtype=np.float64)
    unknown = [f for f in features if f not in FEATURES]
    if unknown:
        raise ValueError(f"Unknown input feature '{safe_echo(unknown[0])}'; choose from {', '.join(FEATURES)}.")
    out = np.empty((X.shape[0], len(features)))
    for j, f in enumerate(features):
        out[:, j] = FEATURES[f](X)
    return out


@dataclass(frozen=True)
class Dataset:
    X_train: np.ndarray  # (n_train, 2) raw inputs
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    kind: str  # "classification" | "regression"
    n_classes: int  # 0 for regression
    y_train_clean: np.ndarray  # training labels before label noise


def _flip_labels(y, kind, k, label_noise, rng):
    """Corrupt round(label_noise·len(y)) distinct entries: another class chosen uniformly
    ((y + U{1..k-1}) mod k), or for regression a value ~ U(min y, max y)."""
    y = y.copy()
    idx = rng.choice(len(y), int(round(label_noise * len(y))), replace=False)
    if kind == "classification":
        y[idx] = (y[idx] + rng.integers(1, k, idx.size)) % k
    else:
        y[idx] = rng.uniform(y.min(), y.max(), idx.size)
    return y


def make_dataset(name: str, n: int, noise: float, classes: int, train_frac: float,
                 label_noise: float, rng: np.random.Generator) -> Dataset:
    """Generate, shuffle, split (n_train = round(n·train_frac), at least 1 each side), then
    flip round(label_noise·n_train) training labels. Test labels stay clean."""
    if name not in DATASETS:
        raise DataError(f"Unknown dataset '{safe_echo(name)}'; choose one of {', '.join(DATASETS)}.")
    if not 2 <= n <= MAX_POINTS:
        raise DataError(f"The number of points must be between 2 and {MAX_POINTS}, not {n}.")
    for label, v, hi in (("noise", noise, 0.5), ("train fraction", train_frac, 1), ("label noise", label_noise, 1)):
        if not 0 <= v <= hi:
            raise DataError(f"The {label} must be between 0 and {hi}, not '{safe_echo(v)}'.")
    n, kind = int(n), DATASET_KIND[name]
    k = 0 if kind == "regression" else (_classes(name, classes) if name in ("spiral", "blobs") else 2)
    X, y = DATASETS[name](n, float(noise), classes, rng)
    perm = rng.permutation(n)
    X, y = X[perm], y[perm]
    n_train = split_count(n, train_frac)
    clean = y[:n_train]
    return Dataset(X[:n_train], _flip_labels(clean, kind, k, label_noise, rng), X[n_train:], y[n_train:],
                   kind, k, clean)
