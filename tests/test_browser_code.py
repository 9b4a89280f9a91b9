"""The Code button in Debian's Chromium: Step a few epochs, download the NumPy script, run it,
and it prints the run's own losses (io/code_export.py)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from pagekit import epoch, key, losses, step, wait_idle, wait_loaded
from playground.core.config import parse_query
from playground.core.train import Trainer

QUERY = "dataset=xor&layers=5,3&lr=0.1&seed=7&optimizer=momentum"


def test_code_button_gives_a_script_that_repeats_the_run(app_url, new_page, artifacts, tmp_path):
    page = new_page(downloads=True)
    page.goto(f"{app_url}/?{QUERY}")
    wait_loaded(page)
    wait_idle(page)
    done = step(page, 4, idle=True)
    shown = losses(page)
    link = page.locator("[data-pg-link]").first.inner_text().strip()
    assert link.startswith(app_url + "/?")
    button = page.locator(f"{key('pg_dl_code_numpy')} button").first
    button.scroll_into_view_if_needed()
    with page.expect_download() as info:
        button.click()
    assert info.value.suggested_filename == "playground-run.py"
    path = tmp_path / "playground-run.py"
    info.value.save_as(str(path))
    page.screenshot(path=str(artifacts / "code-button.png"))
    assert epoch(page) == done and page.locator("[data-testid=stException]").count() == 0

    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    r = subprocess.run([sys.executable, str(path)], cwd=tmp_path, capture_output=True, text=True,
                       timeout=120, env={**env, "MPLBACKEND": "Agg"})
    assert r.returncode == 0, r.stderr[-2000:]
    got = json.loads([ln for ln in r.stdout.splitlines() if ln.startswith("FINAL ")][-1][6:])

    cfg, notes = parse_query(link.split("?", 1)[1])
    assert not notes and cfg.optimizer == "momentum"
    t = Trainer(cfg)
    t.train(done)
    want = t.summary()
    assert got["epoch"] == done == want["epoch"]
    for k in ("train_loss", "test_loss"):
        assert abs(got[k] - want[k]) <= 1e-12, (k, got[k], want[k])
    assert (f"{got['train_loss']:.4f}", f"{got['test_loss']:.4f}") == shown
