"""Lessons: guided exercises, each a small TOML file (pure: text in, a checked Lesson out).

A lesson file holds plain text and share-link queries, nothing that runs:

    number = 1                         # its place in the library
    title = "One layer draws one line"
    idea = "A network is layers ..."   # the idea, in a sentence or two
    start = "dataset=xor&layers="      # the link that sets the page up (query part)
    hide = ["lab"]                     # optional: controls hidden during the lesson (hide= keys)
    closing = "..."                    # said once the goal is reached
    next = "weights"                   # optional: the next lesson's name

    [[steps]]                          # 1..8 steps: a sentence or two each
    text = "Press Play ..."
    link = "dataset=xor&layers=2"      # optional: a step may set the page up too

    [question]                         # asked before the learner presses Play
    ask = "Can a network with no hidden layer separate XOR?"
    choices = ["Yes", "No"]            # 2..5 answers
    answer = 1                         # the right one (0-based)
    explain = "..."                    # shown once an answer is chosen and the run has started

    [goal]                             # checked live on the run
    expr = "test_loss <= 0.1 and hidden_neurons <= 4"
    text = "Test loss at most 0.1 with at most 4 hidden neurons"

    [solution]                         # what reaches the goal (the tests train it)
    link = "dataset=xor&layers=4"
    epochs = 300

`parse_lesson(name, text)` never raises: it returns (Lesson, "") or (None, the reason). The
checks: size (MAX_LESSON_BYTES), TOML syntax, exactly the keys above with the right types,
text lengths, queries that `parse_query` reads without a notice, a goal in the small grammar
below. Text is shown as plain text (never as markdown or HTML).

Goal grammar (a whitelist, never evaluated as Python): `clause (and clause)*`, where a clause
is `metric op number`, metric one of METRICS, op one of <= < >= >, number a plain decimal.
"""
from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from typing import Any

from .config import HIDEABLE, Config, parse_query
from .settings import LESSON_NAME, MAX_LESSON_BYTES, MAX_LESSON_STEPS

NAME = re.compile(LESSON_NAME)
MAX_STEPS, MAX_CHOICES, MAX_CLAUSES = MAX_LESSON_STEPS, 5, 6
TEXT_CAP = {"title": 80, "idea": 500, "closing": 800, "step": 600, "ask": 300, "choice": 120,
            "explain": 800, "goal_text": 200, "query": 1000, "expr": 200}
MAX_SOLUTION_EPOCHS = 5000

# What a goal can speak of: name -> (plain words, what it is). Values come from `metrics`.
METRICS = {
    "train_loss": "training loss (the cost on the points the network learns from)",
    "test_loss": "test loss (the cost on points it never saw)",
    "train_accuracy": "share of training points classified right (0 to 1)",
    "test_accuracy": "share of test points classified right (0 to 1)",
    "gap": "test loss minus training loss",
    "epoch": "epochs trained",
    "hidden_layers": "hidden layers",
    "hidden_neurons": "neurons in all hidden layers",
    "parameters": "weights and biases",
    "zero_weights": "share of weights (not biases) that are exactly 0 (0 to 1)",
    "weight_size": "mean absolute weight (biases not counted)",
}
OPS = {"<=": lambda a, b: a <= b, "<": lambda a, b: a < b,
       ">=": lambda a, b: a >= b, ">": lambda a, b: a > b}
_CLAUSE = re.compile(r"^\s*([a-z_]+)\s*(<=|>=|<|>)\s*(-?\d{1,9}(?:\.\d{1,9})?)\s*$")


@dataclass(frozen=True)
class Step:
    text: str
    link: str | None = None


@dataclass(frozen=True)
class Goal:
    clauses: tuple[tuple[str, str, float], ...]
    text: str

    def met(self, values: dict[str, float]) -> bool:
        """Whether every clause holds (a metric that is missing or NaN does not)."""
        for name, op, x in self.clauses:
            v = values.get(name)
            if v is None or not math.isfinite(v) or not OPS[op](v, x):
                return False
        return True


@dataclass(frozen=True)
class Lesson:
    name: str
    number: int
    title: str
    idea: str
    start: str
    hide: tuple[str, ...]
    steps: tuple[Step, ...]
    ask: str
    choices: tuple[str, ...]
    answer: int
    explain: str
    goal: Goal
    closing: str
    next: str | None
    solution: str
    solution_epochs: int

    def config(self, query: str | None = None) -> Config:
        """The settings of the lesson's start (or of `query`), with its hidden controls."""
        cfg, _ = parse_query(self.start if query is None else query)
        return cfg.replace(hide=tuple(dict.fromkeys(cfg.hide + self.hide)))


def parse_goal(expr: Any) -> tuple[Goal | None, str]:
    """`expr` in the goal grammar → (Goal without text, "") or (None, why not)."""
    if not isinstance(expr, str) or not expr.strip():
        return None, "the goal must be a non-empty text"
    if len(expr) > TEXT_CAP["expr"]:
        return None, f"the goal is longer than {TEXT_CAP['expr']} characters"
    parts = re.split(r"\band\b", expr)
    if len(parts) > MAX_CLAUSES:
        return None, f"the goal has more than {MAX_CLAUSES} conditions"
    clauses = []
    for part in parts:
        m = _CLAUSE.match(part)
        if not m:
            return None, ("each condition of the goal must read `metric <= number` (or <, >=, >) "
                          "and conditions are joined by `and`")
        name, op, num = m.groups()
        if name not in METRICS:
            return None, f"the goal speaks of an unknown metric (known: {', '.join(METRICS)})"
        clauses.append((name, op, float(num)))
    return Goal(tuple(clauses), ""), ""


def metrics(t) -> dict[str, float]:
    """The values a goal can speak of, for a Trainer now."""
    h, net = t.history, t.net
    W = [w[:, :-1] for w in net.W]  # weights without the bias column
    n_w = sum(w.size for w in W)
    reg = t.problem == "regression"
    nan = float("nan")
    return {
        "train_loss": float(h.train_loss[-1]), "test_loss": float(h.test_loss[-1]),
        "train_accuracy": nan if reg else float(h.train_acc[-1]),
        "test_accuracy": nan if reg else float(h.test_acc[-1]),
        "gap": float(h.test_loss[-1] - h.train_loss[-1]),
        "epoch": float(t.epoch),
        "hidden_layers": float(len(t.cfg.layers)), "hidden_neurons": float(sum(t.cfg.layers)),
        "parameters": float(net.n_params),
        "zero_weights": float(sum(int((w == 0).sum()) for w in W) / n_w) if n_w else 0.0,
        "weight_size": float(sum(float(abs(w).sum()) for w in W) / n_w) if n_w else 0.0,
    }


# ---------------------------------------------------------------- the file
def parse_lesson(name: str, text: Any) -> tuple[Lesson | None, str]:
    """A lesson file's text → (Lesson, "") or (None, the reason it was refused). Never raises."""
    try:
        return _parse(name, text)
    except _Refused as e:
        return None, str(e)
    except Exception:  # noqa: BLE001 - a reader must never crash the page
        return None, "the file could not be read as a lesson"


class _Refused(ValueError):
    pass


KEYS = {"number", "title", "idea", "start", "hide", "steps", "question", "goal", "closing",
        "next", "solution"}
REQUIRED = KEYS - {"hide", "next"}


def _parse(name: str, text: Any) -> tuple[Lesson, str]:
    if not isinstance(name, str) or not NAME.match(name):
        raise _Refused("a lesson's name must be 1–40 lowercase letters, digits or dashes")
    if isinstance(text, bytes):
        if len(text) > MAX_LESSON_BYTES:
            raise _Refused(f"the file is larger than {MAX_LESSON_BYTES:,} bytes")
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise _Refused("the file is not UTF-8 text") from None
    if not isinstance(text, str):
        raise _Refused("the lesson must be text")
    if len(text.encode("utf-8")) > MAX_LESSON_BYTES:
        raise _Refused(f"the file is larger than {MAX_LESSON_BYTES:,} bytes")
    try:
        d = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):
        raise _Refused("the file is not valid TOML") from None
    _keys(d, KEYS, REQUIRED, "the lesson")
    number = d["number"]
    if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 999:
        raise _Refused("number must be a whole number from 1 to 999")
    start = _query(d["start"], "start")
    hide = d.get("hide", [])
    if not isinstance(hide, list) or not all(isinstance(h, str) and h in HIDEABLE for h in hide):
        raise _Refused(f"hide must be a list of these names: {', '.join(HIDEABLE)}")
    steps = d["steps"]
    if not isinstance(steps, list) or not 1 <= len(steps) <= MAX_STEPS:
        raise _Refused(f"steps must be a list of 1 to {MAX_STEPS} [[steps]] tables")
    out_steps = []
    for s in steps:
        if not isinstance(s, dict):
            raise _Refused("each step must be a [[steps]] table")
        _keys(s, {"text", "link"}, {"text"}, "a step")
        out_steps.append(Step(_text(s["text"], "step", "a step's text"),
                              _query(s["link"], "a step's link") if "link" in s else None))
    q = d["question"]
    if not isinstance(q, dict):
        raise _Refused("question must be a [question] table")
    _keys(q, {"ask", "choices", "answer", "explain"}, {"ask", "choices", "answer", "explain"},
          "the question")
    choices = q["choices"]
    if not isinstance(choices, list) or not 2 <= len(choices) <= MAX_CHOICES:
        raise _Refused(f"the question needs 2 to {MAX_CHOICES} choices")
    choices = tuple(_text(c, "choice", "a choice") for c in choices)
    answer = q["answer"]
    if not isinstance(answer, int) or isinstance(answer, bool) or not 0 <= answer < len(choices):
        raise _Refused("answer must be the number of the right choice, counting from 0")
    g = d["goal"]
    if not isinstance(g, dict):
        raise _Refused("goal must be a [goal] table")
    _keys(g, {"expr", "text"}, {"expr", "text"}, "the goal")
    goal, why = parse_goal(g["expr"])
    if goal is None:
        raise _Refused(why)
    sol = d["solution"]
    if not isinstance(sol, dict):
        raise _Refused("solution must be a [solution] table")
    _keys(sol, {"link", "epochs"}, {"link", "epochs"}, "the solution")
    epochs = sol["epochs"]
    if not isinstance(epochs, int) or isinstance(epochs, bool) or not 1 <= epochs <= MAX_SOLUTION_EPOCHS:
        raise _Refused(f"the solution's epochs must be a whole number from 1 to {MAX_SOLUTION_EPOCHS:,}")
    nxt = d.get("next")
    if nxt is not None and (not isinstance(nxt, str) or not NAME.match(nxt)):
        raise _Refused("next must be another lesson's name")
    return Lesson(name=name, number=number, title=_text(d["title"], "title", "the title"),
                  idea=_text(d["idea"], "idea", "the idea"), start=start, hide=tuple(hide),
                  steps=tuple(out_steps), ask=_text(q["ask"], "ask", "the question"),
                  choices=choices, answer=answer,
                  explain=_text(q["explain"], "explain", "the question's explanation"),
                  goal=Goal(goal.clauses, _text(g["text"], "goal_text", "the goal's text")),
                  closing=_text(d["closing"], "closing", "the closing text"), next=nxt,
                  solution=_query(sol["link"], "the solution's link"), solution_epochs=epochs), ""


def _keys(d: dict, allowed: set, required: set, what: str) -> None:
    unknown = sorted(k for k in d if k not in allowed)
    if unknown:
        raise _Refused(f"{what} has a key this format does not know ({len(unknown)} in all)")
    missing = sorted(required - set(d))
    if missing:
        raise _Refused(f"{what} lacks: {', '.join(missing)}")


def _text(v: Any, cap: str, what: str) -> str:
    if not isinstance(v, str) or not v.strip():
        raise _Refused(f"{what} must be a non-empty text")
    if len(v) > TEXT_CAP[cap]:
        raise _Refused(f"{what} is longer than {TEXT_CAP[cap]} characters")
    if any(ord(c) < 32 and c not in "\n\t" for c in v):
        raise _Refused(f"{what} holds control characters")
    return v.strip()


def _query(v: Any, what: str) -> str:
    """A share link's query part (a full link's query is taken too) that parses cleanly."""
    if not isinstance(v, str) or len(v) > TEXT_CAP["query"]:
        raise _Refused(f"{what} must be a link's query of at most {TEXT_CAP['query']} characters")
    q = v.split("?", 1)[1] if "?" in v else v
    _, notices = parse_query(q)
    if notices:
        raise _Refused(f"{what} has settings the playground cannot read ({len(notices)})")
    return q


def trial(lesson: Lesson, query: str | None, epochs: int) -> tuple[bool, dict[str, float]]:
    """Train the lesson's start (or `query`) headlessly for `epochs`: (goal met, metrics). The
    tests use it to show that every lesson's start misses its goal and its solution meets it."""
    from .train import Trainer
    t = Trainer(lesson.config(query))
    t.train(min(int(epochs), MAX_SOLUTION_EPOCHS))
    m = metrics(t)
    return lesson.goal.met(m), m
