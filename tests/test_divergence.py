"""Divergence grid: learning rates 1, 3, 10 × every dataset × every activation.

Each run either keeps training with finite numbers, or stops, reports why, and keeps the last
good weights. Nothing non-finite ever reaches the history or the boundary grid.
"""
import numpy as np
import pytest

from playground.config import ACTIVATION_NAMES, DATASET_NAMES, DEFAULT
from playground.train import MAX_ABS_WEIGHT, Trainer

G = np.linspace(-6, 6, 25)
GRID = np.stack(np.meshgrid(G, G), -1).reshape(-1, 2)


@pytest.mark.parametrize("lr", [1.0, 3.0, 10.0])
@pytest.mark.parametrize("dataset", DATASET_NAMES)
def test_divergence_grid(dataset, lr):
    stopped = 0
    for act in ACTIVATION_NAMES:
        cfg = DEFAULT.replace(dataset=dataset, activation=(act,), lr=lr, layers=(8, 8),
                              cost="mse" if dataset.startswith("reg") else "squared")
        t = Trainer(cfg)
        ran = t.train(20)
        h = t.history
        assert np.isfinite(h.train_loss).all() and np.isfinite(h.test_loss).all()
        assert np.isfinite(t.net.theta).all() and np.abs(t.net.theta).max() <= MAX_ABS_WEIGHT
        assert np.isfinite(t.predict_grid(GRID)).all()
        assert len(h.epoch) == t.epoch + 1
        if t.diverged:
            stopped += 1
            assert t.epoch == ran - 1 and t.train(1) == 0 and t.diverged
    if dataset.startswith("reg") and lr == 10.0:
        assert stopped >= 4  # unbounded outputs blow up, and are caught
