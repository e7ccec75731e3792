"""Functions that make new tensors: ``tensor``, ``zeros``, ``rand``, ``arange``, ..."""
from __future__ import annotations

from . import _backend as B
from ._backend import np
from .tensor import Tensor, _shape_arg


def _finish(arr, requires_grad):
    t = Tensor._make(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _float_dtype(dtype):
    return B.to_dtype(dtype) or B.get_default_dtype()


def tensor(data, dtype=None, device=None, requires_grad=False):
    """Build a tensor from data (always copies). Python floats become float32."""
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


def zeros(*size, dtype=None, device=None, requires_grad=False):
    return _finish(B.array_module(device).zeros(_shape_arg(size), _float_dtype(dtype)), requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False):
    return _finish(B.array_module(device).ones(_shape_arg(size), _float_dtype(dtype)), requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False):
    return _finish(B.array_module(device).empty(_shape_arg(size), _float_dtype(dtype)), requires_grad)


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    if dtype is None:
        dtype = B.bool_ if isinstance(fill_value, bool) else (
            B.int64 if isinstance(fill_value, int) else B.get_default_dtype())
    return _finish(B.array_module(device).full(_shape_arg((size,)), fill_value, B.to_dtype(dtype)),
                   requires_grad)


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    return _finish(B.array_module(device).eye(n, m, dtype=_float_dtype(dtype)), requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    """Values from ``start`` to ``end`` (exclusive); int64 when all arguments are ints."""
    if end is None:
        start, end = 0, start
    if dtype is None:
        dtype = B.int64 if all(isinstance(v, (int, np.integer)) for v in (start, end, step)) \
            else B.get_default_dtype()
    return _finish(B.array_module(device).arange(start, end, step, dtype=B.to_dtype(dtype)), requires_grad)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    return _finish(B.array_module(device).linspace(start, end, int(steps), dtype=_float_dtype(dtype)),
                   requires_grad)


def _random(fn, size, dtype, device, requires_grad, generator=None):
    arr = fn(B.get_rng(generator), _shape_arg(size), _float_dtype(dtype))
    if device is not None:
        arr = B.to_device_array(arr, device)
    return _finish(arr, requires_grad)


def _uniform(rng, shape, dt):
    return rng.random(shape, dtype=dt) if dt in (B.float32, B.float64) else rng.random(shape).astype(dt)


def _normal(rng, shape, dt):
    return rng.standard_normal(shape, dtype=dt) if dt in (B.float32, B.float64) \
        else rng.standard_normal(shape).astype(dt)


def rand(*size, dtype=None, device=None, requires_grad=False, generator=None):
    """Uniform samples in [0, 1)."""
    return _random(_uniform, size, dtype, device, requires_grad, generator)


def randn(*size, dtype=None, device=None, requires_grad=False, generator=None):
    """Standard normal samples."""
    return _random(_normal, size, dtype, device, requires_grad, generator)


def randint(low, high=None, size=None, dtype=None, device=None, generator=None):
    """Integers in [low, high)."""
    if high is None:
        low, high = 0, low
    if size is None:
        raise TypeError("randint() missing required argument 'size'")
    arr = B.get_rng(generator).integers(low, high, _shape_arg((size,)), dtype=np.int64)
    if dtype is not None:
        arr = arr.astype(B.to_dtype(dtype))
    return Tensor._make(B.to_device_array(arr, device) if device is not None else arr)


def randperm(n, dtype=None, device=None, generator=None):
    arr = B.get_rng(generator).permutation(int(n)).astype(B.to_dtype(dtype) or np.int64)
    return Tensor._make(B.to_device_array(arr, device) if device is not None else arr)


def normal(mean, std, size, generator=None, dtype=None):
    arr = B.get_rng(generator).normal(mean, std, _shape_arg((size,))).astype(_float_dtype(dtype))
    return Tensor._make(arr)


def _like(fn):
    def like(input, dtype=None, device=None, requires_grad=False, **kw):  # noqa: A002
        dt = dtype if dtype is not None else input.dtype
        dev = device if device is not None else input.device
        return fn(*input.shape, dtype=dt, device=dev, requires_grad=requires_grad, **kw)
    like.__name__ = fn.__name__ + "_like"
    like.__doc__ = f"``{fn.__name__}`` with the shape (and by default dtype and device) of ``input``."
    return like


zeros_like = _like(zeros)
ones_like = _like(ones)
empty_like = _like(empty)
rand_like = _like(rand)
randn_like = _like(randn)


def full_like(input, fill_value, dtype=None, device=None, requires_grad=False):  # noqa: A002
    return full(input.shape, fill_value, dtype=dtype or input.dtype, device=device or input.device,
                requires_grad=requires_grad)
