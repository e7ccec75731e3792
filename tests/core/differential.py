"""Differential testing against PyTorch: random programs of 3-12 ops, run in both, compared op by op.

A program is a list of steps over a growing list of values. It starts from 1-3 input
tensors (random shapes with size-1 dims and 0-d, float32 that require grad, sometimes
float64 / int64 / int32 / bool). Each step applies one op from ``OPS`` to values
already computed (binary ops prefer operands whose shapes broadcast, but not always,
so shape errors are exercised too), possibly in place. After every step both
frameworks must agree on: whether the op raised (PyTorch raising is the oracle),
the result's dtype, shape and values, and the values of *every* earlier value (an
in-place op must change exactly the aliases PyTorch changes). At the end a random
weighted sum of the float outputs is backpropagated and the input gradients are
compared (including which inputs get none, and that no computed value gets a ``.grad``).

Results whose value is rounding noise are not compared: a step whose input sits within
rounding distance of a discontinuity (``floor`` next to an integer, ``a > b`` with
``a == b`` up to rounding, the std of a constant slice) raises ``Degenerate`` in whichever
framework sees it, and the program ends there (counted as ``degenerate``); ``x / x`` is run
as ``x / x.detach()`` (its two gradient paths cancel only in exact arithmetic).

On a mismatch the program is shrunk (steps removed one at a time while the same kind
of mismatch persists) and reported as readable code.

    python tests/core/differential.py --programs 5000 --seed 1     # a long run
"""
from __future__ import annotations

import argparse
import dataclasses
import math
import sys
import time
import traceback
import warnings
from typing import Callable, List, Optional

import numpy as np

import nerve

try:
    import torch
except ImportError:  # pragma: no cover
    torch = None

FLOATS = ("float32", "float64")


# ---------------------------------------------------------------------------- op table
@dataclasses.dataclass
class OpSpec:
    name: str
    arity: int
    fn: Callable                      # fn(lib, params, *values) -> value
    params: Callable = None           # params(rng, *values) -> dict (or None: skip this op here)
    floats_only: bool = False         # inputs must be floating
    inplace: bool = False             # modifies its first operand (which must be a non-leaf)
    weight: float = 1.0

    def draw_params(self, rng, args):
        return {} if self.params is None else self.params(rng, *args)


def _dim(rng, x, allow_none=False):
    nd = x.ndim
    if allow_none and rng.random() < 0.25:
        return None
    if nd == 0:
        return int(rng.choice([0, -1]))
    return int(rng.integers(-nd, nd))


def _dims_param(rng, x):
    return {"dim": _dim(rng, x, allow_none=True), "keepdim": bool(rng.random() < 0.3)}


def _reduce(name):
    def fn(lib, p, x):
        if p["dim"] is None:
            return getattr(x, name)()
        return getattr(x, name)(p["dim"], keepdim=p["keepdim"])
    return fn


def _perm(rng, x):
    return {"dims": [int(i) for i in rng.permutation(x.ndim)]}


def _reshape_param(rng, x):
    n = int(np.prod(x.shape))
    shapes = [(n,), (-1,), (1, n), (n, 1)]
    for a in range(2, 7):
        if n % a == 0:
            shapes.append((a, n // a))
            shapes.append((n // a, -1, a) if n // a else (0, a))
    if x.ndim:
        shapes.append(tuple(reversed(x.shape)))
    s = shapes[int(rng.integers(len(shapes)))]
    return {"shape": s}


def _index_param(rng, x, *rest):
    nd = x.ndim
    if nd == 0:
        return {"idx": (None,) if rng.random() < 0.5 else (Ellipsis,)}
    idx = []
    for d in range(nd):
        n = x.shape[d]
        r = rng.random()
        if r < 0.25 and n:
            idx.append(int(rng.integers(-n, n)))
        elif r < 0.5:
            a = int(rng.integers(0, n + 1))
            b = int(rng.integers(a, n + 1))
            idx.append(slice(a, b, int(rng.integers(1, 3))))
        elif r < 0.7 and n:
            idx.append(("arr", [int(v) for v in rng.integers(-n, n, int(rng.integers(1, 4)))]))
        elif r < 0.8:
            idx.append(None)
            idx.append(slice(None))
        else:
            idx.append(slice(None))
    if rng.random() < 0.2:
        idx.insert(int(rng.integers(0, len(idx) + 1)), Ellipsis)
        idx = [i for k, i in enumerate(idx) if not (i == slice(None) and k == len(idx) - 1)]
    return {"idx": tuple(idx)}


def _build_index(lib, idx):
    return tuple(lib.tensor(i[1]) if isinstance(i, tuple) and i and i[0] == "arr" else i for i in idx)


def _mask_param(rng, x, *rest):
    return {"mask": rng.random(x.shape) < 0.4, "value": float(rng.choice([0.0, -1.5, 2.0]))}


def _clamp_param(rng, x):
    lo = float(rng.uniform(-1, 0))
    hi = float(rng.uniform(0, 1))
    r = rng.random()
    return {"min": lo if r < 0.7 else None, "max": hi if r > 0.3 else None}


def _scalar_param(rng, *xs):
    return {"c": float(rng.choice([2.0, -0.5, 1.5, 3.0])) if rng.random() < 0.7 else int(rng.choice([2, -1, 3]))}


def _cat_param(rng, a, b):
    return {"dim": _dim(rng, a)}


def _unsq_param(rng, x):
    return {"dim": int(rng.integers(-x.ndim - 1, x.ndim + 1))}


def _pow_param(rng, x):
    return {"c": float(rng.choice([2.0, 3.0, 0.5, -1.0, 0.0]))}


def _expand_param(rng, x):
    shape = [int(rng.choice([s, -1])) if s != 1 else int(rng.integers(1, 4)) for s in x.shape]
    if rng.random() < 0.3:
        shape.insert(0, int(rng.integers(1, 3)))
    return {"shape": tuple(shape)}


def _where_fn(lib, p, a, b):
    return lib.where(a > 0, a, b)


def _softmax_param(rng, x):
    return {"dim": _dim(rng, x)}


def _setitem_fn(lib, p, a, b):
    a = a.clone() if a.requires_grad and a.is_leaf else a
    v = b.sum() if b.ndim else b
    if not a.is_floating_point():
        v = v.detach()          # torch lets an integer tensor "require grad" this way; nerve does not
    a[_build_index(lib, p["idx"])] = v
    return a


def _masked_fill_fn(lib, p, a, b):
    v = b.sum() if b.ndim else b              # a 0-d value, which may require grad
    if not a.is_floating_point():
        v = v.detach()          # torch lets an integer tensor "require grad" this way; nerve does not
    return a.masked_fill_(lib.tensor(p["mask"]), v)


def _index_add_param(rng, x, *rest):
    n = x.shape[0] if x.ndim else 1
    # non-negative (index_add_ takes no negative index), repeats accumulate
    return {"index": [int(i) for i in rng.integers(0, n, int(rng.integers(1, 4)))] if n else []}


def _index_add_fn(lib, p, a, b):
    idx = lib.tensor(p["index"], dtype=lib.int64)
    src = a.detach().index_select(0, idx) * 0 + (b.sum() if b.ndim else b)    # rows of a's shape
    return a.index_add_(0, idx, src, alpha=2)


class Degenerate(Exception):
    """An input whose result is rounding noise: the program ends there if either framework
    raises it (the two may round differently, so they need not agree on raising)."""


_guard = [True]      # the Degenerate checks (off while a program is generated from zeros)


def _np_of(t):
    d = t.detach()
    return d.numpy() if isinstance(d, nerve.Tensor) else d.cpu().numpy()


def _off_steps(t, where):
    """``t``, unless an element lies within rounding distance of a step of the op that follows
    (floor/int at integers, round at halves, sign at 0) without being on it: one last bit of
    difference between the frameworks would flip the result."""
    x = _np_of(t)
    if x.dtype.kind == "f" and _guard[0]:
        with np.errstate(all="ignore"):
            step = {"int": np.round(x), "half": np.floor(x) + 0.5, "zero": np.zeros_like(x)}[where]
            d = np.abs(x - step)
            if np.any((d > 0) & (d <= 1e-5 * np.maximum(1.0, np.abs(x)))):
                raise Degenerate(f"a value next to a step ({where})")
    return t


def _div_fn(lib, p, a, b):
    # x / x is 1 with two gradient paths that cancel only in exact arithmetic (g / x - g x / x^2):
    # under a large upstream gradient the rounding residue, which each framework gets differently,
    # is the whole gradient. So x / x is run as x / x.detach() in both.
    return a / (b.detach() if a is b else b)


def _gt_fn(lib, p, a, b):
    # a comparison of two values that differ only by rounding (log(exp(x)) > x) flips with the
    # last bit of a transcendental function: not generated
    x, y = _np_of(a), _np_of(b)
    if (x.dtype.kind == "f" or y.dtype.kind == "f") and _guard[0]:
        try:
            with np.errstate(all="ignore"):
                tie = np.isclose(x, y, rtol=1e-5, atol=1e-7) & (x != y)
        except ValueError:
            tie = False                  # shapes that do not broadcast: the op itself raises
        if np.any(tie):
            raise Degenerate("comparison of values equal up to rounding")
    return a > b


def _std_fn(lib, p, a):
    # The std of a (nearly) constant slice is rounding noise (PyTorch's float32 kernel gives 0 for
    # some values and ~1e-8 for others), and its gradient g * (x - mean) / std is noise over noise:
    # not a defined value to compare (PyTorch's documented rule, gradient 0 where std == 0, holds
    # only when both get exactly 0). Such inputs are not generated.
    arr = _np_of(a)
    if arr.dtype.kind == "f" and arr.size and _guard[0]:
        axis = None if p["dim"] is None or arr.ndim == 0 else p["dim"] % arr.ndim
        n = arr.size if axis is None else arr.shape[axis]
        if n > 1:
            with np.errstate(all="ignore"):
                spread = np.max(arr, axis=axis) - np.min(arr, axis=axis)
                scale = np.max(np.abs(arr), axis=axis)
            if np.any(spread <= 1e-6 * scale):
                raise Degenerate("std of a constant slice")
    return a.std() if p["dim"] is None else a.std(p["dim"], keepdim=p["keepdim"])


def _ops():
    ops = [
        OpSpec("add", 2, lambda lib, p, a, b: a + b, weight=2),
        OpSpec("sub", 2, lambda lib, p, a, b: a - b),
        OpSpec("mul", 2, lambda lib, p, a, b: a * b, weight=2),
        OpSpec("div", 2, _div_fn),
        OpSpec("add_scalar", 1, lambda lib, p, a: a + p["c"], _scalar_param),
        OpSpec("rmul_scalar", 1, lambda lib, p, a: p["c"] * a, _scalar_param),
        OpSpec("rsub_scalar", 1, lambda lib, p, a: p["c"] - a, _scalar_param),
        OpSpec("pow_scalar", 1, lambda lib, p, a: a ** p["c"], _pow_param, floats_only=True),
        OpSpec("neg", 1, lambda lib, p, a: -a),
        OpSpec("exp", 1, lambda lib, p, a: a.exp()),
        OpSpec("log", 1, lambda lib, p, a: a.abs().log() if p["abs"] else a.log(),
               lambda rng, a: {"abs": bool(rng.random() < 0.7)}),
        OpSpec("sqrt", 1, lambda lib, p, a: a.sqrt()),
        OpSpec("abs", 1, lambda lib, p, a: a.abs()),
        OpSpec("relu", 1, lambda lib, p, a: lib.relu(a), floats_only=True),
        OpSpec("sigmoid", 1, lambda lib, p, a: a.sigmoid()),
        OpSpec("tanh", 1, lambda lib, p, a: a.tanh()),
        OpSpec("clamp", 1, lambda lib, p, a: a.clamp(min=p["min"], max=p["max"]) if (p["min"] is not None or p["max"] is not None) else a.clamp(min=0), _clamp_param),
        OpSpec("maximum", 2, lambda lib, p, a, b: lib.maximum(a, b)),
        OpSpec("minimum", 2, lambda lib, p, a, b: lib.minimum(a, b)),
        OpSpec("where", 2, _where_fn),
        OpSpec("sum", 1, _reduce("sum"), _dims_param, weight=1.5),
        OpSpec("mean", 1, _reduce("mean"), _dims_param, floats_only=True),
        OpSpec("amax", 1, _reduce("amax"), _dims_param),
        OpSpec("prod", 1, _reduce("prod"), _dims_param),
        OpSpec("std", 1, _std_fn, _dims_param, floats_only=True),
        OpSpec("logsumexp", 1, lambda lib, p, a: lib.logsumexp(a, p["dim"] if p["dim"] is not None else 0),
               _dims_param, floats_only=True),
        OpSpec("max_dim", 1, lambda lib, p, a: a.max(p["dim"] if p["dim"] is not None else 0).values, _dims_param),
        OpSpec("softmax", 1, lambda lib, p, a: a.softmax(p["dim"]), _softmax_param, floats_only=True),
        OpSpec("log_softmax", 1, lambda lib, p, a: a.log_softmax(p["dim"]), _softmax_param, floats_only=True),
        OpSpec("cumsum", 1, lambda lib, p, a: a.cumsum(p["dim"]), _softmax_param),
        OpSpec("reshape", 1, lambda lib, p, a: a.reshape(p["shape"]), _reshape_param),
        OpSpec("permute", 1, lambda lib, p, a: a.permute(*p["dims"]), _perm),
        OpSpec("transpose", 1, lambda lib, p, a: a.transpose(0, -1) if a.ndim else a.t()),
        OpSpec("unsqueeze", 1, lambda lib, p, a: a.unsqueeze(p["dim"]), _unsq_param),
        OpSpec("squeeze", 1, lambda lib, p, a: a.squeeze()),
        OpSpec("expand", 1, lambda lib, p, a: a.expand(*p["shape"]), _expand_param),
        OpSpec("flip", 1, lambda lib, p, a: a.flip(p["dim"]) if a.ndim else a.flip(0), _softmax_param),
        OpSpec("cat", 2, lambda lib, p, a, b: lib.cat([a, b], p["dim"]), _cat_param),
        OpSpec("stack", 2, lambda lib, p, a, b: lib.stack([a, b], p["dim"]), _cat_param),
        OpSpec("matmul", 2, lambda lib, p, a, b: a @ b, floats_only=True),
        OpSpec("getitem", 1, lambda lib, p, a: a[_build_index(lib, p["idx"])], _index_param, weight=2),
        OpSpec("masked_fill", 1, lambda lib, p, a: a.masked_fill(lib.tensor(p["mask"]), p["value"]), _mask_param),
        OpSpec("sign", 1, lambda lib, p, a: _off_steps(a, "zero").sign()),
        OpSpec("floor", 1, lambda lib, p, a: _off_steps(a, "int").floor(), floats_only=True),
        OpSpec("round", 1, lambda lib, p, a: _off_steps(a, "half").round(), floats_only=True),
        OpSpec("double", 1, lambda lib, p, a: a.double()),
        OpSpec("float", 1, lambda lib, p, a: a.float()),
        OpSpec("to_int", 1, lambda lib, p, a: _off_steps(a * 1.37 + 0.123, "int").int()),   # off integer boundaries
        OpSpec("gt", 2, _gt_fn),
        # in place (on non-leaves; the result is the same object)
        OpSpec("add_", 2, lambda lib, p, a, b: a.add_(b), inplace=True, weight=1.5),
        OpSpec("mul_", 2, lambda lib, p, a, b: a.mul_(b), inplace=True),
        OpSpec("iadd_scalar", 1, lambda lib, p, a: a.__iadd__(p["c"]), _scalar_param, inplace=True),
        OpSpec("clamp_", 1, lambda lib, p, a: a.clamp_(min=-0.5), inplace=True, floats_only=True),
        OpSpec("zero_", 1, lambda lib, p, a: a.zero_(), inplace=True),
        OpSpec("setitem", 2, _setitem_fn, _index_param, inplace=True, weight=1.5),
        OpSpec("exp_", 1, lambda lib, p, a: a.exp_(), inplace=True, weight=0.5),
        OpSpec("sigmoid_", 1, lambda lib, p, a: a.sigmoid_(), inplace=True, weight=0.5),
        OpSpec("relu_inplace", 1, lambda lib, p, a: lib.nn.functional.relu(a, inplace=True), inplace=True,
               floats_only=True, weight=0.5),
        OpSpec("addcmul_", 2, lambda lib, p, a, b: a.addcmul_(b, b, value=p["c"]), _scalar_param, inplace=True,
               weight=0.5),
        OpSpec("lerp_", 2, lambda lib, p, a, b: a.lerp_(b, 0.25), inplace=True, floats_only=True, weight=0.5),
        OpSpec("clamp_min_", 2, lambda lib, p, a, b: a.clamp_min_(b), inplace=True, floats_only=True, weight=0.5),
        OpSpec("masked_fill_", 2, _masked_fill_fn, _mask_param, inplace=True, weight=0.5),
        OpSpec("index_add_", 2, _index_add_fn, _index_add_param, inplace=True, weight=0.5),
        OpSpec("copy_", 2, lambda lib, p, a, b: a.copy_(b), inplace=True, weight=0.5),
        OpSpec("nan_to_num_", 1, lambda lib, p, a: a.nan_to_num_(nan=0.5, posinf=3.0), inplace=True,
               floats_only=True, weight=0.3),
    ]
    return ops


OPS = _ops()
OPS_BY_NAME = {op.name: op for op in OPS}


# ---------------------------------------------------------------------------- programs
@dataclasses.dataclass
class Step:
    op: str
    args: tuple            # indices into the value list
    params: dict


@dataclasses.dataclass
class Program:
    inputs: list           # (numpy array, requires_grad)
    steps: List[Step]

    def code(self):
        lines = []
        for i, (a, rg) in enumerate(self.inputs):
            lines.append(f"v{i} = lib.tensor(np.array({a.tolist()!r}, dtype='{a.dtype}'), requires_grad={rg})")
        n = len(self.inputs)
        for s in self.steps:
            args = ", ".join(f"v{j}" for j in s.args)
            lines.append(f"v{n} = {s.op}({args}, **{s.params!r})")
            n += 1
        return "\n".join(lines)


def _rand_shape(rng):
    nd = int(rng.choice([0, 1, 1, 2, 2, 3]))
    return tuple(int(rng.choice([1, 2, 3, 4])) for _ in range(nd))


def _rand_input(rng, shape=None):
    shape = _rand_shape(rng) if shape is None else shape
    r = rng.random()
    if r < 0.75:
        return rng.uniform(-2, 2, shape).astype(np.float32), True
    if r < 0.85:
        return rng.uniform(-2, 2, shape).astype(np.float64), True
    if r < 0.92:
        return rng.integers(-3, 4, shape).astype(np.int64), False
    if r < 0.97:
        return rng.integers(-3, 4, shape).astype(np.int32), False
    return rng.random(shape) < 0.5, False


def _broadcast_partner(rng, shape):
    """A shape that broadcasts with ``shape`` (usually), with size-1 dims and fewer dims."""
    if rng.random() < 0.1:
        return _rand_shape(rng)
    s = list(shape)
    if s and rng.random() < 0.3:
        s = s[int(rng.integers(0, len(s) + 1)):]
    s = [1 if rng.random() < 0.3 else d for d in s]
    return tuple(s)


def random_program(rng, n_steps=None):
    n_in = int(rng.integers(1, 4))
    first = _rand_input(rng)
    inputs = [first]
    for _ in range(n_in - 1):
        inputs.append(_rand_input(rng, _broadcast_partner(rng, first[0].shape)))
    n_steps = int(rng.integers(3, 13)) if n_steps is None else n_steps
    shapes = [a.shape for a, _ in inputs]
    kinds = [a.dtype.kind for a, _ in inputs]
    steps = []
    weights = np.array([op.weight for op in OPS], dtype=float)
    weights /= weights.sum()
    while len(steps) < n_steps:
        op = OPS[int(rng.choice(len(OPS), p=weights))]
        cand = list(range(len(shapes)))
        if op.floats_only:
            cand = [i for i in cand if kinds[i] == "f"] or cand
        if op.inplace:
            cand = [i for i in cand if i >= len(inputs)] or cand
        a = int(rng.choice(cand))
        args = [a]
        if op.arity == 2:
            good = [i for i in range(len(shapes)) if _broadcasts(shapes[i], shapes[a])]
            b = int(rng.choice(good)) if good and rng.random() < 0.85 else int(rng.integers(len(shapes)))
            args.append(b)
        fake = [np.zeros(shapes[i]) for i in args]
        params = op.draw_params(rng, fake)
        steps.append(Step(op.name, tuple(args), params))
        # the result's shape is only known by running; use torch (or numpy) to find it
        try:
            out = _run_one_torch(op, params, [np.zeros(shapes[i], dtype=_np_dtype(kinds[i])) for i in args])
            shapes.append(tuple(out.shape))
            kinds.append({"torch.bool": "b"}.get(str(out.dtype), "f" if out.is_floating_point() else "i"))
        except Exception:
            steps.pop()
            continue
    return Program(inputs, steps)


def _np_dtype(kind):
    return {"f": np.float32, "i": np.int64, "b": bool}[kind]


def _run_one_torch(op, params, arrays):
    ts = [torch.tensor(a) for a in arrays]
    if op.inplace:
        ts[0] = ts[0].clone()
    _guard[0] = False          # zeros stand in for the values: only the result's shape is wanted
    try:
        return op.fn(torch, params, *ts)
    finally:
        _guard[0] = True


def _broadcasts(a, b):
    try:
        np.broadcast_shapes(a, b)
        return True
    except ValueError:
        return False


# ---------------------------------------------------------------------------- running
class Mismatch(AssertionError):
    def __init__(self, kind, step, detail):
        super().__init__(f"[{kind}] at step {step}: {detail}")
        self.kind, self.step = kind, step


def _to_np(t):
    if hasattr(t, "detach"):
        t = t.detach()
    if isinstance(t, nerve.Tensor):
        return np.asarray(t.numpy())
    return t.cpu().numpy()


def _dtype_name(t):
    return str(t.dtype).replace("torch.", "").replace("nerve.", "")


def _close(a, b, rtol, atol):
    if a.shape != b.shape:
        return False
    if a.dtype.kind == "b" or b.dtype.kind == "b" or a.dtype.kind in "iu":
        return np.array_equal(a, b)
    return np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True) and np.array_equal(np.isnan(a), np.isnan(b))


def run_program(prog, rtol=1e-4, atol=1e-5, grad_rtol=2e-3, grad_atol=1e-4):
    """Run in both frameworks; raise ``Mismatch`` at the first disagreement."""
    vals = {"nerve": [], "torch": []}
    leaves = {"nerve": [], "torch": []}
    for lib_name, lib in (("nerve", nerve), ("torch", torch)):
        for a, rg in prog.inputs:
            t = lib.tensor(a.copy(), requires_grad=rg)
            vals[lib_name].append(t)
            leaves[lib_name].append(t)
    # NumPy's floating-point warnings are errors here: nerve must give the IEEE value silently
    # (issue 7), so a RuntimeWarning escaping from an op is a mismatch like any other error.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)    # PyTorch's advice (std with one element, ...)
        warnings.simplefilter("error", RuntimeWarning)
        for k, s in enumerate(prog.steps):
            op = OPS_BY_NAME[s.op]
            res = {}
            first = vals["torch"][s.args[0]]
            clone_first = op.inplace and first.is_leaf and first.requires_grad
            for lib_name, lib in (("torch", torch), ("nerve", nerve)):
                args = [vals[lib_name][i] for i in s.args]
                if clone_first:
                    args[0] = args[0].clone()          # both frameworks refuse this; test the non-leaf case
                try:
                    res[lib_name] = op.fn(lib, s.params, *args)
                except Exception as e:          # noqa: BLE001
                    res[lib_name] = e
            tr, nr = res["torch"], res["nerve"]
            if isinstance(tr, Degenerate) or isinstance(nr, Degenerate):
                return "degenerate"             # rounding noise: the program ends here
            if isinstance(tr, Exception):
                if not isinstance(nr, Exception):
                    raise Mismatch("no-error", k, f"torch raised {type(tr).__name__}: {tr}; nerve returned {nr!r}")
                return "error"                  # both raised: the program ends here
            if isinstance(nr, Exception):
                raise Mismatch("error", k, f"nerve raised {type(nr).__name__}: {nr}\n"
                               + "".join(traceback.format_exception(nr)[-4:]))
            if _dtype_name(tr) != _dtype_name(nr):
                raise Mismatch("dtype", k, f"{s.op}: torch {tr.dtype}, nerve {nr.dtype}")
            if tuple(tr.shape) != tuple(nr.shape):
                raise Mismatch("shape", k, f"{s.op}: torch {tuple(tr.shape)}, nerve {tuple(nr.shape)}")
            if bool(tr.requires_grad) != bool(nr.requires_grad):
                raise Mismatch("requires_grad", k, f"{s.op}: torch {tr.requires_grad}, nerve {nr.requires_grad}")
            vals["torch"].append(tr)
            vals["nerve"].append(nr)
            # every value so far (aliases must see in-place changes exactly as in torch)
            for j, (tv, nv) in enumerate(zip(vals["torch"], vals["nerve"])):
                if not _close(_to_np(nv), _to_np(tv), rtol, atol):
                    raise Mismatch("value", k, f"value v{j} after {s.op}:\n torch {_to_np(tv)}\n nerve {_to_np(nv)}")
        # backward through a weighted sum of every float output that requires grad
        rng = np.random.default_rng(len(prog.steps))
        terms = {"torch": [], "nerve": []}
        for j in range(len(vals["torch"])):
            tv = vals["torch"][j]
            if tv.requires_grad and tv.is_floating_point():
                w = float(rng.uniform(0.5, 1.5))
                for lib_name in ("torch", "nerve"):
                    v = vals[lib_name][j]
                    terms[lib_name].append((v * w).sum() if v.dtype != torch.float64 and lib_name == "torch"
                                           else (v * w).sum())
        if not terms["torch"]:
            return "no-grad"
        res = {}
        for lib_name in ("torch", "nerve"):
            try:
                loss = terms[lib_name][0].double()
                for t in terms[lib_name][1:]:
                    loss = loss + t.double()
                loss.backward()
                res[lib_name] = None
            except Exception as e:          # noqa: BLE001
                res[lib_name] = e
        if isinstance(res["torch"], Exception):
            if not isinstance(res["nerve"], Exception):
                if "modified by an inplace operation" in str(res["torch"]):
                    # PyTorch refuses because its formula saved a value that changed; nerve's backward
                    # did not read it (nerve raises exactly when its own backward would read a
                    # changed value), so nerve's gradient is still right: allowed, counted
                    return "torch-stricter"
                raise Mismatch("no-error", len(prog.steps), f"backward: torch raised {res['torch']}")
            return "error"
        if isinstance(res["nerve"], Exception):
            e = res["nerve"]
            raise Mismatch("error", len(prog.steps), f"backward: nerve raised {type(e).__name__}: {e}\n"
                           + "".join(traceback.format_exception(e)[-4:]))
        for j, (tl, nl) in enumerate(zip(leaves["torch"], leaves["nerve"])):
            if (tl.grad is None) != (nl.grad is None):
                raise Mismatch("grad-none", len(prog.steps), f"input v{j}: torch grad {tl.grad}, nerve {nl.grad}")
            if tl.grad is not None and not _close(_to_np(nl.grad), _to_np(tl.grad), grad_rtol, grad_atol):
                raise Mismatch("grad", len(prog.steps),
                               f"input v{j}:\n torch {_to_np(tl.grad)}\n nerve {_to_np(nl.grad)}")
        # computed values get no .grad (non-leaves, or leaves that never required grad, even if
        # they gained it later in place), unless an op returned an input itself
        for j in range(len(prog.inputs), len(vals["torch"])):
            tv, nv = vals["torch"][j], vals["nerve"][j]
            tg = tv.grad if tv.is_leaf else None
            if (tg is None) != (nv.grad is None):
                raise Mismatch("grad-none", len(prog.steps), f"value v{j}: torch grad {tg}, nerve {nv.grad}")
    return "ok"


def shrink(prog, kind):
    """Remove steps (and unused inputs' dependents) while a mismatch of ``kind`` persists."""
    def fails(p):
        try:
            run_program(p)
        except Mismatch as m:
            return m.kind == kind
        except Exception:          # noqa: BLE001
            return False
        return False

    changed = True
    while changed:
        changed = False
        for i in range(len(prog.steps) - 1, -1, -1):
            cand = _drop_step(prog, i)
            if cand is not None and fails(cand):
                prog = cand
                changed = True
    return prog


def _drop_step(prog, i):
    n_in = len(prog.inputs)
    removed = n_in + i
    steps = []
    for k, s in enumerate(prog.steps):
        if k == i:
            continue
        if removed in s.args:
            return None
        args = tuple(a - 1 if a > removed else a for a in s.args)
        steps.append(Step(s.op, args, s.params))
    return Program(prog.inputs, steps)


def run_many(n, seed, report=print, stop_after=1):
    rng = np.random.default_rng(seed)
    failures = []
    stats = {}
    for p in range(n):
        prog = random_program(rng)
        try:
            out = run_program(prog)
            stats[out] = stats.get(out, 0) + 1
        except Mismatch as m:
            small = shrink(prog, m.kind)
            try:
                run_program(small)
                msg = str(m)
            except Mismatch as m2:
                msg = str(m2)
            failures.append((small, msg))
            report(f"--- program {p} (seed {seed}) failed: {msg}\n{small.code()}\n")
            if len(failures) >= stop_after:
                break
    return failures, stats


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--programs", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-failures", type=int, default=20)
    args = ap.parse_args(argv)
    t0 = time.time()
    failures, stats = run_many(args.programs, args.seed, stop_after=args.max_failures)
    print(f"{args.programs} programs (seed {args.seed}) in {time.time() - t0:.1f} s: {stats}; "
          f"{len(failures)} mismatches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
