"""The data as each layer sees it, and the loss on a plane through the weights (core/spaces)."""
import copy
import warnings

import numpy as np
import pytest

from playground.core import spaces
from playground.core.config import Config
from playground.core.costs import Cost
from playground.core.spaces import (LOSS_CAP, MIN_SLICE, layer_view, loss_slice,
                                    parameter_index, project_path, random_directions, view_of)
from playground.core.train import Trainer, build_net

SMALL = Config(points=120, layers=(4, 3), seed=1)


def trained(cfg=SMALL, epochs=5) -> Trainer:
    t = Trainer(cfg)
    t.train(epochs)
    return t


def all_points(t):
    """Training then test points, augmented: the one batch the views evaluate."""
    return np.hstack([t.X_train, t.X_test])


# ---------------------------------------------------------------- layer_view
def test_two_chosen_neurons_are_their_activations():
    t = trained()
    v = layer_view(t, 1, axes=(3, 1))
    A = t.net.activations(all_points(t))[0]
    n = t.X_train.shape[1]
    assert v.mode == "neurons" and v.axes == (3, 1) and v.names == ("neuron 4", "neuron 2")
    np.testing.assert_array_equal(v.points, A[[3, 1], :n].T)
    np.testing.assert_array_equal(v.test_points, A[[3, 1], n:].T)
    # against a batch of the training points alone: equal to rounding
    np.testing.assert_allclose(v.points, t.net.activations(t.X_train)[0][[3, 1]].T, rtol=1e-13, atol=1e-15)


def test_pca_matches_an_eigendecomposition_of_the_covariance():
    t = trained()
    v = layer_view(t, 1)  # 4 neurons, no axes: principal components
    A = t.net.activations(all_points(t))[0][:, :t.X_train.shape[1]]
    vals, vecs = np.linalg.eigh(np.cov(A))
    top = vecs[:, ::-1][:, :2].T
    assert v.mode == "pca"
    for k in range(2):
        sign = np.sign(top[k] @ v.components[k])
        np.testing.assert_allclose(v.components[k], sign * top[k], atol=1e-9)
        big = np.argmax(np.abs(v.components[k]))
        assert v.components[k][big] > 0  # the sign rule
        np.testing.assert_allclose(v.points[:, k], sign * (A - A.mean(1, keepdims=True)).T @ top[k], atol=1e-9)
    np.testing.assert_allclose(v.explained, vals[::-1][:2] / vals.sum(), rtol=1e-9)
    assert v.names == (f"PC1 ({100 * v.explained[0]:.0f} %)", f"PC2 ({100 * v.explained[1]:.0f} %)")
    np.testing.assert_allclose(np.cov(v.points.T), np.diag(vals[::-1][:2]), atol=1e-9)  # uncorrelated


def test_pca_sign_is_stable_under_a_flip_of_the_data():
    """The same activations in another order give the same components (no sign flip)."""
    t = trained()
    v = layer_view(t, 1)
    A = t.net.activations(all_points(t))[0][:, :t.X_train.shape[1]]
    mean, C, share = spaces._pca(A[:, ::-1].copy())
    np.testing.assert_allclose(C, v.components, atol=1e-12)


def test_the_input_plane_is_the_identity():
    t = trained()
    v = layer_view(t, 0, n_lines=5, n_per_line=7)
    assert v.mode == "neurons" and v.names == ("x1", "x2") and v.title == "the input plane"
    np.testing.assert_array_equal(v.lines, v.line_inputs)
    np.testing.assert_array_equal(v.points, t.data.X_train)
    h, vert = v.lines[:5], v.lines[5:]
    assert (np.ptp(h[..., 1], axis=1) == 0).all() and (np.ptp(vert[..., 0], axis=1) == 0).all()
    np.testing.assert_array_equal(h[:, 0, 1], v.line_at)
    assert v.line_inputs.min() == -6 and v.line_inputs.max() == 6  # the boundary plot's extent


def test_points_and_labels_match_the_data_and_lines_are_predicted():
    t = trained()
    v = layer_view(t, 2, n_lines=6, n_per_line=9)
    assert v.points.shape == (len(t.data.y_train), 2) and v.test_points.shape == (len(t.data.y_test), 2)
    np.testing.assert_array_equal(v.labels, t.data.y_train)
    np.testing.assert_array_equal(v.test_labels, t.data.y_test)
    assert v.lines.shape == (12, 9, 2) and v.line_values.shape == (12, 9)
    np.testing.assert_array_equal(v.line_values.ravel(), t.predict_grid(v.line_inputs.reshape(-1, 2)))
    assert not v.points.flags.writeable  # a frozen value


def test_hidden_lines_are_warped_and_the_output_is_one_dimensional():
    t = trained(SMALL.replace(layers=(4, 2)))
    v = layer_view(t, 2)  # two neurons: the plane itself
    assert v.mode == "neurons" and v.axes == (0, 1)
    straight = np.ptp(v.lines[:v.line_at.size, :, 1], axis=1)
    assert straight.max() > 1e-3  # a horizontal line of the input plane is bent here
    out = layer_view(t, 3)
    assert out.mode == "line" and out.title == "the output layer" and out.names == ("output", "")
    np.testing.assert_array_equal(out.points[:, 1], 0.0)
    np.testing.assert_array_equal(out.points[:, 0], t.net.activations(all_points(t))[-1][0, :t.X_train.shape[1]])


def test_residual_multiclass_regression_and_a_one_neuron_layer():
    res = trained(Config(points=100, layers=(3, 3, 3), residual=True, seed=2))
    assert res.net.residual[:3] == [False, True, True]
    v = layer_view(res, 3, axes=(0, 2))
    np.testing.assert_array_equal(v.points, res.net.activations(all_points(res))[2][[0, 2], :res.X_train.shape[1]].T)
    multi = trained(Config(dataset="spiral", classes=3, points=90, layers=(5,), cost="cross_entropy"))
    out = layer_view(multi, 2)  # three softmax outputs: principal components
    assert out.mode == "pca" and out.width == 3
    assert set(np.unique(out.line_values)) <= {0, 1, 2}
    np.testing.assert_array_equal(out.line_values.ravel(), multi.predict_grid(out.line_inputs.reshape(-1, 2)))
    reg = trained(Config(dataset="reg-plane", points=80, layers=(2,), cost="mse"))
    rv = layer_view(reg, 1)
    np.testing.assert_array_equal(rv.line_values.ravel(), reg.predict_grid(rv.line_inputs.reshape(-1, 2)))
    np.testing.assert_array_equal(rv.labels, reg.data.y_train)
    one = trained(Config(points=60, layers=(1, 4)))
    ov = layer_view(one, 1)
    assert ov.mode == "line" and ov.names == ("neuron 1", "") and ov.explained[1] == 0.0
    np.testing.assert_array_equal(ov.points[:, 1], 0.0)
    with pytest.raises(ValueError):
        layer_view(one, 1, axes=(0, 1))


def test_bad_layers_and_axes_are_refused_and_sizes_bounded():
    t = trained()
    for bad in (-1, 4):
        with pytest.raises(ValueError):
            layer_view(t, bad)
    for axes in ((0, 0), (0, 4), (-1, 2)):
        with pytest.raises(ValueError):
            layer_view(t, 1, axes=axes)
    big = layer_view(t, 1, n_lines=10**6, n_per_line=10**6)
    assert big.line_inputs.shape[0] == 2 * spaces.MAX_LINES
    assert big.line_inputs.shape[0] * big.line_inputs.shape[1] <= spaces.MAX_SAMPLES


def test_any_net_without_a_trainer_or_test_points():
    """The Depth Lab's nets: a Net, the features and raw arrays."""
    t = trained()
    net = build_net(t.cfg, 2, "classification")
    net.theta[:] = t.net.theta
    v = view_of(net, t.cfg.features, t.data.X_train, t.data.y_train, 1)
    assert v.test_points.shape == (0, 2)
    np.testing.assert_allclose(v.points, layer_view(t, 1).points, rtol=1e-12, atol=1e-14)


def test_a_layer_view_leaves_the_trainer_alone():
    t = trained()
    theta, hist = t.net.theta.copy(), copy.deepcopy(t.history)
    layer_view(t, 1)
    np.testing.assert_array_equal(t.net.theta, theta)
    assert t.history == hist


# ---------------------------------------------------------------- loss_slice
def test_the_centre_is_the_trainers_loss_exactly():
    t = trained()
    s = loss_slice(t, n=9)
    m = s.n // 2
    tr, te, *_ = t.evaluate()
    assert s.loss[m, m] == tr == t.history.train_loss[-1]
    assert s.test_loss[m, m] == te
    assert s.alpha[m] == 0 and s.beta[m] == 0 and s.origin == (0.0, 0.0)


def test_a_parameter_direction_is_that_weight_set_by_hand():
    t = trained()
    p, q = (0, 1, 0), (1, 2, -1)  # a weight of hidden layer 1, the bias of a neuron of layer 2
    s = loss_slice(t, directions=(p, q), n=7, span=0.8)
    assert s.kind == "parameters" and s.names == ("w[0, 1, 0]", "b[1, 2]")
    assert s.origin == (t.net.W[0][1, 0], t.net.W[1][2, -1])
    m = s.n // 2
    assert s.loss[m, m] == t.evaluate()[0]
    for i, j in ((0, 6), (5, 1), (m, 0)):
        u = trained()  # the same run again (a deep copy would not keep W as views of θ)
        np.testing.assert_array_equal(u.net.theta, t.net.theta)
        u.set_parameter(*p, s.alpha[j])
        u.set_parameter(*q, s.beta[i])
        assert s.loss[i, j] == u.evaluate()[0]
    assert np.ptp(s.loss) > 0


def test_the_trainer_is_unchanged_afterwards():
    t = trained()
    theta, hist, epoch = t.net.theta.copy(), copy.deepcopy(t.history), t.epoch
    views = [W.copy() for W in t.net.W]
    loss_slice(t, n=5)
    loss_slice(t, directions=((0, 0, 0), (2, 0, -1)), n=5, span=50.0)
    np.testing.assert_array_equal(t.net.theta, theta)
    assert all(np.array_equal(W, V) and np.shares_memory(W, t.net.theta) for W, V in zip(t.net.W, views))
    assert t.history == hist and t.epoch == epoch
    t.train(1)  # and the run goes on as it would have
    u = trained()
    u.train(1)
    np.testing.assert_array_equal(t.net.theta, u.net.theta)


def test_the_weights_are_restored_when_the_loss_fails():
    t = trained()
    theta = t.net.theta.copy()
    cost, calls = t.net.cost, []

    def failing(O, T):
        calls.append(1)
        if len(calls) > 6:
            raise RuntimeError("boom")
        return cost.value(O, T)

    t.net.cost = Cost(failing, cost.grad)
    try:
        with pytest.raises(RuntimeError):
            loss_slice(t, n=5, budget=None)
    finally:
        t.net.cost = cost
    assert len(calls) == 7
    np.testing.assert_array_equal(t.net.theta, theta)


def test_random_directions_are_seeded_and_filter_normalized():
    t = trained()
    a, b, c = (loss_slice(t, n=5, seed=s) for s in (3, 3, 4))
    np.testing.assert_array_equal(a.d1, b.d1)
    np.testing.assert_array_equal(a.loss, b.loss)
    assert a.seed == 3 and not np.array_equal(a.d1, c.d1)
    for d in (a.d1, a.d2):
        for D, W in zip(t.net.grad_views(d.copy()), t.net.W):
            np.testing.assert_allclose(np.linalg.norm(D, axis=1), np.linalg.norm(W, axis=1), rtol=1e-12)
    d1, _ = random_directions(t.net, np.random.default_rng(0), "layer")
    for D, W in zip(t.net.grad_views(d1), t.net.W):
        assert np.isclose(np.linalg.norm(D), np.linalg.norm(W), rtol=1e-12)
    D, W = t.net.grad_views(d1)[0], t.net.W[0]  # per layer, not per neuron
    assert not np.allclose(np.linalg.norm(D, axis=1), np.linalg.norm(W, axis=1))


def test_the_path_projection_recovers_known_coordinates():
    t = trained()
    s = loss_slice(t, n=5, seed=7)
    theta = t.net.theta
    ab = np.array([[0.0, 0.0], [0.3, -0.2], [-1.5, 0.7], [2.0, 2.0]])
    path = [theta + a * s.d1 + b * s.d2 for a, b in ab]
    p = loss_slice(t, n=5, seed=7, path=path)
    np.testing.assert_allclose(p.path, ab, atol=1e-10)
    np.testing.assert_allclose(p.off_plane, 0.0, atol=1e-10)
    fitted = loss_slice(t, n=5, seed=7, path=path, span=None)
    assert fitted.span == pytest.approx(1.25 * 2.0) and fitted.alpha[-1] == pytest.approx(2.5)
    # a step out of the plane is seen as such
    rng = np.random.default_rng(1)
    away = theta + rng.normal(0, 1, theta.size)
    c, off = project_path(theta, s.d1, s.d2, np.array([away, theta + np.nan]))
    assert 0 < off[0] < 1 and np.isnan(c[1]).all()


def test_parameter_path_is_the_weights_values_and_the_path_plane_holds_the_path():
    t = trained(epochs=0)
    snaps = [t.net.theta.copy()]
    for _ in range(4):
        t.train(1)
        snaps.append(t.net.theta.copy())
    pq = ((0, 2, 1), (1, 0, 3))
    s = loss_slice(t, directions=pq, n=5, path=snaps)
    i, j = (parameter_index(t.net, *x) for x in pq)
    np.testing.assert_allclose(s.path, np.array(snaps)[:, [i, j]], rtol=1e-12, atol=1e-15)
    assert t.net.W[0][2, 1] == t.net.theta[i] and t.net.W[1][0, -1] == t.net.theta[parameter_index(t.net, 1, 0, -1)]
    pp = loss_slice(t, directions="path", n=5, path=snaps)
    assert pp.kind == "path" and pp.names[0].startswith("path PC1")
    assert abs(pp.d1 @ pp.d2) < 1e-12 and np.isclose(np.linalg.norm(pp.d1), 1.0)
    assert pp.off_plane.max() < s.off_plane[:-1].min()  # the fitted plane holds it better
    with pytest.raises(ValueError):
        loss_slice(t, directions="path", path=snaps[:1])


def test_far_from_the_weights_the_losses_are_capped_not_fatal():
    t = trained(Config(dataset="reg-plane", points=60, layers=(4,), activation=("relu",), cost="mse"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning escapes
        s = loss_slice(t, directions=((0, 0, 0), (1, 0, 1)), n=5, span=1e160)
    assert s.capped > 0 and np.nanmax(s.loss) == LOSS_CAP
    assert s.loss[2, 2] == t.evaluate()[0]


def test_the_time_budget_reduces_the_grid_and_says_so():
    t = trained()
    s = loss_slice(t, n=41, budget=1e-9)
    assert s.n == MIN_SLICE and s.n_requested == 41 and s.loss.shape == (MIN_SLICE, MIN_SLICE)
    assert "instead of 41×41" in s.reduced
    # and past twice the budget it stops: the row through θ is there, the others are NaN
    m = MIN_SLICE // 2
    assert "stopped at 2× the time budget: 1 of 5 rows" in s.reduced
    assert np.isfinite(s.loss[m]).all() and np.isnan(np.delete(s.loss, m, axis=0)).all()
    assert s.loss[m, m] == t.evaluate()[0] and s.capped == 0
    full = loss_slice(t, n=8, budget=None)  # even: one more, θ stays the centre
    assert full.n == 9 and full.reduced == "" and full.alpha[4] == 0


def test_bad_directions_are_refused():
    t = trained()
    for bad in ("sideways", ((0, 0, 0), (0, 0, 0)), ((0, 9, 0), (0, 0, 0)), ((5, 0, 0), (0, 0, 0))):
        with pytest.raises(ValueError):
            loss_slice(t, directions=bad, n=5)
    assert parameter_index(t.net, 0, 0, -1) == parameter_index(t.net, 0, 0, 2)
