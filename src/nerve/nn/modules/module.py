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
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import NamedTuple

from ... import _backend as B
from ...autograd.grad_mode import _enabled
from ...tensor import Tensor
from ..parameter import Parameter

__all__ = ["Module", "RemovableHandle"]


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


class RemovableHandle:
    """Returned by ``register_forward_hook`` and friends; ``remove()`` unregisters the hook.

    Also a context manager: the hook is removed when the ``with`` block ends.
    """

    _next_id = 0

    def __init__(self, hooks, extra=None):
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1
        self._hooks = hooks
        self._extra = extra

    def remove(self):
        self._hooks.pop(self.id, None)
        if self._extra is not None:
            self._extra.discard(self.id)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


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
        d["_forward_pre_hooks"] = {}
        d["_forward_pre_hooks_with_kwargs"] = set()
        d["_forward_hooks"] = {}
        d["_forward_hooks_with_kwargs"] = set()

    # ------------------------------------------------------------ calling
    def forward(self, *args, **kwargs):
        """The computation of the module; every subclass defines it."""
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    def __call__(self, *args, **kwargs):
        # Hot path: two dict truth tests when no hooks are registered.
        if self._forward_pre_hooks or self._forward_hooks:
            return self._call_with_hooks(args, kwargs)
        return self.forward(*args, **kwargs)

    def _call_with_hooks(self, args, kwargs):
        for hid, hook in list(self._forward_pre_hooks.items()):
            if hid in self._forward_pre_hooks_with_kwargs:
                res = hook(self, args, kwargs)
                if res is not None:
                    if not (isinstance(res, tuple) and len(res) == 2):
                        raise RuntimeError(
                            "a forward pre-hook registered with with_kwargs=True must return None or "
                            f"a tuple (new_args, new_kwargs), got {type(res).__name__}")
                    args, kwargs = res
            else:
                res = hook(self, args)
                if res is not None:
                    args = res if isinstance(res, tuple) else (res,)
        out = self.forward(*args, **kwargs)
        for hid, hook in list(self._forward_hooks.items()):
            if hid in self._forward_hooks_with_kwargs:
                res = hook(self, args, kwargs, out)
            else:
                res = hook(self, args, out)
            if res is not None:
                out = res
        return out

    def _add_hook(self, hooks, with_kwargs_set, hook, prepend, with_kwargs):
        handle = RemovableHandle(hooks, with_kwargs_set)
        if prepend:
            items = list(hooks.items())
            hooks.clear()
            hooks[handle.id] = hook
            hooks.update(items)
        else:
            hooks[handle.id] = hook
        if with_kwargs:
            with_kwargs_set.add(handle.id)
        return handle

    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        """Call ``hook(module, args)`` before each ``forward``; it may return new args.

        With ``with_kwargs=True`` the hook is ``hook(module, args, kwargs)`` and may return
        ``(args, kwargs)``. Returns a handle whose ``remove()`` unregisters the hook.
        """
        return self._add_hook(self._forward_pre_hooks, self._forward_pre_hooks_with_kwargs,
                              hook, prepend, with_kwargs)

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False):
        """Call ``hook(module, args, output)`` after each ``forward``; it may return a new output.

        With ``with_kwargs=True`` the hook is ``hook(module, args, kwargs, output)``.
        Returns a handle whose ``remove()`` unregisters the hook.
        """
        return self._add_hook(self._forward_hooks, self._forward_hooks_with_kwargs,
                              hook, prepend, with_kwargs)

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
        if name not in mod._buffers:
            raise AttributeError(f"`{name}` is not a buffer of {mod._get_name()}")
        return mod._buffers[name]

    def apply(self, fn):
        """Call ``fn(m)`` on every descendant, then on this module; returns ``self``.

        Example:
            >>> model.apply(lambda m: nn.init.zeros_(m.bias) if isinstance(m, nn.Linear) else None)
        """
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
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        """Reset the gradients of all parameters: to ``None`` (default) or to zeros in place."""
        for p in self.parameters():
            g = p.grad
            if g is None:
                continue
            if set_to_none:
                p.grad = None
            elif g._ctx is not None or g.requires_grad:
                p.grad = Tensor._make(B.array_module(p.device).zeros_like(g._data))
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
                raise TypeError(
                    f"nn.Module.to only accepts floating point dtypes, but got desired dtype={dtype}")
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

    def float(self):
        """Cast floating parameters and buffers to float32 (in place)."""
        return self.to(B.float32)

    def double(self):
        """Cast floating parameters and buffers to float64 (in place)."""
        return self.to(B.float64)

    def half(self):
        """Cast floating parameters and buffers to float16 (in place)."""
        return self.to(B.float16)

    def type(self, dst_type):
        """Cast floating parameters and buffers to ``dst_type`` (in place)."""
        return self.to(dst_type)

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
