"""The `nerve` command: train on a bundled table, save, evaluate, and explain its options."""
import re
import subprocess
import sys

import pytest

from nerve import cli


def test_train_learns_the_bundled_digits(capsys):
    assert cli.main(["train", "--quiet", "--epochs", "5", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    acc = float(re.search(r"test accuracy: ([0-9.]+)", out).group(1))
    assert acc > 0.9, out     # chance is 0.1


def test_train_progress_bar_and_header_are_shown(capsys):
    assert cli.main(["train", "--epochs", "1", "--dataset", "iris", "--hidden", "8"]) == 0
    captured = capsys.readouterr()
    assert "training an MLP 4-8-3" in captured.out
    assert "epoch 1/1" in captured.err and "batch" in captured.err    # tqdm writes to stderr


def test_save_then_evaluate_reports_the_same_accuracy(tmp_path, capsys):
    path = tmp_path / "model.safetensors"
    assert cli.main(["train", "--quiet", "--epochs", "3", "--dataset", "wine", "--save", str(path)]) == 0
    trained = re.search(r"test accuracy: ([0-9.]+)", capsys.readouterr().out).group(1)
    assert cli.main(["evaluate", str(path)]) == 0
    assert re.search(r"test accuracy: ([0-9.]+)", capsys.readouterr().out).group(1) == trained


def test_evaluate_rejects_a_foreign_file(tmp_path, capsys):
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"not a checkpoint")
    assert cli.main(["evaluate", str(bad)]) == 2
    assert "bad.safetensors" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["train", "--epochs", "0"], ["train", "--lr", "-1"], ["train", "--dropout", "1.5"],
                                  ["train", "--dataset", "nope"]])
def test_bad_options_are_refused(args, capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(args)
    assert e.value.code == 2
    assert "error" in capsys.readouterr().err


def test_help_explains_every_option():
    out = subprocess.run([sys.executable, "-m", "nerve", "train", "--help"], capture_output=True, text=True,
                         check=True).stdout
    for opt in ("--dataset", "--hidden", "--epochs", "--batch-size", "--lr", "--optimizer", "--weight-decay",
                "--dropout", "--seed", "--save", "--quiet"):
        assert opt in out, opt
    assert "digits" in out and "mnist" in out
