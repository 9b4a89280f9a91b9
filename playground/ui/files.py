"""Sharing (the link, a pasted link, a classroom link) and files (model and data, both ways)."""
from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from . import session as S
from ..core.config import HIDEABLE, Config, looks_like_link, to_query
from ..io.data_csv import dataset_to_csv
from ..core.limits import UPLOAD_MB  # the browser-side limit; the files' readers check bytes
from ..io.model_file import model_json
from .controls import hidden
from .help import HELP



def base_url() -> str:
    """The page's address without its query (the server knows it from the browser)."""
    try:
        u = urlsplit(st.context.url or "")
        if u.scheme and u.netloc:
            return f"{u.scheme}://{u.netloc}{u.path or '/'}"
    except Exception:
        pass
    return "http://localhost:8501/"


def share_link(cfg: Config, extra: str = "") -> str:
    q = "&".join(p for p in (to_query(cfg), extra) if p)
    return base_url() + (f"?{q}" if q else "")


def share_section(cfg: Config) -> None:
    if hidden(cfg, "share"):
        return
    st.markdown("**Share**")
    st.caption("This link reproduces the data, the starting weights and so the whole run. "
               "Copy it with the button at its right.", help=HELP["share"])
    st.code(share_link(cfg), language=None, wrap_lines=True)
    with st.form("pg_open_form", border=False, clear_on_submit=True):
        a, b = st.columns([4, 1], vertical_alignment="bottom")
        a.text_input("Open a link", key="pg_link_text", help=HELP["open_link"],
                     placeholder="https://playground.tensorflow.org/#activation=tanh&...")
        b.form_submit_button("Open", width="stretch", on_click=open_pasted_link)
    with st.expander("Classroom link (hide controls)"):
        chosen = st.multiselect("Hide these controls", HIDEABLE, key="pg_hide_pick",
                                help=HELP["hide"])
        if chosen:
            st.code(share_link(cfg.replace(hide=()), "hide=" + ",".join(chosen)), language=None,
                    wrap_lines=True)


def open_pasted_link() -> None:
    """Callback of the Open button: load a pasted link (ours or TFP's), list what was unreadable."""
    text = (S.widget_value("pg_link_text") or "").strip()
    if not text:
        return
    if not looks_like_link(text):  # pasted text that is not a link would reset every setting
        S.page().flash = ("That is not a link to this playground or to TensorFlow Playground: "
                          "nothing was changed.")
        return
    notes = S.open_link(text)
    S.page().notices = [f"The pasted link's {n}" for n in notes]
    S.page().flash = None if notes else "Opened the link."


def files_section(cfg: Config, t) -> None:
    if hidden(cfg, "files"):
        return
    st.markdown("**Model and data files**")
    a, b = st.columns(2)
    # Made when clicked, from the run this page shows: Step and Reset rerun only the live
    # view, so data made during the last page run could be older than the weights on screen.
    # While playing the weights change under the click: the button waits for a pause.
    playing = S.playing()
    a.download_button("Download model (JSON)", data=lambda: model_json(t), disabled=playing,
                      file_name="playground-model.json", mime="application/json",
                      key="pg_dl_model", on_click="ignore", icon=":material/download:",
                      help=HELP["download_model"] + (" Pause first." if playing else ""),
                      width="stretch")
    b.download_button("Download data (CSV)", data=lambda: dataset_to_csv(t.data),
                      file_name="playground-data.csv", mime="text/csv", key="pg_dl_data",
                      on_click="ignore", icon=":material/download:", help=HELP["download_data"],
                      width="stretch")
    n = S.page().upload_n
    c, d = st.columns(2)
    c.file_uploader("Upload a model", type=["json"], key=f"pg_up_model_{n}",
                    on_change=S.accept_upload, args=("model", f"pg_up_model_{n}"),
                    help=HELP["upload_model"], max_upload_size=UPLOAD_MB)
    d.file_uploader("Upload data", type=["csv"], key=f"pg_up_data_{n}",
                    on_change=S.accept_upload, args=("data", f"pg_up_data_{n}"),
                    help=HELP["upload_data"], max_upload_size=UPLOAD_MB)
    msg = S.page().upload_msg
    if msg:
        (st.error if msg[0] == "error" else st.success)(msg[1])
