"""Fused primitives for networks: softmax, log-softmax and the NLL loss.

Each earns its own backward: log-softmax needs the max-shift for stability,
and NLL's gradient is a scatter into one entry per row.
"""
from __future__ import annotations

from .._backend import np
from ..autograd.function import Op
from ..autograd.grad_mode import _enabled
from ._util import _make, const, norm_dim


class LogSoftmax(Op):
    save_output = True
    saved = ()                 # backward reads the output only

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        if not x.size:
            return x.copy()
        m = x.max(axis=self.axis, keepdims=True)
        s = x - m
        s -= np.log(np.exp(s).sum(axis=self.axis, keepdims=True))
        return s

    def backward(self, g):
        if not _enabled[0]:
            gd = g._data
            out = np.exp(self._out()._data)
            if out.ndim == 0:                  # 0-d: NumPy scalars take no out=
                return _make(gd - out * gd)
            out *= gd.sum(axis=self.axis, keepdims=True)
            return _make(np.subtract(gd, out, out=out))
        y = self.output()
        return g - y.exp() * g.sum(self.axis, keepdim=True)


class Softmax(Op):
    save_output = True
    saved = ()                 # backward reads the output only

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        if not x.size:
            return x.copy()
        e = np.exp(x - x.max(axis=self.axis, keepdims=True))
        e /= e.sum(axis=self.axis, keepdims=True)
        return e

    def backward(self, g):
        if not _enabled[0]:
            gd, y = g._data, self._out()._data
            out = gd * y
            s = out.sum(axis=self.axis, keepdims=True)
            out -= y * s
            return _make(out)
        y = self.output()
        return y * (g - (g * y).sum(self.axis, keepdim=True))


def _dim(x, dim, name):
    if dim is None:
        # PyTorch's legacy implicit choice: dim 0 for 0/1/3-d input, else 1
        dim = 0 if x._data.ndim in (0, 1, 3) else 1
    if x._data.dtype.kind not in "fc" and x._data.size:
        raise RuntimeError(
            f"{name}: expected a floating point tensor, got dtype {x._data.dtype}; convert it with "
            ".float() first (or pass dtype=nerve.float32)")
    d = norm_dim(dim, x._data.ndim, name)[0]   # a 0-d tensor accepts dim 0 / -1 only
    return d if x._data.ndim else None


def log_softmax(x, dim=None, dtype=None):
    if dtype is not None:
        x = x.to(dtype)
    return LogSoftmax(_dim(x, dim, "log_softmax"))(x)


def softmax(x, dim=None, dtype=None):
    if dtype is not None:
        x = x.to(dtype)
    return Softmax(_dim(x, dim, "softmax"))(x)


class PickRows(Op):
    """``out[i] = x[i, cols[i]]`` for a 2-D ``x``."""

    def __init__(self, cols):
        self.cols = cols

    def forward(self, x):
        self.shape = x.shape
        return x[np.arange(x.shape[0]), self.cols]

    def backward(self, g):
        if not _enabled[0]:
            z = np.zeros(self.shape, dtype=g._data.dtype)
            z[np.arange(self.shape[0]), self.cols] = g._data
            return _make(z)
        return PutRows(self.cols, self.shape)(g)


class WeightedPick(Op):
    """``sum_i coef_i * x[i, cols[i]]`` (or the unsummed vector): NLL's pick, weighting and
    reduction in one op, so ``cross_entropy`` is two nodes (log-softmax, this).

    ``coef`` is a Python number or an array of shape (N,) in ``x``'s dtype.
    """

    def __init__(self, cols, coef, reduce):
        self.cols, self.coef, self.reduce = cols, coef, reduce

    def forward(self, x):
        self.shape = x.shape
        p = x[np.arange(x.shape[0]), self.cols]
        p *= self.coef
        return p.sum() if self.reduce else p

    def backward(self, g):
        n = self.shape[0]
        if not _enabled[0]:
            z = np.zeros(self.shape, dtype=g._data.dtype)
            z[np.arange(n), self.cols] = g._data * self.coef
            return _make(z)
        from .shape import expand
        c = self.coef if isinstance(self.coef, float) else const(self.coef)
        return PutRows(self.cols, self.shape)(expand(g * c, (n,)))


class PutRows(Op):
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
    t = target._data if hasattr(target, "requires_grad") else np.asarray(target)   # a Tensor or a raw array
    if logp._data.ndim != 2:
        raise RuntimeError(f"nll_loss: expected input of shape (N, C), got {tuple(logp._data.shape)}")
    n, c = logp._data.shape
    if t.dtype.kind not in "iu":
        raise TypeError(
            f"nll_loss: target must hold integer class indices (int64), got dtype {t.dtype}; "
            "convert it with target.long()")
    if t.shape != (n,):
        raise RuntimeError(
            f"nll_loss: target of shape {tuple(t.shape)} does not match input of shape {(n, c)}: "
            f"expected ({n},), one class index per row")
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
            f"for input with {c} classes (shape {tuple(logp._data.shape)})")
    w = None
    dt = logp._data.dtype
    if weight is not None:
        w = weight._data[t].astype(dt, copy=False)
    if valid is not None:
        w = valid.astype(dt) if w is None else w * valid
    if reduction == "none":
        return WeightedPick(t, -w if w is not None else -1.0, False)(logp)
    if reduction == "sum":
        return WeightedPick(t, -w if w is not None else -1.0, True)(logp)
    if reduction == "mean":
        total = n if w is None else w.sum()
        if not total:    # empty batch or every target ignored: 0/0, as in PyTorch
            return WeightedPick(t, -1.0, True)(logp) * float("nan")
        return WeightedPick(t, -1.0 / n if w is None else (w * (-1.0 / total)).astype(dt), True)(logp)
    raise ValueError(f"reduction must be 'none', 'mean' or 'sum', got {reduction!r}")


class BinaryCrossEntropy(Op):
    """Elementwise ``-(y log p + (1 - y) log(1 - p))`` with each log clamped at -100 (PyTorch's rule).

    A primitive because the composite ``clamp(log(p))`` has a 0/0 gradient at
    ``p`` exactly 0 or 1; PyTorch's gradient ``(p - y) / max(p (1 - p), 1e-12)``
    stays finite there.
    """

    def forward(self, p, y):
        with np.errstate(divide="ignore"):
            lp = np.maximum(np.log(p), -100.0)
            lq = np.maximum(np.log1p(-p), -100.0)
        out = lp - lq
        out *= y
        out += lq
        return np.negative(out, out=out)

    def backward(self, g):
        p, y = self.inputs
        gp = gy = None
        if p.requires_grad:
            from .elementwise import clamp
            gp = g * (p - y) / clamp(p * (1.0 - p), min=1e-12)
        if y.requires_grad:
            # d/dy = log(1 - p) - log p with the clamped logs (constant in p: first order only)
            pd = p._data
            with np.errstate(divide="ignore"):
                d = np.maximum(np.log1p(-pd), -100.0) - np.maximum(np.log(pd), -100.0)
            gy = g * const(d.astype(g._data.dtype, copy=False))
        return gp, gy


class BinaryCrossEntropyWithLogits(Op):
    """Elementwise ``(1 - y) x + (1 + (w_pos - 1) y) softplus(-x)``, stable for any logit.

    ``softplus(-x) = max(-x, 0) + log1p(exp(-|x|))``; without ``pos_weight`` this is
    ``max(x, 0) - x y + log1p(exp(-|x|))``. One op instead of ten composites: the
    gradient is just ``sigmoid(x) - y`` (scaled by ``pos_weight`` when given).
    ``pos_weight`` is a constant array broadcasting to ``x``.
    """

    def __init__(self, pos_weight=None):
        self.pos_weight = pos_weight

    def forward(self, x, y):
        sp = np.log1p(np.exp(-np.abs(x)))
        sp += np.maximum(-x, 0)                 # softplus(-x) = -log(sigmoid(x))
        pw = self.pos_weight
        if pw is not None:
            sp *= 1.0 + (pw - 1.0) * y
        out = x - x * y
        out += sp
        return out

    def backward(self, g):
        from .elementwise import abs as abs_, exp, log1p, relu, sigmoid
        x, y = self.inputs
        pw = self.pos_weight
        gx = gy = None
        if x.requires_grad:
            s = sigmoid(x)
            if pw is None:
                gx = g * (s - y)
            else:
                pwc = const(pw)
                gx = g * (s * (y * (pwc - 1.0) + 1.0) - y * pwc)
        if y.requires_grad:
            if pw is None:
                gy = -(g * x)
            else:
                sp = relu(-x) + log1p(exp(-abs_(x)))
                gy = g * (sp * const(pw - 1.0) - x)
        return gx, gy


class Hardtanh(Op):
    """``clip(x, lo, hi)`` with PyTorch's hardtanh gradient: 1 strictly inside, 0 at the bounds.

    (``clamp`` passes the gradient at the bounds too.) A primitive like ``Relu``:
    ``np.where`` for the composite is ~20x slower than a multiply on random signs.
    """

    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi

    def forward(self, x):
        return np.clip(x, self.lo, self.hi)

    def backward(self, g):
        x = self.inputs[0]._data
        return g * const((x > self.lo) & (x < self.hi))
