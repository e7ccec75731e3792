"""nn.Linear: shapes, values and gradients against PyTorch, initialisation, errors."""
import math

import numpy as np
import pytest

import nerve
from nerve import nn


def test_shapes_and_parameters():
    fc = nn.Linear(784, 128)
    assert fc.weight.shape == (128, 784) and fc.bias.shape == (128,)
    assert isinstance(fc.weight, nn.Parameter) and fc.weight.dtype == np.float32
    assert fc(nerve.randn(64, 784)).shape == (64, 128)
    assert fc(nerve.randn(2, 3, 784)).shape == (2, 3, 128)
    assert fc(nerve.randn(784)).shape == (128,)
    assert repr(fc) == "Linear(in_features=784, out_features=128, bias=True)"
    nb = nn.Linear(3, 2, bias=False)
    assert nb.bias is None and [n for n, _ in nb.named_parameters()] == ["weight"]
    assert repr(nb) == "Linear(in_features=3, out_features=2, bias=False)"
    d = nn.Linear(3, 2, dtype=nerve.float64)
    assert d.weight.dtype == np.float64 and d.bias.dtype == np.float64


def test_forward_value():
    fc = nn.Linear(5, 3)
    x = np.random.randn(4, 5).astype(np.float32)
    np.testing.assert_allclose(fc(nerve.tensor(x))._data, x @ fc.weight._data.T + fc.bias._data, rtol=1e-5)


def test_matches_torch_forward_and_backward():
    torch = pytest.importorskip("torch")
    fc, tfc = nn.Linear(6, 4), torch.nn.Linear(6, 4)
    fc.load_state_dict({k: v.numpy() for k, v in tfc.state_dict().items()})
    x = np.random.randn(2, 3, 6).astype(np.float32)
    xn = nerve.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    y, yt = fc(xn), tfc(xt)
    np.testing.assert_allclose(y._data, yt.detach().numpy(), rtol=1e-5, atol=1e-6)
    g = np.random.randn(*y.shape).astype(np.float32)
    y.backward(nerve.tensor(g))
    yt.backward(torch.from_numpy(g))
    np.testing.assert_allclose(xn.grad._data, xt.grad.numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(fc.weight.grad._data, tfc.weight.grad.numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(fc.bias.grad._data, tfc.bias.grad.numpy(), rtol=1e-5, atol=1e-5)


def test_default_init_bounds_and_spread():
    fan_in = 400
    fc = nn.Linear(fan_in, 500)
    bound = 1 / math.sqrt(fan_in)       # kaiming_uniform_(a=sqrt(5)) gives exactly this bound
    w, b = fc.weight._data, fc.bias._data
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    assert np.abs(w).max() > 0.99 * bound
    np.testing.assert_allclose(w.std(), bound / math.sqrt(3), rtol=0.02)
    assert abs(w.mean()) < 0.02 * bound


def test_reset_parameters_uses_the_seed():
    nerve.manual_seed(3)
    a = nn.Linear(4, 4)
    nerve.manual_seed(3)
    b = nn.Linear(4, 4)
    np.testing.assert_array_equal(a.weight._data, b.weight._data)
    w = a.weight._data.copy()
    a.reset_parameters()
    assert not np.array_equal(a.weight._data, w)


def test_errors_name_shapes_and_dtypes():
    fc = nn.Linear(4, 3)
    with pytest.raises(RuntimeError, match=r"\(2, 5\).*\(3, 4\)"):
        fc(nerve.randn(2, 5))
    with pytest.raises(TypeError, match="float64.*float32"):
        fc(nerve.randn(2, 4, dtype=nerve.float64))


def test_trains_a_linear_regression():
    nerve.manual_seed(0)
    X = np.random.randn(256, 3).astype(np.float32)
    y = X @ np.array([[1.5], [-2.0], [0.5]], np.float32) + 0.3
    fc = nn.Linear(3, 1)
    for _ in range(300):
        loss = ((fc(nerve.tensor(X)) - nerve.tensor(y)) ** 2).mean()
        fc.zero_grad()
        loss.backward()
        with nerve.no_grad():
            for p in fc.parameters():
                p.sub_(0.1 * p.grad)
    np.testing.assert_allclose(fc.weight._data.ravel(), [1.5, -2.0, 0.5], atol=1e-3)
    np.testing.assert_allclose(fc.bias._data, [0.3], atol=1e-3)
