"""Hook handles, as in PyTorch's ``torch.utils.hooks``.

``register_forward_hook``, ``register_full_backward_hook``, ``Tensor.register_hook``
and friends store each hook in an ordered dict under a fresh integer id and return
a ``RemovableHandle`` for it; ``handle.remove()`` deletes that entry again.
"""
from __future__ import annotations

import weakref

__all__ = ["RemovableHandle"]


def _ref(d):
    """A weak reference to ``d`` where it allows one (``OrderedDict``), else a strong one (``dict``)."""
    try:
        return weakref.ref(d)
    except TypeError:
        return lambda: d


class RemovableHandle:
    """Removes the hook it was returned for: ``handle.remove()``, or at the end of a ``with`` block.

    Args:
        hooks_dict: the dict of hooks (``id -> hook``) the hook was stored in.
        extra_dict: a dict (or set), or a list of them, whose entry under the same id is removed too
            (e.g. the record of which hooks take keyword arguments).

    Example:
        >>> handle = layer.register_forward_hook(lambda m, args, out: print(out.shape))
        >>> handle.remove()
        >>> with layer.register_forward_hook(lambda m, args, out: out * 2):
        ...     y = layer(x)           # the hook runs only inside the block
    """

    next_id = 0

    def __init__(self, hooks_dict, *, extra_dict=None):
        self.hooks_dict_ref = _ref(hooks_dict)
        self.id = RemovableHandle.next_id
        RemovableHandle.next_id += 1
        if isinstance(extra_dict, (dict, set)):
            self.extra_dict_ref = (_ref(extra_dict),)
        elif isinstance(extra_dict, (list, tuple)):
            self.extra_dict_ref = tuple(_ref(d) for d in extra_dict)
        else:
            self.extra_dict_ref = ()

    def remove(self):
        """Unregister the hook (doing it twice is harmless)."""
        hooks = self.hooks_dict_ref()
        if hooks is not None:
            hooks.pop(self.id, None)
        for ref in self.extra_dict_ref:
            extra = ref()
            if isinstance(extra, set):
                extra.discard(self.id)
            elif extra is not None:
                extra.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()
