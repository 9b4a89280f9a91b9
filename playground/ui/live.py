"""The live view: a fragment that trains a chunk of epochs per tick while playing and redraws
the epoch counter, the network diagram, the decision boundary and the loss curves.

The fragment yields back to Streamlit every tick (so closing the tab stops training). With
the browser canvas (`canvas.live_view`, when present) only the weights travel each tick and
the browser paints; otherwise plotly figures are redrawn (slower, about 5 fps; docs/architecture.md).
Streamlit's tick rate (20/s by default, ~30–45/s at most) caps the canvas, so each tick also
sends SNAPSHOTS − 1 earlier weight states from its chunk, which the browser plays back
between ticks. How much a tick trains: ui/pacing.py.
"""
from __future__ import annotations

import os
import time

import streamlit as st

from . import session as S
from . import opening as O
from ..views.figures import (boundary_figure, boundary_values, loss_figure, network_figure,
                      neuron_maps, problem_kind)
from ..views.canvas_spec import playback_spec, points_spec, scrub_spec, weights_snapshot
from ..core.config import FEATURE_NAMES
from ..core.train import Trainer
from ..core.messages import divergence_message, guessing_message
from .canvas import code_acknowledged, live_view_state
from .controls import LIVE_FRAGMENT, SPEEDS, VIEW_HEIGHTS, run_buttons
from .network import params_text
from .pacing import SNAPSHOTS, train_chunk

# Seconds between fragment runs with the browser canvas (PG_TICK overrides it, for benchmarks).
# Each run costs the browser a re-render of the page's element tree (a playing tab used 1.2
# cores at 0.03 s); at 0.05 s the weight snapshots keep the boundary at ~50 fps all the same
# (benchmarks/browser.py: 49.7 vs 50.8 fps, lag 59 vs 66 ms) and 20 tabs on 2 cores answer
# clicks faster (benchmarks/load.py p95: median 1.43 s over 5 runs vs 1.54 s over 11).
CANVAS_TICK = float(os.environ.get("PG_TICK", 0.05))
PLOTLY_TICK = 0.2       # ... with plotly figures (each redraw costs the browser ~100 ms)


def epoch_text(epoch: int) -> str:
    """TFP's six-digit counter with a thousands separator: 123 → '000,123'."""
    return f"{epoch:07,}" if epoch < 1_000_000 else f"{epoch:,}"


def canvas_api():
    """(live_view_state, playback_spec, weights_snapshot, points_spec) for the browser canvas,
    or None where the page asks for plotly figures (tests set page().renderer)."""
    if S.page().renderer != "canvas":
        return None
    return live_view_state, playback_spec, weights_snapshot, points_spec


def status_text(t: Trainer) -> str:
    """'Epoch 000,123 · train loss 0.1234 · test loss ... · 25 parameters'."""
    h = t.history
    parts = [f"Epoch {epoch_text(t.epoch)}", f"train loss {h.train_loss[-1]:.4f}",
             f"test loss {h.test_loss[-1]:.4f}"]
    if t.problem != "regression":
        parts += [f"train accuracy {h.train_acc[-1]:.1%}", f"test accuracy {h.test_acc[-1]:.1%}"]
    return " · ".join(parts + [f"{t.net.n_params:,} parameters"])


def live_area(cfg) -> None:
    t = S.trainer()
    playing = S.playing() and not t.diverged
    api = canvas_api()
    tick = CANVAS_TICK if api else PLOTLY_TICK
    if not playing:
        S.page().last_tick = None
    st.fragment(key="pg_run_bar")(run_buttons)(t)
    # With the live channel connected a playing run trains and draws over its socket: the
    # fragment does not tick (no Streamlit rerun while playing). Without it, it ticks.
    ticking = playing and not S.streaming()
    st.fragment(run_every=tick if ticking else None, key=LIVE_FRAGMENT)(_live_body)(
        cfg, playing, tick, {"inline": True})


def _live_body(cfg, playing: bool, tick: float, call: dict) -> None:
    """The status line and the view. `call` holds "inline" only on the first call, made by the
    whole page's run; later calls are the fragment's own reruns (a tick, or a Step click:
    Play, Pause, Reset rerun the whole page, see controls._noted)."""
    inline = call.pop("inline", False)
    t = S.trainer()
    api = canvas_api()
    snaps: list[dict] = []
    if playing and S.playing() and not S.streaming():
        record = (lambda: snaps.append(api[2](t))) if api else None
        with S.page().lock:
            train_chunk(t, SPEEDS[S.pref("speed")], tick, record)
            goal = S.page().lesson_check()
        if t.diverged:
            S.set_playing(False)
        if t.diverged or goal:  # the rest of the page changes: the notice, a lesson's tick
            st.rerun(scope="app")
    # Plain text: a markdown element re-parsed every tick halved the frame rate (measured).
    if not api:  # the canvas writes the status line of the state it paints itself
        st.text(status_text(t), help=params_text(t))
    if os.environ.get("PG_BENCH"):  # benchmarks/browser.py measures the lag from this stamp
        st.text(f"server-time {time.time():.3f}")
    if api:
        _draw_canvas(t, cfg, api, snaps)
    else:
        _draw_plotly(t, cfg)
    if not inline and not playing:  # a click's own run completed (see controls._noted)
        S.page().runs_done = S.page().runs_done + 1


def _draw_canvas(t: Trainer, cfg, api, snaps: list[dict]) -> None:
    live_view_state, playback_spec, _, points_spec = api
    first = not S.page().canvas_ran
    S.page().canvas_ran = True
    with S.page().lock:  # the channel may be training this run in its worker thread
        scrub = S.page().scrub
        spec = scrub_spec(t, scrub) if scrub is not None and not snaps else playback_spec(t, snaps)
        spec, points = S.page().decorate(spec), points_spec(t, cfg.show_test)
    state = live_view_state(spec, points, key="pg_canvas",
                            discretize=cfg.discretize, show_test=cfg.show_test,
                            show_wrong=cfg.show_wrong, show_flipped=cfg.show_flipped, log_loss=S.pref("loss") == "log", loss_recent=S.pref("loss") == "recent",
                            height=VIEW_HEIGHTS[S.pref("view")], status_help=params_text(t),
                            channel=S.channel_info(), inside=_inside_overlay(t),
                            edit=S.page().tool_spec())
    if first and code_acknowledged("pg_canvas"):
        # A new session whose browser already had the view: the server restarted or forgot the
        # session, and the run was rebuilt from the link. Say so once; what the old view
        # reports (its last click, the hash it read on its first load) is not a new action.
        S.page().flash = "The server restarted or your session expired: the run was rebuilt from the link."
        sel = state["select"]
        S.page().seen["canvas"] = (canvas_selection(sel), sel.get("n") if sel else None)
        S.page().seen["toggle"] = (state["toggle"] or {}).get("n")
        S.page().seen["hash"] = state["hash"]
        S.page().seen["channel"] = (state["channel"] or {}).get("n")
        S.page().seen["pick"] = (state["pick"] or {}).get("n")
        S.page().seen["edit"] = max([o["n"] for o in state["edit"] or ()], default=0)
        st.rerun(scope="app")
    if not first and not S.page().rest_drawn:  # the view has reported: now the rest of the page
        S.page().rest_drawn = True
        st.rerun(scope="app")
    sel = state["select"]
    _select(canvas_selection(sel), "canvas", click=sel.get("n") if sel else None)
    _toggle_feature(cfg, state["toggle"])
    _open_hash(state["hash"])
    _channel_report(state["channel"])
    _pick(t, state["pick"])
    _edit(state["edit"])


def _inside_overlay(t: Trainer) -> dict | None:
    """The step-through's numbers for the diagram while See inside shows it (paused only:
    a playing run moves on every frame)."""
    if S.pref("inside") != "step" or S.playing():
        return None
    from ..views.canvas_spec import inside_spec
    from .inside import current_trace
    tr = current_trace(t)
    return None if tr is None else inside_spec(tr, min(S.page().inside_step, len(tr.steps) - 1))


def _pick(t: Trainer, pick: dict | None) -> None:
    """A click on the boundary while the step-through is open: step through the training
    point nearest to it."""
    n = pick.get("n") if pick else None
    if n is None or n == S.page().seen.get("pick"):
        return
    S.page().seen["pick"] = n
    X = t.data.X_train
    if S.pref("inside") != "step" or not len(X):
        return
    d = (X[:, 0] - pick["x"]) ** 2 + (X[:, 1] - pick["y"]) ** 2
    S.page().inside_pick(int(d.argmin()))
    st.rerun(scope="app")


def _edit(ops: list[dict] | None) -> None:
    """The point tool's clicks on the boundary (those not applied yet, in order): each point
    is added or removed at once and the run goes on from its weights
    (`session.Page.edit_points`); the whole page runs again (the link, the counts, the points)."""
    seen = S.page().seen.get("edit") or 0
    new = [o for o in ops or () if o["n"] > seen]
    if not new:
        return
    S.page().seen["edit"] = new[-1]["n"]
    if not S.page().tool_spec():  # the tool was switched off meanwhile
        return
    why = None
    for o in new:
        why = S.page().edit_points(o["op"], o["x"], o["y"], o["v"], o["test"]) or why
    if why:
        S.page().flash = f"That point was not changed: {why}"
    st.rerun(scope="app")


def _channel_report(report: dict | None) -> None:
    """The view says its channel connected, failed or stopped the run (it diverged), or asks
    for the whole page (`rerun`): the whole page runs again, so the fragment ticks or not,
    the notice shows, and a page whose run was cut short gets its rest. (Seen under load: a
    full run cut short by a fragment's run left the page without its last elements, the
    hidden wake button among them, and the view's asks for the rest, made to this fragment,
    were taken for a channel that connected while paused: the page stayed so.)"""
    n = report.get("n") if report else None
    if n is None or n == S.page().seen.get("channel"):
        return
    S.page().seen["channel"] = n
    S.page().channel_ok = report["ok"]
    if report["ok"] and not report["stopped"] and not report.get("rerun") and not S.playing():
        return  # connected while paused: nothing on the page changes (the next Play uses it)
    st.rerun(scope="app")


def _toggle_feature(cfg, toggle: dict | None) -> None:
    """A click on an input of the diagram switches that feature on or off (TFP does too)."""
    n = toggle.get("n") if toggle else None
    if n is None or n == S.page().seen.get("toggle"):
        return
    S.page().seen["toggle"] = n
    cfg = S.page().cfg  # the fragment's own copy can be older
    on = set(cfg.features) ^ {toggle["feature"]}
    if not on:
        S.page().flash = "A network needs at least one input: keeping the last one."
    else:
        S.set_config(cfg.replace(features=tuple(f for f in FEATURE_NAMES if f in on)))
    st.rerun(scope="app")


def _open_hash(h: str | None) -> None:
    """A TensorFlow Playground hash on this app's own address (`/#activation=relu&...`): the
    browser never sends it to the server, the view reports it once."""
    if not h or h == S.page().seen.get("hash"):
        return
    S.page().seen["hash"] = h
    notes = O.open_link(h.lstrip("#"))
    S.page().notices = [f"The link's {n}" for n in notes]
    st.rerun(scope="app")


def _draw_plotly(t: Trainer, cfg) -> None:
    left, right = st.columns([1.35, 1], gap="medium")
    with left:
        maps = neuron_maps(t)
        fig = network_figure(t, maps, selected=S.page().sel)
        event = st.plotly_chart(fig, key="pg_fig_net", on_select="rerun", selection_mode="points",
                                config={"displayModeBar": False})
        _select(_plotly_selection(event), "plotly")
    with right:
        values, conf = boundary_values(t)
        d = t.data
        test = (d.X_test, d.y_test) if cfg.show_test else None
        st.plotly_chart(boundary_figure(values, problem_kind(t), (d.X_train, d.y_train), test,
                                        n_classes=d.n_classes, confidence=conf,
                                        discretize=cfg.discretize, height=330),
                        key="pg_fig_boundary", config={"displayModeBar": False})
        st.plotly_chart(loss_figure(t.history), key="pg_fig_loss", config={"displayModeBar": False})


def _plotly_selection(event) -> str | None:
    try:
        points = event.selection.points if event is not None else []
    except AttributeError:
        return None
    for p in points or []:
        data = p.get("customdata") if isinstance(p, dict) else None
        if isinstance(data, list):
            data = data[0] if data else None
        if isinstance(data, str) and data[:2] in ("n:", "w:", "b:"):
            return data
    return None


def canvas_selection(sel) -> str | None:
    """The canvas's click ({"layer", "neuron"} or {"layer", "from", "to"[, "bias"]}, layers
    numbered like net.W, -1 = inputs) in the inspector's terms ('n:L:j', 'w:L:j:i', 'b:L:j',
    L = 0 for the inputs, l + 1 for net.W[l])."""
    if not isinstance(sel, dict):
        return None
    try:
        L = int(sel["layer"]) + 1
        if "neuron" in sel:
            return f"n:{L}:{int(sel['neuron'])}"
        if sel.get("bias"):
            return f"b:{L}:{int(sel['to'])}"
        return f"w:{L}:{int(sel['to'])}:{int(sel['from'])}"
    except (KeyError, TypeError, ValueError):
        return None


def _select(sel: str | None, source: str, click: int | None = None) -> None:
    """A new click in the diagram: remember it and redraw the page (the inspector lives
    outside the fragment). A selection the view keeps reporting is acted on once; `click`
    (the view's click number) tells a second click on the same neuron from a repeat."""
    seen = S.page().seen
    if (sel, click) == seen.get(source):
        return
    seen[source] = (sel, click)
    if sel and sel != S.page().sel:
        S.page().sel = sel
        st.rerun(scope="app")
    elif sel is None and S.page().sel:  # a click on empty space closes the inspector
        S.page().sel = None
        st.rerun(scope="app")


def divergence_notice(t: Trainer) -> None:
    """Say what happened, why it is likely, and offer the one-click fix (which continues the
    run); or flag a run that has stopped learning without stopping it."""
    if not t.diverged:
        note = guessing_message(t)
        if note:
            with st.container(key="pg_notice_panel"):
                st.warning(note, icon=":material/trending_flat:")
        return
    with st.container(border=True, key="pg_notice_panel"):
        if t.stop.cause == "empty":  # the learner removed every point: not a failure
            st.info(divergence_message(t), icon=":material/touch_app:")
            return
        if t.stop.cause == "early_stop":  # not a failure: what the learner asked for
            st.success(divergence_message(t), icon=":material/flag:")
            st.button("Train on without early stopping", key="pg_no_early_stop", on_click=S.no_early_stop,
                      help="Set Early stopping to 0 and continue from these weights.")
            return
        st.error(divergence_message(t), icon=":material/warning:")
        if t.stop.cause in ("learning_rate", "stuck"):
            lower = S.lower_rate(t.cfg.lr)
            st.button(f"Lower the learning rate to {lower:g} and continue", key="pg_lower_lr",
                      on_click=S.apply_lower_rate, type="primary",
                      help="Smaller steps: the run continues from the kept weights.")
        elif t.stop.cause == "edited_weight":
            st.button("Continue from the kept weights", key="pg_continue", type="primary",
                      on_click=S.continue_run, help="Train on from the weights that were kept.")
