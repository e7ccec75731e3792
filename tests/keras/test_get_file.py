"""keras.utils.get_file (cache + checksum, offline-aware) and the legacy keras.utils.np_utils path."""
import hashlib
import io
import os
import tarfile
import zipfile

import numpy as np
import pytest

from nerve.datasets import _download
from nerve.keras import utils
from nerve.keras.utils import get_file

PAYLOAD = b"sepal_length,sepal_width\n5.1,3.5\n4.9,3.0\n"
SHA256 = hashlib.sha256(PAYLOAD).hexdigest()
MD5 = hashlib.md5(PAYLOAD).hexdigest()


@pytest.fixture
def source(tmp_path):
    src = tmp_path / "server" / "iris.csv"
    src.parent.mkdir()
    src.write_bytes(PAYLOAD)
    return src


@pytest.fixture
def no_network(monkeypatch):
    calls = []

    def refuse(url, tmp_file, timeout):
        calls.append(url)
        raise OSError("network is unreachable (test)")

    monkeypatch.setattr(_download, "_fetch", refuse)
    return calls


def test_download_then_cache_hit_without_network(tmp_path, source, monkeypatch):
    cache = tmp_path / "cache"
    path = get_file("iris.csv", origin=source.as_uri(), file_hash=SHA256, cache_dir=str(cache))
    assert path == str(cache / "datasets" / "iris.csv") and open(path, "rb").read() == PAYLOAD
    calls = []
    monkeypatch.setattr(_download, "_fetch", lambda *a: calls.append(a) or (_ for _ in ()).throw(OSError("x")))
    source.unlink()  # the server is gone too
    for h in (SHA256, MD5, None):
        assert get_file("iris.csv", origin=source.as_uri(), file_hash=h, cache_dir=str(cache)) == path
    assert get_file("iris.csv", origin=source.as_uri(), md5_hash=MD5, cache_dir=str(cache)) == path
    assert calls == []


def test_hash_algorithms(tmp_path, source):
    cache = str(tmp_path / "c")
    for h, alg in ((SHA256, "auto"), (MD5, "auto"), (SHA256, "sha256"), (MD5, "md5"), (SHA256.upper(), "auto")):
        assert open(get_file("iris.csv", source.as_uri(), file_hash=h, hash_algorithm=alg, cache_dir=cache,
                             force_download=True), "rb").read() == PAYLOAD
    assert utils.file_utils.hash_file(source) == SHA256
    assert utils.file_utils.hash_file(source, "md5") == MD5
    assert utils.file_utils.validate_file(source, MD5) and not utils.file_utils.validate_file(source, "0" * 64)


def test_download_failure_names_the_url_and_the_cache_path(tmp_path, no_network):
    cache = tmp_path / "cache"
    url = "https://data.example.org/files/iris.csv"
    with pytest.raises(_download.DownloadError) as e:
        get_file("iris.csv", origin=url, cache_dir=str(cache))
    msg = str(e.value)
    target = str(cache / "datasets" / "iris.csv")
    assert url in msg and target in msg and "network is unreachable" in msg
    assert isinstance(e.value, RuntimeError)
    assert no_network == [url]
    assert os.listdir(cache / "datasets") == []  # no partial file left behind


def test_missing_local_origin_fails_cleanly(tmp_path):
    missing = (tmp_path / "nope.csv").as_uri()
    with pytest.raises(_download.DownloadError, match="nope.csv"):
        get_file(origin=missing, cache_dir=str(tmp_path / "c"))


def test_stale_cached_file_is_downloaded_again(tmp_path, source, capsys):
    cache = tmp_path / "cache"
    target = cache / "datasets" / "iris.csv"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"truncated")
    path = get_file("iris.csv", origin=source.as_uri(), file_hash=SHA256, cache_dir=str(cache))
    assert open(path, "rb").read() == PAYLOAD
    assert "hash does not match" in capsys.readouterr().out


def test_stale_cache_and_no_network(tmp_path, no_network):
    cache = tmp_path / "cache"
    target = cache / "datasets" / "iris.csv"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"truncated")
    with pytest.raises(_download.DownloadError, match="wrong hash") as e:
        get_file("iris.csv", origin="https://x.example/iris.csv", file_hash=SHA256, cache_dir=str(cache))
    assert str(target) in str(e.value)
    assert target.read_bytes() == b"truncated"  # the failed attempt did not destroy what was there


def test_wrong_hash_after_download_raises_and_removes_the_file(tmp_path, source):
    cache = tmp_path / "cache"
    with pytest.raises(ValueError, match="Incomplete or corrupted file detected") as e:
        get_file("iris.csv", origin=source.as_uri(), file_hash="0" * 64, cache_dir=str(cache))
    assert SHA256 in str(e.value)
    assert not (cache / "datasets" / "iris.csv").exists()


def test_names_and_argument_errors(tmp_path, source, monkeypatch):
    cache = str(tmp_path / "cache")
    assert os.path.basename(get_file(origin=source.as_uri(), cache_dir=cache)) == "iris.csv"
    with pytest.raises(ValueError, match="origin"):
        get_file("iris.csv")
    with pytest.raises(ValueError, match="Paths are no longer accepted"):
        get_file("sub/iris.csv", origin=source.as_uri(), cache_dir=cache)
    with pytest.raises(ValueError, match="file name"):
        get_file(origin="https://example.org/", cache_dir=cache)
    with pytest.raises(ValueError, match="hash_algorithm"):
        get_file("iris.csv", origin=source.as_uri(), file_hash=MD5, hash_algorithm="crc32", cache_dir=cache)
    # default cache: $KERAS_HOME/datasets, as in Keras
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    assert get_file("iris.csv", origin=source.as_uri()) == str(tmp_path / "kh" / "datasets" / "iris.csv")
    # an absolute cache_subdir is used as is
    absolute = tmp_path / "abs"
    assert get_file("iris.csv", origin=source.as_uri(), cache_subdir=str(absolute)) == str(absolute / "iris.csv")


def test_force_download_replaces_the_cached_copy(tmp_path, source):
    cache = str(tmp_path / "cache")
    path = get_file("iris.csv", origin=source.as_uri(), cache_dir=cache)
    source.write_bytes(b"new content")
    assert open(get_file("iris.csv", origin=source.as_uri(), cache_dir=cache), "rb").read() == PAYLOAD
    get_file("iris.csv", origin=source.as_uri(), cache_dir=cache, force_download=True)
    assert open(path, "rb").read() == b"new content"


def _tar(path, files):
    with tarfile.open(path, "w:gz") as tf:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))


def test_extract_tar_and_zip(tmp_path):
    server = tmp_path / "server"
    server.mkdir()
    _tar(server / "flowers.tar.gz", {"flowers/a.txt": b"A", "flowers/b/c.txt": b"C"})
    with zipfile.ZipFile(server / "words.zip", "w") as zf:
        zf.writestr("words/x.txt", "X")
    cache = str(tmp_path / "cache")
    d = get_file("flowers.tar.gz", origin=(server / "flowers.tar.gz").as_uri(), extract=True, cache_dir=cache)
    assert d == os.path.join(cache, "datasets", "flowers_extracted")
    assert open(os.path.join(d, "flowers", "b", "c.txt"), "rb").read() == b"C"
    d2 = get_file("words", origin=(server / "words.zip").as_uri(), extract=True, cache_dir=cache)
    assert d2 == os.path.join(cache, "datasets", "words")
    assert open(os.path.join(d2, "words", "x.txt")).read() == "X"
    assert os.path.exists(os.path.join(cache, "datasets", "words_archive"))
    other = str(tmp_path / "other")  # no fname: Keras names the folder after the URL's file
    d3 = get_file(origin=(server / "flowers.tar.gz").as_uri(), untar=True, cache_dir=other)
    assert d3 == os.path.join(other, "datasets", "flowers.tar.gz")
    assert open(os.path.join(d3, "flowers", "a.txt"), "rb").read() == b"A"


def test_archive_members_cannot_escape(tmp_path):
    server = tmp_path / "server"
    server.mkdir()
    _tar(server / "evil.tar.gz", {"../escaped.txt": b"x"})
    with pytest.raises(ValueError, match="outside"):
        get_file("evil.tar.gz", origin=(server / "evil.tar.gz").as_uri(), extract=True,
                 cache_dir=str(tmp_path / "cache"))
    assert not (tmp_path / "cache" / "escaped.txt").exists()


def test_to_categorical_legacy_path():
    from nerve.keras.utils.np_utils import to_categorical as legacy
    from nerve.keras.utils import to_categorical
    import nerve.keras.utils.np_utils as np_utils
    assert legacy is to_categorical is utils.to_categorical
    assert np_utils.normalize is utils.normalize
    np.testing.assert_array_equal(legacy([0, 2, 1], num_classes=3), np.eye(3, dtype=np.float32)[[0, 2, 1]])
    assert utils.Progbar is not None and callable(utils.set_random_seed)


# ---------------------------------------------------------------- issue 7: hashes, messages, non-regular files
def test_auto_hash_algorithm_follows_the_hash_length(tmp_path, source):
    cache = str(tmp_path / "cache")
    for wrong, alg, actual in (("0" * 64, "sha256", SHA256), ("0" * 32, "md5", MD5)):
        with pytest.raises(ValueError) as e:
            get_file("iris.csv", origin=source.as_uri(), file_hash=wrong, cache_dir=cache)
        msg = str(e.value)
        assert msg.startswith("Incomplete or corrupted file detected. The " + alg + " file hash")
        assert wrong in msg and actual in msg and source.as_uri() in msg
        assert os.path.join(cache, "datasets", "iris.csv") in msg and "nothing was written" in msg
    assert not os.path.exists(os.path.join(cache, "datasets", "iris.csv"))
    assert os.listdir(os.path.join(cache, "datasets")) == []  # no temporary file either
    assert utils.file_utils.hash_file(source, "auto") == MD5  # Keras: 'auto' without a hash is md5


def test_malformed_file_hash_is_refused_before_downloading(tmp_path, no_network):
    cache = str(tmp_path / "cache")
    url = "https://data.example.org/iris.csv"
    with pytest.raises(ValueError, match="has 3 hex digits: with hash_algorithm='auto' it must be a sha256"):
        get_file("iris.csv", origin=url, file_hash="abc", cache_dir=cache)
    with pytest.raises(ValueError, match="must be a hexadecimal"):
        get_file("iris.csv", origin=url, file_hash="z" * 64, cache_dir=cache)
    with pytest.raises(ValueError, match=r"has 64 hex digits but hash_algorithm='md5' expects 32 .*hash_algorithm='sha256'"):
        get_file("iris.csv", origin=url, file_hash=SHA256, hash_algorithm="md5", cache_dir=cache)
    with pytest.raises(ValueError, match=r"has 32 hex digits but hash_algorithm='sha256' expects 64"):
        get_file("iris.csv", origin=url, md5_hash=None, file_hash=MD5, hash_algorithm="sha256", cache_dir=cache)
    assert no_network == []


def test_wrong_hash_keeps_the_stale_cached_copy(tmp_path, source):
    cache = tmp_path / "cache"
    target = cache / "datasets" / "iris.csv"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"old")
    with pytest.raises(ValueError, match="stale cached copy there was left as it was"):
        get_file("iris.csv", origin=source.as_uri(), file_hash="1" * 64, cache_dir=str(cache))
    assert target.read_bytes() == b"old"
    assert os.listdir(target.parent) == ["iris.csv"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_fifo_or_directory_in_the_cache_is_refused(tmp_path, source):
    import threading
    from nerve._files import NotARegularFileError

    cache = tmp_path / "cache"
    (cache / "datasets").mkdir(parents=True)
    fifo = cache / "datasets" / "iris.csv"
    os.mkfifo(fifo)
    box = {}

    def run():
        try:
            get_file("iris.csv", origin=source.as_uri(), file_hash=SHA256, cache_dir=str(cache))
        except BaseException as e:  # noqa: BLE001
            box["error"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(10)
    if t.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # unblock the reader, then fail
        t.join(5)
        pytest.fail("get_file opened a FIFO in the cache instead of refusing it")
    assert isinstance(box.get("error"), NotARegularFileError) and str(fifo) in str(box["error"])
    fifo.unlink()
    fifo.mkdir()
    with pytest.raises(IsADirectoryError, match="is a directory") as e:
        get_file("iris.csv", origin=source.as_uri(), cache_dir=str(cache))
    assert str(fifo) in str(e.value)
