"""Small classic tables bundled with the package (scikit-learn layout).

The CSV files live in ``nerve/datasets/data/``. Classification loaders return
float32 ``X`` and int64 ``y``; :func:`load_diabetes` returns float32 ``y``.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path
from typing import List, Tuple, Union

from .._backend import np
from .._files import regular_file
from ._download import _compare

__all__ = [
    "Bunch",
    "load_iris",
    "load_wine",
    "load_breast_cancer",
    "load_digits",
    "load_diabetes",
]

DATA_DIR = Path(__file__).resolve().parent / "data"

#: SHA-256 of each bundled file (the same bytes as scikit-learn's copies);
#: checked on every load (the files are small), so a damaged install says so.
BUNDLED_SHA256 = {
    "breast_cancer.csv": "fed3eb72d0575ef6192293f5093c6e801b1476b577d0386bf4455504522172ed",
    "breast_cancer.rst": "3c5855182a44d12c91f1fb27388741fb70b4b92ba40fb742dca9b5e404c68f19",
    "diabetes.rst": "07dcfc13957a82485bdfce44aecffba72e7977595966d118b81f162cb827e381",
    "diabetes_data_raw.csv.gz": "7fc0ded571454b1982210d3bb43f0aca44eae01a0b8654a3b24022bdb6b38009",
    "diabetes_target.csv.gz": "8e53f65eb811df43c206f3534bb3af0e5fed213bc37ed6ba36310157d6023803",
    "digits.csv.gz": "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22",
    "digits.rst": "8e7e58d612958f7d9b0de1931ed68b211703eeb239e808f3d82c5f0837cc0222",
    "iris.csv": "f13ffa8fdd56fd8e6c8d16d4081a3fbd3114bcd0aae4256c43205169cd9d1449",
    "iris.rst": "71f86749a8bc528d21b7db0f95332e3230d13231a05c2720e537b2c5aa8ef5e9",
    "wine_data.csv": "10e8a802908b34f86e5da8ce962f3c806694bc98450a18f61851af59f324bede",
    "wine_data.rst": "cece974be57e7279fddb09f3ffaccc26cf0c20087f29a9641a17756c52e25301",
}

_IRIS_FEATURES = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]
_WINE_FEATURES = [
    "alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols",
    "flavanoids", "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue",
    "od280/od315_of_diluted_wines", "proline",
]
_BC_BASE = [
    "radius", "texture", "perimeter", "area", "smoothness", "compactness",
    "concavity", "concave points", "symmetry", "fractal dimension",
]
_BREAST_CANCER_FEATURES = (
    [f"mean {f}" for f in _BC_BASE] + [f"{f} error" for f in _BC_BASE] + [f"worst {f}" for f in _BC_BASE]
)
_DIABETES_FEATURES = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]


class Bunch(dict):
    """A dict whose keys are also attributes (like ``sklearn.utils.Bunch``).

    Example:
        >>> b = Bunch(data=[1, 2], target=[0, 1])
        >>> b.data is b["data"]
        True
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(kwargs)

    def __getattr__(self, key: str):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    def __setattr__(self, key: str, value) -> None:
        self[key] = value

    def __delattr__(self, key: str) -> None:
        try:
            del self[key]
        except KeyError:
            raise AttributeError(key) from None

    def __dir__(self):
        return list(self.keys()) + list(super().__dir__())


def _path(name: str) -> Path:
    """The bundled file ``name``, checked: present, a regular file, and the expected SHA-256."""
    p = DATA_DIR / name
    if not os.path.lexists(p):
        raise FileNotFoundError(
            f"Bundled data file {p} is missing; the nerve installation is incomplete "
            f"(package data 'datasets/data/*' was not installed). Reinstall nerve."
        )
    regular_file(p, "bundled data file")
    expected = BUNDLED_SHA256.get(name)
    if expected is not None:
        with open(p, "rb") as f:
            actual = hashlib.sha256(f.read()).hexdigest()
        _compare(p, {"sha256": expected}, {"sha256": actual},
                 hint="the nerve installation is damaged (or the file was edited): reinstall nerve")
    return p


def _descr(name: str) -> str:
    return _path(name).read_text(encoding="utf-8")


def _load_csv_with_header(name: str) -> Tuple[np.ndarray, np.ndarray, List[str]]:
    """Read ``n_samples,n_features,class names...`` header then rows of features + int label."""
    path = _path(name)
    with open(path, "r", encoding="utf-8") as f:
        header = f.readline().strip().split(",")
        n_samples, n_features = int(header[0]), int(header[1])
        target_names = [h.strip() for h in header[2:]]
        table = np.loadtxt(f, delimiter=",", dtype=np.float64, ndmin=2)
    if table.shape != (n_samples, n_features + 1):
        raise ValueError(
            f"{path}: header says {n_samples} samples x {n_features} features (+ label), "
            f"but the table is {table.shape}."
        )
    X = table[:, :n_features].astype(np.float32)
    y = table[:, n_features].astype(np.int64)
    if y.min() < 0 or y.max() >= len(target_names):
        raise ValueError(f"{path}: labels outside 0..{len(target_names) - 1}")
    return X, y, target_names


def _finish(X, y, return_X_y, **extra) -> Union[Tuple[np.ndarray, np.ndarray], Bunch]:
    if return_X_y:
        return X, y
    return Bunch(data=X, target=y, **extra)


def _classification(csv: str, rst: str, feature_names: List[str], return_X_y: bool):
    X, y, target_names = _load_csv_with_header(csv)
    assert X.shape[1] == len(feature_names)
    return _finish(
        X, y, return_X_y,
        feature_names=list(feature_names),
        target_names=np.array(target_names),
        DESCR=_descr(rst),
        filename=str(DATA_DIR / csv),
    )


def load_iris(return_X_y: bool = True):
    """Load the iris dataset (150 samples, 4 features, 3 classes).

    Args:
        return_X_y: return ``(X, y)`` if True, else a :class:`Bunch` with
            ``data``, ``target``, ``feature_names``, ``target_names``
            (``setosa``, ``versicolor``, ``virginica``), ``DESCR``, ``filename``.

    Returns:
        ``X`` float32 ``(150, 4)`` and ``y`` int64 ``(150,)`` in {0, 1, 2}, or a Bunch.

    Example:
        >>> X, y = load_iris()
        >>> X.shape, y.dtype
        ((150, 4), dtype('int64'))
    """
    return _classification("iris.csv", "iris.rst", _IRIS_FEATURES, return_X_y)


def load_wine(return_X_y: bool = True):
    """Load the wine recognition dataset (178 samples, 13 features, 3 classes).

    Args:
        return_X_y: return ``(X, y)`` if True, else a :class:`Bunch` (see
            :func:`load_iris`); ``target_names`` are ``class_0..class_2``.

    Returns:
        ``X`` float32 ``(178, 13)`` and ``y`` int64 ``(178,)`` in {0, 1, 2}, or a Bunch.

    Example:
        >>> X, y = load_wine()
        >>> X.shape
        (178, 13)
    """
    return _classification("wine_data.csv", "wine_data.rst", _WINE_FEATURES, return_X_y)


def load_breast_cancer(return_X_y: bool = True):
    """Load the Wisconsin diagnostic breast cancer dataset (569 samples, 30 features, binary).

    Args:
        return_X_y: return ``(X, y)`` if True, else a :class:`Bunch` (see
            :func:`load_iris`); ``target_names`` are ``malignant`` (0), ``benign`` (1).

    Returns:
        ``X`` float32 ``(569, 30)`` and ``y`` int64 ``(569,)`` in {0, 1}, or a Bunch.

    Example:
        >>> X, y = load_breast_cancer()
        >>> int(y.sum())  # benign cases
        357
    """
    return _classification("breast_cancer.csv", "breast_cancer.rst", _BREAST_CANCER_FEATURES, return_X_y)


def load_digits(return_X_y: bool = True, n_class: int = 10):
    """Load the 8x8 handwritten digits dataset (1797 samples, 64 pixel features 0..16).

    Args:
        return_X_y: return ``(X, y)`` if True, else a :class:`Bunch` with also
            ``images`` (float32 ``(n, 8, 8)``).
        n_class: keep only digits ``0 .. n_class-1`` (1..10, as in scikit-learn).

    Returns:
        ``X`` float32 ``(1797, 64)`` with integer values 0..16 and ``y`` int64
        ``(1797,)`` in 0..9 (fewer rows if ``n_class < 10``), or a Bunch.

    Example:
        >>> X, y = load_digits()
        >>> X.shape, float(X.max())
        ((1797, 64), 16.0)
    """
    if not 1 <= int(n_class) <= 10:
        raise ValueError(f"n_class must be in 1..10, got {n_class}")
    path = _path("digits.csv.gz")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.float64, ndmin=2)
    if table.shape != (1797, 65):
        raise ValueError(f"{path}: expected a 1797 x 65 table, got {table.shape}")
    X = table[:, :64].astype(np.float32)
    y = table[:, 64].astype(np.int64)
    if n_class < 10:
        keep = y < n_class
        X, y = X[keep], y[keep]
    return _finish(
        X, y, return_X_y,
        images=X.reshape(-1, 8, 8),
        feature_names=[f"pixel_{r}_{c}" for r in range(8) for c in range(8)],
        target_names=np.arange(10),
        DESCR=_descr("digits.rst"),
        filename=str(path),
    )


def load_diabetes(return_X_y: bool = True, scaled: bool = True):
    """Load the diabetes regression dataset (442 samples, 10 features).

    Args:
        return_X_y: return ``(X, y)`` if True, else a :class:`Bunch` with
            ``data``, ``target``, ``feature_names`` (age, sex, bmi, bp, s1..s6),
            ``DESCR``, ``filename``.
        scaled: as in scikit-learn, center each feature and scale it by its
            standard deviation times ``sqrt(n_samples)`` (so each column's sum
            of squares is 1). ``False`` returns the raw values.

    Returns:
        ``X`` float32 ``(442, 10)`` and ``y`` float32 ``(442,)`` (disease
        progression, 25..346), or a Bunch.

    Example:
        >>> X, y = load_diabetes()
        >>> X.shape, y.dtype
        ((442, 10), dtype('float32'))
    """
    data_path = _path("diabetes_data_raw.csv.gz")
    target_path = _path("diabetes_target.csv.gz")
    with gzip.open(data_path, "rt", encoding="utf-8") as f:
        X = np.loadtxt(f, dtype=np.float64, ndmin=2)
    with gzip.open(target_path, "rt", encoding="utf-8") as f:
        y = np.loadtxt(f, dtype=np.float64, ndmin=1)
    if X.shape != (442, 10) or y.shape != (442,):
        raise ValueError(f"diabetes data has unexpected shapes {X.shape}, {y.shape}")
    if scaled:
        X = X - X.mean(axis=0)
        X = X / (X.std(axis=0) * np.sqrt(X.shape[0]))
    return _finish(
        X.astype(np.float32), y.astype(np.float32), return_X_y,
        feature_names=list(_DIABETES_FEATURES),
        DESCR=_descr("diabetes.rst"),
        data_filename=str(data_path),
        target_filename=str(target_path),
    )
