"""``nerve.nn.parallel``: PyTorch's multi-device wrappers, for scripts that use them.

nerve runs one process on one device, so :class:`DataParallel` and
:class:`DistributedDataParallel` call the wrapped module directly; they keep
PyTorch's structure (the model is ``.module``, state_dict keys start with
``module.``) so checkpoints and code written for them work unchanged.
"""
from .data_parallel import DataParallel, data_parallel
from .distributed import DistributedDataParallel

__all__ = ["DataParallel", "DistributedDataParallel", "data_parallel"]
