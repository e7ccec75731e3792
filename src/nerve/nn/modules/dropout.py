"""``Dropout`` and the channel-wise ``Dropout1d/2d/3d``: randomly zero activations during training."""
from __future__ import annotations

import numbers

from .. import functional as F
from .module import Module

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d"]


class Dropout(Module):
    """Zero each element with probability ``p`` in training mode, scaling the rest by ``1/(1-p)``.

    In evaluation mode (``model.eval()``) it is the identity, so the expected
    activation is the same in both modes. The mask comes from nerve's default
    generator (``nerve.manual_seed`` makes it reproducible).

    Args:
        p: probability of zeroing an element, in ``[0, 1]`` (default 0.5).
        inplace: overwrite the input when it does not need a gradient.

    Shape:
        any; the output has the input's shape.

    Example:
        >>> drop = nn.Dropout(0.2)
        >>> y = drop(nerve.ones(1000))     # about 200 zeros, the rest 1.25
        >>> drop.eval()(x) is x
        True
    """

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if not isinstance(p, numbers.Real) or isinstance(p, bool) or not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input):  # noqa: A002 - PyTorch name
        if not self.training:
            return input
        return F.dropout(input, self.p, True, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout1d(Dropout):
    """Zero whole channels of a (N, C, L) or (C, L) input with probability ``p`` in training mode,
    scaling the others by ``1/(1-p)``; the identity in eval mode.

    Args:
        p: probability of zeroing a channel, in ``[0, 1]`` (default 0.5).
        inplace: overwrite the input when it does not need a gradient.

    Example:
        >>> y = nn.Dropout1d(0.5)(nerve.ones(4, 8, 10))   # each y[n, c] all 0 or all 2
    """

    def forward(self, input):  # noqa: A002 - PyTorch name
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(Dropout):
    """Zero whole channels of a (N, C, H, W) input with probability ``p`` in training mode,
    scaling the others by ``1/(1-p)``; the identity in eval mode (PyTorch's warnings for
    other ranks: a 3-D input is read as (N, C, L)).

    Args:
        p: probability of zeroing a channel, in ``[0, 1]`` (default 0.5).
        inplace: overwrite the input when it does not need a gradient.

    Example:
        >>> y = nn.Dropout2d(0.25)(nerve.ones(8, 16, 5, 5))   # each y[n, c] all 0 or all 4/3
    """

    def forward(self, input):  # noqa: A002 - PyTorch name
        return F.dropout2d(input, self.p, self.training, self.inplace)


class Dropout3d(Dropout):
    """Zero whole channels of a (N, C, D, H, W) or (C, D, H, W) input with probability ``p``.

    Example:
        >>> y = nn.Dropout3d(0.5)(nerve.ones(2, 4, 3, 3, 3))
    """

    def forward(self, input):  # noqa: A002 - PyTorch name
        return F.dropout3d(input, self.p, self.training, self.inplace)
