"""Keras metrics: stateful objects (``update_state``, ``result``, ``reset_state``) and functions.

Metrics never record a graph: they read the raw arrays of ``y_true``/``y_pred``
(Tensors or NumPy arrays) and keep running sums as NumPy scalars, so updating
one per batch costs a few array reductions and no allocation of objects.

Example:
    >>> from nerve.keras import metrics
    >>> m = metrics.SparseCategoricalAccuracy()
    >>> m.update_state([1, 2], [[0.1, 0.9, 0.0], [0.2, 0.7, 0.1]])
    >>> m.result()
    0.5
"""
from __future__ import annotations

from .._backend import np
from ..tensor import Tensor
from . import _validation as _v
from ._registry import deserialize_object, serialize_object

__all__ = [
    "Metric", "Mean", "Sum", "MeanMetricWrapper", "Accuracy", "BinaryAccuracy", "CategoricalAccuracy",
    "SparseCategoricalAccuracy", "TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy",
    "MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError", "RootMeanSquaredError",
    "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "Precision", "Recall",
    "AUC", "accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
    "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", "mean_squared_error",
    "mean_absolute_error", "mean_absolute_percentage_error", "binary_crossentropy",
    "categorical_crossentropy", "sparse_categorical_crossentropy", "mse", "mae", "mape", "get",
    "serialize", "deserialize",
]

EPSILON = 1e-7


def _arr(x):
    if isinstance(x, Tensor):
        return x._data
    if isinstance(x, np.ndarray):
        return x
    return np.asarray(x)


def _labels(x):
    """``y_true`` as a raw numeric array (strings refused with the how-to-encode message)."""
    t = _arr(x)
    if t.dtype.kind not in "biufc":
        t = _v.numeric_array(t, "y_true", labels=True)
    return t


def _check_same_batch(name, t, p):
    if t.ndim and p.ndim and t.shape[0] != p.shape[0]:
        raise ValueError(f"metric {name}: y_true has {t.shape[0]} samples (shape {tuple(t.shape)}) but y_pred has "
                         f"{p.shape[0]} (shape {tuple(p.shape)})")


def _class_indices(name, t, p):
    """Integer labels of shape ``p.shape[:-1]`` in ``0..p.shape[-1]-1``, checked."""
    if t.ndim == p.ndim and t.ndim and t.shape[-1] == 1:
        t = t.reshape(t.shape[:-1])
    c = p.shape[-1] if p.ndim else 1
    if t.shape != p.shape[:-1]:
        raise ValueError(f"metric {name}: y_true shape {tuple(t.shape)} does not fit y_pred shape {tuple(p.shape)}: "
                         f"expected integer class indices of shape {tuple(p.shape[:-1])}")
    if t.dtype.kind == "f":
        ti = t.astype(np.int64)
        if not np.array_equal(ti, t):
            raise ValueError(f"metric {name}: y_true holds non-integer values; expected class indices 0..{c - 1}")
        t = ti
    if t.size and (t.min() < 0 or t.max() >= c):
        bad = t[(t < 0) | (t >= c)]
        raise ValueError(f"metric {name}: label {int(bad[0])} is out of range for a model with {c} output units: "
                         f"labels must be class indices in 0..{c - 1} (the labels here range from {int(t.min())} "
                         f"to {int(t.max())})")
    return t


def _weights(sample_weight, shape, name):
    """``sample_weight`` (one weight per sample, or per value) broadcast to ``shape``, checked."""
    w = _arr(sample_weight)
    if w.dtype.kind not in "biuf":
        w = _v.numeric_array(w, "sample_weight")
    w = w.astype(np.float64, copy=False)
    given = w.shape
    nd = len(shape)
    while w.ndim > nd and w.shape[-1] == 1:
        w = w.reshape(w.shape[:-1])
    if w.ndim < nd:
        w = w.reshape(w.shape + (1,) * (nd - w.ndim))
    try:
        return np.broadcast_to(w, shape)
    except ValueError:
        raise ValueError(f"metric {name}: `sample_weight` has shape {tuple(given)}, which does not fit values of "
                         f"shape {tuple(shape)}: pass one weight per sample, an array of shape "
                         f"{tuple(shape[:1])}") from None


def _match(t, p):
    """Keras' squeeze-or-expand so (N,) labels meet (N, 1) predictions."""
    if t.ndim == p.ndim - 1 and p.ndim and p.shape[-1] == 1:
        return t.reshape(t.shape + (1,))
    if t.ndim == p.ndim + 1 and t.shape[-1] == 1:
        return t.reshape(t.shape[:-1])
    return t


# ----------------------------------------------------------------------------- functions (raw arrays)
def accuracy(y_true, y_pred):
    """1 where ``y_true == y_pred`` exactly (e.g. class ids against predicted class ids)."""
    t, p = _labels(y_true), _arr(y_pred)
    t = _match(t, p)
    _check_same_batch("accuracy", t, p)
    return (t == p).astype(np.float32)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """``mean(y_true == (y_pred > threshold), axis=-1)``."""
    t, p = _labels(y_true), _arr(y_pred)
    t = _same("binary_accuracy", t, p)
    return (t == (p > threshold)).mean(-1, dtype=np.float32)


def categorical_accuracy(y_true, y_pred):
    """1 where ``argmax(y_true) == argmax(y_pred)`` (one-hot targets)."""
    t, p = _labels(y_true), _arr(y_pred)
    t = _same("categorical_accuracy", t, p)
    return (t.argmax(-1) == p.argmax(-1)).astype(np.float32)


def sparse_categorical_accuracy(y_true, y_pred):
    """1 where the integer label equals ``argmax(y_pred)``."""
    t, p = _labels(y_true), _arr(y_pred)
    if t.ndim == p.ndim and t.ndim and t.shape[-1] == 1:
        t = t.reshape(t.shape[:-1])
    if t.shape != p.shape[:-1]:
        raise ValueError(f"metric sparse_categorical_accuracy: y_true shape {tuple(t.shape)} does not fit y_pred "
                         f"shape {tuple(p.shape)}: expected integer class indices of shape {tuple(p.shape[:-1])}")
    return (t == p.argmax(-1)).astype(np.float32)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1 where the one-hot target's class is among the ``k`` largest predictions."""
    t, p = _labels(y_true), _arr(y_pred)
    return sparse_top_k_categorical_accuracy(_same("top_k_categorical_accuracy", t, p).argmax(-1), p, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1 where the integer label is among the ``k`` largest predictions."""
    t, p = _labels(y_true), _arr(y_pred)
    if not _v._is_int(k) or k < 1:
        raise ValueError(f"metric top_k_categorical_accuracy: `k` must be a positive integer. Received: k={k!r}")
    if t.ndim == p.ndim and t.ndim and t.shape[-1] == 1:
        t = t.reshape(t.shape[:-1])
    if t.shape != p.shape[:-1]:
        raise ValueError(f"metric sparse_top_k_categorical_accuracy: y_true shape {tuple(t.shape)} does not fit "
                         f"y_pred shape {tuple(p.shape)}: expected integer class indices of shape "
                         f"{tuple(p.shape[:-1])}")
    k = min(k, p.shape[-1])
    top = np.argpartition(-p, k - 1, axis=-1)[..., :k]
    return (top == t[..., None]).any(-1).astype(np.float32)


def _same(name, t, p):
    if t.dtype.kind not in "biufc":
        t = _v.numeric_array(t, "y_true", labels=True)
    t = _match(t, p)
    if t.shape != p.shape:
        raise ValueError(f"metric {name}: y_true shape {tuple(t.shape)} does not match y_pred shape "
                         f"{tuple(p.shape)} (one target value per output unit)")
    return t


def mean_squared_error(y_true, y_pred):
    t, p = _arr(y_true), _arr(y_pred)
    d = p - _same("mean_squared_error", t, p)
    return (d * d).mean(-1)


def mean_absolute_error(y_true, y_pred):
    t, p = _arr(y_true), _arr(y_pred)
    return np.abs(p - _same("mean_absolute_error", t, p)).mean(-1)


def mean_absolute_percentage_error(y_true, y_pred):
    t, p = _arr(y_true), _arr(y_pred)
    t = _same("mean_absolute_percentage_error", t, p)
    return 100.0 * np.abs((t - p) / np.maximum(np.abs(t), EPSILON)).mean(-1)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    t, p = _labels(y_true), _arr(y_pred)
    t = _same("binary_crossentropy", t, p).astype(p.dtype)
    if label_smoothing:
        t = t * (1 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        return (np.maximum(p, 0) - p * t + np.log1p(np.exp(-np.abs(p)))).mean(-1)
    pc = np.clip(p, EPSILON, 1 - EPSILON)
    return -(t * np.log(pc) + (1 - t) * np.log(1 - pc)).mean(-1)


def _log_probs(p, from_logits):
    if from_logits:
        m = p.max(-1, keepdims=True)
        s = p - m
        return s - np.log(np.exp(s).sum(-1, keepdims=True))
    with np.errstate(divide="ignore", invalid="ignore"):   # an all-zero row gives NaN, as in Keras
        q = p / p.sum(-1, keepdims=True)
    return np.log(np.clip(q, EPSILON, 1 - EPSILON))


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    t, p = _labels(y_true), _arr(y_pred)
    t = _same("categorical_crossentropy", t, p)
    if label_smoothing:
        t = t * (1 - label_smoothing) + label_smoothing / p.shape[-1]
    return -(t * _log_probs(p, from_logits)).sum(-1)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False):
    t, p = _labels(y_true), _arr(y_pred)
    t = _class_indices("sparse_categorical_crossentropy", t, p)
    lp = _log_probs(p, from_logits)
    return -np.take_along_axis(lp, t.astype(np.int64)[..., None], -1)[..., 0]


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error


# ----------------------------------------------------------------------------- classes
def _snake(name):
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and (not name[i - 1].isupper() or (i + 1 < len(name) and name[i + 1].islower())):
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


class Metric:
    """Base class of stateful metrics.

    Subclasses implement ``update_state(...)``, ``result()`` and ``reset_state()``.
    Calling a metric updates it and returns the new result.

    Example:
        >>> m = Mean()
        >>> m.update_state([1.0, 3.0]); m.result()
        2.0
    """

    def __init__(self, name=None, dtype=None):
        self.name = name or _snake(type(self).__name__)
        self.dtype = dtype or "float32"

    def update_state(self, *args, **kwargs):  # pragma: no cover - abstract
        raise NotImplementedError

    def result(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def reset_state(self):  # pragma: no cover - abstract
        raise NotImplementedError

    reset_states = reset_state  # tf.keras 2 name

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


class Mean(Metric):
    """The (weighted) mean of the values it was given."""

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def reset_state(self):
        self.total = 0.0
        self.count = 0.0

    def update_state(self, values, sample_weight=None):
        v = _arr(values)
        if sample_weight is None:
            self.total += v.sum(dtype=np.float64)
            self.count += v.size
            return
        w = _weights(sample_weight, v.shape, self.name)
        self.total += (v * w).sum(dtype=np.float64)
        self.count += w.sum()

    def result(self):
        return float(self.total / self.count) if self.count else 0.0


class Sum(Metric):
    """The (weighted) sum of the values it was given."""

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def reset_state(self):
        self.total = 0.0

    def update_state(self, values, sample_weight=None):
        v = _arr(values)
        if sample_weight is not None:
            v = v * _weights(sample_weight, v.shape, self.name)
        self.total += v.sum(dtype=np.float64)

    def result(self):
        return float(self.total)


class MeanMetricWrapper(Mean):
    """The mean of ``fn(y_true, y_pred, **kwargs)`` over every sample seen.

    Example:
        >>> m = MeanMetricWrapper(lambda t, p: (t == p), name="exact")
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", "mean_metric"), dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        Mean.update_state(self, self._fn(y_true, y_pred, **self._fn_kwargs), sample_weight)

    def get_config(self):
        cfg = super().get_config()
        cfg.update(self._fn_kwargs)
        return cfg


def _wrapper(clsname, fn, default_name, params=(), doc=""):
    def __init__(self, *args, name=default_name, dtype=None, **kwargs):
        bound = dict(params)
        names = [k for k, _ in params]
        if len(args) > len(names):
            raise TypeError(f"{clsname}() takes at most {len(names)} positional arguments")
        bound.update(zip(names, args))
        for k, v in kwargs.items():
            if k not in bound:
                raise TypeError(f"{clsname}() got an unexpected keyword argument {k!r}")
            bound[k] = v
        MeanMetricWrapper.__init__(self, fn, name=name, dtype=dtype, **bound)

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    return type(clsname, (MeanMetricWrapper,), {
        "__init__": __init__, "from_config": from_config, "__doc__": doc, "__module__": __name__})


Accuracy = _wrapper("Accuracy", accuracy, "accuracy", doc="How often ``y_pred == y_true`` exactly.")
BinaryAccuracy = _wrapper("BinaryAccuracy", binary_accuracy, "binary_accuracy", (("threshold", 0.5),),
                          doc="How often ``(y_pred > threshold) == y_true``.")
CategoricalAccuracy = _wrapper("CategoricalAccuracy", categorical_accuracy, "categorical_accuracy",
                               doc="How often ``argmax(y_pred) == argmax(y_true)`` (one-hot labels).")
SparseCategoricalAccuracy = _wrapper(
    "SparseCategoricalAccuracy", sparse_categorical_accuracy, "sparse_categorical_accuracy",
    doc="How often ``argmax(y_pred)`` equals the integer label.")
TopKCategoricalAccuracy = _wrapper("TopKCategoricalAccuracy", top_k_categorical_accuracy,
                                   "top_k_categorical_accuracy", (("k", 5),))
SparseTopKCategoricalAccuracy = _wrapper("SparseTopKCategoricalAccuracy", sparse_top_k_categorical_accuracy,
                                         "sparse_top_k_categorical_accuracy", (("k", 5),))
MeanSquaredError = _wrapper("MeanSquaredError", mean_squared_error, "mean_squared_error")
MeanAbsoluteError = _wrapper("MeanAbsoluteError", mean_absolute_error, "mean_absolute_error")
MeanAbsolutePercentageError = _wrapper("MeanAbsolutePercentageError", mean_absolute_percentage_error,
                                       "mean_absolute_percentage_error")
BinaryCrossentropy = _wrapper("BinaryCrossentropy", binary_crossentropy, "binary_crossentropy",
                              (("from_logits", False), ("label_smoothing", 0.0)))
CategoricalCrossentropy = _wrapper("CategoricalCrossentropy", categorical_crossentropy,
                                   "categorical_crossentropy", (("from_logits", False), ("label_smoothing", 0.0)))
SparseCategoricalCrossentropy = _wrapper("SparseCategoricalCrossentropy", sparse_categorical_crossentropy,
                                         "sparse_categorical_crossentropy", (("from_logits", False),))


class RootMeanSquaredError(Mean):
    """``sqrt(mean((y_pred - y_true) ** 2))`` over every value seen."""

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        t, p = _labels(y_true), _arr(y_pred)
        d = p - _same(self.name, t, p)
        Mean.update_state(self, d * d, sample_weight)

    def result(self):
        return float(np.sqrt(self.total / self.count)) if self.count else 0.0


class _Confusion(Metric):
    """Counts true/false positives/negatives of ``y_pred > threshold`` against 0/1 labels."""

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        if top_k is not None:
            raise NotImplementedError(f"{type(self).__name__}: top_k is not supported yet")
        self.thresholds = 0.5 if thresholds is None else thresholds
        self.top_k, self.class_id = top_k, class_id
        self.reset_state()

    def reset_state(self):
        self.true_positives = self.false_positives = self.false_negatives = self.true_negatives = 0.0

    def update_state(self, y_true, y_pred, sample_weight=None):
        t, p = _labels(y_true), _arr(y_pred)
        t = _same(self.name, t, p)
        if self.class_id is not None:
            if not -p.shape[-1] <= self.class_id < p.shape[-1]:
                raise ValueError(f"metric {self.name}: class_id={self.class_id} is out of range for predictions "
                                 f"with {p.shape[-1]} classes (shape {tuple(p.shape)})")
            t, p = t[..., self.class_id], p[..., self.class_id]
        pos = p > self.thresholds
        yt = t.astype(bool)
        w = None if sample_weight is None else _weights(sample_weight, p.shape, self.name)

        def count(mask):
            return float(mask.sum()) if w is None else float((mask * w).sum())
        self.true_positives += count(pos & yt)
        self.false_positives += count(pos & ~yt)
        self.false_negatives += count(~pos & yt)
        self.true_negatives += count(~pos & ~yt)

    def get_config(self):
        cfg = super().get_config()
        cfg.update(thresholds=self.thresholds, top_k=self.top_k, class_id=self.class_id)
        return cfg


class Precision(_Confusion):
    """``TP / (TP + FP)`` of ``y_pred > thresholds`` (default 0.5)."""

    def __init__(self, thresholds=None, top_k=None, class_id=None, name="precision", dtype=None):
        super().__init__(thresholds, top_k, class_id, name, dtype)

    def result(self):
        d = self.true_positives + self.false_positives
        return self.true_positives / d if d else 0.0


class Recall(_Confusion):
    """``TP / (TP + FN)`` of ``y_pred > thresholds`` (default 0.5)."""

    def __init__(self, thresholds=None, top_k=None, class_id=None, name="recall", dtype=None):
        super().__init__(thresholds, top_k, class_id, name, dtype)

    def result(self):
        d = self.true_positives + self.false_negatives
        return self.true_positives / d if d else 0.0


class AUC(Metric):
    """Area under the ROC (or precision-recall) curve, from counts at ``num_thresholds`` thresholds.

    Thresholds are spread evenly over [0, 1] as in Keras; the ROC area is the
    trapezoidal sum, the PR area a trapezoidal sum of precision over recall.
    """

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation", name="auc",
                 dtype=None, thresholds=None, multi_label=False, num_labels=None, label_weights=None,
                 from_logits=False):
        super().__init__(name=name, dtype=dtype)
        if thresholds is None and (not _v._is_int(num_thresholds) or num_thresholds <= 1):
            raise ValueError(f"Argument `num_thresholds` must be an integer > 1. Received: "
                             f"num_thresholds={num_thresholds!r}")
        if not isinstance(curve, str) or curve.upper() not in ("ROC", "PR"):
            raise ValueError(f"curve must be 'ROC' or 'PR', got {curve!r}")
        self.curve, self.summation_method = curve.upper(), summation_method
        self.from_logits = from_logits
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
        else:
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        self._thresholds = np.array([-EPSILON] + inner + [1.0 + EPSILON])
        self.num_thresholds = len(self._thresholds)
        self.reset_state()

    def reset_state(self):
        n = len(self._thresholds)
        self.tp, self.fp, self.tn, self.fn = (np.zeros(n) for _ in range(4))

    def update_state(self, y_true, y_pred, sample_weight=None):
        t, p = _labels(y_true), _arr(y_pred)
        t = _same(self.name, t, p)
        shape = p.shape
        if self.from_logits:
            with np.errstate(over="ignore"):     # exp(-p) overflows to inf for p << 0: sigmoid is then 0
                p = 1.0 / (1.0 + np.exp(-p))
        p = p.reshape(-1)
        yt = t.reshape(-1).astype(bool)
        w = np.ones_like(p, dtype=np.float64) if sample_weight is None else _weights(
            sample_weight, shape, self.name).reshape(-1)
        above = p[None, :] > self._thresholds[:, None]
        self.tp += (above & yt) @ w
        self.fp += (above & ~yt) @ w
        self.fn += (~above & yt) @ w
        self.tn += (~above & ~yt) @ w

    def result(self):
        tp, fp, tn, fn = self.tp, self.fp, self.tn, self.fn
        if self.curve == "ROC":
            tpr = np.divide(tp, tp + fn, out=np.zeros_like(tp), where=(tp + fn) > 0)
            fpr = np.divide(fp, fp + tn, out=np.zeros_like(fp), where=(fp + tn) > 0)
            return float(np.sum((fpr[:-1] - fpr[1:]) * (tpr[:-1] + tpr[1:]) / 2.0))
        prec = np.divide(tp, tp + fp, out=np.ones_like(tp), where=(tp + fp) > 0)
        rec = np.divide(tp, tp + fn, out=np.zeros_like(tp), where=(tp + fn) > 0)
        return float(np.sum((rec[:-1] - rec[1:]) * (prec[:-1] + prec[1:]) / 2.0))

    def get_config(self):
        cfg = super().get_config()
        cfg.update(num_thresholds=self.num_thresholds, curve=self.curve,
                   summation_method=self.summation_method, from_logits=self.from_logits)
        return cfg


# ----------------------------------------------------------------------------- lookup
_FUNCTIONS = {
    "accuracy": accuracy, "binary_accuracy": binary_accuracy, "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "top_k_categorical_accuracy": top_k_categorical_accuracy,
    "sparse_top_k_categorical_accuracy": sparse_top_k_categorical_accuracy,
    "mean_squared_error": mean_squared_error, "mse": mean_squared_error, "MSE": mean_squared_error,
    "mean_absolute_error": mean_absolute_error, "mae": mean_absolute_error, "MAE": mean_absolute_error,
    "mean_absolute_percentage_error": mean_absolute_percentage_error, "mape": mean_absolute_percentage_error,
    "binary_crossentropy": binary_crossentropy, "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
}
_CLASSES = {c.__name__: c for c in (
    Mean, Sum, Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
    TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy, MeanSquaredError, MeanAbsoluteError,
    MeanAbsolutePercentageError, RootMeanSquaredError, BinaryCrossentropy, CategoricalCrossentropy,
    SparseCategoricalCrossentropy, Precision, Recall, AUC)}
_LOWER_CLASSES = {"auc": AUC, "precision": Precision, "recall": Recall,
                  "root_mean_squared_error": RootMeanSquaredError, "rmse": RootMeanSquaredError}


def get(identifier):
    """Resolve a metric: a name (``'mae'``, ``'AUC'``, ``'precision'``), a Metric, a config dict or a
    callable ``fn(y_true, y_pred)`` (wrapped in :class:`MeanMetricWrapper`).

    ``'accuracy'``/``'acc'`` inside ``compile`` are resolved by the model (binary, categorical
    or sparse accuracy from the shapes, as Keras does); here ``'accuracy'`` is exact equality.

    Raises:
        ValueError: for an unknown name, listing the valid ones.
    """
    if identifier is None:
        return None
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str):
        fn = _FUNCTIONS.get(identifier)
        if fn is not None:
            return MeanMetricWrapper(fn, name=identifier)
        cls = _CLASSES.get(identifier) or _LOWER_CLASSES.get(identifier)
        if cls is not None:
            return cls(name=identifier) if identifier in _LOWER_CLASSES else cls()
        valid = sorted(set(n for n in _FUNCTIONS if not n.isupper()) | {"acc"} | set(_LOWER_CLASSES))
        raise ValueError(
            f"Unknown metric {identifier!r}. Valid names: {', '.join(valid)} (or a Metric class name "
            f"such as {', '.join(sorted(_CLASSES)[:4])}, ..., a Metric instance, or a callable)")
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier):
        return MeanMetricWrapper(identifier, name=getattr(identifier, "__name__", "metric"))
    raise TypeError(f"Could not interpret metric identifier: {identifier!r}")


def serialize(metric):
    """A JSON-able description: ``{'class_name', 'config'}`` for a Metric, a name otherwise."""
    return serialize_object(metric, Metric)


def deserialize(config, custom_objects=None):
    """Inverse of :func:`serialize` (``custom_objects`` maps names to user classes/functions)."""
    return deserialize_object(config, "metric", _CLASSES, get, custom_objects)
