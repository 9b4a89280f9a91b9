"""Download animation (views/animation.py, ui/animation_panel.py): the GIF decodes with the
frames `frame_epochs` promised, within its size and frame bounds, shows the boundary moving
as the engine computes it, and never touches the trainer's run."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from appkit import page, run, trainer
from playground.core.config import Config
from playground.core.datasets import DOMAIN
from playground.core.train import Trainer
from playground.views import animation as A
from playground.views import style
from playground.views.figures import boundary_values
from test_style import colour_literals

ROOT = Path(__file__).resolve().parents[1]


def trained(epochs: int, **cfg) -> Trainer:
    t = Trainer(Config(**cfg))
    t.train(epochs)
    return t


def frames(gif: bytes) -> list[Image.Image]:
    """Every frame of a GIF, decoded to RGB, with its duration in ms."""
    im, out = Image.open(io.BytesIO(gif)), []
    assert im.format == "GIF"
    for i in range(im.n_frames):
        im.seek(i)
        rgb = im.convert("RGB")
        rgb.info["duration"] = im.info.get("duration")
        out.append(rgb)
    return out


@pytest.fixture(scope="module")
def circle():
    return trained(60)


def test_the_gif_decodes_with_the_frames_promised(circle):
    promised = A.frame_epochs(circle)
    assert promised == circle.trail.epochs()      # one epoch apart, fewer than MAX_FRAMES: all
    calls = []
    gif = A.render_gif(circle, progress=lambda i, n: calls.append((i, n)))
    got = frames(gif)
    assert len(got) == len(promised) == 61
    assert calls == [(i, len(promised)) for i in range(1, len(promised) + 1)]
    assert all(f.size == A.SIZE for f in got)
    assert len(gif) <= A.MAX_BYTES
    assert [f.info["duration"] for f in got] == [A.FRAME_MS] * 60 + [A.HOLD_MS]
    assert Image.open(io.BytesIO(gif)).info.get("loop") == 0


def test_frames_are_bounded_for_a_long_run():
    t = trained(3000, points=100)
    assert len(t.trail) > 100
    for asked in (1_000_000, A.MAX_FRAMES, 40, 2):
        e = A.frame_epochs(t, asked)
        assert 2 <= len(e) <= min(asked, A.MAX_FRAMES)
        assert e[0] == 0 and e[-1] == 3000 and e == sorted(set(e)) and set(e) <= set(t.trail.epochs())
    even = np.diff(A.frame_epochs(t, 40))        # an even pace, not the trail's dense tail
    assert even.max() < 3 * even.mean()
    animation = A.render(t, max_frames=40)
    assert len(frames(animation.gif)) == len(animation.epochs) == len(A.frame_epochs(t, 40))
    assert len(A.render_gif(t)) <= A.MAX_BYTES


def test_the_trainer_is_untouched_bit_for_bit():
    t = trained(30, dataset="spiral", points=200, layers=(6, 6), show_test=True)
    theta = t.net.theta.copy()
    before = (t.epoch, t.trail.epochs(), t.trail.thetas().copy(), list(t.history.train_loss),
              {k: np.copy(v) for k, v in t.opt_state.items()}, t.order_rng.bit_generator.state)
    A.render_gif(t)
    assert t.net.theta.view(np.uint64).tolist() == theta.view(np.uint64).tolist()
    assert (t.epoch, t.trail.epochs()) == before[:2]
    assert np.array_equal(t.trail.thetas(), before[2]) and t.history.train_loss == before[3]
    assert t.opt_state.keys() == before[4].keys()
    assert all(np.array_equal(t.opt_state[k], v) for k, v in before[4].items())
    assert t.order_rng.bit_generator.state == before[5]
    t.train(1)                                         # and it trains on as if nothing happened
    twin = trained(31, dataset="spiral", points=200, layers=(6, 6), show_test=True)
    assert np.array_equal(t.net.theta, twin.net.theta)


def _pixel(i: int, j: int, n: int) -> tuple[int, int]:
    """The frame pixel at the centre of grid cell (row i: y = axis[i], column j)."""
    step = A.FIELD / n
    return A.MARGIN + int((j + 0.5) * step), A.MARGIN + int((n - 1 - i + 0.5) * step)


def test_the_boundary_moves_as_the_engine_says():
    """Where the engine's own boundary (figures.boundary_values at the first and the last
    snapshot) moved towards blue, the last frame is bluer than the first, and where it moved
    towards orange, more orange (cells with no point near their centre)."""
    t = trained(150)
    probe = Trainer(t.cfg, data=t.data)
    grids = []
    for theta in t.trail.thetas()[[0, -1]]:
        np.copyto(probe.net.theta, theta)
        grids.append(boundary_values(probe, A.FIELD_GRID)[0])
    first, last = frames(A.render_gif(t))[::len(A.frame_epochs(t)) - 1]
    n, X = A.FIELD_GRID, np.vstack([t.data.X_train, t.data.X_test])
    axis = -DOMAIN + 2 * DOMAIN / n * (np.arange(n) + 0.5)
    free = np.ones((n, n), bool)
    for x, y in X:
        free &= np.hypot(axis[None, :] - x, axis[:, None] - y) > 4 * 2 * DOMAIN / A.FIELD
    change = grids[1] - grids[0]
    moved = free & (np.abs(change) > 0.3)
    assert (moved & (change > 0)).sum() > 20 and (moved & (change < 0)).sum() > 20

    def blueness(frame, i, j):
        r, _, b = frame.getpixel(_pixel(i, j, n))
        return b - r

    for i, j in zip(*np.nonzero(moved)):
        assert np.sign(blueness(last, i, j) - blueness(first, i, j)) == np.sign(change[i, j]), (i, j)
    assert first.crop((0, 0, A.FIELD, A.FIELD)).tobytes() != last.crop((0, 0, A.FIELD, A.FIELD)).tobytes()


@pytest.mark.parametrize("cfg", [dict(), dict(dataset="blobs", classes=4, cost="cross_entropy"),
                                 dict(dataset="reg-plane", show_test=True)])
def test_every_pixel_is_a_style_colour(cfg):
    """Binary, k classes, regression: each frame is drawn in the palette made of style.py's
    colours only (no colour of its own, nothing mixed by quantizing)."""
    t = trained(8, points=120, **cfg)
    allowed = {style.rgb(c) for c in A.COLOURS}
    got = frames(A.render_gif(t))
    assert len(got) == len(A.frame_epochs(t)) == 9
    for f in (got[0], got[-1]):
        assert {rgb for _, rgb in f.getcolors(maxcolors=256 * 256)} <= allowed
    assert got[0].tobytes() != got[-1].tobytes()


def test_the_points_are_drawn_where_they_are():
    t = trained(2, points=60)
    f = frames(A.render_gif(t))[-1]
    colours = {style.rgb(c) for c in style.CLASS_COLOURS[:2]}
    for (x, y), label in zip(t.data.X_train, t.data.y_train):
        px = A.MARGIN + int((x + DOMAIN) / (2 * DOMAIN) * A.FIELD)
        py = A.MARGIN + int((DOMAIN - y) / (2 * DOMAIN) * A.FIELD)
        if 2 < px - A.MARGIN < A.FIELD - 2 and 2 < py - A.MARGIN < A.FIELD - 2:
            assert f.getpixel((px, py)) in colours


def test_over_the_byte_cap_every_other_frame_goes():
    t = trained(40)
    full = A.render(t)
    cap = len(full.gif) // 3
    small = A.render(t, max_bytes=cap)
    assert len(small.gif) <= cap
    assert len(frames(small.gif)) == len(small.epochs) < len(full.epochs) // 2
    assert small.epochs[0] == 0 and small.epochs[-1] == t.epoch
    assert set(small.epochs) <= set(full.epochs)


def test_no_colour_literals_of_their_own():
    for rel in ("playground/views/animation.py", "playground/ui/animation_panel.py"):
        assert colour_literals((ROOT / rel).read_text(encoding="utf-8")) == [], rel


# ---------------------------------------------------------------- the page's button
def test_the_page_makes_one_gif_and_drops_it_when_the_run_moves_on():
    at = page(layers="3")
    button = lambda: next(b for b in at.button if b.key == "pg_make_anim")   # noqa: E731
    button().click()                             # epoch 0: nothing to animate yet
    run(at)
    assert at.session_state["pg"].animation is None and any("Train a few epochs" in m.value for m in at.info)
    trainer(at).train(12)
    run(at)
    button().click()
    run(at)
    kept = at.session_state["pg"].animation
    assert kept is not None and kept.epoch == 12
    assert len(frames(kept.animation.gif)) == len(A.frame_epochs(trainer(at))) == 13
    assert "pg_dl_anim" in {w.key for w in at.get("download_button")}
    assert any("13 frames" in c.value for c in at.caption)
    run(at)                                      # a rerun keeps it ...
    assert at.session_state["pg"].animation is kept
    at.session_state["pg"].playing = True        # while playing the weights move under it
    run(at)
    assert button().disabled
    at.session_state["pg"].playing = False
    trainer(at).train(1)                         # ... the run moving on drops it
    run(at)
    assert at.session_state["pg"].animation is None
    assert "pg_dl_anim" not in {w.key for w in at.get("download_button")}
