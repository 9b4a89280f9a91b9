"""Where a sweep's runs execute (see `playground.sweep`): joblib's loky process pool on this
machine, or a Dask cluster. Dask is imported only on its path, so it stays optional."""
from __future__ import annotations

import math
import os
import threading
import time

DASK_ENV = "PLAYGROUND_DASK_SCHEDULER"


def cores() -> int:
    """CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _warm() -> int:
    from . import train  # noqa: F401  (the import is the work: numpy, engine, data)
    return os.getpid()


_warm_lock = threading.Lock()
_warm_at = [-math.inf]
WARM_FOR = 240.0  # loky stops idle workers after 300 s


def prewarm(n_jobs: int | None = None) -> bool:
    """Start the local worker processes in the background (non-blocking), so the first
    sweep does not wait for them. Returns True if it started a warm-up."""
    with _warm_lock:
        if time.monotonic() - _warm_at[0] < WARM_FOR:
            return False
        _warm_at[0] = time.monotonic()

    def go() -> None:
        try:
            from joblib import Parallel, delayed

            n = cores() if n_jobs in (None, 0, -1) else int(n_jobs)
            Parallel(n_jobs=max(1, n), backend="loky")(delayed(_warm)() for _ in range(max(1, n)))
        except Exception:  # best effort: a real sweep reports real errors
            _warm_at[0] = -math.inf

    threading.Thread(target=go, name="playground-prewarm", daemon=True).start()
    return True


def run_joblib(task, jobs, n_jobs, done, stop) -> None:
    """task(*args) for each (i, args) in jobs on joblib's loky pool; done(i, result) as each
    finishes (any order); stops early when stop() says so."""
    from joblib import Parallel, delayed

    n = cores() if n_jobs in (None, 0, -1) else int(n_jobs)
    n = max(1, n)  # a fixed pool size: loky reuses (and never resizes) one executor per process
    gen = Parallel(n_jobs=n, backend="loky", batch_size=1, return_as="generator_unordered")(
        delayed(task)(i, args) for i, args in jobs)
    try:
        for i, r in gen:
            done(i, r)
            if stop():
                break
    finally:
        gen.close()  # cancels what has not started yet


def run_dask(task, jobs, scheduler, done, stop) -> None:
    """The same on a Dask cluster (address `scheduler`, default $PLAYGROUND_DASK_SCHEDULER):
    task(*args) per job, done(i, result) as each finishes."""
    address = (scheduler or os.environ.get(DASK_ENV, "")).strip()
    if not address:
        raise ValueError(f"the Dask backend needs a scheduler address (set {DASK_ENV})")
    try:
        from dask.distributed import Client, as_completed
    except ImportError:
        raise RuntimeError("the Dask backend needs dask[distributed]: pip install 'dask[distributed]'") from None
    with Client(address, set_as_default=False, timeout=30) as client:
        futures = {client.submit(task, *args, pure=False, priority=-n): i
                   for n, (i, args) in enumerate(jobs)}
        try:
            for fut in as_completed(list(futures), loop=client.loop):
                try:
                    r = fut.result()
                except Exception as e:
                    if _missing_playground(e):
                        raise RuntimeError(
                            f"the Dask cluster at {address} cannot import 'playground': install "
                            "this project (the same version) where the scheduler and the "
                            "workers run, or put it on their PYTHONPATH") from e
                    raise
                done(futures[fut], r)
                if stop():
                    break
        finally:
            client.cancel([f for f in futures if not f.done()])


def _missing_playground(e: BaseException | None) -> bool:
    seen = 0
    while e is not None and seen < 10:
        if isinstance(e, ModuleNotFoundError) and (e.name or "").split(".")[0] == "playground":
            return True
        if "No module named 'playground" in str(e):
            return True
        e, seen = e.__cause__ or e.__context__, seen + 1
    return False
