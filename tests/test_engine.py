"""Engine correctness: gradients against finite differences, heads, initializers."""
import numpy as np
import pytest

from playground.core.config import CLASSIFICATION_COSTS, REGRESSION_COSTS
from playground.core.activations import ACTIVATIONS
from playground.core.costs import encode_targets, head_for
from playground.core.engine import INITIALIZERS, Net

# Every cost on every problem it is offered for (tests/test_registries.py checks the lists).
HEADS = [("classification", c, k) for k in (2, 3) for c in CLASSIFICATION_COSTS] + \
        [("regression", c, 0) for c in REGRESSION_COSTS]


def _problem(act, head_args, residual, seed=0, n=7):
    rng = np.random.default_rng(seed)
    head = head_for(*head_args)
    net = Net([3, 3, 3, head.units], [act, act], residual, head)
    net.theta[:] = rng.normal(0, 0.7, net.theta.size)
    Xa = np.vstack([rng.normal(0, 1.5, (3, n)), np.ones((1, n))])
    if head.targets == "value":
        y = rng.normal(0, 1, n)
    else:
        y = np.arange(n) % max(2, head_args[2])
    return net, Xa, encode_targets(y, head)


def mean_cost(net, Xa, T) -> float:
    """The mean cost over the columns of Xa: what Net.gradient differentiates."""
    return float(net.cost.value(net.forward(Xa), T).mean())


def _numeric_grad(net, Xa, T, eps=1e-6):
    g = np.zeros_like(net.theta)
    for i in range(net.theta.size):
        old = net.theta[i]
        net.theta[i] = old + eps
        up = mean_cost(net, Xa, T)
        net.theta[i] = old - eps
        down = mean_cost(net, Xa, T)
        net.theta[i] = old
        g[i] = (up - down) / (2 * eps)
    return g


@pytest.mark.parametrize("residual", [False, True])
@pytest.mark.parametrize("head_args", HEADS, ids=lambda h: f"{h[1]}-{h[2]}")
@pytest.mark.parametrize("act", sorted(ACTIVATIONS))
def test_gradient_matches_finite_differences(act, head_args, residual):
    net, Xa, T = _problem(act, head_args, residual)
    assert net.residual[:2] == [residual, residual]
    analytic = net.gradient(Xa, T)
    numeric = _numeric_grad(net, Xa, T)
    scale = max(1.0, np.abs(numeric).max())
    np.testing.assert_allclose(analytic, numeric, atol=2e-6 * scale, rtol=1e-4)


def test_residual_changes_the_function():
    net, Xa, T = _problem("tanh", ("classification", "squared", 2), True)
    plain = Net(net.sizes, ["tanh", "tanh"], False, net.head)
    plain.theta[:] = net.theta
    assert not np.allclose(net.forward(Xa), plain.forward(Xa))


def test_residual_only_where_widths_match():
    head = head_for("classification", "squared", 2)
    net = Net([2, 4, 4, 3, 1], ["tanh"] * 3, True, head)
    assert net.residual == [False, True, False, False]


def test_batch_gradient_is_mean_of_point_gradients():
    net, Xa, T = _problem("tanh", ("classification", "squared", 2), False)
    full = net.gradient(Xa, T)
    per_point = [net.gradient(Xa[:, i:i + 1].copy(), T[:, i:i + 1].copy()) for i in range(Xa.shape[1])]
    np.testing.assert_allclose(full, np.mean(per_point, axis=0), atol=1e-12)


def test_softmax_is_stable_and_normalised():
    head = head_for("classification", "cross_entropy", 4)
    net = Net([2, 4], [], False, head)
    net.theta[:] = 300.0  # huge logits
    Xa = np.array([[5.0, -5.0], [1.0, 2.0], [1.0, 1.0]])
    P = net.forward(Xa)
    assert np.isfinite(P).all()
    np.testing.assert_allclose(P.sum(axis=0), 1.0)


def test_heads_follow_the_problem():
    assert head_for("classification", "squared", 2)[:3] == ("tanh", "squared", "pm1")
    assert head_for("classification", "cross_entropy", 2)[:3] == ("sigmoid", "cross_entropy", "01")
    assert head_for("classification", "hinge", 2)[:3] == ("linear", "hinge", "pm1")
    assert head_for("classification", "cross_entropy", 5).units == 5
    assert head_for("regression", "mse", 0)[:3] == ("linear", "mse", "value")


def test_tfp_initializer_ranges_and_bias():
    rng = np.random.default_rng(1)
    W, b = INITIALIZERS["tfp"](8, 8, rng)
    assert W.shape == (8, 8) and np.all(np.abs(W) <= 0.5) and W.std() > 0.2
    assert np.all(b == 0.1)


def test_xavier_and_he_scale_with_fan_in():
    rng = np.random.default_rng(2)
    W, _ = INITIALIZERS["he"](400, 300, rng)
    assert abs(W.std() - np.sqrt(2 / 400)) < 0.005
    W, _ = INITIALIZERS["xavier"](400, 300, rng)
    assert abs(W.std() - np.sqrt(6 / 700) / np.sqrt(3)) < 0.005


def test_layers_round_trip_through_file_layout():
    net, Xa, T = _problem("relu", ("classification", "squared", 2), False)
    layers = net.layers()
    assert [w.shape for w, _ in layers] == [(3, 3), (3, 3), (3, 1)]
    other = Net(net.sizes, ["relu", "relu"], False, net.head)
    other.set_layers(layers)
    np.testing.assert_array_equal(other.theta, net.theta)
