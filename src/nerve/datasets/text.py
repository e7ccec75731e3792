"""Text corpora: the Shakespeare plays used for character-level language models."""

from __future__ import annotations

import hashlib
import os
from typing import Optional

from .._files import regular_file
from ._download import (
    DATA_ENV_VAR,
    CorruptFileError,
    DatasetNotFoundError,
    PathLike,
    _check_root,
    _compare,
    _root_origin,
    get_data_root,
)

__all__ = ["load_shakespeare"]

#: SHA-256 and size of ``shakespeare/plays.txt``.
SHAKESPEARE_SHA256 = "a44d49a15e0d57bcee5801c949612bf94e682d508f9a9148fe2c3dd43fe28e45"
SHAKESPEARE_BYTES = 1151361


def load_shakespeare(root: Optional[PathLike] = None) -> str:
    """Return the Shakespeare corpus (nine plays, ~1.15 MB of ASCII) as one string.

    The file is read from ``<root>/shakespeare/plays.txt`` where ``root`` is
    resolved by :func:`nerve.datasets.get_data_root` (argument, then
    ``$NERVE_DATA``, then ``~/.cache/nerve``). There is no download URL: put
    the file there yourself. Conventionally the last 10% is held out for
    validation. The file's SHA-256 is checked before it is decoded.

    Args:
        root: data folder containing ``shakespeare/``; ``None`` to resolve it.

    Returns:
        The full text (``str``).

    Raises:
        DatasetNotFoundError: the file is missing (message says where it was
            looked for and how to point ``NERVE_DATA`` at it).
        NotADirectoryError: the data root is not a folder.
        NotARegularFileError, IsADirectoryError: ``plays.txt`` is a FIFO, device or folder.
        CorruptFileError: the file has the wrong size (truncated, another text).
        ChecksumError: the file has the right size but not the expected content.

    Example:
        >>> text = load_shakespeare()  # doctest: +SKIP
        >>> split = int(0.9 * len(text))  # doctest: +SKIP
        >>> train_text, val_text = text[:split], text[split:]  # doctest: +SKIP
    """
    data_root = get_data_root(root)
    _check_root(data_root, root)
    path = data_root / "shakespeare" / "plays.txt"
    if not os.path.lexists(path):
        raise DatasetNotFoundError(
            f"Shakespeare corpus not found: looked for {path}; the data root {data_root} comes from "
            f"{_root_origin(root)}. There is no automatic download for this corpus: set the {DATA_ENV_VAR} "
            f"environment variable to a folder containing shakespeare/plays.txt, or pass root=<that folder>."
        )
    name = regular_file(path, "Shakespeare corpus file")
    hint = (f"replace it with the nine-play corpus ({SHAKESPEARE_BYTES:,} bytes), or set the {DATA_ENV_VAR} "
            f"environment variable to a folder whose shakespeare/plays.txt is that file")
    size = os.stat(name).st_size
    if size != SHAKESPEARE_BYTES:  # a quick refusal before reading a file of the wrong size
        raise CorruptFileError(f"{name} has {size:,} bytes, expected {SHAKESPEARE_BYTES:,}: it is not the "
                               f"Shakespeare corpus (truncated or another file); {hint}.")
    with open(name, "rb") as f:
        raw = f.read(SHAKESPEARE_BYTES + 1)
    _compare(name, {"sha256": SHAKESPEARE_SHA256}, {"sha256": hashlib.sha256(raw).hexdigest()}, hint=hint)
    return raw.decode("utf-8")
