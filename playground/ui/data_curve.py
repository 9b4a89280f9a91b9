"""The Depth Lab's learning curve: the playground's own network trained on more and more of
its points (lab/sweep.run_sizes), final train and test loss against the training share, and
the boundaries side by side. Results live in the page's session object only; the same CPU
budget, Stop and backends as the depth sweep."""
from __future__ import annotations

import time

import streamlit as st

from . import session as S
from ..core.config import Config
from ..lab.sweep import SHARES, BudgetError, problem_kind, run_sizes
from ..views.lab_figures import boundary_grid, grid_array, learning_curve
from .compare import CHART_CONFIG, interrupted

GRID = 50
MAX_SEEDS = 5
EXPLAINER = (
    "The same network, the same settings, trained on a growing share of the points (the rest "
    "are the test points). With few training points the network can fit them all and still "
    "be wrong almost everywhere else: the training loss is low, the test loss high. More data "
    "closes the gap. Several seeds draw different points: the bars show how much luck the "
    "draw brings.")


def render_data_curve(cfg: Config) -> None:
    st.subheader("How much data: the learning curve")
    st.caption(EXPLAINER)
    a, b, c = st.columns([3, 1, 1], vertical_alignment="bottom")
    shares = a.multiselect("Training shares (%)", SHARES, default=[10, 30, 50, 70, 90],
                           key="lab_size_shares", help="Which shares of the points to train on.")
    seeds = b.slider("Seeds", 1, MAX_SEEDS, 2, key="lab_size_seeds",
                     help="Runs per share, each with other points (and starting weights).")
    epochs = c.number_input("Epochs", 1, 5000, value=min(5000, max(1, cfg.lab_epochs)), step=50,
                            key="lab_size_epochs", help="Epochs of every run.")
    shares = sorted({int(s) for s in shares if s in SHARES})
    seeds = int(min(max(int(seeds or 1), 1), MAX_SEEDS))
    epochs = int(min(max(int(epochs or 1), 1), 5000))
    go, stop = st.columns([1, 1, 4])[:2]
    run = go.button("Run curve", key="lab_size_run", disabled=not shares,
                    help="Train the current network at every share × seed.")
    stopped = stop.button("Stop", key="lab_size_stop", help="Stop; the runs that finished stay.")
    status = st.empty()
    state = S.page().lab_sizes
    if state and state["status"] == "running":  # interrupted by Stop, another click or a new tab
        state["status"] = "stopped"
    if run and shares:
        _run(cfg, shares, seeds, epochs, status)
    elif stopped and not (state and state["status"] == "stopped"):
        status.info("No learning curve is running.")
    _show(S.page().lab_sizes, status)


def _run(cfg: Config, shares: list[int], seeds: int, epochs: int, status) -> None:
    total = len(shares) * seeds
    state = {"status": "running", "results": [], "total": total, "kind": problem_kind(cfg),
             "n_classes": cfg.n_classes, "started": time.time(), "seconds": None}
    S.page().lab_sizes = state  # what finished survives a Stop
    bar = status.progress(0.0, text=f"Training 0 of {total} runs...")

    def keep(r: dict) -> None:
        if r.get("grid") is not None:
            r = {**r, "grid": grid_array(r["grid"])}
        state["results"].append(r)

    try:
        run_sizes(cfg, shares, seeds, epochs, grid=GRID, on_result=keep, should_stop=interrupted,
                  progress=lambda done, n: bar.progress(min(1.0, done / n), text=f"Training... {done} of {n} runs done"))
    except BudgetError as e:
        state["status"] = "refused"
        status.error(str(e))
        return
    state["status"], state["seconds"] = "done", time.time() - state["started"]
    status.empty()


def _show(state: dict | None, status) -> None:
    if not state or not state["results"]:
        return
    rs = sorted(state["results"], key=lambda r: (r["train_share"], r["seed"]))
    if state["status"] == "stopped":
        status.warning(f"Stopped: showing the {len(rs)} of {state['total']} runs that finished.")
    classification = state["kind"] != "regression"
    st.plotly_chart(learning_curve(rs, classification), key="lab_fig_sizes", config=CHART_CONFIG)
    st.plotly_chart(boundary_grid(rs, state["kind"], state["n_classes"], by="train_share"),
                    key="lab_fig_sizes_grid", config=CHART_CONFIG)
