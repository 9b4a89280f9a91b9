"""The playground page: layout and the order of one rerun.

URL → config (`session.sync`) → run (`session.ensure_trainer`, the one reset rule) → top
bar, data column, network editor, live view, inspector, sharing and files → URL.
"""
from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from . import session as S
from . import widgets as W
from ..core.config import Config
from .controls import data_column, hidden, top_bar
from .files import files_section, share_section
from .inside import inside_panel
from .lab import render_lab
from .lessons import lesson_panel, lessons_tab
from .live import divergence_notice, live_area
from .network import inspector, network_editor
from .points import point_tools
from .timeline import time_controls
from .runlog import observe_run
from .takeaway import takeaway_section



PAGE_ICON = "🧠"


def main() -> None:
    st.set_page_config(page_title="Neural network playground", page_icon=PAGE_ICON,
                       layout="wide", initial_sidebar_state="collapsed")
    _page_style()
    cfg = S.sync()
    t = S.ensure_trainer(cfg)
    cfg = S.page().cfg  # (edits that did not fit the data were dropped)
    observe_run(cfg, t)  # the run log (ui/runlog.py): a new run starts a row
    S.write_url(cfg)  # before any widget: a run that makes a new widget delays a later write
    _messages()
    _intro()
    names = [k for k in W.TAB_LABELS if k == "play" or not (hidden(cfg, k) or cfg.lesson_lock)]
    if names == ["play"]:
        playground_tab(cfg, t)
    else:
        default = S.shown("w_tab")
        tabs = dict(zip(names, st.tabs([W.TAB_LABELS[k] for k in names], on_change="rerun",
                                       key=S.widget_key("w_tab"),
                                       default=default if default in [W.TAB_LABELS[k] for k in names]
                                       else W.TAB_LABELS["play"])))
        if tabs["play"].open is not False:
            with tabs["play"]:
                playground_tab(cfg, t)
        for name, tab in tabs.items():
            if name == "play" or not tab.open:
                continue
            S.page().rest_drawn = True  # the live view goes first only on the Playground tab
            S.set_playing(False)
            with tab:
                if name == "lab":
                    cfg = lab_tab(cfg)
                else:
                    lessons_tab(cfg)
    if S.page().rest_drawn:  # (the live view alone on a session's first run: no wake button)
        _wake_button()
    S.write_url(cfg, force=True)
    S.page().runs_done = S.page().runs_done + 1  # see controls._noted


PAGE_CSS = (Path(__file__).parent.parent / "views" / "static" / "page.css").read_text(encoding="utf-8")


def _page_style() -> None:
    """The page's own CSS (our static file only, nothing from a visitor)."""
    dark = getattr(st.context.theme, "type", None) == "dark"
    st.html(f"<style>:root {{ --pg-page-bg: {'#0e1117' if dark else '#ffffff'}; }}\n{PAGE_CSS}</style>")


WAKE_KEY = "pg_wake"


def _wake_button() -> None:
    """A button no one sees (page.css hides it): the live view clicks it to have the whole
    page run again, e.g. after a click on its channel changed the run (views/static/channel.js,
    `askPage`) or when the server no longer knows the session (a restart: Streamlit
    reconnects by itself but does not rerun an idle page). A click outside every fragment is
    Streamlit's own way to a whole-page run; the run does the rest."""
    st.button("Refresh the page", key=WAKE_KEY, help="Draws the whole page again.")


def _intro() -> None:
    """One line: what this is and what to press first."""
    st.markdown("**Neural network playground** :gray[· A network learns to tell orange points "
                "from blue. Press **Play** to watch it learn; **Step** trains one epoch, "
                "**Reset** starts again from new random weights.]")


def _messages() -> None:
    flash = S.page().take_flash()
    if flash:
        st.toast(flash)
    notices = S.page().notices or []
    if notices:
        with st.container(border=True):
            a, b = st.columns([12, 1], vertical_alignment="top")
            a.warning("Some settings could not be read and use their defaults:\n\n"
                      + "\n".join(f"- {n}" for n in notices), icon=":material/link_off:")
            b.button("Dismiss", key="pg_dismiss", on_click=S.page().dismiss_notices,
                     help="Hide this notice; the settings above stay as they are.")


def playground_tab(cfg: Config, t) -> None:
    """Laid out top to bottom, but the live view is drawn first: Streamlit streams elements
    in script order, so the boundary reaches the browser before the other controls."""
    # Keyed containers: on a phone page.css puts the live view and the run buttons first.
    # The network's row spans the page: at 1440 px its nine number boxes are then wide
    # enough (over 120 px) for Streamlit to draw their - and + buttons.
    lesson = st.container(key="pg_lesson_box")
    top, editor, notice = st.container(key="pg_top"), st.container(key="pg_editor"), st.container()
    with st.container(key="pg_body"):
        data_col, main_col = st.columns([1, 3.4], gap="medium")
    with main_col:
        with st.container(key="pg_live_box"):
            live_area(cfg)
    if not _rest_of_page():
        return
    with lesson:
        lesson_panel(cfg, t)
    with top:
        switches = top_bar(cfg, t)
    with editor:
        network_editor(cfg, t, switches)
    with main_col:
        time_controls(cfg, t)
        if not hidden(cfg, "points", "data"):
            point_tools(cfg, t)
        inspector(cfg, t)
        if not hidden(cfg, "inside"):
            with st.container(key="pg_inside_box"):
                inside_panel(cfg, t)
    with notice:  # a panel at the bottom of the window (page.css): it moves nothing
        divergence_notice(t)
    with data_col:
        data_column(cfg, S.page().user_data)
    if not (hidden(cfg, "share") and hidden(cfg, "files")) and not cfg.lesson_lock:
        with st.container(key="pg_share_files"):
            st.divider()
            a, b = st.columns(2, gap="large")
            with a:
                share_section(cfg)
            with b:
                files_section(cfg, t)
    if not hidden(cfg, "files") and not cfg.lesson_lock:
        with st.container(key="pg_takeaway"):
            takeaway_section(cfg, t)


STAGED_ENV = "PLAYGROUND_STAGED_LOAD"   # "off": a session's first run draws the whole page
FALLBACK_S = 3.0                       # the rest comes by then even if the view never reports


def _rest_of_page() -> bool:
    """Whether this run draws the page around the live view. A session's first run sends the
    live view alone: Streamlit's frontend reveals every lazily loaded element of one render
    together, so the ~50 widgets below (and st.code's 1.5 MB highlighter) held the first
    boundary back by 2–3 s (measured: 2.9 s → 0.6 s after the first paint, medians). The
    view's first report (`live._draw_canvas`) reruns the page with the rest; a fragment
    brings it after FALLBACK_S in any case (a view that cannot report)."""
    p = S.page()
    off = os.environ.get(STAGED_ENV, "").strip().lower() in ("off", "0", "no", "false")
    if p.rest_drawn or p.renderer != "canvas" or off:
        p.rest_drawn = True
        return True
    st.fragment(run_every=FALLBACK_S)(_draw_the_rest)({"inline": True})
    return False


def _draw_the_rest(call: dict) -> None:
    """The fallback: nothing on the call the page's run makes (`call` holds "inline" then),
    the whole page on the fragment's first tick."""
    if not call.pop("inline", False) and not S.page().rest_drawn:
        S.page().rest_drawn = True
        st.rerun(scope="app")


def lab_tab(cfg: Config) -> Config:
    """The Depth Lab (ui/lab.py)."""
    out = render_lab(cfg)
    if isinstance(out, Config) and out != cfg:
        S.page().cfg = out
    return out if isinstance(out, Config) else cfg
