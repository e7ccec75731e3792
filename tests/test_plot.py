"""nerve.plot: files are real PNGs, figures have the expected panels and curves."""
import sys

import numpy as np
import pytest

pytest.importorskip("matplotlib")

import nerve  # noqa: E402
from nerve import plot  # noqa: E402
from nerve.keras.callbacks import History  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def assert_png(path):
    data = path.read_bytes()
    assert len(data) > 1000 and data[:8] == PNG_MAGIC


HIST = {"loss": [1.0, 0.6, 0.5], "val_loss": [1.1, 0.8, 0.9],
        "accuracy": [0.5, 0.7, 0.8], "val_accuracy": [0.4, 0.6, 0.6], "learning_rate": [0.1, 0.1, 0.01]}


def test_plot_history_dict(tmp_path):
    path = tmp_path / "sub" / "curves.png"
    fig = plot.plot_history(HIST, path)
    assert_png(path)
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy", "learning_rate"]
    assert [len(ax.get_lines()) for ax in fig.axes] == [2, 2, 1]
    x, y = fig.axes[0].get_lines()[1].get_data()
    np.testing.assert_array_equal(x, [1, 2, 3])
    np.testing.assert_allclose(y, HIST["val_loss"])
    assert fig.axes[2].get_yscale() == "log"


def test_plot_history_from_history_callback_and_metric_choice(tmp_path):
    h = History()
    h.on_train_begin()
    for e in range(4):
        h.on_epoch_end(e, {"loss": 1.0 / (e + 1), "val_loss": 1.0, "mae": 0.5})
    fig = h.plot(str(tmp_path / "h.png"), metrics=["loss"])
    assert_png(tmp_path / "h.png")
    assert len(fig.axes) == 1 and len(fig.axes[0].get_lines()) == 2
    fig = plot.plot_history(h, metrics="mae")
    assert len(fig.axes) == 1 and len(fig.axes[0].get_lines()) == 1
    with pytest.raises(KeyError, match="nope"):
        plot.plot_history(h, metrics=["nope"])
    with pytest.raises(ValueError, match="empty"):
        plot.plot_history({})
    with pytest.raises(TypeError):
        plot.plot_history([1, 2])


def blobs():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(-2, 0.5, (30, 2)), rng.normal(2, 0.5, (30, 2))]).astype(np.float32)
    y = np.repeat([0, 1], 30)
    return x, y


@pytest.mark.parametrize("kind", ["prob", "logit", "prob2d", "multiclass"])
def test_plot_decision_boundary_callables(tmp_path, kind):
    x, y = blobs()
    fns = {
        "prob": lambda g: 1 / (1 + np.exp(-(g[:, 0] + g[:, 1]))),
        "logit": lambda g: g[:, 0] + g[:, 1],
        "prob2d": lambda g: (1 / (1 + np.exp(-(g[:, 0] + g[:, 1]))))[:, None],
        "multiclass": lambda g: np.stack([-g[:, 0], g[:, 0], g[:, 1]], 1),
    }
    path = tmp_path / f"{kind}.png"
    fig = plot.plot_decision_boundary(fns[kind], x, y, path, resolution=50)
    assert_png(path)
    main = fig.axes[0]
    assert len(main.collections) >= 2          # filled contour + the data scatter
    assert len(fig.axes) == (1 if kind == "multiclass" else 2)  # colour bar for two classes
    offsets = main.collections[-1].get_offsets()
    np.testing.assert_allclose(offsets, x)


def test_plot_decision_boundary_nerve_module_and_keras_like(tmp_path):
    nn = pytest.importorskip("nerve.nn")
    x, y = blobs()
    net = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
    net.train()
    fig = plot.plot_decision_boundary(net, x, y, tmp_path / "net.png", resolution=30)
    assert_png(tmp_path / "net.png")
    assert net.training  # mode restored

    class KerasLike:
        def predict(self, g, verbose="auto"):
            assert verbose == 0
            return np.stack([-g[:, 0], g[:, 0]], 1)

    fig = plot.plot_decision_boundary(KerasLike(), nerve.tensor(x), y, resolution=30)
    assert len(fig.axes) == 1


def test_plot_decision_boundary_errors():
    x, y = blobs()
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        plot.plot_decision_boundary(lambda g: g[:, 0], np.zeros((5, 3)), np.zeros(5))
    with pytest.raises(ValueError, match="labels"):
        plot.plot_decision_boundary(lambda g: g[:, 0], x, y[:5])


@pytest.mark.parametrize("shape", [(10, 8, 8), (10, 64), (10, 1, 8, 8), (10, 8, 8, 3), (10, 3, 8, 8)])
def test_plot_samples_shapes(tmp_path, shape):
    imgs = np.random.default_rng(0).uniform(-1, 1, shape).astype(np.float32)  # GAN-like range
    fig = plot.plot_samples(imgs, labels=list(range(10)), path=tmp_path / "s.png", ncols=4)
    assert_png(tmp_path / "s.png")
    assert len(fig.axes) == 10
    assert [ax.get_title() for ax in fig.axes] == [str(i) for i in range(10)]
    arr = fig.axes[0].get_images()[0].get_array()
    assert arr.min() >= 0 and arr.max() <= 1


def test_plot_samples_digits_tensor_and_errors(tmp_path):
    from nerve.datasets import load_digits
    X, y = load_digits()
    fig = plot.plot_samples(nerve.tensor(X[:16]), nerve.tensor(y[:16]), tmp_path / "d.png")
    assert_png(tmp_path / "d.png")
    assert len(fig.axes) == 16 and fig.axes[3].get_title() == str(y[3])
    u8 = (np.arange(4 * 5 * 5) % 256).astype(np.uint8).reshape(4, 5, 5)
    fig = plot.plot_samples(u8)
    assert fig.axes[0].get_images()[0].get_array().max() <= 1.0 and fig.axes[0].get_title() == ""
    with pytest.raises(ValueError, match="labels"):
        plot.plot_samples(X[:4], labels=[1, 2])
    with pytest.raises(ValueError, match="square"):
        plot.plot_samples(np.zeros((3, 10)))


def test_clear_error_without_matplotlib(monkeypatch):
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    for call in (lambda: plot.plot_history(HIST),
                 lambda: plot.plot_samples(np.zeros((2, 4, 4))),
                 lambda: plot.plot_decision_boundary(lambda g: g[:, 0], *blobs())):
        with pytest.raises(ImportError, match=r"pip install 'nerve\[plot\]'"):
            call()
