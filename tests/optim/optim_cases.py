"""The shared test problem: a small tanh MLP whose gradients come from NumPy, and
the optimizer configurations every test runs."""
import numpy as np

SHAPES = [(6, 5), (6,), (3, 6), (3,)]


def _init(seed=0, shapes=SHAPES):
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal(s) * 0.5).astype(np.float32) for s in shapes]


def _data(seed=1):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((16, 5)), rng.standard_normal((16, 3))


X, Y = _data()


def grad_fn(arrays):
    """Gradients of mean_n sum_j((tanh(X W1^T + b1) W2^T + b2 - Y)^2) w.r.t. (W1, b1, W2, b2)."""
    W1, b1, W2, b2 = (np.asarray(a, np.float64) for a in arrays)
    h = np.tanh(X @ W1.T + b1)
    out = h @ W2.T + b2
    d = 2 * (out - Y) / len(X)
    gW2 = d.T @ h
    gb2 = d.sum(0)
    dh = (d @ W2) * (1 - h * h)
    gW1 = dh.T @ X
    gb1 = dh.sum(0)
    return [g.astype(np.float32) for g in (gW1, gb1, gW2, gb2)]


CASES = {
    "SGD": [
        dict(lr=0.05),
        dict(lr=0.05, momentum=0.9),
        dict(lr=0.05, momentum=0.9, nesterov=True),
        dict(lr=0.05, momentum=0.9, dampening=0.5),
        dict(lr=0.05, weight_decay=0.1),
        dict(lr=0.01, momentum=0.5, weight_decay=0.01, maximize=True),
        dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.05),
    ],
    "Adam": [
        dict(lr=0.01),
        dict(lr=0.01, amsgrad=True),
        dict(lr=0.01, weight_decay=0.1),
        dict(lr=0.01, maximize=True),
        dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6),
        dict(lr=0.01, amsgrad=True, weight_decay=0.05, maximize=True),
        dict(lr=0.01, betas=(0.0, 0.9)),
    ],
    "AdamW": [
        dict(lr=0.01),
        dict(lr=0.01, weight_decay=0.1, amsgrad=True),
        dict(lr=0.01, weight_decay=0.0, maximize=True),
    ],
    "RMSprop": [
        dict(lr=0.01),
        dict(lr=0.01, centered=True),
        dict(lr=0.01, momentum=0.9),
        dict(lr=0.01, centered=True, momentum=0.5, weight_decay=0.1),
        dict(lr=0.01, alpha=0.9, eps=1e-6, maximize=True),
    ],
    "Adagrad": [
        dict(lr=0.1),
        dict(lr=0.1, lr_decay=0.01),
        dict(lr=0.1, weight_decay=0.1, initial_accumulator_value=0.1),
        dict(lr=0.1, eps=1e-6, maximize=True),
    ],
}
PARAMS = [(cls, kw) for cls, kws in CASES.items() for kw in kws]


def _id(x):
    cls, kw = x
    return cls + "-" + "-".join(f"{k}={v}" for k, v in kw.items())


