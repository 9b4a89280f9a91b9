"""Going back in a run, and branching it (pure).

A run keeps a bounded, thinned trail of its weights (`trail.Trail`); scrubbing shows the run
as it was at one of those epochs. "Continue from here" branches it: a new run that trained
exactly like this one up to epoch e and then goes on with other learning settings. The branch
is built the way its link rebuilds it — the run it left, replayed from its link for e epochs
(`Trainer` with `branch_at`/`branch_from`), then the new settings — so the branch, its link
and a fresh run that changes the setting at epoch e are the same run, bit for bit. The
replay's weights at e are checked against the trail's snapshot before the branch is used.
"""
from __future__ import annotations

import numpy as np

from .config import Config, _fmt
from .settings import BRANCH_KEYS, MAX_BRANCH_EPOCHS
from .train import DATA_KEYS, MODEL_KEYS, POINT_KEYS, Trainer

MAX_GHOST_POINTS = 200   # the original run's loss curve kept beside a branch


def branch_config(t: Trainer, epoch: int, new: Config) -> tuple[Config | None, str | None]:
    """The settings of a branch of run `t` at `epoch` with `new`'s learning settings, or
    (None, why not)."""
    if epoch not in t.trail.epochs():
        return None, f"epoch {epoch:,} is not one of the saved moments of this run"
    if epoch > t.exact_until:
        return None, ("this run changed along the way (a setting, a point or a weight changed "
                      f"at epoch {max(t.exact_until, 0):,}), so its link cannot replay it to epoch {epoch:,}")
    if epoch > MAX_BRANCH_EPOCHS:
        return None, f"a branch can start at epoch {MAX_BRANCH_EPOCHS:,} at the latest (its link replays the run)"
    base = t.start_cfg
    kept = [k for k in DATA_KEYS + MODEL_KEYS + POINT_KEYS if k not in ("branch_at", "branch_from")]
    if any(getattr(base, k) != getattr(new, k) for k in kept):
        return None, "only learning settings can change at a branch (the data and the network stay)"
    diff = [f"{k}:{_fmt(getattr(base, k))}" for k in BRANCH_KEYS if getattr(base, k) != getattr(new, k)]
    if epoch == 0 or not diff:
        return new.replace(branch_at=0, branch_from=""), None
    return new.replace(branch_at=epoch, branch_from=",".join(diff)), None


def branch(t: Trainer, epoch: int, new: Config) -> tuple[Trainer | None, str | None]:
    """The branch of `t` at `epoch` with `new`'s learning settings (its link rebuilds it), or
    (None, why not). The replay must reach the trail's weights at `epoch` exactly."""
    cfg, why = branch_config(t, epoch, new)
    if cfg is None:
        return None, why
    b = Trainer(cfg, data=t.base_data)
    if cfg.branch_at == 0 and epoch:  # the same settings: the run itself, replayed to `epoch`
        b.train(epoch)
    snap = t.trail.nearest(epoch)[1]
    if b.epoch != epoch or not np.array_equal(b.net.theta, snap):
        return None, "replaying this run from its link did not give the same weights"
    return b, None


def ghost(t: Trainer) -> dict:
    """The run's loss curve (≤ MAX_GHOST_POINTS records) to draw beside its branch."""
    h = t.history
    n = len(h.epoch)
    idx = np.unique(np.linspace(0, n - 1, min(n, MAX_GHOST_POINTS)).round().astype(int)) if n else []
    return {"epoch": [int(h.epoch[i]) for i in idx],
            "train": [_finite(h.train_loss[i]) for i in idx],
            "test": [_finite(h.test_loss[i]) for i in idx]}


def _finite(v: float) -> float | None:
    return float(v) if np.isfinite(v) else None
