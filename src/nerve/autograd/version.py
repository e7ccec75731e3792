"""In-place safety: which memory was written after an op saved it for backward.

PyTorch keeps a version counter per tensor. nerve keeps the same guarantee with
less bookkeeping on the hot path: one global *epoch* counter, bumped by every
tracked in-place write, and a log of the byte ranges written at each epoch.
Every recorded op stores the epoch it was recorded at (one integer). At
backward, a node recorded at the current epoch needs no check (the common case:
forward, backward, then the optimizer step). A node recorded earlier compares
the memory of the tensors it saved with the ranges written since; an overlap
means a saved value changed and its gradient would be silently wrong, so the
engine raises PyTorch's error instead.

Byte ranges (not tensor identities) make views, ``detach()`` and the
optimizer's flat parameter buffers behave: a write through any alias of a
saved array is seen, and writes to disjoint parts of one buffer are not
confused. A saved tensor is alive for as long as its node is, so its memory
cannot be reused by another array in between: an overlap is always real.
"""
from __future__ import annotations

import collections

from .._backend import np

# A one-element list: the cheapest mutable global to read in ``Op.__call__``.
_epoch = [0]
# (epoch, low byte, high byte) of each tracked write; bounded, oldest dropped.
_log = collections.deque(maxlen=65536)


def _bounds(a):
    """The byte range ``[lo, hi)`` an array's elements occupy."""
    if a.size == 0:
        return 0, 0
    try:
        ptr = a.__array_interface__["data"][0]
    except AttributeError:              # CuPy
        ptr = a.data.ptr
    lo = hi = ptr
    for n, s in zip(a.shape, a.strides):
        if s < 0:
            lo += s * (n - 1)
        else:
            hi += s * (n - 1)
    return lo, hi + a.itemsize


def mark_written(array):
    """Record that ``array``'s memory was just changed in place."""
    if isinstance(array, np.generic):
        return
    lo, hi = _bounds(array)
    _epoch[0] += 1
    _log.append((_epoch[0], lo, hi))


def written_since(epoch):
    """The ranges written after ``epoch`` (newest last)."""
    out = []
    for e, lo, hi in reversed(_log):
        if e <= epoch:
            break
        out.append((e, lo, hi))
    return out


def overlaps(array, ranges):
    """The first write in ``ranges`` that touched ``array``'s memory, or None."""
    if isinstance(array, np.generic) or array is None:
        return None
    lo, hi = _bounds(array)
    if lo == hi:
        return None
    for r in ranges:
        if r[1] < hi and lo < r[2]:
            return r
    return None


def version_of(array):
    """How many tracked writes (still in the log) touched ``array`` (``Tensor._version``)."""
    if isinstance(array, np.generic):
        return 0
    lo, hi = _bounds(array)
    return sum(1 for _, a, b in _log if a < hi and lo < b)
