"""The bad-input corpus (tests/data/bad/) through the CLI: each is refused with its reason."""
import json
import sys
from pathlib import Path

import pytest

from playground.cli import main
from playground.core.train import Trainer

BAD = Path(__file__).parent / "data" / "bad"
EXPECTED = json.loads((BAD / "expected.json").read_text())
sys.path.insert(0, str(BAD))
from make import big_cases  # noqa: E402


def cases() -> list:
    out = [pytest.param(name, e["kind"], (BAD / name).read_bytes(), e["reason"], id=name)
           for name, e in sorted(EXPECTED.items())]
    return out + [pytest.param(name, kind, data, reason, id=name)
                  for name, kind, data, reason in big_cases()]


CASES = cases()


def cli(kind, path, data):
    if kind == "model":
        return ["train", "", "--init", str(path), "--epochs", "1"]
    if kind == "csv":
        return ["train", "", "--data", str(path), "--epochs", "1"]
    return ["train", data.decode(), "--epochs", "1"]


@pytest.mark.parametrize("name, kind, data, reason", CASES)
def test_cli_refuses_with_reason(tmp_path, capsys, monkeypatch, name, kind, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    epochs, step = [], Trainer.step_epoch
    monkeypatch.setattr(Trainer, "step_epoch", lambda self: (epochs.append(1), step(self))[1])
    code = main(cli(kind, path, data))
    out, err = capsys.readouterr()
    if reason is None:
        assert code == 0
        return
    assert code == 2, out
    assert err.count("\n") == 1 and "Traceback" not in err
    assert reason.lower() in err.lower(), err
    assert epochs == []  # refused before any training (CPU time: at most 0.09 s measured)
    if kind == "link":  # nothing user-supplied is echoed raw into HTML-ish output
        assert "<script>" not in err
    for markup in ("<script", "<b>", "[fix]", "](", "http://x.io", "__import__"):  # echoes are escaped
        assert markup not in err, err


def test_corpus_is_complete():
    kinds = {e["kind"] for e in EXPECTED.values()}
    assert kinds == {"model", "csv", "link"} and len(EXPECTED) >= 40
    assert len(CASES) == len(EXPECTED) + len(list(big_cases())) > 40
    for name in EXPECTED:
        assert (BAD / name).exists(), name
