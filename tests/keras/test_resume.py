"""A run killed after epoch k and resumed from model.save() ends with the same weights."""
import numpy as np

import nerve
from nerve import keras
from nerve.keras import layers

EPOCHS = 6
STOP_AFTER = 3          # epochs completed before the "kill"


def _data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((160, 8)).astype(np.float32)
    y = (x[:, 0] * x[:, 1] + x[:, 2] > 0).astype(np.int64)
    return x, y


def _build():
    model = keras.Sequential([
        keras.Input((8,)),
        layers.Dense(32, activation="relu"),
        layers.Dropout(0.3),                      # consumes the random stream every step
        layers.BatchNormalization(),              # moving statistics are state too
        layers.Dense(2, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(5e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def _fit(model, callbacks=(), initial_epoch=0):
    x, y = _data()
    return model.fit(x, y, epochs=EPOCHS, batch_size=16, validation_split=0.25, callbacks=list(callbacks),
                     initial_epoch=initial_epoch, verbose=0)


class _Kill(keras.callbacks.Callback):
    """Stops training at the end of epoch ``STOP_AFTER - 1``, like a process killed right after."""

    def on_epoch_end(self, epoch, logs=None):
        if epoch == STOP_AFTER - 1:
            self.model.stop_training = True


def test_resume_from_save_is_exact(tmp_path):
    nerve.manual_seed(0)
    full = _build()
    h_full = _fit(full)
    reference = full.get_weights()

    nerve.manual_seed(0)
    first = _build()
    _fit(first, callbacks=[_Kill()])
    assert first.epochs_completed == STOP_AFTER
    path = tmp_path / "run.keras"
    first.save(path)
    del first

    nerve.manual_seed(12345)                      # a "new process": different random state
    nerve.randn(1000)
    resumed = keras.models.load_model(path)
    assert resumed.epochs_completed == STOP_AFTER
    h_rest = _fit(resumed, initial_epoch=resumed.epochs_completed)
    assert h_rest.epoch == list(range(STOP_AFTER, EPOCHS))
    for a, b in zip(reference, resumed.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert h_rest.history["val_loss"] == h_full.history["val_loss"][STOP_AFTER:]


def test_resume_from_model_checkpoint(tmp_path):
    nerve.manual_seed(1)
    full = _build()
    _fit(full)

    nerve.manual_seed(1)
    run = _build()
    ckpt = keras.callbacks.ModelCheckpoint(str(tmp_path / "epoch{epoch:02d}.keras"))
    _fit(run, callbacks=[ckpt, _Kill()])
    resumed = keras.models.load_model(tmp_path / f"epoch{STOP_AFTER:02d}.keras")
    assert resumed.optimizer.iterations == STOP_AFTER * 8          # 120 training rows / 16 per batch
    _fit(resumed, initial_epoch=STOP_AFTER)
    for a, b in zip(full.get_weights(), resumed.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_without_restored_state_the_runs_differ(tmp_path):
    """The check above can fail: resuming from weights only (no optimizer/random state) diverges."""
    nerve.manual_seed(0)
    full = _build()
    _fit(full)
    nerve.manual_seed(0)
    first = _build()
    _fit(first, callbacks=[_Kill()])
    first.save_weights(tmp_path / "w.weights.h5")
    fresh = _build()
    fresh.load_weights(tmp_path / "w.weights.h5")
    _fit(fresh, initial_epoch=STOP_AFTER)
    assert not all(np.array_equal(a, b) for a, b in zip(full.get_weights(), fresh.get_weights()))
