"""The legacy typed constructors (``nerve.FloatTensor``, ``LongTensor``, ...) and ``Tensor.type``.

``FloatTensor([1, 2])`` builds a float32 tensor from data, ``FloatTensor(2, 3)``
an uninitialised one of that shape; ``isinstance(t, nerve.FloatTensor)`` is true
for any CPU float32 tensor, as in PyTorch. ``t.type()`` names the type in
PyTorch's spelling with nerve's prefix (``'nerve.FloatTensor'``) and
``t.type(...)`` converts, given a type (``nerve.DoubleTensor``), its name in
either spelling (``'torch.LongTensor'`` or ``'nerve.LongTensor'``) or a dtype.
"""
from __future__ import annotations

from . import _backend as B
from ._backend import np
from .tensor import Tensor

__all__ = ["FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor",
           "CharTensor", "ByteTensor", "BoolTensor"]

_TYPE_NAMES = {  # PyTorch's legacy type name -> dtype
    "FloatTensor": B.float32, "DoubleTensor": B.float64, "HalfTensor": B.float16, "LongTensor": B.int64,
    "IntTensor": B.int32, "ShortTensor": B.int16, "CharTensor": B.int8, "ByteTensor": B.uint8,
    "BoolTensor": B.bool_,
}
_NAME_OF = {d: n for n, d in _TYPE_NAMES.items()}


class _TensorType(type):
    """Metaclass of the legacy types: calling one builds a Tensor; isinstance checks the dtype."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype == cls.dtype and obj.device.type == "cpu"

    def __call__(cls, *args, device=None, size=None):
        return _construct(cls, args, device, size)

    def __repr__(cls):
        return f"<class 'nerve.{cls.__name__}'>"


def _construct(cls, args, device, size):
    name, dt = cls.__name__, cls.dtype
    if size is not None:
        if args:
            raise TypeError(f"{name}() got multiple values for argument 'size'")
        args = tuple(size)
    if not args:
        return Tensor._make(B.array_module(device).empty((0,), dt))
    if len(args) == 1:
        data = args[0]
        if isinstance(data, Tensor):
            if data.dtype != dt:
                raise TypeError(f"{name}(): expected a tensor of dtype nerve.{dt.name}, got "
                                f"nerve.{data.dtype.name} (convert it with .to(nerve.{dt.name}) or "
                                f".type('nerve.{name}'))")
            return Tensor._make(data._data)  # shares storage, as PyTorch's legacy constructor does
        if isinstance(data, (list, tuple, np.ndarray)):
            return Tensor(np.asarray(data).astype(dt) if isinstance(data, np.ndarray) else data,
                          dtype=dt, device=device)
        if isinstance(data, (float, complex, np.floating, str, bool)) or data is None:
            raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
    shape = []
    for a in args:
        if isinstance(a, bool) or not isinstance(a, (int, np.integer)):
            raise TypeError(f"{name}(): expected data (a sequence or array) or sizes (ints), "
                            f"got {', '.join(type(x).__name__ for x in args)}")
        if a < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {int(a)}: "
                               f"{[int(x) for x in args]}")
        shape.append(int(a))
    return Tensor._make(B.array_module(device).empty(tuple(shape), dt))


def _make_type(name, dtype):
    doc = (f"Legacy constructor of {dtype.name} tensors (``torch.{name}``): ``{name}(data)`` copies data, "
           f"``{name}(*sizes)`` is uninitialised; ``isinstance(t, nerve.{name})`` checks for a CPU {dtype.name} "
           "tensor.")
    return _TensorType(name, (), {"dtype": dtype, "is_cuda": False, "__module__": "nerve", "__doc__": doc,
                                  "__qualname__": name})


FloatTensor = _make_type("FloatTensor", B.float32)
DoubleTensor = _make_type("DoubleTensor", B.float64)
HalfTensor = _make_type("HalfTensor", B.float16)
LongTensor = _make_type("LongTensor", B.int64)
IntTensor = _make_type("IntTensor", B.int32)
ShortTensor = _make_type("ShortTensor", B.int16)
CharTensor = _make_type("CharTensor", B.int8)
ByteTensor = _make_type("ByteTensor", B.uint8)
BoolTensor = _make_type("BoolTensor", B.bool_)


def _parse_type_name(s: str):
    """'torch.FloatTensor' / 'nerve.cuda.LongTensor' -> (dtype, is_cuda)."""
    parts = s.split(".")
    if len(parts) in (2, 3) and parts[0] in ("torch", "nerve") and parts[-1] in _TYPE_NAMES \
            and (len(parts) == 2 or parts[1] == "cuda"):
        return _TYPE_NAMES[parts[-1]], len(parts) == 3
    raise ValueError(f"invalid type: {s!r} (expected a name such as 'nerve.FloatTensor' or 'torch.LongTensor')")


def _type(self, dtype=None, non_blocking=False, **kwargs):
    """``t.type()`` -> ``'nerve.FloatTensor'``; ``t.type(nerve.DoubleTensor)``, ``t.type('torch.LongTensor')``
    or ``t.type(nerve.int32)`` -> the tensor converted (itself when nothing changes).

    Example:
        >>> nerve.zeros(2).type()
        'nerve.FloatTensor'
        >>> nerve.zeros(2).type("torch.LongTensor").dtype
        dtype('int64')
    """
    if dtype is None:
        name = _NAME_OF.get(self.dtype, f"{self.dtype.name}Tensor")
        return f"nerve.cuda.{name}" if self.device.type == "cuda" else f"nerve.{name}"
    if isinstance(dtype, _TensorType):
        return self.to(dtype.dtype)
    if isinstance(dtype, str):
        dt, cuda = _parse_type_name(dtype)
        return self.to("cuda", dt) if cuda else self.to(dt)
    return self.to(dtype)


_type.__name__ = _type.__qualname__ = "type"
Tensor.type = _type
