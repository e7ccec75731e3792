"""``ModelCheckpoint``: save the model (or its weights) every epoch or every N batches."""
from __future__ import annotations

import math
import operator
import os
import warnings

from ._monitor import check_mode, get_scalar, monitor_op
from .callback import Callback

__all__ = ["ModelCheckpoint"]


class ModelCheckpoint(Callback):
    """Save the model during training, optionally only when ``monitor`` improves.

    ``filepath`` may hold ``str.format`` fields filled from the logs of the
    moment plus ``epoch`` (counted from 1, as in Keras) and, with an integer
    ``save_freq``, ``batch`` (from 1): ``"ckpt/{epoch:02d}-{val_loss:.2f}.safetensors"``.
    Missing folders are created. The file is written by ``model.save(filepath)``
    (model and optimizer state) or ``model.save_weights(filepath)``; both
    write atomically, so an interrupted run never leaves a half-written file.
    Unlike Keras, no file extension is imposed (nerve writes safetensors).

    With ``save_best_only=True`` a save happens only when ``monitor`` beats
    the best value so far (strictly: ``<`` for ``mode='min'``, ``>`` for
    ``'max'``; the first value always counts unless ``initial_value_threshold``
    is given and not beaten). If ``monitor`` is missing from the logs it warns
    and saves anyway (Keras 3).

    Args:
        filepath: path or format string of the checkpoint file.
        monitor: log key compared by ``save_best_only`` (default ``'val_loss'``).
        verbose: 1 prints a line for every save / non-improvement.
        save_best_only: save only improvements.
        save_weights_only: call ``model.save_weights`` instead of ``model.save``.
        mode: ``'auto'``, ``'min'`` or ``'max'`` (see :class:`EarlyStopping`).
        save_freq: ``'epoch'``, or an integer: save every that many batches.
        initial_value_threshold: starting "best" value for ``save_best_only``.

    Example:
        >>> ckpt = ModelCheckpoint("ckpt/best.safetensors", save_best_only=True)
        >>> model.fit(x, y, validation_split=0.2, epochs=20, callbacks=[ckpt])
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch",
                 initial_value_threshold=None):
        super().__init__()
        self.filepath = os.fspath(filepath)
        self.monitor = monitor
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.mode = check_mode("ModelCheckpoint", mode)
        if save_freq != "epoch" and not (isinstance(save_freq, int) and not isinstance(save_freq, bool)
                                         and save_freq > 0):
            raise ValueError(f"Unrecognized save_freq: {save_freq!r}. "
                             "Expected save_freq are 'epoch' or a positive integer (batches)")
        self.save_freq = save_freq
        self.initial_value_threshold = initial_value_threshold
        self.best = initial_value_threshold
        self.monitor_op = None
        self._current_epoch = 0
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0

    def _set_monitor_op(self):
        self.monitor_op = monitor_op("ModelCheckpoint", self.monitor, self.mode, self.model)
        if self.best is None:
            self.best = math.inf if self.monitor_op is operator.lt else -math.inf

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        # Count batches across epochs (batch restarts from 0 each epoch).
        if batch <= self._last_batch_seen:
            added = batch + 1
        else:
            added = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            self._save_model(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save_model(epoch, None, logs)

    def _get_file_path(self, epoch, batch, logs):
        logs = dict(logs or {})
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as e:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". '
                           f"Reason: {e} is not in the logs (available: {sorted(logs)})") from None

    def _should_save(self, epoch, logs, filepath) -> bool:
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        if self.monitor_op is None:
            self._set_monitor_op()
        current = get_scalar(logs, self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=3)
            return True
        if self.monitor_op(current, self.best):
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {self.best:.5f} to "
                      f"{current:.5f}, saving model to {filepath}")
            self.best = current
            return True
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {self.best:.5f}")
        return False

    def _save_model(self, epoch, batch, logs):
        filepath = self._get_file_path(epoch, batch, logs)
        if not self._should_save(epoch, logs, filepath):
            return
        if os.path.isdir(filepath):
            raise IsADirectoryError(f"Please specify a non-directory filepath for ModelCheckpoint. "
                                    f"Filepath used is an existing directory: {filepath}")
        dirname = os.path.dirname(filepath)
        if dirname:
            try:
                os.makedirs(dirname, exist_ok=True)
            except (FileExistsError, NotADirectoryError):
                raise NotADirectoryError(
                    f"ModelCheckpoint cannot save to {filepath!r}: a part of the folder {dirname!r} is an existing "
                    "file, not a folder") from None
        if self.save_weights_only:
            self.model.save_weights(filepath)
        else:
            self.model.save(filepath)
