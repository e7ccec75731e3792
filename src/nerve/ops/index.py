"""Indexing: basic and advanced ``x[index]``, gather, index_select, masked_fill, setitem.

The gradient of a read is a scatter-add into zeros; with advanced (integer
array) indices the same element can be read several times, so the backward
uses ``np.add.at``, which accumulates repeated indices correctly.
"""
from __future__ import annotations

import builtins
import numbers

from .._backend import np
from ..autograd.function import Op
from ..autograd.grad_mode import _enabled
from ._util import Written, _make, internal_overlap, norm_dim, register_nograd_view, register_view


def _norm_item(i):
    from ..tensor import Tensor
    if isinstance(i, Tensor):
        i = i._data
        if i.dtype.kind not in "biu":
            raise IndexError(f"tensors used as indices must be long, int or bool tensors, got {i.dtype}")
        if i.ndim == 0 and i.dtype.kind in "iu":
            return int(i)
        return np.asarray(i)
    if isinstance(i, bool):
        return np.asarray(i)
    if isinstance(i, numbers.Integral):
        return int(i)
    if isinstance(i, slice):
        if i.step is not None:
            step = _norm_item(i.step)
            if not isinstance(step, int):
                raise TypeError(f"slice indices must be integers or None, got step {i.step!r}")
            if step <= 0:
                raise ValueError("step must be greater than zero" if step < 0 else "slice step cannot be zero")
        for v in (i.start, i.stop):
            if v is not None and not isinstance(v, numbers.Integral) and not (
                    isinstance(v, Tensor) and v._data.ndim == 0 and v._data.dtype.kind in "iu"):
                raise TypeError(f"slice indices must be integers or None, got {v!r}")
        if isinstance(i.start, Tensor) or isinstance(i.stop, Tensor) or isinstance(i.step, Tensor):
            i = slice(*(int(v) if v is not None else None for v in (i.start, i.stop, i.step)))
        return i
    if i is None or i is Ellipsis:
        return i
    if isinstance(i, range):
        return np.arange(i.start, i.stop, i.step)
    if isinstance(i, (list, tuple)):
        try:
            a = np.asarray([_norm_seq(v) for v in i]) if i else np.asarray(i, dtype=np.int64)
        except ValueError:
            raise IndexError(f"index lists must be rectangular sequences of integers or booleans, got {i!r}") from None
        if a.dtype.kind not in "biu":
            raise IndexError(f"index lists must hold integers or booleans, got {a.dtype} values")
        return a
    if hasattr(i, "dtype") and hasattr(i, "shape"):
        a = np.asarray(i)
        if a.dtype.kind not in "biu":
            raise IndexError(f"arrays used as indices must be of integer or boolean type, got {a.dtype}")
        if a.ndim == 0 and a.dtype.kind in "iu":
            return int(a)
        return a
    raise IndexError(
        "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices "
        f"(got {type(i).__name__})")


def _norm_seq(v):
    from ..tensor import Tensor
    if isinstance(v, Tensor):
        return v._data
    if isinstance(v, (list, tuple)):
        return [_norm_seq(e) for e in v]
    if isinstance(v, float):
        raise IndexError(f"index lists must hold integers or booleans, got the float {v!r}")
    return v


def _index_items(index):
    """The user's index as a list of normalised items (int, slice, None, Ellipsis, array)."""
    if isinstance(index, list) and len(index) < 32 and any(
            isinstance(e, (slice, type(None), type(Ellipsis), list, tuple, range)) or hasattr(e, "_data")
            or hasattr(e, "shape") for e in index):
        index = tuple(index)        # PyTorch (and old NumPy): such a short list is a tuple of indices
    if not isinstance(index, tuple):
        index = (index,)
    return [_norm_item(i) for i in index]


def _norm_index(index, ndim=None):
    """PyTorch's indexing as one or two NumPy indices.

    Returns ``(first, second, basic)``: apply ``first``, then ``second`` (``None`` when
    one step suffices). PyTorch treats an integer as basic indexing even next to
    advanced (array) indices, so ``x[1, :, idx]`` keeps the sliced dim before ``idx``'s
    dims; NumPy would count the 1 as advanced and move the broadcast dims first. When
    integers and arrays are mixed, the integers (with slices, None and ...) are applied
    first as a view, then the arrays.
    """
    items = _index_items(index)
    n_adv = has_int = 0
    for i in items:
        if isinstance(i, np.ndarray):
            n_adv += 1
        elif isinstance(i, int):
            has_int = 1
    if n_adv > 1 and ndim is not None and any(i is Ellipsis for i in items):
        used = builtins.sum(i.ndim if isinstance(i, np.ndarray) and i.dtype == np.bool_ else 1
                            for i in items if i is not None and i is not Ellipsis)
        if used >= ndim:
            # an Ellipsis standing for no dim does not separate the arrays around it in PyTorch
            # (NumPy would move their broadcast dims first)
            items = [i for i in items if i is not Ellipsis]
    if not n_adv:
        if has_int and Ellipsis not in items:
            items.append(Ellipsis)     # all integers: NumPy would return a copy (a scalar), PyTorch a view
        return tuple(items), None, True
    if not has_int:
        return tuple(items), None, False
    first, second = [], []
    for i in items:
        if isinstance(i, int):
            first.append(i)
        elif isinstance(i, np.ndarray):
            first.extend([slice(None)] * (i.ndim if i.dtype == np.bool_ else 1))
            second.append(i)
        elif i is Ellipsis:
            first.append(i)
            second.append(i)
        else:
            first.append(i)
            second.append(slice(None))
    return tuple(first), tuple(second), False


class ShapeMismatchError(RuntimeError, ValueError):
    """A value that does not broadcast to the indexed region (PyTorch: RuntimeError)."""


def _fmt_index(index):
    """``index`` as the user wrote it inside ``x[...]`` (tensors and arrays shown short)."""
    def one(i):
        if i is None:
            return "None"
        if i is Ellipsis:
            return "..."
        if isinstance(i, slice):
            parts = [i.start, i.stop] + ([i.step] if i.step is not None else [])
            return ":".join("" if v is None else str(int(v)) for v in parts)
        if hasattr(i, "shape"):
            a = np.asarray(i._data if hasattr(i, "_data") else i)
            return f"tensor({a.tolist()})" if a.size <= 8 else f"<{a.dtype} tensor of shape {tuple(a.shape)}>"
        return repr(i)
    return ", ".join(one(i) for i in (index if isinstance(index, tuple) else (index,)))


def _shape_mismatch(value, target, idx):
    """The error for ``target[idx] = value`` that NumPy refused with a ValueError."""
    try:
        v = np.asarray(value) if not hasattr(value, "dtype") else value
    except ValueError:
        return ValueError(f"can't assign a ragged nested {type(value).__name__} ({value!r:.40}): the value must be "
                          "a number, a tensor, or a rectangular nested list")
    if v.dtype.kind in "USOV":
        return _assign_type_error(value, target.dtype)
    try:
        rshape = list(np.shape(target[idx]))
    except (IndexError, ValueError, TypeError):
        rshape = "?"
    return ShapeMismatchError(
        f"shape mismatch: value tensor of shape {list(np.shape(v))} cannot be broadcast to indexing result "
        f"of shape {rshape}")


def _assign_type_error(value, dtype):
    kind = type(value).__name__
    if isinstance(value, (list, tuple)):
        inner = value
        while isinstance(inner, (list, tuple)) and inner:
            inner = inner[0]
        kind += f" of {type(inner).__name__}" if not isinstance(inner, (list, tuple)) else ""
    return TypeError(f"can't assign a {kind} to a {np.dtype(dtype).name} tensor ({value!r:.40})")


def _explain_index(shape, items):
    """PyTorch's message for an index that fails on a tensor of ``shape`` (dims counted in the
    tensor's own numbering: None adds none, ``...`` stands for the dims not indexed), or None."""
    n = len(shape)
    if builtins.sum(i is Ellipsis for i in items) > 1:
        return "an index can only have a single ellipsis ('...')"
    used = builtins.sum(0 if i is None or i is Ellipsis else
                        i.ndim if isinstance(i, np.ndarray) and i.dtype == np.bool_ else 1 for i in items)
    if used > n:
        real = [i for i in items if i is not Ellipsis]
        if n == 0 and len(real) == 1 and isinstance(real[0], int):
            return ("invalid index of a 0-dim tensor. Use `tensor.item()` to convert a 0-dim tensor to a "
                    "number")
        return f"too many indices for tensor of dimension {n} (got {used} indices for shape {tuple(shape)})"
    d, arrays = 0, []
    for i in items:
        if i is None:
            continue
        if i is Ellipsis:
            d += n - used
            continue
        if isinstance(i, np.ndarray) and i.dtype == np.bool_:
            for j in range(i.ndim):
                if i.shape[j] != shape[d + j]:
                    return (f"The shape of the mask {list(i.shape)} at index {j} does not match the shape of the "
                            f"indexed tensor {list(shape)} at index {d + j}")
            if i.ndim:
                arrays.append((int(np.count_nonzero(i)),))
            d += i.ndim
            continue
        if isinstance(i, (int, np.ndarray)):
            size = shape[d]
            bad = i if isinstance(i, int) else i[(i < -size) | (i >= size)]
            if isinstance(i, np.ndarray):
                arrays.append(i.shape)
                bad = int(bad.flat[0]) if bad.size else None
            if bad is not None and not -size <= bad < size:
                return f"index {bad} is out of bounds for dimension {d} with size {size}"
        d += 1
    try:
        np.broadcast_shapes(*arrays)
    except ValueError:
        return ("shape mismatch: indexing tensors could not be broadcast together with shapes "
                + ", ".join(str(list(a)) for a in arrays))
    return None


def _index_error(shape, index, err):
    """An ``IndexError`` in the user's terms for ``x[index]`` that NumPy refused (``index``: the
    user's index, or a normalised one in the tensor's numbering)."""
    try:
        msg = _explain_index(tuple(shape), _index_items(index))
    except Exception:  # noqa: BLE001 - the explanation must never hide the error itself
        msg = None
    if msg is None:
        msg = f"index [{_fmt_index(index)}] is invalid for a tensor of shape {tuple(shape)}: {err}"
    return IndexError(msg)


def _empty_safe(a, index):
    """``index`` with its integer arrays zeroed when the selection ``a[index]`` is empty, else
    None. PyTorch checks an index only at the elements it reads or writes, so an empty
    selection never fails for an out-of-range index (NumPy checks them all)."""
    safe = tuple(np.zeros_like(i) if isinstance(i, np.ndarray) and i.dtype.kind in "iu" else i for i in index)
    try:
        return safe if np.size(a[safe]) == 0 else None
    except IndexError:
        return None


class _ItemView:
    """``x[index]`` with a basic index is a view: in place on it is ``base[index] = new``."""

    def __init__(self, index):
        self.index = index

    def put(self, base, value, name=None, written=None):
        return IndexPut(self.index, None)(base, value)

    def take(self, base):
        return GetItem(self.index, True)(base)

    def written_in_base(self, written, base_shape):
        def region(m):
            out = np.zeros(base_shape, dtype=bool)
            out[self.index] = True if m is None else m
            return out
        return written.map(region)


class GetItem(Op):
    saved = ()

    def __init__(self, index, basic):
        self.index, self.basic = index, basic

    @property
    def view_of(self):
        return _ItemView(self.index) if self.basic else None

    def forward(self, x):
        self.shape = x.shape
        try:
            return x[self.index]
        except IndexError as e:
            safe = _empty_safe(x, self.index)
            if safe is None:
                raise _index_error(x.shape, self.index, e) from None
            self.index = safe
            return x[safe]

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
    first, second, basic = _norm_index(index, x._data.ndim)
    if isinstance(x._data, np.generic):    # a 0-d result is a NumPy scalar: give views an array to share
        x._data = np.array(x._data)
    op = GetItem(first, basic or second is not None)
    y = op(x)
    if y._ctx is None:
        if basic and _enabled[0]:
            register_nograd_view(x, y, op)     # a view of a tensor that does not require grad
    elif (basic or second is not None) and x._ctx is not None:
        register_view(x, y)
    if second is not None:
        try:
            y = GetItem(second, False)(y)
        except IndexError as e:          # name the dim in the tensor's numbering, not the view's
            raise _index_error(x._data.shape, index, e) from None
    return y


class IndexPut(Op):
    """``out = x.copy(); out[index] = value`` (PyTorch's ``index_put``; the recorded form of
    ``x[index] = value``). The last write wins for repeated indices, as in PyTorch."""
    saved = ()

    def __init__(self, first, second, index=None):
        self.first, self.second = first, second
        self.index = first if index is None else index     # the user's index, for messages

    def _target(self, out):
        return out if self.second is None else out[self.first]

    def forward(self, x, v):
        out = np.array(x)                   # a writable copy (also of a 0-d NumPy scalar)
        idx = self.first if self.second is None else self.second
        try:
            self._target(out)[idx] = v
        except IndexError as e:
            safe = _empty_safe(self._target(out), idx)
            if safe is None:
                raise _index_error(x.shape, self.index, e) from None
            if self.second is None:          # nothing is written
                self.first = safe
            else:
                self.second = safe
        except ValueError:
            raise _shape_mismatch(v, self._target(out), idx) from None
        return out

    def backward(self, g):
        x, v = self.inputs
        gx = gv = None
        idx = self.first if self.second is None else self.second
        if x.requires_grad:
            if not _enabled[0]:
                gd = np.array(g._data)       # a writable copy (also of a 0-d scalar)
                self._target(gd)[idx] = 0
                gx = _make(gd)
            else:
                mask = np.ones(x._data.shape, dtype=bool)
                self._target(mask)[idx] = False
                from .elementwise import where
                gx = where(_make(mask), g, 0.0)
        if v.requires_grad:
            gsel = getitem(g, self.first)
            if self.second is not None:
                gsel = GetItem(self.second, False)(gsel)
            from ._util import sum_to
            vs = v._data.shape
            extra = len(vs) - gsel._data.ndim        # a value may carry extra leading size-1 dims
            core = vs[extra:] if extra > 0 else vs
            gv = sum_to(gsel, core)
            if extra > 0:
                gv = gv.reshape(vs)
        return gx, gv


def _check_value_alias(d, first, second, basic, v, index):
    """PyTorch's rules for ``x[index] = value`` when ``value`` shares memory with ``x``. A basic
    index copies into the view ``x[index]`` (a 0-d value fills it, a broadcast one is too hard
    to check), which a value of its shape may be exactly or miss. An index tensor
    (``index_put_``) takes no value that shares memory with its target, except one boolean mask
    with a one-element value (done as ``masked_fill_``, which reads the value first)."""
    from ..tensor import _overlap_status
    if basic:
        t = d[first]
        if v.ndim == 0 or v.size != t.size or _overlap_status(v.reshape(t.shape), t) != "partial":
            return
    else:
        arrays = [i for i in (first if second is None else second) if isinstance(i, np.ndarray)]
        if v.size == 1 and len(arrays) == 1 and arrays[0].dtype == np.bool_ and arrays[0].ndim:
            return
        if _overlap_status(v, d if second is None else d[first]) in ("no", "too_hard"):
            return
    raise RuntimeError(
        f"index_put_: unsupported operation: some elements of the input tensor and the written-to tensor "
        f"refer to a single memory location (x[{index!r}] = a value sharing x's memory). Please clone() the "
        "tensor before performing the operation.")


def index_put_(x, index, value):
    """``x[index] = value``: written in place; recorded in the graph when grad is on."""
    from ..tensor import Tensor
    if value is None or isinstance(value, (str, bytes)):
        raise _assign_type_error(value, x._data.dtype)
    first, second, basic = _norm_index(index, x._data.ndim)
    d = x._data
    if basic and not isinstance(d, np.generic) and 0 in d.strides and internal_overlap(d[first]):
        # PyTorch copies into the view x[index]: it must not overlap itself
        raise RuntimeError(
            f"index_put_: unsupported operation: more than one element of the written-to tensor "
            f"(x[{index!r}] of an expanded tensor of shape {tuple(d.shape)}) refers to a single memory "
            "location. Please clone() the tensor before performing the operation.")
    if isinstance(value, Tensor) and not isinstance(d, np.generic) and not isinstance(value._data, np.generic) \
            and np.may_share_memory(value._data, d):
        _check_value_alias(d, first, second, basic, value._data, index)
    if isinstance(value, Tensor) and value._data.dtype != x._data.dtype:
        adv = first if second is None else second
        if any(isinstance(i, np.ndarray) and i.dtype != np.bool_ for i in adv):
            names = {"float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int", "bool": "Bool"}
            raise RuntimeError(
                f"Index put requires the source and destination dtypes match, got "
                f"{names.get(x._data.dtype.name, x._data.dtype.name)} for the destination and "
                f"{names.get(value._data.dtype.name, value._data.dtype.name)} for the source.")
        value = value.to(x._data.dtype)
    if not (_enabled[0] and (x.requires_grad or (isinstance(value, Tensor) and value.requires_grad))):
        v = value._data if isinstance(value, Tensor) else value
        if not isinstance(x._data, np.generic) and not x._data.flags.writeable:
            try:
                sel = x._data[first] if second is None else x._data[first][second]
            except IndexError as e:
                raise _index_error(x._data.shape, index, e) from None
            if np.size(sel) == 0:
                return x                     # nothing is written (PyTorch allows it)
        d = x._writable("index_put_")
        try:
            (d if second is None else d[first])[first if second is None else second] = v
        except IndexError as e:
            if _empty_safe(d if second is None else d[first], first if second is None else second) is None:
                raise _index_error(d.shape, index, e) from None
            return x                         # an empty selection: nothing is written
        except TypeError:
            raise _assign_type_error(value, d.dtype) from None
        except ValueError:
            raise _shape_mismatch(v, d if second is None else d[first], first if second is None else second) \
                from None
        x._written()
        return x
    from ._util import lift
    try:
        v = lift(value, x)
    except TypeError:                # (a ragged list keeps tensor()'s ValueError, which says where)
        raise _assign_type_error(value, x._data.dtype) from None
    if v._data.dtype != x._data.dtype:
        v = v.to(x._data.dtype)

    def mask():
        m = np.zeros(np.shape(x._data), dtype=bool)
        try:
            (m if second is None else m[first])[first if second is None else second] = True
        except IndexError:           # an empty selection with out-of-range indices
            pass
        return m

    overlapping = False
    if not basic and not isinstance(d, np.generic):
        # PyTorch applies the ints and slices first, then index_put_ into that view
        if second is None:
            sliced = d[tuple(s for i in first for s in (
                ([slice(None)] * i.ndim or [None]) if isinstance(i, np.ndarray) and i.dtype == np.bool_ else
                [slice(None)] if isinstance(i, np.ndarray) else [i]))]
        else:
            sliced = d[first]
        overlapping = internal_overlap(sliced)
    return x._inplace("index_put_", lambda old, val: IndexPut(first, second, index)(old, val), v,
                      written=Written(mask, overlapping))


def setitem(x, index, value):
    """``x[index] = value`` (in place, recorded when grad is on, as in PyTorch)."""
    index_put_(x, index, value)


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


def _int_dim(dim, ndim, op):
    if isinstance(dim, bool) or not isinstance(dim, numbers.Integral):
        raise TypeError(f"{op}(): argument 'dim' must be int, not {type(dim).__name__}")
    return norm_dim(dim, ndim, op)[0]


def _first_out_of_range(ind, size):
    """The first entry of ``ind`` outside ``[0, size)`` (gather/index_select do not wrap
    negative indices, as in PyTorch), or None. One pass over the index."""
    if ind.size and (ind.min() < 0 or ind.max() >= size):
        return int(ind[(ind < 0) | (ind >= size)].flat[0])
    return None


def gather(x, dim, index):
    """``out[i][j] = x[i][index[i][j]]`` along ``dim`` (PyTorch's ``gather``)."""
    from ..tensor import Tensor
    ind = index._data if isinstance(index, Tensor) else np.asarray(index)
    if ind.dtype.kind not in "iu":
        raise RuntimeError(f"gather(): index must be an integer tensor (Expected dtype int32/int64 for index), "
                           f"got {ind.dtype}")
    n = x._data.ndim
    ax = _int_dim(dim, n, "gather")
    shape = x._data.shape
    if n <= 1 and ind.ndim == 0:          # PyTorch reads a 0-d index of a 0-d/1-d input as one entry
        size = shape[0] if n else 1
        if not 0 <= int(ind) < size:
            raise RuntimeError(f"gather(): index {int(ind)} is out of bounds for dimension 0 with size {size} "
                               f"(input shape {tuple(shape)}, index shape ())")
        from .shape import reshape
        return reshape(GetItem((ind.reshape(1),), False)(reshape(x, (-1,))), ())
    if ind.ndim != n:
        raise RuntimeError(f"gather(): Index tensor must have the same number of dimensions as input tensor "
                           f"(index shape {tuple(ind.shape)}, input shape {tuple(shape)})")
    for k in range(n):
        if k != ax and ind.shape[k] > shape[k]:
            raise RuntimeError(
                f"gather(): Size does not match at dimension {k} expected index {list(ind.shape)} to be no larger "
                f"than self {list(shape)} apart from dimension {ax}")
    bad = _first_out_of_range(ind, shape[ax])
    if bad is not None:
        raise RuntimeError(
            f"gather(): index {bad} is out of bounds for dimension {ax} with size {shape[ax]} "
            f"(input shape {tuple(shape)}, index shape {tuple(ind.shape)})")
    return GetItem(_along_axis_index(ind, ax, n), False)(x)


def index_select(x, dim, index):
    """The slices ``index`` (a 1-D integer tensor) of ``x`` along ``dim``, in that order."""
    from ..tensor import Tensor
    ind = index._data if isinstance(index, Tensor) else np.asarray(index)
    if ind.dtype.name not in ("int32", "int64") and not (ind.dtype.kind in "iu" and not isinstance(index, Tensor)):
        raise RuntimeError(f"index_select(): Expected dtype int32 or int64 for index, got {ind.dtype}")
    if ind.ndim > 1:
        raise IndexError(f"index_select(): Index is supposed to be a vector, got an index of shape {tuple(ind.shape)}")
    if x._data.ndim == 0:              # PyTorch: a scalar takes dim 0 and one index, 0
        _int_dim(dim, 0, "index_select")
        if np.size(ind) != 1:
            raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {np.size(ind)} value(s)")
        if int(np.reshape(ind, ())) != 0:
            raise IndexError(f"index_select(): index {int(np.reshape(ind, ()))} is out of range for a 0-d tensor")
        from .elementwise import clone
        return clone(x)
    ax = _int_dim(dim, x._data.ndim, "index_select")
    size = x._data.shape[ax]
    bad = _first_out_of_range(ind, size)
    if bad is not None:
        raise IndexError(f"index_select(): index {bad} is out of range for dimension {ax} with size {size}")
    return GetItem((slice(None),) * ax + (ind.reshape(-1),), False)(x)


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
    elif not isinstance(value, (numbers.Number, np.generic)):
        raise TypeError(f"masked_fill: value must be a number or a Tensor, got {type(value).__name__} {value!r:.40}")
    return MaskedFill(m, value)(x)


def one_hot(tensor, num_classes=-1):
    t = tensor._data if hasattr(tensor, "_data") else np.asarray(tensor)
    if t.dtype.kind not in "iu":
        raise RuntimeError(f"one_hot: expected an integer tensor of class indices, got {t.dtype}")
    if not isinstance(num_classes, numbers.Integral) or isinstance(num_classes, bool):
        raise TypeError(f"one_hot(): argument 'num_classes' must be int, not {type(num_classes).__name__}")
    if num_classes < 0 and t.size == 0:
        raise RuntimeError("Can not infer total number of classes from empty tensor. Pass num_classes=...")
    n = int(t.max()) + 1 if num_classes < 0 else int(num_classes)
    if t.size and (t.min() < 0 or t.max() >= n):
        raise RuntimeError(f"one_hot: class values must be in [0, {n}), got min {t.min()} max {t.max()}")
    out = np.zeros(t.shape + (n,), dtype=np.int64)
    np.put_along_axis(out, t[..., None], 1, axis=-1)
    return _make(out)


__all__ = ["getitem", "setitem", "gather", "index_select", "masked_fill", "one_hot"]
