"""MNIST and Fashion-MNIST: IDX parsing, checksum verification, download and cache.

Files live under the data root (see :func:`nerve.datasets.get_data_root`):
``<root>/mnist/train-images-idx3-ubyte.gz`` and so on (uncompressed copies
without the ``.gz`` suffix are accepted too).
"""

from __future__ import annotations

import gzip
import operator
import zlib
from pathlib import Path
from typing import Callable, List, Optional, Sequence, Tuple

from .._backend import np

from ._download import (
    DATA_ENV_VAR,
    ChecksumError,
    CorruptFileError,
    DatasetNotFoundError,
    DownloadError,
    PathLike,
    _new_md5,
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


def _read_maybe_gzip(path: Path) -> bytes:
    """Return the (decompressed) bytes of ``path``; gzip is detected by its magic bytes."""
    raw = path.read_bytes()
    if raw[:2] != b"\x1f\x8b":
        if path.suffix == ".gz":
            raise CorruptFileError(f"{path} is not a gzip file (bad gzip header); the file is corrupted.")
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as e:
        raise CorruptFileError(
            f"{path} could not be decompressed ({type(e).__name__}: {e}); the file is corrupted or "
            f"truncated. Delete it and download it again."
        ) from e


def _parse_idx(buf: bytes, name: str, expected_magic: Optional[int] = None) -> np.ndarray:
    """Parse IDX bytes into a (writable) array, validating magic and sizes."""
    if len(buf) < 4:
        raise CorruptFileError(f"{name}: only {len(buf)} bytes, too short for an IDX header (truncated file).")
    if buf[0] != 0 or buf[1] != 0 or buf[2] not in _IDX_DTYPES:
        raise CorruptFileError(
            f"{name}: not an IDX file (magic number 0x{int.from_bytes(buf[:4], 'big'):08X})."
        )
    magic = int.from_bytes(buf[:4], "big")
    if expected_magic is not None and magic != expected_magic:
        raise CorruptFileError(
            f"{name}: wrong IDX magic number 0x{magic:08X}, expected 0x{expected_magic:08X} "
            f"({'images' if expected_magic == IDX_IMAGES_MAGIC else 'labels'} file). "
            f"Is the file misnamed or corrupted?"
        )
    dtype = _IDX_DTYPES[buf[2]]
    ndim = buf[3]
    header = 4 + 4 * ndim
    if len(buf) < header:
        raise CorruptFileError(f"{name}: truncated IDX header ({len(buf)} bytes, need {header}).")
    dims = tuple(int(d) for d in np.frombuffer(buf, dtype=">u4", count=ndim, offset=4))
    count = int(np.prod(dims, dtype=np.int64)) if dims else 1
    expected = count * dtype.itemsize
    actual = len(buf) - header
    if actual != expected:
        problem = "truncated file" if actual < expected else "trailing garbage"
        raise CorruptFileError(
            f"{name}: IDX header declares shape {dims} ({expected} data bytes) but the file holds "
            f"{actual} data bytes ({problem}). The file is corrupted; delete it and download it again."
        )
    arr = np.frombuffer(buf, dtype=dtype, count=count, offset=header).reshape(dims)
    return arr.astype(dtype.newbyteorder("="), copy=True)


def read_idx(path: PathLike, expected_magic: Optional[int] = None, md5: Optional[str] = None) -> np.ndarray:
    """Read an IDX file (optionally gzip-compressed) into a NumPy array.

    Args:
        path: file path (``.gz`` or uncompressed).
        expected_magic: if given, the IDX magic number the file must carry
            (``0x803`` for MNIST images, ``0x801`` for labels).
        md5: if given, the expected MD5 of the *uncompressed* content.

    Returns:
        An array whose shape is the IDX dimensions (e.g. ``(60000, 28, 28)`` uint8).

    Raises:
        CorruptFileError: bad gzip stream, wrong magic, or a size that does not
            match the header (truncated file); the message names the file.
        ChecksumError: ``md5`` given and the content does not match.

    Example:
        >>> x = read_idx("t10k-images-idx3-ubyte.gz", expected_magic=0x803)  # doctest: +SKIP
        >>> x.shape, x.dtype  # doctest: +SKIP
        ((10000, 28, 28), dtype('uint8'))
    """
    path = Path(path)
    buf = _read_maybe_gzip(path)
    arr = _parse_idx(buf, str(path), expected_magic)
    if md5 is not None:
        h = _new_md5()
        h.update(buf)
        actual = h.hexdigest()
        if actual != md5.lower():
            raise ChecksumError(path, md5.lower(), actual, what="uncompressed content")
    return arr


class MNIST:
    """The MNIST handwritten-digit dataset (torchvision-style).

    Looks for the four IDX files under ``<root>/mnist/`` where ``root`` is
    resolved by :func:`nerve.datasets.get_data_root` (argument, then
    ``$NERVE_DATA``, then ``~/.cache/nerve``). Every load checks the MD5 of
    the uncompressed content (about 0.1 s for the training images).

    Args:
        root: data folder containing ``mnist/``; ``None`` to resolve it.
        train: training split (60,000 images) if True, else test (10,000).
        transform: callable applied to each image (a float32 ``(1, 28, 28)``
            array in [0, 1]) by ``__getitem__``.
        target_transform: callable applied to each label (a Python int).
        download: download missing (or corrupted) files from the mirrors
            into ``<root>/mnist/``.

    Attributes:
        data: uint8 array ``(N, 28, 28)``.
        targets: int64 array ``(N,)``.
        classes: list of class names.

    Raises:
        DatasetNotFoundError: files missing (and not downloadable); the
            message lists the paths looked for and how to fix it.
        ChecksumError, CorruptFileError: a file is corrupted or truncated.

    Example:
        >>> ds = MNIST(train=False)  # doctest: +SKIP
        >>> img, label = ds[0]  # doctest: +SKIP
        >>> img.shape, img.dtype, label  # doctest: +SKIP
        ((1, 28, 28), dtype('float32'), 7)
    """

    #: Base URLs tried in order; each is joined with the file name.
    mirrors: List[str] = [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ]
    #: split -> ((images file, md5 of uncompressed content), (labels file, md5)).
    resources = {
        "train": (
            ("train-images-idx3-ubyte.gz", "6bbc9ace898e44ae57da46a324031adb"),
            ("train-labels-idx1-ubyte.gz", "a25bea736e30d166cdddb491f175f624"),
        ),
        "test": (
            ("t10k-images-idx3-ubyte.gz", "2646ac647ad5339dbf082846283269ea"),
            ("t10k-labels-idx1-ubyte.gz", "27ae3e4e09519cfbb04c329615203637"),
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
        """Return the existing path for ``filename`` (``.gz`` or uncompressed), else None."""
        gz = self.raw_folder / filename
        if gz.is_file():
            return gz
        plain = self.raw_folder / filename[: -len(".gz")] if filename.endswith(".gz") else None
        if plain is not None and plain.is_file():
            return plain
        return None

    def _not_found_message(self, missing: Sequence[str]) -> str:
        name = type(self).__name__
        lines = [
            f"{name} {self.split} data not found. Looked for these files in {self.raw_folder}:",
        ]
        for f in missing:
            lines.append(f"  {self.raw_folder / f}  (or uncompressed {f[:-3] if f.endswith('.gz') else f})")
        lines.append(f"(data root {self.root} comes from {_root_origin(self._root_arg)}.)")
        lines.append(
            f"To fix: set the {DATA_ENV_VAR} environment variable to a folder containing "
            f"{self.folder}/ with these files (or pass root=<that folder>), "
            f"or pass download=True with internet access."
        )
        return "\n".join(lines)

    def _download_file(self, filename: str, md5: Optional[str]) -> None:
        urls = [m.rstrip("/") + "/" + filename for m in self.mirrors]
        download_url(urls, self.raw_folder / filename, md5, md5_of="gunzip", overwrite=True)

    def _read_split(self) -> Tuple[np.ndarray, np.ndarray]:
        (img_file, img_md5), (lbl_file, lbl_md5) = self.resources[self.split]
        img_path, lbl_path = self._find(img_file), self._find(lbl_file)
        missing = [f for f, p in ((img_file, img_path), (lbl_file, lbl_path)) if p is None]
        if missing:
            raise DatasetNotFoundError(self._not_found_message(missing))
        images = read_idx(img_path, IDX_IMAGES_MAGIC, img_md5)
        labels = read_idx(lbl_path, IDX_LABELS_MAGIC, lbl_md5)
        if images.ndim != 3 or images.dtype != np.uint8:
            raise CorruptFileError(f"{img_path}: expected a uint8 (N, rows, cols) image array, got "
                                   f"{images.dtype} {images.shape}.")
        if labels.ndim != 1:
            raise CorruptFileError(f"{lbl_path}: expected a 1-D label array, got shape {labels.shape}.")
        if len(images) != len(labels):
            raise CorruptFileError(
                f"{img_path} holds {len(images)} images but {lbl_path} holds {len(labels)} labels."
            )
        return images, labels.astype(np.int64)

    def _load(self, download: bool) -> Tuple[np.ndarray, np.ndarray]:
        if not download:
            return self._read_split()
        try:
            return self._read_split()
        except (DatasetNotFoundError, CorruptFileError):
            pass  # missing or corrupted: (re)download below
        files = self.resources[self.split]
        missing = [f for f, _ in files]
        try:
            for filename, md5 in files:
                if self._find(filename) is not None:
                    try:  # keep files that are fine, refetch the broken one
                        read_idx(self._find(filename), None, md5)
                        continue
                    except CorruptFileError:
                        pass
                self._download_file(filename, md5)
        except DownloadError as e:
            raise DatasetNotFoundError(
                self._not_found_message(missing) + f"\nThe download failed (no internet access?):\n{e}"
            ) from e
        return self._read_split()

    # ------------------------------------------------------------------ access
    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index) -> Tuple[object, object]:
        i = operator.index(index)
        n = len(self.data)
        if not -n <= i < n:
            raise IndexError(f"index {index} out of range for {type(self).__name__} of length {n}")
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

    Files are looked for under ``<root>/fashion-mnist/``. No canonical
    checksums are bundled, so only the IDX structure is validated.

    Example:
        >>> ds = FashionMNIST(train=False, download=True)  # doctest: +SKIP
        >>> ds.classes[ds[0][1]]  # doctest: +SKIP
        'Ankle boot'
    """

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = {
        "train": (("train-images-idx3-ubyte.gz", None), ("train-labels-idx1-ubyte.gz", None)),
        "test": (("t10k-images-idx3-ubyte.gz", None), ("t10k-labels-idx1-ubyte.gz", None)),
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
