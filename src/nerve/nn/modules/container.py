"""Containers of modules: ``Sequential``, ``ModuleList``, ``ModuleDict``."""
from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import Iterable, Mapping

from .module import Module, _addindent

__all__ = ["Sequential", "ModuleList", "ModuleDict"]


def _abs_index(idx, size, owner):
    try:
        idx = operator.index(idx)
    except TypeError:
        raise TypeError(f"{type(owner).__name__} indices must be integers or slices, not "
                        f"{type(idx).__name__}") from None
    if not -size <= idx < size:
        raise IndexError(f"index {idx} is out of range for a {type(owner).__name__} of {size} modules")
    return idx % size


class Sequential(Module):
    """A chain of modules: ``forward`` feeds each one's output to the next.

    Children are named ``'0'``, ``'1'``, ... (or by the keys of an ``OrderedDict``),
    so parameter names match PyTorch's (``'0.weight'``, ``'2.bias'``).

    Args:
        *args: modules in order, or a single ``OrderedDict`` name -> module.

    Shape:
        input: whatever the first module takes; output: whatever the last returns.

    Example:
        >>> model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
        >>> model(nerve.randn(64, 784)).shape
        (64, 10)
    """

    def __init__(self, *args):
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for key, module in args[0].items():
                self.add_module(key, module)
        else:
            for idx, module in enumerate(args):
                self.add_module(str(idx), module)

    def forward(self, input):  # noqa: A002 - PyTorch name
        for module in self._modules.values():
            input = module(input)
        return input

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return type(self)(OrderedDict(list(self._modules.items())[idx]))
        return list(self._modules.values())[_abs_index(idx, len(self._modules), self)]

    def __setitem__(self, idx, module):
        key = list(self._modules)[_abs_index(idx, len(self._modules), self)]
        setattr(self, key, module)

    def __delitem__(self, idx):
        keys = list(self._modules)
        if isinstance(idx, slice):
            drop = set(keys[idx])
        else:
            drop = {keys[_abs_index(idx, len(keys), self)]}
        kept = [m for k, m in self._modules.items() if k not in drop]
        self._set_modules((str(i), m) for i, m in enumerate(kept))

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __add__(self, other):
        if not isinstance(other, Sequential):
            raise ValueError(f"add operator supports only objects of Sequential class, but {type(other)} is given.")
        ret = Sequential()
        for layer in self:
            ret.append(layer)
        for layer in other:
            ret.append(layer)
        return ret

    def __iadd__(self, other):
        if not isinstance(other, Sequential):
            raise ValueError(f"add operator supports only objects of Sequential class, but {type(other)} is given.")
        return self.extend(other)

    def __mul__(self, other):
        if not isinstance(other, int):
            raise TypeError(f"unsupported operand type(s) for *: {type(self)} and {type(other)}")
        if other <= 0:
            raise ValueError(f"Non-positive multiplication factor {other} for {type(self)}")
        combined = Sequential()
        for _ in range(other):
            for module in self:
                combined.append(module)
        return combined

    __rmul__ = __mul__

    def __dir__(self):
        return [k for k in super().__dir__() if not k.isdigit()]

    def append(self, module):
        """Add ``module`` at the end; returns ``self``."""
        self.add_module(str(len(self)), module)
        return self

    def insert(self, index, module):
        """Insert ``module`` before position ``index`` (children are renumbered); returns ``self``."""
        if not isinstance(module, Module):
            raise TypeError(f"module should be of type nerve.nn.Module, got {type(module).__name__}")
        n = len(self._modules)
        if not -n <= index <= n:
            raise IndexError(f"Index out of range: {index}")
        if index < 0:
            index += n
        mods = list(self._modules.values())
        mods.insert(index, module)
        self._set_modules((str(i), m) for i, m in enumerate(mods))
        return self

    def extend(self, sequential):
        """Append every module of an iterable; returns ``self``."""
        for layer in sequential:
            self.append(layer)
        return self

    def pop(self, key):
        """Remove the module at ``key`` and return it."""
        v = self[key]
        del self[key]
        return v


class ModuleList(Module):
    """A list of modules whose parameters are registered (names ``'0'``, ``'1'``, ...).

    Indexing, slicing, ``len``, iteration, ``append``, ``extend``, ``insert``,
    ``pop`` and ``+=`` work like a Python list. It has no ``forward``: iterate it
    in your own ``forward``.

    Args:
        modules: an optional iterable of modules.

    Example:
        >>> layers = nn.ModuleList([nn.Linear(8, 8) for _ in range(3)])
        >>> for layer in layers:
        ...     x = layer(x)
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self += modules

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return type(self)(list(self._modules.values())[idx])
        return self._modules[str(_abs_index(idx, len(self._modules), self))]

    def __setitem__(self, idx, module):
        setattr(self, str(_abs_index(idx, len(self._modules), self)), module)

    def __delitem__(self, idx):
        mods = list(self._modules.values())
        if isinstance(idx, slice):
            del mods[idx]
        else:
            del mods[_abs_index(idx, len(mods), self)]
        self._set_modules((str(i), m) for i, m in enumerate(mods))

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __iadd__(self, modules):
        return self.extend(modules)

    def __add__(self, other):
        combined = ModuleList()
        for m in self:
            combined.append(m)
        for m in other:
            combined.append(m)
        return combined

    def __dir__(self):
        return [k for k in super().__dir__() if not k.isdigit()]

    def __repr__(self):
        # Like PyTorch: consecutive identical children print once as "(0-2): 3 x Linear(...)".
        reprs = [repr(m) for m in self]
        if not reprs:
            return self._get_name() + "()"
        blocks = []  # [start, end, repr]
        for i, r in enumerate(reprs):
            if blocks and blocks[-1][2] == r:
                blocks[-1][1] = i
            else:
                blocks.append([i, i, r])
        lines = []
        for start, end, r in blocks:
            line = f"({start}): {r}" if start == end else f"({start}-{end}): {end - start + 1} x {r}"
            lines.append(_addindent(line, 2))
        return self._get_name() + "(\n  " + "\n  ".join(lines) + "\n)"

    def insert(self, index, module):
        """Insert ``module`` before position ``index``."""
        if not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        mods = list(self._modules.values())
        mods.insert(index, module)
        self._set_modules((str(i), m) for i, m in enumerate(mods))

    def append(self, module):
        """Add ``module`` at the end; returns ``self``."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules):
        """Append every module of an iterable; returns ``self``."""
        if not isinstance(modules, Iterable):
            raise TypeError(f"ModuleList.extend should be called with an iterable, but got {type(modules).__name__}")
        for m in modules:
            self.append(m)
        return self

    def pop(self, key):
        """Remove the module at ``key`` and return it."""
        v = self[key]
        del self[key]
        return v


class ModuleDict(Module):
    """An ordered dict of modules whose parameters are registered under the keys.

    Supports ``d[key]``, ``d[key] = m``, ``del d[key]``, ``in``, ``len``, iteration
    over keys, ``keys()``, ``values()``, ``items()``, ``update()``, ``pop()``, ``clear()``.

    Args:
        modules: an optional mapping or iterable of ``(key, module)`` pairs.

    Example:
        >>> heads = nn.ModuleDict({"cls": nn.Linear(16, 10), "box": nn.Linear(16, 4)})
        >>> heads["cls"](features)
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key):
        try:
            return self._modules[key]
        except KeyError:
            raise self._missing(key) from None

    def __setitem__(self, key, module):
        self.add_module(key, module)

    def __delitem__(self, key):
        if key not in self._modules:
            raise self._missing(key)
        delattr(self, key)

    def _missing(self, key):
        keys = ", ".join(repr(k) for k in list(self._modules)[:20])
        return KeyError(f"ModuleDict has no key {key!r}; its keys are [{keys}]" if self._modules
                        else f"ModuleDict has no key {key!r}; it is empty")

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key):
        return key in self._modules

    def clear(self):
        """Remove every module."""
        self._set_modules(())

    def pop(self, key):
        """Remove ``key`` and return its module."""
        v = self[key]
        del self[key]
        return v

    def keys(self):
        return self._modules.keys()

    def items(self):
        return self._modules.items()

    def values(self):
        return self._modules.values()

    def update(self, modules):
        """Add or overwrite entries from a mapping or an iterable of ``(key, module)`` pairs."""
        if not isinstance(modules, Iterable):
            raise TypeError(
                f"ModuleDict.update should be called with an iterable of key/value pairs, but got "
                f"{type(modules).__name__}")
        if isinstance(modules, (Mapping, ModuleDict)):
            for key, module in modules.items():
                self[key] = module
        else:
            for j, m in enumerate(modules):
                if not isinstance(m, Iterable):
                    raise TypeError(f"ModuleDict update sequence element #{j} should be Iterable; is "
                                    f"{type(m).__name__}")
                if len(m) != 2:
                    raise ValueError(f"ModuleDict update sequence element #{j} has length {len(m)}; 2 is required")
                self[m[0]] = m[1]
