"""Convolution kernels: nerve's raw paths vs PyTorch (2 threads), per op, min of many runs.

The two convolutions of the MNIST CNN (batch 64, float32, k3, pad 1): 1->32 on 28x28 and
32->64 on 14x14. For each: forward, input gradient, weight gradient (nerve's raw array
functions, as the plain backward calls them) and the whole forward + backward through the
public API, with PyTorch's time and the ratio nerve/PyTorch (< 1: nerve is faster).

    python benchmarks/conv_ops.py
    python benchmarks/conv_ops.py --number 20 --repeat 15
"""
from __future__ import annotations

import argparse
import os
import sys
import timeit

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))

CASES = [("conv 1->32 28x28", (64, 1, 28, 28), (32, 1, 3, 3)),
         ("conv 32->64 14x14", (64, 32, 14, 14), (64, 32, 3, 3))]


def _best(fn, number, repeat):
    fn()
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e3


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--number", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=10)
    a = ap.parse_args(argv)
    import numpy as np
    import nerve
    import nerve.nn.functional as F
    from nerve.ops import conv as C
    try:
        import torch
        torch.set_num_threads(2)
    except ImportError:
        torch = None
    rng = np.random.default_rng(0)
    print(f"{'case':<20}{'op':<12}{'nerve ms':>10}{'torch ms':>10}{'ratio':>8}")
    for name, xs, ws in CASES:
        x = rng.standard_normal(xs, dtype=np.float32)
        w = rng.standard_normal(ws, dtype=np.float32)
        b = rng.standard_normal(ws[0], dtype=np.float32)
        ge = C._Geom(xs, ws[2:], xs[2:], (1, 1, 1, 1), (1, 1), (1, 1), 1)
        g = rng.standard_normal((xs[0], ws[0]) + xs[2:], dtype=np.float32)
        kept = []                         # the forward's im2col, as Convolution keeps it for backward
        C._conv_raw(x, w, ge, b, kept)
        cols = kept[0] if kept else None
        ours = {
            "forward": lambda: C._conv_raw(x, w, ge, b),
            "input grad": lambda: C._grads_raw(x, w, g, ge, True, False, False),
            "weight grad": lambda: C._grads_raw(x, w, g, ge, False, True, True, cols),
            "backward": lambda: C._grads_raw(x, w, g, ge, xs[1] > 1, True, True, cols),
        }
        xt, wt, bt = (nerve.tensor(v, requires_grad=True) for v in (x, w, b))
        xt.requires_grad = xs[1] > 1

        def nerve_all():
            F.conv2d(xt, wt, bt, padding=1).sum().backward()
        ours["fwd+bwd"] = nerve_all
        ref = {}
        if torch is not None:
            tx, tw, tb, tg = (torch.from_numpy(v) for v in (x, w, b, g))
            tx.requires_grad_(xs[1] > 1)
            tw.requires_grad_(True)
            tb.requires_grad_(True)
            tf = torch.nn.functional
            with torch.no_grad():
                ref["forward"] = lambda: tf.conv2d(tx, tw, tb, padding=1)
            bw = torch.ops.aten.convolution_backward

            def tgrad(mask):
                return lambda: bw(tg, tx.detach(), tw.detach(), [ws[0]], [1, 1], [1, 1], [1, 1], False, [0, 0], 1,
                                  mask)
            ref["input grad"] = tgrad([True, False, False])
            ref["weight grad"] = tgrad([False, True, True])
            ref["backward"] = tgrad([xs[1] > 1, True, True])

            def torch_all():
                tf.conv2d(tx, tw, tb, padding=1).sum().backward()
            ref["fwd+bwd"] = torch_all
        for op, fn in ours.items():
            if op == "input grad" and xs[1] == 1:
                continue
            t = _best(fn, a.number, a.repeat)
            r = _best(ref[op], a.number, a.repeat) if op in ref else float("nan")
            print(f"{name:<20}{op:<12}{t:>10.2f}{r:>10.2f}{t / r:>8.2f}")


if __name__ == "__main__":
    main()
