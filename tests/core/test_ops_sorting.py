"""Sorting, selection, scans, statistics, norms and sampling (nerve/ops/sorting.py, nerve/linalg.py).

The declarative table (see optest.py) gives every differentiable op a forward and
backward check against PyTorch, a float64 gradcheck on tie-free data and the
fast-vs-graph backward check; the plain tests below compare index outputs, ties,
NaN, dims/keepdim, empty and 0-d inputs, dtypes and error types with PyTorch, and
check the samplers' statistics and seeding.
"""
import math
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

inf, nan = math.inf, math.nan
LA = nerve.linalg


def TLA():
    return torch.linalg


R3 = (2, 3, 4)
TIES = [[1.0, 3.0, 3.0, 2.0, 3.0, 1.0], [0.5, 0.5, -1.0, 2.0, -1.0, 0.5]]
NAN_ROWS = [[1.0, nan, 3.0, 2.0], [nan, 4.0, 0.5, nan], [5.0, 6.0, -7.0, 8.0]]
ALL_NAN_ROW = [[1.0, nan, 3.0, 2.0], [nan, nan, nan, nan]]
MODE_ROWS = [[1.0, 2.0, 2.0, 1.0, 3.0], [5.0, 5.0, 4.0, 4.0, 4.0], [0.5, 1.5, 2.5, 3.5, 4.5]]
ZEROS = [[1.5, 0.0, 2.0, -1.0, 0.5], [0.0, 2.0, 3.0, 0.0, 1.0], [2.0, -1.0, 0.5, 1.5, 0.0],
         [0.0, 0.0, 0.0, 0.0, 0.0], [1.2, -0.7, 2.0, 0.9, 1.1]]
PTS = [[0.0, 0.0], [1.0, 2.0], [3.0, 1.0]]       # exact arithmetic: zero distances come out exactly 0
Q = [0.0, 0.25, 0.5, 0.9, 1.0]


def qn(x):
    return nerve.tensor(np.asarray(Q), dtype=x.dtype)


def qt(x):
    return torch.tensor(Q, dtype=x.dtype)


def _interp_entry(mode):
    return Op(f"quantile_{mode}", lambda x: nerve.quantile(x, qn(x), dim=-1, interpolation=mode),
              lambda x: torch.quantile(x, qt(x), dim=-1, interpolation=mode), [(3, 5), (4,)], domain="distinct")


# ------------------------------------------------------------------ scans
SCANS = [
    Op("cumsum", lambda x: x.cumsum(1), lambda x: x.cumsum(1), [R3, (3, 4)], gradgrad=True),
    Op("cumsum_dims", lambda x: nerve.cumsum(x, -1), lambda x: torch.cumsum(x, -1), [(5,), (), (0, 3), (3, 0)]),
    Op("cumsum_axis", lambda x: nerve.cumsum(x, axis=0), lambda x: torch.cumsum(x, axis=0), [(3, 4)]),
    Op("cumsum_dtype", lambda x: nerve.cumsum(x, 1, dtype=nerve.float64), lambda x: torch.cumsum(x, 1, dtype=torch.float64),
       [(3, 4)]),
    Op("cumprod", lambda x: x.cumprod(1), lambda x: x.cumprod(1), [R3, (3, 4)], gradgrad=True),
    Op("cumprod_dims", lambda x: nerve.cumprod(x, 0), lambda x: torch.cumprod(x, 0), [(5,), (4, 3), (), (0, 3)]),
    Op("cumprod_zeros", lambda x: x.cumprod(1), lambda x: x.cumprod(1), values=[ZEROS], gradgrad=True),
    Op("cumprod_zeros_dim0", lambda x: nerve.cumprod(x, 0), lambda x: torch.cumprod(x, 0), values=[ZEROS],
       gradgrad=True),
    Op("cummax", lambda x: x.cummax(1), lambda x: tuple(x.cummax(1)), [R3, (3, 4)], domain="distinct"),
    Op("cummin", lambda x: nerve.cummin(x, -1), lambda x: tuple(torch.cummin(x, -1)), [R3, (5,), ()], domain="distinct"),
    Op("cummax_dim0_values", lambda x: nerve.cummax(x, dim=0).values, lambda x: torch.cummax(x, dim=0).values,
       [(4, 3), (0, 2)], domain="distinct"),
    Op("cummax_ties", lambda x: x.cummax(1), lambda x: tuple(x.cummax(1)), values=[TIES], gradcheck=False),
    Op("cummin_ties", lambda x: x.cummin(1), lambda x: tuple(x.cummin(1)), values=[TIES], gradcheck=False),
    Op("logcumsumexp", lambda x: x.logcumsumexp(1), lambda x: x.logcumsumexp(1), [R3, (3, 4)], gradgrad=True),
    Op("logcumsumexp_dims", lambda x: nerve.logcumsumexp(x, 0), lambda x: torch.logcumsumexp(x, 0),
       [(5,), (4, 3), (), (0, 3)]),
    Op("logcumsumexp_spread", lambda x: nerve.logcumsumexp(x, 1), lambda x: torch.logcumsumexp(x, 1),
       values=[[[-1000.0, 0.0, 1.0, 500.0], [3.0, -50.0, 2.0, 80.0]]]),
]

# ----------------------------------------------------- sorting and selection
SORTING = [
    Op("sort", lambda x: x.sort(), lambda x: tuple(x.sort()), [R3, (5,), ()], domain="distinct", gradgrad=True),
    Op("sort_descending_dim0", lambda x: nerve.sort(x, 0, descending=True),
       lambda x: tuple(torch.sort(x, 0, descending=True)), [R3, (4, 3)], domain="distinct"),
    Op("sort_stable_ties", lambda x: nerve.sort(x, stable=True), lambda x: tuple(torch.sort(x, stable=True)),
       values=[TIES], gradcheck=False),
    Op("sort_stable_ties_descending", lambda x: nerve.sort(x, 1, descending=True, stable=True),
       lambda x: tuple(torch.sort(x, dim=1, descending=True, stable=True)), values=[TIES], gradcheck=False),
    Op("sort_empty", lambda x: x.sort(1), lambda x: tuple(x.sort(1)), [(2, 0), (0, 3)]),
    Op("msort", lambda x: nerve.msort(x), lambda x: torch.msort(x), [(4, 3), (5,)], domain="distinct"),
    Op("topk", lambda x: x.topk(2), lambda x: tuple(x.topk(2)), [R3, (5,)], domain="distinct", gradgrad=True),
    Op("topk_smallest_dim0", lambda x: nerve.topk(x, 3, dim=0, largest=False),
       lambda x: tuple(torch.topk(x, 3, dim=0, largest=False)), [(5, 3)], domain="distinct"),
    Op("topk_partition_path", lambda x: x.topk(3), lambda x: tuple(x.topk(3)), [(4, 50)], domain="distinct"),
    Op("topk_smallest_partition_path", lambda x: x.topk(3, largest=False), lambda x: tuple(x.topk(3, largest=False)),
       [(4, 50)], domain="distinct"),
    Op("topk_all", lambda x: x.topk(4), lambda x: tuple(x.topk(4)), [(3, 4)], domain="distinct"),
    Op("topk_zero", lambda x: x.topk(0), lambda x: tuple(x.topk(0)), [(3, 4)]),
    Op("kthvalue", lambda x: x.kthvalue(2, 1), lambda x: tuple(x.kthvalue(2, 1)), [R3, (3, 4)], domain="distinct"),
    Op("kthvalue_keepdim", lambda x: nerve.kthvalue(x, 3, 0, keepdim=True),
       lambda x: tuple(torch.kthvalue(x, 3, 0, keepdim=True)), [(4, 3)], domain="distinct"),
    Op("kthvalue_scalar", lambda x: x.kthvalue(1), lambda x: tuple(x.kthvalue(1)), [()]),
    Op("median_all", lambda x: x.median(), lambda x: x.median(), [R3, (4,), (5,), ()], domain="distinct"),
    # without dim, PyTorch shares the gradient between the elements equal to the median
    Op("median_all_ties", lambda x: x.median(), lambda x: x.median(), values=[[1.0, 2.0, 2.0, 1.0, 3.0]],
       gradcheck=False),
    Op("median_all_nan", lambda x: x.median(), lambda x: x.median(), values=[[1.0, nan, 2.0, nan]], gradcheck=False),
    Op("median_dim", lambda x: x.median(1), lambda x: tuple(x.median(1)), [R3, (3, 4)], domain="distinct"),
    Op("median_dim_keepdim", lambda x: nerve.median(x, 0, keepdim=True), lambda x: tuple(torch.median(x, 0, keepdim=True)),
       [(4, 3), (5, 3)], domain="distinct"),
    Op("median_dim_ties", lambda x: x.median(1), lambda x: tuple(x.median(1)), values=[TIES], gradcheck=False),
    Op("median_dim_nan", lambda x: x.median(1), lambda x: tuple(x.median(1)), values=[NAN_ROWS], gradcheck=False),
    Op("nanmedian_all", lambda x: x.nanmedian(), lambda x: x.nanmedian(), values=[[1.0, nan, 3.0, 2.0, nan]]),
    Op("nanmedian_dim", lambda x: x.nanmedian(1), lambda x: tuple(x.nanmedian(1)), values=[NAN_ROWS]),
    Op("mode", lambda x: x.mode(), lambda x: tuple(x.mode()), values=[MODE_ROWS], gradcheck=False),
    Op("mode_dim0_keepdim", lambda x: nerve.mode(x, 0, keepdim=True), lambda x: tuple(torch.mode(x, 0, keepdim=True)),
       values=[np.array(MODE_ROWS).T], gradcheck=False),
]

# ------------------------------------------------------------- statistics
STATS = [
    Op("var_mean", lambda x: nerve.var_mean(x, 1), lambda x: torch.var_mean(x, 1), [R3]),
    Op("var_mean_all", lambda x: nerve.var_mean(x), lambda x: torch.var_mean(x), [R3, (5,)], gradgrad=True),
    Op("var_mean_correction0_keepdim", lambda x: nerve.var_mean(x, (0, 2), correction=0, keepdim=True),
       lambda x: torch.var_mean(x, (0, 2), correction=0, keepdim=True), [R3]),
    Op("var_mean_unbiased_positional", lambda x: nerve.var_mean(x, 1, False), lambda x: torch.var_mean(x, 1, False), [R3]),
    Op("var_mean_axis", lambda x: nerve.var_mean(x, axis=1), lambda x: torch.var_mean(x, axis=1), [(3, 4)]),
    Op("std_mean", lambda x: nerve.std_mean(x, -1), lambda x: torch.std_mean(x, -1), [R3, (3, 4)], gradgrad=True),
    Op("std_mean_all", lambda x: nerve.std_mean(x), lambda x: torch.std_mean(x), [R3, (1, 5)]),
    Op("std_mean_zero_spread", lambda x: nerve.std_mean(x, 1), lambda x: torch.std_mean(x, 1),
       values=[[[2.0, 2.0, 2.0], [1.0, 2.0, 3.0]]], gradcheck=False),
    Op("quantile", lambda x: nerve.quantile(x, 0.3), lambda x: torch.quantile(x, 0.3), [R3, (5,), ()], domain="distinct",
       gradgrad=True),
    Op("quantile_dim_q_tensor", lambda x: nerve.quantile(x, qn(x), dim=1), lambda x: torch.quantile(x, qt(x), dim=1),
       [R3, (3, 6)], domain="distinct"),
    Op("quantile_keepdim", lambda x: x.quantile(qn(x), dim=0, keepdim=True), lambda x: x.quantile(qt(x), dim=0, keepdim=True),
       [(5, 3)], domain="distinct"),
    Op("quantile_all_keepdim", lambda x: nerve.quantile(x, qn(x), keepdim=True), lambda x: torch.quantile(x, qt(x), keepdim=True),
       [(3, 4)], domain="distinct"),
    Op("quantile_q0d_tensor", lambda x: nerve.quantile(x, nerve.tensor(0.7, dtype=x.dtype), dim=1),
       lambda x: torch.quantile(x, torch.tensor(0.7, dtype=x.dtype), dim=1), [(3, 5)], domain="distinct"),
    *[_interp_entry(m) for m in ("lower", "higher", "midpoint", "nearest")],
    Op("quantile_nan", lambda x: nerve.quantile(x, qn(x), dim=1), lambda x: torch.quantile(x, qt(x), dim=1),
       values=[NAN_ROWS], gradcheck=False),
    Op("nanquantile", lambda x: nerve.nanquantile(x, qn(x), dim=1), lambda x: torch.nanquantile(x, qt(x), dim=1),
       values=[NAN_ROWS]),
    Op("nanquantile_all_nan_row", lambda x: x.nanquantile(0.4, dim=1), lambda x: x.nanquantile(0.4, dim=1),
       values=[ALL_NAN_ROW], gradcheck=False),
    Op("aminmax", lambda x: nerve.aminmax(x), lambda x: tuple(torch.aminmax(x)), [R3, ()], domain="distinct"),
    Op("aminmax_dim_keepdim", lambda x: x.aminmax(dim=1, keepdim=True), lambda x: tuple(x.aminmax(dim=1, keepdim=True)),
       [R3], domain="distinct"),
    Op("aminmax_ties", lambda x: nerve.aminmax(x, dim=1), lambda x: tuple(torch.aminmax(x, dim=1)), values=[TIES],
       gradcheck=False),
    Op("nansum", lambda x: nerve.nansum(x, 1), lambda x: torch.nansum(x, 1), values=[NAN_ROWS]),
    Op("nansum_all", lambda x: x.nansum(), lambda x: x.nansum(), [R3, ()]),
    Op("nansum_dims_keepdim", lambda x: nerve.nansum(x, (0, 2), keepdim=True), lambda x: torch.nansum(x, (0, 2), keepdim=True),
       [R3]),
    Op("nanmean", lambda x: x.nanmean(1), lambda x: x.nanmean(1), values=[NAN_ROWS]),
    Op("nanmean_all_nan_row", lambda x: x.nanmean(1), lambda x: x.nanmean(1), values=[ALL_NAN_ROW], gradcheck=False),
    Op("nanmean_keepdim_dtype", lambda x: nerve.nanmean(x, 0, keepdim=True, dtype=nerve.float64),
       lambda x: torch.nanmean(x, 0, keepdim=True, dtype=torch.float64), [(3, 4)]),
]


# ------------------------------------------------------------------ norms
def _vn(p, **kw):
    dom = "distinct" if p in (inf, -inf) else ("nonzero" if p < 1 else "real")
    return Op(f"vector_norm_ord_{p}", lambda x: LA.vector_norm(x, p, **kw), lambda x: TLA().vector_norm(x, p, **kw),
              [R3, (5,), ()], domain=dom, gradgrad=p == 2)


def _mn(ord, **kw):  # noqa: A002
    svd = ord in (2, -2, "nuc")
    return Op(f"matrix_norm_ord_{ord}", lambda x: LA.matrix_norm(x, ord, **kw), lambda x: TLA().matrix_norm(x, ord, **kw),
              [(3, 4), (2, 4, 3)], domain="real" if ord == "fro" or svd else "nonzero",   # no column-sum ties
              rtol=1e-4 if svd else 1e-5, atol=1e-5 if svd else 1e-6, gradgrad=ord == "fro")


NORMS = [
    *[_vn(p) for p in (2, 1, inf, -inf, 0, 3, 0.5, 1.5, -1)],
    Op("vector_norm_dims_keepdim", lambda x: LA.vector_norm(x, 2, (0, 2), keepdim=True),
       lambda x: TLA().vector_norm(x, 2, (0, 2), keepdim=True), [R3]),
    Op("vector_norm_axis", lambda x: LA.vector_norm(x, 3, axis=1), lambda x: TLA().vector_norm(x, 3, axis=1), [R3]),
    Op("vector_norm_dtype", lambda x: LA.vector_norm(x, dtype=nerve.float64), lambda x: TLA().vector_norm(x, dtype=torch.float64),
       [(3, 4)]),
    Op("vector_norm_empty", lambda x: LA.vector_norm(x, dim=1), lambda x: TLA().vector_norm(x, dim=1), [(2, 0), (0, 3)]),
    # degenerate points: PyTorch's defined gradients (0 at a zero vector) rather than NaN
    *[Op(f"vector_norm_at_zero_ord_{p}", lambda x, p=p: LA.vector_norm(x, p, dim=1),
         lambda x, p=p: TLA().vector_norm(x, p, dim=1), values=[[[0.0, 0.0, 0.0], [1.0, -2.0, 0.0]]], gradcheck=False)
      for p in (2, 1, 3, 1.5, 0.5, inf, -1)],
    *[_mn(o) for o in ("fro", "nuc", 1, -1, inf, -inf, 2, -2)],
    Op("matrix_norm_dims_keepdim", lambda x: LA.matrix_norm(x, 1, dim=(0, 2), keepdim=True),
       lambda x: TLA().matrix_norm(x, 1, dim=(0, 2), keepdim=True), [R3], domain="distinct"),
    Op("matrix_norm_nuc_dims", lambda x: LA.matrix_norm(x, "nuc", dim=(2, 0)),
       lambda x: TLA().matrix_norm(x, "nuc", dim=(2, 0)), [R3], rtol=1e-4, atol=1e-5),
    Op("matrix_norm_fro_at_zero", lambda x: LA.matrix_norm(x), lambda x: TLA().matrix_norm(x),
       values=[np.zeros((2, 3))], gradcheck=False),
    Op("linalg_norm_default", lambda x: LA.norm(x), lambda x: TLA().norm(x), [R3, (3, 4), ()]),
    Op("linalg_norm_matrix_ord2", lambda x: LA.norm(x, 2), lambda x: TLA().norm(x, 2), [(3, 4)], rtol=1e-4, atol=1e-5),
    Op("linalg_norm_matrix_inf", lambda x: LA.norm(x, inf), lambda x: TLA().norm(x, inf), [(3, 4)], domain="distinct"),
    Op("linalg_norm_vector_ord", lambda x: LA.norm(x, 1.5), lambda x: TLA().norm(x, 1.5), [(5,)]),
    Op("linalg_norm_dim1", lambda x: LA.norm(x, -inf, dim=1, keepdim=True),
       lambda x: TLA().norm(x, -inf, dim=1, keepdim=True), [R3], domain="distinct"),
    Op("linalg_norm_dim2", lambda x: LA.norm(x, -1, dim=(0, 1)), lambda x: TLA().norm(x, -1, dim=(0, 1)), [R3],
       domain="distinct"),
    Op("norm_default", lambda x: nerve.norm(x), lambda x: torch.norm(x), [R3, (), (0, 3)], gradgrad=True),
    Op("norm_p1", lambda x: nerve.norm(x, p=1), lambda x: torch.norm(x, p=1), [R3], domain="nonzero"),
    Op("norm_pinf_dim", lambda x: nerve.norm(x, inf, dim=1), lambda x: torch.norm(x, inf, dim=1), [R3], domain="distinct"),
    Op("norm_fro_dims_keepdim", lambda x: nerve.norm(x, "fro", (0, 1), keepdim=True),
       lambda x: torch.norm(x, "fro", (0, 1), keepdim=True), [R3]),
    Op("norm_nuc", lambda x: nerve.norm(x, "nuc"), lambda x: torch.norm(x, "nuc"), [(3, 4)], rtol=1e-4, atol=1e-5),
    Op("norm_p_dim_tuple", lambda x: nerve.norm(x, 0.5, (1, 2)), lambda x: torch.norm(x, 0.5, (1, 2)), [R3],
       domain="nonzero"),
    Op("norm_method_dtype", lambda x: x.norm(2, 1, True, nerve.float64), lambda x: x.norm(2, 1, True, torch.float64), [R3]),
    Op("norm_at_zero", lambda x: nerve.norm(x, dim=1), lambda x: torch.norm(x, dim=1), values=[np.zeros((2, 3))],
       gradcheck=False),
    Op("dist", lambda a, b: nerve.dist(a, b), lambda a, b: torch.dist(a, b), [((3, 4), (3, 4)), ((3, 4), (4,))]),
    Op("dist_p", lambda a, b: a.dist(b, 1), lambda a, b: a.dist(b, 1), [((3, 4), (3, 4))]),
    Op("dist_pinf", lambda a, b: nerve.dist(a, b, inf), lambda a, b: torch.dist(a, b, inf), [((6,), (6,))],
       domain=["distinct", lambda rng, s: np.zeros(s)]),
    Op("dist_p3", lambda a, b: nerve.dist(a, b, 3), lambda a, b: torch.dist(a, b, 3), [((2, 3), (2, 3))]),
    Op("dist_at_zero", lambda a, b: nerve.dist(a, b), lambda a, b: torch.dist(a, b),
       values=[[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]], gradcheck=False),
    Op("cdist", lambda a, b: nerve.cdist(a, b), lambda a, b: torch.cdist(a, b), [((4, 3), (5, 3)), ((2, 4, 3), (2, 5, 3))],
       gradgrad=True),
    Op("cdist_mm", lambda a, b: nerve.cdist(a, b), lambda a, b: torch.cdist(a, b), [((30, 3), (28, 3))],
       rtol=1e-4, atol=1e-5, gradgrad=True),
    Op("cdist_mm_forced", lambda a, b: nerve.cdist(a, b, compute_mode="use_mm_for_euclid_dist"),
       lambda a, b: torch.cdist(a, b, compute_mode="use_mm_for_euclid_dist"), [((4, 3), (5, 3))], rtol=1e-4, atol=1e-5),
    Op("cdist_no_mm", lambda a, b: nerve.cdist(a, b, compute_mode="donot_use_mm_for_euclid_dist"),
       lambda a, b: torch.cdist(a, b, compute_mode="donot_use_mm_for_euclid_dist"), [((30, 3), (2, 3))]),
    Op("cdist_batch_broadcast", lambda a, b: nerve.cdist(a, b), lambda a, b: torch.cdist(a, b),
       [((2, 1, 4, 3), (5, 6, 3))]),
    Op("cdist_p1", lambda a, b: nerve.cdist(a, b, 1), lambda a, b: torch.cdist(a, b, 1), [((4, 3), (5, 3))]),
    Op("cdist_pinf", lambda a, b: nerve.cdist(a, b, inf), lambda a, b: torch.cdist(a, b, inf), [((4, 3), (5, 3))]),
    Op("cdist_p0_5", lambda a, b: nerve.cdist(a, b, 0.5), lambda a, b: torch.cdist(a, b, 0.5), [((4, 3), (5, 3))]),
    Op("cdist_p3", lambda a, b: nerve.cdist(a, b, 3.0), lambda a, b: torch.cdist(a, b, 3.0), [((4, 3), (5, 3))]),
    Op("cdist_p0", lambda a, b: nerve.cdist(a, b, 0), lambda a, b: torch.cdist(a, b, 0), [((4, 3), (5, 3))]),
    Op("cdist_empty", lambda a, b: nerve.cdist(a, b), lambda a, b: torch.cdist(a, b), [((0, 3), (5, 3)), ((2, 0), (3, 0))]),
    Op("cdist_at_zero", lambda a, b: nerve.cdist(a, b), lambda a, b: torch.cdist(a, b), values=[PTS, PTS],
       gradcheck=False),
    Op("cdist_at_zero_mm", lambda a, b: nerve.cdist(a, b, compute_mode="use_mm_for_euclid_dist"),
       lambda a, b: torch.cdist(a, b, compute_mode="use_mm_for_euclid_dist"), values=[PTS, PTS], gradcheck=False),
    Op("cdist_at_zero_p1", lambda a, b: nerve.cdist(a, b, 1), lambda a, b: torch.cdist(a, b, 1), values=[PTS, PTS],
       gradcheck=False),
]

ALL = SCANS + SORTING + STATS + NORMS
CASES = cases(ALL)
GRADGRAD = cases(ALL, only=lambda op: op.gradgrad)


globals().update(table_tests(ALL))   # forward, backward, gradchecks, fast path (optest.py)


# ------------------------------------------------------------- plain tests
def need_torch():
    return pytest.importorskip("torch")


def _np(t):
    if isinstance(t, nerve.Tensor):
        return np.asarray(t._data)
    return t.detach().numpy()


def _same(a, b, rtol=1e-6, atol=1e-7, what=""):
    """Same shape, dtype name and values (NaN == NaN) for a nerve and a torch tensor."""
    an, bn = _np(a), _np(b)
    assert an.shape == bn.shape, f"{what}: shape {an.shape} != torch {bn.shape}"
    assert an.dtype == bn.dtype, f"{what}: dtype {an.dtype} != torch {bn.dtype}"
    if an.dtype.kind in "biu":
        np.testing.assert_array_equal(an, bn, err_msg=what)
    else:
        np.testing.assert_allclose(an, bn, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)


def _same_all(a, b, what=""):
    a = a if isinstance(a, tuple) else (a,)
    b = b if isinstance(b, tuple) else (b,)
    assert len(a) == len(b), f"{what}: {len(a)} outputs, torch {len(b)}"
    for i, (x, y) in enumerate(zip(a, b)):
        _same(x, y, what=f"{what} output {i}")


def _pair(arr):
    torch = need_torch()
    arr = np.asarray(arr)
    return nerve.tensor(arr), torch.tensor(arr)


def _ints(shape, hi=4, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).integers(0, hi, shape).astype(dtype)


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_stable_sort_indices_match_torch_with_ties(dim, descending):
    n, t = _pair(_ints((6, 40)))
    _same_all(tuple(nerve.sort(n, dim, descending, stable=True)), tuple(torch.sort(t, dim=dim, descending=descending, stable=True)))
    _same(nerve.argsort(n, dim, descending, stable=True), torch.argsort(t, dim=dim, descending=descending, stable=True))


@pytest.mark.parametrize("descending", [False, True])
def test_unstable_sort_is_a_sort(descending):
    n, t = _pair(_ints((5, 60), seed=1))
    v, i = nerve.sort(n, 1, descending)
    _same(v, torch.sort(t, 1, descending).values)
    np.testing.assert_array_equal(np.take_along_axis(_np(n), _np(i), 1), _np(v))
    np.testing.assert_array_equal(np.sort(_np(i), 1), np.broadcast_to(np.arange(60), (5, 60)))


@pytest.mark.parametrize("descending", [False, True])
def test_sort_nan_is_the_largest(descending):
    n, t = _pair(np.array([[2.0, nan, 1.0, 2.0, nan, 1.0, -inf, inf]], np.float32))
    _same_all(tuple(nerve.sort(n, descending=descending, stable=True)),
              tuple(torch.sort(t, descending=descending, stable=True)))
    for k in (1, 3, 8):   # which of two tied NaNs comes first in topk/kthvalue is unspecified
        for largest in (True, False):
            v, i = nerve.topk(n, k, largest=largest)
            _same(v, torch.topk(t, k, largest=largest).values)
            np.testing.assert_array_equal(np.take_along_axis(_np(n), _np(i), 1), _np(v))
        _same(nerve.kthvalue(n, k).values, torch.kthvalue(t, k).values)


def test_topk_with_ties_returns_valid_indices_and_scatters_its_gradient():
    need_torch()
    x = nerve.tensor(_ints((4, 30), seed=2), requires_grad=True)
    v, i = x.topk(5, dim=1)
    _same(v, torch.topk(torch.tensor(_np(x)), 5, dim=1).values)
    idx = _np(i)
    np.testing.assert_array_equal(np.take_along_axis(_np(x), idx, 1), _np(v))
    assert all(len(set(r)) == 5 for r in idx.tolist()), "topk returned an index twice"
    g = np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32)
    v.backward(nerve.tensor(g))
    want = np.zeros((4, 30), np.float32)
    np.put_along_axis(want, idx, g, 1)
    np.testing.assert_array_equal(_np(x.grad), want)   # by index: tied elements left out get nothing


def test_topk_unsorted_selects_the_same_set():
    n, t = _pair(np.random.default_rng(3).standard_normal((3, 40)).astype(np.float32))
    for largest in (True, False):
        v, i = nerve.topk(n, 6, sorted=False, largest=largest)
        want = torch.topk(t, 6, largest=largest).values.numpy()
        np.testing.assert_array_equal(np.sort(_np(v), 1), np.sort(want, 1))
        np.testing.assert_array_equal(np.take_along_axis(_np(n), _np(i), 1), _np(v))


def test_kthvalue_with_ties():
    n, t = _pair(_ints((5, 9), seed=4))
    for k in (1, 4, 9):
        v, i = nerve.kthvalue(n, k, 1)
        _same(v, torch.kthvalue(t, k, 1).values)
        np.testing.assert_array_equal(np.take_along_axis(_np(n), _np(i)[:, None], 1)[:, 0], _np(v))


@pytest.mark.parametrize("n_cols", [7, 50, 201])
def test_median_indices_match_torch_with_ties_and_nan(n_cols):
    a = _ints((6, n_cols), hi=5, seed=n_cols)
    a[1, 3] = a[4, 0] = a[4, n_cols - 1] = nan
    n, t = _pair(a)
    _same_all(tuple(nerve.median(n, 1)), tuple(torch.median(t, 1)))
    _same_all(tuple(nerve.median(n, 0, keepdim=True)), tuple(torch.median(t, 0, keepdim=True)))
    _same_all(tuple(nerve.nanmedian(n, 1)), tuple(torch.nanmedian(t, 1)))
    _same(nerve.median(n), torch.median(t))
    _same(nerve.nanmedian(n), torch.nanmedian(t))


def test_nanmedian_all_nan_slice_is_nan():
    n, t = _pair(np.array([[1.0, nan, 2.0, nan], [nan, nan, nan, nan]], np.float32))
    v, i = nerve.nanmedian(n, 1)
    _same(v, torch.nanmedian(t, 1).values)
    assert _np(i)[0] == torch.nanmedian(t, 1).indices[0].item()
    assert np.isnan(_np(n)[1, _np(i)[1]])
    _same(nerve.nanmedian(nerve.tensor([nan, nan])), torch.nanmedian(torch.tensor([nan, nan])))


@pytest.mark.parametrize("shape,dim", [((40, 7), 1), ((7, 40), 0), ((3, 4, 9), -1), ((9,), 0)])
def test_mode_matches_torch(shape, dim):
    n, t = _pair(_ints(shape, hi=4, seed=sum(shape)))
    _same_all(tuple(nerve.mode(n, dim)), tuple(torch.mode(t, dim)))
    _same_all(tuple(nerve.mode(n, dim, keepdim=True)), tuple(torch.mode(t, dim, keepdim=True)))
    ni, ti = _pair(_ints(shape, hi=3, seed=1, dtype=np.int64))
    _same_all(tuple(nerve.mode(ni, dim)), tuple(torch.mode(ti, dim)))


def test_mode_gradient_goes_to_the_returned_index():
    x = nerve.tensor(MODE_ROWS, requires_grad=True)
    v, i = x.mode(1)
    v.sum().backward()
    want = np.zeros((3, 5), np.float32)
    want[np.arange(3), _np(i)] = 1
    np.testing.assert_array_equal(_np(x.grad), want)


@pytest.mark.parametrize("fn", ["cummax", "cummin"])
def test_cummax_cummin_ties_nan_and_ints_match_torch(fn):
    a = _ints((4, 30), hi=3, seed=5)
    a[2, 7] = a[2, 20] = a[3, 0] = nan
    n, t = _pair(a)
    for dim in (0, 1):
        _same_all(tuple(getattr(nerve, fn)(n, dim)), tuple(getattr(torch, fn)(t, dim)), f"{fn} dim {dim}")
    for arr in (_ints((3, 10), seed=6, dtype=np.int64), np.array([True, False, True, True])):
        n, t = _pair(arr)
        _same_all(tuple(getattr(nerve, fn)(n, -1)), tuple(getattr(torch, fn)(t, -1)), f"{fn} {arr.dtype}")


def test_cummax_gradient_goes_to_the_selected_elements():
    x = nerve.tensor([1.0, 3.0, 2.0, 3.0, 0.0], requires_grad=True)
    v, i = nerve.cummax(x, 0)
    v.backward(nerve.tensor([1.0, 2.0, 4.0, 8.0, 16.0]))
    np.testing.assert_array_equal(_np(i), [0, 1, 1, 3, 3])
    np.testing.assert_array_equal(_np(x.grad), [1.0, 6.0, 0.0, 24.0, 0.0])


@pytest.mark.parametrize("flags", [(False, False), (True, False), (False, True), (True, True)])
@pytest.mark.parametrize("dim", [None, 0, 1])
def test_unique_matches_torch(flags, dim):
    inv, cnt = flags
    for arr in (np.array([[3, 1, 2], [1, 3, 2], [3, 1, 2], [0, 0, 5]]), np.array([[1.0, nan, 2.0], [nan, 1.0, 2.0]], np.float32),
                np.array([[True, False], [True, False]])):
        if dim is not None and np.isnan(arr.astype(float)).any():
            continue   # slices holding NaN: never equal (both), but the order of such slices is unspecified
        n, t = _pair(arr)
        _same_all(nerve.unique(n, return_inverse=inv, return_counts=cnt, dim=dim),
                  torch.unique(t, return_inverse=inv, return_counts=cnt, dim=dim), f"unique {arr.dtype} dim {dim}")
        _same_all(n.unique(sorted=False, return_inverse=inv, return_counts=cnt, dim=dim),
                  t.unique(sorted=True, return_inverse=inv, return_counts=cnt, dim=dim), "unique sorted=False")


@pytest.mark.parametrize("arr", [np.array(3.0, np.float32), np.zeros(0, np.float32), np.zeros((0, 3), np.float32)])
def test_unique_scalar_and_empty(arr):
    n, t = _pair(arr)
    _same_all(nerve.unique(n, return_inverse=True, return_counts=True),
              torch.unique(t, return_inverse=True, return_counts=True))
    _same_all(nerve.unique_consecutive(n, return_inverse=True, return_counts=True),
              torch.unique_consecutive(t, return_inverse=True, return_counts=True))
    if arr.ndim == 2:
        _same(nerve.unique(n, dim=0), torch.unique(t, dim=0))


@pytest.mark.parametrize("dim", [None, 0, 1])
def test_unique_consecutive_matches_torch(dim):
    for arr in (np.array([[1, 1, 2], [1, 1, 2], [0, 5, 5], [1, 1, 2]]), np.array([[nan, nan, 1.0], [1.0, 1.0, 2.0]], np.float32)):
        n, t = _pair(arr)
        for inv, cnt in ((False, False), (True, True), (False, True)):
            _same_all(nerve.unique_consecutive(n, return_inverse=inv, return_counts=cnt, dim=dim),
                      torch.unique_consecutive(t, return_inverse=inv, return_counts=cnt, dim=dim))


def test_unique_is_not_differentiable():
    x = nerve.tensor([1.0, 2.0, 1.0], requires_grad=True)
    assert not nerve.unique(x).requires_grad


# dims and keepdim, against PyTorch, for every op that reduces or scans along one dim
DIM_OPS = {
    "sort": (lambda m, x, d, k: tuple(m.sort(x, d)), False),
    "argsort_desc": (lambda m, x, d, k: m.argsort(x, dim=d, descending=True, stable=True), False),
    "topk": (lambda m, x, d, k: tuple(m.topk(x, 2, d)), False),
    "kthvalue": (lambda m, x, d, k: tuple(m.kthvalue(x, 2, d, keepdim=k)), True),
    "median": (lambda m, x, d, k: tuple(m.median(x, d, keepdim=k)), True),
    "nanmedian": (lambda m, x, d, k: tuple(m.nanmedian(x, d, keepdim=k)), True),
    "mode": (lambda m, x, d, k: tuple(m.mode(x, d, keepdim=k)), True),
    "cumsum": (lambda m, x, d, k: m.cumsum(x, d), False),
    "cumprod": (lambda m, x, d, k: m.cumprod(x, d), False),
    "cummax": (lambda m, x, d, k: tuple(m.cummax(x, d)), False),
    "cummin": (lambda m, x, d, k: tuple(m.cummin(x, d)), False),
    "logcumsumexp": (lambda m, x, d, k: m.logcumsumexp(x, d), False),
    "quantile": (lambda m, x, d, k: m.quantile(x, 0.4, d, keepdim=k), True),
    "nanquantile": (lambda m, x, d, k: m.nanquantile(x, 0.6, d, keepdim=k, interpolation="nearest"), True),
    "count_nonzero": (lambda m, x, d, k: m.count_nonzero(x, d), False),
    "aminmax": (lambda m, x, d, k: tuple(m.aminmax(x, dim=d, keepdim=k)), True),
    "nansum": (lambda m, x, d, k: m.nansum(x, d, keepdim=k), True),
    "nanmean": (lambda m, x, d, k: m.nanmean(x, d, keepdim=k), True),
    "var_mean": (lambda m, x, d, k: m.var_mean(x, d, keepdim=k), True),
    "std_mean": (lambda m, x, d, k: m.std_mean(x, d, keepdim=k, correction=0), True),
}


@pytest.mark.parametrize("name", sorted(DIM_OPS))
@pytest.mark.parametrize("dim", [0, 1, -1, -3])
def test_dims_and_keepdim_match_torch(name, dim):
    fn, has_keepdim = DIM_OPS[name]
    a = np.random.default_rng(7).permutation(24).reshape(2, 3, 4).astype(np.float32) * 0.25 - 2.0
    n, t = _pair(a)
    for keepdim in ((False, True) if has_keepdim else (False,)):
        _same_all(fn(nerve, n, dim, keepdim), fn(torch, t, dim, keepdim), f"{name} dim={dim} keepdim={keepdim}")


# empty and 0-d inputs, against PyTorch
EDGE = {
    "sort": lambda m, x: tuple(m.sort(x, -1)),
    "argsort": lambda m, x: m.argsort(x, -1),
    "topk1": lambda m, x: tuple(m.topk(x, min(1, x.shape[-1] if x.dim() else 1), -1)),
    "cumsum": lambda m, x: m.cumsum(x, -1),
    "cumprod": lambda m, x: m.cumprod(x, -1),
    "cummax": lambda m, x: tuple(m.cummax(x, -1)),
    "logcumsumexp": lambda m, x: m.logcumsumexp(x, -1),
    "median_all": lambda m, x: m.median(x),
    "nanmedian_all": lambda m, x: m.nanmedian(x),
    "count_nonzero": lambda m, x: m.count_nonzero(x),
    "nansum": lambda m, x: m.nansum(x),
    "nanmean": lambda m, x: m.nanmean(x),
    "var_mean": lambda m, x: m.var_mean(x, correction=0),
    "norm": lambda m, x: m.norm(x),
    "msort": lambda m, x: m.msort(x),
}


@pytest.mark.filterwarnings("ignore::UserWarning")   # PyTorch warns about var of nothing
@pytest.mark.parametrize("name", sorted(EDGE))
@pytest.mark.parametrize("shape", [(), (0,), (2, 0), (0, 3)])
def test_empty_and_scalar_inputs_match_torch(name, shape):
    a = np.full(shape, 1.5, np.float32) if shape == () else np.zeros(shape, np.float32)
    n, t = _pair(a)
    _same_all(EDGE[name](nerve, n), EDGE[name](torch, t), f"{name} {shape}")


@pytest.mark.parametrize("name", ["kthvalue", "median", "nanmedian", "mode", "quantile", "aminmax"])
def test_scalar_input_along_dim_matches_torch(name):
    calls = {"kthvalue": lambda m, x: tuple(m.kthvalue(x, 1, 0)), "median": lambda m, x: tuple(m.median(x, 0)),
             "nanmedian": lambda m, x: tuple(m.nanmedian(x, -1)), "mode": lambda m, x: tuple(m.mode(x, 0)),
             "quantile": lambda m, x: m.quantile(x, 0.5, 0, keepdim=True),
             "aminmax": lambda m, x: tuple(m.aminmax(x, dim=0, keepdim=True))}
    n, t = _pair(np.array(2.5, np.float32))
    _same_all(calls[name](nerve, n), calls[name](torch, t), name)


def test_scan_dtypes_match_torch():
    for arr in (np.array([True, False, True]), np.array([2, 3, 4], np.int32), np.array([2, 3, 4]), np.array(3),
                np.array([1.5, 2.0])):
        n, t = _pair(arr)
        for fn in ("cumsum", "cumprod"):
            _same(getattr(nerve, fn)(n, 0), getattr(torch, fn)(t, 0), what=f"{fn} {arr.dtype}")
            _same(getattr(n, fn)(0, dtype=nerve.float64), getattr(t, fn)(0, dtype=torch.float64))
    n, t = _pair(np.array([1, 2], np.int32))
    _same(nerve.nansum(n), torch.nansum(t))
    _same(nerve.sort(n).values, torch.sort(t).values)
    _same(nerve.median(n), torch.median(t))


def test_axis_alias():
    x = nerve.tensor(np.random.default_rng(8).standard_normal((3, 4)).astype(np.float32))
    same = [
        (lambda: nerve.cumsum(x, axis=1), lambda: nerve.cumsum(x, 1)),
        (lambda: nerve.cumprod(x, axis=1), lambda: nerve.cumprod(x, 1)),
        (lambda: nerve.cummax(x, axis=1).indices, lambda: nerve.cummax(x, 1).indices),
        (lambda: nerve.cummin(x, axis=1).values, lambda: nerve.cummin(x, 1).values),
        (lambda: nerve.logcumsumexp(x, axis=1), lambda: nerve.logcumsumexp(x, 1)),
        (lambda: nerve.sort(x, axis=0).indices, lambda: nerve.sort(x, 0).indices),
        (lambda: nerve.argsort(x, axis=0), lambda: nerve.argsort(x, 0)),
        (lambda: nerve.topk(x, 2, axis=0).indices, lambda: nerve.topk(x, 2, 0).indices),
        (lambda: nerve.kthvalue(x, 2, axis=0).values, lambda: nerve.kthvalue(x, 2, 0).values),
        (lambda: nerve.median(x, axis=0).values, lambda: nerve.median(x, 0).values),
        (lambda: nerve.nanmedian(x, axis=0).values, lambda: nerve.nanmedian(x, 0).values),
        (lambda: nerve.mode(x, axis=0).indices, lambda: nerve.mode(x, 0).indices),
        (lambda: nerve.quantile(x, 0.5, axis=0), lambda: nerve.quantile(x, 0.5, 0)),
        (lambda: nerve.nanquantile(x, 0.5, axis=0), lambda: nerve.nanquantile(x, 0.5, 0)),
        (lambda: nerve.count_nonzero(x, axis=0), lambda: nerve.count_nonzero(x, 0)),
        (lambda: nerve.aminmax(x, axis=0).max, lambda: nerve.aminmax(x, dim=0).max),
        (lambda: nerve.nansum(x, axis=0), lambda: nerve.nansum(x, 0)),
        (lambda: nerve.nanmean(x, axis=0), lambda: nerve.nanmean(x, 0)),
        (lambda: nerve.var_mean(x, axis=0)[0], lambda: nerve.var_mean(x, 0)[0]),
        (lambda: nerve.std_mean(x, axis=0)[1], lambda: nerve.std_mean(x, 0)[1]),
        (lambda: LA.vector_norm(x, axis=0), lambda: LA.vector_norm(x, dim=0)),
        (lambda: x.sort(axis=1).values, lambda: x.sort(1).values),
    ]
    for a, b in same:
        np.testing.assert_array_equal(_np(a()), _np(b()))
    with pytest.raises(TypeError):
        nerve.cumsum(x, 0, axis=1)


# ------------------------------------------------------------------ errors
def _errors():
    import torch as T
    f, i = np.array([[1.0, 5.0, 2.0], [4.0, 0.0, 3.0]], np.float32), np.array([1, 2])
    return [
        ("topk k>n", lambda m, t: m.topk(t(f), 4)),
        ("topk k<0", lambda m, t: m.topk(t(f), -1)),
        ("topk float k", lambda m, t: m.topk(t(f), 1.5)),
        ("topk dim", lambda m, t: m.topk(t(f), 1, dim=2)),
        ("sort dim", lambda m, t: m.sort(t(f), dim=3)),
        ("kthvalue k=0", lambda m, t: m.kthvalue(t(f), 0)),
        ("kthvalue k>n", lambda m, t: m.kthvalue(t(f), 4)),
        ("kthvalue empty", lambda m, t: m.kthvalue(t(np.zeros((2, 0), np.float32)), 1)),
        ("median empty dim", lambda m, t: m.median(t(np.zeros((2, 0), np.float32)), 1)),
        ("median dim tuple", lambda m, t: m.median(t(f), dim=(0, 1))),
        ("mode empty dim", lambda m, t: m.mode(t(np.zeros((2, 0), np.float32)))),
        ("cumsum dim", lambda m, t: m.cumsum(t(f), 2)),
        ("logcumsumexp int", lambda m, t: m.logcumsumexp(t(i), 0)),
        ("quantile int", lambda m, t: m.quantile(t(i), 0.5)),
        ("quantile q>1", lambda m, t: m.quantile(t(f), 1.5)),
        ("quantile q dtype", lambda m, t: m.quantile(t(f), t(np.array([0.5]))),),
        ("quantile q values", lambda m, t: m.quantile(t(f), t(np.array([0.5, 2.0], np.float32)))),
        ("quantile q 2-d", lambda m, t: m.quantile(t(f), t(np.array([[0.5]], np.float32)))),
        ("quantile interpolation", lambda m, t: m.quantile(t(f), 0.5, interpolation="foo")),
        ("quantile empty", lambda m, t: m.quantile(t(np.zeros(0, np.float32)), 0.5)),
        ("var_mean int", lambda m, t: m.var_mean(t(i))),
        ("std_mean int", lambda m, t: m.std_mean(t(i))),
        ("nanmean int", lambda m, t: m.nanmean(t(i))),
        ("aminmax empty", lambda m, t: m.aminmax(t(np.zeros(0, np.float32)))),
        ("vector_norm int", lambda m, t: m.linalg.vector_norm(t(i))),
        ("vector_norm inf empty", lambda m, t: m.linalg.vector_norm(t(np.zeros(0, np.float32)), inf)),
        ("vector_norm -1 empty dim", lambda m, t: m.linalg.vector_norm(t(np.zeros((2, 0), np.float32)), -1, dim=1)),
        ("vector_norm str ord", lambda m, t: m.linalg.vector_norm(t(f), "fro")),
        ("vector_norm repeated dim", lambda m, t: m.linalg.vector_norm(t(f), dim=(0, 0))),
        ("norm int", lambda m, t: m.norm(t(i))),
        ("norm bad str", lambda m, t: m.norm(t(f), "foo")),
        ("norm nuc 3-d", lambda m, t: m.norm(t(np.zeros((2, 2, 2), np.float32)), "nuc")),
        ("matrix_norm 1-d", lambda m, t: m.linalg.matrix_norm(t(np.zeros(3, np.float32)))),
        ("matrix_norm ord 3", lambda m, t: m.linalg.matrix_norm(t(f), 3)),
        ("matrix_norm dim len", lambda m, t: m.linalg.matrix_norm(t(f), dim=(0,))),
        ("matrix_norm same dims", lambda m, t: m.linalg.matrix_norm(t(f), dim=(0, 0))),
        ("linalg.norm 3-d ord", lambda m, t: m.linalg.norm(t(np.zeros((2, 2, 2), np.float32)), 2)),
        ("linalg.norm dim len 3", lambda m, t: m.linalg.norm(t(np.zeros((2, 2, 2), np.float32)), dim=(0, 1, 2))),
        ("dist int", lambda m, t: m.dist(t(i), t(i))),
        ("cdist 1-d", lambda m, t: m.cdist(t(np.zeros(3, np.float32)), t(np.zeros(3, np.float32)))),
        ("cdist columns", lambda m, t: m.cdist(t(np.zeros((3, 2), np.float32)), t(np.zeros((3, 4), np.float32)))),
        ("cdist p<0", lambda m, t: m.cdist(t(f), t(f), p=-1)),
        ("cdist int", lambda m, t: m.cdist(t(np.zeros((3, 2), np.int64)), t(np.zeros((3, 2), np.int64)))),
        ("cdist batch", lambda m, t: m.cdist(t(np.zeros((2, 3, 2), np.float32)), t(np.zeros((3, 3, 2), np.float32)))),
        ("multinomial negative", lambda m, t: m.multinomial(t(np.array([1.0, -1.0], np.float32)), 1)),
        ("multinomial nan", lambda m, t: m.multinomial(t(np.array([1.0, nan], np.float32)), 1)),
        ("multinomial inf", lambda m, t: m.multinomial(t(np.array([1.0, inf], np.float32)), 1)),
        ("multinomial zero sum", lambda m, t: m.multinomial(t(np.array([0.0, 0.0], np.float32)), 1)),
        ("multinomial zero row", lambda m, t: m.multinomial(t(np.array([[1.0, 1.0], [0.0, 0.0]], np.float32)), 1)),
        ("multinomial too many", lambda m, t: m.multinomial(t(np.array([1.0, 1.0], np.float32)), 3)),
        ("multinomial int", lambda m, t: m.multinomial(t(i), 1)),
        ("multinomial 3-d", lambda m, t: m.multinomial(t(np.ones((2, 2, 2), np.float32)), 1)),
        ("multinomial 0-d", lambda m, t: m.multinomial(t(np.array(1.0, np.float32)), 1)),
        ("multinomial 0 samples", lambda m, t: m.multinomial(t(np.array([1.0, 1.0], np.float32)), 0)),
        ("bernoulli p out of range", lambda m, t: m.bernoulli(t(np.array([0.5, 1.5], np.float32)))),
        ("bernoulli scalar p", lambda m, t: m.bernoulli(t(np.array([0.5], np.float32)), p=2.0)),
        ("bernoulli int", lambda m, t: m.bernoulli(t(i))),
        ("poisson negative", lambda m, t: m.poisson(t(np.array([-1.0, 2.0], np.float32)))),
        ("poisson nan", lambda m, t: m.poisson(t(np.array([nan], np.float32)))),
        ("poisson int", lambda m, t: m.poisson(t(i))),
    ], T


def _error_cases():
    if torch is None:
        return [pytest.param(None, id="no-torch")]
    errs, _ = _errors()
    return [pytest.param(i, id=name) for i, (name, _) in enumerate(errs)]


@pytest.mark.parametrize("k", _error_cases())
def test_errors_match_torch_exception_types(k):
    T = need_torch()
    errs, _ = _errors()
    name, call = errs[k]
    with pytest.raises(Exception) as te:
        call(T, T.tensor)
    with pytest.raises(Exception) as ne:
        call(nerve, nerve.tensor)
    assert isinstance(ne.value, te.type), f"{name}: nerve raised {ne.type.__name__}, PyTorch {te.type.__name__}"
    assert len(str(ne.value)) > 10


# ------------------------------------------------ gradients at special points
def test_cumprod_gradient_with_many_zeros_matches_torch():
    T = need_torch()
    a = np.random.default_rng(9).integers(-1, 3, (6, 7)).astype(np.float64)
    for dim in (0, 1):
        x, t = nerve.tensor(a, requires_grad=True), T.tensor(a, requires_grad=True)
        g = np.random.default_rng(dim).standard_normal(a.shape)
        nerve.cumprod(x, dim).backward(nerve.tensor(g))
        T.cumprod(t, dim).backward(T.tensor(g))
        np.testing.assert_allclose(_np(x.grad), t.grad.numpy(), rtol=1e-12, atol=1e-12)
        assert np.isfinite(_np(x.grad)).all()


def test_logcumsumexp_is_stable_at_large_magnitudes():
    T = need_torch()
    a = np.array([[-1e4, 0.0, 1e4, -3.0, 1e4 + 1.0], [50.0, -1e5, 20.0, 51.0, -1e5]])
    x, t = nerve.tensor(a, requires_grad=True), T.tensor(a, requires_grad=True)
    y = nerve.logcumsumexp(x, 1)
    assert np.isfinite(_np(y)).all()
    np.testing.assert_allclose(_np(y), T.logcumsumexp(t, 1).detach().numpy(), rtol=1e-12)
    g = np.array([[1.0, -2.0, 0.5, 1.0, -1.0], [0.3, 1.0, -1.0, 2.0, 1.0]])
    y.backward(nerve.tensor(g))
    T.logcumsumexp(t, 1).backward(T.tensor(g))
    np.testing.assert_allclose(_np(x.grad), t.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_matrix_norm_svd_orders_have_first_derivatives_only():
    x = nerve.tensor(np.random.default_rng(10).standard_normal((3, 3)), requires_grad=True)
    (g,) = nerve.autograd.grad(LA.matrix_norm(x, "nuc"), [x], create_graph=True)
    with pytest.raises(RuntimeError, match="second derivative"):
        g.sum().backward()


def test_sort_gradient_is_the_upstream_gradient_put_back_by_index():
    x = nerve.tensor(np.random.default_rng(11).standard_normal((3, 8)), requires_grad=True)
    v, i = nerve.sort(x, 1, descending=True)
    g = np.random.default_rng(12).standard_normal((3, 8))
    v.backward(nerve.tensor(g))
    want = np.zeros((3, 8))
    np.put_along_axis(want, _np(i), g, 1)
    np.testing.assert_array_equal(_np(x.grad), want)


# --------------------------------------------------------------- sampling
def _freq(samples, k):
    return np.bincount(np.asarray(samples).ravel(), minlength=k) / np.asarray(samples).size


def test_multinomial_with_replacement_draws_in_proportion():
    w = np.array([[0.0, 1.0, 2.0, 7.0], [5.0, 0.0, 5.0, 0.0]], np.float32)      # not normalized
    nerve.manual_seed(0)
    s = _np(nerve.multinomial(nerve.tensor(w), 40000, replacement=True))
    assert s.shape == (2, 40000) and s.dtype == np.int64
    for r in range(2):
        p = w[r] / w[r].sum()
        f = _freq(s[r], 4)
        assert np.all(np.abs(f - p) <= 5 * np.sqrt(p * (1 - p) / 40000) + 1e-12), (r, f, p)
        assert np.all(f[p == 0] == 0), "a zero weight was drawn"


def test_multinomial_without_replacement_is_sequential_sampling():
    w = np.array([1.0, 2.0, 3.0, 4.0], np.float32)
    rows = 40000
    g = nerve.Generator().manual_seed(1)
    s = _np(nerve.multinomial(nerve.tensor(np.tile(w, (rows, 1))), 2, generator=g))
    assert s.shape == (rows, 2)
    assert np.all(s[:, 0] != s[:, 1]), "drew the same index twice without replacement"
    p_first = w / w.sum()
    f = _freq(s[:, 0], 4)
    assert np.all(np.abs(f - p_first) <= 5 * np.sqrt(p_first * (1 - p_first) / rows))
    # P(first = i, second = j) = w_i / S * w_j / (S - w_i)
    joint = np.zeros((4, 4))
    np.add.at(joint, (s[:, 0], s[:, 1]), 1.0 / rows)
    want = np.array([[0 if i == j else w[i] / w.sum() * w[j] / (w.sum() - w[i]) for j in range(4)] for i in range(4)])
    assert np.all(np.abs(joint - want) <= 5 * np.sqrt(want * (1 - want) / rows) + 1e-12)
    full = _np(nerve.multinomial(nerve.tensor(w), 4, generator=g))
    np.testing.assert_array_equal(np.sort(full), np.arange(4))


def test_multinomial_zero_weights_come_last_without_replacement():
    T = need_torch()
    n = _np(nerve.multinomial(nerve.tensor([1.0, 0.0, 0.0]), 2))
    np.testing.assert_array_equal(n, T.multinomial(T.tensor([1.0, 0.0, 0.0]), 2).numpy())
    s = _np(nerve.multinomial(nerve.tensor(np.tile([0.0, 3.0, 0.0, 1.0], (50, 1))), 2))
    assert np.all(np.sort(s, 1) == [1, 3])


def test_multinomial_shapes_and_seeding():
    w = nerve.tensor([0.2, 0.3, 0.5])
    assert nerve.multinomial(w, 5, True).shape == (5,)
    assert nerve.multinomial(nerve.tensor(np.ones((0, 3), np.float32)), 2).shape == (0, 2)
    nerve.manual_seed(123)
    a = _np(w.multinomial(50, replacement=True))
    nerve.manual_seed(123)
    b = _np(nerve.multinomial(w, 50, replacement=True))
    np.testing.assert_array_equal(a, b)
    g1, g2 = nerve.Generator().manual_seed(7), nerve.Generator().manual_seed(7)
    np.testing.assert_array_equal(_np(nerve.multinomial(w, 3, generator=g1)), _np(nerve.multinomial(w, 3, generator=g2)))
    c = _np(nerve.multinomial(w, 50, replacement=True))
    assert not np.array_equal(b, c), "consecutive draws repeated"


def test_bernoulli_statistics_dtype_seeding_and_gradient():
    T = need_torch()
    p = np.array([0.0, 0.2, 0.9, 1.0])
    probs = nerve.tensor(np.tile(p, (20000, 1)))                       # float64 stays float64
    nerve.manual_seed(0)
    s = _np(nerve.bernoulli(probs))
    assert s.dtype == np.float64 and set(np.unique(s)) <= {0.0, 1.0}
    m = s.mean(0)
    assert m[0] == 0 and m[3] == 1
    assert np.all(np.abs(m - p) <= 5 * np.sqrt(p * (1 - p) / 20000) + 1e-12)
    half = _np(nerve.bernoulli(nerve.zeros(20000), 0.5))
    assert abs(half.mean() - 0.5) < 5 * 0.5 / np.sqrt(20000)
    nerve.manual_seed(5)
    a = _np(probs.bernoulli())
    nerve.manual_seed(5)
    np.testing.assert_array_equal(a, _np(nerve.bernoulli(probs)))
    g = nerve.Generator().manual_seed(3)
    b1 = _np(nerve.bernoulli(probs, generator=g))
    np.testing.assert_array_equal(b1, _np(nerve.bernoulli(probs, generator=nerve.Generator().manual_seed(3))))
    # like PyTorch: in the graph, zero gradient
    x = nerve.tensor([0.3, 0.7], requires_grad=True)
    tx = T.tensor([0.3, 0.7], requires_grad=True)
    y = nerve.bernoulli(x)
    assert y.requires_grad == T.bernoulli(tx).requires_grad
    (y * 3).sum().backward()
    np.testing.assert_array_equal(_np(x.grad), [0.0, 0.0])


def test_poisson_statistics_and_seeding():
    rates = np.array([0.0, 0.5, 3.0, 40.0], np.float32)
    r = nerve.tensor(np.tile(rates, (20000, 1)))
    nerve.manual_seed(2)
    s = _np(nerve.poisson(r))
    assert s.dtype == np.float32
    assert np.all(s[:, 0] == 0) and np.all(s == np.round(s)) and np.all(s >= 0)
    m, v = s.mean(0), s.var(0)
    assert np.all(np.abs(m - rates) <= 5 * np.sqrt(rates / 20000) + 1e-12)
    assert np.all(np.abs(v[1:] - rates[1:]) <= 0.1 * rates[1:])
    nerve.manual_seed(2)
    np.testing.assert_array_equal(s, _np(nerve.poisson(r)))
    g = nerve.Generator().manual_seed(4)
    np.testing.assert_array_equal(_np(nerve.poisson(r, g)), _np(nerve.poisson(r, nerve.Generator().manual_seed(4))))


# ------------------------------------------------------------ public names
def test_public_names_and_tensor_methods():
    from nerve.ops import sorting
    for name in sorting.__all__:
        assert getattr(nerve, name) is getattr(sorting, name), name
    for name in sorting.TENSOR_METHODS:
        assert hasattr(nerve.Tensor, name), name
        if torch is not None:
            assert hasattr(torch.Tensor, name), f"Tensor.{name} is not a PyTorch method"
    for name in LA.__all__:
        assert callable(getattr(LA, name))
    assert nerve.cumsum(nerve.tensor(np.array([1, 2], np.int32)), 0).dtype == nerve.int64   # the override is live
    assert nerve.Tensor.cumsum is sorting.cumsum
