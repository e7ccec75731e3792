"""``nerve.backends.mps``: Apple's Metal backend, which nerve does not have."""

__all__ = ["is_available", "is_built"]


def is_available() -> bool:
    """False: nerve has no MPS (Apple GPU) backend."""
    return False


def is_built() -> bool:
    """False: nerve has no MPS (Apple GPU) backend."""
    return False
