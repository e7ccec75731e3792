"""Sorting, selection and scans; order statistics, NaN-aware reductions and sampling.

PyTorch's names, signatures and semantics:

* scans: ``cumsum``, ``cumprod``, ``cummax``, ``cummin``, ``logcumsumexp``;
* sorting and selection: ``sort``, ``argsort``, ``msort``, ``topk``, ``kthvalue``,
  ``median``, ``nanmedian``, ``mode``, ``unique``, ``unique_consecutive``;
* statistics: ``var_mean``, ``std_mean``, ``quantile``, ``nanquantile``,
  ``count_nonzero``, ``aminmax``, ``nansum``, ``nanmean``;
* the ``torch.*`` norms ``norm``, ``dist``, ``cdist`` (their math lives in
  ``nerve.linalg`` next to ``vector_norm``; they are exported from here so that
  they land in ``nerve.*``);
* sampling: ``multinomial``, ``bernoulli``, ``poisson`` (drawn from nerve's
  generator, ``generator=`` or the default one seeded by ``nerve.manual_seed``).

A selection op (sort, topk, median(dim), cummax, ...) computes its indices on
the raw array and reads the values with one primitive, ``TakeAlongDim``, whose
gradient scatters the upstream gradient back to the selected positions (and
whose own gradient reads it again, so double backward works). NaN counts as
the largest value, as in PyTorch. Functions that reduce over a dim accept
PyTorch's ``axis=`` alias.

Example:
    >>> x = nerve.tensor([[3.0, 1.0, 2.0]], requires_grad=True)
    >>> values, indices = x.sort(descending=True)
    >>> values.sum().backward()             # every element was selected once
    >>> nerve.quantile(x.detach(), 0.5, dim=1)
    tensor([2.])
"""
from __future__ import annotations

import collections
import numbers

from .._backend import get_rng, np, to_dtype
from ..autograd.function import Op
from ..autograd.grad_mode import _enabled
from ..tensor import Tensor
from ._util import _make, const, norm_dim

__all__ = [
    # scans
    "cumsum", "cumprod", "cummax", "cummin", "logcumsumexp",
    # sorting and selection
    "sort", "argsort", "msort", "topk", "kthvalue", "median", "nanmedian", "mode", "unique",
    "unique_consecutive",
    # statistics
    "var_mean", "std_mean", "quantile", "nanquantile", "count_nonzero", "aminmax", "nansum", "nanmean",
    # norms (torch.* entry points; nerve.linalg has the torch.linalg ones)
    "norm", "dist", "cdist",
    # sampling
    "multinomial", "bernoulli", "poisson",
]

# PyTorch's torch.return_types: named tuples whose type name is the op's
_cummax_t = collections.namedtuple("cummax", ["values", "indices"])
_cummin_t = collections.namedtuple("cummin", ["values", "indices"])
_sort_t = collections.namedtuple("sort", ["values", "indices"])
_topk_t = collections.namedtuple("topk", ["values", "indices"])
_kthvalue_t = collections.namedtuple("kthvalue", ["values", "indices"])
_median_t = collections.namedtuple("median", ["values", "indices"])
_nanmedian_t = collections.namedtuple("nanmedian", ["values", "indices"])
_mode_t = collections.namedtuple("mode", ["values", "indices"])
_aminmax_t = collections.namedtuple("aminmax", ["min", "max"])


# ------------------------------------------------------------------ helpers
def _dim_arg(dim, axis, name, default=None):
    """PyTorch's ``axis=`` alias for ``dim=``."""
    if axis is None:
        return dim
    if dim is not None and dim != default:
        raise TypeError(f"{name}(): got both dim={dim!r} and axis={axis!r}; pass one of them")
    return axis


def _scan_dim(dim, axis, name):
    """The required ``dim`` of a scan (given as ``dim`` or ``axis``)."""
    dim = _dim_arg(dim, axis, name)
    if dim is None:
        raise TypeError(f"{name}() missing required argument 'dim' (int)")
    return dim


def _one_dim(x, dim, name):
    """One integer ``dim`` normalised to ``[0, ndim)`` (a 0-d tensor takes 0 or -1)."""
    if isinstance(dim, bool) or not isinstance(dim, numbers.Integral):
        raise TypeError(f"{name}(): argument 'dim' must be int, not {type(dim).__name__}")
    return norm_dim(dim, x._data.ndim, name)[0]


def _dims(x, dim, name):
    """``dim`` (None, int or sequence) as reduction axes; None (all) for a 0-d tensor or ``dim=()``."""
    if x._data.ndim == 0:
        norm_dim(dim, 0, name)
        return None
    if dim is not None and not isinstance(dim, numbers.Integral) and len(dim) == 0:
        return None
    return norm_dim(dim, x._data.ndim, name)


def _reduced_count(shape, axes):
    n = 1
    for i, s in enumerate(shape):
        if axes is None or i in axes:
            n *= s
    return n


def _out_shape(shape, axes, keepdim):
    if keepdim:
        return tuple(1 if axes is None or i in axes else s for i, s in enumerate(shape))
    return tuple(s for i, s in enumerate(shape) if axes is not None and i not in axes)


def _as_1d(x):
    from .shape import reshape
    return reshape(x, (1,))


def _squeeze_to(t, shape):
    """Reshape a selection result to ``shape`` (drop the kept dim); a Tensor or a raw index array."""
    if isinstance(t, Tensor):
        if t._data.shape == shape:
            return t
        from .shape import reshape
        return reshape(t, shape)
    return t.reshape(shape)


def _index(idx):
    a = np.asarray(idx, dtype=np.int64)
    return _make(a if a.flags.c_contiguous else a.copy())


def _float_dtype_check(x, name, what="floating point"):
    if x._data.dtype.kind not in "fc":
        raise RuntimeError(f"{name}(): expected a {what} tensor, got {x._data.dtype}; convert with .float() first")


def _argsort(a, axis, descending=False, stable=False):
    """Indices that sort ``a`` along ``axis``; NaN is the largest value (last ascending, first
    descending) and ``stable`` keeps equal elements in their input order in both directions."""
    kind = "stable" if stable else None
    if not descending:
        return np.argsort(a, axis=axis, kind=kind)
    # descending = ascending sort of the reversed array, read backwards (stability is kept)
    n = a.shape[axis]
    idx = np.argsort(np.flip(a, axis), axis=axis, kind=kind)
    return (n - 1) - np.flip(idx, axis)


def _linear_index(index, axis, shape):
    """Flat (C-order) positions in an array of ``shape`` of ``index`` taken along ``axis``."""
    lin = np.zeros(index.shape, np.int64)
    stride = 1
    for d in range(len(shape) - 1, -1, -1):
        if d == axis:
            lin = lin + index.astype(np.int64) * stride
        else:
            r = [1] * index.ndim
            r[d] = index.shape[d]
            lin = lin + np.arange(index.shape[d], dtype=np.int64).reshape(r) * stride
        stride *= shape[d]
    return lin


# --------------------------------------------------- the selection primitive
class TakeAlongDim(Op):
    """``out = take_along_axis(x, index, axis)``; the gradient scatters ``g`` back by index.

    ``unique``: no position is selected twice along ``axis`` (sort, topk, one index per
    slice), so the scatter is a plain assignment; otherwise repeated positions add up.
    """
    saved = ()   # backward reads the index only, not x's values

    def __init__(self, index, axis, unique):
        self.index, self.axis, self.unique = index, axis, unique

    def forward(self, x):
        self.shape = x.shape
        return np.take_along_axis(x, self.index, self.axis)

    def backward(self, g):
        return ScatterAlongDim(self.index, self.axis, self.shape, self.unique)(g)


class ScatterAlongDim(Op):
    """Zeros of ``shape`` with ``g`` added at ``index`` along ``axis`` (TakeAlongDim's adjoint)."""
    saved = ()

    def __init__(self, index, axis, shape, unique):
        self.index, self.axis, self.shape, self.unique = index, axis, shape, unique

    def forward(self, g):
        if self.unique:
            out = np.zeros(self.shape, g.dtype)
            np.put_along_axis(out, self.index, g, self.axis)
            return out
        size = int(np.prod(self.shape, dtype=np.int64))
        lin = _linear_index(self.index, self.axis, self.shape).ravel()
        # bincount sums repeated positions in one pass (np.add.at is an order of magnitude slower)
        return np.bincount(lin, weights=np.asarray(g).ravel(), minlength=size).astype(g.dtype).reshape(self.shape)

    def backward(self, gg):
        return TakeAlongDim(self.index, self.axis, self.unique)(gg)


def _take(x, index, axis, unique=True):
    return TakeAlongDim(index, axis, unique)(x)


# ---------------------------------------------------------------- scans
def _flip_cumsum_flip(a, axis):
    return np.flip(np.cumsum(np.flip(a, axis), axis), axis)


def _rev_cumsum(t, axis):
    """Suffix sums along ``axis`` of a Tensor (differentiable)."""
    from .shape import flip
    return flip(CumSum(axis)(flip(t, (axis,))), (axis,))


class CumSum(Op):
    saved = ()

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        return np.cumsum(x, axis=self.axis)

    def backward(self, g):
        if not _enabled[0]:
            return _make(_flip_cumsum_flip(g._data, self.axis))
        return _rev_cumsum(g, self.axis)


def _scan_input(input, dim, dtype, name):
    """Cast per ``dtype=``, or integers/bools to int64 (PyTorch's rule for cumsum/cumprod)."""
    from .elementwise import cast
    x = input
    if dtype is not None:
        x = cast(x, to_dtype(dtype))
    elif x._data.dtype.kind in "biu" and x._data.dtype != np.int64:
        x = cast(x, np.dtype(np.int64))
    return x, _one_dim(x, dim, name)


def cumsum(input, dim=None, *, dtype=None, axis=None):  # noqa: A002 - PyTorch names
    """Cumulative sum along ``dim``; integer and bool inputs give int64 (or ``dtype``).

    Example:
        >>> nerve.cumsum(nerve.tensor([1, 2, 3]), 0)
        tensor([1, 3, 6])
    """
    dim = _scan_dim(dim, axis, "cumsum")
    x, ax = _scan_input(input, dim, dtype, "cumsum")
    if x._data.ndim == 0:
        from .elementwise import clone
        return clone(x)
    return CumSum(ax)(x)


class CumProd(Op):
    """Cumulative product. Its gradient is exact with zeros in the input: before a slice's
    first zero ``revcumsum(g * y) / x``; at the first zero the product of the others,
    ``revcumsum(g * cumprod(x with that zero set to 1))``; after it zero."""
    save_output = True

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        return np.cumprod(x, axis=self.axis)

    def backward(self, g):
        ax = self.axis
        x = self.inputs[0]
        xd = x._data
        zero = xd == 0
        if not _enabled[0]:
            gd, yd = g._data, self._out()._data
            if not zero.any():
                return _make(_flip_cumsum_flip(gd * yd, ax) / xd)
            nz = np.cumsum(zero, axis=ax)
            first, before = zero & (nz == 1), nz == 0
            a = _flip_cumsum_flip(gd * yd, ax) / np.where(zero, 1, xd)
            b = _flip_cumsum_flip(gd * np.cumprod(np.where(first, 1, xd), axis=ax), ax)
            return _make(np.where(before, a, np.where(first, b, 0)).astype(xd.dtype, copy=False))
        if not zero.any():
            return _rev_cumsum(g * self.output(), ax) / x
        return _cumprod_grad_graph(x, g, ax)


def _cumprod_grad_graph(x, g, ax):
    """``dx_i = sum_{j >= i} g_j prod_{m <= j, m != i} x_m`` with tensor ops, O(n^2) along ``ax``.

    Used for create_graph when the input holds zeros: the O(n) zero-aware formula has the right
    value but drops the dependence of the gradient after a zero on that zero (PyTorch switches to
    the same O(n^2) form in grad mode)."""
    from .elementwise import Where
    from .reduce import sum as _sum
    from .shape import expand, movedim, unsqueeze
    dt = x._data.dtype
    xm, gm = movedim(x, ax, -1), movedim(g, ax, -1)
    n = xm._data.shape[-1]
    lead = xm._data.shape[:-1]
    rows = expand(unsqueeze(xm, -2), lead + (n, n))                    # [..., i, m] = x_m
    c = CumProd(len(lead) + 1)(Where(np.eye(n, dtype=bool))(const(np.ones((), dt)), rows))
    upper = np.triu(np.ones((n, n), bool))                             # j >= i
    terms = Where(upper)(c * unsqueeze(gm, -2), const(np.zeros((), dt)))
    return movedim(_sum(terms, -1), -1, ax)


def cumprod(input, dim=None, *, dtype=None, axis=None):  # noqa: A002
    """Cumulative product along ``dim``; integer and bool inputs give int64 (or ``dtype``).
    The gradient is exact also where the input holds zeros.

    Example:
        >>> nerve.cumprod(nerve.tensor([2.0, 0.0, 3.0]), 0)
        tensor([2., 0., 0.])
    """
    dim = _scan_dim(dim, axis, "cumprod")
    x, ax = _scan_input(input, dim, dtype, "cumprod")
    if x._data.ndim == 0:
        from .elementwise import clone
        return clone(x)
    return CumProd(ax)(x)


def _cum_extreme(input, dim, axis, acc, name, rt):
    dim = _scan_dim(dim, axis, name)
    x = input
    ax = _one_dim(x, dim, name)
    if x._data.ndim == 0:
        from .elementwise import clone
        return rt(clone(x), _index(np.zeros((), np.int64)))
    xd = x._data
    vals = acc.accumulate(xd, axis=ax)
    # the latest position holding the running extreme (PyTorch's >= rule); a NaN is the
    # extreme from where it appears, and a later NaN takes over
    mark = xd == vals
    if xd.dtype.kind in "fc":
        mark |= np.isnan(xd)
    shape = [1] * xd.ndim
    shape[ax] = xd.shape[ax]
    pos = np.where(mark, np.arange(xd.shape[ax]).reshape(shape), 0)
    idx = np.maximum.accumulate(pos, axis=ax) if xd.size else pos
    return rt(_take(x, idx, ax, unique=False), _index(idx))


def cummax(input, dim=None, *, axis=None):  # noqa: A002
    """Running maximum along ``dim`` -> ``(values, indices)``; ``indices`` is the last position of
    each running maximum, and the gradient flows to that element.

    Example:
        >>> nerve.cummax(nerve.tensor([1.0, 3.0, 2.0, 3.0]), 0).indices
        tensor([0, 1, 1, 3])
    """
    return _cum_extreme(input, dim, axis, np.maximum, "cummax", _cummax_t)


def cummin(input, dim=None, *, axis=None):  # noqa: A002
    """Running minimum along ``dim`` -> ``(values, indices)`` (see ``cummax``)."""
    return _cum_extreme(input, dim, axis, np.minimum, "cummin", _cummin_t)


class LogCumSumExp(Op):
    """``log(cumsum(exp(x)))`` with a running shift (``np.logaddexp.accumulate``).

    Gradient: ``dx_i = sum_{j >= i} g_j exp(x_i - y_j)``. The plain backward computes it in
    O(n) by splitting ``g`` into its positive and negative parts, each summed in log space;
    the recorded (create_graph) form builds the masked ``n x n`` matrix of ``exp(x_i - y_j)``
    (every entry <= 1, so it cannot overflow) and is O(n^2) along ``dim``.
    """
    save_output = True

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        return np.logaddexp.accumulate(x, axis=self.axis)

    def backward(self, g):
        ax = self.axis
        x = self.inputs[0]
        if not _enabled[0]:
            gd, xd, yd = g._data, x._data, self._out()._data
            out = np.zeros(xd.shape, xd.dtype)
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                for part, sign in ((np.maximum(gd, 0), 1), (np.maximum(-gd, 0), -1)):
                    r = np.flip(np.logaddexp.accumulate(np.flip(np.log(part) - yd, ax), axis=ax), ax)
                    out += sign * np.exp(xd + r)
            return _make(out)
        from .elementwise import Where, exp
        from .reduce import sum as _sum
        from .shape import unsqueeze
        n = x._data.shape[ax]
        y = self.output()
        diff = unsqueeze(x, ax + 1) - unsqueeze(y, ax)              # [..., i, j, ...] = x_i - y_j
        shape = [1] * (x._data.ndim + 1)
        shape[ax], shape[ax + 1] = n, n
        upper = np.triu(np.ones((n, n), bool)).reshape(shape)        # j >= i
        w = exp(Where(upper)(diff, const(np.asarray(-np.inf, x._data.dtype))))
        return _sum(w * unsqueeze(g, ax), ax + 1)


def logcumsumexp(input, dim=None, *, axis=None):  # noqa: A002
    """``log(cumsum(exp(input), dim))`` computed stably (no overflow or underflow).

    Example:
        >>> nerve.logcumsumexp(nerve.tensor([0.0, 0.0]), 0)
        tensor([0.    , 0.6931])
    """
    dim = _scan_dim(dim, axis, "logcumsumexp")
    x = input
    if x._data.dtype.kind not in "fc":
        raise NotImplementedError(
            f"logcumsumexp(): not implemented for {x._data.dtype} tensors; convert with .float() first")
    ax = _one_dim(x, dim, "logcumsumexp")
    if x._data.ndim == 0:
        from .elementwise import clone
        return clone(x)
    return LogCumSumExp(ax)(x)


# ------------------------------------------------------ sorting and selection
def sort(input, dim=-1, descending=False, stable=False, *, axis=None):  # noqa: A002
    """Sort along ``dim`` -> ``(values, indices)``. NaN sorts as the largest value;
    ``stable=True`` keeps equal elements in input order. The gradient goes back by index.

    Example:
        >>> nerve.sort(nerve.tensor([3.0, 1.0, 2.0]), descending=True)
        sort(values=tensor([3., 2., 1.]), indices=tensor([0, 2, 1]))
    """
    dim = _dim_arg(dim, axis, "sort", -1)
    ax = _one_dim(input, dim, "sort")
    if input._data.ndim == 0:
        from .elementwise import clone
        return _sort_t(clone(input), _index(np.zeros((), np.int64)))
    idx = _argsort(input._data, ax, descending, stable)
    return _sort_t(_take(input, idx, ax), _index(idx))


def argsort(input, dim=-1, descending=False, stable=False, *, axis=None):  # noqa: A002
    """The indices that sort ``input`` along ``dim`` (``sort(...).indices``)."""
    dim = _dim_arg(dim, axis, "argsort", -1)
    ax = _one_dim(input, dim, "argsort")
    if input._data.ndim == 0:
        return _index(np.zeros((), np.int64))
    return _index(_argsort(input._data, ax, descending, stable))


def msort(input):  # noqa: A002
    """``sort(input, dim=0).values``."""
    return sort(input, 0).values


def topk(input, k, dim=-1, largest=True, sorted=True, *, axis=None):  # noqa: A002
    """The ``k`` largest (or smallest) elements along ``dim`` -> ``(values, indices)``.

    Selects with ``argpartition`` (O(n)) and sorts only the ``k`` chosen when ``sorted``
    (otherwise their order is unspecified, as in PyTorch). NaN counts as the largest.

    Example:
        >>> nerve.topk(nerve.tensor([1.0, 5.0, 3.0]), 2).indices
        tensor([1, 2])
    """
    dim = _dim_arg(dim, axis, "topk", -1)
    if dim is None:
        dim = -1
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise TypeError(f"topk(): argument 'k' must be int, not {type(k).__name__}")
    ax = _one_dim(input, dim, "topk")
    xd = input._data
    n = xd.shape[ax] if xd.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError(
            f"topk(): selected index k={k} out of range: dimension {dim} of the input (shape "
            f"{tuple(xd.shape)}) has {n} elements")
    if xd.ndim == 0:
        from .elementwise import clone
        return _topk_t(clone(input), _index(np.zeros((), np.int64)))
    if k == 0:
        shape = list(xd.shape)
        shape[ax] = 0
        idx = np.zeros(shape, np.int64)
    elif sorted and 2 * k > n:     # most of the slice: one full sort is cheaper
        idx = np.take(_argsort(xd, ax, descending=largest), np.arange(k), axis=ax)
    else:
        if largest:
            idx = np.take(np.argpartition(xd, n - k, axis=ax), np.arange(n - k, n), axis=ax)
        else:
            idx = np.take(np.argpartition(xd, k - 1, axis=ax), np.arange(k), axis=ax)
        if sorted:
            idx = np.take_along_axis(idx, _argsort(np.take_along_axis(xd, idx, ax), ax, descending=largest), ax)
    return _topk_t(_take(input, idx, ax), _index(idx))


def _select(input, idx_keep, ax, keepdim, rt):
    """Values at one index per slice (``idx_keep`` has size 1 along ``ax``) and the indices."""
    vals = _take(input, idx_keep, ax)
    if keepdim:
        return rt(vals, _index(idx_keep))
    shape = idx_keep.shape[:ax] + idx_keep.shape[ax + 1:]
    return rt(_squeeze_to(vals, shape), _index(idx_keep.reshape(shape)))


def _nonempty_dim(x, ax, dim, name):
    if x._data.ndim and x._data.shape[ax] == 0:
        raise IndexError(
            f"{name}(): Expected reduction dim {dim} to have non-zero size (input shape {tuple(x._data.shape)})")


def kthvalue(input, k, dim=-1, keepdim=False, *, axis=None):  # noqa: A002
    """The ``k``-th smallest element (1-based) along ``dim`` -> ``(values, indices)``.

    Example:
        >>> nerve.kthvalue(nerve.tensor([3.0, 1.0, 2.0]), 2)
        kthvalue(values=tensor(2.), indices=tensor(2))
    """
    dim = _dim_arg(dim, axis, "kthvalue", -1)
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise TypeError(f"kthvalue(): argument 'k' must be int, not {type(k).__name__}")
    ax = _one_dim(input, dim, "kthvalue")
    _nonempty_dim(input, ax, dim, "kthvalue")
    x = input if input._data.ndim else _as_1d(input)
    n = x._data.shape[ax]
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k={k} out of range for dimension {dim} of size {n}")
    idx = np.take(np.argpartition(x._data, k - 1, axis=ax), [k - 1], axis=ax)
    if input._data.ndim == 0:
        return _kthvalue_t(_squeeze_to(_take(x, idx, 0), ()), _index(idx.reshape(())))
    return _select(x, idx, ax, keepdim, _kthvalue_t)


class _MedianAll(Op):
    """The lower median of all elements (NaN if any is NaN, or all for ``ignore_nan``).

    Its gradient is shared evenly by the elements equal to the median (PyTorch's rule
    for ``median()`` without ``dim``; with ``dim`` one index gets it)."""
    save_output = True

    def __init__(self, ignore_nan):
        self.ignore_nan = ignore_nan

    def forward(self, x):
        flat = x.ravel()
        isnan = np.isnan(flat) if flat.dtype.kind in "fc" else np.zeros(flat.shape, bool)
        c = flat.size - int(isnan.sum()) if self.ignore_nan else flat.size
        if c == 0 or (not self.ignore_nan and isnan.any()):
            return np.asarray(np.nan if flat.dtype.kind in "fc" else 0, dtype=flat.dtype)
        k = (c - 1) // 2
        return np.asarray(np.partition(flat[~isnan] if self.ignore_nan else flat, k)[k])

    def backward(self, g):
        xd, yd = self.inputs[0]._data, self._out()._data
        mask = xd == yd
        if xd.dtype.kind in "fc" and np.isnan(yd):
            mask = np.isnan(xd)
        w = (mask / max(int(mask.sum()), 1)).astype(g._data.dtype)
        if not _enabled[0]:
            return _make(g._data * w)
        return g * const(w)


def _median_dim(input, dim, keepdim, axis, ignore_nan, name, rt):
    dim = _dim_arg(dim, axis, name)
    ax = _one_dim(input, dim, name)
    _nonempty_dim(input, ax, dim, name)
    x = input if input._data.ndim else _as_1d(input)
    xd = x._data
    n = xd.shape[ax]
    # PyTorch returns the position a stable sort gives the median (NaN sorts last)
    order = np.argsort(xd, axis=ax, kind="stable")
    if xd.dtype.kind in "fc":
        nan = np.isnan(xd)
        if ignore_nan:
            c = n - nan.sum(axis=ax, keepdims=True)
            k = np.maximum(c - 1, 0) // 2
            idx = np.take_along_axis(order, k, ax)
        else:
            idx = np.take(order, [(n - 1) // 2], axis=ax)
            has = nan.any(axis=ax, keepdims=True)
            if has.any():   # a slice with a NaN has median NaN, at its first NaN
                idx = np.where(has, np.argmax(nan, axis=ax).reshape(has.shape), idx)
    else:
        idx = np.take(order, [(n - 1) // 2], axis=ax)
    if input._data.ndim == 0:
        return rt(_squeeze_to(_take(x, idx, 0), ()), _index(idx.reshape(())))
    return _select(x, idx, ax, keepdim, rt)


def median(input, dim=None, keepdim=False, *, axis=None):  # noqa: A002
    """The lower median (no averaging of the two middle values, as in PyTorch).

    ``median(x)`` -> a 0-d tensor over all elements (NaN if any element is NaN);
    ``median(x, dim)`` -> ``(values, indices)`` along ``dim``.

    Example:
        >>> nerve.median(nerve.tensor([4.0, 1.0, 3.0, 2.0]))
        tensor(2.)
    """
    dim = _dim_arg(dim, axis, "median")
    if dim is None:
        return _MedianAll(False)(input)
    return _median_dim(input, dim, keepdim, None, False, "median", _median_t)


def nanmedian(input, dim=None, keepdim=False, *, axis=None):  # noqa: A002
    """``median`` ignoring NaN (NaN only where a slice is all NaN)."""
    dim = _dim_arg(dim, axis, "nanmedian")
    if dim is None:
        return _MedianAll(True)(input)
    return _median_dim(input, dim, keepdim, None, True, "nanmedian", _nanmedian_t)


def mode(input, dim=-1, keepdim=False, *, axis=None):  # noqa: A002
    """The most frequent value along ``dim`` -> ``(values, indices)``; among equally frequent
    values the smallest, and its last position (PyTorch's choices).

    Example:
        >>> nerve.mode(nerve.tensor([2.0, 1.0, 2.0, 1.0, 3.0]))
        mode(values=tensor(1.), indices=tensor(3))
    """
    dim = _dim_arg(dim, axis, "mode", -1)
    ax = _one_dim(input, dim, "mode")
    _nonempty_dim(input, ax, dim, "mode")
    x = input if input._data.ndim else _as_1d(input)
    xd = x._data
    a = np.moveaxis(xd, ax, -1)
    lead, n = a.shape[:-1], a.shape[-1]
    rows = a.reshape(-1, n)
    s = np.sort(rows, axis=1)
    new = np.ones(s.shape, bool)
    new[:, 1:] = s[:, 1:] != s[:, :-1]
    if s.dtype.kind in "fc":
        new[:, 1:] &= ~(np.isnan(s[:, 1:]) & np.isnan(s[:, :-1]))
    run = np.cumsum(new.ravel()) - 1                   # runs of equal values, numbered over all rows
    count = np.bincount(run)[run].reshape(s.shape) if run.size else run.reshape(s.shape)
    best = np.argmax(count, axis=1)                    # first = smallest of the most frequent
    val = s[np.arange(s.shape[0]), best]
    eq = rows == val[:, None]
    if s.dtype.kind in "fc":
        eq |= np.isnan(rows) & np.isnan(val)[:, None]
    last = n - 1 - np.argmax(eq[:, ::-1], axis=1)
    idx = np.expand_dims(last.reshape(lead), ax)
    if input._data.ndim == 0:
        return _mode_t(_squeeze_to(_take(x, idx, 0), ()), _index(idx.reshape(())))
    return _select(x, idx, ax, keepdim, _mode_t)


def _unique_result(out, inverse, counts, return_inverse, return_counts):
    res = [_make(out)]
    if return_inverse:
        res.append(_index(inverse))
    if return_counts:
        res.append(_index(counts))
    return res[0] if len(res) == 1 else tuple(res)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """The distinct elements (or slices along ``dim``), in ascending order; optionally the
    index of each input element in the output (``return_inverse``) and how often each occurs
    (``return_counts``). NaNs are all distinct, as in PyTorch. Not differentiable.

    Example:
        >>> nerve.unique(nerve.tensor([3, 1, 3]), return_counts=True)
        (tensor([1, 3]), tensor([1, 2]))
    """
    xd = input._data
    if dim is None:
        flat = np.asarray(xd).reshape(-1)
        kw = {"equal_nan": False} if flat.dtype.kind in "fc" else {}
        out, inv, cnt = np.unique(flat, return_inverse=True, return_counts=True, **kw)
        return _unique_result(out, inv.reshape(xd.shape), cnt, return_inverse, return_counts)
    ax = _one_dim(input, dim, "unique")
    if xd.ndim == 0:
        raise IndexError("unique(): dim is not allowed for a 0-d tensor")
    if xd.shape[ax] == 0 or xd.size == 0:
        n = xd.shape[ax]
        if n and xd.size == 0:   # slices of size 0 are all equal
            out = np.take(xd, [0], axis=ax)
            return _unique_result(out, np.zeros(n, np.int64), np.asarray([n]), return_inverse, return_counts)
        return _unique_result(xd.copy(), np.zeros(0, np.int64), np.zeros(0, np.int64),
                              return_inverse, return_counts)
    out, inv, cnt = np.unique(xd, return_inverse=True, return_counts=True, axis=ax)
    return _unique_result(out, inv.reshape(-1), cnt, return_inverse, return_counts)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """Collapse runs of equal consecutive elements (or slices along ``dim``) to one.

    Example:
        >>> nerve.unique_consecutive(nerve.tensor([1, 1, 2, 1]))
        tensor([1, 2, 1])
    """
    xd = np.asarray(input._data)
    if dim is None:
        flat = xd.reshape(-1)
        new = np.ones(flat.shape, bool)
        new[1:] = flat[1:] != flat[:-1]
        out, inv_shape, n = flat[new], xd.shape, flat.size
    else:
        ax = _one_dim(input, dim, "unique_consecutive")
        if xd.ndim == 0:
            raise IndexError("unique_consecutive(): dim is not allowed for a 0-d tensor")
        n = xd.shape[ax]
        rows = np.moveaxis(xd, ax, 0).reshape(n, -1)
        new = np.ones(n, bool)
        new[1:] = (rows[1:] != rows[:-1]).any(axis=1)
        out, inv_shape = np.compress(new, xd, axis=ax), (n,)
    starts = np.flatnonzero(new)
    counts = np.diff(np.append(starts, n))
    inverse = (np.cumsum(new) - 1).reshape(inv_shape)
    return _unique_result(out, inverse, counts, return_inverse, return_counts)


# ------------------------------------------------------------- statistics
class _StdSqrt(Op):
    """``sqrt`` whose gradient is 0 where the result is 0 (PyTorch's rule for std at zero spread)."""
    save_output = True
    saved = ()

    def forward(self, v):
        return np.sqrt(v)

    def backward(self, g):
        from .elementwise import Where
        y = self._out()
        z = y._data == 0
        if not _enabled[0]:
            with np.errstate(divide="ignore", invalid="ignore"):
                return _make(np.where(z, 0, g._data / (2 * np.where(z, 1, y._data))).astype(y._data.dtype))
        one, nil = const(np.ones((), y._data.dtype)), const(np.zeros((), y._data.dtype))
        return Where(z)(nil, g / (Where(z)(one, y) * 2.0))


def _var_mean_impl(input, dim, unbiased, keepdim, correction, axis, name):
    from .reduce import _correction, sum as _sum
    from .shape import reshape
    if isinstance(dim, bool):              # var_mean(x, True): the unbiased overload
        dim, unbiased = None, dim
    dim = _dim_arg(dim, axis, name)
    x = input
    if x._data.dtype.kind not in "fc":
        raise RuntimeError(f"{name} only support floating point and complex dtypes (got {x._data.dtype})")
    axes = _dims(x, dim, name)
    n = _reduced_count(x._data.shape, axes)
    c = _correction(unbiased, correction)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = _sum(x, axes, True) * (1.0 / n if n else float("nan"))
        d = x - m
        # PyTorch divides by max(0, n - c): inf for a positive sum, NaN for 0 / 0
        v = _sum(d * d, axes, keepdim) * (1.0 / (n - c) if n - c > 0 else float("inf"))
    if not keepdim:
        m = reshape(m, _out_shape(x._data.shape, axes, False))
    return v, m


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None):  # noqa: A002
    """``(var, mean)`` over ``dim`` in one pass; ``correction=1`` (default) is Bessel's.

    Example:
        >>> nerve.var_mean(nerve.tensor([1.0, 2.0, 3.0]))
        (tensor(1.), tensor(2.))
    """
    return _var_mean_impl(input, dim, unbiased, keepdim, correction, axis, "var_mean")


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None):  # noqa: A002
    """``(std, mean)`` over ``dim``; the gradient of a zero std is 0, as in PyTorch."""
    v, m = _var_mean_impl(input, dim, unbiased, keepdim, correction, axis, "std_mean")
    return _StdSqrt()(v), m


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan, name):
    from .elementwise import Where
    from .shape import movedim, reshape
    x = input
    xd = x._data
    if xd.dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype (got {xd.dtype})")
    if xd.size == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty (got shape {tuple(xd.shape)})")
    if isinstance(q, Tensor):
        qd = np.asarray(q._data)
        if qd.ndim > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor (got shape {tuple(qd.shape)})")
        if qd.dtype != xd.dtype:
            raise RuntimeError(
                f"{name}() q tensor must be same dtype as the input tensor (q {qd.dtype}, input {xd.dtype})")
        if not np.all((qd >= 0) & (qd <= 1)):
            raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
        scalar_q, qv = qd.ndim == 0, qd.reshape(-1)
    elif isinstance(q, numbers.Real) and not isinstance(q, bool):
        if not 0 <= q <= 1:
            raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {q}")
        scalar_q, qv = True, np.asarray([q], xd.dtype)
    else:
        raise TypeError(f"{name}(): q must be a float or a tensor, not {type(q).__name__}")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(
            f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest, "
            f"but got {interpolation}")
    nq = qv.shape[0]
    if dim is None:
        w, ax = reshape(x, (-1,)), 0
        final = (nq,) + ((1,) * xd.ndim if keepdim else ())
    else:
        ax = _one_dim(x, dim, name)
        w = x if xd.ndim else _as_1d(x)
        final = (nq,) + (_out_shape(xd.shape, (ax,), keepdim) if xd.ndim else ())
    a = w._data
    n = a.shape[ax]
    order = np.argsort(a, axis=ax, kind="stable")          # NaN last
    nan = np.isnan(a)
    qb = qv.reshape((nq,) + (1,) * a.ndim)
    if ignore_nan:                                          # ranks among the non-NaN values
        cnt = (n - nan.sum(axis=ax, keepdims=True)).astype(xd.dtype)
        ranks = qb * (cnt - 1)
        ranks = np.where(ranks < 0, 0, ranks)               # all NaN: rank 0 reads a NaN
    else:                                                   # a slice with NaN reads its last (NaN)
        ranks = np.where(nan.any(axis=ax, keepdims=True), np.asarray(n - 1, xd.dtype), qb * np.asarray(n - 1, xd.dtype))
    ranks = ranks.astype(xd.dtype, copy=False)
    if interpolation == "lower":
        ranks = np.floor(ranks)
    elif interpolation == "higher":
        ranks = np.ceil(ranks)
    elif interpolation == "nearest":
        ranks = np.round(ranks)                             # half to even, as torch.round

    def along(r):   # (nq, ..., 1 at ax, ...) -> (..., nq at ax, ...)
        r = np.moveaxis(r, 0, ax + 1)
        return r.reshape(r.shape[:ax] + (nq,) + r.shape[ax + 2:])

    below = along(ranks.astype(np.int64))
    out = _take(w, np.take_along_axis(order, below, ax), ax, unique=False)
    if interpolation in ("linear", "midpoint"):
        above = along(np.ceil(ranks).astype(np.int64))
        hi = _take(w, np.take_along_axis(order, above, ax), ax, unique=False)
        wt = along(np.full(ranks.shape, 0.5, xd.dtype) if interpolation == "midpoint" else ranks - np.floor(ranks))
        # torch.lerp: start + w (end - start) for w < 0.5, else end - (end - start)(1 - w)
        d = hi - out
        out = Where(wt < 0.5)(out + d * const(wt), hi - d * const(1 - wt))
    out = movedim(out, ax, 0)
    if scalar_q:
        final = final[1:]
    return reshape(out, final)


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", axis=None):  # noqa: A002
    """The ``q``-th quantiles along ``dim`` (all elements when None), interpolating between the
    two nearest ranks (``interpolation``: linear, lower, higher, midpoint or nearest).

    ``q`` is a float or a 0-d/1-D tensor of the input's dtype; a 1-D ``q`` adds a leading dim.
    A slice containing NaN gives NaN (see ``nanquantile``).

    Example:
        >>> nerve.quantile(nerve.tensor([0.0, 1.0, 2.0, 3.0]), 0.5)
        tensor(1.5)
    """
    return _quantile(input, q, _dim_arg(dim, axis, "quantile"), keepdim, interpolation, False, "quantile")


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", axis=None):  # noqa: A002
    """``quantile`` ignoring NaN (NaN only where a slice is all NaN)."""
    return _quantile(input, q, _dim_arg(dim, axis, "nanquantile"), keepdim, interpolation, True, "nanquantile")


def count_nonzero(input, dim=None, *, axis=None):  # noqa: A002
    """The number of non-zero elements over ``dim`` (int64)."""
    dim = _dim_arg(dim, axis, "count_nonzero")
    axes = _dims(input, dim, "count_nonzero")
    return _index(np.count_nonzero(input._data, axis=axes))


def aminmax(input, *, dim=None, keepdim=False, axis=None):  # noqa: A002
    """``(min, max)`` over ``dim`` (all elements when None); ties share the gradient as in
    ``amin``/``amax``.

    Example:
        >>> nerve.aminmax(nerve.tensor([3.0, -1.0, 2.0]))
        aminmax(min=tensor(-1.), max=tensor(3.))
    """
    from .reduce import Amax
    dim = _dim_arg(dim, axis, "aminmax")
    xd = input._data
    axes = None if dim is None else _dims(input, _one_dim(input, dim, "aminmax"), "aminmax")
    if xd.size == 0 and (axes is None or xd.shape[axes[0]] == 0):
        raise RuntimeError(
            f"aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity "
            f"(input shape {tuple(xd.shape)})")
    return _aminmax_t(Amax(axes, keepdim, np.amin)(input), Amax(axes, keepdim, np.amax)(input))


class _NanToZero(Op):
    """NaN -> 0. The gradient is multiplied by the non-NaN mask, as PyTorch's nansum does (so an
    infinite upstream gradient, e.g. nanmean of an all-NaN slice, gives NaN there too)."""
    saved = ()

    def __init__(self, keep):
        self.keep = keep

    def forward(self, x):
        return np.where(self.keep, x, np.zeros((), x.dtype))

    def backward(self, g):
        keep = self.keep.astype(g._data.dtype)
        if not _enabled[0]:
            with np.errstate(invalid="ignore"):
                return _make(g._data * keep)
        return g * const(keep)


def _nan_zeroed(x):
    if x._data.dtype.kind not in "fc":
        return x
    keep = ~np.isnan(x._data)
    return x if keep.all() else _NanToZero(keep)(x)


def nansum(input, dim=None, keepdim=False, *, dtype=None, axis=None):  # noqa: A002
    """``sum`` treating NaN as zero (NaN elements get a zero gradient)."""
    from .reduce import sum as _sum
    dim = _dim_arg(dim, axis, "nansum")
    return _sum(_nan_zeroed(input), _dims(input, dim, "nansum"), keepdim, dtype=dtype)


def nanmean(input, dim=None, keepdim=False, *, dtype=None, axis=None):  # noqa: A002
    """``mean`` of the non-NaN elements (NaN where a slice has none)."""
    from .elementwise import cast
    from .reduce import sum as _sum
    dim = _dim_arg(dim, axis, "nanmean")
    x = input if dtype is None else cast(input, to_dtype(dtype))
    if x._data.dtype.kind not in "fc":
        raise RuntimeError(
            f"nanmean(): expected input to have floating point or complex dtype but got {x._data.dtype}")
    axes = _dims(x, dim, "nanmean")
    cnt = np.sum(~np.isnan(x._data), axis=axes, keepdims=keepdim)
    with np.errstate(divide="ignore"):
        inv = np.where(cnt > 0, 1.0 / np.maximum(cnt, 1), np.nan).astype(x._data.dtype)
    return _sum(_nan_zeroed(x), axes, keepdim) * const(inv)


# ----------------------------------------------------------------- norms
def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):  # noqa: A002
    """``torch.norm``: a vector norm for a number ``p`` (over all elements when ``dim`` is None,
    else over ``dim``), the Frobenius norm for ``'fro'``, the nuclear norm for ``'nuc'``.

    Prefer ``nerve.linalg.vector_norm`` / ``matrix_norm``. The gradient of a 2-norm at zero is 0.

    Example:
        >>> nerve.norm(nerve.tensor([3.0, 4.0]))
        tensor(5.)
    """
    from .. import linalg
    if out is not None:
        raise TypeError("norm(): out= is not supported; use the returned tensor")
    return linalg._torch_norm(input, p, dim, keepdim, dtype)


def dist(input, other, p=2):  # noqa: A002
    """``vector_norm(input - other, p)`` over all elements (the two broadcast).

    Example:
        >>> nerve.dist(nerve.tensor([1.0, 1.0]), nerve.tensor([4.0, 5.0]))
        tensor(5.)
    """
    from .. import linalg
    return linalg._dist(input, other, p)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """Pairwise ``p``-norm distances between the rows of ``x1`` (``B x P x M``) and ``x2``
    (``B x R x M``) -> ``B x P x R`` (batch dims broadcast). For ``p=2`` with more than 25 rows
    on either side the distances come from one matrix product, as in PyTorch
    (``compute_mode`` chooses). The gradient at a zero distance is 0.

    Example:
        >>> nerve.cdist(nerve.tensor([[0.0, 0.0]]), nerve.tensor([[3.0, 4.0], [0.0, 1.0]]))
        tensor([[5., 1.]])
    """
    from .. import linalg
    return linalg._cdist(x1, x2, p, compute_mode)


# --------------------------------------------------------------- sampling
class _Sampled(Op):
    """A random draw shaped like its input: the value is fixed, the gradient is zero (PyTorch's
    ``bernoulli``/``poisson`` stay in the graph with a zero gradient)."""
    saved = ()

    def __init__(self, sample):
        self.sample = sample

    def forward(self, x):
        return self.sample

    def backward(self, g):
        return const(np.zeros(self.inputs[0]._data.shape, g._data.dtype))


def multinomial(input, num_samples, replacement=False, *, generator=None):  # noqa: A002
    """Draw ``num_samples`` category indices from each row of non-negative ``weights``
    (1-D: one distribution; 2-D: one per row; need not sum to 1) -> int64 of shape
    ``(num_samples,)`` or ``(rows, num_samples)``.

    Without replacement the indices of a row are distinct and come in draw order (the
    exponential-keys method: the ``num_samples`` smallest of ``E / w``, ``E ~ Exp(1)``, which is
    sequential sampling in one vectorized step). With replacement: inverse-CDF lookup.

    Example:
        >>> g = nerve.Generator().manual_seed(0)
        >>> nerve.multinomial(nerve.tensor([0.0, 1.0, 3.0]), 2, generator=g)  # doctest: +SKIP
        tensor([2, 1])
    """
    w = input._data
    if w.dtype.kind != "f":
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {w.dtype}")
    if w.ndim not in (1, 2):
        raise RuntimeError(f"multinomial: prob_dist must be 1 or 2 dim, got shape {tuple(w.shape)}")
    if isinstance(num_samples, bool) or not isinstance(num_samples, numbers.Integral):
        raise TypeError(f"multinomial(): num_samples must be int, not {type(num_samples).__name__}")
    if num_samples <= 0:
        raise RuntimeError(f"multinomial: cannot sample n_sample <= 0 samples (got {num_samples})")
    ncat = w.shape[-1]
    if not replacement and num_samples > ncat:
        raise RuntimeError(
            f"multinomial: cannot sample n_sample > prob_dist.size(-1) samples without replacement "
            f"({num_samples} > {ncat})")
    w2 = w.reshape(-1, ncat).astype(np.float64)
    if w2.size and not (np.isfinite(w2) & (w2 >= 0)).all():
        raise RuntimeError("multinomial: probability tensor contains either `inf`, `nan` or element < 0")
    rows = w2.shape[0]
    total = w2.sum(axis=1)
    if rows and (total <= 0).any():
        raise RuntimeError("multinomial: invalid multinomial distribution (sum of probabilities <= 0)")
    rng = get_rng(generator)
    if rows == 0:
        out = np.zeros((0, num_samples), np.int64)
    elif replacement:
        # one searchsorted over all rows: row r's CDF is shifted into (r, r + 1]
        cdf = np.cumsum(w2, axis=1) / total[:, None]
        cdf[:, -1] = 1.0
        r = np.arange(rows, dtype=np.float64)[:, None]
        u = rng.random((rows, num_samples))
        pos = np.searchsorted((cdf + r).ravel(), (u + r).ravel(), side="right").reshape(rows, num_samples)
        pos -= np.arange(rows)[:, None] * ncat
        last = ncat - 1 - np.argmax(w2[:, ::-1] > 0, axis=1)     # rounding never picks a zero weight
        out = np.minimum(pos, last[:, None])
    else:
        e = rng.standard_exponential((rows, ncat))
        with np.errstate(divide="ignore"):
            keys = np.where(w2 > 0, e / np.where(w2 > 0, w2, 1), np.inf)
        if num_samples < ncat and ((w2 > 0).sum(axis=1) >= num_samples).all():
            part = np.argpartition(keys, num_samples - 1, axis=1)[:, :num_samples]
            out = np.take_along_axis(part, np.argsort(np.take_along_axis(keys, part, 1), axis=1), 1)
        else:   # all categories, or zero weights needed: they come last, in index order
            out = np.argsort(keys, axis=1, kind="stable")[:, :num_samples]
    out = out.astype(np.int64)
    return _make(out.reshape(num_samples) if w.ndim == 1 else out)


def bernoulli(input, p=None, *, generator=None):  # noqa: A002
    """0/1 draws, 1 with probability ``input`` elementwise (or ``p`` for every element), in the
    input's dtype.

    Example:
        >>> nerve.bernoulli(nerve.full((3,), 0.5))  # doctest: +SKIP
        tensor([1., 0., 1.])
    """
    xd = input._data
    if xd.dtype.kind != "f":
        raise NotImplementedError(f"bernoulli(): expected a floating point tensor of probabilities, got {xd.dtype}")
    if p is None:
        if xd.size and not ((xd >= 0) & (xd <= 1)).all():
            raise RuntimeError("bernoulli(): every probability in input must be in [0, 1]")
        probs = xd
    else:
        p = float(p._data) if isinstance(p, Tensor) else float(p)
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
        probs = p
    sample = (get_rng(generator).random(xd.shape) < probs).astype(xd.dtype)
    return _Sampled(sample)(input)


def poisson(input, generator=None):  # noqa: A002
    """Poisson draws with rate ``input`` elementwise, in the input's dtype."""
    xd = input._data
    if xd.dtype.kind != "f":
        raise NotImplementedError(f"poisson(): expected a floating point tensor of rates, got {xd.dtype}")
    if xd.size and not (xd >= 0).all():
        raise RuntimeError("poisson(): invalid Poisson rate, expected rate to be non-negative")
    try:
        sample = get_rng(generator).poisson(xd.astype(np.float64)).astype(xd.dtype)
    except ValueError as e:   # NumPy refuses rates above ~9.2e18 (and inf)
        raise RuntimeError(f"poisson(): rate too large to sample ({e})") from None
    return _Sampled(np.asarray(sample, xd.dtype))(input)


def _norm_method(self, p="fro", dim=None, keepdim=False, dtype=None):
    """``Tensor.norm(p, dim, keepdim, dtype)`` (no ``out`` between keepdim and dtype)."""
    return norm(self, p, dim, keepdim, dtype=dtype)


# Tensor methods (PyTorch's Tensor has all of these but var_mean/std_mean/cdist/poisson)
TENSOR_METHODS: dict = {
    name: globals()[name] for name in (
        "cumsum", "cumprod", "cummax", "cummin", "logcumsumexp", "sort", "argsort", "msort", "topk",
        "kthvalue", "median", "nanmedian", "mode", "unique", "unique_consecutive", "quantile", "nanquantile",
        "count_nonzero", "aminmax", "nansum", "nanmean", "dist", "multinomial", "bernoulli",
    )
}
TENSOR_METHODS["norm"] = _norm_method
