"""Activation functions with their derivatives, and the output units.

An activation is `f(Z, out)` (fill `out` with f(Z)) and `grad(dA, Z, F, out)` (fill `out`
with dA ⊙ f'(Z), given F = f(Z)); both write in place so the training loop allocates nothing.
"""
from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np
from scipy.special import expit

Array = np.ndarray


class Activation(NamedTuple):
    f: Callable[[Array, Array], Array]                  # f(Z, out) -> out = f(Z)
    grad: Callable[[Array, Array, Array, Array], Array]  # grad(dA, Z, F, out) -> out = dA * f'(Z)


# Forward: np.tanh;  sigmoid σ(z) = 1 / (1 + e^-z): scipy's expit;  sine: np.sin.
def _tanh_grad(dA, Z, F, out):
    """tanh' = 1 - tanh², as dA − (dA F) F: array-array ufuncs only (a Python-scalar operand
    costs ≈ 0.2 µs more per call on small arrays)"""
    np.multiply(dA, F, out)
    np.multiply(out, F, out)
    return np.subtract(dA, out, out)


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
    """σ' = σ (1 - σ) = σ − σ², array-array ufuncs only (as tanh')"""
    np.multiply(F, F, out)
    np.subtract(F, out, out)
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
