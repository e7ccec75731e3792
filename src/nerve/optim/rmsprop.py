"""RMSprop."""
from __future__ import annotations

from .._backend import np
from .adam import _check_unsupported
from .optimizer import Optimizer, _to_float

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop (Hinton's lecture 6e; Graves 2013 for ``centered``): ``torch.optim.RMSprop``.

    Args:
        params: parameters or param groups (see ``Optimizer``).
        lr: learning rate :math:`\gamma` (default 1e-2).
        alpha: smoothing constant :math:`\alpha` of the squared-gradient average (default 0.99).
        eps: :math:`\epsilon`, added to the denominator (default 1e-8).
        weight_decay: :math:`\lambda`, L2 penalty added to the gradient (default 0).
        momentum: momentum factor :math:`\mu` (default 0).
        centered: normalize by an estimate of the gradient's variance instead of its
            second moment (default False).
        maximize: maximize the objective instead of minimizing it (default False).
        foreach: ``None``/``True``: flat buffers (fast); ``False``: per parameter.

    Update rule, for each parameter :math:`\theta` with gradient :math:`g_t`::

        g_t = -g_t                              if maximize
        g_t = g_t + λ θ_{t-1}                   if λ != 0
        v_t = α v_{t-1} + (1 - α) g_t²
        a_t = sqrt(v_t) + ε                     (square_avg)
        if centered:
            ḡ_t = α ḡ_{t-1} + (1 - α) g_t        (grad_avg)
            a_t = sqrt(v_t - ḡ_t²) + ε
        if μ > 0:
            b_t = μ b_{t-1} + g_t / a_t
            θ_t = θ_{t-1} - γ b_t
        else:
            θ_t = θ_{t-1} - γ g_t / a_t

    State per parameter: ``step``, ``square_avg`` and, as options require,
    ``momentum_buffer`` and ``grad_avg`` (all starting at zero).

    Example:
        >>> opt = nerve.optim.RMSprop(model.parameters(), lr=1e-3, momentum=0.9)
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False, differentiable=False):
        lr = _to_float(lr, "lr")
        _check_unsupported(capturable, differentiable)
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=False, foreach=foreach,
                        maximize=maximize, differentiable=False)
        self._validate_group(defaults)
        super().__init__(params, defaults)

    def _validate_group(self, group):
        if not 0.0 <= group["lr"]:
            raise ValueError(f"Invalid learning rate: {group['lr']}")
        if not 0.0 <= group["eps"]:
            raise ValueError(f"Invalid epsilon value: {group['eps']}")
        if not 0.0 <= group["momentum"]:
            raise ValueError(f"Invalid momentum value: {group['momentum']}")
        if not 0.0 <= group["weight_decay"]:
            raise ValueError(f"Invalid weight_decay value: {group['weight_decay']}")
        if not 0.0 <= group["alpha"]:
            raise ValueError(f"Invalid alpha value: {group['alpha']}")

    # keys an older state dict may lack (filled in by Optimizer._setstate_groups)
    _group_defaults = {"momentum": 0, "centered": False, "foreach": None,
                       "maximize": False, "differentiable": False, "capturable": False}

    def _state_keys(self, group):
        keys = (("square_avg", 0.0),)
        if group["momentum"] > 0:
            keys += (("momentum_buffer", 0.0),)
        if group["centered"]:
            keys += (("grad_avg", 0.0),)
        return keys

    def _num_scratch(self, group):
        return 2 if group["centered"] else 1

    def _prepare(self, group, step, fresh):
        return (-1.0 if group["maximize"] else None), (
            group["lr"], group["alpha"], group["eps"], group["weight_decay"], group["momentum"],
            group["centered"])

    def _kernel(self, sc, P, G, bufs, scr):
        lr, alpha, eps, wd, mom, centered = sc
        S = scr[0]
        if wd != 0:
            np.multiply(P, wd, out=S)
            G += S
        sq = bufs[0]
        sq *= alpha
        np.multiply(G, G, out=S)
        S *= 1.0 - alpha
        sq += S
        if centered:
            ga = bufs[-1]
            np.subtract(G, ga, out=S)      # grad_avg.lerp_(g, 1 - alpha)
            S *= 1.0 - alpha
            ga += S
            np.multiply(ga, ga, out=S)
            np.subtract(sq, S, out=S)
            np.sqrt(S, out=S)
        else:
            np.sqrt(sq, out=S)
        S += eps
        np.divide(G, S, out=S)
        if mom > 0:
            buf = bufs[1]
            buf *= mom
            buf += S
            np.multiply(buf, -lr, out=S)
        else:
            S *= -lr
        P += S
