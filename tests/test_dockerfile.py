"""The Dockerfile and .dockerignore, checked without Docker (CI has no daemon): a small parser
of the Dockerfile's instructions and of .dockerignore's patterns, then the facts a container
needs (docs/hosting.md): a slim Python base the project supports, a user that is not root,
port 8501 exposed and health-checked on /_stcore/health with Python (slim has no curl), the
dependencies from requirements.txt, and the README's run command as the container's command.
Last, the build context that .dockerignore lets through is served with the Dockerfile's own
command and passes the Dockerfile's own health check (here, not in a container)."""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

from conftest import STAGED_ENV, free_port, stop_app
from playground.ui.channel import ROUTE_PATH

ROOT = Path(__file__).resolve().parents[1]
PORT = "8501"


# ---------------------------------------------------------------- the parsers
def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, its arguments) in order, as Docker reads them: comment and blank lines
    skipped, a line ending in a backslash continued on the next."""
    out, held = [], ""
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        if s.endswith("\\"):
            held += s[:-1].strip() + " "
            continue
        word, _, rest = (held + s).partition(" ")
        out.append((word.upper(), rest.strip()))
        held = ""
    assert not held, "the Dockerfile ends inside a continued line"
    return out


def argv(args: str) -> list[str]:
    """A command's words: the exec form (a JSON array) as it is, the shell form split as sh would."""
    return json.loads(args) if args.startswith("[") else shlex.split(args)


def ignore_rules(text: str) -> list[tuple[bool, re.Pattern]]:
    """.dockerignore: (is an exception "!", pattern) per line; patterns are relative to the
    context's root, `*` and `?` stay within a name, `**` spans folders, and a pattern that
    matches a folder matches everything in it."""
    rules = []
    for line in text.splitlines():
        p = line.strip()
        if not p or p.startswith("#"):
            continue
        neg, p = p.startswith("!"), p.lstrip("!").strip().strip("/")
        rx, i = "", 0
        while i < len(p):
            if p.startswith("**/", i):
                rx, i = rx + "(?:.*/)?", i + 3
            elif p.startswith("**", i):
                rx, i = rx + ".*", i + 2
            else:
                rx, i = rx + {"*": "[^/]*", "?": "[^/]"}.get(p[i], re.escape(p[i])), i + 1
        rules.append((neg, re.compile(rx + "(?:/.*)?")))
    return rules


def ignored(rel: str, rules) -> bool:
    """Whether the context leaves out the file or folder `rel` (the last matching line wins)."""
    out = False
    for neg, rx in rules:
        if rx.fullmatch(rel):
            out = not neg
    return out


DOCKERFILE = instructions((ROOT / "Dockerfile").read_text(encoding="utf-8"))
RULES = ignore_rules((ROOT / ".dockerignore").read_text(encoding="utf-8"))


def the(name: str) -> list[tuple[int, str]]:
    return [(i, args) for i, (word, args) in enumerate(DOCKERFILE) if word == name]


def readme_run_command() -> list[str]:
    """The part after `&&` of the README's line `pip install -r requirements.txt && ...`."""
    lines = [ln for ln in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
             if ln.startswith("pip install -r requirements.txt && ")]
    assert len(lines) == 1, lines
    return shlex.split(lines[0].split("&&", 1)[1])


def container_command() -> list[str]:
    ((_, args),) = the("CMD")
    assert args.startswith("["), "CMD in exec form: Streamlit is PID 1 and gets docker stop's signal"
    return argv(args)


def health_command() -> list[str]:
    ((_, args),) = the("HEALTHCHECK")
    words = args.split()
    at = words.index("CMD")
    assert all(w.startswith("--") for w in words[:at]), words[:at]
    return argv(args.split("CMD", 1)[1].strip())


# ---------------------------------------------------------------- the parsers themselves
def test_the_parsers_read_what_docker_reads():
    text = "# c\nFROM a:b AS x\nRUN one \\\n    two\n\nCMD [\"p\", \"-c\", \"x y\"]\n"
    assert instructions(text) == [("FROM", "a:b AS x"), ("RUN", "one two"), ("CMD", '["p", "-c", "x y"]')]
    assert argv('["p", "-c", "x y"]') == ["p", "-c", "x y"] and argv("p -c 'x y'") == ["p", "-c", "x y"]
    rules = ignore_rules("tests\n**/__pycache__\n*.egg-info\n!tests/keep.py\n")
    assert ignored("tests/a.py", rules) and ignored("a/b/__pycache__/c.pyc", rules)
    assert ignored("x.egg-info/PKG-INFO", rules) and not ignored("tests/keep.py", rules)
    assert not ignored("playground/tests.py", rules) and not ignored("src/x.egg-info", rules)


# ---------------------------------------------------------------- the Dockerfile
def test_the_base_is_a_slim_python_the_project_supports():
    ((i, args),) = the("FROM")
    assert i == 0
    m = re.fullmatch(r"python:(\d+)\.(\d+)(?:\.\d+)?-slim(?:-[a-z]+)?", args)
    assert m, args
    need = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    lo = tuple(int(x) for x in re.fullmatch(r">=(\d+)\.(\d+)", need).groups())
    assert (int(m[1]), int(m[2])) >= lo >= (3, 11)


def test_the_app_runs_as_a_user_that_is_not_root():
    users, (cmd_at, _) = the("USER"), the("CMD")[0]
    assert users, "no USER: the app would run as root"
    at, user = [u for u in users if u[0] < cmd_at][-1]
    name = user.split(":")[0]
    assert name not in ("root", "0") and name
    made = [args for i, args in the("RUN") if i < at and re.search(rf"\b(useradd|adduser)\b.*\b{name}$", args)]
    assert made, f"USER {name} is never created"
    # everything after USER runs as that user: no RUN installs as root behind it
    assert not [args for i, args in the("RUN") if at < i]


def test_the_dependencies_come_from_requirements_txt():
    copies, runs = the("COPY"), the("RUN")
    pip = [i for i, args in runs if args == "pip install --no-cache-dir -r requirements.txt"]
    assert len(pip) == 1, runs
    req = [i for i, args in copies if argv(args)[:-1] == ["requirements.txt"]]
    code = [i for i, args in copies if args == ". ."]
    assert req and code and req[0] < pip[0] < code[0]   # the dependencies' layer before the code's


def test_the_port_is_exposed_and_health_checked_with_python():
    assert [args for _, args in the("EXPOSE")] == [PORT]
    words = health_command()
    assert words[0] == "python" and "curl" not in " ".join(words) and "wget" not in " ".join(words)
    assert f"http://localhost:{PORT}/_stcore/health" in words[-1]


def test_the_command_is_the_readmes_run_command_plus_server_flags():
    run, cmd = readme_run_command(), container_command()
    assert run == ["streamlit", "run", "app.py"]
    assert cmd[:len(run)] == run
    flags = cmd[len(run):]
    assert all(f.startswith("--server.") and "=" in f for f in flags), flags
    assert {"--server.address=0.0.0.0", f"--server.port={PORT}", "--server.headless=true"} <= set(flags)


# ---------------------------------------------------------------- .dockerignore
def test_the_build_context_leaves_out_git_tests_caches_and_venvs():
    for rel in (".git", ".git/HEAD", "tests", "tests/artifacts/x.png", ".pytest_cache", ".hypothesis",
                "playground/core/__pycache__/engine.cpython-311.pyc", ".venv/bin/python", "venv",
                "benchmarks/engine.py", "playground.egg-info/PKG-INFO"):
        assert ignored(rel, RULES), rel
    needed = ["app.py", "requirements.txt", ".streamlit/config.toml"]
    needed += [p.relative_to(ROOT).as_posix() for p in (ROOT / "playground").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts]
    assert len(needed) > 40
    assert [rel for rel in needed if ignored(rel, RULES)] == []


def build_context(to: Path) -> Path:
    """Copy what .dockerignore lets through (COPY . .) into `to`."""
    for folder, dirs, files in os.walk(ROOT):
        here = Path(folder).relative_to(ROOT)
        dirs[:] = [d for d in dirs if not ignored((here / d).as_posix(), RULES)]
        for f in files:
            rel = (here / f).as_posix()
            if not ignored(rel, RULES):
                (to / here).mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / rel, to / rel)
    return to


def here(words: list[str], port: int) -> list[str]:
    """A container's command run here: this Python, a free port, this machine only."""
    words = [w.replace(f":{PORT}/", f":{port}/") for w in words]
    words = [f"--server.port={port}" if w == f"--server.port={PORT}" else
             "--server.address=127.0.0.1" if w == "--server.address=0.0.0.0" else w for w in words]
    first = {"python": [sys.executable], "streamlit": [sys.executable, "-m", "streamlit"]}[words[0]]
    return first + words[1:]


def test_the_context_serves_the_app_with_the_dockerfiles_command_and_health_check(tmp_path):
    ctx = build_context(tmp_path / "app")
    assert not (ctx / "tests").exists() and (ctx / "playground" / "views" / "static").is_dir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", STAGED_ENV)}
    env["HOME"] = str(tmp_path / "home")
    # every module of the page and the CLI imports from the context alone
    probe = subprocess.run([sys.executable, "-c", "import playground, playground.ui.page, playground.cli;"
                            " print(playground.__file__)"], cwd=ctx, env=env, capture_output=True,
                           text=True, timeout=120)
    assert probe.returncode == 0, probe.stderr
    assert Path(probe.stdout.strip()).resolve().is_relative_to(ctx.resolve())
    port = free_port()
    health = here(health_command(), port)
    log = open(tmp_path / "server.log", "w")
    server = subprocess.Popen(here(container_command(), port), cwd=ctx, env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while subprocess.run(health, env=env, capture_output=True, timeout=30).returncode != 0:
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            assert time.monotonic() < deadline, "the health check never passed"
            time.sleep(0.5)
    finally:
        stop_app(server)
        log.close()
    assert subprocess.run(health, env=env, capture_output=True, timeout=30).returncode != 0


# ---------------------------------------------------------------- the guide
def test_the_hosting_guide_matches_the_dockerfile_and_the_app():
    guide = (ROOT / "docs" / "hosting.md").read_text(encoding="utf-8")
    assert "docker build -t playground ." in guide and f"-p {PORT}:{PORT}" in guide
    for fact in ("/_stcore/health", "/_stcore/stream", ROUTE_PATH, "requirements.txt", "app.py",
                 "sticky", "Upgrade", "server.cookieSecret", "proxy_pass"):
        assert fact in guide, fact
    assert " ".join(readme_run_command()) in guide
    assert "docs/hosting.md" in (ROOT / "README.md").read_text(encoding="utf-8"), \
        "the README's hosting section links the guide"
