"""Scatter/gather family: scatter, scatter_add, scatter_reduce, index_add/copy/fill/put,
take_along_dim, masked_select/scatter, nonzero/argwhere, bucketize/searchsorted.

Every read and write is expressed once, as *flat positions*: an int64 array, shaped like the
block of values read or written, holding each value's C-order offset in the tensor.
``TakeFlat`` / ``PutFlat`` gather by such positions and scatter-add back (each the other's
gradient; the 1-D ``np.add.at`` is NumPy's fast path), and the writes take the input and a
block of values:

* ``Scatter``        ``out.flat[pos] = block`` (the last write wins on repeats);
* ``ScatterAdd``     ``np.add.at(out.flat, pos, block)`` (repeats accumulate);
* ``ScatterReduce``  prod / mean / amax / amin (and sum) over the input and the block.

Their gradients: the input gets ``g`` (with the overwritten positions zeroed for a plain
write), the block gets ``g`` gathered at the positions, and how the block was cut from the
user's ``src`` (a slice, a broadcast, a reshape) is undone by the composite that built it.
"""
from __future__ import annotations

import numbers

from .. import _backend as B
from .._backend import np
from ..autograd.function import Op
from ..autograd.grad_mode import _enabled
from . import shape as _shape
from ._util import _make, lift, norm_dim

_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


def _raw(t):
    from ..tensor import Tensor
    return t._data if isinstance(t, Tensor) else np.asarray(t)


def _dim(dim, ndim, op):
    return norm_dim(int(dim), ndim, op)[0]


def _gather_flat(g, pos):
    """``g``'s entries at flat positions ``pos`` (shape of ``pos``); differentiable in ``g``."""
    return TakeFlat(pos)(g)


def _zero_at(g, pos):
    """``g`` with the entries at flat positions ``pos`` set to zero (differentiable in ``g``)."""
    from .index import MaskedFill
    mask = np.zeros(g._data.size, dtype=bool)
    mask[pos.reshape(-1)] = True
    return MaskedFill(mask.reshape(g._data.shape), 0)(g)


def _copy_out(x):
    """A writable C-order copy of ``x`` (also of NumPy scalars and broadcast views)."""
    return np.array(x, order="C")


# ------------------------------------------------------------------ primitives
class TakeFlat(Op):
    """``x.reshape(-1)[pos]``: a gather by flat positions (any shape of ``pos``). Its gradient
    scatter-adds into zeros with the 1-D ``np.add.at``, NumPy's fast path (several times faster
    than ``add.at`` with a tuple of index arrays)."""
    saved = ()

    def __init__(self, pos):
        self.pos = pos

    def forward(self, x):
        self.shape = x.shape
        return np.asarray(x).reshape(-1)[self.pos]

    def backward(self, g):
        return PutFlat(self.pos, self.shape)(g)


class PutFlat(Op):
    """Zeros of ``shape`` with ``g`` added at flat positions ``pos`` (``TakeFlat``'s gradient)."""
    saved = ()

    def __init__(self, pos, shape):
        self.pos, self.shape = pos, shape

    def forward(self, g):
        z = np.zeros(self.shape, dtype=g.dtype)
        with np.errstate(invalid="ignore", over="ignore"):
            np.add.at(z.reshape(-1), self.pos.reshape(-1), np.asarray(g).reshape(-1))
        return z

    def backward(self, gg):
        return TakeFlat(self.pos)(gg)


class Scatter(Op):
    """``out = x.copy(); out.flat[pos] = v`` with ``v`` shaped like ``pos``."""
    saved = ()

    def __init__(self, pos):
        self.pos = pos

    def forward(self, x, v):
        out = _copy_out(x)
        out.reshape(-1)[self.pos] = v
        return out

    def backward(self, g):
        x, v = self.inputs
        gx = _zero_at(g, self.pos) if x.requires_grad else None
        gv = _gather_flat(g, self.pos) if v.requires_grad else None
        return gx, gv


class ScatterAdd(Op):
    """``out = x.copy(); np.add.at(out.flat, pos, v)``: repeated positions accumulate."""
    saved = ()

    def __init__(self, pos):
        self.pos = pos

    def forward(self, x, v):
        out = _copy_out(x)
        with np.errstate(invalid="ignore", over="ignore"):    # inf - inf is NaN, as in PyTorch
            np.add.at(out.reshape(-1), self.pos.reshape(-1), np.asarray(v).reshape(-1))
        return out

    def backward(self, g):
        x, v = self.inputs
        return (g if x.requires_grad else None,
                _gather_flat(g, self.pos) if v.requires_grad else None)


def _identity(reduce, dtype):
    """The neutral start value that ``include_self=False`` puts at the written positions."""
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dtype.kind == "f":
        return -np.inf if reduce == "amax" else np.inf
    if dtype.kind == "b":
        return reduce == "amin"
    info = np.iinfo(dtype)
    return info.min if reduce == "amax" else info.max


class ScatterReduce(Op):
    """Reduce ``v``'s entries into ``x`` at flat positions ``pos`` (PyTorch's ``scatter_reduce``).

    Each output position reduces over its group: the input value (when ``include_self`` or
    when nothing is written there) and every value written to it. Gradients, as PyTorch:
    ``sum`` passes ``g`` through; ``mean`` divides it by the group size; ``amax``/``amin`` split
    it evenly among the members equal to the result; ``prod`` gives each member the product
    of the others (exact with zeros in the group).
    """
    save_output = True

    def __init__(self, pos, reduce, include_self):
        self.pos, self.reduce, self.include_self = pos, reduce, include_self
        self.saved = () if reduce in ("sum", "mean") else None

    def forward(self, x, v):
        out = _copy_out(x)
        flat, pos, vals = out.reshape(-1), self.pos.reshape(-1), np.asarray(v).reshape(-1)
        r = self.reduce
        if not self.include_self:
            flat[pos] = _identity(r, out.dtype)
        ufunc = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.maximum, "amin": np.minimum}[r]
        with np.errstate(invalid="ignore", over="ignore"):    # NaN propagates, as in PyTorch
            ufunc.at(flat, pos, vals)
        if r == "mean":
            self.count = np.bincount(pos, minlength=flat.size) + int(self.include_self)
            div = np.divide if out.dtype.kind == "f" else np.floor_divide   # PyTorch floors integer means
            with np.errstate(divide="ignore", invalid="ignore"):
                div(flat, self.count, out=flat, where=self.count > 0, casting="unsafe")
        return out

    def _written(self, size):
        mask = np.zeros(size, dtype=bool)
        mask[self.pos.reshape(-1)] = True
        return mask

    def backward(self, g):
        x, v = self.inputs
        r, inc, pos = self.reduce, self.include_self, self.pos
        shape, dt = x._data.shape, g._data.dtype
        if r == "sum":
            gx = (g if inc else _zero_at(g, pos)) if x.requires_grad else None
            gv = _gather_flat(g, pos) if v.requires_grad else None
            return gx, gv
        written = self._written(x._data.size).reshape(shape)
        if r == "mean":
            cnt = np.maximum(self.count, 1).reshape(shape).astype(dt)
            gx = gv = None
            if x.requires_grad:
                gx = g * _make(np.where(written, float(inc) / cnt, 1.0).astype(dt))
            if v.requires_grad:
                gv = _gather_flat(g, pos) * _make((1.0 / cnt.reshape(-1))[pos])
            return gx, gv
        if r in ("amax", "amin"):
            return self._minmax_grads(g, x, v, written)
        return self._prod_grads(g, x, v, written)

    def _minmax_grads(self, g, x, v, written):
        pos, dt = self.pos, g._data.dtype
        res = self.output()._data
        xd, vd = x._data, np.asarray(v._data)
        self_tie = np.where(written, (xd == res) & self.include_self, True)
        src_tie = vd == res.reshape(-1)[pos]
        cnt = self_tie + np.bincount(pos.reshape(-1), weights=src_tie.reshape(-1),
                                     minlength=xd.size).reshape(xd.shape)
        cnt = np.maximum(cnt, 1)
        gx = gv = None
        if x.requires_grad:
            gx = g * _make((self_tie / cnt).astype(dt))
        if v.requires_grad:
            gv = _gather_flat(g, pos) * _make((src_tie / cnt.reshape(-1)[pos]).astype(dt))
        return gx, gv

    def _prod_grads(self, g, x, v, written):
        # d(product)/d(member) = the product of the other members (PyTorch's formulas, exact with
        # zeros): for the input, the reduction redone with its zeros read as 1, divided by it
        # (so a zero input gets the product of the rest); for a source entry, result / entry, or,
        # for the only zero source entry of its group, the reduction redone with it read as 1.
        from .elementwise import where
        from .index import MaskedFill
        pos, inc = self.pos, self.include_self
        xd, vd = x._data, np.asarray(v._data)
        gx = gv = None
        if x.requires_grad:
            xz = xd == 0
            x1 = MaskedFill(xz, 1)(x) if xz.any() else x
            gx = g * ScatterReduce(pos, "prod", inc)(x1, v) / x1
            if not inc:
                gx = _zero_at(gx, pos)
        if v.requires_grad:
            vz = vd == 0
            zeros = np.bincount(pos.reshape(-1), weights=vz.reshape(-1), minlength=xd.size)[pos]
            single = vz & (zeros == 1)
            if _enabled[0] and g.requires_grad and (zeros > 1).any():
                raise RuntimeError(
                    "scatter_reduce(): Double backward is unsupported for src when >1 zeros in src are scattered "
                    "to the same position")
            gv = _gather_flat(g * self.output(), pos) / (MaskedFill(vz, 1)(v) if vz.any() else v)
            if single.any():
                r1 = ScatterReduce(pos, "prod", inc)(x, MaskedFill(single, 1)(v))
                gv = where(single, _gather_flat(g * r1, pos), gv)
        return gx, gv


# ------------------------------------------------------------------ scatter family
def _index_dtype(idx, op, allowed=("int32", "int64")):
    if idx.dtype.name not in allowed:
        want = "int32/int64" if len(allowed) == 2 else "int64"
        raise RuntimeError(f"{op}(): Expected dtype {want} for index, got {idx.dtype}")


def _along_positions(idx, axis, shape):
    """Flat position in an array of ``shape`` of every entry of ``idx`` read along ``axis``:
    entry ``p`` names ``out[p_0, ..., idx[p], ..., p_n]`` (gather/scatter's pattern). A size-1
    dim of ``shape`` facing a larger one of ``idx`` broadcasts (position 0 along it)."""
    nd = len(shape)
    if nd == 0:
        return np.zeros(idx.shape, dtype=B.int64)
    strides = [1] * nd
    for d in range(nd - 2, -1, -1):
        strides[d] = strides[d + 1] * shape[d + 1]
    pos = idx.astype(B.int64) * strides[axis]
    for d in range(nd):
        if d != axis and idx.shape[d] > 1 and shape[d] > 1:
            s = [1] * nd
            s[d] = idx.shape[d]
            pos = pos + (np.arange(idx.shape[d], dtype=B.int64) * strides[d]).reshape(s)
    return np.broadcast_to(pos, idx.shape).copy()


def _scatter_prep(x, dim, index, src, op):
    """Validate a scatter call as PyTorch does; return ``(pos, block)``: the flat positions
    and the part of ``src`` written (a differentiable slice of it, or ``None``)."""
    from .index import getitem
    n = x._data.ndim
    d = _dim(dim, n, op)
    idx = _raw(index)
    _index_dtype(idx, "scatter")
    if n == 1 and idx.ndim == 0:
        idx = idx.reshape(1)
    if idx.ndim != n:
        raise RuntimeError(f"{op}(): Index tensor must have the same number of dimensions as self tensor "
                           f"(index shape {idx.shape}, self shape {x._data.shape})")
    if src is not None:
        if n == 1 and src._data.ndim == 0:
            src = _shape.reshape(src, (1,))
        if src._data.ndim != n:
            raise RuntimeError(f"{op}(): Index tensor must have the same number of dimensions as src tensor "
                               f"(index shape {idx.shape}, src shape {src._data.shape})")
        if src._data.dtype != x._data.dtype:
            raise RuntimeError(f"{op}(): Expected self.dtype to be equal to src.dtype "
                               f"(got {x._data.dtype} and {src._data.dtype})")
    sshape = src._data.shape if src is not None else idx.shape
    xshape = x._data.shape
    for k in range(n):
        if idx.shape[k] > sshape[k] or (k != d and idx.shape[k] > xshape[k]):
            raise RuntimeError(
                f"{op}(): Expected index {list(idx.shape)} to be no larger than self {list(xshape)} apart from "
                f"dimension {d} and to be no larger size than src {list(sshape)}")
    size = xshape[d] if n else 1
    if idx.size and (idx.min() < 0 or idx.max() >= size):
        bad = idx[(idx < 0) | (idx >= size)].flat[0]
        raise RuntimeError(f"{op}(): index {int(bad)} is out of bounds for dimension {d} with size {size}")
    pos = _along_positions(idx, d, xshape)
    block = None
    if src is not None:
        block = src if src._data.shape == idx.shape else getitem(src, tuple(slice(0, s) for s in idx.shape))
    return pos, block


def _value_block(x, value, shape, op):
    """A scalar ``value`` (number or one-element tensor) as a block of ``shape`` in x's dtype."""
    from ..tensor import Tensor
    if isinstance(value, Tensor):
        if value._data.ndim != 0:
            raise RuntimeError(f"{op} only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value._data.ndim} dimension(s).")
        if value._data.dtype != x._data.dtype:
            value = value.to(x._data.dtype)
        return _shape.expand(value, shape)
    if not isinstance(value, numbers.Number):
        raise TypeError(f"{op}: value must be a number or a 0-d tensor, got {type(value).__name__}")
    return _make(np.full(shape, value, dtype=x._data.dtype))


def scatter(input, dim, index, src=None, value=None, *, reduce=None):  # noqa: A002
    """Write ``src`` (or the number ``value``) into a copy of ``input`` at ``index`` along ``dim``.

    For a 2-D input and ``dim=1``: ``out[i][index[i][j]] = src[i][j]``. ``index`` may be smaller
    than ``src`` (only its part is used) and, apart from ``dim``, than ``input``.
    ``reduce='add'`` / ``'multiply'`` combine with the old value instead of replacing it.
    Gradients: ``input`` gets ``g`` with the written positions zeroed, ``src`` gets ``g``
    gathered at ``index``.

    Example:
        >>> nerve.zeros(2, 3).scatter(1, nerve.tensor([[2], [0]]), 1.0)
        tensor([[0., 0., 1.],
                [1., 0., 0.]])
    """
    from ..tensor import Tensor
    if src is not None and not isinstance(src, Tensor):
        src, value = None, src
    if src is None and value is None:
        raise TypeError("scatter(): expected a src tensor or a value")
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError(f"scatter(): reduce argument must be either add or multiply., got {reduce!r}")
    pos, block = _scatter_prep(input, dim, index, src, "scatter")
    if block is None:
        block = _value_block(input, value, pos.shape, "scatter")
    if reduce == "add":
        return ScatterAdd(pos)(input, block)
    if reduce == "multiply":
        return ScatterReduce(pos, "prod", True)(input, block)
    return Scatter(pos)(input, block)


def scatter_add(input, dim, index, src):  # noqa: A002
    """Add ``src`` into a copy of ``input`` at ``index`` along ``dim`` (repeats accumulate)."""
    pos, block = _scatter_prep(input, dim, _raw(index), lift(src, input), "scatter_add")
    return ScatterAdd(pos)(input, block)


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):  # noqa: A002
    """Reduce ``src`` into a copy of ``input`` at ``index`` along ``dim``.

    ``reduce``: ``'sum'``, ``'prod'``, ``'mean'``, ``'amax'`` or ``'amin'``; with
    ``include_self=False`` the input's values at written positions are left out of the
    reduction (positions nothing is written to keep the input's value).

    Example:
        >>> nerve.tensor([1., 2.]).scatter_reduce(0, nerve.tensor([0, 0]), nerve.tensor([5., 3.]), "amax")
        tensor([5., 2.])
    """
    from ..tensor import Tensor
    if not isinstance(src, Tensor):
        raise TypeError(f"scatter_reduce(): argument 'src' (position 4) must be Tensor, not {type(src).__name__}")
    if reduce not in _REDUCTIONS:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    pos, block = _scatter_prep(input, dim, index, src, "scatter_reduce")
    return ScatterReduce(pos, reduce, bool(include_self))(input, block)


# ------------------------------------------------------------------ index_* family
# per op: (index dtypes, error classes for a bad dtype / a non-vector index / an out-of-range index
# (PyTorch's, which differ between the three), negative indices wrap, repeats collapse)
_INDEX_RULES = {
    "index_add": (("int32", "int64"), RuntimeError, IndexError, RuntimeError, False, False),
    "index_copy": (("int64",), RuntimeError, IndexError, IndexError, False, False),
    "index_fill": (("int64",), IndexError, RuntimeError, IndexError, True, True),
}


def _index_prep(x, dim, index, op):
    """``(pos, d)`` for writing whole slices ``index`` of ``dim`` (index_add/copy/fill); ``pos``
    has the shape of the block written: ``x``'s shape with ``len(index)`` at ``dim``."""
    allowed, dtype_err, ndim_err, range_err, wrap, unique = _INDEX_RULES[op]
    n = x._data.ndim
    d = _dim(dim, n, op)
    idx = _raw(index)
    if idx.dtype.name not in allowed:
        want = "int32/int64" if len(allowed) == 2 else "int64"
        raise dtype_err(f"{op}(): Expected dtype {want} for index, but got {idx.dtype}")
    if idx.ndim > 1:
        raise ndim_err(f"{op}(): Index is supposed to be a vector or a scalar, but got dim: {idx.ndim} "
                       f"(index shape {idx.shape})")
    idx = idx.reshape(-1).astype(B.int64)
    shape = x._data.shape
    size = shape[d] if n else 1
    lo = -size if wrap else 0
    if idx.size and (idx.min() < lo or idx.max() >= size):
        bad = idx[(idx < lo) | (idx >= size)][0]
        raise range_err(f"{op}(): index {int(bad)} is out of bounds for dimension {d} with size {size}")
    if wrap:
        idx = np.where(idx < 0, idx + size, idx)
    if unique:
        idx = np.unique(idx)
    pre = 1
    for s in shape[:d]:
        pre *= s
    post = 1
    for s in shape[d + 1:]:
        post *= s
    pos = ((np.arange(pre, dtype=B.int64)[:, None, None] * size + idx[None, :, None]) * post
           + np.arange(post, dtype=B.int64)[None, None, :])
    block_shape = shape[:d] + (idx.size,) + shape[d + 1:] if n else (idx.size,)
    return pos.reshape(block_shape), d


def _source_block(x, source, d, block_shape, op):
    """``source`` checked against the slices it fills and reshaped to ``block_shape``."""
    xs, ss = x._data.shape, source._data.shape
    if source._data.dtype != x._data.dtype:
        raise RuntimeError(f"{op}(): self ({x._data.dtype}) and source ({source._data.dtype}) must have the "
                           "same scalar type")
    if x._data.ndim == 0:
        if source._data.size != block_shape[0]:
            raise RuntimeError(f"{op}(): Number of indices ({block_shape[0]}) should be equal to the number of "
                               f"source elements ({source._data.size})")
        return _shape.reshape(source, block_shape)
    if len(ss) != len(xs) or any(ss[k] != xs[k] for k in range(len(xs)) if k != d):
        raise RuntimeError(f"{op}(): source tensor shape must match self tensor shape, excluding the specified "
                           f"dimension. Got self.shape = {list(xs)} source.shape = {list(ss)}")
    if ss[d] != block_shape[d]:
        raise RuntimeError(f"{op}(): Number of indices ({block_shape[d]}) should be equal to source.size(dim): "
                           f"({ss[d]}), for dim: {d}")
    return source


def index_add(input, dim, index, source, *, alpha=1):  # noqa: A002
    """Add ``alpha * source`` into a copy of ``input``: slice ``i`` of ``source`` along ``dim``
    goes to slice ``index[i]`` (repeated indices accumulate)."""
    pos, d = _index_prep(input, dim, index, "index_add")
    block = _source_block(input, lift(source, input), d, pos.shape, "index_add")
    if alpha != 1:
        block = block * alpha
    return ScatterAdd(pos)(input, block)


def index_copy(input, dim, index, source):  # noqa: A002
    """Copy slice ``i`` of ``source`` along ``dim`` into slice ``index[i]`` of a copy of ``input``."""
    pos, d = _index_prep(input, dim, index, "index_copy")
    block = _source_block(input, lift(source, input), d, pos.shape, "index_copy")
    return Scatter(pos)(input, block)


def index_fill(input, dim, index, value):  # noqa: A002
    """A copy of ``input`` with the slices ``index`` along ``dim`` set to ``value`` (a number or
    a 0-d tensor, which then receives the sum of the gradient over the filled entries)."""
    pos, _ = _index_prep(input, dim, index, "index_fill")    # (repeats collapse: filling twice is once)
    return Scatter(pos)(input, _value_block(input, value, pos.shape, "index_fill"))


def index_put(input, indices, values, accumulate=False):  # noqa: A002
    """``out = input.clone(); out[indices] = values`` (``+=`` with ``accumulate=True``) without
    touching ``input``. ``indices`` is a tuple of integer or boolean tensors, one per leading dim."""
    from ..tensor import Tensor
    x = input
    if isinstance(indices, Tensor) or not isinstance(indices, (tuple, list)):
        raise TypeError("index_put(): indices must be a tuple or list of tensors")
    shape, n = x._data.shape, x._data.ndim
    arrays, k = [], 0
    for j, t in enumerate(indices):
        if t is None:
            raise TypeError(f"index_put(): expected Tensor as element {j} in argument 1, but got NoneType")
        a = _raw(t)
        if a.dtype.kind not in "biu":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        if a.dtype.kind == "b":
            if a.ndim + k > n or a.shape != shape[k:k + a.ndim]:
                raise IndexError(f"The shape of the mask {list(a.shape)} at index {j} does not match the shape of "
                                 f"the indexed tensor {list(shape)} at index {k}")
            arrays.extend(np.nonzero(a))
            k += a.ndim
        else:
            arrays.append(a.astype(B.int64))
            k += 1
    if not arrays:
        raise RuntimeError("index_put(): expected at least one index tensor")
    if k > n:
        raise IndexError(f"too many indices for tensor of dimension {n} (got {k})")
    try:
        arrays = np.broadcast_arrays(*arrays)
    except ValueError:
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together with shapes "
                         + ", ".join(str(list(a.shape)) for a in arrays)) from None
    fixed = []
    for dd, a in enumerate(arrays):
        size = shape[dd]
        if a.size and (a.min() < -size or a.max() >= size):
            bad = a[(a < -size) | (a >= size)].flat[0]
            raise IndexError(f"index {int(bad)} is out of bounds for dimension {dd} with size {size}")
        fixed.append(np.where(a < 0, a + size, a))
    lead = np.ravel_multi_index(fixed, shape[:k]) if fixed[0].size else np.zeros(fixed[0].shape, B.int64)
    post = 1
    for s in shape[k:]:
        post *= s
    block_shape = lead.shape + shape[k:]
    pos = (lead.astype(B.int64)[..., None] * post + np.arange(post, dtype=B.int64)).reshape(block_shape)
    v = lift(values, x)
    if v._data.dtype != x._data.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got {x._data.dtype} for "
                           f"the destination and {v._data.dtype} for the source.")
    try:
        ok = np.broadcast_shapes(v._data.shape, block_shape) == block_shape
    except ValueError:
        ok = False
    if not ok:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(v._data.shape)} cannot be broadcast to "
                           f"indexing result of shape {list(block_shape)}")
    block = _shape.expand(v, block_shape)
    return (ScatterAdd(pos) if accumulate else Scatter(pos))(x, block)


# ------------------------------------------------------------------ gathers
def take_along_dim(input, indices, dim=None):  # noqa: A002
    """Pick values along ``dim`` at ``indices`` (``input`` and ``indices`` broadcast in the other
    dims), as ``argsort``/``argmax`` results index them; ``dim=None`` reads the flattened input."""
    idx = _raw(indices)
    if idx.dtype != B.int64:
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got {idx.dtype}")
    x = input
    if dim is None:
        from .layout import take
        return take(x, idx.reshape(-1))
    n = x._data.ndim
    if n == 0:
        raise IndexError(f"take_along_dim: Dimension specified as {dim} but tensor has no dimensions")
    d = _dim(dim, n, "take_along_dim")
    if idx.ndim != n:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {n} dimensions for input, and {idx.ndim} dimensions for indices")
    bx, bi = list(x._data.shape), list(idx.shape)
    bx[d] = bi[d] = 1
    try:
        common = list(np.broadcast_shapes(tuple(bx), tuple(bi)))
    except ValueError:
        raise RuntimeError(f"take_along_dim(): input of shape {x._data.shape} and indices of shape {idx.shape} "
                           f"do not broadcast apart from dimension {d}") from None
    ix = list(common)
    ix[d] = idx.shape[d]
    size = x._data.shape[d]
    idx = np.broadcast_to(idx, tuple(ix))
    if idx.size and (idx.min() < -size or idx.max() >= size):
        bad = idx[(idx < -size) | (idx >= size)].flat[0]
        raise IndexError(f"take_along_dim(): index {int(bad)} is out of range for dim {d} of size {size} "
                         f"(input shape {tuple(x._data.shape)}, indices shape {tuple(_raw(indices).shape)})")
    return TakeFlat(_along_positions(np.where(idx < 0, idx + size, idx), d, x._data.shape))(x)


def _bool_mask(mask, op, words):
    m = _raw(mask)
    if m.dtype != np.bool_:
        raise RuntimeError(f"{op}: {words}, but got mask with dtype {m.dtype}")
    return m


def _broadcast_with(x, m, op):
    try:
        return tuple(np.broadcast_shapes(x._data.shape, m.shape))
    except ValueError:
        raise RuntimeError(f"{op}: mask of shape {list(m.shape)} does not broadcast with input of shape "
                           f"{list(x._data.shape)}") from None


def masked_select(input, mask):  # noqa: A002
    """The entries of ``input`` where ``mask`` is true, as a 1-D tensor (both broadcast)."""
    m = _bool_mask(mask, "masked_select", "expected BoolTensor for mask")
    shape = _broadcast_with(input, m, "masked_select")
    x = input if input._data.shape == shape else _shape.expand(input, shape)
    return TakeFlat(np.flatnonzero(np.broadcast_to(m, shape)))(x)


def masked_scatter(input, mask, source):  # noqa: A002
    """A copy of ``input`` (broadcast with ``mask``) whose true-mask entries take ``source``'s
    first elements in row-major order."""
    m = _bool_mask(mask, "masked_scatter", "masked_scatter_ only supports boolean masks")
    src = lift(source, input)
    if src._data.dtype != input._data.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got "
                           f"{input._data.dtype} and {src._data.dtype}")
    shape = _broadcast_with(input, m, "masked_scatter")
    pos = np.flatnonzero(np.broadcast_to(m, shape))
    if src._data.size < pos.size:
        raise RuntimeError(f"masked_scatter: Number of elements of source < number of ones in mask "
                           f"({src._data.size} < {pos.size})")
    from .index import getitem
    flat = _shape.reshape(src, (-1,))
    block = flat if flat._data.size == pos.size else getitem(flat, slice(0, pos.size))
    return Scatter(pos)(_shape.expand(input, shape), block)


# ------------------------------------------------------------------ integer results
def nonzero(input, *, as_tuple=False):  # noqa: A002
    """Indices of the nonzero entries: an ``(N, ndim)`` int64 tensor, or with ``as_tuple=True``
    one 1-D tensor per dim (what ``x[...]`` takes). NaN counts as nonzero."""
    if not isinstance(as_tuple, (bool, np.bool_)):
        raise TypeError(f"nonzero(): argument 'as_tuple' must be bool, not {type(as_tuple).__name__}")
    a = _raw(input)
    if as_tuple:
        if a.ndim == 0:
            return (_make(np.arange(1 if a else 0, dtype=B.int64)),)
        return tuple(_make(i.astype(B.int64, copy=False)) for i in np.nonzero(a))
    return _make(np.argwhere(a).astype(B.int64, copy=False))


def argwhere(input):  # noqa: A002
    """``nonzero(input)``: the ``(N, ndim)`` indices of the nonzero entries."""
    return nonzero(input)


def _out_dtype(out_int32):
    return B.int32 if out_int32 else B.int64


def bucketize(input, boundaries, *, out_int32=False, right=False):  # noqa: A002
    """The bucket of each value: ``i`` such that ``boundaries[i-1] < v <= boundaries[i]``
    (``right=True``: ``boundaries[i-1] <= v < boundaries[i]``); ``boundaries`` is sorted 1-D."""
    b = _raw(boundaries)
    if b.ndim != 1:
        raise RuntimeError(f"bucketize: boundaries tensor must be 1 dimension, but got dim({b.ndim})")
    v = _raw(input)
    return _make(np.asarray(np.searchsorted(b, v, side="right" if right else "left"),
                            dtype=_out_dtype(out_int32)))


def searchsorted(sorted_sequence, values, *, out_int32=False, right=False, side=None, sorter=None):
    """Insertion points that keep ``sorted_sequence`` sorted (``side='left'``: the first one,
    ``'right'``: after equal entries). A N-D sequence searches each of its rows with the values
    of the matching row (``seq.shape[:-1] == values.shape[:-1]``).

    Example:
        >>> nerve.searchsorted(nerve.tensor([1., 3., 5.]), nerve.tensor([3., 6.]))
        tensor([1, 3])
    """
    from ..tensor import Tensor
    op = "torch.searchsorted()"
    seq = _raw(sorted_sequence)
    if seq.ndim == 0:
        raise RuntimeError(f"{op}: boundaries tensor should have positive dimension, but got 0 dimension")
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"{op}: side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError(f"{op}: side and right can't be set to opposites, got side of left while right "
                               "was True")
        right = side == "right"
    scalar = not isinstance(values, Tensor) and np.ndim(values) == 0
    v = _raw(values)
    if sorter is not None:
        srt = _raw(sorter)
        if srt.shape != seq.shape:
            raise RuntimeError(f"{op}: boundary and sorter must have the same size, but got boundary tensor "
                               f"{list(seq.shape)} and got sorter tensor {list(srt.shape)}")
        if srt.dtype.kind not in "iu":
            raise RuntimeError(f"{op}: sorter must be a tensor of long dtype but got {srt.dtype}")
        if srt.size and (srt.min() < 0 or srt.max() >= seq.shape[-1]):
            raise RuntimeError(f"{op}: sorter index out of range")
        seq = np.take_along_axis(seq, srt, axis=-1)
    sd = "right" if right else "left"
    dt = _out_dtype(out_int32)
    if seq.ndim == 1:
        return _make(np.asarray(np.searchsorted(seq, v, side=sd), dtype=dt))
    if scalar or v.ndim == 0:
        raise RuntimeError(f"{op}: input value can be a scalar only when boundaries tensor dimension is 1, but we "
                           f"got boundaries tensor dim({seq.ndim}) and input value's dim(0) numel(1)")
    if seq.shape[:-1] != v.shape[:-1]:
        raise RuntimeError(f"{op}: boundaries tensor should be 1 dimension or the first N-1 dimensions of "
                           f"boundaries tensor and input value tensor must match, but we got boundaries tensor "
                           f"{list(seq.shape)} and input value tensor {list(v.shape)}")
    return _make(_batched_searchsorted(seq, v, right).astype(dt))


def _batched_searchsorted(seq, v, right):
    """Row-wise searchsorted, vectorised: sort each row's sequence and values together (stable,
    values placed before equal sequence entries for 'left', after them for 'right') and count
    the sequence entries that precede each value."""
    m, k = seq.shape[-1], v.shape[-1]
    rows = 1
    for n in seq.shape[:-1]:
        rows *= n
    s2, v2 = seq.reshape(rows, m), v.reshape(rows, k)
    dt = np.result_type(s2.dtype, v2.dtype)
    if right:
        both = np.concatenate([s2.astype(dt), v2.astype(dt)], axis=1)
        is_seq = np.concatenate([np.ones(m, B.int64), np.zeros(k, B.int64)])
        val_cols = np.arange(m, m + k)
    else:
        both = np.concatenate([v2.astype(dt), s2.astype(dt)], axis=1)
        is_seq = np.concatenate([np.zeros(k, B.int64), np.ones(m, B.int64)])
        val_cols = np.arange(k)
    order = np.argsort(both, axis=1, kind="stable")
    seen = np.cumsum(is_seq[order], axis=1)            # sequence entries up to each sorted slot
    where = np.empty_like(order)
    np.put_along_axis(where, order, np.arange(m + k)[None, :].repeat(order.shape[0], 0), axis=1)
    out = np.take_along_axis(seen, where[:, val_cols], axis=1)
    return out.reshape(v.shape)


__all__ = [
    "take_along_dim", "scatter", "scatter_add", "scatter_reduce", "index_add", "index_copy", "index_fill",
    "index_put", "masked_select", "masked_scatter", "nonzero", "argwhere", "bucketize", "searchsorted",
]

# Tensor methods this module provides: {"name": function taking the tensor first}
TENSOR_METHODS: dict = {
    "take_along_dim": take_along_dim,
    "scatter": scatter,
    "scatter_add": scatter_add,
    "scatter_reduce": scatter_reduce,
    "index_add": index_add,
    "index_copy": index_copy,
    "index_fill": index_fill,
    "index_put": index_put,
    "masked_select": masked_select,
    "masked_scatter": masked_scatter,
    "nonzero": nonzero,
    "argwhere": argwhere,
}
