"""Process measurements for benchmarks/load.py: the server's RSS and CPU, and who used the
machine's cores (server, this run's Chromium, everything else)."""
from __future__ import annotations

import threading
import time

from playground.core.config import Config

class Sampler(threading.Thread):
    """RSS and CPU of the server process every `period` seconds."""

    def __init__(self, pid: int, period: float = 0.2):
        super().__init__(daemon=True)
        import psutil
        self.proc, self.period = psutil.Process(pid), period
        self.samples: list[tuple[float, int, float]] = []  # (time, rss, cpu seconds)
        self.stop = threading.Event()

    def read(self) -> tuple[float, int, float]:
        c = self.proc.cpu_times()
        return time.perf_counter(), self.proc.memory_info().rss, c.user + c.system

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.samples.append(self.read())
            except Exception:  # noqa: BLE001 - the server went away
                return
            self.stop.wait(self.period)

    def peak(self) -> int:
        return max(r for _, r, _ in self.samples)

    def cpu_share(self, t0: float, t1: float) -> float | None:
        inside = [(t, c) for t, _, c in self.samples if t0 <= t <= t1]
        if len(inside) < 2:
            return None
        return (inside[-1][1] - inside[0][1]) / (inside[-1][0] - inside[0][0])


def own_loss(cfg: Config, epochs: int) -> str:
    """The train loss a link gives after `epochs` epochs, as the page prints it."""
    from playground.core.train import Trainer
    t = Trainer(cfg)
    t.train(epochs)
    return f"{t.history.train_loss[-1]:.4f}"


def cpu_counters(server_pid: int) -> dict:
    """Cumulative CPU seconds: the server, this benchmark's Chromium (and Playwright driver),
    and the whole machine (busy and total), to see who used the 2 cores."""
    import psutil

    def secs(p) -> float:
        try:
            c = p.cpu_times()
            return c.user + c.system
        except psutil.Error:
            return 0.0

    me = psutil.Process()
    kids = [p for p in me.children(recursive=True) if p.pid != server_pid]
    m = psutil.cpu_times()
    idle = m.idle + getattr(m, "iowait", 0.0)
    total = sum(m)
    return {"t": time.perf_counter(), "server": secs(psutil.Process(server_pid)),
            "browsers": {p.pid: secs(p) for p in kids}, "busy": total - idle, "total": total}


def cpu_use(a: dict, b: dict) -> dict:
    """Cores used between two `cpu_counters` readings."""
    dt = b["t"] - a["t"]
    browsers = sum(v - a["browsers"].get(pid, 0.0) for pid, v in b["browsers"].items())
    n = psutil_cores()
    return {"server": (b["server"] - a["server"]) / dt, "browsers": browsers / dt,
            "machine": (b["busy"] - a["busy"]) / (b["total"] - a["total"]) * n, "cores": n}


def renice_browsers(server_pid: int, nice: int, cpus: list[int] | None) -> None:
    """Lower the CPU priority of this run's Chromium (and Playwright driver) processes and/or
    keep them on some CPUs, so the server gets the rest: closer to a real deployment, where the
    browsers run on the visitors' machines. Diagnostic options, off by default."""
    import os

    import psutil
    for p in psutil.Process().children(recursive=True):
        if p.pid == server_pid:
            continue
        try:
            tids = [t.id for t in p.threads()]  # Linux: priority and affinity are per thread
        except psutil.Error:
            continue
        for tid in tids:
            try:
                if nice:
                    os.setpriority(os.PRIO_PROCESS, tid, nice)
                if cpus:
                    os.sched_setaffinity(tid, cpus)
            except OSError:
                pass


def psutil_cores() -> int:
    import psutil
    return psutil.cpu_count() or 1
