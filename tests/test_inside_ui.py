"""See inside on the page (AppTest): the step-through walks forward, cost, backward, update and
the result with the engine's numbers, "Take this step" changes the run by exactly that step,
and the weights table marks exact zeros (a crafted view name: tests/test_page_inputs.py)."""
from __future__ import annotations

import numpy as np

from appkit import page, run
from playground.core import inside as I
from playground.ui import inside as UI
from playground.ui.widgets import INSIDE_VIEWS


def open_view(at, view: str):
    [chooser] = [w for w in at.segmented_control if w.key.startswith("pg_inside")]
    chooser.set_value(view)
    return run(at)


def shown_title(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**") and " / " in m.value)


def test_every_view_a_visitor_can_pick_is_drawn():
    assert UI.VIEWS is INSIDE_VIEWS  # one table: the names and the labels
    at = page(layers="3", dataset="xor")
    for view in INSIDE_VIEWS:
        open_view(at, view)  # run() asserts that nothing raised


def test_the_step_through_walks_every_step_with_the_engines_numbers():
    at = open_view(page(layers="4,2", dataset="circle", seed="3"), "step")
    t = at.session_state["pg"].trainer
    want = I.trace(t, [0])
    titles = [shown_title(at)]
    for _ in range(len(want.steps) - 1):
        at.button(key="pg_in_next").click()
        titles.append(shown_title(run(at)))
    assert titles == [f"**{k + 1} / {len(want.steps)} · {s.title}**" for k, s in enumerate(want.steps)]
    assert at.button(key="pg_in_next").disabled
    # the forward text of the first layer shows the engine's z and a of its first neuron
    for _ in range(len(want.steps) - 1):
        at.button(key="pg_in_back").click()
        run(at)
    assert at.button(key="pg_in_back").disabled
    line = next(m.value for m in at.markdown if m.value.startswith("- hidden layer 1, neuron 1"))
    L0 = want.layers[0]
    assert f"= {UI.fmt(L0.Z[0, 0])}`" in line and f"= {UI.fmt(L0.A[0, 0])}`" in line


def test_the_update_table_and_take_this_step_are_one_step_of_the_engine():
    at = open_view(page(layers="3", dataset="xor", optimizer="adam", lr="0.03"), "step")
    p = at.session_state["pg"]
    p.inside_pick(5)
    t = p.trainer
    want = I.trace(t, [5])
    at.button(key="pg_in_end").click()
    run(at)
    at.button(key="pg_in_back").click()  # the update step: its table
    run(at)
    table = at.dataframe[-1].value  # rows in θ's own order: W_l row by row, each bias last
    assert np.array_equal(table["before"].to_numpy(), want.theta_before)
    assert np.array_equal(table["after"].to_numpy(), want.theta_after)
    epoch = t.epoch
    at.button(key="pg_in_take").click()
    run(at)
    assert np.array_equal(p.trainer.net.theta, want.theta_after)  # exactly the step shown
    assert p.trainer.epoch == epoch and p.inside_step == 0
    assert any("Step taken" in m.value for m in at.toast)


def test_the_weights_table_marks_exact_zeros():
    at = open_view(page(layers="3", dataset="xor"), "weights")
    t = at.session_state["pg"].trainer
    t.net.W[0][1, 0] = 0.0
    run(at)
    table = at.dataframe[-1].value
    assert len(table) == t.net.n_params
    assert table["exactly zero"].sum() == np.count_nonzero(t.net.theta == 0.0)
    assert table["exactly zero"].any()


def test_the_loss_surface_along_two_chosen_weights():
    """The slice moves the two weights chosen (their own values on the axes): its centre is the
    current value of each."""
    import json
    at = open_view(page(layers="3", dataset="xor"), "surface")
    at.selectbox(key="pg_in_dirs").select("weights")
    run(at)
    t = at.session_state["pg"].trainer
    [w1] = [w for w in at.selectbox if w.key.startswith("pg_in_w1_")]
    [w2] = [w for w in at.selectbox if w.key.startswith("pg_in_w2_")]
    w1.select((0, 1, 0))
    w2.select((1, 0, -1))
    run(at)
    fig = json.loads(at.get("plotly_chart")[-1].proto.spec)
    heat = next(d for d in fig["data"] if d["type"] == "heatmap")
    xs, ys = heat["x"], heat["y"]
    if isinstance(xs, dict):  # plotly's packed arrays
        import base64
        import numpy as np
        xs = np.frombuffer(base64.b64decode(xs["bdata"]), dtype=xs["dtype"])
        ys = np.frombuffer(base64.b64decode(ys["bdata"]), dtype=ys["dtype"])
    assert abs(xs[len(xs) // 2] - t.net.W[0][1, 0]) < 1e-12   # the first weight's own value
    assert abs(ys[len(ys) // 2] - t.net.W[1][0, -1]) < 1e-12  # the output's bias
