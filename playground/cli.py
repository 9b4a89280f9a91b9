"""Headless command line: the same config as the page, no browser. `pip install .` adds the
same as a `playground` command (pyproject.toml: `playground = "playground.cli:main"`).

    python -m playground train "<query or URL>" [--epochs N] [--init model.json]
           [--save model.json] [--export-data data.csv] [--data data.csv] [--json]
    python -m playground sweep "<query>" --depths 0,1,2,4,8 --seeds 3 [--epochs N] [--json]
    python -m playground export "<query>" [--to numpy|pytorch] [--epochs N] [--out run.py]
           [--data data.csv]

`export` writes the run as one self-contained Python script (io/code_export.py) that trains
N epochs (default 500) and prints its final losses: to stdout, or to --out.

Bad input (query, flags, files) exits with code 2 and one line on stderr, never a traceback;
Ctrl-C exits with code 130 and one line. Files are read up to their cap plus one byte (so
/dev/zero is refused, not read forever) and written through a temporary file in the same
directory, so a failed --save never destroys the file it would replace.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import stat
import sys
import time

from .core.config import MAX_EPOCHS, Config, parse_query
from .core.datasets import DataError
from .io.data_csv import MAX_CSV_BYTES, dataset_to_csv, read_csv
from .io.model_file import MAX_BYTES, ModelError, load_model, model_json


class UsageError(Exception):
    """Bad input from the user: reported on one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, not usage + message
        raise UsageError(message)


def _epochs(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--epochs must be a whole number, not {text[:20]!r}") from None
    if not 0 <= n <= MAX_EPOCHS:
        raise argparse.ArgumentTypeError(f"--epochs must be from 0 to {MAX_EPOCHS}")
    return n


def _prog() -> str:
    """How the user called us, for --help: the installed `playground` command or the module."""
    return "playground" if os.path.basename(sys.argv[0] or "") == "playground" else "python -m playground"


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog=_prog(), description="Neural-network playground, headless.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    t = sub.add_parser("train", help="train one network and report its losses")
    t.add_argument("query", help="share-link query string, full URL or TensorFlow Playground link")
    t.add_argument("--epochs", type=_epochs, default=500)
    t.add_argument("--init", metavar="MODEL.json", help="start from a saved model's weights")
    t.add_argument("--save", metavar="MODEL.json", help="write the trained model here")
    t.add_argument("--export-data", metavar="DATA.csv", help="write the dataset here")
    t.add_argument("--data", metavar="DATA.csv", help="train on this CSV instead of a generated dataset")
    t.add_argument("--json", action="store_true", help="print one JSON object")
    s = sub.add_parser("sweep", help="train the same settings at several depths and seeds")
    s.add_argument("query")
    s.add_argument("--depths", default="0,1,2,4,8")
    s.add_argument("--seeds", type=int, default=1)
    s.add_argument("--width", type=int, default=None)
    s.add_argument("--epochs", type=_epochs, default=300)
    s.add_argument("--json", action="store_true")
    e = sub.add_parser("export", help="write the run as a Python script (NumPy or PyTorch)")
    e.add_argument("query")
    e.add_argument("--to", choices=("numpy", "pytorch"), default="numpy")
    e.add_argument("--epochs", type=_epochs, default=500)
    e.add_argument("--out", metavar="FILE.py", help="write the script here (default: stdout)")
    e.add_argument("--data", metavar="DATA.csv", help="embed this CSV, not a generated dataset")
    return p


def _config(query: str) -> Config:
    cfg, notes = parse_query(query)
    if notes:
        raise UsageError("bad query: " + "; ".join(n.replace("; using the default", "") for n in notes))
    return cfg


def _read(path: str, limit: int = MAX_BYTES) -> bytes:
    """At most `limit` bytes of a file; more is refused after reading limit + 1 bytes, so an
    endless file (/dev/zero, /dev/urandom, a pipe) costs no more than that."""
    try:
        with open(path, "rb") as f:
            if stat.S_ISREG(os.fstat(f.fileno()).st_mode) and os.fstat(f.fileno()).st_size > limit:
                data = b"x" * (limit + 1)  # known too big: no need to read it
            else:
                data = f.read(limit + 1)
    except OSError as e:
        raise UsageError(f"{path}: {e.strerror or e}") from None
    if len(data) > limit:
        raise UsageError(f"{path}: the file is larger than the limit of {limit:,} bytes")
    return data


def _write(path: str, text: str) -> None:
    """Write through a temporary file in the target's directory, then os.replace it: the old
    file stays whole until the new one is complete. Non-regular targets (/dev/stdout, a pipe)
    are written directly."""
    data = text.encode("utf-8")
    target = os.path.realpath(path)
    special = any(p.startswith(("/dev/", "/proc/")) for p in (os.path.abspath(path), target))
    try:
        if special or (os.path.exists(target) and not os.path.isfile(target)):
            with open(path, "wb") as f:
                f.write(data)
            return
        mode = stat.S_IMODE(os.stat(target).st_mode) if os.path.exists(target) else None
        tmp = os.path.join(os.path.dirname(target),
                           f".{os.path.basename(target)}.{secrets.token_hex(4)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            if mode is not None:
                os.chmod(tmp, mode)
            os.replace(tmp, target)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except OSError as e:
        raise UsageError(f"{path}: {e.strerror or e}") from None


def _trainer(args, cfg: Config):
    """A fresh run of cfg, on the --data CSV if one is given."""
    from .core.train import Trainer
    from .core.rundata import user_dataset

    try:
        data = None
        if args.data:
            data = user_dataset(read_csv(_read(args.data, MAX_CSV_BYTES), problem=cfg.problem), cfg)
        return Trainer(cfg, data)
    except DataError as e:
        raise UsageError(f"{args.data or 'the data'}: {e}") from None


def train(args) -> dict:
    cfg = _config(args.query)
    t = _trainer(args, cfg)
    if args.init:
        try:
            t.load_model(load_model(_read(args.init)))
        except ModelError as e:
            raise UsageError(f"{args.init}: {e}") from None
    start = time.perf_counter()
    t.train(args.epochs)
    result = {**t.summary(), "seconds": round(time.perf_counter() - start, 4)}
    if t.diverged:
        result["reason"] = t.diverged
    if args.save:
        _write(args.save, model_json(t))
    if args.export_data:
        _write(args.export_data, dataset_to_csv(t.data))
    return result


def sweep(args) -> list[dict]:
    from .lab.sweep import run_sweep

    cfg = _config(args.query)
    try:
        depths = [int(d) for d in args.depths.split(",") if d.strip()]
    except ValueError:
        raise UsageError(f"--depths must be a comma list of whole numbers, not {args.depths[:40]!r}") from None
    if not depths or any(not 0 <= d <= 32 for d in depths) or len(depths) > 12:
        raise UsageError("--depths must list 1 to 12 depths from 0 to 32")
    if not 1 <= args.seeds <= 10:
        raise UsageError("--seeds must be from 1 to 10")
    if args.width is not None and not 1 <= args.width <= 32:
        raise UsageError("--width must be from 1 to 32")
    return run_sweep(cfg, depths, args.seeds, args.epochs, width=args.width, budget=None)  # local use: no per-click budget


def export(args) -> str:
    """The script's text, or (with --out) a line saying where it was written."""
    from .io.code_export import numpy_script, torch_script

    cfg = _config(args.query)
    if args.epochs < 1:
        raise UsageError(f"--epochs must be from 1 to {MAX_EPOCHS}")
    t = _trainer(args, cfg)
    script = (numpy_script if args.to == "numpy" else torch_script)(cfg, t, epochs=args.epochs)
    if not args.out:
        return script
    _write(args.out, script)
    return f"wrote {args.out}: a {args.to} script that trains {args.epochs:,} epochs\n"


def _fmt(v) -> str:
    return "—" if v is None else f"{v:.4g}" if isinstance(v, float) else str(v)


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


def _main(argv: list[str] | None) -> int:
    try:
        args = _parser().parse_args(argv)
        out = {"train": train, "sweep": sweep, "export": export}[args.command](args)
    except UsageError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if isinstance(out, str):
        sys.stdout.write(out)
    elif args.json:
        print(json.dumps(out))
    elif isinstance(out, dict):
        print("  ".join(f"{k}={_fmt(v)}" for k, v in out.items()))
    else:
        for row in out:
            print("  ".join(f"{k}={_fmt(v)}" for k, v in row.items() if not isinstance(v, list)))
    return 0
