"""Download animation: a button that draws the run so far as a GIF on the server
(views/animation.py), with a progress bar, and then offers the file.

The session keeps at most one GIF, on its Page (`Page.animation`), tied to the run it was made
from: the same trainer, the same epoch and the same weights. Once the run moves on (it trains,
is reset or edited, or another run replaces it) the stale GIF is dropped on the next page run.
"""
from __future__ import annotations

import hashlib
import weakref
from dataclasses import dataclass

import streamlit as st

from . import session as S
from ..views.animation import FRAME_MS, MAX_BYTES, MAX_FRAMES, Animation, frame_epochs, render

PROGRESS_STEPS = 20   # the bar moves at most this many times (each move is a message)


@dataclass(frozen=True)
class Kept:
    """The session's one GIF and what it was made from (so a stale one can be told apart)."""
    run: weakref.ref          # the trainer (a weak reference: it never keeps an old run alive)
    epoch: int
    weights: bytes            # a digest of θ at that epoch
    animation: Animation


def _weights(t) -> bytes:
    return hashlib.blake2b(t.net.theta.tobytes(), digest_size=16).digest()


def current(t) -> Kept | None:
    """The session's GIF if it shows this run as it is now; a stale one is dropped."""
    p = S.page()
    kept = p.animation
    if kept is not None and not (isinstance(kept, Kept) and kept.run() is t
                                 and kept.epoch == t.epoch and kept.weights == _weights(t)):
        p.animation = kept = None
    return kept


def make(t) -> Kept:
    """Draw the GIF with a progress bar, holding the run's lock (nothing trains meanwhile),
    and keep it as the session's one GIF."""
    bar = st.progress(0.0, text="Drawing the animation…")
    moved = [-1]

    def progress(i: int, n: int) -> None:
        step = i * PROGRESS_STEPS // n
        if step != moved[0]:
            moved[0] = step
            bar.progress(i / n, text=f"Drawing frame {i:,} of {n:,}…")

    p = S.page()
    with p.lock:
        animation = render(t, progress=progress)
        p.animation = kept = Kept(weakref.ref(t), t.epoch, _weights(t), animation)
    bar.empty()
    return kept


def _caption(kept: Kept | None) -> str:
    if kept is not None:
        e, size = kept.animation.epochs, len(kept.animation.gif) / 1e6
        return (f"Ready: {len(e):,} frames, epoch {e[0]:,} to {e[-1]:,}, {size:.1f} MB. "
                "Each frame shows the decision boundary at that epoch's weights, the points, "
                "and the train and test loss so far; the last frame is held.")
    # no numbers of the run here: a Step on the live channel does not redraw this caption
    return ("Draws the run so far as a GIF: the decision boundary, the points and the loss "
            f"curve, one frame per saved snapshot of the weights, at most {MAX_FRAMES} frames "
            f"evenly spread over the run ({FRAME_MS} ms each, the last held), at most "
            f"{MAX_BYTES // 1_000_000} MB.")


def animation_button(cfg, t) -> None:
    """"Make animation", then "Download animation (GIF)" and a caption saying what it shows
    and how many frames. Waits for a pause: while playing, the weights change under it. (Not
    disabled before training: a Step on the live channel does not redraw the button.)"""
    p = S.page()
    with p.lock:
        kept = current(t)
    playing = S.playing()
    with st.container(key="pg_anim_box"):
        clicked = st.button("Make animation", key="pg_make_anim", icon=":material/movie:",
                            disabled=playing, width="stretch",
                            help="Draws the training so far as an animated GIF on the server."
                                 + (" Pause first." if playing else ""))
        if clicked and not S.playing():
            with p.lock:
                ready = len(frame_epochs(t)) >= 2
            if ready:
                kept = make(t)
            else:
                st.info("Train a few epochs first (Play or Step): the animation shows how the "
                        "run got where it is.")
        if kept is not None:
            st.download_button("Download animation (GIF)", data=kept.animation.gif,
                               key="pg_dl_anim", file_name="playground-training.gif",
                               mime="image/gif", on_click="ignore", icon=":material/download:",
                               width="stretch")
        st.caption(_caption(kept))
