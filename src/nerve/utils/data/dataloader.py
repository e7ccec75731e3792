"""``DataLoader``: batches from a dataset, in sequential or shuffled order.

Two paths give the same batches:

* the fast path, for a ``TensorDataset`` (or a ``Subset`` of one, nested or not)
  with the default collate function: each batch's indices are a slice (sequential)
  or a slice of one permutation array drawn per epoch, and every array is indexed
  once per batch (``arr[idx]``), a copy of batch size. No per-sample Python work and
  no per-epoch copy of the dataset.
* the general path: ``dataset.__getitems__(indices)`` when the dataset defines it
  (PyTorch 2.x batched fetch), else ``[dataset[i] for i in indices]``, then
  ``collate_fn`` on the list of samples.

``num_workers > 0`` is accepted for compatibility but loading runs in the calling
process (``worker_init_fn(0)`` is called at the start of each epoch); ``pin_memory``
and ``timeout`` have no effect.
"""
from __future__ import annotations

import itertools

from ... import _backend as B
from ..._backend import np
from ...tensor import Tensor
from .collate import default_collate, default_convert
from .dataset import IterableDataset, Subset, TensorDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler, index_batches

__all__ = ["DataLoader", "get_worker_info"]


def get_worker_info():
    """Information about the current loader worker: always ``None`` (loading is in-process)."""
    return None


_GUARDED = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers")


class DataLoader:
    """Iterate over a dataset in batches.

    Args:
        dataset: a map-style dataset (``__getitem__`` and ``__len__``) or an ``IterableDataset``.
        batch_size: samples per batch (default 1); ``None`` yields single samples, unbatched.
        shuffle: visit samples in a new random order every epoch.
        sampler: the order of indices (excludes ``shuffle``).
        batch_sampler: yields lists of indices (excludes ``batch_size``, ``shuffle``,
            ``sampler`` and ``drop_last``).
        num_workers: accepted for compatibility; loading runs in this process.
        collate_fn: list of samples -> batch (default ``default_collate``).
        pin_memory, timeout, multiprocessing_context, prefetch_factor, pin_memory_device,
            in_order: accepted for compatibility; no effect.
        drop_last: drop the last batch when it is smaller than ``batch_size``.
        worker_init_fn: with ``num_workers > 0``, called as ``worker_init_fn(0)`` each epoch.
        generator: ``nerve.Generator`` for shuffling; default: nerve's default generator,
            so ``nerve.manual_seed(s)`` makes the order reproducible.
        persistent_workers: accepted for compatibility (needs ``num_workers > 0``).

    Example:
        >>> ds = TensorDataset(np.random.rand(1000, 784).astype(np.float32), np.zeros(1000, np.int64))
        >>> loader = DataLoader(ds, batch_size=64, shuffle=True)
        >>> xb, yb = next(iter(loader)); xb.shape, yb.shape, len(loader)
        ((64, 784), (64,), 16)
    """

    _initialized = False

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="", in_order=True):
        if not isinstance(num_workers, int) or num_workers < 0:
            raise ValueError("num_workers option should be non-negative; "
                             "use num_workers=0 to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing. "
                             "let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None.")
        if prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        if multiprocessing_context is not None and num_workers == 0:
            raise ValueError("multiprocessing_context can only be used with multi-process loading "
                             f"(num_workers > 0), but got num_workers={num_workers}")
        if batch_size is not None and (not isinstance(batch_size, (int, np.integer))
                                       or isinstance(batch_size, bool) or batch_size <= 0):
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size!r}")
        if generator is not None and not isinstance(generator, B.Generator):
            raise TypeError(f"DataLoader: generator must be a nerve.Generator (nerve.Generator().manual_seed(0)), "
                            f"got {type(generator).__name__}")
        for name, fn in (("collate_fn", collate_fn), ("worker_init_fn", worker_init_fn)):
            if fn is not None and not callable(fn):
                raise TypeError(f"DataLoader: {name} must be callable, got {type(fn).__name__} {fn!r:.60}")

        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in (False, None):
                raise ValueError("DataLoader with IterableDataset: expected unspecified shuffle option, "
                                 f"but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified sampler option, "
                                 f"but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified batch_sampler "
                                 f"option, but got batch_sampler={batch_sampler}")
        elif not (hasattr(dataset, "__getitem__") and (
                hasattr(dataset, "__len__") or sampler is not None or batch_sampler is not None)):
            raise TypeError(f"DataLoader: dataset must be a Dataset or support len() and indexing, got "
                            f"{type(dataset).__name__}")
        shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, "
                                 "sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive "
                             "with drop_last")

        if sampler is None and not self._iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, int(batch_size), bool(drop_last))

        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.collate_fn = collate_fn if collate_fn is not None else (
            default_collate if self._auto_collation else default_convert)
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.generator = generator
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        self.in_order = in_order
        self._initialized = True

    def __setattr__(self, name, value):
        if self._initialized and name in _GUARDED:
            raise ValueError(f"{name} attribute should not be set after {type(self).__name__} is initialized")
        object.__setattr__(self, name, value)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None or (self._iterable and self.batch_size is not None)

    def __len__(self):
        if self._iterable:
            n = len(self.dataset)  # TypeError if the stream has no length, as in PyTorch
            if self.batch_size is not None:
                n = n // self.batch_size if self.drop_last else -(-n // self.batch_size)
            return n
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)

    def __iter__(self):
        if self.num_workers > 0 and self.worker_init_fn is not None:
            self.worker_init_fn(0)
        if self._iterable:
            return self._iter_stream()
        if self.batch_sampler is None:
            return (self.collate_fn(self.dataset[i]) for i in self.sampler)
        if self.collate_fn is default_collate:
            arrays = _tensor_arrays(self.dataset)
            if arrays is not None:
                return self._iter_arrays(*arrays)
        return self._iter_map()

    # ------------------------------------------------------------ the paths
    def _iter_arrays(self, arrays, index_map):
        for idx in index_batches(self.batch_sampler):
            if isinstance(idx, slice):
                if index_map is None:
                    # a slice is a view: copy, so changing a batch never changes the dataset
                    yield [Tensor._make(a[idx].copy()) for a in arrays]
                    continue
                idx = index_map[idx]
            else:
                if not isinstance(idx, np.ndarray):
                    idx = _sampled_indices(idx, len(self.dataset))     # a user's sampler: checked
                try:
                    if index_map is not None:
                        idx = index_map[idx]
                    batch = [Tensor._make(a[idx]) for a in arrays]
                except IndexError:
                    raise _out_of_range(idx if index_map is None else np.asarray(idx),
                                        len(self.dataset)) from None
                yield batch
                continue
            yield [Tensor._make(a[idx]) for a in arrays]

    def _iter_map(self):
        dataset, collate = self.dataset, self.collate_fn
        getitems = getattr(dataset, "__getitems__", None)
        for idx in index_batches(self.batch_sampler):
            if isinstance(idx, slice):
                idx = list(range(idx.start, idx.stop))
            elif isinstance(idx, np.ndarray):
                idx = idx.tolist()
            try:
                data = getitems(idx) if getitems is not None else [dataset[i] for i in idx]
            except IndexError:
                n = len(dataset) if hasattr(dataset, "__len__") else None
                bad = [] if n is None else [i for i in idx if isinstance(i, (int, np.integer)) and not -n <= i < n]
                if not bad:
                    raise           # the dataset's own IndexError
                raise _out_of_range(bad[:1], n) from None
            yield collate(data)

    def _iter_stream(self):
        it = iter(self.dataset)
        if self.batch_size is None:
            for sample in it:
                yield self.collate_fn(sample)
            return
        while True:
            batch = list(itertools.islice(it, self.batch_size))
            if not batch or (self.drop_last and len(batch) < self.batch_size):
                return
            yield self.collate_fn(batch)


def _sampled_indices(idx, n):
    """A batch of indices from a user's sampler as an int64 array (PyTorch refuses float indices)."""
    arr = np.asarray(idx)
    if arr.dtype.kind not in "iu":
        if arr.size == 0:
            return arr.astype(np.int64)
        bad = next((v for v in arr.ravel().tolist() if not isinstance(v, int) or isinstance(v, bool)), arr.ravel()[0])
        raise TypeError(f"DataLoader: the sampler yielded {bad!r} ({type(bad).__name__}); dataset indices must be "
                        f"integers in [0, {n})")
    return arr.astype(np.int64, copy=False)    # out-of-range indices: IndexError when they are used


def _out_of_range(idx, n):
    arr = np.asarray(idx).ravel()
    bad = next((int(v) for v in arr.tolist() if not -n <= v < n), None) if arr.dtype.kind in "iu" else None
    what = f"index {bad}" if bad is not None else f"indices {arr.tolist()!r:.80}"
    return IndexError(f"DataLoader: the sampler yielded {what}, but the dataset has {n} samples "
                      f"(valid indices: 0 to {n - 1})")


def _tensor_arrays(dataset):
    """``(arrays, index_map)`` when ``dataset`` reads rows of arrays, else ``None``.

    ``index_map`` (an int64 array or ``None``) turns the loader's indices into rows of
    the arrays; it composes the indices of nested ``Subset``s and is built once per epoch.
    """
    cls = type(dataset)
    if cls.__getitem__ is TensorDataset.__getitem__ and isinstance(dataset, TensorDataset):
        tensors = dataset.tensors
        if not tensors or any(t.requires_grad for t in tensors):
            return None
        return [t._data for t in tensors], None
    if (isinstance(dataset, Subset) and cls.__getitem__ is Subset.__getitem__
            and cls.__getitems__ is Subset.__getitems__):
        inner = _tensor_arrays(dataset.dataset)
        if inner is None:
            return None
        arrays, inner_map = inner
        m = np.asarray(dataset.indices, dtype=np.int64)
        if m.ndim != 1:
            return None
        return arrays, (m if inner_map is None else inner_map[m])
    return None
