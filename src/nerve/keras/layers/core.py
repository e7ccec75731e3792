"""Core Keras layers: Dense, Activation, Dropout, Flatten, Reshape, Lambda and activation layers."""
from __future__ import annotations

from ... import ops as _ops
from ..._backend import np
from ...nn import functional as F
from ...tensor import Tensor
from .. import _validation as _v
from .. import activations as _activations
from .. import initializers as _initializers
from .. import regularizers as _regularizers
from ..._backend import get_rng
from .base import Layer

__all__ = ["Dense", "Activation", "Dropout", "Flatten", "Reshape", "Lambda", "Identity", "ReLU", "LeakyReLU",
           "ELU", "Softmax"]

_matmul = _ops.matmul


def _single_input_error(layer, inputs):
    if isinstance(inputs, dict):
        got = f"a dict with keys {sorted(inputs)}"
    elif isinstance(inputs, (list, tuple)):
        got = f"a {type(inputs).__name__} of {len(inputs)} inputs"
    else:
        got = type(inputs).__name__
    return ValueError(
        f"Layer {layer.name!r} ({type(layer).__name__}) expects one tensor as input, but received {got}. A "
        "Sequential model takes one array; for several or named inputs build a functional model: "
        "keras.Model(inputs=[...] or {...}, outputs=...)")


def _check_no_constraints(**kw):
    for k, v in kw.items():
        if v is not None:
            raise NotImplementedError(f"{k} is not supported yet (weight constraints)")


class Dense(Layer):
    """Densely connected layer: ``activation(inputs @ kernel + bias)``.

    The kernel has Keras' layout ``(input_dim, units)`` and is created on the first
    call from the input's last dimension (or at once with ``input_dim``/``input_shape``).

    Args:
        units: output size.
        activation: name (``'relu'``, ``'softmax'``, ...), callable or ``None`` (linear).
        use_bias: add a bias vector.
        kernel_initializer, bias_initializer: initializers (default glorot_uniform / zeros).
        kernel_regularizer, bias_regularizer: penalties added to the loss.

    Shapes: ``(batch, ..., input_dim)`` -> ``(batch, ..., units)``.

    Example:
        >>> layer = keras.layers.Dense(64, activation="relu")
        >>> layer(nerve.randn(8, 784)).shape
        (8, 64)
        >>> layer.kernel.shape
        (784, 64)
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, lora_rank=None,
                 **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        _check_no_constraints(kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)
        if lora_rank is not None:
            raise NotImplementedError("lora_rank is not supported yet")
        if not isinstance(units, (int, np.integer)) or isinstance(units, bool) or units <= 0:
            raise ValueError(f"Received an invalid value for `units`, expected a positive integer, got {units!r}")
        self.units = int(units)
        self.activation = _activations.get(activation)
        self._act = None if self.activation is _activations.linear else self.activation
        self.use_bias = bool(use_bias)
        self.kernel_initializer = _initializers.get(kernel_initializer)
        self.bias_initializer = _initializers.get(bias_initializer)
        self.kernel_regularizer = _regularizers.get(kernel_regularizer)
        self.bias_regularizer = _regularizers.get(bias_regularizer)
        self.kernel = None
        self.bias = None

    def build(self, input_shape):
        in_dim = input_shape[-1]
        if in_dim is None:
            raise ValueError(f"Dense {self.name!r}: the last dimension of the inputs must be defined, "
                             f"got input shape {tuple(input_shape)}")
        self.kernel = self.add_weight(name="kernel", shape=(in_dim, self.units), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer)
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.units,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer)
        self.built = True

    def call(self, inputs):
        kernel = self.kernel
        if not isinstance(inputs, Tensor):
            raise _single_input_error(self, inputs)
        shape = inputs._data.shape
        if not shape or shape[-1] != kernel._data.shape[0]:
            raise ValueError(
                f"Input 0 of layer {self.name!r} is incompatible with the layer: expected axis -1 of input "
                f"shape to have value {kernel._data.shape[0]}, but received input with shape {tuple(shape)} "
                f"(the layer was built for inputs of shape {(None,) + tuple(self._build_input_shape[1:])})")
        y = _matmul(inputs, kernel)
        if self.bias is not None:
            y = y + self.bias
        act = self._act
        return y if act is None else act(y)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": _activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": _initializers.serialize(self.kernel_initializer),
                "bias_initializer": _initializers.serialize(self.bias_initializer),
                "kernel_regularizer": _regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": _regularizers.serialize(self.bias_regularizer)}

    def __repr__(self):
        return f"<Dense name={self.name}, units={self.units}, built={self.built}>"


class Activation(Layer):
    """Applies an activation function: ``Activation('relu')``.

    Example:
        >>> keras.layers.Activation("tanh")(nerve.zeros(2, 3)).shape
        (2, 3)
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = _activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "activation": _activations.serialize(self.activation)}


class Dropout(Layer):
    """Randomly zero a fraction ``rate`` of the inputs during training (scaling the rest by 1/(1-rate)).

    Active only in training mode (``fit``, ``model.train()``, or ``training=True``).

    Args:
        rate: fraction of units to drop, in [0, 1).
        noise_shape: shape of the binary mask (``None`` entries take the input's size), to
            drop whole features, e.g. ``(None, 1, features)``.
        seed: a seed for this layer's own generator (default: nerve's default generator).

    Example:
        >>> keras.layers.Dropout(0.5)(nerve.ones(2, 4), training=True)
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not _v._is_number(rate) or not 0 <= rate <= 1:
            raise ValueError(f"Invalid value received for argument `rate`. Expected a float value between 0 and 1. "
                             f"Received: rate={rate!r}")
        self.rate = float(rate)
        self.noise_shape = None if noise_shape is None else _v.standardize_shape(noise_shape, "noise_shape")
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)

    def call(self, inputs, training=None):
        if training is None:
            training = self.training
        if not training or self.rate == 0:
            return inputs
        if self.noise_shape is None and self._rng is None:
            return F.dropout(inputs, self.rate, True)
        d = inputs._data
        shape = d.shape if self.noise_shape is None else tuple(
            d.shape[i] if s is None else s for i, s in enumerate(self.noise_shape))
        rng = self._rng if self._rng is not None else get_rng()
        keep = rng.random(shape, dtype=np.float32) >= self.rate
        scale = keep.astype(d.dtype) * (1.0 / (1.0 - self.rate)) if self.rate < 1 else keep.astype(d.dtype) * 0
        return inputs * Tensor._make(scale)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed}


class Flatten(Layer):
    """Flatten every dimension but the batch: ``(N, 28, 28)`` -> ``(N, 784)``.

    Example:
        >>> keras.layers.Flatten()(nerve.zeros(2, 28, 28)).shape
        (2, 784)
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format

    def call(self, inputs):
        s = inputs._data.shape
        if len(s) == 2:
            return inputs
        if len(s) == 1:
            return inputs.reshape(s[0], 1)
        return inputs.reshape(s[0], -1)

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        if not rest:
            return (input_shape[0], 1)
        n = None if any(d is None for d in rest) else int(np.prod(rest))
        return (input_shape[0], n)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class Reshape(Layer):
    """Reshape each sample to ``target_shape`` (one entry may be -1).

    Example:
        >>> keras.layers.Reshape((7, 112))(nerve.zeros(2, 784)).shape
        (2, 7, 112)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        if isinstance(target_shape, (str, bytes)) or not hasattr(target_shape, "__iter__"):
            _v.standardize_shape(target_shape, "target_shape")      # raises, naming the value
        ts = tuple(target_shape)
        if sum(1 for d in ts if d is not None and d == -1) > 1:
            raise ValueError("There must be at most one unknown dimension (-1) in target_shape. "
                             f"Received: target_shape={ts}.")
        # one -1 entry (inferred size) is allowed, as in Keras; every other entry is a size >= 0
        _v.standardize_shape([d for d in ts if d is None or d != -1], "target_shape", allow_none=False)
        self.target_shape = tuple(int(d) for d in ts)

    def call(self, inputs):
        shape = inputs._data.shape
        per_sample = int(np.prod(shape[1:]))
        known = int(np.prod([d for d in self.target_shape if d != -1]))
        if (per_sample != known) if -1 not in self.target_shape else (known == 0 or per_sample % known):
            raise ValueError(
                f"Reshape layer {self.name!r}: the total size of the tensor must be unchanged: each sample of the "
                f"input has shape {tuple(shape[1:])} ({per_sample} values), which cannot be reshaped to "
                f"target_shape={self.target_shape}")
        return inputs.reshape((shape[0],) + self.target_shape)

    def compute_output_shape(self, input_shape):
        ts = list(self.target_shape)
        if -1 in ts:
            known = int(np.prod([d for d in ts if d != -1]))
            rest = input_shape[1:]
            ts[ts.index(-1)] = None if any(d is None for d in rest) or not known else int(np.prod(rest)) // known
        return (input_shape[0],) + tuple(ts)

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}


class Lambda(Layer):
    """Wrap a function of tensors as a layer: ``Lambda(lambda x: x * 2)``.

    The function is not serialised: ``load_model`` needs it in ``custom_objects``
    under the name stored in the config (``function.__name__``).
    """

    _autocast_inputs = False

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self.function = function
        self.arguments = dict(arguments or {})
        self._lambda_output_shape = output_shape

    def call(self, inputs):
        return self.function(inputs, **self.arguments)

    def get_config(self):
        return {**super().get_config(), "function": getattr(self.function, "__name__", "lambda"),
                "arguments": self.arguments}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        fn = config.pop("function")
        if callable(fn):
            return cls(fn, **config)
        if custom_objects and fn in custom_objects:
            return cls(custom_objects[fn], **config)
        raise ValueError(
            f"Lambda layer {config.get('name')!r} wraps the Python function {fn!r}, which is not stored in "
            f"the file (code is never saved or executed on load): pass custom_objects={{{fn!r}: function}}")


class Identity(Layer):
    """Returns its input unchanged."""

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape


class ReLU(Layer):
    """Rectified linear unit: ``max(x, 0)``, with optional ``max_value``, ``negative_slope`` and ``threshold``.

    Example:
        >>> keras.layers.ReLU(max_value=6.0)
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        for arg, v in (("max_value", max_value), ("negative_slope", negative_slope), ("threshold", threshold)):
            if (v is not None or arg != "max_value") and (not _v._is_number(v) or v < 0):
                raise ValueError(f"{arg} of a ReLU layer cannot be a negative value (it must be a number >= 0). "
                                 f"Received: {arg}={v!r}")
        self.max_value, self.negative_slope, self.threshold = max_value, negative_slope, threshold

    def call(self, inputs):
        return _activations.relu(inputs, self.negative_slope, self.max_value, self.threshold)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value, "negative_slope": self.negative_slope,
                "threshold": self.threshold}


class LeakyReLU(Layer):
    """``x`` for ``x > 0`` else ``negative_slope * x`` (Keras' layer default slope: 0.3)."""

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:  # tf.keras 2 name
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        if not _v._is_number(negative_slope) or negative_slope < 0:
            raise ValueError("The negative_slope value of a Leaky ReLU layer cannot be None or negative value. "
                             f"Expected a float. Received: negative_slope={negative_slope!r}")
        self.negative_slope = float(negative_slope)

    def call(self, inputs):
        return F.leaky_relu(inputs, self.negative_slope)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


class ELU(Layer):
    """Exponential linear unit with ``alpha`` (default 1.0)."""

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = _v.check_float(alpha, "alpha", "ELU")

    def call(self, inputs):
        return F.elu(inputs, self.alpha)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class Softmax(Layer):
    """Softmax along ``axis`` (default the last)."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if not _v._is_int(axis):
            raise ValueError(f"Softmax: `axis` must be an integer. Received: axis={axis!r}")
        self.axis = axis

    def call(self, inputs, mask=None):
        if mask is not None:
            m = mask._data if isinstance(mask, Tensor) else np.asarray(mask)
            inputs = _ops.masked_fill(inputs, Tensor._make(~m.astype(bool)), -1e9)
        nd = inputs._data.ndim
        if not -nd <= self.axis < nd:
            raise ValueError(f"Softmax layer {self.name!r}: axis {self.axis} is out of range for inputs of shape "
                             f"{tuple(inputs._data.shape)} (expected -{nd} to {nd - 1})")
        return _ops.softmax(inputs, self.axis)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
