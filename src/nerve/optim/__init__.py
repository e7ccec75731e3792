"""Optimizers and learning-rate schedules, with PyTorch's names and semantics.

``Optimizer`` is the base class; ``SGD`` (with momentum and Nesterov), ``Adam``,
``AdamW``, ``RMSprop`` and ``Adagrad`` run their updates on flat buffers (see
``nerve/optim/optimizer.py``). Schedules live in ``nerve.optim.lr_scheduler``.

Example:
    >>> opt = nerve.optim.Adam(model.parameters(), lr=1e-3)
    >>> sched = nerve.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=100)
    >>> for epoch in range(100):
    ...     train_one_epoch(model, opt)
    ...     sched.step()
"""
from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer, required
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "lr_scheduler", "required"]
