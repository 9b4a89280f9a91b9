"""Server start: what every visitor's first page run needs, done once before the first visitor.

A fresh server's first page took 1.7–2.0 s from the browser's first paint to the first
boundary, a warm one 0.4–0.6 s: its first page run took 0.9 s (0.05 s warm), importing the
page and what Streamlit loads lazily on a process's first run (see `warm`). `lifespan` (given
to `st.App` in app.py) does this in a worker thread before the server takes requests, so the
server reports healthy about 1.5 s later and the first visitor's page is as quick as the
next. It keeps nothing of a visitor's: the run it trains is a default one, dropped at once.
If the warm-up fails, the server starts anyway (logged).
"""
from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager

LOG = logging.getLogger(__name__)
WARM_EPOCHS = 5


def warm() -> None:
    """Import the page and run its first-run code once on the default settings, and what
    Streamlit itself loads on a process's first page run (measured: pandas, 0.75 s, for the
    live view's data; the emoji table, 0.37 s, for the page icon; a look at the call stack,
    0.27 s, on the first element)."""
    import pandas  # noqa: F401
    from streamlit import delta_generator
    from streamlit.string_util import is_emoji

    from . import page  # (the whole page: Streamlit elements, plotly, the engine)
    from ..core.config import Config
    from ..core.train import Trainer
    from ..views.canvas_spec import frame_spec, points_spec, spec_json
    from ..views.static_code import canvas_css, canvas_js

    is_emoji(page.PAGE_ICON)
    once = getattr(delta_generator, "_maybe_print_use_warning", None)  # (a private name)
    if once:
        once()
    canvas_js(), canvas_css()
    t = Trainer(Config())
    t.train(WARM_EPOCHS)
    spec_json({**frame_spec(t), "points": points_spec(t)})


@asynccontextmanager
async def lifespan(_app):
    try:
        await asyncio.to_thread(warm)
    except Exception:  # a warm-up is an optimisation: never a reason not to serve
        LOG.exception("warm-up at server start failed; serving anyway")
    yield
