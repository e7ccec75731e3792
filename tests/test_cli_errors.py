"""The `nerve` command's one error path: a user error prints one line, exits non-zero, shows no traceback.

The subprocess tests run the real command (`python -m nerve ...`); the in-process tests (`cli.main`) cover
more values of the same checks cheaply and the cases a subprocess cannot set up (a full disk, a bug).
"""
import errno
import os
import signal
import subprocess
import sys

import pytest

import nerve
from nerve import cli


def run_nerve(*args, cwd=None, timeout=60):
    return subprocess.run([sys.executable, "-m", "nerve", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout)


def the_error_line(stderr, command):
    """The single non-empty line of ``stderr``; it must read ``nerve <command>: error: ...``."""
    assert "Traceback" not in stderr and "Warning" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"nerve {command}: error: "), lines[0]
    return lines[0]


def assert_fragments(line, fragments):
    for fragment in fragments:
        assert fragment in line, (fragment, line)


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    """A real `nerve train --save` checkpoint (iris, one hidden layer of 4, one epoch)."""
    path = tmp_path_factory.mktemp("ckpt") / "iris.safetensors"
    assert cli.main(["train", "--quiet", "--dataset", "iris", "--hidden", "4", "--epochs", "1",
                     "--save", str(path)]) == 0
    return path


def tampered(checkpoint, folder, name, edit):
    ckpt = nerve.load(checkpoint)
    edit(ckpt)
    path = folder / name
    nerve.save(ckpt, path)
    return path


# ----------------------------------------------------------------------------- options, real command

@pytest.mark.parametrize("args, fragments", [
    (["--hidden", "12,x"], ["argument --hidden: '12,x'", "'x' is not a whole number", "e.g. --hidden 128,64"]),
    (["--hidden", "64,0"], ["'64,0'", "layer size 0 must be at least 1", "e.g. --hidden 128,64"]),
    (["--hidden", "8,,4"], ["'8,,4' has an empty size at position 2", "separated by commas"]),
    (["--epochs", "0"], ["argument --epochs", "a whole number >= 1", "got 0"]),
    (["--lr", "inf"], ["argument --lr", "a positive finite number", "got 'inf'"]),
    (["--dropout", "1"], ["argument --dropout", "in [0, 1)", "got '1'"]),
])
def test_a_bad_option_is_one_line_naming_the_value(args, fragments):
    r = run_nerve("train", *args)
    assert r.returncode == 2, r.stderr
    assert_fragments(the_error_line(r.stderr, "train"), fragments)
    assert r.stdout == ""        # refused before anything ran


def test_an_unknown_argument_is_reported_by_the_subcommand():
    r = run_nerve("train", "--hidden-size", "8")
    assert r.returncode == 2
    assert_fragments(the_error_line(r.stderr, "train"),
                     ["unrecognized arguments: --hidden-size 8", "see `nerve train --help`"])


def test_save_into_a_missing_folder_is_refused_before_training(tmp_path):
    r = run_nerve("train", "--save", "nodir/model.safetensors", cwd=tmp_path)    # 20 epochs if it trained
    assert r.returncode == 2
    assert_fragments(the_error_line(r.stderr, "train"),
                     ["argument --save", "the folder 'nodir'", "does not exist", "mkdir -p nodir"])
    assert r.stdout == "" and not (tmp_path / "nodir").exists()


def test_save_onto_a_directory_is_refused(tmp_path):
    (tmp_path / "out").mkdir()
    r = run_nerve("train", "--save", "out", cwd=tmp_path)
    assert r.returncode == 2
    assert_fragments(the_error_line(r.stderr, "train"), ["argument --save", "'out' is a directory",
                                                         "out/model.safetensors"])
    assert r.stdout == ""


def test_a_diverging_loss_prints_its_advice():
    r = run_nerve("train", "--quiet", "--epochs", "3", "--hidden", "8", "--optimizer", "sgd", "--lr", "1e6")
    assert r.returncode == 1
    assert_fragments(the_error_line(r.stderr, "train"),
                     ["the loss became NaN in epoch 1", "try a smaller --lr", "1e+06"])
    assert "accuracy" not in r.stdout


@pytest.mark.skipif(os.name != "posix", reason="sends SIGINT to the child")
def test_ctrl_c_says_interrupted_and_exits_130():
    def default_sigint():   # a child of a process that ignores SIGINT would ignore it too
        signal.signal(signal.SIGINT, signal.SIG_DFL)
    p = subprocess.Popen([sys.executable, "-u", "-m", "nerve", "train", "--dataset", "iris", "--hidden", "4",
                          "--epochs", "1000000"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         preexec_fn=default_sigint)
    try:
        assert "training an MLP" in p.stdout.readline()     # printed just before the first epoch
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=60)
    finally:
        p.kill()
    assert p.returncode == 130, err[-2000:]
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err[-2000:]
    pieces = [s.strip() for s in err.replace("\r", "\n").split("\n") if s.strip()]   # tqdm redraws with \r
    assert pieces[-1] == "nerve train: interrupted", pieces[-3:]


# ----------------------------------------------------------------------------- evaluate, real command

def _text(folder):
    (folder / "notes.txt").write_text("hello, this is not a checkpoint\n")
    return folder / "notes.txt", ["cannot load", "notes.txt", "not a valid safetensors file", "nerve train --save"]


def _random_bytes(folder):
    (folder / "noise.bin").write_bytes(os.urandom(4096))
    return folder / "noise.bin", ["cannot load", "noise.bin", "not a valid safetensors file"]


def _directory(folder):
    (folder / "adir").mkdir()
    return folder / "adir", ["adir", "is a directory", "nerve train --save"]


def _fifo(folder):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    os.mkfifo(folder / "pipe")
    return folder / "pipe", ["pipe", "is a FIFO", "not a regular file"]


def _missing(folder):
    return folder / "missing.safetensors", ["no such checkpoint", "missing.safetensors", "nerve train --save"]


def _not_from_train(folder):
    nerve.save({"a": 1}, folder / "plain.safetensors")
    return folder / "plain.safetensors", ["plain.safetensors", "is not a `nerve train` checkpoint"]


@pytest.mark.parametrize("make", [_text, _random_bytes, _directory, _fifo, _missing, _not_from_train],
                         ids=["text", "random-bytes", "directory", "fifo", "missing", "not-from-train"])
def test_evaluate_refuses_what_is_not_a_checkpoint(make, tmp_path):
    path, fragments = make(tmp_path)
    r = run_nerve("evaluate", path, timeout=30)     # a FIFO must not block
    assert r.returncode == 2
    assert_fragments(the_error_line(r.stderr, "evaluate"), fragments)
    assert r.stdout == ""


def test_evaluate_names_an_unknown_dataset_and_the_known_ones(checkpoint, tmp_path):
    path = tampered(checkpoint, tmp_path, "cifar.safetensors", lambda c: c["meta"].update(dataset="cifar"))
    r = run_nerve("evaluate", path)
    assert r.returncode == 2
    assert_fragments(the_error_line(r.stderr, "evaluate"),
                     ["cifar.safetensors", "names the dataset 'cifar'", "digits, breast_cancer, iris, wine, mnist"])


def test_evaluate_refuses_weights_that_do_not_fit_the_recorded_architecture(checkpoint, tmp_path):
    path = tampered(checkpoint, tmp_path, "wide.safetensors", lambda c: c["meta"].update(hidden=[5]))
    r = run_nerve("evaluate", path)
    assert r.returncode == 2
    assert_fragments(the_error_line(r.stderr, "evaluate"),
                     ["the weights in", "wide.safetensors", "do not fit the MLP 4-5-3", "size mismatch for 0.weight",
                      "train again"])


# ----------------------------------------------------------------------------- the same checks, in-process

def error_of(capsys, argv, code=2):
    """Run ``cli.main(argv)``, expecting exit code ``code``; return its one error line."""
    try:
        rc = cli.main(argv)
    except SystemExit as e:
        rc = e.code
    assert rc == code
    captured = capsys.readouterr()
    return the_error_line(captured.err, argv[0])


@pytest.mark.parametrize("option, value, fragments", [
    ("--hidden", "a,b", ["'a' is not a whole number"]),
    ("--hidden", "1.5", ["'1.5' is not a whole number"]),
    ("--hidden", ",", ["empty size at position 1"]),
    ("--hidden", "8,", ["empty size at position 2"]),
    ("--hidden", "-1", ["layer size -1 must be at least 1"]),
    ("--epochs", "1.5", ["--epochs", "got '1.5'"]),
    ("--epochs", "-1", ["--epochs", "got -1"]),
    ("--batch-size", "0", ["--batch-size", "got 0"]),
    ("--batch-size", "-5", ["--batch-size", "a whole number >= 1", "got -5"]),
    ("--hidden", "8,-3", ["'8,-3'", "layer size -3 must be at least 1"]),
    ("--lr", "0", ["--lr", "got '0'"]),
    ("--lr", "-1", ["--lr", "got '-1'"]),
    ("--lr", "nan", ["--lr", "got 'nan'"]),
    ("--lr", "fast", ["--lr", "got 'fast'"]),
    ("--dropout", "-0.1", ["--dropout", "got '-0.1'"]),
    ("--dropout", "nan", ["--dropout", "got 'nan'"]),
    ("--weight-decay", "-1", ["--weight-decay", "finite number >= 0", "got '-1'"]),
    ("--seed", "-1", ["--seed", "from 0 to 2**64-1", "got -1"]),
    ("--dataset", "cifar", ["invalid choice: 'cifar'", "'digits'"]),
])
def test_every_bad_option_value_is_one_line(option, value, fragments, capsys):
    assert_fragments(error_of(capsys, ["train", option, value]), [f"argument {option}", *fragments])


def test_the_option_checks_accept_good_values():
    args = cli.make_parser().parse_args(["train", "--hidden", " 16 , 8 ", "--epochs", "2", "--lr", "0.5",
                                         "--dropout", "0", "--seed", str(2 ** 64 - 1)])
    assert (args.hidden, args.epochs, args.lr, args.dropout) == ([16, 8], 2, 0.5, 0.0)
    assert cli.make_parser().parse_args(["train", "--hidden", ""]).hidden == []    # a linear model
    assert cli.make_parser().parse_args(["train"]).hidden == [128, 64]            # the default


def test_save_whose_folder_is_a_file_or_whose_path_is_a_fifo(tmp_path, capsys):
    (tmp_path / "afile").write_text("x")
    assert_fragments(error_of(capsys, ["train", "--save", str(tmp_path / "afile" / "m.safetensors")]),
                     ["argument --save", "afile", "is not a folder"])
    if hasattr(os, "mkfifo"):    # nerve.save would replace the FIFO by a file
        os.mkfifo(tmp_path / "pipe")
        assert_fragments(error_of(capsys, ["train", "--save", str(tmp_path / "pipe")]),
                         ["argument --save", "is a FIFO", "give a new file path"])


def test_save_into_a_folder_that_is_not_writable(tmp_path, capsys, monkeypatch):
    real_access = os.access
    monkeypatch.setattr(cli.os, "access", lambda p, mode: False if os.fspath(p) == str(tmp_path)
                        else real_access(p, mode))    # chmod cannot stop root, so pretend
    assert_fragments(error_of(capsys, ["train", "--save", str(tmp_path / "m.safetensors")]),
                     ["argument --save", str(tmp_path), "is not writable"])


def test_a_failing_save_after_training_is_one_line(tmp_path, capsys, monkeypatch):
    target = str(tmp_path / "m.safetensors")

    def disk_full(obj, f):
        raise OSError(errno.ENOSPC, "No space left on device", f)
    monkeypatch.setattr(nerve, "save", disk_full)
    line = error_of(capsys, ["train", "--quiet", "--dataset", "iris", "--hidden", "4", "--epochs", "1",
                             "--save", target])
    assert line == f"nerve train: error: No space left on device: {target!r}"


def test_a_model_too_big_for_memory_is_one_line(capsys):
    line = error_of(capsys, ["train", "--quiet", "--dataset", "iris", "--hidden", "100000000000000",
                             "--epochs", "1"], code=1)
    assert_fragments(line, ["cannot build the MLP 4-100000000000000-3", "use smaller --hidden sizes"])


def test_missing_mnist_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NERVE_DATA", str(tmp_path))
    assert_fragments(error_of(capsys, ["train", "--dataset", "mnist", "--epochs", "1"]),
                     ["MNIST", "not found", str(tmp_path), "NERVE_DATA", "add --download"])
    assert "root=" not in error_of(capsys, ["train", "--dataset", "mnist", "--epochs", "1"])


@pytest.mark.parametrize("edit, fragments", [
    (lambda c: c["meta"].update(dataset="wine"), ["records the MLP 4-4-3", "'wine' has 13 features"]),
    (lambda c: c["meta"].update(hidden="abc"), ["meta entry 'hidden' is 'abc'", "list of whole numbers >= 1"]),
    (lambda c: c["meta"].update(n_in=0), ["meta entry 'n_in' is 0"]),
    (lambda c: c["meta"].update(dropout=1.5), ["meta entry 'dropout' is 1.5", "[0, 1)"]),
    (lambda c: c["meta"].pop("n_out"), ["meta has no 'n_out' entry"]),
    (lambda c: c.update(model=[1, 2]), ["is not a `nerve train` checkpoint"]),
], ids=["other-dataset", "hidden-text", "n_in-zero", "dropout", "no-n_out", "model-not-a-dict"])
def test_evaluate_checks_what_the_checkpoint_records(edit, fragments, checkpoint, tmp_path, capsys):
    path = tampered(checkpoint, tmp_path, "edited.safetensors", edit)
    assert_fragments(error_of(capsys, ["evaluate", str(path)]), ["edited.safetensors", *fragments])


def test_ctrl_c_in_process(capsys, monkeypatch):
    def interrupt(name, download=False):
        raise KeyboardInterrupt
    monkeypatch.setattr(cli, "_load", interrupt)
    assert cli.main(["train", "--quiet"]) == 130
    assert capsys.readouterr().err == "nerve train: interrupted\n"


def test_an_internal_error_keeps_its_traceback(monkeypatch):
    """Only user errors become one line; a bug inside nerve must stay visible."""
    def bug(*args, **kwargs):
        raise IndexError("an internal bug")
    monkeypatch.setattr(cli, "_make_optimizer", bug)
    with pytest.raises(IndexError, match="an internal bug"):
        cli.main(["train", "--quiet", "--dataset", "iris", "--epochs", "1"])
