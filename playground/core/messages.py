"""What the page says of a run, in plain words: a parameter's name, why a run stopped (and
which weights were kept), and a run that is no better than guessing."""
from __future__ import annotations

from .train import GUESS_EPOCHS, Stop, Trainer


def parameter_name(t: Trainer, layer: int, row: int, col: int) -> str:
    """'the bias of neuron 2 of hidden layer 1', 'the weight from x1 to the output', ..."""
    last, n_in = len(t.net.W) - 1, t.net.W[layer].shape[1] - 1

    def unit(L: int, j: int) -> str:
        if L < 0:
            return t.cfg.features[j]
        if L == last:
            return "the output" if t.net.W[L].shape[0] == 1 else f"output {j + 1}"
        return f"neuron {j + 1} of hidden layer {L + 1}"

    if col < 0 or col == n_in:
        return f"the bias of {unit(layer, row)}"
    return f"the weight from {unit(layer - 1, col)} to {unit(layer, row)}"


def _cause_text(t: Trainer, s: Stop) -> str:
    lr, opt = t.cfg.lr, t.cfg.optimizer
    if s.cause == "data":
        fix = "Rescale the labels (for example to between −1 and 1) and load the data again."
        if s.at_epoch == s.kept_epoch:
            return ("This is the data's scale, not the learning rate or the network: labels that "
                    f"large overflow whatever the settings. {fix}")
        return (f"The likely cause is the data's scale: the labels reach {t._label_scale():.3g} "
                f"while the network's outputs start near ±1, so steps at learning rate {lr:g} "
                f"are huge. {fix}")
    if s.cause == "edited_weight":
        layer, row, col, value = s.edit
        return (f"The likely cause is the value set by hand, not the learning rate: "
                f"{parameter_name(t, layer, row, col)} was set to {value:.3g}, and training from "
                "there overflowed.")
    if s.cause == "empty":
        return ("Click on the plot to add points, or clear your edits: training starts again "
                "once there is a training point.")
    if s.cause == "early_stop":
        return ("This is early stopping: after that epoch, training only fit the training points "
                "more closely while the network got worse on points it never saw.")
    if s.cause == "stuck":
        return ("The network does worse than always guessing the same output and has stopped "
                "improving: its output is probably saturated, which steps too large for the "
                f"learning rate ({lr:g}) usually cause.")
    if lr >= 0.1 or opt == "sgd":
        return (f"The learning rate ({lr:g}) is probably too high: each step overshoots the "
                "bottom of the loss and the next one overshoots further.")
    return (f"The likely cause is the learning rate ({lr:g}) with the {opt} optimizer: its steps "
            "grew out of control; a lower learning rate or a smaller network usually helps.")


def divergence_message(t: Trainer) -> str:
    """One paragraph for the page on a stopped run: when the stop was detected, its likely
    cause and which weights were kept. "" if the run has not stopped."""
    s = t.stop
    if s is None:
        return ""
    if s.cause == "empty":
        return f"Training waits: {s.reason}. {_cause_text(t, s)}"
    before = s.at_epoch == s.kept_epoch
    head = (f"Training cannot start: {s.reason}." if before and s.cause == "data"
            else f"Training stopped at epoch {s.at_epoch:,}: {s.reason}.")
    if before:
        kept = f"Nothing was trained: the weights of epoch {s.kept_epoch:,} are kept."
    elif s.cause == "edited_weight":
        kept = f"The weights from before the edit (epoch {s.kept_epoch:,}) are kept."
    elif s.cause == "stuck":
        kept = f"The weights of epoch {s.kept_epoch:,}, the best of this run, are kept."
    elif s.cause == "early_stop":
        return f"{head} {_cause_text(t, s)} The weights of epoch {s.kept_epoch:,}, where the test loss was lowest, are back."
    else:
        kept = f"The weights of epoch {s.kept_epoch:,}, the last good ones, are kept."
    return f"{head} {_cause_text(t, s)} {kept} Nothing broken is drawn."


def guessing_message(t: Trainer) -> str:
    """A plain-words note for a run flagged `no_better_than_guessing`, else ""."""
    if not t.no_better_than_guessing:
        return ""
    lr = t.cfg.lr
    hint = (f"The learning rate ({lr:g}) is probably too high: steps this large keep knocking the "
            "network back to a flat output. Try a lower one, or press Reset."
            if lr >= 0.3 else
            "The network may be too small for this data, or its neurons dead or saturated: try "
            "more neurons, other features or another activation, or press Reset.")
    loss = t.history.train_loss[-1]
    return (f"For the last {GUESS_EPOCHS} epochs the training loss ({loss:.4g}) has been "
            f"no better than always guessing the same output ({t.baseline:.4g}), and it "
            f"is not improving: the network is not learning. {hint}")
