"""Each optimizer's update against a step computed by hand."""
import math

import numpy as np
import pytest

from playground.core.optim import OPTIMIZERS, PENALTIES, SCHEDULES, axpy, l1_step, l1_threshold

THETA = np.array([0.5, -1.0, 2.0])
G1 = np.array([0.1, -0.2, 0.3])
G2 = np.array([-0.4, 0.0, 0.25])
LR = 0.1


def run(name, grads):
    theta, state = THETA.copy(), {}
    for g in grads:
        OPTIMIZERS[name](theta, g.copy(), LR, state)
    return theta


def test_sgd():
    np.testing.assert_allclose(run("sgd", [G1, G2]), THETA - LR * G1 - LR * G2)


def test_momentum():
    v1 = G1
    v2 = 0.9 * v1 + G2
    np.testing.assert_allclose(run("momentum", [G1, G2]), THETA - LR * v1 - LR * v2)


def test_nesterov():
    v1 = G1
    v2 = 0.9 * v1 + G2
    want = THETA - LR * (G1 + 0.9 * v1) - LR * (G2 + 0.9 * v2)
    np.testing.assert_allclose(run("nesterov", [G1, G2]), want)


def test_rmsprop():
    s1 = 0.1 * G1 ** 2
    s2 = 0.9 * s1 + 0.1 * G2 ** 2
    want = THETA - LR * G1 / (np.sqrt(s1) + 1e-8) - LR * G2 / (np.sqrt(s2) + 1e-8)
    np.testing.assert_allclose(run("rmsprop", [G1, G2]), want)


def test_adam():
    theta, m, v = THETA.copy(), 0 * THETA, 0 * THETA
    for t, g in enumerate([G1, G2], start=1):
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        mh, vh = m / (1 - 0.9 ** t), v / (1 - 0.999 ** t)
        theta = theta - LR * mh / (np.sqrt(vh) + 1e-8)
    np.testing.assert_allclose(run("adam", [G1, G2]), theta, rtol=1e-12)


def test_adam_first_step_moves_each_weight_by_lr():
    moved = run("adam", [G1]) - THETA
    np.testing.assert_allclose(np.abs(moved), LR, rtol=1e-6)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_every_optimizer_descends_a_quadratic(name):
    theta, state = np.array([3.0, -2.0]), {}
    for _ in range(300):
        OPTIMIZERS[name](theta, 2 * theta, 0.05, state)
    assert np.abs(theta).max() < 0.1


def test_schedules():
    assert SCHEDULES["constant"](0.3, 500) == 0.3
    assert SCHEDULES["decay"](0.3, 0) == 0.3
    assert math.isclose(SCHEDULES["decay"](0.3, 100), 0.15)


def test_penalties_skip_biases():
    """L2 is a gradient term, L1 a proximal step, "none" neither; none touches a bias."""
    theta, mask = np.array([-2.0, 3.0, 0.5]), np.array([1.0, 1.0, 0.0])
    np.testing.assert_array_equal(PENALTIES["l2"].grad(theta, mask), [-2.0, 3.0, 0.0])
    assert PENALTIES["l2"].prox is None and PENALTIES["l1"].grad is None
    assert PENALTIES["l1"].prox is l1_step
    assert PENALTIES["none"] == (None, None)
    stepped = theta.copy()
    PENALTIES["l1"].prox(stepped, 0.5 * mask, np.empty_like(theta))
    np.testing.assert_array_equal(stepped, [-1.5, 2.5, 0.5])


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_scale_means_the_gradient_is_scale_times_g(name):
    """The engine passes a batch's summed gradient with scale = 1/B: same step as the mean."""
    a, b, sa, sb = THETA.copy(), THETA.copy(), {}, {}
    for g in (G1, G2):
        OPTIMIZERS[name](a, g.copy(), LR, sa)
        OPTIMIZERS[name](b, 10 * g, LR, sb, 0.1)
    np.testing.assert_allclose(a, b, rtol=1e-12)


def test_axpy_updates_in_place_or_refuses():
    """BLAS would silently update a copy of a strided or non-float64 vector: axpy refuses."""
    y = np.array([1.0, 2.0])
    axpy(0.5, np.array([2.0, -2.0]), y)
    np.testing.assert_array_equal(y, [2.0, 1.0])
    for bad in (np.zeros(4)[::2], np.zeros(2, dtype=np.float32)):
        with pytest.raises(ValueError):
            axpy(1.0, np.ones(2), bad)


def test_l1_step_soft_thresholds_weights_to_exactly_zero_and_skips_biases():
    """w ← sign(w) max(|w| − ηλ, 0): a weight the step would carry across zero stops at 0.0."""
    theta = np.array([0.5, -0.5, 0.004, -0.004, 0.0, 0.004])
    mask = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.0])  # the last one is a bias
    eta_lambda = 0.01 * mask
    l1_step(theta, eta_lambda, np.empty_like(theta))
    np.testing.assert_array_equal(theta, [0.49, -0.49, 0.0, 0.0, 0.0, 0.004])
    assert not np.signbit(theta[2:5]).any()  # +0.0, not -0.0


def test_l1_threshold_is_in_the_optimizers_metric():
    """Plain steps: ηλ itself; adaptive steps η m / d: ηλ / d, so a weight with a mean gradient
    g moves by about η and is cut by ηλ/|g| (it stays at 0 exactly when |g| < λ)."""
    eta_lambda, out = np.full(3, 0.01), np.empty(3)
    for name in ("sgd", "momentum", "nesterov"):
        assert l1_threshold(eta_lambda, name, {}, out) is eta_lambda
    g = np.array([0.1, -0.2, 0.3])
    for name in ("rmsprop", "adam"):
        theta, state = THETA.copy(), {}
        OPTIMIZERS[name](theta, g.copy(), LR, state)
        moved = np.abs(theta - THETA)
        thr = l1_threshold(eta_lambda, name, state, out)
        np.testing.assert_allclose(thr / eta_lambda, moved / (LR * np.abs(g)), rtol=1e-6)
