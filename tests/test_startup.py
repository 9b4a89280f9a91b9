"""The server's warm-up (ui/startup.py): done before the first visitor, never a reason not to serve."""
import asyncio
import subprocess
import sys
import textwrap
from pathlib import Path

from playground.ui import startup

ROOT = Path(__file__).resolve().parents[1]


def test_the_warm_up_loads_what_a_first_page_run_needs():
    """In a fresh interpreter (nothing imported yet): after the lifespan's start, the page, the
    modules Streamlit loads lazily on a first run, and the live view's script are all loaded."""
    code = textwrap.dedent("""
        import asyncio, sys
        from playground.ui.startup import lifespan
        before = {m for m in ("pandas", "playground.ui.page", "streamlit.emojis") if m in sys.modules}
        async def main():
            async with lifespan(None):
                from playground.views.static_code import canvas_js
                from streamlit import delta_generator
                print(sorted(before), "pandas" in sys.modules, "playground.ui.page" in sys.modules,
                      "streamlit.emojis" in sys.modules, canvas_js.cache_info().currsize,
                      delta_generator._use_warning_has_been_displayed)
        asyncio.run(main())
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["[]", "True", "True", "True", "1", "True"], out.stdout


def test_a_failing_warm_up_still_serves(monkeypatch, caplog):
    def broken():
        raise RuntimeError("no warm-up today")
    monkeypatch.setattr(startup, "warm", broken)
    served = []

    async def main():
        async with startup.lifespan(None):
            served.append(True)
    asyncio.run(main())
    assert served == [True]
    assert "warm-up at server start failed" in caplog.text
