"""What a session keeps of its lessons (held by `session.Page.lessons`; no streamlit here, so
the live channel's worker thread can check a goal too).

Bounded: one teacher's lesson at a time, an answer and a "done" mark per lesson of the
library (plus that one), whatever the session does.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..core.config import Config, safe_echo
from ..core.lessons import Lesson, metrics, parse_lesson
from ..core.settings import lesson_text
from ..io.lessons import library

LESSON_KEYS = {"lesson", "lesson_src", "lesson_step", "lesson_lock", "tab"}


@dataclass
class LessonState:
    custom: Lesson | None = None                         # a teacher's lesson (upload or link)
    custom_src: str = ""                                 # its file's text (for its link)
    answers: dict[str, int] = field(default_factory=dict)  # lesson -> the choice made
    answered_at: dict[str, int] = field(default_factory=dict)  # lesson -> epoch of the answer
    done: dict[str, int] = field(default_factory=dict)     # lesson -> epoch its goal was met

    def load(self, name: str, text: str) -> tuple[Lesson | None, str]:
        """A teacher's lesson file (uploaded, or from a link) becomes the session's own lesson
        (one at a time); a name the library already has is refused."""
        lesson, why = parse_lesson(name, text)
        if lesson is None:
            return None, why
        if lesson.name in library():
            return None, "a built-in lesson has that name; rename the file"
        if self.custom is not None and self.custom.name != lesson.name:
            self.forget(self.custom.name)
        self.custom, self.custom_src = lesson, text
        return lesson, ""

    def find(self, name: str) -> Lesson | None:
        if not name:
            return None
        if self.custom is not None and self.custom.name == name:
            return self.custom
        return library().get(name)

    def _bounded(self, name: str) -> bool:
        return name in library() or (self.custom is not None and name == self.custom.name)

    def answer(self, name: str, choice: int, epoch: int) -> None:
        lesson = self.find(name)
        if lesson is None or not self._bounded(name) or not 0 <= choice < len(lesson.choices):
            return
        if name not in self.answers:
            self.answers[name], self.answered_at[name] = int(choice), int(epoch)

    def revealed(self, name: str, epoch: int) -> bool:
        """The answer shows once the learner chose one and the run went on from there (or the
        goal was met)."""
        return name in self.answers and (epoch > self.answered_at.get(name, 0) or name in self.done)

    def forget(self, name: str) -> None:
        """Start the lesson over: its answer and tick go."""
        for d in (self.answers, self.answered_at, self.done):
            d.pop(name, None)

    def check(self, name: str, trainer) -> bool:
        """Whether lesson `name`'s goal was met just now, on this run (True once)."""
        lesson = self.find(name)
        if lesson is None or trainer is None or name in self.done or not self._bounded(name):
            return False
        if lesson.goal.met(metrics(trainer)):
            self.done[name] = int(trainer.epoch)
            return True
        return False

    def from_link(self, cfg: Config, keys: set, notes: list[str]) -> tuple[Config, list[str]]:
        """A link that names a lesson and no other setting opens the lesson as its file sets it
        up (its start, or the chosen step's own link); one with more settings keeps them (a run
        shared in the middle of a lesson). A lesson the link carries (`lesson_src`) becomes the
        session's own; one that cannot be read, or an unknown name, is named in a notice."""
        if cfg.lesson_src:
            lesson, why = self.load(cfg.lesson or "shared", lesson_text(cfg.lesson_src))
            if lesson is None:
                return cfg.replace(lesson="", lesson_src=""), notes + [f"lesson: it could not be read: {why}"]
            cfg = cfg.replace(lesson=lesson.name)
        if not cfg.lesson:
            return cfg, notes
        lesson = self.find(cfg.lesson)
        if lesson is None:
            return cfg.replace(lesson="", lesson_step=0), notes + [
                f"lesson: '{safe_echo(cfg.lesson)}' is not a lesson of this playground"]
        step = min(cfg.lesson_step, len(lesson.steps) - 1)
        if keys <= LESSON_KEYS:
            links = [s.link for s in lesson.steps[:step + 1] if s.link]
            cfg = lesson.config(links[-1] if links else None).replace(
                lesson=cfg.lesson, lesson_step=step, lesson_lock=cfg.lesson_lock, tab=cfg.tab)
        return cfg.replace(lesson_step=step), notes
