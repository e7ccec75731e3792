"""Weight penalties added to the loss: ``Dense(64, kernel_regularizer=regularizers.l2(1e-4))``.

Keras semantics: ``l1(w) = l1 * sum(|w|)`` and ``l2(w) = l2 * sum(w ** 2)`` (no 1/2
factor), summed over every regularised weight and added to the training loss
(``model.losses``); the logged ``loss`` includes them.

Example:
    >>> from nerve.keras import regularizers
    >>> regularizers.l2(0.01)(nerve.ones(3, 2)).item()
    0.06
"""
from __future__ import annotations

import math
import numbers

from .. import ops as _ops
from ._registry import deserialize_object, serialize_object

__all__ = ["Regularizer", "L1", "L2", "L1L2", "l1", "l2", "l1_l2", "get", "serialize", "deserialize"]


class Regularizer:
    """Base class: ``__call__(weight) -> scalar Tensor``."""

    def __call__(self, x):  # pragma: no cover - abstract
        return 0.0

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.get_config().items())})"


def validate_float_arg(value, name):
    """A penalty factor: a finite number >= 0 (Keras' check)."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not math.isfinite(value) or value < 0:
        raise ValueError(f"Invalid value for argument {name}: expected a non-negative float. "
                         f"Received: {name}={value!r}")
    return float(value)


class L1(Regularizer):
    """``l1 * sum(|w|)``."""

    def __init__(self, l1=0.01):  # noqa: E741
        self.l1 = validate_float_arg(l1, "l1")

    def __call__(self, x):
        return _ops.abs(x).sum() * self.l1

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """``l2 * sum(w ** 2)``."""

    def __init__(self, l2=0.01):
        self.l2 = validate_float_arg(l2, "l2")

    def __call__(self, x):
        return (x * x).sum() * self.l2

    def get_config(self):
        return {"l2": self.l2}


class L1L2(Regularizer):
    """``l1 * sum(|w|) + l2 * sum(w ** 2)``."""

    def __init__(self, l1=0.0, l2=0.0):  # noqa: E741
        self.l1, self.l2 = validate_float_arg(l1, "l1"), validate_float_arg(l2, "l2")

    def __call__(self, x):
        out = None
        if self.l1:
            out = _ops.abs(x).sum() * self.l1
        if self.l2:
            sq = (x * x).sum() * self.l2
            out = sq if out is None else out + sq
        return out if out is not None else (x * 0.0).sum()

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


l1 = L1
l2 = L2


def l1_l2(l1=0.01, l2=0.01):  # noqa: E741
    """Both penalties (tf.keras' helper, whose defaults are 0.01 each)."""
    return L1L2(l1=l1, l2=l2)


_CLASSES = {"L1": L1, "L2": L2, "L1L2": L1L2, "l1": L1, "l2": L2, "l1_l2": l1_l2}


def get(identifier):
    """Resolve a regularizer: ``None``, a name (``'l2'``: default strength), a config dict or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        fn = _CLASSES.get(identifier)
        if fn is None:
            raise ValueError(f"Unknown regularizer {identifier!r}. Valid names: l1, l2, l1_l2")
        return fn()
    if callable(identifier):
        return identifier
    raise TypeError(f"Could not interpret regularizer identifier: {identifier!r}")


def serialize(regularizer):
    """A JSON-able description: ``{'class_name', 'config'}`` for a Regularizer, a name otherwise."""
    return serialize_object(regularizer, Regularizer)


def deserialize(config, custom_objects=None):
    """Inverse of :func:`serialize` (``custom_objects`` maps names to user classes/functions)."""
    return deserialize_object(config, "regularizer", _CLASSES, get, custom_objects)
