"""Measuring processes in tests: CPU seconds used, for checks that work stops (psutil)."""
from __future__ import annotations

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
