"""Convolution: ``conv1d``/``conv2d``, ``conv_transpose1d``/``conv_transpose2d``, ``unfold``/``fold``.

Three primitives close under differentiation (so double backward works):

* ``Convolution(x, w[, b])``: the convolution (cross-correlation, as PyTorch);
* ``ConvolutionInputGrad(g, w)``: its adjoint in ``x`` (the gradient of the input), which
  is also ``conv_transpose``;
* ``ConvolutionWeightGrad(x, g)``: the gradient of the weight.

Each one's backward is written with the other two. All share one ``_Geom`` (stride,
padding, dilation, groups and the spatial sizes). 1-D convolutions are 2-D ones of
height 1.

Layout (measured with timeit against PyTorch, 2 threads): three raw paths, picked per call, each
one BLAS GEMM (batched over images or groups) and no Python loop over batch or pixels:

* ``_small``: C*kh*kw <= 32 (a first layer on grey images): NCHW im2col (N, C*kh*kw, oh*ow), a
  batched GEMM per image gives NCHW directly;
* ``_flat``: stride 1, one group: the padded NCHW planes flattened, each (c, i, j) im2col row is one
  contiguous run (see ``_flat``), so im2col/col2im move long runs;
* otherwise (strides, groups): padded channels-last copy, columns (kh, kw, C), output copied to NCHW.

col2im (the input gradient) is kh*kw strided adds. Outputs are contiguous NCHW, as PyTorch's.
When the weight needs its gradient, ``Convolution`` keeps the forward's im2col (small and flat
paths) for the weight gradient instead of redoing it (measured 1.1x faster per backward).
"""
from __future__ import annotations

import numbers

from ..autograd.function import Op
from ..autograd.grad_mode import _enabled
from .._backend import np
from ._util import _make
from .linalg import _saved_cross

__all__ = ["conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", "unfold", "fold"]

_as_strided = np.lib.stride_tricks.as_strided


# ---------------------------------------------------------------- geometry
class _Geom:
    """Everything the three primitives need about one convolution (2-D form).

    ``x``: (N, C, H, W) of the convolution's input; ``k``: (kh, kw); ``out``: (oh, ow);
    ``pad``: (top, bottom, left, right); ``stride``/``dil``: pairs; ``groups``.
    """
    __slots__ = ("x", "k", "out", "pad", "stride", "dil", "groups")

    def __init__(self, x, k, out, pad, stride, dil, groups):
        self.x, self.k, self.out, self.pad = x, k, out, pad
        self.stride, self.dil, self.groups = stride, dil, groups

    def with_batch(self, n, c):
        return _Geom((n, c) + tuple(self.x[2:]), self.k, self.out, self.pad, self.stride, self.dil, self.groups)


def _padded_nhwc(x, pad):
    """(N, C, H, W) -> contiguous zero-padded (N, H + pt + pb, W + pl + pr, C)."""
    pt, pb, pl, pr = pad
    xl = x.transpose(0, 2, 3, 1)
    if not (pt or pb or pl or pr):
        return np.ascontiguousarray(xl)
    n, h, w, c = xl.shape
    xp = np.zeros((n, h + pt + pb, w + pl + pr, c), dtype=x.dtype)
    xp[:, pt:pt + h, pl:pl + w] = xl
    return xp


def _cols(x, ge):
    """im2col: (M, kh*kw*C) for one group, (G, M, kh*kw*Cg) for several; M = N*oh*ow."""
    xp = _padded_nhwc(x, ge.pad)
    n, _, _, c = xp.shape
    (kh, kw), (oh, ow), (sh, sw), (dh, dw), g = ge.k, ge.out, ge.stride, ge.dil, ge.groups
    s0, s1, s2, s3 = xp.strides
    win = _as_strided(xp, (n, oh, ow, kh, kw, c), (s0, s1 * sh, s2 * sw, s1 * dh, s2 * dw, s3), writeable=False)
    if g == 1:
        return win.reshape(n * oh * ow, kh * kw * c)
    cg = c // g
    win = win.reshape(n, oh, ow, kh, kw, g, cg)
    return win.transpose(5, 0, 1, 2, 3, 4, 6).reshape(g, n * oh * ow, kh * kw * cg)


def _wmat(w, g):
    """(O, Cg, kh, kw) -> (kh*kw*Cg, O), or (G, kh*kw*Cg, Og) with groups."""
    o, cg, kh, kw = w.shape
    if g == 1:
        return w.transpose(2, 3, 1, 0).reshape(kh * kw * cg, o)
    return w.reshape(g, o // g, cg, kh, kw).transpose(0, 3, 4, 2, 1).reshape(g, kh * kw * cg, o // g)


def _rows(y, g):
    """(N, O, oh, ow) -> (M, O), or (G, M, Og): the output (or its gradient) as GEMM rows."""
    n, o, oh, ow = y.shape
    if g == 1:
        return y.transpose(0, 2, 3, 1).reshape(n * oh * ow, o)
    return y.reshape(n, g, o // g, oh, ow).transpose(1, 0, 3, 4, 2).reshape(g, n * oh * ow, o // g)


def _unrows(r, ge, o):
    """GEMM rows -> contiguous (N, O, oh, ow)."""
    n = ge.x[0]
    oh, ow = ge.out
    g = ge.groups
    if g == 1:
        return np.ascontiguousarray(r.reshape(n, oh, ow, o).transpose(0, 3, 1, 2))
    return np.ascontiguousarray(r.reshape(g, n, oh, ow, o // g).transpose(1, 0, 4, 2, 3)).reshape(n, o, oh, ow)


def _conv_raw(x, w, ge, b=None, keep=None):
    """The convolution; with a list ``keep``, the im2col of the small/flat paths is appended to it
    (for the weight gradient, which needs the same columns)."""
    if _small(ge, w):
        return _small_conv(x, w, ge, b, keep)
    if _flat(ge):
        return _flat_conv(x, w, ge, b, keep)
    cols = _cols(x, ge)
    r = cols @ _wmat(w, ge.groups)
    if b is not None and ge.groups == 1:
        r += b
    y = _unrows(r, ge, w.shape[0])
    if b is not None and ge.groups != 1:
        y += b.reshape(-1, 1, 1)
    return y


def _input_grad_raw(g, w, ge):
    """col2im of ``rows(g) @ W.T``: the gradient of the input, (N, C, H, W)."""
    if _small(ge, w):
        return _small_input_grad(g, w, ge)
    if _flat(ge):
        return _flat_input_grad(_flat_grad(g, ge), w, ge)
    return _nhwc_input_grad(_rows(g, ge.groups), w, ge)


def _weight_grad_raw(x, g, ge, wshape):
    if _small_k(ge, wshape):
        return _small_weight_grad(x, g, ge, wshape)
    if _flat(ge):
        return _flat_weight_grad(x, _flat_grad(g, ge), ge, wshape)
    return _nhwc_weight_grad(x, _rows(g, ge.groups), ge, wshape)


def _grads_raw(x, w, g, ge, need_x, need_w, need_b, cols=None):
    """The three gradients of one convolution, sharing the re-laid-out output gradient (and the
    forward's im2col ``cols`` where it kept them)."""
    gx = gw = gb = None
    if _small(ge, w):
        if need_x:
            gx = _small_input_grad(g, w, ge)
        if need_w:
            gw = _small_weight_grad(x, g, ge, w.shape, cols)
        if need_b:
            gb = g.reshape(g.shape[0], g.shape[1], -1).sum(2).sum(0)
        return gx, gw, gb
    if _flat(ge):
        gf = _flat_grad(g, ge)
        if need_x:
            gx = _flat_input_grad(gf, w, ge)
        if need_w:
            gw = _flat_weight_grad(x, gf, ge, w.shape, cols)
        if need_b:                        # rows of gf are contiguous: faster than g.sum((0, 2, 3))
            gb = gf.sum(1)
        return gx, gw, gb
    else:
        gr = _rows(g, ge.groups)
        if need_x:
            gx = _nhwc_input_grad(gr, w, ge)
        if need_w:
            gw = _nhwc_weight_grad(x, gr, ge, w.shape)
    if need_b:
        gb = g.sum((0, 2, 3))
    return gx, gw, gb


def _nhwc_input_grad(gr, w, ge):
    n, c, h, wd = ge.x
    (kh, kw), (oh, ow), (sh, sw), (dh, dw), g = ge.k, ge.out, ge.stride, ge.dil, ge.groups
    pt, pb, pl, pr = ge.pad
    wm = _wmat(w, g)
    dcols = gr @ wm.swapaxes(-1, -2)                       # (M, K) or (G, M, K)
    cg = c // g
    dc = dcols.reshape(g, n, oh, ow, kh, kw, cg)
    hp, wp = h + pt + pb, wd + pl + pr
    dxp = np.zeros((n, hp, wp, g, cg), dtype=dcols.dtype)
    he, we = sh * (oh - 1) + 1, sw * (ow - 1) + 1
    for i in range(kh):
        for j in range(kw):
            dxp[:, i * dh:i * dh + he:sh, j * dw:j * dw + we:sw] += dc[:, :, :, :, i, j].transpose(1, 2, 3, 0, 4)
    dx = dxp.reshape(n, hp, wp, c)[:, pt:pt + h, pl:pl + wd].transpose(0, 3, 1, 2)
    return np.ascontiguousarray(dx)


def _nhwc_weight_grad(x, gr, ge, wshape):
    """``cols.T @ rows(g)`` as (O, Cg, kh, kw)."""
    o, cg, kh, kw = wshape
    g = ge.groups
    cols = _cols(x, ge)
    dwm = cols.swapaxes(-1, -2) @ gr                        # (K, O) or (G, K, Og)
    if g == 1:
        return np.ascontiguousarray(dwm.reshape(kh, kw, cg, o).transpose(3, 2, 0, 1))
    return np.ascontiguousarray(dwm.reshape(g, kh, kw, cg, o // g).transpose(0, 4, 3, 1, 2)).reshape(wshape)


# Few input values per output (C * kh * kw <= 32, e.g. a first layer on grey images): NCHW
# im2col (N, C*kh*kw, oh*ow) and one batched GEMM per image give NCHW directly, with no layout
# change of the (large) output or its gradient.
_SMALL_K = 32


def _small_k(ge, wshape):
    return ge.groups == 1 and wshape[1] * wshape[2] * wshape[3] <= _SMALL_K


def _small(ge, w):
    return _small_k(ge, w.shape)


def _small_cols(x, ge):
    """(N, C*kh*kw, oh*ow), rows ordered (C, kh, kw)."""
    n, c = x.shape[:2]
    (kh, kw), (oh, ow), (sh, sw), (dh, dw) = ge.k, ge.out, ge.stride, ge.dil
    pt, pb, pl, pr = ge.pad
    if pt or pb or pl or pr:
        xp = np.zeros((n, c, x.shape[2] + pt + pb, x.shape[3] + pl + pr), dtype=x.dtype)
        xp[:, :, pt:pt + x.shape[2], pl:pl + x.shape[3]] = x
        x = xp
    s0, s1, s2, s3 = x.strides
    win = _as_strided(x, (n, c, kh, kw, oh, ow), (s0, s1, s2 * dh, s3 * dw, s2 * sh, s3 * sw), writeable=False)
    return win.reshape(n, c * kh * kw, oh * ow)


def _small_conv(x, w, ge, b, keep=None):
    o = w.shape[0]
    cols = _small_cols(x, ge)
    if keep is not None:
        keep.append(cols)
    y = w.reshape(o, -1) @ cols                                        # (N, O, oh*ow)
    if b is not None:
        y += b.reshape(-1, 1)
    return y.reshape((x.shape[0], o) + tuple(ge.out))


def _small_weight_grad(x, g, ge, wshape, cols=None):
    n, o = g.shape[:2]
    if cols is None:
        cols = _small_cols(x, ge)
    return (g.reshape(n, o, -1) @ cols.transpose(0, 2, 1)).sum(0).reshape(wshape)


def _small_input_grad(g, w, ge):
    n, c, h, wd = ge.x
    (kh, kw), (oh, ow), (sh, sw), (dh, dw) = ge.k, ge.out, ge.stride, ge.dil
    pt, pb, pl, pr = ge.pad
    o = w.shape[0]
    dc = (w.reshape(o, -1).T @ g.reshape(g.shape[0], o, -1)).reshape(n, c, kh, kw, oh, ow)
    dxp = np.zeros((n, c, h + pt + pb, wd + pl + pr), dtype=dc.dtype)
    he, we = sh * (oh - 1) + 1, sw * (ow - 1) + 1
    for i in range(kh):
        for j in range(kw):
            dxp[:, :, i * dh:i * dh + he:sh, j * dw:j * dw + we:sw] += dc[:, :, i, j]
    return np.ascontiguousarray(dxp[:, :, pt:pt + h, pl:pl + wd])


# Stride 1, one group (the common case): the "flat shift" layout. Over the zero-padded NCHW input
# flattened per plane (width wp), the value a kernel tap (i, j) sees at output (y, x) sits at
# (y + i dh) wp + x + j dw: for each (c, i, j) the im2col row is ONE contiguous run of oh * wp
# values (x < ow are real outputs, the rest is cropped). So im2col is a copy of long runs, the
# GEMM's result is NCHW already, and col2im is kh * kw adds of long runs.
def _flat(ge):
    return ge.groups == 1 and ge.stride == (1, 1)


def _flat_input(x, ge):
    """Zero-padded (N, C, hp + 1, wp) (one spare row: the last tap's run reads past the plane)."""
    n, c, h, wd = x.shape
    pt, pb, pl, pr = ge.pad
    xp = np.zeros((n, c, h + pt + pb + 1, wd + pl + pr), dtype=x.dtype)
    xp[:, :, pt:pt + h, pl:pl + wd] = x
    return xp


def _flat_cols(x, ge):
    """(C * kh * kw, N, oh * wp) im2col, rows ordered (C, kh, kw) as PyTorch's weight."""
    xp = _flat_input(x, ge)
    n, c, hp1, wp = xp.shape
    (kh, kw), (oh, _), (dh, dw) = ge.k, ge.out, ge.dil
    s0, s1, s2, s3 = xp.strides
    win = _as_strided(xp, (c, kh, kw, n, oh * wp), (s1, s2 * dh, s3 * dw, s0, s3), writeable=False)
    return win.reshape(c * kh * kw, n * oh * wp), wp


def _flat_conv(x, w, ge, b, keep=None):
    cols, wp = _flat_cols(x, ge)
    if keep is not None:
        keep.append(cols)
    n, o = x.shape[0], w.shape[0]
    oh, ow = ge.out
    r = w.reshape(o, -1) @ cols                                          # (O, N * oh * wp)
    y = np.empty((n, o, oh, ow), dtype=r.dtype)
    np.copyto(y, r.reshape(o, n, oh, wp)[:, :, :, :ow].transpose(1, 0, 2, 3))
    if b is not None:
        y += b.reshape(-1, 1, 1)
    return y


def _flat_grad(g, ge):
    """The output gradient as (O, N * oh * wp), zero in the cropped columns."""
    n, o, oh, ow = g.shape
    wp = ge.x[3] + ge.pad[2] + ge.pad[3]
    gf = np.empty((o, n, oh, wp), dtype=g.dtype)
    gf[:, :, :, :ow] = g.transpose(1, 0, 2, 3)
    gf[:, :, :, ow:] = 0
    return gf.reshape(o, n * oh * wp)


def _flat_weight_grad(x, gf, ge, wshape, cols=None):
    if cols is None:
        cols, _ = _flat_cols(x, ge)
    # (C*kh*kw, M) @ (M, O), both operands in BLAS's preferred order: 1.3x faster than gf @ cols.T
    return np.ascontiguousarray((cols @ gf.T).T).reshape(wshape)


def _flat_input_grad(gf, w, ge):
    """col2im over a (C, N, plane) buffer: each tap's add is one pass over runs in memory order."""
    n, c, h, wd = ge.x
    (kh, kw), (oh, _), (dh, dw) = ge.k, ge.out, ge.dil
    pt, pb, pl, pr = ge.pad
    hp, wp = h + pt + pb, wd + pl + pr
    o = w.shape[0]
    wr = w.transpose(2, 3, 1, 0).reshape(kh * kw * c, o)              # rows (kh, kw, C)
    run = oh * wp
    dcols = (wr @ gf).reshape(kh, kw, c, n, run)
    dxp = np.zeros((c, n, (hp + 1) * wp), dtype=dcols.dtype)
    for i in range(kh):
        for j in range(kw):
            off = i * dh * wp + j * dw
            dxp[:, :, off:off + run] += dcols[i, j]
    dx = dxp.reshape(c, n, hp + 1, wp)[:, :, pt:pt + h, pl:pl + wd].transpose(1, 0, 2, 3)
    return np.ascontiguousarray(dx)


# ---------------------------------------------------------------- primitives
class Convolution(Op):
    """``y = conv(x, w) + b``; x (N, C, H, W), w (O, C/groups, kh, kw), b (O,)."""
    saved_inputs = _saved_cross     # x is read for w's gradient, w for x's (the bias never)

    def __init__(self, ge, keep_cols=False):
        # keep_cols: hold the forward's im2col for the weight gradient (saves redoing it; the
        # in-place checks guard x, which is saved whenever w needs its gradient)
        self.ge = ge
        self._kept = [] if keep_cols else None

    def forward(self, x, w, b=None):
        return _conv_raw(x, w, self.ge, b, self._kept)

    def backward(self, g):
        ins = self.inputs
        x, w = ins[0], ins[1]
        ge = self.ge
        has_b = len(ins) == 3
        gx = gw = gb = None
        kept = self._kept
        cols = kept[0] if kept else None
        if kept:
            kept.clear()                  # used once (a retained graph's next backward redoes it)
        if not _enabled[0]:               # plain backward: the same formulas on raw arrays
            gx, gw, gb = _grads_raw(x._data, w._data, g._data, ge, x.requires_grad, w.requires_grad,
                                    has_b and ins[2].requires_grad, cols)
            gx, gw, gb = [None if v is None else _make(v) for v in (gx, gw, gb)]
        else:
            if x.requires_grad:
                gx = ConvolutionInputGrad(ge)(g, w)
            if w.requires_grad:
                gw = ConvolutionWeightGrad(ge, w._data.shape)(x, g)
            if has_b and ins[2].requires_grad:
                gb = g.sum((0, 2, 3))
        return (gx, gw, gb) if has_b else (gx, gw)


class ConvolutionInputGrad(Op):
    """The adjoint of ``Convolution`` in x: ``g`` (N, O, oh, ow), w -> (N, C, H, W). Also
    ``conv_transpose`` (whose weight (C_in, C_out/groups, kh, kw) is this w)."""
    saved_inputs = _saved_cross

    def __init__(self, ge):
        self.ge = ge

    def forward(self, g, w):
        ge = self.ge
        if g.shape[0] != ge.x[0]:
            ge = self.ge = ge.with_batch(g.shape[0], ge.x[1])
        return _input_grad_raw(g, w, ge)

    def backward(self, gg):
        g, w = self.inputs
        ggd = gw = None
        if g.requires_grad:
            ggd = Convolution(self.ge)(gg, w)
        if w.requires_grad:
            gw = ConvolutionWeightGrad(self.ge, w._data.shape)(gg, g)
        return ggd, gw


class ConvolutionWeightGrad(Op):
    """The gradient of ``Convolution`` in w: x, g -> (O, C/groups, kh, kw)."""
    saved_inputs = _saved_cross

    def __init__(self, ge, wshape):
        self.ge, self.wshape = ge, tuple(wshape)

    def forward(self, x, g):
        return _weight_grad_raw(x, g, self.ge, self.wshape)

    def backward(self, ggw):
        x, g = self.inputs
        gx = gg = None
        if x.requires_grad:
            gx = ConvolutionInputGrad(self.ge)(g, ggw)
        if g.requires_grad:
            gg = Convolution(self.ge)(x, ggw)
        return gx, gg


class Unfold(Op):
    """im2col in PyTorch's layout: (N, C, H, W) -> (N, C*kh*kw, L), columns ordered (C, kh, kw)."""
    saved = ()

    def __init__(self, ge):
        self.ge = ge

    def forward(self, x):
        ge = self.ge
        n, c = x.shape[:2]
        (kh, kw), (oh, ow), (sh, sw), (dh, dw) = ge.k, ge.out, ge.stride, ge.dil
        pt, pb, pl, pr = ge.pad
        if pt or pb or pl or pr:
            x = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)))
        s0, s1, s2, s3 = x.strides
        win = _as_strided(x, (n, c, kh, kw, oh, ow), (s0, s1, s2 * dh, s3 * dw, s2 * sh, s3 * sw), writeable=False)
        return win.reshape(n, c * kh * kw, oh * ow)

    def backward(self, g):
        return Fold(self.ge)(g)


class Fold(Op):
    """col2im, the adjoint of ``Unfold``: (N, C*kh*kw, L) -> (N, C, H, W), overlaps summed."""
    saved = ()

    def __init__(self, ge):
        self.ge = ge

    def forward(self, cols):
        ge = self.ge
        _, _, h, wd = ge.x
        n = cols.shape[0]
        (kh, kw), (oh, ow), (sh, sw), (dh, dw) = ge.k, ge.out, ge.stride, ge.dil
        pt, pb, pl, pr = ge.pad
        c = cols.shape[1] // (kh * kw)
        cc = cols.reshape(n, c, kh, kw, oh, ow)
        out = np.zeros((n, c, h + pt + pb, wd + pl + pr), dtype=cols.dtype)
        he, we = sh * (oh - 1) + 1, sw * (ow - 1) + 1
        for i in range(kh):
            for j in range(kw):
                out[:, :, i * dh:i * dh + he:sh, j * dw:j * dw + we:sw] += cc[:, :, i, j]
        return np.ascontiguousarray(out[:, :, pt:pt + h, pl:pl + wd])

    def backward(self, g):
        return Unfold(self.ge)(g)


# ---------------------------------------------------------------- arguments
def _tensor_arg(name, arg, pos, v, optional=False):
    from ..tensor import Tensor
    if isinstance(v, Tensor) or (optional and v is None):
        return v
    raise TypeError(f"{name}(): argument '{arg}' (position {pos}) must be Tensor, not {type(v).__name__}")


def _ints(name, arg, value, nd):
    """An int or a sequence of ``nd`` ints (one int repeats) as a tuple, in PyTorch's words."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return (int(value),) * nd
    if isinstance(value, (tuple, list)):
        for i, v in enumerate(value):
            if isinstance(v, bool) or not isinstance(v, numbers.Integral):
                raise TypeError(f"{name}(): argument '{arg}' must be tuple of ints, but found element of type "
                                f"{type(v).__name__} at pos {i}")
        vals = tuple(int(v) for v in value)
        if len(vals) == 1:
            return vals * nd
        if len(vals) != nd:
            raise RuntimeError(f"{name}: expected {arg} to be a single integer value or a list of {nd} values to "
                               f"match the convolution dimensions, but got {arg}={list(vals)}")
        return vals
    raise TypeError(f"{name}(): argument '{arg}' must be tuple of ints, not {type(value).__name__}")


def _sizes(t):
    return " x ".join(str(v) for v in t)


def _check_common(name, x, w, nd, stride, dilation, groups, transposed=False):
    xs, ws = tuple(x._data.shape), tuple(w._data.shape)
    if len(xs) not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {name}, but got input "
                           f"of size: {list(xs)}")
    if len(ws) != nd + 2:
        kind = "(in_channels, out_channels/groups" if transposed else "(out_channels, in_channels/groups"
        raise RuntimeError(f"{name}: expected a {nd + 2}-D weight {kind}, *kernel_size), but got weight of size "
                           f"{list(ws)}")
    if isinstance(groups, bool) or not isinstance(groups, numbers.Integral):
        raise TypeError(f"{name}(): argument 'groups' must be int, not {type(groups).__name__}")
    stride = _ints(name, "stride", stride, nd)
    dilation = _ints(name, "dilation", dilation, nd)
    if min(stride) <= 0:
        raise RuntimeError(f"{name}: non-positive stride is not supported (got stride={list(stride)})")
    if min(dilation) <= 0:
        raise RuntimeError(f"{name}: dilation should be greater than zero, but got {list(dilation)}")
    if groups <= 0:
        raise RuntimeError(f"{name}: non-positive groups is not supported (got groups={groups})")
    if ws[0] % groups:
        raise RuntimeError(f"{name}: Given groups={groups}, expected weight to be divisible by {groups} at "
                           f"dimension 0, but got weight of size {list(ws)} instead")
    xd, wd = x._data.dtype, w._data.dtype
    if xd.kind != "f" or xd != wd:
        raise RuntimeError(f"{name}: expected input and weight to have the same floating-point dtype, but got input "
                           f"{xd} and weight {wd}; convert them with .float() (or .double())")
    return stride, dilation, int(groups)


def _check_bias(name, b, o, ws, dtype):
    if b is None:
        return
    bs = tuple(b._data.shape)
    if bs != (o,):
        raise RuntimeError(f"{name}: Given weight of size {list(ws)}, expected bias to be 1-dimensional with {o} "
                           f"elements, but got bias of size {list(bs)} instead")
    if b._data.dtype != dtype:
        raise RuntimeError(f"{name}: bias dtype {b._data.dtype} does not match the weight dtype {dtype}")


def _batched(x, nd):
    """(input, was_unbatched): an unbatched input gets a batch dim of 1."""
    from .shape import unsqueeze
    if x._data.ndim == nd + 1:
        return unsqueeze(x, 0), True
    return x, False


def _to2d(t, nd):
    """A 1-D convolution's (N, C, L) tensor as (N, C, 1, L)."""
    from .shape import reshape
    if nd == 2:
        return t
    s = t._data.shape
    return reshape(t, s[:2] + (1,) + s[2:])


def _from2d(t, nd, unbatched):
    from .shape import reshape
    s = t._data.shape
    if nd == 1:
        s = s[:2] + s[3:]
    if unbatched:
        s = s[1:]
    return t if s == t._data.shape else reshape(t, s)


def _pad2(p, nd):
    """Per-dim (before, after) pairs -> the 2-D (top, bottom, left, right)."""
    if nd == 1:
        return (0, 0) + tuple(p[0])
    return tuple(p[0]) + tuple(p[1])


def _convnd(name, nd, input, weight, bias, stride, padding, dilation, groups):  # noqa: A002
    _tensor_arg(name, "input", 1, input)
    _tensor_arg(name, "weight", 2, weight)
    _tensor_arg(name, "bias", 3, bias, optional=True)
    stride, dilation, groups = _check_common(name, input, weight, nd, stride, dilation, groups)
    x, unb = _batched(input, nd)
    xs, ws = tuple(x._data.shape), tuple(weight._data.shape)
    ks = ws[2:]
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * nd
        elif padding == "same":
            if max(stride) > 1:
                raise RuntimeError(f"{name}: padding='same' is not supported for strided convolutions")
            tot = [d * (k - 1) for d, k in zip(dilation, ks)]
            pads = tuple((t // 2, t - t // 2) for t in tot)
        else:
            raise RuntimeError(f"{name}: Invalid padding string: {padding!r} (expected 'same' or 'valid')")
    else:
        p = _ints(name, "padding", padding, nd)
        if min(p) < 0:
            raise RuntimeError(f"{name}: negative padding is not supported (got padding={list(p)})")
        pads = tuple((v, v) for v in p)
    if xs[1] != ws[1] * groups:
        raise RuntimeError(f"{name}: Given groups={groups}, weight of size {list(ws)}, expected input{list(xs)} to "
                           f"have {ws[1] * groups} channels, but got {xs[1]} channels instead")
    _check_bias(name, bias, ws[0], ws, weight._data.dtype)
    padded = tuple(s + a + b for s, (a, b) in zip(xs[2:], pads))
    dk = tuple(d * (k - 1) + 1 for d, k in zip(dilation, ks))
    if any(p < k for p, k in zip(padded, dk)):
        raise RuntimeError(f"{name}: Calculated padded input size per channel: ({_sizes(padded)}). Kernel size: "
                           f"({_sizes(dk)}). Kernel size can't be greater than actual input size")
    out = tuple((p - k) // s + 1 for p, k, s in zip(padded, dk, stride))
    if nd == 1:
        ge = _Geom(xs[:2] + (1,) + xs[2:], (1,) + ks, (1,) + out, _pad2(pads, 1), (1,) + stride, (1,) + dilation,
                   groups)
    else:
        ge = _Geom(xs, ks, out, _pad2(pads, 2), stride, dilation, groups)
    xx, ww = _to2d(x, nd), _to2d(weight, nd)
    conv = Convolution(ge, _enabled[0] and weight.requires_grad)
    y = conv(xx, ww) if bias is None else conv(xx, ww, bias)
    return _from2d(y, nd, unb)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002 - PyTorch name
    """2-D convolution (cross-correlation) over (N, C_in, H, W) or unbatched (C_in, H, W).

    Args:
        weight: (C_out, C_in/groups, kH, kW); bias: (C_out,) or None.
        stride, dilation: int or (sH, sW). padding: int, (pH, pW), ``'valid'`` (0) or ``'same'``
            (output size = input size, stride 1 only; an even kernel pads one more on the bottom/right).
        groups: split the channels into ``groups`` independent convolutions (``groups=C_in``: depthwise).

    Shape: output (N, C_out, H_out, W_out), H_out = (H + 2 pH - dH (kH - 1) - 1) // sH + 1.

    Example:
        >>> F.conv2d(nerve.randn(64, 1, 28, 28), nerve.randn(32, 1, 3, 3), padding=1).shape
        (64, 32, 28, 28)
    """
    return _convnd("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """1-D convolution over (N, C_in, L) or (C_in, L); weight (C_out, C_in/groups, k). As ``conv2d``.

    Example:
        >>> F.conv1d(nerve.randn(8, 4, 50), nerve.randn(6, 4, 5), padding="same").shape
        (8, 6, 50)
    """
    return _convnd("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def _conv_transposend(name, nd, input, weight, bias, stride, padding, output_padding, groups, dilation):  # noqa: A002
    from .shape import reshape
    _tensor_arg(name, "input", 1, input)
    _tensor_arg(name, "weight", 2, weight)
    _tensor_arg(name, "bias", 3, bias, optional=True)
    if isinstance(padding, str):
        raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
    stride, dilation, groups = _check_common(name, input, weight, nd, stride, dilation, groups, transposed=True)
    p = _ints(name, "padding", padding, nd)
    op = _ints(name, "output_padding", output_padding, nd)
    if min(p) < 0:
        raise RuntimeError(f"{name}: negative padding is not supported (got padding={list(p)})")
    if min(op) < 0:
        raise RuntimeError(f"{name}: negative output_padding is not supported (got output_padding={list(op)})")
    x, unb = _batched(input, nd)
    xs, ws = tuple(x._data.shape), tuple(weight._data.shape)
    ks = ws[2:]
    if xs[1] != ws[0]:
        raise RuntimeError(f"{name}: Given transposed=1, weight of size {list(ws)}, expected input{list(xs)} to "
                           f"have {ws[0]} channels, but got {xs[1]} channels instead")
    if any(o >= s and o >= d for o, s, d in zip(op, stride, dilation)):
        o2, s2, d2 = ((0,) + op, (1,) + stride, (1,) + dilation) if nd == 1 else (op, stride, dilation)
        raise RuntimeError(
            f"{name}: output padding must be smaller than either stride or dilation, but got "
            f"output_padding_height: {o2[0]} output_padding_width: {o2[1]} stride_height: {s2[0]} stride_width: "
            f"{s2[1]} dilation_height: {d2[0]} dilation_width: {d2[1]}")
    c_out = ws[1] * groups
    _check_bias(name, bias, c_out, ws, weight._data.dtype)
    out = tuple((i - 1) * s - 2 * q + d * (k - 1) + o + 1
                for i, s, q, d, k, o in zip(xs[2:], stride, p, dilation, ks, op))
    if min(out) < 1:
        raise RuntimeError(f"{name}: Given input size per channel: ({_sizes(xs[2:])}). Calculated output size per "
                           f"channel: ({_sizes(out)}). Output size is too small")
    pads = tuple((q, q) for q in p)
    if nd == 1:
        ge = _Geom((xs[0], c_out, 1) + out, (1,) + ks, (1,) + xs[2:], _pad2(pads, 1), (1,) + stride,
                   (1,) + dilation, groups)
    else:
        ge = _Geom((xs[0], c_out) + out, ks, xs[2:], _pad2(pads, 2), stride, dilation, groups)
    y = ConvolutionInputGrad(ge)(_to2d(x, nd), _to2d(weight, nd))
    if bias is not None:
        y = y + reshape(bias, (1, c_out, 1, 1))
    return _from2d(y, nd, unb)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,  # noqa: A002
                     dilation=1):
    """2-D transposed convolution (the gradient of ``conv2d`` in its input), (N, C_in, H, W) ->
    (N, C_out, H_out, W_out), H_out = (H - 1) sH - 2 pH + dH (kH - 1) + output_padding + 1.

    Args:
        weight: (C_in, C_out/groups, kH, kW) (PyTorch's layout); bias: (C_out,) or None.
        output_padding: extra size on the bottom/right (each < stride or < dilation).

    Example:
        >>> F.conv_transpose2d(nerve.randn(1, 8, 7, 7), nerve.randn(8, 4, 3, 3), stride=2, padding=1,
        ...                    output_padding=1).shape
        (1, 4, 14, 14)
    """
    return _conv_transposend("conv_transpose2d", 2, input, weight, bias, stride, padding, output_padding, groups,
                             dilation)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,  # noqa: A002
                     dilation=1):
    """1-D transposed convolution over (N, C_in, L); weight (C_in, C_out/groups, k). As ``conv_transpose2d``."""
    return _conv_transposend("conv_transpose1d", 1, input, weight, bias, stride, padding, output_padding, groups,
                             dilation)


def _fold_geom(name, kernel_size, dilation, padding, stride):
    k = _ints(name, "kernel_size", kernel_size, 2)
    d = _ints(name, "dilation", dilation, 2)
    p = _ints(name, "padding", padding, 2)
    s = _ints(name, "stride", stride, 2)
    if min(k) <= 0:
        raise RuntimeError(f"{name}: kernel size should be greater than zero, but got kernel_size={k}")
    if min(d) <= 0:
        raise RuntimeError(f"{name}: dilation should be greater than zero, but got dilation={d}")
    if min(p) < 0:
        raise RuntimeError(f"{name}: padding should be non-negative, but got padding={p}")
    if min(s) <= 0:
        raise RuntimeError(f"{name}: stride should be greater than zero, but got stride={s}")
    return k, d, p, s


def _blocks(size, k, d, p, s):
    return tuple((n + 2 * q - dd * (kk - 1) - 1) // ss + 1 for n, kk, dd, q, ss in zip(size, k, d, p, s))


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):  # noqa: A002
    """Extract sliding blocks (im2col): (N, C, H, W) -> (N, C * kh * kw, L), L the number of blocks;
    an unbatched (C, H, W) gives (C * kh * kw, L). Each column lists a block's values in (C, kh, kw) order.

    Example:
        >>> F.unfold(nerve.randn(2, 3, 5, 5), 2).shape
        (2, 12, 16)
    """
    from .shape import reshape, unsqueeze
    _tensor_arg("unfold", "input", 1, input)
    k, d, p, s = _fold_geom("unfold", kernel_size, dilation, padding, stride)
    xs = tuple(input._data.shape)
    if len(xs) not in (3, 4):
        raise RuntimeError(f"unfold: Expected 3D (unbatched) or 4D (batched) input, but got input of size: "
                           f"{list(xs)} (nerve.nn.functional.unfold handles images only)")
    x = unsqueeze(input, 0) if len(xs) == 3 else input
    n, c, h, w = x._data.shape
    out = _blocks((h, w), k, d, p, s)
    if min(out) < 1:
        raise RuntimeError(
            f"unfold: Given input with spatial size ({h}, {w}), kernel_size={k}, dilation={d}, padding={p}, "
            f"calculated shape of the array of sliding blocks as {out}, but its components must be at least one.")
    ge = _Geom((n, c, h, w), k, out, (p[0], p[0], p[1], p[1]), s, d, 1)
    y = Unfold(ge)(x)
    return reshape(y, y._data.shape[1:]) if len(xs) == 3 else y


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):  # noqa: A002
    """Combine sliding blocks into an image (col2im, overlaps summed): (N, C * kh * kw, L) ->
    (N, C, *output_size); an unbatched (C * kh * kw, L) gives (C, *output_size). The adjoint of ``unfold``.

    Example:
        >>> F.fold(nerve.ones(1, 4, 16), (5, 5), 2).shape
        (1, 1, 5, 5)
    """
    from .shape import reshape, unsqueeze
    _tensor_arg("fold", "input", 1, input)
    size = _ints("fold", "output_size", output_size, 2)
    k, d, p, s = _fold_geom("fold", kernel_size, dilation, padding, stride)
    xs = tuple(input._data.shape)
    if len(xs) not in (2, 3):
        raise RuntimeError(f"fold: Expected 2D (unbatched) or 3D (batched) input, but got input of size: {list(xs)}")
    x = unsqueeze(input, 0) if len(xs) == 2 else input
    n, ck, L = x._data.shape
    kk = k[0] * k[1]
    if ck % kk:
        raise RuntimeError(f"fold: Expected size of input's dimension 1 to be divisible by the product of "
                           f"kernel_size, but got input.size(1)={ck} and kernel_size={k}")
    out = _blocks(size, k, d, p, s)
    if min(out) < 1 or out[0] * out[1] != L:
        raise RuntimeError(
            f"fold: Given output_size={size}, kernel_size={k}, dilation={d}, padding={p}, stride={s}, expected size "
            f"of input's dimension 2 to match the calculated number of sliding blocks {out[0]} * {out[1]} = "
            f"{out[0] * out[1]}, but got input.size(2)={L}.")
    if x._data.dtype.kind != "f":
        raise RuntimeError(f"fold: expected a floating-point input, got dtype {x._data.dtype}")
    ge = _Geom((n, ck // kk) + size, k, out, (p[0], p[0], p[1], p[1]), s, d, 1)
    y = Fold(ge)(x)
    return reshape(y, y._data.shape[1:]) if len(xs) == 2 else y
