"""Pointwise math: trigonometric, hyperbolic, log/exp variants, rounding, bitwise, division modes, comparisons of closeness."""
from __future__ import annotations

__all__: list = []

# Tensor methods this module provides: {"name": function taking the tensor first}
TENSOR_METHODS: dict = {}
