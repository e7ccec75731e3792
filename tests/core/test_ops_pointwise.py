"""Pointwise math (``nerve.ops.pointwise``) against PyTorch.

First one declarative entry per op (see optest.py: forward and backward vs PyTorch,
float64 gradcheck, fast path vs graph path, gradgradcheck for some), with
``*_special`` entries at the points where the gradient needs a convention
(atan2 and hypot at (0, 0), sinc at 0, xlogy at x = 0, division by 0, infinities).
Then the dtype rules for integer and bool inputs, IEEE edge values without NumPy
warnings, closeness, bitwise ops, integer division and the errors.

Every test in this file fails on a NumPy RuntimeWarning (none may leak).
"""
import os
import sys
import warnings

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
from optest import (  # noqa: E402
    table_tests, Op, assert_close, cases, need_torch,
)
from optest import torch  # noqa: E402  (None when PyTorch is missing: lambdas only run when it is present)

import nerve  # noqa: E402
from nerve.ops import pointwise  # noqa: E402

# The edge-value tests below turn RuntimeWarnings into errors for pointwise.py's own forwards.
# (Backward through the older elementwise/engine code can still warn at inf/NaN: issue 7.)
NO_WARNINGS = pytest.mark.filterwarnings("error::RuntimeWarning")

inf, nan = float("inf"), float("nan")


def tt(a):
    return torch.tensor(np.asarray(a))


def _uniform(lo, hi):
    return lambda rng, shape: rng.uniform(lo, hi, shape)


def _halves(rng, shape):
    """Normal values kept 0.05 away from the half-integers (kinks of round) and integers (floor...)."""
    x = rng.standard_normal(shape) * 2
    f = x - np.floor(x)
    return np.floor(x) + np.clip(f, 0.05, 0.95) + np.where(np.abs(f - 0.5) < 0.05, 0.1, 0.0)


BIN = [((3, 4), (3, 4)), ((3, 1, 4), (2, 4)), ((), (3,)), ((2, 3), ()), ((0, 3), (3,)), ((5,), (5,))]
UN = [(3, 4), (), (0, 3), (5,)]
SPECIAL = dict(gradcheck=False)

# the same points for several binary ops: signed zeros, infinities, NaN
EDGE_A = [0.0, 0.0, -0.0, 1.0, -1.0, inf, -inf, nan, 2.0, inf, 3.0, -2.5]
EDGE_B = [0.0, -0.0, 0.0, inf, -inf, inf, 1.0, 1.0, -3.0, -inf, 0.0, 2.0]

# ---------------------------------------------------------------- exp / log
EXPLOG = [
    Op("log2", lambda x: x.log2(), lambda x: x.log2(), UN, domain="positive", ref=np.log2, gradgrad=True),
    Op("log2_fn", lambda x: nerve.log2(x), lambda x: torch.log2(x), [(2, 3)], domain="positive"),
    Op("log10", lambda x: nerve.log10(x), lambda x: torch.log10(x), UN, domain="positive", ref=np.log10),
    Op("log1p", lambda x: nerve.log1p(x), lambda x: torch.log1p(x), UN, domain=_uniform(-0.5, 2.0), gradgrad=True),
    Op("expm1", lambda x: x.expm1(), lambda x: x.expm1(), UN, ref=np.expm1, gradgrad=True),
    Op("exp2", lambda x: nerve.exp2(x), lambda x: torch.exp2(x), UN, ref=np.exp2, gradgrad=True),
    Op("logaddexp", lambda a, b: nerve.logaddexp(a, b), lambda a, b: torch.logaddexp(a, b), BIN, gradgrad=True),
    Op("logaddexp_method_large", lambda a, b: (a * 100).logaddexp(b * 100), lambda a, b: (a * 100).logaddexp(b * 100),
       [((3, 4), (4,))], atol=1e-4),   # values ~100: atol scaled with them
    Op("logaddexp2", lambda a, b: a.logaddexp2(b), lambda a, b: a.logaddexp2(b), BIN, gradgrad=True),
    Op("logaddexp_scalar", lambda a: nerve.logaddexp(a, 0.5), lambda a: torch.logaddexp(a, torch.tensor(0.5)), UN),
    Op("xlogy", lambda a, b: nerve.xlogy(a, b), lambda a, b: torch.xlogy(a, b), BIN, domain=["real", "positive"],
       gradgrad=True),
    Op("xlogy_method", lambda a, b: a.xlogy(b), lambda a, b: a.xlogy(b), [((2, 3), (3,))], domain=["real", "positive"]),
    Op("xlogy_scalar_left", lambda b: nerve.xlogy(2.0, b), lambda b: torch.xlogy(2.0, b), UN, domain="positive"),
    Op("xlogy_scalar_right", lambda a: nerve.xlogy(a, 3), lambda a: torch.xlogy(a, 3), UN),
    Op("log_family_special", lambda x: (nerve.log2(x), nerve.log10(x), nerve.log1p(x - 1)),
       lambda x: (torch.log2(x), torch.log10(x), torch.log1p(x - 1)), values=[[0.0, -1.0, inf, 1.0, -0.0]], **SPECIAL),
    Op("exp_family_special", lambda x: (nerve.expm1(x), nerve.exp2(x)), lambda x: (torch.expm1(x), torch.exp2(x)),
       values=[[0.0, inf, -inf, 200.0, -200.0]], **SPECIAL),
    Op("logaddexp_special", lambda a, b: (nerve.logaddexp(a, b), nerve.logaddexp2(a, b)),
       lambda a, b: (torch.logaddexp(a, b), torch.logaddexp2(a, b)), values=[EDGE_A, EDGE_B], **SPECIAL),
    # x = 0: 0 (also for y = 0 or inf) with gradient 0 for x where y <= 0; NaN y stays NaN
    Op("xlogy_special", lambda a, b: nerve.xlogy(a, b), lambda a, b: torch.xlogy(a, b),
       values=[[0.0, 0.0, 0.0, 0.0, 0.0, 1.0, nan, 2.0, -1.0], [0.0, -1.0, inf, nan, -inf, 0.0, 0.0, 3.0, inf]],
       **SPECIAL),
]

# ------------------------------------------------ trigonometric, hyperbolic
TRIG = [
    Op("sin", lambda x: nerve.sin(x), lambda x: torch.sin(x), UN, ref=np.sin, gradgrad=True),
    Op("cos", lambda x: nerve.cos(x), lambda x: torch.cos(x), UN, ref=np.cos, gradgrad=True),
    Op("tan", lambda x: x.tan(), lambda x: x.tan(), UN, domain=_uniform(-1.2, 1.2), ref=np.tan, gradgrad=True),
    Op("asin", lambda x: x.asin(), lambda x: x.asin(), UN, domain="unit", ref=np.arcsin, gradgrad=True),
    Op("acos", lambda x: nerve.acos(x), lambda x: torch.acos(x), UN, domain="unit", ref=np.arccos, gradgrad=True),
    Op("atan", lambda x: nerve.atan(x), lambda x: torch.atan(x), UN, ref=np.arctan, gradgrad=True),
    Op("arcsin_arccos_arctan", lambda x: (nerve.arcsin(x), x.arccos(), x.arctan()),
       lambda x: (torch.arcsin(x), x.arccos(), x.arctan()), [(3, 4)], domain="unit"),
    Op("sinh", lambda x: x.sinh(), lambda x: x.sinh(), UN, ref=np.sinh, gradgrad=True),
    Op("cosh", lambda x: nerve.cosh(x), lambda x: torch.cosh(x), UN, ref=np.cosh, gradgrad=True),
    Op("asinh", lambda x: x.asinh(), lambda x: x.asinh(), UN, ref=np.arcsinh, gradgrad=True),
    Op("acosh", lambda x: nerve.acosh(x), lambda x: torch.acosh(x), UN, domain=_uniform(1.2, 3.0), ref=np.arccosh,
       gradgrad=True),
    Op("atanh", lambda x: x.atanh(), lambda x: x.atanh(), UN, domain="unit", ref=np.arctanh, gradgrad=True),
    Op("arc_hyperbolic_aliases", lambda x: (nerve.arcsinh(x), nerve.arccosh(x + 2), nerve.arctanh(x / 2)),
       lambda x: (torch.arcsinh(x), torch.arccosh(x + 2), torch.arctanh(x / 2)), [(3, 4)], domain="unit"),
    Op("atan2", lambda a, b: nerve.atan2(a, b), lambda a, b: torch.atan2(a, b), BIN, ref=np.arctan2, gradgrad=True),
    Op("arctan2_method", lambda a, b: a.arctan2(b), lambda a, b: a.arctan2(b), [((2, 3), (3,))]),
    Op("atan2_scalar", lambda a: nerve.atan2(a, 2.0), lambda a: torch.atan2(a, torch.tensor(2.0)), UN),
    Op("atan2_scalar_left", lambda b: nerve.atan2(-1, b), lambda b: torch.atan2(torch.tensor(-1.0), b), UN),
    Op("hypot", lambda a, b: nerve.hypot(a, b), lambda a, b: torch.hypot(a, b), BIN, domain="nonzero", ref=np.hypot,
       gradgrad=True),
    Op("hypot_method_scalar", lambda a: a.hypot(3.0), lambda a: a.hypot(torch.tensor(3.0)), UN),
    Op("sinc", lambda x: nerve.sinc(x), lambda x: torch.sinc(x), UN, domain="nonzero", ref=np.sinc, gradgrad=True),
    Op("deg2rad", lambda x: x.deg2rad(), lambda x: x.deg2rad(), UN, ref=np.deg2rad),
    Op("rad2deg", lambda x: nerve.rad2deg(x), lambda x: torch.rad2deg(x), UN, ref=np.rad2deg, rtol=1e-5, atol=1e-5),
    # PyTorch's conventions: atan2 has a zero gradient where a^2 + b^2 == 0, hypot a NaN one at (0, 0)
    Op("atan2_special", lambda a, b: nerve.atan2(a, b), lambda a, b: torch.atan2(a, b), values=[EDGE_A, EDGE_B],
       **SPECIAL),
    Op("atan2_tiny", lambda a, b: nerve.atan2(a, b), lambda a, b: torch.atan2(a, b),
       values=[[1e-30, 0.0, -1e-30], [1e-30, 1e-30, 0.0]], **SPECIAL),   # squares underflow in float32
    Op("hypot_special", lambda a, b: nerve.hypot(a, b), lambda a, b: torch.hypot(a, b), values=[EDGE_A, EDGE_B],
       **SPECIAL),
    Op("sinc_special", lambda x: nerve.sinc(x), lambda x: torch.sinc(x),
       values=[[0.0, -0.0, 1e-20, 1.0, -0.5, 2.0, inf, nan]], **SPECIAL),
    Op("inverse_trig_special", lambda x: (x.asin(), x.acos(), x.atanh(), x.acosh(), x.asinh(), x.atan()),
       lambda x: (x.asin(), x.acos(), x.atanh(), x.acosh(), x.asinh(), x.atan()),
       values=[[1.0, -1.0, 2.0, -2.0, 0.0, inf, -inf]], **SPECIAL),
    Op("trig_special", lambda x: (x.sin(), x.cos(), x.tan(), x.sinh(), x.cosh()),
       lambda x: (x.sin(), x.cos(), x.tan(), x.sinh(), x.cosh()), values=[[0.0, inf, -inf, nan, 100.0]], **SPECIAL),
]

# ------------------------------------------------------------- arithmetic
ARITH = [
    Op("reciprocal", lambda x: nerve.reciprocal(x), lambda x: torch.reciprocal(x), UN, domain="nonzero",
       ref=np.reciprocal, gradgrad=True),
    Op("reciprocal_method", lambda x: x.reciprocal(), lambda x: x.reciprocal(), [(2, 3)], domain="nonzero"),
    Op("rsqrt", lambda x: nerve.rsqrt(x), lambda x: torch.rsqrt(x), UN, domain="positive", gradgrad=True),
    Op("rsqrt_method", lambda x: x.rsqrt(), lambda x: x.rsqrt(), [(2, 3)], domain="positive"),
    Op("reciprocal_rsqrt_special", lambda x: (x.reciprocal(), x.rsqrt()), lambda x: (x.reciprocal(), x.rsqrt()),
       values=[[0.0, -0.0, inf, -1.0, 4.0]], **SPECIAL),
    Op("square", lambda x: nerve.square(x), lambda x: torch.square(x), UN, ref=np.square, gradgrad=True),
    Op("square_method", lambda x: x.square(), lambda x: x.square(), [(2, 3)]),
    Op("positive", lambda x: nerve.positive(x) * 2, lambda x: torch.positive(x) * 2, UN),
    Op("copysign", lambda a, b: nerve.copysign(a, b), lambda a, b: torch.copysign(a, b), BIN,
       domain=["nonzero", "nonzero"], ref=np.copysign, gradgrad=True),
    Op("copysign_method_scalar", lambda a: a.copysign(-1.0), lambda a: a.copysign(-1.0), UN, domain="nonzero"),
    Op("copysign_special", lambda a, b: nerve.copysign(a, b), lambda a, b: torch.copysign(a, b),
       values=[[0.0, -0.0, 2.0, -3.0, nan, 1.0], [1.0, -1.0, -0.0, 0.0, -1.0, nan]], **SPECIAL),
    Op("lerp_scalar", lambda a, b: nerve.lerp(a, b, 0.3), lambda a, b: torch.lerp(a, b, 0.3), BIN, gradgrad=True),
    Op("lerp_scalar_high", lambda a, b: a.lerp(b, 0.8), lambda a, b: a.lerp(b, 0.8), BIN),
    Op("lerp_scalar_ends", lambda a, b: (nerve.lerp(a, b, 0), nerve.lerp(a, b, 1), nerve.lerp(a, b, -0.5)),
       lambda a, b: (torch.lerp(a, b, 0), torch.lerp(a, b, 1), torch.lerp(a, b, -0.5)), [((2, 3), (2, 3))]),
    Op("lerp_end_scalar", lambda a: nerve.lerp(a, 2.0, 0.25), None, UN),
    Op("lerp_tensor", lambda a, b, w: nerve.lerp(a, b, w), lambda a, b, w: torch.lerp(a, b, w),
       [((3, 4), (3, 4), (3, 4)), ((3, 1, 4), (2, 4), (4,)), ((), (3,), ()), ((0, 3), (3,), (1,))],
       domain=["real", "real", _uniform(-0.2, 1.2)], gradgrad=True),
    Op("lerp_tensor_weight_only", lambda a, b, w: a.lerp(b, w), lambda a, b, w: a.lerp(b, w), [((2, 3), (2, 3), (3,))],
       grad=[False, False, True]),
    Op("lerp_special", lambda a, b, w: nerve.lerp(a, b, w), lambda a, b, w: torch.lerp(a, b, w),
       values=[[1.0, 2.0, 1.0, -inf], [3.0, inf, 3.0, 1.0], [0.2, 0.7, 0.5, 0.1]], **SPECIAL),
    Op("float_power", lambda a, b: nerve.float_power(a, b), lambda a, b: torch.float_power(a, b), BIN[:5],
       domain=["positive", "real"], gradgrad=True),
    Op("float_power_scalar", lambda a: a.float_power(3), lambda a: a.float_power(3), UN),
    Op("float_power_scalar_base", lambda b: nerve.float_power(2, b), lambda b: torch.float_power(2, b), UN),
    Op("float_power_special", lambda a, b: nerve.float_power(a, b), lambda a, b: torch.float_power(a, b),
       values=[[0.0, 0.0, 0.0, -1.0, 2.0, -2.0], [-1.0, 0.0, 0.5, 0.5, 3.0, 2.0]], **SPECIAL),
    Op("nan_to_num", lambda x: nerve.nan_to_num(x), lambda x: torch.nan_to_num(x), UN, gradgrad=True),
    Op("nan_to_num_special", lambda x: (nerve.nan_to_num(x), x.nan_to_num(nan=1.0, posinf=2.0, neginf=-3.0)),
       lambda x: (torch.nan_to_num(x), x.nan_to_num(nan=1.0, posinf=2.0, neginf=-3.0)),
       values=[[nan, inf, -inf, 1.5, -2.0]], **SPECIAL),
]

# ------------------------------------------------------- division, rounding
DIVISION = [
    Op("div_true", lambda a, b: nerve.div(a, b), lambda a, b: torch.div(a, b), BIN, domain=["real", "nonzero"]),
    Op("div_trunc", lambda a, b: nerve.div(a, b, rounding_mode="trunc"),
       lambda a, b: torch.div(a, b, rounding_mode="trunc"),
       BIN, domain=["real", "nonzero"]),
    Op("div_floor", lambda a, b: nerve.divide(a, b, rounding_mode="floor"),
       lambda a, b: torch.divide(a, b, rounding_mode="floor"), BIN, domain=["real", "nonzero"]),
    Op("div_method_rounding", lambda a, b: a.div(b, rounding_mode="floor") + a.divide(b, rounding_mode="trunc"),
       lambda a, b: a.div(b, rounding_mode="floor") + a.divide(b, rounding_mode="trunc"), [((2, 3), (3,))],
       domain=["real", "nonzero"]),
    Op("true_divide", lambda a, b: nerve.true_divide(a, b) + a.true_divide(b),
       lambda a, b: torch.true_divide(a, b) + a.true_divide(b), [((2, 3), (3,))], domain=["real", "nonzero"]),
    Op("floor_divide", lambda a, b: nerve.floor_divide(a, b), lambda a, b: torch.div(a, b, rounding_mode="floor"),
       BIN, domain=["real", "nonzero"]),   # PyTorch's floor_divide has no derivative; nerve's is div-floor's zero
    Op("floordiv_operator", lambda a, b: a // b + 3.0 // b, None, [((2, 3), (3,))], domain=["real", "nonzero"]),
    Op("div_rounding_special",
       lambda a, b: (nerve.div(a, b, rounding_mode="trunc"), nerve.div(a, b, rounding_mode="floor")),
       lambda a, b: (torch.div(a, b, rounding_mode="trunc"), torch.div(a, b, rounding_mode="floor")),
       values=[EDGE_A, EDGE_B], **SPECIAL),
    Op("fmod", lambda a, b: nerve.fmod(a, b), lambda a, b: torch.fmod(a, b), BIN, domain=["real", "nonzero"],
       ref=np.fmod, gradgrad=True),
    Op("fmod_scalar", lambda a: a.fmod(0.7), lambda a: a.fmod(0.7), UN),
    Op("remainder", lambda a, b: nerve.remainder(a, b), lambda a, b: torch.remainder(a, b), BIN,
       domain=["real", "nonzero"], ref=np.remainder, gradgrad=True),
    Op("remainder_scalar", lambda a: a.remainder(-0.7), lambda a: a.remainder(-0.7), UN),
    Op("remainder_scalar_left", lambda b: nerve.remainder(2.5, b), lambda b: torch.remainder(torch.tensor(2.5), b), UN,
       domain="nonzero"),
    Op("mod_operator", lambda a, b: a % b + 2.5 % b, lambda a, b: a % b + torch.tensor(2.5) % b, [((2, 3), (3,))],
       domain=["real", "nonzero"]),
    Op("fmod_remainder_special", lambda a, b: (nerve.fmod(a, b), nerve.remainder(a, b)),
       lambda a, b: (torch.fmod(a, b), torch.remainder(a, b)),
       values=[[7.0, -7.0, 7.0, -7.0, 5.0, -1.0, 3.0, 0.0, inf], [2.0, 2.0, -2.0, -2.0, inf, inf, 0.0, 3.0, 2.0]],
       **SPECIAL),
    Op("trunc", lambda x: nerve.trunc(x), lambda x: torch.trunc(x), UN, domain=_halves, ref=np.trunc),
    Op("fix", lambda x: nerve.fix(x) + x.fix(), lambda x: torch.fix(x) + x.fix(), [(3, 4)], domain=_halves),
    Op("frac", lambda x: nerve.frac(x), lambda x: torch.frac(x), UN, domain=_halves, gradgrad=True),
    Op("frac_special", lambda x: x.frac(), lambda x: x.frac(), values=[[inf, -inf, nan, -1.5, 2.25, -0.0]], **SPECIAL),
    Op("floor", lambda x: nerve.floor(x), lambda x: torch.floor(x), UN, domain=_halves, ref=np.floor),
    Op("ceil", lambda x: x.ceil(), lambda x: x.ceil(), UN, domain=_halves, ref=np.ceil),
    Op("round", lambda x: nerve.round(x), lambda x: torch.round(x), UN, domain=_halves, ref=np.round),
    Op("round_decimals", lambda x: x.round(decimals=2), lambda x: x.round(decimals=2), UN, domain=_halves,
       gradcheck=False),   # kinks every 0.005
    Op("round_negative_decimals", lambda x: nerve.round(x * 1000, decimals=-2),
       lambda x: torch.round(x * 1000, decimals=-2),
       [(3, 4)], gradcheck=False),
    Op("round_halves", lambda x: x.round(), lambda x: x.round(), values=[[0.5, 1.5, 2.5, -0.5, -2.5, 3.7]], **SPECIAL),
    Op("sign", lambda x: nerve.sign(x), lambda x: torch.sign(x), UN, domain="nonzero"),
    # (PyTorch's sgn backward returns a ZeroTensor that cannot become NumPy: its sign is the oracle)
    Op("sgn", lambda x: x.sgn() + nerve.sgn(x), lambda x: x.sign() + torch.sign(x), UN, domain="nonzero"),
    Op("sign_special", lambda x: x.sign(), lambda x: x.sign(), values=[[nan, -0.0, 0.0, -2.0, 3.0, inf, -inf]],
       **SPECIAL),
    Op("rounding_chain", lambda x: (x.floor() + x.ceil() + x.round() + x.trunc() + x.sign()) * x,
       lambda x: (x.floor() + x.ceil() + x.round() + x.trunc() + x.sign()) * x, [(3, 4)], domain=_halves,
       gradgrad=True),   # zero gradients of the rounded parts, the product rule for the rest
]

ALL = EXPLOG + TRIG + ARITH + DIVISION
CASES = cases(ALL)
GRADGRAD = cases(ALL, only=lambda op: op.gradgrad)


globals().update(table_tests(ALL))   # forward, backward, gradchecks, fast path (optest.py)


# ------------------------------------------------ dtypes of integer inputs
FLOAT_UNARY = ["log2", "log10", "log1p", "expm1", "exp2", "sin", "cos", "tan", "asin", "acos", "atan", "sinh",
               "cosh", "asinh", "acosh", "atanh", "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh",
               "sinc", "deg2rad", "rad2deg", "reciprocal", "rsqrt"]
OTHER_UNARY = ["trunc", "fix", "frac", "floor", "ceil", "round", "sign", "sgn", "square", "positive", "nan_to_num",
               "isnan", "isinf", "isfinite", "isposinf", "isneginf", "isreal", "signbit", "bitwise_not"]
BINARY = ["div", "divide", "true_divide", "floor_divide", "fmod", "remainder", "atan2", "arctan2", "copysign",
          "logaddexp", "logaddexp2", "hypot", "xlogy", "float_power", "isclose", "bitwise_and", "bitwise_or",
          "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift"]
INT_DTYPES = ["int64", "int32", "int16", "int8", "uint8", "bool"]


def _int_values(dtype, n=6, offset=0):
    if dtype == "bool":
        return np.array([True, False, True, True, False, True][:n])
    return (np.array([0, 1, 2, 3, 5, 7][:n]) + offset).astype(dtype)


def _same_result(ours, theirs):
    """Same dtype and values (floats to float32 precision, NaN where PyTorch has NaN)."""
    expected = theirs.numpy() if isinstance(theirs, torch.Tensor) else np.asarray(theirs)
    assert isinstance(ours, nerve.Tensor)
    assert ours.dtype == expected.dtype, f"dtype {ours.dtype}, PyTorch gives {expected.dtype}"
    assert_close(ours, expected, rtol=1e-5, atol=1e-6)


def _compare_or_raise(nerve_call, torch_call):
    """Both give the same dtype and values, or both raise (the same exception class)."""
    try:
        expected = torch_call()
    except Exception as e:   # PyTorch refuses the dtype: nerve must refuse it the same way
        with pytest.raises(type(e)):
            nerve_call()
        return None
    _same_result(nerve_call(), expected)
    return expected


@pytest.mark.parametrize("dtype", INT_DTYPES)
@pytest.mark.parametrize("name", FLOAT_UNARY)
def test_float_ops_on_integers_give_float32(name, dtype):
    need_torch()
    x = _int_values(dtype)
    y = getattr(nerve, name)(nerve.tensor(x))
    assert y.dtype == nerve.float32, f"{name}({dtype}) gave {y.dtype}"
    _same_result(y, getattr(torch, name)(tt(x)))


@pytest.mark.parametrize("dtype", INT_DTYPES)
@pytest.mark.parametrize("name", OTHER_UNARY)
def test_integer_and_classification_ops_keep_torch_dtypes(name, dtype):
    need_torch()
    x = _int_values(dtype)
    got = _compare_or_raise(lambda: getattr(nerve, name)(nerve.tensor(x)), lambda: getattr(torch, name)(tt(x)))
    if got is not None and name in ("trunc", "floor", "ceil", "round", "sign", "square") and dtype != "bool":
        assert got.dtype != torch.float32, "integer ops keep integers"


@pytest.mark.parametrize("dtype", INT_DTYPES)
@pytest.mark.parametrize("name", BINARY)
def test_binary_ops_on_integers_follow_torch(name, dtype):
    need_torch()
    a, b = _int_values(dtype), _int_values(dtype, offset=1) if dtype != "bool" else _int_values(dtype)[::-1].copy()
    _compare_or_raise(lambda: getattr(nerve, name)(nerve.tensor(a), nerve.tensor(b)),
                      lambda: getattr(torch, name)(tt(a), tt(b)))


@pytest.mark.parametrize("name", [n for n in BINARY if n != "isclose"])
@pytest.mark.parametrize("scalar", [2, 2.5, True])
def test_binary_ops_with_python_scalars_follow_torch(name, scalar):
    """A Python number on either side: PyTorch's promotion (int tensor with 2.5 is float32; a
    0-d tensor promotes as a number does, which lets PyTorch's tensor-only ops be the oracle)."""
    need_torch()
    a = np.array([1, 2, 3, 5, 7])
    _compare_or_raise(lambda: getattr(nerve, name)(nerve.tensor(a), scalar),
                      lambda: getattr(torch, name)(tt(a), torch.tensor(scalar)))
    _compare_or_raise(lambda: getattr(nerve, name)(scalar, nerve.tensor(a)),
                      lambda: getattr(torch, name)(torch.tensor(scalar), tt(a)))


@pytest.mark.parametrize("pair", [("int64", "float32"), ("int32", "float64"), ("uint8", "float16"),
                                  ("bool", "float32"), ("int8", "int64"), ("uint8", "int8")])
@pytest.mark.parametrize("name", ["atan2", "copysign", "xlogy", "remainder", "fmod", "floor_divide", "hypot",
                                  "logaddexp", "float_power"])
def test_mixed_dtypes_promote_as_torch(name, pair):
    need_torch()
    a = np.array([1, 2, 3, 5]).astype(pair[0])
    b = np.array([2, 1, 3, 4]).astype(pair[1])
    _compare_or_raise(lambda: getattr(nerve, name)(nerve.tensor(a), nerve.tensor(b)),
                      lambda: getattr(torch, name)(tt(a), tt(b)))


@pytest.mark.parametrize("name", FLOAT_UNARY + ["trunc", "frac", "floor", "round", "sign", "square"])
def test_float64_and_float16_are_kept(name):
    for dt in (np.float64, np.float16):
        y = getattr(nerve, name)(nerve.tensor(np.array([0.25, 0.5], dtype=dt)))
        assert y.dtype == dt


def test_integer_results_carry_no_gradient():
    x = nerve.tensor([1.5, -2.5], requires_grad=True)
    assert nerve.isnan(x).dtype == nerve.bool and not nerve.isnan(x).requires_grad
    assert not nerve.isclose(x, x).requires_grad
    i = nerve.tensor([3, -4])
    for y in (nerve.floor(i), nerve.sign(i), nerve.div(i, 2, rounding_mode="floor"), nerve.remainder(i, 3)):
        assert y.dtype == nerve.int64 and not y.requires_grad


# ----------------------------------------------------------- edge values
UNARY_EDGES = [0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, 1e-30, 1e30, inf, -inf, nan]


@NO_WARNINGS
@pytest.mark.parametrize("name", FLOAT_UNARY + ["trunc", "frac", "floor", "ceil", "round", "sign", "square",
                                                 "nan_to_num", "isnan", "isinf", "isfinite", "isposinf", "isneginf",
                                                 "signbit"])
def test_unary_edge_values_follow_ieee_without_warnings(name):
    need_torch()
    x = np.array(UNARY_EDGES, dtype=np.float32)
    if name in ("sin", "cos", "tan"):   # libm argument reduction of 1e30 differs between libraries
        x = x[x != 1e30]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = getattr(nerve, name)(nerve.tensor(x))
    _same_result(y, getattr(torch, name)(tt(x)))


@NO_WARNINGS
@pytest.mark.parametrize("fn", [
    lambda m, a, b: m.atan2(a, b), lambda m, a, b: m.hypot(a, b), lambda m, a, b: m.copysign(a, b),
    lambda m, a, b: m.logaddexp(a, b), lambda m, a, b: m.logaddexp2(a, b), lambda m, a, b: m.xlogy(a, b),
    lambda m, a, b: m.fmod(a, b), lambda m, a, b: m.remainder(a, b), lambda m, a, b: m.float_power(a, b),
    lambda m, a, b: m.div(a, b, rounding_mode="trunc"), lambda m, a, b: m.div(a, b, rounding_mode="floor"),
    lambda m, a, b: m.floor_divide(a, b), lambda m, a, b: m.lerp(a, b, 0.3), lambda m, a, b: m.lerp(a, b, 0.7),
    lambda m, a, b: m.isclose(a, b), lambda m, a, b: m.isclose(a, b, equal_nan=True),
], ids=["atan2", "hypot", "copysign", "logaddexp", "logaddexp2", "xlogy", "fmod", "remainder", "float_power",
        "div_trunc", "div_floor", "floor_divide", "lerp_low", "lerp_high", "isclose", "isclose_equal_nan"])
def test_binary_edge_values_follow_ieee_without_warnings(fn):
    need_torch()
    a, b = np.array(EDGE_A, dtype=np.float32), np.array(EDGE_B, dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = fn(nerve, nerve.tensor(a), nerve.tensor(b))
    _same_result(y, fn(torch, tt(a), tt(b)))


@NO_WARNINGS
def test_backward_at_edges_emits_no_warnings():
    """Both backward paths (raw arrays, and the recorded tensor ops of create_graph=True)."""
    x = nerve.tensor([0.0, -1.0, 1.0, inf, nan, 2.0, -0.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for f in (nerve.log2, nerve.log10, nerve.log1p, nerve.asin, nerve.acos, nerve.atanh, nerve.acosh,
                  nerve.rsqrt, nerve.reciprocal, nerve.sinc, nerve.tan, nerve.expm1, nerve.exp2, nerve.cosh,
                  nerve.nan_to_num, lambda t: nerve.atan2(t, t), lambda t: nerve.hypot(t, t),
                  lambda t: nerve.xlogy(t, t), lambda t: nerve.remainder(t, t), lambda t: nerve.fmod(t, 0.0),
                  lambda t: nerve.copysign(t, t), lambda t: nerve.logaddexp(t, -t), lambda t: nerve.lerp(t, -t, t)):
            x.grad = None
            f(x).backward(nerve.ones(7))     # (not .sum(): inf + -inf would warn in the sum itself)
            assert x.grad is not None and x.grad.shape == x.shape
            nerve.autograd.grad(f(x), x, nerve.ones(7), create_graph=True)


# --------------------------------------------------- rounding, zero gradients
@pytest.mark.parametrize("name", ["floor", "ceil", "round", "trunc", "sign", "sgn", "fix"])
def test_rounding_ops_stay_in_the_graph_with_zero_gradient(name):
    x = nerve.tensor([1.3, -2.7, 0.4], requires_grad=True)
    y = getattr(nerve, name)(x)
    assert y.requires_grad and y.grad_fn is not None
    (y * 3 + x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0, 1.0])    # only the "+ x" term
    with nerve.no_grad():
        assert not getattr(nerve, name)(x).requires_grad


def test_round_decimals_vs_torch():
    need_torch()
    x = np.random.default_rng(0).standard_normal(200).astype(np.float32) * 1000
    for d in (-3, -1, 0, 1, 3):
        _same_result(nerve.round(nerve.tensor(x), decimals=d), torch.round(tt(x), decimals=d))
    with pytest.raises(NotImplementedError, match="round"):
        nerve.round(nerve.tensor([1, 2]), decimals=1)
    _same_result(nerve.tensor([15, -25]).round(), torch.tensor([15, -25]).round())


# ------------------------------------------------------------ integer division
SIGNED = np.array([7, -7, 7, -7, 0, 1, -1, 9, -9, 100, -101])
DIVISORS = np.array([2, 2, -2, -2, 3, -3, 3, 4, -4, 7, 7])


@pytest.mark.parametrize("dtype", ["int64", "int32", "int8"])
def test_integer_division_modes_vs_torch(dtype):
    need_torch()
    a, b = SIGNED.astype(dtype), DIVISORS.astype(dtype)
    na, nb, ta, tb = nerve.tensor(a), nerve.tensor(b), tt(a), tt(b)
    _same_result(nerve.div(na, nb), torch.div(ta, tb))
    for mode in ("trunc", "floor"):
        _same_result(nerve.div(na, nb, rounding_mode=mode), torch.div(ta, tb, rounding_mode=mode))
        _same_result(na.div(nb, rounding_mode=mode), ta.div(tb, rounding_mode=mode))
    _same_result(nerve.floor_divide(na, nb), torch.floor_divide(ta, tb))
    _same_result(nerve.fmod(na, nb), torch.fmod(ta, tb))
    _same_result(nerve.remainder(na, nb), torch.remainder(ta, tb))
    _same_result(na // nb, ta // tb)
    _same_result(na % nb, ta % tb)
    _same_result(na % 3, ta % 3)
    _same_result(17 // nb, 17 // tb)
    _same_result(17 % nb, 17 % tb)
    _same_result(nerve.remainder(na, 2.5), torch.remainder(ta, 2.5))
    _same_result(nerve.div(na, 2.5, rounding_mode="floor"), torch.div(ta, 2.5, rounding_mode="floor"))


def test_float_division_modes_vs_torch_on_many_values():
    need_torch()
    rng = np.random.default_rng(1)
    a = (rng.standard_normal(2000) * 10).astype(np.float32)
    b = (rng.standard_normal(2000) * 3).astype(np.float32)
    b[:20] = 0.0
    a[20:40] = np.round(a[20:40])
    b[20:40] = 1.0 / 4
    for mode in ("trunc", "floor"):
        _same_result(nerve.div(nerve.tensor(a), nerve.tensor(b), rounding_mode=mode),
                     torch.div(tt(a), tt(b), rounding_mode=mode))
    _same_result(nerve.fmod(nerve.tensor(a), nerve.tensor(b)), torch.fmod(tt(a), tt(b)))
    _same_result(nerve.remainder(nerve.tensor(a), nerve.tensor(b)), torch.remainder(tt(a), tt(b)))


@pytest.mark.parametrize("call", [
    lambda: nerve.div(nerve.tensor([4, 5]), nerve.tensor([2, 0]), rounding_mode="trunc"),
    lambda: nerve.floor_divide(nerve.tensor([4, 5]), 0),
    lambda: nerve.tensor([4, 5]) // 0,
    lambda: nerve.fmod(nerve.tensor([4, 5]), nerve.tensor([0, 1])),
    lambda: nerve.remainder(nerve.tensor([4]), 0),
    lambda: nerve.tensor([4]) % 0,
], ids=["div_trunc", "floor_divide", "floordiv_op", "fmod", "remainder", "mod_op"])
def test_integer_division_by_zero_raises_like_torch(call):
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        call()


def test_div_rounding_mode_errors():
    with pytest.raises(RuntimeError, match="rounding_mode to be one of None, 'trunc', or 'floor' but found 'round'"):
        nerve.div(nerve.tensor([1.0]), 2, rounding_mode="round")
    with pytest.raises(NotImplementedError, match="div_floor_cpu.*'Bool'"):
        nerve.floor_divide(nerve.tensor([True]), nerve.tensor([True]))
    with pytest.raises(NotImplementedError, match="remainder_cpu.*'Bool'"):
        nerve.remainder(nerve.tensor([True]), True)


def test_true_division_is_unchanged_and_floats_for_integers():
    a, b = nerve.tensor([7, -7]), nerve.tensor([2, 2])
    y = nerve.div(a, b)
    assert y.dtype == nerve.float32
    np.testing.assert_allclose(y.numpy(), [3.5, -3.5])
    assert (a / b).dtype == nerve.float32 and nerve.true_divide(a, b).dtype == nerve.float32


# ------------------------------------------------------------- closeness
@pytest.mark.parametrize("kw", [{}, {"rtol": 0.0, "atol": 0.0}, {"rtol": 1e-2}, {"atol": 0.5}, {"equal_nan": True},
                                {"rtol": 0.0, "atol": 1e-3, "equal_nan": True}])
def test_isclose_allclose_vs_torch(kw):
    need_torch()
    a = np.array([1.0, 1.0 + 1e-6, 1.001, 100.0, 0.0, 1e-9, inf, -inf, inf, nan, nan, 2.0], dtype=np.float32)
    b = np.array([1.0, 1.0, 1.0, 100.5, 1e-9, 0.0, inf, inf, 1e30, nan, 1.0, 2.6], dtype=np.float32)
    _same_result(nerve.isclose(nerve.tensor(a), nerve.tensor(b), **kw), torch.isclose(tt(a), tt(b), **kw))
    _same_result(nerve.tensor(a).isclose(nerve.tensor(b), **kw), tt(a).isclose(tt(b), **kw))
    for x, y in ((a, b), (a[:6], b[:6]), (a[9:10], b[9:10])):
        got = nerve.allclose(nerve.tensor(x), nerve.tensor(y), **kw)
        assert type(got) is bool and got == torch.allclose(tt(x), tt(y), **kw)
        assert nerve.tensor(x).allclose(nerve.tensor(y), **kw) == got


def test_isclose_integers_bools_broadcasting_and_scalars():
    need_torch()
    i, j = np.array([1, 2, 100, -5]), np.array([1, 3, 101, -5])
    for kw in ({}, {"rtol": 0.01}, {"atol": 1}):
        _same_result(nerve.isclose(nerve.tensor(i), nerve.tensor(j), **kw), torch.isclose(tt(i), tt(j), **kw))
    bt, bf = np.array([True, False, True]), np.array([True, True, False])
    _same_result(nerve.isclose(nerve.tensor(bt), nerve.tensor(bf)), torch.isclose(tt(bt), tt(bf)))
    a, b = np.array([1.0, 2.0], dtype=np.float32), np.ones((3, 1), dtype=np.float32)
    _same_result(nerve.isclose(nerve.tensor(a), nerve.tensor(b)), torch.isclose(tt(a), tt(b)))
    assert nerve.allclose(nerve.tensor(a), nerve.tensor(1.0)) is torch.allclose(tt(a), torch.tensor(1.0))
    np.testing.assert_array_equal(nerve.isclose(nerve.tensor(a), 2.0).numpy(), [False, True])


def test_isclose_errors_like_torch():
    f, d = nerve.tensor([1.0]), nerve.tensor([1.0], dtype=nerve.float64)
    with pytest.raises(RuntimeError, match="Float did not match Double"):
        nerve.isclose(f, d)
    with pytest.raises(RuntimeError, match="rtol must be greater than or equal to zero, but got -1"):
        nerve.isclose(f, f, rtol=-1)
    with pytest.raises(RuntimeError, match="atol must be greater than or equal to zero"):
        nerve.allclose(f, f, atol=-0.5)
    with pytest.raises(RuntimeError, match=r"isclose.*\(3,\).*\(2,\)"):
        nerve.isclose(nerve.ones(3), nerve.ones(2))


def test_isreal_and_signbit():
    x = nerve.tensor([-0.0, 0.0, -1.0, nan, -inf])
    np.testing.assert_array_equal(nerve.signbit(x).numpy(), [True, False, True, False, True])
    np.testing.assert_array_equal(x.isreal().numpy(), [True] * 5)
    assert nerve.isreal(nerve.tensor(3)).shape == ()


# ---------------------------------------------------------------- bitwise
BIT_OPS = ["bitwise_and", "bitwise_or", "bitwise_xor"]


@pytest.mark.parametrize("pair", [("int64", "int64"), ("int32", "int64"), ("uint8", "int8"), ("int16", "int16"),
                                  ("bool", "bool"), ("bool", "int32"), ("uint8", "uint8")])
@pytest.mark.parametrize("name", BIT_OPS)
def test_bitwise_vs_torch(name, pair):
    need_torch()
    rng = np.random.default_rng(2)
    if pair[0] == "bool":
        a = rng.random(12) > 0.5
    else:
        a = rng.integers(0 if pair[0] == "uint8" else -100, 100, 12).astype(pair[0])
    b = rng.random(12) > 0.5 if pair[1] == "bool" else rng.integers(0, 100, 12).astype(pair[1])
    _same_result(getattr(nerve, name)(nerve.tensor(a), nerve.tensor(b)), getattr(torch, name)(tt(a), tt(b)))
    _same_result(getattr(nerve.tensor(a), name)(nerve.tensor(b)), getattr(tt(a), name)(tt(b)))
    for s in (3, True):
        _same_result(getattr(nerve, name)(nerve.tensor(a), s), getattr(torch, name)(tt(a), s))
        _same_result(getattr(nerve, name)(s, nerve.tensor(a)), getattr(torch, name)(s, tt(a)))


@pytest.mark.parametrize("dtype", ["int64", "int32", "int16", "int8", "uint8"])
def test_shifts_vs_torch(dtype):
    need_torch()
    bits = np.dtype(dtype).itemsize * 8
    lo = 0 if dtype == "uint8" else -50
    a = np.arange(lo, lo + 2 * (bits + 3)).astype(dtype)
    s = np.tile(np.arange(bits + 3), 2)[: len(a)].astype(dtype)
    for name in ("bitwise_left_shift", "bitwise_right_shift"):
        _same_result(getattr(nerve, name)(nerve.tensor(a), nerve.tensor(s)), getattr(torch, name)(tt(a), tt(s)))
        _same_result(getattr(nerve, name)(nerve.tensor(a), 3), getattr(torch, name)(tt(a), 3))
    _same_result(nerve.tensor(a) << 2, tt(a) << 2)
    _same_result(nerve.tensor(a) >> nerve.tensor(s), tt(a) >> tt(s))
    if dtype != "uint8":   # negative shift counts: 0 (or -1 for negative values shifted right), as PyTorch
        neg = np.full(len(a), -1, dtype=dtype)
        _same_result(nerve.tensor(a) << nerve.tensor(neg), tt(a) << tt(neg))
        _same_result(nerve.tensor(a) >> nerve.tensor(neg), tt(a) >> tt(neg))


def test_bitwise_operators_vs_torch():
    need_torch()
    a, b = np.array([12, -7, 0, 255, 3]), np.array([10, 3, -1, 15, 3])
    na, nb, ta, tb = nerve.tensor(a), nerve.tensor(b), tt(a), tt(b)
    for f in (lambda x, y: x & y, lambda x, y: x | y, lambda x, y: x ^ y, lambda x, y: ~x,
              lambda x, y: 6 & x, lambda x, y: 6 | x, lambda x, y: 6 ^ x, lambda x, y: 1 << abs(y),
              lambda x, y: 1024 >> abs(y), lambda x, y: x << 1, lambda x, y: (x > 0) & (y > 0), lambda x, y: ~(x > 0),
              lambda x, y: (x > 0) | True, lambda x, y: (x > 0) ^ (y > 0)):
        _same_result(f(na, nb), f(ta, tb))
    _same_result(nerve.bitwise_not(na), torch.bitwise_not(ta))
    _same_result(na.bitwise_not(), ta.bitwise_not())


@pytest.mark.parametrize("call, kernel", [
    (lambda: nerve.bitwise_and(nerve.tensor([1.0]), nerve.tensor([1.0])),
     "bitwise_and_cpu\" not implemented for 'Float'"),
    (lambda: nerve.bitwise_or(nerve.tensor([1]), 1.5), "bitwise_or_cpu\" not implemented for 'Float'"),
    (lambda: nerve.bitwise_xor(nerve.tensor([1]), nerve.tensor([1.0], dtype=nerve.float64)), "'Double'"),
    (lambda: nerve.bitwise_not(nerve.tensor([1.0])), "bitwise_not_cpu\" not implemented for 'Float'"),
    (lambda: nerve.tensor([1.0]) & nerve.tensor([1.0]), "bitwise_and_cpu"),
    (lambda: nerve.bitwise_left_shift(nerve.tensor([1.0]), 1), "lshift_cpu\" not implemented for 'Float'"),
    (lambda: nerve.bitwise_right_shift(nerve.tensor([True]), True), "rshift_cpu\" not implemented for 'Bool'"),
])
def test_bitwise_on_floats_raises_like_torch(call, kernel):
    with pytest.raises(RuntimeError, match=kernel) as info:
        call()
    assert isinstance(info.value, NotImplementedError)   # PyTorch's class (a RuntimeError subclass)


def test_invert_operator_on_floats_raises_a_type_error_like_torch():
    with pytest.raises(TypeError, match="only implemented on integer and Boolean-type tensors"):
        ~nerve.tensor([1.0])


def test_bitwise_broadcasting_error_names_the_op_and_shapes():
    with pytest.raises(RuntimeError, match=r"bitwise_and.*\(3,\).*\(2,\)"):
        nerve.bitwise_and(nerve.tensor([1, 2, 3]), nerve.tensor([1, 2]))


# ------------------------------------------------------------- other errors
def test_dtype_errors_like_torch():
    f, d = nerve.tensor([1.0, 2.0]), nerve.tensor([1.0, 2.0], dtype=nerve.float64)
    with pytest.raises(RuntimeError, match="expected dtype float for `end` but got dtype double"):
        nerve.lerp(f, d, 0.5)
    with pytest.raises(RuntimeError, match="expected dtype float for `weight` but got dtype double"):
        nerve.lerp(f, f, d)
    with pytest.raises(NotImplementedError, match="lerp_kernel_scalar.*'Long'"):
        nerve.lerp(nerve.tensor([1, 2]), nerve.tensor([3, 4]), 0.5)
    with pytest.raises(NotImplementedError, match="hypot_cpu.*'Long'"):
        nerve.hypot(nerve.tensor([3]), nerve.tensor([4]))
    with pytest.raises(NotImplementedError, match="frac_cpu.*'Long'"):
        nerve.frac(nerve.tensor([3]))
    with pytest.raises(NotImplementedError, match="floor_vml_cpu.*'Bool'"):
        nerve.floor(nerve.tensor([True]))
    with pytest.raises(RuntimeError, match="The `\\+` operator, on a bool tensor is not supported"):
        nerve.positive(nerve.tensor([True]))


def test_float_op_broadcasting_error_names_the_op():
    with pytest.raises(RuntimeError, match=r"Atan2.*\(3,\).*\(2,\)"):
        nerve.atan2(nerve.ones(3), nerve.ones(2))


# ------------------------------------------------------------ names, methods
def test_names_and_methods_exist_in_torch_and_agree():
    need_torch()
    for name in pointwise.__all__:
        assert hasattr(torch, name), f"nerve.{name} has no PyTorch counterpart"
        assert getattr(nerve, name) is getattr(pointwise, name), f"nerve.{name} is not the pointwise one"
    for name in pointwise.TENSOR_METHODS:
        assert hasattr(torch.Tensor, name), f"Tensor.{name} has no PyTorch counterpart"
    x = nerve.tensor([0.3, -0.6, 0.9])
    for name in ("sin", "log1p", "atanh", "floor", "sign", "sinc", "isnan", "nan_to_num", "frac", "expm1"):
        np.testing.assert_array_equal(getattr(x, name)().numpy(), getattr(nerve, name)(x).numpy())


def test_positive_returns_its_input():
    x = nerve.tensor([1.0, -2.0], requires_grad=True)
    assert nerve.positive(x) is x and x.positive() is x


def test_lerp_weight_tensor_vs_scalar_and_ends():
    a, b = nerve.tensor([1.0, -2.0, 5.0]), nerve.tensor([3.0, 4.0, -1.0])
    for w in (0.0, 0.25, 0.5, 1.0):
        np.testing.assert_array_equal(nerve.lerp(a, b, w).numpy(), nerve.lerp(a, b, nerve.full((3,), w)).numpy())
    np.testing.assert_array_equal(nerve.lerp(a, b, 1.0).numpy(), b.numpy())   # exact at the end
    np.testing.assert_array_equal(nerve.lerp(a, b, 0).numpy(), a.numpy())
