"""Activation modules: outputs, gradients and repr strings against torch.nn."""
import numpy as np
import pytest

import nerve
from nerve import nn

torch = pytest.importorskip("torch")

# (class name, constructor args, constructor kwargs)
MODULES = [
    ("ReLU", (), {}), ("ReLU", (), {"inplace": True}),
    ("LeakyReLU", (), {}), ("LeakyReLU", (0.2,), {}), ("LeakyReLU", (0.1, True), {}),
    ("ELU", (), {}), ("ELU", (0.5,), {}), ("ELU", (), {"inplace": True}),
    ("Sigmoid", (), {}), ("Tanh", (), {}),
    ("Softmax", (), {"dim": 1}), ("Softmax", (0,), {}), ("Softmax", (-1,), {}),
    ("LogSoftmax", (), {"dim": 1}), ("LogSoftmax", (-1,), {}),
    ("GELU", (), {}), ("GELU", ("tanh",), {}),
    ("SiLU", (), {}), ("SiLU", (True,), {}),
    ("Softplus", (), {}), ("Softplus", (2, 10), {}), ("Softplus", (), {"beta": 0.5, "threshold": 5.0}),
    ("LogSigmoid", (), {}),
    ("Hardtanh", (), {}), ("Hardtanh", (-2.0, 2.0), {}), ("Hardtanh", (-0.5, 0.5, True), {}),
    ("ReLU6", (), {}), ("ReLU6", (True,), {}),
]
IDS = [f"{n}{a}{k}" for n, a, k in MODULES]


@pytest.mark.parametrize("name,args,kwargs", MODULES, ids=IDS)
def test_repr_equals_torch(name, args, kwargs):
    assert repr(getattr(nn, name)(*args, **kwargs)) == repr(getattr(torch.nn, name)(*args, **kwargs))


@pytest.mark.parametrize("name,args,kwargs", MODULES, ids=IDS)
def test_module_forward_and_backward_match_torch(name, args, kwargs):
    m, tm = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    a = (np.random.default_rng(0).standard_normal((3, 7)) * 4).astype(np.float32)
    a[0] = [0.0, 100.0, -100.0, 1.0, -1.0, 6.0, 25.0]
    x, tx = nerve.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    # a non-leaf input, as after a Linear layer (PyTorch forbids in-place ops on leaves that need grad)
    y, ty = m(x * 1.0), tm(tx * 1.0)
    np.testing.assert_allclose(y._data, ty.detach().numpy(), rtol=1e-5, atol=1e-6)
    seed = np.random.default_rng(1).standard_normal(a.shape).astype(np.float32)
    y.backward(nerve.tensor(seed))
    ty.backward(torch.tensor(seed))
    np.testing.assert_allclose(x.grad._data, tx.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_modules_have_no_parameters_and_keep_pytorch_attributes():
    m = nn.LeakyReLU(0.3, inplace=True)
    assert m.negative_slope == 0.3 and m.inplace is True
    assert list(m.parameters()) == [] and list(m.state_dict()) == []
    assert nn.Softmax(dim=2).dim == 2 and nn.GELU("tanh").approximate == "tanh"
    assert nn.ELU(alpha=0.7).alpha == 0.7 and nn.Softplus(3, 7).beta == 3


def test_inplace_module_without_grad_overwrites_input():
    x = nerve.tensor([-1.0, 2.0])
    with nerve.no_grad():
        y = nn.ReLU(inplace=True)(x)
    assert y is x and x.tolist() == [0.0, 2.0]


def test_softmax_module_without_dim_warns():
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        y = nn.Softmax()(nerve.randn(2, 3))
    np.testing.assert_allclose(y._data.sum(1), 1.0, rtol=1e-6)


def test_bad_constructor_arguments():
    with pytest.raises(ValueError, match="approximate must be 'none' or 'tanh'"):
        nn.GELU("exact")
    with pytest.raises(ValueError, match="min_val .* must not be greater than max_val"):
        nn.Hardtanh(1.0, -1.0)


def test_activation_inside_sequential_prints_like_torch():
    m = nn.Sequential(nn.Linear(4, 3), nn.LeakyReLU(0.2), nn.Linear(3, 2), nn.Softmax(dim=1))
    tm = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.LeakyReLU(0.2), torch.nn.Linear(3, 2),
                             torch.nn.Softmax(dim=1))
    assert repr(m) == repr(tm)
