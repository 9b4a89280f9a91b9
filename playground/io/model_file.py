"""The model file: JSON only (never pickle), validated completely before anything uses it.

    {"format": "playground-model", "version": 1, "config": "<query string>", "epoch": N,
     "inputs": ["x1", "x2"], "layers": [{"activation": "tanh", "residual": false,
     "W": [[...fan_in × fan_out...]], "b": [...fan_out...]}, ...]}   hidden layers first.

`load_model` raises nothing but ModelError, whatever it is given: at most MAX_BYTES (the one
cap the page and the CLI use), at most MAX_PARAMS weights and biases counting the output
layer, every number finite (a whole number too large for a float is refused by name before
Python converts it). Messages repeat the file's text only through `config.safe_echo`.
"""
from __future__ import annotations

import json
import math
import numpy as np

from ..core.config import parse_query, safe_echo, to_query
from ..core.limits import MAX_FILE_BYTES
from ..core.model import Model, ModelError  # what load_model returns and raises

FORMAT, VERSION = "playground-model", 1
MAX_BYTES = MAX_FILE_BYTES  # bytes of a model file (core/limits.py: the page's upload limit too)
MAX_PARAMS = 50_000     # weights and biases of all layers, the output layer included
_MAX_INT_DIGITS = 310   # a whole number with more digits cannot be a finite float


def model_dict(trainer) -> dict:
    net = trainer.net
    return {
        "format": FORMAT, "version": VERSION, "config": to_query(trainer.cfg),
        "epoch": trainer.epoch, "inputs": list(trainer.cfg.features),
        "layers": [{"activation": a, "residual": bool(r), "W": W.tolist(), "b": b.tolist()}
                   for a, r, (W, b) in zip(net.act_names, net.residual, net.layers())],
    }


def model_json(trainer) -> str:
    """Floats are written with repr precision, so weights read back bit-identical."""
    return json.dumps(model_dict(trainer), allow_nan=False)


def _reject_constant(name: str):
    raise ModelError(f"the file contains {name}, which is not a finite number")


def _whole_number(text: str) -> int:
    """json's integer hook: refuse what no float can hold before int() sees it (int() of
    over 4,300 digits raises ValueError; float() of 10**400 raises OverflowError)."""
    digits = len(text.lstrip("-"))
    if digits > _MAX_INT_DIGITS or not math.isfinite(float(text)):
        raise ModelError(f"the file contains a whole number of {digits:,} digits, "
                         "which is not a finite number")
    return int(text)


def _matrix(value, rows: int | None, what: str) -> np.ndarray:
    if not isinstance(value, list) or not value:
        raise ModelError(f"{what} must be a non-empty list")
    if rows is not None and len(value) != rows:
        raise ModelError(f"{what} has {len(value)} rows; expected {rows}")
    width = len(value[0]) if isinstance(value[0], list) else -1
    for row in value:
        if not isinstance(row, list) or len(row) != width or width < 1:
            raise ModelError(f"{what} must be a rectangular list of lists of numbers")
        for x in row:
            if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
                raise ModelError(f"{what} holds a value that is not a finite number")
    return np.array(value, dtype=np.float64)


def _vector(value, n: int, what: str) -> np.ndarray:
    if not isinstance(value, list) or len(value) != n:
        raise ModelError(f"{what} must be a list of {n} numbers")
    return _matrix([value], 1, what)[0]


def load_model(data: str | bytes) -> Model:
    """Parse and validate a model file; raise ModelError naming the first problem (and
    nothing else, whatever `data` holds)."""
    try:
        return _load(data)
    except ModelError:
        raise
    except RecursionError:
        raise ModelError("the file is nested too deeply to be a model") from None
    except Exception as e:  # a last line of defence; every known case is named in _load
        raise ModelError(f"the file could not be read as a model ({type(e).__name__})") from None


def _load(data) -> Model:
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, (str, bytes)):
        raise ModelError("a model file is JSON text")
    if len(data) > MAX_BYTES:
        raise ModelError(f"the file is {len(data):,} bytes; the limit is {MAX_BYTES:,}")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ModelError("the file is not UTF-8 text (a model file is JSON)") from None
    if len(data.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise ModelError(f"the file is over the limit of {MAX_BYTES:,} bytes")
    try:
        d = json.loads(data, parse_constant=_reject_constant, parse_int=_whole_number)
    except RecursionError:
        raise ModelError("the file is nested too deeply to be a model") from None
    except json.JSONDecodeError as e:
        raise ModelError(f"the file is not valid JSON ({e.msg} at line {e.lineno})") from None
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise ModelError(f"the file is not a playground model (format must be '{FORMAT}')")
    if d.get("version") != VERSION or isinstance(d.get("version"), bool):
        raise ModelError(f"model version '{safe_echo(d.get('version'), 20)}' is not supported "
                         f"(expected {VERSION})")
    if not isinstance(d.get("config"), str) or len(d["config"]) > 5000:
        raise ModelError("'config' must be a query string")
    cfg, notes = parse_query(d["config"])
    epoch = d.get("epoch", 0)
    if isinstance(epoch, bool) or not isinstance(epoch, int) or not 0 <= epoch <= 10**9:
        raise ModelError("'epoch' must be a whole number ≥ 0")
    inputs = d.get("inputs")
    if not isinstance(inputs, list) or tuple(inputs) != cfg.features:
        raise ModelError("'inputs' must list the input features of the model's config")
    layers = d.get("layers")
    if not isinstance(layers, list) or len(layers) != len(cfg.layers) + 1:
        raise ModelError(f"'layers' must hold {len(cfg.layers) + 1} layers "
                         f"({len(cfg.layers)} hidden and the output) for this config")
    out, acts, fan_in, total = [], [], len(inputs), 0
    for i, layer in enumerate(layers):
        what = f"layer {i + 1}"
        if not isinstance(layer, dict):
            raise ModelError(f"{what} must be an object with W and b")
        fan_out = cfg.layers[i] if i < len(cfg.layers) else _width(layer.get("W"))
        total += (fan_in + 1) * fan_out  # weights and biases, counted before building them
        if total > MAX_PARAMS:
            raise ModelError(f"the model has more than {MAX_PARAMS:,} parameters")
        W = _matrix(layer.get("W"), fan_in, f"{what} W")
        if W.shape[1] != fan_out:
            raise ModelError(f"{what} W has {W.shape[1]} columns; the config says {fan_out} neurons")
        b = _vector(layer.get("b"), W.shape[1], f"{what} b")
        act = layer.get("activation")
        if not isinstance(act, str) or len(act) > 30:
            raise ModelError(f"{what} activation must be a name")
        acts.append(act)
        out.append((W, b))
        fan_in = W.shape[1]
    return Model(cfg, epoch, tuple(inputs), out, tuple(acts), tuple(notes))


def _width(W) -> int:
    """The number of columns the first row of a raw W claims (1 when it has none)."""
    return len(W[0]) if isinstance(W, list) and W and isinstance(W[0], list) and W[0] else 1
