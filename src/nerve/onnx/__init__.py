"""``nerve.onnx``: ONNX export (``torch.onnx.export``) is not available yet.

The name exists so that scripts importing it load; calling :func:`export`
raises ``NotImplementedError``. Save weights with ``nerve.save`` (safetensors)
in the meantime.
"""
from __future__ import annotations

__all__ = ["export", "is_in_onnx_export"]


def export(model=None, args=(), f=None, *more, **kwargs):
    """Export ``model`` to ONNX (``torch.onnx.export``): not available yet, raises ``NotImplementedError``."""
    raise NotImplementedError(
        "nerve.onnx.export: ONNX export is not available yet in nerve. Save the weights with "
        "nerve.save(model.state_dict(), 'model.safetensors') (a format ONNX tooling and PyTorch can read).")


def is_in_onnx_export() -> bool:
    """False: nerve never runs inside an ONNX export."""
    return False
