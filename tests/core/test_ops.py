"""Every differentiable op, one declarative entry each (see optest.py for what each entry runs).

Shapes cover broadcasting pairs, scalars (), zero-size tensors and 1-D inputs;
value domains keep gradchecks away from kinks and ties, and separate
``*_ties`` / ``*_at_zero`` entries check those points against PyTorch only.
"""
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
from optest import (  # noqa: E402
    table_tests, Op, cases,
)
from optest import torch  # noqa: E402  (None when PyTorch is missing: lambdas only run when it is present)

import nerve  # noqa: E402
from nerve import ops  # noqa: E402

inf = float("inf")


def F():
    return torch.nn.functional


def nt(a):
    """A constant nerve tensor from NumPy data (indices, masks)."""
    return nerve.tensor(np.asarray(a))


def tt(a):
    return torch.tensor(np.asarray(a))


def _away(*points, gap=0.02):
    """Normal values kept ``gap`` away from ``points`` (kinks such as clamp bounds)."""
    def dom(rng, shape):
        x = rng.standard_normal(shape)
        for p in points:
            close = np.abs(x - p) < gap
            x = np.where(close, p + np.where(x >= p, gap, -gap) * 2, x)
        return x
    return dom


def _uniform(lo, hi):
    return lambda rng, shape: rng.uniform(lo, hi, shape)


BIN = [((3, 4), (3, 4)), ((3, 1, 4), (2, 4)), ((), (3,)), ((2, 3), ()), ((0, 3), (3,)), ((5,), (5,))]
UN = [(3, 4), (), (0, 3), (5,)]

# ------------------------------------------------------------- elementwise
ELEMENTWISE = [
    Op("add", lambda a, b: a + b, lambda a, b: a + b, BIN, ref=np.add, gradgrad=True),
    Op("sub", lambda a, b: a - b, lambda a, b: a - b, BIN, ref=np.subtract),
    Op("mul", lambda a, b: a * b, lambda a, b: a * b, BIN, ref=np.multiply, gradgrad=True),
    Op("div", lambda a, b: a / b, lambda a, b: a / b, BIN, domain=["real", "nonzero"], ref=np.divide, gradgrad=True),
    Op("pow_tensor_tensor", lambda a, b: a ** b, lambda a, b: a ** b, BIN, domain=["positive", "real"],
       ref=np.power, gradgrad=True),
    Op("pow_fn", lambda a, b: nerve.pow(a, b), lambda a, b: torch.pow(a, b), [((2, 3), (3,))],
       domain=["positive", "real"]),
    Op("pow_at_zero_base", lambda a, b: a ** b, lambda a, b: a ** b,
       values=[[0.0, 0.0, 2.0, 0.0], [2.0, 0.0, 1.5, 0.5]], gradcheck=False,   # 0 ** -0.5 = inf, as in PyTorch
       marks=[pytest.mark.filterwarnings("ignore:divide by zero"), pytest.mark.filterwarnings("ignore:invalid value")]),
    Op("add_fn", lambda a, b: nerve.add(a, b), lambda a, b: torch.add(a, b), [((2, 3), (3,))]),
    Op("sub_fn", lambda a, b: nerve.sub(a, b), lambda a, b: torch.sub(a, b), [((2, 3), (3,))]),
    Op("mul_fn", lambda a, b: nerve.mul(a, b), lambda a, b: torch.mul(a, b), [((2, 3), (3,))]),
    Op("div_fn", lambda a, b: nerve.div(a, b), lambda a, b: torch.div(a, b), [((2, 3), (3,))],
       domain=["real", "nonzero"]),
    Op("add_alpha", lambda a, b: a.add(b, alpha=2.0), lambda a, b: a.add(b, alpha=2.0), [((2, 3), (3,))]),
    Op("sub_alpha", lambda a, b: a.sub(b, alpha=0.5), lambda a, b: a.sub(b, alpha=0.5), [((2, 3), (3,))]),
    # only one side differentiable
    Op("add_one_grad", lambda a, b: a + b, lambda a, b: a + b, [((3, 4), (4,))], grad=[True, False]),
    Op("mul_one_grad", lambda a, b: a * b, lambda a, b: a * b, [((3, 1), (3, 4))], grad=[False, True]),
    Op("div_one_grad", lambda a, b: a / b, lambda a, b: a / b, [((3, 4), (4,))], domain=["real", "nonzero"],
       grad=[False, True]),
    # the same tensor on both sides: gradients from both uses must add up
    Op("mul_self", lambda a: a * a, lambda a: a * a, UN, gradgrad=True),
    Op("add_self_bcast", lambda a: a + a.sum(0), lambda a: a + a.sum(0), [(3, 4)]),
    # Python scalars on either side
    Op("add_scalar", lambda x: x + 2, lambda x: x + 2, UN),
    Op("radd_scalar", lambda x: 2.5 + x, lambda x: 2.5 + x, UN),
    Op("rsub_scalar", lambda x: 2 - x, lambda x: 2 - x, UN),
    Op("sub_scalar", lambda x: x - 0.5, lambda x: x - 0.5, UN),
    Op("mul_scalar", lambda x: x * 3.5, lambda x: x * 3.5, UN),
    Op("rmul_scalar", lambda x: -2 * x, lambda x: -2 * x, UN),
    Op("div_scalar", lambda x: x / 4, lambda x: x / 4, UN),
    Op("rdiv_scalar", lambda x: 1.5 / x, lambda x: 1.5 / x, UN, domain="nonzero", gradgrad=True),
    Op("pow_2", lambda x: x ** 2, lambda x: x ** 2, UN, gradgrad=True),
    Op("pow_3", lambda x: x ** 3, lambda x: x ** 3, UN, gradgrad=True),
    Op("pow_half", lambda x: x ** 0.5, lambda x: x ** 0.5, UN, domain="positive"),
    Op("pow_neg", lambda x: x ** -1.5, lambda x: x ** -1.5, UN, domain="positive", gradgrad=True),
    Op("pow_0", lambda x: x ** 0, lambda x: x ** 0, UN),
    Op("pow_1", lambda x: x ** 1, lambda x: x ** 1, UN),
    Op("pow_0_at_zero", lambda x: x ** 0, lambda x: x ** 0, values=[[0.0, 1.0, -2.0]]),
    Op("pow_2_at_zero", lambda x: x ** 2, lambda x: x ** 2, values=[[0.0, 1.0, -2.0]], gradgrad=True),
    Op("pow_int_negative_base", lambda x: x ** 3, lambda x: x ** 3, values=[[-1.5, -0.5, 2.0]]),
    Op("rpow", lambda x: 2.0 ** x, lambda x: 2.0 ** x, UN, gradgrad=True),
    Op("rpow_int", lambda x: 3 ** x, lambda x: 3 ** x, UN),
    Op("rpow_frac", lambda x: 0.5 ** x, lambda x: 0.5 ** x, UN),
    Op("rpow_zero_base", lambda x: 0.0 ** x, lambda x: 0.0 ** x, values=[[0.5, 1.0, 2.0]]),
    # unary
    Op("neg", lambda x: -x, lambda x: -x, UN, ref=np.negative),
    Op("neg_fn", lambda x: nerve.neg(x), lambda x: torch.neg(x), [(3, 4)]),
    Op("exp", lambda x: x.exp(), lambda x: x.exp(), UN, ref=np.exp, gradgrad=True),
    Op("exp_fn", lambda x: nerve.exp(x), lambda x: torch.exp(x), [(2, 3)]),
    Op("log", lambda x: x.log(), lambda x: x.log(), UN, domain="positive", ref=np.log, gradgrad=True),
    Op("log_fn", lambda x: nerve.log(x), lambda x: torch.log(x), [(2, 3)], domain="positive"),
    Op("log1p", lambda x: x.log1p(), lambda x: x.log1p(), UN, domain=_uniform(-0.5, 2.0), gradgrad=True),
    Op("sqrt", lambda x: x.sqrt(), lambda x: x.sqrt(), UN, domain="positive", ref=np.sqrt, gradgrad=True),
    Op("rsqrt", lambda x: x.rsqrt(), lambda x: x.rsqrt(), UN, domain="positive", gradgrad=True),
    Op("abs", lambda x: abs(x), lambda x: abs(x), UN, domain="nonzero", ref=np.abs, gradgrad=True),
    Op("abs_fn", lambda x: nerve.abs(x), lambda x: torch.abs(x), [(2, 3)], domain="nonzero"),
    Op("abs_at_zero", lambda x: x.abs(), lambda x: x.abs(), values=[[-1.0, 0.0, 2.0]], gradcheck=False),
    Op("sin", lambda x: x.sin(), lambda x: x.sin(), UN, ref=np.sin, gradgrad=True),
    Op("cos", lambda x: x.cos(), lambda x: x.cos(), UN, ref=np.cos, gradgrad=True),
    Op("tanh", lambda x: x.tanh(), lambda x: x.tanh(), UN, ref=np.tanh, gradgrad=True),
    Op("sigmoid", lambda x: x.sigmoid(), lambda x: x.sigmoid(), UN, gradgrad=True),
    Op("sigmoid_fn", lambda x: nerve.sigmoid(x), lambda x: torch.sigmoid(x), [(2, 3)]),
    # the tails: nerve computes 0.5 * (1 + tanh(x / 2)) (one fast transcendental), exact to an absolute
    # 6e-8 in float32 but not to relative precision below x = -9 (sigmoid(-20) rounds to 0): compared
    # with atol; losses should take logits (as PyTorch's *_with_logits do) rather than log(sigmoid(x)).
    Op("sigmoid_tails", lambda x: x.sigmoid(), lambda x: x.sigmoid(),
       values=[[-100.0, -30.0, -20.0, -8.0, 0.0, 8.0, 20.0, 30.0, 100.0]]),
    Op("relu", lambda x: x.relu(), lambda x: x.relu(), UN, domain="nonzero", gradgrad=True),
    Op("relu_fn", lambda x: nerve.relu(x), lambda x: torch.relu(x), [(2, 3)], domain="nonzero"),
    Op("relu_at_zero", lambda x: x.relu(), lambda x: x.relu(), values=[[-1.0, 0.0, 2.0]], gradcheck=False),
    Op("erf", lambda x: x.erf(), lambda x: x.erf(), UN, gradgrad=True),
    Op("erf_wide", lambda x: nerve.erf(x), lambda x: torch.erf(x), values=[[-6.0, -2.0, -0.3, 0.0, 0.3, 2.0, 6.0]]),
    Op("square", lambda x: x.square(), lambda x: x.square(), UN),
    Op("square_fn", lambda x: nerve.square(x), lambda x: torch.square(x), [(2, 3)]),
    Op("reciprocal", lambda x: x.reciprocal(), lambda x: x.reciprocal(), UN, domain="nonzero"),
    # clamp with number bounds (values kept away from the bounds, then exactly on them)
    Op("clamp", lambda x: x.clamp(-0.5, 0.5), lambda x: x.clamp(-0.5, 0.5), UN, domain=_away(-0.5, 0.5),
       gradgrad=True),
    Op("clamp_min", lambda x: nerve.clamp(x, min=0.1), lambda x: torch.clamp(x, min=0.1), UN,
       domain=_away(0.1)),
    Op("clamp_max", lambda x: x.clip(max=-0.2), lambda x: x.clip(max=-0.2), UN, domain=_away(-0.2)),
    Op("clamp_at_bounds", lambda x: x.clamp(-0.5, 0.5), lambda x: x.clamp(-0.5, 0.5),
       values=[[-1.0, -0.5, 0.0, 0.5, 1.0]], gradcheck=False),
    # clamp with tensor bounds (gradients also flow to the bounds)
    Op("clamp_tensor", lambda x, lo, hi: nerve.clamp(x, lo, hi), lambda x, lo, hi: torch.clamp(x, lo, hi),
       [((3, 4), (4,), (3, 1))], domain=["real", _uniform(-1.5, -0.3), _uniform(0.3, 1.5)]),
    Op("clamp_tensor_min", lambda x, lo: nerve.clamp(x, min=lo), lambda x, lo: torch.clamp(x, min=lo),
       [((3, 4), (4,))], domain=["distinct", _uniform(-0.47, 0.47)]),
    Op("clamp_tensor_ties", lambda x, lo, hi: x.clamp(lo, hi), lambda x, lo, hi: x.clamp(lo, hi),
       values=[[0.0, 1.0, 2.0, -1.0, 3.0], [0.0] * 5, [2.0] * 5], gradcheck=False),
    # maximum / minimum: distinct values; ties split the gradient (PyTorch's rule)
    Op("maximum", lambda a, b: nerve.maximum(a, b), lambda a, b: torch.maximum(a, b), BIN[:5], domain="distinct",
       ref=np.maximum, gradgrad=True),
    Op("minimum", lambda a, b: a.minimum(b), lambda a, b: a.minimum(b), BIN[:5], domain="distinct", ref=np.minimum),
    Op("max_binary", lambda a, b: nerve.max(a, b), lambda a, b: torch.max(a, b), [((2, 3), (3,))],
       domain="distinct"),
    Op("min_binary", lambda a, b: nerve.min(a, b), lambda a, b: torch.min(a, b), [((2, 3), (3,))],
       domain="distinct"),
    Op("maximum_ties", lambda a, b: nerve.maximum(a, b), lambda a, b: torch.maximum(a, b),
       values=[[[1.0, 2.0, 3.0], [0.0, 5.0, 5.0]], [1.0, 0.0, 5.0]], gradcheck=False),
    Op("minimum_ties", lambda a, b: nerve.minimum(a, b), lambda a, b: torch.minimum(a, b),
       values=[[[1.0, 2.0, 3.0], [0.0, 5.0, 5.0]], [1.0, 0.0, 5.0]], gradcheck=False),
    # where (constant condition broadcasting against both branches)
    Op("where", lambda a, b: nerve.where(nt([[True], [False], [True]]), a, b),
       lambda a, b: torch.where(tt([[True], [False], [True]]), a, b),
       [((3, 4), (4,)), ((3, 4), (3, 4)), ((1, 4), ())], gradgrad=True),
    Op("where_scalar_other", lambda a: nerve.where(np.array([True, False, True, False]), a, 0.0),
       lambda a: torch.where(tt([True, False, True, False]), a, 0.0), [(3, 4), (4,)]),
    Op("where_method", lambda a, b: a.where(nt([True, False, True]), b),
       lambda a, b: a.where(tt([True, False, True]), b), [((2, 3), (2, 3))]),
    Op("where_self_comparison", lambda a: nerve.where(a > 0, a, a * 0.1),
       lambda a: torch.where(a > 0, a, a * 0.1), UN, domain="nonzero"),
]

# -------------------------------------------------------------------- linalg
MATMUL_SHAPES = [((4,), (4,)), ((4,), (4, 3)), ((3, 4), (4,)), ((3, 4), (4, 2)), ((2, 1, 3, 4), (5, 4, 2)),
                 ((2, 3, 4), (4, 5)), ((4,), (2, 4, 3)), ((2, 3, 4), (4,)), ((2, 3, 4), (2, 4, 5)),
                 ((3, 4), (2, 4, 2)), ((0, 4), (4, 3)), ((3, 0), (0, 2))]
LINALG = [
    Op("matmul", lambda a, b: a @ b, lambda a, b: a @ b, MATMUL_SHAPES, ref=np.matmul, gradgrad=True),
    Op("matmul_fn", lambda a, b: nerve.matmul(a, b), lambda a, b: torch.matmul(a, b), [((3, 4), (4, 2))]),
    Op("matmul_method", lambda a, b: a.matmul(b), lambda a, b: a.matmul(b), [((2, 3, 4), (4, 2))]),
    Op("matmul_b_only", lambda a, b: a @ b, lambda a, b: a @ b, [((2, 3, 4), (4, 2)), ((3, 4), (4, 2))],
       grad=[False, True]),
    Op("matmul_a_only", lambda a, b: a @ b, lambda a, b: a @ b, [((2, 3, 4), (4, 2))], grad=[True, False]),
    Op("matmul_self", lambda a: a @ a.T, lambda a: a @ a.T, [(3, 4)], gradgrad=True),
    Op("linear", lambda x, w, b: ops.linear(x, w, b), lambda x, w, b: F().linear(x, w, b),
       [((3, 4), (5, 4), (5,)), ((2, 3, 4), (5, 4), (5,)), ((4,), (5, 4), (5,)), ((0, 4), (5, 4), (5,))],
       gradgrad=True),
    Op("linear_no_bias", lambda x, w: ops.linear(x, w), lambda x, w: F().linear(x, w),
       [((3, 4), (5, 4)), ((2, 3, 4), (2, 4))], gradgrad=True),
    Op("linear_input_constant", lambda x, w, b: ops.linear(x, w, b), lambda x, w, b: F().linear(x, w, b),
       [((3, 4), (2, 4), (2,))], grad=[False, True, True]),
    Op("linear_weight_constant", lambda x, w, b: ops.linear(x, w, b), lambda x, w, b: F().linear(x, w, b),
       [((2, 3, 4), (2, 4), (2,))], grad=[True, False, False]),
]

# ---------------------------------------------------------------- reductions
R3 = (2, 3, 4)
TIES = [[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]]
REDUCE = [
    Op("sum_all", lambda x: x.sum(), lambda x: x.sum(), [R3, (), (0, 3), (5,)], ref=np.sum, gradgrad=True),
    Op("sum_dim", lambda x: x.sum(1), lambda x: x.sum(1), [R3, (0, 3), (3, 0)]),
    Op("sum_neg_dim_keepdim", lambda x: x.sum(-1, keepdim=True), lambda x: x.sum(-1, keepdim=True), [R3, (4,)]),
    Op("sum_dims", lambda x: nerve.sum(x, dim=(0, 2)), lambda x: torch.sum(x, dim=(0, 2)), [R3]),
    Op("sum_dims_keepdim", lambda x: x.sum((2, 0), keepdim=True), lambda x: x.sum((2, 0), keepdim=True), [R3]),
    Op("sum_scalar_dim0", lambda x: x.sum(0), lambda x: x.sum(0), [()]),
    Op("mean_all", lambda x: x.mean(), lambda x: x.mean(), [R3, (), (5,)], ref=np.mean, gradgrad=True),
    Op("mean_dim", lambda x: x.mean(1), lambda x: x.mean(1), [R3, (0, 3)]),
    Op("mean_dims_keepdim", lambda x: nerve.mean(x, (0, -1), keepdim=True),
       lambda x: torch.mean(x, (0, -1), keepdim=True), [R3]),
    Op("prod_all", lambda x: x.prod(), lambda x: x.prod(), [(2, 3), (), (0,)], domain=_uniform(0.5, 1.5),
       gradgrad=True),
    Op("prod_dim", lambda x: x.prod(1), lambda x: x.prod(1), [R3], domain="nonzero", gradgrad=True),
    Op("prod_keepdim", lambda x: nerve.prod(x, -1, keepdim=True), lambda x: torch.prod(x, -1, keepdim=True), [R3],
       domain="nonzero"),
    # zeros: one zero (gradient = product of the others), two zeros (0), none; also second order
    Op("prod_with_zeros", lambda x: x.prod(1), lambda x: x.prod(1),
       values=[[[1.0, 0.0, 2.0], [0.0, 0.0, 3.0], [1.5, 2.0, -1.0]]], gradgrad=True),
    Op("prod_all_with_zero", lambda x: x.prod(), lambda x: x.prod(), values=[[1.0, 0.0, 2.0, -3.0]],
       gradgrad=True),
    # PyTorch's prod takes one dim: no oracle for dim tuples (gradchecks only)
    Op("prod_dims_tuple", lambda x: nerve.prod(x, (0, 2)), None, [R3], domain="nonzero", gradgrad=True),
    Op("prod_dims_tuple_with_zero", lambda x: nerve.prod(x, (0, 2), keepdim=True), None,
       values=[[[[1.0, 0.0], [2.0, 3.0]], [[0.5, 2.0], [0.0, 1.5]], [[1.0, 1.0], [0.0, 2.0]]]], gradgrad=True),
    Op("prod_twice_with_zero", lambda x: x.prod(0).prod(-1),
       lambda x: x.prod(0).prod(-1), values=[[[[1.0, 0.0], [2.0, 3.0]], [[0.5, 2.0], [0.0, 1.5]]]], gradgrad=True),
    Op("amax_all", lambda x: x.amax(), lambda x: x.amax(), [R3, ()], domain="distinct", ref=np.amax, gradgrad=True),
    Op("amax_dims", lambda x: nerve.amax(x, (0, 2)), lambda x: torch.amax(x, (0, 2)), [R3], domain="distinct"),
    Op("amax_keepdim", lambda x: x.amax(-1, keepdim=True), lambda x: x.amax(-1, keepdim=True), [R3, (0, 3)],
       domain="distinct"),
    Op("amin_dims", lambda x: nerve.amin(x, (1, 2)), lambda x: torch.amin(x, (1, 2)), [R3], domain="distinct"),
    Op("amin_all", lambda x: x.amin(), lambda x: x.amin(), [R3], domain="distinct"),
    Op("amax_ties", lambda x: x.amax(1), lambda x: x.amax(1), values=[TIES], gradcheck=False),
    Op("amin_ties_all", lambda x: x.amin(), lambda x: x.amin(), values=[TIES], gradcheck=False),
    Op("max_all", lambda x: x.max(), lambda x: x.max(), [R3, ()], domain="distinct"),
    Op("min_all", lambda x: nerve.min(x), lambda x: torch.min(x), [R3], domain="distinct"),
    Op("max_all_ties", lambda x: x.max(), lambda x: x.max(), values=[TIES], gradcheck=False),
    Op("max_dim", lambda x: x.max(1), lambda x: tuple(x.max(1)), [R3, (3, 4)], domain="distinct"),
    Op("max_dim_keepdim", lambda x: nerve.max(x, -1, keepdim=True), lambda x: tuple(torch.max(x, -1, keepdim=True)),
       [R3], domain="distinct"),
    Op("min_dim", lambda x: x.min(0), lambda x: tuple(x.min(0)), [R3, (5,)], domain="distinct"),
    Op("max_dim_ties", lambda x: x.max(1), lambda x: tuple(x.max(1)), values=[TIES], gradcheck=False),
    Op("min_dim_ties", lambda x: x.min(1), lambda x: tuple(x.min(1)), values=[TIES], gradcheck=False),
    Op("max_dim_namedtuple", lambda x: x.max(1).values + x.max(dim=1)[0],
       lambda x: x.max(1).values + x.max(dim=1)[0], [(3, 4)], domain="distinct"),
    Op("var_all", lambda x: x.var(), lambda x: x.var(), [R3, (5,)], gradgrad=True),
    Op("var_dim", lambda x: x.var(1), lambda x: x.var(1), [R3]),
    Op("var_correction0", lambda x: x.var(1, correction=0), lambda x: x.var(1, correction=0), [R3]),
    Op("var_unbiased_false", lambda x: nerve.var(x, (0, 2), unbiased=False),
       lambda x: torch.var(x, (0, 2), unbiased=False), [R3]),
    Op("var_dims_keepdim", lambda x: x.var((0, 2), keepdim=True), lambda x: x.var((0, 2), keepdim=True), [R3]),
    Op("var_single_element", lambda x: x.var(correction=0), lambda x: x.var(correction=0), [(1,)]),
    Op("std_all", lambda x: x.std(), lambda x: x.std(), [R3], gradgrad=True),
    Op("std_dim_correction0", lambda x: x.std(-1, correction=0), lambda x: x.std(-1, correction=0), [R3]),
    Op("std_dims_keepdim", lambda x: nerve.std(x, (0, 1), keepdim=True), lambda x: torch.std(x, (0, 1), keepdim=True),
       [R3]),
    Op("var_mean", lambda x: nerve.var_mean(x, 1), lambda x: torch.var_mean(x, 1), [R3]),
    Op("logsumexp", lambda x: x.logsumexp(1), lambda x: x.logsumexp(1), [R3, (3, 4)], gradgrad=True),
    Op("logsumexp_dims_keepdim", lambda x: nerve.logsumexp(x, (0, 2), keepdim=True),
       lambda x: torch.logsumexp(x, (0, 2), keepdim=True), [R3]),
    Op("logsumexp_1d", lambda x: x.logsumexp(0), lambda x: x.logsumexp(0), [(5,)]),
    Op("logsumexp_large", lambda x: (x * 100).logsumexp(-1), lambda x: (x * 100).logsumexp(-1), [(3, 4)],
       rtol=1e-5, atol=1e-4),  # values ~100: atol scaled with them
    Op("logsumexp_neg_inf", lambda x: x.logsumexp(1), lambda x: x.logsumexp(1),
       values=[[[0.0, -inf, 1.0], [2.0, -inf, -inf]]]),
    Op("softmax", lambda x: x.softmax(-1), lambda x: x.softmax(-1), [R3, (5,), (3, 4)], gradgrad=True),
    Op("softmax_dim0", lambda x: nerve.softmax(x, 0), lambda x: torch.softmax(x, 0), [R3, (3, 4)]),
    Op("softmax_dim1", lambda x: nerve.softmax(x, dim=1), lambda x: torch.softmax(x, dim=1), [R3]),
    Op("softmax_empty_dim", lambda x: x.softmax(1), lambda x: x.softmax(1), [(2, 0), (0, 3)]),
    Op("log_softmax_empty_dim", lambda x: x.log_softmax(1), lambda x: x.log_softmax(1), [(2, 0), (0, 3)]),
    Op("softmax_large", lambda x: (x * 100).softmax(-1), lambda x: (x * 100).softmax(-1), [(3, 4)],
       domain="distinct"),
    Op("log_softmax", lambda x: x.log_softmax(-1), lambda x: x.log_softmax(-1), [R3, (5,)], gradgrad=True),
    Op("log_softmax_dim0", lambda x: nerve.log_softmax(x, 0), lambda x: torch.log_softmax(x, 0), [R3]),
    Op("log_softmax_dim1", lambda x: nerve.log_softmax(x, 1), lambda x: torch.log_softmax(x, 1), [(3, 4)]),
    Op("log_softmax_large", lambda x: (x * 1000).log_softmax(1), lambda x: (x * 1000).log_softmax(1), [(3, 4)],
       rtol=1e-5, atol=1e-3),  # values ~1000: float32 spacing there is 6e-5
    Op("cumsum", lambda x: x.cumsum(1), lambda x: x.cumsum(1), [R3, (3, 4)], ref=lambda x: np.cumsum(x, 1), gradgrad=True),
    Op("cumsum_neg_dim", lambda x: nerve.cumsum(x, -1), lambda x: torch.cumsum(x, -1), [R3, (5,), (0, 3)]),
    Op("cumsum_dim0", lambda x: x.cumsum(0), lambda x: x.cumsum(0), [(5,), (4, 2)]),
]

# ---------------------------------------------------------------------- shape
SHAPE = [
    Op("reshape", lambda x: x.reshape(4, 6), lambda x: x.reshape(4, 6), [R3], gradgrad=True),
    Op("reshape_infer", lambda x: x.reshape(-1), lambda x: x.reshape(-1), [R3, (), (0, 3)]),
    Op("reshape_tuple", lambda x: nerve.reshape(x, (3, -1)), lambda x: torch.reshape(x, (3, -1)), [R3, (0, 3)]),
    Op("reshape_scalar", lambda x: x.reshape(1, 1), lambda x: x.reshape(1, 1), [()]),
    Op("reshape_same", lambda x: x.reshape(2, 3, 4) * 2, lambda x: x.reshape(2, 3, 4) * 2, [R3]),
    Op("view", lambda x: x.view(6, 4), lambda x: x.view(6, 4), [R3]),
    Op("view_as", lambda x: x.view_as(nerve.zeros(4, 6)), lambda x: x.view_as(torch.zeros(4, 6)), [R3]),
    Op("flatten", lambda x: x.flatten(), lambda x: x.flatten(), [R3, (), (0, 3)]),
    Op("flatten_start", lambda x: x.flatten(1), lambda x: x.flatten(1), [R3]),
    Op("flatten_range", lambda x: nerve.flatten(x, 0, 1), lambda x: torch.flatten(x, 0, 1), [R3]),
    Op("unflatten", lambda x: x.unflatten(1, (3, 1)), lambda x: x.unflatten(1, (3, 1)), [R3]),
    Op("unflatten_infer", lambda x: x.unflatten(-1, (2, -1)), lambda x: x.unflatten(-1, (2, -1)), [R3]),
    Op("squeeze_all", lambda x: x.squeeze(), lambda x: x.squeeze(), [(2, 1, 3, 1), (1,), ()]),
    Op("squeeze_dim", lambda x: nerve.squeeze(x, 1), lambda x: torch.squeeze(x, 1), [(2, 1, 3, 1)]),
    Op("squeeze_neg_dim", lambda x: x.squeeze(-1), lambda x: x.squeeze(-1), [(2, 1, 3, 1)]),
    Op("squeeze_non_one", lambda x: x.squeeze(0), lambda x: x.squeeze(0), [(2, 1, 3, 1)]),
    Op("squeeze_dims", lambda x: x.squeeze((1, 3)), lambda x: x.squeeze((1, 3)), [(2, 1, 3, 1)]),
    Op("unsqueeze", lambda x: x.unsqueeze(0), lambda x: x.unsqueeze(0), [R3, ()]),
    Op("unsqueeze_neg", lambda x: nerve.unsqueeze(x, -1), lambda x: torch.unsqueeze(x, -1), [R3, (0, 3)]),
    Op("unsqueeze_mid", lambda x: x.unsqueeze(2), lambda x: x.unsqueeze(2), [R3]),
    Op("transpose", lambda x: x.transpose(0, 2), lambda x: x.transpose(0, 2), [R3], ref=lambda x: np.swapaxes(x, 0, 2),
       gradgrad=True),
    Op("transpose_neg", lambda x: nerve.transpose(x, -1, -2), lambda x: torch.transpose(x, -1, -2), [R3, (3, 4)]),
    Op("transpose_1d", lambda x: x.transpose(0, -1), lambda x: x.transpose(0, -1), [(5,)]),
    Op("t", lambda x: x.t(), lambda x: x.t(), [(3, 4), (5,)]),
    Op("T_2d", lambda x: x.T, lambda x: x.T, [(3, 4)]),
    Op("mT", lambda x: x.mT, lambda x: x.mT, [R3]),
    Op("permute", lambda x: x.permute(2, 0, 1), lambda x: x.permute(2, 0, 1), [R3], gradgrad=True),
    Op("permute_tuple_neg", lambda x: nerve.permute(x, (-1, 0, 1)), lambda x: torch.permute(x, (-1, 0, 1)), [R3]),
    Op("movedim", lambda x: x.movedim(0, 2), lambda x: x.movedim(0, 2), [R3]),
    Op("movedim_neg", lambda x: nerve.movedim(x, -1, 0), lambda x: torch.movedim(x, -1, 0), [R3]),
    Op("movedim_multi", lambda x: x.movedim((0, 1), (2, 0)), lambda x: x.movedim((0, 1), (2, 0)), [R3]),
    Op("movedim_multi2", lambda x: x.movedim((0, 3), (1, 2)), lambda x: x.movedim((0, 3), (1, 2)), [(2, 3, 4, 5)]),
    Op("expand", lambda x: x.expand(2, 3, 4), lambda x: x.expand(2, 3, 4), [(3, 1), (1, 4), ()], gradgrad=True),
    Op("expand_keep", lambda x: x.expand(-1, 5), lambda x: x.expand(-1, 5), [(3, 1)]),
    Op("expand_as", lambda x: x.expand_as(nerve.zeros(2, 3, 4)), lambda x: x.expand_as(torch.zeros(2, 3, 4)), [(4,)]),
    Op("broadcast_to", lambda x: nerve.broadcast_to(x, (2, 3, 4)), lambda x: torch.broadcast_to(x, (2, 3, 4)),
       [(3, 1)]),
    Op("expand_zero", lambda x: x.expand(0, 3), lambda x: x.expand(0, 3), [(1, 3)]),
    Op("repeat", lambda x: x.repeat(2, 1), lambda x: x.repeat(2, 1), [(2, 3)], gradgrad=True),
    Op("repeat_new_dims", lambda x: x.repeat(2, 1, 3), lambda x: x.repeat(2, 1, 3), [(2, 3), (3,)]),
    Op("repeat_1d", lambda x: x.repeat(3), lambda x: x.repeat(3), [(3,)]),
    Op("flip", lambda x: nerve.flip(x, 0), lambda x: torch.flip(x, (0,)), [R3, (5,)], gradgrad=True),
    Op("flip_dims", lambda x: nerve.flip(x, (0, 2)), lambda x: torch.flip(x, (0, 2)), [R3]),
    Op("flip_neg", lambda x: nerve.flip(x, -1), lambda x: torch.flip(x, (-1,)), [(3, 4)]),
    Op("flip_method", lambda x: x.flip(0, 1), lambda x: x.flip(0, 1), [R3]),
    Op("sum_to_size", lambda x: ops.sum_to_size(x, (3, 1)), lambda x: x.sum_to_size(3, 1), [(2, 3, 4)]),
    Op("cat", lambda a, b: nerve.cat([a, b]), lambda a, b: torch.cat([a, b]),
       [((2, 3), (4, 3)), ((0, 3), (2, 3)), ((1,), (2,))], gradgrad=True),
    Op("cat_last", lambda a, b: nerve.cat([a, b], dim=-1), lambda a, b: torch.cat([a, b], dim=-1),
       [((2, 3), (2, 1)), ((2, 3, 2), (2, 3, 1))]),
    Op("cat_three", lambda a, b, c: nerve.cat((a, b, c), 1), lambda a, b, c: torch.cat((a, b, c), 1),
       [((2, 1), (2, 3), (2, 2))]),
    Op("cat_same_tensor", lambda a: nerve.cat([a, a * 2, a], 0), lambda a: torch.cat([a, a * 2, a], 0), [(2, 3)]),
    Op("cat_one_grad", lambda a, b: nerve.cat([a, b]), lambda a, b: torch.cat([a, b]), [((2, 3), (1, 3))],
       grad=[False, True]),
    Op("concat", lambda a, b: nerve.concat([a, b], 1), lambda a, b: torch.concat([a, b], 1), [((2, 3), (2, 2))]),
    Op("stack", lambda a, b: nerve.stack([a, b]), lambda a, b: torch.stack([a, b]),
       [((2, 3), (2, 3)), ((), ()), ((0, 2), (0, 2))], gradgrad=True),
    Op("stack_dim1", lambda a, b: nerve.stack([a, b], 1), lambda a, b: torch.stack([a, b], 1), [((2, 3), (2, 3))]),
    Op("stack_last", lambda a, b, c: nerve.stack([a, b, c], -1), lambda a, b, c: torch.stack([a, b, c], -1),
       [((2, 3), (2, 3), (2, 3))]),
    Op("split", lambda x: x.split(2), lambda x: x.split(2), [(5, 3)], gradgrad=True),
    Op("split_sections", lambda x: nerve.split(x, [1, 3, 1]), lambda x: torch.split(x, [1, 3, 1]), [(5, 3)]),
    Op("split_dim1", lambda x: x.split(2, dim=1), lambda x: x.split(2, dim=1), [(2, 5)]),
    Op("split_partial_use", lambda x: x.split(2)[1] * 3, lambda x: x.split(2)[1] * 3, [(5, 3)]),
    Op("chunk", lambda x: x.chunk(3, 1), lambda x: x.chunk(3, 1), [(2, 7), (2, 6)]),
    Op("chunk_fn", lambda x: nerve.chunk(x, 2), lambda x: torch.chunk(x, 2), [(5, 2)]),
    Op("unbind", lambda x: x.unbind(1), lambda x: x.unbind(1), [(2, 3)]),
    Op("unbind_fn", lambda x: nerve.unbind(x), lambda x: torch.unbind(x), [(3, 2)]),
    Op("iter", lambda x: tuple(x), lambda x: tuple(x), [(3, 2)]),
    Op("pad", lambda x: ops.pad(x, (1, 2)), lambda x: F().pad(x, (1, 2)), [(2, 3), (4,)], gradgrad=True),
    Op("pad_two_dims", lambda x: ops.pad(x, (1, 0, 2, 1)), lambda x: F().pad(x, (1, 0, 2, 1)), [(2, 3), R3]),
    Op("pad_value", lambda x: ops.pad(x, (0, 2), value=1.5), lambda x: F().pad(x, (0, 2), value=1.5), [R3]),
    Op("pad_zero_width", lambda x: ops.pad(x, (0, 0, 1, 1)), lambda x: F().pad(x, (0, 0, 1, 1)), [(2, 3)]),
]

# -------------------------------------------------------------------- indexing
IDX_REP = [0, 2, 0, 4, 2]
MASK = np.array([[True, False, True, False], [False, False, True, True], [True, True, True, True],
                 [False, False, False, False], [True, False, False, True]])
ROWS = np.array([True, False, True, True, False])
GATHER1 = [[0, 0, 3], [1, 1, 1], [2, 0, 2]]
GATHER0 = [[0, 0, 2, 1], [2, 2, 0, 0]]
X54 = [(5, 4)]
INDEX = [
    Op("slice_step", lambda x: x[1:5:2], lambda x: x[1:5:2], X54, gradgrad=True),
    Op("slice_2d", lambda x: x[1:, ::3], lambda x: x[1:, ::3], X54),
    Op("slice_empty", lambda x: x[3:1], lambda x: x[3:1], X54),
    Op("int_neg", lambda x: x[-1], lambda x: x[-1], X54),
    Op("int_int", lambda x: x[1, -2], lambda x: x[1, -2], X54),
    Op("int_col", lambda x: x[:, -2], lambda x: x[:, -2], X54),
    Op("none_ellipsis", lambda x: x[..., None, 1], lambda x: x[..., None, 1], X54 + [R3]),
    Op("none_front", lambda x: x[None], lambda x: x[None], X54 + [()]),
    Op("ellipsis_only", lambda x: x[...], lambda x: x[...], [()]),
    Op("int_tensor_scalar", lambda x: x[nt(3)], lambda x: x[tt(3)], X54),
    Op("repeated_index", lambda x: x[nt(IDX_REP)], lambda x: x[tt(IDX_REP)], X54 + [(5,)], ref=lambda x: x[IDX_REP],
       gradgrad=True),
    Op("repeated_index_list", lambda x: x[[0, 0, 2], [1, 1, 3]], lambda x: x[[0, 0, 2], [1, 1, 3]], X54),
    Op("repeated_index_2d", lambda x: x[nt([[0, 1], [1, 1]])], lambda x: x[tt([[0, 1], [1, 1]])], X54),
    Op("negative_array_index", lambda x: x[nt([-1, 0, -1])], lambda x: x[tt([-1, 0, -1])], X54),
    Op("bool_mask", lambda x: x[nt(MASK)], lambda x: x[tt(MASK)], X54, gradgrad=True),
    Op("bool_mask_np", lambda x: x[MASK], lambda x: x[tt(MASK)], X54),
    Op("bool_rows", lambda x: x[nt(ROWS)], lambda x: x[tt(ROWS)], X54),
    Op("bool_comparison", lambda x: x[x > 0], lambda x: x[x > 0], X54, domain="nonzero"),
    Op("advanced_then_slice", lambda x: x[nt(IDX_REP), 1:3], lambda x: x[tt(IDX_REP), 1:3], X54),
    Op("slice_then_advanced", lambda x: x[1:3, nt([0, 0, 3])], lambda x: x[1:3, tt([0, 0, 3])], X54),
    Op("advanced_none", lambda x: x[nt(IDX_REP), None], lambda x: x[tt(IDX_REP), None], X54),
    Op("advanced_split_by_slice", lambda x: x[nt([0, 1, 1]), :, nt([2, 2, 0])],
       lambda x: x[tt([0, 1, 1]), :, tt([2, 2, 0])], [R3]),
    Op("gather_dim1", lambda x: x.gather(1, nt(GATHER1)), lambda x: x.gather(1, tt(GATHER1)), [(3, 4)],
       gradgrad=True),
    Op("gather_dim0", lambda x: nerve.gather(x, 0, nt(GATHER0)), lambda x: torch.gather(x, 0, tt(GATHER0)), [(3, 4)]),
    Op("gather_smaller_index", lambda x: x.gather(1, nt([[1, 1], [0, 3]])), lambda x: x.gather(1, tt([[1, 1], [0, 3]])),
       [(3, 4)]),
    Op("index_select", lambda x: x.index_select(0, nt([0, 2, 0])), lambda x: x.index_select(0, tt([0, 2, 0])),
       [(3, 4)], gradgrad=True),
    Op("index_select_dim1", lambda x: nerve.index_select(x, 1, nt([3, 3, 1])),
       lambda x: torch.index_select(x, 1, tt([3, 3, 1])), [(3, 4), (2, 4, 3)]),
    Op("index_select_neg_dim", lambda x: x.index_select(-1, nt([1, 1])), lambda x: x.index_select(-1, tt([1, 1])),
       [R3]),
    Op("masked_fill", lambda x: x.masked_fill(nt([True, False, False, True]), -1.5),
       lambda x: x.masked_fill(tt([True, False, False, True]), -1.5), [(3, 4)], gradgrad=True),
    Op("masked_fill_col", lambda x: nerve.masked_fill(x, nt([[True], [False], [True]]), 0.0),
       lambda x: torch.masked_fill(x, tt([[True], [False], [True]]), 0.0), [(3, 4)]),
    Op("masked_fill_full", lambda x: x.masked_fill(nt(MASK), 2.0), lambda x: x.masked_fill(tt(MASK), 2.0), X54),
    Op("masked_fill_comparison", lambda x: x.masked_fill(x < 0, 0.0), lambda x: x.masked_fill(x < 0, 0.0), X54,
       domain="nonzero"),
    Op("masked_fill_neg_inf_softmax", lambda x: x.masked_fill(nt([False, True, False, False]), -inf).softmax(-1),
       lambda x: x.masked_fill(tt([False, True, False, False]), -inf).softmax(-1), [(3, 4)]),
]

# ------------------------------------------------------------------ misc ops
TARGET = np.array([0, 2, 1, 2])
TARGET_IGN = np.array([0, -100, 1, 2])
WEIGHT = np.array([1.0, 2.0, 0.5])


def nll(reduction, target=TARGET, weight=None, ignore_index=-100):
    def n(lp):
        w = None if weight is None else nerve.tensor(weight, dtype=lp.dtype)
        return ops.nn.nll_loss_2d(lp, target, weight=w, ignore_index=ignore_index, reduction=reduction)

    def t(lp):
        w = None if weight is None else torch.tensor(weight, dtype=lp.dtype)
        return F().nll_loss(lp, tt(target), weight=w, ignore_index=ignore_index, reduction=reduction)
    return n, t


MISC = [
    Op("clone", lambda x: x.clone(), lambda x: x.clone(), UN),
    Op("clone_fn", lambda x: nerve.clone(x) * 2, lambda x: torch.clone(x) * 2, [(2, 3)]),
    Op("double", lambda x: x.double() * 2, lambda x: x.double() * 2, UN),
    Op("to_float64", lambda x: x.to(nerve.float64), lambda x: x.to(torch.float64), [(2, 3)]),
    Op("to_float64_name", lambda x: x.to("float64"), lambda x: x.to(torch.float64), [(2, 3)]),
    # float64 -> float32 rounds, so the float64 gradcheck of this entry would only measure rounding
    Op("double_then_float", lambda x: x.double().float(), lambda x: x.double().float(), UN, gradcheck=False),
    Op("float_noop", lambda x: x.float() * 3, lambda x: x.float() * 3, [(2, 3)], gradcheck=False),  # rounds
    Op("half_roundtrip", lambda x: x.half().float(), lambda x: x.half().float(), [(2, 3)], gradcheck=False,
       rtol=1e-3, atol=1e-3),  # float16 keeps ~3 decimal digits
    Op("nll_mean", *nll("mean"), [(4, 3)], gradgrad=True),
    Op("nll_sum", *nll("sum"), [(4, 3)]),
    Op("nll_none", *nll("none"), [(4, 3)]),
    Op("nll_weight_mean", *nll("mean", weight=WEIGHT), [(4, 3)]),
    Op("nll_weight_none", *nll("none", weight=WEIGHT), [(4, 3)]),
    Op("nll_ignore_mean", *nll("mean", target=TARGET_IGN), [(4, 3)]),
    Op("nll_ignore_weight_sum", *nll("sum", target=TARGET_IGN, weight=WEIGHT), [(4, 3)]),
    Op("nll_of_log_softmax", lambda x: ops.nn.nll_loss_2d(x.log_softmax(1), TARGET),
       lambda x: F().nll_loss(x.log_softmax(1), tt(TARGET)), [(4, 3)], gradgrad=True),
]

ALL = ELEMENTWISE + LINALG + REDUCE + SHAPE + INDEX + MISC
CASES = cases(ALL)
GRADGRAD = cases(ALL, only=lambda op: op.gradgrad)


globals().update(table_tests(ALL))   # forward, backward, gradchecks, fast path (optest.py)
