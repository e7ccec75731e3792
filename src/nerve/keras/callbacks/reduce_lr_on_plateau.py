"""``ReduceLROnPlateau``: divide the learning rate when a metric stops improving."""
from __future__ import annotations

import math
import warnings

from ..._backend import np

from ._monitor import get_scalar
from .callback import Callback

__all__ = ["ReduceLROnPlateau"]


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by ``factor`` after ``patience`` epochs without improvement.

    Keras 3 semantics, at the end of every epoch: the current learning rate is
    added to the logs as ``'learning_rate'`` (so History records it). If in
    cooldown, the cooldown counter drops by one and ``wait`` is reset. An
    improvement (``current < best - min_delta`` in ``'min'`` mode) resets
    ``wait``; otherwise, outside cooldown, ``wait += 1`` and once
    ``wait >= patience`` the rate becomes ``max(lr * factor, min_lr)`` (only if
    ``lr > min_lr``), then ``cooldown`` epochs pass before waiting resumes.

    Args:
        monitor: log key to watch (default ``'val_loss'``).
        factor: multiplier of the learning rate (< 1).
        patience: epochs without improvement before reducing.
        verbose: 1 prints every reduction.
        mode: ``'min'``, ``'max'`` or ``'auto'`` (``'max'`` when ``'acc'`` is
            in the monitor's name, as Keras).
        min_delta: threshold for counting an improvement.
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: lower bound of the learning rate.

    Example:
        >>> model.fit(x, y, validation_split=0.2, epochs=50,
        ...           callbacks=[ReduceLROnPlateau(factor=0.5, patience=3, min_lr=1e-5)])
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0.0, **kwargs):
        super().__init__()
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0. Received factor={factor}")
        if kwargs:
            raise TypeError(f"ReduceLROnPlateau got unexpected arguments: {sorted(kwargs)}")
        self.monitor = monitor
        self.factor = factor
        self.patience = patience
        self.verbose = verbose
        self.mode = mode
        self.min_delta = min_delta
        self.cooldown = cooldown
        self.min_lr = min_lr
        self._reset()

    def _reset(self):
        if self.mode not in ("auto", "min", "max"):
            warnings.warn(f"Learning rate reduction mode {self.mode} is unknown, fallback to auto mode.",
                          stacklevel=3)
            self.mode = "auto"
        if self.mode == "min" or (self.mode == "auto" and "acc" not in self.monitor):
            self.monitor_op = lambda a, b: a < b - self.min_delta
            self.best = math.inf
        else:
            self.monitor_op = lambda a, b: a > b + self.min_delta
            self.best = -math.inf
        self.cooldown_counter = 0
        self.wait = 0

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            logs = {}
        logs["learning_rate"] = float(self.model.optimizer.learning_rate)
        current = get_scalar(logs, self.monitor)
        if current is None:
            warnings.warn(f"Learning rate reduction is conditioned on metric `{self.monitor}` which "
                          f"is not available. Available metrics are: {','.join(logs)}.", stacklevel=2)
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self.monitor_op(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = float(self.model.optimizer.learning_rate)
                if old_lr > np.float32(self.min_lr):
                    new_lr = max(old_lr * self.factor, self.min_lr)
                    self.model.optimizer.learning_rate = new_lr
                    if self.verbose > 0:
                        print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}.")
                    self.cooldown_counter = self.cooldown
                    self.wait = 0
