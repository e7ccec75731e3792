"""The Keras 2 path ``keras.utils.np_utils``: ``from keras.utils.np_utils import to_categorical``."""
from .numerical_utils import normalize, to_categorical  # noqa: F401

__all__ = ["to_categorical", "normalize"]
