"""Layout, scatter/index and einsum ops (``nerve.ops.layout``, ``scatter``, ``einsum``).

The table gives every differentiable op one or more declarative entries (see optest.py:
forward and backward against PyTorch, float64 gradcheck, fast path against graph path, and
gradgradcheck for the entries marked). Plain tests below cover what a table cannot: integer
results (indices, nonzero, searchsorted), errors (same exception type as PyTorch), and edge
cases (negative dims, empty and 0-d tensors, integer dtypes kept).

Where PyTorch's own backward is missing or wrong for a case (``scatter`` with ``reduce=``,
a ``src`` larger than ``index``, ``index_fill`` with negative indices), the oracle is an
equivalent PyTorch expression that it differentiates correctly.
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


def nt(a):
    """A constant nerve tensor from NumPy data (indices, masks)."""
    return nerve.tensor(np.asarray(a))


def tt(a):
    return torch.tensor(np.asarray(a))


def need_torch():
    return pytest.importorskip("torch")


R3 = (2, 3, 4)

# ------------------------------------------------------------------ layout
LAYOUT = [
    Op("roll_flat", lambda x: nerve.roll(x, 2), lambda x: torch.roll(x, 2), [(3, 4), (), (0, 3), (5,)], gradgrad=True),
    Op("roll_dims", lambda x: x.roll((1, -2), (0, -1)), lambda x: x.roll((1, -2), (0, -1)), [(3, 4), R3]),
    Op("roll_neg_dim", lambda x: nerve.roll(x, -1, -1), lambda x: torch.roll(x, -1, -1), [(3, 4), (5,)]),
    Op("roll_same_dim_twice", lambda x: nerve.roll(x, (1, 2), (0, 0)), lambda x: torch.roll(x, (1, 2), (0, 0)),
       [(4, 3)]),
    Op("roll_big_shift", lambda x: x.roll(7, 1), lambda x: x.roll(7, 1), [(2, 3)]),
    Op("tril", lambda x: x.tril(), lambda x: x.tril(), [(4, 4), (3, 5), R3, (0, 3)], gradgrad=True),
    Op("tril_k", lambda x: nerve.tril(x, -1), lambda x: torch.tril(x, -1), [(4, 4), (5, 3)]),
    Op("triu", lambda x: nerve.triu(x), lambda x: torch.triu(x), [(4, 4), (3, 5), R3]),
    Op("triu_k", lambda x: x.triu(2), lambda x: x.triu(2), [(4, 4), (2, 5, 3)]),
    Op("diag_1d", lambda x: nerve.diag(x), lambda x: torch.diag(x), [(5,), (0,)], gradgrad=True),
    Op("diag_1d_offset", lambda x: x.diag(1), lambda x: x.diag(1), [(4,)]),
    Op("diag_1d_neg_offset", lambda x: x.diag(-2), lambda x: x.diag(-2), [(3,)]),
    Op("diag_2d", lambda x: nerve.diag(x), lambda x: torch.diag(x), [(3, 4), (4, 3)], gradgrad=True),
    Op("diag_2d_offset", lambda x: x.diag(1), lambda x: x.diag(1), [(3, 4)]),
    Op("diag_2d_neg_offset", lambda x: x.diag(-2), lambda x: x.diag(-2), [(4, 3)]),
    Op("diag_2d_offset_past_end", lambda x: x.diag(10), lambda x: x.diag(10), [(3, 4)]),
    Op("diagonal", lambda x: x.diagonal(), lambda x: x.diagonal(), [(3, 4), R3], gradgrad=True),
    Op("diagonal_dims", lambda x: nerve.diagonal(x, 1, -1, 0), lambda x: torch.diagonal(x, 1, -1, 0), [R3]),
    Op("diagonal_neg_offset", lambda x: x.diagonal(-1, 2, 0), lambda x: x.diagonal(-1, 2, 0), [(4, 3, 2)]),
    Op("diagonal_middle", lambda x: x.diagonal(0, 1, 2), lambda x: x.diagonal(0, 1, 2), [(2, 3, 3, 2)]),
    Op("diag_embed", lambda x: nerve.diag_embed(x), lambda x: torch.diag_embed(x), [(2, 3), (4,)], gradgrad=True),
    Op("diag_embed_dims", lambda x: x.diag_embed(1, 0, 2), lambda x: x.diag_embed(1, 0, 2), [(2, 3)]),
    Op("diag_embed_reversed", lambda x: x.diag_embed(-1, 1, 0), lambda x: x.diag_embed(-1, 1, 0), [(2, 3)]),
    Op("diagflat", lambda x: nerve.diagflat(x), lambda x: torch.diagflat(x), [(2, 2), (3,), ()]),
    Op("diagflat_offset", lambda x: x.diagflat(-1), lambda x: x.diagflat(-1), [(2, 2)]),
    Op("unfold_overlap", lambda x: x.unfold(1, 2, 1), lambda x: x.unfold(1, 2, 1), [(3, 6), (2, 5, 3)],
       gradgrad=True),
    Op("unfold_step", lambda x: x.unfold(0, 3, 2), lambda x: x.unfold(0, 3, 2), [(7,), (8, 2)]),
    Op("unfold_neg_dim", lambda x: x.unfold(-1, 2, 2), lambda x: x.unfold(-1, 2, 2), [(3, 4)]),
    Op("unfold_whole", lambda x: x.unfold(0, 5, 1), lambda x: x.unfold(0, 5, 1), [(5, 2)]),
    Op("unfold_size0", lambda x: x.unfold(1, 0, 1), lambda x: x.unfold(1, 0, 1), [(3, 4)]),
    Op("unfold_0d", lambda x: x.unfold(0, 1, 1), lambda x: x.unfold(0, 1, 1), [()]),
    Op("repeat_interleave_flat", lambda x: nerve.repeat_interleave(x, 2), lambda x: torch.repeat_interleave(x, 2),
       [(3, 4), (), (0, 2)], gradgrad=True),
    Op("repeat_interleave_dim", lambda x: x.repeat_interleave(3, 1), lambda x: x.repeat_interleave(3, 1),
       [(2, 3), R3]),
    Op("repeat_interleave_neg_dim", lambda x: x.repeat_interleave(2, dim=-1),
       lambda x: x.repeat_interleave(2, dim=-1), [R3]),
    Op("repeat_interleave_tensor", lambda x: x.repeat_interleave(nt([1, 0, 2]), 0),
       lambda x: x.repeat_interleave(tt([1, 0, 2]), 0), [(3, 4)], gradgrad=True),
    Op("repeat_interleave_one_count", lambda x: x.repeat_interleave(nt([2]), 0),
       lambda x: x.repeat_interleave(tt([2]), 0), [(3, 4)]),
    Op("repeat_interleave_0d_count", lambda x: x.repeat_interleave(nt(2), 1),
       lambda x: x.repeat_interleave(tt(2), 1), [(3, 4)]),
    Op("repeat_interleave_zero", lambda x: x.repeat_interleave(0, 0), lambda x: x.repeat_interleave(0, 0), [(3, 4)]),
    Op("meshgrid_ij", lambda a, b: nerve.meshgrid(a, b), lambda a, b: torch.meshgrid(a, b, indexing="ij"),
       [((2,), (3,)), ((), (3,)), ((0,), (2,))], gradgrad=True),
    Op("meshgrid_xy", lambda a, b, c: nerve.meshgrid(a, b, c, indexing="xy"),
       lambda a, b, c: torch.meshgrid(a, b, c, indexing="xy"), [((2,), (3,), (4,))]),
    Op("meshgrid_list", lambda a, b: nerve.meshgrid([a, b], indexing="ij"),
       lambda a, b: torch.meshgrid([a, b], indexing="ij"), [((2,), (3,))]),
    Op("meshgrid_one", lambda a: nerve.meshgrid(a, indexing="xy"), lambda a: torch.meshgrid(a, indexing="xy"),
       [(3,)]),
    Op("tile", lambda x: x.tile(2, 1), lambda x: x.tile(2, 1), [(3, 4), (2,), ()]),
    Op("tile_short_dims", lambda x: nerve.tile(x, (2,)), lambda x: torch.tile(x, (2,)), [(3, 4), R3]),
    Op("tile_long_dims", lambda x: nerve.tile(x, (2, 1, 3)), lambda x: torch.tile(x, (2, 1, 3)), [(3, 4), (2,)]),
    Op("narrow", lambda x: x.narrow(1, 1, 2), lambda x: x.narrow(1, 1, 2), [(3, 4), R3], gradgrad=True),
    Op("narrow_neg", lambda x: nerve.narrow(x, -1, -2, 2), lambda x: torch.narrow(x, -1, -2, 2), [(3, 4)]),
    Op("narrow_empty", lambda x: x.narrow(0, 3, 0), lambda x: x.narrow(0, 3, 0), [(3, 4)]),
    Op("narrow_tensor_start", lambda x: x.narrow(0, nt(1), 2), lambda x: x.narrow(0, tt(1), 2), [(3, 4)]),
    Op("unbind", lambda x: nerve.unbind(x, 1), lambda x: torch.unbind(x, 1), [(3, 4), R3]),
    Op("unbind_neg", lambda x: x.unbind(-1), lambda x: x.unbind(-1), [R3]),
    Op("take", lambda x: x.take(nt([[0, -1], [5, 11], [5, 5]])), lambda x: x.take(tt([[0, -1], [5, 11], [5, 5]])),
       [(3, 4), (2, 6)], gradgrad=True),
    Op("take_0d_index", lambda x: nerve.take(x, nt(3)), lambda x: torch.take(x, tt(3)), [(5,), (2, 2)]),
    Op("take_0d_input", lambda x: nerve.take(x, nt([0, 0])), lambda x: torch.take(x, tt([0, 0])), [()]),
    Op("flip", lambda x: nerve.flip(x, (0, 1)), lambda x: torch.flip(x, (0, 1)), [(3, 4), R3], gradgrad=True),
    Op("flip_method_varargs", lambda x: x.flip(0, -1), lambda x: x.flip(0, -1), [R3]),
    Op("flip_int_dim", lambda x: x.flip(-1), lambda x: x.flip(-1), [(3, 4), (5,)]),
    Op("flip_no_dims", lambda x: nerve.flip(x, ()), lambda x: torch.flip(x, ()), [(3, 4)]),
    Op("flip_0d", lambda x: nerve.flip(x, (0,)), lambda x: torch.flip(x, (0,)), [()]),
    Op("fliplr", lambda x: nerve.fliplr(x), lambda x: torch.fliplr(x), [(3, 4), R3]),
    Op("flipud", lambda x: x.flipud(), lambda x: x.flipud(), [(3, 4), (5,)]),
    Op("rot90", lambda x: nerve.rot90(x), lambda x: torch.rot90(x), [(3, 4), R3], gradgrad=True),
    Op("rot90_k2", lambda x: x.rot90(2), lambda x: x.rot90(2), [(3, 4)]),
    Op("rot90_k3_dims", lambda x: x.rot90(3, (1, 2)), lambda x: x.rot90(3, (1, 2)), [R3]),
    Op("rot90_neg_k", lambda x: nerve.rot90(x, -1, (-1, 0)), lambda x: torch.rot90(x, -1, (-1, 0)), [(3, 4)]),
    Op("rot90_k4", lambda x: x.rot90(4), lambda x: x.rot90(4), [(3, 4)]),
    Op("moveaxis", lambda x: nerve.moveaxis(x, 0, -1), lambda x: torch.moveaxis(x, 0, -1), [R3]),
    Op("moveaxis_method", lambda x: x.moveaxis((0, 1), (2, 0)), lambda x: x.moveaxis((0, 1), (2, 0)), [R3]),
    Op("swapdims", lambda x: nerve.swapdims(x, 0, -1), lambda x: torch.swapdims(x, 0, -1), [R3]),
    Op("swapaxes_method", lambda x: x.swapaxes(1, 2), lambda x: x.swapaxes(1, 2), [R3]),
    Op("swapdims_method", lambda x: x.swapdims(0, 1), lambda x: x.swapdims(0, 1), [(3, 4)]),
    Op("t", lambda x: nerve.t(x) * 1, lambda x: torch.t(x) * 1, [(3, 4), (5,), ()]),
    Op("atleast_1d", lambda x: nerve.atleast_1d(x) * 1, lambda x: torch.atleast_1d(x) * 1, [(), (3,), (2, 3)]),
    Op("atleast_2d", lambda x: nerve.atleast_2d(x) * 1, lambda x: torch.atleast_2d(x) * 1, [(), (3,), R3]),
    Op("atleast_3d", lambda x: nerve.atleast_3d(x) * 1, lambda x: torch.atleast_3d(x) * 1,
       [(), (3,), (2, 3), (2, 3, 4, 1)]),
    Op("atleast_1d_many", lambda a, b: nerve.atleast_1d(a, b), lambda a, b: torch.atleast_1d(a, b), [((), (3,))]),
    Op("atleast_3d_list", lambda a, b: nerve.atleast_3d([a, b]), lambda a, b: torch.atleast_3d([a, b]),
       [((3,), (2, 3))]),
    Op("hstack", lambda a, b: nerve.hstack([a, b]), lambda a, b: torch.hstack([a, b]),
       [((3,), (2,)), ((2, 3), (2, 1)), ((), ())]),
    Op("vstack", lambda a, b: nerve.vstack([a, b]), lambda a, b: torch.vstack([a, b]),
       [((3,), (3,)), ((2, 3), (1, 3)), ((), ())]),
    Op("row_stack", lambda a, b: nerve.row_stack((a, b)), lambda a, b: torch.row_stack((a, b)), [((3,), (2, 3))]),
    Op("dstack", lambda a, b: nerve.dstack([a, b]), lambda a, b: torch.dstack([a, b]),
       [((3,), (3,)), ((2, 3), (2, 3)), ((2, 3, 1), (2, 3, 2))]),
    Op("column_stack", lambda a, b, c: nerve.column_stack([a, b, c]), lambda a, b, c: torch.column_stack([a, b, c]),
       [((3,), (3, 2), (3,))]),
    Op("column_stack_0d", lambda a, b: nerve.column_stack([a, b]), lambda a, b: torch.column_stack([a, b]),
       [((), ())]),
]

# ------------------------------------------------------------------ scatter / index
SC_IDX = np.array([[0, 2], [3, 1], [2, 0]])          # dim 1 of (3, 4), no repeats within a row
SC_IDX0 = np.array([[0, 1, 2, 0], [2, 2, 0, 1]])     # dim 0 of (3, 4), no repeats within a column
ADD_IDX = np.array([[0, 0], [3, 1], [1, 1]])         # repeats accumulate
RED_IDX = np.array([0, 0, 1, 1, 3, 0])               # into (5,): positions 2 and 4 get nothing
RED_IDX2 = np.array([[0, 0, 1], [3, 3, 3], [2, 1, 2]])
MASK = np.array([[True, False, True, False], [False, False, True, True], [True, True, False, False]])


def sr(reduce, include_self=True, idx=RED_IDX, dim=0):
    def n(x, s):
        return x.scatter_reduce(dim, nt(idx), s, reduce, include_self=include_self)

    def t(x, s):
        return x.scatter_reduce(dim, tt(idx), s, reduce, include_self=include_self)
    return n, t


RED_SHAPES = [((5,), (6,)), ((5,), (7,))]            # (src larger than index: the tail is unused)
RED_SHAPES2 = [((3, 4), (3, 3))]


def _np_scatter(x, s, dim, idx):
    out = x.copy()
    for p in np.ndindex(*idx.shape):
        q = list(p)
        q[dim] = idx[p]
        out[tuple(q)] = s[p]
    return out


SCATTER = [
    Op("take_along_dim", lambda x: x.take_along_dim(nt([[0], [3], [2]]), 1),
       lambda x: x.take_along_dim(tt([[0], [3], [2]]), 1), [(3, 4)], gradgrad=True),
    Op("take_along_dim_argsort", lambda x: nerve.take_along_dim(x, nt(np.argsort(np.arange(12).reshape(3, 4) % 5, 1)),
                                                                -1),
       lambda x: torch.take_along_dim(x, tt(np.argsort(np.arange(12).reshape(3, 4) % 5, 1)), -1), [(3, 4)]),
    Op("take_along_dim_bcast_input", lambda x: nerve.take_along_dim(x, nt([[0, 0, 0]]), 0),
       lambda x: torch.take_along_dim(x, tt([[0, 0, 0]]), 0), [(3, 1)]),
    Op("take_along_dim_bcast_index", lambda x: nerve.take_along_dim(x, nt([[0], [-1], [1]]), 1),
       lambda x: torch.take_along_dim(x, tt([[0], [-1], [1]]), 1), [(1, 4)]),
    Op("take_along_dim_flat", lambda x: nerve.take_along_dim(x, nt([0, 5, 5])),
       lambda x: torch.take_along_dim(x, tt([0, 5, 5])), [(3, 4), (6,)]),
    Op("take_along_dim_0d", lambda x: nerve.take_along_dim(x, nt([0])), lambda x: torch.take_along_dim(x, tt([0])),
       [()]),
    Op("scatter", lambda x, s: x.scatter(1, nt(SC_IDX), s), lambda x, s: x.scatter(1, tt(SC_IDX), s),
       [((3, 4), (3, 2))], gradgrad=True),
    Op("scatter_dim0", lambda x, s: nerve.scatter(x, 0, nt(SC_IDX0), s),
       lambda x, s: torch.scatter(x, 0, tt(SC_IDX0), s), [((3, 4), (2, 4))]),
    Op("scatter_neg_dim", lambda x, s: x.scatter(-1, nt(SC_IDX), s), lambda x, s: x.scatter(-1, tt(SC_IDX), s),
       [((3, 4), (3, 2))]),
    Op("scatter_src_larger", lambda x, s: x.scatter(1, nt(SC_IDX), s), lambda x, s: x.scatter(1, tt(SC_IDX), s[:3, :2]),
       [((3, 4), (4, 3))]),
    Op("scatter_index_smaller", lambda x, s: x.scatter(1, nt(SC_IDX[:2]), s),
       lambda x, s: x.scatter(1, tt(SC_IDX[:2]), s), [((3, 4), (2, 2))]),
    Op("scatter_value", lambda x: x.scatter(1, nt(SC_IDX), 2.5), lambda x: x.scatter(1, tt(SC_IDX), 2.5), [(3, 4)]),
    Op("scatter_value_kw", lambda x: nerve.scatter(x, 0, nt(SC_IDX0), value=-1.0),
       lambda x: torch.scatter(x, 0, tt(SC_IDX0), value=-1.0), [(3, 4)]),
    Op("scatter_0d", lambda x, s: x.scatter(0, nt(0), s), lambda x, s: x.scatter(0, tt(0), s), [((), ())]),
    Op("scatter_empty_index", lambda x, s: x.scatter(1, nt(np.zeros((0, 2), np.int64)), s),
       lambda x, s: x.scatter(1, tt(np.zeros((0, 2), np.int64)), s), [((3, 4), (0, 2))]),
    # PyTorch has no derivative for scatter(reduce=...): the same values through scatter_add / scatter_reduce
    Op("scatter_reduce_add", lambda x, s: x.scatter(1, nt(ADD_IDX), s, reduce="add"),
       lambda x, s: x.scatter_add(1, tt(ADD_IDX), s), [((3, 4), (3, 2))]),
    Op("scatter_reduce_multiply", lambda x, s: x.scatter(1, nt(ADD_IDX), s, reduce="multiply"),
       lambda x, s: x.scatter_reduce(1, tt(ADD_IDX), s, "prod"), [((3, 4), (3, 2))]),
    Op("scatter_add", lambda x, s: x.scatter_add(1, nt(ADD_IDX), s), lambda x, s: x.scatter_add(1, tt(ADD_IDX), s),
       [((3, 4), (3, 2))], gradgrad=True),
    Op("scatter_add_fn", lambda x, s: nerve.scatter_add(x, 0, nt(SC_IDX0), s),
       lambda x, s: torch.scatter_add(x, 0, tt(SC_IDX0), s), [((3, 4), (2, 4))]),
    Op("scatter_add_src_larger", lambda x, s: x.scatter_add(1, nt(ADD_IDX), s),
       lambda x, s: x.scatter_add(1, tt(ADD_IDX), s[:, :2]), [((3, 4), (3, 3))]),
    Op("scatter_add_src_only", lambda x, s: x.scatter_add(1, nt(ADD_IDX), s),
       lambda x, s: x.scatter_add(1, tt(ADD_IDX), s), [((3, 4), (3, 2))], grad=[False, True]),
    Op("scatter_reduce_sum", *sr("sum"), RED_SHAPES[:1], gradgrad=True),
    Op("scatter_reduce_sum_noself", *sr("sum", False), RED_SHAPES[:1]),
    Op("scatter_reduce_mean", *sr("mean"), RED_SHAPES[:1], gradgrad=True),
    Op("scatter_reduce_mean_noself", *sr("mean", False), RED_SHAPES[:1]),
    Op("scatter_reduce_amax", *sr("amax"), RED_SHAPES[:1], domain="distinct", gradgrad=True),
    Op("scatter_reduce_amax_noself", *sr("amax", False), RED_SHAPES[:1], domain="distinct"),
    Op("scatter_reduce_amin", *sr("amin"), RED_SHAPES[:1], domain="distinct"),
    Op("scatter_reduce_amin_noself", *sr("amin", False), RED_SHAPES[:1], domain="distinct"),
    Op("scatter_reduce_prod", *sr("prod"), RED_SHAPES[:1], domain="nonzero", gradgrad=True),
    Op("scatter_reduce_prod_noself", *sr("prod", False), RED_SHAPES[:1], domain="nonzero"),
    Op("scatter_reduce_2d_mean", *sr("mean", idx=RED_IDX2, dim=1), RED_SHAPES2),
    Op("scatter_reduce_2d_amax", *sr("amax", False, idx=RED_IDX2, dim=-1), RED_SHAPES2, domain="distinct"),
    Op("scatter_reduce_2d_prod", *sr("prod", idx=RED_IDX2, dim=1), RED_SHAPES2, domain="nonzero"),
    # ties split the gradient evenly among the members equal to the result (PyTorch's rule)
    Op("scatter_reduce_amax_ties", *sr("amax"), values=[[1.0, 2.0, 3.0, 0.5, 4.0], [1.0, 0.5, 2.0, 2.0, 0.5, -1.0]],
       gradcheck=False),
    Op("scatter_reduce_amin_ties", *sr("amin"), values=[[1.0, 2.0, 3.0, 0.5, 4.0], [1.0, 1.5, 2.0, 2.0, 0.5, 1.0]],
       gradcheck=False),
    # zeros in a product group: exact "product of the others" (the product is multilinear, so gradcheck holds)
    Op("scatter_reduce_prod_zeros", *sr("prod"), values=[[0.0, 2.0, 3.0, 1.5, 0.0], [2.0, 0.0, 3.0, 4.0, 0.0, 1.5]],
       gradgrad=True),
    Op("scatter_reduce_prod_two_zeros", *sr("prod"),
       values=[[0.0, 2.0, 3.0, 1.5, 4.0], [0.0, 0.0, 0.0, 4.0, 0.0, 1.5]]),
    Op("scatter_reduce_prod_zeros_noself", *sr("prod", False),
       values=[[0.0, 2.0, 3.0, 1.5, 0.0], [2.0, 0.0, 3.0, 4.0, 0.0, 0.5]]),
    # a src larger than index: PyTorch's backward rejects its own gradient shape; its slice is the oracle
    Op("scatter_reduce_src_larger", lambda x, s: x.scatter_reduce(0, nt(RED_IDX), s, "mean"),
       lambda x, s: x.scatter_reduce(0, tt(RED_IDX), s[:6], "mean"), [RED_SHAPES[1]]),
    Op("index_add", lambda x, s: x.index_add(0, nt([0, 2, 0]), s), lambda x, s: x.index_add(0, tt([0, 2, 0]), s),
       [((3, 4), (3, 4))], gradgrad=True),
    Op("index_add_alpha", lambda x, s: nerve.index_add(x, 1, nt([3, 1]), s, alpha=-2.5),
       lambda x, s: torch.index_add(x, 1, tt([3, 1]), s, alpha=-2.5), [((3, 4), (3, 2)), ((2, 4, 3), (2, 2, 3))]),
    Op("index_add_int32_index", lambda x, s: x.index_add(-1, nt(np.array([1, 1], np.int32)), s),
       lambda x, s: x.index_add(-1, tt(np.array([1, 1], np.int32)), s), [(R3, (2, 3, 2))]),
    Op("index_add_0d_index", lambda x, s: x.index_add(0, nt(1), s), lambda x, s: x.index_add(0, tt(1), s),
       [((3, 4), (1, 4))]),
    Op("index_add_0d", lambda x, s: x.index_add(0, nt([0]), s), lambda x, s: x.index_add(0, tt([0]), s),
       [((), ())]),
    Op("index_copy", lambda x, s: x.index_copy(1, nt([0, 3]), s), lambda x, s: x.index_copy(1, tt([0, 3]), s),
       [((3, 4), (3, 2))], gradgrad=True),
    Op("index_copy_dim0", lambda x, s: nerve.index_copy(x, 0, nt([2, 0]), s),
       lambda x, s: torch.index_copy(x, 0, tt([2, 0]), s), [((3, 4), (2, 4)), ((3, 2, 4), (2, 2, 4))]),
    Op("index_fill", lambda x: x.index_fill(1, nt([0, 3, 0]), -1.5), lambda x: x.index_fill(1, tt([0, 3, 0]), -1.5),
       [(3, 4), (2, 4, 3)]),
    Op("index_fill_neg_index", lambda x: x.index_fill(-1, nt([-1, 0]), 2.0),
       lambda x: x.index_fill(-1, tt([3, 0]), 2.0), [(3, 4)]),
    Op("index_fill_tensor_value", lambda x, v: nerve.index_fill(x, 1, nt([0, 2, 0]), v),
       lambda x, v: torch.index_fill(x, 1, tt([0, 2, 0]), v), [((3, 4), ())], gradgrad=True),
    Op("index_put", lambda x, v: x.index_put((nt([0, 2]), nt([1, 3])), v),
       lambda x, v: x.index_put((tt([0, 2]), tt([1, 3])), v), [((3, 4), (2,)), ((3, 4), ())], gradgrad=True),
    Op("index_put_accumulate", lambda x, v: nerve.index_put(x, (nt([0, 0, 2]), nt([1, 1, -1])), v, accumulate=True),
       lambda x, v: torch.index_put(x, (tt([0, 0, 2]), tt([1, 1, -1])), v, accumulate=True),
       [((3, 4), (3,)), ((3, 4), (1,))], gradgrad=True),
    Op("index_put_rows", lambda x, v: x.index_put([nt([2, 0])], v), lambda x, v: x.index_put([tt([2, 0])], v),
       [((3, 4), (2, 4)), ((3, 4), (4,))]),
    Op("index_put_bool", lambda x, v: x.index_put((nt([True, False, True]),), v),
       lambda x, v: x.index_put((tt([True, False, True]),), v), [((3, 4), (4,))]),
    Op("index_put_bool_full", lambda x, v: x.index_put((nt(MASK),), v), lambda x, v: x.index_put((tt(MASK),), v),
       [((3, 4), (6,)), ((3, 4), ())]),
    Op("index_put_broadcast_index", lambda x, v: x.index_put((nt([[0], [2]]), nt([1, 3])), v),
       lambda x, v: x.index_put((tt([[0], [2]]), tt([1, 3])), v), [((3, 4), (2,))]),
    Op("masked_select", lambda x: x.masked_select(nt(MASK)), lambda x: x.masked_select(tt(MASK)), [(3, 4)],
       gradgrad=True),
    Op("masked_select_bcast_mask", lambda x: nerve.masked_select(x, nt([True, False, True, True])),
       lambda x: torch.masked_select(x, tt([True, False, True, True])), [(3, 4)]),
    Op("masked_select_bcast_input", lambda x: nerve.masked_select(x, nt([[True], [False]])),
       lambda x: torch.masked_select(x, tt([[True], [False]])), [(4,)]),
    Op("masked_select_0d", lambda x: x.masked_select(nt(True)), lambda x: x.masked_select(tt(True)), [()]),
    Op("masked_scatter", lambda x, s: x.masked_scatter(nt(MASK), s), lambda x, s: x.masked_scatter(tt(MASK), s),
       [((3, 4), (10,)), ((3, 4), (2, 3))], gradgrad=True),
    Op("masked_scatter_bcast", lambda x, s: nerve.masked_scatter(x, nt([[True], [False]]), s),
       lambda x, s: torch.masked_scatter(x, tt([[True], [False]]), s), [((4,), (2, 5))]),
    Op("masked_scatter_none", lambda x, s: x.masked_scatter(nt(np.zeros((3, 4), bool)), s),
       lambda x, s: x.masked_scatter(tt(np.zeros((3, 4), bool)), s), [((3, 4), (0,))]),
]

# ------------------------------------------------------------------ einsum
EINSUM_GRID = [
    ("matmul", "ij,jk->ik", [((2, 3), (3, 4)), ((0, 3), (3, 2)), ((2, 0), (0, 3))]),
    ("batched_matmul", "bij,bjk->bik", [((2, 2, 3), (2, 3, 4))]),
    ("outer", "i,j->ij", [((3,), (4,))]),
    ("dot", "i,i->", [((5,), (5,))]),
    ("trace", "ii", [((3, 3),)]),
    ("trace_explicit", "ii->", [((4, 4),)]),
    ("diagonal", "ii->i", [((3, 3),)]),
    ("batch_diagonal", "bii->bi", [((2, 3, 3),)]),
    ("sum_all", "ij->", [((2, 3),)]),
    ("sum_rows", "ij->i", [((2, 3),)]),
    ("transpose", "ij->ji", [((2, 3),)]),
    ("permute3", "ijk->kij", [((2, 3, 4),)]),
    ("bilinear", "bn,anm,bm->ba", [((2, 3), (4, 3, 5), (2, 5))]),
    ("ellipsis_matmul", "...ij,...jk->...ik", [((2, 2, 3), (2, 3, 4)), ((5, 1, 2, 3), (4, 3, 4)), ((2, 3), (3, 4))]),
    ("ellipsis_sum", "...ij->...i", [((2, 3, 4),)]),
    ("ellipsis_middle", "i...j->ji", [((2, 3, 4, 5),)]),
    ("ellipsis_scalar", "...,...->...", [((), (3,))]),
    ("implicit", "ba,cb", [((2, 3), (4, 2))]),
    ("implicit_ellipsis", "...ij,jk", [((5, 2, 3), (3, 4))]),
    ("broadcast_size1", "ij,ij->ij", [((2, 3), (1, 3))]),
    ("hadamard_sum", "ijk,ijk->k", [((2, 3, 4), (2, 3, 4))]),
    ("three_way", "ab,bc,cd->ad", [((2, 3), (3, 4), (4, 2))]),
    ("four_way", "ij,jk,kl,lm->im", [((2, 3), (3, 2), (2, 3), (3, 2))]),
    ("repeated_across", "iji->j", [((3, 2, 3),)]),
    ("diag_times", "ii,i->i", [((3, 3), (3,))]),
    ("summed_only_here", "ij,j->j", [((2, 3), (3,))]),
    ("scalars", ",->", [((), ())]),
    ("spaces", " i j , j k -> i k ", [((2, 3), (3, 2))]),
    ("uppercase", "Ab,bC->AC", [((2, 3), (3, 4))]),
]
EINSUM_GRADGRAD = {"matmul", "trace", "bilinear", "ellipsis_matmul", "diag_times", "three_way"}


def _einsum_entry(name, eq, shapes):
    return Op(f"einsum_{name}", lambda *xs: nerve.einsum(eq, *xs), lambda *xs: torch.einsum(eq, *xs),
              [tuple(s) for s in shapes], gradgrad=name in EINSUM_GRADGRAD, ref=_numpy_einsum(eq))


def _numpy_einsum(eq):
    """NumPy's einsum as the oracle without torch; it refuses '...' missing from the output
    (PyTorch sums those dims), so such entries rely on torch and the gradchecks."""
    if "->" in eq and "..." in eq.split("->")[0] and "..." not in eq.split("->")[1]:
        return None
    return lambda *xs: np.einsum(eq, *xs)


EINSUM = [_einsum_entry(*e) for e in EINSUM_GRID] + [
    Op("einsum_list", lambda a, b: nerve.einsum("ij,jk", [a, b]), lambda a, b: torch.einsum("ij,jk", [a, b]),
       [((2, 3), (3, 4))]),
    Op("einsum_sublist", lambda a, b: nerve.einsum(a, [0, 1], b, [1, 2], [0, 2]),
       lambda a, b: torch.einsum(a, [0, 1], b, [1, 2], [0, 2]), [((2, 3), (3, 4))]),
    Op("einsum_sublist_ellipsis", lambda a, b: nerve.einsum(a, [..., 1], b, [1, 2], [..., 2]),
       lambda a, b: torch.einsum(a, [..., 1], b, [1, 2], [..., 2]), [((5, 2, 3), (3, 4))]),
    Op("einsum_same_operand_twice", lambda a: nerve.einsum("ij,kj->ik", a, a),
       lambda a: torch.einsum("ij,kj->ik", a, a), [(3, 4)], gradgrad=True),
    Op("einsum_one_grad", lambda a, b: nerve.einsum("ij,jk->ik", a, b), lambda a, b: torch.einsum("ij,jk->ik", a, b),
       [((2, 3), (3, 4))], grad=[False, True]),
]

ALL = LAYOUT + SCATTER + EINSUM
CASES = cases(ALL)
GRADGRAD = cases(ALL, only=lambda op: op.gradgrad)


globals().update(table_tests(ALL))   # forward, backward, gradchecks, fast path (optest.py)


def test_enough_second_order_entries():
    assert len(GRADGRAD) >= 20


# ------------------------------------------------------------------ integer results vs PyTorch
def _same(n, t):
    a, e = np.asarray(n._data), t.numpy()
    assert a.shape == e.shape, (a.shape, e.shape)
    assert a.dtype == e.dtype, (a.dtype, e.dtype)
    np.testing.assert_array_equal(a, e)


@pytest.mark.parametrize("row,col,offset", [(3, 4, 0), (4, 3, 1), (4, 4, -1), (3, 5, -3), (2, 2, 5), (2, 3, -9),
                                            (0, 4, 0), (3, 0, 1), (1, 1, 0)])
def test_tri_indices_match_torch(row, col, offset):
    torch = need_torch()
    _same(nerve.tril_indices(row, col, offset), torch.tril_indices(row, col, offset))
    _same(nerve.triu_indices(row, col, offset), torch.triu_indices(row, col, offset))


def test_tri_indices_dtype_and_use_as_index():
    torch = need_torch()
    _same(nerve.tril_indices(3, 3, dtype=nerve.int32), torch.tril_indices(3, 3, dtype=torch.int32))
    x = np.arange(9.0).reshape(3, 3)
    r, c = nerve.triu_indices(3, 3, 1)
    np.testing.assert_array_equal(nerve.tensor(x)[r, c].numpy(), x[np.triu_indices(3, 1)])


NONZERO_INPUTS = [np.array([[0.0, 1.5, 0.0], [2.0, 0.0, -1.0]]), np.array([0, 3, 0, 0, 7]), np.array(2.0),
                  np.array(0.0), np.zeros((0, 3)), np.array([[True, False], [True, True]]),
                  np.array([np.nan, 0.0, -0.0, np.inf]), np.zeros((2, 3, 2)), np.arange(24).reshape(2, 3, 4) % 3]


@pytest.mark.parametrize("i", range(len(NONZERO_INPUTS)))
def test_nonzero_argwhere_match_torch(i):
    torch = need_torch()
    a = NONZERO_INPUTS[i]
    _same(nerve.nonzero(nt(a)), torch.nonzero(tt(a)))
    _same(nt(a).nonzero(), tt(a).nonzero())
    _same(nerve.argwhere(nt(a)), torch.argwhere(tt(a)))
    _same(nt(a).argwhere(), tt(a).argwhere())
    ns, ts = nerve.nonzero(nt(a), as_tuple=True), torch.nonzero(tt(a), as_tuple=True)
    assert len(ns) == len(ts)
    for n, t in zip(ns, ts):
        _same(n, t)


def test_nonzero_as_tuple_indexes_like_where():
    x = np.array([[0.5, -1.0, 0.0], [0.0, 2.0, 3.0]])
    idx = nerve.nonzero(nt(x) > 0, as_tuple=True)
    np.testing.assert_array_equal(nt(x)[idx].numpy(), x[x > 0])


SEARCH_SEQ = np.array([1.0, 3.0, 3.0, 5.0, 7.0])
SEARCH_VALS = np.array([[0.0, 3.0, 4.0], [7.0, 8.0, 1.0]])


@pytest.mark.parametrize("kw", [{}, {"right": True}, {"side": "right"}, {"side": "left"}, {"out_int32": True},
                                {"side": "right", "right": True}, {"side": "left", "out_int32": True}])
def test_searchsorted_1d_matches_torch(kw):
    torch = need_torch()
    _same(nerve.searchsorted(nt(SEARCH_SEQ), nt(SEARCH_VALS), **kw),
          torch.searchsorted(tt(SEARCH_SEQ), tt(SEARCH_VALS), **kw))
    _same(nerve.searchsorted(nt(SEARCH_SEQ), 3.0, **kw), torch.searchsorted(tt(SEARCH_SEQ), 3.0, **kw))
    _same(nerve.searchsorted(nt(SEARCH_SEQ), nt(np.array(6.0)), **kw),
          torch.searchsorted(tt(SEARCH_SEQ), tt(np.array(6.0)), **kw))


@pytest.mark.parametrize("right", [False, True])
def test_searchsorted_batched_matches_torch(right):
    torch = need_torch()
    rng = np.random.default_rng(3)
    seq = np.sort(rng.integers(0, 6, (2, 3, 5)).astype(np.float64), -1)     # repeats: ties on both sides
    vals = rng.integers(-1, 7, (2, 3, 4)).astype(np.float64)
    _same(nerve.searchsorted(nt(seq), nt(vals), right=right), torch.searchsorted(tt(seq), tt(vals), right=right))
    seq2 = np.array([[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]])
    vals2 = np.array([[3.0, 6.0, np.nan], [1.0, 7.0, 4.0]])
    _same(nerve.searchsorted(nt(seq2), nt(vals2), right=right), torch.searchsorted(tt(seq2), tt(vals2), right=right))
    # integer values against a float sequence, and an empty row length
    _same(nerve.searchsorted(nt(seq2), nt(np.array([[2, 9], [0, 4]])), right=right),
          torch.searchsorted(tt(seq2), tt(np.array([[2, 9], [0, 4]])), right=right))
    _same(nerve.searchsorted(nt(np.zeros((2, 0))), nt(vals2), right=right),
          torch.searchsorted(tt(np.zeros((2, 0))), tt(vals2), right=right))


def test_searchsorted_sorter_and_empty_matches_torch():
    torch = need_torch()
    seq = np.array([5.0, 1.0, 3.0, 3.0])
    sorter = np.argsort(seq, kind="stable")
    vals = np.array([0.0, 3.0, 4.0, 9.0])
    for right in (False, True):
        _same(nerve.searchsorted(nt(seq), nt(vals), sorter=nt(sorter), right=right),
              torch.searchsorted(tt(seq), tt(vals), sorter=tt(sorter), right=right))
    _same(nerve.searchsorted(nt(np.zeros(0)), nt(vals)), torch.searchsorted(tt(np.zeros(0)), tt(vals)))
    _same(nerve.searchsorted(nt(SEARCH_SEQ), nt(np.zeros((0, 2)))), torch.searchsorted(tt(SEARCH_SEQ),
                                                                                     tt(np.zeros((0, 2)))))


@pytest.mark.parametrize("kw", [{}, {"right": True}, {"out_int32": True}])
def test_bucketize_matches_torch(kw):
    torch = need_torch()
    b = np.array([1.0, 3.0, 5.0])
    for v in (np.array([[0.0, 1.0, 2.0], [3.0, 5.0, 6.0]]), np.array([1, 4, 9]), np.array(3.0), np.zeros((0,))):
        _same(nerve.bucketize(nt(v), nt(b), **kw), torch.bucketize(tt(v), tt(b), **kw))
    _same(nerve.bucketize(3, nt(b), **kw), torch.bucketize(3, tt(b), **kw))


def test_repeat_interleave_counts_only_matches_torch():
    torch = need_torch()
    for r in ([1, 2, 0, 3], [0], []):
        r = np.array(r, dtype=np.int64)
        _same(nerve.repeat_interleave(nt(r)), torch.repeat_interleave(tt(r)))


@pytest.mark.parametrize("name,fn", [
    ("roll", lambda m, x: m.roll(x, 1, 0)),
    ("tril", lambda m, x: m.tril(x, -1)),
    ("triu", lambda m, x: m.triu(x)),
    ("diag", lambda m, x: m.diag(x)),
    ("diagonal", lambda m, x: m.diagonal(x, 1)),
    ("diag_embed", lambda m, x: m.diag_embed(x)),
    ("diagflat", lambda m, x: m.diagflat(x)),
    ("unfold", lambda m, x: x.unfold(1, 2, 1)),
    ("repeat_interleave", lambda m, x: m.repeat_interleave(x, 2, 0)),
    ("tile", lambda m, x: m.tile(x, (2,))),
    ("flip", lambda m, x: m.flip(x, (0,))),
    ("rot90", lambda m, x: m.rot90(x)),
    ("take", lambda m, x: m.take(x, m.tensor([0, 5]))),
    ("narrow", lambda m, x: m.narrow(x, 1, 1, 2)),
    ("vstack", lambda m, x: m.vstack([x, x])),
    ("scatter_add", lambda m, x: m.scatter_add(x, 1, m.tensor([[0, 0, 1]] * 3), x[:, :3])),
    ("scatter_value", lambda m, x: m.scatter(x, 1, m.tensor([[3]] * 3), 7.9)),
    ("scatter_reduce_mean", lambda m, x: m.scatter_reduce(x, 1, m.tensor([[0, 0, 2]] * 3), -x[:, :3], "mean")),
    ("scatter_reduce_mean_noself",
     lambda m, x: m.scatter_reduce(x, 1, m.tensor([[0, 0, 2]] * 3), -x[:, :3], "mean", include_self=False)),
    ("scatter_reduce_amax_noself",
     lambda m, x: m.scatter_reduce(x, 1, m.tensor([[0, 0, 2]] * 3), -x[:, :3], "amax", include_self=False)),
    ("scatter_reduce_amin_noself",
     lambda m, x: m.scatter_reduce(x, 1, m.tensor([[0, 0, 2]] * 3), -x[:, :3], "amin", include_self=False)),
    ("scatter_reduce_prod", lambda m, x: m.scatter_reduce(x, 1, m.tensor([[0, 0, 2]] * 3), x[:, :3], "prod")),
    ("index_add", lambda m, x: m.index_add(x, 0, m.tensor([2, 2]), x[:2], alpha=3)),
    ("index_fill", lambda m, x: m.index_fill(x, 1, m.tensor([1]), 2.7)),
    ("masked_select", lambda m, x: m.masked_select(x, x > 4)),
    ("einsum", lambda m, x: m.einsum("ij,kj->ik", x, x)),
])
def test_integer_tensors_keep_their_dtype_like_torch(name, fn):
    torch = need_torch()
    x = np.arange(12).reshape(3, 4) - 4
    if name == "diag_embed":
        x = x[0]
    _same(fn(nerve, nerve.tensor(x)), fn(torch, torch.tensor(x)))


# ------------------------------------------------------------------ errors (PyTorch's exception types)
def X():
    return nerve.arange(12.0).reshape(3, 4)


def TX():
    return torch.arange(12.0).reshape(3, 4)


def _both(f):
    """One lambda ``f(lib, x)`` run on nerve (``lib=nerve``) and on PyTorch."""
    return (lambda: f(nerve, X())), (lambda: f(torch, TX()))


ERRORS = [
    ("roll_shifts_dims_mismatch", RuntimeError, lambda m, x: m.roll(x, (1, 2), (0,))),
    ("roll_tuple_shifts_no_dims", RuntimeError, lambda m, x: m.roll(x, (1, 2))),
    ("roll_bad_dim", IndexError, lambda m, x: m.roll(x, 1, 5)),
    ("roll_0d_dim", IndexError, lambda m, x: m.roll(x[0, 0], 1, 0)),
    ("tril_1d", RuntimeError, lambda m, x: m.tril(x[0])),
    ("triu_0d", RuntimeError, lambda m, x: m.triu(x[0, 0])),
    ("tril_indices_negative", RuntimeError, lambda m, x: m.tril_indices(-1, 3)),
    ("triu_indices_negative_col", RuntimeError, lambda m, x: m.triu_indices(3, -2)),
    ("diag_0d", RuntimeError, lambda m, x: m.diag(x[0, 0])),
    ("diag_3d", RuntimeError, lambda m, x: m.diag(x.reshape(2, 3, 2))),
    ("diagonal_same_dims", RuntimeError, lambda m, x: m.diagonal(x, 0, 1, 1)),
    ("diagonal_same_dims_neg", RuntimeError, lambda m, x: m.diagonal(x, 0, 1, -1)),
    ("diagonal_1d", IndexError, lambda m, x: m.diagonal(x[0])),
    ("diag_embed_0d", IndexError, lambda m, x: m.diag_embed(x[0, 0])),
    ("diag_embed_same_dims", RuntimeError, lambda m, x: m.diag_embed(x, 0, 0, 0)),
    ("unfold_too_big", RuntimeError, lambda m, x: x.unfold(1, 5, 1)),
    ("unfold_step0", RuntimeError, lambda m, x: x.unfold(1, 2, 0)),
    ("unfold_negative_size", RuntimeError, lambda m, x: x.unfold(1, -1, 1)),
    ("unfold_bad_dim", IndexError, lambda m, x: x.unfold(2, 2, 1)),
    ("unfold_0d_too_big", RuntimeError, lambda m, x: x[0, 0].unfold(0, 2, 1)),
    ("repeat_interleave_negative", RuntimeError, lambda m, x: m.repeat_interleave(x, -1)),
    ("repeat_interleave_negative_tensor", RuntimeError, lambda m, x: m.repeat_interleave(x, m.tensor([1, -1, 2]), 0)),
    ("repeat_interleave_count_mismatch", RuntimeError, lambda m, x: m.repeat_interleave(x, m.tensor([1, 2]), 0)),
    ("repeat_interleave_2d_counts", RuntimeError, lambda m, x: m.repeat_interleave(x, m.tensor([[1, 2]]), 0)),
    ("repeat_interleave_bad_dim", IndexError, lambda m, x: m.repeat_interleave(x, 2, 2)),
    ("repeat_interleave_only_2d", RuntimeError, lambda m, x: m.repeat_interleave(m.tensor([[1, 2]]))),
    ("repeat_interleave_only_negative", RuntimeError, lambda m, x: m.repeat_interleave(m.tensor([1, -2]))),
    ("repeat_interleave_output_size", RuntimeError, lambda m, x: m.repeat_interleave(x, 2, 0, output_size=5)),
    ("meshgrid_2d", RuntimeError, lambda m, x: m.meshgrid(x, x[0], indexing="ij")),
    ("meshgrid_bad_indexing", RuntimeError, lambda m, x: m.meshgrid(x[0], indexing="ji")),
    ("meshgrid_dtypes", RuntimeError, lambda m, x: m.meshgrid(x[0], x[0].double(), indexing="ij")),
    ("meshgrid_empty", RuntimeError, lambda m, x: m.meshgrid(indexing="ij")),
    ("tile_negative", RuntimeError, lambda m, x: m.tile(x, (-1,))),
    ("narrow_past_end", RuntimeError, lambda m, x: m.narrow(x, 1, 3, 2)),
    ("narrow_bad_start", IndexError, lambda m, x: m.narrow(x, 1, 5, 0)),
    ("narrow_bad_neg_start", IndexError, lambda m, x: m.narrow(x, 1, -5, 0)),
    ("narrow_negative_length", RuntimeError, lambda m, x: m.narrow(x, 1, 0, -1)),
    ("narrow_0d", RuntimeError, lambda m, x: m.narrow(x[0, 0], 0, 0, 1)),
    ("narrow_bad_dim", IndexError, lambda m, x: m.narrow(x, 2, 0, 1)),
    ("unbind_0d", IndexError, lambda m, x: m.unbind(x[0, 0])),
    ("unbind_bad_dim", IndexError, lambda m, x: m.unbind(x, 2)),
    ("take_out_of_range", IndexError, lambda m, x: m.take(x, m.tensor([12]))),
    ("take_out_of_range_neg", IndexError, lambda m, x: m.take(x, m.tensor([-13]))),
    ("take_float_index", RuntimeError, lambda m, x: m.take(x, m.tensor([1.0]))),
    ("take_int32_index", RuntimeError, lambda m, x: m.take(x, m.tensor([1], dtype=m.int32))),
    ("flip_repeated_dim", RuntimeError, lambda m, x: m.flip(x, (0, 0))),
    ("flip_repeated_neg_dim", RuntimeError, lambda m, x: m.flip(x, (1, -1))),
    ("flip_method_repeated", RuntimeError, lambda m, x: x.flip(0, -2)),
    ("flip_bad_dim", IndexError, lambda m, x: m.flip(x, (2,))),
    ("fliplr_1d", RuntimeError, lambda m, x: m.fliplr(x[0])),
    ("flipud_0d", RuntimeError, lambda m, x: m.flipud(x[0, 0])),
    ("rot90_one_dim", RuntimeError, lambda m, x: m.rot90(x, 1, (0,))),
    ("rot90_same_dims", RuntimeError, lambda m, x: m.rot90(x, 1, (0, 0))),
    ("rot90_1d", RuntimeError, lambda m, x: m.rot90(x[0], 1, (0, 1))),
    ("rot90_bad_dim", IndexError, lambda m, x: m.rot90(x, 1, (0, 2))),
    ("t_3d", RuntimeError, lambda m, x: m.t(x.reshape(2, 3, 2))),
    ("hstack_empty", RuntimeError, lambda m, x: m.hstack([])),
    ("vstack_empty", RuntimeError, lambda m, x: m.vstack([])),
    ("take_along_dim_ndim", RuntimeError, lambda m, x: m.take_along_dim(x, m.tensor([0]), 1)),
    ("take_along_dim_int32", RuntimeError, lambda m, x: m.take_along_dim(x, m.tensor([[0]], dtype=m.int32), 1)),
    ("take_along_dim_float", RuntimeError, lambda m, x: m.take_along_dim(x, m.tensor([[0.0]]), 1)),
    ("take_along_dim_no_broadcast", RuntimeError, lambda m, x: m.take_along_dim(x, m.zeros(2, 1, dtype=m.long), 1)),
    ("take_along_dim_0d_dim", IndexError, lambda m, x: m.take_along_dim(x[0, 0], m.tensor(0), 0)),
    ("scatter_bad_reduce", RuntimeError, lambda m, x: m.scatter(x, 1, m.tensor([[0]]), x, reduce="sum")),
    ("scatter_index_too_big", RuntimeError, lambda m, x: m.scatter(x, 1, m.zeros(4, 1, dtype=m.long), x)),
    ("scatter_index_bigger_than_src", RuntimeError, lambda m, x: m.scatter(x, 1, m.zeros(3, 4, dtype=m.long),
                                                                            x[:2, :3])),
    ("scatter_index_ndim", RuntimeError, lambda m, x: m.scatter(x, 1, m.zeros(3, dtype=m.long), x)),
    ("scatter_out_of_bounds", RuntimeError, lambda m, x: m.scatter(x, 1, m.tensor([[4]]), x)),
    ("scatter_negative_index", RuntimeError, lambda m, x: m.scatter(x, 1, m.tensor([[-1]]), x)),
    ("scatter_float_index", RuntimeError, lambda m, x: m.scatter(x, 1, m.tensor([[0.0]]), x)),
    ("scatter_uint8_index", RuntimeError, lambda m, x: m.scatter(x, 1, m.tensor([[0]], dtype=m.uint8), x)),
    ("scatter_dtype", RuntimeError, lambda m, x: m.scatter(x, 1, m.tensor([[1]]), x.double())),
    ("scatter_bad_dim", IndexError, lambda m, x: m.scatter(x, 2, m.tensor([[0]]), x)),
    ("scatter_add_dtype", RuntimeError, lambda m, x: m.scatter_add(x, 1, m.tensor([[0]]), x.double())),
    ("scatter_add_out_of_bounds", RuntimeError, lambda m, x: m.scatter_add(x, 0, m.tensor([[3]]), x)),
    ("scatter_reduce_bad_reduce", RuntimeError, lambda m, x: m.scatter_reduce(x, 1, m.tensor([[0]]), x, "foo")),
    ("scatter_reduce_number_src", TypeError, lambda m, x: m.scatter_reduce(x, 1, m.tensor([[0]]), 2.0, "sum")),
    ("scatter_reduce_dtype", RuntimeError, lambda m, x: m.scatter_reduce(x, 1, m.tensor([[0]]), x.double(), "sum")),
    ("index_add_shape", RuntimeError, lambda m, x: m.index_add(x, 0, m.tensor([0, 0]), m.ones(2, 5))),
    ("index_add_count", RuntimeError, lambda m, x: m.index_add(x, 0, m.tensor([0, 0]), m.ones(3, 4))),
    ("index_add_2d_index", IndexError, lambda m, x: m.index_add(x, 0, m.tensor([[0, 0]]), m.ones(2, 4))),
    ("index_add_float_index", RuntimeError, lambda m, x: m.index_add(x, 0, m.tensor([0.0]), m.ones(1, 4))),
    ("index_add_out_of_bounds", RuntimeError, lambda m, x: m.index_add(x, 0, m.tensor([3]), m.ones(1, 4))),
    ("index_add_negative", RuntimeError, lambda m, x: m.index_add(x, 0, m.tensor([-1]), m.ones(1, 4))),
    ("index_add_dtype", RuntimeError, lambda m, x: m.index_add(x, 0, m.tensor([0]), m.ones(1, 4, dtype=m.float64))),
    ("index_add_bad_dim", IndexError, lambda m, x: m.index_add(x, 2, m.tensor([0]), m.ones(1, 4))),
    ("index_copy_out_of_bounds", IndexError, lambda m, x: m.index_copy(x, 1, m.tensor([4]), m.zeros(3, 1))),
    ("index_copy_negative", IndexError, lambda m, x: m.index_copy(x, 1, m.tensor([-1]), m.zeros(3, 1))),
    ("index_copy_int32", RuntimeError, lambda m, x: m.index_copy(x, 1, m.tensor([0], dtype=m.int32), m.zeros(3, 1))),
    ("index_copy_2d_index", IndexError, lambda m, x: m.index_copy(x, 1, m.tensor([[0]]), m.zeros(3, 1))),
    ("index_copy_dtype", RuntimeError, lambda m, x: m.index_copy(x, 1, m.tensor([0]), m.zeros(3, 1, dtype=m.float64))),
    ("index_fill_int32", IndexError, lambda m, x: m.index_fill(x, 1, m.tensor([0], dtype=m.int32), -1.0)),
    ("index_fill_out_of_bounds", IndexError, lambda m, x: m.index_fill(x, 1, m.tensor([4]), -1.0)),
    ("index_fill_out_of_bounds_neg", IndexError, lambda m, x: m.index_fill(x, 1, m.tensor([-5]), -1.0)),
    ("index_fill_2d_index", RuntimeError, lambda m, x: m.index_fill(x, 1, m.tensor([[0]]), 1.0)),
    ("index_fill_1d_value", RuntimeError, lambda m, x: m.index_fill(x, 1, m.tensor([0]), m.tensor([-1.0]))),
    ("index_put_float_index", IndexError, lambda m, x: m.index_put(x, (m.tensor([0.0]),), m.tensor(0.0))),
    ("index_put_dtype", RuntimeError, lambda m, x: m.index_put(x, (m.tensor([0]),), m.tensor(0.0, dtype=m.float64))),
    ("index_put_value_shape", RuntimeError, lambda m, x: m.index_put(x, (m.tensor([0]),), m.ones(3))),
    ("index_put_out_of_bounds", IndexError, lambda m, x: m.index_put(x, (m.tensor([3]),), m.ones(4))),
    ("index_put_too_many", IndexError, lambda m, x: m.index_put(x, (m.tensor([0]),) * 3, m.tensor(0.0))),
    ("index_put_none", TypeError, lambda m, x: m.index_put(x, (None, m.tensor([1])), m.tensor(0.0))),
    ("index_put_mask_shape", IndexError, lambda m, x: m.index_put(x, (m.tensor([True, False]),), m.tensor(0.0))),
    ("masked_select_not_bool", RuntimeError, lambda m, x: m.masked_select(x, m.tensor([1, 0, 1, 0]))),
    ("masked_select_no_broadcast", RuntimeError, lambda m, x: m.masked_select(x, m.tensor([True, False]))),
    ("masked_scatter_too_few", RuntimeError,
     lambda m, x: m.masked_scatter(x, m.tensor([True, False, True, False]), m.arange(5.0))),
    ("masked_scatter_dtype", RuntimeError,
     lambda m, x: m.masked_scatter(x, m.tensor([True, False, True, False]), m.arange(10))),
    ("masked_scatter_not_bool", RuntimeError, lambda m, x: m.masked_scatter(x, m.tensor([1, 0, 1, 0]), m.arange(10.0))),
    ("bucketize_2d_boundaries", RuntimeError, lambda m, x: m.bucketize(x, m.tensor([[1.0, 3.0]]))),
    ("bucketize_0d_boundaries", RuntimeError, lambda m, x: m.bucketize(x, m.tensor(1.0))),
    ("searchsorted_side_conflict", RuntimeError,
     lambda m, x: m.searchsorted(m.tensor([1.0, 3.0]), x, side="left", right=True)),
    ("searchsorted_bad_side", RuntimeError, lambda m, x: m.searchsorted(m.tensor([1.0, 3.0]), x, side="up")),
    ("searchsorted_shape", RuntimeError, lambda m, x: m.searchsorted(x[:2], x[:1, :2])),
    ("searchsorted_3d_shape", RuntimeError,
     lambda m, x: m.searchsorted(x.reshape(2, 2, 3), m.tensor([[[4.0]], [[8.0]]]))),
    ("searchsorted_scalar_nd", RuntimeError, lambda m, x: m.searchsorted(x, 4)),
    ("searchsorted_0d_seq", RuntimeError, lambda m, x: m.searchsorted(x[0, 0], x)),
    ("searchsorted_sorter_size", RuntimeError,
     lambda m, x: m.searchsorted(m.tensor([5.0, 1.0, 3.0]), x, sorter=m.tensor([1, 2]))),
    ("searchsorted_sorter_range", RuntimeError,
     lambda m, x: m.searchsorted(m.tensor([5.0, 1.0, 3.0]), x, sorter=m.tensor([1, 2, 3]))),
    ("einsum_ndim_mismatch", RuntimeError, lambda m, x: m.einsum("ijk", x)),
    ("einsum_too_many_subscripts_for_ellipsis", RuntimeError, lambda m, x: m.einsum("...ijk", x)),
    ("einsum_more_operands", RuntimeError, lambda m, x: m.einsum("ij", x, x)),
    ("einsum_fewer_operands", RuntimeError, lambda m, x: m.einsum("ij,jk", x)),
    ("einsum_output_repeated", RuntimeError, lambda m, x: m.einsum("ij->ii", x)),
    ("einsum_output_unknown", RuntimeError, lambda m, x: m.einsum("ij->k", x)),
    ("einsum_bad_char", RuntimeError, lambda m, x: m.einsum("i1", x)),
    ("einsum_bad_arrow", RuntimeError, lambda m, x: m.einsum("ij-", x)),
    ("einsum_two_ellipses", RuntimeError, lambda m, x: m.einsum("......", x)),
    ("einsum_lone_dot", RuntimeError, lambda m, x: m.einsum("i.j", x)),
    ("einsum_no_operands", ValueError, lambda m, x: m.einsum("ij")),
    ("einsum_size_mismatch", RuntimeError, lambda m, x: m.einsum("ij,jk->ik", x, x)),
    ("einsum_repeated_size_mismatch", RuntimeError, lambda m, x: m.einsum("ii->i", x)),
    ("einsum_ellipsis_no_broadcast", RuntimeError,
     lambda m, x: m.einsum("...ij,...jk->...ik", m.ones(5, 2, 2, 3), m.ones(4, 3, 4))),
    ("einsum_dtypes", RuntimeError, lambda m, x: m.einsum("ij,jk->ik", x, x.T.double())),
]


@pytest.mark.filterwarnings("ignore:The reduce argument of torch.scatter")
@pytest.mark.parametrize("name,exc,f", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch(name, exc, f):
    ours, theirs = _both(f)
    with pytest.raises(exc) as info:
        ours()
    msg = str(info.value)
    assert msg and "Traceback" not in msg
    if torch is not None:
        with pytest.raises(exc):       # the expected type is PyTorch's own
            theirs()


def test_errors_name_the_problem():
    with pytest.raises(RuntimeError, match="appears multiple times"):
        nerve.flip(X(), (0, 0))
    with pytest.raises(RuntimeError, match=r"einsum\(\).*subscript j has size 3"):
        nerve.einsum("ij,jk->ik", X(), X())
    with pytest.raises(RuntimeError, match=r"index 4 is out of bounds for dimension 1 with size 4"):
        nerve.scatter(X(), 1, nt([[4]]), X())
    with pytest.raises(RuntimeError, match=r"start \(3\) \+ length \(2\) exceeds dimension size \(4\)"):
        nerve.narrow(X(), 1, 3, 2)
    with pytest.raises(IndexError, match="out of range: tried to access index 12 on a tensor of 12 elements"):
        nerve.take(X(), nt([12]))
    with pytest.raises(IndexError, match="out of range"):
        nerve.take_along_dim(X(), nt([[4]]), 1)      # PyTorch reads out of bounds here; nerve refuses


# ------------------------------------------------------------------ edge cases and semantics
def test_public_names_and_tensor_methods():
    for name in ["roll", "tril", "triu", "tril_indices", "triu_indices", "diag", "diagonal", "diag_embed",
                 "diagflat", "repeat_interleave", "meshgrid", "tile", "narrow", "unbind", "moveaxis", "movedim",
                 "flip", "fliplr", "flipud", "rot90", "atleast_1d", "atleast_2d", "atleast_3d", "hstack", "vstack",
                 "dstack", "column_stack", "swapdims", "swapaxes", "t", "take", "take_along_dim", "scatter",
                 "scatter_add", "scatter_reduce", "index_add", "index_copy", "index_fill", "index_put",
                 "masked_select", "masked_scatter", "nonzero", "argwhere", "bucketize", "searchsorted", "einsum"]:
        assert callable(getattr(nerve, name)), name
    x = X()
    for name in ["roll", "tril", "triu", "diag", "diagonal", "diag_embed", "diagflat", "unfold", "repeat_interleave",
                 "tile", "narrow", "unbind", "take", "flip", "fliplr", "flipud", "rot90", "moveaxis", "swapdims",
                 "swapaxes", "take_along_dim", "scatter", "scatter_add", "scatter_reduce", "index_add",
                 "index_copy", "index_fill", "index_put", "masked_select", "masked_scatter", "nonzero", "argwhere"]:
        assert callable(getattr(x, name)), name
    assert nerve.moveaxis is nerve.movedim


def test_functional_ops_do_not_modify_their_inputs():
    x = X()
    before = x.numpy().copy()
    nerve.scatter(x, 1, nt([[0], [1], [2]]), -x)
    nerve.scatter_add(x, 1, nt([[0], [1], [2]]), x)
    nerve.scatter_reduce(x, 1, nt([[0], [1], [2]]), x, "amax", include_self=False)
    nerve.index_add(x, 0, nt([0]), x[:1])
    nerve.index_copy(x, 0, nt([0]), x[1:2])
    nerve.index_fill(x, 0, nt([0]), 0.0)
    nerve.index_put(x, (nt([0]),), nerve.tensor(0.0))
    nerve.masked_scatter(x, x > 3, nerve.zeros(12))
    np.testing.assert_array_equal(x.numpy(), before)


def test_results_are_writable_copies():
    x = X()
    for y in (nerve.diagonal(x), nerve.diag(x), x.unfold(1, 2, 1), nerve.roll(x, 1),
              nerve.scatter(x, 1, nt([[0]]), 1.0), nerve.einsum("ij->ji", x), nerve.einsum("ii->i", x[:, :3])):
        y.add_(1)          # would fail on a read-only NumPy view
    np.testing.assert_array_equal(x.numpy(), np.arange(12.0).reshape(3, 4))


def test_float32_stays_float32_through_backward():
    x = nerve.randn(3, 4, requires_grad=True)
    s = nerve.randn(3, 3, requires_grad=True)
    idx = nt([[0, 0, 1], [3, 3, 3], [2, 1, 2]])
    for reduce in ("sum", "prod", "mean", "amax", "amin"):
        x.grad = s.grad = None
        y = x.scatter_reduce(1, idx, s, reduce, include_self=False)
        assert y.dtype == nerve.float32
        y.sum().backward()
        assert x.grad.dtype == nerve.float32 and s.grad.dtype == nerve.float32, reduce
    y = nerve.einsum("ij,kj->ik", x, x)
    assert y.dtype == nerve.float32


def test_scatter_reduce_amax_noself_ignores_the_input_value():
    """With include_self=False the input is no member of a written position's group, so its value,
    even when equal to the result, takes no share of the gradient (PyTorch's backward counts it)."""
    x = nerve.tensor([1.0, 2.0, 3.0], requires_grad=True)
    s = nerve.tensor([1.0, 0.5, 2.0], requires_grad=True)
    y = x.scatter_reduce(0, nt([0, 0, 1]), s, "amax", include_self=False)
    np.testing.assert_array_equal(y.detach().numpy(), [1.0, 2.0, 3.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(s.grad.numpy(), [1.0, 0.0, 1.0])


def test_scatter_reduce_integer_mean_floors_like_torch():
    torch = need_torch()
    x, i, s = np.array([1, 2, 3, 7]), np.array([0, 0, 1, 3]), np.array([-4, 0, 2, -8])
    for inc in (True, False):
        _same(nerve.scatter_reduce(nt(x), 0, nt(i), nt(s), "mean", include_self=inc),
              torch.scatter_reduce(tt(x), 0, tt(i), tt(s), "mean", include_self=inc))


def test_scatter_reduce_nan_propagates_like_torch():
    torch = need_torch()
    x, i, s = np.array([1.0, 2.0]), np.array([0, 0]), np.array([np.nan, 3.0])
    for reduce in ("amax", "amin", "sum", "prod", "mean"):
        _same(nerve.scatter_reduce(nt(x), 0, nt(i), nt(s), reduce),
              torch.scatter_reduce(tt(x), 0, tt(i), tt(s), reduce))


def test_unfold_gradient_counts_overlaps():
    x = nerve.arange(5.0, requires_grad=True)
    x.unfold(0, 3, 1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 2.0, 3.0, 2.0, 1.0])


def test_einsum_repeated_index_gradient_is_diagonal():
    x = nerve.randn(3, 3, requires_grad=True)
    nerve.einsum("ii", x).backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.eye(3, dtype=np.float32))


def test_einsum_integer_and_empty_match_torch():
    torch = need_torch()
    a, b = np.arange(6).reshape(2, 3), np.arange(12).reshape(3, 4) - 5
    _same(nerve.einsum("ij,jk->ik", nt(a), nt(b)), torch.einsum("ij,jk->ik", tt(a), tt(b)))
    _same(nerve.einsum("ii->i", nt(np.arange(9).reshape(3, 3))), torch.einsum("ii->i", tt(np.arange(9).reshape(3, 3))))
    z = nerve.einsum("ij,jk->ik", nerve.zeros(2, 0), nerve.zeros(0, 3))
    assert z.shape == (2, 3) and not z.numpy().any()


def test_einsum_large_contraction_matches_numpy():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((64, 128)), rng.standard_normal((128, 32))   # takes np.einsum's BLAS path
    np.testing.assert_allclose(nerve.einsum("ij,jk->ik", nt(a), nt(b)).numpy(), a @ b, rtol=1e-10)


def test_meshgrid_default_is_ij():
    gx, gy = nerve.meshgrid(nerve.arange(2), nerve.arange(3))
    assert gx.shape == gy.shape == (2, 3)
    np.testing.assert_array_equal(gx.numpy(), [[0, 0, 0], [1, 1, 1]])


def test_atleast_and_stack_return_kinds():
    a, b = nerve.tensor(1.0), nerve.ones(2)
    assert isinstance(nerve.atleast_1d(a), nerve.Tensor)
    assert isinstance(nerve.atleast_2d(a, b), tuple) and len(nerve.atleast_2d(a, b)) == 2
    assert nerve.atleast_3d() == ()
    assert nerve.atleast_1d([a])[0].shape == (1,)


def test_where_single_argument_is_nonzero_as_tuple():
    torch = need_torch()
    x = np.array([[0.0, 1.0], [2.0, 0.0]])
    ours, theirs = nerve.nonzero(nt(x) > 0, as_tuple=True), torch.where(tt(x) > 0)
    for n, t in zip(ours, theirs):
        _same(n, t)
