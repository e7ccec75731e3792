"""Keras callbacks: each one's semantics against a fake model that follows the contract."""
import csv
import re

import numpy as np
import pytest

from nerve.keras import callbacks as C
from nerve.keras.callbacks import progbar_logger as P


class FakeOptimizer:
    def __init__(self, lr=1.0):
        self.learning_rate = lr


class FakeModel:
    """The contract a Keras model offers to callbacks; weights mark the epoch."""

    def __init__(self, lr=1.0):
        self.stop_training = False
        self.optimizer = FakeOptimizer(lr)
        self.w = np.zeros(3, np.float32)
        self.saved = []

    def get_weights(self):
        return [self.w.copy()]

    def set_weights(self, weights):
        self.w = np.array(weights[0], copy=True)

    def save(self, filepath):
        with open(filepath, "w") as f:
            f.write(f"model {self.w[0]}")
        self.saved.append(("save", filepath))

    def save_weights(self, filepath):
        with open(filepath, "w") as f:
            f.write(f"weights {self.w[0]}")
        self.saved.append(("save_weights", filepath))


def fit(callbacks, val, model=None, key="val_loss", steps=3, verbose=0, extra=None, add_history=True):
    """Drive the hooks as fit does; epoch e's weights are all e. Returns (epochs run, list)."""
    model = model or FakeModel()
    cbs = C.CallbackList(callbacks, add_history=add_history, model=model,
                         epochs=len(val), steps=steps, verbose=verbose)
    cbs.on_train_begin()
    run = 0
    for epoch, v in enumerate(val):
        cbs.on_epoch_begin(epoch)
        for b in range(steps):
            cbs.on_train_batch_begin(b)
            model.w[:] = epoch
            cbs.on_train_batch_end(b, {"loss": 1.0 / (epoch + 1)})
        logs = {"loss": 1.0 / (epoch + 1), key: v}
        if extra:
            logs.update(extra(epoch))
        cbs.on_epoch_end(epoch, logs)
        run += 1
        if model.stop_training:
            break
    cbs.on_train_end()
    return run, cbs


# ----------------------------------------------------------------------------- EarlyStopping

def test_early_stopping_patience_stops_at_best_plus_patience_and_restores():
    es = C.EarlyStopping(patience=2, restore_best_weights=True)
    model = FakeModel()
    run, _ = fit([es], [1.0, 0.8, 0.9, 0.95, 0.7, 0.6], model)
    assert run == 4                      # epochs 0..3: best at 1, + patience 2
    assert es.stopped_epoch == 3 and es.best == 0.8 and es.best_epoch == 1 and es.wait == 2
    assert model.stop_training
    np.testing.assert_array_equal(model.w, [1, 1, 1])  # weights of epoch 1 restored


def test_early_stopping_patience_zero_stops_at_first_non_improvement():
    es = C.EarlyStopping(patience=0)
    run, _ = fit([es], [1.0, 0.9, 0.95, 0.5])
    assert run == 3 and es.stopped_epoch == 2


def test_early_stopping_without_restore_keeps_last_weights():
    es = C.EarlyStopping(patience=1)
    model = FakeModel()
    fit([es], [1.0, 2.0, 3.0], model)
    assert es.stopped_epoch == 1
    np.testing.assert_array_equal(model.w, [1, 1, 1])
    assert es.best_weights is None


def test_early_stopping_min_delta():
    # 0.95 and 0.92 do not beat 1.0 by more than 0.1
    es = C.EarlyStopping(patience=2, min_delta=0.1)
    run, _ = fit([es], [1.0, 0.95, 0.92, 0.5, 0.4])
    assert run == 3 and es.stopped_epoch == 2 and es.best == 1.0
    es0 = C.EarlyStopping(patience=2, min_delta=0)
    run, _ = fit([es0], [1.0, 0.95, 0.92, 0.5, 0.4])
    assert run == 5 and es0.stopped_epoch == 0 and es0.best == 0.4


def test_early_stopping_mode_max_and_auto_accuracy():
    vals = [0.5, 0.7, 0.6, 0.65, 0.9]
    for es in (C.EarlyStopping(monitor="val_accuracy", patience=2),
               C.EarlyStopping(monitor="val_accuracy", patience=2, mode="max"),
               C.EarlyStopping(monitor="val_score", patience=2, mode="max")):
        key = es.monitor
        run, _ = fit([es], vals, key=key)
        assert run == 4 and es.stopped_epoch == 3 and es.best == 0.7
    # mode='min' on the same numbers: 0.5 stays the best from epoch 0
    es = C.EarlyStopping(monitor="val_accuracy", patience=2, mode="min")
    run, _ = fit([es], vals, key="val_accuracy")
    assert run == 3 and es.best == 0.5


def test_early_stopping_baseline():
    # Never beats the baseline: wait is never reset, stop at the first non-improving
    # epoch once wait >= patience.
    es = C.EarlyStopping(patience=3, baseline=0.5)
    run, _ = fit([es], [0.9, 0.8, 0.85, 0.7, 0.6])
    assert run == 3 and es.stopped_epoch == 2 and es.best == 0.8
    # Beats it at epoch 1: then the usual patience counting from there.
    es = C.EarlyStopping(patience=3, baseline=0.5)
    run, _ = fit([es], [0.9, 0.4, 0.45, 0.5, 0.55, 0.1])
    assert run == 5 and es.stopped_epoch == 4 and es.best == 0.4


def test_early_stopping_start_from_epoch():
    es = C.EarlyStopping(monitor="loss", patience=0, start_from_epoch=3)
    # Increasing loss: epochs 0-2 ignored, epoch 3 sets best, epoch 4 stops.
    run, _ = fit([es], [1, 2, 3, 4, 5, 6], key="loss_unused",
                 extra=lambda e: {"loss": float(e + 1)})
    assert run == 5 and es.stopped_epoch == 4 and es.best == 4.0


def test_early_stopping_restores_best_even_without_stopping():
    # Keras 3: restore in on_train_end whenever best weights were recorded.
    es = C.EarlyStopping(patience=5, restore_best_weights=True, verbose=1)
    model = FakeModel()
    run, _ = fit([es], [1.0, 0.5, 0.7], model)
    assert run == 3 and es.stopped_epoch == 0 and not model.stop_training
    np.testing.assert_array_equal(model.w, [1, 1, 1])


def test_early_stopping_verbose_messages(capsys):
    es = C.EarlyStopping(patience=1, restore_best_weights=True, verbose=1)
    fit([es], [1.0, 0.5, 0.7, 0.8])
    out = capsys.readouterr().out
    assert "Epoch 3: early stopping" in out
    assert "Restoring model weights from the end of the best epoch: 2." in out


def test_early_stopping_reusable_and_missing_metric():
    es = C.EarlyStopping(patience=1)
    fit([es], [1.0, 2.0, 3.0])
    assert es.stopped_epoch == 1
    run, _ = fit([es], [3.0, 2.0, 1.0])  # state reset at train begin
    assert run == 3 and es.stopped_epoch == 0 and es.best == 1.0
    es = C.EarlyStopping(monitor="val_missing", patience=0, mode="min")
    with pytest.warns(UserWarning, match="val_missing.*not available"):
        run, _ = fit([es], [1.0, 2.0, 3.0])
    assert run == 3


def test_early_stopping_mode_checks():
    with pytest.warns(UserWarning, match="unknown"):
        es = C.EarlyStopping(mode="bogus")
    assert es.mode == "auto"
    es = C.EarlyStopping(monitor="val_foo", patience=0)
    with pytest.raises(ValueError, match="mode='max'"):
        fit([es], [1.0, 2.0], key="val_foo")


def test_monitor_direction_from_model_metrics():
    class Metric:
        name = "foo"
        _direction = "up"

    model = FakeModel()
    model.metrics = [Metric()]
    es = C.EarlyStopping(monitor="val_foo", patience=1)
    run, _ = fit([es], [0.1, 0.2, 0.1, 0.1], model, key="val_foo")
    assert es.best == 0.2 and es.stopped_epoch == 2


# ----------------------------------------------------------------------------- ModelCheckpoint

def test_model_checkpoint_every_epoch_formats_names(tmp_path):
    pattern = str(tmp_path / "ckpt" / "model-{epoch:02d}-{val_loss:.2f}.safetensors")
    model = FakeModel()
    fit([C.ModelCheckpoint(pattern)], [0.5, 0.25, 0.125], model)
    names = sorted(p.name for p in (tmp_path / "ckpt").iterdir())
    assert names == ["model-01-0.50.safetensors", "model-02-0.25.safetensors",
                     "model-03-0.12.safetensors"]
    assert [kind for kind, _ in model.saved] == ["save"] * 3


def test_model_checkpoint_save_best_only(tmp_path):
    model = FakeModel()
    ck = C.ModelCheckpoint(str(tmp_path / "e{epoch}.ckpt"), save_best_only=True)
    fit([ck], [1.0, 0.8, 0.9, 0.7, 0.7], model)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e1.ckpt", "e2.ckpt", "e4.ckpt"]
    assert ck.best == 0.7
    # a fixed name holds the best epoch's model
    model = FakeModel()
    best = tmp_path / "best.ckpt"
    fit([C.ModelCheckpoint(str(best), save_best_only=True, save_weights_only=True)],
        [1.0, 0.8, 0.9, 0.85], model)
    assert best.read_text() == "weights 1.0"
    assert [kind for kind, _ in model.saved] == ["save_weights"] * 2


def test_model_checkpoint_mode_max_threshold_and_verbose(tmp_path, capsys):
    model = FakeModel()
    ck = C.ModelCheckpoint(str(tmp_path / "acc{epoch}.ckpt"), monitor="val_accuracy",
                           save_best_only=True, initial_value_threshold=0.6, verbose=1)
    fit([ck], [0.5, 0.7, 0.65, 0.8], model, key="val_accuracy")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acc2.ckpt", "acc4.ckpt"]
    out = capsys.readouterr().out
    assert "Epoch 1: val_accuracy did not improve from 0.60000" in out
    assert "Epoch 2: val_accuracy improved from 0.60000 to 0.70000, saving model to" in out


def test_model_checkpoint_save_freq_batches(tmp_path):
    ck = C.ModelCheckpoint(str(tmp_path / "e{epoch}-b{batch}.ckpt"), save_freq=2)
    fit([ck], [1.0, 0.9], steps=3)
    # 6 batches in all, a save after every 2nd: (epoch 1, batch 2), (2, 1), (2, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e1-b2.ckpt", "e2-b1.ckpt", "e2-b3.ckpt"]


def test_model_checkpoint_errors(tmp_path):
    with pytest.raises(ValueError, match="save_freq"):
        C.ModelCheckpoint("x.ckpt", save_freq="batch")
    ck = C.ModelCheckpoint(str(tmp_path / "{val_acc:.2f}.ckpt"))
    with pytest.raises(KeyError, match="Failed to format"):
        fit([ck], [1.0])
    (tmp_path / "adir").mkdir()
    with pytest.raises(IsADirectoryError):
        fit([C.ModelCheckpoint(str(tmp_path / "adir"))], [1.0])


def test_model_checkpoint_missing_monitor_warns_and_saves(tmp_path):
    ck = C.ModelCheckpoint(str(tmp_path / "m.ckpt"), monitor="val_nope", save_best_only=True, mode="min")
    with pytest.warns(UserWarning, match="val_nope"):
        fit([ck], [1.0])
    assert (tmp_path / "m.ckpt").exists()


# ----------------------------------------------------------------------------- ReduceLROnPlateau

def lr_trace(cb, vals, lr=1.0):
    model = FakeModel(lr)
    seen = []
    rec = C.LambdaCallback(on_epoch_end=lambda e, logs: seen.append(model.optimizer.learning_rate))
    _, cbs = fit([cb, rec], vals, model)
    return seen, cbs.history.history


def test_reduce_lr_on_plateau_cooldown_and_min_lr():
    cb = C.ReduceLROnPlateau(factor=0.5, patience=2, cooldown=2, min_lr=0.2, min_delta=0)
    lrs, hist = lr_trace(cb, [1.0] * 13)
    assert lrs == [1, 1, .5, .5, .5, .25, .25, .25, .2, .2, .2, .2, .2]
    # the rate in effect during the epoch is logged (before the reduction)
    assert hist["learning_rate"] == [1, 1, 1, .5, .5, .5, .25, .25, .25, .2, .2, .2, .2]
    # at min_lr nothing changes: wait keeps counting
    assert cb.wait == 3


def test_reduce_lr_on_plateau_cooldown_one_is_keras_noop_and_improvements_reset():
    lrs_c0, _ = lr_trace(C.ReduceLROnPlateau(factor=0.5, patience=2, cooldown=0, min_delta=0), [1.0] * 6)
    lrs_c1, _ = lr_trace(C.ReduceLROnPlateau(factor=0.5, patience=2, cooldown=1, min_delta=0), [1.0] * 6)
    assert lrs_c0 == lrs_c1 == [1, 1, .5, .5, .25, .25]
    # improvements bigger than min_delta reset the wait
    lrs, _ = lr_trace(C.ReduceLROnPlateau(factor=0.1, patience=2, min_delta=0.05),
                      [1.0, 0.9, 0.89, 0.8, 0.79, 0.78])
    assert lrs == pytest.approx([1, 1, 1, 1, 1, 0.1])


def test_reduce_lr_on_plateau_mode_max_and_factor_check():
    lrs, _ = lr_trace(C.ReduceLROnPlateau(monitor="val_loss", mode="max", factor=0.5, patience=1),
                      [1.0, 0.5, 2.0])
    assert lrs == [1, .5, .5]
    with pytest.raises(ValueError, match="factor"):
        C.ReduceLROnPlateau(factor=1.0)


# ----------------------------------------------------------------------------- LearningRateScheduler

def test_learning_rate_scheduler_two_and_one_argument_schedules(capsys):
    model = FakeModel(lr=0.8)
    during = []
    sched = C.LearningRateScheduler(lambda epoch, lr: lr if epoch < 2 else lr * 0.5, verbose=1)
    rec = C.LambdaCallback(on_epoch_begin=lambda e, logs: during.append(model.optimizer.learning_rate))
    _, cbs = fit([sched, rec], [1.0] * 5, model)
    assert during == [0.8, 0.8, 0.4, 0.2, 0.1]
    assert cbs.history.history["learning_rate"] == during
    assert "Epoch 3: LearningRateScheduler setting learning rate to 0.4." in capsys.readouterr().out

    model = FakeModel(lr=0.8)
    fit([C.LearningRateScheduler(lambda epoch: 0.1 * (epoch + 1))], [1.0] * 3, model)
    assert model.optimizer.learning_rate == pytest.approx(0.3)


def test_learning_rate_scheduler_rejects_non_numbers():
    with pytest.raises(ValueError, match="should be a float"):
        fit([C.LearningRateScheduler(lambda e, lr: None)], [1.0])
    with pytest.raises(TypeError):
        C.LearningRateScheduler(0.1)


# ----------------------------------------------------------------------------- CSVLogger

def test_csv_logger_content_and_append(tmp_path):
    path = tmp_path / "log.csv"
    fit([C.CSVLogger(str(path))], [0.5, 0.25], extra=lambda e: {"accuracy": 0.5 + e / 4})
    rows = list(csv.reader(path.open()))
    assert rows == [["epoch", "accuracy", "loss", "val_loss"],
                    ["0", "0.5", "1.0", "0.5"],
                    ["1", "0.75", "0.5", "0.25"]]
    fit([C.CSVLogger(str(path), append=True)], [0.125])
    rows = list(csv.reader(path.open()))
    assert len(rows) == 4 and rows[-1] == ["0", "1.0", "0.125"]  # no second header


def test_csv_logger_separator_and_val_columns_without_validation(tmp_path):
    path = tmp_path / "log.tsv"
    fit([C.CSVLogger(str(path), separator="\t")], [0.5], key="acc")
    lines = path.read_text().splitlines()
    # Keras adds val_ columns when the first epoch has none (filled with NA).
    assert lines == ["epoch\tacc\tloss\tval_acc\tval_loss", "0\t0.5\t1.0\tNA\tNA"]


# ----------------------------------------------------------------------------- TerminateOnNaN

@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_terminate_on_nan(bad, capsys):
    model = FakeModel()
    cbs = C.CallbackList([C.TerminateOnNaN()], model=model, epochs=1, steps=5)
    cbs.on_train_begin()
    for b, loss in enumerate([0.5, 0.4, bad]):
        cbs.on_train_batch_end(b, {"loss": loss})
        if cbs.stop_training:
            break
    assert b == 2 and model.stop_training
    assert f"Batch 2: Invalid loss {bad}, terminating training" in capsys.readouterr().out


def test_terminate_on_nan_ignores_finite_and_missing_loss():
    model = FakeModel()
    cb = C.TerminateOnNaN()
    cb.set_model(model)
    cb.on_train_batch_end(0, {"loss": 1e30})
    cb.on_train_batch_end(1, {})
    cb.on_train_batch_end(2, None)
    assert not model.stop_training


# ----------------------------------------------------------------------------- LambdaCallback

def test_lambda_callback_calls_in_order():
    calls = []
    cb = C.LambdaCallback(
        on_train_begin=lambda logs: calls.append("train_begin"),
        on_epoch_begin=lambda e, logs: calls.append(f"epoch_begin {e}"),
        on_train_batch_begin=lambda b, logs: calls.append(f"batch_begin {b}"),
        on_train_batch_end=lambda b, logs: calls.append(f"batch_end {b} {logs['loss']:.2f}"),
        on_epoch_end=lambda e, logs: calls.append(f"epoch_end {e} {logs['val_loss']}"),
        on_train_end=lambda logs: calls.append("train_end"),
        on_test_end=lambda logs: calls.append("test_end"),
    )
    fit([cb], [0.7], steps=2)
    assert calls == ["train_begin", "epoch_begin 0", "batch_begin 0", "batch_end 0 1.00",
                     "batch_begin 1", "batch_end 1 1.00", "epoch_end 0 0.7", "train_end"]
    cb.on_test_end({})
    assert calls[-1] == "test_end"
    with pytest.raises(TypeError, match="unknown hook"):
        C.LambdaCallback(on_bogus=print)


# ----------------------------------------------------------------------------- Callback / CallbackList

def test_batch_alias_hooks_and_base_noops():
    seen = []

    class Old(C.Callback):
        def on_batch_begin(self, batch, logs=None):
            seen.append(("begin", batch))

        def on_batch_end(self, batch, logs=None):
            seen.append(("end", batch))

    fit([Old()], [1.0], steps=2)
    assert seen == [("begin", 0), ("end", 0), ("begin", 1), ("end", 1)]
    cb = C.Callback()
    for hook in ("on_test_begin", "on_test_end", "on_predict_begin", "on_predict_end"):
        assert getattr(cb, hook)({}) is None
    for hook in ("on_test_batch_begin", "on_test_batch_end", "on_predict_batch_begin",
                 "on_predict_batch_end"):
        assert getattr(cb, hook)(0, {}) is None


def test_callback_list_defaults_params_model_and_shared_logs():
    hist = C.History()
    user = C.Callback()
    model = FakeModel()
    cbs = C.CallbackList([user, hist], add_history=True, add_progbar=True, model=model,
                         epochs=2, steps=3, verbose=0)
    assert cbs.history is hist and len(cbs) == 3  # no second History; a ProgbarLogger added last
    assert isinstance(cbs.callbacks[-1], C.ProgbarLogger)
    assert all(cb.model is model for cb in cbs) and model.history is hist
    assert user.params == {"epochs": 2, "steps": 3, "verbose": 0}

    class Adds(C.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["extra"] = 1.5

    late = C.History()
    cbs.append(Adds())
    cbs.append(late)
    assert late.model is model and late.params["epochs"] == 2
    logs = {"loss": 0.1}
    cbs.on_train_begin()
    cbs.on_epoch_end(0, logs)
    assert logs["extra"] == 1.5 and late.history == {"loss": [0.1], "extra": [1.5]}
    assert hist.history == {"loss": [0.1]} and hist.epoch == [0]
    with pytest.raises(TypeError):
        C.CallbackList([object()])


def test_history_records_epochs():
    _, cbs = fit([], [0.5, 0.4], extra=lambda e: {"accuracy": e / 2})
    h = cbs.history
    assert h.epoch == [0, 1]
    assert h.history == {"loss": [1.0, 0.5], "val_loss": [0.5, 0.4], "accuracy": [0.0, 0.5]}
    assert h.params == {"epochs": 2, "steps": 3, "verbose": 0}


# ----------------------------------------------------------------------------- ProgbarLogger

def test_progbar_verbose_1_plain_output(capsys):
    fit([C.ProgbarLogger()], [0.6, 0.3], verbose=1, add_history=False, steps=3,
        extra=lambda e: {"accuracy": 0.9, "val_accuracy": 0.0001})
    cbs_out = capsys.readouterr().out
    lines = cbs_out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    assert re.fullmatch(r"3/3 ━{20} 0s \d+us/step - accuracy: 0\.9000 - loss: 1\.0000 - "
                        r"val_accuracy: 1\.0000e-04 - val_loss: 0\.6000", lines[1]), lines[1]
    assert lines[3].endswith("loss: 0.5000 - val_accuracy: 1.0000e-04 - val_loss: 0.3000")
    assert "\x1b[" not in cbs_out and "\r" not in cbs_out  # no terminal codes in a pipe


def test_progbar_verbose_2_and_0(capsys):
    fit([C.ProgbarLogger()], [0.6, 0.3], verbose=2, add_history=False, steps=12)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and len(lines) == 4
    assert re.fullmatch(r"12/12 - 0s - \d+us/step - loss: 1\.0000 - val_loss: 0\.6000", lines[1]), lines[1]
    fit([C.ProgbarLogger()], [0.6, 0.3], verbose=0)
    assert capsys.readouterr().out == ""


def test_progbar_single_epoch_has_no_epoch_line_and_unknown_steps(capsys):
    fit([C.ProgbarLogger()], [0.6], verbose=2, steps=3)
    out = capsys.readouterr().out
    assert not out.startswith("Epoch") and out.startswith("3/3 - ")
    # steps unknown (None): the count of batches seen becomes the target
    model = FakeModel()
    cbs = C.CallbackList([C.ProgbarLogger()], model=model, epochs=1, steps=None, verbose=2)
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    for b in range(7):
        cbs.on_train_batch_end(b, {"loss": 0.5})
    cbs.on_epoch_end(0, {"loss": 0.5})
    assert capsys.readouterr().out.startswith("7/7 - ")


class FakeClock:
    def __init__(self):
        self.t = 1024.0  # exact binary fractions below

    def __call__(self):
        return self.t


def test_progbar_live_display_throttles_redraws(monkeypatch, capsys):
    clock = FakeClock()
    monkeypatch.setattr(P, "perf_counter", clock)
    monkeypatch.setattr(P, "_dynamic_display", lambda: True)
    logger = C.ProgbarLogger()
    logger.set_params({"epochs": 1, "steps": 1000, "verbose": 1})
    logger.on_train_begin()
    logger.on_epoch_begin(0)
    for b in range(1000):  # 1000 batches of 1/1024 s: about 1 s in all
        clock.t += 1 / 1024
        logger.on_train_batch_end(b, {"loss": 0.25})
    logger.on_epoch_end(0, {"loss": 0.25, "val_loss": 0.5})
    out = capsys.readouterr().out
    draws = out.count("\r")
    assert 9 <= draws <= 13, draws            # ~10 Hz + the first and the final draw
    first = out.split("\r")[1]
    assert "\x1b[1m   1/1000\x1b[0m" in first and "977us/step - loss: 0.2500" in first
    assert "\x1b[1m0s\x1b[0m" in first                            # ETA: 999 steps of ~1 ms
    final = out.split("\r")[-1]
    assert final.endswith("val_loss: 0.5000\n") and "1000/1000" in final
    assert "\x1b[32m" + "━" * 20 in final                          # full green bar


def test_progbar_eta_and_time_formats():
    assert P._format_eta(5) == "5s" and P._format_eta(125) == "2:05" and P._format_eta(3725) == "1:02:05"
    assert P._format_step_time(2.0, "step") == " 2s/step"
    assert P._format_step_time(0.002, "step") == " 2ms/step"
    assert P._format_step_time(2e-6, "step") == " 2us/step"
    assert P._format_values({"b": 2, "a": "x", "size": 3}) == " - a: x - b: 2.0000"
    with pytest.raises(ValueError, match="count_mode"):
        C.ProgbarLogger(count_mode="samples")


def test_progbar_evaluate_and_predict_outside_fit(capsys):
    logger = C.ProgbarLogger()
    logger.set_params({"epochs": 1, "steps": 4, "verbose": 2})
    logger.on_test_begin()
    for b in range(4):
        logger.on_test_batch_end(b, {"loss": 0.5})
    logger.on_test_end({"loss": 0.5, "accuracy": 0.75})
    logger.on_predict_begin()
    for b in range(4):
        logger.on_predict_batch_end(b, {"outputs": None})
    logger.on_predict_end()
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("4/4 - ") and lines[0].endswith("accuracy: 0.7500 - loss: 0.5000")
    assert re.fullmatch(r"4/4 - 0s - \d+us/step", lines[1])


# ----------------------------------------------------------------------------- PyTorch-style loop

def _regression_data():
    rng = np.random.default_rng(0)
    w = rng.normal(size=(4, 1)).astype(np.float32)
    x = rng.normal(size=(64, 4)).astype(np.float32)
    xv = rng.normal(size=(64, 4)).astype(np.float32)
    # validation targets follow half the training map: val loss falls, then rises
    return x, x @ w, xv, 0.5 * (xv @ w)


def test_manual_loop_with_module_optimizer_early_stopping_restores(tmp_path):
    nerve = pytest.importorskip("nerve")
    nn = pytest.importorskip("nerve.nn")
    optim = pytest.importorskip("nerve.optim")
    F = nn.functional
    x, y, xv, yv = map(nerve.tensor, _regression_data())
    net = nn.Linear(4, 1)
    nn.init.zeros_(net.weight)
    nn.init.zeros_(net.bias)
    opt = optim.SGD(net.parameters(), lr=0.01)
    weight = net.weight
    es = C.EarlyStopping(patience=3, restore_best_weights=True)
    snapshots = {}
    snap = C.LambdaCallback(on_epoch_end=lambda e, logs: snapshots.__setitem__(
        e, {k: v.numpy().copy() for k, v in net.state_dict().items()}))
    ckpt = C.ModelCheckpoint(str(tmp_path / "best.safetensors"), save_best_only=True)
    cbs = C.CallbackList([es, ckpt, snap], add_history=True, model=net, optimizer=opt,
                         epochs=200, steps=4, verbose=0)
    assert isinstance(cbs.model, C.ModuleAdapter) and cbs.model.module is net

    def val_loss():
        with nerve.no_grad():
            return F.mse_loss(net(xv), yv).item()

    cbs.on_train_begin()
    for epoch in range(200):
        cbs.on_epoch_begin(epoch)
        total = 0.0
        for b in range(4):
            cbs.on_train_batch_begin(b)
            xb, yb = x[16 * b:16 * (b + 1)], y[16 * b:16 * (b + 1)]
            loss = F.mse_loss(net(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
            cbs.on_train_batch_end(b, {"loss": total / (b + 1)})
        cbs.on_epoch_end(epoch, {"loss": total / 4, "val_loss": val_loss()})
        if cbs.stop_training:
            break
    cbs.on_train_end()

    vl = cbs.history.history["val_loss"]
    best = int(np.argmin(vl))
    assert 0 < best < len(vl) - 1                        # fell, then rose
    assert es.stopped_epoch == epoch == best + 3           # stopped at argmin + patience
    assert es.best == min(vl) and es.best_epoch == best
    assert val_loss() == min(vl)                           # restored: exactly the best val loss
    for k, v in net.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), snapshots[best][k])
    assert net.weight is weight                            # restored in place: opt still tracks it
    # the checkpoint holds the best model and the optimizer state
    saved = nerve.load(str(tmp_path / "best.safetensors"))
    assert set(saved) == {"model", "optimizer"}
    np.testing.assert_array_equal(saved["model"]["weight"].numpy(), snapshots[best]["weight"])
    net2 = nn.Linear(4, 1)
    net2.load_state_dict(saved["model"])
    optim.SGD(net2.parameters(), lr=0.01).load_state_dict(saved["optimizer"])


def test_module_adapter_learning_rate_and_weights(tmp_path):
    nerve = pytest.importorskip("nerve")
    nn = pytest.importorskip("nerve.nn")
    optim = pytest.importorskip("nerve.optim")
    net = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
    opt = optim.SGD([{"params": net[0].parameters()},
                     {"params": net[1].parameters(), "lr": 0.2}], lr=0.1)
    model = C.ModuleAdapter(net, opt)
    assert model.optimizer.learning_rate == pytest.approx(0.1)
    model.optimizer.learning_rate = 0.05          # ratios between groups are kept
    assert [g["lr"] for g in opt.param_groups] == pytest.approx([0.05, 0.1])
    assert model.optimizer.param_groups is opt.param_groups
    # ReduceLROnPlateau drives the groups' lr
    rl = C.ReduceLROnPlateau(factor=0.5, patience=1)
    cbs = C.CallbackList([rl], model=net, optimizer=opt)
    cbs.on_train_begin()
    for e in range(3):
        cbs.on_epoch_end(e, {"val_loss": 1.0})
    assert [g["lr"] for g in opt.param_groups] == pytest.approx([0.0125, 0.025])

    w = model.get_weights()
    assert [a.shape for a in w] == [(3, 2), (3,), (1, 3), (1,)]
    w[0][:] = 7.0                                   # copies: the module is untouched
    assert not np.all(net[0].weight.detach().numpy() == 7.0)
    model.set_weights(w)
    np.testing.assert_array_equal(net[0].weight.detach().numpy(), np.full((3, 2), 7.0, np.float32))
    with pytest.raises(ValueError, match="shape"):
        model.set_weights([np.zeros((2, 2))] + w[1:])
    with pytest.raises(ValueError, match="4 state_dict entries"):
        model.set_weights(w[:2])
    model.save_weights(str(tmp_path / "w.safetensors"))
    assert set(nerve.load(str(tmp_path / "w.safetensors"))) == {"0.weight", "0.bias", "1.weight", "1.bias"}
    assert model.training is net.training           # other attributes come from the module
    assert C.CallbackList([], model=net).model.optimizer is None


# ----------------------------------------------------------------------------- end to end with fit

def test_fit_early_stopping_end_to_end(tmp_path):
    keras = pytest.importorskip("nerve.keras")
    try:
        from nerve.keras import layers  # noqa: F401
        keras.Sequential  # noqa: B018
    except (ImportError, AttributeError):
        pytest.skip("the Keras model is not available")
    rng = np.random.default_rng(0)
    # 30 noisy samples and a big net: the validation loss falls, then rises as it overfits
    x = rng.normal(size=(30, 5)).astype(np.float32)
    y = (x[:, :1] + rng.normal(size=(30, 1))).astype(np.float32)
    xv = rng.normal(size=(200, 5)).astype(np.float32)
    yv = xv[:, :1].copy()
    model = keras.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(128, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="mse")
    es = C.EarlyStopping(patience=3, restore_best_weights=True)
    csv_path = tmp_path / "log.csv"
    history = model.fit(x, y, epochs=200, batch_size=30, validation_data=(xv, yv), verbose=0,
                        callbacks=[es, C.CSVLogger(str(csv_path))])
    vl = history.history["val_loss"]
    best = int(np.argmin(vl))
    assert 0 < best and es.stopped_epoch == best + 3 == len(vl) - 1
    assert es.best == min(vl)
    # the restored weights give exactly the best validation loss (same batches, same code path)
    assert model.evaluate(xv, yv, batch_size=30, verbose=0) == min(vl)
    rows = list(csv.reader(csv_path.open()))
    assert len(rows) == len(vl) + 1 and rows[0][0] == "epoch" and "val_loss" in rows[0]
