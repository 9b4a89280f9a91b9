"""The one frozen `Config`: every setting of a run, its bounds, and the share-link codec.

A share link is a query string `key=value&...` holding only the keys that differ from the
defaults. `parse_query` never raises: unknown keys are ignored, malformed or out-of-range
values fall back to the default and are named in the returned list of notices. It also takes
a TensorFlow Playground link (its `#hash`) and maps it to the same run.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import parse_qsl, quote, urlsplit

# Names the engine and data registries must provide; checked against them in tests.
DATASET_NAMES = ("circle", "xor", "gauss", "spiral", "moons", "blobs", "checkerboard",
                 "reg-plane", "reg-gauss")
REGRESSION_DATASETS = ("reg-plane", "reg-gauss")
MULTICLASS_DATASETS = ("spiral", "blobs")  # accept classes 2..5
FEATURE_NAMES = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")
ACTIVATION_NAMES = ("tanh", "relu", "leaky_relu", "sigmoid", "linear", "elu", "gelu", "sine")
CLASSIFICATION_COSTS = ("squared", "cross_entropy", "hinge")
REGRESSION_COSTS = ("squared", "mse", "mae", "huber")
COST_NAMES = ("squared", "cross_entropy", "hinge", "mse", "mae", "huber")
OPTIMIZER_NAMES = ("sgd", "momentum", "nesterov", "rmsprop", "adam")
SCHEDULE_NAMES = ("constant", "decay")
REG_NAMES = ("none", "l1", "l2")
INIT_NAMES = ("tfp", "zeros", "xavier", "he")
TAB_NAMES = ("play", "lab")
HIDEABLE = ("data", "features", "network", "learning", "lr", "activation", "cost",
            "optimizer", "batch", "reg", "init", "noise", "share", "files", "lab")

MAX_LAYERS = 8
MAX_NEURONS = 32
MIN_POINTS, MAX_POINTS = 50, 2000
MAX_SEED = 2**31 - 1
MAX_EPOCHS = 100_000
MAX_VALUE_CHARS = 200  # longer raw values are rejected before parsing
LR_BOUNDS = (1e-5, 10.0)


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
    init: str = "tfp"
    # display
    show_test: bool = False
    discretize: bool = False
    hide: tuple[str, ...] = ()
    tab: str = "play"
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


# ---------------------------------------------------------------- value codecs
def _number(s: str) -> float:
    try:
        return float(s)
    except ValueError:
        raise ValueError("is not a number") from None


def _int(lo: int, hi: int) -> Callable[[str], int]:
    def parse(s: str) -> int:
        v = _number(s)
        if not math.isfinite(v) or v != int(v) or not lo <= v <= hi:
            raise ValueError(f"must be a whole number from {lo} to {hi}")
        return int(v)
    return parse


def _float(lo: float, hi: float) -> Callable[[str], float]:
    def parse(s: str) -> float:
        v = _number(s)
        if not math.isfinite(v) or not lo <= v <= hi:
            raise ValueError(f"must be a number from {lo:g} to {hi:g}")
        return v
    return parse


def _choice(names: tuple[str, ...]) -> Callable[[str], str]:
    def parse(s: str) -> str:
        s = s.strip().lower()
        if s not in names:
            s = s.replace("-", "_")
        if s not in names:
            raise ValueError(f"must be one of {', '.join(names)}")
        return s
    return parse


def _bool(s: str) -> bool:
    t = s.strip().lower()
    if t in ("1", "true", "yes", "on"):
        return True
    if t in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be true or false")


def _list(item: Callable[[str], Any], lo: int, hi: int, unique: bool = False) -> Callable[[str], tuple]:
    def parse(s: str) -> tuple:
        parts = [p for p in s.split(",") if p.strip() != ""] if s.strip() else []
        if not lo <= len(parts) <= hi:
            raise ValueError(f"must list {lo} to {hi} items")
        out = tuple(item(p) for p in parts)
        if unique and len(set(out)) != len(out):
            raise ValueError("must not repeat an item")
        return out
    return parse


def _fmt(v: Any) -> str:
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, tuple):
        return ",".join(_fmt(x) for x in v)
    if isinstance(v, float):
        return repr(v)
    return str(v)


PARSERS: dict[str, Callable[[str], Any]] = {
    "dataset": _choice(DATASET_NAMES),
    "classes": _int(2, 5),
    "points": _int(MIN_POINTS, MAX_POINTS),
    "noise": _int(0, 50),
    "label_noise": _int(0, 50),
    "train": _int(10, 90),
    "seed": _int(0, MAX_SEED),
    "features": _list(_choice(FEATURE_NAMES), 1, len(FEATURE_NAMES), unique=True),
    "layers": _list(_int(1, MAX_NEURONS), 0, MAX_LAYERS),
    "activation": _list(_choice(ACTIVATION_NAMES), 1, MAX_LAYERS),
    "residual": _bool,
    "cost": _choice(COST_NAMES),
    "optimizer": _choice(OPTIMIZER_NAMES),
    "lr": _float(*LR_BOUNDS),
    "schedule": _choice(SCHEDULE_NAMES),
    "batch": _int(1, MAX_POINTS),
    "reg": _choice(REG_NAMES),
    "reg_rate": _float(0.0, 10.0),
    "init": _choice(INIT_NAMES),
    "show_test": _bool,
    "discretize": _bool,
    "hide": _list(_choice(HIDEABLE), 0, len(HIDEABLE), unique=True),
    "tab": _choice(TAB_NAMES),
    "lab_depths": _list(_int(0, 32), 1, 8, unique=True),
    "lab_width": _int(1, MAX_NEURONS),
    "lab_seeds": _int(1, 10),
    "lab_epochs": _int(1, 5000),
}
assert set(PARSERS) == {f.name for f in dataclasses.fields(Config)}


# ---------------------------------------------------------------- consistency
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
    if cfg.batch > cfg.points:
        fix["batch"] = cfg.points
    return (cfg.replace(**fix) if fix else cfg), notes


# ---------------------------------------------------------------- query codec
def to_query(cfg: Config) -> str:
    """Only the keys that differ from the defaults, in field order."""
    parts = []
    for f in dataclasses.fields(Config):
        v = getattr(cfg, f.name)
        if v != getattr(DEFAULT, f.name):
            parts.append(f"{f.name}={quote(_fmt(v), safe=',.-_')}")
    return "&".join(parts)


def to_params(cfg: Config) -> dict[str, str]:
    """The same as `to_query`, as a dict (for `st.query_params`)."""
    return {f.name: _fmt(getattr(cfg, f.name)) for f in dataclasses.fields(Config)
            if getattr(cfg, f.name) != getattr(DEFAULT, f.name)}


def _pairs(text: str) -> tuple[list[tuple[str, str]], bool]:
    """Split a query string or URL into key/value pairs; say whether it is a TFP link."""
    text = (text or "").strip()
    tfp = "playground.tensorflow.org" in text
    if "://" in text:
        u = urlsplit(text)
        text = u.fragment or u.query
    text = text.lstrip("?#")
    pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=200) if text else []
    keys = {k for k, _ in pairs}
    if not tfp and keys & TFP_ONLY_KEYS:
        tfp = True
    return pairs, tfp


def parse_query(text: str | dict | None) -> tuple[Config, list[str]]:
    """Query string, full URL, TFP link or dict -> (Config, notices). Never raises."""
    try:
        if isinstance(text, dict):
            pairs, tfp = [(str(k), str(v)) for k, v in text.items()], False
            tfp = bool(set(text) & TFP_ONLY_KEYS)
        else:
            pairs, tfp = _pairs(str(text) if text is not None else "")
    except ValueError as e:  # e.g. too many fields
        return DEFAULT, [f"link: could not be read ({e}); using defaults"]
    if tfp:
        pairs, notes = from_tfp(pairs)
    else:
        notes = []
    values: dict[str, Any] = {}
    seen: set[str] = set()
    for key, raw in pairs:
        if key not in PARSERS:
            continue
        if key in seen:
            notes.append(f"{key}: given more than once; using the first")
            continue
        seen.add(key)
        if len(raw) > MAX_VALUE_CHARS:
            notes.append(f"{key}: value too long; using the default")
            continue
        try:
            values[key] = PARSERS[key](raw)
        except (ValueError, OverflowError) as e:
            notes.append(f"{key}: '{_show(raw)}' {e}; using the default")
    cfg, more = validate(Config(**values))
    return cfg, notes + more


_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,+-=:; ")


def _show(raw: str) -> str:
    """A short echo of a bad value with anything that markdown or HTML could act on
    (<, >, [, ], (, ), *, _, `, !, quotes...) replaced by '?', so notices are safe to show."""
    s = "".join(ch if ch in _SAFE else "?" for ch in raw[:40])
    return s if len(raw) <= 40 else s[:37] + "..."


# ---------------------------------------------------------------- TensorFlow Playground links
TFP_ONLY_KEYS = {"networkShape", "learningRate", "batchSize", "percTrainData", "regDataset",
                 "regularizationRate", "xTimesY", "xSquared", "ySquared", "sinX", "sinY",
                 "showTestData", "initZero", "collectStats"}
_TFP_FEATURES = {"x": "x1", "y": "x2", "xSquared": "x1sq", "ySquared": "x2sq",
                 "xTimesY": "x1x2", "sinX": "sinx1", "sinY": "sinx2"}
_TFP_DIRECT = {"activation": "activation", "batchSize": "batch", "learningRate": "lr",
               "regularizationRate": "reg_rate", "noise": "noise", "percTrainData": "train",
               "showTestData": "show_test", "discretize": "discretize"}


def from_tfp(pairs: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], list[str]]:
    """Map TensorFlow Playground hash keys to ours (dead keys like cosX are ignored)."""
    d = dict(pairs)
    out: list[tuple[str, str]] = []
    notes: list[str] = []
    for theirs, ours in _TFP_DIRECT.items():
        if theirs in d:
            out.append((ours, d[theirs]))
    problem = d.get("problem", "classification")
    ds = d.get("regDataset") if problem == "regression" else d.get("dataset")
    if ds is not None:
        out.append(("dataset", ds))
    if "networkShape" in d:
        out.append(("layers", d["networkShape"]))
    if "regularization" in d:
        out.append(("reg", d["regularization"]))
    if d.get("initZero") == "true":
        out.append(("init", "zeros"))
    feats = [ours for theirs, ours in _TFP_FEATURES.items() if d.get(theirs) == "true"]
    if any(k in d for k in _TFP_FEATURES):
        out.append(("features", ",".join(feats)))
    if "seed" in d:
        try:
            s = float(d["seed"])
            out.append(("seed", str(int(abs(s) * 1e6) % (MAX_SEED + 1)) if math.isfinite(s) else d["seed"]))
        except ValueError:
            out.append(("seed", d["seed"]))
    return out, notes
