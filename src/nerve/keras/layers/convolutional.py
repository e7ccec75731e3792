"""Keras convolution layers: Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D, SeparableConv2D,
ZeroPadding1D/2D, Cropping2D, UpSampling1D/2D.

Keras layouts, on top of nerve's PyTorch-layout ops (``F.conv2d`` over NCHW):

* data are channels-last by default, ``(N, H, W, C)`` (``data_format='channels_first'``: ``(N, C, H, W)``);
  a channels-last input is permuted to NCHW for the op and the result permuted back;
* kernels are stored as Keras stores them: ``Conv2D`` ``(kh, kw, C_in / groups, filters)``, permuted to
  PyTorch's ``(filters, C_in / groups, kh, kw)`` on each call (a view, the gradient flows back);
* ``padding='same'`` is TensorFlow's rule: output size ``ceil(n / stride)``, the total padding
  ``max((out - 1) * stride + dilation * (k - 1) + 1 - n, 0)`` split ``total // 2`` before and the rest
  after (so a strided 'same' convolution may pad one more at the bottom/right). Symmetric paddings go
  to the op's own ``padding``; asymmetric ones are an explicit ``F.pad`` then a 'valid' op.
"""
from __future__ import annotations

from ...nn import functional as F
from ...tensor import Tensor
from .. import _validation as _v
from .. import activations as _activations
from .. import initializers as _initializers
from .. import regularizers as _regularizers
from .base import Layer, snake_case, unique_name
from .core import _check_no_constraints, _single_input_error

__all__ = ["Conv1D", "Conv2D", "Conv2DTranspose", "DepthwiseConv2D", "SeparableConv2D", "ZeroPadding1D",
           "ZeroPadding2D", "Cropping2D", "UpSampling1D", "UpSampling2D"]


# ----------------------------------------------------------------------------- argument checks
def int_tuple(value, n, arg, owner, minimum=1):
    """An int or a sequence of ``n`` ints, each ``>= minimum``, as a tuple (Keras' ``standardize_tuple``)."""
    if _v._is_int(value):
        vals = (int(value),) * n
    else:
        try:
            vals = tuple(value)
        except TypeError:
            vals = None
        if vals is None or len(vals) != n or not all(_v._is_int(v) for v in vals):
            raise ValueError(f"{owner}: the `{arg}` argument must be an int or a tuple of {n} integers. "
                             f"Received: {arg}={value!r}")
        vals = tuple(int(v) for v in vals)
    if any(v < minimum for v in vals):
        what = "positive" if minimum == 1 else f">= {minimum}"
        raise ValueError(f"{owner}: the `{arg}` argument must be a tuple of {n} {what} integers. "
                         f"Received: {arg}={value!r}")
    return vals


def padding_arg(padding, owner, allowed=("valid", "same")):
    if not isinstance(padding, str) or padding.lower() not in allowed:
        raise ValueError(f"{owner}: the `padding` argument must be one of {', '.join(map(repr, allowed))}. "
                         f"Received: padding={padding!r}")
    return padding.lower()


def data_format_arg(data_format, owner):
    if data_format is None:
        return "channels_last"
    if not isinstance(data_format, str) or data_format.lower() not in ("channels_last", "channels_first"):
        raise ValueError(f"{owner}: the `data_format` argument must be one of 'channels_first', 'channels_last'. "
                         f"Received: data_format={data_format!r}")
    return data_format.lower()


def same_pads(n, k, s, d=1):
    """TensorFlow's 'same' padding of one axis: ``(before, after)`` for size ``n``, kernel ``k``,
    stride ``s``, dilation ``d`` (output ``ceil(n / s)``)."""
    out = -(-n // s)
    total = max((out - 1) * s + d * (k - 1) + 1 - n, 0)
    return total // 2, total - total // 2


def conv_output_length(n, k, padding, s, d=1):
    """Keras' output length of a convolution/pooling axis (``None`` stays ``None``)."""
    if n is None:
        return None
    if padding in ("same", "causal"):
        return -(-n // s)
    dk = d * (k - 1) + 1
    return max((n - dk) // s + 1, 0) if n >= dk else 0


def named(cls, kwargs):
    """``kwargs`` with Keras' automatic name when none is given: ``conv2d``, ``max_pooling2d`` (Keras'
    snake case keeps a digit with the word before it)."""
    if kwargs.get("name") is None:
        kwargs["name"] = unique_name(snake_case(cls.__name__))
    return kwargs


def check_input(layer, inputs, ndim):
    """``inputs`` must be one tensor of rank ``ndim``; ``ValueError`` in Keras' words otherwise."""
    if not isinstance(inputs, Tensor):
        raise _single_input_error(layer, inputs)
    shape = tuple(inputs._data.shape)
    if len(shape) != ndim:
        raise ValueError(f"Input 0 of layer {layer.name!r} ({type(layer).__name__}) is incompatible with the "
                         f"layer: expected ndim={ndim}, found ndim={len(shape)}. Full shape received: {shape}")
    return shape


def check_ndim(layer, input_shape, ndim):
    shape = tuple(input_shape)
    if any(isinstance(d, (tuple, list, dict)) for d in shape) or isinstance(input_shape, dict):
        raise _single_input_error(layer, input_shape)
    if len(shape) != ndim:
        raise ValueError(f"Input 0 of layer {layer.name!r} ({type(layer).__name__}) is incompatible with the "
                         f"layer: expected ndim={ndim}, found ndim={len(shape)}. Full shape received: {shape}")
    return shape


def to_first(x, rank, data_format):
    """channels-last (N, *spatial, C) -> (N, C, *spatial); channels-first unchanged."""
    if data_format == "channels_first":
        return x
    return x.permute(0, rank + 1, *range(1, rank + 1))


def from_first(y, rank, data_format):
    if data_format == "channels_first":
        return y
    return y.permute(0, *range(2, rank + 2), 1)


def spatial_of(shape, rank, data_format):
    return tuple(shape[1:rank + 1]) if data_format == "channels_last" else tuple(shape[2:])


def channels_of(shape, data_format):
    return shape[-1] if data_format == "channels_last" else shape[1]


def with_spatial(shape, spatial, channels, data_format):
    if data_format == "channels_last":
        return (shape[0],) + tuple(spatial) + (channels,)
    return (shape[0], channels) + tuple(spatial)


def pad_first(x, pads, value=0.0):
    """Pad the spatial dims of a channels-first tensor: ``pads`` = ((before, after) per spatial dim)."""
    flat = []
    for before, after in reversed(pads):
        flat += [before, after]
    if not any(flat):
        return x
    return F.pad(x, tuple(flat), value=value)


# ----------------------------------------------------------------------------- convolutions
class BaseConv(Layer):
    """Shared by Conv1D/Conv2D: the arguments, the kernel and the padding rule (``rank`` spatial dims)."""

    rank = 2

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **named(type(self), kwargs))
        _check_no_constraints(kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)
        owner, r = type(self).__name__, self.rank
        # filters=None: DepthwiseConv2D (the output channels follow from the input's)
        self.filters = None if filters is None else _v.check_int(filters, "filters", owner)
        self.kernel_size = int_tuple(kernel_size, r, "kernel_size", owner)
        self.strides = int_tuple(strides, r, "strides", owner)
        self.padding = padding_arg(padding, owner, ("valid", "same", "causal") if r == 1 else ("valid", "same"))
        self.data_format = data_format_arg(data_format, owner)
        self.dilation_rate = int_tuple(dilation_rate, r, "dilation_rate", owner)
        self.groups = _v.check_int(groups, "groups", owner)
        if self.filters is not None and self.filters % self.groups:
            raise ValueError(f"{owner}: the number of filters must be evenly divisible by the number of groups. "
                             f"Received: groups={self.groups}, filters={self.filters}")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"{owner}: `strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                             f"Received: strides={self.strides} and dilation_rate={self.dilation_rate}")
        self.activation = _activations.get(activation)
        self._act = None if self.activation is _activations.linear else self.activation
        self.use_bias = bool(use_bias)
        self.kernel_initializer = _initializers.get(kernel_initializer)
        self.bias_initializer = _initializers.get(bias_initializer)
        self.kernel_regularizer = _regularizers.get(kernel_regularizer)
        self.bias_regularizer = _regularizers.get(bias_regularizer)
        self.kernel = None
        self.bias = None

    # -- building
    def _in_channels(self, input_shape):
        shape = check_ndim(self, input_shape, self.rank + 2)
        c = channels_of(shape, self.data_format)
        if c is None:
            raise ValueError(f"{type(self).__name__} {self.name!r}: the channel dimension of the inputs must be "
                             f"defined, got input shape {shape} (data_format={self.data_format!r})")
        return c

    def build(self, input_shape):
        c = self._in_channels(input_shape)
        if c % self.groups:
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: the number of input channels must be evenly divisible by "
                f"the number of groups. Received groups={self.groups}, but the input has {c} channels "
                f"(full input shape is {tuple(input_shape)})")
        self.kernel = self.add_weight(name="kernel", shape=self.kernel_size + (c // self.groups, self.filters),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer)
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer)
        self.built = True

    # -- calling
    def _check_call(self, inputs, expect_c):
        shape = check_input(self, inputs, self.rank + 2)
        c = channels_of(shape, self.data_format)
        if c != expect_c:
            axis = -1 if self.data_format == "channels_last" else 1
            raise ValueError(
                f"Input 0 of layer {self.name!r} ({type(self).__name__}) is incompatible with the layer: expected "
                f"axis {axis} of input shape to have value {expect_c}, but received input with shape {shape}")
        return shape

    def _paddings(self, spatial, kernel_size, strides, dilation):
        """((before, after) per spatial dim) and whether they are symmetric."""
        if self.padding == "valid":
            return ((0, 0),) * len(spatial)
        if self.padding == "causal":
            return tuple((d * (k - 1), 0) for k, d in zip(kernel_size, dilation))
        return tuple(same_pads(n, k, s, d) for n, k, s, d in zip(spatial, kernel_size, strides, dilation))

    def _check_size(self, shape, spatial, pads, kernel_size, dilation):
        for n, (a, b), k, d in zip(spatial, pads, kernel_size, dilation):
            if n + a + b < d * (k - 1) + 1:
                raise ValueError(
                    f"{type(self).__name__} {self.name!r}: the input is smaller than the kernel: input shape "
                    f"{shape} (spatial size {spatial}) with padding={self.padding!r}, kernel_size={kernel_size} "
                    f"and dilation_rate={dilation} gives an output of size 0")

    def _convolve(self, x, weight, bias, groups, strides, dilation, kernel_size):
        """``x`` channels-first; pads by Keras' rule, then the op."""
        spatial = tuple(x._data.shape[2:])
        pads = self._paddings(spatial, kernel_size, strides, dilation)
        self._check_size(tuple(x._data.shape), spatial, pads, kernel_size, dilation)
        if all(a == b for a, b in pads):
            padding = tuple(a for a, _ in pads)
        else:
            x = pad_first(x, pads)
            padding = 0
        fn = F.conv1d if self.rank == 1 else F.conv2d
        return fn(x, weight, bias, stride=strides, padding=padding, dilation=dilation, groups=groups)

    def _torch_weight(self):
        """The kernel in PyTorch's layout: (filters, C_in / groups, *kernel_size)."""
        r = self.rank
        return self.kernel.permute(r + 1, r, *range(r))

    def call(self, inputs):
        self._check_call(inputs, self.kernel._data.shape[-2] * self.groups)
        x = to_first(inputs, self.rank, self.data_format)
        y = self._convolve(x, self._torch_weight(), self.bias, self.groups, self.strides, self.dilation_rate,
                           self.kernel_size)
        y = from_first(y, self.rank, self.data_format)
        # after the permute back: an axis-wise activation (softmax) sees the user's layout
        return y if self._act is None else self._act(y)

    def _out_channels(self):
        return self.filters

    def compute_output_shape(self, input_shape):
        shape = check_ndim(self, input_shape, self.rank + 2)
        spatial = spatial_of(shape, self.rank, self.data_format)
        out = tuple(conv_output_length(n, k, self.padding, s, d) for n, k, s, d in
                    zip(spatial, self.kernel_size, self.strides, self.dilation_rate))
        return with_spatial(shape, out, self._out_channels(), self.data_format)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": self.dilation_rate, "groups": self.groups,
                "activation": _activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": _initializers.serialize(self.kernel_initializer),
                "bias_initializer": _initializers.serialize(self.bias_initializer),
                "kernel_regularizer": _regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": _regularizers.serialize(self.bias_regularizer)}

    def __repr__(self):
        return (f"<{type(self).__name__} name={self.name}, filters={self.filters}, kernel_size={self.kernel_size}, "
                f"built={self.built}>")


class Conv2D(BaseConv):
    """2-D convolution: ``activation(conv(inputs, kernel) + bias)``.

    Args:
        filters: number of output channels.
        kernel_size: int or (kh, kw).
        strides: int or (sh, sw), default 1.
        padding: ``'valid'`` (none) or ``'same'`` (output ``ceil(n / stride)``, TensorFlow's split:
            ``total // 2`` before, the rest after).
        data_format: ``'channels_last'`` (default, ``(N, H, W, C)``) or ``'channels_first'`` (``(N, C, H, W)``).
        dilation_rate: int or pair (not together with strides > 1).
        groups: split the input channels into ``groups`` independent convolutions.
        activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer:
            as ``Dense``.

    The kernel has Keras' layout ``(kh, kw, C_in / groups, filters)``.

    Example:
        >>> layer = keras.layers.Conv2D(32, 3, padding="same", activation="relu")
        >>> layer(nerve.randn(8, 28, 28, 1)).shape
        (8, 28, 28, 32)
        >>> layer.kernel.shape
        (3, 3, 1, 32)
    """

    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate, groups, activation,
                         use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, bias_constraint, **kwargs)


class Conv1D(BaseConv):
    """1-D convolution over ``(N, steps, C)`` (or ``(N, C, steps)`` with ``channels_first``).

    As ``Conv2D`` with one spatial dim; ``padding`` may also be ``'causal'`` (left padding of
    ``dilation_rate * (kernel_size - 1)``, so output ``t`` sees only inputs ``<= t``).
    The kernel is ``(kernel_size, C_in / groups, filters)``.

    Example:
        >>> keras.layers.Conv1D(16, 5, padding="causal")(nerve.randn(4, 100, 8)).shape
        (4, 100, 16)
    """

    rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate, groups, activation,
                         use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, bias_constraint, **kwargs)


class Conv2DTranspose(BaseConv):
    """Transposed 2-D convolution (the adjoint of ``Conv2D`` in its input; "deconvolution").

    Output size per axis (Keras' rule, dilated kernel ``dk = d (k - 1) + 1``): without
    ``output_padding``, ``'valid'`` gives ``n s + max(dk - s, 0)`` and ``'same'`` gives ``n s``; with it,
    ``(n - 1) s + dk - 2 pad + output_padding`` (``pad`` = 0 or ``dk // 2``). The numbers are
    TensorFlow's: the gradient of a ``Conv2D`` with the same ``padding`` on an input of the output's size.

    The kernel has Keras' layout ``(kh, kw, filters, C_in)``.

    Example:
        >>> keras.layers.Conv2DTranspose(16, 3, strides=2, padding="same")(nerve.randn(1, 7, 7, 8)).shape
        (1, 14, 14, 16)
    """

    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", output_padding=None,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate, 1, activation,
                         use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, bias_constraint, **kwargs)
        owner = type(self).__name__
        self.output_padding = None if output_padding is None else int_tuple(output_padding, 2, "output_padding",
                                                                           owner, minimum=0)
        if self.output_padding is not None:
            for o, st in zip(self.output_padding, self.strides):
                if o >= st:
                    raise ValueError(f"{owner}: each `output_padding` must be smaller than the stride. Received "
                                     f"strides={self.strides}, output_padding={self.output_padding}")

    def build(self, input_shape):
        c = self._in_channels(input_shape)
        self.kernel = self.add_weight(name="kernel", shape=self.kernel_size + (self.filters, c),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer)
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer)
        self.built = True

    def _lengths(self, spatial):
        out = []
        for i, n in enumerate(spatial):
            if n is None:
                out.append(None)
                continue
            k, s, d = self.kernel_size[i], self.strides[i], self.dilation_rate[i]
            dk = d * (k - 1) + 1
            if self.output_padding is None:
                out.append(n * s + max(dk - s, 0) if self.padding == "valid" else n * s)
            else:
                pad = 0 if self.padding == "valid" else dk // 2
                out.append((n - 1) * s + dk - 2 * pad + self.output_padding[i])
        return tuple(out)

    def call(self, inputs):
        shape = self._check_call(inputs, self.kernel._data.shape[-1])
        spatial = spatial_of(shape, 2, self.data_format)
        x = to_first(inputs, 2, self.data_format)
        full = F.conv_transpose2d(x, self.kernel.permute(3, 2, 0, 1), None, stride=self.strides,
                                  dilation=self.dilation_rate)
        outs = self._lengths(spatial)
        if min(outs) < 1:
            raise ValueError(f"Conv2DTranspose {self.name!r}: input shape {shape} gives an output of size {outs}")
        # the adjoint of a padded conv on an input of size `outs`: drop the leading pad, cut/extend to `outs`
        pads = []
        for o, L, k, s, d in zip(outs, full._data.shape[2:], self.kernel_size, self.strides, self.dilation_rate):
            before = same_pads(o, k, s, d)[0] if self.padding == "same" else 0
            pads.append((-before, o + before - L))
        y = pad_first(full, pads)
        y = from_first(y, 2, self.data_format)
        if self.bias is not None:
            y = y + (self.bias if self.data_format == "channels_last" else self.bias.reshape(-1, 1, 1))
        return y if self._act is None else self._act(y)

    def compute_output_shape(self, input_shape):
        shape = check_ndim(self, input_shape, 4)
        return with_spatial(shape, self._lengths(spatial_of(shape, 2, self.data_format)), self.filters,
                            self.data_format)

    def get_config(self):
        cfg = super().get_config()
        cfg.pop("groups")
        cfg["output_padding"] = self.output_padding
        return cfg


class DepthwiseConv2D(BaseConv):
    """Depthwise 2-D convolution: each input channel convolved with its own ``depth_multiplier`` filters.

    Output channels ``C_in * depth_multiplier`` (channel ``c * depth_multiplier + m``), as Keras.
    The kernel is ``(kh, kw, C_in, depth_multiplier)``; other arguments as ``Conv2D``.

    Example:
        >>> keras.layers.DepthwiseConv2D(3, padding="same", depth_multiplier=2)(nerve.randn(1, 8, 8, 4)).shape
        (1, 8, 8, 8)
    """

    rank = 2

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=(1, 1), activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(None, kernel_size, strides, padding, data_format, dilation_rate, 1, activation, use_bias,
                         depthwise_initializer, bias_initializer, depthwise_regularizer, bias_regularizer,
                         activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)
        self.depth_multiplier = _v.check_int(depth_multiplier, "depth_multiplier", type(self).__name__)

    def build(self, input_shape):
        c = self._in_channels(input_shape)
        self.kernel = self.add_weight(name="kernel", shape=self.kernel_size + (c, self.depth_multiplier),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer)
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(c * self.depth_multiplier,),
                                        initializer=self.bias_initializer, regularizer=self.bias_regularizer)
        self.built = True

    def call(self, inputs):
        kh, kw, c, m = self.kernel._data.shape
        self._check_call(inputs, c)
        x = to_first(inputs, 2, self.data_format)
        w = self.kernel.reshape(kh, kw, 1, c * m).permute(3, 2, 0, 1)     # (C*m, 1, kh, kw), channel c*m + j
        y = self._convolve(x, w, self.bias, c, self.strides, self.dilation_rate, self.kernel_size)
        y = from_first(y, 2, self.data_format)
        return y if self._act is None else self._act(y)

    def _out_channels(self):
        return None

    def compute_output_shape(self, input_shape):
        shape = check_ndim(self, input_shape, 4)
        out = list(super().compute_output_shape(shape))
        c = channels_of(shape, self.data_format)
        out[-1 if self.data_format == "channels_last" else 1] = None if c is None else c * self.depth_multiplier
        return tuple(out)

    def get_config(self):
        cfg = super().get_config()
        for k in ("filters", "groups"):
            cfg.pop(k)
        cfg["depth_multiplier"] = self.depth_multiplier
        cfg["depthwise_initializer"] = cfg.pop("kernel_initializer")
        cfg["depthwise_regularizer"] = cfg.pop("kernel_regularizer")
        return cfg


class SeparableConv2D(BaseConv):
    """Depthwise separable 2-D convolution: a ``DepthwiseConv2D`` (no bias) then a 1x1 ``Conv2D``.

    Weights (Keras' names and layouts): ``depthwise_kernel`` ``(kh, kw, C_in, depth_multiplier)``,
    ``pointwise_kernel`` ``(1, 1, C_in * depth_multiplier, filters)``, ``bias`` ``(filters,)``.

    Example:
        >>> keras.layers.SeparableConv2D(16, 3, padding="same")(nerve.randn(1, 8, 8, 4)).shape
        (1, 8, 8, 16)
    """

    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        _check_no_constraints(pointwise_constraint=pointwise_constraint)
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate, 1, activation,
                         use_bias, depthwise_initializer, bias_initializer, depthwise_regularizer, bias_regularizer,
                         activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)
        self.depth_multiplier = _v.check_int(depth_multiplier, "depth_multiplier", type(self).__name__)
        self.pointwise_initializer = _initializers.get(pointwise_initializer)
        self.pointwise_regularizer = _regularizers.get(pointwise_regularizer)
        self.depthwise_kernel = None
        self.pointwise_kernel = None

    def build(self, input_shape):
        c = self._in_channels(input_shape)
        m = self.depth_multiplier
        self.depthwise_kernel = self.add_weight(name="depthwise_kernel", shape=self.kernel_size + (c, m),
                                                initializer=self.kernel_initializer,
                                                regularizer=self.kernel_regularizer)
        self.pointwise_kernel = self.add_weight(name="pointwise_kernel", shape=(1, 1, c * m, self.filters),
                                                initializer=self.pointwise_initializer,
                                                regularizer=self.pointwise_regularizer)
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer)
        self.built = True

    def call(self, inputs):
        kh, kw, c, m = self.depthwise_kernel._data.shape
        self._check_call(inputs, c)
        x = to_first(inputs, 2, self.data_format)
        dw = self.depthwise_kernel.reshape(kh, kw, 1, c * m).permute(3, 2, 0, 1)
        y = self._convolve(x, dw, None, c, self.strides, self.dilation_rate, self.kernel_size)
        y = F.conv2d(y, self.pointwise_kernel.permute(3, 2, 0, 1), self.bias)
        y = from_first(y, 2, self.data_format)
        return y if self._act is None else self._act(y)

    def get_config(self):
        cfg = super().get_config()
        cfg.pop("groups")
        cfg["depth_multiplier"] = self.depth_multiplier
        cfg["depthwise_initializer"] = cfg.pop("kernel_initializer")
        cfg["depthwise_regularizer"] = cfg.pop("kernel_regularizer")
        cfg["pointwise_initializer"] = _initializers.serialize(self.pointwise_initializer)
        cfg["pointwise_regularizer"] = _regularizers.serialize(self.pointwise_regularizer)
        return cfg


# ----------------------------------------------------------------------------- padding, cropping, upsampling
def _pairs(value, n, arg, owner, minimum=0):
    """Keras' padding/cropping argument: int, ``n`` ints (symmetric) or ``n`` (before, after) pairs."""
    if _v._is_int(value):
        value = (value,) * n
    try:
        items = tuple(value)
    except TypeError:
        items = ()
    if len(items) == 2 and n == 1 and all(_v._is_int(v) for v in items):
        items = (items,)
    if len(items) != n:
        raise ValueError(f"{owner}: `{arg}` should be an int, a tuple of {n} ints or a tuple of {n} tuples of 2 "
                         f"ints. Received: {arg}={value!r}")
    out = []
    for it in items:
        pair = (it, it) if _v._is_int(it) else tuple(it) if hasattr(it, "__iter__") else ()
        if len(pair) != 2 or not all(_v._is_int(v) and v >= minimum for v in pair):
            raise ValueError(f"{owner}: `{arg}` entries must be integers >= {minimum} or pairs of them. "
                             f"Received: {arg}={value!r}")
        out.append((int(pair[0]), int(pair[1])))
    return tuple(out)


def _pad_spatial(x, pairs, rank, data_format):
    """F.pad on the spatial dims of x in either layout (negative entries crop)."""
    flat = []
    if data_format == "channels_last":
        flat += [0, 0]
    for before, after in reversed(pairs):
        flat += [before, after]
    return F.pad(x, tuple(flat))


class ZeroPadding2D(Layer):
    """Pad rows and columns with zeros: ``padding`` int, ``(ph, pw)`` or ``((top, bottom), (left, right))``.

    Example:
        >>> keras.layers.ZeroPadding2D(((1, 0), (2, 2)))(nerve.zeros(1, 4, 4, 3)).shape
        (1, 5, 8, 3)
    """

    rank = 2

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**named(type(self), kwargs))
        owner = type(self).__name__
        self.padding = _pairs(padding, self.rank, "padding", owner)
        self.data_format = data_format_arg(data_format, owner)

    def call(self, inputs):
        check_input(self, inputs, self.rank + 2)
        return _pad_spatial(inputs, self.padding, self.rank, self.data_format)

    def compute_output_shape(self, input_shape):
        shape = check_ndim(self, input_shape, self.rank + 2)
        spatial = spatial_of(shape, self.rank, self.data_format)
        out = tuple(None if n is None else n + a + b for n, (a, b) in zip(spatial, self.padding))
        return with_spatial(shape, out, channels_of(shape, self.data_format), self.data_format)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}


class ZeroPadding1D(ZeroPadding2D):
    """Pad the steps of ``(N, steps, C)`` with zeros: ``padding`` int or ``(left, right)`` (default 1)."""

    rank = 1

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding[0]}


class Cropping2D(Layer):
    """Remove rows and columns at the borders: ``cropping`` int, ``(ch, cw)`` or ``((top, bottom), (left, right))``.

    Example:
        >>> keras.layers.Cropping2D(((2, 2), (4, 4)))(nerve.zeros(1, 28, 28, 3)).shape
        (1, 24, 20, 3)
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**named(type(self), kwargs))
        owner = type(self).__name__
        self.cropping = _pairs(cropping, 2, "cropping", owner)
        self.data_format = data_format_arg(data_format, owner)

    def call(self, inputs):
        shape = check_input(self, inputs, 4)
        spatial = spatial_of(shape, 2, self.data_format)
        if any(a + b >= n for n, (a, b) in zip(spatial, self.cropping)):
            raise ValueError(f"Cropping2D {self.name!r}: cropping={self.cropping} removes every row or column of "
                             f"an input of shape {shape}")
        return _pad_spatial(inputs, tuple((-a, -b) for a, b in self.cropping), 2, self.data_format)

    def compute_output_shape(self, input_shape):
        shape = check_ndim(self, input_shape, 4)
        spatial = spatial_of(shape, 2, self.data_format)
        out = tuple(None if n is None else n - a - b for n, (a, b) in zip(spatial, self.cropping))
        return with_spatial(shape, out, channels_of(shape, self.data_format), self.data_format)

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping, "data_format": self.data_format}


class UpSampling2D(Layer):
    """Repeat rows and columns ``size`` times (``'nearest'``) or interpolate (``'bilinear'``,
    half-pixel centres, as TensorFlow's ``resize``).

    Example:
        >>> keras.layers.UpSampling2D(2)(nerve.zeros(1, 7, 7, 8)).shape
        (1, 14, 14, 8)
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**named(type(self), kwargs))
        owner = type(self).__name__
        self.size = int_tuple(size, 2, "size", owner)
        self.data_format = data_format_arg(data_format, owner)
        if interpolation not in ("nearest", "bilinear"):
            raise ValueError(f"{owner}: `interpolation` must be 'nearest' or 'bilinear' (others are not supported "
                             f"yet). Received: interpolation={interpolation!r}")
        self.interpolation = interpolation

    def call(self, inputs):
        check_input(self, inputs, 4)
        x = to_first(inputs, 2, self.data_format)
        h, w = x._data.shape[2:]
        y = F.interpolate(x, size=(h * self.size[0], w * self.size[1]), mode=self.interpolation,
                          **({} if self.interpolation == "nearest" else {"align_corners": False}))
        return from_first(y, 2, self.data_format)

    def compute_output_shape(self, input_shape):
        shape = check_ndim(self, input_shape, 4)
        spatial = spatial_of(shape, 2, self.data_format)
        out = tuple(None if n is None else n * f for n, f in zip(spatial, self.size))
        return with_spatial(shape, out, channels_of(shape, self.data_format), self.data_format)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format,
                "interpolation": self.interpolation}


class UpSampling1D(Layer):
    """Repeat each step ``size`` times: ``(N, steps, C)`` -> ``(N, steps * size, C)``."""

    def __init__(self, size=2, **kwargs):
        super().__init__(**named(type(self), kwargs))
        self.size = _v.check_int(size, "size", type(self).__name__)

    def call(self, inputs):
        shape = check_input(self, inputs, 3)
        n, steps, c = shape
        y = inputs.unsqueeze(2).expand(n, steps, self.size, c)
        return y.reshape(n, steps * self.size, c)

    def compute_output_shape(self, input_shape):
        shape = check_ndim(self, input_shape, 3)
        return (shape[0], None if shape[1] is None else shape[1] * self.size, shape[2])

    def get_config(self):
        return {**super().get_config(), "size": self.size}
