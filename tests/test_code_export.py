"""Export as code (io/code_export.py, `playground export`): the generated scripts are run in a
subprocess and must print the playground's own losses: NumPy to 1e-12, PyTorch (SGD) to 1e-9."""
from __future__ import annotations

import ast
import csv
import io
import json
import os
import subprocess
import sys

import pytest

from conftest import in_ci
from playground.cli import main
from playground.core.config import Config, parse_query
from playground.core.train import Trainer
from playground.core.rundata import user_dataset
from playground.io.code_export import _name, _text, follows_settings, numpy_script, torch_script
from playground.io.data_csv import read_csv
from playground.io.model_file import load_model, model_json

ALLOWED_IMPORTS = {"json", "math", "numpy", "scipy", "matplotlib", "torch"}


def run_script(src: str, path) -> dict:
    """Run a generated script alone (no playground on its path); its FINAL line, parsed."""
    path.write_text(src)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    r = subprocess.run([sys.executable, str(path)], cwd=path.parent, capture_output=True,
                       text=True, timeout=240, env={**env, "MPLBACKEND": "Agg"})
    assert r.returncode == 0, r.stderr[-3000:]
    final = [line for line in r.stdout.splitlines() if line.startswith("FINAL ")]
    assert len(final) == 1, r.stdout[-2000:]
    return json.loads(final[0][len("FINAL "):])


# Runs several scripts in one subprocess, one after the other, each as its own __main__
# (PyTorch's import costs ~5 s a process; each script's result is kept apart).
RUNNER = """
import contextlib, io, json, runpy, sys, traceback
for path in sys.argv[1:]:
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            runpy.run_path(path, run_name="__main__")
        final = [l for l in out.getvalue().splitlines() if l.startswith("FINAL ")]
        result = json.loads(final[-1][len("FINAL "):]) if len(final) == 1 else "no single FINAL line"
    except BaseException:
        result = traceback.format_exc()[-2000:]
    print("RESULT", json.dumps({"path": path, "result": result}), flush=True)
"""


def run_scripts(srcs: dict[str, str], folder) -> dict:
    """name -> the FINAL line (dict) of that script, or what went wrong (str)."""
    paths = {}
    for name, src in srcs.items():
        paths[name] = folder / f"{name}.py"
        paths[name].write_text(src)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    r = subprocess.run([sys.executable, "-c", RUNNER, *map(str, paths.values())], cwd=folder,
                       capture_output=True, text=True, timeout=600, env={**env, "MPLBACKEND": "Agg"})
    assert r.returncode == 0, r.stderr[-3000:]
    found = {}
    for line in r.stdout.splitlines():
        if line.startswith("RESULT "):
            d = json.loads(line[len("RESULT "):])
            found[d["path"]] = d["result"]
    return {name: found.get(str(path), "not run") for name, path in paths.items()}


def same(got: dict, want: dict, tol: float) -> None:
    assert got["epoch"] == want["epoch"]
    for k in ("train_loss", "test_loss"):
        assert abs(got[k] - want[k]) <= tol * max(1.0, abs(want[k])), (k, got[k], want[k])
    for k in ("train_accuracy", "test_accuracy"):
        assert (got[k] is None) == (want[k] is None)
        if want[k] is not None:
            assert abs(got[k] - want[k]) <= 0.0025, (k, got[k], want[k])  # one point at most


def config(query: str) -> Config:
    cfg, notes = parse_query(query)
    assert not notes, notes
    return cfg


def imports(src: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add((node.module or "").split(".")[0])
    return names


NUMPY_RUNS = [  # (query, epochs): every optimizer, schedule, penalty, head, dataset, init, activation
    ("", 30),
    ("optimizer=momentum&lr=0.01", 25),
    ("optimizer=nesterov&lr=0.01&dataset=xor", 25),
    ("optimizer=rmsprop&lr=0.003&dataset=gauss&noise=30", 25),
    ("optimizer=adam&lr=0.003&schedule=decay&dataset=moons&noise=20", 25),
    ("layers=4,4,4&residual=1&activation=relu&features=x1,x2,x1sq,x2sq", 25),
    ("dataset=spiral&classes=3&cost=cross_entropy&layers=8,8&optimizer=adam&lr=0.01", 20),
    ("dataset=blobs&classes=4&cost=hinge&init=xavier&label_noise=20", 20),
    ("dataset=blobs&classes=3&cost=squared&init=he&init_seed=77&seed=5", 20),
    ("dataset=reg-plane&cost=mse&noise=20&label_noise=10", 20),
    ("dataset=reg-gauss&cost=huber&layers=6&activation=elu", 20),
    ("dataset=reg-plane&cost=mae&activation=sigmoid", 20),
    ("reg=l1&reg_rate=0.01&dataset=checkerboard&activation=gelu&layers=8", 25),
    ("reg=l2&reg_rate=0.01&optimizer=momentum&lr=0.01&activation=sine", 25),
    ("reg=l1&reg_rate=0.003&optimizer=rmsprop&lr=0.01&activation=leaky_relu", 20),
    ("reg=l1&reg_rate=0.003&optimizer=adam&lr=0.01&init=zeros", 20),
    ("dataset=xor&cost=cross_entropy&activation=tanh,linear&layers=5,3&batch=1&points=100", 20),
    ("layers=&features=x1sq,x2sq,x1x2,sinx1,sinx2&batch=250", 30),
    ("patience=3&lr=0.3&label_noise=30&layers=8,8", 60),  # stops early (tested below)
]


@pytest.fixture(scope="module")
def numpy_results(tmp_path_factory) -> dict:
    srcs = {f"run{i}": numpy_script(config(q), Trainer(config(q)), epochs=e)
            for i, (q, e) in enumerate(NUMPY_RUNS)}
    for src in srcs.values():
        assert imports(src) <= ALLOWED_IMPORTS, imports(src)
    return run_scripts(srcs, tmp_path_factory.mktemp("numpy"))


@pytest.mark.parametrize("i", range(len(NUMPY_RUNS)), ids=[q or "defaults" for q, _ in NUMPY_RUNS])
def test_numpy_script_repeats_the_run(i, numpy_results):
    query, epochs = NUMPY_RUNS[i]
    got = numpy_results[f"run{i}"]
    assert isinstance(got, dict), got
    t = Trainer(config(query))
    t.train(epochs)
    same(got, t.summary(), 1e-12)


def test_every_dataset_is_written_out_and_checked_by_a_repeat():
    """The scripts restate core/datasets.py (a script stands alone): each dataset has its
    template, and each is among the runs the NumPy script must repeat bit for bit, so a
    change on one side that the other lacks fails a test."""
    from playground.core.config import DATASET_NAMES, parse_query
    from playground.io.code_templates import DATASETS
    assert sorted(DATASETS) == sorted(DATASET_NAMES)
    assert {parse_query(q)[0].dataset for q, _ in NUMPY_RUNS} == set(DATASET_NAMES)


def test_early_stopping_is_in_the_script(numpy_results):
    i = [q for q, _ in NUMPY_RUNS].index("patience=3&lr=0.3&label_noise=30&layers=8,8")
    t = Trainer(config(NUMPY_RUNS[i][0]))
    t.train(NUMPY_RUNS[i][1])
    assert t.stop is not None and t.stop.cause == "early_stop" and t.epoch < NUMPY_RUNS[i][1]
    assert numpy_results[f"run{i}"]["epoch"] == t.epoch


def test_the_default_is_the_runs_epoch(tmp_path):
    cfg = config("dataset=xor&lr=0.1")
    t = Trainer(cfg)
    t.train(12)
    assert "EPOCHS = 12" in numpy_script(cfg, t)
    got = run_script(numpy_script(cfg, t), tmp_path / "run.py")
    same(got, t.summary(), 1e-12)
    assert "EPOCHS = 1 " in numpy_script(cfg, Trainer(cfg))  # at least one epoch


def csv_text(header: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue()


HOSTILE = ['"""; import os; os.system("touch PWNED") #',
           "'''\\'; __import__('os').system('touch PWNED')",
           '"""\nimport os; os.system(\'x\')#']  # a CSV cell cannot hold a newline: read_csv refuses it


def hostile_csv(n: int = 60) -> str:
    rows = [[(i % 10) - 4.5, (i * 7 % 11) - 5.0, i % 2, HOSTILE[i % 2]] for i in range(n)]
    return csv_text(["x1", "x2", "label", HOSTILE[0]], rows)


def test_uploaded_data_is_embedded_and_hostile_text_stays_out(tmp_path):
    cfg = config("layers=5&lr=0.1&seed=3")
    t = Trainer(cfg, user_dataset(read_csv(hostile_csv(), problem=cfg.problem), cfg))
    src = numpy_script(cfg, t, epochs=25)
    assert "np.array([" in src and "make_points" not in src  # the points are written out
    for bad in ("os.system", "__import__", "PWNED", "import os"):
        assert bad not in src and bad not in torch_script(cfg, t, epochs=2)
    got = run_script(src, tmp_path / "run.py")
    assert not (tmp_path / "PWNED").exists()
    t.train(25)
    same(got, t.summary(), 1e-12)


def test_a_regression_upload_is_embedded_exactly(tmp_path):
    rows = [[i * 0.37 - 9.1, (i * 13 % 17) * 0.5, (i % 9) * 0.11 - 0.4] for i in range(80)]
    cfg = config("dataset=reg-plane&cost=huber&layers=4")
    raw = read_csv(csv_text(["x1", "x2", "label"], rows), problem="regression")
    t = Trainer(cfg, user_dataset(raw, cfg))
    got = run_script(numpy_script(cfg, t, epochs=20), tmp_path / "run.py")
    t.train(20)
    same(got, t.summary(), 1e-12)


def test_points_edited_by_hand_are_written_out(tmp_path):
    """Edited points (core/edits.py): from the start the run follows its settings on them;
    edited mid-run, the script goes on from the run's state."""
    from playground.core import edits as E
    cfg = config("dataset=xor&lr=0.1")
    e = E.add(E.add(E.NONE, E.point(1.0, 2.0, 1, False, False)), E.point(-3.0, 2.5, 0, True, False))
    e = E.remove_nearest(e, Trainer(cfg).base_data, 0.0, 0.0)
    edited = cfg.replace(edits=E.encode(e))
    a = Trainer(edited)
    b = Trainer(cfg)
    b.train(5)
    b.set_edits(edited)
    b.train(3)
    assert follows_settings(edited, a) and not follows_settings(edited, b)
    srcs = {"a": numpy_script(edited, a, epochs=12), "b": numpy_script(edited, b, epochs=12)}
    assert all("X_train = np.array(" in src for src in srcs.values())
    got = run_scripts(srcs, tmp_path)
    for name, t in (("a", a), ("b", b)):
        t.train(12)
        same(got[name], t.summary(), 1e-12)


def test_literals_are_escaped_and_names_whitelisted():
    for s in HOSTILE + ["\x00\u2028\r", "\\", ""]:
        lit = _text(s)
        assert ast.literal_eval(lit) == s and "\n" not in lit and "\r" not in lit
    with pytest.raises(ValueError):
        _name("sgd\nimport os", ("sgd",))
    with pytest.raises(ValueError):  # a Config built by hand with a name off the list
        numpy_script(Config(optimizer="sgd; import os"), Trainer(Config()), epochs=1)
    with pytest.raises(ValueError):  # settings that are not the run's
        torch_script(Config(layers=(3,)), Trainer(Config()), epochs=1)


def test_a_run_off_its_settings_continues_from_its_state(tmp_path):
    """An edited weight (Adam: its memory is written out too) and a loaded model."""
    cfg = config("optimizer=adam&lr=0.01&schedule=decay")
    t = Trainer(cfg)
    t.train(8)
    assert follows_settings(cfg, t)
    t.set_parameter(0, 1, 0, 0.9)
    t.train(4)
    assert not follows_settings(cfg, t)
    src = numpy_script(cfg, t, epochs=15)
    assert "START_EPOCH = 12" in src and '"m": np.array(' in src
    got = run_script(src, tmp_path / "edited.py")
    t.train(15)
    same(got, t.summary(), 1e-12)
    cfg = config("layers=6,3&lr=0.1")
    a = Trainer(cfg)
    a.train(30)
    b = Trainer(cfg)
    b.load_model(load_model(model_json(a)))
    assert not follows_settings(cfg, b)
    got = run_script(numpy_script(cfg, b, epochs=10), tmp_path / "loaded.py")
    b.train(10)
    same(got, b.summary(), 1e-12)


def test_settings_changed_during_the_run_are_noticed():
    cfg = config("lr=0.03")
    t = Trainer(cfg)
    t.train(5)
    t.adopt(cfg.replace(lr=0.1))
    t.train(5)
    assert not follows_settings(cfg.replace(lr=0.1), t)


# ---------------------------------------------------------------- PyTorch
def need_torch():
    try:
        import torch  # noqa: F401
    except ImportError:
        if in_ci():
            pytest.fail("CI=true but torch is missing (pip install torch==2.13.0)", pytrace=False)
        pytest.skip("torch is not installed (pip install torch==2.13.0)")


TORCH_RUNS = [  # (query, epochs, tolerance): SGD to 1e-9; the others "closely"
    ("", 30, 1e-9),
    ("layers=4,4,4&residual=1&activation=relu", 25, 1e-9),
    ("dataset=spiral&classes=3&cost=cross_entropy&layers=8,8", 20, 1e-9),
    ("dataset=reg-gauss&cost=huber&layers=6&reg=l1&reg_rate=0.003&schedule=decay", 20, 1e-9),
    ("dataset=blobs&classes=3&cost=hinge&optimizer=adam&lr=0.01&reg=l2&reg_rate=0.01", 20, 1e-6),
]


def test_torch_scripts_match(tmp_path):
    need_torch()
    runs = [(q, Trainer(config(q)), e, tol) for q, e, tol in TORCH_RUNS]
    edited = Trainer(config("layers=5,3&lr=0.1"))  # off its settings: goes on from its state
    edited.train(6)
    edited.set_parameter(1, 0, 2, -0.8)
    runs.append(("an edited weight", edited, 15, 1e-9))
    srcs = {f"torch{i}": torch_script(t.cfg, t, epochs=e) for i, (_, t, e, _) in enumerate(runs)}
    for src in srcs.values():
        assert "torch" in imports(src) and imports(src) <= ALLOWED_IMPORTS
    results = run_scripts(srcs, tmp_path)
    for i, (query, t, epochs, tol) in enumerate(runs):
        got = results[f"torch{i}"]
        assert isinstance(got, dict), (query, got)
        t.train(epochs)
        same(got, t.summary(), tol)


# ---------------------------------------------------------------- the CLI
def cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_export_writes_a_script_that_matches_train(tmp_path, capsys):
    q = "dataset=xor&layers=5,3&lr=0.1&seed=7"
    out_file = tmp_path / "run.py"
    code, out, err = cli(capsys, "export", q, "--epochs", "20", "--out", str(out_file))
    assert code == 0 and not err and str(out_file) in out
    got = run_script(out_file.read_text(), out_file)
    _, out, _ = cli(capsys, "train", q, "--epochs", "20", "--json")
    same(got, json.loads(out), 1e-12)
    code, out, _ = cli(capsys, "export", q, "--epochs", "20")  # no --out: the script itself
    assert code == 0 and out == out_file.read_text()
    code, out, _ = cli(capsys, "export", q, "--to", "pytorch", "--epochs", "3")
    assert code == 0 and "import torch" in out and "EPOCHS = 3 " in out


def test_cli_export_embeds_data(tmp_path, capsys):
    data = tmp_path / "d.csv"
    data.write_text(hostile_csv())
    code, out, _ = cli(capsys, "export", "layers=4", "--data", str(data), "--epochs", "10")
    assert code == 0 and "X_train = np.array(" in out and "PWNED" not in out


@pytest.mark.parametrize("argv", [
    ["export", "dataset=bogus"], ["export", ""], ["export", "", "--to", "tensorflow"],
    ["export", "", "--epochs", "0"], ["export", "", "--epochs", "lots"],
    ["export", "", "--out", "/nonexistent-dir/run.py"], ["export", "", "--data", "/nonexistent.csv"],
])
def test_cli_export_bad_input_exits_2_with_one_line(argv, capsys, tmp_path):
    if argv == ["export", ""]:  # the valid query with a CSV that is not data
        bad = tmp_path / "bad.csv"
        bad.write_text("a,b\n1,2\n")
        argv = ["export", "", "--data", str(bad)]
    code, out, err = cli(capsys, *argv)
    assert code == 2 and not out and err.startswith("error: ") and err.count("\n") == 1
