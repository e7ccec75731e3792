"""One test per PyTorch rule nerve follows where NumPy has another (issue: PyTorch semantics).

Each compares with PyTorch when it is installed; the expected values are also written out,
so the tests still say something without it.
"""
import numpy as np
import pytest

import nerve

try:
    import torch
except ImportError:  # pragma: no cover
    torch = None

inf = float("inf")


def libs():
    return [nerve] + ([torch] if torch is not None else [])


def grad_of(lib, fn, x):
    t = lib.tensor(np.array(x, dtype=np.float32), requires_grad=True)
    fn(lib, t).sum().backward()
    return t.grad.numpy() if lib is torch else t.grad.numpy()


# ---------------------------------------------------------------- gradients at the edges
@pytest.mark.parametrize("name, fn, x, expected", [
    ("relu_then_sqrt", lambda lib, t: t.relu().sqrt(), [-1.0, 0.0, 4.0], [0.0, 0.0, 0.25]),
    ("clamp_then_sqrt", lambda lib, t: t.clamp(min=0).sqrt(), [-1.0, 4.0], [0.0, 0.25]),
    ("maximum_then_sqrt", lambda lib, t: lib.maximum(t, lib.zeros(2)).sqrt(), [-1.0, 4.0], [0.0, 0.25]),
    ("max_then_sqrt", lambda lib, t: t.max().sqrt(), [0.0, -1.0], [inf, 0.0]),
    ("max_dim_then_sqrt", lambda lib, t: t.reshape(1, 2).max(1).values.sqrt(), [0.0, -1.0], [inf, 0.0]),
    ("std_of_constant", lambda lib, t: t.std(), [2.0, 2.0, 2.0], [0.0, 0.0, 0.0]),
    ("var_of_constant", lambda lib, t: t.var(), [2.0, 2.0, 2.0], [0.0, 0.0, 0.0]),
    ("norm_at_zero", lambda lib, t: t.norm(), [0.0, 0.0], [0.0, 0.0]),
    ("sign_in_graph", lambda lib, t: t.sign() * t, [-2.0, 3.0], [-1.0, 1.0]),
    ("round_floor_ceil_trunc_zero_grad", lambda lib, t: t.round() + t.floor() + t.ceil() + t.trunc(),
     [0.3, -1.7], [0.0, 0.0]),
])
def test_edge_gradients_match_torch(name, fn, x, expected):
    got = grad_of(nerve, fn, x)
    np.testing.assert_allclose(got, expected)
    if torch is not None:
        np.testing.assert_allclose(got, grad_of(torch, fn, x))


def test_rounding_ops_stay_in_the_graph():
    x = nerve.tensor([0.4, 1.6], requires_grad=True)
    for op in ("sign", "round", "floor", "ceil", "trunc"):
        y = getattr(x, op)()
        assert y.requires_grad and y.grad_fn is not None, op


def test_masked_fill_sends_gradient_to_a_tensor_value():
    for lib in libs():
        x = lib.tensor([1.0, 5.0, 3.0], requires_grad=True)
        v = lib.tensor(2.0, requires_grad=True)
        x.masked_fill(lib.tensor([True, False, True]), v).sum().backward()
        assert v.grad.item() == 2.0
        assert x.grad.tolist() == [0.0, 1.0, 0.0]


def test_clamp_with_nan_bound_propagates_nan():
    for lib in libs():
        y = lib.tensor([1.0, 5.0]).clamp(min=float("nan"))
        assert np.isnan(y.numpy()).all()


# ---------------------------------------------------------------- reductions and shapes
def test_empty_dim_tuple_means_all_dims_and_repeats_raise():
    x = nerve.ones(2, 3)
    assert x.sum(dim=()).item() == 6.0 and x.sum(dim=[]).item() == 6.0
    assert x.mean(dim=()).item() == 1.0
    with pytest.raises(RuntimeError, match="appears multiple times"):
        x.sum(dim=(0, 0))
    with pytest.raises(RuntimeError, match="appears multiple times"):
        x.sum(dim=(1, -1))


def test_softmax_of_0d_refuses_a_missing_dim():
    assert nerve.tensor(1.0).softmax(0).item() == 1.0
    with pytest.raises(IndexError):
        nerve.tensor(1.0).softmax(1)
    with pytest.raises(IndexError):
        nerve.tensor(1.0).log_softmax(-2)


def test_negative_slice_step_is_refused():
    with pytest.raises(ValueError, match="step must be greater than zero"):
        nerve.ones(3)[::-1]


def test_view_of_non_contiguous_suggests_reshape():
    t = nerve.ones(3, 4).t()
    with pytest.raises(RuntimeError, match="view size is not compatible.*reshape"):
        t.view(12)
    assert t.reshape(12).shape == (12,)
    assert not t.is_contiguous() and t.contiguous().is_contiguous()
    assert nerve.ones(3, 4).t().view(4, 3).shape == (4, 3)     # a compatible view works


def test_flip_with_repeated_dims_raises():
    with pytest.raises(RuntimeError):
        nerve.ones(2, 3).flip(0, 0)


def test_where_needs_a_bool_condition():
    with pytest.raises(RuntimeError, match="boolean"):
        nerve.where(nerve.tensor([1, 0]), nerve.ones(2), nerve.zeros(2))


def test_creation_errors_and_integer_linspace():
    with pytest.raises(TypeError):
        nerve.zeros(2.5)
    with pytest.raises((RuntimeError, TypeError, ValueError)):
        nerve.linspace(0, 1, 5, dtype=nerve.bool)
    got = nerve.linspace(-3, 3, 4, dtype=nerve.int64).tolist()
    assert got == [-3, -1, 1, 3]       # -3, -1, 1, 3 exactly (truncation toward zero)
    assert nerve.linspace(0, 5, 4, dtype=nerve.int64).tolist() == [0, 1, 3, 5]
    if torch is not None:
        assert got == torch.linspace(-3, 3, 4, dtype=torch.int64).tolist()
        assert torch.linspace(0, 5, 4, dtype=torch.int64).tolist() == [0, 1, 3, 5]


def test_bce_refuses_values_outside_unit_interval():
    F = nerve.nn.functional
    with pytest.raises(RuntimeError):
        F.binary_cross_entropy(nerve.tensor([0.5]), nerve.tensor([2.0]))
    with pytest.raises(RuntimeError):
        nerve.nn.BCELoss()(nerve.tensor([1.5]), nerve.tensor([1.0]))


# ---------------------------------------------------------------- integer operators
def test_bitwise_on_integers_logical_on_bool():
    a, b = nerve.tensor([12, 10]), nerve.tensor([10, 6])
    assert (a & b).tolist() == [8, 2] and (a | b).tolist() == [14, 14] and (a ^ b).tolist() == [6, 12]
    assert (~a).tolist() == [-13, -11]
    assert (a << 1).tolist() == [24, 20] and (a >> 2).tolist() == [3, 2]
    assert (3 & a).tolist() == [0, 2] and (7 % a).tolist() == [7, 7]
    m = nerve.tensor([True, False])
    assert (~m).tolist() == [False, True] and (m & nerve.tensor([True, True])).tolist() == [True, False]
    with pytest.raises((RuntimeError, TypeError)):
        nerve.ones(2) & nerve.ones(2)


def test_view_dtype_reinterprets_bytes():
    x = nerve.tensor([1.0, -2.0])
    bits = x.view(nerve.int32)
    assert bits.tolist() == np.array([1.0, -2.0], np.float32).view(np.int32).tolist()
    assert x.view(nerve.uint8).shape == (8,)
    if torch is not None:
        assert bits.tolist() == torch.tensor([1.0, -2.0]).view(torch.int32).tolist()


def test_integer_tensor_with_float_gives_float32_and_scalars_do_not_widen():
    i32 = nerve.tensor([1, 2], dtype=nerve.int32)
    assert (i32 * 2).dtype == nerve.int32
    assert (i32 * 2.5).dtype == nerve.float32
    assert (nerve.ones(2) + nerve.tensor(1.0, dtype=nerve.float64)).dtype == nerve.float32
    assert i32.exp().dtype == nerve.float32 and (i32 ** 0.5).dtype == nerve.float32
    assert (nerve.ones(2, dtype=nerve.float16) * 0.5).dtype == nerve.float16
