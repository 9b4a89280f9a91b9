"""Depth sweeps: the same settings trained at several depths and seeds (pure, no UI imports).

One run is `run_one(query, epochs, depth, seed)`: a top-level function of plain values (a
query string and integers), so joblib and Dask can hand it to their own worker processes,
and every backend computes exactly the same numbers (only `seconds` differs). `run_sweep`
fans the runs out:

- ``"serial"``: in this process, one run after the other;
- ``"processes"``: joblib's loky process pool on this machine (the default for real sweeps);
- ``"dask"``: a Dask cluster, chosen automatically when the environment variable
  ``PLAYGROUND_DASK_SCHEDULER`` holds a scheduler address (e.g. ``tcp://10.0.0.5:8786``).
  Dask is imported only on that path, so it stays an optional extra. The workers need the
  same `playground` package (and NumPy) installed.

Depth d means d hidden layers of `width` neurons, one activation for all of them; seed
offset s means the run uses seed ``cfg.seed + s``. The seed fixes the data, the initial
weights and the batch order, so all depths of one seed see the same data.
"""
from __future__ import annotations

import math
import os
import time
from typing import Callable, Iterable, Sequence

import numpy as np

from .config import MAX_EPOCHS, MAX_NEURONS, MAX_SEED, Config, parse_query, to_query
from .data import DOMAIN
from .sweep_backends import DASK_ENV, cores, run_dask, run_joblib
from .train import Trainer, build_dataset

BACKENDS = ("auto", "serial", "processes", "dask")
MAX_DEPTH = 32
MAX_GRID = 100
RESULT_KEYS = ("depth", "seed", "train_loss", "test_loss", "train_accuracy", "test_accuracy",
               "diverged", "seconds", "grad_norms_init", "grad_norms_final")
# Below this estimated serial time, starting worker processes costs more than it saves.
AUTO_SERIAL_SECONDS = 1.0

try:  # pin BLAS to one thread inside a run (tiny matrices; threads only add overhead)
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
    threadpool_limits = None


# ---------------------------------------------------------------- configs of a sweep
def _seed(base: int, offset: int) -> int:
    return (int(base) + int(offset)) % (MAX_SEED + 1)


def _whole(name: str, value, lo: int, hi: int) -> int:
    """A whole number within [lo, hi] (bools refused), or ValueError naming `name`."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not lo <= value <= hi:
        raise ValueError(f"{name} must be a whole number from {lo} to {hi}, not {value!r}")
    return int(value)


def _check_depth(depth) -> int:
    return _whole("depth", depth, 0, MAX_DEPTH)


def _check_width(width) -> int:
    return _whole("width", width, 1, MAX_NEURONS)


def _check_epochs(epochs) -> int:
    return _whole("epochs", epochs, 0, MAX_EPOCHS)


def _check_grid(grid) -> int:
    return _whole("grid", grid, 0, MAX_GRID)


def _seed_offsets(seeds: int | Iterable[int]) -> list[int]:
    """An int n means offsets 0..n-1; a sequence lists the offsets themselves."""
    if isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        if not 1 <= seeds <= 1000:
            raise ValueError(f"seeds must be from 1 to 1000, not {seeds}")
        return list(range(int(seeds)))
    out = list(dict.fromkeys(int(s) for s in seeds))
    if not out or any(s < 0 for s in out):
        raise ValueError("seeds must list at least one offset, none negative")
    return out


def _depths(depths: Iterable[int]) -> list[int]:
    out = sorted({_check_depth(d) for d in depths})
    if not out:
        raise ValueError("depths must list at least one depth")
    return out


def depth_config(cfg: Config, depth: int, seed: int, width: int | None = None) -> Config:
    """The config of one run: `depth` hidden layers of `width` (default cfg.lab_width)
    neurons, cfg's first activation for all of them, and the absolute `seed`."""
    width = _check_width(cfg.lab_width if width is None else width)
    return cfg.replace(layers=(width,) * _check_depth(depth), activation=cfg.activation[:1],
                       seed=int(seed))


def sweep_configs(cfg: Config, depths: Iterable[int], seeds: int | Iterable[int],
                  width: int | None = None) -> list[Config]:
    """One Config per (depth, seed offset), ordered by depth then seed."""
    return [depth_config(cfg, d, _seed(cfg.seed, s), width)
            for d in _depths(depths) for s in _seed_offsets(seeds)]


def _base_query(cfg: Config, width: int) -> str:
    """The sweep's shared settings as a share-link query (layers are set per run)."""
    return to_query(cfg.replace(layers=(), activation=cfg.activation[:1], lab_width=width))


# ---------------------------------------------------------------- one run
def _finite(x) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def grid_points(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(axis values (n,), points (n*n, 2)) over the domain; row i of a grid is y = axis[i]."""
    axis = np.linspace(-DOMAIN, DOMAIN, n)
    xx, yy = np.meshgrid(axis, axis)
    return axis, np.column_stack([xx.ravel(), yy.ravel()])


def run_one(query: str, epochs: int, depth: int, seed: int, grid: int = 0,
            width: int | None = None) -> dict:
    """Train the settings of `query` at `depth` hidden layers with the absolute `seed`.

    Returns a JSON-ready dict: depth, seed, epoch (epochs actually run; fewer if the run
    diverged), train_loss, test_loss, train_accuracy, test_accuracy (None for regression),
    diverged, seconds (data + network + training), grad_norms_init, grad_norms_final
    (‖∂C/∂W‖ per weight layer over the training set, input side first) and, when grid > 0,
    "grid": grid × grid model outputs over [-6, 6]² (row i is y = linspace(-6, 6)[i];
    P(class 1) for two classes, the class index for more, the value for regression).
    Non-finite numbers become None.
    """
    cfg, _ = parse_query(query)
    cfg = depth_config(cfg, depth, seed, width)
    epochs, grid = _check_epochs(epochs), _check_grid(grid)
    limit = threadpool_limits(1, "blas") if threadpool_limits else None
    try:
        t0 = time.perf_counter()
        tr = Trainer(cfg)
        t_build = time.perf_counter() - t0
        g0 = tr.grad_norms()
        t1 = time.perf_counter()
        tr.train(epochs)
        seconds = t_build + time.perf_counter() - t1
        g1 = tr.grad_norms()
        s = tr.summary()
        out = {
            "depth": int(depth), "seed": int(seed), "epoch": int(s["epoch"]),
            "train_loss": _finite(s["train_loss"]), "test_loss": _finite(s["test_loss"]),
            "train_accuracy": None if s["train_accuracy"] is None else _finite(s["train_accuracy"]),
            "test_accuracy": None if s["test_accuracy"] is None else _finite(s["test_accuracy"]),
            "diverged": bool(s["diverged"]), "seconds": round(seconds, 4),
            "grad_norms_init": [_finite(v) for v in g0],
            "grad_norms_final": [_finite(v) for v in g1],
        }
        if grid:
            _, P = grid_points(grid)
            with np.errstate(all="ignore"):
                z = np.asarray(tr.predict_grid(P), dtype=np.float64).reshape(grid, grid)
            z = np.where(np.isfinite(z), np.round(z, 4), np.nan)
            out["grid"] = [[None if math.isnan(v) else v for v in row] for row in z.tolist()]
        return out
    finally:
        if limit is not None:
            limit.unregister()


def _indexed(i: int, args: tuple) -> tuple[int, dict]:
    return i, run_one(*args)


# ---------------------------------------------------------------- many runs
def estimate_seconds(cfg: Config, depths: Sequence[int], n_seeds: int, epochs: int,
                     width: int | None = None) -> float:
    """Rough serial time of a sweep on this kind of machine (per-call overhead model)."""
    width = cfg.lab_width if width is None else width
    n_train = max(1, round(cfg.points * cfg.train / 100))
    steps = math.ceil(n_train / max(1, min(cfg.batch, n_train))) + 2  # + evaluation
    per_step = sum(12e-6 + 7e-6 * d * max(1.0, width / 8) ** 0.5 for d in depths)
    return n_seeds * epochs * steps * per_step


def resolve_backend(backend: str, n_tasks: int = 2, estimate: float = math.inf) -> str:
    """'auto' → 'dask' if PLAYGROUND_DASK_SCHEDULER is set, else 'processes' when it pays
    (several runs, several cores, enough work), else 'serial'."""
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    if backend != "auto":
        return backend
    if os.environ.get(DASK_ENV, "").strip():
        return "dask"
    if n_tasks < 2 or cores() < 2 or estimate < AUTO_SERIAL_SECONDS:
        return "serial"
    return "processes"


def run_sweep(cfg: Config, depths: Iterable[int], seeds: int | Iterable[int], epochs: int,
              width: int | None = None, backend: str = "auto", n_jobs: int | None = None,
              grid: int = 0, progress: Callable[[int, int], None] | None = None,
              should_stop: Callable[[], bool] | None = None,
              on_result: Callable[[dict], None] | None = None,
              scheduler: str | None = None) -> list[dict]:
    """Train cfg at every depth × seed offset; return `run_one` dicts ordered by (depth, seed).

    depths: hidden-layer counts (0..32; duplicates dropped, sorted). seeds: a count n
    (offsets 0..n-1) or a list of offsets; run seed = cfg.seed + offset. width: neurons per
    hidden layer (default cfg.lab_width). backend: "auto", "serial", "processes" (joblib
    loky, n_jobs workers, default all cores) or "dask" (address `scheduler`, default the
    PLAYGROUND_DASK_SCHEDULER variable). progress(done, total) is called after each run
    finishes, on_result(result) with each result as it arrives (in completion order), and
    should_stop() is polled between runs: when it returns True the remaining runs are
    cancelled and the finished ones returned. Numbers do not depend on the backend.
    """
    width = _check_width(cfg.lab_width if width is None else width)
    ds, offsets = _depths(depths), _seed_offsets(seeds)
    epochs, grid = _check_epochs(epochs), _check_grid(grid)
    query = _base_query(cfg, width)
    tasks = [(query, epochs, d, _seed(cfg.seed, s), grid, width) for d in ds for s in offsets]
    total = len(tasks)
    kind = resolve_backend(backend, total, estimate_seconds(cfg, ds, len(offsets), epochs, width))
    results: dict[int, dict] = {}

    def stop() -> bool:
        return bool(should_stop and should_stop())

    def done(i: int, r: dict) -> None:
        results[i] = r
        if on_result:
            on_result(r)
        if progress:
            progress(len(results), total)

    if progress:
        progress(0, total)
    if kind == "serial":
        for i, args in enumerate(tasks):
            if stop():
                break
            done(i, run_one(*args))
    else:  # deepest first, so no worker is left with one long run at the end
        order = sorted(range(total), key=lambda i: -tasks[i][2])
        jobs = [(i, tasks[i]) for i in order]
        if kind == "processes":
            run_joblib(_indexed, jobs, n_jobs, done, stop)
        else:
            run_dask(run_one, jobs, scheduler, done, stop)
    return [results[i] for i in sorted(results)]


def problem_kind(cfg: Config) -> str:
    """'binary', 'multiclass' or 'regression' (how boundaries are coloured)."""
    if cfg.problem == "regression":
        return "regression"
    return "multiclass" if cfg.n_classes > 2 else "binary"


def training_points(cfg: Config, seeds) -> dict:
    """seed → training points (X, y); the data depends only on the data settings and seed."""
    out = {}
    for s in sorted(seeds)[:10]:
        try:
            ds = build_dataset(cfg.replace(seed=s))
        except Exception:  # data problems are shown on the playground tab
            continue
        out[s] = (ds.X_train, ds.y_train)
    return out
