"""``DataParallel``: PyTorch's single-process multi-GPU wrapper; in nerve it calls the module as is."""
from __future__ import annotations

from ..modules.module import Module

__all__ = ["DataParallel", "data_parallel"]


class DataParallel(Module):
    """Wrap ``module`` as ``torch.nn.DataParallel`` does, running it on its one device.

    PyTorch splits each batch along ``dim`` over ``device_ids`` and gathers
    the outputs on ``output_device``; nerve has one device per process, so the
    forward is ``self.module(*inputs, **kwargs)``. The wrapped model is
    ``.module`` and its state_dict keys carry the ``module.`` prefix, exactly
    as in PyTorch.

    Args:
        module: the model to wrap.
        device_ids, output_device, dim: accepted and kept for compatibility.

    Example:
        >>> model = nn.DataParallel(nn.Linear(4, 2))
        >>> model(nerve.randn(8, 4)).shape, list(model.state_dict())
        ((8, 2), ['module.weight', 'module.bias'])
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"DataParallel expects an nn.Module, got {type(module).__name__}")
        self.module = module
        self.device_ids = list(device_ids) if device_ids is not None else []
        self.output_device = output_device
        self.dim = dim

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)


def data_parallel(module, inputs, device_ids=None, output_device=None, dim=0, module_kwargs=None):
    """Run ``module(*inputs, **module_kwargs)`` (``torch.nn.parallel.data_parallel`` on one device)."""
    if not isinstance(inputs, tuple):
        inputs = (inputs,) if inputs is not None else ()
    return module(*inputs, **(module_kwargs or {}))
