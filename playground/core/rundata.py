"""The data of a run: seeded generators, the toy dataset of a config, an uploaded dataset made
ready to train, the link's point edits applied, and inputs laid out for the engine.

Randomness is explicit: the config's seed feeds one `SeedSequence`, spawned into three
generators (data, initial weights, batch order), so a share link reproduces the data, the
initial weights and every epoch, and changing the network never changes the data.
"""
from __future__ import annotations

import numpy as np

from .config import CLASSIFICATION_COSTS, PARSERS, REGRESSION_COSTS, Config
from .datasets import DataError, Dataset, feature_matrix, make_dataset
from .edits import apply as apply_edits, decode as decode_edits


def rngs(seed: int, init_seed: int = 0) -> tuple[np.random.Generator, np.random.Generator,
                                                  np.random.Generator]:
    """(data, weights, batch order) generators from one seed. A nonzero `init_seed` (what
    Reset draws) gives other starting weights on the same data and batch order."""
    data, weights, order = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3))
    if init_seed:
        weights = np.random.default_rng(np.random.SeedSequence([seed, init_seed]))
    return data, weights, order


def build_dataset(cfg: Config, rng: np.random.Generator | None = None) -> Dataset:
    rng = rngs(cfg.seed)[0] if rng is None else rng
    return make_dataset(cfg.dataset, cfg.points, cfg.noise / 100.0, cfg.classes,
                        cfg.train / 100.0, cfg.label_noise / 100.0, rng)


USER_SCALE = 2.0  # uploaded inputs are standardized to mean 0, standard deviation 2


def user_dataset(ds: Dataset, cfg: Config) -> Dataset:
    """An uploaded dataset made ready to train: split by cfg.train if it has no test rows
    (seeded), inputs standardized (mean 0, sd USER_SCALE, from the training rows) so they
    fill the [-6, 6] plane, and the cost checked against the problem."""
    allowed = REGRESSION_COSTS if ds.kind == "regression" else CLASSIFICATION_COSTS
    if cfg.cost not in allowed:
        raise DataError(f"this data is a {ds.kind} problem: choose a cost among {', '.join(allowed)}")
    X, y = ds.X_train, ds.y_train
    if len(ds.X_test) == 0:
        perm = rngs(cfg.seed)[0].permutation(len(X))
        n_train = min(len(X) - 1, max(1, round(len(X) * cfg.train / 100)))
        tr, te = perm[:n_train], perm[n_train:]
        Xtr, ytr, Xte, yte = X[tr], y[tr], X[te], y[te]
    else:
        Xtr, ytr, Xte, yte = X, y, ds.X_test, ds.y_test
    mean, sd = Xtr.mean(axis=0), Xtr.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0) / USER_SCALE
    return Dataset((Xtr - mean) / sd, ytr, (Xte - mean) / sd, yte, ds.kind, ds.n_classes, ytr)


def branch_base(cfg: Config) -> Config:
    """The settings of the run a branch left (`branch_at` epochs with `branch_from`'s learning
    settings); cfg itself, branch keys cleared, for a run that is not a branch."""
    pairs = dict(p.split(":", 1) for p in cfg.branch_from.split(",") if p) if cfg.branch_at else {}
    base = {k: PARSERS[k](v) for k, v in pairs.items()}
    return cfg.replace(branch_at=0, branch_from="", **base)


def edited_dataset(base: Dataset, edits: str) -> Dataset:
    """`base` with the link's point edits applied (core/edits.py); DataError saying why
    when they cannot be read or do not fit it."""
    e, why = decode_edits(edits)
    if e is None:
        raise DataError(f"The edited points {why}.")
    try:
        data = apply_edits(base, e)
    except ValueError as err:
        raise DataError(f"The edited points do not fit this data: {err}.") from None
    return data


def augmented(X: np.ndarray, features) -> np.ndarray:
    """Raw points (n, 2) → feature-major inputs (len(features) + 1, n), last row ones."""
    F = feature_matrix(X, features)
    return np.vstack([F.T, np.ones((1, F.shape[0]))])
