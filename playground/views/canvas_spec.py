"""What the browser-side live view (``views/static/*.js``) needs, as plain JSON-able dicts.

Pure layer: no streamlit. The JavaScript function ``forward(spec, x1, x2)`` reads the model
spec as a list of operations, so every activation, feature, residual and output rule has
exactly one JavaScript twin, tested against NumPy in a real browser (tests/test_canvas_js.py).

Model spec (sent every tick, ~0.7 KB for the default 2-4-2-1 net)::

    {"v": 1, "domain": 6.0,
     "features": ["x1", "x2"],                       # cfg.features (active), in network order
     "inputs": {"names": [...], "labels": [...]},    # every feature the page offers
                                                     # (config.FEATURE_NAMES, data.FEATURE_LABELS)
     "palette": PALETTE,                             # every colour the canvas draws with
                                                     # (style.CANVAS_COLOURS, "heat": alpha)
     "layers": [{"act": "tanh", "res": false,        # hidden layers first, output layer last;
                                                     # res: residual on and fan_in == fan_out
                 "W": [[w_j0, ..., w_j(fan_in-1), b_j], ...]},   # fan_out rows, bias last,
                ...],                                            # float64 (repr, exact)
     "out": {"kind": "binary", "map": "pm1" | "prob", "colors": [c0, c1]}
          | {"kind": "classes", "k": k, "softmax": bool, "colors": [c0, ..., c(k-1)]}
          | {"kind": "value", "range": r}}           # colour scale spans [-r, r]

    binary "pm1": P(class 1) = (clip(o, -1, 1) + 1) / 2 (tanh or hinge/linear output),
    binary "prob": P(class 1) = o (sigmoid); classes: argmax; value: o.
    A non-finite weight is sent as null (JSON has no NaN); the browser paints it grey.

Frame spec = model spec + {"epoch", "train_loss", "test_loss", "train_acc", "test_acc"
(full precision; accuracies null for regression; a non-finite loss is the string "inf", "-inf"
or "nan", as Python prints it), "diverged" (the run stopped), "early" (it stopped by early
stopping), "loss": {"x0": first epoch,
"x1": last epoch, "lo": -8, "hi": 8, "train": "<codes>", "test": "<codes>", "best": [epoch,
test loss] of the lowest test loss so far (every epoch counted) or null}}. The series are
the history's records nearest to ≤ max_points evenly spaced epochs from x0 to x1 (the history
is bounded and thinned, so this costs the same at any epoch), for display only, two characters per
value: q = 64·B64(c0) + B64(c1) (B64 = "A-Za-z0-9+/"), loss = 10^(lo + q/4095·(hi − lo))
(0.9 % steps); "~~" = missing. ~1.6 KB per tick in all for the default net.

Playback frame (``playback_spec``) = frame spec + {"snapshots": [s_1, ..., s_K]}: the states
the weights went through during the tick's training chunk, oldest first, each
{"epoch", "train_loss", "test_loss", "train_acc", "test_acc" (full precision, as in the frame:
the browser's status line prints them as ui/live.status_text would), "W": [matrix per layer]
(float64, exact)}; the last one is the frame itself: only {"epoch"}. The browser paints them
one per animation frame, spread over a tick, and ends on the frame; the status line, the
caption and the loss chart all show the state being painted. ~0.7 KB more per extra state for
the default net.

Inside spec (``inside_spec``: the overlay of the "See inside" step-through, sent only while
it is open; every number exact float64 as JSON, a non-finite one null)::

    {"v": 1, "step": {"index": i, "count": n, "part": "forward" | "cost" | "backward" |
                      "update" | "result", "layer": l | null, "title": "Forward: hidden layer 1"},
     "points": [[x1, x2], ...],          # the chosen training points, raw inputs (ring marks)
     "indices": [...], "label": [...], "prediction": [...], "k": number of points,
     "inputs": [mean of each network input, in spec["features"] order],
     "show_inputs": bool,                # print the input values (forward and cost steps)
     "layers": [{                        # engine layer l = 0 … L-1, the output last
         "a", "z": [per-neuron mean over the points] | null   (null: not computed yet),
         "delta": [Σ over the points of δ = ∂L/∂z] | null     (= ∂L/∂b, L the mean cost),
         "dW": [[∂L/∂w_ji]] (fan_out × fan_in) | null, "db": [∂L/∂b_j] | null,
         "W", "W_after": [[w before, after the step]] | null, "b", "b_after": [...] | null,
         "show": "a" | "delta" | null,    # the values printed next to the neurons
         "grad": bool,                    # links coloured by sign(∂L/∂w), width by |∂L/∂w|
         "dim": bool}, ...],              # not reached yet at this step: links drawn faint
     "cost": null | {"name", "loss": L, "points": [cost of each point], "target": [mean
              target per output unit], "after": L after the step | null, "show": bool},
     "max": {"a", "z", "delta", "dW", "db", "step"}}   # max |value| over the whole trace

Forward step l: a, z of layers ≤ l (shown), the inputs; cost: every a, z and the cost;
backward step l: δ, ∂L/∂W, ∂L/∂b of layers ≥ l (shown, links by gradient), every a, z;
update: everything plus W → W_after (every link by gradient); result: everything, the cost
before and after. The scales ("max") are the trace's, so they stay put through the steps.
~5 KB for the default net at the update step, < 0.6 MB for 7 inputs into 8 × 32.

Points spec (sent only until the browser acknowledges its "key")::

    {"key": "<content hash>", "kind": "classification" | "regression", "n_classes": k,
     "range": r, "train": {"x": [...], "y": [...], "label": [...]}, "test": {...} | null}
"""
from __future__ import annotations

import hashlib
import json
import math

import numpy as np

from ..core.config import FEATURE_NAMES
from ..core.datasets import DOMAIN, FEATURE_LABELS
from . import style
from .style import BLUE, ORANGE, SKIP  # noqa: F401  (re-exported: tests and old callers)

SPEC_VERSION = 1
CLASS_COLORS = style.CLASS_COLOURS
# The palette of every model spec: the canvas has no colours of its own (~0.4 KB a tick).
# "mark": the rings around the step-through's points; "muted": an exactly-zero weight.
PALETTE = {**style.CANVAS_COLOURS, "mark": style.SELECTED, "muted": style.MUTED,
           "heat": style.HEAT_ALPHA}
MAX_HISTORY_POINTS = 200
INPUTS = {"names": list(FEATURE_NAMES), "labels": [FEATURE_LABELS[f] for f in FEATURE_NAMES]}


def _matrix(W: np.ndarray) -> list:
    """float64 rows as Python floats (json writes repr: bit-exact); non-finite → None."""
    if np.isfinite(W).all():
        return W.tolist()
    return [[float(v) if math.isfinite(v) else None for v in row] for row in W.tolist()]


def _value_range(trainer) -> float:
    """Half-width of the regression colour scale: the largest |label| (at least 1e-9)."""
    d = trainer.data
    m = max(float(np.abs(d.y_train).max(initial=0.0)), float(np.abs(d.y_test).max(initial=0.0)))
    return m if math.isfinite(m) and m > 1e-9 else 1.0


def _colors(k: int) -> list[str]:
    return style.class_colours(k)


def output_spec(trainer) -> dict:
    head = trainer.head
    if trainer.problem == "regression":
        return {"kind": "value", "range": _value_range(trainer)}
    if head.units == 1:
        return {"kind": "binary", "map": "prob" if head.output == "sigmoid" else "pm1",
                "colors": _colors(2)}
    return {"kind": "classes", "k": head.units, "softmax": head.output == "softmax",
            "colors": _colors(head.units)}


def model_spec(trainer) -> dict:
    """The network as operations for ``forward`` in static/model.js (see module docstring)."""
    net = trainer.net
    return {
        "v": SPEC_VERSION,
        "domain": float(DOMAIN),
        "features": list(trainer.cfg.features),
        "inputs": {"names": list(INPUTS["names"]), "labels": list(INPUTS["labels"])},
        "palette": dict(PALETTE),
        "layers": [{"act": a, "res": bool(r), "W": _matrix(W)}
                   for W, a, r in zip(net.W, net.act_names, net.residual)],
        "out": output_spec(trainer),
    }


def _sig(v: float, digits: int = 4) -> float | None:
    v = float(v)
    return float(f"{v:.{digits}g}") if math.isfinite(v) else None


def _finite(v: float) -> float | None:
    v = float(v)
    return v if math.isfinite(v) else None


def downsample(n: int, max_points: int) -> np.ndarray:
    """Indices of ≤ max_points evenly spaced samples of 0..n-1, first and last included."""
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.round(np.linspace(0, n - 1, max(2, max_points))).astype(np.int64))


_B64 = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", np.uint8)
LOSS_LO, LOSS_HI, LOSS_LEVELS = -8.0, 8.0, 4095


def encode_losses(values) -> str:
    """Positive values → two base-64 characters each on a log scale (see module docstring)."""
    v = np.asarray(values, dtype=np.float64)
    ok = np.isfinite(v)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (np.log10(np.where(ok & (v > 0), v, 1e-300)) - LOSS_LO) / (LOSS_HI - LOSS_LO)
    q = np.clip(np.round(t * LOSS_LEVELS), 0, LOSS_LEVELS).astype(np.int64)
    out = np.empty((v.size, 2), np.uint8)
    out[:, 0], out[:, 1] = _B64[q >> 6], _B64[q & 63]
    out[~ok] = ord("~")
    return out.tobytes().decode("ascii")


def decode_losses(codes: str) -> list[float | None]:
    """Inverse of encode_losses (the JavaScript twin: decodeLosses in static/paint.js)."""
    index = {c: i for i, c in enumerate(_B64.tobytes().decode())}
    out: list[float | None] = []
    for k in range(0, len(codes), 2):
        a, b = codes[k], codes[k + 1]
        if a == "~":
            out.append(None)
        else:
            q = index[a] * 64 + index[b]
            out.append(10 ** (LOSS_LO + q / LOSS_LEVELS * (LOSS_HI - LOSS_LO)))
    return out


def history_sample(epochs, max_points: int) -> np.ndarray:
    """Indices of the records nearest to ≤ max_points evenly spaced epochs, first to last:
    the history keeps older epochs sparser (train.History), the browser draws the samples
    evenly spaced. One record per epoch: exactly `downsample`. The history is bounded
    (train.MAX_RECORDS), so this costs the same at any epoch."""
    n = len(epochs)
    e = np.asarray(epochs, dtype=np.int64)
    if n == 0 or e[-1] - e[0] == n - 1:
        return downsample(n, max_points)
    want = np.round(np.linspace(e[0], e[-1], min(max_points, int(e[-1] - e[0]) + 1)))
    j = np.clip(np.searchsorted(e, want), 1, n - 1)
    return np.where(want - e[j - 1] <= e[j] - want, j - 1, j)


def loss_spec(trainer, max_points: int = MAX_HISTORY_POINTS) -> dict:
    h = trainer.history
    n = len(h.epoch)
    idx = history_sample(h.epoch, max_points).tolist()
    return {"x0": int(h.epoch[0]) if n else 0, "x1": int(h.epoch[-1]) if n else 0,
            "lo": LOSS_LO, "hi": LOSS_HI,
            "train": encode_losses([h.train_loss[i] for i in idx]),
            "test": encode_losses([h.test_loss[i] for i in idx]),
            "best": [h.best[0], h.best[1]] if h.best is not None else None}


def frame_spec(trainer, max_points: int = MAX_HISTORY_POINTS) -> dict:
    """model_spec + epoch, current losses/accuracies (full precision) and the loss history."""
    spec = model_spec(trainer)
    spec.update(_state(trainer), loss=loss_spec(trainer, max_points),
                diverged=bool(trainer.diverged),
                early=bool(trainer.stop is not None and trainer.stop.cause == "early_stop"))
    return spec


def scrub_spec(trainer, epoch: int, max_points: int = MAX_HISTORY_POINTS) -> dict:
    """frame_spec of the run as it was at `epoch` (its trail's snapshot nearest to it): the
    weights, and the losses measured at them (the engine's own `evaluate`); the loss chart
    whole, with `scrub` marking the epoch. The run's weights are put back (caller holds the
    run's lock)."""
    e, theta = trainer.trail.nearest(epoch)
    now = trainer.net.theta.copy()
    try:
        np.copyto(trainer.net.theta, theta)
        spec = frame_spec(trainer, max_points)
        tr, te, ta, tea = trainer.evaluate()
    finally:
        np.copyto(trainer.net.theta, now)
    spec.update(epoch=int(e), train_loss=_loss(tr), test_loss=_loss(te), train_acc=_finite(ta),
                test_acc=_finite(tea), scrub=int(e), diverged=False, early=False)
    return spec


def _loss(v) -> float | str | None:
    """A loss as JSON: finite → float; else how Python prints it ("inf", "-inf", "nan")."""
    if v is None:
        return None
    v = float(v)
    return v if math.isfinite(v) else f"{v}"


def _state(trainer) -> dict:
    h = trainer.history
    last = (lambda xs: _finite(xs[-1]) if xs else None)
    return {"epoch": int(trainer.epoch),
            "train_loss": _loss(h.train_loss[-1]) if h.train_loss else None,
            "test_loss": _loss(h.test_loss[-1]) if h.test_loss else None,
            "train_acc": last(h.train_acc), "test_acc": last(h.test_acc)}


def weights_snapshot(trainer) -> dict:
    """The current weights, epoch, losses and accuracies (full precision), for a playback
    frame (module docstring)."""
    return {**_state(trainer), "W": [_matrix(W) for W in trainer.net.W]}


def playback_spec(trainer, snapshots: list[dict], max_points: int = MAX_HISTORY_POINTS) -> dict:
    """frame_spec plus the earlier ``weights_snapshot``s of this tick, played back first by
    the browser. Without earlier snapshots it is exactly frame_spec."""
    spec = frame_spec(trainer, max_points)
    if snapshots:
        spec["snapshots"] = [*snapshots, {"epoch": int(trainer.epoch)}]
    return spec


def _split(X: np.ndarray, y: np.ndarray, regression: bool) -> dict:
    return {"x": np.round(X[:, 0], 3).tolist(), "y": np.round(X[:, 1], 3).tolist(),
            "label": [_sig(v) for v in y] if regression else np.asarray(y, dtype=np.int64).tolist()}


def points_spec(trainer, show_test: bool = False) -> dict:
    """Train points (and test points if show_test), rounded for display, with a content key."""
    d = trainer.data
    reg = trainer.problem == "regression"
    body = {"kind": trainer.problem, "n_classes": int(d.n_classes),
            "range": _value_range(trainer) if reg else 1.0,
            "colors": _colors(max(2, int(d.n_classes))),
            "train": _split(d.X_train, d.y_train, reg),
            "test": _split(d.X_test, d.y_test, reg) if show_test else None,
            # the training points whose label the label noise changed (for show_flipped)
            "flipped": np.flatnonzero(np.asarray(d.y_train) != np.asarray(d.y_train_clean)).tolist()}
    key = hashlib.sha1(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]
    return {"key": key, **body}


INSIDE_VERSION = 1


def _vec(v) -> list:
    """A float64 vector as Python floats (exact); non-finite → None."""
    v = np.asarray(v, dtype=np.float64).reshape(-1)
    return v.tolist() if np.isfinite(v).all() else [_finite(x) for x in v.tolist()]


def _absmax(arrays) -> float:
    """The largest finite |value| in the arrays (0 if none)."""
    m = 0.0
    for a in arrays:
        a = np.abs(np.asarray(a, dtype=np.float64))
        a = a[np.isfinite(a)]
        if a.size:
            m = max(m, float(a.max()))
    return m


def _known(step, n_layers: int) -> tuple[range, range]:
    """The layers whose forward values and whose gradients are known at `step`."""
    if step.part == "forward":
        return range(step.layer + 1), range(0)
    if step.part == "cost":
        return range(n_layers), range(0)
    if step.part == "backward":
        return range(n_layers), range(step.layer, n_layers)
    return range(n_layers), range(n_layers)


def _inside_layer(L, l: int, step, fwd: range, back: range) -> dict:
    part, done = step.part, step.part in ("update", "result")
    show = ("a" if part in ("forward", "cost") and l in fwd
            else "delta" if part == "backward" and l in back else None)
    dim = (part == "forward" and l > step.layer) or (part == "backward" and l < step.layer)
    return {"a": _vec(L.A.mean(axis=1)) if l in fwd else None,
            "z": _vec(L.Z.mean(axis=1)) if l in fwd else None,
            "delta": _vec(L.delta.sum(axis=1)) if l in back else None,
            "dW": _matrix(L.dW) if l in back else None,
            "db": _vec(L.db) if l in back else None,
            "W": _matrix(L.W) if done else None, "W_after": _matrix(L.W_after) if done else None,
            "b": _vec(L.b) if done else None, "b_after": _vec(L.b_after) if done else None,
            "show": show, "grad": part == "update" or (part == "backward" and l in back),
            "dim": bool(dim)}


def _inside_cost(trace, step) -> dict | None:
    if step.part == "forward":
        return None
    return {"name": trace.cost, "loss": _finite(trace.loss), "points": _vec(trace.point_loss_before),
            "target": _vec(trace.target.mean(axis=1)),
            "after": _finite(trace.point_loss_after.mean()) if step.part == "result" else None,
            "show": step.part in ("cost", "result")}


def _inside_max(trace) -> dict:
    Ls = trace.layers
    return {"a": _absmax([L.A.mean(axis=1) for L in Ls] + [Ls[0].a_in.mean(axis=1)]),
            "z": _absmax([L.Z.mean(axis=1) for L in Ls]),
            "delta": _absmax([L.delta.sum(axis=1) for L in Ls]),
            "dW": _absmax([L.dW for L in Ls]), "db": _absmax([L.db for L in Ls]),
            "step": _absmax([L.W_after - L.W for L in Ls] + [L.b_after - L.b for L in Ls])}


def inside_spec(trace, step_index: int) -> dict:
    """What the live view shows of a "See inside" trace (core/inside.trace) at its step
    `step_index` (an index into trace.steps): the module docstring's inside spec."""
    steps = trace.steps
    if isinstance(step_index, bool) or not 0 <= int(step_index) < len(steps):
        raise IndexError(f"step {step_index!r}: the trace has steps 0 to {len(steps) - 1}")
    i = int(step_index)
    step, n = steps[i], len(trace.layers)
    fwd, back = _known(step, n)
    label = trace.label
    return {
        "v": INSIDE_VERSION,
        "step": {"index": i, "count": len(steps), "part": step.part, "layer": step.layer,
                 "title": step.title},
        "points": [_vec(p) for p in trace.points], "indices": list(trace.indices),
        "label": (np.asarray(label).astype(np.int64).tolist() if np.asarray(label).dtype.kind in "iu"
                  else _vec(label)),
        "prediction": _vec(trace.prediction), "k": len(trace.indices),
        "inputs": _vec(trace.layers[0].a_in.mean(axis=1)),
        "show_inputs": step.part in ("forward", "cost"),
        "layers": [_inside_layer(L, l, step, fwd, back) for l, L in enumerate(trace.layers)],
        "cost": _inside_cost(trace, step),
        "max": _inside_max(trace),
    }


def spec_json(spec: dict) -> str:
    """Compact JSON as the browser receives it (for size checks)."""
    return json.dumps(spec, separators=(",", ":"), allow_nan=False)
