"""See inside: one step of training on chosen training points, with every number the engine
computed, and the step taken for real.

`trace(t, indices)` runs the engine's own passes (`Workspace.gradient_sum`) and the trainer's
own update (`Trainer.batch_step`) on the chosen points of the training set, reads the
buffers, and puts the run back as it was (weights, gradient buffer, optimizer state):

    forward    Z_l = W_l a_{l-1} + b_l,   F_l = f_l(Z_l),   A_l = F_l (+ a_{l-1} if residual)
    cost       L = (1/k) Σ_i cost(o_i, t_i)                      (the mean over the k points)
    backward   δ_l = ∂L/∂Z_l,   ∂L/∂W_l = δ_l a_{l-1}ᵀ,   ∂L/∂b_l = Σ_i δ_l[:, i]
    update     θ ← optimizer(θ, ∂L/∂θ + λ ∂P/∂θ, η_e), then the penalty's prox (L1)

`take_step(t, indices)` takes that same step on the run: its weights equal the trace's
`theta_after` exactly. Arrays are in the engine's layout: W_l is (units out, units in), one
column per chosen point; a trace's arrays are read-only copies.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .costs import COSTS, class_scores
from .optim import OPTIMIZERS, PENALTIES, SCHEDULES
from .train import MAX_ABS_WEIGHT, MAX_LOSS, Trainer

Array = np.ndarray

# f and f′ of every activation and output unit. Here, not in the docstrings of activations.py:
# tanh, sigmoid and sine are NumPy/SciPy ufuncs (their docstrings are NumPy's).
ACTIVATION_FORMULAS: dict[str, tuple[str, str]] = {
    "tanh": ("tanh(z) = (eᶻ − e⁻ᶻ)/(eᶻ + e⁻ᶻ)", "tanh′(z) = 1 − tanh²(z)"),
    "relu": ("relu(z) = max(0, z)", "relu′(z) = 1 if z > 0, else 0"),
    "leaky_relu": ("leaky_relu(z) = max(z, 0.01 z)", "leaky_relu′(z) = 1 if z > 0, else 0.01"),
    "sigmoid": ("σ(z) = 1/(1 + e⁻ᶻ)", "σ′(z) = σ(z)·(1 − σ(z))"),
    "linear": ("linear(z) = z", "linear′(z) = 1"),
    "elu": ("elu(z) = z if z > 0, else eᶻ − 1", "elu′(z) = 1 if z > 0, else eᶻ"),
    "gelu": ("gelu(z) = ½ z (1 + tanh(√(2/π) (z + 0.044715 z³)))",
             "gelu′(z) = ½ (1 + u) + ½ z (1 − u²) √(2/π) (1 + 0.134145 z²), "
             "u = tanh(√(2/π) (z + 0.044715 z³))"),
    "sine": ("sin(z)", "sin′(z) = cos(z)"),
    "softmax": ("p_j = e^(z_j) / Σ_k e^(z_k)", "∂p_j/∂z_k = p_j (δ_jk − p_k)"),
}

# How a penalty λ·P(w) enters the step (biases are never penalized; see optim.Penalty).
PENALTY_FORMULAS: dict[str, str] = {
    "none": "no penalty",
    "l1": "after the step: w ← sign(w) · max(|w| − η λ / d, 0)  (d: the optimizer's "
          "per-weight scale, 1 for sgd, momentum and nesterov)",
    "l2": "∂L/∂w + λ w  (λ · ∂/∂w ½ Σ w²) is the gradient the optimizer steps on",
}

FORWARD_RULE = "z = Σ_j w_j a_j + b,   a = f(z)"
RESIDUAL_RULE = "a = f(z) + a_in  (the layer's input is added back)"
BACKWARD_RULE = ("δ_l = ∂L/∂z_l = f′(z_l) ⊙ ∂L/∂a_l,   ∂L/∂a_l = W_{l+1}ᵀ δ_{l+1} "
                 "(+ ∂L/∂a_{l+1} on a residual layer),   ∂L/∂w_ij = δ_i a_j,   ∂L/∂b_i = δ_i")
FUSED_RULE = "δ = p − t  (cross-entropy after a sigmoid or softmax unit)"


def doc_formula(fn) -> str:
    """The first paragraph of a registry function's docstring, on one line: the engine's
    functions carry their equation there (optimizers, costs, schedules)."""
    return " ".join((fn.__doc__ or "").strip().split("\n\n")[0].split())


def cost_formula(name: str) -> str:
    """'L = ½ Σ_j (o_j − t_j)²  ...' from the cost's docstring."""
    return f"L = {doc_formula(COSTS[name].value)}"


def optimizer_rule(name: str) -> str:
    """The optimizer's update, from its docstring ('θ ← θ − η g' for sgd)."""
    return doc_formula(OPTIMIZERS[name])


def schedule_formula(name: str) -> str:
    return f"η_epoch = {doc_formula(SCHEDULES[name])}"


@dataclass(frozen=True, eq=False)  # arrays: compare fields, not traces
class LayerTrace:
    """One layer for the chosen points (column i: point i). `skip` is the input added back on
    a residual layer (None otherwise); `dA` = ∂L/∂A (None on the output layer, where the
    engine does not form it); `dW_penalty` = λ ∂P/∂W (zeros without an L2 gradient)."""
    name: str                  # "hidden layer 1", ..., "output layer"
    input_names: tuple[str, ...]
    a_in: Array                # (n_in, k)
    W: Array                   # (n_out, n_in) before the step
    b: Array                   # (n_out,)
    Z: Array                   # (n_out, k)
    F: Array                   # f(Z)
    A: Array                   # F (+ skip)
    skip: Array | None
    activation: str
    formula: str
    derivative: str
    delta: Array               # ∂L/∂Z, (n_out, k), L the mean cost over the k points
    dA: Array | None
    dW: Array                  # ∂L/∂W (n_out, n_in)
    db: Array                  # ∂L/∂b (n_out,)
    dW_penalty: Array
    W_after: Array
    b_after: Array

    @property
    def residual(self) -> bool:
        return self.skip is not None


@dataclass(frozen=True)
class Step:
    """One stop of the step-through: which part of the trace it reveals."""
    part: str          # "forward", "cost", "backward", "update" or "result"
    layer: int | None  # index into Trace.layers (forward, backward), else None
    title: str


@dataclass(frozen=True, eq=False)  # arrays: compare fields, not traces
class Trace:
    """One training step on chosen training points, with everything computed on the way.
    `prediction` is what `Trainer.predict_grid` gives (P(class 1), the class index, or the
    value); `point_loss_*` the cost of each point; `train_*` = Trainer.evaluate() (train loss,
    test loss, train accuracy, test accuracy) before and after the step."""
    indices: tuple[int, ...]
    points: Array              # (k, 2) the raw points
    label: Array               # (k,) their labels
    target: Array              # (units, k) in the head's coding
    layers: tuple[LayerTrace, ...]
    output: Array              # (units, k) the output units (probabilities under softmax)
    prediction: Array          # (k,)
    cost: str
    cost_formula: str
    fused: bool                # δ of the output is p − t (FUSED_RULE)
    point_loss_before: Array   # (k,)
    point_loss_after: Array
    loss: float                # the mean of point_loss_before: the L differentiated
    epoch: int
    lr: float                  # η after the schedule
    schedule_formula: str
    optimizer: str
    optimizer_rule: str
    penalty: str
    penalty_rate: float
    penalty_formula: str
    theta_before: Array
    theta_after: Array
    train_before: tuple[float, float, float, float]
    train_after: tuple[float, float, float, float]
    steps: tuple[Step, ...]

    @property
    def train_loss_before(self) -> float:
        return self.train_before[0]

    @property
    def train_loss_after(self) -> float:
        return self.train_after[0]


# ---------------------------------------------------------------- the chosen batch
def _indices(t: Trainer, indices) -> Array:
    idx = np.asarray(indices).reshape(-1)
    n = t.X_train.shape[1]
    if idx.size == 0 or idx.dtype.kind not in "iu" or idx.min() < 0 or idx.max() >= n:
        raise ValueError(f"choose training points by index, 0 to {n - 1}")
    return idx.astype(np.intp)


def batch(t: Trainer, indices) -> tuple:
    """The training points `indices` as `Trainer.batches` holds a batch: point-major rows
    seen feature-major, their workspace, the gradient views into t.g, and scale = 1/k."""
    idx, net = _indices(t, indices), t.net
    return (t.X_train.T[idx].T, t.T_train.T[idx].T, net.workspace(idx.size),
            net.grad_views(t.g), 1.0 / idx.size)


def _state_copy(state: dict) -> dict:
    return {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in state.items()}


def _frozen(a: Array | None) -> Array | None:
    if a is None:
        return None
    a = np.array(a)
    a.setflags(write=False)
    return a


# ---------------------------------------------------------------- reading the engine
def _input_names(t: Trainer, l: int) -> tuple[str, ...]:
    if l == 0:
        return tuple(t.cfg.features)
    return tuple(f"neuron {j + 1} of hidden layer {l}" for j in range(t.net.sizes[l]))


def _layer_name(l: int, n_layers: int) -> str:
    return "output layer" if l == n_layers - 1 else f"hidden layer {l + 1}"


def _passes(t: Trainer, b: tuple) -> list[dict]:
    """Forward and backward on the batch by the engine (gradient_sum), read per layer:
    copies of Z, F, A, the skip, δ = scale·dZ, ∂L/∂A, ∂L/∂W = scale·gW (as Net.gradient)."""
    xb, tb, ws, gW, scale = b
    net, L = t.net, len(t.net.W)
    ws.gradient_sum(xb, tb, gW)
    a_in = [xb[:-1]] + ws.Ah
    A = ws.Ah + [ws.O]
    out = []
    for l in range(L):
        G = gW[l] * scale
        out.append(dict(
            a_in=a_in[l], W=net.W[l][:, :-1], b=net.W[l][:, -1], Z=ws.Z[l], F=ws.F[l], A=A[l],
            skip=a_in[l] if net.residual[l] else None, delta=ws.dZ[l] * scale,
            dA=ws.dA[l] * scale if l < L - 1 else None, dW=G[:, :-1], db=G[:, -1]))
    return [{k: _frozen(v) for k, v in d.items()} for d in out]


def _penalty_grad(t: Trainer) -> Array:
    """λ ∂P/∂θ as the step adds it to the mean gradient (zeros without a penalty gradient)."""
    grad, rate = PENALTIES[t.cfg.reg].grad, t.cfg.reg_rate
    if grad is None or not rate:
        return np.zeros_like(t.net.theta)
    return rate * grad(t.net.theta, t.net.mask)


def _dry_step(t: Trainer, b: tuple, lr: float) -> tuple[Array, Array, tuple]:
    """The trainer's step on a copy of its optimizer state; returns (θ after, the points'
    costs after, evaluate() after) and puts the weights and the state back."""
    net, xb, tb = t.net, b[0], b[1]
    theta0, state0 = net.theta.copy(), t.opt_state
    t.opt_state = _state_copy(state0)
    try:
        t.batch_step(lr)(*b)
        after = net.theta.copy()
        point_after = net.cost.value(net.forward(xb), tb)
        metrics = t.evaluate()
    finally:
        net.theta[:] = theta0
        t.opt_state = state0
    return after, point_after, metrics


# ---------------------------------------------------------------- the trace
def trace(t: Trainer, indices) -> Trace:
    """One training step on the training points `indices` (one, or a mini-batch), computed by
    the engine and the trainer, without changing the run."""
    idx = _indices(t, indices)
    b, net, cfg = batch(t, idx), t.net, t.cfg
    lr, g0 = t.learning_rate(), t.g.copy()
    try:
        with np.errstate(all="ignore"):
            layers = _passes(t, b)
            O = _frozen(b[2].O)
            point_before = net.cost.value(O, b[1])
            penalty = net.grad_views(_penalty_grad(t))
            before = t.evaluate()
            theta0 = net.theta.copy()
            theta1, point_after, after = _dry_step(t, b, lr)
    finally:
        t.g[:] = g0  # the gradient buffer too: the run is left exactly as it was
    return Trace(
        indices=tuple(int(i) for i in idx), points=_frozen(t.data.X_train[idx]),
        label=_frozen(t.data.y_train[idx]), target=_frozen(b[1]),
        layers=_layer_traces(t, layers, penalty, theta1), output=O,
        prediction=_frozen(O[0] if t.problem == "regression" else class_scores(O, t.head)),
        cost=net.head.cost, cost_formula=cost_formula(net.head.cost), fused=b[2].fused,
        point_loss_before=_frozen(point_before), point_loss_after=_frozen(point_after),
        loss=float(point_before.mean()), epoch=t.epoch, lr=lr,
        schedule_formula=schedule_formula(cfg.schedule), optimizer=cfg.optimizer,
        optimizer_rule=optimizer_rule(cfg.optimizer), penalty=cfg.reg,
        penalty_rate=cfg.reg_rate, penalty_formula=PENALTY_FORMULAS[cfg.reg],
        theta_before=_frozen(theta0), theta_after=_frozen(theta1),
        train_before=before, train_after=after, steps=steps(len(layers)))


def _layer_traces(t: Trainer, layers: list[dict], penalty: list[Array],
                  theta_after: Array) -> tuple[LayerTrace, ...]:
    net, L = t.net, len(layers)
    after = net.grad_views(theta_after)
    return tuple(LayerTrace(
        name=_layer_name(l, L), input_names=_input_names(t, l), activation=net.act_names[l],
        formula=ACTIVATION_FORMULAS[net.act_names[l]][0],
        derivative=ACTIVATION_FORMULAS[net.act_names[l]][1],
        dW_penalty=_frozen(penalty[l][:, :-1]), W_after=_frozen(after[l][:, :-1]),
        b_after=_frozen(after[l][:, -1]), **d) for l, d in enumerate(layers))


def steps(n_layers: int) -> tuple[Step, ...]:
    """The step-through: forward layer 1..L, the cost, backward layer L..1, the update, the
    losses before and after."""
    name = [_layer_name(l, n_layers) for l in range(n_layers)]
    return (tuple(Step("forward", l, f"Forward: {name[l]}") for l in range(n_layers))
            + (Step("cost", None, "Cost"),)
            + tuple(Step("backward", l, f"Backward: {name[l]}") for l in reversed(range(n_layers)))
            + (Step("update", None, "Update"), Step("result", None, "Loss before and after")))


# ---------------------------------------------------------------- taking the step
def take_step(t: Trainer, indices) -> str | None:
    """Take the trace's step on the run for real: the trainer's batch step on the points
    `indices` at this epoch's rate, then this epoch's record measured again and the new
    weights made the run's reference (as `Trainer.set_parameter`); the epoch stays. Returns
    None, or why the step was refused (the run has stopped, or the step overflows: then the
    run is left as it was)."""
    if t.stop:
        return f"the run has stopped: {t.stop.reason}"
    b, net = batch(t, indices), t.net
    theta0, g0, state0 = net.theta.copy(), t.g.copy(), _state_copy(t.opt_state)
    with np.errstate(all="ignore"):
        t.batch_step(t.learning_rate())(*b)
        t.history.pop()
        t.record()
        reason = _overflow(net.theta, t.history.train_loss[-1])
        if reason:
            net.theta[:], t.g[:] = theta0, g0
            t.opt_state.clear()
            t.opt_state.update(state0)
            t.history.pop()
            t.record()
            return reason
    t.mark_good()
    return None


def _overflow(theta: Array, loss: float) -> str | None:
    """Why weights or a training loss are out of range (the trainer's limits), or None."""
    w = float(np.abs(theta).max())
    if not w <= MAX_ABS_WEIGHT:
        return f"the step would make a weight reach {w:.3g}"
    if not (math.isfinite(loss) and loss <= MAX_LOSS):
        return f"the step would make the training loss {loss:.3g}"
    return None
