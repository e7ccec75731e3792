"""``Layer``: a ``nerve.nn.Module`` that builds its weights from the first input it sees.

Also the symbolic side of the functional API: ``Input(shape=...)`` returns a
``KerasTensor`` placeholder, and calling a layer on placeholders records a
``Node`` (layer, inputs, outputs) instead of computing; ``keras.Model(inputs,
outputs)`` replays the recorded nodes on real tensors.

Keras vocabulary on top of PyTorch's ``Module``: ``build(input_shape)`` creates
weights with ``add_weight``; ``call(inputs, training=None)`` computes;
``weights`` / ``trainable_weights`` / ``get_weights()`` / ``set_weights()``;
``trainable`` (freezing sets ``requires_grad=False``); ``get_config`` /
``from_config``; ``losses`` (regulariser penalties, ``add_loss`` terms).
Trainable weights are ``Parameter``s and non-trainable ones (moving averages)
buffers, so ``parameters()`` and ``state_dict()`` work as in PyTorch. Training
mode is the module's ``training`` flag, off when a layer is created (as in Keras,
``layer(x)`` runs in inference mode); ``fit`` calls ``model.train()`` and
``evaluate``/``predict`` call ``model.eval()``, and a manual loop calls
``model.train()`` itself, as in PyTorch. An explicit ``training=`` argument
overrides the flag.
"""
from __future__ import annotations

import inspect
import re

from ... import _backend as B
from ..._backend import np
from ...autograd.grad_mode import _enabled
from ...nn.modules.module import Module
from ...nn.parameter import Parameter
from ...tensor import Tensor
from .. import _validation as _v
from .. import initializers as _initializers
from .. import regularizers as _regularizers

__all__ = ["Layer", "KerasTensor", "Node", "InputLayer", "Input", "unique_name", "clear_session"]

_make = Tensor._make

# Bumped whenever a layer gains weights or sublayers, so models can cache their layer lists.
STRUCT_VERSION = [0]

_NAME_COUNTS = {}


def unique_name(base):
    """``base``, then ``base_1``, ``base_2``, ... (Keras' automatic layer names)."""
    n = _NAME_COUNTS.get(base, 0)
    _NAME_COUNTS[base] = n + 1
    return base if n == 0 else f"{base}_{n}"


def clear_session():
    """Reset automatic layer names (``dense``, ``dense_1``, ...), like ``keras.backend.clear_session``."""
    _NAME_COUNTS.clear()


def snake_case(name):
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()


# ----------------------------------------------------------------------------- symbolic tensors
class KerasTensor:
    """A symbolic placeholder: shape (``None`` for the batch) and dtype, plus where it came from.

    Example:
        >>> x = keras.Input(shape=(784,))
        >>> x.shape
        (None, 784)
    """

    __slots__ = ("shape", "dtype", "name", "_node", "_index")

    def __init__(self, shape, dtype="float32", name=None, node=None, index=0):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = str(np.dtype(dtype)) if dtype is not None else "float32"
        self.name = name
        self._node = node
        self._index = index

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def _keras_history(self):
        return (self._node.layer if self._node else None, self._node, self._index)

    def __repr__(self):
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, sparse=False, name={self.name}>"

    def __add__(self, other):
        from .merging import Add
        return Add()([self, other])

    def __sub__(self, other):
        from .merging import Subtract
        return Subtract()([self, other])

    def __mul__(self, other):
        from .merging import Multiply
        return Multiply()([self, other])


class Node:
    """One call of a layer on KerasTensors: ``outputs = layer(inputs, *args, **kwargs)``."""

    __slots__ = ("layer", "inputs", "outputs", "args", "kwargs")

    def __init__(self, layer, inputs, outputs, args=(), kwargs=None):
        self.layer = layer
        self.inputs = inputs          # the structure the layer was called on (None for an InputLayer)
        self.outputs = outputs        # list of KerasTensors
        self.args = tuple(args)
        self.kwargs = dict(kwargs or {})

    @property
    def input_tensors(self):
        return _flatten(self.inputs)

    def __repr__(self):
        return f"<Node {self.layer.name}>"


def _flatten(s):
    if s is None:
        return []
    if isinstance(s, dict):
        return [x for v in s.values() for x in _flatten(v)]
    if isinstance(s, (list, tuple)) and not _is_shape(s):
        return [x for v in s for x in _flatten(v)]
    return [s]


def _map(fn, s):
    if isinstance(s, dict):
        return {k: _map(fn, v) for k, v in s.items()}
    if isinstance(s, (list, tuple)):
        return type(s)(_map(fn, v) for v in s)
    return fn(s)


def _has_keras_tensor(s):
    if isinstance(s, KerasTensor):
        return True
    if isinstance(s, (list, tuple)):
        return any(_has_keras_tensor(v) for v in s)
    if isinstance(s, dict):
        return any(_has_keras_tensor(v) for v in s.values())
    return False


def _is_shape(s):
    return isinstance(s, (tuple, list)) and all(d is None or isinstance(d, (int, np.integer)) for d in s) \
        and not (isinstance(s, list) and len(s) == 0)


def map_shapes(fn, shapes):
    """Apply ``fn`` to each shape in a (possibly nested) structure of shapes."""
    if _is_shape(shapes):
        return fn(tuple(shapes))
    if isinstance(shapes, dict):
        return {k: map_shapes(fn, v) for k, v in shapes.items()}
    return type(shapes)(map_shapes(fn, v) for v in shapes)


def _none_batch(shapes):
    return map_shapes(lambda s: (None,) + tuple(s[1:]) if s else s, shapes)


def _shape_of(x):
    if isinstance(x, (Tensor, KerasTensor)) or hasattr(x, "shape"):
        return tuple(x.shape)
    raise TypeError(f"expected a tensor, got {type(x).__name__}")


def _to_tensor(x, cast=True):
    if isinstance(x, Tensor):
        t = x
    else:
        arr = np.asarray(x)
        if arr.dtype == np.float64:
            arr = arr.astype(np.float32)
        t = _make(arr)
    if cast and t._data.dtype.kind != "f":
        t = _make(t._data.astype(np.float32))
    return t


_ACCEPTS_TRAINING = {}


def _call_accepts(cls, name):
    key = (cls, name)
    v = _ACCEPTS_TRAINING.get(key)
    if v is None:
        try:
            params = inspect.signature(cls.call).parameters
            v = name in params or any(p.kind == p.VAR_KEYWORD for p in params.values())
        except (TypeError, ValueError):
            v = False
        _ACCEPTS_TRAINING[key] = v
    return v


# ----------------------------------------------------------------------------- Layer
_LAYER_KWARGS = ("input_dim", "input_shape", "batch_input_shape", "batch_size", "weights", "input_length",
                 "autocast", "activity_regularizer")


class Layer(Module):
    """Base class of Keras layers (and of ``Model``): build weights lazily, then ``call``.

    Args:
        trainable: whether the weights are trained (``requires_grad``).
        name: the layer's name (default: class name in snake case, made unique).
        dtype: the weights' dtype (default ``'float32'``).
        input_shape / input_dim / batch_input_shape / batch_size: the input's shape, so
            a ``Sequential`` starting with this layer is built at once.
        activity_regularizer: a penalty on the layer's output, added to ``losses``.

    Subclass it like Keras: create weights in ``build(input_shape)`` with
    ``add_weight`` and compute in ``call(inputs)``.

    Example:
        >>> class Scale(keras.layers.Layer):
        ...     def build(self, input_shape):
        ...         self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")
        ...     def call(self, x):
        ...         return x * self.w
    """

    _autocast_inputs = True   # cast integer inputs to float32 (Embedding-like layers turn this off)

    def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
        Module.__init__(self)
        unknown = [k for k in kwargs if k not in _LAYER_KWARGS]
        if unknown:
            raise TypeError(
                f"{type(self).__name__}.__init__() got unexpected keyword argument(s) {unknown}; "
                f"allowed layer keywords: trainable, name, dtype, {', '.join(_LAYER_KWARGS)}")
        d = self.__dict__
        # Keras layers start in inference mode (``layer(x)`` means training=False); ``fit`` and
        # manual loops switch to training with ``model.train()``, as in PyTorch.
        d["training"] = False
        d["name"] = name or unique_name(snake_case(type(self).__name__))
        d["_trainable"] = bool(trainable)
        d["built"] = False
        d["_dtype"] = "float32" if dtype is None or isinstance(dtype, dict) else _v.check_dtype(
            dtype, f"{type(self).__name__}(dtype=...)")
        d["_regularizers"] = []
        d["_losses_added"] = []
        d["_inbound_nodes"] = []
        d["_build_input_shape"] = None
        d["_output_shape"] = None
        d["_initial_weights"] = kwargs.get("weights")
        act = kwargs.get("activity_regularizer")
        d["activity_regularizer"] = _regularizers.get(act) if act is not None else None
        if kwargs.get("autocast") is False:
            d["_autocast_inputs"] = False
        bis = kwargs.get("batch_input_shape")
        if bis is None:
            shape = kwargs.get("input_shape")
            if shape is None and kwargs.get("input_dim") is not None:
                shape = (_v.check_int(kwargs["input_dim"], "input_dim", type(self).__name__),)
            if shape is not None:
                if isinstance(shape, (int, np.integer)):
                    shape = (int(shape),)
                bis = (kwargs.get("batch_size"),) + _v.standardize_shape(shape, "input_shape")
        d["_batch_input_shape"] = _v.standardize_shape(bis, "batch_input_shape") if bis is not None else None

    # ------------------------------------------------------------ attributes
    def __setattr__(self, name, value):
        if isinstance(value, Module):
            STRUCT_VERSION[0] += 1
        Module.__setattr__(self, name, value)

    def add_module(self, name, module):
        STRUCT_VERSION[0] += 1
        Module.add_module(self, name, module)

    @property
    def trainable(self):
        """Whether the layer's weights are trained; setting it (un)freezes this layer and its sublayers."""
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        value = bool(value)
        for m in self.modules():
            if isinstance(m, Layer):
                m.__dict__["_trainable"] = value
            for p in m._parameters.values():
                if p is not None:
                    p.requires_grad = value
        STRUCT_VERSION[0] += 1

    @property
    def dtype(self):
        return self._dtype

    @property
    def input(self):
        """The KerasTensor this layer was first called on (functional API)."""
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name!r} has never been called and thus has no defined input.")
        node = self._inbound_nodes[0]
        ins = node.inputs if node.inputs is not None else node.outputs[0]
        return ins

    @property
    def output(self):
        """The KerasTensor this layer first produced (functional API)."""
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name!r} has never been called and thus has no defined output.")
        outs = self._inbound_nodes[0].outputs
        return outs[0] if len(outs) == 1 else list(outs)

    @property
    def output_shape(self):
        if self._output_shape is None:
            raise AttributeError(f"The layer {self.name!r} has never been called and thus has no defined output shape.")
        return self._output_shape

    @property
    def input_shape(self):
        if self._build_input_shape is None:
            raise AttributeError(f"The layer {self.name!r} has never been called and thus has no defined input shape.")
        return self._build_input_shape

    # ------------------------------------------------------------ weights
    def add_weight(self, shape=None, initializer=None, dtype=None, trainable=True, autocast=True,
                   regularizer=None, constraint=None, aggregation="none", name=None, **kwargs):
        """Create a weight: a ``Parameter`` (trainable) or a buffer (e.g. moving averages).

        Args:
            shape: the weight's shape (Keras layout: a Dense kernel is ``(in, units)``).
            initializer: name, Initializer or callable (default ``'glorot_uniform'``, or
                ``'zeros'`` for non-float dtypes).
            dtype: default the layer's dtype.
            trainable: ``False`` makes a buffer that the optimizer never sees.
            regularizer: penalty added to ``losses`` (e.g. ``regularizers.l2(1e-4)``).
            name: attribute name (``self.<name>`` is the weight).

        Returns:
            the new ``Parameter`` or buffer ``Tensor``.
        """
        if isinstance(shape, str):  # tf.keras order: add_weight(name, shape, ...)
            name, shape = shape, kwargs.pop("shape", initializer if isinstance(initializer, (tuple, list)) else None)
            if isinstance(initializer, (tuple, list)):
                initializer = kwargs.pop("initializer", None)
        kwargs.pop("use_resource", None)
        kwargs.pop("synchronization", None)
        if kwargs:
            raise TypeError(f"add_weight() got unexpected keyword argument(s) {sorted(kwargs)}")
        if constraint is not None:
            raise NotImplementedError("weight constraints are not supported yet")
        shape = () if shape is None else tuple(int(s) for s in shape)
        dt = B.to_dtype(dtype or self._dtype)
        if initializer is None:
            initializer = "glorot_uniform" if dt.kind == "f" else "zeros"
        init = _initializers.get(initializer)
        value = init(shape, dtype=dt)
        arr = value._data if isinstance(value, Tensor) else np.asarray(value, dtype=dt)
        if arr.shape != shape:
            arr = np.broadcast_to(arr, shape).copy()
        attr = self._weight_attr(name)
        if trainable:
            w = Parameter(_make(np.ascontiguousarray(arr)), requires_grad=self._trainable and dt.kind == "f")
            if attr in self._buffers:
                del self._buffers[attr]
            setattr(self, attr, w)
            if regularizer is not None:
                reg = _regularizers.get(regularizer)
                self._regularizers[:] = [(p, r) for p, r in self._regularizers if p is not self._parameters.get(attr)]
                self._regularizers.append((w, reg))
        else:
            w = _make(np.ascontiguousarray(arr))
            if attr in self._parameters:
                del self._parameters[attr]
            if attr not in self._buffers:
                self.__dict__.pop(attr, None)   # a placeholder such as ``self.moving_mean = None``
            self.register_buffer(attr, w)
        STRUCT_VERSION[0] += 1
        return w

    def _weight_attr(self, name):
        attr = re.sub(r"\W", "_", name or f"variable_{len(self._parameters) + len(self._buffers)}")
        if attr[0].isdigit():
            attr = "w_" + attr
        if attr not in self._parameters and attr not in self._buffers and (
                hasattr(type(self), attr) or self.__dict__.get(attr) is not None or attr in self._modules):
            attr = attr + "_var"
        return attr

    def _own_weights(self):
        skip = self._non_persistent_buffers_set
        out = [p for p in self._parameters.values() if p is not None]
        out += [b for k, b in self._buffers.items() if b is not None and k not in skip]
        return out

    def _collect_weights(self, out, seen):
        for w in self._own_weights():
            if id(w) not in seen:
                seen.add(id(w))
                out.append(w)
        for child in self._modules.values():
            if child is None:
                continue
            if isinstance(child, Layer):
                child._collect_weights(out, seen)
            else:
                for w in list(child.parameters()) + list(child.buffers()):
                    if id(w) not in seen:
                        seen.add(id(w))
                        out.append(w)

    @property
    def weights(self):
        """All weights: trainable ones first, then non-trainable ones, then those of sublayers."""
        out = []
        self._collect_weights(out, set())
        return out

    variables = weights

    @property
    def trainable_weights(self):
        return [w for w in self.weights if isinstance(w, Parameter) and w.requires_grad]

    trainable_variables = trainable_weights

    @property
    def non_trainable_weights(self):
        return [w for w in self.weights if not (isinstance(w, Parameter) and w.requires_grad)]

    non_trainable_variables = non_trainable_weights

    def get_weights(self):
        """The weights as a list of NumPy arrays (copies), in :attr:`weights` order.

        Example:
            >>> kernel, bias = model.layers[0].get_weights()    # (in, units), (units,)
        """
        return [B.to_device_array(w._data, "cpu").copy() for w in self.weights]

    def set_weights(self, weights):
        """Copy a list of arrays (as returned by ``get_weights()``) into the weights."""
        params = self.weights
        weights = list(weights)
        if len(params) != len(weights):
            raise ValueError(
                f"You called `set_weights(weights)` on layer {self.name!r} with a weight list of length "
                f"{len(weights)}, but the layer was expecting {len(params)} weights.")
        for i, (p, w) in enumerate(zip(params, weights)):
            arr = w._data if isinstance(w, Tensor) else np.asarray(w)
            if tuple(arr.shape) != tuple(p._data.shape):
                raise ValueError(
                    f"Layer {self.name!r} weight {i} has shape {tuple(p._data.shape)}, but the provided "
                    f"weight has shape {tuple(arr.shape)}.")
        prev = _enabled[0]
        _enabled[0] = False
        try:
            for p, w in zip(params, weights):
                arr = w._data if isinstance(w, Tensor) else np.asarray(w)
                p._data[...] = B.to_device_array(arr, B.device_of(p._data))
        finally:
            _enabled[0] = prev

    def count_params(self):
        """The number of scalars in all weights (trainable and not)."""
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer {self.name!r}, but the layer isn't built. "
                "You can build it manually via: `layer.build(input_shape)`.")
        return int(sum(w._data.size for w in self.weights))

    # ------------------------------------------------------------ losses
    def add_loss(self, loss):
        """Add a scalar tensor to the losses of this call (collected by ``model.losses``)."""
        self._losses_added.append(loss)

    def _sublayers(self):
        cache = self.__dict__.get("_sublayer_cache")
        if cache is None or cache[0] != STRUCT_VERSION[0]:
            layers = [m for m in self.modules() if isinstance(m, Layer)]
            cache = (STRUCT_VERSION[0], layers)
            self.__dict__["_sublayer_cache"] = cache
        return cache[1]

    @property
    def losses(self):
        """Regularisation penalties of trainable weights and ``add_loss`` terms, of this layer and below."""
        out = []
        for layer in self._sublayers():
            if layer._regularizers:
                for w, reg in layer._regularizers:
                    if w.requires_grad:
                        out.append(reg(w))
            if layer._losses_added:
                out.extend(layer._losses_added)
        return out

    # ------------------------------------------------------------ building and calling
    def build(self, input_shape):
        """Create the weights for inputs of ``input_shape`` (override in subclasses)."""
        self.built = True

    def _build_wrapper(self, input_shape):
        self.build(input_shape)
        d = self.__dict__
        d["built"] = True
        d["_build_input_shape"] = _none_batch(input_shape)
        if d.get("_initial_weights") is not None:
            self.set_weights(d.pop("_initial_weights"))
            d["_initial_weights"] = None

    def compute_output_shape(self, input_shape):
        """The output shape for ``input_shape`` (batch dim ``None``); by default runs ``call`` on zeros."""
        return self._dummy_output_shape(input_shape)

    def _dummy_output_shape(self, input_shape, dtypes=None):
        def zeros(shape):
            return _make(np.zeros(tuple(1 if d is None else d for d in shape), dtype=np.float32))
        dummy = map_shapes(zeros, input_shape)
        if dtypes is not None and not self._autocast_inputs:
            # integer inputs reach layers that keep them (Embedding-like); others see float32
            flat, dts = _flatten(dummy), _flatten(dtypes)
            for t, dt in zip(flat, dts):
                if dt != "float32":
                    t._data = t._data.astype(dt)
        was = self.training
        prev = _enabled[0]
        _enabled[0] = False
        self.train(False)
        try:
            out = self.call(dummy)
        finally:
            self.train(was)
            _enabled[0] = prev
        return _map(lambda t: (None,) + tuple(t.shape[1:]), out)

    def _symbolic_call(self, inputs, args, kwargs):
        shapes = _map(lambda kt: kt.shape if isinstance(kt, KerasTensor) else tuple(kt.shape), inputs)
        if not self.built:
            self._build_wrapper(shapes)
        if self.compute_output_shape.__func__ is Layer.compute_output_shape and (args or kwargs):
            out_shapes = self._call_dummy_with_args(shapes, inputs, args, kwargs)
        elif self.compute_output_shape.__func__ is Layer.compute_output_shape:
            out_shapes = self._dummy_output_shape(shapes, _map(lambda kt: getattr(kt, "dtype", "float32"), inputs))
        else:
            out_shapes = self.compute_output_shape(shapes)
        single = _is_shape(out_shapes)
        flat_shapes = [out_shapes] if single else _flatten_shapes(out_shapes)
        outputs = [KerasTensor(s, dtype=self._output_dtype(), name=f"keras_tensor_{_next_kt()}") for s in flat_shapes]
        node = Node(self, inputs, outputs, args, kwargs)
        for i, kt in enumerate(outputs):
            kt._node, kt._index = node, i
        self._inbound_nodes.append(node)
        if self._output_shape is None:
            self.__dict__["_output_shape"] = out_shapes if single else [tuple(s) for s in flat_shapes]
        return outputs[0] if single else outputs

    def _output_dtype(self):
        return "float32"

    def _call_dummy_with_args(self, shapes, inputs, args, kwargs):
        def zeros(shape):
            return _make(np.zeros(tuple(1 if d is None else d for d in shape), dtype=np.float32))
        dummy = map_shapes(zeros, shapes)
        was = self.training
        prev = _enabled[0]
        _enabled[0] = False
        self.train(False)
        try:
            out = self.call(dummy, *args, **kwargs)
        finally:
            self.train(was)
            _enabled[0] = prev
        return _map(lambda t: (None,) + tuple(t.shape[1:]), out)

    def __call__(self, *args, **kwargs):
        if args:
            x = args[0]
            rest = args[1:]
        else:
            try:
                x = kwargs.pop("inputs")
            except KeyError:
                raise TypeError(f"{type(self).__name__} must be called on an input") from None
            rest = ()
        if type(x) is not Tensor:
            if _has_keras_tensor(x):
                return self._symbolic_call(x, rest, kwargs)
            x = self._convert_inputs(x)
        elif self._autocast_inputs and x._data.dtype.kind != "f":
            x = _make(x._data.astype(np.float32))
        if not self.built:
            self._build_wrapper(_map(_shape_of, x) if not isinstance(x, Tensor) else tuple(x.shape))
            if self._output_shape is None:
                out = self._call_inner(x, rest, kwargs)
                self.__dict__["_output_shape"] = _map(lambda t: (None,) + tuple(t.shape[1:]), out) \
                    if isinstance(out, (Tensor, list, tuple, dict)) else None
                return out
        return self._call_inner(x, rest, kwargs)

    def _call_inner(self, x, rest, kwargs):
        if self._losses_added:
            self.__dict__["_losses_added"] = []
        if kwargs and "training" in kwargs and not _call_accepts(type(self), "training"):
            kwargs.pop("training")
        if self._has_hooks:      # any module hook (forward, backward, global), as nn.Module
            out = self._call_with_hooks((x,) + tuple(rest), kwargs)
        else:
            out = self.call(x, *rest, **kwargs)
        if self.activity_regularizer is not None:
            for o in _flatten(out):
                if isinstance(o, Tensor):
                    self._losses_added.append(self.activity_regularizer(o))
        return out

    def _convert_inputs(self, x):
        cast = self._autocast_inputs
        if isinstance(x, Tensor):  # a Parameter or other subclass
            return x if not cast or x._data.dtype.kind == "f" else _make(x._data.astype(np.float32))
        if isinstance(x, (list, tuple)) and x and all(
                isinstance(v, (Tensor, np.ndarray)) or hasattr(v, "shape") for v in x):
            return type(x)(_to_tensor(v, cast) for v in x)
        if isinstance(x, dict):
            return {k: _to_tensor(v, cast) for k, v in x.items()}
        return _to_tensor(x, cast)

    def forward(self, *args, **kwargs):
        """``nn.Module``'s entry point: the same as ``call``."""
        return self.call(*args, **kwargs)

    def call(self, inputs, *args, **kwargs):
        """The layer's computation (override in subclasses)."""
        return inputs

    # ------------------------------------------------------------ config
    def get_config(self):
        """The constructor arguments, as a JSON-able dict (``from_config`` rebuilds the layer)."""
        cfg = {"name": self.name, "trainable": self.trainable, "dtype": self._dtype}
        if self._batch_input_shape is not None:
            cfg["batch_input_shape"] = self._batch_input_shape
        return cfg

    @classmethod
    def from_config(cls, config):
        """Rebuild a layer from ``get_config()``'s dict."""
        try:
            return cls(**config)
        except TypeError as e:
            raise TypeError(
                f"Error when deserializing class '{cls.__name__}' using config={config}: {e}. "
                f"Make sure {cls.__name__}.get_config() returns every argument of __init__ "
                "(override get_config in your custom layer).") from None

    def extra_repr(self):
        return f"name={self.name!r}"

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _flatten_shapes(s):
    if _is_shape(s):
        return [tuple(s)]
    if isinstance(s, dict):
        return [x for v in s.values() for x in _flatten_shapes(v)]
    return [x for v in s for x in _flatten_shapes(v)]


_KT_COUNTER = [0]


def _next_kt():
    _KT_COUNTER[0] += 1
    return _KT_COUNTER[0]


# ----------------------------------------------------------------------------- inputs
class InputLayer(Layer):
    """The entry of a functional graph: holds the input's shape and produces its KerasTensor.

    Args:
        shape: the shape of one sample (without the batch dimension), e.g. ``(784,)``.
        batch_size: optional fixed batch size.
        dtype: the input's dtype (default ``'float32'``).
        batch_shape: the full shape including the batch dimension (instead of ``shape``).
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None,
                 input_tensor=None, name=None, optional=False, **kwargs):
        shape = kwargs.pop("input_shape", shape)
        batch_shape = kwargs.pop("batch_input_shape", batch_shape)
        kwargs.pop("ragged", None)
        if kwargs:
            raise TypeError(f"InputLayer() got unexpected keyword argument(s) {sorted(kwargs)}")
        if sparse:
            raise NotImplementedError("sparse inputs are not supported")
        if shape is not None and batch_shape is not None:
            raise ValueError("You cannot pass both `shape` and `batch_shape` at the same time.")
        if batch_shape is None:
            if shape is None:
                raise ValueError("You must pass a `shape` argument (the shape of one sample, e.g. shape=(784,)).")
            batch_size = _v.check_int(batch_size, "batch_size", "Input", allow_none=True)
            batch_shape = (batch_size,) + _v.standardize_shape(shape, "shape")
        elif batch_size is not None:
            raise ValueError("You cannot pass both `batch_size` and `batch_shape` at the same time.")
        Layer.__init__(self, name=name or unique_name("input_layer"))
        self.__dict__["batch_shape"] = _v.standardize_shape(batch_shape, "batch_shape")
        self.__dict__["_input_dtype"] = "float32" if dtype is None else _v.check_dtype(dtype, "Input(dtype=...)")
        self.built = True
        self.__dict__["_build_input_shape"] = self.batch_shape
        self.__dict__["_output_shape"] = self.batch_shape
        out = KerasTensor(self.batch_shape, dtype=self._input_dtype, name=self.name)
        node = Node(self, None, [out])
        out._node, out._index = node, 0
        self._inbound_nodes.append(node)

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {"batch_shape": self.batch_shape, "dtype": self._input_dtype, "sparse": False, "name": self.name}


def Input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None, tensor=None,
          optional=False):
    """A symbolic input for the functional API (or the first element of a ``Sequential``).

    Args:
        shape: the shape of one sample, without the batch dimension (``(784,)``).
        batch_size: optional fixed batch size.
        dtype: the input's dtype (default ``'float32'``).
        batch_shape: the full shape with the batch dimension (instead of ``shape``).
        name: the input's name (keys of dict inputs in ``fit``).

    Example:
        >>> inputs = keras.Input(shape=(784,))
        >>> outputs = keras.layers.Dense(10, activation="softmax")(inputs)
        >>> model = keras.Model(inputs, outputs)
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse, batch_shape=batch_shape,
                       name=name)
    return layer._inbound_nodes[0].outputs[0]
