"""Data-root resolution, checksums and download-and-cache helpers.

Everything here is standard library plus nothing else; ``urllib.request`` (which
pulls in ``ssl``/``http.client``) is imported lazily inside :func:`download_url`
so that ``import nerve.datasets`` stays fast.

Integrity: a resource carries a SHA-256 and/or an MD5 (MD5 only where that is
the sum its publisher gives, as for MNIST and Fashion-MNIST); every sum it
carries is checked, hashing in one streaming pass. Downloads go to a temporary
file next to the target and are renamed into place only once every sum matches.
"""

from __future__ import annotations

import glob
import gzip
import hashlib
import os
import stat
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple, Union

from .._files import regular_file

__all__ = [
    "DATA_ENV_VAR",
    "ChecksumError",
    "CorruptFileError",
    "DatasetNotFoundError",
    "DownloadError",
    "get_data_root",
    "md5_file",
    "md5_gunzip",
    "sha256_file",
    "sha256_gunzip",
    "download_url",
]

PathLike = Union[str, "os.PathLike[str]"]

#: Environment variable naming a folder that holds the datasets
#: (``<NERVE_DATA>/mnist/*.gz``, ``<NERVE_DATA>/shakespeare/plays.txt``, ...).
DATA_ENV_VAR = "NERVE_DATA"

_CHUNK = 1 << 20
_USER_AGENT = "nerve-datasets/0.1 (+https://pypi.org/project/nerve)"

#: hash name -> (display name, hex length); the order is the order in which
#: sums are reported: the published MD5 (what a user can compare with the
#: publisher's page) first, then nerve's SHA-256.
_ALGORITHMS = {"md5": ("MD5", 32), "sha256": ("SHA-256", 64)}

#: A temporary download not written to for this long belongs to a killed run
#: (a live download writes every few seconds or times out after ``timeout``).
_STALE_PART_SECONDS = 3600.0


class CorruptFileError(RuntimeError):
    """A data file is unreadable: bad gzip stream, truncated, wrong format."""


class ChecksumError(CorruptFileError):
    """A file's checksum (SHA-256 or MD5) differs from the expected one.

    Attributes:
        path: the file (the user's path, or the download target).
        algorithm: ``"md5"`` or ``"sha256"``: the sum ``expected``/``actual`` are for
            (the first mismatch, the published MD5 before nerve's SHA-256).
        expected, actual: hex digests.
        mismatches: ``[(algorithm, expected, actual), ...]``: every sum that failed.
    """

    def __init__(self, path: PathLike, expected: str, actual: str, what: str = "", *,
                 algorithm: str = "md5", mismatches: Optional[Sequence[Tuple[str, str, str]]] = None,
                 hint: Optional[str] = None) -> None:
        self.path = str(path)
        self.expected = expected
        self.actual = actual
        self.algorithm = algorithm
        self.mismatches = list(mismatches) if mismatches else [(algorithm, expected, actual)]
        extra = f" ({what})" if what else ""
        sums = "; ".join(f"{_ALGORITHMS.get(a, (a,))[0]} expected {e}, got {g}" for a, e, g in self.mismatches)
        names = " and ".join(_ALGORITHMS.get(a, (a,))[0] for a, _, _ in self.mismatches)
        if hint is None:
            hint = (f"delete {self.path} and download it again, or set the {DATA_ENV_VAR} environment "
                    f"variable to a folder that holds a good copy")
        super().__init__(
            f"{names} checksum mismatch for {self.path}{extra}: {sums}. "
            f"The file is corrupted or incomplete: {hint}."
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


def _check_root(data_root: Path, root: Optional[PathLike]) -> None:
    """Refuse a data root that exists but is not a folder (a file, FIFO, device ...), naming where it came from.

    ``os.stat`` never blocks, so a FIFO given as ``NERVE_DATA`` is refused before anything opens it.
    A missing root is left to the loader, whose "not found" message says how to fix it.
    """
    try:
        mode = os.stat(data_root).st_mode
    except OSError:
        return
    if stat.S_ISDIR(mode):
        return
    kind = "a regular file" if stat.S_ISREG(mode) else (
        "a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "not a folder (a device or socket)")
    raise NotADirectoryError(
        f"the data root {str(data_root)!r} (from {_root_origin(root)}) is {kind}, not a folder: "
        f"set {DATA_ENV_VAR} (or root=) to the folder that holds the datasets"
    )


def _new_md5():
    try:
        return hashlib.md5(usedforsecurity=False)
    except TypeError:  # pragma: no cover - very old Pythons
        return hashlib.md5()


def _new_hash(algorithm: str):
    if algorithm == "md5":
        return _new_md5()
    if algorithm == "sha256":
        return hashlib.sha256()
    raise ValueError(f"unknown hash algorithm {algorithm!r}: expected 'sha256' or 'md5'")


def _expected_sums(md5: Optional[str] = None, sha256: Optional[str] = None) -> Dict[str, str]:
    """``{"md5": ..., "sha256": ...}`` with the sums given, lower-cased and checked to be hex of the right length."""
    out = {}
    for name, value in (("md5", md5), ("sha256", sha256)):
        if value is None:
            continue
        v = str(value).strip().lower()
        length = _ALGORITHMS[name][1]
        if len(v) != length or any(c not in "0123456789abcdef" for c in v):
            raise ValueError(f"{name} must be {length} hexadecimal digits, got {value!r}")
        out[name] = v
    return out


def _digests(chunks: Iterable[bytes], algorithms: Iterable[str]) -> Dict[str, str]:
    hashers = {a: _new_hash(a) for a in algorithms}
    for chunk in chunks:
        for h in hashers.values():
            h.update(chunk)
    return {a: h.hexdigest() for a, h in hashers.items()}


def _file_chunks(f):
    return iter(lambda: f.read(_CHUNK), b"")


def file_digests(path: PathLike, algorithms: Iterable[str] = ("sha256",), *, gunzip: bool = False) -> Dict[str, str]:
    """Hex digests of a file (or of a gzip file's decompressed content), all in one streaming pass.

    Raises:
        CorruptFileError: ``gunzip=True`` and the file is not valid gzip or is truncated (names the file).
    """
    p = regular_file(path, "file")
    if not gunzip:
        with open(p, "rb") as f:
            return _digests(_file_chunks(f), algorithms)
    try:
        with gzip.open(p, "rb") as f:
            return _digests(_file_chunks(f), algorithms)
    except (OSError, EOFError, zlib.error) as e:
        raise CorruptFileError(f"{p} is not a valid gzip file (corrupted or truncated?): {e}") from e


def md5_file(path: PathLike) -> str:
    """Return the hex MD5 of a file's bytes (read in chunks).

    Example:
        >>> md5_file("iris.csv")  # doctest: +SKIP
        '...'
    """
    return file_digests(path, ("md5",))["md5"]


def md5_gunzip(path: PathLike) -> str:
    """Return the hex MD5 of a gzip file's *decompressed* content.

    Raises:
        CorruptFileError: the file is not valid gzip or is truncated (message names the file).
    """
    return file_digests(path, ("md5",), gunzip=True)["md5"]


def sha256_file(path: PathLike) -> str:
    """Return the hex SHA-256 of a file's bytes (read in chunks).

    Example:
        >>> sha256_file("iris.csv")  # doctest: +SKIP
        'f13ffa8f...'
    """
    return file_digests(path, ("sha256",))["sha256"]


def sha256_gunzip(path: PathLike) -> str:
    """Return the hex SHA-256 of a gzip file's *decompressed* content.

    Raises:
        CorruptFileError: the file is not valid gzip or is truncated (message names the file).
    """
    return file_digests(path, ("sha256",), gunzip=True)["sha256"]


def _compare(path: PathLike, expected: Dict[str, str], actual: Dict[str, str], what: str = "",
             hint: Optional[str] = None) -> None:
    """Raise :class:`ChecksumError` listing every sum in ``expected`` that ``actual`` does not match."""
    bad = [(a, e, actual.get(a, "<not computed>")) for a, e in expected.items() if actual.get(a) != e]
    if bad:
        a, e, g = bad[0]
        raise ChecksumError(path, e, g, what, algorithm=a, mismatches=bad, hint=hint)


def verify_file(path: PathLike, *, md5: Optional[str] = None, sha256: Optional[str] = None,
                hash_of: str = "file", what: str = "", hint: Optional[str] = None) -> None:
    """Check every sum given against ``path`` (its bytes, or with ``hash_of="gunzip"`` its decompressed content).

    Raises:
        ChecksumError: a sum differs (the message names the file, each expected and actual sum, and what to do).
        CorruptFileError: ``hash_of="gunzip"`` and the file is not valid gzip.
    """
    expected = _expected_sums(md5, sha256)
    if expected:
        actual = file_digests(path, expected, gunzip=_gunzip_flag(hash_of))
        _compare(path, expected, actual, what, hint)


def _gunzip_flag(hash_of: str) -> bool:
    if hash_of not in ("file", "gunzip"):
        raise ValueError(f"hash_of must be 'file' or 'gunzip', got {hash_of!r}")
    return hash_of == "gunzip"


def _order_mirrors(urls: Sequence[str]) -> List[str]:
    """HTTPS first, plain HTTP last, everything else (``file://`` ...) between; the given order within each group."""
    def rank(u: str) -> int:
        scheme = u.split(":", 1)[0].lower() if ":" in u else ""
        return 0 if scheme == "https" else (2 if scheme == "http" else 1)
    return sorted(urls, key=rank)


class _HashingWriter:
    """A binary file wrapper that hashes what is written to it (one pass: hashes while downloading)."""

    def __init__(self, f, algorithms: Iterable[str]) -> None:
        self._f = f
        self._hashers = {a: _new_hash(a) for a in algorithms}

    def write(self, data) -> int:
        for h in self._hashers.values():
            h.update(data)
        return self._f.write(data)

    def digests(self) -> Dict[str, str]:
        return {a: h.hexdigest() for a, h in self._hashers.items()}


def _fetch(url: str, tmp_file, timeout: float) -> None:
    import urllib.request  # lazy: pulls in ssl/http.client

    req = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        for chunk in iter(lambda: resp.read(_CHUNK), b""):
            tmp_file.write(chunk)


def _remove_stale_parts(dest: Path) -> None:
    """Delete temporaries of ``dest`` left by a killed download (not written to for an hour)."""
    now = time.time()
    for part in glob.glob(os.path.join(glob.escape(str(dest.parent)), glob.escape(dest.name) + ".*.part")):
        try:
            if now - os.lstat(part).st_mtime > _STALE_PART_SECONDS:
                os.unlink(part)
        except OSError:
            pass


def download_url(
    url: Union[str, Sequence[str]],
    dest: PathLike,
    md5: Optional[str] = None,
    *,
    sha256: Optional[str] = None,
    hash_of: Optional[str] = None,
    md5_of: Optional[str] = None,
    overwrite: bool = False,
    timeout: float = 30.0,
    verbose: bool = True,
) -> Path:
    """Download a file atomically, trying mirrors HTTPS-first and verifying every checksum given.

    The bytes go to a temporary file next to ``dest`` (in the cache folder),
    hashed while they arrive; only once every sum given matches is it moved
    into place with :func:`os.replace`, so ``dest`` is never left half-written
    or unverified. A failed checksum removes the temporary file. If ``dest``
    already exists and passes the checksums (or none is given) nothing is
    downloaded unless ``overwrite=True``. Temporaries of ``dest`` left by a
    killed run (untouched for an hour) are removed first.

    Args:
        url: one URL, or a sequence of mirror URLs. They are tried HTTPS first,
            plain HTTP last, others (``file://``) between, keeping the given
            order within each group. Any scheme :mod:`urllib` handles works.
        dest: path of the file to create; parent folders are created.
        md5: expected hex MD5 (keep it only where MD5 is the published sum), or ``None``.
        sha256: expected hex SHA-256 (preferred), or ``None``.
        hash_of: ``"file"`` (default) to hash the downloaded bytes, ``"gunzip"``
            to hash the decompressed content of a ``.gz`` file (MNIST's canonical sums).
        md5_of: older name of ``hash_of``.
        overwrite: download again even if ``dest`` exists and verifies.
        timeout: socket timeout in seconds for each attempt.
        verbose: print one progress line per attempt to stderr.

    Returns:
        ``Path(dest)``.

    Raises:
        ChecksumError: every mirror served content with a wrong sum (the
            message names the file, each expected and actual sum, and what to do).
        DownloadError: every mirror failed (network error, 404, ...); the
            message lists each URL with its error.
        ValueError: no URL, or a sum that is not hex of the right length.

    Example:
        >>> download_url(["https://a.example/f.gz", "http://b.example/f.gz"], "/tmp/f.gz",
        ...              sha256="<64 hex digits>", hash_of="gunzip")  # doctest: +SKIP
        PosixPath('/tmp/f.gz')
    """
    urls = [url] if isinstance(url, str) else list(url)
    if not urls:
        raise ValueError("download_url needs at least one URL")
    urls = _order_mirrors(urls)
    if hash_of is None:
        hash_of = md5_of if md5_of is not None else "file"
    gunzip = _gunzip_flag(hash_of)
    expected = _expected_sums(md5, sha256)
    dest = Path(dest).expanduser()

    if os.path.lexists(dest) and not overwrite:
        regular_file(dest, "downloaded file")  # a FIFO or folder in the cache: refuse, never open it
        if not expected:
            return dest
        try:
            if file_digests(dest, expected, gunzip=gunzip) == expected:
                return dest
        except CorruptFileError:
            pass  # corrupted gzip: download again

    dest.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_parts(dest)
    what = "decompressed content" if gunzip else ""
    errors = []
    last_checksum_error: Optional[ChecksumError] = None
    n_checksum_failures = 0
    for u in urls:
        if verbose:
            print(f"Downloading {u} -> {dest}", file=sys.stderr)
        fd, tmp_name = tempfile.mkstemp(prefix=dest.name + ".", suffix=".part", dir=dest.parent)
        try:
            with os.fdopen(fd, "wb") as tmp:
                writer = _HashingWriter(tmp, () if gunzip else expected)
                _fetch(u, writer, timeout)
            if expected:
                try:
                    actual = file_digests(tmp_name, expected, gunzip=True) if gunzip else writer.digests()
                except CorruptFileError as e:  # not even valid gzip
                    actual = {a: f"<unreadable: {e}>" for a in expected}
                try:
                    _compare(dest, expected, actual, f"{what}, downloaded from {u}".lstrip(", "),
                             hint=(f"the download was discarded and {dest} was not written. The mirror served "
                                   f"a different or damaged file: try again later, or put a good copy at {dest} "
                                   f"yourself (or set the {DATA_ENV_VAR} environment variable to a folder that "
                                   f"holds one)"))
                except ChecksumError as err:
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
