"""The run log (core/runlog, io/runlog_csv, views/runlog_figures, ui/runlog): bounded rows and
pins, rows finalized from their own trainer, links that rebuild the same run, a CSV that
round-trips and runs no formula, the overlay's colours, and Reset making a second row in the page.
"""
from __future__ import annotations

import csv
import gc
import io
import math
import re
import weakref
from pathlib import Path

import pytest

from appkit import page, run, step, trainer, widget
from playground.core import runlog as RL
from playground.core.config import Config, parse_query, to_query
from playground.core.runlog import CURVE_POINTS, CSV_COLUMNS, MAX_PINS, MAX_ROWS, RunLog, thin_curve
from playground.core.train import History, Trainer
from playground.io.runlog_csv import inert, runlog_csv
from playground.views import style
from playground.views.runlog_figures import overlay_figure

SMALL = Config(points=50, layers=(2,))


def trained(epochs: int = 1, **change) -> Trainer:
    t = Trainer(SMALL.replace(**change))
    t.train(epochs)
    return t


def log_of(n_runs: int, max_rows: int = MAX_ROWS) -> RunLog:
    """A log that saw `n_runs` runs of one epoch each (and the current, last one)."""
    log = RunLog(max_rows)
    for i in range(n_runs):
        log.observe(trained(1, init_seed=i + 1), f"init_seed={i + 1}", 1000.0 + i)
    return log


# ---------------------------------------------------------------- rows
def test_a_new_trainer_starts_a_row_and_the_same_one_does_not():
    log, t = RunLog(), trained(3)
    assert log.observe(t, "a", 1.0) and not log.observe(t, "b", 2.0)
    (row,) = log.rows()
    assert (row.n, row.when, row.query, row.current) == (1, 1.0, "b", True)  # the link follows


def test_the_current_row_is_read_live_from_its_trainer():
    log, t = RunLog(), trained(2)
    log.observe(t, "", 0.0)
    assert log.rows()[-1].epochs == 2
    t.train(5)
    row = log.rows()[-1]
    assert row.epochs == 7 and row.train_loss == t.history.train_loss[-1]


def test_a_finalized_row_has_its_trainers_figures_and_lets_it_go():
    log, t = RunLog(), trained(9, dataset="xor")
    log.observe(t, "dataset=xor", 5.0)
    s, params, last_epochs = t.summary(), t.net.n_params, list(t.history.epoch)
    log.observe(trained(1), "", 6.0)
    row = log.rows()[0]
    assert not row.current
    assert (row.epochs, row.train_loss, row.test_loss) == (s["epoch"], s["train_loss"], s["test_loss"])
    assert (row.train_acc, row.test_acc, row.diverged) == (s["train_accuracy"], s["test_accuracy"], False)
    assert row.params == params
    assert list(row.curve.epoch) == last_epochs and row.curve.train_loss[-1] == s["train_loss"]
    ref = weakref.ref(t)
    del t
    gc.collect()
    assert ref() is None  # the log holds no finished run's trainer


def test_a_regression_row_has_no_accuracy():
    log, t = RunLog(), trained(2, dataset="reg-plane", cost="squared")
    log.observe(t, "", 0.0)
    row = log.rows()[0]
    assert row.train_acc is None and row.test_acc is None and math.isfinite(row.train_loss)


def test_a_diverged_run_says_so():
    log, t = RunLog(), trained(30, lr=10.0, layers=(8, 8), activation=("relu",))
    assert t.diverged
    log.observe(t, "", 0.0)
    log.observe(trained(1), "", 1.0)
    assert log.rows()[0].diverged is True and log.rows()[1].diverged is False


def test_a_run_replaced_before_training_gives_its_row_to_the_next():
    log = RunLog()
    log.observe(trained(0), "a", 1.0)
    log.pin(1)
    log.observe(trained(0, init_seed=5), "b", 2.0)  # Reset pressed twice
    version = log.version
    (row,) = log.rows()
    assert (row.n, row.query, row.when) == (1, "b", 2.0)
    assert log.pins == () and version == 1  # the pin was of the run that left no row
    log.observe(trained(4, init_seed=6), "c", 3.0)
    log.observe(trained(0, init_seed=7), "d", 4.0)
    # the untrained run 1 gave its row to "c"; "c" trained, so "d" starts run 2
    assert [(r.n, r.query, r.epochs, r.current) for r in log.rows()] == \
        [(1, "c", 4, False), (2, "d", 0, True)]


def test_rows_are_bounded_and_pins_survive_the_oldest_being_dropped():
    log = RunLog()
    log.observe(trained(1, init_seed=1), "", 0.0)
    log.observe(trained(1, init_seed=2), "", 1.0)
    log.observe(trained(1, init_seed=3), "", 2.0)
    log.pin(1)
    log.pin(2)
    for i in range(MAX_ROWS + 20):
        log.observe(trained(1, init_seed=10 + i), "", 10.0 + i)
        assert len(log) <= MAX_ROWS
    nums = log.numbers()
    assert len(log.rows()) == MAX_ROWS and nums[:2] == [1, 2] and log.pins == (1, 2)
    assert nums[2:] == list(range(nums[-1] - MAX_ROWS + 3, nums[-1] + 1))  # the newest kept
    assert all(len(r.curve.epoch) <= CURVE_POINTS for r in log.rows())


def test_an_unpinned_log_drops_its_oldest_rows():
    log = log_of(8, max_rows=5)
    assert log.numbers() == [4, 5, 6, 7, 8]


def test_at_most_two_pins_and_a_third_replaces_the_oldest():
    log = log_of(5)
    assert log.pin(1) and log.pin(3) and log.pins == (1, 3)
    assert log.pin(4) and log.pins == (3, 4) and len(log.pins) == MAX_PINS
    assert not log.pin(99) and not log.pin("4") and not log.pin(True) and log.pins == (3, 4)
    log.unpin(3)
    assert log.pins == (4,)
    assert [r.n for r in log.pinned_rows()] == [4]


@pytest.mark.parametrize("sent", [None, "1", {1: 1}, [True, "x", 99, None, 2.5], 7])
def test_pins_from_a_widget_are_checked(sent):
    log = log_of(3)
    log.pin(1)
    assert log.set_pins(sent) == ()


def test_pins_from_a_widget_keep_the_latest_two_known_ones():
    log = log_of(4)
    assert log.set_pins([1, 99, 2, 3]) == (2, 3)


def test_thin_curve_keeps_first_and_last_and_at_most_its_points():
    h = History()
    for e in range(2000):
        h.append(e, 1.0 / (e + 1), 2.0 / (e + 1), 0.5, 0.5)
    c = thin_curve(h)
    assert 100 < len(c.epoch) <= CURVE_POINTS == RL.CURVE_POINTS
    assert (c.epoch[0], c.epoch[-1]) == (h.epoch[0], h.epoch[-1])
    assert c.train_loss[-1] == h.train_loss[-1] and c.test_loss[0] == h.test_loss[0]
    assert list(c.epoch) == sorted(set(c.epoch))


# ---------------------------------------------------------------- links reopen the same run
@pytest.mark.parametrize("change", [dict(dataset="xor", init_seed=4242, seed=7),
                                    dict(dataset="spiral", layers=(5, 3), optimizer="adam", batch=7)])
def test_a_rows_link_rebuilds_the_same_run(change):
    cfg = SMALL.replace(**change)
    t = Trainer(cfg)
    for _ in range(6):  # trained in Steps, as on the page
        t.train(1)
    log = RunLog()
    log.observe(t, to_query(cfg), 0.0)
    log.observe(trained(1), "", 1.0)
    row = log.rows()[0]
    again = Trainer(parse_query(row.query)[0])
    again.train(row.epochs)
    s = again.summary()
    assert (s["epoch"], s["train_loss"], s["test_loss"]) == (row.epochs, row.train_loss, row.test_loss)
    assert (s["train_accuracy"], s["test_accuracy"]) == (row.train_acc, row.test_acc)


# ---------------------------------------------------------------- the CSV
def test_the_csv_round_trips():
    log = log_of(3)
    log.observe(trained(2, dataset="reg-plane", cost="squared"), "dataset=reg-plane&cost=squared", 9.0)
    rows = list(csv.reader(io.StringIO(runlog_csv(log))))
    assert rows[0] == list(CSV_COLUMNS) and len(rows) == len(log) + 1
    for cells, r in zip(rows[1:], log.rows()):
        d = dict(zip(CSV_COLUMNS, cells))
        assert int(d["run"]) == r.n and int(d["epochs"]) == r.epochs and int(d["parameters"]) == r.params
        assert float(d["train_loss"]) == r.train_loss and float(d["test_loss"]) == r.test_loss
        assert (float(d["test_accuracy"]) if d["test_accuracy"] else None) == r.test_acc
        assert d["link_query"] == r.query and d["diverged"] == "no"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", d["started_utc"])
    assert rows[-1][CSV_COLUMNS.index("train_accuracy")] == ""


def test_the_csv_runs_no_formula():
    log = RunLog()
    evil = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
    for i, text in enumerate(evil):
        log.observe(trained(1, init_seed=i + 1), text, float(i), note=text)
    rows = list(csv.reader(io.StringIO(runlog_csv(log))))
    number = re.compile(r"-\d+(\.\d+)?(e[+-]?\d+)?")  # a plain negative number is no formula
    for cells in rows[1:]:
        for cell in cells:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")) or number.fullmatch(cell)
    notes = [c[CSV_COLUMNS.index("note")] for c in rows[1:]]
    assert notes == ["'" + t[:RL.MAX_NOTE] for t in evil]
    assert inert("-0.5") == "-0.5" and inert("1e-05") == "1e-05" and inert("-1e+300") == "-1e+300"
    assert inert("-1+2") == "'-1+2" and inert("nan") == "nan"


# ---------------------------------------------------------------- the overlay
def test_the_overlay_draws_each_pinned_run_in_its_colour():
    log = log_of(3)
    log.pin(1)
    log.pin(3)
    fig = overlay_figure(log.pinned_rows())
    lines = [(tr.name, tr.line.color, tr.line.dash) for tr in fig.data]
    A, B = style.AB_COLOURS["A"], style.AB_COLOURS["B"]
    assert lines == [("run 1 train loss", A, "solid"), ("run 1 test loss", A, "dot"),
                     ("run 3 train loss", B, "solid"), ("run 3 test loss", B, "dot")]
    assert list(fig.data[0].x) == list(log.rows()[0].curve.epoch)
    dark = overlay_figure(log.pinned_rows(), dark=True)
    assert dark.layout.font.color == style.NEUTRAL
    assert dark.data[0].line.color == style.mix(A, style.WHITE, 1 / 3) != A
    assert overlay_figure([]).layout.annotations  # a message, not an empty chart


def test_the_overlay_never_draws_nan():
    t = trained(1)
    t.history.train_loss[-1] = math.nan
    log = RunLog()
    log.observe(t, "", 0.0)
    log.pin(1)
    fig = overlay_figure(log.pinned_rows())
    assert all(math.isfinite(v) for tr in fig.data for v in tr.y)


def test_the_run_log_code_has_no_colour_of_its_own():
    from test_style import colour_literals
    root = Path(__file__).resolve().parents[1] / "playground"
    for path in ("views/runlog_figures.py", "ui/runlog.py", "core/runlog.py", "io/runlog_csv.py"):
        assert colour_literals((root / path).read_text()) == [], path


# ---------------------------------------------------------------- the page (AppTest)
def _expander_label(at) -> str:
    return next(e.label for e in at.expander if e.label.startswith("Run log"))


def _open_log(at):
    """Open the Run log expander (stateful: opening it reruns the page, which then draws it).
    AppTest has no expander to click: its state is set as the browser would send it."""
    at.session_state["pg_runlog"] = True
    return run(at)


def test_the_closed_log_builds_nothing():
    at = page()
    assert _expander_label(at) == "Run log (1 run)"
    assert not any("epochs" in d.value.columns for d in at.dataframe)
    assert "pg_dl_runlog" not in {b.key for b in at.get("download_button")}


def test_reset_makes_a_second_row_and_open_this_run_reopens_the_first():
    at = _open_log(page(dataset="xor", seed="3"))
    assert _expander_label(at) == "Run log (1 run)"
    step(at)
    step(at)
    first_query = to_query(trainer(at).cfg)
    at.button(key="pg_reset").click()
    run(at)
    assert _expander_label(at) == "Run log (2 runs)"
    # the new count is a new expander: it opens as the panel was (ui/runlog.runlog_panel)
    table = next(d.value for d in at.dataframe if "epochs" in d.value.columns)
    assert list(table["run"]) == [2, 1] and list(table["epochs"]) == [0, 2]  # newest first
    log = at.session_state["pg"].runlog
    assert log.rows()[0].query == first_query
    widget(at, "multiselect", "pg_runlog_pins").select(1).select(2)
    run(at)
    assert log.pins == (1, 2) and any(c.key == "pg_runlog_fig" for c in at.get("plotly_chart"))
    at.selectbox(key="pg_runlog_pick").select(1)
    at.button(key="pg_runlog_open").click()
    run(at)
    t = trainer(at)
    again = Trainer(parse_query(first_query)[0])
    assert t.epoch == 0 and (t.net.theta == again.net.theta).all()
    assert t.cfg == again.cfg.replace(tab=t.cfg.tab, hide=t.cfg.hide)


def test_the_page_keeps_two_pins_of_three_chosen():
    at = _open_log(page(seed="5"))
    for _ in range(2):
        step(at)
        at.button(key="pg_reset").click()
        run(at)
    log = at.session_state["pg"].runlog
    assert log.numbers() == [1, 2, 3]
    widget(at, "multiselect", "pg_runlog_pins").select(1).select(2).select(3)
    run(at)
    assert log.pins == (2, 3)  # a third pin replaces the oldest, and the widget says so
    pins = widget(at, "multiselect", "pg_runlog_pins")
    assert pins.key != "pg_runlog_pins" and pins.value == [2, 3]


def test_the_table_shows_accuracies_in_percent_with_one_decimal():
    """The column showed 0.9684 as "96.84%" beside "96.8%" in other rows (the "percent" format
    keeps every digit): values are percentages, drawn with one decimal as the status line."""
    from playground.ui.runlog import _columns, table_rows
    t = Trainer(Config(dataset="xor"))
    t.train(5)
    log = RunLog()
    log.observe(t, to_query(t.cfg), 0.0)
    row = table_rows(log.rows(), ())[0]
    assert row["train accuracy"] == 100 * t.history.train_acc[-1]
    assert row["test accuracy"] == 100 * t.history.test_acc[-1]
    assert _columns()["train accuracy"]["type_config"]["format"] == "%.1f %%"
