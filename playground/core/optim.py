"""Optimizers, learning-rate schedules and weight penalties, all on the flat parameter vector.

An optimizer is `step(theta, g, lr, state, scale=1.0)`: it updates `theta` in place from the
gradient `scale · g` (the engine hands over the batch's summed gradient and scale = 1/B, so
the mean costs no extra pass over the parameters); `state` is a dict it owns (velocities,
moments, step count), empty at the start. `theta`, `g` and the state are flat contiguous
float64 vectors, so the linear updates are single BLAS axpy calls: y ← y + a x in place, one
call and no temporary (measured ≈ 0.2 µs against ≈ 0.9 µs for `theta -= c * g`).
"""
from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np
from scipy.linalg.blas import daxpy

Array = np.ndarray
MU, RHO, BETA1, BETA2, EPS = 0.9, 0.9, 0.9, 0.999, 1e-8


def _buf(state: dict, key: str, like: Array) -> Array:
    v = state.get(key)
    if v is None:
        v = state[key] = np.zeros_like(like)
    return v


def axpy(a: float, x: Array, y: Array) -> None:
    """y ← y + a x, in place (y must be a contiguous float64 vector: BLAS would copy otherwise)."""
    if daxpy(x, y, y.size, a) is not y:
        raise ValueError("axpy needs contiguous float64 vectors")


def sgd(theta: Array, g: Array, lr: float, state: dict, scale: float = 1.0) -> None:
    """θ ← θ − η g"""
    axpy(-lr * scale, g, theta)


def momentum(theta: Array, g: Array, lr: float, state: dict, scale: float = 1.0) -> None:
    """v ← μ v + g;  θ ← θ − η v   (μ = 0.9)"""
    v = _buf(state, "v", theta)
    np.multiply(v, MU, v)
    axpy(scale, g, v)
    axpy(-lr, v, theta)


def nesterov(theta: Array, g: Array, lr: float, state: dict, scale: float = 1.0) -> None:
    """v ← μ v + g;  θ ← θ − η (g + μ v)   (look-ahead form, μ = 0.9)"""
    v = _buf(state, "v", theta)
    np.multiply(v, MU, v)
    axpy(scale, g, v)
    axpy(-lr * scale, g, theta)
    axpy(-lr * MU, v, theta)


def rmsprop(theta: Array, g: Array, lr: float, state: dict, scale: float = 1.0) -> None:
    """s ← ρ s + (1 − ρ) g²;  θ ← θ − η g / (√s + ε)   (ρ = 0.9)"""
    s = _buf(state, "s", theta)
    np.multiply(s, RHO, s)
    s += ((1.0 - RHO) * scale * scale) * g * g
    theta -= (lr * scale) * g / (np.sqrt(s) + EPS)


def adam(theta: Array, g: Array, lr: float, state: dict, scale: float = 1.0) -> None:
    """m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − η m̂ / (√v̂ + ε),
    m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ)"""
    m, v = _buf(state, "m", theta), _buf(state, "v", theta)
    t = state["t"] = state.get("t", 0) + 1
    np.multiply(m, BETA1, m)
    m += ((1.0 - BETA1) * scale) * g
    np.multiply(v, BETA2, v)
    v += ((1.0 - BETA2) * scale * scale) * g * g
    step = lr * math.sqrt(1.0 - BETA2 ** t) / (1.0 - BETA1 ** t)
    theta -= step * m / (np.sqrt(v) + EPS * math.sqrt(1.0 - BETA2 ** t))


OPTIMIZERS: dict[str, Callable[..., None]] = {
    "sgd": sgd, "momentum": momentum, "nesterov": nesterov, "rmsprop": rmsprop, "adam": adam,
}


def _constant(lr: float, epoch: int) -> float:
    """η"""
    return lr


def _decay(lr: float, epoch: int) -> float:
    """η / (1 + epoch / 100): half the rate by epoch 100, a third by 200"""
    return lr / (1.0 + epoch / 100.0)


SCHEDULES: dict[str, Callable[[float, int], float]] = {"constant": _constant, "decay": _decay}


def l1_step(theta: Array, threshold: Array, scratch: Array) -> None:
    """The L1 part of a step as its proximal map (soft thresholding), in place:

        w ← sign(w) · max(|w| − η λ, 0)        threshold = η λ · mask

    A weight the L1 step would carry across zero stops at exactly 0 (TensorFlow Playground's
    rule); a weight at 0 stays there unless the cost's step moves it by more than η λ. Biases
    (threshold 0) are left exactly as they are. It follows the optimizer's step on the cost's
    gradient, with the threshold from `l1_threshold`. `scratch` is a buffer like theta."""
    np.abs(theta, scratch)
    scratch -= threshold
    np.maximum(scratch, 0.0, out=scratch)
    np.copysign(scratch, theta, out=theta)
    np.add(theta, 0.0, out=theta)  # −0.0 → 0.0 (a weight that stopped at zero shows as 0)


def _rmsprop_denominator(state: dict) -> Array:
    """√s + ε"""
    return np.sqrt(state["s"]) + EPS


def _adam_denominator(state: dict) -> Array:
    """√v̂ + ε,  v̂ = v / (1 − β₂ᵗ)"""
    return np.sqrt(state["v"]) * (1.0 / math.sqrt(1.0 - BETA2 ** state["t"])) + EPS


# The per-weight denominator d of an adaptive optimizer's step η m / d (others: d = 1).
DENOMINATORS: dict[str, Callable[[dict], Array]] = {"rmsprop": _rmsprop_denominator,
                                                     "adam": _adam_denominator}


def l1_threshold(eta_lambda: Array, optimizer: str, state: dict, out: Array) -> Array:
    """η λ · mask / d: the L1 step in the optimizer's own per-weight scale, so that the
    penalty weighs the same against the cost's gradient whatever the optimizer (with sgd a
    weight stays at 0 exactly when its mean gradient is below λ in size; adam's steps are
    ≈ η whatever the gradient, so a fixed ηλ would let every weight back).
    sgd, momentum, nesterov: d = 1 (returns eta_lambda itself); rmsprop, adam: their d."""
    d = DENOMINATORS.get(optimizer)
    if d is None:
        return eta_lambda
    return np.divide(eta_lambda, d(state), out=out)


def _l2(theta: Array, mask: Array) -> Array:
    """∂/∂w ½ Σ w² = w  (weights only, as TFP)"""
    return theta * mask


class Penalty(NamedTuple):
    """How a step takes a weight penalty λ·P(w) (biases are never penalized). `grad(theta,
    mask)`: ∂P/∂w, added to the cost's gradient × λ before the optimizer's step (L2, as TFP).
    `prox(theta, threshold, scratch)`: P's proximal map, taken in place after the optimizer's
    step with threshold = η λ · mask in the optimizer's scale (`l1_threshold`): L1 as
    `l1_step`, so weights reach exactly 0 (its subgradient sign(w) would make them chatter
    around zero). A penalty has either or both; "none" has neither."""
    grad: Callable[[Array, Array], Array] | None = None
    prox: Callable[[Array, Array, Array], None] | None = None


PENALTIES: dict[str, Penalty] = {"none": Penalty(), "l1": Penalty(prox=l1_step), "l2": Penalty(grad=_l2)}
