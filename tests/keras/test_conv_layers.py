"""Keras convolution and pooling layers against PyTorch (Keras itself is not installed).

The oracle: the input permuted NHWC -> NCHW, the Keras kernel (kh, kw, C_in, C_out) permuted to
PyTorch's (C_out, C_in, kh, kw), and TensorFlow's 'same' padding (total // 2 before, the rest after)
applied by hand with torch.nn.functional.pad.
"""
import math

import numpy as np
import pytest

import nerve
from nerve import keras
from nerve.keras import layers

RTOL, ATOL = 1e-4, 1e-5


def _torch():
    return pytest.importorskip("torch")


def _np(t):
    return t.detach().numpy() if isinstance(t, nerve.Tensor) else np.asarray(t)


def _rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def _tf_same(n, k, s, d=1):
    out = math.ceil(n / s)
    total = max((out - 1) * s + d * (k - 1) + 1 - n, 0)
    return total // 2, total - total // 2


def _torch_pad(tx, padding, spatial, k, s, d, value=0.0):
    """TensorFlow's padding of NCHW/NCL torch input ``tx`` (spatial sizes ``spatial``)."""
    torch = _torch()
    if padding == "valid":
        return tx
    if padding == "causal":
        pads = [(d[0] * (k[0] - 1), 0)]
    else:
        pads = [_tf_same(n, kk, ss, dd) for n, kk, ss, dd in zip(spatial, k, s, d)]
    flat = []
    for a, b in reversed(pads):
        flat += [a, b]
    return torch.nn.functional.pad(tx, flat, value=value)


def _to_first(a, rank):
    return np.ascontiguousarray(np.moveaxis(a, -1, 1)) if rank else a


def _grads_vs_torch(layer, x, torch_fn, weights, data_format="channels_last"):
    """Forward and backward of ``layer`` on ``x`` vs ``torch_fn(tx, *torch_weights)``; ``weights``: the
    layer's weight names. ``torch_fn`` takes the input in the layer's own layout."""
    torch = _torch()
    xn = nerve.tensor(x, requires_grad=True)
    y = layer(xn)
    g = _rand(*y.shape, seed=7)
    (y * nerve.tensor(g)).sum().backward()
    tx = torch.tensor(x, requires_grad=True)
    tws = [torch.tensor(_np(getattr(layer, w)), requires_grad=True) for w in weights]
    ty = torch_fn(tx, *tws)
    (ty * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(_np(y), ty.detach().numpy(), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(_np(xn.grad), tx.grad.numpy(), rtol=RTOL, atol=ATOL)
    for w, tw in zip(weights, tws):
        np.testing.assert_allclose(_np(getattr(layer, w).grad), tw.grad.numpy(), rtol=RTOL, atol=ATOL,
                                   err_msg=f"gradient of {w}")


def _nhwc(fn, rank, data_format):
    """Wrap a torch function of NC* input into one of the layer's layout."""
    if data_format == "channels_first":
        return fn
    perm_in = (0, rank + 1) + tuple(range(1, rank + 1))
    perm_out = (0,) + tuple(range(2, rank + 2)) + (1,)
    return lambda tx, *w: fn(tx.permute(*perm_in), *w).permute(*perm_out)


# ----------------------------------------------------------------------------- Conv2D
CONV2D_CASES = [
    # (input NHWC, filters, kernel, strides, padding, dilation, groups, data_format)
    ((2, 7, 7, 3), 4, (3, 3), (1, 1), "valid", (1, 1), 1, "channels_last"),
    ((2, 7, 7, 3), 4, (3, 3), (1, 1), "same", (1, 1), 1, "channels_last"),
    ((1, 8, 9, 2), 5, (3, 3), (2, 2), "same", (1, 1), 1, "channels_last"),    # asymmetric TF padding
    ((2, 8, 8, 3), 3, (4, 2), (2, 3), "same", (1, 1), 1, "channels_last"),    # even kernel, unequal strides
    ((1, 6, 7, 2), 4, (2, 2), (1, 1), "same", (1, 1), 1, "channels_last"),    # even kernel, stride 1
    ((2, 9, 9, 4), 6, (3, 3), (1, 1), "same", (2, 2), 2, "channels_last"),    # dilation + groups
    ((2, 10, 9, 4), 4, (5, 3), (3, 2), "valid", (1, 1), 4, "channels_last"),  # depthwise groups
    ((2, 3, 7, 6), 2, (3, 3), (2, 2), "same", (1, 1), 1, "channels_first"),
    ((1, 5, 5, 1), 2, (5, 5), (1, 1), "valid", (1, 1), 1, "channels_last"),   # kernel = input
]


def _torch_conv(padding, k, s, d, groups, rank=2):
    torch = _torch()
    conv = torch.nn.functional.conv2d if rank == 2 else torch.nn.functional.conv1d

    def fn(tx, kernel, bias=None):
        w = kernel.permute(rank + 1, rank, *range(rank))
        return conv(_torch_pad(tx, padding, tx.shape[2:], k, s, d), w, bias, stride=s, dilation=d, groups=groups)
    return fn


@pytest.mark.parametrize("shape,filters,k,s,padding,d,groups,df", CONV2D_CASES)
def test_conv2d_matches_torch(shape, filters, k, s, padding, d, groups, df):
    layer = layers.Conv2D(filters, k, strides=s, padding=padding, dilation_rate=d, groups=groups, data_format=df,
                          bias_initializer="glorot_uniform")
    x = _rand(*shape)
    c = shape[-1] if df == "channels_last" else shape[1]
    layer.build((None,) + shape[1:])
    assert layer.kernel.shape == k + (c // groups, filters) and layer.bias.shape == (filters,)
    _grads_vs_torch(layer, x, _nhwc(_torch_conv(padding, k, s, d, groups), 2, df), ["kernel", "bias"])
    out = layer.compute_output_shape((None,) + shape[1:])
    assert out[0] is None and layer(nerve.tensor(x)).shape == (shape[0],) + out[1:]


def test_conv2d_activation_no_bias_and_int_args():
    torch = _torch()
    layer = layers.Conv2D(3, 3, strides=2, padding="same", activation="relu", use_bias=False)
    x = _rand(2, 6, 6, 2)
    y = layer(x)
    assert layer.bias is None and len(layer.weights) == 1
    ref = torch.relu(_nhwc(_torch_conv("same", (3, 3), (2, 2), (1, 1), 1), 2, "channels_last")(
        torch.tensor(x), torch.tensor(_np(layer.kernel))))
    np.testing.assert_allclose(_np(y), ref.numpy(), rtol=RTOL, atol=ATOL)
    # softmax acts on the channels (last axis), not on NCHW's width
    sm = layers.Conv2D(4, 1, activation="softmax")
    np.testing.assert_allclose(_np(sm(x)).sum(-1), np.ones((2, 6, 6)), rtol=1e-5)


def test_conv2d_glorot_fans_and_regularizer_losses():
    layer = layers.Conv2D(16, 3, kernel_regularizer=keras.regularizers.l2(0.01))
    layer.build((None, 8, 8, 4))
    limit = math.sqrt(6 / (9 * 4 + 9 * 16))
    k = _np(layer.kernel)
    assert np.abs(k).max() <= limit and np.abs(k).max() > 0.8 * limit
    assert len(layer.losses) == 1
    np.testing.assert_allclose(float(_np(layer.losses[0])), 0.01 * float((k ** 2).sum()), rtol=1e-5)


# ----------------------------------------------------------------------------- Conv1D
@pytest.mark.parametrize("shape,filters,k,s,padding,d,groups", [
    ((2, 11, 3), 4, 3, 1, "valid", 1, 1),
    ((2, 11, 3), 4, 4, 2, "same", 1, 1),
    ((1, 10, 4), 2, 3, 1, "causal", 2, 2),
    ((3, 9, 2), 5, 2, 1, "same", 3, 1),
])
def test_conv1d_matches_torch(shape, filters, k, s, padding, d, groups):
    layer = layers.Conv1D(filters, k, strides=s, padding=padding, dilation_rate=d, groups=groups,
                          bias_initializer="ones")
    x = _rand(*shape)
    _grads_vs_torch(layer, x, _nhwc(_torch_conv(padding, (k,), (s,), (d,), groups, rank=1), 1, "channels_last"),
                    ["kernel", "bias"])
    assert layer.kernel.shape == (k, shape[-1] // groups, filters)
    out = layer.compute_output_shape((None,) + shape[1:])
    assert (shape[0],) + out[1:] == layer(x).shape


def test_conv1d_causal_sees_only_the_past():
    layer = layers.Conv1D(1, 3, padding="causal", kernel_initializer="ones", use_bias=False)
    x = np.zeros((1, 6, 1), np.float32)
    x[0, 3, 0] = 1.0
    np.testing.assert_array_equal(_np(layer(x))[0, :, 0], [0, 0, 0, 1, 1, 1])


# ----------------------------------------------------------------------------- pooling
POOL_CASES = [
    # (input NHWC, pool, strides, padding)
    ((2, 6, 6, 3), (2, 2), None, "valid"),
    ((2, 7, 7, 3), (2, 2), None, "valid"),
    ((2, 7, 7, 3), (2, 2), None, "same"),
    ((1, 7, 8, 2), (3, 3), (2, 2), "same"),
    ((1, 5, 6, 2), (3, 2), (1, 3), "same"),
    ((2, 9, 9, 1), (3, 3), (1, 1), "valid"),
]


def _torch_max_pool(pool, strides, padding):
    torch = _torch()

    def fn(tx):
        return torch.nn.functional.max_pool2d(
            _torch_pad(tx, padding, tx.shape[2:], pool, strides, (1, 1), value=float("-inf")), pool, strides)
    return fn


def _torch_avg_pool(pool, strides, padding):
    """Keras' 'same' average: the window's sum over the real elements / their count."""
    torch = _torch()

    def fn(tx):
        ones = torch.ones_like(tx[:1, :1])
        px = _torch_pad(tx, padding, tx.shape[2:], pool, strides, (1, 1))
        cnt = _torch_pad(ones, padding, tx.shape[2:], pool, strides, (1, 1))
        return torch.nn.functional.avg_pool2d(px, pool, strides) / torch.nn.functional.avg_pool2d(cnt, pool, strides)
    return fn


@pytest.mark.parametrize("shape,pool,strides,padding", POOL_CASES)
def test_max_pooling2d_matches_torch(shape, pool, strides, padding):
    layer = layers.MaxPooling2D(pool, strides, padding)
    s = pool if strides is None else strides
    _grads_vs_torch(layer, _rand(*shape), _nhwc(_torch_max_pool(pool, s, padding), 2, "channels_last"), [])
    assert layer.compute_output_shape((None,) + shape[1:])[1:] == layer(_rand(*shape)).shape[1:]


@pytest.mark.parametrize("shape,pool,strides,padding", POOL_CASES)
def test_average_pooling2d_matches_torch(shape, pool, strides, padding):
    layer = layers.AveragePooling2D(pool, strides, padding)
    s = pool if strides is None else strides
    _grads_vs_torch(layer, _rand(*shape), _nhwc(_torch_avg_pool(pool, s, padding), 2, "channels_last"), [])
    assert layer.compute_output_shape((None,) + shape[1:])[1:] == layer(_rand(*shape)).shape[1:]


def test_average_pooling_same_divides_by_real_elements():
    x = np.ones((1, 3, 3, 1), np.float32)
    # every window mean of an all-ones input is 1 (zeros from padding are not counted)
    np.testing.assert_allclose(_np(layers.AveragePooling2D(2, padding="same")(x)), np.ones((1, 2, 2, 1)))
    np.testing.assert_allclose(_np(layers.AveragePooling1D(2, 1, padding="same")(np.ones((1, 3, 2), np.float32))),
                               np.ones((1, 3, 2)))


def test_max_pooling_ties_route_gradient_to_first_maximum_and_channels_first():
    torch = _torch()
    x = np.zeros((1, 4, 4, 2), np.float32)          # all ties
    xn = nerve.tensor(x, requires_grad=True)
    layers.MaxPooling2D()(xn).sum().backward()
    g = _np(xn.grad)
    assert g.sum() == 8 and g[0, 0, 0, 0] == 1 and g[0, 1, 1, 0] == 0
    xf = _rand(2, 3, 7, 7)
    y = layers.MaxPooling2D(3, 2, "same", data_format="channels_first")(xf)
    ref = _torch_max_pool((3, 3), (2, 2), "same")(torch.tensor(xf))
    np.testing.assert_allclose(_np(y), ref.numpy())


@pytest.mark.parametrize("cls,padding", [(layers.MaxPooling1D, "valid"), (layers.MaxPooling1D, "same"),
                                         (layers.AveragePooling1D, "valid"), (layers.AveragePooling1D, "same")])
def test_pooling1d_matches_torch(cls, padding):
    torch = _torch()
    x = _rand(2, 9, 3)
    layer = cls(pool_size=3, strides=2, padding=padding)
    mk = _torch_max_pool if cls is layers.MaxPooling1D else _torch_avg_pool
    fn = mk((1, 3), (1, 2), padding)
    ref = lambda tx: fn(tx.permute(0, 2, 1).unsqueeze(2)).squeeze(2).permute(0, 2, 1)  # noqa: E731
    if padding == "same":   # 1-D: no padding along the dummy height
        def ref(tx):
            t = tx.permute(0, 2, 1)
            a, b = _tf_same(9, 3, 2)
            val = float("-inf") if cls is layers.MaxPooling1D else 0.0
            p = torch.nn.functional.pad(t, (a, b), value=val)
            if cls is layers.MaxPooling1D:
                out = torch.nn.functional.max_pool1d(p, 3, 2)
            else:
                out = torch.nn.functional.avg_pool1d(p, 3, 2) / torch.nn.functional.avg_pool1d(
                    torch.nn.functional.pad(torch.ones_like(t), (a, b)), 3, 2)
            return out.permute(0, 2, 1)
    _grads_vs_torch(layer, x, ref, [])


@pytest.mark.parametrize("df", ["channels_last", "channels_first"])
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_pooling(df, keepdims):
    x = _rand(2, 5, 4, 3)
    axes = (1, 2) if df == "channels_last" else (2, 3)
    for cls, ref in ((layers.GlobalAveragePooling2D, x.mean(axis=axes, keepdims=keepdims)),
                     (layers.GlobalMaxPooling2D, x.max(axis=axes, keepdims=keepdims))):
        layer = cls(data_format=df, keepdims=keepdims)
        y = layer(x)
        np.testing.assert_allclose(_np(y), ref, rtol=1e-5, atol=1e-6)
        assert layer.compute_output_shape((None,) + x.shape[1:]) == (None,) + ref.shape[1:]
    x1 = _rand(2, 6, 3)
    np.testing.assert_allclose(_np(layers.GlobalAveragePooling1D()(x1)), x1.mean(1), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_np(layers.GlobalMaxPooling1D(keepdims=True)(x1)), x1.max(1, keepdims=True))
    xn = nerve.tensor(x, requires_grad=True)
    layers.GlobalAveragePooling2D()(xn).sum().backward()
    np.testing.assert_allclose(_np(xn.grad), np.full(x.shape, 1 / 20, np.float32), rtol=1e-6)


# ----------------------------------------------------------------------------- padding, cropping, upsampling
def test_zero_padding_and_cropping():
    x = _rand(2, 4, 5, 3)
    y = _np(layers.ZeroPadding2D(((1, 2), (0, 3)))(x))
    assert y.shape == (2, 7, 8, 3)
    np.testing.assert_array_equal(y, np.pad(x, ((0, 0), (1, 2), (0, 3), (0, 0))))
    np.testing.assert_array_equal(_np(layers.ZeroPadding2D()(x)), np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0))))
    np.testing.assert_array_equal(_np(layers.ZeroPadding2D((2, 1), data_format="channels_first")(x)),
                                  np.pad(x, ((0, 0), (0, 0), (2, 2), (1, 1))))
    np.testing.assert_array_equal(_np(layers.ZeroPadding1D((1, 2))(x[:, 0])), np.pad(x[:, 0], ((0, 0), (1, 2), (0, 0))))
    c = layers.Cropping2D(((1, 0), (1, 2)))
    np.testing.assert_array_equal(_np(c(x)), x[:, 1:, 1:3])
    assert c.compute_output_shape((None, 4, 5, 3)) == (None, 3, 2, 3)
    with pytest.raises(ValueError, match="Cropping2D"):
        layers.Cropping2D(2)(x)


def test_upsampling():
    torch = _torch()
    x = _rand(2, 3, 4, 2)
    y = _np(layers.UpSampling2D((2, 3))(x))
    np.testing.assert_array_equal(y, x.repeat(2, axis=1).repeat(3, axis=2))
    # bilinear with half-pixel centres (TensorFlow's resize for upsampling equals PyTorch's align_corners=False)
    yb = layers.UpSampling2D(2, interpolation="bilinear")(x)
    ref = torch.nn.functional.interpolate(torch.tensor(x).permute(0, 3, 1, 2), scale_factor=2, mode="bilinear",
                                          align_corners=False).permute(0, 2, 3, 1)
    np.testing.assert_allclose(_np(yb), ref.numpy(), rtol=1e-5, atol=1e-6)
    x1 = _rand(2, 3, 4)
    xn = nerve.tensor(x1, requires_grad=True)
    y1 = layers.UpSampling1D(3)(xn)
    np.testing.assert_array_equal(_np(y1), x1.repeat(3, axis=1))
    y1.sum().backward()
    np.testing.assert_array_equal(_np(xn.grad), np.full(x1.shape, 3, np.float32))
    with pytest.raises(ValueError, match="interpolation"):
        layers.UpSampling2D(interpolation="lanczos7")


# ----------------------------------------------------------------------------- transposed / depthwise / separable
@pytest.mark.parametrize("shape,filters,k,s,padding,op,d", [
    ((2, 4, 4, 3), 2, (3, 3), (2, 2), "same", None, (1, 1)),
    ((2, 4, 5, 3), 2, (3, 3), (2, 2), "valid", None, (1, 1)),
    ((1, 3, 3, 2), 3, (2, 2), (3, 3), "valid", None, (1, 1)),      # kernel < stride: zero-extended
    ((1, 5, 4, 2), 2, (4, 3), (2, 2), "same", None, (1, 1)),
    ((1, 4, 4, 2), 2, (3, 3), (1, 1), "same", None, (2, 2)),
    ((1, 4, 4, 2), 2, (3, 3), (2, 2), "valid", (1, 1), (1, 1)),
])
def test_conv2d_transpose_is_the_adjoint_of_tf_conv2d(shape, filters, k, s, padding, op, d):
    """TensorFlow's conv2d_transpose is the input-gradient of conv2d on the output's size."""
    torch = _torch()
    layer = layers.Conv2DTranspose(filters, k, strides=s, padding=padding, output_padding=op, dilation_rate=d,
                                   bias_initializer="ones")
    x = _rand(*shape)
    out_shape = layer.compute_output_shape((None,) + shape[1:])
    assert layer(x).shape == (shape[0],) + out_shape[1:]
    assert layer.kernel.shape == k + (filters, shape[-1])

    def ref(tx, kernel, bias):
        z = torch.zeros((shape[0], filters) + out_shape[1:3], requires_grad=True)
        w = kernel.permute(3, 2, 0, 1)        # conv2d from `filters` to C_in channels: (C_in, filters, kh, kw)
        y = torch.nn.functional.conv2d(_torch_pad(z, padding, out_shape[1:3], k, s, d), w, stride=s, dilation=d)
        (gz,) = torch.autograd.grad(y, z, grad_outputs=tx.permute(0, 3, 1, 2), create_graph=True)
        return gz.permute(0, 2, 3, 1) + bias
    _grads_vs_torch(layer, x, ref, ["kernel", "bias"])


@pytest.mark.parametrize("shape,k,s,padding,m,df", [
    ((2, 6, 6, 3), (3, 3), (1, 1), "same", 1, "channels_last"),
    ((1, 7, 8, 2), (3, 3), (2, 2), "same", 3, "channels_last"),
    ((2, 3, 6, 6), (2, 3), (1, 2), "valid", 2, "channels_first"),
])
def test_depthwise_conv2d_matches_torch(shape, k, s, padding, m, df):
    torch = _torch()
    layer = layers.DepthwiseConv2D(k, strides=s, padding=padding, depth_multiplier=m, data_format=df,
                                   bias_initializer="glorot_uniform")
    c = shape[-1] if df == "channels_last" else shape[1]
    x = _rand(*shape)

    def fn(tx, kernel, bias):
        w = kernel.reshape(k[0], k[1], 1, c * m).permute(3, 2, 0, 1)
        return torch.nn.functional.conv2d(_torch_pad(tx, padding, tx.shape[2:], k, s, (1, 1)), w, bias, stride=s,
                                          groups=c)
    _grads_vs_torch(layer, x, _nhwc(fn, 2, df), ["kernel", "bias"])
    assert layer.kernel.shape == k + (c, m)
    out = layer.compute_output_shape((None,) + shape[1:])
    assert (shape[0],) + out[1:] == layer(x).shape


def test_separable_conv2d_matches_torch():
    torch = _torch()
    layer = layers.SeparableConv2D(5, 3, strides=2, padding="same", depth_multiplier=2,
                                   bias_initializer="glorot_uniform")
    x = _rand(2, 7, 7, 3)

    def fn(tx, dk, pk, bias):
        dw = dk.reshape(3, 3, 1, 6).permute(3, 2, 0, 1)
        y = torch.nn.functional.conv2d(_torch_pad(tx, "same", tx.shape[2:], (3, 3), (2, 2), (1, 1)), dw, stride=2,
                                       groups=3)
        return torch.nn.functional.conv2d(y, pk.permute(3, 2, 0, 1), bias)
    _grads_vs_torch(layer, x, _nhwc(fn, 2, "channels_last"), ["depthwise_kernel", "pointwise_kernel", "bias"])
    assert [w.shape for w in layer.weights] == [(3, 3, 3, 2), (1, 1, 6, 5), (5,)]


# ----------------------------------------------------------------------------- configs
CONFIG_LAYERS = [
    lambda: layers.Conv2D(8, (3, 5), strides=2, padding="same", dilation_rate=1, groups=2, activation="relu",
                          use_bias=False, kernel_regularizer=keras.regularizers.l2(1e-3), name="c2"),
    lambda: layers.Conv2D(4, 3, data_format="channels_first", dilation_rate=2),
    lambda: layers.Conv1D(4, 5, padding="causal", dilation_rate=2),
    lambda: layers.Conv2DTranspose(4, 3, strides=2, padding="same", output_padding=1),
    lambda: layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same"),
    lambda: layers.SeparableConv2D(6, 3, depth_multiplier=2),
    lambda: layers.MaxPooling2D((3, 2), strides=(1, 2), padding="same"),
    lambda: layers.AveragePooling2D(2, data_format="channels_first"),
    lambda: layers.MaxPooling1D(3), lambda: layers.AveragePooling1D(2, padding="same"),
    lambda: layers.GlobalAveragePooling2D(keepdims=True), lambda: layers.GlobalMaxPooling1D(),
    lambda: layers.ZeroPadding2D(((1, 2), (3, 4))), lambda: layers.ZeroPadding1D(3),
    lambda: layers.Cropping2D(((1, 1), (2, 0))),
    lambda: layers.UpSampling2D((2, 3), interpolation="bilinear"), lambda: layers.UpSampling1D(4),
]


@pytest.mark.parametrize("make", CONFIG_LAYERS)
def test_config_round_trip(make):
    import json
    layer = make()
    cfg = layer.get_config()
    again = type(layer).from_config(json.loads(json.dumps(cfg)))      # lists after JSON, as in a saved file
    assert again.get_config() == cfg
    ser = layers.serialize(layer)
    assert type(layers.deserialize(json.loads(json.dumps(ser)))) is type(layer)


def test_config_values():
    cfg = layers.Conv2D(8, 3).get_config()
    assert cfg["kernel_size"] == (3, 3) and cfg["strides"] == (1, 1) and cfg["padding"] == "valid"
    assert cfg["data_format"] == "channels_last" and cfg["dilation_rate"] == (1, 1) and cfg["groups"] == 1
    assert layers.MaxPooling2D().get_config()["strides"] == (2, 2)
    assert layers.MaxPool2D is layers.MaxPooling2D and layers.GlobalAvgPool2D is layers.GlobalAveragePooling2D
    # Keras' automatic names keep the digit with its word
    assert layers.Conv2D(1, 1).name.startswith("conv2d") and layers.MaxPooling2D().name.startswith("max_pooling2d")
    assert layers.Conv2DTranspose(1, 1).name.startswith("conv2d_transpose")


# ----------------------------------------------------------------------------- models
def _images(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 8, 8, 1)).astype(np.float32)
    y = (x[:, :4].mean(axis=(1, 2, 3)) > x[:, 4:].mean(axis=(1, 2, 3))).astype(np.int64)
    return x, y


def _cnn():
    return keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(4, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(4, 3, strides=2, padding="same", activation="relu"),
        layers.Flatten(),
        layers.Dense(2, activation="softmax"),
    ])


def test_sequential_cnn_builds_and_fits():
    nerve.manual_seed(0)
    x, y = _images()
    model = _cnn()
    assert model.built and [lay.output_shape for lay in model.layers][:4] == \
        [(None, 8, 8, 4), (None, 4, 4, 4), (None, 2, 2, 4), (None, 16)]
    assert model.count_params() == (9 * 4 + 4) + (9 * 4 * 4 + 4) + (16 * 2 + 2)
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    hist = model.fit(x, y, epochs=8, batch_size=16, verbose=0)
    losses = hist.history["loss"]
    assert losses[-1] < 0.8 * losses[0]
    # functional API with a global pool
    a = keras.Input((8, 8, 1))
    h = layers.Conv2D(3, 3, activation="relu")(a)
    out = layers.Dense(2)(layers.GlobalAveragePooling2D()(h))
    assert h.shape == (None, 6, 6, 3) and out.shape == (None, 2)
    assert keras.Model(a, out).predict(x, verbose=0).shape == (64, 2)


def test_save_load_model_round_trip(tmp_path):
    nerve.manual_seed(1)
    x, y = _images(32)
    model = _cnn()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    path = tmp_path / "cnn.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert [type(lay) for lay in loaded.layers] == [type(lay) for lay in model.layers]
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.layers[0].kernel.shape == (3, 3, 1, 4)


# ----------------------------------------------------------------------------- errors
def test_errors_name_the_layer_and_shapes():
    conv = layers.Conv2D(4, 3, name="my_conv")
    with pytest.raises(ValueError, match=r"my_conv.*expected ndim=4, found ndim=3.*\(2, 8, 8\)"):
        conv(_rand(2, 8, 8))
    conv(_rand(2, 8, 8, 3))
    with pytest.raises(ValueError, match=r"my_conv.*axis -1 of input shape to have value 3.*\(2, 8, 8, 5\)"):
        conv(_rand(2, 8, 8, 5))
    with pytest.raises(ValueError, match=r"my_conv.*smaller than the kernel"):
        conv(_rand(2, 2, 8, 3))
    with pytest.raises(ValueError, match="groups"):
        layers.Conv2D(4, 3, groups=3)
    with pytest.raises(ValueError, match="groups"):
        layers.Conv2D(4, 3, groups=2)(_rand(1, 5, 5, 3))
    with pytest.raises(ValueError, match="kernel_size"):
        layers.Conv2D(4, (3, 3, 3))
    with pytest.raises(ValueError, match="padding"):
        layers.Conv2D(4, 3, padding="causal")
    with pytest.raises(ValueError, match="filters"):
        layers.Conv2D(0, 3)
    with pytest.raises(ValueError, match="data_format"):
        layers.Conv2D(4, 3, data_format="NHWC")
    with pytest.raises(ValueError, match="dilation_rate"):
        layers.Conv2D(4, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match=r"max_pooling.*expected ndim=4"):
        layers.MaxPooling2D(name="max_pooling_x")(_rand(2, 8, 8))
    with pytest.raises(ValueError, match="pool window"):
        layers.MaxPooling2D(3)(_rand(1, 2, 2, 1))
    with pytest.raises(ValueError, match=r"conv1d_e.*expected ndim=3"):
        layers.Conv1D(2, 3, name="conv1d_e")(_rand(2, 8, 8, 1))
    with pytest.raises(ValueError, match="output_padding"):
        layers.Conv2DTranspose(2, 3, strides=2, output_padding=2)
    with pytest.raises(ValueError, match="one tensor"):
        layers.Conv2D(2, 3)([_rand(1, 4, 4, 1), _rand(1, 4, 4, 1)])
