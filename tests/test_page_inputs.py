"""What a visitor sends the page (AppTest): pasted text, file names, model files with bad
settings, crafted widget values. Nothing crashes, nothing a visitor typed is shown as markup,
and a refusal changes nothing."""
from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from playground.ui.widgets import PREFS
from appkit import page, run, trainer, url, widget
from playground.io.model_file import model_dict
from playground.core.train import Trainer
from playground.core.config import parse_query


def script():
    import streamlit as st

    from playground.ui import opening as O, session as S
    from playground.ui.page import main

    pending = st.session_state.pop("test_upload", None)
    if pending is not None:
        S.init_session()
        O.apply_upload(*pending)
    forged = st.session_state.pop("test_forge", None)
    if forged is not None:  # what a forged websocket message would leave in a widget's state
        st.session_state[S.widget_key(forged[0])] = forged[1]
    main()


def upload(name: str, data: bytes) -> AppTest:
    at = AppTest.from_function(script, default_timeout=60)
    at.run()
    at.session_state["test_upload"] = ("model", name, data)
    at.run()
    assert not at.exception, at.exception
    return at


def test_pasted_text_that_is_not_a_link_changes_nothing():
    at = page(dataset="xor", lr="0.1")
    t = trainer(at)
    at.text_input(key="pg_link_text").set_value("hello, this is my homework")
    at.button(key="FormSubmitter:pg_open_form-Open").click()
    run(at)
    assert url(at) == {"dataset": "xor", "lr": "0.1"} and trainer(at) is t
    assert any("not a link" in m.value for m in at.toast)


def test_a_file_name_is_never_shown_as_markup():
    at = upload("[fix](http://x.io)<b>.json", b"{not json")
    shown = " ".join(e.value for e in at.error)
    assert shown and "](" not in shown and "<b>" not in shown and "http://x.io" not in shown


def test_bad_settings_in_a_model_file_are_named():
    d = model_dict(Trainer(parse_query("")[0]))
    d["config"] = "lr=fast&layers=4,2"
    at = upload("model.json", json.dumps(d).encode())
    shown = " ".join(s.value for s in at.success)
    assert "Loaded the model" in shown and "lr" in shown and "fast" in shown


BAD_VALUES = [("w_optimizer", "bogus"), ("w_lr", 1e9), ("w_lr", float("nan")),
              ("w_cost", ["squared"]), ("w_residual", "yes"), ("w_points", 10**9),
              ("w_act_0", "<b>"), ("w_features", ["x1", "rm -rf"]), ("w_depth", "3"),
              ("w_tab", "Admin"), ("pg_speed", "warp"), ("w_dataset", None), ("w_seed", -1),
              ("pg_inside", "bogus"), ("pg_inside", ["step"]), ("pg_loss", "cubic")]


def test_crafted_widget_values_are_refused_on_the_server():
    at = AppTest.from_function(script, default_timeout=60)
    at.run()
    t = trainer(at)
    for base, bad in BAD_VALUES:
        at.session_state["test_forge"] = (base, bad)
        at.run()
        assert not at.exception, (base, at.exception)
        assert url(at) == {} and trainer(at) is t, (base, url(at))
        assert at.session_state["pg"].prefs == PREFS
    widget(at, "selectbox", "w_lr").select(0.3)  # and the page still takes real clicks
    run(at)
    assert url(at) == {"lr": "0.3"}
