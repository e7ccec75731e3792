"""Gradient clipping by total norm and by value (``torch.nn.utils`` semantics).

Call between ``loss.backward()`` and ``optimizer.step()``::

    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    optimizer.step()
"""
from __future__ import annotations

import math

from ... import _backend as B
from ..._backend import np
from ...tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_"]


def _as_list(tensors):
    return [tensors] if isinstance(tensors, Tensor) else list(tensors)


def _vector_norm(a, p):
    """The ``p``-norm of a flattened array, as a 0-d array of its dtype."""
    a = a.reshape(-1)
    if p == 2.0:
        return np.sqrt(np.dot(a, a)) if a.dtype.kind == "f" else np.sqrt((a * a).sum())
    if a.size == 0:
        return np.zeros((), a.dtype)
    if p == math.inf:
        return np.abs(a).max()
    if p == -math.inf:
        return np.abs(a).min()
    if p == 0.0:
        return (a != 0).sum().astype(a.dtype)
    if p == 1.0:
        return np.abs(a).sum()
    return (np.abs(a) ** p).sum() ** (1.0 / p)


@B.quiet_errors()
def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The ``norm_type``-norm of all ``tensors`` together, as if concatenated into one vector.

    Args:
        tensors: a Tensor or an iterable of Tensors (typically gradients).
        norm_type: ``p`` of the p-norm; ``float('inf')`` for the max-abs norm.
        error_if_nonfinite: raise if the total norm is nan or inf.
        foreach: accepted for PyTorch compatibility; ignored.

    Returns:
        a 0-d ``Tensor`` (float32 for float32 tensors).
    """
    tensors = [t for t in _as_list(tensors) if t is not None]
    norm_type = float(norm_type)
    if not tensors:
        return Tensor._make(np.zeros((), B.get_default_dtype()))
    arrays = [t._data if isinstance(t, Tensor) else t for t in tensors]
    xp = B.array_module(B.device_of(arrays[0]))
    dtype = np.result_type(*[a.dtype for a in arrays])
    norms = xp.stack([_vector_norm(a, norm_type).astype(dtype) for a in arrays])
    total = _vector_norm(norms, norm_type).astype(dtype)
    if error_if_nonfinite and not bool(xp.isfinite(total)):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it "
            "cannot be clipped. To disable this error and scale the gradients by the non-finite norm "
            "anyway, set `error_if_nonfinite=False`")
    return Tensor._make(xp.asarray(total))


@B.quiet_errors()
def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scale the gradients in place by ``min(1, max_norm / (total_norm + 1e-6))``."""
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    if not grads:
        return
    tn = total_norm._data if isinstance(total_norm, Tensor) else np.asarray(total_norm)
    dt = tn.dtype if tn.dtype.kind == "f" else B.get_default_dtype()
    coef = dt.type(float(max_norm)) / (tn.astype(dt) + dt.type(1e-6))
    coef = np.minimum(coef, dt.type(1.0))
    for g in grads:
        g._data *= coef.astype(g._data.dtype)


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Rescale gradients so that their total norm is at most ``max_norm``, in place.

    The total norm is computed over all gradients together, as if they were
    concatenated into a single vector; every gradient is then multiplied by
    ``min(1, max_norm / (total_norm + 1e-6))``.

    Args:
        parameters: a Tensor or an iterable of Tensors whose ``.grad`` is clipped.
        max_norm: the largest allowed norm.
        norm_type: ``p`` of the p-norm (default 2); ``float('inf')`` for the max-abs norm.
        error_if_nonfinite: raise if the total norm is nan or inf (default ``False``).
        foreach: accepted for PyTorch compatibility; ignored.

    Returns:
        the total norm of the gradients before clipping (a 0-d ``Tensor``).

    Example:
        >>> loss.backward()
        >>> norm = nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    """
    params = _as_list(parameters)
    grads = [p.grad for p in params if p.grad is not None]
    total = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(params, max_norm, total, foreach)
    return total


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient elementwise into ``[-clip_value, clip_value]``, in place.

    Example:
        >>> nn.utils.clip_grad_value_(model.parameters(), 0.5)
    """
    clip_value = float(clip_value)
    for p in _as_list(parameters):
        g = p.grad
        if g is not None:
            np.clip(g._data, -clip_value, clip_value, out=g._data)
