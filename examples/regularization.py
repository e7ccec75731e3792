"""Regularization: a large MLP on a small training set overfits; dropout + L2 + early stopping fix it.

    NERVE_DATA=../shared/datasets python examples/regularization.py [--dataset mnist|digits]

Data (``--dataset auto``, the default: MNIST when its files are found under
the data root, else the bundled digits):

* mnist: 1000 training images, 2000 validation images (the rest of the MNIST
  training set is unused), and the 10000 official test images;
* digits: 150 of the bundled 8x8 digits for training, 500 for validation,
  the remaining 1147 for testing.

Both models are the same MLP (in-512-512-10, ReLU) trained with Adam
(lr 1e-3, batch 32) in a PyTorch-style loop; Keras callbacks
(``nerve.keras.callbacks.CallbackList``) keep the history and drive early
stopping:

* plain: no regularization, trained for the full ``--epochs``: the training
  loss goes to ~0 while the validation loss climbs (overfitting);
* regularized: dropout after each hidden layer (p=0.5) and, for MNIST, on
  the input pixels (p=0.2), as in Srivastava et al. (2014); an L2 penalty
  ``l2 * sum(W**2)`` on the weight matrices added to the loss, and
  ``EarlyStopping(monitor="val_loss", patience=20, restore_best_weights=True)``.

It prints training, validation and test loss/accuracy of both models; the
test set is never looked at during training.
"""
import argparse
import time

import numpy as np

import nerve
from nerve import nn, optim
from nerve.keras.callbacks import CallbackList, EarlyStopping

F = nn.functional

DEFAULTS = {  # dataset -> sizes, epochs of the plain run, input dropout
    "mnist": dict(n_train=1000, n_val=2000, epochs=100, input_dropout=0.2),
    "digits": dict(n_train=150, n_val=500, epochs=200, input_dropout=0.0),  # 64 pixels: keep them all
}


def load(dataset, n_train, n_val, seed):
    """(x, y, x_val, y_val, x_test, y_test) as Tensors, pixels scaled to [0, 1]."""
    rng = np.random.default_rng(seed)
    if dataset == "digits":
        from nerve.datasets import load_digits
        X, y = load_digits()
        X = X / 16.0
        perm = rng.permutation(len(X))
        tr, va, te = perm[:n_train], perm[n_train:n_train + n_val], perm[n_train + n_val:]
        parts = X[tr], y[tr], X[va], y[va], X[te], y[te]
    else:
        from nerve.datasets import load_mnist
        (X, y), (Xt, yt) = load_mnist(download=dataset == "mnist")
        X = X.reshape(len(X), -1).astype(np.float32) / 255.0
        Xt = Xt.reshape(len(Xt), -1).astype(np.float32) / 255.0
        perm = rng.permutation(len(X))
        tr, va = perm[:n_train], perm[n_train:n_train + n_val]
        parts = X[tr], y[tr], X[va], y[va], Xt, yt
    return tuple(nerve.tensor(a) for a in parts)


def mlp(in_features, dropout=0.0, input_dropout=0.0, hidden=512):
    """in-512-512-10 ReLU MLP; dropout on the input and after each hidden layer when asked."""
    d_in = [nn.Dropout(input_dropout)] if input_dropout else []
    drop = [nn.Dropout(dropout)] if dropout else []
    return nn.Sequential(*d_in, nn.Linear(in_features, hidden), nn.ReLU(), *drop,
                         nn.Linear(hidden, hidden), nn.ReLU(), *drop,
                         nn.Linear(hidden, 10))


def l2_penalty(model):
    """Sum of squared weights (biases are not penalized)."""
    return sum((p * p).sum() for name, p in model.named_parameters() if name.endswith("weight"))


def evaluate(model, x, y):
    model.eval()
    with nerve.no_grad():
        logits = model(x)
        loss = F.cross_entropy(logits, y).item()
        acc = (logits.argmax(1) == y).float().mean().item()
    model.train()
    return loss, acc


def train(model, x, y, x_val, y_val, epochs, batch_size=32, lr=1e-3, l2=0.0, callbacks=(),
          verbose=0, seed=0):
    """A manual Adam loop reporting to Keras callbacks; returns the History."""
    opt = optim.Adam(model.parameters(), lr=lr)
    steps = (len(x) + batch_size - 1) // batch_size
    cbs = CallbackList(list(callbacks), add_history=True, add_progbar=verbose > 0, model=model,
                       optimizer=opt, epochs=epochs, steps=steps, verbose=verbose)
    rng = np.random.default_rng(seed)
    cbs.on_train_begin()
    for epoch in range(epochs):
        cbs.on_epoch_begin(epoch)
        model.train()
        order = rng.permutation(len(x))
        total = 0.0
        for b in range(steps):
            cbs.on_train_batch_begin(b)
            idx = nerve.tensor(order[b * batch_size:(b + 1) * batch_size])
            loss = F.cross_entropy(model(x[idx]), y[idx])
            objective = loss + l2 * l2_penalty(model) if l2 else loss
            opt.zero_grad()
            objective.backward()
            opt.step()
            total += loss.item()
            cbs.on_train_batch_end(b, {"loss": total / (b + 1)})
        val_loss, val_acc = evaluate(model, x_val, y_val)
        cbs.on_epoch_end(epoch, {"loss": total / steps, "val_loss": val_loss, "val_accuracy": val_acc})
        if cbs.stop_training:
            break
    cbs.on_train_end()
    return cbs.history


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", choices=["auto", "mnist", "digits"], default="auto")
    ap.add_argument("--n-train", type=int, default=None)
    ap.add_argument("--n-val", type=int, default=None)
    ap.add_argument("--epochs", type=int, default=None, help="epochs of the plain run (and the cap of the other)")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--dropout", type=float, default=0.5, help="dropout after each hidden layer")
    ap.add_argument("--input-dropout", type=float, default=None, help="default 0.2 (mnist), 0 (digits)")
    ap.add_argument("--l2", type=float, default=1e-3)
    ap.add_argument("--patience", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--verbose", type=int, default=0, help="0 silent, 1 progress bar, 2 one line per epoch")
    ap.add_argument("--plot", default=None, help="save both runs' validation curves to this PNG")
    args = ap.parse_args()

    dataset = args.dataset
    if dataset == "auto":
        from nerve.datasets import DatasetNotFoundError
        try:
            data = load("auto", DEFAULTS["mnist"]["n_train"] if args.n_train is None else args.n_train,
                        DEFAULTS["mnist"]["n_val"] if args.n_val is None else args.n_val, args.seed)
            dataset = "mnist"
        except (DatasetNotFoundError, FileNotFoundError):
            print("MNIST not found under the data root (set NERVE_DATA); using the bundled digits")
            dataset = "digits"
    cfg = dict(DEFAULTS[dataset])
    for k in ("n_train", "n_val", "epochs", "input_dropout"):
        if getattr(args, k) is not None:
            cfg[k] = getattr(args, k)
    if args.dataset != "auto" or dataset == "digits":
        data = load(dataset, cfg["n_train"], cfg["n_val"], args.seed)
    x, y, xv, yv, xt, yt = data
    print(f"{dataset}: {len(x)} training, {len(xv)} validation, {len(xt)} test samples; "
          f"MLP {x.shape[1]}-512-512-10")

    results = {}
    runs = (("plain", (0.0, 0.0), 0.0, None),
            ("regularized", (args.dropout, cfg["input_dropout"]), args.l2,
             EarlyStopping(monitor="val_loss", patience=args.patience, restore_best_weights=True)))
    for name, dropout, l2, es in runs:
        nerve.manual_seed(args.seed)
        model = mlp(x.shape[1], *dropout)
        t0 = time.perf_counter()
        hist = train(model, x, y, xv, yv, cfg["epochs"], lr=args.lr, l2=l2,
                     callbacks=[es] if es else [], verbose=args.verbose, seed=args.seed)
        secs = time.perf_counter() - t0
        tr, va, te = evaluate(model, x, y), evaluate(model, xv, yv), evaluate(model, xt, yt)
        vl = hist.history["val_loss"]
        if es is None:
            how = "no regularization"
        else:
            stop = f"stopped at epoch {es.stopped_epoch + 1}" if es.stopped_epoch else "ran all epochs"
            how = (f"dropout {dropout[1]} input / {dropout[0]} hidden, L2 {l2}, early stopping {stop}, "
                   f"restored epoch {es.best_epoch + 1}")
        print(f"\n{name} ({how}): {len(vl)} epochs in {secs:.1f}s; val_loss best {min(vl):.4f} "
              f"at epoch {int(np.argmin(vl)) + 1}, last {vl[-1]:.4f}")
        print(f"  train loss {tr[0]:.4f} acc {tr[1]:.4f} | val loss {va[0]:.4f} acc {va[1]:.4f} | "
              f"test loss {te[0]:.4f} acc {te[1]:.4f}")
        results[name] = (va, te, hist)

    (pv, pt, ph), (rv, rt, rh) = results["plain"], results["regularized"]
    print(f"\nvalidation loss: plain {pv[0]:.4f}  regularized {rv[0]:.4f}  ({100 * (1 - rv[0] / pv[0]):.0f}% lower)"
          f"; accuracy {pv[1]:.4f} -> {rv[1]:.4f}")
    print(f"test loss:       plain {pt[0]:.4f}  regularized {rt[0]:.4f}  ({100 * (1 - rt[0] / pt[0]):.0f}% lower)"
          f"; accuracy {pt[1]:.4f} -> {rt[1]:.4f}")
    if args.plot:
        from nerve.plot import plot_history
        fig = plot_history({"val_loss": ph.history["val_loss"]}, metrics=["loss"])
        ax = fig.axes[0]
        ax.lines[0].set_label("plain")
        rv_curve = rh.history["val_loss"]
        ax.plot(np.arange(1, len(rv_curve) + 1), rv_curve, "-", label="regularized")
        ax.set_title("validation loss")
        ax.set_ylabel("cross-entropy")
        ax.set_yscale("log")
        ax.legend()
        fig.tight_layout()
        fig.savefig(args.plot)
        print(f"validation curves saved to {args.plot}")

if __name__ == "__main__":
    main()
