"""Depth sweeps: configs, one run's JSON, ordering, stopping, backends and gradient flow."""
import ast
import json
import math
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from playground.config import Config, parse_query, to_query
from playground.sweep import (DASK_ENV, RESULT_KEYS, depth_config, resolve_backend, run_one,
                              run_sweep, sweep_configs)
from playground.train import build_dataset

ROOT = Path(__file__).resolve().parents[1]
SMALL = Config(points=100, lab_width=4)


def strip(results):
    return [{k: v for k, v in r.items() if k != "seconds"} for r in results]


def test_sweep_layer_imports_no_ui():
    tree = ast.parse((ROOT / "playground" / "sweep.py").read_text())
    names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not names & {"streamlit", "plotly"}


def test_sweep_configs_shapes_seeds_and_shared_data():
    cfg = Config(layers=(4, 2), activation=("relu", "tanh"), seed=7)
    cfgs = sweep_configs(cfg, [3, 0, 1, 3], 2, width=5)
    assert [(c.layers, c.seed) for c in cfgs] == [
        ((), 7), ((), 8), ((5,), 7), ((5,), 8), ((5, 5, 5), 7), ((5, 5, 5), 8)]
    assert all(c.activation == ("relu",) for c in cfgs)
    assert all(c.dataset == cfg.dataset and c.lr == cfg.lr for c in cfgs)
    # all depths of one seed train on the very same data
    a, b = build_dataset(cfgs[0]), build_dataset(cfgs[4])
    assert np.array_equal(a.X_train, b.X_train) and np.array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.X_train, build_dataset(cfgs[1]).X_train)
    assert sweep_configs(cfg, [1], [0, 3])[1].seed == 10
    assert sweep_configs(Config(seed=2**31 - 1), [0], 2)[1].seed == 0  # wraps in range
    assert depth_config(cfg, 2, 3).layers == (cfg.lab_width,) * 2


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
    assert strip(out) == strip(serial_results)
    assert progress[-1] == len(out) == 6
