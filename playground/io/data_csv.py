"""The data CSV format: write a dataset bit-exactly, read one defensively.

``read_csv`` raises nothing but DataError; its messages repeat the file's text only through
``config.safe_echo``.
"""
from __future__ import annotations

import csv
import math
import re

import numpy as np

from ..core.config import MAX_POINTS, safe_echo
from ..core.datasets import DataError, Dataset
from ..core.limits import MAX_FILE_BYTES

MAX_CSV_BYTES = MAX_FILE_BYTES  # bytes of a data CSV (core/limits.py)
# Largest magnitude of any CSV value (inputs and labels). Inputs are standardized, but their
# mean and spread overflow long before 1e308, and a regression target of 1e308 makes every
# loss infinite; a million is far beyond any data this playground can show.
MAX_ABS_VALUE = 1e6
MAX_COLUMNS = 16
MAX_CLASSES = 10
MIN_CLASS_POINTS = 5


def dataset_to_csv(ds: Dataset) -> str:
    """Columns x1,x2,label,split; train rows then test rows; floats via repr() (bit-exact)."""
    lab = (lambda v: str(int(v))) if ds.kind == "classification" else (lambda v: repr(float(v)))
    lines = ["x1,x2,label,split"]
    for X, y, split in ((ds.X_train, ds.y_train, "train"), (ds.X_test, ds.y_test, "test")):
        lines += [f"{a!r},{b!r},{lab(v)},{split}" for (a, b), v in zip(X.tolist(), y.tolist())]
    return "\n".join(lines) + "\n"


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
