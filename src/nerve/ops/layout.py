"""Layout ops: roll, tril/triu, diag family, unfold, repeat_interleave, meshgrid, tile, narrow."""
from __future__ import annotations

__all__: list = []

# Tensor methods this module provides: {"name": function taking the tensor first}
TENSOR_METHODS: dict = {}
