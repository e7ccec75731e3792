"""Reverse-mode automatic differentiation: graph recording, backward, grad, gradcheck."""
from .anomaly import detect_anomaly, is_anomaly_check_nan_enabled, is_anomaly_enabled, set_detect_anomaly
from .engine import run_backward
from .function import Function, FunctionCtx, once_differentiable
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .variable import Variable

__all__ = ["Function", "FunctionCtx", "once_differentiable", "detect_anomaly", "set_detect_anomaly",
           "is_anomaly_enabled", "is_anomaly_check_nan_enabled", "backward", "grad", "gradcheck", "gradgradcheck", "GradcheckError", "no_grad",
           "enable_grad", "set_grad_enabled", "is_grad_enabled", "inference_mode", "Variable"]


def _seq(x):
    return list(x) if isinstance(x, (tuple, list)) else [x]


def _tensors(op, what, x):
    """``x`` (a Tensor or a sequence of Tensors) as a list, or a TypeError naming the culprit."""
    from ..tensor import Tensor
    items = _seq(x)
    for i, t in enumerate(items):
        if not isinstance(t, Tensor):
            at = f"[{i}]" if isinstance(x, (tuple, list)) else ""
            raise TypeError(f"{op}: {what}{at} must be a Tensor (or a sequence of Tensors), got "
                            f"{type(t).__name__}")
    return items


def _grad_outputs(outputs, grad_outputs, what="grad_outputs"):
    from .._backend import array_module
    from ..tensor import Tensor
    gs = _seq(grad_outputs) if grad_outputs is not None else [None] * len(outputs)
    if len(gs) != len(outputs):
        raise ValueError(f"{what} has {len(gs)} entries but there are {len(outputs)} outputs")
    res = []
    for i, (o, g) in enumerate(zip(outputs, gs)):
        if g is None:
            if o._data.size != 1:
                raise RuntimeError(
                    f"grad can be implicitly created only for scalar outputs (got shape {tuple(o.shape)})")
            g = Tensor._make(array_module(o.device).ones_like(o._data))
        elif not isinstance(g, Tensor):
            try:
                g = Tensor(g, dtype=o.dtype)
            except (TypeError, ValueError):
                raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__} "
                                f"({what}[{i}])") from None
        if g._data.shape != o._data.shape:
            raise RuntimeError(f"Mismatch in shape: {what[:-1] if what.endswith('s') else what}[{i}] has a "
                               f"shape of {tuple(g._data.shape)} and output[{i}] has a shape of "
                               f"{tuple(o._data.shape)}.")
        res.append(g)
    return res


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False):
    """Backward from several outputs at once (``nerve.autograd.backward``)."""
    tensors = _tensors("backward()", "tensors", tensors)
    for i, t in enumerate(tensors):
        if not t.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
    if retain_graph is None:
        retain_graph = create_graph
    run_backward(tensors, _grad_outputs(tensors, grad_tensors, "grad_tensors"), retain_graph, create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False):
    """Return d(outputs)/d(inputs) without touching ``.grad``.

    Example:
        >>> x = nerve.tensor(3.0, requires_grad=True)
        >>> (dy,) = nerve.autograd.grad(x ** 3, x, create_graph=True)   # 3x^2 = 27
        >>> (d2y,) = nerve.autograd.grad(dy, x)                        # 6x = 18
    """
    outputs = _tensors("grad()", "outputs", outputs)
    inputs_ = _seq(inputs)
    if not inputs_:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    for i, o in enumerate(outputs):
        if not o.requires_grad:
            raise RuntimeError(f"grad: output {i} does not require grad and has no grad_fn")
    for i, t in enumerate(inputs_):
        if not getattr(t, "requires_grad", False):
            what = (f"a {type(t).__name__}, not a Tensor" if not hasattr(t, "requires_grad") else
                    f"shape {tuple(t.shape)}, requires_grad=False")
            raise RuntimeError(
                f"One of the differentiated Tensors does not require grad: input {i} ({what}). "
                "Create it with requires_grad=True (or call .requires_grad_()) before computing the "
                "outputs from it")
    if retain_graph is None:
        retain_graph = create_graph
    return run_backward(outputs, _grad_outputs(outputs, grad_outputs), retain_graph, create_graph,
                        inputs=inputs_, allow_unused=allow_unused)
