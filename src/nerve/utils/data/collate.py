"""``default_collate``: turn a list of samples into one batch (PyTorch's rules).

=========================  ==========================================================
each sample is             the batch is
=========================  ==========================================================
nerve Tensor / ndarray     one Tensor, stacked along a new first dimension (dtype kept:
                           float64 arrays stay float64)
NumPy scalar               a 1-d Tensor of that dtype
Python int / bool          a 1-d int64 / bool Tensor
Python float               a 1-d float32 Tensor (nerve's default float dtype;
                           PyTorch gives float64 here)
str / bytes                the list of samples, unchanged
dict (Mapping)             a dict of batches, key by key
namedtuple                 the same namedtuple of batches, field by field
tuple / list               a list of batches, position by position (PyTorch returns
                           a list for tuples too)
=========================  ==========================================================
"""
from __future__ import annotations

import collections.abc
import copy

from ... import _backend as B
from ..._backend import np
from ...tensor import Tensor

__all__ = ["default_collate", "default_convert"]

_ERR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _is_str_or_object(dtype):
    return dtype.kind in "SaUO"


def _stack(arrays, what):
    try:
        return np.stack(arrays)
    except ValueError:
        shapes = [tuple(a.shape) for a in arrays]
        j = next(i for i, s in enumerate(shapes) if s != shapes[0])
        raise RuntimeError(f"default_collate: stack expects each {what} to be equal size, but got "
                           f"{list(shapes[0])} at entry 0 and {list(shapes[j])} at entry {j}") from None


def _mixed(batch):
    """The error for a batch of numbers that holds something else."""
    t0 = type(batch[0])
    j = next((j for j, e in enumerate(batch) if not isinstance(e, (bool, int, float, np.generic))), None)
    if j is None:
        j = next((j for j, e in enumerate(batch) if type(e) is not t0), 0)
    return TypeError(f"default_collate: batch element {j} is {type(batch[j]).__name__} {batch[j]!r:.60}, but element "
                     f"0 is {t0.__name__}: every sample in a batch must have the same type")


def default_collate(batch):
    """Collate a list of samples into a batch (see the module docstring for the rules).

    Example:
        >>> xb, yb = default_collate([(np.zeros(3, np.float32), 1), (np.ones(3, np.float32), 0)])
        >>> xb.shape, yb.dtype
        ((2, 3), dtype('int64'))
    """
    try:
        elem = batch[0]
    except IndexError:
        raise IndexError("default_collate: the batch is empty (a list of samples is needed)") from None
    except (KeyError, TypeError):
        raise TypeError(f"default_collate: batch must be a list of samples, got {type(batch).__name__}") from None
    if isinstance(elem, Tensor):
        if any(t.requires_grad for t in batch):
            from ...ops import stack  # noqa: PLC0415 - records the graph, as torch.stack does
            return stack(batch, 0)
        return Tensor._make(_stack([t._data for t in batch], "tensor"))
    if isinstance(elem, np.ndarray):
        if _is_str_or_object(elem.dtype):
            raise TypeError(_ERR.format(elem.dtype))
        return Tensor._make(_stack(batch, "array"))
    if isinstance(elem, np.generic):
        if _is_str_or_object(elem.dtype):
            raise TypeError(_ERR.format(elem.dtype))
        return Tensor._make(np.array(batch))
    if isinstance(elem, (bool, int, float)):
        dt = B.bool_ if isinstance(elem, bool) else np.int64 if isinstance(elem, int) else B.get_default_dtype()
        try:
            return Tensor._make(np.array(batch, dtype=dt))
        except (TypeError, ValueError):
            raise _mixed(batch) from None
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        try:
            out = {key: default_collate([d[key] for d in batch]) for key in elem}
        except KeyError as e:
            j, key = next(((j, k) for j, d in enumerate(batch) for k in elem if k not in d), (None, e.args[0]))
            if j is None:
                raise
            raise KeyError(f"default_collate: batch element {j} has no key {key!r}; element 0 has the keys "
                           f"{list(elem)!r:.100} (every sample dict needs the same keys)") from None
        try:
            if isinstance(elem, collections.abc.MutableMapping):
                clone = copy.copy(elem)  # keeps the mapping type and any attributes
                clone.update(out)
                return clone
            return type(elem)(out)
        except TypeError:
            return out
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(default_collate(list(s)) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        j = next((j for j, e in enumerate(batch) if len(e) != size), None)
        if j is not None:
            raise RuntimeError(f"each element in list of batch should be of equal size: element 0 has {size} "
                               f"items, element {j} has {len(batch[j])}")
        return [default_collate(list(s)) for s in zip(*batch)]
    raise TypeError(_ERR.format(type(elem)))


def default_convert(data):
    """Turn NumPy arrays (also inside dicts, tuples, lists) into Tensors; leave the rest.

    The collate function of ``DataLoader(batch_size=None)``, which does not batch.
    """
    if isinstance(data, Tensor):
        return data
    if isinstance(data, np.ndarray):
        return data if _is_str_or_object(data.dtype) else Tensor._make(data)
    if isinstance(data, np.generic):
        return data if _is_str_or_object(data.dtype) else Tensor._make(np.asarray(data))
    if isinstance(data, (str, bytes)):
        return data
    if isinstance(data, collections.abc.Mapping):
        out = {k: default_convert(v) for k, v in data.items()}
        try:
            return type(data)(out)
        except TypeError:
            return out
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence):
        try:
            return type(data)([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data
