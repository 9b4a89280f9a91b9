"""The one grid over the input square [-DOMAIN, DOMAIN]² on which every boundary is drawn:
the live canvas, the plotly figures and the Depth Lab all evaluate the network at the
centres of n × n equal cells (TensorFlow Playground draws 100 × 100)."""
from __future__ import annotations

import numpy as np

from .datasets import DOMAIN

GRID = 100  # cells per side of the main boundary


def cell_centres(n: int = GRID) -> np.ndarray:
    """The n cell centres along one axis: -DOMAIN + (i + ½)·2·DOMAIN/n, i = 0 … n−1."""
    step = 2 * DOMAIN / n
    return -DOMAIN + step * (np.arange(n) + 0.5)


def grid_points(n: int = GRID) -> tuple[np.ndarray, np.ndarray]:
    """Cell centres along one axis (n,) and all grid points (n·n, 2), row-major by y then x:
    row i of a reshaped (n, n) grid is y = axis[i]."""
    axis = cell_centres(n)
    xx, yy = np.meshgrid(axis, axis)
    return axis, np.column_stack([xx.ravel(), yy.ravel()])
