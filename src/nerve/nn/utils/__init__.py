"""Helpers around modules: gradient clipping, L1/L2 penalties, parameter/vector conversion."""
from .clip_grad import clip_grad_norm_, clip_grad_value_, clip_grads_with_norm_, get_total_norm  # noqa: F401
from .penalties import decay_parameters, l1_penalty, l2_penalty  # noqa: F401
from .convert_parameters import parameters_to_vector, vector_to_parameters  # noqa: F401

__all__ = ["clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_", "get_total_norm",
           "parameters_to_vector", "vector_to_parameters", "decay_parameters", "l1_penalty", "l2_penalty"]
