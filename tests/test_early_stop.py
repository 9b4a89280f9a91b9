"""Early stopping (patience=N): once the test loss has not improved for N epochs, the run goes
back to the weights of its best epoch and stops, and the page says so and offers to train on."""
from __future__ import annotations

import numpy as np

from appkit import page, run
from playground.core.config import Config, parse_query
from playground.core.train import Trainer
from playground.core.messages import divergence_message

OVERFIT = Config(dataset="circle", noise=30, train=10, layers=(16, 16), lr=0.1, points=200)


def test_early_stopping_restores_the_best_epochs_weights():
    ref = Trainer(OVERFIT)
    losses, weights = [], {}
    for _ in range(400):
        ref.train(1)
        losses.append((ref.history.test_loss[-1], ref.epoch))
        weights[ref.epoch] = ref.net.theta.copy()
    t = Trainer(OVERFIT.replace(patience=50))
    ran = t.train(400)
    best_loss, best_epoch = min((l, e) for l, e in losses[: ran])
    assert t.stop is not None and t.stop.cause == "early_stop"
    assert t.stop.at_epoch == ran == best_epoch + 50 < 400        # exactly `patience` epochs on
    assert t.epoch == t.stop.kept_epoch == best_epoch
    assert np.array_equal(t.net.theta, weights[best_epoch])        # the very weights of that epoch
    assert t.history.test_loss[-1] == best_loss and t.history.epoch[-1] == best_epoch
    msg = divergence_message(t)
    assert f"epoch {best_epoch:,}" in msg and "early stopping" in msg
    assert Trainer(OVERFIT).train(400) == 400                     # off: it trains on


def test_the_page_says_so_and_trains_on_without_it():
    at = page(dataset="circle", noise="30", train="10", layers="16,16", lr="0.1", points="200",
              patience="50")
    t = at.session_state["pg"].trainer
    t.train(400)
    run(at)
    assert any("early stopping" in s.value for s in at.success)
    at.button(key="pg_no_early_stop").click()
    run(at)
    cfg = at.session_state["pg"].cfg
    assert cfg.patience == 0 and at.session_state["pg"].trainer.stop is None
    assert parse_query("patience=50")[0].patience == 50


def test_the_early_stopping_box_sets_it_and_clamps_what_is_typed():
    from appkit import url, widget
    at = page()
    widget(at, "number_input", "w_patience").set_value(40)
    run(at)
    assert at.session_state["pg"].cfg.patience == 40 and url(at) == {"patience": "40"}
    widget(at, "number_input", "w_patience").set_value(99_999)
    run(at)
    assert at.session_state["pg"].cfg.patience == 10_000
