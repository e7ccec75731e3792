"""Weight initialisers with Keras names and Keras fan rules (kernels are ``(in, out)``).

An initializer is called as ``init(shape, dtype=None)`` and returns a NumPy array.
Random ones draw from nerve's default generator (``nerve.manual_seed``), or from
their own generator when given ``seed``.

Example:
    >>> from nerve.keras import initializers
    >>> w = initializers.get("glorot_uniform")((784, 64))   # U(-a, a), a = sqrt(6 / (784 + 64))
"""
from __future__ import annotations

import math

from .. import _backend as B
from .._backend import np
from ._registry import deserialize_object, serialize_object

__all__ = [
    "Initializer", "Zeros", "Ones", "Constant", "RandomNormal", "RandomUniform", "TruncatedNormal",
    "VarianceScaling", "GlorotUniform", "GlorotNormal", "HeNormal", "HeUniform", "LecunNormal",
    "LecunUniform", "Orthogonal", "Identity", "get", "serialize", "deserialize",
]


def compute_fans(shape):
    """Keras' ``(fan_in, fan_out)``: kernels are ``(..., in, out)``, conv receptive fields multiply."""
    shape = tuple(shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = int(np.prod(shape[:-2]))
    return shape[-2] * receptive, shape[-1] * receptive


class Initializer:
    """Base class: ``__call__(shape, dtype=None)`` returns an array; ``get_config`` describes it."""

    def __call__(self, shape, dtype=None):  # pragma: no cover - abstract
        raise NotImplementedError

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def _dtype(self, dtype):
        return B.to_dtype(dtype) if dtype is not None else B.float32

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class _Seeded(Initializer):
    def __init__(self, seed=None):
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(int(seed))

    def _gen(self):
        return self._rng if self._rng is not None else B.get_rng()

    def get_config(self):
        return {"seed": self.seed}


class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape, dtype=None):
        return np.zeros(tuple(shape), dtype=self._dtype(dtype))


class Ones(Initializer):
    """All ones."""

    def __call__(self, shape, dtype=None):
        return np.ones(tuple(shape), dtype=self._dtype(dtype))


class Constant(Initializer):
    """Every entry equals ``value``."""

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        return np.full(tuple(shape), self.value, dtype=self._dtype(dtype))

    def get_config(self):
        return {"value": self.value}


class RandomNormal(_Seeded):
    """Normal(``mean``, ``stddev``)."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        return self._gen().normal(self.mean, self.stddev, tuple(shape)).astype(self._dtype(dtype))

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(_Seeded):
    """Uniform(``minval``, ``maxval``)."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape, dtype=None):
        return self._gen().uniform(self.minval, self.maxval, tuple(shape)).astype(self._dtype(dtype))

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


def _truncated_normal(rng, mean, stddev, shape):
    """Normal samples redrawn until they fall within two standard deviations (Keras' rule)."""
    out = rng.normal(0.0, 1.0, shape)
    bad = np.abs(out) > 2.0
    while bad.any():
        out[bad] = rng.normal(0.0, 1.0, int(bad.sum()))
        bad = np.abs(out) > 2.0
    return out * stddev + mean


class TruncatedNormal(_Seeded):
    """Normal(``mean``, ``stddev``) truncated at two standard deviations."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        return _truncated_normal(self._gen(), self.mean, self.stddev, tuple(shape)).astype(self._dtype(dtype))

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class VarianceScaling(_Seeded):
    """Samples scaled to the fan: variance ``scale / n`` with ``n`` = fan_in, fan_out or their average.

    Args:
        scale: positive factor.
        mode: ``'fan_in'``, ``'fan_out'`` or ``'fan_avg'``.
        distribution: ``'truncated_normal'``, ``'untruncated_normal'`` or ``'uniform'``.
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        super().__init__(seed)
        if scale <= 0:
            raise ValueError(f"scale must be positive, got {scale}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"mode must be 'fan_in', 'fan_out' or 'fan_avg', got {mode!r}")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
            raise ValueError("distribution must be 'truncated_normal', 'untruncated_normal' or 'uniform', "
                             f"got {distribution!r}")
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def __call__(self, shape, dtype=None):
        shape = tuple(shape)
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, n)
        rng = self._gen()
        if self.distribution == "truncated_normal":
            # 0.8796... is the stddev of a standard normal truncated to (-2, 2)
            out = _truncated_normal(rng, 0.0, math.sqrt(scale) / 0.87962566103423978, shape)
        elif self.distribution == "untruncated_normal":
            out = rng.normal(0.0, math.sqrt(scale), shape)
        else:
            limit = math.sqrt(3.0 * scale)
            out = rng.uniform(-limit, limit, shape)
        return out.astype(self._dtype(dtype))

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution, "seed": self.seed}


class _Preset(VarianceScaling):
    _args = ()

    def __init__(self, seed=None):
        super().__init__(*self._args, seed=seed)

    def get_config(self):
        return {"seed": self.seed}


class GlorotUniform(_Preset):
    """Uniform(-a, a) with ``a = sqrt(6 / (fan_in + fan_out))`` (Xavier)."""
    _args = (1.0, "fan_avg", "uniform")


class GlorotNormal(_Preset):
    """Truncated normal with stddev ``sqrt(2 / (fan_in + fan_out))``."""
    _args = (1.0, "fan_avg", "truncated_normal")


class HeNormal(_Preset):
    """Truncated normal with stddev ``sqrt(2 / fan_in)`` (Kaiming)."""
    _args = (2.0, "fan_in", "truncated_normal")


class HeUniform(_Preset):
    """Uniform(-a, a) with ``a = sqrt(6 / fan_in)``."""
    _args = (2.0, "fan_in", "uniform")


class LecunNormal(_Preset):
    """Truncated normal with stddev ``sqrt(1 / fan_in)``."""
    _args = (1.0, "fan_in", "truncated_normal")


class LecunUniform(_Preset):
    """Uniform(-a, a) with ``a = sqrt(3 / fan_in)``."""
    _args = (1.0, "fan_in", "uniform")


class Orthogonal(_Seeded):
    """A (semi-)orthogonal matrix times ``gain`` (QR of a normal matrix, signs fixed)."""

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = tuple(shape)
        if len(shape) < 2:
            raise ValueError(f"Orthogonal initializer needs a shape with at least 2 dims, got {shape}")
        rows = int(np.prod(shape[:-1]))
        cols = shape[-1]
        a = self._gen().normal(0.0, 1.0, (max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q *= np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return (self.gain * q.reshape(shape)).astype(self._dtype(dtype))

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    """``gain`` times the identity matrix (2-D shapes only)."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError(f"Identity initializer needs a 2-D shape, got {tuple(shape)}")
        return (self.gain * np.eye(*shape)).astype(self._dtype(dtype))

    def get_config(self):
        return {"gain": self.gain}


_CLASSES = {c.__name__: c for c in (
    Zeros, Ones, Constant, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling, GlorotUniform,
    GlorotNormal, HeNormal, HeUniform, LecunNormal, LecunUniform, Orthogonal, Identity)}
_ALIASES = {
    "zeros": Zeros, "ones": Ones, "constant": Constant, "random_normal": RandomNormal,
    "random_uniform": RandomUniform, "truncated_normal": TruncatedNormal,
    "variance_scaling": VarianceScaling, "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal,
    "he_normal": HeNormal, "he_uniform": HeUniform, "lecun_normal": LecunNormal,
    "lecun_uniform": LecunUniform, "orthogonal": Orthogonal, "identity": Identity,
}


def get(identifier):
    """Resolve an initializer: a name (``'he_normal'``), a config dict, an Initializer or a callable.

    Raises:
        ValueError: for an unknown name, listing the valid ones.
    """
    if identifier is None:
        return None
    if isinstance(identifier, Initializer) or (callable(identifier) and not isinstance(identifier, (str, type))):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = _ALIASES.get(identifier) or _CLASSES.get(identifier)
        if cls is None:
            raise ValueError(
                f"Unknown initializer {identifier!r}. Valid names: {', '.join(sorted(_ALIASES))}")
        return cls()
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    raise TypeError(f"Could not interpret initializer identifier: {identifier!r}")


def serialize(initializer):
    """A JSON-able description: ``{'class_name', 'config'}`` for a Initializer, a name otherwise."""
    return serialize_object(initializer, Initializer)


def deserialize(config, custom_objects=None):
    """Inverse of :func:`serialize` (``custom_objects`` maps names to user classes/functions)."""
    return deserialize_object(config, "initializer", {**_ALIASES, **_CLASSES}, get, custom_objects)
