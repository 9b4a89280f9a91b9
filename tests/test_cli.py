"""The headless CLI contract (DESIGN.md §3)."""
import json
import subprocess
import sys

import pytest

from playground.cli import main

KEYS = {"epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy", "diverged", "seconds"}


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_train_json_keys(capsys):
    code, out, err = run(capsys, "train", "dataset=xor&layers=8&lr=0.1", "--epochs", "50", "--json")
    d = json.loads(out)
    assert code == 0 and set(d) == KEYS and d["epoch"] == 50 and d["diverged"] is False
    assert 0 <= d["test_accuracy"] <= 1 and d["train_loss"] > 0


def test_regression_has_null_accuracy(capsys):
    code, out, _ = run(capsys, "train", "dataset=reg-plane&cost=mse", "--epochs", "5", "--json")
    d = json.loads(out)
    assert d["train_accuracy"] is None and d["test_accuracy"] is None


def test_tfp_link_accepted(capsys):
    code, out, _ = run(capsys, "train", "https://playground.tensorflow.org/#activation=relu&dataset=xor"
                       "&networkShape=8&learningRate=0.1", "--epochs", "100", "--json")
    assert code == 0 and json.loads(out)["test_accuracy"] > 0.8


def test_save_then_init_continues(tmp_path, capsys):
    m = tmp_path / "m.json"
    run(capsys, "train", "layers=6,3", "--epochs", "40", "--save", str(m), "--json")
    saved = json.loads(m.read_text())
    assert saved["format"] == "playground-model" and saved["epoch"] == 40
    assert len(saved["layers"]) == 3 and len(saved["layers"][0]["W"]) == 2 and len(saved["layers"][0]["W"][0]) == 6
    _, out, _ = run(capsys, "train", "layers=6,3", "--epochs", "0", "--init", str(m), "--json")
    resumed = json.loads(out)
    _, out, _ = run(capsys, "train", "layers=6,3", "--epochs", "40", "--json")
    assert resumed["epoch"] == 40 and resumed["train_loss"] == pytest.approx(json.loads(out)["train_loss"], rel=1e-12)


def test_export_data_round_trips_bit_identical(tmp_path, capsys):
    d = tmp_path / "d.csv"
    run(capsys, "train", "dataset=spiral&noise=30", "--epochs", "0", "--export-data", str(d))
    from playground.config import parse_query
    from playground.data import read_csv
    from playground.train import build_dataset
    ds = build_dataset(parse_query("dataset=spiral&noise=30")[0])
    back = read_csv(d.read_text())
    assert (back.X_train == ds.X_train).all() and (back.X_test == ds.X_test).all()
    assert (back.y_train == ds.y_train).all()


def test_train_on_csv(tmp_path, capsys):
    d = tmp_path / "d.csv"
    run(capsys, "train", "dataset=xor", "--epochs", "0", "--export-data", str(d))
    code, out, _ = run(capsys, "train", "layers=8&lr=0.1", "--data", str(d), "--epochs", "150", "--json")
    assert code == 0 and json.loads(out)["test_accuracy"] > 0.85


@pytest.mark.parametrize("argv", [
    ["train", "noise=999"], ["train", "", "--epochs", "x"], ["train", "", "--epochs", "-1"],
    ["train", "", "--init", "/nonexistent.json"], ["bogus"], [], ["train"],
    ["train", "dataset=xor", "--data", "/nonexistent.csv"],
    ["sweep", "", "--depths", "a,b"], ["sweep", "", "--seeds", "99"],
])
def test_bad_input_exits_2_with_one_line(argv, capsys):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1


@pytest.mark.parametrize("content", [b"\x80\x04\x95pickle", b"{}", b'{"format": "playground-model", "version": 9}',
                                     b"[" * 100000, b'{"format": "playground-model", "version": 1, "config": "", '
                                     b'"epoch": 1, "inputs": ["x1","x2"], "layers": [{"W": [[NaN]]}]}'])
def test_bad_model_file_exits_2(tmp_path, capsys, content):
    m = tmp_path / "bad.json"
    m.write_bytes(content)
    code, out, err = run(capsys, "train", "", "--init", str(m))
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err


def test_module_entry_point():
    r = subprocess.run([sys.executable, "-m", "playground", "train", "layers=", "--epochs", "3", "--json"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and json.loads(r.stdout)["epoch"] == 3
    r = subprocess.run([sys.executable, "-m", "playground", "train", "lr=1e400"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "lr" in r.stderr and "Traceback" not in r.stderr
