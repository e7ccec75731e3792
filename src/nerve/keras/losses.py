"""Keras losses: classes (``CategoricalCrossentropy()``) and functions (``categorical_crossentropy``).

Conventions (Keras'): ``loss(y_true, y_pred, sample_weight=None)``; the function
forms return one value per sample (the mean over the last axis for element-wise
losses); the classes reduce with ``'sum_over_batch_size'`` (the sum of the
weighted per-sample values divided by their number).

Probabilities and numerical stability: with ``from_logits=False`` (the default)
cross-entropies expect probabilities and use Keras' formula, clipping them to
``[1e-7, 1 - 1e-7]``. When ``y_pred`` is the recorded output of a softmax
(``Dense(10, activation="softmax")``) or a sigmoid, the loss reads the logits
from the graph and computes ``-sum(y * log_softmax(z))`` / the logits form of
binary cross-entropy instead, as TF-Keras does. Both give the same value while
the probabilities stay inside the clip range; the fused form keeps exact
gradients when a probability saturates (the clipped form's gradient is zero there).
Under ``no_grad`` (evaluate, predict) the graph is not recorded and the clipped
formula is used.

Example:
    >>> from nerve.keras import losses
    >>> losses.SparseCategoricalCrossentropy()(y_true=[1, 0], y_pred=[[0.1, 0.9], [0.8, 0.2]])
"""
from __future__ import annotations

import math

from .. import _backend as B
from .. import ops as _ops
from .._backend import np
from ..ops import elementwise as _ew
from ..ops import nn as _nn
from ..tensor import Tensor
from . import _validation as _v
from ._registry import deserialize_object, serialize_object

__all__ = [
    "Loss", "LossFunctionWrapper", "MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError", "Huber", "LogCosh", "BinaryCrossentropy", "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy", "KLDivergence", "Poisson", "Hinge", "SquaredHinge", "CategoricalHinge",
    "CosineSimilarity",
    "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "huber", "log_cosh", "binary_crossentropy",
    "categorical_crossentropy", "sparse_categorical_crossentropy", "kl_divergence", "poisson", "hinge",
    "squared_hinge", "categorical_hinge", "cosine_similarity", "mse", "mae", "mape", "msle", "logcosh",
    "kld", "get", "serialize", "deserialize",
]

EPSILON = 1e-7  # keras.config.epsilon()
_const = Tensor._make


# ----------------------------------------------------------------------------- helpers
def _pred(y_pred):
    if isinstance(y_pred, Tensor):
        return y_pred
    arr = np.asarray(y_pred)
    if arr.dtype.kind != "f" or arr.dtype == np.float64:
        arr = arr.astype(B.float32)
    return _const(arr)


def _raw(y):
    if isinstance(y, Tensor):
        return y._data
    arr = np.asarray(y)
    if arr.dtype.kind not in "biufc":
        arr = _v.numeric_array(arr, "y_true", labels=True)
    return arr


def _match_rank(t, pshape):
    """Keras' squeeze-or-expand: (N,) labels against (N, 1) outputs and the reverse."""
    nd = len(pshape)
    if t.ndim == nd - 1 and nd and pshape[-1] == 1:
        return t.reshape(t.shape + (1,))
    if t.ndim == nd + 1 and t.shape[-1] == 1:
        return t.reshape(t.shape[:-1])
    return t


def _true(op, y_true, p, cast=True):
    """``y_true`` as a raw array with ``y_pred``'s rank (and float dtype), shapes checked."""
    t = _match_rank(_raw(y_true), p._data.shape)
    if t.shape != p._data.shape:
        raise ValueError(
            f"{op}: y_true shape {tuple(t.shape)} does not match y_pred shape {tuple(p._data.shape)}; "
            "they must be equal (one target value per output unit)")
    if cast and t.dtype != p._data.dtype:
        t = t.astype(p._data.dtype)
    return t


def _logits_of(y_pred, kind):
    """The pre-activation input of a recorded softmax/sigmoid that produced ``y_pred``, else None."""
    fn = y_pred._ctx
    if fn is None or fn.inputs is None:
        return None
    if kind == "softmax":
        if type(fn) is _nn.Softmax and fn.axis == y_pred._data.ndim - 1:
            return fn.inputs[0]
    elif type(fn) is _ew.Sigmoid:
        return fn.inputs[0]
    return None


def _axis(axis, ndim):
    return axis % ndim if ndim else 0


# ----------------------------------------------------------------------------- functions
def mean_squared_error(y_true, y_pred):
    """``mean((y_true - y_pred) ** 2, axis=-1)``."""
    p = _pred(y_pred)
    t = _true("mean_squared_error", y_true, p)
    return _ops.square(p - _const(t)).mean(-1)


def mean_absolute_error(y_true, y_pred):
    """``mean(|y_true - y_pred|, axis=-1)``."""
    p = _pred(y_pred)
    t = _true("mean_absolute_error", y_true, p)
    return _ops.abs(p - _const(t)).mean(-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """``100 * mean(|(y_true - y_pred) / max(|y_true|, eps)|, axis=-1)``."""
    p = _pred(y_pred)
    t = _true("mean_absolute_percentage_error", y_true, p)
    denom = np.maximum(np.abs(t), EPSILON)
    return _ops.abs((_const(t) - p) / _const(denom)).mean(-1) * 100.0


def mean_squared_logarithmic_error(y_true, y_pred):
    """``mean((log(y_pred + 1) - log(y_true + 1)) ** 2, axis=-1)`` (inputs clipped at eps)."""
    p = _pred(y_pred)
    t = _true("mean_squared_logarithmic_error", y_true, p)
    lp = _ops.log(_ops.clamp(p, EPSILON, None) + 1.0)
    lt = np.log(np.maximum(t, EPSILON) + 1.0)
    return _ops.square(lp - _const(lt)).mean(-1)


def huber(y_true, y_pred, delta=1.0):
    """``0.5 e**2`` where ``|e| <= delta``, ``delta * (|e| - 0.5 delta)`` elsewhere; mean over the last axis."""
    delta = _v.check_float(delta, "delta", "huber", 0.0)
    p = _pred(y_pred)
    t = _true("huber", y_true, p)
    err = _ops.abs(p - _const(t))
    quad = _ops.clamp(err, None, float(delta))
    return (_ops.square(quad) * 0.5 + (err - quad) * float(delta)).mean(-1)


def log_cosh(y_true, y_pred):
    """``mean(log(cosh(y_pred - y_true)), axis=-1)``, computed as ``x + softplus(-2x) - log 2``."""
    from ..nn import functional as F
    p = _pred(y_pred)
    t = _true("log_cosh", y_true, p)
    x = p - _const(t)
    return (x + F.softplus(x * -2.0) - math.log(2.0)).mean(-1)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy per sample: ``mean(-(y log p + (1 - y) log(1 - p)), axis)``.

    Args:
        from_logits: ``y_pred`` holds logits (no sigmoid applied).
        label_smoothing: squeeze labels towards 0.5: ``y * (1 - s) + 0.5 * s``.
    """
    p = _pred(y_pred)
    t = _true("binary_crossentropy", y_true, p)
    if label_smoothing:
        t = t * (1.0 - label_smoothing) + 0.5 * label_smoothing
    z = p if from_logits else _logits_of(p, "sigmoid")
    tt = _const(t)
    if z is not None:
        # max(z, 0) - z * y + log(1 + exp(-|z|)): no overflow for any z
        bce = _ops.relu(z) - z * tt + _ops.log1p(_ops.exp(-_ops.abs(z)))
    else:
        pc = _ops.clamp(p, EPSILON, 1.0 - EPSILON)
        bce = -(tt * _ops.log(pc) + (1.0 - tt) * _ops.log(1.0 - pc))
    return bce.mean(axis)


def _check_categorical(op, t, p):
    ps = p._data.shape
    if t.ndim == len(ps) - 1 and t.dtype.kind in "iu" and ps[-1] > 1:
        raise ValueError(
            f"{op}: got integer class labels of shape {tuple(t.shape)} but it needs one-hot targets "
            f"of shape {tuple(ps)}; use loss='sparse_categorical_crossentropy' for integer labels "
            "(or one-hot encode them)")
    t = _match_rank(t, ps)
    if t.shape != ps:
        raise ValueError(
            f"{op}: y_true shape {tuple(t.shape)} does not match y_pred shape {tuple(ps)}: one-hot "
            f"targets need one column per output unit ({ps[-1] if ps else 1})")
    return t if t.dtype == p._data.dtype else t.astype(p._data.dtype)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """``-sum(y_true * log(y_pred), axis)`` for one-hot (or soft) targets.

    Args:
        from_logits: ``y_pred`` holds logits; otherwise probabilities, normalised to sum
            to 1 and clipped to ``[1e-7, 1 - 1e-7]`` (Keras' formula).
        label_smoothing: ``y * (1 - s) + s / num_classes``.
    """
    p = _pred(y_pred)
    t = _check_categorical("categorical_crossentropy", _raw(y_true), p)
    ax = _axis(axis, p._data.ndim)
    if label_smoothing:
        t = t * (1.0 - label_smoothing) + label_smoothing / p._data.shape[ax]
    z = p if from_logits else (_logits_of(p, "softmax") if ax == p._data.ndim - 1 else None)
    if z is not None:
        logp = _ops.log_softmax(z, ax)
    else:
        q = p / p.sum(ax, keepdim=True)
        logp = _ops.log(_ops.clamp(q, EPSILON, 1.0 - EPSILON))
    return -(logp * _const(t)).sum(ax)


def _sparse_labels(op, y_true, p):
    t = _raw(y_true)
    ps = p._data.shape
    c = ps[-1] if ps else 1
    if t.ndim == len(ps) and t.ndim and t.shape[-1] == 1:
        t = t.reshape(t.shape[:-1])
    if t.ndim == len(ps) and t.shape == ps and c > 1:
        raise ValueError(
            f"{op}: y_true has shape {tuple(t.shape)}, the same as y_pred: these look like one-hot "
            "labels, but sparse_categorical_crossentropy expects integer class indices of shape "
            f"{tuple(ps[:-1])}. Use loss='categorical_crossentropy' for one-hot labels, or pass "
            "y.argmax(axis=-1)")
    if t.shape != ps[:-1]:
        raise ValueError(
            f"{op}: y_true shape {tuple(t.shape)} does not fit y_pred shape {tuple(ps)}: expected "
            f"integer class indices of shape {tuple(ps[:-1])}")
    if t.dtype.kind == "f":
        ti = t.astype(np.int64)
        if not np.array_equal(ti, t):
            raise ValueError(f"{op}: y_true holds non-integer values; expected class indices 0..{c - 1}")
        t = ti
    elif t.dtype.kind not in "iu":
        t = t.astype(np.int64)
    return t, c


def _check_range(op, t, c, ignore_class=None):
    if not t.size:
        return
    lo, hi = t.min(), t.max()
    if lo < 0 or hi >= c:
        bad = t[(t < 0) | (t >= c)]
        if ignore_class is not None:
            bad = bad[bad != ignore_class]
            if not bad.size:
                return
        raise ValueError(
            f"{op}: label {int(bad[0])} is out of range for a model with {c} output units: labels "
            f"must be class indices in 0..{c - 1} (the labels here range from {int(lo)} to {int(hi)}). "
            "Check the number of units of the last layer (it must equal the number of classes) or the labels")


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """``-log(y_pred[true class])`` for integer class labels of shape ``y_pred.shape[:-1]``.

    Args:
        from_logits: ``y_pred`` holds logits; otherwise probabilities (normalised, clipped at 1e-7).
        ignore_class: a label value whose samples contribute 0.

    Raises:
        ValueError: one-hot labels (use ``categorical_crossentropy``) or labels outside
            ``0..units-1``.
    """
    op = "sparse_categorical_crossentropy"
    p = _pred(y_pred)
    if axis not in (-1, p._data.ndim - 1):
        raise ValueError(f"{op}: only axis=-1 is supported, got {axis}")
    t, c = _sparse_labels(op, y_true, p)
    _check_range(op, t, c, ignore_class)
    z = p if from_logits else _logits_of(p, "softmax")
    if z is not None:
        logp = _ops.log_softmax(z, -1)
    else:
        q = p / p.sum(-1, keepdim=True)
        logp = _ops.log(_ops.clamp(q, EPSILON, 1.0 - EPSILON))
    flat_t = t.reshape(-1)
    valid = None
    if ignore_class is not None:
        valid = flat_t != ignore_class
        flat_t = np.where(valid, flat_t, 0)
    lp2 = logp if logp._data.ndim == 2 else logp.reshape(-1, c)
    out = _nn.nll_loss_2d(lp2, flat_t, None, None, "none")
    if valid is not None:
        out = out * _const(valid.astype(out._data.dtype))
    return out if out._data.shape == t.shape else out.reshape(t.shape)


def kl_divergence(y_true, y_pred):
    """``sum(y_true * log(y_true / y_pred), axis=-1)``, both clipped to ``[eps, 1]``."""
    p = _pred(y_pred)
    t = np.clip(_true("kl_divergence", y_true, p), EPSILON, 1.0)
    pc = _ops.clamp(p, EPSILON, 1.0)
    return (_const(t) * (_const(np.log(t)) - _ops.log(pc))).sum(-1)


def poisson(y_true, y_pred):
    """``mean(y_pred - y_true * log(y_pred + eps), axis=-1)``."""
    p = _pred(y_pred)
    t = _true("poisson", y_true, p)
    return (p - _const(t) * _ops.log(p + EPSILON)).mean(-1)


def _pm1(t):
    # labels in {0, 1} become {-1, 1}, as Keras' hinge losses do
    if t.size and t.min() >= 0 and t.max() <= 1:
        return 2.0 * t - 1.0
    return t


def hinge(y_true, y_pred):
    """``mean(max(1 - y_true * y_pred, 0), axis=-1)`` with 0/1 labels mapped to -1/1."""
    p = _pred(y_pred)
    t = _pm1(_true("hinge", y_true, p))
    return _ops.relu(1.0 - p * _const(t)).mean(-1)


def squared_hinge(y_true, y_pred):
    """``mean(max(1 - y_true * y_pred, 0) ** 2, axis=-1)``."""
    p = _pred(y_pred)
    t = _pm1(_true("squared_hinge", y_true, p))
    return _ops.square(_ops.relu(1.0 - p * _const(t))).mean(-1)


def categorical_hinge(y_true, y_pred):
    """``max(max((1 - y) * p) - sum(y * p) + 1, 0)`` per sample."""
    p = _pred(y_pred)
    t = _const(_true("categorical_hinge", y_true, p))
    pos = (t * p).sum(-1)
    neg = ((1.0 - t) * p).amax(-1)
    return _ops.relu(neg - pos + 1.0)


def cosine_similarity(y_true, y_pred, axis=-1):
    """``-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)`` (so minimising aligns them)."""
    p = _pred(y_pred)
    t = _true("cosine_similarity", y_true, p)
    tn = t / np.sqrt(np.maximum((t * t).sum(axis, keepdims=True), 1e-12))
    pn = p * _ops.rsqrt(_ops.clamp((p * p).sum(axis, keepdim=True), 1e-12, None))
    return -(pn * _const(tn)).sum(axis)


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
logcosh = log_cosh
kld = KLD = kullback_leibler_divergence = kl_divergence


# ----------------------------------------------------------------------------- reduction
_REDUCTIONS = ("sum_over_batch_size", "sum", "none", "mean", "mean_with_sample_weight", "auto", None)


def reduce_weighted_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Weight per-sample ``values`` and reduce them (Keras' ``reduce_weighted_values``).

    ``'sum_over_batch_size'`` (also ``'mean'``/``'auto'``) divides the weighted sum by the
    number of values; ``'mean_with_sample_weight'`` by the sum of the weights.
    """
    if sample_weight is not None:
        sw = sample_weight._data if isinstance(sample_weight, Tensor) else np.asarray(sample_weight)
        if sw.dtype.kind not in "biuf":
            sw = _v.numeric_array(sw, "sample_weight")
        if sw.dtype != values._data.dtype:
            sw = sw.astype(values._data.dtype)
        vnd = values._data.ndim
        given = sw.shape
        while sw.ndim > vnd and sw.shape[-1] == 1:
            sw = sw.reshape(sw.shape[:-1])
        if sw.ndim < vnd:
            sw = sw.reshape(sw.shape + (1,) * (vnd - sw.ndim))
        try:
            fits = np.broadcast_shapes(sw.shape, values._data.shape) == values._data.shape
        except ValueError:
            fits = False
        if not fits:
            vs = values._data.shape
            raise ValueError(
                f"`sample_weight` has shape {tuple(given)}, but the loss has one value per sample, shape "
                f"{tuple(vs)}: pass one weight per sample, an array of shape {tuple(vs[:1]) or '()'}")
        values = values * _const(sw)
    if reduction is None or reduction == "none":
        return values
    if reduction == "sum":
        return values.sum()
    if values._data.size == 0:          # an empty batch: 0, not the NaN of a mean of nothing (Keras)
        return values.sum()
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        total = float(np.broadcast_to(sw, values._data.shape).sum())
        return values.sum() * (1.0 / total if total else 0.0)
    if sample_weight is None:
        return values.mean()
    n = values._data.size
    return values.sum() * (1.0 / n if n else 0.0)


# ----------------------------------------------------------------------------- classes
class Loss:
    """Base class: subclasses define ``call(y_true, y_pred)`` -> per-sample values.

    ``__call__(y_true, y_pred, sample_weight=None)`` weights and reduces them.

    Example:
        >>> class MyMSE(Loss):
        ...     def call(self, y_true, y_pred):
        ...         return ((y_pred - y_true) ** 2).mean(-1)
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        if reduction not in _REDUCTIONS:
            raise ValueError(f"Invalid reduction {reduction!r}; expected one of {_REDUCTIONS}")
        self.name = name or _snake(type(self).__name__)
        self.reduction = reduction
        self.dtype = dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        return reduce_weighted_values(self.call(y_true, y_pred), sample_weight, self.reduction)

    def call(self, y_true, y_pred):  # pragma: no cover - abstract
        raise NotImplementedError(f"{type(self).__name__} must implement call(y_true, y_pred)")

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.get_config().items())})"


class LossFunctionWrapper(Loss):
    """A loss class around a per-sample function ``fn(y_true, y_pred, **kwargs)``."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", None), reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        cfg = super().get_config()
        cfg.update(self._fn_kwargs)
        return cfg


def _wrapper_class(clsname, fn, default_name, params=(), doc=""):
    """Build a Keras loss class whose extra ``__init__`` arguments ``params`` go to ``fn``."""

    def __init__(self, *args, reduction="sum_over_batch_size", name=default_name, dtype=None, **kwargs):
        bound = dict(params)
        names = [k for k, _ in params]
        if len(args) > len(names):
            raise TypeError(f"{clsname}() takes at most {len(names)} positional arguments")
        bound.update(zip(names, args))
        for k, v in kwargs.items():
            if k not in bound:
                raise TypeError(f"{clsname}() got an unexpected keyword argument {k!r}")
            bound[k] = v
        LossFunctionWrapper.__init__(self, fn, reduction=reduction, name=name, dtype=dtype, **bound)

    def get_config(self):
        cfg = {"name": self.name, "reduction": self.reduction}
        cfg.update(self._fn_kwargs)
        return cfg

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    return type(clsname, (LossFunctionWrapper,), {
        "__init__": __init__, "get_config": get_config, "from_config": from_config,
        "__doc__": doc, "__module__": __name__,
    })


MeanSquaredError = _wrapper_class(
    "MeanSquaredError", mean_squared_error, "mean_squared_error",
    doc="Mean of squared errors. Example: ``MeanSquaredError()(y_true, y_pred)``.")
MeanAbsoluteError = _wrapper_class(
    "MeanAbsoluteError", mean_absolute_error, "mean_absolute_error", doc="Mean of absolute errors.")
MeanAbsolutePercentageError = _wrapper_class(
    "MeanAbsolutePercentageError", mean_absolute_percentage_error, "mean_absolute_percentage_error",
    doc="Mean absolute percentage error.")
MeanSquaredLogarithmicError = _wrapper_class(
    "MeanSquaredLogarithmicError", mean_squared_logarithmic_error, "mean_squared_logarithmic_error",
    doc="Mean squared logarithmic error.")
Huber = _wrapper_class(
    "Huber", huber, "huber_loss", params=(("delta", 1.0),),
    doc="Huber loss: quadratic below ``delta``, linear above. ``Huber(delta=1.0)``.")
LogCosh = _wrapper_class("LogCosh", log_cosh, "log_cosh", doc="log(cosh(error)), averaged.")
BinaryCrossentropy = _wrapper_class(
    "BinaryCrossentropy", binary_crossentropy, "binary_crossentropy",
    params=(("from_logits", False), ("label_smoothing", 0.0), ("axis", -1)),
    doc="Binary cross-entropy. ``BinaryCrossentropy(from_logits=False, label_smoothing=0.0, axis=-1)``.")
CategoricalCrossentropy = _wrapper_class(
    "CategoricalCrossentropy", categorical_crossentropy, "categorical_crossentropy",
    params=(("from_logits", False), ("label_smoothing", 0.0), ("axis", -1)),
    doc="Cross-entropy for one-hot targets. ``CategoricalCrossentropy(from_logits=False, label_smoothing=0.0)``.")
SparseCategoricalCrossentropy = _wrapper_class(
    "SparseCategoricalCrossentropy", sparse_categorical_crossentropy, "sparse_categorical_crossentropy",
    params=(("from_logits", False), ("ignore_class", None)),
    doc="Cross-entropy for integer labels. ``SparseCategoricalCrossentropy(from_logits=False)``.")
KLDivergence = _wrapper_class("KLDivergence", kl_divergence, "kl_divergence", doc="Kullback-Leibler divergence.")
Poisson = _wrapper_class("Poisson", poisson, "poisson", doc="Poisson loss.")
Hinge = _wrapper_class("Hinge", hinge, "hinge", doc="Hinge loss (labels -1/1 or 0/1).")
SquaredHinge = _wrapper_class("SquaredHinge", squared_hinge, "squared_hinge", doc="Squared hinge loss.")
CategoricalHinge = _wrapper_class("CategoricalHinge", categorical_hinge, "categorical_hinge",
                                  doc="Categorical hinge loss.")
CosineSimilarity = _wrapper_class("CosineSimilarity", cosine_similarity, "cosine_similarity",
                                  params=(("axis", -1),), doc="Negative cosine similarity.")


def _snake(name):
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and (not name[i - 1].isupper() or (i + 1 < len(name) and name[i + 1].islower())):
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


_FUNCTIONS = {
    "mean_squared_error": mean_squared_error, "mse": mean_squared_error, "MSE": mean_squared_error,
    "mean_absolute_error": mean_absolute_error, "mae": mean_absolute_error, "MAE": mean_absolute_error,
    "mean_absolute_percentage_error": mean_absolute_percentage_error, "mape": mean_absolute_percentage_error,
    "mean_squared_logarithmic_error": mean_squared_logarithmic_error, "msle": mean_squared_logarithmic_error,
    "huber": huber, "huber_loss": huber, "log_cosh": log_cosh, "logcosh": log_cosh,
    "binary_crossentropy": binary_crossentropy, "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "kl_divergence": kl_divergence, "kld": kl_divergence, "kullback_leibler_divergence": kl_divergence,
    "poisson": poisson, "hinge": hinge, "squared_hinge": squared_hinge,
    "categorical_hinge": categorical_hinge, "cosine_similarity": cosine_similarity,
}
_CLASSES = {c.__name__: c for c in (
    MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError, Huber,
    LogCosh, BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy, KLDivergence,
    Poisson, Hinge, SquaredHinge, CategoricalHinge, CosineSimilarity)}
_FN_TO_CLASS = {
    mean_squared_error: MeanSquaredError, mean_absolute_error: MeanAbsoluteError,
    mean_absolute_percentage_error: MeanAbsolutePercentageError,
    mean_squared_logarithmic_error: MeanSquaredLogarithmicError, huber: Huber, log_cosh: LogCosh,
    binary_crossentropy: BinaryCrossentropy, categorical_crossentropy: CategoricalCrossentropy,
    sparse_categorical_crossentropy: SparseCategoricalCrossentropy, kl_divergence: KLDivergence,
    poisson: Poisson, hinge: Hinge, squared_hinge: SquaredHinge, categorical_hinge: CategoricalHinge,
    cosine_similarity: CosineSimilarity,
}


def get(identifier):
    """Resolve a loss: a name (``'mse'``, ``'sparse_categorical_crossentropy'``, ``'Huber'``), a config
    dict, a ``Loss`` instance or a callable ``fn(y_true, y_pred)``.

    Raises:
        ValueError: for an unknown name, listing the valid ones.
    """
    if identifier is None:
        return None
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str):
        fn = _FUNCTIONS.get(identifier)
        if fn is not None:
            return fn
        cls = _CLASSES.get(identifier)
        if cls is not None:
            return cls()
        valid = sorted(n for n in _FUNCTIONS if not n.isupper())
        raise ValueError(
            f"Unknown loss {identifier!r}. Valid names: {', '.join(valid)} (or a Loss class name, "
            "a Loss instance, or a callable loss(y_true, y_pred))")
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if callable(identifier):
        return identifier
    raise TypeError(f"Could not interpret loss identifier: {identifier!r}")


def as_loss_object(identifier):
    """Like :func:`get`, but built-in functions become their ``Loss`` class (to hold a name and reduce)."""
    obj = get(identifier)
    if obj is None or isinstance(obj, Loss):
        return obj
    cls = _FN_TO_CLASS.get(obj)
    if cls is not None:
        return cls(name=identifier if isinstance(identifier, str) else None)
    return LossFunctionWrapper(obj, name=getattr(obj, "__name__", "loss"))


def serialize(loss):
    """A JSON-able description: ``{'class_name', 'config'}`` for a Loss, a name otherwise."""
    obj = loss
    for name, fn in _FUNCTIONS.items():
        if fn is obj:
            return name
    return serialize_object(obj, Loss)


def deserialize(config, custom_objects=None):
    """Inverse of :func:`serialize` (``custom_objects`` maps names to user classes/functions)."""
    return deserialize_object(config, "loss", _CLASSES, get, custom_objects)
