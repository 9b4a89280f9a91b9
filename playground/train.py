"""A training run: config → data → network → epochs of mini-batch gradient descent.

Randomness is explicit: the config's seed feeds one `SeedSequence`, spawned into three
generators (data, initial weights, batch order), so a share link reproduces the data, the
initial weights and every epoch, and changing the network never changes the data.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .config import Config
from .data import Dataset, feature_matrix, make_dataset
from .costs import Head, class_scores, encode_targets, head_for, predict_classes
from .engine import Net
from .model_io import check_fits
from .optim import OPTIMIZERS, PENALTIES, SCHEDULES

# Which settings rebuild what: the one rule the page, CLI and tests share.
DATA_KEYS = ("dataset", "classes", "points", "noise", "label_noise", "train", "seed")
MODEL_KEYS = ("features", "layers", "activation", "residual", "cost", "init")
LIVE_KEYS = ("optimizer", "lr", "schedule", "batch", "reg", "reg_rate")


def change_kind(old: Config, new: Config) -> str:
    """'data' (new data and weights), 'model' (same data, new weights), 'live' (the run
    goes on with new learning settings) or 'none' (display only)."""
    changed = {k for k in DATA_KEYS + MODEL_KEYS + LIVE_KEYS if getattr(old, k) != getattr(new, k)}
    if changed & set(DATA_KEYS):
        return "data"
    if changed & set(MODEL_KEYS):
        return "model"
    return "live" if changed else "none"

MAX_ABS_WEIGHT = 1e6     # beyond this a run has diverged even if its loss is finite
MAX_LOSS = 1e8
MAX_GRAD_NORM = 1e8
STUCK_FACTOR = 1.5       # a loss this many times a constant guess's ...
STUCK_EPOCHS = 10        # ... for this many epochs without improving: the run has diverged


def rngs(seed: int) -> tuple[np.random.Generator, np.random.Generator, np.random.Generator]:
    """(data, weights, batch order) generators from one seed."""
    return tuple(np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3))


def build_dataset(cfg: Config, rng: np.random.Generator | None = None) -> Dataset:
    rng = rngs(cfg.seed)[0] if rng is None else rng
    return make_dataset(cfg.dataset, cfg.points, cfg.noise / 100.0, cfg.classes,
                        cfg.train / 100.0, cfg.label_noise / 100.0, rng)


USER_SCALE = 2.0  # uploaded inputs are standardized to mean 0, standard deviation 2


def user_dataset(ds: Dataset, cfg: Config) -> Dataset:
    """An uploaded dataset made ready to train: split by cfg.train if it has no test rows
    (seeded), inputs standardized (mean 0, sd USER_SCALE, from the training rows) so they
    fill the [-6, 6] plane, and the cost checked against the problem."""
    from .config import CLASSIFICATION_COSTS, REGRESSION_COSTS
    from .data import DataError

    allowed = REGRESSION_COSTS if ds.kind == "regression" else CLASSIFICATION_COSTS
    if cfg.cost not in allowed:
        raise DataError(f"this data is a {ds.kind} problem: choose a cost among {', '.join(allowed)}")
    X, y = ds.X_train, ds.y_train
    if len(ds.X_test) == 0:
        perm = rngs(cfg.seed)[0].permutation(len(X))
        n_train = min(len(X) - 1, max(1, round(len(X) * cfg.train / 100)))
        tr, te = perm[:n_train], perm[n_train:]
        Xtr, ytr, Xte, yte = X[tr], y[tr], X[te], y[te]
    else:
        Xtr, ytr, Xte, yte = X, y, ds.X_test, ds.y_test
    mean, sd = Xtr.mean(axis=0), Xtr.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0) / USER_SCALE
    return Dataset((Xtr - mean) / sd, ytr, (Xte - mean) / sd, yte, ds.kind, ds.n_classes, ytr)


def augmented(X: np.ndarray, features) -> np.ndarray:
    """Raw points (n, 2) → feature-major inputs (len(features) + 1, n), last row ones."""
    F = feature_matrix(X, features)
    return np.vstack([F.T, np.ones((1, F.shape[0]))])


def constant_loss(cost, T: np.ndarray) -> float:
    """The mean cost of the best of two constant outputs (the targets' mean or median per
    unit): what a network that ignores its inputs can reach."""
    with np.errstate(all="ignore"):
        losses = [float(cost.value(np.repeat(c(T, axis=1, keepdims=True), T.shape[1], 1), T).mean())
                  for c in (np.mean, np.median)]
    return min(v for v in losses if math.isfinite(v)) if any(map(math.isfinite, losses)) else math.inf


def build_net(cfg: Config, n_classes: int, problem: str) -> Net:
    head = head_for(problem, cfg.cost, n_classes)
    sizes = [len(cfg.features), *cfg.layers, head.units]
    return Net(sizes, list(cfg.layer_activations()), cfg.residual, head)


@dataclass
class History:
    epoch: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    test_acc: list[float] = field(default_factory=list)


class Trainer:
    """Holds one run: data, network, optimizer state, epoch counter and history."""

    def __init__(self, cfg: Config, data: Dataset | None = None):
        data_rng, weight_rng, self.order_rng = rngs(cfg.seed)
        self.cfg = cfg
        self.data = build_dataset(cfg, data_rng) if data is None else data
        self.problem = self.data.kind
        self.net = build_net(cfg, self.data.n_classes, self.problem)
        self.head: Head = self.net.head
        self.net.initialize(cfg.init, weight_rng)
        self.X_train = augmented(self.data.X_train, cfg.features)
        self.X_test = augmented(self.data.X_test, cfg.features)
        self.T_train = encode_targets(self.data.y_train, self.head)
        self.T_test = encode_targets(self.data.y_test, self.head)
        # Train and test side by side: one forward pass measures both every epoch.
        self.X_all = np.hstack([self.X_train, self.X_test])
        self.T_all = np.hstack([self.T_train, self.T_test])
        self.y_all = np.concatenate([self.data.y_train, self.data.y_test])
        self.g = np.zeros_like(self.net.theta)
        self.opt_state: dict = {}
        self.epoch = 0
        self.diverged: str | None = None
        self.history = History()
        self.baseline = constant_loss(self.net.cost, self.T_train)
        self._best = self.net.theta.copy()
        self._setup_batches()
        self.record()
        self.mark_good()

    # ---------------------------------------------------------------- training
    def _setup_batches(self) -> None:
        """Shuffle buffers and fixed batch views into them (refilled every epoch). The buffers
        are point-major, so each batch is one contiguous block (its transpose is the
        feature-major view the engine takes, with no copy)."""
        n = self.X_train.shape[1]
        B = max(1, min(self.cfg.batch, n))
        self._XT, self._TT = self.X_train.T.copy(), self.T_train.T.copy()
        self.Xs, self.Ts = np.empty_like(self._XT), np.empty_like(self._TT)
        gW = self.net.grad_views(self.g)
        self.batches = [(self.Xs[i:i + B].T, self.Ts[i:i + B].T, self.net.workspace(min(B, n - i)),
                         gW, 1.0 / min(B, n - i)) for i in range(0, n, B)]

    def adopt(self, cfg: Config) -> None:
        """Take settings that keep the run (see `change_kind`): learning rate, optimizer,
        schedule, penalty, batch size, display. Clears a divergence stop."""
        batch_changed = cfg.batch != self.cfg.batch
        if cfg.optimizer != self.cfg.optimizer:
            self.opt_state = {}
        self.cfg = cfg
        self.diverged = None
        self.mark_good()
        if batch_changed:
            self._setup_batches()

    def load_model(self, model) -> None:
        """Continue from a trained model's weights (validated against this network)."""
        check_fits(model, self.net)
        self.net.set_layers(model.layers)
        self.epoch = model.epoch
        self.opt_state, self.diverged, self.history = {}, None, History()
        self.record()
        self.mark_good()

    def set_parameter(self, layer: int, row: int, col: int, value: float) -> None:
        """Set W_layer[row, col] (col −1: the bias) by hand: this epoch's record is measured
        again and the new weights become the run's reference."""
        self.net.W[layer][row, col] = float(value)
        for values in vars(self.history).values():
            values.pop()
        self.record()
        self.mark_good()

    def mark_good(self) -> None:
        """The current weights are the reference the stuck rule falls back to (a new run,
        loaded or edited weights, new learning settings)."""
        np.copyto(self._best, self.net.theta)
        self._best_epoch, self._best_loss, self._stuck = self.epoch, self.history.train_loss[-1], 0

    def train(self, epochs: int = 1) -> int:
        """Run up to `epochs` epochs; stop early on divergence. Returns epochs run."""
        done = 0
        while done < epochs and not self.diverged:
            self.step_epoch()
            done += 1
        return done

    def step_epoch(self) -> None:
        cfg, net, g = self.cfg, self.net, self.g
        opt, theta = OPTIMIZERS[cfg.optimizer], net.theta
        lr = SCHEDULES[cfg.schedule](cfg.lr, self.epoch)
        penalty, rate = PENALTIES[cfg.reg], cfg.reg_rate if cfg.reg != "none" else 0.0
        good = theta.copy()
        perm = self.order_rng.permutation(self.X_train.shape[1])
        self._XT.take(perm, 0, self.Xs)  # ndarray methods: no np.* dispatch cost
        self._TT.take(perm, 0, self.Ts)
        with np.errstate(all="ignore"):  # overflow is caught below, per epoch
            for xb, tb, ws, gW, scale in self.batches:
                ws.gradient_sum(xb, tb, gW)  # the mean gradient is scale · g
                if rate:
                    g += (rate / scale) * penalty(theta, net.mask)
                opt(theta, g, lr, self.opt_state, scale)
            self.epoch += 1
            self.record()
            reason = self._divergence()
        if reason:  # back to the previous epoch: finite, and the optimizer starts afresh
            theta[:] = good
            self._roll_back(self.epoch - 1, reason)
        else:
            self._watch_progress()

    def _watch_progress(self) -> None:
        """The stuck rule: a loss above STUCK_FACTOR × a constant guess's, not improving for
        STUCK_EPOCHS epochs, has diverged even though every number is finite (a saturated
        output is stuck there; measured: most lr ≥ 3 runs end near twice the guess's loss).
        Falls back to the best weights of the run."""
        h, theta = self.history, self.net.theta
        loss = h.train_loss[-1]
        if loss < self._best_loss:
            np.copyto(self._best, theta)
            self._best_epoch, self._best_loss = self.epoch, loss
        self._stuck = self._stuck + 1 if loss > STUCK_FACTOR * self.baseline else 0
        if self._stuck >= STUCK_EPOCHS and loss >= h.train_loss[-1 - STUCK_EPOCHS]:
            theta[:] = self._best
            self._roll_back(self._best_epoch, (
                f"the training loss stayed above {STUCK_FACTOR:g}× that of always guessing the "
                f"same output ({self.baseline:.3g}) for {STUCK_EPOCHS} epochs without improving"))

    def _roll_back(self, epoch: int, reason: str) -> None:
        """Stop, with the weights already set back to those of `epoch`: history up to it."""
        keep = self.history.epoch.index(epoch) + 1 if epoch in self.history.epoch else 1
        for values in vars(self.history).values():
            del values[keep:]
        self.epoch, self.opt_state, self.diverged = self.history.epoch[-1], {}, reason

    def _divergence(self) -> str | None:
        """Why the last epoch is not trustworthy, or None. Checks loss, weights and gradient."""
        loss = self.history.train_loss[-1]
        if not math.isfinite(loss) or loss > MAX_LOSS:
            return f"the training loss became {loss:.3g}"
        w = float(np.abs(self.net.theta).max())
        if not math.isfinite(w) or w > MAX_ABS_WEIGHT:
            return f"a weight reached {w:.3g}"
        gn = math.sqrt(self.g.dot(self.g)) * self.batches[-1][-1]  # last batch's mean gradient
        if not math.isfinite(gn) or gn > MAX_GRAD_NORM:
            return f"the gradient norm reached {gn:.3g}"
        return None

    # ---------------------------------------------------------------- measuring
    def evaluate(self) -> tuple[float, float, float, float]:
        """(train loss, test loss, train accuracy, test accuracy): mean cost without the
        penalty term, as TFP shows it; accuracies are NaN for regression."""
        n, m = self.X_train.shape[1], self.X_test.shape[1]
        O = self.net.forward(self.X_all)
        with np.errstate(all="ignore"):
            cost = self.net.cost.value(O, self.T_all)
        tr, te = float(cost[:n].sum()) / n, float(cost[n:].sum()) / max(m, 1)
        if self.problem == "regression":
            return tr, te, float("nan"), float("nan")
        hit = predict_classes(O, self.head) == self.y_all
        count = np.count_nonzero
        return tr, te, int(count(hit[:n])) / n, int(count(hit[n:])) / max(m, 1)

    def record(self) -> None:
        h = self.history
        tr, te, tr_acc, te_acc = self.evaluate()
        h.epoch.append(self.epoch)
        h.train_loss.append(tr)
        h.test_loss.append(te)
        h.train_acc.append(tr_acc)
        h.test_acc.append(te_acc)

    def predict_grid(self, X: np.ndarray) -> np.ndarray:
        """Raw points (n, 2) → P(class 1) (binary), class index (k classes) or value (regression)."""
        O = self.net.forward(augmented(X, self.cfg.features))
        return O[0].copy() if self.problem == "regression" else class_scores(O, self.head)

    def grad_norms(self) -> list[float]:
        """‖∂C/∂W_l‖ (weights, not biases) over the whole training set, input side first."""
        g = self.net.gradient(self.X_train, self.T_train)
        return [float(np.linalg.norm(G[:, :-1])) for G in self.net.grad_views(g)]

    def summary(self) -> dict:
        h, reg = self.history, self.problem == "regression"
        return {
            "epoch": self.epoch,
            "train_loss": h.train_loss[-1],
            "test_loss": h.test_loss[-1],
            "train_accuracy": None if reg else h.train_acc[-1],
            "test_accuracy": None if reg else h.test_acc[-1],
            "diverged": bool(self.diverged),
        }
