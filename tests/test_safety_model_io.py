"""Model files from strangers (issue 9): nothing but ModelError, caps as stated, safe echoes,
bad settings of the embedded link named."""
import json
import sys
from pathlib import Path

import pytest

from playground.core.config import parse_query, safe_echo
from playground.core.model import check_fits
from playground.io.model_file import MAX_BYTES, MAX_PARAMS, ModelError, load_model
from playground.core.train import Trainer

sys.path.insert(0, str(Path(__file__).parent / "data" / "bad"))
from make import model  # noqa: E402

MARKUP = set("[]<>*_`!#|~\\\"$&")
HOSTILE = "[fix](http://x.io)<b>*x*</b>`!#|~\\\"$&"


def test_good_model_loads():
    m = load_model(model())
    assert m.epoch == 3 and len(m.layers) == 3 and m.notes == ()


def _with_number(number: bytes) -> bytes:
    return model(layers__0__b=["HUGE", 0.1, 0.1, 0.1]).replace(b'"HUGE"', number)


@pytest.mark.parametrize("number", [b"1" + b"0" * 400, b"-1" + b"0" * 309, b"7" * 4301,
                                    b"3" * 100_000], ids=["10**400", "-10**309", "4301 digits", "100k digits"])
def test_huge_integers_are_refused_by_name(number):
    with pytest.raises(ModelError, match="not a finite number"):
        load_model(_with_number(number))


def test_huge_integers_anywhere_are_refused():
    with pytest.raises(ModelError, match="finite"):
        load_model(model(epoch="E").replace(b'"E"', b"9" * 5000))
    with pytest.raises(ModelError, match="finite"):
        load_model(model(version="V").replace(b'"V"', b"1" + b"0" * 400))


def test_integers_within_float_range_are_weights():
    m = load_model(_with_number(b"1" + b"0" * 300))
    assert m.layers[0][1][0] == 1e300


def test_file_cap_is_one_megabyte():
    assert MAX_BYTES == 1_000_000
    padded = model()[:-1] + b" " * (MAX_BYTES - len(model())) + b"}"
    assert len(padded) == MAX_BYTES and load_model(padded).epoch == 3
    with pytest.raises(ModelError, match="1,000,000"):
        load_model(model()[:-1] + b" " * (MAX_BYTES + 1 - len(model())) + b"}")


def test_the_upload_limit_and_the_file_caps_are_one_set_of_numbers():
    """config.toml's server.maxUploadSize (MB), the model file's and the CSV's byte caps (and
    so the CLI's, which reads with them) all come from core/limits.py."""
    import tomllib

    from playground.core import limits
    from playground.io.data_csv import MAX_CSV_BYTES

    toml = tomllib.loads((Path(__file__).parents[1] / ".streamlit" / "config.toml").read_text())
    mb = toml["server"]["maxUploadSize"]
    assert mb == limits.UPLOAD_MB
    assert MAX_BYTES == MAX_CSV_BYTES == limits.MAX_FILE_BYTES == mb * 1_000_000
    # Streamlit's server admits maxUploadSize MiB: never less than the readers accept, so a
    # file within the cap is never refused before the reader can say why.
    assert mb * 1024 * 1024 >= MAX_BYTES


def test_parameter_cap_counts_the_output_layer():
    # Hidden layers 2x32 and 32x32 are small; an output layer 32 x 1,600 takes it past 50,000.
    d = {"format": "playground-model", "version": 1, "config": "layers=32,32", "epoch": 0,
         "inputs": ["x1", "x2"],
         "layers": [{"activation": "tanh", "residual": False, "W": [[0] * 32] * 2, "b": [0] * 32},
                    {"activation": "tanh", "residual": False, "W": [[0] * 32] * 32, "b": [0] * 32},
                    {"activation": "tanh", "residual": False, "W": [[0] * 1600] * 32, "b": [0] * 1600}]}
    assert 2 * 32 + 32 * 32 + 32 < MAX_PARAMS < 2 * 32 + 32 * 32 + 32 * 1600
    with pytest.raises(ModelError, match="50,000 parameters"):
        load_model(json.dumps(d))


def test_bad_settings_of_the_embedded_link_are_named():
    m = load_model(model(config="lr=banana&noise=999&bogus=1&dataset=" + HOSTILE))
    assert [n.split(":")[0] for n in m.notes] == ["lr", "noise", "dataset"]
    assert all("using the default" in n for n in m.notes)
    assert not any(MARKUP & set(n.split("'")[1]) for n in m.notes)
    assert m.config == parse_query("")[0]


def test_embedded_tfp_link_with_huge_seed_is_named():
    m = load_model(model(config="#seed=1e308&networkShape=4,2"))
    assert [n.split(":")[0] for n in m.notes] == ["seed"]


def test_version_is_echoed_safely():
    with pytest.raises(ModelError, match="version") as e:
        load_model(model(version=HOSTILE))
    msg = str(e.value)
    assert not MARKUP & set(msg) and "http:" not in msg and safe_echo(HOSTILE, limit=20) in msg


def test_activation_names_are_echoed_safely():
    m = load_model(model(layers__0__activation="[fix](http://x.io)"))
    with pytest.raises(ModelError, match="activations") as e:
        check_fits(m, Trainer(m.config).net)
    msg = str(e.value)
    assert "[fix]" not in msg and "](" not in msg and "http:" not in msg


@pytest.mark.parametrize("data", [None, 12, 1.5, [1], {"a": 1}, bytearray(b"{}"), memoryview(b"[]"),
                                  "\ud800", b"\xef\xbb\xbf{}", '{"format": "playground-model", "version": 1, '
                                  '"config": "", "layers": ' + "[" * 5000 + "]" * 5000 + "}"])
def test_nothing_but_modelerror(data):
    with pytest.raises(ModelError) as e:
        load_model(data)
    assert str(e.value) and "\n" not in str(e.value)
