"""The live channel's server side (playground/ui/channel.py) without a browser: the socket
endpoint under Starlette's test client, its checks, its frames and its weak registry."""
from __future__ import annotations

import gc
import json
import time

import numpy as np
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from playground.core.config import parse_query
from playground.core.train import Trainer
from playground.ui import channel as C
from playground.ui.session import Page

ORIGIN = {"origin": "http://testserver"}


def playing_page(query: str = "") -> Page:
    cfg, _ = parse_query(query)
    return Page(cfg=cfg, trainer=Trainer(cfg), playing=True)


@pytest.fixture
def client():
    return TestClient(Starlette(routes=C.routes()))


def connect(client, token: str, headers=ORIGIN):
    return client.websocket_connect(f"{C.ROUTE_PATH}?token={token}", headers=headers)


def credit(ws, n: int = 1) -> None:
    ws.send_text(json.dumps({"t": "credit", "n": n}))


def test_frames_come_per_credit_full_first_and_exact():
    page = playing_page()
    ch = page.channel = C.open_channel(page)
    client = TestClient(Starlette(routes=C.routes()))
    with connect(client, ch.token) as ws:
        assert ch.connected
        credit(ws, 2)
        first, second = json.loads(ws.receive_text()), json.loads(ws.receive_text())
        assert first["t"] == "full" and second["t"] == "state"
        assert second["s"]["epoch"] > first["spec"]["epoch"] > 0      # trained between frames
        W = [np.array(m) for m in second["s"]["W"]]
        assert second["s"]["epoch"] == page.trainer.epoch                # no credit: no training
        assert all(np.array_equal(a, b) for a, b in zip(W, page.trainer.net.W))  # float64, exact
        assert isinstance(second["at"], float)
    assert not ch.connected


def test_a_message_carries_one_state_per_display_frame_each_exact():
    """A streamed message holds BATCH training states, oldest first and all different (a
    full frame's `snapshots`, a state message's "ss" then "s"); each one's weights are the
    run's own at its epoch, bit for bit (a twin run from the same link, trained to it). The
    browser asks for a message every BATCH display frames: the run's clock is set back as
    much before each one (it trains what that time is worth at the default speed)."""
    page = playing_page("dataset=xor&layers=5,3&seed=3")
    ch = page.channel = C.open_channel(page)
    stream, twin, seen = C.Stream(), Trainer(page.cfg), []
    for _ in range(2 * C.FULL_EVERY):
        page.last_tick = time.perf_counter() - C.BATCH * C.FRAME_SECONDS
        m = json.loads(C.produce(ch, stream))
        if m["t"] == "full":
            snaps = m["spec"]["snapshots"]
            assert "W" not in snaps[-1] and snaps[-1]["epoch"] == m["spec"]["epoch"]  # the frame itself
            states = [*snaps[:-1], {"epoch": m["spec"]["epoch"], "W": [L["W"] for L in m["spec"]["layers"]]}]
        else:
            states = [*m.get("ss", []), m["s"]]
        assert len(states) == C.BATCH, m
        seen.append(m["t"])
        for s in states:
            twin.train(s["epoch"] - twin.epoch)
            assert s["epoch"] == twin.epoch and all(
                np.array_equal(np.array(w), W) for w, W in zip(s["W"], twin.net.W))
    assert seen.count("full") == 2 and seen.count("state") == 2 * C.FULL_EVERY - 2
    assert twin.epoch == page.trainer.epoch


def test_no_credit_no_frame_and_pause_stops_training():
    page = playing_page()
    ch = page.channel = C.open_channel(page)
    stream = C.Stream()
    assert C.produce(ch, stream) is not None
    epoch = page.trainer.epoch
    page.playing = False
    assert C.produce(ch, stream) is None and page.trainer.epoch == epoch        # paused: no training


def test_a_diverged_run_stops_and_says_so():
    page = playing_page("dataset=reg-plane&lr=10&batch=1&cost=mse&layers=8,8&activation=relu")
    ch = page.channel = C.open_channel(page)
    stream = C.Stream()
    msgs = [C.produce(ch, stream) for _ in range(400)]
    sent = [json.loads(m) for m in msgs if m]
    assert sent and sent[-1].get("stopped") is True
    assert not page.playing and page.trainer.diverged
    assert C.produce(ch, stream) is None


def test_a_lessons_goal_met_while_streaming_asks_for_the_page_once():
    """The open lesson's goal is checked after every frame's training; the frame on which it
    first holds carries "rerun" (the view then asks the page to draw the tick), no other."""
    from playground.io.lessons import library
    lesson = library()["layers"]
    page = playing_page(lesson.solution + "&lesson=layers")
    page.prefs["pg_speed"] = "max"
    ch = page.channel = C.open_channel(page)
    stream = C.Stream()
    msgs = [json.loads(C.produce(ch, stream)) for _ in range(300)]
    asked = [i for i, m in enumerate(msgs) if m.get("rerun")]
    assert len(asked) == 1, asked
    done_at = page.lessons.done["layers"]
    frame = msgs[asked[0]]
    epoch = frame["spec"]["epoch"] if frame["t"] == "full" else frame["s"]["epoch"]
    assert epoch == done_at and not lesson.goal.met({}) and done_at <= page.trainer.epoch


@pytest.mark.parametrize("token", ["", "x" * 43, "a" * 200])
def test_a_forged_token_is_refused(client, token):
    page = playing_page()
    page.channel = C.open_channel(page)
    with pytest.raises(WebSocketDisconnect) as e, connect(client, token) as ws:
        credit(ws, 4)
        ws.receive_text()                       # closed at once as unknown: no frame comes
    assert e.value.code == C.CLOSE_UNKNOWN


@pytest.mark.parametrize("origin", [None, "http://evil.example", "null", "ftp://testserver"])
def test_a_wrong_origin_is_refused(client, origin):
    page = playing_page()
    ch = page.channel = C.open_channel(page)
    headers = {"origin": origin} if origin else {}
    with pytest.raises(WebSocketDisconnect) as e, connect(client, ch.token, headers):
        pass
    assert e.value.code == C.CLOSE_BAD_ORIGIN and not ch.connected


@pytest.mark.parametrize("text,code", [
    ("x" * (C.MAX_MESSAGE_BYTES + 1), C.CLOSE_TOO_BIG),
    ("not json", C.CLOSE_POLICY),
    (json.dumps({"t": "credit", "n": 99}), C.CLOSE_POLICY),
    (json.dumps({"t": "eval", "n": 1}), C.CLOSE_POLICY),
    (json.dumps({"t": "credit", "n": True}), C.CLOSE_POLICY),
    (json.dumps([1, 2]), C.CLOSE_POLICY),
    (json.dumps({"t": "do", "a": "eval", "n": 1}), C.CLOSE_POLICY),
    (json.dumps({"t": "do", "a": "step", "n": -1}), C.CLOSE_POLICY),
    (json.dumps({"t": "do", "a": "step", "n": 1, "x": 1}), C.CLOSE_POLICY),
    (json.dumps({"t": "credit", "a": "step", "n": 1}), C.CLOSE_POLICY),
])
def test_bad_messages_close_only_their_socket(client, text, code):
    bad, good = playing_page(), playing_page()
    bad.channel, good.channel = C.open_channel(bad), C.open_channel(good)
    with connect(client, good.channel.token) as other:
        with connect(client, bad.channel.token) as ws:
            ws.send_text(text)
            with pytest.raises(WebSocketDisconnect) as e:
                ws.receive_text()
            assert e.value.code == code
        credit(other)
        assert json.loads(other.receive_text())["t"] == "full"          # the other session is fine


def do(ws, action: str, n: int = 1) -> dict:
    """Send a run button's click; return the frame that answers it (frames of a playing
    run that were already on their way are skipped)."""
    ws.send_text(json.dumps({"t": "do", "a": action, "n": n}))
    while True:
        m = json.loads(ws.receive_text())
        if "did" in m:
            return m


def test_the_run_buttons_work_over_the_socket(client):
    """Step, Play, Pause and Reset: each click is answered by a full frame showing its effect,
    with no credit needed, and says whether the rest of the page must be drawn again."""
    page = playing_page()
    page.playing = False
    ch = page.channel = C.open_channel(page)
    t0, seed0 = page.trainer, page.cfg.init_seed
    with connect(client, ch.token) as ws:
        m = do(ws, "step", 1)                                       # no credit was sent
        assert m["t"] == "full" and m["spec"]["epoch"] == 1 == page.trainer.epoch
        assert m["did"] == {"a": "step", "n": 1, "playing": False, "rerun": False}
        W = [np.array(x) for x in m["spec"]["layers"][0]["W"]]
        assert np.array_equal(np.array(W), page.trainer.net.W[0])    # the stepped weights, exact
        m = do(ws, "play", 2)
        assert page.playing and m["did"]["playing"] and m["did"]["rerun"]
        credit(ws, 3)
        f = json.loads(ws.receive_text())                             # a frame: it trains while playing
        assert (f["spec"] if f["t"] == "full" else f["s"])["epoch"] > 1
        m = do(ws, "pause", 3)
        assert not page.playing and m["did"] == {"a": "pause", "n": 3, "playing": False, "rerun": True}
        epoch = page.trainer.epoch
        assert m["spec"]["epoch"] == epoch > 1                       # it trained while playing
        m = do(ws, "reset", 4)
        assert m["spec"]["epoch"] == 0 and page.trainer is not t0 and m["did"]["rerun"]
        assert page.cfg.init_seed != seed0                           # new weights, in the link
        assert page.trainer.data is t0.data                          # on the same data


def test_a_step_while_playing_pauses_and_asks_for_the_page():
    page = playing_page()
    page.sel = "w:0:0:0"
    ch = page.channel = C.open_channel(page)
    m = json.loads(C.act(ch, C.Stream(), "step", 7))
    assert not page.playing and m["did"]["rerun"] and m["did"]["n"] == 7


def test_a_flood_of_messages_is_cut_off(client):
    page = playing_page()
    page.playing = False  # no frames: only the reader works
    ch = page.channel = C.open_channel(page)
    with connect(client, ch.token) as ws:
        with pytest.raises(WebSocketDisconnect) as e:
            for _ in range(C.MAX_MESSAGES_PER_SECOND + 50):
                credit(ws)
            ws.receive_text()
        assert e.value.code == C.CLOSE_POLICY


def test_one_socket_per_session_the_new_one_wins(client):
    """A second socket replaces the first, and starts with a full frame of its own even while
    the first one's frames were still being made."""
    page = playing_page()
    ch = page.channel = C.open_channel(page)
    with connect(client, ch.token) as first:
        credit(first, 3)
        assert json.loads(first.receive_text())["t"] == "full"
        with connect(client, ch.token) as second:
            with pytest.raises(WebSocketDisconnect):
                for _ in range(10):
                    first.receive_text()                                 # replaced
            credit(second)
            assert json.loads(second.receive_text())["t"] == "full"


def test_nothing_outlives_the_session():
    page = playing_page()
    page.channel = C.open_channel(page)        # the page holds it; the registry only refers to it
    token = page.channel.token
    assert C.lookup(token) is page.channel
    del page
    gc.collect()
    assert C.lookup(token) is None


@pytest.mark.parametrize("origin,host,ok", [
    ("http://localhost:8501", "localhost:8501", True), ("https://a.example", "A.example", True),
    ("http://localhost:8502", "localhost:8501", False), ("javascript:x", "x", False),
    ("", "h", False), (None, "h", False),
])
def test_origin_rule(origin, host, ok):
    assert C.origin_ok(origin, host) is ok


def test_playing_sessions_share_the_training_time_and_wait_for_clicks(monkeypatch):
    """fair_share: one playing session trains at full speed, four share TRAIN_CORES; a session
    that stopped making frames no longer counts. While any session's click waits, a playing
    session's frame is not trained (produce gives nothing), then it trains again."""
    clock = [1000.0]
    monkeypatch.setattr(C.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(C, "_PLAYING", {})
    assert C.fair_share("a") == 1.0
    for k in "bcd":
        C.fair_share(k)
    assert C.fair_share("a") == C.TRAIN_CORES / 4
    clock[0] += C.PLAYING_WINDOW + 0.1
    assert C.fair_share("a") == 1.0                     # b, c, d went quiet
    page = playing_page()
    ch = page.channel = C.open_channel(page)
    monkeypatch.setattr(C, "_CLICKS", [1])
    assert C.produce(ch, C.Stream()) is None and page.trainer.epoch == 0
    C._click(-1)
    assert C.produce(ch, C.Stream()) is not None and page.trainer.epoch > 0
