"""``Optimizer``: parameter groups, per-parameter state, ``state_dict``, and the
flat-buffer engine every built-in optimizer runs on.

The API is PyTorch's (``param_groups``, ``state``, ``zero_grad``, ``step``,
``state_dict``/``load_state_dict``, ``add_param_group``). What differs is how a
step runs. A textbook NumPy optimizer loops over parameters and makes about ten
passes over memory per parameter, each allocating a temporary. Here:

* At the first ``step()``, the parameters of one param group that share a dtype
  and device are packed into one contiguous "bucket": each parameter's ``._data``
  becomes a view of one flat array (values copied first), and each state buffer
  (``exp_avg``, ...) is one flat array whose per-parameter views are what
  ``optimizer.state[p]`` holds. Code that reaches parameters through their
  ``Tensor`` objects (modules, ``state_dict``, in-place ``copy_``) sees no
  difference; a raw array taken from ``p._data`` *before* the first step is no
  longer the parameter afterwards.
* Each step copies the gradients into one flat scratch array, then the update is
  about ten in-place whole-buffer ufunc calls (``out=``), whatever the number of
  parameters. No full-size temporary is allocated per step.
* A bucket of at least ``PARALLEL_MIN_NUMEL`` elements is split in two halves that
  run at once on the calling thread and one helper thread (NumPy releases the GIL
  inside ufunc loops). Below that, waking a thread costs more than it saves.
* Parameters whose ``.grad`` is None are skipped (PyTorch's rule): the update then
  runs on the runs of consecutive parameters that have gradients. If someone
  replaces ``p._data`` (``model.to(dtype)``, ``p._data = ...``) or the state
  (``load_state_dict``), the bucket is rebuilt at the next step, keeping the values.

``foreach=False`` in a param group turns packing off: every parameter is then its
own bucket and ``p._data`` is left alone (unless it is not C-contiguous).

A subclass describes its update with four small methods (see ``Adam``):
``_state_keys(group)`` (the per-parameter arrays and their initial value),
``_num_scratch(group)``, ``_prepare(group, step, fresh)`` (the scalars of this
step, computed once per bucket) and ``_kernel(sc, P, G, bufs, scr)``, which
updates flat arrays in place and may use ``G`` (a private copy of the gradient)
as scratch. The same kernel runs on whole buckets, on runs of parameters and on
halves for the helper thread, so every path gives bit-identical results.
"""
from __future__ import annotations

import copy
import itertools
import os
import threading
import warnings
from collections import defaultdict
from itertools import chain

from .. import _backend as B
from ..autograd.version import mark_written as _mark_written
from .._backend import loud, np, quiet
from ..autograd.grad_mode import enable_grad
from ..tensor import Tensor

__all__ = ["PARALLEL_MIN_NUMEL", "Optimizer", "required"]

# Buckets with at least this many elements are updated by two threads. Measured on
# the 2-core reference machine (Adam, float32): waking the helper costs 20-50 us and
# two threads contend for the GIL between ufunc calls, so at 100k elements two
# threads are ~1.3x slower, at 200k about even, at 670k ~1.6x faster (508 vs 816 us).
# Right after NumPy matrix products OpenBLAS's own idle threads spin on the second
# core for a while, which starves the helper; the claim in _Worker then keeps the
# step about as fast as one thread instead of slower.
PARALLEL_MIN_NUMEL = 1 << 18


class _RequiredParameter:
    """Singleton marking a hyperparameter a param group must give (e.g. ``lr``)."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


# ----------------------------------------------------------------------------- helper thread

class _Worker:
    """One daemon thread that takes the second half of a large update.

    Plain locks do the hand-off: they wake the other thread several times faster
    than ``concurrent.futures``. Waking still costs tens of microseconds, and on a
    busy machine the helper may not get a core for longer, so the second half is
    *claimed* (``list.pop`` is atomic): if the calling thread finishes its half
    before the helper has started, it runs the second half itself.
    """

    def __init__(self):
        self._go = threading.Lock()
        self._go.acquire()
        self._done = threading.Lock()
        self._done.acquire()
        self._busy = threading.Lock()
        self._pending = False      # the helper still owes a _done signal
        self._job = None
        self._exc = None
        t = threading.Thread(target=self._loop, name="nerve-optim-worker", daemon=True)
        t.start()

    def _loop(self):
        while True:
            self._go.acquire()
            fn, claim = self._job
            try:
                args = claim.pop()
            except IndexError:
                args = None
            if args is not None:
                try:
                    fn(*args)
                except BaseException as e:  # noqa: BLE001 - re-raised in the caller
                    self._exc = e
            self._done.release()

    def run_pair(self, fn, args0, args1):
        """Run ``fn(*args0)`` here and ``fn(*args1)`` on the helper (or here, if it is late)."""
        if not self._busy.acquire(blocking=False):   # another thread uses it: run serially
            fn(*args0)
            fn(*args1)
            return
        try:
            if self._pending:
                self._done.acquire()
                self._pending = False
            claim = [args1]
            self._job = (fn, claim)
            self._go.release()
            try:
                fn(*args0)
            except BaseException:
                self._done.acquire()
                self._exc = None
                raise
            try:
                args = claim.pop()
            except IndexError:
                args = None
            if args is None:
                self._done.acquire()              # the helper has it: wait for it
                exc, self._exc = self._exc, None
                if exc is not None:
                    raise exc
            else:
                self._pending = True              # collect the helper's signal next time
                fn(*args)
        finally:
            self._busy.release()


_worker = [None]
_worker_lock = threading.Lock()


def _get_worker():
    w = _worker[0]
    if w is None:
        with _worker_lock:
            w = _worker[0]
            if w is None:
                w = _worker[0] = _Worker()
    return w


def _forget_worker():
    # A forked child has the parent's memory but not its threads.
    _worker[0] = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_worker)


def _run_chunk(kernel, sc, gscale, gflat, chunk):
    """Gather this chunk's gradients into ``G`` (scaled by ``gscale``), then update."""
    P, G, bufs, scr, pieces = chunk
    # A piece is a whole gradient (sl None, dst shaped like it) or a slice of one.
    if gscale is None:
        for i, sl, dst in pieces:
            np.copyto(dst, gflat[i] if sl is None else gflat[i].reshape(-1)[sl])
    else:
        for i, sl, dst in pieces:
            np.multiply(gflat[i] if sl is None else gflat[i].reshape(-1)[sl], gscale, out=dst)
    kernel(sc, P, G, bufs, scr)


# ----------------------------------------------------------------------------- buckets

def _sig(st):
    """What must agree for parameters to share one update call: fresh, or same step."""
    return None if not st else (st.get("step"), len(st))


class _Bucket:
    """Parameters of one group (same dtype and device) packed into flat arrays."""

    __slots__ = (
        "G",
        "P",
        "bufs",
        "full",
        "gflat",
        "keys",
        "missing",
        "numel",
        "offsets",
        "parallel",
        "params",
        "pviews",
        "real",
        "scr",
        "shapes",
        "states",
        "stype",
        "synced",
        "trefs",
    )

    def __init__(self, opt, group, params, keys):
        self.params = params
        self.keys = keys
        p0 = params[0]._data
        xp = B.array_module(B.device_of(p0))
        dtype = p0.dtype
        self.shapes = [p._data.shape for p in params]
        sizes = [int(p._data.size) for p in params]
        offs = [0]
        for s in sizes:
            offs.append(offs[-1] + s)
        self.offsets = offs
        n = self.numel = offs[-1]
        # Complex parameters are updated through real views, as PyTorch's view_as_real.
        self.real = np.dtype(dtype.char.lower()) if dtype.kind == "c" else None
        self.parallel = isinstance(p0, np.ndarray) and (os.cpu_count() or 1) > 1
        self.stype = (self.real or dtype).type

        if len(params) == 1 and p0.flags.c_contiguous:
            self.P = p0.reshape(-1)
            self.pviews = [p0]
        else:
            P = self.P = xp.empty(n, dtype)
            self.pviews = []
            for p, a, b, shape in zip(params, offs, offs[1:], self.shapes):
                P[a:b] = p._data.reshape(-1)
                v = P[a:b].reshape(shape)
                p._data = v
                self.pviews.append(v)
        self.G = xp.empty(n, dtype)
        self.scr = tuple(xp.empty(n, dtype) for _ in range(opt._num_scratch(group)))
        self.bufs = tuple(xp.zeros(n, dtype) if init == 0 else xp.full(n, init, dtype)
                          for _, init in keys)

        # Move existing state (loaded, or from an older bucket) into the flat buffers.
        ostate = opt.state
        self.states = []
        self.trefs = []
        for i, p in enumerate(params):
            st = ostate.get(p)
            self.states.append(st)
            self.trefs.append(())
            if st:
                self._adopt(i, st, fill_missing=True)
        self.gflat = None
        self.missing = False
        self.full = self.chunks(0, len(params))
        self.synced = self._all_synced()

    def _view(self, j, i):
        a, b = self.offsets[i], self.offsets[i + 1]
        return self.bufs[j][a:b].reshape(self.shapes[i])

    def _adopt(self, i, st, fill_missing):
        """Point ``st``'s array entries at views of the flat buffers (copying values)."""
        refs = []
        for j, (k, init) in enumerate(self.keys):
            v = self._view(j, i)
            old = st.get(k)
            if old is not None:
                arr = old._data if isinstance(old, Tensor) else old
                if arr is not v:
                    if not hasattr(arr, "shape"):
                        arr = np.asarray(arr)
                    arr = B.to_device_array(arr, B.device_of(v))
                    if arr.size != v.size:
                        raise RuntimeError(
                            f"optimizer state {k!r} of a parameter of shape {self.shapes[i]} has "
                            f"shape {tuple(arr.shape)}: was the state_dict saved for another model?")
                    v[...] = arr.reshape(v.shape)
            elif fill_missing:
                v[...] = init
            else:
                continue
            t = old if isinstance(old, Tensor) else Tensor._make(v)
            t._data = v
            st[k] = t
            refs.append((k, t, v))
        self.trefs[i] = tuple(refs)

    def _all_synced(self):
        sigs = [_sig(st) for st in self.states]
        return all(s == sigs[0] for s in sigs)

    def chunks(self, lo, hi):
        """Kernel arguments for parameters ``lo:hi``: one chunk, or two halves."""
        offs = self.offsets
        x0, x1 = offs[lo], offs[hi]
        if self.parallel and x1 - x0 >= PARALLEL_MIN_NUMEL:
            mid = x0 + ((x1 - x0) // 2) // 16 * 16   # 64-byte aligned split
            ranges = ((x0, mid), (mid, x1))
        else:
            ranges = ((x0, x1),)
        out = []
        rv = (lambda a: a.view(self.real)) if self.real is not None else (lambda a: a)
        for x, y in ranges:
            pieces = []
            for i in range(lo, hi):
                a, b = offs[i], offs[i + 1]
                s, e = max(x, a), min(y, b)
                if s == a and e == b:
                    pieces.append((i, None, self.G[a:b].reshape(self.shapes[i])))
                elif s < e:
                    pieces.append((i, slice(s - a, e - a), self.G[s:e]))
            out.append((rv(self.P[x:y]), rv(self.G[x:y]), tuple(rv(b[x:y]) for b in self.bufs),
                        tuple(rv(s[x:y]) for s in self.scr), pieces))
        return out

    def init_states(self, opt, lo, hi):
        """Create the state of parameters ``lo:hi`` (their first step)."""
        ostate = opt.state
        keep = bool(self.keys) or opt._has_step
        for i in range(lo, hi):
            st = self.states[i]
            if st is None:
                st = {}
            if opt._has_step:
                st["step"] = 0.0
            if self.keys:
                self._adopt(i, st, fill_missing=True)
            if keep and self.states[i] is None:
                ostate[self.params[i]] = st
                self.states[i] = st


def _run(opt, group, bucket, lo, hi, chunks):
    """Update parameters ``lo:hi`` of ``bucket`` (all with gradients, all in sync)."""
    st0 = bucket.states[lo]
    fresh = not st0
    if fresh:
        bucket.init_states(opt, lo, hi)
        st0 = bucket.states[lo]
    step = None
    if opt._has_step:
        step = st0["step"] + 1.0
        states = bucket.states
        for i in range(lo, hi):
            states[i]["step"] = step
    gscale, sc = opt._prepare(group, step, fresh)
    # NumPy takes a scalar of the array's own type ~0.35 us faster per call than a
    # Python float (and rounds it the same way).
    t = bucket.stype
    sc = tuple([t(x) if x.__class__ is float or x.__class__ is int else x for x in sc])
    if gscale is not None:
        gscale = t(gscale)
    if len(chunks) == 1:
        _run_chunk(opt._kernel, sc, gscale, bucket.gflat, chunks[0])
    else:
        args = (opt._kernel, sc, gscale, bucket.gflat)
        _get_worker().run_pair(_run_chunk, args + (chunks[0],), args + (chunks[1],))
    # the parameters changed in place: a graph recorded before this step that saved them
    # must not be backpropagated through any more (PyTorch's version check)
    offs = bucket.offsets
    _mark_written(bucket.P[offs[lo]:offs[hi]])


# ----------------------------------------------------------------------------- Optimizer

def _check_tensor(p):
    if not isinstance(p, Tensor):
        raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                        f"{type(p).__module__}.{type(p).__name__}")
    if p._ctx is not None:
        raise ValueError("can't optimize a non-leaf Tensor")


class Optimizer:
    """Base class of all optimizers (PyTorch's ``torch.optim.Optimizer``).

    Args:
        params: an iterable of ``Tensor``s (or of ``(name, Tensor)`` pairs), or of
            dicts, each a param group: ``{"params": [...], "lr": 0.1, ...}``;
            a group's own values override ``defaults``.
        defaults: the hyperparameters of groups that do not set them.

    Attributes:
        param_groups: list of dicts, each with ``"params"`` and its hyperparameters.
            Schedulers and users change ``group["lr"]`` etc. between steps; every
            ``step()`` reads them afresh.
        state: dict from parameter to its state dict (``{"step": 3.0, "exp_avg": Tensor}``).
        defaults: the hyperparameters given at construction.

    Example:
        >>> opt = nerve.optim.SGD([{"params": body.parameters()},
        ...                        {"params": head.parameters(), "lr": 1e-2}], lr=1e-3)
        >>> opt.zero_grad(); loss.backward(); opt.step()
    """

    _has_step = True   # subclasses without a 'step' counter in their state set False

    def __init_subclass__(cls, **kwargs):
        """Check the types of a subclass's numeric hyperparameters before its ``__init__`` runs.

        PyTorch lets ``SGD(params, lr="0.1")`` fail inside a comparison ("'<' not supported
        between instances of 'str' and 'float'"); here every argument whose default is a number
        (or a tuple of numbers, like ``betas``) must be given as one, and the error names the
        optimizer, the argument and the value.
        """
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is None or getattr(init, "_checks_hyperparameters", False):
            return
        import functools
        import inspect
        sig = inspect.signature(init)
        numeric = {n: p.default for n, p in sig.parameters.items()
                   if _is_number(p.default) or (isinstance(p.default, tuple) and p.default
                                                and all(_is_number(v) for v in p.default))}
        if not numeric:
            return

        @functools.wraps(init)
        def __init__(self, *args, **kw):
            try:
                bound = sig.bind(self, *args, **kw)
            except TypeError as e:
                raise TypeError(f"{cls.__name__}: {e}") from None
            for name, value in bound.arguments.items():
                if name in numeric:
                    _check_hyperparameter(cls.__name__, name, value, numeric[name])
            init(self, *args, **kw)

        __init__._checks_hyperparameters = True
        cls.__init__ = __init__

    def __init__(self, params, defaults):
        self.defaults = defaults
        self.state = defaultdict(dict)
        self.param_groups = []
        self._cache = []
        self._step_pre_hooks = {}
        self._step_post_hooks = {}
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got nerve.Tensor: pass [tensor] or "
                            "model.parameters()")
        if isinstance(params, dict):
            params = [params]
        try:
            param_groups = list(params)
        except TypeError:
            raise TypeError(f"params argument given to the optimizer should be an iterable of Tensors or "
                            f"dicts, but got {type(params).__name__}: pass model.parameters()") from None
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for g in param_groups:
            self.add_param_group(g)

    # ------------------------------------------------------------- groups
    def add_param_group(self, param_group):
        """Add a param group (a dict with ``"params"`` and optional hyperparameters).

        Useful for fine-tuning: unfreeze layers and hand their parameters over with
        their own learning rate. Missing hyperparameters come from ``defaults``.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError("param_group must have a 'params' entry (a list of Tensors)")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but "
                            "the ordering of tensors in sets will change between runs. Please use a "
                            "list instead.")
        else:
            params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        if names:
            if len(names) != len(params):
                raise ValueError("all optimizer params should be with/without names. "
                                 "Some param names are missing")
            params = [p[1] for p in params]
            param_group["param_names"] = names
        for p in params:
            _check_tensor(p)
        param_group["params"] = params
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required optimization "
                                 f"parameter {name}")
            param_group.setdefault(name, default)
            value = param_group[name]
            if value is not default and (_is_number(default) or (
                    isinstance(default, tuple) and default and all(_is_number(v) for v in default))):
                _check_hyperparameter(type(self).__name__, f"param group {name!r}", value, default)
        self._validate_group(param_group)

        ids = [id(p) for p in params]
        if len(ids) != len(set(ids)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; "
                          "each is updated once", stacklevel=3)
        seen = set()
        for g in self.param_groups:
            seen.update(id(p) for p in g["params"])
            if ("param_names" in g) != ("param_names" in param_group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
        if not seen.isdisjoint(ids):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def _validate_group(self, group):
        """Check a group's hyperparameters (subclasses raise PyTorch's ValueErrors)."""

    # ------------------------------------------------------------- grads
    def zero_grad(self, set_to_none=True):
        """Reset the gradients of all optimized parameters.

        Args:
            set_to_none: drop the gradients (default, cheapest); ``False`` fills them
                with zeros in place. A parameter whose ``.grad`` is None is skipped by
                ``step()``, one whose gradient is zero is not (momentum, weight decay).
        """
        for group in self.param_groups:
            for p in group["params"]:
                g = p.grad
                if g is not None:
                    if set_to_none:
                        p._grad = None
                    else:
                        g._ctx = None
                        g.requires_grad = False
                        g._data[...] = 0

    # ------------------------------------------------------------- step
    def step(self, closure=None):
        """Perform one optimization step (update every parameter that has a ``.grad``).

        Args:
            closure: optional callable that re-evaluates the model and returns the
                loss (needed by optimizers that evaluate it several times); it runs
                with gradients enabled, and its result is returned.
        """
        loss = None
        if closure is not None:
            if not callable(closure):
                raise TypeError(f"{type(self).__name__}.step(closure): closure must be a callable that "
                                f"returns the loss, got {type(closure).__name__}")
            with enable_grad():
                loss = closure()
        if self._step_pre_hooks:
            for h in list(self._step_pre_hooks.values()):
                h(self, (), {})
        groups = self.param_groups
        cache = self._cache
        if len(cache) != len(groups):
            del cache[len(groups):]
            cache.extend([None] * (len(groups) - len(cache)))
        for gi, group in enumerate(groups):
            params = group["params"]
            entry = cache[gi]
            if entry is None or entry[0] is not params or len(params) != entry[1]:
                entry = cache[gi] = self._plan(group)
            keys = self._state_keys(group)
            # Check every bucket before updating any, so a rebuild never updates twice.
            todo = []
            for lb in entry[2]:
                b = self._collect(group, lb, keys)
                if b is False:
                    entry = cache[gi] = self._plan(group)
                    todo = []
                    for lb2 in entry[2]:
                        b = self._collect(group, lb2, keys)
                        if b is False:
                            raise RuntimeError("internal error: optimizer buckets invalid after a rebuild")
                        if b is not None:
                            todo.append(b)
                    break
                if b is not None:
                    todo.append(b)
            if todo:
                tok = quiet()     # a NaN/inf gradient gives NaN/inf parameters, not NumPy warnings
                try:
                    for b in todo:
                        self._step_bucket(group, b)
                finally:
                    loud(tok)
        if self._step_post_hooks:
            for h in list(self._step_post_hooks.values()):
                h(self, (), {})
        return loss

    def _plan(self, group):
        """Split a group into buckets (built lazily): by dtype and device, in order."""
        if type(self)._kernel is Optimizer._kernel:
            raise NotImplementedError(
                f"{type(self).__name__} must override step() (or implement _state_keys, "
                "_prepare and _kernel to run on the flat buffers)")
        params = group["params"]
        ids = set()
        uniq = []
        for p in params:
            if id(p) not in ids:
                ids.add(id(p))
                uniq.append(p)
        buckets = []
        if group.get("foreach", None) is not False:
            by = {}
            for p in uniq:
                d = p._data
                if d.dtype.kind != "f":
                    buckets.append([p])      # complex (and never-trained int) tensors alone
                    continue
                key = (d.dtype, B.device_of(d))
                if key not in by:
                    by[key] = []
                    buckets.append(by[key])
                by[key].append(p)
        else:
            buckets = [[p] for p in uniq]
        return [params, len(params), [_LazyBucket(b) for b in buckets]]

    def _collect(self, group, lb, keys):
        """Validate a bucket and collect its gradients.

        Returns the bucket, None when it has nothing to do, or False when something
        it packed was replaced (``p._data``, the state) and the group must be re-planned.
        """
        b = lb.bucket
        if b is None or b.keys != keys:
            if not any(p.grad is not None for p in lb.params):
                return None          # build lazily, when a gradient comes
            b = lb.bucket = _Bucket(self, group, lb.params, keys)
        get_state = self.state.get
        gflat = b.gflat = []
        append = gflat.append
        missing = False
        for p, pv, st, tr, shape in zip(b.params, b.pviews, b.states, b.trefs, b.shapes):
            if p._data is not pv or get_state(p) is not st:
                return False
            for k, t, v in tr:
                if st.get(k) is not t or t._data is not v:
                    return False
            g = p.grad
            if g is None:
                missing = True
                append(None)
                continue
            gd = g._data
            if gd.shape != shape:
                raise RuntimeError(
                    f"{type(self).__name__}.step(): a parameter of shape {shape} has a gradient "
                    f"of shape {tuple(gd.shape)}; .grad must have the parameter's shape")
            append(gd)
        if missing and all(g is None for g in gflat):
            return None
        b.missing = missing
        return b

    def _step_bucket(self, group, b):
        gflat = b.gflat
        if not b.missing and b.synced:
            _run(self, group, b, 0, len(gflat), b.full)
        else:
            # Slow path: runs of consecutive parameters that have gradients and share a step.
            states = b.states
            n = len(gflat)
            i = 0
            while i < n:
                if gflat[i] is None:
                    i += 1
                    continue
                s = _sig(states[i])
                j = i + 1
                while j < n and gflat[j] is not None and _sig(states[j]) == s:
                    j += 1
                _run(self, group, b, i, j, b.full if (i == 0 and j == n) else b.chunks(i, j))
                i = j
            b.synced = b._all_synced()
        b.gflat = None               # do not keep the gradients alive between steps

    # subclass interface -------------------------------------------------
    def _state_keys(self, group):
        """((name, initial value), ...) of the per-parameter state arrays."""
        return ()

    def _num_scratch(self, group):
        return 1

    def _prepare(self, group, step, fresh):
        """(gradient scale or None, scalars for ``_kernel``) of this step.

        ``step`` is the new step count (None for optimizers without one) and
        ``fresh`` says the state was created just now. The gradient is gathered
        into ``G`` multiplied by the scale (copied when it is None).
        """
        raise NotImplementedError

    def _kernel(self, sc, P, G, bufs, scr):
        """Update flat arrays in place: parameters ``P``, gathered gradient ``G``
        (free to overwrite), state ``bufs`` (in ``_state_keys`` order), scratch ``scr``."""
        raise NotImplementedError

    # ------------------------------------------------------------- hooks
    def register_step_pre_hook(self, hook):
        """Call ``hook(optimizer, args, kwargs)`` before each ``step()``; returns a handle."""
        return _Handle(self._step_pre_hooks, hook)

    def register_step_post_hook(self, hook):
        """Call ``hook(optimizer, args, kwargs)`` after each ``step()``; returns a handle."""
        return _Handle(self._step_post_hooks, hook)

    # ------------------------------------------------------------- state dict
    def state_dict(self):
        """The optimizer's state as a dict, in PyTorch's layout.

        ``{"state": {index: {"step": 3.0, "exp_avg": Tensor, ...}},
        "param_groups": [{"lr": ..., ..., "params": [index, ...]}]}``: parameters are
        numbered in the order of ``param_groups``; the parameters themselves are not
        saved. The state tensors are the live ones (views of the optimizer's
        buffers), as in PyTorch: ``nerve.save`` it, or deep-copy it to keep a snapshot.
        """
        mapping = {}
        start = 0
        packed_groups = []
        for g in self.param_groups:
            packed = {k: v for k, v in g.items() if k != "params"}
            for i, p in enumerate(g["params"], start):
                mapping.setdefault(id(p), i)
            packed["params"] = [mapping[id(p)] for p in g["params"]]
            start += len(packed["params"])
            packed_groups.append(packed)
        packed_state = {}
        for k, v in self.state.items():
            if isinstance(k, Tensor):
                if id(k) in mapping and v:
                    packed_state[mapping[id(k)]] = dict(v)
            else:
                packed_state[k] = v
        packed_state = dict(sorted(packed_state.items(), key=lambda kv: (not isinstance(kv[0], int),
                                                                         str(kv[0]))))
        return {"state": packed_state, "param_groups": packed_groups}

    def load_state_dict(self, state_dict):
        """Load a state produced by ``state_dict()`` (of this or a same-shaped optimizer).

        Group count and group sizes must match; hyperparameters come from the saved
        groups (so call this *after* creating any LR scheduler). Values are copied,
        cast to each parameter's dtype and device, into the optimizer's buffers.
        """
        if not isinstance(state_dict, dict) or "param_groups" not in state_dict or "state" not in state_dict:
            raise ValueError("optimizer state_dict must be a dict with 'state' and 'param_groups' "
                             "entries (as returned by Optimizer.state_dict())")
        groups = self.param_groups
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError(
                "loaded state dict has a different number of parameter groups "
                f"({len(saved_groups)}) than the optimizer ({len(groups)})")
        for i, (g, s) in enumerate(zip(groups, saved_groups)):
            if len(g["params"]) != len(s["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group that doesn't match the size of "
                    f"optimizer's group: group {i} has {len(s['params'])} parameters in the "
                    f"state dict and {len(g['params'])} in the optimizer")
        id_map = dict(zip(chain.from_iterable(s["params"] for s in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))
        # Checkpoint formats may turn int keys into strings.
        id_map.update({str(k): v for k, v in list(id_map.items())})

        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                p = id_map[k]
                state[p] = {key: self._cast_state(p, key, val) for key, val in v.items()}
            else:
                state[k] = v
        new_groups = []
        for g, s in zip(groups, saved_groups):
            s["params"] = g["params"]
            if "param_names" in g and "param_names" not in s:
                s["param_names"] = g["param_names"]
            if "betas" in s and isinstance(s["betas"], list):
                s["betas"] = tuple(s["betas"])
            new_groups.append(s)
        self.state = state
        self.param_groups = new_groups
        self._cache = []
        self._setstate_groups()

    _group_defaults = {}

    def _setstate_groups(self):
        """Fill in keys older state dicts may lack (``_group_defaults``; subclasses may override)."""
        for g in self.param_groups:
            for k, v in self._group_defaults.items():
                g.setdefault(k, v)

    @staticmethod
    def _cast_state(p, key, value):
        if key == "step":
            if isinstance(value, Tensor):
                return float(value.item())
            if isinstance(value, (np.ndarray, np.generic)):
                return float(value)
            return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
        if isinstance(value, (Tensor, np.ndarray)) or hasattr(value, "__cuda_array_interface__"):
            arr = value._data if isinstance(value, Tensor) else value
            arr = B.to_device_array(arr, p.device)
            dtype = p._data.dtype if p._data.dtype.kind in "fc" else arr.dtype
            arr = arr.astype(dtype, copy=True)
            if arr.ndim and arr.shape != p._data.shape:
                raise ValueError(
                    f"loaded state dict: state {key!r} has shape {tuple(arr.shape)} but its parameter "
                    f"has shape {tuple(p._data.shape)}; was it saved for another model?")
            return Tensor._make(arr)
        if isinstance(value, dict):
            return {k: Optimizer._cast_state(p, k, v) for k, v in value.items()}
        return copy.deepcopy(value)

    # ------------------------------------------------------------- misc
    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._cache = []
        self._step_pre_hooks = {}
        self._step_post_hooks = {}
        self._setstate_groups()

    def __repr__(self):
        s = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            s += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    s += f"    {key}: {group[key]}\n"
        return s + ")"


class _LazyBucket:
    __slots__ = ("bucket", "params")

    def __init__(self, params):
        self.params = params
        self.bucket = None


class _Handle:
    """Removable hook handle (``handle.remove()``)."""

    _ids = itertools.count()

    def __init__(self, registry, hook):
        self._registry = registry
        self.id = next(_Handle._ids)
        registry[self.id] = hook

    def remove(self):
        self._registry.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _is_number(v):
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)


def _check_hyperparameter(opt, name, value, default):
    """Raise a TypeError naming ``opt`` and ``name`` unless ``value`` has the default's form."""
    if isinstance(default, tuple):
        ok = (isinstance(value, (tuple, list)) and len(value) == len(default)
              and all(_is_number(v) or isinstance(v, bool) or (isinstance(v, Tensor) and v.numel() == 1)
                      for v in value))
        if not ok:
            raise TypeError(
                f"{opt}: {name} must be a tuple of {len(default)} numbers such as {default}, got "
                f"{type(value).__name__} {value!r}")
        return
    if _is_number(value) or isinstance(value, bool):
        return
    if isinstance(value, Tensor):
        if value.numel() != 1:
            raise ValueError(f"{opt}: Tensor {name} must be 1-element, got shape {tuple(value.shape)}")
        return
    kind = "an integer" if isinstance(default, int) and name in ("max_iter", "history_size") else "a number"
    hint = " (write it without quotes)" if isinstance(value, str) else ""
    raise TypeError(f"{opt}: {name} must be {kind}, got {type(value).__name__} {value!r}{hint}")


def _to_float(x, name):
    """Hyperparameters may be given as 0-d Tensors (PyTorch allows it); store floats."""
    if isinstance(x, Tensor):
        if x.numel() != 1:
            raise ValueError(f"Tensor {name} must be 1-element")
        return float(x.item())
    return x
