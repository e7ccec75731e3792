"""``keras.backend`` names scripts commonly call."""
from .layers.base import clear_session  # noqa: F401

__all__ = ["clear_session", "floatx", "epsilon"]


def floatx():
    return "float32"


def epsilon():
    return 1e-7
