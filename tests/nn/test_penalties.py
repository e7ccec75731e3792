"""l1_penalty, l2_penalty and decay_parameters."""
import numpy as np
import pytest

import nerve
from nerve.nn.modules.batchnorm import BatchNorm1d
from nerve.nn.modules.container import Sequential
from nerve.nn.modules.linear import Linear
from nerve.nn.utils.penalties import decay_parameters, l1_penalty, l2_penalty


def _params():
    rng = np.random.default_rng(0)
    a = nerve.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    b = nerve.tensor(np.array([0.5, -2.0, 0.0, 1.5]), requires_grad=True)
    return a, b


def test_l2_penalty_value_and_gradient_is_2w():
    a, b = _params()
    p = l2_penalty([a, b])
    assert p.shape == ()
    np.testing.assert_allclose(p.item(), (a._data ** 2).sum() + (b._data ** 2).sum(), rtol=1e-12)
    p.backward()
    np.testing.assert_allclose(a.grad._data, 2 * a._data)
    np.testing.assert_allclose(b.grad._data, 2 * b._data)


def test_l1_penalty_value_and_gradient_is_sign_w():
    a, b = _params()
    p = l1_penalty(iter([a, b]))            # any iterable, e.g. a generator
    np.testing.assert_allclose(p.item(), np.abs(a._data).sum() + np.abs(b._data).sum(), rtol=1e-12)
    p.backward()
    np.testing.assert_array_equal(a.grad._data, np.sign(a._data))
    np.testing.assert_array_equal(b.grad._data, [1.0, -1.0, 0.0, 1.0])   # 0 at exactly 0


def test_penalties_single_tensor_empty_and_bad_input():
    a, _ = _params()
    np.testing.assert_allclose(l2_penalty(a).item(), (a._data ** 2).sum())
    assert l1_penalty([]).item() == 0.0 and l2_penalty([]).item() == 0.0
    with pytest.raises(TypeError, match="l2_penalty: expected an iterable of tensors"):
        l2_penalty([np.ones(3)])


def test_manual_loop_with_penalty_matches_hand_gradient():
    model = Sequential(Linear(4, 8), BatchNorm1d(8), Linear(8, 2))
    x, y = nerve.randn(16, 4), nerve.randn(16, 2)
    lam = 1e-2
    loss = ((model(x) - y) ** 2).mean() + lam * l2_penalty(decay_parameters(model))
    loss.backward()
    g_with = {n: p.grad._data.copy() for n, p in model.named_parameters()}
    model.zero_grad()
    ((model(x) - y) ** 2).mean().backward()
    for n, p in model.named_parameters():
        extra = 2 * lam * p._data if p.ndim >= 2 else 0.0
        np.testing.assert_allclose(g_with[n], p.grad._data + extra, rtol=1e-5, atol=1e-7, err_msg=n)


def test_decay_parameters_skips_biases_and_norm_parameters():
    model = Sequential(Linear(4, 8), BatchNorm1d(8), Linear(8, 2))
    shapes = [tuple(p.shape) for p in decay_parameters(model)]
    assert shapes == [(8, 4), (2, 8)]
    assert all(isinstance(p, nerve.nn.Parameter) for p in decay_parameters(model))
