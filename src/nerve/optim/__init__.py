"""Optimizers and learning-rate schedules, with PyTorch's names and semantics.

``Optimizer`` is the base class; ``SGD`` (with momentum and Nesterov), ``Adam``,
``AdamW``, ``RMSprop``, ``Adagrad``, ``Adadelta``, ``Adamax``, ``NAdam``, ``RAdam``
and ``ASGD`` run their updates on flat buffers (see ``nerve/optim/optimizer.py``);
``LBFGS`` works on the flattened parameter vector. Schedules live in
``nerve.optim.lr_scheduler``.

Example:
    >>> opt = nerve.optim.Adam(model.parameters(), lr=1e-3)
    >>> sched = nerve.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=100)
    >>> for epoch in range(100):
    ...     train_one_epoch(model, opt)
    ...     sched.step()
"""
from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .asgd import ASGD
from .lbfgs import LBFGS
from .nadam import NAdam
from .optimizer import Optimizer, required
from .radam import RAdam
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["ASGD", "LBFGS", "SGD", "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "NAdam",
           "Optimizer", "RAdam", "RMSprop", "lr_scheduler", "required"]
