"""Bundled tabular datasets."""

import numpy as np
import pytest

from nerve.datasets import (
    Bunch,
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    load_wine,
)

CLASSIFICATION = [
    # loader, n_samples, n_features, class counts, target names
    (load_iris, 150, 4, [50, 50, 50], ["setosa", "versicolor", "virginica"]),
    (load_wine, 178, 13, [59, 71, 48], ["class_0", "class_1", "class_2"]),
    (load_breast_cancer, 569, 30, [212, 357], ["malignant", "benign"]),
]


@pytest.mark.parametrize("loader,n,d,counts,names", CLASSIFICATION, ids=lambda v: getattr(v, "__name__", None))
def test_classification_tables(loader, n, d, counts, names):
    X, y = loader()
    assert X.shape == (n, d) and X.dtype == np.float32
    assert y.shape == (n,) and y.dtype == np.int64
    assert np.bincount(y).tolist() == counts
    assert np.isfinite(X).all()
    b = loader(return_X_y=False)
    assert isinstance(b, Bunch) and isinstance(b, dict)
    np.testing.assert_array_equal(b.data, X)
    np.testing.assert_array_equal(b["target"], y)
    assert list(b.target_names) == names
    assert len(b.feature_names) == d
    assert isinstance(b.DESCR, str) and "Data Set Characteristics" in b.DESCR


def test_iris_values():
    X, y = load_iris()
    np.testing.assert_allclose(X[0], [5.1, 3.5, 1.4, 0.2], rtol=1e-6)
    np.testing.assert_allclose(X[-1], [5.9, 3.0, 5.1, 1.8], rtol=1e-6)
    assert y[0] == 0 and y[-1] == 2
    assert load_iris(False).feature_names[0] == "sepal length (cm)"


def test_digits():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float32
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0 and X.max() == 16 and np.all(X == np.round(X))
    assert sorted(set(y.tolist())) == list(range(10))
    assert y[:10].tolist() == list(range(10))
    b = load_digits(return_X_y=False)
    assert b.images.shape == (1797, 8, 8)
    np.testing.assert_array_equal(b.images[5].reshape(-1), X[5])
    X2, y2 = load_digits(n_class=2)
    assert set(y2.tolist()) == {0, 1} and len(X2) == int(np.sum(y < 2))


def test_diabetes():
    X, y = load_diabetes()
    assert X.shape == (442, 10) and X.dtype == np.float32
    assert y.shape == (442,) and y.dtype == np.float32
    # scaled like scikit-learn: centered, unit sum of squares per column
    np.testing.assert_allclose(X.mean(axis=0), 0, atol=1e-6)
    np.testing.assert_allclose((X.astype(np.float64) ** 2).sum(axis=0), 1, rtol=1e-4)
    np.testing.assert_allclose(X[0, :3], [0.03807591, 0.05068012, 0.06169621], rtol=1e-5)
    assert y[0] == 151.0 and y.min() == 25.0 and y.max() == 346.0
    Xr, _ = load_diabetes(scaled=False)
    assert Xr[0, 0] == 59.0  # age of first patient
    b = load_diabetes(return_X_y=False)
    assert b.feature_names[:3] == ["age", "sex", "bmi"] and "Diabetes" in b.DESCR


def test_bunch_attribute_access():
    b = Bunch(a=1)
    b.b = 2
    assert b["b"] == 2 and b.a == 1 and "b" in dir(b)
    with pytest.raises(AttributeError):
        b.missing
    del b.a
    assert "a" not in b
