"""``Variable``: PyTorch's pre-0.4 tensor wrapper, kept for old scripts.

Since PyTorch 0.4 a ``Variable`` *is* a Tensor: ``Variable(t, requires_grad=True)``
returns a tensor sharing ``t``'s storage, cut from the graph, with the flag set;
``isinstance(x, Variable)`` is true for every tensor.
"""
from __future__ import annotations

import warnings

__all__ = ["Variable"]


class _VariableMeta(type):
    def __instancecheck__(cls, obj):
        from ..tensor import Tensor  # noqa: PLC0415
        return isinstance(obj, Tensor)

    def __call__(cls, data, requires_grad=False, volatile=False):
        from ..tensor import Tensor  # noqa: PLC0415
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with nerve.no_grad():` instead.",
                          UserWarning, stacklevel=2)
        return data.detach().requires_grad_(bool(requires_grad))


class Variable(metaclass=_VariableMeta):
    """``Variable(tensor, requires_grad=False)`` -> a Tensor (legacy ``torch.autograd.Variable``).

    Example:
        >>> from nerve.autograd import Variable
        >>> x = Variable(nerve.ones(2), requires_grad=True)
        >>> isinstance(x, nerve.Tensor), x.requires_grad
        (True, True)
    """
