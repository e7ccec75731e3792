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
from .optimizer import Optimizer, required
from .sgd import SGD
from .adam import Adam, AdamW
from .rmsprop import RMSprop
from .adagrad import Adagrad
from . import lr_scheduler

__all__ = ["Optimizer", "required", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "lr_scheduler"]
