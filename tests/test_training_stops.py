"""A stopped run says, in one coherent paragraph, when the stop was detected, which weights
were kept and the likely cause (learning rate, a hand edit, the data's scale, or stuck worse
than guessing); "continue" continues; a run no better than guessing is flagged."""
import json

import numpy as np
import pytest

from playground.core.config import parse_query
from playground.core.datasets import Dataset
from playground.core.messages import divergence_message, guessing_message
from playground.core.train import CAUSES, GUESS_EPOCHS, STUCK_EPOCHS, Stop, Trainer

SPIRAL_RELU = "dataset=spiral&activation=relu"
BLOWS_UP = "dataset=reg-plane&layers=8,8,8&activation=relu&lr=10&cost=mse"


def trainer(query: str, data=None) -> Trainer:
    cfg, notes = parse_query(query)
    assert notes == []
    return Trainer(cfg, data)


def kept_is_reported(t: Trainer) -> None:
    """The run sits at the kept epoch, its weights are the ones its last record measured."""
    s = t.stop
    assert s.cause in CAUSES and t.epoch == s.kept_epoch == t.history.epoch[-1]
    assert t.evaluate()[0] == t.history.train_loss[-1]
    assert t.train(3) == 0


def test_stuck_at_lr_10_names_detection_and_kept_epochs_apart():
    """The issue's case: the stuck rule rolls back to epoch 0, detected 10 epochs later; the old
    text said 'stopped at epoch 0 ... for 10 epochs' in one sentence."""
    t = trainer(f"{SPIRAL_RELU}&lr=10")
    t.train(100)
    s = t.stop
    assert isinstance(s, Stop) and s.cause == "stuck"
    assert s.at_epoch >= s.kept_epoch + STUCK_EPOCHS
    kept_is_reported(t)
    msg = divergence_message(t)
    assert f"stopped at epoch {s.at_epoch:,}:" in msg
    assert f"epoch {s.kept_epoch:,}, the best of this run" in msg
    assert "worse than always guessing" in msg
    assert str(t.diverged) == s.reason and "always guessing" in t.diverged


def test_overflow_after_ordinary_steps_is_blamed_on_the_learning_rate():
    t = trainer(BLOWS_UP)
    t.train(50)
    s = t.stop
    assert s.cause == "learning_rate" and s.kept_epoch == s.at_epoch - 1
    kept_is_reported(t)
    msg = divergence_message(t)
    assert "The learning rate (10) is probably too high" in msg
    assert f"stopped at epoch {s.at_epoch:,}" in msg
    assert f"epoch {s.kept_epoch:,}, the last good" in msg


@pytest.mark.parametrize("where", [(2, 0, -1), (0, 1, -1), (1, 0, 2)],
                         ids=["output bias", "hidden bias", "weight"])
def test_a_huge_hand_edit_is_blamed_on_the_edit_and_undone(where):
    t = trainer("")
    t.train(5)
    before = t.net.theta.copy()
    t.set_parameter(*where, 1e308)
    t.train(10)
    s = t.stop
    assert s is not None and s.cause == "edited_weight" and s.edit == (*where, 1e308)
    assert s.kept_epoch == 5 and np.array_equal(t.net.theta, before)  # the weights before the edit
    kept_is_reported(t)
    msg = divergence_message(t)
    assert "set by hand" in msg and "1e+308" in msg and "before the edit (epoch 5)" in msg
    assert "is probably too high" not in msg


def test_a_small_edit_before_a_high_learning_rate_overflow_is_not_blamed():
    t = trainer(BLOWS_UP)
    t.set_parameter(0, 0, 0, 0.25)
    t.train(50)
    assert t.stop.cause == "learning_rate"


def scaled(query: str, factor: float) -> Dataset:
    d = trainer(query).data
    return Dataset(d.X_train, d.y_train * factor, d.X_test, d.y_test * factor, d.kind, d.n_classes,
                   d.y_train * factor)


def test_labels_of_1e308_stop_before_training_and_blame_the_data():
    t = trainer("dataset=reg-plane&cost=mse", scaled("dataset=reg-plane&cost=mse", 1e308))
    s = t.stop
    assert s is not None and s.cause == "data" and s.at_epoch == s.kept_epoch == 0
    assert t.train(5) == 0
    msg = divergence_message(t)
    assert msg.startswith("Training cannot start") and "data's scale" in msg
    assert "is probably too high" not in msg
    t.adopt(t.cfg.replace(lr=0.001))  # no learning rate helps: still stopped
    assert t.stop.cause == "data" and t.train(1) == 0
    json.dumps({**t.summary(), "reason": t.diverged}, allow_nan=True)  # the CLI's record


def test_large_labels_overflowing_in_training_blame_the_data():
    t = trainer("dataset=reg-plane&cost=mse&lr=1", scaled("dataset=reg-plane&cost=mse", 5e3))
    assert t.stop is None
    t.train(30)
    assert t.stop is not None and t.stop.cause == "data"
    assert "data's scale" in divergence_message(t)


def test_no_stop_no_message_and_the_old_interface_holds():
    t = trainer("")
    t.train(20)
    assert t.stop is None and t.diverged is None and divergence_message(t) == ""
    assert t.summary()["diverged"] is False


def test_continue_after_a_stop_continues():
    t = trainer(f"{SPIRAL_RELU}&lr=10")
    t.train(100)
    assert t.stop is not None
    start = t.epoch
    t.adopt(t.cfg.replace(lr=3))
    assert t.stop is None and t.train(20) == 20 and t.epoch == start + 20


def test_a_run_no_better_than_guessing_is_flagged_without_stopping():
    """The issue's case: Play at lr 3 on the spiral/relu run trains on, flat, worse than a
    constant guess but under the stuck factor."""
    t = trainer(f"{SPIRAL_RELU}&lr=3")
    flags = []
    for _ in range(300):
        t.train(1)
        flags.append(t.no_better_than_guessing)
    assert t.stop is None and t.epoch == 300
    assert not any(flags[:GUESS_EPOCHS - 1])              # a grace period first
    assert all(flags[2 * GUESS_EPOCHS:])                  # then, once flat, flagged for good
    recent = t.history.train_loss[-GUESS_EPOCHS:]
    assert min(recent) >= 0.99 * t.baseline               # what the flag claims
    msg = guessing_message(t)
    assert "no better than always guessing" in msg and f"{t.baseline:.4g}" in msg


def test_the_flag_restarts_after_new_settings():
    t = trainer(f"{SPIRAL_RELU}&lr=3")
    t.train(2 * GUESS_EPOCHS)
    assert t.no_better_than_guessing
    t.adopt(t.cfg.replace(lr=0.3))
    assert not t.no_better_than_guessing and guessing_message(t) == ""


def test_tfp_default_run_is_never_flagged():
    t = trainer("")
    for _ in range(500):
        t.train(1)
        assert not t.no_better_than_guessing, t.epoch
