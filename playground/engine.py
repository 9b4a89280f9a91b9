"""The NumPy engine: activations, output heads, costs, initializers and the network.

Layout (feature-major, so every ufunc runs on contiguous rows): a batch of B points is a
matrix with one row per unit and one column per point, plus a row of ones, so a layer is one
product with the bias folded in:

    Z_l = W_l @ [A_{l-1}; 1]        W_l: (fan_out, fan_in + 1), last column = bias b_l
    F_l = f_l(Z_l)                  A_l = F_l (+ A_{l-1} if the layer is residual)

All W_l are views into one flat parameter vector `theta`, and their gradients into one flat
`g`, so an optimizer updates everything with a handful of NumPy calls.
"""
from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np
from scipy.special import expit

Array = np.ndarray


# ---------------------------------------------------------------- activations
class Activation(NamedTuple):
    f: Callable[[Array, Array], Array]                  # f(Z, out) -> out = f(Z)
    grad: Callable[[Array, Array, Array, Array], Array]  # grad(dA, Z, F, out) -> out = dA * f'(Z)


# Forward: np.tanh;  sigmoid σ(z) = 1 / (1 + e^-z): scipy's expit;  sine: np.sin.
def _tanh_grad(dA, Z, F, out):
    """tanh' = 1 - tanh²"""
    np.multiply(F, F, out)
    np.subtract(1.0, out, out)
    return np.multiply(out, dA, out)


def _relu(Z, out):
    return np.maximum(Z, 0.0, out=out)


def _relu_grad(dA, Z, F, out):
    return np.multiply(dA, Z > 0.0, out)


def _leaky_relu(Z, out):
    """max(z, 0.01 z)"""
    np.multiply(Z, 0.01, out)
    return np.maximum(Z, out, out=out)


def _leaky_relu_grad(dA, Z, F, out):
    return np.multiply(dA, np.where(Z > 0.0, 1.0, 0.01), out)


def _sigmoid_grad(dA, Z, F, out):
    """σ' = σ (1 - σ)"""
    np.subtract(1.0, F, out)
    np.multiply(out, F, out)
    return np.multiply(out, dA, out)


def _linear(Z, out):
    np.copyto(out, Z)
    return out


def _linear_grad(dA, Z, F, out):
    np.copyto(out, dA)
    return out


def _elu(Z, out):
    """z if z > 0 else e^z - 1"""
    np.copyto(out, np.where(Z > 0.0, Z, np.expm1(np.minimum(Z, 0.0))))
    return out


def _elu_grad(dA, Z, F, out):
    return np.multiply(dA, np.where(Z > 0.0, 1.0, F + 1.0), out)


_GC = math.sqrt(2.0 / math.pi)


def _gelu(Z, out):
    """GELU, tanh form: ½ z (1 + tanh(√(2/π) (z + 0.044715 z³)))"""
    t = np.tanh(_GC * (Z + 0.044715 * Z ** 3))
    np.multiply(0.5 * Z, 1.0 + t, out)
    return out


def _gelu_grad(dA, Z, F, out):
    t = np.tanh(_GC * (Z + 0.044715 * Z ** 3))
    d = 0.5 * (1.0 + t) + 0.5 * Z * (1.0 - t * t) * _GC * (1.0 + 3 * 0.044715 * Z * Z)
    return np.multiply(dA, d, out)


def _sine_grad(dA, Z, F, out):
    np.cos(Z, out)
    return np.multiply(out, dA, out)


# Where f is a single ufunc it is used directly (ufunc(Z, out) fits the signature, one call less).
ACTIVATIONS: dict[str, Activation] = {
    "tanh": Activation(np.tanh, _tanh_grad),
    "relu": Activation(_relu, _relu_grad),
    "leaky_relu": Activation(_leaky_relu, _leaky_relu_grad),
    "sigmoid": Activation(expit, _sigmoid_grad),
    "linear": Activation(_linear, _linear_grad),
    "elu": Activation(_elu, _elu_grad),
    "gelu": Activation(_gelu, _gelu_grad),
    "sine": Activation(np.sin, _sine_grad),
}


def _softmax(Z, out):
    """p_j = e^{z_j} / Σ_k e^{z_k}, per column (point)"""
    np.subtract(Z, Z.max(axis=0), out)
    np.exp(out, out)
    return np.divide(out, out.sum(axis=0), out)


def _softmax_grad(dO, Z, O, out):
    """vector-Jacobian product: p ⊙ (dO − Σ_k p_k dO_k)"""
    np.subtract(dO, (O * dO).sum(axis=0), out)
    return np.multiply(out, O, out)


# Output units: the same signature as hidden activations (softmax mixes the units of a point).
OUTPUTS: dict[str, Activation] = {
    "tanh": ACTIVATIONS["tanh"],
    "sigmoid": ACTIVATIONS["sigmoid"],
    "linear": ACTIVATIONS["linear"],
    "softmax": Activation(_softmax, _softmax_grad),
}


# ---------------------------------------------------------------- costs
class Cost(NamedTuple):
    value: Callable[[Array, Array], Array]        # value(O, T) -> cost per point, shape (n,)
    grad: Callable[[Array, Array, Array], Array]  # grad(O, T, out) -> out = ∂cost/∂O


def _squared(O, T):
    """½ Σ_j (o_j − t_j)²  (TensorFlow Playground's cost)"""
    return 0.5 * ((O - T) ** 2).sum(axis=0)


def _squared_grad(O, T, out):
    return np.subtract(O, T, out)


def _mse(O, T):
    """(o − t)²"""
    return ((O - T) ** 2).sum(axis=0)


def _mse_grad(O, T, out):
    np.subtract(O, T, out)
    return np.multiply(out, 2.0, out)


def _mae(O, T):
    """|o − t|"""
    return np.abs(O - T).sum(axis=0)


def _mae_grad(O, T, out):
    return np.sign(O - T, out)


def _huber(O, T):
    """½ r² for |r| ≤ 1, |r| − ½ beyond (r = o − t)"""
    r = np.abs(O - T)
    return np.where(r <= 1.0, 0.5 * r * r, r - 0.5).sum(axis=0)


def _huber_grad(O, T, out):
    return np.clip(O - T, -1.0, 1.0, out)


_EPS = 1e-12


def _cross_entropy(O, T):
    """−Σ_j t_j log p_j; one sigmoid unit: −[t log p + (1 − t) log(1 − p)]"""
    P = np.clip(O, _EPS, 1.0 - _EPS)
    p_true = np.where(T[0] > 0.5, P[0], 1.0 - P[0]) if O.shape[0] == 1 else (T * P).sum(axis=0)
    return -np.log(p_true)


def _cross_entropy_grad(O, T, out):
    P = np.clip(O, _EPS, 1.0 - _EPS)
    if O.shape[0] == 1:
        return np.divide(P - T, P * (1.0 - P), out)
    return np.divide(-T, P, out)


def _hinge(O, T):
    """one unit, t = ±1: max(0, 1 − t o); k units, one-hot t: Σ_{j≠y} max(0, 1 + o_j − o_y)"""
    if O.shape[0] == 1:
        return np.maximum(0.0, 1.0 - T * O)[0]
    M = np.maximum(0.0, 1.0 + O - (O * T).sum(axis=0)) * (1.0 - T)
    return M.sum(axis=0)


def _hinge_grad(O, T, out):
    if O.shape[0] == 1:
        return np.multiply(-T, (T * O) < 1.0, out)
    active = ((1.0 + O - (O * T).sum(axis=0)) > 0.0) * (1.0 - T)
    return np.subtract(active, T * active.sum(axis=0), out)


COSTS: dict[str, Cost] = {
    "squared": Cost(_squared, _squared_grad),
    "cross_entropy": Cost(_cross_entropy, _cross_entropy_grad),
    "hinge": Cost(_hinge, _hinge_grad),
    "mse": Cost(_mse, _mse_grad),
    "mae": Cost(_mae, _mae_grad),
    "huber": Cost(_huber, _huber_grad),
}


class Head(NamedTuple):
    """How the last layer meets the labels: its activation, cost and target coding."""
    output: str   # key of OUTPUTS
    cost: str     # key of COSTS
    targets: str  # "pm1" (±1), "01", "onehot" or "value"
    units: int


def head_for(problem: str, cost: str, n_classes: int) -> Head:
    """binary: squared → tanh & ±1 (TFP), cross_entropy → sigmoid, hinge → linear & ±1;
    k classes → k units (softmax, or linear scores for hinge); regression → one linear unit."""
    if problem == "regression":
        return Head("linear", cost, "value", 1)
    if n_classes > 2:
        return Head("linear" if cost == "hinge" else "softmax", cost, "onehot", n_classes)
    output, targets = {"squared": ("tanh", "pm1"), "cross_entropy": ("sigmoid", "01"),
                       "hinge": ("linear", "pm1")}[cost]
    return Head(output, cost, targets, 1)


def encode_targets(y: Array, head: Head) -> Array:
    """Labels (n,) → target matrix (units, n) in the head's coding."""
    if head.targets == "onehot":
        return (np.arange(head.units)[:, None] == y[None, :]).astype(np.float64)
    y = np.asarray(y, dtype=np.float64)[None, :]
    return 2.0 * y - 1.0 if head.targets == "pm1" else y.copy()


def class_scores(O: Array, head: Head) -> Array:
    """Output matrix → probability of class 1 (binary, shape (n,)) or class index (k classes)."""
    if head.units > 1:
        return O.argmax(axis=0)
    o = O[0]
    if head.output == "sigmoid":
        return o
    return (np.clip(o, -1.0, 1.0) + 1.0) / 2.0  # tanh or hinge scores (±1 targets)


def predict_classes(O: Array, head: Head) -> Array:
    s = class_scores(O, head)
    return s if head.units > 1 else (s > 0.5).astype(np.int64)


# ---------------------------------------------------------------- initializers
Init = Callable[[int, int, np.random.Generator], tuple[Array, Array]]


def _init_tfp(fan_in, fan_out, rng):
    """TensorFlow Playground: w ~ U(−0.5, 0.5), b = 0.1"""
    return rng.uniform(-0.5, 0.5, (fan_in, fan_out)), np.full(fan_out, 0.1)


def _init_zeros(fan_in, fan_out, rng):
    """all weights 0 (biases 0.1, as TFP's initZero): every neuron of a layer stays identical"""
    return np.zeros((fan_in, fan_out)), np.full(fan_out, 0.1)


def _init_xavier(fan_in, fan_out, rng):
    """Glorot uniform: w ~ U(±√(6 / (fan_in + fan_out))), b = 0"""
    a = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, (fan_in, fan_out)), np.zeros(fan_out)


def _init_he(fan_in, fan_out, rng):
    """He normal: w ~ N(0, 2 / fan_in), b = 0"""
    return rng.normal(0.0, math.sqrt(2.0 / fan_in), (fan_in, fan_out)), np.zeros(fan_out)


INITIALIZERS: dict[str, Init] = {
    "tfp": _init_tfp, "zeros": _init_zeros, "xavier": _init_xavier, "he": _init_he,
}


# ---------------------------------------------------------------- the network
class Net:
    """A stack of dense layers; `sizes` = [inputs, hidden..., outputs]."""

    def __init__(self, sizes: list[int], activations: list[str], residual: bool, head: Head):
        assert len(activations) == len(sizes) - 2
        self.sizes, self.head = list(sizes), head
        self.acts = [ACTIVATIONS[a] for a in activations] + [OUTPUTS[head.output]]
        self.act_names = list(activations) + [head.output]
        self.cost = COSTS[head.cost]
        self.residual = [residual and sizes[l] == sizes[l + 1] for l in range(len(sizes) - 2)] + [False]
        shapes = [(fo, fi + 1) for fi, fo in zip(sizes[:-1], sizes[1:])]
        self.theta = np.zeros(sum(a * b for a, b in shapes))
        self.W = self._views(self.theta, shapes)
        self.mask = np.ones_like(self.theta)  # 1 on weights, 0 on biases (for L1/L2)
        for M in self._views(self.mask, shapes):
            M[:, -1] = 0.0
        self._shapes = shapes
        self._ws: dict[int, Workspace] = {}

    @staticmethod
    def _views(flat: Array, shapes) -> list[Array]:
        out, o = [], 0
        for fo, fi1 in shapes:
            out.append(flat[o:o + fo * fi1].reshape(fo, fi1))
            o += fo * fi1
        return out

    def grad_views(self, g: Array) -> list[Array]:
        return self._views(g, self._shapes)

    @property
    def n_params(self) -> int:
        return self.theta.size

    def initialize(self, name: str, rng: np.random.Generator) -> None:
        for W in self.W:
            w, b = INITIALIZERS[name](W.shape[1] - 1, W.shape[0], rng)
            W[:, :-1] = w.T
            W[:, -1] = b

    def layers(self) -> list[tuple[Array, Array]]:
        """(W fan_in × fan_out, b fan_out) per layer, copies, as in the model file."""
        return [(W[:, :-1].T.copy(), W[:, -1].copy()) for W in self.W]

    def set_layers(self, layers: list[tuple[Array, Array]]) -> None:
        for W, (w, b) in zip(self.W, layers, strict=True):
            W[:, :-1] = np.asarray(w).T
            W[:, -1] = b

    def workspace(self, batch: int) -> "Workspace":
        ws = self._ws.get(batch)
        if ws is None:
            ws = self._ws[batch] = Workspace(self, batch)
        return ws

    def forward(self, Xa: Array) -> Array:
        """Output matrix (units, n) for inputs Xa (features + 1, n) with a ones row."""
        return self.workspace(Xa.shape[1]).forward(Xa)

    def gradient(self, Xa: Array, T: Array, g: Array | None = None) -> Array:
        """∂(mean cost)/∂theta over the columns of Xa, into g (allocated if None)."""
        g = np.zeros_like(self.theta) if g is None else g
        self.workspace(Xa.shape[1]).gradient(Xa, T, self.grad_views(g))
        return g

    def loss(self, Xa: Array, T: Array) -> float:
        return float(self.cost.value(self.forward(Xa), T).mean())

    def activations(self, Xa: Array) -> list[Array]:
        """Copies of every layer's output (hidden layers, then the output layer)."""
        ws = self.workspace(Xa.shape[1])
        ws.forward(Xa)
        return [A.copy() for A in ws.Ah] + [ws.O.copy()]


class Workspace:
    """Preallocated buffers for one batch size: forward and backward write in place."""

    def __init__(self, net: Net, B: int):
        self.net, self.B = net, B
        hidden = net.sizes[1:-1]
        self.Aaug = [np.ones((n + 1, B)) for n in hidden]  # last row stays 1 (the bias input)
        self.Ah = [A[:-1] for A in self.Aaug]
        self.Z = [np.empty((n, B)) for n in net.sizes[1:]]
        self.F = [np.empty((n, B)) if r else A for n, r, A in zip(hidden, net.residual, self.Ah)]
        self.O = np.empty((net.sizes[-1], B))
        self.F.append(self.O)
        self.dAaug = [np.empty((n + 1, B)) for n in hidden]
        self.dA = [A[:-1] for A in self.dAaug]
        self.dZ = [np.empty((n, B)) for n in net.sizes[1:]]
        self.dO = np.empty((net.sizes[-1], B))
        self.WT = [W.T for W in net.W]
        self.fused = net.head.cost == "cross_entropy" and net.head.output in ("sigmoid", "softmax")

        self.scale = 1.0 / B
        # The layers as flat tuples, so the hot loops do no indexing (speed: DESIGN.md §4).
        A_out = self.Aaug + [None]
        skip = [self.Ah[l] if r else None for l, r in enumerate(net.residual)]
        self.fwd = list(zip(net.W, self.Z, [a.f for a in net.acts], self.F, skip, A_out))
        self.bwd = [(l, self.dZ[l], self.Aaug[l - 1].T, self.WT[l], self.dAaug[l - 1], self.dA[l - 1],
                     self.dA[l] if net.residual[l] else None, net.acts[l - 1].grad,
                     self.Z[l - 1], self.F[l - 1], self.dZ[l - 1]) for l in range(len(net.W) - 1, 0, -1)]

    def forward(self, Xa: Array) -> Array:
        """Z_l = W_l [A_{l-1}; 1],  A_l = f_l(Z_l) (+ A_{l-1} on a residual layer)."""
        A, dot, add = Xa, np.dot, np.add
        for W, Z, f, F, skip, A_next in self.fwd:
            dot(W, A, Z)
            f(Z, F)
            if skip is not None:
                add(F, A[:-1], skip)
            A = A_next
        return self.O

    def gradient(self, Xa: Array, T: Array, gW: list[Array]) -> None:
        """Backpropagation of the mean cost over the batch; writes ∂C/∂W_l into gW[l]:
        dZ_L = ∂C/∂Z_L,  ∂C/∂W_l = dZ_l [A_{l-1}; 1]ᵀ,  dA_{l-1} = W_lᵀ dZ_l (+ dA_l if residual),
        dZ_{l-1} = dA_{l-1} ⊙ f'(Z_{l-1})."""
        O, dot = self.forward(Xa), np.dot
        dZ = self.dZ[-1]
        if self.fused:  # cross-entropy after sigmoid/softmax: ∂C/∂Z = p − t
            np.subtract(O, T, dZ)
        else:
            self.net.cost.grad(O, T, self.dO)
            self.net.acts[-1].grad(self.dO, self.Z[-1], O, dZ)
        np.multiply(dZ, self.scale, dZ)
        for l, dZ, A_inT, WT, dAaug, dA, dA_skip, grad, Zp, Fp, dZp in self.bwd:
            dot(dZ, A_inT, gW[l])
            dot(WT, dZ, dAaug)
            if dA_skip is not None:
                np.add(dA, dA_skip, dA)
            grad(dA, Zp, Fp, dZp)
        dot(self.dZ[0], Xa.T, gW[0])
