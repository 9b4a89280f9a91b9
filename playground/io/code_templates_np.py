"""The texts of the exported scripts: the NumPy maths, measuring, the training loop and the report (io/code_export.py puts them together; the
rules are those of io/code_templates.py).
"""
from __future__ import annotations

# ---------------------------------------------------------------- NumPy: the maths
# name -> (f(Z), dA * f'(Z) given F = f(Z), what f is): the playground's operations, in order
NP_ACTIVATIONS = {
    "tanh": ("np.tanh(Z)", "dA - dA * F * F", "tanh' = 1 - tanh^2"),
    "relu": ("np.maximum(Z, 0.0)", "dA * (Z > 0.0)", "max(z, 0)"),
    "leaky_relu": ("np.maximum(Z, Z * 0.01)", "dA * np.where(Z > 0.0, 1.0, 0.01)", "max(z, 0.01 z)"),
    "sigmoid": ("expit(Z)", "(F - F * F) * dA", "sigma' = sigma - sigma^2"),
    "linear": ("Z.copy()", "dA.copy()", "f(z) = z"),
    "elu": ("np.where(Z > 0.0, Z, np.expm1(np.minimum(Z, 0.0)))", "dA * np.where(Z > 0.0, 1.0, F + 1.0)",
            "z if z > 0 else e^z - 1"),
    "gelu": ("0.5 * Z * (1.0 + np.tanh(GC * (Z + 0.044715 * Z ** 3)))", "dA * gelu_slope(Z)",
             "GELU, tanh form"),
    "sine": ("np.sin(Z)", "np.cos(Z) * dA", "sin z"),
    "softmax": ("softmax(Z)", "(dA - (F * dA).sum(axis=0)) * F", "p_j = e^z_j / sum_k e^z_k, per point"),
}
GELU = '''
GC = math.sqrt(2.0 / math.pi)


def gelu_slope(Z):
    """d/dz of GELU's tanh form 0.5 z (1 + tanh(c (z + 0.044715 z^3)))."""
    t = np.tanh(GC * (Z + 0.044715 * Z ** 3))
    return 0.5 * (1.0 + t) + 0.5 * Z * (1.0 - t * t) * GC * (1.0 + 3 * 0.044715 * Z * Z)
'''
SOFTMAX = '''

def softmax(Z):
    E = np.exp(Z - Z.max(axis=0))
    return E / E.sum(axis=0)
'''
NP_ACTIVATION = '''
    "$name": (lambda Z: $f,  # $what
${pad}lambda dA, Z, F: $grad),'''

NP_COSTS = {  # name -> (cost of each point, d cost / d O): O and T are (units, n)
    "squared": ("0.5 * ((O - T) ** 2).sum(axis=0)", "O - T", "half the squared error"),
    "mse": ("((O - T) ** 2).sum(axis=0)", "(O - T) * 2.0", "squared error"),
    "mae": ("np.abs(O - T).sum(axis=0)", "np.sign(O - T)", "absolute error"),
    "huber": ("huber(np.abs(O - T)).sum(axis=0)", "np.clip(O - T, -1.0, 1.0)",
              "r^2 / 2 for |r| <= 1, |r| - 1/2 beyond (r = o - t)"),
    "cross_entropy": ("cross_entropy(O, T)", "None  # not needed: see gradient_sum",
                      "-log of the probability of the true class"),
    "hinge": ("hinge(O, T)", "hinge_grad(O, T)", "a margin of 1 on the right side"),
}
CROSS_ENTROPY = '''
EPS = 1e-12  # probabilities are clipped to [EPS, 1 - EPS] before the log


def cross_entropy(O, T):
    P = np.clip(O, EPS, 1.0 - EPS)
    p_true = np.where(T[0] > 0.5, P[0], 1.0 - P[0]) if O.shape[0] == 1 else (T * P).sum(axis=0)
    return -np.log(p_true)
'''
HUBER = '''

def huber(r):
    return np.where(r <= 1.0, 0.5 * r * r, r - 0.5)
'''
HINGE = '''

def hinge(O, T):
    """one unit, t = +-1: max(0, 1 - t o); k units: sum over j != y of max(0, 1 + o_j - o_y)"""
    if O.shape[0] == 1:
        return np.maximum(0.0, 1.0 - T * O)[0]
    return (np.maximum(0.0, 1.0 + O - (O * T).sum(axis=0)) * (1.0 - T)).sum(axis=0)


def hinge_grad(O, T):
    if O.shape[0] == 1:
        return -T * ((T * O) < 1.0)
    active = ((1.0 + O - (O * T).sum(axis=0)) > 0.0) * (1.0 - T)
    return active - T * active.sum(axis=0)
'''
NP_MATHS = '''
# ---------------------------------------------------------------- activations and cost
ACTIVATIONS = {  # name: (f(Z), dA * f'(Z) given F = f(Z))$activations
}
# the hidden layers' activations, then the output layer's
LAYER_ACTIVATIONS = $layer_acts


def cost(O, T):
    """The cost of each point (a column): $cost_what."""
    return $cost
'''
NP_COST_GRAD = '''

def cost_grad(O, T):
    """d cost / d O"""
    return $cost_grad
'''

NP_PASSES = '''
# ---------------------------------------------------------------- forward and backward
g = np.zeros_like(theta)  # the gradient, laid out as theta
G = views(g)


def forward(X):
    """Z_l = W_l [A_{l-1}; 1], F_l = f_l(Z_l), A_l = F_l (+ A_{l-1} on a residual layer).
    X: inputs (features + 1, n). Returns every layer's input [A; 1], Z and F."""
    inputs_, Zs, Fs = [X], [], []
    for l, Wl in enumerate(W):
        Z = Wl.dot(inputs_[-1])
        F = ACTIVATIONS[LAYER_ACTIVATIONS[l]][0](Z)
        Zs.append(Z)
        Fs.append(F)
        if l < len(W) - 1:
            A = F + inputs_[-1][:-1] if RESIDUAL[l] else F
            inputs_.append(np.vstack([A, np.ones((1, A.shape[1]))]))
    return inputs_, Zs, Fs


def gradient_sum(X, T):
    """Backpropagation of the cost summed over the batch's points, into G:
    dC/dW_l = dZ_l [A_{l-1}; 1]^T,  dA_{l-1} = W_l^T dZ_l (+ dA_l on a residual layer),
    dZ_{l-1} = dA_{l-1} * f'(Z_{l-1})."""
    inputs_, Zs, Fs = forward(X)
    O = Fs[-1]
    dZ = $output_grad
    dA = None
    for l in range(len(W) - 1, 0, -1):
        dZ.dot(inputs_[l].T, out=G[l])
        dA_below = W[l].T.dot(dZ)[:-1]  # the bias row has no input below it
        if RESIDUAL[l]:
            dA_below = dA_below + dA  # the shortcut carries dC/dA_l straight down
        dZ = ACTIVATIONS[LAYER_ACTIVATIONS[l - 1]][1](dA_below, Zs[l - 1], Fs[l - 1])
        dA = dA_below
    dZ.dot(X.T, out=G[0])
'''
FUSED = "O - T  # cross-entropy after sigmoid/softmax: dC/dZ = p - t"
UNFUSED = "ACTIVATIONS[LAYER_ACTIVATIONS[-1]][1](cost_grad(O, T), Zs[-1], O)"

NP_OPTIMIZERS = {  # step(lr, scale) updates theta from the batch's mean gradient scale * g
    "sgd": '''

def step(lr, scale):
    """theta <- theta - lr g"""
    daxpy(g, theta, theta.size, -lr * scale)
''',
    "momentum": '''
MU = 0.9


def step(lr, scale):
    """v <- mu v + g;  theta <- theta - lr v"""
    v = state.setdefault("v", np.zeros_like(theta))
    v *= MU
    daxpy(g, v, v.size, scale)
    daxpy(v, theta, theta.size, -lr)
''',
    "nesterov": '''
MU = 0.9


def step(lr, scale):
    """v <- mu v + g;  theta <- theta - lr (g + mu v)   (the look-ahead form)"""
    v = state.setdefault("v", np.zeros_like(theta))
    v *= MU
    daxpy(g, v, v.size, scale)
    daxpy(g, theta, theta.size, -lr * scale)
    daxpy(v, theta, theta.size, -lr * MU)
''',
    "rmsprop": '''
RHO, EPS_STEP = 0.9, 1e-8


def step(lr, scale):
    """s <- rho s + (1 - rho) g^2;  theta <- theta - lr g / (sqrt(s) + eps)"""
    s = state.setdefault("s", np.zeros_like(theta))
    s *= RHO
    s += ((1.0 - RHO) * scale * scale) * g * g
    theta[:] -= (lr * scale) * g / (np.sqrt(s) + EPS_STEP)
''',
    "adam": '''
BETA1, BETA2, EPS_STEP = 0.9, 0.999, 1e-8


def step(lr, scale):
    """m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;  theta <- theta - lr m^ / (sqrt(v^) + eps)
    with m^ = m / (1 - b1^t), v^ = v / (1 - b2^t) after t steps"""
    m, v = state.setdefault("m", np.zeros_like(theta)), state.setdefault("v", np.zeros_like(theta))
    t = state["t"] = state.get("t", 0) + 1
    m *= BETA1
    m += ((1.0 - BETA1) * scale) * g
    v *= BETA2
    v += ((1.0 - BETA2) * scale * scale) * g * g
    size = lr * math.sqrt(1.0 - BETA2 ** t) / (1.0 - BETA1 ** t)
    theta[:] -= size * m / (np.sqrt(v) + EPS_STEP * math.sqrt(1.0 - BETA2 ** t))
''',
}
MASK = '''
# 1 on weights, 0 on biases: the penalty never touches a bias
mask = np.concatenate([np.hstack([np.ones((fo, fi1 - 1)), np.zeros((fo, 1))]).ravel()
                       for fo, fi1 in SHAPES])
'''
L1_SCALE = {  # the L1 step in the optimizer's own per-weight scale d (so it weighs the same)
    "sgd": "threshold = eta_lambda  # plain steps: d = 1",
    "rmsprop": 'threshold = eta_lambda / (np.sqrt(state["s"]) + EPS_STEP)  # d = sqrt(s) + eps',
    "adam": 'd = np.sqrt(state["v"]) * (1.0 / math.sqrt(1.0 - BETA2 ** state["t"])) + EPS_STEP\n'
            '    threshold = eta_lambda / d  # d = sqrt(v^) + eps',
}
L1 = '''

def l1_step(eta_lambda):
    """After each step: w <- sign(w) max(|w| - lr lambda, 0) (soft thresholding, weights only):
    a weight the L1 penalty would carry across zero stops at exactly 0."""
    $threshold
    theta[:] = np.copysign(np.maximum(np.abs(theta) - threshold, 0.0), theta) + 0.0
'''
L2_LINE = "\n        g += (REG_RATE / scale) * (theta * mask)  # L2: + lambda w (weights only)"
L1_LINE = "\n        l1_step((lr * REG_RATE) * mask)"
RATE = {"constant": ("the same every epoch", "LEARNING_RATE"),
        "decay": ("lr / (1 + epoch / 100)", "LEARNING_RATE / (1.0 + epoch / 100.0)")}

SCORE = {  # outputs (units, n) -> the class-1 score, the class, or the value
    "sigmoid": "O[0]", "tanh": "(np.clip(O[0], -1.0, 1.0) + 1.0) / 2.0",
    "linear": "(np.clip(O[0], -1.0, 1.0) + 1.0) / 2.0", "multi": "O.argmax(axis=0)", "value": "O[0]",
}
MEASURE = '''
# ---------------------------------------------------------------- measuring
X_all, T_all = np.hstack([X_in_train, X_in_test]), np.hstack([T_train, T_test])
y_all = np.concatenate([y_train, y_test])


def picture(O):
    """Outputs (units, n) -> what the plot colours: $picture_what."""
    return $score


def evaluate():
    """(train loss, test loss, train accuracy, test accuracy): the mean cost (no penalty)."""
    $outputs
    n, m = X_in_train.shape[1], X_in_test.shape[1]
    tr = float(c[:n].sum()) / n if n else math.nan
    te = float(c[n:].sum()) / m if m else math.nan$accuracy
'''
NP_OUTPUTS = """O = forward(X_all)[2][-1]
    c = cost(O, T_all)"""
REGRESSION_ACC = "\n    return tr, te, math.nan, math.nan  # no accuracy for a regression"
CLASS_ACC = """
    hit = $hit
    return (tr, te, int(np.count_nonzero(hit[:n])) / n if n else math.nan,
            int(np.count_nonzero(hit[n:])) / m if m else math.nan)"""
NP_HIT = {"multi": "O.argmax(axis=0) == y_all", "binary": "(picture(O) > 0.5).astype(np.int64) == y_all"}

LOOP = '''
# ---------------------------------------------------------------- training
def rate(epoch):
    """The learning rate of an epoch's steps: $rate_what."""
    return $rate


$setup
B = max(1, min(BATCH_SIZE, n))  # points per step (the last batch may be smaller)
epoch, scale = START_EPOCH, 1.0
losses = evaluate()
best = (epoch, losses[1] if math.isfinite(losses[1]) else math.inf)  # the lowest test loss
best_weights = None
print(f"epoch {epoch}: train loss {losses[0]:.6f}, test loss {losses[1]:.6f}")
np.seterr(all="ignore")  # an overflow is caught after the epoch, as the playground does
for _ in range(EPOCHS):
    lr = rate(epoch)$set_rate
    start = $snapshot
    perm = order_rng.permutation(n)  # a new batch order every epoch
    $shuffle
    for i in range(0, n, B):
        scale = 1.0 / min(B, n - i)  # the step follows the batch's mean gradient$batch
    epoch += 1
    losses = evaluate()
    why = diverged(losses[0], scale)
    if why:  # the playground stops here and keeps the epoch's starting weights
        $restore_start
        epoch -= 1
        losses = evaluate()
        print(f"stopped at epoch {epoch + 1}: {why}")
        break$early_stop
    if epoch % max(1, EPOCHS // 10) == 0:
        print(f"epoch {epoch}: train loss {losses[0]:.6f}, test loss {losses[1]:.6f}")
'''
EARLY_STOP = '''
    if math.isfinite(losses[1]) and losses[1] < best[1]:
        best, best_weights = (epoch, losses[1]), $snapshot
    elif best_weights is not None and epoch - best[0] >= PATIENCE:  # early stopping
        $restore_best
        epoch = best[0]
        losses = evaluate()
        print(f"early stop: no lower test loss for {PATIENCE} epochs; back to epoch {epoch}")
        break'''
NP_SETUP = '''# point-major copies: each batch is a block of rows
XT, TT = X_in_train.T.copy(), T_train.T.copy()
n = XT.shape[0]
state = $state  # the optimizer's memory (velocities, moments)


def diverged(train_loss, last_scale):
    """Why the last epoch cannot be trusted, or None (the playground's checks; it also stops a
    run stuck above a constant guess's loss, which this script does not check)."""
    w = float(np.abs(theta).max())
    gn = math.sqrt(g.dot(g)) * last_scale  # the last batch's mean gradient
    for what, v, limit in (("training loss", train_loss, 1e8), ("largest weight", w, 1e6),
                           ("gradient norm", gn, 1e8)):
        if not math.isfinite(v) or v > limit:
            return f"the {what} reached {v:.3g}"
    return None

'''
NP_BATCH = '''
        gradient_sum(Xs[i:i + B].T, Ts[i:i + B].T)  # into g$l2
        step(lr, scale)$l1'''

REPORT = '''
# ---------------------------------------------------------------- the result
train_loss, test_loss, train_acc, test_acc = losses
acc = "" if REGRESSION else f", train accuracy {train_acc:.4f}, test accuracy {test_acc:.4f}"
print(f"final, epoch {epoch}: train loss {train_loss:.6f}, test loss {test_loss:.6f}{acc}")
print("FINAL", json.dumps({"epoch": epoch, "train_loss": train_loss, "test_loss": test_loss,
                           "train_accuracy": None if REGRESSION else train_acc,
                           "test_accuracy": None if REGRESSION else test_acc}))

try:
    import matplotlib.pyplot as plt
except ImportError:  # no plot without matplotlib
    plt = None
if plt is not None:
    s = np.linspace(-6.0, 6.0, 121)
    gx, gy = np.meshgrid(s, s)
    plane = np.column_stack([gx.ravel(), gy.ravel()])
    # the outputs all over the plane
    O = $grid_outputs
    plt.contourf(gx, gy, picture(O).reshape(gx.shape), levels=20, cmap="coolwarm_r")
    plt.scatter(X_train[:, 0], X_train[:, 1], c=y_train, cmap="coolwarm_r", s=18,
                edgecolors="white")
    plt.title(f"epoch {epoch}: train loss {train_loss:.4f}, test loss {test_loss:.4f}")
    plt.gca().set_aspect("equal")
    plt.show()
'''
