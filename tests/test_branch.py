"""Going back in time and branching (core/branch.py, canvas_spec.scrub_spec, session.Page):
the page shown at epoch e has the weights of a fresh run trained to e; a branch at e equals a
fresh run that changes the setting at e, and so does the run its link rebuilds; what cannot
be replayed exactly is refused with a reason; a session keeps one run a branch left."""
from __future__ import annotations

import numpy as np
import pytest

from playground.core.branch import MAX_GHOST_POINTS, branch, ghost
from playground.core.config import DEFAULT, parse_query, to_query
from playground.core.settings import MAX_BRANCH_EPOCHS
from playground.core.train import Trainer
from playground.ui.session import Page
from playground.views.canvas_spec import scrub_spec

CFG = DEFAULT.replace(optimizer="adam", lr=0.01, batch=7, seed=4)   # optimizer state matters


def _W(spec) -> list:
    return [L["W"] for L in spec["layers"]]


def test_scrubbing_shows_the_weights_and_losses_of_a_fresh_run_at_that_epoch():
    t = Trainer(CFG)
    t.train(900)                      # the trail has thinned: older moments are sparser
    now = t.net.theta.copy()
    epochs = t.trail.epochs()
    assert len(epochs) < 901
    for e in (epochs[1], epochs[len(epochs) // 2], epochs[-3]):
        fresh = Trainer(CFG)
        fresh.train(e)
        spec = scrub_spec(t, e)
        ref = scrub_spec(fresh, e)
        assert spec["epoch"] == e == spec["scrub"]
        assert _W(spec) == _W(ref)
        assert (spec["train_loss"], spec["test_loss"]) == (fresh.history.train_loss[-1], fresh.history.test_loss[-1])
    assert np.array_equal(t.net.theta, now)  # the run itself is untouched


@pytest.mark.parametrize("change", [{"lr": 0.003}, {"optimizer": "sgd", "lr": 0.1}, {"batch": 25, "reg": "l2", "reg_rate": 0.01}])
def test_a_branch_equals_a_fresh_run_that_changes_the_setting_at_that_epoch(change):
    t = Trainer(CFG)
    t.train(120)
    e = t.trail.epochs()[-40]
    b, why = branch(t, e, CFG.replace(**change))
    assert why is None and b.epoch == e
    b.train(30)
    fresh = Trainer(CFG)
    fresh.train(e)
    fresh.adopt(CFG.replace(**change))
    fresh.train(30)
    assert np.array_equal(b.net.theta, fresh.net.theta)
    linked = Trainer(parse_query(to_query(b.cfg))[0])  # the branch's link
    linked.train(30)
    assert np.array_equal(linked.net.theta, b.net.theta)
    assert b.history.train_loss == linked.history.train_loss


def test_a_run_changed_along_the_way_cannot_be_branched_past_the_change():
    t = Trainer(CFG)
    t.train(20)
    t.adopt(t.cfg.replace(lr=0.1))        # mid-run: the link no longer replays what follows
    t.train(20)
    assert t.exact_until == 20
    assert branch(t, 30, t.cfg)[0] is None and "changed along the way" in branch(t, 30, t.cfg)[1]
    b, why = branch(t, 10, t.cfg)         # before the change: exact
    assert why is None and b.cfg.branch_from == "lr:0.01"
    assert "not one of the saved" in branch(t, 7777, t.cfg)[1]


def test_branch_links_are_bounded_and_checked():
    assert parse_query(f"branch_at={MAX_BRANCH_EPOCHS + 1}")[0].branch_at == 0
    for bad in ("lr", "dataset:xor", "lr:abc", "lr:0.1,lr:0.2"):
        cfg, notes = parse_query(f"branch_at=5&branch_from={bad}")
        assert cfg.branch_from == "" and notes, bad
    cfg = parse_query("branch_at=5&branch_from=optimizer:sgd,lr:0.3")[0]
    assert cfg.branch_from == "optimizer:sgd,lr:0.3"     # canonical: table order


def test_the_session_keeps_one_run_a_branch_left_and_either_can_be_kept():
    p = Page(cfg=CFG, trainer=Trainer(CFG))
    p.trainer.train(700)                  # the trail thinned: its moments are not every epoch
    original = p.trainer
    p.scrub_to(p.trainer.trail.epochs()[-10])
    p.cfg = CFG.replace(lr=0.001)
    assert p.branch_here() is None
    first = p.trainer
    assert p.original is original and len(p.ghost["epoch"]) <= MAX_GHOST_POINTS
    at = first.cfg.branch_at
    p.trainer.train(5)
    p.scrub_to(p.trainer.trail.epochs()[-3])          # past its own branch point: one link cannot
    assert "changed along the way" in p.branch_here()  # replay two changes; refused, nothing lost
    assert p.trainer is first and p.original is original
    p.scrub_to(max(e for e in p.trainer.trail.epochs() if e <= at))
    assert p.branch_here() is None
    assert p.original is first            # one run kept, not a chain
    p.back_to_original()
    assert p.trainer is first and p.original is None and p.ghost is None
    assert len(ghost(original)["epoch"]) <= MAX_GHOST_POINTS


def test_a_slider_drawn_before_steps_on_the_channel_does_not_send_the_page_back():
    """Steps on the live channel move the run on without redrawing the time slider; a page
    run (See inside asks for one after each Step) could then report the slider's old right
    end as a change, and the page showed that epoch as a look back: the counter went back
    two epochs under load (found by tests/test_browser_inside_page.py on two test workers)."""
    p = Page(cfg=CFG, trainer=Trainer(CFG))
    p.trainer.train(22)
    drawn_at = p.trainer.epoch          # the slider's "now" when it was drawn
    p.step(), p.step()                  # two Steps on the channel: the run is at 24
    p.scrub_to(drawn_at, drawn_at)
    assert p.scrub is None              # still now: epoch 24 on screen
    p.scrub_to(p.trainer.trail.epochs()[-5], drawn_at)
    assert p.scrub == p.trainer.trail.epochs()[-5]   # a real look back still works
