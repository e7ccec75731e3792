"""``keras.ops``: Keras 3's backend-agnostic operations, on nerve tensors.

The names, argument names (``axis``, ``keepdims``, ``x1, x2``) and semantics
are Keras 3's, so a custom layer written against ``keras.ops`` runs here and
trains with ``fit`` (every op is differentiable where Keras' is)::

    from nerve import keras
    from nerve.keras import ops

    class RMSNorm(keras.layers.Layer):
        def build(self, input_shape):
            self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones")

        def call(self, x):
            return x * ops.rsqrt(ops.mean(ops.square(x), axis=-1, keepdims=True) + 1e-6) * self.scale

Where Keras differs from PyTorch, these follow Keras: ``var``/``std`` are
population statistics (no Bessel correction), ``mean`` of integers is float32,
``argmax``/``argmin``/``argsort`` return int32, ``arange`` of Python ints is
int32, ``sum`` of bool/int8/int16/uint8 is int32, ``one_hot`` is float32 and
zero for negative labels, ``max``/``min`` take ``initial``, ``top_k`` returns
``(values, indices)``, ``shape`` a tuple, ``dtype`` a string such as
``"float32"``. Inputs may be tensors, NumPy arrays, lists or Python numbers.

Ops that come from nerve's newer op families (``einsum``, ``tril``/``triu``,
``sort``/``argsort``/``top_k``, ``take_along_axis``, ``tile``, ``norm``,
``unique``) look the nerve function up when called, and say so clearly if
this nerve does not have it.
"""
from __future__ import annotations

import builtins
import math as _math

from .._backend import np

__all__ = [
    "abs", "absolute", "add", "all", "any", "arange", "argmax", "argmin", "argsort", "array", "broadcast_to",
    "cast", "ceil", "clip", "concatenate", "convert_to_numpy", "convert_to_tensor", "cos", "cumsum", "divide",
    "dot", "dtype", "einsum", "equal", "erf", "exp", "expand_dims", "eye", "flip", "floor", "full", "full_like",
    "gelu", "greater", "greater_equal", "is_tensor", "isfinite", "isinf", "isnan", "leaky_relu", "less",
    "less_equal", "log", "log1p", "log_softmax", "logical_and", "logical_not", "logical_or", "logsumexp",
    "matmul", "max", "maximum", "mean", "min", "minimum", "moveaxis", "multiply", "negative", "norm",
    "not_equal", "one_hot", "ones", "ones_like", "power", "prod", "relu", "reshape", "round", "rsqrt",
    "shape", "sigmoid", "sign", "silu", "sin", "size", "softmax", "softplus", "sort", "sqrt", "square",
    "squeeze", "stack", "std", "stop_gradient", "subtract", "sum", "swapaxes", "take", "take_along_axis",
    "tanh", "tile", "top_k", "transpose", "tril", "triu", "true_divide", "unique", "var", "where", "zeros",
    "zeros_like",
]

_FLOATX = "float32"


# ----------------------------------------------------------------------------- plumbing

def _nerve():
    import nerve  # noqa: PLC0415 - nerve.keras loads after nerve
    return nerve


def _Tensor():
    from ..tensor import Tensor  # noqa: PLC0415
    return Tensor


def _fn(name, kname=None):
    """``nerve.<name>``, looked up at call time (the newer op families land separately)."""
    obj = _nerve()
    for part in name.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            raise NotImplementedError(
                f"keras.ops.{kname or name} needs nerve.{name}, which this version of nerve does not have yet")
    return obj


def _dt(dtype):
    """A Keras dtype (a string such as 'float32', 'int32', or a nerve/NumPy dtype) as a NumPy dtype."""
    if dtype is None:
        return None
    if isinstance(dtype, str):
        name = {"float": _FLOATX, "int": "int64", "bool": "bool", "double": "float64"}.get(dtype, dtype)
        if name == "bfloat16":
            return _nerve().bfloat16
        try:
            return np.dtype(name)
        except TypeError:
            raise ValueError(f"Invalid dtype: {dtype!r}") from None
    from .. import _backend as B  # noqa: PLC0415
    return B.to_dtype(dtype)


def _py_dtype(x):
    """Keras' dtype for a Python value: bool, int32 (int64 when it does not fit), float32."""
    if isinstance(x, bool):
        return np.dtype("bool")
    if isinstance(x, int):
        return np.dtype("int64") if x < -(2 ** 31) or x >= 2 ** 31 else np.dtype("int32")
    if isinstance(x, float):
        return np.dtype(_FLOATX)
    if isinstance(x, complex):
        return np.dtype("complex64")
    return None


def _flat(x):
    if isinstance(x, (list, tuple)):
        for v in x:
            yield from _flat(v)
    else:
        yield x


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """``x`` (tensor, array, list, number) as a nerve tensor; Python ints become int32, floats float32."""
    if sparse:
        raise ValueError("`sparse=True` is not supported by nerve")
    if ragged:
        raise ValueError("`ragged=True` is not supported by nerve")
    Tensor = _Tensor()
    dt = _dt(dtype)
    if hasattr(x, "value") and isinstance(getattr(x, "value"), Tensor) and not isinstance(x, Tensor):
        x = x.value  # a Keras-style Variable wrapper
    if isinstance(x, Tensor):
        return x if dt is None or x.dtype == dt else x.to(dt)
    if isinstance(x, (list, tuple)) and builtins.any(isinstance(v, Tensor) for v in _flat(x)):
        return stack([convert_to_tensor(v, dtype) for v in x])
    if dt is None:
        if isinstance(x, (bool, int, float, complex)):
            dt = _py_dtype(x)
        elif isinstance(x, (list, tuple)) and builtins.all(
                _py_dtype(v) is not None or hasattr(v, "dtype") for v in _flat(x)):
            kinds = [_py_dtype(v) if not hasattr(v, "dtype") else np.dtype(v.dtype) for v in _flat(x)]
            dt = np.result_type(*kinds) if kinds else np.dtype(_FLOATX)
            if dt == np.float64 and not builtins.any(getattr(v, "dtype", None) == np.float64 for v in _flat(x)):
                dt = np.dtype(_FLOATX)  # Python floats are weak: float32
        else:
            arr = np.asarray(x)
            dt = arr.dtype
            x = arr
    if isinstance(dt, np.dtype) and dt.kind not in "biufc":
        raise TypeError(f"keras.ops.convert_to_tensor: cannot convert {type(x).__name__} (NumPy dtype {dt}) "
                        "to a tensor: expected numbers, nested lists of numbers, arrays or tensors")
    return _nerve().tensor(x, dtype=dt)


array = convert_to_tensor


def convert_to_numpy(x):
    """A NumPy array copy of ``x`` (detached from the graph)."""
    Tensor = _Tensor()
    if isinstance(x, (list, tuple)):
        return np.array([convert_to_numpy(v) for v in x])
    if isinstance(x, Tensor):
        return np.array(x.detach().cpu().numpy())
    return np.array(x)


def is_tensor(x) -> bool:
    return isinstance(x, _Tensor())


def _t(x):
    return x if isinstance(x, _Tensor()) else convert_to_tensor(x)


def _pair(x1, x2):
    """Operands for a binary op: Python numbers stay weak (they take the tensor's dtype)."""
    weak = (_Tensor(), bool, int, float)
    if isinstance(x1, _Tensor()) or isinstance(x2, _Tensor()):
        return (x1 if isinstance(x1, weak) else convert_to_tensor(x1),
                x2 if isinstance(x2, weak) else convert_to_tensor(x2))
    return convert_to_tensor(x1), convert_to_tensor(x2)


def _axes(axis):
    """Keras' axis argument (None, int, tuple, list) as nerve's dim argument."""
    if axis is None or isinstance(axis, int):
        return axis
    return tuple(int(a) for a in axis)


def _empty_axis(axis):
    return isinstance(axis, (tuple, list)) and len(axis) == 0


def _float(x):
    """Integers and bools go to float32 (Keras' rule for mean, var, sqrt, ...)."""
    return x if x.dtype.kind in "fc" else x.to(np.dtype(_FLOATX))


def _small_int_to_int32(x):
    return x.to(np.dtype("int32")) if x.dtype.name in ("bool", "uint8", "int8", "int16") else x


def _index(x):
    return _t(x).to(np.dtype("int64"))


# ----------------------------------------------------------------------------- core

def cast(x, dtype):
    """``x`` converted to ``dtype`` (a string such as ``'float32'`` or a dtype)."""
    x = _t(x)
    dt = _dt(dtype)
    return x if x.dtype == dt else x.to(dt)


def shape(x) -> tuple:
    """The shape as a tuple of ints."""
    return tuple(int(d) for d in (x.shape if hasattr(x, "shape") else np.shape(x)))


def size(x) -> int:
    """The number of elements."""
    return int(_math.prod(shape(x)))


def dtype(x) -> str:
    """The dtype as Keras' string (``'float32'``, ``'int64'``, ``'bool'``, ...)."""
    return np.dtype(x.dtype if hasattr(x, "dtype") else _t(x).dtype).name


def stop_gradient(variable):
    """The value of ``variable`` without gradient flowing back through it."""
    return _t(variable).detach()


# ----------------------------------------------------------------------------- elementwise

def _unary(name, nerve_name=None, to_float=False):
    def op(x):
        x = _t(x)
        if to_float:
            x = _float(x)
        return _fn(nerve_name or name, name)(x)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise ``{name}(x)`` (``keras.ops.{name}``)."
    return op


abs = _unary("abs")  # noqa: A001
absolute = _unary("absolute", "abs")
negative = _unary("negative", "neg")
sign = _unary("sign")
square = _unary("square")
exp = _unary("exp")
log = _unary("log")
log1p = _unary("log1p")
sqrt = _unary("sqrt")
rsqrt = _unary("rsqrt", to_float=True)
sin = _unary("sin")
cos = _unary("cos")
tanh = _unary("tanh")
erf = _unary("erf")
sigmoid = _unary("sigmoid")
relu = _unary("relu")
isnan = _unary("isnan")
isinf = _unary("isinf")
isfinite = _unary("isfinite")
logical_not = _unary("logical_not")


def floor(x):
    """Elementwise floor; integers become float32 as in Keras."""
    return _fn("floor")(_float(_t(x)))


def ceil(x):
    """Elementwise ceil; integers become float32 as in Keras."""
    return _fn("ceil")(_float(_t(x)))


def round(x, decimals=0):  # noqa: A001
    """Round half to even to ``decimals`` places (integers keep their dtype)."""
    x = _t(x)
    if x.dtype.kind in "iub":
        return x if decimals >= 0 else cast(_fn("round")(_float(x), decimals=decimals), x.dtype)
    return _fn("round")(x, decimals=decimals) if decimals else _fn("round")(x)


def _binary(name, nerve_name=None):
    def op(x1, x2):
        a, b = _pair(x1, x2)
        return _fn(nerve_name or name, name)(a, b)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise ``{name}(x1, x2)`` with broadcasting (``keras.ops.{name}``)."
    return op


add = _binary("add")
subtract = _binary("subtract", "sub")
multiply = _binary("multiply", "mul")
divide = _binary("divide", "div")
true_divide = _binary("true_divide", "div")
power = _binary("power", "pow")
maximum = _binary("maximum")
minimum = _binary("minimum")
equal = _binary("equal", "eq")
not_equal = _binary("not_equal", "ne")
greater = _binary("greater", "gt")
greater_equal = _binary("greater_equal", "ge")
less = _binary("less", "lt")
less_equal = _binary("less_equal", "le")
logical_and = _binary("logical_and")
logical_or = _binary("logical_or")


def clip(x, x_min, x_max):
    """Clamp ``x`` to ``[x_min, x_max]`` (bools become int32 as in Keras)."""
    x = _t(x)
    if x.dtype.kind == "b":
        x = x.to(np.dtype("int32"))
    lo = x_min if isinstance(x_min, (int, float, _Tensor())) else convert_to_tensor(x_min)
    hi = x_max if isinstance(x_max, (int, float, _Tensor())) else convert_to_tensor(x_max)
    return _fn("clamp")(x, lo, hi)


def where(condition, x1=None, x2=None):
    """``x1`` where ``condition`` else ``x2``; with neither, the indices of the true entries (ndim, n)."""
    cond = cast(condition, "bool")
    if x1 is None and x2 is None:
        idx = np.nonzero(cond.detach().cpu().numpy())
        return _nerve().tensor(np.stack(idx, axis=0) if idx else np.zeros((0, 0), np.int64), dtype=np.int64)
    if x1 is None or x2 is None:
        raise ValueError("keras.ops.where: `x1` and `x2` must be given together (or neither)")
    a, b = _pair(x1, x2)
    return _fn("where")(cond, a, b)


# ----------------------------------------------------------------------------- reductions

def sum(x, axis=None, keepdims=False):  # noqa: A001
    """Sum over ``axis`` (None: all); bool/int8/int16/uint8 sum to int32, other dtypes keep theirs."""
    x = _t(x)
    if _empty_axis(axis):
        return x
    out = _fn("sum")(x, _axes(axis), keepdim=keepdims)
    target = np.dtype("int32") if x.dtype.name in ("bool", "uint8", "int8", "int16") else x.dtype
    return out if out.dtype == target else out.to(target)


def mean(x, axis=None, keepdims=False):
    """Mean over ``axis``; integer inputs give float32."""
    x = _t(x)
    if _empty_axis(axis):
        return x
    return _fn("mean")(_float(x), _axes(axis), keepdim=keepdims)


def var(x, axis=None, keepdims=False):
    """Population variance (no Bessel correction, as NumPy and Keras) over ``axis``."""
    x = _float(_t(x))
    if _empty_axis(axis):
        return _fn("zeros_like")(x)
    return _fn("var")(x, _axes(axis), keepdim=keepdims, correction=0)


def std(x, axis=None, keepdims=False):
    """Population standard deviation (no Bessel correction) over ``axis``."""
    x = _float(_t(x))
    return _fn("std")(x, _axes(axis), keepdim=keepdims, correction=0)


def _extreme(name, x, axis, keepdims, initial):
    x = _t(x)
    if 0 in x.shape:
        if initial is None:
            raise ValueError(f"Cannot compute the {name} of an empty tensor.")
        shape_ = (1,) * x.ndim if keepdims else ()
        return _fn("full")(shape_, initial, dtype=x.dtype)
    out = _fn("amax" if name == "max" else "amin", name)(x, _axes(axis), keepdim=keepdims)
    if initial is not None:
        out = (maximum if name == "max" else minimum)(out, initial)
    return out


def max(x, axis=None, keepdims=False, initial=None):  # noqa: A001
    """The largest value over ``axis`` (at least ``initial`` when given)."""
    return _extreme("max", x, axis, keepdims, initial)


def min(x, axis=None, keepdims=False, initial=None):  # noqa: A001
    """The smallest value over ``axis`` (at most ``initial`` when given)."""
    return _extreme("min", x, axis, keepdims, initial)


def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over ``axis``; bool/int8/int16/uint8 give int32 unless ``dtype`` says otherwise."""
    x = _t(x)
    target = _dt(dtype) or (np.dtype("int32") if x.dtype.name in ("bool", "uint8", "int8", "int16") else x.dtype)
    out = _fn("prod")(x.to(target) if x.dtype != target else x, _axes(axis), keepdim=keepdims)
    return out if out.dtype == target else out.to(target)


def all(x, axis=None, keepdims=False):  # noqa: A001
    """True where every element along ``axis`` is non-zero."""
    x = _t(x)
    if _empty_axis(axis):
        return cast(x, "bool")
    return _fn("all")(x, _axes(axis), keepdim=keepdims)


def any(x, axis=None, keepdims=False):  # noqa: A001
    """True where some element along ``axis`` is non-zero."""
    x = _t(x)
    if _empty_axis(axis):
        return cast(x, "bool")
    return _fn("any")(x, _axes(axis), keepdim=keepdims)


def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over ``axis``, computed stably."""
    x = _float(_t(x))
    axis = tuple(range(x.ndim)) if axis is None else _axes(axis)
    return _fn("logsumexp")(x, axis, keepdim=keepdims)


def _arg(name, x, axis, keepdims):
    x = _t(x)
    if axis is not None and not -builtins.max(x.ndim, 1) <= axis < builtins.max(x.ndim, 1):
        raise ValueError(f"keras.ops.{name}: axis {axis} is out of range for a tensor of shape {tuple(x.shape)}")
    if (axis is None and 0 in x.shape) or (axis is not None and x.ndim and x.shape[axis] == 0):
        raise ValueError(f"keras.ops.{name}: cannot take the {name} of an empty tensor (shape {tuple(x.shape)}, "
                         f"axis={axis})")
    if x.dtype.kind == "b":
        x = x.to(np.dtype("uint8"))
    return _fn(name)(x, axis, keepdim=keepdims).to(np.dtype("int32"))


def argmax(x, axis=None, keepdims=False):
    """Index of the largest value along ``axis`` (None: the flattened tensor), as int32."""
    return _arg("argmax", x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    """Index of the smallest value along ``axis`` (None: the flattened tensor), as int32."""
    return _arg("argmin", x, axis, keepdims)


def cumsum(x, axis=None, dtype=None):
    """Cumulative sum along ``axis`` (None: the flattened tensor); bools sum as int32."""
    x = _t(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    target = _dt(dtype) or (np.dtype("int32") if x.dtype.kind == "b" else x.dtype)
    if x.dtype != target:
        x = x.to(target)
    out = _fn("cumsum")(x, axis)
    return out if out.dtype == target else out.to(target)


# ----------------------------------------------------------------------------- sorting

def sort(x, axis=-1):
    """The values of ``x`` sorted ascending along ``axis`` (None: flattened)."""
    x = _t(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    return _fn("sort")(x, axis)[0]


def argsort(x, axis=-1):
    """Indices that sort ``x`` along ``axis`` (stable; None: flattened), as int32."""
    x = _t(x)
    if x.dtype.kind == "b":
        x = x.to(np.dtype("uint8"))
    if axis is None:
        x, axis = x.reshape(-1), -1
    return _fn("argsort")(x, axis, stable=True).to(np.dtype("int32"))


def top_k(x, k, sorted=True, is_stable=True):  # noqa: A002 - Keras' parameter name
    """The ``k`` largest entries along the last axis: ``(values, indices)``.

    Ties go to the lower index, as in Keras (``is_stable=True``).
    """
    x = _t(x)
    if is_stable:
        values, indices = _fn("sort", "top_k")(x, -1, descending=True, stable=True)
        return values[..., :k], indices[..., :k]
    values, indices = _fn("topk", "top_k")(x, k, -1, largest=True, sorted=sorted)
    return values, indices


def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False, axis=None,  # noqa: A002
           size=None, fill_value=None):
    """The unique values of ``x`` (sorted), optionally with first indices, inverse and counts.

    ``size`` pads (with ``fill_value``, default 0) or truncates the result to a fixed length.
    """
    nerve = _nerve()
    arr = convert_to_numpy(x)
    vals, index, inverse, counts = np.unique(arr, return_index=True, return_inverse=True, return_counts=True,
                                             axis=axis)
    if axis is None:
        inverse = inverse.reshape(arr.shape)
    if size is not None:
        n = vals.shape[0 if axis is None else axis]
        if n > size:
            sl = [slice(None)] * vals.ndim
            sl[0 if axis is None else axis] = slice(0, size)
            vals, index, counts = vals[tuple(sl)], index[:size], counts[:size]
        elif n < size:
            pad = [(0, 0)] * vals.ndim
            pad[0 if axis is None else axis] = (0, size - n)
            vals = np.pad(vals, pad, constant_values=0 if fill_value is None else fill_value)
            index = np.pad(index, (0, size - n), constant_values=1)
            counts = np.pad(counts, (0, size - n))
    out = [nerve.tensor(vals)]
    if return_index:
        out.append(nerve.tensor(index.astype(np.int64)))
    if return_inverse:
        out.append(nerve.tensor(inverse.astype(np.int64)))
    if return_counts:
        out.append(nerve.tensor(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


# ----------------------------------------------------------------------------- shapes and indexing

def reshape(x, newshape):
    """``x`` with shape ``newshape`` (one entry may be -1)."""
    newshape = (newshape,) if isinstance(newshape, int) else tuple(int(d) for d in newshape)
    return _fn("reshape")(_t(x), newshape)


def expand_dims(x, axis):
    """``x`` with a new length-1 axis at ``axis`` (an int or a tuple of ints)."""
    x = _t(x)
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    ndim = x.ndim + len(axes)
    bad = [a for a in axes if not -ndim <= a < ndim]
    if bad:
        raise ValueError(f"keras.ops.expand_dims: axis {bad[0]} is out of range for a tensor of shape "
                         f"{tuple(x.shape)} (the result has {ndim} dims: expected -{ndim} to {ndim - 1})")
    for a in builtins.sorted(a % ndim for a in axes):
        x = _fn("unsqueeze")(x, a)
    return x


def squeeze(x, axis=None):
    """``x`` without its length-1 axes (all of them, or those in ``axis``)."""
    x = _t(x)
    if axis is None:
        return _fn("squeeze")(x)
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    for a in axes:
        if x.shape[a] != 1:
            raise ValueError(f"keras.ops.squeeze: cannot squeeze axis {a} of shape {tuple(x.shape)}: "
                             f"its size is {x.shape[a]}, not 1")
    return _fn("squeeze")(x, tuple(a % x.ndim for a in axes))


def transpose(x, axes=None):
    """``x`` with its axes reversed, or permuted as ``axes`` says."""
    x = _t(x)
    axes = tuple(range(x.ndim - 1, -1, -1)) if axes is None else tuple(axes)
    return _fn("permute")(x, axes)


def swapaxes(x, axis1, axis2):
    """``x`` with axes ``axis1`` and ``axis2`` exchanged."""
    return _fn("transpose")(_t(x), axis1, axis2)


def moveaxis(x, source, destination):
    """``x`` with axis ``source`` moved to ``destination`` (ints or tuples)."""
    return _fn("movedim")(_t(x), source, destination)


def broadcast_to(x, shape):  # noqa: A002 - shadows the function above only inside
    """``x`` broadcast to ``shape``."""
    return _fn("broadcast_to")(_t(x), tuple(shape))


def flip(x, axis=None):
    """``x`` reversed along ``axis`` (None: every axis)."""
    x = _t(x)
    axes = tuple(range(x.ndim)) if axis is None else ((axis,) if isinstance(axis, int) else tuple(axis))
    return _fn("flip")(x, axes)


def concatenate(xs, axis=0):
    """Join tensors along an existing ``axis``."""
    return _fn("cat")([_t(v) for v in xs], axis)


def stack(x, axis=0):
    """Join tensors along a new ``axis``."""
    return _fn("stack")([_t(v) for v in x], axis)


def tile(x, repeats):
    """``x`` repeated ``repeats`` times along each axis (NumPy's ``tile``)."""
    if isinstance(repeats, int):
        repeats = (repeats,)
    elif is_tensor(repeats):
        repeats = tuple(int(r) for r in repeats.tolist())
    return _fn("tile")(_t(x), tuple(repeats))


def tril(x, k=0):
    """``x`` with the entries above the ``k``-th diagonal zeroed."""
    return _fn("tril")(_t(x), k)


def triu(x, k=0):
    """``x`` with the entries below the ``k``-th diagonal zeroed."""
    return _fn("triu")(_t(x), k)


def take(x, indices, axis=None):
    """Entries of ``x`` at ``indices`` along ``axis`` (None: of the flattened ``x``); negative indices wrap."""
    x = _t(x)
    idx = _index(indices)
    if axis is None:
        x, axis = x.reshape(-1), 0
    axis = axis % x.ndim
    n = x.shape[axis]
    idx = _fn("where")(idx < 0, idx + n, idx)
    return x[(slice(None),) * axis + (idx,)]


def take_along_axis(x, indices, axis=None):
    """Entries of ``x`` picked along ``axis`` by ``indices`` of the same rank; negative indices wrap."""
    x = _t(x)
    idx = _index(indices)
    n = x.shape[axis] if axis is not None else x.numel()
    idx = _fn("where")(idx < 0, idx + n, idx)
    return _fn("take_along_dim", "take_along_axis")(x, idx, axis)


# ----------------------------------------------------------------------------- linear algebra

def matmul(x1, x2):
    """Matrix product with NumPy's broadcasting rules."""
    a, b = _pair(x1, x2)
    if a.dtype.kind == "b":
        a = a.to(np.dtype(_FLOATX))
    if b.dtype.kind == "b":
        b = b.to(np.dtype(_FLOATX))
    return _fn("matmul")(a, b)


def dot(x1, x2):
    """NumPy's ``dot``: a product for scalars, the matrix product for 1-D/2-D, and for N-D a sum
    over the last axis of ``x1`` and the second-to-last of ``x2``."""
    a, b = _pair(x1, x2)
    if a.ndim == 0 or b.ndim == 0:
        return _fn("mul")(a, b)
    if b.ndim <= 2:
        return _fn("matmul")(a, b)
    n = a.shape[-1]
    bt = _fn("movedim")(b, -2, 0).reshape(n, -1)
    out = _fn("matmul")(a.reshape(-1, n), bt)
    return out.reshape(tuple(a.shape[:-1]) + tuple(b.shape[:-2]) + (b.shape[-1],))


def einsum(subscripts, *operands, **kwargs):
    """Einstein summation over ``operands`` (``einsum("ij,jk->ik", a, b)``)."""
    return _fn("einsum")(subscripts, *[_t(o) for o in operands])


def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002 - Keras' parameter name
    """Vector or matrix norm (NumPy's ``linalg.norm`` semantics); integers give float32."""
    x = _float(_t(x))
    axis = _axes(axis)
    return _fn("linalg.norm", "norm")(x, ord, axis, keepdims)


# ----------------------------------------------------------------------------- creation

def _shape(shape_):
    return (int(shape_),) if isinstance(shape_, int) else tuple(int(d) for d in shape_)


def zeros(shape, dtype=None):
    """A tensor of zeros (float32 unless ``dtype`` is given)."""
    return _fn("zeros")(_shape(shape), dtype=_dt(dtype) or np.dtype(_FLOATX))


def ones(shape, dtype=None):
    """A tensor of ones (float32 unless ``dtype`` is given)."""
    return _fn("ones")(_shape(shape), dtype=_dt(dtype) or np.dtype(_FLOATX))


def full(shape, fill_value, dtype=None):
    """A tensor of ``fill_value``; its dtype follows the value (Keras' rule) unless given."""
    dt = _dt(dtype) or _py_dtype(fill_value) or _t(fill_value).dtype
    return _fn("full")(_shape(shape), fill_value if not is_tensor(fill_value) else fill_value.item(), dtype=dt)


def zeros_like(x, dtype=None):
    x = _t(x)
    return _fn("zeros")(tuple(x.shape), dtype=_dt(dtype) or x.dtype)


def ones_like(x, dtype=None):
    x = _t(x)
    return _fn("ones")(tuple(x.shape), dtype=_dt(dtype) or x.dtype)


def full_like(x, fill_value, dtype=None):
    x = _t(x)
    return _fn("full")(tuple(x.shape), fill_value, dtype=_dt(dtype) or x.dtype)


def eye(N, M=None, k=0, dtype=None):  # noqa: N803 - Keras' parameter names
    """A 2-D tensor with ones on the ``k``-th diagonal."""
    return convert_to_tensor(np.eye(int(N), None if M is None else int(M), int(k),
                                    dtype=_dt(dtype) or np.dtype(_FLOATX)))


def arange(start, stop=None, step=None, dtype=None):
    """Values from ``start`` to ``stop`` (exclusive); Python ints give int32, floats float32."""
    if dtype is None:
        kinds = [getattr(v, "dtype", None) or _py_dtype(v) for v in (start, stop, step) if v is not None]
        dt = np.result_type(*kinds)
        if dt == np.float64 and not builtins.any(getattr(v, "dtype", None) == np.float64
                                                  for v in (start, stop, step)):
            dt = np.dtype(_FLOATX)
    else:
        dt = _dt(dtype)
    if stop is None:
        start, stop = 0, start
    return _fn("arange")(start, stop, 1 if step is None else step, dtype=dt)


# ----------------------------------------------------------------------------- nn

def softmax(x, axis=-1):
    """Softmax along ``axis`` (None: over all entries)."""
    x = _float(_t(x))
    if axis is None:
        return _fn("softmax")(x.reshape(-1), -1).reshape(tuple(x.shape))
    return _fn("softmax")(x, axis)


def log_softmax(x, axis=-1):
    """Log-softmax along ``axis`` (None: over all entries)."""
    x = _float(_t(x))
    if axis is None:
        return _fn("log_softmax")(x.reshape(-1), -1).reshape(tuple(x.shape))
    return _fn("log_softmax")(x, axis)


def gelu(x, approximate=True):
    """GELU; ``approximate=True`` (Keras' default) is the tanh form."""
    from ..nn import functional as F  # noqa: PLC0415
    return F.gelu(_float(_t(x)), approximate="tanh" if approximate else "none")


def silu(x):
    """``x * sigmoid(x)`` (swish)."""
    from ..nn import functional as F  # noqa: PLC0415
    return F.silu(_float(_t(x)))


def softplus(x):
    """``log(1 + exp(x))``."""
    from ..nn import functional as F  # noqa: PLC0415
    return F.softplus(_float(_t(x)))


def leaky_relu(x, negative_slope=0.2):
    """``x`` where positive, ``negative_slope * x`` elsewhere (Keras' default slope is 0.2)."""
    from ..nn import functional as F  # noqa: PLC0415
    return F.leaky_relu(_float(_t(x)), negative_slope)


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot vectors of the integer labels ``x`` along a new ``axis``; negative labels give all zeros."""
    if sparse:
        raise ValueError("keras.ops.one_hot: `sparse=True` is not supported by nerve")
    labels = _index(x)
    classes = _fn("arange")(int(num_classes))
    out = (labels.unsqueeze(-1) == classes).to(_dt(dtype) or np.dtype(_FLOATX))
    if axis != -1 and axis != out.ndim - 1:
        out = _fn("movedim")(out, -1, axis)
    return out
