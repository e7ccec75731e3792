"""Keras utilities: ``to_categorical``, ``get_file``, ``set_random_seed``, ``Progbar``, ``normalize``.

``keras.utils.np_utils.to_categorical`` (the Keras 2 path) works too.
"""
from ..._backend import np
from .file_utils import get_file
from .numerical_utils import normalize, to_categorical

__all__ = ["to_categorical", "set_random_seed", "Progbar", "normalize", "get_file"]


def set_random_seed(seed):
    """Seed nerve's generator and NumPy's global one (``keras.utils.set_random_seed``)."""
    from ... import manual_seed
    import random
    random.seed(seed)
    np.random.seed(seed)
    manual_seed(seed)


def __getattr__(name):
    if name == "Progbar":
        from ..callbacks import Progbar
        return Progbar
    if name in ("np_utils", "file_utils", "numerical_utils"):
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'nerve.keras.utils' has no attribute {name!r}")
