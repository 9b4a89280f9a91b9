"""A trained model as a value: its settings, epoch, layers and activations (what a model
file holds, once `io.model_file` has read and checked it), and the check that it fits a
network."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import Config, safe_echo


class ModelError(ValueError):
    """A model file that cannot be used; the message says why in one sentence."""


@dataclass(frozen=True)
class Model:
    """What a model file holds, read and checked (`io.model_file.load_model`); a Trainer of
    the same config continues from it (`Trainer.load_model`, which calls `check_fits`)."""
    config: Config
    epoch: int
    inputs: tuple[str, ...]
    layers: list[tuple[np.ndarray, np.ndarray]]   # (W fan_in × fan_out, b)
    activations: tuple[str, ...]                  # one per layer, output last
    notes: tuple[str, ...] = ()                   # settings of the embedded link that were reset


def check_fits(model: Model, net) -> None:
    """Raise ModelError unless the model's layers have exactly the network's shapes."""
    want = [(W.shape[1] - 1, W.shape[0]) for W in net.W]
    got = [w.shape for w, _ in model.layers]
    if want != got:
        raise ModelError(f"the model's layer shapes {_shapes(got)} do not match this network's "
                         f"{_shapes(want)}")
    if list(model.activations) != net.act_names:
        raise ModelError(f"the model's activations {', '.join(safe_echo(a, 20) for a in model.activations)} "
                         f"do not match this network's {', '.join(net.act_names)}")


def _shapes(shapes) -> str:
    return ", ".join(f"{r}×{c}" for r, c in shapes)
