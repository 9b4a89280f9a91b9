"""The share link: round trips, bounds, bad values, TensorFlow Playground links."""
import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from playground import config as C
from playground.config import DEFAULT, Config, parse_query, to_params, to_query


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
