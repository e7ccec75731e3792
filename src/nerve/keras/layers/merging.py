"""Merge layers for graphs with several branches: Add, Subtract, Multiply, Average, Maximum, Minimum,
Concatenate (and their lowercase functional forms ``add([a, b])``, ``concatenate([a, b])``)."""
from __future__ import annotations

from ... import ops as _ops
from ..._backend import np
from .base import Layer

__all__ = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "add", "subtract",
           "multiply", "average", "maximum", "minimum", "concatenate"]


def _broadcast_shapes(shapes):
    nd = max(len(s) for s in shapes)
    out = []
    for i in range(nd):
        dims = [s[len(s) - nd + i] for s in shapes if len(s) - nd + i >= 0]
        known = [d for d in dims if d is not None and d != 1]
        if len(set(known)) > 1:
            raise ValueError(f"Inputs have incompatible shapes: {', '.join(str(tuple(s)) for s in shapes)}")
        out.append(known[0] if known else (None if None in dims else 1))
    return tuple(out)


class _Merge(Layer):
    _min_inputs = 2
    _max_inputs = None

    def _check(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"A merge layer ({type(self).__name__}) should be called on a list of inputs. "
                             f"Received: inputs={inputs!r} (not a list of tensors)")
        n = len(inputs)
        if n < self._min_inputs or (self._max_inputs is not None and n > self._max_inputs):
            want = self._min_inputs if self._max_inputs == self._min_inputs else f"at least {self._min_inputs}"
            raise ValueError(f"{type(self).__name__} expects {want} inputs, got {n}")

    def build(self, input_shape):
        self._check(input_shape)
        self.built = True

    def call(self, inputs):
        self._check(inputs)
        self._check_shapes([tuple(getattr(x, "shape", ())) for x in inputs])
        return self._merge(list(inputs))

    def _check_shapes(self, shapes):
        try:
            _broadcast_shapes(shapes)
        except ValueError:
            raise ValueError(f"{type(self).__name__} layer {self.name!r}: inputs have incompatible shapes "
                             f"{', '.join(str(s) for s in shapes)}; element-wise merges need equal shapes "
                             "(or shapes that broadcast)") from None

    def compute_output_shape(self, input_shape):
        self._check(input_shape)
        return _broadcast_shapes([tuple(s) for s in input_shape])


class Add(_Merge):
    """Element-wise sum of a list of inputs (residual connections).

    Example:
        >>> y = keras.layers.Add()([x1, x2])
    """

    def _merge(self, xs):
        out = xs[0]
        for x in xs[1:]:
            out = out + x
        return out


class Subtract(_Merge):
    """``inputs[0] - inputs[1]`` (exactly two inputs)."""
    _max_inputs = 2

    def _merge(self, xs):
        return xs[0] - xs[1]


class Multiply(_Merge):
    """Element-wise product of a list of inputs."""

    def _merge(self, xs):
        out = xs[0]
        for x in xs[1:]:
            out = out * x
        return out


class Average(_Merge):
    """Element-wise mean of a list of inputs."""

    def _merge(self, xs):
        out = xs[0]
        for x in xs[1:]:
            out = out + x
        return out * (1.0 / len(xs))


class Maximum(_Merge):
    """Element-wise maximum of a list of inputs."""

    def _merge(self, xs):
        out = xs[0]
        for x in xs[1:]:
            out = _ops.maximum(out, x)
        return out


class Minimum(_Merge):
    """Element-wise minimum of a list of inputs."""

    def _merge(self, xs):
        out = xs[0]
        for x in xs[1:]:
            out = _ops.minimum(out, x)
        return out


class Concatenate(_Merge):
    """Concatenate a list of inputs along ``axis`` (default the last).

    Example:
        >>> merged = keras.layers.Concatenate()([a, b])     # (None, 3) and (None, 5) -> (None, 8)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
            raise ValueError(f"Concatenate: `axis` must be an integer. Received: axis={axis!r}")
        self.axis = int(axis)

    def _check_shapes(self, shapes):
        self.compute_output_shape(shapes)

    def _merge(self, xs):
        return _ops.cat(xs, dim=self.axis)

    def compute_output_shape(self, input_shape):
        self._check(input_shape)
        shapes = [tuple(s) for s in input_shape]
        nd = len(shapes[0])
        if not -nd <= self.axis < nd:
            raise ValueError(f"Concatenate layer {self.name!r}: axis {self.axis} is out of range for inputs with "
                             f"{nd} dimensions (shapes {shapes})")
        ax = self.axis % nd
        for s in shapes[1:]:
            if len(s) != nd or any(a != b and a is not None and b is not None
                                   for i, (a, b) in enumerate(zip(s, shapes[0])) if i != ax):
                raise ValueError(
                    "A `Concatenate` layer requires inputs with matching shapes except for the concatenation "
                    f"axis. Received: input_shape={[tuple(s) for s in shapes]}")
        dims = [s[ax] for s in shapes]
        out = list(shapes[0])
        out[ax] = None if None in dims else sum(dims)
        return tuple(out)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def add(inputs, **kwargs):
    """Functional form of :class:`Add`."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of :class:`Concatenate`."""
    return Concatenate(axis=axis, **kwargs)(inputs)
