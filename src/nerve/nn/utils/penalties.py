"""Weight penalties for a hand-written training loop: ``l1_penalty``, ``l2_penalty``.

Add them to the loss and the gradient step does the rest::

    for x, y in loader:
        out = model(x)
        loss = criterion(out, y) + 1e-4 * nn.utils.l2_penalty(nn.utils.decay_parameters(model))
        opt.zero_grad()
        loss.backward()
        opt.step()

``lam * l2_penalty(params)`` adds ``2 * lam * w`` to each gradient, so it equals
an optimizer's ``weight_decay = 2 * lam`` for plain SGD (not for Adam, where
decoupled decay, ``AdamW``, is the usual choice).
"""
from __future__ import annotations

from ... import _backend as B
from ...tensor import Tensor

__all__ = ["decay_parameters", "l1_penalty", "l2_penalty"]


def _total(parameters, term, name):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    total = None
    for p in parameters:
        if p is None:
            continue
        if not isinstance(p, Tensor):
            raise TypeError(
                f"{name}: expected an iterable of tensors (e.g. model.parameters()), got an element "
                f"of type {type(p).__name__}")
        t = term(p)
        total = t if total is None else total + t
    if total is None:
        return Tensor._make(B.np.zeros((), dtype=B.get_default_dtype()))
    return total


def l1_penalty(parameters):
    """``sum(|w|)`` over every element of every tensor in ``parameters`` (a differentiable scalar).

    The gradient with respect to each ``w`` is ``sign(w)`` (0 at exactly 0).

    Args:
        parameters: a tensor or an iterable of tensors, e.g. ``model.parameters()``.

    Returns:
        A 0-d tensor (0. for an empty iterable).

    Example:
        >>> loss = criterion(model(x), y) + 1e-5 * nn.utils.l1_penalty(model.parameters())
    """
    return _total(parameters, lambda p: p.abs().sum(), "l1_penalty")


def l2_penalty(parameters):
    """``sum(w ** 2)`` over every element of every tensor in ``parameters`` (a differentiable scalar).

    This is the squared L2 norm (no square root, no 1/2): the gradient with
    respect to each ``w`` is ``2 * w``.

    Args:
        parameters: a tensor or an iterable of tensors, e.g. ``model.parameters()``.

    Returns:
        A 0-d tensor (0. for an empty iterable).

    Example:
        >>> loss = criterion(model(x), y) + 1e-4 * nn.utils.l2_penalty(model.parameters())
    """
    return _total(parameters, lambda p: (p * p).sum(), "l2_penalty")


def decay_parameters(model):
    """Yield the parameters of ``model`` that are usually penalised: weight matrices and kernels.

    That is every parameter with 2 or more dims (``Linear``, ``Conv*``, recurrent and
    embedding weights), and not biases or normalisation scales and shifts (1-d),
    which weight decay would only pull towards zero for no gain. Shared
    parameters are yielded once.

    Example:
        >>> model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.Linear(8, 2))
        >>> [tuple(p.shape) for p in nn.utils.decay_parameters(model)]
        [(8, 4), (2, 8)]
    """
    for _, p in model.named_parameters():
        if p.ndim >= 2:
            yield p
