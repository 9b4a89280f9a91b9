"""The page's controls: the run buttons (in the live view), the top bar of learning settings
and the data column.

Widgets carry only a key: their values come from the config through `session.sync`, which
runs before anything is drawn, so a widget never holds a value the config does not.
"""
from __future__ import annotations

import streamlit as st

from . import session as S
from . import widgets as W
from ..core.config import (ACTIVATION_NAMES, CLASSIFICATION_COSTS, DATASET_NAMES, FEATURE_NAMES,
                           INIT_NAMES, MULTICLASS_DATASETS, OPTIMIZER_NAMES, REG_NAMES,
                           REGRESSION_COSTS, REGRESSION_DATASETS, SCHEDULE_NAMES, Config)
from ..core.datasets import FEATURE_LABELS
from ..core.settings import bounds, label
from ..views.preview import dataset_preview
from .help import HELP

NAMES = {
    "tanh": "Tanh", "relu": "ReLU", "leaky_relu": "Leaky ReLU", "sigmoid": "Sigmoid",
    "linear": "Linear", "elu": "ELU", "gelu": "GELU", "sine": "Sine", W.MIXED: "per layer",
    "squared": "Squared error (TFP)", "cross_entropy": "Cross-entropy", "hinge": "Hinge",
    "mse": "Mean squared error", "mae": "Mean absolute error", "huber": "Huber",
    "sgd": "SGD", "momentum": "Momentum", "nesterov": "Nesterov", "rmsprop": "RMSprop",
    "adam": "Adam", "constant": "Constant", "decay": "Decay", "none": "None", "l1": "L1",
    "l2": "L2", "tfp": "TFP uniform ±0.5", "zeros": "Zeros", "xavier": "Xavier (Glorot)",
    "he": "He", "classification": "Classification", "regression": "Regression",
}
SHORT_DATASET = {"checkerboard": "checker", "reg-plane": "plane", "reg-gauss": "bumps"}
LIVE_FRAGMENT = "pg_live"  # the live view's fragment (ui/live.py): Step reruns only it
SPEEDS, VIEW_HEIGHTS = W.SPEEDS, W.VIEW_HEIGHTS


def name(v) -> str:
    return NAMES.get(v, str(v))


def number(v: float) -> str:
    return f"{v:g}"


def hidden(cfg: Config, *names: str) -> bool:
    return any(n in cfg.hide for n in names)


@st.cache_data(show_spinner=False)
def _preview(dataset: str):
    return dataset_preview(dataset, 56, points=6000 if dataset in REGRESSION_DATASETS else 200)


# ---------------------------------------------------------------- run buttons and top bar
def _noted(action):
    """A run button's callback: runs once per click, leaves a mark (so a click whose callback
    never ran shows), and reruns the whole page when the action says the rest of the page
    changed (otherwise only the live view's fragment reruns). Streamlit can call a callback
    twice when a fragment tick interrupts the rerun a click started (seen: Pause toggled twice,
    so it never paused). Two clicks always have a completed run between them (`pg_runs_done`,
    counted at the end of `ui.main` and of a click's fragment run); the two calls of one click
    do not."""
    def callback():
        ctl = S.controls()
        stamp = (action.__name__, S.page().runs_done)
        if ctl.click_done == stamp:
            return
        ctl.click_done, ctl.callback_ran = stamp, True
        # From a callback, st.rerun() makes this click's run a whole-page run; with a key,
        # a run of that fragment only (the buttons' own fragment does not rerun).
        st.rerun() if action() else st.rerun(LIVE_FRAGMENT)
    return callback


def _replay_lost_click(pressed: dict) -> None:
    """After the server forgot a session (it expired), the tab reconnects to a new one: the
    next click reruns the page, which rebuilds the run from the URL, but its callback belonged
    to the old session and is lost. Apply it here, once, and say what happened."""
    ctl = S.controls()
    ran, ctl.callback_ran = ctl.callback_ran, False
    first_run = not S.page().ran_before  # only a brand-new session lost it
    S.page().ran_before = True
    for action, clicked in pressed.items():
        if clicked and not ran and first_run:
            action()
            S.page().flash = "Your session had expired: the run was rebuilt from the link."
            st.rerun()


RUN_WORDS = ("**Play** trains epoch after epoch (one epoch = one pass over the training "
             "points); **Step** trains one; **Reset** starts again from new random weights.")


def run_buttons(t) -> None:
    """Play (or Pause), Step and Reset, in a fragment of their own: a Step reruns only the live
    view's fragment (a whole-page rerun cost the browser ~250 ms of CPU per Step, 4 s at p95
    with 20 users on 2 cores), and the live view's ticks do not redraw the buttons; Play,
    Pause, Reset and a Step that pauses or changes the inspector rerun the whole page.

    While playing the buttons have other keys (pg_pause, pg_step_p, pg_reset_p). Measured: a
    click during the fragment's ticks can reach the server twice, the second time after the
    whole-page run the first one started; by then that button is gone, so Streamlit drops it."""
    playing = S.playing()
    p = "_p" if playing else ""
    # No tooltips here: they covered the layer inputs above; the caption beside says it.
    row, words = st.columns([2.2, 5], vertical_alignment="center")
    words.caption(RUN_WORDS)
    with row, st.container(key="pg_runrow"):  # one row, even on a phone
        cols = st.columns(3, gap="small")
    play = S.pause if playing else S.play
    pressed = {
        play: cols[0].button(
            "Pause" if playing else "Play", key="pg_pause" if playing else "pg_play", type="primary",
            icon=":material/pause:" if playing else ":material/play_arrow:",
            on_click=_noted(play), disabled=bool(t.diverged) and not playing,
            width="stretch"),
        S.step: cols[1].button("Step", key="pg_step" + p, icon=":material/skip_next:",
                               on_click=_noted(S.step), width="stretch"),
        S.reset_run: cols[2].button("Reset", key="pg_reset" + p, icon=":material/replay:",
                                    on_click=_noted(S.reset_run), width="stretch"),
    }
    _replay_lost_click(pressed)


def top_bar(cfg: Config, t):
    """The learning settings in two rows (the run buttons are in the live view). Returns the
    first row's last slot, for the network's switches."""
    learn = not hidden(cfg, "learning")
    cols = st.columns([1.1, 1.0, 1.5, 0.9, 2.3, 1.9], vertical_alignment="bottom")
    slot = cols[5].container()
    if learn and not hidden(cfg, "lr"):
        options = sorted(set(W.LR_CHOICES) | {cfg.lr})
        cols[0].selectbox(label("lr"), options, **S.w("w_lr", options), format_func=number, help=HELP["lr"])
    if not hidden(cfg, "activation", "network"):
        acts = list(ACTIVATION_NAMES) + ([W.MIXED] if S.shown("w_activation") == W.MIXED else [])
        cols[1].selectbox(label("activation"), acts, **S.w("w_activation", acts), format_func=name,
                          help=HELP["activation"])
    if learn and not hidden(cfg, "reg"):
        cols[2].selectbox(label("reg"), REG_NAMES, **S.w("w_reg", REG_NAMES), format_func=name, help=HELP["reg"])
        options = sorted(set(W.REG_RATE_CHOICES) | {cfg.reg_rate})
        cols[3].selectbox(label("reg_rate"), options, **S.w("w_reg_rate", options), format_func=number,
                          help=HELP["reg_rate"], disabled=cfg.reg == "none")
    if not hidden(cfg, "data"):
        cols[4].segmented_control("Problem type", ["classification", "regression"],
                                  **S.w("w_problem", param="default"),
                                  format_func=name, help=HELP["problem"], required=True)
    more = st.columns([1.1, 1.0, 1.5, 0.9, 1.3, 1.0, 0.9, 1.3], vertical_alignment="bottom")
    # Speed, view size and the loss axis are the viewer's (each hideable on its own)
    if not hidden(cfg, "speed"):
        more[5].selectbox("Speed", list(SPEEDS), **S.w("pg_speed", list(SPEEDS)), help=HELP["speed"],
                          format_func=lambda k: f"{k} ({SPEEDS[k]}/s)" if k != "max" else "max")
    if not hidden(cfg, "view"):
        more[6].selectbox("View size", list(VIEW_HEIGHTS), **S.w("pg_view", list(VIEW_HEIGHTS)), help=HELP["view"])
    more[7].selectbox("Loss axis", W.LOSS_AXES, **S.w("pg_loss", W.LOSS_AXES), help=HELP["loss_axis"])
    if not learn:
        return slot
    if not hidden(cfg, "optimizer"):
        more[0].selectbox(label("optimizer"), OPTIMIZER_NAMES, **S.w("w_optimizer", OPTIMIZER_NAMES), format_func=name,
                          help=HELP["optimizer"])
    if not hidden(cfg, "lr"):
        more[1].selectbox(label("schedule"), SCHEDULE_NAMES, **S.w("w_schedule", SCHEDULE_NAMES), format_func=name,
                          help=HELP["schedule"])
    if not hidden(cfg, "cost"):
        problem = t.problem
        costs = REGRESSION_COSTS if problem == "regression" else CLASSIFICATION_COSTS
        more[2].selectbox(label("cost"), costs, **S.w("w_cost", costs), format_func=name, help=HELP["cost"])
    if not hidden(cfg, "batch"):
        more[3].number_input(label("batch"), step=1, **S.w("w_batch"), help=HELP["batch"])
    if not hidden(cfg, "init"):
        more[4].selectbox(label("init"), INIT_NAMES, **S.w("w_init", INIT_NAMES), format_func=name,
                          help=HELP["init"])
    return slot


# ---------------------------------------------------------------- data column
def data_column(cfg: Config, user_data: str | None) -> None:
    if not hidden(cfg, "data"):
        st.markdown("**Data**")
        names = [n for n in DATASET_NAMES if (n in REGRESSION_DATASETS) == (cfg.problem == "regression")]
        per_row = 3  # wide enough for the chosen (primary) button to show its whole name
        with st.container(key="pg_gallery"):  # three a row on a phone too (page.css)
            for r in range(0, len(names), per_row):
                cols = st.columns(per_row, gap="small")
                for c, ds in zip(cols, names[r:r + per_row]):
                    chosen = ds == cfg.dataset and not user_data
                    with c:
                        st.image(_preview(ds), width="stretch")
                        st.button(SHORT_DATASET.get(ds, ds), key=f"pg_ds_{ds}", width="stretch",
                                  type="primary" if chosen else "tertiary",
                                  on_click=S.choose_dataset, args=(ds,), help=HELP["dataset"])
        if user_data:
            st.caption(f"Training on your file **{user_data}**. Pick a dataset to go back.")
        # Always drawn (a slider that comes and goes moves everything below it).
        multi = cfg.dataset in MULTICLASS_DATASETS and not user_data
        st.slider(label("classes"), *bounds("classes"), **S.w("w_classes"), disabled=not multi,
                  help=HELP["classes"] + ("" if multi else " Only spiral and blobs have more than two."))
        a, b = st.columns(2)
        a.slider(label("train"), *bounds("train"), **S.w("w_train"), help=HELP["train"])
        if not hidden(cfg, "noise"):
            b.slider(label("noise"), *bounds("noise"), **S.w("w_noise"), help=HELP["noise"])
    if not hidden(cfg, "features"):
        st.pills(label("features"), list(FEATURE_NAMES), selection_mode="multi",
                 **S.w("w_features", param="default"),
                 format_func=lambda f: FEATURE_LABELS.get(f, f), help=HELP["features"],
                 width="stretch", wrap=True)
    if not hidden(cfg, "data"):
        with st.expander("More data settings"):
            st.slider(label("points"), *bounds("points"), step=10, **S.w("w_points"), help=HELP["points"])
            if not hidden(cfg, "noise"):
                st.slider(label("label_noise"), *bounds("label_noise"), **S.w("w_label_noise"), help=HELP["label_noise"])
            a, b = st.columns([1.4, 1], vertical_alignment="bottom")
            a.number_input(label("seed"), step=1, **S.w("w_seed"), help=HELP["seed"])
            b.button("New", key="pg_regen", icon=":material/casino:", on_click=S.regenerate,
                     help=HELP["regenerate"], width="stretch")
    a, b = st.columns(2)
    if not hidden(cfg, "test"):
        a.toggle(label("show_test"), **S.w("w_show_test"), help=HELP["show_test"])
    b.toggle(label("discretize"), **S.w("w_discretize"), help=HELP["discretize"])
    if cfg.problem != "regression":
        st.toggle(label("show_wrong"), **S.w("w_show_wrong"), help=HELP["show_wrong"])
    if cfg.label_noise and not hidden(cfg, "noise"):
        st.toggle(label("show_flipped"), **S.w("w_show_flipped"), help=HELP["show_flipped"])
    if not hidden(cfg, "learning"):
        st.number_input(label("patience"), step=10, **S.w("w_patience"), help=HELP["patience"])
