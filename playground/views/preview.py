"""Dataset previews: small RGB images (NumPy arrays) of each dataset for the data column's
buttons, in the playground's colours (style.py). No Streamlit."""
from __future__ import annotations

import numpy as np

from ..core.datasets import DATASETS, DOMAIN
from .style import BLUE, NEUTRAL, ORANGE, class_colour, rgb


def dataset_preview(name: str, size: int = 60, points: int = 200) -> np.ndarray:
    """A small RGB image (size, size, 3) of a dataset: coloured dots on a light square
    (regression: orange negative, grey zero, blue positive, as TFP colours values)."""
    rng = np.random.default_rng(7)
    X, y = DATASETS[name](points, 0.0, 2 if name not in ("spiral", "blobs") else 3, rng)
    img = np.full((size, size, 3), 245, np.uint8)
    px = np.clip(((X + DOMAIN) / (2 * DOMAIN) * (size - 2)).astype(int), 0, size - 3)
    if name.startswith("reg-"):
        v = np.clip(np.asarray(y, dtype=np.float64) / max(1e-9, np.abs(y).max()), -1, 1)[:, None]
        end = np.where(v < 0, _rgb(ORANGE), _rgb(BLUE))
        colours = (1 - np.abs(v)) * _rgb(NEUTRAL) + np.abs(v) * end
        dot = 1
    else:
        colours = np.array([_rgb(class_colour(c)) for c in y])
        dot = 2
    for (cx, cy), col in zip(px, colours.astype(np.uint8)):
        img[size - 1 - dot - cy:size - 1 - cy, cx:cx + dot] = col
    return img


def _rgb(colour: str) -> np.ndarray:
    return np.array(rgb(colour), dtype=np.float64)
