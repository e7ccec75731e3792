"""Scatter/gather family: scatter, scatter_add, scatter_reduce, index_add/copy, masked_select/scatter, nonzero, searchsorted."""
from __future__ import annotations

__all__: list = []

# Tensor methods this module provides: {"name": function taking the tensor first}
TENSOR_METHODS: dict = {}
