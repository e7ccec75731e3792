"""Flatten parameters into one vector and back (``torch.nn.utils`` names)."""
from __future__ import annotations

from ... import ops
from ...tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters):
    """Concatenate the flattened parameters into one 1-D tensor (differentiable).

    Example:
        >>> vec = nn.utils.parameters_to_vector(model.parameters())
        >>> vec.shape
        (num_params,)
    """
    return ops.cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec, parameters):
    """Copy consecutive slices of the 1-D tensor ``vec`` into the parameters, in place.

    Unlike PyTorch, the parameters keep their own memory (the values are copied, not
    aliased to ``vec``), so optimizers holding them stay valid.
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected nerve.Tensor, but got: {type(vec).__name__}")
    params = list(parameters)
    total = sum(p.numel() for p in params)
    if vec._data.ndim != 1 or vec._data.shape[0] != total:
        raise ValueError(
            f"vector_to_parameters: vec has shape {tuple(vec.shape)} but the parameters hold "
            f"{total} values in all (a 1-D vector of that length is expected)")
    v = vec._data
    i = 0
    for p in params:
        n = p.numel()
        p._data[...] = v[i:i + n].reshape(p._data.shape)
        i += n
