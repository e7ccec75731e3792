"""nerve.nn.functional activations, dropout and helpers against PyTorch (the oracle)."""
import numpy as np
import pytest

import nerve
import nerve.nn.functional as F
from nerve.autograd import gradcheck, gradgradcheck

torch = pytest.importorskip("torch")
TF = torch.nn.functional

# Kinks and thresholds that the gradients must get right, plus huge values for stability.
EDGES = np.array([0.0, 100.0, -100.0, 20.0, -20.0, 6.0, 1.0, -1.0, 0.7, -0.5, 5.0, 2.5], dtype=np.float32)

ACTIVATIONS = {
    "relu": (lambda x: F.relu(x), lambda x: TF.relu(x)),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.2), lambda x: TF.leaky_relu(x, 0.2)),
    "leaky_relu_default": (lambda x: F.leaky_relu(x), lambda x: TF.leaky_relu(x)),
    "elu": (lambda x: F.elu(x, alpha=0.5), lambda x: TF.elu(x, alpha=0.5)),
    "elu_default": (lambda x: F.elu(x), lambda x: TF.elu(x)),
    "gelu": (lambda x: F.gelu(x), lambda x: TF.gelu(x)),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"), lambda x: TF.gelu(x, approximate="tanh")),
    "sigmoid": (F.sigmoid, torch.sigmoid),
    "tanh": (F.tanh, torch.tanh),
    "silu": (F.silu, TF.silu),
    "softplus": (lambda x: F.softplus(x), lambda x: TF.softplus(x)),
    "softplus_beta": (lambda x: F.softplus(x, beta=2.0, threshold=5.0),
                      lambda x: TF.softplus(x, beta=2.0, threshold=5.0)),
    "logsigmoid": (F.logsigmoid, TF.logsigmoid),
    "hardtanh": (lambda x: F.hardtanh(x, -0.5, 0.7), lambda x: TF.hardtanh(x, -0.5, 0.7)),
    "hardtanh_default": (lambda x: F.hardtanh(x), lambda x: TF.hardtanh(x)),
    "relu6": (F.relu6, TF.relu6),
    "softmax1": (lambda x: F.softmax(x, dim=1), lambda x: TF.softmax(x, dim=1)),
    "softmax0": (lambda x: F.softmax(x, dim=0), lambda x: TF.softmax(x, dim=0)),
    "log_softmax": (lambda x: F.log_softmax(x, dim=-1), lambda x: TF.log_softmax(x, dim=-1)),
    "log_softmax0": (lambda x: F.log_softmax(x, dim=0), lambda x: TF.log_softmax(x, dim=0)),
}


def _pair(a):
    return nerve.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


def _check_against_torch(nfn, tfn, a, rtol=1e-5, atol=1e-6):
    x, tx = _pair(a)
    y, ty = nfn(x), tfn(tx)
    assert y.shape == tuple(ty.shape)
    np.testing.assert_allclose(y._data, ty.detach().numpy(), rtol=rtol, atol=atol)
    seed = np.random.default_rng(1).standard_normal(y.shape).astype(a.dtype)
    y.backward(nerve.tensor(seed))
    ty.backward(torch.tensor(seed))
    np.testing.assert_allclose(x.grad._data, tx.grad.numpy(), rtol=rtol, atol=atol)
    assert np.isfinite(y._data).all() and np.isfinite(x.grad._data).all()


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_matches_torch(name):
    nfn, tfn = ACTIVATIONS[name]
    rng = np.random.default_rng(0)
    a = (rng.standard_normal((4, 12)) * 3).astype(np.float32)
    a[0] = EDGES                       # kinks (0, thresholds, bounds) and +-100
    _check_against_torch(nfn, tfn, a)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_gradcheck_float64(name):
    nfn, _ = ACTIVATIONS[name]
    rng = np.random.default_rng(2)
    a = rng.standard_normal((3, 4)) * 2
    a = np.sign(a) * (np.abs(a) + 0.15)       # keep clear of the kinks at 0, +-0.5, +-1
    a[np.abs(np.abs(a) - 1.0) < 0.05] += 0.1
    a[np.abs(a - 0.7) < 0.05] += 0.1
    a[np.abs(a + 0.5) < 0.05] += 0.1
    x = nerve.tensor(a, requires_grad=True)
    assert gradcheck(nfn, (x,))


@pytest.mark.parametrize("name", ["gelu", "gelu_tanh", "elu", "silu", "softplus", "sigmoid", "tanh",
                                  "softmax1", "log_softmax", "logsigmoid"])
def test_smooth_activation_second_order(name):
    nfn, _ = ACTIVATIONS[name]
    x = nerve.tensor(np.random.default_rng(3).standard_normal((2, 3)) + 0.05, requires_grad=True)
    assert gradgradcheck(nfn, (x,))


def test_kink_gradients_follow_pytorch():
    x = nerve.tensor([0.0, 0.0, 0.0], requires_grad=True)
    F.relu(x).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]
    x.grad = None
    F.leaky_relu(x, 0.3).sum().backward()
    np.testing.assert_allclose(x.grad._data, [0.3] * 3)
    x.grad = None
    F.elu(x, alpha=0.25).sum().backward()
    np.testing.assert_allclose(x.grad._data, [0.25] * 3)
    h = nerve.tensor([-1.0, 1.0, 0.0, 6.0], requires_grad=True)
    F.hardtanh(h).sum().backward()
    assert h.grad.tolist() == [0.0, 0.0, 1.0, 0.0]


def test_relu_and_leaky_relu_are_one_op():
    x = nerve.randn(3, 4, requires_grad=True)
    for y in (F.relu(x), F.leaky_relu(x, 0.1), F.hardtanh(x), F.dropout(x, 0.5)):
        assert y.grad_fn.inputs[0] is x


def test_gelu_rejects_unknown_approximation():
    with pytest.raises(ValueError, match="approximate must be 'none' or 'tanh'"):
        F.gelu(nerve.randn(2), approximate="fast")


def test_softmax_without_dim_warns_and_uses_pytorch_default():
    a = np.random.default_rng(0).standard_normal((2, 3, 4)).astype(np.float32)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        y = F.softmax(nerve.tensor(a))
    with pytest.warns(UserWarning):
        ty = TF.softmax(torch.tensor(a))
    np.testing.assert_allclose(y._data, ty.numpy(), rtol=1e-6)


def test_softmax_dtype_argument():
    x = nerve.randn(2, 3)
    y = F.log_softmax(x, dim=1, dtype=nerve.float64)
    assert y.dtype == nerve.float64


# ------------------------------------------------------------------ inplace
@pytest.mark.parametrize("fn", [F.relu, lambda x, inplace: F.leaky_relu(x, 0.1, inplace),
                                lambda x, inplace: F.elu(x, 1.0, inplace), F.silu, F.relu6,
                                lambda x, inplace: F.hardtanh(x, -1.0, 1.0, inplace)])
def test_inplace_overwrites_untracked_input(fn):
    a = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32) * 4
    expected = fn(nerve.tensor(a), False)._data
    x = nerve.tensor(a.copy())
    y = fn(x, True)
    assert y is x
    np.testing.assert_allclose(x._data, expected, rtol=1e-6)


def test_inplace_on_tracked_input_writes_it_and_keeps_the_gradient():
    a = np.array([-1.0, 2.0, -3.0, 4.0], dtype=np.float32)
    x = nerve.tensor(a, requires_grad=True)
    h = x * 2.0
    y = F.relu(h, inplace=True)           # PyTorch's relu_: h itself changes, recorded
    assert y is h and h._data.tolist() == [0.0, 4.0, 0.0, 8.0]
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 2.0, 0.0, 2.0]


# ------------------------------------------------------------------ dropout
def test_dropout_drops_fraction_p_and_scales_the_rest():
    x = nerve.ones(200, 100, requires_grad=True)
    y = F.dropout(x, p=0.3)
    kept = y._data != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(y._data[kept], 1 / 0.7, rtol=1e-6)
    y.sum().backward()
    np.testing.assert_allclose(x.grad._data, y._data)      # gradient is the same mask * scale
    assert y.dtype == nerve.float32


def test_dropout_is_reproducible_with_manual_seed():
    x = nerve.ones(10, 10)
    nerve.manual_seed(7)
    a = F.dropout(x, 0.5)._data.copy()
    nerve.manual_seed(7)
    b = F.dropout(x, 0.5)._data
    assert np.array_equal(a, b)
    assert not np.array_equal(a, F.dropout(x, 0.5)._data)


def test_dropout_identity_cases_and_p_one():
    x = nerve.randn(4, 5, requires_grad=True)
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0) is x
    y = F.dropout(x, 1.0)
    assert (y._data == 0).all()
    y.sum().backward()
    assert (x.grad._data == 0).all()


def test_dropout_inplace_without_grad():
    x = nerve.ones(50, 50)
    y = F.dropout(x, 0.5, inplace=True)
    assert y is x and (x._data == 0).any() and (x._data == 2).any()


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_dropout_rejects_bad_probability(p):
    with pytest.raises(ValueError, match="between 0 and 1"):
        F.dropout(nerve.ones(3), p)


# ---------------------------------------------------------- re-exports etc.
def test_reexports_linear_one_hot_pad():
    rng = np.random.default_rng(0)
    x, w, b = (rng.standard_normal(s).astype(np.float32) for s in ((2, 3), (4, 3), (4,)))
    y = F.linear(nerve.tensor(x), nerve.tensor(w), nerve.tensor(b))
    np.testing.assert_allclose(y._data, TF.linear(*map(torch.tensor, (x, w, b))).numpy(), rtol=1e-5, atol=1e-6)
    oh = F.one_hot(nerve.tensor([0, 2, 1]), 3)
    assert oh.tolist() == TF.one_hot(torch.tensor([0, 2, 1]), 3).tolist()
    p = F.pad(nerve.tensor(x), (1, 2))
    assert p.tolist() == TF.pad(torch.tensor(x), (1, 2)).tolist()
