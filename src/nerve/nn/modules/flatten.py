"""``Flatten`` and ``Unflatten``: reshape layers for use inside ``Sequential``."""
from __future__ import annotations

from .module import Module

__all__ = ["Flatten", "Unflatten"]


class Flatten(Module):
    """Flatten dims ``start_dim..end_dim`` into one (by default all but the batch dim).

    Args:
        start_dim: first dim to flatten (default 1).
        end_dim: last dim to flatten (default -1).

    Shape:
        input ``(N, *dims)``, output ``(N, prod(dims))`` with the defaults.

    Example:
        >>> nn.Flatten()(nerve.zeros(32, 1, 28, 28)).shape
        (32, 784)
    """

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input):  # noqa: A002 - PyTorch name
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Expand dim ``dim`` into the shape ``unflattened_size`` (the inverse of ``Flatten``).

    Args:
        dim: the dim to expand.
        unflattened_size: its new shape (a tuple or list of ints; one may be -1).

    Shape:
        input ``(*, S, *)`` with ``S = prod(unflattened_size)`` at ``dim``, output
        ``(*, *unflattened_size, *)``.

    Example:
        >>> nn.Unflatten(1, (1, 28, 28))(nerve.zeros(32, 784)).shape
        (32, 1, 28, 28)
    """

    def __init__(self, dim, unflattened_size):
        super().__init__()
        if not isinstance(dim, int):
            raise TypeError(f"invalid argument: dim must be an int, got {type(dim).__name__}")
        if not isinstance(unflattened_size, (tuple, list)) or not all(
                isinstance(s, int) for s in unflattened_size):
            raise TypeError(f"unflattened_size must be a tuple or list of ints, got {unflattened_size!r}")
        self.dim = dim
        self.unflattened_size = unflattened_size

    def forward(self, input):  # noqa: A002 - PyTorch name
        shape = input.shape
        sizes = tuple(self.unflattened_size)
        n = shape[self.dim % len(shape)] if shape else None
        known = 1
        for s in sizes:
            if s != -1:
                known *= s
        if n is None or (known != n if -1 not in sizes else (sizes.count(-1) > 1 or known == 0 or n % known)):
            raise RuntimeError(
                f"Unflatten: dim {self.dim} of the input of shape {tuple(shape)} cannot be unflattened "
                f"into {sizes} (the product of the sizes must equal that dim's size)")
        return input.unflatten(self.dim, sizes)

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
