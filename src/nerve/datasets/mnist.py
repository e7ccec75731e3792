"""MNIST and Fashion-MNIST: IDX parsing, checksum verification, download and cache.

Files live under the data root (see :func:`nerve.datasets.get_data_root`):
``<root>/mnist/train-images-idx3-ubyte.gz`` and so on (uncompressed copies
without the ``.gz`` suffix are accepted too).
"""

from __future__ import annotations

import gzip
import math
import operator
import os
import struct
import zlib
from pathlib import Path
from typing import Callable, List, NamedTuple, Optional, Sequence, Tuple

from .._backend import np
from .._files import regular_file

from ._download import (
    DATA_ENV_VAR,
    ChecksumError,
    CorruptFileError,
    DatasetNotFoundError,
    DownloadError,
    PathLike,
    _check_root,
    _compare,
    _expected_sums,
    _new_hash,
    _order_mirrors,
    _root_origin,
    download_url,
    get_data_root,
)

__all__ = [
    "MNIST",
    "FashionMNIST",
    "load_mnist",
    "load_fashion_mnist",
    "load_data",
    "read_idx",
]

IDX_IMAGES_MAGIC = 0x00000803
IDX_LABELS_MAGIC = 0x00000801

# IDX type byte -> numpy dtype (big-endian for multi-byte types).
_IDX_DTYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_IDX_TYPE_LIST = ", ".join(f"0x{c:02X}" for c in _IDX_DTYPES)

#: Most dimensions an IDX header may declare (MNIST uses 1 and 3).
MAX_IDX_NDIM = 8
#: Largest data block :func:`read_idx` allocates by default (4 GiB): a header
#: declaring more is taken as corrupted rather than trusted.
MAX_IDX_BYTES = 4 << 30

_READ_CHUNK = 1 << 20


def _read_upto(stream, n: int) -> bytes:
    """Read up to ``n`` bytes (fewer only at the end of the stream)."""
    parts, got = [], 0
    while got < n:
        b = stream.read(n - got)
        if not b:
            break
        parts.append(b)
        got += len(b)
    return b"".join(parts)


def _readinto_full(stream, buf: bytearray) -> int:
    """Fill ``buf`` from ``stream`` in bounded chunks; return how many bytes arrived."""
    mv = memoryview(buf)
    n, total = 0, len(buf)
    while n < total:
        k = stream.readinto(mv[n:min(total, n + _READ_CHUNK)])
        if not k:
            break
        n += k
    return n


def _idx_stream(stream, name: str, compressed: bool, file_size: int, expected_magic: Optional[int],
                algorithms, max_bytes: int):
    """Parse an IDX stream: validate the header before allocating, then read exactly what it promises."""
    where = " after decompression" if compressed else ""
    head = _read_upto(stream, 4)
    if len(head) < 4:
        raise CorruptFileError(f"{name}: only {len(head)} bytes{where}, too short for an IDX header "
                               f"(4 bytes at least): the file is truncated or empty.")
    magic = int.from_bytes(head, "big")
    if head[0] != 0 or head[1] != 0 or head[2] not in _IDX_DTYPES:
        raise CorruptFileError(
            f"{name}: not an IDX file (magic number 0x{magic:08X}; an IDX file starts with two zero bytes, "
            f"a type code ({_IDX_TYPE_LIST}) and the number of dimensions).")
    if expected_magic is not None and magic != expected_magic:
        kind = "images" if expected_magic == IDX_IMAGES_MAGIC else "labels"
        raise CorruptFileError(
            f"{name}: wrong IDX magic number 0x{magic:08X}, expected 0x{expected_magic:08X} ({kind} file). "
            f"Is the file misnamed or corrupted?")
    dtype = _IDX_DTYPES[head[2]]
    ndim = head[3]
    if not 1 <= ndim <= MAX_IDX_NDIM:
        raise CorruptFileError(f"{name}: IDX header declares {ndim} dimensions, expected 1 to {MAX_IDX_NDIM}: "
                               f"the file is corrupted.")
    header_len = 4 + 4 * ndim
    raw_dims = _read_upto(stream, 4 * ndim)
    if len(raw_dims) < 4 * ndim:
        raise CorruptFileError(f"{name}: truncated IDX header ({4 + len(raw_dims)} bytes{where}, "
                               f"need {header_len} for {ndim} dimensions).")
    dims = tuple(struct.unpack(f">{ndim}I", raw_dims))
    nbytes = math.prod(dims) * dtype.itemsize  # Python ints: no overflow
    shape = f"shape {dims} of {dtype.name}"
    if nbytes > max_bytes:
        raise CorruptFileError(
            f"{name}: IDX header declares {shape}, {nbytes} data bytes, more than the {max_bytes}-byte limit: "
            f"the header is corrupted (pass max_bytes= to read a genuinely larger file).")
    if not compressed and file_size != header_len + nbytes:
        problem = "truncated file" if file_size < header_len + nbytes else "trailing bytes"
        raise CorruptFileError(
            f"{name}: IDX header declares {shape} ({nbytes} data bytes, {header_len + nbytes} bytes with the "
            f"header) but the file has {file_size} bytes ({problem}). The file is corrupted; delete it and "
            f"download it again.")
    buf = bytearray(nbytes)
    got = _readinto_full(stream, buf)
    if got < nbytes:
        raise CorruptFileError(
            f"{name}: IDX header declares {shape} ({nbytes} data bytes) but the file decompresses to only "
            f"{got} data bytes (truncated file). The file is corrupted; delete it and download it again.")
    if stream.read(1):  # one byte past the promise is enough to know: never inflate the rest
        raise CorruptFileError(
            f"{name}: the file decompresses to more than the {header_len + nbytes} bytes its IDX header "
            f"declares ({shape}): trailing data. The file is corrupted; delete it and download it again.")
    digests = {}
    for a in algorithms:
        h = _new_hash(a)
        h.update(head)
        h.update(raw_dims)
        h.update(buf)
        digests[a] = h.hexdigest()
    arr = np.frombuffer(buf, dtype=dtype).reshape(dims)
    if dtype.byteorder not in ("=", "|"):
        arr = arr.astype(dtype.newbyteorder("="))
    return arr, digests


def read_idx(path: PathLike, expected_magic: Optional[int] = None, md5: Optional[str] = None, *,
             sha256: Optional[str] = None, max_bytes: int = MAX_IDX_BYTES) -> np.ndarray:
    """Read an IDX file (optionally gzip-compressed) into a NumPy array.

    The header (magic, type code, number of dimensions, dimensions) is
    checked before anything is allocated: for an uncompressed file the
    header's size must equal the file's size; a gzip file is decompressed as
    a stream and reading stops at the size the header promises (plus one
    byte to detect trailing data), so a decompression bomb is never inflated.

    Args:
        path: file path (``.gz`` or uncompressed; gzip is detected by its signature).
        expected_magic: if given, the IDX magic number the file must carry
            (``0x803`` for MNIST images, ``0x801`` for labels).
        md5: if given, the expected MD5 of the *uncompressed* content.
        sha256: if given, the expected SHA-256 of the *uncompressed* content.
        max_bytes: largest data block the header may declare (default 4 GiB).

    Returns:
        An array whose shape is the IDX dimensions (e.g. ``(60000, 28, 28)`` uint8).

    Raises:
        FileNotFoundError, IsADirectoryError, NotARegularFileError: ``path`` is
            missing or not a regular file (a FIFO is refused without opening it).
        CorruptFileError: bad gzip stream, wrong magic, or a size that does not
            match the header (truncated file, trailing data); the message names the file.
        ChecksumError: a sum given does not match.

    Example:
        >>> x = read_idx("t10k-images-idx3-ubyte.gz", expected_magic=0x803)  # doctest: +SKIP
        >>> x.shape, x.dtype  # doctest: +SKIP
        ((10000, 28, 28), dtype('uint8'))
    """
    name = regular_file(path, "IDX file")
    expected = _expected_sums(md5, sha256)
    with open(name, "rb") as raw:
        file_size = os.fstat(raw.fileno()).st_size
        compressed = raw.read(2) == b"\x1f\x8b"
        raw.seek(0)
        if not compressed and name.endswith(".gz"):
            raise CorruptFileError(f"{name} is not a gzip file (it does not start with the gzip signature 1f 8b): "
                                   f"the file is corrupted or misnamed. Delete it and download it again.")
        stream = gzip.GzipFile(fileobj=raw, mode="rb") if compressed else raw
        try:
            arr, actual = _idx_stream(stream, name, compressed, file_size, expected_magic, expected, max_bytes)
        except (OSError, EOFError, zlib.error) as e:
            verb = "decompressed" if compressed else "read"
            raise CorruptFileError(
                f"{name} could not be {verb} ({type(e).__name__}: {e}): the file is corrupted or "
                f"truncated. Delete it and download it again.") from None
    _compare(name, expected, actual, "uncompressed content",
             hint=(f"delete {name} and load again with download=True, or set the {DATA_ENV_VAR} environment "
                   f"variable to a folder that holds a good copy"))
    return arr


class Resource(NamedTuple):
    """One dataset file: its name and the sums it carries.

    ``of="content"``: the sums are of the uncompressed IDX bytes, checked at
    every load and after a download. ``of="file"``: the sums are of the file
    as served (the publisher's ``.gz``), checked after a download only.
    """

    filename: str
    md5: Optional[str] = None
    sha256: Optional[str] = None
    of: str = "content"

    @property
    def content_sums(self) -> dict:
        return {"md5": self.md5, "sha256": self.sha256} if self.of == "content" else {}


class MNIST:
    """The MNIST handwritten-digit dataset (torchvision-style).

    Looks for the four IDX files under ``<root>/mnist/`` where ``root`` is
    resolved by :func:`nerve.datasets.get_data_root` (argument, then
    ``$NERVE_DATA``, then ``~/.cache/nerve``). Every load checks the MD5
    (the published sum) and the SHA-256 of the uncompressed content (about
    0.2 s for the training images).

    Args:
        root: data folder containing ``mnist/``; ``None`` to resolve it.
        train: training split (60,000 images) if True, else test (10,000).
        transform: callable applied to each image (a float32 ``(1, 28, 28)``
            array in [0, 1]) by ``__getitem__``.
        target_transform: callable applied to each label (a Python int).
        download: download missing (or corrupted) files from the mirrors
            (HTTPS first) into ``<root>/mnist/``.

    Attributes:
        data: uint8 array ``(N, 28, 28)``.
        targets: int64 array ``(N,)``.
        classes: list of class names.

    Raises:
        DatasetNotFoundError: files missing (and not downloadable); the
            message lists the paths looked for and how to fix it.
        NotADirectoryError: the data root exists but is not a folder.
        NotARegularFileError, IsADirectoryError: a data file is a FIFO, device or folder.
        ChecksumError, CorruptFileError: a file is corrupted or truncated.

    Example:
        >>> ds = MNIST(train=False)  # doctest: +SKIP
        >>> img, label = ds[0]  # doctest: +SKIP
        >>> img.shape, img.dtype, label  # doctest: +SKIP
        ((1, 28, 28), dtype('float32'), 7)
    """

    #: Base URLs, each joined with the file name; tried HTTPS first, plain HTTP last.
    mirrors: List[str] = [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ]
    #: split -> (images, labels). The sums are of the uncompressed content: the
    #: MD5s are the canonical published ones (the ``.gz`` bytes differ between
    #: mirrors); the SHA-256s were computed from files that match them.
    resources = {
        "train": (
            Resource("train-images-idx3-ubyte.gz", md5="6bbc9ace898e44ae57da46a324031adb",
                     sha256="ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
            Resource("train-labels-idx1-ubyte.gz", md5="a25bea736e30d166cdddb491f175f624",
                     sha256="65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
        ),
        "test": (
            Resource("t10k-images-idx3-ubyte.gz", md5="2646ac647ad5339dbf082846283269ea",
                     sha256="0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
            Resource("t10k-labels-idx1-ubyte.gz", md5="27ae3e4e09519cfbb04c329615203637",
                     sha256="ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
        ),
    }
    #: Sub-folder of the data root holding the files.
    folder = "mnist"
    classes = [
        "0 - zero", "1 - one", "2 - two", "3 - three", "4 - four",
        "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine",
    ]

    def __init__(
        self,
        root: Optional[PathLike] = None,
        train: bool = True,
        transform: Optional[Callable] = None,
        target_transform: Optional[Callable] = None,
        download: bool = False,
    ) -> None:
        self._root_arg = root
        self.root = get_data_root(root)
        self.train = bool(train)
        self.transform = transform
        self.target_transform = target_transform
        _check_root(self.root, root)
        self.data, self.targets = self._load(download)

    # ------------------------------------------------------------------ loading
    @property
    def raw_folder(self) -> Path:
        """Folder holding the IDX files: ``<root>/<folder>``."""
        return self.root / self.folder

    @property
    def class_to_idx(self) -> dict:
        return {c: i for i, c in enumerate(self.classes)}

    @property
    def split(self) -> str:
        return "train" if self.train else "test"

    def _find(self, filename: str) -> Optional[Path]:
        """The path present for ``filename`` (``.gz`` first, then uncompressed), else None.

        Anything present counts (a FIFO, a folder, a dangling link): the reader's
        :func:`~nerve._files.regular_file` check then refuses it by name instead of
        reporting the file as missing.
        """
        candidates = [self.raw_folder / filename]
        if filename.endswith(".gz"):
            candidates.append(self.raw_folder / filename[: -len(".gz")])
        for p in candidates:
            if os.path.lexists(p):
                return p
        return None

    def _not_found_message(self, missing: Sequence[str]) -> str:
        name = type(self).__name__
        looked = " and ".join(str(self.raw_folder / f) for f in missing)
        return (
            f"{name} {self.split} data not found: looked for {looked} (or the same names without .gz); "
            f"the data root {self.root} comes from {_root_origin(self._root_arg)}. To fix: set the "
            f"{DATA_ENV_VAR} environment variable to a folder containing {self.folder}/ with these files "
            f"(or pass root=<that folder>), or pass download=True (with internet access) to download them "
            f"into {self.raw_folder}."
        )

    def _download_file(self, res: Resource) -> None:
        urls = _order_mirrors([m.rstrip("/") + "/" + res.filename for m in self.mirrors])
        download_url(urls, self.raw_folder / res.filename, res.md5, sha256=res.sha256,
                     hash_of="gunzip" if res.of == "content" else "file", overwrite=True)

    def _read_split(self) -> Tuple[np.ndarray, np.ndarray]:
        img_res, lbl_res = self.resources[self.split]
        img_path, lbl_path = self._find(img_res.filename), self._find(lbl_res.filename)
        missing = [r.filename for r, p in ((img_res, img_path), (lbl_res, lbl_path)) if p is None]
        if missing:
            raise DatasetNotFoundError(self._not_found_message(missing))
        images = read_idx(img_path, IDX_IMAGES_MAGIC, **img_res.content_sums)
        labels = read_idx(lbl_path, IDX_LABELS_MAGIC, **lbl_res.content_sums)
        if images.ndim != 3 or images.dtype != np.uint8:
            raise CorruptFileError(f"{img_path}: expected a uint8 (N, rows, cols) image array, got "
                                   f"{images.dtype} {images.shape}.")
        if labels.ndim != 1:
            raise CorruptFileError(f"{lbl_path}: expected a 1-D label array, got shape {labels.shape}.")
        if len(images) != len(labels):
            raise CorruptFileError(
                f"{img_path} holds {len(images)} images but {lbl_path} holds {len(labels)} labels: the two "
                f"files must come from the same split. Replace the wrong one (or delete both and download again)."
            )
        labels = labels.astype(np.int64)
        if len(labels) and (labels.min() < 0 or labels.max() >= len(self.classes)):
            raise CorruptFileError(
                f"{lbl_path}: labels must be 0..{len(self.classes) - 1}, found {int(labels.min())}.."
                f"{int(labels.max())}: the file is not a {type(self).__name__} labels file or is corrupted.")
        return images, labels

    def _load(self, download: bool) -> Tuple[np.ndarray, np.ndarray]:
        if not download:
            return self._read_split()
        try:
            return self._read_split()
        except (DatasetNotFoundError, CorruptFileError):
            pass  # missing or corrupted: (re)download below
        files = self.resources[self.split]
        missing = [r.filename for r in files]
        try:
            for res in files:
                found = self._find(res.filename)
                if found is not None:
                    try:  # keep files that are fine, refetch the broken one
                        read_idx(found, None, **res.content_sums)
                        continue
                    except CorruptFileError:
                        pass
                self._download_file(res)
        except DownloadError as e:
            raise DatasetNotFoundError(
                self._not_found_message(missing) + f"\nThe download failed (no internet access?):\n{e}"
            ) from e
        return self._read_split()

    # ------------------------------------------------------------------ access
    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index) -> Tuple[object, object]:
        name = type(self).__name__
        try:
            i = operator.index(index)
        except TypeError:
            raise TypeError(f"{name} indices must be integers, got {type(index).__name__}") from None
        n = len(self.data)
        if not -n <= i < n:
            raise IndexError(f"{name} index {i} is out of range for a dataset of {n} samples")
        img = self.data[i].astype(np.float32)[None, :, :] / np.float32(255.0)
        target = int(self.targets[i])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(split={self.split!r}, n={len(self)}, "
                f"root={str(self.root)!r})")


class FashionMNIST(MNIST):
    """Fashion-MNIST (Zalando): same format and API as :class:`MNIST`.

    Files are looked for under ``<root>/fashion-mnist/``. The published MD5s
    are of the ``.gz`` files as served, so they are checked after a download;
    a local copy (perhaps recompressed) is checked for its IDX structure only.

    Example:
        >>> ds = FashionMNIST(train=False, download=True)  # doctest: +SKIP
        >>> ds.classes[ds[0][1]]  # doctest: +SKIP
        'Ankle boot'
    """

    #: The GitHub repository holds the same files as the S3 website (HTTP only).
    mirrors = [
        "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    ]
    resources = {
        "train": (
            Resource("train-images-idx3-ubyte.gz", md5="8d4fb7e6c68d591d4c3dfef9ec88bf0d", of="file"),
            Resource("train-labels-idx1-ubyte.gz", md5="25c81989df183df01b3e8a0aad5dffbe", of="file"),
        ),
        "test": (
            Resource("t10k-images-idx3-ubyte.gz", md5="bef4ecab320f06d8554ea6380940ec79", of="file"),
            Resource("t10k-labels-idx1-ubyte.gz", md5="bb300cfdad3c16e7a12a480ee83cd310", of="file"),
        ),
    }
    folder = "fashion-mnist"
    classes = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]


def _load_pair(cls, root, download):
    train = cls(root=root, train=True, download=download)
    test = cls(root=root, train=False, download=download)
    return (train.data, train.targets), (test.data, test.targets)


def load_mnist(
    root: Optional[PathLike] = None, download: bool = False
) -> Tuple[Tuple[np.ndarray, np.ndarray], Tuple[np.ndarray, np.ndarray]]:
    """Load MNIST as arrays, like ``keras.datasets.mnist.load_data()``.

    Args:
        root: data folder containing ``mnist/``; ``None`` resolves it
            (``$NERVE_DATA``, then ``~/.cache/nerve``).
        download: download missing files.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 ``(60000, 28, 28)``,
        int64 ``(60000,)``, uint8 ``(10000, 28, 28)``, int64 ``(10000,)``.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_mnist()  # doctest: +SKIP
        >>> x_train.shape, y_train[:3]  # doctest: +SKIP
        ((60000, 28, 28), array([5, 0, 4]))
    """
    return _load_pair(MNIST, root, download)


def load_fashion_mnist(
    root: Optional[PathLike] = None, download: bool = False
) -> Tuple[Tuple[np.ndarray, np.ndarray], Tuple[np.ndarray, np.ndarray]]:
    """Load Fashion-MNIST as arrays ``(x_train, y_train), (x_test, y_test)``.

    Same conventions as :func:`load_mnist`; files under ``<root>/fashion-mnist/``.

    Example:
        >>> (x_train, y_train), _ = load_fashion_mnist(download=True)  # doctest: +SKIP
    """
    return _load_pair(FashionMNIST, root, download)


#: Keras-style alias: ``nerve.datasets.mnist.load_data()``.
load_data = load_mnist
