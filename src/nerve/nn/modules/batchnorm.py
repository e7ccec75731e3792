"""Batch normalisation layers: ``BatchNorm1d``, ``BatchNorm2d`` and ``BatchNorm3d``."""
from __future__ import annotations

from ... import _backend as B
from ...autograd.function import OpError
from ._args import size_arg
from ...ops.norm import batch_norm
from ...tensor import Tensor
from .. import init
from .normalization import affine_parameters
from .module import Module

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d"]


class _NormBase(Module):
    """Parameters, running-statistics buffers and their resets (PyTorch's ``_NormBase``)."""

    _version = 2

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 device=None, dtype=None, *, bias=True):
        super().__init__()
        self.num_features = num_features = size_arg(type(self).__name__, "num_features", num_features)
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        xp = B.array_module(device)
        dtype = B.to_dtype(dtype) or B.get_default_dtype()
        affine_parameters(self, (num_features,), affine, bias, xp, dtype)
        if track_running_stats:
            self.register_buffer("running_mean", Tensor._make(xp.zeros((num_features,), dtype=dtype)))
            self.register_buffer("running_var", Tensor._make(xp.ones((num_features,), dtype=dtype)))
            self.register_buffer("num_batches_tracked", Tensor._make(xp.zeros((), dtype=B.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self):
        """Running mean 0, running variance 1, batch counter 0."""
        if self.track_running_stats:
            self.running_mean._data[...] = 0
            self.running_var._data[...] = 1
            self.num_batches_tracked._data[...] = 0

    def reset_parameters(self):
        """Reset the running statistics; ``weight`` to ones and ``bias`` to zeros."""
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def _check_input_dim(self, input):  # noqa: A002
        raise NotImplementedError

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        # Checkpoints from before the counter existed (PyTorch < 0.4.1) lack it: keep ours.
        key = prefix + "num_batches_tracked"
        if self.track_running_stats and key not in state_dict and self.num_batches_tracked is not None:
            state_dict[key] = self.num_batches_tracked
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class _BatchNorm(_NormBase):
    _expected = ""

    def _check_input_dim(self, input):  # noqa: A002
        shape = tuple(input.shape)
        if len(shape) not in self._dims:
            raise ValueError(
                f"{type(self).__name__}: expected {self._expected} input (got {len(shape)}D input of "
                f"shape {shape})")
        if shape[1] != self.num_features:
            # PyTorch: RuntimeError ("running_mean should contain 4 elements not 3"); OpError is both
            raise OpError(
                f"{type(self).__name__}: expected {self.num_features} channels (num_features) in dim 1 "
                f"of the input, got {shape[1]} (input shape {shape})")

    def forward(self, input):  # noqa: A002 - PyTorch name
        self._check_input_dim(input)
        training = self.training
        if training and input._data.size // self.num_features <= 1:
            raise ValueError(
                f"Expected more than 1 value per channel when training, got input size {tuple(input.shape)}")
        factor = 0.0 if self.momentum is None else self.momentum
        if training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked._data += 1
            if self.momentum is None:  # cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked._data)
        # batch statistics in training, and in eval when no running statistics are kept
        use_batch = training or (self.running_mean is None and self.running_var is None)
        keep = not training or self.track_running_stats
        return batch_norm(input, self.running_mean if keep else None, self.running_var if keep else None,
                          self.weight, self.bias, use_batch, factor, self.eps)


class BatchNorm1d(_BatchNorm):
    """Batch normalisation over a (N, C) or (N, C, L) input, per channel C.

    ``y = (x - mean) / sqrt(var + eps) * weight + bias``. In training mode the
    mean and (biased) variance are the batch's, over N (and L), and the running
    estimates are updated: ``running = (1 - momentum) * running + momentum * batch``
    (unbiased variance for ``running_var``; ``momentum=None`` gives the cumulative
    average over all batches seen). In eval mode the running estimates are used.

    Args:
        num_features: C, the number of channels.
        eps: added to the variance for numerical stability (default 1e-5).
        momentum: weight of each new batch in the running statistics (default 0.1), or ``None``.
        affine: learn ``weight`` (init 1) and ``bias`` (init 0) of shape (C,).
        bias: with ``affine``, learn the bias too (keyword only, as in PyTorch 2.13).
        track_running_stats: keep ``running_mean``/``running_var``/``num_batches_tracked``
            buffers; if ``False`` batch statistics are used in eval mode as well.
        device, dtype: where and in what float type the parameters and buffers live.

    Shape:
        input (N, C) or (N, C, L); output the same.

    Example:
        >>> bn = nn.BatchNorm1d(64)
        >>> bn(nerve.randn(32, 64)).shape
        (32, 64)
    """

    _dims = (2, 3)
    _expected = "2D or 3D"


class BatchNorm2d(_BatchNorm):
    """Batch normalisation over a (N, C, H, W) input, per channel C.

    Same as ``BatchNorm1d`` (statistics over N, H and W). Args as for ``BatchNorm1d``.

    Shape:
        input (N, C, H, W); output the same.

    Example:
        >>> bn = nn.BatchNorm2d(16)
        >>> bn(nerve.randn(8, 16, 28, 28)).shape
        (8, 16, 28, 28)
    """

    _dims = (4,)
    _expected = "4D"


class BatchNorm3d(_BatchNorm):
    """Batch normalisation over a (N, C, D, H, W) input, per channel C.

    Same as ``BatchNorm1d`` (statistics over N, D, H and W). Args as for ``BatchNorm1d``.

    Shape:
        input (N, C, D, H, W); output the same.

    Example:
        >>> bn = nn.BatchNorm3d(4)
        >>> bn(nerve.randn(2, 4, 3, 5, 5)).shape
        (2, 4, 3, 5, 5)
    """

    _dims = (5,)
    _expected = "5D"
