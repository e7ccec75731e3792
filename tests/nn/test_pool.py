"""Pooling against PyTorch (the oracle): max/avg pooling 1-D and 2-D over a grid of kernels, strides,
paddings, dilations, ceil_mode and count_include_pad, adaptive pooling, unpooling; the first-maximum
gradient rule on ties, returned indices, the modules and the error messages.

The primitives (``nerve.ops.pool``) get declarative entries (``tests/core/optest.py``): forward and
backward against PyTorch, float64 gradcheck on inputs without ties, fast path vs graph path and, for
a few, gradgradcheck.
"""
import itertools
import os
import re
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "core"))
from optest import Op, table_tests  # noqa: E402

import nerve  # noqa: E402
import nerve.nn.functional as F  # noqa: E402
from nerve import nn  # noqa: E402

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def raises(exc, *fragments):
    """pytest.raises matching every fragment (literal text) in the message, in order."""
    return pytest.raises(exc, match=".*".join(re.escape(f) for f in fragments))


def _valid(n, k, s, p, d, ceil):
    """Whether PyTorch accepts the 1-D geometry (pad at most half the kernel, output >= 1)."""
    if p > ((k - 1) * d + 1) // 2 or p > k // 2:
        return False
    out = (n + 2 * p - d * (k - 1) - 1 + ((s or k) - 1 if ceil else 0)) // (s or k) + 1
    if ceil and (out - 1) * (s or k) >= n + p:
        out -= 1
    return out >= 1


# ================================================================ the op table
MAX_GRID = [(k, s, p, d, c) for k, s, p, d, c in itertools.product((2, 3), (1, 2, None), (0, 1), (1, 2), (False, True))
            if _valid(7, k, s, p, d, c) and _valid(5, k, s, p, d, c)]
AVG_GRID = [(k, s, p, c, i) for k, s, p, c, i in itertools.product((2, 3), (1, 2, None), (0, 1), (False, True),
                                                                    (False, True))
            if _valid(7, k, s, p, 1, c) and _valid(5, k, s, p, 1, c)]


def _max_entry(k, s, p, d, c, shapes=((2, 2, 7, 5),), tag=""):
    kw = dict(kernel_size=k, stride=s, padding=p, dilation=d, ceil_mode=c)
    return Op(f"max_pool2d_k{k}s{s}p{p}d{d}{'c' if c else ''}{tag}", lambda x: F.max_pool2d(x, **kw),
              lambda x: TF.max_pool2d(x, **kw), shapes=list(shapes), domain="distinct")


def _avg_entry(k, s, p, c, i, shapes=((2, 2, 7, 5),), tag="", div=None):
    kw = dict(kernel_size=k, stride=s, padding=p, ceil_mode=c, count_include_pad=i, divisor_override=div)
    return Op(f"avg_pool2d_k{k}s{s}p{p}{'c' if c else ''}{'i' if i else ''}{tag}",
              lambda x: F.avg_pool2d(x, **kw), lambda x: TF.avg_pool2d(x, **kw), shapes=list(shapes))


def _unpool_entry():
    rng = np.random.default_rng(3)
    src = rng.permutation(2 * 3 * 6 * 5).reshape(2, 3, 6, 5).astype(np.float32)
    _, idx = TF.max_pool2d(torch.tensor(src), 2, return_indices=True)
    idx = idx.numpy()
    return Op("max_unpool2d", lambda x: F.max_unpool2d(x, nerve.tensor(idx), 2, output_size=(6, 5)),
              lambda x: TF.max_unpool2d(x, torch.tensor(idx), 2, output_size=(6, 5)), shapes=[idx.shape],
              gradgrad=True)


TABLE = (
    [_max_entry(*g) for g in MAX_GRID]
    + [_max_entry(3, 2, 1, 1, True, shapes=((1, 1, 7, 5), (3, 7, 5), (1, 3, 1, 1)), tag="_batch1"),
       _max_entry(2, None, 0, 1, False, shapes=((2, 3, 8, 6),), tag="_tiles"),
       _max_entry((3, 2), (2, 1), (1, 0), (1, 2), False, tag="_rect")]
    + [_avg_entry(*g) for g in AVG_GRID]
    + [_avg_entry(3, 2, 1, True, True, shapes=((1, 1, 7, 5), (3, 7, 5)), tag="_batch1"),
       _avg_entry(3, 2, 1, True, False, tag="_div5", div=5),
       _avg_entry((3, 2), (1, 2), (1, 1), False, True, tag="_rect")]
    + [
        Op("max_pool1d_k3s2p1", lambda x: F.max_pool1d(x, 3, 2, 1), lambda x: TF.max_pool1d(x, 3, 2, 1),
           shapes=[(2, 3, 9), (3, 8)], domain="distinct"),
        Op("max_pool1d_k2d2c", lambda x: F.max_pool1d(x, 2, 2, 0, 2, ceil_mode=True),
           lambda x: TF.max_pool1d(x, 2, 2, 0, 2, ceil_mode=True), shapes=[(2, 3, 8)], domain="distinct"),
        Op("avg_pool1d_k3s2p1c", lambda x: F.avg_pool1d(x, 3, 2, 1, True, False),
           lambda x: TF.avg_pool1d(x, 3, 2, 1, True, False), shapes=[(2, 3, 9), (3, 8)]),
        Op("adaptive_avg_pool2d", lambda x: F.adaptive_avg_pool2d(x, (3, 2)),
           lambda x: TF.adaptive_avg_pool2d(x, (3, 2)), shapes=[(2, 3, 7, 5), (3, 7, 5)], gradgrad=True),
        Op("adaptive_avg_pool2d_none", lambda x: F.adaptive_avg_pool2d(x, (4, None)),
           lambda x: TF.adaptive_avg_pool2d(x, (4, None)), shapes=[(2, 3, 7, 5)]),
        Op("adaptive_avg_pool2d_grow", lambda x: F.adaptive_avg_pool2d(x, (9, 1)),
           lambda x: TF.adaptive_avg_pool2d(x, (9, 1)), shapes=[(1, 2, 7, 5)]),
        Op("adaptive_avg_pool1d", lambda x: F.adaptive_avg_pool1d(x, 4), lambda x: TF.adaptive_avg_pool1d(x, 4),
           shapes=[(2, 3, 7), (3, 9)]),
        Op("adaptive_max_pool2d", lambda x: F.adaptive_max_pool2d(x, (4, 2)),
           lambda x: TF.adaptive_max_pool2d(x, (4, 2)), shapes=[(2, 3, 7, 5), (3, 7, 5)], domain="distinct",
           gradgrad=True),
        Op("adaptive_max_pool2d_none", lambda x: F.adaptive_max_pool2d(x, (None, 3)),
           lambda x: TF.adaptive_max_pool2d(x, (None, 3)), shapes=[(2, 2, 6, 7)], domain="distinct"),
        Op("adaptive_max_pool1d", lambda x: F.adaptive_max_pool1d(x, 3), lambda x: TF.adaptive_max_pool1d(x, 3),
           shapes=[(2, 3, 8)], domain="distinct"),
        _unpool_entry(),
    ]
)
for _op in TABLE:            # second order on a few of each kind
    if _op.name in ("max_pool2d_k3s2p1d1c", "max_pool2d_k3s1p1d2", "avg_pool2d_k3s2p1ci", "avg_pool2d_k2sNonep0"):
        _op.gradgrad = True

globals().update(table_tests(TABLE))


# ====================================================== ties, indices, NaN, -inf
def _mnist_like(shape, seed=0):
    """Mostly exact zeros (the background) with a few equal and random strokes: many ties."""
    rng = np.random.default_rng(seed)
    x = np.zeros(shape, dtype=np.float32)
    mask = rng.random(shape) < 0.25
    x[mask] = rng.choice([1.0, 0.5, rng.random()], size=int(mask.sum())).astype(np.float32)
    return x


TIE_CONFIGS = [dict(kernel_size=2), dict(kernel_size=3, stride=1), dict(kernel_size=3, stride=2, padding=1),
               dict(kernel_size=3, stride=2, padding=1, ceil_mode=True), dict(kernel_size=2, stride=1, dilation=2),
               dict(kernel_size=(3, 2), stride=(1, 2), padding=(1, 1), dilation=(1, 2), ceil_mode=True)]


@pytest.mark.parametrize("kw", TIE_CONFIGS, ids=lambda kw: "-".join(f"{k}{v}" for k, v in kw.items()))
@pytest.mark.parametrize("data", ["constant", "mnist", "negative_constant"])
@pytest.mark.parametrize("shape", [(2, 3, 9, 8), (2, 3, 8, 8)], ids=["ragged", "tiled"])
def test_ties_gradient_goes_to_first_maximum_as_torch(kw, data, shape):
    x = {"constant": np.ones(shape, np.float32), "mnist": _mnist_like(shape),
         "negative_constant": np.full(shape, -2.0, np.float32)}[data]
    xn, xt = nerve.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, i = F.max_pool2d(xn, return_indices=True, **kw)
    yt, it = TF.max_pool2d(xt, return_indices=True, **kw)
    np.testing.assert_array_equal(y._data, yt.detach().numpy())
    assert i.dtype == nerve.int64
    np.testing.assert_array_equal(i._data, it.numpy())
    g = np.random.default_rng(1).standard_normal(yt.shape).astype(np.float32)
    y.backward(nerve.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xn.grad._data, xt.grad.numpy(), rtol=1e-6, atol=1e-6)
    # the gradient sits exactly where the indices point (no spreading over the tied elements)
    assert np.count_nonzero(xn.grad._data) == np.count_nonzero(xt.grad.numpy())


@pytest.mark.parametrize("kw", [dict(kernel_size=3, stride=1), dict(kernel_size=2)])
def test_one_dimensional_ties_and_indices(kw):
    x = _mnist_like((2, 3, 11))
    xn, xt = nerve.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, i = F.max_pool1d(xn, return_indices=True, **kw)
    yt, it = TF.max_pool1d(xt, return_indices=True, **kw)
    np.testing.assert_array_equal(i._data, it.numpy())
    y.sum().backward()
    yt.sum().backward()
    np.testing.assert_array_equal(xn.grad._data, xt.grad.numpy())


def test_adaptive_max_pool_ties_and_indices():
    x = _mnist_like((2, 3, 9, 7))
    xn, xt = nerve.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, i = F.adaptive_max_pool2d(xn, (4, 3), return_indices=True)
    yt, it = TF.adaptive_max_pool2d(xt, (4, 3), return_indices=True)
    np.testing.assert_array_equal(y._data, yt.detach().numpy())
    np.testing.assert_array_equal(i._data, it.numpy())
    y.sum().backward()
    yt.sum().backward()
    np.testing.assert_array_equal(xn.grad._data, xt.grad.numpy())


def test_nan_wins_and_all_minus_inf_windows_point_at_the_first_input():
    x = np.full((1, 1, 5, 5), -np.inf, np.float32)
    x[0, 0, 1, 1] = np.nan
    x[0, 0, 3, 3] = np.nan
    x[0, 0, 3, 4] = np.nan
    for kw in (dict(kernel_size=3, stride=1, padding=1), dict(kernel_size=2, padding=1), dict(kernel_size=4, stride=1)):
        y, i = F.max_pool2d(nerve.tensor(x), return_indices=True, **kw)
        yt, it = TF.max_pool2d(torch.tensor(x), return_indices=True, **kw)
        np.testing.assert_array_equal(y._data, yt.numpy())
        np.testing.assert_array_equal(i._data, it.numpy(), err_msg=str(kw))


def test_infinite_upstream_gradient_reaches_only_the_maxima():
    x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
    for kw in (dict(kernel_size=2), dict(kernel_size=3, stride=1)):
        xn, xt = nerve.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        g = np.full((1, 1) + tuple(TF.max_pool2d(xt, **kw).shape[2:]), np.inf, np.float32)
        F.max_pool2d(xn, **kw).backward(nerve.tensor(g))
        TF.max_pool2d(xt, **kw).backward(torch.tensor(g))
        np.testing.assert_array_equal(xn.grad._data, xt.grad.numpy())


def test_integer_inputs_and_dtypes():
    x = np.random.default_rng(0).integers(-50, 50, (2, 3, 7, 6))
    np.testing.assert_array_equal(F.max_pool2d(nerve.tensor(x), 3, 2, 1)._data,
                                  TF.max_pool2d(torch.tensor(x), 3, 2, 1).numpy())
    y = F.avg_pool2d(nerve.tensor(x), 3, 2, 1)
    assert y.dtype == nerve.int64
    np.testing.assert_array_equal(y._data, TF.avg_pool2d(torch.tensor(x), 3, 2, 1).numpy())
    for fn in (lambda t: F.max_pool2d(t, 2), lambda t: F.avg_pool2d(t, 2), lambda t: F.adaptive_avg_pool2d(t, 2)):
        assert fn(nerve.randn(1, 2, 4, 4, dtype=nerve.float64)).dtype == nerve.float64
        assert fn(nerve.randn(1, 2, 4, 4)).dtype == nerve.float32


def test_max_pool_then_unpool_round_trip_as_torch():
    x = _mnist_like((2, 3, 7, 9), seed=4)
    xn, xt = nerve.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, i = F.max_pool2d(xn, 2, return_indices=True)
    yt, it = TF.max_pool2d(xt, 2, return_indices=True)
    u = F.max_unpool2d(y, i, 2, output_size=x.shape)
    ut = TF.max_unpool2d(yt, it, 2, output_size=x.shape)
    np.testing.assert_array_equal(u._data, ut.detach().numpy())
    g = np.random.default_rng(2).standard_normal(x.shape).astype(np.float32)
    u.backward(nerve.tensor(g))
    ut.backward(torch.tensor(g))
    np.testing.assert_allclose(xn.grad._data, xt.grad.numpy(), rtol=1e-6, atol=1e-6)
    # unbatched (C, H, W)
    y3, i3 = F.max_pool2d(nerve.tensor(x[0]), 2, return_indices=True)
    yt3, it3 = TF.max_pool2d(torch.tensor(x[0]), 2, return_indices=True)
    np.testing.assert_array_equal(F.max_unpool2d(y3, i3, 2, output_size=(7, 9))._data,
                                  TF.max_unpool2d(yt3, it3, 2, output_size=(7, 9)).numpy())


def test_empty_batch_and_empty_output():
    assert F.max_pool2d(nerve.zeros(0, 2, 4, 4), 2).shape == (0, 2, 2, 2)
    assert F.avg_pool2d(nerve.zeros(0, 2, 4, 4), 2).shape == (0, 2, 2, 2)
    assert F.adaptive_avg_pool2d(nerve.zeros(1, 2, 4, 4), 0).shape == (1, 2, 0, 0)
    assert F.adaptive_max_pool2d(nerve.zeros(1, 2, 4, 4), 0).shape == (1, 2, 0, 0)


# ====================================================================== modules
MODULES = [
    ("MaxPool2d", (2,), {}), ("MaxPool2d", ((2, 3),), dict(stride=1, padding=1, dilation=2, ceil_mode=True)),
    ("MaxPool1d", (3,), dict(stride=2, padding=1)), ("AvgPool1d", (3,), dict(stride=2, count_include_pad=False)),
    ("AvgPool2d", (3,), dict(stride=2, padding=1, ceil_mode=True)), ("AvgPool2d", (2,), dict(divisor_override=3)),
    ("AdaptiveAvgPool1d", (3,), {}), ("AdaptiveAvgPool2d", ((None, 2),), {}), ("AdaptiveAvgPool2d", (1,), {}),
    ("AdaptiveMaxPool2d", (2,), {}), ("AdaptiveMaxPool1d", (4,), {}),
]


@pytest.mark.parametrize("name,args,kwargs", MODULES, ids=[f"{m[0]}{i}" for i, m in enumerate(MODULES)])
def test_modules_match_torch(name, args, kwargs):
    m, mt = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(m) == repr(mt)
    one_d = name.endswith("1d")
    x = np.random.default_rng(5).standard_normal((2, 3, 9) if one_d else (2, 3, 9, 8)).astype(np.float32)
    for arr in (x, x[0]):                              # batched and unbatched
        xn, xt = nerve.tensor(arr, requires_grad=True), torch.tensor(arr, requires_grad=True)
        y, yt = m(xn), mt(xt)
        np.testing.assert_allclose(y._data, yt.detach().numpy(), rtol=1e-6, atol=1e-6)
        y.sum().backward()
        yt.sum().backward()
        np.testing.assert_allclose(xn.grad._data, xt.grad.numpy(), rtol=1e-6, atol=1e-6)
    assert list(m.parameters()) == []


def test_module_attributes_as_torch():
    for name, args, kw in [("MaxPool2d", (2,), {}), ("AvgPool2d", (2,), {}), ("AvgPool1d", (2,), {}),
                           ("MaxUnpool2d", (2,), {}), ("MaxPool1d", (3,), dict(stride=1))]:
        m, mt = getattr(nn, name)(*args, **kw), getattr(torch.nn, name)(*args, **kw)
        for attr in ("kernel_size", "stride", "padding"):
            assert getattr(m, attr) == getattr(mt, attr), (name, attr)


def test_maxpool_return_indices_and_unpool_modules():
    pool, unpool = nn.MaxPool2d(2, return_indices=True), nn.MaxUnpool2d(2)
    tpool, tunpool = torch.nn.MaxPool2d(2, return_indices=True), torch.nn.MaxUnpool2d(2)
    assert repr(unpool) == repr(tunpool)
    x = _mnist_like((1, 2, 6, 7), seed=7)
    y, i = pool(nerve.tensor(x))
    yt, it = tpool(torch.tensor(x))
    np.testing.assert_array_equal(i._data, it.numpy())
    np.testing.assert_array_equal(unpool(y, i, output_size=(6, 7))._data,
                                  tunpool(yt, it, output_size=(6, 7)).numpy())
    ya, ia = nn.AdaptiveMaxPool2d(3, return_indices=True)(nerve.tensor(x))
    np.testing.assert_array_equal(ia._data, torch.nn.AdaptiveMaxPool2d(3, return_indices=True)(torch.tensor(x))[1])


def test_cnn_block_trains():
    """Conv-free CNN-like stack: pooling inside Sequential, gradients reach the Linear."""
    model = nn.Sequential(nn.MaxPool2d(2), nn.AvgPool2d(2, stride=1), nn.AdaptiveAvgPool2d(2), nn.Flatten(),
                          nn.Linear(8, 3))
    y = model(nerve.randn(4, 2, 12, 12))
    assert y.shape == (4, 3)
    y.sum().backward()
    assert model[4].weight.grad is not None


# ======================================================================= errors
ERRORS = [
    ("max_pool2d_too_small", lambda F, t: F.max_pool2d(t(1, 2, 2), 3), RuntimeError),
    ("max_pool2d_pad", lambda F, t: F.max_pool2d(t(1, 1, 4, 4), 2, padding=2), RuntimeError),
    ("max_pool2d_pad_dilated", lambda F, t: F.max_pool2d(t(1, 1, 9, 9), 3, padding=2, dilation=2), RuntimeError),
    ("max_pool2d_neg_pad", lambda F, t: F.max_pool2d(t(1, 1, 4, 4), 2, padding=-1), RuntimeError),
    ("max_pool2d_2d", lambda F, t: F.max_pool2d(t(4, 4), 2), RuntimeError),
    ("max_pool2d_5d", lambda F, t: F.max_pool2d(t(1, 1, 1, 4, 4), 2), RuntimeError),
    ("max_pool2d_empty_c", lambda F, t: F.max_pool2d(t(1, 0, 4, 4), 2), RuntimeError),
    ("max_pool2d_k0", lambda F, t: F.max_pool2d(t(1, 1, 4, 4), 0), RuntimeError),
    ("max_pool2d_k0s1", lambda F, t: F.max_pool2d(t(1, 1, 4, 4), 0, stride=1), RuntimeError),
    ("max_pool2d_sneg", lambda F, t: F.max_pool2d(t(1, 1, 4, 4), 2, stride=-1), RuntimeError),
    ("max_pool2d_d0", lambda F, t: F.max_pool2d(t(1, 1, 4, 4), 2, dilation=0), RuntimeError),
    ("max_pool2d_k3", lambda F, t: F.max_pool2d(t(1, 1, 4, 4), (2, 2, 2)), RuntimeError),
    ("max_pool1d_too_small", lambda F, t: F.max_pool1d(t(1, 2, 2), 3), RuntimeError),
    ("max_pool1d_1d", lambda F, t: F.max_pool1d(t(2), 3), RuntimeError),
    ("max_pool1d_pad", lambda F, t: F.max_pool1d(t(1, 2, 4), 2, padding=2), RuntimeError),
    ("max_pool1d_k0", lambda F, t: F.max_pool1d(t(1, 2, 4), 0), RuntimeError),
    ("avg_pool2d_too_small", lambda F, t: F.avg_pool2d(t(1, 2, 2), 3), RuntimeError),
    ("avg_pool2d_pad", lambda F, t: F.avg_pool2d(t(1, 1, 4, 4), 2, padding=2), RuntimeError),
    ("avg_pool2d_div0", lambda F, t: F.avg_pool2d(t(1, 1, 4, 4), 2, divisor_override=0), RuntimeError),
    ("avg_pool1d_too_small", lambda F, t: F.avg_pool1d(t(1, 2, 2), 3), RuntimeError),
    ("avg_pool1d_4d", lambda F, t: F.avg_pool1d(t(1, 2, 4, 5), 2), RuntimeError),
    ("adaptive_avg_pool2d_2d", lambda F, t: F.adaptive_avg_pool2d(t(4, 4), 2), RuntimeError),
    ("adaptive_avg_pool2d_neg", lambda F, t: F.adaptive_avg_pool2d(t(1, 1, 4, 4), -1), RuntimeError),
    ("adaptive_avg_pool1d_1d", lambda F, t: F.adaptive_avg_pool1d(t(4), 2), RuntimeError),
    ("adaptive_max_pool2d_2d", lambda F, t: F.adaptive_max_pool2d(t(4, 4), 2), RuntimeError),
]


@pytest.mark.parametrize("name,call,exc", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_in_torch_words(name, call, exc):
    with pytest.raises(exc) as texc:
        call(TF, torch.ones)
    with pytest.raises(exc) as nexc:
        call(F, nerve.ones)
    msg = str(nexc.value)
    assert str(texc.value).split("\n")[0] in msg, (msg, str(texc.value))
    assert name.split("_")[0] in msg            # names the op


def test_error_messages_name_the_op_and_shapes():
    with raises(RuntimeError, "max_pool2d", "Given input size: (1x2x2). Calculated output size: (1x0x0). "
                "Output size is too small"):
        F.max_pool2d(nerve.ones(1, 2, 2), 3)
    with raises(RuntimeError, "avg_pool2d", "3D or 4D", "(4, 5)"):
        F.avg_pool2d(nerve.ones(4, 5), 2)               # PyTorch: an IndexError about dimensions
    with raises(RuntimeError, "max_pool2d", "pad should be at most half of effective kernel size"):
        F.max_pool2d(nerve.ones(1, 1, 4, 4), 2, padding=2)
    with raises(NotImplementedError, '"max_pool2d" not implemented for \'Bool\''):
        F.max_pool2d(nerve.ones(1, 1, 4, 4, dtype=nerve.bool), 2)
    with raises(NotImplementedError, '"avg_pool2d" not implemented for \'Int\''):
        F.avg_pool2d(nerve.ones(1, 1, 4, 4, dtype=nerve.int32), 2)
    with raises(NotImplementedError, '"adaptive_max_pool2d" not implemented for \'Long\''):
        F.adaptive_max_pool2d(nerve.ones(1, 1, 4, 4, dtype=nerve.int64), 2)
    with raises(NotImplementedError, '"adaptive_avg_pool2d" not implemented for \'Long\''):
        F.adaptive_avg_pool2d(nerve.ones(1, 1, 4, 4, dtype=nerve.int64), 2)
    with raises(TypeError, "max_pool2d", "kernel_size", "float"):
        F.max_pool2d(nerve.ones(1, 1, 4, 4), 2.5)
    with raises(TypeError, "max_pool2d", "Tensor", "list"):
        F.max_pool2d([[1.0]], 2)


def test_unpool_errors_in_torch_words():
    x = nerve.ones(1, 1, 2, 2)
    idx = nerve.zeros(1, 1, 2, 2, dtype=nerve.int64)
    with raises(RuntimeError, "max_unpool2d", "Found an invalid max index: 20 (output volumes are of size 4x4)"):
        F.max_unpool2d(x, idx + 20, 2)
    with raises(RuntimeError, "Found an invalid max index: -1"):
        F.max_unpool2d(x, idx - 1, 2)
    with raises(RuntimeError, "Expected shape of indices to be same as that of the input tensor ([1, 1, 2, 2]) but "
                "got indices tensor with shape: [1, 1, 2, 3]"):
        F.max_unpool2d(x, nerve.zeros(1, 1, 2, 3, dtype=nerve.int64), 2)
    with raises(RuntimeError, "elements in indices should be type int64 but got: Float"):
        F.max_unpool2d(x, nerve.zeros(1, 1, 2, 2), 2)
    with raises(RuntimeError, "Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with 2 "
                "dimensions."):
        F.max_unpool2d(nerve.ones(2, 2), nerve.zeros(2, 2, dtype=nerve.int64), 2)
    with raises(ValueError, 'invalid output_size "(9, 9)" (dim 0 must be between 2 and 6)'):
        F.max_unpool2d(x, idx, 2, output_size=(9, 9))


def test_tiled_max_pool_over_several_batch_blocks_matches_torch():
    """The kernel == stride path works through the batch in cache-sized blocks: a batch large
    enough for several blocks, with MNIST-like ties, gives torch's values, indices and gradient."""
    x = _mnist_like((64, 32, 28, 28))
    xn, xt = nerve.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, i = F.max_pool2d(xn, 2, return_indices=True)
    yt, it = TF.max_pool2d(xt, 2, return_indices=True)
    np.testing.assert_array_equal(y._data, yt.detach().numpy())
    np.testing.assert_array_equal(i._data, it.numpy())
    g = np.random.default_rng(2).standard_normal(yt.shape).astype(np.float32)
    y.backward(nerve.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_array_equal(xn.grad._data, xt.grad.numpy())
