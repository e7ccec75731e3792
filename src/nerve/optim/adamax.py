"""Adamax, Adam's infinity-norm variant."""
from __future__ import annotations

from .._backend import np
from .adam import _check_betas, _check_common
from .optimizer import Optimizer, _to_float

__all__ = ["Adamax"]

_KEYS = (("exp_avg", 0.0), ("exp_inf", 0.0))


def _lerp_(m, G, w, S):
    """``m.lerp_(G, w)`` in place with PyTorch's two formulas (exact at both ends); uses ``S``."""
    np.subtract(G, m, out=S)
    if w < 0.5:
        S *= w
        m += S
    else:
        S *= 1.0 - w
        np.subtract(G, S, out=m)


class Adamax(Optimizer):
    r"""Adamax (Kingma & Ba, 2015, section 7.1): ``torch.optim.Adamax``.

    Args:
        params: parameters or param groups (see ``Optimizer``).
        lr: learning rate :math:`\gamma` (default 2e-3).
        betas: :math:`(\beta_1, \beta_2)`, decay rates of the gradient average and of
            the infinity norm (default (0.9, 0.999)).
        eps: :math:`\epsilon`, added to the gradient's magnitude (default 1e-8).
        weight_decay: :math:`\lambda`, L2 penalty added to the gradient (default 0).
        foreach: ``None``/``True``: flat buffers (fast); ``False``: per parameter.
        maximize: maximize the objective instead of minimizing it (default False).

    Update rule, for each parameter :math:`\theta` with gradient :math:`g_t` at step t::

        g_t = -g_t                              if maximize
        g_t = g_t + λ θ_{t-1}                   if λ != 0
        m_t = β1 m_{t-1} + (1 - β1) g_t         (exp_avg)
        u_t = max(β2 u_{t-1}, |g_t| + ε)        (exp_inf)
        θ_t = θ_{t-1} - γ / (1 - β1^t) · m_t / u_t

    State per parameter: ``step``, ``exp_avg`` and ``exp_inf`` (both start at zero).

    Example:
        >>> opt = nerve.optim.Adamax(model.parameters(), lr=2e-3)
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None,
                 *, maximize=False, differentiable=False, capturable=False):
        lr = _to_float(lr, "lr")
        betas = tuple(_to_float(b, "betas") for b in betas)
        _check_common(lr, eps, weight_decay, capturable, differentiable)
        _check_betas(betas)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize, differentiable=False, capturable=False)
        super().__init__(params, defaults)

    def _validate_group(self, group):
        _check_common(group["lr"], group["eps"], group["weight_decay"], False, False)
        _check_betas(group["betas"])

    # keys an older state dict may lack (filled in by Optimizer._setstate_groups)
    _group_defaults = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}

    def _state_keys(self, group):
        return _KEYS

    def _prepare(self, group, step, fresh):
        b1, b2 = group["betas"]
        clr = group["lr"] / (1 - b1 ** step)
        return (-1.0 if group["maximize"] else None), (
            1.0 - b1, b2, group["eps"], group["weight_decay"], -clr)

    def _kernel(self, sc, P, G, bufs, scr):
        c1, b2, eps, wd, neg_clr = sc
        m, u = bufs
        S = scr[0]
        if wd != 0:
            np.multiply(P, wd, out=S)
            G += S
        _lerp_(m, G, c1, S)
        np.abs(G, out=S)
        S += eps
        u *= b2
        np.maximum(u, S, out=u)
        np.multiply(m, neg_clr, out=S)  # addcdiv: (value * m) / u
        S /= u
        P += S
