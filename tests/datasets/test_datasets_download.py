"""Data-root resolution and the download-and-cache helper (exercised with file:// URLs)."""

import gzip
import hashlib

import pytest

from nerve.datasets import (
    ChecksumError,
    DownloadError,
    download_url,
    get_data_root,
    md5_file,
    md5_gunzip,
)

PAYLOAD = b"nerve datasets test payload\n" * 1000
PAYLOAD_MD5 = hashlib.md5(PAYLOAD).hexdigest()


@pytest.fixture
def source(tmp_path):
    src = tmp_path / "mirror"
    src.mkdir()
    (src / "blob.bin").write_bytes(PAYLOAD)
    (src / "blob.gz").write_bytes(gzip.compress(PAYLOAD))
    return src


def test_root_resolution_order(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("NERVE_DATA", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert get_data_root() == tmp_path / "home" / ".cache" / "nerve"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert get_data_root() == tmp_path / "xdg" / "nerve"
    monkeypatch.setenv("NERVE_DATA", str(tmp_path / "env"))
    assert get_data_root() == tmp_path / "env"
    assert get_data_root(tmp_path / "arg") == tmp_path / "arg"
    assert get_data_root(str(tmp_path / "arg2")) == tmp_path / "arg2"
    monkeypatch.setenv("NERVE_DATA", "")  # empty means unset
    assert get_data_root() == tmp_path / "xdg" / "nerve"
    assert not (tmp_path / "xdg").exists()  # resolution does not create folders


def test_download_file_url_with_md5(source, tmp_path):
    dest = tmp_path / "out" / "sub" / "blob.bin"
    got = download_url((source / "blob.bin").as_uri(), dest, md5=PAYLOAD_MD5, verbose=False)
    assert got == dest and dest.read_bytes() == PAYLOAD
    assert md5_file(dest) == PAYLOAD_MD5
    assert [p.name for p in dest.parent.iterdir()] == ["blob.bin"]  # temp file was renamed away


def test_download_checksum_failure(source, tmp_path):
    dest = tmp_path / "out" / "blob.bin"
    wrong = "0" * 32
    with pytest.raises(ChecksumError) as ei:
        download_url((source / "blob.bin").as_uri(), dest, md5=wrong, verbose=False)
    msg = str(ei.value)
    assert "blob.bin" in msg and wrong in msg and PAYLOAD_MD5 in msg
    assert ei.value.expected == wrong and ei.value.actual == PAYLOAD_MD5
    assert not dest.exists()
    assert list(dest.parent.iterdir()) == []  # no partial/temporary file left behind


def test_download_mirror_fallback(source, tmp_path):
    dest = tmp_path / "blob.bin"
    urls = [(tmp_path / "missing" / "blob.bin").as_uri(), (source / "blob.bin").as_uri()]
    download_url(urls, dest, md5=PAYLOAD_MD5, verbose=False)
    assert dest.read_bytes() == PAYLOAD


def test_download_all_mirrors_fail(tmp_path):
    urls = [(tmp_path / "a" / "x").as_uri(), (tmp_path / "b" / "x").as_uri()]
    with pytest.raises(DownloadError) as ei:
        download_url(urls, tmp_path / "x", verbose=False)
    assert urls[0] in str(ei.value) and urls[1] in str(ei.value)
    assert not (tmp_path / "x").exists()


def test_download_gunzip_md5(source, tmp_path):
    dest = tmp_path / "blob.gz"
    download_url((source / "blob.gz").as_uri(), dest, md5=PAYLOAD_MD5, md5_of="gunzip", verbose=False)
    assert gzip.decompress(dest.read_bytes()) == PAYLOAD
    assert md5_gunzip(dest) == PAYLOAD_MD5
    # the compressed-bytes md5 differs, so checking the wrong thing fails
    with pytest.raises(ChecksumError, match="decompressed content"):
        download_url((source / "blob.bin").as_uri(), tmp_path / "b2.gz", md5=PAYLOAD_MD5,
                     md5_of="gunzip", verbose=False)


def test_existing_verified_file_is_not_refetched(source, tmp_path):
    dest = tmp_path / "blob.bin"
    dest.write_bytes(PAYLOAD)
    bogus = (tmp_path / "no-such-mirror" / "blob.bin").as_uri()
    assert download_url(bogus, dest, md5=PAYLOAD_MD5, verbose=False) == dest
    # a corrupted existing file is fetched again
    dest.write_bytes(b"corrupt")
    download_url((source / "blob.bin").as_uri(), dest, md5=PAYLOAD_MD5, verbose=False)
    assert dest.read_bytes() == PAYLOAD
    # overwrite=True forces a fetch (which fails here)
    with pytest.raises(DownloadError):
        download_url(bogus, dest, md5=PAYLOAD_MD5, overwrite=True, verbose=False)
    assert dest.read_bytes() == PAYLOAD  # untouched by the failed attempt
