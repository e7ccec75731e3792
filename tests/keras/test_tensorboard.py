"""TensorBoard callback: events written with tensorboardX, read back with TensorBoard's reader."""
import sys

import numpy as np
import pytest

pytest.importorskip("tensorboardX")
event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")

from nerve.keras import callbacks as C  # noqa: E402


class FakeOptimizer:
    learning_rate = 0.01


class FakeModel:
    def __init__(self):
        self.stop_training = False
        self.optimizer = FakeOptimizer()
        self.w = np.arange(6, dtype=np.float32).reshape(2, 3)

    def get_weights(self):
        return [self.w.copy(), np.ones(3, np.float32)]

    def set_weights(self, weights):
        self.w = weights[0]


def read(path):
    ea = event_accumulator.EventAccumulator(
        str(path), size_guidance={event_accumulator.SCALARS: 0, event_accumulator.HISTOGRAMS: 0})
    ea.Reload()
    return ea


def scalars(ea, tag):
    return [(e.step, e.value) for e in ea.Scalars(tag)]


EPOCH_LOGS = [
    {"loss": 0.9, "accuracy": 0.5, "val_loss": 1.0, "val_accuracy": 0.45},
    {"loss": 0.6, "accuracy": 0.7, "val_loss": 0.8, "val_accuracy": 0.6},
    {"loss": 0.4, "accuracy": 0.8, "val_loss": 0.7, "val_accuracy": 0.65},
]


def run(cb, steps=4, model=None):
    model = model or FakeModel()
    cbs = C.CallbackList([cb], model=model, epochs=len(EPOCH_LOGS), steps=steps, verbose=0)
    cbs.on_train_begin()
    for epoch, logs in enumerate(EPOCH_LOGS):
        cbs.on_epoch_begin(epoch)
        for b in range(steps):
            cbs.on_train_batch_end(b, {"loss": 10 * epoch + b, "accuracy": 0.5})
        cbs.on_epoch_end(epoch, dict(logs))
    cbs.on_train_end()


def test_epoch_scalars_train_and_validation(tmp_path):
    run(C.TensorBoard(log_dir=str(tmp_path / "logs")))
    train = read(tmp_path / "logs" / "train")
    val = read(tmp_path / "logs" / "validation")
    assert set(train.Tags()["scalars"]) == {"epoch_loss", "epoch_accuracy", "epoch_learning_rate"}
    assert set(val.Tags()["scalars"]) == {"epoch_loss", "epoch_accuracy"}
    for key in ("loss", "accuracy"):
        got = scalars(train, "epoch_" + key)
        assert [s for s, _ in got] == [0, 1, 2]
        np.testing.assert_allclose([v for _, v in got], [lg[key] for lg in EPOCH_LOGS], rtol=1e-6)
        got = scalars(val, "epoch_" + key)
        assert [s for s, _ in got] == [0, 1, 2]
        np.testing.assert_allclose([v for _, v in got], [lg["val_" + key] for lg in EPOCH_LOGS], rtol=1e-6)
    np.testing.assert_allclose([v for _, v in scalars(train, "epoch_learning_rate")], [0.01] * 3, rtol=1e-6)
    # epoch-only by default: no batch scalars
    assert not any(t.startswith("batch_") for t in train.Tags()["scalars"])


def test_batch_scalars_every_n_batches(tmp_path):
    run(C.TensorBoard(log_dir=str(tmp_path), update_freq=3), steps=4)
    got = scalars(read(tmp_path / "train"), "batch_loss")
    # 12 batches in all, steps counted from 1 across epochs; every 3rd is written
    assert [s for s, _ in got] == [3, 6, 9, 12]
    np.testing.assert_allclose([v for _, v in got], [2, 11, 20, 23])
    run(C.TensorBoard(log_dir=str(tmp_path / "b"), update_freq="batch"), steps=2)
    assert len(scalars(read(tmp_path / "b" / "train"), "batch_accuracy")) == 6


def test_histograms(tmp_path):
    run(C.TensorBoard(log_dir=str(tmp_path), histogram_freq=2))
    ea = read(tmp_path / "train")
    assert set(ea.Tags()["histograms"]) == {"weight_0/histogram", "weight_1/histogram"}
    h = ea.Histograms("weight_0/histogram")
    assert [e.step for e in h] == [0, 2]
    assert h[0].histogram_value.num == 6 and h[0].histogram_value.max == 5.0


def test_options_are_checked(tmp_path):
    with pytest.raises(ValueError, match="update_freq"):
        C.TensorBoard(log_dir=str(tmp_path), update_freq="sometimes")
    with pytest.warns(UserWarning, match="write_graph"):
        C.TensorBoard(log_dir=str(tmp_path), write_graph=True)


def test_clear_error_without_tensorboardx(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorboardX", None)  # import now raises ImportError
    with pytest.raises(ImportError, match=r'pip install "nerve\[tensorboard\]"'):
        C.TensorBoard()
