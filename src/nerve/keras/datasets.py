"""Keras-style dataset loaders: ``nerve.keras.datasets.mnist.load_data()``.

The data comes from ``nerve.datasets`` (``$NERVE_DATA`` or the download
cache), or from Keras' own ``mnist.npz`` when ``path`` names one that exists.

Example:
    >>> from nerve.keras.datasets import mnist
    >>> (x_train, y_train), (x_test, y_test) = mnist.load_data()
    >>> x_train.shape, x_train.dtype
    ((60000, 28, 28), dtype('uint8'))
"""
import os
import types

__all__ = ["mnist", "fashion_mnist"]

#: SHA-256 Keras publishes for ``mnist.npz`` (11,490,434 bytes).
MNIST_NPZ_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
_NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")


def _npz_path(path):
    """Keras' ``path``: a ``.npz`` name relative to ``$KERAS_HOME/datasets`` (an absolute path as is); None if absent."""
    if path is None:
        return None
    p = os.path.expanduser(os.fspath(path))
    if isinstance(p, bytes):
        p = os.fsdecode(p)
    if not p.endswith(".npz"):
        return None
    from .utils.file_utils import _keras_home  # noqa: PLC0415

    full = os.path.join(_keras_home(), "datasets", p)
    return full if os.path.lexists(full) else None


def _root(path):
    # Keras' argument is a cache file name such as "mnist.npz": nerve reads the IDX files instead
    if path is None or str(os.fspath(path)).endswith(".npz"):
        return None
    return path


def _load_npz(path):
    """Keras' ``mnist.npz``: checked (regular file, Keras' SHA-256, the four arrays) before it is used."""
    from .._backend import np  # noqa: PLC0415
    from .._files import regular_file  # noqa: PLC0415
    from ..datasets._download import CorruptFileError, verify_file  # noqa: PLC0415

    name = regular_file(path, "MNIST .npz file")
    verify_file(name, sha256=MNIST_NPZ_SHA256,
                hint=(f"delete {name} (it is the file Keras caches), or pass path=None to read the MNIST IDX "
                      f"files from the NERVE_DATA folder instead"))
    try:
        with np.load(name, allow_pickle=False) as f:
            missing = [k for k in _NPZ_KEYS if k not in f.files]
            if missing:
                raise CorruptFileError(f"{name}: not a Keras MNIST file: the arrays {missing} are missing "
                                       f"(it holds {sorted(f.files)}).")
            arrays = {k: f[k] for k in _NPZ_KEYS}
    except CorruptFileError:
        raise
    except Exception as e:  # a damaged archive: zipfile / numpy format errors
        raise CorruptFileError(f"{name} could not be read as a .npz file ({type(e).__name__}: {e}); "
                               f"delete it or pass path=None.") from None
    return ((arrays["x_train"], arrays["y_train"].astype(np.int64)),
            (arrays["x_test"], arrays["y_test"].astype(np.int64)))


def _mnist_load_data(path=None, download=False):
    """``(x_train, y_train), (x_test, y_test)``: uint8 (N, 28, 28) images and int64 labels.

    Args:
        path: a data folder holding ``mnist/`` (default: ``$NERVE_DATA``, then
            ``~/.cache/nerve``), or, as in Keras, a ``.npz`` file name relative
            to ``$KERAS_HOME/datasets`` (or absolute): when that file exists it
            is read, after checking Keras' SHA-256; otherwise the IDX files are.
        download: fetch missing IDX files.

    Raises:
        DatasetNotFoundError: no data (the message says where it looked and what to do).
        NotARegularFileError, IsADirectoryError: a data file is a FIFO, device or folder.
        ChecksumError, CorruptFileError: a data file is damaged.
    """
    npz = _npz_path(path)
    if npz is not None:
        return _load_npz(npz)
    from ..datasets import load_mnist  # noqa: PLC0415
    return load_mnist(root=_root(path), download=download)


def _fashion_mnist_load_data(path=None, download=False):
    """Fashion-MNIST as ``(x_train, y_train), (x_test, y_test)``, same layout as MNIST.

    Args:
        path: a data folder holding ``fashion-mnist/`` (default: ``$NERVE_DATA``, then ``~/.cache/nerve``).
        download: fetch missing files.
    """
    from ..datasets import load_fashion_mnist  # noqa: PLC0415
    return load_fashion_mnist(root=_root(path), download=download)


mnist = types.SimpleNamespace(load_data=_mnist_load_data)
fashion_mnist = types.SimpleNamespace(load_data=_fashion_mnist_load_data)
