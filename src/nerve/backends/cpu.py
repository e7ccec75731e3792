"""``nerve.backends.cpu``: what the CPU offers the array library."""
from .._backend import np

__all__ = ["get_cpu_capability"]


def get_cpu_capability() -> str:
    """The widest SIMD level NumPy uses here: ``'AVX512'``, ``'AVX2'`` or ``'DEFAULT'`` (PyTorch's names)."""
    core = getattr(np, "_core", None) or getattr(np, "core", None)  # NumPy 2 / NumPy 1
    features = getattr(getattr(core, "_multiarray_umath", None), "__cpu_features__", None) or {}
    if features.get("AVX512F") and features.get("AVX512BW") and features.get("AVX512VL"):
        return "AVX512"
    if features.get("AVX2"):
        return "AVX2"
    return "DEFAULT"
