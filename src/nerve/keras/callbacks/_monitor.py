"""Shared by EarlyStopping and ModelCheckpoint: which way is "better" for a metric."""
from __future__ import annotations

import operator
import warnings

# Metric-name endings (after an optional 'val_') that are better when higher /
# lower. Keras 3 reads the direction off the compiled metric objects; names are
# the fallback for models and loops that have none.
_UP = ("acc", "accuracy", "auc", "precision", "recall", "f1_score", "fbeta_score", "iou",
       "r2_score", "cosine_similarity", "true_positives", "true_negatives")
_DOWN = ("loss", "error", "crossentropy", "mse", "mae", "mape", "msle", "rmse", "hinge",
         "divergence", "poisson", "logcosh", "false_positives", "false_negatives")


def check_mode(cls_name: str, mode: str) -> str:
    if mode not in ("auto", "min", "max"):
        warnings.warn(f"{cls_name} mode '{mode}' is unknown, fallback to auto mode.", stacklevel=3)
        return "auto"
    return mode


def _metric_direction(model, name):
    """'up'/'down' from a model metric named ``name`` that declares one, else None."""
    try:
        metrics = getattr(model, "metrics", None)
    except Exception:  # e.g. a model that is not compiled yet
        return None
    if not metrics:
        return None
    stack = list(metrics) if isinstance(metrics, (list, tuple)) else []
    while stack:
        m = stack.pop()
        inner = getattr(m, "metrics", None)
        if isinstance(inner, (list, tuple)):
            stack.extend(inner)
        if getattr(m, "name", None) == name:
            d = getattr(m, "_direction", None) or getattr(m, "direction", None)
            if d in ("up", "down"):
                return d
    return None


def monitor_op(cls_name: str, monitor: str, mode: str, model=None):
    """``operator.gt`` (higher is better) or ``operator.lt`` for ``monitor`` under ``mode``."""
    if mode == "min":
        return operator.lt
    if mode == "max":
        return operator.gt
    name = monitor[4:] if monitor.startswith("val_") else monitor
    if name == "loss":
        return operator.lt
    direction = _metric_direction(model, name)
    if direction is None:
        if name.endswith(_UP):
            direction = "up"
        elif name.endswith(_DOWN):
            direction = "down"
    if direction is None:
        raise ValueError(
            f"{cls_name} callback received monitor={monitor!r}, but nerve cannot tell whether "
            "that metric should be maximized or minimized. Pass mode='max' to monitor the "
            "highest value, or mode='min' to monitor the lowest.")
    return operator.gt if direction == "up" else operator.lt


def get_scalar(logs, key):
    """``logs[key]`` as a float, or None when missing."""
    if not logs:
        return None
    v = logs.get(key)
    if v is None:
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return v
