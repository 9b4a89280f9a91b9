"""Lesson files: the built-in library (`playground/lessons/*.toml`) and a teacher's upload,
both read with the same cap and checked by the same validator (`core.lessons.parse_lesson`).

`library()` maps each built-in lesson's name (its file name without `.toml`) to its Lesson,
in the order of their `number`; a built-in file that does not validate is left out and named
in `library_errors()` (a test keeps that list empty). `read_lesson(name, data)` reads a
teacher's upload: at most MAX_LESSON_BYTES (+1 byte read, never more), same checks.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..core.lessons import MAX_LESSON_BYTES, NAME, Lesson, parse_lesson

FOLDER = Path(__file__).resolve().parent.parent / "lessons"


def _read_capped(path: Path) -> bytes:
    with open(path, "rb") as f:
        return f.read(MAX_LESSON_BYTES + 1)


@lru_cache(maxsize=1)
def _load() -> tuple[dict[str, Lesson], tuple[str, ...]]:
    found, errors = [], []
    for path in sorted(FOLDER.glob("*.toml")):
        lesson, why = parse_lesson(path.stem, _read_capped(path))
        if lesson is None:
            errors.append(f"{path.name}: {why}")
        else:
            found.append(lesson)
    found.sort(key=lambda L: (L.number, L.name))
    return {L.name: L for L in found}, tuple(errors)


def library() -> dict[str, Lesson]:
    """The built-in lessons by name, in library order."""
    return _load()[0]


def library_errors() -> tuple[str, ...]:
    return _load()[1]


def read_lesson(file_name: Any, data: Any) -> tuple[Lesson | None, str]:
    """A teacher's lesson file → (Lesson, "") or (None, why it was refused). Never raises. Its
    name comes from the file name (lowercased, other characters turned into dashes)."""
    if not isinstance(data, (bytes, bytearray)):
        return None, "the upload is not a file"
    if len(data) > MAX_LESSON_BYTES:
        return None, f"the file is larger than {MAX_LESSON_BYTES:,} bytes"
    stem = Path(str(file_name or "lesson")).stem.lower()
    name = re.sub(r"[^a-z0-9-]+", "-", stem).strip("-")[:40] or "lesson"
    if not NAME.match(name):
        name = "lesson"
    return parse_lesson(name, bytes(data))
