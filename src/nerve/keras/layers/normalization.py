"""Normalisation layers: BatchNormalization, LayerNormalization and the ``Normalization`` preprocessor.

Keras semantics, which differ from PyTorch's in two places:

* ``momentum=0.99`` is the weight of the *old* value:
  ``moving = 0.99 * moving + 0.01 * batch_stat`` (PyTorch's ``momentum=0.01``).
* The moving variance is updated with the *biased* batch variance (Keras uses
  ``ops.moments``); PyTorch's ``running_var`` uses the unbiased one.

Both layers run on ``nerve.ops.norm``'s fused ``Normalize`` primitive (one op
with a closed-form backward); channels are on ``axis`` (the last by default).
"""
from __future__ import annotations


from ..._backend import np
from ...ops.norm import Normalize
from ...tensor import Tensor
from .. import _validation as _v
from .. import initializers as _initializers
from .. import regularizers as _regularizers
from .base import Layer
from .core import _check_no_constraints, _single_input_error

__all__ = ["BatchNormalization", "LayerNormalization", "Normalization"]

_make = Tensor._make


def _check_axis(axis, what):
    ok = _v._is_int(axis) or (isinstance(axis, (list, tuple)) and axis and all(_v._is_int(a) for a in axis))
    if not ok:
        raise ValueError(f"{what}: `axis` must be an integer or a list of integers. Received: axis={axis!r}")


def _axes(axis, ndim, what):
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(f"{what}: axis {a} is out of range for inputs with {ndim} dimensions")
        out.append(int(a) % ndim)
    return tuple(sorted(set(out)))


class BatchNormalization(Layer):
    """Normalise each feature with the batch's mean and variance (training) or moving averages (inference).

    Args:
        axis: the features axis (default -1, channels last).
        momentum: weight of the old value in the moving averages (Keras: 0.99).
        epsilon: added to the variance (Keras: 1e-3).
        center, scale: learn ``beta`` (shift) / ``gamma`` (scale).

    A layer with ``trainable=False`` runs in inference mode (Keras' rule for fine-tuning).
    Weights (Keras order): ``gamma``, ``beta`` (trainable), ``moving_mean``, ``moving_variance``.

    Example:
        >>> bn = keras.layers.BatchNormalization()
        >>> bn(nerve.randn(32, 64), training=True).shape
        (32, 64)
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=0.001, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, synchronized=False, renorm=False, **kwargs):
        kwargs.pop("fused", None)
        super().__init__(**kwargs)
        _check_no_constraints(beta_constraint=beta_constraint, gamma_constraint=gamma_constraint)
        if renorm:
            raise NotImplementedError("renorm is not supported")
        _check_axis(axis, "BatchNormalization")
        momentum = _v.check_float(momentum, "momentum", "BatchNormalization", 0.0, 1.0)
        epsilon = _v.check_float(epsilon, "epsilon", "BatchNormalization", 0.0, low_open=True)
        self.axis, self.momentum, self.epsilon = axis, momentum, epsilon
        self.center, self.scale, self.synchronized = bool(center), bool(scale), synchronized
        self.beta_initializer = _initializers.get(beta_initializer)
        self.gamma_initializer = _initializers.get(gamma_initializer)
        self.moving_mean_initializer = _initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = _initializers.get(moving_variance_initializer)
        self.beta_regularizer = _regularizers.get(beta_regularizer)
        self.gamma_regularizer = _regularizers.get(gamma_regularizer)
        self.gamma = self.beta = None

    def build(self, input_shape):
        nd = len(input_shape)
        axes = _axes(self.axis, nd, f"BatchNormalization {self.name!r}")
        if len(axes) != 1:
            raise NotImplementedError("BatchNormalization over several axes is not supported")
        ax = axes[0]
        dim = input_shape[ax]
        if dim is None:
            raise ValueError(f"BatchNormalization {self.name!r}: axis {self.axis} of input shape "
                             f"{tuple(input_shape)} must be defined")
        if self.scale:
            self.gamma = self.add_weight(name="gamma", shape=(dim,), initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer)
        if self.center:
            self.beta = self.add_weight(name="beta", shape=(dim,), initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer)
        self.moving_mean = self.add_weight(name="moving_mean", shape=(dim,),
                                           initializer=self.moving_mean_initializer, trainable=False)
        self.moving_variance = self.add_weight(name="moving_variance", shape=(dim,),
                                               initializer=self.moving_variance_initializer, trainable=False)
        d = self.__dict__
        d["_ndim"], d["_ax"] = nd, ax
        d["_red"] = tuple(i for i in range(nd) if i != ax)
        d["_pview"] = tuple(dim if i == ax else 1 for i in range(nd))
        self.built = True

    def call(self, inputs, training=None):
        if training is None:
            training = self.training
        x = inputs
        if not isinstance(x, Tensor):
            raise _single_input_error(self, x)
        if x._data.ndim != self._ndim:
            raise ValueError(f"Input 0 of layer {self.name!r} is incompatible with the layer: expected ndim="
                             f"{self._ndim}, found ndim={x._data.ndim}. Full shape received: {tuple(x.shape)}")
        if x._data.shape[self._ax] != self._pview[self._ax]:
            raise ValueError(f"Input 0 of layer {self.name!r} is incompatible with the layer: expected axis "
                             f"{self.axis} of input shape to have value {self._pview[self._ax]}, but received "
                             f"input with shape {tuple(x.shape)}")
        g, b = self.gamma, self.beta
        if training and self.trainable:
            fn = Normalize(self._red, self._red, self._pview, self.epsilon, g is not None, b is not None)
            ins = [x] + ([g] if g is not None else []) + ([b] if b is not None else [])
            out = fn(*ins)
            m = self.momentum
            mm, mv = self.moving_mean._data, self.moving_variance._data
            mm *= m
            mm += ((1.0 - m) * fn.mean.reshape(-1)).astype(mm.dtype, copy=False)
            mv *= m
            mv += ((1.0 - m) * fn.var.reshape(-1)).astype(mv.dtype, copy=False)
            return out
        # inference: a per-feature affine map with the moving statistics
        dt = x._data.dtype
        pv = self._pview
        inv = (1.0 / np.sqrt(self.moving_variance._data.astype(dt, copy=False) + self.epsilon)).reshape(pv)
        mean = self.moving_mean._data.astype(dt, copy=False).reshape(pv)
        scale = g.reshape(pv) * _make(inv) if g is not None else _make(inv)
        shift = -(_make(mean) * scale)
        if b is not None:
            shift = shift + b.reshape(pv)
        return x * scale + shift

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale,
                "beta_initializer": _initializers.serialize(self.beta_initializer),
                "gamma_initializer": _initializers.serialize(self.gamma_initializer),
                "moving_mean_initializer": _initializers.serialize(self.moving_mean_initializer),
                "moving_variance_initializer": _initializers.serialize(self.moving_variance_initializer),
                "beta_regularizer": _regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": _regularizers.serialize(self.gamma_regularizer)}


class LayerNormalization(Layer):
    """Normalise each sample over ``axis`` (default the last) with its own mean and biased variance.

    Args:
        axis: int or list of axes to normalise over.
        epsilon: added to the variance (Keras: 1e-3).
        center, scale: learn ``beta`` / ``gamma`` of the normalised axes' shape.

    Example:
        >>> keras.layers.LayerNormalization()(nerve.randn(4, 10, 32)).shape
        (4, 10, 32)
    """

    def __init__(self, axis=-1, epsilon=0.001, center=True, scale=True, rms_scaling=False,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        _check_no_constraints(beta_constraint=beta_constraint, gamma_constraint=gamma_constraint)
        if rms_scaling:
            raise NotImplementedError("rms_scaling is not supported yet")
        _check_axis(axis, "LayerNormalization")
        self.axis = axis if isinstance(axis, (int, np.integer)) else list(axis)
        epsilon = _v.check_float(epsilon, "epsilon", "LayerNormalization", 0.0, low_open=True)
        self.epsilon, self.center, self.scale = epsilon, bool(center), bool(scale)
        self.beta_initializer = _initializers.get(beta_initializer)
        self.gamma_initializer = _initializers.get(gamma_initializer)
        self.beta_regularizer = _regularizers.get(beta_regularizer)
        self.gamma_regularizer = _regularizers.get(gamma_regularizer)
        self.gamma = self.beta = None

    def build(self, input_shape):
        nd = len(input_shape)
        axes = _axes(self.axis, nd, f"LayerNormalization {self.name!r}")
        pshape = tuple(input_shape[a] for a in axes)
        if any(d is None for d in pshape):
            raise ValueError(f"LayerNormalization {self.name!r}: the normalised axes of input shape "
                             f"{tuple(input_shape)} must be defined")
        if self.scale:
            self.gamma = self.add_weight(name="gamma", shape=pshape, initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer)
        if self.center:
            self.beta = self.add_weight(name="beta", shape=pshape, initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer)
        d = self.__dict__
        d["_ndim"], d["_norm_axes"] = nd, axes
        d["_param_axes"] = tuple(i for i in range(nd) if i not in axes)
        d["_pview"] = tuple(input_shape[i] if i in axes else 1 for i in range(nd))
        self.built = True

    def call(self, inputs):
        x = inputs
        if not isinstance(x, Tensor):
            raise _single_input_error(self, x)
        if x._data.ndim != self._ndim:
            raise ValueError(f"Input 0 of layer {self.name!r} is incompatible with the layer: expected ndim="
                             f"{self._ndim}, found ndim={x._data.ndim}. Full shape received: {tuple(x.shape)}")
        if any(x._data.shape[a] != self._pview[a] for a in self._norm_axes):
            raise ValueError(f"Input 0 of layer {self.name!r} is incompatible with the layer: expected the "
                             f"normalized axes {list(self._norm_axes)} of the input to have sizes "
                             f"{[self._pview[a] for a in self._norm_axes]}, but received input with shape "
                             f"{tuple(x.shape)}")
        g, b = self.gamma, self.beta
        fn = Normalize(self._norm_axes, self._param_axes, self._pview, self.epsilon, g is not None, b is not None)
        ins = [x] + ([g] if g is not None else []) + ([b] if b is not None else [])
        return fn(*ins)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon, "center": self.center,
                "scale": self.scale, "beta_initializer": _initializers.serialize(self.beta_initializer),
                "gamma_initializer": _initializers.serialize(self.gamma_initializer),
                "beta_regularizer": _regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": _regularizers.serialize(self.gamma_regularizer)}


class Normalization(Layer):
    """Standardise inputs with a mean and variance fitted on training data (``adapt``).

    ``(x - mean) / max(sqrt(variance), 1e-7)`` per feature along ``axis``; the statistics
    come from :meth:`adapt` (or the ``mean``/``variance`` arguments) and are weights
    (``mean``, ``variance``, ``count``: non-trainable), saved with the model. Fit them
    on the training split only, then the same transform applies to validation and test data.

    Args:
        axis: the axis (or axes) with one statistic per entry; ``None`` for scalar statistics.
        mean, variance: fixed statistics instead of ``adapt``.
        invert: apply the inverse transform (``x * std + mean``).

    Example:
        >>> norm = keras.layers.Normalization()
        >>> norm.adapt(x_train)                 # mean and variance of every feature
        >>> model = keras.Sequential([keras.Input((30,)), norm, keras.layers.Dense(1)])
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, (int, np.integer)):
            axis = (int(axis),)
        else:
            _check_axis(axis, "Normalization")
            axis = tuple(int(a) for a in axis)
        self.axis = axis
        if (mean is None) != (variance is None):
            raise ValueError("When setting values directly, both `mean` and `variance` must be set.")
        self.input_mean = None if mean is None else np.asarray(mean, dtype=np.float32)
        self.input_variance = None if variance is None else np.asarray(variance, dtype=np.float32)
        self.invert = bool(invert)

    def build(self, input_shape):
        nd = len(input_shape)
        bad = [a for a in self.axis if not -nd <= a < nd]
        if bad:
            raise ValueError(f"Normalization: all `axis` values must be in the range [-ndim, ndim). Received "
                             f"inputs with ndim={nd}, while axis={self.axis}")
        keep = tuple(a % nd for a in self.axis)
        for a in keep:
            if a == 0:
                raise ValueError("Normalization: axis 0 (the batch) cannot be a statistics axis")
            if input_shape[a] is None:
                raise ValueError(f"Normalization: axis {a} of input shape {tuple(input_shape)} must be defined")
        stat_shape = tuple(input_shape[a] for a in keep)
        d = self.__dict__
        d["_ndim"], d["_keep"] = nd, keep
        d["_red"] = tuple(i for i in range(nd) if i not in keep)
        d["_bshape"] = tuple(input_shape[i] if i in keep else 1 for i in range(nd))
        if self.input_mean is not None:
            for arg, v in (("mean", self.input_mean), ("variance", self.input_variance)):
                try:
                    fits = np.broadcast_shapes(v.shape, stat_shape) == stat_shape
                except ValueError:
                    fits = False
                if not fits:
                    raise ValueError(
                        f"Normalization: `{arg}` has shape {v.shape}, which does not fit the statistics of "
                        f"inputs of shape {tuple(input_shape)} along axis={self.axis}: expected shape "
                        f"{stat_shape} (one value per feature) or a scalar")
            mean = np.broadcast_to(self.input_mean, stat_shape).astype(np.float32)
            var = np.broadcast_to(self.input_variance, stat_shape).astype(np.float32)
        else:
            mean, var = np.zeros(stat_shape, np.float32), np.ones(stat_shape, np.float32)
        self.add_weight(name="mean", shape=stat_shape, initializer=_initializers.Constant(0.0), trainable=False)
        self.add_weight(name="variance", shape=stat_shape, initializer=_initializers.Constant(1.0), trainable=False)
        self.add_weight(name="count", shape=(), dtype="int64", initializer="zeros", trainable=False)
        self._buffers["mean"]._data[...] = mean
        self._buffers["variance"]._data[...] = var
        self.built = True

    def adapt(self, data, batch_size=None, steps=None):
        """Compute the mean and variance of ``data`` (array, Tensor or iterable of batches).

        Statistics are over every axis but ``axis`` (biased variance, as Keras).
        """
        if isinstance(data, Tensor):
            arr = data.detach().numpy()
        elif isinstance(data, np.ndarray) or isinstance(data, (list, tuple)):
            arr = np.asarray(data)
        else:
            chunks = []
            for i, item in enumerate(data):
                if steps is not None and i >= steps:
                    break
                if isinstance(item, (tuple, list)):
                    item = item[0]
                chunks.append(item.numpy() if isinstance(item, Tensor) else np.asarray(item))
            if not chunks:
                raise ValueError("Normalization.adapt: the data produced no batches (is it empty?)")
            arr = np.concatenate(chunks)
        arr = _v.numeric_array(arr, "Normalization.adapt: data")
        if arr.ndim == 0 or arr.shape[0] == 0:
            raise ValueError(f"Normalization.adapt: data of shape {arr.shape} has no samples; adapt needs at "
                             "least one sample (rows along axis 0)")
        if arr.ndim == 1 and self.axis and self.axis != (0,):
            arr = arr[:, None]
        arr = arr.astype(np.float64)
        if not self.built:
            self._build_wrapper((None,) + arr.shape[1:])
        if arr.ndim != self._ndim:
            raise ValueError(f"Normalization.adapt: data has {arr.ndim} dims but the layer was built for {self._ndim}")
        if any(arr.shape[a] != self._bshape[a] for a in self._keep):
            raise ValueError(f"Normalization.adapt: data of shape {arr.shape} does not match the layer, built for "
                             f"inputs of shape {self._build_input_shape} (axis={self.axis})")
        mean = arr.mean(axis=self._red)
        var = arr.var(axis=self._red)
        self._buffers["mean"]._data[...] = mean.reshape(self._buffers["mean"]._data.shape)
        self._buffers["variance"]._data[...] = var.reshape(self._buffers["variance"]._data.shape)
        self._buffers["count"]._data[...] = arr.shape[0]

    def call(self, inputs):
        x = inputs
        if not isinstance(x, Tensor):
            raise _single_input_error(self, x)
        xs = x._data.shape
        if len(xs) != self._ndim or any(xs[a] != self._bshape[a] for a in self._keep):
            raise ValueError(f"Input 0 of layer {self.name!r} is incompatible with the layer: it was built for "
                             f"inputs of shape {self._build_input_shape} (statistics along axis={self.axis}), "
                             f"but received input with shape {tuple(xs)}")
        mean = self._buffers["mean"]._data.reshape(self._bshape).astype(x._data.dtype, copy=False)
        std = np.maximum(np.sqrt(self._buffers["variance"]._data), 1e-7).reshape(self._bshape).astype(
            x._data.dtype, copy=False)
        if self.invert:
            return x * _make(std) + _make(mean)
        return (x - _make(mean)) * _make((1.0 / std).astype(x._data.dtype))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        cfg = {**super().get_config(), "axis": self.axis, "invert": self.invert}
        if self.input_mean is not None:
            cfg["mean"] = self.input_mean.tolist()
            cfg["variance"] = self.input_variance.tolist()
        return cfg


