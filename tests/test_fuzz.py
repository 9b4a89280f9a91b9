"""Property tests over what users send: links, CLI arguments, model files.

CI runs a short profile; `python benchmarks/fuzz.py` runs 10,000 examples of each.
"""
import json
import os

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground.core import config as C
from playground.cli import main
from playground.core.config import parse_query
from playground.io.model_file import MAX_PARAMS, ModelError, load_model, model_dict
from playground.core.train import Trainer

N = int(os.environ.get("PLAYGROUND_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=N, deadline=None, suppress_health_check=list(HealthCheck))

keys = st.sampled_from(sorted(C.PARSERS) + ["networkShape", "learningRate", "x", "seed", "bogus"])
values = st.one_of(st.text(max_size=30), st.integers().map(str), st.floats().map(repr),
                   st.lists(st.integers(-3, 40), max_size=10).map(lambda v: ",".join(map(str, v))))
queries = st.lists(st.tuples(keys, values), max_size=8).map(
    lambda kv: "&".join(f"{k}={v}" for k, v in kv))


def in_bounds(cfg):
    assert C.MIN_POINTS <= cfg.points <= C.MAX_POINTS and 0 <= cfg.noise <= 50
    assert 0 <= len(cfg.layers) <= C.MAX_LAYERS and all(1 <= n <= C.MAX_NEURONS for n in cfg.layers)
    assert C.LR_BOUNDS[0] <= cfg.lr <= C.LR_BOUNDS[1] and 0 <= cfg.reg_rate <= 10
    assert 1 <= cfg.batch <= cfg.points and 10 <= cfg.train <= 90 and 0 <= cfg.seed <= C.MAX_SEED
    assert 1 <= len(cfg.features) <= 7 and len(cfg.activation) in (1, len(cfg.layers))


@FUZZ
@given(st.one_of(queries, queries.map(lambda q: "https://playground.tensorflow.org/#" + q), st.text()))
def test_links_never_raise_and_stay_in_bounds(q):
    cfg, notes = parse_query(q)
    in_bounds(cfg)
    assert all(isinstance(n, str) and "<" not in n for n in notes)


@FUZZ
@given(queries, st.sampled_from(["0", "1", "2", "-1", "x", "1e9", ""]),
       st.lists(st.sampled_from(["--json", "--init", "--data", "--save", "--bogus", "/nonexistent"]), max_size=3))
def test_cli_never_raises(capsys, q, epochs, extra):
    code = main(["train", q, "--epochs", epochs, *extra])
    out, err = capsys.readouterr()
    assert code in (0, 2)
    if code == 2:
        assert err.startswith("error: ") and err.count("\n") == 1


_valid = model_dict(Trainer(parse_query("layers=3,2")[0]))
json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                      st.text(max_size=10))
json_any = st.recursive(json_leaf, lambda kids: st.one_of(st.lists(kids, max_size=4),
                                                          st.dictionaries(st.text(max_size=5), kids, max_size=4)),
                        max_leaves=20)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


PATHS = list(_paths(_valid))[1:]


@st.composite
def mutated_models(draw):
    d = json.loads(json.dumps(_valid))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        node = d
        try:
            for k in path[:-1]:
                node = node[k]
            node[path[-1]] = draw(json_any)
        except (KeyError, IndexError, TypeError):
            pass
    return json.dumps(d, allow_nan=True)


@FUZZ
@given(st.one_of(mutated_models(), json_any.map(lambda v: json.dumps(v, allow_nan=True)), st.binary(max_size=200)))
def test_model_files_never_crash(text):
    try:
        m = load_model(text)
    except ModelError as e:
        assert str(e) and "\n" not in str(e)
        return
    total = sum(w.size + b.size for w, b in m.layers)
    assert total <= MAX_PARAMS and all(np.isfinite(w).all() and np.isfinite(b).all() for w, b in m.layers)
    t = Trainer(m.config)
    try:
        t.load_model(m)
    except ModelError:
        return
    t.train(1)
    assert np.isfinite(t.net.theta).all()


# ---- issue 9: nothing a visitor sends can make a parser raise; widget values are checked --------
import dataclasses  # noqa: E402

from playground.core.datasets import DataError
from playground.io.data_csv import read_csv  # noqa: E402

big_ints = st.one_of(st.integers(), st.integers(300, 6000).map(lambda n: 10 ** n),
                     st.integers(300, 6000).map(lambda n: -(10 ** n)))
numbers_text = st.one_of(st.integers().map(str), st.integers(300, 6000).map(lambda n: "9" * n),
                         st.integers(300, 6000).map(lambda n: "-1" + "0" * n), st.floats().map(repr),
                         st.sampled_from(["1e308", "-1e308", "1e400", "nan", "-0"]))
tfp_keys = st.sampled_from(["seed", "learningRate", "networkShape", "batchSize", "noise", "dataset",
                            "learningRate_hide", "dataset_hide", "problem", "regDataset", "x"])


@FUZZ
@given(st.one_of(st.text(), st.binary(),
                 st.lists(st.tuples(tfp_keys, numbers_text), max_size=6).map(
                     lambda kv: "https://playground.tensorflow.org/#" + "&".join(f"{k}={v}" for k, v in kv)),
                 st.dictionaries(keys, st.one_of(st.text(max_size=20), big_ints, st.floats()), max_size=6)))
def test_parse_query_takes_any_text_or_bytes(q):
    cfg, notes = parse_query(q)
    in_bounds(cfg)
    assert all(isinstance(n, str) and "\n" not in n for n in notes)
    assert C.looks_like_link(q) in (True, False)


def _model_text(number, where):
    d = json.loads(json.dumps(_valid))
    target = {"weight": d["layers"][0]["W"][0], "bias": d["layers"][0]["b"]}.get(where)
    if target is not None:
        target[0] = "N"
    else:
        d[where] = "N"
    return json.dumps(d).replace('"N"', number)


@FUZZ
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300),
                 st.builds(_model_text, numbers_text,
                           st.sampled_from(["weight", "bias", "epoch", "version"]))))
def test_load_model_raises_only_modelerror(data):
    try:
        load_model(data)
    except ModelError as e:
        assert str(e) and "\n" not in str(e)


csv_cells = st.one_of(numbers_text, st.text(max_size=12), st.sampled_from(["train", "test", "", '"', "x1"]))
csv_texts = st.lists(st.lists(csv_cells, min_size=1, max_size=5), max_size=30).map(
    lambda rows: "x1,x2,label,split\n" + "\n".join(",".join(r) for r in rows))


@FUZZ
@given(st.one_of(st.text(max_size=400), st.binary(max_size=400), csv_texts, csv_texts.map(str.encode)),
       st.sampled_from([None, "classification", "regression"]))
def test_read_csv_raises_only_dataerror(data, problem):
    try:
        ds = read_csv(data, problem=problem)
    except DataError as e:
        assert str(e) and "\n" not in str(e)
        return
    for a in (ds.X_train, ds.X_test, ds.y_train, ds.y_test):
        assert np.isfinite(a).all() and (np.abs(a) <= 1e6).all()


FIELDS = sorted(C.PARSERS)
widget_values = st.recursive(
    st.one_of(st.none(), st.booleans(), big_ints, st.floats(), st.text(max_size=20),
              st.sampled_from([n for names in (C.DATASET_NAMES, C.FEATURE_NAMES, C.ACTIVATION_NAMES,
                                               C.OPTIMIZER_NAMES, C.HIDEABLE, C.COST_NAMES) for n in names]),
              st.integers(-2, 2100), st.floats(-1, 11)),
    lambda kids: st.one_of(st.lists(kids, max_size=9), st.lists(kids, max_size=9).map(tuple),
                           st.dictionaries(st.text(max_size=3), kids, max_size=2)),
    max_leaves=12)


@FUZZ
@given(st.one_of(st.sampled_from(FIELDS), st.text(max_size=10)), widget_values)
def test_check_value_never_raises_and_accepts_only_round_trippable_values(field, value):
    result = C.check_value(field, value)
    assert isinstance(result, tuple) and len(result) == 2 and result[0] in (True, False)
    ok, canon = result
    if not ok:
        assert canon is None
        return
    assert type(canon) is type(getattr(C.DEFAULT, field))
    cfg, _ = C.validate(dataclasses.replace(C.DEFAULT, **{field: canon}))
    in_bounds(cfg)
    back, notes = parse_query(C.to_query(cfg))
    assert notes == [] and back == cfg
    assert C.check_value(field, list(canon) if isinstance(canon, tuple) else canon) == (True, canon)
