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
from ..ops import elementwise as _ew
from ..ops import nn as _nn
from ..ops import shape as _shape
from ..ops._util import const
from ..ops.index import one_hot  # noqa: F401  (re-export, PyTorch's F.one_hot)
from ..ops.linalg import linear  # noqa: F401  (re-export, PyTorch's F.linear)
from ..ops.norm import batch_norm, layer_norm  # noqa: F401  (fused primitives)
from ..tensor import Tensor

__all__ = [
    "batch_norm", "layer_norm",
    "linear", "relu", "relu_", "leaky_relu", "elu", "gelu", "sigmoid", "tanh", "softmax", "log_softmax",
    "silu", "softplus", "logsigmoid", "hardtanh", "relu6", "dropout", "one_hot", "pad",
    "mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "nll_loss", "cross_entropy", "kl_div", "cosine_similarity",
]


# ------------------------------------------------------------------ helpers
def _inplace_ok(x):
    """In-place is safe only when autograd does not record an op on ``x``.

    When it does, nerve computes the same result out of place (``x`` is left
    unchanged): the returned tensor is what a PyTorch script uses anyway.
    """
    return not (x.requires_grad and _enabled[0])


# -------------------------------------------------------------- activations
def relu(input, inplace=False):  # noqa: A002 - PyTorch names
    """``max(x, 0)`` elementwise (one op). The gradient at exactly 0 is 0, as in PyTorch.

    Args:
        input: any shape.
        inplace: overwrite ``input`` when autograd does not track it (see ``_inplace_ok``).
    """
    if inplace and _inplace_ok(input):
        np.maximum(input._data, 0, out=input._data)
        return input
    return _ew.Relu()(input)


def relu_(input):  # noqa: A002
    return relu(input, inplace=True)


def leaky_relu(input, negative_slope=0.01, inplace=False):  # noqa: A002
    """``x`` where ``x > 0`` else ``negative_slope * x`` (gradient ``negative_slope`` at 0, as PyTorch)."""
    d = input._data
    # slope + (1 - slope) * [x > 0]: arithmetic, because np.where is ~20x slower on random signs
    scale = (d > 0).astype(d.dtype)
    scale *= 1.0 - negative_slope
    scale += negative_slope
    if inplace and _inplace_ok(input):
        d *= scale
        return input
    return _ew.Mul()(input, const(scale))


def elu(input, alpha=1.0, inplace=False):  # noqa: A002
    """``x`` where ``x > 0`` else ``alpha * (exp(x) - 1)``; gradient ``alpha`` at 0 (PyTorch's rule)."""
    if inplace and _inplace_ok(input):
        d = input._data
        neg = np.expm1(np.minimum(d, 0))
        neg *= alpha
        np.maximum(d, 0, out=d)
        d += neg
        return input
    # relu(x) + alpha (exp(min(x, 0)) - 1): clamp keeps exp() finite and passes the gradient at 0
    return _ew.relu(input) + (_ew.exp(_ew.clamp(input, max=0.0)) - 1.0) * alpha


_SQRT_HALF = 1.0 / math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


def gelu(input, approximate="none"):  # noqa: A002
    """Gaussian error linear unit: ``x * Phi(x)``.

    ``approximate='none'`` uses the exact ``0.5 * x * (1 + erf(x / sqrt(2)))``;
    ``'tanh'`` uses ``0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))``.
    """
    if approximate == "none":
        return input * ((_ew.erf(input * _SQRT_HALF) + 1.0) * 0.5)
    if approximate == "tanh":
        inner = (input + input * input * input * 0.044715) * _SQRT_2_OVER_PI
        return input * ((_ew.tanh(inner) + 1.0) * 0.5)
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def sigmoid(input):  # noqa: A002
    """``1 / (1 + exp(-x))``, stable for large ``|x|``."""
    return _ew.sigmoid(input)


def tanh(input):  # noqa: A002
    return _ew.tanh(input)


def silu(input, inplace=False):  # noqa: A002
    """``x * sigmoid(x)`` (also called swish)."""
    if inplace and _inplace_ok(input):
        d = input._data
        d *= 0.5 * (1.0 + np.tanh(0.5 * d))
        return input
    return input * _ew.sigmoid(input)


def softplus(input, beta=1.0, threshold=20.0):  # noqa: A002
    """``log(1 + exp(beta * x)) / beta``, and ``x`` itself where ``beta * x > threshold``."""
    bx = input * beta if beta != 1 else input
    lin = bx._data > threshold
    # clamp the masked-out side so exp() never overflows
    soft = _ew.log1p(_ew.exp(_ew.Where(lin)(const(np.zeros((), dtype=bx._data.dtype)), bx)))
    if beta != 1:
        soft = soft * (1.0 / beta)
    return _ew.Where(lin)(input, soft)


def logsigmoid(input):  # noqa: A002
    """``log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|))``, stable for large ``|x|``."""
    return _ew.minimum(input, 0.0) - _ew.log1p(_ew.exp(-_ew.abs(input)))


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):  # noqa: A002
    """Clamp to ``[min_val, max_val]``; the gradient is 1 strictly inside, 0 at and beyond the bounds."""
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) must not be greater than max_val ({max_val})")
    if inplace and _inplace_ok(input):
        np.clip(input._data, min_val, max_val, out=input._data)
        return input
    return _nn.Hardtanh(min_val, max_val)(input)


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
    return _nn.softmax(input, _softmax_dim(input, dim, "softmax", _stacklevel), dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
    """``x - logsumexp(x, dim)``: stable log-probabilities."""
    return _nn.log_softmax(input, _softmax_dim(input, dim, "log_softmax", _stacklevel), dtype)


# ------------------------------------------------------------------ dropout
def dropout(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``.

    The mask comes from nerve's default generator (``nerve.manual_seed`` makes it
    reproducible). Identity when ``training`` is False or ``p == 0``.
    """
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
    if inplace and _inplace_ok(input):
        d *= scale
        return input
    return _ew.Mul()(input, const(scale))


def pad(input, pad, mode="constant", value=None):  # noqa: A002
    """Pad the last ``len(pad) // 2`` dims: ``pad = (left_last, right_last, left_prev, ...)``."""
    return _shape.pad(input, pad, mode, 0.0 if value is None else value)


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
        out = fn(input, target, *args, **kwargs)
        d = out._data
        if d.ndim == 0 and not math.isfinite(d.item()):
            why = _nonfinite_inputs(input, target)
            if why:
                raise FloatingPointError(
                    f"{name}: the loss is {d.item()} because {why}. NaN usually comes from a learning rate "
                    "that is too high or from bad data; in fit(), nerve.keras.callbacks.TerminateOnNaN stops "
                    "training instead.")
        return out
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
    d = input._data
    if d.size and (d.min() < 0 or d.max() > 1):
        raise RuntimeError(
            f"binary_cross_entropy: input values must be probabilities in [0, 1], got values in "
            f"[{float(d.min()):.4g}, {float(d.max()):.4g}]. If these are logits (raw scores), use "
            "binary_cross_entropy_with_logits / nn.BCEWithLogitsLoss, or apply sigmoid() first")
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

    logp = _nn.LogSoftmax(cdim)(input)
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
    logp = _nn.LogSoftmax(cdim)(input)
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


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """``sum(x1 * x2, dim) / (max(||x1||, eps) * max(||x2||, eps))`` (inputs broadcast)."""
    n1 = _ew.sqrt((x1 * x1).sum(dim, keepdim=True))
    n2 = _ew.sqrt((x2 * x2).sum(dim, keepdim=True))
    return ((x1 / _ew.clamp(n1, min=eps)) * (x2 / _ew.clamp(n2, min=eps))).sum(dim)
