"""Datasets for nerve: MNIST/Fashion-MNIST, bundled tables, synthetic 2-D toys, text.

Pure NumPy (no dependency on :class:`nerve.Tensor`). Real data is looked up
under a data root: the ``root`` argument, else ``$NERVE_DATA``, else
``$XDG_CACHE_HOME/nerve`` (``~/.cache/nerve``).

Example:
    >>> from nerve.datasets import load_iris, make_moons
    >>> X, y = load_iris()
    >>> Xm, ym = make_moons(100, noise=0.1, random_state=0)
"""

from ._download import (
    DATA_ENV_VAR,
    ChecksumError,
    CorruptFileError,
    DatasetNotFoundError,
    DownloadError,
    download_url,
    get_data_root,
    md5_file,
    md5_gunzip,
    sha256_file,
    sha256_gunzip,
)
from .mnist import MNIST, FashionMNIST, load_fashion_mnist, load_mnist, read_idx
from .synthetic import check_random_state, make_blobs, make_circles, make_moons, make_spirals, make_xor
from .tabular import Bunch, load_breast_cancer, load_diabetes, load_digits, load_iris, load_wine
from .text import load_shakespeare

__all__ = [
    # data root, download and integrity
    "DATA_ENV_VAR",
    "get_data_root",
    "download_url",
    "md5_file",
    "md5_gunzip",
    "sha256_file",
    "sha256_gunzip",
    "ChecksumError",
    "CorruptFileError",
    "DatasetNotFoundError",
    "DownloadError",
    # image datasets
    "MNIST",
    "FashionMNIST",
    "load_mnist",
    "load_fashion_mnist",
    "read_idx",
    # bundled tables
    "Bunch",
    "load_iris",
    "load_wine",
    "load_breast_cancer",
    "load_digits",
    "load_diabetes",
    # synthetic
    "check_random_state",
    "make_moons",
    "make_circles",
    "make_spirals",
    "make_xor",
    "make_blobs",
    # text
    "load_shakespeare",
]
