"""Sharing (the link, a pasted link, a classroom link) and files (model and data, both ways)."""
from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from . import session as S
from . import opening as O
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


# The link and its Copy button: a few lines of our own in place of st.code, whose 1.5 MB
# syntax highlighter cost every page load about a second of browser CPU (measured: 0.74 s of
# the main thread alone, of ~5 s). The link is set as text (textContent), never as HTML.
LINK_JS = """export default function ({ data, parentElement }) {
  let box = parentElement.querySelector(".pg-link");
  if (!box) {
    box = document.createElement("div"); box.className = "pg-link";
    const code = document.createElement("code"); code.setAttribute("data-pg-link", "");
    const b = document.createElement("button"); b.type = "button"; b.textContent = "Copy";
    b.title = "Copy the link"; box.append(code, b); parentElement.appendChild(box);
    b.addEventListener("click", () => {
      const text = code.textContent, done = () => { b.textContent = "Copied"; setTimeout(() => { b.textContent = "Copy"; }, 1500); };
      const pick = () => { const r = document.createRange(); r.selectNodeContents(code); const s = getSelection(); s.removeAllRanges(); s.addRange(r); };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(done, pick); else pick();
    });
  }
  const link = String((data || {}).link || "");
  const code = box.querySelector("code");
  if (code.textContent !== link) code.textContent = link;
}
"""
LINK_CSS = """.pg-link { display: flex; gap: 0.5rem; align-items: flex-start; padding: 0.5rem 0.75rem;
  border-radius: 0.5rem; background: var(--st-secondary-background-color, #f0f2f6); }
.pg-link code { flex: 1; min-width: 0; overflow-wrap: anywhere; white-space: pre-wrap; font-size: 0.85rem;
  font-family: var(--st-code-font, "Source Code Pro", monospace); color: var(--st-text-color, inherit); background: none; }
.pg-link button { flex: none; font: inherit; font-size: 0.8rem; padding: 0.15rem 0.6rem; cursor: pointer;
  border-radius: 0.4rem; border: 1px solid var(--st-border-color, rgba(49, 51, 63, 0.2));
  background: var(--st-background-color, #fff); color: var(--st-text-color, inherit); }
"""


def link_box(link: str, key: str) -> None:
    component = st.components.v2.component("pg_link", js=LINK_JS, css=LINK_CSS, isolate_styles=False)
    component(key=key, data={"link": link}, height="content")


def share_link(cfg: Config, extra: str = "") -> str:
    q = "&".join(p for p in (to_query(cfg), extra) if p)
    return base_url() + (f"?{q}" if q else "")


def share_section(cfg: Config) -> None:
    if hidden(cfg, "share"):
        return
    st.markdown("**Share**")
    st.caption("This link reproduces the data, the starting weights and so the whole run. "
               "Copy it with the button at its right.", help=HELP["share"])
    link_box(share_link(cfg), "pg_share_link")
    with st.form("pg_open_form", border=False, clear_on_submit=True):
        a, b = st.columns([4, 1], vertical_alignment="bottom")
        a.text_input("Open a link", key="pg_link_text", help=HELP["open_link"],
                     placeholder="https://playground.tensorflow.org/#activation=tanh&...")
        b.form_submit_button("Open", width="stretch", on_click=open_pasted_link)
    with st.expander("Classroom link (hide controls)"):
        chosen = st.multiselect("Hide these controls", HIDEABLE, key="pg_hide_pick",
                                help=HELP["hide"])
        if chosen:
            link_box(share_link(cfg.replace(hide=()), "hide=" + ",".join(chosen)), "pg_class_link")


def open_pasted_link() -> None:
    """Callback of the Open button: load a pasted link (ours or TFP's), list what was unreadable."""
    text = (S.widget_value("pg_link_text") or "").strip()
    if not text:
        return
    if not looks_like_link(text):  # pasted text that is not a link would reset every setting
        S.page().flash = ("That is not a link to this playground or to TensorFlow Playground: "
                          "nothing was changed.")
        return
    notes = O.open_link(text)
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
                    on_change=O.accept_upload, args=("model", f"pg_up_model_{n}"),
                    help=HELP["upload_model"], max_upload_size=UPLOAD_MB)
    d.file_uploader("Upload data", type=["csv"], key=f"pg_up_data_{n}",
                    on_change=O.accept_upload, args=("data", f"pg_up_data_{n}"),
                    help=HELP["upload_data"], max_upload_size=UPLOAD_MB)
    msg = S.page().upload_msg
    if msg:
        (st.error if msg[0] == "error" else st.success)(msg[1])
