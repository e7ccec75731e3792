"""ASGD: averaged stochastic gradient descent."""
from __future__ import annotations

from .._backend import np
from .adam import _check_unsupported
from .nadam import _scalar_round, _ScalarState
from .optimizer import Optimizer, _to_float

__all__ = ["ASGD"]

_KEYS = (("ax", 0.0),)


class ASGD(_ScalarState, Optimizer):
    r"""Averaged stochastic gradient descent (Polyak & Juditsky, 1992): ``torch.optim.ASGD``.

    Args:
        params: parameters or param groups (see ``Optimizer``).
        lr: learning rate :math:`\gamma` (default 1e-2).
        lambd: decay term :math:`\lambda` (default 1e-4).
        alpha: power :math:`\alpha` of the step-size decay (default 0.75).
        t0: step :math:`t_0` at which averaging starts (default 1e6).
        weight_decay: :math:`w`, L2 penalty added to the gradient (default 0).
        foreach: ``None``/``True``: flat buffers (fast); ``False``: per parameter.
        maximize: maximize the objective instead of minimizing it (default False).

    Update rule, for each parameter :math:`\theta` with gradient :math:`g_t` at step t::

        g_t = -g_t                              if maximize
        g_t = g_t + w θ_{t-1}                   if w != 0
        θ_t = θ_{t-1} (1 - λ η_t) - η_t g_t
        a_t = a_{t-1} + μ_t (θ_t - a_t-1)       (ax; a copy of θ_t while μ_t = 1)
        η_{t+1} = γ / (1 + λ γ t)^α             (eta; η_1 = γ)
        μ_{t+1} = 1 / max(1, t - t_0)           (mu)

    The averaged parameters are ``optimizer.state[p]["ax"]``. State per parameter:
    ``step``, ``eta`` and ``mu`` (floats, rounded to float32 as PyTorch's 0-d
    tensors are) and ``ax``.

    Example:
        >>> opt = nerve.optim.ASGD(model.parameters(), lr=1e-2, t0=100)
    """

    _scalar_keys = ("eta", "mu")

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0,
                 foreach=None, maximize=False, differentiable=False, capturable=False):
        lr = _to_float(lr, "lr")
        _check_unsupported(capturable, differentiable)
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=False, capturable=False)
        self._validate_group(defaults)
        self._run_states = None
        super().__init__(params, defaults)

    def _validate_group(self, group):
        if not 0.0 <= group["lr"]:
            raise ValueError(f"Invalid learning rate: {group['lr']}")
        if not 0.0 <= group["weight_decay"]:
            raise ValueError(f"Invalid weight_decay value: {group['weight_decay']}")

    # keys an older state dict may lack (filled in by Optimizer._setstate_groups)
    _group_defaults = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}

    def _state_keys(self, group):
        return _KEYS

    def _scalar_init(self, group):
        return {"eta": _scalar_round(group["lr"]), "mu": 1.0}

    def _prepare(self, group, step, fresh):
        run, (eta, mu) = self._run_scalars(group, fresh)
        lr, lambd = group["lr"], group["lambd"]
        sc = (group["weight_decay"], 1.0 - lambd * eta, -eta, mu, mu != 1)
        new_eta = _scalar_round(lr / ((1 + lambd * lr * step) ** group["alpha"]))
        new_mu = _scalar_round(1 / max(1, step - group["t0"]))
        for st in run:
            st["eta"] = new_eta
            st["mu"] = new_mu
        return (-1.0 if group["maximize"] else None), sc

    def _kernel(self, sc, P, G, bufs, scr):
        wd, decay, neg_eta, mu, averaging = sc
        ax = bufs[0]
        S = scr[0]
        if wd != 0:
            np.multiply(P, wd, out=S)
            G += S
        if decay != 1.0:
            P *= decay
        G *= neg_eta
        P += G
        if averaging:
            np.subtract(P, ax, out=S)
            S *= mu
            ax += S
        else:
            np.copyto(ax, P)
