"""Helpers shared by the ops: lifting Python values to tensors, axis handling."""
from __future__ import annotations

import numbers

from .. import _backend as B
from .._backend import np
from ..tensor import Tensor

_make = Tensor._make


def lift(x, like=None):
    """Return ``x`` as a Tensor; Python numbers take ``like``'s dtype when it fits.

    A float with an integer/bool tensor becomes the default float dtype, as in PyTorch.
    """
    if isinstance(x, Tensor):
        return x
    if isinstance(x, numbers.Number) and like is not None:
        dt = like._data.dtype
        if isinstance(x, bool):
            pass
        elif isinstance(x, numbers.Integral):
            if dt.kind == "b":
                dt = B.int64
        elif isinstance(x, numbers.Real):
            if dt.kind != "f":
                dt = B.get_default_dtype()
        else:
            raise TypeError(f"unsupported scalar {x!r} of type {type(x).__name__}")
        xp = np if isinstance(like._data, np.ndarray) else B.array_module(like.device)
        return _make(xp.asarray(x, dtype=dt))
    return Tensor(x)


def lift_pair(a, b):
    """Lift the non-Tensor side; an integer/bool tensor meeting a Python float becomes float
    (PyTorch's rule: ``int_tensor * 2.5`` is float32, where NumPy 2 would give float64)."""
    if not isinstance(a, Tensor):
        a = lift(a, b)
        da, db = a._data.dtype, b._data.dtype
        if da is not db and da.kind == "f" and db.kind in "biu":   # (`is`: the common case costs nothing)
            b = _make(b._data.astype(da))
    elif not isinstance(b, Tensor):
        b = lift(b, a)
        da, db = a._data.dtype, b._data.dtype
        if da is not db and db.kind == "f" and da.kind in "biu":
            a = _make(a._data.astype(db))
    return a, b


def sum_to(g, shape):
    """Reduce a broadcast gradient back to ``shape`` (a Tensor op, differentiable)."""
    if g._data.shape == shape:
        return g
    from .shape import SumTo
    return SumTo(shape)(g)


def sum_to_array(x, shape):
    """Raw-array version of ``sum_to``: undo NumPy broadcasting by summing."""
    if x.shape == shape:
        return x
    nd = x.ndim - len(shape)
    axes = tuple(range(nd)) + tuple(
        i + nd for i, s in enumerate(shape) if s == 1 and x.shape[i + nd] != 1)
    y = x.sum(axis=axes, keepdims=True) if axes else x
    return y.reshape(shape) if nd or y.shape != shape else y


def norm_dim(dim, ndim, op="op"):
    """Normalise ``dim`` (None, int or sequence) to None or a sorted tuple of axes."""
    if dim is None:
        return None
    if isinstance(dim, numbers.Integral):
        dim = (dim,)
    out = []
    for d in dim:
        d = int(d)
        if not -max(ndim, 1) <= d < max(ndim, 1):
            raise IndexError(
                f"{op}: dimension {d} is out of range for a tensor with {ndim} dimensions "
                f"(expected {-max(ndim, 1)} to {max(ndim, 1) - 1})")
        out.append(d % ndim if ndim else 0)
    return tuple(sorted(set(out)))


def const(array):
    return _make(array)
