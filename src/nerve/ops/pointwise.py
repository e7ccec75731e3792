"""Pointwise math: trigonometric, hyperbolic, log/exp variants, rounding, bitwise, division modes, comparisons of closeness.

PyTorch's names, signatures and dtype rules: float ops compute integer inputs in
the default float dtype (``nerve.sin(int_tensor)`` is float32), rounding and
integer ops keep integers, closeness/classification ops give bool tensors, and
binary ops take Python numbers on either side with PyTorch's type promotion.
Edge values are IEEE's, as in PyTorch (``log2(0) = -inf``, ``asin(2) = nan``),
computed with NumPy's warnings silenced.

Each differentiable op is one class. Its backward is written once, as
``vjp(g, x, y, m)``: ``m`` is ``_RAW`` (NumPy on raw arrays: a plain
``backward()``) or ``_GRAPH`` (nerve ops on Tensors: recorded under
``create_graph=True``, which gives higher-order gradients). Piecewise-constant
ops (``floor``, ``sign``, ``round``, rounded division...) stay in the graph with
a zero gradient, as in PyTorch.

Example:
    >>> x = nerve.tensor([0.5, 2.0], requires_grad=True)
    >>> nerve.atan2(x, 1.0).sum().backward()      # d/dx atan2(x, 1) = 1 / (1 + x^2)
    >>> nerve.remainder(nerve.tensor([-7, 7]), 3)  # the divisor's sign, as Python's %
    tensor([2, 1])
"""
from __future__ import annotations

import math
import numbers
from types import SimpleNamespace

from .. import _backend as B
from .._backend import np
from ..autograd.function import Op, OpError
from ..autograd.grad_mode import _enabled
from ..tensor import Tensor
from . import elementwise as _ew
from ._util import _make, const, float_input, lift, lift_pair, sum_to, sum_to_array

__all__ = [
    # division and rounding
    "div", "divide", "true_divide", "floor_divide", "fmod", "remainder", "trunc", "fix", "frac",
    "floor", "ceil", "round", "sign", "sgn",
    # exp / log
    "log2", "log10", "log1p", "expm1", "exp2", "logaddexp", "logaddexp2", "xlogy",
    # trigonometric and hyperbolic
    "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "arcsin", "arccos", "arctan", "arctan2",
    "sinh", "cosh", "asinh", "acosh", "atanh", "arcsinh", "arccosh", "arctanh", "sinc", "deg2rad",
    "rad2deg", "hypot",
    # other arithmetic
    "copysign", "lerp", "reciprocal", "rsqrt", "square", "positive", "float_power", "addcmul", "addcdiv",
    "clamp_min", "clamp_max",
    # closeness and classification
    "isclose", "allclose", "isnan", "isinf", "isfinite", "isposinf", "isneginf", "isreal", "signbit",
    "nan_to_num",
    # bitwise
    "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_left_shift", "bitwise_right_shift",
]

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TORCH_TYPE = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
               "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
               "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _t(x):
    return x if isinstance(x, Tensor) else lift(x)


def _not_implemented(kernel, dtype, what):
    """PyTorch's error for a kernel without this dtype (a ``NotImplementedError``, so a RuntimeError)."""
    return NotImplementedError(
        f"\"{kernel}\" not implemented for '{_TORCH_TYPE.get(dtype.name, dtype.name)}' ({what})")


def _floating_only(x, kernel, op):
    if x._data.dtype.kind not in "fc":
        raise _not_implemented(kernel, x._data.dtype, f"{op} expects a floating point tensor")
    return x


def _raw_binary(op, ufunc, x, y):
    """``ufunc(x, y)`` on raw arrays (ops without a graph node), with a broadcasting error that
    names the op and both shapes."""
    try:
        with np.errstate(all="ignore"):
            return ufunc(x, y)
    except ValueError:
        raise OpError(f"{op}: the shapes {tuple(np.shape(x))} and {tuple(np.shape(y))} do not broadcast "
                      "(sizes must match or be 1, aligned from the last dimension)") from None


def _float_pair(a, b):
    """Promoted operands, computed in the default float dtype when both are integer/bool."""
    a, b = lift_pair(a, b)
    return float_input(a), float_input(b)


# --------------------------------------------------------- op base classes
class _Unary(Op):
    """``y = fn(x)`` on a floating tensor; ``vjp(g, x, y, m)`` returns the input gradient."""
    fn = None

    def forward(self, x):
        with np.errstate(all="ignore"):
            return self.fn(x)

    def backward(self, g):
        x = self.inputs[0]
        with np.errstate(all="ignore"):
            if not _enabled[0]:
                y = self._out()._data if self.save_output else None
                return _make(self.vjp(g._data, x._data, y, _RAW))
            return self.vjp(g, x, self.output() if self.save_output else None, _GRAPH)


class _Binary(Op):
    """``y = fn(a, b)`` with broadcasting; ``vjp(g, a, b, y, m, ra, rb)`` returns both gradients
    (unreduced; ``ra``/``rb`` say which are wanted)."""
    fn = None

    def forward(self, a, b):
        with np.errstate(all="ignore"):
            return self.fn(a, b)

    def backward(self, g):
        a, b = self.inputs
        ra, rb = a.requires_grad, b.requires_grad
        with np.errstate(all="ignore"):
            if not _enabled[0]:
                y = self._out()._data if self.save_output else None
                ga, gb = self.vjp(g._data, a._data, b._data, y, _RAW, ra, rb)
                return (_make(sum_to_array(ga, a._data.shape)) if ra else None,
                        _make(sum_to_array(gb, b._data.shape)) if rb else None)
            ga, gb = self.vjp(g, a, b, self.output() if self.save_output else None, _GRAPH, ra, rb)
            return (sum_to(ga, a._data.shape) if ra else None,
                    sum_to(gb, b._data.shape) if rb else None)


class _Flat(Op):
    """A piecewise-constant op: in the graph with a zero gradient for every input (PyTorch's rule)."""
    saved = ()
    fn = None

    def forward(self, *arrays):
        with np.errstate(all="ignore"):
            return self.fn(*arrays)

    def backward(self, g):
        dt = g._data.dtype
        return tuple(_make(np.zeros(t._data.shape, dt)) if t.requires_grad else None for t in self.inputs)


# ----------------------------------------------------------- exp and log
class Log2(_Unary):
    fn = np.log2

    def vjp(self, g, x, y, m):
        return g / (x * _LN2)


class Log10(_Unary):
    fn = np.log10

    def vjp(self, g, x, y, m):
        return g / (x * _LN10)


class Log1p(_Unary):
    fn = np.log1p

    def vjp(self, g, x, y, m):
        return g / (x + 1.0)


class Expm1(_Unary):
    fn = np.expm1
    save_output = True
    saved = ()

    def vjp(self, g, x, y, m):
        return g * (y + 1.0)


class Exp2(_Unary):
    fn = np.exp2
    save_output = True
    saved = ()

    def vjp(self, g, x, y, m):
        return g * (y * _LN2)


class Logaddexp(_Binary):
    fn = np.logaddexp

    def vjp(self, g, a, b, y, m, ra, rb):
        return (g / (m.exp(b - a) + 1.0) if ra else None,
                g / (m.exp(a - b) + 1.0) if rb else None)


class Logaddexp2(_Binary):
    fn = np.logaddexp2

    def vjp(self, g, a, b, y, m, ra, rb):
        return (g / (m.exp2(b - a) + 1.0) if ra else None,
                g / (m.exp2(a - b) + 1.0) if rb else None)


def _xlogy_array(x, y):
    # 0 where x == 0 (even for y == 0 or inf), NaN where y is NaN: PyTorch's definition
    return np.where((x == 0) & (y == y), 0, x * np.log(y))


class Xlogy(_Binary):
    fn = staticmethod(_xlogy_array)

    def vjp(self, g, a, b, y, m, ra, rb):
        ga = gb = None
        if ra:
            # PyTorch: xlogy(grad, other), 0 where self == 0 and other <= 0
            ga = m.xlogy(g, b)
            zero = (m.data(a) == 0) & (m.data(b) <= 0)
            if zero.any():
                ga = m.where(zero, 0.0, ga)
        if rb:
            gb = g * a / b
        return ga, gb


# ----------------------------------------------- trigonometric, hyperbolic
class Sin(_Unary):
    fn = np.sin

    def vjp(self, g, x, y, m):
        return g * m.cos(x)


class Cos(_Unary):
    fn = np.cos

    def vjp(self, g, x, y, m):
        return -g * m.sin(x)


class Tan(_Unary):
    fn = np.tan
    save_output = True
    saved = ()

    def vjp(self, g, x, y, m):
        return g * (y * y + 1.0)


class Asin(_Unary):
    fn = np.arcsin

    def vjp(self, g, x, y, m):
        return g * m.rsqrt(1.0 - x * x)


class Acos(_Unary):
    fn = np.arccos

    def vjp(self, g, x, y, m):
        return -g * m.rsqrt(1.0 - x * x)


class Atan(_Unary):
    fn = np.arctan

    def vjp(self, g, x, y, m):
        return g / (x * x + 1.0)


class Sinh(_Unary):
    fn = np.sinh

    def vjp(self, g, x, y, m):
        return g * m.cosh(x)


class Cosh(_Unary):
    fn = np.cosh

    def vjp(self, g, x, y, m):
        return g * m.sinh(x)


class Asinh(_Unary):
    fn = np.arcsinh

    def vjp(self, g, x, y, m):
        return g * m.rsqrt(x * x + 1.0)


class Acosh(_Unary):
    fn = np.arccosh

    def vjp(self, g, x, y, m):
        return g * m.rsqrt(x * x - 1.0)


class Atanh(_Unary):
    fn = np.arctanh

    def vjp(self, g, x, y, m):
        return g / (1.0 - x * x)


class Atan2(_Binary):
    fn = np.arctan2

    def vjp(self, g, a, b, y, m, ra, rb):
        den = a * a + b * b
        zero = m.data(den) == 0
        if zero.any():   # PyTorch: a zero gradient where a^2 + b^2 is 0 (atan2(0, 0) included)
            r = m.where(zero, 0.0, 1.0 / m.where(zero, 1.0, den))
        else:
            r = 1.0 / den
        return (g * b * r if ra else None,
                g * -a * r if rb else None)


class Hypot(_Binary):
    fn = np.hypot
    save_output = True

    def vjp(self, g, a, b, y, m, ra, rb):
        return (g * a / y if ra else None,      # NaN at (0, 0), as in PyTorch
                g * b / y if rb else None)


def _sinc_array(x):
    return np.sinc(x)


class Sinc(_Unary):
    fn = staticmethod(_sinc_array)

    def vjp(self, g, x, y, m):
        zero = m.data(x) == 0
        if zero.any():
            x = m.where(zero, 1.0, x)
        px = x * math.pi
        d = (px * m.cos(px) - m.sin(px)) / (px * x)
        return g * (m.where(zero, 0.0, d) if zero.any() else d)


class Deg2Rad(_Unary):
    fn = np.deg2rad
    saved = ()

    def vjp(self, g, x, y, m):
        return g * (math.pi / 180.0)


class Rad2Deg(_Unary):
    fn = np.rad2deg
    saved = ()

    def vjp(self, g, x, y, m):
        return g * (180.0 / math.pi)


# --------------------------------------------------------------- arithmetic
class Reciprocal(_Unary):
    fn = np.reciprocal
    save_output = True
    saved = ()

    def vjp(self, g, x, y, m):
        return -g * (y * y)


def _rsqrt_array(x):
    y = np.sqrt(x)
    if isinstance(y, np.ndarray):
        return np.reciprocal(y, out=y)
    return 1.0 / y


class Rsqrt(_Unary):
    fn = staticmethod(_rsqrt_array)
    save_output = True
    saved = ()

    def vjp(self, g, x, y, m):
        return g * (y * y * y) * -0.5


class Copysign(_Binary):
    fn = np.copysign
    save_output = True

    def vjp(self, g, a, b, y, m, ra, rb):
        ga = gb = None
        gd = m.data(g)
        if ra:   # PyTorch: grad * (result / self), 0 where self == 0
            ad = m.data(a)
            ga = g * m.const(np.where(ad == 0, 0, m.data(y) / ad).astype(gd.dtype, copy=False))
        if rb:
            gb = m.const(np.zeros(np.shape(m.data(b)), gd.dtype))
        return ga, gb


class Frac(_Unary):
    saved = ()

    @staticmethod
    def fn(x):
        return x - np.trunc(x)

    def vjp(self, g, x, y, m):
        return g


class Fmod(_Binary):
    fn = np.fmod

    def vjp(self, g, a, b, y, m, ra, rb):   # PyTorch: d/dother = -trunc(self / other)
        q = np.trunc(m.data(a) / m.data(b)) if rb else None
        return (g if ra else None, -g * m.const(q) if rb else None)


class Remainder(_Binary):
    fn = np.remainder

    def vjp(self, g, a, b, y, m, ra, rb):   # PyTorch: d/dother = -floor(self / other)
        q = np.floor_divide(m.data(a), m.data(b)) if rb else None
        return (g if ra else None, -g * m.const(q) if rb else None)


class Lerp(Op):
    """``start + weight * (end - start)``; ``weight`` is a number (given here) or a third input."""

    def __init__(self, weight=None):
        self.weight = weight
        if weight is not None:
            self.saved = ()     # a number weight: the gradients do not read the inputs (as PyTorch)

    def forward(self, a, b, w=None):
        with np.errstate(all="ignore"):
            if w is None:
                w = self.weight
                # PyTorch's two-sided form: exact at both ends (weight 0 gives start, 1 gives end)
                return a + w * (b - a) if -0.5 < w < 0.5 else b - (b - a) * (1 - w)
            d = b - a
            return np.where(np.abs(w) < 0.5, a + w * d, b - d * (1 - w))

    def backward(self, g):
        a, b = self.inputs[:2]
        wt = self.inputs[2] if len(self.inputs) == 3 else None
        raw = not _enabled[0]
        m = _RAW if raw else _GRAPH
        wrap = _make if raw else _same
        gg = g._data if raw else g
        av, bv = (a._data, b._data) if raw else (a, b)
        w = self.weight if wt is None else (wt._data if raw else wt)
        with np.errstate(all="ignore"):
            out = [wrap(m.sum_to(gg * (1.0 - w), a._data.shape)) if a.requires_grad else None,
                   wrap(m.sum_to(gg * w, b._data.shape)) if b.requires_grad else None]
            if wt is not None:
                out.append(wrap(m.sum_to(gg * (bv - av), wt._data.shape)) if wt.requires_grad else None)
        return tuple(out)


class NanToNum(_Unary):
    def __init__(self, nan, posinf, neginf):
        self.nan, self.posinf, self.neginf = nan, posinf, neginf

    def forward(self, x):
        with np.errstate(all="ignore"):
            return np.nan_to_num(x, nan=self.nan, posinf=self.posinf, neginf=self.neginf)

    def vjp(self, g, x, y, m):   # PyTorch: grad * isfinite(self)
        return g * m.const(np.isfinite(m.data(x)).astype(m.data(g).dtype))


# ----------------------------------------------- piecewise-constant (zero grad)
class Floor(_Flat):
    fn = np.floor


class Ceil(_Flat):
    fn = np.ceil


class Trunc(_Flat):
    fn = np.trunc


class Round(_Flat):
    def __init__(self, decimals=0):
        self.decimals = decimals

    def forward(self, x):
        with np.errstate(all="ignore"):
            return np.round(x, self.decimals)   # half to even, as PyTorch


def _sign_array(x):
    # (0 < x) - (x < 0): 0 for NaN and for -0.0, as PyTorch (NumPy's sign keeps NaN)
    return np.subtract(x > 0, x < 0, dtype=x.dtype)


class Sign(_Flat):
    fn = staticmethod(_sign_array)


class DivRounded(_Flat):
    """``a / b`` rounded towards zero (``'trunc'``) or down (``'floor'``), floating inputs."""

    def __init__(self, mode):
        self.mode = mode

    def forward(self, a, b):
        with np.errstate(all="ignore"):
            if self.mode == "floor":
                return np.floor_divide(a, b)
            return np.trunc(a / b)


# ------------------------------------------------------- public: division
_ROUNDING = (None, "trunc", "floor")


def _check_int_divisor(b, op):
    if np.any(b == 0):
        raise RuntimeError(f"ZeroDivisionError: {op}: integer division by zero (a divisor is 0)")


def _int_div(a, b, mode):
    op = f"div(rounding_mode={mode!r})"
    _check_int_divisor(b, op)
    q = _raw_binary(op, np.floor_divide, a, b)
    if mode == "trunc":   # floor -> towards zero where the exact quotient is negative and not whole
        q = q + ((a - q * b != 0) & ((a < 0) != (b < 0)))
    return q


def div(input, other, *, rounding_mode=None):  # noqa: A002 - PyTorch names
    """``input / other``: true division (``rounding_mode=None``), or rounded towards zero
    (``'trunc'``) or down (``'floor'``).

    True division of integers gives the default float dtype; the rounded forms keep
    integers as integers (dividing by an integer 0 raises) and have a zero gradient.

    Example:
        >>> nerve.div(nerve.tensor([7, -7]), 2, rounding_mode="floor")
        tensor([ 3, -4])
    """
    if rounding_mode is None:
        return _ew.div(input, other)
    if rounding_mode not in _ROUNDING:
        raise RuntimeError(
            f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found {rounding_mode!r}")
    a, b = lift_pair(input, other)
    dt = a._data.dtype
    if dt.kind == "b":
        raise _not_implemented(f"div_{rounding_mode}_cpu", dt, "rounded division expects numbers, not bool")
    if dt.kind in "iu":
        return _make(_int_div(a._data, b._data, rounding_mode))
    return DivRounded(rounding_mode)(a, b)


divide = div


def true_divide(dividend, divisor):
    """``dividend / divisor`` (``div`` with ``rounding_mode=None``)."""
    return _ew.div(dividend, divisor)


def floor_divide(input, other):  # noqa: A002
    """``input // other`` rounded down (``div(..., rounding_mode='floor')``); integers stay integers.

    The gradient is zero (PyTorch implements no derivative for ``floor_divide``; nerve gives
    the zero of ``div(..., rounding_mode='floor')``).
    """
    return div(input, other, rounding_mode="floor")


def _mod_op(input, other, cls, kernel, ufunc):
    a, b = lift_pair(input, other)
    dt = a._data.dtype
    if dt.kind == "b":
        raise _not_implemented(kernel, dt, f"{kernel[:-4]} expects numbers, not bool")
    if dt.kind in "iu":
        _check_int_divisor(b._data, kernel[:-4])
        return _make(_raw_binary(kernel[:-4], ufunc, a._data, b._data))
    return cls()(a, b)


def fmod(input, other):  # noqa: A002
    """C's remainder: the result takes the sign of ``input`` (``fmod(-7, 3) = -1``).

    Gradients: 1 for ``input``, ``-trunc(input / other)`` for ``other`` (PyTorch's).
    """
    return _mod_op(input, other, Fmod, "fmod_cpu", np.fmod)


def remainder(input, other):  # noqa: A002
    """Python's ``%``: the result takes the sign of ``other`` (``remainder(-7, 3) = 2``).

    Gradients: 1 for ``input``, ``-floor(input / other)`` for ``other`` (PyTorch's).
    """
    return _mod_op(input, other, Remainder, "remainder_cpu", np.remainder)


def _rounding(x, cls, kernel):
    x = _t(x)
    dt = x._data.dtype
    if dt.kind == "b":
        raise _not_implemented(kernel, dt, "rounding expects numbers, not bool")
    if dt.kind in "iu":
        return _make(x._data.copy())      # integers are already whole
    return cls()(x)


def floor(input):  # noqa: A002
    """Round down; integers are returned unchanged. Zero gradient."""
    return _rounding(input, Floor, "floor_vml_cpu")


def ceil(input):  # noqa: A002
    """Round up; integers are returned unchanged. Zero gradient."""
    return _rounding(input, Ceil, "ceil_vml_cpu")


def trunc(input):  # noqa: A002
    """Round towards zero; integers are returned unchanged. Zero gradient."""
    return _rounding(input, Trunc, "trunc_vml_cpu")


fix = trunc


def round(input, decimals=0):  # noqa: A001,A002 - PyTorch names
    """Round half to even (``round(2.5) = 2``), to ``decimals`` places (negative: tens, hundreds...).
    Zero gradient."""
    x = _t(input)
    decimals = int(decimals)
    if decimals == 0:
        return _rounding(x, Round, "round_vml_cpu")
    _floating_only(x, "round_cpu", "round with decimals")
    return Round(decimals)(x)


def frac(input):  # noqa: A002
    """The fractional part ``input - trunc(input)``, with the sign of ``input``. Gradient 1."""
    x = _floating_only(_t(input), "frac_cpu", "frac")
    return Frac()(x)


def sign(input):  # noqa: A002
    """-1, 0 or 1 by the sign of each element (0 for NaN); bool stays bool. Zero gradient."""
    x = _t(input)
    dt = x._data.dtype
    if dt.kind == "b":
        return _make(x._data.copy())
    if dt.kind in "iu":
        return _make(_sign_array(x._data))
    return Sign()(x)


sgn = sign   # real tensors: sgn is sign (complex x / |x| is not supported)


# ------------------------------------------------------ public: exp / log
def log2(input):  # noqa: A002
    """Base-2 logarithm (``log2(0) = -inf``, negative -> NaN)."""
    return Log2()(float_input(_t(input)))


def log10(input):  # noqa: A002
    """Base-10 logarithm."""
    return Log10()(float_input(_t(input)))


def log1p(input):  # noqa: A002
    """``log(1 + input)``, accurate for small ``input``."""
    return Log1p()(float_input(_t(input)))


def expm1(input):  # noqa: A002
    """``exp(input) - 1``, accurate for small ``input``."""
    return Expm1()(float_input(_t(input)))


def exp2(input):  # noqa: A002
    """``2 ** input``."""
    return Exp2()(float_input(_t(input)))


def logaddexp(input, other):  # noqa: A002
    """``log(exp(input) + exp(other))`` without overflow."""
    a, b = lift_pair(input, other)
    _floating_only(a, "logaddexp_cpu", "logaddexp")
    return Logaddexp()(a, b)


def logaddexp2(input, other):  # noqa: A002
    """``log2(2**input + 2**other)`` without overflow."""
    a, b = lift_pair(input, other)
    _floating_only(a, "logaddexp2_cpu", "logaddexp2")
    return Logaddexp2()(a, b)


def xlogy(input, other):  # noqa: A002
    """``input * log(other)``, 0 where ``input`` is 0 (unless ``other`` is NaN)."""
    a, b = _float_pair(input, other)
    return Xlogy()(a, b)


# --------------------------------------- public: trigonometric, hyperbolic
def sin(input):  # noqa: A002
    return Sin()(float_input(_t(input)))


def cos(input):  # noqa: A002
    return Cos()(float_input(_t(input)))


def tan(input):  # noqa: A002
    return Tan()(float_input(_t(input)))


def asin(input):  # noqa: A002
    """Inverse sine (NaN outside [-1, 1])."""
    return Asin()(float_input(_t(input)))


def acos(input):  # noqa: A002
    """Inverse cosine (NaN outside [-1, 1])."""
    return Acos()(float_input(_t(input)))


def atan(input):  # noqa: A002
    return Atan()(float_input(_t(input)))


def atan2(input, other):  # noqa: A002
    """The angle of the point ``(other, input)`` in ``(-pi, pi]``; zero gradient at ``(0, 0)``."""
    a, b = _float_pair(input, other)
    return Atan2()(a, b)


def sinh(input):  # noqa: A002
    return Sinh()(float_input(_t(input)))


def cosh(input):  # noqa: A002
    return Cosh()(float_input(_t(input)))


def asinh(input):  # noqa: A002
    return Asinh()(float_input(_t(input)))


def acosh(input):  # noqa: A002
    """Inverse hyperbolic cosine (NaN below 1)."""
    return Acosh()(float_input(_t(input)))


def atanh(input):  # noqa: A002
    """Inverse hyperbolic tangent (+-inf at +-1, NaN outside)."""
    return Atanh()(float_input(_t(input)))


arcsin, arccos, arctan, arctan2 = asin, acos, atan, atan2
arcsinh, arccosh, arctanh = asinh, acosh, atanh


def sinc(input):  # noqa: A002
    """The normalised sinc ``sin(pi x) / (pi x)``, 1 at 0."""
    return Sinc()(float_input(_t(input)))


def deg2rad(input):  # noqa: A002
    return Deg2Rad()(float_input(_t(input)))


def rad2deg(input):  # noqa: A002
    return Rad2Deg()(float_input(_t(input)))


def hypot(input, other):  # noqa: A002
    """``sqrt(input**2 + other**2)`` without overflow."""
    a, b = lift_pair(input, other)
    _floating_only(a, "hypot_cpu", "hypot")
    return Hypot()(a, b)


# ------------------------------------------------------ public: arithmetic
def reciprocal(input):  # noqa: A002
    """``1 / input`` (integers give the default float dtype)."""
    return Reciprocal()(float_input(_t(input)))


def rsqrt(input):  # noqa: A002
    """``1 / sqrt(input)`` (``inf`` at 0, NaN below)."""
    return Rsqrt()(float_input(_t(input)))


def square(input):  # noqa: A002
    """``input * input``; integers stay integers, bool becomes int64 (as PyTorch)."""
    x = _t(input)
    if x._data.dtype.kind == "b":
        x = _make(x._data.astype(B.int64))
    with np.errstate(all="ignore"):   # overflow to inf, as in PyTorch
        return _ew.PowScalar(2)(x)


def positive(input):  # noqa: A002
    """``input`` itself (``+input``); not defined for bool tensors."""
    x = _t(input)
    if x._data.dtype.kind == "b":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return x


def copysign(input, other):  # noqa: A002
    """``|input|`` with the sign of ``other`` (floats; -0.0 counts as negative)."""
    a, b = _float_pair(input, other)
    return Copysign()(a, b)


def lerp(input, end, weight):  # noqa: A002
    """Linear interpolation ``input + weight * (end - input)``; ``weight`` is a number or a tensor.

    ``input``, ``end`` (and a tensor ``weight``) must share one floating dtype, as in PyTorch.

    Example:
        >>> nerve.lerp(nerve.zeros(3), nerve.ones(3), 0.25)
        tensor([0.25, 0.25, 0.25])
    """
    a = _t(input)
    b = end if isinstance(end, Tensor) else lift(end, a)
    dt = a._data.dtype
    if isinstance(weight, Tensor):
        _floating_only(a, "lerp_kernel_tensor", "lerp")
        for name, t in (("end", b), ("weight", weight)):
            if t._data.dtype != dt:
                raise RuntimeError(
                    f"expected dtype {_torch_dtype(dt)} for `{name}` but got dtype {_torch_dtype(t._data.dtype)}")
        return Lerp()(a, b, weight)
    _floating_only(a, "lerp_kernel_scalar", "lerp")
    if b._data.dtype != dt:
        raise RuntimeError(f"expected dtype {_torch_dtype(dt)} for `end` but got dtype {_torch_dtype(b._data.dtype)}")
    if not isinstance(weight, numbers.Real):
        raise TypeError(f"lerp(): weight must be a number or a Tensor, not {type(weight).__name__}")
    return Lerp(float(weight))(a, b)


def _addc_operands(input, tensor1, tensor2, kernel):  # noqa: A002
    from ._util import result_type
    a, t1, t2 = _t(input), _t(tensor1), _t(tensor2)
    dt = result_type(a, t1, t2)
    if dt.kind == "b":
        raise _not_implemented(kernel, dt, "addcmul/addcdiv expect numbers, not bool")
    return tuple(t if t._data.dtype == dt else _ew.cast(t, dt) for t in (a, t1, t2))


def addcmul(input, tensor1, tensor2, *, value=1):  # noqa: A002
    """``input + value * tensor1 * tensor2`` (broadcast, PyTorch's promotion over the three; with an
    integer result ``value`` is truncated to an integer, as PyTorch casts it).

    Example:
        >>> nerve.addcmul(nerve.ones(2), nerve.tensor([1.0, 2.0]), nerve.tensor([3.0, 4.0]), value=0.5)
        tensor([2.5, 5.])
    """
    a, t1, t2 = _addc_operands(input, tensor1, tensor2, "addcmul_cpu_out")
    if a._data.dtype.kind in "iu":
        value = int(value)
    prod = _ew.mul(t1 if value == 1 else _ew.mul(t1, value), t2)
    return _ew.add(a, prod)


def addcdiv(input, tensor1, tensor2, *, value=1):  # noqa: A002
    """``input + value * tensor1 / tensor2`` (broadcast); ``tensor1`` and ``tensor2`` may not both be
    integers (PyTorch refuses the integer division).

    Example:
        >>> nerve.addcdiv(nerve.ones(2), nerve.tensor([1.0, 2.0]), nerve.tensor([4.0, 4.0]), value=2)
        tensor([1.5, 2.])
    """
    if all(isinstance(t, Tensor) and t._data.dtype.kind in "biu" for t in (tensor1, tensor2)):
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future release addcdiv will perform "
            f"a true division of tensor1 and tensor2 (got {tensor1._data.dtype} and {tensor2._data.dtype}). Use "
            "(input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for the historic integer "
            "behaviour, or convert tensor1 or tensor2 to a floating dtype.")
    a, t1, t2 = _addc_operands(input, tensor1, tensor2, "addcdiv_cpu_out")
    quot = _ew.div(t1 if value == 1 else _ew.mul(t1, value), t2)
    return _ew.add(a, quot)


def clamp_min(input, min):  # noqa: A002
    """``clamp(input, min=min)``: a number or a tensor bound."""
    return _ew.clamp(_t(input), min=min)


def clamp_max(input, max):  # noqa: A002
    """``clamp(input, max=max)``: a number or a tensor bound."""
    return _ew.clamp(_t(input), max=max)


def _torch_dtype(dt):
    return {"float32": "float", "float64": "double", "float16": "half"}.get(dt.name, dt.name)


def float_power(input, exponent):  # noqa: A002
    """``input ** exponent`` computed in float64 (the result is float64, as in PyTorch)."""
    f64 = B.float64

    def up(x):
        return _ew.cast(x, f64) if isinstance(x, Tensor) and x._data.dtype != f64 else x
    a, b = up(input), up(exponent)
    if not isinstance(a, Tensor):
        if not isinstance(b, Tensor):
            raise TypeError("float_power(): expected at least one Tensor argument")
        a = float(a)
    elif not isinstance(b, Tensor):
        b = float(b)
    with np.errstate(all="ignore"):   # 0 ** -1 = inf, as in PyTorch
        return _ew.pow(a, b)


# ----------------------------------------- public: closeness, classification
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):  # noqa: A002
    """Elementwise ``|input - other| <= atol + rtol * |other|`` (equal infinities are close; NaNs
    only with ``equal_nan``). A bool tensor; both tensors must have the same dtype."""
    if isinstance(input, Tensor) and isinstance(other, Tensor) and input._data.dtype != other._data.dtype:
        raise RuntimeError(
            f"{_TORCH_TYPE.get(input._data.dtype.name, input.dtype)} did not match "
            f"{_TORCH_TYPE.get(other._data.dtype.name, other.dtype)} (isclose: both tensors must have "
            "the same dtype)")
    if rtol < 0:
        raise RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol}")
    if atol < 0:
        raise RuntimeError(f"atol must be greater than or equal to zero, but got {atol}")
    a, b = lift_pair(input, other)
    x, y = a._data, b._data
    close = _raw_binary("isclose", np.equal, x, y)
    with np.errstate(all="ignore"):
        if equal_nan and x.dtype.kind in "fc":
            close = close | (np.isnan(x) & np.isnan(y))
        if rtol or atol:
            if x.dtype.kind == "b":
                x, y = x.astype(np.int8), y.astype(np.int8)
            ref = y if y.dtype.kind in "fc" else y.astype(B.get_default_dtype())
            err = np.abs(x - y)
            close = close | (np.isfinite(err) & (err <= atol + rtol * np.abs(ref)))
    return _make(close)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):  # noqa: A002
    """``isclose(...).all()`` as a Python bool."""
    return bool(np.all(isclose(input, other, rtol, atol, equal_nan)._data))


def _classify(ufunc):
    def fn(input):  # noqa: A002
        return _make(ufunc(_t(input)._data))
    fn.__name__ = fn.__qualname__ = ufunc.__name__
    fn.__doc__ = f"Elementwise ``{ufunc.__name__}`` as a bool tensor (no gradient)."
    return fn


isnan = _classify(np.isnan)
isinf = _classify(np.isinf)
isfinite = _classify(np.isfinite)
isposinf = _classify(np.isposinf)
isneginf = _classify(np.isneginf)
signbit = _classify(np.signbit)


def isreal(input):  # noqa: A002
    """True where the imaginary part is 0: everywhere for real tensors."""
    x = _t(input)._data
    if x.dtype.kind == "c":
        return _make(x.imag == 0)
    return _make(np.ones(x.shape, dtype=bool))


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):  # noqa: A002
    """Replace NaN by ``nan``, +inf by ``posinf`` and -inf by ``neginf`` (default: the dtype's
    largest and smallest finite values). The gradient passes where the value was finite."""
    x = _t(input)
    if x._data.dtype.kind not in "fc":
        return _make(x._data.copy())
    return NanToNum(nan, posinf, neginf)(x)


# ----------------------------------------------------------- public: bitwise
def _integer_op(input, other, ufunc, kernel, op, bool_ok=True):
    a, b = lift_pair(input, other)
    dt = a._data.dtype
    if dt.kind not in ("biu" if bool_ok else "iu"):
        raise _not_implemented(kernel, dt, f"{op} expects integer{' or bool' if bool_ok else ''} tensors")
    return _make(_raw_binary(op, ufunc, a._data, b._data))


def bitwise_and(input, other):  # noqa: A002
    """Bitwise AND of integer or bool tensors (logical AND for bool)."""
    return _integer_op(input, other, np.bitwise_and, "bitwise_and_cpu", "bitwise_and")


def bitwise_or(input, other):  # noqa: A002
    """Bitwise OR of integer or bool tensors."""
    return _integer_op(input, other, np.bitwise_or, "bitwise_or_cpu", "bitwise_or")


def bitwise_xor(input, other):  # noqa: A002
    """Bitwise XOR of integer or bool tensors."""
    return _integer_op(input, other, np.bitwise_xor, "bitwise_xor_cpu", "bitwise_xor")


def bitwise_not(input):  # noqa: A002
    """Bitwise NOT of an integer tensor (``~x = -x - 1``); logical NOT for bool."""
    x = _t(input)
    dt = x._data.dtype
    if dt.kind not in "biu":
        raise _not_implemented("bitwise_not_cpu", dt, "bitwise_not expects integer or bool tensors")
    return _make(np.invert(x._data))


def bitwise_left_shift(input, other):  # noqa: A002
    """``input << other`` for integer tensors (0 once the shift reaches the bit width)."""
    return _integer_op(input, other, np.left_shift, "lshift_cpu", "bitwise_left_shift", bool_ok=False)


def bitwise_right_shift(input, other):  # noqa: A002
    """``input >> other`` for integer tensors (arithmetic: -1 for negatives shifted past the width)."""
    return _integer_op(input, other, np.right_shift, "rshift_cpu", "bitwise_right_shift", bool_ok=False)


# --------------------------------------------- namespaces for the backward
def _same(x):
    return x


_RAW = SimpleNamespace(
    cos=np.cos, sin=np.sin, cosh=np.cosh, sinh=np.sinh, exp=np.exp, exp2=np.exp2, rsqrt=_rsqrt_array,
    xlogy=_xlogy_array, where=np.where, const=_same, data=_same, sum_to=sum_to_array)
_GRAPH = SimpleNamespace(
    cos=cos, sin=sin, cosh=cosh, sinh=sinh, exp=_ew.exp, exp2=exp2, rsqrt=rsqrt,
    xlogy=xlogy, where=_ew.where, const=const, data=lambda t: t._data, sum_to=sum_to)


# ------------------------------------------------------------ Tensor methods
def _invert(self):
    """``~x``: bitwise NOT (logical for bool); PyTorch's operator raises a TypeError for floats."""
    if self._data.dtype.kind not in "biu":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return _make(np.invert(self._data))


def _swap(fn):
    def r(self, other):
        return fn(other, self)
    r.__name__ = f"r{fn.__name__}"
    return r


TENSOR_METHODS: dict = {name: globals()[name] for name in __all__ if name not in ("true_divide",)}
TENSOR_METHODS.update({
    "true_divide": true_divide,
    # operators: PyTorch's are bitwise on integer/bool tensors (logical for bool)
    "__and__": bitwise_and, "__or__": bitwise_or, "__xor__": bitwise_xor, "__invert__": _invert,
    "__rand__": _swap(bitwise_and), "__ror__": _swap(bitwise_or), "__rxor__": _swap(bitwise_xor),
    "__lshift__": bitwise_left_shift, "__rshift__": bitwise_right_shift,
    "__rlshift__": _swap(bitwise_left_shift), "__rrshift__": _swap(bitwise_right_shift),
    "__floordiv__": floor_divide, "__rfloordiv__": _swap(floor_divide),
    "__mod__": remainder, "__rmod__": _swap(remainder),
})
