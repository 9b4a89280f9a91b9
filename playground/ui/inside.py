"""See inside: the maths of the live network, on the Playground tab.

One choice of view (`pg_inside`, a page preference): off, one step of backpropagation, the data
as each layer sees it, the loss surface, or every weight. Every number comes from the engine:
`core.inside.trace` (one training step on a chosen point, read from the engine's own buffers),
`core.spaces.layer_view` and `loss_slice`; nothing here computes any of the maths again.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from . import session as S
from .widgets import INSIDE_VIEWS
from ..core import inside as I
from ..core.messages import parameter_name

VIEWS = INSIDE_VIEWS
MAX_ROWS = 8          # neurons written out in full per layer (the rest in the table)
INTRO = {
    "step": "Training repeats one step: run a point **forward** through the layers, measure how "
            "wrong the output is (the **cost**), send that error **backward** to find how each "
            "weight should change (**backpropagation**), then **update** every weight a little "
            "(gradient descent). Walk through one step on one training point.",
    "layers": "Each layer moves the points to a new place. Here is where the training points "
              "and a grid of the input plane land in one layer: step through the layers to see "
              "them untangle until a straight line can separate the classes.",
    "surface": "The cost is a landscape over the weights; training walks downhill. This is a "
               "slice of it through the current weights, with the path the weights took.",
    "weights": "A network is only numbers: every weight and bias, as the diagram draws them.",
    "scores": "One loss number hides where the network is wrong. For classes: which class each "
              "point is, against what the network calls it. For values: each prediction "
              "against the truth.",
}
PART_WORDS = {
    "forward": "Each neuron adds up its inputs times their weights, plus its bias (z), then "
               "applies its activation f (a = f(z)). The diagram shows every neuron's a.",
    "cost": "The cost measures how wrong the output is for this point: 0 when it is exactly right.",
    "backward": "δ = ∂L/∂z says how much the cost would change if this neuron's z grew a little; "
                "the output's δ comes from the cost, each layer's from the layer after it "
                "(the chain rule). ∂L/∂w = δ × the weight's input: the links show it.",
    "update": "Every weight moves a small step against its gradient: w ← w − η·∂L/∂w "
              "(η is the learning rate; other optimizers shape the step).",
    "result": "After the step this point costs less (usually), and so may the training set. "
              "Training is this step, repeated over all the points, epoch after epoch.",
}


def fmt(v: float) -> str:
    return f"{float(v):.4g}"


def inside_panel(cfg, t) -> None:
    """The view chooser and the chosen view (nothing is computed while it is off)."""
    view = st.segmented_control("See inside", list(VIEWS), format_func=VIEWS.get,
                                **S.w("pg_inside", param="default"), required=True,
                                help="Open a view of the maths inside the network.")
    view = view if view in VIEWS else "off"
    if view == "off":
        return
    st.caption(INTRO[view])
    if view == "step":
        step_view(t)
    elif view == "layers":
        from .inside_views import layers_view
        layers_view(cfg, t)
    elif view == "surface":
        from .inside_views import surface_view
        surface_view(t)
    elif view == "scores":
        from .inside_views import scores_view
        scores_view(t)
    else:
        weights_view(t)


# ---------------------------------------------------------------- the step-through
def current_trace(t) -> I.Trace | None:
    """The trace of the chosen training point at the current weights (None: no point)."""
    n = t.X_train.shape[1]
    if n == 0:
        return None
    p = S.page()
    p.inside_point = min(max(int(p.inside_point), 0), n - 1)
    with p.lock:
        return I.trace(t, [p.inside_point])


def step_view(t) -> None:
    tr = current_trace(t)
    if tr is None:
        st.info("This run has no training points.")
        return
    p, n_steps = S.page(), len(tr.steps)
    p.inside_step = min(max(int(p.inside_step), 0), n_steps - 1)
    _step_controls(t, tr, n_steps)
    step = tr.steps[p.inside_step]
    st.markdown(f"**{p.inside_step + 1} / {n_steps} · {step.title}**")
    st.caption(PART_WORDS[step.part])
    SHOW[step.part](t, tr, step)


def _step_controls(t, tr: I.Trace, n_steps: int) -> None:
    p, n = S.page(), t.X_train.shape[1]
    cols = st.columns([1.6, 1, 1, 1.3, 1.6], vertical_alignment="bottom")
    cols[0].number_input("Training point", min_value=0, max_value=n - 1, step=1,
                         value=p.inside_point, key=f"pg_in_point_{p.inside_point}",
                         on_change=_pick_from_box, args=(f"pg_in_point_{p.inside_point}", n),
                         help="Which training point the step uses; or click the boundary.")
    cols[1].button("Back", key="pg_in_back", on_click=p.inside_move, args=(-1, n_steps),
                   disabled=p.inside_step == 0, icon=":material/chevron_left:", width="stretch",
                   help="The step before.")
    cols[2].button("Next", key="pg_in_next", on_click=p.inside_move, args=(1, n_steps),
                   disabled=p.inside_step >= n_steps - 1, icon=":material/chevron_right:",
                   width="stretch", help="The next step.")
    cols[3].button("Run to the end", key="pg_in_end", on_click=p.inside_move,
                   args=(n_steps, n_steps), width="stretch",
                   help="Show the loss before and after the step.")
    cols[4].button("Take this step", key="pg_in_take", on_click=_take, type="primary",
                   disabled=S.playing(), width="stretch",
                   help="Change the network's weights by this step (the epoch stays).")
    x = tr.points[0]
    st.caption(f"Point {tr.indices[0]} at ({fmt(x[0])}, {fmt(x[1])}), label {_label(t, tr)}.")


def _label(t, tr: I.Trace) -> str:
    y = tr.label[0]
    return fmt(y) if t.problem == "regression" else str(int(y))


def _pick_from_box(key: str, n: int) -> None:
    v = S.widget_value(key)
    if isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v < n:
        S.page().inside_pick(int(v))


def _take() -> None:
    t = S.trainer()
    with S.page().lock:
        why = I.take_step(t, [S.page().inside_point])
    S.page().flash = f"Step not taken: {why}." if why else \
        "Step taken: the weights changed by this step (the epoch stays the same)."
    S.page().inside_step = 0


def _forward(t, tr: I.Trace, step: I.Step) -> None:
    L = tr.layers[step.layer]
    st.markdown(f"`{I.FORWARD_RULE}` with f = {L.activation}: `{L.formula}`")
    rows = min(L.W.shape[0], MAX_ROWS)
    for j in range(rows):
        st.markdown(_neuron_line(L, j))
    if L.W.shape[0] > rows:
        st.caption(f"… and {L.W.shape[0] - rows} more neurons (the diagram shows them all).")
    if L.residual:
        st.caption(f"Residual: `{I.RESIDUAL_RULE}`.")


def _neuron_line(L: I.LayerTrace, j: int) -> str:
    """'neuron 2: z = 0.5·(0.12) + (−0.3)·(0.8) + 0.1 = 0.28, a = tanh(0.28) = 0.273'."""
    terms = [f"{_par(L.W[j, i])}·{_par(L.a_in[i, 0])}" for i in range(L.W.shape[1])]
    shown = " + ".join(terms[:6]) + (" + …" if len(terms) > 6 else "")
    skip = f" + {fmt(L.skip[j, 0])} (input added)" if L.residual else ""
    f = L.activation
    return (f"- {_unit(L, j)}: `z = {shown} + {_par(L.b[j])} = {fmt(L.Z[j, 0])}`, "
            f"`a = {f}({fmt(L.Z[j, 0])}){skip} = {fmt(L.A[j, 0])}`")


def _par(v: float) -> str:
    """A number as a term of a sum: negative ones in brackets."""
    return f"({fmt(v)})" if v < 0 else fmt(v)


def _unit(L: I.LayerTrace, j: int) -> str:
    return "the output" if L.name == "output layer" and L.W.shape[0] == 1 else f"{L.name}, neuron {j + 1}"


def _cost(t, tr: I.Trace, step: I.Step) -> None:
    out = ", ".join(fmt(v) for v in tr.output[:, 0])
    target = ", ".join(fmt(v) for v in tr.target[:, 0])
    if tr.output.shape[0] > 1:
        st.markdown("The output layer's softmax turns its z's into probabilities that add up to "
                    f"1: `p = ({out})`.")
    st.markdown(f"Output `{out}`, target `{target}` (label {_label(t, tr)}).")
    st.markdown(f"Cost: `{tr.cost_formula}` → **L = {fmt(tr.point_loss_before[0])}**")


def _backward(t, tr: I.Trace, step: I.Step) -> None:
    L = tr.layers[step.layer]
    last = step.layer == len(tr.layers) - 1
    rule = I.FUSED_RULE if last and tr.fused else I.BACKWARD_RULE
    st.markdown(f"`{rule}`; f′: `{L.derivative}`")
    rows = min(L.W.shape[0], MAX_ROWS)
    for j in range(rows):
        grads = ", ".join(fmt(v) for v in L.dW[j, :6]) + (", …" if L.dW.shape[1] > 6 else "")
        st.markdown(f"- {_unit(L, j)}: `δ = {fmt(L.delta[j, 0])}`, ∂L/∂w of its inputs "
                    f"`({grads})`, `∂L/∂b = {fmt(L.db[j])}`")


def _update(t, tr: I.Trace, step: I.Step) -> None:
    st.markdown(f"Optimizer **{tr.optimizer}**: `{tr.optimizer_rule}`, η = `{fmt(tr.lr)}`"
                + (f"; penalty {tr.penalty} (λ = `{fmt(tr.penalty_rate)}`): `{tr.penalty_formula}`"
                   if tr.penalty != "none" and tr.penalty_rate else ""))
    exact = st.column_config.NumberColumn(format="%.6g")  # a change of 4e-05 must show
    st.dataframe(_update_rows(t, tr), hide_index=True, height=260, key="pg_in_update",
                 column_config={k: exact for k in ("before", "∂L/∂w", "after", "change")})


def _update_rows(t, tr: I.Trace) -> dict:
    names, old, grad, new = [], [], [], []
    for l, L in enumerate(tr.layers):
        for j in range(L.W.shape[0]):
            for i in range(L.W.shape[1] + 1):
                bias = i == L.W.shape[1]
                names.append(parameter_name(t, l, j, -1 if bias else i))
                old.append(L.b[j] if bias else L.W[j, i])
                grad.append(L.db[j] if bias else L.dW[j, i])
                new.append(L.b_after[j] if bias else L.W_after[j, i])
    old, new = np.array(old), np.array(new)
    return {"parameter": names, "before": old, "∂L/∂w": grad, "after": new, "change": new - old}


def _result(t, tr: I.Trace, step: I.Step) -> None:
    a, b = st.columns(2)
    a.metric("This point's cost", fmt(tr.point_loss_after[0]),
             delta=fmt(tr.point_loss_after[0] - tr.point_loss_before[0]), delta_color="inverse",
             help=f"Before the step: {fmt(tr.point_loss_before[0])}")
    b.metric("Training loss", fmt(tr.train_loss_after),
             delta=fmt(tr.train_loss_after - tr.train_loss_before), delta_color="inverse",
             help=f"Before the step: {fmt(tr.train_loss_before)}")
    st.caption("Press **Take this step** to apply it to the network: the boundary and the "
               "diagram then show the new weights.")


SHOW = {"forward": _forward, "cost": _cost, "backward": _backward, "update": _update,
        "result": _result}


# ---------------------------------------------------------------- all weights
def weights_view(t) -> None:
    rows = {"parameter": [], "value": [], "exactly zero": []}
    for l, W in enumerate(t.net.W):
        for j in range(W.shape[0]):
            for i in range(W.shape[1]):
                bias = i == W.shape[1] - 1
                rows["parameter"].append(parameter_name(t, l, j, -1 if bias else i))
                rows["value"].append(float(W[j, i]))
                rows["exactly zero"].append(bool(W[j, i] == 0.0))
    zeros = sum(rows["exactly zero"])
    st.caption(f"{len(rows['value']):,} weights and biases; {zeros:,} exactly zero "
               "(L1 makes weights exactly zero; L2 only makes them small). Click a column to sort.")
    st.dataframe(rows, hide_index=True, height=320, key="pg_in_weights",
                 column_config={"value": st.column_config.NumberColumn(format="%.6g")})
