"""Fused primitives for networks: softmax, log-softmax and the NLL loss.

Each earns its own backward: log-softmax needs the max-shift for stability,
and NLL's gradient is a scatter into one entry per row.
"""
from __future__ import annotations

from .._backend import np
from ..autograd.function import Function
from ._util import const, norm_dim


class LogSoftmax(Function):
    save_output = True

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        m = x.max(axis=self.axis, keepdims=True)
        s = x - m
        s -= np.log(np.exp(s).sum(axis=self.axis, keepdims=True))
        return s

    def backward(self, g):
        y = self.output()
        return g - y.exp() * g.sum(self.axis, keepdim=True)


class Softmax(Function):
    save_output = True

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        e = np.exp(x - x.max(axis=self.axis, keepdims=True))
        e /= e.sum(axis=self.axis, keepdims=True)
        return e

    def backward(self, g):
        y = self.output()
        return y * (g - (g * y).sum(self.axis, keepdim=True))


def _dim(x, dim, name):
    if dim is None:
        # PyTorch's legacy implicit choice: dim 0 for 0/1/3-d input, else 1
        dim = 0 if x.data.ndim in (0, 1, 3) else 1
    return norm_dim(dim, x.data.ndim, name)[0] if x.data.ndim else None


def log_softmax(x, dim=None, dtype=None):
    if dtype is not None:
        x = x.to(dtype)
    return LogSoftmax(_dim(x, dim, "log_softmax"))(x)


def softmax(x, dim=None, dtype=None):
    if dtype is not None:
        x = x.to(dtype)
    return Softmax(_dim(x, dim, "softmax"))(x)


class PickRows(Function):
    """``out[i] = x[i, cols[i]]`` for a 2-D ``x``."""

    def __init__(self, cols):
        self.cols = cols

    def forward(self, x):
        self.shape = x.shape
        return x[np.arange(x.shape[0]), self.cols]

    def backward(self, g):
        return PutRows(self.cols, self.shape)(g)


class PutRows(Function):
    """Zeros of ``shape`` with ``out[i, cols[i]] = v[i]`` (rows are distinct: no accumulation)."""

    def __init__(self, cols, shape):
        self.cols, self.shape = cols, shape

    def forward(self, v):
        z = np.zeros(self.shape, dtype=v.dtype)
        z[np.arange(self.shape[0]), self.cols] = v
        return z

    def backward(self, gg):
        return PickRows(self.cols)(gg)


def nll_loss_2d(logp, target, weight=None, ignore_index=-100, reduction="mean"):
    """NLL for ``logp`` of shape (N, C) and integer ``target`` of shape (N,)."""
    t = target
    n, c = logp.data.shape
    valid = None
    if ignore_index is not None:
        ign = t == ignore_index
        if ign.any():
            valid = ~ign
            t = np.where(valid, t, 0)
    if t.size and (t.min() < 0 or t.max() >= c):
        bad = t[(t < 0) | (t >= c)][0]
        raise IndexError(
            f"nll_loss: target {int(bad)} is out of bounds: expected class indices in [0, {c - 1}] "
            f"for input with {c} classes (shape {tuple(logp.data.shape)})")
    picked = PickRows(t)(logp)            # (N,)
    w = None
    dt = logp.data.dtype
    if weight is not None:
        w = weight.data[t].astype(dt, copy=False)
    if valid is not None:
        w = valid.astype(dt) if w is None else w * valid
    if reduction == "none":
        return -(picked * const(w)) if w is not None else -picked
    if reduction == "sum":
        return -(picked * const(w)).sum() if w is not None else -picked.sum()
    if reduction == "mean":
        if w is None:
            return picked.sum() * (-1.0 / max(n, 1)) if n else picked.sum() * float("nan")
        total = w.sum()
        return (picked * const(w)).sum() * (-1.0 / total if total else float("nan"))
    raise ValueError(f"reduction must be 'none', 'mean' or 'sum', got {reduction!r}")
