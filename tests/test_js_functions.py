"""The live view's JavaScript by idea (views/static/*.js, joined by views/static_code): no file
holds everything (playground.js was one 810-line closure) and no function is longer than
MAX_LINES (found roughly: brace matching from each `function` keyword and each `=> {`)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from playground.views import static_code

MAX_LINES = 60


def _blank_literals(js: str) -> str:
    """Comments and string literals (not template literals: their ${…} braces balance) as
    spaces, newlines kept, so braces in them do not count and line numbers stay."""
    out = re.sub(r"/\*.*?\*/|//[^\n]*|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'",
                 lambda m: re.sub(r"[^\n]", " ", m.group(0)), js, flags=re.S)
    return out


def functions(js: str) -> list[tuple[str, int, int]]:
    """(name, first line, number of lines) of every function body in `js`."""
    code = _blank_literals(js)
    found = []
    for m in re.finditer(r"\bfunction\b\s*\*?\s*(\w*)\s*\([^)]*\)\s*\{|(\w+)?\s*=?\s*(?:\([^()]*\)|\w+)\s*=>\s*\{", code):
        start = m.end() - 1
        depth, i = 0, start
        while i < len(code):
            if code[i] == "{":
                depth += 1
            elif code[i] == "}":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        first = code.count("\n", 0, start) + 1
        found.append((m.group(1) or m.group(2) or "(anonymous)", first, code.count("\n", start, i) + 1))
    return found


def test_the_counter_sees_long_functions():
    body = "\n".join(f"  x += {i};" for i in range(70))
    js = f"function short() {{ return '}}'; }}\nconst long = (a) => {{\n{body}\n}};\n"
    got = {name: n for name, _, n in functions(js)}
    assert got["short"] == 1 and got["long"] == 72


@pytest.mark.parametrize("name", static_code.JS_FILES)
def test_no_function_is_longer_than_max_lines(name):
    js = static_code.js_sources()[name]
    found = functions(js)
    assert found, name
    long = [(f, line, n) for f, line, n in found if n > MAX_LINES]
    assert not long, f"{name}: {long}"


def test_one_file_per_idea_joined_in_a_fixed_order():
    static = Path(static_code.STATIC)
    assert sorted(p.name for p in static.glob("*.js")) == sorted(static_code.JS_FILES)
    src = static_code.js_sources()
    assert list(src) == list(static_code.JS_FILES)
    assert all(len(js.splitlines()) < 300 for js in src.values()), {k: len(v.splitlines()) for k, v in src.items()}
    full = static_code.canvas_js(compacted=False)
    at = [full.index(js) for js in src.values()]
    assert at == sorted(at)                                  # in JS_FILES order, each whole
    assert "globalThis.PlaygroundCanvas = api" in static_code.canvas_js()


def test_the_page_and_the_tests_load_the_same_code():
    from playground.ui import canvas as ui_canvas
    import test_canvas_js
    assert ui_canvas.code_payload()["js"] == static_code.canvas_js()
    if not __import__("os").environ.get("PG_CANVAS_JS"):
        assert test_canvas_js.JS == static_code.canvas_js()
