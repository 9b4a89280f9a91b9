"""Lessons: the Lessons tab (the library, a teacher's own file) and the lesson panel above the
playground (the idea, the steps, the prediction question, the goal with its live tick).

A lesson is a data file (core/lessons.py, io/lessons.py); its text is shown as plain text
(every markdown character escaped), never as markup. The session's progress lives in
`session.Page.lessons` (ui/lesson_state.py); the goal is checked on the run by the page and,
while a run plays on the live channel, by the channel's worker (which then asks the page to
draw the tick).
"""
from __future__ import annotations

import re

import streamlit as st

from . import session as S
from ..core.config import DEFAULT, Config
from ..core.settings import lesson_link_form
from ..core.lessons import METRICS, MAX_LESSON_BYTES, Lesson, metrics
from ..io.lessons import library, read_lesson
from .files import link_box, share_link

_MD = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def plain(text: str) -> str:
    """Text for st.markdown that shows as written: every markdown character escaped."""
    return _MD.sub(r"\\\1", str(text))


def _lesson_config(lesson: Lesson, query: str | None, step: int, lock: bool) -> Config:
    return lesson.config(query).replace(lesson=lesson.name, lesson_step=step, lesson_lock=lock,
                                        tab="play")


def start_lesson(name: str, lock: bool = False) -> None:
    """Callback: open lesson `name` at its first step, from its starting link."""
    p = S.page()
    lesson = p.lessons.find(name)
    if lesson is None:
        return
    p.lessons.forget(name)
    S.set_config(_lesson_config(lesson, None, 0, lock or p.cfg.lesson_lock))
    S.set_playing(False)


def go_to_step(step: int, setup: bool) -> None:
    """Callback: show step `step`; `setup`: also apply the step's own link (the lesson stays)."""
    p = S.page()
    cfg = p.cfg
    lesson = p.lessons.find(cfg.lesson)
    if lesson is None:
        return
    step = min(max(int(step), 0), len(lesson.steps) - 1)
    link = lesson.steps[step].link
    if setup and link:
        S.set_config(_lesson_config(lesson, link, step, cfg.lesson_lock))
        S.set_playing(False)
    else:
        S.set_config(cfg.replace(lesson_step=step))


def leave_lesson() -> None:
    S.set_config(S.page().cfg.replace(lesson="", lesson_step=0, lesson_lock=False))


def _answer(name: str, key: str) -> None:
    choice = S.widget_value(key)
    lesson = S.page().lessons.find(name)
    if lesson is not None and choice in lesson.choices:
        S.page().lessons.answer(name, lesson.choices.index(choice), S.trainer().epoch)


# ---------------------------------------------------------------- the panel above the playground
def lesson_panel(cfg: Config, t) -> None:
    if not cfg.lesson:
        return
    p = S.page()
    lesson = p.lessons.find(cfg.lesson)
    if lesson is None:
        st.warning(f"There is no lesson called {plain(cfg.lesson)}; the Lessons tab lists them.")
        return
    p.lessons.check(lesson.name, t)  # met on this run (a Step, a change, a hand-set weight)
    with st.container(border=True, key="pg_lesson"):
        st.markdown(f"**Lesson {lesson.number} · {plain(lesson.title)}**")
        st.caption(plain(lesson.idea))
        left, right = st.columns([3, 2], gap="medium")
        with left:
            _steps(cfg, lesson)
        with right:
            _question(lesson, t.epoch)
            _goal(lesson, t)


def _steps(cfg: Config, lesson: Lesson) -> None:
    n = len(lesson.steps)
    k = min(cfg.lesson_step, n - 1)
    step = lesson.steps[k]
    st.markdown(f"**Step {k + 1} of {n}.** {plain(step.text)}")
    with st.container(horizontal=True, key="pg_lesson_buttons"):
        st.button("Back", key="pg_lesson_back", disabled=k == 0, on_click=go_to_step,
                  args=(k - 1, True), icon=":material/arrow_back:",
                  help="The previous step (and its settings, if it has any).")
        st.button("Next", key="pg_lesson_next", disabled=k == n - 1, on_click=go_to_step,
                  args=(k + 1, True), icon=":material/arrow_forward:",
                  help="The next step (and its settings, if it has any).")
        if step.link:
            st.button("Set up this step", key="pg_lesson_setup", on_click=go_to_step,
                      args=(k, True), icon=":material/tune:",
                      help="Put the page back to this step's settings.")
        if not cfg.lesson_lock:
            st.button("Leave", key="pg_lesson_leave", on_click=leave_lesson, type="tertiary",
                      icon=":material/close:", help="Close the lesson; the settings stay as they are.")


def _question(lesson: Lesson, epoch: int) -> None:
    state = S.page().lessons
    chosen = state.answers.get(lesson.name)
    if chosen is None:
        key = f"pg_lesson_q_{lesson.name}"
        st.radio(f"Before you press Play: {lesson.ask}", lesson.choices, index=None, key=key,
                 on_change=_answer, args=(lesson.name, key),
                 help="Guess first, then watch the run: the answer appears once it has trained.")
        return
    st.markdown(f"**{plain(lesson.ask)}**  \nYour guess: {plain(lesson.choices[chosen])}")
    if not state.revealed(lesson.name, epoch):
        st.caption("Now press **Play** (or **Step**) and watch.")
        return
    text = plain(lesson.explain)
    if chosen == lesson.answer:
        st.success(f"Right. {text}", icon=":material/check_circle:")
    else:
        st.info(f"The answer: {plain(lesson.choices[lesson.answer])}. {text}",
                icon=":material/lightbulb:")


SHARES = ("train_accuracy", "test_accuracy", "zero_weights")   # shown as percentages


def _value(name: str, v: float) -> str:
    if v != v:
        return "–"
    return f"{v:.1%}".replace("%", " %") if name in SHARES else f"{v:,.4g}"


def _goal(lesson: Lesson, t) -> None:
    state = S.page().lessons
    met = lesson.name in state.done
    values = metrics(t)
    shown = ", ".join(f"{name.replace('_', ' ')} {_value(name, values[name])}"
                      for name in dict.fromkeys(c[0] for c in lesson.goal.clauses))
    mark = ":green[:material/check_circle:]" if met else ":material/radio_button_unchecked:"
    st.markdown(f"{mark} **Goal:** {plain(lesson.goal.text)} :gray[(now: {plain(shown)})]")
    if not met:
        return
    st.success(f"Goal reached at epoch {state.done[lesson.name]:,}. {plain(lesson.closing)}",
               icon=":material/celebration:")
    nxt = state.find(lesson.next) if lesson.next else None
    if nxt is not None:
        st.button(f"Next lesson: {nxt.title}", key="pg_lesson_go_next", type="primary",
                  on_click=start_lesson, args=(nxt.name,), icon=":material/school:",
                  width="stretch", help="Open the next lesson from its own starting settings.")


# ---------------------------------------------------------------- the Lessons tab
INTRO = ("Each lesson is about one idea of how neural networks learn. It sets the page up, "
         "asks you to guess what will happen, and checks a goal on your run while it trains. "
         "Start with lesson 1 if you have never trained a network.")


def lessons_tab(cfg: Config) -> None:
    if cfg.lesson_lock:
        st.info("This page is locked on its lesson.")
        return
    state = S.page().lessons
    st.markdown(INTRO)
    for lesson in library().values():
        _card(lesson, state.done.get(lesson.name), cfg.lesson == lesson.name)
    st.divider()
    _teacher_section(cfg)


def _card(lesson: Lesson, done_at: int | None, open_now: bool) -> None:
    with st.container(border=True, key=f"pg_lesson_card_{lesson.name}"):
        a, b = st.columns([6, 1], vertical_alignment="center")
        tick = ":material/check_circle: " if done_at is not None else ""
        a.markdown(f"{tick}**{lesson.number}. {plain(lesson.title)}**")
        a.caption(plain(lesson.idea))
        b.button("Open" if open_now else "Start", key=f"pg_lesson_start_{lesson.name}",
                 on_click=start_lesson, args=(lesson.name,), width="stretch",
                 type="primary" if open_now else "secondary",
                 help="Set the page up for this lesson (its own settings, epoch 0).")


def _teacher_section(cfg: Config) -> None:
    st.markdown("**Your own lesson**")
    st.caption("A teacher can write a lesson in the same format as the built-in ones (a small "
               "TOML text file, see the README) and load it here. It is checked like every "
               f"upload: at most {MAX_LESSON_BYTES:,} bytes, only the keys of the format, goals "
               "in the goal grammar; its text is shown as plain text.")
    state = S.page().lessons
    up = st.file_uploader("Lesson file (.toml)", type=["toml"], key="pg_lesson_file",
                          help="A lesson file: title, idea, start, steps, question, goal, "
                               "solution, closing.")
    if up is not None:
        lesson, why = read_lesson(up.name, up.getvalue()[:MAX_LESSON_BYTES + 1])
        if lesson is not None:
            lesson, why = state.load(lesson.name, up.getvalue().decode("utf-8"))
        if lesson is None:
            st.error(f"This lesson file was not loaded: {plain(why)}.")
        else:
            st.success(f"Loaded: {plain(lesson.title)}.")
    if state.custom is not None:
        a, b = st.columns(2)
        a.button(f"Start {state.custom.title}", key="pg_lesson_start_custom",
                 on_click=start_lesson, args=(state.custom.name,), width="stretch")
        b.button("Start it locked", key="pg_lesson_start_locked", on_click=start_lesson,
                 args=(state.custom.name, True), width="stretch",
                 help="The page then hides the lesson list and the share box.")
        st.caption("Hand out this lesson as a link (the link carries the whole file; "
                   "the locked one hides the controls' escape routes: the lesson list, the "
                   "share box, Leave):")
        form = lesson_link_form(state.custom_src)
        base = DEFAULT.replace(lesson=state.custom.name, lesson_src=form)
        link_box(share_link(base), "pg_lesson_link")
        link_box(share_link(base.replace(lesson_lock=True)), "pg_lesson_link_locked")
    with st.expander("What a goal can check"):
        st.markdown("\n".join(f"- `{name}`: {plain(what)}" for name, what in METRICS.items()))
        st.caption("A goal is one or more conditions joined by `and`, each `metric <= number` "
                   "(or <, >=, >), e.g. `test_loss <= 0.1 and hidden_neurons <= 4`.")

