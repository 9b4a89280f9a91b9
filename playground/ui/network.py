"""The network editor (layers, neurons, activations, residual) and the inspector for a
selected neuron, weight or bias."""
from __future__ import annotations

import streamlit as st

from . import session as S
from ..core.config import ACTIVATION_NAMES, MAX_LAYERS, Config
from ..core.settings import label
from ..views.figures import unit_figure, unit_name
from .controls import hidden, name
from .help import HELP



def network_editor(cfg: Config, t, switches=None) -> None:
    """One row: the number of hidden layers and each hidden layer's neurons, in a fixed grid
    (adding a layer moves nothing); the per-layer activations (in a popover) and the residual
    switch go in `switches` (a slot of the top bar). The diagram below shows the same layers
    left to right."""
    if hidden(cfg, "network"):
        return
    n = len(cfg.layers)
    cols = st.columns([1.15] + [0.9] * MAX_LAYERS, gap="small", vertical_alignment="bottom")
    if not hidden(cfg, "layers"):
        cols[0].number_input(label("layers"), step=1, **S.w("w_depth"), help=HELP["depth"])
    for i in range(n):
        cols[i + 1].number_input(f"Layer {i + 1}", step=1, **S.w(f"w_width_{i}"),
                                 help=HELP["width"])
    if not n:
        cols[1].caption("No hidden layer: one weighted sum of the inputs, so a straight "
                        "boundary (in the input features).")
    with switches if switches is not None else st.container():
        a, b = st.columns([1.25, 1], gap="small", vertical_alignment="center")
        if n and not hidden(cfg, "activation"):
            acts = cfg.layer_activations()
            shown = name(acts[0]) if len(set(acts)) == 1 else "mixed"
            with a.popover(f"Activations: {shown}", width="stretch",
                           help="Choose an activation for each hidden layer."):
                for i in range(n):
                    st.selectbox(f"Layer {i + 1}", ACTIVATION_NAMES,
                                 **S.w(f"w_act_{i}", ACTIVATION_NAMES),
                                 format_func=name, help=HELP["layer_act"])
        if not hidden(cfg, "residual"):
            b.toggle(label("residual"), **S.w("w_residual"), help=HELP["residual"])
    if cfg.residual and n:
        st.caption(residual_text(cfg))


def residual_layers(cfg: Config) -> list[int]:
    """The hidden layers (numbered from 1) whose input is as wide as they are: the only ones
    a residual connection can add its input to."""
    widths_in = [len(cfg.features), *cfg.layers[:-1]]
    return [i + 1 for i, (a, b) in enumerate(zip(widths_in, cfg.layers)) if a == b]


def residual_text(cfg: Config) -> str:
    on = residual_layers(cfg)
    if not on:
        return ("Residual: no layer here has as many inputs as neurons, so there is nothing to "
                "add; it applies to layers whose input width equals their width (try 4,4,4).")
    names = ", ".join(str(i) for i in on)
    return (f"Residual: layer{'s' if len(on) > 1 else ''} {names} add{'' if len(on) > 1 else 's'} "
            "its input to its output (the others change width, so they cannot).")


def params_text(t) -> str:
    return (f"{t.net.n_params:,} weights and biases. Output: {_output_text(t)}. The loss is the "
            "mean cost over the points, without the regularization penalty.")


def _output_text(t) -> str:
    head = t.head
    units = f"{head.units} {head.output} units" if head.units > 1 else f"one {head.output} unit"
    cost = name(head.cost)
    return f"{units}, {cost[0].lower() + cost[1:]} cost"


def inspector(cfg: Config, t) -> None:
    """What the selected neuron computes (large), or the selected weight/bias with an editor."""
    sel = S.page().sel
    if not sel:
        st.caption("Click a neuron, a link (a weight) or a small square (a bias) in the network "
                   "to inspect it; weights and biases can be edited while paused.")
        return
    kind, *nums = sel.split(":")
    try:
        nums = [int(v) for v in nums]
        valid = (kind == "n" and nums[0] < len(t.net.sizes) and nums[1] < t.net.sizes[nums[0]]) or \
            (kind in ("w", "b") and S.parameter_value(sel) is not None)
    except (ValueError, IndexError):
        valid = False
    if not valid:
        S.page().sel = None
        return
    # A panel over the top of the window (page.css): where the eye is after a click in the
    # diagram, and it leaves the diagram and the boundary in view.
    with st.container(border=True, key="pg_inspector"):
        left, right = st.columns([1, 1.3], gap="medium")
        with right:
            if kind == "n":
                _neuron_text(t, *nums)
            else:
                _parameter_editor(t, sel, kind, nums)
            st.button("Close", key="pg_sel_close", on_click=S.page().select, args=(None,),
                      icon=":material/close:", help="Close the inspector.")
        with left:
            layer, unit = nums[0], nums[1]  # the neuron itself, or the one the weight/bias feeds
            st.plotly_chart(unit_figure(t, layer, unit, height=230), key="pg_fig_unit",
                            config={"displayModeBar": False})
            st.caption(f"What **{unit_name(t, layer, unit)}** computes over the plane: blue "
                       "positive, orange negative.")


def _neuron_text(t, layer: int, unit: int) -> None:
    st.markdown(f"**{unit_name(t, layer, unit)}**")
    if layer == 0:
        st.markdown("An input: this feature's value at every point of the plane. The network "
                    "only ever sees the inputs you switch on.")
        return
    W = t.net.W[layer - 1]
    parts = [f"{unit_name(t, layer - 1, i)}: `{W[unit, i]:+.4f}`" for i in range(W.shape[1] - 1)]
    st.markdown("It adds up its inputs times their weights, plus a bias, and applies its "
                f"activation. Weights in: {'; '.join(parts[:8])}{' …' if len(parts) > 8 else ''}.")
    _parameter_editor(t, f"b:{layer}:{unit}", "b", [layer, unit])


def _parameter_editor(t, sel: str, kind: str, nums: list[int]) -> None:
    value = S.parameter_value(sel)
    if kind == "w":
        what = f"weight from {unit_name(t, nums[0] - 1, nums[2])} to {unit_name(t, nums[0], nums[1])}"
    else:
        what = f"bias of {unit_name(t, nums[0], nums[1])}"
    st.markdown(f"**{what[0].upper() + what[1:]}** = `{value:.6g}`")
    playing = S.playing()
    key = f"pg_edit_{sel}_{t.epoch}_{value!r}"
    st.number_input("New value", value=float(value), step=0.1, format="%.4f", key=key,
                    disabled=playing, help=HELP["edit"], on_change=_edit, args=(sel, key))
    if playing:
        st.caption("Pause to edit.")


def _edit(sel: str, key: str) -> None:
    v = S.widget_value(key)
    if v is not None and not S.playing():
        S.edit_parameter(sel, v)
