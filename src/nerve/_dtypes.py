"""dtype names and facts PyTorch scripts use: ``nerve.int`` (int32, as ``torch.int``), ``nerve.short``,
``nerve.cfloat``, ``nerve.bfloat16`` (not storable: a clear error on use), ``finfo``, ``iinfo``,
``is_floating_point``, ``is_complex``.

nerve's dtypes are NumPy dtypes (``nerve.float32 is numpy.dtype('float32')``).
"""
from __future__ import annotations

import builtins

from . import _backend as B
from ._backend import np

__all__ = [
    "int", "short", "cfloat", "cdouble", "complex64", "complex128", "bfloat16", "finfo", "iinfo",
    "is_floating_point", "is_complex",
]

int = B.int32  # noqa: A001 - torch.int is int32 (torch.long is int64)
short = B.int16
complex64 = np.dtype("complex64")
complex128 = np.dtype("complex128")
cfloat = complex64
cdouble = complex128


class _UnstorableDtype:
    """A dtype name PyTorch has and NumPy cannot store: any use as a dtype raises a TypeError saying so."""

    __slots__ = ("name", "itemsize", "_hint")

    def __init__(self, name, itemsize, hint):
        self.name, self.itemsize, self._hint = name, itemsize, hint

    @property
    def dtype(self):  # NumPy reads ``.dtype`` of any object given as a dtype: np.zeros(2, dtype=...) lands here
        raise TypeError(f"nerve.{self.name} is not supported: NumPy, which holds nerve's data, has no "
                        f"{self.name} type. {self._hint}")

    is_floating_point = True
    is_complex = False
    is_signed = True

    def __repr__(self):
        return f"nerve.{self.name}"

    def __reduce__(self):
        return self.name


bfloat16 = _UnstorableDtype("bfloat16", 2, "Use nerve.float16 (same size, less range) or nerve.float32; "
                                           "nerve.load widens bfloat16 tensors in safetensors files to float32.")

_BF16_INFO = {"bits": 16, "eps": 0.0078125, "max": 3.3895313892515355e38, "min": -3.3895313892515355e38,
              "tiny": 1.1754943508222875e-38, "resolution": 0.01}


def _dtype_arg(type, who):  # noqa: A002
    if type is None:
        return B.get_default_dtype()
    if type is bfloat16:
        return bfloat16
    try:
        return B.to_dtype(type)
    except TypeError as e:
        raise TypeError(f"nerve.{who}(): {e}") from None


def _g(x) -> str:
    return f"{x:g}"


class finfo:  # noqa: N801 - torch.finfo is lowercase
    """Machine limits of a floating dtype (``torch.finfo``); the default dtype when called without one.

    Attributes: ``bits``, ``eps``, ``max``, ``min``, ``tiny`` (= ``smallest_normal``), ``resolution``
    (Python floats) and ``dtype`` (its name, e.g. ``'float32'``).

    Example:
        >>> nerve.finfo(nerve.float16).max
        65504.0
        >>> mask_value = nerve.finfo(scores.dtype).min
    """

    def __init__(self, type=None):  # noqa: A002 - torch's parameter name
        d = _dtype_arg(type, "finfo")
        if d is bfloat16:
            info = _BF16_INFO
            self.dtype = "bfloat16"
        else:
            if d.kind not in "fc":
                raise TypeError(f"nerve.finfo() requires a floating point input type, got nerve.{d.name}. "
                                "Use nerve.iinfo to handle integer types")
            n = np.finfo(d)
            info = {"bits": n.bits, "eps": float(n.eps), "max": float(n.max), "min": float(n.min),
                    "tiny": float(n.smallest_normal), "resolution": 10.0 ** -n.precision}
            self.dtype = n.dtype.name
        self.bits = builtins.int(info["bits"])
        self.eps = info["eps"]
        self.max = info["max"]
        self.min = info["min"]
        self.tiny = self.smallest_normal = info["tiny"]
        self.resolution = info["resolution"]

    def __eq__(self, other):
        return isinstance(other, finfo) and self.dtype == other.dtype

    def __hash__(self):
        return hash(("finfo", self.dtype))

    def __repr__(self):
        return (f"finfo(resolution={_g(self.resolution)}, min={_g(self.min)}, max={_g(self.max)}, "
                f"eps={_g(self.eps)}, smallest_normal={_g(self.smallest_normal)}, tiny={_g(self.tiny)}, "
                f"dtype={self.dtype})")


class iinfo:  # noqa: N801 - torch.iinfo is lowercase
    """Limits of an integer dtype (``torch.iinfo``): ``bits``, ``min``, ``max`` (ints), ``dtype`` (its name).

    Example:
        >>> nerve.iinfo(nerve.int).max   # nerve.int is int32
        2147483647
    """

    def __init__(self, type):  # noqa: A002 - torch's parameter name
        d = _dtype_arg(type, "iinfo")
        if d is bfloat16 or d.kind in "fc":
            raise TypeError(f"nerve.iinfo() requires an integer input type, got nerve.{d.name}. "
                            "Use nerve.finfo to handle floating types")
        if d.kind == "b":
            raise TypeError("nerve.bool is not supported by nerve.iinfo")
        n = np.iinfo(d)
        to_int = builtins.int
        self.bits, self.min, self.max, self.dtype = to_int(n.bits), to_int(n.min), to_int(n.max), n.dtype.name

    def __eq__(self, other):
        return isinstance(other, iinfo) and self.dtype == other.dtype

    def __hash__(self):
        return hash(("iinfo", self.dtype))

    def __repr__(self):
        return f"iinfo(min={_g(self.min)}, max={_g(self.max)}, dtype={self.dtype})"


def _tensor_arg(fn, x):
    from .tensor import Tensor  # noqa: PLC0415 - this module loads before tensor.py is needed
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")
    return x


def is_floating_point(input) -> bool:  # noqa: A002 - PyTorch name
    """True when ``input``'s dtype is a floating type (float16/32/64)."""
    return _tensor_arg("is_floating_point", input).dtype.kind == "f"


def is_complex(input) -> bool:  # noqa: A002 - PyTorch name
    """True when ``input``'s dtype is complex."""
    return _tensor_arg("is_complex", input).dtype.kind == "c"
