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
import errno
import io
import json
import os
import struct
import tempfile

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


def _write_safetensors(tensors: dict, path: str, metadata: dict) -> None:
    """Write ``tensors`` + ``metadata`` to ``path`` (the temp file). Split out for tests."""
    from safetensors.numpy import save_file  # noqa: PLC0415
    save_file(tensors, path, metadata=metadata)


def _atomic_write(tensors: dict, target: str, metadata: dict) -> None:
    target = os.path.realpath(target)  # write through symlinks, like open(path, 'wb')
    directory = os.path.dirname(target) or "."
    if not os.path.isdir(directory):
        raise FileNotFoundError(errno.ENOENT,
                                f"cannot save checkpoint: directory {directory!r} does not exist",
                                target)
    if os.path.isdir(target):
        raise IsADirectoryError(errno.EISDIR, "cannot save checkpoint: path is a directory", target)
    try:
        mode = os.stat(target).st_mode & 0o7777
    except OSError:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(target) + ".",
                               suffix=".tmp")
    try:
        os.close(fd)
        _write_safetensors(tensors, tmp, metadata)
        with open(tmp, "rb+") as fh:
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.chmod(tmp, mode)
        except OSError:  # pragma: no cover - exotic filesystems
            pass
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable (POSIX)
        try:
            dfd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError:  # pragma: no cover
            pass


def _read_bf16_as_float32(path: str, name: str) -> np.ndarray:
    """Read one BF16 tensor (NumPy has no bfloat16) straight from the file, widened exactly to float32."""
    with open(path, "rb") as fh:
        (n,) = struct.unpack("<Q", fh.read(8))
        header = json.loads(fh.read(n))
        info = header[name]
        start, end = info["data_offsets"]
        fh.seek(8 + n + start)
        raw = fh.read(end - start)
    bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
    return bits.view(np.float32).reshape(info["shape"])


def _read_file(path: str):
    """Return (metadata dict, {name: ndarray}) or raise CheckpointError / OSError."""
    from safetensors import SafetensorError, safe_open  # noqa: PLC0415

    if not os.path.exists(path):
        raise FileNotFoundError(errno.ENOENT, "no such checkpoint file", path)
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, "checkpoint path is a directory", path)
    try:
        arrays = {}
        with safe_open(path, framework="np") as fh:
            metadata = fh.metadata() or {}
            for name in fh.keys():
                try:
                    arrays[name] = fh.get_tensor(name)
                except TypeError:
                    dtype = fh.get_slice(name).get_dtype()
                    if dtype != "BF16":
                        raise CheckpointError(
                            f"cannot load {path!r}: tensor {name!r} has dtype {dtype}, "
                            "which NumPy cannot represent") from None
                    arrays[name] = _read_bf16_as_float32(path, name)
    except SafetensorError as e:
        size = os.path.getsize(path)
        raise CheckpointError(
            f"cannot load {path!r}: not a valid safetensors file - truncated or corrupted "
            f"({size} bytes; {e})") from None
    return metadata, arrays


# safetensors dtype names -> NumPy dtypes (little-endian, as the format stores them)
_ST_DTYPES = {
    "F16": "<f2", "F32": "<f4", "F64": "<f8", "I8": "i1", "I16": "<i2", "I32": "<i4", "I64": "<i8",
    "U8": "u1", "U16": "<u2", "U32": "<u4", "U64": "<u8", "BOOL": "?",
}


def _read_stream(f) -> bytes:
    """Read one safetensors blob from a file object, leaving it positioned just after it.

    The blob is 8 bytes of header length, the JSON header, then the data; its
    size comes from the header, so several checkpoints can follow each other in
    one stream. A header that does not parse makes us read to the end and let
    the safetensors parser report the damage.
    """
    head = f.read(8)
    if not isinstance(head, (bytes, bytearray, memoryview)):
        raise TypeError(f"nerve.load needs a binary file object (mode 'rb'), got {type(f).__name__} "
                        f"whose read() returns {type(head).__name__}")
    head = bytes(head)
    if len(head) < 8:
        return head
    (n,) = struct.unpack("<Q", head)
    header = f.read(min(n, 1 << 30))
    try:
        info = json.loads(header)
        size = max((int(v["data_offsets"][1]) for k, v in info.items() if k != "__metadata__"), default=0)
    except Exception:  # damaged header: take everything, the parser below names the problem
        return head + header + f.read()
    return head + header + f.read(size)


def _read_bytes(buf: bytes, where: str):
    """Return (metadata dict, {name: ndarray}) from an in-memory safetensors blob."""
    from safetensors import SafetensorError, deserialize  # noqa: PLC0415
    try:
        entries = deserialize(buf)
        (n,) = struct.unpack("<Q", buf[:8])
        metadata = json.loads(buf[8:8 + n]).get("__metadata__") or {}
    except (SafetensorError, struct.error, ValueError, AttributeError) as e:
        raise CheckpointError(
            f"cannot load {where}: not a valid safetensors file - truncated or corrupted "
            f"({len(buf)} bytes; {e})") from None
    arrays = {}
    for name, entry in entries:
        dtype, shape, data = entry["dtype"], entry["shape"], entry["data"]
        if dtype == "BF16":  # NumPy has no bfloat16: widen exactly to float32
            bits = np.frombuffer(data, dtype="<u2").astype(np.uint32) << 16
            arrays[name] = bits.view(np.float32).reshape(shape)
        elif dtype in _ST_DTYPES:
            arrays[name] = np.frombuffer(data, dtype=_ST_DTYPES[dtype]).reshape(shape)
        else:
            raise CheckpointError(f"cannot load {where}: tensor {name!r} has dtype {dtype}, "
                                  "which NumPy cannot represent")
    return metadata, arrays


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

    To a path the write is atomic: the data goes to a temporary file in the
    same directory, is fsync'ed, then renamed onto ``f``; on any error ``f`` is
    left as it was and the temporary file is removed.  The directory must
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
    from safetensors.numpy import save as save_bytes  # noqa: PLC0415
    f.write(save_bytes(tensors, metadata=metadata))
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
        mmap: accepted for paths (the file is read through safetensors' own
            memory map either way); a file object with ``mmap=True`` raises
            ``ValueError`` as in PyTorch.

    Raises:
        FileNotFoundError: ``f`` does not exist.
        CheckpointError (a ValueError): the file is not valid safetensors
            (truncated, corrupted) or its nerve metadata is damaged.

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
        metadata, arrays = _read_bytes(_read_stream(f), repr(path))
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
    try:
        structure = json.loads(metadata["structure"])
        return _Decoder(arrays, path, place).decode(structure)
    except _CoreError as e:  # the Tensor constructor failed: not the file's fault
        raise e.__cause__ from None
    except (KeyError, ValueError, TypeError, AttributeError, RecursionError) as e:
        raise CheckpointError(
            f"cannot load {path!r}: not a nerve checkpoint: its structure metadata is "
            f"corrupted ({type(e).__name__}: {e})") from None
