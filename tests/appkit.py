"""Driving the page through Streamlit's AppTest: open it with a link, rerun it, press Step,
read the URL, the counter and the run. Shared by the AppTest tests."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from playground.core.train import Trainer
from playground.ui.live import status_text

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def page(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def step(at: AppTest) -> AppTest:
    """Click Step. It reruns only the live view's fragment, and AppTest then holds only that
    fragment's elements: run the page once more (no widget changed, so no second epoch)."""
    at.button(key="pg_step").click()
    epoch = run(at).session_state["pg"].trainer.epoch
    run(at)
    assert at.session_state["pg"].trainer.epoch == epoch
    return at


def url(at: AppTest) -> dict:
    return {k: at.query_params[k] for k in at.query_params}


def counter(at: AppTest) -> str:
    """The status line: the page's own text in the plotly fallback; with the canvas (which
    writes it in the browser, tested in Chromium) the text it is built from."""
    texts = [m.value for m in at.text if m.value.startswith("Epoch")]
    return texts[0] if texts else status_text(trainer(at))


def trainer(at: AppTest) -> Trainer:
    return at.session_state["pg"].trainer


def keys(at: AppTest, kind: str) -> set:
    return {w.key for w in at.get(kind)}


def widget(at: AppTest, kind: str, name: str):
    """The widget of this kind whose key is `name`, or `name__N` (the page gives a widget a new
    key each time it changes its value from outside: ui/session.widget_key)."""
    found = [w for w in at.get(kind) if w.key == name or (w.key or "").startswith(name + "__")]
    assert found, f"no {kind} with key {name}"
    return found[-1]


def base_keys(at: AppTest, kind: str) -> set:
    """The widgets' keys without their version suffix."""
    return {(w.key or "").split("__")[0] for w in at.get(kind)}
