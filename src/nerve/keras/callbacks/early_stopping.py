"""``EarlyStopping``: stop ``fit`` when a monitored metric stops improving."""
from __future__ import annotations

import math
import operator
import warnings

from ._monitor import check_mode, get_scalar, monitor_op
from .callback import Callback

__all__ = ["EarlyStopping"]


class EarlyStopping(Callback):
    """Stop training when ``monitor`` has not improved for ``patience`` epochs.

    Keras 3 semantics, step by step, at the end of every epoch ``e`` (from 0):

    1. Epochs before ``start_from_epoch`` (and epochs without ``monitor`` in
       the logs, with a warning) are ignored.
       The monitor direction is decided at the first epoch end (``mode``).
    2. ``wait += 1``. If the value improves on ``best`` by more than
       ``min_delta`` (for ``mode='min'``: ``current < best - min_delta``), it
       becomes ``best`` (and its weights the best weights), and ``wait`` is
       reset to 0 only if the value also beats ``baseline`` (when given).
    3. Otherwise, if ``wait >= patience`` and ``e > 0``, training stops:
       ``stopped_epoch = e``, ``model.stop_training = True``.

    So without a baseline training stops at epoch ``best_epoch + patience``
    (``patience=0``: at the first epoch that does not improve). With a
    baseline that is never beaten, it stops at the first non-improving epoch
    on or after epoch ``patience - 1``.

    ``restore_best_weights=True`` keeps a copy of the weights of the best
    epoch and, as in Keras 3, loads it in ``on_train_end`` whenever one was
    recorded, whether training was stopped early or ran all its epochs.

    Args:
        monitor: the log key to watch (default ``'val_loss'``).
        min_delta: minimum change that counts as an improvement.
        patience: epochs without improvement before stopping.
        verbose: 1 prints when it stops and when it restores weights.
        mode: ``'min'``, ``'max'`` or ``'auto'`` (from the name: ``loss`` and
            errors are minimized; ``acc``, ``accuracy``, ``auc``, precision,
            recall, ... maximized; a model metric declaring a direction wins).
        baseline: a value the metric must beat for ``wait`` to reset.
        restore_best_weights: restore the best epoch's weights at the end.
        start_from_epoch: epochs of warm-up that are not monitored.

    Attributes:
        stopped_epoch: the epoch (from 0) at which it stopped training, 0 if it did not.
        best: the best monitored value; best_epoch: its epoch (from 0).
        wait: epochs since the last improvement.
        best_weights: the saved weights (``model.get_weights()``), or None.

    Example:
        >>> es = EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
        >>> model.fit(x, y, validation_split=0.2, epochs=100, callbacks=[es])
        >>> es.stopped_epoch, es.best
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__()
        self.monitor = monitor
        self.min_delta = abs(min_delta)
        self.patience = patience
        self.verbose = verbose
        self.mode = check_mode("EarlyStopping", mode)
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.monitor_op = None
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_epoch = 0
        self.best_weights = None

    def _set_monitor_op(self):
        self.monitor_op = monitor_op("EarlyStopping", self.monitor, self.mode, self.model)
        self._delta = -self.min_delta if self.monitor_op is operator.lt else self.min_delta

    def _reset_best(self):
        self.best = math.inf if self.monitor_op is operator.lt else -math.inf

    def _is_improvement(self, value, reference):
        if reference is None:
            return True
        return self.monitor_op(value - self._delta, reference)

    def on_train_begin(self, logs=None):
        # Reusable across fits.
        self.wait = 0
        self.stopped_epoch = 0
        self.best_weights = None
        self.best_epoch = 0
        self.best = None
        if self.monitor_op is not None:
            self._reset_best()

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:  # delayed: the model's metrics exist by now
            self._set_monitor_op()
            if self.best is None:
                self._reset_best()
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # Nothing recorded yet: the current weights are the best so far.
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # Only restart waiting if we beat both the baseline and the previous best.
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs):
        """The monitored value in ``logs`` (None, with a warning, when missing)."""
        value = get_scalar(logs, self.monitor)
        if value is None:
            warnings.warn(f"Early stopping conditioned on metric `{self.monitor}` which is not "
                          f"available. Available metrics are: {','.join(logs or {})}", stacklevel=2)
        return value
