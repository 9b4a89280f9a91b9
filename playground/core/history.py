"""A run's losses and accuracies over its epochs, bounded whatever its length (pure).

`train.Trainer` records one record per epoch; the live view, the loss chart, early stopping
(`best`) and the run log read it.
"""
from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass, field

MAX_RECORDS = 2000   # the history never holds more records than this ...
DENSE_TAIL = 200     # ... and always holds the latest this many epochs one by one
SERIES = ("epoch", "train_loss", "test_loss", "train_acc", "test_acc")


@dataclass
class History:
    """Loss and accuracy of recorded epochs, oldest first (`epoch` increasing), bounded
    whatever the run length: at most MAX_RECORDS records (~0.4 MB).

    When full it thins itself: a record is kept if it is the first, on the stride (epochs
    first + k·stride) or among the latest DENSE_TAIL; the stride doubles (1, 2, 4, ...) until
    that keeps at most three quarters of MAX_RECORDS. So the records cover the whole run
    evenly, the end epoch by epoch, and a record costs O(1) amortized (a thinning drops at
    least a quarter of the records)."""
    epoch: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    test_acc: list[float] = field(default_factory=list)
    stride: int = 1
    # (epoch, test loss) of the lowest test loss recorded, every epoch counted (thinning
    # keeps it): the loss chart marks it (early stopping made visible)
    best: tuple[int, float] | None = None

    def __len__(self) -> int:
        return len(self.epoch)

    def append(self, *record) -> None:
        """Add (epoch, train loss, test loss, train accuracy, test accuracy)."""
        for name, value in zip(SERIES, record, strict=True):
            getattr(self, name).append(value)
        te = record[2]
        if math.isfinite(te) and (self.best is None or te < self.best[1]):
            self.best = (int(record[0]), float(te))
        if len(self.epoch) > MAX_RECORDS:
            self._thin()

    def pop(self) -> None:
        """Drop the latest record."""
        gone = self.epoch[-1]
        for name in SERIES:
            getattr(self, name).pop()
        if self.best is not None and self.best[0] >= gone:
            self._rebest()

    def cut(self, epoch: int) -> None:
        """Drop every record of `epoch` and later."""
        keep = bisect_left(self.epoch, epoch)
        for name in SERIES:
            del getattr(self, name)[keep:]
        if self.best is not None and self.best[0] >= epoch:
            self._rebest()

    def _rebest(self) -> None:
        """The best of the records kept (after a pop or a cut took the best one away)."""
        ok = [(te, e) for e, te in zip(self.epoch, self.test_loss) if math.isfinite(te)]
        self.best = (int(min(ok)[1]), float(min(ok)[0])) if ok else None

    def _thin(self) -> None:
        e, n = self.epoch, len(self.epoch)

        def kept() -> list[int]:
            return [i for i in range(n) if i == 0 or i >= n - DENSE_TAIL
                    or (e[i] - e[0]) % self.stride == 0]

        keep = kept()
        while len(keep) > MAX_RECORDS * 3 // 4:
            self.stride *= 2
            keep = kept()
        for name in SERIES:
            values = getattr(self, name)
            values[:] = [values[i] for i in keep]
