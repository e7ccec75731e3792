"""Convolution layers: ``Conv1d``, ``Conv2d``, ``ConvTranspose1d``, ``ConvTranspose2d``, ``Unfold``, ``Fold``.

Constructor signatures, parameter names and shapes, initialisation and ``repr`` are PyTorch's
(``torch/nn/modules/conv.py``, ``fold.py``); the arithmetic is in ``nerve.ops.conv``.
"""
from __future__ import annotations

import math
import numbers

from ... import _backend as B
from ...ops import conv as _conv
from ...ops.shape import pad as _pad
from .. import init
from ..parameter import Parameter
from ._args import shape_arg, size_arg
from .module import Module

__all__ = ["Conv1d", "Conv2d", "ConvTranspose1d", "ConvTranspose2d", "Unfold", "Fold"]

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _ntuple(layer, name, value, nd, minimum):
    t = shape_arg(layer, name, value, minimum)
    if len(t) == 1:
        t = t * nd
    if len(t) != nd:
        raise ValueError(f"{layer}: {name} must be an integer or a sequence of {nd} integers, got {value!r:.60}")
    return t


class _ConvNd(Module):
    """What the convolution layers share (PyTorch's ``_ConvNd``)."""
    _nd = 2
    transposed = False

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, transposed,
                 output_padding, groups, bias, padding_mode, device=None, dtype=None):
        super().__init__()
        layer, nd = type(self).__name__, self._nd
        self.in_channels = in_channels = size_arg(layer, "in_channels", in_channels)
        self.out_channels = out_channels = size_arg(layer, "out_channels", out_channels)
        groups = size_arg(layer, "groups", groups)
        if groups <= 0:
            raise ValueError(f"{layer}: groups must be a positive integer (got groups={groups})")
        if in_channels % groups != 0:
            raise ValueError(f"{layer}: in_channels must be divisible by groups (in_channels={in_channels}, "
                             f"groups={groups})")
        if out_channels % groups != 0:
            raise ValueError(f"{layer}: out_channels must be divisible by groups (out_channels={out_channels}, "
                             f"groups={groups})")
        self.kernel_size = _ntuple(layer, "kernel_size", kernel_size, nd, 1)
        self.stride = _ntuple(layer, "stride", stride, nd, 1)
        self.dilation = _ntuple(layer, "dilation", dilation, nd, 1)
        self.output_padding = _ntuple(layer, "output_padding", output_padding, nd, 0)
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"{layer}: Invalid padding string {padding!r}, should be one of {{'same', 'valid'}}")
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError(f"{layer}: padding='same' is not supported for strided convolutions "
                                 f"(stride={self.stride})")
        else:
            padding = _ntuple(layer, "padding", padding, nd, 0)
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"{layer}: padding_mode must be one of {{'zeros', 'reflect', 'replicate', 'circular'}}, "
                             f"but got padding_mode={padding_mode!r}")
        self.padding, self.padding_mode = padding, padding_mode
        self.transposed, self.groups = transposed, groups
        if padding == "valid":
            self._reversed_padding_repeated_twice = [0, 0] * nd
        elif padding == "same":
            rp = [0, 0] * nd
            for d, k, i in zip(self.dilation, self.kernel_size, range(nd - 1, -1, -1)):
                total = d * (k - 1)
                rp[2 * i], rp[2 * i + 1] = total // 2, total - total // 2
            self._reversed_padding_repeated_twice = rp
        else:
            self._reversed_padding_repeated_twice = [p for p in reversed(padding) for _ in range(2)]
        xp = B.array_module(device)
        dtype = B.to_dtype(dtype) or B.get_default_dtype()
        wshape = ((in_channels, out_channels // groups) if transposed else (out_channels, in_channels // groups))
        self.weight = Parameter._make(xp.empty(wshape + self.kernel_size, dtype=dtype), True)
        if bias:
            self.bias = Parameter._make(xp.empty((out_channels,), dtype=dtype), True)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """PyTorch's default: weight from kaiming_uniform_(a=sqrt(5)), bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self):
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * len(self.padding):
            s += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class _Conv(_ConvNd):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, False, 0, groups, bias,
                         padding_mode, device, dtype)

    def forward(self, input):  # noqa: A002 - PyTorch name
        nd, name = self._nd, type(self).__name__
        if self.padding_mode != "zeros":
            input = _pad(input, self._reversed_padding_repeated_twice, self.padding_mode)
            return _conv._convnd(name, nd, input, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)
        return _conv._convnd(name, nd, input, self.weight, self.bias, self.stride, self.padding, self.dilation,
                             self.groups)


class Conv2d(_Conv):
    """2-D convolution layer over (N, C_in, H, W) (or unbatched (C_in, H, W)).

    Args:
        in_channels, out_channels: channel counts (each divisible by ``groups``).
        kernel_size, stride, dilation: int or (h, w). padding: int, (h, w), ``'valid'`` or ``'same'``.
        groups: independent channel groups (``groups=in_channels``: depthwise).
        bias: learn an additive bias. padding_mode: ``'zeros'``, ``'reflect'``, ``'replicate'``, ``'circular'``.

    Attributes:
        weight: (out_channels, in_channels/groups, kH, kW); bias: (out_channels,).

    Example:
        >>> conv = nn.Conv2d(1, 32, 3, padding=1)
        >>> conv(nerve.randn(64, 1, 28, 28)).shape
        (64, 32, 28, 28)
    """
    _nd = 2


class Conv1d(_Conv):
    """1-D convolution layer over (N, C_in, L) (or (C_in, L)); weight (out_channels, in_channels/groups, k).

    Example:
        >>> nn.Conv1d(4, 8, 3, padding="same")(nerve.randn(2, 4, 10)).shape
        (2, 8, 10)
    """
    _nd = 1


class _ConvTranspose(_ConvNd):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        if isinstance(padding, str):
            raise TypeError(f"{type(self).__name__}: padding must be an integer or a tuple of integers, "
                            f"not {padding!r} (transposed convolutions take no 'same'/'valid')")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, True, output_padding,
                         groups, bias, padding_mode, device, dtype)

    def _output_padding(self, input, output_size):  # noqa: A002
        if output_size is None:
            return self.output_padding
        nd, name = self._nd, type(self).__name__
        lead = 2 if input.dim() == nd + 2 else 1
        output_size = tuple(int(s) for s in output_size)
        if len(output_size) == lead + nd:
            output_size = output_size[lead:]
        if len(output_size) != nd:
            raise ValueError(f"{name}: ConvTranspose{nd}D: for {input.dim()}D input, output_size must have {nd} or "
                             f"{lead + nd} elements (got {len(output_size)})")
        shape = tuple(input.shape)
        mins = [(shape[d + lead] - 1) * self.stride[d] - 2 * self.padding[d]
                + self.dilation[d] * (self.kernel_size[d] - 1) + 1 for d in range(nd)]
        maxs = [mins[d] + self.stride[d] - 1 for d in range(nd)]
        for d in range(nd):
            if not mins[d] <= output_size[d] <= maxs[d]:
                raise ValueError(f"{name}: requested an output size of {list(output_size)}, but valid sizes range "
                                 f"from {mins} to {maxs} (for an input of {list(shape[lead:])})")
        return tuple(output_size[d] - mins[d] for d in range(nd))

    def forward(self, input, output_size=None):  # noqa: A002
        op = self._output_padding(input, output_size)
        return _conv._conv_transposend(type(self).__name__, self._nd, input, self.weight, self.bias, self.stride,
                                       self.padding, op, self.groups, self.dilation)


class ConvTranspose2d(_ConvTranspose):
    """2-D transposed convolution layer (the gradient of Conv2d in its input).

    Output size: H_out = (H - 1) stride - 2 padding + dilation (kH - 1) + output_padding + 1
    (or pass ``output_size`` to ``forward``).

    Attributes:
        weight: (in_channels, out_channels/groups, kH, kW); bias: (out_channels,).

    Example:
        >>> up = nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1)
        >>> up(nerve.randn(1, 16, 7, 7)).shape
        (1, 8, 14, 14)
    """
    _nd = 2


class ConvTranspose1d(_ConvTranspose):
    """1-D transposed convolution layer over (N, C_in, L); weight (in_channels, out_channels/groups, k)."""
    _nd = 1


def _fold_arg(layer, name, value, minimum):
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return size_arg(layer, name, value, minimum)
    t = shape_arg(layer, name, value, minimum)
    if len(t) != 2:
        raise ValueError(f"{layer}: {name} must be an integer or a pair of integers, got {value!r:.60}")
    return t


class Unfold(Module):
    """Extract sliding blocks: (N, C, H, W) -> (N, C * prod(kernel_size), L). See ``F.unfold``.

    Example:
        >>> nn.Unfold(kernel_size=(2, 3))(nerve.randn(2, 5, 3, 4)).shape
        (2, 30, 4)
    """

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size = _fold_arg("Unfold", "kernel_size", kernel_size, 1)
        self.dilation = _fold_arg("Unfold", "dilation", dilation, 1)
        self.padding = _fold_arg("Unfold", "padding", padding, 0)
        self.stride = _fold_arg("Unfold", "stride", stride, 1)

    def forward(self, input):  # noqa: A002
        return _conv.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}, "
                f"stride={self.stride}")


class Fold(Module):
    """Combine sliding blocks into an image (overlaps summed): (N, C * prod(kernel_size), L) ->
    (N, C, *output_size). See ``F.fold``.

    Example:
        >>> nn.Fold(output_size=(4, 5), kernel_size=(2, 2))(nerve.randn(1, 12, 12)).shape
        (1, 3, 4, 5)
    """

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.output_size = _fold_arg("Fold", "output_size", output_size, 1)
        self.kernel_size = _fold_arg("Fold", "kernel_size", kernel_size, 1)
        self.dilation = _fold_arg("Fold", "dilation", dilation, 1)
        self.padding = _fold_arg("Fold", "padding", padding, 0)
        self.stride = _fold_arg("Fold", "stride", stride, 1)

    def forward(self, input):  # noqa: A002
        return _conv.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")
