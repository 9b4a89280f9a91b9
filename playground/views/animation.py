"""Download animation: the run's training as a GIF, drawn on the server from its snapshots.

Each frame is one snapshot of the run's trail (`Trainer.trail`: bounded (epoch, θ) pairs):
the decision boundary at those weights on the left, the training (and, when shown, the test)
points over it, and on the right the train and test loss up to that epoch (`Trainer.history`)
with the epoch written out. No streamlit here; the page's button is ui/animation_panel.py.

- The boundary is the engine's own forward pass (`Workspace.forward` and `class_scores`, as
  `Trainer.predict_grid` and `figures.boundary_values` read it) on core/grid.py's cell
  centres, FIELD_GRID per side, then scaled up. It runs on a twin of the trainer's network
  (same sizes, activations, residual links and head) holding each snapshot in turn, so the
  trainer's weights are never written, not even for a moment.
- Every colour comes from views/style.py. Frames are drawn straight into palette indices of
  one fixed palette (GIF is a palette format): no per-frame quantizing, so it is fast and
  each pixel is exactly a style colour.
- Bounded: at most MAX_FRAMES frames (the trail's own cap), SIZE pixels each, at most
  MAX_BYTES; over that, every other frame is dropped and the GIF encoded again.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ..core.costs import class_scores
from ..core.datasets import DOMAIN
from ..core.engine import Net, Workspace
from ..core.grid import grid_points
from ..core.trail import MAX_SNAPSHOTS
from ..core.rundata import augmented
from . import style
from .figures import finite, problem_kind

MAX_FRAMES = MAX_SNAPSHOTS       # 200: never more frames than the trail holds snapshots
SIZE = (480, 260)                # (width, height) of every frame, in pixels
MAX_BYTES = 8_000_000            # the GIF's size cap
FRAME_MS, HOLD_MS = 60, 2000     # each frame's time; the last one is held
FIELD_GRID = 64                  # the boundary's cells per side (then scaled up)
FIELD, MARGIN = 256, 2           # the boundary panel's side and its margin, in pixels
PANEL_X = FIELD + 3 * MARGIN + 4   # where the loss panel starts
CHART = (PANEL_X + 34, 70, SIZE[0] - 8, SIZE[1] - 22)   # the loss chart's box (x0, y0, x1, y1)

Progress = Callable[[int, int], None]


# ---------------------------------------------------------------- one palette
def _ramp(scale, n: int) -> list[str]:
    """n colours evenly along a [[position, colour], ...] scale (style's scales)."""
    out = []
    for s in np.linspace(0.0, 1.0, n):
        for (p0, c0), (p1, c1) in zip(scale[:-1], scale[1:]):
            if s <= p1:
                out.append(style.mix(c0, c1, (s - p0) / (p1 - p0)))
                break
    return out


RAMP_N, BAND_N = 48, 16
FIXED = [style.WHITE, style.TEXT, style.MUTED, style.TEST_RIM,
         style.LOSS_COLOURS["train"], style.LOSS_COLOURS["test"]]
BG, INK, AXIS, RIM_TEST, LOSS_TRAIN, LOSS_TEST = range(len(FIXED))
CLASS0 = len(FIXED)                                  # the class colours (points)
RAMP0 = CLASS0 + len(style.CLASS_COLOURS)            # the boundary: orange … grey … blue
VALUE0 = RAMP0 + RAMP_N                              # regression points' colours
BAND0 = VALUE0 + BAND_N                              # class c's band: no confidence … sure
COLOURS = (FIXED + list(style.CLASS_COLOURS) + _ramp(style.BOUNDARY_SCALE, RAMP_N)
           + _ramp(style.VALUE_SCALE, BAND_N)
           + [col for c in range(len(style.CLASS_COLOURS)) for col in _ramp(
               [[0.0, style.class_band(c)[0]], [1.0, style.class_band(c)[1]]], BAND_N)])
NONE = 255                                           # "no point here" in the points layer
assert len(COLOURS) < NONE
PALETTE = b"".join(bytes(style.rgb(c)) for c in COLOURS).ljust(768, b"\0")


# ---------------------------------------------------------------- which snapshots
def frame_epochs(t, max_frames: int = MAX_FRAMES) -> list[int]:
    """The epochs of the snapshots that become frames, oldest first: the snapshot nearest
    each of `max_frames` (at most MAX_FRAMES) epochs evenly spaced over the run, without
    repeats. So the animation moves through the run at an even pace, also where the trail
    keeps its latest epochs one by one, and a run whose snapshots are all one epoch apart
    (up to `max_frames` epochs) shows every one. The first and the latest are always frames."""
    epochs = np.asarray(t.trail.epochs())
    n = max(2, min(int(max_frames), MAX_FRAMES))
    if len(epochs) <= 2:
        return [int(e) for e in epochs]
    targets = np.linspace(epochs[0], epochs[-1], n)
    right = np.clip(np.searchsorted(epochs, targets), 1, len(epochs) - 1)
    nearer_left = targets - epochs[right - 1] <= epochs[right] - targets
    return [int(e) for e in np.unique(epochs[np.where(nearer_left, right - 1, right)])]


# ---------------------------------------------------------------- the boundary
class _Field:
    """The boundary at any snapshot θ, as palette indices (FIELD × FIELD, top row y = +DOMAIN).
    A twin of the trainer's net evaluates the grid in a workspace of its own."""

    def __init__(self, t):
        net = t.net
        twin = Net(net.sizes, net.act_names[:-1], any(net.residual), net.head)
        assert twin.residual == net.residual and twin.n_params == net.n_params
        self.net, self.kind = twin, problem_kind(t)
        self.k = max(2, net.sizes[-1])
        _, P = grid_points(FIELD_GRID)
        self.Xa = augmented(P, t.cfg.features)
        self.ws = Workspace(twin, self.Xa.shape[1])

    def indices(self, theta: np.ndarray) -> np.ndarray:
        np.copyto(self.net.theta, theta)
        with np.errstate(all="ignore"):
            O = self.ws.forward(self.Xa)
            if self.kind == "multiclass":   # the class and its softmax share (boundary_values)
                S = finite(O)
                E = np.exp(S - S.max(axis=0))
                conf = (E.max(axis=0) / E.sum(axis=0)).reshape(FIELD_GRID, FIELD_GRID)
                c = S.argmax(axis=0).reshape(FIELD_GRID, FIELD_GRID)
                s = np.clip((conf - 1 / self.k) / (1 - 1 / self.k), 0, 1)
                cells = (BAND0 + c * BAND_N + np.rint(s * (BAND_N - 1))).astype(np.uint8)
                return _scaled(cells, Image.NEAREST)
            if self.kind == "binary":       # P(class 1), as Trainer.predict_grid
                s = finite(class_scores(O, self.net.head), 0.5)
            else:                           # a value: −1 … 1 on the same scale
                s = (np.clip(finite(O[0]), -1, 1) + 1) / 2
        s = _scaled(s.reshape(FIELD_GRID, FIELD_GRID).astype(np.float32), Image.BILINEAR)
        return (RAMP0 + np.rint(np.clip(s, 0, 1) * (RAMP_N - 1))).astype(np.uint8)


def _scaled(cells: np.ndarray, how) -> np.ndarray:
    """Grid rows (row i: y = axis[i], upwards) → FIELD × FIELD image rows (downwards)."""
    return np.asarray(Image.fromarray(np.flipud(cells)).resize((FIELD, FIELD), how))


# ---------------------------------------------------------------- the points
def _disc(r: float) -> list[tuple[int, int]]:
    k = int(r)
    return [(dx, dy) for dx in range(-k, k + 1) for dy in range(-k, k + 1) if dx * dx + dy * dy <= r * r]


DOT, DOT_INSIDE = _disc(2.5), _disc(1.5)     # a point: a rim 1 px wide around a 3 px dot


def _to_pixels(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points in the input square → (column, row) in the boundary panel."""
    X = finite(X, 1e9)
    return (np.floor((X[:, 0] + DOMAIN) / (2 * DOMAIN) * FIELD).astype(np.int64),
            np.floor((DOMAIN - X[:, 1]) / (2 * DOMAIN) * FIELD).astype(np.int64))


def _stamp(layer: np.ndarray, X: np.ndarray, fill: np.ndarray, rim: int) -> None:
    """Dots at points X (n, 2): colour indices `fill` (n,) inside a rim of index `rim`."""
    px, py = _to_pixels(X)
    for shape, value in ((DOT, rim), (DOT_INSIDE, None)):
        for dx, dy in shape:
            x, y = px + dx, py + dy
            ok = (x >= 0) & (x < FIELD) & (y >= 0) & (y < FIELD)
            layer[y[ok], x[ok]] = rim if value is not None else fill[ok]


def _fill(y: np.ndarray, kind: str) -> np.ndarray:
    if kind == "regression":
        return (VALUE0 + np.rint((np.clip(finite(y), -1, 1) + 1) / 2 * (BAND_N - 1))).astype(np.uint8)
    return (CLASS0 + np.asarray(y, dtype=np.int64) % len(style.CLASS_COLOURS)).astype(np.uint8)


def points_layer(t) -> np.ndarray:
    """The points as palette indices (NONE where there is none): training points with a
    white rim, test points (when the page shows them) with a dark one drawn over them."""
    layer = np.full((FIELD, FIELD), NONE, np.uint8)
    kind, d = problem_kind(t), t.data
    _stamp(layer, d.X_train, _fill(d.y_train, kind), BG)
    if t.cfg.show_test and len(d.X_test):
        _stamp(layer, d.X_test, _fill(d.y_test, kind), RIM_TEST)
    return layer


# ---------------------------------------------------------------- the loss panel
def _font(size: int):
    return ImageFont.load_default(size)   # FreeType's default font, or Pillow's bitmap one


def _number(v: float) -> str:
    return f"{v:.4g}" if np.isfinite(v) else "—"


class _LossPanel:
    """The loss chart, drawn as the frames go: each frame adds the records since the last."""

    def __init__(self, history, first: int, last: int):
        e = np.asarray(history.epoch)
        keep = e <= last
        self.e = e[keep]
        self.losses = {LOSS_TRAIN: finite(np.asarray(history.train_loss, float)[keep], np.inf),
                       LOSS_TEST: finite(np.asarray(history.test_loss, float)[keep], np.inf)}
        shown = np.concatenate([v[np.isfinite(v)] for v in self.losses.values()] + [np.zeros(1)])
        top = float(shown.max()) or 1.0
        x0, y0, x1, y1 = CHART
        span = max(last - first, 1)
        self.x = x0 + (np.clip(self.e, first, last) - first) / span * (x1 - x0)
        self.y = {k: y1 - np.clip(v, 0, top) / top * (y1 - y0) for k, v in self.losses.items()}
        self.image = Image.new("P", SIZE, BG)
        draw, small = ImageDraw.Draw(self.image), _font(10)
        draw.line([(x0, y0), (x0, y1), (x1, y1)], fill=AXIS)
        draw.text((x0 - 4, y0), f"{top:.3g}", fill=INK, font=small, anchor="ra")
        draw.text((x0 - 4, y1), "0", fill=INK, font=small, anchor="rb")
        draw.text((x0, y1 + 4), f"{first:,}", fill=INK, font=small, anchor="la")
        draw.text((x1, y1 + 4), f"epoch {last:,}", fill=INK, font=small, anchor="ra")
        self.drawn = 0   # records drawn so far

    def upto(self, epoch: int) -> tuple[Image.Image, float, float]:
        """The chart with every record up to `epoch`, and the latest (train, test) loss."""
        n = int(np.searchsorted(self.e, epoch, side="right"))
        draw = ImageDraw.Draw(self.image)
        for k, y in self.y.items():
            seg = list(zip(self.x[max(self.drawn - 1, 0):n], y[max(self.drawn - 1, 0):n]))
            if len(seg) >= 2:
                draw.line(seg, fill=k, width=1)
        self.drawn = max(self.drawn, n)
        if n == 0:
            return self.image, np.nan, np.nan
        return self.image, float(self.losses[LOSS_TRAIN][n - 1]), float(self.losses[LOSS_TEST][n - 1])


# ---------------------------------------------------------------- frames and the GIF
@dataclass(frozen=True)
class Animation:
    """A rendered GIF and the epochs of its frames (what a caption may promise)."""
    gif: bytes
    epochs: tuple[int, ...]


def _frame(field: np.ndarray, points: np.ndarray, panel: Image.Image, train: float,
           test: float, *, epoch: int) -> Image.Image:
    im = panel.copy()
    arr = np.where(points != NONE, points, field)
    im.paste(Image.fromarray(arr), (MARGIN, MARGIN))
    draw = ImageDraw.Draw(im)
    draw.text((PANEL_X, 6), f"Epoch {epoch:,}", fill=INK, font=_font(16))
    draw.text((PANEL_X, 30), f"train loss {_number(train)}", fill=LOSS_TRAIN, font=_font(12))
    draw.text((PANEL_X, 46), f"test loss {_number(test)}", fill=LOSS_TEST, font=_font(12))
    im.putpalette(PALETTE)
    return im


def _encode(frames: list[Image.Image], frame_ms: int) -> bytes:
    out = io.BytesIO()
    durations = [frame_ms] * (len(frames) - 1) + [HOLD_MS]
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], loop=0,
                   duration=durations, optimize=False, disposal=1)
    return out.getvalue()


def render(t, *, max_frames: int = MAX_FRAMES, progress: Progress | None = None,
           max_bytes: int = MAX_BYTES) -> Animation:
    """The run so far as an Animation: the frames of `frame_epochs(t, max_frames)`, or every
    other one of them (again, as often as needed) if the GIF would exceed `max_bytes` (two
    frames always fit MAX_BYTES: one is at most ~0.2 MB even where LZW cannot compress).
    `progress(i, n)` is called after frame i of n is drawn. Reads the trainer, never writes
    it; the caller keeps it from training meanwhile (the page holds the run's lock)."""
    epochs = frame_epochs(t, max_frames)
    snaps = dict(zip(t.trail.epochs(), t.trail.thetas()))
    field, points = _Field(t), points_layer(t)
    panel = _LossPanel(t.history, epochs[0], epochs[-1])
    frames = []
    for i, e in enumerate(epochs):
        frames.append(_frame(field.indices(snaps[e]), points, *panel.upto(e), epoch=e))
        if progress is not None:
            progress(i + 1, len(epochs))
    frame_ms = FRAME_MS
    gif = _encode(frames, frame_ms)
    while len(gif) > max_bytes and len(frames) > 2:
        keep = list(range(0, len(frames) - 1, 2)) + [len(frames) - 1]   # the last stays
        frames, epochs, frame_ms = [frames[i] for i in keep], [epochs[i] for i in keep], 2 * frame_ms
        gif = _encode(frames, frame_ms)
    return Animation(gif, tuple(epochs))


def render_gif(t, *, max_frames: int = MAX_FRAMES, progress: Progress | None = None) -> bytes:
    """The run so far as GIF bytes (see `render`)."""
    return render(t, max_frames=max_frames, progress=progress).gif
