"""Checks of layer constructor arguments, so a mistake is named where it is made.

``nn.Linear(-3, 2)`` would otherwise fail inside NumPy ("negative dimensions are
not allowed") and ``nn.Linear(2.5, 2)`` with "'float' object cannot be
interpreted as an integer"; here the message names the layer, the argument and
the value. New layers call these for every size, count and probability they take.
"""
from __future__ import annotations

import numbers

__all__ = ["size_arg", "shape_arg", "prob_arg"]


def size_arg(layer: str, name: str, value, minimum: int = 0) -> int:
    """``value`` as an int >= ``minimum``; TypeError / ValueError naming ``layer`` and ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{layer}: {name} must be an integer, got {type(value).__name__} {value!r:.60}")
    value = int(value)
    if value < minimum:
        what = "non-negative" if minimum == 0 else f">= {minimum}"
        raise ValueError(f"{layer}: {name} must be {what}, got {value}")
    return value


def shape_arg(layer: str, name: str, value, minimum: int = 0) -> tuple:
    """An int or a sequence of ints (each >= ``minimum``) as a tuple."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return (size_arg(layer, name, value, minimum),)
    try:
        items = list(value)
    except TypeError:
        raise TypeError(f"{layer}: {name} must be an integer or a sequence of integers, got "
                        f"{type(value).__name__} {value!r:.60}") from None
    return tuple(size_arg(layer, f"{name}[{i}]", v, minimum) for i, v in enumerate(items))


def prob_arg(layer: str, name: str, value) -> float:
    """A probability in [0, 1] as a float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{layer}: {name} must be a number in [0, 1], got {type(value).__name__} "
                        f"{value!r:.60}")
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{layer}: {name} has to be between 0 and 1, but got {value}")
    return value
