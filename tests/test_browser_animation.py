"""Download animation in Debian's Chromium: train a few Steps, Make animation, download the GIF
and decode it: it has exactly the frames the page's caption promised, one per epoch stepped
(plus epoch 0), at the size the module promises. The page is saved to
tests/artifacts/animation-ready.png (the panel) and the GIF to tests/artifacts/animation.gif: look at them."""
from __future__ import annotations

import io
import re

from PIL import Image

from pagekit import LOAD_TIMEOUT, click, key, step, wait_idle, wait_loaded
from playground.views.animation import SIZE

FRAMES = re.compile(r"Ready: (\d[\d,]*) frames, epoch (\d[\d,]*) to (\d[\d,]*)")
STEPS = 6


def test_download_an_animation_and_it_decodes_with_the_frames_promised(app_url, new_page, artifacts):
    page = new_page(downloads=True)
    page.goto(f"{app_url}/?layers=3")
    wait_loaded(page)
    assert step(page, STEPS, idle=True) == STEPS
    click(page, "pg_make_anim")
    download = page.locator(f"{key('pg_dl_anim')} button")
    download.wait_for(timeout=LOAD_TIMEOUT)
    wait_idle(page)
    caption = page.locator(f"{key('pg_anim_box')} [data-testid=stCaptionContainer]").first.inner_text()
    found = FRAMES.search(caption)
    assert found, caption
    promised, first, last = (int(g.replace(",", "")) for g in found.groups())
    assert (first, last) == (0, STEPS)
    page.locator(key("pg_anim_box")).first.screenshot(path=str(artifacts / "animation-ready.png"))
    with page.expect_download() as info:
        download.click()
    assert info.value.suggested_filename == "playground-training.gif"
    path = artifacts / "animation.gif"
    info.value.save_as(str(path))
    gif = Image.open(io.BytesIO(path.read_bytes()))
    assert gif.format == "GIF" and gif.size == SIZE
    assert gif.n_frames == promised == STEPS + 1
    assert not page.errors, page.errors
