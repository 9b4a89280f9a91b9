"""Points a learner places or removes by hand, and their link form (pure).

An edit list says what to do to the generated (or uploaded) points: points added where the
learner clicked (each to the training or the test set) and generated points removed. The
run's data is `apply(base, edits)`: the base points that were not removed, then the added
ones, in click order. Coordinates are kept in hundredths (a click is rounded there), so the
link form is exact: a link rebuilds the same data, bit for bit.

Link form (`edits=`): the bytes below, deflated (zlib), in base64url without padding.
  1 byte   version (1)
  2 bytes  the number of added points, k ≤ MAX_ADDED (little-endian)
  k × 7    per point: x·100, y·100 (int16, |·| ≤ 600), value (int16: the class, or the
           target·100 with |·| ≤ 200), flags (1 byte: bit 0 = in the test set)
  rest     the removed base points: strictly increasing indices (training points first, then
           test points, as `Dataset` holds them), as unsigned LEB128 gaps
`decode` never raises: it returns the edits or the reason they cannot be read.
"""
from __future__ import annotations

import base64
import binascii
import struct
import zlib
from dataclasses import dataclass

import numpy as np

MAX_ADDED = 300            # points a link can carry (over it the page offers the CSV)
MAX_REMOVED = 2000         # = the most points a dataset has
SCALE = 100                # coordinates and targets are kept in hundredths
LIMIT = 600                # |x|, |y| ≤ 6: the plane
TARGET_LIMIT = 200         # |target| ≤ 2
MAX_CLASS = 7
MAX_LINK = 4000            # characters of the link form (300 points fit in ~2,900)
_POINT = struct.Struct("<hhhB")
VERSION = 1


@dataclass(frozen=True)
class Edits:
    """added: (x, y, value, test) in hundredths (value: the class, or the target in
    hundredths); removed: indices of base points, increasing."""
    added: tuple[tuple[int, int, int, bool], ...] = ()
    removed: tuple[int, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


NONE = Edits()


def quantize(v: float) -> int:
    """A coordinate or target → hundredths (rounded half to even, as Python's round)."""
    return int(round(float(v) * SCALE))


def point(x: float, y: float, value: float, test: bool, regression: bool) -> tuple[int, int, int, bool]:
    """A clicked point in the edit list's units; ValueError when it is off the plane."""
    qx, qy = quantize(x), quantize(y)
    qv = quantize(value) if regression else int(value)
    if not (abs(qx) <= LIMIT and abs(qy) <= LIMIT):
        raise ValueError("the point is off the plane")
    if regression and abs(qv) > TARGET_LIMIT or not regression and not 0 <= qv <= MAX_CLASS:
        raise ValueError("the value is out of range")
    return qx, qy, qv, bool(test)


# ---------------------------------------------------------------- editing
def add(e: Edits, p: tuple[int, int, int, bool]) -> Edits:
    if len(e.added) >= MAX_ADDED:
        raise ValueError(f"at most {MAX_ADDED} points can be added")
    return Edits(e.added + (p,), e.removed)


def remove_nearest(e: Edits, base, x: float, y: float) -> Edits:
    """Remove the point nearest (x, y) among the points the data has now (`base` the
    unedited Dataset): an added point is dropped from the list, a base point is listed."""
    kept = [i for i in range(_n(base)) if i not in set(e.removed)]
    P = np.vstack([_base_X(base)[kept].reshape(-1, 2),
                   np.array([(a[0], a[1]) for a in e.added], float).reshape(-1, 2) / SCALE])
    if len(P) == 0:
        return e
    j = int(((P[:, 0] - x) ** 2 + (P[:, 1] - y) ** 2).argmin())
    if j >= len(kept):
        k = j - len(kept)
        return Edits(e.added[:k] + e.added[k + 1:], e.removed)
    return Edits(e.added, tuple(sorted(set(e.removed) | {kept[j]})))


def empty(base) -> Edits:
    """Start from empty: every base point removed, nothing added."""
    return Edits((), tuple(range(_n(base))))


def _n(base) -> int:
    return len(base.X_train) + len(base.X_test)


def _base_X(base) -> np.ndarray:
    return np.vstack([base.X_train.reshape(-1, 2), base.X_test.reshape(-1, 2)])


# ---------------------------------------------------------------- applying
def apply(base, e: Edits):
    """The edited Dataset; ValueError naming the problem when the edits do not fit `base`
    (an index past its points, a class it does not have)."""
    from .datasets import Dataset
    if not e:
        return base
    n_tr, n = len(base.X_train), _n(base)
    if e.removed and e.removed[-1] >= n:
        raise ValueError(f"they remove point {e.removed[-1] + 1}, but the data has only {n}")
    regression = base.kind == "regression"
    for p in e.added:
        if not regression and not 0 <= p[2] < base.n_classes:
            raise ValueError(f"a point has a class this data does not have (it has {base.n_classes})")
    gone = np.zeros(n, bool)
    gone[list(e.removed)] = True
    keep_tr, keep_te = ~gone[:n_tr], ~gone[n_tr:]
    ytype = np.float64 if regression else base.y_train.dtype
    A = np.array([(p[0] / SCALE, p[1] / SCALE) for p in e.added], float).reshape(-1, 2)
    v = np.array([p[2] / SCALE if regression else p[2] for p in e.added], ytype)
    test = np.array([p[3] for p in e.added], bool)
    return Dataset(np.vstack([base.X_train[keep_tr], A[~test]]),
                   np.concatenate([base.y_train[keep_tr], v[~test]]).astype(ytype),
                   np.vstack([base.X_test[keep_te], A[test]]),
                   np.concatenate([base.y_test[keep_te], v[test]]).astype(ytype),
                   base.kind, base.n_classes,
                   np.concatenate([base.y_train_clean[keep_tr], v[~test]]).astype(ytype))


# ---------------------------------------------------------------- the link form
def encode(e: Edits) -> str:
    if not e:
        return ""
    out = bytearray([VERSION]) + struct.pack("<H", len(e.added))
    for x, y, v, test in e.added:
        out += _POINT.pack(x, y, v, 1 if test else 0)
    prev = -1
    for i in e.removed:
        out += _leb(i - prev - 1)
        prev = i
    return base64.urlsafe_b64encode(zlib.compress(bytes(out), 9)).decode("ascii").rstrip("=")


def decode(s: str) -> tuple[Edits | None, str | None]:
    """(edits, None) or (None, the reason in plain words); never raises."""
    s = (s or "").strip()
    if not s:
        return NONE, None
    if len(s) > MAX_LINK:
        return None, f"are longer than {MAX_LINK:,} characters"
    if not all(c.isascii() and (c.isalnum() or c in "-_") for c in s):
        return None, "are not in link form (base64url)"
    try:
        d = zlib.decompressobj()
        raw = d.decompress(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)), 3 + MAX_ADDED * 7 + 3 * MAX_REMOVED + 1)
        if d.unconsumed_tail or not d.eof:
            return None, "do not unpack (cut short, or too long)"
    except (binascii.Error, zlib.error, ValueError):
        return None, "do not unpack (not deflated base64url)"
    return _parse(raw)


def _parse(raw: bytes) -> tuple[Edits | None, str | None]:
    if len(raw) < 3 or raw[0] != VERSION:
        return None, "are of an unknown version"
    k = struct.unpack_from("<H", raw, 1)[0]
    if k > MAX_ADDED:
        return None, f"add {k} points; at most {MAX_ADDED} can travel in a link"
    end = 3 + k * _POINT.size
    if len(raw) < end:
        return None, "have the wrong length"
    added = []
    for j in range(k):
        x, y, v, f = _POINT.unpack_from(raw, 3 + j * _POINT.size)
        if abs(x) > LIMIT or abs(y) > LIMIT:
            return None, "have a point off the plane (out-of-range coordinates)"
        if f not in (0, 1) or not -TARGET_LIMIT <= v <= TARGET_LIMIT:
            return None, "have a point with a bad value"
        added.append((x, y, v, bool(f)))
    removed = _gaps(raw[end:])
    if removed is None:
        return None, f"remove more than {MAX_REMOVED:,} points, or are cut short"
    return Edits(tuple(added), removed), None


def _leb(n: int) -> bytes:
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _gaps(b: bytes) -> tuple[int, ...] | None:
    """LEB128 gaps → increasing indices, None when malformed or too many or too large."""
    out, prev, n, shift = [], -1, 0, 0
    for byte in b:
        if shift > 14:
            return None
        n |= (byte & 0x7F) << shift
        shift += 7
        if byte & 0x80:
            continue
        prev += n + 1
        if prev >= MAX_REMOVED or len(out) >= MAX_REMOVED:
            return None
        out.append(prev)
        n = shift = 0
    return tuple(out) if shift == 0 else None
