"""The settings table declares every setting once, and what is derived from it agrees: the
link parser, the reset rule, the page's widget labels and help, and the README table."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from playground.core import edits as E
from playground.core import settings as T
from playground.core.config import DEFAULT, PARSERS, Config, _fmt, parse_query, to_query
from playground.core.train import change_kind

ROOT = Path(__file__).resolve().parent.parent
FIELDS = [f.name for f in dataclasses.fields(Config)]
NO_WIDGET = {"init_seed", "tab", "lesson", "lesson_src", "lesson_step", "lesson_lock", "edits", "branch_at", "branch_from"}  # Reset draws init_seed; the tab bar shows the tab; the Lessons tab and panel set the lesson


def defaults() -> dict[str, str]:
    return {name: _fmt(getattr(DEFAULT, name)) for name in FIELDS}


def test_one_row_per_config_field_with_every_part():
    assert list(T.SETTINGS) == FIELDS
    for name, s in T.SETTINGS.items():
        assert s.change in T.CHANGES, name
        assert callable(s.parse) and s.parse is PARSERS[name], name
        assert s.help.strip().endswith("."), f"{name}: help must be a sentence"
        assert s.values.strip(), name
        assert s.label.strip() or name in NO_WIDGET, f"{name} has no widget label"


@pytest.mark.parametrize("name", [n for n, s in T.SETTINGS.items() if s.bounds])
def test_number_bounds_are_the_parsers(name):
    lo, hi = T.bounds(name)
    s = T.SETTINGS[name]
    assert s.parse(repr(lo)) == lo and s.parse(repr(hi)) == hi
    step = 1 if isinstance(lo, int) else 1e-9 * max(1.0, abs(hi))
    for outside in (lo - step, hi + step):
        with pytest.raises(ValueError):
            s.parse(repr(outside))


def other_value(name: str):
    """A valid value of the setting that differs from the default."""
    candidates = {"dataset": "xor", "classes": 3, "points": 300, "noise": 10, "label_noise": 5,
                  "train": 70, "seed": 3, "features": ("x1",), "layers": (3,),
                  "activation": ("relu",), "residual": True, "cost": "cross_entropy",
                  "optimizer": "adam", "lr": 0.1, "schedule": "decay", "batch": 5, "reg": "l2",
                  "reg_rate": 0.01, "patience": 30, "init": "he", "init_seed": 9, "show_test": True,
                  "discretize": True, "show_wrong": True, "show_flipped": True, "hide": ("lr",), "tab": "lab", "lesson": "layers",
                  "lesson_src": T.lesson_link_form("title = 1"),
                  "lesson_step": 2, "lesson_lock": True, "lab_depths": (1, 2),
                  "lab_width": 4, "lab_seeds": 2, "lab_epochs": 50,
                  "edits": E.encode(E.Edits(((100, -250, 1, False),), (3, 7))),
                  "branch_at": 40, "branch_from": "lr:0.3"}
    return candidates[name]


@pytest.mark.parametrize("name", FIELDS)
def test_the_reset_rule_follows_the_table(name):
    base = DEFAULT.replace(dataset="spiral") if name == "classes" else DEFAULT
    new = base.replace(**{name: other_value(name)})
    assert getattr(new, name) != getattr(base, name)
    want = {"display": "none"}.get(T.SETTINGS[name].change, T.SETTINGS[name].change)
    assert change_kind(base, new) == want


@pytest.mark.parametrize("name", FIELDS)
def test_every_setting_travels_in_the_link(name):
    cfg = (DEFAULT.replace(dataset="spiral") if name == "classes" else DEFAULT).replace(
        **{name: other_value(name)})
    query = to_query(cfg)
    assert f"{name}=" in query
    assert parse_query(query) == (cfg, [])


def test_the_readme_table_is_the_settings_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = T.readme_table(defaults())
    assert table in readme, ("README's query-key table differs from playground/core/settings.py;"
                             " paste this:\n" + table)
    keys = re.findall(r"^\| `([a-z_]+)` \|", readme, flags=re.M)
    assert [k for k in keys if k in FIELDS] == FIELDS  # and no row for a key that does not exist


def test_page_labels_and_help_come_from_the_table():
    """The page writes each setting's widget with the table's label and help (no copies)."""
    from playground.ui.help import HELP
    for name, s in T.SETTINGS.items():
        if name in HELP:
            assert HELP[name] == s.help, name
    ui = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "playground" / "ui").glob("*.py"))
    for name, s in T.SETTINGS.items():
        if s.label and not name.startswith("lab_"):
            assert f'"{s.label}"' not in ui, f"the page spells the label of {name} itself"
