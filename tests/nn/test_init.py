"""nn.init: formulas (gains, fans), statistics of every initialiser, in-place behaviour, errors."""
import math
import warnings

import numpy as np
import pytest

import nerve
from nerve import nn
from nerve.nn import init

N_OUT, N_IN = 400, 300          # 120k values: sample std within ~0.5% of the true one


def _w(*shape, dtype=nerve.float32):
    return nn.Parameter(nerve.zeros(*shape, dtype=dtype))


def test_calculate_gain():
    assert init.calculate_gain("linear") == 1 and init.calculate_gain("conv2d") == 1
    assert init.calculate_gain("sigmoid") == 1
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01 ** 2)))
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert init.calculate_gain("selu") == pytest.approx(0.75)
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="not a valid number"):
        init.calculate_gain("leaky_relu", "0.1")


def test_calculate_gain_matches_torch():
    torch = pytest.importorskip("torch")
    for nl, p in [("linear", None), ("tanh", None), ("relu", None), ("leaky_relu", None),
                  ("leaky_relu", 3), ("selu", None), ("conv_transpose3d", None)]:
        assert init.calculate_gain(nl, p) == pytest.approx(torch.nn.init.calculate_gain(nl, p))


def test_fans():
    assert init._calculate_fan_in_and_fan_out(_w(10, 20)) == (20, 10)
    assert init._calculate_fan_in_and_fan_out(_w(16, 3, 5, 5)) == (75, 400)
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(_w(5))


def test_uniform_normal_constant():
    w = _w(N_OUT, N_IN)
    arr = w._data
    assert init.uniform_(w, -2.0, 3.0) is w and w._data is arr          # in place, returns it
    assert w._data.min() >= -2 and w._data.max() <= 3
    np.testing.assert_allclose(w._data.mean(), 0.5, atol=0.02)
    np.testing.assert_allclose(w._data.std(), 5 / math.sqrt(12), rtol=0.01)
    init.normal_(w, 1.0, 0.5)
    np.testing.assert_allclose(w._data.mean(), 1.0, atol=0.01)
    np.testing.assert_allclose(w._data.std(), 0.5, rtol=0.01)
    assert w.dtype == np.float32 and w.requires_grad
    init.constant_(w, 0.25)
    assert (w._data == 0.25).all()
    init.ones_(w)
    assert (w._data == 1).all()
    init.zeros_(w)
    assert not w._data.any()


def test_xavier():
    w = _w(N_OUT, N_IN)
    std = math.sqrt(2 / (N_IN + N_OUT))
    init.xavier_uniform_(w, gain=2.0)
    bound = 2.0 * math.sqrt(3) * std
    assert np.abs(w._data).max() <= bound and np.abs(w._data).max() > 0.99 * bound
    np.testing.assert_allclose(w._data.std(), 2.0 * std, rtol=0.01)
    init.xavier_normal_(w)
    np.testing.assert_allclose(w._data.std(), std, rtol=0.01)
    assert abs(w._data.mean()) < 0.02 * std


@pytest.mark.parametrize("mode,fan", [("fan_in", N_IN * 9), ("fan_out", N_OUT * 9)])
def test_kaiming(mode, fan):
    w = _w(N_OUT, N_IN, 3, 3)
    init.kaiming_normal_(w, mode=mode, nonlinearity="relu")
    np.testing.assert_allclose(w._data.std(), math.sqrt(2 / fan), rtol=0.01)
    init.kaiming_uniform_(w, a=0.1, mode=mode)        # leaky_relu by default
    bound = math.sqrt(2 / (1 + 0.01)) * math.sqrt(3 / fan)
    assert np.abs(w._data).max() <= bound * (1 + 1e-6) and np.abs(w._data).max() > 0.99 * bound
    np.testing.assert_allclose(w._data.std(), bound / math.sqrt(3), rtol=0.01)


def test_kaiming_errors_and_empty():
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        init.kaiming_uniform_(_w(3, 3), mode="fan_avg")
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        init.kaiming_normal_(_w(3, 3), nonlinearity="mish")
    with pytest.warns(UserWarning, match="zero-element"):
        init.kaiming_uniform_(_w(0, 3))


def test_trunc_normal():
    w = _w(N_OUT, N_IN)
    mean, std, a, b = 0.5, 2.0, -1.0, 3.0
    init.trunc_normal_(w, mean, std, a, b)
    d = w._data.astype(np.float64)
    assert d.min() >= a and d.max() <= b
    # moments of the truncated normal
    al, be = (a - mean) / std, (b - mean) / std
    pdf = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda z: (1 + math.erf(z / math.sqrt(2))) / 2            # noqa: E731
    Z = cdf(be) - cdf(al)
    tmean = mean + std * (pdf(al) - pdf(be)) / Z
    tvar = std ** 2 * (1 + (al * pdf(al) - be * pdf(be)) / Z - ((pdf(al) - pdf(be)) / Z) ** 2)
    np.testing.assert_allclose(d.mean(), tmean, atol=0.01)
    np.testing.assert_allclose(d.std(), math.sqrt(tvar), rtol=0.01)
    init.trunc_normal_(w, std=0.02)                  # the ViT use: bounds far in the tails
    np.testing.assert_allclose(w._data.std(), 0.02, rtol=0.01)
    with pytest.warns(UserWarning, match="more than 2 std"):
        init.trunc_normal_(_w(4, 4), mean=10.0)


def test_orthogonal():
    for shape in [(50, 50), (30, 80), (80, 30), (16, 4, 3, 3)]:
        w = _w(*shape)
        init.orthogonal_(w, gain=1.5)
        q = w._data.reshape(shape[0], -1).astype(np.float64)
        if q.shape[0] <= q.shape[1]:
            np.testing.assert_allclose(q @ q.T, 2.25 * np.eye(q.shape[0]), atol=1e-5)
        else:
            np.testing.assert_allclose(q.T @ q, 2.25 * np.eye(q.shape[1]), atol=1e-5)
    with pytest.raises(ValueError, match="2 or more dimensions"):
        init.orthogonal_(_w(5))


def test_eye_and_dirac():
    w = _w(3, 5)
    init.normal_(w)
    init.eye_(w)
    np.testing.assert_array_equal(w._data, np.eye(3, 5))
    with pytest.raises(ValueError, match="2 dimensions"):
        init.eye_(_w(2, 2, 2))
    k = _w(4, 2, 3, 3)
    init.dirac_(k)
    assert k._data.sum() == 2 and k._data[0, 0, 1, 1] == 1 and k._data[1, 1, 1, 1] == 1


def test_dtype_kept_and_works_under_grad_mode():
    w = _w(20, 30, dtype=nerve.float64)
    assert nerve.is_grad_enabled()
    init.kaiming_uniform_(w)
    assert w.dtype == np.float64 and w.requires_grad and w.grad_fn is None
    arr = np.zeros((4, 4), np.float32)       # raw arrays are accepted too
    init.xavier_uniform_(arr)
    assert arr.any() and arr.dtype == np.float32


def test_seed_and_generator_reproducible():
    nerve.manual_seed(11)
    a = init.normal_(_w(5, 5))._data.copy()
    nerve.manual_seed(11)
    b = init.normal_(_w(5, 5))._data.copy()
    np.testing.assert_array_equal(a, b)
    g1, g2 = nerve.Generator().manual_seed(1), nerve.Generator().manual_seed(1)
    np.testing.assert_array_equal(init.orthogonal_(_w(6, 6), generator=g1)._data,
                                  init.orthogonal_(_w(6, 6), generator=g2)._data)


def test_all_zero_init_gives_identical_hidden_units():
    # Symmetry: with every weight equal, all hidden units get the same gradient and stay equal.
    model = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 1))
    for p in model.parameters():
        init.constant_(p, 0.1)
    x, y = nerve.randn(16, 3), nerve.randn(16, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(5):
            loss = ((model(x) - y) ** 2).mean()
            model.zero_grad()
            loss.backward()
            with nerve.no_grad():
                for p in model.parameters():
                    p.sub_(0.5 * p.grad)
    w = model[0].weight._data
    np.testing.assert_allclose(w, np.broadcast_to(w[0], w.shape), rtol=1e-6)
    assert not np.allclose(w, 0.1)                    # it did train, just symmetrically
