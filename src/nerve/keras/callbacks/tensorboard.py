"""``TensorBoard``: scalar (and histogram) event files for TensorBoard."""
from __future__ import annotations

import os
import warnings

from ..._backend import np

from .callback import Callback

__all__ = ["TensorBoard"]


def _summary_writer_class():
    try:
        from tensorboardX import SummaryWriter  # noqa: PLC0415 - optional dependency
    except ImportError as e:
        raise ImportError(
            "The TensorBoard callback writes event files with tensorboardX, which is not "
            'installed. Install it with: pip install "nerve[tensorboard]" '
            f"(or pip install tensorboardX). ({e})") from None
    return SummaryWriter


def _named_weights(model):
    """``(name, numpy array)`` pairs of the model's weights for histograms."""
    named = getattr(model, "named_weights", None)
    if callable(named):
        return list(named())
    state_dict = getattr(model, "state_dict", None)
    if callable(state_dict):
        out = []
        for k, v in state_dict().items():
            d = getattr(v, "_data", v)
            get = getattr(d, "get", None)
            out.append((k, np.asarray(get() if callable(get) else d)))
        return out
    return [(f"weight_{i}", np.asarray(w)) for i, w in enumerate(model.get_weights())]


class TensorBoard(Callback):
    """Log the training curves for TensorBoard (``tensorboard --logdir logs``).

    Like Keras, training values go to ``log_dir/train`` and validation values
    (the ``val_`` keys, prefix removed) to ``log_dir/validation``, as scalars
    named ``epoch_<key>`` at step ``epoch`` (from 0): ``epoch_loss``,
    ``epoch_accuracy``, ... plus ``epoch_learning_rate`` when the model's
    optimizer exposes ``learning_rate``. With ``update_freq='batch'`` or an
    integer N, the batch logs (running means) are also written as
    ``batch_<key>`` every N batches, at step = batches seen since the start
    of training (from 1). ``histogram_freq=k`` writes every weight as a
    histogram ``<name>/histogram`` every k epochs.

    Needs tensorboardX: ``pip install "nerve[tensorboard]"``.

    Args:
        log_dir: folder of the run.
        histogram_freq: epochs between weight histograms (0: none).
        write_graph: not supported (nerve has no static graph); a warning is
            given if True.
        update_freq: ``'epoch'``, ``'batch'`` or an integer number of batches.

    Example:
        >>> model.fit(x, y, validation_split=0.1, epochs=10,
        ...           callbacks=[TensorBoard(log_dir="logs/run1")])
    """

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=False, update_freq="epoch"):
        super().__init__()
        self._SummaryWriter = _summary_writer_class()
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = int(histogram_freq)
        if write_graph:
            warnings.warn("TensorBoard(write_graph=True) is not supported by nerve: the graph "
                          "is built anew at every step (define-by-run); no graph is written.",
                          stacklevel=2)
        self.write_graph = write_graph
        if update_freq == "batch":
            update_freq = 1
        if update_freq != "epoch" and not (isinstance(update_freq, int) and update_freq > 0):
            raise ValueError(f"TensorBoard: update_freq must be 'epoch', 'batch' or a positive "
                             f"integer, got {update_freq!r}")
        self.update_freq = update_freq
        self._writers = {}
        self._global_train_batch = 0

    def _writer(self, which):
        w = self._writers.get(which)
        if w is None:
            w = self._SummaryWriter(logdir=os.path.join(self.log_dir, which))
            self._writers[which] = w
        return w

    def on_train_begin(self, logs=None):
        self._global_train_batch = 0
        os.makedirs(self.log_dir, exist_ok=True)

    def on_train_batch_end(self, batch, logs=None):
        self._global_train_batch += 1
        if self.update_freq == "epoch" or not logs or self._global_train_batch % self.update_freq:
            return
        w = self._writer("train")
        for k, v in logs.items():
            try:
                w.add_scalar("batch_" + k, float(v), global_step=self._global_train_batch)
            except (TypeError, ValueError):
                continue

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        if "learning_rate" not in train:
            lr = getattr(getattr(self.model, "optimizer", None), "learning_rate", None)
            if isinstance(lr, (int, float, np.floating)):
                train["learning_rate"] = float(lr)
        for which, values in (("train", train), ("validation", val)):
            if not values:
                continue
            w = self._writer(which)
            for k, v in values.items():
                try:
                    w.add_scalar("epoch_" + k, float(v), global_step=epoch)
                except (TypeError, ValueError):
                    continue
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            w = self._writer("train")
            for name, arr in _named_weights(self.model):
                w.add_histogram(name.replace(":", "_") + "/histogram", arr, global_step=epoch)
        for w in self._writers.values():
            w.flush()

    def on_train_end(self, logs=None):
        for w in self._writers.values():
            w.close()
        self._writers = {}
