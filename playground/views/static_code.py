"""The live view's JavaScript: the files of ``static/``, one idea each, joined in a fixed
order into one script that defines ``globalThis.PlaygroundCanvas``. Pure: no streamlit.

Plain JS, no build step: the files are fragments of one closure (they share its scope, so a
later file may call an earlier file's functions and vice versa at run time), wrapped here in
``const PlaygroundCanvas = (() => { "use strict"; … return api; })();``. ``component.js``,
last, defines ``api``. ``ui/canvas.py`` sends ``canvas_js()`` to the browser (once, keyed by
its hash); the tests load the same string into a bare page (tests/test_canvas_js.py).

    text.js       number formats, the status line and caption (twins of ui/live.py)
    model.js      the model twin: features, activations, compile, run, forward, evalGrid
    colours.js    the spec's palette (no colour of its own), lookup tables, the pixel shader
    paint.js      painters: boundary, points, loss chart
    diagram.js    the network diagram and its hit-testing
    channel.js    the live channel's socket (ui/channel.py): frames in, credits out
    component.js  the st.components.v2 component, playback, layout; the API
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

STATIC = Path(__file__).parent / "static"
JS_FILES = ("text.js", "model.js", "colours.js", "paint.js", "diagram.js", "channel.js", "points.js", "component.js")
HEAD = ("/* Live view of the playground (assembled by playground/views/static_code.py from "
        + ", ".join(JS_FILES) + "). */\nconst PlaygroundCanvas = (() => {\n\"use strict\";\n")
TAIL = "\nglobalThis.PlaygroundCanvas = api;\nreturn api;\n})();\n"


def js_sources() -> dict[str, str]:
    """Each file's text, in assembly order."""
    return {name: (STATIC / name).read_text(encoding="utf-8") for name in JS_FILES}


def compact(js: str) -> str:
    """Drop comments (block comments and comment-only lines) and indentation: less to send.
    The files have no "/*" inside strings or regular expressions."""
    js = re.sub(r"/\*.*?\*/", "", js, flags=re.S)
    lines = (ln.strip() for ln in js.splitlines())
    return "\n".join(ln for ln in lines if ln and not ln.startswith("//"))


@lru_cache(maxsize=2)
def canvas_js(compacted: bool = True) -> str:
    """The whole live-view script (compacted: as the page receives it)."""
    js = HEAD + "\n".join(js_sources().values()) + TAIL
    return compact(js) if compacted else js


def canvas_css() -> str:
    return (STATIC / "playground.css").read_text(encoding="utf-8")
