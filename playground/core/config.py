"""The one frozen `Config`: every setting of a run, its bounds, and the share-link codec.

A share link is a query string `key=value&...` holding only the keys that differ from the
defaults. `parse_query` never raises: unknown keys are ignored, malformed or out-of-range
values fall back to the default and are named in the returned list of notices. It also takes
a TensorFlow Playground link (its `#hash`) and maps it to the same run.

Anything a notice or error message repeats from a user passes through `safe_echo` first.
`check_value` checks one typed widget value with the same parsers and bounds as the link, and
`looks_like_link` tells a pasted link from other text.
"""
from __future__ import annotations

import dataclasses
import math
import numbers
import re
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import parse_qsl, quote, unquote_plus, urlsplit

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
    init_seed: int = 0        # 0: the starting weights come from `seed`; else from (seed, init_seed)
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
# Each parser raises ValueError with a phrase that reads after the quoted value in a notice:
# "points: '99,99' is not a whole number from 50 to 2000", "layers: '99' — each layer ...".
def _number(s: str) -> float:
    try:
        return float(s)
    except (ValueError, OverflowError):
        raise ValueError("is not a number") from None


def _int(lo: int, hi: int) -> Callable[[str], int]:
    def parse(s: str) -> int:
        try:
            v = _number(s)
        except ValueError:
            v = math.nan
        if not math.isfinite(v) or v != int(v) or not lo <= v <= hi:
            raise ValueError(f"is not a whole number from {lo} to {hi}")
        return int(v)
    return parse


def _float(lo: float, hi: float) -> Callable[[str], float]:
    def parse(s: str) -> float:
        try:
            v = _number(s)
        except ValueError:
            v = math.nan
        if not math.isfinite(v) or not lo <= v <= hi:
            raise ValueError(f"is not a number from {_plain(lo)} to {_plain(hi)}")
        return v
    return parse


def _plain(x: float) -> str:
    """0.00001, not 1e-05."""
    return f"{x:f}".rstrip("0").rstrip(".")


def _choice(names: tuple[str, ...]) -> Callable[[str], str]:
    def parse(s: str) -> str:
        s = s.strip().lower()
        if s not in names:
            s = s.replace("-", "_")
        if s not in names:
            raise ValueError(f"is not one of {', '.join(names)}")
        return s
    return parse


def _bool(s: str) -> bool:
    t = s.strip().lower()
    if t in ("1", "true", "yes", "on"):
        return True
    if t in ("0", "false", "no", "off"):
        return False
    raise ValueError("is not 1 or 0 (true or false)")


def _items(s: str) -> list[str]:
    return [p for p in s.split(",") if p.strip() != ""] if s.strip() else []


def _list(item: Callable[[str], Any], lo: int, hi: int, unique: bool = False, *, each: str,
          count: str, repeat: str = "") -> Callable[[str], tuple]:
    """A comma list; `each`, `count` and `repeat` say what is wrong in the user's terms."""
    def parse(s: str) -> tuple:
        parts = _items(s)
        if not lo <= len(parts) <= hi:
            raise ValueError(f"— {count}")
        try:
            out = tuple(item(p) for p in parts)
        except ValueError:
            raise ValueError(f"— {each}") from None
        if unique and len(set(out)) != len(out):
            raise ValueError(f"— {repeat}")
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
    "features": _list(_choice(FEATURE_NAMES), 1, len(FEATURE_NAMES), unique=True,
                      each=f"each input must be one of {', '.join(FEATURE_NAMES)}",
                      count=f"choose 1 to {len(FEATURE_NAMES)} inputs", repeat="an input is listed twice"),
    "layers": _list(_int(1, MAX_NEURONS), 0, MAX_LAYERS, each=f"each layer needs 1 to {MAX_NEURONS} neurons",
                    count=f"at most {MAX_LAYERS} hidden layers"),
    "activation": _list(_choice(ACTIVATION_NAMES), 1, MAX_LAYERS,
                        each=f"each activation must be one of {', '.join(ACTIVATION_NAMES)}",
                        count=f"one activation for all layers or one per layer (at most {MAX_LAYERS})"),
    "residual": _bool,
    "cost": _choice(COST_NAMES),
    "optimizer": _choice(OPTIMIZER_NAMES),
    "lr": _float(*LR_BOUNDS),
    "schedule": _choice(SCHEDULE_NAMES),
    "batch": _int(1, MAX_POINTS),
    "reg": _choice(REG_NAMES),
    "reg_rate": _float(0.0, 10.0),
    "init": _choice(INIT_NAMES),
    "init_seed": _int(0, MAX_SEED),
    "show_test": _bool,
    "discretize": _bool,
    "hide": _list(_choice(HIDEABLE), 0, len(HIDEABLE), unique=True,
                  each=f"each name must be one of {', '.join(HIDEABLE)}",
                  count=f"at most {len(HIDEABLE)} names", repeat="a name is listed twice"),
    "tab": _choice(TAB_NAMES),
    "lab_depths": _list(_int(0, 32), 1, 8, unique=True, each="each depth must be 0 to 32",
                        count="1 to 8 depths", repeat="a depth is listed twice"),
    "lab_width": _int(1, MAX_NEURONS),
    "lab_seeds": _int(1, 10),
    "lab_epochs": _int(1, 5000),
}
assert set(PARSERS) == {f.name for f in dataclasses.fields(Config)}


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
            parts.append(f"{f.name}={quote(_fmt(v), safe=',.-_')}")
    return "&".join(parts)


def to_params(cfg: Config) -> dict[str, str]:
    """The same as `to_query`, as a dict (for `st.query_params`)."""
    return {f.name: _fmt(getattr(cfg, f.name)) for f in dataclasses.fields(Config)
            if getattr(cfg, f.name) != getattr(DEFAULT, f.name)}


def _query_part(text: str) -> str:
    """The query (or hash) of a URL, of `host:port/path?query` without a scheme, or the text."""
    url = _URL.match(text) is not None
    if not url and text[:1] not in ("?", "#"):
        cut = [i for i in (text.find("?"), text.find("#")) if i > 0]
        if cut and "=" not in text[:min(cut)] and "&" not in text[:min(cut)]:
            text, url = "http://" + text, True  # a pasted address without its scheme
    if url:
        u = urlsplit(text)
        text = u.fragment or u.query
    return text.lstrip("?#")


_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def _pairs(text: str) -> tuple[list[tuple[str, str]], bool]:
    """Split a query string or URL into key/value pairs; say whether it is a TFP link."""
    text = (text or "").strip()
    tfp = "playground.tensorflow.org" in text
    text = _query_part(text)
    pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=200) if text else []
    keys = {k for k, _ in pairs}
    if not tfp and (keys & TFP_ONLY_KEYS or any(k.endswith(TFP_HIDE_SUFFIX) for k in keys)):
        tfp = True
    return pairs, tfp


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
            pairs, tfp = _pairs(_text(text) if text is not None else "")
    except ValueError as e:  # e.g. too many fields, a broken address
        return DEFAULT, [f"link: could not be read ({safe_echo(e, 60)}); using defaults"]
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
            notes.append(f"{key}: a value of {len(raw):,} characters is too long "
                         f"(at most {MAX_VALUE_CHARS}); using the default")
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


# ---------------------------------------------------------------- TensorFlow Playground links
# The keys of TFP's state.ts; `<key>_hide=true` hides that control in TFP.
TFP_KEYS = frozenset({"activation", "regularization", "batchSize", "dataset", "regDataset",
                      "learningRate", "regularizationRate", "noise", "networkShape", "seed",
                      "showTestData", "discretize", "percTrainData", "x", "y", "xTimesY", "xSquared",
                      "ySquared", "cosX", "sinX", "cosY", "sinY", "collectStats", "tutorial",
                      "problem", "initZero", "hideText"})
TFP_ONLY_KEYS = TFP_KEYS - set(PARSERS)
TFP_HIDE_SUFFIX = "_hide"
_TFP_FEATURES = {"x": "x1", "y": "x2", "xSquared": "x1sq", "ySquared": "x2sq",
                 "xTimesY": "x1x2", "sinX": "sinx1", "sinY": "sinx2"}
_TFP_DIRECT = {"activation": "activation", "batchSize": "batch", "learningRate": "lr",
               "regularizationRate": "reg_rate", "noise": "noise", "percTrainData": "train",
               "showTestData": "show_test", "discretize": "discretize"}
# TFP's hideable controls (playground.ts HIDABLE_CONTROLS) -> our `hide=` names. TFP's play,
# step and reset buttons and its display toggles have no hideable counterpart here.
TFP_HIDE = {"learningRate": "lr", "activation": "activation", "regularization": "reg",
            "regularizationRate": "reg", "problem": "data", "dataset": "data", "regDataset": "data",
            "percTrainData": "data", "noise": "noise", "batchSize": "batch",
            "numHiddenLayers": "network", "networkShape": "network"}


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
        out.append(("seed", _tfp_seed(d["seed"])))
    hidden = {TFP_HIDE.get(k[:-len(TFP_HIDE_SUFFIX)]) for k, v in d.items()
              if k.endswith(TFP_HIDE_SUFFIX) and v == "true"}
    if hidden - {None}:
        out.append(("hide", ",".join(n for n in HIDEABLE if n in hidden)))
    return out, notes


def _tfp_seed(raw: str) -> str:
    """TFP's seed is any text (normally `Math.random().toFixed(5)`): a number maps to
    |seed|·10⁶ mod 2³¹; anything else (text, or a number too large) is passed on as is, so
    the seed parser names it."""
    try:
        v = abs(float(raw)) * 1e6
    except (ValueError, OverflowError):
        return raw
    return str(int(v) % (MAX_SEED + 1)) if math.isfinite(v) else raw


# ---------------------------------------------------------------- pasted text and widget values
_LINK_KEYS = frozenset(PARSERS) | TFP_KEYS


def looks_like_link(text: str) -> bool:
    """True for an http(s) URL, a query string or hash with at least one key of ours or of
    TensorFlow Playground's (`lr=0.1`, `?dataset=xor`, `#activation=relu&...`,
    `localhost:8501/?layers=4`); False for other text, so a page can refuse it instead of
    resetting every setting. Never raises."""
    try:
        if not isinstance(text, str):
            return False
        t = text.strip()
        if not t or any(ch.isspace() for ch in t):
            return False
        if _URL.match(t):
            u = urlsplit(t)
            return u.scheme.lower() in ("http", "https") and bool(u.netloc)
        for part in _query_part(t).split("&"):
            if "=" in part:
                key = unquote_plus(part.split("=", 1)[0]).strip()
                base = key[:-len(TFP_HIDE_SUFFIX)] if key.endswith(TFP_HIDE_SUFFIX) else None
                if key in _LINK_KEYS or base in TFP_HIDE or base in TFP_KEYS:
                    return True
        return False
    except Exception:
        return False


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
