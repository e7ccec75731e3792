"""Plots for training: loss/metric curves, 2-D decision boundaries, image grids.

matplotlib is an optional dependency (``pip install 'nerve[plot]'``), imported
only when a function here is called. Figures are built with the Agg canvas
directly (no ``pyplot``), so nothing changes the user's backend and no window
opens; every function returns the ``matplotlib.figure.Figure`` (Jupyter shows
it) and saves a PNG when ``path`` is given.

Example:
    >>> history = model.fit(x, y, validation_split=0.2, epochs=20, verbose=0)
    >>> nerve.plot.plot_history(history, "curves.png")
    >>> nerve.plot.plot_decision_boundary(model, X, y, "boundary.png")
    >>> nerve.plot.plot_samples(images[:32], labels[:32], "samples.png")
"""
from __future__ import annotations

import math
import os

from ._backend import np

__all__ = ["plot_history", "plot_decision_boundary", "plot_samples"]


def _matplotlib():
    """The ``Figure`` and ``FigureCanvasAgg`` classes, or a clear ImportError."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
        from matplotlib.figure import Figure  # noqa: PLC0415
    except ImportError as e:
        raise ImportError(
            "nerve.plot needs matplotlib, which is not installed. "
            f"Install it with: pip install 'nerve[plot]' (or pip install matplotlib). ({e})") from None
    return Figure, FigureCanvasAgg


def _new_figure(figsize):
    Figure, FigureCanvasAgg = _matplotlib()
    fig = Figure(figsize=figsize)
    FigureCanvasAgg(fig)
    return fig


def _save(fig, path):
    if path is not None:
        path = os.fspath(path)
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        fig.savefig(path, format="png", dpi=100)
    return fig


def _to_numpy(x):
    """A NumPy array from a Tensor (CPU or CUDA), array or nested lists."""
    data = getattr(x, "_data", x)
    if hasattr(data, "get") and not isinstance(data, np.ndarray):  # CuPy
        data = data.get()
    return np.asarray(data)


# ----------------------------------------------------------------------------- history

def plot_history(history, path=None, metrics=None):
    """Plot training (and validation) curves: one panel per metric.

    Args:
        history: a ``History`` (what ``fit`` returns) or a dict of lists like
            ``{"loss": [...], "val_loss": [...], "accuracy": [...]}``.
        path: save the figure there as PNG (None: only return it).
        metrics: names of the metrics to plot, without ``val_`` (default: every
            key of the history, ``loss`` first); each panel shows ``name`` and,
            when present, ``val_name``.

    Returns:
        The matplotlib ``Figure`` (one axes per metric, one line per curve).

    Example:
        >>> fig = plot_history({"loss": [1.0, 0.6, 0.4], "val_loss": [1.1, 0.8, 0.9]}, "loss.png")
        >>> len(fig.axes)
        1
    """
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict):
        raise TypeError(f"plot_history expects a History or a dict of lists, got {type(history).__name__}")
    epochs_seen = getattr(history, "epoch", None)
    if metrics is None:
        names = []
        for k in logs:
            base = k[4:] if k.startswith("val_") else k
            if base not in names:
                names.append(base)
        names.sort(key=lambda n: (n != "loss", ))  # stable: loss first, the rest as logged
    else:
        names = [metrics] if isinstance(metrics, str) else list(metrics)
        missing = [m for m in names if m not in logs and "val_" + m not in logs]
        if missing:
            raise KeyError(f"plot_history: no curve named {missing} (available: {sorted(logs)})")
    if not names:
        raise ValueError("plot_history: the history is empty (was fit run for at least one epoch?)")

    ncols = min(len(names), 3)
    nrows = math.ceil(len(names) / ncols)
    fig = _new_figure((5 * ncols, 3.6 * nrows))
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415 - matplotlib is present by now
    for i, name in enumerate(names):
        ax = fig.add_subplot(nrows, ncols, i + 1)
        for key, label, style in ((name, "train", "-"), ("val_" + name, "validation", "--")):
            if key not in logs:
                continue
            y = np.asarray([float(v) for v in logs[key]], dtype=np.float64)
            if epochs_seen is not None and len(epochs_seen) == len(y):
                x = np.asarray(epochs_seen) + 1
            else:
                x = np.arange(1, len(y) + 1)
            ax.plot(x, y, style, marker="o" if len(y) <= 30 else None, markersize=3, label=label)
        ax.set_title(name)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        if name in ("learning_rate", "lr"):
            ax.set_yscale("log")
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.tight_layout()
    return _save(fig, path)


# ----------------------------------------------------------------------------- decision boundary

def _predict_fn(model_or_fn):
    """A function NumPy (N, 2) float32 -> NumPy scores, for any kind of model."""
    try:
        from nerve.nn import Module  # noqa: PLC0415
    except ImportError:  # pragma: no cover - nn not importable
        Module = ()
    if Module and isinstance(model_or_fn, Module):
        module = model_or_fn

        def fn(x):
            import nerve  # noqa: PLC0415
            was_training = getattr(module, "training", False)
            module.eval()
            try:
                with nerve.no_grad():
                    return _to_numpy(module(nerve.tensor(x)))
            finally:
                module.train(was_training)
        return fn
    predict = getattr(model_or_fn, "predict", None)
    if callable(predict):
        def fn(x):
            try:
                return _to_numpy(predict(x, verbose=0))
            except TypeError:
                return _to_numpy(predict(x))
        return fn
    if callable(model_or_fn):
        def fn(x):
            try:
                out = model_or_fn(x)
            except Exception:  # a function of nerve Tensors only
                import nerve  # noqa: PLC0415
                out = model_or_fn(nerve.tensor(x))
            return _to_numpy(out)
        return fn
    raise TypeError(f"plot_decision_boundary: expected a model or a callable, got {type(model_or_fn).__name__}")


def plot_decision_boundary(model_or_fn, x, y, path=None, resolution=200):
    """Shade the classes a model predicts over the plane, with the data points on top.

    Args:
        model_or_fn: a ``nerve.nn.Module``, a Keras-style model (``predict``) or
            a callable taking a float32 array ``(N, 2)`` and returning scores
            or probabilities: shape ``(N,)`` or ``(N, 1)`` for two classes
            (probabilities in [0, 1] are cut at 0.5, other scores at 0), or
            ``(N, C)`` for C classes (argmax).
        x: points, shape ``(N, 2)``.
        y: labels, shape ``(N,)`` (integers, or one-hot ``(N, C)``).
        path: save the figure there as PNG.
        resolution: grid points per axis.

    Returns:
        The matplotlib ``Figure`` (one axes: a filled contour and a scatter).

    Example:
        >>> X, y = nerve.datasets.make_moons(200, noise=0.2, random_state=0)
        >>> plot_decision_boundary(net, X, y, "moons.png")
    """
    x = _to_numpy(x).astype(np.float64)
    y = _to_numpy(y)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary works on 2-D data: x must have shape (N, 2), got {x.shape}")
    if y.ndim == 2 and y.shape[1] > 1:
        y = y.argmax(1)
    y = y.reshape(-1)
    if len(y) != len(x):
        raise ValueError(f"plot_decision_boundary: x has {len(x)} points but y has {len(y)} labels")
    resolution = int(resolution)
    if resolution < 2:
        raise ValueError(f"resolution must be at least 2, got {resolution}")

    lo, hi = x.min(0), x.max(0)
    margin = 0.1 * np.maximum(hi - lo, 1e-6)
    gx = np.linspace(lo[0] - margin[0], hi[0] + margin[0], resolution)
    gy = np.linspace(lo[1] - margin[1], hi[1] + margin[1], resolution)
    xx, yy = np.meshgrid(gx, gy)
    grid = np.stack([xx.ravel(), yy.ravel()], 1).astype(np.float32)
    scores = np.asarray(_predict_fn(model_or_fn)(grid), dtype=np.float64)
    if scores.shape[0] != grid.shape[0]:
        raise ValueError(f"plot_decision_boundary: the model returned {scores.shape[0]} rows "
                         f"for {grid.shape[0]} grid points")

    fig = _new_figure((6, 5))
    ax = fig.add_subplot(1, 1, 1)
    classes = np.unique(y)
    if scores.ndim == 1 or scores.shape[1] == 1:
        s = scores.reshape(-1)
        prob = s if (s.min() >= 0.0 and s.max() <= 1.0) else 1.0 / (1.0 + np.exp(-s))
        zz = prob.reshape(xx.shape)
        cs = ax.contourf(xx, yy, zz, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6)
        ax.contour(xx, yy, zz, levels=[0.5], colors="k", linewidths=1)
        fig.colorbar(cs, ax=ax, label="P(class 1)")
        cmap_points = "RdBu_r"
    else:
        n_classes = scores.shape[1]
        zz = scores.argmax(1).reshape(xx.shape)
        cmap_points = "tab10" if n_classes <= 10 else "tab20"
        ax.contourf(xx, yy, zz, levels=np.arange(n_classes + 1) - 0.5, cmap=cmap_points,
                    vmin=-0.5, vmax=(10 if n_classes <= 10 else 20) - 0.5, alpha=0.35)
    if scores.ndim == 1 or scores.shape[1] == 1:
        ax.scatter(x[:, 0], x[:, 1], c=y, cmap=cmap_points, vmin=classes.min(), vmax=max(classes.max(), 1),
                   edgecolors="k", linewidths=0.5, s=20)
    else:
        ax.scatter(x[:, 0], x[:, 1], c=y, cmap=cmap_points, vmin=-0.5,
                   vmax=(10 if scores.shape[1] <= 10 else 20) - 0.5, edgecolors="k", linewidths=0.5, s=20)
    ax.set_xlim(gx[0], gx[-1])
    ax.set_ylim(gy[0], gy[-1])
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title("decision boundary")
    fig.tight_layout()
    return _save(fig, path)


# ----------------------------------------------------------------------------- image grid

def _as_images(images):
    """(N, H, W) grey or (N, H, W, 3/4) colour, float in [0, 1]."""
    a = _to_numpy(images)
    if a.ndim == 2:  # one flat image per row: square images (MNIST 784, digits 64)
        side = int(round(math.sqrt(a.shape[1])))
        if side * side != a.shape[1]:
            raise ValueError(f"plot_samples: rows of length {a.shape[1]} are not square images; "
                             "pass images of shape (N, H, W), (N, H, W, C) or (N, C, H, W)")
        a = a.reshape(len(a), side, side)
    if a.ndim == 4:
        if a.shape[1] in (1, 3, 4) and a.shape[-1] not in (1, 3, 4):
            a = a.transpose(0, 2, 3, 1)  # NCHW -> NHWC
        if a.shape[-1] == 1:
            a = a[..., 0]
    if a.ndim not in (3, 4) or (a.ndim == 4 and a.shape[-1] not in (3, 4)):
        raise ValueError(f"plot_samples: expected images of shape (N, H, W), (N, H, W, C) or "
                         f"(N, C, H, W) with C in 1, 3, 4; got {_to_numpy(images).shape}")
    if a.dtype == np.uint8:
        return a.astype(np.float64) / 255.0
    a = a.astype(np.float64)
    lo, hi = float(np.nanmin(a)), float(np.nanmax(a))
    if hi > 1.0 or lo < 0.0:
        # 0..255 pixels, or generator output in [-1, 1]: stretch to [0, 1]
        a = (a - lo) / (hi - lo) if hi > lo else np.zeros_like(a)
    return a


def plot_samples(images, labels=None, path=None, ncols=8):
    """Show images in a grid, each titled with its label (MNIST digits, GAN samples, ...).

    Args:
        images: ``(N, H, W)``, ``(N, H, W, C)`` or ``(N, C, H, W)`` (C = 1, 3, 4),
            or ``(N, H*W)`` rows of square images; any range (rescaled to
            [0, 1] when outside it). Tensor or array.
        labels: N labels (ints or strings) used as titles, or None.
        path: save the figure there as PNG.
        ncols: images per row.

    Returns:
        The matplotlib ``Figure``, with one axes per image.

    Example:
        >>> plot_samples(x_test[:16].reshape(-1, 28, 28), y_test[:16], "digits.png")
    """
    imgs = _as_images(images)
    n = len(imgs)
    if n == 0:
        raise ValueError("plot_samples: no images to show")
    if labels is not None:
        labels = _to_numpy(labels).reshape(-1) if not isinstance(labels, (list, tuple)) else list(labels)
        if len(labels) != n:
            raise ValueError(f"plot_samples: {n} images but {len(labels)} labels")
    ncols = max(1, min(int(ncols), n))
    nrows = math.ceil(n / ncols)
    fig = _new_figure((1.3 * ncols, 1.3 * nrows + (0.25 * nrows if labels is not None else 0)))
    for i in range(n):
        ax = fig.add_subplot(nrows, ncols, i + 1)
        if imgs.ndim == 3:
            ax.imshow(imgs[i], cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
        else:
            ax.imshow(np.clip(imgs[i], 0.0, 1.0), interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        if labels is not None:
            lab = labels[i]
            ax.set_title(str(lab.item() if hasattr(lab, "item") else lab), fontsize=9)
    fig.tight_layout()
    return _save(fig, path)
