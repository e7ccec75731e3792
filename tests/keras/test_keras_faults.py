"""Keras-API mistakes name the real culprit (issue 7): the argument, its value or shape, what was expected.

test_keras_errors.py covers the first round (x/y lengths, one-hot vs sparse labels, unknown names,
fit before compile, Dense feature size, set_weights); these are the rest of the sweep.
"""
import warnings

import numpy as np
import pytest

from nerve import keras
from nerve.keras import callbacks, layers, losses, metrics, ops, optimizers, regularizers

X = np.random.default_rng(0).random((10, 4), dtype=np.float32)
Y = np.arange(10) % 3


def _model(units=3, activation="softmax", loss="sparse_categorical_crossentropy"):
    m = keras.Sequential([keras.Input((4,)), layers.Dense(units, activation=activation)])
    m.compile(optimizer="adam", loss=loss)
    return m


def _no_warnings(fn):
    """Run ``fn`` with every warning turned into an error (RuntimeWarnings must not reach users)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fn()


# ----------------------------------------------------------------------------- sample_weight
@pytest.mark.parametrize("call", [
    lambda m, sw: m.fit(X, Y, sample_weight=sw, verbose=0),
    lambda m, sw: m.evaluate(X, Y, sample_weight=sw, verbose=0),
    lambda m, sw: m.train_on_batch(X, Y, sample_weight=sw),
    lambda m, sw: m.test_on_batch(X, Y, sample_weight=sw),
], ids=["fit", "evaluate", "train_on_batch", "test_on_batch"])
@pytest.mark.parametrize("n", [7, 12])
def test_sample_weight_wrong_length_names_sample_weight(call, n):
    with pytest.raises(ValueError) as e:
        call(_model(), np.ones(n))
    msg = str(e.value)
    assert "`sample_weight` has shape" in msg and f"({n},)" in msg and "10 samples" in msg
    assert "one weight per sample" in msg and "(10,)" in msg


def test_sample_weight_of_wrong_ndim():
    with pytest.raises(ValueError, match=r"`sample_weight` has shape \(10, 3\).*one weight per sample.*\(10,\)"):
        _model().fit(X, Y, sample_weight=np.ones((10, 3)), verbose=0)
    _model().fit(X, Y, sample_weight=np.ones((10, 1)), verbose=0)      # a column of weights is fine


def test_validation_sample_weight_names_validation_data():
    with pytest.raises(ValueError, match=r"validation_data: `sample_weight` has shape \(3,\).*5 samples"):
        _model().fit(X, Y, validation_data=(X[:5], Y[:5], np.ones(3)), verbose=0)


def test_sample_weight_of_strings():
    with pytest.raises(ValueError, match="sample_weight holds strings"):
        _model().fit(X, Y, sample_weight=np.array(["a"] * 10), verbose=0)


def test_loss_and_metric_objects_name_sample_weight():
    with pytest.raises(ValueError, match=r"`sample_weight` has shape \(3,\).*one value per sample, shape \(4,\)"):
        losses.MeanSquaredError()(np.zeros((4, 1)), np.zeros((4, 1), np.float32), sample_weight=np.ones(3))
    with pytest.raises(ValueError, match=r"metric mean: `sample_weight` has shape \(3,\).*\(4,\)"):
        metrics.Mean()(np.ones(4), sample_weight=np.ones(3))
    with pytest.raises(ValueError, match=r"metric precision: `sample_weight` has shape \(2,\)"):
        metrics.Precision()(np.ones(4), np.ones(4), sample_weight=np.ones(2))


# ----------------------------------------------------------------------------- string labels
_STRING_ADVICE = ("labels must be numbers", "integer class indices", "one-hot", "np.unique(y, return_inverse=True)",
                  "keras.utils.to_categorical")


@pytest.mark.parametrize("loss,units,act", [
    ("sparse_categorical_crossentropy", 3, "softmax"),
    ("categorical_crossentropy", 3, "softmax"),
    ("binary_crossentropy", 1, "sigmoid"),
])
@pytest.mark.parametrize("labels", [
    np.array(["cat", "dog"] * 5),
    np.array(["cat", "dog"] * 5, dtype=object),
    ["cat", "dog"] * 5,
], ids=["unicode", "object", "list"])
def test_string_labels_say_how_to_encode(loss, units, act, labels):
    with pytest.raises(ValueError) as e:
        _model(units, act, loss).fit(X, labels, verbose=0)
    msg = str(e.value)
    assert msg.startswith("y holds strings") and "'cat'" in msg
    for part in _STRING_ADVICE:
        assert part in msg


def test_string_labels_in_evaluate_batches_losses_and_metrics():
    y = np.array(["cat", "dog"] * 5)
    for call in (lambda: _model().evaluate(X, y, verbose=0), lambda: _model().train_on_batch(X, y),
                 lambda: _model().test_on_batch(X, y)):
        with pytest.raises(ValueError, match="y holds strings.*np.unique"):
            call()
    with pytest.raises(ValueError, match="validation_data: y holds strings"):
        _model().fit(X, Y, validation_data=(X, y), verbose=0)
    with pytest.raises(ValueError, match="y_true holds strings.*np.unique"):
        losses.sparse_categorical_crossentropy(np.array(["a", "b"]), np.full((2, 3), 1 / 3, np.float32))
    with pytest.raises(ValueError, match="y_true holds strings"):
        metrics.SparseCategoricalAccuracy()(np.array(["a", "b"]), np.full((2, 3), 1 / 3))
    with pytest.raises(ValueError, match="np.unique"):
        keras.utils.to_categorical(np.array(["a", "b"]))


def test_object_labels_of_numbers_still_train():
    _model().fit(X, np.array(list(Y), dtype=object), verbose=0)


def test_string_inputs():
    with pytest.raises(ValueError, match="x holds strings.*inputs must be numbers"):
        _model().fit(np.array([["a"] * 4] * 10), Y, verbose=0)
    with pytest.raises(ValueError, match="x holds strings"):
        _model().predict(np.array([["a"] * 4] * 2), verbose=0)


def test_ragged_python_list_input():
    with pytest.raises(ValueError, match=r"x is a Python list that cannot be converted.*different lengths \[1, 2\]"):
        _model().fit([[1, 2], [3]], Y[:2], verbose=0)


# ----------------------------------------------------------------------------- Input and layer arguments
@pytest.mark.parametrize("kwargs,match", [
    ({"shape": (-1, 3)}, r"'\(-1, 3\)'.*negative dimensions are not allowed.*`shape` entry 0 is -1"),
    ({"shape": (2.5,)}, r"`shape` entry 0 is 2.5 of type float.*integer"),
    ({"shape": (True,)}, r"`shape` entry 0 is True"),
    ({"shape": 5}, r"Cannot convert '5' to a shape.*shape=\(5,\)"),
    ({"shape": "ab"}, r"Cannot convert 'ab' to a shape"),
    ({"batch_shape": (None, -2)}, r"negative dimensions.*`batch_shape` entry 1 is -2"),
    ({"shape": (3,), "batch_size": -1}, r"`batch_size`.*positive integer.*batch_size=-1"),
    ({"shape": (3,), "batch_shape": (None, 3)}, "both `shape` and `batch_shape`"),
    ({"batch_shape": (None, 3), "batch_size": 4}, "both `batch_size` and `batch_shape`"),
    ({"shape": (3,), "dtype": "flot32"}, r"invalid dtype: 'flot32'"),
])
def test_input_rejects_bad_shapes(kwargs, match):
    with pytest.raises(ValueError, match=match):
        keras.Input(**kwargs)


def test_input_accepts_what_keras_accepts():
    assert keras.Input(shape=(0,)).shape == (None, 0)              # Keras allows a zero-size dimension
    assert keras.Input(shape=[None, np.int64(3)]).shape == (None, None, 3)
    assert keras.Input(batch_shape=(8, 2)).shape == (8, 2)


def test_layer_input_shape_arguments():
    with pytest.raises(ValueError, match=r"negative dimensions.*`input_shape` entry 0 is -3"):
        layers.Dense(2, input_shape=(-3,))
    with pytest.raises(ValueError, match=r"Dense: .*`input_dim`.*input_dim=-4"):
        layers.Dense(2, input_dim=-4)
    with pytest.raises(ValueError, match=r"Dense\(dtype=...\): invalid dtype: 'flot32'"):
        layers.Dense(2, dtype="flot32")
    with pytest.raises(ValueError, match=r"`input_shape` entry 1 is -1"):
        keras.Sequential([layers.Dense(3)]).build((None, -1))


@pytest.mark.parametrize("make,match", [
    (lambda: layers.Dropout("a"), r"`rate`.*between 0 and 1.*rate='a'"),
    (lambda: layers.Dropout(None), r"`rate`.*rate=None"),
    (lambda: layers.Dropout(1.5), r"rate=1.5"),
    (lambda: layers.Dropout(0.5, noise_shape=(None, -1)), r"`noise_shape` entry 1 is -1"),
    (lambda: layers.Reshape((-2,)), r"negative dimensions.*`target_shape`"),
    (lambda: layers.Reshape((-1, -1)), r"at most one unknown dimension \(-1\) in target_shape"),
    (lambda: layers.Reshape("ab"), r"Cannot convert 'ab' to a shape: `target_shape`"),
    (lambda: layers.Reshape((2.5, 2)), r"`target_shape` entry 0 is 2.5"),
    (lambda: layers.LeakyReLU("a"), r"negative_slope.*negative_slope='a'"),
    (lambda: layers.LeakyReLU(-0.1), r"negative_slope=-0.1"),
    (lambda: layers.ReLU(max_value="a"), r"max_value of a ReLU layer.*max_value='a'"),
    (lambda: layers.ReLU(negative_slope=-1), r"negative_slope of a ReLU layer.*-1"),
    (lambda: layers.ReLU(threshold=None), r"threshold of a ReLU layer.*threshold=None"),
    (lambda: layers.ELU("a"), r"ELU: .*`alpha`.*alpha='a'"),
    (lambda: layers.Softmax(axis="a"), r"Softmax: `axis` must be an integer"),
    (lambda: layers.BatchNormalization(momentum="x"), r"BatchNormalization: .*`momentum`.*momentum='x'"),
    (lambda: layers.BatchNormalization(momentum=1.5), r"`momentum`.*<= 1.0"),
    (lambda: layers.BatchNormalization(epsilon=0), r"`epsilon`.*> 0.0"),
    (lambda: layers.BatchNormalization(axis="a"), r"BatchNormalization: `axis` must be an integer"),
    (lambda: layers.LayerNormalization(epsilon="a"), r"LayerNormalization: .*`epsilon`"),
    (lambda: layers.Concatenate(axis="a"), r"Concatenate: `axis` must be an integer"),
])
def test_layer_constructor_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_layer_calls_name_the_layer():
    z = np.zeros
    with pytest.raises(ValueError, match=r"Reshape layer 'r': .*shape \(4,\) \(4 values\).*target_shape=\(5,\)"):
        layers.Reshape((5,), name="r")(z((2, 4), np.float32))
    with pytest.raises(ValueError, match=r"Reshape layer 'r3'.*target_shape=\(3, -1\)"):
        layers.Reshape((3, -1), name="r3")(z((2, 4), np.float32))
    assert layers.Reshape((2, -1))(z((2, 4), np.float32)).shape == (2, 2, 2)
    with pytest.raises(ValueError, match=r"Concatenate.*matching shapes.*\[\(2, 3\), \(3, 3\)\]"):
        layers.Concatenate()([z((2, 3), np.float32), z((3, 3), np.float32)])
    with pytest.raises(ValueError, match=r"Concatenate layer 'c': axis 2 is out of range"):
        layers.Concatenate(axis=2, name="c")([z((2, 3), np.float32), z((2, 3), np.float32)])
    with pytest.raises(ValueError, match=r"Add layer 'a': inputs have incompatible shapes \(2, 3\), \(2, 4\)"):
        layers.Add(name="a")([z((2, 3), np.float32), z((2, 4), np.float32)])
    with pytest.raises(ValueError, match=r"Softmax layer 's': axis 5 is out of range.*\(2, 3\)"):
        layers.Softmax(axis=5, name="s")(z((2, 3), np.float32))
    bn = layers.BatchNormalization(name="bn")
    bn(z((2, 3), np.float32))
    with pytest.raises(ValueError, match=r"layer 'bn'.*axis -1 of input shape to have value 3.*\(2, 4\)"):
        bn(z((2, 4), np.float32))
    ln = layers.LayerNormalization(name="ln")
    ln(z((2, 3), np.float32))
    with pytest.raises(ValueError, match=r"layer 'ln'.*sizes \[3\].*\(2, 4\)"):
        ln(z((2, 4), np.float32))


def test_normalization_layer():
    with pytest.raises(ValueError, match=r"axis` values must be in the range \[-ndim, ndim\).*ndim=2.*axis=\(3,\)"):
        layers.Normalization(axis=3).adapt(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"`mean` has shape \(2,\).*expected shape \(3,\)"):
        layers.Normalization(mean=[1, 2], variance=[1, 2, 3])(np.zeros((2, 3), np.float32))
    n = layers.Normalization(name="norm")
    n.adapt(np.random.rand(5, 3))
    with pytest.raises(ValueError, match=r"data of shape \(5, 4\) does not match.*\(None, 3\)"):
        n.adapt(np.random.rand(5, 4))
    with pytest.raises(ValueError, match="has no samples"):
        n.adapt(np.zeros((0, 3)))
    with pytest.raises(ValueError, match="data holds strings"):
        n.adapt(np.array([["a"] * 3] * 2))
    with pytest.raises(ValueError, match="no batches"):
        n.adapt(iter([]))
    with pytest.raises(ValueError, match=r"layer 'norm'.*\(None, 3\).*\(2, 4\)"):
        n(np.zeros((2, 4), np.float32))


def test_dict_input_to_sequential_names_the_layer():
    with pytest.raises(ValueError, match=r"Layer 'dense\w*' \(Dense\) expects one tensor.*dict with keys \['nope'\]"):
        _model().fit({"nope": X}, Y, verbose=0)


# ----------------------------------------------------------------------------- fit / evaluate / predict arguments
@pytest.mark.parametrize("kwargs,match", [
    ({"validation_split": 1.5}, r"`validation_split` must be a float in \[0, 1\).*1.5"),
    ({"validation_split": -0.1}, r"`validation_split`.*-0.1"),
    ({"validation_split": 1.0}, r"`validation_split`.*1.0"),
    ({"validation_split": "a"}, r"`validation_split`.*'a'"),
    ({"batch_size": 0}, r"`batch_size`.*positive integer.*batch_size=0"),
    ({"batch_size": -1}, r"batch_size=-1"),
    ({"batch_size": 2.5}, r"batch_size=2.5"),
    ({"epochs": -1}, r"`epochs`.*integer >= 0.*epochs=-1"),
    ({"epochs": 2.5}, r"epochs=2.5"),
    ({"epochs": "3"}, r"epochs='3'"),
    ({"initial_epoch": -1}, r"`initial_epoch`.*-1"),
    ({"steps_per_epoch": 0}, r"`steps_per_epoch`.*positive integer.*0"),
    ({"validation_split": 0.2, "validation_freq": 0}, r"`validation_freq` must be a positive integer.*0"),
    ({"validation_split": 0.2, "validation_freq": [0, 2]}, r"`validation_freq`.*\[0, 2\]"),
    ({"verbose": "x"}, r"`verbose` must be 'auto', 0 .*1 .*2 .*verbose='x'"),
    ({"shuffle": "x"}, r"`shuffle` must be True, False or 'batch'"),
    ({"class_weight": [1, 2, 3]}, r"Expected `class_weight` to be a dict.*\[1, 2, 3\]"),
    ({"class_weight": {"a": 1.0}}, r"`class_weight` keys must be integer class indices.*'a'"),
    ({"validation_data": X}, r"`validation_data` is a single array of shape \(10, 4\).*\(x_val, y_val\)"),
    ({"validation_data": {"x": X}}, r"`validation_data` is a dict"),
    ({"validation_data": 5}, r"`validation_data` must be a tuple.*got int 5"),
    ({"validation_data": (X, Y, Y, Y)}, r"`validation_data` must be a tuple.*tuple of 4 element"),
    ({"validation_data": (X,)}, r"`validation_data` must be a tuple.*tuple of 1 element"),
    ({"validation_data": (X, Y[:5])}, r"validation_data: .*x has 10 samples but y has 5"),
])
def test_fit_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        _model().fit(X, Y, **{"verbose": 0, **kwargs})


def test_fit_arguments_that_are_fine():
    m = _model()
    assert m.fit(X, Y, epochs=0, verbose=0).history == {}      # Keras: nothing to do, no error
    m.fit(X, Y, shuffle="batch", validation_freq=[1], validation_split=0.2, verbose=0)
    m.fit(X, Y, validation_data=[(X, Y)], verbose=0)              # a list of batches is an iterable


@pytest.mark.parametrize("call,match", [
    (lambda m: m.evaluate(X, Y, batch_size=0, verbose=0), r"evaluate\(\): .*`batch_size`.*0"),
    (lambda m: m.evaluate(X, Y, steps=0, verbose=0), r"evaluate\(\): .*`steps`"),
    (lambda m: m.evaluate(X, Y, verbose=3.5), r"evaluate\(\): `verbose`"),
    (lambda m: m.predict(X, batch_size=-2, verbose=0), r"predict\(\): .*`batch_size`.*-2"),
    (lambda m: m.predict(X, steps=-1, verbose=0), r"predict\(\): .*`steps`"),
    (lambda m: m.predict(None, verbose=0), r"predict: x is required"),
    (lambda m: m.evaluate(np.zeros((0, 4), np.float32), np.zeros(0, np.int64), verbose=0), "no batches"),
    (lambda m: m.get_layer(index=7), r"retrieve layer at index 7 but model only has 1 layers"),
])
def test_evaluate_predict_and_model_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call(_model())


def _two_outputs():
    a = keras.Input((4,), name="a")
    m = keras.Model(a, [layers.Dense(3, activation="softmax", name="o1")(a),
                        layers.Dense(3, activation="softmax", name="o2")(a)])
    m.compile("adam", "sparse_categorical_crossentropy")
    return m


def test_multi_output_targets():
    with pytest.raises(ValueError, match=r"the model has 2 outputs \['o1', 'o2'\] but y is a single array|"
                                         r"the model has 2 outputs \(\['o1', 'o2'\]\) but y is a single array"):
        _two_outputs().fit(X, Y, verbose=0)
    with pytest.raises(ValueError, match=r"missing output name\(s\) \['o1'\].*unknown key\(s\): \['zz'\]"):
        _two_outputs().fit(X, {"zz": Y, "o2": Y}, verbose=0)
    _two_outputs().fit(X, [Y, Y], verbose=0)


def test_functional_dict_inputs_name_unknown_keys():
    i = keras.Input((4,), name="inp")
    m = keras.Model(i, layers.Dense(3)(i))
    with pytest.raises(ValueError, match=r"Missing input\(s\) \['inp'\].*unknown key\(s\) \['nope'\]"):
        m.predict({"nope": X}, verbose=0)


def test_label_range_message_gives_the_labels_range():
    with pytest.raises(ValueError, match=r"label 5 is out of range.*3 output units.*range from 0 to 5"):
        _model().fit(X, np.r_[Y[:9], 5], verbose=0)
    with pytest.raises(ValueError, match=r"metric sparse_categorical_crossentropy: label 7 .*3 output units"):
        metrics.SparseCategoricalCrossentropy()(np.array([0, 7]), np.ones((2, 3)) / 3)


# ----------------------------------------------------------------------------- NaN, empty data, edge values
def test_nan_inputs_train_without_warnings_and_terminate_on_nan_stops():
    xn = np.full((10, 4), np.nan, np.float32)
    m = _model()
    h = _no_warnings(lambda: m.fit(xn, Y, batch_size=2, epochs=3, verbose=0,
                                   callbacks=[callbacks.TerminateOnNaN()]))
    assert len(h.history["loss"]) == 1 and np.isnan(h.history["loss"][0])


def test_metrics_on_edge_data_warn_nothing():
    def run():
        out = {
            "auc": metrics.AUC()(np.zeros(4), np.random.rand(4)),
            "precision": metrics.Precision()(np.zeros(4), np.zeros(4)),
            "recall": metrics.Recall()(np.zeros(4), np.zeros(4)),
            "mean": metrics.Mean()(np.zeros(0)),
            "rmse": metrics.RootMeanSquaredError().result(),
            "bce": metrics.BinaryCrossentropy()(np.array([[1.0], [0.0]]), np.array([[0.0], [1.0]])),
            "cce0": metrics.CategoricalCrossentropy()(np.eye(3), np.zeros((3, 3))),
            "auc_logits": metrics.AUC(from_logits=True)(np.array([0, 1]), np.array([-1000.0, 1000.0])),
            "mape": metrics.MeanAbsolutePercentageError()(np.zeros((2, 1)), np.zeros((2, 1))),
        }
        return out
    out = _no_warnings(run)
    assert out["auc"] == out["precision"] == out["recall"] == out["mean"] == out["rmse"] == 0.0
    assert out["bce"] == pytest.approx(-np.log(1e-7), rel=1e-4)        # clipped at epsilon, as Keras
    assert np.isnan(out["cce0"])                                          # 0/0 normalisation: NaN, as Keras
    assert out["auc_logits"] == 1.0 and out["mape"] == 0.0


def test_losses_on_edge_data():
    def run():
        return (losses.binary_crossentropy(np.array([[1.0], [0.0]]), np.array([[0.0], [1.0]], np.float32)),
                losses.MeanSquaredError()(np.zeros((0, 1)), np.zeros((0, 1), np.float32)),
                losses.SparseCategoricalCrossentropy()(np.zeros(0, np.int64), np.zeros((0, 3), np.float32)))
    bce, empty, empty_sparse = _no_warnings(run)
    # clipped to [eps, 1 - eps] in float32, as Keras: -log(1e-7) and -log(1 - float32(1 - 1e-7))
    assert np.allclose(bce.numpy(), [-np.log(1e-7), -np.log(1 - np.float32(1 - 1e-7))], rtol=1e-4)
    assert float(empty.item()) == 0.0 and float(empty_sparse.item()) == 0.0    # not NaN (Keras: divide_no_nan)
    with pytest.raises(ValueError, match=r"huber: .*`delta`.*'a'"):
        losses.Huber(delta="a")(np.zeros((2, 1)), np.zeros((2, 1), np.float32))


@pytest.mark.parametrize("make,match", [
    (lambda: metrics.SparseTopKCategoricalAccuracy(k=0)(np.array([0, 1]), np.ones((2, 3)) / 3), r"`k`.*k=0"),
    (lambda: metrics.AUC(num_thresholds=1), r"`num_thresholds` must be an integer > 1.*1"),
    (lambda: metrics.CategoricalAccuracy()(np.eye(3)[:2], np.ones((3, 3))),
     r"categorical_accuracy: y_true shape \(2, 3\) does not match y_pred shape \(3, 3\)"),
    (lambda: metrics.Precision(class_id=5)(np.ones((2, 3)), np.ones((2, 3))), r"class_id=5 is out of range"),
    (lambda: metrics.Accuracy()(np.ones(3), np.ones(2)), r"y_true has 3 samples.*y_pred has 2"),
    (lambda: metrics.SparseCategoricalAccuracy()(np.zeros(3), np.ones((2, 3))),
     r"y_true shape \(3,\) does not fit y_pred shape \(2, 3\)"),
])
def test_metric_arguments_and_shapes(make, match):
    with pytest.raises(ValueError, match=match):
        make()


# ----------------------------------------------------------------------------- optimizers, regularizers, utils
@pytest.mark.parametrize("make,match", [
    (lambda: optimizers.Adam(learning_rate=-1.0), r"Adam: .*`learning_rate`.*>= 0.0.*-1.0"),
    (lambda: optimizers.SGD(learning_rate="a"), r"SGD: .*`learning_rate`.*'a'"),
    (lambda: optimizers.SGD(momentum="a"), r"`momentum` must be a float between \[0, 1\].*'a'"),
    (lambda: optimizers.Adam(beta_1=1.0), r"`beta_1`.*< 1.0"),
    (lambda: optimizers.Adam(epsilon="x"), r"`epsilon`"),
    (lambda: optimizers.RMSprop(rho=2), r"RMSprop: .*`rho`"),
    (lambda: optimizers.Adagrad(initial_accumulator_value=-1), r"`initial_accumulator_value`"),
    (lambda: optimizers.Adam(clipnorm=0), r"`clipnorm`.*> 0.0"),
    (lambda: optimizers.Adam(weight_decay=-0.1), r"`weight_decay`"),
    (lambda: regularizers.l2("a"), r"Invalid value for argument l2: expected a non-negative float.*'a'"),
    (lambda: regularizers.L1L2(l1=-1), r"argument l1"),
    (lambda: keras.utils.to_categorical(np.zeros(0, np.int64)), r"empty array; pass num_classes"),
    (lambda: keras.utils.to_categorical([0, 1], num_classes=0), r"num_classes must be a positive integer"),
])
def test_optimizer_regularizer_and_util_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_learning_rate_setter_is_checked():
    opt = optimizers.Adam()
    with pytest.raises(ValueError, match=r"`learning_rate`.*-0.5"):
        opt.learning_rate = -0.5
    opt.learning_rate = np.float32(0.01)
    assert opt.learning_rate == pytest.approx(0.01)
    assert keras.utils.to_categorical(np.zeros(0, np.int64), num_classes=3).shape == (0, 3)


# ----------------------------------------------------------------------------- callbacks and keras.ops
def test_callback_files_name_the_path(tmp_path):
    afile = tmp_path / "a_file"
    afile.write_text("x")
    with pytest.raises(NotADirectoryError, match=r"CSVLogger cannot open .*a_file/log.csv.*is not a folder"):
        _model().fit(X, Y, verbose=0, callbacks=[callbacks.CSVLogger(afile / "log.csv")])
    with pytest.raises(FileNotFoundError, match=r"CSVLogger cannot open .*the folder .*missing' does not exist"):
        _model().fit(X, Y, verbose=0, callbacks=[callbacks.CSVLogger(tmp_path / "missing" / "log.csv")])
    with pytest.raises(NotADirectoryError, match=r"ModelCheckpoint cannot save to .*a_file.*is an existing file"):
        _model().fit(X, Y, verbose=0, callbacks=[callbacks.ModelCheckpoint(str(afile / "m.keras"))])


def test_keras_ops_argument_checks():
    with pytest.raises(ValueError, match=r"keras.ops.argmax: cannot take the argmax of an empty tensor"):
        ops.argmax(np.zeros((0,)))
    with pytest.raises(ValueError, match=r"keras.ops.argmin: axis 2 is out of range .*\(2, 3\)"):
        ops.argmin(np.zeros((2, 3)), axis=2)
    with pytest.raises(ValueError, match=r"keras.ops.expand_dims: axis 5 is out of range .*\(3,\)"):
        ops.expand_dims(np.zeros(3), 5)
    assert ops.expand_dims(np.zeros(3), -2).shape == (1, 3)
    assert ops.argmax(np.zeros((2, 0)), axis=0).shape == (0,)
