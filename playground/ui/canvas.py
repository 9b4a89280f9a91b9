"""The live view: an ``st.components.v2`` component that paints the network in the browser.

Each tick the page sends only the weights (``canvas_spec.frame_spec``, float64 JSON); the
browser runs the forward pass over a 100×100 grid (``views/static/*.js``, assembled by
``views/static_code.canvas_js``) and paints the decision boundary, the loss curve and the
network diagram. The data points, and the 25 KB of script itself, are sent only until the
browser acknowledges their key, then only the
key: the component's own module is a small loader (Streamlit re-sends a component's inline
JavaScript with every tick: 28 KB a tick, 0.8 MB/s per playing tab, measured).

    from playground.views.canvas_spec import frame_spec, points_spec
    from playground.ui.canvas import live_view

    @st.fragment(run_every=0.05)
    def tick():
        trainer.train(5)
        sel = live_view(frame_spec(trainer), points_spec(trainer, show_test), key="live")
        # or: state = live_view_state(...) → {"select", "toggle", "hash", "channel", "pick"}
"""
from __future__ import annotations

import hashlib
import math
from functools import lru_cache
from typing import Any

import streamlit as st

from . import session as S
from ..core.config import FEATURE_NAMES
from ..core.datasets import DOMAIN
from ..views.static_code import canvas_css, canvas_js

COMPONENT_NAME = "playground_live_view"


# The component's module: installs the live view's script (sent as data, once) as a classic script,
# acknowledges its key, and hands every update to PlaygroundCanvas.mount. `code.js` is only
# ever this package's own static files (`code_payload`), never anything a user sent.
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
    """The live view's script (static_code.canvas_js: the static files joined, compacted) and
    its content key."""
    js = canvas_js()
    return {"key": hashlib.sha256(js.encode()).hexdigest()[:16], "js": js}


@lru_cache(maxsize=1)
def _component():
    return st.components.v2.component(COMPONENT_NAME, js=LOADER, css=canvas_css(), isolate_styles=True)


def _noop() -> None:
    pass


FEATURE_SET = frozenset(FEATURE_NAMES)
MAX_HASH = 4000  # characters of a reported URL hash (a TFP hash is ~600)


def _clean_select(v) -> dict | None:
    """The selection as the browser reported it: a dict of small ints (and "bias"), with the
    click's number "n", else None."""
    if not isinstance(v, dict) or len(v) > 5:
        return None
    ok = all(k in ("layer", "neuron", "from", "to") and type(x) is int and -1 <= x < 10_000
             or k == "bias" and x is True or k == "n" and type(x) is int for k, x in v.items())
    return v if ok and "layer" in v else None


def _clean_toggle(v) -> dict | None:
    """{"feature": one of config.FEATURE_NAMES, "n": int} (n grows with every click), else None."""
    if not isinstance(v, dict) or not isinstance(v.get("feature"), str) \
            or v["feature"] not in FEATURE_SET or type(v.get("n")) is not int:
        return None
    return {"feature": v["feature"], "n": v["n"]}


def _clean_channel(v) -> dict | None:
    """{"ok": bool, "n": int, "stopped": bool, "rerun": bool}: what the view's channel last
    reported (`rerun`: the view asks for the whole page)."""
    if not isinstance(v, dict) or not isinstance(v.get("ok"), bool) or type(v.get("n")) is not int:
        return None
    return {"ok": v["ok"], "n": v["n"], "stopped": v.get("stopped") is True, "rerun": v.get("rerun") is True}


def _clean_hash(v) -> str | None:
    return v if isinstance(v, str) and v.startswith("#") and 1 < len(v) <= MAX_HASH else None


def _coordinate(v) -> float | None:
    """A finite number (not a bool) within the boundary's extent [-DOMAIN, DOMAIN], else None."""
    if type(v) not in (int, float):
        return None
    v = float(v)
    return v if math.isfinite(v) and -DOMAIN <= v <= DOMAIN else None


def _clean_pick(v) -> dict | None:
    """{"x": x1, "y": x2, "n": int}: a click on the boundary in data coordinates (within the
    plot's extent), n growing with every click; anything else None."""
    if not isinstance(v, dict) or set(v) != {"x", "y", "n"} or type(v["n"]) is not int:
        return None
    x, y = _coordinate(v["x"]), _coordinate(v["y"])
    return None if x is None or y is None else {"x": x, "y": y, "n": v["n"]}


EDIT_OPS = ("add", "erase")
MAX_EDITS = 8   # the clicks the view resends until the page has run (static/component.js EDIT_QUEUE)


def _clean_edits(v) -> list[dict] | None:
    """{"ops": [click, ...]}: the point tool's last clicks, oldest first, each `_clean_edit`;
    None when any is malformed, there are too many, or their numbers do not increase."""
    ops = v.get("ops") if isinstance(v, dict) and set(v) == {"ops"} else None
    if not isinstance(ops, list) or not 1 <= len(ops) <= MAX_EDITS:
        return None
    out = [_clean_edit(o) for o in ops]
    if any(o is None for o in out) or any(a["n"] >= b["n"] for a, b in zip(out, out[1:])):
        return None
    return out


def _clean_edit(v) -> dict | None:
    """{"op": "add" | "erase", "x", "y", "v": the class or target, "test": bool, "n": int}: a
    point tool's click, in data coordinates; anything else None."""
    if not isinstance(v, dict) or set(v) != {"op", "x", "y", "v", "test", "n"} or type(v["n"]) is not int:
        return None
    x, y, val = _coordinate(v["x"]), _coordinate(v["y"]), v["v"]
    if v["op"] not in EDIT_OPS or x is None or y is None or type(v["test"]) is not bool:
        return None
    if type(val) not in (int, float) or not math.isfinite(val) or abs(val) > 10:
        return None
    return {"op": v["op"], "x": x, "y": y, "v": float(val), "test": v["test"], "n": v["n"]}


def live_view_state(spec: dict, points: dict | None, *, key: str, height: int = 420,
                    discretize: bool = False, show_test: bool = False, log_loss: bool = False,
                    loss_recent: bool = False, show_network: bool = True, show_wrong: bool = False,
                    show_flipped: bool = False,
                    status_help: str | None = None, channel: dict | None = None, inside: dict | None = None,
                    pick: bool = False, edit: dict | None = None) -> dict:
    """Mount (or update) the live view; return what the visitor did in it, checked (the values
    come from the browser):

    ``{"select": dict | None, "toggle": {"feature": str, "n": int} | None, "hash": str | None,
    "channel": dict | None, "pick": {"x": float, "y": float, "n": int} | None}``

    - ``select``: the last thing clicked in the network diagram, kept until the next click;
      None after a click on empty space (close the inspector). ``{"layer": l, "neuron": j}``
      (output unit j of layer l, layers counted like ``trainer.net.W``, the output layer last),
      ``{"layer": l, "from": i, "to": j}`` (the weight ``trainer.net.W[l][j, i]``) or
      ``{"layer": l, "from": fan_in, "to": j, "bias": True}`` (the bias ``W[l][j, -1]``); each
      with ``"n"``, the click's number (a new click on the same thing has a new ``n``).
    - ``toggle``: the last click on an input node (all seven features are drawn, the unused
      ones dimmed): toggle ``feature``. ``n`` differs with every click (act on a new ``n``).
    - ``hash``: ``window.location.hash`` (with its "#") if the page was opened with one, e.g. a
      TensorFlow Playground hash; reported once (the browser then removes it from the address
      bar) and kept in the state: act on a new value.
    - ``pick``: the last click on the boundary, in data coordinates (x1, x2 of the plot, each
      within [-DOMAIN, DOMAIN]), with the click's number ``n``; reported while ``inside`` is
      given, or with ``pick=True``, and kept in the state: act on a new ``n``.
    - ``edit``: the last clicks of a point tool (``edit`` given: ``{"mode": "add" | "erase",
      "value": class or target, "classes": k, "test": bool}``), oldest first, see
      `_clean_edits`; act on those with a new ``n``.

    ``spec``: ``canvas_spec.playback_spec`` / ``frame_spec`` (or ``model_spec`` without the loss
    chart). ``points``: ``canvas_spec.points_spec(trainer, show_test)``; sent in full only until
    the browser has acknowledged its ``key``. ``show_test`` draws the test points (outlined) if
    ``points`` holds them; ``show_wrong`` rings each drawn point the network misclassifies; ``show_flipped`` crosses
    the training points whose label the label noise flipped (``points["flipped"]``). ``height``: of the canvases on a wide container (the status line
    comes on top); on a narrow one (a phone) they are stacked and the view is as high as they
    need. The view renders the status line itself (``.pg-status``, ``live.status_text``'s
    wording) from the weight state it paints; ``status_help`` is its tooltip. ``channel``:
    ``{"url", "token"}`` of the session's live channel (ui/channel.py), or None; the view
    reports it as ``channel``: ``{"ok": connected or not, "n": a counter, "stopped": the run
    stopped on the channel, "rerun": the view wants the whole page run again}``. ``inside``: ``canvas_spec.inside_spec(trace, step)`` while the
    "See inside" step-through is open: the chosen points are ringed on the boundary, the
    diagram prints the step's numbers and its tooltips say them; None: the view as ever.
    """
    acked = S.page().acked  # what this browser said it holds
    acked_key, code_acked = f"_pg_live_ack_{key}", f"_pg_live_code_{key}"
    code = code_payload()
    opts: dict[str, Any] = {"height": int(height), "discretize": bool(discretize),
                            "show_test": bool(show_test), "log_loss": bool(log_loss), "loss_recent": bool(loss_recent),
                            "show_network": bool(show_network), "pick": bool(pick),
                            "show_wrong": bool(show_wrong), "show_flipped": bool(show_flipped)}
    if status_help:
        opts["status_help"] = str(status_help)
    if edit:
        opts["edit"] = edit
    data: dict[str, Any] = {
        "code": {"key": code["key"]} if acked.get(code_acked) == code["key"] else code,
        "spec": spec,
        "opts": opts,
        "channel": channel,
        "inside": inside,
    }
    if points is None:
        data["points"] = None
    elif acked.get(acked_key) == points["key"]:
        data["points"] = {"key": points["key"]}
    else:
        data["points"] = points
    result = _component()(key=key, data=data, height="content",
                          default={"points_key": None, "select": None, "code_key": None,
                                   "toggle": None, "hash": None, "channel": None, "pick": None,
                                   "edit": None},
                          on_points_key_change=_noop, on_select_change=_noop,
                          on_code_key_change=_noop, on_toggle_change=_noop, on_hash_change=_noop,
                          on_channel_change=_noop, on_pick_change=_noop, on_edit_change=_noop)
    acked[acked_key] = result.get("points_key")
    acked[code_acked] = result.get("code_key")
    return {"select": _clean_select(result.get("select")),
            "toggle": _clean_toggle(result.get("toggle")),
            "hash": _clean_hash(result.get("hash")),
            "channel": _clean_channel(result.get("channel")),
            "pick": _clean_pick(result.get("pick")),
            "edit": _clean_edits(result.get("edit"))}


def live_view(spec: dict, points: dict | None, *, key: str, height: int = 420,
              discretize: bool = False, show_test: bool = False, log_loss: bool = False,
              show_network: bool = True, status_help: str | None = None) -> dict | None:
    """``live_view_state(...)["select"]``: the user's current selection, or None (the
    original API; see live_view_state for the toggle and hash events)."""
    return live_view_state(spec, points, key=key, height=height, discretize=discretize,
                           show_test=show_test, log_loss=log_loss, show_network=show_network,
                           status_help=status_help)["select"]


def code_acknowledged(key: str) -> bool:
    """Whether the browser's view `key` reported having its script: true from the first run
    of a session only when that browser tab already had the view (a reconnect)."""
    return bool(S.page().acked.get(f"_pg_live_code_{key}"))
