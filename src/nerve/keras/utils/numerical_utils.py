"""``keras.utils.to_categorical`` and ``normalize`` (Keras' ``numerical_utils``)."""
from ..._backend import np

__all__ = ["to_categorical", "normalize"]


def to_categorical(x, num_classes=None):
    """One-hot encode integer class labels (``keras.utils.to_categorical``).

    Example:
        >>> to_categorical([0, 2, 1], num_classes=3)
        array([[1., 0., 0.], [0., 0., 1.], [0., 1., 0.]], dtype=float32)
    """
    y = np.asarray(getattr(x, "_data", x))
    if y.dtype.kind == "f":
        if not np.all(y == np.round(y)):
            raise ValueError("to_categorical: labels must be whole numbers (class indices)")
        y = y.astype(np.int64)
    if y.dtype.kind not in "iu":
        hint = (" (strings: `classes, y = np.unique(y, return_inverse=True)` gives integer class indices first)"
                if y.dtype.kind in "USO" else "")
        raise ValueError(f"to_categorical: labels must be integers, got dtype {y.dtype}{hint}")
    shape = y.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    y = y.reshape(-1)
    if num_classes is None and not y.size:
        raise ValueError("to_categorical: cannot infer the number of classes from an empty array; "
                         "pass num_classes=...")
    if num_classes is not None and (not isinstance(num_classes, (int, np.integer)) or isinstance(num_classes, bool)
                                    or num_classes < 1):
        raise ValueError(f"to_categorical: num_classes must be a positive integer, got {num_classes!r}")
    n = int(y.max()) + 1 if num_classes is None else int(num_classes)
    if y.size and (y.min() < 0 or y.max() >= n):
        raise ValueError(f"to_categorical: labels must be in [0, {n - 1}] for num_classes={n}, "
                         f"got min {y.min()} and max {y.max()}")
    out = np.zeros((y.size, n), dtype=np.float32)
    out[np.arange(y.size), y] = 1.0
    return out.reshape(shape + (n,))


def normalize(x, axis=-1, order=2):
    """Scale ``x`` to unit ``order``-norm along ``axis`` (``keras.utils.normalize``)."""
    x = np.asarray(x)
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis)
