"""Opening a link, a model file or a data file: each replaces the page's settings and run, or
says why not and changes nothing (a bad file leaves the run as it was). The uploaders'
callbacks, the pasted link, the run log's reopen and the live view's link hash call these.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from ..core.config import CLASSIFICATION_COSTS, REGRESSION_COSTS, Config, parse_query, safe_echo
from ..core.datasets import DataError
from ..core.train import Trainer
from ..core.rundata import USER_SCALE, user_dataset
from ..io.data_csv import read_csv
from ..io.model_file import ModelError, load_model
from . import session as S
from .widgets import DISPLAY_KEYS


def keep_display(new: Config, current: Config) -> Config:
    return new.replace(**{k: getattr(current, k) for k in DISPLAY_KEYS})


def open_link(text: str) -> list[str]:
    """Apply a pasted link (ours or TensorFlow Playground's); return its notices. A lesson link
    opens the lesson as the address bar would (`LessonState.from_link`)."""
    cfg, notes = parse_query(text)
    query = str(text).split("?", 1)[1] if "?" in str(text) else str(text)
    keys = {k for k, _ in parse_qsl(query.split("#", 1)[0], keep_blank_values=True)}
    cfg, notes = S.page().lessons.from_link(cfg, keys, notes)
    current = S.page().cfg
    hide = tuple(dict.fromkeys(current.hide + (cfg.hide if cfg.lesson else ())))
    S.set_config(cfg.replace(hide=hide, tab="play" if cfg.lesson else current.tab))
    S.set_playing(False)
    return notes


def model_run(data: bytes, current: Config) -> tuple[Config, Trainer, list[str]]:
    """A model file → (its config, a run continuing from its weights, notices about settings
    of its link that could not be read). Raises ModelError;
    nothing is changed until both succeed."""
    model = load_model(data)
    cfg = keep_display(model.config, current)
    t = S.new_trainer(cfg)
    t.load_model(model)
    return cfg, t, list(model.notes)


def data_run(data: bytes, current: Config) -> tuple[Config, Trainer, Any]:
    """An uploaded data CSV → (config, run on that data, the raw dataset). Raises DataError."""
    raw = read_csv(data, problem=current.problem)  # the problem type chosen on the page
    cfg = current
    allowed = REGRESSION_COSTS if raw.kind == "regression" else CLASSIFICATION_COSTS
    if cfg.cost not in allowed:
        cfg = cfg.replace(cost="squared")
    t = S.new_trainer(cfg, data=user_dataset(raw, cfg))
    return cfg, t, raw


def accept_upload(kind: str, key: str) -> None:
    """Callback of the model / data uploaders."""
    f = S.widget_value(key)
    if f is not None:
        apply_upload(kind, f.name, f.getvalue())


@S.locked
def apply_upload(kind: str, filename: str, data: bytes) -> bool:
    """Load a model or data file into the page, or explain in one sentence why not; a bad
    file changes nothing. The outcome is left in S.page().upload_msg (the file's name is
    user text: only its safe echo is shown)."""
    name = safe_echo(filename, 60)
    try:
        if kind == "model":
            cfg, t, notes = model_run(data, S.page().cfg)
            msg = f"Loaded the model from {name} (epoch {t.epoch})."
            if notes:
                msg += " Settings of the file that could not be read use their defaults: " + \
                    "; ".join(notes) + "."
        else:
            cfg, t, raw = data_run(data, S.page().cfg)
            msg = (f"Training on {name}: {len(raw.y_train)} points ({raw.kind}). Inputs are "
                   f"standardized (mean 0, standard deviation {USER_SCALE:g}) to fill the plane. "
                   "The share link does not contain your data.")
    except (ModelError, DataError) as e:
        S.page().upload_msg = ("error", f"{name}: {e}")
        return False
    S.set_config(cfg)
    S.page().trainer = t
    S.page().forget_time()
    S.page().user_data = name if kind == "data" else None
    S.set_playing(False)
    S.page().sel = None
    S.page().upload_msg = ("success", msg)
    S.page().upload_n = S.page().upload_n + 1  # a fresh, empty uploader
    return True
