"""``Parameter``: a tensor that a ``Module`` registers as one of its weights."""
from __future__ import annotations

from .. import _backend as B
from ..tensor import Tensor, _to_array

__all__ = ["Parameter"]


class Parameter(Tensor):
    """A leaf tensor that is a module's parameter (``requires_grad=True`` by default).

    Assigning a ``Parameter`` as a module attribute registers it, so it appears in
    ``module.parameters()`` and ``state_dict()``. Built from a ``Tensor`` it shares
    that tensor's array (no copy); built from an array-like it converts like
    ``nerve.tensor``. Results of operations on a parameter are plain ``Tensor``s.

    Args:
        data: a ``Tensor``, NumPy array or nested lists; ``None`` gives an empty tensor.
        requires_grad: whether the parameter receives a gradient (default ``True``).

    Example:
        >>> w = nn.Parameter(nerve.zeros(3, 2))
        >>> w.requires_grad, w.shape
        (True, (3, 2))
    """

    __slots__ = ()

    def __init__(self, data=None, requires_grad=True):
        if data is None:
            arr = B.np.empty((0,), dtype=B.get_default_dtype())
        elif isinstance(data, Tensor):
            arr = data._data
        else:
            arr = _to_array(data)
        self._data = arr
        self._grad = None
        self._ctx = None
        self._meta = None            # set, so the engine's per-leaf hook lookup is a plain read
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, protocol):
        # Parameters pickle and deep-copy as parameters (``.grad`` is not kept, as in PyTorch).
        return (_rebuild_parameter, (self._data, self.requires_grad))

    def __deepcopy__(self, memo):
        out = memo.get(id(self))
        if out is None:
            out = type(self)._make(self._data.copy(), self.requires_grad)
            memo[id(self)] = out
        return out


def _rebuild_parameter(data, requires_grad):
    return Parameter._make(data, requires_grad)
