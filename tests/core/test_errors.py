"""Bad inputs raise errors that name the op and the offending shapes, dtypes or values (STYLE rule 8)."""
import re

import numpy as np
import pytest

import nerve
from nerve import ops
from nerve.autograd.function import OpError


def raises(exc, *fragments):
    """pytest.raises matching every fragment (literal text) in the message, in order."""
    return pytest.raises(exc, match=".*".join(re.escape(f) for f in fragments))


# ------------------------------------------------------------ matmul / linear
def test_matmul_shape_mismatch_names_both_shapes():
    with raises(RuntimeError, "matmul", "(2, 3)", "(4, 5)", "3", "4"):
        nerve.randn(2, 3) @ nerve.randn(4, 5)
    with raises(RuntimeError, "matmul", "(3,)", "(4,)"):
        nerve.randn(3) @ nerve.randn(4)
    with raises(RuntimeError, "matmul", "(2, 2, 3)", "(2, 4, 5)"):
        nerve.matmul(nerve.randn(2, 2, 3), nerve.randn(2, 4, 5))
    with raises(RuntimeError, "matmul", "at least 1 dimension", "()"):
        nerve.tensor(1.0) @ nerve.randn(2)


def test_matmul_batch_dims_that_do_not_broadcast():
    with raises(RuntimeError, "matmul", "(2, 3, 4)", "(3, 4, 5)"):
        nerve.randn(2, 3, 4) @ nerve.randn(3, 4, 5)


def test_matmul_dtype_mismatch():
    with raises(TypeError, "matmul", "float32", "float64", ".double()"):
        nerve.randn(2, 3) @ nerve.randn(3, 2, dtype=nerve.float64)


def test_linear_wrong_in_features_names_shapes():
    with raises(RuntimeError, "linear", "(2, 3)", "(5, 4)", "in_features=4", "out_features=5"):
        ops.linear(nerve.randn(2, 3), nerve.randn(5, 4))
    with raises(RuntimeError, "linear", "(7, 2, 3)", "(5, 4)"):
        ops.linear(nerve.randn(7, 2, 3), nerve.randn(5, 4), nerve.randn(5))


def test_linear_wrong_bias_and_dtype():
    with raises(RuntimeError, "linear: bias of shape (4,)", "(2, 5)", "(5,)"):
        ops.linear(nerve.randn(2, 3), nerve.randn(5, 3), nerve.randn(4))
    with raises(TypeError, "linear", "float64", "float32"):
        ops.linear(nerve.randn(2, 3, dtype=nerve.float64), nerve.randn(5, 3))


# ------------------------------------------------------------ broadcasting
@pytest.mark.parametrize("name, fn", [
    ("Add", lambda a, b: a + b), ("Sub", lambda a, b: a - b), ("Mul", lambda a, b: a * b),
    ("Div", lambda a, b: a / b), ("Pow", lambda a, b: a ** b), ("Maximum", nerve.maximum),
    ("Minimum", nerve.minimum), ("Where", lambda a, b: nerve.where(a > 0, a, b)),
])
def test_broadcast_failure_names_op_and_both_shapes(name, fn):
    a, b = nerve.randn(2, 3, requires_grad=True), nerve.randn(4)
    with raises(RuntimeError, f"{name}:", "broadcast", "(2, 3)", "(4,)") as info:
        fn(a, b)
    assert isinstance(info.value, ValueError)       # also a ValueError, as NumPy raises
    assert isinstance(info.value, OpError)
    assert info.value.__cause__ is None and info.value.__suppress_context__   # no chained NumPy traceback


def test_broadcast_failure_does_not_record_a_node():
    a = nerve.randn(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError):
        a + nerve.randn(4)
    (a * 2).sum().backward()         # the engine is unaffected
    assert a.grad.shape == (2, 3)


def test_unsupported_dtype_combination_names_op():
    with raises(RuntimeError, "Subtraction", "bool tensor", "logical_not"):
        nerve.tensor([True]) - nerve.tensor([False])


def test_expand_and_broadcast_to_errors():
    with raises(RuntimeError, "expand", "expanded size 3", "existing size 2", "(2, 3)"):
        nerve.randn(2, 3).expand(3, 3)
    with raises(RuntimeError, "expand", "-1", "new leading dimension"):
        nerve.randn(3).expand(-1, 3)
    with raises(RuntimeError, "expand", "fewer dims"):
        nerve.randn(2, 3).expand(3)


# ------------------------------------------------------------ shapes
def test_reshape_invalid():
    with raises(RuntimeError, "reshape", "(4, 2)", "(2, 3)", "6 elements"):
        nerve.randn(2, 3).reshape(4, 2)
    with raises(RuntimeError, "reshape", "(-1, 4)", "(2, 3)"):
        nerve.randn(2, 3).view(-1, 4)


def test_cat_and_stack_mismatch():
    with raises(RuntimeError, "cat", "dimension 0", "(2, 3)", "(2, 4)"):
        nerve.cat([nerve.randn(2, 3), nerve.randn(2, 4)])
    with raises(RuntimeError, "cat", "(2, 3)", "tensor 1 has shape (3,)"):
        nerve.cat([nerve.randn(2, 3), nerve.randn(3)])
    with raises(IndexError, "cat", "dimension 2", "2 dimensions"):
        nerve.cat([nerve.randn(2, 3), nerve.randn(2, 3)], dim=2)
    with raises(ValueError, "cat", "non-empty"):
        nerve.cat([])
    with raises(RuntimeError, "cat", "zero-dimensional", "stack()"):
        nerve.cat([nerve.tensor(1.0), nerve.tensor(2.0)])
    with raises(RuntimeError, "stack", "(2, 3)", "(3, 2)", "entry 1"):
        nerve.stack([nerve.randn(2, 3), nerve.randn(3, 2)])


@pytest.mark.parametrize("call, exc, fragments", [
    (lambda x: x.sum(2), IndexError, ("sum", "dimension 2", "2 dimensions")),
    (lambda x: x.mean(-3), IndexError, ("mean", "-3")),
    (lambda x: x.softmax(2), IndexError, ("softmax", "dimension 2")),
    (lambda x: x.log_softmax(-3), IndexError, ("log_softmax", "-3")),
    (lambda x: x.max(3), IndexError, ("max", "dimension 3")),
    (lambda x: x.cumsum(3), IndexError, ("cumsum", "dimension 3")),
    (lambda x: x.transpose(0, 3), IndexError, ("transpose", "3")),
    (lambda x: x.permute(0, 5), IndexError, ("permute", "dim 5", "(2, 3)")),
    (lambda x: x.permute(0, 0), RuntimeError, ("permute", "(0, 0)", "not a permutation")),
    (lambda x: x.permute(1, 0, 2), IndexError, ("permute", "dim 2")),
    (lambda x: x.movedim(0, 4), IndexError, ("movedim", "4")),
    (lambda x: x.squeeze(4), IndexError, ("squeeze", "4")),
    (lambda x: x.unsqueeze(5), IndexError, ("unsqueeze", "5")),
    (lambda x: x.flatten(3), IndexError, ("flatten", "3")),
    (lambda x: x.unflatten(1, (2, 2)), RuntimeError, ("unflatten", "(2, 2)", "size 3")),
    (lambda x: x.split([1, 1], dim=1), RuntimeError, ("split", "[1, 1]", "size 3")),
    (lambda x: x.split(0), ValueError, ("split", "positive")),
    (lambda x: x.chunk(0), ValueError, ("chunk", "positive")),
    (lambda x: x.repeat(2), RuntimeError, ("repeat", "smaller")),
    (lambda x: ops.pad(x, (1,)), ValueError, ("pad", "length 1", "even")),
    (lambda x: ops.pad(x[0], (1, 1), mode="reflect"), NotImplementedError, ("pad", "1D")),
    (lambda x: nerve.zeros(0, 3).amax(0), RuntimeError, ("max", "size 0", "(0, 3)")),
    (lambda x: nerve.zeros(0).max(0), IndexError, ("max", "empty", "(0,)")),
    (lambda x: x.clamp(), ValueError, ("clamp", "min and max")),
])
def test_bad_dims_and_arguments(call, exc, fragments):
    with raises(exc, *fragments):
        call(nerve.randn(2, 3))


# ------------------------------------------------------------ indexing
def test_index_out_of_range_names_index_and_shape():
    x = nerve.randn(2, 3)
    with raises(IndexError, "index 5 is out of bounds for dimension 0 with size 2"):
        x[5]
    with raises(IndexError, "index 3 is out of bounds for dimension 1 with size 3"):
        x[0, 3]
    with raises(IndexError, "index 2 is out of bounds for dimension 0 with size 2"):
        x[nerve.tensor([0, 2])]
    with raises(IndexError, "long, int or bool", "float32"):
        x[nerve.tensor([0.0])]
    with raises(IndexError, "lists must hold integers"):
        x[[0.5]]
    with raises(IndexError, "valid indices", "str"):
        x["a"]


def test_gather_and_index_select_errors():
    x = nerve.randn(2, 3)
    with raises(RuntimeError, "gather", "index 3", "dimension 1 with size 3", "(2, 3)"):
        x.gather(1, nerve.tensor([[0, 3]]))
    with raises(RuntimeError, "gather", "integer", "float32"):
        x.gather(1, nerve.tensor([[0.0]]))
    with raises(RuntimeError, "gather", "same number of dimensions", "(1,)", "(2, 3)"):
        x.gather(1, nerve.tensor([0]))
    with raises(IndexError, "index_select", "index 5 is out of range for dimension 1 with size 3"):
        x.index_select(1, nerve.tensor([0, 5]))


def test_masked_fill_errors():
    x = nerve.randn(2, 3)
    with raises(RuntimeError, "masked_fill", "(4,)", "(2, 3)"):
        x.masked_fill(nerve.tensor([True, False, True, True]), 0.0)
    with raises(RuntimeError, "masked_fill", "(2, 2, 3)", "(2, 3)"):      # the mask may not enlarge x
        x.masked_fill(nerve.ones(2, 2, 3).bool(), 0.0)
    with raises(RuntimeError, "masked_fill", "boolean", "int64"):
        x.masked_fill(nerve.tensor([1, 0, 1]), 0.0)


# ------------------------------------------------------------ losses
def _logp():
    return nerve.randn(4, 3, requires_grad=True).log_softmax(1)


def test_nll_class_index_out_of_range_names_value_and_range():
    with raises(IndexError, "nll_loss", "target 3", "[0, 2]", "3 classes", "(4, 3)"):
        ops.nn.nll_loss_2d(_logp(), np.array([0, 3, 1, 2]))
    with raises(IndexError, "nll_loss", "target -1", "[0, 2]"):
        ops.nn.nll_loss_2d(_logp(), nerve.tensor([0, -1, 1, 2]))
    with raises(IndexError, "target 7"):      # ignore_index entries are skipped, others still checked
        ops.nn.nll_loss_2d(_logp(), np.array([-100, 7, 1, 2]))


def test_nll_wrong_target_dtype_and_shape():
    with raises(TypeError, "nll_loss", "integer class indices", "float32", ".long()"):
        ops.nn.nll_loss_2d(_logp(), nerve.tensor([0.0, 1.0, 2.0, 1.0]))
    with raises(RuntimeError, "nll_loss", "target of shape (3,)", "(4, 3)", "(4,)"):
        ops.nn.nll_loss_2d(_logp(), np.array([0, 1, 2]))
    with raises(RuntimeError, "nll_loss", "(N, C)", "(4,)"):
        ops.nn.nll_loss_2d(nerve.randn(4), np.array([0, 1, 2, 1]))
    with raises(ValueError, "reduction", "'avg'"):
        ops.nn.nll_loss_2d(_logp(), np.array([0, 1, 2, 1]), reduction="avg")


def test_loss_shape_mismatch_in_composite_loss_names_shapes():
    pred, target = nerve.randn(4, 2, requires_grad=True), nerve.randn(3)
    with raises(RuntimeError, "Sub:", "(4, 2)", "(3,)"):
        ((pred - target) ** 2).mean()        # a hand-written MSE


# ------------------------------------------------------------ NaN
def test_nan_input_propagates_to_the_loss():
    """nerve does not scan op inputs for NaN (that would cost a pass over every array in hot ops);
    NaN/inf propagate to the loss, where the training callbacks (TerminateOnNaN) catch them."""
    x = nerve.tensor([[1.0, float("nan")], [0.5, 2.0]], requires_grad=True)
    w = nerve.randn(3, 2, requires_grad=True)
    logits = ops.linear(x, w)
    loss = ops.nn.nll_loss_2d(logits.log_softmax(1), np.array([0, 2]))
    assert np.isnan(loss.item())
    loss.backward()
    assert np.isnan(w.grad.numpy()).any()
    assert nerve.isnan(loss).item()
    inf_loss = (nerve.tensor([float("inf")], requires_grad=True) * 2).sum()
    assert not nerve.isfinite(inf_loss).item()


# ------------------------------------------------------------ autograd misuse
def test_requires_grad_on_integer_names_dtype():
    with raises(RuntimeError, "floating point", "int64"):
        nerve.tensor([1, 2], requires_grad=True)


def test_backward_errors():
    x = nerve.randn(3, requires_grad=True)
    with raises(RuntimeError, "scalar outputs", "(3,)"):
        (x * 2).backward()
    with raises(RuntimeError, "gradient has shape (2,)", "(3,)"):
        (x * 2).backward(nerve.ones(2))
    with raises(ValueError, "grad_outputs has 2 entries", "1 outputs"):
        nerve.autograd.grad(x.sum(), x, grad_outputs=[nerve.ones(()), nerve.ones(())])
