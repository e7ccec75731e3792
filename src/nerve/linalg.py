"""``nerve.linalg``: norms and matrix functions (PyTorch's ``torch.linalg``)."""
from __future__ import annotations

__all__: list = []
