"""See inside (core/inside.py): a trace's numbers are the engine's and the trainer's, they
are right (finite differences), the step it shows is the step training takes, and computing
it leaves the run as it was."""
from __future__ import annotations

import copy

import numpy as np
import pytest

from playground.core import inside
from playground.core.activations import ACTIVATIONS, OUTPUTS
from playground.core.config import (ACTIVATION_NAMES, CLASSIFICATION_COSTS, FEATURE_NAMES,
                                    OPTIMIZER_NAMES, REG_NAMES, REGRESSION_COSTS, Config)
from playground.core.costs import COSTS
from playground.core.datasets import Dataset
from playground.core.optim import OPTIMIZERS, PENALTIES, SCHEDULES
from playground.core.train import Stop, Trainer

# (dataset, classes, cost): every cost on every problem it is offered for
HEADS = ([("circle", 2, c) for c in CLASSIFICATION_COSTS] + [("spiral", 3, c) for c in CLASSIFICATION_COSTS]
         + [("reg-plane", 2, c) for c in REGRESSION_COSTS])
THREE = ("x1", "x2", "x1x2")  # three inputs into layers of 3: every hidden layer can be residual


def run(theta_seed: int | None = 0, **settings) -> Trainer:
    """A small run (50 points); its weights drawn ~ N(0, 0.7²) so no unit sits at its start."""
    t = Trainer(Config(points=50, **settings))
    if theta_seed is not None:
        t.net.theta[:] = np.random.default_rng(theta_seed).normal(0, 0.7, t.net.n_params)
        t.history.pop()
        t.record()
        t.mark_good()
    return t


def chosen(t: Trainer, idx):
    """The chosen points' inputs and targets, laid out as a trainer batch."""
    idx = np.asarray(idx)
    return t.X_train.T[idx].T, t.T_train.T[idx].T


def flat_gradient(tr: inside.Trace) -> np.ndarray:
    """The trace's ∂L/∂W, ∂L/∂b in the engine's flat layout (W_l rows with the bias last)."""
    return np.concatenate([np.hstack([L.dW, L.db[:, None]]).ravel() for L in tr.layers])


def mean_cost(t: Trainer, xb, tb) -> float:
    return float(t.net.cost.value(t.net.forward(xb), tb).mean())


def numeric_gradient(t: Trainer, xb, tb, eps=1e-6) -> np.ndarray:
    theta, g = t.net.theta, np.zeros(t.net.n_params)
    for i in range(theta.size):
        old = theta[i]
        theta[i] = old + eps
        up = mean_cost(t, xb, tb)
        theta[i] = old - eps
        down = mean_cost(t, xb, tb)
        theta[i] = old
        g[i] = (up - down) / (2 * eps)
    return g


def assert_close_to_numeric(analytic, numeric):
    scale = max(1.0, np.abs(numeric).max())
    np.testing.assert_allclose(analytic, numeric, atol=2e-6 * scale, rtol=1e-4)


def snapshot(t: Trainer) -> dict:
    h = t.history
    return {"theta": t.net.theta.copy(), "g": t.g.copy(), "epoch": t.epoch, "stop": t.stop,
            "state": {k: np.copy(v) for k, v in t.opt_state.items()}, "state_id": id(t.opt_state),
            "history": [list(getattr(h, s)) for s in ("epoch", "train_loss", "test_loss", "train_acc", "test_acc")],
            "order": t.order_rng.bit_generator.state, "best": t._best.copy(), "best_epoch": t._best_epoch}


def assert_same_run(before: dict, after: dict):
    assert before.keys() == after.keys()
    for k, v in before.items():
        if k == "state":
            assert v.keys() == after[k].keys()
            for name in v:
                np.testing.assert_array_equal(v[name], after[k][name])
        elif isinstance(v, np.ndarray):
            np.testing.assert_array_equal(v, after[k], err_msg=k)
        else:
            assert v == after[k] or (k == "history" and np.array_equal(v, after[k], equal_nan=True)), k


# ---------------------------------------------------------------- gradients
@pytest.mark.parametrize("residual", [False, True])
@pytest.mark.parametrize("head", HEADS, ids=lambda h: f"{h[0]}-{h[2]}")
@pytest.mark.parametrize("act", sorted(ACTIVATIONS))
def test_gradient_is_the_engines_and_matches_finite_differences(act, head, residual):
    dataset, classes, cost = head
    t = run(dataset=dataset, classes=classes, cost=cost, activation=(act,), layers=(3, 3),
            features=THREE, residual=residual)
    assert t.net.residual[:2] == [residual, residual]
    single, batch = inside.trace(t, [5]), inside.trace(t, [5, 0, 17, 9])
    for tr in (single, batch):
        xb, tb = chosen(t, tr.indices)
        np.testing.assert_array_equal(flat_gradient(tr), t.net.gradient(xb, tb))
        assert_close_to_numeric(flat_gradient(tr), numeric_gradient(t, xb, tb))
        assert tr.loss == pytest.approx(mean_cost(t, xb, tb), rel=1e-12)
        assert [L.residual for L in tr.layers] == t.net.residual
    for L1, Lk in zip(single.layers, batch.layers):
        # one point: δ = ∂L/∂b; a batch of k: column i is point i's own δ over k (L is the mean)
        np.testing.assert_allclose(L1.delta[:, 0], L1.db, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(Lk.delta[:, 0], L1.delta[:, 0] / 4, rtol=1e-10, atol=1e-15)
        np.testing.assert_allclose(Lk.Z[:, 0], L1.Z[:, 0], rtol=1e-12, atol=1e-15)


def check_identities(t: Trainer, tr: inside.Trace) -> None:
    """The maths the page shows, checked on the trace's own numbers."""
    k, net = len(tr.indices), t.net
    for l, L in enumerate(tr.layers):
        act = net.acts[l]  # the engine's registry entry
        assert L.activation == net.act_names[l]
        np.testing.assert_allclose(L.Z, L.W @ L.a_in + L.b[:, None], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(L.F, act.f(L.Z, np.empty_like(L.Z)), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(L.A, L.F + (L.skip if L.residual else 0.0), rtol=1e-12, atol=1e-15)
        if L.residual:
            np.testing.assert_array_equal(L.skip, L.a_in)
        np.testing.assert_allclose(L.dW, L.delta @ L.a_in.T, rtol=1e-9, atol=1e-13)
        np.testing.assert_allclose(L.db, L.delta.sum(axis=1), rtol=1e-9, atol=1e-13)
        if l > 0:
            np.testing.assert_array_equal(L.a_in, tr.layers[l - 1].A)
        # backward: ∂L/∂A_l = W_{l+1}ᵀ δ_{l+1} (+ ∂L/∂A_{l+1} if residual), δ_l = ∂L/∂A_l ⊙ f′(Z_l)
        if l < len(tr.layers) - 1:
            nxt = tr.layers[l + 1]
            dA = nxt.W.T @ nxt.delta + (nxt.dA if nxt.residual else 0.0)
            np.testing.assert_allclose(L.dA, dA, rtol=1e-9, atol=1e-13)
            delta = act.grad(L.dA, L.Z, L.F, np.empty_like(L.Z))
            np.testing.assert_allclose(L.delta, delta, rtol=1e-9, atol=1e-13)
    np.testing.assert_array_equal(tr.output, tr.layers[-1].A)
    np.testing.assert_allclose(tr.prediction, t.predict_grid(np.asarray(tr.points)), rtol=1e-12)
    np.testing.assert_allclose(tr.point_loss_before, net.cost.value(tr.output, tr.target), rtol=1e-12)
    assert tr.point_loss_before.shape == tr.point_loss_after.shape == (k,)
    np.testing.assert_array_equal(tr.points, t.data.X_train[list(tr.indices)])
    np.testing.assert_array_equal(tr.label, t.data.y_train[list(tr.indices)])


def test_a_trace_shows_the_forward_and_backward_maths():
    for residual in (False, True):
        t = run(layers=(3, 3), features=THREE, residual=residual, activation=("tanh", "relu"))
        check_identities(t, inside.trace(t, [3]))
        check_identities(t, inside.trace(t, [3, 8, 1]))


def test_multiclass_output_is_the_softmax_of_z():
    t = run(dataset="spiral", classes=4, cost="cross_entropy", layers=(4,))
    tr = inside.trace(t, [2, 7])
    out = tr.layers[-1]
    assert out.activation == "softmax" and tr.fused and "Σ_k e^(z_k)" in out.formula
    Z = out.Z
    np.testing.assert_allclose(tr.output, np.exp(Z) / np.exp(Z).sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(tr.output.sum(axis=0), 1.0)
    # ∂L/∂z = (p − t)/k for the mean cross-entropy over k points
    np.testing.assert_allclose(out.delta, (tr.output - tr.target) / 2, rtol=1e-12, atol=1e-16)
    np.testing.assert_array_equal(tr.prediction, tr.output.argmax(axis=0))


# ---------------------------------------------------------------- the update
def twins(**settings) -> tuple[Trainer, Trainer]:
    """Two identical runs, trained three epochs so the optimizer state is not empty."""
    a, b = run(**settings), run(**settings)
    a.train(3)
    b.train(3)
    np.testing.assert_array_equal(a.net.theta, b.net.theta)
    return a, b


@pytest.mark.parametrize("reg", REG_NAMES)
@pytest.mark.parametrize("optimizer", OPTIMIZER_NAMES)
def test_after_is_the_trainers_step_and_take_step_takes_it(optimizer, reg):
    settings = dict(optimizer=optimizer, reg=reg, reg_rate=0.01 if reg != "none" else 0.0,
                    schedule="decay", lr=0.1, layers=(3, 2))
    t, twin = twins(**settings)
    idx = [4, 11, 2]
    tr = inside.trace(t, idx)
    assert tr.lr == SCHEDULES["decay"](0.1, 3) and tr.epoch == 3
    assert not np.array_equal(tr.theta_after, tr.theta_before)
    # the shared path, on the twin: the trainer's batch step on those points
    twin.batch_step(twin.learning_rate())(*inside.batch(twin, idx))
    np.testing.assert_array_equal(twin.net.theta, tr.theta_after)
    # and for real on the run itself
    assert inside.take_step(t, idx) is None
    np.testing.assert_array_equal(t.net.theta, tr.theta_after)
    for name in twin.opt_state:
        np.testing.assert_array_equal(t.opt_state[name], twin.opt_state[name])
    np.testing.assert_array_equal(np.concatenate([np.hstack([L.W_after, L.b_after[:, None]]).ravel()
                                                  for L in tr.layers]), tr.theta_after)
    assert t.epoch == 3 and len(t.history) == 4 and t.history.epoch[-1] == 3
    assert t.history.train_loss[-1] == tr.train_loss_after
    np.testing.assert_array_equal(t._best, t.net.theta)     # the new reference (mark_good)


@pytest.mark.parametrize("reg", ["none", "l2", "l1"])
def test_sgd_after_is_the_rule_written_out(reg):
    """θ − η (∂L/∂θ + λ w) with sgd, then L1's soft threshold: the update by hand."""
    t = run(optimizer="sgd", lr=0.3, reg=reg, reg_rate=0.05 if reg != "none" else 0.0, layers=(3,))
    tr = inside.trace(t, [1, 6])
    lam = tr.penalty_rate
    for L in tr.layers:
        W = L.W - tr.lr * (L.dW + L.dW_penalty)
        if reg == "l2":
            np.testing.assert_allclose(L.dW_penalty, lam * L.W, rtol=1e-15)
        if reg == "l1":
            W = np.sign(W) * np.maximum(np.abs(W) - tr.lr * lam, 0.0)
        np.testing.assert_allclose(L.W_after, W, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(L.b_after, L.b - tr.lr * L.db, rtol=1e-12, atol=1e-15)
    if reg == "none":  # a small step downhill on the chosen points' mean cost
        t2 = run(optimizer="sgd", lr=0.01, layers=(3,))
        tr2 = inside.trace(t2, [1, 6])
        assert tr2.point_loss_after.mean() < tr2.point_loss_before.mean()


@pytest.mark.parametrize("reg", REG_NAMES)
@pytest.mark.parametrize("optimizer", OPTIMIZER_NAMES)
def test_take_step_on_an_epochs_batch_is_that_epoch(optimizer, reg):
    """A full-batch epoch is one batch step on the training points in the epoch's shuffled
    order: take_step on that order gives step_epoch's weights and optimizer state, bit for bit."""
    settings = dict(optimizer=optimizer, reg=reg, reg_rate=0.01 if reg != "none" else 0.0,
                    batch=50, lr=0.1, layers=(3, 2))
    t, twin = twins(**settings)
    perm = copy.deepcopy(t.order_rng).permutation(t.X_train.shape[1])  # the epoch's order
    tr = inside.trace(twin, perm)
    t.step_epoch()
    assert inside.take_step(twin, perm) is None
    np.testing.assert_array_equal(twin.net.theta, t.net.theta)
    np.testing.assert_array_equal(tr.theta_after, t.net.theta)
    assert twin.opt_state.keys() == t.opt_state.keys()
    for name in t.opt_state:
        np.testing.assert_array_equal(twin.opt_state[name], t.opt_state[name])
    assert twin.history.train_loss[-1] == t.history.train_loss[-1]


def one_point_run(**settings) -> Trainer:
    rng = np.random.default_rng(3)
    X, y = rng.uniform(-5, 5, (9, 2)), np.array([1, 0, 1, 1, 0, 0, 1, 0, 1])
    data = Dataset(X[:1], y[:1], X[1:], y[1:], "classification", 2, y[:1])
    return Trainer(Config(batch=1, layers=(3,), **settings), data=data)


@pytest.mark.parametrize("reg", REG_NAMES)
@pytest.mark.parametrize("optimizer", OPTIMIZER_NAMES)
def test_one_point_data_an_epoch_is_take_step(optimizer, reg):
    settings = dict(optimizer=optimizer, reg=reg, reg_rate=0.02 if reg != "none" else 0.0, lr=0.2)
    a, b = one_point_run(**settings), one_point_run(**settings)
    for _ in range(3):
        tr = inside.trace(b, [0])
        a.step_epoch()
        assert inside.take_step(b, [0]) is None
        np.testing.assert_array_equal(a.net.theta, b.net.theta)
        np.testing.assert_array_equal(tr.theta_after, b.net.theta)
        b.epoch = a.epoch  # (take_step keeps the epoch; the schedule reads it)


# ---------------------------------------------------------------- the run is left alone
def test_a_trace_leaves_the_run_as_it_was():
    t = run(optimizer="adam", reg="l1", reg_rate=0.01, layers=(3, 3), features=THREE, residual=True)
    t.train(4)
    before = snapshot(t)
    theta_id, state_id = id(t.net.theta), id(t.opt_state)
    inside.trace(t, [0])
    inside.trace(t, list(range(20)))
    assert_same_run(before, snapshot(t))
    assert id(t.net.theta) == theta_id and id(t.opt_state) == state_id
    # and the run trains on exactly as a twin that was never traced
    twin = run(optimizer="adam", reg="l1", reg_rate=0.01, layers=(3, 3), features=THREE, residual=True)
    twin.train(4)
    t.train(3)
    twin.train(3)
    np.testing.assert_array_equal(t.net.theta, twin.net.theta)


def test_a_traces_arrays_are_read_only_copies():
    t = run(layers=(2,))
    tr = inside.trace(t, [0, 1])
    with pytest.raises(ValueError):
        tr.layers[0].W[0, 0] = 5.0
    with pytest.raises(ValueError):
        tr.theta_after[0] = 5.0
    t.train(1)
    assert not np.array_equal(tr.theta_before, t.net.theta)  # a copy, not the run's weights


def test_take_step_refuses_a_stopped_run_and_an_overflowing_step():
    t = run(dataset="reg-plane", cost="mse", lr=10.0, layers=(2,))
    t.net.W[-1][0, -1] = 9e5  # the output's bias: the next step overshoots past 1e6
    t.history.pop()
    t.record()
    before = snapshot(t)
    reason = inside.take_step(t, [0, 1, 2])
    assert reason and "weight" in reason
    assert_same_run(before, snapshot(t))
    t.stop = Stop("the training loss became inf", "learning_rate", 0, 0)
    assert "stopped" in inside.take_step(t, [0])
    assert_same_run(before | {"stop": t.stop}, snapshot(t))


@pytest.mark.parametrize("bad", [[], [-1], [50], [0.5], [[1, 2], [3, 99]]])
def test_points_are_chosen_by_training_index(bad):
    t = run(layers=(2,))
    with pytest.raises(ValueError):
        inside.trace(t, bad)


# ---------------------------------------------------------------- random small networks
def random_run(seed: int) -> Trainer:
    rng = np.random.default_rng(seed)
    dataset, classes, cost = HEADS[rng.integers(len(HEADS))]
    features = tuple(rng.choice(FEATURE_NAMES, rng.integers(1, 4), replace=False))
    width = int(rng.integers(1, 5))
    layers = tuple(int(w) for w in rng.choice([width, width, rng.integers(1, 5)], rng.integers(0, 4)))
    acts = tuple(str(a) for a in rng.choice(ACTIVATION_NAMES, max(1, len(layers))))
    reg = str(rng.choice(REG_NAMES))
    lr = float(rng.choice([0.003, 0.03, 0.3])) / (30 if dataset.startswith("reg") else 1)  # no divergence
    return run(theta_seed=seed, dataset=dataset, classes=classes if dataset == "circle" else int(rng.integers(3, 6)),
               cost=cost, features=features, layers=layers, activation=acts if layers else ("tanh",),
               residual=bool(rng.integers(2)), optimizer=str(rng.choice(OPTIMIZER_NAMES)),
               reg=reg, reg_rate=0.0 if reg == "none" else 0.01, lr=lr,
               schedule=str(rng.choice(list(SCHEDULES))), batch=int(rng.integers(1, 8)))


@pytest.mark.parametrize("seed", range(16))
def test_random_small_networks(seed):
    t, twin = random_run(seed), random_run(seed)
    t.train(2)
    twin.train(2)
    assert twin.stop is None  # (else take_step refuses: tested above)
    rng = np.random.default_rng(100 + seed)
    idx = rng.choice(t.X_train.shape[1], int(rng.integers(1, 6)), replace=False)
    before = snapshot(t)
    tr = inside.trace(t, idx)
    assert_same_run(before, snapshot(t))
    check_identities(t, tr)
    xb, tb = chosen(t, idx)
    np.testing.assert_array_equal(flat_gradient(tr), t.net.gradient(xb, tb))
    assert_close_to_numeric(flat_gradient(tr), numeric_gradient(t, xb, tb))
    assert inside.take_step(twin, idx) is None
    np.testing.assert_array_equal(twin.net.theta, tr.theta_after)
    assert twin.history.train_loss[-1] == tr.train_loss_after


# ---------------------------------------------------------------- texts and the step-through
def test_every_registry_name_has_its_formula():
    for name in ACTIVATIONS | OUTPUTS:
        f, d = inside.ACTIVATION_FORMULAS[name]
        assert f and d, name
    assert set(inside.ACTIVATION_FORMULAS) == set(ACTIVATIONS) | set(OUTPUTS)
    assert set(inside.PENALTY_FORMULAS) == set(PENALTIES)
    for name in COSTS:
        assert len(inside.cost_formula(name)) > len("L = ") + 2, name
    for name in OPTIMIZERS:
        assert "θ ←" in inside.optimizer_rule(name), name
    for name in SCHEDULES:
        assert "η" in inside.schedule_formula(name), name
    assert inside.optimizer_rule("sgd") == "θ ← θ − η g"
    assert inside.cost_formula("cross_entropy").startswith("L = −Σ_j t_j log p_j")


def test_a_trace_names_its_parts():
    t = run(features=("x1", "x2", "sinx1"), layers=(3, 2), activation=("relu", "elu"),
            cost="cross_entropy", optimizer="momentum")
    tr = inside.trace(t, [0])
    assert [L.name for L in tr.layers] == ["hidden layer 1", "hidden layer 2", "output layer"]
    assert tr.layers[0].input_names == ("x1", "x2", "sinx1")
    assert tr.layers[1].input_names[0] == "neuron 1 of hidden layer 1"
    assert [L.formula for L in tr.layers] == [inside.ACTIVATION_FORMULAS[a][0] for a in ("relu", "elu", "sigmoid")]
    assert tr.optimizer == "momentum" and tr.optimizer_rule == inside.optimizer_rule("momentum")
    assert tr.cost == "cross_entropy" and tr.fused


def test_the_steps_walk_forward_cost_backward_update_result():
    t = run(layers=(3, 3, 2))
    tr = inside.trace(t, [0])
    parts = [(s.part, s.layer) for s in tr.steps]
    assert parts == ([("forward", l) for l in range(4)] + [("cost", None)]
                     + [("backward", l) for l in (3, 2, 1, 0)] + [("update", None), ("result", None)])
    assert len({s.title for s in tr.steps}) == len(tr.steps)
    assert inside.steps(1)[0].title == "Forward: output layer"
