"""Batching for ``fit``/``evaluate``/``predict``: arrays (sliced per batch) or any iterable of batches.

Array data is shuffled with a permutation that depends only on ``(seed, epoch)``
(:func:`epoch_permutation`), so epoch ``k`` sees the same batches whether the run
started at epoch 0 or was resumed at ``initial_epoch=k``. The global random
state (dropout masks) is not touched by shuffling.
"""
from __future__ import annotations

import math

from .._backend import np
from ..tensor import Tensor

__all__ = [
    "ArrayBatches", "IterableBatches", "epoch_permutation", "train_validation_split",
    "unpack_x_y_sample_weight", "to_arrays", "num_samples", "is_array_data",
]

_make = Tensor._make


# ----------------------------------------------------------------------------- nests
def _map(fn, s):
    """Apply ``fn`` to every leaf of a nest of lists/tuples/dicts (``None`` stays ``None``)."""
    if s is None:
        return None
    if isinstance(s, dict):
        return {k: _map(fn, v) for k, v in s.items()}
    if isinstance(s, (list, tuple)):
        return type(s)(_map(fn, v) for v in s)
    return fn(s)


def _leaves(s):
    if s is None:
        return []
    if isinstance(s, dict):
        return [leaf for v in s.values() for leaf in _leaves(v)]
    if isinstance(s, (list, tuple)):
        return [leaf for v in s for leaf in _leaves(v)]
    return [s]


def _is_arraylike(a):
    return isinstance(a, (np.ndarray, Tensor)) or (hasattr(a, "shape") and hasattr(a, "dtype"))


def _to_array(a, what):
    """One leaf as a NumPy array; float64 becomes float32 (Keras' floatx)."""
    if isinstance(a, Tensor):
        arr = a.detach().numpy()
    elif isinstance(a, np.ndarray):
        arr = a
    else:
        try:
            arr = np.asarray(a)
        except Exception as e:  # noqa: BLE001 - report in the user's terms
            raise TypeError(f"{what}: cannot convert {type(a).__name__} to an array ({e})") from None
        if arr.dtype == object:
            raise TypeError(f"{what}: could not convert the data to a numeric array (ragged or non-numeric)")
    if arr.dtype == np.float64:
        arr = arr.astype(np.float32)
    if arr.ndim == 0:
        raise ValueError(f"{what}: expected an array with one row per sample, got a scalar")
    return arr


def to_arrays(data, what="x"):
    """Turn user data into a nest of NumPy arrays.

    A list/tuple whose items are arrays or Tensors is a list of inputs (multi-input
    models); any other list is one array (``np.asarray``).
    """
    if data is None:
        return None
    if isinstance(data, dict):
        return {k: _to_array(v, f"{what}[{k!r}]") for k, v in data.items()}
    if isinstance(data, (list, tuple)) and data and all(_is_arraylike(v) for v in data):
        if len(data) == 1:
            return [_to_array(data[0], f"{what}[0]")]
        return [_to_array(v, f"{what}[{i}]") for i, v in enumerate(data)]
    return _to_array(data, what)


def num_samples(x, y=None, sample_weight=None):
    """The common first dimension of every array; ``ValueError`` naming the sizes otherwise."""
    sizes = {}
    for name, s in (("x", x), ("y", y), ("sample_weight", sample_weight)):
        ls = _leaves(s)
        if ls:
            sizes[name] = [int(a.shape[0]) for a in ls]
    flat = {n for v in sizes.values() for n in v}
    if len(flat) > 1:
        parts = " ".join(f"{k} sizes: {', '.join(map(str, v))}" for k, v in sizes.items())
        detail = ""
        if ("sample_weight" in sizes and len(sizes["sample_weight"]) == 1 and "x" in sizes
                and len(set(sizes["x"]) | set(sizes.get("y", []))) == 1):
            n = sizes["x"][0]
            detail = (f" sample_weight has {sizes['sample_weight'][0]} entries but x and y have {n} "
                      "samples: give one weight per sample.")
        elif "x" in sizes and "y" in sizes and len(sizes["x"]) == len(sizes["y"]) == 1:
            detail = (f" x has {sizes['x'][0]} samples but y has {sizes['y'][0]}: "
                      "they must have the same length (one target per sample).")
        raise ValueError(
            f"Data cardinality is ambiguous: {parts}.{detail} Make sure all arrays contain the same "
            "number of samples.")
    return flat.pop() if flat else 0


def is_array_data(x):
    """True for NumPy arrays, Tensors, and lists/tuples/dicts of them (data ``fit`` can slice)."""
    if x is None:
        return False
    if _is_arraylike(x):
        return True
    if isinstance(x, dict):
        return all(_is_arraylike(v) for v in x.values())
    if isinstance(x, (list, tuple)):
        if all(_is_arraylike(v) for v in x):
            return True
        try:  # nested Python lists of numbers
            return np.asarray(x).dtype != object
        except Exception:  # noqa: BLE001
            return False
    return False


def train_validation_split(arrays, validation_split):
    """Split each array into its first ``1 - validation_split`` and last ``validation_split`` rows.

    Keras' rule: the split is taken *before* shuffling, and validation gets the end.

    Example:
        >>> (x_tr, y_tr), (x_val, y_val) = train_validation_split((x, y), 0.2)
    """
    if not 0.0 < validation_split < 1.0:
        raise ValueError(f"validation_split must be in (0, 1), got {validation_split}")
    n = num_samples(*arrays)
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError(
            f"validation_split={validation_split} leaves {'no training' if split_at == 0 else 'no validation'} "
            f"samples out of {n}; use a different split or pass validation_data")
    train = tuple(_map(lambda a: a[:split_at], s) for s in arrays)
    val = tuple(_map(lambda a: a[split_at:], s) for s in arrays)
    return train, val


def epoch_permutation(n, seed, epoch):
    """The shuffle order of epoch ``epoch``: a permutation of ``range(n)`` fixed by ``(seed, epoch)``.

    Example:
        >>> epoch_permutation(5, seed=0, epoch=3)   # the same array every time
    """
    return np.random.default_rng([int(seed) & 0xFFFFFFFFFFFFFFFF, int(epoch)]).permutation(n)


def unpack_x_y_sample_weight(data):
    """Keras' convention: ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``; anything else is ``x``."""
    if isinstance(data, tuple):
        n = len(data)
        if n == 1:
            return data[0], None, None
        if n == 2:
            return data[0], data[1], None
        if n == 3:
            return data[0], data[1], data[2]
        raise ValueError(
            f"Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, "
            f"found a tuple of {n} elements")
    return data, None, None


# ----------------------------------------------------------------------------- batchers
class ArrayBatches:
    """Batches of in-memory arrays: one ``(x, y, sample_weight)`` tuple of Tensors per step.

    Args:
        x, y, sample_weight: NumPy arrays (or nests of them for several inputs/outputs).
        batch_size: rows per batch (the last batch may be smaller).
        shuffle: ``True`` (new order each epoch), ``'batch'`` (shuffle batch order only) or ``False``.
        seed: with the epoch number, fixes the order (:func:`epoch_permutation`).
        steps: at most this many batches per epoch.

    Example:
        >>> batches = ArrayBatches(x, y, batch_size=32, shuffle=True, seed=0)
        >>> for xb, yb, _ in batches.epoch(0): ...
    """

    def __init__(self, x, y=None, sample_weight=None, batch_size=32, shuffle=False, seed=0, steps=None):
        if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        self.x, self.y, self.sample_weight = x, y, sample_weight
        self.n = num_samples(x, y, sample_weight)
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.seed = seed
        full = max(1, math.ceil(self.n / self.batch_size)) if self.n else 0
        self.steps = full if steps is None else min(int(steps), full)
        self._simple = (_is_arraylike(x) and (y is None or _is_arraylike(y)))

    def __len__(self):
        return self.steps

    def _order(self, epoch):
        if self.shuffle is True:
            return epoch_permutation(self.n, self.seed, epoch)
        return None

    def epoch(self, epoch=0):
        """Yield ``(x, y, sample_weight)`` for every batch of epoch ``epoch`` (Tensors or ``None``)."""
        n, bs = self.n, self.batch_size
        order = self._order(epoch)
        starts = list(range(0, n, bs))[: self.steps]
        if self.shuffle == "batch":
            rng = np.random.default_rng([int(self.seed) & 0xFFFFFFFFFFFFFFFF, int(epoch)])
            starts = [starts[i] for i in rng.permutation(len(starts))]
        x, y, sw = self.x, self.y, self.sample_weight
        if self._simple:
            # the common case, kept lean: one index per array and a Tensor wrapper
            for s in starts:
                idx = slice(s, s + bs) if order is None else order[s:s + bs]
                yield (_make(x[idx]), None if y is None else _make(y[idx]),
                       None if sw is None else _make(sw[idx]))
            return
        for s in starts:
            idx = slice(s, s + bs) if order is None else order[s:s + bs]

            def take(a, idx=idx):
                return _make(a[idx])
            yield _map(take, x), _map(take, y), (None if sw is None else _make(sw[idx]))


def _as_tensor_batch(a):
    if isinstance(a, Tensor) or a is None:
        return a
    arr = np.asarray(a)
    if arr.dtype == np.float64:
        arr = arr.astype(np.float32)
    return _make(arr)


class IterableBatches:
    """Batches from an iterable (a ``DataLoader``, a generator, a list of batches).

    Each item is ``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``; arrays
    become Tensors. ``steps`` bounds the batches per epoch; an object with
    ``__len__`` gives the default. A one-shot iterator (a generator) is consumed
    across epochs, as in Keras.
    """

    def __init__(self, data, steps=None):
        self._data = data
        if steps is None:
            try:
                steps = len(data)
            except TypeError:
                steps = None
        self.steps = steps
        self._one_shot = iter(data) is data if hasattr(data, "__iter__") else False
        if not hasattr(data, "__iter__"):
            raise TypeError(f"expected arrays, Tensors or an iterable of batches, got {type(data).__name__}")
        self._it = None

    def __len__(self):
        return self.steps or 0

    def epoch(self, epoch=0):
        if self._one_shot:
            it = self._data
        else:
            it = iter(self._data)
        limit = self.steps
        for i, item in enumerate(it):
            x, y, sw = unpack_x_y_sample_weight(tuple(item) if isinstance(item, list) and len(item) in (2, 3)
                                                else item)
            yield _map(_as_tensor_batch, x), _map(_as_tensor_batch, y), _as_tensor_batch(sw)
            if limit is not None and i + 1 >= limit:
                break
