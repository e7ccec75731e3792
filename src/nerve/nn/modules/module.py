"""``Module``: the base class of every layer and model.

A module owns parameters (``Parameter``), buffers (plain tensors saved in the
``state_dict``, such as running statistics) and child modules. Assigning one
as an attribute registers it: its name is recorded in the ordered dicts
``_parameters`` / ``_buffers`` / ``_modules``, which fix the order of
``parameters()``, ``state_dict()`` and the printed model.

Speed note: unlike PyTorch, the registered object is *also* kept in the
instance ``__dict__``, so ``self.weight`` inside ``forward`` is an ordinary
attribute read rather than a trip through ``__getattr__``. ``__setattr__`` and
``__delattr__`` keep the two in sync; always assign through attributes (or
``register_*``), not by editing ``_parameters`` directly. A name that is also
a class attribute (a method, a property) is not mirrored, so it resolves
exactly as in PyTorch.

Hooks: ``register_forward_pre_hook`` / ``register_forward_hook`` /
``register_full_backward_pre_hook`` / ``register_full_backward_hook`` (and the
global ``register_module_*`` functions below) follow PyTorch. ``__call__`` tests
one attribute, ``_has_hooks``, before going straight to ``forward``: it is set in
the instance dict when a hook is registered (on ``Module`` itself for global
hooks) and dropped by the slow path once the hooks are gone. Backward hooks work
as PyTorch's ``BackwardHook``: the call's input and output tensors pass through
identity nodes (``_HookGather`` + ``_HookPick``) whose backward runs the hooks.
"""
from __future__ import annotations

import warnings
from collections import OrderedDict
from collections.abc import Mapping
from typing import NamedTuple

from ... import _backend as B
from ...autograd.function import Op
from ...autograd.grad_mode import _enabled
from ...tensor import Tensor
from ...utils.hooks import RemovableHandle
from ..parameter import Parameter

__all__ = ["Module", "RemovableHandle", "register_module_forward_pre_hook", "register_module_forward_hook",
           "register_module_full_backward_pre_hook", "register_module_full_backward_hook"]


class _IncompatibleKeys(NamedTuple):
    """What ``load_state_dict`` returns: the keys that did not line up."""

    missing_keys: list
    unexpected_keys: list

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return (f"_IncompatibleKeys(missing_keys={self.missing_keys!r}, "
                f"unexpected_keys={self.unexpected_keys!r})")

    __str__ = __repr__


# ------------------------------------------------------------------ global hooks
# Hooks common to all modules (for debugging and profiling); they run before each module's own.
_global_forward_pre_hooks = OrderedDict()
_global_forward_hooks = OrderedDict()
_global_forward_hooks_with_kwargs = OrderedDict()
_global_forward_hooks_always_called = OrderedDict()
_global_backward_pre_hooks = OrderedDict()
_global_backward_hooks = OrderedDict()


def _any_global_hook():
    return bool(_global_forward_pre_hooks or _global_forward_hooks or _global_backward_pre_hooks
                or _global_backward_hooks)


def register_module_forward_pre_hook(hook):
    """Call ``hook(module, args)`` before the ``forward`` of every module (global; for debugging).

    It runs before the module's own pre-hooks and may return new args as they do.
    Returns a ``RemovableHandle``.
    """
    handle = RemovableHandle(_global_forward_pre_hooks)
    _global_forward_pre_hooks[handle.id] = hook
    Module._has_hooks = True
    return handle


def register_module_forward_hook(hook, *, with_kwargs=False, always_call=False):
    """Call ``hook(module, args, output)`` after the ``forward`` of every module (global).

    It runs before the module's own forward hooks and may return a new output.
    Returns a ``RemovableHandle``.
    """
    handle = RemovableHandle(_global_forward_hooks, extra_dict=[_global_forward_hooks_with_kwargs,
                                                                _global_forward_hooks_always_called])
    _global_forward_hooks[handle.id] = hook
    if with_kwargs:
        _global_forward_hooks_with_kwargs[handle.id] = True
    if always_call:
        _global_forward_hooks_always_called[handle.id] = True
    Module._has_hooks = True
    return handle


def register_module_full_backward_pre_hook(hook):
    """Call ``hook(module, grad_output)`` in the backward of every module (global).

    It runs before the module's own backward pre-hooks. Returns a ``RemovableHandle``.
    """
    handle = RemovableHandle(_global_backward_pre_hooks)
    _global_backward_pre_hooks[handle.id] = hook
    Module._has_hooks = True
    return handle


def register_module_full_backward_hook(hook):
    """Call ``hook(module, grad_input, grad_output)`` in the backward of every module (global).

    It runs before the module's own backward hooks. Returns a ``RemovableHandle``.
    """
    handle = RemovableHandle(_global_backward_hooks)
    _global_backward_hooks[handle.id] = hook
    Module._has_hooks = True
    return handle


# ---------------------------------------------------------------- backward hooks
_NO_INPUT_GRAD_WARNING = (
    "Full backward hook is firing when gradients are computed with respect to module outputs since "
    "no inputs require gradients. See the documentation of Module.register_full_backward_hook for "
    "more details.")


class _HookGather(Op):
    """Identity node over the tensors that one module call wrapped (its inputs, or its outputs).

    Its output is a scalar token; each wrapped tensor is a ``_HookPick`` of the token
    that passes one of the gathered values through unchanged. The picks hand their
    gradients here, and the engine runs this node only after all of them (its gradient
    is the sum of theirs), so the module's hooks see every gradient of the call at
    once, as PyTorch's single ``BackwardHookFunction`` node gives them.
    """

    saved = ()

    def __init__(self, hook, is_output):
        self.hook, self.is_output = hook, is_output

    def forward(self, *arrays):
        self.grads = [None] * len(arrays)
        return B.np.zeros((), dtype=B.np.float32)

    def backward(self, g):
        grads = self.grads
        self.grads = [None] * len(grads)       # ready for another backward (retain_graph)
        if self.is_output:
            return self.hook._output_backward(grads, self.inputs)
        return self.hook._input_backward(grads, self.inputs)

    def name(self):
        return "BackwardHookFunctionBackward"


class _HookPick(Op):
    """One wrapped tensor: value ``i`` of a ``_HookGather``, to which it hands its gradient."""

    saved = ()

    def __init__(self, gather, i, array):
        self.gather, self.i, self.array = gather, i, array

    def forward(self, token):
        return self.array

    def backward(self, g):
        self.gather.grads[self.i] = g
        return Tensor._make(B.np.zeros((), dtype=B.np.float32))

    def name(self):
        return "BackwardHookFunctionBackward"


def _hook_name(hook):
    return getattr(hook, "__name__", type(hook).__name__)


def _check_grads(res, n, what, hook):
    """A hook's replacement gradients as a tuple of length ``n`` (PyTorch's checks and words)."""
    kind = "grad_input" if what == "Backward" else "grad_output"
    if not isinstance(res, (tuple, list)):
        raise RuntimeError(
            f"{what} hook {_hook_name(hook)!r} must return None or a tuple of {n} {kind} "
            f"(Tensor or None each), got {type(res).__name__}")
    if len(res) != n:
        raise RuntimeError(f"{what} hook returned an invalid number of {kind}, got {len(res)}, "
                           f"but expected {n}")
    return tuple(res)


def _pass_on(grads, tensors, hooks):
    """The gradients for ``tensors`` (the inputs of a hook node), checked against their shapes."""
    out = []
    for g, t in zip(grads, tensors):
        if g is not None:
            if not isinstance(g, Tensor):
                raise RuntimeError(f"a module backward hook returned a {type(g).__name__} as a "
                                   "gradient; expected a Tensor or None")
            if tuple(g._data.shape) != tuple(t._data.shape):
                raise RuntimeError(
                    f"hook {', '.join(repr(_hook_name(h)) for h in hooks)} has changed the size of "
                    f"value: it returned a gradient of shape {tuple(g._data.shape)} for a tensor of "
                    f"shape {tuple(t._data.shape)}")
            if t._ctx is None and not _enabled[0]:
                # a leaf keeps this array as its .grad: it must not alias the gradient of another
                # tensor (the picks may have been handed one array twice) or the caller's
                g = Tensor._make(g._data.astype(t._data.dtype, copy=True))
        out.append(g)
    return tuple(out)


class _BackwardHook:
    """One module call's full backward hooks (PyTorch's ``torch.utils.hooks.BackwardHook``).

    The call's positional tensor inputs and its output tensors (those that require
    grad) are routed through one ``_HookGather`` identity node each. In backward the
    output node runs first: it packs ``grad_output`` (``None`` for non-tensor outputs
    and for outputs that got no gradient), runs the pre-hooks (which may replace it)
    and keeps it. The input node runs once every gradient w.r.t. the inputs is known:
    it packs ``grad_input`` (zeros for tensor inputs that got none, as PyTorch
    materializes them; ``None`` for non-tensors) and runs the hooks, which may replace
    it; the result flows on to the inputs.
    """

    def __init__(self, module, user_hooks, user_pre_hooks):
        self.module, self.user_hooks, self.user_pre_hooks = module, user_hooks, user_pre_hooks
        self.grad_outputs = None
        self.n_inputs = self.n_outputs = -1
        self.input_index = self.output_index = None     # positions routed through a node
        self.input_others = None                         # position -> (shape, dtype, device)

    def _wrap(self, values, is_output):
        """Route the tensors of ``values`` that require grad through one gather node."""
        if not _enabled[0]:
            return values, None, None
        idx, tensors, others = [], [], {}
        for i, v in enumerate(values):
            if isinstance(v, Tensor):
                if v.requires_grad:
                    idx.append(i)
                    tensors.append(v)
                else:
                    others[i] = (v._data.shape, v._data.dtype, B.device_of(v._data))
        if not tensors:
            return values, None, None
        gather = _HookGather(self, is_output)
        token = gather(*tensors)
        out = list(values)
        for j, (i, t) in enumerate(zip(idx, tensors)):
            out[i] = _HookPick(gather, j, t._data)(token)
        out = tuple(out) if type(values) is tuple else type(values)(*out)
        return out, idx, others

    def setup_input_hook(self, args):
        self.n_inputs = len(args)
        args, self.input_index, self.input_others = self._wrap(args, False)
        return args

    def setup_output_hook(self, result):
        single = not isinstance(result, tuple)
        values = (result,) if single else result
        self.n_outputs = len(values)
        values, self.output_index, _ = self._wrap(values, True)
        return values[0] if single else values

    def _output_backward(self, grads, tensors):
        packed = [None] * self.n_outputs
        for i, g in zip(self.output_index, grads):
            packed[i] = g
        grad_outputs = tuple(packed)
        for hook in self.user_pre_hooks:
            res = hook(self.module, grad_outputs)
            if res is not None:
                grad_outputs = _check_grads(res, self.n_outputs, "Backward pre", hook)
        self.grad_outputs = grad_outputs
        if self.input_index is None:
            # no input requires grad: the hooks run here, with no grad_input to give
            warnings.warn(_NO_INPUT_GRAD_WARNING, stacklevel=2)
            grad_inputs = (None,) * self.n_inputs
            for hook in self.user_hooks:
                res = hook(self.module, grad_inputs, grad_outputs)
                if res is not None and not (isinstance(res, tuple) and all(r is None for r in res)):
                    raise RuntimeError("Backward hook for Modules where no input requires gradient "
                                       "should always return None or None for all gradients.")
            self.grad_outputs = None
        return _pass_on([grad_outputs[i] for i in self.output_index], tensors, self.user_pre_hooks)

    def _input_backward(self, grads, tensors):
        if self.grad_outputs is None:
            # the gradient reached the inputs without passing through the outputs
            return tuple(grads)
        packed = [None] * self.n_inputs
        for i, g, t in zip(self.input_index, grads, tensors):
            packed[i] = g if g is not None else Tensor._make(B.array_module(B.device_of(t._data))
                                                             .zeros_like(t._data))
        for i, (shape, dtype, device) in self.input_others.items():
            packed[i] = Tensor._make(B.array_module(device).zeros(shape, dtype))
        res = tuple(packed)
        for hook in self.user_hooks:
            out = hook(self.module, res, self.grad_outputs)
            if out is not None:
                res = _check_grads(out, self.n_inputs, "Backward", hook)
        self.grad_outputs = None
        return _pass_on([res[i] for i in self.input_index], tensors, self.user_hooks)


def _addindent(s, num_spaces):
    lines = s.split("\n")
    if len(lines) == 1:
        return s
    first = lines.pop(0)
    return first + "\n" + "\n".join((num_spaces * " ") + line if line.strip() else "" for line in lines)


def _as_array(value):
    """The raw array of a checkpoint value (nerve Tensor, NumPy/CuPy array, torch CPU tensor)."""
    if isinstance(value, Tensor):
        return value._data
    if isinstance(value, B.np.ndarray) or (hasattr(value, "shape") and hasattr(value, "dtype")
                                          and type(value).__module__.startswith("cupy")):
        return value
    if hasattr(value, "__array__") and hasattr(value, "shape"):
        if hasattr(value, "detach"):  # a torch tensor
            value = value.detach().cpu()
        return B.np.asarray(value)
    return None


def _shape_str(shape):
    return str(tuple(int(s) for s in shape))


def _non_tensor_input(module, args, err):
    """A clear TypeError when a layer was handed a list/number/array instead of a Tensor
    (the ops then fail with "'list' object has no attribute '_data'"); other errors unchanged."""
    from ...tensor import Tensor
    msg = str(err)
    # an op read ``x._data`` of a non-Tensor, or a functional named its input "must be Tensor"
    if ("_data" in msg) if isinstance(err, AttributeError) else ("must be Tensor, not" in msg):
        for i, a in enumerate(args):
            if not isinstance(a, (Tensor, tuple, dict)) and not hasattr(a, "_data"):
                return TypeError(
                    f"{type(module).__name__}: input {i} must be a Tensor, not {type(a).__name__} "
                    f"({a!r:.60}); wrap the data with nerve.tensor(...)")
    return err


class Module:
    """Base class for all layers and models: subclass it and define ``forward``.

    Parameters, buffers and submodules assigned as attributes in ``__init__`` are
    registered automatically; calling the module runs ``forward``.

    Example:
        >>> class MLP(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.fc1 = nn.Linear(4, 8)
        ...         self.fc2 = nn.Linear(8, 3)
        ...     def forward(self, x):
        ...         return self.fc2(self.fc1(x).relu())
        >>> [n for n, _ in MLP().named_parameters()]
        ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
    """

    _version = 1

    def __init__(self, *args, **kwargs):
        if args or kwargs:
            raise TypeError(
                f"{type(self).__name__}.__init__() got unexpected arguments: Module.__init__ "
                "takes no arguments (pass them to your subclass's own __init__)")
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = {}
        d["_buffers"] = {}
        d["_non_persistent_buffers_set"] = set()
        d["_modules"] = {}
        d["_forward_pre_hooks"] = OrderedDict()
        d["_forward_pre_hooks_with_kwargs"] = OrderedDict()
        d["_forward_hooks"] = OrderedDict()
        d["_forward_hooks_with_kwargs"] = OrderedDict()
        d["_forward_hooks_always_called"] = OrderedDict()
        d["_backward_pre_hooks"] = OrderedDict()
        d["_backward_hooks"] = OrderedDict()

    # ------------------------------------------------------------ calling
    def forward(self, *args, **kwargs):
        """The computation of the module; every subclass defines it."""
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    # True in the __dict__ of a module that has had hooks registered, and on the class while
    # global hooks exist; it is cleared lazily (by the slow path) once the hooks are removed.
    _has_hooks = False

    def __call__(self, *args, **kwargs):
        # Hot path: one attribute test when no hooks are registered (an MLP calls this per layer).
        try:
            if self._has_hooks:
                return self._call_with_hooks(args, kwargs)
            return self.forward(*args, **kwargs)
        except (AttributeError, TypeError) as e:
            err = _non_tensor_input(self, args, e)
            if err is e:
                raise
            raise err from None

    def _call_with_hooks(self, args, kwargs):
        """``__call__`` with hooks, in PyTorch's order: global then own forward pre-hooks,
        backward-hook wrapping of the inputs, ``forward``, forward hooks, wrapping of the output."""
        fpre, fhooks = self._forward_pre_hooks, self._forward_hooks
        bpre, bhooks = self._backward_pre_hooks, self._backward_hooks
        glob = _any_global_hook()
        if not glob and Module._has_hooks:
            Module._has_hooks = False
        if not (fpre or fhooks or bpre or bhooks):
            self.__dict__.pop("_has_hooks", None)
            if not glob:
                return self.forward(*args, **kwargs)
        result = None
        called = set()
        try:
            backward_pre_hooks = [*_global_backward_pre_hooks.values(), *bpre.values()]
            full_backward_hooks = [*_global_backward_hooks.values(), *bhooks.values()]
            if _global_forward_pre_hooks or fpre:
                with_kwargs = self._forward_pre_hooks_with_kwargs
                for hid, hook in (*_global_forward_pre_hooks.items(), *fpre.items()):
                    if hid in with_kwargs:
                        res = hook(self, args, kwargs)
                        if res is not None:
                            if not (isinstance(res, tuple) and len(res) == 2):
                                raise RuntimeError(
                                    "forward pre-hook must return None or a tuple of (new_args, "
                                    f"new_kwargs), but got {res}.")
                            args, kwargs = res
                    else:
                        res = hook(self, args)
                        if res is not None:
                            args = res if isinstance(res, tuple) else (res,)
            bw_hook = None
            if full_backward_hooks or backward_pre_hooks:
                bw_hook = _BackwardHook(self, full_backward_hooks, backward_pre_hooks)
                args = bw_hook.setup_input_hook(args)
            result = self.forward(*args, **kwargs)
            if _global_forward_hooks or fhooks:
                with_kwargs, always = self._forward_hooks_with_kwargs, self._forward_hooks_always_called
                for hid, hook in (*_global_forward_hooks.items(), *fhooks.items()):
                    if hid in always or hid in _global_forward_hooks_always_called:
                        called.add(hid)
                    if hid in with_kwargs or hid in _global_forward_hooks_with_kwargs:
                        res = hook(self, args, kwargs, result)
                    else:
                        res = hook(self, args, result)
                    if res is not None:
                        result = res
            if bw_hook is not None:
                if not isinstance(result, (Tensor, tuple)):
                    warnings.warn("For backward hooks to be called, module output should be a Tensor or "
                                  f"a tuple of Tensors but received {type(result)}", stacklevel=3)
                result = bw_hook.setup_output_hook(result)
            return result
        except Exception:
            # hooks registered with always_call=True run even when forward (or a hook) raised
            self._run_always_called(args, kwargs, result, called)
            raise

    def _run_always_called(self, args, kwargs, result, called):
        for hid, hook in _global_forward_hooks.items():
            if hid in _global_forward_hooks_always_called and hid not in called:
                try:
                    res = hook(self, args, result)
                    if res is not None:
                        result = res
                except Exception as e:  # noqa: BLE001 - the forward error is the one re-raised
                    warnings.warn("global module forward hook with ``always_call=True`` raised an "
                                  f"exception that was silenced as another error was raised in "
                                  f"forward: {e}", stacklevel=3)
        for hid, hook in self._forward_hooks.items():
            if hid in self._forward_hooks_always_called and hid not in called:
                try:
                    if hid in self._forward_hooks_with_kwargs:
                        res = hook(self, args, kwargs, result)
                    else:
                        res = hook(self, args, result)
                    if res is not None:
                        result = res
                except Exception as e:  # noqa: BLE001
                    warnings.warn("module forward hook with ``always_call=True`` raised an exception "
                                  f"that was silenced as another error was raised in forward: {e}",
                                  stacklevel=3)

    def _add_hook(self, hooks, hook, prepend, extra=None):
        handle = RemovableHandle(hooks, extra_dict=extra)
        hooks[handle.id] = hook
        if prepend:
            hooks.move_to_end(handle.id, last=False)
        self.__dict__["_has_hooks"] = True
        return handle

    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        """Call ``hook(module, args)`` before each ``forward``; it may return new args.

        ``args`` holds the positional arguments only (keyword arguments go to ``forward``
        untouched). The hook returns ``None`` or the new args: a tuple, or a single value
        that is wrapped into one.

        Args:
            hook: the callable.
            prepend: run it before the hooks already registered (default: after).
            with_kwargs: call ``hook(module, args, kwargs)`` instead; it returns ``None``
                or ``(new_args, new_kwargs)``.

        Returns:
            a ``nerve.utils.hooks.RemovableHandle``; its ``remove()`` unregisters the hook.

        Example:
            >>> h = layer.register_forward_pre_hook(lambda m, args: (args[0] * 2,))
            >>> h.remove()
        """
        handle = self._add_hook(self._forward_pre_hooks, hook, prepend, self._forward_pre_hooks_with_kwargs)
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs[handle.id] = True
        return handle

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False, always_call=False):
        """Call ``hook(module, args, output)`` after each ``forward``; it may return a new output.

        Args:
            hook: the callable; returns ``None`` or the output to use instead.
            prepend: run it before the hooks already registered (default: after).
            with_kwargs: call ``hook(module, args, kwargs, output)`` instead.
            always_call: also run it when ``forward`` raises (with ``output=None``).

        Returns:
            a ``nerve.utils.hooks.RemovableHandle``; its ``remove()`` unregisters the hook.

        Example:
            >>> feats = {}
            >>> h = model[0].register_forward_hook(lambda m, args, out: feats.update(fc1=out))
        """
        handle = self._add_hook(self._forward_hooks, hook, prepend,
                                [self._forward_hooks_with_kwargs, self._forward_hooks_always_called])
        if with_kwargs:
            self._forward_hooks_with_kwargs[handle.id] = True
        if always_call:
            self._forward_hooks_always_called[handle.id] = True
        return handle

    def register_full_backward_pre_hook(self, hook, prepend=False):
        """Call ``hook(module, grad_output)`` when the gradients w.r.t. the module's outputs are known.

        ``grad_output`` is a tuple with one entry per output (``None`` for non-tensor outputs
        and outputs that got no gradient). The hook returns ``None`` or a new tuple that
        replaces it in the rest of the backward pass (and in ``register_full_backward_hook``).
        ``forward`` receives, and the caller gets back, new tensors that share the data of
        the module's inputs and outputs (the nodes that call the hooks).

        Example:
            >>> h = layer.register_full_backward_pre_hook(lambda m, go: (go[0] * 0.5,))
        """
        return self._add_hook(self._backward_pre_hooks, hook, prepend)

    def register_full_backward_hook(self, hook, prepend=False):
        """Call ``hook(module, grad_input, grad_output)`` once the gradients w.r.t. the inputs are known.

        ``grad_input`` has one entry per positional argument of the call: the gradient w.r.t.
        each tensor argument (zeros for a tensor that got none, as PyTorch gives), ``None``
        for non-tensor arguments. ``grad_output`` is as for ``register_full_backward_pre_hook``.
        The hook returns ``None`` or a new ``grad_input`` tuple, which is what flows on to
        the inputs (parameter gradients inside the module are not affected). When no input
        requires grad the hook runs with ``grad_input`` all ``None`` and a warning, as in
        PyTorch. Keyword arguments are never part of ``grad_input``.

        Example:
            >>> grads = []
            >>> h = model[2].register_full_backward_hook(lambda m, gi, go: grads.append(go[0]))
        """
        return self._add_hook(self._backward_hooks, hook, prepend)

    # ------------------------------------------------------- registration
    def _mirror(self, name, value):
        """Keep a registered object in the instance dict for fast attribute reads."""
        if not hasattr(type(self), name):
            self.__dict__[name] = value

    def _drop(self, name, keep):
        """Forget ``name`` as a plain attribute and in every registry but ``keep``.

        The registry being assigned keeps its entry, so reassigning a name keeps its order.
        """
        d = self.__dict__
        d.pop(name, None)
        for reg in ("_parameters", "_buffers", "_modules"):
            if reg != keep:
                d[reg].pop(name, None)
        if keep != "_buffers":
            d["_non_persistent_buffers_set"].discard(name)

    def _check_name(self, name, kind, registry):
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string, got {type(name).__name__}")
        if "." in name:
            raise KeyError(f'{kind} name cannot contain ".", got: {name!r}')
        if name == "":
            raise KeyError(f'{kind} name cannot be an empty string')
        if name not in registry and hasattr(self, name):
            raise KeyError(f"attribute '{name}' already exists")

    def register_parameter(self, name, param):
        """Register ``param`` (a ``Parameter`` or ``None``) under ``name``.

        ``None`` marks an optional parameter that is absent (e.g. ``bias=False``):
        it is skipped by ``parameters()`` and ``state_dict()``.
        """
        d = self.__dict__
        if "_parameters" not in d:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        params = d["_parameters"]
        self._check_name(name, "parameter", params)
        if param is not None:
            if not isinstance(param, Parameter):
                raise TypeError(
                    f"cannot assign '{type(param).__name__}' object to parameter '{name}' "
                    "(nerve.nn.Parameter or None required); wrap it: nn.Parameter(tensor)")
            if param._ctx is not None:
                raise ValueError(
                    f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be "
                    f"created explicitly. To express '{name}' as a function of another Tensor, compute "
                    "the value in the forward() method.")
        params[name] = param
        self._mirror(name, param)

    def register_buffer(self, name, tensor, persistent=True):
        """Register a tensor that is part of the module's state but not a parameter.

        Args:
            name: attribute name.
            tensor: a ``Tensor`` or ``None``.
            persistent: whether it is saved in ``state_dict()`` (default ``True``).

        Example:
            >>> self.register_buffer("running_mean", nerve.zeros(num_features))
        """
        d = self.__dict__
        if "_buffers" not in d:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        buffers = d["_buffers"]
        self._check_name(name, "buffer", buffers)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' "
                "(nerve.Tensor or None required)")
        buffers[name] = tensor
        if persistent:
            d["_non_persistent_buffers_set"].discard(name)
        else:
            d["_non_persistent_buffers_set"].add(name)
        self._mirror(name, tensor)

    def add_module(self, name, module):
        """Register ``module`` (or ``None``) as a child under ``name``."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        d = self.__dict__
        if "_modules" not in d:
            raise AttributeError("cannot assign module before Module.__init__() call")
        self._check_name(name, "module", d["_modules"])
        d["_modules"][name] = module
        self._mirror(name, module)

    register_module = add_module

    def _set_modules(self, items):
        """Replace all children by ``items`` (name, module) in order (for containers)."""
        d = self.__dict__
        mods = d["_modules"]
        for k in mods:
            if d.get(k) is mods[k]:
                del d[k]
        mods.clear()
        for k, m in items:
            mods[k] = m
            self._mirror(k, m)

    def __setattr__(self, name, value):
        d = self.__dict__
        params = d.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._drop(name, "_parameters")
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as parameter '{name}' "
                    "(nerve.nn.Parameter or None expected)")
            params[name] = None
            self._mirror(name, None)
        elif isinstance(value, Module):
            if params is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._drop(name, "_modules")
            d["_modules"][name] = value
            self._mirror(name, value)
        elif params is not None and name in d["_modules"]:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as child module '{name}' "
                    "(nerve.nn.Module or None expected)")
            d["_modules"][name] = None
            self._mirror(name, None)
        elif params is not None and name in d["_buffers"]:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as buffer '{name}' "
                    "(nerve.Tensor or None expected)")
            d["_buffers"][name] = value
            self._mirror(name, value)
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name):
        # Only reached when normal lookup fails: registered names not mirrored in __dict__.
        d = self.__dict__
        for reg in ("_parameters", "_buffers", "_modules"):
            r = d.get(reg)
            if r is not None and name in r:
                return r[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        d = self.__dict__
        for reg in ("_parameters", "_buffers", "_modules"):
            r = d.get(reg)
            if r is not None and name in r:
                del r[name]
                d["_non_persistent_buffers_set"].discard(name)
                d.pop(name, None)
                return
        object.__delattr__(self, name)

    def __dir__(self):
        keys = set(dir(type(self))) | set(self.__dict__) | set(self._parameters) | set(self._modules) \
            | set(self._buffers)
        return sorted(k for k in keys if not k[0].isdigit())

    # ---------------------------------------------------------- traversal
    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """Yield ``(name, module)`` for this module and all descendants (pre-order)."""
        if memo is None:
            memo = set()
        if self in memo:
            return
        if remove_duplicate:
            memo.add(self)
        yield prefix, self
        for name, module in self._modules.items():
            if module is None:
                continue
            sub = prefix + ("." if prefix else "") + name
            yield from module.named_modules(memo, sub, remove_duplicate)

    def modules(self):
        """Yield this module and all descendants, each once."""
        for _, m in self.named_modules():
            yield m

    def named_children(self):
        """Yield ``(name, module)`` for the direct children, each once."""
        seen = set()
        for name, module in self._modules.items():
            if module is not None and module not in seen:
                seen.add(module)
                yield name, module

    def children(self):
        """Yield the direct children, each once."""
        for _, m in self.named_children():
            yield m

    def _named_members(self, registry, prefix, recurse, remove_duplicate):
        seen = set()
        mods = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse \
            else [(prefix, self)]
        for mod_prefix, mod in mods:
            for k, v in mod.__dict__[registry].items():
                if v is None or id(v) in seen:
                    continue
                if remove_duplicate:
                    seen.add(id(v))
                yield mod_prefix + ("." if mod_prefix else "") + k, v

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """Yield ``(name, parameter)`` pairs, e.g. ``('0.weight', Parameter)``.

        Args:
            prefix: prepended to every name.
            recurse: include the parameters of all descendants (default) or only this module's.
            remove_duplicate: yield a shared (tied) parameter only once.
        """
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse=True):
        """Yield the parameters (each once), in registration order; pass it to an optimizer."""
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        """Yield ``(name, buffer)`` pairs."""
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        """Yield the buffers (each once)."""
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def get_submodule(self, target):
        """The submodule at dotted path ``target`` (``''`` is this module)."""
        if target == "":
            return self
        mod = self
        for item in target.split("."):
            if not hasattr(mod, item):
                raise AttributeError(f"{mod._get_name()} has no attribute `{item}`")
            mod = getattr(mod, item)
            if not isinstance(mod, Module):
                raise AttributeError(f"`{item}` is not an nn.Module")
        return mod

    def get_parameter(self, target):
        """The parameter at dotted path ``target`` (e.g. ``'0.weight'``)."""
        module_path, _, name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if not hasattr(mod, name):
            raise AttributeError(f"{mod._get_name()} has no attribute `{name}`")
        p = getattr(mod, name)
        if not isinstance(p, Parameter):
            raise AttributeError(f"`{name}` is not an nn.Parameter")
        return p

    def get_buffer(self, target):
        """The buffer at dotted path ``target``."""
        module_path, _, name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if not hasattr(mod, name):
            raise AttributeError(f"{mod._get_name()} has no attribute `{name}`")
        if name not in mod._buffers:
            raise AttributeError(f"`{name}` is not a buffer")
        return mod._buffers[name]

    def set_submodule(self, target, module, strict=False):
        """Put ``module`` at dotted path ``target``, replacing the submodule there (or adding it).

        With ``strict=True`` the submodule must already exist.
        """
        if target == "":
            raise ValueError("Cannot set the submodule without a target name!")
        if not isinstance(module, Module):
            raise ValueError(f"`module` is not an nn.Module, found {type(module)}")
        parent_path, _, name = target.rpartition(".")
        parent = self.get_submodule(parent_path)
        if strict and not hasattr(parent, name):
            raise AttributeError(f"{parent._get_name()} has no attribute `{name}`")
        if hasattr(parent, name) and not isinstance(getattr(parent, name), Module):
            raise AttributeError(f"`{name}` is not an nn.Module")
        setattr(parent, name, module)

    def apply(self, fn):
        """Call ``fn(m)`` on every descendant, then on this module; returns ``self``.

        Example:
            >>> model.apply(lambda m: nn.init.zeros_(m.bias) if isinstance(m, nn.Linear) else None)
        """
        if not callable(fn):
            raise TypeError(f"apply(fn): fn must be callable (a function of one module), got {type(fn).__name__}")
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    # --------------------------------------------------------------- modes
    def train(self, mode=True):
        """Set training mode (dropout active, batch norm uses batch statistics) here and below."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for m in self.children():
            m.train(mode)
        return self

    def eval(self):
        """Set evaluation mode; same as ``train(False)``."""
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        """Turn gradient recording on or off for every parameter (e.g. to freeze layers)."""
        if not isinstance(requires_grad, bool):
            raise TypeError(f"requires_grad_(): argument 'requires_grad' (position 1) must be bool, not "
                            f"{type(requires_grad).__name__}")
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        """Reset the gradients of all parameters: to ``None`` (default) or to zeros in place.

        With ``set_to_none=False`` each ``.grad`` tensor is kept (detached from any graph
        that ``create_graph=True`` recorded) and filled with zeros.
        """
        for p in self.parameters():
            g = p.grad
            if g is None:
                continue
            if set_to_none:
                p._grad = None
                continue
            g.detach_()
            if isinstance(g._data, B.np.generic):       # a 0-d result NumPy gave as a scalar
                g._data = B.np.zeros_like(g._data)
            else:
                g._data[...] = 0

    # --------------------------------------------------- device and dtype
    def _apply(self, fn):
        """Replace the array of every parameter, gradient and buffer by ``fn(array)``, in place."""
        for m in self.children():
            m._apply(fn)
        for p in self._parameters.values():
            if p is None:
                continue
            p._data = fn(p._data)
            if p.grad is not None:
                p.grad._data = fn(p.grad._data)
        for b in self._buffers.values():
            if b is not None:
                b._data = fn(b._data)
        return self

    def to(self, *args, **kwargs):
        """Move and/or cast parameters and buffers in place: ``to(device)``, ``to(dtype)``,
        ``to(device, dtype)`` or ``to(tensor)``. Only floating tensors change dtype.

        The ``Parameter`` objects stay the same (only their arrays are replaced), so an
        optimizer built before the call keeps working. Returns ``self``.
        """
        device = kwargs.pop("device", None)
        dtype = kwargs.pop("dtype", None)
        kwargs.pop("non_blocking", None)
        if kwargs:
            raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
        for a in args:
            if isinstance(a, Tensor):
                device, dtype = a.device, a.dtype
            elif isinstance(a, B.Device) or (isinstance(a, str) and a not in B._DTYPE_NAMES):
                device = a
            elif isinstance(a, bool):
                pass  # non_blocking
            elif a is not None:
                dtype = a
        if dtype is not None:
            dtype = B.to_dtype(dtype)
            if dtype.kind not in "fc":
                raise TypeError("nn.Module.to only accepts floating point or complex dtypes, but got "
                                f"desired dtype={dtype}")
        if device is not None:
            device = B.as_device(device)

        def convert(a):
            if dtype is not None and a.dtype.kind in "fc" and a.dtype != dtype:
                a = a.astype(dtype)
            if device is not None and B.device_of(a) != device:
                a = B.to_device_array(a, device)
            return a

        return self._apply(convert)

    def cpu(self):
        """Move every parameter and buffer to the CPU (in place)."""
        return self.to("cpu")

    def cuda(self, device=None):
        """Move every parameter and buffer to the GPU (in place; needs CuPy)."""
        return self.to("cuda" if device is None else f"cuda:{int(device)}")

    def _cast_floating(self, dtype):
        return self._apply(lambda a: a.astype(dtype) if a.dtype.kind == "f" and a.dtype != dtype else a)

    def float(self):
        """Cast floating-point parameters and buffers to float32 (in place; others stay)."""
        return self._cast_floating(B.float32)

    def double(self):
        """Cast floating-point parameters and buffers to float64 (in place; others stay)."""
        return self._cast_floating(B.float64)

    def half(self):
        """Cast floating-point parameters and buffers to float16 (in place; others stay)."""
        return self._cast_floating(B.float16)

    def type(self, dst_type):
        """Cast *all* parameters and buffers to ``dst_type``, integer ones included (in place).

        As in PyTorch; use ``to(dtype)`` to cast only the floating-point ones. ``dst_type`` is
        a dtype, a legacy type (``nerve.DoubleTensor``) or its name (``'torch.DoubleTensor'``).
        """
        dtype = getattr(dst_type, "dtype", None)          # a legacy type class
        if not isinstance(dtype, B.np.dtype):
            dtype = None
            if isinstance(dst_type, str) and dst_type.endswith("Tensor"):
                try:
                    from ..._tensor_types import _TYPE_NAMES
                    dtype = _TYPE_NAMES.get(dst_type.rpartition(".")[2])
                except ImportError:
                    pass
        dtype = B.to_dtype(dst_type if dtype is None else dtype)
        return self._apply(lambda a: a.astype(dtype) if a.dtype != dtype else a)

    # --------------------------------------------------------- state dict
    def _save_to_state_dict(self, destination, prefix, keep_vars):
        """Put this module's own parameters and persistent buffers into ``destination``."""
        for name, p in self._parameters.items():
            if p is not None:
                destination[prefix + name] = p if keep_vars else Tensor._make(p._data)
        skip = self._non_persistent_buffers_set
        for name, b in self._buffers.items():
            if b is not None and name not in skip:
                destination[prefix + name] = b if keep_vars else Tensor._make(b._data)

    def state_dict(self, destination=None, prefix="", keep_vars=False):
        """An ordered dict ``name -> tensor`` of all parameters and persistent buffers.

        The tensors are detached but share memory with the module (like PyTorch), so
        copy them (``nerve.save`` does) if the model keeps training. Keys follow
        PyTorch's naming (``'0.weight'``, ``'encoder.layers.1.bias'``).

        Args:
            destination: a mapping to fill (a new ``OrderedDict`` by default).
            prefix: prepended to every key.
            keep_vars: return the ``Parameter`` objects themselves instead of detached tensors.
        """
        if destination is None:
            destination = OrderedDict()
            destination._metadata = OrderedDict()
        if hasattr(destination, "_metadata"):
            destination._metadata[prefix[:-1]] = {"version": self._version}
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, m in self._modules.items():
            if m is not None:
                m.state_dict(destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars)
        return destination

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        """Load this module's own entries (not its children's); PyTorch's override point."""
        skip = self._non_persistent_buffers_set
        local_state = {k: v for k, v in self._parameters.items() if v is not None}
        local_state.update((k, v) for k, v in self._buffers.items() if v is not None and k not in skip)
        assign = local_metadata.get("assign_to_params_buffers", False)
        for name, param in local_state.items():
            key = prefix + name
            if key not in state_dict:
                if strict:
                    missing_keys.append(key)
                continue
            value = state_dict[key]
            arr = _as_array(value)
            if arr is None:
                error_msgs.append(
                    f'While copying the parameter named "{key}", expected a Tensor or array from the '
                    f"checkpoint but received {type(value)}")
                continue
            if arr.ndim == 1 and param._data.ndim == 0 and arr.shape[0] == 1:
                arr = arr[0]
            if tuple(arr.shape) != tuple(param._data.shape):
                error_msgs.append(
                    f"size mismatch for {key}: copying a param with shape {_shape_str(arr.shape)} from "
                    f"checkpoint, the shape in current model is {_shape_str(param._data.shape)}.")
                continue
            try:
                if assign:
                    if isinstance(param, Parameter):
                        setattr(self, name, Parameter._make(arr, param.requires_grad))
                    else:
                        setattr(self, name, Tensor._make(arr))
                else:
                    dst = param._data
                    if B.device_of(arr) != B.device_of(dst):
                        arr = B.to_device_array(arr, B.device_of(dst))
                    dst[...] = arr
            except Exception as ex:  # noqa: BLE001 - reported with the key, like PyTorch
                error_msgs.append(
                    f'While copying the parameter named "{key}", whose dimensions in the model are '
                    f"{_shape_str(param._data.shape)} and whose dimensions in the checkpoint are "
                    f"{_shape_str(arr.shape)}, an exception occurred : {ex.args}.")
        if strict:
            mods = self._modules
            for key in state_dict:
                if key.startswith(prefix):
                    head = key[len(prefix):].split(".", 1)
                    if len(head) > 1:
                        if head[0] not in mods:
                            unexpected_keys.append(key)
                    elif head[0] not in local_state:
                        unexpected_keys.append(key)

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Copy parameters and buffers from ``state_dict`` into this module and its descendants.

        Values may be nerve Tensors or NumPy arrays, so a PyTorch checkpoint converted
        with ``{k: v.numpy() for k, v in sd.items()}`` loads directly. Values are copied
        into the existing arrays (cast to each parameter's dtype), so optimizers holding
        the parameters stay valid.

        Args:
            state_dict: mapping ``name -> tensor`` (as returned by ``state_dict()``).
            strict: require the keys to match exactly; otherwise missing and unexpected
                keys are only reported.
            assign: replace the tensors by the checkpoint's (keeping its dtype) instead of copying.

        Returns:
            ``NamedTuple(missing_keys, unexpected_keys)``.

        Raises:
            RuntimeError: listing missing/unexpected keys (strict) and every shape mismatch.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        missing, unexpected, errors = [], [], []
        metadata = getattr(state_dict, "_metadata", None)

        def load(module, local_sd, prefix):
            local_metadata = {} if metadata is None else dict(metadata.get(prefix[:-1], {}))
            if assign:
                local_metadata["assign_to_params_buffers"] = True
            module._load_from_state_dict(local_sd, prefix, local_metadata, True, missing, unexpected, errors)
            for name, child in module._modules.items():
                if child is not None:
                    child_prefix = prefix + name + "."
                    load(child, {k: v for k, v in local_sd.items() if k.startswith(child_prefix)},
                         child_prefix)

        prev = _enabled[0]
        _enabled[0] = False
        try:
            load(self, dict(state_dict), "")
        finally:
            _enabled[0] = prev
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in unexpected)))
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in missing)))
        if errors:
            raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(
                type(self).__name__, "\n\t".join(errors)))
        return _IncompatibleKeys(missing, unexpected)

    # ----------------------------------------------------------- display
    def _get_name(self):
        return type(self).__name__

    def extra_repr(self):
        """The module's own settings for its printed form (override in layers)."""
        return ""

    def __repr__(self):
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = ["(" + key + "): " + _addindent(repr(m), 2) for key, m in self._modules.items()]
        lines = extra_lines + child_lines
        main = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                main += extra_lines[0]
            else:
                main += "\n  " + "\n  ".join(lines) + "\n"
        return main + ")"
