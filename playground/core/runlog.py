"""The run log: one row per run of a browser session, bounded, kept in the session only.

A *run* is one `Trainer` object: the page replaces it on Reset, on a settings change that
rebuilds the run (`train.change_kind` "data" or "model") and on an upload; a "live" change
(learning rate, optimizer, ...) keeps the run and so its row. The page calls `observe` with
its trainer on every run; when the trainer is not the current row's, the current row is
finalized from its own trainer (epochs, final losses and accuracies, whether it stopped, a
loss curve of at most CURVE_POINTS points) and the trainer is let go; a new row starts.

The rules, so the log is predictable:
- The current row is read live from its trainer (`rows()` is always up to date); it is the
  only row holding a trainer, so nothing but the page's own run outlives its row.
- A run replaced while still at its starting epoch (see `trained`) and not stopped (Reset
  pressed twice, a slider dragged across several values) leaves no row: the run that
  replaced it takes its row and its number. So every row but the current one trained at least one epoch (or stopped).
- At most MAX_ROWS rows: the oldest unpinned row is dropped first. At most MAX_PINS pins; a
  third pin replaces the oldest. Rows are named by their run number `n` (1, 2, ...), which
  never changes while the row is kept; pins refer to run numbers.
- A row's `query` is its run's link as the page last showed it while the run was current
  (a live change of the learning rate updates it), so opening it rebuilds the run from epoch 0.

Bounded: MAX_ROWS rows of at most CURVE_POINTS × 3 numbers each (about 1 MB at most).
Pure: no streamlit; `now` is passed in (seconds since the epoch), so tests need no clock.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

MAX_ROWS = 50
MAX_PINS = 2
CURVE_POINTS = 200
MAX_NOTE = 40          # characters of a row's note (our own text: "your data", ...)
CSV_COLUMNS = ("run", "started_utc", "epochs", "train_loss", "test_loss", "train_accuracy",
               "test_accuracy", "parameters", "diverged", "note", "link_query")


@dataclass(frozen=True)
class Curve:
    """A run's loss against epoch, thinned to at most CURVE_POINTS points (first and last kept)."""
    epoch: tuple[int, ...] = ()
    train_loss: tuple[float, ...] = ()
    test_loss: tuple[float, ...] = ()


@dataclass(frozen=True)
class Row:
    """One run as the log shows it. Accuracies are None for regression; losses may be NaN or
    inf (a stopped run keeps its last good weights, so they rarely are)."""
    n: int
    when: float                    # when the run started (seconds since the epoch, UTC)
    query: str                     # the run's link query (core/config.to_query)
    epochs: int
    train_loss: float
    test_loss: float
    train_acc: float | None
    test_acc: float | None
    params: int
    diverged: bool
    note: str = ""
    curve: Curve = Curve()
    current: bool = False


def thin_curve(history, points: int = CURVE_POINTS) -> Curve:
    """At most `points` evenly spread records of a `train.History` (its first and last kept)."""
    n = len(history.epoch)
    if n <= points:
        idx = range(n)
    else:
        idx = sorted({round(i * (n - 1) / (points - 1)) for i in range(points)})
    return Curve(tuple(int(history.epoch[i]) for i in idx),
                 tuple(float(history.train_loss[i]) for i in idx),
                 tuple(float(history.test_loss[i]) for i in idx))


def trained(t) -> bool:
    """Whether run `t` trained an epoch: its history starts at the run's first epoch (0, or a
    model file's) and thinning, stops and hand edits never drop that record."""
    return t.epoch > t.history.epoch[0]


def _accuracy(v: Any) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def row_of(t, n: int, when: float, query: str, note: str = "", current: bool = False) -> Row:
    """A row read from trainer `t` now (its summary, parameter count and thinned curve)."""
    s = t.summary()
    return Row(n=n, when=float(when), query=str(query), epochs=int(s["epoch"]),
               train_loss=float(s["train_loss"]), test_loss=float(s["test_loss"]),
               train_acc=_accuracy(s["train_accuracy"]), test_acc=_accuracy(s["test_accuracy"]),
               params=int(t.net.n_params), diverged=bool(s["diverged"]), note=note[:MAX_NOTE],
               curve=thin_curve(t.history), current=current)


@dataclass
class _Current:
    """The run now on the page: its trainer (held only while it is current) and its row's facts."""
    trainer: Any
    n: int
    when: float
    query: str
    note: str


class RunLog:
    """The session's bounded list of runs (see the module's rules)."""

    def __init__(self, max_rows: int = MAX_ROWS):
        self.max_rows = max(MAX_PINS + 1, int(max_rows))
        self._done: list[Row] = []          # finalized rows, oldest first
        self._cur: _Current | None = None
        self._next = 1
        self._pins: list[int] = []          # run numbers, the oldest pin first
        self.version = 0                    # bumped when the pins change other than by `set_pins`
        self.open = False                   # the page's panel was open when last drawn (ui/runlog)

    # ------------------------------------------------------------ runs
    def observe(self, t, query: str, now: float, note: str = "") -> bool:
        """The page's run is `t` with link `query`: a new row if `t` is a new run (returns
        True), else the current row's link is brought up to date."""
        cur = self._cur
        if cur is not None and cur.trainer is t:
            cur.query, cur.note = str(query), str(note)
            return False
        n = self._retire(cur)
        self._cur = _Current(t, n, float(now), str(query), str(note))
        self._bound()
        return True

    def _retire(self, cur: _Current | None) -> int:
        """Finalize the current row (or give up its number if it never trained); the number the
        next run's row takes."""
        if cur is None:
            n, self._next = self._next, self._next + 1
            return n
        t = cur.trainer
        if not trained(t) and not t.diverged:
            if cur.n in self._pins:
                self._pins.remove(cur.n)
                self.version += 1
            return cur.n
        self._done.append(row_of(t, cur.n, cur.when, cur.query, cur.note))
        n, self._next = self._next, self._next + 1
        return n

    def _bound(self) -> None:
        """At most max_rows rows (the current one included): drop the oldest unpinned rows."""
        while len(self._done) + 1 > self.max_rows:
            i = next((i for i, r in enumerate(self._done) if r.n not in self._pins), 0)
            gone = self._done.pop(i)
            if gone.n in self._pins:
                self._pins.remove(gone.n)
                self.version += 1

    def rows(self) -> list[Row]:
        """Every row, oldest first; the current one read from its trainer now."""
        cur = self._cur
        if cur is None:
            return list(self._done)
        return [*self._done, row_of(cur.trainer, cur.n, cur.when, cur.query, cur.note, True)]

    def row(self, n: Any) -> Row | None:
        """The row of run number `n` (any value: None when there is no such row)."""
        return next((r for r in self.rows() if _same_int(r.n, n)), None)

    def numbers(self) -> list[int]:
        return [r.n for r in self._done] + ([self._cur.n] if self._cur else [])

    def __len__(self) -> int:
        return len(self._done) + (self._cur is not None)

    # ------------------------------------------------------------ pins
    @property
    def pins(self) -> tuple[int, ...]:
        return tuple(self._pins)

    def pin(self, n: Any) -> bool:
        """Pin run `n` (a third pin replaces the oldest). False if there is no such row."""
        known = self.numbers()
        if not any(_same_int(k, n) for k in known):
            return False
        n = next(k for k in known if _same_int(k, n))
        if n not in self._pins:
            self._pins.append(n)
            del self._pins[:-MAX_PINS]
        return True

    def unpin(self, n: Any) -> None:
        self._pins = [p for p in self._pins if not _same_int(p, n)]

    def set_pins(self, chosen: Any) -> tuple[int, ...]:
        """The pins a widget chose (oldest first): unknown values are ignored, the latest
        MAX_PINS kept. Anything that is not a list of run numbers pins nothing."""
        self._pins = []
        if isinstance(chosen, (list, tuple)):
            for n in chosen[-100:]:
                self.pin(n)
        return self.pins

    def pinned_rows(self) -> list[Row]:
        by_n = {r.n: r for r in self.rows()}
        return [by_n[n] for n in self._pins if n in by_n]

    # ------------------------------------------------------------ export
    def to_csv_rows(self) -> list[list[str]]:
        """The header and one list of cells per row (text; the CSV writer quotes)."""
        return [list(CSV_COLUMNS)] + [_cells(r) for r in self.rows()]


def _same_int(a: Any, b: Any) -> bool:
    return isinstance(b, int) and not isinstance(b, bool) and a == b


def _number(v: float | None) -> str:
    return "" if v is None else repr(float(v))


def _cells(r: Row) -> list[str]:
    when = dt.datetime.fromtimestamp(r.when, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return [str(r.n), when, str(r.epochs), _number(r.train_loss), _number(r.test_loss),
            _number(r.train_acc), _number(r.test_acc), str(r.params), "yes" if r.diverged else "no",
            r.note, r.query]

