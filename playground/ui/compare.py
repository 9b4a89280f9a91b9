"""The A/B compare of the Depth Lab tab: two settings trained in lockstep on the same data and
seed, boundaries side by side and loss curves overlaid. State lives in the page's session object (`session.page()`) only.

Also the Lab's Stop check (`interrupted`) and its chart options (`CHART_CONFIG`), shared with
ui_lab.py. Every run is refused up front if its estimated CPU time is over the budget
(`playground.sweep.cpu_budget`), and a Stop click or a closed tab ends it within a fraction of
a second.
"""
from __future__ import annotations

import math

import numpy as np
import streamlit as st

from . import session as S
from ..core.config import (ACTIVATION_NAMES, CLASSIFICATION_COSTS, DEFAULT, FEATURE_NAMES, INIT_NAMES,
                           OPTIMIZER_NAMES, REG_NAMES, REGRESSION_COSTS, SCHEDULE_NAMES, Config, _fmt,
                           to_query, validate)
from ..core.settings import SETTINGS, bounds, label
from ..views.lab_figures import ab_boundaries, ab_loss
from ..core.grid import grid_points
from ..lab.sweep import (AB_GRID, AB_LOWER, AB_SNAPSHOTS, BudgetError, cpu_budget,
                         estimate_ab_seconds, over_budget, problem_kind, run_ab)
from ..core.train import Trainer

# Plotly's toolbar floats over a chart's top edge, where the titles are (on a phone it covers
# them); zoom by dragging and reset by double-click still work without it.
CHART_CONFIG = {"displayModeBar": False, "displaylogo": False}
LR_VALUES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
AB_SETTINGS = {"depth": "number of hidden layers", "activation": "activation",
               "lr": "learning rate", "optimizer": "optimizer", "residual": "residual connections",
               "reg": "regularization", "reg_rate": "regularization rate", "features": "input features",
               "cost": "cost function", "batch": "batch size", "init": "initialization",
               "schedule": "learning-rate schedule", "train": "training share", "noise": "noise",
               "label_noise": "flipped labels"}
# B's value of these is one setting of the table, its widget made from the setting's bounds or
# names; "train", "noise" and "label_noise" give B its own data (same seed), the others B
# trains on A's very points.
AB_CHOICES = {"reg": REG_NAMES, "init": INIT_NAMES, "schedule": SCHEDULE_NAMES}
AB_NUMBERS = ("reg_rate", "batch", "train", "noise", "label_noise")
REG_RATES = (0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)

HELP = {
    "ab_change": "Pick one or two settings that B changes. Everything else is the same as A: "
                 "the data, the seed, the batch order and, where the shapes match, the "
                 "initial weights. A B that changes the training share, the noise or the "
                 "flipped labels draws its own data from the same seed.",
    "ab_depth": "Hidden layers of network B (it keeps A's widths and repeats the last one).",
    "ab_activation": "The activation of every hidden layer of network B. Sigmoid's slope is at "
                     "most 0.25, so in deep networks the gradient vanishes; ReLU's slope is 1 "
                     "where it is active.",
    "ab_lr": "Learning rate of network B: the size of each step down the loss. Too small "
             "crawls, too large overshoots and can diverge.",
    "ab_optimizer": "How network B turns gradients into steps. Momentum and Adam remember "
                    "past gradients and often reach a low loss sooner than plain SGD.",
    "ab_residual": "Give network B residual connections (each layer adds its input to its "
                   "output, where the widths match).",
    "ab_epochs": "Epochs to train both networks, side by side, in lockstep.",
    "ab_run": "Train A and B together on the same data from the same seed.",
    "ab_stop": "Stop the A/B run. The epochs trained so far stay on screen.",
}


def interrupted() -> bool:
    """The Stop check of a run in this script, polled every few tenths of a second by the
    sweep and A/B runners: Streamlit's own yield point, which raises its rerun or stop
    exception when a click (Stop, or any other widget) or a closed tab asks this script run
    to end. Returns False when nothing asked."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_run_yield_check
    check = get_run_yield_check()
    if check is not None:
        check()
    return False


# ---------------------------------------------------------------- A/B compare
def _b_config(a: Config, changes: dict) -> Config:
    b = a
    if "depth" in changes:
        d = changes["depth"]
        base = a.layers or (a.lab_width,)
        layers = base[:d] if d <= len(base) else base + (base[-1],) * (d - len(base))
        acts = a.activation if len(a.activation) == 1 else a.activation[:1]
        b = b.replace(layers=tuple(layers), activation=acts)
    if "activation" in changes:
        b = b.replace(activation=(changes["activation"],))
    if "lr" in changes:
        b = b.replace(lr=float(changes["lr"]))
    if "optimizer" in changes:
        b = b.replace(optimizer=changes["optimizer"])
    if "residual" in changes:
        b = b.replace(residual=bool(changes["residual"]))
    simple = {k: v for k, v in changes.items() if k in AB_CHOICES or k in AB_NUMBERS or k == "cost"}
    if "features" in changes:
        simple["features"] = tuple(f for f in FEATURE_NAMES if f in changes["features"]) or a.features
    b = b.replace(**simple)
    if b.reg_rate > 0 and b.reg == "none" and "reg_rate" in changes:
        b = b.replace(reg="l2")  # a rate needs a penalty to act on
    return validate(b)[0]


def _ab_widget(col, cfg: Config, key: str):
    """B's value of setting `key`: a widget written from the settings table (label, help,
    bounds or names), starting at a value that differs from A's."""
    what, help_ = f"B: {label(key).lower() or AB_SETTINGS[key]}", SETTINGS[key].help
    k = f"lab_ab_{key}"
    if key in AB_CHOICES or key == "cost":
        names = AB_CHOICES.get(key) or (REGRESSION_COSTS if cfg.problem == "regression"
                                        else CLASSIFICATION_COSTS)
        other = next((n for n in names if n != getattr(cfg, key)), names[0])
        return col.selectbox(what, names, index=names.index(other), key=k, help=help_)
    if key == "features":
        other = [f for f in FEATURE_NAMES if f not in cfg.features][:2] or list(cfg.features)
        return col.multiselect(what, FEATURE_NAMES, default=list(cfg.features) + other, key=k,
                               help=help_)
    if key == "reg_rate":
        start = next((v for v in REG_RATES if v > cfg.reg_rate), REG_RATES[-1])
        return col.select_slider(what, REG_RATES, value=start, key=k, help=help_)
    lo, hi = bounds(key)
    start = {"batch": max(lo, min(hi, cfg.batch * 5)), "train": 90 if cfg.train < 90 else 10,
             "noise": 30 if cfg.noise < 30 else 0, "label_noise": 20 if cfg.label_noise < 20 else 0}[key]
    if key == "batch":
        return int(col.number_input(what, lo, hi, value=start, step=1, key=k, help=help_) or start)
    return col.slider(what, lo, hi, value=start, key=k, help=help_)


def _describe(cfg: Config) -> str:
    shape = "-".join(map(str, cfg.layers)) or "none"
    acts = ",".join(cfg.activation)
    extra = [f"{label(k).lower()} {_fmt(getattr(cfg, k))}" for k in ("reg", "reg_rate", "features", "cost",
             "batch", "init", "schedule", "train", "noise", "label_noise")
             if getattr(cfg, k) != getattr(DEFAULT, k)]
    return (f"hidden {shape} · {acts} · {cfg.optimizer} lr {cfg.lr:g}"
            + (" · residual" if cfg.residual else "") + "".join(f" · {e}" for e in extra))


def render_ab(cfg: Config) -> None:
    st.subheader("A/B compare")
    st.caption("A is the playground's current network. B is the same with one or two "
               "settings changed. Both train in lockstep on the same data from the same seed.")
    changes = st.multiselect("What B changes", list(AB_SETTINGS), key="lab_ab_change",
                             format_func=AB_SETTINGS.get, max_selections=2,
                             default=["activation"], help=HELP["ab_change"])
    vals: dict = {}
    cols = st.columns(3)
    i = 0
    if "depth" in changes:
        vals["depth"] = cols[i].slider("B: hidden layers", 0, 8, min(8, len(cfg.layers) + 2),
                                       key="lab_ab_depth", help=HELP["ab_depth"])
        i += 1
    if "activation" in changes:
        default = "relu" if cfg.activation[0] != "relu" else "tanh"
        vals["activation"] = cols[i].selectbox("B: activation", ACTIVATION_NAMES,
                                               index=ACTIVATION_NAMES.index(default),
                                               key="lab_ab_activation", help=HELP["ab_activation"])
        i += 1
    if "lr" in changes:
        default = min(LR_VALUES, key=lambda v: abs(math.log10(v) - math.log10(cfg.lr * 10)))
        vals["lr"] = cols[i].select_slider("B: learning rate", LR_VALUES, value=default,
                                           key="lab_ab_lr", help=HELP["ab_lr"])
        i += 1
    if "optimizer" in changes:
        default = "adam" if cfg.optimizer != "adam" else "sgd"
        vals["optimizer"] = cols[i].selectbox("B: optimizer", OPTIMIZER_NAMES,
                                              index=OPTIMIZER_NAMES.index(default),
                                              key="lab_ab_optimizer", help=HELP["ab_optimizer"])
        i += 1
    if "residual" in changes:
        vals["residual"] = cols[i].toggle("B: residual connections", value=not cfg.residual,
                                          key="lab_ab_residual", help=HELP["ab_residual"])
        i += 1
    for key in (k for k in changes if k in AB_CHOICES or k in AB_NUMBERS or k in ("cost", "features")):
        vals[key] = _ab_widget(cols[min(i, 2)], cfg, key)
        i += 1
    a = cfg
    b = _b_config(cfg, vals)
    st.markdown(f"**A:** {_describe(a)}  \n**B:** {_describe(b)}")
    e1, e2, e3, _ = st.columns([2, 1, 1, 2], vertical_alignment="bottom")
    epochs = e1.number_input("Epochs (A and B)", 1, 5000, value=min(5000, max(1, cfg.lab_epochs)),
                             step=50, key="lab_ab_epochs", help=HELP["ab_epochs"])
    epochs = max(1, min(5000, int(epochs or 1)))
    estimate, budget = estimate_ab_seconds(a, b, epochs), cpu_budget()
    over = budget is not None and estimate > budget
    go_ab = e2.button("Run A/B", key="lab_ab_run", help=HELP["ab_run"], disabled=over)
    stop = e3.button("Stop", key="lab_ab_stop", help=HELP["ab_stop"])
    if over:
        st.error(_refusal(a, b, epochs, estimate, budget), icon=":material/timer_off:")
    status = st.empty()
    state = S.page().lab_ab
    if state and state["status"] == "running":  # interrupted by Stop, another click or a new tab
        state["status"] = "stopped"
    if go_ab and not over:
        if a == b:
            status.info("B is the same as A: change a setting for B first.")
        else:
            _run_ab(a, b, epochs, status)
    elif stop and not (state and state["status"] == "stopped"):
        status.info("No A/B run is running.")
    _show_ab(S.page().lab_ab)


def _refusal(a: Config, b: Config, epochs: int, estimate: float, budget: float) -> str:
    text = over_budget("This A/B run", estimate, budget, AB_LOWER)
    base = estimate_ab_seconds(a, b, 0)
    per_epoch = (estimate - base) / epochs
    fit = int((budget - base) / per_epoch) if per_epoch > 0 else 0
    if fit >= 1:
        text += f" With these networks about {fit:,} epochs fit."
    return text


def _run_ab(a: Config, b: Config, epochs: int, status) -> None:
    state = {"status": "running", "a": to_query(a), "b": to_query(b), "epochs": epochs,
             "titles": (f"A: {_describe(a)}", f"B: {_describe(b)}"), "done": 0}
    S.page().lab_ab = state  # what was trained survives a Stop
    bar = status.progress(0.0, text="Training A and B...")

    def chunk(ta: Trainer, tb: Trainer, done: int) -> None:
        _snapshot(state, ta, tb)
        state["done"] = done
        bar.progress(done / epochs, text=f"Training A and B... epoch {done} of {epochs}")

    try:
        _, _, stopped = run_ab(a, b, epochs, AB_SNAPSHOTS, on_chunk=chunk, should_stop=interrupted)
    except BudgetError as e:  # the estimate changed between drawing and running
        status.error(str(e))
        return
    state["status"] = "stopped" if stopped else "done"
    status.empty()


def _snapshot(state: dict, ta: Trainer, tb: Trainer) -> None:
    _, P = grid_points(AB_GRID)
    hist, grids, notes = {}, [], []
    for name, t in (("A", ta), ("B", tb)):
        h = t.history
        hist[name] = {"epoch": list(h.epoch), "train_loss": list(h.train_loss),
                      "test_loss": list(h.test_loss)}
        with np.errstate(all="ignore"):
            grids.append(np.asarray(t.predict_grid(P), dtype=np.float32).reshape(AB_GRID, AB_GRID))
        s = t.summary()
        line = f"**{name}** epoch {s['epoch']}: test loss {s['test_loss']:.4g}"
        if s["test_accuracy"] is not None:
            line += f", test accuracy {s['test_accuracy']:.1%}"
        if t.diverged:
            line += f" - stopped: {t.diverged}"
        notes.append(line)
    state.update(hist=hist, grids=grids, notes=notes,
                 points=(ta.data.X_train, ta.data.y_train), kind=problem_kind(ta.cfg),
                 n_classes=ta.cfg.n_classes)


def _show_ab(state: dict | None) -> None:
    if not state:
        return
    if state["status"] == "running":
        state["status"] = "stopped"
    if state["status"] == "stopped":
        st.warning(f"A/B run stopped at epoch {state.get('done', 0):,} of {state['epochs']:,}"
                   + ("; showing where it got to." if "hist" in state else "."))
    if "hist" not in state:
        return
    st.markdown("  \n".join(state["notes"]))
    st.plotly_chart(ab_boundaries(state["grids"], state["titles"], state["kind"],
                                  state["n_classes"], state["points"]), key="lab_fig_ab_bound",
                    config=CHART_CONFIG)
    st.plotly_chart(ab_loss(state["hist"]), key="lab_fig_ab_loss", config=CHART_CONFIG)
