"""``Tensor``: an array, the gradient it will receive, and the op that made it.

A tensor is a thin wrapper: ``data`` is a raw NumPy (or CuPy) array, ``grad``
is another ``Tensor`` or ``None``, ``requires_grad`` says whether the graph
records operations on it, and ``_ctx`` is the ``Function`` that produced it
(``None`` for leaves). Every operator and method below forwards to a function
in ``nerve.ops``, where the forward and backward of each op live side by side.
"""
from __future__ import annotations

import numbers
import operator
import operator as _operator

from . import _backend as B
from ._backend import np
from .autograd import function as _function
from .autograd.grad_mode import _enabled
from .autograd.version import _epoch, mark_written as _mark_written


def _shape_arg(size, op="view", arg="size"):
    """Accept ``f(2, 3)``, ``f((2, 3))`` and ``f([2, 3])`` like PyTorch."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    try:
        return tuple(map(operator.index, size))
    except TypeError:
        from .ops.shape import _ints
        return _ints(size, op, arg)    # raises, naming the element that is not an int


class Tensor:
    """A multi-dimensional array with reverse-mode automatic differentiation.

    Args:
        data: array-like (NumPy array, nested lists, Python number, Tensor).
        dtype: ``nerve.float32`` (default for floats), ``float64``, ``int64``, ``bool``.
        device: ``'cpu'`` (default) or ``'cuda'`` (needs CuPy).
        requires_grad: record operations on this tensor for ``backward()``.

    Example:
        >>> x = nerve.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> (x * x).sum().backward()
        >>> x.grad
        tensor([2., 4., 6.])
    """

    # ``_meta`` is left unset on the hot path (read with getattr): a dict for rare state
    # (hooks on a leaf, in-place rebinding history, ``.data`` views).
    # ``grad`` is a property over the ``_grad`` slot: its reads stay a C-level attrgetter, and
    # assignments by users are checked (PyTorch's errors); the engine and optimizers' hot paths
    # write ``_grad`` directly.
    __slots__ = ("_data", "_grad", "requires_grad", "_ctx", "_meta", "__weakref__")
    # Make NumPy defer to Tensor for ``ndarray + Tensor``.
    __array_ufunc__ = None
    __array_priority__ = 1000

    def __init__(self, data, dtype=None, device=None, requires_grad=False):
        self._data = _to_array(data, dtype, device)
        self._grad = None
        self._ctx = None
        self._meta = None
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _make(cls, data, requires_grad=False):
        """Wrap a raw array without copying or checking (internal fast path)."""
        t = object.__new__(cls)
        t._data = data
        t._grad = None
        t.requires_grad = requires_grad
        t._ctx = None
        return t

    # ----------------------------------------------------------- properties
    def _set_grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}")
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value._data.shape)}' to a tensor of size "
                    f"'{list(self._data.shape)}'. Please ensure that the gradient and the tensor are the same size")
            # PyTorch wants the exact dtype; nerve's optimizers cast a float gradient of another
            # precision, so only a change of kind (an integer gradient on a float tensor) is refused
            if value._data.dtype.kind != self._data.dtype.kind:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype {value._data.dtype} to a tensor with dtype "
                    f"{self._data.dtype}. The gradient must match the tensor's dtype (convert it with "
                    f".to(nerve.{self._data.dtype}))")
        self._grad = value

    grad = property(_operator.attrgetter("_grad"), _set_grad, doc=(
        "The gradient accumulated by ``backward()`` (a Tensor of this tensor's shape and dtype), or None."))

    @property
    def data(self):
        """A tensor sharing this one's storage, cut from the graph (PyTorch's ``.data``).

        Changes made through it (``p.data.add_(...)``, ``p.data.copy_(...)``) are not
        recorded and are not seen by autograd's in-place checks; ``.numpy()`` gives the
        raw array.
        """
        t = Tensor._make(self._data)
        t._meta = {"untracked": True}
        return t

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError(f"Tensor.data must be set to a Tensor, got {type(value).__name__}")
        if self.requires_grad and value._data.dtype.kind not in "fc":
            raise RuntimeError(
                f"data set to a tensor of dtype {value._data.dtype}, but this tensor requires grad "
                "and needs a floating point dtype")
        self._data = value._data

    @property
    def shape(self):
        return self._data.shape

    @property
    def dtype(self):
        return self._data.dtype

    @property
    def device(self):
        return B.device_of(self._data)

    @property
    def ndim(self):
        return self._data.ndim

    @property
    def is_leaf(self):
        return self._ctx is None

    @property
    def grad_fn(self):
        return self._ctx

    @property
    def is_cuda(self):
        return self.device.type == "cuda"

    @property
    def T(self):
        return _ops.permute(self, tuple(range(self._data.ndim - 1, -1, -1)))

    @property
    def mT(self):
        return _ops.transpose(self, -2, -1)

    def size(self, dim=None):
        if dim is None:
            return self._data.shape
        try:
            return self._data.shape[dim]
        except (IndexError, TypeError):
            raise _dim_error("size", dim, self._data.ndim) from None

    def dim(self):
        return self._data.ndim

    def numel(self):
        return int(self._data.size)

    nelement = numel

    def logical_not(self):
        return _ops.logical_not(self)

    def logical_and(self, other):
        return _ops.logical_and(self, other)

    def logical_or(self, other):
        return _ops.logical_or(self, other)

    def logical_xor(self, other):
        return _ops.logical_xor(self, other)

    def element_size(self):
        return self._data.itemsize

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    __hash__ = object.__hash__

    # ------------------------------------------------------- conversions
    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise ValueError(
                f"item(): only one-element tensors can be converted to Python scalars, "
                f"got shape {tuple(self._data.shape)}")
        return self._data.item()

    def numpy(self, *, force=False):
        """The data as a NumPy array (shares memory on the CPU)."""
        if force is not False and force is not True:
            raise TypeError(f"numpy(): argument 'force' must be bool, not {type(force).__name__}")
        if self.requires_grad and _enabled[0] and not force:
            raise RuntimeError(
                "Can't call numpy() on a Tensor that requires grad. Use tensor.detach().numpy() instead.")
        d = self._data
        return d if isinstance(d, np.ndarray) else B.to_device_array(d, "cpu")

    def tolist(self):
        return B.to_device_array(self._data, "cpu").tolist()

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if self._data.dtype.kind not in "iu" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.item())

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError(
                f"Boolean value of Tensor with more than one value is ambiguous (shape {tuple(self._data.shape)}); "
                "use .any() or .all()")
        return bool(self._data.item())

    def __array__(self, dtype=None, copy=None):
        a = B.to_device_array(self._data, "cpu")
        return a if dtype is None else a.astype(dtype, copy=False)

    def detach(self):
        """A new tensor sharing the data, cut from the graph."""
        return Tensor._make(self._data)

    def detach_(self):
        self._ctx = None
        self.requires_grad = False
        return self

    def clone(self):
        return _ops.clone(self)

    def contiguous(self, memory_format=None):
        d = self._data
        if isinstance(d, np.generic) or d.flags.c_contiguous:
            return self
        return _ops.clone(self)

    def retain_grad(self):
        """Keep ``.grad`` for a non-leaf tensor after ``backward()``."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._ctx is not None:
            import weakref
            self._ctx.retained = weakref.ref(self)

    def to(self, *args, **kwargs):
        """``to(device)``, ``to(dtype)``, ``to(device, dtype)`` or ``to(other_tensor)``."""
        device = kwargs.pop("device", None)
        dtype = kwargs.pop("dtype", None)
        for a in args:
            if isinstance(a, Tensor):
                device, dtype = a.device, a.dtype
            elif isinstance(a, (str, B.Device)) and not (isinstance(a, str) and a in B._DTYPE_NAMES):
                device = a
            else:
                dtype = a
        out = self
        if dtype is not None and B.to_dtype(dtype) != self._data.dtype:
            out = _ops.cast(out, B.to_dtype(dtype))
        if device is not None and B.as_device(device) != self.device:
            out = _ops.to_device(out, B.as_device(device))
        return out

    def cpu(self):
        return self.to("cpu")

    def cuda(self, device=None):
        return self.to("cuda" if device is None else f"cuda:{int(device)}")

    def type(self, dtype=None):
        if dtype is None:
            return f"nerve.{self._data.dtype.name}"
        return self.to(dtype)

    def float(self):
        return self.to(B.float32)

    def double(self):
        return self.to(B.float64)

    def half(self):
        return self.to(B.float16)

    def long(self):
        return self.to(B.int64)

    def int(self):
        return self.to(B.int32)

    def bool(self):
        return self.to(B.bool_)

    def type_as(self, other):
        return self.to(other.dtype)

    def is_floating_point(self):
        return self._data.dtype.kind == "f"

    # ------------------------------------------------------------ autograd
    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad`` (chain rule).

        Args:
            gradient: d(loss)/d(self); may be omitted for a one-element tensor.
            retain_graph: keep the graph for another backward (default: ``create_graph``).
            create_graph: record the backward itself, for higher-order gradients.
            inputs: accumulate only into these tensors' ``.grad`` (default: every leaf).
        """
        if not self.requires_grad:
            raise RuntimeError(
                "element 0 of tensors does not require grad and does not have a grad_fn: "
                "did you create the inputs with requires_grad=True and compute outside no_grad()?")
        if gradient is None:
            if self._data.size != 1:
                raise RuntimeError(
                    f"grad can be implicitly created only for scalar outputs; got shape "
                    f"{tuple(self._data.shape)}: pass gradient= of the same shape")
            gradient = Tensor._make(B.array_module(self.device).ones_like(self._data))
        elif not isinstance(gradient, Tensor):
            try:
                gradient = Tensor(gradient, dtype=self._data.dtype)
            except (TypeError, ValueError):
                raise TypeError(f"gradients can be either Tensors or None, but got {type(gradient).__name__}") from None
        if gradient.shape != self.shape:
            raise RuntimeError(
                f"backward: gradient has shape {tuple(gradient.shape)} but the tensor has shape "
                f"{tuple(self.shape)}")
        if retain_graph is None:
            retain_graph = create_graph
        if inputs is None:
            run_backward([self], [gradient], retain_graph=retain_graph, create_graph=create_graph)
            return
        # accumulate into ``inputs`` only (leaves or not), as PyTorch's backward(inputs=...)
        from .autograd.engine import _accumulate_leaf
        inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        if not inputs:
            raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
        for i, t in enumerate(inputs):
            if not isinstance(t, Tensor):
                raise TypeError(f"backward(): inputs[{i}] must be a Tensor, got {type(t).__name__}")
            if not t.requires_grad:
                raise RuntimeError(
                    f"backward(): inputs[{i}] (shape {tuple(t._data.shape)}) does not require grad; every tensor "
                    "in inputs= must require grad (a leaf made with requires_grad=True, or computed from one)")
        grads = run_backward([self], [gradient], retain_graph=retain_graph, create_graph=create_graph,
                             inputs=inputs, allow_unused=True)
        for t, g in zip(inputs, grads):
            if g is not None:
                _accumulate_leaf(t, g, g, create_graph)

    # ---------------------------------------------------------- arithmetic
    def __add__(self, other):
        return _ops.add(self, other)

    def __radd__(self, other):
        return _ops.add(other, self)

    def __sub__(self, other):
        return _ops.sub(self, other)

    def __rsub__(self, other):
        return _ops.sub(other, self)

    def __mul__(self, other):
        return _ops.mul(self, other)

    def __rmul__(self, other):
        return _ops.mul(other, self)

    def __truediv__(self, other):
        return _ops.div(self, other)

    def __rtruediv__(self, other):
        return _ops.div(other, self)

    def __pow__(self, other):
        return _ops.pow(self, other)

    def __rpow__(self, other):
        return _ops.pow(other, self)

    def __matmul__(self, other):
        return _ops.matmul(self, other)

    def __rmatmul__(self, other):
        return _ops.matmul(other, self)

    def __neg__(self):
        return _ops.neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _ops.abs(self)

    # comparisons and logic: no gradient, bool results
    def __eq__(self, other):
        return _ops.eq(self, other)

    def __ne__(self, other):
        return _ops.ne(self, other)

    def __lt__(self, other):
        return _ops.lt(self, other)

    def __le__(self, other):
        return _ops.le(self, other)

    def __gt__(self, other):
        return _ops.gt(self, other)

    def __ge__(self, other):
        return _ops.ge(self, other)

    # & | ^ ~ << >> and // % are installed from ops/pointwise.py (TENSOR_METHODS): bitwise on
    # integers, logical on bool, as in PyTorch
    def __getitem__(self, index):
        return _ops.getitem(self, index)

    def __setitem__(self, index, value):
        _ops.setitem(self, index, value)

    # ------------------------------------------------------------ in place
    # PyTorch's rules: an in-place op changes this tensor's storage (every alias sees it).
    # Under no_grad, or when nothing involved requires grad, it is a plain write. Otherwise
    # it is recorded: the op runs out of place on the old value (``old`` takes over this
    # tensor's place in the graph recorded so far), the result is written into the
    # storage, and this tensor now points to the new node. A leaf that requires grad
    # refuses (as in PyTorch); a view of a tensor that requires grad writes through to
    # its base, so the base's gradient sees the change. Every tracked write is logged
    # (autograd/version.py), so a backward that would read an overwritten saved value
    # raises instead of returning a wrong gradient.
    def _writable(self, name):
        """The raw array to write into (a 0-d NumPy scalar becomes a 0-d array first)."""
        d = self._data
        if isinstance(d, np.generic):
            d = self._data = np.array(d)
        elif not d.flags.writeable:
            raise RuntimeError(
                f"{name}: this tensor's memory is read-only (e.g. a NumPy array marked non-writeable or a "
                "broadcast view made by expand()); clone() it first")
        return d

    def _written(self):
        meta = getattr(self, "_meta", None)
        if meta is None or not meta.get("untracked"):
            _mark_written(self._data)

    def _check_overlap(self, name, d, args, fill=False):
        """PyTorch's rules for writes whose memory overlaps: an expanded (zero-stride) target
        only takes fills (which read their value first), an operand may alias the target only
        exactly (``a.add_(a)``), and the scatter family takes no operand sharing its memory."""
        if fill or (name == "copy_" and len(args) == 1 and getattr(args[0], "_data", None) is d):
            return                     # (``e.copy_(e)`` changes nothing, even on an expanded ``e``)
        if not isinstance(d, np.generic) and d.size > 1 and 0 in d.strides and any(
                n > 1 and st == 0 for n, st in zip(d.shape, d.strides)):
            raise RuntimeError(
                f"{name}: unsupported operation: more than one element of the written-to tensor refers to a "
                "single memory location. Please clone() the tensor before performing the operation.")
        bad = ("full", "partial") if name in _NO_ALIAS else ("partial",)
        for a in args:
            o = a._data if isinstance(a, Tensor) else None
            if o is None or isinstance(o, np.generic) or (o is d and name not in _NO_ALIAS):
                continue
            if _overlap_status(o, d) in bad:
                raise RuntimeError(
                    f"{name}: unsupported operation: some elements of the input tensor and the written-to tensor "
                    "refer to a single memory location. Please clone() the tensor before performing the operation.")

    def _write_result(self, name, res, where=None):
        d = self._writable(name)
        if res.dtype != d.dtype and not np.can_cast(res.dtype, d.dtype, "same_kind"):
            raise RuntimeError(
                f"{name}: result type {_dtype_name(res.dtype)} can't be cast to the desired output type "
                f"{_dtype_name(d.dtype)}")
        if res.shape != d.shape:
            try:
                ok = np.broadcast_shapes(res.shape, d.shape) == d.shape
            except ValueError:
                ok = False
            if not ok:
                raise RuntimeError(
                    f"{name}: output with shape {list(d.shape)} doesn't match the broadcast shape "
                    f"{list(np.broadcast_shapes(res.shape, d.shape)) if _broadcastable(res.shape, d.shape) else list(res.shape)}")
        tok = B.quiet()     # a NaN written into an integer tensor: no "invalid value in cast"
        try:
            if where is None:
                np.copyto(d, res, casting="unsafe")
            else:
                np.copyto(d, res, casting="unsafe", where=where)
        finally:
            B.loud(tok)

    def _inplace(self, name, fn, *args, written=None, through_view=False):
        """Apply ``fn(tensor, *args) -> Tensor`` in place (the one path of every ``*_`` method).

        ``written``: an ``ops._util.Written`` for ops that change only some elements
        (``x[i] = v``, ``masked_fill_``), read only where the write reaches an expanded view.
        ``through_view``: the write of a view's new value into its base (the memory checks
        were made on the view, the tensor the user wrote)."""
        rec = _enabled[0] and (self.requires_grad or any(isinstance(a, Tensor) and a.requires_grad for a in args))
        if isinstance(self._data, np.ndarray) and not through_view:
            self._check_overlap(name, self._data, args, fill=name in _FILLS)
        if not rec:
            res = fn(self, *args)
            where = None
            if written is not None and written.mask is not None and _ops_util.internal_overlap(self._data):
                where = written.mask()     # elements sharing memory: write only the changed ones
            self._write_result(name, res._data, where)
            self._written()
            return self
        ctx = self._ctx
        if ctx is None and self.requires_grad:
            raise _leaf_error(name)
        vnode = self._view_node()
        if vnode is not None:
            base = vnode.inputs[0]
            # a view of a tensor that requires grad, or of one that does not (yet): either way the
            # write goes through the base, whose history (and its other views') takes it in
            if (base.requires_grad or vnode is not ctx) and (
                    self._data.size == 0 or _shares(self._data, base._data)):
                if base.requires_grad and base._ctx is None:
                    raise _leaf_error(name, "a view of ")
                return self._inplace_view(name, fn, args, vnode, base, written)
        old = Tensor._make(self._data, self.requires_grad)
        old._ctx = ctx
        self_arg = any(a is self for a in args)
        args = tuple(old if a is self else a for a in args)
        _mark_written(_EMPTY)                  # a new epoch: the nodes ``fn`` records carry it
        res = fn(old, *args)
        if not self_arg and _reads(res._ctx, old, _epoch[0]):
            old._data = old._data.copy()       # a node reads the old value: keep it intact
        self._write_result(name, res._data)
        self._written()
        # ``a.mul_(a)``: the op read its own operand, which it has just overwritten; as in
        # PyTorch that is an error at backward (the node keeps its pre-write epoch)
        self._rebind(old, res, keep_epoch=self_arg)
        return self

    def _rebind(self, old, res, keep_epoch=False):
        node = res._ctx
        meta = getattr(self, "_meta", None)
        if meta is None:
            meta = self._meta = {}
        meta.setdefault("rebinds", []).append((_epoch[0], old))
        self._ctx = node
        self.requires_grad = res.requires_grad
        if node is not None:
            if not keep_epoch:
                node._epoch = _epoch[0]
            if node.save_output:
                import weakref
                node._out = weakref.ref(self)
            if old._ctx is None and not old.requires_grad:
                self._adopt_views(meta)
        views = meta.get("views")
        if views:
            self._rebase_views(views)

    def _view_node(self):
        """The view op (``reshape``, ``permute``, ``expand``, basic ``getitem``) that made this
        tensor from its base ``node.inputs[0]``, or None: the recorded node, or for a view of a
        tensor that did not require grad the op kept by ``ops._util.register_nograd_view``."""
        ctx = self._ctx
        if ctx is not None:
            return ctx if ctx.inputs is not None and ctx.view_of is not None else None
        meta = getattr(self, "_meta", None)
        return None if meta is None else meta.get("view")

    def _adopt_views(self, meta):
        """This tensor did not require grad and now does (an in-place op brought gradient in):
        the views made from it meanwhile (``ops._util.NOGRAD_VIEWS``) join its list of views,
        to be re-based now and at its later in-place changes."""
        found, keep = [], []
        for r in _ops_util.NOGRAD_VIEWS:
            v = r()
            if v is None or v._ctx is not None:
                continue                   # dead, or given a history since (no longer waiting)
            node = (getattr(v, "_meta", None) or {}).get("view")
            (found if node is not None and node.inputs[0] is self else keep).append(r)
        if found:
            _ops_util.NOGRAD_VIEWS[:] = keep
            meta.setdefault("views", []).extend(found)

    def _rebase_views(self, views):
        """This tensor changed in place: its live views now read the new values, so their
        gradient must flow through the new history too (PyTorch regenerates their grad_fn)."""
        # a new epoch: the op that just wrote (which may have read a view as an operand)
        # keeps seeing the views' old producers
        _mark_written(_EMPTY)
        for ref in list(views):
            v = ref()
            if v is None or v is self:
                continue
            node = v._view_node()
            if node is None or node.inputs[0] is not self:
                continue
            old = Tensor._make(v._data, v.requires_grad)
            old._ctx = v._ctx
            new = node.view_of.take(self)
            vm = getattr(v, "_meta", None)
            if vm is None:
                vm = v._meta = {}
            vm.setdefault("rebinds", []).append((_epoch[0], old))
            v._ctx = new._ctx
            v.requires_grad = new.requires_grad
            if new._ctx is not None:
                new._ctx._epoch = _epoch[0]
                if old._ctx is None and not old.requires_grad:
                    v._adopt_views(vm)       # a view of a view: its own views gain grad too
            sub = vm.get("views")
            if sub:
                v._rebase_views(sub)

    def _inplace_view(self, name, fn, args, ctx, base, written=None):
        """In place on a view: compute the view's new value, write it through the base."""
        old = Tensor._make(self._data, self.requires_grad)
        old._ctx = self._ctx
        self_arg = any(a is self for a in args)
        args = tuple(old if a is self else a for a in args)
        _mark_written(_EMPTY)
        new = fn(old, *args)
        if not self_arg and _reads(new._ctx, old, _epoch[0]):
            old._data = old._data.copy()       # a node reads the old value: keep it intact
        if new._data.shape != self._data.shape:
            new = _ops.expand(new, self._data.shape)
        if written is None:
            written = _ops_util.Written(None, _ops_util.internal_overlap(self._data))
        view_of = ctx.view_of
        base._inplace(name, lambda b, v: view_of.put(b, v, name, written), new,
                      written=view_of.written_in_base(written, base._data.shape), through_view=True)
        self._rebind(old, view_of.take(base))
        return self

    @property
    def _version(self):
        """How many tracked in-place writes touched this tensor's memory."""
        from .autograd.version import version_of
        return version_of(self._data)

    def add_(self, other, alpha=1):
        if not (_enabled[0] and (self.requires_grad or getattr(other, "requires_grad", False))):
            return self._ufunc_(np.add, "add_", other, alpha)
        return self._inplace("add_", lambda t, o: _ops.add(t, o if alpha == 1 else _ops.mul(o, alpha)), other)

    def sub_(self, other, alpha=1):
        if self._data.dtype.kind == "b" or isinstance(other, bool) or (
                isinstance(other, Tensor) and other._data.dtype.kind == "b"):
            _ops.sub(self, other)          # raises PyTorch's error for bool subtraction
        if not (_enabled[0] and (self.requires_grad or getattr(other, "requires_grad", False))):
            return self._ufunc_(np.subtract, "sub_", other, alpha)
        return self._inplace("sub_", lambda t, o: _ops.sub(t, o if alpha == 1 else _ops.mul(o, alpha)), other)

    def mul_(self, other):
        if not (_enabled[0] and (self.requires_grad or getattr(other, "requires_grad", False))):
            return self._ufunc_(np.multiply, "mul_", other)
        return self._inplace("mul_", _ops.mul, other)

    def div_(self, other, *, rounding_mode=None):
        if rounding_mode is None and self._data.dtype.kind in "fc" and not (
                _enabled[0] and (self.requires_grad or getattr(other, "requires_grad", False))):
            return self._ufunc_(np.true_divide, "div_", other)
        if rounding_mode is None:
            return self._inplace("div_", _ops.div, other)
        return self._inplace("div_", lambda t, o: _ops.div(t, o, rounding_mode=rounding_mode), other)

    def _ufunc_(self, ufunc, name, other, alpha=1):
        """The plain (unrecorded) in-place arithmetic: one ufunc writing into the storage."""
        d = self._writable(name)
        self._check_overlap(name, d, (other,))
        o = other._data if isinstance(other, Tensor) else other
        tok = B.quiet()
        try:
            if alpha != 1:
                o = o * alpha
            ufunc(d, o, out=d, casting="same_kind")
        except TypeError:
            rt = _ops_util.result_type(self, other if alpha == 1 else _ops_util.lift(o))
            raise RuntimeError(
                f"{name}: result type {_dtype_name(rt)} can't be cast to the desired output type "
                f"{_dtype_name(d.dtype)}") from None
        except ValueError:
            shape = np.shape(o)
            raise RuntimeError(
                f"{name}: output with shape {list(d.shape)} doesn't match the broadcast shape of "
                f"{list(d.shape)} and {list(shape)}") from None
        finally:
            B.loud(tok)
        self._written()
        return self

    def __iadd__(self, other):
        return self.add_(other)

    def __isub__(self, other):
        return self.sub_(other)

    def __imul__(self, other):
        return self.mul_(other)

    def __itruediv__(self, other):
        return self.div_(other)

    def __ifloordiv__(self, other):
        return self._inplace("floor_divide_", _ops.floor_divide, other)

    def __imod__(self, other):
        return self._inplace("remainder_", _ops.remainder, other)

    def __ipow__(self, other):
        return self.pow_(other)

    def __imatmul__(self, other):
        return self._inplace("matmul_", _ops.matmul, other)

    def __iand__(self, other):
        return self._inplace("bitwise_and_", _bitwise("and"), other)

    def __ior__(self, other):
        return self._inplace("bitwise_or_", _bitwise("or"), other)

    def __ixor__(self, other):
        return self._inplace("bitwise_xor_", _bitwise("xor"), other)

    def __ilshift__(self, other):
        return self._inplace("bitwise_left_shift_", _bitwise("left_shift"), other)

    def __irshift__(self, other):
        return self._inplace("bitwise_right_shift_", _bitwise("right_shift"), other)

    def pow_(self, exponent):
        return self._inplace("pow_", _ops.pow, exponent)

    def clamp_(self, min=None, max=None):
        return self._inplace("clamp_", _ops.clamp, min, max)      # tensor bounds may require grad

    clip_ = clamp_

    def zero_(self):
        if not (_enabled[0] and self.requires_grad):
            self._writable("zero_")[...] = 0
            self._written()
            return self
        return self._inplace("zero_", lambda t: _ops_el.fill(t, 0))

    def fill_(self, value):
        if isinstance(value, Tensor):
            if value._data.ndim:
                raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                                   f"{value._data.ndim} dimensions.")
        elif not isinstance(value, (numbers.Number, np.generic)):
            raise TypeError(f"fill_(): argument 'value' (position 1) must be Number or a 0-d Tensor, not "
                            f"{type(value).__name__}")
        if not (_enabled[0] and (self.requires_grad or getattr(value, "requires_grad", False))):
            v = value._data if isinstance(value, Tensor) else value
            self._writable("fill_")[...] = v
            self._written()
            return self
        if not isinstance(value, Tensor):
            return self._inplace("fill_", lambda t: _ops_el.fill(t, value))
        if value._data.ndim:
            raise RuntimeError(
                f"fill_ only supports 0-dimension value tensor but got tensor with {value._data.ndim} dimensions.")
        return self._inplace("fill_", _ops_el.fill, value)

    def copy_(self, src, non_blocking=False):
        if src is self:     # nothing changes (PyTorch returns at once), but autograd records it
            return self._inplace("copy_", _ops_el.fill, self) if _enabled[0] and self.requires_grad else self
        if not isinstance(src, Tensor):
            src = Tensor(src)
        if not (_enabled[0] and (self.requires_grad or src.requires_grad)):
            s = src._data
            if s.shape != self._data.shape and not _broadcastable(s.shape, self._data.shape, exact=True):
                raise RuntimeError(
                    f"copy_: source of shape {tuple(s.shape)} cannot be copied into a tensor of shape "
                    f"{tuple(self._data.shape)} (it must broadcast to it)")
            d = self._writable("copy_")
            tok = B.quiet()     # NaN/inf copied into an integer tensor: no "invalid value in cast"
            try:
                np.copyto(d, B.to_device_array(s, self.device) if not isinstance(s, (np.ndarray, np.generic))
                          else s, casting="unsafe")
            finally:
                B.loud(tok)
            self._written()
            return self
        if not _broadcastable(src._data.shape, self._data.shape, exact=True):
            raise RuntimeError(
                f"copy_: source of shape {tuple(src._data.shape)} cannot be copied into a tensor of shape "
                f"{tuple(self._data.shape)} (it must broadcast to it)")
        return self._inplace("copy_", _ops_el.fill, src)

    # The random fills check their arguments as PyTorch does (same messages), before drawing.
    def uniform_(self, a=0.0, b=1.0, generator=None):
        a, b = _real_arg("uniform_", "from", a, 1), _real_arg("uniform_", "to", b, 2)
        if a > b:
            raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a:g} > to={b:g}")
        _float_fill(self, "uniform_", "check_uniform_bounds")
        return self._fill_random("uniform_", lambda rng, shape: rng.uniform(a, b, shape), generator)

    def normal_(self, mean=0.0, std=1.0, generator=None):
        mean, std = _real_arg("normal_", "mean", mean, 1), _real_arg("normal_", "std", std, 2)
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
        _float_fill(self, "normal_", "normal_kernel_cpu")
        return self._fill_random("normal_", lambda rng, shape: rng.normal(mean, std, shape), generator)

    def bernoulli_(self, p=0.5, generator=None):
        if not isinstance(p, Tensor):
            p = _real_arg("bernoulli_", "p", p, 1)
            if not 0 <= p <= 1:
                raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p:g}")
        return self._fill_random("bernoulli_", lambda rng, shape: rng.random(shape) < p, generator)

    def exponential_(self, lambd=1.0, generator=None):
        lambd = _real_arg("exponential_", "lambd", lambd, 1)
        if not lambd > 0:
            raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}")
        if self._data.dtype.kind not in "fc":
            raise RuntimeError("Exponential distribution is a continuous probability distribution. dtype must be "
                               f"a floating point but you specified {self._data.dtype}")
        return self._fill_random("exponential_", lambda rng, shape: rng.exponential(1.0 / lambd, shape), generator)

    def random_(self, from_=None, to=None, generator=None):
        """``random_(to)``: integers in [0, to); ``random_(from, to)``; ``random_()``: [0, 2**24)
        for float32 (every integer the dtype holds exactly), [0, 2**bits) otherwise."""
        if from_ is not None:
            from_ = _int_fill_arg("from" if to is not None else "to", from_, 1)
        if to is not None:
            to = _int_fill_arg("to", to, 2)
        if to is None:
            from_, to = 0, (from_ if from_ is not None else _random_top(self._data.dtype))
        elif from_ is None:
            from_ = 0
        if from_ >= to:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={from_} >= to={to}")
        dt = self._data.dtype
        if dt.kind in "iub":
            lo, hi = (0, 1) if dt.kind == "b" else (int(np.iinfo(dt).min), int(np.iinfo(dt).max))
            if from_ < lo or to - 1 > hi:
                raise RuntimeError(f"random_: the range [{from_}, {to}) is out of bounds for dtype {dt} "
                                   f"(values {lo} to {hi})")
        return self._fill_random("random_", lambda rng, shape: rng.integers(from_, to, shape), generator)

    def _fill_random(self, name, draw, generator=None):
        if generator is not None and not isinstance(generator, B.Generator):
            raise TypeError(f"{name}(): argument 'generator' must be nerve.Generator, not {type(generator).__name__}")
        if _enabled[0] and self.requires_grad and self._ctx is None:
            raise RuntimeError(
                f"{name}: a leaf Variable that requires grad is being used in an in-place operation; "
                "initialise it under `with nerve.no_grad():`")
        self._writable(name)[...] = draw(B.get_rng(generator), self._data.shape)
        self._written()
        return self

    def masked_fill_(self, mask, value):
        shape = self._data.shape
        m = mask._data if isinstance(mask, Tensor) else mask
        return self._inplace("masked_fill_", lambda t, v: _ops.masked_fill(t, mask, v), value,
                             written=self._written_where(lambda: np.broadcast_to(m, shape)))

    def index_fill_(self, dim, index, value):
        shape = self._data.shape
        return self._inplace("index_fill_", lambda t, v: _ops.index_fill(t, dim, index, v), value,
                             written=self._written_where(lambda: _ops.index_fill(
                                 Tensor._make(np.zeros(shape, np.float32)), dim, index, 1.0)._data != 0))

    def _written_where(self, mask):
        """The ``written`` of an in-place op that changes the elements where ``mask()`` is true."""
        return _ops_util.Written(mask, _ops_util.internal_overlap(self._data))

    # in place forms of the pointwise ops: the op, written back (recorded when grad is on)
    def exp_(self):
        return self._inplace("exp_", _ops.exp)

    def expm1_(self):
        return self._inplace("expm1_", _ops.expm1)

    def log_(self):
        return self._inplace("log_", _ops.log)

    def log1p_(self):
        return self._inplace("log1p_", _ops.log1p)

    def sqrt_(self):
        return self._inplace("sqrt_", _ops.sqrt)

    def sin_(self):
        return self._inplace("sin_", _ops.sin)

    def cos_(self):
        return self._inplace("cos_", _ops.cos)

    def tanh_(self):
        return self._inplace("tanh_", _ops.tanh)

    def sigmoid_(self):
        return self._inplace("sigmoid_", _ops.sigmoid)

    def relu_(self):
        return self._inplace("relu_", _ops.relu)

    def abs_(self):
        return self._inplace("abs_", _ops.abs)

    absolute_ = abs_

    def neg_(self):
        return self._inplace("neg_", _ops.neg)

    negative_ = neg_

    def reciprocal_(self):
        return self._inplace("reciprocal_", _ops.reciprocal)

    def floor_(self):
        return self._inplace("floor_", _ops.floor)

    def ceil_(self):
        return self._inplace("ceil_", _ops.ceil)

    def round_(self, decimals=0):
        return self._inplace("round_", lambda t: _ops.round(t, decimals=decimals))

    def trunc_(self):
        return self._inplace("trunc_", _ops.trunc)

    fix_ = trunc_

    def sign_(self):
        return self._inplace("sign_", _ops.sign)

    def square_(self):
        return self._inplace("square_", _ops.square)

    def nan_to_num_(self, nan=0.0, posinf=None, neginf=None):
        if self._data.dtype.kind not in "fc":
            return self                    # integers hold no NaN or inf: PyTorch writes nothing
        return self._inplace("nan_to_num_", lambda t: _ops.nan_to_num(t, nan, posinf, neginf))

    def clamp_min_(self, min):
        return self._inplace("clamp_min_", _ops.clamp_min, min)

    def clamp_max_(self, max):
        return self._inplace("clamp_max_", _ops.clamp_max, max)

    def fmod_(self, other):
        return self._inplace("fmod_", _ops.fmod, other)

    def remainder_(self, other):
        return self._inplace("remainder_", _ops.remainder, other)

    def lerp_(self, end, weight):
        return self._inplace("lerp_", _ops.lerp, end, weight)

    def addcmul_(self, tensor1, tensor2, *, value=1):
        return self._inplace("addcmul_", lambda t, a, b: _ops.addcmul(t, a, b, value=value), tensor1, tensor2)

    def addcdiv_(self, tensor1, tensor2, *, value=1):
        return self._inplace("addcdiv_", lambda t, a, b: _ops.addcdiv(t, a, b, value=value), tensor1, tensor2)

    # in place forms of the scatter family (the source must not share this tensor's memory)
    def scatter_(self, dim, index, src=None, value=None, *, reduce=None):
        """``scatter_(dim, index, src)`` or ``scatter_(dim, index, value)`` (a number)."""
        if src is not None and not isinstance(src, Tensor):
            src, value = None, src
        if src is None:
            return self._inplace("scatter_", lambda t: _ops.scatter(t, dim, index, value=value, reduce=reduce))
        return self._inplace("scatter_", lambda t, s: _ops.scatter(t, dim, index, s, reduce=reduce), src)

    def scatter_add_(self, dim, index, src):
        return self._inplace("scatter_add_", lambda t, s: _ops.scatter_add(t, dim, index, s), src)

    def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
        return self._inplace("scatter_reduce_", lambda t, s: _ops.scatter_reduce(
            t, dim, index, s, reduce, include_self=include_self), src)

    def index_add_(self, dim, index, source, *, alpha=1):
        return self._inplace("index_add_", lambda t, s: _ops.index_add(t, dim, index, s, alpha=alpha), source)

    def index_copy_(self, dim, index, source):
        return self._inplace("index_copy_", lambda t, s: _ops.index_copy(t, dim, index, s), source)

    def index_put_(self, indices, values, accumulate=False):
        """``self[indices] = values`` (``+=`` with ``accumulate=True``), ``indices`` a tuple of
        integer or boolean tensors (PyTorch's ``index_put_``)."""
        if isinstance(values, Tensor) and not (
                not accumulate and values._data.size == 1 and len(indices) == 1 and
                isinstance(indices[0], Tensor) and indices[0]._data.dtype.kind == "b"):
            # (one boolean mask and one value is masked_fill_, which reads the value first)
            if _overlap_status(values._data, self._data) in ("full", "partial"):
                raise RuntimeError(
                    "index_put_: unsupported operation: some elements of the input tensor and the written-to "
                    "tensor refer to a single memory location. Please clone() the tensor before performing "
                    "the operation.")
        shape = self._data.shape
        return self._inplace("index_put_", lambda t, v: _ops.index_put(t, indices, v, accumulate), values,
                             written=self._written_where(lambda: _ops.index_put(
                                 Tensor._make(np.zeros(shape, np.float32)), indices,
                                 Tensor._make(np.ones((), np.float32)))._data != 0))

    def masked_scatter_(self, mask, source):
        return self._inplace("masked_scatter_", lambda t, s: _ops.masked_scatter(t, mask, s), source)

    def requires_grad_(self, requires_grad=True):
        if requires_grad is not True and requires_grad is not False and not isinstance(requires_grad, np.bool_):
            raise TypeError(f"requires_grad_(): argument 'requires_grad' (position 1) must be bool, not "
                            f"{type(requires_grad).__name__}")
        if requires_grad and self._data.dtype.kind not in "fc":
            raise RuntimeError(
                f"only Tensors of floating point and complex dtype can require gradients, got {self._data.dtype}")
        if not requires_grad and self._ctx is not None:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a computed "
                "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().")
        self.requires_grad = bool(requires_grad)
        return self

    def t_(self):
        if self._data.ndim > 2:
            raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is {self._data.ndim}D")
        return self._shape_inplace("t_", lambda t: t.t())

    def transpose_(self, dim0, dim1):
        return self._shape_inplace("transpose_", lambda t: t.transpose(dim0, dim1))

    def squeeze_(self, dim=None):
        return self._shape_inplace("squeeze_", lambda t: t.squeeze(dim))

    def unsqueeze_(self, dim):
        return self._shape_inplace("unsqueeze_", lambda t: t.unsqueeze(dim))

    def resize_(self, *sizes):
        size = _shape_arg(sizes)
        n = 1
        for v in size:
            n *= v
        if n != self._data.size:
            self._data = np.resize(self._data, size)
        else:
            self._data = self._data.reshape(size)
        return self

    def _shape_inplace(self, name, fn):
        """Ops that change only the shape/strides of this tensor (``t_``, ``squeeze_``)."""
        if _enabled[0] and self.requires_grad and self._ctx is None:
            raise RuntimeError(
                f"{name}: a leaf Variable that requires grad is being used in an in-place operation.")
        old = Tensor._make(self._data, self.requires_grad)
        old._ctx = self._ctx
        res = fn(old)
        self._data = res._data
        if res._ctx is not None:
            _mark_written(np.empty(0))     # a new epoch: earlier consumers keep the old producer
            self._rebind(old, res)
        return self

    # ------------------------------------------------------------- methods
    def add(self, other, alpha=1):
        return _ops.add(self, other if alpha == 1 else _ops.mul(other, alpha))

    def sub(self, other, alpha=1):
        return _ops.sub(self, other if alpha == 1 else _ops.mul(other, alpha))

    def mul(self, other):
        return _ops.mul(self, other)

    def pow(self, other):
        return _ops.pow(self, other)

    def neg(self):
        return _ops.neg(self)

    def matmul(self, other):
        return _ops.matmul(self, other)

    def mm(self, mat2):
        return _ops.mm(self, mat2)

    def bmm(self, mat2):
        return _ops.bmm(self, mat2)

    def mv(self, vec):
        return _ops.mv(self, vec)

    def dot(self, other):
        return _ops.dot(self, other)

    def outer(self, other):
        return _ops.outer(self, other)

    def inner(self, other):
        return _ops.inner(self, other)

    def addmm(self, mat1, mat2, *, beta=1, alpha=1):
        return _ops.addmm(self, mat1, mat2, beta=beta, alpha=alpha)

    def baddbmm(self, b1, b2, *, beta=1, alpha=1):
        return _ops.baddbmm(self, b1, b2, beta=beta, alpha=alpha)

    def exp(self):
        return _ops.exp(self)

    def log(self):
        return _ops.log(self)

    def sqrt(self):
        return _ops.sqrt(self)

    def abs(self):
        return _ops.abs(self)

    def tanh(self):
        return _ops.tanh(self)

    def sigmoid(self):
        return _ops.sigmoid(self)

    def relu(self):
        return _ops.relu(self)

    def erf(self):
        return _ops.erf(self)

    def clamp(self, min=None, max=None):
        return _ops.clamp(self, min, max)

    clip = clamp

    def maximum(self, other):
        return _ops.maximum(self, other)

    def minimum(self, other):
        return _ops.minimum(self, other)

    def where(self, condition, other):
        return _ops.where(condition, self, other)

    def masked_fill(self, mask, value):
        return _ops.masked_fill(self, mask, value)

    def softmax(self, dim):
        return _ops.softmax(self, dim)

    def log_softmax(self, dim):
        return _ops.log_softmax(self, dim)

    def sum(self, *args, **kwargs):
        return _ops.sum(self, *args, **kwargs)

    def mean(self, *args, **kwargs):
        return _ops.mean(self, *args, **kwargs)

    def prod(self, *args, **kwargs):
        return _ops.prod(self, *args, **kwargs)

    def var(self, *args, **kwargs):
        return _ops.var(self, *args, **kwargs)

    def std(self, *args, **kwargs):
        return _ops.std(self, *args, **kwargs)

    def max(self, *args, **kwargs):
        return _ops.max(self, *args, **kwargs)

    def min(self, *args, **kwargs):
        return _ops.min(self, *args, **kwargs)

    def amax(self, *args, **kwargs):
        return _ops.amax(self, *args, **kwargs)

    def amin(self, *args, **kwargs):
        return _ops.amin(self, *args, **kwargs)

    def logsumexp(self, *args, **kwargs):
        return _ops.logsumexp(self, *args, **kwargs)

    def argmax(self, *args, **kwargs):
        return _ops.argmax(self, *args, **kwargs)

    def argmin(self, *args, **kwargs):
        return _ops.argmin(self, *args, **kwargs)

    def all(self, *args, **kwargs):
        return _ops.all(self, *args, **kwargs)

    def any(self, *args, **kwargs):
        return _ops.any(self, *args, **kwargs)

    def eq(self, other):
        return _ops.eq(self, other)

    def ne(self, other):
        return _ops.ne(self, other)

    def lt(self, other):
        return _ops.lt(self, other)

    def le(self, other):
        return _ops.le(self, other)

    def gt(self, other):
        return _ops.gt(self, other)

    def ge(self, other):
        return _ops.ge(self, other)

    def equal(self, other):
        return self._data.shape == other._data.shape and bool((self._data == other._data).all())

    # shape
    def reshape(self, *shape):
        return _ops.reshape(self, _shape_arg(shape, "reshape", "shape"))

    def view(self, *shape, dtype=None):
        """A view with another shape (no copy: a non-contiguous tensor that cannot be viewed
        raises, as in PyTorch; ``reshape`` copies instead), or ``view(dtype)``: the same
        bytes read as another dtype."""
        if dtype is None and len(shape) == 1 and not isinstance(shape[0], (tuple, list, numbers.Integral)):
            dtype = shape[0]
        if dtype is not None:
            return self._view_dtype(B.to_dtype(dtype))
        shape = _shape_arg(shape)
        d = self._data
        if not isinstance(d, np.generic) and not d.flags.c_contiguous and d.size > 1:
            try:
                np.reshape(d, _ops_util.resolve_shape(shape, d.size, "view"), copy=False)
            except ValueError:
                raise RuntimeError(
                    f"view size is not compatible with input tensor's size and stride (at least one "
                    f"dimension spans across two contiguous subspaces): tensor of shape {tuple(d.shape)} "
                    f"viewed as {tuple(shape)}. Use .reshape(...) instead.") from None
        return _ops.reshape(self, shape)

    def _view_dtype(self, dt):
        d = self._data
        if dt == d.dtype:
            return self
        if d.ndim == 0 and dt.itemsize != d.dtype.itemsize:
            raise RuntimeError(
                f"self.dim() cannot be 0 to view {_dtype_name(d.dtype)} as {_dtype_name(dt)} "
                "(different element sizes)")
        if dt.itemsize != d.dtype.itemsize and (d.ndim == 0 or d.strides[-1] != d.itemsize):
            raise RuntimeError(
                f"self.stride(-1) must be 1 to view {_dtype_name(d.dtype)} as {_dtype_name(dt)} "
                "(different element sizes)")
        if dt.itemsize > d.dtype.itemsize and (d.shape[-1] * d.itemsize) % dt.itemsize:
            raise RuntimeError(
                f"self.size(-1) must be divisible by {dt.itemsize // d.itemsize} to view "
                f"{_dtype_name(d.dtype)} as {_dtype_name(dt)} (different element sizes), but got {d.shape[-1]}")
        arr = np.asarray(d) if isinstance(d, np.generic) else d
        return Tensor._make(arr.view(dt))

    def is_contiguous(self, memory_format=None):
        d = self._data
        return isinstance(d, np.generic) or d.flags.c_contiguous

    def stride(self, dim=None):
        d = self._data
        st = tuple(s // d.itemsize for s in d.strides) if not isinstance(d, np.generic) else ()
        return st if dim is None else st[dim]

    def storage_offset(self):
        return 0

    def data_ptr(self):
        d = self._data
        return 0 if isinstance(d, np.generic) else d.__array_interface__["data"][0]

    def register_hook(self, hook):
        """Call ``hook(grad)`` with this tensor's gradient during backward; a returned tensor
        replaces the gradient. Returns a handle whose ``remove()`` unregisters it."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._ctx is None:
            meta = getattr(self, "_meta", None)
            if meta is None:
                meta = self._meta = {}
            hooks = meta.setdefault("hooks", {})
        else:
            if self._ctx._hooks is None:
                self._ctx._hooks = {}
            hooks = self._ctx._hooks
        return _HookHandle(hooks, hook)

    @property
    def retains_grad(self):
        return self._ctx is not None and self._ctx.retained is not None

    def __format__(self, spec):
        if self._data.ndim == 0 or self._data.size == 1 and spec:
            return format(self.item(), spec)
        return format(repr(self), spec)

    def view_as(self, other):
        return _ops.reshape(self, other.shape)

    def reshape_as(self, other):
        return _ops.reshape(self, other.shape)

    def flatten(self, start_dim=0, end_dim=-1):
        return _ops.flatten(self, start_dim, end_dim)

    def unflatten(self, dim, sizes):
        return _ops.unflatten(self, dim, sizes)

    def squeeze(self, dim=None):
        return _ops.squeeze(self, dim)

    def unsqueeze(self, dim):
        return _ops.unsqueeze(self, dim)

    def transpose(self, dim0, dim1):
        return _ops.transpose(self, dim0, dim1)

    def t(self):
        if self._data.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, got {self._data.ndim}")
        return self.T

    def permute(self, *dims):
        return _ops.permute(self, _shape_arg(dims, "permute", "dims"))

    def movedim(self, source, destination):
        return _ops.movedim(self, source, destination)

    def expand(self, *sizes):
        return _ops.expand(self, _shape_arg(sizes, "expand"))

    def expand_as(self, other):
        return _ops.expand(self, other.shape)

    def broadcast_to(self, shape):
        return _ops.expand(self, tuple(shape))

    def repeat(self, *sizes):
        return _ops.repeat(self, _shape_arg(sizes, "repeat", "repeats"))

    def split(self, split_size_or_sections, dim=0):
        return _ops.split(self, split_size_or_sections, dim)

    def chunk(self, chunks, dim=0):
        return _ops.chunk(self, chunks, dim)

    def gather(self, dim, index):
        return _ops.gather(self, dim, index)

    def index_select(self, dim, index):
        return _ops.index_select(self, dim, index)

    # -------------------------------------------------------------- display
    def __repr__(self):
        d = B.to_device_array(self._data, "cpu")
        body = np.array2string(d, separator=", ", prefix="tensor(", precision=4,
                               threshold=1000, edgeitems=3)
        extras = []
        if d.dtype not in (B.float32, B.int64, B.bool_) or (d.size == 0):
            extras.append(f"dtype=nerve.{d.dtype.name}")
        if d.size == 0:
            body = "[]"
            if d.ndim != 1:
                extras.insert(0, f"size={tuple(d.shape)}")
        if self.device.type != "cpu":
            extras.append(f"device='{self.device}'")
        if self._ctx is not None:
            extras.append(f"grad_fn={self._ctx!r}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + body + "".join(", " + e for e in extras) + ")"


_EMPTY = np.empty(0)
# in-place ops that write only a given value (read before writing): allowed on expanded tensors
_FILLS = frozenset({"fill_", "zero_", "index_put_", "masked_fill_", "index_fill_"})
# in-place ops that refuse any operand sharing the target's memory, even exactly (PyTorch's
# ``assert_no_overlap``)
_NO_ALIAS = frozenset({"scatter_", "scatter_add_", "scatter_reduce_", "index_add_", "index_copy_"})


def _leaf_error(name, what=""):
    return RuntimeError(
        f"{name}: {what}a leaf Variable that requires grad is being used in an in-place operation. Do it "
        "under `with nerve.no_grad():` (as a manual SGD step does), or on a clone().")


def _dtype_name(dt):
    return {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
            "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}.get(np.dtype(dt).name, np.dtype(dt).name)


def _broadcastable(src, dst, exact=False):
    try:
        out = np.broadcast_shapes(tuple(src), tuple(dst))
    except ValueError:
        return False
    return out == tuple(dst) if exact else True


def _reads(node, old, epoch):
    """Whether ``node``, or a node recorded with it at ``epoch`` (the op of an in-place write,
    which may be a composite: ``elu_``), reads the value of ``old`` in its backward."""
    stack, seen = [node], set()
    while stack:
        f = stack.pop()
        if f is None or f.inputs is None or id(f) in seen:
            continue
        seen.add(id(f))
        ins = f.inputs
        if any(ins[i] is old for i in f.saved_inputs()):
            return True
        for t in ins:
            p = t._ctx
            if p is not None and p._epoch == epoch and t is not old:
                stack.append(p)
    return False


def _same_layout(a, b):
    """Whether two arrays are the same elements in the same layout (PyTorch compares all the
    strides; NumPy gives a new axis (``x[None]``) stride 0 where PyTorch computes one, so a 0
    stride of a size-1 dim matches any): an operand may alias the written-to tensor only so."""
    return a.shape == b.shape and a.__array_interface__["data"][0] == b.__array_interface__["data"][0] and all(
        sa == sb or (n == 1 and (sa == 0 or sb == 0)) for n, sa, sb in zip(a.shape, a.strides, b.strides))


def _dense(a):
    """PyTorch's ``is_non_overlapping_and_dense``: the elements fill one block, in some dim order."""
    step = a.itemsize
    for n, st in sorted(((n, st) for n, st in zip(a.shape, a.strides) if n != 1), key=lambda e: e[1]):
        if st != step:
            return False
        step *= n
    return True


def _overlap_status(a, b):
    """PyTorch's ``get_overlap_status`` of two raw arrays: ``"no"``, ``"full"`` (the same elements
    in the same layout), ``"partial"``, or ``"too_hard"`` (one is not dense: PyTorch does not
    check it, and neither does nerve)."""
    if a is b:
        return "full"
    if isinstance(a, np.generic) or isinstance(b, np.generic) or a.size == 0 or b.size == 0 or \
            not np.may_share_memory(a, b):
        return "no"
    if not (_dense(a) and _dense(b)):
        return "too_hard"
    return "full" if _same_layout(a, b) else "partial"


def _shares(a, b):
    return not isinstance(a, np.generic) and not isinstance(b, np.generic) and np.may_share_memory(a, b)


class _HookHandle:
    """What ``register_hook`` returns: ``remove()`` unregisters the hook (also a context manager)."""

    _next = [0]

    def __init__(self, hooks, fn):
        self.hooks = hooks
        self.id = _HookHandle._next[0]
        _HookHandle._next[0] += 1
        hooks[self.id] = fn

    def remove(self):
        self.hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _dim_error(op, dim, ndim):
    """PyTorch's error for a ``dim`` argument that is not an int, or out of range."""
    if isinstance(dim, bool) or not isinstance(dim, (numbers.Integral, np.integer)):
        return TypeError(f"{op}(): argument 'dim' (position 1) must be int, not {type(dim).__name__}")
    if ndim == 0:
        return IndexError(f"{op}(): dimension specified as {dim} but tensor has no dimensions")
    return IndexError(f"{op}(): Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], "
                      f"but got {dim})")


def _real_arg(op, name, value, pos):
    """``value`` as a Python number if it is a real number (or a one-element tensor), else PyTorch's
    TypeError naming the argument."""
    if isinstance(value, Tensor) and value._data.size == 1:
        value = value._data.item()
    elif isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, numbers.Real) and not isinstance(value, complex):
        return value
    raise TypeError(f"{op}(): argument '{name}' (position {pos}) must be float, not {type(value).__name__}")


def _int_fill_arg(name, value, pos):
    if isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, bool):
        return int(value)
    raise TypeError(f"random_(): argument '{name}' (position {pos}) must be int, not {type(value).__name__}")


def _random_top(dtype):
    """``random_()``'s exclusive upper bound: every integer the dtype holds exactly (PyTorch's rule)."""
    if dtype.kind == "f":
        return 2 ** (np.finfo(dtype).nmant + 1)
    if dtype.kind == "b":
        return 2
    return int(np.iinfo(dtype).max) + 1


def _float_fill(t, name, kernel):
    """A continuous random fill needs a floating point tensor (PyTorch's NotImplementedError)."""
    if t._data.dtype.kind not in "fc":
        raise NotImplementedError(
            f"{name}: \"{kernel}\" not implemented for dtype {t._data.dtype}: it needs a floating point tensor "
            "(random_() fills an integer tensor)")


def _bitwise(kind):
    def op(a, b):
        return getattr(_ops, "bitwise_" + kind)(a, b)
    return op


def _ragged(data, dim=0):
    """PyTorch's message for the first ragged spot in nested lists, or None."""
    if not isinstance(data, (list, tuple)) or not data:
        return None
    seqs = [isinstance(x, (list, tuple)) for x in data]
    if any(seqs) and not all(seqs):
        i = seqs.index(not seqs[0])
        return (f"expected {'a sequence' if seqs[0] else 'a number'} at dim {dim + 1} like element 0, "
                f"but element {i} is {'a sequence' if seqs[i] else 'a number'}")
    if not seqs[0]:
        return None
    n = len(data[0])
    for i, x in enumerate(data):
        if len(x) != n:
            return f"expected sequence of length {n} at dim {dim + 1} (got {len(x)}, at index {i})"
    for x in data:
        r = _ragged(x, dim + 1)
        if r:
            return r
    return None


def _conversion_error(data, dtype, err):
    """The error for data NumPy could not turn into an array, in the user's terms."""
    if isinstance(err, OverflowError):
        want = f"{dtype}" if dtype is not None else "int64"
        return OverflowError(f"tensor(): value cannot be converted to type {want} without overflow "
                             f"({err}); pass a wider dtype (e.g. dtype=nerve.float64) or smaller numbers")
    rag = _ragged(data) if isinstance(data, (list, tuple)) else None
    if rag:
        return ValueError(f"tensor(): the nested lists are ragged: {rag}. Every row must have the same "
                          "length (pad the shorter ones, or build one tensor per row)")
    if dtype is not None:
        return TypeError(f"tensor(): could not convert the data ({type(data).__name__}) to dtype "
                         f"{dtype}: {err}")
    return TypeError(f"tensor(): could not build a tensor from {type(data).__name__}: {err}; expected "
                     "numbers, nested sequences of numbers, or an array")


def _to_array(data, dtype=None, device=None):
    """Convert user data to a raw array with nerve's default dtype rules."""
    dtype = B.to_dtype(dtype)
    # Casts that overflow (1e40 into float32) give inf as in PyTorch, without NumPy's warning;
    # the bracket costs ~0.2 us, so it is set only where a cast happens.
    if isinstance(data, Tensor):
        arr = data._data
        if dtype is not None and arr.dtype != dtype:
            tok = B.quiet()
            try:
                arr = arr.astype(dtype)
            finally:
                B.loud(tok)
        return B.to_device_array(arr, device) if device is not None else arr
    xp = B.array_module(device)
    try:
        if dtype is None or (isinstance(data, np.ndarray) and data.dtype == dtype):
            arr = xp.asarray(data)
        else:
            tok = B.quiet()
            try:
                arr = xp.asarray(data, dtype=dtype)
            finally:
                B.loud(tok)
    except (ValueError, TypeError, OverflowError) as e:
        raise _conversion_error(data, dtype, e) from None
    if dtype is None:
        is_array = hasattr(data, "dtype") and hasattr(data, "shape")
        if arr.dtype.kind == "f" and not is_array:
            if arr.dtype != B.get_default_dtype():
                tok = B.quiet()
                try:
                    arr = arr.astype(B.get_default_dtype())
                finally:
                    B.loud(tok)
        elif arr.dtype.kind in "iu" and not is_array and arr.dtype != B.int64:
            arr = arr.astype(B.int64)
        elif arr.dtype.kind not in "biufc":
            raise TypeError(
                f"could not build a tensor from {type(data).__name__} (NumPy dtype {arr.dtype}): "
                "expected numbers, nested sequences of numbers, or an array")
    if device is not None and B.device_of(arr) != B.as_device(device):
        arr = B.to_device_array(arr, device)
    return arr


_function._Tensor = Tensor
from . import ops as _ops  # noqa: E402  (ops import Tensor from here)
from .ops import _util as _ops_util, elementwise as _ops_el  # noqa: E402
for _mod in _ops.EXTRA_MODULES:          # methods of the op families in their own files
    for _name, _fn in _mod.TENSOR_METHODS.items():
        setattr(Tensor, _name, _fn)
from .autograd.engine import run_backward  # noqa: E402
