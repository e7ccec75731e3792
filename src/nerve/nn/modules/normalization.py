"""Layer and group normalisation: ``LayerNorm``, ``GroupNorm``."""
from __future__ import annotations

from ... import _backend as B
from ._args import shape_arg, size_arg
from ...ops.norm import group_norm, layer_norm
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["LayerNorm", "GroupNorm"]



def affine_parameters(module, shape, affine, bias, xp, dtype):
    """The ``weight`` (and ``bias``) of a normalisation layer, uninitialised (its
    ``reset_parameters`` fills them), or registered as ``None`` without ``affine``."""
    if affine:
        module.weight = Parameter._make(xp.empty(shape, dtype=dtype), True)
        if bias:
            module.bias = Parameter._make(xp.empty(shape, dtype=dtype), True)
            return
    else:
        module.register_parameter("weight", None)
    module.register_parameter("bias", None)

class LayerNorm(Module):
    """Normalise each sample over its trailing ``normalized_shape`` dims.

    ``y = (x - mean) / sqrt(var + eps) * weight + bias`` with the mean and
    (biased) variance over the last ``len(normalized_shape)`` dims of each
    sample. Unlike batch norm it behaves the same in training and eval mode.

    Args:
        normalized_shape: int or tuple: the trailing shape to normalise over, e.g. ``512``
            or ``(C, H, W)``.
        eps: added to the variance for numerical stability (default 1e-5).
        elementwise_affine: learn ``weight`` (init 1) and ``bias`` (init 0) of shape
            ``normalized_shape``.
        bias: learn the bias as well (only with ``elementwise_affine``).
        device, dtype: where and in what float type the parameters live.

    Shape:
        input ``(*, *normalized_shape)``; output the same.

    Example:
        >>> ln = nn.LayerNorm(256)
        >>> ln(nerve.randn(8, 20, 256)).shape
        (8, 20, 256)
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None,
                 dtype=None):
        super().__init__()
        self.normalized_shape = shape_arg(type(self).__name__, "normalized_shape", normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        xp = B.array_module(device)
        dtype = B.to_dtype(dtype) or B.get_default_dtype()
        affine_parameters(self, self.normalized_shape, elementwise_affine, bias, xp, dtype)
        self.reset_parameters()

    def reset_parameters(self):
        """``weight`` to ones, ``bias`` to zeros."""
        if self.elementwise_affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input):  # noqa: A002 - PyTorch name
        return layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")


class GroupNorm(Module):
    """Split the channels into ``num_groups`` groups and normalise each group of each sample.

    ``y = (x - mean) / sqrt(var + eps) * weight + bias``, the mean and (biased)
    variance taken over the group's channels and all spatial positions of one
    sample; ``weight`` and ``bias`` are per channel. The same in training and eval
    mode (no running statistics). ``num_groups=1`` normalises each sample as a
    whole; ``num_groups=num_channels`` is instance norm.

    Args:
        num_groups: G, the number of groups; must divide ``num_channels``.
        num_channels: C, the number of channels expected in dim 1 of the input.
        eps: added to the variance for numerical stability (default 1e-5).
        affine: learn ``weight`` (init 1) and ``bias`` (init 0) of shape (C,).
        bias: with ``affine``, learn the bias too.
        device, dtype: where and in what float type the parameters live.

    Shape:
        input (N, C, *); output the same.

    Example:
        >>> gn = nn.GroupNorm(4, 32)
        >>> gn(nerve.randn(8, 32, 14, 14)).shape
        (8, 32, 14, 14)
    """

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, bias=True, device=None, dtype=None):
        super().__init__()
        name = type(self).__name__
        num_groups = size_arg(name, "num_groups", num_groups, 1)
        num_channels = size_arg(name, "num_channels", num_channels)
        if num_channels % num_groups != 0:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        self.num_groups, self.num_channels = num_groups, num_channels
        self.eps = eps
        self.affine = affine
        xp = B.array_module(device)
        dtype = B.to_dtype(dtype) or B.get_default_dtype()
        affine_parameters(self, (num_channels,), affine, bias, xp, dtype)
        self.reset_parameters()

    def reset_parameters(self):
        """``weight`` to ones, ``bias`` to zeros."""
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input):  # noqa: A002 - PyTorch name
        shape = tuple(getattr(input, "shape", ()))
        if len(shape) >= 2 and shape[1] != self.num_channels:
            raise RuntimeError(
                f"GroupNorm: expected {self.num_channels} channels (num_channels) in dim 1 of the input, "
                f"got {shape[1]} (input shape {shape})")
        return group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")
