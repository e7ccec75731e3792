"""Layout ops: roll, tril/triu, the diagonal family, unfold, repeat_interleave, meshgrid, tile,
narrow, flips and rotations, atleast_*d and the *stack helpers, take.

Primitives (one ``Op`` each, forward and backward side by side): ``Roll`` (its gradient rolls
back), ``Tri`` (tril/triu: the gradient is masked the same way), ``Unfold`` (sliding windows;
the gradient adds the windows back), and the pair ``Diagonal`` / ``DiagonalScatter`` (read a
diagonal / write one into zeros), each the other's gradient, which serve ``diagonal``,
``diag``, ``diag_embed`` and ``diagflat``. Everything else is a composite of reshape, expand,
flip, permute and flat-position gathers (``scatter.TakeFlat``), so it needs no backward of its own.
"""
from __future__ import annotations

import numbers

from .. import _backend as B
from .._backend import np
from ..autograd.function import Op
from ..autograd.grad_mode import _enabled
from . import shape as _shape
from ._util import _make, lift, norm_dim


def _dim(dim, ndim, op):
    """One dimension index normalised to ``[0, ndim)``; a 0-d tensor accepts 0 and -1."""
    return norm_dim(int(dim), ndim, op)[0]


def _dims_arg(dims):
    """``f(0, 1)``, ``f((0, 1))`` and ``f([0, 1])`` as one tuple (Tensor-method style)."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = dims[0]
    return tuple(int(d) for d in dims)


def _long_index(index, op):
    """The raw int64 array of an index Tensor / array / list (PyTorch's ``take`` wants long)."""
    from ..tensor import Tensor
    a = index._data if isinstance(index, Tensor) else np.asarray(index)
    if a.dtype != B.int64:
        raise RuntimeError(f"{op}(): Expected a long tensor for index, but got {a.dtype}")
    return a


# ------------------------------------------------------------------ primitives
class Roll(Op):
    """``np.roll``; ``axes=None`` rolls the flattened tensor and restores its shape."""
    saved = ()

    def __init__(self, shifts, axes):
        self.shifts, self.axes = shifts, axes

    def forward(self, x):
        return np.roll(x, self.shifts[0] if self.axes is None else self.shifts, self.axes)

    def backward(self, g):
        back = tuple(-s for s in self.shifts)
        if not _enabled[0]:
            return _make(np.roll(g._data, back, self.axes))
        return Roll(back, self.axes)(g)


class Tri(Op):
    """``tril`` / ``triu`` of the last two dims: keeps one triangle, zeros the rest."""
    saved = ()

    def __init__(self, k, upper):
        self.k, self.upper = k, upper

    def forward(self, x):
        return np.triu(x, self.k) if self.upper else np.tril(x, self.k)

    def backward(self, g):
        if not _enabled[0]:
            return _make(self.forward(g._data))
        return Tri(self.k, self.upper)(g)


def _diag_positions(n1, n2, offset):
    """Row and column indices of the ``offset`` diagonal of an ``n1 x n2`` matrix."""
    if offset >= 0:
        length, r0, c0 = max(0, min(n1, n2 - offset)), 0, offset
    else:
        length, r0, c0 = max(0, min(n1 + offset, n2)), -offset, 0
    i = np.arange(length)
    return i + r0, i + c0


class Diagonal(Op):
    """``np.diagonal``: the diagonal of axes ``(a1, a2)`` becomes the last axis."""
    saved = ()

    def __init__(self, offset, a1, a2):
        self.offset, self.a1, self.a2 = offset, a1, a2

    def forward(self, x):
        self.shape = x.shape
        return np.diagonal(x, self.offset, self.a1, self.a2).copy()   # np.diagonal is a read-only view

    def backward(self, g):
        if not _enabled[0]:
            return _make(_diagonal_scatter(g._data, self.shape, self.offset, self.a1, self.a2))
        return DiagonalScatter(self.shape, self.offset, self.a1, self.a2)(g)


def _diagonal_scatter(v, shape, offset, a1, a2):
    z = np.zeros(shape, dtype=v.dtype)
    rows, cols = _diag_positions(shape[a1], shape[a2], offset)
    np.moveaxis(z, (a1, a2), (-2, -1))[..., rows, cols] = v   # moveaxis is a writable view of z
    return z


class DiagonalScatter(Op):
    """Zeros of ``shape`` with the last axis of the input written on the ``(a1, a2)`` diagonal."""
    saved = ()

    def __init__(self, shape, offset, a1, a2):
        self.shape, self.offset, self.a1, self.a2 = shape, offset, a1, a2

    def forward(self, v):
        return _diagonal_scatter(v, self.shape, self.offset, self.a1, self.a2)

    def backward(self, g):
        if not _enabled[0]:
            return _make(np.diagonal(g._data, self.offset, self.a1, self.a2).copy())
        return Diagonal(self.offset, self.a1, self.a2)(g)


def _windows(a, axis, size, step):
    """The windows of ``unfold`` as a C-order copy (NumPy's sliding view, every ``step``-th)."""
    w = np.lib.stride_tricks.sliding_window_view(a, size, axis=axis)
    return np.ascontiguousarray(w[(slice(None),) * axis + (slice(None, None, step),)])


class Unfold(Op):
    """``Tensor.unfold``: windows along ``axis`` become a new last axis. The gradient adds each
    window's entries back where they came from (``PutFlat`` over the windows' flat positions,
    whose own gradient, ``TakeFlat``, is this op again)."""
    saved = ()

    def __init__(self, axis, size, step):
        self.axis, self.size, self.step = axis, size, step

    def forward(self, x):
        self.shape = x.shape
        return _windows(np.asarray(x), self.axis, self.size, self.step)

    def backward(self, g):
        from .scatter import PutFlat
        base = np.arange(int(np.prod(self.shape, dtype=B.int64)), dtype=B.int64).reshape(self.shape)
        return PutFlat(_windows(base, self.axis, self.size, self.step), self.shape)(g)


# ---------------------------------------------------------------------- roll, tri
def roll(input, shifts, dims=None):  # noqa: A002
    """Roll the tensor along ``dims`` by ``shifts`` (elements leaving one end enter the other).

    With ``dims=None`` the tensor is flattened, rolled and restored to its shape.

    Example:
        >>> nerve.roll(nerve.arange(4), 1)
        tensor([3, 0, 1, 2])
    """
    sh = (int(shifts),) if isinstance(shifts, numbers.Integral) else tuple(int(s) for s in shifts)
    if dims is None or (not isinstance(dims, numbers.Integral) and len(dims) == 0):
        if len(sh) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(sh)}, dims:0")
        return Roll(sh, None)(input)
    ds = (dims,) if isinstance(dims, numbers.Integral) else tuple(dims)
    if len(sh) != len(ds):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(sh)}, dims:{len(ds)}")
    n = input._data.ndim
    if n == 0:
        raise IndexError(f"roll: Dimension specified as {ds[0]} but tensor has no dimensions")
    axes = tuple(_dim(d, n, "roll") for d in ds)
    return Roll(sh, axes)(input)


def _tri(input, diagonal, upper):  # noqa: A002
    name = "triu" if upper else "tril"
    if input._data.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions (got shape {input._data.shape})")
    return Tri(int(diagonal), upper)(input)


def tril(input, diagonal=0):  # noqa: A002
    """The lower triangle of the last two dims (on and below ``diagonal``); the rest is zero."""
    return _tri(input, diagonal, False)


def triu(input, diagonal=0):  # noqa: A002
    """The upper triangle of the last two dims (on and above ``diagonal``); the rest is zero."""
    return _tri(input, diagonal, True)


def _tri_indices(row, col, offset, dtype, upper):
    name = "triu_indices" if upper else "tril_indices"
    row, col, offset = int(row), int(col), int(offset)
    if row < 0:
        raise RuntimeError(f"{name}: row must be non-negative, got {row}")
    if col < 0:
        raise RuntimeError(f"{name}: col must be non-negative, got {col}")
    dt = B.int64 if dtype is None else B.to_dtype(dtype)
    if dt.kind not in "iu":
        raise RuntimeError(f"{name}: dtype must be an integer type, got {dt}")
    rows, cols = (np.triu_indices if upper else np.tril_indices)(row, offset, col)
    return _make(np.stack([rows, cols]).astype(dt, copy=False).reshape(2, -1))


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The ``2 x N`` (row, column) indices of the lower triangle of a ``row x col`` matrix,
    in row-major order; ``offset`` moves the diagonal (as in ``tril``)."""
    return _tri_indices(row, col, offset, dtype, False)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The ``2 x N`` (row, column) indices of the upper triangle of a ``row x col`` matrix."""
    return _tri_indices(row, col, offset, dtype, True)


# ---------------------------------------------------------------- the diagonal family
def _diag_dims(dim1, dim2, ndim, op):
    a1, a2 = _dim(dim1, ndim, op), _dim(dim2, ndim, op)
    if a1 == a2:
        raise RuntimeError(f"{op}: diagonal dimensions cannot be identical {dim1}, {dim2}")
    return a1, a2


def diagonal(input, offset=0, dim1=0, dim2=1):  # noqa: A002
    """The ``offset`` diagonal of the ``(dim1, dim2)`` matrices, as a new last dimension.

    Example:
        >>> nerve.arange(6.).reshape(2, 3).diagonal(1)
        tensor([1., 5.])
    """
    a1, a2 = _diag_dims(dim1, dim2, input._data.ndim, "diagonal")
    return Diagonal(int(offset), a1, a2)(input)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):  # noqa: A002
    """Matrices (in dims ``dim1, dim2`` of the result) with the last dim of ``input`` on their
    ``offset`` diagonal and zeros elsewhere."""
    n = input._data.ndim + 1
    a1, a2 = _diag_dims(dim1, dim2, n, "diag_embed")
    offset = int(offset)
    lead = list(input._data.shape[:-1])
    m = input._data.shape[-1] + abs(offset)     # (a 0-d input failed the dim check above)
    shape = []
    for d in range(n):
        shape.append(m if d in (a1, a2) else lead.pop(0))
    return DiagonalScatter(tuple(shape), offset, a1, a2)(input)


def diag(input, diagonal=0):  # noqa: A002
    """1-D input: a square matrix with it on the ``diagonal``; 2-D input: that diagonal (1-D)."""
    n = input._data.ndim
    if n == 1:
        k = int(diagonal)
        m = input._data.shape[0] + abs(k)
        return DiagonalScatter((m, m), k, 0, 1)(input)
    if n == 2:
        return Diagonal(int(diagonal), 0, 1)(input)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {n}D")


def diagflat(input, offset=0):  # noqa: A002
    """The flattened input on the ``offset`` diagonal of a square matrix."""
    return diag(_shape.reshape(input, (-1,)) if input._data.ndim != 1 else input, offset)


# ---------------------------------------------------------------- windows and repeats
def unfold(input, dimension, size, step):  # noqa: A002
    """``Tensor.unfold``: all windows of ``size`` elements, ``step`` apart, along ``dimension``.

    The windows index the dimension (its size becomes ``(n - size) // step + 1``) and their
    elements form a new last dimension of ``size``. The gradient adds each element's
    contributions from every window that holds it.

    Example:
        >>> nerve.arange(5.).unfold(0, 2, 2)
        tensor([[0., 1.],
                [2., 3.]])
    """
    x = input
    size, step = int(size), int(step)
    zero_d = x._data.ndim == 0
    if zero_d:
        _dim(dimension, 0, "unfold")
        x, d = _shape.reshape(x, (1,)), 0
    else:
        d = _dim(dimension, x._data.ndim, "unfold")
    n = x._data.shape[d]
    if size < 0:
        raise RuntimeError(f"unfold: size is {size} but must be >= 0")
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"unfold: step is {step} but must be > 0")
    y = Unfold(d, size, step)(x)                # shape[:d] + (windows,) + shape[d+1:] + (size,)
    return _shape.reshape(y, (size,)) if zero_d else y


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):  # noqa: A002
    """Repeat each element (each slice along ``dim``) ``repeats`` times in place.

    ``repeats`` is an int or a tensor with one count per slice; with ``dim=None`` the tensor
    is flattened first. ``repeat_interleave(counts)`` alone gives ``arange(len(counts))``
    repeated by ``counts``.

    Example:
        >>> nerve.repeat_interleave(nerve.tensor([1, 2]), 2)
        tensor([1, 1, 2, 2])
    """
    from ..tensor import Tensor
    if repeats is None:
        r = input._data if isinstance(input, Tensor) else np.asarray(input)
        if r.ndim != 1:
            raise RuntimeError(f"repeat_interleave only accept 1D vector as repeat (got shape {r.shape})")
        if r.dtype.kind not in "iu":
            raise RuntimeError(f"repeat_interleave: repeats must be an integer tensor, got {r.dtype}")
        if r.size and r.min() < 0:
            raise RuntimeError("repeats can not be negative")
        return _make(np.repeat(np.arange(r.shape[0], dtype=B.int64), r))
    x = input
    if dim is None:
        x, d = _shape.reshape(x, (-1,)), 0
    else:
        d = _dim(dim, x._data.ndim, "repeat_interleave")
        if x._data.ndim == 0:
            x = _shape.reshape(x, (1,))
    n = x._data.shape[d]
    if isinstance(repeats, Tensor) or not isinstance(repeats, numbers.Integral):
        r = repeats._data if isinstance(repeats, Tensor) else np.asarray(repeats)
        if r.dtype.kind not in "iu":
            raise RuntimeError(f"repeat_interleave: repeats must be an integer tensor, got {r.dtype}")
        if r.ndim > 1:
            raise RuntimeError(f"repeats must be 0-dim or 1-dim tensor (got shape {r.shape})")
        if r.size and r.min() < 0:
            raise RuntimeError("repeats can not be negative")
        if r.size == 1:
            repeats = int(r.reshape(()))
        elif r.shape[0] != n:
            raise RuntimeError(
                f"repeats must have the same size as input along dim, but got repeats.size(0) = {r.shape[0]} "
                f"and input.size({d}) = {n}")
        else:
            if output_size is not None and int(output_size) != int(r.sum()):
                raise RuntimeError(f"repeat_interleave: allocated size {output_size} does not match required "
                                   f"size {int(r.sum())}")
            from .scatter import TakeFlat
            base = np.arange(x._data.size, dtype=B.int64).reshape(x._data.shape)
            return TakeFlat(np.repeat(base, r, axis=d))(x)
    r = int(repeats)
    if r < 0:
        raise RuntimeError(f"repeat_interleave: Repeats must be non-negative, got {r}")
    if output_size is not None and int(output_size) != n * r:
        raise RuntimeError(f"repeat_interleave: allocated size {output_size} does not match required size {n * r}")
    shape = x._data.shape
    y = _shape.reshape(x, shape[:d + 1] + (1,) + shape[d + 1:])
    y = _shape.expand(y, shape[:d + 1] + (r,) + shape[d + 1:])
    return _shape.reshape(y, shape[:d] + (n * r,) + shape[d + 1:])


def meshgrid(*tensors, indexing="ij"):
    """Coordinate grids from 1-D tensors: output ``i`` varies along dim ``i`` (``'ij'``, PyTorch's
    default) or, with ``indexing='xy'``, the first two dims are swapped (Cartesian order).

    Example:
        >>> gx, gy = nerve.meshgrid(nerve.arange(2), nerve.arange(3))
        >>> gx.shape, gy.shape
        ((2, 3), (2, 3))
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    if indexing is None:
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    ts = [lift(t) for t in tensors]
    for i, t in enumerate(ts):
        if t._data.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got a "
                               f"{t._data.ndim}D tensor (shape {t._data.shape}) at position {i}")
        if t._data.dtype != ts[0]._data.dtype:
            raise RuntimeError(f"meshgrid expects all tensors to have the same dtype, got {ts[0]._data.dtype} "
                               f"and {t._data.dtype}")
    sizes = [t._data.size for t in ts]
    axes = list(range(len(ts)))
    if indexing == "xy" and len(ts) >= 2:
        axes[0], axes[1] = 1, 0
    out_shape = [0] * len(ts)
    for i, a in enumerate(axes):
        out_shape[a] = sizes[i]
    out = []
    for t, a in zip(ts, axes):
        shape = [1] * len(ts)
        shape[a] = t._data.size
        out.append(_shape.expand(_shape.reshape(t, tuple(shape)), tuple(out_shape)))
    return tuple(out)


def tile(input, dims):  # noqa: A002
    """Repeat the whole tensor ``dims[i]`` times along each dim (missing leading counts are 1)."""
    dims = (int(dims),) if isinstance(dims, numbers.Integral) else tuple(int(d) for d in dims)
    if any(d < 0 for d in dims):
        raise RuntimeError(f"tile: repeats must be non-negative, got {dims} (tensor shape {input._data.shape})")
    n = input._data.ndim
    if len(dims) < n:
        dims = (1,) * (n - len(dims)) + dims
    return _shape.repeat(input, dims)


def narrow(input, dim, start, length):  # noqa: A002
    """The slice ``start : start + length`` of ``dim`` (``start`` may be negative)."""
    from .index import getitem
    n = input._data.ndim
    if n == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = _dim(dim, n, "narrow")
    size = input._data.shape[d]
    start, length = int(start), int(length)
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    if start < 0:
        start += size
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return getitem(input, (slice(None),) * d + (slice(start, start + length),))


def unbind(input, dim=0):  # noqa: A002
    """The slices along ``dim`` as a tuple of tensors (the dim removed)."""
    if input._data.ndim == 0:
        raise IndexError(f"unbind: Dimension specified as {dim} but tensor has no dimensions")
    return _shape.unbind(input, dim)


def take(input, index):  # noqa: A002
    """Elements of the flattened input at ``index`` (negative counts from the end); the result
    has the shape of ``index``."""
    from .scatter import TakeFlat
    idx = _long_index(index, "take")
    n = input._data.size
    if idx.size and (idx.min() < -n or idx.max() >= n):
        bad = idx[(idx < -n) | (idx >= n)].flat[0]
        raise IndexError(f"out of range: tried to access index {int(bad)} on a tensor of {n} elements.")
    return TakeFlat(np.where(idx < 0, idx + n, idx))(input)


# ---------------------------------------------------------------- flips, rotations, dims
def flip(input, dims):  # noqa: A002
    """Reverse the order of elements along ``dims`` (each dim at most once)."""
    ds = (dims,) if isinstance(dims, numbers.Integral) else tuple(dims)
    n = input._data.ndim
    axes = [_dim(d, n, "flip") for d in ds]
    seen = set()
    for a in axes:
        if a in seen:
            raise RuntimeError(f"flip: dim {a} appears multiple times in the list of dims")
        seen.add(a)
    if n == 0 or not axes:
        from .elementwise import clone
        return clone(input)
    return _shape.Flip(tuple(sorted(axes)))(input)


def fliplr(input):  # noqa: A002
    """Flip dim 1 (left/right); needs at least 2 dims."""
    if input._data.ndim < 2:
        raise RuntimeError(f"fliplr: Input must be >= 2-d. (got shape {input._data.shape})")
    return flip(input, (1,))


def flipud(input):  # noqa: A002
    """Flip dim 0 (up/down); needs at least 1 dim."""
    if input._data.ndim < 1:
        raise RuntimeError("flipud: Input must be >= 1-d.")
    return flip(input, (0,))


def rot90(input, k=1, dims=(0, 1)):  # noqa: A002
    """Rotate by 90 degrees ``k`` times in the plane of ``dims`` (from the first towards the second)."""
    dims = tuple(dims)
    n = input._data.ndim
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if n < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {n}")
    d0, d1 = _dim(dims[0], n, "rot90"), _dim(dims[1], n, "rot90")
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} and dim1 = {dims[1]}")
    k = int(k) % 4
    if k == 1:
        return _shape.transpose(flip(input, (d1,)), d0, d1)
    if k == 2:
        return flip(input, (d0, d1))
    if k == 3:
        return _shape.transpose(flip(input, (d0,)), d0, d1)
    from .elementwise import clone
    return clone(input)


moveaxis = _shape.movedim
swapdims = swapaxes = _shape.transpose


def t(input):  # noqa: A002
    """Transpose a matrix; 0-d and 1-D tensors are returned as they are."""
    n = input._data.ndim
    if n > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {n}D")
    return _shape.transpose(input, 0, 1) if n == 2 else input


# ---------------------------------------------------------------- atleast_*d and stacks
def _atleast(tensors, fn):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(fn(lift(t)) for t in tensors[0])
    if len(tensors) == 1:
        return fn(lift(tensors[0]))
    return tuple(fn(lift(t)) for t in tensors)


def _to_1d(x):
    return _shape.reshape(x, (1,)) if x._data.ndim == 0 else x


def _to_2d(x):
    n = x._data.ndim
    return x if n >= 2 else _shape.reshape(x, (1, max(x._data.size, 1) if n == 0 else x._data.shape[0]))


def _to_3d(x):
    n = x._data.ndim
    if n >= 3:
        return x
    if n == 0:
        return _shape.reshape(x, (1, 1, 1))
    if n == 1:
        return _shape.reshape(x, (1, x._data.shape[0], 1))
    return _shape.reshape(x, x._data.shape + (1,))


def atleast_1d(*tensors):
    """Each tensor with at least 1 dim (0-d becomes shape (1,)); one tensor in, one out."""
    return _atleast(tensors, _to_1d)


def atleast_2d(*tensors):
    """Each tensor with at least 2 dims (0-d -> (1, 1), (N,) -> (1, N))."""
    return _atleast(tensors, _to_2d)


def atleast_3d(*tensors):
    """Each tensor with at least 3 dims (0-d -> (1, 1, 1), (N,) -> (1, N, 1), (M, N) -> (M, N, 1))."""
    return _atleast(tensors, _to_3d)


def _stack_args(tensors, name):
    ts = _shape._tensor_list(tensors, name)
    if not ts:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return ts


def hstack(tensors):
    """Concatenate column-wise: along dim 0 for 1-D tensors, dim 1 otherwise."""
    ts = [_to_1d(t) for t in _stack_args(tensors, "hstack")]
    return _shape.cat(ts, 0 if ts[0]._data.ndim == 1 else 1)


def vstack(tensors):
    """Concatenate row-wise (dim 0) after making every tensor at least 2-D."""
    return _shape.cat([_to_2d(t) for t in _stack_args(tensors, "vstack")], 0)


row_stack = vstack


def dstack(tensors):
    """Concatenate depth-wise (dim 2) after making every tensor at least 3-D."""
    return _shape.cat([_to_3d(t) for t in _stack_args(tensors, "dstack")], 2)


def column_stack(tensors):
    """Stack 0-d and 1-D tensors as columns (and concatenate 2-D ones) along dim 1."""
    ts = []
    for t in _stack_args(tensors, "column_stack"):
        if t._data.ndim <= 1:
            t = _shape.reshape(t, (t._data.size, 1))
        ts.append(t)
    return _shape.cat(ts, 1)


__all__ = [
    "roll", "tril", "triu", "tril_indices", "triu_indices", "diag", "diagonal", "diag_embed", "diagflat",
    "repeat_interleave", "meshgrid", "tile", "narrow", "unbind", "take", "flip", "fliplr", "flipud", "rot90",
    "moveaxis", "swapdims", "swapaxes", "t", "atleast_1d", "atleast_2d", "atleast_3d", "hstack", "vstack",
    "row_stack", "dstack", "column_stack",
]

# Tensor methods this module provides: {"name": function taking the tensor first}
TENSOR_METHODS: dict = {
    "roll": roll,
    "tril": tril,
    "triu": triu,
    "diag": diag,
    "diagonal": diagonal,
    "diag_embed": diag_embed,
    "diagflat": diagflat,
    "unfold": unfold,
    "repeat_interleave": repeat_interleave,
    "tile": lambda self, *dims: tile(self, _dims_arg(dims)),
    "narrow": narrow,
    "unbind": unbind,
    "take": take,
    "flip": lambda self, *dims: flip(self, _dims_arg(dims)),
    "fliplr": fliplr,
    "flipud": flipud,
    "rot90": rot90,
    "moveaxis": moveaxis,
    "swapdims": swapdims,
    "swapaxes": swapaxes,
}
