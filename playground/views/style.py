"""The one look of the playground: every colour the plotly figures, the dataset previews and
the live canvas (through ``canvas_spec.PALETTE``; playground.js has no colours of its own)
draw with. Pure: no plotly, no streamlit.

Colours follow TensorFlow Playground: orange is class 0 / negative, blue is class 1 /
positive, a light grey the middle of every diverging scale. A boundary is TFP's heatmap: the
full colour drawn at alpha 160/255 over white (``heat``); ``BOUNDARY_SCALE`` is that
pre-mixed, so a plotly heatmap and the canvas paint the same pixels. Every colour scale is an
explicit list (the named "RdBu" runs in opposite directions in Python plotly and plotly.js).
"""
from __future__ import annotations

ORANGE, BLUE = "#f59322", "#0877bd"
NEUTRAL = "#e8eaeb"   # the middle of the diverging scales (TFP)
NAN_GREY = "#a0a0a0"  # a value that is not a number
WHITE = "#ffffff"
TEXT = "#333333"      # text, where the page has no colour of its own

# Class c is CLASS_COLOURS[c]; CSV data may have up to 10 classes (io.data_csv.MAX_CLASSES).
CLASS_COLOURS = (ORANGE, BLUE, "#2ca02c", "#9467bd", "#d62728", "#8c564b", "#e377c2",
                 "#7f7f7f", "#bcbd22", "#17becf")
HEAT_ALPHA = 160 / 255
# Loss curves: middle lightness, so both show on the light and the dark theme.
LOSS_COLOURS = {"train": "#8c8c8c", "test": "#d62728"}
WEIGHT_COLOURS = {"negative": ORANGE, "positive": BLUE}
SKIP = "#8e44ad"      # the residual arrows in the diagram
TEST_RIM = "#333333"  # the rim of a test point in the plotly figures (train: white)
SELECTED = "#222222"  # the selection mark in the plotly network figure
MUTED = "#777777"     # the message of an empty figure
DIVERGED = "#d62728"  # "diverged" notes
TIME = "#444444"      # the Lab's training-time line
VARIANT_COLOURS = {"plain": "#7f7f7f", "residual": "#2ca02c"}
AB_COLOURS = {"A": "#3b3b98", "B": "#c2255c"}
# Depth lines: shallow = purple → deep = green, every colour of middle lightness so each
# line shows on white and on the dark theme (Viridis's #440154 vanished on dark).
DEPTH_RAMP = ("#9467bd", "#7a5cc4", "#5470c6", "#3e87b5", "#26828e", "#1f9e89", "#35b779",
              "#6ece58")


def class_colour(c: int) -> str:
    return CLASS_COLOURS[int(c) % len(CLASS_COLOURS)]


def class_colours(k: int) -> list[str]:
    """The colours of classes 0 … k-1."""
    return [class_colour(c) for c in range(k)]


def rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def mix(a: str, b: str, t: float) -> str:
    """#rrggbb a + (b − a)·t (t = 0: a, 1: b)."""
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(rgb(a), rgb(b)))


def heat(colour: str) -> str:
    """A colour as the boundary shows it: drawn at HEAT_ALPHA over white."""
    return mix(WHITE, colour, HEAT_ALPHA)


# Values (regression points, weights, hidden units' inputs): orange −1 … grey 0 … blue +1.
VALUE_SCALE = [[0.0, ORANGE], [0.5, NEUTRAL], [1.0, BLUE]]
# The boundary and the neurons' maps: the value scale as a heatmap (the canvas's colours).
BOUNDARY_SCALE = [[0.0, heat(ORANGE)], [0.5, heat(NEUTRAL)], [1.0, heat(BLUE)]]
# k classes on a boundary without confidence (flat bands): the class colours as heatmaps.
CLASS_TINTS = tuple(heat(c) for c in CLASS_COLOURS)


def class_band(c: int) -> tuple[str, str]:
    """Class c's boundary colour from no confidence (the neutral grey) to full confidence."""
    return heat(NEUTRAL), heat(class_colour(c))


def weight_colour(w: float) -> str:
    """A weight's sign colour (the canvas shades links by size on the same two ends)."""
    return WEIGHT_COLOURS["positive"] if w >= 0 else WEIGHT_COLOURS["negative"]


def depth_colour(i: int, n: int) -> str:
    """Line i of n depths."""
    if n <= 1:
        return DEPTH_RAMP[2]
    return DEPTH_RAMP[round(i * (len(DEPTH_RAMP) - 1) / (n - 1))]


# Everything the live canvas draws with (canvas_spec.PALETTE sends it; "#rrggbbaa" where the
# canvas draws translucent): the scales' ends, the loss lines, and the chart furniture.
CANVAS_COLOURS = {
    "negative": ORANGE, "positive": BLUE, "neutral": NEUTRAL, "nan": NAN_GREY,
    "train": LOSS_COLOURS["train"], "test": LOSS_COLOURS["test"], "skip": SKIP,
    "text": TEXT,                 # the page's own text colour wins (the dark theme)
    "paper": WHITE,               # the rim of a training point, the inside of a test point
    "rim_value": "#00000059",     # the rim of a regression point
    "cross": "#0000001f",         # the boundary's axes
    "ticks": "#00000073",         # the boundary's tick labels
    "axis": "#80808066",          # the loss chart's axes
    "axis_text": "#888888",       # the loss chart's tick labels
    "identity": "#80808099",      # a residual layer's identity links (dashed)
    "edge": "#646464b3",          # a neuron's frame
    "bias_edge": "#3c3c3ccc",     # a bias mark's frame
}
