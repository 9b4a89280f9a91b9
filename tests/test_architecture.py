"""House rules that keep the layers apart: imports point downward, nothing unsafe."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "playground"


LAYERS = ("core", "io", "lab", "views", "ui")  # lowest first; `cli.py` sits beside ui


def layer(path: Path) -> str:
    rel = path.relative_to(PKG).parts
    return rel[0] if len(rel) > 1 else path.stem


def imports(path: Path) -> set[str]:
    """Every module the file imports, as a dotted name; relative imports resolved against
    the file's own package (``from ..core import train`` -> ``playground.core.train``)."""
    own = ["playground", *path.relative_to(PKG).parent.parts] if PKG in path.parents else []
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = own[:len(own) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            names.add(mod)
            names |= {f"{mod}.{a.name}" for a in node.names}
    return names


def imported(path: Path) -> set[str]:
    """Top-level names of the packages the file imports."""
    return {n.split(".")[0] for n in imports(path)}


def layers_used(path: Path) -> set[str]:
    return {n.split(".")[1] for n in imports(path)
            if n.startswith("playground.") and n.split(".")[1] in LAYERS}


def package_files() -> list[Path]:
    return sorted(PKG.rglob("*.py"))


def test_the_package_is_in_layer_folders():
    top = {p.stem for p in PKG.glob("*.py")}
    assert top <= {"__init__", "__main__", "cli"}, top
    code = {p.name for p in PKG.iterdir() if p.is_dir() and any(p.rglob("*.py"))}
    assert code == set(LAYERS)
    # the other folders hold data only (the lesson files), no code
    assert {p.name for p in PKG.iterdir() if p.is_dir() and p.name != "__pycache__"} - code <= {"lessons"}


def test_imports_point_downward():
    """core → io → lab → views → ui: a module imports only its own layer and those below,
    relative imports included; only ui imports streamlit; only views and ui import plotly."""
    for path in package_files():
        where = layer(path)
        if where in LAYERS:
            above = set(LAYERS[LAYERS.index(where) + 1:])
            assert not layers_used(path) & above, f"{path.relative_to(ROOT)} imports {layers_used(path) & above}"
        names = imported(path)
        if where != "ui":
            assert "streamlit" not in names, f"{path.relative_to(ROOT)} imports streamlit below the UI"
        if where not in ("views", "ui"):
            assert "plotly" not in names, f"{path.relative_to(ROOT)} imports plotly below the views"
        if where == "cli":
            assert "ui" not in layers_used(path), "the CLI runs without the page"
    assert "plotly" not in imported(PKG / "views" / "canvas_spec.py")  # the canvas spec is plain data


def test_the_layer_check_sees_relative_imports(tmp_path):
    """The check itself: a core module that reaches up with a relative import is caught."""
    fake = PKG / "core" / "_probe_for_test.py"
    try:
        fake.write_text("from ..ui import session\nfrom ...playground.views import figures\n")
        assert layers_used(fake) == {"ui", "views"}
    finally:
        fake.unlink()


def test_no_unsafe_calls():
    for path in package_files() + [ROOT / "app.py"]:
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


OPTIONAL = {"dask", "distributed", "threadpoolctl"}  # the only imports allowed to be missing


def test_no_import_guard_hides_a_broken_module():
    """An import inside `try` is allowed only for an optional package (Dask, threadpoolctl):
    a guard that swallows the errors of our own modules (as the Depth Lab's did) lets a
    broken module pass every page test."""
    for path in package_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Try):
                continue
            names = {(n.module if isinstance(n, ast.ImportFrom) else n.names[0].name) or ""
                     for b in node.body for n in ast.walk(b) if isinstance(n, (ast.Import, ast.ImportFrom))}
            if not names:
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            assert all(n.split(".")[0] in OPTIONAL for n in names), f"{where} guards {names}"


def test_only_the_session_module_touches_session_state():
    """The page's state is one object owned by ui/session.py; other modules call it."""
    for path in package_files():
        if path == PKG / "ui" / "session.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr == "session_state":
                raise AssertionError(f"{path.relative_to(ROOT)}:{node.lineno} uses st.session_state")
