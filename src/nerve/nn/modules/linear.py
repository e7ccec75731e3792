"""``Linear`` (a fully connected layer) and ``Identity``."""
from __future__ import annotations

import math

from ... import _backend as B
from ._args import size_arg
from ...ops.linalg import linear as _linear
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["Identity", "Linear"]


class Identity(Module):
    """Returns its input unchanged; any constructor arguments are ignored.

    Handy as a placeholder (e.g. to remove a layer: ``model.fc = nn.Identity()``).

    Example:
        >>> nn.Identity()(x) is x
        True
    """

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):  # noqa: A002 - PyTorch name
        return input


class Linear(Module):
    """Fully connected layer: ``y = x @ weight.T + bias``.

    Args:
        in_features: size of each input sample (last dim).
        out_features: size of each output sample.
        bias: learn an additive bias (default ``True``).
        device: where the parameters live (default CPU).
        dtype: parameter dtype (default ``nerve.get_default_dtype()``, float32).

    Shape:
        input ``(*, in_features)``, output ``(*, out_features)``.

    Attributes:
        weight: ``(out_features, in_features)``, initialised from U(-k, k), k = 1/sqrt(in_features)
            (PyTorch's ``kaiming_uniform_(a=sqrt(5))``).
        bias: ``(out_features,)``, from U(-k, k); ``None`` if ``bias=False``.

    Example:
        >>> fc = nn.Linear(784, 128)
        >>> fc(nerve.randn(64, 784)).shape
        (64, 128)
    """

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features = size_arg("Linear", "in_features", in_features)
        self.out_features = out_features = size_arg("Linear", "out_features", out_features)
        in_features = self.in_features
        xp = B.array_module(device)
        dtype = B.to_dtype(dtype) or B.get_default_dtype()
        self.weight = Parameter._make(xp.empty((out_features, in_features), dtype=dtype), True)
        if bias:
            self.bias = Parameter._make(xp.empty((out_features,), dtype=dtype), True)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Re-draw ``weight`` and ``bias`` with PyTorch's default initialisation."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):  # noqa: A002 - PyTorch name
        return _linear(input, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
