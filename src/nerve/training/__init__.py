"""The one training loop: the step functions both faces of nerve use.

A manual PyTorch-style loop and ``nerve.keras.Model.fit`` run the same code::

    from nerve.training import train_step, test_step
    for xb, yb in loader:
        loss, out = train_step(model, xb, yb, loss_fn, optimizer)   # forward, loss, zero_grad, backward, step

``fit`` only adds batching (``nerve.training._data``), metric bookkeeping and
callback hooks around :func:`train_step`.
"""
from .data import (  # noqa: F401
    ArrayBatches, IterableBatches, epoch_permutation, train_validation_split, unpack_x_y_sample_weight,
)
from .step import predict_step, regularization_loss, test_step, train_step  # noqa: F401

__all__ = [
    "train_step", "test_step", "predict_step", "regularization_loss",
    "ArrayBatches", "IterableBatches", "epoch_permutation", "train_validation_split",
    "unpack_x_y_sample_weight",
]
