"""Weight initialisers, in place, with ``torch.nn.init``'s names, arguments and formulas.

Each function fills ``tensor`` (a ``Tensor``/``Parameter`` or a raw array) in place
without recording a graph, keeps its dtype and device, and returns it. Random
values come from nerve's default generator (``nerve.manual_seed``) unless a
``generator`` is given.

Fans: for a weight of shape ``(out, in, *kernel)``, ``fan_in = in * prod(kernel)``
and ``fan_out = out * prod(kernel)``.

Example:
    >>> w = nn.Parameter(nerve.empty(128, 784))
    >>> nn.init.kaiming_normal_(w, nonlinearity="relu")     # std = sqrt(2 / 784)
"""
from __future__ import annotations

import math
import numbers
import warnings

from .. import _backend as B
from .._backend import np
from ..tensor import Tensor

__all__ = [
    "calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_",
    "eye_", "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
    "orthogonal_",
]


def _data(tensor, op="init"):
    if isinstance(tensor, Tensor):
        return tensor._data
    if isinstance(tensor, np.ndarray) or type(tensor).__module__.startswith("cupy"):   # a raw array
        return tensor
    raise TypeError(f"{op}(): argument 'tensor' (position 1) must be Tensor, not {type(tensor).__name__}")


def _number(op, name, pos, value):
    """``value`` as a Python number, or PyTorch's TypeError naming the argument."""
    if isinstance(value, Tensor) and value._data.size == 1:
        value = value._data.item()
    if isinstance(value, (numbers.Real, np.generic)) and not isinstance(value, complex):
        return value
    raise TypeError(f"{op}(): argument '{name}' (position {pos}) must be Number, not {type(value).__name__}")


def _floats(op, tensor, kernel):
    """The tensor's array, which must be floating point for a random fill (PyTorch's NotImplementedError)."""
    d = _data(tensor, op)
    if d.dtype.kind not in "fc":
        raise NotImplementedError(
            f"{op}: \"{kernel}\" not implemented for dtype {d.dtype}: it needs a floating point tensor")
    return d


def _fill(tensor, values):
    """Write a NumPy array into the tensor's storage (cast to its dtype, moved to its device)."""
    d = _data(tensor)
    if not isinstance(d, np.ndarray):
        values = B.to_device_array(values, B.device_of(d))
    d[...] = values
    return tensor


def calculate_gain(nonlinearity, param=None):
    """The recommended gain for a nonlinearity (multiplies the init std).

    ============================  =============================================
    linear, conv*, sigmoid        1
    tanh                          5/3
    relu                          sqrt(2)
    leaky_relu                    sqrt(2 / (1 + negative_slope**2)) (slope ``param``, default 0.01)
    selu                          3/4
    ============================  =============================================
    """
    linear_fns = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                  "conv_transpose3d"]
    if nonlinearity in linear_fns or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif (not isinstance(param, bool) and isinstance(param, int)) or isinstance(param, float):
            negative_slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(
        f"Unsupported nonlinearity {nonlinearity}; expected one of {linear_fns + ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'selu']}")


def _calculate_fan_in_and_fan_out(tensor):
    shape = _data(tensor, "_calculate_fan_in_and_fan_out").shape
    if len(shape) < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive = 1
    for s in shape[2:]:
        receptive *= s
    return shape[1] * receptive, shape[0] * receptive


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    valid = ["fan_in", "fan_out"]
    if mode not in valid:
        raise ValueError(f"Mode {mode} not supported, please use one of {valid}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _rng(op, generator):
    if generator is not None and not isinstance(generator, B.Generator):
        raise TypeError(f"{op}(): argument 'generator' must be nerve.Generator, not {type(generator).__name__}")
    return B.get_rng(generator)


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill with values drawn from U(a, b)."""
    a, b = _number("uniform_", "a", 2, a), _number("uniform_", "b", 3, b)
    if a > b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a:g} > to={b:g}")
    d = _floats("uniform_", tensor, "check_uniform_bounds")
    return _fill(tensor, _rng("uniform_", generator).uniform(a, b, d.shape))


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill with values drawn from N(mean, std**2)."""
    mean, std = _number("normal_", "mean", 2, mean), _number("normal_", "std", 3, std)
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    d = _floats("normal_", tensor, "normal_kernel_cpu")
    return _fill(tensor, _rng("normal_", generator).normal(mean, std, d.shape))


# Acklam's rational approximation of the inverse normal CDF (relative error < 1.2e-9).
_A = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
      1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00)
_B = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
      6.680131188771972e+01, -1.328068155288572e+01)
_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
      -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00)


def _poly(coefs, x):
    out = np.full_like(x, coefs[0])
    for c in coefs[1:]:
        out = out * x + c
    return out


def _ndtri(p):
    """Inverse of the standard normal CDF, elementwise on a float64 array in (0, 1)."""
    p = np.clip(p, 1e-300, 1 - 1e-16)
    x = np.empty_like(p)
    lo, hi = p < 0.02425, p > 1 - 0.02425
    mid = ~(lo | hi)
    q = p[mid] - 0.5
    r = q * q
    x[mid] = _poly(_A, r) * q / (_poly(_B, r) * r + 1)
    q = np.sqrt(-2 * np.log(p[lo]))
    x[lo] = _poly(_C, q) / (_poly(_D, q) * q + 1)
    q = np.sqrt(-2 * np.log1p(-p[hi]))
    x[hi] = -_poly(_C, q) / (_poly(_D, q) * q + 1)
    return x


def _norm_cdf(x):
    return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fill with N(mean, std**2) truncated to ``[a, b]`` (inverse-CDF sampling, like PyTorch).

    ``a`` and ``b`` are absolute bounds, not multiples of ``std``.
    """
    mean, std = _number("trunc_normal_", "mean", 2, mean), _number("trunc_normal_", "std", 3, std)
    a, b = _number("trunc_normal_", "a", 4, a), _number("trunc_normal_", "b", 5, b)
    if a > b:
        raise RuntimeError(f"trunc_normal_ expects a <= b (the interval [a, b] the values are truncated to), "
                           f"but found a={a:g} > b={b:g}")
    if not std > 0:
        raise RuntimeError(f"trunc_normal_ expects std > 0.0, but found std {std:g}")
    d = _floats("trunc_normal_", tensor, "normal_kernel_cpu")
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.", stacklevel=2)
    lo, hi = _norm_cdf((a - mean) / std), _norm_cdf((b - mean) / std)
    u = _rng("trunc_normal_", generator).uniform(lo, hi, d.shape)
    return _fill(tensor, np.clip(_ndtri(u) * std + mean, a, b))


def constant_(tensor, val):
    """Fill with the value ``val``."""
    d = _data(tensor, "constant_")
    if not isinstance(val, (numbers.Number, np.generic)) and not (isinstance(val, Tensor) and val._data.size == 1):
        raise TypeError(f"constant_(): argument 'val' (position 2) must be Number, not {type(val).__name__}")
    d[...] = val._data if isinstance(val, Tensor) else val
    return tensor


def ones_(tensor):
    """Fill with ones."""
    _data(tensor, "ones_")
    return constant_(tensor, 1)


def zeros_(tensor):
    """Fill with zeros."""
    _data(tensor, "zeros_")
    return constant_(tensor, 0)


def eye_(tensor):
    """Fill a 2-D tensor with the identity matrix (ones on the diagonal)."""
    d = _data(tensor, "eye_")
    if d.ndim != 2:
        raise ValueError(f"Only tensors with 2 dimensions are supported, got shape {tuple(d.shape)}")
    d[...] = 0
    n = min(d.shape)
    d[np.arange(n), np.arange(n)] = 1
    return tensor


def dirac_(tensor, groups=1):
    """Fill a {3,4,5}-D conv weight with the Dirac delta (convolution keeps the input)."""
    d = _data(tensor, "dirac_")
    if d.ndim not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    if d.shape[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    out_per_group = d.shape[0] // groups
    min_dim = min(out_per_group, d.shape[1])
    d[...] = 0
    centre = tuple(s // 2 for s in d.shape[2:])
    for g in range(groups):
        for k in range(min_dim):
            d[(g * out_per_group + k, k) + centre] = 1
    return tensor


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Glorot uniform: U(-a, a) with ``a = gain * sqrt(6 / (fan_in + fan_out))``."""
    gain = _number("xavier_uniform_", "gain", 2, gain)
    _floats("xavier_uniform_", tensor, "check_uniform_bounds")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """Glorot normal: N(0, std**2) with ``std = gain * sqrt(2 / (fan_in + fan_out))``."""
    gain = _number("xavier_normal_", "gain", 2, gain)
    _floats("xavier_normal_", tensor, "normal_kernel_cpu")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def _kaiming_std(tensor, a, mode, nonlinearity):
    fan = _calculate_correct_fan(tensor, mode)
    gain = calculate_gain(nonlinearity, a)
    return gain / math.sqrt(fan)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He uniform: U(-bound, bound) with ``bound = gain * sqrt(3 / fan)``.

    Args:
        tensor: an n-D tensor, n >= 2.
        a: negative slope of the following leaky ReLU (used only with ``'leaky_relu'``).
        mode: ``'fan_in'`` (preserves the forward variance) or ``'fan_out'`` (the backward one).
        nonlinearity: ``'relu'`` or ``'leaky_relu'`` (recommended), see ``calculate_gain``.
    """
    if 0 in _floats("kaiming_uniform_", tensor, "check_uniform_bounds").shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He normal: N(0, std**2) with ``std = gain / sqrt(fan)``; arguments as ``kaiming_uniform_``."""
    if 0 in _floats("kaiming_normal_", tensor, "normal_kernel_cpu").shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity), generator)


def orthogonal_(tensor, gain=1, generator=None):
    """Fill with a (semi-)orthogonal matrix (Saxe et al. 2013) scaled by ``gain``.

    Dimensions after the first are flattened; the rows (or columns, whichever are
    fewer) of the resulting 2-D matrix are orthonormal.
    """
    gain = _number("orthogonal_", "gain", 2, gain)
    d = _floats("orthogonal_", tensor, "normal_kernel_cpu")
    if d.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if d.size == 0:
        return tensor
    rows = d.shape[0]
    cols = d.size // rows
    flat = _rng("orthogonal_", generator).normal(0.0, 1.0, (rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))  # make the decomposition unique (uniform over orthogonal matrices)
    if rows < cols:
        q = q.T
    return _fill(tensor, (gain * q).reshape(d.shape))
