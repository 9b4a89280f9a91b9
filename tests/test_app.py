"""The page through Streamlit's AppTest: widgets ↔ config ↔ URL, deep links, the reset rule,
bad links, hide=, uploads. (AppTest never ticks `run_every`: the live loop is tested in
tests/test_browser_page.py.)"""
from __future__ import annotations

import math

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from appkit import APP, base_keys, counter, keys, page, run, step, trainer, url, widget
from playground.core.config import parse_query
from playground.io.data_csv import dataset_to_csv
from playground.io.model_file import model_json
from playground.core.train import Trainer


# ---------------------------------------------------------------- defaults and deep links
def test_defaults_load_with_an_empty_url():
    at = page()
    assert url(at) == {}
    assert "Epoch 000,000" in counter(at)
    assert widget(at, "selectbox", "w_lr").value == 0.03
    assert widget(at, "selectbox", "w_activation").value == "tanh"
    assert widget(at, "number_input", "w_depth").value == 2
    assert [widget(at, "number_input", f"w_width_{i}").value for i in range(2)] == [4, 2]
    assert widget(at, "button_group", "w_features").value == ["x1", "x2"]
    assert not at.warning
    assert trainer(at).cfg == parse_query("")[0]


RUN_BUTTONS = {"pg_play", "pg_step", "pg_reset"}  # explained in the caption beside them


def test_every_control_has_a_tooltip():
    at = page()
    for kind in ("selectbox", "slider", "number_input", "toggle", "button", "text_input",
                 "button_group"):
        for w in at.get(kind):
            if w.key and not w.key.startswith("FormSubmitter") and w.key not in RUN_BUTTONS:
                assert w.help, f"{kind} {w.key} has no help text"
    assert any("**Step** trains one" in c.value for c in at.caption)


DEEP = {"dataset": "xor", "layers": "8,3", "activation": "relu", "lr": "0.1", "optimizer": "adam",
        "features": "x1,x2,x1x2", "reg": "l2", "reg_rate": "0.01", "batch": "20", "seed": "42",
        "noise": "10", "show_test": "1", "cost": "cross_entropy", "init": "he"}


def test_deep_link_sets_widgets_run_and_url():
    at = page(**DEEP)
    assert url(at) == DEEP  # read, then written back unchanged
    assert widget(at, "selectbox", "w_lr").value == 0.1
    assert widget(at, "selectbox", "w_activation").value == "relu"
    assert widget(at, "selectbox", "w_optimizer").value == "adam"
    assert widget(at, "selectbox", "w_cost").value == "cross_entropy"
    assert widget(at, "selectbox", "w_reg").value == "l2"
    assert widget(at, "selectbox", "w_reg_rate").value == 0.01
    assert widget(at, "number_input", "w_batch").value == 20
    assert widget(at, "number_input", "w_seed").value == 42
    assert widget(at, "slider", "w_noise").value == 10
    assert widget(at, "toggle", "w_show_test").value is True
    assert [widget(at, "number_input", f"w_width_{i}").value for i in range(2)] == [8, 3]
    assert widget(at, "button_group", "w_features").value == ["x1", "x2", "x1x2"]
    t = trainer(at)
    assert t.cfg == parse_query(DEEP)[0]
    assert t.net.sizes == [3, 8, 3, 1]


def test_widget_changes_are_written_to_the_url_and_defaults_dropped():
    at = page()
    widget(at, "selectbox", "w_lr").select(0.3)
    widget(at, "selectbox", "w_optimizer").select("momentum")
    run(at)
    assert url(at) == {"lr": "0.3", "optimizer": "momentum"}
    widget(at, "number_input", "w_depth").set_value(3)
    run(at)
    assert url(at)["layers"] == "4,2,2"
    widget(at, "number_input", "w_width_2").set_value(6)
    widget(at, "slider", "w_noise").set_value(25)
    run(at)
    assert url(at) == {"lr": "0.3", "optimizer": "momentum", "layers": "4,2,6", "noise": "25"}
    widget(at, "selectbox", "w_lr").select(0.03)
    run(at)
    assert "lr" not in url(at)


def test_a_link_value_off_the_menu_is_kept():
    at = page(lr="0.05", reg="l1", reg_rate="0.2", points="523")
    assert widget(at, "selectbox", "w_lr").value == 0.05
    assert widget(at, "selectbox", "w_reg_rate").value == 0.2
    assert url(at) == {"lr": "0.05", "reg": "l1", "reg_rate": "0.2", "points": "523"}


def test_bad_link_values_fall_back_and_the_notice_names_them():
    at = page(lr="abc", layers="4,99", dataset="nope", noise="7", bogus="1")
    text = " ".join(w.value for w in at.warning)
    for key in ("lr", "layers", "dataset"):
        assert f"link's {key}" in text
    assert "noise" not in text and "bogus" not in text
    assert url(at) == {"noise": "7"}  # bad keys dropped from the URL, good ones kept
    at.button(key="pg_dismiss").click()
    run(at)
    assert not at.warning


def test_a_tensorflow_playground_link_in_the_url():
    at = page(activation="relu", networkShape="5,3", learningRate="0.1", dataset="xor",
              x="true", y="true", xTimesY="true")
    cfg = trainer(at).cfg
    assert cfg.layers == (5, 3) and cfg.lr == 0.1 and cfg.dataset == "xor"
    assert cfg.features == ("x1", "x2", "x1x2") and cfg.activation == ("relu",)
    assert url(at) == {"dataset": "xor", "features": "x1,x2,x1x2", "layers": "5,3",
                       "activation": "relu", "lr": "0.1"}


def test_pasting_a_link_loads_it_and_lists_unreadable_settings():
    at = page()
    at.text_input(key="pg_link_text").input(
        "https://playground.tensorflow.org/#activation=sigmoid&batchSize=7&dataset=spiral"
        "&networkShape=6&learningRate=banana&x=true&y=true")
    at.button(key="FormSubmitter:pg_open_form-Open").click()
    run(at)
    cfg = trainer(at).cfg
    assert (cfg.dataset, cfg.layers, cfg.activation, cfg.batch) == ("spiral", (6,), ("sigmoid",), 7)
    assert widget(at, "selectbox", "w_activation").value == "sigmoid"
    assert any("lr" in w.value for w in at.warning)
    assert url(at)["dataset"] == "spiral"


# ---------------------------------------------------------------- the run and the reset rule
def test_step_adds_exactly_one_epoch_and_reset_restarts():
    at = page()
    first = trainer(at).net.theta.copy()
    for n in (1, 2, 3):
        step(at)
        assert trainer(at).epoch == n
    assert "Epoch 000,003" in counter(at)
    data = trainer(at).data
    at.button(key="pg_reset").click()
    run(at)
    t = trainer(at)
    assert t.epoch == 0 and t.data is data  # the same data ...
    assert not np.array_equal(t.net.theta, first)  # ... new random weights, as TFP's Reset
    again = page(**url(at))  # and the link reproduces them
    assert set(url(at)) == {"init_seed"}
    assert np.array_equal(trainer(again).net.theta, t.net.theta)
    assert np.array_equal(trainer(again).data.X_train, data.X_train)


def test_reset_rule_follows_change_kind():
    at = page()
    step(at)
    t = trainer(at)
    X = t.data.X_train.copy()
    widget(at, "selectbox", "w_lr").select(0.1)          # live: the run goes on
    widget(at, "number_input", "w_batch").set_value(5)
    run(at)
    assert trainer(at) is t and t.epoch == 1 and t.cfg.lr == 0.1 and t.cfg.batch == 5
    widget(at, "toggle", "w_discretize").set_value(True)  # display only
    run(at)
    assert trainer(at) is t and t.epoch == 1
    widget(at, "number_input", "w_width_0").set_value(5)  # model: same data, new weights
    run(at)
    t2 = trainer(at)
    assert t2 is not t and t2.epoch == 0 and np.array_equal(t2.data.X_train, X)
    widget(at, "slider", "w_noise").set_value(20)         # data: new data
    run(at)
    t3 = trainer(at)
    assert t3 is not t2 and not np.array_equal(t3.data.y_train, t2.data.y_train) or \
        not np.array_equal(t3.data.X_train, X)


def test_dataset_buttons_problem_type_and_regenerate():
    at = page()
    at.button(key="pg_ds_spiral").click()
    run(at)
    assert url(at) == {"dataset": "spiral"}
    assert "w_classes" in base_keys(at, "slider")
    widget(at, "button_group", "w_problem").set_value("regression")
    run(at)
    assert trainer(at).problem == "regression"
    assert widget(at, "selectbox", "w_cost").options == ["Squared error (TFP)", "Mean squared error",
                                                  "Mean absolute error", "Huber"]
    seed = trainer(at).cfg.seed
    at.button(key="pg_regen").click()
    run(at)
    assert trainer(at).cfg.seed != seed and url(at)["seed"] == str(trainer(at).cfg.seed)


def test_features_and_per_layer_activations():
    at = page()
    widget(at, "button_group", "w_features").set_value(["x1", "x2", "x1sq", "x2sq"])
    run(at)
    assert url(at) == {"features": "x1,x2,x1sq,x2sq"}
    assert trainer(at).net.sizes[0] == 4
    widget(at, "button_group", "w_features").set_value([])  # a network needs an input: refused
    run(at)
    assert trainer(at).cfg.features == ("x1", "x2", "x1sq", "x2sq")
    widget(at, "selectbox", "w_act_1").select("relu")
    run(at)
    assert url(at)["activation"] == "tanh,relu"
    assert widget(at, "selectbox", "w_activation").value == "per layer"
    widget(at, "selectbox", "w_activation").select("sigmoid")
    run(at)
    assert url(at)["activation"] == "sigmoid"
    assert widget(at, "selectbox", "w_act_0").value == widget(at, "selectbox", "w_act_1").value == "sigmoid"


def test_hide_removes_named_controls():
    at = page(hide="lr,data,share,lab,activation")
    assert "w_lr" not in base_keys(at, "selectbox") and "w_activation" not in keys(at, "selectbox")
    assert "w_optimizer" in base_keys(at, "selectbox")
    assert not {k for k in keys(at, "button") if k.startswith("pg_ds_")}
    assert "pg_link_text" not in keys(at, "text_input")
    assert [t.label for t in at.tabs] == ["Playground", "Lessons"]
    assert url(at) == {"hide": "lr,data,share,lab,activation"}
    assert not page(hide="lab,lessons").tabs
    at = page(hide="learning,files")
    assert not {"w_lr", "w_optimizer", "w_cost", "w_init"} & base_keys(at, "selectbox")
    assert "pg_dl_model" not in {w.key for w in at.get("download_button")}
    # hiding the learning settings keeps the viewer's own: speed and view size
    assert {"pg_speed", "pg_view"} <= base_keys(at, "selectbox")


def test_finer_hide_keys_remove_one_control_each():
    """residual, layers, test, speed, view: each hides its own control and nothing else."""
    full = page()
    at = page(hide="residual,layers,test,speed,view")
    gone = {"toggle": {"w_residual", "w_show_test"}, "number_input": {"w_depth"},
            "selectbox": {"pg_speed", "pg_view"}}
    for kind, names in gone.items():
        assert names <= base_keys(full, kind), kind
        assert not names & base_keys(at, kind), kind
        assert base_keys(full, kind) - names == base_keys(at, kind), kind


def test_divergence_pauses_explains_and_offers_a_lower_rate():
    at = page(lr="3", layers="8,8", activation="relu", dataset="reg-plane")
    t = trainer(at)
    t.train(20)
    assert t.diverged
    run(at)
    text = " ".join(e.value for e in at.error)
    assert "learning rate" in text and "too high" in text
    at.button(key="pg_lower_lr").click()
    run(at)
    assert url(at)["lr"] == "1.0" and not trainer(at).diverged and trainer(at) is t
    assert at.session_state["pg"].playing  # "continue" continues
    assert all(math.isfinite(v) for v in t.history.train_loss)


def test_editing_a_weight_while_paused():
    at = page()
    at.session_state["pg"].sel = "w:1:0:1"
    run(at)
    (box,) = [w for w in at.number_input if w.key and w.key.startswith("pg_edit_")]
    box.set_value(2.5)
    run(at)
    assert trainer(at).net.W[0][0, 1] == 2.5
    at.session_state["pg"].sel = "b:3:0"   # the output's bias
    run(at)
    (box,) = [w for w in at.number_input if w.key and w.key.startswith("pg_edit_")]
    box.set_value(-1.0)
    run(at)
    assert trainer(at).net.W[2][0, -1] == -1.0


# ---------------------------------------------------------------- files
def test_model_upload_round_trip():
    src = Trainer(parse_query("layers=6,3&dataset=xor&lr=0.1")[0])
    src.train(25)
    at = page()
    at.file_uploader(key="pg_up_model_0").upload("m.json", model_json(src).encode(), "application/json")
    run(at)
    t = trainer(at)
    assert t.epoch == 25 and np.array_equal(t.net.theta, src.net.theta)
    assert url(at) == {"dataset": "xor", "layers": "6,3", "lr": "0.1"}
    assert any("Loaded the model" in s.value for s in at.success)


@pytest.mark.parametrize("content, words", [
    (b"not json", "not valid JSON"),
    (b'{"format": "something"}', "not a playground model"),
    (b"\xff\xfe", "UTF-8"),
])
def test_bad_model_file_gets_a_message_and_changes_nothing(content, words):
    at = page(lr="0.1")
    step(at)
    t, before = trainer(at), url(at)
    at.file_uploader(key="pg_up_model_0").upload("bad.json", content, "application/json")
    run(at)
    assert trainer(at) is t and t.epoch == 1 and url(at) == before
    assert any(words in e.value and "bad.json" in e.value for e in at.error)


def test_data_upload_trains_on_the_file_and_a_bad_one_is_refused():
    src = Trainer(parse_query("dataset=moons")[0])
    at = page()
    at.file_uploader(key="pg_up_data_0").upload("d.csv", dataset_to_csv(src.data).encode(), "text/csv")
    run(at)
    t = trainer(at)
    assert len(t.data.X_train) == len(src.data.X_train) and at.session_state["pg"].user_data == "d.csv"
    assert any("standardized" in m.value for m in at.success)  # the page says how inputs were scaled
    assert abs(t.data.X_train.std(axis=0) - 2.0).max() < 1e-9
    at.file_uploader(key="pg_up_data_1").upload("e.csv", b"a,b\n1,2\n", "text/csv")
    run(at)
    assert trainer(at) is t
    assert any("e.csv" in e.value and "header" in e.value for e in at.error)


def test_depth_lab_tab_from_the_link():
    at = page(tab="lab", lab_depths="0,1")
    assert url(at)["tab"] == "lab"
    assert not at.exception


def test_plotly_fallback_view_and_its_clicks():
    """Without the browser canvas the page draws plotly figures (and the same inspector)."""
    at = AppTest.from_file(APP, default_timeout=60)
    from playground.ui.session import Page
    at.session_state["pg"] = Page(renderer="plotly")
    run(at)
    assert len(at.get("plotly_chart")) == 3  # network diagram, boundary, loss
    at.session_state["pg"].sel = "n:1:0"
    run(at)
    assert len(at.get("plotly_chart")) == 4  # + the selected neuron's map
    assert not at.exception


def component_data(at, name: str) -> list[dict]:
    """The data each st.components.v2 component `name` on the page was given (its JSON)."""
    import json

    def find(n):
        if hasattr(n, "children"):
            for c in n.children.values():
                yield from find(c)
        elif getattr(n, "type", None) == "bidi_component" and n.proto.component_name == name:
            yield json.loads(n.proto.json)
    return list(find(at._tree))


def shown_links(at) -> list[str]:
    """The links the page's link boxes show (ui/files.link_box: a small component of ours)."""
    return [d["link"] for d in component_data(at, "pg_link")]


def test_classroom_link_and_share_link_text():
    at = page(lr="0.1")
    codes = shown_links(at)
    assert any(c.endswith("/?lr=0.1") for c in codes)
    assert not at.code  # no st.code: its highlighter cost every page load a second of CPU
    at.multiselect(key="pg_hide_pick").select("lr").select("data")
    run(at)
    codes = shown_links(at)
    assert any(c.endswith("?lr=0.1&hide=lr,data") for c in codes)
    assert "hide" not in url(at)  # the teacher's own page keeps every control


def test_mark_mistakes_travels_in_the_link_and_reaches_the_live_view():
    def view_opts(at):
        return component_data(at, "playground_live_view")[0]["opts"]

    at = page(dataset="xor")
    assert view_opts(at)["show_wrong"] is False
    widget(at, "toggle", "w_show_wrong").set_value(True)
    run(at)
    assert url(at) == {"dataset": "xor", "show_wrong": "1"} and view_opts(at)["show_wrong"] is True
    assert "w_show_wrong" not in base_keys(page(dataset="reg-plane"), "toggle")  # no classes, no mistakes


def test_mark_flipped_labels_travels_in_the_link_and_reaches_the_live_view():
    def view_opts(at):
        return component_data(at, "playground_live_view")[0]["opts"]

    at = page(dataset="xor", label_noise="20")
    assert view_opts(at)["show_flipped"] is False
    widget(at, "toggle", "w_show_flipped").set_value(True)
    run(at)
    assert url(at) == {"dataset": "xor", "label_noise": "20", "show_flipped": "1"}
    assert view_opts(at)["show_flipped"] is True
    assert "w_show_flipped" not in base_keys(page(dataset="xor"), "toggle")  # no label noise, nothing flipped
