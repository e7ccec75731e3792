"""``train_test_split``: scikit-learn's function, for NumPy arrays, nerve Tensors and lists."""
from __future__ import annotations

import math
import numbers

from ... import _backend as B
from ..._backend import np
from ...tensor import Tensor

__all__ = ["train_test_split"]


def _n_samples(a):
    if isinstance(a, (Tensor, np.ndarray)):
        if a.ndim == 0:
            raise TypeError(f"train_test_split: a 0-d {type(a).__name__} is not a collection of samples")
        return a.shape[0]
    return len(a)


def _take(a, idx):
    if isinstance(a, Tensor):
        return a[Tensor._make(idx)] if a.requires_grad else Tensor._make(a._data[idx])
    if isinstance(a, np.ndarray):
        return a[idx]
    if isinstance(a, (list, tuple)):
        return [a[i] for i in idx.tolist()]
    return a[idx]


def _kind(size):
    if size is None:
        return None
    if isinstance(size, bool):
        raise TypeError(f"train_test_split: sizes must be ints or floats, got {size!r}")
    if isinstance(size, numbers.Integral):
        return "i"
    if isinstance(size, numbers.Real):
        return "f"
    raise TypeError(f"train_test_split: sizes must be ints or floats, got {type(size).__name__}")


def _validate_sizes(n, test_size, train_size, default_test_size=0.25):
    """``(n_train, n_test)`` by scikit-learn's rules (``_validate_shuffle_split``)."""
    if test_size is None and train_size is None:
        test_size = default_test_size
    tk, rk = _kind(test_size), _kind(train_size)
    if (tk == "i" and (test_size >= n or test_size <= 0)) or (tk == "f" and (test_size <= 0 or test_size >= 1)):
        raise ValueError(f"test_size={test_size} should be either positive and smaller than the number of "
                         f"samples {n} or a float in the (0, 1) range")
    if (rk == "i" and (train_size >= n or train_size <= 0)) or (rk == "f" and (train_size <= 0 or train_size >= 1)):
        raise ValueError(f"train_size={train_size} should be either positive and smaller than the number of "
                         f"samples {n} or a float in the (0, 1) range")
    if tk == "f" and rk == "f" and train_size + test_size > 1:
        raise ValueError(f"The sum of test_size and train_size = {train_size + test_size}, should be in the "
                         "(0, 1) range. Reduce test_size and/or train_size.")
    n_test = math.ceil(test_size * n) if tk == "f" else test_size
    n_train = math.floor(train_size * n) if rk == "f" else train_size
    if train_size is None:
        n_train = n - n_test
    elif test_size is None:
        n_test = n - n_train
    if n_train + n_test > n:
        raise ValueError(f"The sum of train_size and test_size = {n_train + n_test}, should be smaller than the "
                         f"number of samples {n}. Reduce test_size and/or train_size.")
    n_train, n_test = int(n_train), int(n_test)
    if n_train == 0:
        raise ValueError(f"With n_samples={n}, test_size={test_size} and train_size={train_size}, the resulting "
                         "train set will be empty. Adjust any of the aforementioned parameters.")
    return n_train, n_test


def _rng(random_state):
    """scikit-learn's ``check_random_state``, except that ``None`` means nerve's default generator."""
    if random_state is None:
        return B.get_rng(None)
    if isinstance(random_state, B.Generator):
        return random_state.rng
    if isinstance(random_state, (np.random.RandomState, np.random.Generator)):
        return random_state
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        return np.random.RandomState(int(random_state))  # the same draws as scikit-learn
    raise ValueError(f"random_state={random_state!r} cannot be used to seed a random generator; pass an int, "
                     "a nerve.Generator, a numpy Generator/RandomState or None")


def _approximate_mode(class_counts, n_draws, rng):
    """Per-class counts summing to ``n_draws``, proportional to ``class_counts`` (ties broken at random)."""
    continuous = class_counts / class_counts.sum() * n_draws
    floored = np.floor(continuous)
    need_to_add = int(n_draws - floored.sum())
    if need_to_add > 0:
        remainder = continuous - floored
        for value in np.sort(np.unique(remainder))[::-1]:
            (inds,) = np.where(remainder == value)
            add_now = min(len(inds), need_to_add)
            inds = rng.choice(inds, size=add_now, replace=False)
            floored[inds] += 1
            need_to_add -= add_now
            if need_to_add == 0:
                break
    return floored.astype(np.int64)


def _stratified_indices(y, n_train, n_test, rng):
    if y.ndim == 2:  # multi-label: one class per distinct row
        y = np.array([" ".join(row.astype(str)) for row in y])
    classes, y_indices = np.unique(y, return_inverse=True)
    y_indices = y_indices.reshape(-1)
    n_classes = classes.shape[0]
    class_counts = np.bincount(y_indices)
    if np.min(class_counts) < 2:
        raise ValueError("The least populated class in y has only 1 member, which is too few. The minimum "
                         "number of groups for any class cannot be less than 2.")
    if n_train < n_classes:
        raise ValueError(f"The train_size = {n_train} should be greater or equal to the number of classes = "
                         f"{n_classes}")
    if n_test < n_classes:
        raise ValueError(f"The test_size = {n_test} should be greater or equal to the number of classes = "
                         f"{n_classes}")
    class_indices = np.split(np.argsort(y_indices, kind="mergesort"), np.cumsum(class_counts)[:-1])
    n_i = _approximate_mode(class_counts, n_train, rng)
    t_i = _approximate_mode(class_counts - n_i, n_test, rng)
    train, test = [], []
    for i in range(n_classes):
        perm = class_indices[i].take(rng.permutation(class_counts[i]), mode="clip")
        train.extend(perm[:n_i[i]])
        test.extend(perm[n_i[i]:n_i[i] + t_i[i]])
    return np.asarray(rng.permutation(train), dtype=np.int64), np.asarray(rng.permutation(test), dtype=np.int64)


def train_test_split(*arrays, test_size=None, train_size=None, random_state=None, shuffle=True, stratify=None):
    """Split arrays into random train and test subsets (scikit-learn's ``train_test_split``).

    Args:
        *arrays: NumPy arrays, nerve Tensors or lists, all with the same number of samples
            (first dimension).
        test_size: a float in (0, 1) (fraction, rounded up) or an int (count). Default:
            the complement of ``train_size``, or 0.25 when both are ``None``.
        train_size: a float in (0, 1) (fraction, rounded down) or an int; default: the
            complement of ``test_size``.
        random_state: an int gives exactly scikit-learn's split for that seed; also a
            ``nerve.Generator`` or NumPy generator. ``None`` draws from nerve's default
            generator (so ``nerve.manual_seed`` makes it reproducible; scikit-learn would
            use NumPy's global state).
        shuffle: shuffle before splitting; ``False`` keeps the order (train first).
        stratify: class labels (length ``n_samples``); each class keeps its proportion in
            both parts. Needs ``shuffle=True``.

    Returns:
        ``[a_train, a_test, b_train, b_test, ...]``, each of the input's type.

    Example:
        >>> x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.2, random_state=0, stratify=y)
    """
    if not arrays:
        raise ValueError("At least one array required as input")
    lengths = [_n_samples(a) for a in arrays]
    if len(set(lengths)) > 1:
        raise ValueError(f"Found input variables with inconsistent numbers of samples: {lengths}")
    n = lengths[0]
    n_train, n_test = _validate_sizes(n, test_size, train_size)
    if not shuffle:
        if stratify is not None:
            raise ValueError("Stratified train/test split is not implemented for shuffle=False")
        train, test = np.arange(n_train), np.arange(n_train, n_train + n_test)
    else:
        rng = _rng(random_state)
        if stratify is None:
            perm = rng.permutation(n)
            test, train = perm[:n_test], perm[n_test:n_test + n_train]
        else:
            y = B.to_device_array(stratify._data, "cpu") if isinstance(stratify, Tensor) else np.asarray(stratify)
            if y.shape[0] != n:
                raise ValueError(f"stratify has {y.shape[0]} labels but the arrays have {n} samples")
            train, test = _stratified_indices(y, n_train, n_test, rng)
    out = []
    for a in arrays:
        out += [_take(a, train), _take(a, test)]
    return out
