"""The live view: an ``st.components.v2`` component that paints the network in the browser.

Each tick the page sends only the weights (``canvas_spec.frame_spec``, float64 JSON); the
browser runs the forward pass over a 100×100 grid (``static/playground.js``) and paints the
decision boundary, the loss curve and the network diagram. The data points, and the 25 KB of
playground.js itself, are sent only until the browser acknowledges their key, then only the
key: the component's own module is a small loader (Streamlit re-sends a component's inline
JavaScript with every tick: 28 KB a tick, 0.8 MB/s per playing tab, measured).

    from playground.canvas_spec import frame_spec, points_spec
    from playground.ui_canvas import live_view

    @st.fragment(run_every=0.05)
    def tick():
        trainer.train(5)
        sel = live_view(frame_spec(trainer), points_spec(trainer, show_test), key="live")
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import streamlit as st

STATIC = Path(__file__).with_name("static")
COMPONENT_NAME = "playground_live_view"


def _compact(js: str) -> str:
    """Drop comment-only lines and indentation (less to send)."""
    js = re.sub(r"/\*.*?\*/", "", js, flags=re.S)  # the file has no "/*" inside strings
    lines = (ln.strip() for ln in js.splitlines())
    return "\n".join(ln for ln in lines if ln and not ln.startswith("//"))


# The component's module: installs playground.js (sent as data, once) as a classic script,
# acknowledges its key, and hands every update to PlaygroundCanvas.mount. `code.js` is only
# ever this package's own static file (`code_payload`), never anything a user sent.
LOADER = """export default function (component) {
  const code = (component.data || {}).code || {};
  if (!globalThis.PlaygroundCanvas && code.js) {
    const s = document.createElement("script"); s.textContent = code.js; document.head.appendChild(s);
  }
  if (!globalThis.PlaygroundCanvas) return;
  if (code.js && component.setStateValue) component.setStateValue("code_key", code.key);
  return globalThis.PlaygroundCanvas.mount(component);
}
"""


@lru_cache(maxsize=1)
def code_payload() -> dict[str, str]:
    """playground.js, compacted, and its content key."""
    js = _compact((STATIC / "playground.js").read_text(encoding="utf-8"))
    return {"key": hashlib.sha256(js.encode()).hexdigest()[:16], "js": js}


@lru_cache(maxsize=1)
def _component():
    css = (STATIC / "playground.css").read_text(encoding="utf-8")
    return st.components.v2.component(COMPONENT_NAME, js=LOADER, css=css, isolate_styles=True)


def _noop() -> None:
    pass


def live_view(spec: dict, points: dict | None, *, key: str, height: int = 420,
              discretize: bool = False, show_test: bool = False, log_loss: bool = False,
              show_network: bool = True) -> dict | None:
    """Mount (or update) the live view and return the user's current selection, or None.

    ``spec``: ``canvas_spec.frame_spec(trainer)`` (or ``model_spec`` without the loss chart).
    ``points``: ``canvas_spec.points_spec(trainer, show_test)``; sent in full only until the
    browser has acknowledged its ``key``. ``show_test`` draws the test points (outlined) if
    ``points`` holds them.

    The selection is the last thing clicked in the network diagram, kept until the next click
    (a click on empty space clears it):
    ``{"layer": l, "neuron": j}`` (l = -1: input feature j; else output unit j of layer l,
    layers counted like ``trainer.net.W``, the output layer last),
    ``{"layer": l, "from": i, "to": j}`` (the weight ``trainer.net.W[l][j, i]``) or
    ``{"layer": l, "from": fan_in, "to": j, "bias": True}`` (the bias ``W[l][j, -1]``).
    """
    acked_key, code_acked = f"_pg_live_ack_{key}", f"_pg_live_code_{key}"
    code = code_payload()
    data: dict[str, Any] = {
        "code": {"key": code["key"]} if st.session_state.get(code_acked) == code["key"] else code,
        "spec": spec,
        "opts": {"height": int(height), "discretize": bool(discretize), "show_test": bool(show_test),
                 "log_loss": bool(log_loss), "show_network": bool(show_network)},
    }
    if points is None:
        data["points"] = None
    elif st.session_state.get(acked_key) == points["key"]:
        data["points"] = {"key": points["key"]}
    else:
        data["points"] = points
    result = _component()(key=key, data=data, height=int(height),
                          default={"points_key": None, "select": None, "code_key": None},
                          on_points_key_change=_noop, on_select_change=_noop,
                          on_code_key_change=_noop)
    st.session_state[acked_key] = result.get("points_key")
    st.session_state[code_acked] = result.get("code_key")
    select = result.get("select")
    return select if isinstance(select, dict) else None
