"""MNIST MLP training speed: nerve vs PyTorch eager (2 threads), same run, same loop.

For each configuration it trains one epoch (after a short warm-up) per repeat in
a fresh child process per framework, alternating nerve and PyTorch, and prints
the median seconds per epoch, the ratio nerve/PyTorch (< 1 means nerve is
faster) and each child's peak RSS.

    python benchmarks/mnist_mlp.py                 # all three configurations
    python benchmarks/mnist_mlp.py --repeats 5 --configs 784-128-10@64

Needs MNIST (NERVE_DATA or the download cache); PyTorch is optional.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

CONFIGS = ["784-128-10@64", "784-128-10@256", "784-512-512-10@64"]


def _parse(cfg):
    sizes, batch = cfg.split("@")
    return [int(s) for s in sizes.split("-")], int(batch)


def _load():
    import numpy as np
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.join(here, "..", "src"))
    from nerve.datasets import load_mnist
    (x, y), _ = load_mnist()
    x = (x.reshape(len(x), -1).astype(np.float32) / 255.0 - 0.1307) / 0.3081
    return x, y.astype(np.int64)


def run_nerve(sizes, batch, x, y, warmup_steps=20):
    import nerve
    from nerve import nn, optim
    from nerve.utils.data import DataLoader, TensorDataset
    nerve.manual_seed(0)
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    model = nn.Sequential(*layers)
    opt = optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    loader = DataLoader(TensorDataset(x, y), batch_size=batch, shuffle=True)

    def epoch(limit=None):
        for i, (xb, yb) in enumerate(loader):
            if limit is not None and i >= limit:
                break
            loss = loss_fn(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
        return loss.item()

    epoch(warmup_steps)
    t = time.perf_counter()
    last = epoch()
    return time.perf_counter() - t, last


def run_torch(sizes, batch, x, y, warmup_steps=20):
    import torch
    torch.set_num_threads(2)
    torch.manual_seed(0)
    from torch import nn
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    model = nn.Sequential(*layers)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    ds = torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    loader = torch.utils.data.DataLoader(ds, batch_size=batch, shuffle=True)

    def epoch(limit=None):
        for i, (xb, yb) in enumerate(loader):
            if limit is not None and i >= limit:
                break
            loss = loss_fn(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
        return loss.item()

    epoch(warmup_steps)
    t = time.perf_counter()
    last = epoch()
    return time.perf_counter() - t, last


def child(framework, cfg):
    sizes, batch = _parse(cfg)
    x, y = _load()
    seconds, loss = (run_nerve if framework == "nerve" else run_torch)(sizes, batch, x, y)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "loss": loss, "rss_mb": rss_mb}))


def _spawn(framework, cfg):
    out = subprocess.run([sys.executable, __file__, "--child", framework, cfg],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{framework} {cfg} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--configs", nargs="*", default=CONFIGS, help="SIZES@BATCH, e.g. 784-128-10@64")
    ap.add_argument("--repeats", type=int, default=3, help="epochs per framework and configuration")
    ap.add_argument("--child", nargs=2, metavar=("FRAMEWORK", "CONFIG"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    try:
        import torch  # noqa: F401
        have_torch = True
    except ImportError:
        have_torch = False
        print("PyTorch is not installed: printing nerve's figures only")
    print(f"{'config':<20}{'nerve s/epoch':>15}{'torch s/epoch':>15}{'ratio':>8}{'nerve RSS':>12}{'torch RSS':>12}")
    for cfg in args.configs:
        res = {"nerve": [], "torch": []}
        for _ in range(args.repeats):
            res["nerve"].append(_spawn("nerve", cfg))
            if have_torch:
                res["torch"].append(_spawn("torch", cfg))
        n = statistics.median(r["seconds"] for r in res["nerve"])
        n_rss = max(r["rss_mb"] for r in res["nerve"])
        if have_torch:
            t = statistics.median(r["seconds"] for r in res["torch"])
            t_rss = max(r["rss_mb"] for r in res["torch"])
            print(f"{cfg:<20}{n:>15.3f}{t:>15.3f}{n / t:>8.2f}{n_rss:>10.0f}MB{t_rss:>10.0f}MB")
        else:
            print(f"{cfg:<20}{n:>15.3f}{'-':>15}{'-':>8}{n_rss:>10.0f}MB{'-':>12}")


if __name__ == "__main__":
    main()
