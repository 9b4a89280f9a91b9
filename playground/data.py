"""Datasets, input features and the data CSV format (pure NumPy, no UI imports).

Generators follow TensorFlow Playground's ``dataset.ts`` (TFP). Labels: TFP's -1 (orange)
is class 0, TFP's +1 (blue) is class 1. ``noise`` is the UI slider / 100, in [0, 0.5].

``read_csv`` raises nothing but DataError; its messages repeat the file's text only through
``config.safe_echo``.
"""
from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from .config import safe_echo, split_count

DOMAIN = 6.0  # inputs live in [-6, 6]^2
MAX_POINTS = 2000
MAX_CSV_BYTES = 1_000_000  # bytes of a data CSV
# Largest magnitude of any CSV value (inputs and labels). Inputs are standardized, but their
# mean and spread overflow long before 1e308, and a regression target of 1e308 makes every
# loss infinite; a million is far beyond any data this playground can show.
MAX_ABS_VALUE = 1e6
MAX_COLUMNS = 16
MAX_CLASSES = 10
MIN_CLASS_POINTS = 5
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


def dataset_to_csv(ds: Dataset) -> str:
    """Columns x1,x2,label,split; train rows then test rows; floats via repr() (bit-exact)."""
    lab = (lambda v: str(int(v))) if ds.kind == "classification" else (lambda v: repr(float(v)))
    lines = ["x1,x2,label,split"]
    for X, y, split in ((ds.X_train, ds.y_train, "train"), (ds.X_test, ds.y_test, "test")):
        lines += [f"{a!r},{b!r},{lab(v)},{split}" for (a, b), v in zip(X.tolist(), y.tolist())]
    return "\n".join(lines) + "\n"


def write_csv(ds: Dataset, path_or_file) -> None:
    """Write dataset_to_csv(ds) to a path or to an open text file."""
    text = dataset_to_csv(ds)
    if hasattr(path_or_file, "write"):
        path_or_file.write(text)
    else:
        with open(path_or_file, "w", encoding="utf-8", newline="") as f:
            f.write(text)


_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _decode(text, max_bytes: int) -> str:
    """Size check first, then strict UTF-8 (a leading BOM is dropped)."""
    if isinstance(text, (bytes, bytearray, memoryview)):
        data = bytes(text)
        if len(data) > max_bytes:
            raise DataError(f"The file is larger than the limit of {max_bytes} bytes.")
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise DataError(f"The file is not valid UTF-8 text (bad byte at position {e.start}).") from None
    if not isinstance(text, str):
        raise DataError("The data must be CSV text.")
    if len(text) > max_bytes:
        raise DataError(f"The file is larger than the limit of {max_bytes} bytes.")
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise DataError(f"The file is larger than the limit of {max_bytes} bytes.")
    return text.removeprefix("\ufeff")


def _cells(line: str, lineno: int) -> list[str]:
    if line.count(",") >= MAX_COLUMNS:
        raise DataError(f"Line {lineno} has more than {MAX_COLUMNS} columns.")
    try:
        return next(csv.reader([line]))
    except csv.Error:
        raise DataError(f"Line {lineno} is not valid CSV.") from None


def _header(line: str) -> dict[str, int]:
    names = [c.strip().lower() for c in _cells(line, 1)]
    if len(set(names)) != len(names):
        raise DataError("The header names a column more than once.")
    missing = [c for c in ("x1", "x2", "label") if c not in names]
    if missing:
        raise DataError(f"The first line must be a header naming the columns x1, x2 and label "
                        f"(missing: {', '.join(missing)}).")
    return {name: i for i, name in enumerate(names)}


def _number(cell: str, lineno: int, col: str, max_abs: float = MAX_ABS_VALUE) -> float:
    s = cell.strip()
    if not s:
        raise DataError(f"Column {col} on line {lineno} is empty.")
    if _NUMBER.fullmatch(s) is None:
        if s.lower().lstrip("+-") not in ("nan", "inf", "infinity"):
            raise DataError(f"Value '{safe_echo(s, 20)}' in column {col} on line {lineno} is not a number.")
    elif not math.isfinite(v := float(s)):
        pass
    elif abs(v) > max_abs:
        raise DataError(f"Value '{safe_echo(s, 20)}' in column {col} on line {lineno} is too large "
                        f"(the limit is ±{max_abs:,.0f}).")
    else:
        return v
    raise DataError(f"Value '{safe_echo(s, 20)}' in column {col} on line {lineno} is not a finite number.")


def _labels(y: np.ndarray, problem: str | None) -> tuple[np.ndarray, str, int]:
    """Classes: integer labels, 2..10 distinct values of >= 5 points each -> 0..k-1 in sorted
    order. Regression: any numbers. `problem` None guesses (classes when the rules hold)."""
    values, counts = np.unique(y, return_counts=True)
    if values.size < 2:
        raise DataError("The label column has a single value, but it needs at least 2 classes.")
    integral = bool(np.all(y == np.round(y)))
    fits = integral and values.size <= MAX_CLASSES and counts.min() >= MIN_CLASS_POINTS
    if problem == "classification" or (problem is None and fits):
        if not integral:
            raise DataError("The labels must be whole class numbers for a classification problem.")
        if values.size > MAX_CLASSES:
            raise DataError(f"The labels name {values.size} classes; at most {MAX_CLASSES} are allowed.")
        if counts.min() < MIN_CLASS_POINTS:
            raise DataError(f"Class {values[counts.argmin()]:g} has {counts.min()} points; "
                            f"each class needs at least {MIN_CLASS_POINTS}.")
        return np.searchsorted(values, y).astype(np.int64), "classification", int(values.size)
    return y, "regression", 0


def read_csv(text, max_points: int = MAX_POINTS, max_bytes: int = MAX_CSV_BYTES,
             problem: str | None = None, max_abs: float = MAX_ABS_VALUE) -> Dataset:
    """Parse a data CSV (str or UTF-8 bytes): header with x1, x2, label and an optional split
    (train/test) column; other columns are ignored. Without split all rows are training rows
    (X_test is empty; the caller splits). `problem` ("classification"/"regression") says how to
    read the labels; None guesses. Every value must be a finite number of magnitude at most
    `max_abs`. Raises DataError with one sentence on any problem, and nothing else."""
    try:
        return _read_csv(text, max_points, max_bytes, problem, max_abs)
    except DataError:
        raise
    except RecursionError:
        raise DataError("The file could not be read as CSV.") from None
    except Exception as e:  # a last line of defence; every known case is named in _read_csv
        raise DataError(f"The file could not be read as CSV ({type(e).__name__}).") from None


def _read_csv(text, max_points, max_bytes, problem, max_abs) -> Dataset:
    rows = ((i, ln) for i, ln in enumerate(_decode(text, max_bytes).splitlines(), 1) if ln.strip())
    first = next(rows, None)
    if first is None:
        raise DataError("The file is empty.")
    cols = _header(first[1])
    X, y, is_test = [], [], []
    for lineno, line in rows:
        if len(y) >= max_points:
            raise DataError(f"The file has more than {max_points} data rows.")
        cells = _cells(line, lineno)
        if len(cells) != len(cols):
            raise DataError(f"Line {lineno} has {len(cells)} values but the header has {len(cols)}.")
        X.append((_number(cells[cols["x1"]], lineno, "x1", max_abs),
                  _number(cells[cols["x2"]], lineno, "x2", max_abs)))
        y.append(_number(cells[cols["label"]], lineno, "label", max_abs))
        if "split" in cols:
            split = cells[cols["split"]].strip().lower()
            if split not in ("train", "test"):
                raise DataError(f"Column split on line {lineno} must be train or test, "
                                f"not '{safe_echo(split, 20)}'.")
            is_test.append(split == "test")
    if len(y) < 2:
        raise DataError("The file needs at least 2 data rows." if y else "The file has a header but no data rows.")
    labels, kind, k = _labels(np.array(y, dtype=np.float64), problem)
    X_all, test = np.array(X, dtype=np.float64), np.array(is_test or [False] * len(y))
    if "split" in cols and (test.all() or not test.any()):
        raise DataError("The split column must mark at least one row train and one row test.")
    return Dataset(X_all[~test], labels[~test], X_all[test], labels[test], kind, k, labels[~test].copy())
