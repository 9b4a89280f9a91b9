"""See inside: the data as each layer sees it, and the loss surface (ui/inside.py chooses).

Both are computed by core.spaces from the engine's own forward pass, under the run's lock
(the live channel may be training the same run in its worker thread), and drawn by
views.inside_figures. The layer view follows a playing run twice a second.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from . import session as S
from ..core.spaces import layer_view, loss_slice
from ..core.messages import parameter_name
from ..views.inside_figures import layer_view_figure, loss_slice_figure

LIVE_EVERY = 0.5       # seconds between redraws of the layer view while the run plays
DIRECTIONS = {"random": "two random directions", "path": "the path's own two main directions",
              "weights": "two weights you choose"}
MAX_CHOICES = 400      # parameters offered as directions (a large network lists its first ones)
PCA = "first two principal components"


def dark_theme() -> bool:
    return getattr(st.context.theme, "type", None) == "dark"


def layer_names(t) -> list[str]:
    hidden = len(t.net.sizes) - 2
    return ["input"] + [f"hidden layer {l}" for l in range(1, hidden + 1)] + ["output"]


def layers_view(cfg, t) -> None:
    names = layer_names(t)
    a, b = st.columns([2, 2], vertical_alignment="bottom")
    chosen = a.select_slider("Layer", names, value=names[min(1, len(names) - 1)],
                             key=f"pg_in_layer_{len(names)}",
                             help="Which layer's view of the data: step through them.")
    layer = names.index(chosen) if chosen in names else 0
    width = t.net.sizes[layer]
    axes = None
    if width > 2:
        options = [PCA] + [f"neurons {i + 1} and {j + 1}" for i in range(min(width, 8))
                           for j in range(i + 1, min(width, 8))]
        pick = b.selectbox("Axes", options, key=f"pg_in_axes_{layer}_{width}",
                           help="Two neurons of the layer as the axes, or the two directions "
                                "along which its points spread the most.")
        if pick in options and pick != PCA:
            i, j = (int(w) - 1 for w in pick.removeprefix("neurons ").split(" and "))
            axes = (i, j)
    every = LIVE_EVERY if S.playing() else None
    st.fragment(run_every=every)(_layer_figure)(layer, axes)


def _layer_figure(layer: int, axes) -> None:
    t = S.trainer()
    if layer >= len(t.net.sizes):
        return
    with S.page().lock:
        view = layer_view(t, layer, axes)
    fig = layer_view_figure(view, t.problem, t.data.n_classes, dark=dark_theme(), height=420)
    st.plotly_chart(fig, key="pg_in_layer_fig", config={"displayModeBar": False})
    st.caption("Points: the training set, where this layer puts them. Lines: a grid of the "
               "input plane, bent the way the layer bends it, coloured by the network's "
               "prediction. The output layer's view is the prediction itself.")


def _parameters(t) -> list[tuple[int, int, int]]:
    """(layer, row, col) of every weight and bias (col −1), as net.W lays them out."""
    out = [(l, j, -1 if i == W.shape[1] - 1 else i) for l, W in enumerate(t.net.W)
           for j in range(W.shape[0]) for i in range(W.shape[1])]
    return out[:MAX_CHOICES]


def _two_weights(t) -> tuple | None:
    """The two parameters the slice moves (their own values on the axes), or None."""
    params = _parameters(t)
    if len(params) < 2:
        st.info("This network has fewer than two weights.")
        return None
    name = lambda p: parameter_name(t, *p)  # noqa: E731
    a, b = st.columns(2)
    n = len(params)
    p = a.selectbox("First weight", params, index=0, format_func=name, key=f"pg_in_w1_{n}",
                    help="The horizontal axis: this weight's value.")
    q = b.selectbox("Second weight", params, index=1, format_func=name, key=f"pg_in_w2_{n}",
                    help="The vertical axis: this weight's value.")
    if p not in params or q not in params or p == q:
        st.info("Choose two different weights.")
        return None
    return (p, q)


def surface_view(t) -> None:
    a, b = st.columns([2, 1], vertical_alignment="bottom")
    kind = a.selectbox("Slice along", list(DIRECTIONS), format_func=DIRECTIONS.get,
                       key="pg_in_dirs", help="Which two directions in weight space the slice "
                       "follows. Random ones are scaled to each layer's weights.")
    seed = int(b.number_input("Directions' seed", 0, 9999, 0, key="pg_in_seed",
                              help="Other random directions.")) if kind == "random" else 0
    if kind == "weights":
        kind = _two_weights(t)
        if kind is None:
            return
    trail = getattr(t, "trail", None)
    path = trail.thetas() if trail is not None and len(trail) else ()
    if kind == "path" and len(path) < 3:
        st.info("Train a few epochs first: the path needs at least three points.")
        return
    with S.page().lock:
        sl = loss_slice(t, directions=kind if kind in DIRECTIONS or isinstance(kind, tuple)
                        else "random", seed=seed, path=path,
                        span=None if kind == "path" else 1.0)
    st.plotly_chart(loss_slice_figure(sl, dark=dark_theme(), height=440), key="pg_in_surface_fig",
                    config={"displayModeBar": False})
    st.caption("Colour: the training loss if the weights moved to that spot of the plane (the "
               "centre is where they are now). The line: where training took them. A too "
               "large learning rate shows as a path that jumps across the valley.")


# ---------------------------------------------------------------- how right is it
SCORE_WORDS = {
    "classes": "Rows are what a point is, columns what the network calls it: the diagonal (blue) is "
               "right, the rest (orange) are its mistakes. **Precision** of a class: of the points called "
               "that class, the share that are. **Recall**: of the points of that class, the "
               "share it found. The test points never trained the network: their matrix is the "
               "honest one.",
    "values": "Each point's predicted value against its true one: on the dashed line they are "
              "equal. **R²** is 1 for a perfect fit and 0 for always predicting the mean; the "
              "**mean absolute error** is how far off a prediction is, on average.",
}


def scores_view(t) -> None:
    from ..core.scores import scores
    from ..views.score_figures import confusion_figure, regression_figure
    with S.page().lock:
        train, test = scores(t)
    if t.problem == "regression":
        st.caption(SCORE_WORDS["values"])
        st.markdown(f"**R²** train {train.r2:.3f} · test {test.r2:.3f} &nbsp;&nbsp; "
                    f"**Mean absolute error** train {train.mae:.4g} · test {test.mae:.4g}")
        st.plotly_chart(regression_figure(train, test, dark=dark_theme()), key="pg_in_scores_fig",
                        config={"displayModeBar": False})
        return
    st.caption(SCORE_WORDS["classes"])
    k = train.confusion.shape[0]
    names = ["orange", "blue"] if k == 2 else [f"class {i}" for i in range(k)]
    cols = st.columns(2)
    for col, split in zip(cols, (train, test)):
        col.plotly_chart(confusion_figure(split, names, dark=dark_theme()),
                         key=f"pg_in_confusion_{split.name}", config={"displayModeBar": False})
    rows = [{"class": n, "precision (test)": _share(test.precision[i]), "recall (test)": _share(test.recall[i]),
             "precision (train)": _share(train.precision[i]), "recall (train)": _share(train.recall[i])}
            for i, n in enumerate(names)]
    st.dataframe(rows, hide_index=True, width="stretch", key="pg_in_scores_table")


def _share(v) -> str:
    return "–" if not np.isfinite(v) else f"{v:.1%}"
