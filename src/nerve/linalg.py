"""``nerve.linalg``: norms and matrix functions (PyTorch's ``torch.linalg``).

``vector_norm`` is one primitive (``VectorNorm``) whose backward follows
PyTorch's defined values at the degenerate points: the gradient of a p-norm
(p > 0) at a zero vector is 0, not NaN; ``inf``-norm ties share the gradient;
the 0-"norm" (a count) has a zero gradient. ``matrix_norm`` composes it (or the
absolute row/column sums, or the singular values) and ``norm`` dispatches
between the two. The ``torch.*`` entry points ``norm``, ``dist`` and ``cdist``
(``nerve.norm`` etc.) are implemented here too, as ``_torch_norm``, ``_dist``
and ``_cdist``.

Example:
    >>> x = nerve.tensor([[3.0, -4.0], [0.0, 1.0]])
    >>> nerve.linalg.vector_norm(x, dim=1)
    tensor([5., 1.])
    >>> nerve.linalg.matrix_norm(x, 1)          # the largest absolute column sum
    tensor(5.)
"""
from __future__ import annotations

import math
import numbers

from ._backend import np, to_dtype
from .autograd.function import Op
from .autograd.grad_mode import _enabled
from .ops._util import _make, const, norm_dim

__all__ = ["vector_norm", "matrix_norm", "norm"]

inf = math.inf


def _keep_shape(shape, axes):
    return tuple(1 if axes is None or i in axes else s for i, s in enumerate(shape))


def _check_float(x, name):
    if x._data.dtype.kind not in "fc":
        raise RuntimeError(
            f"{name}: Expected a floating point or complex tensor as input. Got {x._data.dtype}; "
            "convert with .float() first")


def _cast(x, dtype):
    if dtype is None:
        return x
    from .ops.elementwise import cast
    return cast(x, to_dtype(dtype))


def _vector_axes(x, dim, name):
    """``dim`` (None, int or sequence) as axes; None for all (also for ``()`` and a 0-d tensor)."""
    if dim is None:
        return None
    dims = [dim] if isinstance(dim, numbers.Integral) else list(dim)
    if not dims or x._data.ndim == 0:
        norm_dim(dims, x._data.ndim, name)
        return None
    axes = [norm_dim(d, x._data.ndim, name)[0] for d in dims]
    if len(set(axes)) != len(axes):
        raise RuntimeError(f"{name}: dim {dims} names a dimension more than once (input shape {tuple(x._data.shape)})")
    return tuple(sorted(axes))


# ------------------------------------------------------------- vector norm
class VectorNorm(Op):
    """``(sum |x|^p)^(1/p)`` over ``axes``; ``p`` in {inf, -inf} is the max/min of ``|x|``, p = 0
    counts the non-zeros.

    Backward (PyTorch's ``linalg_vector_norm_backward``): p = 2: ``x g / n``; p = 1:
    ``sign(x) g``; p = inf: ``sign(x) g`` at the elements where ``|x| = n`` (shared by ties
    unless ``split_ties=False``, cdist's rule); otherwise ``sign(x) |x|^(p-1) g / n^(p-1)``.
    Where ``n = 0`` the gradient is 0 (for p < 1: where ``x = 0``).
    """
    save_output = True

    def __init__(self, ord, axes, keepdim, split_ties=True):  # noqa: A002 - PyTorch name
        self.ord, self.axes, self.keepdim, self.split_ties = ord, axes, keepdim, split_ties

    def forward(self, x):
        p, ax, kd = self.ord, self.axes, self.keepdim
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            if p == 2:
                return np.sqrt(np.sum(x * x, axis=ax, keepdims=kd))
            if p == inf:
                return np.amax(np.abs(x), axis=ax, keepdims=kd)
            if p == -inf:
                return np.amin(np.abs(x), axis=ax, keepdims=kd)
            if p == 0:
                return np.asarray(np.sum(x != 0, axis=ax, keepdims=kd), dtype=x.dtype)
            if p == 1:
                return np.sum(np.abs(x), axis=ax, keepdims=kd)
            return np.asarray(np.sum(np.abs(x) ** p, axis=ax, keepdims=kd) ** (1.0 / p), dtype=x.dtype)

    def backward(self, g):
        x = self.inputs[0]
        xd = x._data
        keep = _keep_shape(xd.shape, self.axes)
        p = self.ord
        if not _enabled[0] and p == 2:           # the common case on raw arrays
            nk = self._out()._data.reshape(keep)
            z = nk == 0
            w = np.where(z, 0, g._data.reshape(keep) / np.where(z, 1, nk))
            return _make((xd * w).astype(xd.dtype, copy=False))
        from .ops.elementwise import Where, abs as _abs
        from .ops.shape import reshape
        dt = xd.dtype
        one, nil = const(np.ones((), dt)), const(np.zeros((), dt))
        gk = reshape(g, keep)
        if p == 0:
            return const(np.zeros(xd.shape, dt))
        if p == 1:
            return const(np.sign(xd)) * gk
        n = self.output()
        nk = reshape(n, keep)
        nkd = nk._data
        if p in (inf, -inf):
            ad = np.abs(xd)
            mask = (ad == nkd) | np.isnan(ad)
            coef = np.sign(xd) * mask
            if self.split_ties:
                coef = coef / np.maximum(mask.sum(axis=self.axes, keepdims=True), 1)
            return const(coef.astype(dt, copy=False)) * gk
        zn = nkd == 0
        if p < 1:
            zx = xd == 0
            t = const(np.sign(xd)) * Where(zx)(nil, Where(zx)(one, _abs(x)) ** (p - 1))
            return t * gk * nk ** (1 - p)
        scale = Where(zn)(nil, gk / (Where(zn)(one, nk) if p == 2 else Where(zn)(one, nk) ** (p - 1)))
        if p == 2:
            return x * scale
        if p < 2:
            return const(np.sign(xd)) * _abs(x) ** (p - 1) * scale
        return x * _abs(x) ** (p - 2) * scale


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, axis=None):  # noqa: A002 - PyTorch names
    """The vector ``ord``-norm of ``x`` over ``dim`` (all elements when None).

    ``ord``: any real number, ``inf`` (max ``|x|``), ``-inf`` (min ``|x|``), 0 (number of
    non-zeros). ``dtype``: compute in (and return) this dtype. The gradient at a zero vector
    is 0.

    Example:
        >>> nerve.linalg.vector_norm(nerve.tensor([3.0, -4.0]), ord=1)
        tensor(7.)
    """
    name = "linalg.vector_norm"
    if axis is not None:
        if dim is not None:
            raise TypeError(f"{name}(): got both dim and axis; pass one of them")
        dim = axis
    if isinstance(ord, str) or not isinstance(ord, numbers.Real):
        raise TypeError(f"{name}(): argument 'ord' must be a number, not {type(ord).__name__} ({ord!r}); "
                        "use linalg.matrix_norm for 'fro' and 'nuc'")
    _check_float(x, name)
    x = _cast(x, dtype)
    axes = _vector_axes(x, dim, name)
    xd = x._data
    empty = xd.size == 0 if axes is None else any(xd.shape[a] == 0 for a in axes)
    if empty and (ord < 0 or ord == inf):     # max/min of nothing, or 0^-p summed over nothing
        raise RuntimeError(
            f"{name} cannot compute the {ord} norm on an empty tensor (shape {tuple(xd.shape)}, dim {dim}) "
            "because the operation does not have an identity")
    return VectorNorm(float(ord), axes, keepdim)(x)


# ------------------------------------------------------------- matrix norm
class _SvdVals(Op):
    """Singular values of the last two dims (descending). Gradient: ``U diag(g) V^T``."""

    def forward(self, a):
        m, n = a.shape[-2:]
        if a.size == 0:
            k = min(m, n)
            self.u = np.zeros(a.shape[:-2] + (m, k), a.dtype)
            self.vh = np.zeros(a.shape[:-2] + (k, n), a.dtype)
            return np.zeros(a.shape[:-2] + (k,), a.dtype)
        try:
            u, s, vh = np.linalg.svd(a, full_matrices=False)
        except np.linalg.LinAlgError as e:
            raise RuntimeError(f"linalg.matrix_norm: the SVD of the input (shape {a.shape}) failed: {e}") from None
        self.u, self.vh = u, vh
        return s

    def backward(self, g):
        if not _enabled[0]:
            return _make(((self.u * g._data[..., None, :]) @ self.vh).astype(g._data.dtype, copy=False))
        return _SvdValsGrad(self.u, self.vh)(g, self.inputs[0])


class _SvdValsGrad(Op):
    """``U diag(g) V^T`` recorded for create_graph: linear in ``g``; its dependence on the matrix
    (through U and V) is not implemented, and differentiating it says so."""
    saved = ()

    def __init__(self, u, vh):
        self.u, self.vh = u, vh

    def forward(self, g, a):
        return (self.u * g[..., None, :]) @ self.vh

    def backward(self, gg):
        from .ops.linalg import matmul
        from .ops.reduce import sum as _sum
        if self.inputs[1].requires_grad:
            raise RuntimeError(
                "the second derivative of singular values (matrix_norm/norm with ord 2, -2 or 'nuc') "
                "is not implemented in nerve")
        return _sum(const(self.u) * matmul(gg, const(np.swapaxes(self.vh, -1, -2))), -2), None


def _matrix_dims(A, dim, name):
    dims = [dim] if isinstance(dim, numbers.Integral) else list(dim)
    if len(dims) != 2:
        raise RuntimeError(f"{name}: dim must be a 2-tuple. Got {' '.join(map(str, dims))}")
    d0, d1 = (norm_dim(d, A._data.ndim, name)[0] for d in dims)
    if d0 == d1:
        raise RuntimeError(f"{name}: dims must be different. Got ({dims[0]}, {dims[1]})")
    return d0, d1


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):  # noqa: A002
    """The matrix norm of ``A`` over the two dims ``dim`` (batched over the others).

    ``ord``: ``'fro'`` (Frobenius), ``'nuc'`` (sum of singular values), 1 / -1 (max / min
    absolute column sum), ``inf`` / ``-inf`` (max / min absolute row sum), 2 / -2 (largest /
    smallest singular value). The SVD-based orders have first derivatives only.

    Example:
        >>> nerve.linalg.matrix_norm(nerve.tensor([[1.0, -2.0], [3.0, 4.0]]), ord=float("inf"))
        tensor(7.)
    """
    from .ops.elementwise import abs as _abs
    from .ops.reduce import amax, amin, sum as _sum
    from .ops.shape import movedim, reshape
    name = "linalg.matrix_norm"
    known = ord in ("fro", "nuc") or (isinstance(ord, numbers.Real) and ord in (1, -1, 2, -2, inf, -inf))
    if isinstance(ord, str) and not known:      # PyTorch names an unknown order before the shape
        raise RuntimeError(f"{name}: Order {ord} not supported (expected 'fro', 'nuc', 1, -1, 2, -2, inf or -inf).")
    if A._data.ndim < 2:
        raise RuntimeError(
            f"{name}: The input tensor A must have at least 2 dimensions (got shape {tuple(A._data.shape)}).")
    d0, d1 = _matrix_dims(A, dim, name)
    _check_float(A, name)
    if isinstance(ord, bool) or not known:
        raise RuntimeError(f"{name}: Order {ord} not supported (expected 'fro', 'nuc', 1, -1, 2, -2, inf or -inf).")
    x = _cast(A, dtype)
    shape = x._data.shape
    out_shape = tuple(1 if i in (d0, d1) else s for i, s in enumerate(shape)) if keepdim else \
        tuple(s for i, s in enumerate(shape) if i not in (d0, d1))
    if ord == "fro":
        return VectorNorm(2.0, tuple(sorted((d0, d1))), keepdim)(x)
    if ord in ("nuc", 2, -2):
        s = _SvdVals()(movedim(x, (d0, d1), (-2, -1)))
        if s._data.shape[-1] == 0:
            return const(np.zeros(out_shape, x._data.dtype))
        r = _sum(s, -1) if ord == "nuc" else (amax if ord == 2 else amin)(s, -1)
        return reshape(r, out_shape)
    # 1 / -1: columns (sum over d0, then max/min over d1); inf / -inf: rows
    inner, outer = (d0, d1) if abs(ord) == 1 else (d1, d0)
    sums = _sum(_abs(x), inner, keepdim=True)
    if sums._data.size == 0:
        raise RuntimeError(f"{name}: cannot compute the {ord} norm of an empty matrix (shape {tuple(shape)})")
    r = (amax if ord > 0 else amin)(sums, outer, keepdim=True)
    return reshape(r, out_shape)


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """``torch.linalg.norm``: a vector norm when ``dim`` is an int or 1-tuple (or ``A`` is 1-D), a
    matrix norm when ``dim`` is a 2-tuple (or ``A`` is 2-D and ``ord`` is given); with neither
    ``ord`` nor ``dim``, the 2-norm of all elements.

    Example:
        >>> nerve.linalg.norm(nerve.tensor([[3.0, 4.0], [0.0, 0.0]]))
        tensor(5.)
    """
    name = "linalg.norm"
    if dim is not None:
        dims = (dim,) if isinstance(dim, numbers.Integral) else tuple(dim)
        if len(dims) == 1:
            if isinstance(ord, str):
                raise RuntimeError(f"{name}: Order {ord} not supported for a vector norm (dim={dim})")
            return vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype)
        if len(dims) == 2:
            return matrix_norm(A, "fro" if ord is None else ord, dims, keepdim, dtype=dtype)
        raise RuntimeError(f"{name}: If dim is specified, it must be of length 1 or 2. Got {list(dims)}")
    if ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype)
    nd = A._data.ndim
    if nd == 1:
        if isinstance(ord, str):
            return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)    # PyTorch's error for a 1-D A
        return vector_norm(A, ord, None, keepdim, dtype=dtype)
    if nd == 2:
        return matrix_norm(A, ord, (0, 1), keepdim, dtype=dtype)
    raise RuntimeError(f"{name}: If dim is not specified but ord is, the input must be 1D or 2D. Got {nd}D.")


# -------------------------------------------------- torch.* norm functions
def _torch_norm(input, p="fro", dim=None, keepdim=False, dtype=None):  # noqa: A002
    """``torch.norm`` (see ``nerve.norm``): PyTorch's own dispatch to vector/matrix norms."""
    if isinstance(p, str):
        if p == "fro" and (dim is None or isinstance(dim, numbers.Integral) or len(dim) <= 2):
            return vector_norm(input, 2, dim, keepdim, dtype=dtype)
        return matrix_norm(input, p, list(range(input._data.ndim)) if dim is None else dim, keepdim, dtype=dtype)
    return vector_norm(input, 2.0 if p is None else p, dim, keepdim, dtype=dtype)


def _dist(input, other, p=2):  # noqa: A002
    from .ops._util import lift_pair
    input, other = lift_pair(input, other)
    for t in (input, other):
        if t._data.dtype.kind not in "fc":
            raise RuntimeError(
                f"dist(): input dtype should be either floating point or complex. Got {t._data.dtype} instead.")
    if isinstance(p, str) or not isinstance(p, numbers.Real):
        raise TypeError(f"dist(): argument 'p' must be a number, not {type(p).__name__}")
    return vector_norm(input - other, p)


class _CdistEuclid(Op):
    """Euclidean distances between the rows of ``a`` (..., P, M) and ``b`` (..., R, M).

    ``mm``: from ``|a|^2 + |b|^2 - 2 a b^T`` (one matrix product, clamped at 0; PyTorch's
    choice for more than 25 rows), else from the differences. Backward with ``w = g / d``
    (0 where ``d = 0``): ``da = a rowsum(w) - w b``, ``db = b colsum(w) - w^T a``, so no
    P x R x M array is ever built.
    """
    save_output = True

    def __init__(self, mm):
        self.mm = mm

    def forward(self, a, b):
        with np.errstate(invalid="ignore", over="ignore"):
            if self.mm:
                d2 = (a * a).sum(-1)[..., :, None] + (b * b).sum(-1)[..., None, :] - 2 * (a @ np.swapaxes(b, -1, -2))
                return np.sqrt(np.maximum(d2, 0))
            diff = a[..., :, None, :] - b[..., None, :, :]
            return np.sqrt((diff * diff).sum(-1))

    def backward(self, g):
        a, b = self.inputs
        dd = self._out()._data
        z = dd == 0
        if not _enabled[0]:
            w = np.where(z, 0, g._data / np.where(z, 1, dd)).astype(dd.dtype, copy=False)
            ad, bd = a._data, b._data
            ga = ad * w.sum(-1)[..., None] - w @ bd if a.requires_grad else None
            gb = bd * w.sum(-2)[..., None] - np.swapaxes(w, -1, -2) @ ad if b.requires_grad else None
            return (None if ga is None else _make(ga), None if gb is None else _make(gb))
        from .ops.elementwise import Where
        from .ops.linalg import matmul
        from .ops.reduce import sum as _sum
        from .ops.shape import transpose, unsqueeze
        dt = dd.dtype
        d = self.output()
        w = Where(z)(const(np.zeros((), dt)), g / Where(z)(const(np.ones((), dt)), d))
        ga = a * unsqueeze(_sum(w, -1), -1) - matmul(w, b) if a.requires_grad else None
        gb = b * unsqueeze(_sum(w, -2), -1) - matmul(transpose(w, -1, -2), a) if b.requires_grad else None
        return ga, gb


_CDIST_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist")


def _cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    from .ops.shape import expand, unsqueeze
    a, b = x1._data, x2._data
    for nm, t in (("X1", a), ("X2", b)):
        if t.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {nm} got: {t.ndim}D")
        if t.dtype.kind != "f":
            raise RuntimeError(f"cdist only supports floating-point dtypes, {nm} got: {t.dtype}")
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError(
            f"X1 and X2 must have the same number of columns. X1: {a.shape[-1]} X2: {b.shape[-1]}")
    if isinstance(p, str) or not isinstance(p, numbers.Real) or p < 0:
        raise RuntimeError(f"cdist only supports non-negative p values (got {p!r})")
    if compute_mode not in _CDIST_MODES:
        raise RuntimeError(f"cdist: compute_mode must be one of {', '.join(_CDIST_MODES)}; got {compute_mode!r}")
    if a.dtype != b.dtype:
        raise RuntimeError(f"cdist: X1 and X2 must have the same dtype, got {a.dtype} and {b.dtype}")
    try:
        batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise RuntimeError(
            f"cdist: the batch dims of X1 {tuple(a.shape)} and X2 {tuple(b.shape)} do not broadcast") from None
    if a.shape[:-2] != batch:
        x1 = expand(x1, batch + a.shape[-2:])
    if b.shape[:-2] != batch:
        x2 = expand(x2, batch + b.shape[-2:])
    if a.shape[-1] == 0:       # every distance between empty vectors is 0, whatever p
        p = 1.0
    if p == 2:
        mm = compute_mode == "use_mm_for_euclid_dist" or (
            compute_mode == "use_mm_for_euclid_dist_if_necessary" and (a.shape[-2] > 25 or b.shape[-2] > 25))
        return _CdistEuclid(mm)(x1, x2)
    diff = unsqueeze(x1, -2) - unsqueeze(x2, -3)            # (..., P, R, M)
    return VectorNorm(float(p), (diff._data.ndim - 1,), False, split_ties=False)(diff)
