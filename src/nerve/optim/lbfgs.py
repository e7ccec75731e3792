"""L-BFGS, with an optional strong-Wolfe line search."""
from __future__ import annotations

import copy

from .. import _backend as B
from .._backend import np
from ..autograd.grad_mode import enable_grad
from ..tensor import Tensor
from .optimizer import Optimizer, _to_float

__all__ = ["LBFGS"]

# The search runs on raw arrays; its scalars are NumPy scalars of the parameters'
# dtype where PyTorch's are 0-d tensors (dot products, norms, the step t) and Python
# floats where PyTorch's are (the loss, lr). NumPy 2 promotes a Python float against
# a float32 scalar as PyTorch promotes a Python number against a 0-d float32 tensor
# (the number is rounded to float32), so both take the same branches. (Under NumPy
# 1.x those scalars become float64: the same algorithm, rounded differently.)


def _cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None):
    # Minimizer of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to bounds.
    if bounds is not None:
        xmin_bound, xmax_bound = bounds
    else:
        xmin_bound, xmax_bound = (x1, x2) if x1 <= x2 else (x2, x1)
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 ** 2 - g1 * g2
    if d2_square >= 0:
        d2 = np.sqrt(d2_square)
        if x1 <= x2:
            min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(min_pos, xmin_bound), xmax_bound)
    return (xmin_bound + xmax_bound) / 2.0


def _strong_wolfe(obj_func, x, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """Find a step ``t`` along ``d`` satisfying the strong Wolfe conditions (minFunc's
    lswolfe, as ported by PyTorch): bracket, then zoom by cubic interpolation.

    Returns (f_new, g_new, t, number of function evaluations).
    """
    d_norm = np.abs(d).max()
    g = g.copy()
    f_new, g_new = obj_func(x, t, d)
    ls_func_evals = 1
    gtd_new = np.dot(g_new, d)

    # bracket an interval containing a point satisfying the Wolfe criteria
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    while ls_iter < max_ls:
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        # extrapolate
        min_step = t + 0.01 * (t - t_prev)
        max_step = t * 10
        tmp = t
        t = _cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new,
                               bounds=(min_step, max_step))
        t_prev, f_prev, g_prev, gtd_prev = tmp, f_new, g_new.copy(), gtd_new
        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = np.dot(g_new, d)
        ls_iter += 1

    if ls_iter == max_ls:
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]

    # zoom: refine the bracket until a point satisfies the criteria
    insuf_progress = False
    low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0],
                               bracket[1], bracket_f[1], bracket_gtd[1])
        # Too close to an end of the bracket (twice, or outside it): move to 10% inside.
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:
            if insuf_progress or t >= max(bracket) or t <= min(bracket):
                if abs(t - max(bracket)) < abs(t - min(bracket)):
                    t = max(bracket) - eps
                else:
                    t = min(bracket) + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False

        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = np.dot(g_new, d)
        ls_iter += 1

        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low_pos]:
            # Armijo condition not satisfied or not lower than the lowest point
            bracket[high_pos] = t
            bracket_f[high_pos] = f_new
            bracket_g[high_pos] = g_new.copy()
            bracket_gtd[high_pos] = gtd_new
            low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0:
                # the old high becomes the new low
                bracket[high_pos] = bracket[low_pos]
                bracket_f[high_pos] = bracket_f[low_pos]
                bracket_g[high_pos] = bracket_g[low_pos]
                bracket_gtd[high_pos] = bracket_gtd[low_pos]
            bracket[low_pos] = t
            bracket_f[low_pos] = f_new
            bracket_g[low_pos] = g_new.copy()
            bracket_gtd[low_pos] = gtd_new

    return bracket_f[low_pos], bracket_g[low_pos], bracket[low_pos], ls_func_evals


def _raw(v):
    """A state value as the search uses it: arrays and NumPy scalars, not Tensors."""
    if isinstance(v, Tensor):
        v = v._data
    if isinstance(v, np.ndarray) and v.ndim == 0:
        return v[()]
    return v


def _wrap(v):
    """A search value as the state stores it (PyTorch's layout: Tensors)."""
    if isinstance(v, (np.ndarray, np.generic)) or hasattr(v, "__cuda_array_interface__"):
        return Tensor._make(v)
    return v


def _real(a):
    """The real view of a complex array (PyTorch's view_as_real, flattened)."""
    return a.view(a.real.dtype) if a.dtype.kind == "c" else a


class LBFGS(Optimizer):
    r"""L-BFGS (limited-memory BFGS, after minFunc): ``torch.optim.LBFGS``.

    Each ``step(closure)`` runs up to ``max_iter`` quasi-Newton iterations and
    calls ``closure`` (which must zero the gradients, compute the loss, call
    ``backward()`` and return the loss) whenever it needs the loss and gradient.

    Args:
        params: the parameters (one group only; per-group options are not supported).
        lr: learning rate (the initial step length) (default 1).
        max_iter: iterations per ``step()`` (default 20).
        max_eval: closure evaluations per ``step()`` (default ``max_iter * 5 // 4``).
        tolerance_grad: stop when the largest gradient entry is at most this (default 1e-7).
        tolerance_change: stop when the loss or the parameters change less (default 1e-9).
        history_size: number of (s, y) pairs kept (default 100).
        line_search_fn: ``None`` (fixed step ``lr``) or ``'strong_wolfe'``.

    Algorithm, per iteration (g the gradient of the flattened parameters x)::

        d = -H g        with H the two-loop product of the last history_size pairs
                        (s, y) = (x_k - x_{k-1}, g_k - g_{k-1}), kept when y·s > 1e-10,
                        and initial scale y·s / y·y
        t = lr (first iteration: min(1, 1 / |g|_1) lr), or the strong-Wolfe step
        x = x + t d

    The parameters are packed into one flat buffer (each ``p._data`` becomes a view
    of it) when they share a dtype and device, so a step of the search is one
    whole-vector update. State (all in ``optimizer.state[first parameter]``, as in
    PyTorch): ``func_evals``, ``n_iter``, ``d``, ``t``, ``old_dirs``, ``old_stps``,
    ``ro``, ``H_diag``, ``prev_flat_grad``, ``prev_loss`` and ``al``.

    Returns (from ``step``): the loss of the first closure evaluation.

    Example:
        >>> opt = nerve.optim.LBFGS(model.parameters(), line_search_fn="strong_wolfe")
        >>> def closure():
        ...     opt.zero_grad()
        ...     loss = loss_fn(model(x), y)
        ...     loss.backward()
        ...     return loss
        >>> for _ in range(10):
        ...     opt.step(closure)
    """

    def __init__(self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7,
                 tolerance_change=1e-9, history_size=100, line_search_fn=None):
        lr = _to_float(lr, "lr")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = dict(lr=lr, max_iter=max_iter, max_eval=max_eval, tolerance_grad=tolerance_grad,
                        tolerance_change=tolerance_change, history_size=history_size,
                        line_search_fn=line_search_fn)
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]
        self._flat = None

    def __setstate__(self, state):
        super().__setstate__(state)
        self._params = self.param_groups[0]["params"]
        self._flat = None

    # ------------------------------------------------------------- the flat vector
    def _layout(self):
        """The flat vector's layout: ``(X, segs, offsets, dtype, arrays, xp)``.

        ``X`` is the flat buffer all parameters are views of, or None when they
        cannot share one (mixed dtypes or devices, a parameter listed twice); ``segs``
        are each parameter's writable flat real views; ``arrays`` the ``p._data`` it
        was built for (a replaced one triggers a rebuild).
        """
        fl = self._flat
        params = self._params
        if fl is not None and len(fl[4]) == len(params) and all(
                p._data is v for p, v in zip(params, fl[4])):
            return fl
        reals = [np.dtype(p._data.dtype.char.lower()) if p._data.dtype.kind == "c" else p._data.dtype
                 for p in params]
        devices = {B.device_of(p._data) for p in params}
        dtype = np.result_type(*reals)
        if dtype.kind != "f":
            dtype = B.get_default_dtype()
        sizes = [int(p._data.size) * (2 if p._data.dtype.kind == "c" else 1) for p in params]
        offs = [0]
        for s in sizes:
            offs.append(offs[-1] + s)
        xp = B.array_module(next(iter(devices)))
        packable = (len(devices) == 1 and len({id(p) for p in params}) == len(params)
                    and all(r == dtype for r in reals))
        if packable:
            X = xp.empty(offs[-1], dtype)
            segs = []
            for p, a, b in zip(params, offs, offs[1:]):
                X[a:b] = _real(xp.ascontiguousarray(p._data)).reshape(-1)
                seg = X[a:b]
                v = seg.view(p._data.dtype) if p._data.dtype.kind == "c" else seg
                p._data = v.reshape(p._data.shape)
                segs.append(seg)
        else:
            X = None
            segs = []
            for p in params:
                if not (isinstance(p._data, np.ndarray) or hasattr(p._data, "__cuda_array_interface__")) \
                        or not p._data.flags.c_contiguous:
                    p._data = xp.ascontiguousarray(p._data).reshape(p._data.shape)
                segs.append(_real(p._data).reshape(-1))
        fl = self._flat = (X, segs, offs, dtype, tuple(p._data for p in params), xp)
        return fl

    def _gather_flat_grad(self, fl):
        X, segs, offs, dtype, _, xp = fl
        out = xp.empty(offs[-1], dtype)
        for p, a, b in zip(self._params, offs, offs[1:]):
            g = p.grad
            if g is None:
                out[a:b] = 0
            else:
                out[a:b] = _real(xp.ascontiguousarray(g._data)).reshape(-1)
        return out

    def _add_grad(self, fl, step_size, update):
        X, segs, offs = fl[0], fl[1], fl[2]
        if X is not None:
            X += update * step_size
        else:
            for seg, a, b in zip(segs, offs, offs[1:]):
                seg += update[a:b] * step_size

    def _clone_param(self, fl):
        X, segs = fl[0], fl[1]
        if X is not None:
            return X.copy()
        return [s.copy() for s in segs]

    def _set_param(self, fl, x):
        X, segs = fl[0], fl[1]
        if X is not None:
            np.copyto(X, x)
        else:
            for s, v in zip(segs, x):
                np.copyto(s, v)

    def _directional_evaluate(self, closure, fl, x, t, d):
        self._add_grad(fl, t, d)
        with enable_grad():
            loss = float(closure())
        flat_grad = self._gather_flat_grad(fl)
        self._set_param(fl, x)
        return loss, flat_grad

    # ------------------------------------------------------------- step
    def step(self, closure):
        """Run up to ``max_iter`` L-BFGS iterations; return the closure's first loss.

        Args:
            closure: callable that zeroes the gradients, computes the loss, calls
                ``backward()`` and returns the loss. Required.
        """
        if len(self.param_groups) != 1:
            raise AssertionError(f"Expected exactly one param_group, but got {len(self.param_groups)}")
        if closure is None:
            raise TypeError("LBFGS.step() needs a closure that re-evaluates the model and returns "
                            "the loss: opt.step(closure)")
        if self._step_pre_hooks:
            for h in list(self._step_pre_hooks.values()):
                h(self, (closure,), {})
        group = self.param_groups[0]
        if group["params"] is not self._params:
            self._params = group["params"]
            self._flat = None
        lr = _to_float(group["lr"], "lr")
        max_iter = group["max_iter"]
        max_eval = group["max_eval"]
        tolerance_grad = group["tolerance_grad"]
        tolerance_change = group["tolerance_change"]
        line_search_fn = group["line_search_fn"]
        history_size = group["history_size"]

        # LBFGS has only global state; it is registered on the first parameter (PyTorch's choice).
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        fl = self._layout()
        with enable_grad():
            orig_loss = closure()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1

        flat_grad = self._gather_flat_grad(fl)
        opt_cond = np.abs(flat_grad).max() <= tolerance_grad
        if opt_cond:
            self._post_hooks(closure)
            return orig_loss

        d = _raw(state.get("d"))
        t = _raw(state.get("t"))
        old_dirs = [_raw(v) for v in state.get("old_dirs") or ()]
        old_stps = [_raw(v) for v in state.get("old_stps") or ()]
        ro = [_raw(v) for v in state.get("ro") or ()]
        H_diag = _raw(state.get("H_diag"))
        prev_flat_grad = _raw(state.get("prev_flat_grad"))
        prev_loss = state.get("prev_loss")
        if prev_flat_grad is not None:
            prev_flat_grad = prev_flat_grad.astype(flat_grad.dtype, copy=True)
        if d is not None:
            d = d.astype(flat_grad.dtype, copy=False)

        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1

            # ---- descent direction
            if state["n_iter"] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro = [], [], []
                H_diag = 1
            else:
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = np.dot(y, s)
                if ys > 1e-10:
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    H_diag = ys / np.dot(y, y)
                num_old = len(old_dirs)
                if "al" not in state:
                    state["al"] = [None] * history_size
                al = state["al"]
                # the two-loop recursion, on one buffer
                q = -flat_grad
                tmp = np.empty_like(q)
                for i in range(num_old - 1, -1, -1):
                    al[i] = np.dot(old_stps[i], q) * ro[i]
                    np.multiply(old_dirs[i], -al[i], out=tmp)
                    q += tmp
                d = r = q * H_diag
                for i in range(num_old):
                    be_i = np.dot(old_dirs[i], r) * ro[i]
                    np.multiply(old_stps[i], al[i] - be_i, out=tmp)
                    r += tmp

            if prev_flat_grad is None:
                prev_flat_grad = flat_grad.copy()
            else:
                np.copyto(prev_flat_grad, flat_grad)
            prev_loss = loss

            # ---- step length
            if state["n_iter"] == 1:
                t = min(1.0, 1.0 / np.abs(flat_grad).sum()) * lr
            else:
                t = lr
            gtd = np.dot(flat_grad, d)
            if gtd > -tolerance_change:
                break

            ls_func_evals = 0
            if line_search_fn is not None:
                if line_search_fn != "strong_wolfe":
                    raise RuntimeError("only 'strong_wolfe' is supported")
                x_init = self._clone_param(fl)

                def obj_func(x, t, d):
                    return self._directional_evaluate(closure, fl, x, t, d)

                loss, flat_grad, t, ls_func_evals = _strong_wolfe(
                    obj_func, x_init, t, d, loss, flat_grad, gtd, max_ls=max_eval - current_evals)
                self._add_grad(fl, t, d)
                opt_cond = np.abs(flat_grad).max() <= tolerance_grad
            else:
                self._add_grad(fl, t, d)
                if n_iter != max_iter:
                    # re-evaluate only if another iteration follows (stochastic settings)
                    with enable_grad():
                        loss = float(closure())
                    flat_grad = self._gather_flat_grad(fl)
                    opt_cond = np.abs(flat_grad).max() <= tolerance_grad
                    ls_func_evals = 1

            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals

            # ---- stopping conditions
            if n_iter == max_iter:
                break
            if current_evals >= max_eval:
                break
            if opt_cond:
                break
            if np.abs(d * t).max() <= tolerance_change:
                break
            if abs(loss - prev_loss) < tolerance_change:
                break

        state["d"] = _wrap(d)
        state["t"] = _wrap(t)
        state["old_dirs"] = [_wrap(v) for v in old_dirs]
        state["old_stps"] = [_wrap(v) for v in old_stps]
        state["ro"] = [_wrap(v) for v in ro]
        state["H_diag"] = _wrap(H_diag)
        state["prev_flat_grad"] = _wrap(prev_flat_grad)
        state["prev_loss"] = prev_loss
        if "al" in state:
            state["al"] = [_wrap(v) for v in state["al"]]
        self._post_hooks(closure)
        return orig_loss

    def _post_hooks(self, closure):
        if self._step_post_hooks:
            for h in list(self._step_post_hooks.values()):
                h(self, (closure,), {})

    # ------------------------------------------------------------- state dict
    def _cast_state(self, p, key, value):
        # The state holds flat vectors (not shaped like p) and lists of them.
        if isinstance(value, list):
            return [self._cast_state(p, key, v) for v in value]
        if isinstance(value, (Tensor, np.ndarray)) or hasattr(value, "__cuda_array_interface__"):
            arr = value._data if isinstance(value, Tensor) else value
            arr = B.to_device_array(arr, p.device)
            dtype = p._data.dtype
            if dtype.kind == "c":
                dtype = np.dtype(dtype.char.lower())
            if dtype.kind == "f" and arr.dtype.kind in "fc":
                arr = arr.astype(dtype, copy=True)
            else:
                arr = arr.copy()
            return Tensor._make(arr)
        return copy.deepcopy(value)
