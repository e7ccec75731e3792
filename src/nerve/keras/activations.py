"""Activation functions by Keras name: ``Dense(64, activation="relu")`` or ``activations.get("gelu")``.

Every function takes and returns a ``nerve.Tensor`` and is differentiable.
Defaults follow Keras 3 (``leaky_relu`` slope 0.2, exact ``gelu``).

Example:
    >>> from nerve.keras import activations
    >>> activations.get("relu")(nerve.tensor([-1.0, 2.0]))
    tensor([0., 2.])
"""
from __future__ import annotations



from .. import ops as _ops
from ..nn import functional as F
from ..tensor import Tensor

__all__ = [
    "relu", "relu6", "leaky_relu", "elu", "selu", "gelu", "sigmoid", "hard_sigmoid", "tanh", "softmax",
    "log_softmax", "silu", "swish", "hard_silu", "hard_swish", "mish", "softplus", "softsign",
    "exponential", "linear", "get", "serialize", "deserialize",
]


def _t(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """``max(x, 0)``; with ``negative_slope`` (below ``threshold``), ``max_value`` caps the output."""
    x = _t(x)
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return _ops.relu(x)
    d = x._data
    if threshold != 0.0:
        below = d < threshold
        y = _ops.where(Tensor._make(below), (x - threshold) * negative_slope, x) if negative_slope \
            else x * Tensor._make((~below).astype(d.dtype))
    else:
        y = F.leaky_relu(x, negative_slope) if negative_slope else _ops.relu(x)
    if max_value is not None:
        y = _ops.clamp(y, None, float(max_value))
    return y


def relu6(x):
    """``min(max(x, 0), 6)``."""
    return _ops.clamp(_t(x), 0.0, 6.0)


def leaky_relu(x, negative_slope=0.2):
    """``x`` for ``x > 0`` else ``negative_slope * x`` (Keras 3 default slope 0.2)."""
    return F.leaky_relu(_t(x), negative_slope)


def elu(x, alpha=1.0):
    """``x`` for ``x > 0`` else ``alpha * (exp(x) - 1)``."""
    return F.elu(_t(x), alpha)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(x):
    """Scaled ELU: ``scale * elu(x, alpha)`` with the self-normalising constants."""
    return F.elu(_t(x), _SELU_ALPHA) * _SELU_SCALE


def gelu(x, approximate=False):
    """Gaussian error linear unit, exact (``erf``) or with the tanh approximation."""
    return F.gelu(_t(x), "tanh" if approximate else "none")


def sigmoid(x):
    """``1 / (1 + exp(-x))``."""
    return _ops.sigmoid(_t(x))


def hard_sigmoid(x):
    """``relu6(x + 3) / 6`` (Keras 3's definition)."""
    return _ops.clamp(_t(x) + 3.0, 0.0, 6.0) * (1.0 / 6.0)


def tanh(x):
    """Hyperbolic tangent."""
    return _ops.tanh(_t(x))


def softmax(x, axis=-1):
    """``exp(x) / sum(exp(x))`` along ``axis`` (the last by default)."""
    return _ops.softmax(_t(x), axis)


def log_softmax(x, axis=-1):
    """``log(softmax(x))`` along ``axis``, computed stably."""
    return _ops.log_softmax(_t(x), axis)


def silu(x):
    """``x * sigmoid(x)`` (also called swish)."""
    return F.silu(_t(x))


swish = silu


def hard_silu(x):
    """``x * hard_sigmoid(x)``."""
    x = _t(x)
    return x * hard_sigmoid(x)


hard_swish = hard_silu


def softplus(x):
    """``log(1 + exp(x))``."""
    return F.softplus(_t(x))


def mish(x):
    """``x * tanh(softplus(x))``."""
    x = _t(x)
    return x * _ops.tanh(F.softplus(x))


def softsign(x):
    """``x / (1 + |x|)``."""
    x = _t(x)
    return x / (_ops.abs(x) + 1.0)


def exponential(x):
    """``exp(x)``."""
    return _ops.exp(_t(x))


def linear(x):
    """The identity (``activation=None`` means the same)."""
    return x


_BY_NAME = {
    "relu": relu, "relu6": relu6, "leaky_relu": leaky_relu, "elu": elu, "selu": selu, "gelu": gelu,
    "sigmoid": sigmoid, "hard_sigmoid": hard_sigmoid, "tanh": tanh, "softmax": softmax,
    "log_softmax": log_softmax, "silu": silu, "swish": swish, "hard_silu": hard_silu,
    "hard_swish": hard_swish, "mish": mish, "softplus": softplus, "softsign": softsign,
    "exponential": exponential, "linear": linear,
}
_NAME_OF = {}
for _k, _v in _BY_NAME.items():
    _NAME_OF.setdefault(_v, _k)
del _k, _v


def get(identifier):
    """Resolve an activation: a name (``'relu'``), ``None`` (linear) or a callable (kept as is).

    Raises:
        ValueError: for an unknown name, listing the valid ones.
    """
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        fn = _BY_NAME.get(identifier) or _BY_NAME.get(identifier.lower())
        if fn is None:
            raise ValueError(
                f"Unknown activation {identifier!r}. Valid names: {', '.join(sorted(_BY_NAME))} "
                "(or pass a callable)")
        return fn
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise TypeError(f"Could not interpret activation function identifier: {identifier!r}")


def serialize(activation):
    """The name of a built-in activation (``'relu'``); the callable's ``__name__`` otherwise."""
    if activation is None:
        return "linear"
    name = _NAME_OF.get(activation)
    if name is not None:
        return name
    # Activation layers and other Layer objects serialise through their config
    if hasattr(activation, "get_config") and hasattr(type(activation), "from_config"):
        return {"class_name": type(activation).__name__, "config": activation.get_config()}
    return getattr(activation, "__name__", repr(activation))


def deserialize(config, custom_objects=None):
    """Inverse of :func:`serialize` (``custom_objects`` maps names to user functions)."""
    if isinstance(config, dict):
        from .models.saving import deserialize_keras_object
        return deserialize_keras_object(config, custom_objects)
    if custom_objects and config in custom_objects:
        return custom_objects[config]
    return get(config)


def _is_softmax(fn):
    return fn is softmax


def _is_sigmoid(fn):
    return fn is sigmoid



