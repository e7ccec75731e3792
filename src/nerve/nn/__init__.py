"""Neural-network building blocks, mirroring ``torch.nn``.

``nerve.nn.Module`` and ``Parameter`` are the structure; layers live in
``nerve.nn.modules`` (re-exported here); ``functional`` holds the stateless
functions (``F.relu``, ``F.cross_entropy``), ``init`` the initialisers and
``utils`` gradient clipping.

Example:
    >>> from nerve import nn
    >>> model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    >>> [name for name, _ in model.named_parameters()]
    ['0.weight', '0.bias', '2.weight', '2.bias']
"""
from .parameter import Parameter  # noqa: F401
from .modules import *  # noqa: F401,F403  (every layer, see nerve.nn.modules.__all__)
from .modules import Module, __all__ as _modules_all  # noqa: F401
from . import functional, init, modules, utils  # noqa: F401
from . import parallel  # noqa: F401,E402
from .parallel import DataParallel  # noqa: F401,E402

__all__ = ["Parameter", "functional", "init", "utils", "parallel", "DataParallel"] + list(_modules_all)
