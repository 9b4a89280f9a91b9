"""The Depth Lab tab in Streamlit's AppTest: renders, runs a tiny sweep, survives odd input."""
import sys

import pytest
from streamlit.testing.v1 import AppTest

from playground.core.config import Config

TIMEOUT = 60


@pytest.fixture(autouse=True)
def keep_main_module():
    """AppTest leaves its temporary script in sys.modules["__main__"]; later tests that
    spawn processes (multiprocessing re-runs __main__ in the child) would break."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


def lab_app(query: str = ""):
    import streamlit as st

    from playground.core.config import parse_query
    from playground.ui.lab import render_lab

    cfg, _ = parse_query(query)
    st.session_state["lab__test_out"] = render_lab(cfg)


def app(query: str = "") -> AppTest:
    at = AppTest.from_function(lab_app, kwargs={"query": query}, default_timeout=TIMEOUT)
    return at.run()


def charts(at) -> int:
    return len(at.get("plotly_chart"))


def ok(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


def tiny(at, depths=(0, 1), epochs=4):
    at.multiselect(key="lab_depths").set_value(list(depths)).run()
    at.slider(key="lab_seeds").set_value(1).run()
    at.number_input(key="lab_epochs").set_value(epochs).run()
    return at


def test_renders_with_help_on_every_control():
    at = app()
    ok(at)
    assert charts(at) == 0
    assert at.multiselect(key="lab_depths").value == [0, 1, 2, 4, 8]
    widgets = [at.multiselect(key="lab_depths"), at.slider(key="lab_width"),
               at.slider(key="lab_seeds"), at.number_input(key="lab_epochs"),
               at.toggle(key="lab_residual_cmp"), at.toggle(key="lab_per_seed"),
               at.button(key="lab_run"), at.button(key="lab_stop"),
               at.multiselect(key="lab_ab_change"), at.number_input(key="lab_ab_epochs"),
               at.button(key="lab_ab_run"), at.button(key="lab_ab_stop")]
    for w in widgets:
        assert w.help and len(w.help) > 20, w.key
    assert "ResNet" in at.toggle(key="lab_residual_cmp").help


def test_tiny_sweep_shows_charts_and_returns_lab_settings():
    at = tiny(app())
    at.slider(key="lab_width").set_value(3).run()
    at.button(key="lab_run").click().run()
    ok(at)
    state = at.session_state["pg"].lab_sweep
    assert state["status"] == "done"
    assert [(r["depth"], r["grid"].shape) for r in state["results"]["plain"]] == [
        (0, (50, 50)), (1, (50, 50))]
    assert charts(at) >= 4  # boundaries, loss/accuracy, gradient flow, time
    out = at.session_state["lab__test_out"]
    assert (out.lab_depths, out.lab_seeds, out.lab_epochs, out.lab_width) == ((0, 1), 1, 4, 3)
    # results stay on screen across reruns that do not run again
    at.toggle(key="lab_per_seed").set_value(True).run()
    ok(at)
    assert charts(at) >= 4


def test_sweep_shows_the_data_as_each_layer_of_each_depth_sees_it():
    """After a sweep, one trained network per depth is kept and the Lab draws the data as
    the chosen layer of the chosen depth sees it: the figure changes with the layer and the
    depth, and its points are where that network (rebuilt from the kept weights) puts them."""
    import numpy as np
    from playground.core.spaces import layer_view
    from playground.core.train import Trainer
    from playground.lab.sweep import depth_config

    at = tiny(app("points=100"), depths=(0, 1, 3), epochs=6)
    at.button(key="lab_run").click().run()
    ok(at)
    state = at.session_state["pg"].lab_sweep
    assert [r["depth"] for r in state["results"]["plain"] if "theta" in r] == [0, 1, 3]
    depth = at.selectbox(key="lab_view_depth_1_3")
    assert depth.options == ["1 hidden layer", "3 hidden layers"] and depth.value == 3

    def shown():
        fig = next(c for c in at.get("plotly_chart") if "lab_fig_layers" in str(c.proto.id))
        import json
        return json.loads(fig.proto.spec)

    def expect(d, layer):
        r = next(r for r in state["results"]["plain"] if r["depth"] == d)
        t = Trainer(depth_config(Config(points=100), d, r["seed"], state["width"]))
        t.net.theta[:] = r["theta"]
        return layer_view(t, layer).points

    def arr(v):  # plotly's JSON: a list, or a typed array {"dtype", "bdata"}
        import base64
        return np.frombuffer(base64.b64decode(v["bdata"]), v["dtype"]) if isinstance(v, dict) else np.asarray(v)

    def train_xy(spec):
        tr = next(d for d in spec["data"] if d.get("name") == "train")
        return np.column_stack([arr(tr["x"]), arr(tr["y"])])

    last = shown()
    assert np.allclose(train_xy(last), expect(3, 3))        # last hidden layer of depth 3
    at.select_slider(key="lab_view_layer_3").set_value("hidden layer 1").run()
    ok(at)
    assert np.allclose(train_xy(shown()), expect(3, 1))
    depth.set_value(1).run()
    ok(at)
    assert np.allclose(train_xy(shown()), expect(1, 1))


def test_residual_comparison_runs_both_variants():
    at = tiny(app("activation=sigmoid"), depths=(0, 3))
    at.toggle(key="lab_residual_cmp").set_value(True).run()
    at.button(key="lab_run").click().run()
    ok(at)
    res = at.session_state["pg"].lab_sweep["results"]
    assert set(res) == {"plain", "residual"} and all(len(v) == 2 for v in res.values())
    assert charts(at) >= 5


@pytest.mark.parametrize("query", ["dataset=reg-plane&points=100",
                                   "dataset=spiral&classes=3&points=100",
                                   "residual=1&activation=relu&points=100"])
def test_sweep_on_other_problems(query):
    at = tiny(app(query), depths=(0, 2), epochs=2)
    at.button(key="lab_run").click().run()
    ok(at)
    assert charts(at) >= 4


def test_settings_from_the_link_fill_the_widgets():
    at = app("lab_depths=3,12,32&lab_width=32&lab_seeds=10&lab_epochs=5000")
    ok(at)
    assert at.multiselect(key="lab_depths").value == [3, 12, 32]
    assert at.slider(key="lab_width").value == 32
    assert at.slider(key="lab_seeds").value == 10
    assert at.number_input(key="lab_epochs").value == 5000
    # far over the CPU budget of a click: refused up front, with the estimate
    assert any("budget" in e.value for e in at.error) and at.button(key="lab_run").disabled


def test_edge_values_do_not_crash():
    at = app("lab_depths=nonsense&lab_width=0&lab_seeds=99&lab_epochs=-3")
    ok(at)
    at.multiselect(key="lab_depths").set_value([]).run()
    ok(at)
    assert at.button(key="lab_run").disabled
    assert at.session_state["lab__test_out"].lab_depths == Config().lab_depths  # never empty
    at.button(key="lab_stop").click().run()  # Stop with nothing running
    ok(at)
    at.number_input(key="lab_epochs").set_value(1).run()
    at.multiselect(key="lab_depths").set_value([0]).run()
    at.button(key="lab_run").click().run()
    ok(at)
    assert charts(at) >= 4


def test_stopped_sweep_keeps_finished_runs():
    at = tiny(app())
    at.session_state["pg"].lab_sweep = {
        "status": "running", "query": "", "total": 4, "compare": False, "primary": "plain",
        "started": 0.0, "seconds": None, "results": {"plain": []}}
    at.run()
    ok(at)
    assert at.session_state["pg"].lab_sweep["status"] == "stopped"


def test_stopped_ab_run_keeps_what_it_trained():
    at = app("points=100")
    at.number_input(key="lab_ab_epochs").set_value(6).run()
    at.button(key="lab_ab_run").click().run()
    at.session_state["pg"].lab_ab["status"] = "running"  # as a Stop click leaves it mid-run
    at.session_state["pg"].lab_ab["done"] = 3
    at.button(key="lab_ab_stop").click().run()
    ok(at)
    assert at.session_state["pg"].lab_ab["status"] == "stopped"
    assert any("stopped at epoch 3 of 6" in w.value for w in at.warning)
    assert charts(at) == 2  # what it trained stays on screen
    assert not any("No A/B run" in i.value for i in at.info)  # it did stop something


@pytest.mark.parametrize("change,key,value", [
    ("activation", "lab_ab_activation", "relu"),
    ("depth", "lab_ab_depth", 0),
    ("lr", "lab_ab_lr", 0.3),
    ("optimizer", "lab_ab_optimizer", "adam"),
    ("residual", "lab_ab_residual", True),
])
def test_ab_compare(change, key, value):
    _ab_run(change, key, value)


def _ab_run(change, key, value):
    at = app("points=100")
    at.multiselect(key="lab_ab_change").set_value([change]).run()
    widget = at.get_by_key(key) if hasattr(at, "get_by_key") else None
    (widget or at.selectbox(key=key)).set_value(value).run()
    at.number_input(key="lab_ab_epochs").set_value(6).run()
    at.button(key="lab_ab_run").click().run()
    ok(at)
    state = at.session_state["pg"].lab_ab
    assert state["status"] == "done"
    assert [len(h["epoch"]) for h in state["hist"].values()] == [7, 7]  # epoch 0..6, lockstep
    assert charts(at) == 2
    return state


@pytest.mark.parametrize("change,key,value,field,want", [
    ("reg", "lab_ab_reg", "l1", "reg", "l1"),
    ("reg_rate", "lab_ab_reg_rate", 0.03, "reg_rate", 0.03),
    ("features", "lab_ab_features", ["x1", "x2", "x1sq"], "features", ("x1", "x2", "x1sq")),
    ("cost", "lab_ab_cost", "cross_entropy", "cost", "cross_entropy"),
    ("batch", "lab_ab_batch", 25, "batch", 25),
    ("init", "lab_ab_init", "he", "init", "he"),
    ("schedule", "lab_ab_schedule", "decay", "schedule", "decay"),
    ("train", "lab_ab_train", 80, "train", 80),
    ("noise", "lab_ab_noise", 20, "noise", 20),
    ("label_noise", "lab_ab_label_noise", 10, "label_noise", 10),
])
def test_ab_compare_varies_every_setting_that_keeps_the_task(change, key, value, field, want):
    """B can change regularization, features, cost, batch, initialization, schedule, the
    training share and the noise too (no need for a second tab): B's link holds the change."""
    from playground.core.config import parse_query
    state = _ab_run(change, key, value)
    a, _ = parse_query(state["a"])
    b, _ = parse_query(state["b"])
    assert getattr(b, field) == want and getattr(a, field) != want
    assert b.replace(**{field: getattr(a, field)}) == a.replace(reg=b.reg if field == "reg_rate" else a.reg)


def test_ab_with_two_changes_and_b_equal_to_a():
    at = app("points=100")
    at.multiselect(key="lab_ab_change").set_value(["depth", "activation"]).run()
    ok(at)
    at.multiselect(key="lab_ab_change").set_value(["lr"]).run()
    at.select_slider(key="lab_ab_lr").set_value(0.03).run()  # the default lr: B == A
    at.button(key="lab_ab_run").click().run()
    ok(at)
    assert at.session_state["pg"].lab_ab is None
    assert any("same as A" in i.value for i in at.info)


def test_figures_handle_empty_and_odd_results():
    import plotly.graph_objects as go

    from playground.views import flow as G
    from playground.views import lab_figures as F

    for fig in (F.boundary_grid([]), F.metrics_vs_depth([]), F.time_vs_depth([]),
                G.gradient_flow([]), G.residual_compare([], [])):
        assert isinstance(fig, go.Figure)
    odd = [{"depth": 0, "seed": 0, "train_loss": None, "test_loss": float("nan"),
            "train_accuracy": None, "test_accuracy": None, "diverged": True, "seconds": 0.1,
            "grad_norms_init": [0.0], "grad_norms_final": [None], "grid": [[None, 0.5], [1.0, 0.0]]},
           {"depth": 3, "seed": 0, "train_loss": 0.1, "test_loss": 0.2, "train_accuracy": 0.9,
            "test_accuracy": 0.8, "diverged": False, "seconds": 0.2,
            "grad_norms_init": [1e-9, 1e-5, 1e-2, 1.0], "grad_norms_final": [1e-3] * 4,
            "grid": [[0.0, 1.0], [1.0, 0.0]]}]
    grid = F.boundary_grid(odd, "binary", points={0: ([[0.0, 0.0]], [1])})
    heat = [t for t in grid.data if isinstance(t, go.Heatmap)]
    assert len(heat) == 2
    scale = [c for _, c in heat[0].colorscale]
    assert scale[0] == F.ORANGE and scale[-1] == F.BLUE  # class 0 orange, class 1 blue


def test_the_learning_curve_runs_and_draws():
    """The Lab's learning curve: the current network at each chosen training share, the
    curve and the boundaries drawn; results kept in the page's state across reruns."""
    at = app("points=100&layers=3")
    at.multiselect(key="lab_size_shares").set_value([10, 50, 90]).run()
    at.slider(key="lab_size_seeds").set_value(1).run()
    at.number_input(key="lab_size_epochs").set_value(5).run()
    at.button(key="lab_size_run").click().run()
    ok(at)
    state = at.session_state["pg"].lab_sizes
    assert state["status"] == "done"
    assert sorted((r["train_share"], r["n_train"]) for r in state["results"]) == [(10, 10), (50, 50), (90, 90)]
    keys = [str(c.proto.id) for c in at.get("plotly_chart")]
    assert any("lab_fig_sizes" in k and "grid" not in k for k in keys) and any("lab_fig_sizes_grid" in k for k in keys)
    at.toggle(key="lab_per_seed").set_value(True).run()   # another click: the curve stays
    ok(at)
    assert any("lab_fig_sizes" in str(c.proto.id) for c in at.get("plotly_chart"))
