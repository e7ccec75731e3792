"""Fused primitives behind ``nerve.nn.functional``'s extra activations, norms and resampling.

Each earns its own backward where the composite would be unstable or slow:

* ``Softplus``, ``LogSigmoid``, ``Mish``: ``log1p(exp(x))`` overflows for large
  ``x`` and its gradient ``exp(x) / (1 + exp(x))`` is inf/inf there; evaluated as
  ``max(x, 0) + log1p(exp(-|x|))`` with the gradient ``sigmoid(x)`` they are
  finite everywhere.
* ``Hardswish``: one op instead of four (``x * hardsigmoid(x)``), with PyTorch's
  gradient (0 at and below -3, 1 at and above 3).
* ``PNorm``: the vector p-norm with PyTorch's gradient (0 where the norm is 0,
  split over ties for p = inf), used by ``normalize``, ``pairwise_distance``,
  ``cosine_similarity`` and the triplet loss.
* ``AxisResample``: ``out[..., j, ...] = sum_k w[k, j] * x[..., idx[k, j], ...]``
  along one axis, the building block of ``interpolate`` (nearest, linear, cubic
  and area taps) and of reflect/replicate/circular padding. Its gradient is the
  adjoint (a scatter-add, ``adjoint=True``), whose gradient is the gather again,
  so every order of derivative is exact.

Backward bodies use nerve tensor ops (double backward works); constant masks
enter through ``const``.
"""
from __future__ import annotations

import math

from .._backend import np
from ..autograd.function import Op
from ._util import const

__all__: list = []


# ------------------------------------------------------------ axis gather/scatter
def _as_slice(a):
    """``a`` (1-D int array) as an equivalent ``slice`` when it is an increasing progression."""
    n = a.size
    if n == 0:
        return slice(0, 0)
    start = int(a[0])
    if n == 1:
        return slice(start, start + 1)
    step = int(a[1]) - start
    if step <= 0:
        return a
    if np.array_equal(a, np.arange(start, start + step * n, step)):
        return slice(start, start + step * (n - 1) + 1, step)
    return a


def scatter_levels(idx):
    """Split the positions of ``idx`` into groups whose targets are distinct.

    Returns ``[(positions, targets), ...]``; within a group ``out[targets] += v[positions]``
    is a plain fancy-index update (no ``np.add.at``): the r-th group holds the r-th
    occurrence of every repeated target. The number of groups is the largest
    multiplicity (2 for nearest x2 upsampling, ``pad + 1`` for replicate padding).
    """
    idx = np.asarray(idx, dtype=np.int64)
    n = idx.size
    if n == 0:
        return []
    order = np.argsort(idx, kind="stable")
    srt = idx[order]
    pos = np.arange(n)
    first = np.ones(n, dtype=bool)
    first[1:] = srt[1:] != srt[:-1]
    start = np.maximum.accumulate(np.where(first, pos, 0))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = pos - start
    out = []
    for r in range(int(rank.max()) + 1):
        p = np.nonzero(rank == r)[0]
        out.append((_as_slice(p), _as_slice(idx[p])))
    return out


def gather_axis(x, axis, idx):
    """``x.take(idx, axis)`` (a copy), by slicing when ``idx`` is a progression."""
    s = _as_slice(idx) if isinstance(idx, np.ndarray) else idx
    if isinstance(s, slice):
        return np.ascontiguousarray(x[(slice(None),) * axis + (s,)])
    return np.take(x, idx, axis=axis)


def scatter_axis(v, axis, idx, n, levels=None, out=None):
    """The adjoint of ``gather_axis``: ``out[..., idx[j], ...] += v[..., j, ...]`` into size ``n``."""
    if out is None:
        shape = list(v.shape)
        shape[axis] = n
        out = np.zeros(shape, dtype=v.dtype)
    lead = (slice(None),) * axis
    for p, t in (scatter_levels(idx) if levels is None else levels):
        out[lead + (t,)] += v[lead + (p,)]
    return out


class AxisResample(Op):
    """``out[..., j, ...] = sum_k w[k, j] x[..., idx[k, j], ...]`` along ``axis`` (a linear map).

    ``idx``: int array (K, n_out) of source positions in ``[0, n_in)``; ``w``: (K, n_out)
    weights in the input's dtype, or None for weight 1 (nearest, padding). With
    ``adjoint=True`` it computes the transpose (scatter-add from n_out back to n_in),
    which is the gradient; the gradient of the transpose is the forward again.
    """
    saved = ()

    def __init__(self, axis, idx, w, n_in, adjoint=False, levels=None):
        self.axis, self.idx, self.w, self.n_in, self.adjoint = axis, idx, w, n_in, adjoint
        self._levels = levels

    def _wk(self, k, ndim):
        shape = [1] * ndim
        shape[self.axis] = self.w.shape[1]
        return self.w[k].reshape(shape)

    def levels(self):
        if self._levels is None:
            self._levels = [scatter_levels(i) for i in self.idx]
        return self._levels

    def forward(self, x):
        ax, w = self.axis, self.w
        if not self.adjoint:
            out = None
            for k in range(self.idx.shape[0]):
                t = gather_axis(x, ax, self.idx[k])
                if w is not None:
                    t *= self._wk(k, x.ndim)
                out = t if out is None else np.add(out, t, out=out)
            return out
        shape = list(x.shape)
        shape[ax] = self.n_in
        out = np.zeros(shape, dtype=x.dtype)
        for k, lv in enumerate(self.levels()):
            v = x if w is None else x * self._wk(k, x.ndim)
            scatter_axis(v, ax, self.idx[k], self.n_in, lv, out)
        return out

    def backward(self, g):
        return AxisResample(self.axis, self.idx, self.w, self.n_in, not self.adjoint, self.levels())(g)


def resample(x, axis, idx, w=None):
    """Apply ``AxisResample`` (``idx``/``w`` as 1-D for one tap or (K, n_out))."""
    idx = np.asarray(idx, dtype=np.int64)
    if idx.ndim == 1:
        idx = idx[None]
        w = None if w is None else np.asarray(w)[None]
    return AxisResample(axis, idx, w, x._data.shape[axis])(x)


# ------------------------------------------------------------ smooth activations
def _softplus_array(z):
    """``log(1 + exp(z))`` without overflow: ``max(z, 0) + log1p(exp(-|z|))``."""
    out = np.log1p(np.exp(-np.abs(z)))
    out += np.maximum(z, 0)
    return out


class Softplus(Op):
    """``log(1 + exp(beta x)) / beta``, and ``x`` where ``beta x > threshold`` (None: never).

    PyTorch's gradient ``sigmoid(beta x)`` (1 in the linear region), finite for any ``x``.
    """

    def __init__(self, beta=1.0, threshold=20.0):
        self.beta, self.threshold = beta, threshold

    def forward(self, x):
        bx = x * self.beta if self.beta != 1 else x
        out = _softplus_array(bx)
        if self.beta == 0:          # log(2) / 0, as PyTorch: inf everywhere
            out = np.full(np.shape(x), np.inf, dtype=x.dtype)
        elif self.beta != 1:
            out *= 1.0 / self.beta
        if self.threshold is not None:
            self.lin = bx > self.threshold
            if self.lin.any():
                out = np.where(self.lin, x, out)
            else:
                self.lin = None
        else:
            self.lin = None
        return out.astype(x.dtype, copy=False)

    def backward(self, g):
        from .elementwise import Where, sigmoid
        x = self.inputs[0]
        s = sigmoid(x * self.beta if self.beta != 1 else x)
        if self.lin is not None:
            s = Where(self.lin)(const(np.ones((), dtype=s._data.dtype)), s)
        return g * s


class LogSigmoid(Op):
    """``log(sigmoid(x)) = -softplus(-x)``; gradient ``sigmoid(-x)``."""

    def forward(self, x):
        return np.negative(_softplus_array(-x))

    def backward(self, g):
        from .elementwise import sigmoid
        return g * sigmoid(-self.inputs[0])


class Mish(Op):
    """``x * tanh(softplus(x))``; gradient ``tsp + x * sigmoid(x) * (1 - tsp^2)``, ``tsp = tanh(softplus(x))``."""

    def forward(self, x):
        return x * np.tanh(_softplus_array(x))

    def backward(self, g):
        from .elementwise import sigmoid, tanh
        x = self.inputs[0]
        tsp = tanh(Softplus(1.0, None)(x))
        return g * (tsp + x * sigmoid(x) * (1.0 - tsp * tsp))


class Hardswish(Op):
    """``x * relu6(x + 3) / 6``; PyTorch's gradient: 0 for ``x <= -3``, ``x / 3 + 1/2`` strictly
    between, 1 for ``x >= 3``."""

    def forward(self, x):
        return x * (np.clip(x + 3.0, 0.0, 6.0) * (1.0 / 6.0))

    def backward(self, g):
        x = self.inputs[0]
        xd = x._data
        mid = (xd > -3.0) & (xd < 3.0)
        dt = g._data.dtype
        base = const((mid * 0.5 + (xd >= 3.0)).astype(dt))
        return g * (x * const((mid * (1.0 / 3.0)).astype(dt)) + base)


# ------------------------------------------------------------------------ p-norm
class PNorm(Op):
    """The vector p-norm over ``axes`` (PyTorch's ``linalg.vector_norm``), with its gradient."""
    save_output = True

    def __init__(self, p, axes, keepdim):
        self.p, self.axes, self.keepdim = float(p), axes, keepdim

    def forward(self, x):
        p, ax, kd = self.p, self.axes, self.keepdim
        a = np.abs(x)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if p == 2.0:
                out = np.sqrt((x * x).sum(axis=ax, keepdims=kd))
            elif p == 1.0:
                out = a.sum(axis=ax, keepdims=kd)
            elif p == math.inf:
                out = a.max(axis=ax, keepdims=kd, initial=0)
            elif p == -math.inf:
                out = a.min(axis=ax, keepdims=kd, initial=math.inf)
            elif p == 0.0:
                out = (x != 0).sum(axis=ax, keepdims=kd).astype(x.dtype)
            else:
                out = (a ** p).sum(axis=ax, keepdims=kd) ** (1.0 / p)
        return np.asarray(out, dtype=x.dtype)

    def _expand(self, t, ndim):
        """A reduced tensor reshaped to broadcast against the input (keepdim shape)."""
        if self.keepdim or self.axes is None:
            return t if self.keepdim else t.reshape((1,) * ndim)
        shape = list(t._data.shape)
        for a in sorted(self.axes):
            shape.insert(a, 1)
        return t.reshape(tuple(shape))

    def backward(self, g):
        from .elementwise import Where, abs as abs_
        x = self.inputs[0]
        xd = x._data
        p = self.p
        dt = g._data.dtype
        if p == 0.0:
            return None                  # piecewise constant: zero gradient
        gb = self._expand(g, xd.ndim)
        if p == 1.0:
            return gb * const(np.sign(xd).astype(dt))
        norm = self._expand(self.output(), xd.ndim)
        nd = norm._data
        zero = nd == 0
        if p == 2.0:
            safe = Where(zero)(const(np.ones((), dtype=dt)), norm) if zero.any() else norm
            out = x * (gb / safe)
            if zero.any():
                out = out * const(~np.broadcast_to(zero, xd.shape))
            return out
        if math.isinf(p):
            mask = (np.abs(xd) == nd) | np.isnan(xd)
            cnt = mask.sum(axis=self.axes, keepdims=True)
            w = np.sign(xd) * mask / np.maximum(cnt, 1)
            return gb * const(w.astype(dt))
        sgn = const(np.sign(xd).astype(dt))
        if p < 1.0:
            with np.errstate(divide="ignore", invalid="ignore"):
                pw = np.where(xd == 0, 0.0, np.abs(xd) ** (p - 1.0)).astype(dt)
            return sgn * const(pw) * gb * norm ** (1.0 - p)
        scaled = sgn * abs_(x) ** (p - 1.0)
        safe = Where(zero)(const(np.ones((), dtype=dt)), norm) if zero.any() else norm
        scale = gb / safe ** (p - 1.0)
        if zero.any():
            scale = scale * const(~zero)
        return scaled * scale


def vector_norm(x, p=2.0, dim=None, keepdim=False):
    """``PNorm`` with PyTorch's ``dim`` handling (None: all dims)."""
    from ._util import norm_dim
    axes = norm_dim(dim, x._data.ndim, "norm")
    if axes is not None and x._data.ndim == 0:
        axes = None
    return PNorm(p, axes, keepdim)(x)


TENSOR_METHODS: dict = {}


# ---------------------------------------------------------------- interpolation taps
# PyTorch's CPU upsampling computes source indices in the input's float type (float32
# for float32 input), so these do too: the floors then land on the same side.
def _ft(dtype):
    return np.float64 if dtype == np.float64 else np.float32


def _source_scale(n_in, n_out, align_corners, scale, ft):
    """``area_pixel_compute_scale``: the step between source positions of adjacent outputs."""
    if align_corners:
        return ft(n_in - 1) / ft(n_out - 1) if n_out > 1 else ft(0)
    if scale is not None and scale > 0:
        return ft(1.0 / scale)
    return ft(n_in) / ft(n_out)


def _source_index(n_in, n_out, align_corners, scale, ft, cubic):
    s = _source_scale(n_in, n_out, align_corners, scale, ft)
    j = np.arange(n_out).astype(ft)
    if align_corners:
        return s * j
    real = s * (j + ft(0.5)) - ft(0.5)
    return real if cubic else np.maximum(real, ft(0))


def _guard(real, n_in, ft):
    """``guard_index_and_lambda``: the floor index (at most n_in - 1) and the fraction in [0, 1]."""
    i0 = np.minimum(np.floor(real).astype(np.int64), n_in - 1)
    lam = np.clip(real - i0.astype(ft), ft(0), ft(1)).astype(ft)
    return i0, lam


def linear_taps(n_in, n_out, align_corners, scale, dtype):
    """Two taps per output: ``(1 - l) x[i0] + l x[i0 + 1]`` (linear/bilinear/trilinear)."""
    ft = _ft(dtype)
    i0, lam = _guard(_source_index(n_in, n_out, align_corners, scale, ft, False), n_in, ft)
    i1 = i0 + (i0 < n_in - 1)
    return np.stack([i0, i1]), np.stack([ft(1) - lam, lam]).astype(dtype)


_CUBIC_A = -0.75


def _cc1(x, a=_CUBIC_A):
    return ((a + 2) * x - (a + 3)) * x * x + 1


def _cc2(x, a=_CUBIC_A):
    return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a


def cubic_taps(n_in, n_out, align_corners, scale, dtype):
    """Four taps per output with Keys' cubic kernel (a = -0.75), sources clamped to the edge."""
    ft = _ft(dtype)
    i0, t = _guard(_source_index(n_in, n_out, align_corners, scale, ft, True), n_in, ft)
    one = ft(1)
    w = np.stack([_cc2(t + one), _cc1(t), _cc1(one - t), _cc2(ft(2) - t)]).astype(dtype)
    idx = np.stack([np.clip(i0 - 1 + k, 0, n_in - 1) for k in range(4)])
    return idx, w


def nearest_taps(n_in, n_out, scale, exact, dtype, two_d):
    """PyTorch's nearest source index per output position.

    Its 2-d kernel (``nearest_idx``) works in float32 whatever the dtype and copies
    exactly when the output is 1x or 2x the input; the 1-d and 3-d kernels use
    ``floor(j * s)`` (``floor((j + 0.5) * s)`` for nearest-exact) in the input's
    float type with no shortcut. ``s = 1 / scale`` when a scale factor is given,
    else ``n_in / n_out``.
    """
    j = np.arange(n_out, dtype=np.int64)
    if two_d:
        if not exact and n_out == n_in:
            return j
        if not exact and n_out == 2 * n_in:
            return j >> 1
        ft = np.float32
    else:
        ft = _ft(dtype)
    s = ft(1.0 / scale) if scale is not None and scale > 0 else ft(n_in) / ft(n_out)
    if exact and two_d:
        src = np.floor(((j + 0.5) * np.float64(s)).astype(np.float32))
    elif exact:
        src = np.floor(s * (j.astype(ft) + ft(0.5)))
    else:
        src = np.floor(j.astype(ft) * s)
    return np.minimum(src.astype(np.int64), n_in - 1)


def area_taps(n_in, n_out, dtype):
    """Adaptive average pooling: output i averages inputs ``[floor(i n/m), ceil((i+1) n/m))``."""
    i = np.arange(n_out, dtype=np.int64)
    start = (i * n_in) // n_out
    end = ((i + 1) * n_in + n_out - 1) // n_out
    cnt = end - start
    k = int(cnt.max()) if n_out else 1
    idx = start[None] + np.arange(k)[:, None]
    valid = idx < end[None]
    idx = np.minimum(idx, end[None] - 1)
    return idx, (valid / cnt[None]).astype(dtype)
