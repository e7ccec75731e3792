"""Issue 7, the ops layer: user mistakes in broadcasting, indexing, gather/index_select, shapes and
reductions get PyTorch's message (and exception type) in the user's terms, never NumPy's text.

Case numbers refer to the core sweep (/work/probe/core_sweep.py). Each test asserts on what the
message must tell the user; the silent cases assert that nerve now raises or returns torch's value.
"""
import re

import numpy as np
import pytest

import nerve
import nerve.nn.functional as F
from nerve.autograd.function import OpError


def raises(exc, *fragments):
    """pytest.raises matching every fragment (literal text), in order."""
    return pytest.raises(exc, match=".*".join(re.escape(f) for f in fragments))


def no_internals(info):
    """No NumPy/Python internals in the message."""
    msg = str(info.value)
    for raw in ("could not be broadcast together with shapes (", "Ellipsis", "array(", "axis ",
                "ufunc", "could not convert string", "dtype('", "<U1", "tuple index out of range",
                "input shapes"):
        assert raw not in msg, msg


# ------------------------------------------------------------------ broadcasting (one fix in Op.__call__)
@pytest.mark.parametrize("case, call, op, sizes, dim, shapes", [
    (51, lambda: nerve.ones(2, 3) + nerve.ones(4, 5), "Add", (3, 5), 1, "(2, 3) and (4, 5)"),
    (52, lambda: nerve.ones(2, 3) * nerve.ones(3, 2), "Mul", (3, 2), 1, "(2, 3) and (3, 2)"),
    (55, lambda: nerve.ones(3) + [1, 2], "Add", (3, 2), 0, "(3,) and (2,)"),
    (104, lambda: nerve.clamp(nerve.ones(3), min=nerve.ones(4)), "ClampTensor", (3, 4), 0, "(3,) and (4,)"),
    (106, lambda: nerve.where(nerve.tensor([True]), nerve.ones(2), nerve.zeros(3)), "Where", (2, 3), 0,
     "(2,) and (3,)"),
    (107, lambda: nerve.lerp(nerve.ones(2), nerve.ones(3), 0.5), "Lerp", (2, 3), 0, "(2,) and (3,)"),
    (118, lambda: nerve.maximum(nerve.ones(2), nerve.ones(3)), "Maximum", (2, 3), 0, "(2,) and (3,)"),
    (120, lambda: nerve.dist(nerve.ones(2), nerve.ones(3)), "Sub", (2, 3), 0, "(2,) and (3,)"),
    (126, lambda: nerve.atan2(nerve.ones(2), nerve.ones(3)), "Atan2", (2, 3), 0, "(2,) and (3,)"),
    (206, lambda: nerve.ones(3).max(nerve.ones(4)), "Maximum", (3, 4), 0, "(3,) and (4,)"),
    (320, lambda: nerve.ones(3).clamp_(min=nerve.ones(2)), "ClampTensor", (3, 2), 0, "(3,) and (2,)"),
])
def test_broadcast_failure_in_pytorch_words(case, call, op, sizes, dim, shapes):
    with raises(RuntimeError, f"{op}:", "broadcast", f"the size of tensor a ({sizes[0]}) must match the size of "
                f"tensor b ({sizes[1]}) at non-singleton dimension {dim}", f"(shapes {shapes})") as info:
        call()
    assert isinstance(info.value, OpError) and isinstance(info.value, ValueError)
    assert info.value.__suppress_context__          # no chained NumPy traceback
    no_internals(info)


def test_broadcast_dimension_is_counted_from_the_right_in_the_result():
    torch = pytest.importorskip("torch")
    for sa, sb in [((2, 1, 3), (4, 2)), ((5, 2, 3), (4, 1, 1)), ((2, 3), (2,)), ((7, 1), (3, 6, 2))]:
        with pytest.raises(RuntimeError) as want:
            torch.ones(sa) + torch.ones(sb)
        text = str(want.value)                     # "The size of tensor a (3) must match ..."
        with raises(OpError, "Add:", text[0].lower() + text[1:], f"(shapes {sa} and {sb})"):
            nerve.ones(*sa) + nerve.ones(*sb)


def test_broadcast_failure_of_an_operand_the_op_holds_names_all_shapes():
    # the condition of where() is held by the op, not an input: NumPy's shapes are used
    with raises(OpError, "Where:", "size of tensor a (4)", "tensor b (2)", "dimension 0", "(4,), (2,) and (2,)"):
        nerve.where(nerve.ones(4).bool(), nerve.ones(2), nerve.ones(2))
    # three operands: PyTorch's order (the first two broadcast together, then the third)
    with raises(OpError, "ClampTensor:", "size of tensor a (3)", "tensor b (4)", "(3,), (3,) and (4,)"):
        nerve.clamp(nerve.ones(3), min=nerve.ones(3), max=nerve.ones(4))


@pytest.mark.parametrize("case, call, fragments", [
    (103, lambda: nerve.clamp(nerve.ones(3), min="a"), ("clamp: min must be a number or a Tensor", "str 'a'")),
    (103, lambda: nerve.ones(3).clamp(max=[1]), ("clamp: max must be a number or a Tensor", "list")),
    (273, lambda: nerve.ones(3).masked_fill(nerve.tensor([True, False, True]), "a"),
     ("masked_fill: value must be a number or a Tensor", "str 'a'")),
    (273, lambda: nerve.ones(3).masked_fill(nerve.ones(3).bool(), None),
     ("masked_fill: value must be a number or a Tensor", "NoneType")),
])
def test_non_number_operand_is_named_before_numpy_sees_it(case, call, fragments):
    with raises(TypeError, *fragments) as info:
        call()
    no_internals(info)


def test_numbers_and_tensors_still_work_as_bounds_and_fill_values():
    x = nerve.tensor([-2.0, 0.5, 3.0])
    assert x.clamp(min=np.float32(0.0), max=1).tolist() == [0.0, 0.5, 1.0]
    assert x.masked_fill(x > 1, np.float64(7)).tolist() == [-2.0, 0.5, 7.0]


# ------------------------------------------------------------------ indexing: PyTorch's texts
@pytest.mark.parametrize("case, call, fragment", [
    (239, lambda: nerve.ones(3)[5], "index 5 is out of bounds for dimension 0 with size 3"),
    (240, lambda: nerve.ones(3)[-4], "index -4 is out of bounds for dimension 0 with size 3"),
    (241, lambda: nerve.ones(2, 3)[0, 5], "index 5 is out of bounds for dimension 1 with size 3"),
    (242, lambda: nerve.ones(2, 3)[0, 0, 0], "too many indices for tensor of dimension 2"),
    (246, lambda: nerve.ones(3)[nerve.tensor([5])], "index 5 is out of bounds for dimension 0 with size 3"),
    (247, lambda: nerve.ones(3)[nerve.tensor([True, False])],
     "The shape of the mask [2] at index 0 does not match the shape of the indexed tensor [3] at index 0"),
    (248, lambda: nerve.ones(3)[[0, 5]], "index 5 is out of bounds for dimension 0 with size 3"),
    # dims in the tensor's own numbering: None adds none, ... stands for the dims not indexed
    (249, lambda: nerve.ones(3)[None, 5], "index 5 is out of bounds for dimension 0 with size 3"),
    (249, lambda: nerve.ones(2, 3, 4)[0, ..., 7], "index 7 is out of bounds for dimension 2 with size 4"),
    (249, lambda: nerve.ones(2, 3)[0, [5]], "index 5 is out of bounds for dimension 1 with size 3"),
    (249, lambda: nerve.ones(2, 3, 4)[[0], :, [9]], "index 9 is out of bounds for dimension 2 with size 4"),
    (249, lambda: nerve.ones(2, 3, 4)[:, nerve.tensor([[True, False, True]])],
     "The shape of the mask [1, 3] at index 0 does not match the shape of the indexed tensor [2, 3, 4] at index 1"),
    (250, lambda: nerve.tensor(1.0)[0], "invalid index of a 0-dim tensor. Use `tensor.item()`"),
    (242, lambda: nerve.ones(2, 3)[[0, 1], [0, 1, 2]],
     "shape mismatch: indexing tensors could not be broadcast together with shapes [2], [3]"),
])
def test_getitem_errors_in_pytorch_words(case, call, fragment):
    with raises(IndexError, fragment) as info:
        call()
    no_internals(info)


def test_getitem_error_on_a_tensor_that_requires_grad_leaves_no_graph_behind():
    x = nerve.ones(2, 3, requires_grad=True)
    with raises(IndexError, "index 3 is out of bounds for dimension 1 with size 3"):
        (x * 2)[1, [0, 3]]
    (x * 2)[1, [0, 2]].sum().backward()
    assert x.grad.tolist() == [[0, 0, 0], [2, 0, 2]]


@pytest.mark.parametrize("grad", [False, True])
@pytest.mark.parametrize("case, code, exc, fragment", [
    (251, "x[5] = 1.0", IndexError, "index 5 is out of bounds for dimension 0 with size 3"),
    (251, "y[0, [5]] = 1.0", IndexError, "index 5 is out of bounds for dimension 1 with size 3"),
    (252, "x[nerve.tensor([0, 1])] = nerve.ones(3)", RuntimeError,
     "shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of shape [2]"),
    (252, "y[:, [0, 1]] = nerve.ones(3)", RuntimeError,
     "shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of shape [2, 2]"),
    (253, "x[0] = 'a'", TypeError, "can't assign a str to a float32 tensor"),
    (253, "x[0] = None", TypeError, "can't assign a NoneType to a float32 tensor"),
    (253, "x[0:2] = ['a', 'b']", TypeError, "can't assign a list of str to a float32 tensor"),
    (255, "x[nerve.tensor([True])] = 0.0", IndexError,
     "The shape of the mask [1] at index 0 does not match the shape of the indexed tensor [3] at index 0"),
    (255, "y[0, 0, 0] = 1.0", IndexError, "too many indices for tensor of dimension 2"),
])
def test_setitem_errors_in_pytorch_words(case, code, exc, fragment, grad):
    x, y = nerve.ones(3), nerve.ones(2, 3)
    if grad:                      # the recorded path (IndexPut) says the same
        x, y = nerve.ones(3, requires_grad=True) * 1, nerve.ones(2, 3, requires_grad=True) * 1
    with raises(exc, fragment) as info:
        exec(code, {"nerve": nerve, "x": x, "y": y})
    no_internals(info)
    assert x.tolist() == [1.0, 1.0, 1.0] and y.tolist() == [[1.0] * 3] * 2    # nothing was written


# ------------------------------------------------------------------ index_select / gather
@pytest.mark.parametrize("case, call, exc, fragment", [
    (261, lambda: nerve.index_select(nerve.ones(3), 0, nerve.tensor([5])), IndexError,
     "index_select(): index 5 is out of range for dimension 0 with size 3"),
    (261, lambda: nerve.ones(3).index_select(0, nerve.tensor([-1])), IndexError,
     "index_select(): index -1 is out of range for dimension 0 with size 3"),
    (262, lambda: nerve.index_select(nerve.ones(3), 0, nerve.tensor([[0]])), IndexError,
     "index_select(): Index is supposed to be a vector"),
    (263, lambda: nerve.index_select(nerve.ones(3), 0, nerve.tensor([0.0])), RuntimeError,
     "index_select(): Expected dtype int32 or int64 for index, got float32"),
    (263, lambda: nerve.ones(3).index_select(0, nerve.tensor([True])), RuntimeError,
     "Expected dtype int32 or int64 for index, got bool"),
    (258, lambda: nerve.gather(nerve.ones(2, 3), 2, nerve.tensor([[0]])), IndexError,
     "gather: dimension 2 is out of range"),
    (258, lambda: nerve.gather(nerve.ones(2, 3), -3, nerve.tensor([[0]])), IndexError,
     "gather: dimension -3 is out of range"),
    (260, lambda: nerve.gather(nerve.ones(2, 3), 1, nerve.tensor([[-1]])), RuntimeError,
     "index -1 is out of bounds for dimension 1 with size 3"),
    (260, lambda: nerve.ones(2, 3).gather(0, nerve.tensor([[2]])), RuntimeError,
     "index 2 is out of bounds for dimension 0 with size 2"),
    (260, lambda: nerve.gather(nerve.ones(2, 3), 1, nerve.tensor([[0], [1], [2]])), RuntimeError,
     "Size does not match at dimension 0 expected index [3, 1] to be no larger than self [2, 3]"),
])
def test_index_select_and_gather_refuse_what_pytorch_refuses(case, call, exc, fragment):
    with raises(exc, fragment) as info:
        call()
    no_internals(info)


def test_gather_and_index_select_still_agree_with_torch():
    torch = pytest.importorskip("torch")
    a = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    idx = np.array([[2, 0], [1, 1]])
    assert nerve.tensor(a).gather(1, nerve.tensor(idx)).tolist() == \
        torch.tensor(a).gather(1, torch.tensor(idx)).tolist()
    assert nerve.tensor(a).gather(0, nerve.tensor([[1, 0, 1]])).tolist() == [[3.0, 1.0, 5.0]]
    assert nerve.tensor(a).index_select(-1, nerve.tensor([2, 0])).tolist() == \
        torch.tensor(a).index_select(-1, torch.tensor([2, 0])).tolist()
    assert nerve.ones(3).index_select(0, nerve.tensor(1)).shape == (1,)       # a 0-d index is one entry
    assert nerve.gather(nerve.arange(3.0), 0, nerve.tensor(2)).item() == 2.0   # 0-d index of a 1-D input


# ------------------------------------------------------------------ shapes
@pytest.mark.parametrize("case, call, exc, fragments", [
    (131, lambda: nerve.ones(6).reshape(-2, 3), RuntimeError,
     ("invalid shape dimension -2 at index 0 of shape [-2, 3]",)),
    (131, lambda: nerve.ones(6).view(3, -3), RuntimeError, ("invalid shape dimension -3 at index 1",)),
    (130, lambda: nerve.reshape(nerve.ones(6), (2.5, 2)), TypeError,
     ("reshape(): argument 'shape' must be tuple of ints", "float at pos 0")),
    (143, lambda: nerve.ones(2, 3).unsqueeze(1.0), TypeError, ("unsqueeze(): argument 'dim' must be int", "float")),
    (152, lambda: nerve.cat(nerve.ones(2, 3)), TypeError,
     ("cat(): argument 'tensors' must be a tuple or list of Tensors, not Tensor",)),
    (152, lambda: nerve.stack(nerve.ones(2, 3)), TypeError,
     ("stack(): argument 'tensors' must be a tuple or list of Tensors, not Tensor",)),
    (153, lambda: nerve.cat([nerve.ones(2), 3]), TypeError,
     ("expected Tensor as element 1 in argument 0, but got int",)),
    (153, lambda: nerve.hstack([nerve.ones(2), [1.0]]), TypeError,
     ("expected Tensor as element 1 in argument 0, but got list",)),
    (180, lambda: nerve.ones(2).repeat(-1), RuntimeError,
     ("Trying to create tensor with negative dimension", "[-1]")),
    (180, lambda: nerve.ones(2).repeat(2, -1), RuntimeError, ("negative dimension", "[2, -1]")),
])
def test_shape_arguments_pytorch_refuses(case, call, exc, fragments):
    with raises(exc, *fragments) as info:
        call()
    no_internals(info)


def test_valid_shape_arguments_still_work():
    x = nerve.arange(6.0)
    assert x.reshape(-1, 3).shape == (2, 3)
    assert nerve.reshape(x, (nerve.tensor(2), np.int64(3))).shape == (2, 3)    # integer-like sizes
    assert x.unsqueeze(np.int64(0)).shape == (1, 6)
    assert x.repeat(0).shape == (0,)
    assert nerve.cat((x[:2], x[4:])).tolist() == [0.0, 1.0, 4.0, 5.0]


# ------------------------------------------------------------------ reductions and friends
@pytest.mark.parametrize("case, call, exc, fragments", [
    (228, lambda: nerve.ones(3).all(dim=2), IndexError, ("all", "dimension 2 is out of range", "expected -1 to 0")),
    (228, lambda: nerve.ones(2, 3).any(dim=-3), IndexError, ("any", "dimension -3 is out of range")),
    (229, lambda: nerve.ones(3).argmax(dim=2), IndexError, ("argmax", "dimension 2 is out of range")),
    (229, lambda: nerve.ones(3).argmin(dim=-2), IndexError, ("argmin", "dimension -2 is out of range")),
    (229, lambda: nerve.ones(3).argmax(dim=1.0), TypeError, ("argmax(): argument 'dim' must be int, not float",)),
    (201, lambda: nerve.ones(0).argmax(), IndexError,
     ("argmax(): Expected reduction dim to be specified for input.numel() == 0.",)),
    (201, lambda: nerve.ones(2, 0).argmin(1), IndexError,
     ("argmin(): Expected reduction dim 1 to have non-zero size",)),
    (282, lambda: F.one_hot(nerve.tensor([], dtype=nerve.int64)), RuntimeError,
     ("Can not infer total number of classes from empty tensor.",)),
    (231, lambda: nerve.ones(3).norm(p="bogus"), RuntimeError, ("Order bogus not supported",)),
    (231, lambda: nerve.linalg.norm(nerve.ones(2, 3), "bogus"), RuntimeError, ("Order bogus not supported",)),
])
def test_reduction_mistakes(case, call, exc, fragments):
    with raises(exc, *fragments) as info:
        call()
    no_internals(info)


def test_reductions_keep_pytorch_results():
    torch = pytest.importorskip("torch")
    a = np.array([[1.0, 5.0], [7.0, 2.0]], dtype=np.float32)
    for name, kw in [("argmax", {}), ("argmax", {"keepdim": True}), ("argmin", {"dim": 1}),
                     ("argmax", {"dim": 0, "keepdim": True}), ("all", {"dim": 0}), ("any", {"dim": (0, 1)})]:
        got = getattr(nerve.tensor(a), name)(**kw)
        want = getattr(torch.tensor(a), name)(**kw)
        assert got.shape == tuple(want.shape) and got.tolist() == want.tolist(), (name, kw)
    assert nerve.ones(2, 0).argmax(0).shape == (0,)
    assert F.one_hot(nerve.tensor([], dtype=nerve.int64), 3).shape == (0, 3)


def test_equal_is_one_bool_as_torch_equal():            # case 116
    assert nerve.equal(nerve.ones(2), nerve.ones(3)) is False
    assert nerve.equal(nerve.ones(2), nerve.ones(2)) is True
    assert nerve.equal(nerve.ones(2), nerve.ones(2, dtype=nerve.int64)) is True
    assert nerve.equal(nerve.tensor([float("nan")]), nerve.tensor([float("nan")])) is False
    with raises(TypeError, "equal(): argument 'other' (position 2) must be Tensor, not int"):
        nerve.equal(nerve.ones(2), 2)


def test_linear_with_a_1d_weight_as_torch():            # case 531
    x = nerve.ones(2, 3, requires_grad=True)
    w = nerve.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = F.linear(x, w)
    assert y.shape == (2,) and y.tolist() == [6.0, 6.0]
    y.sum().backward()
    assert w.grad.tolist() == [2.0, 2.0, 2.0] and x.grad.tolist() == [[1.0, 2.0, 3.0]] * 2
    with raises(RuntimeError, "both arguments to linear need to be at least 1D", "2D and 0D"):
        F.linear(nerve.ones(2, 3), nerve.tensor(1.0))
    with raises(RuntimeError, "linear: weight must be a matrix", "bias", "(3,)"):
        F.linear(nerve.ones(2, 3), nerve.ones(3), nerve.ones(2))
    with raises(RuntimeError, "linear: weight must be a matrix", "(1, 2, 3)"):
        F.linear(nerve.ones(2, 3), nerve.ones(1, 2, 3))


def test_nonzero_as_tuple_must_be_bool():               # case 285
    with raises(TypeError, "nonzero(): argument 'as_tuple' must be bool, not str"):
        nerve.nonzero(nerve.ones(3), as_tuple="x")
    assert len(nerve.nonzero(nerve.ones(2, 2), as_tuple=True)) == 2
