"""Data-root resolution, checksums and download-and-cache helpers.

Everything here is standard library plus nothing else; ``urllib.request`` (which
pulls in ``ssl``/``http.client``) is imported lazily inside :func:`download_url`
so that ``import nerve.datasets`` stays fast.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import sys
import tempfile
import zlib
from pathlib import Path
from typing import Optional, Sequence, Union

__all__ = [
    "DATA_ENV_VAR",
    "ChecksumError",
    "CorruptFileError",
    "DatasetNotFoundError",
    "DownloadError",
    "get_data_root",
    "md5_file",
    "md5_gunzip",
    "download_url",
]

PathLike = Union[str, "os.PathLike[str]"]

#: Environment variable naming a folder that holds the datasets
#: (``<NERVE_DATA>/mnist/*.gz``, ``<NERVE_DATA>/shakespeare/plays.txt``, ...).
DATA_ENV_VAR = "NERVE_DATA"

_CHUNK = 1 << 20
_USER_AGENT = "nerve-datasets/0.1 (+https://pypi.org/project/nerve)"


class CorruptFileError(RuntimeError):
    """A data file is unreadable: bad gzip stream, truncated, wrong format."""


class ChecksumError(CorruptFileError):
    """A file's MD5 checksum differs from the expected one.

    Attributes ``path``, ``expected`` and ``actual`` hold the details.
    """

    def __init__(self, path: PathLike, expected: str, actual: str, what: str = "") -> None:
        self.path = str(path)
        self.expected = expected
        self.actual = actual
        extra = f" ({what})" if what else ""
        super().__init__(
            f"MD5 checksum mismatch for {self.path}{extra}: expected {expected}, "
            f"got {actual}. The file is corrupted or incomplete; delete it and "
            f"download it again."
        )


class DownloadError(RuntimeError):
    """Every URL (mirror) tried for a file failed."""


class DatasetNotFoundError(FileNotFoundError, RuntimeError):
    """Dataset files are missing (and could not be downloaded).

    Subclasses both :class:`FileNotFoundError` and :class:`RuntimeError`, so
    either ``except`` clause catches it.
    """

    def __str__(self) -> str:  # OSError.__str__ would prepend errno fields
        return str(self.args[0]) if self.args else ""


def _default_cache_dir() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "nerve"


def get_data_root(root: Optional[PathLike] = None) -> Path:
    """Resolve the folder that holds (or will hold) the datasets.

    The first of these that is set wins: the explicit ``root`` argument, the
    ``NERVE_DATA`` environment variable, then the cache folder
    ``$XDG_CACHE_HOME/nerve`` (``~/.cache/nerve`` when ``XDG_CACHE_HOME`` is
    unset). The folder is not created.

    Args:
        root: explicit data folder, or ``None``.

    Returns:
        The resolved folder as an absolute-ish :class:`pathlib.Path`
        (``~`` expanded).

    Example:
        >>> str(get_data_root("/data"))
        '/data'
        >>> get_data_root()  # doctest: +SKIP
        PosixPath('/home/me/.cache/nerve')
    """
    if root is not None:
        return Path(root).expanduser()
    env = os.environ.get(DATA_ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser()
    return _default_cache_dir()


def _root_origin(root: Optional[PathLike]) -> str:
    """Human-readable description of where :func:`get_data_root` got its answer."""
    if root is not None:
        return "the root argument"
    if os.environ.get(DATA_ENV_VAR, "").strip():
        return f"the {DATA_ENV_VAR} environment variable"
    return "the default cache folder ($XDG_CACHE_HOME/nerve or ~/.cache/nerve)"


def _new_md5():
    try:
        return hashlib.md5(usedforsecurity=False)
    except TypeError:  # pragma: no cover - very old Pythons
        return hashlib.md5()


def md5_file(path: PathLike) -> str:
    """Return the hex MD5 of a file's bytes.

    Example:
        >>> md5_file("iris.csv")  # doctest: +SKIP
        '...'
    """
    h = _new_md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def md5_gunzip(path: PathLike) -> str:
    """Return the hex MD5 of a gzip file's *decompressed* content.

    Raises:
        CorruptFileError: the file is not valid gzip or is truncated (message names the file).
    """
    h = _new_md5()
    try:
        with gzip.open(path, "rb") as f:
            for chunk in iter(lambda: f.read(_CHUNK), b""):
                h.update(chunk)
    except (OSError, EOFError, zlib.error) as e:
        if isinstance(e, FileNotFoundError):
            raise
        raise CorruptFileError(f"{path} is not a valid gzip file (corrupted or truncated?): {e}") from e
    return h.hexdigest()


def _checksum(path: PathLike, md5_of: str) -> str:
    if md5_of == "file":
        return md5_file(path)
    if md5_of == "gunzip":
        return md5_gunzip(path)
    raise ValueError(f"md5_of must be 'file' or 'gunzip', got {md5_of!r}")


def _fetch(url: str, tmp_file, timeout: float) -> None:
    import urllib.request  # lazy: pulls in ssl/http.client

    req = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        for chunk in iter(lambda: resp.read(_CHUNK), b""):
            tmp_file.write(chunk)


def download_url(
    url: Union[str, Sequence[str]],
    dest: PathLike,
    md5: Optional[str] = None,
    *,
    md5_of: str = "file",
    overwrite: bool = False,
    timeout: float = 30.0,
    verbose: bool = True,
) -> Path:
    """Download a file atomically, trying mirrors in order and verifying its MD5.

    The bytes go to a temporary file next to ``dest``; only once the checksum
    (if given) matches is it moved into place with :func:`os.replace`, so
    ``dest`` is never left half-written. If ``dest`` already exists and passes
    the checksum (or no checksum is given) nothing is downloaded unless
    ``overwrite=True``.

    Args:
        url: one URL, or a sequence of mirror URLs tried in order. Any scheme
            :mod:`urllib` handles works (``https://``, ``http://``, ``file://``).
        dest: path of the file to create; parent folders are created.
        md5: expected hex MD5, or ``None`` to skip verification.
        md5_of: ``"file"`` to hash the downloaded bytes, ``"gunzip"`` to hash
            the decompressed content of a ``.gz`` file (MNIST's canonical sums).
        overwrite: download again even if ``dest`` exists and verifies.
        timeout: socket timeout in seconds for each attempt.
        verbose: print one progress line per attempt to stderr.

    Returns:
        ``Path(dest)``.

    Raises:
        ChecksumError: every mirror served content with the wrong MD5 (the
            message names the file, the expected and the actual MD5).
        DownloadError: every mirror failed (network error, 404, ...); the
            message lists each URL with its error.

    Example:
        >>> download_url(["https://a.example/f.gz", "https://b.example/f.gz"],
        ...              "/tmp/f.gz", md5="9e107d9d372bb6826bd81d3542a419d6",
        ...              md5_of="gunzip")  # doctest: +SKIP
        PosixPath('/tmp/f.gz')
    """
    urls = [url] if isinstance(url, str) else list(url)
    if not urls:
        raise ValueError("download_url needs at least one URL")
    dest = Path(dest).expanduser()
    if md5 is not None:
        md5 = md5.lower()

    if dest.exists() and not overwrite:
        if md5 is None:
            return dest
        try:
            if _checksum(dest, md5_of) == md5:
                return dest
        except CorruptFileError:
            pass  # corrupted gzip: download again

    dest.parent.mkdir(parents=True, exist_ok=True)
    errors = []
    last_checksum_error: Optional[ChecksumError] = None
    n_checksum_failures = 0
    for u in urls:
        if verbose:
            print(f"Downloading {u} -> {dest}", file=sys.stderr)
        fd, tmp_name = tempfile.mkstemp(prefix=dest.name + ".", suffix=".part", dir=dest.parent)
        try:
            with os.fdopen(fd, "wb") as tmp:
                _fetch(u, tmp, timeout)
            if md5 is not None:
                try:
                    actual = _checksum(tmp_name, md5_of)
                except CorruptFileError as e:  # not even valid gzip
                    actual = f"<unreadable: {e}>"
                if actual != md5:
                    what = "decompressed content" if md5_of == "gunzip" else ""
                    err = ChecksumError(dest, md5, actual, what=f"{what}, downloaded from {u}".lstrip(", "))
                    last_checksum_error = err
                    n_checksum_failures += 1
                    errors.append(f"  {u}: {err}")
                    continue
            os.replace(tmp_name, dest)
            return dest
        except Exception as e:  # network / HTTP / filesystem errors: try the next mirror
            errors.append(f"  {u}: {type(e).__name__}: {e}")
        finally:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)

    if last_checksum_error is not None and n_checksum_failures == len(errors):
        raise last_checksum_error
    raise DownloadError(f"Could not download {dest.name} from any of {len(urls)} URL(s):\n" + "\n".join(errors))

