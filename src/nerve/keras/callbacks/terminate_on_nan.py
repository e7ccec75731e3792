"""``TerminateOnNaN``: stop as soon as the loss is NaN or infinite."""
from __future__ import annotations

import math

from .callback import Callback

__all__ = ["TerminateOnNaN"]


class TerminateOnNaN(Callback):
    """Stop training when a batch's ``'loss'`` is NaN or ±inf, saying which batch.

    Sets ``model.stop_training``; ``fit`` checks it after every batch.

    Example:
        >>> model.fit(x, y, epochs=10, callbacks=[TerminateOnNaN()])
        Batch 41: Invalid loss nan, terminating training
    """

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        loss = float(loss)
        if math.isnan(loss) or math.isinf(loss):
            print(f"Batch {batch}: Invalid loss {loss}, terminating training")
            self.model.stop_training = True
