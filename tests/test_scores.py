"""Scores beyond the loss (core/scores.py): the confusion matrix agrees with the accuracy the
page shows, precision and recall and R² and the mean absolute error agree with scikit-learn,
and the See inside view draws them."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import mean_absolute_error, precision_score, r2_score, recall_score

from appkit import page, run
from playground.core.config import Config
from playground.core.costs import predict_classes
from playground.core.scores import scores
from playground.core.train import Trainer


@pytest.mark.parametrize("cfg", [Config(dataset="xor", lr=0.1), Config(dataset="spiral", classes=3, cost="cross_entropy"),
                                 Config(dataset="blobs", classes=4, cost="hinge"), Config(dataset="circle", cost="squared")])
def test_confusion_matrix_is_the_accuracy_the_page_shows(cfg):
    t = Trainer(cfg.replace(points=300, label_noise=10))
    t.train(40)
    train, test = scores(t)
    k = max(2, t.head.units)
    assert train.confusion.shape == test.confusion.shape == (k, k)
    assert (train.n, test.n) == (t.X_train.shape[1], t.X_test.shape[1])
    assert train.confusion.sum() == train.n and test.confusion.sum() == test.n
    assert train.accuracy == t.history.train_acc[-1] and test.accuracy == t.history.test_acc[-1]
    n = t.X_train.shape[1]
    p = predict_classes(t.net.forward(t.X_all), t.head)
    y = t.y_all
    for split, sl in ((train, slice(0, n)), (test, slice(n, None))):
        labels = list(range(k))
        want_p = precision_score(y[sl], p[sl], labels=labels, average=None, zero_division=np.nan)
        want_r = recall_score(y[sl], p[sl], labels=labels, average=None, zero_division=np.nan)
        np.testing.assert_allclose(split.precision, want_p, equal_nan=True)
        np.testing.assert_allclose(split.recall, want_r, equal_nan=True)
        assert np.array_equal(split.confusion.sum(axis=1), np.bincount(y[sl].astype(int), minlength=k))


def test_regression_scores_are_scikit_learns():
    t = Trainer(Config(dataset="reg-gauss", noise=20, points=300))
    t.train(30)
    train, test = scores(t)
    n = t.X_train.shape[1]
    O = t.net.forward(t.X_all)[0]
    y = t.T_all[0]
    assert train.confusion is None and np.isnan(train.accuracy)
    assert train.r2 == pytest.approx(r2_score(y[:n], O[:n]), rel=1e-12)
    assert test.r2 == pytest.approx(r2_score(y[n:], O[n:]), rel=1e-12)
    assert test.mae == pytest.approx(mean_absolute_error(y[n:], O[n:]), rel=1e-12)
    assert np.array_equal(test.predicted, O[n:])


def test_the_scores_view_draws_both_matrices_and_the_table():
    at = page(dataset="spiral", classes="3", cost="cross_entropy")
    at.session_state["pg"].prefs["pg_inside"] = "scores"
    at.session_state["pg"].trainer.train(20)
    run(at)
    keys = [str(c.proto.id) for c in at.get("plotly_chart")]
    assert any("pg_in_confusion_train" in k for k in keys) and any("pg_in_confusion_test" in k for k in keys)
    assert len(at.dataframe) >= 1 and "precision" in " ".join(at.dataframe[-1].value.columns)
    at = page(dataset="reg-plane")
    at.session_state["pg"].prefs["pg_inside"] = "scores"
    run(at)
    train, test = scores(at.session_state["pg"].trainer)
    assert any(f"test {test.r2:.3f}" in m.value and "Mean absolute error" in m.value for m in at.markdown)
    assert any("pg_in_scores_fig" in str(c.proto.id) for c in at.get("plotly_chart"))
