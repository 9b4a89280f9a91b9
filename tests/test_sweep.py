"""Depth sweeps: configs, one run's JSON, ordering, stopping, backends and gradient flow."""
import json
import math
import sys
import threading
import time
import types
from pathlib import Path

import numpy as np
import psutil
import pytest

from playground.core.config import Config, parse_query, to_query
from prockit import cpu_seconds
from playground.core.grid import grid_points
from playground.lab.sweep import DASK_ENV, depth_config, resolve_backend, run_ab, run_one, run_sizes, run_sweep
from playground.core.train import Trainer
from playground.core.rundata import build_dataset

ROOT = Path(__file__).resolve().parents[1]
SMALL = Config(points=100, lab_width=4)


def strip(results):
    return [{k: v for k, v in r.items() if k != "seconds"} for r in results]


RESULT_KEYS = ("depth", "seed", "epoch", "train_loss", "test_loss", "train_accuracy",
               "test_accuracy", "diverged", "seconds", "grad_norms_init", "grad_norms_final")


def test_sweep_runs_shapes_seeds_and_shared_data():
    """The runs a sweep makes: each depth (duplicates dropped, sorted) × seed offset, the
    width given, the first activation for all layers, seeds cfg.seed + offset (wrapping)."""
    cfg = Config(layers=(4, 2), activation=("relu", "tanh"), seed=7, points=100)
    out = run_sweep(cfg, [3, 0, 1, 3], 2, 0, width=5, backend="serial")
    assert [(r["depth"], r["seed"]) for r in out] == [(0, 7), (0, 8), (1, 7), (1, 8), (3, 7), (3, 8)]
    assert [len(r["grad_norms_init"]) for r in out] == [1, 1, 2, 2, 4, 4]
    assert [(r["depth"], r["seed"]) for r in run_sweep(cfg, [1], [0, 3], 0, backend="serial")] == [
        (1, 7), (1, 10)]
    assert [r["seed"] for r in run_sweep(Config(seed=2**31 - 1, points=100), [0], 2, 0,
                                         backend="serial")] == [2**31 - 1, 0]  # wraps in range
    one = depth_config(cfg, 3, 8, width=5)
    assert (one.layers, one.activation, one.seed) == ((5, 5, 5), ("relu",), 8)
    assert one.dataset == cfg.dataset and one.lr == cfg.lr
    assert depth_config(cfg, 2, 3).layers == (cfg.lab_width,) * 2
    # all depths of one seed train on the very same data
    a, b = build_dataset(depth_config(cfg, 0, 7)), build_dataset(depth_config(cfg, 3, 7))
    assert np.array_equal(a.X_train, b.X_train) and np.array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.X_train, build_dataset(depth_config(cfg, 0, 8)).X_train)


def test_run_one_grid_is_the_live_views_grid_of_cell_centres():
    """The Lab's boundaries are evaluated where the live view's are: at the centres of equal
    cells (core.grid), not on linspace(-6, 6) edges, so the two pictures agree point for point."""
    cfg = SMALL.replace(layers=(4,))
    r = run_one(to_query(cfg), 3, 1, 0, grid=5)
    t = Trainer(depth_config(cfg, 1, 0))
    t.train(3)
    axis, P = grid_points(5)
    np.testing.assert_allclose(axis, [-4.8, -2.4, 0.0, 2.4, 4.8], atol=1e-12)  # 5 cells of 2.4
    want = np.round(t.predict_grid(P).reshape(5, 5), 4)
    np.testing.assert_array_equal(np.array(r["grid"]), want)


def test_run_one_json_keys_and_shapes():
    r = run_one(to_query(SMALL), 5, 2, 0, grid=6)
    assert set(RESULT_KEYS) <= set(r)
    assert (r["depth"], r["seed"], r["epoch"], r["diverged"]) == (2, 0, 5, False)
    assert len(r["grad_norms_init"]) == len(r["grad_norms_final"]) == 3  # 2 hidden + output
    assert all(v > 0 for v in r["grad_norms_init"])
    assert 0.0 <= r["test_accuracy"] <= 1.0 and r["seconds"] >= 0
    assert len(r["grid"]) == 6 and all(len(row) == 6 for row in r["grid"])
    assert all(0.0 <= v <= 1.0 for row in r["grid"] for v in row)
    json.dumps(r, allow_nan=False)
    assert "grid" not in run_one(to_query(SMALL), 1, 0, 0)


def test_run_one_regression_has_no_accuracy_and_multiclass_grid_is_classes():
    reg = run_one(to_query(SMALL.replace(dataset="reg-plane", points=100)), 3, 1, 0)
    assert reg["train_accuracy"] is None and reg["test_accuracy"] is None
    assert math.isfinite(reg["test_loss"])
    mc = run_one(to_query(SMALL.replace(dataset="spiral", classes=3)), 3, 1, 0, grid=5)
    assert {v for row in mc["grid"] for v in row} <= {0, 1, 2}


def test_diverged_run_stays_valid_json():
    cfg = SMALL.replace(dataset="reg-plane", activation=("relu",), lr=3.0, init="he")
    r = run_one(to_query(cfg), 50, 4, 0, grid=4)
    assert r["diverged"] and r["epoch"] < 50
    json.dumps(r, allow_nan=False)


def test_run_sweep_order_progress_and_callbacks():
    calls, seen = [], []
    out = run_sweep(SMALL, [2, 0], 2, 3, backend="serial", progress=lambda d, t: calls.append((d, t)),
                    on_result=seen.append)
    assert [(r["depth"], r["seed"]) for r in out] == [(0, 0), (0, 1), (2, 0), (2, 1)]
    assert calls[0] == (0, 4) and calls[-1] == (4, 4)
    assert len(seen) == 4


def test_should_stop_returns_finished_runs():
    done = []
    out = run_sweep(SMALL, [0, 1, 2], 1, 2, backend="serial", on_result=done.append,
                    should_stop=lambda: len(done) >= 2)
    assert [r["depth"] for r in out] == [0, 1]


def test_bad_arguments_raise_value_error(monkeypatch):
    monkeypatch.delenv(DASK_ENV, raising=False)
    for kw in (dict(depths=[33]), dict(depths=[]), dict(depths=[-1]), dict(width=0),
               dict(width=33), dict(backend="gpu"), dict(seeds=0), dict(backend="dask"),
               dict(epochs=-1), dict(epochs=1.5), dict(grid=101)):
        args = dict(cfg=SMALL, depths=[0], seeds=1, epochs=1) | kw
        with pytest.raises(ValueError):
            run_sweep(**args)
    with pytest.raises(ValueError):
        run_one(to_query(SMALL), -1, 0, 0)
    with pytest.raises(ValueError):
        run_one(to_query(SMALL), 1, 0, 0, grid=1000)


def test_auto_backend(monkeypatch):
    monkeypatch.delenv(DASK_ENV, raising=False)
    assert resolve_backend("auto", 1) == "serial"
    assert resolve_backend("auto", 10, estimate=0.01) == "serial"
    monkeypatch.setenv(DASK_ENV, "tcp://127.0.0.1:1")
    assert resolve_backend("auto", 10, estimate=0.01) == "dask"
    assert resolve_backend("serial", 10) == "serial"


def test_query_round_trip_is_exact():
    """Workers rebuild the settings from the query string: it must lose nothing."""
    cfg = Config(dataset="spiral", classes=3, noise=20, lr=0.003, optimizer="adam",
                 activation=("relu",), residual=True, seed=12345, batch=7, reg="l2",
                 reg_rate=0.001, lab_width=6)
    assert parse_query(to_query(cfg))[0] == cfg


# ---------------------------------------------------------------- gradient flow
def _first_last(cfg, depth=10):
    g = run_one(to_query(cfg), 0, depth, 0)["grad_norms_init"]
    return g[0], g[-1]


def test_deep_sigmoid_gradient_vanishes_and_residual_restores_it():
    plain = Config(activation=("sigmoid",), lab_width=8)
    first, last = _first_last(plain)
    assert first * 10 <= last, (first, last)
    res_first, _ = _first_last(plain.replace(residual=True))
    assert res_first >= 10 * first, (res_first, first)


# ---------------------------------------------------------------- backends
SWEEP = dict(depths=[0, 1, 3], seeds=2, epochs=8, grid=5)


@pytest.fixture(scope="module")
def serial_results():
    return run_sweep(SMALL, backend="serial", **SWEEP)


def test_processes_match_serial(serial_results):
    par = run_sweep(SMALL, backend="processes", n_jobs=2, **SWEEP)
    assert strip(par) == strip(serial_results)


def test_dask_cluster_matches_serial(serial_results, monkeypatch):
    distributed = pytest.importorskip("dask.distributed")
    # Streamlit's AppTest (run by earlier tests) leaves its temporary script as __main__;
    # multiprocessing's spawn would re-run it in every Dask worker and fail. Use a blank one.
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        monkeypatch.setenv(DASK_ENV, cluster.scheduler_address)
        progress = []
        out = run_sweep(SMALL, backend="auto", progress=lambda d, t: progress.append(d), **SWEEP)
        curve = run_sizes(SMALL, [20, 60], 2, 8, backend="auto", grid=4)   # the learning curve too
    assert strip(out) == strip(serial_results)
    assert progress[-1] == len(out) == 6
    assert strip(curve) == strip(run_sizes(SMALL, [20, 60], 2, 8, backend="serial", grid=4))


# ---------------------------------------------------------------- stopping runs in progress
def asked_twice():
    """A stop check that says stop the second time it is asked (deterministic, no clock)."""
    asks = []

    def stop():
        asks.append(1)
        return len(asks) >= 2
    stop.asks = asks
    return stop


def test_run_one_looks_at_its_stop_token_between_epochs(tmp_path):
    q = to_query(SMALL)
    token = tmp_path / "stop"
    token.touch()  # a stop file that exists: the run does not even start
    assert run_one(q, 100_000, 2, 0, cancel=str(token)) == {
        "depth": 2, "seed": 0, "epoch": 0, "cancelled": True}
    stop = asked_twice()  # asked before training, then between epochs
    r = run_one(q, 100_000, 2, 0, cancel=stop)
    assert r["cancelled"] and 0 < r["epoch"] < 100_000 and len(stop.asks) == 2
    assert "train_loss" not in r
    # a token that is never set changes no number
    free = run_one(q, 40, 2, 0, grid=4, cancel=str(tmp_path / "never"))
    assert strip([free]) == strip([run_one(q, 40, 2, 0, grid=4)])


def test_a_stopped_serial_sweep_reports_no_partial_run():
    seen = []
    out = run_sweep(SMALL, [0, 1], 1, 100_000, backend="serial", budget=None,
                    should_stop=asked_twice(), on_result=seen.append)
    assert out == [] and seen == []


def test_ab_run_stops_between_epochs_and_otherwise_matches_plain_training():
    a, b = Config(points=100), Config(points=100, lr=0.3)
    ta, tb, stopped = run_ab(a, b, 100_000, should_stop=asked_twice(), budget=None)
    assert stopped and 0 < ta.epoch == tb.epoch < 100_000  # lockstep
    chunks = []
    ta, tb, stopped = run_ab(a, b, 40, snapshots=4, budget=None,
                             on_chunk=lambda x, y, done: chunks.append(done))
    assert not stopped and chunks == [10, 20, 30, 40]
    ra = Trainer(a)
    rb = Trainer(b, data=ra.data)
    ra.train(40)
    rb.train(40)
    assert np.array_equal(ta.net.theta, ra.net.theta) and np.array_equal(tb.net.theta, rb.net.theta)


LONG = Config(points=500, batch=1, lab_width=32)  # depth 4-8: 20-40 s of a core per run




def children() -> list:
    return psutil.Process().children(recursive=True)


def stop_a_long_sweep(**kw):
    """Start a sweep of long runs in a thread; once the workers have trained for a CPU-second,
    ask it to stop. Returns (its result, results reported, worker CPU-seconds between the
    stop and the return, worker CPU-seconds over the next second)."""
    stop, seen, out = threading.Event(), [], []
    t = threading.Thread(target=lambda: out.append(run_sweep(
        LONG, [4, 8], 2, 3000, budget=None, should_stop=stop.is_set, on_result=seen.append,
        **kw)), daemon=True)
    start = cpu_seconds(children())
    t.start()
    for _ in range(1200):  # at most a minute to start the workers
        if cpu_seconds(children()) - start > 1.0:
            break
        time.sleep(0.05)
    at_stop = cpu_seconds(children())
    assert at_stop - start > 1.0, "the workers never started training"
    stop.set()
    t.join(180)
    assert not t.is_alive()
    after = cpu_seconds(children())
    time.sleep(1.0)
    return out, seen, after - at_stop, cpu_seconds(children()) - after


def test_stop_ends_the_runs_in_progress_in_local_worker_processes():
    out, seen, while_stopping, idle = stop_a_long_sweep(backend="processes", n_jobs=2)
    assert out == [[]] and seen == []  # no run had finished, and none was reported after
    # the workers noticed within a fraction of a second: not the 20-40 s each run had left
    assert while_stopping < 3.0, while_stopping
    assert idle < 0.3, idle  # and nothing is left running


def test_stop_ends_the_runs_in_progress_on_dask(monkeypatch):
    distributed = pytest.importorskip("dask.distributed")
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        out, seen, while_stopping, idle = stop_a_long_sweep(
            backend="dask", scheduler=cluster.scheduler_address)
    assert out == [[]] and seen == []
    assert while_stopping < 3.0, while_stopping
    assert idle < 0.3, idle


def test_sweep_returns_the_first_seeds_trained_networks():
    """weights=True: the first seed of every depth also returns its trained parameters (the
    Depth Lab draws the data as each layer of that network sees it); loaded into a fresh
    trainer of that depth and seed they give exactly the run's losses. Other seeds do not
    carry them (one network per depth is kept)."""
    cfg = SMALL.replace(seed=11)
    out = run_sweep(cfg, [0, 2], 2, 20, backend="serial", weights=True)
    assert [("theta" in r) for r in out] == [True, False, True, False]
    for r in out[::2]:
        t = Trainer(depth_config(cfg, r["depth"], r["seed"], width=cfg.lab_width))
        assert len(r["theta"]) == t.net.theta.size
        t.net.theta[:] = r["theta"]
        train_loss, test_loss, _, _ = t.evaluate()
        assert (train_loss, test_loss) == (r["train_loss"], r["test_loss"])
    assert all("theta" not in r for r in run_sweep(cfg, [1], 1, 2, backend="serial"))


def test_the_learning_curve_trains_the_network_itself_on_each_training_share():
    """run_sizes: cfg's own network (not a depth sweep's) at each training share × seed, in
    order; each run's numbers are exactly those of the playground's run with that share and
    seed. Shares outside SHARES are refused, and so is work over the budget."""
    from playground.lab.sweep import BudgetError, run_sizes
    cfg = SMALL.replace(layers=(3, 2), activation=("relu", "tanh"), seed=5)
    out = run_sizes(cfg, [50, 10], 2, 6, backend="serial", grid=4)
    assert [(r["train_share"], r["seed"]) for r in out] == [(10, 5), (10, 6), (50, 5), (50, 6)]
    assert [r["n_train"] for r in out] == [10, 10, 50, 50] and all(r["depth"] == 2 for r in out)
    for r in out:
        t = Trainer(cfg.replace(train=r["train_share"], seed=r["seed"]))
        t.train(6)
        assert (r["train_loss"], r["test_loss"]) == (t.history.train_loss[-1], t.history.test_loss[-1])
        assert r["grid"] is not None and len(r["grid"]) == 4
    with pytest.raises(ValueError):
        run_sizes(cfg, [15], 1, 1, backend="serial")
    with pytest.raises(BudgetError):
        run_sizes(cfg, [10, 90], 5, 5000, backend="serial", budget=0.01)
