"""Train a 784-512-512-10 MLP on MNIST with a PyTorch-style manual loop.

    NERVE_DATA=../shared/datasets python examples/mnist_mlp.py [--epochs 10]

The script is written exactly as for PyTorch (only the imports differ):
model, loss, optimizer, DataLoader, ``zero_grad / backward / step``, and
``no_grad`` evaluation. It prints the test accuracy after every epoch and saves
the model and optimizer to a safetensors checkpoint.
"""
import argparse
import time

import numpy as np

import nerve
from nerve import nn, optim
from nerve.datasets import MNIST
from nerve.utils.data import DataLoader, TensorDataset


class MLP(nn.Module):
    def __init__(self, hidden=512, dropout=0.2):
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(),
            nn.Linear(28 * 28, hidden), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(hidden, 10),
        )

    def forward(self, x):
        return self.net(x)


def to_tensors(ds):
    x = (ds.data.astype(np.float32) / 255.0 - 0.1307) / 0.3081
    return x.reshape(len(x), -1), ds.targets


def evaluate(model, loader):
    model.eval()
    correct = total = 0
    with nerve.no_grad():
        for x, y in loader:
            correct += (model(x).argmax(1) == y).sum().item()
            total += len(y)
    model.train()
    return correct / total


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--checkpoint", default="mnist_mlp.safetensors")
    args = ap.parse_args()

    nerve.manual_seed(args.seed)
    train_x, train_y = to_tensors(MNIST(train=True))
    test_x, test_y = to_tensors(MNIST(train=False))
    train_loader = DataLoader(TensorDataset(train_x, train_y), batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(TensorDataset(test_x, test_y), batch_size=1000)

    model = MLP()
    print(model)
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=args.lr)
    scheduler = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)

    acc = 0.0
    for epoch in range(1, args.epochs + 1):
        start, running, seen = time.perf_counter(), 0.0, 0
        for x, y in train_loader:
            optimizer.zero_grad()
            loss = criterion(model(x), y)
            loss.backward()
            optimizer.step()
            running += loss.item() * len(y)
            seen += len(y)
        scheduler.step()
        acc = evaluate(model, test_loader)
        print(f"epoch {epoch:2d}  train loss {running / seen:.4f}  test accuracy {acc:.4f}  "
              f"({time.perf_counter() - start:.1f} s)")

    nerve.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": args.epochs},
               args.checkpoint)
    print(f"final test accuracy: {acc:.4f}  (checkpoint: {args.checkpoint})")


if __name__ == "__main__":
    main()
