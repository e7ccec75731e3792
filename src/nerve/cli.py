"""The ``nerve`` command: ``nerve train`` and ``nerve evaluate``.

``nerve train`` is the package's main job: it trains a multi-layer perceptron on
a dataset bundled with nerve (offline), showing a progress bar per epoch, and
prints the final test accuracy. Run ``nerve train --help`` for every option.
"""
from __future__ import annotations

import argparse
import sys
import time

TABLES = ("digits", "breast_cancer", "iris", "wine")
DATASETS = TABLES + ("mnist",)
OPTIMIZERS = ("adam", "adamw", "sgd", "rmsprop", "adagrad")


def _load(name):
    """(x_train, y_train, x_test, y_test) as float32 / int64 arrays, features standardised."""
    from ._backend import np

    from . import datasets
    if name == "mnist":
        (xtr, ytr), (xte, yte) = datasets.load_mnist()
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


def train(args) -> int:
    from tqdm.auto import tqdm

    import nerve
    from . import nn
    from .utils.data import DataLoader, TensorDataset

    nerve.manual_seed(args.seed)
    try:
        xtr, ytr, xte, yte = _load(args.dataset)
    except (FileNotFoundError, RuntimeError) as e:
        print(f"nerve train: {e}", file=sys.stderr)
        return 2
    n_classes = int(max(ytr.max(), yte.max())) + 1
    hidden = [int(h) for h in args.hidden.split(",") if h.strip()] if args.hidden else []
    model = build_mlp(xtr.shape[1], hidden, n_classes, args.dropout)
    opt = _make_optimizer(args.optimizer, model.parameters(), args.lr, args.weight_decay)
    loss_fn = nn.CrossEntropyLoss()
    loader = DataLoader(TensorDataset(xtr, ytr), batch_size=args.batch_size, shuffle=True,
                        generator=nerve.Generator().manual_seed(args.seed))
    if not args.quiet:
        n_params = sum(p.numel() for p in model.parameters())
        print(f"nerve {nerve.__version__}: training an MLP {xtr.shape[1]}-"
              f"{'-'.join(map(str, hidden + [n_classes]))} ({n_params:,} parameters) on {args.dataset} "
              f"({len(xtr)} train / {len(xte)} test samples) with {args.optimizer}, lr={args.lr}")
    start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        bar = tqdm(loader, desc=f"epoch {epoch}/{args.epochs}", leave=epoch == args.epochs,
                   disable=args.quiet, unit="batch", dynamic_ncols=True)
        total, count = 0.0, 0
        for xb, yb in bar:
            loss = loss_fn(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(yb)
            count += len(yb)
            bar.set_postfix(loss=f"{total / count:.4f}", refresh=False)
        if total != total:  # NaN
            print(f"nerve train: the loss became NaN in epoch {epoch}; try a smaller --lr", file=sys.stderr)
            return 1
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


def evaluate(args) -> int:
    import nerve
    try:
        ckpt = nerve.load(args.checkpoint)
    except (FileNotFoundError, ValueError) as e:
        print(f"nerve evaluate: {e}", file=sys.stderr)
        return 2
    meta = ckpt.get("meta") if isinstance(ckpt, dict) else None
    if not meta or "model" not in ckpt:
        print(f"nerve evaluate: {args.checkpoint} was not written by `nerve train --save`", file=sys.stderr)
        return 2
    model = build_mlp(meta["n_in"], meta["hidden"], meta["n_out"], meta.get("dropout", 0.0))
    model.load_state_dict(ckpt["model"])
    _, _, xte, yte = _load(meta["dataset"])
    print(f"test accuracy: {accuracy(model, xte, yte):.4f}")
    return 0


def make_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="nerve", description="nerve: neural networks with nothing hidden.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    t = sub.add_parser(
        "train", help="train an MLP on a bundled dataset and print its test accuracy",
        description="Train a multi-layer perceptron (Linear-ReLU blocks, cross-entropy loss) on a dataset, "
                    "showing a progress bar per epoch, then print train and test accuracy. The tables "
                    "ship with nerve and need no internet; mnist reads NERVE_DATA or the download cache.")
    t.add_argument("--dataset", choices=DATASETS, default="digits",
                   help="which dataset: the bundled tables (digits 8x8 images, breast_cancer, iris, wine; "
                        "80/20 stratified split) or mnist (default: %(default)s)")
    t.add_argument("--hidden", default="128,64",
                   help="comma-separated hidden layer sizes; empty for a linear model (default: %(default)s)")
    t.add_argument("--epochs", type=int, default=20, help="passes over the training set (default: %(default)s)")
    t.add_argument("--batch-size", type=int, default=32, help="samples per gradient step (default: %(default)s)")
    t.add_argument("--lr", type=float, default=1e-3, help="learning rate (default: %(default)s)")
    t.add_argument("--optimizer", choices=OPTIMIZERS, default="adam",
                   help="optimizer; sgd uses momentum 0.9 (default: %(default)s)")
    t.add_argument("--weight-decay", type=float, default=0.0, help="L2 penalty / weight decay (default: 0)")
    t.add_argument("--dropout", type=float, default=0.0,
                   help="dropout probability after each hidden layer (default: 0)")
    t.add_argument("--seed", type=int, default=0, help="random seed for initialisation and shuffling")
    t.add_argument("--save", metavar="PATH", help="save the trained model to PATH (safetensors checkpoint)")
    t.add_argument("--quiet", action="store_true", help="no progress bars or header, only the results")
    t.set_defaults(func=train)
    e = sub.add_parser("evaluate", help="evaluate a checkpoint written by `nerve train --save`",
                       description="Load a checkpoint saved by `nerve train --save` and print its test accuracy.")
    e.add_argument("checkpoint", help="path of the checkpoint file")
    e.set_defaults(func=evaluate)
    return p


def main(argv=None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    if args.command == "train":
        if args.epochs < 1 or args.batch_size < 1 or args.lr <= 0:
            parser.error("--epochs and --batch-size must be >= 1 and --lr > 0")
        if not 0 <= args.dropout < 1:
            parser.error("--dropout must be in [0, 1)")
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
