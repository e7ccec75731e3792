"""Feature scaling for tabular data: ``StandardScaler``, ``MinMaxScaler``, ``normalize``.

The scalers follow scikit-learn's names (``fit``, ``transform``,
``fit_transform``, ``inverse_transform``, fitted attributes ending in ``_``).
They take a 2-D NumPy array or nerve ``Tensor`` of shape
(n_samples, n_features) and return the same kind; floating inputs keep their
dtype (float32 stays float32), others become the default float dtype. The
statistics are computed in float64 and stored as float64 NumPy arrays.

Example:
    >>> scaler = StandardScaler().fit(x_train)
    >>> x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)
"""
from __future__ import annotations

from ... import _backend as B
from ..._backend import np
from ...tensor import Tensor

__all__ = ["MinMaxScaler", "StandardScaler", "normalize"]


def _as_2d(X, who):
    """(float array, was_tensor) for a 2-D array-like ``X``."""
    is_tensor = isinstance(X, Tensor)
    a = B.to_device_array(X._data, "cpu") if is_tensor else np.asarray(X)
    if a.ndim != 2:
        raise ValueError(
            f"{who}: expected a 2D array of shape (n_samples, n_features), got {a.ndim}D array of shape "
            f"{a.shape}. Reshape your data with x.reshape(-1, 1) for a single feature or "
            "x.reshape(1, -1) for a single sample.")
    if a.dtype.kind != "f":
        if a.dtype.kind not in "biu":
            raise TypeError(f"{who}: expected numeric data, got dtype {a.dtype}")
        a = a.astype(B.get_default_dtype())
    return a, is_tensor


def _wrap(a, like_tensor):
    return Tensor._make(a) if like_tensor else a


def _zeros_to_one(scale):
    """Features with (numerically) zero spread are left unscaled, as in scikit-learn."""
    scale = scale.copy()
    scale[scale < 10 * np.finfo(scale.dtype).eps] = 1.0
    return scale


class _Scaler:
    def fit_transform(self, X, y=None):
        """``fit(X)`` then ``transform(X)``."""
        return self.fit(X, y).transform(X)

    def _check_fitted(self, who):
        if not hasattr(self, "n_features_in_"):
            raise RuntimeError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with appropriate "
                f"arguments before using '{who}'.")

    def _check_features(self, a, who):
        if a.shape[1] != self.n_features_in_:
            raise ValueError(
                f"{type(self).__name__}.{who}: X has {a.shape[1]} features, but the scaler was fitted "
                f"on {self.n_features_in_} features")

    def __repr__(self):
        return f"{type(self).__name__}({self._params()})"


class StandardScaler(_Scaler):
    """Standardise features: ``z = (x - mean_) / scale_`` per column.

    Args:
        with_mean: subtract the mean (default ``True``).
        with_std: divide by the standard deviation (default ``True``).

    Attributes (after ``fit``):
        mean_: per-feature mean, float64 (``None`` if neither centring nor scaling).
        var_: per-feature population variance (ddof=0), float64 (``None`` if ``with_std=False``).
        scale_: ``sqrt(var_)`` with zero-variance features set to 1 (``None`` if ``with_std=False``).
        n_features_in_, n_samples_seen_.

    Example:
        >>> s = StandardScaler()
        >>> z = s.fit_transform(np.array([[0., 10.], [2., 10.]], dtype=np.float32))
        >>> z, s.mean_, s.scale_
        (array([[-1., 0.], [1., 0.]], dtype=float32), array([ 1., 10.]), array([1., 1.]))
    """

    def __init__(self, *, with_mean=True, with_std=True):
        self.with_mean = with_mean
        self.with_std = with_std

    def _params(self):
        parts = []
        if not self.with_mean:
            parts.append("with_mean=False")
        if not self.with_std:
            parts.append("with_std=False")
        return ", ".join(parts)

    def fit(self, X, y=None):
        """Compute the per-feature mean and standard deviation of ``X`` (n_samples, n_features)."""
        a, _ = _as_2d(X, "StandardScaler.fit")
        a = a.astype(np.float64)
        self.n_features_in_ = a.shape[1]
        self.n_samples_seen_ = a.shape[0]
        self.mean_ = a.mean(axis=0) if (self.with_mean or self.with_std) else None
        if self.with_std:
            self.var_ = a.var(axis=0)
            self.scale_ = _zeros_to_one(np.sqrt(self.var_))
        else:
            self.var_ = self.scale_ = None
        return self

    def transform(self, X):
        """``(X - mean_) / scale_`` (each step only if enabled); same type and float dtype as ``X``."""
        self._check_fitted("transform")
        a, was_tensor = _as_2d(X, "StandardScaler.transform")
        self._check_features(a, "transform")
        out = a.copy()
        if self.with_mean:
            out -= self.mean_.astype(out.dtype)
        if self.with_std:
            out /= self.scale_.astype(out.dtype)
        return _wrap(out, was_tensor)

    def inverse_transform(self, X):
        """Undo ``transform``: ``X * scale_ + mean_``."""
        self._check_fitted("inverse_transform")
        a, was_tensor = _as_2d(X, "StandardScaler.inverse_transform")
        self._check_features(a, "inverse_transform")
        out = a.copy()
        if self.with_std:
            out *= self.scale_.astype(out.dtype)
        if self.with_mean:
            out += self.mean_.astype(out.dtype)
        return _wrap(out, was_tensor)


class MinMaxScaler(_Scaler):
    """Scale each feature linearly to ``feature_range``: ``x * scale_ + min_``.

    Args:
        feature_range: ``(lo, hi)`` with ``lo < hi`` (default ``(0, 1)``).
        clip: clip transformed values to ``feature_range`` (useful for unseen data).

    Attributes (after ``fit``):
        data_min_, data_max_, data_range_: per-feature minimum, maximum and their difference.
        scale_: ``(hi - lo) / data_range_`` (constant features: range taken as 1).
        min_: ``lo - data_min_ * scale_``.
        n_features_in_, n_samples_seen_.

    Example:
        >>> MinMaxScaler().fit_transform(np.array([[1.], [3.], [5.]]))
        array([[0. ], [0.5], [1. ]])
    """

    def __init__(self, feature_range=(0, 1), *, clip=False):
        self.feature_range = feature_range
        self.clip = clip

    def _params(self):
        parts = []
        if tuple(self.feature_range) != (0, 1):
            parts.append(f"feature_range={self.feature_range}")
        if self.clip:
            parts.append("clip=True")
        return ", ".join(parts)

    def fit(self, X, y=None):
        """Compute the per-feature minimum and maximum of ``X`` (n_samples, n_features)."""
        lo, hi = self.feature_range
        if not lo < hi:
            raise ValueError(
                f"MinMaxScaler: minimum of desired feature range must be smaller than maximum. "
                f"Got {tuple(self.feature_range)}.")
        a, _ = _as_2d(X, "MinMaxScaler.fit")
        if a.shape[0] == 0:
            raise ValueError("MinMaxScaler.fit: found an array with 0 samples; at least 1 is required")
        a = a.astype(np.float64)
        self.n_features_in_ = a.shape[1]
        self.n_samples_seen_ = a.shape[0]
        self.data_min_ = a.min(axis=0)
        self.data_max_ = a.max(axis=0)
        self.data_range_ = self.data_max_ - self.data_min_
        self.scale_ = (hi - lo) / _zeros_to_one(self.data_range_)
        self.min_ = lo - self.data_min_ * self.scale_
        return self

    def transform(self, X):
        """``X * scale_ + min_``; same type and float dtype as ``X``."""
        self._check_fitted("transform")
        a, was_tensor = _as_2d(X, "MinMaxScaler.transform")
        self._check_features(a, "transform")
        out = a * self.scale_.astype(a.dtype)
        out += self.min_.astype(a.dtype)
        if self.clip:
            np.clip(out, self.feature_range[0], self.feature_range[1], out=out)
        return _wrap(out, was_tensor)

    def inverse_transform(self, X):
        """Undo ``transform``: ``(X - min_) / scale_``."""
        self._check_fitted("inverse_transform")
        a, was_tensor = _as_2d(X, "MinMaxScaler.inverse_transform")
        self._check_features(a, "inverse_transform")
        out = a - self.min_.astype(a.dtype)
        out /= self.scale_.astype(a.dtype)
        return _wrap(out, was_tensor)


def normalize(x, mean, std, dim=-1):
    """``(x - mean) / std`` with ``mean``/``std`` given per entry of dimension ``dim``.

    Unlike ``sklearn.preprocessing.normalize`` (unit-norm rows) this is
    standardisation with known statistics, like torchvision's ``Normalize``.
    A nerve ``Tensor`` gives a Tensor (differentiable, through tensor ops), an
    array gives an array; float dtypes are kept.

    Args:
        x: array or Tensor.
        mean, std: numbers or sequences with one value per entry of ``x``'s dim ``dim``.
        dim: the dim ``mean``/``std`` index: ``-1`` (default) for features of tabular data,
            ``1`` for the channels of (N, C, H, W) images, ``0`` for a single (C, H, W) image.

    Example:
        >>> normalize(images, (0.1307,), (0.3081,), dim=1)        # MNIST, (N, 1, 28, 28)
    """
    is_tensor = isinstance(x, Tensor)
    a = x._data if is_tensor else np.asarray(x)
    dt = a.dtype if a.dtype.kind == "f" else B.get_default_dtype()
    m = np.asarray(mean, dtype=np.float64)
    s = np.asarray(std, dtype=np.float64)
    if np.any(s == 0):
        raise ValueError(f"normalize: std must be non-zero everywhere, got {s.tolist()}")
    if m.ndim > 1 or s.ndim > 1:
        raise ValueError(f"normalize: mean and std must be numbers or 1-D sequences, got shapes "
                         f"{m.shape} and {s.shape}")
    if m.ndim == 1 or s.ndim == 1:
        if a.ndim == 0:
            raise ValueError("normalize: per-entry mean/std need an input with at least 1 dim")
        d = dim % a.ndim if -a.ndim <= dim < a.ndim else None
        if d is None:
            raise IndexError(f"normalize: dim {dim} is out of range for an input of shape {a.shape}")
        n = a.shape[d]
        for v, name in ((m, "mean"), (s, "std")):
            if v.ndim == 1 and v.shape[0] not in (1, n):
                raise ValueError(
                    f"normalize: {name} has {v.shape[0]} values but dim {dim} of the input (shape "
                    f"{a.shape}) has {n} entries")
        view = (1,) * d + (-1,) + (1,) * (a.ndim - d - 1)
        m = m.reshape(view) if m.ndim == 1 else m
        s = s.reshape(view) if s.ndim == 1 else s
    xp = B.array_module(B.device_of(a))
    m, s = xp.asarray(m.astype(dt)), xp.asarray(s.astype(dt))
    if is_tensor:
        if x.dtype != dt:
            x = x.to(dt)
        return (x - Tensor._make(m)) / Tensor._make(s)
    return (a.astype(dt, copy=False) - m) / s
