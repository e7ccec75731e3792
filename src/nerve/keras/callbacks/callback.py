"""``Callback``: the hooks ``fit`` (or a hand-written loop) calls while it trains."""
from __future__ import annotations

__all__ = ["Callback"]


class Callback:
    """Base class of callbacks: override the hooks you need, the others do nothing.

    ``fit`` calls, in this order::

        on_train_begin
          on_epoch_begin(epoch)                       epoch counts from 0
            on_train_batch_begin(batch)               batch counts from 0 in each epoch
            on_train_batch_end(batch, logs)           running means this epoch: 'loss', metrics
          (validation: on_test_begin, on_test_batch_begin/end, on_test_end)
          on_epoch_end(epoch, logs)                   'loss', metrics, 'val_loss', 'val_<metric>'
        on_train_end

    ``evaluate`` calls the ``on_test_*`` hooks and ``predict`` the
    ``on_predict_*`` hooks. As in Keras, the default ``on_train_batch_begin`` /
    ``on_train_batch_end`` call ``on_batch_begin`` / ``on_batch_end``, so
    overriding either name works.

    Attributes:
        model: the model being trained (set by :meth:`set_model`). It offers
            ``stop_training`` (set it to True to end ``fit`` after the current
            batch/epoch), ``optimizer.learning_rate`` (read and write),
            ``get_weights()`` / ``set_weights(list)``, ``save(path)`` and
            ``save_weights(path)``.
        params: dict with ``'epochs'``, ``'steps'`` (batches per epoch, or
            None) and ``'verbose'``.

    Example:
        >>> class PrintLoss(Callback):
        ...     def on_epoch_end(self, epoch, logs=None):
        ...         print(f"epoch {epoch + 1}: loss {logs['loss']:.4f}")
        >>> model.fit(x, y, epochs=3, callbacks=[PrintLoss()])
    """

    # Class-level defaults, for subclasses that forget ``super().__init__()``.
    model = None
    params = None

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        """Attach the model the hooks act on."""
        self.model = model

    def set_params(self, params):
        """Receive the training parameters (``epochs``, ``steps``, ``verbose``)."""
        self.params = params

    # ------------------------------------------------------------- training
    def on_train_begin(self, logs=None):
        """Called once at the start of ``fit``."""

    def on_train_end(self, logs=None):
        """Called once at the end of ``fit`` (also after an early stop)."""

    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of every epoch (``epoch`` counts from 0)."""

    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of every epoch with the epoch's training and validation logs."""

    def on_train_batch_begin(self, batch, logs=None):
        """Called before every training batch (``batch`` counts from 0 in each epoch)."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        """Called after every training batch; logs hold this epoch's running means."""
        self.on_batch_end(batch, logs=logs)

    def on_batch_begin(self, batch, logs=None):
        """Alias of :meth:`on_train_batch_begin` kept for Keras compatibility."""

    def on_batch_end(self, batch, logs=None):
        """Alias of :meth:`on_train_batch_end` kept for Keras compatibility."""

    # ----------------------------------------------------------- evaluation
    def on_test_begin(self, logs=None):
        """Called at the start of ``evaluate`` and of the validation pass in ``fit``."""

    def on_test_end(self, logs=None):
        """Called at the end of ``evaluate`` / the validation pass."""

    def on_test_batch_begin(self, batch, logs=None):
        """Called before every evaluation batch."""

    def on_test_batch_end(self, batch, logs=None):
        """Called after every evaluation batch."""

    # ----------------------------------------------------------- prediction
    def on_predict_begin(self, logs=None):
        """Called at the start of ``predict``."""

    def on_predict_end(self, logs=None):
        """Called at the end of ``predict``."""

    def on_predict_batch_begin(self, batch, logs=None):
        """Called before every prediction batch."""

    def on_predict_batch_end(self, batch, logs=None):
        """Called after every prediction batch."""
