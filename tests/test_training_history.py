"""The run's history is bounded whatever its length (progressive thinning), and what reads it
every tick costs the same at any epoch."""
import numpy as np
import pytest

from playground.views import canvas_spec as cs
from playground.core.config import DEFAULT, parse_query
from playground.core.train import DENSE_TAIL, MAX_RECORDS, STUCK_EPOCHS, History, Trainer


def fill(h: History, epochs, start: int = 0) -> None:
    for e in range(start, start + epochs):
        h.append(e, 1.0 / (1 + e), 2.0 / (1 + e), 0.5, 0.5)


@pytest.mark.parametrize("epochs", [MAX_RECORDS - 1, MAX_RECORDS + 1, 10 * MAX_RECORDS + 7,
                                    200_003])
def test_history_stays_bounded_keeps_first_last_and_increasing_epochs(epochs):
    h = History()
    fill(h, epochs)
    e = h.epoch
    assert len(h) <= MAX_RECORDS and all(len(getattr(h, k)) == len(e) for k in
                                         ("train_loss", "test_loss", "train_acc", "test_acc"))
    assert e[0] == 0 and e[-1] == epochs - 1 and np.all(np.diff(e) > 0)
    assert e[-DENSE_TAIL:] == list(range(epochs - DENSE_TAIL, epochs))  # the end epoch by epoch
    assert h.train_loss[-1] == 1.0 / epochs and h.train_loss[0] == 1.0  # records stay paired
    assert all(h.test_loss[i] == 2 * h.train_loss[i] for i in range(0, len(e), 97))


def test_thinned_history_covers_the_whole_run_evenly():
    h = History()
    fill(h, 1_000_000)
    gaps = np.diff(h.epoch[:-DENSE_TAIL])
    assert len(h) > MAX_RECORDS // 4 and gaps.max() <= h.stride   # no hole wider than the stride
    assert h.stride * len(h) >= 1_000_000 // 2


def test_cut_and_pop():
    h = History()
    fill(h, 3 * MAX_RECORDS)
    last = h.epoch[-1]
    h.pop()
    assert h.epoch[-1] == last - 1
    k = h.epoch[len(h) // 3]
    h.cut(k + 1)
    assert h.epoch[-1] == k and len(h.train_loss) == len(h.epoch)


def long_trainer(epochs: int) -> Trainer:
    """A real run whose history was filled past the cap through the record path (the weights
    do not change, so every record measures the same)."""
    t = Trainer(DEFAULT)
    for _ in range(epochs):
        t.epoch += 1
        t.record()
    t.mark_good()
    return t


def test_a_long_run_still_trains_edits_and_rolls_back():
    t = long_trainer(3 * MAX_RECORDS)
    assert len(t.history) <= MAX_RECORDS and t.history.epoch[0] == 0
    assert t.train(5) == 5 and t.epoch == 3 * MAX_RECORDS + 5 == t.history.epoch[-1]
    n = len(t.history)
    t.set_parameter(0, 0, 0, 0.3)
    assert len(t.history) == n and t.history.train_loss[-1] == t.evaluate()[0]
    t.adopt(t.cfg.replace(lr=10))  # stuck: back to the best epoch, measured again
    t.train(200)
    assert t.stop is not None and t.epoch == t.stop.kept_epoch == t.history.epoch[-1]
    assert t.evaluate()[0] == t.history.train_loss[-1] and np.all(np.diff(t.history.epoch) > 0)


def test_stuck_rule_unchanged_by_thinning():
    """The stuck rule compares with the loss STUCK_EPOCHS epochs ago, not STUCK_EPOCHS records."""
    t = long_trainer(5 * MAX_RECORDS)
    t.adopt(t.cfg.replace(lr=10))
    t.train(100)
    assert t.stop is not None and t.stop.at_epoch - t.stop.kept_epoch >= STUCK_EPOCHS


@pytest.mark.parametrize("epochs", [10, 150_000])
def test_loss_spec_is_bounded_and_spans_the_run(epochs):
    t = Trainer(DEFAULT)
    t.history = History()
    fill(t.history, epochs + 1)
    L = cs.loss_spec(t)
    assert (L["x0"], L["x1"]) == (0, epochs)
    assert len(L["train"]) == len(L["test"]) == 2 * min(cs.MAX_HISTORY_POINTS, epochs + 1)
    dec = cs.decode_losses(L["train"])
    assert dec[-1] == pytest.approx(t.history.train_loss[-1], rel=0.01)


def test_history_sample_is_nearest_to_even_epochs():
    epochs = [0, 1, 2, 4, 8, 16, 32, 33, 34]
    idx = cs.history_sample(epochs, 5)
    want = np.round(np.linspace(0, 34, 5))
    got = np.asarray(epochs)[idx]
    assert len(idx) == 5 and idx[0] == 0 and idx[-1] == len(epochs) - 1
    assert np.all(np.abs(got - want) <= np.min(np.abs(np.asarray(epochs)[:, None] - want), 0))
    dense = list(range(1001))
    assert np.array_equal(cs.history_sample(dense, 200), cs.downsample(1001, 200))


def test_same_query_same_history_under_thinning():
    a, b = (Trainer(parse_query("layers=2&points=50")[0]) for _ in range(2))
    for t in (a, b):
        t.train(MAX_RECORDS + 300)
    assert a.history.epoch == b.history.epoch and a.history.train_loss == b.history.train_loss
    assert len(a.history) <= MAX_RECORDS
