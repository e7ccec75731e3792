"""einsum: Einstein summation over tensors, differentiable.

The equation is parsed once into *clean* subscripts: ``...`` expanded into letters of its
own, a letter repeated within an operand (a diagonal or trace, ``'ii->i'``) taken as a
diagonal first (``GetItem``), and size-1 dims that broadcast against a larger size squeezed
away. The one primitive, ``Einsum``, then only ever sees operands whose letters are distinct
and sized consistently, and its gradient for operand ``k`` is again an einsum: of the upstream
gradient with the other operands, onto ``k``'s letters, broadcast over any letter that only
``k`` had (it was summed out, so every entry gets the same gradient). The preprocessing ops
carry their own gradients (the diagonal's scatters back, the squeeze's reshapes back).
"""
from __future__ import annotations

import numbers
import string

from .._backend import np
from ..autograd.function import Op
from . import shape as _shape
from ._util import lift

_LETTERS = string.ascii_letters
# contractions at least this large (multiply-adds) go through np.einsum's optimizer, which hands
# pairwise products to BLAS (tensordot); small ones are faster in the plain C loop
_OPTIMIZE_MIN = 1 << 14


class Einsum(Op):
    """``np.einsum`` over clean subscripts (distinct letters per operand, consistent sizes)."""

    def __init__(self, in_subs, out_sub):
        self.in_subs, self.out_sub = tuple(in_subs), out_sub

    def forward(self, *arrays):
        eq = ",".join(self.in_subs) + "->" + self.out_sub
        out = np.einsum(eq, *arrays, optimize=_optimize(self.in_subs, arrays))
        if len(arrays) == 1 and isinstance(out, np.ndarray) and np.may_share_memory(out, arrays[0]):
            out = out.copy()      # a pure transpose/diagonal comes back as a view of the input
        return out

    def backward(self, g):
        xs = self.inputs
        grads = []
        for k, x in enumerate(xs):
            if not x.requires_grad:
                grads.append(None)
                continue
            subs = [self.out_sub] + [s for j, s in enumerate(self.in_subs) if j != k]
            ops = [g] + [t for j, t in enumerate(xs) if j != k]
            mine = self.in_subs[k]
            have = set("".join(subs))
            target = "".join(c for c in mine if c in have)
            gk = Einsum(subs, target)(*ops)
            if target != mine:      # letters only this operand had were summed: broadcast back
                shape = tuple(x._data.shape[i] if c in have else 1 for i, c in enumerate(mine))
                gk = _shape.expand(_shape.reshape(gk, shape), x._data.shape)
            grads.append(gk)
        return tuple(grads)


def _optimize(subs, arrays):
    if len(arrays) >= 3:
        return True
    if len(arrays) < 2:
        return False
    sizes = {}
    for s, a in zip(subs, arrays):
        for c, n in zip(s, a.shape):
            sizes[c] = n
    work = 1
    for n in sizes.values():
        work *= n
    return work >= _OPTIMIZE_MIN


# ------------------------------------------------------------------ parsing
def _scan(equation):
    """Split the equation into per-operand subscript lists (``'...'`` kept as one item) and the
    output list (``None`` in implicit mode), with PyTorch's errors for bad characters."""
    terms, cur, out, i = [[]], None, None, 0
    cur = terms[0]
    while i < len(equation):
        c = equation[i]
        if c == " ":
            i += 1
        elif c == ".":
            if equation[i:i + 3] != "...":
                raise RuntimeError(f"einsum(): found '.' for operand {len(terms) - 1} that is not part of any "
                                   "ellipsis")
            if "..." in cur:
                where = "the output" if out is not None else f"operand {len(terms) - 1}"
                raise RuntimeError(f"einsum(): found '.' for {where} for which an ellipsis was already found")
            cur.append("...")
            i += 3
        elif c == "," and out is None:
            terms.append([])
            cur = terms[-1]
            i += 1
        elif c == "-" and equation[i + 1:i + 2] == ">" and out is None:
            out = []
            cur = out
            i += 2
        elif c in _LETTERS:
            cur.append(c)
            i += 1
        else:
            raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the equation string, "
                               "subscripts must be in [a-zA-Z]")
    return terms, out


def _plan(equation, shapes):
    """Explicit per-operand letters (ellipsis expanded) and the output letters."""
    terms, out = _scan(equation)
    if len(terms) < len(shapes):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    if len(terms) > len(shapes):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    used = set(c for t in terms for c in t if c != "...") | set(c for c in (out or ()) if c != "...")
    ell_dims = []
    for k, (t, shape) in enumerate(zip(terms, shapes)):
        n = len([c for c in t if c != "..."])
        if "..." in t:
            if n > len(shape):
                raise RuntimeError(f"einsum(): the number of subscripts in the equation ({n}) is more than the "
                                   f"number of dimensions ({len(shape)}) for operand {k}")
            ell_dims.append(len(shape) - n)
        else:
            if n != len(shape):
                raise RuntimeError(f"einsum(): the number of subscripts in the equation ({n}) does not match the "
                                   f"number of dimensions ({len(shape)}) for operand {k} and no ellipsis was given")
            ell_dims.append(0)
    n_ell = max(ell_dims) if ell_dims else 0
    free = [c for c in _LETTERS if c not in used]
    if n_ell > len(free):
        raise RuntimeError(f"einsum(): too many dimensions: {len(used)} subscripts and {n_ell} ellipsis dims "
                           f"exceed the {len(_LETTERS)} letters available")
    ell = free[:n_ell]
    subs = []
    for t, e in zip(terms, ell_dims):
        s = []
        for c in t:
            s.extend(ell[n_ell - e:] if c == "..." else [c])
        subs.append("".join(s))
    any_ell = any("..." in t for t in terms)
    if out is None:
        counts = {}
        for s in subs:
            for c in s:
                counts[c] = counts.get(c, 0) + 1
        out_sub = ("".join(ell) if any_ell else "") + "".join(
            sorted(c for c, m in counts.items() if m == 1 and c not in ell))
    else:
        o = []
        for c in out:
            if c == "...":
                o.extend(ell)
                continue
            if c in o:
                raise RuntimeError(f"einsum(): output subscript {c} appears more than once in the output")
            if not any(c in s for s in subs):
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation for any "
                                   "input operand")
            o.append(c)
        out_sub = "".join(o)
    return subs, out_sub, set(ell)


def _sizes(subs, shapes, ell):
    """The size of every letter, with PyTorch's broadcasting of size-1 dims."""
    sizes = {}
    for k, (s, shape) in enumerate(zip(subs, shapes)):
        mine = {}
        for c, n in zip(s, shape):
            if c in mine and mine[c] != n:
                raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {k} but the sizes don't "
                                   f"match, {n} != {mine[c]}")
            mine[c] = n
            seen = sizes.get(c)
            if seen is None or seen == 1:
                sizes[c] = n
            elif n != 1 and n != seen:
                what = "a dimension covered by ellipsis" if c in ell else f"subscript {c}"
                raise RuntimeError(f"einsum(): {what} has size {n} for operand {k} which does not broadcast with "
                                   f"previously seen size {seen} (operand shapes "
                                   f"{', '.join(str(tuple(sh)) for sh in shapes)})")
    return sizes


def _clean(x, sub, sizes):
    """Take diagonals of repeated letters and squeeze broadcast size-1 dims: ``(tensor, letters)``."""
    if len(set(sub)) != len(sub):
        from .index import GetItem
        uniq = "".join(dict.fromkeys(sub))
        idx = []
        for c, n in zip(sub, x._data.shape):
            shape = [1] * len(uniq)
            shape[uniq.index(c)] = n
            idx.append(np.arange(n).reshape(shape))
        x, sub = GetItem(tuple(idx), False)(x), uniq
    keep = [i for i, c in enumerate(sub) if not (x._data.shape[i] == 1 and sizes[c] != 1)]
    if len(keep) != len(sub):
        x = _shape.reshape(x, tuple(x._data.shape[i] for i in keep))
        sub = "".join(sub[i] for i in keep)
    return x, sub


def _sublist(args):
    """PyTorch's sublist form ``einsum(a, [0, 1], b, [1, 2], [0, 2])`` as an equation."""
    def letters(lst):
        out = []
        for v in lst:
            if v is Ellipsis:
                out.append("...")
            elif isinstance(v, numbers.Integral) and 0 <= int(v) < len(_LETTERS):
                out.append(_LETTERS[int(v)])
            else:
                raise ValueError(f"einsum(): expected subscripts to be integers in [0, 52) or Ellipsis, got {v!r}")
        return "".join(out)
    n = len(args) // 2
    ops, terms = list(args[0:2 * n:2]), [letters(s) for s in args[1:2 * n:2]]
    eq = ",".join(terms)
    if len(args) % 2:
        eq += "->" + letters(args[-1])
    return eq, ops


def einsum(*args):
    """Sum of products over the subscripts of ``equation`` (Einstein summation, PyTorch's rules).

    ``einsum(equation, *operands)``; the operands may also be given as one list, or in the
    sublist form ``einsum(a, [0, 1], b, [1, 2], [0, 2])``. Letters repeated across operands are
    multiplied, letters missing from the output are summed, ``...`` stands for broadcast
    leading dims; without ``->`` the output holds the letters used once, sorted. Differentiable
    in every operand (a letter repeated within one operand reads its diagonal).

    Example:
        >>> a, b = nerve.randn(2, 3), nerve.randn(3, 4)
        >>> nerve.einsum("ij,jk->ik", a, b).shape
        (2, 4)
    """
    if len(args) < 2:
        raise ValueError("einsum(): must specify the equation string and at least one operand, or at least one "
                         "operand and its subscripts list")
    if isinstance(args[0], str):
        equation, ops = args[0], list(args[1:])
        if len(ops) == 1 and isinstance(ops[0], (list, tuple)):
            ops = list(ops[0])
    else:
        equation, ops = _sublist(args)
    if not ops:
        raise ValueError("einsum(): must specify the equation string and at least one operand")
    ops = [lift(t) for t in ops]
    dt = ops[0]._data.dtype
    for t in ops[1:]:
        if t._data.dtype != dt:
            raise RuntimeError(f"einsum(): expected all operands to have the same dtype, got {dt} and "
                               f"{t._data.dtype} (expected scalar type {dt} but found {t._data.dtype})")
    shapes = [t._data.shape for t in ops]
    subs, out_sub, ell = _plan(equation, shapes)
    sizes = _sizes(subs, shapes, ell)
    clean = [_clean(t, s, sizes) for t, s in zip(ops, subs)]
    ts, subs = [c[0] for c in clean], [c[1] for c in clean]
    return Einsum(subs, out_sub)(*ts)     # (an output letter always keeps its largest dim somewhere)


__all__ = ["einsum"]

# Tensor methods this module provides: {"name": function taking the tensor first}
TENSOR_METHODS: dict = {}
