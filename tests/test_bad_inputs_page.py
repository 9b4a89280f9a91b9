"""The bad-input corpus (tests/data/bad/) through the page (AppTest): each is refused with its
reason, nothing changes, and the page keeps working."""
import json
import sys
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from streamlit.testing.v1 import AppTest

BAD = Path(__file__).parent / "data" / "bad"
EXPECTED = json.loads((BAD / "expected.json").read_text())
sys.path.insert(0, str(BAD))
from make import big_cases  # noqa: E402

from playground.core.config import safe_echo  # noqa: E402


def script():
    import streamlit as st

    from playground.ui import opening as O, session as S
    from playground.ui.page import main

    pending = st.session_state.pop("test_upload", None)
    if pending is not None:
        S.init_session()
        O.apply_upload(*pending)
    main()


def files() -> list:
    out = [pytest.param(e["kind"], name, (BAD / name).read_bytes(), e["reason"], id=name)
           for name, e in sorted(EXPECTED.items()) if e["kind"] in ("model", "csv")]
    out += [pytest.param(kind, name, data, reason, id=name) for name, kind, data, reason in big_cases()]
    assert len(out) > 30, "the corpus of bad files is missing"
    return out


@pytest.fixture(scope="module")
def at():
    at = AppTest.from_function(script, default_timeout=60)
    at.run()
    assert not at.exception
    return at


@pytest.mark.parametrize("kind, name, data, reason", files())
def test_page_refuses_bad_file(at, kind, name, data, reason):
    before = at.session_state["pg"].trainer
    epoch_text = [t.value for t in at.text if t.value.startswith("Epoch")]
    at.session_state["test_upload"] = ("data" if kind == "csv" else "model", name, data)
    at.run()
    assert not at.exception, at.exception
    errors = " ".join(e.value for e in at.error)
    assert safe_echo(name, 60) in errors and reason.lower() in errors.lower(), errors
    assert at.session_state["pg"].trainer is before  # nothing changed
    assert [t.value for t in at.text if t.value.startswith("Epoch")] == epoch_text


LINKS = [pytest.param((BAD / n).read_text(), e["reason"], id=n)
         for n, e in sorted(EXPECTED.items()) if e["kind"] == "link"]


@pytest.mark.parametrize("link, reason", LINKS)
def test_page_names_bad_link_values(link, reason):
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=60)
    query = link.split("#", 1)[-1]
    pairs = parse_qsl(query, keep_blank_values=True)
    for k in dict(pairs):
        values = [v for key, v in pairs if key == k]
        at.query_params[k] = values if len(values) > 1 else values[0]
    at.run()
    assert not at.exception, at.exception
    shown = " ".join(w.value for w in at.warning) + " ".join(m.value for m in at.markdown)
    if reason is None:
        return
    assert reason in shown, shown
    assert "<script>" not in shown and "__import__(" not in shown
