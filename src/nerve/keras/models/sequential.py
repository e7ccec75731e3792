"""``Sequential``: a plain stack of layers, each feeding the next."""
from __future__ import annotations

from ..._backend import np
from ...autograd.grad_mode import no_grad
from ...nn.modules.module import Module
from ...tensor import Tensor
from .. import _validation as _v
from ..layers.base import STRUCT_VERSION, InputLayer, KerasTensor, Layer, unique_name
from .model import Model, _output_shapes

__all__ = ["Sequential"]


class Sequential(Model):
    """A linear stack of layers.

    The input shape comes from a first ``keras.Input(shape=...)``, an ``input_shape=``/
    ``input_dim=`` argument of the first layer, or the first batch it sees; the layers
    then build their weights from it (shape inference).

    Args:
        layers: list of layers (``nerve.nn`` modules are accepted too).
        name: the model's name.

    Example:
        >>> model = keras.Sequential([
        ...     keras.Input(shape=(784,)),
        ...     keras.layers.Dense(64, activation="relu"),
        ...     keras.layers.Dense(10, activation="softmax"),
        ... ])
        >>> model.count_params()
        50890
    """

    def __init__(self, layers=None, trainable=True, name=None):
        Model.__init__(self, trainable=trainable, name=name or unique_name("sequential"))
        d = self.__dict__
        d["_seq_layers"] = []
        d["_input_batch_shape"] = None
        d["_input_dtype"] = "float32"
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    def add(self, layer, rebuild=True):
        """Append a layer (or set the input with a ``keras.Input``)."""
        if isinstance(layer, KerasTensor):
            origin = layer._node.layer if layer._node is not None else None
            if not isinstance(origin, InputLayer):
                raise ValueError("Only keras.Input tensors can be added to a Sequential model; got a KerasTensor "
                                 "produced by another layer")
            layer = origin
        if isinstance(layer, InputLayer):
            if self._seq_layers:
                raise ValueError("An Input must be the first element of a Sequential model")
            self.__dict__["_input_batch_shape"] = layer.batch_shape
            self.__dict__["_input_dtype"] = layer._input_dtype
            if rebuild:
                self._maybe_rebuild()
            return
        if not isinstance(layer, Module):
            raise TypeError(f"The added layer must be an instance of class Layer. Received: layer={layer!r} of "
                            f"type {type(layer).__name__}.")
        if not self._seq_layers and self._input_batch_shape is None and \
                getattr(layer, "_batch_input_shape", None) is not None:
            self.__dict__["_input_batch_shape"] = layer._batch_input_shape
        self._seq_layers.append(layer)
        self.add_module(str(len(self._seq_layers) - 1), layer)
        self.__dict__["built"] = False
        if rebuild:
            self._maybe_rebuild()

    def pop(self, rebuild=True):
        """Remove and return the last layer."""
        if not self._seq_layers:
            raise TypeError("There are no layers in the model.")
        layer = self._seq_layers.pop()
        del self._modules[str(len(self._seq_layers))]
        self.__dict__.pop(str(len(self._seq_layers)), None)
        STRUCT_VERSION[0] += 1
        self.__dict__["built"] = False
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _maybe_rebuild(self):
        if self._input_batch_shape is not None and self._seq_layers:
            self._build_wrapper(self._input_batch_shape)

    @property
    def layers(self):
        return list(self._seq_layers)

    def build(self, input_shape=None):
        """Build every layer for inputs of ``input_shape`` (batch dimension first, may be None)."""
        if input_shape is None:
            input_shape = self._input_batch_shape
        if input_shape is None:
            raise ValueError("You must provide an `input_shape` argument.")
        shape = (None,) + _v.standardize_shape(input_shape, "input_shape")[1:]
        x = KerasTensor(shape, dtype=self._input_dtype, name="sequential_input")
        for layer in self._seq_layers:
            if isinstance(layer, Layer):
                x = layer(x)
            else:  # a nerve.nn module: learn its output shape from one zero sample
                dummy = Tensor._make(np.zeros(tuple(1 if d is None else d for d in x.shape), dtype=np.float32))
                was = layer.training
                layer.eval()
                with no_grad():
                    out = layer(dummy)
                layer.train(was)
                x = KerasTensor(_output_shapes(out), name="sequential_hidden")
                self.__dict__.setdefault("_module_shapes", {})[id(layer)] = x.shape
        self.__dict__["_output_shape"] = x.shape if isinstance(x, KerasTensor) else [t.shape for t in x]
        self.__dict__["built"] = True

    def call(self, inputs, training=None, mask=None):
        x = inputs
        if training is None:
            for layer in self._seq_layers:
                x = layer(x)
        else:
            for layer in self._seq_layers:
                x = layer(x, training=training) if isinstance(layer, Layer) else layer(x)
        return x

    def compute_output_shape(self, input_shape):
        if self.built and self._build_input_shape is not None and \
                tuple(input_shape)[1:] == tuple(self._build_input_shape)[1:]:
            return self._output_shape
        return self._dummy_output_shape(input_shape)

    def get_config(self):
        from .saving import serialize_layer
        shape = self._build_input_shape if self._build_input_shape is not None else self._input_batch_shape
        return {"name": self.name, "trainable": self.trainable, "dtype": self._dtype,
                "layers": [serialize_layer(layer) for layer in self._seq_layers],
                "build_input_shape": shape, "input_dtype": self._input_dtype}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from .saving import deserialize_keras_object
        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for lc in config.get("layers", []):
            model.add(deserialize_keras_object(lc, custom_objects), rebuild=False)
        model.__dict__["_input_dtype"] = config.get("input_dtype", "float32")
        shape = config.get("build_input_shape")
        if shape is not None:
            model.__dict__["_input_batch_shape"] = tuple(shape)
            model._maybe_rebuild()
        return model
