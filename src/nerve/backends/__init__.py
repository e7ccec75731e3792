"""``nerve.backends``: the ``torch.backends`` switches scripts set on their first lines.

``cudnn`` (``enabled``, ``benchmark``, ``deterministic``, ``allow_tf32``),
``cuda`` (``matmul.allow_tf32``), ``mps`` and ``cpu``. nerve computes with
NumPy (or CuPy on a GPU) and never calls cuDNN or MPS, so the flags are plain
module attributes that scripts may read and set without effect, and the
``is_available()`` checks tell the truth (``False``).

Example:
    >>> import nerve.backends.cudnn as cudnn
    >>> cudnn.benchmark = True          # accepted; nerve has no cuDNN autotuner
    >>> nerve.backends.mps.is_available()
    False
"""
from . import cpu, cuda, cudnn, mps  # noqa: F401

__all__ = ["cpu", "cuda", "cudnn", "mps"]
