"""``nerve.accelerator``: the device-agnostic ``torch.accelerator`` names.

nerve's only accelerator is an NVIDIA GPU through CuPy (see ``nerve.cuda``).
On a CPU-only machine :func:`is_available` is ``False`` and
:func:`current_accelerator` is ``None``, as in PyTorch.

Example:
    >>> acc = nerve.accelerator.current_accelerator()
    >>> device = acc if acc is not None else nerve.device("cpu")
"""
from __future__ import annotations

from . import cuda as _cuda

__all__ = [
    "is_available", "current_accelerator", "device_count", "current_device_index", "current_device_idx",
    "set_device_index", "set_device_idx", "synchronize", "empty_cache", "memory_allocated",
    "max_memory_allocated", "memory_reserved", "reset_peak_memory_stats",
]


def is_available() -> bool:
    """True when an accelerator (a CUDA GPU through CuPy) can be used."""
    return _cuda.is_available()


def current_accelerator(check_available: bool = False):
    """``nerve.device('cuda')`` when a GPU is usable, else ``None``."""
    if not _cuda.is_available():
        return None
    from ._backend import Device  # noqa: PLC0415
    return Device("cuda")


def device_count() -> int:
    """The number of accelerator devices (0 on a CPU-only machine)."""
    return _cuda.device_count()


def _require(what):
    if not _cuda.is_available():
        raise RuntimeError(f"nerve.accelerator.{what}: Cannot access accelerator device when none is "
                           "available (nerve's accelerator is a CUDA GPU through CuPy).")


def current_device_index() -> int:
    """The index of the selected accelerator device."""
    _require("current_device_index")
    return _cuda.current_device()


def set_device_index(device) -> None:
    """Select the accelerator device new work goes to."""
    _require("set_device_index")
    _cuda.set_device(device)


current_device_idx = current_device_index
set_device_idx = set_device_index


def synchronize(device=None) -> None:
    """Wait for all queued work on the accelerator."""
    _require("synchronize")
    _cuda.synchronize(device)


def empty_cache() -> None:
    _cuda.empty_cache()


def memory_allocated(device_index=None) -> int:
    return _cuda.memory_allocated(device_index)


def max_memory_allocated(device_index=None) -> int:
    return _cuda.max_memory_allocated(device_index)


def memory_reserved(device_index=None) -> int:
    return _cuda.memory_reserved(device_index)


def reset_peak_memory_stats(device_index=None) -> None:
    _cuda.reset_peak_memory_stats(device_index)
