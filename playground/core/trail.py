"""The run's weights over time: a bounded trail of (epoch, θ) snapshots (pure NumPy).

What the loss-surface view draws as the path the weights took (`spaces.loss_slice`'s
`path`), and what a history scrubber reads. Bounded whatever the run's length, in count and
in bytes: at most `capacity` snapshots, min(MAX_SNAPSHOTS, MAX_BYTES / the bytes of one θ)
(the default net: 200; the largest, 8 hidden layers of 32 = 7,521 parameters: 33).

Thinned as `train.History` is: when full, a snapshot is kept if it is the first, on the
stride (epochs first + k·stride) or among the latest `tail` (a quarter of the capacity); the
stride doubles until that keeps at most three quarters of the capacity. So the snapshots
cover the whole run evenly and its end epoch by epoch, and an append costs O(1) amortized
(a thinning drops at least a quarter of the snapshots).
"""
from __future__ import annotations

from bisect import bisect_left

import numpy as np

MAX_SNAPSHOTS = 200
MAX_BYTES = 2_000_000   # per run: ~33 snapshots of the largest network


class Trail:
    """(epoch, θ copy) pairs, epochs increasing. Snapshots are read-only float64 copies."""

    def __init__(self, n_params: int, max_snapshots: int = MAX_SNAPSHOTS,
                 max_bytes: int = MAX_BYTES):
        self.n_params = int(n_params)
        each = 8 * max(1, self.n_params)
        # the first and the latest are always kept, so never fewer than two
        self.capacity = max(2, min(int(max_snapshots), int(max_bytes) // each))
        self.tail = max(1, self.capacity // 4)
        self.stride = 1
        self._epochs: list[int] = []
        self._thetas: list[np.ndarray] = []

    def __len__(self) -> int:
        return len(self._epochs)

    @property
    def nbytes(self) -> int:
        """The bytes of the θ copies held (all of n_params float64)."""
        return 8 * self.n_params * len(self._thetas)

    def append(self, epoch: int, theta) -> None:
        """Keep a copy of θ as epoch `epoch`. The latest epoch again replaces its snapshot
        (a hand edit measured again); an earlier one is an error (`cut` first)."""
        fast = type(theta) is np.ndarray and theta.dtype == np.float64   # the trainer's θ
        snap = theta.copy() if fast else np.array(theta, dtype=np.float64)
        if snap.shape != (self.n_params,):
            raise ValueError(f"θ must have {self.n_params} values, not shape {snap.shape}")
        snap.setflags(write=False)
        epoch = int(epoch)
        if self._epochs and epoch <= self._epochs[-1]:
            if epoch < self._epochs[-1]:
                raise ValueError(f"epoch {epoch} is before the latest ({self._epochs[-1]}): cut first")
            self._thetas[-1] = snap
            return
        self._epochs.append(epoch)
        self._thetas.append(snap)
        if len(self._epochs) > self.capacity:
            self._thin()

    def cut(self, epoch: int) -> None:
        """Drop the snapshots of `epoch` and later (a rolled-back run)."""
        keep = bisect_left(self._epochs, int(epoch))
        del self._epochs[keep:], self._thetas[keep:]

    def epochs(self) -> list[int]:
        return list(self._epochs)

    def thetas(self) -> np.ndarray:
        """(len, n_params): the snapshots as rows, oldest first (a new array)."""
        if not self._thetas:
            return np.zeros((0, self.n_params))
        return np.stack(self._thetas)

    def nearest(self, epoch: int) -> tuple[int, np.ndarray]:
        """(epoch, θ) of the snapshot nearest `epoch` (the earlier of two as near)."""
        e = self._epochs
        if not e:
            raise LookupError("the trail is empty")
        i = bisect_left(e, epoch)
        if i == len(e) or (i > 0 and epoch - e[i - 1] <= e[i] - epoch):
            i -= 1
        return e[i], self._thetas[i]

    def _thin(self) -> None:
        e, n = self._epochs, len(self._epochs)
        target = max(self.tail + 1, self.capacity * 3 // 4)

        def kept() -> list[int]:
            return [i for i in range(n) if i == 0 or i >= n - self.tail
                    or (e[i] - e[0]) % self.stride == 0]

        keep = kept()
        while len(keep) > target:
            self.stride *= 2
            keep = kept()
        self._epochs[:] = [e[i] for i in keep]
        self._thetas[:] = [self._thetas[i] for i in keep]
