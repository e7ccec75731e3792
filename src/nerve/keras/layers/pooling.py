"""Keras pooling layers: MaxPooling1D/2D, AveragePooling1D/2D, GlobalMaxPooling1D/2D, GlobalAveragePooling1D/2D.

Channels-last by default (``(N, H, W, C)``), as the convolution layers. ``padding='same'`` is
TensorFlow's rule (output ``ceil(n / stride)``, ``total // 2`` padded before and the rest after):
max pooling pads with ``-inf``; average pooling divides each window by the number of real
(non-padding) elements in it, as Keras does. 1-D layers are 2-D ones of height 1.
"""
from __future__ import annotations

from ..._backend import np
from ...nn import functional as F
from ...tensor import Tensor
from .base import Layer
from .convolutional import (
    check_input, check_ndim, conv_output_length, data_format_arg, from_first, int_tuple, named, pad_first,
    padding_arg, same_pads, spatial_of, to_first, with_spatial,
)

__all__ = ["MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D", "GlobalMaxPooling1D",
           "GlobalMaxPooling2D", "GlobalAveragePooling1D", "GlobalAveragePooling2D", "MaxPool1D", "MaxPool2D",
           "AvgPool1D", "AvgPool2D", "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalAvgPool1D", "GlobalAvgPool2D"]


def _window_counts(n, k, s, before):
    """Per output position of one axis: how many of the window's ``k`` elements are inside ``[0, n)``."""
    out = -(-n // s)
    start = np.arange(out) * s - before
    return np.minimum(start + k, n) - np.maximum(start, 0)


class BasePooling(Layer):
    """Shared by the max/average pooling layers over ``rank`` spatial dims."""

    rank = 2
    mode = "max"

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**named(type(self), kwargs))
        owner, r = type(self).__name__, self.rank
        self.pool_size = int_tuple(pool_size, r, "pool_size", owner)
        self.strides = self.pool_size if strides is None else int_tuple(strides, r, "strides", owner)
        self.padding = padding_arg(padding, owner)
        self.data_format = data_format_arg(data_format, owner)

    def call(self, inputs):
        shape = check_input(self, inputs, self.rank + 2)
        spatial = spatial_of(shape, self.rank, self.data_format)
        x = to_first(inputs, self.rank, self.data_format)
        k, s = self.pool_size, self.strides
        if self.padding == "same":
            pads = tuple(same_pads(n, kk, ss) for n, kk, ss in zip(spatial, k, s))
        else:
            pads = ((0, 0),) * self.rank
            if any(n < kk for n, kk in zip(spatial, k)):
                raise ValueError(
                    f"{type(self).__name__} {self.name!r}: the input is smaller than the pool window: input shape "
                    f"{shape} (spatial size {spatial}), pool_size={k} with padding='valid' gives an output of "
                    "size 0; use padding='same' or a smaller pool_size")
        if self.rank == 1:     # (N, C, L) -> (N, C, 1, L)
            x = x.unsqueeze(2)
            k, s, pads2 = (1,) + k, (1,) + s, ((0, 0),) + pads
        else:
            pads2 = pads
        y = self._pool(x, k, s, pads2, spatial if self.rank == 2 else (1,) + spatial)
        if self.rank == 1:
            y = y.squeeze(2)
        return from_first(y, self.rank, self.data_format)

    def _pool(self, x, k, s, pads, spatial):
        if self.mode == "max":
            x = pad_first(x, pads, value=float("-inf"))
            return F.max_pool2d(x, k, s)
        padded = any(a or b for a, b in pads)
        y = F.avg_pool2d(pad_first(x, pads), k, s)
        if not padded:
            return y
        # Keras' 'same' average: the window's sum over its real elements only
        counts = _window_counts(spatial[0], k[0], s[0], pads[0][0])[:, None] * \
            _window_counts(spatial[1], k[1], s[1], pads[1][0])[None, :]
        scale = (k[0] * k[1] / counts).astype(x._data.dtype)
        return y * Tensor._make(scale)

    def compute_output_shape(self, input_shape):
        shape = check_ndim(self, input_shape, self.rank + 2)
        spatial = spatial_of(shape, self.rank, self.data_format)
        out = tuple(conv_output_length(n, k, self.padding, s) for n, k, s in zip(spatial, self.pool_size,
                                                                                  self.strides))
        c = shape[-1] if self.data_format == "channels_last" else shape[1]
        return with_spatial(shape, out, c, self.data_format)

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "strides": self.strides,
                "padding": self.padding, "data_format": self.data_format}


class MaxPooling2D(BasePooling):
    """Max over ``pool_size`` windows, moved by ``strides`` (default ``pool_size``).

    Args:
        pool_size: int or (ph, pw), default (2, 2).
        strides: int, pair or ``None`` (= ``pool_size``).
        padding: ``'valid'`` or ``'same'`` (TensorFlow's rule; padding never wins the max).
        data_format: ``'channels_last'`` (default) or ``'channels_first'``.

    The gradient of each window goes to its first maximum, as PyTorch's.

    Example:
        >>> keras.layers.MaxPooling2D()(nerve.randn(8, 28, 28, 32)).shape
        (8, 14, 14, 32)
    """

    rank, mode = 2, "max"

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling2D(BasePooling):
    """Mean over ``pool_size`` windows; with ``padding='same'`` each window is averaged over its
    real elements only (Keras' rule). Arguments as ``MaxPooling2D``.

    Example:
        >>> keras.layers.AveragePooling2D(3, strides=2, padding="same")(nerve.randn(1, 7, 7, 4)).shape
        (1, 4, 4, 4)
    """

    rank, mode = 2, "avg"

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class MaxPooling1D(BasePooling):
    """1-D max pooling over ``(N, steps, C)``; ``pool_size`` default 2. As ``MaxPooling2D``."""

    rank, mode = 1, "max"

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling1D(BasePooling):
    """1-D average pooling over ``(N, steps, C)``; ``pool_size`` default 2. As ``AveragePooling2D``."""

    rank, mode = 1, "avg"

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class BaseGlobalPooling(Layer):
    """Shared by the global pooling layers: reduce every spatial dim (``keepdims`` keeps them as 1)."""

    rank = 2
    mode = "max"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**named(type(self), kwargs))
        self.data_format = data_format_arg(data_format, type(self).__name__)
        self.keepdims = bool(keepdims)

    def _axes(self):
        return tuple(range(1, self.rank + 1)) if self.data_format == "channels_last" else \
            tuple(range(2, self.rank + 2))

    def call(self, inputs):
        check_input(self, inputs, self.rank + 2)
        axes = self._axes()
        if self.mode == "max":
            return inputs.amax(dim=axes, keepdim=self.keepdims)
        return inputs.mean(dim=axes, keepdim=self.keepdims)

    def compute_output_shape(self, input_shape):
        shape = check_ndim(self, input_shape, self.rank + 2)
        axes = self._axes()
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(shape))
        return tuple(d for i, d in enumerate(shape) if i not in axes)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


class GlobalAveragePooling2D(BaseGlobalPooling):
    """Mean over H and W: ``(N, H, W, C)`` -> ``(N, C)`` (``(N, 1, 1, C)`` with ``keepdims=True``).

    Example:
        >>> keras.layers.GlobalAveragePooling2D()(nerve.randn(2, 7, 7, 64)).shape
        (2, 64)
    """

    rank, mode = 2, "avg"


class GlobalMaxPooling2D(BaseGlobalPooling):
    """Max over H and W: ``(N, H, W, C)`` -> ``(N, C)`` (``(N, 1, 1, C)`` with ``keepdims=True``)."""

    rank, mode = 2, "max"


class GlobalAveragePooling1D(BaseGlobalPooling):
    """Mean over the steps: ``(N, steps, C)`` -> ``(N, C)``."""

    rank, mode = 1, "avg"

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        check_input(self, inputs, 3)
        m = mask._data if isinstance(mask, Tensor) else np.asarray(mask)
        axis = 1 if self.data_format == "channels_last" else 2
        w = m.astype(inputs._data.dtype)
        w = w[:, :, None] if axis == 1 else w[:, None, :]
        wt = Tensor._make(w)
        total = (inputs * wt).sum(dim=axis, keepdim=self.keepdims)
        return total / Tensor._make(np.maximum(w.sum(axis=axis, keepdims=self.keepdims), 1).astype(w.dtype))


class GlobalMaxPooling1D(BaseGlobalPooling):
    """Max over the steps: ``(N, steps, C)`` -> ``(N, C)``."""

    rank, mode = 1, "max"


# Keras' aliases
MaxPool1D, MaxPool2D = MaxPooling1D, MaxPooling2D
AvgPool1D, AvgPool2D = AveragePooling1D, AveragePooling2D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
