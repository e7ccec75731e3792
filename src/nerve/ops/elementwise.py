"""Elementwise primitives: arithmetic, exp/log family, activations, comparisons.

Each class is one op: ``forward`` on raw arrays, ``backward`` with tensor ops
(so it can itself be differentiated). Binary ops broadcast like NumPy and
``sum_to`` folds the gradient back to each input's shape.

The hottest ops also carry a fast path at the top of ``backward``: when grad
mode is off (a plain ``backward()``, not ``create_graph=True``) the same
formula runs on raw arrays and the results are wrapped once, which skips a
Op call per term. The tensor-op form below it stays the definition
(used for higher-order gradients), and the tests compare the two.
"""
from __future__ import annotations

import math
import numbers

from .._backend import loud, np, quiet
from ..autograd.function import Op
from ..autograd.grad_mode import _enabled
from ._util import _make, const, float_input, lift, lift_pair, masked_scale, sum_to, sum_to_array


# ------------------------------------------------------------------ binary
class Add(Op):
    saved = ()

    def forward(self, a, b):
        return a + b

    def backward(self, g):
        a, b = self.inputs
        if not _enabled[0]:
            gd = g._data
            return (_make(sum_to_array(gd, a._data.shape)) if a.requires_grad else None,
                    _make(sum_to_array(gd, b._data.shape)) if b.requires_grad else None)
        return (sum_to(g, a._data.shape) if a.requires_grad else None,
                sum_to(g, b._data.shape) if b.requires_grad else None)


class Sub(Op):
    saved = ()

    def forward(self, a, b):
        return a - b

    def backward(self, g):
        a, b = self.inputs
        if not _enabled[0]:
            gd = g._data
            return (_make(sum_to_array(gd, a._data.shape)) if a.requires_grad else None,
                    _make(sum_to_array(-gd, b._data.shape)) if b.requires_grad else None)
        return (sum_to(g, a._data.shape) if a.requires_grad else None,
                sum_to(-g, b._data.shape) if b.requires_grad else None)


class Mul(Op):
    def forward(self, a, b):
        return a * b

    def saved_inputs(self):   # each side's gradient reads the other side only
        a, b = self.inputs
        return tuple(i for i, t in ((0, b), (1, a)) if t.requires_grad)

    def backward(self, g):
        a, b = self.inputs
        if not _enabled[0]:
            gd = g._data
            return (_make(sum_to_array(gd * b._data, a._data.shape)) if a.requires_grad else None,
                    _make(sum_to_array(gd * a._data, b._data.shape)) if b.requires_grad else None)
        return (sum_to(g * b, a._data.shape) if a.requires_grad else None,
                sum_to(g * a, b._data.shape) if b.requires_grad else None)


class Div(Op):
    def forward(self, a, b):
        return a / b

    def saved_inputs(self):   # d/da reads b; d/db reads a and b
        return (0, 1) if self.inputs[1].requires_grad else (1,)

    def backward(self, g):
        a, b = self.inputs
        if not _enabled[0]:
            gb = g._data / b._data
            return (_make(sum_to_array(gb, a._data.shape)) if a.requires_grad else None,
                    _make(sum_to_array(-gb * a._data / b._data, b._data.shape)) if b.requires_grad else None)
        gb = g / b
        return (sum_to(gb, a._data.shape) if a.requires_grad else None,
                sum_to(-gb * a / b, b._data.shape) if b.requires_grad else None)


class Pow(Op):
    """``a ** b`` with both sides tensors."""
    save_output = True

    def forward(self, a, b):
        if a.dtype.kind in "iu" and b.dtype.kind in "iu" and np.any(b < 0):
            # integer powers with negative exponents, as PyTorch: 1 ** -k = 1, (-1) ** -k = +-1, else 0
            safe = np.where(b < 0, 0, b)
            out = a ** safe
            neg = np.where(np.abs(a) == 1, np.where((np.abs(b) % 2 == 1) & (a == -1), -1, 1), 0).astype(out.dtype)
            return np.where(b < 0, neg, out)
        return a ** b

    def backward(self, g):
        a, b = self.inputs
        ga = gb = None
        if a.requires_grad:
            ga = g * b * a ** (b - 1)
            bzero = b._data == 0
            if bzero.any():   # d(a^0)/da = 0, also at a == 0 where 0 * 0^-1 would be nan (PyTorch's rule)
                ga = where(const(bzero), 0.0, ga)
            ga = sum_to(ga, a._data.shape)
        if b.requires_grad:
            # d(a^b)/db = a^b log a; PyTorch's convention: 0 where a == 0 and b >= 0
            zero = (a._data == 0) & (b._data >= 0)
            loga = log(where(const(zero), 1.0, a))
            gb = sum_to(g * self.output() * loga, b._data.shape)
        return ga, gb


class PowScalar(Op):
    """``x ** c`` for a Python number ``c``."""

    def __init__(self, c):
        self.c = c

    def forward(self, x):
        c = self.c
        if c == 2:
            return x * x
        return x ** c

    def backward(self, g):
        (x,) = self.inputs
        c = self.c
        if not _enabled[0]:
            xd = x._data
            if c == 2:
                return _make(g._data * xd * 2.0)
            if c == 0:
                return _make(np.zeros_like(g._data))
            return _make(g._data * (xd ** (c - 1) * c))
        if c == 2:
            return g * x * 2.0
        if c == 0:   # constant: zero gradient, also at x == 0 (where 0 * x^-1 would be nan)
            return const(np.zeros_like(g._data))
        return g * (x ** (c - 1) * c)


def _select(g, w):
    """``g`` routed by the weights ``w`` (0 where not selected, even for an inf/NaN ``g``)."""
    if not _enabled[0]:
        return _make(masked_scale(g._data, w))
    if w.dtype == np.bool_:
        return Where(w)(g, const(np.zeros((), g._data.dtype)))
    return Where(w != 0)(g * const(w), const(np.zeros((), g._data.dtype)))


def _select_pair(g, a, b, loses):
    """maximum/minimum: ``a`` gets the gradient unless it loses (``loses(a, b)``), ``b`` unless
    it loses the other way; ties share it equally. With a NaN neither loses, so both get it
    (PyTorch's masked_fill formulas)."""
    ad, bd = a._data, b._data
    half = 1.0 - 0.5 * (ad == bd)
    wa = (~loses(ad, bd)) * half if a.requires_grad else None
    wb = (~loses(bd, ad)) * half if b.requires_grad else None
    dt = g._data.dtype
    return (sum_to(_select(g, wa.astype(dt)), ad.shape) if a.requires_grad else None,
            sum_to(_select(g, wb.astype(dt)), bd.shape) if b.requires_grad else None)


class Maximum(Op):
    def forward(self, a, b):
        return np.maximum(a, b)

    def backward(self, g):
        a, b = self.inputs
        return _select_pair(g, a, b, np.less)


class Minimum(Op):
    def forward(self, a, b):
        return np.minimum(a, b)

    def backward(self, g):
        a, b = self.inputs
        return _select_pair(g, a, b, np.greater)


class Where(Op):
    """``where(cond, a, b)``; ``cond`` is a constant boolean array."""
    saved = ()

    def __init__(self, cond):
        self.cond = cond

    def forward(self, a, b):
        return np.where(self.cond, a, b)

    def backward(self, g):
        a, b = self.inputs
        c = self.cond
        if not _enabled[0]:
            gd = g._data
            z = np.zeros((), dtype=gd.dtype)
            return (_make(sum_to_array(np.where(c, gd, z), a._data.shape)) if a.requires_grad else None,
                    _make(sum_to_array(np.where(c, z, gd), b._data.shape)) if b.requires_grad else None)
        zero = const(np.zeros((), dtype=g._data.dtype))
        return (sum_to(Where(c)(g, zero), a._data.shape) if a.requires_grad else None,
                sum_to(Where(c)(zero, g), b._data.shape) if b.requires_grad else None)


# ------------------------------------------------------------------- unary
class Neg(Op):
    saved = ()

    def forward(self, x):
        return -x

    def backward(self, g):
        if not _enabled[0]:
            return _make(-g._data)
        return -g


class Exp(Op):
    save_output = True
    saved = ()

    def forward(self, x):
        return np.exp(x)

    def backward(self, g):
        if not _enabled[0]:
            return _make(g._data * self._out()._data)
        return g * self.output()


class Log(Op):
    def forward(self, x):
        return np.log(x)

    def backward(self, g):
        if not _enabled[0]:
            return _make(g._data / self.inputs[0]._data)
        return g / self.inputs[0]


class Log1p(Op):
    def forward(self, x):
        return np.log1p(x)

    def backward(self, g):
        return g / (self.inputs[0] + 1.0)


class Sqrt(Op):
    save_output = True
    saved = ()

    def forward(self, x):
        return np.sqrt(x)

    def backward(self, g):
        if not _enabled[0]:
            return _make(g._data / (self._out()._data * 2.0))
        return g / (self.output() * 2.0)


class Sin(Op):
    def forward(self, x):
        return np.sin(x)

    def backward(self, g):
        return g * cos(self.inputs[0])


class Cos(Op):
    def forward(self, x):
        return np.cos(x)

    def backward(self, g):
        return -g * sin(self.inputs[0])


class Abs(Op):
    def forward(self, x):
        return np.abs(x)

    def backward(self, g):
        x = self.inputs[0]._data
        sgn = ((x > 0).astype(g._data.dtype) - (x < 0))       # sign with 0 for NaN, as PyTorch's sgn
        if not _enabled[0]:
            return _make(g._data * sgn)
        return g * const(sgn)


class Clamp(Op):
    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi

    def forward(self, x):
        return np.clip(x, self.lo, self.hi)

    def backward(self, g):
        x = self.inputs[0]._data
        # gradient passes where lo <= x <= hi (PyTorch's rule, bounds included)
        m = np.ones(x.shape, dtype=bool)
        if self.lo is not None:
            m &= x >= self.lo
        if self.hi is not None:
            m &= x <= self.hi
        return _select(g, m)


class Relu(Op):
    save_output = True     # the mask comes from the result, as PyTorch's threshold_backward
    saved = ()

    def forward(self, x):
        return np.maximum(x, 0)

    def backward(self, g):
        return _select(g, ~(self.output()._data <= 0))   # a NaN result passes it on, as in PyTorch


class Sigmoid(Op):
    save_output = True
    saved = ()

    def forward(self, x):
        # PyTorch's 1 / (1 + exp(-x)): accurate to the last bits in both tails (exp overflowing
        # gives 0). The 0.5 * (1 + tanh(x / 2)) form is as fast but loses the small values:
        # sigmoid(-20) would be 0 and sigmoid(-10) off by 1e-3 relative.
        with np.errstate(over="ignore"):
            y = np.exp(-x)
        if isinstance(y, np.generic):
            return 1 / (1 + y)
        y += 1
        return np.reciprocal(y, out=y)

    def backward(self, g):
        if not _enabled[0]:
            y = self._out()._data
            return _make(g._data * y * (1.0 - y))
        y = self.output()
        return g * (y * (1.0 - y))


class Tanh(Op):
    save_output = True
    saved = ()

    def forward(self, x):
        return np.tanh(x)

    def backward(self, g):
        if not _enabled[0]:
            y = self._out()._data
            return _make(g._data * (1.0 - y * y))
        y = self.output()
        return g * (1.0 - y * y)


# Taylor coefficients of erf(x) / x in x^2, for |x| < 0.5 (truncation error < 1e-15)
_ERF_TAYLOR = tuple(2 / math.sqrt(math.pi) * (-1) ** n / (math.factorial(n) * (2 * n + 1)) for n in range(11))
_ERF_C = (-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
          0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277)


def erf_array(x):
    """erf on raw arrays.

    Numerical Recipes' erfc fit (relative error < 1.2e-7) for |x| >= 0.5; near 0,
    where that fit is off by 3e-8 (a jump at 0 and a large relative error for
    tiny x), the Taylor series (7 terms suffice in float32, 11 in float64).
    Updated in place: one temporary per pass would double the time.
    """
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    if x.ndim == 0:                              # NumPy gives scalars (no out=) for 0-d input
        return erf_array(x.reshape(1)).reshape(())
    z = np.abs(x)
    t = z * 0.5
    t += 1.0
    np.reciprocal(t, out=t)                      # t = 1 / (1 + z/2)
    p = t * _ERF_C[9]
    for c in _ERF_C[8:0:-1]:
        p += c
        p *= t
    p += _ERF_C[0]
    z *= z
    p -= z
    np.exp(p, out=p)
    p *= t                                       # erfc(|x|)
    np.subtract(1.0, p, out=p)
    out = np.copysign(p, x, out=p)
    small = np.abs(x) < 0.5
    if small.any():
        xs = x[small]
        z2 = xs * xs
        coef = _ERF_TAYLOR if x.dtype.itemsize > 4 else _ERF_TAYLOR[:7]
        q = coef[-1]
        for c in coef[-2::-1]:
            q = q * z2 + c
        out[small] = xs * q
    return out


class Erf(Op):
    def forward(self, x):
        return erf_array(x)

    def backward(self, g):
        x = self.inputs[0]
        return g * (exp(-(x * x)) * (2.0 / math.sqrt(math.pi)))


class Cast(Op):
    saved = ()

    def __init__(self, dtype):
        self.dtype = dtype

    def forward(self, x):
        self.src = x.dtype
        return x.astype(self.dtype)

    def backward(self, g):
        if self.src.kind != "f":
            return None
        return Cast(self.src)(g)


class Fill(Op):
    """The recorded form of ``fill_``/``zero_``/``copy_``: the result is ``value`` broadcast to
    the input's shape; the input gets a zero gradient (not ``g * 0``, which is NaN for an
    infinite ``g``) and a tensor value gets the summed gradient."""
    saved = ()

    def __init__(self, shape, dtype):
        self.shape, self.dtype = shape, dtype

    def forward(self, x, v):
        return np.broadcast_to(v, self.shape).astype(self.dtype, copy=True)

    def backward(self, g):
        x, v = self.inputs
        gx = _make(np.zeros(x._data.shape, g._data.dtype)) if x.requires_grad else None
        gv = None
        if v.requires_grad:
            gv = sum_to(g, v._data.shape)
            if v._data.dtype != g._data.dtype:
                gv = cast(gv, v._data.dtype)
        return gx, gv


def fill(x, value):
    """``value`` (a number or a tensor that broadcasts) in the shape and dtype of ``x``."""
    v = lift(value, x) if not hasattr(value, "_data") else value
    if x._data.dtype.kind not in "fc":      # an integer/bool result carries no gradient
        return _make(np.broadcast_to(v._data, x._data.shape).astype(x._data.dtype, copy=True))
    return Fill(x._data.shape, x._data.dtype)(x, v)


class Clone(Op):
    saved = ()

    def forward(self, x):
        return x.copy()

    def backward(self, g):
        return g


# -------------------------------------------------------- public functions
def add(a, b):
    """``a + b`` with broadcasting."""
    a, b = lift_pair(a, b)
    return Add()(a, b)


def _is_bool(v):
    return isinstance(v, bool) or (hasattr(v, "_data") and v._data.dtype.kind == "b")


def sub(a, b):
    if _is_bool(a) or _is_bool(b):
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to "
            "invert a mask, use the `~` or `logical_not()` operator instead.")
    a, b = lift_pair(a, b)
    return Sub()(a, b)


def mul(a, b):
    a, b = lift_pair(a, b)
    return Mul()(a, b)


def div(a, b):
    a, b = lift_pair(a, b)
    if a._data.dtype.kind in "biu" and b._data.dtype.kind in "biu":
        # true division of integers gives the default float dtype (both sides, or NumPy makes float64)
        from .._backend import get_default_dtype
        a, b = cast(a, get_default_dtype()), cast(b, get_default_dtype())
    return Div()(a, b)


true_divide = divide = div
multiply = mul
subtract = sub


def pow(a, b):  # noqa: A001 - PyTorch name
    """``a ** b``; either side may be a Python number."""
    from ..tensor import Tensor
    if isinstance(a, Tensor) and not isinstance(b, Tensor):
        if a._data.dtype.kind == "b" and isinstance(b, bool):
            return clone(a) if b else _make(np.ones(a._data.shape, bool))
        if a._data.dtype.kind in "biu":
            if isinstance(b, float) or not isinstance(b, (int, np.integer)):
                a = cast(a, _default_float())
            elif b < 0:
                raise RuntimeError("Integers to negative integer powers are not allowed.")
        return PowScalar(b)(a)
    if not isinstance(a, Tensor):
        if b._data.dtype.kind in "biu" and isinstance(a, (int, np.integer)):
            a, b = lift_pair(a, b)           # integer power: stays integer, as in PyTorch
            if a._data.dtype.kind == "b":
                raise NotImplementedError('"pow" not implemented for \'Bool\'')
            return Pow()(a, b)
        # c ** x = exp(x log c)
        if a == 0:
            return Pow()(lift(a, b), b)
        return exp(b * math.log(a)) if a > 0 else Pow()(lift(a, b), b)
    a, b = lift_pair(a, b)
    if a._data.dtype.kind == "b":
        raise NotImplementedError('"pow" not implemented for \'Bool\'')
    return Pow()(a, b)


def _default_float():
    from .._backend import get_default_dtype
    return get_default_dtype()


def neg(x):
    if x._data.dtype.kind == "b":
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert "
            "a mask, use the `~` or `logical_not()` operator instead.")
    return Neg()(x)


negative = neg


def exp(x):
    return Exp()(float_input(x))


def log(x):
    return Log()(float_input(x))


def log1p(x):
    return Log1p()(float_input(x))


def sqrt(x):
    return Sqrt()(float_input(x))


def rsqrt(x):
    return PowScalar(-0.5)(float_input(x))


def sin(x):
    return Sin()(float_input(x))


def cos(x):
    return Cos()(float_input(x))


def abs(x):  # noqa: A001 - PyTorch name
    if x._data.dtype.kind == "b":
        raise NotImplementedError('"abs" not implemented for \'Bool\'')
    return Abs()(x)


def erf(x):
    return Erf()(float_input(x))


class ClampTensor(Op):
    """``clamp`` with tensor bounds: ``min(max(x, lo), hi)`` (NaN anywhere gives NaN), with
    PyTorch's gradients: ``x`` where ``lo <= x <= hi`` (bounds included), ``lo`` where
    ``x < lo < hi``, ``hi`` where ``x > hi`` or ``hi < lo``; none where a NaN is involved."""

    def __init__(self, has_lo, has_hi):
        self.has_lo, self.has_hi = has_lo, has_hi

    def _split(self, arrays):
        it = iter(arrays[1:])
        return arrays[0], next(it) if self.has_lo else None, next(it) if self.has_hi else None

    def forward(self, *arrays):
        x, lo, hi = self._split(arrays)
        out = x
        if lo is not None:
            out = np.maximum(out, lo)
        if hi is not None:
            out = np.minimum(out, hi)
        return np.asarray(out) if np.ndim(out) == 0 else out

    def backward(self, g):
        x, lo, hi = self._split([t._data for t in self.inputs])
        with np.errstate(invalid="ignore"):
            keep = np.ones(x.shape, dtype=bool)
            if lo is not None:
                keep = keep & (x >= lo)
            if hi is not None:
                keep = keep & (x <= hi)
            masks = [keep]
            if lo is not None:
                masks.append((x < lo) & (lo < hi) if hi is not None else x < lo)
            if hi is not None:
                masks.append(((x > hi) | (hi < lo)) if lo is not None else x > hi)
        out = []
        for t, m in zip(self.inputs, masks):
            if not t.requires_grad:
                out.append(None)
                continue
            gi = where(_make(np.asarray(m)), g, 0.0)
            out.append(sum_to(gi, t._data.shape))
        return tuple(out)


def clamp(x, min=None, max=None):  # noqa: A002 - PyTorch names
    """Limit values to ``[min, max]``; the gradient passes where the value is inside."""
    from ..tensor import Tensor
    if min is None and max is None:
        raise ValueError("clamp: at least one of min and max must be given")
    for arg, v in (("min", min), ("max", max)):
        if v is not None and not isinstance(v, (Tensor, numbers.Number, np.ndarray)):
            raise TypeError(f"clamp: {arg} must be a number or a Tensor, got {type(v).__name__} {v!r:.40}")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        from ._util import result_type
        dt = result_type(*[t for t in (x, min, max) if t is not None])
        ts = [lift(t, x) for t in (x, min, max) if t is not None]
        ts = [t if t._data.dtype == dt else cast(t, dt) for t in ts]
        return ClampTensor(min is not None, max is not None)(*ts)
    if x._data.dtype.kind in "biu" and (isinstance(min, float) or isinstance(max, float)):
        x = cast(x, _default_float())        # PyTorch: an int tensor clamped to float bounds is float
    return Clamp(min, max)(x)


clip = clamp


def maximum(a, b):
    a, b = lift_pair(a, b)
    return Maximum()(a, b)


def minimum(a, b):
    a, b = lift_pair(a, b)
    return Minimum()(a, b)


def where(condition, input, other):  # noqa: A002
    """Pick ``input`` where ``condition`` is true, else ``other`` (both broadcast)."""
    from ..tensor import Tensor
    cond = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
    if cond.dtype != np.bool_:
        raise RuntimeError(
            f"where expected condition to be a boolean tensor, but got a tensor with dtype {cond.dtype} "
            "(compare it, e.g. `x > 0`, or convert with .bool())")
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        input = lift(input)
    input, other = lift_pair(input, other)
    return Where(cond)(input, other)


def relu(x):
    if x._data.dtype.kind == "b":
        raise RuntimeError('"clamp_min_scalar_cpu" not implemented for \'Bool\' (relu of a bool tensor)')
    return Relu()(x)


def sigmoid(x):
    return Sigmoid()(float_input(x))


def tanh(x):
    return Tanh()(float_input(x))


def cast(x, dtype):
    dtype = np.dtype(dtype)
    if dtype.kind not in "fc":   # integer/bool results carry no gradient (PyTorch's rule)
        tok = quiet()            # NaN/inf to an integer: an unspecified value, as in PyTorch, no warning
        try:
            return _make(x._data.astype(dtype))
        finally:
            loud(tok)
    return Cast(dtype)(x)


def clone(x):
    return Clone()(x)


def square(x):
    return PowScalar(2)(x)


# ------------------------------------------------ no-gradient elementwise
def _nograd(fn):
    def op(*args):
        from ..tensor import Tensor
        arrays = []
        like = next((a for a in args if isinstance(a, Tensor)), None)
        for a in args:
            arrays.append(lift(a, like)._data)
        return _make(fn(*arrays))
    op.__name__ = fn.__name__
    return op


def _compare(fn):
    def op(a, b):
        a, b = lift_pair(a, b)      # compared in PyTorch's common dtype (a 0-d float64 meets float32 as float32)
        return _make(fn(a._data, b._data))
    op.__name__ = fn.__name__
    return op


eq = _compare(np.equal)
ne = _compare(np.not_equal)
lt = _compare(np.less)
le = _compare(np.less_equal)
gt = _compare(np.greater)
ge = _compare(np.greater_equal)
logical_not = _nograd(np.logical_not)
logical_and = _nograd(np.logical_and)
logical_or = _nograd(np.logical_or)
logical_xor = _nograd(np.logical_xor)


def equal(input, other):  # noqa: A002
    """``True`` when both tensors have the same shape and the same elements (``torch.equal``:
    one Python bool, not an elementwise comparison; NaN is not equal to itself)."""
    from ..tensor import Tensor
    for pos, (arg, v) in enumerate((("input", input), ("other", other)), 1):
        if not isinstance(v, Tensor):
            raise TypeError(f"equal(): argument '{arg}' (position {pos}) must be Tensor, not {type(v).__name__}")
    return input._data.shape == other._data.shape and bool(np.all(input._data == other._data))


greater = gt
less = lt
