"""``nerve.backends.cuda``: CUDA math switches, kept for scripts (nerve's GPU path is CuPy)."""
from __future__ import annotations

__all__ = ["is_built", "matmul"]


class _MatmulFlags:
    """``torch.backends.cuda.matmul``: settable switches without effect in nerve."""

    def __init__(self):
        self.allow_tf32 = False
        self.allow_fp16_reduced_precision_reduction = True
        self.allow_bf16_reduced_precision_reduction = True

    def __repr__(self):
        return (f"matmul(allow_tf32={self.allow_tf32}, allow_fp16_reduced_precision_reduction="
                f"{self.allow_fp16_reduced_precision_reduction})")


matmul = _MatmulFlags()


def is_built() -> bool:
    """True when CuPy is installed, nerve's way to run on CUDA."""
    try:
        import cupy  # noqa: F401,PLC0415
    except ImportError:
        return False
    return True
