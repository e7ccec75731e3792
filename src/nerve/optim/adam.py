"""Adam and AdamW."""
from __future__ import annotations

from .._backend import np
from .optimizer import Optimizer, _to_float

__all__ = ["Adam", "AdamW"]

_KEYS = (("exp_avg", 0.0), ("exp_avg_sq", 0.0))
_KEYS_AMS = _KEYS + (("max_exp_avg_sq", 0.0),)


class Adam(Optimizer):
    r"""Adam: adaptive moment estimation (Kingma & Ba, 2015), PyTorch's ``torch.optim.Adam``.

    Args:
        params: parameters or param groups (see ``Optimizer``).
        lr: learning rate :math:`\gamma` (default 1e-3).
        betas: :math:`(\beta_1, \beta_2)`, decay rates of the running averages of
            the gradient and of its square (default (0.9, 0.999)).
        eps: :math:`\epsilon`, added to the denominator for stability (default 1e-8).
        weight_decay: :math:`\lambda`, L2 penalty added to the gradient (default 0).
        amsgrad: use the maximum of all past :math:`v_t` (AMSGrad) (default False).
        maximize: maximize the objective instead of minimizing it (default False).
        foreach: ``None``/``True``: pack the group into flat buffers (fast, see
            ``Optimizer``); ``False``: update parameter by parameter. ``fused`` is
            accepted as a synonym of ``True``.
        decoupled_weight_decay: decay the weights directly (``AdamW``) (default False).

    Update rule, for each parameter :math:`\theta` with gradient :math:`g_t` at step t::

        g_t = -g_t                              if maximize
        g_t = g_t + λ θ_{t-1}                   if λ != 0 (and not decoupled)
        θ_{t-1} = θ_{t-1} (1 - γ λ)             if decoupled (AdamW)
        m_t = β1 m_{t-1} + (1 - β1) g_t
        v_t = β2 v_{t-1} + (1 - β2) g_t²
        v̂ = max(v̂, v_t) if amsgrad else v_t
        θ_t = θ_{t-1} - γ / (1 - β1^t) · m_t / (sqrt(v̂) / sqrt(1 - β2^t) + ε)

    State per parameter: ``step`` (a float), ``exp_avg`` (m), ``exp_avg_sq`` (v)
    and, with amsgrad, ``max_exp_avg_sq``. In float32 the results agree with
    PyTorch to rounding (PyTorch fuses some multiply-adds).

    Example:
        >>> opt = nerve.optim.Adam(model.parameters(), lr=1e-3)
        >>> for x, y in loader:
        ...     opt.zero_grad()
        ...     loss_fn(model(x), y).backward()
        ...     opt.step()
    """

    _decoupled_default = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=None):
        lr = _to_float(lr, "lr")
        betas = tuple(_to_float(b, "betas") for b in betas)
        if decoupled_weight_decay is None:
            decoupled_weight_decay = self._decoupled_default
        _check_common(lr, eps, weight_decay, capturable, differentiable)
        _check_betas(betas)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, foreach=foreach, capturable=False, differentiable=False,
                        fused=fused, decoupled_weight_decay=bool(decoupled_weight_decay))
        super().__init__(params, defaults)

    def _validate_group(self, group):
        _check_common(group["lr"], group["eps"], group["weight_decay"], False, False)
        _check_betas(group["betas"])

    def _setstate_groups(self):
        for g in self.param_groups:
            g.setdefault("amsgrad", False)
            g.setdefault("maximize", False)
            g.setdefault("foreach", None)
            g.setdefault("capturable", False)
            g.setdefault("differentiable", False)
            g.setdefault("fused", None)
            g.setdefault("decoupled_weight_decay", self._decoupled_default)
            if self._decoupled_default:
                g["decoupled_weight_decay"] = True

    def _state_keys(self, group):
        return _KEYS_AMS if group["amsgrad"] else _KEYS

    def _prepare(self, group, step, fresh):
        lr = group["lr"]
        b1, b2 = group["betas"]
        wd = group["weight_decay"]
        bc2_sqrt = (1 - b2 ** step) ** 0.5
        step_size = lr / (1 - b1 ** step)
        # m is kept as b1*m + G with G = (1-b1)*g gathered in one pass (the lerp
        # PyTorch computes), and v adds ((1-b1)g)² · (1-b2)/(1-b1)² = (1-b2)g².
        # The update -step_size·m/(sqrt(v)/bc2 + eps) is computed as
        # m/(sqrt(v) + eps·bc2) · (-step_size·bc2): the same value, one pass fewer.
        c1 = 1.0 - b1
        decoupled = group["decoupled_weight_decay"]
        sc = (b1, b2, (1.0 - b2) / (c1 * c1), group["eps"] * bc2_sqrt, -step_size * bc2_sqrt,
              (wd * c1) if (wd != 0 and not decoupled) else 0.0,
              (1.0 - lr * wd) if (wd != 0 and decoupled) else 1.0,
              group["amsgrad"])
        return (-c1 if group["maximize"] else c1), sc

    def _kernel(self, sc, P, G, bufs, scr):
        b1, b2, kv, eps_c, neg_step, l2, decay, amsgrad = sc
        m, v = bufs[0], bufs[1]
        S = scr[0]
        if l2:
            np.multiply(P, l2, out=S)
            G += S
        if decay != 1.0:
            P *= decay
        m *= b1
        m += G
        np.multiply(G, G, out=S)
        S *= kv
        v *= b2
        v += S
        if amsgrad:
            np.maximum(bufs[2], v, out=bufs[2])
            np.sqrt(bufs[2], out=S)
        else:
            np.sqrt(v, out=S)
        S += eps_c
        np.divide(m, S, out=S)
        S *= neg_step
        P += S


class AdamW(Adam):
    r"""AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

    Same arguments as ``Adam`` except ``weight_decay`` defaults to 1e-2 and is
    applied to the weights directly instead of being added to the gradient::

        θ_{t-1} = θ_{t-1} (1 - γ λ)
        m_t = β1 m_{t-1} + (1 - β1) g_t
        v_t = β2 v_{t-1} + (1 - β2) g_t²
        θ_t = θ_{t-1} - γ / (1 - β1^t) · m_t / (sqrt(v̂_t) / sqrt(1 - β2^t) + ε)

    Example:
        >>> opt = nerve.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.1)
    """

    _decoupled_default = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False,
                 differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable, differentiable=differentiable,
                         fused=fused, decoupled_weight_decay=True)


def _check_common(lr, eps, weight_decay, capturable, differentiable):
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")
    if not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")
    if not 0.0 <= weight_decay:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")
    _check_unsupported(capturable, differentiable)


def _check_unsupported(capturable=False, differentiable=False):
    if capturable:
        raise ValueError("capturable=True is not supported: nerve has no CUDA graphs; leave it False")
    if differentiable:
        raise ValueError("differentiable=True is not supported: nerve optimizers update raw arrays "
                         "outside the autograd graph; leave it False")


def _check_betas(betas):
    if len(betas) != 2:
        raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
