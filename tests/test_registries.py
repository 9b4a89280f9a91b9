"""Every name a user can pick (the name lists of core/config.py, which the share link, the
widgets and the CLI accept) has an implementation in its registry (a dict name → function),
and every registry entry can be picked or is marked internal here; then each name really
trains, so an entry that is listed but broken, or wired to nothing, fails by name.

Before these tests only activations, costs and initializers were compared: "lion" added to
OPTIMIZER_NAMES passed every test, then raised KeyError in the first epoch.
"""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from playground.core import config as C
from playground.core.activations import ACTIVATIONS, OUTPUTS
from playground.core.costs import COSTS, head_for
from playground.core.datasets import DATASET_CLASSES, DATASET_KIND, DATASETS, FEATURE_LABELS, FEATURES
from playground.core.engine import INITIALIZERS
from playground.core.optim import DENOMINATORS, OPTIMIZERS, PENALTIES, SCHEDULES, sgd
from playground.core.train import Trainer
from playground.lab import sweep

# kind → (the config list a user picks from, the table that must hold each name, and where)
KINDS = {
    "activation": "ACTIVATION_NAMES", "cost": "COST_NAMES", "optimizer": "OPTIMIZER_NAMES",
    "schedule": "SCHEDULE_NAMES", "penalty": "REG_NAMES", "init": "INIT_NAMES",
    "dataset": "DATASET_NAMES", "feature": "FEATURE_NAMES",
}


def tables() -> list[tuple[str, str, dict]]:
    """(kind, table name, table): the registries, then the tables beside them that every
    pickable name needs an entry in (a missing one falls back silently or breaks a page)."""
    from playground.ui.controls import NAMES as UI_LABELS

    return [
        ("activation", "activations.ACTIVATIONS", ACTIVATIONS),
        ("cost", "costs.COSTS", COSTS),
        ("optimizer", "optim.OPTIMIZERS", OPTIMIZERS),
        ("schedule", "optim.SCHEDULES", SCHEDULES),
        ("penalty", "optim.PENALTIES", PENALTIES),
        ("init", "engine.INITIALIZERS", INITIALIZERS),
        ("dataset", "datasets.DATASETS", DATASETS),
        ("feature", "datasets.FEATURES", FEATURES),
        # beside them
        ("dataset", "datasets.DATASET_KIND", DATASET_KIND),
        ("dataset", "datasets.DATASET_CLASSES", DATASET_CLASSES),
        ("feature", "datasets.FEATURE_LABELS", FEATURE_LABELS),
        ("activation", "sweep.ACTIVATION_COST", sweep.ACTIVATION_COST),  # the CPU estimate
        ("optimizer", "sweep.OPTIMIZER_COST", sweep.OPTIMIZER_COST),
        *[(kind, "ui.controls.NAMES", UI_LABELS)  # the page's labels
          for kind in ("activation", "cost", "optimizer", "schedule", "penalty", "init")],
    ]


# Registries (and entries) no user picks by name. OUTPUTS: output units, chosen by
# costs.head_for from the problem and the cost. DENOMINATORS: the adaptive optimizers' own
# step scale (optim.l1_threshold), a subset of the optimizers.
INTERNAL = {"activations.OUTPUTS": set(OUTPUTS), "optim.DENOMINATORS": set(DENOMINATORS)}
PARTIAL = {"ui.controls.NAMES"}  # one table for several kinds: extra keys are other kinds'


def names(kind: str) -> tuple[str, ...]:
    return getattr(C, KINDS[kind])


def registry_problems() -> list[str]:
    """Every mismatch between what can be picked and what is implemented, one line each."""
    out = []
    for kind, where, table in tables():
        listed = KINDS[kind]
        out += [f"{kind} '{n}' can be picked (config.{listed}) but {where} has no entry"
                for n in names(kind) if n not in table]
        if where not in PARTIAL:
            out += [f"{where} has '{k}', which config.{listed} does not offer and which is not "
                    f"marked internal" for k in table if k not in names(kind)]
    out += [f"optim.DENOMINATORS has '{k}', which is not an optimizer" for k in DENOMINATORS
            if k not in C.OPTIMIZER_NAMES]
    # the lists that split a kind between problems
    if set(C.CLASSIFICATION_COSTS) | set(C.REGRESSION_COSTS) != set(C.COST_NAMES):
        out.append("config.COST_NAMES is not CLASSIFICATION_COSTS and REGRESSION_COSTS together")
    regression = {n for n in C.DATASET_NAMES if DATASET_KIND.get(n) == "regression"}
    if set(C.REGRESSION_DATASETS) != regression:
        out.append(f"config.REGRESSION_DATASETS is not the regression datasets {sorted(regression)}")
    multi = {n for n in C.DATASET_NAMES if DATASET_CLASSES.get(n, (0, 0))[1] > 2}
    if set(C.MULTICLASS_DATASETS) != multi:
        out.append(f"config.MULTICLASS_DATASETS is not the datasets with more classes {sorted(multi)}")
    for problem, costs, classes in (("classification", C.CLASSIFICATION_COSTS, (2, 3)),
                                    ("regression", C.REGRESSION_COSTS, (0,))):
        for cost, k in itertools.product(costs, classes):
            try:
                output = head_for(problem, cost, k).output
            except KeyError:
                out.append(f"cost '{cost}' has no output head for {problem} with {k} classes")
                continue
            if output not in INTERNAL["activations.OUTPUTS"]:
                out.append(f"cost '{cost}' needs output unit '{output}', which OUTPUTS lacks")
    return out


def test_every_pickable_name_has_an_implementation_and_every_entry_can_be_picked():
    assert registry_problems() == []


def test_the_check_reports_an_unimplemented_name(monkeypatch):
    """The issue's case: "lion" offered to users with no optimizer behind it."""
    before = registry_problems()
    monkeypatch.setattr(C, "OPTIMIZER_NAMES", (*C.OPTIMIZER_NAMES, "lion"))
    assert [p for p in registry_problems() if p not in before] == [
        "optimizer 'lion' can be picked (config.OPTIMIZER_NAMES) but optim.OPTIMIZERS has no entry",
        "optimizer 'lion' can be picked (config.OPTIMIZER_NAMES) but sweep.OPTIMIZER_COST has no entry",
        "optimizer 'lion' can be picked (config.OPTIMIZER_NAMES) but ui.controls.NAMES has no entry",
    ]
    with pytest.raises(KeyError, match="lion"):  # and the per-name training test fails too
        train("optimizer", "lion")


def test_the_check_reports_an_entry_nobody_can_pick(monkeypatch):
    before = registry_problems()
    monkeypatch.setitem(OPTIMIZERS, "lion", sgd)
    monkeypatch.setitem(PENALTIES, "elastic", PENALTIES["l2"])
    assert [p for p in registry_problems() if p not in before] == [
        "optim.OPTIMIZERS has 'lion', which config.OPTIMIZER_NAMES does not offer and which is "
        "not marked internal",
        "optim.PENALTIES has 'elastic', which config.REG_NAMES does not offer and which is not "
        "marked internal",
    ]


# ---------------------------------------------------------------- every name trains
EPOCHS = 2  # the second epoch is the first a schedule changes the rate in
SMALL = C.Config(points=60, layers=(3,), batch=10, lr=0.03)


def configs(kind: str, name: str) -> list[C.Config]:
    """The settings that train with `name` (a cost: on every problem it is offered for)."""
    if kind == "cost":
        out = []
        if name in C.CLASSIFICATION_COSTS:
            out += [SMALL.replace(cost=name), SMALL.replace(cost=name, dataset="spiral", classes=3)]
        if name in C.REGRESSION_COSTS:
            out.append(SMALL.replace(cost=name, dataset="reg-plane"))
        return out
    field = {"penalty": "reg", "activation": "activation", "feature": "features"}.get(kind, kind)
    value = (name,) if kind in ("activation", "feature") else name
    extra = dict(reg_rate=0.1) if kind == "penalty" else {}
    if kind == "dataset" and name in C.MULTICLASS_DATASETS:
        extra = dict(classes=3)
    return [SMALL.replace(**{field: value}, **extra)]


def train(kind: str, name: str) -> list[Trainer]:
    out = []
    for cfg in configs(kind, name):
        t = Trainer(cfg)
        start = t.net.theta.copy()
        assert t.train(EPOCHS) == EPOCHS and t.stop is None, (kind, name, t.diverged)
        assert all(math.isfinite(v) for v in t.history.train_loss + t.history.test_loss)
        assert not np.array_equal(t.net.theta, start), f"{kind} '{name}': training changed nothing"
        out.append(t)
    assert out, f"{kind} '{name}' fits no problem"
    return out


ALL = [(kind, name) for kind in KINDS for name in names(kind)]


@pytest.mark.parametrize("kind, name", ALL, ids=[f"{k}-{n}" for k, n in ALL])
def test_every_name_trains(kind, name):
    trained = train(kind, name)
    if kind == "penalty" and name != "none":  # a penalty the trainer ignores fails here
        plain = Trainer(configs(kind, "none")[0])
        plain.train(EPOCHS)
        assert not np.array_equal(trained[0].net.theta, plain.net.theta), f"penalty '{name}' did nothing"
    if kind == "dataset":
        t = trained[0]
        assert t.problem == DATASET_KIND[name] and t.data.n_classes == t.cfg.n_classes


@pytest.mark.parametrize("kind", list(KINDS))
def test_names_of_a_kind_train_differently(kind):
    """Two names wired to one implementation (a copy-pasted entry) give the same run."""
    runs = {name: [t.net.theta for t in train(kind, name)] for name in names(kind)}
    for a, b in itertools.combinations(runs, 2):
        same = [np.array_equal(x, y) for x, y in zip(runs[a], runs[b]) if x.shape == y.shape]
        assert not (same and all(same)), f"{kind} names '{a}' and '{b}' train identically"
