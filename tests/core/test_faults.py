"""Issue 7, the core: every user mistake gets an error in the user's terms, and IEEE events
(divide by zero, invalid, overflow) give PyTorch's values without NumPy warnings.

Each test asserts on what the message must tell the user (the op or layer, the value,
what was expected), not only on the exception type.
"""
import re
import warnings

import numpy as np
import pytest

import nerve
import nerve.nn as nn
import nerve.nn.functional as F
from nerve.utils.data import ConcatDataset, Subset, TensorDataset


def raises(exc, *fragments):
    """pytest.raises matching every fragment (literal text), in order."""
    return pytest.raises(exc, match=".*".join(re.escape(f) for f in fragments))


def no_raw(excinfo):
    """No NumPy/Python internals in the message."""
    msg = str(excinfo.value)
    for raw in ("has no len()", "has no attribute '_data'", "not supported between instances",
                "inhomogeneous", "setting an array element", "invalid literal for int()",
                "negative dimensions are not allowed", "cannot be interpreted as an integer",
                "is out of bounds for axis"):
        assert raw not in msg, msg


# ------------------------------------------------------------------ creation
@pytest.mark.parametrize("make", [nerve.zeros, nerve.ones, nerve.empty, nerve.randn, nerve.rand])
def test_negative_size_names_the_dimension(make):
    with raises(RuntimeError, "negative dimension -1", "[-1, 2]"):
        make(-1, 2)


@pytest.mark.parametrize("size, kind", [(2.5, "float"), ("a", "str")])
def test_non_integer_size_names_the_type(size, kind):
    with raises(TypeError, "zeros()", "tuple of ints", kind):
        nerve.zeros(size)


def test_arange_step_zero_and_randint_empty_range():
    with raises(RuntimeError, "step must be nonzero"):
        nerve.arange(0, 5, 0)
    with raises(RuntimeError, "from=5", "to=5"):
        nerve.randint(5, 5, (3,))
    with raises(RuntimeError, "from=5", "to=2"):
        nerve.randint(5, 2, (3,))


@pytest.mark.parametrize("data, fragments", [
    ([[1, 2], [3]], ("ragged", "length 2 at dim 1", "got 1", "index 1")),
    ([[1, 2], 3], ("ragged", "a sequence at dim 1", "element 1 is a number")),
    ([[[1], [2]], [[1], [2, 3]]], ("ragged", "length 1 at dim 2", "got 2")),
])
def test_ragged_nested_lists_say_where(data, fragments):
    with raises(ValueError, *fragments) as info:
        nerve.tensor(data)
    no_raw(info)


def test_unconvertible_data_names_the_dtype():
    with raises(TypeError, "float32", "could not convert string"):
        nerve.tensor(["a"], dtype=nerve.float32)
    with raises(OverflowError, "cannot be converted to type uint8 without overflow"):
        nerve.tensor([300], dtype=nerve.uint8)
    with raises(TypeError, "could not build a tensor from NoneType"):
        nerve.tensor(None)


# ------------------------------------------------------------------ indexing / dims
def test_float_index_is_refused_with_the_kinds_allowed():
    with raises(IndexError, "only integers, slices", "got float"):
        nerve.randn(3)[1.0]


@pytest.mark.parametrize("call, fragment", [
    (lambda x: x.sum(1.0), "got float 1.0"),
    (lambda x: x.mean("a"), "got 'a'"),
    (lambda x: x.sum((0, 1.5)), "got 1.5"),
    (lambda x: x.amax(dim=object()), "got object"),
])
def test_reduction_dim_of_the_wrong_type(call, fragment):
    with raises(TypeError, "dim must be an integer or a sequence of integers", fragment) as info:
        call(nerve.randn(3, 2))
    no_raw(info)


def test_reduction_dim_out_of_range():
    with raises(IndexError, "sum", "dimension 5 is out of range", "expected -1 to 0"):
        nerve.randn(3).sum(5)


# ------------------------------------------------------------------ dtypes
@pytest.mark.parametrize("fn, name", [
    (lambda x: F.log_softmax(x, dim=0), "log_softmax"), (lambda x: F.softmax(x, dim=0), "softmax"),
    (F.gelu, "gelu"), (F.silu, "silu"), (lambda x: nn.ELU()(x), "elu"),
])
def test_integer_tensor_into_float_only_op_says_it_needs_a_float(fn, name):
    with raises(NotImplementedError, f"{name}:", "floating-point", "int64", ".float()"):
        fn(nerve.tensor([1, 2, 3]))


# ------------------------------------------------------------------ autograd
def test_grad_with_respect_to_a_tensor_without_requires_grad():
    x = nerve.randn(3, requires_grad=True)
    c = nerve.randn(3)
    with raises(RuntimeError, "does not require grad", "input 1", "requires_grad=True"):
        nerve.autograd.grad((x * c).sum(), [x, c])
    with raises(RuntimeError, "does not require grad", "not a Tensor"):
        nerve.autograd.grad((x * 2).sum(), [x, 3.0])


def test_grad_of_unused_input_still_names_allow_unused():
    x, y = nerve.randn(3, requires_grad=True), nerve.randn(3, requires_grad=True)
    with raises(RuntimeError, "does not appear in the graph", "allow_unused=True"):
        nerve.autograd.grad((x * 2).sum(), y)


# ------------------------------------------------------------------ optimizers
def _params():
    return list(nn.Linear(2, 2).parameters())


@pytest.mark.parametrize("make, fragments", [
    (lambda p: nerve.optim.SGD(p, lr="0.1"), ("SGD: lr must be a number", "str '0.1'", "without quotes")),
    (lambda p: nerve.optim.SGD(p, lr=0.1, momentum="a"), ("SGD: momentum must be a number", "'a'")),
    (lambda p: nerve.optim.Adam(p, betas="ab"), ("Adam: betas must be a tuple of 2 numbers", "str 'ab'")),
    (lambda p: nerve.optim.Adam(p, betas=0.9), ("Adam: betas must be a tuple of 2 numbers", "float 0.9")),
    (lambda p: nerve.optim.Adam(p, eps=None), ("Adam: eps must be a number", "None")),
    (lambda p: nerve.optim.AdamW(p, weight_decay=[0.1]), ("AdamW: weight_decay must be a number", "list")),
    (lambda p: nerve.optim.RMSprop(p, alpha="0.9"), ("RMSprop: alpha must be a number",)),
    (lambda p: nerve.optim.LBFGS(p, max_iter="3"), ("LBFGS: max_iter must be an integer", "'3'")),
    (lambda p: nerve.optim.SGD([{"params": p, "lr": "x"}], lr=0.1), ("SGD: param group 'lr' must be a number",)),
])
def test_optimizer_hyperparameter_of_the_wrong_type(make, fragments):
    with raises(TypeError, *fragments) as info:
        make(_params())
    no_raw(info)


def test_optimizer_hyperparameters_of_the_right_type_still_work():
    p = _params()
    nerve.optim.SGD(p, 0.1, 0.9)                          # positional, as in PyTorch
    nerve.optim.SGD(p, lr=nerve.tensor(0.1))              # a 0-d tensor lr
    nerve.optim.Adam(p, betas=[0.8, 0.9], lr=np.float32(1e-3))
    with raises(ValueError, "Invalid learning rate: -1"):   # the range checks are PyTorch's
        nerve.optim.SGD(p, lr=-1)


# ------------------------------------------------------------------ layers
@pytest.mark.parametrize("make, exc, fragments", [
    (lambda: nn.Linear(-3, 2), ValueError, ("Linear: in_features must be non-negative", "-3")),
    (lambda: nn.Linear(2, 2.5), TypeError, ("Linear: out_features must be an integer", "float 2.5")),
    (lambda: nn.BatchNorm1d(-1), ValueError, ("BatchNorm1d: num_features must be non-negative",)),
    (lambda: nn.LayerNorm((3, -1)), ValueError, ("LayerNorm: normalized_shape[1] must be non-negative",)),
    (lambda: nn.PReLU(0), ValueError, ("PReLU: num_parameters must be >= 1", "got 0")),
])
def test_layer_sizes_are_checked_where_given(make, exc, fragments):
    with raises(exc, *fragments) as info:
        make()
    no_raw(info)


@pytest.mark.parametrize("layer, arg, kind", [
    (nn.Linear(2, 2), 3, "int"), (nn.ReLU(), [1.0, 2.0], "list"),
    (nn.Sequential(nn.Linear(2, 2), nn.Tanh()), "ab", "str"),
    (nn.Linear(2, 2), np.ones((1, 2), np.float32), "ndarray"),
])
def test_layer_called_with_something_that_is_not_a_tensor(layer, arg, kind):
    with raises(TypeError, "must be a Tensor", f"not {kind}", "nerve.tensor(") as info:
        layer(arg)
    no_raw(info)


# ------------------------------------------------------------------ datasets
def test_dataset_index_out_of_range_names_the_dataset_and_its_length():
    d = TensorDataset(nerve.randn(4, 2), nerve.arange(4))
    with raises(IndexError, "TensorDataset index 10 is out of range", "4 samples", "-4 to 3") as info:
        d[10]
    no_raw(info)
    with raises(IndexError, "TensorDataset index -5"):
        d[-5]
    assert d[-1][1].item() == 3
    with raises(IndexError, "Subset index 5 is out of range", "2 samples"):
        Subset(d, [0, 1])[5]
    with raises(IndexError, "ConcatDataset of length 8"):
        ConcatDataset([d, d])[9]


def test_seed_must_be_an_integer():
    with raises(TypeError, "manual_seed: seed must be an integer", "str 'a'"):
        nerve.manual_seed("a")
    nerve.manual_seed(-1)       # PyTorch takes negative seeds
    a = nerve.rand(3)
    nerve.manual_seed(-1)
    assert np.array_equal(a.numpy(), nerve.rand(3).numpy())


# ------------------------------------------------------------------ IEEE, no warnings
inf, nan = float("inf"), float("nan")
EDGE = [0.0, -0.0, 1.0, -1.0, inf, -inf, nan, 1e38, 1e-45]


@pytest.fixture
def strict():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def test_ieee_values_without_warnings(strict):
    torch = pytest.importorskip("torch")
    for name in ("log", "sqrt", "rsqrt", "reciprocal", "exp", "log1p", "tan", "acos"):
        x = nerve.tensor(EDGE, requires_grad=True)
        y = getattr(nerve, name)(x)
        y.sum().backward()
        t = torch.tensor(EDGE, requires_grad=True)
        ty = getattr(torch, name)(t)
        ty.sum().backward()
        np.testing.assert_allclose(y.numpy(force=True), ty.detach().numpy(), rtol=1e-6, atol=1e-38, equal_nan=True,
                                   err_msg=name)
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-6, atol=1e-38, equal_nan=True,
                                   err_msg=name)
    a, b = nerve.tensor([1.0, 0.0, inf]), nerve.tensor([0.0, 0.0, inf])
    np.testing.assert_array_equal((a / b).numpy(), [inf, nan, nan])
    np.testing.assert_array_equal((a - b).numpy()[2:], [nan])


def test_no_warnings_on_the_no_grad_and_in_place_paths(strict):
    x = nerve.tensor(EDGE)
    with nerve.no_grad():
        nerve.log(x), x / 0.0, x.exp()
    y = x.clone()
    y /= 0.0
    y.mul_(0.0)
    y.add_(nerve.tensor([inf] * len(EDGE)), alpha=-1)
    x.long(), x.int(), x.to(nerve.int32)          # NaN/inf to integers: unspecified, silent
    i = nerve.zeros(len(EDGE), dtype=nerve.int64)
    i.copy_(x)


def test_empty_reductions_give_nan_silently(strict):
    assert np.isnan(nerve.zeros(0).mean().item())
    assert nerve.zeros(0, 3).mean(0).shape == (3,) and np.isnan(nerve.zeros(0, 3).mean(0).numpy()).all()
    assert np.isnan(nerve.zeros(0).var().item())
    assert np.isnan(nerve.ones(1).std().item())


def test_optimizer_step_on_non_finite_gradients_is_silent(strict):
    for cls in (nerve.optim.SGD, nerve.optim.Adam, nerve.optim.RMSprop, nerve.optim.Adagrad,
                nerve.optim.NAdam, nerve.optim.RAdam, nerve.optim.Adamax, nerve.optim.Adadelta):
        p = nerve.tensor(EDGE, requires_grad=True)
        opt = cls([p], lr=0.1)
        p.grad = nerve.tensor(EDGE)
        opt.step()
        opt.step()
        assert np.isnan(p.numpy(force=True)).any(), cls.__name__   # NaN in, NaN out: nothing hidden


def test_clip_grad_norm_of_huge_gradients_is_silent(strict):
    p = nerve.tensor([3e38, 3e38], requires_grad=True)
    p.grad = nerve.tensor([3e38, 3e38])
    total = nn.utils.clip_grad_norm_([p], 1.0)
    assert total.item() == inf


def test_user_numpy_keeps_its_own_warnings():
    """nerve silences NumPy only inside its own work, never globally."""
    nerve.log(nerve.zeros(2))
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        np.log(np.zeros(2))


def test_training_data_cardinality_names_sample_weight():
    from nerve.training.data import num_samples
    with raises(ValueError, "sample_weight has 7 entries", "x and y have 10 samples"):
        num_samples(np.ones((10, 2)), np.ones(10), np.ones(7))
    with raises(ValueError, "x has 10 samples but y has 9"):
        num_samples(np.ones((10, 2)), np.ones(9))
    assert num_samples(np.ones((10, 2)), np.ones(10), np.ones(10)) == 10


def test_shape_arguments_must_be_integers():
    with raises(TypeError, "tuple of ints", "float at pos 0", "2.5"):
        nerve.ones(6).reshape(2.5, 2)
    with raises(TypeError, "str at pos 1"):
        nerve.ones(6).view(2, "3")
    assert nerve.ones(6).reshape(nerve.tensor(2), np.int64(3)).shape == (2, 3)


def test_optimizer_params_and_closure_of_the_wrong_kind():
    with raises(TypeError, "iterable of Tensors or dicts", "NoneType", "model.parameters()"):
        nerve.optim.SGD(None, lr=0.1)
    opt = nerve.optim.SGD([nerve.randn(2, requires_grad=True)], lr=0.1)
    with raises(TypeError, "SGD.step(closure)", "callable", "str"):
        opt.step(closure="a")


def test_std_of_an_empty_slice_backward_is_silent(strict):
    x = nerve.randn(4, 1, requires_grad=True)
    y = x[2:2, ..., 0:0].std(1)
    y.sum().backward()
    assert x.grad.shape == (4, 1) and not x.grad.numpy().any()
