"""The Depth Lab tab: sweeps over depth (and seeds), and an A/B compare of two settings.

The page calls `render_lab(cfg)` inside its "lab" tab and writes the returned Config (whose
lab_* fields follow the widgets) to the URL, so a Depth Lab run is part of the share link.
Results live in `st.session_state` only (never in a cache shared by users).
"""
from __future__ import annotations

import math
import time

import numpy as np
import streamlit as st

from .config import (ACTIVATION_NAMES, MAX_NEURONS, OPTIMIZER_NAMES, Config, parse_query,
                     to_query, validate)
from .figures_lab import (ab_boundaries, ab_loss, boundary_grid, gradient_flow, grid_array,
                          metrics_vs_depth, residual_compare, time_vs_depth)
from .sweep import estimate_seconds, grid_points, prewarm, resolve_backend, run_sweep
from .train import Trainer, build_dataset

DEPTH_OPTIONS = (0, 1, 2, 3, 4, 5, 6, 7, 8, 16, 32)
MAX_SELECTED_DEPTHS = 8      # the share link holds at most 8 depths
LAB_GRID = 50                # boundary resolution of each small multiple
AB_GRID = 80
LR_VALUES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
AB_SETTINGS = {"depth": "number of hidden layers", "activation": "activation",
               "lr": "learning rate", "optimizer": "optimizer", "residual": "residual connections"}
SLOW_SECONDS = 60.0

HELP = {
    "depths": "How many hidden layers to try. Each extra layer builds new features out of the "
              "previous layer's features, so a deeper network can draw a more complicated "
              "boundary with fewer neurons - but it is also harder to train.",
    "width": "Neurons in every hidden layer of the sweep. Wider layers give each layer more "
             "features to combine.",
    "seeds": "How often to repeat every depth from a different random start (data, initial "
             "weights and batch order). The spread over seeds shows how much of a difference "
             "is luck.",
    "epochs": "Passes over the training data for every run.",
    "residual": "Also run every depth with residual connections: each hidden layer adds its "
                "input to its output. The shortcut gives the gradient a path around every "
                "layer, so it does not shrink layer after layer on its way back to the input. "
                "That is why ResNet could train 152 layers.",
    "per_seed": "Show a row of boundaries for every seed instead of only the first seed.",
    "run": "Train every depth x seed with the playground's current dataset, activation, "
           "learning rate, optimizer and batch size.",
    "stop": "Stop the sweep. The runs that finished stay on screen.",
    "ab_change": "Pick one or two settings that B changes. Everything else is the same as A: "
                 "the data, the seed, the batch order and, where the shapes match, the "
                 "initial weights.",
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
    ss = st.session_state
    incoming = _widget_values(cfg)
    last = ss.get("lab__cfg_in")
    for key, value in incoming.items():
        if last is None or last.get(key) != value or key not in ss:
            ss[key] = value
    ss["lab__cfg_in"] = incoming


# ---------------------------------------------------------------- the tab
def render_lab(cfg: Config) -> Config:
    """Draw the Depth Lab; return cfg with the lab_* fields set from the widgets."""
    _sync_widgets(cfg)
    st.markdown("Train the current playground settings at several depths and compare. "
                f"Dataset **{cfg.dataset}**, activation **{cfg.activation[0]}**, "
                f"optimizer **{cfg.optimizer}**, learning rate **{cfg.lr:g}**, "
                f"batch **{cfg.batch}** - change them on the playground tab.")
    options = sorted(set(DEPTH_OPTIONS) | set(st.session_state["lab_depths"]))
    c1, c2, c3, c4 = st.columns([4, 2, 2, 2])
    depths = c1.multiselect("Depths (hidden layers)", options, key="lab_depths",
                            max_selections=MAX_SELECTED_DEPTHS, help=HELP["depths"])
    width = c2.slider("Width (neurons per layer)", 1, MAX_NEURONS, key="lab_width",
                      help=HELP["width"])
    seeds = c3.slider("Seeds", 1, 10, key="lab_seeds", help=HELP["seeds"])
    epochs = c4.number_input("Epochs", min_value=1, max_value=5000, step=50, key="lab_epochs",
                             help=HELP["epochs"])
    t1, t2 = st.columns(2)
    compare = t1.toggle("Compare residual connections on vs off", key="lab_residual_cmp",
                        help=HELP["residual"])
    per_seed = t2.toggle("Boundaries for every seed", key="lab_per_seed", help=HELP["per_seed"])

    depths = sorted(int(d) for d in depths)
    epochs = _clamp(epochs if epochs is not None else cfg.lab_epochs, 1, 5000)
    out = cfg.replace(lab_depths=tuple(depths) if depths else cfg.lab_depths,
                      lab_width=int(width), lab_seeds=int(seeds), lab_epochs=epochs)

    variants = 2 if compare else 1
    if depths:
        est = variants * estimate_seconds(cfg, depths, seeds, epochs, width)
        runs = variants * len(depths) * seeds
        st.caption(f"{runs} run{'s' if runs != 1 else ''}, roughly {_duration(est)} of training "
                   "(spread over the machine's cores).")
        if resolve_backend("auto", runs, est) == "processes":
            prewarm()  # start the worker processes while the user is still choosing
        if est > SLOW_SECONDS:
            st.warning("This sweep will take a while. Fewer epochs, seeds or very deep "
                       "networks make it quicker; Stop keeps what has finished.")
    else:
        st.warning("Choose at least one depth to run a sweep.")

    b1, b2, _ = st.columns([1, 1, 4])
    run = b1.button("Run sweep", key="lab_run", type="primary", disabled=not depths,
                    help=HELP["run"])
    stop = b2.button("Stop", key="lab_stop", help=HELP["stop"])
    status = st.empty()

    state = st.session_state.get("lab__sweep")
    if state and state["status"] == "running":  # interrupted by Stop or another click
        state["status"] = "stopped"
    if run and depths:
        state = _run_sweep(out, depths, width, seeds, epochs, compare, status)
    elif stop and not (state and state["status"] == "stopped"):
        status.info("No sweep is running.")
    _show_sweep(state, per_seed, status, to_query(out))
    st.divider()
    _render_ab(cfg)
    return out


def _duration(s: float) -> str:
    if s < 1:
        return "under a second"
    if s < 90:
        return f"{s:.0f} s"
    return f"{s / 60:.0f} min"


def _run_sweep(cfg: Config, depths, width, seeds, epochs, compare, status) -> dict:
    variants = [("residual" if cfg.residual else "plain", cfg.residual)]
    if compare:
        variants.append(("plain" if cfg.residual else "residual", not cfg.residual))
    total = len(variants) * len(depths) * seeds
    state = {"status": "running", "query": to_query(cfg), "total": total, "compare": compare,
             "primary": variants[0][0], "results": {name: [] for name, _ in variants},
             "started": time.time(), "seconds": None}
    st.session_state["lab__sweep"] = state  # partial results survive a Stop
    bar = status.progress(0.0, text=f"Training 0 of {total} runs...")
    finished = 0
    for name, residual in variants:
        def progress(done, n, base=finished):
            bar.progress(min(1.0, (base + done) / total),
                         text=f"Training... {base + done} of {total} runs done")

        def keep(r, bucket=state["results"][name]):
            if r.get("grid") is not None:  # float32 arrays: a tenth of the memory of lists
                r = {**r, "grid": grid_array(r["grid"])}
            bucket.append(r)

        run_sweep(cfg.replace(residual=residual), depths, seeds, epochs, width=width,
                  grid=LAB_GRID, progress=progress, on_result=keep)
        finished += len(depths) * seeds
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
    kind = _kind(run_cfg)
    classification = kind != "regression"
    points = _points(run_cfg, {r["seed"] for v in results.values() for r in v})
    label = "with residual connections" if state["primary"] == "residual" else ""
    st.subheader("Decision boundaries")
    st.caption(f"Settings: `{state['query'] or 'defaults'}`. Points are the training data; "
               "the background is the network's output.")
    st.plotly_chart(boundary_grid(primary, kind, run_cfg.n_classes, per_seed, points,
                                  title=label or None), key="lab_fig_grid")
    st.subheader("Loss and accuracy against depth")
    st.caption("Markers are the mean over seeds; bars span the best and the worst seed.")
    st.plotly_chart(metrics_vs_depth(primary, classification), key="lab_fig_metrics")
    st.subheader("Gradient flow")
    st.markdown(GRAD_EXPLAINER)
    st.plotly_chart(gradient_flow(primary), key="lab_fig_grad")
    if state["compare"]:
        plain, resid = results.get("plain", []), results.get("residual", [])
        st.subheader("Residual connections on vs off")
        st.caption("The same sweep, the same seeds, with and without the shortcut around "
                   "every hidden layer whose input and output widths match. The shortcut keeps "
                   "the gradient alive, but each layer also adds to the signal: without the "
                   "normalization real ResNets use, very deep ReLU stacks can grow until the "
                   "output saturates.")
        st.plotly_chart(residual_compare(plain, resid, classification), key="lab_fig_residual")
        other = resid if state["primary"] == "plain" else plain
        if other:
            with st.expander("Boundaries and gradient flow of the other variant"):
                name = "with residual connections" if other is resid else "without residual connections"
                st.plotly_chart(boundary_grid(other, kind, run_cfg.n_classes, per_seed, points,
                                              title=name), key="lab_fig_grid_other")
                st.plotly_chart(gradient_flow(other, title=name), key="lab_fig_grad_other")
    st.subheader("Training time")
    st.plotly_chart(time_vs_depth(primary), key="lab_fig_time")


def _kind(cfg: Config) -> str:
    if cfg.problem == "regression":
        return "regression"
    return "multiclass" if cfg.n_classes > 2 else "binary"


def _points(cfg: Config, seeds) -> dict:
    """seed → training points (X, y); the data depends only on the data settings and seed."""
    out = {}
    for s in sorted(seeds)[:10]:
        try:
            ds = build_dataset(cfg.replace(seed=s))
        except Exception:  # data problems are shown on the playground tab
            continue
        out[s] = (ds.X_train, ds.y_train)
    return out


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
    return validate(b)[0]


def _describe(cfg: Config) -> str:
    shape = "-".join(map(str, cfg.layers)) or "none"
    acts = ",".join(cfg.activation)
    return (f"hidden {shape} · {acts} · {cfg.optimizer} lr {cfg.lr:g}"
            + (" · residual" if cfg.residual else ""))


def _render_ab(cfg: Config) -> None:
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
    a = cfg
    b = _b_config(cfg, vals)
    st.markdown(f"**A:** {_describe(a)}  \n**B:** {_describe(b)}")
    e1, e2, _ = st.columns([2, 1, 3], vertical_alignment="bottom")
    epochs = e1.number_input("Epochs (A and B)", 1, 5000, value=min(5000, max(1, cfg.lab_epochs)),
                             step=50, key="lab_ab_epochs", help=HELP["ab_epochs"])
    go_ab = e2.button("Run A/B", key="lab_ab_run", help=HELP["ab_run"])
    status = st.empty()
    if go_ab:
        if a == b:
            status.info("B is the same as A: change a setting for B first.")
        else:
            _run_ab(a, b, int(epochs or 1), status)
    _show_ab(st.session_state.get("lab__ab"))


def _run_ab(a: Config, b: Config, epochs: int, status) -> None:
    ta = Trainer(a)
    tb = Trainer(b, data=ta.data)  # the very same points, not just the same seed
    state = {"status": "running", "a": to_query(a), "b": to_query(b), "epochs": epochs,
             "titles": (f"A: {_describe(a)}", f"B: {_describe(b)}")}
    st.session_state["lab__ab"] = state
    bar = status.progress(0.0, text="Training A and B...")
    chunk = max(1, epochs // 50)
    done = 0
    while done < epochs:
        n = min(chunk, epochs - done)
        ta.train(n)
        tb.train(n)
        done += n
        _snapshot(state, ta, tb)
        bar.progress(done / epochs, text=f"Training A and B... epoch {done} of {epochs}")
    state["status"] = "done"
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
                 points=(ta.data.X_train, ta.data.y_train), kind=_kind(ta.cfg),
                 n_classes=ta.cfg.n_classes)


def _show_ab(state: dict | None) -> None:
    if not state or "hist" not in state:
        return
    if state["status"] == "running":
        state["status"] = "stopped"
    if state["status"] == "stopped":
        st.warning("A/B run interrupted; showing where it got to.")
    st.markdown("  \n".join(state["notes"]))
    st.plotly_chart(ab_boundaries(state["grids"], state["titles"], state["kind"],
                                  state["n_classes"], state["points"]), key="lab_fig_ab_bound")
    st.plotly_chart(ab_loss(state["hist"]), key="lab_fig_ab_loss")
