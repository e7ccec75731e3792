"""keras.ops on nerve: Keras 3 names, argument names and semantics, gradients, and a custom layer
written with keras.ops trained by fit."""
import numpy as np
import pytest

import nerve
from nerve import keras
from nerve.keras import layers, ops


def needs(*names):
    """Skip (with the reason) when an op family keras.ops calls into has not landed in nerve yet."""
    for name in names:
        obj = nerve
        for part in name.split("."):
            obj = getattr(obj, part, None)
            if obj is None:
                pytest.skip(f"nerve.{name} is not available yet")


def N(t):
    return ops.convert_to_numpy(t)


RNG = np.random.default_rng(0)
A = RNG.standard_normal((3, 4)).astype(np.float32)
B = RNG.standard_normal((3, 4)).astype(np.float32)
I = np.array([[3, -1, 0, 7], [2, 2, -5, 1], [0, 4, 4, 4]], dtype=np.int32)


# ----------------------------------------------------------------------------- names

REQUIRED = ("abs add all any arange argmax argmin argsort array broadcast_to cast clip concatenate "
            "convert_to_tensor convert_to_numpy cos cumsum divide dot einsum equal exp expand_dims flip floor "
            "greater greater_equal less less_equal log log1p logsumexp matmul max maximum mean min minimum "
            "moveaxis multiply negative not_equal ones ones_like power prod relu reshape round sigmoid sign sin "
            "softmax log_softmax sqrt square squeeze stack std subtract sum swapaxes take take_along_axis tanh "
            "tile top_k transpose tril triu var where zeros zeros_like erf gelu silu one_hot norm shape dtype "
            "stop_gradient sort unique").split()


def test_keras_ops_names_exist_with_keras_argument_names():
    import inspect
    missing = [n for n in REQUIRED if not callable(getattr(ops, n, None))]
    assert missing == []
    assert keras.ops is ops and set(REQUIRED) <= set(ops.__all__)
    expected = {
        "mean": ["x", "axis", "keepdims"], "sum": ["x", "axis", "keepdims"], "max": ["x", "axis", "keepdims", "initial"],
        "add": ["x1", "x2"], "divide": ["x1", "x2"], "clip": ["x", "x_min", "x_max"], "take": ["x", "indices", "axis"],
        "top_k": ["x", "k", "sorted", "is_stable"], "one_hot": ["x", "num_classes", "axis", "dtype", "sparse"],
        "norm": ["x", "ord", "axis", "keepdims"], "reshape": ["x", "newshape"], "swapaxes": ["x", "axis1", "axis2"],
        "where": ["condition", "x1", "x2"], "concatenate": ["xs", "axis"], "cumsum": ["x", "axis", "dtype"],
        "arange": ["start", "stop", "step", "dtype"], "transpose": ["x", "axes"], "stop_gradient": ["variable"],
    }
    for name, params in expected.items():
        assert list(inspect.signature(getattr(ops, name)).parameters) == params, name


# ----------------------------------------------------------------------------- values vs NumPy (Keras' reference)

ELEMENTWISE = [
    ("abs", np.abs), ("absolute", np.abs), ("negative", np.negative), ("sign", np.sign), ("square", np.square),
    ("exp", np.exp), ("sin", np.sin), ("cos", np.cos), ("tanh", np.tanh), ("floor", np.floor),
    ("sigmoid", lambda a: 1 / (1 + np.exp(-a))), ("relu", lambda a: np.maximum(a, 0)),
]


@pytest.mark.parametrize("name, ref", ELEMENTWISE, ids=[e[0] for e in ELEMENTWISE])
def test_elementwise(name, ref):
    np.testing.assert_allclose(N(getattr(ops, name)(A)), ref(A), rtol=1e-5, atol=1e-6)


def test_elementwise_positive_domain_and_erf():
    pos = np.abs(A) + 0.1
    np.testing.assert_allclose(N(ops.log(pos)), np.log(pos), rtol=1e-5)
    np.testing.assert_allclose(N(ops.log1p(pos)), np.log1p(pos), rtol=1e-5)
    np.testing.assert_allclose(N(ops.sqrt(pos)), np.sqrt(pos), rtol=1e-5)
    import math
    np.testing.assert_allclose(N(ops.erf(A)), np.vectorize(math.erf)(A), rtol=1e-5, atol=1e-6)


BINARY = [("add", np.add), ("subtract", np.subtract), ("multiply", np.multiply), ("divide", np.divide),
          ("maximum", np.maximum), ("minimum", np.minimum), ("equal", np.equal), ("not_equal", np.not_equal),
          ("greater", np.greater), ("greater_equal", np.greater_equal), ("less", np.less),
          ("less_equal", np.less_equal)]


@pytest.mark.parametrize("name, ref", BINARY, ids=[b[0] for b in BINARY])
def test_binary_with_tensors_arrays_and_scalars(name, ref):
    f = getattr(ops, name)
    np.testing.assert_allclose(N(f(ops.convert_to_tensor(A), ops.convert_to_tensor(B))), ref(A, B), rtol=1e-6)
    np.testing.assert_allclose(N(f(ops.convert_to_tensor(A), B)), ref(A, B), rtol=1e-6)
    np.testing.assert_allclose(N(f(A, 0.5)), ref(A, np.float32(0.5)), rtol=1e-6)
    np.testing.assert_allclose(N(f(0.5, ops.convert_to_tensor(A))), ref(np.float32(0.5), A), rtol=1e-6)
    out = f(ops.convert_to_tensor(A), 2)
    assert ops.dtype(out) in ("float32", "bool")  # a Python scalar does not widen a float32 tensor


def test_power_clip_where_round():
    pos = np.abs(A) + 0.5
    np.testing.assert_allclose(N(ops.power(pos, 2.5)), pos ** 2.5, rtol=1e-5)
    np.testing.assert_allclose(N(ops.clip(A, -0.5, 0.5)), np.clip(A, -0.5, 0.5))
    assert ops.dtype(ops.clip(np.array([True, False]), 0, 1)) == "int32"
    np.testing.assert_allclose(N(ops.where(A > 0, A, B)), np.where(A > 0, A, B))
    np.testing.assert_allclose(N(ops.where(A > 0, A, 0.0)), np.where(A > 0, A, 0.0))
    np.testing.assert_array_equal(N(ops.where(A > 0)), np.stack(np.nonzero(A > 0)))
    with pytest.raises(ValueError):
        ops.where(A > 0, A)
    halves = np.array([0.5, 1.5, 2.5, -0.5, -1.5], np.float32)
    np.testing.assert_array_equal(N(ops.round(halves)), np.round(halves))  # half to even
    np.testing.assert_allclose(N(ops.round(A, 2)), np.round(A, 2), atol=1e-6)
    assert ops.dtype(ops.round(I)) == "int32"


@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 1)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions_follow_numpy(axis, keepdims):
    kw = {"axis": axis, "keepdims": keepdims}
    for name, ref in (("sum", np.sum), ("mean", np.mean), ("max", np.max), ("min", np.min), ("var", np.var),
                      ("std", np.std), ("prod", np.prod)):
        got = getattr(ops, name)(A, **kw)
        np.testing.assert_allclose(N(got), ref(A, **kw), rtol=1e-5, atol=1e-6, err_msg=name)
        assert tuple(ops.shape(got)) == np.shape(ref(A, **kw)), name
    for name, ref in (("all", np.all), ("any", np.any)):
        np.testing.assert_array_equal(N(getattr(ops, name)(A > 0, **kw)), ref(A > 0, **kw))
    ref_lse = np.log(np.sum(np.exp(A), axis=axis, keepdims=keepdims))     # A is small: no overflow
    np.testing.assert_allclose(N(ops.logsumexp(A, **kw)), ref_lse, rtol=1e-5)


def test_keras_dtype_rules():
    assert ops.dtype(ops.mean(I)) == "float32" and ops.dtype(ops.var(I)) == "float32"
    np.testing.assert_allclose(N(ops.var(I, axis=0)), np.var(I.astype(np.float64), axis=0), rtol=1e-6)
    assert ops.dtype(ops.sum(np.array([True, True, False]))) == "int32"
    assert int(N(ops.sum(np.array([True, True, False])))) == 2
    assert ops.dtype(ops.sum(np.arange(3, dtype=np.int8))) == "int32"
    assert ops.dtype(ops.sum(np.arange(3, dtype=np.int64))) == "int64"
    assert ops.dtype(ops.prod(np.arange(1, 4, dtype=np.uint8))) == "int32"
    assert ops.dtype(ops.argmax(A, axis=1)) == "int32" and ops.dtype(ops.argmin(A)) == "int32"
    assert ops.dtype(ops.arange(5)) == "int32" and ops.dtype(ops.arange(5.0)) == "float32"
    assert ops.dtype(ops.arange(0, 1, 0.25)) == "float32" and ops.dtype(ops.arange(3, dtype="int64")) == "int64"
    assert ops.dtype(ops.convert_to_tensor([1, 2])) == "int32"
    assert ops.dtype(ops.convert_to_tensor([1, 2.5])) == "float32"
    assert ops.dtype(ops.convert_to_tensor(3.0)) == "float32" and ops.dtype(ops.convert_to_tensor(True)) == "bool"
    assert ops.dtype(ops.convert_to_tensor(np.ones(2))) == "float64"  # NumPy arrays keep their dtype
    assert ops.dtype(ops.convert_to_tensor([1, 2], dtype="float16")) == "float16"
    assert ops.dtype(ops.zeros((2,))) == "float32" and ops.dtype(ops.ones(3, dtype="int32")) == "int32"
    assert ops.dtype(ops.one_hot([0, 1], 3)) == "float32"
    assert ops.dtype(ops.sqrt(np.array([4], np.int32))) == "float32"
    assert ops.dtype(ops.cast(A, "float16")) == "float16" and ops.dtype(ops.cast(A, nerve.int64)) == "int64"
    assert ops.dtype(ops.cumsum(np.array([True, False, True]))) == "int32"
    with pytest.raises(ValueError, match="Invalid dtype"):
        ops.cast(A, "floaty")


def test_arg_reductions_cumsum_and_initial():
    np.testing.assert_array_equal(N(ops.argmax(A)), np.argmax(A))
    np.testing.assert_array_equal(N(ops.argmax(A, axis=0)), np.argmax(A, axis=0))
    np.testing.assert_array_equal(N(ops.argmin(A, axis=1, keepdims=True)), np.argmin(A, axis=1, keepdims=True))
    np.testing.assert_allclose(N(ops.cumsum(A)), np.cumsum(A), rtol=1e-5)
    np.testing.assert_allclose(N(ops.cumsum(A, axis=1)), np.cumsum(A, axis=1), rtol=1e-5)
    np.testing.assert_allclose(N(ops.max(A, axis=0, initial=1.0)), np.max(A, axis=0, initial=1.0))
    np.testing.assert_allclose(N(ops.min(A, initial=-10.0)), np.min(A, initial=-10.0))
    assert float(N(ops.max(np.zeros((0, 2), np.float32), initial=3.0))) == 3.0
    with pytest.raises(ValueError, match="empty"):
        ops.max(np.zeros((0,), np.float32))


def test_shapes_and_layout():
    x = ops.convert_to_tensor(RNG.standard_normal((2, 3, 4)).astype(np.float32))
    xn = N(x)
    assert ops.shape(x) == (2, 3, 4) and isinstance(ops.shape(x), tuple) and ops.size(x) == 24
    np.testing.assert_array_equal(N(ops.reshape(x, (6, -1))), xn.reshape(6, -1))
    np.testing.assert_array_equal(N(ops.reshape(x, -1)), xn.reshape(-1))
    assert ops.shape(ops.expand_dims(x, 1)) == (2, 1, 3, 4) and ops.shape(ops.expand_dims(x, -1)) == (2, 3, 4, 1)
    assert ops.shape(ops.expand_dims(x, (0, 2))) == np.expand_dims(xn, (0, 2)).shape
    np.testing.assert_array_equal(N(ops.squeeze(np.ones((1, 3, 1)))), np.ones(3))
    assert ops.shape(ops.squeeze(np.ones((1, 3, 1)), axis=0)) == (3, 1)
    with pytest.raises(ValueError, match="squeeze"):
        ops.squeeze(np.ones((2, 3)), axis=0)
    np.testing.assert_array_equal(N(ops.transpose(x)), xn.transpose())
    np.testing.assert_array_equal(N(ops.transpose(x, (1, 0, 2))), xn.transpose(1, 0, 2))
    np.testing.assert_array_equal(N(ops.swapaxes(x, 0, 2)), np.swapaxes(xn, 0, 2))
    np.testing.assert_array_equal(N(ops.moveaxis(x, 0, -1)), np.moveaxis(xn, 0, -1))
    np.testing.assert_array_equal(N(ops.flip(x)), np.flip(xn))
    np.testing.assert_array_equal(N(ops.flip(x, axis=1)), np.flip(xn, axis=1))
    np.testing.assert_array_equal(N(ops.broadcast_to(np.ones(4), (3, 4))), np.ones((3, 4)))
    np.testing.assert_array_equal(N(ops.concatenate([A, B], axis=1)), np.concatenate([A, B], axis=1))
    np.testing.assert_array_equal(N(ops.stack([A, B], axis=1)), np.stack([A, B], axis=1))
    np.testing.assert_array_equal(N(ops.stack([A, B])), np.stack([A, B]))


def test_take_dot_matmul_one_hot():
    np.testing.assert_array_equal(N(ops.take(A, [2, 0, -1])), np.take(A, [2, 0, -1]))
    np.testing.assert_array_equal(N(ops.take(A, [[1, -1], [0, 0]], axis=1)), np.take(A, [[1, -1], [0, 0]], axis=1))
    np.testing.assert_array_equal(N(ops.take(A, np.array([2, 1]), axis=0)), A[[2, 1]])
    np.testing.assert_allclose(N(ops.matmul(A, B.T)), A @ B.T, rtol=1e-5)
    x3, y3 = RNG.standard_normal((2, 3, 4)), RNG.standard_normal((5, 4, 6))
    for a, b in ((A[0], B[0]), (A, B[0]), (A, B.T), (x3, y3), (2.0, A), (x3, y3[0, :, 0])):
        np.testing.assert_allclose(N(ops.dot(a, b)), np.dot(a, b), rtol=1e-5, atol=1e-6)
    labels = np.array([0, 2, -1, 1])
    np.testing.assert_array_equal(N(ops.one_hot(labels, 3)), np.array(
        [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 1, 0]], np.float32))
    assert ops.shape(ops.one_hot(np.zeros((2, 5), np.int64), 3, axis=1)) == (2, 3, 5)
    assert ops.dtype(ops.one_hot(labels, 3, dtype="int32")) == "int32"


def test_creation_and_conversion():
    np.testing.assert_array_equal(N(ops.arange(1, 7, 2)), np.arange(1, 7, 2))
    np.testing.assert_array_equal(N(ops.zeros_like(I)), np.zeros_like(I))
    np.testing.assert_array_equal(N(ops.ones_like(A, dtype="int32")), np.ones_like(A, dtype=np.int32))
    np.testing.assert_array_equal(N(ops.full((2, 2), 7)), np.full((2, 2), 7))
    assert ops.dtype(ops.full((2,), 7)) == "int32"
    np.testing.assert_array_equal(N(ops.eye(2, 3, k=1)), np.eye(2, 3, 1, dtype=np.float32))
    t = ops.convert_to_tensor(A)
    assert isinstance(t, nerve.Tensor) and ops.is_tensor(t) and ops.convert_to_tensor(t) is t
    arr = ops.convert_to_numpy(t)
    assert isinstance(arr, np.ndarray) and not np.shares_memory(arr, t.numpy())
    assert ops.array([[1, 2]]).shape == (1, 2)
    stacked = ops.convert_to_tensor([nerve.ones(2), nerve.zeros(2)])
    assert ops.shape(stacked) == (2, 2) and N(stacked).tolist() == [[1, 1], [0, 0]]
    with pytest.raises(TypeError, match="convert_to_tensor"):
        ops.convert_to_tensor(object())
    with pytest.raises(TypeError, match="convert_to_tensor"):
        ops.convert_to_tensor(["a", "b"])
    w = nerve.ones(2, requires_grad=True)
    assert isinstance(ops.convert_to_numpy(w * 2), np.ndarray)


def test_nn_ops():
    np.testing.assert_allclose(N(ops.softmax(A)), np.exp(A) / np.exp(A).sum(-1, keepdims=True), rtol=1e-5)
    np.testing.assert_allclose(N(ops.softmax(A, axis=0)), np.exp(A) / np.exp(A).sum(0, keepdims=True), rtol=1e-5)
    np.testing.assert_allclose(N(ops.softmax(A, axis=None)), np.exp(A) / np.exp(A).sum(), rtol=1e-5)
    np.testing.assert_allclose(N(ops.log_softmax(A)), A - np.log(np.exp(A).sum(-1, keepdims=True)), rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(N(ops.silu(A)), A / (1 + np.exp(-A)), rtol=1e-5, atol=1e-6)
    tanh_gelu = 0.5 * A * (1 + np.tanh(np.sqrt(2 / np.pi) * (A + 0.044715 * A ** 3)))
    np.testing.assert_allclose(N(ops.gelu(A)), tanh_gelu, rtol=1e-5, atol=1e-6)   # Keras: approximate=True
    import math
    exact = 0.5 * A * (1 + np.vectorize(math.erf)(A / np.sqrt(2)))
    np.testing.assert_allclose(N(ops.gelu(A, approximate=False)), exact, rtol=1e-5, atol=1e-6)


def test_stop_gradient_and_gradients_flow_through_ops():
    x = nerve.tensor(A, requires_grad=True)
    y = ops.sum(ops.square(ops.stop_gradient(x)) + ops.multiply(x, 3.0))
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full_like(A, 3.0))
    x.grad = None
    loss = ops.mean(ops.logsumexp(ops.matmul(x, ops.transpose(x)), axis=-1)) + ops.var(x) + ops.std(x, axis=0)[0]
    loss = loss + ops.sum(ops.take(x, [0, 5])) + ops.max(ops.abs(x))
    loss.backward()
    assert x.grad.shape == A.shape and np.isfinite(x.grad.numpy()).all() and np.abs(x.grad.numpy()).sum() > 0


# ----------------------------------------------------------------------------- ops from the newer families

def test_einsum():
    needs("einsum")
    np.testing.assert_allclose(N(ops.einsum("ij,kj->ik", A, B)), np.einsum("ij,kj->ik", A, B), rtol=1e-5)
    np.testing.assert_allclose(N(ops.einsum("ij->j", A)), A.sum(0), rtol=1e-5)


def test_tril_triu():
    needs("tril", "triu")
    for k in (0, 1, -1):
        np.testing.assert_array_equal(N(ops.tril(A, k)), np.tril(A, k))
        np.testing.assert_array_equal(N(ops.triu(A, k=k)), np.triu(A, k))


def test_sort_argsort_top_k():
    needs("sort", "argsort")
    np.testing.assert_array_equal(N(ops.sort(A)), np.sort(A))
    np.testing.assert_array_equal(N(ops.sort(A, axis=0)), np.sort(A, axis=0))
    np.testing.assert_array_equal(N(ops.sort(A, axis=None)), np.sort(A, axis=None))
    ties = np.array([[3, 1, 3, 2, 1]], np.float32)
    np.testing.assert_array_equal(N(ops.argsort(ties)), np.argsort(ties, kind="stable"))
    assert ops.dtype(ops.argsort(A)) == "int32"
    values, indices = ops.top_k(ties, 3)
    np.testing.assert_array_equal(N(values), [[3, 3, 2]])
    np.testing.assert_array_equal(N(indices), [[0, 2, 3]])  # ties: lower index first, as Keras
    result = ops.top_k(A, 2)
    assert isinstance(result, tuple) and len(result) == 2
    np.testing.assert_array_equal(N(result[0]), -np.sort(-A, axis=-1)[:, :2])


def test_top_k_unstable_uses_topk():
    needs("topk")
    values, indices = ops.top_k(A, 2, is_stable=False)
    np.testing.assert_array_equal(N(values), -np.sort(-A, axis=-1)[:, :2])
    np.testing.assert_array_equal(np.take_along_axis(A, N(indices).astype(np.int64), -1), N(values))


def test_take_along_axis_and_tile_and_cumsum_dtype():
    needs("take_along_dim", "tile", "cumsum")
    idx = np.argsort(A, axis=1)
    np.testing.assert_array_equal(N(ops.take_along_axis(A, idx, axis=1)), np.take_along_axis(A, idx, 1))
    np.testing.assert_array_equal(N(ops.take_along_axis(A, idx - 4, axis=1)), np.take_along_axis(A, idx, 1))
    np.testing.assert_array_equal(N(ops.take_along_axis(A, np.array([0, -1]), axis=None)), A.reshape(-1)[[0, -1]])
    np.testing.assert_array_equal(N(ops.tile(A, 2)), np.tile(A, 2))
    np.testing.assert_array_equal(N(ops.tile(A, (2, 1, 3))), np.tile(A, (2, 1, 3)))
    assert ops.dtype(ops.cumsum(I, dtype="float32")) == "float32"


def test_norm():
    needs("linalg.norm")
    np.testing.assert_allclose(N(ops.norm(A)), np.linalg.norm(A), rtol=1e-5)
    np.testing.assert_allclose(N(ops.norm(A, axis=1)), np.linalg.norm(A, axis=1), rtol=1e-5)
    np.testing.assert_allclose(N(ops.norm(A, ord=1, axis=0, keepdims=True)),
                               np.linalg.norm(A, ord=1, axis=0, keepdims=True), rtol=1e-5)
    np.testing.assert_allclose(N(ops.norm(A, ord="fro", axis=(0, 1))), np.linalg.norm(A, "fro"), rtol=1e-5)
    assert ops.dtype(ops.norm(I)) == "float32"


def test_unique():
    x = np.array([3, 1, 2, 1, 3, 3])
    np.testing.assert_array_equal(N(ops.unique(x)), [1, 2, 3])
    vals, index, inverse, counts = ops.unique(x, return_index=True, return_inverse=True, return_counts=True)
    np.testing.assert_array_equal(N(index), [1, 2, 0])
    np.testing.assert_array_equal(N(vals)[N(inverse)], x)
    np.testing.assert_array_equal(N(counts), [2, 1, 3])
    np.testing.assert_array_equal(N(ops.unique(x, size=5, fill_value=-1)), [1, 2, 3, -1, -1])
    np.testing.assert_array_equal(N(ops.unique(x, size=2)), [1, 2])


def test_missing_nerve_op_is_a_clear_error(monkeypatch):
    monkeypatch.delattr(nerve, "tril", raising=False)
    with pytest.raises(NotImplementedError, match=r"keras.ops.tril needs nerve.tril"):
        ops.tril(A)


# ----------------------------------------------------------------------------- a Keras 3 custom layer

class GatedDense(layers.Layer):
    """Written against keras.ops only, as a Keras 3 backend-agnostic layer is."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        d = input_shape[-1]
        self.kernel = self.add_weight(shape=(d, 2 * self.units), initializer="glorot_uniform", name="kernel")
        self.bias = self.add_weight(shape=(2 * self.units,), initializer="zeros", name="bias")
        self.scale = self.add_weight(shape=(self.units,), initializer="ones", name="scale")

    def call(self, x):
        h = ops.add(ops.matmul(x, self.kernel), self.bias)
        value, gate = h[..., :self.units], h[..., self.units:]
        y = ops.multiply(ops.gelu(value), ops.sigmoid(gate))
        # RMS normalisation with Keras' population statistics
        rms = ops.sqrt(ops.mean(ops.square(y), axis=-1, keepdims=True) + 1e-6)
        y = ops.divide(y, rms) * self.scale
        return ops.where(ops.greater(y, -10.0), y, ops.zeros_like(y))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)


def test_custom_layer_with_keras_ops_trains_with_fit():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 6)).astype(np.float32)
    y = (np.sin(x[:, :1] * 2) + x[:, 1:2] * x[:, 2:3]).astype(np.float32)
    model = keras.Sequential([keras.Input((6,)), GatedDense(16), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    assert model.output_shape == (None, 1)
    hist = model.fit(x, y, epochs=15, batch_size=32, verbose=0)
    losses = hist.history["loss"]
    assert set(hist.history) == {"loss"}
    assert losses[-1] < 0.5 * losses[0], losses
    pred = model.predict(x[:4], verbose=0)
    assert pred.shape == (4, 1) and np.isfinite(pred).all()
    layer = model.layers[0]
    assert {tuple(w.shape) for w in layer.trainable_weights} == {(6, 32), (32,), (16,)}


def test_custom_layer_in_a_functional_model():
    inputs = keras.Input((5,))
    outputs = layers.Dense(2, activation="softmax")(GatedDense(8)(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x = np.random.default_rng(1).standard_normal((64, 5)).astype(np.float32)
    labels = (x[:, 0] > 0).astype(np.int64)
    hist = model.fit(x, labels, epochs=8, batch_size=16, verbose=0)
    assert hist.history["loss"][-1] < hist.history["loss"][0]
    assert set(hist.history) == {"loss", "accuracy"}
