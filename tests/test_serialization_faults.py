"""Faults around checkpoint files: paths that are not regular files, damaged files, failed and killed saves.

Every message is checked for what the user needs to read: their own path, what is wrong, and no raw
safetensors/json/struct text and no temporary file name.
"""
import errno
import io
import json
import os
import select
import stat
import struct
import subprocess
import sys
import textwrap
import threading
import time
import tracemalloc

import numpy as np
import pytest

from nerve import serialization
from nerve._files import NotARegularFileError
from nerve.serialization import CheckpointError, load, save

RAW_FRAGMENTS = ("Error while", "SafetensorError", "Expecting", "line 1 column", "unpack", "struct.error",
                 "[Errno", "Traceback")


def _one_clean_line(msg):
    assert "\n" not in msg
    for frag in RAW_FRAGMENTS:
        assert frag not in msg, msg


def _finishes(fn, timeout=10.0, fifo=None):
    """Run ``fn`` in a thread; fail (after unblocking a FIFO reader) if it does not return in time."""
    box = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as e:  # noqa: BLE001 - handed to the test
            box["error"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive():
        if fifo is not None:  # a reader blocked in open(): a writer appearing releases it
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
        pytest.fail(f"{fn} still running after {timeout} s (it blocked on the path)")
    return box


def _temps(directory):
    return sorted(n for n in os.listdir(directory) if n.endswith(".tmp"))


# ----------------------------------------------------------------------------- paths that are not files

def test_load_refuses_missing_file_and_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such checkpoint") as ei:
        load(tmp_path / "missing.safetensors")
    assert str(tmp_path / "missing.safetensors") in str(ei.value)
    _one_clean_line(str(ei.value))
    with pytest.raises(IsADirectoryError, match="is a directory") as ei:
        load(tmp_path)
    assert str(tmp_path) in str(ei.value)
    _one_clean_line(str(ei.value))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_load_refuses_a_fifo_at_once(tmp_path):
    fifo = str(tmp_path / "pipe.safetensors")
    os.mkfifo(fifo)
    box = _finishes(lambda: load(fifo), timeout=10, fifo=fifo)
    err = box.get("error")
    assert isinstance(err, NotARegularFileError) and isinstance(err, OSError), box
    assert fifo in str(err) and "FIFO" in str(err) and "checkpoint" in str(err)
    _one_clean_line(str(err))


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_load_refuses_devices(device):
    if not os.path.exists(device) or not stat.S_ISCHR(os.stat(device).st_mode):
        pytest.skip(f"no {device}")
    box = _finishes(lambda: load(device), timeout=10)
    err = box.get("error")
    assert isinstance(err, NotARegularFileError), box
    assert device in str(err) and "character device" in str(err)


# ----------------------------------------------------------------------------- damaged files

def _valid_blob():
    buf = io.BytesIO()
    save({"w": np.arange(6, dtype=np.float32).reshape(2, 3), "step": 3}, buf)
    return buf.getvalue()


def _with_header(header: dict, data: bytes, pad=True) -> bytes:
    raw = json.dumps(header).encode()
    if pad:
        raw += b" " * (-len(raw) % 8)
    return struct.pack("<Q", len(raw)) + raw + data


def _damaged_variants():
    good = _valid_blob()
    (n,) = struct.unpack("<Q", good[:8])
    header = json.loads(good[8:8 + n])
    data = good[8 + n:]
    name = next(k for k in header if k != "__metadata__")

    def edit(**entry):
        h = json.loads(json.dumps(header))
        h[name].update(entry)
        return _with_header(h, data)

    yield "empty", b"", "shorter than the 8-byte header"
    yield "7 bytes", good[:7], "shorter than the 8-byte header"
    yield "random bytes", np.random.default_rng(0).bytes(4096), "header length"
    yield "truncated data", good[:-5], "promises"
    yield "half the file", good[:len(good) // 2], "larger than the file"
    yield "trailing bytes", good + b"extra", "unexpected bytes after the last tensor"
    yield "header json garbage", _with_header({}, b"")[:8] + b"{garbage!", "header"
    yield "header is not an object", _with_header([1, 2], b""), "not a JSON object"
    yield "unknown dtype", edit(dtype="X99"), "unknown dtype 'X99'"
    yield "negative dimension", edit(shape=[-2, 3]), "invalid shape"
    yield "offsets disagree with the shape", edit(shape=[2, 4]), "needs 32 bytes"
    yield "header claims more data than the file", edit(shape=[2 ** 40], data_offsets=[0, 4 * 2 ** 40]), "promises"
    yield "header length beyond the file", struct.pack("<Q", 2 ** 62) + good[8:], "larger than the file"
    yield "bad metadata", _with_header({"__metadata__": {"format": 1}}, b""), "__metadata__"
    yield "zip archive (torch.save)", b"PK\x03\x04" + bytes(200), "zip archive"
    yield "HDF5 (keras .h5)", b"\x89HDF\r\n\x1a\n" + bytes(200), "HDF5"
    yield "pickle", b"\x80\x04\x95" + bytes(200), "pickle"
    yield "text file", b"epoch,loss\n1,0.5\n2,0.25\n" * 4, "text file"


@pytest.mark.parametrize("label,blob,fragment", list(_damaged_variants()), ids=[v[0] for v in _damaged_variants()])
def test_damaged_file_names_the_path(tmp_path, label, blob, fragment):
    p = tmp_path / "damaged.safetensors"
    p.write_bytes(blob)
    with pytest.raises(CheckpointError) as ei:
        load(p)
    msg = str(ei.value)
    assert isinstance(ei.value, ValueError)
    assert repr(str(p)) in msg and "truncated or corrupted" in msg and fragment in msg, msg
    _one_clean_line(msg)


@pytest.mark.parametrize("label,blob,fragment", [v for v in _damaged_variants() if v[0] not in
                                                 ("trailing bytes",)], ids=lambda v: str(v)[:30])
def test_damaged_stream_is_a_checkpoint_error(label, blob, fragment):
    with pytest.raises(CheckpointError, match="truncated or corrupted") as ei:
        load(io.BytesIO(blob))
    assert "<BytesIO>" in str(ei.value)
    _one_clean_line(str(ei.value))


def test_dtype_numpy_cannot_hold_is_named(tmp_path):
    good = _valid_blob()
    (n,) = struct.unpack("<Q", good[:8])
    header = json.loads(good[8:8 + n])
    name = next(k for k in header if k != "__metadata__")
    header[name]["dtype"] = "F8_E4M3"
    header[name]["shape"] = [24]
    p = tmp_path / "fp8.safetensors"
    p.write_bytes(_with_header(header, good[8 + n:]))
    with pytest.raises(CheckpointError, match=f"tensor {name!r} has dtype F8_E4M3, which NumPy cannot represent"):
        load(p)


def test_size_claims_are_checked_before_allocating(tmp_path):
    """A header promising a terabyte is refused from its numbers, without reading or allocating it."""
    header = {"big": {"dtype": "F32", "shape": [2 ** 38], "data_offsets": [0, 2 ** 40]}}
    blob = _with_header(header, b"\x00" * 64)
    p = tmp_path / "liar.safetensors"
    p.write_bytes(blob)
    tracemalloc.start()
    try:
        with pytest.raises(CheckpointError, match=r"promises 1099511627776 bytes .* holds only 64"):
            load(p)
        with pytest.raises(CheckpointError, match=r"promises 1099511627776 bytes .* holds only 64"):
            load(io.BytesIO(blob))
        with pytest.raises(CheckpointError, match="larger than"):
            load(io.BytesIO(struct.pack("<Q", 2 ** 40) + b"{}"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 32 * 2 ** 20


def test_corrupted_structure_names_the_path_without_json_internals(tmp_path):
    from safetensors.numpy import save_file
    p = tmp_path / "bad_structure.safetensors"
    save_file({"x": np.zeros(2)}, str(p), metadata={"format": "nerve", "nerve_version": "1", "structure": "{oops"})
    with pytest.raises(CheckpointError, match="structure metadata is corrupted") as ei:
        load(p)
    assert str(p) in str(ei.value)
    _one_clean_line(str(ei.value))
    save_file({"x": np.zeros(2)}, str(p), metadata={"format": "nerve", "nerve_version": "1"})
    with pytest.raises(CheckpointError, match="structure metadata is missing"):
        load(p)


# ----------------------------------------------------------------------------- what save writes

def test_files_are_plain_aligned_safetensors(tmp_path):
    from safetensors import safe_open
    obj = {"f16": np.float16(1.5), "b": np.array([True, False]), "i8": np.arange(3, dtype=np.int8),
           "f64": np.linspace(0, 1, 5), "empty": np.zeros((0, 3), np.float32), "u64": np.arange(2, dtype=np.uint64)}
    p = tmp_path / "plain.safetensors"
    save(obj, p)
    with safe_open(str(p), framework="np") as fh:
        got = {k: fh.get_tensor(k) for k in fh.keys()}
    for k, v in obj.items():
        np.testing.assert_array_equal(got[k], v)
        assert got[k].dtype == np.asarray(v).dtype
    raw = p.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    assert n % 8 == 0
    header = json.loads(raw[8:8 + n])
    for k, info in header.items():
        if k != "__metadata__":
            assert (8 + n + info["data_offsets"][0]) % np.asarray(obj[k]).dtype.itemsize == 0, k
    assert load(p).keys() == obj.keys()


# ----------------------------------------------------------------------------- failed saves

def _old_file(tmp_path):
    target = tmp_path / "ckpt.safetensors"
    save({"w": np.arange(4.0), "v": "old"}, target)
    return target, target.read_bytes()


def test_disk_full_names_the_target_not_the_temporary(tmp_path, monkeypatch):
    target, old = _old_file(tmp_path)
    seen = []

    def full(tensors, path, metadata):
        seen.append(path)
        with open(path, "wb") as fh:
            fh.write(b"half a checkpoint")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)

    monkeypatch.setattr(serialization, "_write_safetensors", full)
    with pytest.raises(OSError) as ei:
        save({"w": np.zeros(4)}, target)
    msg = str(ei.value)
    assert ei.value.errno == errno.ENOSPC
    assert repr(str(target)) in msg and "No space left on device" in msg and "previous file is unchanged" in msg
    assert seen and os.path.basename(seen[0]) not in msg and ".tmp" not in msg
    _one_clean_line(msg)
    assert not os.path.exists(seen[0]) and _temps(tmp_path) == []
    assert target.read_bytes() == old


def test_permission_denied_names_the_target(tmp_path, monkeypatch):
    target = tmp_path / "ckpt.safetensors"

    def refuse(dir=None, prefix=None, suffix=None):
        raise PermissionError(errno.EACCES, "Permission denied", os.path.join(dir, prefix + "abcdefgh" + suffix))

    monkeypatch.setattr(serialization.tempfile, "mkstemp", refuse)
    with pytest.raises(PermissionError) as ei:
        save({"x": 1}, target)
    msg = str(ei.value)
    assert repr(str(target)) in msg and "Permission denied" in msg and "writable" in msg and ".tmp" not in msg
    _one_clean_line(msg)
    assert not target.exists()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions and a non-root user")
def test_real_read_only_directory(tmp_path):
    d = tmp_path / "ro"
    d.mkdir()
    d.chmod(0o555)
    try:
        with pytest.raises(PermissionError) as ei:
            save({"x": 1}, d / "ckpt")
        assert repr(str(d / "ckpt")) in str(ei.value) and ".tmp" not in str(ei.value)
    finally:
        d.chmod(0o755)


def test_save_target_problems_are_one_line(tmp_path):
    with pytest.raises(FileNotFoundError) as ei:
        save({"x": 1}, tmp_path / "no" / "such" / "ckpt")
    msg = str(ei.value)
    assert repr(str(tmp_path / "no" / "such" / "ckpt")) in msg and "does not exist" in msg
    assert repr(str(tmp_path / "no" / "such")) in msg
    _one_clean_line(msg)
    with pytest.raises(IsADirectoryError) as ei:
        save({"x": 1}, tmp_path)
    assert repr(str(tmp_path)) in str(ei.value) and "is a directory" in str(ei.value)
    _one_clean_line(str(ei.value))
    (tmp_path / "afile").write_text("x")
    with pytest.raises(NotADirectoryError, match="is not a directory"):
        save({"x": 1}, tmp_path / "afile" / "ckpt")
    assert _temps(tmp_path) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_save_refuses_to_replace_a_fifo_or_device(tmp_path):
    fifo = str(tmp_path / "pipe")
    os.mkfifo(fifo)
    box = _finishes(lambda: save({"x": 1}, fifo), timeout=10, fifo=fifo)
    assert isinstance(box.get("error"), NotARegularFileError), box
    assert repr(fifo) in str(box["error"]) and "file object" in str(box["error"])
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and _temps(tmp_path) == []
    if os.path.exists("/dev/null") and stat.S_ISCHR(os.stat("/dev/null").st_mode):
        with pytest.raises(NotARegularFileError, match="character device"):
            save({"x": 1}, "/dev/null")
        assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


# ----------------------------------------------------------------------------- killed saves, stale temporaries

_SLOW_SAVE = textwrap.dedent("""
    import sys, time
    import numpy as np
    import nerve
    from nerve import serialization

    def slow_writer(tensors, path, metadata):
        with open(path, "wb") as fh:   # part of a checkpoint, then the process is killed
            fh.write(b"\\x00" * 4096)
            fh.flush()
        print("writing", flush=True)
        time.sleep(120)

    serialization._write_safetensors = slow_writer
    nerve.save({"w": np.full(4, 2.0), "v": "killed"}, sys.argv[1])
""")


def _start_slow_save(target):
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_SAVE, str(target)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    ready, _, _ = select.select([proc.stdout], [], [], 60)
    if not ready or proc.stdout.readline().strip() != b"writing":
        proc.kill()
        pytest.fail(f"the writer did not start: {proc.communicate()[1].decode()[-2000:]}")
    return proc


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL and flock")
def test_killed_save_leaves_old_file_and_next_save_removes_its_temporary(tmp_path):
    target = tmp_path / "ckpt.safetensors"
    save({"w": np.arange(4.0), "v": "old"}, target)
    proc = _start_slow_save(target)
    try:
        [tmp] = _temps(tmp_path)
        assert tmp.startswith(".ckpt.safetensors.")
        assert load(target)["v"] == "old"                 # mid-write: the target is untouched
        save({"w": np.ones(4), "v": "concurrent"}, target)
        assert _temps(tmp_path) == [tmp]                  # a live writer's temporary is left alone
    finally:
        proc.kill()                                       # SIGKILL: no cleanup runs in the writer
        proc.wait(30)
        proc.stdout.close()
        proc.stderr.close()
    assert _temps(tmp_path) == [tmp]                      # the killed save left its temporary behind
    got = load(target)                                    # ... and the previous file, loadable
    assert got["v"] == "concurrent"
    np.testing.assert_array_equal(got["w"], np.ones(4))
    save({"w": np.zeros(4), "v": "new"}, target)
    assert _temps(tmp_path) == []                         # the next save removed it
    assert sorted(os.listdir(tmp_path)) == ["ckpt.safetensors"]
    assert load(target)["v"] == "new"


def test_only_stale_temporaries_of_the_same_target_are_removed(tmp_path):
    target = tmp_path / "ckpt.safetensors"
    keep = [".ckpt.safetensors.short.tmp",         # not 8 random characters
            ".ckpt.safetensors.abcdefgh.tmp.bak",  # another suffix
            "ckpt.safetensors.abcdefgh.tmp",       # no leading dot
            ".other.safetensors.abcdefgh.tmp",     # another target
            ".ckpt.safetensors.ABCDEFGH.tmp",      # not tempfile's alphabet
            ".ckpt.abcdefgh.tmp"]
    for name in keep:
        (tmp_path / name).write_bytes(b"user data")
    (tmp_path / ".ckpt.safetensors.dir12345.tmp").mkdir()           # a directory
    os.symlink(tmp_path / "ckpt.safetensors.abcdefgh.tmp", tmp_path / ".ckpt.safetensors.link1234.tmp")
    stale = tmp_path / ".ckpt.safetensors.k1ll3d_x.tmp"
    stale.write_bytes(b"\x00" * 100)
    save({"x": 1}, target)
    assert not stale.exists()
    for name in keep + [".ckpt.safetensors.dir12345.tmp", ".ckpt.safetensors.link1234.tmp"]:
        assert os.path.lexists(tmp_path / name), name
    assert (tmp_path / keep[0]).read_bytes() == b"user data"


def test_without_flock_only_old_temporaries_are_removed(tmp_path, monkeypatch):
    monkeypatch.setattr(serialization, "fcntl", None)
    target = tmp_path / "ckpt.safetensors"
    fresh = tmp_path / ".ckpt.safetensors.fresh123.tmp"
    old = tmp_path / ".ckpt.safetensors.old45678.tmp"
    fresh.write_bytes(b"maybe being written")
    old.write_bytes(b"abandoned")
    past = time.time() - 2 * serialization._STALE_AGE
    os.utime(old, (past, past))
    save({"x": 1}, target)
    assert fresh.exists() and not old.exists()
    assert load(target) == {"x": 1}
    assert _temps(tmp_path) == [fresh.name]
