"""Utilities that are not part of the tensor core: ``nerve.utils.data`` (datasets and loaders)."""
from . import data  # noqa: F401
