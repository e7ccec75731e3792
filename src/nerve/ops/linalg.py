"""Matrix products: ``matmul`` (batched, NumPy semantics) and the fused ``linear``."""
from __future__ import annotations

from ..autograd.function import Op
from ..autograd.grad_mode import _enabled
from ._util import _make, lift_pair, sum_to, sum_to_array


def _matmul_error(a, b, e):
    return RuntimeError(
        f"matmul: shapes {tuple(a.shape)} and {tuple(b.shape)} cannot be multiplied "
        f"(the last dim of the first, {a.shape[-1] if a.ndim else '-'}, must equal the "
        f"{'only' if b.ndim == 1 else 'second-to-last'} dim of the second, "
        f"{b.shape[-2] if b.ndim > 1 else (b.shape[0] if b.ndim else '-')})")


def _saved_cross(self):
    """Each operand's gradient reads the other one only (PyTorch saves them that way)."""
    ins = self.inputs
    out = []
    if ins[1].requires_grad:
        out.append(0)
    if ins[0].requires_grad:
        out.append(1)
    return tuple(out)


class Matmul(Op):
    saved_inputs = _saved_cross

    def forward(self, a, b):
        if a.dtype != b.dtype:
            raise TypeError(
                f"matmul: both operands must have the same dtype, got {a.dtype} and {b.dtype} "
                "(convert one with .float() or .double())")
        if a.ndim == 0 or b.ndim == 0:
            raise RuntimeError(f"matmul: both arguments need at least 1 dimension, got shapes {a.shape} and {b.shape}")
        try:
            return a @ b
        except ValueError as e:
            raise _matmul_error(a, b, e) from None

    def backward(self, g):
        a, b = self.inputs
        ad, bd = a._data.ndim, b._data.ndim
        ga = gb = None
        if ad == 1 and bd == 1:
            ga = g * b if a.requires_grad else None
            gb = g * a if b.requires_grad else None
            return ga, gb
        if ad == 1:                       # (k) @ (..., k, n) -> (..., n)
            if a.requires_grad:
                ga = sum_to((g.unsqueeze(-2) @ b.mT).squeeze(-2), a._data.shape)
            if b.requires_grad:
                gb = sum_to(a.unsqueeze(-1) @ g.unsqueeze(-2), b._data.shape)
            return ga, gb
        if bd == 1:                       # (..., m, k) @ (k) -> (..., m)
            if a.requires_grad:
                ga = sum_to(g.unsqueeze(-1) @ b.unsqueeze(-2), a._data.shape)
            if b.requires_grad:
                gb = sum_to((a.mT @ g.unsqueeze(-1)).squeeze(-1), b._data.shape)
            return ga, gb
        if not _enabled[0]:               # plain backward: the same GEMMs on raw arrays
            gd, A, Bm = g._data, a._data, b._data
            if a.requires_grad:
                ga = _make(sum_to_array(gd @ Bm.swapaxes(-1, -2), A.shape))
            if b.requires_grad:
                if bd == 2 and ad > 2:
                    gb = _make(A.reshape(-1, A.shape[-1]).T @ gd.reshape(-1, gd.shape[-1]))
                else:
                    gb = _make(sum_to_array(A.swapaxes(-1, -2) @ gd, Bm.shape))
            return ga, gb
        if a.requires_grad:
            ga = sum_to(g @ b.mT, a._data.shape)
        if b.requires_grad:
            if bd == 2 and ad > 2:
                # fold the batch into rows: one GEMM instead of a batch of them and a sum
                k, n = a._data.shape[-1], g._data.shape[-1]
                gb = a.reshape(-1, k).mT @ g.reshape(-1, n)
            else:
                gb = sum_to(a.mT @ g, b._data.shape)
        return ga, gb


def matmul(a, b):
    """Matrix product with NumPy/PyTorch semantics (1-D, 2-D and batched)."""
    from ..tensor import Tensor
    if not (isinstance(a, Tensor) and isinstance(b, Tensor)):
        a, b = lift_pair(a, b)   # no promotion between tensors: PyTorch refuses mixed dtypes
    return Matmul()(a, b)


class Linear(Op):
    """``y = x @ W.T + b`` in one op: one GEMM forward, two GEMMs backward."""
    saved_inputs = _saved_cross       # x for the weight's gradient, W for the input's

    def forward(self, x, w, b=None):
        if x.dtype != w.dtype:
            raise TypeError(
                f"linear: input dtype {x.dtype} does not match weight dtype {w.dtype}; "
                f"convert the input with x.to({w.dtype.name!r}) (e.g. x.float())")
        if x.ndim == 0 or x.shape[-1] != w.shape[1]:
            raise RuntimeError(
                f"linear: input of shape {tuple(x.shape)} has {x.shape[-1] if x.ndim else 0} features in its last "
                f"dim but the weight of shape {tuple(w.shape)} expects {w.shape[1]} "
                f"(in_features={w.shape[1]}, out_features={w.shape[0]})")
        y = x @ w.T
        if b is not None:
            try:
                y += b
            except (ValueError, TypeError):
                raise RuntimeError(
                    f"linear: bias of shape {tuple(b.shape)} and dtype {b.dtype} does not fit the output of shape "
                    f"{tuple(y.shape)} and dtype {y.dtype}: expected shape ({w.shape[0]},) "
                    f"(out_features={w.shape[0]})") from None
        return y

    def backward(self, g):
        ins = self.inputs
        x, w = ins[0], ins[1]
        gx = gw = gb = None
        if not _enabled[0]:               # plain backward: three BLAS calls on raw arrays
            gd, xd = g._data, x._data
            if x.requires_grad:
                gx = _make(gd @ w._data)
            if gd.ndim != 2:
                gd = gd.reshape(-1, gd.shape[-1])
                xd = xd.reshape(-1, xd.shape[-1])
            if w.requires_grad:
                gw = _make(gd.T @ xd)
            if len(ins) == 3:
                if ins[2].requires_grad:
                    gb = _make(gd.sum(0))
                return gx, gw, gb
            return gx, gw
        if x.requires_grad:
            gx = g @ w
        g2 = g if g._data.ndim == 2 else g.reshape(-1, g._data.shape[-1])
        if w.requires_grad:
            x2 = x if x._data.ndim == 2 else x.reshape(-1, x._data.shape[-1])
            gw = g2.mT @ x2
        if len(ins) == 3 and ins[2].requires_grad:
            gb = g2.sum(0)
        return (gx, gw, gb) if len(ins) == 3 else (gx, gw)


def linear(input, weight, bias=None):  # noqa: A002 - PyTorch name
    """``input @ weight.T + bias``. Shapes: input (*, in), weight (out, in), bias (out,).
    A 1-D weight (in,) gives ``input @ weight`` (shape (*,)), as in PyTorch."""
    nd = getattr(getattr(weight, "_data", None), "ndim", 2)     # (a non-tensor is refused by the op)
    if nd != 2:
        if nd == 1 and bias is None:
            return matmul(input, weight)
        ni = getattr(getattr(input, "_data", None), "ndim", 1)
        if nd == 0 or ni == 0:
            raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are {ni}D and {nd}D")
        raise RuntimeError(
            f"linear: weight must be a matrix (out_features, in_features){' to take a bias' if nd == 1 else ''}, "
            f"got a {nd}-D weight of shape {tuple(weight._data.shape)}")
    if bias is None:
        return Linear()(input, weight)
    return Linear()(input, weight, bias)


# ------------------------------------------------------ PyTorch's matrix-product family
def _need(name, t, nd, what):
    if t._data.ndim != nd:
        raise RuntimeError(f"{name}: {what} must be a {nd}-D tensor, got shape {tuple(t._data.shape)}")


def _same_dtype(name, a, b):
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(
            f"{name}: expected both arguments to have the same dtype, but got {a._data.dtype} and {b._data.dtype}")


def mm(input, mat2):  # noqa: A002
    """``(n, m) @ (m, p) -> (n, p)``; both must be matrices."""
    _need("mm", input, 2, "self")
    _need("mm", mat2, 2, "mat2")
    _same_dtype("mm", input, mat2)
    if input._data.shape[1] != mat2._data.shape[0]:
        raise RuntimeError(
            f"mm: mat1 and mat2 shapes cannot be multiplied ({input._data.shape[0]}x{input._data.shape[1]} and "
            f"{mat2._data.shape[0]}x{mat2._data.shape[1]})")
    return Matmul()(input, mat2)


def bmm(input, mat2):  # noqa: A002
    """Batched ``(b, n, m) @ (b, m, p) -> (b, n, p)`` (no broadcasting)."""
    _need("bmm", input, 3, "batch1")
    _need("bmm", mat2, 3, "batch2")
    _same_dtype("bmm", input, mat2)
    b, n, m = input._data.shape
    if mat2._data.shape[:2] != (b, m):
        raise RuntimeError(
            f"bmm: Expected size for first two dimensions of batch2 tensor to be: [{b}, {m}] but got: "
            f"{list(mat2._data.shape[:2])}.")
    return Matmul()(input, mat2)


def mv(input, vec):  # noqa: A002
    _need("mv", input, 2, "self")
    _need("mv", vec, 1, "vec")
    _same_dtype("mv", input, vec)
    if input._data.shape[1] != vec._data.shape[0]:
        raise RuntimeError(
            f"mv: size mismatch, got input ({input._data.shape[0]}), mat ({input._data.shape[0]}x"
            f"{input._data.shape[1]}), vec ({vec._data.shape[0]})")
    return Matmul()(input, vec)


def dot(input, other):  # noqa: A002
    """Inner product of two 1-D tensors of the same size."""
    _need("dot", input, 1, "1D tensors expected, but got self")
    _need("dot", other, 1, "1D tensors expected, but got other")
    _same_dtype("dot", input, other)
    if input._data.shape != other._data.shape:
        raise RuntimeError(
            f"dot: inconsistent tensor size, expected tensor [{input._data.shape[0]}] and src "
            f"[{other._data.shape[0]}] to have the same number of elements, but got {input._data.shape[0]} and "
            f"{other._data.shape[0]} elements respectively")
    return Matmul()(input, other)


vdot = dot


def inner(input, other):  # noqa: A002
    """Sum of products over the last dim of both (a scalar operand multiplies)."""
    if input._data.ndim == 0 or other._data.ndim == 0:
        return input * other
    from .shape import movedim
    k = input._data.shape[-1]
    if other._data.shape[-1] != k:
        raise RuntimeError(
            f"inner: the last dims must match, got shapes {tuple(input._data.shape)} and {tuple(other._data.shape)}")
    a = input.reshape(-1, k)
    b = movedim(other, -1, 0).reshape(k, -1)
    return matmul(a, b).reshape(input._data.shape[:-1] + other._data.shape[:-1])


def outer(input, vec2):  # noqa: A002
    """``out[i, j] = input[i] * vec2[j]`` for 1-D tensors."""
    _need("outer", input, 1, "input")
    _need("outer", vec2, 1, "vec2")
    return input.reshape(-1, 1) * vec2.reshape(1, -1)


ger = outer


def addmm(input, mat1, mat2, *, beta=1, alpha=1):  # noqa: A002
    """``beta * input + alpha * (mat1 @ mat2)``."""
    prod = mm(mat1, mat2)
    return _axpby(input, prod, beta, alpha)


def addmv(input, mat, vec, *, beta=1, alpha=1):  # noqa: A002
    return _axpby(input, mv(mat, vec), beta, alpha)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):  # noqa: A002
    return _axpby(input, bmm(batch1, batch2), beta, alpha)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):  # noqa: A002
    return _axpby(input, bmm(batch1, batch2).sum(0), beta, alpha)


def addr(input, vec1, vec2, *, beta=1, alpha=1):  # noqa: A002
    return _axpby(input, outer(vec1, vec2), beta, alpha)


def _axpby(input, prod, beta, alpha):  # noqa: A002
    if alpha != 1:
        prod = prod * alpha
    if beta == 0:                    # PyTorch ignores input (even NaN) when beta is 0
        from .._backend import np
        from .elementwise import where   # input gets a zero gradient and its NaNs are not read
        return prod + where(_make(np.ones(input._data.shape, bool)), 0.0, input)
    return prod + (input if beta == 1 else input * beta)
