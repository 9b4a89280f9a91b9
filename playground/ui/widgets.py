"""Settings ↔ widgets: what every widget shows for a config (`to_widgets`), a config with the
widgets' changes applied (`apply_widgets`), whether a value the browser sent is one its
widget can hold (`check`, `clamped`), and the choices of the widgets and page preferences.
Pure: no Streamlit, no session state; ui/session.py's `sync` uses it on every run.
"""
from __future__ import annotations

from typing import Any

from ..core.config import (ACTIVATION_NAMES, CLASSIFICATION_COSTS, FEATURE_NAMES, MAX_LAYERS,
                           MAX_NEURONS, REGRESSION_COSTS, Config, check_value, validate)
from ..core.settings import SETTINGS, bounds, keys_that, label

LR_CHOICES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REG_RATE_CHOICES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
TAB_LABELS = {"play": "Playground", "lab": "Depth Lab", "lessons": "Lessons"}
MIXED = "per layer"
DISPLAY_KEYS = keys_that("display")
# Settings whose widget is drawn by a function of its own (a list of names, a row of layers, the
# Depth Lab's panel, the classroom link's multiselect).
COMPOSITE = ("features", "layers", "activation", "hide")
# config field -> widget key, for widgets that show the field's value as is
SIMPLE = {name: f"w_{name}" for name, s in SETTINGS.items()
          if s.label and name not in COMPOSITE and not name.startswith("lab_")}


def to_widgets(cfg: Config) -> dict[str, Any]:
    """The value every widget shows for this config."""
    out = {key: getattr(cfg, name) for name, key in SIMPLE.items()}
    out["w_problem"] = cfg.problem
    out["w_features"] = list(cfg.features)
    out["w_depth"] = len(cfg.layers)
    acts = cfg.layer_activations()
    out["w_activation"] = cfg.activation[0] if len(set(cfg.activation)) == 1 else MIXED
    for i, n in enumerate(cfg.layers):
        out[f"w_width_{i}"] = n
        out[f"w_act_{i}"] = acts[i]
    out["w_tab"] = TAB_LABELS[cfg.tab]
    return out


def apply_widgets(cfg: Config, changed: dict[str, Any]) -> Config:
    """cfg with the changed widget values applied (keys as in `to_widgets`)."""
    ch: dict[str, Any] = {}
    for name, key in SIMPLE.items():
        if key in changed and changed[key] is not None:
            ch[name] = changed[key]
    problem = changed.get("w_problem")
    if problem and problem != cfg.problem and "dataset" not in ch:
        ch["dataset"] = "reg-plane" if problem == "regression" else "circle"
    if "w_features" in changed and changed["w_features"]:
        ch["features"] = tuple(f for f in FEATURE_NAMES if f in changed["w_features"])
    layers, acts = list(cfg.layers), list(cfg.layer_activations())
    for i in range(len(layers)):
        v = changed.get(f"w_width_{i}")
        if v is not None:
            layers[i] = int(min(MAX_NEURONS, max(1, v)))
        a = changed.get(f"w_act_{i}")
        if a in ACTIVATION_NAMES:
            acts[i] = a
    depth = changed.get("w_depth")
    if depth is not None and depth != len(layers):
        depth = int(min(MAX_LAYERS, max(0, depth)))
        grow = depth - len(layers)
        layers = layers[:depth] + [layers[-1] if layers else 4] * max(0, grow)
        acts = acts[:depth] + [acts[-1] if acts else cfg.activation[0]] * max(0, grow)
    ch["layers"] = tuple(layers)
    ch["activation"] = tuple(acts) if len(set(acts)) > 1 else (acts[0] if acts else cfg.activation[0],)
    if changed.get("w_activation") in ACTIVATION_NAMES:
        ch["activation"] = (changed["w_activation"],)
    if changed.get("w_tab") in TAB_LABELS.values():
        ch["tab"] = next(k for k, v in TAB_LABELS.items() if v == changed["w_tab"])
    new = cfg.replace(**ch)
    if new.dataset != cfg.dataset and new.problem != cfg.problem:
        allowed = REGRESSION_COSTS if new.problem == "regression" else CLASSIFICATION_COSTS
        if new.cost not in allowed:
            new = new.replace(cost="squared")
    return validate(new)[0]


# Page preferences that are not part of a run's settings (not in the link).
PREFS = {"pg_speed": "fast", "pg_view": "small", "pg_inside": "off", "pg_loss": "linear",
         "pg_tool": "off", "pg_tool_class": "1", "pg_tool_target": "1", "pg_tool_set": "train"}


def check(base: str, value: Any) -> bool:
    """Whether a value the browser sent for widget `base` is one the widget can hold (a crafted
    websocket message can send anything)."""
    if base in PREFS:
        return value in PREF_CHOICES[base]
    if base.startswith("w_act_"):
        return value in ACTIVATION_NAMES
    if base.startswith("w_width_"):
        return whole(value, 1, MAX_NEURONS)
    if base == "w_depth":
        return whole(value, 0, MAX_LAYERS)
    if base == "w_problem":
        return value in ("classification", "regression")
    if base == "w_activation":
        return value in ACTIVATION_NAMES or value == MIXED
    if base == "w_features":
        return isinstance(value, list) and all(f in FEATURE_NAMES for f in value)
    if base == "w_tab":
        return value in TAB_LABELS.values()
    return check_value(base[2:], value)[0]


# Number boxes have no bounds in the browser (it would keep an out-of-range entry on screen
# and never send it): the page clamps what is typed to these and says so.
NUMBER_BOUNDS = {"w_batch": (label("batch"), *bounds("batch")),
                 "w_seed": (label("seed"), *bounds("seed")),
                 "w_depth": (label("layers"), 0, MAX_LAYERS),
                 "w_patience": (label("patience"), *bounds("patience"))}


def clamped(base: str, v: Any) -> tuple[Any, str | None]:
    """A typed number brought into its box's bounds, and what to tell the user (None: it was
    in bounds, or is not a number this checks)."""
    if base.startswith("w_width_"):
        what, lo, hi = f"Layer {int(base[8:]) + 1}", 1, MAX_NEURONS
    elif base in NUMBER_BOUNDS:
        what, lo, hi = NUMBER_BOUNDS[base]
    else:
        return v, None
    if not isinstance(v, (int, float)) or isinstance(v, bool) or v != v or lo <= v <= hi:
        return v, None
    return (type(v)(min(max(v, lo), hi)),
            f"{what}: {v:g} is out of range ({lo:,} to {hi:,}); using {min(max(v, lo), hi):,}.")


def whole(v: Any, lo: int, hi: int) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v and lo <= v <= hi \
        and float(v).is_integer()


SPEEDS = {"slow": 30, "TFP": 60, "fast": 400, "max": 3000}   # epochs per second while playing
VIEW_HEIGHTS = {"small": 400, "medium": 520, "large": 640}   # pixels of the live view
# See inside's views (ui/inside.py draws them): name -> the chooser's label
INSIDE_VIEWS = {"off": "Off", "step": "Backpropagation, step by step", "layers": "What each layer sees",
                "surface": "Loss surface", "weights": "All weights", "scores": "How right is it?"}
LOSS_AXES = ("linear", "log", "recent")                             # the loss chart's y axis
TOOLS = {"off": "Off", "add": "Add points", "erase": "Erase"}       # the point tools (ui/points.py)
TOOL_TARGETS = ("-1", "-0.5", "0", "0.5", "1")                       # the values a click adds (regression)
PREF_CHOICES = {"pg_speed": tuple(SPEEDS), "pg_view": tuple(VIEW_HEIGHTS), "pg_inside": tuple(INSIDE_VIEWS),
                "pg_loss": LOSS_AXES, "pg_tool": tuple(TOOLS), "pg_tool_class": tuple("01234"),
                "pg_tool_target": TOOL_TARGETS, "pg_tool_set": ("train", "test")}
