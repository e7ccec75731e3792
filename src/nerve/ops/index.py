"""Indexing: basic and advanced ``x[index]``, gather, index_select, masked_fill, setitem.

The gradient of a read is a scatter-add into zeros; with advanced (integer
array) indices the same element can be read several times, so the backward
uses ``np.add.at``, which accumulates repeated indices correctly.
"""
from __future__ import annotations

import numbers

from .._backend import np
from ..autograd.function import Op
from ._util import _make


def _norm_index(index):
    """Turn Tensors and lists inside an index into arrays; report if it is 'basic'."""
    from ..tensor import Tensor
    if not isinstance(index, tuple):
        index = (index,)
    out, basic = [], True
    for i in index:
        if isinstance(i, Tensor):
            i = i._data
            if i.dtype.kind not in "biu":
                raise IndexError(f"tensors used as indices must be long, int or bool, got {i.dtype}")
            if i.ndim == 0 and i.dtype.kind in "iu":
                i = int(i)
        elif isinstance(i, list):
            i = np.asarray(i)
            if i.dtype.kind == "f":
                raise IndexError("index lists must hold integers or booleans, got floats")
        if isinstance(i, np.ndarray) or (hasattr(i, "dtype") and hasattr(i, "shape")):
            basic = False
        elif not (i is None or i is Ellipsis or isinstance(i, (slice, numbers.Integral))):
            raise IndexError(
                f"only integers, slices, None, Ellipsis, and integer or boolean tensors/arrays are valid "
                f"indices (got {type(i).__name__})")
        out.append(i)
    return tuple(out), basic


def _index_error(shape, index, err):
    return IndexError(f"index {index!r} is invalid for a tensor of shape {tuple(shape)}: {err}")


class GetItem(Op):
    saved = ()

    def __init__(self, index, basic):
        self.index, self.basic = index, basic

    def forward(self, x):
        self.shape = x.shape
        try:
            return x[self.index]
        except IndexError as e:
            raise _index_error(x.shape, self.index, e) from None

    def backward(self, g):
        return IndexPutZeros(self.index, self.basic, self.shape)(g)


class IndexPutZeros(Op):
    """Scatter ``g`` into zeros of ``shape`` at ``index`` (adding repeated indices)."""
    saved = ()

    def __init__(self, index, basic, shape):
        self.index, self.basic, self.shape = index, basic, shape

    def forward(self, g):
        z = np.zeros(self.shape, dtype=g.dtype)
        if self.basic:
            z[self.index] = g
        else:
            np.add.at(z, self.index, g)
        return z

    def backward(self, gg):
        return GetItem(self.index, self.basic)(gg)


def getitem(x, index):
    idx, basic = _norm_index(index)
    return GetItem(idx, basic)(x)


def setitem(x, index, value):
    """``x[index] = value`` on the data (not recorded in the graph)."""
    from ..autograd.grad_mode import is_grad_enabled
    from ..tensor import Tensor
    if is_grad_enabled() and (x.requires_grad or (isinstance(value, Tensor) and value.requires_grad)):
        raise RuntimeError(
            "in-place assignment x[index] = value is not differentiable in nerve; build a new tensor with "
            "where()/masked_fill()/cat(), or do it under nerve.no_grad()")
    idx, _ = _norm_index(index)
    v = value._data if isinstance(value, Tensor) else value
    if isinstance(x._data, np.generic):   # a 0-d op result is a NumPy scalar: make it writable
        x._data = np.array(x._data)
    try:
        x._data[idx] = v
    except (IndexError, ValueError) as e:
        raise _index_error(x._data.shape, index, e) from None


def _along_axis_index(index, axis, ndim):
    """Full advanced index tuple that picks ``index`` along ``axis`` (gather's pattern)."""
    idx = []
    for d in range(ndim):
        if d == axis:
            idx.append(index)
        else:
            shape = [1] * ndim
            shape[d] = index.shape[d]
            idx.append(np.arange(index.shape[d]).reshape(shape))
    return tuple(idx)


def gather(x, dim, index):
    """``out[i][j] = x[i][index[i][j]]`` along ``dim`` (PyTorch's ``gather``)."""
    from ..tensor import Tensor
    ind = index._data if isinstance(index, Tensor) else np.asarray(index)
    if ind.dtype.kind not in "iu":
        raise RuntimeError(f"gather(): index must be an integer tensor, got {ind.dtype}")
    n = x._data.ndim
    if ind.ndim != n:
        raise RuntimeError(f"gather(): index has {ind.ndim} dims but input has {n} (shape {x._data.shape})")
    ax = dim % n
    size = x._data.shape[ax]
    if ind.size and (ind.min() < -size or ind.max() >= size):
        bad = ind[(ind < -size) | (ind >= size)].flat[0]
        raise IndexError(
            f"gather(): index {int(bad)} is out of range for dim {dim} of size {size} "
            f"(input shape {tuple(x._data.shape)}, index shape {tuple(ind.shape)})")
    return GetItem(_along_axis_index(ind, ax, n), False)(x)


def index_select(x, dim, index):
    from ..tensor import Tensor
    ind = index._data if isinstance(index, Tensor) else np.asarray(index)
    ax = dim % x._data.ndim
    return GetItem((slice(None),) * ax + (ind,), False)(x)


class MaskedFill(Op):
    saved = ()

    def __init__(self, mask, value):
        self.mask, self.value = mask, value

    def forward(self, x):
        return np.where(self.mask, np.asarray(self.value, dtype=x.dtype), x)

    def backward(self, g):
        x = self.inputs[0]
        out = MaskedFill(self.mask, 0)(g)
        if out._data.shape != x._data.shape:
            from ._util import sum_to
            out = sum_to(out, x._data.shape)
        return out


def masked_fill(x, mask, value):
    """Replace entries where ``mask`` is true by ``value`` (mask broadcasts to x)."""
    from ..tensor import Tensor
    m = mask._data if isinstance(mask, Tensor) else np.asarray(mask)
    if m.dtype != np.bool_:
        raise RuntimeError(f"masked_fill: expected a boolean mask, got {m.dtype}")
    try:
        ok = np.broadcast_shapes(m.shape, x._data.shape) == x._data.shape
    except ValueError:
        ok = False
    if not ok:
        raise RuntimeError(
            f"masked_fill: mask of shape {m.shape} does not broadcast to the tensor's shape {x._data.shape}")
    if isinstance(value, Tensor):
        if value._data.ndim != 0:
            raise RuntimeError(
                f"masked_fill only supports a 0-dimensional value tensor, but got tensor with "
                f"{value._data.ndim} dimension(s)")
        if value.requires_grad:    # the value receives the gradient of every filled position
            from .elementwise import cast, where
            v = value if value._data.dtype == x._data.dtype else cast(value, x._data.dtype)
            return where(_make(m), v, x)
        value = value._data.item()
    return MaskedFill(m, value)(x)


def one_hot(tensor, num_classes=-1):
    t = tensor._data if hasattr(tensor, "_data") else np.asarray(tensor)
    if t.dtype.kind not in "iu":
        raise RuntimeError(f"one_hot: expected an integer tensor of class indices, got {t.dtype}")
    n = int(t.max()) + 1 if num_classes < 0 else num_classes
    if t.size and (t.min() < 0 or t.max() >= n):
        raise RuntimeError(f"one_hot: class values must be in [0, {n}), got min {t.min()} max {t.max()}")
    out = np.zeros(t.shape + (n,), dtype=np.int64)
    np.put_along_axis(out, t[..., None], 1, axis=-1)
    return _make(out)


__all__ = ["getitem", "setitem", "gather", "index_select", "masked_fill", "one_hot"]
