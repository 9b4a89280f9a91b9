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
from urllib.parse import urlencode

import streamlit as st

from ..core import edits as E
from ..core.branch import branch as branch_run, ghost as branch_ghost
from ..core.config import DEFAULT, LR_BOUNDS, Config, parse_query, safe_echo, to_params, validate
from ..core.datasets import DataError
from ..core.train import DATA_KEYS, Trainer, change_kind
from .lesson_state import LessonState
from .widgets import LR_CHOICES, PREFS, apply_widgets, check, clamped, to_widgets

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
    carry: float = 0.0                                   # epochs owed (ui/pacing.train_chunk)
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
        """Play or pause; a playing run wakes the live channel's writer (ui/channel.py). Play
        after a pause starts the training clock anew (the time paused is owed no epochs)."""
        if on and not self.playing:
            self.last_tick, self.carry = None, 0.0
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

    def scrub_to(self, epoch: Any, drawn_at: int | None = None) -> None:
        """Show the run as it was at `epoch` (one of its saved moments), while paused.
        `drawn_at`: the run's epoch when the slider was drawn, its right end, "now". Steps on
        the live channel move the run on without redrawing the slider, and a page run can
        then report the slider's old "now" as a change: that is now, not a look back."""
        with self.lock:
            t = self.trainer
            if t is None or self.playing or epoch not in t.trail.epochs():
                return
            self.scrub = None if epoch in (t.epoch, drawn_at) else int(epoch)

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


# ---------------------------------------------------------------- the settings
def set_config(cfg: Config) -> None:
    """Replace the page's config (from a callback, or before any widget is drawn). Widgets
    whose value this changes get a new key in `sync` (see `widget_key`). New data settings
    that keep the old point edits drop them: they were made on the old points."""
    old, cfg = page().cfg, validate(cfg)[0]
    if old.edits and cfg.edits == old.edits and any(getattr(old, k) != getattr(cfg, k) for k in DATA_KEYS):
        cfg = cfg.replace(edits="")
    page().cfg = cfg


# ---------------------------------------------------------------- widget keys and values
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
    changed = {}
    for b, v in sent.items():
        if v != before[b]:
            changed[b], said = clamped(b, v)
            if said:
                page().flash = said
    changed = {b: v for b, v in changed.items() if v != before[b] and check(b, v)}
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
def new_trainer(cfg: Config, data=None) -> Trainer:
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
        t = page().trainer = new_trainer(cfg)
        return t
    kind = change_kind(t.cfg, cfg)
    if kind == "data":
        page().user_data = None
        t = new_trainer(cfg)
    elif kind == "model":
        t = new_trainer(cfg, data=t.base_data)
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
def scrub_from_widget(key: str, drawn_at: int) -> None:
    """The time slider moved (its value checked: one of the run's saved epochs); `drawn_at`:
    the run's epoch when it was drawn."""
    page().scrub_to(widget_value(key), drawn_at)


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


# ---------------------------------------------------------------- one weight or bias
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
