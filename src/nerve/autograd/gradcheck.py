"""Check a function's analytic gradients against float64 central differences."""
from __future__ import annotations

from .._backend import np


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` when analytic and numerical gradients disagree."""


def _as_tuple(x):
    return x if isinstance(x, (tuple, list)) else (x,)


def gradcheck(func, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0):
    """Compare ``func``'s backward with central differences, for every input requiring grad.

    ``func`` maps tensors to a tensor (or a tuple of tensors); ``inputs`` should be
    float64 tensors with ``requires_grad=True``. For each output element the
    gradient of every input is computed by backward and by
    ``(f(x + eps) - f(x - eps)) / (2 eps)`` and compared with
    ``|a - n| <= atol + rtol * |n|``.

    Example:
        >>> x = nerve.randn(3, 4, dtype=nerve.float64, requires_grad=True)
        >>> nerve.autograd.gradcheck(lambda t: (t * t).sum(), (x,))
        True
    """
    from ..tensor import Tensor
    from .engine import run_backward
    from .grad_mode import no_grad
    inputs = _as_tuple(inputs)
    targets = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]
    if not targets:
        raise ValueError("gradcheck: no input has requires_grad=True")
    for t in targets:
        if t.dtype != np.float64:
            import warnings
            warnings.warn(f"gradcheck: input of dtype {t.dtype} is not float64; the check may be inaccurate")

    outs = _as_tuple(func(*inputs))
    for oi, out in enumerate(outs):
        if not isinstance(out, Tensor) or out.dtype.kind not in "fc":
            continue
        # an output outside the graph still counts: its analytic Jacobian is zero, and a
        # backward that drops a dependence (a detached intermediate) must be caught
        n_out = out._data.size
        # analytic Jacobian, one row per output element
        analytic = [np.zeros((n_out, t._data.size)) for t in targets]
        for k in range(n_out):
            seed = np.zeros(out._data.shape, dtype=out._data.dtype)
            seed.reshape(-1)[k] = 1
            o = _as_tuple(func(*inputs))[oi]
            if not o.requires_grad:
                continue
            grads = run_backward([o], [Tensor._make(seed)], inputs=targets, allow_unused=True)
            for j, g in enumerate(grads):
                if g is not None:
                    analytic[j][k] = g._data.reshape(-1)
        # numerical Jacobian, one column per input element
        with no_grad():
            for j, t in enumerate(targets):
                if not isinstance(t._data, np.ndarray) or not t._data.flags.c_contiguous \
                        or not t._data.flags.writeable:
                    t._data = np.array(t._data, order="C")   # perturb in place below: needs an owned C-order array
                flat = t._data.reshape(-1)
                for i in range(flat.size):
                    orig = flat[i]
                    flat[i] = orig + eps
                    fp = np.array(_as_tuple(func(*inputs))[oi]._data, dtype=np.float64).reshape(-1)
                    flat[i] = orig - eps
                    fm = np.array(_as_tuple(func(*inputs))[oi]._data, dtype=np.float64).reshape(-1)
                    flat[i] = orig
                    num = (fp - fm) / (2 * eps)
                    ana = analytic[j][:, i]
                    bad = np.abs(ana - num) > atol + rtol * np.abs(num)
                    bad &= ~(np.isnan(ana) & np.isnan(num))
                    if bad.any():
                        k = int(np.argmax(bad))
                        msg = (f"gradcheck: Jacobian mismatch for output {oi} element {k} with respect to "
                               f"input {next(n for n, x in enumerate(inputs) if x is t)} element {i} "
                               f"(input shape {tuple(t.shape)}): numerical {num[k]:.8g}, analytic {ana[k]:.8g}")
                        if raise_exception:
                            raise GradcheckError(msg)
                        return False
    return True


def gradgradcheck(func, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """``gradcheck`` of the gradients themselves (second order, via ``create_graph``)."""
    from ..tensor import Tensor
    from .engine import run_backward
    from .grad_mode import enable_grad
    inputs = _as_tuple(inputs)
    rng = np.random.default_rng(0)
    out0 = _as_tuple(func(*inputs))
    seeds = [Tensor._make(rng.standard_normal(o.shape)) for o in out0]

    def first_grads(*xs):
        # the first derivative must record its graph even where gradcheck evaluates under no_grad
        with enable_grad():
            outs = _as_tuple(func(*xs))
            ts = [x for x in xs if isinstance(x, Tensor) and x.requires_grad]
            total = None
            for o, s in zip(outs, seeds):
                v = (o * s).sum()
                total = v if total is None else total + v
            return run_backward([total], [Tensor._make(np.ones((), dtype=total.dtype))], retain_graph=True,
                                create_graph=True, inputs=ts, allow_unused=True)

    return gradcheck(lambda *xs: tuple(g for g in first_grads(*xs) if g is not None), inputs, eps, atol, rtol,
                     raise_exception)
