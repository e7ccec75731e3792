"""fit / evaluate / predict semantics: history, validation split, shuffling, weights, verbosity, data."""
import numpy as np
import pytest

import nerve
from nerve import keras
from nerve.keras import callbacks as cb
from nerve.keras import layers
from nerve.training import epoch_permutation
from nerve.utils.data import DataLoader, TensorDataset


def _data(n=120, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 5)).astype(np.float32)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(np.int64)
    return x, y


def _model(lr=0.01, metrics=("accuracy",), dropout=0.0):
    m = keras.Sequential([keras.Input((5,)), layers.Dense(8, activation="relu"), layers.Dropout(dropout),
                          layers.Dense(2, activation="softmax")])
    m.compile(optimizer=keras.optimizers.Adam(lr), loss="sparse_categorical_crossentropy", metrics=list(metrics))
    return m


def test_history_contents():
    x, y = _data()
    model = _model()
    hist = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=0)
    assert hist is model.history
    assert hist.epoch == [0, 1, 2]
    # exactly Keras' keys: fit itself logs no learning_rate (only callbacks such as
    # ReduceLROnPlateau / LearningRateScheduler add it, as in Keras)
    assert set(hist.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 3 for v in hist.history.values())
    assert all(isinstance(v, float) for v in hist.history["val_loss"])
    assert hist.history["loss"][-1] < hist.history["loss"][0]


def test_history_keys_match_keras_and_lr_callbacks_add_learning_rate():
    x, y = _data()
    model = _model(metrics=())
    assert set(model.fit(x, y, epochs=2, verbose=0).history) == {"loss"}
    plateau = cb.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0, min_delta=10.0)
    hist = model.fit(x, y, epochs=3, callbacks=[plateau], verbose=0)
    assert set(hist.history) == {"loss", "learning_rate"}
    assert hist.history["learning_rate"] == pytest.approx([0.01, 0.01, 0.005])


def test_validation_split_takes_the_last_fraction():
    x, y = _data(100)
    model = _model()
    hist = model.fit(x, y, epochs=1, batch_size=10, validation_split=0.3, verbose=0)
    # validation ran with the final weights on x[70:]
    val = model.evaluate(x[70:], y[70:], verbose=0, return_dict=True)
    assert hist.history["val_loss"][0] == pytest.approx(val["loss"], rel=1e-6)
    assert hist.history["val_accuracy"][0] == pytest.approx(val["accuracy"])
    first = model.evaluate(x[:30], y[:30], verbose=0)[0]
    assert first != pytest.approx(hist.history["val_loss"][0], rel=1e-6)


class _BatchRecorder(cb.Callback):
    def __init__(self):
        super().__init__()
        self.batch_logs, self.epoch_logs, self.events = [], [], []

    def on_train_begin(self, logs=None):
        self.events.append("train_begin")

    def on_epoch_begin(self, epoch, logs=None):
        self.events.append(f"epoch_begin{epoch}")

    def on_train_batch_end(self, batch, logs=None):
        self.batch_logs.append(dict(logs))

    def on_test_begin(self, logs=None):
        self.events.append("test_begin")

    def on_epoch_end(self, epoch, logs=None):
        self.events.append(f"epoch_end{epoch}")
        self.epoch_logs.append(dict(logs))

    def on_train_end(self, logs=None):
        self.events.append("train_end")


def test_callback_hooks_and_running_mean_batch_logs():
    x, y = _data(64)
    rec = _BatchRecorder()
    model = _model()
    model.fit(x, y, epochs=2, batch_size=16, validation_data=(x[:16], y[:16]), callbacks=[rec], verbose=0)
    assert rec.events == ["train_begin", "epoch_begin0", "test_begin", "epoch_end0", "epoch_begin1",
                          "test_begin", "epoch_end1", "train_end"]
    assert len(rec.batch_logs) == 8 and set(rec.batch_logs[0]) == {"loss", "accuracy"}
    # batch logs are running means: the last one of an epoch is the epoch's value
    assert rec.batch_logs[3]["loss"] == rec.epoch_logs[0]["loss"]
    assert rec.batch_logs[7]["accuracy"] == rec.epoch_logs[1]["accuracy"]


def test_shuffle_is_reproducible_and_changes_order():
    x, y = _data()

    def run(seed, shuffle=True):
        nerve.manual_seed(seed)
        m = _model(dropout=0.3)
        m.fit(x, y, epochs=2, batch_size=16, shuffle=shuffle, verbose=0)
        return m.get_weights()
    a, b, c, d = run(0), run(0), run(1), run(0, shuffle=False)
    assert all(np.array_equal(u, v) for u, v in zip(a, b))
    assert not all(np.array_equal(u, v) for u, v in zip(a, d))
    assert not all(np.array_equal(u, v) for u, v in zip(a, c))
    p0, p1 = epoch_permutation(50, 7, 0), epoch_permutation(50, 7, 1)
    assert sorted(p0) == list(range(50)) and not np.array_equal(p0, p1)
    np.testing.assert_array_equal(p0, epoch_permutation(50, 7, 0))


def test_class_weight_and_sample_weight():
    x, y = _data()

    def run(**kw):
        nerve.manual_seed(0)
        m = _model()
        m.fit(x, y, epochs=2, batch_size=16, verbose=0, **kw)
        return m.get_weights()
    plain = run()
    cw = run(class_weight={0: 1.0, 1: 3.0})
    sw = run(sample_weight=np.where(y == 1, 3.0, 1.0))
    assert not np.allclose(plain[0], cw[0])
    for u, v in zip(cw, sw):                                    # class_weight is per-sample weighting
        np.testing.assert_allclose(u, v, rtol=1e-6, atol=1e-7)
    m = _model(metrics=())
    base = m.evaluate(x, y, verbose=0)
    assert m.evaluate(x, y, sample_weight=np.full(len(x), 2.0), verbose=0) == pytest.approx(2 * base, rel=1e-5)
    with pytest.raises(ValueError, match="class"):
        m.fit(x, y, class_weight={0: 1.0}, epochs=1, verbose=0)


def test_verbose_levels(capsys):
    x, y = _data(64)
    model = _model()
    model.fit(x, y, epochs=2, batch_size=32, verbose=0)
    model.evaluate(x, y, verbose=0)
    model.predict(x, verbose=0)
    assert capsys.readouterr().out == ""
    model.fit(x, y, epochs=3, batch_size=32, verbose=2, validation_split=0.25)
    out = capsys.readouterr().out
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert sum("loss" in ln for ln in lines) == 3                    # one line per epoch
    assert all("val_loss" in ln for ln in lines if "loss" in ln)
    model.fit(x, y, epochs=1, batch_size=32, verbose=1)
    assert "loss" in capsys.readouterr().out


def test_dataloader_input_and_steps():
    x, y = _data(96)
    loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)
    val_loader = DataLoader(TensorDataset(x[:32], y[:32]), batch_size=16)
    rec = _BatchRecorder()
    model = _model()
    hist = model.fit(loader, epochs=2, validation_data=val_loader, callbacks=[rec], verbose=0)
    assert len(rec.batch_logs) == 6 and "val_loss" in hist.history
    assert model.evaluate(val_loader, verbose=0)[0] == pytest.approx(hist.history["val_loss"][-1], rel=1e-6)
    assert model.predict(val_loader, verbose=0).shape == (32, 2)
    rec2 = _BatchRecorder()
    model.fit(loader, epochs=1, steps_per_epoch=2, callbacks=[rec2], verbose=0)
    assert len(rec2.batch_logs) == 2


def test_initial_epoch_and_stop_training_mid_epoch():
    x, y = _data()
    model = _model()
    hist = model.fit(x, y, epochs=5, initial_epoch=2, verbose=0)
    assert hist.epoch == [2, 3, 4] and model.epochs_completed == 5

    class StopAtBatch(cb.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:
                self.model.stop_training = True
    rec = _BatchRecorder()
    hist = model.fit(x, y, epochs=4, batch_size=10, callbacks=[StopAtBatch(), rec], verbose=0)
    assert len(rec.batch_logs) == 2 and hist.epoch == [0]


def test_evaluate_predict_and_batch_methods():
    x, y = _data(50)
    model = _model(metrics=())
    assert isinstance(model.evaluate(x, y, verbose=0), float)
    model = _model(metrics=["accuracy", "sparse_categorical_crossentropy"])
    loss, acc, ce = model.evaluate(x, y, verbose=0)
    assert ce == pytest.approx(loss, rel=1e-5)                  # the same quantity as the loss
    d = model.evaluate(x, y, verbose=0, return_dict=True)
    assert d == {"loss": loss, "accuracy": acc, "sparse_categorical_crossentropy": ce}
    assert model.metrics_names == ["loss", "accuracy", "sparse_categorical_crossentropy"]
    probs = model.predict(x, batch_size=7, verbose=0)
    assert probs.shape == (50, 2) and np.allclose(probs.sum(1), 1, atol=1e-5)
    np.testing.assert_allclose(model.predict_on_batch(x[:5]), probs[:5], rtol=1e-6)
    before = model.test_on_batch(x, y)[0]
    for _ in range(30):
        model.train_on_batch(x, y)
    assert model.test_on_batch(x, y, return_dict=True)["loss"] < before


def test_callbacks_use_learning_rate_and_penalties_in_loss():
    x, y = _data()
    model = keras.Sequential([keras.Input((5,)), layers.Dense(2, activation="softmax",
                                                              kernel_regularizer=keras.regularizers.l2(1.0))])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    sched = cb.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))
    hist = model.fit(x, y, epochs=3, callbacks=[sched], verbose=0)
    assert hist.history["learning_rate"] == pytest.approx([0.1, 0.05, 0.1 / 3])
    assert model.optimizer.inner.param_groups[0]["lr"] == pytest.approx(0.1 / 3)
    plain = keras.losses.SparseCategoricalCrossentropy()(y, model.predict(x, verbose=0)).item()
    penalty = float((model.layers[0].get_weights()[0] ** 2).sum())
    assert model.evaluate(x, y, verbose=0) == pytest.approx(plain + penalty, rel=1e-4)
