"""Tests for nerve.serialization (nerve.save / nerve.load on safetensors)."""
import collections
import io
import json
import math
import os
import stat

import numpy as np
import pytest
from safetensors import safe_open
from safetensors.numpy import save_file as st_save_file

from nerve import serialization
from nerve.serialization import CheckpointError, load, save

ALL_DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"]


def _Tensor():
    """The core Tensor class; skip (only) while nerve/tensor.py does not exist yet."""
    try:
        from nerve.tensor import Tensor
    except ModuleNotFoundError as e:
        if e.name == "nerve.tensor":
            pytest.skip("nerve.tensor (the core) is not available yet")
        raise
    return Tensor


def _arr(dtype, shape=(3, 4), seed=0):
    rng = np.random.default_rng(seed)
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return np.asarray(rng.random(shape) > 0.5)
    if dtype.kind == "f":
        return np.asarray(rng.standard_normal(shape) * 100).astype(dtype)
    info = np.iinfo(dtype)
    a = np.asarray(rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True))
    if a.size >= 2:
        a.flat[0] = info.min
        a.flat[-1] = info.max
    return a


def assert_same(a, b, path="obj"):
    """Deep equality that also checks exact types (tuple vs list, int vs bool, dtype, key types)."""
    assert type(a) is type(b), f"{path}: {type(a)} != {type(b)}"
    if isinstance(a, dict):
        assert list(a.keys()) == list(b.keys()), path
        for (ka, va), kb in zip(a.items(), b.keys()):
            assert type(ka) is type(kb), f"{path} key {ka!r}"
            assert_same(va, b[kb], f"{path}[{ka!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{path}[{i}]")
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, path
        np.testing.assert_array_equal(a, b, err_msg=path)
    elif isinstance(a, np.generic):
        assert a.dtype == b.dtype, path
        assert a == b or (np.isnan(a) and np.isnan(b)), path
    elif isinstance(a, float):
        assert (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b)), path
    elif hasattr(a, "requires_grad") and hasattr(a, "_data"):  # Tensor
        assert a.requires_grad == b.requires_grad, path
        assert_same(np.asarray(a._data), np.asarray(b._data), path + "._data")
    else:
        assert a == b, path


def roundtrip(obj, tmp_path, name="ckpt.safetensors"):
    p = tmp_path / name
    save(obj, p)
    return load(p)


# ----------------------------------------------------------------------------- numpy-only round trips

def test_flat_dict_of_arrays(tmp_path):
    sd = {"fc1.weight": _arr("float32", (4, 3)), "fc1.bias": _arr("float32", (4,)), "fc2.weight": _arr("float64", (2, 4))}
    out = roundtrip(sd, tmp_path)
    assert_same(sd, out)
    with safe_open(tmp_path / "ckpt.safetensors", framework="np") as fh:
        assert set(fh.keys()) == set(sd)
        meta = fh.metadata()
    assert meta["format"] == "nerve" and meta["nerve_version"] == "1"
    json.loads(meta["structure"])


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_all_dtypes_arrays(tmp_path, dtype):
    a = _arr(dtype, (5, 7))
    out = roundtrip({"a": a, "s": a[0, 0].copy()[()]}, tmp_path)
    assert out["a"].dtype == np.dtype(dtype)
    np.testing.assert_array_equal(out["a"], a)
    assert type(out["s"]) is type(a[0, 0]) and out["s"] == a[0, 0]


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("shape", [(), (0,), (0, 3), (2, 0, 4)])
def test_zero_dim_and_zero_size_arrays(tmp_path, dtype, shape):
    a = _arr(dtype, shape) if shape == () else np.zeros(shape, dtype=dtype)
    out = roundtrip({"x": a}, tmp_path)["x"]
    assert type(out) is np.ndarray and out.shape == shape and out.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(out, a)


def test_root_array_and_empty_containers(tmp_path):
    a = _arr("float32", (2, 2))
    assert_same(roundtrip(a, tmp_path, "a"), a)
    obj = {"d": {}, "l": [], "t": (), "n": None}
    assert_same(roundtrip(obj, tmp_path, "b"), obj)
    assert_same(roundtrip([], tmp_path, "c"), [])


def test_non_contiguous_and_big_endian_arrays(tmp_path):
    base = _arr("float64", (6, 8))
    obj = {"t": base.T, "s": base[::2, 1::3], "be": base.astype(">f4"), "f": np.asfortranarray(base)}
    out = roundtrip(obj, tmp_path)
    for k in ("t", "s", "f"):
        np.testing.assert_array_equal(out[k], obj[k])
        assert out[k].dtype == np.float64
    np.testing.assert_array_equal(out["be"], obj["be"])
    assert out["be"].dtype == np.float32


def test_python_scalars_are_exact(tmp_path):
    floats = [0.1, 1 / 3, -0.0, 5e-324, 1.7976931348623157e308, math.inf, -math.inf, math.nan, 1.0, 2.0**60]
    obj = {
        "floats": floats,
        "ints": [0, -1, 2**63, -(2**70), 10**30],
        "bools": [True, False],
        "one_int": 1, "one_float": 1.0, "one_bool": True,
        "none": None, "str": "héllo \"quoted\" \n ☃", "empty": "",
    }
    out = roundtrip(obj, tmp_path)
    assert_same(obj, out)
    assert type(out["one_int"]) is int and type(out["one_float"]) is float and type(out["one_bool"]) is bool
    for x, y in zip(floats, out["floats"]):
        assert (math.isnan(x) and math.isnan(y)) or x.hex() == y.hex()


def test_numpy_scalars_keep_their_type(tmp_path):
    obj = [np.float32(1.5), np.float64(0.1), np.int64(-7), np.int8(3), np.uint8(250), np.bool_(True), np.float16(0.5)]
    out = roundtrip(obj, tmp_path)
    assert [type(x) for x in out] == [type(x) for x in obj]
    assert out == obj


def test_key_types_tuples_and_ordered_dicts(tmp_path):
    obj = {
        0: "int zero", "0": "str zero", 1: [1, (2, 3)], "t": (1, [2, (3,)]), -5: None,
        2.5: "float key", None: "none key", (1, "a"): "tuple key",
        "od": collections.OrderedDict([("b", 1), ("a", 2)]),
    }
    out = roundtrip(obj, tmp_path)
    assert_same(obj, out)
    assert out[0] == "int zero" and out["0"] == "str zero"
    assert type(out["od"]) is collections.OrderedDict and list(out["od"]) == ["b", "a"]
    # bool keys in a dict of their own (True == 1 and False == 0 would merge with int keys)
    bools = roundtrip({True: "yes", False: "no"}, tmp_path)
    assert bools == {True: "yes", False: "no"}
    assert all(type(k) is bool for k in bools)
    assert isinstance(out["t"], tuple) and isinstance(out["t"][1], list) and isinstance(out["t"][1][1], tuple)


def test_nested_optimizer_like_with_arrays(tmp_path):
    obj = {
        "model": {"fc1.weight": _arr("float32", (4, 3)), "fc1.bias": _arr("float32", (4,))},
        "optimizer": {
            "state": {0: {"step": 3, "exp_avg": _arr("float32", (4, 3), 1)}, 1: {"step": 3, "exp_avg": _arr("float32", (4,), 2)}},
            "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "params": [0, 1]}],
        },
        "epoch": 5,
    }
    out = roundtrip(obj, tmp_path)
    assert_same(obj, out)
    assert list(out["optimizer"]["state"]) == [0, 1]
    assert out["optimizer"]["param_groups"][0]["betas"] == (0.9, 0.999)
    with safe_open(tmp_path / "ckpt.safetensors", framework="np") as fh:
        keys = set(fh.keys())
    assert keys == {"model.fc1.weight", "model.fc1.bias", "optimizer.state.0.exp_avg", "optimizer.state.1.exp_avg"}


def test_colliding_paths_get_unique_names(tmp_path):
    a, b, c = _arr("float32", (2,), 1), _arr("float32", (3,), 2), _arr("int64", (1,), 3)
    obj = {"a.b": a, "a": {"b": b}, "__metadata__": c, 1: {"x": a.copy()}, "1": {"x": b.copy()}}
    out = roundtrip(obj, tmp_path)
    assert_same(obj, out)
    with safe_open(tmp_path / "ckpt.safetensors", framework="np") as fh:
        assert len(list(fh.keys())) == 5


def test_shared_arrays_are_stored_once_and_stay_shared(tmp_path):
    w = _arr("float32", (3, 3))
    out = roundtrip({"enc": w, "dec": w, "other": w.copy()}, tmp_path)
    assert out["enc"] is out["dec"] and out["other"] is not out["enc"]
    np.testing.assert_array_equal(out["dec"], w)
    with safe_open(tmp_path / "ckpt.safetensors", framework="np") as fh:
        assert len(list(fh.keys())) == 2


def test_pathlike_and_str_paths(tmp_path):
    save({"x": 1}, str(tmp_path / "s"))
    assert load(tmp_path / "s") == {"x": 1}
    assert load(str(tmp_path / "s"), map_location="cpu") == {"x": 1}


def test_unsupported_inputs_raise_and_leave_nothing(tmp_path):
    p = tmp_path / "bad"
    with pytest.raises(TypeError, match="object"):
        save({"a": object()}, p)
    with pytest.raises(TypeError, match="complex"):
        save({"a": np.zeros(2, np.complex64)}, p)
    with pytest.raises(TypeError, match="dtype"):
        save({"a": np.array(["x"])}, p)
    cyc = []
    cyc.append(cyc)
    with pytest.raises(ValueError, match="cycle"):
        save(cyc, p)
    with pytest.raises(TypeError):
        save({}, 123)
    assert os.listdir(tmp_path) == []


def _cuda_available():
    import nerve
    return nerve.cuda.is_available()


@pytest.mark.skipif(_cuda_available(), reason="a CUDA device is available here")
def test_map_location_cuda_without_a_gpu_raises_like_torch(tmp_path):
    save({"x": 1}, tmp_path / "c")
    for where in ("cuda", "cuda:0", {"cpu": "cuda:0"}):
        with pytest.raises(RuntimeError, match="CUDA device.*map_location='cpu'"):
            load(tmp_path / "c", map_location=where)


def test_map_location_forms_torch_accepts(tmp_path):
    import nerve
    Tensor = _Tensor()
    obj = {"w": Tensor(_arr("float32", (2, 3)), requires_grad=True), "n": 3}
    save(obj, tmp_path / "c")
    seen = []

    def keep(storage, location):  # torch's idiom: lambda storage, loc: storage
        seen.append(location)
        return storage

    for where in (None, "cpu", nerve.device("cpu"), {"cpu": "cpu"}, {"cuda:0": "cpu"}, keep, lambda s, loc: None):
        out = load(tmp_path / "c", map_location=where)
        assert_same(obj, out)
        assert out["w"].device == nerve.device("cpu") and out["w"].requires_grad is True
    assert seen == ["cpu"]
    doubled = load(tmp_path / "c", map_location=lambda t, loc: t * 2)
    np.testing.assert_array_equal(doubled["w"].detach().numpy(), 2 * obj["w"].detach().numpy())
    with pytest.raises(ValueError, match="map_location"):
        load(tmp_path / "c", map_location="tpu")


def test_weights_only_mmap_and_torch_keywords_are_accepted(tmp_path):
    obj = {"a": _arr("float32", (3,)), "b": [1, 2.5, "x"]}
    save(obj, tmp_path / "c", pickle_protocol=4, _use_new_zipfile_serialization=True)
    for kw in ({"weights_only": True}, {"weights_only": False}, {"weights_only": None}, {"mmap": True},
               {"mmap": False, "weights_only": True, "map_location": "cpu"}):
        assert_same(obj, load(tmp_path / "c", **kw))
    buf = io.BytesIO((tmp_path / "c").read_bytes())
    with pytest.raises(ValueError, match="mmap"):  # torch: mmap needs a path
        load(buf, mmap=True)


# ----------------------------------------------------------------------------- file objects

def test_bytesio_round_trip_with_nested_data():
    Tensor = _Tensor()
    obj = {
        "model": {"fc.weight": Tensor(_arr("float32", (4, 3)), requires_grad=True), "fc.bias": _arr("float64", (4,))},
        "opt": {"state": {0: {"step": np.int64(3)}}, "groups": [{"lr": 1e-3, "betas": (0.9, 0.999)}]},
        "epoch": 5, "done": False, "name": "run", "none": None, "z": 1 - 2.5j, 7: (1, [2, None]),
    }
    buf = io.BytesIO()
    save(obj, buf)
    assert buf.tell() == len(buf.getvalue()) > 0
    buf.seek(0)
    out = load(buf)
    assert_same(obj, out)
    assert type(out["z"]) is complex and out["z"] == 1 - 2.5j
    assert out["model"]["fc.weight"].requires_grad is True
    assert load(io.BytesIO(buf.getvalue())) is not None  # a fresh stream over the same bytes


def test_file_object_bytes_and_path_files_are_the_same_format(tmp_path):
    obj = {"w": _arr("float32", (5,)), "k": [1, 2]}
    save(obj, tmp_path / "p")
    buf = io.BytesIO()
    save(obj, buf)
    (tmp_path / "q").write_bytes(buf.getvalue())
    assert_same(obj, load(tmp_path / "q"))                              # stream bytes -> path load
    assert_same(obj, load(io.BytesIO((tmp_path / "p").read_bytes())))   # path file -> stream load
    with safe_open(tmp_path / "q", framework="np") as fh:
        assert fh.metadata()["format"] == "nerve" and list(fh.keys()) == ["w"]


def test_open_file_objects_wb_rb(tmp_path):
    obj = {"a": _arr("int16", (2, 2)), "s": "x"}
    with open(tmp_path / "f.safetensors", "wb") as fh:
        save(obj, fh)
        assert not fh.closed  # the caller's file stays open
    with open(tmp_path / "f.safetensors", "rb") as fh:
        assert_same(obj, load(fh))
    assert_same(obj, load(tmp_path / "f.safetensors"))  # and it is an ordinary checkpoint file


def test_several_checkpoints_in_one_stream():
    first, second = {"step": 1, "w": _arr("float32", (3,))}, {"step": 2, "w": _arr("float32", (2,), 5)}
    buf = io.BytesIO()
    save(first, buf)
    save(second, buf)
    buf.seek(0)
    assert_same(first, load(buf))
    assert_same(second, load(buf))
    assert buf.read() == b""


def test_file_object_at_an_offset_and_foreign_bytes():
    from safetensors.numpy import save as st_save
    Tensor = _Tensor()
    buf = io.BytesIO(b"HEADER" + st_save({"x": np.arange(3, dtype=np.int32)}))
    buf.seek(6)
    out = load(buf)
    assert set(out) == {"x"} and type(out["x"]) is Tensor
    np.testing.assert_array_equal(out["x"].numpy(), np.arange(3, dtype=np.int32))
    assert out["x"].numpy().flags.writeable


def test_bfloat16_from_a_file_object():
    torch = pytest.importorskip("torch")
    from safetensors.torch import save as torch_save
    bf = torch.randn(3, 4).to(torch.bfloat16)
    got = load(io.BytesIO(torch_save({"bf": bf, "f": torch.ones(2)})))
    assert np.asarray(got["bf"]._data).dtype == np.float32
    np.testing.assert_array_equal(got["bf"].numpy(), bf.float().numpy())


def test_bad_file_objects(tmp_path):
    good = io.BytesIO()
    save({"w": np.ones(4)}, good)
    data = good.getvalue()
    for cut in (0, 5, 9, len(data) // 2, len(data) - 1):
        with pytest.raises(CheckpointError, match="truncated or corrupted"):
            load(io.BytesIO(data[:cut]))
    with pytest.raises(CheckpointError, match="not a valid safetensors"):
        load(io.BytesIO(np.random.default_rng(0).bytes(256)))
    with open(tmp_path / "t.txt", "w") as fh:
        with pytest.raises(TypeError, match="binary"):
            save({"x": 1}, fh)
    (tmp_path / "t.txt").write_text("hello")
    with open(tmp_path / "t.txt") as fh:
        with pytest.raises(TypeError, match="binary"):
            load(fh)
    with pytest.raises(TypeError, match="file object"):
        load(12)
    with pytest.raises(TypeError, match="file object"):
        save({}, object())


def test_failed_encode_writes_nothing_to_the_file_object():
    buf = io.BytesIO()
    with pytest.raises(TypeError):
        save({"ok": 1, "bad": object()}, buf)
    assert buf.getvalue() == b""


def test_complex_dtype_and_device_values(tmp_path):
    import nerve
    obj = {"c": [complex(1, -0.0), complex(math.inf, math.nan), 0j], "dt": [nerve.float32, nerve.int64, nerve.bool],
           "dev": nerve.device("cpu"), "gpu": nerve.device("cuda:1"), nerve.device("cpu"): "key"}
    out = roundtrip(obj, tmp_path)
    assert out["dt"] == [nerve.float32, nerve.int64, nerve.bool] and all(isinstance(d, np.dtype) for d in out["dt"])
    assert out["dev"] == nerve.device("cpu") and str(out["gpu"]) == "cuda:1"
    assert out[nerve.device("cpu")] == "key"
    c = out["c"]
    assert all(type(x) is complex for x in c)
    assert c[0] == complex(1, -0.0) and math.copysign(1, c[0].imag) == -1
    assert math.isinf(c[1].real) and math.isnan(c[1].imag) and c[2] == 0j


# ----------------------------------------------------------------------------- atomicity / file handling

def _write_old(tmp_path):
    target = tmp_path / "ckpt.safetensors"
    old = {"version": "old", "w": np.arange(10.0)}
    save(old, target)
    return target, old, target.read_bytes()


def test_atomic_when_writer_fails_midway(tmp_path, monkeypatch):
    target, old, old_bytes = _write_old(tmp_path)
    seen = []

    def broken_writer(tensors, path, metadata):
        seen.append(path)
        assert os.path.dirname(os.path.abspath(path)) == str(tmp_path)  # temp file sits next to target
        with open(path, "wb") as fh:
            fh.write(b"partial garbage")
        raise OSError("disk full")

    monkeypatch.setattr(serialization, "_write_safetensors", broken_writer)
    with pytest.raises(OSError, match="disk full"):
        save({"version": "new", "w": np.zeros(3)}, target)
    assert seen and not os.path.exists(seen[0])
    assert os.listdir(tmp_path) == ["ckpt.safetensors"]
    assert target.read_bytes() == old_bytes
    assert_same(load(target), old)


def test_atomic_when_replace_fails(tmp_path, monkeypatch):
    target, old, old_bytes = _write_old(tmp_path)

    def broken_replace(src, dst):
        raise PermissionError("replace refused")

    monkeypatch.setattr(serialization.os, "replace", broken_replace)
    with pytest.raises(PermissionError):
        save({"version": "new"}, target)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["ckpt.safetensors"]
    assert target.read_bytes() == old_bytes
    assert_same(load(target), old)


def test_data_is_fsynced_before_replace(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(serialization.os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(serialization.os, "replace", lambda a, b: (events.append("replace"), real_replace(a, b))[1])
    save({"x": np.ones(3)}, tmp_path / "f")
    assert "fsync" in events and events.index("fsync") < events.index("replace")


def test_overwrite_replaces_content(tmp_path):
    target, _, _ = _write_old(tmp_path)
    save({"version": "new"}, target)
    assert load(target) == {"version": "new"}
    assert os.listdir(tmp_path) == ["ckpt.safetensors"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_new_file_gets_normal_permissions(tmp_path):
    save({"x": 1}, tmp_path / "p")
    mask = os.umask(0o022)
    os.umask(mask)
    assert stat.S_IMODE(os.stat(tmp_path / "p").st_mode) == 0o666 & ~mask


def test_save_into_missing_directory(tmp_path):
    target = tmp_path / "no" / "such" / "dir" / "ckpt.safetensors"
    with pytest.raises(FileNotFoundError, match="does not exist"):
        save({"x": 1}, target)
    assert not (tmp_path / "no").exists()


def test_missing_file(tmp_path):
    p = tmp_path / "missing.safetensors"
    with pytest.raises(FileNotFoundError) as ei:
        load(p)
    assert str(p) in str(ei.value)


def test_truncated_file(tmp_path):
    target, _, data = _write_old(tmp_path)
    for cut in (len(data) // 2, len(data) - 1, 7, 0):
        target.write_bytes(data[:cut])
        with pytest.raises(CheckpointError) as ei:
            load(target)
        assert isinstance(ei.value, ValueError)
        msg = str(ei.value)
        assert str(target) in msg and "truncated or corrupted" in msg


def test_random_bytes_file(tmp_path):
    p = tmp_path / "random.bin"
    p.write_bytes(np.random.default_rng(0).bytes(4096))
    with pytest.raises(ValueError, match="not a valid safetensors file") as ei:
        load(p)
    assert str(p) in str(ei.value)
    p.write_bytes(b"PK\x03\x04 this is a zip/pickle-ish torch file, not safetensors")
    with pytest.raises(CheckpointError):
        load(p)


def test_corrupted_nerve_metadata(tmp_path):
    p = tmp_path / "bad_meta"
    base = {"format": "nerve", "nerve_version": "1"}
    bad_structures = [
        "{not json",
        json.dumps({"t": "tensor", "k": "missing"}),
        json.dumps({"t": "exec", "v": "__import__('os').system('echo pwned')"}),
        json.dumps({"t": "int", "v": "3"}),
        json.dumps([1, 2]),
        "[" * 100000 + "]" * 100000,
    ]
    for s in bad_structures:
        st_save_file({"x": np.zeros(2)}, str(p), metadata={**base, "structure": s})
        with pytest.raises(CheckpointError, match="not a nerve checkpoint") as ei:
            load(p)
        assert str(p) in str(ei.value)
    st_save_file({"x": np.zeros(2)}, str(p), metadata={**base})  # no structure at all
    with pytest.raises(CheckpointError, match="not a nerve checkpoint"):
        load(p)
    st_save_file({}, str(p), metadata={"format": "nerve", "nerve_version": "99", "structure": "{}"})
    with pytest.raises(CheckpointError, match="version"):
        load(p)


# ----------------------------------------------------------------------------- Tensor leaves (need the core)

def test_flat_state_dict_of_tensors(tmp_path):
    Tensor = _Tensor()
    sd = {"fc1.weight": Tensor(_arr("float32", (4, 3))), "fc1.bias": Tensor(_arr("float32", (4,)), requires_grad=True)}
    out = roundtrip(sd, tmp_path)
    assert_same(sd, out)
    assert all(type(v) is Tensor for v in out.values())
    assert out["fc1.bias"].requires_grad is True and out["fc1.weight"].requires_grad is False
    with safe_open(tmp_path / "ckpt.safetensors", framework="np") as fh:
        assert set(fh.keys()) == {"fc1.weight", "fc1.bias"}


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_all_dtypes_tensors(tmp_path, dtype):
    Tensor = _Tensor()
    for shape in [(3, 5), (), (0,), (4, 0)]:
        a = _arr(dtype, shape) if 0 not in shape else np.zeros(shape, dtype)
        out = roundtrip({"t": Tensor(a)}, tmp_path)["t"]
        assert type(out) is Tensor
        assert np.asarray(out._data).dtype == np.dtype(dtype) and out.shape == shape
        np.testing.assert_array_equal(out.numpy(), a)


def test_nested_optimizer_like_with_tensors(tmp_path):
    Tensor = _Tensor()
    obj = {
        "model": {"fc1.weight": Tensor(_arr("float32", (4, 3)), requires_grad=True), "fc1.bias": Tensor(_arr("float32", (4,)))},
        "optimizer": {
            "state": {0: {"step": 3, "exp_avg": Tensor(_arr("float32", (4, 3), 1))}},
            "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "params": [0, 1]}],
        },
        "epoch": 5,
        "rng": np.arange(4, dtype=np.uint8),
    }
    out = roundtrip(obj, tmp_path)
    assert_same(obj, out)
    assert type(out["optimizer"]["state"][0]["exp_avg"]) is Tensor
    assert type(out["rng"]) is np.ndarray
    assert isinstance(out["optimizer"]["param_groups"][0]["betas"], tuple)
    with safe_open(tmp_path / "ckpt.safetensors", framework="np") as fh:
        assert "optimizer.state.0.exp_avg" in set(fh.keys()) and "model.fc1.weight" in set(fh.keys())


def test_shared_tensor_stays_shared(tmp_path):
    Tensor = _Tensor()
    w = Tensor(_arr("float32", (2, 2)))
    out = roundtrip({"a": w, "b": w}, tmp_path)
    assert out["a"] is out["b"]


def test_tensor_subclass_restores_as_plain_tensor(tmp_path):
    Tensor = _Tensor()

    class MyParam(Tensor):
        __slots__ = ()

    p = MyParam(_arr("float32", (2, 3)), requires_grad=True)
    out = roundtrip({"p": p}, tmp_path)["p"]
    assert type(out) is Tensor and out.requires_grad is True
    np.testing.assert_array_equal(np.asarray(out._data), np.asarray(p._data))


def test_parameter_restores_as_plain_tensor(tmp_path):
    Tensor = _Tensor()
    try:
        from nerve.nn import Parameter
    except ImportError:
        pytest.skip("nerve.nn.Parameter is not available yet")
    a = _arr("float32", (3,))
    try:
        p = Parameter(Tensor(a))
    except TypeError:
        p = Parameter(a)
    assert isinstance(p, Tensor) and type(p) is not Tensor
    out = roundtrip({"p": p}, tmp_path)["p"]
    assert type(out) is Tensor and out.requires_grad == p.requires_grad
    np.testing.assert_array_equal(np.asarray(out._data), np.asarray(p._data))


def test_foreign_safetensors_file_loads_as_flat_dict(tmp_path):
    Tensor = _Tensor()
    p = tmp_path / "foreign.safetensors"
    arrays = {"encoder.weight": _arr("float32", (3, 2)), "encoder.bias": _arr("float64", (3,)), "ids": _arr("int64", (5,)),
              "scalar": np.array(2.5, np.float32), "empty": np.zeros((0, 2), np.float16)}
    st_save_file(arrays, str(p))  # no metadata
    out = load(p)
    assert set(out) == set(arrays)
    for k, a in arrays.items():
        assert type(out[k]) is Tensor and out[k].requires_grad is False
        assert np.asarray(out[k]._data).dtype == a.dtype and out[k].shape == a.shape
        np.testing.assert_array_equal(out[k].numpy(), a)
    st_save_file({"w": np.ones(2, np.float32)}, str(p), metadata={"format": "pt"})  # other tool's metadata
    assert set(load(p)) == {"w"}


def test_torch_interop(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import save_file as torch_save_file
    Tensor = _Tensor()
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    model(torch.randn(5, 4))  # update BatchNorm running stats (num_batches_tracked is int64)
    sd = model.state_dict()
    p = tmp_path / "torch.safetensors"
    torch_save_file(sd, str(p))
    out = load(p)
    assert list(sorted(out)) == list(sorted(sd))
    for k, v in sd.items():
        ref = v.detach().cpu().numpy()
        assert type(out[k]) is Tensor
        assert np.asarray(out[k]._data).dtype == ref.dtype and out[k].shape == tuple(ref.shape)
        np.testing.assert_array_equal(out[k].numpy(), ref)
    # bfloat16 (no NumPy dtype) widens exactly to float32
    bf = torch.randn(3, 5).to(torch.bfloat16)
    torch_save_file({"bf": bf}, str(p))
    got = load(p)["bf"]
    assert np.asarray(got._data).dtype == np.float32
    np.testing.assert_array_equal(got.numpy(), bf.float().numpy())
