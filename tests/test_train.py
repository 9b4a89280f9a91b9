"""Training behaviour: learning, determinism, divergence, continuing from a model."""
import numpy as np
import pytest

from playground.core.config import DEFAULT, parse_query
from playground.io.model_file import load_model, model_json
from playground.core.config import ACTIVATION_NAMES, DATASET_NAMES
from playground.core.train import Trainer, change_kind


def trained(query, epochs):
    cfg, notes = parse_query(query)
    assert notes == []
    t = Trainer(cfg)
    t.train(epochs)
    return t


def test_xor_needs_a_hidden_layer():
    flat = trained("dataset=xor&layers=&lr=0.1&cost=cross_entropy", 200)
    deep = trained("dataset=xor&layers=8&lr=0.1&cost=cross_entropy", 200)
    assert flat.summary()["test_accuracy"] < 0.7
    assert deep.summary()["test_accuracy"] > 0.9


def test_default_circle_is_learned():
    t = trained("", 300)
    s = t.summary()
    assert s["train_loss"] < 0.05 and s["test_accuracy"] > 0.95 and not s["diverged"]


@pytest.mark.parametrize("query", ["dataset=spiral&classes=3&layers=16,16&cost=cross_entropy&optimizer=adam&lr=0.01",
                                   "dataset=blobs&classes=4&layers=8&cost=hinge&optimizer=momentum&lr=0.01",
                                   "dataset=reg-plane&cost=mse&layers=4", "dataset=moons&layers=8,8&activation=relu&optimizer=rmsprop&lr=0.01"])
def test_other_problems_learn(query):
    t = trained(query, 150)
    first, last = t.history.train_loss[0], t.history.train_loss[-1]
    assert last < 0.5 * first
    if t.problem == "classification":
        assert t.summary()["train_accuracy"] > 0.85


def test_same_query_same_run():
    a = trained("dataset=spiral&noise=20&layers=6,6&seed=7&optimizer=adam", 20)
    b = trained("dataset=spiral&noise=20&layers=6,6&seed=7&optimizer=adam", 20)
    np.testing.assert_array_equal(a.data.X_train, b.data.X_train)
    np.testing.assert_array_equal(a.net.theta, b.net.theta)
    assert a.history.train_loss == b.history.train_loss
    c = trained("dataset=spiral&noise=20&layers=6,6&seed=8&optimizer=adam", 20)
    assert not np.array_equal(a.data.X_train, c.data.X_train)


def test_changing_network_keeps_data():
    a = Trainer(DEFAULT)
    b = Trainer(DEFAULT.replace(layers=(8, 8, 8)))
    np.testing.assert_array_equal(a.data.X_train, b.data.X_train)


def test_step_by_step_equals_batch_of_epochs():
    a, b = Trainer(DEFAULT), Trainer(DEFAULT)
    a.train(10)
    for _ in range(10):
        b.step_epoch()
    np.testing.assert_array_equal(a.net.theta, b.net.theta)


def test_divergence_stops_and_keeps_last_good_weights():
    cfg, _ = parse_query("dataset=reg-plane&layers=8,8,8&activation=relu&lr=10&cost=mse")
    t = Trainer(cfg)
    ran = t.train(50)
    assert t.diverged and ran < 50
    assert np.isfinite(t.net.theta).all() and np.abs(t.net.theta).max() < 1e6
    assert np.isfinite(t.history.train_loss).all() and t.epoch == len(t.history.epoch) - 1
    assert t.train(5) == 0  # stays stopped until the settings change
    t.adopt(cfg.replace(lr=0.001))
    assert t.train(3) == 3 and not t.diverged


def test_a_run_stuck_worse_than_a_constant_guess_stops_at_its_best_weights():
    """TFP's default at learning rate 10: nothing overflows, but the tanh output saturates and
    the loss sits near twice what always answering the same would cost."""
    cfg, _ = parse_query("lr=10")
    t = Trainer(cfg)
    assert 0.45 < t.baseline < 0.55  # ½(0 − (±1))² with balanced classes
    ran = t.train(100)
    h = t.history
    assert t.diverged and "always guessing" in t.diverged and ran < 100
    assert h.train_loss[-1] == min(h.train_loss) and t.epoch == h.epoch[-1]
    assert t.evaluate()[0] == h.train_loss[-1]  # the weights kept are the ones reported
    assert t.train(5) == 0
    t.adopt(cfg.replace(lr=0.03))  # the one-click lower rate: it learns from there
    assert t.train(300) == 300 and not t.diverged
    assert t.history.train_loss[-1] < 0.2 * t.baseline


def test_sane_runs_are_never_stopped():
    """The stuck rule must not stop a run that is learning: TFP's defaults (lr 0.03, SGD) on
    every dataset with every activation, noisy data."""
    for dataset in DATASET_NAMES:
        for act in ACTIVATION_NAMES:
            cost = "mse" if dataset.startswith("reg") else "squared"
            t = Trainer(DEFAULT.replace(dataset=dataset, activation=(act,), noise=20, cost=cost))
            t.train(100)
            assert not t.diverged, (dataset, act, t.diverged)


def test_setting_a_weight_by_hand_remeasures_the_epoch():
    t = trained("layers=4,2", 5)
    before = t.history.train_loss[-1]
    t.set_parameter(0, 1, 0, 3.0)   # first layer, neuron 2, weight from x1
    t.set_parameter(2, 0, -1, -0.7)  # the output's bias
    assert t.net.W[0][1, 0] == 3.0 and t.net.W[2][0, -1] == -0.7
    assert len(t.history.epoch) == 6 and t.epoch == 5
    assert t.history.train_loss[-1] == t.evaluate()[0] != before
    assert t.train(3) == 3


def test_continue_from_saved_model():
    a = trained("layers=5,3&activation=relu,tanh&residual=1", 30)
    m = load_model(model_json(a))
    b = Trainer(m.config)
    b.load_model(m)
    np.testing.assert_array_equal(a.net.theta, b.net.theta)
    assert b.epoch == 30 and b.history.train_loss[0] == pytest.approx(a.history.train_loss[-1])


def test_label_noise_hurts_training_fit_more_than_test():
    t = trained("dataset=gauss&label_noise=30&layers=8", 100)
    s = t.summary()
    assert s["train_accuracy"] < 0.85 and s["test_accuracy"] > 0.9


def test_l2_shrinks_weights():
    a = trained("layers=8,8&lr=0.1", 100)
    b = trained("layers=8,8&lr=0.1&reg=l2&reg_rate=0.03", 100)
    assert np.abs(b.net.theta[b.net.mask == 1]).sum() < 0.7 * np.abs(a.net.theta[a.net.mask == 1]).sum()


def test_reset_rule():
    assert change_kind(DEFAULT, DEFAULT.replace(lr=1.0, optimizer="adam", batch=3)) == "live"
    assert change_kind(DEFAULT, DEFAULT.replace(show_test=True)) == "none"
    assert change_kind(DEFAULT, DEFAULT.replace(layers=(3,), activation=("relu",))) == "model"
    assert change_kind(DEFAULT, DEFAULT.replace(noise=10)) == "data"


def test_adopt_batch_change_keeps_weights_and_epoch():
    t = trained("", 5)
    theta = t.net.theta.copy()
    t.adopt(t.cfg.replace(batch=25))
    np.testing.assert_array_equal(t.net.theta, theta)
    assert t.epoch == 5 and len(t.batches) == 10
    t.train(1)
    assert t.epoch == 6
