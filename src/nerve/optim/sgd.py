"""Stochastic gradient descent, with momentum and Nesterov momentum."""
from __future__ import annotations

from .._backend import np
from .adam import _check_unsupported
from .optimizer import Optimizer, _to_float

__all__ = ["SGD"]

_KEYS = (("momentum_buffer", 0.0),)


class SGD(Optimizer):
    r"""Stochastic gradient descent, optionally with (Nesterov) momentum: ``torch.optim.SGD``.

    Args:
        params: parameters or param groups (see ``Optimizer``).
        lr: learning rate :math:`\gamma` (default 1e-3).
        momentum: momentum factor :math:`\mu` (default 0).
        dampening: dampening :math:`\tau` for momentum (default 0).
        weight_decay: :math:`\lambda`, L2 penalty added to the gradient (default 0).
        nesterov: use Nesterov momentum (needs momentum > 0 and dampening 0).
        maximize: maximize the objective instead of minimizing it (default False).
        foreach: ``None``/``True``: flat buffers (fast); ``False``: per parameter.

    Update rule, for each parameter :math:`\theta` with gradient :math:`g_t`::

        g_t = -g_t                              if maximize
        g_t = g_t + λ θ_{t-1}                   if λ != 0
        if μ != 0:
            b_t = g_t                           at the first step
            b_t = μ b_{t-1} + (1 - τ) g_t       afterwards
            g_t = g_t + μ b_t                   if nesterov
            g_t = b_t                           otherwise
        θ_t = θ_{t-1} - γ g_t

    State per parameter (only with momentum): ``momentum_buffer``. As in PyTorch
    the buffer starts as a copy of the first gradient (not zero), so the classic
    "momentum" and "Nesterov" optimizers are ``SGD(momentum=0.9)`` and
    ``SGD(momentum=0.9, nesterov=True)``.

    Example:
        >>> opt = nerve.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
        >>> opt.zero_grad(); loss.backward(); opt.step()
    """

    _has_step = False

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None):
        lr = _to_float(lr, "lr")
        _check_unsupported(False, differentiable)
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize, foreach=foreach, differentiable=False,
                        fused=fused)
        self._validate_group(defaults)
        super().__init__(params, defaults)

    def _validate_group(self, group):
        if group["lr"] < 0.0:
            raise ValueError(f"Invalid learning rate: {group['lr']}")
        if group["momentum"] < 0.0:
            raise ValueError(f"Invalid momentum value: {group['momentum']}")
        if group["weight_decay"] < 0.0:
            raise ValueError(f"Invalid weight_decay value: {group['weight_decay']}")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")

    def _setstate_groups(self):
        for g in self.param_groups:
            g.setdefault("nesterov", False)
            g.setdefault("maximize", False)
            g.setdefault("foreach", None)
            g.setdefault("differentiable", False)
            g.setdefault("fused", None)

    def _state_keys(self, group):
        return _KEYS if group["momentum"] != 0 else ()

    def _prepare(self, group, step, fresh):
        lr, mom, wd = group["lr"], group["momentum"], group["weight_decay"]
        sign = -1.0 if group["maximize"] else 1.0
        if mom == 0 and wd == 0:
            # Plain SGD: gather -lr*g and add it: two passes in all.
            return -lr * sign, (True, lr, 0.0, 0.0, 0.0, False, False)
        return (None if sign == 1.0 else -1.0), (
            False, lr, mom, 1.0 - group["dampening"], wd, group["nesterov"], fresh)

    def _kernel(self, sc, P, G, bufs, scr):
        prescaled, lr, mom, damp_c, wd, nesterov, first = sc
        if prescaled:
            P += G
            return
        S = scr[0]
        if wd != 0:
            np.multiply(P, wd, out=S)
            G += S
        if mom != 0:
            buf = bufs[0]
            if first:
                np.copyto(buf, G)
            else:
                buf *= mom
                if damp_c != 1.0:
                    np.multiply(G, damp_c, out=S)
                    buf += S
                else:
                    buf += G
            if nesterov:
                np.multiply(buf, mom, out=S)
                G += S
            else:
                G = buf
        np.multiply(G, -lr, out=S)
        P += S
