"""The one place that checks a path before nerve reads it.

Every reader (``nerve.load``, Keras ``load_model`` / ``load_weights``, the
dataset loaders, the ``nerve`` command) calls :func:`regular_file` first, so a
mistake is refused at once with the user's own path in the message: a missing
file, a directory, a FIFO (which would block ``open`` forever), a character or
block device, a socket.
"""
from __future__ import annotations

import os
import stat

__all__ = ["regular_file", "NotARegularFileError"]


class NotARegularFileError(OSError, ValueError):
    """The path exists but is not a regular file (a FIFO, device, socket ...)."""


_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def regular_file(path, what: str = "file") -> str:
    """Return ``os.fspath(path)`` if it names an existing regular file, else raise.

    The messages are one line with no ``[Errno N]`` prefix (the exceptions are
    built from the message alone). ``what`` says what the caller expected ("checkpoint", "MNIST IDX file" ...)
    and appears in the message. Raises ``FileNotFoundError`` (missing),
    ``IsADirectoryError`` (a directory) or :class:`NotARegularFileError`
    (anything else that is not a regular file); each names ``path``. ``stat``
    never blocks, so a FIFO is refused before anything opens it.
    """
    p = os.fspath(path)
    if isinstance(p, bytes):
        p = os.fsdecode(p)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise FileNotFoundError(f"no such {what}: {p!r}") from None
    except NotADirectoryError:
        raise FileNotFoundError(f"no such {what}: {p!r} (a parent is not a directory)") from None
    except PermissionError:
        raise PermissionError(f"cannot read {what} {p!r}: permission denied") from None
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return p
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(f"expected a {what} but {p!r} is a directory")
    for test, kind in _KINDS:
        if test(mode):
            raise NotARegularFileError(f"expected a {what} but {p!r} is {kind}, not a regular file")
    raise NotARegularFileError(f"expected a {what} but {p!r} is not a regular file")

