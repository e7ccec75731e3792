"""Anomaly detection: find the op that first made a NaN (or a new Inf), forward or backward.

``with nerve.autograd.detect_anomaly():`` (or ``set_detect_anomaly(True)``) checks
every op's output as it is computed and every gradient as backward computes it.
The first op whose output holds NaN, or Inf computed from finite inputs, raises an
error naming the op, its input shapes and the line of *your* code that called it
in the forward pass (PyTorch checks backward only, and reports the line only as a
separate warning). Ops that only move values (indexing, reshapes, ``where``,
``masked_fill``) pass an Inf through without raising, so ``-inf`` attention masks
work. When off (the default) nothing is checked and nothing is recorded: the
checking ``__call__`` replaces ``Op.__call__`` only while anomaly mode is on.
"""
from __future__ import annotations

import functools
import os
import sys

from .._backend import np
from .function import Op

_state = [False, True]         # enabled, check_nan
_plain_call = Op.__call__
_PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep

# ops that only select, move or set values: an Inf in their output came from their input
_PASS_THROUGH = {"GetItem", "IndexPutZeros", "IndexPut", "Reshape", "Permute", "BroadcastTo", "SumTo", "Cat",
                 "Pad", "Flip", "Where", "MaskedFill", "Clone", "Cast", "ToDevice", "Maximum", "Minimum",
                 "Amax", "Clamp", "Relu"}


def _user_line():
    """``file:line in function`` of the innermost frame outside nerve's own package."""
    f = sys._getframe(2)
    while f is not None and os.path.abspath(f.f_code.co_filename).startswith(_PKG):
        f = f.f_back
    if f is None:
        return "<unknown>"
    return f"{f.f_code.co_filename}:{f.f_lineno} in {f.f_code.co_name}"


def _bad(a, inf_ok):
    """'NaN' or 'Inf' when the raw array holds one (Inf only when ``inf_ok`` is False)."""
    if a is None or a.dtype.kind not in "fc":
        return None
    with np.errstate(all="ignore"):
        if np.isnan(a).any():
            return "NaN"
        if not inf_ok and np.isinf(a).any():
            return "Inf"
    return None


def _finite(arrays):
    with np.errstate(all="ignore"):
        return all(a.dtype.kind not in "fc" or np.isfinite(a).all() for a in arrays)


def _shapes(tensors):
    return ", ".join(str(tuple(t._data.shape)) for t in tensors)


def _anomaly_call(self, *inputs):
    line = _user_line()
    out = _plain_call(self, *inputs)
    if out._ctx is not None:
        out._ctx._trace = line
    if _state[1]:
        name = type(self).__name__
        kind = _bad(out._data, inf_ok=name in _PASS_THROUGH or not _finite([t._data for t in inputs]))
        if kind is not None:
            raise RuntimeError(
                f"Anomaly detected in forward: {name} returned {kind} values (input shapes {_shapes(inputs)}). "
                f"It was called at {line}. Check the inputs of that line (a log or sqrt of a negative or "
                "zero value, a division by zero, an overflow from a learning rate that is too high, ...).")
    return out


def check_backward(fn, g, grads):
    """Called by the engine in anomaly mode after ``fn.backward(g)`` produced ``grads``."""
    if not _state[1]:
        return
    upstream_finite = _finite([g._data])
    for i, gi in enumerate(grads):
        if gi is None:
            continue
        kind = _bad(gi._data, inf_ok=not upstream_finite)
        if kind is not None:
            line = getattr(fn, "_trace", None) or "<recorded before anomaly mode was enabled>"
            ins = fn.inputs or ()
            raise RuntimeError(
                f"Function '{fn.name()}' returned {kind} values in its {i}th output (the gradient of input {i}; "
                f"input shapes {_shapes(ins)}). The forward call that created it was at {line}.")


def _set(mode, check_nan=True):
    _state[0] = bool(mode)
    _state[1] = bool(check_nan)
    Op.__call__ = _anomaly_call if mode else _plain_call


def is_anomaly_enabled():
    return _state[0]


def is_anomaly_check_nan_enabled():
    return _state[1]


class detect_anomaly:
    """Context manager (and decorator) that turns anomaly detection on.

    Example:
        >>> with nerve.autograd.detect_anomaly():
        ...     loss = model(x).log().sum()      # raises at the op that made the NaN
        ...     loss.backward()
    """

    def __init__(self, check_nan=True):
        self.check_nan = check_nan

    def __enter__(self):
        self.prev = tuple(_state)
        _set(True, self.check_nan)
        return self

    def __exit__(self, *exc):
        _set(*self.prev)
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with detect_anomaly(self.check_nan):
                return func(*args, **kwargs)
        return wrapper


class set_detect_anomaly:
    """``set_detect_anomaly(True)`` turns anomaly detection on (also usable as a context manager)."""

    def __init__(self, mode, check_nan=True):
        self.prev = tuple(_state)
        _set(mode, check_nan)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _set(*self.prev)
        return False
