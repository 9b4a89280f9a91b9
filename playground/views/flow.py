"""Depth Lab figures of training itself: how the gradient flows back through the layers,
and what residual connections change. Pure functions from sweep results to plotly figures,
sharing lab_figures' helpers and style.py's colours. No Streamlit here.
"""
from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .lab_figures import (depth_axis, depth_label, empty_figure, fmt_number, log_ticks,
                          spread_trace, values_of, wrap_title)
from .style import VARIANT_COLOURS, depth_colour


# ---------------------------------------------------------------- gradient flow
def _mean_norms(results: Sequence[Mapping], key: str) -> dict[int, list]:
    """depth → per-layer mean norm over seeds (None where no finite value)."""
    acc: dict[int, list[list[float]]] = {}
    for r in results:
        norms = r.get(key) or []
        cols = acc.setdefault(r["depth"], [[] for _ in norms])
        for j, v in enumerate(norms[:len(cols)]):
            if v is not None and math.isfinite(v):
                cols[j].append(v)
    return {d: [float(np.mean(c)) if c else None for c in cols] for d, cols in sorted(acc.items())}


def gradient_flow(results: Sequence[Mapping], title: str | None = None) -> go.Figure:
    """Per-layer gradient norm ‖∂C/∂W‖ (log scale), at initialization and after training,
    one line per depth; x is the weight layer from the input (1) to the output."""
    if not results:
        return empty_figure("No results yet: run a sweep.")
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=["At initialization", "After training"])
    init, final = _mean_norms(results, "grad_norms_init"), _mean_norms(results, "grad_norms_final")
    depths = list(init)
    longest = 1
    for i, d in enumerate(depths):
        colour = depth_colour(i, len(depths))
        for col, norms in ((1, init.get(d, [])), (2, final.get(d, []))):
            ys = [v if v and v > 0 else None for v in norms]  # zeros have no place on a log axis
            longest = max(longest, len(ys))
            layers = list(range(1, len(ys) + 1))
            text = [f"depth {d}, layer {l}{' (output)' if l == len(ys) else ''}: {fmt_number(v)}"
                    for l, v in zip(layers, norms)]
            fig.add_trace(go.Scatter(x=layers, y=ys, mode="lines+markers", name=depth_label(d),
                                     legendgroup=str(d), showlegend=col == 1,
                                     line=dict(color=colour, width=2), marker=dict(size=6),
                                     hovertext=text, hoverinfo="text"), row=1, col=col)
    fig.update_yaxes(type="log", **log_ticks(values_of(results, "grad_norms_init", "grad_norms_final")))
    fig.update_yaxes(title_text="gradient norm", row=1, col=1)
    fig.update_xaxes(dtick=1 if longest <= 12 else None, range=[0.5, longest + 0.5])
    fig.update_xaxes(title_text="weight layer (1 = input)", row=1, col=1)
    fig.update_xaxes(title_text="weight layer", row=1, col=2)
    # the legend below the charts: at its right it took a third of a phone's width
    fig.update_layout(height=400, margin=dict(l=10, r=10, t=60 if title else 40, b=10),
                      title=dict(text=title, font=dict(size=14)) if title else None,
                      legend=dict(title_text="depth", orientation="h", y=-0.22, x=0,
                                  yanchor="top"), hovermode="closest")
    return fig


# ---------------------------------------------------------------- residual on vs off
def residual_compare(plain: Sequence[Mapping], residual: Sequence[Mapping],
                     classification: bool = True) -> go.Figure:
    """The same sweep without and with residual connections, side by side: final test
    loss (or accuracy) against depth, and the first layer's gradient norm at initialization."""
    if not plain or not residual:
        return empty_figure("Run the sweep with the residual comparison on.")
    depths = sorted({r["depth"] for r in list(plain) + list(residual)})
    metric = "test_accuracy" if classification else "test_loss"
    titles = [wrap_title(t, 22) for t in (  # side by side on a phone too
        "Final test accuracy" if classification else "Final test loss (log scale)",
        "First layer's gradient at init (log scale)")]
    lines = max(t.count("<br>") + 1 for t in titles)
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.12, subplot_titles=titles)
    for name, rs in (("plain", plain), ("residual", residual)):
        colour = VARIANT_COLOURS[name]
        label = "without residual" if name == "plain" else "with residual"
        fig.add_trace(spread_trace(rs, metric, label, colour, legendgroup=name), row=1, col=1)
        first = [{"depth": r["depth"], "g": (r.get("grad_norms_init") or [None])[0]} for r in rs]
        fig.add_trace(spread_trace(first, "g", label, colour, legendgroup=name,
                                    showlegend=False), row=1, col=2)
    depth_axis(fig, depths)
    both = list(plain) + list(residual)
    if classification:
        fig.update_yaxes(range=[0.0, 1.05], tickformat=".0%", row=1, col=1)
    else:
        fig.update_yaxes(type="log", row=1, col=1, **log_ticks(values_of(both, "test_loss")))
    fig.update_yaxes(type="log", row=1, col=2,
                     **log_ticks([(r.get("grad_norms_init") or [None])[0] for r in both]))
    fig.update_layout(height=320 + 20 * lines, margin=dict(l=10, r=10, t=20 + 20 * lines, b=10),
                      legend=dict(orientation="h", y=-0.25, x=0), hovermode="closest")
    return fig
