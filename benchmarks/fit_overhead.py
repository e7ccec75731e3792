"""What ``fit`` costs on top of the manual loop it runs: MNIST MLP, same model, batches and optimizer.

Both sides train one epoch of MNIST (784-128-10 MLP, Adam) from the same initial
weights over the same shuffled batches; the manual side is the loop a PyTorch user
writes (``train_step`` + ``loss.item()`` bookkeeping), the other is
``model.fit(..., verbose=0)``. Runs alternate, the median of ``--repeats`` is
reported (wall clock, and the process CPU-time ratio, which other load on a
shared machine disturbs less), and the final weights of both sides are checked to be bit-identical
(they compute the same thing). ``--metrics`` adds accuracy on both sides.

    PYTHONPATH=src python benchmarks/fit_overhead.py [--batch-sizes 32 128] [--repeats 3]

Needs MNIST ($NERVE_DATA or the download cache). BLAS runs single-threaded by
default (``--threads``) so the figure does not depend on other load on the machine.
"""
import argparse
import os
import statistics
import sys
import time


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--batch-sizes", type=int, nargs="+", default=[32, 128])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--threads", default="1", help="BLAS threads (OPENBLAS/OMP/MKL_NUM_THREADS)")
    p.add_argument("--limit", type=int, default=None, help="use only this many training samples")
    args = p.parse_args()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, args.threads)
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

    import numpy as np

    import nerve
    from nerve import keras
    from nerve.keras import layers
    from nerve.training import ArrayBatches, train_step

    (x, y), _ = keras.datasets.mnist.load_data()
    x = (x.reshape(len(x), -1) / 255.0).astype(np.float32)
    if args.limit:
        x, y = x[:args.limit], y[:args.limit]

    def build(metrics):
        nerve.manual_seed(0)
        model = keras.Sequential([keras.Input((784,)), layers.Dense(args.hidden, activation="relu"),
                                  layers.Dense(10, activation="softmax")])
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                      metrics=metrics)
        return model

    def run_fit(bs, metrics):
        model = build(metrics)
        model._shuffle_seed = 1234
        t, c = time.perf_counter(), time.process_time()
        model.fit(x, y, batch_size=bs, epochs=1, shuffle=True, verbose=0)
        return (time.perf_counter() - t, time.process_time() - c), model

    def run_manual(bs, metrics):
        model = build([])
        opt = nerve.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
        loss_obj = keras.losses.SparseCategoricalCrossentropy()

        def loss_fn(out, target):
            return loss_obj(target, out)
        batches = ArrayBatches(x, y, batch_size=bs, shuffle=True, seed=1234)
        t, c = time.perf_counter(), time.process_time()
        model.train()
        total, seen, correct = 0.0, 0, 0
        for xb, yb, _ in batches.epoch(0):
            loss, out = train_step(model, xb, yb, loss_fn, opt)
            n = len(xb)
            total += loss.item() * n
            seen += n
            if metrics:
                correct += int((out._data.argmax(1) == yb._data).sum())
        model.eval()
        return (time.perf_counter() - t, time.process_time() - c), model

    print(f"MNIST MLP 784-{args.hidden}-10, Adam, {len(x)} samples, one epoch; BLAS threads={args.threads}; "
          f"median of {args.repeats}")
    print(f"{'batch':>6} {'metrics':>9} {'manual s':>9} {'fit s':>8} {'fit/manual':>11} "
          f"{'cpu ratio':>10} {'same weights':>13}")
    for bs in args.batch_sizes:
        for metrics in ([], ["accuracy"]):
            run_fit(bs, metrics)       # warm-up (imports, first-call paths)
            tm, tf, cm, cf = [], [], [], []
            same = True
            for r in range(args.repeats):
                order = (run_manual, run_fit) if r % 2 == 0 else (run_fit, run_manual)
                results = {}
                for fn in order:
                    results[fn] = fn(bs, metrics)
                tm.append(results[run_manual][0][0])
                tf.append(results[run_fit][0][0])
                cm.append(results[run_manual][0][1])
                cf.append(results[run_fit][0][1])
                wa = results[run_manual][1].get_weights()
                wb = results[run_fit][1].get_weights()
                same = same and all(np.array_equal(a, b) for a, b in zip(wa, wb))
            m, f = statistics.median(tm), statistics.median(tf)
            cpu = statistics.median(cf) / statistics.median(cm)
            label = "accuracy" if metrics else "-"
            print(f"{bs:>6} {label:>9} {m:>9.3f} {f:>8.3f} {f / m:>11.3f} {cpu:>10.3f} {str(same):>13}")


if __name__ == "__main__":
    main()
