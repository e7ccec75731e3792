"""StandardScaler, MinMaxScaler and normalize: hand formulas (and scikit-learn when installed)."""
import numpy as np
import pytest

import nerve
from nerve.utils.data.preprocessing import MinMaxScaler, StandardScaler, normalize


def _data(dtype=np.float32):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((50, 4)) * [1.0, 10.0, 0.1, 3.0] + [0.0, 5.0, -2.0, 1.0]
    x[:, 2] = 7.0                                   # a constant feature
    return x.astype(dtype)


def test_standard_scaler_hand_formula_and_inverse():
    x = _data()
    s = StandardScaler()
    z = s.fit_transform(x)
    x64 = x.astype(np.float64)
    np.testing.assert_allclose(s.mean_, x64.mean(0), rtol=1e-12)
    np.testing.assert_allclose(s.var_, x64.var(0), rtol=1e-12)
    assert s.scale_[2] == 1.0                       # zero variance: left unscaled
    np.testing.assert_allclose(s.scale_[[0, 1, 3]], x64.std(0)[[0, 1, 3]], rtol=1e-12)
    assert z.dtype == np.float32 and isinstance(z, np.ndarray)
    np.testing.assert_allclose(z, (x64 - x64.mean(0)) / s.scale_, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(z[:, [0, 1, 3]].mean(0), 0, atol=1e-5)
    np.testing.assert_allclose(z[:, [0, 1, 3]].std(0), 1, rtol=1e-4)
    np.testing.assert_array_equal(z[:, 2], 0)
    np.testing.assert_allclose(s.inverse_transform(z), x, rtol=1e-5, atol=1e-5)
    assert s.n_features_in_ == 4 and s.n_samples_seen_ == 50


def test_standard_scaler_options():
    x = _data(np.float64)
    z = StandardScaler(with_mean=False).fit_transform(x)
    np.testing.assert_allclose(z[:, 0], x[:, 0] / x[:, 0].std())
    s = StandardScaler(with_std=False).fit(x)
    assert s.scale_ is None and s.var_ is None
    np.testing.assert_allclose(s.transform(x), x - x.mean(0))
    s = StandardScaler(with_mean=False, with_std=False).fit(x)
    assert s.mean_ is None
    np.testing.assert_array_equal(s.transform(x), x)


def test_scalers_accept_tensors_and_keep_dtype():
    x = _data()
    t = nerve.tensor(x)
    z = StandardScaler().fit(t).transform(t)
    assert isinstance(z, nerve.Tensor) and z.dtype == np.float32
    np.testing.assert_allclose(z._data, StandardScaler().fit_transform(x), rtol=1e-6)
    m = MinMaxScaler().fit_transform(t)
    assert isinstance(m, nerve.Tensor) and m.dtype == np.float32
    zi = StandardScaler().fit_transform(np.arange(12).reshape(6, 2))          # ints become float32
    assert zi.dtype == np.float32


def test_min_max_scaler_hand_formula_range_clip_inverse():
    x = _data(np.float64)
    s = MinMaxScaler(feature_range=(-1, 2))
    y = s.fit_transform(x)
    lo, hi = x.min(0), x.max(0)
    rng_ = np.where(hi - lo == 0, 1.0, hi - lo)
    np.testing.assert_allclose(y, (x - lo) / rng_ * 3 - 1, atol=1e-12)
    np.testing.assert_allclose(y[:, [0, 1, 3]].min(0), -1)
    np.testing.assert_allclose(y[:, [0, 1, 3]].max(0), 2)
    np.testing.assert_allclose(s.inverse_transform(y), x, atol=1e-12)
    np.testing.assert_allclose(s.data_range_, hi - lo)
    c = MinMaxScaler(clip=True).fit(x)
    assert c.transform(x * 10).max() <= 1.0 and c.transform(x * 10).min() >= 0.0


def test_scaler_errors():
    with pytest.raises(RuntimeError, match="not fitted yet"):
        StandardScaler().transform(np.ones((2, 2)))
    with pytest.raises(ValueError, match="expected a 2D array.*1D array"):
        StandardScaler().fit(np.ones(5))
    with pytest.raises(ValueError, match="X has 3 features, but the scaler was fitted on 4"):
        StandardScaler().fit(_data()).transform(np.ones((2, 3)))
    with pytest.raises(ValueError, match="feature range must be smaller"):
        MinMaxScaler(feature_range=(1, 0)).fit(_data())


def test_normalize_helper():
    x = _data()
    mean, std = [0.0, 5.0, 7.0, 1.0], [1.0, 10.0, 2.0, 3.0]
    y = normalize(x, mean, std)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, (x - np.array(mean)) / np.array(std), rtol=1e-6, atol=1e-6)
    imgs = nerve.rand(2, 3, 4, 4, requires_grad=True)
    out = normalize(imgs, (0.5, 0.4, 0.3), (0.2, 0.2, 0.1), dim=1)
    ref = (imgs._data - np.array([0.5, 0.4, 0.3]).reshape(1, 3, 1, 1)) / np.array([0.2, 0.2, 0.1]).reshape(1, 3, 1, 1)
    np.testing.assert_allclose(out._data, ref, rtol=1e-6, atol=1e-6)
    out.sum().backward()                                        # differentiable for tensors
    np.testing.assert_allclose(imgs.grad._data[0, 2], 10.0, rtol=1e-6)
    np.testing.assert_allclose(normalize(x, 1.0, 2.0), (x - 1) / 2, rtol=1e-6)
    with pytest.raises(ValueError, match="mean has 2 values but dim -1"):
        normalize(x, [0.0, 1.0], 1.0)
    with pytest.raises(ValueError, match="std must be non-zero"):
        normalize(x, 0.0, 0.0)


def test_against_sklearn():
    pre = pytest.importorskip("sklearn.preprocessing")
    x = _data(np.float64)
    a, b = StandardScaler(), pre.StandardScaler()
    np.testing.assert_allclose(a.fit_transform(x), b.fit_transform(x), atol=1e-10)
    np.testing.assert_allclose(a.scale_, b.scale_)
    a, b = MinMaxScaler((-1, 1)), pre.MinMaxScaler((-1, 1))
    np.testing.assert_allclose(a.fit_transform(x), b.fit_transform(x), atol=1e-10)
    np.testing.assert_allclose(a.min_, b.min_)
