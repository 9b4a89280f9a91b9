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

`run_ab` trains two settings in lockstep on the same data (the Depth Lab's A/B compare).

**CPU budget.** On a shared server every click's work must fit a budget of CPU seconds, so
`run_sweep` and `run_ab` first estimate theirs (`estimate_seconds`, `estimate_ab_seconds`:
a model of this engine's cost per epoch, fitted to measurements and rounded up) and refuse
work over the budget with `BudgetError` (a ValueError) that states the estimate, the budget
and what to lower. Both take ``budget=``: seconds, ``None`` for no limit (local use, e.g.
the command line), or the default ``"env"``: the environment variable
``PLAYGROUND_CPU_BUDGET`` (CPU seconds per click; ``none``, ``off`` or ``unlimited`` for no
limit), else DEFAULT_BUDGET = 120 CPU-seconds, meant for a public demo. A malformed value
keeps the default; it never lifts the limit.

**Stopping.** A run looks at its stop token (`backends.stop_probe`) at its start and at
least every CHECK_SECONDS between epochs, and returns early marked ``"cancelled"`` when told
to; `run_sweep` never reports such a partial run. should_stop() is polled every few tenths of
a second, also while runs are in progress, on every backend; it may also raise (the page's
Stop and a closed tab raise Streamlit's own exceptions through it): the runs in progress are
stopped the same way before the exception goes on.
"""
from __future__ import annotations

import math
import os
import time
from typing import Callable, Iterable, Sequence

import numpy as np

from ..core.config import MAX_EPOCHS, MAX_NEURONS, MAX_SEED, Config, parse_query, to_query
from ..core.grid import grid_points
from ..core.train import Trainer, change_kind
from ..core.rundata import build_dataset
from .backends import DASK_ENV, cores, run_dask, run_joblib, stop_probe

BACKENDS = ("auto", "serial", "processes", "dask")
MAX_DEPTH = 32
MAX_GRID = 100
# Below this estimated serial time, starting worker processes costs more than it saves.
AUTO_SERIAL_SECONDS = 1.0
CHECK_SECONDS = 0.2  # a run looks at its stop token at least this often (between epochs)
BUDGET_ENV = "PLAYGROUND_CPU_BUDGET"
DEFAULT_BUDGET = 120.0  # CPU seconds per click, for a public demo
UNLIMITED = ("none", "off", "unlimited")
AB_SNAPSHOTS = 50  # an A/B run is drawn this many times along the way
AB_GRID = 80

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


def _base_query(cfg: Config, width: int) -> str:
    """The sweep's shared settings as a share-link query (layers are set per run)."""
    return to_query(cfg.replace(layers=(), activation=cfg.activation[:1], lab_width=width))


# ---------------------------------------------------------------- one run
def _finite(x) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def train_until(trainers: Sequence[Trainer], epochs: int, stopped: Callable[[], bool],
                every: float = CHECK_SECONDS) -> bool:
    """Train every trainer `epochs` more epochs in lockstep (each stops early on divergence),
    asking stopped() whenever `every` seconds have passed. False if it said stop (the
    trainers keep the epochs they finished). The numbers are those of `Trainer.train(epochs)`."""
    clock = time.perf_counter
    next_look = clock() + every
    for _ in range(epochs):
        if all(t.diverged for t in trainers):
            break
        for t in trainers:
            t.train(1)
        if clock() >= next_look:
            if stopped():
                return False
            next_look = clock() + every
    return True


def run_one(query: str, epochs: int, depth: int, seed: int, grid: int = 0,
            width: int | None = None, weights: bool = False, cancel=None) -> dict:
    """Train the settings of `query` at `depth` hidden layers (−1: the query's own network)
    with the absolute `seed`.

    Returns a JSON-ready dict: depth, seed, epoch (epochs actually run; fewer if the run
    diverged), train_loss, test_loss, train_accuracy, test_accuracy (None for regression),
    diverged, seconds (data + network + training), grad_norms_init, grad_norms_final
    (‖∂C/∂W‖ per weight layer over the training set, input side first) and, when grid > 0,
    "grid": grid × grid model outputs at the centres of grid × grid equal cells of [-6, 6]²,
    the live view's grid (`core.grid.grid_points`: row i is y = cell_centres(grid)[i];
    P(class 1) for two classes, the class index for more, the value for regression).
    Non-finite numbers become None. weights: also "theta", the trained network's parameters
    (`Net.theta` as a list; the Depth Lab draws the data as each layer of it sees it).

    cancel: a stop token (see `backends.stop_probe`), looked at before training and
    at least every CHECK_SECONDS between epochs; once set, the run returns at once
    ``{"depth", "seed", "epoch" (epochs done), "cancelled": True}``.
    """
    cfg, _ = parse_query(query)
    cfg = depth_config(cfg, depth, seed, width) if depth >= 0 else cfg.replace(seed=int(seed))
    epochs, grid = _check_epochs(epochs), _check_grid(grid)
    stopped = stop_probe(cancel)
    if stopped():
        return {"depth": int(depth), "seed": int(seed), "epoch": 0, "cancelled": True}
    limit = threadpool_limits(1, "blas") if threadpool_limits else None
    try:
        t0 = time.perf_counter()
        tr = Trainer(cfg)
        t_build = time.perf_counter() - t0
        g0 = tr.grad_norms()
        t1 = time.perf_counter()
        if not train_until([tr], epochs, stopped):
            return {"depth": int(depth), "seed": int(seed), "epoch": int(tr.epoch),
                    "cancelled": True}
        seconds = t_build + time.perf_counter() - t1
        g1 = tr.grad_norms()
        s = tr.summary()
        out = {
            "depth": int(depth) if depth >= 0 else len(cfg.layers), "seed": int(seed),
            "epoch": int(s["epoch"]), "train_share": int(cfg.train), "n_train": int(tr.X_train.shape[1]),
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
        if weights:
            out["theta"] = [_finite(v) for v in tr.net.theta.tolist()]
        return out
    finally:
        if limit is not None:
            limit.unregister()


def _indexed(i: int, args: tuple, cancel=None) -> tuple[int, dict]:
    return i, run_one(*args, cancel=cancel)


# ---------------------------------------------------------------- CPU estimates
# CPU seconds of this engine (one BLAS thread), fitted to measurements over depths 0–32,
# widths 1–32, batches 1–2,000 and 500–2,000 points (tanh; other activations and optimizers
# measured apart), then raised by a quarter: the fit's estimate / measured CPU time was
# 0.4–1.4 (median 1.0), so 0.5–1.75 now (the old per-step model was 40-60× low for large
# batches). Terms: per epoch (records, checks), per point (shuffle), per mini-batch step,
# per step and weight layer (NumPy calls), per multiply-add and per unit for every point
# passed (3 per training point, 1 per evaluated point), per parameter and step (optimizer).
_PER_EPOCH, _PER_EPOCH_LAYER, _PER_POINT = 9e-5, 4.3e-7, 1.1e-8
_PER_STEP, _PER_STEP_LAYER = 3.8e-6, 4.7e-6
_PER_MAC, _PER_UNIT, _PER_PARAM = 7.3e-11, 1.24e-8, 9.3e-10
_PER_RUN = 3e-3  # data, network, bookkeeping
# Relative cost of an activation's forward + derivative (tanh = 1), and of an optimizer step.
ACTIVATION_COST = {"tanh": 1.0, "relu": 0.3, "leaky_relu": 0.4, "sigmoid": 0.6, "linear": 0.1,
                   "elu": 1.6, "gelu": 4.5, "sine": 1.1}
OPTIMIZER_COST = {"sgd": 1, "momentum": 2, "nesterov": 3, "rmsprop": 6, "adam": 8}


def _net_cost(cfg: Config) -> tuple[int, int, float]:
    """(weight layers, multiply-adds per point, activation cost per point) of cfg's network."""
    outputs = cfg.n_classes if cfg.n_classes > 2 else 1
    sizes = [len(cfg.features), *cfg.layers, outputs]
    macs = sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))
    units = outputs + sum(n * ACTIVATION_COST.get(f, 4.5)
                          for n, f in zip(cfg.layers, cfg.layer_activations()))
    return len(sizes) - 1, macs, units


def epoch_seconds(cfg: Config) -> float:
    """Estimated CPU seconds of one training epoch of cfg (with its per-epoch evaluation)."""
    layers, macs, units = _net_cost(cfg)
    n = max(1, round(cfg.points * cfg.train / 100))
    steps = math.ceil(n / max(1, min(cfg.batch, n)))
    passes = 3 * n + cfg.points
    return (_PER_EPOCH + layers * _PER_EPOCH_LAYER + n * _PER_POINT
            + steps * (_PER_STEP + layers * _PER_STEP_LAYER
                       + macs * OPTIMIZER_COST.get(cfg.optimizer, 8) * _PER_PARAM)
            + passes * (macs * _PER_MAC + units * _PER_UNIT))


def run_seconds(cfg: Config, epochs: int, grid: int = 0) -> float:
    """Estimated CPU seconds of one run of cfg: building it, two gradient-norm passes over
    the training set, `epochs` epochs and a grid × grid boundary."""
    layers, macs, units = _net_cost(cfg)
    n = max(1, round(cfg.points * cfg.train / 100))
    once = (6 * n + cfg.points + grid * grid) * (macs * _PER_MAC + units * _PER_UNIT)
    return _PER_RUN + once + max(0, epochs) * epoch_seconds(cfg)


def estimate_seconds(cfg: Config, depths: Sequence[int], n_seeds: int, epochs: int,
                     width: int | None = None, grid: int = 0) -> float:
    """Estimated CPU seconds of a sweep (all its runs, on one core), see `run_seconds`."""
    width = cfg.lab_width if width is None else width
    return n_seeds * sum(run_seconds(depth_config(cfg, d, cfg.seed, width), epochs, grid)
                         for d in depths)


def estimate_ab_seconds(a: Config, b: Config, epochs: int, snapshots: int = AB_SNAPSHOTS,
                        grid: int = AB_GRID) -> float:
    """Estimated CPU seconds of an A/B run (`run_ab`): both runs and their snapshots."""
    draws = min(max(0, epochs), snapshots) * grid * grid
    return sum(run_seconds(c, epochs) + draws * (_net_cost(c)[1] * _PER_MAC
                                                 + _net_cost(c)[2] * _PER_UNIT) for c in (a, b))


# ---------------------------------------------------------------- the CPU budget
class BudgetError(ValueError):
    """Work whose estimated CPU time is over the budget; `estimate` and `budget` in seconds."""

    def __init__(self, message: str, estimate: float, budget: float):
        super().__init__(message)
        self.estimate, self.budget = estimate, budget


def cpu_budget() -> float | None:
    """CPU seconds one click may use: $PLAYGROUND_CPU_BUDGET (None for no limit: "none",
    "off" or "unlimited"), else DEFAULT_BUDGET; a malformed value keeps the default."""
    raw = os.environ.get(BUDGET_ENV, "").strip().lower()
    if raw in UNLIMITED:
        return None
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_BUDGET
    if value == math.inf:
        return None
    return value if math.isfinite(value) and value > 0 else DEFAULT_BUDGET


def resolve_budget(budget="env") -> float | None:
    """The budget a call means: "env" → `cpu_budget()`, None → no limit, else seconds."""
    if isinstance(budget, str) and budget == "env":
        return cpu_budget()
    if budget is None:
        return None
    if isinstance(budget, bool) or not isinstance(budget, (int, float)) or math.isnan(budget):
        raise ValueError(f"budget must be CPU seconds, None or 'env', not {budget!r}")
    return float(budget)


def cpu_text(seconds: float) -> str:
    """CPU time for people: '95 CPU-seconds', '12 CPU-minutes', '3.2 CPU-hours'."""
    if seconds < 90:
        return f"{seconds:.0f} CPU-second{'s' if round(seconds) != 1 else ''}" if seconds >= 1 \
            else "under a CPU-second"
    if seconds < 5400:
        return f"{seconds / 60:.0f} CPU-minutes"
    return f"{seconds / 3600:.1f} CPU-hours"


def over_budget(what: str, estimate: float, budget: float, lower: str) -> str:
    """The refusal: what, its estimate, the budget and what to lower."""
    return (f"{what} would need about {cpu_text(estimate)} ({estimate:,.0f} s), over this "
            f"server's budget of {cpu_text(budget)} ({budget:,.0f} s) per click. Lower {lower}.")


def check_budget(what: str, estimate: float, budget="env", lower: str = "the epochs") -> None:
    """Raise BudgetError if `estimate` CPU seconds are over `budget` (see `resolve_budget`)."""
    limit = resolve_budget(budget)
    if limit is not None and estimate > limit:
        raise BudgetError(over_budget(what, estimate, limit, lower), estimate, limit)


SWEEP_LOWER = ("the epochs, the seeds, the number of depths (the deepest cost the most) or "
               "the width, or use fewer points or a larger batch size")
AB_LOWER = ("the epochs or the size of the networks (layers and neurons), or use fewer "
            "points or a larger batch size")


# ---------------------------------------------------------------- many runs
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
              scheduler: str | None = None, budget="env", weights: bool = False) -> list[dict]:
    """Train cfg at every depth × seed offset; return `run_one` dicts ordered by (depth, seed).

    depths: hidden-layer counts (0..32; duplicates dropped, sorted). seeds: a count n
    (offsets 0..n-1) or a list of offsets; run seed = cfg.seed + offset. width: neurons per
    hidden layer (default cfg.lab_width). backend: "auto", "serial", "processes" (joblib
    loky, n_jobs workers, default all cores) or "dask" (address `scheduler`, default the
    PLAYGROUND_DASK_SCHEDULER variable). progress(done, total) is called after each run
    finishes, on_result(result) with each result as it arrives (in completion order), and
    should_stop() is polled every few tenths of a second: when it returns True (or raises)
    the runs waiting are dropped, those in progress end early, and the finished ones are
    returned (or the exception goes on). budget: CPU seconds ("env": $PLAYGROUND_CPU_BUDGET
    or 120; None: no limit); a sweep estimated over it raises BudgetError before any run.
    Numbers do not depend on the backend. weights: the runs of the first seed offset also
    return their trained parameters ("theta", see `run_one`): one network per depth.
    """
    width = _check_width(cfg.lab_width if width is None else width)
    ds, offsets = _depths(depths), _seed_offsets(seeds)
    epochs, grid = _check_epochs(epochs), _check_grid(grid)
    estimate = estimate_seconds(cfg, ds, len(offsets), epochs, width, grid)
    runs = len(ds) * len(offsets)
    check_budget(f"This sweep ({runs} run{'s' if runs != 1 else ''})", estimate, budget,
                 SWEEP_LOWER)
    query = _base_query(cfg, width)
    tasks = [(query, epochs, d, _seed(cfg.seed, s), grid, width, weights and s == offsets[0])
             for d in ds for s in offsets]
    return _fan_out(tasks, resolve_backend(backend, len(tasks), estimate), n_jobs, scheduler,
                    progress, should_stop, on_result, longest=lambda t: t[2])


def _fan_out(tasks: list[tuple], kind: str, n_jobs, scheduler, progress, should_stop, on_result,
             longest: Callable[[tuple], float]) -> list[dict]:
    """Run `run_one(*task)` for every task on the backend `kind` (longest first on a pool, so
    no worker is left with one long run at the end); results in the tasks' order."""
    total = len(tasks)
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
            r = run_one(*args, cancel=stop)
            if r.get("cancelled"):
                break
            done(i, r)
    else:
        order = sorted(range(total), key=lambda i: -longest(tasks[i]))
        jobs = [(i, tasks[i]) for i in order]
        if kind == "processes":
            run_joblib(_indexed, jobs, n_jobs, done, stop)
        else:
            run_dask(run_one, jobs, scheduler, done, stop)
    return [results[i] for i in sorted(results)]


# ---------------------------------------------------------------- how much data
SHARES = (10, 20, 30, 40, 50, 60, 70, 80, 90)   # training shares (% of the points) a curve may take
SIZES_LOWER = "the shares, the seeds or the epochs"


def run_sizes(cfg: Config, shares: Iterable[int], seeds: int | Iterable[int], epochs: int,
              backend: str = "auto", n_jobs: int | None = None, grid: int = 0,
              progress: Callable[[int, int], None] | None = None,
              should_stop: Callable[[], bool] | None = None,
              on_result: Callable[[dict], None] | None = None,
              scheduler: str | None = None, budget="env") -> list[dict]:
    """The learning curve: cfg's own network trained with several training shares (% of the
    points, each of SHARES) × seed offsets; `run_one` dicts (with "train_share", "n_train")
    ordered by (share, seed). Same backends, stopping and budget as `run_sweep`; the seed
    fixes the points, so every share of one seed splits the very same points."""
    ps = sorted({int(s) for s in shares})
    if not ps or any(s not in SHARES for s in ps):
        raise ValueError(f"shares must be some of {', '.join(map(str, SHARES))}")
    offsets, epochs, grid = _seed_offsets(seeds), _check_epochs(epochs), _check_grid(grid)
    estimate = sum(run_seconds(cfg.replace(train=s), epochs, grid) for s in ps) * len(offsets)
    runs = len(ps) * len(offsets)
    check_budget(f"This learning curve ({runs} run{'s' if runs != 1 else ''})", estimate, budget,
                 SIZES_LOWER)
    tasks = [(to_query(cfg.replace(train=p, tab="play")), epochs, -1, _seed(cfg.seed, s), grid, None, False)
             for p in ps for s in offsets]
    return _fan_out(tasks, resolve_backend(backend, len(tasks), estimate), n_jobs, scheduler,
                    progress, should_stop, on_result, longest=lambda t: 0)


# ---------------------------------------------------------------- A/B compare
def run_ab(a: Config, b: Config, epochs: int, snapshots: int = AB_SNAPSHOTS,
           on_chunk: Callable[[Trainer, Trainer, int], None] | None = None,
           should_stop: Callable[[], bool] | None = None,
           budget="env") -> tuple[Trainer, Trainer, bool]:
    """Train a and b in lockstep on the same data (b trains on a's very points) for `epochs`
    epochs; on_chunk(ta, tb, epochs_done) after each of about `snapshots` chunks.
    should_stop() is polled at least every CHECK_SECONDS (it may raise, see run_sweep).
    Returns (ta, tb, stopped). Work estimated over `budget` (see run_sweep) raises
    BudgetError before anything is trained."""
    epochs = _check_epochs(epochs)
    check_budget("This A/B run", estimate_ab_seconds(a, b, epochs, snapshots), budget, AB_LOWER)
    stopped = stop_probe(should_stop)
    ta = Trainer(a)
    # the very same points, not just the same seed; a B whose data settings differ (training
    # share, noise, flipped labels) draws its own from the same seed
    tb = Trainer(b) if change_kind(a, b) == "data" else Trainer(b, data=ta.base_data)
    chunk = max(1, epochs // max(1, snapshots))
    done = 0
    while done < epochs:
        n = min(chunk, epochs - done)
        if not train_until([ta, tb], n, stopped):
            return ta, tb, True
        done += n
        if on_chunk:
            on_chunk(ta, tb, done)
        if ta.diverged and tb.diverged:
            break
    return ta, tb, False


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
