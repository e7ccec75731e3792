"""PyTorch's matrix-product family (mm, bmm, mv, dot, outer, inner, addmm, ...): values and
gradients against PyTorch, float64 gradchecks, and PyTorch's shape errors."""
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
from optest import (  # noqa: E402
    table_tests, Op, cases,
)
from optest import torch  # noqa: E402

import nerve  # noqa: E402

TABLE = [
    Op("mm", lambda a, b: nerve.mm(a, b), lambda a, b: torch.mm(a, b), [((3, 4), (4, 2)), ((1, 1), (1, 5))],
       ref=np.matmul, gradgrad=True),
    Op("mm_method", lambda a, b: a.mm(b), lambda a, b: a.mm(b), [((2, 3), (3, 2))]),
    Op("bmm", lambda a, b: nerve.bmm(a, b), lambda a, b: torch.bmm(a, b), [((2, 3, 4), (2, 4, 5))], ref=np.matmul,
       gradgrad=True),
    Op("mv", lambda a, b: nerve.mv(a, b), lambda a, b: torch.mv(a, b), [((3, 4), (4,))], ref=np.matmul),
    Op("dot", lambda a, b: nerve.dot(a, b), lambda a, b: torch.dot(a, b), [((5,), (5,))], ref=np.dot),
    Op("vdot", lambda a, b: nerve.vdot(a, b), lambda a, b: torch.vdot(a, b), [((4,), (4,))], ref=np.vdot),
    Op("outer", lambda a, b: nerve.outer(a, b), lambda a, b: torch.outer(a, b), [((3,), (4,))], ref=np.outer,
       gradgrad=True),
    Op("inner_2d", lambda a, b: nerve.inner(a, b), lambda a, b: torch.inner(a, b), [((2, 3), (4, 3)), ((3,), (3,)),
                                                                                 ((2, 2, 3), (3,))],
       ref=np.inner),
    Op("inner_3d", lambda a, b: nerve.inner(a, b), lambda a, b: torch.inner(a, b), [((2, 3), (2, 4, 3))],
       ref=np.inner),
    Op("addmm", lambda c, a, b: nerve.addmm(c, a, b, beta=0.5, alpha=2.0),
       lambda c, a, b: torch.addmm(c, a, b, beta=0.5, alpha=2.0), [((3, 2), (3, 4), (4, 2)), ((2,), (3, 4), (4, 2))]),
    Op("addmm_beta0", lambda c, a, b: nerve.addmm(c, a, b, beta=0),
       lambda c, a, b: torch.addmm(c, a, b, beta=0), [((3, 2), (3, 4), (4, 2))]),
    Op("addmv", lambda c, a, b: nerve.addmv(c, a, b, alpha=3), lambda c, a, b: torch.addmv(c, a, b, alpha=3),
       [((3,), (3, 4), (4,))]),
    Op("baddbmm", lambda c, a, b: nerve.baddbmm(c, a, b, beta=2), lambda c, a, b: torch.baddbmm(c, a, b, beta=2),
       [((2, 3, 5), (2, 3, 4), (2, 4, 5)), ((3, 5), (2, 3, 4), (2, 4, 5))]),
    Op("addbmm", lambda c, a, b: nerve.addbmm(c, a, b), lambda c, a, b: torch.addbmm(c, a, b),
       [((3, 5), (2, 3, 4), (2, 4, 5))]),
    Op("addr", lambda c, a, b: nerve.addr(c, a, b), lambda c, a, b: torch.addr(c, a, b), [((3, 4), (3,), (4,))]),
]
CASES = cases(TABLE)


globals().update(table_tests(TABLE))   # forward, backward, gradchecks, fast path (optest.py)


@pytest.mark.parametrize("call", [
    lambda lib: lib.mm(lib.ones(3), lib.ones(3, 2)),
    lambda lib: lib.mm(lib.ones(2, 3), lib.ones(2, 2)),
    lambda lib: lib.bmm(lib.ones(2, 3, 4), lib.ones(3, 4, 5)),
    lambda lib: lib.bmm(lib.ones(3, 4), lib.ones(4, 5)),
    lambda lib: lib.mv(lib.ones(3, 4), lib.ones(3)),
    lambda lib: lib.dot(lib.ones(3), lib.ones(2)),
    lambda lib: lib.dot(lib.ones(2, 2), lib.ones(2, 2)),
    lambda lib: lib.outer(lib.ones(2, 2), lib.ones(2)),
    lambda lib: lib.mm(lib.ones(2, 2), lib.ones(2, 2, dtype=lib.float64)),
])
def test_errors_match_torch(call):
    tt = pytest.importorskip("torch")
    with pytest.raises(Exception) as expected:
        call(tt)
    with pytest.raises(type(expected.value)):
        call(nerve)
