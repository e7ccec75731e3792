"""``nerve.set_printoptions``: PyTorch's print options, kept so scripts that set them run.

The options are recorded (``get_printoptions()`` returns them); ``Tensor.__repr__``
prints with its fixed layout (4 digits, summarised beyond 1000 elements).
"""
from __future__ import annotations

__all__ = ["set_printoptions", "get_printoptions"]

_PROFILES = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": float("inf"), "edgeitems": 3, "linewidth": 80},
}
_options = dict(_PROFILES["default"], sci_mode=None)


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None,
                     sci_mode=None):
    """Set print options as ``torch.set_printoptions`` does (``profile`` is 'default', 'short' or 'full').

    Example:
        >>> nerve.set_printoptions(precision=2, sci_mode=False)
    """
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"set_printoptions: unknown profile {profile!r}; expected one of {sorted(_PROFILES)}")
        _options.update(_PROFILES[profile])
    for name, value in (("precision", precision), ("threshold", threshold), ("edgeitems", edgeitems),
                        ("linewidth", linewidth)):
        if value is not None:
            _options[name] = value
    _options["sci_mode"] = sci_mode


def get_printoptions() -> dict:
    """The current print options (a copy)."""
    return dict(_options)
