"""Shape primitives: reshape, permute, broadcast/sum-to, concatenate, pad, flip;
and the composites built on them (view, squeeze, flatten, stack, split, ...)."""
from __future__ import annotations

import numbers

from .._backend import np
from ..autograd.function import Op
from ..autograd.grad_mode import _enabled
from ._util import _make, norm_dim, sum_to_array


class Reshape(Op):
    saved = ()

    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.in_shape = x.shape
        try:
            return x.reshape(self.shape)
        except ValueError:
            raise RuntimeError(
                f"reshape: shape {tuple(self.shape)} is invalid for input of shape {x.shape} "
                f"({x.size} elements)") from None

    def backward(self, g):
        if not _enabled[0]:
            return _make(g._data.reshape(self.in_shape))
        return Reshape(self.in_shape)(g)


class Permute(Op):
    saved = ()

    def __init__(self, axes):
        self.axes = axes

    def forward(self, x):
        return x.transpose(self.axes)

    def backward(self, g):
        inv = tuple(np.argsort(self.axes))
        if not _enabled[0]:
            return _make(g._data.transpose(inv))
        return Permute(inv)(g)


class BroadcastTo(Op):
    saved = ()

    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.in_shape = x.shape
        return np.broadcast_to(x, self.shape)

    def backward(self, g):
        if not _enabled[0]:
            return _make(sum_to_array(g._data, self.in_shape))
        return SumTo(self.in_shape)(g)


class SumTo(Op):
    saved = ()

    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.in_shape = x.shape
        return sum_to_array(x, self.shape)

    def backward(self, g):
        if not _enabled[0]:
            return _make(np.broadcast_to(g._data, self.in_shape))
        return BroadcastTo(self.in_shape)(g)


class Cat(Op):
    saved = ()

    def __init__(self, axis):
        self.axis = axis

    def forward(self, *xs):
        self.sizes = [x.shape[self.axis] for x in xs]
        return np.concatenate(xs, axis=self.axis)

    def backward(self, g):
        from .index import getitem
        out, start = [], 0
        lead = (slice(None),) * self.axis
        fast = not _enabled[0]
        for t, n in zip(self.inputs, self.sizes):
            if not t.requires_grad:
                out.append(None)
            elif fast:
                out.append(_make(g._data[lead + (slice(start, start + n),)]))
            else:
                out.append(getitem(g, lead + (slice(start, start + n),)))
            start += n
        return tuple(out)


class Pad(Op):
    """Constant padding; ``widths`` is NumPy's ((before, after), ...) per axis."""

    def __init__(self, widths, value):
        self.widths, self.value = widths, value

    def forward(self, x):
        return np.pad(x, self.widths, mode="constant", constant_values=self.value)

    def backward(self, g):
        from .index import getitem
        sl = tuple(slice(b, g._data.shape[i] - a) for i, (b, a) in enumerate(self.widths))
        return getitem(g, sl)


class Flip(Op):
    saved = ()

    def __init__(self, axes):
        self.axes = axes

    def forward(self, x):
        return np.flip(x, self.axes)

    def backward(self, g):
        return Flip(self.axes)(g)


# ------------------------------------------------------------------ public
def reshape(x, shape):
    if isinstance(shape, numbers.Integral):
        shape = (shape,)
    shape = tuple(int(s) for s in shape)
    if shape == x._data.shape:
        return x
    return Reshape(shape)(x)


view = reshape


def permute(x, dims):
    n = x._data.ndim
    for d in dims:
        if not -max(n, 1) <= int(d) < max(n, 1):
            raise IndexError(f"permute: dim {d} is out of range for a tensor with {n} dims (shape {x._data.shape})")
    axes = tuple(int(d) % max(n, 1) for d in dims)
    if len(axes) != x._data.ndim or sorted(axes) != list(range(x._data.ndim)):
        raise RuntimeError(
            f"permute: dims {tuple(dims)} are not a permutation of the {x._data.ndim} dims of shape {x._data.shape}")
    if axes == tuple(range(x._data.ndim)):
        return x
    return Permute(axes)(x)


def transpose(x, dim0, dim1):
    n = x._data.ndim
    if n < 2 and dim0 in (0, -1) and dim1 in (0, -1):
        return x
    axes = list(range(n))
    d0, d1 = norm_dim(dim0, n, "transpose")[0], norm_dim(dim1, n, "transpose")[0]
    axes[d0], axes[d1] = axes[d1], axes[d0]
    return permute(x, axes)


swapaxes = transpose


def movedim(x, source, destination):
    n = x._data.ndim
    src = [source] if isinstance(source, numbers.Integral) else list(source)
    dst = [destination] if isinstance(destination, numbers.Integral) else list(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: source {source} and destination {destination} must have the same length")
    src = [norm_dim(s, n, "movedim")[0] for s in src]
    dst = [norm_dim(d, n, "movedim")[0] for d in dst]
    if len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise RuntimeError(f"movedim: repeated dim in source {source} or destination {destination}")
    order = [i for i in range(n) if i not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute(x, order)


def expand(x, shape):
    """Broadcast to ``shape``; -1 keeps a dimension (PyTorch's ``expand``)."""
    shape = tuple(shape)
    nd = len(shape) - x._data.ndim
    if nd < 0:
        raise RuntimeError(f"expand: target shape {shape} has fewer dims than the tensor's {x._data.shape}")
    for i, s in enumerate(shape[:nd]):
        if s == -1:
            raise RuntimeError(
                f"expand: the size -1 is not allowed in a new leading dimension ({i}) of target {shape} "
                f"(tensor shape {x._data.shape})")
    full = tuple(x._data.shape[i - nd] if s == -1 else int(s) for i, s in enumerate(shape))
    if full == x._data.shape:
        return x
    for i, s in enumerate(x._data.shape):
        if s != 1 and s != full[i + nd]:
            raise RuntimeError(
                f"expand: the expanded size {full[i + nd]} must match the existing size {s} at "
                f"dimension {i} (tensor shape {x._data.shape}, target {shape})")
    return BroadcastTo(full)(x)


def broadcast_to(x, shape):
    return expand(x, shape)


def sum_to_size(x, shape):
    shape = tuple(shape)
    return x if x._data.shape == shape else SumTo(shape)(x)


def squeeze(x, dim=None):
    shape = x._data.shape
    if dim is None:
        new = tuple(s for s in shape if s != 1)
    else:
        axes = norm_dim(dim, x._data.ndim, "squeeze")
        new = tuple(s for i, s in enumerate(shape) if not (i in axes and s == 1))
    return reshape(x, new)


def unsqueeze(x, dim):
    n = x._data.ndim + 1
    d = int(dim)
    if not -n <= d < n:
        raise IndexError(f"unsqueeze: dim {dim} out of range for a tensor with {x._data.ndim} dims")
    d %= n
    shape = list(x._data.shape)
    shape.insert(d, 1)
    return reshape(x, tuple(shape))


def flatten(x, start_dim=0, end_dim=-1):
    n = x._data.ndim
    if n == 0:
        return reshape(x, (1,))
    s, e = norm_dim(start_dim, n, "flatten")[0], norm_dim(end_dim, n, "flatten")[0]
    if s > e:
        raise RuntimeError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    shape = x._data.shape
    size = 1
    for v in shape[s:e + 1]:
        size *= v
    return reshape(x, shape[:s] + (size,) + shape[e + 1:])


def unflatten(x, dim, sizes):
    d = norm_dim(dim, x._data.ndim, "unflatten")[0]
    shape = x._data.shape
    sizes = list(sizes)
    known = 1
    for v in sizes:
        if v != -1:
            known *= v
    if -1 in sizes and known and shape[d] % known == 0:
        sizes[sizes.index(-1)] = shape[d] // known
    elif known != shape[d] or -1 in sizes:
        raise RuntimeError(
            f"unflatten: sizes {tuple(sizes)} do not multiply to the size {shape[d]} of dim {dim} "
            f"(tensor shape {shape})")
    return reshape(x, shape[:d] + tuple(sizes) + shape[d + 1:])


def cat(tensors, dim=0):
    """Concatenate tensors along an existing dimension."""
    from ._util import lift
    ts = [lift(t) for t in tensors]
    if not ts:
        raise ValueError("cat: expected a non-empty sequence of tensors")
    ref = ts[0]
    n = ref._data.ndim
    for i, t in enumerate(ts):
        if t._data.ndim == 0:
            raise RuntimeError(
                f"cat: zero-dimensional tensor (at position {i}) cannot be concatenated; use stack() instead")
    ax = norm_dim(dim, n, "cat")[0]
    for i, t in enumerate(ts):
        if t._data.ndim != n or any(t._data.shape[j] != ref._data.shape[j] for j in range(n) if j != ax):
            raise RuntimeError(
                f"cat: sizes of tensors must match except in dimension {dim}; tensor 0 has shape "
                f"{ref._data.shape} and tensor {i} has shape {t._data.shape}")
    if len(ts) == 1:
        return ts[0]
    return Cat(ax)(*ts)


concatenate = concat = cat


def stack(tensors, dim=0):
    """Join tensors of equal shape along a new dimension."""
    from ._util import lift
    ts = [lift(t) for t in tensors]
    if not ts:
        raise ValueError("stack: expected a non-empty sequence of tensors")
    for i, t in enumerate(ts):
        if t._data.shape != ts[0]._data.shape:
            raise RuntimeError(
                f"stack: expects each tensor to be equal size, but got {ts[0]._data.shape} at entry 0 "
                f"and {t._data.shape} at entry {i}")
    return cat([unsqueeze(t, dim) for t in ts], dim)


def split(x, split_size_or_sections, dim=0):
    from .index import getitem
    ax = norm_dim(dim, x._data.ndim, "split")[0]
    n = x._data.shape[ax]
    if isinstance(split_size_or_sections, numbers.Integral):
        step = int(split_size_or_sections)
        if step <= 0:
            raise ValueError(f"split: split_size must be positive, got {step}")
        sizes = [min(step, n - i) for i in range(0, n, step)] or [0]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != n:
            raise RuntimeError(f"split: sections {sizes} do not sum to the size {n} of dim {dim}")
    out, start = [], 0
    lead = (slice(None),) * ax
    for s in sizes:
        out.append(getitem(x, lead + (slice(start, start + s),)))
        start += s
    return tuple(out)


def chunk(x, chunks, dim=0):
    if int(chunks) <= 0:
        raise ValueError(f"chunk: number of chunks must be positive, got {chunks}")
    n = x._data.shape[norm_dim(dim, x._data.ndim, "chunk")[0]]
    step = -(-n // int(chunks)) if n else 1
    return split(x, step, dim)


def unbind(x, dim=0):
    from .index import getitem
    ax = norm_dim(dim, x._data.ndim, "unbind")[0]
    lead = (slice(None),) * ax
    return tuple(getitem(x, lead + (i,)) for i in range(x._data.shape[ax]))


def flip(x, dims):
    axes = norm_dim(dims, x._data.ndim, "flip")
    return Flip(axes)(x)


def repeat(x, sizes):
    """Tile the tensor (PyTorch's ``repeat``) via broadcasting and reshape."""
    sizes = tuple(sizes)
    nd = len(sizes) - x._data.ndim
    if nd < 0:
        raise RuntimeError("repeat: number of repeat dims can not be smaller than number of tensor dims")
    shape = (1,) * nd + x._data.shape
    y = reshape(x, tuple(v for s in shape for v in (1, s)))
    y = expand(y, tuple(v for r, s in zip(sizes, shape) for v in (r, s)))
    return reshape(y, tuple(r * s for r, s in zip(sizes, shape)))


def pad(x, pad, mode="constant", value=0.0):  # noqa: A002
    """Pad the last ``len(pad) // 2`` dims; ``pad = (left_last, right_last, left_prev, ...)``."""
    if mode != "constant":
        raise NotImplementedError(f"pad: mode {mode!r} is not supported yet; only 'constant'")
    if len(pad) % 2 or len(pad) // 2 > x._data.ndim:
        raise ValueError(f"pad: padding length {len(pad)} must be even and at most 2 * ndim ({2 * x._data.ndim})")
    widths = [(0, 0)] * x._data.ndim
    for i in range(len(pad) // 2):
        b, a = int(pad[2 * i]), int(pad[2 * i + 1])
        if b < 0 or a < 0:
            raise ValueError("pad: negative padding is not supported")
        widths[x._data.ndim - 1 - i] = (b, a)
    return Pad(tuple(widths), value)(x)


def to_device(x, device):
    return ToDevice(device)(x)


class ToDevice(Op):
    saved = ()

    def __init__(self, device):
        self.device = device

    def forward(self, x):
        from .._backend import device_of, to_device_array
        self.src = device_of(x)
        return to_device_array(x, self.device)

    def backward(self, g):
        return ToDevice(self.src)(g)

