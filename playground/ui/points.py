"""The point tools under the live view: click on the plot to add points of a class (or a
target value) or to erase them; clear the edits, or start from an empty plane. The run goes
on from its weights on the new points (`session.Page.edit_points`); the link carries the
edits (`core/edits.py`, at most MAX_ADDED added points)."""
from __future__ import annotations

import streamlit as st

from . import session as S
from . import widgets as W
from ..core import edits as E
from ..core.config import Config
from ..io.data_csv import dataset_to_csv
from .help import HELP


def _class_names(k: int) -> list[str]:
    return ["Orange", "Blue"] if k == 2 else [f"Class {i + 1}" for i in range(k)]


def point_tools(cfg: Config, t) -> None:
    e = E.decode(cfg.edits)[0] or E.NONE
    with st.container(key="pg_points"):
        cols = st.columns([2.2, 2.2, 1.6, 1.2, 1.2], vertical_alignment="bottom")
        cols[0].segmented_control("Click on the plot", list(W.TOOLS), format_func=W.TOOLS.get, required=True,
                                  **S.w("pg_tool", param="default"), help=HELP["point_tool"])
        if t.problem == "regression":
            cols[1].select_slider("Value of a new point", W.TOOL_TARGETS, **S.w("pg_tool_target"),
                                  help=HELP["point_target"])
        else:
            k = int(t.data.n_classes)
            names = _class_names(k)
            cols[1].segmented_control("Class of a new point", list("01234")[:k], format_func=lambda c: names[int(c)],
                                      required=True, **S.w("pg_tool_class", param="default"),
                                      help=HELP["point_class"])
        cols[2].segmented_control("New points go to", ["train", "test"], required=True,
                                  format_func={"train": "Training set", "test": "Test set"}.get,
                                  **S.w("pg_tool_set", param="default"), help=HELP["point_set"])
        cols[3].button("Clear my points", key="pg_points_clear", disabled=not e, width="stretch",
                       on_click=S.edit_points, args=("clear",), help=HELP["point_clear"])
        cols[4].button("Start from empty", key="pg_points_empty", width="stretch",
                       on_click=S.edit_points, args=("empty",), help=HELP["point_empty"])
        _summary(e, t)


def _summary(e: E.Edits, t) -> None:
    """What the learner changed, in plain words; at the link's cap, the CSV instead."""
    on = S.pref("tool") != "off"
    hint = ("Click on the plot to add a point" + ("; shift-click adds the other class" if t.data.n_classes == 2 else "")
            + "; right-click removes the nearest one. The network keeps its weights and learns from the new points at once."
            if on else "")
    done = (f"You added {len(e.added)} point{'s' * (len(e.added) != 1)} and removed {len(e.removed)}: "
            "the link carries them." if e else "")
    text = " ".join(p for p in (done, hint) if p)
    if text:
        st.caption(text)
    if len(e.added) >= E.MAX_ADDED:
        st.warning(f"A link carries at most {E.MAX_ADDED} added points, so no more can be added here. "
                   "Download the data as CSV to keep them all, then upload it to go on.",
                   icon=":material/link_off:")
        st.download_button("Download data (CSV)", data=lambda: dataset_to_csv(t.data),
                           file_name="playground-data.csv", mime="text/csv", key="pg_dl_data_cap",
                           on_click="ignore", icon=":material/download:")
