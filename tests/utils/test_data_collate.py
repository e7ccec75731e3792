"""default_collate / default_convert against torch.utils.data's."""
from collections import namedtuple

import numpy as np
import pytest

import nerve
from nerve.utils.data import default_collate, default_convert

Point = namedtuple("Point", "x y")


def _plain(obj):
    """Nested structure with numpy leaves, for comparing nerve's output with torch's."""
    if isinstance(obj, nerve.Tensor):
        return ("T", str(obj.dtype), obj.numpy().tolist())
    if type(obj).__module__.startswith("torch"):
        a = obj.numpy()
        return ("T", str(a.dtype), a.tolist())
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, Point):
        return ("Point", [_plain(v) for v in obj])
    if isinstance(obj, (list, tuple)):
        return (type(obj).__name__, [_plain(v) for v in obj])
    return obj


def _torchify(obj):
    import torch
    if isinstance(obj, nerve.Tensor):
        return torch.from_numpy(obj.numpy().copy())
    if isinstance(obj, dict):
        return {k: _torchify(v) for k, v in obj.items()}
    if isinstance(obj, Point):
        return Point(*(_torchify(v) for v in obj))
    if isinstance(obj, tuple):
        return tuple(_torchify(v) for v in obj)
    if isinstance(obj, list):
        return [_torchify(v) for v in obj]
    return obj


CASES = {
    "arrays_f32": [np.full((2, 3), i, np.float32) for i in range(4)],
    "arrays_f64": [np.full(3, i, np.float64) for i in range(4)],
    "ints": [1, 2, 3],
    "bools": [True, False],
    "np_scalars": [np.float64(1.5), np.float64(2.5)],
    "np_int32": [np.int32(1), np.int32(7)],
    "tensors": [nerve.tensor([1.0, 2.0]), nerve.tensor([3.0, 4.0])],
    "tuples": [(np.zeros(2, np.float32), 1), (np.ones(2, np.float32), 0)],
    "lists": [[np.zeros(2, np.float32), 1], [np.ones(2, np.float32), 0]],
    "dicts": [{"a": np.zeros(2), "b": 3, "s": "u"}, {"a": np.ones(2), "b": 4, "s": "v"}],
    "namedtuples": [Point(np.zeros(1, np.float32), 1), Point(np.ones(1, np.float32), 2)],
    "strings": ["a", "bc"],
    "nested": [({"k": (1, np.int64(2))}, [np.float32(0.5)]), ({"k": (3, np.int64(4))}, [np.float32(1.5)])],
}


@pytest.mark.parametrize("name", list(CASES))
def test_default_collate_matches_torch(name):
    torch = pytest.importorskip("torch")
    from torch.utils.data import default_collate as tcollate
    batch = CASES[name]
    assert _plain(default_collate(batch)) == _plain(tcollate(_torchify(batch)))


def test_python_floats_become_float32_not_float64():
    out = default_collate([0.5, 1.25, 2.0])
    assert out.dtype == np.float32  # PyTorch gives float64; nerve's default float dtype is float32
    np.testing.assert_array_equal(out.numpy(), np.array([0.5, 1.25, 2.0], np.float32))


def test_tuple_of_array_and_int():
    xb, yb = default_collate([(np.zeros(4, np.float32), 7), (np.ones(4, np.float32), 9)])
    assert xb.shape == (2, 4) and xb.dtype == np.float32
    assert yb.dtype == np.int64 and yb.numpy().tolist() == [7, 9]
    np.testing.assert_array_equal(xb.numpy()[1], np.ones(4))


def test_collate_errors():
    with pytest.raises(RuntimeError, match=r"equal size, but got \[3\] at entry 0 and \[4\] at entry 1"):
        default_collate([np.zeros(3), np.zeros(4)])
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        default_collate([(1, 2), (1,)])
    with pytest.raises(TypeError, match="default_collate: batch must contain"):
        default_collate([object(), object()])
    with pytest.raises(TypeError, match="default_collate: batch must contain"):
        default_collate([np.array(["a"]), np.array(["b"])])


def test_collate_keeps_the_graph_for_tensors_that_require_grad():
    a = nerve.tensor([1.0, 2.0], requires_grad=True)
    b = nerve.tensor([3.0, 4.0], requires_grad=True)
    out = default_collate([a, b])
    assert out.requires_grad
    (out * nerve.tensor([[1.0, 1.0], [2.0, 2.0]])).sum().backward()
    np.testing.assert_array_equal(b.grad.numpy(), [2.0, 2.0])


def test_default_convert():
    out = default_convert({"x": np.zeros(2, np.float64), "y": (np.int64(3), "s"), "z": 1.5})
    assert isinstance(out["x"], nerve.Tensor) and out["x"].dtype == np.float64
    assert isinstance(out["y"], list) and out["y"][0].item() == 3 and out["y"][1] == "s"
    assert out["z"] == 1.5
