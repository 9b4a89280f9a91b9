"""The texts of the exported scripts: PyTorch (io/code_export.py puts them together; the
rules are those of io/code_templates.py).
"""
from __future__ import annotations

# ---------------------------------------------------------------- PyTorch
TORCH_ACTIVATIONS = {
    "tanh": "torch.tanh", "relu": "torch.relu", "leaky_relu": "lambda z: nnf.leaky_relu(z, 0.01)",
    "sigmoid": "torch.sigmoid", "linear": "lambda z: z", "elu": "nnf.elu",
    "gelu": 'lambda z: nnf.gelu(z, approximate="tanh")', "sine": "torch.sin",
    "softmax": "lambda z: torch.softmax(z, dim=1)",
}
TORCH_COSTS = {  # O, T: (n, units), one row per point -> the cost of each point
    "squared": "0.5 * ((O - T) ** 2).sum(dim=1)", "mse": "((O - T) ** 2).sum(dim=1)",
    "mae": "(O - T).abs().sum(dim=1)", "huber": 'nnf.huber_loss(O, T, reduction="none").sum(dim=1)',
    "cross_entropy": "-torch.log(p_true(O.clamp(1e-12, 1.0 - 1e-12), T))",
    "hinge": "hinge(O, T)",
}
P_TRUE = '''

def p_true(P, T):
    """The probability given to each point's true class."""
    if P.shape[1] == 1:
        return torch.where(T[:, 0] > 0.5, P[:, 0], 1.0 - P[:, 0])
    return (T * P).sum(dim=1)
'''
TORCH_HINGE = '''

def hinge(O, T):
    """one unit, t = +-1: max(0, 1 - t o); k units: sum over j != y of max(0, 1 + o_j - o_y)"""
    if O.shape[1] == 1:
        return torch.relu(1.0 - T * O)[:, 0]
    return (torch.relu(1.0 + O - (O * T).sum(dim=1, keepdim=True)) * (1.0 - T)).sum(dim=1)
'''
TORCH_TRAIN_COST = {  # cross-entropy from Z itself: its gradient is then exactly p - t
    "binary": 'nnf.binary_cross_entropy_with_logits(Z, T, reduction="none")[:, 0]',
    "multi": "-(T * torch.log_softmax(Z, dim=1)).sum(dim=1)",
}
TORCH_NET = '''
# ---------------------------------------------------------------- the network in PyTorch
# each hidden layer's activation
HIDDEN_F = [$hidden_f]
output = $output_f  # the output layer's activation


class Network(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = torch.nn.ModuleList(torch.nn.Linear(fi, fo)
                                          for fi, fo in zip(SIZES[:-1], SIZES[1:]))

    def forward(self, A):
        """Points (n, features) -> the output layer's Z (n, units):
        Z_l = A_{l-1} W_l^T + b_l,  A_l = f_l(Z_l) (+ A_{l-1} on a residual layer)."""
        for l, layer in enumerate(self.layers[:-1]):
            F = HIDDEN_F[l](layer(A))
            A = F + A if RESIDUAL[l] else F
        return self.layers[-1](A)


net = Network()
with torch.no_grad():  # the same starting weights as the playground's
    for layer, Wl in zip(net.layers, W):
        layer.weight.copy_(torch.from_numpy(Wl[:, :-1]))
        layer.bias.copy_(torch.from_numpy(Wl[:, -1]))


def cost(O, T):
    """The cost of each point: $cost_what."""
    return $cost


def train_cost(Z, T):
    return $train_cost
$helper'''
TORCH_OPTIMIZERS = {
    "sgd": ("SGD(groups, lr=LEARNING_RATE)", "plain gradient descent: theta <- theta - lr g"),
    "momentum": ("SGD(groups, lr=LEARNING_RATE, momentum=0.9)", "v <- 0.9 v + g; theta <- theta - lr v"),
    "nesterov": ("SGD(groups, lr=LEARNING_RATE, momentum=0.9, nesterov=True)",
                 "v <- 0.9 v + g; theta <- theta - lr (g + 0.9 v)"),
    "rmsprop": ("RMSprop(groups, lr=LEARNING_RATE, alpha=0.9, eps=1e-8)",
                "s <- 0.9 s + 0.1 g^2; theta <- theta - lr g / (sqrt(s) + 1e-8)"),
    "adam": ("Adam(groups, lr=LEARNING_RATE, betas=(0.9, 0.999), eps=1e-8)",
             "Adam: m <- 0.9 m + 0.1 g; v <- 0.999 v + 0.001 g^2;\n"
             "# theta <- theta - lr m^ / (sqrt(v^) + 1e-8), m^ and v^ corrected for their start at 0"),
}
TORCH_L1_SCALE = {  # the optimizer's own per-weight scale d of its step lr m / d
    "rmsprop": 'st["square_avg"].sqrt() + 1e-8',
    "adam": 'st["exp_avg_sq"].sqrt() / math.sqrt(1.0 - 0.999 ** float(st["step"])) + 1e-8',
}
TORCH_OPT = '''
weights = [layer.weight for layer in net.layers]
biases = [layer.bias for layer in net.layers]  # never penalized
groups = [{"params": weights, "weight_decay": $weight_decay}, {"params": biases, "weight_decay": 0.0}]
# $opt_what$opt_note
opt = torch.optim.$opt
'''
TORCH_L1 = '''

def l1_step(lr):
    """After each step: w <- sign(w) max(|w| - lr lambda / d, 0) on the weights (d: the
    optimizer's own per-weight scale, 1 for SGD): a weight carried across zero stops at 0."""
    with torch.no_grad():
        for p in weights:$memory
            d = $d
            p.copy_(torch.sign(p) * torch.clamp(p.abs() - (lr * REG_RATE) / d, min=0.0))
'''
TORCH_SETUP = '''Xt = torch.from_numpy(X_in_train[:-1].T.copy())  # PyTorch puts points in rows
Tt = torch.from_numpy(T_train.T.copy())
X_all_t, T_all_t = torch.from_numpy(X_all[:-1].T.copy()), torch.from_numpy(T_all.T.copy())
n = Xt.shape[0]


def snapshot():
    return [p.detach().clone() for p in net.parameters()]


def restore(saved):
    with torch.no_grad():
        for p, q in zip(net.parameters(), saved):
            p.copy_(q)


def diverged(train_loss, last_scale):
    """Why the last epoch cannot be trusted, or None (the playground's loss and weight checks)."""
    w = max(float(p.detach().abs().max()) for p in net.parameters())
    for what, v, limit in (("training loss", train_loss, 1e8), ("largest weight", w, 1e6)):
        if not math.isfinite(v) or v > limit:
            return f"the {what} reached {v:.3g}"
    return None

'''
TORCH_BATCH = '''
        opt.zero_grad()
        train_cost(net(Xs[i:i + B]), Ts[i:i + B]).mean().backward()
        opt.step()$l1'''
TORCH_OUTPUTS = """with torch.no_grad():
        Ot = output(net(X_all_t))
        c = cost(Ot, T_all_t).numpy()
    O = Ot.numpy().T  # (units, n), as the playground lays it out"""
TORCH_OUTPUTS_VALUE = """with torch.no_grad():
        c = cost(output(net(X_all_t)), T_all_t).numpy()"""
TORCH_GRID = "output(net(torch.from_numpy(inputs(plane)[:-1].T.copy()))).detach().numpy().T"
TORCH_SET_RATE = """
    for group in opt.param_groups:
        group["lr"] = lr"""
TORCH_MEMORY = "\n            st = opt.state[p]  # the optimizer's memory of this tensor"
TORCH_CLOSE = "\n# (PyTorch's own version of the playground's formula: close, not bit for bit.)"
TORCH_NO_MEMORY = "\n# Its memory starts empty here, while the playground's run had built some up."
