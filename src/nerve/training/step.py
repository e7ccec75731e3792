"""``train_step`` / ``test_step`` / ``predict_step``: one batch, written as a manual loop would.

Conventions (PyTorch's): ``loss_fn(output, target)`` or, with sample weights,
``loss_fn(output, target, sample_weight)``; ``optimizer`` has ``zero_grad()`` and
``step()`` (any ``nerve.optim`` optimizer or a ``nerve.keras.optimizers`` one).
A model that has a ``losses`` attribute (Keras models: kernel/bias regularisation
penalties and ``add_loss`` terms) gets those added to the loss, as Keras does.
"""
from __future__ import annotations

from ..autograd.grad_mode import _enabled

__all__ = ["train_step", "test_step", "predict_step", "regularization_loss"]


def regularization_loss(model):
    """The sum of ``model.losses`` (regularisation penalties) or ``None`` when there are none.

    Plain ``nerve.nn.Module`` models have no ``losses`` attribute and give ``None``.

    Example:
        >>> penalty = regularization_loss(model)    # Dense(..., kernel_regularizer=l2(1e-4))
    """
    losses = getattr(model, "losses", None)
    if not losses:
        return None
    total = losses[0]
    for extra in losses[1:]:
        total = total + extra
    return total


def train_step(model, x, y, loss_fn, optimizer, sample_weight=None):
    """One optimisation step on a batch: forward, loss (+ penalties), zero_grad, backward, step.

    Exactly the body of a manual loop; ``nerve.keras.Model.fit`` calls it once per batch.

    Args:
        model: a callable module; ``model(x)`` gives the output.
        x: the input batch (a Tensor, or a list/dict of Tensors for multi-input models).
        y: the target batch, passed to ``loss_fn`` unchanged.
        loss_fn: ``loss_fn(output, y)`` (or ``loss_fn(output, y, sample_weight)``) -> scalar Tensor.
        optimizer: has ``zero_grad()`` and ``step()``.
        sample_weight: optional per-sample weights, passed to ``loss_fn``.

    Returns:
        ``(loss, output)``: the scalar loss Tensor (penalties included) and the model output.

    Example:
        >>> model.train()
        >>> for xb, yb in loader:
        ...     loss, _ = train_step(model, xb, yb, nn.CrossEntropyLoss(), opt)
    """
    output = model(x)
    loss = loss_fn(output, y) if sample_weight is None else loss_fn(output, y, sample_weight)
    penalty = regularization_loss(model)
    if penalty is not None:
        loss = loss + penalty
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss, output


def test_step(model, x, y, loss_fn, sample_weight=None):
    """Forward and loss (+ penalties) on a batch without recording the graph; returns ``(loss, output)``.

    Example:
        >>> model.eval()
        >>> loss, out = test_step(model, xb, yb, nn.CrossEntropyLoss())
    """
    prev = _enabled[0]
    _enabled[0] = False
    try:
        output = model(x)
        loss = loss_fn(output, y) if sample_weight is None else loss_fn(output, y, sample_weight)
        penalty = regularization_loss(model)
        if penalty is not None:
            loss = loss + penalty
    finally:
        _enabled[0] = prev
    return loss, output


def predict_step(model, x):
    """The model output on a batch, without recording the graph.

    Example:
        >>> probs = predict_step(model, xb)
    """
    prev = _enabled[0]
    _enabled[0] = False
    try:
        return model(x)
    finally:
        _enabled[0] = prev
