"""Argument and data checks of the Keras API, with messages that name the user's argument.

One place for the rules Keras applies (``standardize_shape``: integer or ``None``
dimensions, none negative) and for the checks ``fit``/``evaluate``/``predict`` run
before the first batch, so a mistake is reported as the argument the user wrote
(``sample_weight``, ``validation_data``, ``epochs``), not as a NumPy error from
inside a loss.

Example:
    >>> standardize_shape((None, 3))
    (None, 3)
    >>> standardize_shape((-1, 3))
    Traceback (most recent call last):
    ValueError: Cannot convert '(-1, 3)' to a shape: negative dimensions are not allowed ...
"""
from __future__ import annotations

import numbers

from .._backend import np
from ..tensor import Tensor

__all__ = [
    "standardize_shape", "check_int", "check_float", "check_dtype", "numeric_array", "check_data",
    "check_python_data",
    "check_sample_weight", "check_fit_arguments", "check_steps", "check_verbose", "check_validation_data",
    "check_class_weight", "labels_error",
]


def _is_int(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def _is_number(v):
    return isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))


# ----------------------------------------------------------------------------- shapes and scalars
def standardize_shape(shape, arg="shape", allow_none=True):
    """A shape as a tuple of ints (``None`` for unknown dims), by Keras' rules.

    A shape must be a tuple or list (``shape=5`` is refused: write ``(5,)``), each entry an
    integer or ``None``; negative entries are refused, 0 is allowed (as in Keras).

    Raises:
        ValueError: naming the argument, the value and the offending entry.
    """
    if shape is None:
        raise ValueError(f"Undefined shapes are not supported: `{arg}` is None")
    if isinstance(shape, (str, bytes)) or not hasattr(shape, "__iter__"):
        hint = f"; for one dimension write {arg}=({shape},)" if _is_int(shape) else ""
        raise ValueError(f"Cannot convert '{shape}' to a shape: `{arg}` must be a tuple of integers "
                         f"(the size of each dimension){hint}")
    shape = tuple(shape)
    for i, d in enumerate(shape):
        if d is None:
            if not allow_none:
                raise ValueError(f"Cannot convert '{shape}' to a shape: `{arg}` entry {i} is None, but every "
                                 "dimension must be known here")
            continue
        if not _is_int(d):
            raise ValueError(f"Cannot convert '{shape}' to a shape: `{arg}` entry {i} is {d!r} of type "
                             f"{type(d).__name__}; every dimension must be an integer (or None for an unknown size)")
        if d < 0:
            raise ValueError(f"Cannot convert '{shape}' to a shape: negative dimensions are not allowed "
                             f"(`{arg}` entry {i} is {d})")
    return tuple(None if d is None else int(d) for d in shape)


def check_int(value, arg, owner, minimum=1, allow_none=False):
    """``value`` as an int ``>= minimum``; ``ValueError`` naming ``owner`` and ``arg`` otherwise."""
    if value is None and allow_none:
        return None
    if not _is_int(value) or value < minimum:
        what = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(f"{owner}: received an invalid value for `{arg}`, expected {what}. "
                         f"Received: {arg}={value!r}")
    return int(value)


def check_float(value, arg, owner, low=None, high=None, low_open=False, high_open=False, allow_none=False):
    """``value`` as a float in the given range; ``ValueError`` naming ``owner`` and ``arg`` otherwise."""
    if value is None and allow_none:
        return None
    ok = _is_number(value) and not np.isnan(value)
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    if not ok:
        lo = "" if low is None else f"{'>' if low_open else '>='} {low}"
        hi = "" if high is None else f"{'<' if high_open else '<='} {high}"
        rng = " and ".join(p for p in (lo, hi) if p)
        raise ValueError(f"{owner}: received an invalid value for `{arg}`, expected a number"
                         f"{' ' + rng if rng else ''}. Received: {arg}={value!r}")
    return float(value)


def check_dtype(dtype, owner="dtype"):
    """``str(np.dtype(dtype))`` with Keras' message for a name NumPy does not know."""
    try:
        return str(np.dtype(dtype))
    except TypeError:
        raise ValueError(f"{owner}: invalid dtype: {dtype!r} (use a name such as 'float32', 'int64' or "
                         "'bool')") from None


# ----------------------------------------------------------------------------- data
def _leaves(s, prefix):
    if s is None:
        return []
    if isinstance(s, dict):
        return [leaf for k, v in s.items() for leaf in _leaves(v, f"{prefix}[{k!r}]")]
    if isinstance(s, (list, tuple)):
        return [leaf for i, v in enumerate(s) for leaf in _leaves(v, f"{prefix}[{i}]")]
    return [(prefix, s)]


def _examples(arr):
    flat = arr.reshape(-1)[:200]
    seen = []
    for v in flat.tolist():
        if v not in seen:
            seen.append(v)
        if len(seen) == 2:
            break
    return ", ".join(repr(v) for v in seen)


def labels_error(what, arr):
    """The ``ValueError`` for labels that are strings (or other non-numbers)."""
    return ValueError(
        f"{what} holds strings (dtype {arr.dtype}, e.g. {_examples(arr)}), but labels must be numbers: "
        "integer class indices 0..num_classes-1 (sparse_categorical_crossentropy), one-hot vectors "
        "(categorical_crossentropy) or 0/1 (binary_crossentropy). Encode them first: "
        "`classes, y = np.unique(y, return_inverse=True)` gives class indices (classes[i] is the name of "
        "class i), and keras.utils.to_categorical(y) turns those into one-hot vectors")


def numeric_array(arr, what, labels=False):
    """``arr`` unchanged when numeric (or bool); object arrays of numbers are converted.

    Raises:
        ValueError: for strings or other non-numbers, naming ``what`` (labels get the
            how-to-encode advice of :func:`labels_error`).
    """
    kind = arr.dtype.kind
    if kind in "biufc":
        return arr
    if kind == "O":
        try:
            conv = np.array(arr.tolist())
        except Exception:  # noqa: BLE001 - ragged: reported below
            conv = None
        if conv is not None and conv.dtype.kind in "biuf" and conv.shape == arr.shape:
            return conv.astype(np.float32) if conv.dtype == np.float64 else conv
        if not any(isinstance(v, (str, bytes)) for v in arr.reshape(-1)[:1000].tolist()):
            raise ValueError(f"{what} has dtype object and could not be converted to a numeric array "
                             "(ragged rows or non-numbers?)")
    if labels:
        raise labels_error(what, arr)
    if kind in "USO":
        raise ValueError(f"{what} holds strings (dtype {arr.dtype}, e.g. {_examples(arr)}), but a model's "
                         "inputs must be numbers: encode them first (for categories, "
                         "`np.unique(x, return_inverse=True)` gives integer codes)")
    raise ValueError(f"{what} has dtype {arr.dtype}, which is not numeric")


def check_data(x, y=None, sample_weight=None, prefix=""):
    """Refuse string/object data in the nests ``x``, ``y``, ``sample_weight`` (NumPy arrays).

    Returns the three nests with object arrays of numbers converted; ``prefix`` starts
    every message (``'validation_data: '``).
    """
    def fix(s, name, labels):
        if s is None:
            return None
        if isinstance(s, dict):
            return {k: fix(v, f"{name}[{k!r}]", labels) for k, v in s.items()}
        if isinstance(s, (list, tuple)):
            return type(s)(fix(v, f"{name}[{i}]", labels) for i, v in enumerate(s))
        if isinstance(s, np.ndarray) and s.dtype.kind not in "biufc":
            try:
                return numeric_array(s, name, labels)
            except ValueError as e:
                raise ValueError(prefix + str(e)) from None
        return s
    return fix(x, "x", False), fix(y, "y", True), fix(sample_weight, "sample_weight", False)


def _python_scalars_only(s):
    if isinstance(s, (list, tuple)):
        return all(_python_scalars_only(v) for v in s)
    return isinstance(s, (numbers.Number, str, bytes, np.generic))


def check_python_data(x, what):
    """``x`` that is neither arrays nor an iterable of batches: nested Python lists NumPy cannot convert."""
    if isinstance(x, (str, bytes)):
        raise ValueError(f"{what}: x is a string ({x[:40]!r}); expected an array of numbers, a Tensor, "
                         "a list/dict of them, or a DataLoader/iterable of batches")
    if isinstance(x, (list, tuple)) and x and _python_scalars_only(x):
        lengths = sorted({len(v) for v in x if isinstance(v, (list, tuple))})
        why = f"rows of different lengths {lengths}" if len(lengths) > 1 else "non-numeric entries"
        raise ValueError(f"{what}: x is a Python {type(x).__name__} that cannot be converted to a numeric array "
                         f"({why}); pass a NumPy array with one row per sample (pad or truncate ragged rows)")


def _first_dim(s):
    for _, leaf in _leaves(s, ""):
        shape = leaf._data.shape if isinstance(leaf, Tensor) else np.shape(leaf)
        if shape:
            return int(shape[0])
    return None


def check_sample_weight(sample_weight, x, y=None, what=""):
    """``sample_weight`` must hold one weight per sample: first dimension = the samples of x/y."""
    if sample_weight is None:
        return
    if isinstance(sample_weight, (dict, list, tuple)):
        raise ValueError(f"{what}`sample_weight` must be one array of per-sample weights, shape (num_samples,); "
                         f"got a {type(sample_weight).__name__}")
    shape = tuple(sample_weight._data.shape if isinstance(sample_weight, Tensor) else np.shape(sample_weight))
    n = _first_dim(x)
    if n is None:
        n = _first_dim(y)
    if n is None:
        return
    ny = _first_dim(y)
    src = "x and y have" if ny is not None else "x has"
    if not shape or shape[0] != n:
        raise ValueError(
            f"{what}`sample_weight` has shape {shape}, but {src} {n} samples: sample_weight needs one weight "
            f"per sample, an array of shape ({n},)")
    if len(shape) > 1 and any(d != 1 for d in shape[1:]):
        ys = None
        for _, leaf in _leaves(y, ""):
            ys = tuple(leaf._data.shape if isinstance(leaf, Tensor) else np.shape(leaf))
            break
        if ys is None or len(shape) > len(ys) or tuple(ys[:len(shape)]) != shape:
            raise ValueError(
                f"{what}`sample_weight` has shape {shape}, but there is one loss value per sample: pass one "
                f"weight per sample, an array of shape ({n},)"
                + (f" (y has shape {ys})" if ys is not None else ""))


# ----------------------------------------------------------------------------- arguments
def check_verbose(verbose, method):
    if verbose == "auto":
        return 1
    if not _is_int(verbose) or verbose < 0:
        raise ValueError(f"{method}(): `verbose` must be 'auto', 0 (silent), 1 (progress bar) or 2 (one line "
                         f"per epoch). Received: verbose={verbose!r}")
    return int(verbose)


def check_steps(value, arg, method):
    return check_int(value, arg, f"{method}()", minimum=1, allow_none=True)


def check_class_weight(class_weight):
    if class_weight is None:
        return
    if not hasattr(class_weight, "items"):
        raise ValueError(
            "Expected `class_weight` to be a dict with keys from 0 to one less than the number of classes "
            f"(e.g. {{0: 1.0, 1: 5.0}}), found {class_weight!r} of type {type(class_weight).__name__}")
    for k, v in class_weight.items():
        if not _is_int(k) and not (isinstance(k, (float, np.floating)) and float(k).is_integer()):
            raise ValueError(f"`class_weight` keys must be integer class indices, found key {k!r}")
        if not _is_number(v):
            raise ValueError(f"`class_weight` values must be numbers, found {v!r} for class {k!r}")


def check_fit_arguments(epochs, initial_epoch, batch_size, validation_split, shuffle, steps_per_epoch,
                        validation_steps, validation_batch_size, validation_freq):
    """The scalar arguments of ``fit``, with Keras' meaning, checked before any batch runs."""
    check_int(epochs, "epochs", "fit()", minimum=0)
    check_int(initial_epoch, "initial_epoch", "fit()", minimum=0)
    check_int(batch_size, "batch_size", "fit()", minimum=1, allow_none=True)
    check_int(validation_batch_size, "validation_batch_size", "fit()", minimum=1, allow_none=True)
    check_steps(steps_per_epoch, "steps_per_epoch", "fit")
    check_steps(validation_steps, "validation_steps", "fit")
    if validation_split is None or not _is_number(validation_split) or not 0 <= validation_split < 1:
        raise ValueError("fit(): `validation_split` must be a float in [0, 1), the fraction of the samples held "
                         f"out for validation (e.g. 0.2). Received: validation_split={validation_split!r}")
    if not (shuffle is True or shuffle is False or shuffle == "batch" or isinstance(shuffle, np.bool_)):
        raise ValueError(f"fit(): `shuffle` must be True, False or 'batch'. Received: shuffle={shuffle!r}")
    if _is_int(validation_freq):
        if validation_freq < 1:
            raise ValueError("fit(): `validation_freq` must be a positive integer (validate every N epochs) or a "
                             f"list of epoch numbers. Received: validation_freq={validation_freq!r}")
    elif not (hasattr(validation_freq, "__iter__") and not isinstance(validation_freq, (str, bytes))
              and all(_is_int(e) and e >= 1 for e in validation_freq)):
        raise ValueError("fit(): `validation_freq` must be a positive integer or a list of epoch numbers "
                         f"(counted from 1). Received: validation_freq={validation_freq!r}")


def _arraylike(a):
    return isinstance(a, (np.ndarray, Tensor)) or (hasattr(a, "shape") and hasattr(a, "dtype"))


def check_validation_data(validation_data):
    """``validation_data`` must be ``(x, y)``, ``(x, y, sample_weight)`` or an iterable of batches."""
    v = validation_data
    if _arraylike(v):
        raise ValueError(
            f"fit(): `validation_data` is a single array of shape {tuple(v.shape)}; it must be a tuple "
            "(x_val, y_val) or (x_val, y_val, sample_weight_val), or a DataLoader/iterable of batches")
    if isinstance(v, dict):
        raise ValueError(
            "fit(): `validation_data` is a dict; it must be a tuple (x_val, y_val) or (x_val, y_val, "
            "sample_weight_val) (x_val may itself be a dict of inputs), or a DataLoader/iterable of batches")
    if isinstance(v, (tuple, list)):
        if len(v) in (2, 3):
            return
        first = v[0] if v else None
        if not v or _arraylike(first) or isinstance(first, dict):
            raise ValueError(
                "fit(): `validation_data` must be a tuple (x_val, y_val) or (x_val, y_val, sample_weight_val); "
                f"got a {type(v).__name__} of {len(v)} element(s)")
        return
    if not hasattr(v, "__iter__"):
        raise ValueError(
            f"fit(): `validation_data` must be a tuple (x_val, y_val) or (x_val, y_val, sample_weight_val), or "
            f"a DataLoader/iterable of batches; got {type(v).__name__} {v!r}")
