"""The Depth Lab tab: sweeps over depth (and seeds); the A/B compare below it is ui_compare.py.

The page calls `render_lab(cfg)` inside its "lab" tab and writes the returned Config (whose
lab_* fields follow the widgets) to the URL, so a Depth Lab run is part of the share link.
Results live in the page's session object (`session.page()`) only (never in a cache shared by users).

A sweep whose estimated CPU time is over the server's budget (`playground.sweep.cpu_budget`)
is refused before it starts, with the estimate and what to lower; Stop (or any other click)
and a closed tab end a sweep in progress, its worker processes included, within a fraction
of a second.
"""
from __future__ import annotations

import time

import numpy as np
import streamlit as st

from . import session as S
from ..core.config import MAX_NEURONS, Config, parse_query, to_query
from ..core.settings import SETTINGS, bounds, label
from ..core.spaces import layer_view
from ..core.train import Trainer
from ..views.flow import gradient_flow, residual_compare
from ..views.inside_figures import layer_view_figure
from ..views.lab_figures import boundary_grid, grid_array, metrics_vs_depth, time_vs_depth
from ..lab.sweep import (SWEEP_LOWER, BudgetError, cpu_budget, cpu_text, depth_config,
                    estimate_seconds, over_budget, problem_kind, resolve_backend, run_sweep,
                    training_points)
from ..lab.backends import prewarm
from .compare import CHART_CONFIG, interrupted, render_ab
from .data_curve import render_data_curve
from .inside_views import dark_theme, layer_names

DEPTH_OPTIONS = (0, 1, 2, 3, 4, 5, 6, 7, 8, 16, 32)
MAX_SELECTED_DEPTHS = 8      # the share link holds at most 8 depths
LAB_GRID = 50                # boundary resolution of each small multiple
SLOW_SECONDS = 60.0

HELP = {
    "residual": "Also run every depth with residual connections: each hidden layer adds its "
                "input to its output. The shortcut gives the gradient a path around every "
                "layer, so it does not shrink layer after layer on its way back to the input. "
                "That is why ResNet could train 152 layers.",
    "per_seed": "Show a row of boundaries for every seed instead of only the first seed.",
    "run": "Train every depth x seed with the playground's current dataset, activation, "
           "learning rate, optimizer and batch size.",
    "stop": "Stop the sweep. The runs that finished stay on screen.",
}

GRAD_EXPLAINER = (
    "Backpropagation carries the error from the output back to the input, "
    "multiplying it on the way by every layer's weights and by the slope of its activation. "
    "If those factors are below 1 the gradient *vanishes*: the first layers barely learn "
    "(sigmoid, whose slope is at most 0.25, is the classic case). If they are above 1 it "
    "*explodes*. Lines that stay level from layer 1 to the output mean every layer learns.")


# ---------------------------------------------------------------- widget state
def _clamp(v, lo, hi):
    return max(lo, min(hi, int(v)))


def _widget_values(cfg: Config) -> dict:
    return {"lab_depths": sorted(cfg.lab_depths)[:MAX_SELECTED_DEPTHS],
            "lab_width": _clamp(cfg.lab_width, 1, MAX_NEURONS),
            "lab_seeds": _clamp(cfg.lab_seeds, 1, 10),
            "lab_epochs": _clamp(cfg.lab_epochs, 1, 5000)}


def _sync_widgets(cfg: Config) -> None:
    """Set the widgets from cfg on the first render and whenever cfg's lab settings change
    from outside (a pasted link); otherwise the widgets keep what the user chose."""
    incoming = _widget_values(cfg)
    last = S.page().lab_cfg_in
    for key, value in incoming.items():
        if last is None or last.get(key) != value or not S.has_widget(key):
            S.set_widget(key, value)
    S.page().lab_cfg_in = incoming


# ---------------------------------------------------------------- the tab
def render_lab(cfg: Config) -> Config:
    """Draw the Depth Lab; return cfg with the lab_* fields set from the widgets."""
    _sync_widgets(cfg)
    st.markdown("Train the current playground settings at several depths and compare. "
                f"Dataset **{cfg.dataset}**, activation **{cfg.activation[0]}**, "
                f"optimizer **{cfg.optimizer}**, learning rate **{cfg.lr:g}**, "
                f"batch **{cfg.batch}** - change them on the playground tab.")
    options = sorted(set(DEPTH_OPTIONS) | set(S.widget_value("lab_depths")))
    c1, c2, c3, c4 = st.columns([4, 2, 2, 2])
    depths = c1.multiselect(label("lab_depths"), options, key="lab_depths",
                            max_selections=MAX_SELECTED_DEPTHS, help=SETTINGS["lab_depths"].help)
    width = c2.slider(label("lab_width"), *bounds("lab_width"), key="lab_width",
                      help=SETTINGS["lab_width"].help)
    seeds = c3.slider(label("lab_seeds"), *bounds("lab_seeds"), key="lab_seeds", help=SETTINGS["lab_seeds"].help)
    epochs = c4.number_input(label("lab_epochs"), *bounds("lab_epochs"), step=50, key="lab_epochs",
                             help=SETTINGS["lab_epochs"].help)
    t1, t2 = st.columns(2)
    compare = t1.toggle("Compare residual connections on vs off", key="lab_residual_cmp",
                        help=HELP["residual"])
    per_seed = t2.toggle("Boundaries for every seed", key="lab_per_seed", help=HELP["per_seed"])

    depths = sorted(int(d) for d in depths)
    epochs = _clamp(epochs if epochs is not None else cfg.lab_epochs, 1, 5000)
    out = cfg.replace(lab_depths=tuple(depths) if depths else cfg.lab_depths,
                      lab_width=int(width), lab_seeds=int(seeds), lab_epochs=epochs)

    variants = 2 if compare else 1
    budget, over = cpu_budget(), False
    if depths:
        est = variants * estimate_seconds(cfg, depths, seeds, epochs, width, LAB_GRID)
        runs = variants * len(depths) * seeds
        over = budget is not None and est > budget
        limit = f" (this server allows {cpu_text(budget)} per click)" if budget else ""
        st.caption(f"{runs} run{'s' if runs != 1 else ''}, about {cpu_text(est)} of training"
                   f"{limit}, spread over the machine's cores.")
        if over:
            st.error(_refusal(cfg, depths, width, seeds, epochs, variants, est, budget),
                     icon=":material/timer_off:")
        elif resolve_backend("auto", runs, est) == "processes":
            prewarm()  # start the worker processes while the user is still choosing
        if not over and est > SLOW_SECONDS:
            st.warning("This sweep will take a while. Fewer epochs, seeds or very deep "
                       "networks make it quicker; Stop keeps what has finished.")
    else:
        st.warning("Choose at least one depth to run a sweep.")

    b1, b2, _ = st.columns([1, 1, 4])
    run = b1.button("Run sweep", key="lab_run", type="primary", disabled=not depths or over,
                    help=HELP["run"])
    stop = b2.button("Stop", key="lab_stop", help=HELP["stop"])
    status = st.empty()

    state = S.page().lab_sweep
    if state and state["status"] == "running":  # interrupted by Stop or another click
        state["status"] = "stopped"
    if run and depths and not over:
        state = _run_sweep(out, depths, width, seeds, epochs, compare, status, budget)
    elif stop and not (state and state["status"] == "stopped"):
        status.info("No sweep is running.")
    _show_sweep(state, per_seed, status, to_query(out))
    st.divider()
    render_ab(cfg)
    st.divider()
    render_data_curve(cfg)
    return out


def _refusal(cfg: Config, depths, width, seeds, epochs, variants, est, budget) -> str:
    """Why the sweep cannot run here, and how many epochs would fit."""
    text = over_budget("This sweep", est, budget, SWEEP_LOWER)
    base = variants * estimate_seconds(cfg, depths, seeds, 0, width, LAB_GRID)
    per_epoch = (est - base) / max(1, epochs)
    fit = int((budget - base) / per_epoch) if per_epoch > 0 else 0
    if fit >= 1:
        text += f" With these depths, seeds and width about {fit:,} epochs fit."
    return text


def _run_sweep(cfg: Config, depths, width, seeds, epochs, compare, status, budget) -> dict:
    variants = [("residual" if cfg.residual else "plain", cfg.residual)]
    if compare:
        variants.append(("plain" if cfg.residual else "residual", not cfg.residual))
    total = len(variants) * len(depths) * seeds
    state = {"status": "running", "query": to_query(cfg), "total": total, "compare": compare,
             "primary": variants[0][0], "results": {name: [] for name, _ in variants},
             "started": time.time(), "seconds": None, "width": width}
    S.page().lab_sweep = state  # partial results survive a Stop
    bar = status.progress(0.0, text=f"Training 0 of {total} runs...")
    finished = 0
    for name, residual in variants:
        def progress(done, n, base=finished):
            bar.progress(min(1.0, (base + done) / total),
                         text=f"Training... {base + done} of {total} runs done")

        def keep(r, bucket=state["results"][name]):
            if r.get("grid") is not None:  # float32 arrays: a tenth of the memory of lists
                r = {**r, "grid": grid_array(r["grid"])}
            if r.get("theta") is not None:  # one network per depth (the first seed's)
                r = {**r, "theta": np.asarray(r["theta"], dtype=np.float64)}
            bucket.append(r)

        variant = cfg.replace(residual=residual)
        try:
            run_sweep(variant, depths, seeds, epochs, width=width, grid=LAB_GRID,
                      progress=progress, on_result=keep, should_stop=interrupted, budget=budget,
                      weights=True)
        except BudgetError as e:  # the estimate changed between drawing and running
            state["status"] = "refused"
            status.error(str(e))
            return state
        finished += len(depths) * seeds
        if budget is not None:  # the whole click shares one budget
            spent = estimate_seconds(variant, depths, seeds, epochs, width, LAB_GRID)
            budget = max(1e-9, budget - spent + 1e-6)  # (1e-6: rounding, not work)
    state["status"] = "done"
    state["seconds"] = time.time() - state["started"]
    status.empty()
    return state


def _sorted(rs):
    return sorted(rs, key=lambda r: (r["depth"], r["seed"]))


def _show_sweep(state: dict | None, per_seed: bool, status, current: str) -> None:
    if not state:
        st.info("Choose depths and press **Run sweep**. Try sigmoid with depths 0, 2, 4, 8 to "
                "watch gradients vanish, then turn on the residual comparison.")
        return
    run_cfg, _ = parse_query(state["query"])
    results = {k: _sorted(v) for k, v in state["results"].items()}
    done = sum(len(v) for v in results.values())
    if state["status"] == "stopped":
        status.warning(f"Stopped: showing the {done} of {state['total']} runs that finished.")
    elif state.get("seconds") is not None:
        status.success(f"{done} runs in {state['seconds']:.2f} s.")
    if not done:
        return
    if state["query"] != current:
        st.caption(":orange[The settings changed since this sweep ran; press **Run sweep** "
                   "to update it.]")
    primary = results.get(state["primary"]) or next(v for v in results.values() if v)
    kind = problem_kind(run_cfg)
    classification = kind != "regression"
    points = training_points(run_cfg, {r["seed"] for v in results.values() for r in v})
    label = "with residual connections" if state["primary"] == "residual" else ""
    st.subheader("Decision boundaries")
    st.caption(f"Settings: `{state['query'] or 'defaults'}`. Points are the training data; "
               "the background is the network's output.")
    st.plotly_chart(boundary_grid(primary, kind, run_cfg.n_classes, per_seed, points,
                                  title=label or None), key="lab_fig_grid",
                    config=CHART_CONFIG)
    _layer_views(state, primary, run_cfg)
    st.subheader("Loss and accuracy against depth")
    st.caption("Markers are the mean over seeds; bars span the best and the worst seed.")
    st.plotly_chart(metrics_vs_depth(primary, classification), key="lab_fig_metrics",
                    config=CHART_CONFIG)
    st.subheader("Gradient flow")
    st.markdown(GRAD_EXPLAINER)
    st.plotly_chart(gradient_flow(primary), key="lab_fig_grad", config=CHART_CONFIG)
    if state["compare"]:
        plain, resid = results.get("plain", []), results.get("residual", [])
        st.subheader("Residual connections on vs off")
        st.caption("The same sweep, the same seeds, with and without the shortcut around "
                   "every hidden layer whose input and output widths match. The shortcut keeps "
                   "the gradient alive, but each layer also adds to the signal: without the "
                   "normalization real ResNets use, very deep ReLU stacks can grow until the "
                   "output saturates.")
        st.plotly_chart(residual_compare(plain, resid, classification), key="lab_fig_residual",
                        config=CHART_CONFIG)
        other = resid if state["primary"] == "plain" else plain
        if other:
            with st.expander("Boundaries and gradient flow of the other variant"):
                name = "with residual connections" if other is resid else "without residual connections"
                st.plotly_chart(boundary_grid(other, kind, run_cfg.n_classes, per_seed, points,
                                              title=name), key="lab_fig_grid_other",
                                config=CHART_CONFIG)
                st.plotly_chart(gradient_flow(other, title=name), key="lab_fig_grad_other",
                                config=CHART_CONFIG)
    st.subheader("Training time")
    st.plotly_chart(time_vs_depth(primary), key="lab_fig_time", config=CHART_CONFIG)


LAYERS_EXPLAINER = (
    "Each hidden layer moves the points to new places. Pick a depth and step through its "
    "layers (the first seed's network, as trained above): the grid lines are the input plane, "
    "bent the way the layers bend it. The output neuron can only draw a straight line through "
    "the last hidden layer's picture, so a network that solves the task has pulled the classes "
    "apart there. With more than two neurons, the axes are the two directions along which "
    "the layer spreads the points most.")


def _layer_views(state: dict, primary: list, run_cfg: Config) -> None:
    """The data as each layer of one trained network per depth sees it (core.spaces)."""
    nets = [r for r in primary if r.get("theta") is not None and r["depth"] >= 1]
    if not nets or state.get("width") is None:
        return
    st.subheader("The data as each layer sees it")
    st.caption(LAYERS_EXPLAINER)
    depths = [r["depth"] for r in nets]
    a, b = st.columns(2)
    depth = a.selectbox("Depth", depths, index=len(depths) - 1,
                        key="lab_view_depth_" + "_".join(map(str, depths)),
                        format_func=lambda d: f"{d} hidden layer{'s' if d != 1 else ''}",
                        help="Which of the sweep's networks to look inside.")
    r = next(r for r in nets if r["depth"] == depth)
    t = Trainer(depth_config(run_cfg, depth, r["seed"], state["width"]))
    if t.net.theta.size != r["theta"].size:
        return
    t.net.theta[:] = r["theta"]
    names = layer_names(t)
    chosen = b.select_slider("Layer", names, value=names[-2], key=f"lab_view_layer_{depth}",
                             help="Step through the layers: input, each hidden layer, output.")
    view = layer_view(t, names.index(chosen) if chosen in names else len(names) - 2)
    st.plotly_chart(layer_view_figure(view, t.problem, t.data.n_classes, dark=dark_theme(), height=420),
                    key="lab_fig_layers", config=CHART_CONFIG)
