"""Keras layers, activations, losses, metrics, optimizers, regularizers and initializers."""
import numpy as np
import pytest

import nerve
from nerve import keras
from nerve.keras import activations, initializers, layers, losses, metrics, optimizers, regularizers

def _torch():
    return pytest.importorskip("torch")


def _gelu(x):
    from math import erf
    return 0.5 * x * (1 + np.vectorize(erf)(x / np.sqrt(2)))


def _selu(x):
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    return scale * np.where(x > 0, x, alpha * (np.exp(x) - 1))


def _np(t):
    return t.detach().numpy() if isinstance(t, nerve.Tensor) else np.asarray(t)


# ----------------------------------------------------------------------------- Dense
def test_dense_builds_lazily_with_keras_layout():
    layer = layers.Dense(4, activation="relu")
    assert not layer.built and layer.kernel is None
    x = np.random.default_rng(0).standard_normal((3, 5)).astype(np.float32)
    y = layer(x)
    assert layer.built and layer.kernel.shape == (5, 4) and layer.bias.shape == (4,)
    expected = np.maximum(x @ _np(layer.kernel) + _np(layer.bias), 0)
    np.testing.assert_allclose(_np(y), expected, rtol=1e-5, atol=1e-6)
    assert layer.count_params() == 24
    assert [n for n, _ in layer.named_parameters()] == ["kernel", "bias"]


def test_dense_input_dim_builds_at_once_and_gradients_match_torch():
    torch = _torch()
    layer = layers.Dense(3, input_dim=4, activation="tanh")
    model = keras.Sequential([layer])
    assert layer.built and model.built and model.count_params() == 15
    x = np.random.default_rng(1).standard_normal((6, 4)).astype(np.float32)
    out = model(nerve.tensor(x))
    out.sum().backward()
    k = torch.tensor(_np(layer.kernel), requires_grad=True)
    b = torch.tensor(_np(layer.bias), requires_grad=True)
    torch.tanh(torch.tensor(x) @ k + b).sum().backward()
    np.testing.assert_allclose(_np(layer.kernel.grad), k.grad.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_np(layer.bias.grad), b.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_dense_config_round_trip_and_no_bias():
    layer = layers.Dense(7, activation="sigmoid", use_bias=False, kernel_regularizer=regularizers.l2(0.1))
    cfg = layer.get_config()
    again = layers.Dense.from_config(cfg)
    assert again.get_config() == cfg
    assert cfg["activation"] == "sigmoid" and cfg["use_bias"] is False
    again(nerve.zeros(2, 3))
    assert again.bias is None and len(again.weights) == 1


# ----------------------------------------------------------------------------- activations
@pytest.mark.parametrize("name,ref", [
    ("relu", lambda x: np.maximum(x, 0)),
    ("sigmoid", lambda x: 1 / (1 + np.exp(-x))),
    ("tanh", np.tanh),
    ("softmax", lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True)),
    ("leaky_relu", lambda x: np.where(x > 0, x, 0.2 * x)),
    ("elu", lambda x: np.where(x > 0, x, np.exp(x) - 1)),
    ("gelu", _gelu),
    ("linear", lambda x: x),
    ("selu", _selu),
    ("swish", lambda x: x / (1 + np.exp(-x))),
])
def test_activations_by_name(name, ref):
    x = np.linspace(-3, 3, 12, dtype=np.float32).reshape(3, 4)
    np.testing.assert_allclose(_np(activations.get(name)(nerve.tensor(x))), ref(x), rtol=1e-5, atol=1e-6)
    out = layers.Activation(name)(x)
    np.testing.assert_allclose(_np(out), ref(x), rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------------------- normalisation
def test_batch_normalization_keras_momentum_and_biased_variance():
    torch = _torch()
    rng = np.random.default_rng(2)
    x = (rng.standard_normal((16, 3)) * 2 + 1).astype(np.float32)
    bn = layers.BatchNormalization()
    y = bn(x, training=True)
    mean, var = x.mean(0), x.var(0)                     # biased variance
    np.testing.assert_allclose(_np(y), (x - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-5)
    gamma, beta, mm, mv = bn.get_weights()
    np.testing.assert_allclose(mm, 0.01 * mean, rtol=1e-5, atol=1e-7)          # 0.99 * 0 + 0.01 * mean
    np.testing.assert_allclose(mv, 0.99 + 0.01 * var, rtol=1e-5)                 # biased, not n/(n-1)
    # the training-mode output equals torch's with momentum 0.01 and eps 1e-3
    tb = torch.nn.BatchNorm1d(3, eps=1e-3, momentum=0.01)
    np.testing.assert_allclose(_np(y), tb(torch.tensor(x)).detach().numpy(), rtol=1e-4, atol=1e-5)
    # inference uses the moving statistics
    z = bn(x)
    np.testing.assert_allclose(_np(z), (x - mm) / np.sqrt(mv + 1e-3), rtol=1e-4, atol=1e-5)
    assert bn.count_params() == 12 and len(bn.trainable_weights) == 2 and len(bn.non_trainable_weights) == 2


def test_frozen_batch_normalization_runs_in_inference_mode():
    bn = layers.BatchNormalization(trainable=False)
    x = np.random.default_rng(3).standard_normal((8, 2)).astype(np.float32) + 5
    y = bn(x, training=True)
    np.testing.assert_allclose(_np(y), x / np.sqrt(1 + 1e-3), rtol=1e-5)
    assert np.all(bn.get_weights()[2] == 0)


def test_layer_normalization_matches_torch():
    torch = _torch()
    x = np.random.default_rng(4).standard_normal((2, 5, 6)).astype(np.float32)
    ln = layers.LayerNormalization()
    xt = nerve.tensor(x, requires_grad=True)
    y = ln(xt)
    (y * y).sum().backward()
    tx = torch.tensor(x, requires_grad=True)
    ty = torch.nn.functional.layer_norm(tx, (6,), eps=1e-3)
    (ty * ty).sum().backward()
    np.testing.assert_allclose(_np(y), ty.detach().numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(_np(xt.grad), tx.grad.numpy(), rtol=1e-3, atol=1e-4)


def test_normalization_adapt_standardises_and_counts_params():
    rng = np.random.default_rng(5)
    train = (rng.standard_normal((200, 30)) * 3 + 7).astype(np.float32)
    norm = layers.Normalization()
    norm.adapt(train)
    np.testing.assert_allclose(_np(norm.mean), train.mean(0), rtol=1e-5)
    np.testing.assert_allclose(_np(norm.variance), train.var(0), rtol=1e-4)
    out = _np(norm(train))
    np.testing.assert_allclose(out.mean(0), 0, atol=1e-4)
    np.testing.assert_allclose(out.std(0), 1, atol=1e-3)
    assert norm.count_params() == 61                 # mean, variance, count (Keras' number)
    inv = layers.Normalization(mean=2.0, variance=4.0, invert=True)
    np.testing.assert_allclose(_np(inv(np.zeros((1, 3), np.float32))), 2.0)


def test_dropout_only_in_training():
    x = np.ones((200, 50), np.float32)
    d = layers.Dropout(0.25)
    np.testing.assert_array_equal(_np(d(x)), x)                      # inference by default
    y = _np(d(x, training=True))
    assert abs((y == 0).mean() - 0.25) < 0.03
    np.testing.assert_allclose(np.unique(y), [0.0, 1 / 0.75], rtol=1e-6)


def test_flatten_reshape_merge_layers():
    x = nerve.randn(2, 4, 3)
    assert layers.Flatten()(x).shape == (2, 12)
    assert layers.Reshape((3, 4))(x).shape == (2, 3, 4)
    a, b = nerve.ones(2, 3), nerve.full((2, 3), 2.0)
    np.testing.assert_allclose(_np(layers.Add()([a, b])), 3.0)
    assert layers.Concatenate()([a, nerve.ones(2, 5)]).shape == (2, 8)
    ka, kb = keras.Input((3,)), keras.Input((5,))
    assert layers.Concatenate()([ka, kb]).shape == (None, 8)
    assert layers.Add()([ka, keras.Input((3,))]).shape == (None, 3)
    assert layers.Flatten()(keras.Input((28, 28))).shape == (None, 784)


# ----------------------------------------------------------------------------- losses
def _keras_cce(y, p, eps=1e-7):
    p = p / p.sum(-1, keepdims=True)
    return -(y * np.log(np.clip(p, eps, 1 - eps))).sum(-1).mean()


def test_categorical_crossentropy_matches_keras_formula_both_paths():
    torch = _torch()
    rng = np.random.default_rng(6)
    logits = rng.standard_normal((5, 4)).astype(np.float32)
    y = np.eye(4, dtype=np.float32)[rng.integers(0, 4, 5)]
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    expected = _keras_cce(y, probs)
    # probabilities given directly: the clipped formula
    assert abs(losses.CategoricalCrossentropy()(y, probs).item() - expected) < 1e-5
    # probabilities from a recorded softmax: computed from the logits, same value
    z = nerve.tensor(logits, requires_grad=True)
    loss = losses.categorical_crossentropy(y, activations.softmax(z)).mean()
    assert abs(loss.item() - expected) < 1e-5
    loss.backward()
    np.testing.assert_allclose(_np(z.grad), (probs - y) / 5, rtol=1e-4, atol=1e-6)
    # from_logits=True equals torch's cross entropy
    ref = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(y)).item()
    assert abs(losses.CategoricalCrossentropy(from_logits=True)(y, logits).item() - ref) < 1e-5


def test_saturated_softmax_keeps_gradient_through_fused_path():
    z = nerve.tensor([[30.0, -30.0]], requires_grad=True)
    loss = losses.sparse_categorical_crossentropy(np.array([1]), activations.softmax(z)).mean()
    loss.backward()
    assert loss.item() == pytest.approx(60.0, rel=1e-4)      # exact, not clipped at -log(1e-7)
    assert abs(_np(z.grad)).max() > 0.9                      # the clipped formula's gradient would be 0


def test_sparse_and_binary_crossentropy():
    torch = _torch()
    rng = np.random.default_rng(7)
    logits = rng.standard_normal((6, 3)).astype(np.float32)
    labels = rng.integers(0, 3, 6)
    ref = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(labels)).item()
    assert abs(losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits).item() - ref) < 1e-5
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    assert abs(losses.sparse_categorical_crossentropy(labels[:, None], probs).mean().item() - ref) < 1e-5
    p = rng.uniform(0.05, 0.95, (6, 1)).astype(np.float32)
    yb = rng.integers(0, 2, 6)                                # (N,) labels against (N, 1) outputs
    expected = -(yb[:, None] * np.log(p) + (1 - yb[:, None]) * np.log(1 - p)).mean()
    assert abs(losses.BinaryCrossentropy()(yb, p).item() - expected) < 1e-5
    smoothed = losses.BinaryCrossentropy(label_smoothing=0.2)(yb, p).item()
    ys = yb[:, None] * 0.8 + 0.1
    assert abs(smoothed + (ys * np.log(p) + (1 - ys) * np.log(1 - p)).mean()) < 1e-5


def test_regression_losses_and_sample_weight():
    yt = np.array([[0.0], [1.0], [4.0]], np.float32)
    yp = np.array([[0.5], [1.0], [1.0]], np.float32)
    assert losses.MeanSquaredError()(yt, yp).item() == pytest.approx((0.25 + 9) / 3)
    assert losses.mae(yt, yp).mean().item() == pytest.approx(3.5 / 3)
    assert losses.Huber(delta=1.0)(yt, yp).item() == pytest.approx((0.125 + 0 + 2.5) / 3)
    sw = np.array([1.0, 1.0, 0.0], np.float32)
    assert losses.MeanSquaredError()(yt, yp, sample_weight=sw).item() == pytest.approx(0.25 / 3)
    assert losses.get("mse") is losses.mean_squared_error


# ----------------------------------------------------------------------------- metrics
def test_metrics_are_stateful():
    m = metrics.SparseCategoricalAccuracy()
    m.update_state([1, 2], [[0.1, 0.9, 0.0], [0.2, 0.7, 0.1]])
    assert m.result() == 0.5
    m.update_state([0, 0], [[0.9, 0.1, 0.0], [0.8, 0.1, 0.1]])
    assert m.result() == 0.75
    m.reset_state()
    assert m.result() == 0.0
    b = metrics.BinaryAccuracy(threshold=0.7)
    b.update_state([1, 0, 1], [[0.8], [0.6], [0.65]])
    assert b.result() == pytest.approx(2 / 3)
    p, r = metrics.Precision(), metrics.Recall()
    for m in (p, r):
        m.update_state([1, 1, 0, 0], [0.9, 0.2, 0.8, 0.1])
    assert p.result() == 0.5 and r.result() == 0.5
    auc = metrics.AUC()
    auc.update_state([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    assert auc.result() == pytest.approx(0.75, abs=0.01)     # sklearn's roc_auc_score: 0.75
    mae = metrics.get("mae")
    mae.update_state([[1.0], [3.0]], [[2.0], [3.0]])
    assert mae.name == "mae" and mae.result() == 0.5


# ----------------------------------------------------------------------------- optimizers
def test_optimizer_learning_rate_property_drives_param_groups():
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    model.compile(optimizer=optimizers.Adam(learning_rate=0.01), loss="mse")
    model.train_on_batch(np.ones((4, 3), np.float32), np.zeros((4, 2), np.float32))
    opt = model.optimizer
    inner = opt.inner
    assert isinstance(inner, nerve.optim.Adam)
    assert inner.param_groups[0]["eps"] == 1e-7 and inner.param_groups[0]["betas"] == (0.9, 0.999)
    assert opt.learning_rate == 0.01 and opt.iterations == 1
    opt.learning_rate = 0.001
    assert isinstance(opt.learning_rate, float) and inner.param_groups[0]["lr"] == 0.001
    sched = optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    assert sched(10) == pytest.approx(0.05)
    s = optimizers.SGD(learning_rate=sched)
    with pytest.raises(TypeError, match="not settable"):
        s.learning_rate = 0.3


def test_clipnorm_and_weight_decay():
    w = nerve.nn.Parameter(nerve.tensor([3.0, 4.0]))
    opt = optimizers.SGD(learning_rate=1.0, clipnorm=1.0)
    opt.build([w])
    w.grad = nerve.tensor([30.0, 40.0])
    opt.step()
    np.testing.assert_allclose(_np(w), [3 - 0.6, 4 - 0.8], rtol=1e-6)
    v = nerve.nn.Parameter(nerve.tensor([1.0]))
    opt = optimizers.SGD(learning_rate=0.1, weight_decay=0.5)
    opt.build([v])
    v.grad = nerve.tensor([0.0])
    opt.step()
    np.testing.assert_allclose(_np(v), [1 - 0.1 * 0.5], rtol=1e-6)


def test_regularizers_are_added_to_model_losses():
    assert regularizers.l1_l2().get_config() == {"l1": 0.01, "l2": 0.01}
    layer = layers.Dense(2, kernel_regularizer=regularizers.l2(0.1), bias_regularizer="l1")
    model = keras.Sequential([keras.Input((3,)), layer])
    (penalty_k, penalty_b) = model.losses
    k = _np(layer.kernel)
    assert penalty_k.item() == pytest.approx(0.1 * (k ** 2).sum(), rel=1e-5)
    assert penalty_b.item() == 0.0
    layer.trainable = False
    assert model.losses == [] and not layer.kernel.requires_grad


def test_initializers():
    a = initializers.get("glorot_uniform")((784, 64))
    limit = np.sqrt(6 / (784 + 64))
    assert a.shape == (784, 64) and a.dtype == np.float32 and np.abs(a).max() <= limit
    assert abs(a.std() - limit / np.sqrt(3)) < 0.05 * limit
    h = initializers.HeNormal(seed=1)((500, 200))
    assert abs(h.std() - np.sqrt(2 / 500)) < 0.05 * np.sqrt(2 / 500)
    assert np.abs(h).max() <= 2 * np.sqrt(2 / 500) / 0.8796 + 1e-6           # truncated at 2 sigma
    np.testing.assert_array_equal(initializers.get("zeros")((2, 2)), 0)
    nerve.manual_seed(3)
    x1 = initializers.get("random_normal")((5,))
    nerve.manual_seed(3)
    np.testing.assert_array_equal(initializers.get("random_normal")((5,)), x1)
