"""Synthetic 2-D datasets."""

import numpy as np
import pytest

from nerve.datasets import make_blobs, make_circles, make_moons, make_spirals, make_xor

MAKERS = [make_moons, make_circles, make_spirals, make_xor]


@pytest.mark.parametrize("maker", MAKERS, ids=lambda f: f.__name__)
def test_shapes_dtypes_labels(maker):
    X, y = maker(n_samples=101, noise=0.1, random_state=0)
    assert X.shape == (101, 2) and X.dtype == np.float32
    assert y.shape == (101,) and y.dtype == np.int64
    assert set(y.tolist()) == {0, 1}


@pytest.mark.parametrize("maker", MAKERS + [make_blobs], ids=lambda f: f.__name__)
def test_determinism(maker):
    X1, y1 = maker(n_samples=64, random_state=42)
    X2, y2 = maker(n_samples=64, random_state=42)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, _ = maker(n_samples=64, random_state=np.random.default_rng(42))
    np.testing.assert_array_equal(X1, X3)  # int seed == Generator from that seed
    X4, _ = maker(n_samples=64, random_state=43)
    assert not np.array_equal(X1, X4)
    X5, y5 = maker(n_samples=64, random_state=None)
    assert X5.shape[0] == 64 and y5.shape == (64,)


def test_make_moons_geometry():
    X, y = make_moons(100, shuffle=False, random_state=0)
    assert np.bincount(y).tolist() == [50, 50]
    np.testing.assert_allclose(np.linalg.norm(X[y == 0], axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(X[y == 1] - [1.0, 0.5], axis=1), 1.0, atol=1e-6)
    Xn, _ = make_moons(100, shuffle=False, noise=0.2, random_state=0)
    assert np.abs(Xn - X).std() > 0.05
    Xt, yt = make_moons((30, 70), random_state=0)
    assert np.bincount(yt).tolist() == [30, 70]
    with pytest.raises(TypeError):
        make_moons(10, random_state="seed")


def test_make_circles_geometry():
    X, y = make_circles(101, factor=0.3, random_state=0)
    assert np.bincount(y).tolist() == [50, 51]
    np.testing.assert_allclose(np.linalg.norm(X[y == 0], axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(X[y == 1], axis=1), 0.3, atol=1e-6)
    Xd, yd = make_circles(100, random_state=0)  # default factor 0.5
    np.testing.assert_allclose(np.linalg.norm(Xd[yd == 1], axis=1), 0.5, atol=1e-6)
    with pytest.raises(ValueError):
        make_circles(10, factor=1.0)


def test_make_spirals_classes():
    for k in (2, 3):
        X, y = make_spirals(300, n_classes=k, noise=0.0, random_state=0)
        assert X.shape == (300, 2)
        assert np.bincount(y).tolist() == [300 // k] * k
        assert np.linalg.norm(X, axis=1).max() <= 1.0 + 1e-6
    X, y = make_spirals(10, n_classes=3, random_state=0)
    assert sorted(np.bincount(y).tolist()) == [3, 3, 4]


def test_make_xor_labels():
    X, y = make_xor(500, random_state=0)
    np.testing.assert_array_equal(y, ((X[:, 0] > 0) ^ (X[:, 1] > 0)).astype(np.int64))
    assert np.abs(X).max() <= 1.0
    assert 0.4 < y.mean() < 0.6


def test_make_blobs():
    X, y = make_blobs(90, random_state=0)
    assert X.shape == (90, 2) and X.dtype == np.float32 and y.dtype == np.int64
    assert np.bincount(y).tolist() == [30, 30, 30]
    X, y, centers = make_blobs(100, n_features=5, centers=4, cluster_std=0.01, random_state=1,
                               return_centers=True)
    assert X.shape == (100, 5) and centers.shape == (4, 5)
    assert np.bincount(y).tolist() == [25, 25, 25, 25]
    for k in range(4):  # tiny std: every point sits on its own center
        np.testing.assert_allclose(X[y == k], np.broadcast_to(centers[k], X[y == k].shape), atol=0.1)
    fixed = [[0.0, 0.0], [10.0, 10.0]]
    X, y = make_blobs([10, 20], centers=fixed, cluster_std=[0.1, 1.0], random_state=0)
    assert np.bincount(y).tolist() == [10, 20]
    np.testing.assert_allclose(X[y == 0].mean(axis=0), [0, 0], atol=0.2)
    with pytest.raises(ValueError):
        make_blobs([10, 20], centers=[[0.0, 0.0]])
