"""The page's state, owned here: one `Page` object per browser session, under one key of
session state (`page()`). Other UI modules call this module's functions and the object's
methods; none keeps a session-state key of its own. (Widgets keep their own values under
their keys, as Streamlit requires; only this module reads or sets them.)

The settings: one canonical `Config` (`page().cfg`). Each rerun starts with `sync()`:
widgets whose value differs from what the config last showed are applied to the config, the
result is validated, and every widget is set back from it (so a widget always shows the
config). Actions that replace the config wholesale (a pasted link, a model file, a one-click
lower rate) go through `set_config()` from a callback. The run itself (`page().trainer`)
follows the config by the engine's one reset rule, `train.change_kind`.
"""
from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import streamlit as st

from ..core.config import (ACTIVATION_NAMES, CLASSIFICATION_COSTS, FEATURE_NAMES, LR_BOUNDS, MAX_LAYERS,
                     MAX_NEURONS, REGRESSION_COSTS, Config, check_value,
                     parse_query, safe_echo, to_params, validate)
from ..core.config import DEFAULT
from ..core.settings import SETTINGS, bounds, keys_that, label
from ..core.datasets import DataError
from ..io.data_csv import read_csv
from ..io.model_file import ModelError, load_model
from ..core.train import DATA_KEYS, USER_SCALE, Trainer, change_kind, user_dataset
from .lesson_state import LessonState
from ..core import edits as E
from ..core.branch import branch as branch_run, ghost as branch_ghost

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
ss = st.session_state


# ---------------------------------------------------------------- the page's state
PAGE_KEY = "pg"


@dataclass(eq=False)
class Page:
    """Everything the page keeps between reruns of one browser session. One object in session
    state: measured, when a fragment tick interrupts the run a click started, Streamlit can
    restore a session-state key to its old value (Pause was undone about one click in four)
    or call the click's callback twice; it does not undo changes made inside an object it
    holds. Every field is bounded: the trainer bounds its own history."""
    cfg: Config = DEFAULT
    trainer: Trainer | None = None
    started: bool = False                              # `init_session` has run
    # settings <-> widgets (see `sync` and `widget_key`)
    shown: dict[str, Any] = field(default_factory=dict)  # widget base -> the value it shows
    ver: dict[str, int] = field(default_factory=dict)    # widget base -> its key's version
    prefs: dict[str, str] = field(default_factory=lambda: dict(PREFS))
    # messages
    notices: list[str] = field(default_factory=list)     # what a link could not set
    flash: str | None = None                             # shown once on the next run
    upload_msg: tuple[str, str] | None = None            # (kind, text) of the last upload
    upload_n: int = 0                                    # uploader generation (empties it)
    user_data: str | None = None                         # the uploaded CSV's safe name
    sel: str | None = None                               # the unit or weight the inspector shows
    # play state and the click protocol (see controls.run_button)
    playing: bool = False
    click_done: Any = None
    callback_ran: bool = False
    runs_done: int = 0                                   # full runs finished
    ran_before: bool = False
    # the live view
    renderer: str = "canvas"                             # or "plotly" (the fallback)
    last_tick: float | None = None
    carry: float = 0.0                                   # fraction of an epoch owed
    canvas_ran: bool = False
    rest_drawn: bool = False                             # the page around the live view (page.py)
    seen: dict[str, Any] = field(default_factory=dict)   # view event -> last one handled
    acked: dict[str, Any] = field(default_factory=dict)  # what the browser said it holds
    # the live channel (ui/channel.py): its socket trains and streams while playing
    channel: Any = None                                  # channel.Channel, made on first use
    channel_ok: bool | None = None                       # what the view reported (None: not yet)
    lock: Any = field(default_factory=threading.RLock)   # the run: page runs vs. the channel
    # time (ui/timeline.py): the epoch the page shows while paused, the run a branch left
    scrub: int | None = None                             # None: the run as it is now
    original: Any = None                                 # the run a branch left (one, until kept)
    ghost: dict | None = None                            # its loss curve (core/branch.ghost)
    time_seen: tuple | None = None                       # (run, moment, original) ui/timeline last drew
    # See inside (ui/inside.py): the training point and the step of the step-through
    inside_point: int = 0
    inside_step: int = 0
    # Lessons (ui/lessons.py): answers, ticks, a teacher's uploaded lesson
    lessons: LessonState = field(default_factory=LessonState)
    # the Depth Lab
    lab_sweep: dict | None = None
    lab_ab: dict | None = None
    lab_sizes: dict | None = None                        # the learning curve (ui/data_curve.py)
    lab_cfg_in: dict | None = None
    # the run log (ui/runlog.py, core/runlog.py): one bounded row per run of this session
    runlog: Any = None
    animation: Any = None                                # animation_panel.Kept: the one GIF (ui/animation_panel.py)

    # The run buttons' actions. The page's callbacks and the live channel's socket
    # (ui/channel.py) both call them; each returns whether the rest of the page must be
    # drawn again (the buttons' label, the link, the inspector), beyond the live view.
    def play(self) -> bool:
        with self.lock:
            self.scrub = None
            self.set_playing(self.trainer is not None and not self.trainer.diverged)
        return True

    def set_playing(self, on: bool) -> None:
        """Play or pause; a playing run wakes the live channel's writer (ui/channel.py)."""
        self.playing = bool(on)
        if self.playing and self.channel is not None:
            self.channel.wake()

    def pause(self) -> bool:
        with self.lock:
            self.playing = False
        return True

    def step(self) -> bool:
        """One epoch, paused. Only the live view changes, unless it was playing, the epoch
        diverged, the inspector shows a weight or See inside shows a view of the weights."""
        with self.lock:
            was_playing, self.playing = self.playing, False
            scrubbed, self.scrub = self.scrub is not None, None
            t = self.trainer
            t.train(1)
            inside = self.prefs.get("pg_inside", "off") != "off"
            return was_playing or scrubbed or bool(t.diverged) or bool(self.sel) or inside

    def reset(self) -> bool:
        """Same data, new random starting weights (as TensorFlow Playground's Reset), epoch
        0; the link holds them (`init_seed`), so it still reproduces the run."""
        with self.lock:
            cfg = self.cfg
            init_seed = cfg.init_seed
            while init_seed == cfg.init_seed:
                init_seed = random.randint(1, 999_999)
            self.cfg = validate(cfg.replace(init_seed=init_seed, branch_at=0, branch_from=""))[0]
            self.trainer = Trainer(self.cfg, data=self.trainer.base_data)
            self.playing = False
            self.forget_time()
        return True

    def edit_points(self, op: str, x: float = 0.0, y: float = 0.0, value: float = 0.0,
                    test: bool = False) -> str | None:
        """A point tool's click on the plot (`core/edits`): "add" a point of class (or target)
        `value` at (x, y), to the test set if `test`; "erase" the point nearest (x, y);
        "clear" every edit; "empty": remove every generated point. The run goes on from its
        weights on the new points (`Trainer.set_edits`). Returns why nothing changed, or None."""
        with self.lock:
            t = self.trainer
            e = E.decode(self.cfg.edits)[0] or E.NONE
            try:
                if op == "add":
                    e = E.add(e, E.point(x, y, value, test, t.problem == "regression"))
                elif op == "erase":
                    e = E.remove_nearest(e, t.base_data, x, y)
                else:
                    e = E.NONE if op == "clear" else E.empty(t.base_data)
                cfg = self.cfg.replace(edits=E.encode(e))
                t.set_edits(cfg)
            except ValueError as err:  # DataError too: the run is unchanged
                return f"{err}".rstrip(".") + "."
            self.cfg = cfg
        return None

    # ---- time: scrubbing back, branching (ui/timeline.py, core/branch.py)
    def forget_time(self) -> None:
        """A new run: nothing to scrub back to, no run a branch left."""
        self.scrub, self.original, self.ghost = None, None, None

    def scrub_to(self, epoch: Any) -> None:
        """Show the run as it was at `epoch` (one of its saved moments), while paused."""
        with self.lock:
            t = self.trainer
            if t is None or self.playing or epoch not in t.trail.epochs():
                return
            self.scrub = None if epoch == t.epoch else int(epoch)

    def branch_here(self) -> str | None:
        """Continue from the epoch shown with the current settings: the branch replaces the
        run, which is kept (its loss curve drawn beside) until Keep or Back. Returns why not."""
        with self.lock:
            t, e = self.trainer, self.scrub
            if t is None or e is None:
                return "go back to an earlier epoch first"
            b, why = branch_run(t, e, self.cfg)
            if b is None:
                return why
            self.original, self.ghost = t, {**branch_ghost(t), "at": e}
            self.trainer, self.cfg, self.scrub = b, b.cfg, None
        return None

    def keep_branch(self) -> None:
        with self.lock:
            self.original = self.ghost = None

    def back_to_original(self) -> None:
        with self.lock:
            if self.original is not None:
                self.trainer, self.cfg = self.original, self.original.cfg
            self.forget_time()

    def decorate(self, spec: dict) -> dict:
        """A frame spec with the run a branch left (its loss curve, faint, on the chart)."""
        if self.ghost is not None and isinstance(spec.get("loss"), dict):
            spec["loss"]["ghost"] = self.ghost
        return spec

    def tool_spec(self) -> dict | None:
        """What a click on the live view does with the point tool on (None: off), from the
        tool's preferences (ui/points.py): for `canvas.live_view_state`."""
        t, p = self.trainer, self.prefs
        if p["pg_tool"] == "off" or t is None:
            return None
        k = int(t.data.n_classes)
        value = float(p["pg_tool_target"]) if t.problem == "regression" else min(int(p["pg_tool_class"]), k - 1)
        return {"mode": p["pg_tool"], "value": value, "classes": k, "test": p["pg_tool_set"] == "test"}

    def lesson_check(self) -> bool:
        """Whether the open lesson's goal was met just now by the run (the page must then
        draw the tick: the live channel asks it to)."""
        return self.lessons.check(self.cfg.lesson, self.trainer)

    def inside_move(self, by: int, n_steps: int) -> None:
        """Back (−1), Next (+1) or to the end of the step-through's `n_steps` steps."""
        self.inside_step = min(max(self.inside_step + by, 0), n_steps - 1)

    def inside_pick(self, index: int) -> None:
        """Step through training point `index` from the start."""
        self.inside_point, self.inside_step = int(index), 0

    def take_flash(self) -> str | None:
        msg, self.flash = self.flash, None
        return msg

    def select(self, sel: str | None) -> None:
        self.sel = sel

    def dismiss_notices(self) -> None:
        self.notices = []


def page() -> Page:
    """This browser session's page state (created on first use)."""
    p = ss.get(PAGE_KEY)
    if not isinstance(p, Page):
        p = ss[PAGE_KEY] = Page()
    return p


def widget_value(key: str, default: Any = None) -> Any:
    """What the widget `key` holds now (None if it was not drawn in the last run)."""
    return ss.get(key, default)


def set_widget(key: str, value: Any) -> None:
    """Set a widget's value before it is drawn in this run."""
    ss[key] = value


def has_widget(key: str) -> bool:
    return key in ss


# ---------------------------------------------------------------- config <-> widgets
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


def set_config(cfg: Config) -> None:
    """Replace the page's config (from a callback, or before any widget is drawn). Widgets
    whose value this changes get a new key in `sync` (see `widget_key`). New data settings
    that keep the old point edits drop them: they were made on the old points."""
    old, cfg = page().cfg, validate(cfg)[0]
    if old.edits and cfg.edits == old.edits and any(getattr(old, k) != getattr(cfg, k) for k in DATA_KEYS):
        cfg = cfg.replace(edits="")
    page().cfg = cfg


# ---------------------------------------------------------------- widget keys and values
# Page preferences that are not part of a run's settings (not in the link).
PREFS = {"pg_speed": "fast", "pg_view": "small", "pg_inside": "off", "pg_loss": "linear",
         "pg_tool": "off", "pg_tool_class": "1", "pg_tool_target": "1", "pg_tool_set": "train"}


def widget_key(base: str) -> str:
    """The key a widget has in this run: `base`, or `base__N` once the page has changed the
    widget's value N times from outside the widget (a link, a button, a value refused).

    Measured in Chromium: the browser keeps the last value of a widget it is not showing (one
    in a closed popover, or on the other tab) and sends it back with the next click, even after
    the server set a new one; and a widget drawn again after a run without it starts at its
    own default. A new key makes a new widget that starts at the value the page gives it, and
    whatever the browser remembers under the old key is ignored."""
    n = page().ver.get(base, 0)
    return f"{base}__{n}" if n else base


def shown(base: str) -> Any:
    """The value the widget `base` shows (from the config, or the page preferences)."""
    return page().shown[base]


def _targets(cfg: Config) -> dict[str, Any]:
    return {**to_widgets(cfg), **{k: page().prefs[k] for k in PREFS}}


def _check(base: str, value: Any, cfg: Config) -> bool:
    """Whether a value the browser sent for widget `base` is one the widget can hold (a crafted
    websocket message can send anything)."""
    if base in PREFS:
        return value in PREF_CHOICES[base]
    if base.startswith("w_act_"):
        return value in ACTIVATION_NAMES
    if base.startswith("w_width_"):
        return _whole(value, 1, MAX_NEURONS)
    if base == "w_depth":
        return _whole(value, 0, MAX_LAYERS)
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


def _clamped(base: str, v: Any) -> Any:
    if base.startswith("w_width_"):
        what, lo, hi = f"Layer {int(base[8:]) + 1}", 1, MAX_NEURONS
    elif base in NUMBER_BOUNDS:
        what, lo, hi = NUMBER_BOUNDS[base]
    else:
        return v
    if not isinstance(v, (int, float)) or isinstance(v, bool) or v != v or lo <= v <= hi:
        return v
    page().flash = f"{what}: {v:g} is out of range ({lo:,} to {hi:,}); using {min(max(v, lo), hi):,}."
    return type(v)(min(max(v, lo), hi))


def _whole(v: Any, lo: int, hi: int) -> bool:
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


def locked(fn):
    """Run `fn` holding the page's lock: the live channel trains the same run in a worker
    thread (ui/channel.py), so whatever replaces or changes the run waits for its frame."""
    def run(*args, **kwargs):
        with page().lock:
            return fn(*args, **kwargs)
    run.__name__, run.__doc__ = fn.__name__, fn.__doc__
    return run


def controls() -> Page:
    """Play state and the last handled click (fields of the page)."""
    return page()


def playing() -> bool:
    return controls().playing


def set_playing(on: bool) -> None:
    controls().set_playing(on)


def init_session() -> None:
    """First run of a session: the config comes from the URL; bad keys become notices."""
    if page().started:
        return
    page().started = True
    qp = st.query_params  # every value of a repeated key, so the parser can name repeats
    cfg, notes = parse_query(urlencode([(k, v) for k in qp for v in qp.get_all(k)]))
    cfg, notes = page().lessons.from_link(cfg, set(qp), notes)
    page().notices = [f"The link's {n}" for n in notes]
    set_playing(False)
    page().sel = None
    page().upload_n = 0
    page().user_data = None
    page().prefs = dict(PREFS)
    page().ver = {}
    set_config(cfg)
    page().shown = _targets(page().cfg)


def sync() -> Config:
    """Fold the widgets the user changed into the config; give every widget whose value the
    page changed from outside a new key (`widget_key`). Only widgets drawn in the last run are
    in session state (Streamlit drops the others), so a widget that was not drawn is never
    read; values a widget cannot hold are ignored."""
    init_session()
    cfg, before = page().cfg, page().shown
    sent = {b: ss[widget_key(b)] for b in before if widget_key(b) in ss}
    changed = {b: _clamped(b, v) for b, v in sent.items() if v != before[b]}
    changed = {b: v for b, v in changed.items() if v != before[b] and _check(b, v, cfg)}
    prefs = {b: changed.pop(b) for b in PREFS if b in changed}
    page().prefs.update(prefs)
    if changed:
        if changed.get("w_features") == []:
            page().flash = "A network needs at least one input: keeping the last one."
        cfg = apply_widgets(cfg, changed)
    set_config(cfg)
    after = _targets(page().cfg)
    ver = page().ver
    for b, v in after.items():
        if v != sent.get(b, before.get(b)):  # the browser shows something else
            ver[b] = ver.get(b, 0) + 1
    page().shown = after
    return page().cfg


def pref(name: str) -> str:
    """A page preference: 'speed' or 'view'."""
    return page().prefs[f"pg_{name}"]


def write_url(cfg: Config, force: bool = False) -> None:
    params = to_params(cfg)
    if st.query_params.to_dict() != params or force:
        st.query_params.from_dict(params)


# ---------------------------------------------------------------- the run
def _new_trainer(cfg: Config, data=None) -> Trainer:
    """A new run; point edits that do not fit its data (a hand-made link) are dropped and
    said, the rest of the link kept."""
    try:
        return Trainer(cfg, data=data)
    except DataError as e:
        if not cfg.edits:
            raise
        page().notices = [*page().notices[-9:], safe_echo(str(e)).rstrip(".") + ": they were left out"]
        page().cfg = cfg = cfg.replace(edits="")
        return Trainer(cfg, data=data)


def trainer() -> Trainer:
    return page().trainer


@locked
def ensure_trainer(cfg: Config) -> Trainer:
    """Keep the run in step with cfg by the one reset rule (`change_kind`)."""
    t = page().trainer
    if t is None:
        t = page().trainer = _new_trainer(cfg)
        return t
    kind = change_kind(t.cfg, cfg)
    if kind == "data":
        page().user_data = None
        t = _new_trainer(cfg)
    elif kind == "model":
        t = _new_trainer(cfg, data=t.base_data)
    elif kind == "points":  # a link's or the back button's other edits: the run goes on
        try:
            t.set_edits(cfg)
        except DataError as e:
            page().flash = f"{safe_echo(str(e))} Your points are as they were."
            page().cfg = cfg.replace(edits=t.cfg.edits)
            return t
        t.adopt(cfg)
    elif kind == "live":
        t.adopt(cfg)
    else:
        return t
    if kind in ("data", "model"):
        page().sel = None
        page().forget_time()
    page().trainer = t
    return t


def reset_run() -> bool:
    """Reset (`Page.reset`). The run buttons' actions return whether the rest of the page must
    be redrawn too (they live in the live view)."""
    return page().reset()


def play() -> bool:
    return page().play()


def pause() -> bool:
    return page().pause()


def step() -> bool:
    return page().step()


def regenerate() -> None:
    cfg = page().cfg
    seed = cfg.seed
    while seed == cfg.seed:
        seed = random.randint(0, 999_999)
    set_config(cfg.replace(seed=seed))


def choose_dataset(name: str) -> None:
    cfg = page().cfg
    set_config(apply_widgets(cfg, {"w_dataset": name}))


def lower_rate(lr: float) -> float:
    """The next smaller learning rate on the menu (at least ten times smaller past it)."""
    below = [v for v in LR_CHOICES if v < lr * 0.999]
    return below[-1] if below else max(LR_BOUNDS[0], lr / 10)


def apply_lower_rate() -> None:
    """The divergence notice's fix: the next lower learning rate, and the run goes on."""
    cfg = page().cfg
    set_config(cfg.replace(lr=lower_rate(cfg.lr)))
    continue_run()


@locked
def scrub_from_widget(key: str) -> None:
    """The time slider moved (its value checked: one of the run's saved epochs)."""
    page().scrub_to(widget_value(key))


def scrub_now() -> None:
    page().scrub = None


def branch_here() -> None:
    why = page().branch_here()
    page().flash = f"No branch was made: {why}." if why else "Branched: the run goes on from that epoch with the current settings."


def keep_branch() -> None:
    page().keep_branch()


def back_to_original() -> None:
    page().back_to_original()


def edit_points(op: str) -> None:
    """The point tools' buttons: "clear" or "empty" (ui/points.py)."""
    why = page().edit_points(op)
    if why:
        page().flash = f"Nothing was changed: {why}"


def no_early_stop() -> None:
    """The early-stopping notice's button: early stopping off, and the run goes on."""
    set_config(page().cfg.replace(patience=0))
    continue_run()


def continue_run() -> None:
    """Clear a stop (the kept weights stay) and play on, unless the run cannot train."""
    t = trainer()
    t.adopt(page().cfg)
    set_playing(not t.diverged)


def keep_display(new: Config, current: Config) -> Config:
    return new.replace(**{k: getattr(current, k) for k in DISPLAY_KEYS})


# ---------------------------------------------------------------- links and files
def open_link(text: str) -> list[str]:
    """Apply a pasted link (ours or TensorFlow Playground's); return its notices. A lesson link
    opens the lesson as the address bar would (`LessonState.from_link`)."""
    cfg, notes = parse_query(text)
    query = str(text).split("?", 1)[1] if "?" in str(text) else str(text)
    keys = {k for k, _ in parse_qsl(query.split("#", 1)[0], keep_blank_values=True)}
    cfg, notes = page().lessons.from_link(cfg, keys, notes)
    current = page().cfg
    hide = tuple(dict.fromkeys(current.hide + (cfg.hide if cfg.lesson else ())))
    set_config(cfg.replace(hide=hide, tab="play" if cfg.lesson else current.tab))
    set_playing(False)
    return notes


def model_run(data: bytes, current: Config) -> tuple[Config, Trainer, list[str]]:
    """A model file → (its config, a run continuing from its weights, notices about settings
    of its link that could not be read). Raises ModelError;
    nothing is changed until both succeed."""
    model = load_model(data)
    cfg = keep_display(model.config, current)
    t = _new_trainer(cfg)
    t.load_model(model)
    return cfg, t, list(model.notes)


def data_run(data: bytes, current: Config) -> tuple[Config, Trainer, Any]:
    """An uploaded data CSV → (config, run on that data, the raw dataset). Raises DataError."""
    raw = read_csv(data, problem=current.problem)  # the problem type chosen on the page
    cfg = current
    allowed = REGRESSION_COSTS if raw.kind == "regression" else CLASSIFICATION_COSTS
    if cfg.cost not in allowed:
        cfg = cfg.replace(cost="squared")
    t = _new_trainer(cfg, data=user_dataset(raw, cfg))
    return cfg, t, raw


def accept_upload(kind: str, key: str) -> None:
    """Callback of the model / data uploaders."""
    f = ss.get(key)
    if f is not None:
        apply_upload(kind, f.name, f.getvalue())


@locked
def apply_upload(kind: str, filename: str, data: bytes) -> bool:
    """Load a model or data file into the page, or explain in one sentence why not; a bad
    file changes nothing. The outcome is left in page().upload_msg (the file's name is
    user text: only its safe echo is shown)."""
    name = safe_echo(filename, 60)
    try:
        if kind == "model":
            cfg, t, notes = model_run(data, page().cfg)
            msg = f"Loaded the model from {name} (epoch {t.epoch})."
            if notes:
                msg += " Settings of the file that could not be read use their defaults: " + \
                    "; ".join(notes) + "."
        else:
            cfg, t, raw = data_run(data, page().cfg)
            msg = (f"Training on {name}: {len(raw.y_train)} points ({raw.kind}). Inputs are "
                   f"standardized (mean 0, standard deviation {USER_SCALE:g}) to fill the plane. "
                   "The share link does not contain your data.")
    except (ModelError, DataError) as e:
        page().upload_msg = ("error", f"{name}: {e}")
        return False
    set_config(cfg)
    page().trainer = t
    page().forget_time()
    page().user_data = name if kind == "data" else None
    set_playing(False)
    page().sel = None
    page().upload_msg = ("success", msg)
    page().upload_n = page().upload_n + 1  # a fresh, empty uploader
    return True


def _parameter(sel: str) -> tuple[int, int, int]:
    """'w:L:j:i' or 'b:L:j' → (index into net.W, row, column; −1 = the bias)."""
    parts = sel.split(":")
    return int(parts[1]) - 1, int(parts[2]), int(parts[3]) if parts[0] == "w" else -1


@locked
def edit_parameter(sel: str, value: float) -> None:
    """Set one weight ('w:l:j:i') or bias ('b:l:j') of the paused run, in place."""
    trainer().set_parameter(*_parameter(sel), value)


def parameter_value(sel: str) -> float | None:
    try:
        l, j, col = _parameter(sel)
        return float(trainer().net.W[l][j, col])
    except (IndexError, ValueError, AttributeError):
        return None


def w(base: str, options: list | tuple | None = None, param: str = "value") -> dict[str, Any]:
    """The `key` and starting value of widget `base`, as keyword arguments: the widget is
    written from the config, never the other way round. `options`: the widget takes an
    `index` into them (selectbox); `param`: the name of the widget's value argument."""
    v = shown(base)
    if options is not None:
        return {"key": widget_key(base), "index": list(options).index(v) if v in options else 0}
    return {"key": widget_key(base), param: v}


# ---------------------------------------------------------------- the live channel
CHANNEL_ENV = "PLAYGROUND_LIVE_CHANNEL"   # "off": the fragment path only


def channel_info() -> dict | None:
    """What the live view needs to open this session's channel (None when switched off)."""
    import os
    if os.environ.get(CHANNEL_ENV, "").strip().lower() in ("off", "0", "no", "false"):
        return None
    from .channel import ROUTE_PATH, open_channel
    p = page()
    if p.channel is None:
        p.channel = open_channel(p)
    return {"url": ROUTE_PATH, "token": p.channel.token}


def streaming() -> bool:
    """Whether the live channel's socket is connected (it then trains and draws a playing
    run; no fragment ticks)."""
    ch = page().channel
    return ch is not None and ch.connected
