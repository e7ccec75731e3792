"""Keras-style dataset loaders: ``nerve.keras.datasets.mnist.load_data()``.

The data comes from ``nerve.datasets`` (``$NERVE_DATA`` or the download cache).

Example:
    >>> from nerve.keras.datasets import mnist
    >>> (x_train, y_train), (x_test, y_test) = mnist.load_data()
    >>> x_train.shape, x_train.dtype
    ((60000, 28, 28), dtype('uint8'))
"""
import types

__all__ = ["mnist", "fashion_mnist"]


def _root(path):
    # Keras' argument is a cache file name such as "mnist.npz": nerve reads the IDX files instead
    if path is None or str(path).endswith(".npz"):
        return None
    return path


def _mnist_load_data(path=None, download=False):
    """``(x_train, y_train), (x_test, y_test)``: uint8 (N, 28, 28) images and int64 labels.

    Args:
        path: data folder holding ``mnist/`` (default: ``$NERVE_DATA``, then ``~/.cache/nerve``).
        download: fetch missing files.
    """
    from ..datasets import load_mnist
    return load_mnist(root=_root(path), download=download)


def _fashion_mnist_load_data(path=None, download=False):
    """Fashion-MNIST as ``(x_train, y_train), (x_test, y_test)``, same layout as MNIST."""
    from ..datasets import load_fashion_mnist
    return load_fashion_mnist(root=_root(path), download=download)


mnist = types.SimpleNamespace(load_data=_mnist_load_data)
fashion_mnist = types.SimpleNamespace(load_data=_fashion_mnist_load_data)
