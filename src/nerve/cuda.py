"""``nerve.cuda``: the ``torch.cuda`` names scripts call on their first lines.

nerve runs on an NVIDIA GPU through CuPy (``pip install cupy-cuda12x``). Without
CuPy, or without a GPU, :func:`is_available` is ``False`` and the functions
behave as PyTorch's do on a CPU-only build: queries return 0 or ``False``,
seeding and cache clearing do nothing, and the calls that need a device
(:func:`current_device`, :func:`get_device_name`, :func:`synchronize`, ...)
raise :class:`CudaNotAvailableError`, which is both a ``RuntimeError`` and an
``AssertionError`` (PyTorch raises the one or the other depending on the build).

Random numbers for tensors on every device come from nerve's one default
generator, so :func:`manual_seed` and :func:`manual_seed_all` have nothing of
their own to seed; call ``nerve.manual_seed`` for reproducible runs.

Example:
    >>> device = "cuda" if nerve.cuda.is_available() else "cpu"
    >>> model = model.to(device)
"""
from __future__ import annotations

__all__ = [
    "CudaNotAvailableError", "is_available", "is_initialized", "device_count", "current_device", "set_device",
    "get_device_name", "get_device_capability", "get_device_properties", "synchronize", "manual_seed",
    "manual_seed_all", "seed", "seed_all", "memory_allocated", "max_memory_allocated", "memory_reserved",
    "max_memory_reserved", "reset_peak_memory_stats", "empty_cache", "is_bf16_supported", "device",
]


class CudaNotAvailableError(RuntimeError, AssertionError):
    """A CUDA call was made where no CUDA device can be used (no CuPy, or no GPU)."""


_state = {"available": None, "peak": 0}


def _cupy_or_none():
    try:
        import cupy  # noqa: PLC0415 - optional, only on GPU machines
    except ImportError:
        return None
    return cupy


def is_available() -> bool:
    """True when CuPy is installed and sees at least one NVIDIA GPU."""
    if _state["available"] is None:
        cp = _cupy_or_none()
        try:
            _state["available"] = cp is not None and cp.cuda.runtime.getDeviceCount() > 0
        except Exception:  # no driver, no device: CuPy raises its own runtime errors
            _state["available"] = False
    return _state["available"]


def _require(what: str):
    if not is_available():
        reason = "CuPy is not installed" if _cupy_or_none() is None else "CuPy sees no NVIDIA GPU"
        raise CudaNotAvailableError(
            f"nerve.cuda.{what}: CUDA is not available ({reason}). nerve runs on a GPU through CuPy "
            "(`pip install cupy-cuda12x` on a machine with an NVIDIA GPU); check "
            "nerve.cuda.is_available() first, or use device='cpu'.")
    return _cupy_or_none()


def _index(device) -> int:
    """The device index in ``device`` (None, an int, 'cuda', 'cuda:1' or a nerve.device)."""
    if device is None:
        return current_device()
    if isinstance(device, int):
        return device
    from ._backend import as_device  # noqa: PLC0415
    d = as_device(device)
    if d.type != "cuda":
        raise ValueError(f"Expected a cuda device, but got: {device}")
    return current_device() if d.index is None else d.index


def is_initialized() -> bool:
    """True once CUDA can be used (nerve initialises lazily, on the first check)."""
    return bool(_state["available"])


def device_count() -> int:
    """The number of GPUs CuPy sees (0 without CuPy or without a GPU)."""
    if not is_available():
        return 0
    return int(_cupy_or_none().cuda.runtime.getDeviceCount())


def current_device() -> int:
    """The index of the selected GPU."""
    cp = _require("current_device")
    return int(cp.cuda.Device().id)


def set_device(device) -> None:
    """Select the GPU new CUDA work goes to."""
    cp = _require("set_device")
    cp.cuda.Device(_index(device)).use()


def get_device_name(device=None) -> str:
    """The GPU's name, e.g. ``'NVIDIA H100 80GB HBM3'``."""
    cp = _require("get_device_name")
    name = cp.cuda.runtime.getDeviceProperties(_index(device))["name"]
    return name.decode() if isinstance(name, bytes) else str(name)


def get_device_capability(device=None) -> tuple:
    """The GPU's compute capability as ``(major, minor)``."""
    cp = _require("get_device_capability")
    props = cp.cuda.runtime.getDeviceProperties(_index(device))
    return int(props["major"]), int(props["minor"])


def get_device_properties(device=None) -> dict:
    """CuPy's property dict of the GPU (``name``, ``totalGlobalMem``, ``major``, ...)."""
    cp = _require("get_device_properties")
    return cp.cuda.runtime.getDeviceProperties(_index(device))


def synchronize(device=None) -> None:
    """Wait until all work queued on the GPU has finished."""
    cp = _require("synchronize")
    with cp.cuda.Device(_index(device)):
        cp.cuda.Device().synchronize()


def manual_seed(seed: int) -> None:
    """Accepted for ``torch.cuda`` compatibility; nerve.manual_seed seeds every device."""
    int(seed)


def manual_seed_all(seed: int) -> None:
    """Accepted for ``torch.cuda`` compatibility; nerve.manual_seed seeds every device."""
    int(seed)


def seed() -> None:
    """Accepted for ``torch.cuda`` compatibility (see :func:`manual_seed`)."""


def seed_all() -> None:
    """Accepted for ``torch.cuda`` compatibility (see :func:`manual_seed`)."""


def _pool():
    return _cupy_or_none().get_default_memory_pool() if is_available() else None


def memory_allocated(device=None) -> int:
    """Bytes held by tensors in CuPy's memory pool (0 without CUDA)."""
    pool = _pool()
    if pool is None:
        return 0
    used = int(pool.used_bytes())
    _state["peak"] = max(_state["peak"], used)
    return used


def max_memory_allocated(device=None) -> int:
    """The largest :func:`memory_allocated` seen since the start or the last reset.

    CuPy keeps no peak of its own, so this is the peak over the calls to
    :func:`memory_allocated` / :func:`max_memory_allocated` and the pool's
    current size, a lower bound of the true peak.
    """
    return max(_state["peak"], memory_allocated(device))


def memory_reserved(device=None) -> int:
    """Bytes CuPy's memory pool holds from the driver, used or cached (0 without CUDA)."""
    pool = _pool()
    return 0 if pool is None else int(pool.total_bytes())


def max_memory_reserved(device=None) -> int:
    """Bytes reserved now (CuPy keeps no peak; see :func:`max_memory_allocated`)."""
    return memory_reserved(device)


def reset_peak_memory_stats(device=None) -> None:
    """Restart the peak :func:`max_memory_allocated` reports."""
    _state["peak"] = 0


def empty_cache() -> None:
    """Return the cached, unused blocks of CuPy's memory pool to the driver (no-op without CUDA)."""
    pool = _pool()
    if pool is not None:
        pool.free_all_blocks()


def is_bf16_supported(including_emulation: bool = True) -> bool:
    """False: nerve stores arrays in NumPy/CuPy dtypes, which have no bfloat16."""
    return False


class device:  # noqa: N801 - torch.cuda.device is lowercase
    """Context manager that selects a GPU for the block: ``with nerve.cuda.device(1): ...``.

    ``device(None)`` and a CPU device do nothing, as in PyTorch.
    """

    def __init__(self, device):
        self.idx = None
        if device is None:
            return
        if not isinstance(device, int):
            from ._backend import as_device  # noqa: PLC0415
            d = as_device(device)
            if d.type != "cuda":
                return
            device = d.index or 0
        self.idx = int(device)
        self._ctx = None

    def __enter__(self):
        if self.idx is not None:
            cp = _require("device")
            self._ctx = cp.cuda.Device(self.idx)
            self._ctx.__enter__()
        return self

    def __exit__(self, *exc):
        if self.idx is not None and self._ctx is not None:
            self._ctx.__exit__(*exc)
        return False
