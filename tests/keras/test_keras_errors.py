"""Mistakes get messages in the user's terms: what is wrong, the numbers involved, what to do."""
import numpy as np
import pytest

from nerve import keras
from nerve.keras import activations, layers, losses, metrics, optimizers
from nerve.utils.data import DataLoader, TensorDataset


def _model(units=3, activation="softmax"):
    m = keras.Sequential([keras.Input((4,)), layers.Dense(units, activation=activation)])
    return m


def test_x_and_y_lengths_must_match():
    m = _model()
    m.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError) as e:
        m.fit(np.zeros((10, 4), np.float32), np.zeros(9, np.int64), verbose=0)
    assert "10" in str(e.value) and "9" in str(e.value) and "same" in str(e.value)


def test_one_hot_labels_with_sparse_loss():
    m = _model()
    m.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    y = np.eye(3, dtype=np.float32)[[0, 1, 2, 0]]
    with pytest.raises(ValueError) as e:
        m.fit(np.zeros((4, 4), np.float32), y, verbose=0)
    msg = str(e.value)
    assert "one-hot" in msg and "categorical_crossentropy" in msg and "argmax" in msg


def test_label_out_of_range_names_label_and_units():
    m = _model(units=3)
    m.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError) as e:
        m.fit(np.zeros((4, 4), np.float32), np.array([0, 1, 7, 2]), verbose=0)
    msg = str(e.value)
    assert "label 7" in msg and "3 output units" in msg


def test_integer_labels_with_categorical_loss():
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        losses.categorical_crossentropy(np.array([0, 1]), np.full((2, 3), 1 / 3, np.float32))


@pytest.mark.parametrize("fn,kind", [
    (lambda: losses.get("cross_entropy_typo"), "loss"),
    (lambda: optimizers.get("adamm"), "optimizer"),
    (lambda: metrics.get("acuracy"), "metric"),
    (lambda: activations.get("rellu"), "activation"),
    (lambda: layers.Dense(3, activation="sigmoidd"), "activation"),
])
def test_unknown_names_list_valid_ones(fn, kind):
    with pytest.raises(ValueError) as e:
        fn()
    msg = str(e.value)
    assert f"Unknown {kind}" in msg and "Valid names" in msg
    valid = {"loss": "mean_squared_error", "optimizer": "adam", "metric": "accuracy", "activation": "relu"}[kind]
    assert valid in msg


def test_unknown_names_in_compile():
    m = _model()
    with pytest.raises(ValueError, match="Unknown optimizer 'adamm'.*adam"):
        m.compile(optimizer="adamm", loss="mse")
    with pytest.raises(ValueError, match="Unknown loss 'msee'.*mean_squared_error"):
        m.compile(optimizer="adam", loss="msee")
    with pytest.raises(ValueError, match="Unknown metric 'acuracy'"):
        m.compile(optimizer="adam", loss="mse", metrics=["acuracy"])


def test_fit_before_compile():
    m = _model()
    x, y = np.zeros((4, 4), np.float32), np.zeros(4, np.int64)
    for call in (lambda: m.fit(x, y, verbose=0), lambda: m.evaluate(x, y, verbose=0),
                 lambda: m.train_on_batch(x, y)):
        with pytest.raises(RuntimeError, match=r"call `compile\(\)`"):
            call()
    assert m.predict(x, verbose=0).shape == (4, 3)           # predict needs no compile


def test_dense_wrong_feature_count_after_build():
    m = _model()
    with pytest.raises(ValueError) as e:
        m.predict(np.zeros((2, 5), np.float32), verbose=0)
    msg = str(e.value)
    assert "(2, 5)" in msg and "value 4" in msg and "(None, 4)" in msg


def test_shape_mismatch_in_regression_loss():
    with pytest.raises(ValueError, match=r"y_true shape \(4, 3\) does not match y_pred shape \(4, 1\)"):
        losses.mean_squared_error(np.zeros((4, 3)), np.zeros((4, 1), np.float32))


def test_validation_split_needs_arrays():
    m = _model()
    m.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    loader = DataLoader(TensorDataset(np.zeros((8, 4), np.float32), np.zeros(8, np.int64)), batch_size=4)
    with pytest.raises(ValueError, match="validation_data"):
        m.fit(loader, validation_split=0.2, verbose=0)


def test_set_weights_wrong_count_and_shape():
    m = _model()
    with pytest.raises(ValueError, match="expecting 2 weights"):
        m.layers[0].set_weights([np.zeros((4, 3))])
    with pytest.raises(ValueError, match=r"\(4, 3\).*\(3, 4\)"):
        m.set_weights([np.zeros((3, 4)), np.zeros(3)])


def test_load_model_wrong_file(tmp_path):
    m = _model()
    m.save_weights(tmp_path / "w.weights.h5")
    with pytest.raises(ValueError, match="load_weights"):
        keras.models.load_model(tmp_path / "w.weights.h5")
