"""``nerve.nn.functional``: activations, dropout and losses as plain functions.

Everything here is composed from the primitives in ``nerve.ops`` (each of which
carries its own backward), so none of these functions needs a backward of its
own. Names, argument order and formulas follow ``torch.nn.functional``; where
PyTorch only warns about a likely mistake (a loss target whose shape differs from
the input's), nerve raises an error that names both shapes.

Example:
    >>> import nerve.nn.functional as F
    >>> logits = nerve.randn(4, 3, requires_grad=True)
    >>> loss = F.cross_entropy(logits, nerve.tensor([0, 2, 1, 2]))
    >>> loss.backward()
"""
from __future__ import annotations

import functools
import math
import numbers
import warnings

from .. import _backend as B
from .._backend import np
from ..autograd.grad_mode import _enabled
from ..autograd.version import mark_written as _mark_written
from ..ops import elementwise as _ew
from ..ops import nn as _nn
from ..ops import nnextra as _nx
from ..ops import shape as _shape
from ..ops._util import const, float_input as _float_input, internal_overlap, norm_dim
from ..ops.index import one_hot  # noqa: F401  (re-export, PyTorch's F.one_hot)
from ..ops.linalg import linear  # noqa: F401  (re-export, PyTorch's F.linear)
from ..ops.conv import conv1d, conv2d, conv_transpose1d, conv_transpose2d, fold, unfold  # noqa: F401
from ..ops.norm import batch_norm, group_norm, instance_norm, layer_norm  # noqa: F401  (fused primitives)
from ..ops.pool import (  # noqa: F401  (fused pooling primitives)
    adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_max_pool1d, adaptive_max_pool2d, avg_pool1d, avg_pool2d,
    max_pool1d, max_pool1d_with_indices, max_pool2d, max_pool2d_with_indices, max_unpool2d,
)
from ..tensor import Tensor

__all__ = [
    "batch_norm", "layer_norm", "group_norm", "instance_norm",
    "dropout1d", "dropout2d", "dropout3d", "pixel_shuffle", "pixel_unshuffle",
    "linear", "relu", "relu_", "leaky_relu", "elu", "gelu", "sigmoid", "tanh", "softmax", "log_softmax",
    "silu", "softplus", "logsigmoid", "hardtanh", "relu6", "dropout", "one_hot", "pad",
    "mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "nll_loss", "cross_entropy", "kl_div", "cosine_similarity",
    # activations
    "softmin", "celu", "celu_", "selu", "selu_", "elu_", "leaky_relu_", "hardtanh_", "mish", "hardsigmoid",
    "hardswish", "softsign", "tanhshrink", "softshrink", "hardshrink", "threshold", "threshold_", "glu",
    "prelu", "rrelu", "rrelu_",
    # resampling, norms, distances
    "interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "normalize", "pairwise_distance",
    # losses
    "soft_margin_loss", "margin_ranking_loss", "hinge_embedding_loss", "cosine_embedding_loss",
    "triplet_margin_loss", "triplet_margin_with_distance_loss", "poisson_nll_loss", "gaussian_nll_loss",
    "multilabel_soft_margin_loss", "multi_margin_loss", "multilabel_margin_loss",
    # pooling
    "max_pool1d", "max_pool2d", "max_pool1d_with_indices", "max_pool2d_with_indices", "avg_pool1d", "avg_pool2d",
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_max_pool1d", "adaptive_max_pool2d", "max_unpool2d",
    # convolution
    "conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", "unfold", "fold",
]


# ------------------------------------------------------------------ helpers
_TORCH_TYPE = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
               "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def _float_kernel(input, kernel):  # noqa: A002
    """PyTorch has no integer/bool kernel for most activations: raise its NotImplementedError."""
    d = input._data.dtype
    if d.kind not in "fc":
        import sys
        op = sys._getframe(1).f_code.co_name       # the public function that called us
        raise NotImplementedError(
            f"{op}: needs a floating-point input (a float dtype such as float32), got a tensor of dtype {d} "
            f"and shape {tuple(input._data.shape)}; convert it with .float() "
            f"(PyTorch: \"{kernel}\" not implemented for '{_TORCH_TYPE.get(d.name, d.name)}')")
    return input


# Arguments of the wrong type: diagnosed only after a function has failed (no cost per call).
# The hot activations catch the error in their own (free) ``try``; the losses in ``_finite_loss``;
# every other public function is wrapped by ``_checks_arguments`` at the bottom of this module.
_ARG_ERRORS = (AttributeError, TypeError, ValueError)
_ARRAY_LIKE = (list, tuple, np.ndarray, np.generic, numbers.Number)
_NUMBER_ARGS = frozenset({"threshold", "value"})              # numbers without a default (F.threshold)
_INT_ARGS = frozenset({"dim", "ignore_index", "num_classes", "_stacklevel"})


def _bad_argument(fn, err, args, kwargs):
    """After ``fn(*args, **kwargs)`` raised ``err``: raise PyTorch's TypeError if an argument has
    the wrong type (an input that is not a Tensor, a number that is not a number); else return,
    and the caller re-raises ``err`` unchanged."""
    import inspect
    try:
        sig = inspect.signature(fn)
        bound = sig.bind(*args, **kwargs).arguments
    except (TypeError, ValueError):
        return
    obj = getattr(err, "obj", None) if isinstance(err, AttributeError) else None
    for pos, p in enumerate(sig.parameters.values(), 1):
        if p.name not in bound or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        v = bound[p.name]
        if isinstance(v, Tensor):
            continue
        where = "" if p.kind is p.KEYWORD_ONLY else f" (position {pos})"
        d = p.default
        if p.name in _NUMBER_ARGS or (isinstance(d, numbers.Number) and not isinstance(d, bool)):
            if not isinstance(v, (numbers.Number, np.generic)):
                want = "int" if p.name in _INT_ARGS else "Number"
                raise TypeError(f"{fn.__name__}(): argument '{p.name}'{where} must be {want}, not "
                                f"{type(v).__name__}") from None
        elif d is p.empty and (not isinstance(v, _ARRAY_LIKE) or (obj is v and obj is not None)):
            raise TypeError(f"{fn.__name__}(): argument '{p.name}'{where} must be Tensor, not "
                            f"{type(v).__name__}") from None


def _checks_arguments(fn):
    """``fn`` whose argument-type mistakes are named as PyTorch names them (see ``_bad_argument``)."""
    @functools.wraps(fn)
    def checked(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except _ARG_ERRORS as e:
            _bad_argument(fn, e, args, kwargs)
            raise
    checked._checks_arguments = True
    return checked


def _inplace(input, name, fn):  # noqa: A002
    """``inplace=True``: ``fn``'s result written into ``input`` (``Tensor._inplace``: every alias
    sees it; recorded, and version-checked, when grad is on; refused on a leaf that requires
    grad, as in PyTorch)."""
    return input._inplace(name, fn)


# -------------------------------------------------------------- activations
def relu(input, inplace=False):  # noqa: A002 - PyTorch names
    """``max(x, 0)`` elementwise (one op). The gradient at exactly 0 is 0, as in PyTorch.

    Args:
        input: any shape.
        inplace: overwrite ``input`` and return it (PyTorch's ``relu_``).
    """
    try:
        if input._data.dtype.kind == "b":
            raise RuntimeError("relu: Boolean inputs not supported for relu (dtype bool); convert with .float()")
        if inplace:
            d = input._data
            if not (input.requires_grad and _enabled[0]) and isinstance(d, np.ndarray) and d.flags.writeable \
                    and not internal_overlap(d):
                np.maximum(d, 0, out=d)      # nothing recorded: one ufunc into the storage
                input._written()
                return input
            return _inplace(input, "relu_", _ew.relu)
        return _ew.Relu()(input)
    except _ARG_ERRORS as e:
        _bad_argument(relu, e, (input, inplace), {})
        raise


relu._checks_arguments = True


def relu_(input):  # noqa: A002
    return relu(input, inplace=True)


def leaky_relu(input, negative_slope=0.01, inplace=False):  # noqa: A002
    """``x`` where ``x > 0`` else ``negative_slope * x`` (gradient ``negative_slope`` at 0, as PyTorch)."""
    try:
        if inplace:
            return _inplace(input, "leaky_relu_", lambda t: leaky_relu(t, negative_slope))
        d = _float_kernel(input, "leaky_relu_cpu")._data
        # slope + (1 - slope) * [x > 0]: arithmetic, because np.where is ~20x slower on random signs
        scale = (d > 0).astype(d.dtype)
        scale *= 1.0 - negative_slope
        scale += negative_slope
        return _ew.Mul()(input, const(scale))
    except _ARG_ERRORS as e:
        _bad_argument(leaky_relu, e, (input, negative_slope, inplace), {})
        raise


leaky_relu._checks_arguments = True


def elu(input, alpha=1.0, inplace=False):  # noqa: A002
    """``x`` where ``x > 0`` else ``alpha * (exp(x) - 1)``; gradient ``alpha`` at 0 (PyTorch's rule)."""
    try:
        _float_kernel(input, "elu_cpu")
        if inplace:
            return _inplace(input, "elu_", lambda t: elu(t, alpha))
        # relu(x) + alpha (exp(min(x, 0)) - 1): clamp keeps exp() finite and passes the gradient at 0
        return _ew.relu(input) + (_ew.exp(_ew.clamp(input, max=0.0)) - 1.0) * alpha
    except _ARG_ERRORS as e:
        _bad_argument(elu, e, (input, alpha, inplace), {})
        raise


elu._checks_arguments = True


_SQRT_HALF = 1.0 / math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


def gelu(input, approximate="none"):  # noqa: A002
    """Gaussian error linear unit: ``x * Phi(x)``.

    ``approximate='none'`` uses the exact ``0.5 * x * (1 + erf(x / sqrt(2)))``;
    ``'tanh'`` uses ``0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))``.
    """
    try:
        _float_kernel(input, "GeluKernelImpl")
        if approximate == "none":
            return input * ((_ew.erf(input * _SQRT_HALF) + 1.0) * 0.5)
        if approximate == "tanh":
            inner = (input + input * input * input * 0.044715) * _SQRT_2_OVER_PI
            return input * ((_ew.tanh(inner) + 1.0) * 0.5)
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    except _ARG_ERRORS as e:
        _bad_argument(gelu, e, (input, approximate), {})
        raise


gelu._checks_arguments = True


def sigmoid(input):  # noqa: A002
    """``1 / (1 + exp(-x))``, stable for large ``|x|``."""
    try:
        return _ew.sigmoid(input)
    except _ARG_ERRORS as e:
        _bad_argument(sigmoid, e, (input,), {})
        raise


sigmoid._checks_arguments = True


def tanh(input):  # noqa: A002
    try:
        return _ew.tanh(input)
    except _ARG_ERRORS as e:
        _bad_argument(tanh, e, (input,), {})
        raise


tanh._checks_arguments = True


def silu(input, inplace=False):  # noqa: A002
    """``x * sigmoid(x)`` (also called swish)."""
    try:
        _float_kernel(input, "silu_cpu")
        if inplace:
            return _inplace(input, "silu_", silu)
        return input * _ew.sigmoid(input)
    except _ARG_ERRORS as e:
        _bad_argument(silu, e, (input, inplace), {})
        raise


silu._checks_arguments = True


def softplus(input, beta=1.0, threshold=20.0):  # noqa: A002
    """``log(1 + exp(beta * x)) / beta``, and ``x`` itself where ``beta * x > threshold``.

    One fused op: evaluated as ``max(bx, 0) + log1p(exp(-|bx|))`` (no overflow),
    with the gradient ``sigmoid(beta * x)`` (1 in the linear region).
    """
    return _nx.Softplus(beta, threshold)(_float_kernel(input, "softplus_cpu"))


def logsigmoid(input):  # noqa: A002
    """``log(sigmoid(x)) = -softplus(-x)``: one fused op, finite value and gradient for any ``x``."""
    return _nx.LogSigmoid()(_float_kernel(input, "log_sigmoid_cpu"))


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):  # noqa: A002
    """Clamp to ``[min_val, max_val]``; the gradient is 1 strictly inside, 0 at and beyond the bounds."""
    try:
        if min_val > max_val:
            raise ValueError(f"hardtanh: min_val ({min_val}) must not be greater than max_val ({max_val})")
        d = input._data
        if d.dtype.kind == "b":
            raise RuntimeError("hardtanh: Bool inputs not supported for hardtanh; convert with .float()")
        if inplace:
            return _inplace(input, "hardtanh_", lambda t: hardtanh(t, min_val, max_val))
        if d.dtype.kind in "iu":           # integer in, integer out (no gradient), as PyTorch
            if d.dtype.kind == "u" and (min_val < 0 or max_val < 0):
                raise RuntimeError(f"hardtanh: cannot do hardtanh on an unsigned type with negative limits "
                                   f"(dtype {d.dtype}, limits [{min_val}, {max_val}])")
            return Tensor._make(np.clip(d, min_val, max_val).astype(d.dtype))
        return _nn.Hardtanh(min_val, max_val)(input)
    except _ARG_ERRORS as e:
        _bad_argument(hardtanh, e, (input, min_val, max_val, inplace), {})
        raise


hardtanh._checks_arguments = True


def relu6(input, inplace=False):  # noqa: A002
    """``min(max(x, 0), 6)``."""
    return hardtanh(input, 0.0, 6.0, inplace)


def _softmax_dim(input, dim, name, stacklevel):
    if dim is None:
        warnings.warn(
            f"Implicit dimension choice for {name} has been deprecated. "
            "Change the call to include dim=X as an argument.", stacklevel=stacklevel)
    return dim


def softmax(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
    """``exp(x) / exp(x).sum(dim)``, computed with the max shift (no overflow).

    Args:
        dim: the dimension that sums to 1. ``None`` picks PyTorch's legacy
            default (0 for 0-, 1- and 3-d input, else 1) and warns.
        dtype: cast the input to this dtype first.
    """
    try:
        if dtype is None:
            _float_kernel(input, "softmax_lastdim_kernel_impl")
        return _nn.softmax(input, _softmax_dim(input, dim, "softmax", _stacklevel), dtype)
    except _ARG_ERRORS as e:
        _bad_argument(softmax, e, (input, dim, _stacklevel, dtype), {})
        raise


softmax._checks_arguments = True


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
    """``x - logsumexp(x, dim)``: stable log-probabilities."""
    try:
        if dtype is None:
            _float_kernel(input, "log_softmax_lastdim_kernel_impl")
        return _nn.log_softmax(input, _softmax_dim(input, dim, "log_softmax", _stacklevel), dtype)
    except _ARG_ERRORS as e:
        _bad_argument(log_softmax, e, (input, dim, _stacklevel, dtype), {})
        raise


log_softmax._checks_arguments = True


def softmin(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
    """``softmax(-x, dim)``: weights that favour the smallest entries (sum to 1 along ``dim``)."""
    if input._data.dtype.kind == "b":
        raise RuntimeError("softmin: Negation, the `-` operator, on a bool tensor is not supported. If you are "
                           "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    if dtype is None:
        _float_kernel(input, "softmax_lastdim_kernel_impl")
    return _nn.softmax(-input, _softmax_dim(input, dim, "softmin", _stacklevel), dtype)


def _apply_inplace(input, inplace, name, fn):  # noqa: A002
    """``fn(input)``, or with ``inplace`` its result written into ``input`` (see ``_inplace``)."""
    return _inplace(input, name, fn) if inplace else fn(input)


def _ensure_float(input):
    return _float_input(input) if isinstance(input, Tensor) else Tensor(input)


def celu(input, alpha=1.0, inplace=False):  # noqa: A002
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``; gradient 1 at 0 (PyTorch's rule)."""
    if alpha == 0:
        raise RuntimeError("celu: ZeroDivisionError: alpha cannot be 0 for CELU")
    _float_kernel(input, "elu_cpu")
    return _apply_inplace(input, inplace, "celu_", lambda x: _ew.relu(x) + (
        _ew.exp(_ew.clamp(x, max=0.0) * (1.0 / alpha)) - 1.0) * alpha)


def celu_(input, alpha=1.0):  # noqa: A002
    return celu(input, alpha, inplace=True)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input, inplace=False):  # noqa: A002
    """``scale * (max(0, x) + min(0, alpha * (exp(x) - 1)))`` with the self-normalising constants
    ``alpha = 1.6733``, ``scale = 1.0507``; gradient ``scale * alpha`` at 0 (PyTorch's rule)."""
    _float_kernel(input, "elu_cpu")
    return _apply_inplace(input, inplace, "selu_", lambda x: _ew.relu(x) * _SELU_SCALE + (
        _ew.exp(_ew.clamp(x, max=0.0)) - 1.0) * (_SELU_SCALE * _SELU_ALPHA))


def selu_(input):  # noqa: A002
    return selu(input, inplace=True)


def elu_(input, alpha=1.0):  # noqa: A002
    return elu(input, alpha, inplace=True)


def leaky_relu_(input, negative_slope=0.01):  # noqa: A002
    return leaky_relu(input, negative_slope, inplace=True)


def hardtanh_(input, min_val=-1.0, max_val=1.0):  # noqa: A002
    return hardtanh(input, min_val, max_val, inplace=True)


def mish(input, inplace=False):  # noqa: A002
    """``x * tanh(softplus(x))`` (one fused op, finite for any ``x``)."""
    _float_kernel(input, "mish_cpu")
    return _apply_inplace(input, inplace, "mish_", _nx.Mish())


def hardsigmoid(input, inplace=False):  # noqa: A002
    """``relu6(x + 3) / 6``: 0 below -3, 1 above 3; gradient 1/6 strictly inside (-3, 3)."""
    _float_kernel(input, "hardsigmoid_cpu")
    return _apply_inplace(input, inplace, "hardsigmoid_", lambda x: _nn.Hardtanh(0.0, 6.0)(x + 3.0) * (1.0 / 6.0))


def hardswish(input, inplace=False):  # noqa: A002
    """``x * relu6(x + 3) / 6`` (MobileNetV3), one fused op; PyTorch's gradient at the kinks ``x = +-3``."""
    _float_kernel(input, "hardswish_cpu")
    return _apply_inplace(input, inplace, "hardswish_", _nx.Hardswish())


def softsign(input):  # noqa: A002
    """``x / (1 + |x|)``."""
    if input._data.dtype.kind == "b":
        raise NotImplementedError("softsign: \"abs_cpu\" not implemented for 'Bool'; convert with .float()")
    x = _ensure_float(input)
    return x / (_ew.abs(x) + 1.0)


def tanhshrink(input):  # noqa: A002
    """``x - tanh(x)``."""
    if input._data.dtype.kind == "b":
        raise RuntimeError("tanhshrink: Subtraction, the `-` operator, with a bool tensor is not supported. If you "
                           "are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    x = _ensure_float(input)
    return x - _ew.tanh(x)


def _mask_mul(x, mask, shift=None):
    """``x * mask (+ shift)`` with constant arrays: one or two ops, gradient ``mask``."""
    d = x._data
    out = _ew.Mul()(x, const(mask.astype(d.dtype)))
    if shift is not None:
        out = _ew.Add()(out, const(shift.astype(d.dtype)))
    return out


def softshrink(input, lambd=0.5):  # noqa: A002
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, else 0; gradient 0 on [-lambd, lambd]."""
    x = _float_kernel(input, "softshrink_check")
    if not lambd >= 0:
        raise RuntimeError(
            f"softshrink: lambda must be in range [0, {float(np.finfo(x._data.dtype).max):g}] for input dtype "
            f"{x._data.dtype}, but found {lambd}")
    d = x._data
    hi, lo = d > lambd, d < -lambd
    return _mask_mul(x, hi | lo, lo * float(lambd) - hi * float(lambd))


def hardshrink(input, lambd=0.5):  # noqa: A002
    """``x`` where ``|x| > lambd``, else 0."""
    x = _float_kernel(input, "hardshrink_cpu")
    d = x._data
    return _mask_mul(x, (d > lambd) | (d < -lambd))


def threshold(input, threshold, value, inplace=False):  # noqa: A002 - PyTorch names
    """``x`` where ``x > threshold``, else ``value``; gradient 0 where ``x <= threshold``."""
    d = input._data
    if d.dtype.kind == "b":
        raise NotImplementedError("threshold: \"threshold_cpu\" not implemented for 'Bool'")
    if inplace:
        return _inplace(input, "threshold_", lambda t: globals()["threshold"](t, threshold, value))
    keep = d > threshold
    return _mask_mul(input, keep, (~keep) * value) if d.dtype.kind == "f" else \
        Tensor._make(np.where(keep, d, np.asarray(value).astype(d.dtype)))


def threshold_(input, threshold, value):  # noqa: A002
    return globals()["threshold"](input, threshold, value, inplace=True)


def glu(input, dim=-1):  # noqa: A002
    """Gated linear unit: split ``input`` in halves ``a, b`` along ``dim``; ``a * sigmoid(b)``."""
    if input._data.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    ax = norm_dim(dim, input._data.ndim, "glu")[0]
    n = input._data.shape[ax]
    if n % 2:
        raise RuntimeError(
            f"glu: Halving dimension must be even, but dimension {ax} is size {n} (input shape "
            f"{tuple(input._data.shape)})")
    from ..ops.index import getitem
    x = _float_kernel(input, "glu_cpu")
    lead = (slice(None),) * ax
    a, b = getitem(x, lead + (slice(0, n // 2),)), getitem(x, lead + (slice(n // 2, n),))
    return a * _ew.sigmoid(b)


def prelu(input, weight):  # noqa: A002
    """``max(0, x) + weight * min(0, x)`` with a learnable slope per channel (dim 1) or one for all.

    Shapes: ``weight`` is 0-d or 1-D with 1 or C entries, C = ``input.shape[1]`` (1 for
    input with fewer than 2 dims). Gradient at 0 is ``weight`` (PyTorch's rule).
    """
    w = weight if isinstance(weight, Tensor) else Tensor(weight)
    if w._data.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {w._data.ndim}")
    x = input
    if x._data.dtype != w._data.dtype:
        names = [_TORCH_TYPE.get(t._data.dtype.name, t._data.dtype.name) for t in (x, w)]
        raise RuntimeError(f"prelu: Type promoting not supported. Got {names[0]} and {names[1]} (input dtype "
                           f"{x._data.dtype}, weight dtype {w._data.dtype})")
    nd = x._data.ndim
    c = x._data.shape[1] if nd >= 2 else 1
    nw = w._data.size
    if nw != 1 and nw != c:
        raise RuntimeError(
            f"prelu: Mismatch of parameter numbers and input channel size. Found parameter numbers = {nw} and "
            f"channel size = {c} (input shape {tuple(x._data.shape)})")
    if nw == 1:
        wb = _shape.reshape(w, ()) if w._data.ndim else w
    else:
        wb = _shape.reshape(w, (c,) + (1,) * (nd - 2))
    pos = x._data > 0
    dt = x._data.dtype
    return _ew.Mul()(x, const(pos.astype(dt))) + (x * const((~pos).astype(dt))) * wb


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):  # noqa: A002
    """Randomized leaky ReLU: slope ``U(lower, upper)`` per negative element when ``training``,
    else the fixed slope ``(lower + upper) / 2`` (a ``leaky_relu``)."""
    if lower > upper:
        raise RuntimeError(f"rrelu: Lower bound should be less than or equal to the upper bound, got lower={lower}, "
                           f"upper={upper}")
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace)
    x = _float_kernel(input, "leaky_relu_cpu")
    d = x._data
    slope = B.get_rng().uniform(lower, upper, d.shape).astype(d.dtype)
    scale = np.where(d > 0, np.ones((), dtype=d.dtype), slope)    # PyTorch samples a slope for x <= 0
    if not isinstance(d, np.ndarray):
        scale = B.to_device_array(scale, input.device)
    return _apply_inplace(input, inplace, "rrelu_", lambda t: _ew.Mul()(t, const(scale)))


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):  # noqa: A002
    return rrelu(input, lower, upper, training, inplace=True)


# ------------------------------------------------------------------ dropout
def dropout(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``.

    The mask comes from nerve's default generator (``nerve.manual_seed`` makes it
    reproducible). Identity when ``training`` is False or ``p == 0``.
    """
    try:
        if not isinstance(p, numbers.Real) or not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        if not training or p == 0:
            return input
        d = input._data
        if p == 1:
            scale = np.zeros((), dtype=d.dtype)
        else:
            keep = B.get_rng().random(d.shape, dtype=np.float32) >= p
            scale = keep.astype(d.dtype)
            scale *= 1.0 / (1.0 - p)
            if not isinstance(d, np.ndarray):
                scale = B.to_device_array(scale, input.device)
        return _apply_inplace(input, inplace, "dropout_", lambda t: _ew.Mul()(t, const(scale)))
    except _ARG_ERRORS as e:
        _bad_argument(dropout, e, (input, p, training, inplace), {})
        raise


dropout._checks_arguments = True


def _feature_dropout(input, p, training, inplace, batched=True):  # noqa: A002
    """PyTorch's ``feature_dropout``: whole channels (dim 1 of (N, C, ...), dim 0 of an unbatched
    input) zeroed with probability ``p``, the others scaled by ``1 / (1 - p)``; one draw per channel."""
    d = input._data
    if d.ndim < 2:
        raise RuntimeError(f"Feature dropout requires at least 2 dimensions in the input (got input of "
                           f"shape {tuple(d.shape)})")
    if not training or p == 0:
        return input
    lead = 2 if batched else 1
    mshape = d.shape[:lead] + (1,) * (d.ndim - lead)
    if p == 1:
        scale = np.zeros(mshape, dtype=d.dtype)
    else:
        scale = (B.get_rng().random(d.shape[:lead], dtype=np.float32) >= p).astype(d.dtype).reshape(mshape)
        scale *= 1.0 / (1.0 - p)
    if not isinstance(d, np.ndarray):
        scale = B.to_device_array(scale, input.device)
    return _apply_inplace(input, inplace, "feature_dropout_", lambda t: _ew.Mul()(t, const(scale)))


def _dropout_p(p):
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def dropout1d(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Zero whole channels of a (N, C, L) or (C, L) input with probability ``p``, scale the rest by
    ``1 / (1 - p)``. The mask comes from nerve's default generator (``nerve.manual_seed``).

    Example:
        >>> y = F.dropout1d(nerve.ones(4, 8, 10), 0.5)    # each y[n, c] all 0 or all 2
    """
    _dropout_p(p)
    nd = len(input.shape)
    if nd not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {nd}D input. "
            "Note that dropout1d exists to provide channel-wise dropout on inputs with 1 "
            "spatial dimension, a channel dimension, and an optional batch dimension "
            "(i.e. 2D or 3D inputs).")
    return _feature_dropout(input, p, training, inplace, batched=nd == 3)


def dropout2d(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Zero whole channels of a (N, C, H, W) input with probability ``p``, scale the rest by
    ``1 / (1 - p)`` (PyTorch's rules: a 3-D input is read as (N, C, L), with PyTorch's warning;
    other ranks warn that the form is deprecated and are treated as (N, C, ...)).

    Example:
        >>> y = F.dropout2d(nerve.ones(8, 16, 5, 5), 0.25)   # each y[n, c] all 0 or all 4/3
    """
    _dropout_p(p)
    nd = len(input.shape)
    if nd not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {nd}-D input to dropout2d, which is deprecated "
            "and will result in an error in a future release. To retain the behavior "
            "and silence this warning, please use dropout instead. Note that dropout2d "
            "exists to provide channel-wise dropout on inputs with 2 spatial dimensions, "
            "a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).", stacklevel=2)
    if nd == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise "
            "1D dropout behavior is desired - input is interpreted as shape (N, C, L), where C "
            "is the channel dim. This behavior will change in a future release to interpret the "
            "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead.", stacklevel=2)
    return _feature_dropout(input, p, training, inplace)


def dropout3d(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Zero whole channels of a (N, C, D, H, W) or (C, D, H, W) input with probability ``p``, scale
    the rest by ``1 / (1 - p)``."""
    _dropout_p(p)
    nd = len(input.shape)
    if nd not in (4, 5):
        warnings.warn(
            f"dropout3d: Received a {nd}-D input to dropout3d, which is deprecated "
            "and will result in an error in a future release. To retain the behavior "
            "and silence this warning, please use dropout instead. Note that dropout3d "
            "exists to provide channel-wise dropout on inputs with 3 spatial dimensions, "
            "a channel dimension, and an optional batch dimension (i.e. 4D or 5D inputs).", stacklevel=2)
    return _feature_dropout(input, p, training, inplace, batched=nd == 5)


def _shuffle_factor(op, name, r):
    if isinstance(r, bool) or not isinstance(r, numbers.Integral):
        raise TypeError(f"{op}(): argument '{name}' (position 2) must be int, not {type(r).__name__}")
    if r <= 0:
        raise RuntimeError(f"{op} expects a positive {name}, but got {r}")
    return int(r)


def pixel_shuffle(input, upscale_factor):  # noqa: A002
    """Rearrange (*, C*r*r, H, W) into (*, C, H*r, W*r): channel ``c*r*r + i*r + j`` goes to
    position ``(h*r + i, w*r + j)`` of output channel ``c`` (PyTorch's order).

    Example:
        >>> F.pixel_shuffle(nerve.randn(1, 9, 4, 4), 3).shape
        (1, 1, 12, 12)
    """
    r = _shuffle_factor("pixel_shuffle", "upscale_factor", upscale_factor)
    shape = tuple(input.shape)
    if len(shape) < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got input with "
                           f"{len(shape)} dimension(s)")
    *lead, c, h, w = shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the "
                           f"square of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    k = len(lead)
    x = _shape.reshape(input, (*lead, c // (r * r), r, r, h, w))
    x = _shape.permute(x, (*range(k), k, k + 3, k + 1, k + 4, k + 2))
    return _shape.reshape(x, (*lead, c // (r * r), h * r, w * r))


def pixel_unshuffle(input, downscale_factor):  # noqa: A002
    """The inverse of ``pixel_shuffle``: (*, C, H*r, W*r) into (*, C*r*r, H, W).

    Example:
        >>> F.pixel_unshuffle(nerve.randn(1, 1, 12, 12), 3).shape
        (1, 9, 4, 4)
    """
    r = _shuffle_factor("pixel_unshuffle", "downscale_factor", downscale_factor)
    shape = tuple(input.shape)
    if len(shape) < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but got input with "
                           f"{len(shape)} dimension(s)")
    *lead, c, h, w = shape
    for size, what, dim in ((h, "height", -2), (w, "width", -1)):
        if size % r:
            raise RuntimeError(f"pixel_unshuffle expects {what} to be divisible by downscale_factor, but "
                               f"input.size({dim})={size} is not divisible by {r}")
    k = len(lead)
    x = _shape.reshape(input, (*lead, c, h // r, r, w // r, r))
    x = _shape.permute(x, (*range(k), k, k + 2, k + 4, k + 1, k + 3))
    return _shape.reshape(x, (*lead, c * r * r, h // r, w // r))


def pad(input, pad, mode="constant", value=None):  # noqa: A002
    """Pad the last ``len(pad) // 2`` dims: ``pad = (left_last, right_last, left_prev, ...)``.

    Modes ``'constant'`` (fill with ``value``, default 0), ``'reflect'``, ``'replicate'``
    and ``'circular'``; negative sizes crop. See ``nerve.ops.shape.pad``.

    Example:
        >>> F.pad(nerve.randn(1, 3, 4, 4), (1, 1, 2, 2), mode="reflect").shape
        (1, 3, 8, 6)
    """
    return _shape.pad(input, pad, mode, value)


# ------------------------------------------------------------ interpolation
_INTERP_MODES = ("nearest", "linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact")
_MODE_DIMS = {"linear": 3, "bilinear": 4, "trilinear": 5, "bicubic": 4}


def _is_int(v):
    if isinstance(v, Tensor):
        return v._data.ndim == 0 and v._data.dtype.kind in "iu"
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,  # noqa: A002
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial dims of ``input`` (N, C, d1[, d2[, d3]]), as ``torch.nn.functional.interpolate``.

    Args:
        size: output spatial size (an int for all dims, or one per dim).
        scale_factor: multiplier of the spatial size (a float or one per dim); the
            output size is ``floor(in * scale)``. Unless ``recompute_scale_factor``
            is True, the source positions use ``1 / scale_factor`` itself (PyTorch's rule).
        mode: ``'nearest'`` (PyTorch's legacy ``floor(j * in / out)``), ``'nearest-exact'``
            (pixel centres), ``'linear'`` (3-D), ``'bilinear'``/``'bicubic'`` (4-D),
            ``'trilinear'`` (5-D) or ``'area'`` (adaptive average pooling).
        align_corners: for the interpolating modes: map the corner pixels' centres
            onto each other (True) or the corners' edges (False, the default).

    Gradients flow to ``input`` in every mode (a scatter-add of the output gradient).

    Example:
        >>> F.interpolate(nerve.randn(1, 3, 8, 8), scale_factor=2, mode="bilinear").shape
        (1, 3, 16, 16)
    """
    if mode not in _INTERP_MODES:
        raise NotImplementedError(f"interpolate: unknown mode; it must be one of "
                                  f"{', '.join(repr(m) for m in _INTERP_MODES)} (got {mode})")
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    nd = input._data.ndim
    dim = nd - 2
    spatial = list(input._data.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        scales = None
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(
                    "Input and output must have the same number of spatial dimensions, but got input with "
                    f"spatial dimensions of {spatial} and output size of {size}. Please provide input tensor "
                    "in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.")
            if not all(_is_int(v) for v in size):
                raise TypeError(
                    "expected size to be one of int or Tuple[int] or Tuple[int, int] or Tuple[int, int, int], "
                    f"but got size with types {[type(v) for v in size]}")
            out_size = [int(v) for v in size]
        else:
            out_size = [int(size)] * dim
    elif scale_factor is not None:
        out_size = None
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(
                    "Input and scale_factor must have the same number of spatial dimensions, but got input "
                    f"with spatial dimensions of {spatial} and scale_factor of shape {scale_factor}. Please "
                    "provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) "
                    "format.")
            scales = [float(s) for s in scale_factor]
        else:
            scales = [float(scale_factor)] * dim
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if mode == "area" and out_size is None:
        recompute_scale_factor = True
    if recompute_scale_factor:
        out_size = [int(n * s) for n, s in zip(spatial, scales)]
        scales = None
    if antialias and not (mode in ("bilinear", "bicubic") and nd == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires "
                         "a 4-D tensor as input")
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported yet")
    if mode not in _INTERP_MODES or nd not in (3, 4, 5) or _MODE_DIMS.get(mode, nd) != nd:
        want = _MODE_DIMS.get(mode)
        if mode in _INTERP_MODES and nd in (3, 4, 5):
            raise NotImplementedError(f"Got {nd}D input, but {mode} mode needs {want}D input")
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {nd}D) for the modes: nearest | "
            f"linear | bilinear | bicubic | trilinear | area | nearest-exact (got {mode})")
    if out_size is None:
        out_size = [int(float(n) * s) for n, s in zip(spatial, scales)]
    if any(o <= 0 for o in out_size) or any(n <= 0 for n in spatial):
        names = "DHW"[3 - dim:]
        ins = ", ".join(f"{c}: {n}" for c, n in zip(names, spatial))
        outs = ", ".join(f"{c}: {n}" for c, n in zip(names, out_size))
        raise RuntimeError(f"interpolate: Input and output sizes should be greater than 0, but got input ({ins}) "
                           f"and output ({outs})")
    x = input
    dt = x._data.dtype
    if mode not in ("nearest", "nearest-exact") and dt.kind != "f":
        raise NotImplementedError(f"interpolate: mode {mode!r} needs a floating point input, got dtype {dt}; "
                                  "convert it with .float()")
    for i, (n_in, n_out) in enumerate(zip(spatial, out_size)):
        s = None if scales is None else scales[i]
        ax = 2 + i
        if mode in ("nearest", "nearest-exact"):
            idx = _nx.nearest_taps(n_in, n_out, s, mode == "nearest-exact", dt, dim == 2)
            if n_in == n_out and np.array_equal(idx, np.arange(n_in)):
                continue
            x = _nx.resample(x, ax, idx)
            continue
        if mode == "area":
            idx, w = _nx.area_taps(n_in, n_out, dt)
        elif mode == "bicubic":
            idx, w = _nx.cubic_taps(n_in, n_out, align_corners, s, dt)
        else:
            idx, w = _nx.linear_taps(n_in, n_out, align_corners, s, dt)
        if n_in == n_out and np.array_equal(idx[0], np.arange(n_in)) and (w[0] == 1).all():
            continue
        x = _nx.resample(x, ax, idx, w)
    return x if x is not input else _ew.Clone()(input)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):  # noqa: A002
    """Deprecated alias of ``interpolate`` (warns, as PyTorch)."""
    warnings.warn("nn.functional.upsample is deprecated. Use nn.functional.interpolate instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):  # noqa: A002
    """Deprecated: ``interpolate(..., mode='nearest')``."""
    warnings.warn("nn.functional.upsample_nearest is deprecated. Use nn.functional.interpolate instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):  # noqa: A002
    """Deprecated: ``interpolate(..., mode='bilinear', align_corners=True)``."""
    warnings.warn("nn.functional.upsample_bilinear is deprecated. Use nn.functional.interpolate instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ------------------------------------------------------------ norms and distances
def _broadcast_pair(op, a, b, floats_only=False):
    """Two operands as tensors of one float dtype and one (broadcast) shape, or PyTorch's error."""
    from ..ops._util import lift_pair
    a, b = lift_pair(a, b)
    if floats_only and a._data.dtype.kind not in "fc":
        raise RuntimeError(f"{op}: expected common dtype to be floating point, yet common dtype is "
                           f"{_TORCH_TYPE.get(a._data.dtype.name, a._data.dtype.name)}")
    sa, sb = a._data.shape, b._data.shape
    try:
        shape = np.broadcast_shapes(sa, sb)
    except ValueError:
        raise RuntimeError(f"{op}: the shapes {tuple(sa)} and {tuple(sb)} do not broadcast (the size of each "
                           "dimension must match or be 1)") from None
    a, b = _float_input(a), _float_input(b)
    return _shape.expand(a, shape), _shape.expand(b, shape)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):  # noqa: A002
    """``input / max(||input||_p, eps)`` along ``dim`` (rows of unit p-norm for the default dim=1).

    Example:
        >>> F.normalize(nerve.tensor([[3.0, 4.0]])).tolist()
        [[0.6000000238418579, 0.800000011920929]]
    """
    x = input
    if x._data.dtype.kind not in "fc":
        raise RuntimeError(f"normalize: linalg.vector_norm: Expected a floating point or complex tensor as input. "
                           f"Got {_TORCH_TYPE.get(x._data.dtype.name, x._data.dtype.name)}")
    denom = _ew.clamp(_nx.vector_norm(x, p, dim, keepdim=True), min=eps)
    res = x / denom
    if out is None:
        return res
    out._data[...] = res._data
    _mark_written(out._data)
    return out


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """``||x1 - x2 + eps||_p`` over the last dim (inputs broadcast), as ``torch.pairwise_distance``."""
    from ..ops._util import lift_pair
    a, b = lift_pair(x1, x2)
    a, b = _float_input(a), _float_input(b)
    nd = max(a._data.ndim, b._data.ndim)
    try:
        diff = a - b + eps
    except (ValueError, RuntimeError):
        raise RuntimeError(f"pairwise_distance: the shapes {tuple(a._data.shape)} and {tuple(b._data.shape)} "
                           "do not broadcast") from None
    return _nx.vector_norm(diff, p, nd - 1 if nd else None, keepdim)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """``sum(x1 * x2, dim) / (max(||x1||, eps) * max(||x2||, eps))`` (inputs broadcast).

    As in PyTorch, each input is divided by its own (clamped) norm before the dot
    product, and the clamp is invisible to autograd (the gradient of the norm
    flows even where the clamp applies), so zero vectors give finite gradients.
    """
    a, b = _broadcast_pair("cosine_similarity", x1, x2, floats_only=True)

    def unit(v):
        n = _nx.vector_norm(v, 2.0, dim, keepdim=True)
        nd = n._data
        bump = np.maximum(nd, np.asarray(eps, dtype=nd.dtype)) - nd   # clamp_min under no_grad
        return v / (n + const(bump)) if (bump != 0).any() else v / n
    return (unit(a) * unit(b)).sum(dim)


# ------------------------------------------------------------- loss helpers
_REDUCTIONS = ("mean", "sum", "none")


def _reduction(op, reduction, size_average=None, reduce=None, allowed=_REDUCTIONS):
    """Validate ``reduction``; map PyTorch's deprecated ``size_average``/``reduce`` onto it."""
    if size_average is not None or reduce is not None:
        warnings.warn("size_average and reduce args will be deprecated, please use reduction="
                      f"{'mean' if (size_average is None or size_average) else 'sum'!r} instead.",
                      stacklevel=3)
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = ("mean" if size_average else "sum") if reduce else "none"
    if reduction not in allowed:
        raise ValueError(
            f"{op}: reduction must be one of {', '.join(repr(r) for r in allowed)}, got {reduction!r}")
    return reduction


def _finite_loss(fn):
    """Raise a clear error when a reduced loss is NaN or infinite.

    Checking the scalar result costs nothing per call; only when it is not finite
    are the input and target scanned, and the error names which of them holds NaN
    or Inf. A non-finite loss from finite data is returned as PyTorch returns it
    (e.g. NaN when every target is ``ignore_index``), and unreduced losses
    (``reduction='none'``) are returned as they are.
    """
    name = fn.__name__

    @functools.wraps(fn)
    def checked(input, target, *args, **kwargs):  # noqa: A002
        try:
            out = fn(input, target, *args, **kwargs)
        except _ARG_ERRORS as e:
            _bad_argument(fn, e, (input, target) + args, kwargs)
            raise
        d = out._data
        if d.ndim == 0 and not math.isfinite(d.item()):
            why = _nonfinite_inputs(input, target)
            if why:
                raise FloatingPointError(
                    f"{name}: the loss is {d.item()} because {why}. NaN usually comes from a learning rate "
                    "that is too high or from bad data; in fit(), nerve.keras.callbacks.TerminateOnNaN stops "
                    "training instead.")
        return out
    checked._checks_arguments = True
    return checked


def _nonfinite_inputs(input, target):  # noqa: A002
    parts = []
    for what, t in (("input", input), ("target", target)):
        a = t._data if isinstance(t, Tensor) else np.asarray(t)
        if a.dtype.kind == "f":
            n_nan, n_inf = int(np.isnan(a).sum()), int(np.isinf(a).sum())
            if n_nan or n_inf:
                parts.append(f"{what} (shape {tuple(a.shape)}) contains {n_nan} NaN and {n_inf} infinite values")
    return "; ".join(parts)


def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _target(op, input, target, what="target"):
    """Lift ``target`` to a tensor, check that its shape equals the input's, match float dtypes."""
    if not isinstance(target, Tensor):
        target = Tensor(target)
    if target._data.shape != input._data.shape:
        raise ValueError(
            f"{op}: {what} shape {tuple(target._data.shape)} does not match input shape "
            f"{tuple(input._data.shape)}; they must be equal (nerve does not broadcast loss targets). "
            "Reshape one of them, e.g. target.view(input.shape) or input.squeeze(-1)")
    dt = input._data.dtype
    if target._data.dtype != dt and dt.kind == "f":
        target = target.to(dt)
    return target


def _elem_weight(op, input, weight):
    """The per-element ``weight`` of mse/l1/huber: a tensor with the input's shape (PyTorch's rule)."""
    if not isinstance(weight, Tensor):
        weight = Tensor(weight)
    if weight._data.shape != input._data.shape:
        raise ValueError(
            f"{op}: weight shape {tuple(weight._data.shape)} must equal input shape {tuple(input._data.shape)}")
    return weight


def _weighted(loss, weight, reduction, mean_by_weight):
    loss = loss * weight
    if reduction == "mean":
        return loss.sum() / weight.sum() if mean_by_weight else loss.mean()
    return _reduce(loss, reduction)


# ------------------------------------------------------------ regression losses
@_finite_loss
def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):  # noqa: A002
    """Mean squared error ``(input - target) ** 2``, reduced.

    Shapes: ``input`` and ``target`` must have the same shape (``ValueError`` otherwise).
    With ``weight`` (same shape), ``'mean'`` is ``sum(w * l) / sum(w)`` as in PyTorch.
    """
    reduction = _reduction("mse_loss", reduction, size_average, reduce)
    target = _target("mse_loss", input, target)
    loss = _ew.square(input - target)
    if weight is not None:
        return _weighted(loss, _elem_weight("mse_loss", input, weight), reduction, True)
    return _reduce(loss, reduction)


@_finite_loss
def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):  # noqa: A002
    """Mean absolute error ``|input - target|``, reduced (same-shape inputs)."""
    reduction = _reduction("l1_loss", reduction, size_average, reduce)
    target = _target("l1_loss", input, target)
    loss = _ew.abs(input - target)
    if weight is not None:
        return _weighted(loss, _elem_weight("l1_loss", input, weight), reduction, True)
    return _reduce(loss, reduction)


def _huber(input, target, delta):
    """``0.5 d^2`` for ``|d| < delta``, else ``delta (|d| - delta/2)``, with ``d = input - target``."""
    ad = _ew.abs(input - target)
    q = _ew.clamp(ad, max=delta)
    return q * (ad - q * 0.5)       # = 0.5 d^2 inside, delta (|d| - delta / 2) outside


@_finite_loss
def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):  # noqa: A002
    """Huber loss: quadratic within ``delta`` of the target, linear beyond.

    With ``weight`` (same shape as input), ``'mean'`` is ``mean(w * l)`` (PyTorch's rule).
    """
    reduction = _reduction("huber_loss", reduction)
    if delta <= 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta}")
    target = _target("huber_loss", input, target)
    loss = _huber(input, target, delta)
    if weight is not None:
        return _weighted(loss, _elem_weight("huber_loss", input, weight), reduction, False)
    return _reduce(loss, reduction)


@_finite_loss
def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):  # noqa: A002
    """Smooth L1: ``0.5 d^2 / beta`` for ``|d| < beta``, else ``|d| - beta/2`` (``huber / beta``)."""
    reduction = _reduction("smooth_l1_loss", reduction, size_average, reduce)
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be non-negative, got {beta}")
    target = _target("smooth_l1_loss", input, target)
    if beta == 0:
        return _reduce(_ew.abs(input - target), reduction)
    loss = _huber(input, target, beta)
    return _reduce(loss * (1.0 / beta) if beta != 1 else loss, reduction)


# ---------------------------------------------------------------- binary losses
def _broadcast_weight(op, name, weight, input):
    """A constant (no-gradient) weight that broadcasts to the input, as PyTorch requires."""
    w = weight._data if isinstance(weight, Tensor) else np.asarray(weight)
    try:
        fits = np.broadcast_shapes(w.shape, input._data.shape) == input._data.shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(
            f"{op}: {name} of shape {tuple(w.shape)} does not broadcast to the input shape "
            f"{tuple(input._data.shape)}")
    return w.astype(input._data.dtype, copy=False)


@_finite_loss
def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,  # noqa: A002
                         reduction="mean"):
    """``-(y log p + (1 - y) log(1 - p))`` for probabilities ``p`` in [0, 1].

    Each log is clamped at -100 as in PyTorch, so ``p`` exactly 0 or 1 gives a
    finite loss. For raw scores (logits) use ``binary_cross_entropy_with_logits``,
    which is numerically stabler.

    Shapes: ``input`` and ``target`` equal; ``weight`` broadcasts to them.
    """
    reduction = _reduction("binary_cross_entropy", reduction, size_average, reduce)
    target = _target("binary_cross_entropy", input, target)
    # PyTorch checks both sides (NaN fails the check too: min/max propagate it)
    d = input._data
    if d.size and not (d.min() >= 0 and d.max() <= 1):
        raise RuntimeError(
            f"binary_cross_entropy: all elements of input should be between 0 and 1 (probabilities in [0, 1]), "
            f"got values in [{float(np.nanmin(d)) if not np.isnan(d).all() else float('nan'):.4g}, "
            f"{float(np.nanmax(d)) if not np.isnan(d).all() else float('nan'):.4g}]"
            f"{' and NaN' if np.isnan(d).any() else ''}. If these are logits (raw scores), use "
            "binary_cross_entropy_with_logits / nn.BCEWithLogitsLoss, or apply sigmoid() first")
    t = target._data
    if t.size and not (t.min() >= 0 and t.max() <= 1):
        raise RuntimeError(
            "binary_cross_entropy: all elements of target should be between 0 and 1, got values in "
            f"[{float(np.nanmin(t)) if not np.isnan(t).all() else float('nan'):.4g}, "
            f"{float(np.nanmax(t)) if not np.isnan(t).all() else float('nan'):.4g}]"
            f"{' and NaN' if np.isnan(t).any() else ''}; for -1/1 labels use (target + 1) / 2")
    loss = _nn.BinaryCrossEntropy()(input, target)
    if weight is not None:
        loss = loss * const(_broadcast_weight("binary_cross_entropy", "weight", weight, input))
    return _reduce(loss, reduction)


@_finite_loss
def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,  # noqa: A002
                                     reduction="mean", pos_weight=None):
    """Sigmoid + binary cross-entropy in one stable formula.

    ``loss = (1 - y) x + (1 + (pos_weight - 1) y) * log(1 + exp(-x))``, evaluated as
    ``max(-x, 0) + log1p(exp(-|x|))`` so logits of any size give finite values.

    Shapes: ``input`` and ``target`` equal; ``weight`` broadcasts to them;
    ``pos_weight`` broadcasts along the last (class) dimension, e.g. shape (C,).
    """
    op = "binary_cross_entropy_with_logits"
    reduction = _reduction(op, reduction, size_average, reduce)
    target = _target(op, input, target)
    pw = None if pos_weight is None else _broadcast_weight(op, "pos_weight", pos_weight, input)
    loss = _nn.BinaryCrossEntropyWithLogits(pw)(input, target)
    if weight is not None:
        loss = loss * const(_broadcast_weight(op, "weight", weight, input))
    return _reduce(loss, reduction)


# ----------------------------------------------------------- class-index losses
def _class_weight(op, weight, c):
    w = weight._data if isinstance(weight, Tensor) else np.asarray(weight)
    if w.shape != (c,):
        raise ValueError(
            f"{op}: weight must have one entry per class, shape ({c},), got {tuple(w.shape)}")
    return w


def _flat_classes(op, input, target):
    """Lay ``input`` out as (M, C) rows and ``target`` as M class indices.

    Accepts input (C,) with a 0-d target, (N, C) with (N,), and (N, C, d1, ...)
    with (N, d1, ...). Returns the (M, C) tensor, the raw index array and the
    target shape (for ``reduction='none'``).
    """
    if not isinstance(target, Tensor):
        target = Tensor(target)
    t = target._data
    shape = input._data.shape
    if input._data.ndim == 0:
        raise ValueError(f"{op}: input must have a class dimension, got a 0-d tensor")
    if t.dtype.kind not in "iu":
        raise TypeError(
            f"{op}: class-index target must have an integer dtype (int64), got {t.dtype}; "
            "convert it with target.long()")
    expected = () if len(shape) == 1 else (shape[0],) + shape[2:]
    if t.shape != expected:
        raise ValueError(
            f"{op}: target shape {tuple(t.shape)} does not fit input shape {tuple(shape)}: "
            f"expected class indices of shape {expected} (the input's shape without the class "
            f"dimension {1 if len(shape) > 1 else 0}, C={shape[1] if len(shape) > 1 else shape[0]})")
    if len(shape) == 2:
        return input, t, t.shape
    if len(shape) == 1:
        return _shape.reshape(input, (1, shape[0])), t.reshape(1), t.shape
    moved = _shape.movedim(input, 1, -1)
    return _shape.reshape(moved, (-1, shape[1])), t.reshape(-1), t.shape


def _nll(op, logp2, t, weight, ignore_index, reduction):
    """``nll_loss_2d`` with the op's name in its out-of-range error."""
    try:
        return _nn.nll_loss_2d(logp2, t, None if weight is None else const(weight), ignore_index, reduction)
    except IndexError as e:
        if op == "nll_loss":
            raise
        raise IndexError(str(e).replace("nll_loss", op, 1)) from None


@_finite_loss
def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,  # noqa: A002
             reduction="mean"):
    """Negative log-likelihood: ``-input[n, target[n]]`` (times ``weight[target[n]]``), reduced.

    ``input`` holds log-probabilities. Shapes: (N, C) with target (N,); (C,) with a
    0-d target; (N, C, d1, ...) with target (N, d1, ...). ``'mean'`` divides by the
    summed weights of the non-ignored targets. Targets equal to ``ignore_index``
    contribute nothing.
    """
    reduction = _reduction("nll_loss", reduction, size_average, reduce)
    logp2, t, tshape = _flat_classes("nll_loss", input, target)
    w = None if weight is None else _class_weight("nll_loss", weight, logp2._data.shape[1])
    out = _nll("nll_loss", logp2, t, w, ignore_index, reduction)
    if reduction == "none" and out._data.shape != tshape:
        out = _shape.reshape(out, tshape)
    return out


@_finite_loss
def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,  # noqa: A002
                  reduction="mean", label_smoothing=0.0):
    """Cross-entropy between logits and class indices or class probabilities.

    ``log_softmax`` over the class dimension (dim 1, or 0 for unbatched input)
    followed by ``nll_loss``. The target is read as:

    * class indices (integer dtype) of shape (N,), (N, d1, ...) or () for input
      (N, C), (N, C, d1, ...) or (C,);
    * class probabilities (floating dtype) with exactly the input's shape.

    ``label_smoothing`` mixes the target with the uniform distribution:
    ``(1 - eps) * nll + eps / C * sum_c w_c * (-log p_c)``; with class indices,
    ``weight`` and ``'mean'``, the smoothing term is divided by the same summed
    target weights as the NLL term (PyTorch's formula).

    Example:
        >>> F.cross_entropy(nerve.randn(8, 5), nerve.randint(0, 5, (8,)), label_smoothing=0.1)
    """
    op = "cross_entropy"
    reduction = _reduction(op, reduction, size_average, reduce)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{op}: label_smoothing must be in [0, 1], got {label_smoothing}")
    if not isinstance(target, Tensor):
        target = Tensor(target)
    shape, tshape = input._data.shape, target._data.shape
    if input._data.ndim == 0:
        raise ValueError(f"{op}: input must have a class dimension, got a 0-d tensor")
    cdim = 1 if input._data.ndim > 1 else 0
    c = shape[cdim]
    tkind = target._data.dtype.kind
    if tshape == shape:
        if tkind != "f":
            raise TypeError(
                f"{op}: target has the input's shape {tuple(shape)}, so it is read as class "
                f"probabilities, which must be floating point; got {target._data.dtype}. For a one-hot "
                f"target use target.float(); for class indices pass shape {tuple(shape[:cdim] + shape[cdim + 1:])}")
        return _cross_entropy_probs(input, target, weight, ignore_index, reduction, label_smoothing, cdim)
    if tkind == "f":
        if target._data.ndim == input._data.ndim:
            raise ValueError(
                f"{op}: class-probability target shape {tuple(tshape)} does not match input shape "
                f"{tuple(shape)} ({c} classes); a probability (or one-hot) target needs exactly the "
                "input's shape")
        raise TypeError(
            f"{op}: class-index target must have dtype int64, got {target._data.dtype} (shape "
            f"{tuple(tshape)}); convert it with target.long(), or pass class probabilities with the "
            f"input's shape {tuple(shape)}")

    try:
        logp = _nn.LogSoftmax(cdim)(input)
    except TypeError:
        _int_logits(op, input)
        raise
    logp2, t, out_shape = _flat_classes(op, logp, target)
    w = None if weight is None else _class_weight(op, weight, c)
    nll = _nll(op, logp2, t, w, ignore_index, reduction)
    if reduction == "none" and nll._data.shape != out_shape:
        nll = _shape.reshape(nll, out_shape)
    if label_smoothing == 0:
        return nll

    # smoothing term: -sum_c w_c log p_c per row, zero for ignored rows
    dt = logp2._data.dtype
    smooth = logp2 * const(w.astype(dt, copy=False)) if w is not None else logp2
    smooth = -smooth.sum(1)
    valid = None
    if ignore_index is not None:
        ign = t == ignore_index
        if ign.any():
            valid = ~ign
            smooth = smooth * const(valid.astype(dt))
    if reduction == "none":
        if smooth._data.shape != out_shape:
            smooth = _shape.reshape(smooth, out_shape)
    elif reduction == "sum":
        smooth = smooth.sum()
    else:
        tv = t if valid is None else t[valid]
        denom = float(w[tv].sum()) if w is not None else float(tv.size)
        smooth = smooth.sum() * (1.0 / denom if denom else float("nan"))
    return nll * (1.0 - label_smoothing) + smooth * (label_smoothing / c)


def _int_logits(op, input):  # noqa: A002
    """Integer logits: PyTorch's NotImplementedError (called once log-softmax has failed)."""
    d = input._data.dtype
    if d.kind not in "fc":
        raise NotImplementedError(
            f"{op}: needs floating-point logits, got a tensor of dtype {d} and shape {tuple(input._data.shape)}; "
            f"convert it with .float() (PyTorch: \"log_softmax_lastdim_kernel_impl\" not implemented for "
            f"'{_TORCH_TYPE.get(d.name, d.name)}')") from None


def _cross_entropy_probs(input, target, weight, ignore_index, reduction, label_smoothing, cdim):
    """Cross-entropy against class probabilities (``target`` has the input's shape)."""
    op = "cross_entropy"
    if ignore_index is not None and ignore_index >= 0:
        raise ValueError(
            f"{op}: ignore_index ({ignore_index}) is not supported with class-probability targets; "
            "zero the rows' probabilities or weights instead")
    shape = input._data.shape
    c = shape[cdim]
    dt = input._data.dtype
    if target._data.dtype != dt:
        target = target.to(dt)
    try:
        logp = _nn.LogSoftmax(cdim)(input)
    except TypeError:
        _int_logits(op, input)
        raise
    if label_smoothing > 0:
        target = target * (1.0 - label_smoothing) + label_smoothing / c
    prod = logp * target
    if weight is not None:
        w = _class_weight(op, weight, c).astype(dt, copy=False)
        prod = prod * const(w.reshape((c,) + (1,) * (len(shape) - cdim - 1)))
    if reduction == "none":
        return -prod.sum(cdim)
    total = prod.sum()
    if reduction == "sum":
        return -total
    rows = input._data.size // c if c else 0
    return total * (-1.0 / rows if rows else float("nan"))


# ------------------------------------------------------------------- others
@_finite_loss
def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):  # noqa: A002
    """Kullback-Leibler divergence ``target * (log target - input)``; ``input`` holds log-probabilities.

    ``reduction='batchmean'`` (sum / batch size) gives the true KL divergence;
    ``'mean'`` averages over every element, as PyTorch does.
    """
    if reduction == "mean" and size_average is None and reduce is None:
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support size."
            "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
            "'mean' will be changed to behave the same as 'batchmean' in the next major release.", stacklevel=3)
    reduction = _reduction("kl_div", reduction, size_average, reduce,
                           allowed=("mean", "batchmean", "sum", "none"))
    target = _target("kl_div", input, target)
    if log_target:
        loss = _ew.exp(target) * (target - input)
    else:
        # xlogy(t, t): 0 where t == 0 (log of 1 there); negative t gives NaN, as in PyTorch
        zero = (target._data == 0).astype(target._data.dtype)
        loss = target * (_ew.log(target + const(zero)) - input)
    if reduction == "batchmean":
        n = input._data.shape[0] if input._data.ndim else 1
        return loss.sum() * (1.0 / n)
    return _reduce(loss, reduction)



# ------------------------------------------------------------ margin and embedding losses
def _as_tensor(t):
    return t if isinstance(t, Tensor) else Tensor(t)


def _bshape(op, *tensors):
    try:
        return np.broadcast_shapes(*(t._data.shape for t in tensors))
    except ValueError:
        raise RuntimeError(f"{op}: the shapes {', '.join(str(tuple(t._data.shape)) for t in tensors)} do not "
                           "broadcast (the size of each dimension must match or be 1)") from None


def _softplus_stable(x):
    """``log(1 + exp(x))`` for any ``x`` (no linear threshold), gradient ``sigmoid(x)``."""
    return _nx.Softplus(1.0, None)(x)


@_finite_loss
def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    """Two-class logistic loss ``log(1 + exp(-y x))`` for targets ``y`` in {1, -1}.

    Shapes: ``target`` broadcasts to the input's shape (the loss has the input's shape).
    """
    reduction = _reduction("soft_margin_loss", reduction, size_average, reduce)
    target = _as_tensor(target)
    shape = _bshape("soft_margin_loss", input, target)
    if shape != input._data.shape:
        raise RuntimeError(f"soft_margin_loss: output with shape {list(input._data.shape)} doesn't match the "
                           f"broadcast shape {list(shape)} (target shape {tuple(target._data.shape)})")
    x = _ensure_float(input)
    return _reduce(_softplus_stable(-(x * target)), reduction)


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,  # noqa: A002
                        reduction="mean"):
    """``max(0, -y (x1 - x2) + margin)``: ``y = 1`` asks for ``x1 > x2``, ``y = -1`` for ``x2 > x1``."""
    reduction = _reduction("margin_ranking_loss", reduction, size_average, reduce)
    target = _as_tensor(target)
    d1, d2, dt_ = input1._data.ndim, input2._data.ndim, target._data.ndim
    if d1 != d2 or d1 != dt_:
        raise RuntimeError(
            "margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: "
            f"{tuple(input1._data.shape)}, input2: {tuple(input2._data.shape)}, target: {tuple(target._data.shape)}")
    _bshape("margin_ranking_loss", input1, input2, target)
    loss = _ew.clamp(-target * (input1 - input2) + margin, min=0.0)
    return _reduce(loss, reduction)


@_finite_loss
def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    """``x`` where ``y = 1``, ``max(0, margin - x)`` where ``y = -1`` (``x`` often a distance)."""
    reduction = _reduction("hinge_embedding_loss", reduction, size_average, reduce)
    target = _as_tensor(target)
    _bshape("hinge_embedding_loss", input, target)
    x = _ensure_float(input)
    t = target._data
    zero = const(np.zeros((), dtype=x._data.dtype))
    margin_part = _ew.Where(t != 1)(_ew.clamp(-x + margin, min=0.0), zero)
    self_part = _ew.Where(t != -1)(x, zero)
    return _reduce(margin_part + self_part, reduction)


_COSINE_EPS = 1e-12


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,  # noqa: A002
                          reduction="mean"):
    """``1 - cos(x1, x2)`` where ``y = 1``, ``max(0, cos(x1, x2) - margin)`` where ``y = -1``.

    Shapes: inputs (N, D) with target (N,), or inputs (D,) with a 0-d target.
    """
    reduction = _reduction("cosine_embedding_loss", reduction, size_average, reduce)
    target = _as_tensor(target)
    td = target._data.ndim
    s1, s2 = tuple(input1._data.shape), tuple(input2._data.shape)
    if td not in (0, 1):
        raise RuntimeError("cosine_embedding_loss: 0D or 1D target tensor expected, multi-target not supported, "
                           f"got target of shape {tuple(target._data.shape)}")
    if td == 1 and (len(s1) != 2 or len(s2) != 2):
        raise RuntimeError(f"cosine_embedding_loss: 1D target tensor expects 2D input tensors, but found inputs "
                           f"with sizes {list(s1)} and {list(s2)}.")
    if td == 0 and (len(s1) != 1 or len(s2) != 1):
        raise RuntimeError(f"cosine_embedding_loss: 0D target tensor expects 1D input tensors, but found inputs "
                           f"with sizes {list(s1)} and {list(s2)}.")
    a, b = _broadcast_pair("cosine_embedding_loss", input1, input2)
    prod = (a * b).sum(td)
    m1 = (a * a).sum(td) + _COSINE_EPS
    m2 = (b * b).sum(td) + _COSINE_EPS
    cos = prod / _ew.sqrt(m1 * m2)
    t = target._data
    _bshape("cosine_embedding_loss", cos, target)
    zero = const(np.zeros((), dtype=cos._data.dtype))
    loss = _ew.Where(t == 1)(1.0 - cos, zero) + _ew.Where(t == -1)(_ew.clamp(cos - margin, min=0.0), zero)
    return _reduce(loss, reduction)


def _triplet(anchor, positive, negative, dist, margin, swap, reduction, op):
    a_d, p_d, n_d = anchor._data.ndim, positive._data.ndim, negative._data.ndim
    if not (a_d == p_d == n_d):
        raise RuntimeError(
            f"{op}: The anchor, positive, and negative tensors are expected to have the same number of "
            f"dimensions, but got: anchor {a_d}D, positive {p_d}D, and negative {n_d}D inputs")
    d_pos = dist(anchor, positive)
    d_neg = dist(anchor, negative)
    if swap:
        d_neg = _ew.minimum(d_neg, dist(positive, negative))
    return _reduce(_ew.clamp(d_pos - d_neg + margin, min=0.0), reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    """``max(0, d(a, p) - d(a, n) + margin)`` with ``d`` the ``pairwise_distance`` (p-norm).

    ``swap=True`` uses ``min(d(a, n), d(p, n))`` as the negative distance.
    Shapes: (N, D) or (D,) for all three.
    """
    reduction = _reduction("triplet_margin_loss", reduction, size_average, reduce)
    if margin <= 0:
        raise ValueError(f"triplet_margin_loss: margin must be greater than 0, got {margin}")
    return _triplet(anchor, positive, negative, lambda u, v: pairwise_distance(u, v, p, eps), margin, swap,
                    reduction, "triplet_margin_loss")


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0,
                                      swap=False, reduction="mean"):
    """The triplet loss with any ``distance_function(x1, x2)`` (default ``pairwise_distance``)."""
    op = "triplet_margin_with_distance_loss"
    if margin <= 0:
        raise ValueError(f"{op}: expected margin to be greater than 0, got {margin} instead")
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{op}: {reduction} is not a valid value for reduction")
    dist = pairwise_distance if distance_function is None else distance_function
    return _triplet(anchor, positive, negative, dist, margin, swap, reduction, op)


# ------------------------------------------------------------ likelihood losses
@_finite_loss
def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,  # noqa: A002
                     reduce=None, reduction="mean"):
    """Poisson negative log-likelihood: ``exp(x) - y x`` (``log_input``) or ``x - y log(x + eps)``.

    ``full=True`` adds Stirling's approximation ``y log y - y + 0.5 log(2 pi y)`` of
    ``log(y!)`` for targets above 1. Shapes broadcast.
    """
    reduction = _reduction("poisson_nll_loss", reduction, size_average, reduce)
    target = _as_tensor(target)
    _bshape("poisson_nll_loss", input, target)
    x = _ensure_float(input)
    y = target if target._data.dtype == x._data.dtype else target.to(x._data.dtype)
    if log_input:
        loss = _ew.exp(x) - y * x
    else:
        loss = x - y * _ew.log(x + eps)
    if full:
        small = y._data <= 1
        ys = _ew.Where(small)(const(np.full((), 2.0, dtype=y._data.dtype)), y) if small.any() else y
        stirling = ys * _ew.log(ys) - ys + _ew.log(ys * (2 * math.pi)) * 0.5
        if small.any():
            stirling = _ew.Where(small)(const(np.zeros((), dtype=y._data.dtype)), stirling)
        loss = loss + stirling
    return _reduce(loss, reduction)


@_finite_loss
def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):  # noqa: A002
    """Gaussian negative log-likelihood ``0.5 (log var + (x - y)^2 / var)`` (+ ``0.5 log 2 pi`` if ``full``).

    ``var`` has the input's shape (heteroscedastic), or one dim fewer / one dim of
    size 1 (homoscedastic), or is a float. It is clamped at ``eps`` for stability,
    and, as in PyTorch, the clamp does not stop its gradient.
    """
    x = _ensure_float(input)
    if isinstance(var, numbers.Real) and not isinstance(var, Tensor):
        if var < 0:
            raise ValueError("gaussian_nll_loss: var has negative entry/entries")
        var = const(np.full(x._data.shape, var, dtype=x._data.dtype))
    else:
        var = _as_tensor(var)
        if (var._data < 0).any():
            raise ValueError("gaussian_nll_loss: var has negative entry/entries")
    vs, xs = tuple(var._data.shape), tuple(x._data.shape)
    if vs != xs:
        if xs[:-1] == vs:
            var = _shape.unsqueeze(var, -1)
        elif not (len(xs) == len(vs) and sum(v for a, v in zip(xs, vs) if a != v) == 1):
            raise ValueError(f"gaussian_nll_loss: var is of incorrect size: var shape {vs} for input shape {xs}; "
                             "expected the input's shape, the input's shape without its last dim, or one dim of "
                             "size 1")
    if reduction not in _REDUCTIONS:
        raise ValueError(f"gaussian_nll_loss: {reduction} is not valid")
    target = _as_tensor(target)
    vd = var._data
    bump = np.maximum(vd, np.asarray(eps, dtype=vd.dtype)) - vd           # clamp_ under no_grad
    if (bump != 0).any():
        var = var + const(bump)
    loss = (_ew.log(var) + _ew.square(x - target) / var) * 0.5
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


# ------------------------------------------------------------ multi-class / multi-label margins
@_finite_loss
def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,  # noqa: A002
                                reduction="mean"):
    """Per-class logistic loss averaged over classes: ``-mean_c [y log s(x) + (1 - y) log s(-x)]``.

    Shapes: input (N, C), target (N, C) with 0/1 entries; ``weight`` (C,) per class.
    The unreduced loss has shape (N,).
    """
    if size_average is not None or reduce is not None:
        reduction = _reduction("multilabel_soft_margin_loss", reduction, size_average, reduce)
    x = _ensure_float(input)
    target = _as_tensor(target)
    _bshape("multilabel_soft_margin_loss", x, target)
    loss = -(target * _nx.LogSigmoid()(x) + (1.0 - target) * _nx.LogSigmoid()(-x))
    if weight is not None:
        loss = loss * (weight if isinstance(weight, Tensor) else const(np.asarray(weight, dtype=x._data.dtype)))
    cdim = x._data.ndim - 1
    c = x._data.shape[cdim] if x._data.ndim else 1
    loss = loss.sum(cdim) * (1.0 / c) if x._data.ndim else loss
    if reduction not in _REDUCTIONS:
        raise ValueError(f"multilabel_soft_margin_loss: {reduction} is not valid")
    return _reduce(loss, reduction)


def _class_rows(op, input, target):
    """``input`` as (N, C) rows and integer ``target`` as (N,) for the margin losses."""
    target = _as_tensor(target)
    shape = input._data.shape
    if input._data.ndim not in (1, 2) or (input._data.ndim == 1 and shape[0] == 0) or \
            (input._data.ndim == 2 and shape[1] == 0):
        raise RuntimeError(f"{op}: Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{list(shape)}")
    if target._data.dtype.kind not in "iu":
        raise RuntimeError(f"{op}: expected scalar type Long but found {target._data.dtype} for the target; "
                           "convert it with target.long()")
    return target


@_finite_loss
def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,  # noqa: A002
                      reduction="mean"):
    """Multi-class hinge loss ``sum_{i != y} max(0, margin - x[y] + x[i])^p / C`` (times ``weight[y]``).

    Shapes: input (N, C) with target (N,), or (C,) with a 0-d target; ``weight`` (C,).
    """
    reduction = _reduction("multi_margin_loss", reduction, size_average, reduce)
    if p not in (1, 2):
        raise ValueError("multi_margin_loss: only p == 1 and p == 2 supported")
    if weight is not None:
        weight = _as_tensor(weight)
        if weight._data.ndim != 1:
            raise ValueError("multi_margin_loss: weight must be one-dimensional")
    target = _class_rows("multi_margin_loss", input, target)
    x = _ensure_float(input)
    one_d = x._data.ndim == 1
    n = 1 if one_d else x._data.shape[0]
    c = x._data.shape[-1]
    t = target._data.reshape(-1)
    if t.size != n or (one_d and target._data.ndim > 1) or (not one_d and target._data.ndim != 1):
        raise RuntimeError(
            "multi_margin_loss: target tensor should be 1-D with size equal to the number of input samples "
            f"(batch size). Expected target size [{n}], but got {list(target._data.shape)}. Input has shape "
            f"{list(x._data.shape)}.")
    if t.size and (t.min() < 0 or t.max() >= c):
        raise RuntimeError(f"multi_margin_loss: target out of range: class indices must be in [0, {c - 1}], "
                           f"got {int(t[(t < 0) | (t >= c)][0])}")
    if weight is not None and weight._data.shape != (c,):
        raise RuntimeError(f"multi_margin_loss: inconsistent weight size, expected {c} but got "
                           f"{list(weight._data.shape)}")
    rows = _shape.reshape(x, (n, c))
    dt = x._data.dtype
    picked = rows.gather(1, Tensor._make(t.reshape(n, 1).astype(np.int64)))
    z = _ew.relu(rows - picked + margin)      # PyTorch: gradient only where z > 0
    if p == 2:
        z = z * z
    other = np.ones((n, c), dtype=dt)
    other[np.arange(n), t] = 0
    if weight is not None:
        other *= weight._data.astype(dt)[t][:, None]
    loss = (z * const(other)).sum(1) * (1.0 / c)
    if one_d:
        loss = _shape.reshape(loss, ())
    return _reduce(loss, reduction)


@_finite_loss
def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    """Multi-label hinge loss ``sum_{j in labels} sum_{i not in labels} max(0, 1 - (x[j] - x[i])) / C``.

    ``target`` holds each sample's label indices, padded with -1 after the last label;
    it has the input's shape, (N, C) or (C,).
    """
    reduction = _reduction("multilabel_margin_loss", reduction, size_average, reduce)
    target = _class_rows("multilabel_margin_loss", input, target)
    x = _ensure_float(input)
    if target._data.shape != x._data.shape:
        raise RuntimeError(f"multilabel_margin_loss: inconsistent target size: {list(target._data.shape)} for "
                           f"input of size: {list(x._data.shape)}")
    one_d = x._data.ndim == 1
    c = x._data.shape[-1]
    rows = _shape.reshape(x, (-1, c)) if not one_d else _shape.reshape(x, (1, c))
    n = rows._data.shape[0]
    t = target._data.reshape(n, c).astype(np.int64)
    valid = np.cumprod(t != -1, axis=1).astype(bool)       # the labels before the first -1
    if ((t[valid] < 0) | (t[valid] >= c)).any():
        raise RuntimeError(f"multilabel_margin_loss: argument #2 'target' is out of range: labels must be in "
                           f"[0, {c - 1}] (or -1 to end the list)")
    tc = np.where(valid, t, 0)
    is_label = np.zeros((n, c), dtype=bool)
    r = np.nonzero(valid)[0]
    is_label[r, tc[valid]] = True
    picked = rows.gather(1, Tensor._make(tc))                             # (n, c): x at each listed label
    z = _ew.relu(_shape.unsqueeze(rows, 1) - _shape.unsqueeze(picked, 2) + 1.0)   # [n, j, i]
    mask = valid[:, :, None] & ~is_label[:, None, :]
    loss = (z * const(mask.astype(x._data.dtype))).sum((1, 2)) * (1.0 / c)
    if one_d:
        loss = _shape.reshape(loss, ())
    return _reduce(loss, reduction)


# The functions without a ``try`` of their own (see ``_bad_argument``): wrapped once, at import.
for _name in __all__:
    _fn = globals()[_name]
    if getattr(_fn, "__module__", None) == __name__ and not getattr(_fn, "_checks_arguments", False):
        globals()[_name] = _checks_arguments(_fn)
del _name, _fn
