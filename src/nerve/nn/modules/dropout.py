"""``Dropout``: randomly zero activations during training."""
from __future__ import annotations

import numbers

from .. import functional as F
from .module import Module

__all__ = ["Dropout"]


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
