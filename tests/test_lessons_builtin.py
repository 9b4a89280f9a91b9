"""The built-in lesson library (playground/lessons/*.toml): twelve lessons, numbered 1..12 and
chained by `next`, every link readable without a notice, and for each lesson the start misses
its goal while the solution meets it, both trained headlessly for the solution's epochs (the
same `trial` the lesson format documents)."""
from __future__ import annotations

import pytest

from playground.core.config import parse_query
from playground.core.lessons import METRICS, trial
from playground.io.lessons import library, library_errors

LESSONS = library()
NAMES = list(LESSONS)
MAX_POINTS, MAX_EPOCHS = 500, 600  # keep the trials cheap: the file runs in seconds


def test_every_builtin_lesson_validates():
    assert library_errors() == ()


def test_twelve_lessons_numbered_one_to_twelve():
    numbers = [L.number for L in LESSONS.values()]
    assert len(numbers) == len(set(numbers)), f"numbers repeat: {numbers}"
    assert sorted(numbers) == list(range(1, 13)), numbers
    assert LESSONS["layers"].number == 1


def test_next_names_an_existing_lesson_and_the_chain_runs_1_to_12():
    by_number = sorted(LESSONS.values(), key=lambda L: L.number)
    for L in by_number:
        if L.next is not None:
            assert L.next in LESSONS, f"{L.name}: next = {L.next!r} is no lesson"
    for a, b in zip(by_number, by_number[1:]):
        assert a.next == b.name, f"lesson {a.number} ({a.name}) should lead to {b.name}"
    assert by_number[-1].next is None


@pytest.mark.parametrize("name", NAMES)
def test_links_parse_without_notices(name):
    L = LESSONS[name]
    links = {"start": L.start, "solution": L.solution}
    links.update({f"step {i + 1}": s.link for i, s in enumerate(L.steps) if s.link})
    for where, q in links.items():
        cfg, notices = parse_query(q)
        assert notices == [], f"{name} {where} {q!r}: {notices}"
        assert cfg.points <= MAX_POINTS, f"{name} {where}: {cfg.points} points"
    assert L.solution_epochs <= MAX_EPOCHS


@pytest.mark.parametrize("name", NAMES)
def test_question_steps_and_texts(name):
    L = LESSONS[name]
    assert 2 <= len(L.choices) <= 4 and 0 <= L.answer < len(L.choices)
    assert 2 <= len(L.steps) <= 4
    texts = [L.title, L.idea, L.ask, L.explain, L.goal.text, L.closing, *L.choices,
             *(s.text for s in L.steps)]
    assert all(t.strip() for t in texts)
    assert not any("**" in t or "`" in t for t in texts), "texts are plain, not markdown"
    assert all(metric in METRICS for metric, _, _ in L.goal.clauses)


@pytest.mark.parametrize("name", NAMES)
def test_start_misses_the_goal_and_the_solution_meets_it(name):
    L = LESSONS[name]
    used = list(dict.fromkeys(c[0] for c in L.goal.clauses))
    met_start, m_start = trial(L, None, L.solution_epochs)
    met_sol, m_sol = trial(L, L.solution, L.solution_epochs)
    start = {k: round(m_start[k], 4) for k in used}
    sol = {k: round(m_sol[k], 4) for k in used}
    print(name, L.goal.text, "| start", start, "| solution", sol)
    assert not met_start, f"{name}: the start already meets '{L.goal.text}': {start}"
    assert met_sol, f"{name}: the solution misses '{L.goal.text}': {sol}"


def test_weights_lesson_goal_is_reached_by_typing_two_weights():
    """Lesson 2 asks the learner to set the weights by hand in the inspector: typing 1 for
    both input weights (the question's answer) meets the goal with no training at all."""
    from playground.core.lessons import metrics
    from playground.core.train import Trainer
    L = LESSONS["weights"]
    t = Trainer(L.config())
    assert not L.goal.met(metrics(t))
    t.set_parameter(0, 0, 0, 1.0)  # output ← x1
    t.set_parameter(0, 0, 1, 1.0)  # output ← x2
    m = metrics(t)
    assert t.epoch == 0 and L.goal.met(m), m
