"""The run log's overlay: the pinned runs' train and test loss against epoch on one chart.

No Streamlit here. Each run has one colour (the A/B colours of style.py: the first pin is A,
the second B); train loss is drawn solid, test loss dotted, as the loss chart does. On the
dark page the text and the lines are lighter.
"""
from __future__ import annotations

import plotly.graph_objects as go

from . import style
from .figures import finite
from .lab_figures import empty_figure

RUN_COLOURS = (style.AB_COLOURS["A"], style.AB_COLOURS["B"])
DASH = {"train": "solid", "test": "dot"}


def run_colour(i: int, dark: bool = False) -> str:
    """Pin i's colour; on the dark page a third of the way to white (A's deep blue vanished)."""
    c = RUN_COLOURS[i % len(RUN_COLOURS)]
    return style.mix(c, style.WHITE, 1 / 3) if dark else c


def overlay_figure(rows, dark: bool = False, height: int = 260) -> go.Figure:
    """Train and test loss of each row (core/runlog.Row, its `curve`) against epoch; a message
    instead when no row is given. Non-finite losses are drawn as 0, never as NaN."""
    rows = list(rows)
    text = style.NEUTRAL if dark else style.TEXT
    if not rows:
        fig = empty_figure("Pin one or two runs to compare their loss curves.", height)
        fig.update_layout(font=dict(color=text))
        return fig
    fig = go.Figure()
    for i, r in enumerate(rows):
        for part in ("train", "test"):
            y = finite(getattr(r.curve, f"{part}_loss"))
            fig.add_trace(go.Scatter(
                x=list(r.curve.epoch), y=y, mode="lines", name=f"run {r.n} {part} loss",
                line=dict(color=run_colour(i, dark), width=2, dash=DASH[part]),
                hovertemplate=f"run {r.n}, epoch %{{x}}: {part} loss %{{y:.4f}}<extra></extra>"))
    fig.update_layout(height=height, margin=dict(l=40, r=10, t=10, b=30), dragmode=False,
                      font=dict(color=text),
                      legend=dict(orientation="h", x=1, xanchor="right", y=1.02, yanchor="bottom"))
    fig.update_xaxes(title_text="epoch", showgrid=False, fixedrange=True, rangemode="tozero")
    fig.update_yaxes(title_text="loss", showgrid=True, fixedrange=True, rangemode="tozero")
    return fig
