"""The one frozen `Config`: every setting of a run, and the share-link codec.

Each field is declared once in `settings.SETTINGS` (its parser, bounds, what a change does,
widget label and help); this module holds the values themselves and turns them into a link
and back. A share link is a query string `key=value&...` holding only the keys that differ
from the defaults. `parse_query` never raises: unknown keys are ignored, malformed or
out-of-range values fall back to the default and are named in the returned notices. It also
takes a TensorFlow Playground link (its `#hash`, mapped by `links.from_tfp`).

Anything a notice or error message repeats from a user passes through `safe_echo` first.
`check_value` checks one typed widget value with the same parsers and bounds as the link.
"""
from __future__ import annotations

import dataclasses
import math
import numbers
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from .links import TFP_HIDE_SUFFIX, TFP_ONLY_KEYS, from_tfp, looks_like_link, pairs_of  # noqa: F401
from .settings import (  # noqa: F401  (the names and bounds are part of this module's interface)
    ACTIVATION_NAMES, CLASSIFICATION_COSTS, COST_NAMES, DATASET_NAMES, FEATURE_NAMES, HIDEABLE,
    INIT_NAMES, LR_BOUNDS, MAX_EPOCHS, MAX_LAYERS, MAX_NEURONS, MAX_POINTS, MAX_SEED,
    MAX_VALUE_CHARS, MIN_POINTS, MULTICLASS_DATASETS, OPTIMIZER_NAMES, PARSERS, REG_NAMES,
    REGRESSION_COSTS, REGRESSION_DATASETS, SCHEDULE_NAMES, SETTINGS, TAB_NAMES, _choice, _fmt,
    _items)

@dataclass(frozen=True)
class Config:
    """Every user-visible setting. Defaults are TensorFlow Playground's."""
    dataset: str = "circle"
    classes: int = 2
    points: int = 500
    noise: int = 0            # percent, 0..50
    label_noise: int = 0      # percent of training labels flipped, 0..50
    train: int = 50           # percent of points used for training, 10..90
    seed: int = 0
    features: tuple[str, ...] = ("x1", "x2")
    layers: tuple[int, ...] = (4, 2)
    activation: tuple[str, ...] = ("tanh",)  # one name for all layers, or one per layer
    residual: bool = False
    cost: str = "squared"
    optimizer: str = "sgd"
    lr: float = 0.03
    schedule: str = "constant"
    batch: int = 10
    reg: str = "none"
    reg_rate: float = 0.0
    patience: int = 0         # early stopping: epochs without a better test loss (0: off)
    init: str = "tfp"
    init_seed: int = 0        # 0: the starting weights come from `seed`; else from (seed, init_seed)
    edits: str = ""           # points added or removed by hand, in link form (core/edits.py)
    branch_at: int = 0        # a branch (core/branch.py): the run trains this many epochs ...
    branch_from: str = ""     # ... with these learning settings ("lr:0.3,optimizer:sgd"), then with its own
    # display
    show_test: bool = False
    discretize: bool = False
    show_wrong: bool = False
    show_flipped: bool = False
    hide: tuple[str, ...] = ()
    tab: str = "play"
    lesson: str = ""          # a lesson's name ("": none); its text is shown above the playground
    lesson_src: str = ""      # a teacher's lesson file in link form (settings.lesson_text)
    lesson_step: int = 0
    lesson_lock: bool = False
    # Depth Lab
    lab_depths: tuple[int, ...] = (0, 1, 2, 4, 8)
    lab_width: int = 8
    lab_seeds: int = 1
    lab_epochs: int = 200

    @property
    def problem(self) -> str:
        return "regression" if self.dataset in REGRESSION_DATASETS else "classification"

    @property
    def n_classes(self) -> int:
        if self.problem == "regression":
            return 0
        return self.classes if self.dataset in MULTICLASS_DATASETS else 2

    def layer_activations(self) -> tuple[str, ...]:
        """One activation per hidden layer (a single name applies to all)."""
        acts = self.activation
        if len(acts) == len(self.layers):
            return acts
        return (acts[0],) * len(self.layers)

    def replace(self, **changes: Any) -> "Config":
        return dataclasses.replace(self, **changes)


DEFAULT = Config()


assert list(SETTINGS) == [f.name for f in dataclasses.fields(Config)], "one settings row per Config field, in order"


# ---------------------------------------------------------------- consistency
def split_count(n: int, train_frac: float) -> int:
    """How many of n points train: round(n · train_frac), at least 1 on each side."""
    return min(max(int(round(n * train_frac)), 1), n - 1)


def train_points(cfg: Config) -> int:
    """How many generated points train (the data generator splits by `split_count` too)."""
    return split_count(cfg.points, cfg.train / 100.0)


def validate(cfg: Config) -> tuple[Config, list[str]]:
    """Fix combinations that are individually valid but not together; name each fix."""
    notes: list[str] = []
    fix: dict[str, Any] = {}
    allowed = REGRESSION_COSTS if cfg.problem == "regression" else CLASSIFICATION_COSTS
    if cfg.cost not in allowed:
        notes.append(f"cost: '{cfg.cost}' does not fit a {cfg.problem} problem; using 'squared'")
        fix["cost"] = "squared"
    if len(cfg.activation) not in (1, len(cfg.layers)):
        notes.append(f"activation: {len(cfg.activation)} names for {len(cfg.layers)} layers; "
                     f"using '{cfg.activation[0]}' for all")
        fix["activation"] = cfg.activation[:1]
    elif len(cfg.activation) > 1 and len(set(cfg.activation)) == 1:
        fix["activation"] = cfg.activation[:1]  # canonical form, not a problem
    if cfg.batch > train_points(cfg):  # a batch is at most every training point
        fix["batch"] = train_points(cfg)
    return (cfg.replace(**fix) if fix else cfg), notes


# ---------------------------------------------------------------- query codec
def to_query(cfg: Config) -> str:
    """Only the keys that differ from the defaults, in field order."""
    parts = []
    for f in dataclasses.fields(Config):
        v = getattr(cfg, f.name)
        if v != getattr(DEFAULT, f.name):
            parts.append(f"{f.name}={quote(_fmt(v), safe=',.-_:')}")
    return "&".join(parts)


def to_params(cfg: Config) -> dict[str, str]:
    """The same as `to_query`, as a dict (for `st.query_params`)."""
    return {f.name: _fmt(getattr(cfg, f.name)) for f in dataclasses.fields(Config)
            if getattr(cfg, f.name) != getattr(DEFAULT, f.name)}


def _text(v: Any) -> str:
    try:
        return v if isinstance(v, str) else str(v)
    except Exception:  # e.g. str() of an int of more than 4,300 digits
        return "?"


def parse_query(text: str | bytes | dict | None) -> tuple[Config, list[str]]:
    """Query string, full URL, TFP link or dict -> (Config, notices). Never raises: whatever
    it is given, the worst outcome is the defaults and a notice."""
    try:
        return _parse_query(text)
    except Exception:  # a last line of defence; every known case is handled below
        return DEFAULT, ["link: could not be read; using defaults"]


def _parse_query(text) -> tuple[Config, list[str]]:
    if isinstance(text, (bytes, bytearray, memoryview)):
        text = bytes(text).decode("utf-8", "replace")
    try:
        if isinstance(text, dict):
            pairs = [(_text(k), _text(v)) for k, v in text.items()]
            keys = {k for k, _ in pairs}
            tfp = bool(keys & TFP_ONLY_KEYS or any(k.endswith(TFP_HIDE_SUFFIX) for k in keys))
        else:
            pairs, tfp = pairs_of(_text(text) if text is not None else "")
    except ValueError as e:  # e.g. too many fields, a broken address
        return DEFAULT, [f"link: could not be read ({safe_echo(e, 60)}); using defaults"]
    if tfp:
        pairs = from_tfp(pairs)
    notes: list[str] = []
    values: dict[str, Any] = {}
    seen: set[str] = set()
    for key, raw in pairs:
        if key not in PARSERS:
            continue
        if key in seen:
            notes.append(f"{key}: given more than once; using the first")
            continue
        seen.add(key)
        cap = SETTINGS[key].max_chars
        if len(raw) > cap:
            notes.append(f"{key}: a value of {len(raw):,} characters is too long "
                         f"(at most {cap:,}); using the default")
            continue
        if key == "hide":  # keep the names that are right, name the others
            values[key], bad = _hide(raw)
            if bad:
                notes.append(f"hide: '{safe_echo(','.join(bad))}' — not a control that can be hidden "
                             f"(one of {', '.join(HIDEABLE)}); keeping the others")
            continue
        try:
            values[key] = PARSERS[key](raw)
        except (ValueError, OverflowError) as e:
            notes.append(f"{key}: '{safe_echo(raw)}' {e}; using the default")
    cfg, more = validate(Config(**values))
    return cfg, notes + more


def _hide(raw: str) -> tuple[tuple[str, ...], list[str]]:
    """hide= leniently: the valid names (each once, in order) and the parts that are not."""
    names: list[str] = []
    bad: list[str] = []
    for part in _items(raw):
        try:
            name = _HIDE_NAME(part)
        except ValueError:
            bad.append(part.strip())
            continue
        if name not in names:
            names.append(name)
    return tuple(names), bad


_HIDE_NAME = _choice(HIDEABLE)
_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,+-= ")


def safe_echo(raw: Any, limit: int = 40) -> str:
    """A short echo of user text that markdown and HTML cannot act on: every character but
    ASCII letters, digits, space and . , + - = becomes '?' (so no [ ] ( ) < > * _ ` ! # | ~ \\
    quotes, $, &, : or /), and 'www.' loses its dot, so nothing can turn into a link, an
    emphasis, an emoji or a tag. Texts over `limit` characters end in '...'. Never raises.
    Every message that repeats user text (notices, ModelError, DataError) goes through it."""
    text = _text(raw)
    s = "".join(ch if ch in _SAFE else "?" for ch in text[:limit])
    if len(text) > limit:
        s = s[:max(limit - 3, 0)] + "..."
    return _WWW.sub("www?", s)


_WWW = re.compile("www[.]", re.IGNORECASE)


# ---------------------------------------------------------------- pasted text and widget values
_FIELD_TYPES = {f.name: str(f.type) for f in dataclasses.fields(Config)}  # "int", "tuple[str, ...]"


def _as_text(kind: str, value: Any, field: str = "") -> str | None:
    """A widget value of the field's type as link text for its parser; None if mistyped."""
    if kind == "bool":
        return ("1" if value else "0") if isinstance(value, bool) else None
    if kind in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return None
        if isinstance(value, numbers.Integral):
            v = int(value)
            return str(v) if -10**18 < v < 10**18 else None
        f = float(value)
        return repr(f) if math.isfinite(f) else None
    if kind == "str":
        return value if isinstance(value, str) else None
    if kind.startswith("tuple["):
        item = "int" if kind.startswith("tuple[int") else "str"
        if field == "activation" and isinstance(value, str) and "," not in value:
            value = [value]  # one activation for all layers: the single Activation selectbox
        if not isinstance(value, (list, tuple)) or len(value) > MAX_VALUE_CHARS:
            return None
        parts = [_as_text(item, v) for v in value]
        if any(p is None or "," in p or not p.strip() for p in parts):
            return None
        return ",".join(parts)
    return None


def check_value(field: str, value: Any) -> tuple[bool, Any]:
    """Check one typed widget value (str, int, float, bool or list, as Streamlit delivers it)
    against the Config field's type and bounds, with the same parsers as the share link.
    Returns (True, canonical value) or (False, None). Never raises.

    `check_value("optimizer", "adam") == (True, "adam")`,
    `check_value("layers", [4, 2]) == (True, (4, 2))`, `check_value("activation", "relu") ==
    (True, ("relu",))`; `"bogus"`, `10**9` points, a list for a str, a str for a number,
    1 for a bool, NaN: `(False, None)`."""
    try:
        kind = _FIELD_TYPES.get(field) if isinstance(field, str) else None
        if kind is None:
            return False, None
        text = _as_text(kind, value, field)
        if text is None or len(text) > MAX_VALUE_CHARS:
            return False, None
        v = PARSERS[field](text)
        return True, (v + 0.0 if isinstance(v, float) else v)  # -0.0 -> 0.0
    except Exception:
        return False, None
