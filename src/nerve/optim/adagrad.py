"""Adagrad."""
from __future__ import annotations

from .. import _backend as B
from .._backend import np
from ..tensor import Tensor
from .adam import _check_unsupported
from .optimizer import Optimizer, _to_float

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad (Duchi et al., 2011): ``torch.optim.Adagrad``.

    Args:
        params: parameters or param groups (see ``Optimizer``).
        lr: learning rate :math:`\gamma` (default 1e-2).
        lr_decay: learning-rate decay :math:`\eta` (default 0).
        weight_decay: :math:`\lambda`, L2 penalty added to the gradient (default 0).
        initial_accumulator_value: starting value of the sum of squares (default 0).
        eps: :math:`\epsilon`, added to the denominator (default 1e-10).
        maximize: maximize the objective instead of minimizing it (default False).
        foreach: ``None``/``True``: flat buffers (fast); ``False``: per parameter.

    Update rule, for each parameter :math:`\theta` with gradient :math:`g_t` at step t::

        g_t = -g_t                              if maximize
        g_t = g_t + λ θ_{t-1}                   if λ != 0
        γ_t = γ / (1 + (t - 1) η)
        s_t = s_{t-1} + g_t²                    (sum)
        θ_t = θ_{t-1} - γ_t g_t / (sqrt(s_t) + ε)

    State per parameter: ``step`` and ``sum``; as in PyTorch it exists from
    construction (``sum`` filled with ``initial_accumulator_value``).

    Example:
        >>> opt = nerve.optim.Adagrad(model.parameters(), lr=0.1)
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None):
        lr = _to_float(lr, "lr")
        _check_unsupported(False, differentiable)
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=False, fused=fused)
        self._validate_group(defaults)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                if p._data.dtype.kind in "fc":
                    xp = B.array_module(p.device)
                    self.state[p] = {"step": 0.0, "sum": Tensor._make(
                        xp.full(p._data.shape, group["initial_accumulator_value"], p._data.dtype))}

    def _validate_group(self, group):
        if not 0.0 <= group["lr"]:
            raise ValueError(f"Invalid learning rate: {group['lr']}")
        if not 0.0 <= group["lr_decay"]:
            raise ValueError(f"Invalid lr_decay value: {group['lr_decay']}")
        if not 0.0 <= group["weight_decay"]:
            raise ValueError(f"Invalid weight_decay value: {group['weight_decay']}")
        if not 0.0 <= group["initial_accumulator_value"]:
            raise ValueError(
                f"Invalid initial_accumulator_value value: {group['initial_accumulator_value']}")
        if not 0.0 <= group["eps"]:
            raise ValueError(f"Invalid epsilon value: {group['eps']}")

    # keys an older state dict may lack (filled in by Optimizer._setstate_groups)
    _group_defaults = {"foreach": None, "maximize": False, "differentiable": False, "fused": None}

    def _state_keys(self, group):
        return (("sum", float(group["initial_accumulator_value"])),)

    def _prepare(self, group, step, fresh):
        clr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
        return (-1.0 if group["maximize"] else None), (clr, group["eps"], group["weight_decay"])

    def _kernel(self, sc, P, G, bufs, scr):
        clr, eps, wd = sc
        S = scr[0]
        if wd != 0:
            np.multiply(P, wd, out=S)
            G += S
        s = bufs[0]
        np.multiply(G, G, out=S)
        s += S
        np.sqrt(s, out=S)
        S += eps
        np.divide(G, S, out=S)
        S *= -clr
        P += S
