"""BatchNorm1d/2d/3d on image-shaped input, GroupNorm, InstanceNorm, Dropout1d/2d, PixelShuffle.

The op table (optest) covers group_norm / instance_norm / batch_norm (training) / pixel_shuffle:
forward and backward against PyTorch, float64 gradcheck, fast path against graph path and
gradgradcheck. The plain tests cover modules against torch over a grid of shapes and options,
running statistics over several steps, eval mode, state_dict names and loading, channel-dropout
statistics, and the errors (PyTorch's exception types and wording).
"""
import os
import sys
import warnings

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "core"))
from optest import Op, table_tests  # noqa: E402
from optest import torch  # noqa: E402  (None without PyTorch)

import nerve  # noqa: E402
import nerve.nn.functional as F  # noqa: E402
from nerve import nn  # noqa: E402

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed (test oracle)")
TF = torch.nn.functional if torch is not None else None

# ----------------------------------------------------------------------------- op table
TABLE = [
    Op("group_norm_g2", lambda x, w, b: F.group_norm(x, 2, w, b, 1e-5),
       lambda x, w, b: TF.group_norm(x, 2, w, b, 1e-5),
       shapes=[((2, 4, 3, 5), (4,), (4,)), ((1, 6, 3), (6,), (6,))], gradgrad=True),
    Op("group_norm_g1_noaffine", lambda x: F.group_norm(x, 1), lambda x: TF.group_norm(x, 1),
       shapes=[(3, 4, 3, 3), (2, 3)]),
    Op("group_norm_gC", lambda x, w: F.group_norm(x, 4, w), lambda x, w: TF.group_norm(x, 4, w),
       shapes=[((2, 4, 5, 3), (4,))]),
    Op("instance_norm", lambda x, w, b: F.instance_norm(x, weight=w, bias=b),
       lambda x, w, b: TF.instance_norm(x, weight=w, bias=b),
       shapes=[((2, 3, 4, 5), (3,), (3,)), ((1, 2, 7), (2,), (2,))], gradgrad=True),
    Op("batch_norm_train", lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
       lambda x, w, b: TF.batch_norm(x, None, None, w, b, training=True),
       shapes=[((3, 4, 5, 3), (4,), (4,)), ((1, 2, 3, 3), (2,), (2,)), ((2, 2, 2, 3, 3), (2,), (2,))],
       gradgrad=True),
    Op("pixel_shuffle", lambda x: F.pixel_shuffle(x, 2), lambda x: TF.pixel_shuffle(x, 2),
       shapes=[(2, 8, 3, 5), (12, 2, 3), (2, 1, 4, 2, 2)]),
    Op("pixel_unshuffle", lambda x: F.pixel_unshuffle(x, 3), lambda x: TF.pixel_unshuffle(x, 3),
       shapes=[(2, 2, 6, 9), (1, 3, 3)]),
]
globals().update(table_tests(TABLE))


# ----------------------------------------------------------------------------- helpers
def close(a, b, rtol=1e-4, atol=1e-5, what=""):
    a = np.asarray(a._data if isinstance(a, nerve.Tensor) else a)
    b = b.detach().numpy() if isinstance(b, torch.Tensor) else np.asarray(b)
    assert a.shape == b.shape, f"{what}: shape {a.shape} != {b.shape}"
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=what)


def twin(m, t, seed=1):
    """Give the nerve module random parameters and load its state into the torch twin."""
    rng = np.random.default_rng(seed)
    for _, p in m.named_parameters():
        p._data[...] = rng.standard_normal(p.shape).astype(np.float32)
    t.load_state_dict({k: torch.tensor(np.asarray(v._data)) for k, v in m.state_dict().items()})
    return m, t


def step(m, t, x, rng):
    """One forward/backward on both modules: output, input and parameter gradients agree."""
    xn, xt = nerve.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
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


# ----------------------------------------------------------------------------- batch norm
BN_SHAPES = [("BatchNorm2d", (4, 3, 5, 7)), ("BatchNorm2d", (1, 3, 5, 5)), ("BatchNorm2d", (2, 3, 1, 3)),
             ("BatchNorm1d", (6, 3)), ("BatchNorm1d", (2, 3, 9)), ("BatchNorm3d", (2, 3, 3, 2, 5))]


@needs_torch
@pytest.mark.parametrize("cls,shape", BN_SHAPES, ids=lambda v: v if isinstance(v, str) else "x".join(map(str, v)))
@pytest.mark.parametrize("kwargs", [{}, {"momentum": None}, {"momentum": 0.3, "eps": 1e-3}, {"affine": False},
                                    {"track_running_stats": False}, {"affine": False, "momentum": None}],
                         ids=["default", "cma", "mom-eps", "no-affine", "no-stats", "no-affine-cma"])
def test_batchnorm_steps_and_eval_vs_torch(cls, shape, kwargs):
    m, t = twin(getattr(nn, cls)(3, **kwargs), getattr(torch.nn, cls)(3, **kwargs))
    rng = np.random.default_rng(0)
    for _ in range(3):    # running statistics over several steps, with a mean far from 0
        step(m, t, (rng.standard_normal(shape) * 3 + 2).astype(np.float32), rng)
        close_state(m, t)
    m.eval(), t.eval()
    step(m, t, rng.standard_normal(shape).astype(np.float32), rng)
    close_state(m, t)


@needs_torch
def test_batchnorm2d_large_mean_is_precise():
    # mean / std = 1000: a one-pass variance (E[x^2] - mean^2) in float32 would be all noise
    x = (np.random.default_rng(3).standard_normal((4, 2, 6, 6)) * 0.1 + 100).astype(np.float32)
    g = np.random.default_rng(4).standard_normal(x.shape).astype(np.float32)
    m, t = nn.BatchNorm2d(2), torch.nn.BatchNorm2d(2).double()
    xn, xt = nerve.tensor(x, requires_grad=True), torch.tensor(x.astype(np.float64), requires_grad=True)
    yn, yt = m(xn), t(xt)
    yn.backward(nerve.tensor(g)), yt.backward(torch.tensor(g.astype(np.float64)))
    close(yn, yt, rtol=1e-3, atol=1e-3)
    close(xn.grad, xt.grad, rtol=1e-3, atol=1e-3)
    close(m.running_var, t.running_var, rtol=1e-3, atol=1e-9)


def test_batchnorm2d_gradcheck_float64():
    from nerve.autograd import gradcheck
    x = nerve.randn(2, 3, 3, 2, dtype=nerve.float64, requires_grad=True)
    w = nerve.randn(3, dtype=nerve.float64, requires_grad=True)
    b = nerve.randn(3, dtype=nerve.float64, requires_grad=True)
    assert gradcheck(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), (x, w, b))
    assert gradcheck(lambda x: F.batch_norm(x, None, None, training=True), (x,))


def test_batchnorm2d_keeps_float32_and_only_what_it_needs():
    bn = nn.BatchNorm2d(4)
    y = bn(nerve.randn(3, 4, 5, 5, requires_grad=True))
    assert y.dtype == nerve.float32 and bn.running_var.dtype == nerve.float32
    assert not hasattr(y._ctx, "xhat")     # batch norm keeps only x and the per-channel statistics


# ----------------------------------------------------------------------------- group norm
GN_GRID = [(1, 4, (3, 3)), (2, 4, (5, 3)), (3, 6, (7,)), (2, 6, ()), (1, 6, (4, 4))]


@needs_torch
@pytest.mark.parametrize("n,c,spatial", GN_GRID, ids=lambda v: str(v))
@pytest.mark.parametrize("groups", ["1", "2", "C"])
@pytest.mark.parametrize("affine", [True, False], ids=["affine", "plain"])
def test_groupnorm_vs_torch(n, c, spatial, groups, affine):
    g = c if groups == "C" else int(groups)
    if g == c and not spatial:
        pytest.skip("one element per group: xhat is 0 in nerve, rounding noise / sqrt(eps) in torch")
    m, t = twin(nn.GroupNorm(g, c, affine=affine), torch.nn.GroupNorm(g, c, affine=affine))
    rng = np.random.default_rng(n * 31 + c)
    step(m, t, (rng.standard_normal((n, c) + spatial) * 2 + 1).astype(np.float32), rng)
    m.eval(), t.eval()
    step(m, t, rng.standard_normal((n, c) + spatial).astype(np.float32), rng)
    assert list(m.state_dict()) == list(t.state_dict())


@needs_torch
def test_groupnorm_loads_torch_state_dict_and_repr():
    t = torch.nn.GroupNorm(2, 4, eps=1e-3)
    with torch.no_grad():
        t.weight.normal_(), t.bias.normal_()
    m = nn.GroupNorm(2, 4, eps=1e-3)
    m.load_state_dict({k: nerve.tensor(v.numpy()) for k, v in t.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((3, 4, 5, 5)).astype(np.float32)
    close(m(nerve.tensor(x)), t(torch.tensor(x)))
    assert repr(m) == repr(t)
    assert repr(nn.GroupNorm(3, 6, affine=False)) == repr(torch.nn.GroupNorm(3, 6, affine=False))


# ----------------------------------------------------------------------------- instance norm
@needs_torch
@pytest.mark.parametrize("cls,shape", [("InstanceNorm2d", (2, 3, 5, 4)), ("InstanceNorm2d", (3, 5, 4)),
                                       ("InstanceNorm1d", (4, 3, 7)), ("InstanceNorm1d", (3, 7)),
                                       ("InstanceNorm2d", (1, 3, 3, 3))],
                         ids=["2d", "2d-unbatched", "1d", "1d-unbatched", "2d-batch1"])
@pytest.mark.parametrize("kwargs", [{}, {"affine": True}, {"track_running_stats": True},
                                    {"affine": True, "track_running_stats": True, "momentum": 0.3},
                                    {"track_running_stats": True, "momentum": None}],
                         ids=["default", "affine", "stats", "affine-stats", "stats-cma"])
def test_instancenorm_steps_and_eval_vs_torch(cls, shape, kwargs):
    m, t = twin(getattr(nn, cls)(3, **kwargs), getattr(torch.nn, cls)(3, **kwargs))
    rng = np.random.default_rng(0)
    for _ in range(3):
        step(m, t, (rng.standard_normal(shape) * 2 + 1).astype(np.float32), rng)
        close_state(m, t)
    m.eval(), t.eval()
    step(m, t, rng.standard_normal(shape).astype(np.float32), rng)
    assert repr(m) == repr(t)


@needs_torch
def test_instancenorm_feature_mismatch_warns_without_affine_raises_with():
    x = nerve.randn(2, 4, 3, 3)
    with pytest.warns(UserWarning, match="input's size at dim=1 does not match num_features"):
        nn.InstanceNorm2d(3)(x)
    with pytest.raises(ValueError, match=r"expected input's size at dim=1 to match num_features \(3\), but got: 4"):
        nn.InstanceNorm2d(3, affine=True)(x)
    with pytest.raises(ValueError, match=r"expected 3D or 4D input \(got 2D input"):
        nn.InstanceNorm2d(3)(nerve.randn(2, 3))
    with pytest.raises(ValueError, match="Expected more than 1 spatial element when training"):
        nn.InstanceNorm2d(3)(nerve.randn(2, 3, 1, 1))
    with pytest.raises(RuntimeError, match="Expected running_mean and running_var to be defined"):
        F.instance_norm(nerve.randn(2, 3, 4), use_input_stats=False)
    with pytest.raises(ValueError, match="both be None or neither"):
        F.instance_norm(nerve.randn(2, 3, 4), nerve.zeros(3), None)


# ----------------------------------------------------------------------------- dropout
def test_dropout2d_zeroes_whole_channels_and_keeps_the_mean():
    nerve.manual_seed(0)
    x = nerve.ones(64, 128, 3, 5)
    y = F.dropout2d(x, 0.3)._data
    per_channel = y.reshape(64, 128, -1)
    lo, hi = per_channel.min(axis=2), per_channel.max(axis=2)
    assert np.array_equal(lo, hi)                                   # each channel constant
    assert set(np.unique(lo)) <= {0.0, np.float32(1 / 0.7)}
    frac = (lo == 0).mean()
    assert abs(frac - 0.3) < 0.03 and abs(y.mean() - 1.0) < 0.05
    nerve.manual_seed(0)
    assert np.array_equal(F.dropout2d(x, 0.3)._data, y)              # deterministic under manual_seed
    nerve.manual_seed(1)
    assert not np.array_equal(F.dropout2d(x, 0.3)._data, y)


def test_dropout_channel_modules_train_eval_and_grad():
    for cls, shape in ((nn.Dropout2d, (4, 6, 3, 3)), (nn.Dropout1d, (4, 6, 5)), (nn.Dropout1d, (6, 5)),
                       (nn.Dropout3d, (2, 6, 2, 2, 2)), (nn.Dropout3d, (6, 2, 2, 2))):
        m = cls(0.5)
        x = nerve.randn(*shape, requires_grad=True)
        y = m(x)
        y.sum().backward()
        chan = 0 if len(shape) in (2, 4) and cls is not nn.Dropout2d else 1
        g = np.moveaxis(x.grad._data, chan, 0).reshape(shape[chan], -1) if chan == 0 else \
            x.grad._data.reshape(shape[0], shape[1], -1)
        assert np.all(g.min(axis=-1) == g.max(axis=-1)), cls.__name__  # one factor per channel
        assert set(np.unique(g)) <= {0.0, 2.0}
        m.eval()
        assert m(x) is x
    assert F.dropout2d(x, 0.0) is x and F.dropout2d(x, 0.5, training=False) is x
    assert np.all(F.dropout2d(nerve.ones(2, 3, 2, 2), 1.0)._data == 0)
    z = nerve.ones(3, 4, 2, 2)
    assert F.dropout2d(z, 0.5, inplace=True) is z and set(np.unique(z._data)) <= {0.0, 2.0}


@needs_torch
def test_dropout_warnings_and_errors_match_torch():
    for shape, n in (((3, 4, 5), 1), ((3, 4), 1), ((2, 3, 4, 5, 6), 1), ((2, 3, 4, 5), 0)):
        with warnings.catch_warnings(record=True) as wn:
            warnings.simplefilter("always")
            F.dropout2d(nerve.ones(*shape), 0.5)
        with warnings.catch_warnings(record=True) as wt:
            warnings.simplefilter("always")
            TF.dropout2d(torch.ones(*shape), 0.5)
        assert [str(w.message) for w in wn] == [str(w.message) for w in wt] and len(wn) >= n
    for shape in ((3,), (3, 4, 5, 6)):
        with pytest.raises(RuntimeError) as en:
            F.dropout1d(nerve.ones(*shape), 0.5)
        with pytest.raises(RuntimeError) as et:
            TF.dropout1d(torch.ones(*shape), 0.5)
        assert str(en.value) == str(et.value)
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
        nn.Dropout2d(1.5)
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got -0.1"):
        F.dropout2d(nerve.ones(2, 2, 2, 2), -0.1)
    assert repr(nn.Dropout2d(0.2)) == repr(torch.nn.Dropout2d(0.2))


# ----------------------------------------------------------------------------- pixel shuffle
@needs_torch
@pytest.mark.parametrize("shape,r", [((1, 8, 1, 1), 2), ((2, 18, 3, 5), 3), ((4, 3, 3), 1), ((9, 2, 2), 3)])
def test_pixel_shuffle_order_and_roundtrip_vs_torch(shape, r):
    x = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    y = nn.PixelShuffle(r)(nerve.tensor(x))
    close(y, torch.nn.PixelShuffle(r)(torch.tensor(x)), rtol=0, atol=0)
    back = nn.PixelUnshuffle(r)(y)
    close(back, x, rtol=0, atol=0)
    assert repr(nn.PixelShuffle(r)) == repr(torch.nn.PixelShuffle(r))
    assert repr(nn.PixelUnshuffle(r)) == repr(torch.nn.PixelUnshuffle(r))


# ----------------------------------------------------------------------------- errors
ERRORS = [
    ("nn.BatchNorm2d(3)(X(2, 3, 4))", "nn.BatchNorm2d(3)(T(2, 3, 4))", ValueError, r"expected 4D input \(got 3D input"),
    ("nn.BatchNorm2d(3)(X(2, 4, 4, 4))", "nn.BatchNorm2d(3)(T(2, 4, 4, 4))", RuntimeError, r"BatchNorm2d.*3 channels.*got 4.*\(2, 4, 4, 4\)"),
    ("nn.BatchNorm3d(3)(X(2, 3, 4, 4))", "nn.BatchNorm3d(3)(T(2, 3, 4, 4))", ValueError, r"expected 5D input \(got 4D input"),
    ("nn.BatchNorm1d(3)(X(2, 4))", "nn.BatchNorm1d(3)(T(2, 4))", RuntimeError, "BatchNorm1d.*3 channels.*got 4"),
    ("nn.GroupNorm(3, 4)", "nn.GroupNorm(3, 4)", ValueError, r"num_channels \(4\) must be divisible by num_groups \(3\)"),
    ("F.group_norm(X(2, 6, 3), 4)", "F.group_norm(T(2, 6, 3), 4)", RuntimeError,
     r"divisible by num_groups, but got input of shape \[2, 6, 3\] and num_groups=4"),
    ("F.group_norm(X(2, 6, 3), 2, X(5))", "F.group_norm(T(2, 6, 3), 2, T(5))", RuntimeError,
     r"weight of shape \[5\] and input of shape \[2, 6, 3\]"),
    ("nn.GroupNorm(2, 4)(X(4))", "nn.GroupNorm(2, 4)(T(4))", RuntimeError, "Expected at least 2 dimensions"),
    ("nn.GroupNorm(2, 4)(X(2, 6, 3))", "nn.GroupNorm(2, 4)(T(2, 6, 3))", RuntimeError, r"GroupNorm.*4 channels.*got 6"),
    ("nn.PixelShuffle(2)(X(1, 3, 4, 4))", "nn.PixelShuffle(2)(T(1, 3, 4, 4))", RuntimeError,
     r"divisible by the square of upscale_factor, but input.size\(-3\)=3 is not divisible by 4"),
    ("nn.PixelShuffle(2)(X(4, 4))", "nn.PixelShuffle(2)(T(4, 4))", RuntimeError, "at least 3 dimensions"),
    ("nn.PixelShuffle(0)(X(1, 4, 2, 2))", "nn.PixelShuffle(0)(T(1, 4, 2, 2))", RuntimeError, "positive upscale_factor"),
    ("nn.PixelUnshuffle(2)(X(1, 3, 3, 4))", "nn.PixelUnshuffle(2)(T(1, 3, 3, 4))", RuntimeError,
     r"height to be divisible by downscale_factor, but input.size\(-2\)=3"),
    ("nn.PixelUnshuffle(2)(X(1, 3, 4, 3))", "nn.PixelUnshuffle(2)(T(1, 3, 4, 3))", RuntimeError, "width to be divisible"),
    ("F.pixel_shuffle(X(1, 4, 2, 2), 2.0)", "F.pixel_shuffle(T(1, 4, 2, 2), 2.0)", TypeError, "must be int, not float"),
    ("F.dropout2d(X(3), 0.5)", "F.dropout2d(T(3), 0.5)", RuntimeError, "Feature dropout requires at least 2 dimensions"),
]


@needs_torch
@pytest.mark.parametrize("ncode,tcode,exc,pattern", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch_type_and_name_the_shapes(ncode, tcode, exc, pattern):
    X, T = nerve.ones, torch.ones  # noqa: F841 - used by the code strings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(exc) as et:
            eval(tcode, {"nn": torch.nn, "F": TF, "T": T})
        with pytest.raises(exc, match=pattern) as en:
            eval(ncode, {"nn": nn, "F": F, "X": X})
    assert isinstance(en.value, type(et.value))
