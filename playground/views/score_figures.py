"""The scores of core/scores.py as plotly figures: a confusion matrix (counts and the share of
each true class), and predicted against true values for regression. Colours from style.py."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..core.scores import Split
from . import style

MAX_POINTS = 2000   # points drawn in predicted-vs-true (a run has at most 2,000)


def _layout(fig: go.Figure, dark: bool, height: int, title: str) -> go.Figure:
    text = style.NEUTRAL if dark else style.TEXT
    fig.update_layout(height=height, margin=dict(l=60, r=10, t=40, b=50), title=dict(text=title, x=0.02),
                      paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
                      font=dict(color=text), dragmode=False)
    return fig


def confusion_figure(s: Split, names: list[str], dark: bool = False, height: int = 320) -> go.Figure:
    """Rows: the true class, columns: the predicted one; each cell its count and its share of
    the row (how the points of that class were called): right ones blue, mistakes orange."""
    C = s.confusion
    rows = C.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(rows > 0, C / np.maximum(rows, 1), 0.0)
    text = [[f"{C[i, j]:,}<br>{share[i, j]:.0%}" for j in range(C.shape[1])] for i in range(C.shape[0])]
    # right answers (the diagonal) in blue, mistakes in orange, as deep as their share
    z = np.where(np.eye(C.shape[0], dtype=bool), share, -share)
    fig = go.Figure(go.Heatmap(z=z, x=[f"called {n}" for n in names], y=[f"is {n}" for n in names],
                               text=text, texttemplate="%{text}", zmin=-1, zmax=1, showscale=False,
                               colorscale=[[0, style.ORANGE], [0.5, style.NEUTRAL], [1, style.BLUE]],
                               hovertemplate="%{y}, %{x}: %{text}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, dark, height, f"{s.name}: {s.n:,} points, {s.accuracy:.1%} right")


def regression_figure(train: Split, test: Split, dark: bool = False, height: int = 340) -> go.Figure:
    """Predicted against true values, the diagonal where they are equal."""
    fig = go.Figure()
    lo, hi = np.inf, -np.inf
    for s, colour, rim in ((train, style.BLUE, style.WHITE), (test, style.ORANGE, style.TEST_RIM)):
        if s.truth is None or not s.n:
            continue
        y, p = s.truth[:MAX_POINTS], s.predicted[:MAX_POINTS]
        ok = np.isfinite(y) & np.isfinite(p)
        y, p = np.round(y[ok], 4), np.round(p[ok], 4)
        if y.size:
            lo, hi = min(lo, y.min(), p.min()), max(hi, y.max(), p.max())
        fig.add_trace(go.Scattergl(x=y, y=p, mode="markers", name=f"{s.name} (R² {s.r2:.3f})",
                                   marker=dict(size=5, color=colour, line=dict(width=0.5, color=rim))))
    if np.isfinite(lo) and np.isfinite(hi):
        fig.add_trace(go.Scatter(x=[lo, hi], y=[lo, hi], mode="lines", name="predicted = true",
                                 line=dict(color=style.MUTED, dash="dash", width=1)))
    fig.update_xaxes(title="true value")
    fig.update_yaxes(title="predicted value")
    fig.update_layout(legend=dict(orientation="h", y=-0.25))
    return _layout(fig, dark, height, "Predicted against true")
