"""Measuring processes in tests: CPU seconds used, for checks that work stops (psutil)."""
from __future__ import annotations

import time

import psutil


def cpu_seconds(procs) -> float:
    """User + system CPU seconds of these processes (ones that have exited count 0)."""
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def settle(measure, quiet: float = 0.1, window: float = 0.5, timeout: float = 60.0) -> float:
    """Until measure() (CPU seconds) grows by less than `quiet` over `window` seconds; returns
    its value then. Raises AssertionError if it never does (work that never stops)."""
    end, last = time.monotonic() + timeout, measure()
    while time.monotonic() < end:
        time.sleep(window)
        now = measure()
        if now - last < quiet:
            return now
        last = now
    raise AssertionError(f"the CPU never settled ({quiet} CPU-s per {window} s)")
