"""Shape primitives: reshape, permute, broadcast/sum-to, concatenate, pad, flip;
and the composites built on them (view, squeeze, flatten, stack, split, ...)."""
from __future__ import annotations

import numbers
import operator

from .._backend import np
from ..autograd.function import Op
from ..autograd.grad_mode import _enabled
from ._util import _make, norm_dim, register_nograd_view, register_view, sum_to_array


def _numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def _views_base(y, x):
    """Whether NumPy made ``y`` as a view of ``x``'s memory (reshape copies when it must)."""
    yd, xd = y._data, x._data
    return not isinstance(yd, np.generic) and not isinstance(xd, np.generic) and np.may_share_memory(yd, xd)


class _WholeView:
    """A view covering all of its base (reshape, permute): in place on it rewrites the base."""

    def __init__(self, to_base, to_view):
        self.to_base, self.to_view = to_base, to_view

    def put(self, base, value, name=None, written=None):
        from .elementwise import fill
        return fill(base, self.to_base(value))     # the whole base is replaced

    def take(self, base):
        return self.to_view(base)

    def written_in_base(self, written, base_shape):
        return written.map(lambda m: None if m is None else self.to_base(_make(m))._data)


class Reshape(Op):
    saved = ()

    def __init__(self, shape):
        self.shape = shape

    @property
    def view_of(self):
        shape, in_shape = self.shape, self.in_shape
        return _WholeView(lambda v: Reshape(in_shape)(v), lambda b: Reshape(shape)(b))

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

    @property
    def view_of(self):
        axes, inv = self.axes, tuple(int(i) for i in np.argsort(self.axes))
        return _WholeView(lambda v: Permute(inv)(v), lambda b: Permute(axes)(b))

    def forward(self, x):
        return x.transpose(self.axes)

    def backward(self, g):
        inv = tuple(np.argsort(self.axes))
        if not _enabled[0]:
            return _make(g._data.transpose(inv))
        return Permute(inv)(g)


class _ExpandedView:
    """An expanded tensor repeats memory: in place on it writes the shared elements."""

    def __init__(self, shape):
        self.shape = shape

    def put(self, base, value, name=None, written=None):
        # Memory semantics: each element of the base takes the value of the last element of the
        # view written that shares its memory (PyTorch's kernels write in order).
        from .elementwise import where
        from .index import getitem
        bs = base._data.shape
        mask = None if written is None or written.mask is None else written.mask()
        if mask is None:              # every element written: the last index along each repeated dim
            nd = len(self.shape) - len(bs)
            idx = (-1,) * nd + tuple(slice(-1, None) if s == 1 and t != 1 else slice(None)
                                     for s, t in zip(bs, self.shape[nd:]))
            out = getitem(value, idx) if idx else value
        else:
            nb = base._data.size
            owner = np.broadcast_to(np.arange(nb).reshape(bs), self.shape)
            last = np.full(nb, -1, np.int64)
            np.maximum.at(last, owner[mask], np.arange(mask.size).reshape(mask.shape)[mask])
            has = last >= 0
            picked = reshape(getitem(reshape(value, (-1,)), (np.where(has, last, 0),)), bs)
            out = where(_make(has.reshape(bs)), picked, base)
        # PyTorch's backward through a write into memory-sharing elements fails (fill_, masked_fill_
        # or x[index_tensor] = v on an expanded tensor); x[1] = v writes a plain view and works
        return _ExpandedWrite()(out) if written is None or written.overlapping else out

    def take(self, base):
        return BroadcastTo(self.shape)(base)

    def written_in_base(self, written, base_shape):
        return written.map(lambda m: None if m is None else sum_to_array(m.astype(np.int64), base_shape) > 0)


class _ExpandedWrite(Op):
    """Marks a value written through an expanded view: PyTorch computes it, and refuses to
    backpropagate through it (its CopySlices cannot split the overlapping memory)."""
    saved = ()

    def forward(self, x):
        return x

    def backward(self, g):
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to a single memory "
            "location (it was written through an expanded view). Please clone() the tensor before performing "
            "the operation.")


class BroadcastTo(Op):
    saved = ()

    def __init__(self, shape):
        self.shape = shape

    @property
    def view_of(self):
        return _ExpandedView(self.shape)

    def forward(self, x):
        self.in_shape = x.shape
        if x.size == _numel(self.shape):      # only new size-1 dims: a plain (writable) view
            return x.reshape(self.shape)
        if isinstance(x, np.ndarray) and x.flags.writeable:
            # PyTorch's expanded tensors can be written (fill_, x[i] = v); NumPy's broadcast_to
            # is read-only, so build the same zero-stride view writable. In-place arithmetic on
            # it is refused by Tensor's overlap check, as in PyTorch.
            nd = len(self.shape) - x.ndim
            strides = (0,) * nd + tuple(0 if s == 1 and t != 1 else st
                                        for s, t, st in zip(x.shape, self.shape[nd:], x.strides))
            return np.lib.stride_tricks.as_strided(x, self.shape, strides)
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
        return np.flip(x, self.axes).copy()     # PyTorch's flip copies (NumPy's is a view)

    def backward(self, g):
        return Flip(self.axes)(g)


# ------------------------------------------------------------------ public
def _ints(values, op, arg):
    """``values`` as a tuple of ints (integers and 0-d integer tensors), refusing floats and
    other types with PyTorch's words instead of truncating them."""
    try:
        return tuple(map(operator.index, values))
    except TypeError:
        pass
    if not hasattr(values, "__iter__"):
        raise TypeError(f"{op}(): argument '{arg}' must be tuple of ints, not {type(values).__name__}") from None
    for pos, v in enumerate(values):
        try:
            operator.index(v)
        except TypeError:
            raise TypeError(f"{op}(): argument '{arg}' must be tuple of ints, but found element of type "
                            f"{type(v).__name__} at pos {pos} ({v!r:.20})") from None
    raise TypeError(f"{op}(): argument '{arg}' must be tuple of ints, got {values!r:.60}")


def reshape(x, shape):
    if isinstance(shape, numbers.Integral):
        shape = (shape,)
    shape = _ints(shape, "reshape", "shape")
    if shape and min(shape) < -1:
        bad = next(i for i, v in enumerate(shape) if v < -1)
        raise RuntimeError(f"reshape: invalid shape dimension {shape[bad]} at index {bad} of shape {list(shape)} "
                           f"(sizes are non-negative; -1 infers one size)")
    if isinstance(x._data, np.generic):    # a 0-d result is a NumPy scalar: give views an array to share
        x._data = np.array(x._data)
    op = Reshape(shape)
    y = op(x)          # a new tensor (a view) even for the same shape, as in PyTorch
    if y._ctx is None:
        if _enabled[0] and (x._data.flags.c_contiguous or _views_base(y, x)):
            register_nograd_view(x, y, op)     # a view of a tensor that does not require grad
    elif x._ctx is not None and _views_base(y, x):
        register_view(x, y)
    return y


view = reshape


def permute(x, dims):
    n = x._data.ndim
    m = n if n else 1
    dims = tuple(map(int, dims))
    for d in dims:
        if not -m <= d < m:
            raise IndexError(f"permute: dim {d} is out of range for a tensor with {n} dims (shape {x._data.shape})")
    axes = tuple([d % m for d in dims])
    if len(axes) != n or sorted(axes) != list(range(n)):
        raise RuntimeError(
            f"permute: dims {tuple(dims)} are not a permutation of the {x._data.ndim} dims of shape {x._data.shape}")
    if isinstance(x._data, np.generic):    # a 0-d result is a NumPy scalar: give views an array to share
        x._data = np.array(x._data)
    op = Permute(axes)
    y = op(x)
    if y._ctx is None:
        if _enabled[0]:
            register_nograd_view(x, y, op)
    elif x._ctx is not None:
        register_view(x, y)
    return y


def transpose(x, dim0, dim1):
    n = x._data.ndim
    if n < 2 and dim0 in (0, -1) and dim1 in (0, -1):
        return reshape(x, x._data.shape)        # a view, as PyTorch's t() of a vector
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
    for i, s in enumerate(x._data.shape):
        if s != 1 and s != full[i + nd]:
            raise RuntimeError(
                f"expand: the expanded size {full[i + nd]} must match the existing size {s} at "
                f"dimension {i} (tensor shape {x._data.shape}, target {shape})")
    if isinstance(x._data, np.generic):    # a 0-d result is a NumPy scalar: give views an array to share
        x._data = np.array(x._data)
    if x._data.size == _numel(full):
        op = Reshape(full)            # no dim is repeated: a plain writable view
    else:
        op = BroadcastTo(full)
    y = op(x)
    if y._ctx is None:
        if _enabled[0]:
            register_nograd_view(x, y, op)
    elif x._ctx is not None:
        register_view(x, y)
    return y


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
    if isinstance(dim, bool) or not hasattr(dim, "__index__"):
        raise TypeError(f"unsqueeze(): argument 'dim' must be int, not {type(dim).__name__} ({dim!r:.20})")
    d = operator.index(dim)
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


def _tensor_list(tensors, op):
    """``tensors`` (a tuple or list of Tensors) as a list; anything else is refused as PyTorch does."""
    from ..tensor import Tensor
    if not isinstance(tensors, (tuple, list)):
        raise TypeError(f"{op}(): argument 'tensors' must be a tuple or list of Tensors, not {type(tensors).__name__}"
                        + (f" (to {op} the slices of one tensor along dim 0, pass list(t) or use t.unbind(0))"
                           if isinstance(tensors, Tensor) else ""))
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}(): expected Tensor as element {i} in argument 0, but got {type(t).__name__} "
                            f"({t!r:.30}); wrap it with nerve.tensor(...)")
    return list(tensors)


def cat(tensors, dim=0):
    """Concatenate tensors along an existing dimension."""
    ts = _tensor_list(tensors, "cat")
    if not ts:
        raise ValueError("cat: expected a non-empty sequence of tensors")
    dt = ts[0]._data.dtype
    if any(t._data.dtype != dt for t in ts):     # PyTorch promotes across the inputs
        from ._util import promote_types
        from .elementwise import cast
        for t in ts[1:]:
            dt = promote_types(dt, t._data.dtype)
        ts = [t if t._data.dtype == dt else cast(t, dt) for t in ts]
    if len(ts) > 1 and any(t._data.shape == (0,) for t in ts) and any(t._data.ndim > 1 for t in ts):
        ts = [t for t in ts if t._data.shape != (0,)] or ts[:1]   # PyTorch skips legacy empty 1-d tensors
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
        from .elementwise import clone
        return clone(ts[0])          # cat always makes a new tensor
    return Cat(ax)(*ts)


concatenate = concat = cat


def stack(tensors, dim=0):
    """Join tensors of equal shape along a new dimension."""
    ts = _tensor_list(tensors, "stack")
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
    sizes = _ints((sizes,) if isinstance(sizes, numbers.Integral) else sizes, "repeat", "repeats")
    if sizes and min(sizes) < 0:
        raise RuntimeError(f"repeat: Trying to create tensor with negative dimension: repeats {list(sizes)} "
                           "must be non-negative")
    nd = len(sizes) - x._data.ndim
    if nd < 0:
        raise RuntimeError("repeat: number of repeat dims can not be smaller than number of tensor dims")
    shape = (1,) * nd + x._data.shape
    y = reshape(x, tuple(v for s in shape for v in (1, s)))
    y = expand(y, tuple(v for r, s in zip(sizes, shape) for v in (r, s)))
    return reshape(y, tuple(r * s for r, s in zip(sizes, shape)))


def pad(x, pad, mode="constant", value=None):  # noqa: A002
    """Pad (or, with negative sizes, crop) the last ``len(pad) // 2`` dims, as ``torch.nn.functional.pad``.

    ``pad = (left_last, right_last, left_prev, right_prev, ...)``. Modes:

    * ``'constant'``: fill with ``value`` (default 0); any number of dims.
    * ``'reflect'``: mirror without repeating the edge (each pad < the dim's size).
    * ``'replicate'``: repeat the edge value.
    * ``'circular'``: wrap around (each pad <= the dim's size).

    The last three pad 1, 2 or 3 trailing dims of a tensor with one or two more
    dims (batch and channel). Their gradient scatter-adds into the source positions.

    Example:
        >>> nerve.pad(nerve.arange(4.0).view(1, 4), (2, 1), mode="reflect")
        tensor([[2., 1., 0., 1., 2., 3., 2.]])
    """
    from ..autograd.function import OpError
    from ..tensor import Tensor
    if isinstance(pad, Tensor) or not isinstance(pad, (tuple, list)):
        raise TypeError(f"pad(): argument 'pad' must be tuple of ints, not {type(pad).__name__}")
    for i, p in enumerate(pad):
        if isinstance(p, bool) or not isinstance(p, numbers.Integral):
            raise TypeError(f"pad(): argument 'pad' must be tuple of ints, but found element of type "
                            f"{type(p).__name__} at pos {i}")
    pad = tuple(int(p) for p in pad)
    shape, n = x._data.shape, x._data.ndim
    if len(pad) % 2:
        raise OpError(f"pad: padding length {len(pad)} is odd: Padding length must be divisible by 2 (even), "
                      "one (left, right) pair per dim, last dim first")
    k = len(pad) // 2
    if k > n:
        raise OpError(f"pad: Padding length should be less than or equal to two times the input dimension but "
                      f"got padding length {len(pad)} and input of dimension {n} (shape {shape})")
    pairs = [(n - 1 - i, pad[2 * i], pad[2 * i + 1]) for i in range(k)]    # (axis, left, right)
    if mode == "constant":
        for ax, b, a in pairs:
            if shape[ax] + b + a < 0:
                raise RuntimeError(
                    f"pad: padding ({b}, {a}) of dim {ax} (size {shape[ax]}) of input {shape} leaves a negative "
                    "size (narrow(): length must be non-negative)")
        if any(b < 0 or a < 0 for _, b, a in pairs):       # crop first: negative padding is narrow()
            from .index import getitem
            sl = [slice(None)] * n
            for ax, b, a in pairs:
                sl[ax] = slice(max(-b, 0), shape[ax] - max(-a, 0))
            x = getitem(x, tuple(sl))
        widths = [(0, 0)] * n
        for ax, b, a in pairs:
            widths[ax] = (max(b, 0), max(a, 0))
        if all(w == (0, 0) for w in widths):
            return x
        return Pad(tuple(widths), 0 if value is None else value)(x)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"pad: Unrecognised padding mode {mode}; expected 'constant', 'reflect', "
                                  "'replicate' or 'circular'")
    if value is not None and value != 0:
        raise RuntimeError(f'pad: Padding mode "{mode}" doesn\'t take in value argument (got value={value})')
    if k not in (1, 2, 3) or n not in (k + 1, k + 2):
        raise NotImplementedError(
            f"pad: Padding size {len(pad)} is not supported for {n}D input tensor (shape {shape}). Supported "
            "combinations for non-constant padding: 2D or 3D input: padding size = 2 (pads last dimension); "
            "3D or 4D input: padding size = 4 (pads last 2 dimensions); 4D or 5D input: padding size = 6 "
            "(pads last 3 dimensions)")
    names = "WHD"
    outs = [shape[ax] + b + a for ax, b, a in pairs]
    if mode == "circular":
        for ax, b, a in pairs:
            if b > shape[ax] or a > shape[ax]:
                raise RuntimeError(
                    f"pad: Padding value causes wrapping around more than once: padding ({b}, {a}) at dimension "
                    f"{ax} of input {list(shape)} (circular padding must be <= the size)")
            if shape[ax] + b + a < 0:
                raise RuntimeError(
                    f"pad: Negative padding value is resulting in an empty dimension: padding ({b}, {a}) at "
                    f"dimension {ax} of input {list(shape)}")
    else:
        if 0 in (shape[1:] if n == k + 2 else shape):
            raise RuntimeError(
                f"pad: Expected {k + 1}D or {k + 2}D (batch mode) tensor with possibly 0 batch size and other "
                f"non-zero dimensions for input, but got: {list(shape)}")
        if mode == "reflect":
            for i, (ax, b, a) in enumerate(pairs):
                if b >= shape[ax] or a >= shape[ax]:
                    raise RuntimeError(
                        f"pad: Argument #{4 + 2 * i}: Padding size should be less than the corresponding input "
                        f"dimension, but got: padding ({b}, {a}) at dimension {ax} of input {list(shape)}")
        if any(o < 0 for o in outs) or all(o < 1 for o in outs):
            ins = ", ".join(f"{names[i]}: {shape[ax]}" for i, (ax, _, _) in reversed(list(enumerate(pairs))))
            res = " ".join(f"{names[i]}: {o}" for i, o in reversed(list(enumerate(outs))))
            raise RuntimeError(f"pad: input ({ins}) is too small. Calculated output {res}")
    from .nnextra import resample
    for (ax, b, a), o in zip(pairs, outs):
        if b == 0 and a == 0:
            continue
        s = shape[ax]
        p = np.arange(o, dtype=np.int64) - b
        if mode == "reflect":
            p = np.abs(p)
            p = np.where(p >= s, 2 * (s - 1) - p, p)
        elif mode == "replicate":
            p = np.clip(p, 0, s - 1)
        else:   # PyTorch crops first, then wraps around what is left
            lo = max(-b, 0)
            kept = s - lo - max(-a, 0)
            if kept <= 0 < o:
                raise RuntimeError(
                    f"pad: circular padding ({b}, {a}) at dimension {ax} of input {list(shape)} crops the "
                    "whole dimension and then pads it: there is nothing to wrap around")
            p = np.mod(np.arange(o, dtype=np.int64) - max(b, 0), max(kept, 1)) + lo
        x = resample(x, ax, p)
    return x


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

