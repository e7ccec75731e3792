"""Faults around Keras model files: load_model / load_weights refuse bad paths and files, and an edited
configuration is checked against the stored weights before anything is allocated."""
import errno
import os
import stat
import threading

import numpy as np
import pytest

import nerve
from nerve import keras, serialization
from nerve._files import NotARegularFileError
from nerve.keras import layers
from nerve.keras.layers.base import Layer
from nerve.serialization import CheckpointError


def _model():
    return keras.Sequential([keras.Input(shape=(4,)), layers.Dense(8, activation="relu"), layers.Dense(3)])


@pytest.fixture
def saved(tmp_path):
    model = _model()
    path = tmp_path / "model.keras"
    model.save(path)
    return model, path


def _tampered(path, edit, tmp_path):
    payload = nerve.load(path)
    edit(payload)
    out = tmp_path / "tampered.keras"
    nerve.save(payload, out)
    return out


def _layers(payload):
    return payload["model"]["config"]["layers"]


class _SpyAddWeight:
    """Layer.add_weight, recording every shape that reaches it (so a huge one would show up)."""

    def __init__(self, real):
        self.real, self.shapes = real, []

    def install(self, monkeypatch):
        spy = self
        real = self.real

        def add_weight(layer, *args, **kwargs):
            shape = kwargs.get("shape", args[0] if args else None)
            shape = tuple(shape) if isinstance(shape, (tuple, list)) else ()
            spy.shapes.append(shape)
            if int(np.prod(shape, dtype=np.float64)) > 10 ** 6:
                raise AssertionError(f"add_weight reached with shape {shape}: allocated before checking")
            return real(layer, *args, **kwargs)
        monkeypatch.setattr(Layer, "add_weight", add_weight)
        return add_weight


def _finishes(fn, fifo, timeout=10.0):
    box = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as e:  # noqa: BLE001
            box["error"] = e
    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive():
        try:
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass
        pytest.fail(f"still blocked on {fifo} after {timeout} s")
    return box


# ----------------------------------------------------------------------------- paths

def test_load_model_and_load_weights_refuse_non_files(tmp_path):
    model = _model()
    missing = tmp_path / "missing.keras"
    with pytest.raises(FileNotFoundError, match="no such Keras model file") as ei:
        keras.models.load_model(missing)
    assert str(missing) in str(ei.value)
    with pytest.raises(FileNotFoundError, match="no such weights file"):
        model.load_weights(missing)
    with pytest.raises(IsADirectoryError, match="is a directory") as ei:
        keras.models.load_model(tmp_path)
    assert str(tmp_path) in str(ei.value)
    with pytest.raises(IsADirectoryError, match="is a directory"):
        model.load_weights(tmp_path)
    for device in ("/dev/zero", "/dev/null"):
        if os.path.exists(device) and stat.S_ISCHR(os.stat(device).st_mode):
            with pytest.raises(NotARegularFileError, match=f"'{device}' is a character device"):
                keras.models.load_model(device)
            with pytest.raises(NotARegularFileError, match=f"'{device}' is a character device"):
                model.load_weights(device)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = str(tmp_path / "model.keras")
    os.mkfifo(fifo)
    for fn in (lambda: keras.models.load_model(fifo), lambda: _model().load_weights(fifo)):
        box = _finishes(fn, fifo)
        assert isinstance(box.get("error"), NotARegularFileError), box
        assert fifo in str(box["error"]) and "FIFO" in str(box["error"])


# ----------------------------------------------------------------------------- files that are no model

def test_files_that_are_not_models(tmp_path, saved):
    model, _ = saved
    text = tmp_path / "notes.keras"
    text.write_text("this is not a model, just some notes about one\n")
    for fn in (keras.models.load_model, model.load_weights):
        with pytest.raises(CheckpointError, match="truncated or corrupted") as ei:
            fn(text)
        assert str(text) in str(ei.value) and "text file" in str(ei.value)
    plain = tmp_path / "plain.safetensors"
    nerve.save({"epoch": 3, "lr": 0.1}, plain)
    with pytest.raises(ValueError, match=r"not a model saved by model.save\(\).*nerve.load") as ei:
        keras.models.load_model(plain)
    assert str(plain) in str(ei.value)
    with pytest.raises(ValueError, match=r"holds no weights: the entries 'epoch', 'lr' are not tensors"):
        model.load_weights(plain)
    sd = tmp_path / "sd.safetensors"
    nerve.save(model.state_dict(), sd)
    with pytest.raises(ValueError, match=r"holds only tensors.*load_weights"):
        keras.models.load_model(sd)
    model.load_weights(sd)  # the plain state_dict is fine for load_weights


def test_truncated_model_file(tmp_path, saved):
    _, path = saved
    data = path.read_bytes()
    for cut in (0, 7, 100, len(data) - 10):
        path.write_bytes(data[:cut])
        with pytest.raises(CheckpointError, match="truncated or corrupted") as ei:
            keras.models.load_model(path)
        assert str(path) in str(ei.value)


def test_corrupted_structure_json(tmp_path):
    from safetensors.numpy import save_file
    p = tmp_path / "model.keras"
    save_file({"x": np.zeros(2)}, str(p), metadata={"format": "nerve", "nerve_version": "1",
                                                    "structure": '{"t": "dict", "v": [[{"t": '})
    with pytest.raises(CheckpointError, match="structure metadata is corrupted") as ei:
        keras.models.load_model(p)
    assert str(p) in str(ei.value) and "\n" not in str(ei.value)


# ----------------------------------------------------------------------------- configuration vs weights

def test_huge_dense_is_refused_before_allocating(tmp_path, saved, monkeypatch):
    _, path = saved

    def huge(payload):
        _layers(payload)[0]["config"]["units"] = 10 ** 9
    bad = _tampered(path, huge, tmp_path)
    spy = _SpyAddWeight(Layer.__dict__["add_weight"])
    installed = spy.install(monkeypatch)
    with pytest.raises(ValueError) as ei:
        keras.models.load_model(bad)
    msg = str(ei.value)
    assert str(bad) in msg and "does not match the stored weights" in msg
    assert "layer 'dense" in msg and "(Dense)" in msg and "'0.kernel'" in msg
    assert "(4, 1000000000)" in msg and "(4, 8)" in msg
    assert all(int(np.prod(s)) <= 10 ** 6 for s in spy.shapes)
    assert Layer.__dict__["add_weight"] is installed  # the check is gone again after the load


def test_huge_build_input_shape_is_refused(tmp_path, saved, monkeypatch):
    _, path = saved
    _SpyAddWeight(Layer.__dict__["add_weight"]).install(monkeypatch)   # a regression fails, never allocates

    def wide(payload):
        payload["model"]["config"]["build_input_shape"] = [None, 10 ** 9]
        payload["model"]["build_input_shape"] = [None, 10 ** 9]
    with pytest.raises(ValueError, match=r"'0.kernel' with shape \(1000000000, 8\).*shape \(4, 8\)"):
        keras.models.load_model(_tampered(path, wide, tmp_path))


def test_extra_missing_and_renamed_layers(tmp_path, saved):
    _, path = saved

    def extra(payload):
        cfg = dict(_layers(payload)[1])
        cfg["config"] = {**cfg["config"], "name": "dense_extra"}
        _layers(payload).append(cfg)
    with pytest.raises(ValueError, match=r"configuration creates weights the file does not have: '2.kernel' "
                                         r"\(layer 'dense_extra'\), '2.bias'") as ei:
        keras.models.load_model(_tampered(path, extra, tmp_path))
    assert "6 weights in the configuration, 4 in the file" in str(ei.value)

    def fewer(payload):
        _layers(payload).pop()
    with pytest.raises(ValueError, match=r"the file has weights the configuration does not use: '1.kernel', "
                                         r"'1.bias'"):
        keras.models.load_model(_tampered(path, fewer, tmp_path))

    def renamed(payload):
        payload["weights"]["0.kernel_old"] = payload["weights"].pop("0.kernel")
    with pytest.raises(ValueError, match=r"does not have: '0.kernel'.*does not use: '0.kernel_old'"):
        keras.models.load_model(_tampered(path, renamed, tmp_path))


def test_huge_extra_layer_is_refused_by_size(tmp_path, saved, monkeypatch):
    _, path = saved

    def extra(payload):
        _layers(payload).append({"class_name": "Dense", "config": {"name": "giant", "units": 10 ** 8}})
    spy = _SpyAddWeight(Layer.__dict__["add_weight"])
    spy.install(monkeypatch)
    with pytest.raises(ValueError, match=r"layer 'giant' \(Dense\) would create weight '2.kernel' with shape "
                                         r"\(3, 100000000\).*larger than any weight the file stores"):
        keras.models.load_model(_tampered(path, extra, tmp_path))
    assert all(int(np.prod(s)) <= 10 ** 6 for s in spy.shapes)


class Block(layers.Layer):
    """A custom layer with sublayers: its weights live at '<index>.d1.kernel', ..."""

    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.d1 = layers.Dense(units)
        self.d2 = layers.Dense(units)

    def call(self, x):
        return self.d2(self.d1(x))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def _functional():
    a = keras.Input(shape=(3,), name="a")
    b = keras.Input(shape=(5,), name="b")
    inner = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(6), layers.BatchNormalization()])
    h = layers.Concatenate()([layers.Dense(4)(a), layers.Dense(4)(b)])
    return keras.Model([a, b], Block(5)(inner(layers.Dense(8)(h))))


def test_functional_nested_and_custom_layers_are_checked_by_name(tmp_path):
    model = _functional()
    path = tmp_path / "f.keras"
    model.save(path)
    loaded = keras.models.load_model(path, custom_objects={"Block": Block})   # an honest file loads
    x = [np.ones((2, 3), np.float32), np.ones((2, 5), np.float32)]
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    names = [lc["class_name"] for lc in _layers(nerve.load(path))]
    i_seq, i_block = names.index("Sequential"), names.index("Block")

    def inner(payload):
        _layers(payload)[i_seq]["config"]["layers"][0]["config"]["units"] = 7
    with pytest.raises(ValueError, match=rf"'{i_seq}.0.kernel' with shape \(8, 7\).*shape \(8, 6\)"):
        keras.models.load_model(_tampered(path, inner, tmp_path), custom_objects={"Block": Block})

    def block(payload):
        _layers(payload)[i_block]["config"]["units"] = 10 ** 6
    with pytest.raises(ValueError, match=rf"'{i_block}.d1.kernel' with shape \(6, 1000000\).*shape \(6, 5\)"):
        keras.models.load_model(_tampered(path, block, tmp_path), custom_objects={"Block": Block})


def test_unknown_class_names_it_and_custom_objects(tmp_path, saved):
    _, path = saved

    def rename(payload):
        _layers(payload)[0]["class_name"] = "FancyDense"
    bad = _tampered(path, rename, tmp_path)
    with pytest.raises(ValueError, match=r"Unknown layer or model class 'FancyDense'.*custom_objects="
                                         r"\{'FancyDense': FancyDense\}") as ei:
        keras.models.load_model(bad)
    assert str(bad) in str(ei.value)


@pytest.mark.parametrize("edit,fragment", [
    (lambda p: p.__setitem__("model", "garbage"), "model configuration is malformed"),
    (lambda p: p["model"]["config"].__setitem__("layers", [1, 2]), "a layer configuration must be a dict"),
    (lambda p: _layers(p)[0].__setitem__("config", [1]), "configuration of the Dense layer must be a dict"),
    (lambda p: p["model"].__setitem__("build_input_shape", [None, -3]), "build_input_shape [None, -3] is malformed"),
    (lambda p: p.__setitem__("weights", {"0.kernel": "not a tensor"}), "stored weights are malformed"),
    (lambda p: _layers(p)[0]["config"].__setitem__("units", "many"), "invalid value for `units`"),
], ids=["model-not-a-dict", "layers-not-dicts", "config-not-a-dict", "negative-shape", "weights-not-tensors",
        "bad-units"])
def test_malformed_configuration(tmp_path, saved, edit, fragment):
    _, path = saved
    bad = _tampered(path, edit, tmp_path)
    with pytest.raises(ValueError) as ei:
        keras.models.load_model(bad)
    msg = str(ei.value)
    assert f"cannot load model from {str(bad)!r}" in msg and fragment in msg, msg


def test_failed_load_leaves_layers_working(tmp_path, saved, monkeypatch):
    _, path = saved
    real = _SpyAddWeight(Layer.__dict__["add_weight"]).install(monkeypatch)

    def huge(payload):
        _layers(payload)[1]["config"]["units"] = 10 ** 9
    with pytest.raises(ValueError):
        keras.models.load_model(_tampered(path, huge, tmp_path))
    assert Layer.__dict__["add_weight"] is real
    d = layers.Dense(500)
    d(nerve.ones(1, 2000))   # no stale check applies outside load_model
    assert tuple(d.kernel.shape) == (2000, 500)


# ----------------------------------------------------------------------------- saving

def test_model_save_errors_name_the_path(tmp_path, monkeypatch):
    model = _model()
    with pytest.raises(FileNotFoundError, match="does not exist") as ei:
        model.save(tmp_path / "no" / "model.keras")
    assert str(tmp_path / "no" / "model.keras") in str(ei.value) and "[Errno" not in str(ei.value)
    with pytest.raises(IsADirectoryError, match="is a directory"):
        model.save(tmp_path)
    path = tmp_path / "w.weights.h5"
    model.save_weights(path)
    old = path.read_bytes()

    def full(tensors, tmp, metadata):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), tmp)
    monkeypatch.setattr(serialization, "_write_safetensors", full)
    with pytest.raises(OSError, match="No space left on device") as ei:
        model.save_weights(path)
    assert str(path) in str(ei.value) and ".tmp" not in str(ei.value)
    assert path.read_bytes() == old and sorted(os.listdir(tmp_path)) == ["w.weights.h5"]
    monkeypatch.undo()
    twin = _model()
    twin.load_weights(path)
    for a, b in zip(twin.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
