"""``keras.utils.get_file``: download a file once, keep it in a cache, check its hash.

Offline-aware: a cached file whose hash matches (or any cached file when no
hash is given) is returned without touching the network. Downloads go
through ``nerve.datasets._download.download_url`` (a temporary file next to
the target, hashed as it arrives and renamed into place only when the hash
matches), so an interrupted or corrupted download never leaves a file behind.
"""
from __future__ import annotations

import hashlib
import os
import tarfile
import tempfile
import urllib.parse
import warnings
import zipfile

__all__ = ["get_file", "hash_file", "validate_file", "extract_archive"]


def _keras_home() -> str:
    return os.path.expanduser(os.environ.get("KERAS_HOME") or os.path.join("~", ".keras"))


_HEX = frozenset("0123456789abcdef")
_HASH_LENGTHS = {"sha256": 64, "md5": 32}


def _resolve_algorithm(algorithm, file_hash=None) -> str:
    """Keras' rule: ``'auto'`` is sha256 for a 64-hex ``file_hash``, md5 for a 32-hex one.

    With a ``file_hash`` given, it must be hex of the length its algorithm
    produces (Keras would silently compare and fail); the error says which.
    """
    if algorithm not in ("auto", "sha256", "md5"):
        raise ValueError(f"hash_algorithm must be 'auto', 'sha256' or 'md5', got {algorithm!r}")
    if file_hash is None:
        return "md5" if algorithm == "auto" else algorithm  # Keras: 'auto' without a hash is md5
    h = str(file_hash).strip().lower()
    if not h or not set(h) <= _HEX:
        raise ValueError(f"file_hash must be a hexadecimal sha256 (64 digits) or md5 (32 digits), got {file_hash!r}")
    if algorithm == "auto":
        for name, length in _HASH_LENGTHS.items():
            if len(h) == length:
                return name
        raise ValueError(f"file_hash {file_hash!r} has {len(h)} hex digits: with hash_algorithm='auto' it must be a "
                         f"sha256 (64 digits) or an md5 (32 digits)")
    if len(h) != _HASH_LENGTHS[algorithm]:
        other = "md5" if algorithm == "sha256" else "sha256"
        looks = f" (that is the length of an {other}: pass hash_algorithm={other!r} or 'auto')" \
            if len(h) == _HASH_LENGTHS[other] else ""
        raise ValueError(f"file_hash {file_hash!r} has {len(h)} hex digits but hash_algorithm={algorithm!r} "
                         f"expects {_HASH_LENGTHS[algorithm]}{looks}")
    return algorithm


def _hasher(algorithm, file_hash=None):
    return hashlib.sha256() if _resolve_algorithm(algorithm, file_hash) == "sha256" else hashlib.md5()


def hash_file(fpath, algorithm="sha256", chunk_size=65535) -> str:
    """The hex sha256 (or md5) of a file, read in chunks (``keras.utils.file_utils.hash_file``)."""
    from ..._files import regular_file  # noqa: PLC0415

    hasher = _hasher(algorithm) if isinstance(algorithm, str) else algorithm
    with open(regular_file(fpath, "file to hash"), "rb") as fh:
        for chunk in iter(lambda: fh.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto", chunk_size=65535) -> bool:
    """True when the file's hash equals ``file_hash`` (sha256 for 64 hex digits, md5 for 32, with 'auto')."""
    return hash_file(fpath, _hasher(algorithm, file_hash), chunk_size) == str(file_hash).strip().lower()


def _safe_members(archive, path):
    """Refuse archive members that would land outside ``path`` (``../``, absolute paths, links out)."""
    root = os.path.realpath(path)
    names = archive.getnames() if isinstance(archive, tarfile.TarFile) else archive.namelist()
    for name in names:
        target = os.path.realpath(os.path.join(root, name))
        if os.path.commonpath([root, target]) != root:
            raise ValueError(f"get_file: refusing to extract {name!r}: it would be written outside {path!r}")


def extract_archive(file_path, path=".", archive_format="auto") -> bool:
    """Extract a tar (``.tar``, ``.tar.gz``, ``.tar.bz2``) or zip archive into ``path``; False if it is neither."""
    if archive_format is None:
        return False
    formats = ["tar", "zip"] if archive_format == "auto" else (
        [archive_format] if isinstance(archive_format, str) else list(archive_format))
    for kind in formats:
        if kind == "tar":
            if not tarfile.is_tarfile(file_path):
                continue
            with tarfile.open(file_path) as archive:
                _safe_members(archive, path)
                if hasattr(tarfile, "data_filter"):
                    archive.extractall(path, filter="data")
                else:  # pragma: no cover - Python without extraction filters
                    archive.extractall(path)
            return True
        if kind == "zip":
            if not zipfile.is_zipfile(file_path):
                continue
            with zipfile.ZipFile(file_path) as archive:
                _safe_members(archive, path)
                archive.extractall(path)
            return True
        raise NotImplementedError(f"archive_format {kind!r}: expected 'tar' or 'zip'")
    return False


def _cache_dir(cache_dir, cache_subdir) -> str:
    base = os.path.expanduser(cache_dir) if cache_dir is not None else _keras_home()
    datadir = os.path.join(base, cache_subdir)
    try:
        os.makedirs(datadir, exist_ok=True)
        if os.access(datadir, os.W_OK):
            return datadir
    except OSError:
        pass
    # as Keras: an unwritable cache falls back to <tmp>/.keras
    datadir = os.path.join(tempfile.gettempdir(), ".keras", cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    return datadir


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None, cache_subdir="datasets",
             hash_algorithm="auto", extract=False, archive_format="auto", cache_dir=None, force_download=False):
    """Download ``origin`` into the cache unless a good copy is there; return the local path.

    The file goes to ``<cache_dir>/<cache_subdir>/<fname>``; ``cache_dir``
    defaults to ``$KERAS_HOME`` or ``~/.keras`` as in Keras. With
    ``extract=True`` a tar/zip archive is unpacked next to it and the folder's
    path is returned (``<fname>`` for a name without extension, else
    ``<stem>_extracted``).

    Args:
        fname: local file name (default: the last part of ``origin``'s path).
        origin: the URL (``https://``, ``http://``, ``file://``).
        file_hash: expected sha256 (64 hex digits) or md5 of the file.
        cache_subdir: folder under the cache (an absolute path is used as is).
        hash_algorithm: ``'auto'`` (by the hash's length), ``'sha256'`` or ``'md5'``.
        extract: unpack a tar/zip archive; ``untar`` is the old name (tar only).
        archive_format: ``'auto'`` (tar then zip), ``'tar'``, ``'zip'`` or None.
        cache_dir: the cache root.
        force_download: download even when a good copy is cached.
        md5_hash: the old name of ``file_hash`` for md5.

    Raises:
        DownloadError (a RuntimeError): the download failed; the message names
            the URL and the cache path where the file may be placed by hand.
        ValueError: the downloaded file's hash does not match ``file_hash``
            (the message names the URL, the cache path and both hashes; nothing
            is written), or ``file_hash`` is not hex of the length its
            algorithm produces (refused before any download).
        NotARegularFileError, IsADirectoryError: the cached path is a FIFO, device or folder.

    Example:
        >>> path = keras.utils.get_file("iris.csv", origin="https://example.org/iris.csv",
        ...                             file_hash="<sha256>")  # doctest: +SKIP
    """
    from ..._files import regular_file  # noqa: PLC0415
    from ...datasets._download import ChecksumError, DownloadError, download_url  # noqa: PLC0415

    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    algorithm = _resolve_algorithm(hash_algorithm, file_hash)  # a malformed hash is refused before any download
    if file_hash is not None:
        file_hash = str(file_hash).strip().lower()
    datadir = _cache_dir(cache_dir, cache_subdir)
    given_name = fname is not None and str(fname) != ""
    fname = os.fspath(fname) if given_name else os.path.basename(urllib.parse.urlsplit(origin).path)
    if not fname or fname in (os.curdir, os.pardir):
        raise ValueError(f"Can't parse the file name from the origin provided: '{origin}'. "
                         "Please specify the `fname` argument.")
    if given_name and (os.sep in fname or (os.altsep and os.altsep in fname)):
        raise ValueError("Paths are no longer accepted as the `fname` argument. To specify the file's parent "
                         f"directory, use the `cache_dir` argument. Received: fname={fname}")
    if extract or untar:
        if given_name and "." in fname:
            target = os.path.join(datadir, fname)
            extraction_dir = os.path.join(datadir, fname[:fname.find(".")] + "_extracted")
        else:
            extraction_dir = os.path.join(datadir, fname)
            target = os.path.join(datadir, f"{fname}_archive")
    else:
        target = os.path.join(datadir, fname)

    download = force_download or not os.path.lexists(target)
    if not download:
        regular_file(target, "cached file")  # a FIFO or folder in the cache is refused, never opened
    stale = False
    if not download and file_hash is not None and not validate_file(target, file_hash, algorithm):
        print(f"A local file was found, but it seems to be incomplete or outdated because the "
              f"{algorithm} file hash does not match the original value of {file_hash} so we will "
              "re-download the data.")
        download = stale = True

    if download:
        print(f"Downloading data from {origin}")
        try:
            # the file is checked in its temporary name and moved to target only when the hash matches
            download_url(origin, target, overwrite=True, verbose=False,
                         **({algorithm: file_hash} if file_hash is not None else {}))
        except ChecksumError as e:
            kept = " (the stale cached copy there was left as it was)" if stale else ""
            raise ValueError(
                f"Incomplete or corrupted file detected. The {algorithm} file hash of the file downloaded from "
                f"{origin} does not match the provided value of {file_hash}: got {e.actual}. The download was "
                f"discarded and nothing was written to {target}{kept}. Check the URL and file_hash, or put a "
                f"good copy at {target} yourself.") from None
        except DownloadError as e:
            why = str(e).splitlines()[-1].strip()
            if why.startswith(origin + ":"):
                why = why[len(origin) + 1:].strip()
            state = ("the cached copy there has the wrong hash" if stale else "nothing is cached there yet")
            raise DownloadError(
                f"get_file: could not download {origin} to {target} ({state}): {why}. Check the network "
                f"connection and the URL, or put the file at {target} yourself: a cached file "
                + ("with the right hash " if file_hash is not None else "")
                + "is used without any download.") from None

    if extract or untar:
        if download or not os.path.isdir(extraction_dir):
            if not extract_archive(target, extraction_dir, "tar" if untar else archive_format):
                warnings.warn(f"Could not extract archive {target}: it is not a tar or zip file.", stacklevel=2)
        return extraction_dir
    return target
