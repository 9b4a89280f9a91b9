"""Going back in time, while paused: a slider over the run's saved moments moves the whole
page back (the boundary, the diagram and every neuron's map, the numbers, a mark on the loss
chart); "Continue from here" branches the run at that epoch with the current settings, and
the run it left stays on the loss chart, faint, until one of the two is kept
(`session.Page.scrub_to`, `branch_here`, `keep_branch`, `back_to_original`; core/branch.py)."""
from __future__ import annotations

import streamlit as st

from . import session as S
from ..core.config import Config
from .help import HELP


def time_controls(cfg: Config, t) -> None:
    """In a fragment of their own: after Steps on the live channel, when the pointer or the
    focus comes to them, the view reruns just this fragment (its hidden button,
    static/channel.js `timeHover`), so the slider catches up with the run without a run per
    Step (a fragment run 1.2 s after every Step took 16 stepping visitors' p95 click from
    0.7 s to 5.2 s, benchmarks/load.py)."""
    st.fragment(key="pg_time_frag")(_time_fragment)({"inline": True})


def _time_fragment(call: dict) -> None:
    """`call` holds "inline" on the page's own call only. On the fragment's reruns, a click
    here that changed the run or the moment shown has the whole page drawn again."""
    p = S.page()
    seen = (id(p.trainer), p.scrub, id(p.original))
    if call.pop("inline", False):
        p.time_seen = seen
    elif seen != p.time_seen:
        p.time_seen = seen
        st.rerun(scope="app")
    st.button("Refresh the time slider", key=WAKE_KEY, help="Catches the slider up with the run.")
    if p.trainer is not None:
        _controls(p.trainer)


WAKE_KEY = "pg_time_wake"   # hidden by page.css; the live view clicks it


def _controls(t) -> None:
    p = S.page()
    epochs = t.trail.epochs()
    if S.playing():
        return
    if len(epochs) < 2 and p.original is None:
        with st.container(key="pg_time"):  # (pointing here after Steps brings the slider)
            st.caption("**Go back in time:** once the run has trained a few epochs, a slider here "
                       "shows the network as it was at any moment.")
        return
    with st.container(key="pg_time"):
        if len(epochs) >= 2:
            shown = p.scrub if p.scrub in epochs else epochs[-1]
            key = f"pg_scrub_{id(t)}_{t.epoch}"  # a new slider when the run moves on
            a, b, c = st.columns([6, 1.6, 1.4], vertical_alignment="bottom")
            a.select_slider("Go back in time (epoch)", epochs, value=shown, key=key,
                            on_change=S.scrub_from_widget, args=(key, t.epoch), help=HELP["scrub"])
            back = p.scrub is not None
            b.button("Continue from here", key="pg_branch", disabled=not back, type="primary" if back else "secondary",
                     on_click=S.branch_here, width="stretch", help=HELP["branch"])
            c.button("Back to now", key="pg_scrub_now", disabled=not back, on_click=S.scrub_now,
                     width="stretch", help="Show the run as it is now.")
            if back:
                st.caption(f"You are looking at epoch {p.scrub:,} of {t.epoch:,}: change a learning setting "
                           "(say, a lower learning rate) and press Continue from here to train on from "
                           "this moment instead. Play or Step goes on from now.")
        if p.original is not None:
            _branch_note(t, p.original)


def _branch_note(t, original) -> None:
    at = (S.page().ghost or {}).get("at", 0)
    a, b, c = st.columns([6, 1.6, 1.4], vertical_alignment="center")
    a.caption(f"This run branched at epoch {at:,}. The faint lines on the loss chart are the run it "
              f"left (at epoch {original.epoch:,} now). Keep one of the two.", help=HELP["branch"])
    b.button("Keep this branch", key="pg_keep_branch", on_click=S.keep_branch, width="stretch")
    c.button("Back to the original", key="pg_back_original", on_click=S.back_to_original, width="stretch")
