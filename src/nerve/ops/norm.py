"""Normalisation: ``batch_norm``, ``layer_norm``, ``group_norm`` and ``instance_norm``.

Both normalise ``x`` to zero mean and unit variance over some axes and then
apply a per-feature scale and shift:

    xhat = (x - mean) / sqrt(var + eps),    y = xhat * weight + bias

``Normalize`` is one fused primitive for both (batch norm in training mode
reduces over every axis but the channels; layer norm over the trailing
``normalized_shape``). It earns its own backward (figures in its docstring:
1.5-3x faster than the composite from mean/var ops): the forward saves
``xhat`` and ``1/std`` and the backward is the closed form

    dx = inv_std * (gh - mean(gh) - xhat * mean(gh * xhat)),   gh = g * weight

instead of differentiating through mean, subtraction, variance, square root
and division one node at a time. Batch norm in eval mode is an affine map
with constant statistics, so it is a plain composite of ``mul`` and ``add``.
"""
from __future__ import annotations

import numbers

from .._backend import loud, np, quiet
from ..autograd.function import Op
from ..autograd.grad_mode import _enabled
from ._util import _make, const


class Normalize(Op):
    """``y = xhat * w + b`` with ``xhat`` standardised over ``axes`` (biased variance).

    Inputs are ``x`` and then, when present, ``w`` and ``b``. ``w`` and ``b``
    broadcast against ``x`` after a reshape to ``pview``; their gradients are
    summed over ``paxes`` (the axes where the parameters are broadcast).

    Backward has two paths: on raw arrays, in place, for the usual
    ``backward()``; and the same formula with tensor ops under
    ``create_graph=True``, where ``xhat`` and ``inv_std`` are recomputed as
    functions of ``x`` so that second derivatives are exact.

    Forward + backward, float32, 2-core dev machine, best of 30 (fused /
    composite of ``mean``, ``sub``, ``mul``, ``rsqrt``, ``add``):
    batch norm (64, 128) 0.058 / 0.134 ms, (256, 512) 0.27 / 0.77 ms,
    (64, 32, 16, 16) 1.16 / 2.35 ms; layer norm (64, 128) 0.08 / 0.18 ms,
    (64, 128, 256) 7.9 / 12.3 ms.
    """

    def __init__(self, axes, paxes, pview, eps, has_w, has_b):
        self.axes, self.paxes, self.pview = axes, paxes, pview
        self.eps, self.has_w, self.has_b = eps, has_w, has_b

    def forward(self, x, *wb):
        if self.axes == self.paxes:
            return self._forward_bn(x, wb)
        axes = self.axes
        mean = x.mean(axis=axes, keepdims=True)
        xc = x - mean
        tmp = np.multiply(xc, xc)
        var = tmp.mean(axis=axes, keepdims=True)
        inv_std = 1.0 / np.sqrt(var + self.eps)
        xc *= inv_std                       # xc is now xhat
        self.mean, self.var, self.inv_std, self.xhat = mean, var, inv_std, xc
        if not wb:
            # sharing xhat with the output is safe: in-place ops refuse tensors in a graph
            return xc
        if self.has_w:
            y = np.multiply(xc, wb[0].reshape(self.pview), out=tmp)
        else:
            y = tmp
            y[...] = xc
        if self.has_b:
            y += wb[-1].reshape(self.pview)
        return y

    def _forward_bn(self, x, wb):
        """Batch norm in training mode over x viewed as (N, C, L): statistics per channel.

        One pass per statistic (the sum for the mean, then the sum of squares of
        the centred input, as PyTorch does: two-pass, so a large mean costs no
        precision), then ``y = xc * scale + shift`` in the centred buffer. Nothing
        but the per-channel mean and 1/std is kept: backward reads ``x`` again.
        """
        c = x.shape[1]
        x3 = x.reshape(x.shape[0], c, -1)
        n = x3.shape[0] * x3.shape[2]
        # the mean accumulated in float64 (as PyTorch does): a large mean loses nothing
        mean = (np.einsum("ncl->c", x3, dtype=np.float64) * (1.0 / n)).astype(x.dtype, copy=False)
        xc = np.subtract(x3, mean[:, None])
        var = np.einsum("ncl,ncl->c", xc, xc) * (1.0 / n)
        inv_std = 1.0 / np.sqrt(var + self.eps)
        self.mean, self.var, self.inv_std = mean, var, inv_std
        scale = inv_std * wb[0] if self.has_w else inv_std
        xc *= scale[:, None]
        if self.has_b:
            xc += wb[-1][:, None]
        return xc.reshape(x.shape)

    def _xhat(self):
        """``xhat`` as a raw array shaped like ``x`` (batch norm keeps only its statistics)."""
        if self.axes != self.paxes:
            return self.xhat
        x = self.inputs[0]._data
        return (x - self.mean.reshape(self.pview)) * self.inv_std.reshape(self.pview)

    def backward(self, g):
        if _enabled[0]:
            return self._backward_graph(g)
        if self.axes == self.paxes:
            return self._backward_bn(g)
        return self._backward_arrays(g)

    def _backward_bn(self, g):
        """Batch norm's closed form as per-channel coefficients on the centred input ``xc``:
        ``gx = a * (g - sum(g)/n - xc * sum(g * xc) / (n var))`` with ``a = w/std``.

        ``xc`` is recomputed into the output buffer (one pass) rather than kept from the
        forward; working on ``xc`` rather than ``x`` keeps a large mean from cancelling.
        """
        x, w, b = self._params()
        xd, gd = x._data, g._data
        c = xd.shape[1]
        x3 = xd.reshape(xd.shape[0], c, -1)
        g3 = gd.reshape(x3.shape)
        n = x3.shape[0] * x3.shape[2]
        inv_std = self.inv_std
        out = np.subtract(x3, self.mean[:, None])                            # xc
        sg = np.einsum("ncl->c", g3)
        sgxc = np.einsum("ncl,ncl->nc", g3, out).sum(axis=0, dtype=np.float64).astype(xd.dtype)
        gx = gw = gb = None
        if w is not None and w.requires_grad:
            gw = _make((sgxc * inv_std).astype(w._data.dtype, copy=False))
        if b is not None and b.requires_grad:
            gb = _make(sg.astype(b._data.dtype, copy=False))
        if x.requires_grad:
            a = inv_std * w._data if w is not None else inv_std
            out *= (-a * inv_std * inv_std * sgxc * (1.0 / n))[:, None]
            out -= (a * sg * (1.0 / n))[:, None]
            out += np.multiply(g3, a[:, None])
            gx = _make(out.reshape(xd.shape))
        return self._pack(gx, gw, gb)

    def _params(self):
        ins = self.inputs
        return ins[0], (ins[1] if self.has_w else None), (ins[-1] if self.has_b else None)

    def _pack(self, gx, gw, gb):
        out = [gx]
        if self.has_w:
            out.append(gw)
        if self.has_b:
            out.append(gb)
        return tuple(out) if len(out) > 1 else gx

    def _backward_arrays(self, g):
        """Layer norm's usual case (no create_graph): the closed form on arrays, in place where possible."""
        x, w, b = self._params()
        gd, xhat, inv_std, axes, paxes = g._data, self.xhat, self.inv_std, self.axes, self.paxes
        wd = w._data.reshape(self.pview) if w is not None else None
        gx = gw = gb = None
        t = np.multiply(gd, xhat)
        if w is not None and w.requires_grad:
            gw = _make(t.sum(axis=paxes).reshape(w._data.shape))
        if b is not None and b.requires_grad:
            gb = _make(gd.sum(axis=paxes).reshape(b._data.shape))
        if x.requires_grad:
            if wd is not None:
                t *= wd
                gh = gd * wd
            else:
                gh = gd.copy()
            m2 = t.mean(axis=axes, keepdims=True)
            m1 = gh.mean(axis=axes, keepdims=True)
            np.multiply(xhat, m2, out=t)
            t += m1
            np.subtract(gh, t, out=gh)
            gh *= inv_std
            gx = _make(gh)
        return self._pack(gx, gw, gb)

    def _backward_graph(self, g):
        """The same closed form with tensor ops, differentiable for higher-order gradients."""
        x, w, b = self._params()
        if x.requires_grad:
            # second derivatives need xhat and inv_std as functions of x, not constants
            xc = x - x.mean(self.axes, keepdim=True)
            inv_std = ((xc * xc).mean(self.axes, keepdim=True) + self.eps) ** -0.5
            xhat = xc * inv_std
        else:
            xhat, inv_std = const(self._xhat()), const(self.inv_std.reshape(self.pview) if self.axes == self.paxes
                                                       else self.inv_std)
        axes, paxes = self.axes, self.paxes
        wv = w.reshape(self.pview) if w is not None else None
        gx = gw = gb = None
        if w is not None and w.requires_grad:
            gw = (g * xhat).sum(paxes).reshape(w._data.shape)
        if b is not None and b.requires_grad:
            gb = g.sum(paxes).reshape(b._data.shape)
        if x.requires_grad:
            gh = g * wv if wv is not None else g
            gx = (gh - gh.mean(axes, keepdim=True)
                  - xhat * (gh * xhat).mean(axes, keepdim=True)) * inv_std
        return self._pack(gx, gw, gb)


def _not_tensor(op, x):
    return TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")


def _not_number(op, name, pos, v):
    return TypeError(f"{op}(): argument '{name}' (position {pos}) must be float, not {type(v).__name__}")


def _check_param(p, name, shape, op):
    if p is not None and tuple(p.shape) != tuple(shape):
        raise RuntimeError(
            f"{op}: {name} has shape {tuple(p.shape)} but the input needs shape {tuple(shape)} "
            f"(one value per {'channel' if op in ('batch_norm', 'instance_norm') else 'normalized element'})")


def _inputs(x, weight, bias):
    ins = [x]
    if weight is not None:
        ins.append(weight)
    if bias is not None:
        ins.append(bias)
    return ins


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,  # noqa: A002
               momentum=0.1, eps=1e-5):
    """Batch normalisation over every dim of ``input`` except dim 1 (the channels).

    In training mode (or when no running statistics are given) the batch's own
    mean and biased variance normalise the input, and ``running_mean`` /
    ``running_var`` (when given) are updated in place:
    ``running = (1 - momentum) * running + momentum * batch_stat``, with the
    unbiased batch variance for ``running_var``. In eval mode the running
    statistics normalise the input.

    Args:
        input: (N, C), (N, C, L), (N, C, H, W), ... tensor.
        running_mean, running_var: (C,) tensors or ``None``.
        weight, bias: (C,) tensors or ``None`` (scale 1, shift 0).
        training: use batch statistics (and update the running ones).
        momentum: weight of the new batch in the running averages.
        eps: added to the variance for numerical stability.

    Shapes: output has the shape of ``input``.

    Example:
        >>> x = nerve.randn(8, 3)
        >>> rm, rv = nerve.zeros(3), nerve.ones(3)
        >>> y = batch_norm(x, rm, rv, training=True)   # rm, rv updated in place
    """
    try:
        shape = input._data.shape
    except AttributeError:
        raise _not_tensor("batch_norm", input) from None
    if input._data.ndim < 2:
        raise ValueError(
            f"batch_norm: expected an input with at least 2 dims (N, C, ...), got shape {tuple(shape)}")
    c = shape[1]
    for t, name in ((running_mean, "running_mean"), (running_var, "running_var"),
                    (weight, "weight"), (bias, "bias")):
        _check_param(t, name, (c,), "batch_norm")
    try:
        if eps < 0 or (training and eps <= 0):
            raise ValueError(f"batch_norm: eps must be positive{' during training' if training else ''}, got {eps}")
    except TypeError:
        raise _not_number("batch_norm", "eps", 8, eps) from None
    view = (1, c) + (1,) * (input._data.ndim - 2)
    axes = (0,) + tuple(range(2, input._data.ndim))
    if not training:
        if running_mean is None or running_var is None:
            raise RuntimeError("batch_norm: running_mean and running_var are needed when training=False")
        # eval: a per-channel affine map with constant statistics (a composite)
        dt = input._data.dtype
        tok = quiet()           # a negative running_var gives NaN, as in PyTorch, without NumPy's warning
        try:
            inv_std = 1.0 / np.sqrt(running_var._data.astype(dt, copy=False) + eps)
        finally:
            loud(tok)
        mean = running_mean._data.astype(dt, copy=False)
        if weight is None:
            scale = const(inv_std.reshape(view))
        else:
            scale = weight.reshape(view) * const(inv_std.reshape(view))
        shift = -(const(mean.reshape(view)) * scale)
        if bias is not None:
            shift = shift + bias.reshape(view)
        return input * scale + shift
    n = input._data.size // max(c, 1)
    if n <= 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {tuple(shape)}")
    if momentum is None:
        raise ValueError("batch_norm: momentum=None (cumulative average) is handled by the BatchNorm modules; "
                         "pass the averaging factor 1 / num_batches_tracked instead")
    try:
        keep = 1.0 - momentum
    except TypeError:
        raise _not_number("batch_norm", "momentum", 7, momentum) from None
    fn = Normalize(axes, axes, view, eps, weight is not None, bias is not None)
    out = fn(*_inputs(input, weight, bias))
    if running_mean is not None:
        rm = running_mean._data
        rm *= keep
        rm += (momentum * fn.mean.reshape(c)).astype(rm.dtype, copy=False)
    if running_var is not None:
        rv = running_var._data
        rv *= keep
        rv += (momentum * n / (n - 1) * fn.var.reshape(c)).astype(rv.dtype, copy=False)
    return out


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):  # noqa: A002
    """Layer normalisation over the trailing ``normalized_shape`` dims of ``input``.

    Args:
        input: tensor whose last dims equal ``normalized_shape``.
        normalized_shape: int or tuple, e.g. ``(D,)`` or ``(C, H, W)``.
        weight, bias: tensors of shape ``normalized_shape`` or ``None``.
        eps: added to the (biased) variance.

    Example:
        >>> x = nerve.randn(4, 10, 32)
        >>> y = layer_norm(x, (32,))     # each of the 4*10 rows has mean 0, variance 1
    """
    if isinstance(normalized_shape, numbers.Integral):
        normalized_shape = (int(normalized_shape),)
    normalized_shape = tuple(int(s) for s in normalized_shape)
    k = len(normalized_shape)
    try:
        shape = input._data.shape
    except AttributeError:
        raise _not_tensor("layer_norm", input) from None
    if k == 0 or k > len(shape) or tuple(shape[len(shape) - k:]) != normalized_shape:
        raise RuntimeError(
            f"layer_norm: given normalized_shape={list(normalized_shape)}, expected input with shape "
            f"[*, {', '.join(map(str, normalized_shape))}], but got input of size {tuple(shape)}")
    _check_param(weight, "weight", normalized_shape, "layer_norm")
    _check_param(bias, "bias", normalized_shape, "layer_norm")
    nd = len(shape)
    axes = tuple(range(nd - k, nd))
    paxes = tuple(range(nd - k))
    fn = Normalize(axes, paxes, normalized_shape, eps, weight is not None, bias is not None)
    return fn(*_inputs(input, weight, bias))


class GroupNormOp(Op):
    """Group norm: ``x`` (N, C, *) viewed as (N, G, C/G, L); statistics per (sample, group),
    then ``y = xhat * weight[c] + bias[c]``.

    Forward folds the statistics and the parameters into one scale and one shift
    per (sample, channel), ``y = x * a + s`` (PyTorch's CPU kernel does the same);
    backward is the closed form ``gx = x * c1 + g * a + c0`` with per-row sums
    ``sum(g)`` and ``sum(g * x)``. Only ``x`` and the (N, G) statistics are kept.
    Under ``create_graph=True`` the same formula runs with tensor ops.
    """

    def __init__(self, num_groups, eps, has_w, has_b):
        self.groups, self.eps, self.has_w, self.has_b = num_groups, eps, has_w, has_b

    def _view(self, shape):
        n, c = shape[0], shape[1]
        return (n, self.groups, c // self.groups, -1)

    def forward(self, x, *wb):
        x4 = x.reshape(self._view(x.shape))
        m = x4.shape[2] * x4.shape[3]
        mean = np.einsum("ngkl->ng", x4) * (1.0 / max(m, 1))
        xc = x4 - mean[:, :, None, None]
        var = np.einsum("ngkl,ngkl->ng", xc, xc) * (1.0 / max(m, 1))
        inv_std = 1.0 / np.sqrt(var + self.eps)
        self.mean, self.var, self.inv_std = mean, var, inv_std
        g, k = x4.shape[1], x4.shape[2]
        w = wb[0].reshape(g, k) if self.has_w else None
        a = inv_std[:, :, None] * w if w is not None else np.broadcast_to(inv_std[:, :, None], x4.shape[:3])
        xc *= a[..., None]
        if self.has_b:
            xc += wb[-1].reshape(1, g, k, 1)
        return xc.reshape(x.shape)

    def _params(self):
        ins = self.inputs
        return ins[0], (ins[1] if self.has_w else None), (ins[-1] if self.has_b else None)

    def _pack(self, gx, gw, gb):
        out = [gx] + ([gw] if self.has_w else []) + ([gb] if self.has_b else [])
        return tuple(out) if len(out) > 1 else gx

    def backward(self, g):
        if _enabled[0]:
            return self._backward_graph(g)
        x, w, b = self._params()
        xd = x._data
        x4 = xd.reshape(self._view(xd.shape))
        g4 = g._data.reshape(x4.shape)
        n_, gr, k, _ = x4.shape
        m = k * x4.shape[3]
        mean, inv_std = self.mean, self.inv_std
        sg = np.einsum("ngkl->ngk", g4)                                     # (N, G, K)
        sgxc = np.einsum("ngkl,ngkl->ngk", g4, x4) - mean[:, :, None] * sg   # sum(g * (x - mean))
        gx = gw = gb = None
        if w is not None and w.requires_grad:
            gw = _make((sgxc * inv_std[:, :, None]).sum(axis=0).reshape(w._data.shape))
        if b is not None and b.requires_grad:
            gb = _make(sg.sum(axis=0).reshape(b._data.shape))
        if x.requires_grad:
            wk = w._data.reshape(gr, k) if w is not None else 1.0
            a = inv_std[:, :, None] * wk                                    # (N, G, K)
            if a.shape != sg.shape:
                a = np.broadcast_to(a, sg.shape)
            mg = (sg * wk).sum(axis=2) * (1.0 / m)                           # mean(g * w) per row
            mgx = (sgxc * wk).sum(axis=2) * (inv_std / m)                    # mean(g * w * xhat)
            c1 = -inv_std * inv_std * mgx                                    # (N, G)
            c0 = -c1 * mean - inv_std * mg
            out = np.multiply(x4, c1[:, :, None, None])
            out += c0[:, :, None, None]
            out += np.multiply(g4, a[..., None])
            gx = _make(out.reshape(xd.shape))
        return self._pack(gx, gw, gb)

    def _backward_graph(self, g):
        """The same closed form with tensor ops (differentiable for higher-order gradients)."""
        x, w, b = self._params()
        shape = x._data.shape
        n_, gr = shape[0], self.groups
        x4 = x.reshape(n_, gr, -1)
        if x.requires_grad:
            xc = x4 - x4.mean(2, keepdim=True)
            inv_std = ((xc * xc).mean(2, keepdim=True) + self.eps) ** -0.5
            xhat = xc * inv_std
        else:
            inv_std = const(self.inv_std[:, :, None])
            xhat = const((x4._data - self.mean[:, :, None]) * self.inv_std[:, :, None])
        pview = (1, shape[1]) + (1,) * (len(shape) - 2)
        xhat_full = xhat.reshape(shape)
        axes = (0,) + tuple(range(2, len(shape)))
        gx = gw = gb = None
        if w is not None and w.requires_grad:
            gw = (g * xhat_full).sum(axes)
        if b is not None and b.requires_grad:
            gb = g.sum(axes)
        if x.requires_grad:
            gh = (g * w.reshape(pview) if w is not None else g).reshape(n_, gr, -1)
            gx = ((gh - gh.mean(2, keepdim=True) - xhat * (gh * xhat).mean(2, keepdim=True))
                  * inv_std).reshape(shape)
        return self._pack(gx, gw, gb)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):  # noqa: A002
    """Group normalisation: the channels of each sample split into ``num_groups`` groups,
    each normalised over its channels and spatial positions, then scaled and shifted per channel.

    Args:
        input: (N, C, *) tensor.
        num_groups: G, dividing C.
        weight, bias: (C,) tensors or ``None``.
        eps: added to the (biased) variance.

    Example:
        >>> x = nerve.randn(8, 32, 14, 14)
        >>> y = group_norm(x, 8)      # 4 channels per group
    """
    try:
        shape = input._data.shape
    except AttributeError:
        raise _not_tensor("group_norm", input) from None
    if len(shape) < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {len(shape)} "
                           f"(group_norm, input shape {tuple(shape)})")
    if isinstance(num_groups, bool) or not isinstance(num_groups, numbers.Integral):
        raise TypeError(f"group_norm(): argument 'num_groups' (position 2) must be int, not "
                        f"{type(num_groups).__name__}")
    c = shape[1]
    if num_groups <= 0 or c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got "
                           f"input of shape {list(shape)} and num_groups={num_groups}")
    for p, name in ((weight, "weight"), (bias, "bias")):
        if p is not None and tuple(p.shape) != (c,):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in "
                               f"input, but got {name} of shape {list(p.shape)} and input of shape {list(shape)}")
    fn = GroupNormOp(int(num_groups), eps, weight is not None, bias is not None)
    return fn(*_inputs(input, weight, bias))


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,  # noqa: A002
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """Instance normalisation: each (sample, channel) plane normalised over its own positions.

    With ``use_input_stats`` (training, or no running statistics) the statistics
    are each instance's own (``group_norm`` with one group per channel) and
    ``running_mean`` / ``running_var``, when given, are updated in place with
    their average over the batch (unbiased variance), as PyTorch does. Otherwise
    the running statistics normalise the input (as batch norm in eval mode).

    Args:
        input: (N, C, L) or (N, C, H, W) (or more spatial dims) tensor.
        running_mean, running_var: (C,) tensors or ``None``.
        weight, bias: (C,) tensors or ``None``.
        use_input_stats: normalise with the instance statistics.
        momentum: weight of the new batch in the running averages.
        eps: added to the variance.

    Example:
        >>> y = instance_norm(nerve.randn(4, 3, 16, 16))    # every y[n, c] has mean 0, variance 1
    """
    try:
        shape = input._data.shape
    except AttributeError:
        raise _not_tensor("instance_norm", input) from None
    if len(shape) < 2:
        raise ValueError(f"instance_norm: expected an input with at least 2 dims (N, C, ...), got shape "
                         f"{tuple(shape)}")
    c = shape[1]
    for t, name in ((running_mean, "running_mean"), (running_var, "running_var"),
                    (weight, "weight"), (bias, "bias")):
        _check_param(t, name, (c,), "instance_norm")
    if (running_mean is None) != (running_var is None):
        raise ValueError("running_mean and running_var must either both be None or neither be None")
    if not use_input_stats:
        if running_mean is None:
            raise RuntimeError("Expected running_mean and running_var to be defined when use_input_stats is false")
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    spatial = 1
    for s in shape[2:]:
        spatial *= s
    if spatial <= 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size {tuple(shape)}")
    fn = GroupNormOp(c, eps, weight is not None, bias is not None)
    out = fn(*_inputs(input, weight, bias))
    if running_mean is not None or running_var is not None:
        try:
            keep = 1.0 - momentum
        except TypeError:
            raise _not_number("instance_norm", "momentum", 7, momentum) from None
        if running_mean is not None:
            rm = running_mean._data
            rm *= keep
            rm += (momentum * fn.mean.mean(axis=0)).astype(rm.dtype, copy=False)
        if running_var is not None:
            rv = running_var._data
            rv *= keep
            rv += (momentum * spatial / (spatial - 1) * fn.var.mean(axis=0)).astype(rv.dtype, copy=False)
    return out
