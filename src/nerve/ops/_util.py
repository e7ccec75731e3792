"""Helpers shared by the ops: lifting Python values to tensors, axis handling."""
from __future__ import annotations

import numbers
import weakref

from .. import _backend as B
from .._backend import np
from ..tensor import Tensor

_make = Tensor._make


def _category(dt):
    """0 bool, 1 integer, 2 floating, 3 complex (PyTorch's promotion categories)."""
    k = dt.kind
    return 0 if k == "b" else 1 if k in "iu" else 2 if k == "f" else 3


def promote_types(a, b):
    """PyTorch's ``promote_types``: an integer meeting a float gives the float (NumPy would widen)."""
    if a is b or a == b:
        return a
    ca, cb = _category(a), _category(b)
    if ca != cb:
        if ca == 0:
            return b
        if cb == 0:
            return a
        if ca == 1 and cb >= 2:
            return b
        if cb == 1 and ca >= 2:
            return a
    return np.promote_types(a, b)


def _scalar_dtype(x):
    if isinstance(x, bool):
        return B.bool_
    if isinstance(x, numbers.Integral):
        return B.int64
    if isinstance(x, numbers.Real):
        return B.get_default_dtype()
    if isinstance(x, numbers.Complex):
        return np.dtype("complex64") if B.get_default_dtype() == B.float32 else np.dtype("complex128")
    raise TypeError(f"unsupported operand {x!r} of type {type(x).__name__}: expected a Tensor or a number")


def _combine(higher, lower):
    """PyTorch's ``combine_categories``: the higher-priority participants win within a category."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    ch, cl = _category(higher), _category(lower)
    if ch == 3:
        return higher
    if cl == 3:
        return np.promote_types(higher, np.dtype("complex64")) if ch == 2 else lower
    if ch == 2:
        return higher
    if ch == 0 or cl == 2:
        return promote_types(higher, lower)
    return higher


def result_type(*operands):
    """The dtype PyTorch gives an op over ``operands`` (``torch.result_type``).

    Dimensioned tensors outrank 0-d tensors, which outrank Python scalars, unless a
    lower-ranked operand is of a higher category (bool < integer < float < complex):
    ``int32_tensor + 1`` is int32, ``float32_tensor + float64_0d`` is float32,
    ``int64_tensor * 2.5`` is the default float dtype.
    """
    dim = zero = wrapped = None
    for x in operands:
        if isinstance(x, Tensor):
            d = x._data.dtype
            if x._data.ndim:
                dim = d if dim is None else promote_types(dim, d)
            else:
                zero = d if zero is None else promote_types(zero, d)
        else:
            d = _scalar_dtype(x)
            wrapped = d if wrapped is None else promote_types(wrapped, d)
    return _combine(dim, _combine(zero, wrapped))


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
            if dt.kind not in "fc":
                dt = B.get_default_dtype()
        elif isinstance(x, numbers.Complex):
            if dt.kind != "c":
                dt = _combine(dt, _scalar_dtype(x))
        else:
            raise TypeError(f"unsupported scalar {x!r} of type {type(x).__name__}")
        xp = np if isinstance(like._data, (np.ndarray, np.generic)) else B.array_module(like.device)
        return _make(xp.asarray(x, dtype=dt))
    if isinstance(x, numbers.Number):
        return _make(np.asarray(x, dtype=_scalar_dtype(x)))
    return Tensor(x)


def _cast(t, dt):
    from .elementwise import cast
    return cast(t, dt)


def lift_pair(a, b):
    """Two operands as Tensors of one dtype, by PyTorch's promotion rules (``result_type``).

    The common cases cost one identity test: two tensors of the same dtype, or a
    tensor and a Python number (which never raises a tensor's dtype within its
    category: ``int32_tensor * 2`` stays int32, ``float16_tensor * 0.5`` stays float16).
    """
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            da, db = a._data.dtype, b._data.dtype
            if da is db or da == db:
                return a, b
            dt = result_type(a, b)
        else:
            b = lift(b, a)
            da, db = a._data.dtype, b._data.dtype
            if da is db:
                return a, b
            dt = _combine(da, db)
    elif isinstance(b, Tensor):
        a = lift(a, b)
        da, db = a._data.dtype, b._data.dtype
        if da is db:
            return a, b
        dt = _combine(db, da)
    else:
        a, b = lift(a), lift(b)
        return lift_pair(a, b)
    if a._data.dtype != dt:
        a = _cast(a, dt)
    if b._data.dtype != dt:
        b = _cast(b, dt)
    return a, b


def float_input(x):
    """``x`` itself if it is floating (or complex), else ``x`` cast to the default float dtype:
    PyTorch computes ``exp``/``sin``/``sqrt``... of an integer tensor in float32."""
    if x._data.dtype.kind in "fc":
        return x
    return _make(x._data.astype(B.get_default_dtype()))


def resolve_shape(shape, size, op="reshape"):
    """``shape`` with one ``-1`` filled in for ``size`` elements (errors as PyTorch)."""
    shape = tuple(int(s) for s in shape)
    if shape.count(-1) > 1:
        raise RuntimeError(f"{op}: only one dimension can be inferred, got shape {shape}")
    if -1 in shape:
        known = 1
        for s in shape:
            if s != -1:
                known *= s
        if known == 0 or size % known:
            raise RuntimeError(f"{op}: shape {shape} is invalid for input of size {size}")
        shape = tuple(size // known if s == -1 else s for s in shape)
    return shape


def register_view(base, view):
    """Remember that ``view`` (made by a view op from the non-leaf ``base``) aliases it, so an
    in-place change of ``base`` recorded later also re-bases the view's history (PyTorch
    regenerates a view's ``grad_fn`` when its base changes)."""
    meta = getattr(base, "_meta", None)
    if meta is None:
        meta = base._meta = {}
    views = meta.get("views")
    if views is None:
        views = meta["views"] = []
    elif len(views) >= 64 and not len(views) & (len(views) - 1):
        views[:] = [r for r in views if r() is not None]     # at powers of two: amortised O(1)
    views.append(weakref.ref(view))


# Views of tensors that do not require grad (weak references, pruned as they die). Their base
# may later gain a history in place (``b.mul_(w)``, ``b[i] = h``); only then are they looked
# up here (``Tensor._adopt_views``), so a view op pays one append, not a lookup in its base.
NOGRAD_VIEWS = []
_prune_at = [256]


def register_nograd_view(base, view, op):
    """``view`` was made by the (unrecorded) view ``op`` from ``base``, which does not require
    grad. The view keeps the op, and through it its base (PyTorch's ``._base``): an in-place op
    that brings gradient into the view writes through to the base, and one that brings it into
    the base reaches the view (tensor.py, ``_inplace``)."""
    op.inputs = (base,)
    view._meta = {"view": op}
    views = NOGRAD_VIEWS
    views.append(weakref.ref(view))
    if len(views) >= _prune_at[0]:
        views[:] = [r for r in views if r() is not None]
        _prune_at[0] = max(256, 2 * len(views))


def internal_overlap(a):
    """Whether two elements of the array ``a`` share memory (an expanded, zero-stride view)."""
    return not isinstance(a, np.generic) and a.size > 1 and 0 in a.strides and any(
        n > 1 and st == 0 for n, st in zip(a.shape, a.strides))


class Written:
    """Which elements an in-place write changes, for a write that reaches its base through an
    expanded view (where several elements share memory and the last one written wins).

    ``mask()`` makes (on demand) a boolean array over the written tensor's shape, or is None:
    every element. ``overlapping``: the tensor PyTorch writes into has elements that share
    memory (``fill_`` or an advanced-index write on an expanded tensor, not ``e[1] = v``);
    PyTorch computes the result but cannot backpropagate through it.
    """

    __slots__ = ("mask", "overlapping")

    def __init__(self, mask, overlapping):
        self.mask, self.overlapping = mask, overlapping

    def map(self, fn):
        """The same write seen from the base: ``fn`` turns this mask (None: all) into the base's."""
        mask = self.mask
        return Written(lambda: fn(None if mask is None else mask()), self.overlapping)


def masked_scale(g, w):
    """``g * w`` for a 0/1 (or tie-splitting) weight ``w``, selecting rather than multiplying:
    where ``w`` is 0 the result is 0 even if ``g`` is inf or NaN there (PyTorch's rule for
    relu, clamp, maximum, max-reductions). Multiplying is 10x faster than ``np.where`` on
    random masks, so it runs first; only a non-finite product pays for the selection."""
    out = g * w
    if not np.isfinite(out.sum()):
        with np.errstate(invalid="ignore"):
            out = np.where(w != 0, out, np.zeros((), out.dtype))
    return out


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
    elif not isinstance(dim, (tuple, list, range)) and not (hasattr(dim, "__len__") and hasattr(dim, "__iter__")):
        raise TypeError(f"{op}: dim must be an integer or a sequence of integers, got "
                        f"{type(dim).__name__} {dim!r}")
    out = []
    for d in dim:
        if not isinstance(d, numbers.Integral) or isinstance(d, bool):
            raise TypeError(f"{op}: dim must be an integer or a sequence of integers, got {d!r}")
        d = int(d)
        if not -max(ndim, 1) <= d < max(ndim, 1):
            raise IndexError(
                f"{op}: dimension {d} is out of range for a tensor with {ndim} dimensions "
                f"(expected {-max(ndim, 1)} to {max(ndim, 1) - 1})")
        out.append(d % ndim if ndim else 0)
    if len(set(out)) != len(out):
        dup = next(d for d in out if out.count(d) > 1)
        raise RuntimeError(f"{op}: dim {dup} appears multiple times in the list of dims {tuple(dim)}")
    return tuple(sorted(out))


def const(array):
    return _make(array)
