"""nn.utils: clip_grad_norm_, clip_grad_value_, parameters_to_vector (against PyTorch)."""
import math

import numpy as np
import pytest

import nerve
from nerve import nn
from nerve.nn import utils


def _params_with_grads(scale=1.0, dtype=np.float32):
    rng = np.random.default_rng(0)
    shapes = [(4, 3), (4,), (2, 4), (2,)]
    params = []
    for s in shapes:
        p = nn.Parameter(nerve.tensor(rng.standard_normal(s).astype(dtype)))
        p.grad = nerve.tensor((scale * rng.standard_normal(s)).astype(dtype))
        params.append(p)
    return params


def _torch_twins(params):
    torch = pytest.importorskip("torch")
    out = []
    for p in params:
        t = torch.nn.Parameter(torch.from_numpy(p._data.copy()))
        t.grad = torch.from_numpy(p.grad._data.copy())
        out.append(t)
    return out


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, 0.5, math.inf, "inf"])
@pytest.mark.parametrize("max_norm", [0.5, 1e3])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    torch = pytest.importorskip("torch")
    params = _params_with_grads()
    tparams = _torch_twins(params)
    total = utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
    ttotal = torch.nn.utils.clip_grad_norm_(tparams, max_norm, norm_type=norm_type)
    assert isinstance(total, nerve.Tensor) and total.shape == () and total.dtype == np.float32
    np.testing.assert_allclose(total.item(), ttotal.item(), rtol=1e-5)
    for p, t in zip(params, tparams):
        np.testing.assert_allclose(p.grad._data, t.grad.numpy(), rtol=1e-5, atol=1e-7)


def test_clip_grad_norm_formula():
    params = _params_with_grads(scale=10.0)
    before = [p.grad._data.copy() for p in params]
    expected = math.sqrt(sum(float((g.astype(np.float64) ** 2).sum()) for g in before))
    total = utils.clip_grad_norm_(iter(params), max_norm=1.0)      # a generator is fine
    np.testing.assert_allclose(total.item(), expected, rtol=1e-5)
    after = math.sqrt(sum(float((p.grad._data.astype(np.float64) ** 2).sum()) for p in params))
    np.testing.assert_allclose(after, 1.0, rtol=1e-4)
    for p, g in zip(params, before):                     # direction unchanged
        np.testing.assert_allclose(p.grad._data, g / (expected + 1e-6), rtol=1e-5)
    small = _params_with_grads(scale=1e-3)
    keep = [p.grad._data.copy() for p in small]
    utils.clip_grad_norm_(small, max_norm=1.0)
    for p, g in zip(small, keep):
        np.testing.assert_array_equal(p.grad._data, g)


def test_clip_grad_norm_edge_cases():
    p = nn.Parameter(nerve.ones(3))
    assert utils.clip_grad_norm_([p], 1.0).item() == 0.0          # no gradients: norm 0
    p.grad = nerve.tensor([3.0, 4.0, 0.0])
    assert utils.clip_grad_norm_(p, 1.0).item() == pytest.approx(5.0)   # a single tensor
    np.testing.assert_allclose(p.grad._data, [0.6, 0.8, 0.0], rtol=1e-5)
    p.grad = nerve.tensor([np.nan, 1.0, 1.0])
    with pytest.raises(RuntimeError, match="non-finite"):
        utils.clip_grad_norm_(p, 1.0, error_if_nonfinite=True)
    assert math.isnan(utils.clip_grad_norm_(p, 1.0).item())
    q = nn.Parameter(nerve.ones(2, dtype=nerve.float64))
    q.grad = nerve.tensor([3.0, 4.0], dtype=nerve.float64)
    total = utils.clip_grad_norm_([q], 10.0)
    assert total.dtype == np.float64 and q.grad.dtype == np.float64


def test_get_total_norm_and_clip_grads_with_norm():
    params = _params_with_grads()
    total = utils.get_total_norm([p.grad for p in params], norm_type=2.0)
    flat = np.concatenate([p.grad._data.ravel() for p in params])
    np.testing.assert_allclose(total.item(), np.linalg.norm(flat), rtol=1e-6)
    utils.clip_grads_with_norm_(params, 0.1, total)
    flat2 = np.concatenate([p.grad._data.ravel() for p in params])
    np.testing.assert_allclose(np.linalg.norm(flat2), 0.1, rtol=1e-4)


def test_clip_grad_value_matches_torch():
    torch = pytest.importorskip("torch")
    params = _params_with_grads(scale=2.0)
    tparams = _torch_twins(params)
    assert utils.clip_grad_value_(params, 0.7) is None
    torch.nn.utils.clip_grad_value_(tparams, 0.7)
    for p, t in zip(params, tparams):
        assert np.abs(p.grad._data).max() <= 0.7
        np.testing.assert_array_equal(p.grad._data, t.grad.numpy())


def test_clip_grad_value_formula():
    p = nn.Parameter(nerve.zeros(4))
    p.grad = nerve.tensor([-3.0, -0.1, 0.2, 5.0])
    utils.clip_grad_value_([p], 1.0)
    np.testing.assert_array_equal(p.grad._data, np.array([-1.0, -0.1, 0.2, 1.0], np.float32))


def test_clip_inside_a_training_step():
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 1))
    (model(nerve.randn(8, 3)) * 1000).sum().backward()
    utils.clip_grad_norm_(model.parameters(), 2.0)
    total = math.sqrt(sum(float((p.grad._data.astype(np.float64) ** 2).sum()) for p in model.parameters()))
    assert total == pytest.approx(2.0, rel=1e-4)


def test_parameters_to_vector_roundtrip():
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    vec = utils.parameters_to_vector(model.parameters())
    assert vec.shape == (3 * 4 + 4 + 4 * 2 + 2,)
    np.testing.assert_array_equal(vec._data[:12], model[0].weight._data.ravel())
    vec.sum().backward()                                    # differentiable
    assert all((p.grad._data == 1).all() for p in model.parameters())
    arrays = [p._data for p in model.parameters()]
    utils.vector_to_parameters(nerve.arange(vec.shape[0]).float(), model.parameters())
    np.testing.assert_array_equal(model[0].bias._data, np.arange(12, 16))
    assert all(p._data is a for p, a in zip(model.parameters(), arrays))    # copied in place
    with pytest.raises(TypeError, match="expected nerve.Tensor"):
        utils.vector_to_parameters(np.zeros(26), model.parameters())
    with pytest.raises(ValueError, match="26 values"):
        utils.vector_to_parameters(nerve.zeros(5), model.parameters())


def test_parameters_to_vector_matches_torch():
    torch = pytest.importorskip("torch")
    m, tm = nn.Linear(3, 2), torch.nn.Linear(3, 2)
    m.load_state_dict({k: v.numpy() for k, v in tm.state_dict().items()})
    np.testing.assert_array_equal(utils.parameters_to_vector(m.parameters())._data,
                                  torch.nn.utils.parameters_to_vector(tm.parameters()).detach().numpy())
