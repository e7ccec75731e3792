"""Adadelta."""
from __future__ import annotations

from .._backend import np
from .adam import _check_unsupported
from .optimizer import Optimizer, _to_float

__all__ = ["Adadelta"]

_KEYS = (("square_avg", 0.0), ("acc_delta", 0.0))


class Adadelta(Optimizer):
    r"""Adadelta (Zeiler, 2012): ``torch.optim.Adadelta``.

    Args:
        params: parameters or param groups (see ``Optimizer``).
        lr: coefficient :math:`\gamma` that scales the delta before it is applied (default 1.0).
        rho: :math:`\rho`, decay rate of the running averages (default 0.9).
        eps: :math:`\epsilon`, added inside both square roots (default 1e-6).
        weight_decay: :math:`\lambda`, L2 penalty added to the gradient (default 0).
        foreach: ``None``/``True``: flat buffers (fast); ``False``: per parameter.
        maximize: maximize the objective instead of minimizing it (default False).

    Update rule, for each parameter :math:`\theta` with gradient :math:`g_t`::

        g_t = -g_t                              if maximize
        g_t = g_t + λ θ_{t-1}                   if λ != 0
        v_t = ρ v_{t-1} + (1 - ρ) g_t²          (square_avg)
        Δ_t = sqrt(u_{t-1} + ε) / sqrt(v_t + ε) · g_t
        u_t = ρ u_{t-1} + (1 - ρ) Δ_t²          (acc_delta)
        θ_t = θ_{t-1} - γ Δ_t

    State per parameter: ``step``, ``square_avg`` and ``acc_delta`` (both start at zero).

    Example:
        >>> opt = nerve.optim.Adadelta(model.parameters())
        >>> opt.zero_grad(); loss.backward(); opt.step()
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        lr = _to_float(lr, "lr")
        _check_unsupported(capturable, differentiable)
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=False, foreach=foreach, differentiable=False)
        self._validate_group(defaults)
        super().__init__(params, defaults)

    def _validate_group(self, group):
        if not 0.0 <= group["lr"]:
            raise ValueError(f"Invalid learning rate: {group['lr']}")
        if not 0.0 <= group["rho"] <= 1.0:
            raise ValueError(f"Invalid rho value: {group['rho']}")
        if not 0.0 <= group["eps"]:
            raise ValueError(f"Invalid epsilon value: {group['eps']}")
        if not 0.0 <= group["weight_decay"]:
            raise ValueError(f"Invalid weight_decay value: {group['weight_decay']}")

    # keys an older state dict may lack (filled in by Optimizer._setstate_groups)
    _group_defaults = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}

    def _state_keys(self, group):
        return _KEYS

    def _num_scratch(self, group):
        return 2

    def _prepare(self, group, step, fresh):
        rho = group["rho"]
        return (-1.0 if group["maximize"] else None), (
            group["lr"], rho, 1.0 - rho, group["eps"], group["weight_decay"])

    def _kernel(self, sc, P, G, bufs, scr):
        lr, rho, c, eps, wd = sc
        sq, acc = bufs
        S, D = scr
        if wd != 0:
            np.multiply(P, wd, out=S)
            G += S
        np.multiply(G, c, out=S)        # addcmul: (value * g) * g
        S *= G
        sq *= rho
        sq += S
        np.add(sq, eps, out=S)          # std = sqrt(v + eps)
        np.sqrt(S, out=S)
        np.add(acc, eps, out=D)         # delta = sqrt(u + eps) / std * g
        np.sqrt(D, out=D)
        D /= S
        D *= G
        np.multiply(D, c, out=S)
        S *= D
        acc *= rho
        acc += S
        D *= -lr
        P += D
