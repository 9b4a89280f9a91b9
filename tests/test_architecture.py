"""House rules that keep the layers apart: imports point downward, nothing unsafe."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "playground"


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_imports_point_downward():
    for path in PKG.glob("*.py"):
        names = imported(path)
        if path.stem.startswith("ui"):
            continue
        assert "streamlit" not in names, f"{path.name} imports streamlit below the UI layer"
        if not path.stem.startswith("figures"):
            assert "plotly" not in names, f"{path.name} imports plotly below the figures layer"


def test_no_unsafe_calls():
    for path in list(PKG.glob("*.py")) + [ROOT / "app.py"]:
        tree = ast.parse(path.read_text())
        assert "pickle" not in imported(path), path.name
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                fn = node.func
                name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else ""
                assert name not in ("eval", "exec"), f"{path.name}:{node.lineno} calls {name}"
                for kw in node.keywords:
                    if kw.arg in ("allow_pickle", "unsafe_allow_html"):
                        assert isinstance(kw.value, ast.Constant) and kw.value.value is False, \
                            f"{path.name}:{node.lineno} sets {kw.arg}"


def test_app_entry_is_thin():
    assert len((ROOT / "app.py").read_text().splitlines()) <= 80


OUTSIDE_DOC, OUTSIDE_DIR = "DESIGN" + ".md", "../" + "shared"  # spelled apart: this file is checked too


def test_the_project_stands_alone():
    """Code, tests and docs cite only files in this repository (a maintainer who clones it
    must be able to follow every reference)."""
    texts = [p for p in ROOT.rglob("*") if p.is_file() and p.suffix in (".py", ".md", ".toml", ".js", ".css")
             and ".git" not in p.parts and "artifacts" not in p.parts]
    for path in texts:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert OUTSIDE_DOC not in text and OUTSIDE_DIR not in text, path
