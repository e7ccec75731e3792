"""Text corpora: the Shakespeare plays used for character-level language models."""

from __future__ import annotations

from typing import Optional

from ._download import DATA_ENV_VAR, DatasetNotFoundError, PathLike, _root_origin, get_data_root

__all__ = ["load_shakespeare"]


def load_shakespeare(root: Optional[PathLike] = None) -> str:
    """Return the Shakespeare corpus (nine plays, ~1.15 MB of ASCII) as one string.

    The file is read from ``<root>/shakespeare/plays.txt`` where ``root`` is
    resolved by :func:`nerve.datasets.get_data_root` (argument, then
    ``$NERVE_DATA``, then ``~/.cache/nerve``). There is no download URL: put
    the file there yourself. Conventionally the last 10% is held out for
    validation.

    Args:
        root: data folder containing ``shakespeare/``; ``None`` to resolve it.

    Returns:
        The full text (``str``).

    Raises:
        DatasetNotFoundError: the file is missing (message says where it was
            looked for and how to point ``NERVE_DATA`` at it).

    Example:
        >>> text = load_shakespeare()  # doctest: +SKIP
        >>> split = int(0.9 * len(text))  # doctest: +SKIP
        >>> train_text, val_text = text[:split], text[split:]  # doctest: +SKIP
    """
    data_root = get_data_root(root)
    path = data_root / "shakespeare" / "plays.txt"
    if not path.is_file():
        raise DatasetNotFoundError(
            f"Shakespeare corpus not found: looked for {path}\n"
            f"(data root {data_root} comes from {_root_origin(root)}.)\n"
            f"There is no automatic download for this corpus. Set the {DATA_ENV_VAR} environment "
            f"variable to a folder containing shakespeare/plays.txt, or pass root=<that folder>."
        )
    return path.read_text(encoding="utf-8")
