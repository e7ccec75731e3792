"""``Op``: one differentiable operation, forward and backward side by side;
``Function``: PyTorch's user-facing way to write one (``ctx``, ``apply``).

An ``Op`` subclass (nerve's own primitives) implements

* ``forward(self, *arrays)``: raw arrays in, one raw array out. Anything the
  backward needs is stored on ``self``; non-tensor arguments (axis, shape, ...)
  are given to ``__init__``.
* ``backward(self, grad)``: ``grad`` is a ``Tensor`` shaped like the output; it
  returns one ``Tensor`` (or ``None``) per input, already reduced to that
  input's shape. Backward is written with nerve's own tensor operations, so the
  engine can record it (``create_graph=True``) and higher-order gradients come
  for free. ``self.inputs`` holds the input tensors; ``self.output()`` the
  output tensor when the class sets ``save_output = True``.

Calling an instance runs the op: ``Exp()(x)``. The lowercase public function
(``nerve.exp``) does exactly that.

``saved`` lists the inputs whose *values* backward reads (``None``: all of
them); the in-place checks (``version.py``) look only at those, so
``y = a + b; a.add_(1); y.backward()`` works as in PyTorch while
``y = a * b; a.add_(1); y.backward()`` raises.
"""
from __future__ import annotations

import weakref

from .grad_mode import _enabled, no_grad
from .version import _epoch
from .._backend import loud as _loud, np as _np, quiet as _quiet

_Tensor = None  # set by nerve.tensor to break the import cycle


class OpError(RuntimeError, ValueError):
    """An op was given inputs it cannot combine (e.g. shapes that do not broadcast).

    A ``RuntimeError`` as in PyTorch, and a ``ValueError`` as NumPy raises for the
    same mistakes, so code catching either keeps working.
    """


def _broadcast_mismatch(shapes):
    """PyTorch's broadcast check over ``shapes`` in order: ``(size_a, size_b, dim)`` of the first
    clash (``a``: the shapes before, broadcast together; ``b``: the next one; ``dim`` counted in
    the result, from the right), or None when they broadcast."""
    acc = ()
    for s in shapes:
        n = max(len(acc), len(s))
        a, b = (1,) * (n - len(acc)) + tuple(acc), (1,) * (n - len(s)) + tuple(s)
        for d in range(n - 1, -1, -1):
            if a[d] != b[d] and a[d] != 1 and b[d] != 1:
                return a[d], b[d], d
        acc = tuple(x if y == 1 else y for x, y in zip(a, b))
    return None


def _shapes_in(msg):
    """The operand shapes NumPy names in a broadcast error (the originals of remapped ones)."""
    import re
    tail = msg.split("shapes", 1)[-1] if "shapes" in msg else msg.split("Mismatch is between", 1)[-1]
    return [tuple(int(v) for v in s.split(",") if v.strip())
            for s in re.findall(r"\(([\d,\s]*)\)(?:->\([^)]*\))?", tail)]


def _broadcast_error(name, inputs, msg):
    """NumPy's "could not be broadcast" error ``msg`` as PyTorch words it (an OpError), or None."""
    shapes = [tuple(t._data.shape) for t in inputs]
    clash = _broadcast_mismatch(shapes)
    if clash is None:                    # the clash involves an operand the op holds (a condition, a mask)
        shapes = _shapes_in(msg)
        clash = _broadcast_mismatch(shapes)
        if clash is None:
            return None
    listed = ", ".join(str(s) for s in shapes[:-1]) + f" and {shapes[-1]}"
    sa, sb, d = clash
    return OpError(
        f"{name}: operands cannot be broadcast together: the size of tensor a ({sa}) must match the size of "
        f"tensor b ({sb}) at non-singleton dimension {d} (shapes {listed})")


def _forward_error(fn, inputs, err):
    """Name the op and the input shapes/dtypes in an error NumPy raised inside ``forward``."""
    name = type(fn).__name__
    msg = str(err).strip()
    if msg.lower().startswith(name.lower() + ":") or isinstance(err, RuntimeError):
        return err                       # the op's own message (NumPy raises no RuntimeError)
    if "could not be broadcast" in msg or "cannot be broadcast to a single shape" in msg:
        out = _broadcast_error(name, inputs, msg)
        if out is not None:
            return out
    shapes = " and ".join(str(tuple(t._data.shape)) for t in inputs)
    dtypes = " and ".join(str(t._data.dtype) for t in inputs)
    cls = TypeError if isinstance(err, TypeError) else OpError
    return cls(f"{name}: {msg} (input shapes {shapes}; dtypes {dtypes})")


class Op:
    inputs = None          # input Tensors, kept only while the graph is alive
    save_output = False    # set by ops whose backward uses their own result
    retained = None        # weak reference to the output when it called retain_grad()
    saved = None           # indices of inputs whose values backward reads (None: all)
    _out = None
    _epoch = 0             # the in-place epoch when the node was recorded
    _hooks = None          # gradient hooks of the output (Tensor.register_hook on a non-leaf)
    view_of = None         # for view ops: how an in-place change of the view reaches the base

    def forward(self, *arrays):  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, grad):  # pragma: no cover - abstract
        raise NotImplementedError(f"{type(self).__name__} has no backward")

    def output(self):
        """The output tensor (ops with ``save_output = True`` only)."""
        return self._out()

    def saved_inputs(self):
        """Indices of the inputs whose values backward reads (for the in-place checks)."""
        s = self.saved
        return range(len(self.inputs)) if s is None else s

    def __call__(self, *inputs):
        # Hot path: keep it to a handful of attribute reads. (The try is free in
        # Python >= 3.11 until something raises.) ``_quiet`` keeps NumPy's
        # divide/invalid/overflow warnings out: the IEEE value is the answer.
        tok = _quiet()
        try:
            if len(inputs) == 1:
                a = inputs[0]
                data = self.forward(a._data)
                req = a.requires_grad
            elif len(inputs) == 2:
                a, b = inputs
                data = self.forward(a._data, b._data)
                req = a.requires_grad or b.requires_grad
            else:
                data = self.forward(*[t._data for t in inputs])
                req = False
                for t in inputs:
                    if t.requires_grad:
                        req = True
                        break
        except (ValueError, TypeError) as e:
            raise _forward_error(self, inputs, e) from None
        except AttributeError:
            bad = [i for i, t in enumerate(inputs) if not isinstance(t, _Tensor)]
            if not bad:
                raise
            i = bad[0]
            raise TypeError(
                f"{type(self).__name__}: argument {i} must be a Tensor, not {type(inputs[i]).__name__} "
                f"({inputs[i]!r:.60}); wrap data with nerve.tensor(...)") from None
        finally:
            _loud(tok)
        out = _Tensor.__new__(_Tensor)
        out._data = data
        out._grad = None
        if req and _enabled[0]:
            out.requires_grad = True
            out._ctx = self
            self.inputs = inputs
            self._epoch = _epoch[0]
            if self.save_output:
                self._out = weakref.ref(out)
        else:
            out.requires_grad = False
            out._ctx = None
        return out

    # --------------------------------------------- graph inspection (PyTorch names)
    def name(self):
        return f"{type(self).__name__}Backward0"

    @property
    def next_functions(self):
        """``((node, 0), ...)`` per input: its producer, an ``AccumulateGrad`` for a leaf
        that requires grad, or ``None``."""
        if self.inputs is None:
            return ()
        out = []
        for t in self.inputs:
            if t._ctx is not None:
                out.append((t._ctx, 0))
            elif t.requires_grad:
                out.append((AccumulateGrad(t), 0))
            else:
                out.append((None, 0))
        return tuple(out)

    def register_hook(self, hook):
        """Not supported on nodes; use ``Tensor.register_hook`` on the output."""
        raise RuntimeError("register a hook on the tensor (tensor.register_hook), not on its grad_fn")

    def __repr__(self):
        return f"<{type(self).__name__}Backward0>"


class AccumulateGrad:
    """The node PyTorch shows for a leaf in ``grad_fn.next_functions``."""

    __slots__ = ("variable",)

    def __init__(self, variable):
        self.variable = variable

    def name(self):
        return "AccumulateGrad"

    next_functions = ()

    def __repr__(self):
        return "<AccumulateGrad>"


# ----------------------------------------------------------------- user functions
class FunctionCtx:
    """The ``ctx`` a custom ``Function``'s ``forward`` and ``backward`` share."""

    def __init__(self):
        self._saved = ()
        self.needs_input_grad = ()
        self._non_diff = set()
        self.materialize_grads = True

    def save_for_backward(self, *tensors):
        for t in tensors:
            if t is not None and not isinstance(t, _Tensor):
                raise TypeError(
                    f"save_for_backward can only save tensors or None, got {type(t).__name__}; "
                    "store other values as attributes of ctx")
        self._saved = tensors

    @property
    def saved_tensors(self):
        if self._saved is None:
            raise RuntimeError(
                "Trying to backward through the graph a second time (saved tensors were freed); "
                "pass retain_graph=True to the first backward()")
        return tuple(self._saved)

    def mark_non_differentiable(self, *tensors):
        self._non_diff.update(id(t) for t in tensors)

    def mark_dirty(self, *tensors):
        """Accepted for compatibility; in-place changes are tracked by nerve itself."""

    def set_materialize_grads(self, value):
        self.materialize_grads = bool(value)


class _UserNode(Op):
    """The graph node of one ``Function.apply`` call."""

    def __init__(self, fn_cls, ctx, arg_pos, n_args, outs):
        self.fn_cls, self.ctx, self.arg_pos, self.n_args = fn_cls, ctx, arg_pos, n_args
        self.outs = outs            # raw output arrays, for zeros when an output gets no gradient
        self.out_grads = None       # multi-output: gradients handed over by each _PickOutput

    def name(self):
        return f"{self.fn_cls.__name__}Backward"

    def __repr__(self):
        return f"<{self.fn_cls.__name__}Backward>"

    def backward(self, g):
        from ..tensor import Tensor
        if self.out_grads is None:
            grads = (g,)
        else:
            grads = tuple(
                gi if gi is not None else (Tensor._make(_np.zeros_like(o)) if self.ctx.materialize_grads else None)
                for gi, o in zip(self.out_grads, self.outs))
        res = self.fn_cls.backward(self.ctx, *grads)
        if not isinstance(res, tuple):
            res = (res,)
        name = self.fn_cls.__name__
        if len(res) > self.n_args and all(r is None for r in res[self.n_args:]):
            res = res[:self.n_args]          # trailing Nones are allowed, as in PyTorch
        if len(res) != self.n_args:
            raise RuntimeError(
                f"function {name}Backward returned an incorrect number of gradients "
                f"(expected {self.n_args}, got {len(res)})")
        out = []
        for pos, t in zip(self.arg_pos, self.inputs):
            gi = res[pos]
            if gi is None or not t.requires_grad:
                out.append(None)
                continue
            if not isinstance(gi, Tensor):
                gi = Tensor(gi, dtype=t._data.dtype)
            if gi._data.shape != t._data.shape:
                from ..ops._util import sum_to
                try:
                    _np.broadcast_shapes(gi._data.shape, t._data.shape)
                    ok = _np.broadcast_shapes(gi._data.shape, t._data.shape) == gi._data.shape
                except ValueError:
                    ok = False
                if not ok:
                    raise RuntimeError(
                        f"function {name}Backward returned an invalid gradient at index {pos} - got "
                        f"{list(gi._data.shape)} but expected shape compatible with {list(t._data.shape)}")
                gi = sum_to(gi, t._data.shape)
            out.append(gi)
        return tuple(out)


class _PickOutput(Op):
    """Output ``i`` of a multi-output custom Function (hands its gradient to the node)."""
    saved = ()

    def __init__(self, node, i):
        self.node, self.i = node, i

    def forward(self, token):
        return self.node.outs[self.i]

    def backward(self, g):
        from ..tensor import Tensor
        self.node.out_grads[self.i] = g
        return Tensor._make(_np.zeros((), dtype=g._data.dtype))

    def name(self):
        return self.node.name()


class Function:
    """Write your own differentiable operation, as with ``torch.autograd.Function``.

    Subclass it with static ``forward(ctx, *args)`` and ``backward(ctx, *grad_outputs)``
    and call ``MyFn.apply(*args)``. ``forward`` runs without recording; ``backward``
    returns one gradient per ``forward`` argument (``None`` for non-tensors). A
    backward written with nerve ops can itself be differentiated.

    Example:
        >>> class Exp(nerve.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         y = x.exp()
        ...         ctx.save_for_backward(y)
        ...         return y
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         (y,) = ctx.saved_tensors
        ...         return grad * y
        >>> x = nerve.tensor([0.0, 1.0], requires_grad=True)
        >>> Exp.apply(x).sum().backward()
    """

    @staticmethod
    def forward(ctx, *args, **kwargs):  # pragma: no cover - abstract
        raise NotImplementedError("a Function subclass must define a static forward(ctx, ...)")

    @staticmethod
    def backward(ctx, *grad_outputs):  # pragma: no cover - abstract
        raise NotImplementedError("a Function subclass must define a static backward(ctx, ...)")

    setup_context = None

    def __init__(self, *args, **kwargs):
        raise RuntimeError(
            f"{type(self).__name__}: custom Functions are not instantiated; call "
            f"{type(self).__name__}.apply(...) with the inputs")

    @classmethod
    def apply(cls, *args):
        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, _Tensor) and a.requires_grad for a in args)
        with no_grad():
            if cls.setup_context is not None:
                out = cls.forward(*args)
                cls.setup_context(ctx, args, out)
            else:
                out = cls.forward(ctx, *args)
        if not (_enabled[0] and any(ctx.needs_input_grad)):
            return out
        single = not isinstance(out, tuple)
        outs = (out,) if single else out
        arg_pos = tuple(i for i, a in enumerate(args) if isinstance(a, _Tensor))
        raw = tuple(o._data if isinstance(o, _Tensor) else o for o in outs)
        node = _UserNode(cls, ctx, arg_pos, len(args), raw)
        node.inputs = tuple(args[i] for i in arg_pos)
        node._epoch = _epoch[0]

        def differentiable(o):
            return isinstance(o, _Tensor) and o._data.dtype.kind in "fc" and id(o) not in ctx._non_diff

        wrapped = []
        if single and differentiable(out):
            w = _Tensor._make(out._data, True)
            w._ctx = node
            wrapped.append(w)
        elif single:
            wrapped.append(out)
        else:
            node.out_grads = [None] * len(outs)
            token = _Tensor._make(_np.zeros((), _np.float32), True)
            token._ctx = node
            for i, o in enumerate(outs):
                if differentiable(o):
                    wrapped.append(_PickOutput(node, i)(token))
                else:
                    wrapped.append(o)
        # saved outputs must be the recorded ones, so that double backward sees through them
        if ctx._saved:
            swap = {id(o): w for o, w in zip(outs, wrapped) if isinstance(o, _Tensor)}
            ctx._saved = tuple(swap.get(id(t), t) if t is not None else None for t in ctx._saved)
        return wrapped[0] if single else tuple(wrapped)


def once_differentiable(fn):
    """Accepted for compatibility: marks a backward that is not itself differentiable."""
    return fn
