"""The live view's own channel: a WebSocket beside Streamlit's, on which a playing run streams
its training states to the browser without any Streamlit rerun.

Why: every rerun of a fragment makes the browser re-render Streamlit's element tree; at 20–28
ticks a second that, not drawing, set the frame rate (40–50 fps at best, ~25 on a busy
machine) and the click latency under load. Here the browser asks for frames as it paints
them and the server trains between frames, so a new training state can reach every display
frame and no Streamlit work happens while a run plays.

Protocol (text JSON both ways; `static/channel.js` is the browser's side):
- The page gives the view `{"url": ROUTE_PATH, "token": <per-session token>}`; the view
  opens `ws(s)://<host>ROUTE_PATH?token=...`.
- Browser → server: `{"t": "credit", "n": 1..MAX_CREDIT}`, one credit per message it may be
  sent (one at first, then one for each message, once one of its states is left to show),
  so a slow tab never piles up a queue.
- Server → browser, one message per credit while the session plays, carrying BATCH training
  states, one for each display frame (the browser shows them one per animation frame and
  returns the credit when one is left to show, so the next message is there in time): `{"t":
  "full", "spec": canvas_spec.playback_spec}` (when the run or its network changed, and
  every FULL_EVERY messages for the loss chart; its `snapshots` are the earlier states) or
  `{"t": "state", "s": canvas_spec.weights_snapshot, "ss": [earlier snapshots]}` (the
  weights, epoch and losses: float64 as JSON numbers, exact). Why batches: each message
  costs the browser about 1 ms of CPU across its processes (the socket, the hops between
  them, the task), so 20 a second each way instead of 60 (benchmarks/browser.py).
  `{"stopped": true}` is added when the run stopped (diverged), `{"rerun": true}` when the
  open lesson's goal was just met; the view then asks the page to rerun.
- Browser → server: `{"t": "do", "a": "play" | "pause" | "step" | "reset", "n": k}`, a run
  button's click (the view takes the page's run buttons over while the socket is open; k
  counts its clicks). The server applies it at once (`session.Page`'s action, in a worker
  thread) and answers with a full frame, whatever the credit, carrying `"did": {"a", "n",
  "playing", "rerun"}`; "rerun": the rest of the page must be drawn again (the button's
  label, the link's new seed after Reset, the inspector), which the view asks the page for.
- The settings still go through Streamlit (widgets, the URL). Later views (a clicked point,
  a scrubber position, a step of the step-through) add message types here the same way:
  one entry of ACTIONS, checked by `read_message`.

Security: a token is 32 random bytes bound to one browser session and known only to it (it
travels in that session's own component data); the registry maps tokens to channels through
a weak reference only, so nothing outlives the session. The Origin must be the page's own
host (as Streamlit's XSRF rule); a message over MAX_MESSAGE_BYTES, not JSON, of an unknown
type, or more than MAX_MESSAGES_PER_SECOND closes the socket (1008/1009). One socket per
session: a new one replaces the old. Training runs in a worker thread (`asyncio.to_thread`),
never on the event loop, for at most one frame's budget per message; a closed socket stops
the session's training within a frame.
"""
from __future__ import annotations

import asyncio
import json
import secrets
import threading
import time
import weakref
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..views.canvas_spec import frame_spec, playback_spec, spec_json, weights_snapshot

ROUTE_PATH = "/pg-live"
MAX_MESSAGE_BYTES = 256
MAX_MESSAGES_PER_SECOND = 200
MAX_CREDIT = 4
BATCH = 3               # training states per message: one per display frame (module docstring)
FULL_EVERY = 2          # a full frame (loss chart included) at least every 2 messages (~0.1 s)
FRAME_SECONDS = 1 / 60  # the training a state stands for, when the browser paints at 60 Hz
IDLE_POLL = 0.012       # how soon a playing socket whose frame was not made looks again
PAUSED_POLL = 1.0       # ... and a paused one (Play wakes it at once)
CLOSE_BAD_ORIGIN, CLOSE_UNKNOWN, CLOSE_POLICY, CLOSE_TOO_BIG = 4403, 4401, 1008, 1009

_REGISTRY: "weakref.WeakValueDictionary[str, Channel]" = weakref.WeakValueDictionary()
_REGISTRY_LOCK = threading.Lock()


@dataclass(eq=False)
class Channel:
    """One browser session's channel. The page (`session.Page.channel`) holds it; the
    registry and the socket only refer to the page weakly."""
    page_ref: Any                                     # weakref to the session's Page
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    socket: Any = None                                # the connected WebSocket, if any
    notify: Any = None                                # wakes its writer (from any thread)

    def wake(self) -> None:
        """The session started playing (a click through Streamlit): frames are due now."""
        if self.notify is not None:
            self.notify()

    @property
    def connected(self) -> bool:
        return self.socket is not None


def open_channel(page) -> Channel:
    """A new channel for this page (its token registered weakly)."""
    ch = Channel(weakref.ref(page))
    with _REGISTRY_LOCK:
        _REGISTRY[ch.token] = ch
    return ch


def lookup(token: Any) -> Channel | None:
    if not isinstance(token, str) or not 20 <= len(token) <= 64:
        return None
    with _REGISTRY_LOCK:
        return _REGISTRY.get(token)


def origin_ok(origin: str | None, host: str | None) -> bool:
    """The socket's Origin must be the page's own host (scheme http/https)."""
    if not origin or not host:
        return False
    try:
        u = urlsplit(origin)
    except ValueError:
        return False
    return u.scheme in ("http", "https") and u.netloc.lower() == host.lower()


# ---------------------------------------------------------------- sharing the server
# Clicks first: while any session's click waits or runs (`act`), playing sessions skip a
# frame's training, so a Step or Pause is not queued behind other visitors' epochs. And the
# training of all playing sessions together gets about TRAIN_CORES of the server's time
# (`fair_share`): one session trains at full speed, four share it.
TRAIN_CORES = 1.0
PLAYING_WINDOW = 0.5     # a session that made a frame this recently counts as playing
_CLICKS = [0]            # clicks waiting or running, all sessions
_PLAYING: dict[str, float] = {}   # token -> when it last trained a frame (no user data)
_SHARE_LOCK = threading.Lock()


def fair_share(token: str) -> float:
    """This session's part of a frame's training time: min(1, TRAIN_CORES / sessions playing)."""
    now = time.monotonic()
    with _SHARE_LOCK:
        _PLAYING[token] = now
        for k in [k for k, at in _PLAYING.items() if now - at > PLAYING_WINDOW]:
            del _PLAYING[k]
        return min(1.0, TRAIN_CORES / len(_PLAYING))


def _click(delta: int) -> None:
    with _SHARE_LOCK:
        _CLICKS[0] = max(0, _CLICKS[0] + delta)


ACTIONS = ("play", "pause", "step", "reset")   # the run buttons (`session.Page`'s methods)
MAX_PENDING = 8                                # actions waiting for the writer, at most


def read_message(text: Any) -> tuple[str, int] | None:
    """("credit", n) or (action, click number) for a well-formed message, None for anything
    else."""
    if not isinstance(text, str) or len(text.encode("utf-8", "replace")) > MAX_MESSAGE_BYTES:
        return None
    try:
        msg = json.loads(text)
    except ValueError:
        return None
    if not isinstance(msg, dict) or set(msg) not in ({"t", "n"}, {"t", "a", "n"}):
        return None
    n = msg["n"]
    if not isinstance(n, int) or isinstance(n, bool):
        return None
    if msg["t"] == "credit" and len(msg) == 2:
        return ("credit", n) if 1 <= n <= MAX_CREDIT else None
    if msg["t"] == "do" and msg.get("a") in ACTIONS:
        return (msg["a"], n) if 0 <= n < 2 ** 31 else None
    return None


@dataclass(eq=False)
class Stream:
    """What one socket has been sent (a new socket starts with a full frame)."""
    frames: int = 0
    last_trainer: Any = None                          # weakref: the run the last frame showed


def produce(ch: Channel, stream: Stream) -> str | None:
    """Train BATCH frames' share of epochs on the session's run, in BATCH slices, and return
    the message to send (a state per slice); None when the session is gone, paused or
    stopped, or a click anywhere waits (runs in a worker thread)."""
    from .pacing import train_chunk  # the fragment path's own pacing
    from .widgets import SPEEDS
    page = ch.page_ref()
    if page is None or _CLICKS[0]:  # someone's click first: this frame waits a moment
        return None
    with page.lock:
        t = page.trainer
        if t is None or not page.playing or t.diverged:
            return None
        snaps: list = []
        train_chunk(t, SPEEDS[page.prefs["pg_speed"]], FRAME_SECONDS * BATCH, page=page,
                    share=fair_share(ch.token), slices=BATCH,
                    on_slice=lambda: snaps.append(weights_snapshot(t)))
        if snaps and snaps[-1]["epoch"] == t.epoch:  # the last slice trained nothing more
            snaps.pop()
        goal = page.lesson_check()  # a lesson's goal just met: the page draws its tick
        last = stream.last_trainer() if stream.last_trainer is not None else None
        if last is not t or stream.frames % FULL_EVERY == 0:
            msg: dict = {"t": "full", "spec": page.decorate(playback_spec(t, snaps))}
            stream.last_trainer = weakref.ref(t)
        else:
            msg = {"t": "state", "s": weights_snapshot(t)}
            if snaps:
                msg["ss"] = snaps
        if t.diverged:
            page.playing = False
            msg["stopped"] = True
        if goal:
            msg["rerun"] = True
    msg["at"] = time.time()  # when it was made (the view measures its lag)
    stream.frames += 1
    return spec_json(msg)


async def live_socket(ws) -> None:
    """The WebSocket endpoint (Starlette)."""
    ch = lookup(ws.query_params.get("token"))
    if not origin_ok(ws.headers.get("origin"), ws.headers.get("host")):
        await ws.close(CLOSE_BAD_ORIGIN)
        return
    if ch is None or ch.page_ref() is None:
        # Accepted, then closed with 4401, so the view can tell "this server does not know
        # your session" (it restarted, or the session expired) from a socket that cannot
        # connect: it then asks the page to rerun, which rebuilds the run from the link.
        await ws.accept()
        await _close(ws, CLOSE_UNKNOWN)
        return
    await ws.accept()
    old, ch.socket = ch.socket, ws
    if old is not None:
        await _close(old, 1000)
    wake = asyncio.Event()
    loop = asyncio.get_running_loop()
    ch.notify = lambda: loop.call_soon_threadsafe(wake.set)
    state = {"credit": 0, "todo": deque()}
    writer = asyncio.ensure_future(_write(ch, ws, state, wake))
    try:
        await _read(ws, state, wake)
    finally:
        writer.cancel()
        _click(-len(state["todo"]))  # clicks that will never run
        if ch.socket is ws:
            ch.socket = ch.notify = None


async def _read(ws, state: dict, wake: asyncio.Event) -> None:
    """Credits and clicks in; anything malformed, too big or too frequent closes the socket."""
    window, count = time.monotonic(), 0
    while True:
        msg = await ws.receive()
        if msg.get("type") == "websocket.disconnect":
            return
        now = time.monotonic()
        if now - window >= 1.0:
            window, count = now, 0
        count += 1
        text = msg.get("text")
        if text is not None and len(text) > MAX_MESSAGE_BYTES:
            await _close(ws, CLOSE_TOO_BIG)
            return
        m = read_message(text)
        if m is None or count > MAX_MESSAGES_PER_SECOND or len(state["todo"]) >= MAX_PENDING:
            await _close(ws, CLOSE_POLICY)
            return
        if m[0] == "credit":
            state["credit"] = min(MAX_CREDIT, state["credit"] + m[1])
        else:
            state["todo"].append(m)
            _click(+1)
        wake.set()


def act(ch: Channel, stream: Stream, action: str, n: int) -> str | None:
    """Apply a run button's click to the session (a worker thread) and return the full frame
    that answers it; None when the session is gone."""
    page = ch.page_ref()
    if page is None or page.trainer is None:
        return None
    with page.lock:
        rerun = getattr(page, action)()
        rerun = page.lesson_check() or rerun
        t = page.trainer
        msg = {"t": "full", "spec": page.decorate(frame_spec(t)),
               "did": {"a": action, "n": n, "playing": page.playing, "rerun": bool(rerun)}}
        stream.last_trainer = weakref.ref(t)
        if t.diverged:
            msg["stopped"] = True
    msg["at"] = time.time()
    stream.frames += 1
    return spec_json(msg)


async def _write(ch: Channel, ws, state: dict, wake: asyncio.Event) -> None:
    """Clicks first, then one frame per credit while the session plays; the work in a worker
    thread."""
    stream = Stream()
    while ch.socket is ws:
        if state["todo"]:
            try:
                text = await asyncio.to_thread(act, ch, stream, *state["todo"].popleft())
            finally:
                _click(-1)
        elif state["credit"] <= 0:
            wake.clear()
            try:
                await asyncio.wait_for(wake.wait(), timeout=1.0)
            except asyncio.TimeoutError:
                pass
            continue
        else:
            page = ch.page_ref()
            # Paused: no thread hop, and a long wait: Play (on the socket or through Streamlit,
            # `Channel.wake`) wakes it. (Looking every 12 ms through a worker thread cost an
            # idle session 0.06 core of the server.)
            playing = page is not None and page.playing
            text = await asyncio.to_thread(produce, ch, stream) if playing else None
            if text is None:
                wake.clear()
                try:
                    await asyncio.wait_for(wake.wait(), timeout=IDLE_POLL if playing else PAUSED_POLL)
                except asyncio.TimeoutError:
                    pass
                continue
            state["credit"] -= 1
        if text is None:
            continue
        try:
            await ws.send_text(text)
        except Exception:  # noqa: BLE001 - the socket went away: the reader ends the session
            return


async def _close(ws, code: int) -> None:
    try:
        await ws.close(code)
    except Exception:  # noqa: BLE001 - already closed
        pass


def routes() -> list:
    """The app's own routes, for `st.App(..., routes=routes())`."""
    from starlette.routing import WebSocketRoute
    return [WebSocketRoute(ROUTE_PATH, live_socket)]
