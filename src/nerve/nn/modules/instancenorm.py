"""Instance normalisation layers: ``InstanceNorm1d``, ``InstanceNorm2d`` and ``InstanceNorm3d``."""
from __future__ import annotations

import warnings

from ...ops.norm import instance_norm
from .batchnorm import _NormBase

__all__ = ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"]


class _InstanceNorm(_NormBase):
    """PyTorch's ``_InstanceNorm``: affine off and no running statistics by default."""

    _spatial = 0        # spatial dims: the unbatched input has _spatial + 1 dims

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False,
                 device=None, dtype=None):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype)

    def _check_input_dim(self, input):  # noqa: A002
        nd = len(input.shape)
        k = self._spatial
        if nd not in (k + 1, k + 2):
            raise ValueError(f"{type(self).__name__}: expected {k + 1}D or {k + 2}D input (got {nd}D input of "
                             f"shape {tuple(input.shape)})")

    def _apply_instance_norm(self, input):  # noqa: A002
        return instance_norm(input, self.running_mean, self.running_var, self.weight, self.bias,
                             self.training or not self.track_running_stats,
                             self.momentum if self.momentum is not None else 0.0, self.eps)

    def forward(self, input):  # noqa: A002 - PyTorch name
        self._check_input_dim(input)
        shape = tuple(input.shape)
        unbatched = len(shape) == self._spatial + 1
        dim = 0 if unbatched else 1
        if shape[dim] != self.num_features:
            if self.affine:
                raise ValueError(f"expected input's size at dim={dim} to match num_features "
                                 f"({self.num_features}), but got: {shape[dim]}.")
            warnings.warn(f"input's size at dim={dim} does not match num_features. You can silence this "
                          f"warning by not passing in num_features, which is not used because affine=False",
                          stacklevel=2)
        if unbatched:
            return self._apply_instance_norm(input.unsqueeze(0)).squeeze(0)
        return self._apply_instance_norm(input)


class InstanceNorm1d(_InstanceNorm):
    """Normalise each (sample, channel) sequence of a (N, C, L) or (C, L) input over L.

    ``y = (x - mean) / sqrt(var + eps) * weight + bias`` with the mean and (biased)
    variance of each instance. With ``track_running_stats=True`` the running
    averages of the instance statistics are kept (unbiased variance, ``momentum``)
    and used in eval mode; by default the instance statistics are used in both modes.

    Args:
        num_features: C, the number of channels.
        eps: added to the variance (default 1e-5).
        momentum: weight of each new batch in the running statistics (default 0.1).
        affine: learn a per-channel ``weight`` and ``bias`` (default False).
        track_running_stats: keep ``running_mean``/``running_var`` (default False).
        device, dtype: where and in what float type the parameters and buffers live.

    Shape:
        input (N, C, L) or (C, L); output the same.

    Example:
        >>> nn.InstanceNorm1d(4)(nerve.randn(2, 4, 10)).shape
        (2, 4, 10)
    """

    _spatial = 1


class InstanceNorm2d(_InstanceNorm):
    """Normalise each (sample, channel) plane of a (N, C, H, W) or (C, H, W) input over H and W.

    Same as ``InstanceNorm1d``, with two spatial dims. Args as for ``InstanceNorm1d``.

    Shape:
        input (N, C, H, W) or (C, H, W); output the same.

    Example:
        >>> nn.InstanceNorm2d(3, affine=True)(nerve.randn(2, 3, 8, 8)).shape
        (2, 3, 8, 8)
    """

    _spatial = 2


class InstanceNorm3d(_InstanceNorm):
    """Normalise each (sample, channel) volume of a (N, C, D, H, W) or (C, D, H, W) input.

    Same as ``InstanceNorm1d``, with three spatial dims. Args as for ``InstanceNorm1d``.

    Example:
        >>> nn.InstanceNorm3d(2)(nerve.randn(1, 2, 3, 4, 4)).shape
        (1, 2, 3, 4, 4)
    """

    _spatial = 3
