"""Convolution against PyTorch (the oracle): F.conv1d/conv2d/conv_transpose1d/2d/unfold/fold over a grid of
strides, paddings ('same'/'valid' too), dilations, groups (depthwise), odd sizes, batch 1 and unbatched
inputs, with and without bias (declarative table: forward and backward vs PyTorch, float64 gradcheck,
fast path vs graph path, gradgradcheck); the layers (state_dict names and shapes, torch weights giving
torch's outputs and gradients, padding modes, output_size, repr, initialisation); the errors.
"""
import math
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

try:
    import torch
    TF = torch.nn.functional
except ImportError:  # pragma: no cover - the table's PyTorch checks skip, the gradchecks run
    torch = TF = None


def _entry(name, fn, tfn, shapes, kw, gradgrad=False, nobias=False):
    """An op-table entry for ``fn(x, w[, b], **kw)`` (``tfn`` the torch function)."""
    if nobias:
        return Op(name, lambda x, w: fn(x, w, None, **kw), lambda x, w: tfn(x, w, None, **kw),
                  shapes=[shapes[:2]], gradgrad=gradgrad)
    return Op(name, lambda x, w, b: fn(x, w, b, **kw), lambda x, w, b: tfn(x, w, b, **kw),
              shapes=[shapes], gradgrad=gradgrad)


def _c2(name, x, w, gradgrad=False, nobias=False, **kw):
    o = w[0]
    return _entry("conv2d_" + name, F.conv2d, TF and TF.conv2d, (x, w, (o,)), kw, gradgrad, nobias)


def _c1(name, x, w, gradgrad=False, nobias=False, **kw):
    return _entry("conv1d_" + name, F.conv1d, TF and TF.conv1d, (x, w, (w[0],)), kw, gradgrad, nobias)


def _t2(name, x, w, groups=1, gradgrad=False, nobias=False, **kw):
    kw["groups"] = groups
    return _entry("conv_transpose2d_" + name, F.conv_transpose2d, TF and TF.conv_transpose2d,
                  (x, w, (w[1] * groups,)), kw, gradgrad, nobias)


def _t1(name, x, w, groups=1, gradgrad=False, nobias=False, **kw):
    kw["groups"] = groups
    return _entry("conv_transpose1d_" + name, F.conv_transpose1d, TF and TF.conv_transpose1d,
                  (x, w, (w[1] * groups,)), kw, gradgrad, nobias)


X = (2, 4, 7, 5)          # odd, non-square spatial size
TABLE = [
    # conv2d: stride 1/2, padding 0/1/'same'/'valid', dilation 1/2, groups 1/2/depthwise, batch 1, bias or not
    _c2("plain", X, (6, 4, 3, 3)),
    _c2("stride2_pad1", X, (6, 4, 3, 3), stride=2, padding=1),
    _c2("stride21_pad10", X, (3, 4, 3, 2), stride=(2, 1), padding=(1, 0)),
    _c2("same", X, (3, 4, 3, 3), padding="same"),
    _c2("same_even_kernel", X, (3, 4, 2, 4), padding="same"),
    _c2("same_dil2", X, (3, 4, 3, 2), padding="same", dilation=2),
    _c2("valid", X, (3, 4, 2, 3), padding="valid"),
    _c2("dil2", X, (3, 4, 3, 2), dilation=2),
    _c2("dil2_stride2_pad2", X, (3, 4, 3, 3), dilation=(2, 1), stride=2, padding=2),
    _c2("groups2", X, (6, 2, 3, 3), groups=2, padding=1),
    _c2("groups2_stride2", X, (4, 2, 3, 2), groups=2, stride=2),
    _c2("depthwise", X, (4, 1, 3, 3), groups=4, padding=1),
    _c2("depthwise_mult2", X, (8, 1, 3, 3), groups=4),
    _c2("batch1_nobias", (1, 3, 6, 6), (5, 3, 3, 3), nobias=True, padding=1),
    _c2("kernel1x1", X, (5, 4, 1, 1)),
    _c2("kernel_eq_input", (2, 2, 3, 4), (3, 2, 3, 4)),
    _c2("unbatched", (3, 5, 6), (4, 3, 3, 3), padding=1),
    _c2("gradgrad", (1, 2, 4, 5), (3, 2, 3, 2), gradgrad=True, padding=1),
    _c2("gradgrad_stride2_groups2", (1, 4, 5, 5), (2, 2, 2, 3), gradgrad=True, stride=2, groups=2, dilation=(1, 2)),
    # conv1d
    _c1("plain", (2, 4, 9), (6, 4, 3)),
    _c1("stride2_pad1_dil2", (2, 4, 11), (3, 4, 3), stride=2, padding=1, dilation=2),
    _c1("same_even", (2, 3, 8), (5, 3, 4), padding="same"),
    _c1("valid", (2, 3, 8), (5, 3, 4), padding="valid"),
    _c1("groups2", (2, 4, 7), (6, 2, 3), groups=2, padding=2),
    _c1("depthwise_batch1_nobias", (1, 3, 7), (3, 1, 3), nobias=True, groups=3),
    _c1("unbatched", (3, 7), (2, 3, 3), stride=2),
    _c1("gradgrad", (1, 2, 6), (2, 2, 3), gradgrad=True, padding=1, stride=2),
    # conv_transpose2d (weight (C_in, C_out/groups, kH, kW))
    _t2("plain", (2, 4, 5, 4), (4, 3, 3, 3)),
    _t2("stride2_pad1_outpad1", (2, 4, 5, 4), (4, 3, 3, 3), stride=2, padding=1, output_padding=1),
    _t2("stride21_outpad10", (2, 4, 4, 3), (4, 2, 2, 3), stride=(2, 1), output_padding=(1, 0)),
    _t2("dil2_outpad1", (2, 4, 4, 5), (4, 2, 3, 2), dilation=2, output_padding=1),
    _t2("stride3_dil2_pad2", (2, 2, 3, 4), (2, 3, 3, 3), stride=3, dilation=2, padding=2, output_padding=2),
    _t2("groups2", (2, 4, 5, 4), (4, 3, 3, 3), groups=2, stride=2),
    _t2("depthwise", (2, 4, 5, 4), (4, 1, 3, 3), groups=4, padding=1),
    _t2("batch1_nobias", (1, 3, 4, 4), (3, 2, 2, 2), nobias=True, stride=2),
    _t2("unbatched", (3, 4, 4), (3, 2, 3, 3), padding=1),
    _t2("gradgrad", (1, 2, 3, 4), (2, 2, 2, 3), gradgrad=True, stride=2, output_padding=1),
    # conv_transpose1d
    _t1("plain", (2, 4, 6), (4, 3, 3)),
    _t1("stride2_pad1_outpad1_dil2", (2, 4, 6), (4, 3, 3), stride=2, padding=1, output_padding=1, dilation=2),
    _t1("groups2_batch1_nobias", (1, 4, 5), (4, 2, 2), groups=2, nobias=True, stride=3),
    _t1("unbatched", (2, 5), (2, 3, 3)),
    _t1("gradgrad", (1, 2, 4), (2, 2, 3), gradgrad=True, stride=2),
    # unfold / fold (PyTorch's (N, C*kh*kw, L) layout)
    Op("unfold_plain", lambda x: F.unfold(x, 2), lambda x: TF.unfold(x, 2), shapes=[X], gradgrad=True),
    Op("unfold_dil_pad_stride", lambda x: F.unfold(x, (2, 3), dilation=(2, 1), padding=1, stride=(1, 2)),
       lambda x: TF.unfold(x, (2, 3), dilation=(2, 1), padding=1, stride=(1, 2)), shapes=[X]),
    Op("unfold_batch1_stride2", lambda x: F.unfold(x, 3, stride=2), lambda x: TF.unfold(x, 3, stride=2),
       shapes=[(1, 2, 7, 7)]),
    Op("unfold_unbatched", lambda x: F.unfold(x, 2, padding=1), lambda x: TF.unfold(x, 2, padding=1),
       shapes=[(3, 4, 5)]),
    Op("fold_plain", lambda x: F.fold(x, (4, 5), 2), lambda x: TF.fold(x, (4, 5), 2), shapes=[(2, 12, 12)],
       gradgrad=True),
    Op("fold_dil_pad_stride", lambda x: F.fold(x, (7, 5), (2, 3), dilation=(2, 1), padding=1, stride=(1, 2)),
       lambda x: TF.fold(x, (7, 5), (2, 3), dilation=(2, 1), padding=1, stride=(1, 2)), shapes=[(2, 24, 21)]),
    Op("fold_stride2_overlap", lambda x: F.fold(x, 7, 3, stride=2), lambda x: TF.fold(x, 7, 3, stride=2),
       shapes=[(1, 18, 9)]),
    Op("fold_unbatched", lambda x: F.fold(x, (3, 4), 2), lambda x: TF.fold(x, (3, 4), 2), shapes=[(8, 6)]),
]

globals().update(table_tests(TABLE))


# ------------------------------------------------------------------ helpers
def need_torch():
    return pytest.importorskip("torch")


def raises(exc, *fragments):
    return pytest.raises(exc, match=".*".join(re.escape(f) for f in fragments))


def _from_torch(module_n, module_t):
    module_n.load_state_dict({k: nerve.tensor(v.detach().numpy()) for k, v in module_t.state_dict().items()})


def _same_run(module_n, module_t, shape, seed=0, **fkw):
    """Forward and backward both on the same input; compare outputs and every gradient."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(np.float32)
    xn, xt = nerve.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, yt = module_n(xn, **fkw), module_t(xt, **fkw)
    assert y.shape == tuple(yt.shape)
    np.testing.assert_allclose(y._data, yt.detach().numpy(), rtol=1e-5, atol=1e-5)
    g = rng.standard_normal(y.shape).astype(np.float32)
    y.backward(nerve.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xn.grad._data, xt.grad.numpy(), rtol=1e-5, atol=1e-5)
    for (name, p), (tname, tp) in zip(module_n.named_parameters(), module_t.named_parameters()):
        assert name == tname
        np.testing.assert_allclose(p.grad._data, tp.grad.numpy(), rtol=1e-4, atol=1e-4, err_msg=name)
    return y


# ------------------------------------------------------------------ modules
CONSTRUCTIONS = [
    ("Conv2d", (4, 8, 3), {}),
    ("Conv2d", (4, 8, (3, 5)), dict(stride=2, padding=1, dilation=2, groups=2, bias=False, padding_mode="reflect")),
    ("Conv2d", (4, 8, 3), dict(padding="same")),
    ("Conv2d", (4, 8, (2, 4)), dict(padding="same", padding_mode="circular")),
    ("Conv2d", (4, 4, 3), dict(padding="valid", groups=4)),
    ("Conv1d", (4, 8, 3), {}),
    ("Conv1d", (4, 6, 5), dict(stride=2, padding=2, dilation=1, groups=2, padding_mode="replicate")),
    ("ConvTranspose2d", (4, 8, 3), dict(stride=2, output_padding=1)),
    ("ConvTranspose2d", (4, 8, (3, 2)), dict(stride=(2, 1), padding=1, groups=2, bias=False, dilation=2)),
    ("ConvTranspose1d", (4, 8, 3), dict(dilation=2)),
    ("Unfold", (3,), {}),
    ("Unfold", ((2, 3),), dict(dilation=2, padding=1, stride=2)),
    ("Fold", ((4, 5), 2), dict(stride=2)),
]


@pytest.mark.parametrize("cls,args,kw", CONSTRUCTIONS, ids=[f"{c}{i}" for i, (c, _, _) in enumerate(CONSTRUCTIONS)])
def test_repr_and_state_dict_match_torch(cls, args, kw):
    need_torch()
    m, mt = getattr(nn, cls)(*args, **kw), getattr(torch.nn, cls)(*args, **kw)
    assert repr(m) == repr(mt)
    sd, sdt = m.state_dict(), mt.state_dict()
    assert list(sd) == list(sdt)
    for k in sd:
        assert tuple(sd[k].shape) == tuple(sdt[k].shape), k
        assert sd[k].dtype == nerve.float32
    for attr in ("kernel_size", "stride", "padding", "dilation", "groups", "output_padding", "padding_mode",
                 "in_channels", "out_channels", "transposed", "output_size"):
        if hasattr(mt, attr):
            assert getattr(m, attr) == getattr(mt, attr), attr


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("padding", [1, (2, 1), "same", "valid"])
def test_conv2d_padding_modes_with_torch_weights(mode, padding):
    need_torch()
    kw = dict(padding=padding, padding_mode=mode)
    mt = torch.nn.Conv2d(3, 4, (3, 2), **kw)
    m = nn.Conv2d(3, 4, (3, 2), **kw)
    _from_torch(m, mt)
    _same_run(m, mt, (2, 3, 6, 5))


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
def test_conv1d_padding_modes_with_torch_weights(mode):
    need_torch()
    mt = torch.nn.Conv1d(3, 4, 3, padding=2, dilation=2, padding_mode=mode, stride=2)
    m = nn.Conv1d(3, 4, 3, padding=2, dilation=2, padding_mode=mode, stride=2)
    _from_torch(m, mt)
    _same_run(m, mt, (2, 3, 9))


def test_conv2d_benchmark_layers_with_torch_weights():
    """The two layers of the MNIST CNN benchmark, loaded from torch, give torch's numbers."""
    need_torch()
    for cin, cout, hw in ((1, 32, 28), (32, 64, 14)):
        mt, m = torch.nn.Conv2d(cin, cout, 3, padding=1), nn.Conv2d(cin, cout, 3, padding=1)
        _from_torch(m, mt)
        _same_run(m, mt, (3, cin, hw, hw))


@pytest.mark.parametrize("cls,args,kw,shape", [
    ("Conv2d", (4, 6, 3), dict(groups=2, stride=2, dilation=(1, 2)), (2, 4, 9, 8)),
    ("Conv2d", (3, 5, 3), dict(bias=False), (3, 7, 7)),                                   # unbatched
    ("ConvTranspose2d", (4, 6, 3), dict(stride=2, padding=1, output_padding=1, groups=2), (2, 4, 5, 4)),
    ("ConvTranspose1d", (4, 6, 3), dict(stride=2, padding=1), (2, 4, 5)),
    ("Unfold", ((2, 3),), dict(padding=1, stride=2), (2, 3, 6, 5)),
    ("Fold", ((4, 5), 2), {}, (2, 8, 12)),
])
def test_layers_match_torch(cls, args, kw, shape):
    need_torch()
    m, mt = getattr(nn, cls)(*args, **kw), getattr(torch.nn, cls)(*args, **kw)
    if list(mt.state_dict()):
        _from_torch(m, mt)
    _same_run(m, mt, shape)


@pytest.mark.parametrize("output_size", [(9, 7), (10, 8), (1, 4, 10, 7)])
def test_conv_transpose2d_output_size(output_size):
    need_torch()
    mt, m = torch.nn.ConvTranspose2d(4, 4, 3, stride=2, padding=1), nn.ConvTranspose2d(4, 4, 3, stride=2, padding=1)
    _from_torch(m, mt)
    y = _same_run(m, mt, (1, 4, 5, 4), output_size=output_size)
    assert y.shape[-2:] == tuple(output_size[-2:])


def test_conv_transpose2d_output_size_out_of_range():
    m = nn.ConvTranspose2d(4, 4, 3, stride=2, padding=1)
    with raises(ValueError, "requested an output size of [12, 7]", "valid sizes range from [9, 7] to [10, 8]"):
        m(nerve.ones(1, 4, 5, 4), output_size=(12, 7))


@pytest.mark.parametrize("cls,args,kw,fan_in", [
    ("Conv2d", (4, 8, 3), {}, 36), ("Conv2d", (4, 8, (3, 2)), dict(groups=2), 12),
    ("Conv1d", (3, 5, 4), {}, 12), ("ConvTranspose2d", (4, 8, 3), dict(groups=2), 36),
])
def test_reset_parameters_is_torch_default(cls, args, kw, fan_in):
    nerve.manual_seed(0)
    m = getattr(nn, cls)(*args, **kw)
    bound = 1 / math.sqrt(fan_in)          # kaiming_uniform_(a=sqrt(5)) and the bias rule give the same bound
    w, b = m.weight._data, m.bias._data
    assert w.dtype == np.float32 and b.dtype == np.float32
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.8 * bound
    assert np.abs(b).max() <= bound and np.std(w) > 0.4 * bound
    m.weight.data.zero_()
    m.reset_parameters()
    assert np.abs(m.weight._data).max() > 0


def test_float64_module_and_no_float64_in_float32():
    m = nn.Conv2d(2, 3, 3, dtype=nerve.float64)
    y = m(nerve.ones(1, 2, 4, 4, dtype=nerve.float64))
    assert y.dtype == nerve.float64
    x = nerve.ones(1, 2, 4, 4, requires_grad=True)
    m32 = nn.Conv2d(2, 3, 3)
    y = m32(x)
    y.sum().backward()
    assert y.dtype == nerve.float32 and x.grad.dtype == nerve.float32 and m32.weight.grad.dtype == nerve.float32


def test_conv_output_is_contiguous_and_viewable():
    y = nn.Conv2d(2, 3, 3, padding=1)(nerve.randn(4, 2, 5, 5))
    assert y.is_contiguous()
    assert y.view(4, -1).shape == (4, 75)


def test_double_backward_matches_torch():
    """The gradient of a gradient-norm penalty (create_graph) through conv2d, as WGAN-GP computes it."""
    need_torch()
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 5, 5))
    w = rng.standard_normal((4, 3, 3, 3))
    xn, wn = nerve.tensor(x, requires_grad=True), nerve.tensor(w, requires_grad=True)
    xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    (gn,) = nerve.autograd.grad(F.conv2d(xn, wn, stride=2, padding=1).tanh().sum(), [xn], create_graph=True)
    (gt,) = torch.autograd.grad(TF.conv2d(xt, wt, stride=2, padding=1).tanh().sum(), [xt], create_graph=True)
    (gn ** 2).sum().backward()
    (gt ** 2).sum().backward()
    np.testing.assert_allclose(wn.grad._data, wt.grad.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(xn.grad._data, xt.grad.numpy(), rtol=1e-10, atol=1e-10)


def test_grad_fn_name():
    y = F.conv2d(nerve.ones(1, 1, 3, 3, requires_grad=True), nerve.ones(1, 1, 2, 2))
    assert y.grad_fn.name() == "ConvolutionBackward0"


# ------------------------------------------------------------------- errors
ONES = nerve.ones


@pytest.mark.parametrize("call,exc,fragments", [
    (lambda: F.conv2d(ONES(64, 3, 28, 28), ONES(32, 1, 3, 3)), RuntimeError,
     ["conv2d", "Given groups=1, weight of size [32, 1, 3, 3], expected input[64, 3, 28, 28] to have 1 channels, "
      "but got 3 channels instead"]),
    (lambda: nn.Conv2d(1, 32, 3)(ONES(64, 3, 28, 28)), RuntimeError,
     ["Conv2d", "Given groups=1, weight of size [32, 1, 3, 3], expected input[64, 3, 28, 28] to have 1 channels"]),
    (lambda: F.conv2d(ONES(1, 1, 2, 2), ONES(1, 1, 3, 3)), RuntimeError,
     ["Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). "
      "Kernel size can't be greater than actual input size"]),
    (lambda: nn.Conv2d(1, 1, 3, dilation=2)(ONES(1, 1, 4, 8)), RuntimeError,
     ["Conv2d", "Calculated padded input size per channel: (4 x 8). Kernel size: (5 x 5)"]),
    (lambda: F.conv1d(ONES(1, 4, 2), ONES(4, 4, 3)), RuntimeError,
     ["Calculated padded input size per channel: (2). Kernel size: (3)"]),
    (lambda: F.conv2d(ONES(2, 3), ONES(1, 1, 3, 3)), RuntimeError,
     ["Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [2, 3]"]),
    (lambda: nn.Conv2d(1, 1, 3)(ONES(1, 1, 1, 5, 5)), RuntimeError,
     ["Expected 3D (unbatched) or 4D (batched) input to Conv2d, but got input of size: [1, 1, 1, 5, 5]"]),
    (lambda: F.conv1d(ONES(1, 4, 5, 5), ONES(4, 4, 3)), RuntimeError,
     ["Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: [1, 4, 5, 5]"]),
    (lambda: F.conv2d(ONES(1, 4, 5, 5), ONES(4, 2, 3, 3), groups=3), RuntimeError,
     ["Given groups=3, expected weight to be divisible by 3 at dimension 0"]),
    (lambda: nn.Conv2d(4, 4, 3, groups=3), ValueError, ["Conv2d", "in_channels must be divisible by groups"]),
    (lambda: nn.Conv2d(4, 6, 3, groups=4), ValueError, ["out_channels must be divisible by groups"]),
    (lambda: nn.Conv2d(4, 4, 3, groups=0), ValueError, ["groups must be a positive integer"]),
    (lambda: F.conv2d(ONES(1, 4, 5, 5), ONES(4, 2, 3, 3), stride=2, padding="same"), RuntimeError,
     ["padding='same' is not supported for strided convolutions"]),
    (lambda: nn.Conv2d(4, 4, 3, stride=2, padding="same"), ValueError,
     ["padding='same' is not supported for strided convolutions"]),
    (lambda: F.conv2d(ONES(1, 4, 5, 5), ONES(4, 4, 3, 3), padding="foo"), RuntimeError,
     ["Invalid padding string: 'foo'"]),
    (lambda: nn.Conv2d(4, 4, 3, padding="foo"), ValueError, ["Invalid padding string 'foo'"]),
    (lambda: nn.Conv2d(4, 4, 3, padding_mode="foo"), ValueError, ["padding_mode must be one of"]),
    (lambda: nn.ConvTranspose2d(4, 4, 3, padding_mode="reflect"), ValueError,
     ['Only "zeros" padding mode is supported for ConvTranspose2d']),
    (lambda: F.conv2d(ONES(1, 4, 5, 5), ONES(4, 4, 3, 3), bias=ONES(3)), RuntimeError,
     ["expected bias to be 1-dimensional with 4 elements, but got bias of size [3] instead"]),
    (lambda: F.conv2d(ONES(1, 4, 5, 5), ONES(4, 4, 3, 3), stride=0), RuntimeError,
     ["non-positive stride is not supported"]),
    (lambda: F.conv2d(ONES(1, 4, 5, 5), ONES(4, 4, 3, 3), padding=-1), RuntimeError,
     ["negative padding is not supported"]),
    (lambda: F.conv2d(ONES(1, 4, 5, 5), ONES(4, 4, 3, 3), dilation=0), RuntimeError,
     ["dilation should be greater than zero"]),
    (lambda: F.conv2d(ONES(1, 4, 5, 5), ONES(4, 4, 3, 3), padding=(1, 1, 1)), RuntimeError,
     ["expected padding to be a single integer value or a list of 2 values"]),
    (lambda: F.conv2d(ONES(1, 4, 5, 5), ONES(4, 4, 3, 3, dtype=nerve.float64)), RuntimeError,
     ["same floating-point dtype", "float32", "float64"]),
    (lambda: F.conv2d(ONES(1, 4, 5, 5), ONES(4, 4, 3)), RuntimeError, ["expected a 4-D weight"]),
    (lambda: F.conv2d([1.0], ONES(4, 4, 3, 3)), TypeError, ["argument 'input' (position 1) must be Tensor, not list"]),
    (lambda: F.conv_transpose2d(ONES(1, 4, 5, 5), ONES(4, 2, 3, 3), stride=2, output_padding=2), RuntimeError,
     ["output padding must be smaller than either stride or dilation, but got output_padding_height: 2 "
      "output_padding_width: 2 stride_height: 2 stride_width: 2 dilation_height: 1 dilation_width: 1"]),
    (lambda: nn.ConvTranspose1d(4, 2, 3, output_padding=1)(ONES(1, 4, 5)), RuntimeError,
     ["ConvTranspose1d", "output padding must be smaller than either stride or dilation"]),
    (lambda: F.conv_transpose2d(ONES(1, 3, 5, 5), ONES(4, 2, 3, 3)), RuntimeError,
     ["Given transposed=1, weight of size [4, 2, 3, 3], expected input[1, 3, 5, 5] to have 4 channels, "
      "but got 3 channels instead"]),
    (lambda: F.conv_transpose2d(ONES(1, 4, 5, 5), ONES(4, 2, 3, 3), padding=5), RuntimeError,
     ["Given input size per channel: (5 x 5). Calculated output size per channel: (-3 x -3). Output size is too small"]),
    (lambda: F.conv_transpose2d(ONES(5, 5), ONES(4, 2, 3, 3)), RuntimeError,
     ["Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of size: [5, 5]"]),
    (lambda: F.conv_transpose2d(ONES(1, 4, 5, 5), ONES(4, 2, 3, 3), padding="same"), TypeError,
     ["argument 'padding' must be tuple of ints, not str"]),
    (lambda: F.unfold(ONES(1, 4, 2, 2), 3), RuntimeError,
     ["calculated shape of the array of sliding blocks as (0, 0), but its components must be at least one"]),
    (lambda: F.fold(ONES(1, 8, 5), (3, 3), 2), RuntimeError,
     ["expected size of input's dimension 2 to match the calculated number of sliding blocks 2 * 2 = 4, "
      "but got input.size(2)=5"]),
    (lambda: F.fold(ONES(1, 7, 4), (3, 3), 2), RuntimeError, ["divisible by the product of kernel_size"]),
    (lambda: nn.Conv2d(-1, 4, 3), ValueError, ["Conv2d", "in_channels must be non-negative"]),
    (lambda: nn.Conv2d(2, 4, 2.5), TypeError, ["Conv2d", "kernel_size must be an integer"]),
    (lambda: nn.Conv2d(2, 4, (3, 3, 3)), ValueError, ["Conv2d", "kernel_size must be an integer or a sequence of 2"]),
])
def test_errors(call, exc, fragments):
    with raises(exc, *fragments):
        call()


def test_channel_mismatch_wording_is_torchs():
    """The core sentence is PyTorch's own (nerve only adds the op's name in front)."""
    need_torch()
    with pytest.raises(RuntimeError) as et:
        TF.conv2d(torch.ones(64, 3, 28, 28), torch.ones(32, 1, 3, 3))
    with pytest.raises(RuntimeError) as en:
        F.conv2d(nerve.ones(64, 3, 28, 28), nerve.ones(32, 1, 3, 3))
    assert str(en.value) == "conv2d: " + str(et.value)
