"""``Functional``: a model defined by calling layers on ``keras.Input`` placeholders.

``keras.Model(inputs, outputs)`` walks the recorded ``Node``s back from the
outputs, orders them (inputs first, then each node after the nodes it reads),
and replays them on real tensors in ``call``. Several inputs and outputs (lists
or dicts), layers used at several places, and merge layers (``Add``,
``Concatenate``) are supported.
"""
from __future__ import annotations

from ..layers.base import InputLayer, KerasTensor, Layer, _flatten, _map, unique_name
from .model import Model

__all__ = ["Functional"]


def _kt_list(s, what):
    flat = _flatten(s)
    for t in flat:
        if not isinstance(t, KerasTensor):
            raise TypeError(f"Model {what} must be KerasTensors (from keras.Input or layer calls), "
                            f"got {type(t).__name__}")
    return flat


class Functional(Model):
    """A graph of layers from ``keras.Input`` tensors to output tensors (``keras.Model(inputs, outputs)``).

    Args:
        inputs: a KerasTensor from ``keras.Input``, or a list / dict of them.
        outputs: a KerasTensor, or a list / dict of them.
        name: the model's name.

    Example:
        >>> a = keras.Input(shape=(3,), name="a")
        >>> b = keras.Input(shape=(5,), name="b")
        >>> h = keras.layers.Concatenate()([keras.layers.Dense(8)(a), keras.layers.Dense(8)(b)])
        >>> model = keras.Model([a, b], keras.layers.Dense(1)(h))
        >>> model.predict([xa, xb])
    """

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        if kwargs:
            raise TypeError(f"Model() got unexpected keyword argument(s) {sorted(kwargs)}")
        Model.__init__(self, name=name or unique_name("functional"), trainable=trainable)
        in_flat = _kt_list(inputs, "inputs")
        out_flat = _kt_list(outputs, "outputs")
        for t in in_flat:
            if t._node is None or not isinstance(t._node.layer, InputLayer):
                raise ValueError(f"Model inputs must come from keras.Input(); {t!r} was produced by a layer")
        d = self.__dict__
        d["_input_struct"] = inputs
        d["_output_struct"] = outputs
        d["inputs"] = in_flat
        d["outputs"] = out_flat
        d["input_names"] = list(inputs.keys()) if isinstance(inputs, dict) else [t._node.layer.name for t in in_flat]
        nodes = self._toposort(in_flat, out_flat)
        layers = [t._node.layer for t in in_flat]
        for n in nodes:
            if n.layer not in layers:
                layers.append(n.layer)
        d["_graph_layers"] = layers
        for i, layer in enumerate(layers):
            self.add_module(str(i), layer)
        d["_nodes"] = nodes
        self._compile_plan()
        d["built"] = True
        d["_build_input_shape"] = _map(lambda t: t.shape, inputs)
        d["_output_shape"] = _map(lambda t: t.shape, outputs)

    @staticmethod
    def _toposort(in_flat, out_flat):
        allowed = {id(t._node) for t in in_flat}
        order, done, active = [], set(), set()
        for root in out_flat:
            stack = [(root._node, False)]
            while stack:
                node, expanded = stack.pop()
                if id(node) in done:
                    continue
                if node.inputs is None:  # an InputLayer node
                    if id(node) not in allowed:
                        raise ValueError(
                            f"Graph disconnected: cannot obtain value for tensor {node.outputs[0]!r} at layer "
                            f"{node.layer.name!r}: that keras.Input is not among the model's inputs")
                    done.add(id(node))
                    continue
                if expanded:
                    active.discard(id(node))
                    done.add(id(node))
                    order.append(node)
                    continue
                if id(node) in active:
                    raise ValueError("the layer graph has a cycle")
                active.add(id(node))
                stack.append((node, True))
                for t in reversed(node.input_tensors):
                    if t._node is None:
                        raise ValueError(f"{t!r} has no producing layer: build graphs from keras.Input()")
                    if id(t._node) not in done:
                        stack.append((t._node, False))
        return order

    def _compile_plan(self):
        slots = {}

        def slot(t):
            s = slots.get(id(t))
            if s is None:
                s = slots[id(t)] = len(slots)
            return s
        in_slots = [slot(t) for t in self.inputs]
        plan = []
        for node in self._nodes:
            tmpl = _map(slot, node.inputs) if not isinstance(node.inputs, KerasTensor) else slot(node.inputs)
            out_slots = [slot(t) for t in node.outputs]
            plan.append((node.layer, isinstance(node.inputs, KerasTensor), tmpl, out_slots, node.args, node.kwargs))
        out_tmpl = _map(lambda t: slots[id(t)], self._output_struct)
        d = self.__dict__
        d["_plan"], d["_in_slots"], d["_n_slots"], d["_out_tmpl"] = plan, in_slots, len(slots), out_tmpl

    def _output_names(self):
        if isinstance(self._output_struct, dict):
            return list(self._output_struct.keys())
        return [t._node.layer.name for t in self.outputs]

    @property
    def layers(self):
        return list(self._graph_layers)

    @property
    def input(self):
        """The input KerasTensor(s), in the structure given to ``Model``."""
        return self._input_struct

    @property
    def output(self):
        """The output KerasTensor(s), in the structure given to ``Model``."""
        return self._output_struct

    def _flat_inputs(self, inputs):
        n = len(self.inputs)
        if isinstance(inputs, dict):
            missing = [k for k in self.input_names if k not in inputs]
            if missing:
                extra = sorted(str(k) for k in inputs if k not in self.input_names)
                raise ValueError(f"Missing input(s) {missing}: the model's inputs are {self.input_names}"
                                 + (f"; got unknown key(s) {extra} (dict keys must be the names of the "
                                    "keras.Input layers)" if extra else ""))
            return [inputs[k] for k in self.input_names]
        if isinstance(inputs, (list, tuple)):
            if len(inputs) != n:
                raise ValueError(f"Model {self.name!r} expects {n} input(s), but it received {len(inputs)} "
                                 "input tensors")
            return list(inputs)
        if n != 1:
            raise ValueError(f"Model {self.name!r} expects {n} inputs ({self.input_names}), but it received one tensor")
        return [inputs]

    def call(self, inputs, training=None, mask=None):
        values = [None] * self._n_slots
        for s, t in zip(self._in_slots, self._flat_inputs(inputs)):
            values[s] = t
        get = values.__getitem__
        for layer, single, tmpl, out_slots, args, kwargs in self._plan:
            x = values[tmpl] if single else _map(get, tmpl)
            if training is not None and isinstance(layer, Layer):
                kwargs = {**kwargs, "training": training}
            y = layer(x, *args, **kwargs)
            if len(out_slots) == 1:
                values[out_slots[0]] = y
            else:
                for s, v in zip(out_slots, y):
                    values[s] = v
        out = self._out_tmpl
        return values[out] if isinstance(out, int) else _map(get, out)

    def compute_output_shape(self, input_shape):
        if tuple(_flatten_shapes_simple(input_shape)) == tuple(_flatten_shapes_simple(self._build_input_shape)):
            return self._output_shape
        return self._dummy_output_shape(input_shape)

    # ------------------------------------------------------------ config
    def get_config(self):
        from .saving import serialize_layer
        layers = self._graph_layers
        index = {id(layer): i for i, layer in enumerate(layers)}
        all_nodes = [t._node for t in self.inputs] + list(self._nodes)
        node_index = {id(n): i for i, n in enumerate(all_nodes)}

        def ref(t):
            return {"ref": [node_index[id(t._node)], t._index]}

        def struct(s):
            if isinstance(s, KerasTensor):
                return ref(s)
            if isinstance(s, dict):
                return {"dict": {k: struct(v) for k, v in s.items()}}
            return {"list": [struct(v) for v in s], "tuple": isinstance(s, tuple)}
        nodes = []
        for n in all_nodes:
            nodes.append({"layer": index[id(n.layer)], "inputs": None if n.inputs is None else struct(n.inputs),
                          "args": list(n.args), "kwargs": dict(n.kwargs)})
        return {"name": self.name, "trainable": self.trainable,
                "layers": [serialize_layer(layer) for layer in layers],
                "nodes": nodes, "inputs": struct(self._input_struct), "outputs": struct(self._output_struct)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from .saving import deserialize_keras_object
        layers = [deserialize_keras_object(lc, custom_objects) for lc in config["layers"]]
        produced = []

        def unstruct(s):
            if "ref" in s:
                n, i = s["ref"]
                return produced[n][i]
            if "dict" in s:
                return {k: unstruct(v) for k, v in s["dict"].items()}
            items = [unstruct(v) for v in s["list"]]
            return tuple(items) if s.get("tuple") else items
        for nc in config["nodes"]:
            layer = layers[nc["layer"]]
            if nc["inputs"] is None:
                produced.append([layer._inbound_nodes[0].outputs[0]])
                continue
            out = layer(unstruct(nc["inputs"]), *nc.get("args", []), **nc.get("kwargs", {}))
            produced.append(list(out) if isinstance(out, (list, tuple)) else [out])
        return cls(unstruct(config["inputs"]), unstruct(config["outputs"]), name=config.get("name"),
                   trainable=config.get("trainable", True))


def _flatten_shapes_simple(s):
    if s is None:
        return []
    if isinstance(s, tuple) and all(d is None or isinstance(d, int) for d in s):
        return [tuple(s[1:])]
    if isinstance(s, dict):
        return [x for v in s.values() for x in _flatten_shapes_simple(v)]
    return [x for v in s for x in _flatten_shapes_simple(v)]
