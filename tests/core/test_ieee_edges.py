"""Every op of the op tables at IEEE edge values (0, -0, +-inf, NaN, 1e30, 3e38, denormals).

Issue 7: NumPy's RuntimeWarnings (divide by zero, invalid value, overflow) never reach a
user from inside an op; the result is the IEEE value, as in PyTorch. Each case of the
declarative tables (tests/core/optest.py) is re-run with edge values written over its
first elements, forward and backward, with warnings turned into errors; where the entry
has a PyTorch counterpart, the forward values and the input gradients are compared with
PyTorch's (NaN equal to NaN, inf to inf).

``KNOWN_FORWARD`` / ``KNOWN_BACKWARD`` list the cases whose values still differ from
PyTorch's at these edges (strict xfails, so a fix shows up): reductions whose float64
intermediates do not overflow where PyTorch's float32 ones do (std/var/cdist near 3e38),
the order of 0 and -0 in topk, and subgradient choices at inf/NaN ties (max/amax,
norms, scatter_reduce, cumprod through a zero). None of them warns.
"""
import os
import sys
import warnings

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "nn"))
from optest import _outs, _to_np, cases, torch  # noqa: E402

import nerve  # noqa: E402

import test_ops  # noqa: E402
import test_ops_layout  # noqa: E402
import test_ops_linalg_extra  # noqa: E402
import test_ops_pointwise  # noqa: E402
import test_ops_sorting  # noqa: E402
import test_functional_extra  # noqa: E402

TABLES = (test_ops.ALL + test_ops_layout.ALL + test_ops_pointwise.ALL + test_ops_sorting.ALL
          + test_ops_linalg_extra.TABLE + test_functional_extra.PRIMITIVES)
EDGES = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e30, -1e30, 1e-40, 3e38, -1.0])

KNOWN_FORWARD = {
    "addmv[3&3x4&4]",
    "cdist_mm[30x3&28x3]",
    "cdist_mm_forced[4x3&5x3]",
    "cdist_p0[4x3&5x3]",
    "cdist_pinf[4x3&5x3]",
    "cumprod_zeros[5x5]",
    "hardswish[4x5]",
    "nll_ignore_mean[4x3]",
    "nll_ignore_weight_sum[4x3]",
    "std_dim_correction0[2x3x4]",
    "std_dims_keepdim[2x3x4]",
    "std_mean[2x3x4]",
    "std_mean[3x4]",
    "topk_all[3x4]",
    "var_mean[2x3x4]",
    "var_mean[2x3x4]",
    "var_mean_unbiased_positional[2x3x4]",
}
KNOWN_BACKWARD = {
    "std_dim_correction0[2x3x4]",
    "std_dims_keepdim[2x3x4]",
    "var_mean[2x3x4]",
    "cumprod_zeros[5x5]",
    "var_mean_unbiased_positional[2x3x4]",
    "std_mean[2x3x4]",
    "std_mean[3x4]",
    "cdist_pinf[4x3&5x3]",
    "hardswish[4x5]",
    "cdist_empty[0x3&5x3]",
    "cumprod[2x3x4]",
    "cumprod[3x4]",
    "cumprod_dims[5]",
    "cumprod_zeros_dim0[5x5]",
    "dist_p[3x4&3x4]",
    "dist_pinf[6&6]",
    "einsum_bilinear[2x3&4x3x5&2x5]",
    "einsum_four_way[2x3&3x2&2x3&3x2]",
    "einsum_three_way[2x3&3x4&4x2]",
    "linalg_norm_dim1[2x3x4]",
    "max_all[2x3x4]",
    "max_all_ties[2x3]",
    "min_all[2x3x4]",
    "norm_p1[2x3x4]",
    "norm_pinf_dim[2x3x4]",
    "pow_half[3x4]",
    "pow_half[5]",
    "scatter_reduce_2d_amax[3x4&3x3]",
    "scatter_reduce_amax[5&6]",
    "scatter_reduce_amax_noself[5&6]",
    "scatter_reduce_amax_ties[5&6]",
    "scatter_reduce_amin[5&6]",
    "scatter_reduce_amin_noself[5&6]",
    "scatter_reduce_amin_ties[5&6]",
    "sinc[3x4]",
    "sinc_special[8]",
    "vector_norm_at_zero_ord_1[2x3]",
    "vector_norm_at_zero_ord_inf[2x3]",
    "vector_norm_ord_-inf[2x3x4]",
    "vector_norm_ord_-inf[5]",
    "vector_norm_ord_1[2x3x4]",
    "vector_norm_ord_1[5]",
    "vector_norm_ord_inf[2x3x4]",
    "vector_norm_ord_inf[5]",
}


def _edge_inputs(case):
    out = []
    for k, a in enumerate(case.arrays()):
        a = a.copy()
        flat = a.reshape(-1)
        n = min(flat.size, len(EDGES))
        flat[:n] = np.roll(EDGES, k)[:n]      # each input gets the edges in another order
        out.append(a.astype(np.float32))
    return out


def _run(case, arrays):
    """Forward and backward (sum of the float outputs) with every warning an error."""
    xs = [nerve.tensor(a, requires_grad=r) for a, r in zip(arrays, case.requires())]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            ys = _outs(case.op.fn(*xs))
        except Warning:
            raise
        except Exception as e:   # a clear error for an input it refuses is fine here
            pytest.skip(f"nerve refuses these inputs: {type(e).__name__}: {str(e)[:80]}")
        outs = [y for y in ys if y.requires_grad]
        if outs:
            total = outs[0].sum()
            for y in outs[1:]:
                total = total + y.sum()
            total.backward()
    return xs, ys


def _params(known):
    out = []
    for p in cases(TABLES):
        marks = list(p.marks)
        if p.id in known:
            marks.append(pytest.mark.xfail(strict=True, reason="value differs from PyTorch at IEEE edges"))
        out.append(pytest.param(*p.values, id=p.id, marks=marks))
    return out


def _close(a, b):
    a, b = _to_np(a), _to_np(b)
    return a.shape == b.shape and np.allclose(a.astype(np.float64), b.astype(np.float64), rtol=1e-4,
                                              atol=1e-5, equal_nan=True)


@pytest.mark.parametrize("case", _params(()))
def test_no_numpy_warning_at_edges(case):
    _run(case, _edge_inputs(case))


def _torch_run(case, arrays):
    if torch is None:
        pytest.skip("PyTorch is not installed (it is only a test oracle)")
    if case.op.torch_fn is None:
        pytest.skip("no PyTorch counterpart")
    ts = [torch.tensor(a, requires_grad=r) for a, r in zip(arrays, case.requires())]
    try:
        tys = _outs(case.op.torch_fn(*ts))
    except Exception as e:
        pytest.skip(f"PyTorch refuses these inputs: {type(e).__name__}")
    outs = [t for t in tys if t.requires_grad]
    if outs:
        sum(t.sum() for t in outs).backward()
    return ts, tys


@pytest.mark.parametrize("case", _params(KNOWN_FORWARD))
def test_forward_matches_torch_at_edges(case):
    arrays = _edge_inputs(case)
    _, tys = _torch_run(case, arrays)
    _, ys = _run(case, arrays)
    assert len(ys) == len(tys)
    for i, (y, t) in enumerate(zip(ys, tys)):
        assert _close(y, t), f"{case.id} output {i}: {_to_np(y).ravel()[:8]} vs torch {_to_np(t).ravel()[:8]}"


@pytest.mark.parametrize("case", _params(KNOWN_BACKWARD))
def test_backward_matches_torch_at_edges(case):
    arrays = _edge_inputs(case)
    ts, _ = _torch_run(case, arrays)
    xs, _ = _run(case, arrays)
    for i, (x, t) in enumerate(zip(xs, ts)):
        if x.grad is not None and t.grad is not None:
            assert _close(x.grad, t.grad), (f"{case.id} grad {i}: {_to_np(x.grad).ravel()[:8]} vs torch "
                                            f"{_to_np(t.grad).ravel()[:8]}")
