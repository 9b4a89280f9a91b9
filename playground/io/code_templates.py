"""The texts of the exported scripts (io/code_export.py puts them together).

Every template is fixed text with `$name` holes (string.Template); code_export fills the holes
only with literals it has rendered and checked itself (numbers, names from the settings'
whitelists, `repr` of a str). Each piece mirrors the playground's own NumPy operations in the
same order (core/datasets.py, engine.py, activations.py, costs.py, optim.py, train.py), so the
NumPy script repeats a run bit for bit.
"""
from __future__ import annotations

HEAD = '''"""$title, exported from the neural-network playground.

$start
Run it with `python $file`; it needs NumPy$needs.
matplotlib, if installed, draws the decision boundary at the end.
The last line it prints is machine-readable: FINAL {"train_loss": ...}.
"""
import json
import math

import numpy as np
'''

SCIPY = '''
try:  # y <- y + a x in one BLAS call (a fused multiply-add), as the playground steps
    from scipy.linalg.blas import daxpy
except ImportError:  # NumPy alone: the same maths, the last digits may differ
    def daxpy(x, y, n, a):
        y += a * x
        return y
'''

EXPIT = '''
try:  # the logistic sigmoid 1 / (1 + e^-z), as the playground computes it
    from scipy.special import expit
except ImportError:
    def expit(z):
        return 1.0 / (1.0 + np.exp(-z))
'''

NNF = "import torch.nn.functional as nnf\n"
TORCH_IMPORTS = '''
import torch
import torch.nn.functional as nnf

torch.set_default_dtype(torch.float64)  # the playground computes in float64
'''

RANDOM = '''
# ---------------------------------------------------------------- randomness
# One seed makes three generators: the data, the initial weights and the batch order.
seeds = np.random.SeedSequence(SEED).spawn(3)
data_rng, weight_rng, order_rng = (np.random.default_rng(s) for s in seeds)
'''
INIT_SEED = '''# Reset drew another start: the weights come from (SEED, INIT_SEED)
weight_rng = np.random.default_rng(np.random.SeedSequence([SEED, INIT_SEED]))
'''
ORDER_STATE = '''order_rng.bit_generator.state = {  # where the run's batch order has got to
    $order_state}
'''

COUNTS = '''

def counts(n, k):
    """Balanced class sizes: n // k each, the first n % k classes one more."""
    return [n // k + (c < n % k) for c in range(k)]
'''
TRUNCATED = '''

def truncated_normal(centres, std, rng):
    """centres + N(0, std^2) per coordinate; points outside [-6, 6]^2 are drawn again."""
    X = centres + rng.normal(0.0, std, centres.shape)
    for _ in range(100):
        bad = np.flatnonzero(np.abs(X).max(axis=1) > DOMAIN)
        if bad.size == 0:
            return X
        X[bad] = centres[bad] + rng.normal(0.0, std, (bad.size, 2))
    return np.clip(X, -DOMAIN, DOMAIN)
'''

# name -> (helpers, the body of make_points(n, noise, rng) -> (X, y))
DATASETS = {
    "circle": (COUNTS, '''
    """Class 1 inside radius 2.5; noise jitters the point used for the label, not the point."""
    n_in, n_out = counts(n, 2)
    r = np.concatenate([rng.uniform(0, 2.5, n_in), rng.uniform(3.5, 5, n_out)])
    a = rng.uniform(0, TAU, n)
    X = np.column_stack([r * np.sin(a), r * np.cos(a)])
    J = X + rng.uniform(-5, 5, (n, 2)) * noise
    return X, (np.hypot(J[:, 0], J[:, 1]) < 2.5).astype(np.int64)'''),
    "xor": ("", '''
    """Class 1 where x1 * x2 >= 0 (for the jittered point); points kept 0.3 off the axes."""
    X = rng.uniform(-5, 5, (n, 2))
    X += np.where(X > 0, 0.3, -0.3)
    J = X + rng.uniform(-5, 5, (n, 2)) * noise
    return X, (J[:, 0] * J[:, 1] >= 0).astype(np.int64)'''),
    "gauss": (COUNTS + TRUNCATED, '''
    """Two Gaussians: class 1 around (2, 2), class 0 around (-2, -2), variance 0.5 + 7 noise."""
    n1, n0 = counts(n, 2)
    y = np.repeat(np.array([1, 0], np.int64), [n1, n0])
    centres = np.where(y[:, None] == 1, 2.0, -2.0) * np.ones((n, 2))
    return truncated_normal(centres, math.sqrt(0.5 + 7 * noise), rng), y'''),
    "spiral": (COUNTS, '''
    """One spiral arm per class: radius i/m * 5, angle 1.75 * 2 pi i/m + the arm's offset."""
    k = CLASSES
    parts, labels = [], []
    for c, m in enumerate(counts(n, k)):
        i = np.arange(m, dtype=np.float64)
        r = i / m * 5
        t = 1.75 * i / m * 2 * np.pi + TAU * ((c + 1) % k) / k
        arm = np.column_stack([r * np.sin(t), r * np.cos(t)])
        parts.append(arm + rng.uniform(-1, 1, (m, 2)) * noise)
        labels.append(np.full(m, c, np.int64))
    return np.concatenate(parts), np.concatenate(labels)'''),
    "reg-plane": ("", '''
    """Regression: the value is (x1 + x2) / 10 at the jittered point."""
    X = rng.uniform(-DOMAIN, DOMAIN, (n, 2))
    J = X + rng.uniform(-DOMAIN, DOMAIN, (n, 2)) * noise
    return X, (J[:, 0] + J[:, 1]) / 10'''),
    "reg-gauss": ("", '''
    """Regression: six bumps +-max(0, 1 - d/2); the value is the largest in size."""
    bumps = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1],
                      [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]], dtype=np.float64)
    X = rng.uniform(-DOMAIN, DOMAIN, (n, 2))
    J = X + rng.uniform(-DOMAIN, DOMAIN, (n, 2)) * noise
    d = np.hypot(J[:, :1] - bumps[:, 0], J[:, 1:] - bumps[:, 1])
    v = bumps[:, 2] * np.maximum(0.0, 1 - d / 2)
    return X, v[np.arange(n), np.abs(v).argmax(axis=1)] + 0.0'''),
    "moons": (TRUNCATED, '''
    """Two interleaved half circles (as scikit-learn's make_moons), scaled to the plane."""
    n0, n1 = n // 2, n - n // 2
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n1)
    P = np.concatenate([np.column_stack([np.cos(t0), np.sin(t0)]),
                        np.column_stack([1 - np.cos(t1), 1 - np.sin(t1) - 0.5])])
    s = 10 / 3
    X = truncated_normal((P - [0.5, 0.25]) * s, noise * s, rng)
    return X, np.repeat(np.array([0, 1], np.int64), [n0, n1])'''),
    "blobs": (COUNTS + TRUNCATED, '''
    """k Gaussian blobs at radius 3.5, angles pi/4 + 2 pi c/k, variance 0.5 + 7 noise."""
    k = CLASSES
    y = np.repeat(np.arange(k, dtype=np.int64), counts(n, k))
    a = np.pi / 4 + TAU * y / k
    centres = 3.5 * np.column_stack([np.cos(a), np.sin(a)])
    return truncated_normal(centres, math.sqrt(0.5 + 7 * noise), rng), y'''),
    "checkerboard": ("", '''
    """A 4 x 4 board of 3 x 3 squares: class 1 where floor(x1/3) + floor(x2/3) is even."""
    X = rng.uniform(-DOMAIN, DOMAIN, (n, 2))
    cells = np.floor((X + rng.uniform(-3, 3, (n, 2)) * noise) / 3).astype(np.int64)
    return X, (cells.sum(axis=1) % 2 == 0).astype(np.int64)'''),
}

DATA_GENERATED = '''
# ---------------------------------------------------------------- the data
DOMAIN, TAU = 6.0, 2 * np.pi  # points live in [-6, 6]^2
$helpers

def make_points(n, noise, rng):$body


X, y = make_points(POINTS, NOISE, data_rng)
perm = data_rng.permutation(POINTS)  # shuffle, then split into training and test points
X, y = X[perm], y[perm]
n_train = min(max(int(round(POINTS * TRAIN_FRACTION)), 1), POINTS - 1)
X_train, y_train, X_test, y_test = X[:n_train], y[:n_train], X[n_train:], y[n_train:]
'''
LABEL_NOISE = {  # flip round(LABEL_NOISE * n_train) training labels (test labels stay clean)
    "classification": '''idx = data_rng.choice(n_train, int(round(LABEL_NOISE * n_train)), replace=False)
y_train = y_train.copy()
y_train[idx] = (y_train[idx] + data_rng.integers(1, CLASSES, idx.size)) % CLASSES  # another class
''',
    "regression": '''idx = data_rng.choice(n_train, int(round(LABEL_NOISE * n_train)), replace=False)
y_train = y_train.copy()
y_train[idx] = data_rng.uniform(y_train.min(), y_train.max(), idx.size)  # a random value
''',
}

DATA_EMBEDDED = '''
# ---------------------------------------------------------------- the data
# These points were uploaded or edited by hand (no formula makes them), so they are
# written out here exactly: (x1, x2) per point, then the labels.
X_train = np.array($X_train, dtype=np.float64).reshape(-1, 2)
y_train = np.array($y_train, dtype=np.$ytype)
X_test = np.array($X_test, dtype=np.float64).reshape(-1, 2)
y_test = np.array($y_test, dtype=np.$ytype)
'''

FEATURES = {
    "x1": '"x1": lambda X: X[:, 0].copy(),', "x2": '"x2": lambda X: X[:, 1].copy(),',
    "x1sq": '"x1sq": lambda X: X[:, 0] ** 2,', "x2sq": '"x2sq": lambda X: X[:, 1] ** 2,',
    "x1x2": '"x1x2": lambda X: X[:, 0] * X[:, 1],', "sinx1": '"sinx1": lambda X: np.sin(X[:, 0]),',
    "sinx2": '"sinx2": lambda X: np.sin(X[:, 1]),',
}
TARGETS = {
    "pm1": "2.0 * np.asarray(y, dtype=np.float64)[None, :] - 1.0  # classes 0, 1 -> -1, +1",
    "01": "np.asarray(y, dtype=np.float64)[None, :].copy()  # classes 0, 1",
    "value": "np.asarray(y, dtype=np.float64)[None, :].copy()  # the values themselves",
    "onehot": "(np.arange(OUTPUTS)[:, None] == y[None, :]).astype(np.float64)  # one row per class",
}

INPUTS = '''
# ---------------------------------------------------------------- what the network sees
FEATURES = {  # input features of a point (x1, x2: its coordinates)
    $features
}


def inputs(X):
    """Points (n, 2) -> inputs (features + 1, n): one row per feature, a last row of ones
    (the bias input), one column per point."""
    F = np.empty((X.shape[0], len(FEATURES)))
    for j, f in enumerate(FEATURES.values()):
        F[:, j] = f(X)
    return np.vstack([F.T, np.ones((1, F.shape[0]))])


def targets(y):
    """Labels (n,) -> the output layer's targets (units, n)."""
    return $targets


X_in_train, X_in_test = inputs(X_train), inputs(X_test)
T_train, T_test = targets(y_train), targets(y_test)
'''

LAYOUT = '''
# ---------------------------------------------------------------- the network
SIZES = [len(FEATURES), *HIDDEN, OUTPUTS]  # units per layer, inputs first
# A residual layer adds its input to its output (where the widths match; never the output).
RESIDUAL = [RESIDUAL_ON and SIZES[l] == SIZES[l + 1] for l in range(len(SIZES) - 2)] + [False]
SHAPES = [(fo, fi + 1) for fi, fo in zip(SIZES[:-1], SIZES[1:])]  # W_l; its last column is b_l


def views(flat):
    """The layers' matrices W_l as views into one flat vector (one step updates them all)."""
    out, o = [], 0
    for fo, fi1 in SHAPES:
        out.append(flat[o:o + fo * fi1].reshape(fo, fi1))
        o += fo * fi1
    return out


theta = np.zeros(sum(a * b for a, b in SHAPES))  # every weight and bias
W = views(theta)
'''
INIT = {  # the initial weights, layer by layer, from the weight generator
    "tfp": ("TensorFlow Playground's: w ~ U(-0.5, 0.5), b = 0.1",
            "weight_rng.uniform(-0.5, 0.5, (fan_in, fan_out))", "0.1"),
    "zeros": ("every weight 0, biases 0.1: every neuron of a layer stays the same",
              "np.zeros((fan_in, fan_out))", "0.1"),
    "xavier": ("Glorot: w ~ U(+-sqrt(6 / (fan_in + fan_out))), b = 0",
               "weight_rng.uniform(-a, a, (fan_in, fan_out))", "0.0"),
    "he": ("He: w ~ N(0, 2 / fan_in), b = 0",
           "weight_rng.normal(0.0, math.sqrt(2.0 / fan_in), (fan_in, fan_out))", "0.0"),
}
INIT_DRAWN = '''# Initial weights, $what:
for Wl in W:
    fan_in, fan_out = Wl.shape[1] - 1, Wl.shape[0]$xavier
    Wl[:, :-1] = ($draw).T
    Wl[:, -1] = $bias
'''
INIT_EMBEDDED = '''# The run's weights at epoch $epoch, written out: $why.
theta[:] = $theta
'''
