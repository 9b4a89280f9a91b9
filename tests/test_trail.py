"""The run's weights over time (core/trail.Trail): bounded in count and bytes whatever the
run's length, thinned evenly, and kept in step with the trainer's record path (hand edits
replace the latest snapshot, roll-backs cut it, a loaded model starts a new trail)."""
import numpy as np
import pytest

from playground.core.config import Config, parse_query
from playground.core.trail import MAX_BYTES, MAX_SNAPSHOTS, Trail
from playground.core.train import Trainer
from playground.io.model_file import load_model, model_json

LARGEST = 2 * 32 + 32 + 7 * (32 * 32 + 32) + 33   # 8 hidden layers of 32 on x1, x2


def fill(trail: Trail, epochs: int, start: int = 0, check=False) -> None:
    """Append θ = (e, e, ...) for epochs start..start+epochs−1 (check the bounds each time)."""
    theta = np.empty(trail.n_params)
    for e in range(start, start + epochs):
        theta.fill(e)
        trail.append(e, theta)
        if check:
            assert len(trail) <= trail.capacity and trail.nbytes <= MAX_BYTES


def test_capacity_is_bounded_in_count_and_bytes():
    assert Trail(37).capacity == MAX_SNAPSHOTS            # the default network
    big = Trail(LARGEST)
    assert LARGEST == 7521 and big.capacity == 33 and 33 * 8 * LARGEST <= MAX_BYTES
    assert Trail(10**6).capacity == 2                     # the first and the latest, always


@pytest.mark.parametrize("n_params, epochs", [(5, 100_000), (LARGEST, 3_000)])  # 10⁵ appends
def test_bounded_over_many_appends_first_and_latest_kept(n_params, epochs):
    trail = Trail(n_params)
    fill(trail, epochs, check=True)
    e, th = trail.epochs(), trail.thetas()
    assert e[0] == 0 and e[-1] == epochs - 1 and np.all(np.diff(e) > 0)
    assert e[-trail.tail:] == list(range(epochs - trail.tail, epochs))   # the end epoch by epoch
    assert th.shape == (len(e), n_params) and np.array_equal(th[:, 0], e)  # pairs stay paired
    assert trail.nbytes == len(e) * 8 * n_params <= MAX_BYTES


@pytest.mark.parametrize("n_params", [4, LARGEST])
def test_thinned_snapshots_are_evenly_spread(n_params):
    """The snapshots are the first and those on the stride, then the latest epoch by epoch
    (the tail of the last thinning and all appended since)."""
    trail, n = Trail(n_params), 20_000 if n_params < 100 else 2_000
    fill(trail, n)
    e, stride = np.array(trail.epochs()), trail.stride
    assert stride > 1
    dense = len(e) - 1 - np.flatnonzero(np.diff(e)[::-1] != 1)[0]   # where the last run starts
    spread, tail = e[:dense], e[dense:]
    assert len(tail) >= trail.tail and e[0] == 0 and e[-1] == n - 1
    assert np.all(spread % stride == 0) and np.all(np.diff(spread) == stride)  # no hole, even
    assert 0 < tail[0] - spread[-1] <= stride
    assert len(spread) >= trail.capacity // 8     # the run is covered, not just its ends


def test_nearest_cut_and_replace():
    trail = Trail(2)
    fill(trail, 1000)
    e = trail.epochs()
    k = e[len(e) // 3]
    got, theta = trail.nearest(k + 1)
    assert got == k and np.all(theta == k)
    assert trail.nearest(-5)[0] == 0 and trail.nearest(10**9)[0] == 999
    with pytest.raises(ValueError):
        theta[0] = 1.0                              # snapshots are read-only
    trail.cut(k + 1)
    assert trail.epochs()[-1] == k and len(trail.thetas()) == len(trail)
    trail.append(k, np.full(2, -1.0))               # the latest epoch again: replaced
    assert trail.epochs()[-1] == k and np.all(trail.thetas()[-1] == -1.0)
    with pytest.raises(ValueError):
        trail.append(k - 1, np.zeros(2))            # earlier than the latest: cut first
    with pytest.raises(ValueError):
        trail.append(k + 1, np.zeros(3))            # another network's θ
    assert len(Trail(2).thetas()) == 0
    with pytest.raises(LookupError):
        Trail(2).nearest(0)


# ---------------------------------------------------------------- in the trainer
def test_the_trail_holds_a_twin_runs_weights_at_its_epochs():
    """Trained N epochs at once, the trail's θ at every kept epoch equals, bit for bit, the θ
    of a twin run trained one epoch at a time (N past the capacity: thinned)."""
    cfg = Config()
    t = Trainer(cfg)
    n = 2 * t.trail.capacity + 37
    t.train(n)
    twin, seen = Trainer(cfg), []
    seen.append(twin.net.theta.copy())
    for _ in range(n):
        twin.train(1)
        seen.append(twin.net.theta.copy())
    epochs = t.trail.epochs()
    assert epochs[0] == 0 and epochs[-1] == n == t.epoch and len(epochs) < n
    for e, theta in zip(epochs, t.trail.thetas()):
        np.testing.assert_array_equal(theta, seen[e])
    np.testing.assert_array_equal(t.trail.thetas()[-1], t.net.theta)


def test_a_hand_edit_replaces_the_latest_snapshot():
    t = Trainer(Config())
    t.train(5)
    before = len(t.trail)
    t.set_parameter(0, 1, 0, 0.75)
    t.set_parameter(1, 0, -1, -0.5)
    assert len(t.trail) == before and t.trail.epochs()[-1] == 5
    np.testing.assert_array_equal(t.trail.thetas()[-1], t.net.theta)
    t.train(1)
    assert t.trail.epochs()[-2:] == [5, 6]


def test_a_roll_back_cuts_the_trail():
    """A learning rate that overflows: the run stops with the weights of the last good epoch,
    and the trail ends there with those weights (the overflowed snapshot is gone)."""
    t = Trainer(parse_query("dataset=reg-plane&cost=mse&lr=10&layers=8,8&activation=relu")[0])
    t.train(150)
    assert t.stop is not None and t.stop.cause == "learning_rate", t.stop
    assert t.trail.epochs()[-1] == t.epoch == t.stop.kept_epoch
    assert t.trail.epochs() == t.history.epoch          # a short run: neither thinned
    np.testing.assert_array_equal(t.trail.thetas()[-1], t.net.theta)
    assert np.isfinite(t.trail.thetas()).all()


def test_the_stuck_rule_cuts_the_trail_back_to_the_best_epoch():
    t = Trainer(parse_query("dataset=spiral&activation=relu&lr=10")[0])
    t.train(100)
    assert t.stop is not None and t.stop.cause == "stuck"
    assert t.trail.epochs() == t.history.epoch and t.trail.epochs()[-1] == t.stop.kept_epoch
    np.testing.assert_array_equal(t.trail.thetas()[-1], t.net.theta)


def test_a_step_through_step_replaces_the_latest_snapshot():
    """core/inside.take_step measures the epoch again, as a hand edit does."""
    from playground.core.inside import take_step
    t = Trainer(Config())
    t.train(4)
    assert take_step(t, [0, 1, 2]) is None
    assert t.trail.epochs() == [0, 1, 2, 3, 4]
    np.testing.assert_array_equal(t.trail.thetas()[-1], t.net.theta)


def test_a_rolled_back_hand_edit_keeps_the_weights_from_before_it():
    t = Trainer(Config())
    t.train(3)
    good = t.net.theta.copy()
    t.set_parameter(0, 0, 0, 1e9)                   # overflows on the next epoch
    t.train(5)
    assert t.stop is not None and t.stop.cause == "edited_weight"
    assert t.trail.epochs()[-1] == 3
    np.testing.assert_array_equal(t.trail.thetas()[-1], good)


def test_load_model_starts_a_new_trail():
    t = Trainer(Config())
    t.train(20)
    model = load_model(model_json(t))
    u = Trainer(Config())
    u.train(50)
    u.load_model(model)
    assert u.trail.epochs() == [20] and len(u.trail) == 1
    np.testing.assert_array_equal(u.trail.thetas()[0], t.net.theta)
    u.train(2)
    assert u.trail.epochs() == [20, 21, 22]


def test_the_history_keeps_the_best_test_loss_of_every_epoch_through_thinning_and_cuts():
    """History.best: the lowest test loss over every recorded epoch, though the history thins
    itself to MAX_RECORDS; a cut or a pop that removes it finds the best of what is left."""
    from playground.core.train import MAX_RECORDS, History
    rng = np.random.default_rng(3)
    h, seen = History(), []
    for e in range(3 * MAX_RECORDS):
        te = float(rng.uniform(0.1, 1.0))
        h.append(e, 0.5, te, 0.5, 0.5)
        seen.append((te, e))
    assert len(h) <= MAX_RECORDS and h.best == (min(seen)[1], min(seen)[0])
    h.append(3 * MAX_RECORDS, 0.5, float("nan"), 0.5, 0.5)     # NaN never counts
    assert h.best == (min(seen)[1], min(seen)[0])
    h.cut(h.best[0])
    kept = [(te, e) for e, te in zip(h.epoch, h.test_loss) if te == te]
    assert h.best == (min(kept)[1], min(kept)[0]) and h.best[0] < min(seen)[1]
