"""The NumPy engine: initializers and the network (activations.py and costs.py hold the parts).

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
from typing import Callable

import numpy as np

from .activations import ACTIVATIONS, OUTPUTS
from .costs import COSTS, Head

Array = np.ndarray
MAX_WORKSPACES = 6   # buffer sets a network keeps (the batch sizes, train+test, the grid, ...)


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
        """The buffers for `batch` columns. Only the MAX_WORKSPACES sizes used last are kept:
        the point tools change the point count with every click (measured: each size kept
        forever cost 116 kB a click on the default run, 8 MB on the largest)."""
        ws = self._ws.pop(batch, None)
        if ws is None:
            ws = Workspace(self, batch)
            while len(self._ws) >= MAX_WORKSPACES:
                del self._ws[next(iter(self._ws))]
        self._ws[batch] = ws
        return ws

    def forward(self, Xa: Array) -> Array:
        """Output matrix (units, n) for inputs Xa (features + 1, n) with a ones row."""
        return self.workspace(Xa.shape[1]).forward(Xa)

    def gradient(self, Xa: Array, T: Array, g: Array | None = None) -> Array:
        """∂(mean cost)/∂theta over the columns of Xa, into g (allocated if None)."""
        g = np.zeros_like(self.theta) if g is None else g
        self.workspace(Xa.shape[1]).gradient_sum(Xa, T, self.grad_views(g))
        return np.multiply(g, 1.0 / Xa.shape[1], g)

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

        # The layers as flat tuples, so the hot loops do no indexing (small nets are bound by
        # per-call overhead, not FLOPs).
        # Products are `M.dot(N, out)`: the method skips np.dot's dispatch (0.33 vs 0.54 µs).
        A_out = self.Aaug + [None]
        skip = [self.Ah[l] if r else None for l, r in enumerate(net.residual)]
        self.fwd = list(zip(net.W, self.Z, [a.f for a in net.acts], self.F, skip, A_out))
        self.bwd = [(l, self.dZ[l], self.Aaug[l - 1].T, self.WT[l], self.dAaug[l - 1], self.dA[l - 1],
                     self.dA[l] if net.residual[l] else None, net.acts[l - 1].grad,
                     self.Z[l - 1], self.F[l - 1], self.dZ[l - 1]) for l in range(len(net.W) - 1, 0, -1)]

    def forward(self, Xa: Array) -> Array:
        """Z_l = W_l [A_{l-1}; 1],  A_l = f_l(Z_l) (+ A_{l-1} on a residual layer)."""
        A = Xa
        for W, Z, f, F, skip, A_next in self.fwd:
            W.dot(A, Z)
            f(Z, F)
            if skip is not None:
                np.add(F, A[:-1], skip)
            A = A_next
        return self.O

    def gradient_sum(self, Xa: Array, T: Array, gW: list[Array]) -> None:
        """Backpropagation of the cost summed over the batch (B × the mean's gradient: the
        optimizer takes the 1/B, saving a pass); writes ∂C/∂W_l into gW[l]:
        dZ_L = ∂C/∂Z_L,  ∂C/∂W_l = dZ_l [A_{l-1}; 1]ᵀ,  dA_{l-1} = W_lᵀ dZ_l (+ dA_l if residual),
        dZ_{l-1} = dA_{l-1} ⊙ f'(Z_{l-1})."""
        O, dZ = self.forward(Xa), self.dZ[-1]
        if self.fused:  # cross-entropy after sigmoid/softmax: ∂C/∂Z = p − t
            np.subtract(O, T, dZ)
        else:
            self.net.cost.grad(O, T, self.dO)
            self.net.acts[-1].grad(self.dO, self.Z[-1], O, dZ)
        for l, dZ, A_inT, WT, dAaug, dA, dA_skip, grad, Zp, Fp, dZp in self.bwd:
            dZ.dot(A_inT, gW[l])
            WT.dot(dZ, dAaug)
            if dA_skip is not None:
                np.add(dA, dA_skip, dA)
            grad(dA, Zp, Fp, dZp)
        self.dZ[0].dot(Xa.T, gW[0])
