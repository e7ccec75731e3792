"""Normalisation: ``batch_norm`` and ``layer_norm``.

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

    def backward(self, g):
        if _enabled[0]:
            return self._backward_graph(g)
        return self._backward_arrays(g)

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
        """The usual case (no create_graph): the closed form on arrays, in place where possible."""
        x, w, b = self._params()
        gd, xhat, inv_std, axes, paxes = g._data, self.xhat, self.inv_std, self.axes, self.paxes
        wd = w._data.reshape(self.pview) if w is not None else None
        gx = gw = gb = None
        t = np.multiply(gd, xhat)
        if axes == paxes:
            # batch norm: the parameters live on the kept axis, so the two sums the
            # input gradient needs are the parameters' gradients as well
            n = xhat.size // inv_std.size
            sgx = t.sum(axis=axes, keepdims=True)
            sg = gd.sum(axis=axes, keepdims=True)
            if w is not None and w.requires_grad:
                gw = _make(sgx.reshape(w._data.shape))
            if b is not None and b.requires_grad:
                gb = _make(sg.reshape(b._data.shape))
            if x.requires_grad:
                np.multiply(xhat, sgx * (1.0 / n), out=t)
                t += sg * (1.0 / n)
                np.subtract(gd, t, out=t)
                t *= inv_std * wd if wd is not None else inv_std
                gx = _make(t)
        else:
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
            xhat, inv_std = const(self.xhat), const(self.inv_std)
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
            f"(one value per {'channel' if op == 'batch_norm' else 'normalized element'})")


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
