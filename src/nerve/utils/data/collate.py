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


def default_collate(batch):
    """Collate a list of samples into a batch (see the module docstring for the rules).

    Example:
        >>> xb, yb = default_collate([(np.zeros(3, np.float32), 1), (np.ones(3, np.float32), 0)])
        >>> xb.shape, yb.dtype
        ((2, 3), dtype('int64'))
    """
    elem = batch[0]
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
    if isinstance(elem, bool):
        return Tensor._make(np.array(batch, dtype=B.bool_))
    if isinstance(elem, int):
        return Tensor._make(np.array(batch, dtype=np.int64))
    if isinstance(elem, float):
        return Tensor._make(np.array(batch, dtype=B.get_default_dtype()))
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        out = {key: default_collate([d[key] for d in batch]) for key in elem}
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
        if any(len(e) != size for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
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
