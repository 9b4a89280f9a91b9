"""Tests for playground.core.datasets: generators, features, make_dataset and the data CSV format."""

import numpy as np
import pytest

from playground.core.datasets import DATASET_CLASSES, DATASET_KIND, DATASETS, DOMAIN, FEATURE_LABELS, FEATURES, MAX_POINTS, DataError, Dataset, feature_matrix, make_dataset
from playground.io.data_csv import dataset_to_csv, read_csv

TFP = ["circle", "xor", "gauss", "spiral", "reg-plane", "reg-gauss"]
BALANCED = ["circle", "gauss", "spiral", "moons", "blobs"]  # balanced at noise 0


def rng(seed=0):
    return np.random.default_rng(seed)


def class_options(name):
    lo, hi = DATASET_CLASSES[name]
    return list(range(lo, hi + 1)) if hi else [0]


ALL = [(name, k) for name in DATASETS for k in class_options(name)]


def test_registry_keys():
    assert list(DATASETS)[:6] == TFP
    assert set(DATASETS) == set(TFP) | {"moons", "blobs", "checkerboard"}
    assert set(DATASET_KIND) == set(DATASETS) == set(DATASET_CLASSES)
    assert {n for n, k in DATASET_KIND.items() if k == "regression"} == {"reg-plane", "reg-gauss"}
    assert DATASET_CLASSES["spiral"] == DATASET_CLASSES["blobs"] == (2, 5)
    assert DATASET_CLASSES["circle"] == (2, 2) and DATASET_CLASSES["reg-gauss"] == (0, 0)
    assert list(FEATURES) == ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"]
    assert list(FEATURE_LABELS) == list(FEATURES)
    assert FEATURE_LABELS["x1sq"] == "x1²" and FEATURE_LABELS["sinx2"] == "sin(x2)"


@pytest.mark.parametrize("name,k", ALL)
@pytest.mark.parametrize("n", [1, 2, 7, 500])
@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_shapes_dtypes_domain(name, k, n, noise):
    X, y = DATASETS[name](n, noise, k, rng())
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,)
    assert np.all(np.isfinite(X)) and np.all(np.isfinite(y))
    assert np.all(np.abs(X) <= DOMAIN)
    if DATASET_KIND[name] == "classification":
        assert y.dtype == np.int64
        assert y.min() >= 0 and y.max() < max(k, 2)
    else:
        assert y.dtype == np.float64


@pytest.mark.parametrize("name,k", [(n, k) for n, k in ALL if n in BALANCED])
@pytest.mark.parametrize("n", [500, 501])
def test_class_balance(name, k, n):
    _, y = DATASETS[name](n, 0.0, k, rng())
    counts = np.bincount(y, minlength=k)
    assert len(counts) == max(k, 2) and counts.max() - counts.min() <= 1


@pytest.mark.parametrize("name,k", [(n, max(k, 2) if DATASET_CLASSES[n][1] else k) for n, k in ALL])
def test_determinism(name, k):
    a = DATASETS[name](300, 0.2, k, rng(1))
    b = DATASETS[name](300, 0.2, k, rng(1))
    c = DATASETS[name](300, 0.2, k, rng(2))
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_generators_use_only_given_rng():
    np.random.seed(0)
    a = DATASETS["gauss"](100, 0.1, 2, rng(3))
    np.random.seed(1)
    b = DATASETS["gauss"](100, 0.1, 2, rng(3))
    assert np.array_equal(a[0], b[0])


def test_circle_noise_zero_labels_by_radius():
    X, y = DATASETS["circle"](1000, 0.0, 2, rng())
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.array_equal(y, (r < 2.5).astype(np.int64))
    assert np.all((r < 2.5) | ((r >= 3.5) & (r <= 5)))


def test_circle_noise_flips_near_boundary_only():
    noise = 0.1  # jitter per coordinate at most 5·0.1, so displacement <= 0.5·√2
    X, y = DATASETS["circle"](2000, noise, 2, rng())
    r = np.hypot(X[:, 0], X[:, 1])
    clean = (r < 2.5).astype(np.int64)
    flipped = y != clean
    assert flipped.sum() > 0
    far = np.abs(r - 2.5) > 5 * noise * np.sqrt(2)
    assert far.sum() > 1000 and not np.any(flipped & far)
    # points stay put: same radial bands as noise 0
    assert np.all((r < 2.5) | ((r >= 3.5) & (r <= 5)))


def test_xor_noise_semantics():
    X, y = DATASETS["xor"](2000, 0.0, 2, rng())
    assert np.all(np.abs(X) >= 0.3) and np.all(np.abs(X) <= 5.3)
    assert np.array_equal(y, (X[:, 0] * X[:, 1] >= 0).astype(np.int64))
    noise = 0.1
    X, y = DATASETS["xor"](2000, noise, 2, rng())
    flipped = y != (X[:, 0] * X[:, 1] >= 0)
    far = np.abs(X).min(axis=1) > 5 * noise
    assert flipped.sum() > 0 and not np.any(flipped & far)


def test_gauss_centres_and_variance_grows():
    X0, y0 = DATASETS["gauss"](4000, 0.0, 2, rng())
    X1, y1 = DATASETS["gauss"](4000, 0.25, 2, rng())
    assert np.allclose(X0[y0 == 1].mean(axis=0), [2, 2], atol=0.1)
    assert np.allclose(X0[y0 == 0].mean(axis=0), [-2, -2], atol=0.1)
    v0 = X0[y0 == 1].var(axis=0)
    v1 = X1[y1 == 1].var(axis=0)
    assert np.allclose(v0, 0.5, rtol=0.15)  # TFP: variance 0.5 at noise 0
    assert np.all(v1 > 3 * v0)  # 0.5 + 7·0.25 = 2.25 before truncation to the domain


def test_spiral_noise_zero_on_arms():
    for k in (2, 3, 5):
        n = 600
        X, y = DATASETS["spiral"](n, 0.0, k, rng())
        for c in range(k):
            m = n // k
            P = X[y == c]
            i = np.arange(m)
            r = i / m * 5
            assert np.allclose(np.sort(np.hypot(P[:, 0], P[:, 1])), r)
            t = 1.75 * i / m * 2 * np.pi + 2 * np.pi * ((c + 1) % k) / k
            assert np.allclose(P, np.column_stack([r * np.sin(t), r * np.cos(t)]))


def test_spiral_two_arms_match_tfp():
    # TFP: genSpiral(0, +1) -> class 1, genSpiral(π, -1) -> class 0
    X, y = DATASETS["spiral"](200, 0.0, 2, rng())
    i = np.arange(100)
    r, t = i / 100 * 5, 1.75 * i / 100 * 2 * np.pi
    assert np.array_equal(X[y == 1], np.column_stack([r * np.sin(t), r * np.cos(t)]))
    assert np.allclose(X[y == 0], np.column_stack([r * np.sin(t + np.pi), r * np.cos(t + np.pi)]))


def test_spiral_noise_bounded():
    X0, y0 = DATASETS["spiral"](400, 0.0, 2, rng(5))
    X1, y1 = DATASETS["spiral"](400, 0.5, 2, rng(5))
    d = np.abs(X1 - X0)
    assert np.array_equal(y0, y1) and d.max() <= 0.5 and d.max() > 0.3


def test_reg_plane_label():
    X, y = DATASETS["reg-plane"](500, 0.0, 0, rng())
    assert np.allclose(y, (X[:, 0] + X[:, 1]) / 10)
    X, y = DATASETS["reg-plane"](500, 0.3, 0, rng())
    assert not np.allclose(y, (X[:, 0] + X[:, 1]) / 10)


def test_reg_gauss_bumps():
    X, y = DATASETS["reg-gauss"](2000, 0.0, 0, rng())
    assert np.all(np.abs(y) <= 1)
    bumps = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]
    for x, yy, s in bumps:
        d = np.hypot(X[:, 0] - x, X[:, 1] - yy)
        near = d < 0.5  # bumps are 2.5+ apart; within 0.5 this bump dominates
        assert near.any() and np.allclose(y[near], s * (1 - d[near] / 2))
    d_all = np.min([np.hypot(X[:, 0] - x, X[:, 1] - yy) for x, yy, _ in bumps], axis=0)
    assert np.all(y[d_all >= 2] == 0)
    # exact values at a few fixed points via the generator's formula on a 1-point sample
    g = np.random.default_rng(0)
    Xs, ys = DATASETS["reg-gauss"](1, 0.0, 0, g)
    d = [np.hypot(Xs[0, 0] - x, Xs[0, 1] - yy) for x, yy, _ in bumps]
    vals = [s * max(0.0, 1 - di / 2) for (_, _, s), di in zip(bumps, d)]
    assert ys[0] == max(vals, key=abs) + 0.0


def test_moons_shape_and_noise():
    X, y = DATASETS["moons"](400, 0.0, 2, rng())
    assert np.isclose(X[:, 0].min(), -5) and np.isclose(X[:, 0].max(), 5)
    outer = X[y == 0] / (10 / 3) + [0.5, 0.25]
    assert np.allclose(np.hypot(outer[:, 0], outer[:, 1]), 1)
    X1, _ = DATASETS["moons"](400, 0.2, 2, rng())
    assert not np.allclose(X, X1)


def test_blobs_centres():
    X, y = DATASETS["blobs"](1000, 0.0, 4, rng())
    for c in range(4):
        a = np.pi / 4 + 2 * np.pi * c / 4
        assert np.allclose(X[y == c].mean(axis=0), [3.5 * np.cos(a), 3.5 * np.sin(a)], atol=0.2)


def test_checkerboard_labels():
    X, y = DATASETS["checkerboard"](2000, 0.0, 2, rng())
    ix, iy = np.floor(X[:, 0] / 3), np.floor(X[:, 1] / 3)
    assert np.array_equal(y, ((ix + iy) % 2 == 0).astype(np.int64))
    assert np.all(y[(X[:, 0] > 0.1) & (X[:, 0] < 2.9) & (X[:, 1] > 0.1) & (X[:, 1] < 2.9)] == 1)
    X, y = DATASETS["checkerboard"](2000, 0.2, 2, rng())
    flipped = y != ((np.floor(X[:, 0] / 3) + np.floor(X[:, 1] / 3)) % 2 == 0)
    assert flipped.any()


@pytest.mark.parametrize("name", ["spiral", "blobs"])
@pytest.mark.parametrize("k", [1, 6])
def test_bad_class_count(name, k):
    with pytest.raises(DataError):
        DATASETS[name](10, 0.0, k, rng())


def test_features():
    X = np.array([[1.0, -2.0], [0.5, 3.0]])
    F = feature_matrix(X, list(FEATURES))
    assert F.shape == (2, 7) and F.dtype == np.float64
    x, y = X[:, 0], X[:, 1]
    assert np.array_equal(F, np.column_stack([x, y, x * x, y * y, x * y, np.sin(x), np.sin(y)]))
    assert np.array_equal(feature_matrix(X, ["sinx2", "x1"]), np.column_stack([np.sin(y), x]))
    assert feature_matrix(X, []).shape == (2, 0)
    col = FEATURES["x1"](X)
    col[0] = 99
    assert X[0, 0] == 1.0
    with pytest.raises(ValueError):
        feature_matrix(X, ["x3"])


# ---- make_dataset ---------------------------------------------------------------------

@pytest.mark.parametrize("name,k", ALL)
def test_make_dataset_split(name, k):
    ds = make_dataset(name, 101, 0.1, k, 0.3, 0.0, rng())
    assert isinstance(ds, Dataset)
    assert len(ds.X_train) == round(101 * 0.3) == len(ds.y_train) and len(ds.X_test) == 101 - 30
    assert ds.kind == DATASET_KIND[name]
    assert ds.n_classes == (0 if ds.kind == "regression" else max(k, 2))
    assert np.array_equal(ds.y_train, ds.y_train_clean)


def test_make_dataset_shuffled_and_deterministic():
    a = make_dataset("spiral", 200, 0.0, 2, 0.5, 0.2, rng(7))
    b = make_dataset("spiral", 200, 0.0, 2, 0.5, 0.2, rng(7))
    for f in ("X_train", "y_train", "X_test", "y_test", "y_train_clean"):
        assert np.array_equal(getattr(a, f), getattr(b, f))
    assert 0 < a.y_train_clean[:50].sum() < 50  # classes mixed, not generator order


@pytest.mark.parametrize("frac", [0.0, 0.001, 0.999, 1.0])
def test_make_dataset_at_least_one_each_side(frac):
    ds = make_dataset("circle", 10, 0.0, 2, frac, 0.0, rng())
    assert 1 <= len(ds.X_train) <= 9 and len(ds.X_train) + len(ds.X_test) == 10


@pytest.mark.parametrize("name,k", [("circle", 2), ("spiral", 4), ("blobs", 3)])
def test_label_noise_classification(name, k):
    ds = make_dataset(name, 400, 0.0, k, 0.5, 0.25, rng())
    changed = ds.y_train != ds.y_train_clean
    assert changed.sum() == round(0.25 * 200)
    assert ds.y_train.min() >= 0 and ds.y_train.max() < k
    clean = make_dataset(name, 400, 0.0, k, 0.5, 0.0, rng())
    assert np.array_equal(ds.X_test, clean.X_test) and np.array_equal(ds.y_test, clean.y_test)
    assert np.array_equal(ds.y_train_clean, clean.y_train)


def test_label_noise_uniform_over_other_classes():
    ds = make_dataset("spiral", 2000, 0.0, 4, 1.0, 1.0, rng())
    assert np.all(ds.y_train != ds.y_train_clean)
    shift = (ds.y_train - ds.y_train_clean) % 4
    counts = np.bincount(shift, minlength=4)
    assert counts[0] == 0 and counts[1:].min() > 550


def test_label_noise_regression():
    ds = make_dataset("reg-plane", 400, 0.0, 0, 0.5, 0.1, rng())
    changed = ds.y_train != ds.y_train_clean
    assert changed.sum() == 20
    lo, hi = ds.y_train_clean.min(), ds.y_train_clean.max()
    assert np.all((ds.y_train >= lo) & (ds.y_train <= hi))
    assert np.allclose(ds.y_test, (ds.X_test[:, 0] + ds.X_test[:, 1]) / 10)


@pytest.mark.parametrize("kwargs", [
    dict(name="nope"), dict(n=1), dict(n=MAX_POINTS + 1), dict(noise=0.6), dict(noise=float("nan")),
    dict(train_frac=1.5), dict(label_noise=-0.1), dict(name="spiral", classes=6),
])
def test_make_dataset_rejects(kwargs):
    args = dict(name="circle", n=100, noise=0.0, classes=2, train_frac=0.5, label_noise=0.0) | kwargs
    with pytest.raises(DataError):
        make_dataset(**args, rng=rng())


# ---- CSV ------------------------------------------------------------------------------

def assert_same(a, b):
    for f in ("X_train", "y_train", "X_test", "y_test"):
        x, y = getattr(a, f), getattr(b, f)
        assert x.dtype == y.dtype and x.shape == y.shape
        assert x.tobytes() == y.tobytes(), f
    assert (a.kind, a.n_classes) == (b.kind, b.n_classes)


@pytest.mark.parametrize("name,k", [("circle", 2), ("spiral", 5), ("reg-gauss", 0), ("moons", 2)])
def test_csv_round_trip_bit_identical(name, k):
    ds = make_dataset(name, 300, 0.3, k, 0.6, 0.0, rng())
    text = dataset_to_csv(ds)
    assert text.splitlines()[0] == "x1,x2,label,split"
    assert_same(ds, read_csv(text))
    assert_same(ds, read_csv(text.encode("utf-8")))


def test_csv_tricky_floats():
    X = np.array([[0.1 + 0.2, -0.0], [5e-324, 1.7976931348623157e308], [1 / 3, -2.5]])
    y = np.array([0.1 + 0.2, 1e-300, -7.0])
    ds = Dataset(X[:2], y[:2], X[2:], y[2:], "regression", 0, y[:2])
    back = read_csv(dataset_to_csv(ds), max_abs=np.inf)  # 1.8e308 is over the default cap
    assert_same(ds, back)
    assert np.signbit(back.X_train[0, 1])


def test_csv_labels_written_as_ints():
    ds = make_dataset("circle", 20, 0.0, 2, 0.5, 0.0, rng())
    labels = {line.split(",")[2] for line in dataset_to_csv(ds).splitlines()[1:]}
    assert labels == {"0", "1"}


def rows(labels, split=None):
    head = "x1,x2,label" + (",split" if split else "")
    body = [f"{i * 0.1},{-i * 0.2},{lab}" + (f",{split[i]}" if split else "") for i, lab in enumerate(labels)]
    return "\n".join([head] + body) + "\n"


def test_read_without_split_all_train():
    ds = read_csv(rows([0, 1] * 5))
    assert ds.kind == "classification" and ds.n_classes == 2
    assert len(ds.X_train) == 10 and ds.X_test.shape == (0, 2) and ds.y_test.shape == (0,)
    assert np.array_equal(ds.y_train_clean, ds.y_train)


def test_read_label_remap_and_kind():
    ds = read_csv(rows([7, -3, 12] * 5))
    assert ds.kind == "classification" and ds.n_classes == 3
    assert list(ds.y_train[:3]) == [1, 0, 2] and ds.y_train.dtype == np.int64
    assert read_csv(rows(["1.0", "2.0"] * 5)).kind == "classification"
    reg = read_csv(rows([0.5, 1.5] * 5))
    assert reg.kind == "regression" and reg.n_classes == 0 and reg.y_train.dtype == np.float64
    assert read_csv(rows(list(range(11)) * 5)).kind == "regression"  # > 10 distinct integers
    assert read_csv(rows([0] * 5 + [1] * 4)).kind == "regression"  # a class with < 5 points


def test_read_header_variants():
    text = "\ufeff Label ,X2,x1,extra,SPLIT\r\n" + "".join(
        f"{i},{i + 1}.5,{i}e-1,zzz,{'test' if i % 2 else ' Train '}\r\n\r\n" for i in range(2)) + "5,1,1,,train\n"
    ds = read_csv(text)
    assert ds.kind == "regression"
    assert ds.X_train.tolist() == [[0.0, 1.5], [1.0, 1.0]] and ds.y_train.tolist() == [0.0, 5.0]
    assert ds.X_test.tolist() == [[0.1, 2.5]] and ds.y_test.tolist() == [1.0]


@pytest.mark.parametrize("text,needle", [
    ("", "empty"),
    ("\n  \n", "empty"),
    ("x1,x2,label\n", "no data rows"),
    ("x1,x2,label\n1,2,3\n", "at least 2"),
    ("a,b,c\n1,2,3\n", "header"),
    ("1,2,0\n3,4,1\n", "header"),
    ("x1,x1,label\n1,2,3\n", "more than once"),
    ("x1,x2,label\n1,2,3\n4,5\n", "Line 3"),
    ("x1,x2,label\n1,2,3\n4,5,6,7\n", "Line 3"),
    ("x1,x2,label\n1,2,3\n4,abc,6\n", "x2 on line 3 is not a number"),
    ("x1,x2,label\n1,2,3\n4,1_000,6\n", "not a number"),
    ("x1,x2,label\n1,2,3\n4,0x10,6\n", "not a number"),
    ("x1,x2,label\n1,2,3\n4,,6\n", "empty"),
    ("x1,x2,label\n1,2,3\nnan,5,6\n", "x1 on line 3 is not a finite"),
    ("x1,x2,label\n1,2,3\n4,-inf,6\n", "not a finite"),
    ("x1,x2,label\n1,2,3\n4,5,Infinity\n", "label on line 3 is not a finite"),
    ("x1,x2,label\n1,2,3\n4,1e400,6\n", "not a finite"),
    ("x1,x2,label\n1,2,1\n4,5,1\n", "at least 2 classes"),
    ("x1,x2,label,split\n1,2,1\n", "Line 2"),
    ("x1,x2,label,split\n1,2,1,train\n4,5,2,val\n", "train or test"),
    ("x1,x2,label,split\n1,2,1,train\n4,5,2,train\n", "one row test"),
    ("x1,x2,label,split\n1,2,1,test\n4,5,2,test\n", "one row train"),
])
def test_read_rejects(text, needle):
    with pytest.raises(DataError, match=needle):
        read_csv(text)


def test_read_rejects_sizes():
    ok = rows([0, 1] * 10)
    with pytest.raises(DataError, match="larger"):
        read_csv(ok, max_bytes=len(ok) - 1)
    with pytest.raises(DataError, match="larger"):
        read_csv(ok.encode(), max_bytes=len(ok) - 1)
    with pytest.raises(DataError, match="larger"):
        read_csv("x1,x2,label\n" + "é" * 600_000)  # 600k chars but 1.2 MB of UTF-8
    with pytest.raises(DataError, match="more than 19 data rows"):
        read_csv(ok, max_points=19)
    assert len(read_csv(ok, max_points=20).X_train) == 20
    with pytest.raises(DataError, match="more than 16 columns"):
        read_csv(",".join(["x1", "x2", "label"] + [f"c{i}" for i in range(14)]) + "\n")
    header = ",".join(["x1", "x2", "label"] + [f"c{i}" for i in range(13)])  # 16 columns: fine
    assert read_csv(header + "\n" + ("1,2,3" + ",0" * 13 + "\n") + ("1,2,4" + ",0" * 13 + "\n")).kind
    with pytest.raises(DataError, match="Line 2 has more than 16 columns"):
        read_csv("x1,x2,label\n" + "1," * 300_000 + "\n")


def test_read_rejects_bad_encoding():
    with pytest.raises(DataError, match="UTF-8"):
        read_csv(b"x1,x2,label\n1,2,\xff\n")
    with pytest.raises(DataError, match="UTF-8"):
        read_csv(b"\xfe\xffx1,x2,label\n")
    with pytest.raises(DataError):
        read_csv(None)


def test_dataerror_is_one_sentence_valueerror():
    try:
        read_csv("x1,x2,label\n1,2,3\n4,abc,6\n")
    except ValueError as e:
        msg = str(e)
        assert isinstance(e, DataError)
        assert msg.endswith(".") and "\n" not in msg and msg.count(". ") == 0


def test_read_old_mac_line_endings():
    ds = read_csv("x1,x2,label\r1,2,0.5\r3,4,1.5\r")
    assert ds.X_train.tolist() == [[1.0, 2.0], [3.0, 4.0]] and ds.y_train.tolist() == [0.5, 1.5]


# ---- issue 9: magnitude cap, safe echoes, nothing but DataError ---------------------------------
from playground.core.config import safe_echo  # noqa: E402
from playground.io.data_csv import MAX_ABS_VALUE, MAX_CSV_BYTES  # noqa: E402

MARKUP = set("[]()<>*_`!#|~\\\"$&")


def test_caps_are_stated():
    assert MAX_ABS_VALUE == 1e6 and MAX_CSV_BYTES == 1_000_000


@pytest.mark.parametrize("cell, col", [("1e308", "label"), ("-1e308", "label"), ("1000000.5", "label"),
                                       ("1e300", "x1"), ("-2e6", "x2")])
@pytest.mark.parametrize("problem", ["regression", None])
def test_read_refuses_huge_values(cell, col, problem):
    good = [[f"{i * 0.1}", f"{-i * 0.2}", f"{i * 0.5}"] for i in range(12)]
    good[5][["x1", "x2", "label"].index(col)] = cell
    text = "x1,x2,label\n" + "\n".join(",".join(r) for r in good) + "\n"
    with pytest.raises(DataError, match=f"column {col} on line 7 is too large") as e:
        read_csv(text, problem=problem)
    assert "1,000,000" in str(e.value)


def test_read_accepts_values_at_the_cap():
    text = rows([-MAX_ABS_VALUE, MAX_ABS_VALUE, 0.5] * 4)
    ds = read_csv(text, problem="regression")
    assert ds.y_train.max() == MAX_ABS_VALUE and ds.y_train.min() == -MAX_ABS_VALUE


HOSTILE = "[fix](http://x.io)<b>*x*</b>`!#|~\\\"$&"


@pytest.mark.parametrize("text", [
    f"x1,x2,label\n1,2,0\n{HOSTILE},2,1\n",
    f"x1,x2,label,split\n1,2,0,train\n1,2,1,\"{HOSTILE}\"\n",
])
def test_messages_never_repeat_markup(text):
    with pytest.raises(DataError) as e:
        read_csv(text)
    msg = str(e.value)
    assert not MARKUP & set(msg) and "http:" not in msg, msg
    assert safe_echo(HOSTILE, limit=20) in msg


@pytest.mark.parametrize("data", [None, 12, b"\x00" * 10, "x1,x2,label\n" + "\x00,\x00,\x00\n" * 3,
                                  "x1,x2,label\n1,2,3\n" * 2 + '"unterminated\n', "x1,x2,label\n" + "1e5,2,3\n" * 5,
                                  bytearray(b"x1,x2,label\n1,2,0\n"), memoryview(b"x1,x2,label")])
def test_read_raises_nothing_but_dataerror(data):
    try:
        read_csv(data)
    except DataError as e:
        assert str(e) and "\n" not in str(e)
