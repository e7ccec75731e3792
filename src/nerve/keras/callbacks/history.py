"""``History``: records every epoch's logs; ``fit`` returns it."""
from __future__ import annotations

from .callback import Callback

__all__ = ["History"]


class History(Callback):
    """Records the epoch logs: ``history.history['val_loss'][i]`` is epoch ``i``'s value.

    ``fit`` adds one automatically and returns it (it is also
    ``model.history``).

    Attributes:
        history: dict metric name -> list of per-epoch values.
        epoch: list of the epoch indices recorded (from 0).
        params, model: as for every callback.

    Example:
        >>> history = model.fit(x, y, epochs=5, validation_split=0.2, verbose=0)
        >>> history.history["val_loss"]      # five floats
        >>> history.plot("curves.png")       # one panel per metric
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)
        # As Keras: the model points at the latest history once an epoch is done.
        if self.model is not None:
            try:
                self.model.history = self
            except AttributeError:
                pass

    def plot(self, path=None, metrics=None):
        """Plot the curves with :func:`nerve.plot.plot_history` (needs matplotlib).

        Args:
            path: save the PNG there (None: only return the figure).
            metrics: names to plot (e.g. ``["loss", "accuracy"]``); default all.

        Returns:
            The matplotlib ``Figure``.
        """
        from nerve.plot import plot_history  # noqa: PLC0415 - matplotlib is optional
        return plot_history(self, path=path, metrics=metrics)
