"""The share link: round trips, bounds, bad values, TensorFlow Playground links."""
import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from playground.core import config as C
from urllib.parse import quote

from playground.core.config import DEFAULT, Config, parse_query, to_params, to_query


def test_defaults_are_tfp_and_write_nothing():
    assert to_query(DEFAULT) == ""
    assert (DEFAULT.dataset, DEFAULT.layers, DEFAULT.activation, DEFAULT.lr, DEFAULT.batch,
            DEFAULT.train, DEFAULT.noise, DEFAULT.features, DEFAULT.cost, DEFAULT.optimizer,
            DEFAULT.init) == ("circle", (4, 2), ("tanh",), 0.03, 10, 50, 0, ("x1", "x2"),
                              "squared", "sgd", "tfp")


def test_only_non_defaults_written():
    cfg = DEFAULT.replace(lr=0.1, layers=(8, 8, 8))
    assert to_query(cfg) == "layers=8,8,8&lr=0.1"
    assert to_params(cfg) == {"layers": "8,8,8", "lr": "0.1"}


def test_bad_values_fall_back_and_are_named():
    cfg, notes = parse_query("noise=999&lr=abc&layers=4,99&points=nan&seed=1e12&dataset=<script>"
                             "&bogus=1&activation=__import__('os')")
    assert cfg == DEFAULT
    named = {n.split(":")[0] for n in notes}
    assert named == {"noise", "lr", "layers", "points", "seed", "dataset", "activation"}
    assert all("default" in n for n in notes)


def test_repeated_key_keeps_first_and_says_so():
    cfg, notes = parse_query("lr=0.1&lr=0.3")
    assert cfg.lr == 0.1 and any(n.startswith("lr:") for n in notes)


def test_huge_value_rejected_quickly():
    cfg, notes = parse_query("layers=" + "8," * 5000)
    assert cfg.layers == DEFAULT.layers and notes


def test_cost_must_fit_problem():
    cfg, notes = parse_query("dataset=reg-plane&cost=cross_entropy")
    assert cfg.cost == "squared" and any(n.startswith("cost") for n in notes)
    cfg, notes = parse_query("dataset=reg-plane&cost=huber")
    assert cfg.cost == "huber" and not notes


def test_per_layer_activations():
    cfg, notes = parse_query("layers=4,4,2&activation=relu,tanh,sigmoid")
    assert cfg.layer_activations() == ("relu", "tanh", "sigmoid") and not notes
    cfg, notes = parse_query("layers=4,4,2&activation=relu,tanh")
    assert cfg.layer_activations() == ("relu",) * 3 and notes


def test_full_url_and_leading_question_mark():
    for text in ("https://example.org/app?dataset=xor&lr=0.3", "?dataset=xor&lr=0.3", "dataset=xor&lr=0.3"):
        cfg, notes = parse_query(text)
        assert (cfg.dataset, cfg.lr, notes) == ("xor", 0.3, [])


TFP = ("https://playground.tensorflow.org/#activation={act}&batchSize=17&dataset={ds}"
       "&regDataset=reg-gauss&learningRate=0.3&regularizationRate=0.001&noise=25&networkShape=6,3,2"
       "&seed=0.73511&showTestData=true&discretize=true&percTrainData=70&x=true&y=false"
       "&xTimesY=true&xSquared=false&ySquared=true&cosX=false&sinX=true&cosY=false&sinY=false"
       "&collectStats=false&problem={problem}&initZero={iz}&hideText=false&regularization={reg}")


def test_tfp_link_maps_every_meaningful_key():
    cfg, notes = parse_query(TFP.format(act="relu", ds="spiral", problem="classification",
                                        iz="false", reg="L2"))
    assert notes == []
    assert cfg.activation == ("relu",) and cfg.batch == 17 and cfg.dataset == "spiral"
    assert cfg.lr == 0.3 and cfg.reg == "l2" and cfg.reg_rate == 0.001 and cfg.noise == 25
    assert cfg.layers == (6, 3, 2) and cfg.show_test and cfg.discretize and cfg.train == 70
    assert set(cfg.features) == {"x1", "x1x2", "x2sq", "sinx1"}
    assert cfg.seed == 735110 and cfg.init == "tfp"


def test_tfp_regression_and_zero_init_and_hash_only():
    cfg, _ = parse_query(TFP.format(act="sigmoid", ds="circle", problem="regression", iz="true",
                                    reg="none"))
    assert cfg.dataset == "reg-gauss" and cfg.problem == "regression" and cfg.init == "zeros"
    cfg, _ = parse_query("#activation=linear&dataset=xor&networkShape=&learningRate=3")
    assert cfg.dataset == "xor" and cfg.layers == () and cfg.activation == ("linear",) and cfg.lr == 3


def test_tfp_link_with_bad_values_names_them():
    cfg, notes = parse_query("#learningRate=banana&networkShape=4,2,99&dataset=xor")
    assert cfg.dataset == "xor" and cfg.lr == DEFAULT.lr and cfg.layers == DEFAULT.layers
    assert {n.split(":")[0] for n in notes} == {"lr", "layers"}


def _values(name):
    f = {f.name: f for f in dataclasses.fields(Config)}[name]
    return {
        "dataset": st.sampled_from(C.DATASET_NAMES), "classes": st.integers(2, 5),
        "points": st.integers(C.MIN_POINTS, C.MAX_POINTS), "noise": st.integers(0, 50),
        "label_noise": st.integers(0, 50), "train": st.integers(10, 90),
        "seed": st.integers(0, C.MAX_SEED),
        "features": st.lists(st.sampled_from(C.FEATURE_NAMES), min_size=1, max_size=7, unique=True).map(tuple),
        "layers": st.lists(st.integers(1, C.MAX_NEURONS), max_size=C.MAX_LAYERS).map(tuple),
        "activation": st.sampled_from(C.ACTIVATION_NAMES).map(lambda a: (a,)),
        "residual": st.booleans(), "cost": st.sampled_from(["squared"]),
        "optimizer": st.sampled_from(C.OPTIMIZER_NAMES),
        "lr": st.floats(1e-5, 10.0), "schedule": st.sampled_from(C.SCHEDULE_NAMES),
        "batch": st.integers(1, 50), "reg": st.sampled_from(C.REG_NAMES),
        "reg_rate": st.floats(0.0, 10.0), "init": st.sampled_from(C.INIT_NAMES),
        "show_test": st.booleans(), "discretize": st.booleans(),
        "hide": st.lists(st.sampled_from(C.HIDEABLE), max_size=3, unique=True).map(tuple),
        "tab": st.sampled_from(C.TAB_NAMES),
        "lab_depths": st.lists(st.integers(0, 32), min_size=1, max_size=8, unique=True).map(tuple),
        "lab_width": st.integers(1, 32), "lab_seeds": st.integers(1, 10),
        "lab_epochs": st.integers(1, 5000),
    }.get(name, st.just(f.default))


configs = st.builds(Config, **{f.name: _values(f.name) for f in dataclasses.fields(Config)})


@settings(max_examples=300, deadline=None)
@given(configs)
def test_random_valid_configs_round_trip(cfg):
    cfg, _ = C.validate(cfg)
    back, notes = parse_query(to_query(cfg))
    assert notes == [] and back == cfg


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=300))
def test_garbage_never_raises_and_stays_in_bounds(text):
    cfg, notes = parse_query(text)
    assert isinstance(cfg, Config) and isinstance(notes, list)
    assert C.MIN_POINTS <= cfg.points <= C.MAX_POINTS and len(cfg.layers) <= C.MAX_LAYERS
    assert all(1 <= n <= C.MAX_NEURONS for n in cfg.layers) and C.LR_BOUNDS[0] <= cfg.lr <= C.LR_BOUNDS[1]


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(C.PARSERS)), st.text(max_size=40), max_size=8))
def test_garbage_values_for_real_keys(d):
    cfg, notes = parse_query(d)
    back, _ = parse_query(to_query(cfg))
    assert back == cfg


# ---- issue 9: parsing cannot raise, safe echoes, hide, TFP hide keys, natural notices -----------
import pytest

HOSTILE = "[fix](http://x.io) <b>x</b> *a* _b_ `c` !d #e |f| ~g~ \\h 'i' \"j\" www.x.io :smile: $x$ &amp;"
MARKUP = set("[]()<>*_`!#|~\\'\"$&")


def _id(v):
    """A short test id (str() of a 5,000-digit int raises)."""
    if isinstance(v, str) and len(v) > 30:
        return "long-str"
    return type(v).__name__ if isinstance(v, (int, dict)) and not isinstance(v, bool) else None


def test_safe_echo_leaves_nothing_markdown_or_html_can_act_on():
    out = C.safe_echo(HOSTILE, limit=1000)
    assert not MARKUP & set(out), out
    assert "http:" not in out and "www." not in out.lower() and ":smile:" not in out
    assert C.safe_echo("0.5") == "0.5" and C.safe_echo("leaky relu") == "leaky relu"
    assert C.safe_echo("x" * 100) == "x" * 37 + "..."
    assert C.safe_echo(None) == "None" and C.safe_echo(10**5000)  # anything, never raises


@pytest.mark.parametrize("link", [
    "https://playground.tensorflow.org/#seed=1e308&dataset=xor",
    "#seed=1e308&networkShape=4",
    "https://playground.tensorflow.org/#seed=-1.8e302",
    "#seed=1e308&learningRate_hide=true",
])
def test_tfp_huge_seed_is_named_not_raised(link):
    cfg, notes = parse_query(link)
    assert cfg.seed == DEFAULT.seed
    assert [n.split(":")[0] for n in notes] == ["seed"]


def test_tfp_ordinary_seeds_still_map():
    assert parse_query("#seed=0.73511&networkShape=4")[0].seed == 735110
    assert parse_query("#seed=1e290&networkShape=4")[0].seed == int(1e296) % (C.MAX_SEED + 1)


@pytest.mark.parametrize("text", [b"lr=0.1&\xff\xfe", bytearray(b"lr=0.1"), 12, 1e308, ["lr=0.1"],
                                  {"lr": 10**5000}, {"seed": object()}, "&" * 10_000, "a=" * 300], ids=_id)
def test_parse_query_takes_anything(text):
    cfg, notes = parse_query(text)
    assert isinstance(cfg, Config) and all(isinstance(n, str) for n in notes)


def test_notices_never_repeat_markup():
    query = "&".join(f"{k}={quote(HOSTILE)}" for k in ("dataset", "lr", "layers", "hide", "points"))
    cfg, notes = parse_query(query)
    assert cfg == DEFAULT and len(notes) == 5
    for n in notes:
        echo = n.split("'")[1]
        assert echo and not MARKUP & set(echo) and "http:" not in echo and "www." not in echo, n


def test_hide_keeps_valid_names_and_names_the_bad_one():
    cfg, notes = parse_query("hide=bogus,lr")
    assert cfg.hide == ("lr",)
    assert len(notes) == 1 and notes[0].startswith("hide:") and "bogus" in notes[0]
    cfg, notes = parse_query("hide=lr,Data,lr,,x<y")
    assert cfg.hide == ("lr", "data") and len(notes) == 1 and "x?y" in notes[0]
    assert parse_query(to_query(cfg))[0].hide == ("lr", "data")
    assert parse_query("hide=lr,data") == (DEFAULT.replace(hide=("lr", "data")), [])


def test_tfp_hide_keys_map_to_hide_names():
    cfg, notes = parse_query("https://playground.tensorflow.org/#activation=relu&learningRate_hide=true"
                             "&dataset_hide=true&networkShape=4&numHiddenLayers_hide=true"
                             "&regularizationRate_hide=true&noise_hide=false&batchSize_hide=true"
                             "&playButton_hide=true&showTestData_hide=true")
    assert notes == []
    assert set(cfg.hide) == {"lr", "data", "network", "reg", "batch"}
    assert set(cfg.hide) <= set(C.HIDEABLE)
    assert cfg.activation == ("relu",) and cfg.layers == (4,)
    # a hash holding only hide keys is still read as TensorFlow Playground's
    assert parse_query("#noise_hide=true&problem_hide=true")[0].hide == ("data", "noise")


def test_notices_read_naturally():
    _, notes = parse_query("layers=99,99&points=99,99&lr=fast&optimizer=bogus&residual=maybe"
                           "&features=x1,x1&lab_depths=40")
    by = {n.split(":")[0]: n for n in notes}
    assert by["layers"] == "layers: '99,99' — each layer needs 1 to 32 neurons; using the default"
    assert by["points"] == "points: '99,99' is not a whole number from 50 to 2000; using the default"
    assert by["lr"] == "lr: 'fast' is not a number from 0.00001 to 10; using the default"
    assert by["optimizer"].startswith("optimizer: 'bogus' is not one of sgd, momentum")
    assert by["residual"].startswith("residual: 'maybe' is not")
    assert by["features"].startswith("features: 'x1,x1' — ")
    assert by["lab_depths"].startswith("lab_depths: '40' — each depth")
    assert not any("' must be" in n for n in notes)  # not "'99,99' must be a whole number"
    _, notes = parse_query("layers=" + ",".join(["4"] * 9))
    assert "at most 8 hidden layers" in notes[0]


@pytest.mark.parametrize("text", [
    "https://example.org/app", "http://localhost:8501/?lr=0.1", "https://example.org/?dataset=xor#x",
    "dataset=xor&lr=0.3", "?lr=0.1", "layers=", "#activation=relu&dataset=spiral",
    "learningRate=0.1", "networkShape=4,2&bogus=1", "localhost:8501/?layers=4", "  lr=0.1  ",
    "#learningRate_hide=true",
])
def test_looks_like_link_accepts_links(text):
    assert C.looks_like_link(text)


@pytest.mark.parametrize("text", [
    "", "   ", "hello world", "lr", "Check out https://x.io please", "bogus=1&foo=2",
    "The learning rate 0.1", "javascript:alert(1)", "ftp://x.io/?lr=0.1", "= =", None, 12, b"lr=0.1",
])
def test_looks_like_link_refuses_text(text):
    assert not C.looks_like_link(text)


def test_links_parse_as_they_look():
    cfg, notes = parse_query("localhost:8501/?layers=4&lr=0.1")
    assert (cfg.layers, cfg.lr, notes) == ((4,), 0.1, [])


# ---- check_value: one widget value against its field's type and bounds ------------------------
@pytest.mark.parametrize("field, value, canonical", [
    ("optimizer", "adam", "adam"), ("points", 2000, 2000), ("points", 500.0, 500), ("lr", 0.1, 0.1),
    ("lr", 1, 1.0), ("reg_rate", -0.0, 0.0), ("residual", True, True), ("layers", [4, 2], (4, 2)),
    ("layers", (), ()), ("features", ["x1", "x2sq"], ("x1", "x2sq")), ("activation", "relu", ("relu",)),
    ("activation", ["relu", "tanh"], ("relu", "tanh")), ("hide", ["lr"], ("lr",)), ("seed", C.MAX_SEED, C.MAX_SEED),
    ("tab", "lab", "lab"), ("lab_depths", [0, 32], (0, 32)),
])
def test_check_value_accepts(field, value, canonical):
    ok, v = C.check_value(field, value)
    assert ok and v == canonical and type(v) is type(canonical)


@pytest.mark.parametrize("field, value", [
    ("optimizer", "bogus"), ("optimizer", ["adam"]), ("points", 10**9), ("points", 49), ("points", "500"),
    ("points", True), ("points", 10**5000), ("points", 500.5), ("lr", float("nan")), ("lr", float("inf")),
    ("lr", 11), ("lr", "0.1"), ("lr", 10**400), ("residual", 1), ("residual", "true"), ("layers", [40]),
    ("layers", [4] * 9), ("layers", "4,2"), ("layers", [4.5]), ("layers", [True]), ("features", []),
    ("features", ["x1", "x1"]), ("features", ["x1,x2"]), ("features", "x1"), ("activation", "relu,tanh"),
    ("hide", ["bogus"]), ("dataset", None), ("dataset", "x" * 1000), ("bogus", 1), (None, 1),
    ("dataset", {"a": 1}), ("seed", -1), ("tab", b"lab"),
], ids=_id)
def test_check_value_refuses(field, value):
    assert C.check_value(field, value) == (False, None)


def test_the_batch_cap_is_the_generated_training_set_size():
    """`train_points` (the batch cap) and the generator split the same way, including the
    (points, train) pairs where round(n·t/100) and round(n·(t/100)) differ."""
    from playground.core.config import parse_query, train_points, validate
    from playground.core.rundata import build_dataset
    for points, train in ((50, 10), (90, 35), (85, 70), (2000, 90)):
        cfg = parse_query(f"points={points}&train={train}&batch=2000")[0]
        assert validate(cfg)[0].batch == train_points(cfg) == len(build_dataset(cfg).X_train)
