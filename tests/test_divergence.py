"""Divergence grid: learning rates 1, 3, 10 × every dataset × every activation.

A run stops, reports why and keeps its last good weights when a number overflows, or when its
loss sits above STUCK_FACTOR × a constant guess's without improving (a saturated output does
not overflow: it is stuck). A run that is not stopped is learning: its loss is not stuck there.
Nothing non-finite ever reaches the history or the boundary grid.
"""
import numpy as np
import pytest

from playground.core.config import ACTIVATION_NAMES, DATASET_NAMES, DEFAULT
from playground.core.messages import divergence_message
from playground.core.train import MAX_ABS_WEIGHT, STUCK_EPOCHS, STUCK_FACTOR, Trainer

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
        ran = t.train(40)
        h = t.history
        assert np.isfinite(h.train_loss).all() and np.isfinite(h.test_loss).all()
        assert np.isfinite(t.net.theta).all() and np.abs(t.net.theta).max() <= MAX_ABS_WEIGHT
        assert np.isfinite(t.predict_grid(GRID)).all()
        assert len(h.epoch) == t.epoch + 1
        if t.diverged:
            stopped += 1
            assert t.train(1) == 0 and t.diverged
            assert t.evaluate()[0] == h.train_loss[-1]  # the weights kept are those reported
            s = t.stop  # nothing edited, labels within ±1: the learning rate or stuck
            assert s.cause in ("learning_rate", "stuck") and s.kept_epoch == t.epoch < s.at_epoch
            assert f"stopped at epoch {s.at_epoch:,}" in divergence_message(t)
        else:
            assert ran == 40
            recent = h.train_loss[-STUCK_EPOCHS:]
            assert min(recent) <= STUCK_FACTOR * t.baseline or recent[-1] < recent[0], (act, recent)
    if lr == 10.0:
        assert stopped >= len(ACTIVATION_NAMES) // 2, "most runs at lr 10 are stopped"
