"""How much a playing run trains, and when: `train_chunk` trains the epochs a tick's wall time
is worth at the Speed menu's rate, within a time budget, and owes what it could not train to
the next ticks. The fragment path (ui/live.py) calls it once a tick; the live channel
(ui/channel.py) once a message, in three slices.
"""
from __future__ import annotations

import time

from . import session as S
from ..core.train import Trainer

TRAIN_BUDGET = 0.6      # at most this share of a tick is spent training
MAX_CHUNK = 5000
CATCH_UP = 0.25         # epochs a slow tick could not train are owed, up to this many seconds' worth
SNAPSHOTS = 3           # weight states per tick for the browser to play back (the last = now)


def train_chunk(t: Trainer, speed: float, tick: float, on_slice=None, page=None, share: float = 1.0,
                slices: int = SNAPSHOTS) -> int:
    """Train for this tick: `speed` epochs per second of wall time since the last tick (what
    is left undone carries over, at most CATCH_UP seconds' worth), within a time budget.
    Returns epochs trained. With `on_slice`, the chunk is trained in `slices` slices, even in
    epochs, each within its own part of the budget (so a machine that cannot train the whole
    chunk still gives states spread over it: at the Speed menu's "max" the budget, not the
    epochs, ends every slice), and on_slice() is called after each one but the last that
    trained something (the caller records the weights there). `page`: the page state holding
    the tick clock (this session's by default). `share`: the part of the time budget this
    session may use (the live channel shares the server's training time between the sessions
    playing, channel.fair_share)."""
    p = S.page() if page is None else page
    now = time.perf_counter()
    last = p.last_tick
    dt = tick if last is None else min(max(now - last, 0.0), 1.0)
    p.last_tick = now
    want = p.carry + speed * dt
    n = min(MAX_CHUNK, int(want))
    budget = TRAIN_BUDGET * max(dt, tick) * min(max(share, 0.05), 1.0)
    k_slices = max(1, slices) if on_slice else 1
    done = recorded = 0
    for k in range(1, k_slices + 1):
        goal, end = round(n * k / k_slices), now + budget * k / k_slices
        if k > 1 and time.perf_counter() > end:  # this slice's time went to the ones before
            continue
        while done < goal and not t.diverged:
            done += t.train(min(goal - done, 10))
            if time.perf_counter() > end:
                break
        if k < k_slices and done > recorded and not t.diverged:
            on_slice()
            recorded = done
    # owed to the next ticks: the run keeps the Speed menu's rate whenever the machine can
    p.carry = min(want - done, max(1.0, speed * CATCH_UP))
    return max(done, 0)
