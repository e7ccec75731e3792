"""``Tensor``: an array, the gradient it will receive, and the op that made it.

A tensor is a thin wrapper: ``data`` is a raw NumPy (or CuPy) array, ``grad``
is another ``Tensor`` or ``None``, ``requires_grad`` says whether the graph
records operations on it, and ``_ctx`` is the ``Function`` that produced it
(``None`` for leaves). Every operator and method below forwards to a function
in ``nerve.ops``, where the forward and backward of each op live side by side.
"""
from __future__ import annotations

import numbers

from . import _backend as B
from ._backend import np
from .autograd import function as _function
from .autograd.grad_mode import _enabled


def _shape_arg(size):
    """Accept ``f(2, 3)``, ``f((2, 3))`` and ``f([2, 3])`` like PyTorch."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    return tuple(int(s) for s in size)


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

    __slots__ = ("_data", "grad", "requires_grad", "_ctx", "__weakref__")
    # Make NumPy defer to Tensor for ``ndarray + Tensor``.
    __array_ufunc__ = None
    __array_priority__ = 1000

    def __init__(self, data, dtype=None, device=None, requires_grad=False):
        self._data = _to_array(data, dtype, device)
        self.grad = None
        self._ctx = None
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _make(cls, data, requires_grad=False):
        """Wrap a raw array without copying or checking (internal fast path)."""
        t = object.__new__(cls)
        t._data = data
        t.grad = None
        t.requires_grad = requires_grad
        t._ctx = None
        return t

    # ----------------------------------------------------------- properties
    @property
    def data(self):
        """A tensor sharing this one's storage, cut from the graph (PyTorch's ``.data``).

        Changes made through it (``p.data.add_(...)``, ``p.data.copy_(...)``) are not
        recorded and are not seen by autograd's in-place checks; ``.numpy()`` gives the
        raw array.
        """
        t = Tensor._make(self._data)
        t._untracked = True
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
        return self._data.shape if dim is None else self._data.shape[dim]

    def dim(self):
        return self._data.ndim

    def numel(self):
        return int(self._data.size)

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

    def contiguous(self):
        return self

    def requires_grad_(self, requires_grad=True):
        if requires_grad and self._data.dtype.kind not in "fc":
            raise RuntimeError(
                f"only tensors of floating point dtype can require gradients, got {self._data.dtype}")
        self.requires_grad = bool(requires_grad)
        return self

    def retain_grad(self):
        """Keep ``.grad`` for a non-leaf tensor after ``backward()``."""
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
            gradient = Tensor(gradient, dtype=self._data.dtype)
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

    def __floordiv__(self, other):
        return _ops.floor_divide(self, other)

    def __mod__(self, other):
        return _ops.remainder(self, other)

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

    def __invert__(self):
        return _ops.logical_not(self)

    def __and__(self, other):
        return _ops.logical_and(self, other)

    def __or__(self, other):
        return _ops.logical_or(self, other)

    def __xor__(self, other):
        return _ops.logical_xor(self, other)

    def __getitem__(self, index):
        return _ops.getitem(self, index)

    def __setitem__(self, index, value):
        _ops.setitem(self, index, value)

    # in-place updates on data (for init, optimizers and no_grad code)
    def _check_inplace(self, name):
        """Refuse in-place updates of graph tensors; return the data as a writable array."""
        if self.requires_grad and _enabled[0]:
            raise RuntimeError(
                f"{name}: a tensor that requires grad is being used in an in-place operation; "
                "wrap it in `with nerve.no_grad():` (as optimizers and initialisers do)")
        d = self._data
        if isinstance(d, np.generic):   # 0-d op results are NumPy scalars: give them an array to update
            d = self._data = np.array(d)
        return d

    def _operand(self, other):
        return other._data if isinstance(other, Tensor) else other

    def add_(self, other, alpha=1):
        self._check_inplace("add_")
        o = self._operand(other)
        self._data += o if alpha == 1 else alpha * o
        return self

    def sub_(self, other, alpha=1):
        self._check_inplace("sub_")
        o = self._operand(other)
        self._data -= o if alpha == 1 else alpha * o
        return self

    def mul_(self, other):
        self._check_inplace("mul_")
        self._data *= self._operand(other)
        return self

    def div_(self, other):
        self._check_inplace("div_")
        self._data /= self._operand(other)
        return self

    def clamp_(self, min=None, max=None):
        self._check_inplace("clamp_")
        np.clip(self._data, min, max, out=self._data)
        return self

    def zero_(self):
        self._check_inplace("zero_")
        self._data[...] = 0
        return self

    def fill_(self, value):
        self._check_inplace("fill_")
        self._data[...] = value
        return self

    def copy_(self, src):
        self._check_inplace("copy_")
        s = src._data if isinstance(src, Tensor) else np.asarray(src)
        try:
            self._data[...] = s
        except ValueError:
            raise RuntimeError(
                f"copy_: source of shape {tuple(np.shape(s))} cannot be copied into a tensor of shape "
                f"{tuple(self._data.shape)}") from None
        return self

    def uniform_(self, a=0.0, b=1.0, generator=None):
        self._check_inplace("uniform_")
        self._data[...] = B.get_rng(generator).uniform(a, b, self._data.shape)
        return self

    def normal_(self, mean=0.0, std=1.0, generator=None):
        self._check_inplace("normal_")
        self._data[...] = B.get_rng(generator).normal(mean, std, self._data.shape)
        return self

    # ------------------------------------------------------------- methods
    def add(self, other, alpha=1):
        return _ops.add(self, other if alpha == 1 else _ops.mul(other, alpha))

    def sub(self, other, alpha=1):
        return _ops.sub(self, other if alpha == 1 else _ops.mul(other, alpha))

    def mul(self, other):
        return _ops.mul(self, other)

    def div(self, other):
        return _ops.div(self, other)

    def pow(self, other):
        return _ops.pow(self, other)

    def neg(self):
        return _ops.neg(self)

    def matmul(self, other):
        return _ops.matmul(self, other)

    def exp(self):
        return _ops.exp(self)

    def log(self):
        return _ops.log(self)

    def log1p(self):
        return _ops.log1p(self)

    def sqrt(self):
        return _ops.sqrt(self)

    def rsqrt(self):
        return _ops.rsqrt(self)

    def square(self):
        return _ops.mul(self, self)

    def reciprocal(self):
        return _ops.div(1.0, self)

    def abs(self):
        return _ops.abs(self)

    def sign(self):
        return _ops.sign(self)

    def sin(self):
        return _ops.sin(self)

    def cos(self):
        return _ops.cos(self)

    def tanh(self):
        return _ops.tanh(self)

    def sigmoid(self):
        return _ops.sigmoid(self)

    def relu(self):
        return _ops.relu(self)

    def erf(self):
        return _ops.erf(self)

    def floor(self):
        return _ops.floor(self)

    def ceil(self):
        return _ops.ceil(self)

    def round(self):
        return _ops.round(self)

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

    def sum(self, dim=None, keepdim=False, dtype=None):
        return _ops.sum(self, dim, keepdim, dtype=dtype)

    def mean(self, dim=None, keepdim=False):
        return _ops.mean(self, dim, keepdim)

    def prod(self, dim=None, keepdim=False):
        return _ops.prod(self, dim, keepdim)

    def var(self, dim=None, unbiased=None, keepdim=False, correction=None):
        return _ops.var(self, dim, unbiased=unbiased, keepdim=keepdim, correction=correction)

    def std(self, dim=None, unbiased=None, keepdim=False, correction=None):
        return _ops.std(self, dim, unbiased=unbiased, keepdim=keepdim, correction=correction)

    def max(self, dim=None, keepdim=False):
        return _ops.max(self, dim, keepdim)

    def min(self, dim=None, keepdim=False):
        return _ops.min(self, dim, keepdim)

    def amax(self, dim=None, keepdim=False):
        return _ops.amax(self, dim, keepdim)

    def amin(self, dim=None, keepdim=False):
        return _ops.amin(self, dim, keepdim)

    def logsumexp(self, dim, keepdim=False):
        return _ops.logsumexp(self, dim, keepdim)

    def argmax(self, dim=None, keepdim=False):
        return _ops.argmax(self, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return _ops.argmin(self, dim, keepdim)

    def all(self, dim=None, keepdim=False):
        return _ops.all(self, dim, keepdim)

    def any(self, dim=None, keepdim=False):
        return _ops.any(self, dim, keepdim)

    def cumsum(self, dim):
        return _ops.cumsum(self, dim)

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

    def isnan(self):
        return _ops.isnan(self)

    def isinf(self):
        return _ops.isinf(self)

    def isfinite(self):
        return _ops.isfinite(self)

    def allclose(self, other, rtol=1e-5, atol=1e-8):
        o = other._data if isinstance(other, Tensor) else other
        return bool(np.allclose(self._data, o, rtol=rtol, atol=atol))

    def equal(self, other):
        return self._data.shape == other._data.shape and bool((self._data == other._data).all())

    # shape
    def reshape(self, *shape):
        return _ops.reshape(self, _shape_arg(shape))

    def view(self, *shape):
        if len(shape) == 1 and not isinstance(shape[0], (tuple, list, numbers.Integral)):
            return self.to(shape[0])
        return _ops.reshape(self, _shape_arg(shape))

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
        return _ops.permute(self, _shape_arg(dims))

    def movedim(self, source, destination):
        return _ops.movedim(self, source, destination)

    def expand(self, *sizes):
        return _ops.expand(self, _shape_arg(sizes))

    def expand_as(self, other):
        return _ops.expand(self, other.shape)

    def broadcast_to(self, shape):
        return _ops.expand(self, tuple(shape))

    def repeat(self, *sizes):
        return _ops.repeat(self, _shape_arg(sizes))

    def flip(self, *dims):
        return _ops.flip(self, _shape_arg(dims))

    def split(self, split_size_or_sections, dim=0):
        return _ops.split(self, split_size_or_sections, dim)

    def chunk(self, chunks, dim=0):
        return _ops.chunk(self, chunks, dim)

    def unbind(self, dim=0):
        return _ops.unbind(self, dim)

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


def _to_array(data, dtype=None, device=None):
    """Convert user data to a raw array with nerve's default dtype rules."""
    dtype = B.to_dtype(dtype)
    if isinstance(data, Tensor):
        arr = data._data
        if dtype is not None and arr.dtype != dtype:
            arr = arr.astype(dtype)
        return B.to_device_array(arr, device) if device is not None else arr
    xp = B.array_module(device)
    if dtype is not None:
        arr = xp.asarray(data, dtype=dtype)
    else:
        is_array = hasattr(data, "dtype") and hasattr(data, "shape")
        arr = xp.asarray(data)
        if arr.dtype.kind == "f" and not is_array:
            arr = arr.astype(B.get_default_dtype(), copy=False)
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
for _mod in _ops.EXTRA_MODULES:          # methods of the op families in their own files
    for _name, _fn in _mod.TENSOR_METHODS.items():
        setattr(Tensor, _name, _fn)
from .autograd.engine import run_backward  # noqa: E402
