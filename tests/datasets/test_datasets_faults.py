"""Faults in dataset files and downloads: checksums, mirrors, IDX headers, non-regular files, indices.

Everything here runs offline on tiny synthetic files in ``tmp_path`` (file:// URLs,
a fake ``_fetch`` or a local ``http.server`` thread); nothing is copied from the
shared data folder. Tests that could hang on a FIFO run the loader in a thread
with a join timeout, and unblock the FIFO if the loader ever opens it.
"""

import functools
import gzip
import hashlib
import http.server
import io
import os
import struct
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from nerve._files import NotARegularFileError
from nerve.datasets import (
    MNIST,
    ChecksumError,
    CorruptFileError,
    DatasetNotFoundError,
    DownloadError,
    FashionMNIST,
    download_url,
    load_shakespeare,
    read_idx,
    sha256_file,
    sha256_gunzip,
)
from nerve.datasets import _download, tabular
from nerve.datasets import mnist as mnist_module
from nerve.datasets.mnist import Resource
from nerve.keras import datasets as keras_datasets

PAYLOAD = b"nerve fault-test payload\n" * 500
SHA = hashlib.sha256(PAYLOAD).hexdigest()
MD5 = hashlib.md5(PAYLOAD).hexdigest()

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")


# ---------------------------------------------------------------- helpers
def _idx_bytes(arr: np.ndarray, type_code: int = 0x08) -> bytes:
    return bytes([0, 0, type_code, arr.ndim]) + struct.pack(f">{arr.ndim}I", *arr.shape) + arr.tobytes()


def _write_mnist_like(folder: Path, n_images: int, n_labels: int, split: str = "t10k") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    imgs = rng.integers(0, 256, size=(n_images, 28, 28), dtype=np.uint8)
    labels = (np.arange(n_labels) % 10).astype(np.uint8)
    (folder / f"{split}-images-idx3-ubyte.gz").write_bytes(gzip.compress(_idx_bytes(imgs)))
    (folder / f"{split}-labels-idx1-ubyte.gz").write_bytes(gzip.compress(_idx_bytes(labels)))


def _no_hang(fn, fifo_paths=(), timeout=10.0):
    """Run ``fn()`` in a thread; return what it raised. Fail (after unblocking any FIFO) if it hangs."""
    box = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as e:  # noqa: BLE001 - handed back to the test
            box["error"] = e

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive():
        for p in fifo_paths:  # a writer end lets a blocked open() return, so the thread can finish
            try:
                os.close(os.open(p, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
        t.join(5)
        pytest.fail(f"the loader blocked for more than {timeout} s (it opened a FIFO instead of refusing it)")
    assert "error" in box, f"expected an error, got {box.get('value')!r}"
    return box["error"]


@pytest.fixture
def fake_fetch(monkeypatch):
    """Replace the network: ``served[url] = bytes`` (or an exception); ``calls`` records the URLs tried."""
    served, calls = {}, []

    def fetch(url, tmp_file, timeout):
        calls.append(url)
        data = served.get(url, OSError(f"no route to {url} (test)"))
        if isinstance(data, BaseException):
            raise data
        for i in range(0, len(data), 1000):  # in chunks, as the real one streams
            tmp_file.write(data[i:i + 1000])

    monkeypatch.setattr(_download, "_fetch", fetch)
    return served, calls


# ---------------------------------------------------------------- SHA-256 / MD5 on downloads
def test_sha256_download_verified_and_renamed(tmp_path):
    src = tmp_path / "src.bin"
    src.write_bytes(PAYLOAD)
    dest = tmp_path / "cache" / "blob.bin"
    assert download_url(src.as_uri(), dest, sha256=SHA, verbose=False) == dest
    assert dest.read_bytes() == PAYLOAD and sha256_file(dest) == SHA
    assert os.listdir(dest.parent) == ["blob.bin"]
    # upper-case sums are accepted; a verified file is not fetched again
    assert download_url((tmp_path / "gone").as_uri(), dest, sha256=SHA.upper(), md5=MD5, verbose=False) == dest


def test_sha256_mismatch_removes_temp_and_says_what_to_do(tmp_path, fake_fetch):
    served, _ = fake_fetch
    served["https://a.example/blob.bin"] = PAYLOAD
    dest = tmp_path / "cache" / "blob.bin"
    wrong = "ab" * 32
    with pytest.raises(ChecksumError) as ei:
        download_url("https://a.example/blob.bin", dest, sha256=wrong, verbose=False)
    msg = str(ei.value)
    assert "SHA-256" in msg and str(dest) in msg and wrong in msg and SHA in msg
    assert "https://a.example/blob.bin" in msg and "NERVE_DATA" in msg and "not written" in msg
    assert ei.value.algorithm == "sha256" and ei.value.expected == wrong and ei.value.actual == SHA
    assert os.listdir(dest.parent) == []  # the temporary file is gone, nothing renamed


def test_every_sum_is_checked(tmp_path, fake_fetch):
    served, _ = fake_fetch
    served["https://a.example/f"] = PAYLOAD
    dest = tmp_path / "f"
    # right MD5, wrong SHA-256 (what an MD5 collision would look like): refused, and the SHA-256 is named
    with pytest.raises(ChecksumError) as ei:
        download_url("https://a.example/f", dest, md5=MD5, sha256="0" * 64, verbose=False)
    assert ei.value.algorithm == "sha256" and "SHA-256 checksum mismatch" in str(ei.value)
    assert not dest.exists()
    # both wrong: both are reported
    with pytest.raises(ChecksumError) as ei:
        download_url("https://a.example/f", dest, md5="1" * 32, sha256="0" * 64, verbose=False)
    assert [m[0] for m in ei.value.mismatches] == ["md5", "sha256"]
    assert MD5 in str(ei.value) and SHA in str(ei.value) and "MD5 and SHA-256" in str(ei.value)
    # both right
    download_url("https://a.example/f", dest, md5=MD5, sha256=SHA, verbose=False)
    assert dest.read_bytes() == PAYLOAD


def test_gunzip_sums_and_corrupt_gzip(tmp_path, fake_fetch):
    served, _ = fake_fetch
    served["https://a.example/f.gz"] = gzip.compress(PAYLOAD)
    served["https://a.example/bad.gz"] = b"\x1f\x8b not really gzip"
    dest = tmp_path / "f.gz"
    download_url("https://a.example/f.gz", dest, sha256=SHA, md5=MD5, hash_of="gunzip", verbose=False)
    assert sha256_gunzip(dest) == SHA
    with pytest.raises(ChecksumError, match="unreadable") as ei:
        download_url("https://a.example/bad.gz", tmp_path / "bad.gz", sha256=SHA, hash_of="gunzip", verbose=False)
    assert "bad.gz" in str(ei.value)
    assert sorted(os.listdir(tmp_path)) == ["f.gz"]


def test_malformed_sum_is_refused_before_downloading(tmp_path, fake_fetch):
    _, calls = fake_fetch
    with pytest.raises(ValueError, match="sha256 must be 64 hexadecimal digits"):
        download_url("https://a.example/f", tmp_path / "f", sha256=MD5, verbose=False)
    with pytest.raises(ValueError, match="md5 must be 32 hexadecimal digits"):
        download_url("https://a.example/f", tmp_path / "f", md5="xyz", verbose=False)
    with pytest.raises(ValueError, match="hash_of"):
        download_url("https://a.example/f", tmp_path / "f", hash_of="zip", verbose=False)
    assert calls == []


def test_temp_file_lives_in_the_cache_dir_and_an_interrupted_download_leaves_nothing(tmp_path, monkeypatch):
    dest = tmp_path / "cache" / "blob.bin"
    seen = []

    def fetch(url, tmp_file, timeout):
        tmp_file.write(PAYLOAD[:100])
        seen.append(sorted(os.listdir(dest.parent)))
        raise ConnectionResetError("connection reset (test)")

    monkeypatch.setattr(_download, "_fetch", fetch)
    with pytest.raises(DownloadError, match="connection reset"):
        download_url("https://a.example/blob.bin", dest, sha256=SHA, verbose=False)
    assert len(seen) == 1 and len(seen[0]) == 1
    assert seen[0][0].startswith("blob.bin.") and seen[0][0].endswith(".part")
    assert os.listdir(dest.parent) == []


def test_stale_temporaries_of_a_killed_download_are_removed(tmp_path, fake_fetch):
    served, _ = fake_fetch
    served["https://a.example/blob.bin"] = PAYLOAD
    cache = tmp_path / "cache"
    cache.mkdir()
    old = cache / "blob.bin.dead1234.part"
    fresh = cache / "blob.bin.live5678.part"  # another run may be writing this one right now
    other = cache / "other.bin.dead0000.part"
    for p in (old, fresh, other):
        p.write_bytes(b"partial")
    long_ago = time.time() - 2 * _download._STALE_PART_SECONDS
    os.utime(old, (long_ago, long_ago))
    os.utime(other, (long_ago, long_ago))
    download_url("https://a.example/blob.bin", cache / "blob.bin", sha256=SHA, verbose=False)
    assert sorted(os.listdir(cache)) == sorted(["blob.bin", fresh.name, other.name])


# ---------------------------------------------------------------- mirrors: HTTPS first
def test_mirror_order_https_first_http_last(fake_fetch, tmp_path):
    urls = ["http://a.example/x", "https://b.example/x", "file:///c/x", "https://d.example/x", "http://e.example/x"]
    assert _download._order_mirrors(urls) == [
        "https://b.example/x", "https://d.example/x", "file:///c/x", "http://a.example/x", "http://e.example/x"]
    _, calls = fake_fetch
    with pytest.raises(DownloadError) as ei:
        download_url(urls, tmp_path / "x", verbose=False)
    assert calls == _download._order_mirrors(urls)
    for u in urls:
        assert u in str(ei.value)


def test_dataset_mirror_lists_are_https_first():
    for cls in (MNIST, FashionMNIST):
        assert cls.mirrors[0].startswith("https://"), cls.__name__
        assert _download._order_mirrors(cls.mirrors) == cls.mirrors, cls.__name__


def test_dataset_download_tries_https_first(tmp_path, monkeypatch, fake_fetch):
    served, calls = fake_fetch
    monkeypatch.setattr(FashionMNIST, "mirrors", ["http://plain.example/", "https://secure.example/"])
    with pytest.raises(DatasetNotFoundError, match="download failed"):
        FashionMNIST(root=tmp_path, train=False, download=True)
    assert calls[0] == "https://secure.example/t10k-images-idx3-ubyte.gz"
    assert calls[1] == "http://plain.example/t10k-images-idx3-ubyte.gz"


@pytest.fixture
def http_server(tmp_path, monkeypatch):
    """A local HTTP server on 127.0.0.1 serving ``tmp_path / "www"``."""
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    www = tmp_path / "www"
    www.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(www)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield www, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_download_over_http_from_a_local_server(tmp_path, http_server):
    www, base = http_server
    (www / "blob.bin").write_bytes(PAYLOAD)
    (www / "tampered.bin").write_bytes(PAYLOAD[:-1] + b"!")
    dest = tmp_path / "cache" / "blob.bin"
    download_url([base + "missing.bin", base + "blob.bin"], dest, sha256=SHA, timeout=5, verbose=False)
    assert dest.read_bytes() == PAYLOAD
    with pytest.raises(ChecksumError) as ei:
        download_url(base + "tampered.bin", tmp_path / "cache" / "t.bin", sha256=SHA, timeout=5, verbose=False)
    assert "t.bin" in str(ei.value) and SHA in str(ei.value)
    assert sorted(os.listdir(dest.parent)) == ["blob.bin"]


# ---------------------------------------------------------------- IDX headers, sizes, gzip streams
def test_idx_truncated_and_trailing_uncompressed(tmp_path):
    arr = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    good = _idx_bytes(arr)
    short = tmp_path / "short.idx"
    short.write_bytes(good[:-5])
    with pytest.raises(CorruptFileError) as ei:
        read_idx(short)
    msg = str(ei.value)
    assert str(short) in msg and "truncated" in msg and "(2, 3, 4)" in msg
    assert f"{len(good)} bytes with the header" in msg and f"has {len(good) - 5} bytes" in msg
    long = tmp_path / "long.idx"
    long.write_bytes(good + b"\0\0")
    with pytest.raises(CorruptFileError, match="trailing bytes") as ei:
        read_idx(long)
    assert str(long) in str(ei.value) and f"has {len(good) + 2} bytes" in str(ei.value)


@pytest.mark.parametrize("head,fragment", [
    (b"\x00\x00\x07\x01", "type code"),           # unknown dtype code
    (b"\x01\x00\x08\x01", "not an IDX file"),     # non-zero first byte
    (b"\x00\x00\x08\x00", "0 dimensions"),        # ndim 0
    (b"\x00\x00\x08\xc8", "200 dimensions"),      # ndim 200
    (b"\x00\x00", "too short for an IDX header"),
    (b"\x00\x00\x08\x03\x00\x00\x00\x02", "truncated IDX header"),  # 3 dims promised, 1 present
], ids=["dtype", "magic", "ndim0", "ndim200", "short", "short-dims"])
def test_idx_bad_headers(tmp_path, head, fragment):
    for name, data in (("h.idx", head), ("h.idx.gz", gzip.compress(head))):
        p = tmp_path / name
        p.write_bytes(data)
        with pytest.raises(CorruptFileError, match=fragment) as ei:
            read_idx(p)
        assert str(p) in str(ei.value)


def test_idx_huge_dims_refused_before_allocating(tmp_path, monkeypatch):
    calls = []
    real_bytearray = bytearray

    def spy(*a):
        calls.append(a)
        return real_bytearray(*a)

    monkeypatch.setattr(mnist_module, "bytearray", spy, raising=False)
    head = b"\x00\x00\x0e\x03" + struct.pack(">3I", 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF)  # 8 * (2**32-1)**3 bytes
    for name, data in (("big.idx", head), ("big.idx.gz", gzip.compress(head))):
        p = tmp_path / name
        p.write_bytes(data)
        with pytest.raises(CorruptFileError, match="limit") as ei:
            read_idx(p)
        assert str(p) in str(ei.value) and "(4294967295, 4294967295, 4294967295)" in str(ei.value)
    assert calls == []  # nothing allocated
    # the cap is a parameter
    small = tmp_path / "small.idx"
    small.write_bytes(_idx_bytes(np.zeros((4, 4), np.uint8)))
    with pytest.raises(CorruptFileError, match="limit"):
        read_idx(small, max_bytes=15)
    assert read_idx(small, max_bytes=16).shape == (4, 4)


def test_idx_gzip_shorter_than_promised(tmp_path):
    arr = np.arange(100, dtype=np.uint8).reshape(10, 10)
    p = tmp_path / "short.idx.gz"
    p.write_bytes(gzip.compress(_idx_bytes(arr)[:-30]))
    with pytest.raises(CorruptFileError) as ei:
        read_idx(p)
    msg = str(ei.value)
    assert str(p) in msg and "truncated" in msg and "only 70 data bytes" in msg and "(10, 10)" in msg


def test_idx_truncated_gzip_stream(tmp_path):
    arr = np.random.default_rng(0).integers(0, 256, size=(50, 50), dtype=np.uint8)
    p = tmp_path / "cut.idx.gz"
    p.write_bytes(gzip.compress(_idx_bytes(arr))[:-20])  # lost the end of the stream
    with pytest.raises(CorruptFileError, match="truncated") as ei:
        read_idx(p)
    assert str(p) in str(ei.value)
    garbage = tmp_path / "garbage.gz"
    garbage.write_bytes(b"\x1f\x8b\x08\x00" + b"\xff" * 64)
    with pytest.raises(CorruptFileError, match="could not be decompressed") as ei:
        read_idx(garbage)
    assert str(garbage) in str(ei.value)
    notgz = tmp_path / "plain.idx.gz"
    notgz.write_bytes(_idx_bytes(arr))
    with pytest.raises(CorruptFileError, match="not a gzip file") as ei:
        read_idx(notgz)
    assert str(notgz) in str(ei.value)


def test_idx_gzip_bomb_stops_at_the_promised_size(tmp_path, monkeypatch):
    promised = _idx_bytes(np.zeros((2, 2), np.uint8))  # 12 header + 4 data bytes
    p = tmp_path / "bomb.idx.gz"
    p.write_bytes(gzip.compress(promised + b"\0" * (16 << 20), compresslevel=1))
    delivered = []

    class CountingGzip(gzip.GzipFile):
        def read(self, size=-1):
            assert size is not None and size >= 0, "read() without a size would inflate everything"
            out = super().read(size)
            delivered.append(len(out))
            return out

    monkeypatch.setattr(mnist_module.gzip, "GzipFile", CountingGzip)
    with pytest.raises(CorruptFileError, match="trailing data") as ei:
        read_idx(p)
    assert str(p) in str(ei.value) and "more than the 16 bytes" in str(ei.value)
    assert sum(delivered) <= len(promised) + 1


def test_idx_big_endian_types_roundtrip(tmp_path):
    for code, dt in ((0x0B, ">i2"), (0x0D, ">f4"), (0x0E, ">f8"), (0x09, "i1")):
        arr = (np.arange(6) - 3).astype(dt).reshape(3, 2)
        p = tmp_path / f"t{code}.idx.gz"
        p.write_bytes(gzip.compress(_idx_bytes(arr, code)))
        out = read_idx(p)
        assert out.dtype.isnative and out.flags.writeable
        np.testing.assert_array_equal(out, arr)


def test_read_idx_checks_sha256_of_the_content(tmp_path):
    raw = _idx_bytes(np.arange(10, dtype=np.uint8))
    p = tmp_path / "l.idx.gz"
    p.write_bytes(gzip.compress(raw))
    sha, md5 = hashlib.sha256(raw).hexdigest(), hashlib.md5(raw).hexdigest()
    np.testing.assert_array_equal(read_idx(p, sha256=sha, md5=md5), np.arange(10))
    with pytest.raises(ChecksumError) as ei:
        read_idx(p, sha256="f" * 64, md5=md5)
    msg = str(ei.value)
    assert str(p) in msg and "f" * 64 in msg and sha in msg and "uncompressed content" in msg
    assert "download=True" in msg and "NERVE_DATA" in msg


# ---------------------------------------------------------------- dataset classes on synthetic files
@pytest.fixture
def sumless_mnist(monkeypatch):
    """MNIST without content sums, so tiny synthetic files load (the structure checks still run)."""
    monkeypatch.setattr(MNIST, "resources", {
        split: tuple(Resource(r.filename) for r in files) for split, files in MNIST.resources.items()})


def test_count_mismatch_names_both_files(tmp_path, sumless_mnist):
    _write_mnist_like(tmp_path / "mnist", 6, 5)
    with pytest.raises(CorruptFileError) as ei:
        MNIST(root=tmp_path, train=False)
    msg = str(ei.value)
    assert str(tmp_path / "mnist" / "t10k-images-idx3-ubyte.gz") in msg
    assert str(tmp_path / "mnist" / "t10k-labels-idx1-ubyte.gz") in msg
    assert "6 images" in msg and "5 labels" in msg


def test_labels_out_of_range(tmp_path, sumless_mnist):
    d = tmp_path / "mnist"
    _write_mnist_like(d, 3, 3)
    (d / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(_idx_bytes(np.array([1, 12, 3], np.uint8))))
    with pytest.raises(CorruptFileError, match=r"labels must be 0\.\.9, found 1\.\.12"):
        MNIST(root=tmp_path, train=False)


def test_mnist_checks_both_sums_of_each_file(tmp_path):
    _write_mnist_like(tmp_path / "mnist", 3, 3)  # structurally valid, but not the real MNIST
    with pytest.raises(ChecksumError) as ei:
        MNIST(root=tmp_path, train=False)
    err = ei.value
    assert [m[0] for m in err.mismatches] == ["md5", "sha256"]
    assert "t10k-images-idx3-ubyte.gz" in str(err)
    img = MNIST.resources["test"][0]
    assert img.md5 in str(err) and img.sha256 in str(err)
    for split in MNIST.resources.values():
        for r in split:
            assert len(r.sha256) == 64 and len(r.md5) == 32 and r.of == "content"


def test_index_out_of_range_message(tmp_path, sumless_mnist):
    _write_mnist_like(tmp_path / "mnist", 5, 5)
    ds = MNIST(root=tmp_path, train=False)
    with pytest.raises(IndexError, match=r"^MNIST index 5 is out of range for a dataset of 5 samples$"):
        ds[5]
    with pytest.raises(IndexError, match=r"^MNIST index -6 is out of range for a dataset of 5 samples$"):
        ds[-6]
    with pytest.raises(IndexError, match="MNIST index 70000 is out of range for a dataset of 5 samples"):
        ds[70000]
    np.testing.assert_array_equal(ds[-5][0], ds[0][0])
    assert ds[-1][1] == ds[4][1] == 4 and ds[np.int64(2)][1] == 2
    with pytest.raises(TypeError, match="MNIST indices must be integers, got float"):
        ds[1.5]
    _write_mnist_like(tmp_path / "fashion-mnist", 2, 2)
    with pytest.raises(IndexError, match="^FashionMNIST index 2 is out of range for a dataset of 2 samples$"):
        FashionMNIST(root=tmp_path, train=False)[2]


def test_fashion_mnist_download_checks_the_published_md5(tmp_path, monkeypatch, fake_fetch):
    served, calls = fake_fetch
    monkeypatch.setattr(FashionMNIST, "mirrors", ["https://mirror.example/"])
    for r in FashionMNIST.resources["test"]:
        served["https://mirror.example/" + r.filename] = gzip.compress(b"not the published file")
    with pytest.raises(ChecksumError) as ei:
        FashionMNIST(root=tmp_path, train=False, download=True)
    assert "bef4ecab320f06d8554ea6380940ec79" in str(ei.value)  # the published MD5 of the test images
    assert not (tmp_path / "fashion-mnist" / "t10k-images-idx3-ubyte.gz").exists()
    assert os.listdir(tmp_path / "fashion-mnist") == []


# ---------------------------------------------------------------- missing data messages
def test_missing_mnist_message_names_where_and_how(tmp_path, monkeypatch):
    monkeypatch.setenv("NERVE_DATA", str(tmp_path / "data"))
    with pytest.raises(DatasetNotFoundError) as ei:
        MNIST(train=False)
    msg = str(ei.value)
    assert "\n" not in msg
    assert str(tmp_path / "data" / "mnist" / "t10k-images-idx3-ubyte.gz") in msg
    assert "NERVE_DATA environment variable" in msg and "download=True" in msg
    # the default cache folder
    monkeypatch.delenv("NERVE_DATA")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    with pytest.raises(DatasetNotFoundError) as ei:
        MNIST(train=False)
    msg = str(ei.value)
    assert str(tmp_path / "xdg" / "nerve" / "mnist") in msg and "default cache folder" in msg
    assert "set the NERVE_DATA environment variable" in msg


def test_missing_shakespeare_message(tmp_path, monkeypatch):
    monkeypatch.setenv("NERVE_DATA", str(tmp_path))
    with pytest.raises(DatasetNotFoundError) as ei:
        load_shakespeare()
    msg = str(ei.value)
    assert "\n" not in msg and str(tmp_path / "shakespeare" / "plays.txt") in msg
    assert "NERVE_DATA environment variable" in msg and "no automatic download" in msg


def test_wrong_shakespeare_file(tmp_path):
    d = tmp_path / "shakespeare"
    d.mkdir()
    (d / "plays.txt").write_text("To be, or not to be")
    with pytest.raises(CorruptFileError, match="19 bytes, expected 1,151,361") as ei:
        load_shakespeare(tmp_path)
    assert str(d / "plays.txt") in str(ei.value) and "NERVE_DATA" in str(ei.value)
    (d / "plays.txt").write_bytes(b"x" * 1151361)
    with pytest.raises(ChecksumError, match="SHA-256") as ei:
        load_shakespeare(tmp_path)
    assert str(d / "plays.txt") in str(ei.value)


# ---------------------------------------------------------------- non-regular files are refused at once
@needs_fifo
def test_fifo_idx_file_is_refused(tmp_path, sumless_mnist):
    d = tmp_path / "mnist"
    _write_mnist_like(d, 2, 2)
    fifo = d / "t10k-labels-idx1-ubyte.gz"
    fifo.unlink()
    os.mkfifo(fifo)
    err = _no_hang(lambda: MNIST(root=tmp_path, train=False), [fifo])
    assert isinstance(err, NotARegularFileError) and str(fifo) in str(err) and "FIFO" in str(err)
    err = _no_hang(lambda: read_idx(fifo), [fifo])
    assert isinstance(err, NotARegularFileError) and str(fifo) in str(err)
    # download=True must refuse it too, not try to "repair" it by opening it
    err = _no_hang(lambda: MNIST(root=tmp_path, train=False, download=True), [fifo])
    assert isinstance(err, NotARegularFileError)


@needs_fifo
def test_fifo_as_nerve_data_is_refused(tmp_path, monkeypatch):
    fifo = tmp_path / "data.fifo"
    os.mkfifo(fifo)
    monkeypatch.setenv("NERVE_DATA", str(fifo))
    for load in (lambda: MNIST(train=False), load_shakespeare,
                 lambda: keras_datasets.mnist.load_data(), lambda: keras_datasets.fashion_mnist.load_data()):
        err = _no_hang(load, [fifo])
        assert isinstance(err, NotADirectoryError), err
        msg = str(err)
        assert str(fifo) in msg and "NERVE_DATA environment variable" in msg and "FIFO" in msg


def test_regular_file_as_root_is_refused(tmp_path):
    f = tmp_path / "mnist.tar"
    f.write_bytes(b"x")
    with pytest.raises(NotADirectoryError, match="is a regular file, not a folder") as ei:
        keras_datasets.mnist.load_data(path=str(f))
    assert str(f) in str(ei.value) and "root argument" in str(ei.value)


@needs_fifo
def test_fifo_and_directory_shakespeare(tmp_path):
    d = tmp_path / "shakespeare"
    d.mkdir()
    fifo = d / "plays.txt"
    os.mkfifo(fifo)
    err = _no_hang(lambda: load_shakespeare(tmp_path), [fifo])
    assert isinstance(err, NotARegularFileError) and str(fifo) in str(err)
    fifo.unlink()
    fifo.mkdir()
    with pytest.raises(IsADirectoryError, match="is a directory") as ei:
        load_shakespeare(tmp_path)
    assert str(fifo) in str(ei.value)


@needs_fifo
def test_fifo_bundled_table_is_refused(tmp_path, monkeypatch):
    os.mkfifo(tmp_path / "iris.csv")
    monkeypatch.setattr(tabular, "DATA_DIR", tmp_path)
    err = _no_hang(tabular.load_iris, [tmp_path / "iris.csv"])
    assert isinstance(err, NotARegularFileError) and str(tmp_path / "iris.csv") in str(err)


def test_damaged_bundled_table(tmp_path, monkeypatch):
    (tmp_path / "iris.csv").write_text("150,4,setosa,versicolor,virginica\n1,2,3,4,0\n")
    monkeypatch.setattr(tabular, "DATA_DIR", tmp_path)
    with pytest.raises(ChecksumError, match="reinstall nerve") as ei:
        tabular.load_iris()
    assert str(tmp_path / "iris.csv") in str(ei.value)
    with pytest.raises(FileNotFoundError, match="installation is incomplete"):
        tabular.load_wine()
    for name, expected in tabular.BUNDLED_SHA256.items():  # every bundled file has a sum, and it is right
        assert sha256_file(tabular.Path(tabular.__file__).parent / "data" / name) == expected


@needs_fifo
def test_fifo_in_download_cache_is_refused(tmp_path, fake_fetch):
    fifo = tmp_path / "blob.bin"
    os.mkfifo(fifo)
    err = _no_hang(lambda: download_url("https://a.example/blob.bin", fifo, sha256=SHA, verbose=False), [fifo])
    assert isinstance(err, NotARegularFileError) and str(fifo) in str(err)


def test_directory_as_idx_file(tmp_path):
    (tmp_path / "x.idx").mkdir()
    with pytest.raises(IsADirectoryError, match="is a directory") as ei:
        read_idx(tmp_path / "x.idx")
    assert str(tmp_path / "x.idx") in str(ei.value)


# ---------------------------------------------------------------- keras.datasets and Keras' mnist.npz
def _npz(path: Path, **arrays) -> str:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())
    return hashlib.sha256(buf.getvalue()).hexdigest()


def test_keras_mnist_npz(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    x = np.zeros((3, 28, 28), np.uint8)
    npz = tmp_path / "kh" / "datasets" / "mnist.npz"
    sha = _npz(npz, x_train=x, y_train=np.array([1, 2, 3], np.uint8), x_test=x[:1], y_test=np.array([7], np.uint8))
    with pytest.raises(ChecksumError) as ei:  # not Keras' file
        keras_datasets.mnist.load_data(path="mnist.npz")
    msg = str(ei.value)
    assert str(npz) in msg and keras_datasets.MNIST_NPZ_SHA256 in msg and sha in msg and "path=None" in msg
    monkeypatch.setattr(keras_datasets, "MNIST_NPZ_SHA256", sha)
    (xtr, ytr), (xte, yte) = keras_datasets.mnist.load_data(path="mnist.npz")
    assert xtr.shape == (3, 28, 28) and ytr.tolist() == [1, 2, 3] and ytr.dtype == np.int64 and yte.tolist() == [7]
    assert keras_datasets.mnist.load_data(path=str(npz))[1][1].tolist() == [7]  # an absolute path too
    sha = _npz(npz, x_train=x)
    monkeypatch.setattr(keras_datasets, "MNIST_NPZ_SHA256", sha)
    with pytest.raises(CorruptFileError, match="y_train") as ei:
        keras_datasets.mnist.load_data(path="mnist.npz")
    assert str(npz) in str(ei.value)


@needs_fifo
def test_keras_mnist_npz_fifo(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "datasets").mkdir()
    fifo = tmp_path / "datasets" / "mnist.npz"
    os.mkfifo(fifo)
    err = _no_hang(lambda: keras_datasets.mnist.load_data(path="mnist.npz"), [fifo])
    assert isinstance(err, NotARegularFileError) and str(fifo) in str(err)
