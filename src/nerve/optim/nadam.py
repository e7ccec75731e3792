"""NAdam: Adam with Nesterov momentum."""
from __future__ import annotations

from .. import _backend as B
from .._backend import np
from ..tensor import Tensor
from .adam import _check_betas, _check_common
from .adamax import _lerp_
from .optimizer import Optimizer, _run, _to_float

__all__ = ["NAdam"]

_KEYS = (("exp_avg", 0.0), ("exp_avg_sq", 0.0))


def _scalar_round(x):
    """Round a Python float as PyTorch's scalar state tensors do (float32 unless the default is float64)."""
    return float(B.get_default_dtype().type(x))


class _ScalarState:
    """Mixin for optimizers whose state holds per-parameter *scalars* besides ``step``
    (NAdam's ``mu_product``, ASGD's ``eta`` and ``mu``).

    The scalars live in each parameter's state dict as Python floats, right after
    ``step`` (PyTorch's key order), rounded as PyTorch's 0-d float32 tensors round
    them. Parameters share one kernel call only when their scalars agree too, so
    ``_prepare`` reads them from the first parameter of the run
    (``self._run_states``) and writes the new values to all of them.
    """

    _scalar_keys = ()

    def _scalar_init(self, group):
        """{key: initial value} of the scalars of a fresh state."""
        raise NotImplementedError

    def _run_sig(self, st):
        if not st:
            return None
        return (st.get("step"), len(st)) + tuple(st.get(k) for k in self._scalar_keys)

    def _step_bucket(self, group, b):
        gflat, states = b.gflat, b.states
        n = len(gflat)
        sig = self._run_sig
        i = 0
        try:
            while i < n:
                if gflat[i] is None:
                    i += 1
                    continue
                s = sig(states[i])
                j = i + 1
                while j < n and gflat[j] is not None and sig(states[j]) == s:
                    j += 1
                self._run_states = (states, i, j)
                _run(self, group, b, i, j, b.full if (i == 0 and j == n) else b.chunks(i, j))
                i = j
        finally:
            self._run_states = None
        b.synced = b._all_synced()
        b.gflat = None

    def _run_scalars(self, group, fresh):
        """The states of the current run and the scalars of its first parameter."""
        states, lo, hi = self._run_states
        run = states[lo:hi]
        if fresh:
            init = self._scalar_init(group)
            for st in run:
                rest = [(k, v) for k, v in st.items() if k != "step"]
                step = st["step"]
                st.clear()
                st["step"] = step
                st.update(init)
                st.update(rest)
        st0 = run[0]
        return run, [float(st0[k]) for k in self._scalar_keys]

    def load_state_dict(self, state_dict):
        super().load_state_dict(state_dict)
        # A PyTorch checkpoint holds these scalars as 0-d tensors: keep floats.
        for st in self.state.values():
            if isinstance(st, dict):
                for k in self._scalar_keys:
                    if isinstance(st.get(k), Tensor):
                        st[k] = float(st[k].item())

    def __setstate__(self, state):
        super().__setstate__(state)
        self._run_states = None


class NAdam(_ScalarState, Optimizer):
    r"""NAdam: Adam with Nesterov momentum (Dozat, 2016): ``torch.optim.NAdam``.

    Args:
        params: parameters or param groups (see ``Optimizer``).
        lr: learning rate :math:`\gamma` (default 2e-3).
        betas: :math:`(\beta_1, \beta_2)` (default (0.9, 0.999)).
        eps: :math:`\epsilon`, added to the denominator (default 1e-8).
        weight_decay: :math:`\lambda` (default 0): an L2 penalty added to the gradient,
            or, with ``decoupled_weight_decay``, a direct decay of the weights (NAdamW).
        momentum_decay: :math:`\psi`, the momentum schedule's decay (default 4e-3).
        decoupled_weight_decay: decay the weights as AdamW does (default False).
        foreach: ``None``/``True``: flat buffers (fast); ``False``: per parameter.
        maximize: maximize the objective instead of minimizing it (default False).

    Update rule, for each parameter :math:`\theta` with gradient :math:`g_t` at step t::

        g_t = -g_t                              if maximize
        θ_{t-1} = θ_{t-1} (1 - γ λ)             if decoupled
        g_t = g_t + λ θ_{t-1}                   otherwise, if λ != 0
        μ_t = β1 (1 - 0.96^(t ψ) / 2),  μ_{t+1} = β1 (1 - 0.96^((t+1) ψ) / 2)
        Π_t = Π_{t-1} μ_t                       (mu_product)
        m_t = β1 m_{t-1} + (1 - β1) g_t
        v_t = β2 v_{t-1} + (1 - β2) g_t²
        d = sqrt(v_t / (1 - β2^t)) + ε
        θ_t = θ_{t-1} - γ (1 - μ_t) / (1 - Π_t) · g_t / d - γ μ_{t+1} / (1 - Π_t μ_{t+1}) · m_t / d

    State per parameter: ``step`` and ``mu_product`` (floats; ``mu_product`` is
    rounded to float32 as PyTorch's 0-d tensor is), ``exp_avg``, ``exp_avg_sq``.

    Example:
        >>> opt = nerve.optim.NAdam(model.parameters(), lr=2e-3)
    """

    _scalar_keys = ("mu_product",)

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        lr = _to_float(lr, "lr")
        betas = tuple(_to_float(b, "betas") for b in betas)
        _check_common(lr, eps, weight_decay, capturable, differentiable)
        _check_betas(betas)
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=bool(decoupled_weight_decay), maximize=maximize,
                        foreach=foreach, capturable=False, differentiable=False)
        self._run_states = None
        super().__init__(params, defaults)

    def _validate_group(self, group):
        _check_common(group["lr"], group["eps"], group["weight_decay"], False, False)
        _check_betas(group["betas"])
        if not 0.0 <= group["momentum_decay"]:
            raise ValueError(f"Invalid momentum_decay value: {group['momentum_decay']}")

    # keys an older state dict may lack (filled in by Optimizer._setstate_groups)
    _group_defaults = {"maximize": False, "foreach": None,
                       "capturable": False, "differentiable": False, "decoupled_weight_decay": False}

    def _state_keys(self, group):
        return _KEYS

    def _scalar_init(self, group):
        return {"mu_product": 1.0}

    def _prepare(self, group, step, fresh):
        run, (mu_product,) = self._run_scalars(group, fresh)
        lr, wd, psi = group["lr"], group["weight_decay"], group["momentum_decay"]
        b1, b2 = group["betas"]
        mu = b1 * (1.0 - 0.5 * (0.96 ** (step * psi)))
        mu_next = b1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * psi)))
        mu_product = _scalar_round(_scalar_round(mu_product) * _scalar_round(mu))
        for st in run:
            st["mu_product"] = mu_product
        decoupled = group["decoupled_weight_decay"]
        sc = (1.0 - b1, b2, 1.0 - b2, 1.0 - b2 ** step, group["eps"],
              wd if (wd != 0 and not decoupled) else 0.0,
              (1.0 - lr * wd) if (wd != 0 and decoupled) else 1.0,
              -lr * (1.0 - mu) / (1.0 - mu_product),
              (-lr * mu_next) / (1.0 - mu_product * mu_next))
        return (-1.0 if group["maximize"] else None), sc

    def _kernel(self, sc, P, G, bufs, scr):
        c1, b2, c2, bc2, eps, l2, decay, cg, cm = sc
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
        np.divide(v, bc2, out=S)        # denom = sqrt(v / bc2) + eps
        np.sqrt(S, out=S)
        S += eps
        G *= cg                         # addcdiv: (value * g) / denom
        G /= S
        P += G
        np.multiply(m, cm, out=G)
        G /= S
        P += G
