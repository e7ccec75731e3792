"""``PixelShuffle`` and ``PixelUnshuffle``: trade channels for spatial resolution and back."""
from __future__ import annotations

from .. import functional as F
from .module import Module

__all__ = ["PixelShuffle", "PixelUnshuffle"]


class PixelShuffle(Module):
    """Rearrange (*, C*r*r, H, W) into (*, C, H*r, W*r) (sub-pixel convolution's upsampling step).

    Args:
        upscale_factor: r.

    Shape:
        input (*, C*r*r, H, W); output (*, C, H*r, W*r).

    Example:
        >>> nn.PixelShuffle(3)(nerve.randn(1, 9, 4, 4)).shape
        (1, 1, 12, 12)
    """

    def __init__(self, upscale_factor):
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input):  # noqa: A002 - PyTorch name
        return F.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self):
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """Rearrange (*, C, H*r, W*r) into (*, C*r*r, H, W), the inverse of ``PixelShuffle``.

    Args:
        downscale_factor: r.

    Shape:
        input (*, C, H*r, W*r); output (*, C*r*r, H, W).

    Example:
        >>> nn.PixelUnshuffle(3)(nerve.randn(1, 1, 12, 12)).shape
        (1, 9, 4, 4)
    """

    def __init__(self, downscale_factor):
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input):  # noqa: A002 - PyTorch name
        return F.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self):
        return f"downscale_factor={self.downscale_factor}"
