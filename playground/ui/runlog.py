"""The run log (issue 15, "Take it with you"): one row per run of this session, bounded, kept in
the session only (`Page.runlog`, a core/runlog.RunLog made on first use).

`observe_run` is called by the page right after `ensure_trainer` on every page run: a new
trainer object (Reset, a setting that rebuilds the run, an upload) starts a row. Reset through
the live channel makes the page rerun, so every new run is seen. `runlog_panel` draws the log:
a table, up to two pinned runs overlaid, a run's link reopened, the log as CSV.

Every value a widget sends is checked here (a crafted websocket message can send anything):
pins go through `RunLog.set_pins`, the chosen run through `RunLog.row`. The trainer is read
under the page's lock: the live channel may be training it in its worker thread.
"""
from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import streamlit as st

from . import session as S
from . import opening as O
from ..core.config import Config, to_query
from ..core.runlog import MAX_PINS, MAX_ROWS, Row, RunLog
from ..io.runlog_csv import runlog_csv
from ..views.runlog_figures import overlay_figure
from .inside_views import dark_theme

PINS_KEY = "pg_runlog_pins"
PICK_KEY = "pg_runlog_pick"
CHART_CONFIG = {"displayModeBar": False}


def run_log() -> RunLog:
    """This session's run log (made on first use)."""
    p = S.page()
    if not isinstance(p.runlog, RunLog):
        p.runlog = RunLog()
    return p.runlog


def _note(t) -> str:
    """What a row's link does not hold (uploaded data, weights loaded from a file), or what
    else makes the run (a branch, points placed by hand)."""
    if S.page().user_data:
        return "your data (not in the link)"
    if t.cfg.branch_at:  # (its link replays the run it left: it holds it)
        return f"a branch at epoch {t.cfg.branch_at:,}"
    if len(t.history.epoch) and t.history.epoch[0] > 0:
        return "from a model file"
    if t.cfg.edits:
        return "with your points (in the link)"
    return ""


def observe_run(cfg: Config, t) -> None:
    """Tell the log which run the page shows (a new trainer object starts a new row)."""
    if t is None:
        return
    log = run_log()
    with S.page().lock:
        log.observe(t, to_query(cfg), time.time(), _note(t))


# ---------------------------------------------------------------- the panel
def _zone():
    """The visitor's time zone as the browser reports it (None: the server's own)."""
    try:
        name = st.context.timezone
        if isinstance(name, str) and 0 < len(name) <= 64:
            return ZoneInfo(name)
    except Exception:  # an unknown or crafted zone name
        pass
    try:
        off = st.context.timezone_offset  # minutes behind UTC, as JavaScript gives it
        if isinstance(off, int) and not isinstance(off, bool) and abs(off) <= 18 * 60:
            return dt.timezone(-dt.timedelta(minutes=off))
    except Exception:
        pass
    return None


def clock(when: float, zone=None) -> str:
    """h:m:s of `when` (seconds since the epoch) in `zone`."""
    try:
        return dt.datetime.fromtimestamp(when, zone).strftime("%H:%M:%S")
    except (OverflowError, OSError, ValueError):
        return "?"


def table_rows(rows: list[Row], pins: tuple[int, ...], zone=None) -> list[dict]:
    """The table's rows, newest first; accuracy columns only when a run classifies."""
    acc = any(r.train_acc is not None for r in rows)
    out = []
    for r in reversed(rows):
        d = {"run": r.n, "started": clock(r.when, zone), "epochs": r.epochs,
             "train loss": r.train_loss, "test loss": r.test_loss}
        if acc:
            pct = lambda v: None if v is None else 100 * v  # noqa: E731 - shown as 96.8 %
            d["train accuracy"], d["test accuracy"] = pct(r.train_acc), pct(r.test_acc)
        d.update({"parameters": r.params, "diverged": "yes" if r.diverged else "no",
                  "pinned": "yes" if r.n in pins else "",
                  "note": ", ".join(w for w in ("now on the page" if r.current else "", r.note) if w)})
        out.append(d)
    return out


def _columns() -> dict:
    loss = st.column_config.NumberColumn(format="%.4f")
    share = st.column_config.NumberColumn(format="%.1f %%")  # one decimal, as the status line
    return {"train loss": loss, "test loss": loss, "train accuracy": share, "test accuracy": share}


def _pins_key(log: RunLog) -> str:
    """The pins widget's key: a new one each time the log changed the pins itself (a pinned
    row dropped, a third pin), so the widget starts again from the log's pins."""
    return f"{PINS_KEY}__{log.version}" if log.version else PINS_KEY


def _pins_changed(log: RunLog, key: str) -> None:
    """Callback of the pins widget: its value, checked, becomes the log's pins."""
    sent = S.widget_value(key)
    with S.page().lock:
        kept = log.set_pins(sent)
    if not isinstance(sent, list) or list(kept) != sent:
        log.version += 1


def _open_row(log: RunLog) -> None:
    """Callback of "Open this run": the chosen row's link, as a pasted link would open."""
    n = S.widget_value(PICK_KEY)
    with S.page().lock:
        row = log.row(n)
    if row is None:
        S.page().flash = "That run is no longer in the log: nothing was changed."
        return
    if row.current:
        S.page().flash = f"Run {row.n} is the run on the page now."
        return
    notes = O.open_link(row.query)
    S.page().notices = [f"Run {row.n}'s link's {note}" for note in notes]
    extra = (" Its uploaded data is not in the link: this is the generated data set."
             if row.note.startswith("your data") else "")
    S.page().flash = (f"Opened run {row.n}: the same data and starting weights, at epoch 0. "
                      f"Step or Play to train it again ({row.epochs:,} epochs gave its row).{extra}")


def _csv(log: RunLog) -> str:
    with S.page().lock:
        return runlog_csv(log)


def runlog_panel(cfg: Config, t) -> None:
    """The run log's expander. Opening it reruns the page (a stateful expander), so the table
    shows the run on the page as it is now, Steps taken through the live channel included;
    closed, nothing of it is built. (Steps taken while it is open show at the next page run.)"""
    if t is None:
        return
    log = run_log()
    n = len(log)
    # The label is part of the expander's identity: a new count makes a new expander, which
    # starts as the panel last was (measured: without `expanded`, a Reset closed it).
    box = st.expander(f"Run log ({n} run{'s' if n != 1 else ''})", expanded=log.open,
                      key="pg_runlog", on_change="rerun")
    log.open = bool(box.open)
    if box.open:
        with box:
            _panel_body(log)


def _panel_body(log: RunLog) -> None:
    """Table, pins and their overlay, reopen a run, download."""
    with S.page().lock:
        rows, pinned, pins = log.rows(), log.pinned_rows(), log.pins
    st.caption(f"A row is one run: Reset, a new data set or a new network starts the next one "
               f"(a run that trained no epoch leaves its row to the next). The last "
               f"{MAX_ROWS} runs are kept, in this browser tab only.")
    st.dataframe(table_rows(rows, pins, _zone()), hide_index=True, width="stretch",
                 key="pg_runlog_table", column_config=_columns())
    numbers = [r.n for r in reversed(rows)]
    label = lambda k: f"Run {k}"  # noqa: E731
    key = _pins_key(log)
    st.multiselect(f"Compare the loss curves of up to {MAX_PINS} runs", numbers,
                   default=[p for p in pins if p in numbers], format_func=label, key=key,
                   on_change=_pins_changed, args=(log, key), select_all=False,
                   placeholder="Choose runs",
                   help="Pinned runs are drawn on one chart: train loss solid, test loss dotted. "
                        "A third pin replaces the oldest.")
    if pinned:
        st.plotly_chart(overlay_figure(pinned, dark=dark_theme()), key="pg_runlog_fig",
                        config=CHART_CONFIG)
    earlier = [r.n for r in reversed(rows) if not r.current]
    if earlier:
        a, b = st.columns([3, 2], vertical_alignment="bottom")
        a.selectbox("Reopen a run", earlier, format_func=label, key=PICK_KEY,
                    help="Opens the run's link: its data and starting weights, at epoch 0.")
        b.button("Open this run", key="pg_runlog_open", on_click=_open_row, args=(log,),
                 width="stretch", help="The same as pasting the run's link.")
    st.download_button("Download the log (CSV)", data=lambda: _csv(log), key="pg_dl_runlog",
                       file_name="playground-runs.csv", mime="text/csv", on_click="ignore",
                       icon=":material/download:", help="Every row of the log, with its link.")
