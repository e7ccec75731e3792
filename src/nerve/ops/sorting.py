"""Sorting, selection and scans: sort, argsort, topk, kthvalue, median, mode, unique, cumulative ops, sampling."""
from __future__ import annotations

__all__: list = []

# Tensor methods this module provides: {"name": function taking the tensor first}
TENSOR_METHODS: dict = {}
