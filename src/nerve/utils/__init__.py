"""Utilities that are not part of the tensor core: ``nerve.utils.data`` (datasets and loaders),
``nerve.utils.hooks`` (``RemovableHandle``)."""
from . import data, hooks  # noqa: F401
