"""A training run: config → data → network → epochs of mini-batch gradient descent.

Randomness is explicit: the config's seed feeds one `SeedSequence`, spawned into three
generators (data, initial weights, batch order), so a share link reproduces the data, the
initial weights and every epoch, and changing the network never changes the data.
"""
from __future__ import annotations

import itertools
import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from .config import Config
from .datasets import Dataset
from .costs import Head, class_scores, encode_targets, head_for, predict_classes
from .engine import Net
from .model import check_fits
from .optim import OPTIMIZERS, PENALTIES, SCHEDULES, l1_threshold
from .settings import keys_that
from .history import DENSE_TAIL, MAX_RECORDS, SERIES, History  # noqa: F401 - re-exported
from .trail import Trail
from .rundata import augmented, branch_base, build_dataset, edited_dataset, rngs

# Which settings rebuild what: the one rule the page, CLI and tests share, read from the
# settings table (each setting declares its `change`).
DATA_KEYS, MODEL_KEYS, LIVE_KEYS = keys_that("data"), keys_that("model"), keys_that("live")
POINT_KEYS = keys_that("points")


def change_kind(old: Config, new: Config) -> str:
    """'data' (new data and weights), 'model' (same data, new weights), 'points' (the
    learner's point edits: the run goes on from its weights on the edited points, see
    `Trainer.set_edits`), 'live' (the run goes on with new learning settings) or 'none'
    (display only)."""
    keys = DATA_KEYS + MODEL_KEYS + POINT_KEYS + LIVE_KEYS
    changed = {k for k in keys if getattr(old, k) != getattr(new, k)}
    if changed & set(DATA_KEYS):
        return "data"
    if changed & set(MODEL_KEYS):
        return "model"
    if changed & set(POINT_KEYS):
        return "points"
    return "live" if changed else "none"

MAX_ABS_WEIGHT = 1e6     # beyond this a run has diverged even if its loss is finite
MAX_LOSS = 1e8
MAX_GRAD_NORM = 1e8
STUCK_FACTOR = 1.5       # a loss this many times a constant guess's ...
STUCK_EPOCHS = 10        # ... for this many epochs without improving: the run has diverged
GUESS_EPOCHS = 50        # flagged (not stopped): this many epochs no better than a guess ...
GUESS_MARGIN = 0.01      # ... (within 1 % of its loss) and not improving by more than 1 % of it
LARGE_LABEL = 1e3        # regression labels beyond this make an overflow the data's fault
EDIT_FACTOR = 100.0      # a hand edit this many times larger than any weight is to blame


def constant_loss(cost, T: np.ndarray) -> float:
    """The mean cost of the best of two constant outputs (the targets' mean or median per
    unit): what a network that ignores its inputs can reach."""
    if T.shape[1] == 0:  # no training point (the learner removed them all)
        return math.inf
    with np.errstate(all="ignore"):
        losses = [float(cost.value(np.repeat(c(T, axis=1, keepdims=True), T.shape[1], 1), T).mean())
                  for c in (np.mean, np.median)]
    return min(v for v in losses if math.isfinite(v)) if any(map(math.isfinite, losses)) else math.inf


def build_net(cfg: Config, n_classes: int, problem: str) -> Net:
    head = head_for(problem, cfg.cost, n_classes)
    sizes = [len(cfg.features), *cfg.layers, head.units]
    return Net(sizes, list(cfg.layer_activations()), cfg.residual, head)


CAUSES = ("learning_rate", "edited_weight", "data", "stuck", "early_stop", "empty")


@dataclass(frozen=True)
class Stop:
    """Why a run stopped. `reason`: what happened, a plain clause ("the training loss became
    inf"); `cause`: the likely cause, one of CAUSES; `at_epoch`: the epoch where it was
    detected; `kept_epoch`: the epoch whose weights were kept (the run's epoch from then on);
    `edit`: for an edited weight, which one and its value."""
    reason: str
    cause: str
    at_epoch: int
    kept_epoch: int
    edit: tuple[int, int, int, float] | None = None

    def __post_init__(self):
        assert self.cause in CAUSES, self.cause


@dataclass
class _Edit:
    """Hand edits since the run last trained or stopped: the weights from before the first,
    the largest edited value and where it went, the epoch of the latest."""
    before: np.ndarray
    before_epoch: int
    scale: float                 # the largest |weight| before the edits
    where: tuple[int, int, int] = (0, 0, 0)
    value: float = 0.0
    epoch: int = 0


class Trainer:
    """Holds one run: data, network, optimizer state, epoch counter, history and the trail
    of its weights (`trail`: every recorded epoch's θ, thinned as the history is)."""

    def __init__(self, cfg: Config, data: Dataset | None = None):
        final, cfg = cfg, branch_base(cfg)   # a branch first replays the run it left
        data_rng, weight_rng, self.order_rng = rngs(cfg.seed, cfg.init_seed)
        self.cfg = cfg
        # the points as generated (or uploaded), then the learner's edits (core/edits.py)
        self.base_data = build_dataset(cfg, data_rng) if data is None else data
        self.problem = self.base_data.kind
        self.net = build_net(cfg, self.base_data.n_classes, self.problem)
        self.head: Head = self.net.head
        self.net.initialize(cfg.init, weight_rng)
        self._use_data(edited_dataset(self.base_data, cfg.edits))
        self.g = np.zeros_like(self.net.theta)
        self._scratch, self._thr = np.empty_like(self.net.theta), np.empty_like(self.net.theta)
        self.opt_state: dict = {}
        self.epoch = 0
        self.stop: Stop | None = None
        self._edit: _Edit | None = None
        self.history = History()
        self.trail = Trail(self.net.n_params)
        # what the link reproduces: `start_cfg` from epoch 0 to `exact_until` (core/branch.py)
        self.start_cfg, self._changed_at = cfg, None
        self.baseline = constant_loss(self.net.cost, self.T_train)
        self._best = self.net.theta.copy()
        self._best_test: tuple[int, np.ndarray] | None = None   # early stopping's weights
        self._setup_batches()
        self.record()
        self.mark_good()
        self.stop = self._data_stop()
        if final.branch_at:
            self.train(final.branch_at)
            self.adopt(final)

    @property
    def exact_until(self) -> int:
        """The last epoch a fresh run of `start_cfg` reproduces exactly: the run's epoch,
        unless a setting, a point or a weight changed while it trained (or it was loaded)."""
        return self.epoch if self._changed_at is None else self._changed_at

    def _changed(self) -> None:
        """The run leaves what `start_cfg` gives (at epoch 0 the new settings are the start)."""
        if self.epoch == 0 and self._changed_at is None:
            self.start_cfg = branch_base(self.cfg)
        elif self._changed_at is None:
            self._changed_at = self.epoch

    def _use_data(self, data: Dataset) -> None:
        """The arrays the run trains and measures on, from `data`."""
        self.data = data
        self.X_train = augmented(data.X_train, self.cfg.features)
        self.X_test = augmented(data.X_test, self.cfg.features)
        self.T_train = encode_targets(data.y_train, self.head)
        self.T_test = encode_targets(data.y_test, self.head)
        # Train and test side by side: one forward pass measures both every epoch.
        self.X_all = np.hstack([self.X_train, self.X_test])
        self.T_all = np.hstack([self.T_train, self.T_test])
        self.y_all = np.concatenate([data.y_train, data.y_test])

    def set_edits(self, cfg: Config) -> None:
        """The learner added or removed points (`cfg.edits`): the run goes on from the same
        weights, optimizer state and epoch on the new points; this epoch is measured again on
        them. DataError (and nothing changed) when the edits do not fit the data."""
        data = edited_dataset(self.base_data, cfg.edits)
        self.cfg = cfg
        self._changed()
        self._use_data(data)
        self._setup_batches()
        self.baseline = constant_loss(self.net.cost, self.T_train)
        self._best_test = None
        self.history.pop()
        self.history.best = None  # the test set changed: its lowest loss is counted anew
        self.record()
        self.mark_good()
        self.stop = self._data_stop()

    @property
    def diverged(self) -> str | None:
        """Why the run stopped (`stop.reason`, a plain clause), or None."""
        return self.stop.reason if self.stop else None

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
        schedule, penalty, batch size, display. Clears a stop (unless the data causes it): the
        run trains on from the weights it kept."""
        batch_changed = cfg.batch != self.cfg.batch
        if cfg.optimizer != self.cfg.optimizer:
            self.opt_state = {}
        learning = any(getattr(cfg, k) != getattr(self.cfg, k) for k in LIVE_KEYS)
        self.cfg = cfg
        if learning:
            self._changed()
        self.mark_good()
        self.stop = self._data_stop()
        if batch_changed:
            self._setup_batches()

    def load_model(self, model) -> None:
        """Continue from a trained model's weights (validated against this network)."""
        check_fits(model, self.net)
        self._changed_at = -1  # weights from a file: no link reproduces them
        self.net.set_layers(model.layers)
        self.epoch = model.epoch
        self.opt_state, self.stop, self._edit, self.history = {}, None, None, History()
        self._best_test = None
        self.trail = Trail(self.net.n_params)
        self.record()
        self.mark_good()
        self.stop = self._data_stop()

    def set_parameter(self, layer: int, row: int, col: int, value: float) -> None:
        """Set W_layer[row, col] (col −1: the bias) by hand: this epoch's record is measured
        again and the new weights become the run's reference. The edit is remembered for
        STUCK_EPOCHS epochs of training: an overflow then may be blamed on it (`_blame`)."""
        value, e = float(value), self._edit
        self._changed_at = self.epoch if self._changed_at is None else self._changed_at
        if e is None:
            with np.errstate(all="ignore"):
                scale = float(np.abs(self.net.theta).max())
            e = self._edit = _Edit(self.net.theta.copy(), self.epoch, scale)
        if not abs(value) < abs(e.value):  # the largest edit is the one to name (NaN too)
            e.where, e.value = (layer, row, col), value
        e.epoch = self.epoch
        self.net.W[layer][row, col] = value
        self.history.pop()
        self.record()
        self.mark_good()

    def mark_good(self) -> None:
        """The current weights are the reference the stuck rule falls back to (a new run,
        loaded or edited weights, new learning settings); the progress watch starts again."""
        np.copyto(self._best, self.net.theta)
        loss = self.history.train_loss[-1]
        self._best_epoch, self._best_loss, self._stuck = self.epoch, loss, 0
        self._recent = deque([loss], maxlen=GUESS_EPOCHS + 1)  # losses since, the latest last
        self._older_best, self._since_good = math.inf, 0

    def train(self, epochs: int = 1) -> int:
        """Run up to `epochs` epochs; stop early on divergence. Returns epochs run."""
        done = 0
        while done < epochs and not self.stop:
            self.step_epoch()
            done += 1
        return done

    def learning_rate(self) -> float:
        """η of this epoch's steps: the schedule's rate, η_e = schedule(η, e)."""
        return SCHEDULES[self.cfg.schedule](self.cfg.lr, self.epoch)

    def batch_step(self, lr: float):
        """The update of one mini-batch at rate η, as a function step(xb, tb, ws, gW, scale)
        (an entry of `self.batches`: inputs, targets, workspace, gradient views, 1/B):

            g = ∂C/∂θ (summed over the batch),  g += λ ∂P/∂θ / scale (L2: λ w, as TFP),
            θ ← optimizer(θ, scale · g, η),     θ ← prox(θ, η λ) (L1: optim.l1_step)

        A function built once per epoch, so the loop pays one call per batch and looks
        nothing up. See optim.Penalty."""
        cfg, net, g, state = self.cfg, self.net, self.g, self.opt_state
        opt, theta, mask, name = OPTIMIZERS[cfg.optimizer], net.theta, net.mask, cfg.optimizer
        penalty, rate, scratch, thr_out = PENALTIES[cfg.reg], cfg.reg_rate, self._scratch, self._thr
        pgrad = penalty.grad if rate else None
        prox = penalty.prox if rate else None
        thr = (lr * rate) * mask if prox is not None else None

        def step(xb, tb, ws, gW, scale):
            ws.gradient_sum(xb, tb, gW)  # the mean gradient is scale · g
            if pgrad is not None:
                np.add(g, (rate / scale) * pgrad(theta, mask), g)
            opt(theta, g, lr, state, scale)
            if prox is not None:
                prox(theta, l1_threshold(thr, name, state, thr_out), scratch)
        return step

    def step_epoch(self) -> None:
        """One epoch of mini-batch steps, each `batch_step` (the step-through of core/inside
        takes the same step on chosen points)."""
        step = self.batch_step(self.learning_rate())
        good = self.net.theta.copy()
        perm = self.order_rng.permutation(self.X_train.shape[1])
        self._XT.take(perm, 0, self.Xs)  # ndarray methods: no np.* dispatch cost
        self._TT.take(perm, 0, self.Ts)
        with np.errstate(all="ignore"):  # overflow is caught below, per epoch
            for b in self.batches:
                step(*b)
            self.epoch += 1
            self.record()
            reason = self._divergence()
        if reason:
            self._stop_overflow(good, reason)
        else:
            self._watch_progress()
            self._watch_test()

    def _watch_test(self) -> None:
        """Early stopping (cfg.patience > 0): keep the weights of the lowest test loss; once it
        has not improved for `patience` epochs, go back to them and stop (`Stop` "early_stop")."""
        p, best = self.cfg.patience, self.history.best
        if not p or best is None or self.stop:
            return
        if best[0] == self.epoch:
            self._best_test = (self.epoch, self.net.theta.copy())
        elif self._best_test is not None and self._best_test[0] == best[0] and self.epoch - best[0] >= p:
            e, w = self._best_test
            self._roll_back(e, w, Stop(f"the test loss had not improved for {p:,} epochs (its lowest, "
                                       f"{best[1]:.4g}, was at epoch {e:,})", "early_stop", self.epoch, e))

    def _stop_overflow(self, start: np.ndarray, reason: str) -> None:
        """The last epoch overflowed: back to the weights it started from (finite), or to
        those from before a hand edit that is to blame."""
        cause, e = self._blame(start), self._edit
        if cause == "edited_weight":
            self._roll_back(e.before_epoch, e.before,
                            Stop(reason, cause, self.epoch, e.before_epoch, (*e.where, e.value)))
        else:
            self._roll_back(self.epoch - 1, start, Stop(reason, cause, self.epoch, self.epoch - 1))

    def _blame(self, start: np.ndarray) -> str:
        """The likely cause of an overflow in the epoch that started from weights `start`:
        - "data": regression labels beyond LARGE_LABEL (outputs start near ±1);
        - "edited_weight": a hand edit in the last STUCK_EPOCHS epochs, if the epoch started
          with a weight or loss already out of range (only an edit puts them there) or the
          edit was EDIT_FACTOR × larger than any weight before it;
        - "learning_rate" otherwise: ordinary steps grew out of control."""
        if self._label_scale() > LARGE_LABEL:
            return "data"
        e = self._edit
        if e is not None:
            with np.errstate(all="ignore"):
                w0 = float(np.abs(start).max())
            loss0 = self.history.train_loss[-2]
            if (not (w0 <= MAX_ABS_WEIGHT and loss0 <= MAX_LOSS)
                    or not abs(e.value) < EDIT_FACTOR * max(1.0, e.scale)):
                return "edited_weight"
        return "learning_rate"

    def _label_scale(self) -> float:
        """The largest |label| of a regression problem's training set (0 for classification)."""
        if self.problem != "regression":
            return 0.0
        with np.errstate(all="ignore"):
            m = float(np.abs(self.data.y_train).max(initial=0.0))
        return m if not math.isnan(m) else math.inf

    def _data_stop(self) -> Stop | None:
        """A stop before any training when even always guessing the same output costs more
        than MAX_LOSS: labels that large overflow whatever the settings."""
        if self.X_train.shape[1] == 0:  # the learner removed every training point
            return Stop("there are no training points", "empty", self.epoch, self.epoch)
        if self.baseline <= MAX_LOSS:
            return None
        return Stop(f"the labels reach {self._label_scale():.3g} in size, so even always guessing "
                    f"the same output costs {self.baseline:.3g}", "data", self.epoch, self.epoch)

    def _watch_progress(self) -> None:
        """The stuck rule: a loss above STUCK_FACTOR × a constant guess's, not improving for
        STUCK_EPOCHS epochs, has diverged even though every number is finite (a saturated
        output is stuck there; measured: most lr ≥ 3 runs end near twice the guess's loss).
        Falls back to the best weights of the run."""
        loss, recent = self.history.train_loss[-1], self._recent
        if loss < self._best_loss:
            np.copyto(self._best, self.net.theta)
            self._best_epoch, self._best_loss = self.epoch, loss
        if len(recent) == recent.maxlen:
            self._older_best = min(self._older_best, recent[0])
        recent.append(loss)
        self._since_good += 1
        if self._edit is not None and self.epoch - self._edit.epoch > STUCK_EPOCHS:
            self._edit = None
        self._stuck = self._stuck + 1 if loss > STUCK_FACTOR * self.baseline else 0
        if self._stuck >= STUCK_EPOCHS and loss >= recent[-1 - STUCK_EPOCHS]:
            self._roll_back(self._best_epoch, self._best, Stop(
                f"the training loss stayed above {STUCK_FACTOR:g}× that of always guessing the "
                f"same output ({self.baseline:.3g}) for {STUCK_EPOCHS} epochs without improving",
                "stuck", self.epoch, self._best_epoch))

    @property
    def no_better_than_guessing(self) -> bool:
        """A flag, not a stop: the run has trained GUESS_EPOCHS epochs since its start (or new
        settings, an edit) and over the last GUESS_EPOCHS its best training loss is no better
        than always guessing the same output (at most GUESS_MARGIN × `baseline` below it) nor
        than its best before them (by at most as much)."""
        if self.stop or self._since_good < GUESS_EPOCHS:
            return False
        window = min(itertools.islice(self._recent, 1, None))
        before = min(self._older_best, self._recent[0])
        margin = GUESS_MARGIN * self.baseline
        return window >= self.baseline - margin and window >= before - margin

    def _roll_back(self, epoch: int, weights: np.ndarray, stop: Stop) -> None:
        """Stop with the weights of `epoch`: history up to it (that epoch measured again), the
        optimizer starts afresh."""
        self.net.theta[:] = weights
        self.history.cut(epoch)
        self.trail.cut(epoch)
        self.epoch = epoch
        self.record()
        self.opt_state, self.stop, self._edit = {}, stop, None

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
        nan = float("nan")  # a set the learner emptied (core/edits.py) has no loss
        mean = lambda v, k: float(v.sum()) / k if k else nan  # noqa: E731
        tr, te = mean(cost[:n], n), mean(cost[n:], m)
        if self.problem == "regression":
            return tr, te, nan, nan
        hit = predict_classes(O, self.head) == self.y_all
        count = np.count_nonzero
        return tr, te, int(count(hit[:n])) / n if n else nan, int(count(hit[n:])) / m if m else nan

    def record(self) -> None:
        """Measure the current weights into the history and keep them in the trail, as epoch
        `self.epoch` (the same epoch again, after `history.pop()`, replaces its snapshot)."""
        self.history.append(self.epoch, *self.evaluate())
        self.trail.append(self.epoch, self.net.theta)

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
            "diverged": bool(self.stop),
        }
