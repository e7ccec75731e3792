"""``nerve.backends.cudnn``: cuDNN switches, kept for scripts; nerve does not use cuDNN."""
from __future__ import annotations

import contextlib

__all__ = ["enabled", "benchmark", "deterministic", "allow_tf32", "is_available", "version", "flags"]

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available() -> bool:
    """False: nerve's GPU path is CuPy, which nerve drives without cuDNN."""
    return False


def version():
    """None, as PyTorch reports without cuDNN."""
    return None


@contextlib.contextmanager
def flags(enabled=False, benchmark=False, benchmark_limit=10, deterministic=False, allow_tf32=True):
    """Set the switches for the block and restore them after (``torch.backends.cudnn.flags``)."""
    g = globals()
    names = ("enabled", "benchmark", "deterministic", "allow_tf32")
    old = {n: g[n] for n in names}
    g.update(enabled=enabled, benchmark=benchmark, deterministic=deterministic, allow_tf32=allow_tf32)
    try:
        yield
    finally:
        g.update(old)
