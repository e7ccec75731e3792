"""The one place that imports the array library.

Every other module asks for arrays through this module: ``np`` for NumPy
functions (CuPy arrays dispatch through NumPy's ``__array_ufunc__`` and
``__array_function__`` protocols, so ops written with ``np.exp(x)`` run on
either), ``array_module(device)`` when an array must be *created* on a device,
and ``default_generator`` for random numbers.
"""
from __future__ import annotations

import numpy as np

__all__ = [
    "np", "float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8",
    "bool_", "get_default_dtype", "set_default_dtype", "to_dtype", "Device",
    "as_device", "array_module", "device_of", "manual_seed", "default_generator", "Generator",
    "get_rng", "to_device_array", "quiet", "loud", "quiet_errors",
]

# ------------------------------------------------------------ floating-point errors
# NumPy reports IEEE events (divide by zero, invalid, overflow) as RuntimeWarnings;
# PyTorch computes the IEEE value (inf, nan) silently, and so does nerve. Every
# place that runs NumPy on the user's behalf (``Op.__call__``, the backward pass,
# optimizer steps, in-place methods) brackets the work with ``quiet()`` /
# ``loud(token)``. NumPy keeps its error state in a context variable; setting and
# resetting it directly costs ~0.2 us, against ~1.5 us for ``np.errstate``. Code
# outside those brackets (the user's own NumPy) keeps NumPy's settings.
try:
    from numpy._core._ufunc_config import _extobj_contextvar as _errvar
    from numpy._core._ufunc_config import _make_extobj as _mk_extobj

    _IGNORE = _mk_extobj(all="ignore")

    def quiet():
        """Silence NumPy's floating-point warnings until ``loud(token)``; returns the token."""
        return _errvar.set(_IGNORE)

    loud = _errvar.reset
except (ImportError, AttributeError, TypeError):  # pragma: no cover - other NumPy versions
    def quiet():
        st = np.errstate(all="ignore")
        st.__enter__()
        return st

    def loud(token):
        token.__exit__(None, None, None)


class quiet_errors:
    """``with quiet_errors():`` the same bracket as a context manager (for colder paths)."""

    __slots__ = ("_tok",)

    def __enter__(self):
        self._tok = quiet()
        return self

    def __exit__(self, *exc):
        loud(self._tok)
        return False

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            tok = quiet()
            try:
                return fn(*args, **kwargs)
            finally:
                loud(tok)
        return wrapped


float16 = np.dtype("float16")
float32 = np.dtype("float32")
float64 = np.dtype("float64")
int8 = np.dtype("int8")
int16 = np.dtype("int16")
int32 = np.dtype("int32")
int64 = np.dtype("int64")
uint8 = np.dtype("uint8")
bool_ = np.dtype("bool")

_DTYPE_NAMES = {
    "float": float32, "float32": float32, "float64": float64, "double": float64,
    "half": float16, "float16": float16, "int": int64, "long": int64, "int64": int64,
    "int32": int32, "int16": int16, "int8": int8, "uint8": uint8, "bool": bool_,
}

_default_dtype = [float32]


def get_default_dtype():
    """Return the floating dtype used for new tensors built from Python floats."""
    return _default_dtype[0]


def set_default_dtype(dtype) -> None:
    """Set the default floating dtype (``nerve.float32`` or ``nerve.float64``)."""
    d = to_dtype(dtype)
    if d.kind != "f":
        raise TypeError(f"set_default_dtype expects a floating dtype, got {d}")
    _default_dtype[0] = d


def to_dtype(dtype):
    """Normalise a dtype given as a NumPy dtype, Python type or name to ``np.dtype``."""
    if dtype is None:
        return None
    if isinstance(dtype, np.dtype):
        return dtype
    if isinstance(dtype, str):
        try:
            return _DTYPE_NAMES[dtype]
        except KeyError:
            raise TypeError(f"unknown dtype {dtype!r}; valid names: {sorted(_DTYPE_NAMES)}") from None
    if dtype is float:
        return _default_dtype[0]
    if dtype is int:
        return int64
    if dtype is bool:
        return bool_
    return np.dtype(dtype)


class Device:
    """Where a tensor's data lives: ``Device('cpu')`` or ``Device('cuda:0')``."""

    __slots__ = ("type", "index")

    def __init__(self, spec="cpu", index=None):
        if isinstance(spec, Device):
            self.type, self.index = spec.type, spec.index
            return
        spec = str(spec)
        typ, _, idx = spec.partition(":")
        if typ not in ("cpu", "cuda"):
            raise ValueError(f"unknown device {spec!r}: expected 'cpu' or 'cuda[:N]'")
        self.type = typ
        self.index = int(idx) if idx else index

    def __eq__(self, other):
        try:
            other = as_device(other)
        except (ValueError, TypeError):
            return NotImplemented
        return self.type == other.type and (self.index or 0) == (other.index or 0)

    def __hash__(self):
        return hash((self.type, self.index or 0))

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self):
        return f"device(type='{self.type}'" + ("" if self.index is None else f", index={self.index}") + ")"


_CPU = Device("cpu")


def as_device(device) -> Device:
    if device is None:
        return _CPU
    return device if isinstance(device, Device) else Device(device)


def _cupy():
    try:
        import cupy  # noqa: PLC0415 - optional, only on GPU machines
    except ImportError as e:  # pragma: no cover - depends on the machine
        raise RuntimeError(
            "device 'cuda' needs CuPy: install it with `pip install cupy-cuda12x` "
            "on a machine with an NVIDIA GPU"
        ) from e
    return cupy


def array_module(device=None):
    """The array library (NumPy or CuPy) that holds data on ``device``."""
    if device is None or as_device(device).type == "cpu":
        return np
    return _cupy()


def device_of(array) -> Device:
    """The device of a raw array."""
    if isinstance(array, (np.ndarray, np.generic)):
        return _CPU
    dev = getattr(array, "device", None)
    if dev is not None and type(array).__module__.startswith("cupy"):
        return Device("cuda", int(getattr(dev, "id", 0)))
    return _CPU


def to_device_array(array, device):
    """Move a raw array to ``device`` (a copy only when the device changes)."""
    dev = as_device(device)
    if dev.type == "cpu":
        if isinstance(array, np.ndarray):
            return array
        get = getattr(array, "get", None)
        return get() if get is not None else np.asarray(array)
    cp = _cupy()
    with cp.cuda.Device(dev.index or 0):
        return cp.asarray(array)


class Generator:
    """A seedable source of random numbers (PyTorch's ``torch.Generator``).

    Wraps a ``numpy.random.Generator`` (``.rng``). Example:
        >>> g = nerve.Generator().manual_seed(0)
        >>> loader = DataLoader(ds, shuffle=True, generator=g)
    """

    __slots__ = ("rng", "_seed")

    def __init__(self, device="cpu"):
        self._seed = int(np.random.SeedSequence().entropy % (2 ** 63))
        self.rng = np.random.default_rng(self._seed)

    def manual_seed(self, seed: int) -> "Generator":
        try:
            seed = int(seed)
        except (TypeError, ValueError):
            raise TypeError(f"manual_seed: seed must be an integer, got {type(seed).__name__} "
                            f"{seed!r:.60}") from None
        if not -(2 ** 63) <= seed < 2 ** 64:
            raise RuntimeError(f"manual_seed: seed must be within [-2**63, 2**64), got {seed}")
        self._seed = seed % (2 ** 64)     # PyTorch takes negative seeds (as unsigned 64-bit)
        self.rng = np.random.default_rng(self._seed)
        return self

    def seed(self) -> int:
        self.manual_seed(int(np.random.SeedSequence().entropy % (2 ** 63)))
        return self._seed

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> dict:
        return self.rng.bit_generator.state

    def set_state(self, state: dict) -> "Generator":
        self.rng.bit_generator.state = state
        return self


# The generator behind initialisation, dropout and shuffling; ``manual_seed`` reseeds it.
default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed nerve's default random number generator; returns it."""
    return default_generator.manual_seed(seed)


def get_rng(generator=None):
    """The ``numpy.random.Generator`` to draw from (the default one unless given)."""
    return (generator or default_generator).rng
