"""RAdam: Adam with a rectified adaptive learning rate."""
from __future__ import annotations

from .._backend import np
from .adam import _check_betas, _check_common
from .adamax import _lerp_
from .optimizer import Optimizer, _to_float

__all__ = ["RAdam"]

_KEYS = (("exp_avg", 0.0), ("exp_avg_sq", 0.0))


class RAdam(Optimizer):
    r"""RAdam: rectified Adam (Liu et al., 2020): ``torch.optim.RAdam``.

    Args:
        params: parameters or param groups (see ``Optimizer``).
        lr: learning rate :math:`\gamma` (default 1e-3).
        betas: :math:`(\beta_1, \beta_2)` (default (0.9, 0.999)).
        eps: :math:`\epsilon`, added to the denominator (default 1e-8).
        weight_decay: :math:`\lambda` (default 0): an L2 penalty added to the gradient,
            or, with ``decoupled_weight_decay``, a direct decay of the weights (RAdamW).
        decoupled_weight_decay: decay the weights as AdamW does (default False).
        foreach: ``None``/``True``: flat buffers (fast); ``False``: per parameter.
        maximize: maximize the objective instead of minimizing it (default False).

    Update rule, for each parameter :math:`\theta` with gradient :math:`g_t` at step t::

        g_t = -g_t                              if maximize
        θ_{t-1} = θ_{t-1} (1 - γ λ)             if decoupled
        g_t = g_t + λ θ_{t-1}                   otherwise, if λ != 0
        m_t = β1 m_{t-1} + (1 - β1) g_t
        v_t = β2 v_{t-1} + (1 - β2) g_t²
        ρ_∞ = 2 / (1 - β2) - 1,   ρ_t = ρ_∞ - 2 t β2^t / (1 - β2^t)
        if ρ_t > 5:
            r_t = sqrt((ρ_t - 4)(ρ_t - 2) ρ_∞ / ((ρ_∞ - 4)(ρ_∞ - 2) ρ_t))
            θ_t = θ_{t-1} - γ r_t m_t / (1 - β1^t) · sqrt(1 - β2^t) / (sqrt(v_t) + ε)
        else:
            θ_t = θ_{t-1} - γ m_t / (1 - β1^t)

    State per parameter: ``step``, ``exp_avg`` and ``exp_avg_sq`` (both start at zero).

    Example:
        >>> opt = nerve.optim.RAdam(model.parameters(), lr=1e-3)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        lr = _to_float(lr, "lr")
        betas = tuple(_to_float(b, "betas") for b in betas)
        _check_common(lr, eps, weight_decay, capturable, differentiable)
        _check_betas(betas)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        foreach=foreach, capturable=False,
                        decoupled_weight_decay=bool(decoupled_weight_decay), differentiable=False)
        super().__init__(params, defaults)

    def _validate_group(self, group):
        _check_common(group["lr"], group["eps"], group["weight_decay"], False, False)
        _check_betas(group["betas"])

    # keys an older state dict may lack (filled in by Optimizer._setstate_groups)
    _group_defaults = {"foreach": None, "maximize": False,
                       "differentiable": False, "decoupled_weight_decay": False, "capturable": False}

    def _state_keys(self, group):
        return _KEYS

    def _prepare(self, group, step, fresh):
        lr, wd = group["lr"], group["weight_decay"]
        b1, b2 = group["betas"]
        bc1 = 1 - b1 ** step
        bc2 = 1 - b2 ** step
        rho_inf = 2 / (1 - b2) - 1
        rho_t = rho_inf - 2 * step * (b2 ** step) / bc2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            # m / bc1 * lr * (sqrt(bc2) / (sqrt(v) + eps)) * rect, with the scalars folded into one.
            coef = -(lr * rect * bc2 ** 0.5 / bc1)
        else:
            coef = None
        decoupled = group["decoupled_weight_decay"]
        sc = (1.0 - b1, b2, 1.0 - b2, group["eps"],
              wd if (wd != 0 and not decoupled) else 0.0,
              (1.0 - lr * wd) if (wd != 0 and decoupled) else 1.0,
              coef is not None, coef if coef is not None else 0.0, bc1, lr)
        return (-1.0 if group["maximize"] else None), sc

    def _kernel(self, sc, P, G, bufs, scr):
        c1, b2, c2, eps, l2, decay, rectified, coef, bc1, lr = sc
        m, v = bufs
        S = scr[0]
        if decay != 1.0:
            P *= decay
        if l2:
            np.multiply(P, l2, out=S)
            G += S
        _lerp_(m, G, c1, S)
        np.multiply(G, c2, out=S)       # addcmul: (value * g) * g
        S *= G
        v *= b2
        v += S
        if rectified:
            np.sqrt(v, out=S)
            S += eps
            np.divide(m, S, out=S)
            S *= coef
            P += S
        else:
            np.divide(m, bc1, out=S)    # the unrectified steps: -(m / bc1) * lr
            S *= lr
            P -= S
