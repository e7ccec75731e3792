"""``Function``: one differentiable operation, forward and backward side by side.

A subclass implements

* ``forward(self, *arrays)``: raw arrays in, one raw array out. Anything the
  backward needs is stored on ``self``; non-tensor arguments (axis, shape, ...)
  are given to ``__init__``.
* ``backward(self, grad)``: ``grad`` is a ``Tensor`` shaped like the output; it
  returns one ``Tensor`` (or ``None``) per input, already reduced to that
  input's shape. Backward is written with nerve's own tensor operations, so the
  engine can record it (``create_graph=True``) and higher-order gradients come
  for free. ``self.inputs`` holds the input tensors; ``self.output()`` the
  output tensor when the class sets ``save_output = True``.

Calling an instance runs the op: ``Exp()(x)``. The lowercase public function
(``nerve.exp``) does exactly that.
"""
from __future__ import annotations

import weakref

from .grad_mode import _enabled

_Tensor = None  # set by nerve.tensor to break the import cycle


class OpError(RuntimeError, ValueError):
    """An op was given inputs it cannot combine (e.g. shapes that do not broadcast).

    A ``RuntimeError`` as in PyTorch, and a ``ValueError`` as NumPy raises for the
    same mistakes, so code catching either keeps working.
    """


def _forward_error(fn, inputs, err):
    """Name the op and the input shapes/dtypes in an error NumPy raised inside ``forward``."""
    name = type(fn).__name__
    msg = str(err).strip()
    if msg.lower().startswith(name.lower() + ":"):
        return err                       # the op's own message already names it
    shapes = " and ".join(str(tuple(t.data.shape)) for t in inputs)
    dtypes = " and ".join(str(t.data.dtype) for t in inputs)
    cls = TypeError if isinstance(err, TypeError) else OpError
    return cls(f"{name}: {msg} (input shapes {shapes}; dtypes {dtypes})")


class Function:
    inputs = None          # input Tensors, kept only while the graph is alive
    save_output = False    # set by ops whose backward uses their own result
    retained = None        # weak reference to the output when it called retain_grad()
    _out = None

    def forward(self, *arrays):  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, grad):  # pragma: no cover - abstract
        raise NotImplementedError(f"{type(self).__name__} has no backward")

    def output(self):
        """The output tensor (ops with ``save_output = True`` only)."""
        return self._out()

    def __call__(self, *inputs):
        # Hot path: keep it to a handful of attribute reads. (The try is free in
        # Python >= 3.11 until something raises.)
        try:
            if len(inputs) == 1:
                a = inputs[0]
                data = self.forward(a.data)
                req = a.requires_grad
            elif len(inputs) == 2:
                a, b = inputs
                data = self.forward(a.data, b.data)
                req = a.requires_grad or b.requires_grad
            else:
                data = self.forward(*[t.data for t in inputs])
                req = False
                for t in inputs:
                    if t.requires_grad:
                        req = True
                        break
        except (ValueError, TypeError) as e:
            raise _forward_error(self, inputs, e) from None
        out = _Tensor.__new__(_Tensor)
        out.data = data
        out.grad = None
        if req and _enabled[0]:
            out.requires_grad = True
            out._ctx = self
            self.inputs = inputs
            if self.save_output:
                self._out = weakref.ref(out)
        else:
            out.requires_grad = False
            out._ctx = None
        return out

    def __repr__(self):
        return f"<{type(self).__name__}Backward>"
