"""Datasets: ``Dataset``, ``TensorDataset``, ``Subset``, ``ConcatDataset``, ``random_split``.

A map-style dataset answers ``len(ds)`` and ``ds[i]``; an ``IterableDataset``
only answers ``iter(ds)``. Names and behaviour follow ``torch.utils.data``.
"""
from __future__ import annotations

import bisect
import itertools
import math
import numbers
import warnings

from ... import _backend as B
from ..._backend import np
from ...tensor import Tensor

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "Subset", "ConcatDataset", "ChainDataset",
           "random_split"]


class Dataset:
    """A map-style dataset: subclasses define ``__getitem__(index)`` and ``__len__()``.

    A subclass may also define ``__getitems__(indices) -> list of samples`` to fetch a
    whole batch at once; ``DataLoader`` then calls it once per batch (as PyTorch 2.x does).

    Example:
        >>> class Squares(Dataset):
        ...     def __len__(self): return 10
        ...     def __getitem__(self, i): return np.float32(i), i * i
        >>> len(Squares() + Squares())
        20
    """

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__")

    def __add__(self, other):
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A dataset that is a stream: subclasses define ``__iter__``.

    ``DataLoader`` batches what ``iter(dataset)`` yields, in order; it takes no sampler
    and no ``shuffle``.

    Example:
        >>> class Count(IterableDataset):
        ...     def __iter__(self): return iter(range(5))
        >>> [b.tolist() for b in DataLoader(Count(), batch_size=2)]
        [[0, 1], [2, 3], [4]]
    """

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must implement __iter__")

    def __add__(self, other):
        return ChainDataset([self, other])


def _as_tensor(x, i):
    if isinstance(x, Tensor):
        return x
    if isinstance(x, np.ndarray):
        return Tensor._make(x)  # keep the dtype (float64 stays float64) and share memory
    try:
        return Tensor(x)
    except (TypeError, ValueError) as e:
        raise TypeError(f"TensorDataset: argument {i} must be a Tensor or an array, "
                        f"got {type(x).__name__}") from e


class TensorDataset(Dataset):
    """Samples are the rows of tensors (or NumPy arrays) that share their first dimension.

    ``ds[i]`` is ``(t0[i], t1[i], ...)``. The arrays are kept as they are (no copy);
    ``DataLoader`` reads whole batches from them with one indexing per array.

    Args:
        *tensors: nerve Tensors or NumPy arrays, all with the same ``shape[0]``.

    Example:
        >>> ds = TensorDataset(np.zeros((100, 784), np.float32), np.arange(100))
        >>> x, y = ds[3]; x.shape, y.item()
        ((784,), 3)
    """

    def __init__(self, *tensors):
        tensors = tuple(_as_tensor(t, i) for i, t in enumerate(tensors))
        for i, t in enumerate(tensors):
            if t.ndim == 0:
                raise ValueError(f"TensorDataset: tensor {i} is 0-dimensional; every tensor needs a "
                                 "first (sample) dimension")
        sizes = [t.shape[0] for t in tensors]
        if len(set(sizes)) > 1:
            raise ValueError(f"Size mismatch between tensors: TensorDataset needs every tensor to have "
                             f"the same first dimension (number of samples), got sizes {sizes}")
        self.tensors = tensors

    def __getitem__(self, index):
        out = []
        try:
            for t in self.tensors:
                if t.requires_grad:
                    out.append(t[index])  # recorded, as PyTorch does
                    continue
                v = t._data[index]
                if isinstance(v, np.generic):  # a NumPy scalar: make it a 0-d array
                    v = np.asarray(v)
                out.append(Tensor._make(v))
        except IndexError:
            raise IndexError(_index_message(self, index)) from None
        return tuple(out)

    def __len__(self):
        return self.tensors[0].shape[0] if self.tensors else 0

    def __repr__(self):
        shapes = ", ".join(str(tuple(t.shape)) for t in self.tensors)
        return f"TensorDataset({shapes})"


def _index_message(dataset, index):
    """``"TensorDataset index 10 is out of range for a dataset of 4 samples"`` (or the index's kind)."""
    n = len(dataset)
    name = type(dataset).__name__
    if isinstance(index, (int, np.integer)):
        return (f"{name} index {int(index)} is out of range for a dataset of {n} samples "
                f"(valid: {-n} to {n - 1})")
    return f"{name}: index {index!r:.80} is not valid for a dataset of {n} samples"


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices`` (a sequence of ints), in that order.

    Example:
        >>> s = Subset(TensorDataset(np.arange(10)), [9, 0, 4])
        >>> [s[i][0].item() for i in range(len(s))]
        [9, 0, 4]
    """

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx):
        try:
            if isinstance(idx, list):
                return self.dataset[[self.indices[i] for i in idx]]
            i = self.indices[idx]
        except IndexError:
            raise IndexError(_index_message(self, idx if not isinstance(idx, list) else
                                            next(j for j in idx if not -len(self) <= j < len(self)))) from None
        return self.dataset[i]

    def __getitems__(self, indices):
        getitems = getattr(self.dataset, "__getitems__", None)
        if getitems is not None:
            return getitems([self.indices[i] for i in indices])
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self):
        return len(self.indices)


class ConcatDataset(Dataset):
    """Map-style datasets one after another: indices ``0..len(a)-1`` are ``a``'s, then ``b``'s.

    Example:
        >>> ds = ConcatDataset([TensorDataset(np.arange(3)), TensorDataset(np.arange(5))])
        >>> len(ds), ds[4][0].item()
        (8, 1)
    """

    @staticmethod
    def cumsum(sequence):
        r, s = [], 0
        for e in sequence:
            s += len(e)
            r.append(s)
        return r

    def __init__(self, datasets):
        try:
            self.datasets = list(datasets)
        except TypeError:
            raise TypeError(f"ConcatDataset: datasets must be a list of datasets, got "
                            f"{type(datasets).__name__}") from None
        if not self.datasets:
            raise ValueError("datasets should not be an empty iterable")
        for i, d in enumerate(self.datasets):
            if isinstance(d, IterableDataset):
                raise TypeError("ConcatDataset does not support IterableDataset; use ChainDataset")
            if not (hasattr(d, "__len__") and hasattr(d, "__getitem__")):
                raise TypeError(f"ConcatDataset: element {i} is not a dataset (it needs len() and indexing), got "
                                f"{type(d).__name__} {d!r:.60}")
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        idx = int(idx)
        if idx < 0:
            if -idx > len(self):
                raise ValueError(f"absolute value of index should not exceed dataset length: index {idx} "
                                 f"for a ConcatDataset of length {len(self)}")
            idx = len(self) + idx
        elif idx >= len(self):
            raise IndexError(f"index {idx} is out of range for a ConcatDataset of length {len(self)}")
        dataset_idx = bisect.bisect_right(self.cumulative_sizes, idx)
        sample_idx = idx if dataset_idx == 0 else idx - self.cumulative_sizes[dataset_idx - 1]
        return self.datasets[dataset_idx][sample_idx]


class ChainDataset(IterableDataset):
    """Iterable datasets one after another (the stream version of ``ConcatDataset``)."""

    def __init__(self, datasets):
        self.datasets = datasets

    def __iter__(self):
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise TypeError("ChainDataset only supports IterableDataset")
            yield from d

    def __len__(self):
        return sum(len(d) for d in self.datasets)


def random_split(dataset, lengths, generator=None):
    """Split ``dataset`` into non-overlapping ``Subset``s of the given lengths.

    ``lengths`` are either ints summing to ``len(dataset)`` or fractions summing to 1;
    fractions become ``floor(frac * len(dataset))`` and the remainder is handed out one
    at a time, round-robin from the first split (PyTorch's rule). The permutation is drawn
    from ``generator`` (a ``nerve.Generator``), or from nerve's default generator, so
    ``nerve.manual_seed`` makes it reproducible.

    Example:
        >>> train, val = random_split(range(10), [0.8, 0.2], generator=nerve.Generator().manual_seed(0))
        >>> len(train), len(val)
        (8, 2)
    """
    if not isinstance(lengths, (list, tuple)) and not (hasattr(lengths, "__len__") and hasattr(lengths, "__iter__")):
        raise TypeError(f"random_split: lengths must be a sequence of ints (sizes) or of fractions summing to 1, "
                        f"got {type(lengths).__name__} {lengths!r:.60}")
    lengths = list(lengths)
    for i, k in enumerate(lengths):
        if isinstance(k, bool) or not isinstance(k, (numbers.Real, np.integer, np.floating)):
            raise TypeError(f"random_split: lengths[{i}] must be a number (a size or a fraction), got "
                            f"{type(k).__name__} {k!r:.60}")
    if generator is not None and not isinstance(generator, B.Generator):
        raise TypeError(f"random_split: generator must be a nerve.Generator, got {type(generator).__name__}")
    n = len(dataset)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        subset_lengths = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            subset_lengths.append(int(math.floor(n * frac)))
        remainder = n - sum(subset_lengths)
        for i in range(remainder):
            subset_lengths[i % len(subset_lengths)] += 1
        lengths = subset_lengths
        for i, length in enumerate(lengths):
            if length == 0:
                warnings.warn(f"Length of split at index {i} is 0. This might result in an empty dataset.",
                              stacklevel=2)
    if any(int(k) != k or k < 0 for k in lengths):
        raise ValueError(f"random_split: lengths must be non-negative ints or fractions summing to 1, "
                         f"got {lengths}")
    if sum(lengths) != n:
        raise ValueError(f"Sum of input lengths does not equal the length of the input dataset! "
                         f"(sum {sum(lengths)}, dataset length {n})")
    indices = B.get_rng(generator).permutation(n).tolist()
    return [Subset(dataset, indices[offset - length:offset])
            for offset, length in zip(itertools.accumulate(int(k) for k in lengths), (int(k) for k in lengths))]
