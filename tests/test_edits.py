"""Points placed by hand (core/edits.py): the training set changes exactly as specified, the
link form round-trips every edit list within the cap and refuses hostile ones with a named
reason, and the run goes on from its weights (train.Trainer.set_edits)."""
from __future__ import annotations

import base64
import struct
import zlib

import numpy as np
import pytest

from playground.core import edits as E
from playground.core.config import DEFAULT, parse_query, to_query
from playground.core.datasets import DataError
from playground.core.train import Trainer, change_kind


def _pack(raw: bytes) -> str:
    return base64.urlsafe_b64encode(zlib.compress(raw)).decode().rstrip("=")


def _edits(rng, k: int, n_base: int, removed: int) -> E.Edits:
    pts = tuple((int(rng.integers(-600, 601)), int(rng.integers(-600, 601)), int(rng.integers(0, 2)),
                 bool(rng.integers(0, 2))) for _ in range(k))
    return E.Edits(pts, tuple(sorted(rng.choice(n_base, removed, replace=False).tolist())))


def test_added_points_join_the_chosen_set_in_click_order_and_removed_ones_go():
    t = Trainer(DEFAULT)
    base = t.base_data
    e = E.add(E.add(E.NONE, E.point(1.234, -2.5, 1, False, False)), E.point(-3, 4, 0, True, False))
    e = E.Edits(e.added, (0, 5, len(base.X_train)))   # two training points and the first test point
    d = E.apply(base, e)
    assert np.array_equal(d.X_train, np.vstack([np.delete(base.X_train, [0, 5], 0), [[1.23, -2.5]]]))
    assert np.array_equal(d.y_train, np.concatenate([np.delete(base.y_train, [0, 5]), [1]]))
    assert np.array_equal(d.X_test, np.vstack([base.X_test[1:], [[-3.0, 4.0]]]))
    assert np.array_equal(d.y_test, np.concatenate([base.y_test[1:], [0]]))
    assert d.y_train.dtype == base.y_train.dtype


def test_remove_nearest_takes_an_added_point_or_lists_a_base_one():
    base = Trainer(DEFAULT).base_data
    e = E.add(E.NONE, E.point(5.9, 5.9, 1, False, False))
    assert E.remove_nearest(e, base, 5.8, 5.8) == E.NONE          # the added point itself
    i = int(((base.X_train - [0.1, 0.2]) ** 2).sum(1).argmin())
    assert E.remove_nearest(E.NONE, base, 0.1, 0.2).removed == (i,)


@pytest.mark.parametrize("seed", range(6))
def test_the_link_form_round_trips_within_the_cap(seed):
    rng = np.random.default_rng(seed)
    e = _edits(rng, int(rng.integers(0, E.MAX_ADDED + 1)), 2000, int(rng.integers(0, 2000)))
    s = E.encode(e)
    assert len(s) <= E.MAX_LINK
    assert E.decode(s) == (e, None)


def test_a_full_link_fits_the_settings_cap_and_travels_in_a_query():
    rng = np.random.default_rng(1)
    e = _edits(rng, E.MAX_ADDED, 500, 499)
    cfg = DEFAULT.replace(edits=E.encode(e))
    assert parse_query(to_query(cfg)) == (cfg, [])


@pytest.mark.parametrize("value, reason", [
    ("!!!", "base64url"),
    ("abcd", "do not unpack"),
    (_pack(b"\x02\x00\x00"), "unknown version"),
    (_pack(b"\x01\x05\x00" + struct.pack("<hhhB", 1, 2, 1, 0)), "wrong length"),
    (_pack(b"\x01\x01\x00" + struct.pack("<hhhB", 601, 0, 1, 0)), "out-of-range coordinates"),
    (_pack(b"\x01\x01\x00" + struct.pack("<hhhB", 0, -700, 1, 0)), "out-of-range coordinates"),
    (_pack(b"\x01" + struct.pack("<H", E.MAX_ADDED + 1) + struct.pack("<hhhB", 0, 0, 1, 0) * (E.MAX_ADDED + 1)),
     "at most 300"),
    (_pack(b"\x01\x01\x00" + struct.pack("<hhhB", 0, 0, 1, 7)), "bad value"),
    (_pack(b"\x01\x00\x00" + b"\x80"), "cut short"),
    (_pack(b"\x01\x00\x00" + b"\x00" * 2001), "more than 2,000"),
    (_pack(b"\x01\x00\x00" + b"\xff\xff\xff\x7f"), "more than 2,000"),
    (_pack(b"\x01\x00\x00" + b"\x00" * 50_000), "do not unpack"),            # a zip bomb, read capped
    (_pack(b"\x01\x00\x00")[:-2], "do not unpack"),
    ("A" * (E.MAX_LINK + 1), "longer than"),
])
def test_hostile_link_forms_are_refused_with_a_named_reason(value, reason):
    e, why = E.decode(value)
    assert e is None and reason in why, why
    cfg, notes = parse_query(f"edits={value}")
    assert cfg.edits == "" and len(notes) == 1 and "edits" in notes[0]


def test_edits_that_do_not_fit_the_data_are_named():
    base = Trainer(DEFAULT).base_data
    with pytest.raises(ValueError, match="only 500"):
        E.apply(base, E.Edits((), (500,)))
    with pytest.raises(ValueError, match="class"):
        E.apply(base, E.Edits(((0, 0, 3, False),), ()))
    with pytest.raises(DataError, match="edited points"):
        Trainer(DEFAULT.replace(edits=E.encode(E.Edits((), (999,)))))


def test_a_link_with_edits_rebuilds_the_edited_data_bit_for_bit():
    t = Trainer(DEFAULT)
    e = E.remove_nearest(E.add(E.NONE, E.point(2.5, 2.5, 0, False, False)), t.base_data, -1, 1)
    cfg = DEFAULT.replace(edits=E.encode(e))
    t.set_edits(cfg)
    u = Trainer(parse_query(to_query(cfg))[0])
    for a in ("X_train", "y_train", "X_test", "y_test"):
        assert np.array_equal(getattr(t.data, a), getattr(u.data, a)), a
    assert np.array_equal(t.net.theta, u.net.theta)  # the same starting weights too


def test_adding_points_keeps_the_weights_and_trains_on_them():
    t = Trainer(DEFAULT)
    t.train(30)
    theta, epoch, n = t.net.theta.copy(), t.epoch, len(t.data.X_train)
    cfg = t.cfg.replace(edits=E.encode(E.add(E.NONE, E.point(5, 5, 1, False, False))))
    assert change_kind(t.cfg, cfg) == "points"
    t.set_edits(cfg)
    assert np.array_equal(t.net.theta, theta) and t.epoch == epoch
    assert t.X_train.shape[1] == n + 1 and t.history.epoch[-1] == epoch
    assert t.history.train_loss[-1] == t.evaluate()[0]  # this epoch measured on the new points
    t.train(1)
    assert t.epoch == epoch + 1 and not t.diverged


def test_an_empty_plane_waits_for_points_then_trains():
    t = Trainer(DEFAULT)
    t.set_edits(t.cfg.replace(edits=E.encode(E.empty(t.base_data))))
    assert t.stop is not None and t.stop.cause == "empty" and t.train(5) == 0
    e = E.add(E.empty(t.base_data), E.point(1, 1, 1, False, False))
    e = E.add(e, E.point(-1, -1, 0, False, False))
    t.set_edits(t.cfg.replace(edits=E.encode(e)))
    assert t.stop is None and t.train(5) == 5
    assert np.isnan(t.history.test_loss[-1])  # no test point: no test loss, and no crash


def test_the_data_csv_includes_the_edited_points():
    from playground.io.data_csv import dataset_to_csv, read_csv
    t = Trainer(DEFAULT)
    e = E.add(E.add(E.NONE, E.point(4.56, -1.23, 1, False, False)), E.point(-2, 2, 0, True, False))
    t.set_edits(t.cfg.replace(edits=E.encode(E.Edits(e.added, (0,)))))
    back = read_csv(dataset_to_csv(t.data).encode(), problem="classification")
    for a in ("X_train", "y_train", "X_test", "y_test"):
        assert np.array_equal(getattr(back, a), getattr(t.data, a)), a
    assert [4.56, -1.23] in back.X_train.tolist() and [-2.0, 2.0] in back.X_test.tolist()


def test_a_regression_point_carries_its_target_in_hundredths():
    t = Trainer(DEFAULT.replace(dataset="reg-plane"))
    e = E.add(E.NONE, E.point(1, 1, -0.5, False, True))
    t.set_edits(t.cfg.replace(edits=E.encode(e)))
    assert t.data.y_train[-1] == -0.5 and t.data.y_train.dtype == np.float64
    with pytest.raises(ValueError, match="out of range"):
        E.point(0, 0, 2.5, False, True)


def test_at_the_link_cap_the_page_says_so_and_offers_the_csv():
    from appkit import page
    e = E.Edits(tuple((int(i % 40) * 10 - 200, int(i // 40) * 10 - 200, i % 2, False) for i in range(E.MAX_ADDED)), ())
    at = page(edits=E.encode(e))
    generated = len(Trainer(DEFAULT).data.X_train)
    assert any(f"at most {E.MAX_ADDED} added points" in w.value for w in at.warning)
    assert at.session_state["pg"].trainer.X_train.shape[1] == generated + E.MAX_ADDED
    p = at.session_state["pg"]
    assert f"at most {E.MAX_ADDED}" in p.edit_points("add", 1.0, 1.0, 1, False)   # refused, nothing lost
    assert p.trainer.X_train.shape[1] == generated + E.MAX_ADDED


def test_clicking_points_in_keeps_the_engines_buffers_bounded(monkeypatch):
    """Every added point changes the train+test column count; the engine kept one buffer
    set per count forever (116 kB a click on the default run, benchmarks/soak.py). Evicting
    buffers changes no number: the same clicks with an unbounded cache give the same run."""
    from playground.core import engine

    def clicks() -> Trainer:
        t, e = Trainer(DEFAULT), E.NONE
        for i in range(40):
            e = E.add(e, E.point(-5 + i * 0.25, 5, i % 2, i % 3 == 0, False))
            t.set_edits(t.cfg.replace(edits=E.encode(e)))
            t.train(1)
            assert len(t.net._ws) <= engine.MAX_WORKSPACES
        return t

    bounded = clicks()
    monkeypatch.setattr(engine, "MAX_WORKSPACES", 10_000)
    unbounded = clicks()
    assert len(unbounded.net._ws) > 40 and np.array_equal(bounded.net.theta, unbounded.net.theta)
    assert bounded.history.train_loss == unbounded.history.train_loss
