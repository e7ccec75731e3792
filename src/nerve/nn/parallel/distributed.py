"""``DistributedDataParallel``: PyTorch's multi-process wrapper; in nerve, one process, no gradient sync."""
from __future__ import annotations

import contextlib

from ..modules.module import Module

__all__ = ["DistributedDataParallel"]


class DistributedDataParallel(Module):
    """Wrap ``module`` as ``torch.nn.parallel.DistributedDataParallel`` does, for a one-process run.

    In PyTorch every process holds a replica and gradients are averaged
    across processes during ``backward()``. nerve has no process group yet, so
    with a single process the wrapper is the identity: the forward is
    ``self.module(*inputs, **kwargs)`` and gradients stay as computed. The
    model is ``.module`` and state_dict keys carry the ``module.`` prefix, as
    in PyTorch; ``no_sync()`` is accepted.

    Args:
        module: the model to wrap.
        device_ids, output_device, dim, broadcast_buffers, process_group,
        bucket_cap_mb, find_unused_parameters, gradient_as_bucket_view,
        static_graph, **kwargs: accepted for compatibility.

    Example:
        >>> ddp = nn.parallel.DistributedDataParallel(nn.Linear(4, 2))
        >>> ddp.module.weight.shape
        (2, 4)
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True,
                 process_group=None, bucket_cap_mb=None, find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False, **kwargs):
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"DistributedDataParallel expects an nn.Module, got {type(module).__name__}")
        self.module = module
        self.device_ids = list(device_ids) if device_ids is not None else None
        self.output_device = output_device
        self.dim = dim
        self.broadcast_buffers = broadcast_buffers
        self.process_group = process_group
        self.find_unused_parameters = find_unused_parameters
        self.static_graph = static_graph

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)

    @contextlib.contextmanager
    def no_sync(self):
        """Skip the gradient all-reduce for the block (there is none with one process)."""
        yield
