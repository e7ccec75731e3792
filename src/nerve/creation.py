"""Functions that make new tensors: ``tensor``, ``zeros``, ``rand``, ``arange``, ...

Every call form PyTorch accepts works the same way here: ``zeros(2, 3)``,
``zeros((2, 3))``, ``zeros([2, 3])``, ``zeros(size=(2, 3))``; ``randint(high,
size)`` and ``randint(low, high, size)``; ``arange(5.)``, ``linspace(0, 1,
steps=5)``. Wrong arguments raise PyTorch's exception types with its wording
(``zeros(2.5)`` is a ``TypeError``, a negative size a ``RuntimeError`` naming
it). The ``Tensor.new_*`` methods (``new_zeros``, ``new_full``, ...) live at
the end of this file.
"""
from __future__ import annotations

import math
import numbers

from . import _backend as B
from ._backend import np
from .tensor import Tensor

# PyTorch's names of the dtypes (its "scalar types"), used in messages.
_SCALAR_NAMES = {
    "float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
    "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool", "complex64": "ComplexFloat",
    "complex128": "ComplexDouble",
}
# C names PyTorch's randint bounds check uses.
_C_NAMES = {"bool": "bool", "uint8": "unsigned char", "int8": "signed char", "int16": "short int",
            "int32": "int", "int64": "long"}


def _finish(arr, requires_grad):
    t = Tensor._make(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _float_dtype(dtype):
    d = B.to_dtype(dtype)
    return B.get_default_dtype() if d is None else d


def _scalar_name(dtype) -> str:
    return _SCALAR_NAMES.get(dtype.name, dtype.name)


# ----------------------------------------------------------------------------- argument parsing

def _type_name(x) -> str:
    return type(x).__name__


def _as_int(x):
    """``x`` as a Python int if it is an integer (int, NumPy integer, 0-d integer Tensor), else None."""
    if isinstance(x, bool) or isinstance(x, np.bool_):
        return None
    if isinstance(x, Tensor):
        if x.ndim != 0 or x.dtype.kind not in "iu":
            return None
        return int(x.item())
    if isinstance(x, (numbers.Integral, np.integer)):
        return int(x)
    return None


def _check_sizes(shape):
    for d in shape:
        if d < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {d}: {list(shape)}")
    return shape


def _varargs_size(op, args, size=None):
    """The shape of ``zeros(2, 3)`` / ``zeros((2, 3))`` / ``zeros([2, 3])`` / ``zeros(size=(2, 3))``."""
    if size is not None:
        if args:
            raise TypeError(f"{op}() got multiple values for argument 'size'")
        args = (size,)
    if not args:
        raise TypeError(f'{op}() missing 1 required positional arguments: "size"')
    if len(args) == 1 and not isinstance(args[0], (tuple, list)):
        if _as_int(args[0]) is None:
            raise TypeError(f"{op}(): argument 'size' (position 1) must be tuple of ints, "
                            f"not {_type_name(args[0])}")
    elif len(args) == 1:
        args = args[0]
    elif any(isinstance(a, (tuple, list)) for a in args):
        raise TypeError(f"{op}() takes 1 positional argument but {len(args)} were given")
    shape = []
    for i, a in enumerate(args):
        n = _as_int(a)
        if n is None:
            raise TypeError(f"{op}(): argument 'size' failed to unpack the object at pos {i + 1} with error "
                            f"\"type must be tuple of ints,but got {_type_name(a)}\"")
        shape.append(n)
    return _check_sizes(tuple(shape))


def _tuple_size(op, size, pos):
    """The shape passed as one argument that must be a tuple/list of ints (``full``, ``randint``)."""
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"{op}(): argument 'size' (position {pos}) must be tuple of ints, not {_type_name(size)}")
    shape = []
    for i, a in enumerate(size):
        n = _as_int(a)
        if n is None:
            raise TypeError(f"{op}(): argument 'size' (position {pos}) must be tuple of ints, but found "
                            f"element of type {_type_name(a)} at pos {i}")
        shape.append(n)
    return _check_sizes(tuple(shape))


def _int_arg(op, name, pos, x):
    n = _as_int(x)
    if n is None:
        raise TypeError(f"{op}(): argument '{name}' (position {pos}) must be int, not {_type_name(x)}")
    return n


def _number(x):
    """A Python number from a number or a one-element Tensor (``arange(t)``, ``linspace(t0, t1, n)``)."""
    if isinstance(x, Tensor):
        return x.item()
    if isinstance(x, np.generic):
        return x.item()
    return x


def _is_float(x) -> bool:
    if isinstance(x, Tensor):
        return x.dtype.kind in "fc"
    return isinstance(x, (float, np.floating))


# ----------------------------------------------------------------------------- from data

def tensor(data, dtype=None, device=None, requires_grad=False):
    """Build a tensor from data (always copies). Python floats become float32.

    Example:
        >>> nerve.tensor([1.7, -1.7], dtype=nerve.int)   # nerve.int is int32, truncation toward zero
        tensor([ 1, -1], dtype=nerve.int32)
    """
    if isinstance(data, Tensor):
        data = data._data
    t = Tensor(data, dtype=dtype, device=device)
    if t._data is data or (isinstance(data, np.ndarray) and np.shares_memory(t._data, data)):
        t._data = t._data.copy()
    if requires_grad:
        t.requires_grad_(True)
    return t


def as_tensor(data, dtype=None, device=None):
    """Like ``tensor`` but shares memory with a NumPy array when it can."""
    if isinstance(data, Tensor) and dtype is None and device is None:
        return data
    return Tensor(data, dtype=dtype, device=device)


def from_numpy(array):
    """A tensor sharing memory with ``array`` (its dtype is kept)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy expects a numpy.ndarray, got {type(array).__name__}")
    return Tensor._make(array)


# ----------------------------------------------------------------------------- filled

def zeros(*args, size=None, dtype=None, device=None, requires_grad=False):
    """A tensor of zeros: ``zeros(2, 3)``, ``zeros((2, 3))``, ``zeros([2, 3])`` or ``zeros(size=(2, 3))``."""
    shape = _varargs_size("zeros", args, size)
    return _finish(B.array_module(device).zeros(shape, _float_dtype(dtype)), requires_grad)


def ones(*args, size=None, dtype=None, device=None, requires_grad=False):
    """A tensor of ones; the same call forms as :func:`zeros`."""
    shape = _varargs_size("ones", args, size)
    return _finish(B.array_module(device).ones(shape, _float_dtype(dtype)), requires_grad)


def empty(*args, size=None, dtype=None, device=None, requires_grad=False):
    """An uninitialised tensor; the same call forms as :func:`zeros`."""
    shape = _varargs_size("empty", args, size)
    return _finish(B.array_module(device).empty(shape, _float_dtype(dtype)), requires_grad)


def empty_strided(size, stride, *, dtype=None, device=None, requires_grad=False):
    """An uninitialised tensor with the given element strides (``torch.empty_strided``).

    Example:
        >>> nerve.empty_strided((2, 3), (1, 2)).numpy().strides   # column-major float32
        (4, 8)
    """
    shape = _tuple_size("empty_strided", size, 1)
    strides = _tuple_size("empty_strided", stride, 2)
    if len(shape) != len(strides):
        raise RuntimeError(f"mismatch in length of strides and shape: {len(strides)} strides for {len(shape)} "
                           f"dimensions {list(shape)}")
    dt = _float_dtype(dtype)
    xp = B.array_module(device)
    n = 0 if 0 in shape else 1 + sum((d - 1) * s for d, s in zip(shape, strides))
    buf = xp.empty(n, dt)
    arr = xp.lib.stride_tricks.as_strided(buf, shape, tuple(s * dt.itemsize for s in strides))
    return _finish(arr, requires_grad)


def _fill_dtype(fill_value):
    if isinstance(fill_value, Tensor):
        return fill_value.dtype
    if isinstance(fill_value, (bool, np.bool_)):
        return B.bool_
    if isinstance(fill_value, (numbers.Integral, np.integer)):
        return B.int64
    if isinstance(fill_value, (complex, np.complexfloating)):
        return np.dtype("complex128") if B.get_default_dtype() == B.float64 else np.dtype("complex64")
    return B.get_default_dtype()


def full(size, fill_value, *, dtype=None, device=None, requires_grad=False):
    """A tensor of ``fill_value``; its dtype follows the value (bool, int64, float32) unless given.

    Example:
        >>> nerve.full((2, 2), 7).dtype
        dtype('int64')
    """
    shape = _tuple_size("full", size, 1)
    if isinstance(fill_value, Tensor):
        if fill_value.numel() != 1:
            raise RuntimeError(f"full(): fill_value must be a number or a 0-dim tensor, got a tensor of shape "
                               f"{tuple(fill_value.shape)}")
    elif not isinstance(fill_value, (numbers.Number, np.generic)):
        raise TypeError(f"full(): argument 'fill_value' (position 2) must be Number, not {_type_name(fill_value)}")
    dt = _fill_dtype(fill_value) if dtype is None else B.to_dtype(dtype)
    value = _number(fill_value)
    if dt.kind in "iu" and isinstance(value, float) and math.isfinite(value):
        value = math.trunc(value)  # PyTorch truncates toward zero: full((2,), 1.5, dtype=int64) -> [1, 1]
    return _finish(B.array_module(device).full(shape, value, dt), requires_grad)


def eye(n, m=None, *, dtype=None, device=None, requires_grad=False):
    """The ``n x m`` identity matrix (``m`` defaults to ``n``)."""
    n = _int_arg("eye", "n", 1, n)
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m is not None:
        m = _int_arg("eye", "m", 2, m)
        if m < 0:
            raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    return _finish(B.array_module(device).eye(n, m, dtype=_float_dtype(dtype)), requires_grad)


# ----------------------------------------------------------------------------- ranges

def arange(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False):
    """Values from ``start`` to ``end`` (exclusive) by ``step``; int64 when all arguments are ints.

    ``arange(5)``, ``arange(1, 4)``, ``arange(0, 1, 0.25)``, ``arange(5.)`` (float32), ``arange(end=3)``.
    """
    if end is None:
        start, end = 0, start
    args = (start, end, step)
    if dtype is None:
        dt = B.get_default_dtype() if any(_is_float(v) for v in args) else B.int64
    else:
        dt = B.to_dtype(dtype)
    if dt == B.bool_:
        raise NotImplementedError("\"arange\" not implemented for 'Bool'")
    start, end, step = (_number(v) for v in args)
    for v in (start, end, step):
        if not isinstance(v, numbers.Real):
            raise TypeError(f"arange(): start, end and step must be real numbers, got {_type_name(v)}")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    n = max(0, math.ceil((end - start) / step))
    xp = B.array_module(device)
    if dt.kind in "iu":
        # PyTorch steps in the integer type: arange(0.5, 3, dtype=int64) -> [0, 1, 2]
        istart, istep = math.trunc(start), math.trunc(step)
        if istep == 0:
            raise ValueError("step must be nonzero")
        arr = (istart + istep * xp.arange(n, dtype=np.int64)).astype(dt)
    else:
        arr = (start + step * xp.arange(n, dtype=np.float64)).astype(dt)
    return _finish(arr, requires_grad)


def _linspace_values(op, start, end, steps, dt, xp):
    steps = _int_arg(op, "steps", 3, steps)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    if dt == B.bool_:
        raise NotImplementedError(f"\"{op}\" not implemented for 'Bool'")
    start, end = _number(start), _number(end)
    if dt.kind in "iu":  # PyTorch's integer linspace starts from the truncated ends
        start, end = math.trunc(start), math.trunc(end)
    if steps == 1:
        return xp.full((1,), start, dtype=np.float64)
    i = xp.arange(steps, dtype=np.float64)
    step = (end - start) / (steps - 1) if steps > 1 else 0.0
    # PyTorch fills the first half from start and the second half back from end
    return xp.where(i < steps // 2, start + step * i, end - step * (steps - 1 - i))


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False):
    """``steps`` evenly spaced values from ``start`` to ``end`` (both included).

    An integer ``dtype`` truncates toward zero as PyTorch does:
    ``linspace(-5, 5, 4, dtype=nerve.int64)`` is ``[-5, -1, 1, 5]``.
    """
    dt = _float_dtype(dtype)
    xp = B.array_module(device)
    with np.errstate(invalid="ignore", over="ignore"):
        vals = _linspace_values("linspace", start, end, steps, dt, xp)
        arr = (xp.trunc(vals) if dt.kind in "iu" else vals).astype(dt)
    return _finish(arr, requires_grad)


def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False):
    """``base ** linspace(start, end, steps)`` (``torch.logspace``)."""
    dt = _float_dtype(dtype)
    xp = B.array_module(device)
    with np.errstate(invalid="ignore", over="ignore"):
        vals = float(_number(base)) ** _linspace_values("logspace", start, end, steps, dt, xp)
        arr = (xp.trunc(vals) if dt.kind in "iu" else vals).astype(dt)
    return _finish(arr, requires_grad)


# ----------------------------------------------------------------------------- random

def _random(op, fn, args, size, dtype, device, requires_grad, generator=None):
    shape = _varargs_size(op, args, size)
    dt = _float_dtype(dtype)
    if dt.kind != "f":
        raise NotImplementedError(f"\"{op}\" not implemented for '{_scalar_name(dt)}': random samples need a "
                                  "floating dtype (use randint for integers)")
    arr = fn(B.get_rng(generator), shape, dt)
    if device is not None:
        arr = B.to_device_array(arr, device)
    return _finish(arr, requires_grad)


def _uniform(rng, shape, dt):
    return rng.random(shape, dtype=dt) if dt in (B.float32, B.float64) else rng.random(shape).astype(dt)


def _normal(rng, shape, dt):
    return rng.standard_normal(shape, dtype=dt) if dt in (B.float32, B.float64) \
        else rng.standard_normal(shape).astype(dt)


def rand(*args, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Uniform samples in [0, 1): ``rand(2, 3)``, ``rand((2, 3))``, ``rand(2, 3, generator=g)``."""
    return _random("rand", _uniform, args, size, dtype, device, requires_grad, generator)


def randn(*args, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Standard normal samples; the same call forms as :func:`rand`."""
    return _random("randn", _normal, args, size, dtype, device, requires_grad, generator)


def _randint_bounds(low, high, dt):
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    if dt.kind in "biu":
        info = (0, 1) if dt == B.bool_ else (int(np.iinfo(dt).min), int(np.iinfo(dt).max))
        cname = _C_NAMES.get(dt.name, dt.name)
        if low < info[0]:
            raise RuntimeError(f"from is out of bounds for {cname}")
        if high - 1 > info[1]:
            raise RuntimeError(f"to - 1 is out of bounds for {cname}")


def randint(low=None, high=None, size=None, *, generator=None, dtype=None, device=None, requires_grad=False):
    """Integers drawn uniformly from [low, high): ``randint(high, size)`` or ``randint(low, high, size)``.

    Example:
        >>> nerve.randint(10, (2, 3)).shape, nerve.randint(3, 7, (4,), dtype=nerve.int32).dtype
        ((2, 3), dtype('int32'))
    """
    two_args = True                                       # the randint(high, size) form
    if size is None and isinstance(high, (tuple, list)):  # randint(high, size)
        low, high, size = 0, low, high
    elif high is None:                                    # randint(high, size=...) / randint(5)
        low, high = 0, low
    elif low is None:                                     # randint(high=5, size=...)
        low = 0
    else:
        two_args = False
    if high is None:
        raise TypeError("randint() missing required argument 'high'")
    if size is None:
        if two_args:
            raise TypeError("randint() missing required argument 'size' (a tuple of ints): call it as "
                            "randint(high, size) or randint(low, high, size)")
        raise TypeError(f"randint(): argument 'size' (position 2) must be tuple of ints, not {_type_name(high)}")
    low = _int_arg("randint", "low", 1, low)
    high = _int_arg("randint", "high", 1 if two_args else 2, high)
    shape = _tuple_size("randint", size, 2 if two_args else 3)
    dt = B.int64 if dtype is None else B.to_dtype(dtype)
    _randint_bounds(low, high, dt)
    arr = B.get_rng(generator).integers(low, high, shape, dtype=np.int64)
    if dt != B.int64:
        arr = arr.astype(dt)
    if device is not None:
        arr = B.to_device_array(arr, device)
    return _finish(arr, requires_grad)


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False):
    """A random permutation of ``0 .. n-1`` (int64)."""
    n = _int_arg("randperm", "n", 1, n)
    _check_sizes((n,))
    arr = B.get_rng(generator).permutation(n).astype(B.int64 if dtype is None else B.to_dtype(dtype))
    if device is not None:
        arr = B.to_device_array(arr, device)
    return _finish(arr, requires_grad)


def normal(mean, std, size, generator=None, dtype=None):
    """Samples of N(mean, std**2) (float ``mean`` and ``std``) with the given ``size``."""
    mean, std = _number(mean), _number(std)       # a one-element Tensor counts as its value
    for name, pos, v in (("mean", 1, mean), ("std", 2, std)):
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise TypeError(f"normal(): argument '{name}' (position {pos}) must be float, not {_type_name(v)}")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {float(std):g}")
    arr = B.get_rng(generator).normal(mean, std, _tuple_size("normal", size, 3)).astype(_float_dtype(dtype))
    return Tensor._make(arr)


def _like_input(op, input):  # noqa: A002
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not {_type_name(input)}")


# ----------------------------------------------------------------------------- *_like

def _like(fn):
    def like(input, dtype=None, device=None, requires_grad=False, **kw):  # noqa: A002
        _like_input(like.__name__, input)
        dt = input.dtype if dtype is None else dtype
        dev = input.device if device is None else device
        return fn(input.shape, dtype=dt, device=dev, requires_grad=requires_grad, **kw)
    like.__name__ = fn.__name__ + "_like"
    like.__qualname__ = like.__name__
    like.__doc__ = f"``{fn.__name__}`` with the shape (and by default dtype and device) of ``input``."
    return like


zeros_like = _like(zeros)
ones_like = _like(ones)
empty_like = _like(empty)
rand_like = _like(rand)
randn_like = _like(randn)


def full_like(input, fill_value, dtype=None, device=None, requires_grad=False):  # noqa: A002
    """``full`` with the shape (and by default dtype and device) of ``input``."""
    _like_input("full_like", input)
    return full(input.shape, fill_value, dtype=input.dtype if dtype is None else dtype,
                device=input.device if device is None else device, requires_grad=requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, device=None, requires_grad=False,  # noqa: A002
                 generator=None):
    """``randint`` with the shape (and by default dtype and device) of ``input``:
    ``randint_like(x, high)`` or ``randint_like(x, low, high)``."""
    _like_input("randint_like", input)
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input.shape), generator=generator,
                   dtype=input.dtype if dtype is None else dtype,
                   device=input.device if device is None else device, requires_grad=requires_grad)


# ----------------------------------------------------------------------------- Tensor.new_*
# ``x.new_zeros(2, 3)`` makes a tensor with x's dtype and device (unless given).

def _new_kwargs(self, dtype, device):
    return {"dtype": self.dtype if dtype is None else dtype, "device": self.device if device is None else device}


def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
    """Zeros of ``size`` with this tensor's dtype and device (``Tensor.new_zeros``)."""
    shape = _varargs_size("new_zeros", size)
    return zeros(shape, requires_grad=requires_grad, **_new_kwargs(self, dtype, device))


def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
    """Ones of ``size`` with this tensor's dtype and device (``Tensor.new_ones``)."""
    shape = _varargs_size("new_ones", size)
    return ones(shape, requires_grad=requires_grad, **_new_kwargs(self, dtype, device))


def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
    """An uninitialised tensor of ``size`` with this tensor's dtype and device (``Tensor.new_empty``)."""
    shape = _varargs_size("new_empty", size)
    return empty(shape, requires_grad=requires_grad, **_new_kwargs(self, dtype, device))


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    """``fill_value`` everywhere, with this tensor's dtype and device (``Tensor.new_full``)."""
    _tuple_size("new_full", size, 1)
    return full(size, fill_value, requires_grad=requires_grad, **_new_kwargs(self, dtype, device))


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    """A copy of ``data`` with this tensor's dtype and device (``Tensor.new_tensor``)."""
    return tensor(data, requires_grad=requires_grad, **_new_kwargs(self, dtype, device))


for _fn in (new_zeros, new_ones, new_empty, new_full, new_tensor):
    setattr(Tensor, _fn.__name__, _fn)
del _fn
