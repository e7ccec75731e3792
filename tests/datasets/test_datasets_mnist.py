"""MNIST / Fashion-MNIST loading, integrity checks and error messages."""

import gzip
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

import nerve.datasets as nd
from nerve.datasets import (
    MNIST,
    ChecksumError,
    CorruptFileError,
    DatasetNotFoundError,
    FashionMNIST,
    load_mnist,
    read_idx,
)
from nerve.datasets import mnist as mnist_module


def _shared_data_dir() -> Path:
    env = os.environ.get("NERVE_DATA", "").strip()
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared" / "datasets"


SHARED = _shared_data_dir()
MNIST_DIR = SHARED / "mnist"
FILES = {
    "train": ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"],
    "test": ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"],
}
needs_mnist = pytest.mark.skipif(
    not all((MNIST_DIR / f).is_file() for f in FILES["train"] + FILES["test"]),
    reason=f"MNIST files not found in {MNIST_DIR}; set NERVE_DATA to a folder containing mnist/",
)


@pytest.fixture(scope="module")
def mnist_train():
    return MNIST(root=SHARED, train=True)


@pytest.fixture(scope="module")
def mnist_test():
    return MNIST(root=SHARED, train=False)


def _copy_test_split(dst_root: Path) -> Path:
    d = dst_root / "mnist"
    d.mkdir(parents=True)
    for f in FILES["test"]:
        shutil.copy(MNIST_DIR / f, d / f)
        os.chmod(d / f, 0o644)
    return d


def _raw(name: str) -> bytes:
    return gzip.decompress((MNIST_DIR / name).read_bytes())


# ---------------------------------------------------------------- real data
@needs_mnist
def test_train_split_shapes_dtypes_labels(mnist_train):
    ds = mnist_train
    assert len(ds) == 60000
    assert ds.data.shape == (60000, 28, 28) and ds.data.dtype == np.uint8
    assert ds.targets.shape == (60000,) and ds.targets.dtype == np.int64
    assert ds.targets.min() == 0 and ds.targets.max() == 9
    assert ds.targets[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert np.bincount(ds.targets).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert len(ds.classes) == 10 and ds.classes[3].startswith("3")
    assert ds.data.max() == 255 and ds.data.min() == 0


@needs_mnist
def test_test_split_and_getitem(mnist_test):
    ds = mnist_test
    assert len(ds) == 10000 and ds.data.shape == (10000, 28, 28)
    assert ds.targets[:5].tolist() == [7, 2, 1, 0, 4]
    img, label = ds[0]
    assert isinstance(img, np.ndarray) and img.shape == (1, 28, 28) and img.dtype == np.float32
    assert 0.0 <= img.min() and img.max() <= 1.0 and img.max() == 1.0
    np.testing.assert_allclose(img[0], ds.data[0] / 255.0, rtol=1e-6)
    assert type(label) is int and label == 7
    img_last, label_last = ds[-1]
    assert label_last == int(ds.targets[-1])
    np.testing.assert_array_equal(img_last[0] * 255, ds.data[-1].astype(np.float32))
    with pytest.raises(IndexError):
        ds[10000]
    # data arrays are writable copies, not views on the decompressed buffer
    assert ds.data.flags.writeable


@needs_mnist
def test_transforms_applied():
    ds = MNIST(root=SHARED, train=False, transform=lambda x: x.reshape(-1) * 2,
               target_transform=lambda t: f"digit{t}")
    img, label = ds[1]
    assert img.shape == (784,) and img.max() == pytest.approx(2.0)
    assert label == "digit2"


@needs_mnist
def test_root_from_env_var(monkeypatch):
    monkeypatch.setenv("NERVE_DATA", str(SHARED))
    ds = MNIST(train=False)
    assert ds.root == SHARED and len(ds) == 10000


@needs_mnist
def test_load_mnist_and_keras_alias(monkeypatch, mnist_train, mnist_test):
    (x_tr, y_tr), (x_te, y_te) = load_mnist(root=SHARED)
    assert x_tr.shape == (60000, 28, 28) and x_tr.dtype == np.uint8 and y_tr.dtype == np.int64
    assert x_te.shape == (10000, 28, 28) and y_te.shape == (10000,)
    np.testing.assert_array_equal(y_tr, mnist_train.targets)
    monkeypatch.setenv("NERVE_DATA", str(SHARED))
    (x2, y2), (x3, y3) = mnist_module.load_data()
    np.testing.assert_array_equal(y3, mnist_test.targets)
    np.testing.assert_array_equal(x2[:100], x_tr[:100])


@needs_mnist
def test_uncompressed_files_accepted(tmp_path, mnist_test):
    d = tmp_path / "mnist"
    d.mkdir()
    for f in FILES["test"]:
        (d / f[:-3]).write_bytes(_raw(f))
    ds = MNIST(root=tmp_path, train=False)
    np.testing.assert_array_equal(ds.targets, mnist_test.targets)


# ---------------------------------------------------------------- integrity
@needs_mnist
def test_md5_mismatch_detected(tmp_path):
    d = _copy_test_split(tmp_path)
    raw = bytearray(_raw("t10k-labels-idx1-ubyte.gz"))
    raw[8] = 3  # first label 7 -> 3: structure still valid, content not
    (d / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(bytes(raw)))
    import hashlib
    actual = hashlib.md5(bytes(raw)).hexdigest()
    with pytest.raises(ChecksumError) as ei:
        MNIST(root=tmp_path, train=False)
    msg = str(ei.value)
    assert "t10k-labels-idx1-ubyte.gz" in msg
    assert "27ae3e4e09519cfbb04c329615203637" in msg  # expected
    assert actual in msg
    assert ei.value.expected == "27ae3e4e09519cfbb04c329615203637" and ei.value.actual == actual


@needs_mnist
def test_truncated_idx_content(tmp_path):
    d = _copy_test_split(tmp_path)
    raw = _raw("t10k-images-idx3-ubyte.gz")[: 16 + 28 * 28 * 100]  # only 100 of 10000 images
    (d / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(raw))
    with pytest.raises(CorruptFileError) as ei:
        MNIST(root=tmp_path, train=False)
    msg = str(ei.value)
    assert "t10k-images-idx3-ubyte.gz" in msg and "truncated" in msg
    assert "(10000, 28, 28)" in msg


@needs_mnist
def test_truncated_gzip_stream(tmp_path):
    d = _copy_test_split(tmp_path)
    p = d / "t10k-labels-idx1-ubyte.gz"
    p.write_bytes(p.read_bytes()[:2000])
    with pytest.raises(CorruptFileError, match="t10k-labels-idx1-ubyte.gz"):
        MNIST(root=tmp_path, train=False)


@needs_mnist
def test_wrong_magic_number(tmp_path):
    d = _copy_test_split(tmp_path)
    # a labels file where the images file should be
    shutil.copy(MNIST_DIR / "t10k-labels-idx1-ubyte.gz", d / "t10k-images-idx3-ubyte.gz")
    with pytest.raises(CorruptFileError) as ei:
        MNIST(root=tmp_path, train=False)
    assert "t10k-images-idx3-ubyte.gz" in str(ei.value) and "magic" in str(ei.value)


def test_read_idx_roundtrip_and_errors(tmp_path):
    arr = np.arange(2 * 3 * 4, dtype=">i4").reshape(2, 3, 4)
    header = bytes([0, 0, 0x0C, 3]) + np.array([2, 3, 4], dtype=">u4").tobytes()
    p = tmp_path / "x.idx"
    p.write_bytes(header + arr.tobytes())
    out = read_idx(p)
    assert out.shape == (2, 3, 4) and out.dtype == np.int32
    np.testing.assert_array_equal(out, np.arange(24).reshape(2, 3, 4))
    pg = tmp_path / "x.idx.gz"
    pg.write_bytes(gzip.compress(header + arr.tobytes()))
    np.testing.assert_array_equal(read_idx(pg), out)
    (tmp_path / "long.idx").write_bytes(header + arr.tobytes() + b"\0")
    with pytest.raises(CorruptFileError, match="long.idx.*trailing"):
        read_idx(tmp_path / "long.idx")
    (tmp_path / "bad.idx").write_bytes(b"\x12\x34\x56\x78" + arr.tobytes())
    with pytest.raises(CorruptFileError, match="bad.idx.*not an IDX"):
        read_idx(tmp_path / "bad.idx")
    with pytest.raises(CorruptFileError, match="x.idx.*0x00000801"):
        read_idx(p, expected_magic=0x801)


# ---------------------------------------------------------------- missing data
def test_missing_data_message(tmp_path):
    with pytest.raises(DatasetNotFoundError) as ei:
        MNIST(root=tmp_path, train=True, download=False)
    err = ei.value
    assert isinstance(err, RuntimeError) and isinstance(err, FileNotFoundError)
    msg = str(err)
    for f in FILES["train"]:
        assert str(tmp_path / "mnist" / f) in msg
    assert "NERVE_DATA" in msg and "mnist/" in msg and "download=True" in msg
    assert "root argument" in msg


def test_missing_data_message_env(tmp_path, monkeypatch):
    monkeypatch.setenv("NERVE_DATA", str(tmp_path))
    with pytest.raises(RuntimeError) as ei:
        load_mnist()
    msg = str(ei.value)
    assert str(tmp_path / "mnist" / "train-images-idx3-ubyte.gz") in msg
    assert "NERVE_DATA environment variable" in msg


def test_download_failure_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(MNIST, "mirrors", [(tmp_path / "nowhere").as_uri() + "/"])
    with pytest.raises(DatasetNotFoundError) as ei:
        MNIST(root=tmp_path / "data", train=False, download=True)
    msg = str(ei.value)
    assert "download failed" in msg and "NERVE_DATA" in msg and "t10k-images-idx3-ubyte.gz" in msg


# ---------------------------------------------------------------- download path
@needs_mnist
def test_download_from_mirrors(tmp_path, monkeypatch, mnist_test):
    dead = (tmp_path / "dead-mirror").as_uri() + "/"
    good = MNIST_DIR.as_uri() + "/"
    monkeypatch.setattr(MNIST, "mirrors", [dead, good])
    root = tmp_path / "cache"
    ds = MNIST(root=root, train=False, download=True)
    np.testing.assert_array_equal(ds.targets, mnist_test.targets)
    assert sorted(p.name for p in (root / "mnist").iterdir()) == sorted(FILES["test"])  # no .part left


@needs_mnist
def test_download_repairs_corrupted_file(tmp_path, monkeypatch, mnist_test):
    d = _copy_test_split(tmp_path)
    (d / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(b"garbage"))
    with pytest.raises(CorruptFileError):
        MNIST(root=tmp_path, train=False)
    monkeypatch.setattr(MNIST, "mirrors", [MNIST_DIR.as_uri() + "/"])
    ds = MNIST(root=tmp_path, train=False, download=True)
    np.testing.assert_array_equal(ds.targets, mnist_test.targets)


# ---------------------------------------------------------------- Fashion-MNIST
def _write_idx(path: Path, arr: np.ndarray, magic_type: int = 0x08) -> None:
    header = bytes([0, 0, magic_type, arr.ndim]) + np.array(arr.shape, dtype=">u4").tobytes()
    path.write_bytes(gzip.compress(header + arr.astype(np.uint8).tobytes()))


def test_fashion_mnist_from_local_files(tmp_path):
    d = tmp_path / "fashion-mnist"
    d.mkdir()
    rng = np.random.default_rng(0)
    imgs = rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
    labels = np.array([9, 0, 3, 3, 1], dtype=np.uint8)
    _write_idx(d / "t10k-images-idx3-ubyte.gz", imgs)
    _write_idx(d / "t10k-labels-idx1-ubyte.gz", labels)
    ds = FashionMNIST(root=tmp_path, train=False)
    assert len(ds) == 5 and ds.targets.dtype == np.int64
    np.testing.assert_array_equal(ds.data, imgs)
    img, label = ds[0]
    assert img.shape == (1, 28, 28) and img.dtype == np.float32 and ds.classes[label] == "Ankle boot"
    # mismatched counts are caught
    _write_idx(d / "t10k-labels-idx1-ubyte.gz", labels[:4])
    with pytest.raises(CorruptFileError, match="5 images.*4 labels"):
        FashionMNIST(root=tmp_path, train=False)
    with pytest.raises(DatasetNotFoundError, match="fashion-mnist"):
        FashionMNIST(root=tmp_path, train=True)


def test_public_names_exported():
    for name in ["MNIST", "FashionMNIST", "load_mnist", "load_fashion_mnist", "download_url", "get_data_root"]:
        assert name in nd.__all__ and hasattr(nd, name)
    assert mnist_module.load_data is load_mnist
