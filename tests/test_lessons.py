"""Lesson files: the validator (hostile files refused with a named reason, never raising), the
goal grammar (a whitelist, never Python), the metrics a goal reads, a lesson link, and the
Lessons tab and lesson panel in AppTest."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from appkit import page, run
from playground.core.lessons import (MAX_LESSON_BYTES, METRICS, metrics, parse_goal,
                                     parse_lesson)
from playground.core.config import Config
from playground.core.train import Trainer
from playground.io.lessons import FOLDER, library, read_lesson

GOOD = '''
number = 50
title = "A teacher's lesson"
idea = "Two blobs need no hidden layer."
start = "dataset=gauss&layers="
closing = "One line was enough."

[[steps]]
text = "Press Play."

[[steps]]
text = "Now with a hidden layer."
link = "dataset=gauss&layers=2"

[question]
ask = "Will one line do?"
choices = ["Yes", "No"]
answer = 0
explain = "The blobs sit apart."

[goal]
expr = "test_accuracy >= 0.9 and hidden_neurons <= 2"
text = "90 % right with at most two hidden neurons"

[solution]
link = "dataset=gauss&layers="
epochs = 50
'''


def with_(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


def test_a_good_file_reads_into_a_lesson():
    lesson, why = parse_lesson("mine", GOOD)
    assert why == "" and lesson is not None
    assert (lesson.number, lesson.title, lesson.answer, lesson.solution_epochs) == (50, "A teacher's lesson", 0, 50)
    assert [s.link for s in lesson.steps] == [None, "dataset=gauss&layers=2"]
    assert lesson.goal.clauses == (("test_accuracy", ">=", 0.9), ("hidden_neurons", "<=", 2.0))
    assert lesson.config().layers == () and lesson.config().dataset == "gauss"


HOSTILE = {
    "huge": ("x" * (MAX_LESSON_BYTES + 1), "larger than"),
    "not toml": ("title = ", "not valid TOML"),
    "nested": ("a = " + "[" * 5000 + "]" * 5000, "TOML"),
    "binary": (b"\xff\xfe\x00bad", "not UTF-8"),
    "unknown key": (GOOD + '\nscript = "alert(1)"\n', "does not know"),
    "unknown step key": (with_(GOOD, 'text = "Press Play."', 'text = "Press Play."\nhtml = "<b>"'), "does not know"),
    "missing goal": (GOOD.split("[goal]")[0] + "[solution]" + GOOD.split("[solution]")[1], "lacks: goal"),
    "python goal": (with_(GOOD, 'expr = "test_accuracy >= 0.9 and hidden_neurons <= 2"',
                          'expr = "__import__(\'os\').system(\'ls\')"'), "each condition"),
    "call in goal": (with_(GOOD, '>= 0.9 and', '>= abs(0.9) and'), "each condition"),
    "unknown metric": (with_(GOOD, 'test_accuracy >= 0.9', 'secret >= 0.9'), "unknown metric"),
    "or in goal": (with_(GOOD, ' and hidden_neurons', ' or hidden_neurons'), "each condition"),
    "huge number": (with_(GOOD, '>= 0.9', '>= 1' + '0' * 40), "each condition"),
    "too many clauses": (with_(GOOD, 'hidden_neurons <= 2"', " and ".join(["epoch >= 1"] * 7) + '"'), "more than"),
    "bad answer": (with_(GOOD, "answer = 0", "answer = 7"), "answer must"),
    "bool answer": (with_(GOOD, "answer = 0", "answer = true"), "answer must"),
    "one choice": (with_(GOOD, 'choices = ["Yes", "No"]', 'choices = ["Yes"]'), "2 to"),
    "long title": (with_(GOOD, 'title = "A teacher\'s lesson"', f'title = "{"t" * 500}"'), "longer than"),
    "control chars": (with_(GOOD, 'idea = "Two blobs need no hidden layer."', 'idea = "Two\\u0007 blobs"'), "control characters"),
    "bad start link": (with_(GOOD, 'start = "dataset=gauss&layers="', 'start = "dataset=nowhere"'), "cannot read"),
    "bad hide": (GOOD.replace('closing =', 'hide = ["everything"]\nclosing ='), "hide must"),
    "too many epochs": (with_(GOOD, "epochs = 50", "epochs = 99999999"), "epochs"),
    "no steps": (GOOD.split("[[steps]]")[0] + "steps = []\n[question]" + GOOD.split("[question]")[1], "steps must"),
    "steps not tables": (GOOD.split("[[steps]]")[0] + 'steps = ["a"]\n[question]' + GOOD.split("[question]")[1], "each step"),
    "text is a table": (with_(GOOD, 'closing = "One line was enough."', 'closing = {a = 1}'), "non-empty text"),
}


BAD_LESSONS = Path(__file__).parent / "data" / "bad" / "lessons"
BAD_EXPECTED = json.loads((BAD_LESSONS / "expected.json").read_text())


def test_the_corpus_of_hostile_lesson_files_is_the_list_here():
    assert len(BAD_EXPECTED) == len(HOSTILE) >= 20
    for name in BAD_EXPECTED:
        assert (BAD_LESSONS / name).exists(), name


@pytest.fixture(scope="module")
def lessons_page():
    return page(tab="lessons")


@pytest.mark.parametrize("name", sorted(BAD_EXPECTED))
def test_the_page_refuses_each_hostile_lesson_file_and_keeps_its_state(lessons_page, name):
    """Uploaded on the Lessons tab (one page, one file after the other): refused with its
    named reason, echoing nothing of the file, and the page's run and lesson stay as they were."""
    at = lessons_page
    before = at.session_state["pg"].trainer
    at.file_uploader(key="pg_lesson_file").upload(name, (BAD_LESSONS / name).read_bytes(), "application/toml")
    run(at)
    from playground.ui.lessons import plain
    errors = " ".join(e.value for e in at.error)
    assert plain(BAD_EXPECTED[name]) in errors, (name, errors)  # as markdown source, escaped
    assert not any(bad in errors for bad in ("alert", "<b>", "__import__")), errors
    assert at.session_state["pg"].lessons.custom is None
    assert at.session_state["pg"].trainer is before


def test_markup_in_a_lesson_is_shown_as_text():
    text = with_(GOOD, 'idea = "Two blobs need no hidden layer."',
                 'idea = "<b>bold</b> **star** [link](http://x.io) :red[red] $x$"')
    at = page()
    assert at.session_state["pg"].lessons.load("mine", text)[0] is not None
    at.session_state["pg"].cfg = at.session_state["pg"].cfg.replace(lesson="mine")
    run(at)
    from playground.ui.lessons import plain
    shown = [c.value for c in at.caption if "bold" in c.value]
    assert shown == [plain("<b>bold</b> **star** [link](http://x.io) :red[red] $x$")]
    assert "\\<b\\>" in shown[0] and "\\*\\*star" in shown[0] and "\\[link\\]\\(" in shown[0]


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_files_are_refused_with_a_reason(case):
    text, reason = HOSTILE[case]
    lesson, why = parse_lesson("mine", text)
    assert lesson is None and reason in why, (case, why)
    assert not any(bad in why for bad in ("alert", "<b>", "__import__", "abs(")), why  # repeats nothing of the file


def test_names_and_uploads():
    assert parse_lesson("../etc/passwd", GOOD)[0] is None
    assert parse_lesson("", GOOD)[0] is None
    lesson, why = read_lesson("My Lesson (v2).toml", GOOD.encode())
    assert why == "" and lesson.name == "my-lesson-v2"
    assert read_lesson("x.toml", b"x" * (MAX_LESSON_BYTES + 1))[0] is None
    assert read_lesson("x.toml", "not bytes")[0] is None
    for junk in (None, 3, [], {"a": 1}, b"", "\x00" * 10):
        assert parse_lesson("mine", junk)[0] is None


@pytest.mark.parametrize("expr,values,met", [
    ("test_loss <= 0.1", {"test_loss": 0.1}, True),
    ("test_loss < 0.1", {"test_loss": 0.1}, False),
    ("train_accuracy >= 0.9 and gap <= 0.05", {"train_accuracy": 0.95, "gap": 0.01}, True),
    ("train_accuracy >= 0.9 and gap <= 0.05", {"train_accuracy": 0.95, "gap": 0.2}, False),
    ("epoch > 10", {"epoch": float("nan")}, False),     # NaN never meets a goal
    ("epoch > -1", {}, False),                          # a missing metric neither
])
def test_goal_grammar(expr, values, met):
    goal, why = parse_goal(expr)
    assert why == "" and goal.met(values) is met


def test_metrics_of_a_run():
    t = Trainer(Config(layers=(3, 2), reg="l1", reg_rate=0.1, lr=0.1))
    t.train(30)
    m = metrics(t)
    assert set(m) == set(METRICS)
    assert (m["hidden_layers"], m["hidden_neurons"], m["parameters"]) == (2, 5, t.net.n_params)
    assert m["epoch"] == 30 and m["gap"] == pytest.approx(m["test_loss"] - m["train_loss"])
    weights = np.concatenate([w[:, :-1].ravel() for w in t.net.W])
    assert m["zero_weights"] == pytest.approx(np.mean(weights == 0))
    assert m["weight_size"] == pytest.approx(np.mean(np.abs(weights)))
    reg = metrics(Trainer(Config(dataset="reg-plane")))
    assert math.isnan(reg["train_accuracy"])


# ---------------------------------------------------------------- the page (AppTest)
def test_a_lesson_link_sets_the_page_up_and_the_goal_ticks():
    lesson = library()["layers"]
    at = page(lesson="layers")
    cfg = at.session_state["pg"].cfg
    assert (cfg.dataset, cfg.layers, cfg.lesson) == (lesson.config().dataset, lesson.config().layers, "layers")
    text = " ".join(m.value for m in at.markdown)
    assert "Lesson 1" in text and "Goal" in text
    q = at.radio(key="pg_lesson_q_layers")
    assert q.value is None and list(q.options) == list(lesson.choices)
    q.set_value(lesson.choices[lesson.answer])
    run(at)
    assert at.session_state["pg"].lessons.answers == {"layers": lesson.answer}
    assert not at.success  # not revealed before the run goes on
    at.session_state["pg"].trainer.train(5)
    run(at)
    assert any(s.value.startswith("Right.") for s in at.success)
    assert "layers" not in at.session_state["pg"].lessons.done
    # the solution's settings reach the goal: the tick and the closing text appear
    at.button(key="pg_lesson_next").click()
    run(at)
    at.session_state["pg"].trainer.train(lesson.solution_epochs)
    run(at)
    assert "layers" in at.session_state["pg"].lessons.done
    assert any(s.value.startswith("Goal reached") for s in at.success)
    at.button(key="pg_lesson_go_next").click()
    run(at)
    nxt = at.session_state["pg"].cfg.lesson
    assert nxt == lesson.next and f"Lesson {library()[nxt].number}" in " ".join(m.value for m in at.markdown)


def test_a_link_with_settings_keeps_them_and_unknown_lessons_are_named():
    at = page(lesson="layers", dataset="circle", layers="3")
    cfg = at.session_state["pg"].cfg
    assert (cfg.dataset, cfg.layers, cfg.lesson) == ("circle", (3,), "layers")
    at = page(lesson="no-such-lesson")
    assert at.session_state["pg"].cfg.lesson == ""
    assert any("no-such-lesson" in w.value or "not a lesson" in w.value for w in at.warning)


def test_lessons_tab_lists_the_library_and_a_locked_lesson_hides_the_rest():
    at = page(tab="lessons")
    keys = {b.key for b in at.button}
    assert {f"pg_lesson_start_{n}" for n in library()} <= keys
    at.button(key="pg_lesson_start_layers").click()
    run(at)
    cfg = at.session_state["pg"].cfg
    assert (cfg.lesson, cfg.tab) == ("layers", "play")
    locked = page(lesson="layers", lesson_lock="1")
    assert not locked.tabs  # no Depth Lab, no lesson list
    assert "pg_lesson_leave" not in {b.key for b in locked.button}
    assert "pg_link_text" not in {w.key for w in locked.text_input}  # no share box


def test_the_library_folder_holds_data_only():
    assert FOLDER.is_dir() and not list(FOLDER.glob("*.py"))


def test_the_readme_example_is_a_lesson_whose_start_misses_and_solution_meets_its_goal():
    from pathlib import Path
    from playground.core.lessons import trial
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Lessons")[1].split("```toml")[1].split("```")[0]
    lesson, why = parse_lesson("readme-example", block)
    assert why == "", why
    assert not trial(lesson, None, lesson.solution_epochs)[0]
    met, m = trial(lesson, lesson.solution, lesson.solution_epochs)
    assert met, m


def test_a_teachers_lesson_travels_in_the_link():
    """lesson_src carries a whole lesson file (deflated, base64url): the link opens it from its
    start like a built-in one. What cannot be read is refused with a notice: not base64url, a
    file that unpacks past the cap (a small value never unpacks into a big one), a file that
    is not a lesson, a built-in lesson's name."""
    import base64
    import zlib
    from playground.core.settings import lesson_link_form
    at = page(lesson="mine", lesson_src=lesson_link_form(GOOD))
    cfg = at.session_state["pg"].cfg
    assert (cfg.lesson, cfg.dataset, cfg.layers) == ("mine", "gauss", ())
    assert "A teacher" in " ".join(m.value for m in at.markdown)
    assert not at.session_state["pg"].notices
    bomb = base64.urlsafe_b64encode(zlib.compress(b"a" * 1_000_000, 9)).decode().rstrip("=")
    for src, words in ((bomb, "unpacks to more than"), ("<script>", "not a lesson in link form"),
                       (lesson_link_form("title = 3"), "could not be read"),
                       (lesson_link_form(GOOD), "built-in")):
        at = page(lesson="layers" if words == "built-in" else "mine", lesson_src=src)
        notes = " ".join(at.session_state["pg"].notices)
        assert words in notes and "<script>" not in notes, (words, notes)
        assert at.session_state["pg"].lessons.custom is None


def test_the_lessons_tab_hands_out_an_uploaded_lesson_as_a_link():
    from urllib.parse import parse_qsl, urlsplit
    from test_app import shown_links
    from playground.core.settings import lesson_text
    at = page(tab="lessons")
    at.get("file_uploader")  # drawn
    state = at.session_state["pg"].lessons
    assert state.load("mine", GOOD)[0] is not None
    run(at)
    links = [dict(parse_qsl(urlsplit(u).query)) for u in shown_links(at)]
    handed = [q for q in links if q.get("lesson") == "mine"]
    assert len(handed) == 2 and lesson_text(handed[0]["lesson_src"]) == GOOD
    assert handed[1].get("lesson_lock") == "1"


def test_a_pasted_lesson_link_opens_the_lesson_from_its_start():
    """The Open a link box takes a lesson link as the address bar does."""
    lesson = library()["weights"]
    at = page()
    at.text_input(key="pg_link_text").input("https://example.org/?lesson=weights")
    at.button(key="FormSubmitter:pg_open_form-Open").click()
    run(at)
    cfg = at.session_state["pg"].cfg
    start = lesson.config()
    assert (cfg.lesson, cfg.dataset, cfg.layers, cfg.lr, cfg.init) == ("weights", start.dataset, start.layers, start.lr, start.init)
    assert set(lesson.hide) <= set(cfg.hide)
    assert f"Lesson {lesson.number}" in " ".join(m.value for m in at.markdown)
