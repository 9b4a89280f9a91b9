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
    p = S.page()
    epochs = t.trail.epochs()
    if S.playing() or len(epochs) < 2 and p.original is None:
        return
    with st.container(key="pg_time"):
        if len(epochs) >= 2:
            shown = p.scrub if p.scrub in epochs else epochs[-1]
            key = f"pg_scrub_{id(t)}_{t.epoch}"  # a new slider when the run moves on
            a, b, c = st.columns([6, 1.6, 1.4], vertical_alignment="bottom")
            a.select_slider("Go back in time (epoch)", epochs, value=shown, key=key,
                            on_change=S.scrub_from_widget, args=(key,), help=HELP["scrub"])
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
