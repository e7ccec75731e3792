"""Samplers: the order in which a ``DataLoader`` visits a map-style dataset.

A sampler is an iterable of indices (``BatchSampler``: of lists of indices) with a
``__len__``. The built-in random samplers draw one NumPy index array per epoch
(``_order()``); ``DataLoader`` slices that array directly instead of iterating it one
Python int at a time, so the same generator state gives the same order on both paths.
"""
from __future__ import annotations

import itertools

from ... import _backend as B
from ..._backend import np

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
           "WeightedRandomSampler", "BatchSampler"]


def _sized(sampler, data_source):
    """``data_source`` if it has a ``len()`` (a dataset, a list, a range), else a TypeError."""
    if not hasattr(data_source, "__len__"):
        raise TypeError(f"{type(sampler).__name__}: data_source must be a dataset (something with len()), got "
                        f"{type(data_source).__name__} {data_source!r:.60}")
    return data_source


def _generator(sampler, generator):
    if generator is not None and not isinstance(generator, B.Generator):
        raise TypeError(f"{type(sampler).__name__}: generator must be a nerve.Generator, got "
                        f"{type(generator).__name__}")
    return generator


class Sampler:
    """Base class: subclasses define ``__iter__`` (yielding indices) and usually ``__len__``."""

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must implement __iter__")


def _iter_order(self):
    # Shared ``__iter__`` of the samplers that define ``_order()``; DataLoader recognises it.
    yield from self._order().tolist()


class SequentialSampler(Sampler):
    """Indices ``0, 1, ..., len(data_source) - 1`` in order."""

    def __init__(self, data_source):
        self.data_source = _sized(self, data_source)

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    """Indices in random order: a fresh permutation per epoch, or draws with replacement.

    Args:
        data_source: the dataset (only its ``len`` is used).
        replacement: draw ``num_samples`` indices independently (with repeats).
        num_samples: how many indices per epoch (default ``len(data_source)``). Without
            replacement and larger than the dataset, whole permutations are chained.
        generator: a ``nerve.Generator``; default: nerve's default generator, so
            ``nerve.manual_seed`` makes the order reproducible.

    Example:
        >>> sorted(RandomSampler(range(5)))
        [0, 1, 2, 3, 4]
    """

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = _sized(self, data_source)
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = _generator(self, generator)
        if not isinstance(replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={replacement}")
        ns = self.num_samples
        if not isinstance(ns, (int, np.integer)) or isinstance(ns, bool) or ns <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={ns!r}")

    @property
    def num_samples(self):
        # the dataset may change size after the sampler is made
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def _order(self):
        n, k = len(self.data_source), int(self.num_samples)
        rng = B.get_rng(self.generator)  # looked up per epoch: manual_seed replaces the rng
        if self.replacement:
            return rng.integers(0, n, size=k, dtype=np.int64)
        if k == n:
            return rng.permutation(n)
        parts = [rng.permutation(n) for _ in range(k // n)]
        parts.append(rng.permutation(n)[:k % n])
        return np.concatenate(parts)

    __iter__ = _iter_order

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices, in a random order that changes every epoch (no replacement)."""

    def __init__(self, indices, generator=None):
        if not hasattr(indices, "__len__") or isinstance(indices, (str, bytes)):
            raise TypeError(f"SubsetRandomSampler: indices must be a sequence of dataset indices, got "
                            f"{type(indices).__name__} {indices!r:.60}")
        self.indices = indices
        self.generator = _generator(self, generator)

    def _order(self):
        idx = np.asarray(self.indices)
        if idx.dtype.kind not in "iu" and idx.size:
            raise TypeError(f"SubsetRandomSampler: indices must be integers, got {idx.dtype} values such as "
                            f"{idx.ravel()[0]!r}")
        idx = idx.astype(np.int64, copy=False)
        return idx[B.get_rng(self.generator).permutation(len(idx))]

    __iter__ = _iter_order

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """Indices ``0..len(weights)-1`` drawn with probability proportional to ``weights``.

    Example (oversampling a rare class):
        >>> w = np.where(labels == 1, 10.0, 1.0)
        >>> sampler = WeightedRandomSampler(w, num_samples=len(w))
    """

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        if not isinstance(num_samples, (int, np.integer)) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={num_samples!r}")
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got replacement={replacement!r}")
        try:
            w = np.asarray(weights, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"WeightedRandomSampler: weights must be a 1-D sequence of numbers, got "
                            f"{type(weights).__name__} {weights!r:.60}") from None
        if w.ndim != 1:
            raise ValueError(f"weights should be a 1d sequence but given weights have shape {tuple(w.shape)}")
        if (w < 0).any() or not np.isfinite(w).all() or w.sum() <= 0:
            raise ValueError("weights must be finite, non-negative and have a positive sum")
        if not replacement and num_samples > np.count_nonzero(w):
            raise ValueError(f"cannot sample num_samples={num_samples} indices without replacement from "
                             f"{np.count_nonzero(w)} non-zero weights")
        self.weights = w
        self.num_samples = int(num_samples)
        self.replacement = replacement
        self.generator = _generator(self, generator)

    def _order(self):
        p = self.weights / self.weights.sum()
        return B.get_rng(self.generator).choice(len(p), size=self.num_samples, replace=self.replacement,
                                                p=p).astype(np.int64)

    __iter__ = _iter_order

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler):
    """Group the indices of ``sampler`` into lists of ``batch_size``.

    Example:
        >>> list(BatchSampler(SequentialSampler(range(10)), batch_size=3, drop_last=False))
        [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
        >>> list(BatchSampler(SequentialSampler(range(10)), batch_size=3, drop_last=True))
        [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    """

    def __init__(self, sampler, batch_size, drop_last):
        if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size!r}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last!r}")
        self.sampler = sampler
        self.batch_size = int(batch_size)
        self.drop_last = drop_last

    def __iter__(self):
        fast = _index_batches_fast(self)
        if fast is not None:
            for idx in fast:
                yield list(range(idx.start, idx.stop)) if isinstance(idx, slice) else idx.tolist()
            return
        it = iter(self.sampler)
        while True:
            batch = list(itertools.islice(it, self.batch_size))
            if not batch or (self.drop_last and len(batch) < self.batch_size):
                return
            yield batch

    def __len__(self):
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size


def _index_batches_fast(batch_sampler):
    """Each batch's indices as a ``slice`` or an int64 array, or ``None`` when unknown.

    Known: a ``BatchSampler`` (``__iter__`` not overridden) over a ``SequentialSampler``
    (slices) or over a sampler with ``_order()`` (slices of one index array per epoch).
    """
    if type(batch_sampler).__iter__ is not BatchSampler.__iter__:
        return None
    sampler = batch_sampler.sampler
    it = type(sampler).__iter__
    if it is SequentialSampler.__iter__:
        n = len(sampler)
        order = None
    elif it is _iter_order:
        order = sampler._order()
        n = len(order)
    else:
        return None
    bs = batch_sampler.batch_size
    stop = n - n % bs if batch_sampler.drop_last else n
    if order is None:
        return (slice(i, min(i + bs, n)) for i in range(0, stop, bs))
    return (order[i:i + bs] for i in range(0, stop, bs))


def index_batches(batch_sampler):
    """Iterate ``batch_sampler``'s batches as slices / int64 arrays where possible, else as given."""
    fast = _index_batches_fast(batch_sampler)
    return iter(batch_sampler) if fast is None else fast
