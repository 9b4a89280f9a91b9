"""The settings table: every setting of a run, declared once.

Each `Config` field has one `Setting` row: how its link value is parsed and bounded, what a
change does to the run (`change`: "data" draws new data and weights, "model" keeps the data
and builds new weights, "live" lets the run go on with the new value, "display" changes only
what is shown), its widget label, its help text (plain words for a beginner), and the
values the README's query-key table lists. Everything else is derived from this table: the
link parser (`config.PARSERS`), the reset rule (`keys_that`, used by `train.change_kind`),
widget labels, bounds and help on the page, and the README table (`readme_table`, checked
by a test). A new setting is one `Config` field and one row here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

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
TAB_NAMES = ("play", "lab", "lessons")
HIDEABLE = ("data", "features", "network", "learning", "lr", "activation", "cost",
            "optimizer", "batch", "reg", "init", "noise", "share", "files", "lab", "inside",
            "residual", "layers", "test", "speed", "view", "lessons", "points")
LESSON_NAME = r"^[a-z0-9][a-z0-9-]{0,39}$"   # a lesson's name (core/lessons.py: its file name)
MAX_LESSON_STEPS = 8

MAX_LAYERS = 8
MAX_NEURONS = 32
MIN_POINTS, MAX_POINTS = 50, 2000
MAX_SEED = 2**31 - 1
MAX_EPOCHS = 100_000
MAX_VALUE_CHARS = 200  # longer raw values are rejected before parsing
LR_BOUNDS = (1e-5, 10.0)


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


MAX_LESSON_BYTES = 16_000      # a lesson file (core/lessons.py); also its link form, unpacked
MAX_LESSON_LINK = 12_000       # characters of `lesson_src`: the file, deflated, base64url


def lesson_text(s: str) -> str:
    """`lesson_src`'s value (a lesson file deflated with zlib, in base64url) → the file's text;
    ValueError if it is not that, or unpacks to more than MAX_LESSON_BYTES (read capped: a
    small value cannot unpack into a large one here)."""
    import base64
    import binascii
    import zlib
    s = s.strip()
    if not s:
        return ""
    if not all(c.isascii() and (c.isalnum() or c in "-_=") for c in s):
        raise ValueError("is not a lesson in link form (base64url)")
    try:
        packed = base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
        d = zlib.decompressobj()
        data = d.decompress(packed, MAX_LESSON_BYTES + 1)
        if len(data) > MAX_LESSON_BYTES or d.unconsumed_tail:
            raise ValueError(f"unpacks to more than {MAX_LESSON_BYTES:,} bytes")
        return data.decode("utf-8")
    except (binascii.Error, zlib.error, UnicodeDecodeError):
        raise ValueError("is not a lesson in link form (deflated, base64url)") from None


def lesson_link_form(text: str) -> str:
    """A lesson file's text → `lesson_src`'s value (the inverse of `lesson_text`)."""
    import base64
    import zlib
    return base64.urlsafe_b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii").rstrip("=")


def _lesson_src(s: str) -> str:
    lesson_text(s)  # raises ValueError when it cannot be read
    return s.strip()


def _edits(s: str) -> str:
    """The point edits' link form, checked (core/edits.decode names the problem); returned
    in canonical form."""
    from .edits import decode, encode
    e, why = decode(s)
    if e is None:
        raise ValueError(why)
    return encode(e)


MAX_BRANCH_EPOCHS = 5000   # a branch's link replays its base run this far, at most
BRANCH_KEYS = ("optimizer", "lr", "schedule", "batch", "reg", "reg_rate", "patience")  # = the "live" settings


def _branch_from(s: str) -> str:
    """`key:value` pairs (comma-separated) of learning settings, each checked by its own
    parser; returned in canonical form (table order)."""
    pairs = {}
    for part in _items(s):
        key, sep, value = part.partition(":")
        key = key.strip()
        if not sep or key not in BRANCH_KEYS or key in pairs:
            raise ValueError("is not a list of learning settings (key:value, each once)")
        try:
            pairs[key] = SETTINGS[key].parse(value)
        except ValueError as e:
            raise ValueError(f"— {key} {e}") from None
    return ",".join(f"{k}:{_fmt(pairs[k])}" for k in BRANCH_KEYS if k in pairs)


def _slug(pattern: str, why: str) -> Callable[[str], str]:
    import re
    rx = re.compile(pattern)

    def parse(s: str) -> str:
        s = s.strip().lower()
        if s and not rx.match(s):
            raise ValueError(why)
        return s
    return parse


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


# ---------------------------------------------------------------- the table
CHANGES = ("data", "model", "points", "live", "display")


@dataclass(frozen=True)
class Setting:
    parse: Callable[[str], Any]   # link text -> value; raises ValueError naming the problem
    change: str                   # one of CHANGES
    label: str                    # the widget's label ("" when no widget shows it)
    help: str                     # the widget's help: short and plain
    values: str                   # what the README's query-key table says it accepts
    bounds: tuple[float, float] | None = None   # (lo, hi) of a number
    max_chars: int = MAX_VALUE_CHARS               # longer link values are refused unread


def _number_setting(kind, lo, hi, change, label, help, values) -> Setting:
    parse = _int(lo, hi) if kind is int else _float(lo, hi)
    return Setting(parse, change, label, help, values, (lo, hi))


_names = lambda names: ", ".join(names)  # noqa: E731
SETTINGS: dict[str, Setting] = {
    "dataset": Setting(_choice(DATASET_NAMES), "data", "Dataset",
                       "The points to learn. Orange and blue are the two classes; in regression "
                       "the colour is the value to predict.", f"`{_names(DATASET_NAMES)}`"),
    "classes": _number_setting(int, 2, 5, "data", "Classes", "How many classes (colours) to generate.",
                               "2–5 (`spiral`, `blobs`)"),
    "points": _number_setting(int, MIN_POINTS, MAX_POINTS, "data", "Points",
                              "How many points to generate in total (training + test).",
                              f"{MIN_POINTS}–{MAX_POINTS}"),
    "noise": _number_setting(int, 0, 50, "data", "Noise",
                             "Blurs the data: points near the boundary may get the other label, or "
                             "move. More noise means no network can be perfect.",
                             "0–50 (%, TensorFlow Playground's meaning per dataset)"),
    "label_noise": _number_setting(int, 0, 50, "data", "Label noise (%)",
                                   "The share of training labels flipped to a wrong class. Test "
                                   "labels stay clean, so you can watch a big network memorize "
                                   "mistakes (overfit).", "0–50 (% of training labels flipped)"),
    "train": _number_setting(int, 10, 90, "data", "Training data %",
                             "The share of points used for training; the rest are held out to "
                             "test how well the network generalizes to points it has never seen.",
                             "10–90 (% of points used for training)"),
    "seed": _number_setting(int, 0, MAX_SEED, "data", "Seed",
                            "The random seed: the same seed gives the same data, the same starting "
                            "weights and the same batch order, so the same run.",
                            f"0–{MAX_SEED}"),
    "features": Setting(_list(_choice(FEATURE_NAMES), 1, len(FEATURE_NAMES), unique=True,
                              each=f"each input must be one of {_names(FEATURE_NAMES)}",
                              count=f"choose 1 to {len(FEATURE_NAMES)} inputs",
                              repeat="an input is listed twice"),
                        "model", "Input features",
                        "What the network sees of each point. x1 and x2 are the coordinates; "
                        "x1², x1·x2, sin x1 … are hand-made features that make some shapes easy "
                        "even without hidden layers.", f"any of `{_names(FEATURE_NAMES)}`"),
    "layers": Setting(_list(_int(1, MAX_NEURONS), 0, MAX_LAYERS,
                            each=f"each layer needs 1 to {MAX_NEURONS} neurons",
                            count=f"at most {MAX_LAYERS} hidden layers"),
                      "model", "Hidden layers",
                      "Hidden layers between inputs and output. Each layer builds new features "
                      "from the previous layer's, so depth lets the network draw more "
                      "complicated boundaries.",
                      f"0–{MAX_LAYERS} hidden layers of 1–{MAX_NEURONS} neurons (`layers=` for none)"),
    "activation": Setting(_list(_choice(ACTIVATION_NAMES), 1, MAX_LAYERS,
                                each=f"each activation must be one of {_names(ACTIVATION_NAMES)}",
                                count=f"one activation for all layers or one per layer (at most {MAX_LAYERS})"),
                          "model", "Activation",
                          "The function each hidden neuron applies to its weighted sum. Without a "
                          "non-linear one (anything but linear) stacking layers adds no power: "
                          "the network can only draw straight boundaries.",
                          f"one for all layers or one per layer: `{_names(ACTIVATION_NAMES)}`"),
    "residual": Setting(_bool, "model", "Residual",
                        "A residual layer adds its input to its output (where the widths match). "
                        "The shortcut lets the gradient reach early layers, so deep networks "
                        "still train.",
                        "`1`: a layer whose input width equals its width adds its input to its output"),
    "cost": Setting(_choice(COST_NAMES), "model", "Cost function",
                    "The cost function measures how wrong the network is on a point; training "
                    "lowers its mean. Squared error is TensorFlow Playground's; cross-entropy "
                    "punishes confident mistakes hard; hinge only cares about points on the wrong "
                    "side of a margin.",
                    f"classification `{_names(CLASSIFICATION_COSTS)}`; regression `{_names(REGRESSION_COSTS)}`"),
    "optimizer": Setting(_choice(OPTIMIZER_NAMES), "live", "Optimizer",
                         "How gradients become steps. SGD steps straight down the slope; momentum "
                         "and Nesterov keep a running velocity; RMSprop and Adam scale each "
                         "weight's step by how large its gradients have been.",
                         f"`{_names(OPTIMIZER_NAMES)}`"),
    "lr": _number_setting(float, *LR_BOUNDS, "live", "Learning rate",
                          "The learning rate: how big a step the weights take down the slope of "
                          "the loss after each mini-batch. Too small crawls; too large overshoots "
                          "and can blow up.", "0.00001–10"),
    "schedule": Setting(_choice(SCHEDULE_NAMES), "live", "LR schedule",
                        "Constant keeps the learning rate; decay shrinks it over time (η / (1 + "
                        "epoch/100)), so late steps settle instead of bouncing.",
                        "`constant`, `decay` (η / (1 + epoch/100))"),
    "batch": _number_setting(int, 1, MAX_POINTS, "live", "Batch size",
                             "How many training points are averaged for each weight update. Small "
                             "batches give noisy, frequent steps; large ones give smooth, rare steps.",
                             f"1–{MAX_POINTS} (capped at the number of training points)"),
    "reg": Setting(_choice(REG_NAMES), "live", "Regularization",
                   "Regularization adds a penalty on large weights to the loss. L2 shrinks all "
                   "weights a little; L1 pushes unneeded weights to exactly zero. Both fight "
                   "overfitting.", f"`{_names(REG_NAMES)}` (on weights, not biases)"),
    "reg_rate": _number_setting(float, 0.0, 10.0, "live", "Reg. rate",
                                "How strongly the penalty on large weights counts against the loss.",
                                "0–10"),
    "patience": _number_setting(int, 0, 10_000, "live", "Early stopping",
                                "Stop once the test loss has not improved for this many epochs, and "
                                "go back to the weights of its best epoch: training past it only fits "
                                "the training points more closely. 0: off.",
                                "0–10000 epochs without a lower test loss, then back to the best "
                                "epoch's weights (`0`: off)"),
    "init": Setting(_choice(INIT_NAMES), "model", "Initialization",
                    "The starting weights. TFP: uniform in ±0.5. Xavier and He scale by the number "
                    "of inputs so signals keep their size through deep networks. Zeros makes every "
                    "neuron of a layer identical forever: see why random starts matter.",
                    "`tfp` (U(−0.5, 0.5), biases 0.1), `zeros`, `xavier`, `he`"),
    "init_seed": _number_setting(int, 0, MAX_SEED, "model", "",
                                 "Which random starting weights: Reset draws a new one on the same data.",
                                 f"0–{MAX_SEED}: `0` takes the starting weights from `seed`; Reset "
                                 "draws another, so the link still reproduces the run"),
    "edits": Setting(_edits, "points", "",
                     "Points you added or removed by clicking on the plot.",
                     "the points added or removed by hand (the live view's point tools make it; "
                     "deflated, base64url, at most 300 added points and 4,000 characters); "
                     "a link whose edits do not fit its data is named in a notice",
                     max_chars=4000),
    "branch_at": _number_setting(int, 0, MAX_BRANCH_EPOCHS, "model", "",
                                 "A branch: the epoch where this run left the one it came from.",
                                 f"0–{MAX_BRANCH_EPOCHS:,}: the run first trains this many epochs with "
                                 "`branch_from`'s learning settings, then goes on with its own "
                                 "(Continue from here makes it)"),
    "branch_from": Setting(_branch_from, "model", "",
                           "The learning settings of the run a branch came from.",
                           "`key:value` pairs of learning settings (e.g. `lr:0.3,optimizer:sgd`): "
                           "what the run trained with before `branch_at`"),
    "show_test": Setting(_bool, "display", "Test data",
                         "Also draw the test points (dark rim), which the network never trains on.",
                         "`1`: draw the test points too"),
    "discretize": Setting(_bool, "display", "Discretize",
                          "Colour the plane by the predicted class only, instead of shading by how "
                          "sure the network is.", "`1`: colour by the predicted class only"),
    "show_wrong": Setting(_bool, "display", "Mark mistakes",
                          "Ring every point the network gets wrong right now (the points it has not "
                          "learned yet, or the noise it should not learn).",
                          "`1`: ring the misclassified points"),
    "show_flipped": Setting(_bool, "display", "Mark flipped labels",
                            "Cross out the training points whose label the label noise flipped: "
                            "the network is taught the wrong answer there.",
                            "`1`: cross the training points whose label noise flipped"),
    "hide": Setting(_list(_choice(HIDEABLE), 0, len(HIDEABLE), unique=True,
                          each=f"each name must be one of {_names(HIDEABLE)}",
                          count=f"at most {len(HIDEABLE)} names", repeat="a name is listed twice"),
                    "display", "Hide in the classroom link",
                    "Controls to hide from students who open the classroom link.",
                    f"comma list of controls to hide (classroom use): `{_names(HIDEABLE)}`; unknown "
                    "names are named in a notice, the others kept"),
    "tab": Setting(_choice(TAB_NAMES), "display", "", "Which tab the page opens on.",
                   "`play`, `lab` (the Depth Lab), `lessons`"),
    "lesson": Setting(_slug(LESSON_NAME, "is not a lesson name (lowercase letters, digits, dashes)"),
                      "display", "", "The lesson shown above the playground.",
                      "a built-in lesson's name (see the Lessons tab), e.g. `layers`; an unknown "
                      "name is named in a notice"),
    "lesson_src": Setting(_lesson_src, "display", "",
                          "A teacher's own lesson, carried by the link itself.",
                          "a lesson file in link form (deflated, base64url; the Lessons tab makes it), "
                          f"at most {MAX_LESSON_LINK:,} characters; checked like an upload",
                          max_chars=MAX_LESSON_LINK),
    "lesson_step": _number_setting(int, 0, MAX_LESSON_STEPS - 1, "display", "",
                                   "Which step of the lesson is shown.",
                                   f"0–{MAX_LESSON_STEPS - 1}: the lesson's step (0 is the first)"),
    "lesson_lock": Setting(_bool, "display", "",
                           "Lock the page on the lesson: the lesson list, the share box and the "
                           "lesson's own links are hidden, so the exercise stays the exercise.",
                           "`1`: a locked lesson (with `lesson=`)"),
    "lab_depths": Setting(_list(_int(0, 32), 1, 8, unique=True, each="each depth must be 0 to 32",
                                count="1 to 8 depths", repeat="a depth is listed twice"),
                          "display", "Depths (hidden layers)",
                          "How many hidden layers to try. Each extra layer builds new features out "
                          "of the previous layer's features, so a deeper network can draw a more "
                          "complicated boundary with fewer neurons - but it is also harder to train.",
                          "Depth Lab: 1–8 depths of 0–32 hidden layers"),
    "lab_width": _number_setting(int, 1, MAX_NEURONS, "display", "Width (neurons per layer)",
                                 "Neurons in every hidden layer of the sweep. Wider layers give each "
                                 "layer more features to combine.", f"Depth Lab: 1–{MAX_NEURONS}"),
    "lab_seeds": _number_setting(int, 1, 10, "display", "Seeds",
                                 "How often to repeat every depth from a different random start "
                                 "(data, initial weights and batch order). The spread over seeds "
                                 "shows how much of a difference is luck.", "Depth Lab: 1–10"),
    "lab_epochs": _number_setting(int, 1, 5000, "display", "Epochs",
                                  "Passes over the training data for every run.", "Depth Lab: 1–5000"),
}
PARSERS: dict[str, Callable[[str], Any]] = {name: s.parse for name, s in SETTINGS.items()}
assert all(s.change in CHANGES for s in SETTINGS.values())


def keys_that(change: str) -> tuple[str, ...]:
    """The settings whose change has this effect, in table order."""
    return tuple(name for name, s in SETTINGS.items() if s.change == change)


def label(name: str) -> str:
    return SETTINGS[name].label


def bounds(name: str) -> tuple[float, float]:
    b = SETTINGS[name].bounds
    assert b is not None, f"{name} is not a number"
    return b


def readme_table(defaults: dict[str, str]) -> str:
    """The README's query-key table (`defaults`: each key's default as link text)."""
    rows = ["| key | default | values | a change |", "|---|---|---|---|"]
    effect = {"data": "new data and weights", "model": "new weights",
              "points": "the run goes on, on the edited points", "live": "the run goes on",
              "display": "display only"}
    for name, s in SETTINGS.items():
        d = defaults[name]
        rows.append(f"| `{name}` | {f'`{d}`' if d else '—'} | {s.values} | {effect[s.change]} |")
    return "\n".join(rows)
