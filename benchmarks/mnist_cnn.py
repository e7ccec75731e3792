"""MNIST CNN training speed: nerve vs PyTorch eager (2 threads), same run, same loop.

The network (issue 8): Conv(1->32, 3, pad 1) + ReLU + MaxPool 2, Conv(32->64, 3, pad 1)
+ ReLU + MaxPool 2, Linear(3136->128) + ReLU, Linear(128->10); Adam 1e-3, batch 64.
The model and the loop are written once against the PyTorch API and run with
``lib = nerve`` and ``lib = torch``: nerve mirrors the names. Each repeat trains one
epoch (after a short warm-up) in a fresh child process per framework, alternating,
and prints the median seconds per epoch, the ratio nerve/PyTorch (< 1: nerve is
faster) and each child's peak RSS.

    python benchmarks/mnist_cnn.py                  # 3 repeats of one epoch each
    python benchmarks/mnist_cnn.py --steps 200      # time 200 steps instead of an epoch
    python benchmarks/mnist_cnn.py --profile 50     # where nerve's time goes (cProfile, 50 steps)

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

HERE = os.path.dirname(os.path.abspath(__file__))


def _load():
    import numpy as np
    sys.path.insert(0, os.path.join(HERE, "..", "src"))
    from nerve.datasets import load_mnist
    (x, y), _ = load_mnist()
    x = ((x.astype(np.float32) / 255.0 - 0.1307) / 0.3081).reshape(len(x), 1, 28, 28)
    return x, y.astype(np.int64)


def _lib(name):
    if name == "torch":
        import torch
        torch.set_num_threads(2)
        return torch
    sys.path.insert(0, os.path.join(HERE, "..", "src"))
    import nerve
    return nerve


def build(lib):
    nn = lib.nn
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))


def train(lib, x, y, steps=None, warmup_steps=10, batch=64):
    """Seconds for one epoch (or ``steps`` steps) after ``warmup_steps``; and the last loss."""
    lib.manual_seed(0)
    model = build(lib)
    opt = lib.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = lib.nn.CrossEntropyLoss()
    ds = lib.utils.data.TensorDataset(lib.from_numpy(x), lib.from_numpy(y))
    loader = lib.utils.data.DataLoader(ds, batch_size=batch, shuffle=True)

    def run(limit=None):
        loss = None
        for i, (xb, yb) in enumerate(loader):
            if limit is not None and i >= limit:
                break
            loss = loss_fn(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
        return loss.item()

    run(warmup_steps)
    t = time.perf_counter()
    last = run(steps)
    return time.perf_counter() - t, last


def child(framework, steps):
    x, y = _load()
    seconds, loss = train(_lib(framework), x, y, steps)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "loss": loss, "rss_mb": rss_mb}))


def profile(steps):
    import cProfile
    import pstats
    x, y = _load()
    lib = _lib("nerve")
    pr = cProfile.Profile()
    pr.enable()
    train(lib, x, y, steps, warmup_steps=5)
    pr.disable()
    pstats.Stats(pr).sort_stats("tottime").print_stats(25)


def _spawn(framework, steps):
    cmd = [sys.executable, __file__, "--child", framework] + (["--steps", str(steps)] if steps else [])
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{framework} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3, help="runs per framework")
    ap.add_argument("--steps", type=int, default=None, help="time this many steps instead of a whole epoch")
    ap.add_argument("--profile", type=int, metavar="STEPS", help="profile nerve for STEPS steps and exit")
    ap.add_argument("--child", metavar="FRAMEWORK", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.steps)
        return
    if args.profile:
        profile(args.profile)
        return
    try:
        import torch  # noqa: F401
        have_torch = True
    except ImportError:
        have_torch = False
        print("PyTorch is not installed: printing nerve's figures only")
    what = f"{args.steps} steps" if args.steps else "epoch"
    print(f"{'':<12}{'nerve s/' + what:>18}{'torch s/' + what:>18}{'ratio':>8}{'nerve RSS':>12}{'torch RSS':>12}")
    res = {"nerve": [], "torch": []}
    for _ in range(args.repeats):
        res["nerve"].append(_spawn("nerve", args.steps))
        if have_torch:
            res["torch"].append(_spawn("torch", args.steps))
    n = statistics.median(r["seconds"] for r in res["nerve"])
    n_rss = max(r["rss_mb"] for r in res["nerve"])
    if have_torch:
        t = statistics.median(r["seconds"] for r in res["torch"])
        t_rss = max(r["rss_mb"] for r in res["torch"])
        print(f"{'mnist_cnn':<12}{n:>18.3f}{t:>18.3f}{n / t:>8.2f}{n_rss:>10.0f}MB{t_rss:>10.0f}MB")
    else:
        print(f"{'mnist_cnn':<12}{n:>18.3f}{'-':>18}{'-':>8}{n_rss:>10.0f}MB{'-':>12}")


if __name__ == "__main__":
    main()
