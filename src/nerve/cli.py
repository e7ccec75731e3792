"""The ``nerve`` command: ``nerve train`` and ``nerve evaluate``.

``nerve train`` is the package's main job: it trains a multi-layer perceptron on
a dataset bundled with nerve (offline), showing a progress bar per epoch, and
prints the final test accuracy. Run ``nerve train --help`` for every option.

Errors: a mistake prints one line to stderr, ``nerve <command>: error: <what is
wrong, naming the value, and what to do>``, and exits non-zero without a
traceback. There are three places that produce that line:

- the option parser: every option is checked by its ``type=`` function
  (``_hidden_sizes``, ``_positive_int``, ``_learning_rate``, ``_save_path``
  ...), so a bad value is refused before anything runs; exit code 2;
- the commands raise :class:`CommandError` for what they detect themselves (a
  file that is not a ``nerve train`` checkpoint, an unknown dataset, weights
  that do not fit, a loss that became NaN);
- :func:`main` catches the exceptions that mean "the user's input or
  environment is wrong" and prints them as one line: ``CommandError``,
  ``OSError`` (missing file, directory, FIFO, permission, disk full; this
  includes :class:`nerve._files.NotARegularFileError`),
  :class:`nerve.serialization.CheckpointError` (a file that is not a
  checkpoint) and ``MemoryError`` (a model too big for this machine);
  ``KeyboardInterrupt`` prints ``interrupted`` and exits 130.

Everything else (a plain ``ValueError``, ``TypeError``, ``IndexError`` ...
from inside nerve) is a bug, not a user error, and keeps its traceback so that
it gets reported. Where nerve raises one of those because of the user's input
(``load_state_dict`` on mismatched weights, a dataset loader), the command
catches it at that call and re-raises it as a ``CommandError`` with context.

Exit codes: 0 success, 1 the run failed (the loss diverged, out of memory),
2 bad input (an option, a file, a checkpoint, missing data), 130 interrupted.
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import time

TABLES = ("digits", "breast_cancer", "iris", "wine")
DATASETS = TABLES + ("mnist",)
OPTIMIZERS = ("adam", "adamw", "sgd", "rmsprop", "adagrad")
_HIDDEN_EXAMPLE = "write whole numbers >= 1 separated by commas, e.g. --hidden 128,64"
_RETRAIN = "the file is damaged or was edited; train again with `nerve train --save PATH`"


class CommandError(Exception):
    """A user error the ``nerve`` command detected; :func:`main` prints it as one line.

    ``exit_code`` is 2 for bad input (the default) and 1 for a run that failed.
    """

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code


# ----------------------------------------------------------------------------- option checks
# Each is an argparse ``type=``: it returns the parsed value or raises ArgumentTypeError, whose
# text argparse prints after "argument --NAME: ", so the text names the value and what is expected.

def _hidden_sizes(text: str) -> list:
    """``"128,64"`` -> ``[128, 64]``; ``""`` -> ``[]`` (a linear model)."""
    if not text.strip():
        return []
    sizes = []
    for i, part in enumerate(text.split(","), 1):
        part = part.strip()
        if not part:
            raise argparse.ArgumentTypeError(f"{text!r} has an empty size at position {i}; {_HIDDEN_EXAMPLE}")
        try:
            size = int(part)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r}: layer size {part!r} is not a whole number; {_HIDDEN_EXAMPLE}") from None
        if size < 1:
            raise argparse.ArgumentTypeError(
                f"{text!r}: layer size {size} must be at least 1; {_HIDDEN_EXAMPLE}")
        sizes.append(size)
    return sizes


def _int(text: str, lo: int, hi=None, what="a whole number") -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
    if value < lo or (hi is not None and value > hi):
        raise argparse.ArgumentTypeError(f"expected {what}, got {value}")
    return value


def _positive_int(text: str) -> int:
    """``--epochs`` / ``--batch-size``: a whole number >= 1."""
    return _int(text, 1, what="a whole number >= 1")


def _seed(text: str) -> int:
    return _int(text, 0, 2 ** 64 - 1, what="a whole number from 0 to 2**64-1")


def _float(text: str, what: str, ok) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
    if not ok(value):
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
    return value


def _learning_rate(text: str) -> float:
    """``--lr``: a finite number > 0."""
    return _float(text, "a positive finite number such as 1e-3", lambda v: math.isfinite(v) and v > 0)


def _weight_decay(text: str) -> float:
    return _float(text, "a finite number >= 0 such as 1e-4", lambda v: math.isfinite(v) and v >= 0)


def _dropout(text: str) -> float:
    """``--dropout``: a probability in [0, 1)."""
    return _float(text, "a probability in [0, 1) such as 0.2", lambda v: 0 <= v < 1)


def _save_path(text: str) -> str:
    """``--save``: checked when the options are parsed, so a bad folder is refused before training.

    The folder must exist, be a directory and be writable; the path itself must
    not be a directory or anything else that is not a regular file.
    """
    if not text:
        raise argparse.ArgumentTypeError("expected a file path such as model.safetensors, got ''")
    if os.path.isdir(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is a directory; give a file path such as {os.path.join(text, 'model.safetensors')!r}")
    if os.path.exists(text):
        from ._files import NotARegularFileError, regular_file
        try:
            regular_file(text, "checkpoint file")
        except NotARegularFileError as e:
            raise argparse.ArgumentTypeError(f"{e}; give a new file path") from None
    # nerve.save writes through a symlink to its target, so the folder that matters is the target's.
    folder = os.path.dirname(os.path.realpath(text)) if os.path.islink(text) else (os.path.dirname(text) or ".")
    if not os.path.exists(folder):
        raise argparse.ArgumentTypeError(
            f"the folder {folder!r} of {text!r} does not exist; create it first (mkdir -p {folder})")
    if not os.path.isdir(folder):
        raise argparse.ArgumentTypeError(f"{folder!r} in {text!r} is not a folder; give a path inside a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(
            f"the folder {folder!r} of {text!r} is not writable; choose a folder you can write to")
    return text


# ----------------------------------------------------------------------------- data and model

def _one_line(e: BaseException) -> str:
    """The message of ``e`` on one line, without ``[Errno N]`` prefixes."""
    if isinstance(e, OSError) and e.strerror:
        msg = e.strerror
        for name in (e.filename, e.filename2):
            if name is None:
                continue
            name = os.fsdecode(name) if isinstance(name, (str, bytes, os.PathLike)) else str(name)
            if name not in msg:
                msg += f": {name!r}"
    else:
        msg = str(e) or type(e).__name__
    return " ".join(line.strip() for line in msg.splitlines() if line.strip())


def _load(name, download=False):
    """(x_train, y_train, x_test, y_test) as float32 / int64 arrays, features standardised."""
    from ._backend import np

    from . import datasets
    if name not in DATASETS:
        raise CommandError(f"unknown dataset {name!r}; nerve has {', '.join(DATASETS)}")
    if name == "mnist":
        try:
            (xtr, ytr), (xte, yte) = datasets.load_mnist(download=download)
        except (OSError, RuntimeError) as e:  # not found, corrupted, checksum
            msg = (_one_line(e).replace("pass download=True", "add --download")   # the command's terms
                   .replace(" (or pass root=<that folder>)", ""))
            raise CommandError(msg) from None
        xtr = xtr.reshape(len(xtr), -1).astype(np.float32) / 255.0
        xte = xte.reshape(len(xte), -1).astype(np.float32) / 255.0
    else:
        from .utils.data import train_test_split
        x, y = getattr(datasets, f"load_{name}")(return_X_y=True)
        xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.2, random_state=0, stratify=y)
    mean, std = xtr.mean(0), xtr.std(0)
    std[std == 0] = 1.0
    xtr = ((xtr - mean) / std).astype(np.float32)
    xte = ((xte - mean) / std).astype(np.float32)
    return xtr, ytr.astype(np.int64), xte, yte.astype(np.int64)


def build_mlp(n_in, hidden, n_out, dropout=0.0):
    """``Linear -> ReLU (-> Dropout)`` per hidden size, then a ``Linear`` to ``n_out`` logits."""
    from . import nn
    layers, prev = [], n_in
    for h in hidden:
        layers += [nn.Linear(prev, h), nn.ReLU()]
        if dropout:
            layers.append(nn.Dropout(dropout))
        prev = h
    layers.append(nn.Linear(prev, n_out))
    return nn.Sequential(*layers)


def _architecture(n_in, hidden, n_out) -> str:
    return "-".join(map(str, [n_in, *hidden, n_out]))


def _build(n_in, hidden, n_out, dropout):
    """``build_mlp``, with sizes too big for this machine reported as one line."""
    try:
        return build_mlp(n_in, hidden, n_out, dropout)
    except (MemoryError, ValueError) as e:  # NumPy: "Unable to allocate ...", "Maximum allowed dimension exceeded"
        raise CommandError(f"cannot build the MLP {_architecture(n_in, hidden, n_out)}: {_one_line(e)}; "
                           "use smaller --hidden sizes", exit_code=1) from None


def _make_optimizer(name, params, lr, weight_decay):
    from . import optim
    cls = {"adam": optim.Adam, "adamw": optim.AdamW, "sgd": optim.SGD, "rmsprop": optim.RMSprop,
           "adagrad": optim.Adagrad}[name]
    kwargs = {"lr": lr, "weight_decay": weight_decay}
    if name == "sgd":
        kwargs["momentum"] = 0.9
    return cls(params, **kwargs)


def accuracy(model, x, y, batch_size=1024):
    """Fraction of rows of ``x`` whose arg-max logit equals ``y``."""
    import nerve
    model.eval()
    correct = 0
    with nerve.no_grad():
        for i in range(0, len(x), batch_size):
            logits = model(nerve.from_numpy(x[i:i + batch_size]))
            correct += int((logits._data.argmax(1) == y[i:i + batch_size]).sum())
    model.train()
    return correct / max(len(x), 1)


def _diverged(epoch, lr, what="NaN") -> CommandError:
    return CommandError(f"the loss became {what} in epoch {epoch}; try a smaller --lr (this run used {lr:g})",
                        exit_code=1)


# ----------------------------------------------------------------------------- commands

def train(args) -> int:
    from tqdm.auto import tqdm

    import nerve
    from . import nn
    from .utils.data import DataLoader, TensorDataset

    nerve.manual_seed(args.seed)
    xtr, ytr, xte, yte = _load(args.dataset, args.download)
    n_classes = int(max(ytr.max(), yte.max())) + 1
    hidden = list(args.hidden)
    model = _build(xtr.shape[1], hidden, n_classes, args.dropout)
    opt = _make_optimizer(args.optimizer, model.parameters(), args.lr, args.weight_decay)
    loss_fn = nn.CrossEntropyLoss()
    loader = DataLoader(TensorDataset(xtr, ytr), batch_size=args.batch_size, shuffle=True,
                        generator=nerve.Generator().manual_seed(args.seed))
    if not args.quiet:
        n_params = sum(p.numel() for p in model.parameters())
        print(f"nerve {nerve.__version__}: training an MLP {_architecture(xtr.shape[1], hidden, n_classes)} "
              f"({n_params:,} parameters) on {args.dataset} "
              f"({len(xtr)} train / {len(xte)} test samples) with {args.optimizer}, lr={args.lr}")
    start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        total, count = 0.0, 0
        # `with` closes the bar on an error too, so the error line starts on a line of its own.
        with tqdm(loader, desc=f"epoch {epoch}/{args.epochs}", leave=epoch == args.epochs,
                  disable=args.quiet, unit="batch", dynamic_ncols=True) as bar:
            for xb, yb in bar:
                try:
                    loss = loss_fn(model(xb), yb)
                except FloatingPointError:  # cross_entropy refuses a loss made non-finite by its input
                    raise _diverged(epoch, args.lr) from None
                opt.zero_grad()
                loss.backward()
                opt.step()
                total += loss.item() * len(yb)
                count += len(yb)
                bar.set_postfix(loss=f"{total / count:.4f}", refresh=False)
        if not math.isfinite(total):
            raise _diverged(epoch, args.lr, "NaN" if total != total else "infinite")
    elapsed = time.perf_counter() - start
    train_acc = accuracy(model, xtr, ytr)
    test_acc = accuracy(model, xte, yte)
    print(f"train accuracy: {train_acc:.4f}")
    print(f"test accuracy: {test_acc:.4f}  ({args.epochs} epochs in {elapsed:.1f} s)")
    if args.save:
        nerve.save({"model": model.state_dict(), "meta": {
            "dataset": args.dataset, "hidden": hidden, "n_in": int(xtr.shape[1]), "n_out": n_classes,
            "dropout": args.dropout, "test_accuracy": test_acc}}, args.save)
        print(f"saved model to {args.save}")
    return 0


def _is_count(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 1


def _checkpoint_meta(ckpt, path: str) -> dict:
    """The validated ``meta`` of a ``nerve train`` checkpoint, or a CommandError naming what is wrong."""
    if not (isinstance(ckpt, dict) and isinstance(ckpt.get("meta"), dict) and isinstance(ckpt.get("model"), dict)):
        raise CommandError(f"{path!r} is not a `nerve train` checkpoint (it has no 'model' and 'meta' entries); "
                           "write one with `nerve train --save PATH`")
    meta = ckpt["meta"]
    for key in ("dataset", "hidden", "n_in", "n_out"):
        if key not in meta:
            raise CommandError(f"{path!r}: the checkpoint's meta has no {key!r} entry; {_RETRAIN}")
    if meta["dataset"] not in DATASETS:
        raise CommandError(f"{path!r} names the dataset {meta['dataset']!r}, which nerve does not have "
                           f"(it has {', '.join(DATASETS)}); {_RETRAIN}")
    hidden = meta["hidden"]
    if not (isinstance(hidden, (list, tuple)) and all(_is_count(h) for h in hidden)):
        raise CommandError(f"{path!r}: the checkpoint's meta entry 'hidden' is {hidden!r}, expected a list of "
                           f"whole numbers >= 1; {_RETRAIN}")
    for key in ("n_in", "n_out"):
        if not _is_count(meta[key]):
            raise CommandError(f"{path!r}: the checkpoint's meta entry {key!r} is {meta[key]!r}, expected a whole "
                               f"number >= 1; {_RETRAIN}")
    dropout = meta.get("dropout", 0.0)
    if not (isinstance(dropout, (int, float)) and not isinstance(dropout, bool) and 0 <= dropout < 1):
        raise CommandError(f"{path!r}: the checkpoint's meta entry 'dropout' is {dropout!r}, expected a number "
                           f"in [0, 1); {_RETRAIN}")
    return meta


def evaluate(args) -> int:
    import nerve
    from ._files import regular_file

    path = args.checkpoint
    try:
        regular_file(path, "checkpoint")   # a missing file, a directory, a FIFO (which would block) ...
    except FileNotFoundError as e:
        raise CommandError(f"{e}; write one with `nerve train --save PATH`") from None
    except OSError as e:
        raise CommandError(f"{_one_line(e)}; give the path of a file written by `nerve train --save`") from None
    if not os.access(path, os.R_OK):
        raise CommandError(f"cannot read checkpoint {path!r}: permission denied")
    from .serialization import CheckpointError
    try:
        ckpt = nerve.load(path)
    except CheckpointError as e:
        raise CommandError(f"{_one_line(e)}; `nerve evaluate` needs a file written by `nerve train --save`") from None
    meta = _checkpoint_meta(ckpt, path)
    hidden, n_in, n_out = list(meta["hidden"]), meta["n_in"], meta["n_out"]
    arch = _architecture(n_in, hidden, n_out)
    model = _build(n_in, hidden, n_out, meta.get("dropout", 0.0))
    try:
        model.load_state_dict(ckpt["model"])
    except (RuntimeError, ValueError, TypeError, KeyError) as e:
        raise CommandError(f"the weights in {path!r} do not fit the MLP {arch} its meta records "
                           f"({_one_line(e)}); {_RETRAIN}") from None
    xtr, ytr, xte, yte = _load(meta["dataset"])
    n_classes = int(max(ytr.max(), yte.max())) + 1
    if (xte.shape[1], n_classes) != (n_in, n_out):
        raise CommandError(f"{path!r} records the MLP {arch} but the dataset {meta['dataset']!r} has "
                           f"{xte.shape[1]} features and {n_classes} classes; {_RETRAIN}")
    print(f"test accuracy: {accuracy(model, xte, yte):.4f}")
    return 0


# ----------------------------------------------------------------------------- parser and main

class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (argparse prints the whole usage first).

    An error about one option ("argument --lr: ...") says what that option expects; the
    others (an unknown or a missing argument) point to ``--help``.
    """

    commands: dict = {}   # subcommand name -> its parser, filled by make_parser

    def error(self, message):
        hint = "" if message.startswith("argument ") else f"; see `{self.prog} --help`"
        self.exit(2, f"{self.prog}: error: {message}{hint}\n")


def make_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="nerve", description="nerve: neural networks with nothing hidden.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    t = sub.add_parser(
        "train", help="train an MLP on a bundled dataset and print its test accuracy",
        description="Train a multi-layer perceptron (Linear-ReLU blocks, cross-entropy loss) on a dataset, "
                    "showing a progress bar per epoch, then print train and test accuracy. The tables "
                    "ship with nerve and need no internet; mnist reads NERVE_DATA or the download cache.")
    t.add_argument("--dataset", choices=DATASETS, default="digits",
                   help="which dataset: the bundled tables (digits 8x8 images, breast_cancer, iris, wine; "
                        "80/20 stratified split) or mnist (default: %(default)s)")
    t.add_argument("--download", action="store_true",
                   help="download mnist into the cache if it is not there (needs internet; checksums verified)")
    t.add_argument("--hidden", type=_hidden_sizes, default="128,64",
                   help="comma-separated hidden layer sizes; empty for a linear model (default: %(default)s)")
    t.add_argument("--epochs", type=_positive_int, default=20,
                   help="passes over the training set (default: %(default)s)")
    t.add_argument("--batch-size", type=_positive_int, default=32,
                   help="samples per gradient step (default: %(default)s)")
    t.add_argument("--lr", type=_learning_rate, default=1e-3, help="learning rate (default: %(default)s)")
    t.add_argument("--optimizer", choices=OPTIMIZERS, default="adam",
                   help="optimizer; sgd uses momentum 0.9 (default: %(default)s)")
    t.add_argument("--weight-decay", type=_weight_decay, default=0.0,
                   help="L2 penalty / weight decay (default: 0)")
    t.add_argument("--dropout", type=_dropout, default=0.0,
                   help="dropout probability after each hidden layer, in [0, 1) (default: 0)")
    t.add_argument("--seed", type=_seed, default=0, help="random seed for initialisation and shuffling")
    t.add_argument("--save", metavar="PATH", type=_save_path,
                   help="save the trained model to PATH (safetensors checkpoint); its folder must exist")
    t.add_argument("--quiet", action="store_true", help="no progress bars or header, only the results")
    t.set_defaults(func=train)
    e = sub.add_parser("evaluate", help="evaluate a checkpoint written by `nerve train --save`",
                       description="Load a checkpoint saved by `nerve train --save` and print its test accuracy.")
    e.add_argument("checkpoint", help="path of the checkpoint file")
    e.set_defaults(func=evaluate)
    p.commands = dict(sub.choices)
    return p


def main(argv=None) -> int:
    """Run the ``nerve`` command; returns the exit code (option errors exit 2 via ``SystemExit``)."""
    parser = make_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # reported by the subcommand's parser, so that the message names `nerve train`
        parser.commands.get(args.command, parser).error(f"unrecognized arguments: {' '.join(extra)}")
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    prog = f"nerve {args.command}"
    from .serialization import CheckpointError
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `nerve train | head -1`: the reader left; say nothing more
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):  # pragma: no cover - stdout without a descriptor
            pass
        return 1
    except CommandError as e:
        print(f"{prog}: error: {_one_line(e)}", file=sys.stderr)
        return e.exit_code
    except (OSError, CheckpointError) as e:
        print(f"{prog}: error: {_one_line(e)}", file=sys.stderr)
        return 2
    except MemoryError as e:
        print(f"{prog}: error: out of memory ({_one_line(e)}); use smaller --hidden sizes or --batch-size",
              file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
