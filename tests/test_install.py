"""The package installs: pyproject.toml builds a wheel (offline, from a copy of the sources)
holding every module, the page's static files and the `playground` command; installed in a
fresh virtual environment, that command trains from a directory outside the repository."""
from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from conftest import in_ci

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "playground"
SOURCES = ("pyproject.toml", "README.md", "requirements.txt")
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build")


def _can_build_wheels() -> bool:
    """setuptools builds wheels itself from 70.1 on; before that it needs the `wheel` package."""
    import setuptools

    major, minor = (int(p) for p in re.findall(r"\d+", setuptools.__version__)[:2])
    return (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a copy of the sources (the build leaves build/ and *.egg-info
    behind, so never in the work tree), with no network and no isolated build env."""
    if not _can_build_wheels():
        reason = "building a wheel needs setuptools >= 70.1 or the 'wheel' package"
        if in_ci():
            pytest.fail(f"CI=true but {reason}", pytrace=False)
        pytest.skip(reason)
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(PKG, src / "playground", ignore=IGNORE)
    for name in SOURCES:
        shutil.copy(ROOT / name, src / name)
    out = tmp / "dist"
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                          "--no-index", "-q", "-w", str(out), str(src)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    (whl,) = out.glob("playground-*.whl")
    return whl


def _names(whl: Path) -> set[str]:
    with zipfile.ZipFile(whl) as z:
        return set(z.namelist())


def _dist_file(whl: Path, name: str) -> str:
    with zipfile.ZipFile(whl) as z:
        (path,) = [n for n in z.namelist() if n.endswith(f".dist-info/{name}")]
        return z.read(path).decode()


def test_the_wheel_holds_every_module_and_data_file(wheel):
    names = _names(wheel)
    tree = {p.relative_to(ROOT).as_posix() for p in PKG.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo")}
    assert any(n.endswith(".js") for n in tree) and any(n.endswith(".css") for n in tree)
    for sub in ("core", "io", "lab", "views", "ui"):
        assert f"playground/{sub}/__init__.py" in tree  # every layer is a real package
    missing = tree - names
    assert not missing, f"not in the wheel: {sorted(missing)}"
    extra = {n for n in names if not n.startswith("playground-")} - tree
    assert not extra, f"in the wheel but not in playground/: {sorted(extra)}"  # no tests, no .pyc


def test_the_wheel_declares_the_command_and_the_runtime_dependencies(wheel):
    entry = _dist_file(wheel, "entry_points.txt")
    assert re.search(r"^\[console_scripts\]\s*^playground = playground\.cli:main$", entry, re.M), entry
    meta = _dist_file(wheel, "METADATA")
    declared = {re.sub(r"\s", "", line.split(":", 1)[1]) for line in meta.splitlines()
                if line.startswith("Requires-Dist:") and "extra ==" not in line}

    def canonical(req: str) -> str:  # "streamlit>=1.50,<2" and "streamlit<2,>=1.50" alike
        name, spec = re.match(r"([A-Za-z0-9_.\[\]-]+)(.*)", req).groups()
        return name.lower() + ",".join(sorted(spec.split(",")))

    wanted = {line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()
              if line.strip() and not line.startswith("#")}
    assert {canonical(r) for r in declared} == {canonical(r) for r in wanted}
    assert "Provides-Extra: dask" in meta
    assert re.search(r'^Requires-Dist: dask\[distributed\].*extra == "dask"', meta, re.M)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"] == {"playground": "playground.cli:main"}


def test_the_installed_command_trains_outside_the_repository(wheel, tmp_path):
    """A fresh venv (system site-packages for numpy & co, nothing of this checkout on its
    path): the wheel's `playground` command runs `train` like `python -m playground`."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)],
                   check=True, timeout=60)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    py = bindir / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    install = subprocess.run([str(py), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
                             capture_output=True, text=True, env=env, timeout=120)
    assert install.returncode == 0, install.stdout + install.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def run(*args):
        return subprocess.run(args, cwd=elsewhere, capture_output=True, text=True, env=env, timeout=60)

    where = run(str(py), "-c", "import playground; print(playground.__file__)")
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).resolve().is_relative_to(venv.resolve()), where.stdout

    ok = run(str(bindir / "playground"), "train", "dataset=xor&points=100&layers=3", "--epochs", "2", "--json")
    assert ok.returncode == 0, ok.stderr
    out = json.loads(ok.stdout)
    assert out["epoch"] == 2 and not out["diverged"] and 0.0 <= out["test_accuracy"] <= 1.0

    usage = run(str(bindir / "playground"), "--help")
    assert usage.returncode == 0 and usage.stdout.startswith("usage: playground [-h] {train,sweep,export}"), usage.stdout

    bad = run(str(bindir / "playground"), "train", "noise=999")
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.startswith("error: bad query: noise") and bad.stderr.count("\n") == 1
