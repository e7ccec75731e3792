"""Sequential, functional and wrapped-module models: structure, summary, weights, saving."""
import numpy as np
import pytest

import nerve
from nerve import keras, nn
from nerve.keras import layers
from nerve.training import train_step


def _data(n=64, d=6, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d)).astype(np.float32)
    y = (x[:, :classes].argmax(1)).astype(np.int64)
    return x, y


def _mlp(d=6, classes=3, dropout=0.0):
    return keras.Sequential([
        keras.Input(shape=(d,)),
        layers.Dense(16, activation="relu"),
        layers.Dropout(dropout),
        layers.Dense(classes, activation="softmax"),
    ])


def test_model_is_a_module_with_parameters_and_state_dict():
    model = _mlp()
    assert isinstance(model, nn.Module)
    assert [tuple(p.shape) for p in model.parameters()] == [(6, 16), (16,), (16, 3), (3,)]
    assert list(model.state_dict()) == ["0.kernel", "0.bias", "2.kernel", "2.bias"]
    assert [type(layer).__name__ for layer in model.layers] == ["Dense", "Dropout", "Dense"]


def test_summary_counts_like_keras():
    model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(64, activation="relu"),
                              layers.BatchNormalization(), layers.Dense(10, activation="softmax")])
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "Layer (type)" in text and "Output Shape" in text and "Param #" in text
    assert "dense" in text and "(Dense)" in text and "(None, 64)" in text
    assert "50,240" in text                               # 784 * 64 + 64
    assert "650" in text and "256" in text                # 64 * 10 + 10; BN: 4 * 64
    assert "Total params: 51,146" in text
    assert "Trainable params: 51,018" in text
    assert "Non-trainable params: 128" in text            # moving mean and variance
    unbuilt = keras.Sequential([layers.Dense(3)])
    with pytest.raises(ValueError, match="not yet been built"):
        unbuilt.summary()
    unbuilt(np.zeros((2, 5), np.float32))                 # shape inference from the first batch
    assert unbuilt.count_params() == 18


def test_functional_two_inputs_shared_layer_trains():
    a, b = keras.Input(shape=(4,), name="a"), keras.Input(shape=(4,), name="b")
    shared = layers.Dense(8, activation="tanh")
    merged = layers.Concatenate()([shared(a), shared(b)])
    diff = layers.Add()([shared(a), layers.Dense(8)(b)])
    out = layers.Dense(1)(layers.Concatenate()([merged, diff]))
    model = keras.Model(inputs=[a, b], outputs=out)
    assert type(model).__name__ == "Functional"
    assert [layer.name for layer in model.layers][:2] == ["a", "b"]
    assert sum(layer is shared for layer in model.layers) == 1
    lines = []
    model.summary(print_fn=lines.append)
    assert "Connected to" in lines[2] and any("concatenate" in ln for ln in lines)
    rng = np.random.default_rng(0)
    xa, xb = rng.standard_normal((128, 4)).astype(np.float32), rng.standard_normal((128, 4)).astype(np.float32)
    y = (xa[:, :1] - xb[:, 1:2]).astype(np.float32)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    before = model.evaluate([xa, xb], y, verbose=0)
    model.fit([xa, xb], y, epochs=20, batch_size=32, verbose=0)
    after = model.evaluate({"a": xa, "b": xb}, y, verbose=0)
    assert after < 0.2 * before
    assert model.predict([xa, xb], verbose=0).shape == (128, 1)


def test_functional_multiple_outputs_with_loss_dict():
    inp = keras.Input(shape=(6,))
    h = layers.Dense(16, activation="relu")(inp)
    cls = layers.Dense(3, activation="softmax", name="cls")(h)
    reg = layers.Dense(1, name="reg")(h)
    model = keras.Model(inp, [cls, reg])
    model.compile(optimizer="adam", loss={"cls": "sparse_categorical_crossentropy", "reg": "mse"},
                  loss_weights={"cls": 1.0, "reg": 0.5}, metrics={"cls": ["accuracy"]})
    x, y = _data()
    hist = model.fit(x, {"cls": y, "reg": x[:, :1]}, epochs=2, verbose=0)
    assert {"loss", "cls_loss", "reg_loss", "cls_accuracy"} <= set(hist.history)
    last = {k: v[-1] for k, v in hist.history.items()}
    assert last["loss"] == pytest.approx(last["cls_loss"] + 0.5 * last["reg_loss"], rel=1e-4)
    probs, value = model.predict(x, verbose=0)
    assert probs.shape == (64, 3) and value.shape == (64, 1)


def test_save_load_model_round_trip(tmp_path):
    x, y = _data()
    model = keras.Sequential([keras.Input(shape=(6,)), layers.Normalization(), layers.Dense(8, activation="relu"),
                              layers.BatchNormalization(), layers.Dense(3, activation="softmax")])
    model.layers[0].adapt(x)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=2, verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded) is keras.Sequential and [type(layer) for layer in loaded.layers] == \
        [type(layer) for layer in model.layers]
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.optimizer.iterations == model.optimizer.iterations
    np.testing.assert_allclose(loaded.evaluate(x, y, verbose=0), model.evaluate(x, y, verbose=0))
    # the file is a plain nerve checkpoint: no pickle
    assert open(path, "rb").read(200).find(b"pickle") == -1
    # functional model
    a = keras.Input((6,))
    f = keras.Model(a, layers.Dense(2)(layers.Dense(4, activation="elu")(a)))
    f.save(tmp_path / "f.keras")
    g = keras.models.load_model(tmp_path / "f.keras", compile=False)
    np.testing.assert_array_equal(g.predict(x, verbose=0), f.predict(x, verbose=0))


class Scale(layers.Layer):
    def __init__(self, init=2.0, **kwargs):
        super().__init__(**kwargs)
        self.init = init

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer=keras.initializers.Constant(self.init),
                                 name="w")

    def call(self, x):
        return x * self.w

    def get_config(self):
        return {**super().get_config(), "init": self.init}


def test_custom_layer_needs_custom_objects(tmp_path):
    model = keras.Sequential([keras.Input((3,)), Scale(3.0), layers.Dense(1)])
    model.save(tmp_path / "c.keras")
    with pytest.raises(ValueError, match="custom_objects"):
        keras.models.load_model(tmp_path / "c.keras")
    loaded = keras.models.load_model(tmp_path / "c.keras", custom_objects={"Scale": Scale})
    x = np.ones((2, 3), np.float32)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_get_set_weights_keras_order_and_weights_files(tmp_path):
    model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(64), layers.Dense(10)])
    shapes = [w.shape for w in model.get_weights()]
    assert shapes == [(784, 64), (64,), (64, 10), (10,)]
    x = np.random.default_rng(0).standard_normal((4, 784)).astype(np.float32)
    before = model.predict(x, verbose=0)
    new = [np.full(s, 0.01, np.float32) for s in shapes]
    model.set_weights(new)
    after = model.predict(x, verbose=0)
    assert not np.allclose(before, after)
    expected = (x.sum(1, keepdims=True) * 0.01 + 0.01) * 0.64 + 0.01
    np.testing.assert_allclose(after, np.repeat(expected, 10, axis=1), rtol=1e-4)
    model.save_weights(tmp_path / "w.weights.h5")
    twin = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(64), layers.Dense(10)])
    twin.load_weights(tmp_path / "w.weights.h5")
    np.testing.assert_array_equal(twin.predict(x, verbose=0), after)


def test_wrapped_module_fits_like_a_keras_model():
    net = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 3))
    model = keras.Model(net)                        # same as keras.Model.from_module(net)
    assert type(model).__name__ == "ModuleModel" and model.module is net
    assert list(model.parameters()) == list(net.parameters())
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=nn.CrossEntropyLoss(), metrics=["accuracy"])
    x, y = _data(n=128)
    hist = model.fit(x, y, epochs=15, batch_size=16, verbose=0)
    assert hist.history["loss"][-1] < 0.5 * hist.history["loss"][0]
    assert model.evaluate(x, y, verbose=0)[1] > 0.8
    m2 = keras.Model.from_module(nn.Sequential(nn.Linear(6, 3)))
    m2.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    assert m2.evaluate(x, y, verbose=0) > 0


def test_fit_and_manual_loop_are_one_path():
    """fit(shuffle=False) gives bit-identical weights to a manual loop over the same batches."""
    x, y = _data(n=96)
    nerve.manual_seed(0)
    a = _mlp(dropout=0.2)
    a.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9), loss="sparse_categorical_crossentropy")
    a.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0)
    nerve.manual_seed(0)
    b = _mlp(dropout=0.2)
    opt = nerve.optim.SGD(b.parameters(), lr=0.1, momentum=0.9)
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    b.train()
    for _ in range(2):
        for i in range(0, 96, 32):
            train_step(b, nerve.tensor(x[i:i + 32]), nerve.tensor(y[i:i + 32]),
                       lambda out, t: loss_fn(t, out), opt)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)


def test_subclassed_model_and_clone():
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(8, activation="relu")
            self.out = layers.Dense(2)

        def call(self, x):
            return self.out(self.hidden(x))

    net = Net()
    net.compile(optimizer="adam", loss="mse")
    x = np.ones((10, 5), np.float32)
    net.fit(x, np.zeros((10, 2), np.float32), epochs=1, verbose=0)
    assert [tuple(w.shape) for w in net.get_weights()] == [(5, 8), (8,), (8, 2), (2,)]
    seq = _mlp()
    clone = keras.models.clone_model(seq)
    assert clone is not seq and [w.shape for w in clone.get_weights()] == [w.shape for w in seq.get_weights()]


def test_train_step_can_be_overridden_like_keras():
    calls = []

    class Custom(keras.Sequential):
        def train_step(self, data):
            x, y = data[0], data[1]
            self.train()
            out = self(x)
            loss = self.compiled_loss(out, y) * 0.5           # a custom objective
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            calls.append(len(x))
            return {"half_loss": float(loss.item())}

    model = Custom([keras.Input((6,)), layers.Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    x, y = _data(n=40)
    hist = model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    assert calls == [16, 16, 8] * 2
    assert set(hist.history) == {"half_loss"} and len(hist.history["half_loss"]) == 2
