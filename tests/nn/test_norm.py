"""BatchNorm1d/2d, LayerNorm and the batch_norm/layer_norm ops, against PyTorch and gradcheck."""
import numpy as np
import pytest

import nerve
from nerve.autograd import gradcheck
from nerve.nn.modules.batchnorm import BatchNorm1d, BatchNorm2d
from nerve.nn.modules.normalization import LayerNorm
from nerve.ops.norm import batch_norm, layer_norm

try:  # PyTorch is only the oracle: without it the gradchecks below still run
    import torch
except ImportError:  # pragma: no cover - depends on the environment
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed (test oracle)")

RTOL, ATOL = 1e-4, 1e-5


def close(a, b, rtol=RTOL, atol=ATOL, what=""):
    a = np.asarray(a._data if isinstance(a, nerve.Tensor) else a)
    b = b.detach().numpy() if torch is not None and isinstance(b, torch.Tensor) else np.asarray(b)
    assert a.shape == b.shape, f"{what}: shape {a.shape} != {b.shape}"
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=what)


def twin(cls, tcls, *args, **kwargs):
    """A nerve module and the torch module with the same (random) parameters."""
    m, t = cls(*args, **kwargs), getattr(torch.nn, tcls)(*args, **kwargs)
    rng = np.random.default_rng(1)
    for name, p in m.named_parameters():
        p._data[...] = rng.standard_normal(p.shape).astype(np.float32)
    t.load_state_dict({k: torch.tensor(v._data) for k, v in m.state_dict().items()})
    return m, t


def step(m, t, x, rng):
    """One forward/backward on both; compare output and every gradient."""
    xn = nerve.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    yn, yt = m(xn), t(xt)
    close(yn, yt, what="output")
    g = rng.standard_normal(x.shape).astype(np.float32)
    yn.backward(nerve.tensor(g))
    yt.backward(torch.tensor(g))
    close(xn.grad, xt.grad, what="input grad")
    for (name, p), (_, tp) in zip(m.named_parameters(), t.named_parameters()):
        close(p.grad, tp.grad, what=f"{name} grad")
        p.grad, tp.grad = None, None


def close_state(m, t):
    sn, st = m.state_dict(), t.state_dict()
    assert list(sn) == list(st)
    for k in st:
        close(sn[k], st[k], what=k)


BN_CASES = [(BatchNorm1d, "BatchNorm1d", (16, 5)),
            (BatchNorm1d, "BatchNorm1d", (8, 5, 7)),
            (BatchNorm2d, "BatchNorm2d", (4, 5, 6, 3))]
BN_IDS = ["bn1d-2d", "bn1d-3d", "bn2d"]


@needs_torch
@pytest.mark.parametrize("cls,tcls,shape", BN_CASES, ids=BN_IDS)
@pytest.mark.parametrize("kwargs", [{}, {"momentum": None}, {"momentum": 0.3, "eps": 1e-3},
                                    {"affine": False}, {"track_running_stats": False}, {"bias": False}],
                         ids=["default", "cma", "mom-eps", "no-affine", "no-stats", "no-bias"])
def test_batchnorm_train_eval_vs_torch(cls, tcls, shape, kwargs):
    rng = np.random.default_rng(0)
    m, t = twin(cls, tcls, shape[1], **kwargs)
    for _ in range(3):
        x = (rng.standard_normal(shape) * 2 + 0.5).astype(np.float32)
        step(m, t, x, rng)
        close_state(m, t)
    m.eval()
    t.eval()
    step(m, t, rng.standard_normal(shape).astype(np.float32), rng)
    close_state(m, t)


def test_running_stats_updated_in_place_and_under_no_grad():
    bn = BatchNorm1d(3)
    rm, rv = bn.running_mean._data, bn.running_var._data
    x = nerve.randn(10, 3) * 2 + 1
    with nerve.no_grad():
        bn(x)
    assert bn.running_mean._data is rm and bn.running_var._data is rv
    xd = x._data.astype(np.float64)
    np.testing.assert_allclose(rm, 0.1 * xd.mean(0), rtol=1e-5)
    np.testing.assert_allclose(rv, 0.9 + 0.1 * xd.var(0, ddof=1), rtol=1e-5)
    assert int(bn.num_batches_tracked) == 1 and bn.num_batches_tracked.dtype == np.int64
    assert bn.num_batches_tracked.shape == ()


def test_batchnorm_eval_without_running_stats_uses_batch_stats():
    bn = BatchNorm1d(4, track_running_stats=False, affine=False).eval()
    x = nerve.randn(6, 4) * 3
    y = bn(x)._data
    np.testing.assert_allclose(y.mean(0), 0, atol=1e-5)
    np.testing.assert_allclose(y.var(0), 1, rtol=1e-3)


@needs_torch
def test_batchnorm_repr_and_state_dict_keys_match_torch():
    for cls, kw in [(BatchNorm1d, {}), (BatchNorm2d, {"momentum": None, "affine": False}),
                    (BatchNorm1d, {"track_running_stats": False, "eps": 1e-3}), (BatchNorm1d, {"bias": False})]:
        m, t = cls(64, **kw), getattr(torch.nn, cls.__name__)(64, **kw)
        assert repr(m) == repr(t)
        assert list(m.state_dict()) == list(t.state_dict())
        assert [n for n, _ in m.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert repr(BatchNorm1d(64)) == ("BatchNorm1d(64, eps=1e-05, momentum=0.1, affine=True, bias=True, "
                                     "track_running_stats=True)")          # PyTorch 2.13's form


@needs_torch
def test_batchnorm_loads_torch_state_dict_and_resets():
    t = torch.nn.BatchNorm2d(3)
    t.train()
    for _ in range(2):
        t(torch.randn(4, 3, 5, 5) * 2 + 1)
    with torch.no_grad():
        t.weight.uniform_(0.5, 1.5)
        t.bias.uniform_(-1, 1)
    m = BatchNorm2d(3)
    m.load_state_dict(t.state_dict())
    close_state(m, t)
    assert int(m.num_batches_tracked) == 2
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 4)).astype(np.float32)
    close(m.eval()(nerve.tensor(x)), t.eval()(torch.tensor(x)), what="eval output after load")
    # an old checkpoint without the batch counter still loads (the counter is kept, as in PyTorch)
    sd = {k: v for k, v in t.state_dict().items() if k != "num_batches_tracked"}
    m.load_state_dict(sd)
    assert int(m.num_batches_tracked) == 2
    m.reset_parameters()
    np.testing.assert_array_equal(m.running_mean._data, 0)
    np.testing.assert_array_equal(m.running_var._data, 1)
    np.testing.assert_array_equal(m.weight._data, 1)
    np.testing.assert_array_equal(m.bias._data, 0)


def test_batchnorm_float64_module():
    bn = BatchNorm1d(3, dtype=nerve.float64)
    assert bn.weight.dtype == np.float64 and bn.running_var.dtype == np.float64
    assert bn.num_batches_tracked.dtype == np.int64
    assert bn(nerve.randn(5, 3, dtype=nerve.float64)).dtype == np.float64


def test_batchnorm_errors():
    with pytest.raises(ValueError, match=r"BatchNorm1d: expected 2D or 3D input \(got 4D input of shape"):
        BatchNorm1d(3)(nerve.randn(2, 3, 4, 4))
    with pytest.raises(ValueError, match=r"BatchNorm2d: expected 4D input \(got 2D"):
        BatchNorm2d(3)(nerve.randn(2, 3))
    with pytest.raises(ValueError, match=r"expected 3 channels.*got 4"):
        BatchNorm1d(3)(nerve.randn(2, 4))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        BatchNorm1d(3)(nerve.randn(1, 3))
    bn = BatchNorm1d(3)
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        bn(nerve.randn(1, 3))
    assert int(bn.num_batches_tracked) == 0      # a rejected batch is not counted
    BatchNorm1d(3).eval()(nerve.randn(1, 3))     # fine in eval mode
    with pytest.raises(RuntimeError, match=r"weight has shape \(4,\).*\(3,\)"):
        batch_norm(nerve.randn(4, 3), None, None, nerve.ones(4), training=True)


LN_CASES = [((6, 10), 10), ((2, 3, 4, 5), (4, 5)), ((3, 4, 5), (3, 4, 5))]


@needs_torch
@pytest.mark.parametrize("shape,ns", LN_CASES, ids=["2d-last", "4d-last2", "all"])
@pytest.mark.parametrize("kwargs", [{}, {"elementwise_affine": False}, {"bias": False}, {"eps": 1e-2}],
                         ids=["default", "no-affine", "no-bias", "eps"])
def test_layernorm_vs_torch(shape, ns, kwargs):
    rng = np.random.default_rng(0)
    m, t = twin(LayerNorm, "LayerNorm", ns, **kwargs)
    assert repr(m) == repr(t)
    assert list(m.state_dict()) == list(t.state_dict())
    step(m, t, (rng.standard_normal(shape) * 3 - 1).astype(np.float32), rng)
    m.eval()
    t.eval()
    step(m, t, rng.standard_normal(shape).astype(np.float32), rng)


def test_layernorm_repr_and_errors():
    assert repr(LayerNorm(64)) == "LayerNorm((64,), eps=1e-05, elementwise_affine=True, bias=True)"
    with pytest.raises(RuntimeError, match=r"normalized_shape=\[5\].*\[\*, 5\].*\(2, 4\)"):
        LayerNorm(5)(nerve.randn(2, 4))


# ----------------------------------------------------------- functional, float64
def _t(rng, *shape):
    return nerve.tensor(rng.standard_normal(shape), dtype=nerve.float64, requires_grad=True)


def _double_backward_check(f, inputs):
    """gradcheck of the first gradients (computed with create_graph=True)."""
    seed = nerve.tensor(np.random.default_rng(5).standard_normal(f(*inputs).shape))

    def first(*xs):
        with nerve.enable_grad():
            return nerve.autograd.grad((f(*xs) * seed).sum(), xs, create_graph=True)
    assert gradcheck(first, inputs)


@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 2), (3, 3, 2, 2)], ids=["2d", "3d", "4d"])
def test_batch_norm_gradcheck_training(shape):
    rng = np.random.default_rng(0)
    x, w, b = _t(rng, *shape), _t(rng, 3), _t(rng, 3)
    assert gradcheck(lambda x, w, b: batch_norm(x, None, None, w, b, training=True), (x, w, b))
    assert gradcheck(lambda x: batch_norm(x, None, None, training=True, eps=0.1), (x,))
    _double_backward_check(lambda x, w, b: batch_norm(x, None, None, w, b, training=True), (x, w, b))


def test_batch_norm_gradcheck_eval():
    rng = np.random.default_rng(0)
    x, w, b = _t(rng, 4, 3, 2), _t(rng, 3), _t(rng, 3)
    rm = nerve.tensor(rng.standard_normal(3), dtype=nerve.float64)
    rv = nerve.tensor(rng.uniform(0.5, 2, 3), dtype=nerve.float64)
    assert gradcheck(lambda x, w, b: batch_norm(x, rm, rv, w, b, training=False), (x, w, b))
    _double_backward_check(lambda x, w, b: batch_norm(x, rm, rv, w, b, training=False), (x, w, b))


@pytest.mark.parametrize("shape,ns", [((4, 5), (5,)), ((2, 3, 4), (3, 4))], ids=["last", "last2"])
def test_layer_norm_gradcheck(shape, ns):
    rng = np.random.default_rng(0)
    x, w, b = _t(rng, *shape), _t(rng, *ns), _t(rng, *ns)
    assert gradcheck(lambda x, w, b: layer_norm(x, ns, w, b), (x, w, b))
    assert gradcheck(lambda x, b: layer_norm(x, ns, None, b), (x, b))
    _double_backward_check(lambda x, w, b: layer_norm(x, ns, w, b), (x, w, b))


@pytest.mark.parametrize("fn", [lambda x, w, b: batch_norm(x, None, None, w, b, training=True),
                                lambda x, w, b: layer_norm(x, (3,), w, b)], ids=["bn", "ln"])
def test_create_graph_backward_matches_fast_backward(fn):
    """The two backward paths (arrays; tensor ops under create_graph) agree."""
    rng = np.random.default_rng(0)
    x, w, b = _t(rng, 6, 3), _t(rng, 3), _t(rng, 3)
    g = nerve.tensor(rng.standard_normal((6, 3)))
    fast = nerve.autograd.grad((fn(x, w, b) * g).sum(), (x, w, b))
    graph = nerve.autograd.grad((fn(x, w, b) * g).sum(), (x, w, b), create_graph=True)
    for a, c in zip(fast, graph):
        np.testing.assert_allclose(a._data, c._data, rtol=1e-10, atol=1e-12)
