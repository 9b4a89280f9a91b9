"""The network seen from inside, on the engine's own forward pass (pure NumPy).

`layer_view`: the data as layer l sees it (ConvNetJS's "transformed space"): the points and
a grid of lines over the input plane mapped through the network into layer l's activation
space a_l(x), projected to 2-D on two of its neurons or its first two principal components.

`loss_slice`: the training loss on a plane through the current weights θ,
L(θ + α d1 + β d2), along two parameters or two random filter-normalized directions (Li et
al. 2018, "Visualizing the Loss Landscape of Neural Nets"), and the path the weights took,
projected onto that plane.

Neither reimplements a layer: activations come from `Net.activations` / `Workspace.forward`,
losses from `Net.forward` and the net's cost, summed as `Trainer.evaluate` sums them.
Both read the net while it is not training: the caller holds the run's lock (`loss_slice`
moves θ in place and puts it back bit for bit before it returns, even on an error).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .costs import class_scores
from .datasets import DOMAIN
from .engine import Net, Workspace
from .train import MAX_LOSS
from .rundata import augmented

Array = np.ndarray

# ---------------------------------------------------------------- the data as a layer sees it
N_LINES, N_PER_LINE = 21, 41      # default grid: 21 lines each way, 41 samples on each
MAX_LINES, MAX_PER_LINE = 41, 201
MAX_SAMPLES = 6000                # 2 · lines · samples per line, at most (memory of one pass)


@dataclass(frozen=True, eq=False)
class LayerView:
    """Layer `layer`'s view of the data, projected to the plane: xy = P(a_l(x)).

    layer: 0 the input plane (a_0(x) = (x1, x2), raw), 1..H hidden layer l, H+1 the output.
    mode: "neurons" (xy = (a_i, a_j), the neurons `axes`), "pca" (xy = (a − mean) Cᵀ, C the
    first two principal directions of the training points' activations, each signed so that
    its largest-|loading| entry is positive) or "line" (a one-neuron layer: xy = (a_1, 0)).
    explained: the share of the layer's total variance (training points) along each axis.
    points, test_points: (n, 2); labels, test_labels: (n,) as in the data.
    line_inputs: (2·n_lines, n_per_line, 2) raw points of the grid lines over
    [-DOMAIN, DOMAIN]²: rows 0..n_lines−1 horizontal (x2 = line_at[i]), then vertical
    (x1 = line_at[i]); lines: the same mapped into the view; line_values: the network's
    prediction there (as Trainer.predict_grid: P(class 1), class index or value)."""
    layer: int
    title: str
    width: int
    mode: str
    axes: tuple[int, int] | None
    names: tuple[str, str]
    explained: tuple[float, float]
    mean: Array          # (width,) the training points' mean activation (pca; else zeros)
    components: Array    # (2, width) rows: the two axes as directions of the layer's space
    points: Array
    labels: Array
    test_points: Array
    test_labels: Array
    line_at: Array
    line_inputs: Array
    lines: Array
    line_values: Array


def _frozen(a) -> Array:
    a = np.asarray(a)
    a.setflags(write=False)
    return a


def grid_lines(n_lines: int, n_per_line: int) -> tuple[Array, Array]:
    """(line_at (n_lines,), inputs (2·n_lines, n_per_line, 2)): horizontal lines x2 = c,
    then vertical lines x1 = c, c = line_at, each sampled at n_per_line equal steps."""
    at = np.linspace(-DOMAIN, DOMAIN, n_lines)
    s = np.linspace(-DOMAIN, DOMAIN, n_per_line)
    h = np.stack(np.broadcast_arrays(s[None, :], at[:, None]), axis=-1)
    v = np.stack(np.broadcast_arrays(at[:, None], s[None, :]), axis=-1)
    return at, np.concatenate([h, v])


def _title(net: Net, layer: int) -> str:
    return ("the input plane" if layer == 0 else
            "the output layer" if layer == len(net.sizes) - 1 else f"hidden layer {layer}")


def _unit_name(net: Net, layer: int, j: int) -> str:
    if layer == 0:
        return f"x{j + 1}"
    if layer == len(net.sizes) - 1:
        return "output" if net.sizes[-1] == 1 else f"output {j + 1}"
    return f"neuron {j + 1}"


def _pca(A: Array) -> tuple[Array, Array, Array]:
    """(mean (d,), C (2, d), variance shares (2,)) of the columns of A (d, n): SVD of the
    centred activations A − μ = U S Vᵀ, C = the first two rows of Vᵀ (zero rows beyond the
    rank), share_k = s_k² / Σ s²; each row's largest-|entry| is made positive."""
    d = A.shape[0]
    ok = np.isfinite(A).all(axis=0)           # a diverged point must not break the SVD
    Af = A[:, ok] if ok.any() else np.zeros((d, 1))
    mean = Af.mean(axis=1)
    _, s, Vt = np.linalg.svd((Af - mean[:, None]).T, full_matrices=False)
    C, var = np.zeros((2, d)), np.zeros(2)
    k = min(2, Vt.shape[0])
    C[:k], var[:k] = Vt[:k], s[:k] ** 2
    for row in C:
        if row[np.argmax(np.abs(row))] < 0:
            row *= -1.0
    total = float((s ** 2).sum())
    return mean, C, var / total if total > 0 else np.zeros(2)


def _projection(net: Net, layer: int, A: Array, axes) -> tuple:
    """(mode, axes, mean, C, explained, names) for the training activations A (width, n)."""
    width = A.shape[0]
    if axes is None and width > 2:
        mean, C, share = _pca(A)
        names = tuple(f"PC{k + 1} ({100 * share[k]:.0f} %)" for k in range(2))
        return "pca", None, mean, C, (float(share[0]), float(share[1])), names
    with np.errstate(all="ignore"):
        var = A.var(axis=1)
        total = float(var.sum())
    share = var / total if total > 0 else np.zeros(width)
    if width == 1:
        if axes is not None:
            raise ValueError(f"{_title(net, layer)} has one neuron: no axes to choose")
        C = np.ones((2, 1)) * [[1.0], [0.0]]
        return "line", None, np.zeros(1), C, (float(share[0]), 0.0), (_unit_name(net, layer, 0), "")
    i, j = (0, 1) if axes is None else (int(axes[0]), int(axes[1]))
    if not (0 <= i < width and 0 <= j < width and i != j):
        raise ValueError(f"axes must be two different neurons among 0..{width - 1}, not {axes}")
    C = np.eye(width)[[i, j]]
    names = (_unit_name(net, layer, i), _unit_name(net, layer, j))
    return "neurons", (i, j), np.zeros(width), C, (float(share[i]), float(share[j])), names


def _apply(mode: str, axes, mean: Array, C: Array, A: Array) -> Array:
    """Activations (width, n) → view coordinates (n, 2): the chosen neurons as they are, or
    the centred activations on the principal directions."""
    if mode == "neurons":
        return A[list(axes)].T.copy()
    if mode == "line":
        return np.column_stack([A[0], np.zeros(A.shape[1])])
    with np.errstate(all="ignore"):
        return (A - mean[:, None]).T @ C.T


def _layer_output(net: Net, features, X: Array, layer: int) -> tuple[Array, Array]:
    """(a_layer (width, n), output O (units, n)) for raw points X (n, 2), from one forward
    pass in a workspace of its own (not cached in the net: any number of samples)."""
    ws = Workspace(net, X.shape[0])
    with np.errstate(all="ignore"):
        O = ws.forward(augmented(X, features))
    A = X.T if layer == 0 else ws.Ah[layer - 1] if layer < len(net.sizes) - 1 else O
    return A, O


def _points_at(net: Net, features, X: Array, layer: int) -> Array:
    """a_layer (width, n) of raw points X (n, 2), by Net.activations."""
    if layer == 0:
        return np.asarray(X, dtype=np.float64).T
    with np.errstate(all="ignore"):
        return net.activations(augmented(X, features))[layer - 1]


def view_of(net: Net, features: Sequence[str], X: Array, y: Array, layer: int,
            axes: tuple[int, int] | None = None, X_test: Array | None = None,
            y_test: Array | None = None, n_lines: int = N_LINES,
            n_per_line: int = N_PER_LINE) -> LayerView:
    """`layer_view` for any net (the Depth Lab's too): raw training points X (n, 2) with
    labels y, optional test points; the projection is fitted on the training points only.
    Sizes are clamped: 2 ≤ n_lines ≤ MAX_LINES, 2 ≤ n_per_line ≤ MAX_PER_LINE and
    2 · n_lines · n_per_line ≤ MAX_SAMPLES."""
    if not 0 <= layer <= len(net.sizes) - 1:
        raise ValueError(f"layer must be between 0 and {len(net.sizes) - 1}, not {layer}")
    n_lines = min(max(int(n_lines), 2), MAX_LINES)
    n_per_line = min(max(int(n_per_line), 2), MAX_PER_LINE, MAX_SAMPLES // (2 * n_lines))
    X_test = np.zeros((0, 2)) if X_test is None else np.asarray(X_test, dtype=np.float64)
    y_test = np.zeros(0) if y_test is None else np.asarray(y_test)
    n = len(X)
    A = _points_at(net, features, np.vstack([X, X_test]), layer)
    mode, axes, mean, C, explained, names = _projection(net, layer, A[:, :n], axes)
    at, inputs = grid_lines(n_lines, n_per_line)
    A_lines, O = _layer_output(net, features, inputs.reshape(-1, 2), layer)
    values = O[0].copy() if net.head.targets == "value" else class_scores(O, net.head)
    xy, lines = _apply(mode, axes, mean, C, A), _apply(mode, axes, mean, C, A_lines)
    return LayerView(layer, _title(net, layer), A.shape[0], mode, axes, names, explained,
                     _frozen(mean), _frozen(C), _frozen(xy[:n]), _frozen(np.asarray(y).copy()),
                     _frozen(xy[n:]), _frozen(y_test.copy()), _frozen(at), _frozen(inputs),
                     _frozen(lines.reshape(inputs.shape)), _frozen(values.reshape(inputs.shape[:2])))


def layer_view(t, layer: int, axes: tuple[int, int] | None = None, n_lines: int = N_LINES,
               n_per_line: int = N_PER_LINE) -> LayerView:
    """The trainer's data as layer `layer` sees it (0 input plane, 1..H hidden, H+1 output);
    `axes` = two neurons of that layer (0-based), or None: neurons 0 and 1 of a two-neuron
    layer, the first two principal components of a wider one. See LayerView."""
    d = t.data
    return view_of(t.net, t.cfg.features, d.X_train, d.y_train, layer, axes, d.X_test,
                   d.y_test, n_lines, n_per_line)


# ---------------------------------------------------------------- the loss on a plane
N_SLICE, MIN_SLICE, MAX_SLICE = 41, 5, 101   # grid points per side (always odd: θ at the centre)
BUDGET = 1.0          # seconds for the grid: beyond, n is reduced (LossSlice.reduced says so)
DEADLINE = 2.0        # ... and a slice still running at this many budgets stops (rows left NaN)
LOSS_CAP = MAX_LOSS   # larger losses (and inf) are drawn at the cap; NaN stays NaN
Param = tuple[int, int, int]


@dataclass(frozen=True, eq=False)
class LossSlice:
    """loss[i, j] = L(θ + a_j d1 + b_i d2), the mean cost over the training points (as
    Trainer.evaluate, without the penalty), a_j, b_i = offsets in [−span, span], centre 0.

    kind: "parameters" (d1, d2 unit vectors on two weights: alpha, beta are those weights'
    values, θ's own at the centre), "random" (seeded Gaussian, filter-normalized) or "path"
    (the first two principal directions of the path θ_k − θ): then alpha, beta are the
    offsets. Rows are β (as the boundary grid's rows are x2). test_loss: the same for the
    test points (NaN without any). origin: θ's coordinates. path: (k, 2) the snapshots'
    coordinates (parameters: the two weights' values; else the least-squares solution of
    [d1 d2] c = θ_k − θ); off_plane: ‖θ_k − θ − [d1 d2] c‖ / ‖θ_k − θ‖ (0 at θ).
    capped: how many computed losses were above LOSS_CAP or inf (drawn at the cap) or NaN.
    reduced: "" or why n is smaller than asked (the time budget), or that the slice stopped
    at DEADLINE × the budget (the machine was slower than timed: rows left NaN)."""
    kind: str
    names: tuple[str, str]
    alpha: Array
    beta: Array
    loss: Array
    test_loss: Array
    origin: tuple[float, float]
    path: Array
    off_plane: Array
    d1: Array
    d2: Array
    span: float
    n: int
    n_requested: int
    reduced: str
    capped: int
    seconds: float
    seed: int | None


def parameter_index(net: Net, layer: int, row: int, col: int) -> int:
    """Index in θ of W_layer[row, col]; col = −1 (or fan_in) is the bias."""
    if not 0 <= layer < len(net.W):
        raise ValueError(f"layer must be between 0 and {len(net.W) - 1}, not {layer}")
    fo, fi1 = net.W[layer].shape
    if not (0 <= row < fo and -1 <= col < fi1):
        raise ValueError(f"W{layer} is {fo} × {fi1}: no parameter ({row}, {col})")
    offset = sum(W.size for W in net.W[:layer])
    return offset + row * fi1 + (col % fi1)


def _parameter_name(net: Net, p: Param) -> str:
    layer, row, col = p
    bias = col < 0 or col == net.W[layer].shape[1] - 1
    return f"b[{layer}, {row}]" if bias else f"w[{layer}, {row}, {col}]"


def random_directions(net: Net, rng: np.random.Generator,
                      normalize: str = "filter") -> tuple[Array, Array]:
    """Two Gaussian directions d ~ N(0, I), each normalized against θ by blocks (Li et al.
    2018): "filter", per neuron (a row of W_l: its incoming weights and bias),
    d_row ← d_row · ‖θ_row‖ / ‖d_row‖; "layer", the same per W_l."""
    if normalize not in ("filter", "layer"):
        raise ValueError(f"normalize must be 'filter' or 'layer', not {normalize!r}")
    out = []
    for _ in range(2):
        d = rng.standard_normal(net.n_params)
        for D, W in zip(net.grad_views(d), net.W):
            axis = 1 if normalize == "filter" else None
            dn = np.linalg.norm(D, axis=axis, keepdims=True)
            D *= np.linalg.norm(W, axis=axis, keepdims=True) / np.where(dn > 0, dn, 1.0)
        out.append(d)
    return out[0], out[1]


def path_directions(theta: Array, path: Array) -> tuple[Array, Array, tuple[str, str]]:
    """The first two principal directions (unit, sign rule of `_pca`) of the rows
    θ_k − θ: the plane that holds most of the path (Li et al. 2018, section 7)."""
    M = np.asarray(path, dtype=np.float64) - theta
    M = M[np.isfinite(M).all(axis=1)]
    if len(M) < 2:
        raise ValueError("the path directions need at least two finite weight snapshots")
    _, s, Vt = np.linalg.svd(M, full_matrices=False)
    if len(s) < 2 or not s[1] > 0:
        raise ValueError("the path is a line or a point: no plane to fit")
    C = Vt[:2].copy()
    for row in C:
        if row[np.argmax(np.abs(row))] < 0:
            row *= -1.0
    share = s[:2] ** 2 / float((s ** 2).sum())
    return C[0], C[1], tuple(f"path PC{k + 1} ({100 * share[k]:.0f} %)" for k in range(2))


def project_path(theta: Array, d1: Array, d2: Array, path: Array) -> tuple[Array, Array]:
    """(c (k, 2), off_plane (k,)): the least-squares coordinates of θ_k − θ on [d1 d2] and
    the relative distance left over. A non-finite snapshot gets NaN."""
    path = np.asarray(path, dtype=np.float64).reshape(-1, theta.size)
    c, off = np.full((len(path), 2), np.nan), np.full(len(path), np.nan)
    with np.errstate(all="ignore"):
        M = path - theta
        ok = np.isfinite(M).all(axis=1)
        if ok.any():
            D = np.column_stack([d1, d2])
            c[ok] = np.linalg.lstsq(D, M[ok].T, rcond=None)[0].T
            r = np.linalg.norm(M[ok] - c[ok] @ D.T, axis=1)
            size = np.linalg.norm(M[ok], axis=1)
            off[ok] = np.where(size > 0, r / np.where(size > 0, size, 1.0), 0.0)
    return c, off


def _losses(net: Net, Xa: Array, T: Array, n_train: int) -> tuple[float, float]:
    """(train, test) mean cost at the net's current θ: Trainer.evaluate's arithmetic, on the
    training points followed by the test points (one batch, as the trainer's)."""
    m = Xa.shape[1] - n_train
    cost = net.cost.value(net.forward(Xa), T)
    test = float(cost[n_train:].sum()) / m if m else math.nan
    return float(cost[:n_train].sum()) / n_train, test


def surface(net: Net, Xa: Array, T: Array, n_train: int, d1: Array, d2: Array,
            a: Array, b: Array, deadline: float | None = None) -> tuple[Array, Array, Array]:
    """(train, test, done): losses (len(b), len(a)), [i, j] at θ + a_j d1 + b_i d2, θ the
    net's weights, set in place per grid point (θ itself where a_j = b_i = 0) and restored
    bit for bit afterwards, even on an error. Rows go from the middle outwards; once the
    clock (time.perf_counter) passes `deadline` the rows not begun stay NaN (done[i]: row i
    was computed)."""
    theta = net.theta
    saved, row = theta.copy(), np.empty_like(theta)
    train, test = np.full((len(b), len(a)), np.nan), np.full((len(b), len(a)), np.nan)
    done = np.zeros(len(b), bool)
    m = len(b) // 2
    try:
        with np.errstate(all="ignore"):
            for i in sorted(range(len(b)), key=lambda i: (abs(i - m), i)):
                if deadline is not None and done.any() and time.perf_counter() > deadline:
                    break
                bi = b[i]
                np.add(np.multiply(d2, bi, row), saved, row)       # θ + b d2
                for j, aj in enumerate(a):
                    if aj == 0 and bi == 0:
                        np.copyto(theta, saved)
                    else:
                        np.add(np.multiply(d1, aj, theta), row, theta)
                    train[i, j], test[i, j] = _losses(net, Xa, T, n_train)
                done[i] = True
    finally:
        np.copyto(theta, saved)
    return train, test, done


def _cap(L: Array) -> tuple[Array, int]:
    """Losses above LOSS_CAP (inf included) set to the cap; NaN kept; how many of both."""
    with np.errstate(invalid="ignore"):
        high = L > LOSS_CAP
    count = int(high.sum() + np.isnan(L).sum())
    L[high] = LOSS_CAP
    return L, count


def _fit_n(net: Net, Xa: Array, T: Array, n_train: int, n: int,
           budget: float | None) -> tuple[int, str]:
    """The grid size that fits the time budget: n² evaluations at the median of five timed
    evaluations of L(θ) (the machine's present speed); odd, at least MIN_SLICE.
    ("" or what was reduced and why.)"""
    if budget is None:
        return n, ""
    times = []
    with np.errstate(all="ignore"):
        for _ in range(5):
            start = time.perf_counter()
            _losses(net, Xa, T, n_train)
            times.append(time.perf_counter() - start)
    each = float(np.median(times))
    fit = int(math.sqrt(budget / each)) if each > 0 else n
    fit = max(MIN_SLICE, fit if fit % 2 else fit - 1)
    if fit >= n:
        return n, ""
    return fit, (f"{fit}×{fit} points instead of {n}×{n}: one loss takes {1e3 * each:.2g} ms "
                 f"here, and the slice has a {budget:g} s budget")


def _directions(net: Net, directions, seed, normalize, theta, path):
    """(kind, d1, d2, names, origin) for "random", "path" or two (layer, row, col)."""
    if isinstance(directions, str):
        if directions == "random":
            d1, d2 = random_directions(net, np.random.default_rng(seed), normalize)
            return "random", d1, d2, ("direction 1", "direction 2"), (0.0, 0.0)
        if directions == "path":
            d1, d2, names = path_directions(theta, path)
            return "path", d1, d2, names, (0.0, 0.0)
        raise ValueError(f"directions must be 'random', 'path' or two parameters, not {directions!r}")
    p, q = (parameter_index(net, *pq) for pq in directions)
    if p == q:
        raise ValueError("the two parameters must differ")
    d1, d2 = np.zeros(net.n_params), np.zeros(net.n_params)
    d1[p] = d2[q] = 1.0
    names = tuple(_parameter_name(net, tuple(pq)) for pq in directions)
    return "parameters", d1, d2, names, (float(theta[p]), float(theta[q]))


def slice_of(net: Net, Xa: Array, T: Array, n_train: int, directions="random", n: int = N_SLICE,
             span: float | None = 1.0, seed: int = 0, path: Sequence[Array] = (),
             budget: float | None = BUDGET, normalize: str = "filter") -> LossSlice:
    """`loss_slice` for any net: Xa (features + 1, n) the training points then the test
    points, T their targets, the first n_train columns training. See loss_slice."""
    start, theta = time.perf_counter(), net.theta.copy()
    path = np.asarray(path, dtype=np.float64).reshape(-1, theta.size)
    kind, d1, d2, names, origin = _directions(net, directions, seed, normalize, theta, path)
    c, off = project_path(theta, d1, d2, path)
    if span is None:   # fit the path: 1.25 × its largest offset
        with np.errstate(invalid="ignore"):
            far = float(np.nanmax(np.abs(c), initial=0.0))
        span = 1.25 * far if far > 0 else 1.0
    n_req = int(n)
    n = min(max(n_req, MIN_SLICE), MAX_SLICE)
    if n % 2 == 0:
        n += 1
    n, reduced = _fit_n(net, Xa, T, n_train, n, budget)
    m = n // 2
    offsets = float(span) * np.arange(-m, m + 1) / m    # exactly 0 at the centre
    deadline = None if budget is None else start + DEADLINE * budget
    train, test, done = surface(net, Xa, T, n_train, d1, d2, offsets, offsets, deadline)
    if not done.all():
        reduced = "; ".join(filter(None, [reduced, (
            f"stopped at {DEADLINE:g}× the time budget: {done.sum()} of {n} rows (those "
            "nearest θ) computed, the others are NaN")]))
    train[done], capped = _cap(train[done])
    test[done] = _cap(test[done])[0]
    alpha, beta = origin[0] + offsets, origin[1] + offsets
    return LossSlice(kind, names, _frozen(alpha), _frozen(beta), _frozen(train), _frozen(test),
                     origin, _frozen(c + origin), _frozen(off), _frozen(d1), _frozen(d2),
                     float(span), n, n_req, reduced, capped, time.perf_counter() - start,
                     seed if kind == "random" else None)


def loss_slice(t, directions="random", n: int = N_SLICE, span: float | None = 1.0,
               seed: int = 0, path: Sequence[Array] = (), budget: float | None = BUDGET,
               normalize: str = "filter") -> LossSlice:
    """The trainer's training loss on the plane θ + α d1 + β d2 (see LossSlice).

    directions: "random" (two Gaussian directions from np.random.default_rng(seed),
    filter-normalized, or per layer with normalize="layer"), "path" (the plane of the
    path's first two principal directions) or two parameters ((layer, row, col), (layer,
    row, col)), col = −1 a bias. n × n points, n odd (an even n gets one more), clamped to
    MIN_SLICE..MAX_SLICE and reduced to fit `budget` seconds (None: no limit); span: the
    largest offset (None: fit the path). path: past θ vectors (the caller bounds them).
    The trainer is left as it was: θ bit for bit, its history untouched."""
    Xa = np.hstack([t.X_train, t.X_test])     # the batch Trainer.evaluate measures
    T = np.hstack([t.T_train, t.T_test])
    return slice_of(t.net, Xa, T, t.X_train.shape[1], directions, n, span, seed, path,
                    budget, normalize)
