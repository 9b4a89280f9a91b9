"""Export a run as one readable, self-contained Python script: NumPy or PyTorch.

The NumPy script makes the same data (by the same formulas and generator calls, or written
out when the points were uploaded or edited), the same starting weights and batch order, and
trains with the playground's own operations in the same order, so after N epochs it prints
the playground's losses bit for bit. The PyTorch script builds the same network from the same
numbers and batch order; its own arithmetic order agrees to about 1e-9 (SGD).

When the run's weights do not follow from its settings (a model file, a hand edit, settings
changed during the run: `follows_settings`), the script starts from the run's current state
instead (weights, epoch, batch-order generator and, in NumPy, the optimizer's memory).

Nothing a user typed reaches the code as text: every value is rendered here as a literal
(`_num`, `_int`, `_name`, `_text`) after checking it, into templates of fixed text
(io/code_templates.py).
"""
from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from string import Template

import numpy as np

from ..core.config import Config, to_query
from ..core.settings import (ACTIVATION_NAMES, COST_NAMES, FEATURE_NAMES, INIT_NAMES,
                             OPTIMIZER_NAMES, REG_NAMES, SCHEDULE_NAMES, SETTINGS)
from ..core.train import Trainer
from ..core.rundata import build_dataset
from . import code_templates as T
from . import code_templates_np as N
from . import code_templates_torch as P

REPLAY_WORK = 5e7  # how much replaying `follows_settings` may do (~1 s): points x parameters
STEP_WORK = 2000   # the work one optimizer step costs in those units (its per-call overhead)
RUN_KEYS = tuple(k for k, s in SETTINGS.items() if s.change != "display")
OPTIMIZER_STATE = {"sgd": (), "momentum": ("v",), "nesterov": ("v",), "rmsprop": ("s",),
                   "adam": ("m", "v", "t")}


# ---------------------------------------------------------------- literals
def _num(x) -> str:
    """A float as an exact literal (repr round-trips); non-finite values as math.nan/inf."""
    v = float(x)
    if math.isfinite(v):
        return repr(v)
    return "math.nan" if math.isnan(v) else ("math.inf" if v > 0 else "-math.inf")


def _int(x) -> str:
    return str(operator.index(x))


def _name(x, allowed) -> str:
    """A name from a settings whitelist, as a string literal; anything else is refused."""
    if not isinstance(x, str) or x not in allowed:
        raise ValueError(f"not a known name: {x!r}"[:80])
    return repr(x)


def _text(s: str) -> str:
    """Any text as one str literal on one line: repr escapes quotes, backslashes, newlines."""
    return repr(str(s))


def _floats(a, per_line: int = 4) -> str:
    values = [_num(v) for v in np.asarray(a, dtype=np.float64).ravel().tolist()]
    return _rows(values, per_line)


def _points(X) -> str:
    """Points (n, 2) as [[x1, x2], ...], two to a line."""
    return _rows([f"[{_num(a)}, {_num(b)}]" for a, b in np.asarray(X, dtype=np.float64).tolist()], 2)


def _ints(a, per_line: int = 20) -> str:
    return _rows([_int(int(v)) for v in np.asarray(a).ravel().tolist()], per_line)


def _rows(items: list[str], per_line: int) -> str:
    if len(items) <= per_line:
        return "[" + ", ".join(items) + "]"
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[\n    " + ",\n    ".join(lines) + ",\n]"


def _fill(template: str, **values: str) -> str:
    return Template(template).substitute(values)


# ---------------------------------------------------------------- where the run starts
def follows_settings(cfg: Config, t: Trainer) -> bool:
    """Whether the run's weights are what `cfg` gives from epoch 0: a fresh run on the same
    points is replayed and compared bit for bit with the run's trail of weights and its
    current weights. Replays at most REPLAY_WORK (a longer run is checked on its first
    epochs: a model file, an edit or other settings there show at once)."""
    if t.exact_until < t.epoch or cfg.branch_at:  # the run says it left its settings' path
        return False
    fresh = Trainer(cfg, data=t.base_data)
    epochs = t.trail.epochs()
    if not epochs or epochs[0] != 0 or fresh.net.n_params != t.net.n_params:
        return False
    per_epoch = fresh.X_train.shape[1] * fresh.net.n_params + STEP_WORK * len(fresh.batches)
    limit = REPLAY_WORK // max(per_epoch, 1)
    checks = [(e, th) for e, th in zip(epochs, t.trail.thetas()) if e <= limit]
    if t.epoch <= limit:
        checks.append((t.epoch, t.net.theta))
    for e, theta in sorted(checks, key=lambda c: c[0]):
        fresh.train(e - fresh.epoch)
        if fresh.epoch != e or not np.array_equal(fresh.net.theta, theta):
            return False
    return True


def _generated(cfg: Config, t: Trainer) -> bool:
    """Whether the run's points are exactly those the settings generate."""
    d, g = t.data, build_dataset(cfg)
    same = (d.kind, d.n_classes) == (g.kind, g.n_classes)
    return same and all(np.array_equal(a, b) for a, b in
                        ((d.X_train, g.X_train), (d.y_train, g.y_train),
                         (d.X_test, g.X_test), (d.y_test, g.y_test)))


def _order_state(rng: np.random.Generator) -> str:
    """The batch-order generator's exact state as a dict literal (PCG64: four integers)."""
    s = rng.bit_generator.state
    if s.get("bit_generator") != "PCG64":
        raise ValueError("the batch order generator is not PCG64")
    inner = s["state"]
    return ('"bit_generator": "PCG64",\n    "state": {"state": %s,\n              "inc": %s},\n'
            '    "has_uint32": %s, "uinteger": %s' % (_int(inner["state"]), _int(inner["inc"]),
                                                   _int(s["has_uint32"]), _int(s["uinteger"])))


def _opt_state(cfg: Config, t: Trainer) -> str:
    """The NumPy optimizer's memory as a dict literal ({} when it has none or another's)."""
    st, keys = t.opt_state, OPTIMIZER_STATE[cfg.optimizer]
    if not st or set(st) != set(keys):
        return "{}"
    items = [f'"{k}": {_int(st[k])}' if k == "t" else f'"{k}": np.array({_floats(st[k])})'
             for k in keys]
    return "{" + ", ".join(items) + "}"


# ---------------------------------------------------------------- the parts
@dataclass(frozen=True)
class Plan:
    """What both scripts are made from, checked."""
    cfg: Config
    t: Trainer
    epochs: int          # how many epochs the script trains
    fresh: bool          # from the settings' own start (else from the run's current state)
    acts: list[str]      # the hidden layers' activations
    generated: bool      # the points come from the settings' formulas (else written out)
    start: int           # the epoch training starts from
    penalty: str         # "none", "l1" or "l2" (a zero rate is none)
    multi: bool          # more than one output unit
    regression: bool


def _plan(cfg: Config, t: Trainer, epochs: int | None) -> Plan:
    """Everything both scripts insert, checked and rendered."""
    for value, names in ((cfg.optimizer, OPTIMIZER_NAMES), (cfg.schedule, SCHEDULE_NAMES),
                         (cfg.reg, REG_NAMES), (cfg.init, INIT_NAMES), (t.head.cost, COST_NAMES)):
        _name(value, names)
    acts = list(cfg.layer_activations())
    for a in acts:
        _name(a, ACTIVATION_NAMES)
    _name(t.head.output, ("tanh", "sigmoid", "linear", "softmax"))
    for f in cfg.features:
        _name(f, FEATURE_NAMES)
    if any(getattr(cfg, k) != getattr(t.cfg, k) for k in RUN_KEYS if SETTINGS[k].change != "live"):
        raise ValueError("the settings are not those of the run (its data or network differ)")
    n = max(1, operator.index(t.epoch if epochs is None else epochs))
    fresh_start = follows_settings(cfg, t)
    return Plan(cfg, t, n, fresh_start, acts, _generated(cfg, t), 0 if fresh_start else t.epoch,
                cfg.reg if cfg.reg != "none" and cfg.reg_rate > 0 else "none",
                t.head.units > 1, t.problem == "regression")


def _settings(p: Plan) -> str:
    cfg, t = p.cfg, p.t
    query = to_query(Config(**{k: getattr(cfg, k) for k in RUN_KEYS}))
    rows = [("LINK", _text(query), "these settings as a playground link's query"),
            ("SEED", _int(cfg.seed), "the seed of the data, the weights and the batch order")]
    if cfg.init_seed:
        rows.append(("INIT_SEED", _int(cfg.init_seed), "another start drawn by Reset"))
    if p.generated:
        rows += [("POINTS", _int(cfg.points), "training + test points"),
                 ("NOISE", _num(cfg.noise / 100.0), "how much the data is blurred"),
                 ("TRAIN_FRACTION", _num(cfg.train / 100.0), "the share of points that train"),
                 ("LABEL_NOISE", _num(cfg.label_noise / 100.0), "the share of training labels flipped")]
    rows += [("CLASSES", _int(t.data.n_classes), "classes (0: a regression)"),
             ("REGRESSION", repr(bool(p.regression)), "predict a value, not a class"),
             ("HIDDEN", "[" + ", ".join(_int(w) for w in cfg.layers) + "]", "neurons per hidden layer"),
             ("RESIDUAL_ON", repr(bool(cfg.residual)), "residual layers"),
             ("OUTPUTS", _int(t.head.units), "output units"),
             ("LEARNING_RATE", _num(cfg.lr), "the step size"),
             ("BATCH_SIZE", _int(cfg.batch), "points per step"),
             ("EPOCHS", _int(p.epochs), "passes over the training points"),
             ("START_EPOCH", _int(p.start), "the epoch training starts from")]
    if p.penalty != "none":
        rows.append(("REG_RATE", _num(cfg.reg_rate), f"lambda, the {cfg.reg.upper()} penalty's weight"))
    if cfg.patience:
        rows.append(("PATIENCE", _int(cfg.patience), "early stopping: epochs without a lower test loss"))
    head = "\n# ---------------------------------------------------------------- the settings\n"
    return head + "\n".join(f"{k} = {v}  # {c}" if len(k + v + c) < 88 else f"# {c}\n{k} = {v}"
                             for k, v, c in rows) + "\n"


def _random(p: Plan) -> str:
    out = T.RANDOM + (T.INIT_SEED if p.cfg.init_seed else "")
    return out if p.fresh else out + _fill(T.ORDER_STATE, order_state=_order_state(p.t.order_rng))


def _data(p: Plan) -> str:
    cfg, d = p.cfg, p.t.data
    if p.generated:
        helpers, body = T.DATASETS[cfg.dataset]
        out = _fill(T.DATA_GENERATED, helpers=helpers, body=body)
        return out + (T.LABEL_NOISE[d.kind] if cfg.label_noise else "")
    labels = _floats if d.kind == "regression" else _ints
    return _fill(T.DATA_EMBEDDED, X_train=_points(d.X_train), y_train=labels(d.y_train),
                 X_test=_points(d.X_test), y_test=labels(d.y_test),
                 ytype="float64" if d.kind == "regression" else "int64")


def _inputs(p: Plan) -> str:
    features = "\n    ".join(T.FEATURES[f] for f in p.cfg.features)
    return _fill(T.INPUTS, features=features, targets=T.TARGETS[p.t.head.targets])


def _network(p: Plan) -> str:
    cfg, t = p.cfg, p.t
    if p.fresh:
        what, draw, bias = T.INIT[cfg.init]
        xavier = "\n    a = math.sqrt(6.0 / (fan_in + fan_out))" if cfg.init == "xavier" else ""
        init = _fill(T.INIT_DRAWN, what=what, draw=draw, bias=bias, xavier=xavier)
    else:
        init = _fill(T.INIT_EMBEDDED, epoch=_int(t.epoch), theta=_floats(t.net.theta),
                     why="they do not follow from the settings\n# (a model file, a hand edit, "
                         "or settings changed during the run)")
    return T.LAYOUT + init


def _start_text(p: Plan) -> str:
    if p.fresh:
        return ("It makes the same data and starting weights from the seed and trains them as the\n"
                f"playground does, for {p.epochs:,} epochs, so it prints the playground's losses.")
    return (f"It starts from the run's state at epoch {p.t.epoch:,} (written out below: the weights\n"
            f"do not follow from the settings) and trains {p.epochs:,} more epochs.")


def _measure(p: Plan, outputs: str, grid: str) -> tuple[str, str]:
    out = p.t.head.output
    kind = "value" if p.regression else "multi" if p.multi else out
    what = {"value": "the predicted value", "multi": "the predicted class", "sigmoid":
            "the probability of class 1"}.get(kind, "the class-1 score in [0, 1]")
    acc = N.REGRESSION_ACC if p.regression else _fill(
        N.CLASS_ACC, hit=N.NP_HIT["multi" if p.multi else "binary"])
    measure = _fill(N.MEASURE, picture_what=what, score=N.SCORE[kind], outputs=outputs, accuracy=acc)
    return measure, _fill(N.REPORT, grid_outputs=grid)


def _loop(p: Plan, setup: str, batch: str, snapshot: str, restore: str, shuffle: str,
          set_rate: str = "") -> str:
    what, rate = N.RATE[p.cfg.schedule]
    early = _fill(N.EARLY_STOP, snapshot=snapshot, restore_best=restore % "best_weights") \
        if p.cfg.patience else ""
    return _fill(N.LOOP, rate_what=what, rate=rate, setup=setup, snapshot=snapshot, shuffle=shuffle,
                 batch=batch, restore_start=restore % "start", early_stop=early, set_rate=set_rate)


# ---------------------------------------------------------------- NumPy
def _np_maths(p: Plan) -> str:
    layer_acts = p.acts + [p.t.head.output]
    names = list(dict.fromkeys(layer_acts))
    entries = "".join(_fill(N.NP_ACTIVATION, name=a, pad=" " * (len(a) + 9),
                            **dict(zip(("f", "grad", "what"), N.NP_ACTIVATIONS[a]))) for a in names)
    c = p.t.head.cost
    value, grad, what = N.NP_COSTS[c]
    helpers = (N.GELU if "gelu" in names else "") + (N.SOFTMAX if "softmax" in names else "") + \
        {"cross_entropy": N.CROSS_ENTROPY, "hinge": N.HINGE, "huber": N.HUBER}.get(c, "")
    maths = _fill(N.NP_MATHS, activations=entries, cost_what=what, cost=value,
                  layer_acts="[" + ", ".join(_name(a, names) for a in layer_acts) + "]")
    return helpers + maths + ("" if _fused(p) else _fill(N.NP_COST_GRAD, cost_grad=grad))


def _fused(p: Plan) -> bool:
    h = p.t.head
    return h.cost == "cross_entropy" and h.output in ("sigmoid", "softmax")


def _np_optimizer(p: Plan) -> str:
    cfg, out = p.cfg, N.NP_OPTIMIZERS[p.cfg.optimizer]
    if p.penalty != "none":
        out += N.MASK
    if p.penalty == "l1":
        out += _fill(N.L1, threshold=N.L1_SCALE.get(cfg.optimizer, N.L1_SCALE["sgd"]))
    return "\n# ---------------------------------------------------------------- the optimizer" + out


def numpy_script(cfg: Config, t: Trainer, epochs: int | None = None) -> str:
    """The run as a NumPy script (see the module's docstring). `epochs`: how many epochs it
    trains (default the run's epoch, at least 1)."""
    p = _plan(cfg, t, epochs)
    head = _fill(T.HEAD, title="A neural network trained with NumPy", start=_start_text(p),
                 file="playground-run.py", needs=" (SciPy makes every step bit-exact)")
    passes = _fill(N.NP_PASSES, output_grad=N.FUSED if _fused(p) else N.UNFUSED)
    measure, report = _measure(p, N.NP_OUTPUTS, "forward(inputs(plane))[2][-1]")
    batch = _fill(N.NP_BATCH, l2=N.L2_LINE if p.penalty == "l2" else "",
                  l1=N.L1_LINE if p.penalty == "l1" else "")
    setup = _fill(N.NP_SETUP, state="{}" if p.fresh else _opt_state(cfg, t))
    loop = _loop(p, setup, batch, "theta.copy()", "theta[:] = %s", "Xs, Ts = XT[perm], TT[perm]")
    expit = T.EXPIT if "sigmoid" in p.acts + [t.head.output] else ""
    parts = [head + T.SCIPY + expit, _settings(p), _random(p), _data(p), _inputs(p), _network(p),
             _np_maths(p), passes, _np_optimizer(p), measure, loop, report]
    return "\n".join(parts)


# ---------------------------------------------------------------- PyTorch
def _torch_net(p: Plan) -> str:
    h = p.t.head
    ce = h.cost == "cross_entropy"
    train_cost = P.TORCH_TRAIN_COST["multi" if p.multi else "binary"] if ce else "cost(output(Z), T)"
    return _fill(P.TORCH_NET, hidden_f=", ".join(P.TORCH_ACTIVATIONS[a] for a in p.acts),
                 output_f=P.TORCH_ACTIVATIONS[h.output], cost_what=N.NP_COSTS[h.cost][2],
                 cost=P.TORCH_COSTS[h.cost], train_cost=train_cost,
                 helper={"cross_entropy": P.P_TRUE, "hinge": P.TORCH_HINGE}.get(h.cost, ""))


def _torch_optimizer(p: Plan) -> str:
    cfg = p.cfg
    opt, what = P.TORCH_OPTIMIZERS[cfg.optimizer]
    note = "" if cfg.optimizer == "sgd" else P.TORCH_CLOSE + ("" if p.fresh else P.TORCH_NO_MEMORY)
    out = _fill(P.TORCH_OPT, weight_decay=_num(cfg.reg_rate) if p.penalty == "l2" else "0.0",
                opt_what=what, opt_note=note, opt=opt)
    if p.penalty == "l1":
        memory = P.TORCH_MEMORY if cfg.optimizer in P.TORCH_L1_SCALE else ""
        out += _fill(P.TORCH_L1, memory=memory, d=P.TORCH_L1_SCALE.get(cfg.optimizer, "1.0"))
    return out


def torch_script(cfg: Config, t: Trainer, epochs: int | None = None) -> str:
    """The run as a PyTorch script: the same data, network, starting weights and batch order
    as `numpy_script`, trained by torch.optim. `epochs` as for numpy_script."""
    p = _plan(cfg, t, epochs)
    start = _start_text(p) + "\nPyTorch sums in its own order: the losses agree to about 1e-9 (SGD)."
    head = _fill(T.HEAD, title="A neural network trained with PyTorch", start=start,
                 file="playground-run-torch.py", needs=" and PyTorch")
    measure, report = _measure(p, P.TORCH_OUTPUTS_VALUE if p.regression else P.TORCH_OUTPUTS,
                               P.TORCH_GRID)
    l1 = "\n        l1_step(lr)" if p.penalty == "l1" else ""
    loop = _loop(p, P.TORCH_SETUP, _fill(P.TORCH_BATCH, l1=l1), "snapshot()", "restore(%s)",
                 "Xs, Ts = Xt[torch.from_numpy(perm)], Tt[torch.from_numpy(perm)]", P.TORCH_SET_RATE)
    body = "\n".join([_settings(p), _random(p), _data(p), _inputs(p), _network(p), _torch_net(p),
                      _torch_optimizer(p), measure, loop, report])
    imports = T.TORCH_IMPORTS if "nnf." in body else T.TORCH_IMPORTS.replace(T.NNF, "")
    return head + imports + "\n" + body
