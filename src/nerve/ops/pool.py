"""Pooling primitives: max and average pooling over 2-D windows, adaptive max pooling, unpooling.

Every window is a product of a row range and a column range, so a 2-D pool runs as two
1-D passes: along W (for each kernel column ``j`` a strided view ``x[..., j*d :: s]``, one
whole-array NumPy ufunc each) and then along H over the result. There is no Python loop
over the batch or the pixels, only over the kernel offsets (a handful).

Max pooling keeps, per output, the kernel row it took (``ii``: output-shaped) and, per
input row and output column, the kernel column (``j1``). Reducing W first and H second
with a strict ``>`` gives PyTorch's rule exactly: each window's gradient goes to its FIRST
maximum in row-major order (MNIST has many exact ties at 0), and NaN wins (the last
one, as PyTorch's CPU kernel). Backward is the adjoint of that selection (``SelectAdjoint``,
two scatter passes); its own gradient is the selection again (``Select``), so double
backward works and one backward body serves both ``backward()`` and ``create_graph``.

When the windows tile the input (kernel == stride, no padding, no dilation, H and W
divisible: ``MaxPool2d(2)`` of every CNN) ``MaxPoolTiled`` does it in one stage over the
kh*kw taps of an (N, C, OH, kh, OW, kw) view, keeps one uint8 code per window and writes
the backward straight into the kh*kw slots of one ``np.empty`` (``TileSelectAdjoint``).

Average pooling is the linear map ``WindowSum`` (sum over the window times PyTorch's
divisor); its backward is its transpose. 1-D pools are 2-D pools over a height of 1.
"""
from __future__ import annotations

from .._backend import np
from ..autograd.function import Op

__all__ = []          # the public names live in nerve.nn.functional (as in PyTorch)
TENSOR_METHODS = {}


# ------------------------------------------------------------------ geometry
def output_size(n, k, s, p, d, ceil_mode):
    """PyTorch's ``pooling_output_shape`` (the last window must start inside the input or the
    left padding)."""
    num = n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)
    out = num // s + 1                              # floor division, as div_rtn
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out


class Axis:
    """The windows along one spatial axis: input length ``n``, kernel ``k``, stride ``s``,
    padding ``p``, dilation ``d``; ``out`` windows; ``npad``: the padded length the
    windows read (ceil mode may reach past the right padding)."""

    def __init__(self, n, k, s, p, d, out):
        self.n, self.k, self.s, self.p, self.d, self.out = n, k, s, p, d, out
        span = (out - 1) * s + (k - 1) * d + 1 if out > 0 else 0
        self.npad = max(n + 2 * p, span)
        self.padded = self.npad != n
        # every padded position in exactly one window: the adjoint can write instead of add
        self.tiles = d == 1 and s == k and out * k == self.npad

    def sl(self, j):
        """The positions kernel offset ``j`` reads, for all windows, in the padded axis."""
        return slice(j * self.d, j * self.d + (self.out - 1) * self.s + 1, self.s)

    def first_valid(self):
        """Per window, the first kernel offset inside the input (PyTorch's start of the scan)."""
        start = np.arange(self.out, dtype=np.int64) * self.s - self.p
        return (np.maximum(-start, 0) + self.d - 1) // self.d

    def counts(self, include_pad):
        """PyTorch's average-pool divisor along this axis (per window)."""
        start = np.arange(self.out, dtype=np.int64) * self.s - self.p
        end = np.minimum(start + self.k, self.n + self.p)
        if include_pad:
            return end - start
        return np.minimum(end, self.n) - np.maximum(start, 0)

    def key(self):
        return (self.n, self.k, self.s, self.p, self.d, self.out)


def _ix(axis, sl):
    return (slice(None),) * axis + (sl,)


def _pad(x, gh, gw, value):
    """``x`` (N, C, H, W) inside a buffer of the padded size filled with ``value``."""
    if not (gh.padded or gw.padded):
        return x
    n, c, h, w = x.shape
    out = np.full((n, c, gh.npad, gw.npad), value, dtype=x.dtype)
    out[:, :, gh.p:gh.p + h, gw.p:gw.p + w] = x
    return out


def _crop(x, gh, gw):
    if not (gh.padded or gw.padded):
        return x
    return np.ascontiguousarray(x[:, :, gh.p:gh.p + gh.n, gw.p:gw.p + gw.n])


def _finite(v):
    """No inf/NaN in ``v`` (one cheap reduction; an overflowing sum only costs the careful path)."""
    return v.dtype.kind != "f" or bool(np.isfinite(v.sum()))


def _mask(idx, j, k):
    """``idx == j`` (a free view for two taps, where the offsets are 0/1 bytes)."""
    if k == 2 and idx.dtype == np.uint8:
        m = idx.view(np.bool_)
        return m if j else ~m
    return idx == j


def _mask_mul(v, mask, finite):
    """``v * mask`` with 0 where the mask is off, even for inf/NaN in ``v``."""
    return v * mask if finite else np.where(mask, v, v.dtype.type(0))


def _gather(x, axis, g, idx):
    """Along ``axis``: ``out[o] = sum_j [idx[o] == j] x[o*s + j*d]`` (``idx`` None: every j)."""
    if g.k == 1:
        return x[_ix(axis, g.sl(0))]
    finite = idx is None or _finite(x)
    out = None
    for j in range(g.k):
        v = x[_ix(axis, g.sl(j))]
        if idx is not None:
            v = _mask_mul(v, _mask(idx, j, g.k), finite)
        out = v.copy() if out is None and idx is None else v if out is None else np.add(out, v, out=out)
    return out


def _scatter(y, axis, g, idx):
    """The transpose of ``_gather``: the padded-length array receiving ``y`` (window-shaped)."""
    if g.k == 1 and g.s == 1 and g.npad == g.out:
        return y
    shape = list(y.shape)
    shape[axis] = g.npad
    finite = idx is None or _finite(y)
    if g.tiles:
        out = np.empty(shape, dtype=y.dtype)
        for j in range(g.k):
            view = out[_ix(axis, g.sl(j))]
            if idx is None:
                view[...] = y
            elif finite:
                np.multiply(y, _mask(idx, j, g.k), out=view)
            else:
                view[...] = np.where(_mask(idx, j, g.k), y, y.dtype.type(0))
        return out
    out = np.zeros(shape, dtype=y.dtype)
    for j in range(g.k):
        view = out[_ix(axis, g.sl(j))]
        view += y if idx is None else _mask_mul(y, _mask(idx, j, g.k), finite)
    return out


def _max_stage(x, axis, g, nan_aware):
    """Running max over the kernel offsets along ``axis`` with the first (row-major) argmax:
    ``(max, offset)``; offset None when the kernel has one tap."""
    m = x[_ix(axis, g.sl(0))]
    if g.k == 1:
        return m, None
    dt = np.uint8 if g.k < 256 else np.int64
    idx = None
    for j in range(1, g.k):
        s = x[_ix(axis, g.sl(j))]
        upd = s > m
        if nan_aware:
            upd |= s != s
            m = np.where(upd, s, m)
        else:
            m = np.maximum(m, s) if j == 1 else np.maximum(m, s, out=m)
        step = upd.view(np.uint8) if dt is np.uint8 and j == 1 else upd * dt(j)
        idx = step.astype(dt) if idx is None else np.maximum(idx, step, out=idx)
    return m, idx


def _low(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def max_pool_arrays(x, gh, gw):
    """Forward of 2-D max pooling on (N, C, H, W): ``(out, ii, j1)``."""
    low = _low(x.dtype)
    xp = _pad(x, gh, gw, low)
    for nan_aware in (False, True):
        m1, j1 = _max_stage(xp, 3, gw, nan_aware)
        if gw.p and j1 is not None:             # a window of -inf only: PyTorch points at its first input
            bad = m1 == low
            if bad.any():
                j1 = np.where(bad, gw.first_valid().astype(j1.dtype), j1)
        m, ii = _max_stage(m1, 2, gh, nan_aware)
        if gh.p and ii is not None:
            bad = m == low
            if bad.any():
                ii = np.where(bad, gh.first_valid().astype(ii.dtype)[:, None], ii)
        if nan_aware or x.dtype.kind != "f" or not np.isnan(m).any():
            break
    if j1 is not None and not j1.flags.writeable:
        j1 = j1.copy()
    return np.ascontiguousarray(m), ii, j1


def max_pool_indices(ii, j1, gh, gw, shape):
    """PyTorch's returned indices: the flat position of each maximum in the input's H*W plane."""
    rows = np.arange(gh.out, dtype=np.int64)[:, None] * gh.s - gh.p
    cols = np.arange(gw.out, dtype=np.int64) * gw.s - gw.p
    if ii is not None:
        rows = rows + ii.astype(np.int64) * gh.d
    if j1 is not None:
        jsel = _gather(j1.astype(np.int64), 2, gh, ii)
        cols = cols + jsel * gw.d
    return np.broadcast_to(rows * gw.n + cols, shape).astype(np.int64)


class Select(Op):
    """``out[n, c, oh, ow] = xpad[n, c, row, col]`` at the recorded maxima (linear in ``x``):
    the gradient of ``SelectAdjoint``."""
    saved = ()

    def __init__(self, gh, gw, ii, j1):
        self.gh, self.gw, self.ii, self.j1 = gh, gw, ii, j1

    def forward(self, x):
        xp = _pad(x, self.gh, self.gw, 0)
        return np.ascontiguousarray(_gather(_gather(xp, 3, self.gw, self.j1), 2, self.gh, self.ii))

    def backward(self, g):
        return SelectAdjoint(self.gh, self.gw, self.ii, self.j1)(g)


class SelectAdjoint(Op):
    """Max pooling's backward: each window's gradient to its (first) maximum, summed where
    windows overlap."""
    saved = ()

    def __init__(self, gh, gw, ii, j1):
        self.gh, self.gw, self.ii, self.j1 = gh, gw, ii, j1

    def forward(self, g):
        gp = _scatter(_scatter(g, 2, self.gh, self.ii), 3, self.gw, self.j1)
        return _crop(gp, self.gh, self.gw)

    def backward(self, gg):
        return Select(self.gh, self.gw, self.ii, self.j1)(gg)


class MaxPool2d(Op):
    """2-D max pooling of (N, C, H, W) (the geometry checked by the caller)."""
    saved = ()             # backward reads only the recorded argmax positions

    def __init__(self, gh, gw):
        self.gh, self.gw = gh, gw
        self.ii = self.j1 = None

    def forward(self, x):
        out, self.ii, self.j1 = max_pool_arrays(x, self.gh, self.gw)
        return out

    def indices(self, shape):
        return max_pool_indices(self.ii, self.j1, self.gh, self.gw, shape)

    def backward(self, g):
        return SelectAdjoint(self.gh, self.gw, self.ii, self.j1)(g)


# ------------------------------------------- windows that tile the input (kernel == stride)
# The common case (MaxPool2d(2) of every CNN): no padding, no dilation, the windows cover the
# input exactly. Viewing (N, C, H, W) as (N, C, OH, kh, OW, kw) (free) makes each kernel tap
# one strided view; a running max with strict ``>`` over the taps in row-major order keeps the
# FIRST maximum as a one-byte code ``i * kw + j`` per window (the only thing backward keeps),
# and the backward writes ``g * (code == k)`` into the kh*kw strided slots of one np.empty:
# they tile the input, so there is no zero fill and no accumulation.
def tiled(gh, gw):
    """Whether the fast tiled path applies (also: at most 255 taps, the code is one byte)."""
    return (gh.tiles and gw.tiles and gh.p == 0 and gw.p == 0 and not gh.padded and not gw.padded
            and gh.k * gw.k < 256)


def _taps(a, kh, kw):
    """(N, C, OH, kh, OW, kw) view of the (N, C, OH*kh, OW*kw) array ``a``; tap ``k`` is
    ``view[:, :, :, k // kw, :, k % kw]``."""
    n, c, h, w = a.shape
    return a.reshape(n, c, h // kh, kh, w // kw, kw)


# Bytes of input per block. Each kernel tap is a strided pass over the whole input, and the
# input (the conv output) is cold: in blocks that stay in L2 the kh*kw passes cost about one
# read of the input instead of kh*kw (a loop over ~8 batch blocks, not over samples).
_BLOCK = 1 << 20


def _block_rows(n, per_sample):
    """Batch rows per block."""
    return max(1, _BLOCK // max(per_sample, 1))


def _tile_max_block(x6, m, code, s, upd, kh, kw, nan_aware):
    """Running max over the taps of one block, into ``m`` and ``code`` (scratch ``s``, ``upd``)."""
    np.copyto(m, x6[:, :, :, 0, :, 0])
    for k in range(1, kh * kw):
        # the tap copied to a contiguous buffer first: NumPy's strided copy is fast, its
        # strided compare and max are not
        np.copyto(s, x6[:, :, :, k // kw, :, k % kw])
        np.greater(s, m, out=upd)
        if nan_aware:
            upd |= s != s
            np.copyto(m, s, where=upd)
        else:
            np.maximum(m, s, out=m)
        if k == 1:
            np.copyto(code, upd.view(np.uint8))
        else:                                   # k exceeds every earlier code: max = "last update"
            np.maximum(code, upd.view(np.uint8) * np.uint8(k), out=code)


def tile_max_arrays(x, kh, kw):
    """Forward of tiled max pooling: ``(out, code)``, ``code`` (uint8) the row-major offset of
    each window's first maximum (NaN wins, the last one, as PyTorch's CPU kernel)."""
    x6 = _taps(x, kh, kw)
    n = x.shape[0]
    m = np.empty(x6.shape[:3] + x6.shape[4:5], dtype=x.dtype)
    code = np.zeros(m.shape, np.uint8)
    if kh * kw == 1:
        np.copyto(m, x6[:, :, :, 0, :, 0])
        return m, code
    step = _block_rows(n, x[:1].nbytes)
    s = np.empty((min(step, n),) + m.shape[1:], dtype=x.dtype)
    upd = np.empty(s.shape, np.bool_)
    for nan_aware in (False, True):
        for i in range(0, n, step):
            j = min(i + step, n)
            _tile_max_block(x6[i:j], m[i:j], code[i:j], s[:j - i], upd[:j - i], kh, kw, nan_aware)
        # NaN propagates through np.maximum: one SIMD reduction tells whether to redo the codes
        if nan_aware or x.dtype.kind != "f" or m.size == 0 or not np.isnan(m.max()):
            return m, code


def tile_max_indices(code, kh, kw, w):
    """PyTorch's returned indices (flat positions in the H*W plane) from the codes."""
    oh, ow = code.shape[-2:]
    c = code.astype(np.int64)
    rows = np.arange(oh, dtype=np.int64)[:, None] * kh + c // kw
    cols = np.arange(ow, dtype=np.int64) * kw + c % kw
    return rows * w + cols


class TileSelect(Op):
    """``out[window] = x[window's recorded maximum]`` (linear in ``x``): the gradient of
    ``TileSelectAdjoint``."""
    saved = ()

    def __init__(self, kh, kw, code):
        self.kh, self.kw, self.code = kh, kw, code

    def forward(self, x):
        kh, kw = self.kh, self.kw
        x6 = _taps(x, kh, kw)
        out = np.ascontiguousarray(x6[:, :, :, 0, :, 0])
        for k in range(1, kh * kw):
            np.copyto(out, x6[:, :, :, k // kw, :, k % kw], where=self.code == k)
        return out

    def backward(self, g):
        return TileSelectAdjoint(self.kh, self.kw, self.code)(g)


class TileSelectAdjoint(Op):
    """Tiled max pooling's backward: each window's gradient to its first maximum, 0 elsewhere."""
    saved = ()

    def __init__(self, kh, kw, code):
        self.kh, self.kw, self.code = kh, kw, code

    def forward(self, g):
        kh, kw = self.kh, self.kw
        n, c, oh, ow = g.shape
        out = np.empty((n, c, oh * kh, ow * kw), dtype=g.dtype)
        o6 = _taps(out, kh, kw)
        if kh * kw == 1:
            o6[:, :, :, 0, :, 0] = g
            return out
        finite = _finite(g)
        step = _block_rows(n, out[:1].nbytes)       # the kh*kw strided writes of a block stay in L2
        mask = np.empty((min(step, n),) + g.shape[1:], np.bool_)
        for i in range(0, n, step):
            j = min(i + step, n)
            gi, mk = g[i:j], mask[:j - i]
            for k in range(kh * kw):
                np.equal(self.code[i:j], k, out=mk)
                view = o6[i:j, :, :, k // kw, :, k % kw]
                if finite:
                    np.multiply(gi, mk, out=view)
                else:                              # inf * 0 would be NaN: write 0, then copy
                    view[...] = 0
                    np.copyto(view, gi, where=mk)
        return out

    def backward(self, gg):
        return TileSelect(self.kh, self.kw, self.code)(gg)


class MaxPoolTiled(Op):
    """2-D max pooling of (N, C, H, W) whose windows tile the input (``tiled(gh, gw)``)."""
    saved = ()             # backward reads only the recorded codes

    def __init__(self, gh, gw):
        self.kh, self.kw, self.w = gh.k, gw.k, gw.n
        self.code = None

    def forward(self, x):
        out, self.code = tile_max_arrays(x, self.kh, self.kw)
        return out

    def indices(self, shape):
        return tile_max_indices(self.code, self.kh, self.kw, self.w).reshape(shape)

    def backward(self, g):
        return TileSelectAdjoint(self.kh, self.kw, self.code)(g)


class WindowSum(Op):
    """Average pooling: ``out = (sum over the window) / div`` on (N, C, H, W), ``div`` an (OH, OW)
    array (PyTorch's divisor); with ``adjoint=True`` its transpose (the gradient)."""
    saved = ()

    def __init__(self, gh, gw, div, adjoint=False):
        self.gh, self.gw, self.div, self.adjoint = gh, gw, div, adjoint

    def forward(self, x):
        gh, gw = self.gh, self.gw
        if not self.adjoint:
            s = _gather(_gather(_pad(x, gh, gw, 0), 3, gw, None), 2, gh, None)
            if x.dtype.kind != "f":               # PyTorch's integer average: truncating division
                return (np.sign(s) * (np.abs(s) // self.div)).astype(x.dtype)
            owned = s is not x and s.base is None
            return np.divide(s, self.div.astype(x.dtype), out=s if owned else None)
        g = x / self.div.astype(x.dtype)
        return _crop(_scatter(_scatter(g, 2, gh, None), 3, gw, None), gh, gw)

    def backward(self, g):
        return WindowSum(self.gh, self.gw, self.div, not self.adjoint)(g)


# ------------------------------------------------------------ flat-plane maps
class PlaneGather(Op):
    """``out[n, c, l] = x[n, c, idx[n, c, l]]`` on (N, C, P) (adaptive max pooling, the
    gradient of unpooling)."""
    saved = ()

    def __init__(self, idx, plane):
        self.idx, self.plane = idx, plane

    def forward(self, x):
        return np.take_along_axis(x, self.idx, axis=2)

    def backward(self, g):
        return PlaneScatter(self.idx, self.plane, accumulate=True)(g)


class PlaneScatter(Op):
    """The transpose of ``PlaneGather``: (N, C, L) values into a zero (N, C, P) plane,
    summed at repeated indices (``accumulate``) or written (unpooling, as PyTorch)."""
    saved = ()

    def __init__(self, idx, plane, accumulate=True):
        self.idx, self.plane, self.accumulate = idx, plane, accumulate

    def forward(self, g):
        n, c, _ = self.idx.shape
        if self.accumulate:
            flat = self.idx + (np.arange(n * c, dtype=np.int64) * self.plane).reshape(n, c, 1)
            out = np.bincount(flat.ravel(), weights=g.ravel(), minlength=n * c * self.plane)
            return out.astype(g.dtype, copy=False).reshape(n, c, self.plane)
        out = np.zeros((n, c, self.plane), dtype=g.dtype)
        np.put_along_axis(out, self.idx, g, axis=2)
        return out

    def backward(self, gg):
        return PlaneGather(self.idx, self.plane)(gg)


def adaptive_windows(n_in, n_out):
    """PyTorch's adaptive windows ``[floor(i n/m), ceil((i+1) n/m))``: the positions (K, n_out)
    with each window's last position repeated to the longest length K."""
    i = np.arange(n_out, dtype=np.int64)
    start = (i * n_in) // n_out
    end = ((i + 1) * n_in + n_out - 1) // n_out
    k = int((end - start).max()) if n_out else 1
    return np.minimum(start[None] + np.arange(k)[:, None], end[None] - 1)


def adaptive_max_arrays(x, oh, ow):
    """Adaptive max pooling of (N, C, H, W) to (oh, ow): ``(out, flat indices into H*W)``."""
    n, c, h, w = x.shape
    rows, cols = adaptive_windows(h, oh), adaptive_windows(w, ow)
    nan_aware = x.dtype.kind == "f" and bool(np.isnan(x).any())

    def stage(src, axis, pos):
        m = np.take(src, pos[0], axis=axis)
        at = (lambda p: p) if axis == 3 else (lambda p: p[:, None])
        best = np.broadcast_to(at(pos[0]), m.shape).copy()
        for j in range(1, pos.shape[0]):
            s = np.take(src, pos[j], axis=axis)
            upd = s > m
            if nan_aware:
                upd |= s != s
            m = np.where(upd, s, m)
            best = np.where(upd, at(pos[j]), best)
        return m, best

    m1, bc = stage(x, 3, cols)                 # (N, C, H, ow): best column per input row
    m, br = stage(m1, 2, rows)                 # (N, C, oh, ow): best row
    col = np.take_along_axis(bc, br, axis=2)
    return np.ascontiguousarray(m), br * w + col


# ====================================================================== public functions
# (exported as nerve.nn.functional.*; the arguments and errors are PyTorch's)
__all__ = ["max_pool1d", "max_pool2d", "max_pool1d_with_indices", "max_pool2d_with_indices",
           "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool2d",
           "adaptive_max_pool1d", "adaptive_max_pool2d", "max_unpool2d"]

_TORCH_TYPE = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
               "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool", "complex64": "ComplexFloat",
               "complex128": "ComplexDouble"}


def _tensor(op, x):
    from ..tensor import Tensor
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")
    return x


def _ints(op, name, value, n, omitted=False):
    """An int or a sequence of 1 or ``n`` ints as an ``n``-tuple (PyTorch's IntArrayRef rules)."""
    import numbers
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return (int(value),) * n
    try:
        items = list(value)
    except TypeError:
        raise TypeError(f"{op}(): argument '{name}' must be tuple of ints, but got "
                        f"{type(value).__name__}") from None
    for i, v in enumerate(items):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            raise TypeError(f"{op}(): argument '{name}' must be tuple of ints, but found element of type "
                            f"{type(v).__name__} at pos {i}")
    if len(items) == 1:
        return (int(items[0]),) * n
    if len(items) != n:
        what = "a single int" if n == 1 else f"a tuple of {'two' if n == 2 else n} ints"
        pre = "either be omitted, " if omitted else "either be "
        raise RuntimeError(f"{op}: {name} must {pre}a single int, or {what}, got {tuple(items)}")
    return tuple(int(v) for v in items)


def _stride(op, stride, kernel):
    """``stride`` as a tuple like ``kernel``; ``None`` or an empty sequence means the kernel (PyTorch)."""
    if stride is None or (not isinstance(stride, int) and len(stride) == 0):
        return kernel
    return _ints(op, "stride", stride, len(kernel), omitted=True)


def _dtype_check(op, x, ints=True, long=True):
    """PyTorch's kernels: max pooling takes every real dtype, average pooling floats and int64,
    the adaptive pools floats only."""
    d = x._data.dtype
    if d.kind == "b" or d.kind == "c" or (not ints and d.kind in "iu" and (d != np.int64 or not long)):
        raise NotImplementedError(f"\"{op}\" not implemented for '{_TORCH_TYPE.get(d.name, d.name)}' "
                                  f"(input of shape {tuple(x._data.shape)}); convert it with .float()")


def _batched(op, x, dims):
    """(N, C, *spatial) view of ``x`` (adding N=1 for an unbatched input) and the undo."""
    from .shape import reshape
    if x._data.ndim == dims + 2:
        return x, lambda y: y
    return reshape(x, (1,) + tuple(x._data.shape)), lambda y: reshape(y, tuple(y._data.shape[1:]))


def _check_dims(op, x, label):
    """PyTorch's 2-D pool input check: 3-D (C, H, W) or 4-D (N, C, H, W), only N may be 0."""
    shape = tuple(x._data.shape)
    if len(shape) not in (3, 4):
        raise RuntimeError(f"{op}: non-empty 3D or 4D (batch mode) tensor expected for {label}, but got a "
                           f"tensor of shape {shape}")
    if any(v == 0 for v in shape[-3:]):
        raise RuntimeError(f"{op}: Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for "
                           f"input, but got:{list(shape)}")


def _axes2d(op, shape4, k, s, p, d, ceil_mode, check_pad_half=True):
    """The two ``Axis`` of a 2-D pool, with PyTorch's checks (``pooling_output_shape`` per
    axis, then ``pool2d_shape_check``) in its order and words."""
    outs = []
    for n, kk, ss, pp, dd in zip(shape4[2:], k, s, p, d):
        if ss == 0:
            raise RuntimeError(f"{op}: stride should not be zero")
        if pp < 0:
            raise RuntimeError(f"{op}: pad must be non-negative, but got pad: {pp}")
        if pp > ((kk - 1) * dd + 1) // 2:
            raise RuntimeError(f"{op}: pad should be at most half of effective kernel size, but got pad={pp}, "
                               f"kernel_size={kk} and dilation={dd}")
        outs.append(output_size(n, kk, ss, pp, dd, ceil_mode))
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = k, s, p, d
    if kh <= 0 or kw <= 0:
        raise RuntimeError(f"{op}: kernel size should be greater than zero, but got kH: {kh} kW: {kw}")
    if sh <= 0 or sw <= 0:
        raise RuntimeError(f"{op}: stride should be greater than zero, but got dH: {sh} dW: {sw}")
    if dh <= 0 or dw <= 0:
        raise RuntimeError(f"{op}: dilation should be greater than zero, but got dilationH: {dh} "
                           f"dilationW: {dw}")
    if check_pad_half and (pw > kw // 2 or ph > kh // 2):
        raise RuntimeError(f"{op}: pad should be smaller than or equal to half of kernel size, but got "
                           f"padW = {pw}, padH = {ph}, kW = {kw}, kH = {kh}")
    oh, ow = outs
    c, h, w = shape4[1:]
    if oh < 1 or ow < 1:
        raise RuntimeError(f"{op}: Given input size: ({c}x{h}x{w}). Calculated output size: ({c}x{oh}x{ow}). "
                           f"Output size is too small (kernel_size={tuple(k)}, stride={tuple(s)}, "
                           f"padding={tuple(p)}, dilation={tuple(d)})")
    return Axis(h, kh, sh, ph, dh, oh), Axis(w, kw, sw, pw, dw, ow)


def _max_pool(op, x, gh, gw, return_indices):
    node = MaxPoolTiled(gh, gw) if tiled(gh, gw) else MaxPool2d(gh, gw)
    out = node(x)
    if not return_indices:
        return out
    from ..tensor import Tensor
    return out, Tensor._make(node.indices(out._data.shape))


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
               return_indices=False):
    """2-D max pooling over (N, C, H, W) or (C, H, W) (``torch.nn.functional.max_pool2d``).

    Output size per axis: ``floor((H + 2 padding - dilation (kernel - 1) - 1) / stride) + 1``
    (ceil with ``ceil_mode``, the last window starting inside the input or left padding).
    Padding counts as -inf. The gradient of each window goes to its first maximum
    (row-major), as PyTorch's. ``return_indices`` also gives, per output, the flat
    index of the maximum in the input's H*W plane (int64, for ``max_unpool2d``).

    Example:
        >>> F.max_pool2d(nerve.randn(8, 3, 28, 28), 2).shape
        (8, 3, 14, 14)
    """
    op = "max_pool2d"
    x = _tensor(op, input)
    k = _ints(op, "kernel_size", kernel_size, 2)
    s = _stride(op, stride, k)
    p, d = _ints(op, "padding", padding, 2), _ints(op, "dilation", dilation, 2)
    _check_dims(op, x, "input")
    _dtype_check(op, x)
    x4, undo = _batched(op, x, 2)
    gh, gw = _axes2d(op, x4._data.shape, k, s, p, d, bool(ceil_mode))
    res = _max_pool(op, x4, gh, gw, return_indices)
    return (undo(res[0]), undo(res[1])) if return_indices else undo(res)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,  # noqa: A002
                            ceil_mode=False, return_indices=True):
    """``max_pool2d(..., return_indices=True)``: ``(output, indices)``."""
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
               return_indices=False):
    """1-D max pooling over (N, C, L) or (C, L) (``torch.nn.functional.max_pool1d``); as
    ``max_pool2d`` over a height of 1. Indices are positions along L."""
    op = "max_pool1d"
    x = _tensor(op, input)
    shape = tuple(x._data.shape)
    if len(shape) not in (2, 3) or any(v == 0 for v in shape[-2:]):
        raise RuntimeError(f"{op}: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for "
                           f"input, but got:{list(shape)}")
    _dtype_check(op, x)
    (k,) = _ints(op, "kernel_size", kernel_size, 1)
    (s,) = _stride(op, stride, (k,))
    (p,), (d,) = _ints(op, "padding", padding, 1), _ints(op, "dilation", dilation, 1)
    for name, v in (("kernel_size", k), ("stride", s), ("dilation", d)):
        if v <= 0:
            raise RuntimeError(f"{op}() {name} must be greater than zero, but got {v}")
    if p < 0:
        raise RuntimeError(f"{op}() padding must be non-negative, but got {p}")
    if p > k // 2:
        raise RuntimeError(f"{op}() padding should be at most half of kernel size, but got padding={p} and "
                           f"kernel_size={k}")
    n = shape[-1]
    out = output_size(n, k, s, p, d, bool(ceil_mode))
    if out < 1:
        raise RuntimeError(f"{op}() Invalid computed output size: {out} (input size {n}, kernel_size={k}, "
                           f"stride={s}, padding={p}, dilation={d}; input shape {shape})")
    from .shape import reshape
    x4 = reshape(x, shape[:-1] + (1, n)) if len(shape) == 3 else reshape(x, (1,) + shape[:-1] + (1, n))
    res = _max_pool(op, x4, Axis(1, 1, 1, 0, 1, 1), Axis(n, k, s, p, d, out), return_indices)
    oshape = shape[:-1] + (out,)
    if return_indices:
        return reshape(res[0], oshape), reshape(res[1], oshape)
    return reshape(res, oshape)


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,  # noqa: A002
                            ceil_mode=False, return_indices=True):
    """``max_pool1d(..., return_indices=True)``: ``(output, indices)``."""
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def _avg_pool(op, x4, k, s, p, ceil_mode, count_include_pad, divisor_override):
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError(f"{op}: divisor must be not zero")
    gh, gw = _axes2d(op, x4._data.shape, k, s, p, (1, 1), bool(ceil_mode))
    if divisor_override is not None:
        div = np.full((gh.out, gw.out), int(divisor_override), dtype=np.int64)
    else:
        div = gh.counts(count_include_pad)[:, None] * gw.counts(count_include_pad)[None, :]
    return WindowSum(gh, gw, div)(x4)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,  # noqa: A002
               count_include_pad=True, divisor_override=None):
    """2-D average pooling over (N, C, H, W) or (C, H, W) (``torch.nn.functional.avg_pool2d``).

    The divisor is PyTorch's: the window clipped to the padded input (``count_include_pad``)
    or to the input itself, or ``divisor_override``.

    Example:
        >>> F.avg_pool2d(nerve.ones(1, 1, 4, 4), 2).shape
        (1, 1, 2, 2)
    """
    op = "avg_pool2d"
    x = _tensor(op, input)
    k = _ints(op, "kernel_size", kernel_size, 2)
    s = _stride(op, stride, k)
    p = _ints(op, "padding", padding, 2)
    _check_dims(op, x, "input")
    _dtype_check(op, x, ints=False)
    x4, undo = _batched(op, x, 2)
    return undo(_avg_pool(op, x4, k, s, p, ceil_mode, count_include_pad, divisor_override))


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,  # noqa: A002
               count_include_pad=True):
    """1-D average pooling over (N, C, L) or (C, L) (``torch.nn.functional.avg_pool1d``)."""
    op = "avg_pool1d"
    x = _tensor(op, input)
    shape = tuple(x._data.shape)
    if len(shape) not in (2, 3):
        raise RuntimeError(f"{op}: Expected 2 to 3 dimensions, but got {len(shape)}-dimensional tensor for "
                           f"argument #1 'self' (while checking arguments for avg_pool1d)")
    _dtype_check(op, x, ints=False)
    (k,) = _ints(op, "kernel_size", kernel_size, 1)
    (s,) = _stride(op, stride, (k,))
    (p,) = _ints(op, "padding", padding, 1)
    from .shape import reshape
    x4 = reshape(x, shape[:-1] + (1, shape[-1])) if len(shape) == 3 else reshape(x, (1,) + shape[:-1] + (1, shape[-1]))
    if any(v == 0 for v in x4._data.shape[1:]):
        _check_dims(op, x4, "input")
    y = _avg_pool(op, x4, (1, k), (1, s), (0, p), ceil_mode, count_include_pad, None)
    return reshape(y, shape[:-1] + (y._data.shape[-1],))


def _out_sizes(op, output_size, n, spatial):
    """``output_size`` (int or n-tuple, None meaning the input's size) as ints."""
    import numbers
    if isinstance(output_size, numbers.Integral) and not isinstance(output_size, bool):
        sizes = (int(output_size),) * n
    else:
        try:
            sizes = tuple(output_size)
        except TypeError:
            raise TypeError(f"{op}(): argument 'output_size' must be tuple of ints, but got "
                            f"{type(output_size).__name__}") from None
        if len(sizes) == 1 and n > 1:
            sizes = sizes * n
        if len(sizes) != n:
            raise RuntimeError(f"{op}: output_size must be {n} elements, got {len(sizes)} ({output_size!r})")
    sizes = tuple(sp if v is None else v for v, sp in zip(sizes, spatial))
    for i, v in enumerate(sizes):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            raise TypeError(f"{op}(): argument 'output_size' must be tuple of ints, but found element of type "
                            f"{type(v).__name__} at pos {i}")
    if any(v < 0 for v in sizes):
        raise RuntimeError(f"{op}: elements of output_size must be greater than or equal to 0 but received "
                           f"{{{', '.join(str(v) for v in sizes)}}}")
    return tuple(int(v) for v in sizes)


def _adaptive_input(op, x, dims):
    shape = tuple(x._data.shape)
    if len(shape) not in (dims + 1, dims + 2):
        if dims == 1:
            raise RuntimeError(f"{op}: Expected 2 to 3 dimensions, but got {len(shape)}-dimensional tensor for "
                               f"argument #1 'self' (while checking arguments for {op})")
        colon = ":" if "max" in op else ""              # (PyTorch's two wordings)
        raise RuntimeError(f"{op}(): Expected 3D or 4D tensor, but got{colon} {list(shape)}")
    if any(v == 0 for v in shape[-dims:]):
        raise RuntimeError(f"{op}(): Expected input to have non-zero size for non-batch dimensions, but input "
                           f"has sizes {list(shape)} with dimension {len(shape) - dims + [v == 0 for v in shape[-dims:]].index(True)} being empty")


def adaptive_avg_pool2d(input, output_size):  # noqa: A002
    """Adaptive average pooling to ``output_size`` (``torch.nn.functional.adaptive_avg_pool2d``):
    output ``i`` averages inputs ``[floor(i H / out), ceil((i + 1) H / out))`` per axis.

    Example:
        >>> F.adaptive_avg_pool2d(nerve.randn(2, 8, 7, 5), (1, 1)).shape
        (2, 8, 1, 1)
    """
    op = "adaptive_avg_pool2d"
    x = _tensor(op, input)
    _adaptive_input(op, x, 2)
    _dtype_check(op, x, ints=False, long=False)
    sizes = _out_sizes(op, output_size, 2, x._data.shape[-2:])
    return _adaptive_avg(x, sizes)


def _adaptive_avg(x, sizes):
    from . import nnextra as _nx
    y = x
    dt = x._data.dtype if x._data.dtype.kind == "f" else np.dtype(np.float64)
    nd = x._data.ndim
    for ax, m in zip(range(nd - len(sizes), nd), sizes):
        n = x._data.shape[ax]
        if n == m:
            continue
        idx, w = _nx.area_taps(n, m, dt)
        y = _nx.resample(y, ax, idx, w)
    return y


def adaptive_avg_pool1d(input, output_size):  # noqa: A002
    """Adaptive average pooling over L of (N, C, L) or (C, L)."""
    op = "adaptive_avg_pool1d"
    x = _tensor(op, input)
    _adaptive_input(op, x, 1)
    _dtype_check(op, x, ints=False, long=False)
    sizes = _out_sizes(op, output_size, 1, x._data.shape[-1:])
    return _adaptive_avg(x, sizes)


def adaptive_max_pool2d(input, output_size, return_indices=False):  # noqa: A002
    """Adaptive max pooling (``torch.nn.functional.adaptive_max_pool2d``), PyTorch's windows as
    ``adaptive_avg_pool2d``; ``return_indices`` gives flat indices into the H*W plane."""
    op = "adaptive_max_pool2d"
    x = _tensor(op, input)
    _adaptive_input(op, x, 2)
    _dtype_check(op, x, ints=False, long=False)
    sizes = _out_sizes(op, output_size, 2, x._data.shape[-2:])
    return _adaptive_max(x, sizes, return_indices)


def _adaptive_max(x, sizes, return_indices):
    from .shape import reshape
    from ..tensor import Tensor
    shape = tuple(x._data.shape)
    h, w = shape[-2:]
    oh, ow = sizes
    x4 = reshape(x, (1,) + shape) if len(shape) == 3 else x
    n, c = x4._data.shape[:2]
    if oh == 0 or ow == 0 or n * c == 0:
        idx = np.zeros((n, c, oh, ow), dtype=np.int64)
    else:
        _, idx = adaptive_max_arrays(x4._data, oh, ow)
    y = PlaneGather(idx.reshape(n, c, oh * ow), h * w)(reshape(x4, (n, c, h * w)))
    oshape = shape[:-2] + (oh, ow)
    y = reshape(y, oshape)
    return (y, Tensor._make(idx.reshape(oshape))) if return_indices else y


def adaptive_max_pool1d(input, output_size, return_indices=False):  # noqa: A002
    """Adaptive max pooling over L of (N, C, L) or (C, L)."""
    op = "adaptive_max_pool1d"
    x = _tensor(op, input)
    _adaptive_input(op, x, 1)
    _dtype_check(op, x, ints=False, long=False)
    (m,) = _out_sizes(op, output_size, 1, x._data.shape[-1:])
    from .shape import reshape
    shape = tuple(x._data.shape)
    res = _adaptive_max(reshape(x, shape[:-1] + (1, shape[-1])), (1, m), return_indices)
    oshape = shape[:-1] + (m,)
    if return_indices:
        return reshape(res[0], oshape), reshape(res[1], oshape)
    return reshape(res, oshape)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):  # noqa: A002
    """The partial inverse of ``max_pool2d``: each value put at its index in a zero (H_out, W_out)
    plane (``torch.nn.functional.max_unpool2d``). Default output size per axis:
    ``(H - 1) stride - 2 padding + kernel_size``; ``output_size`` picks one within a stride.
    """
    from .shape import reshape
    from ..tensor import Tensor
    op = "max_unpool2d"
    x = _tensor(op, input)
    k = _ints(op, "kernel_size", kernel_size, 2)
    s = _stride(op, stride, k)
    p = _ints(op, "padding", padding, 2)
    shape = tuple(x._data.shape)
    if len(shape) not in (3, 4):
        raise RuntimeError(f"{op}: Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with "
                           f"{len(shape)} dimensions.")
    if not isinstance(indices, Tensor):
        raise TypeError(f"{op}(): argument 'indices' (position 2) must be Tensor, not {type(indices).__name__}")
    if indices._data.dtype != np.int64:
        raise RuntimeError(f"{op}: elements in indices should be type int64 but got: "
                           f"{_TORCH_TYPE.get(indices._data.dtype.name, indices._data.dtype.name)}")
    if tuple(indices._data.shape) != shape:
        raise RuntimeError(f"{op}: Expected shape of indices to be same as that of the input tensor "
                           f"({list(shape)}) but got indices tensor with shape: {list(indices._data.shape)}")
    default = [(shape[-2 + i] - 1) * s[i] + k[i] - 2 * p[i] for i in range(2)]
    if output_size is None:
        oh, ow = default
    else:
        out = list(output_size)
        if len(out) == 4:
            out = out[2:]
        if len(out) != 2:
            raise ValueError(f"{op}: output_size should be a sequence containing 2 or 4 elements, but it has a "
                             f"length of '{len(out)}'")
        for i in range(2):
            lo, hi = default[i] - s[i], default[i] + s[i]
            if not lo < out[i] < hi:
                raise ValueError(f'{op}: invalid output_size "{tuple(out)}" (dim {i} must be between {lo} and '
                                 f'{hi})')
        oh, ow = (int(v) for v in out)
    if oh < 0 or ow < 0:
        raise RuntimeError(f"{op}: output_size must contain non-negative spatial dimensions, but got "
                           f"({oh}, {ow})")
    idx = indices._data
    bad = (idx < 0) | (idx >= oh * ow)
    if bad.any():
        raise RuntimeError(f"{op}: Found an invalid max index: {int(idx[bad].flat[0])} (output volumes are of "
                           f"size {oh}x{ow})")
    x4 = x if len(shape) == 4 else reshape(x, (1,) + shape)
    n, c = x4._data.shape[:2]
    y = PlaneScatter(idx.reshape(n, c, -1), oh * ow, accumulate=False)(reshape(x4, (n, c, -1)))
    return reshape(y, shape[:-2] + (oh, ow))
