"""Checkpoints: ``nerve.save`` / ``nerve.load`` on top of one safetensors file.

A checkpoint is a single safetensors file.  Every array found in the saved
object (``Tensor``, ``numpy.ndarray`` or NumPy scalar) becomes one tensor of
the file, named by its readable path in the object (``"model.fc1.weight"``,
``"optimizer.state.0.exp_avg"``).  The non-tensor skeleton (dicts, lists,
tuples, Python scalars, strings, ``None``) is stored as tagged JSON in the
file's metadata under ``"structure"``, next to ``"format": "nerve"`` and
``"nerve_version": "1"``, so that types round-trip exactly: int keys stay
int, tuples stay tuples, floats keep every bit (including inf and nan).

``f`` is a path (written atomically) or a binary file object (``io.BytesIO``,
``open(path, "wb")``).  No pickle is used and loading never executes code.  A safetensors file
written by another tool (no nerve metadata, e.g. ``safetensors.torch.save_file``)
loads as a flat ``dict`` of name -> ``Tensor``.

Layout of the structure JSON (one node per value)::

    {"t": "none"}                      None
    {"t": "bool", "v": true}           bool
    {"t": "int", "v": 3}               int
    {"t": "float", "v": "0.1"}         float (repr, so exact; "inf", "nan" too)
    {"t": "complex", "v": ["1.0", "-2.5"]}         complex (real, imag as float reprs)
    {"t": "str", "v": "adam"}          str
    {"t": "list", "v": [node, ...]}    list
    {"t": "tuple", "v": [node, ...]}   tuple
    {"t": "dict", "v": [[key_node, node], ...]}    dict ("odict" for OrderedDict)
    {"t": "tensor", "k": "model.w", "rg": false}   Tensor (requires_grad kept)
    {"t": "ndarray", "k": "stats.mean"}            numpy.ndarray
    {"t": "npscalar", "k": "optimizer.step"}       NumPy scalar (np.float32(1) ...)
    {"t": "dtype", "v": "float32"}                 a dtype (``nerve.float32`` is ``np.dtype``)
    {"t": "device", "v": "cuda:0"}                 ``nerve.device``

The same Tensor/array object reached twice (tied weights) is stored once and
restored as one shared object.
"""
from __future__ import annotations

import collections
import io
import json
import os
import re
import stat
import struct
import tempfile
import time

try:
    import fcntl
except ImportError:  # Windows: stale temporaries are recognised by age alone
    fcntl = None

from ._backend import np

__all__ = ["save", "load", "CheckpointError", "FORMAT_NAME", "FORMAT_VERSION"]

FORMAT_NAME = "nerve"
FORMAT_VERSION = "1"

# dtypes a checkpoint may hold (all map 1:1 to safetensors dtypes).
_SUPPORTED_DTYPES = frozenset(np.dtype(d) for d in (
    "float16", "float32", "float64",
    "int8", "int16", "int32", "int64",
    "uint8", "uint16", "uint32", "uint64",
    "bool",
))
# Tensor names safetensors reserves for itself.
_RESERVED_KEYS = frozenset({"__metadata__"})


class CheckpointError(ValueError):
    """Raised when a file cannot be read as a checkpoint (corrupted, truncated, not safetensors)."""


class _CoreError(Exception):
    """Internal: carries an error raised by the Tensor constructor through the decoder."""


# ----------------------------------------------------------------------------- helpers

def _fspath(f, what: str):
    """The path in ``f`` (str), or None when ``f`` is a binary file object."""
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        return path
    method = "write" if what == "save" else "read"
    if callable(getattr(f, method, None)):
        if isinstance(f, io.TextIOBase):
            mode = "'wb'" if what == "save" else "'rb'"
            raise TypeError(f"nerve.{what} needs a binary file object (open it with mode {mode} or use "
                            f"io.BytesIO), got a text file {type(f).__name__}")
        return None
    raise TypeError(f"nerve.{what} expects a file path (str or os.PathLike) or a binary file object with "
                    f"a .{method}() method, got {type(f).__name__}")


def _file_name(f) -> str:
    """How error messages name a file object: its ``.name`` when it has one."""
    name = getattr(f, "name", None)
    return str(name) if isinstance(name, (str, bytes, os.PathLike)) else f"<{type(f).__name__}>"


def _tensor_class():
    from nerve.tensor import Tensor  # noqa: PLC0415 - lazy: the core imports lots
    return Tensor


def _to_numpy(data) -> np.ndarray:
    """The raw array of a Tensor as a host NumPy array (copies only off-CPU data)."""
    if isinstance(data, np.ndarray):
        return data
    get = getattr(data, "get", None)  # CuPy arrays
    return np.asarray(get() if callable(get) else data)


def _storable(arr: np.ndarray, where: str) -> np.ndarray:
    """``arr`` as a plain, native-endian, C-contiguous ndarray of a supported dtype."""
    arr = np.asarray(arr)
    if type(arr) is not np.ndarray:  # np.matrix, masked arrays ...
        arr = arr.view(np.ndarray)
    if not arr.dtype.isnative:
        arr = arr.astype(arr.dtype.newbyteorder("="))
    if arr.dtype not in _SUPPORTED_DTYPES:
        raise TypeError(
            f"cannot save {where}: dtype {arr.dtype} is not supported "
            f"(supported: {', '.join(sorted(str(d) for d in _SUPPORTED_DTYPES))})")
    if not arr.flags.c_contiguous:
        arr = np.ascontiguousarray(arr)
    return arr


def _encode_float(x: float) -> str:
    return repr(float(x))  # 'inf', '-inf', 'nan' included; float(repr(x)) == x


def _decode_float(s) -> float:
    if not isinstance(s, str):
        raise ValueError(f"float node holds {type(s).__name__}, expected str")
    return float(s)


# ----------------------------------------------------------------------------- encoding

class _Encoder:
    """Walks an object, collecting arrays (with unique readable names) and a JSON skeleton."""

    def __init__(self):
        self.tensors: dict[str, np.ndarray] = {}
        self._memo: dict[int, dict] = {}   # id(leaf) -> node, for shared tensors/arrays
        self._keep: list = []              # keep leaves alive so ids stay unique
        self._active: set[int] = set()     # containers on the current path (cycle check)

    def _name(self, path: list[str]) -> str:
        base = ".".join(path) if path else "_"
        name, n = base, 1
        while name in self.tensors or name in _RESERVED_KEYS:
            name = f"{base}__{n}"
            n += 1
        return name

    def _leaf(self, obj, arr, path, node: dict) -> dict:
        memo = self._memo.get(id(obj))
        if memo is not None:
            return memo
        where = repr(".".join(path) or "<root>")
        name = self._name(path)
        self.tensors[name] = _storable(arr, where)
        node["k"] = name
        self._memo[id(obj)] = node
        self._keep.append(obj)
        return node

    def encode(self, obj, path: list[str]) -> dict:
        Tensor = self._tensor_cls
        if Tensor is not None and isinstance(obj, Tensor):
            return self._leaf(obj, _to_numpy(obj._data), path,
                              {"t": "tensor", "rg": bool(obj.requires_grad)})
        if isinstance(obj, np.ndarray):
            return self._leaf(obj, obj, path, {"t": "ndarray"})
        if isinstance(obj, np.generic):  # before float/int: np.float64 subclasses float
            return self._leaf(obj, np.asarray(obj), path, {"t": "npscalar"})
        if obj is None:
            return {"t": "none"}
        if isinstance(obj, bool):
            return {"t": "bool", "v": obj}
        if isinstance(obj, int):
            return {"t": "int", "v": int(obj)}
        if isinstance(obj, float):
            return {"t": "float", "v": _encode_float(obj)}
        if isinstance(obj, complex):
            return {"t": "complex", "v": [_encode_float(obj.real), _encode_float(obj.imag)]}
        if isinstance(obj, str):
            return {"t": "str", "v": str(obj)}
        if isinstance(obj, np.dtype):
            if obj not in _SUPPORTED_DTYPES and obj.kind != "c":
                raise TypeError(f"cannot save dtype {obj} at {'.'.join(path) or '<root>'!r}")
            return {"t": "dtype", "v": obj.name}
        if self._device_cls is not None and isinstance(obj, self._device_cls):
            return {"t": "device", "v": str(obj)}
        if isinstance(obj, (dict, list, tuple)):
            if id(obj) in self._active:
                raise ValueError(f"cannot save: reference cycle at {'.'.join(path) or '<root>'!r}")
            self._active.add(id(obj))
            try:
                if isinstance(obj, dict):
                    items = []
                    for k, v in obj.items():
                        items.append([self.encode_key(k, path), self.encode(v, path + [str(k)])])
                    tag = "odict" if isinstance(obj, collections.OrderedDict) else "dict"
                    return {"t": tag, "v": items}
                tag = "tuple" if isinstance(obj, tuple) else "list"
                return {"t": tag, "v": [self.encode(v, path + [str(i)]) for i, v in enumerate(obj)]}
            finally:
                self._active.discard(id(obj))
        raise TypeError(
            f"cannot save object of type {type(obj).__module__}.{type(obj).__qualname__} "
            f"at {'.'.join(path) or '<root>'!r}: supported are Tensor, numpy arrays and scalars, "
            "dtype, device, dict, list, tuple, int, float, complex, bool, str and None")

    def encode_key(self, k, path) -> dict:
        """Dict keys: str, int, bool, float, None, or tuples of those (no arrays)."""
        if isinstance(k, (np.generic, np.ndarray)) or (
                self._tensor_cls is not None and isinstance(k, self._tensor_cls)):
            raise TypeError(f"cannot save dict key {k!r} at {'.'.join(path) or '<root>'!r}: "
                            "keys must be str, int, float, bool, None or tuples of those")
        if isinstance(k, tuple):
            return {"t": "tuple", "v": [self.encode_key(x, path) for x in k]}
        return self.encode(k, path)


def _encode(obj):
    enc = _Encoder()
    try:
        enc._tensor_cls = _tensor_class()
    except ImportError:  # core not importable: only numpy leaves can occur
        enc._tensor_cls = None
    from ._backend import Device  # noqa: PLC0415
    enc._device_cls = Device
    try:
        structure = enc.encode(obj, [])
    except RecursionError:
        raise ValueError("cannot save: object is nested too deeply") from None
    return enc.tensors, structure


# ----------------------------------------------------------------------------- decoding

class _Decoder:
    def __init__(self, arrays: dict, path: str, place=None):
        self.arrays = arrays
        self.path = path
        self.place = place  # map_location applied to each restored Tensor (None: stay on the CPU)
        self._memo: dict[str, object] = {}

    def _array(self, node) -> np.ndarray:
        k = node.get("k")
        if not isinstance(k, str) or k not in self.arrays:
            raise KeyError(f"tensor {k!r} named in the structure is missing from the file")
        return self.arrays[k]

    def _cached(self, node, make):
        k = node.get("k")
        if k in self._memo:
            return self._memo[k]
        value = make(self._array(node))
        self._memo[k] = value
        return value

    def decode(self, node):
        t = node["t"]
        if t == "none":
            return None
        if t == "bool":
            return _check(node["v"], bool)
        if t == "int":
            v = node["v"]
            if type(v) is not int:
                raise ValueError(f"int node holds {type(v).__name__}")
            return v
        if t == "float":
            return _decode_float(node["v"])
        if t == "complex":
            re, im = _check(node["v"], list)
            return complex(_decode_float(re), _decode_float(im))
        if t == "str":
            return _check(node["v"], str)
        if t == "dtype":
            return np.dtype(_check(node["v"], str))
        if t == "device":
            from ._backend import Device  # noqa: PLC0415
            return Device(_check(node["v"], str))
        if t in ("list", "tuple"):
            items = [self.decode(x) for x in _check(node["v"], list)]
            return tuple(items) if t == "tuple" else items
        if t in ("dict", "odict"):
            out = collections.OrderedDict() if t == "odict" else {}
            for pair in _check(node["v"], list):
                if not isinstance(pair, list) or len(pair) != 2:
                    raise ValueError("dict item is not a [key, value] pair")
                out[self.decode_key(pair[0])] = self.decode(pair[1])
            return out
        if t == "tensor":
            rg = bool(node.get("rg", False))

            def tensor(a):
                try:
                    t = _make_tensor(a, rg)
                    return t if self.place is None else self.place(t)
                except Exception as e:
                    raise _CoreError() from e
            return self._cached(node, tensor)
        if t == "ndarray":
            return self._cached(node, lambda a: a)
        if t == "npscalar":
            def scalar(a):
                if a.shape != ():
                    raise ValueError(f"numpy scalar {node.get('k')!r} has shape {a.shape}")
                return a[()]
            return self._cached(node, scalar)
        raise ValueError(f"unknown node type {t!r}")

    def decode_key(self, node):
        if node.get("t") in ("tensor", "ndarray", "npscalar", "list", "dict", "odict"):
            raise ValueError(f"invalid dict key node type {node.get('t')!r}")
        if node.get("t") == "tuple":
            return tuple(self.decode_key(x) for x in _check(node["v"], list))
        return self.decode(node)


def _check(v, typ):
    if not isinstance(v, typ):
        raise ValueError(f"expected {typ.__name__}, found {type(v).__name__}")
    return v


def _make_tensor(arr: np.ndarray, requires_grad: bool = False):
    """Wrap ``arr`` in a plain Tensor keeping its dtype exactly."""
    Tensor = _tensor_class()
    return Tensor(arr, dtype=arr.dtype, requires_grad=requires_grad)


# ----------------------------------------------------------------------------- file I/O
#
# The safetensors layout, read and written here directly (so that every check
# happens before anything is allocated, and every message names the user's
# file): 8 bytes little-endian header length N, N bytes of JSON header
# ({name: {"dtype", "shape", "data_offsets": [start, end]}, "__metadata__":
# {str: str}}), then the tensors' bytes, which the offsets (relative to the end
# of the header) cover exactly, without holes or overlaps.

# safetensors dtype names <-> NumPy dtypes (little-endian, as the format stores them)
_ST_DTYPES = {
    "F16": "<f2", "F32": "<f4", "F64": "<f8", "I8": "i1", "I16": "<i2", "I32": "<i4", "I64": "<i8",
    "U8": "u1", "U16": "<u2", "U32": "<u4", "U64": "<u8", "BOOL": "?",
}
_NP_TO_ST = {np.dtype(v).name: k for k, v in _ST_DTYPES.items()}
# dtypes safetensors defines but NumPy cannot hold (BF16 is widened to float32 instead)
_FOREIGN_DTYPES = frozenset({"F8_E4M3", "F8_E5M2", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2", "C64"})
_MAX_HEADER = 100_000_000   # safetensors' own limit on the JSON header
_CHUNK = 1 << 24            # stream reads grow 16 MiB at a time, never trusting a size up front


def _sniff(head: bytes) -> str:
    """What the first bytes of a file that is not safetensors look like, as a hint for the user."""
    if head.startswith(b"PK\x03\x04"):
        return ("it is a zip archive (a PyTorch .pt/.pth file or a Keras 3 .keras file?); nerve reads "
                "only safetensors files, convert with safetensors.torch.save_file")
    if head.startswith(b"\x89HDF\r\n\x1a\n"):
        return "it is an HDF5 file (a TensorFlow/Keras .h5 file?); nerve reads only safetensors files"
    if head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        return "it is a Python pickle; nerve never unpickles (it would run code from the file)"
    if head and all(32 <= c < 127 or c in (9, 10, 13) for c in head):
        return "it looks like a text file"
    return ""


def _corrupt(where: str, size, reason: str) -> CheckpointError:
    sized = f"{size} bytes: " if size is not None else ""
    return CheckpointError(f"cannot load {where}: not a valid safetensors file - truncated or corrupted "
                           f"({sized}{reason})")


def _parse_header(raw: bytes, where: str, size, available=None):
    """Validate a safetensors JSON header; return (metadata, entries sorted by offset, data length).

    ``entries`` holds ``(name, st_dtype, shape, start, end)``. Every size is
    checked with Python integers (no overflow) before any tensor is read;
    ``available`` (the bytes after the header, when known) bounds the data.
    """
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _corrupt(where, size, "the header is not valid JSON") from None
    if not isinstance(header, dict):
        raise _corrupt(where, size, "the header is not a JSON object")
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise _corrupt(where, size, "the __metadata__ entry is not a map of strings")
    entries = []
    for name, info in header.items():
        if not isinstance(info, dict):
            raise _corrupt(where, size, f"the header entry of tensor {name!r} is not an object")
        dtype, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
        if not (isinstance(shape, list) and all(type(d) is int and d >= 0 for d in shape)):
            raise _corrupt(where, size, f"tensor {name!r} has an invalid shape {shape!r}")
        if not (isinstance(offsets, list) and len(offsets) == 2 and all(type(o) is int for o in offsets)
                and 0 <= offsets[0] <= offsets[1]):
            raise _corrupt(where, size, f"tensor {name!r} has invalid data_offsets {offsets!r}")
        if dtype in _FOREIGN_DTYPES:
            raise CheckpointError(f"cannot load {where}: tensor {name!r} has dtype {dtype}, which NumPy "
                                  "cannot represent")
        if dtype != "BF16" and dtype not in _ST_DTYPES:
            raise _corrupt(where, size, f"tensor {name!r} has unknown dtype {dtype!r}")
        itemsize = 2 if dtype == "BF16" else np.dtype(_ST_DTYPES[dtype]).itemsize
        count = 1
        for d in shape:
            count *= d
        start, end = offsets
        if end - start != count * itemsize:
            raise _corrupt(where, size, f"tensor {name!r} ({dtype}, shape {tuple(shape)}) needs "
                                        f"{count * itemsize} bytes but its data_offsets span {end - start}")
        entries.append((name, dtype, tuple(shape), start, end))
    entries.sort(key=lambda e: (e[3], e[4]))
    promised = max((e[4] for e in entries), default=0)
    if available is not None and promised > available:
        raise _corrupt(where, size, f"the header promises {promised} bytes of tensor data but the file "
                                    f"holds only {available}")
    pos = 0
    for name, _, _, start, end in entries:
        if start != pos:
            raise _corrupt(where, size, f"the data of tensor {name!r} starts at byte {start}, expected {pos} "
                                        "(overlapping tensors or a hole)")
        pos = end
    return metadata, entries, pos


def _array(data, dtype: str, shape: tuple) -> np.ndarray:
    """One tensor from its raw little-endian bytes (BF16 widened exactly to float32)."""
    if dtype == "BF16":  # NumPy has no bfloat16
        bits = np.frombuffer(data, dtype="<u2").astype(np.uint32) << 16
        return bits.view(np.float32).reshape(shape)
    arr = np.frombuffer(data, dtype=_ST_DTYPES[dtype]).reshape(shape)
    return arr if arr.dtype.isnative else arr.astype(arr.dtype.newbyteorder("="))


def _read_file(path: str):
    """Return (metadata dict, {name: ndarray}) from the checkpoint at ``path`` or raise.

    ``path`` is checked first (:func:`nerve._files.regular_file`: a FIFO,
    device, directory or missing file is refused at once), then the header's
    sizes are checked against the file's size before anything is allocated.
    """
    from ._files import regular_file  # noqa: PLC0415
    regular_file(path, "checkpoint")
    where = repr(path)
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        head = fh.read(8)
        if len(head) < 8:
            raise _corrupt(where, size, "shorter than the 8-byte header length")
        (n,) = struct.unpack("<Q", head)
        if n > _MAX_HEADER or n > size - 8:
            hint = _sniff(head + fh.read(56))
            raise _corrupt(where, size, hint or (f"the header length {n} is larger than the file" if n > size - 8
                                                 else f"the header length {n} is larger than safetensors allows"))
        raw = fh.read(n)
        if len(raw) != n:  # the file shrank while we read it
            raise _corrupt(where, size, "the file ended inside the header")
        available = size - 8 - n
        metadata, entries, total = _parse_header(raw, where, size, available)
        if total < available:
            raise _corrupt(where, size, f"{available - total} unexpected bytes after the last tensor")
        arrays = {}
        for name, dtype, shape, start, end in entries:
            buf = bytearray(end - start)
            if fh.readinto(buf) != len(buf):
                raise _corrupt(where, size, f"the file ended inside tensor {name!r}")
            arrays[name] = _array(buf, dtype, shape)
    return metadata, {name: arrays[name] for name in sorted(arrays)}


def _read_up_to(f, n: int) -> bytearray:
    """Up to ``n`` bytes from ``f``, read in bounded chunks (a damaged size never allocates at once)."""
    out = bytearray()
    while len(out) < n:
        piece = f.read(min(_CHUNK, n - len(out)))
        if not piece:
            break
        out += piece
    return out


def _read_stream(f, where: str):
    """Read one safetensors blob from a file object; return (metadata, {name: ndarray}).

    The blob's size comes from its header, so the stream is left just after it
    (several checkpoints can follow each other in one stream).
    """
    head = f.read(8)
    if not isinstance(head, (bytes, bytearray, memoryview)):
        raise TypeError(f"nerve.load needs a binary file object (mode 'rb'), got {type(f).__name__} "
                        f"whose read() returns {type(head).__name__}")
    head = bytes(head)
    if len(head) < 8:
        raise _corrupt(where, None, f"{len(head)} bytes, shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", head)
    if n > _MAX_HEADER:
        raise _corrupt(where, None, _sniff(head) or f"the header length {n} is larger than any valid header")
    raw = _read_up_to(f, n)
    if len(raw) < n:
        raise _corrupt(where, None, f"the stream ended inside the header, after {len(raw)} of {n} bytes")
    metadata, entries, total = _parse_header(raw, where, None)
    data = _read_up_to(f, total)
    if len(data) < total:
        raise _corrupt(where, None, f"the header promises {total} bytes of tensor data but the stream "
                                    f"holds only {len(data)}")
    arrays = {name: _array(memoryview(data)[start:end], dtype, shape)
              for name, dtype, shape, start, end in entries}
    return metadata, {name: arrays[name] for name in sorted(arrays)}


def _header_bytes(tensors: dict, metadata: dict):
    """The padded JSON header of a safetensors file and the order the tensors follow it in."""
    # widest dtypes first (then by name), so that every tensor starts aligned to its item size
    order = sorted(tensors, key=lambda k: (-tensors[k].dtype.itemsize, k))
    header, pos = {"__metadata__": metadata}, 0
    for name in order:
        arr = tensors[name]
        header[name] = {"dtype": _NP_TO_ST[arr.dtype.name], "shape": list(arr.shape),
                        "data_offsets": [pos, pos + arr.nbytes]}
        pos += arr.nbytes
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * (-len(raw) % 8)
    return raw, order


def _write_to(fh, tensors: dict, metadata: dict) -> None:
    """Stream ``tensors`` + ``metadata`` as one safetensors blob into the binary file object ``fh``."""
    raw, order = _header_bytes(tensors, metadata)
    fh.write(struct.pack("<Q", len(raw)))
    fh.write(raw)
    for name in order:
        arr = tensors[name]
        little = arr.dtype.newbyteorder("<")
        if arr.dtype != little:  # big-endian hosts: the format is little-endian
            arr = arr.astype(little)
        fh.write(arr.reshape(-1).view(np.uint8).data)


def _write_safetensors(tensors: dict, path: str, metadata: dict) -> None:
    """Write ``tensors`` + ``metadata`` to ``path`` (the temporary file). Split out for tests."""
    with open(path, "wb") as fh:  # the same inode mkstemp made (and _atomic_write locked)
        _write_to(fh, tensors, metadata)


def _umask() -> int:
    try:  # Linux: read it without changing it (os.umask is process-wide, racy)
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# Stale temporaries. A save writes ``.<name>.<8 random characters>.tmp`` next to
# its target and holds an exclusive flock(2) on it until the rename; the kernel
# drops that lock when the writer exits, however it exits (SIGKILL included).
# So a temporary of the same target whose lock can be taken belongs to no live
# process and is removed by the next save. Where flock is unavailable (Windows,
# some network filesystems) only temporaries untouched for _STALE_AGE seconds
# are removed, so a slow save in another process is never cut short.
_STALE_AGE = 3600.0
_TMP_SUFFIX = ".tmp"
_TMP_RANDOM = r"[a-z0-9_]{8}"  # tempfile.mkstemp's names: 8 characters of this alphabet


def _lock(fd: int):
    """Try an exclusive, non-blocking flock on ``fd``: True (taken), False (held elsewhere), None (no flock)."""
    if fcntl is None:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    except OSError:  # ENOLCK, EOPNOTSUPP ...: this filesystem has no flock
        return None


def _remove_stale_temporaries(directory: str, base: str) -> list:
    """Remove temporaries of ``base`` in ``directory`` left by saves that died; return their paths.

    Only names ``.<base>.<8 random characters>.tmp`` that are regular files are
    considered, and only those no live process is writing (see above); every
    other file is left alone, and nothing here can make the save fail.
    """
    pattern = re.compile(re.escape("." + base + ".") + _TMP_RANDOM + re.escape(_TMP_SUFFIX))
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    removed = []
    for name in names:
        if not pattern.fullmatch(name):
            continue
        p = os.path.join(directory, name)
        try:
            st = os.lstat(p)
            if not stat.S_ISREG(st.st_mode):
                continue
            fd = os.open(p, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
            try:
                if not _same_file(fd, p):
                    continue
                taken = _lock(fd)
                if taken is False:  # a live save is writing it
                    continue
                if taken is None and time.time() - st.st_mtime < _STALE_AGE:
                    continue
                if _same_file(fd, p):  # still the file we locked
                    os.unlink(p)
                    removed.append(p)
            finally:
                os.close(fd)
        except OSError:
            continue
    return removed


def _save_error(e: OSError, path: str, tmp=None, directory=None) -> OSError:
    """``e`` (raised while writing the temporary file) re-raised naming the user's ``path``, one line."""
    reason = e.strerror or str(e) or type(e).__name__
    if tmp:
        reason = reason.replace(tmp, path)
    if directory is not None and isinstance(e, PermissionError):
        reason += f" (nerve.save writes a temporary file in {directory!r} first: it must be writable)"
    msg = f"cannot save checkpoint to {path!r}: {reason}"
    if os.path.exists(path):
        msg += "; the previous file is unchanged"
    try:
        out = type(e)(msg)
    except Exception:  # noqa: BLE001 - an OSError subclass with another constructor
        out = OSError(msg)
    out.errno = e.errno  # kept for callers that test it; str(out) stays the one line above
    return out


def _check_target(path: str, target: str, directory: str) -> None:
    """Refuse a target nerve.save cannot replace atomically, naming the user's ``path``."""
    shown = directory if os.path.islink(path) else (os.path.dirname(path) or ".")
    try:
        st = os.stat(directory)
    except (FileNotFoundError, NotADirectoryError):
        raise FileNotFoundError(f"cannot save checkpoint to {path!r}: directory {shown!r} does not exist "
                                "(create it first, e.g. os.makedirs(..., exist_ok=True))") from None
    except OSError as e:
        raise _save_error(e, path) from None
    if not stat.S_ISDIR(st.st_mode):
        raise NotADirectoryError(f"cannot save checkpoint to {path!r}: {shown!r} is not a directory")
    try:
        st = os.stat(target)
    except OSError:
        return  # a new file
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(f"cannot save checkpoint to {path!r}: it is a directory (give a file name "
                                f"inside it, e.g. {os.path.join(path, 'checkpoint.safetensors')!r})")
    if not stat.S_ISREG(st.st_mode):
        from ._files import NotARegularFileError  # noqa: PLC0415
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode) else "a character device"
                if stat.S_ISCHR(st.st_mode) else "a block device" if stat.S_ISBLK(st.st_mode)
                else "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file")
        raise NotARegularFileError(
            f"cannot save checkpoint to {path!r}: it is {kind}; nerve.save replaces a file atomically, so "
            "to write into a pipe or device pass an open binary file object instead")


def _same_file(fd: int, path: str) -> bool:
    """Whether ``path`` still names the file open as ``fd``."""
    try:
        a, b = os.fstat(fd), os.lstat(path)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _atomic_write(tensors: dict, path: str, metadata: dict) -> None:
    """Write a checkpoint to ``path`` through a locked temporary file and one rename.

    Every error names ``path`` (never the temporary file), the temporary file is
    removed on any failure, and temporaries of ``path`` left by saves that were
    killed are removed first (see :func:`_remove_stale_temporaries`).
    """
    target = os.path.realpath(path)  # write through symlinks, like open(path, 'wb')
    directory = os.path.dirname(target) or "."
    _check_target(path, target, directory)
    try:
        mode = os.stat(target).st_mode & 0o7777
    except OSError:
        mode = 0o666 & ~_umask()
    base = os.path.basename(target)
    _remove_stale_temporaries(directory, base)
    fd = tmp = None
    try:
        for _ in range(8):
            fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + base + ".", suffix=_TMP_SUFFIX)
            if fcntl is None:  # no locks here: close at once (Windows cannot rename an open file)
                os.close(fd)
                fd = None
                break
            # Claim it before writing: a concurrent cleaner may have taken the lock in the
            # instant between mkstemp and flock, and then unlinks it; start over then.
            if _lock(fd) is not False and _same_file(fd, tmp):
                break
            os.close(fd)
            fd = None
        _write_safetensors(tensors, tmp, metadata)
        with open(tmp, "rb+") as fh:
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.chmod(tmp, mode)
        except OSError:  # pragma: no cover - exotic filesystems
            pass
        os.replace(tmp, target)
        tmp = None
    except BaseException as e:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        if isinstance(e, OSError):
            raise _save_error(e, path, tmp, directory) from None
        raise
    finally:
        if fd is not None:
            os.close(fd)  # releases the lock (after the rename: the file is the target now)
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable (POSIX)
        try:
            dfd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError:  # pragma: no cover
            pass


def _placer(map_location):
    """A function Tensor -> Tensor applying ``map_location`` the way ``torch.load`` reads it.

    Everything is saved from (and read onto) the CPU, so the "saved location" is
    always ``'cpu'``: a str/device moves there, a dict maps ``'cpu'`` to a target,
    a callable is called as ``fn(tensor, 'cpu')`` and its result is used unless
    it returns None.
    """
    if map_location is None:
        return None
    if callable(map_location) and not isinstance(map_location, (str, dict)):
        def call(t):
            out = map_location(t, "cpu")
            return t if out is None else out
        return call
    if isinstance(map_location, dict):
        target = map_location.get("cpu", "cpu")
    else:
        target = map_location
    from ._backend import as_device  # noqa: PLC0415
    try:
        device = as_device(target)
    except (TypeError, ValueError) as e:
        raise ValueError(f"nerve.load: map_location={map_location!r} is not a device, a dict of "
                         f"devices or a callable ({e})") from None
    if device.type == "cpu":
        return None
    from . import cuda  # noqa: PLC0415
    if not cuda.is_available():
        raise RuntimeError(
            f"Attempting to deserialize object on a CUDA device ({device}) but nerve.cuda.is_available() is "
            "False. If you are running on a CPU-only machine, please use nerve.load with "
            "map_location='cpu' to map your tensors to the CPU.")
    return lambda t: t.to(device)


# ----------------------------------------------------------------------------- public API

def save(obj, f, pickle_module=None, pickle_protocol=2, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False) -> None:
    """Save tensors, arrays and plain Python data to one safetensors checkpoint.

    To a path the write is atomic: the data goes to a temporary file
    ``.<name>.<random>.tmp`` in the same directory, is fsync'ed, then renamed
    onto ``f``; on any error ``f`` is left as it was, the temporary file is
    removed and the error names ``f``.  A save that is killed outright
    (SIGKILL, power loss) leaves its temporary file behind; the next save to
    the same ``f`` removes it, and every other temporary of ``f`` that no live
    process is writing (each save holds an exclusive ``flock`` on its
    temporary file until the rename, and the kernel drops it when the process
    dies; without flock, temporaries older than an hour).  The directory must
    already exist.  To a binary file object the bytes are written at its
    current position (it is not closed; several checkpoints may follow each
    other in one stream).

    Args:
        obj: a state_dict (str -> Tensor) or any nesting of dict (str/int
            keys), list, tuple, Tensor, numpy array/scalar, int, float,
            complex, bool, str, None, dtype and device.  Array dtypes:
            float16/32/64, int8/16/32/64, uint8/16/32/64, bool.
        f: destination path (str or os.PathLike) or a binary file object
            (``io.BytesIO``, ``open(path, "wb")``).
        pickle_module, pickle_protocol, _use_new_zipfile_serialization,
        _disable_byteorder_record: accepted for ``torch.save`` compatibility
            and ignored (nerve never pickles).

    Raises:
        FileNotFoundError: the directory of ``f`` does not exist.
        IsADirectoryError: ``f`` is a directory.
        nerve._files.NotARegularFileError: ``f`` is a FIFO or a device (pass
            an open binary file object to write into one).
        OSError (PermissionError, ...): writing failed (disk full, no write
            permission); ``f`` is unchanged.
        TypeError / ValueError: ``obj`` holds something that cannot be saved.

    Example:
        >>> nerve.save({"model": model.state_dict(), "epoch": 5}, "ckpt.safetensors")
        >>> nerve.load("ckpt.safetensors")["epoch"]
        5
        >>> buf = io.BytesIO(); nerve.save({"w": nerve.ones(2)}, buf); buf.seek(0)
        >>> nerve.load(buf)["w"]
        tensor([1., 1.])
    """
    path = _fspath(f, "save")
    tensors, structure = _encode(obj)
    metadata = {
        "format": FORMAT_NAME,
        "nerve_version": FORMAT_VERSION,
        "structure": json.dumps(structure, separators=(",", ":"), allow_nan=False),
    }
    if path is not None:
        _atomic_write(tensors, path, metadata)
        return
    _write_to(f, tensors, metadata)
    flush = getattr(f, "flush", None)
    if callable(flush):
        flush()


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    """Load an object saved by :func:`save` (or any safetensors file) without executing code.

    A nerve checkpoint comes back with the exact types it was saved with
    (Tensors with their ``requires_grad`` flag, ndarrays, int keys, tuples,
    ...).  A safetensors file from another tool (e.g. ``safetensors.torch``)
    loads as a flat ``dict`` name -> Tensor; bfloat16 tensors widen to float32.

    Args:
        f: path of the file (str or os.PathLike), or a binary file object
            (``io.BytesIO``, ``open(path, "rb")``) read from its current position.
        map_location: where the tensors go, as ``torch.load`` takes it: None or
            ``'cpu'`` (the default: the CPU), a device (``'cuda:0'``,
            ``nerve.device(...)``), a dict mapping the saved location
            (``'cpu'``) to a device, or a callable ``fn(tensor, 'cpu')``
            returning the tensor to use (or None to keep it).
        pickle_module, pickle_load_args: accepted for ``torch.load``
            compatibility and ignored.
        weights_only: accepted for ``torch.load`` compatibility; loading is
            always as safe as ``weights_only=True`` (no code runs).
        mmap: accepted for paths and ignored (each tensor is read once into
            its own array); a file object with ``mmap=True`` raises
            ``ValueError`` as in PyTorch.

    The path is checked before it is opened, so a FIFO, a device or a
    directory is refused at once; the header's sizes are checked against the
    file's size before any tensor is allocated.

    Raises:
        FileNotFoundError: ``f`` does not exist.
        IsADirectoryError: ``f`` is a directory.
        nerve._files.NotARegularFileError (an OSError): ``f`` is a FIFO, a
            device or a socket.
        CheckpointError (a ValueError): the file is not valid safetensors
            (truncated, corrupted) or its nerve metadata is damaged; the
            message names the file.

    Example:
        >>> ckpt = nerve.load("ckpt.safetensors", map_location="cpu", weights_only=True)
        >>> model.load_state_dict(ckpt["model"])
    """
    path = _fspath(f, "load")
    if path is None and mmap:
        raise ValueError("f must be a file path in order to use the mmap argument")
    if path is not None:
        metadata, arrays = _read_file(path)
    else:
        path = _file_name(f)
        metadata, arrays = _read_stream(f, repr(path))
    place = _placer(map_location)

    if metadata.get("format") != FORMAT_NAME:
        # A plain safetensors file (PyTorch, HF, ...): flat name -> Tensor.
        out = {name: _make_tensor(arr) for name, arr in arrays.items()}
        return out if place is None else {name: place(t) for name, t in out.items()}

    version = metadata.get("nerve_version")
    if version != FORMAT_VERSION:
        raise CheckpointError(
            f"cannot load {path!r}: nerve checkpoint format version {version!r} is not "
            f"supported (this nerve reads version {FORMAT_VERSION!r})")
    if "structure" not in metadata:
        raise CheckpointError(f"cannot load {path!r}: not a nerve checkpoint: its structure metadata is "
                              "missing (truncated or corrupted)")
    try:
        structure = json.loads(metadata["structure"])
        return _Decoder(arrays, path, place).decode(structure)
    except _CoreError as e:  # the Tensor constructor failed: not the file's fault
        raise e.__cause__ from None
    except (KeyError, ValueError, TypeError, AttributeError, RecursionError) as e:
        if isinstance(e, json.JSONDecodeError):
            detail = f"its JSON does not parse (line {e.lineno}, column {e.colno})"
        elif isinstance(e, RecursionError):
            detail = "it is nested too deeply"
        else:
            detail = str(e.args[0]) if isinstance(e, KeyError) and e.args else f"{type(e).__name__}: {e}"
        raise CheckpointError(
            f"cannot load {path!r}: not a nerve checkpoint: its structure metadata is "
            f"corrupted ({detail})") from None
