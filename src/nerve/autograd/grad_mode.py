"""Whether operations record the graph: ``no_grad``, ``enable_grad``, ``set_grad_enabled``."""
from __future__ import annotations

import functools

# A one-element list is the cheapest mutable global to read in the op hot path.
_enabled = [True]


def is_grad_enabled() -> bool:
    """True when new operations record how to differentiate them."""
    return _enabled[0]


class _GradMode:
    mode = True

    def __enter__(self):
        self.prev = _enabled[0]
        _enabled[0] = self.mode
        return self

    def __exit__(self, *exc):
        _enabled[0] = self.prev
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return func(*args, **kwargs)
        return wrapper


class no_grad(_GradMode):
    """Context manager and decorator that stops graph recording.

    Example:
        >>> with nerve.no_grad():
        ...     y = model(x)          # y.requires_grad is False
    """
    mode = False


class enable_grad(_GradMode):
    """Context manager and decorator that turns graph recording back on."""
    mode = True


class set_grad_enabled(_GradMode):
    """``with set_grad_enabled(False): ...`` or call it to set the mode."""

    def __init__(self, mode: bool):
        self.mode = bool(mode)
        self.prev = _enabled[0]
        _enabled[0] = self.mode

    def __enter__(self):
        return self

    def __call__(self, func):  # pragma: no cover - rarely used as decorator
        mode = self.mode

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return func(*args, **kwargs)
        _enabled[0] = self.prev
        return wrapper


class inference_mode(no_grad):
    """Alias of ``no_grad`` (PyTorch name)."""
