"""Declarative op tests (STYLE rule 4, after Chainer's ``function_link`` and tinygrad's helper).

Each ``Op`` entry names a nerve function, the matching PyTorch function (or
``None``), one or more input-shape sets and how to draw input values. ``cases``
expands a table into one ``pytest.param`` per (entry, shape set) with a readable
id, and the ``check_*`` functions below run, for a case:

* ``check_forward``: values (float32 inputs) against PyTorch, or against
  ``ref`` (a NumPy function) when PyTorch is missing;
* ``check_backward``: input gradients against PyTorch for a random upstream
  gradient (float32);
* ``check_gradcheck``: ``nerve.autograd.gradcheck`` in float64;
* ``check_gradgradcheck``: second order, for entries with ``gradgrad=True``.

The PyTorch checks skip cleanly when torch is not installed; the gradchecks
always run. Functions take the differentiable inputs as positional tensors;
constant inputs (indices, masks) are captured by the lambdas, built from NumPy
so that both frameworks see the same values.
"""
from __future__ import annotations

import dataclasses
import zlib
from typing import Any, Callable, Optional, Sequence

import numpy as np
import pytest

import nerve
from nerve.autograd import gradcheck, gradgradcheck

try:  # PyTorch is an optional test oracle
    import torch
except ImportError:  # pragma: no cover - depends on the environment
    torch = None

RTOL, ATOL = 1e-5, 1e-6


# ------------------------------------------------------------------ domains
def _real(rng, shape):
    return rng.standard_normal(shape)


def _positive(rng, shape):
    return rng.uniform(0.5, 2.0, shape)


def _nonzero(rng, shape):
    """Away from 0 (for kinks at 0 like abs/relu and for divisors)."""
    x = rng.uniform(0.2, 1.5, shape)
    return x * rng.choice([-1.0, 1.0], shape)


def _unit(rng, shape):
    return rng.uniform(-0.9, 0.9, shape)


def _distinct(rng, shape):
    """All values distinct and at least 0.05 apart (no ties for max/min/sort-like ops)."""
    n = int(np.prod(shape, dtype=np.int64))
    return (rng.permutation(n) * 0.05 - 0.025 * n + rng.uniform(0.005, 0.01)).reshape(shape)


DOMAINS = {"real": _real, "positive": _positive, "nonzero": _nonzero, "unit": _unit,
           "distinct": _distinct}


# -------------------------------------------------------------------- table
@dataclasses.dataclass
class Op:
    """One declarative op test entry.

    name:     id prefix.
    fn:       nerve function of the input tensors.
    torch_fn: the same computation in PyTorch (None: no oracle, gradcheck only).
    shapes:   list of input-shape tuples, one test case each, e.g.
              ``[((3, 4), (3, 4)), ((3, 1, 4), (2, 4))]``; a single-input op may
              list bare shapes ``[(3, 4), ()]``.
    domain:   name in DOMAINS or a callable ``(rng, shape) -> array``; a list
              gives one per input.
    values:   explicit input arrays (overrides shapes/domain), for ties etc.
    grad:     which inputs require grad (default all).
    ref:      NumPy reference of the forward (used when PyTorch is missing).
    gradcheck / gradgrad: run the float64 first / second order checks.
    rtol, atol: forward/backward tolerances against PyTorch (loosen only with a reason).
    marks:    pytest marks for every case of the entry (e.g. an expected NumPy warning).
    """
    name: str
    fn: Callable
    torch_fn: Optional[Callable]
    shapes: Sequence = ((3, 4),)
    domain: Any = "real"
    values: Optional[Sequence] = None
    grad: Optional[Sequence[bool]] = None
    ref: Optional[Callable] = None
    gradcheck: bool = True
    gradgrad: bool = False
    rtol: float = RTOL
    atol: float = ATOL
    marks: Sequence = ()


@dataclasses.dataclass
class Case:
    op: Op
    shapes: tuple
    id: str

    def arrays(self):
        """Fresh float64 input arrays (deterministic per case id)."""
        if self.op.values is not None:
            return [np.array(v, dtype=np.float64) for v in self.op.values]
        rng = np.random.default_rng(zlib.crc32(self.id.encode()))
        doms = self.op.domain if isinstance(self.op.domain, (list, tuple)) else [self.op.domain] * len(self.shapes)
        out = []
        for shape, dom in zip(self.shapes, doms):
            f = DOMAINS[dom] if isinstance(dom, str) else dom
            out.append(np.asarray(f(rng, shape), dtype=np.float64))
        return out

    def requires(self):
        g = self.op.grad
        return [True] * len(self.shapes) if g is None else list(g)


def _fmt(shape):
    return "x".join(map(str, shape)) if shape else "scalar"


def cases(table, only=None):
    """Expand entries into ``pytest.param`` objects, one per shape set."""
    params = []
    for op in table:
        if only is not None and not only(op):
            continue
        if op.values is not None:
            shape_sets = [tuple(np.shape(v) for v in op.values)]
        else:
            shape_sets = [s if (len(s) and isinstance(s[0], tuple)) else (s,) for s in op.shapes]
            shape_sets = [tuple(ss) for ss in shape_sets]
        for ss in shape_sets:
            cid = f"{op.name}[{'&'.join(_fmt(s) for s in ss)}]"
            params.append(pytest.param(Case(op, ss, cid), id=cid, marks=tuple(op.marks)))
    return params


# ------------------------------------------------------------------ helpers
def _outs(y):
    """An op's result as a list of tensors (tuples and namedtuples flattened)."""
    return list(y) if isinstance(y, tuple) else [y]


def _to_np(t):
    if torch is not None and isinstance(t, torch.Tensor):
        return t.detach().numpy()
    if isinstance(t, nerve.Tensor):
        return np.asarray(t._data)
    return np.asarray(t)


def _nerve_inputs(case, dtype):
    req = case.requires()
    return [nerve.tensor(a.astype(dtype), requires_grad=r) for a, r in zip(case.arrays(), req)]


def _torch_inputs(case, dtype):
    req = case.requires()
    return [torch.tensor(a.astype(dtype), requires_grad=r) for a, r in zip(case.arrays(), req)]


def need_torch():
    if torch is None:
        pytest.skip("PyTorch is not installed (it is only a test oracle)")
    return torch


def assert_close(actual, expected, rtol=RTOL, atol=ATOL, what=""):
    a, e = _to_np(actual), _to_np(expected)
    assert a.shape == e.shape, f"{what}: shape {a.shape} != expected {e.shape}"
    if e.dtype.kind == "b" or e.dtype.kind in "iu":
        np.testing.assert_array_equal(a, e, err_msg=what)
    else:
        np.testing.assert_allclose(a.astype(np.float64), e.astype(np.float64), rtol=rtol, atol=atol,
                                   equal_nan=True, err_msg=what)


# ------------------------------------------------------------------- checks
def check_forward(case):
    op = case.op
    xs = _nerve_inputs(case, np.float32)
    ys = _outs(op.fn(*xs))
    if op.torch_fn is None or torch is None:
        if op.ref is None:
            if torch is None and op.torch_fn is not None:
                pytest.skip("PyTorch is not installed and the entry has no NumPy reference")
            pytest.skip("no oracle for this entry (covered by gradcheck)")
        refs = _outs(op.ref(*[x._data for x in xs]))
    else:
        refs = _outs(op.torch_fn(*_torch_inputs(case, np.float32)))
    assert len(ys) == len(refs), f"{case.id}: {len(ys)} outputs, expected {len(refs)}"
    for i, (y, r) in enumerate(zip(ys, refs)):
        assert isinstance(y, nerve.Tensor), f"{case.id}: output {i} is {type(y).__name__}, not a Tensor"
        rd = _to_np(r).dtype
        assert y.dtype == rd, f"{case.id}: output {i} dtype {y.dtype}, expected {rd}"
        assert_close(y, r, op.rtol, op.atol, f"{case.id} output {i}")
        if y.dtype.kind == "f" and any(x.requires_grad for x in xs):
            assert y.requires_grad, f"{case.id}: output {i} is not in the graph"


def _upstream(ys, seed):
    """Random upstream gradients for the float outputs (None for the rest)."""
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(_to_np(y).shape) if _to_np(y).dtype.kind == "f" else None for y in ys]


def _backward(ys, gs, lib):
    """Backward from several outputs with upstream gradients ``gs``."""
    pairs = [(y, g) for y, g in zip(ys, gs) if g is not None and y.requires_grad]
    if not pairs:
        return False
    if len(pairs) == 1:
        y, g = pairs[0]
        g = g.astype(_to_np(y).dtype)
        y.backward(torch.tensor(g) if lib == "torch" else nerve.tensor(g))
        return True
    total = None
    for y, g in pairs:
        g = g.astype(_to_np(y).dtype)
        s = (y * (torch.tensor(g) if lib == "torch" else nerve.tensor(g))).sum()
        total = s if total is None else total + s
    total.backward()
    return True


def check_backward(case):
    op = case.op
    need_torch()
    if op.torch_fn is None:
        pytest.skip("no PyTorch counterpart (covered by gradcheck)")
    xs = _nerve_inputs(case, np.float32)
    ts = _torch_inputs(case, np.float32)
    ys, tys = _outs(op.fn(*xs)), _outs(op.torch_fn(*ts))
    gs = _upstream(tys, zlib.crc32(case.id.encode()) + 1)
    ran_t = _backward(tys, gs, "torch")
    ran_n = _backward(ys, gs, "nerve")
    assert ran_n == ran_t, f"{case.id}: nerve output requires_grad does not match PyTorch's"
    for i, (x, t) in enumerate(zip(xs, ts)):
        if not x.requires_grad:
            assert x.grad is None
            continue
        if t.grad is None:    # PyTorch: unused input, nerve may leave None too
            assert x.grad is None or not np.any(x.grad._data), f"{case.id}: grad for unused input {i}"
            continue
        assert x.grad is not None, f"{case.id}: input {i} received no gradient"
        assert x.grad.dtype == x.dtype, f"{case.id}: grad dtype {x.grad.dtype} != input dtype {x.dtype}"
        assert x.grad.shape == x.shape
        assert_close(x.grad, t.grad, op.rtol, op.atol, f"{case.id} grad of input {i}")


def _grads_of(case, create_graph):
    xs = _nerve_inputs(case, np.float64)
    ys = _outs(case.op.fn(*xs))
    gs = _upstream(ys, zlib.crc32(case.id.encode()) + 2)
    pairs = [(y, g) for y, g in zip(ys, gs) if g is not None and y.requires_grad]
    if not pairs:
        return None
    total = None
    for y, g in pairs:
        s = (y * nerve.tensor(g.astype(_to_np(y).dtype))).sum()
        total = s if total is None else total + s
    total.backward(create_graph=create_graph)
    return [None if x.grad is None else np.array(x.grad._data) for x in xs]


def check_fast_path_matches_graph_path(case):
    """Hot ops compute a plain backward() on raw arrays and a create_graph backward with tensor
    ops: both must give the same first-order gradients (float64, tight tolerance)."""
    fast = _grads_of(case, create_graph=False)
    if fast is None:
        pytest.skip("no differentiable output")
    graph = _grads_of(case, create_graph=True)
    for i, (a, b) in enumerate(zip(fast, graph)):
        assert (a is None) == (b is None), f"{case.id}: input {i} got a gradient on one path only"
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12, equal_nan=True,
                                       err_msg=f"{case.id}: fast and graph backward differ for input {i}")


def check_gradcheck(case):
    op = case.op
    if not op.gradcheck:
        pytest.skip("gradcheck not meaningful for this entry (ties/kinks/lossy cast): PyTorch check covers it")
    xs = _nerve_inputs(case, np.float64)
    if not any(x.requires_grad for x in xs):
        pytest.skip("no differentiable input")
    assert gradcheck(op.fn, xs), case.id


def check_gradgradcheck(case):
    xs = _nerve_inputs(case, np.float64)
    assert gradgradcheck(case.op.fn, xs), case.id


def table_tests(table):
    """The tests every op table runs, as module-level functions for pytest to collect.

    In a test module: ``globals().update(table_tests(ALL))`` gives test_table_is_consistent,
    test_forward, test_backward_vs_torch, test_gradcheck,
    test_fast_backward_matches_graph_backward and test_gradgradcheck over the table's cases.
    """
    all_cases = cases(table)
    gradgrad_cases = cases(table, only=lambda op: op.gradgrad)

    def test_table_is_consistent():
        ids = [p.id for p in all_cases]
        assert len(ids) == len(set(ids)), "duplicate case ids"
        names = [op.name for op in table]
        assert len(names) == len(set(names)), "duplicate entry names"

    each = pytest.mark.parametrize("case", all_cases)

    @each
    def test_forward(case):
        check_forward(case)

    @each
    def test_backward_vs_torch(case):
        check_backward(case)

    @each
    def test_gradcheck(case):
        check_gradcheck(case)

    @each
    def test_fast_backward_matches_graph_backward(case):
        check_fast_path_matches_graph_path(case)

    @pytest.mark.parametrize("case", gradgrad_cases)
    def test_gradgradcheck(case):
        check_gradgradcheck(case)

    return {f.__name__: f for f in (test_table_is_consistent, test_forward, test_backward_vs_torch, test_gradcheck,
                                    test_fast_backward_matches_graph_backward, test_gradgradcheck)}
