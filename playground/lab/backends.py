"""Where a sweep's runs execute (see `playground.lab.sweep`): joblib's loky process pool on this
machine, or a Dask cluster. Dask is imported only on its path, so it stays optional.

Stopping. A backend waits for results in steps of POLL seconds and asks `stop()` after each,
so a stop request is seen within a fraction of a second even while every worker is in the
middle of a long run. It then stops the runs *already training*, not only those still
waiting: each run is handed a stop token (a plain string, see `stop_probe`) and looks at it
between epochs, at least every few tenths of a second (`sweep.CHECK_SECONDS`):

- loky: the token is the path of a file in a private temporary directory; the file exists
  once the sweep is stopped (every worker process on this machine can see it);
- Dask: the token names a `distributed.Event` on the cluster's scheduler
  (``"dask-event:<name>"``), set once the sweep is stopped.

A run that sees its token set returns early, marked ``"cancelled"``; its partial result is
never reported. The backend waits (at most STOP_WAIT seconds) for the runs in progress to
end, so a stopped sweep leaves no worker busy, then removes the file or the event.
"""
from __future__ import annotations

import concurrent.futures as cf
import importlib
import math
import os
import shutil
import tempfile
import threading
import time
import uuid
from typing import Callable

DASK_ENV = "PLAYGROUND_DASK_SCHEDULER"
DASK_TOKEN = "dask-event:"
POLL = 0.1        # seconds between two looks at stop() while results are awaited
STOP_WAIT = 5.0   # after a stop, wait at most this long for the runs in progress to end
IDLE_TIMEOUT = 300  # loky stops workers idle for this long


def cores() -> int:
    """CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def pool_size(n_jobs: int | None = None) -> int:
    # a fixed pool size: loky reuses (and never resizes) one executor per process
    return max(1, cores() if n_jobs in (None, 0, -1) else int(n_jobs))


def executor(n_jobs: int | None = None):
    """The process-wide loky pool of worker processes (started on first use, then reused)."""
    from joblib.externals.loky import get_reusable_executor

    return get_reusable_executor(max_workers=pool_size(n_jobs), timeout=IDLE_TIMEOUT)


# ---------------------------------------------------------------- stop tokens
def stop_probe(token) -> Callable[[], bool]:
    """A no-argument check "has this run been asked to stop?" from a stop token: None (never),
    a callable (in this process: called as is), ``"dask-event:<name>"`` (a Dask Event, seen
    from a worker of that cluster) or a file path (set when the file exists)."""
    if token is None:
        return lambda: False
    if callable(token):
        return token
    token = str(token)
    if token.startswith(DASK_TOKEN):
        name, event = token[len(DASK_TOKEN):], []

        def dask_stopped() -> bool:
            try:
                if not event:
                    from distributed import Event

                    event.append(Event(name))
                return bool(event[0].is_set())
            except Exception:  # noqa: BLE001 - no scheduler to ask: nobody can stop us either
                return False
        return dask_stopped
    return lambda: os.path.exists(token)


class StopFile:
    """A stop flag that every local process can see: `token` is a path that exists once set."""

    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="playground-stop-")
        self.token = os.path.join(self.dir, "stop")

    def set(self) -> None:
        with open(self.token, "w"):
            pass

    def remove(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def _after(futures, wait_all, cleanup) -> None:
    """Run cleanup() once wait_all(futures, timeout) says every future ended; if some are
    still running after STOP_WAIT, leave that to a background thread."""
    if wait_all(futures, STOP_WAIT):
        cleanup()
        return

    def later() -> None:
        wait_all(futures, None)
        cleanup()

    threading.Thread(target=later, name="playground-stop-cleanup", daemon=True).start()


# ---------------------------------------------------------------- local processes
def _warm() -> int:
    """A worker's first task: import the training code (numpy, engine, data), the slow part
    of a worker's first run."""
    importlib.import_module("..core.train", __package__)
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
            n = pool_size(n_jobs)
            ex = executor(n)
            cf.wait([ex.submit(_warm) for _ in range(n)])
        except Exception:  # best effort: a real sweep reports real errors
            _warm_at[0] = -math.inf

    threading.Thread(target=go, name="playground-prewarm", daemon=True).start()
    return True


def _wait_local(futures, timeout) -> bool:
    return not cf.wait(futures, timeout=timeout)[1]


def run_joblib(task, jobs, n_jobs, done, stop) -> None:
    """task(i, args, stop_token) → (i, result) for each (i, args) in jobs, on the local loky
    pool (in the order given); done(i, result) as each finishes (any order); when stop()
    says so, the runs still waiting are dropped and those in progress end early."""
    ex = executor(n_jobs)
    flag = StopFile()
    futures: list = []
    try:
        futures = [ex.submit(task, i, args, flag.token) for i, args in jobs]
        pending = set(futures)
        while pending:
            finished, pending = cf.wait(pending, timeout=POLL, return_when=cf.FIRST_COMPLETED)
            for fut in sorted(finished, key=futures.index):
                i, r = fut.result()
                if not r.get("cancelled"):
                    done(i, r)
            if pending and stop():
                break
    finally:
        if all(f.done() for f in futures):
            flag.remove()
        else:  # stopped, failed or interrupted (Streamlit's Stop/rerun, a closed tab)
            flag.set()
            for f in futures:
                f.cancel()
            _after(futures, _wait_local, flag.remove)


# ---------------------------------------------------------------- Dask
def run_dask(task, jobs, scheduler, done, stop) -> None:
    """The same on a Dask cluster (address `scheduler`, default $PLAYGROUND_DASK_SCHEDULER):
    task(*args, cancel=stop_token) per job, done(i, result) as each finishes."""
    address = (scheduler or os.environ.get(DASK_ENV, "")).strip()
    if not address:
        raise ValueError(f"the Dask backend needs a scheduler address (set {DASK_ENV})")
    try:
        from dask.distributed import Client, Event
    except ImportError:
        raise RuntimeError("the Dask backend needs dask[distributed]: pip install 'dask[distributed]'") from None
    name = f"playground-stop-{uuid.uuid4().hex}"
    with Client(address, set_as_default=False, timeout=30) as client:
        futures = {client.submit(task, *args, cancel=DASK_TOKEN + name, pure=False, priority=-n): i
                   for n, (i, args) in enumerate(jobs)}
        order = list(futures)
        pending = list(order)
        try:
            while pending:
                for fut in [f for f in pending if f.done()]:
                    pending.remove(fut)
                    r = _dask_result(fut, address)
                    if not r.get("cancelled"):
                        done(futures[fut], r)
                if pending:
                    if stop():
                        break
                    time.sleep(POLL)
        finally:
            if not all(f.done() for f in order):
                event = Event(name, client=client)
                event.set()  # runs in progress end at their next look; waiting ones at once

                def wait_all(fs, timeout) -> bool:
                    deadline = math.inf if timeout is None else time.monotonic() + timeout
                    while not all(f.done() for f in fs):
                        if time.monotonic() > deadline:
                            return False
                        time.sleep(POLL)
                    return True

                if wait_all(order, STOP_WAIT):
                    event.clear()  # nobody waits on it: the scheduler forgets it
                client.cancel([f for f in order if not f.done()])


def _dask_result(fut, address: str) -> dict:
    try:
        return fut.result()
    except Exception as e:
        if _missing_playground(e):
            raise RuntimeError(
                f"the Dask cluster at {address} cannot import 'playground': install "
                "this project (the same version) where the scheduler and the "
                "workers run, or put it on their PYTHONPATH") from e
        raise


def _missing_playground(e: BaseException | None) -> bool:
    seen = 0
    while e is not None and seen < 10:
        if isinstance(e, ModuleNotFoundError) and (e.name or "").split(".")[0] == "playground":
            return True
        if "No module named 'playground" in str(e):
            return True
        e, seen = e.__cause__ or e.__context__, seen + 1
    return False
