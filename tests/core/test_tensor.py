"""The Tensor API: creation and dtype rules, conversions, repr, comparisons, in-place ops, devices."""
import numpy as np
import pytest

import nerve


@pytest.fixture
def float64_default():
    nerve.set_default_dtype(nerve.float64)
    try:
        yield
    finally:
        nerve.set_default_dtype(nerve.float32)


# ------------------------------------------------------------ creation
@pytest.mark.parametrize("data, dtype", [
    (1.5, nerve.float32), ([1.0, 2.0], nerve.float32), ([1, 2.5], nerve.float32), ([[1.0], [2.0]], nerve.float32),
    (3, nerve.int64), ([1, 2, 3], nerve.int64), (True, nerve.bool), ([True, False], nerve.bool),
    (np.array([1.0, 2.0]), nerve.float64), (np.array([1, 2], dtype=np.int32), nerve.int32),
    (np.float64(2.0), nerve.float64), (np.array([1.0], dtype=np.float16), nerve.float16),
    (np.array([1, 2], dtype=np.uint8), nerve.uint8), ([], nerve.float32),
])
def test_tensor_dtype_rules(data, dtype):
    t = nerve.tensor(data)
    assert t.dtype == dtype
    np.testing.assert_array_equal(t.numpy(), np.asarray(data))


def test_tensor_explicit_dtype_and_default_dtype(float64_default):
    assert nerve.tensor([1, 2], dtype=nerve.float32).dtype == nerve.float32
    assert nerve.tensor([1.0], dtype="float16").dtype == nerve.float16
    assert nerve.tensor(1.0).dtype == nerve.float64          # the default float dtype is now float64
    assert nerve.zeros(2).dtype == nerve.float64
    assert nerve.tensor(1).dtype == nerve.int64


def test_set_default_dtype_rejects_ints():
    with pytest.raises(TypeError, match="floating"):
        nerve.set_default_dtype(nerve.int64)
    assert nerve.get_default_dtype() == nerve.float32


def test_tensor_copies_but_from_numpy_and_as_tensor_share():
    a = np.array([1.0, 2.0])
    t = nerve.tensor(a)
    a[0] = 9.0
    assert t._data[0] == 1.0
    f = nerve.from_numpy(a)
    a[1] = 7.0
    assert f._data[1] == 7.0 and f.dtype == nerve.float64
    f._data[0] = -1.0
    assert a[0] == -1.0
    s = nerve.as_tensor(a)
    assert np.shares_memory(s._data, a)
    t2 = nerve.tensor(t)
    assert not np.shares_memory(t2._data, t._data)
    with pytest.raises(TypeError, match="numpy.ndarray"):
        nerve.from_numpy([1.0, 2.0])


def test_tensor_rejects_non_numeric():
    with pytest.raises(TypeError, match="could not build a tensor"):
        nerve.tensor(["a", "b"])


def test_tensor_unknown_dtype_name():
    with pytest.raises(TypeError, match="unknown dtype 'floaty'"):
        nerve.zeros(2, dtype="floaty")


def test_zeros_ones_full_empty_eye():
    assert nerve.zeros(2, 3).shape == (2, 3) and nerve.zeros((2, 3)).shape == (2, 3)
    assert nerve.zeros([4]).shape == (4,)
    assert nerve.zeros(2).dtype == nerve.float32
    np.testing.assert_array_equal(nerve.ones(2, dtype=nerve.int64).numpy(), [1, 1])
    assert nerve.full((2, 2), 7).dtype == nerve.int64
    assert nerve.full((2,), 1.5).dtype == nerve.float32
    assert nerve.full((2,), True).dtype == nerve.bool
    np.testing.assert_array_equal(nerve.full((2, 2), 3.0).numpy(), np.full((2, 2), 3.0))
    assert nerve.empty(3, 2).shape == (3, 2)
    np.testing.assert_array_equal(nerve.eye(3).numpy(), np.eye(3))
    assert nerve.eye(2, 3).shape == (2, 3)
    z = nerve.zeros(3, requires_grad=True)
    assert z.requires_grad and z.is_leaf
    assert nerve.zeros(0, 3).shape == (0, 3)
    assert nerve.zeros(()).shape == ()


def test_arange_and_linspace():
    a = nerve.arange(5)
    assert a.dtype == nerve.int64 and a.tolist() == [0, 1, 2, 3, 4]
    assert nerve.arange(1, 7, 2).tolist() == [1, 3, 5]
    f = nerve.arange(0, 1, 0.25)
    assert f.dtype == nerve.float32 and f.tolist() == [0.0, 0.25, 0.5, 0.75]
    assert nerve.arange(3, dtype=nerve.float64).dtype == nerve.float64
    ls = nerve.linspace(0, 1, 5)
    assert ls.dtype == nerve.float32
    np.testing.assert_allclose(ls.numpy(), [0, 0.25, 0.5, 0.75, 1.0])


def test_random_creation_shapes_ranges_and_dtypes():
    r = nerve.rand(1000)
    assert r.dtype == nerve.float32 and 0 <= r._data.min() and r._data.max() < 1
    n = nerve.randn(2, 3, dtype=nerve.float64)
    assert n.shape == (2, 3) and n.dtype == nerve.float64
    i = nerve.randint(3, 7, (100,))
    assert i.dtype == nerve.int64 and i._data.min() >= 3 and i._data.max() < 7
    assert nerve.randint(5, size=(2, 2)).shape == (2, 2)
    p = nerve.randperm(6)
    assert sorted(p.tolist()) == list(range(6))
    assert nerve.normal(0.0, 1.0, (3,)).shape == (3,)
    assert nerve.rand(2, requires_grad=True).requires_grad
    assert nerve.randn(2, 2, dtype=nerve.float16).dtype == nerve.float16


def test_like_functions_keep_shape_dtype_device():
    x = nerve.randn(2, 3, dtype=nerve.float64)
    for fn in (nerve.zeros_like, nerve.ones_like, nerve.empty_like, nerve.rand_like, nerve.randn_like):
        y = fn(x)
        assert y.shape == (2, 3) and y.dtype == nerve.float64 and y.device == x.device
    assert nerve.zeros_like(x, dtype=nerve.float32).dtype == nerve.float32
    f = nerve.full_like(x, 2.5)
    assert f.dtype == nerve.float64 and np.all(f.numpy() == 2.5)
    assert nerve.ones_like(nerve.arange(3)).dtype == nerve.int64


def test_manual_seed_reproducibility():
    nerve.manual_seed(123)
    a, b = nerve.randn(5), nerve.rand(3)
    c = nerve.randint(0, 100, (4,))
    nerve.manual_seed(123)
    np.testing.assert_array_equal(nerve.randn(5).numpy(), a.numpy())
    np.testing.assert_array_equal(nerve.rand(3).numpy(), b.numpy())
    np.testing.assert_array_equal(nerve.randint(0, 100, (4,)).numpy(), c.numpy())
    nerve.manual_seed(124)
    assert not np.array_equal(nerve.randn(5).numpy(), a.numpy())


def test_generator_argument_is_independent_of_global_seed():
    g1 = nerve.Generator().manual_seed(7)
    g2 = nerve.Generator().manual_seed(7)
    nerve.manual_seed(0)
    a = nerve.randn(4, generator=g1)
    nerve.randn(10)
    np.testing.assert_array_equal(nerve.randn(4, generator=g2).numpy(), a.numpy())
    assert g1.initial_seed() == 7


# ------------------------------------------------------------ conversions
def test_item_numpy_tolist():
    t = nerve.tensor([[1.0, 2.0]])
    assert t.tolist() == [[1.0, 2.0]]
    assert nerve.tensor([3.5]).item() == 3.5 and isinstance(nerve.tensor([3]).item(), int)
    with pytest.raises(ValueError, match=r"only one-element tensors.*\(1, 2\)"):
        t.item()
    n = t.numpy()
    assert isinstance(n, np.ndarray) and np.shares_memory(n, t._data)
    assert float(nerve.tensor(2.5)) == 2.5 and int(nerve.tensor(3)) == 3
    assert [10, 20, 30][nerve.tensor(1)] == 20


def test_numpy_of_tensor_requiring_grad():
    x = nerve.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"detach\(\)\.numpy\(\)"):
        x.numpy()
    assert x.detach().numpy()[0] == 1.0
    assert x.numpy(force=True)[0] == 1.0
    with nerve.no_grad():
        assert x.numpy()[0] == 1.0


def test_numpy_of_scalar_op_result_is_an_array():
    y = nerve.tensor(2.0).exp()
    assert isinstance(y.numpy(), np.ndarray)
    assert np.asarray(y).shape == ()


def test_bool_of_tensor():
    assert bool(nerve.tensor([1.0]))
    assert not bool(nerve.tensor(0))
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(nerve.tensor([1.0, 2.0]))


def test_shape_helpers():
    x = nerve.zeros(2, 3, 4)
    assert x.shape == (2, 3, 4) and x.size() == (2, 3, 4) and x.size(1) == 3 and x.size(-1) == 4
    assert x.dim() == x.ndim == 3 and x.numel() == 24 and nerve.numel(x) == 24
    assert len(x) == 2 and [t.shape for t in x] == [(3, 4), (3, 4)]
    assert x.element_size() == 4
    assert nerve.is_tensor(x) and not nerve.is_tensor(x._data)
    with pytest.raises(TypeError, match="0-d"):
        len(nerve.tensor(1.0))
    assert x.is_floating_point() and not nerve.arange(2).is_floating_point()
    assert x.is_leaf and x.grad_fn is None and x.grad is None


def test_repr():
    assert repr(nerve.tensor([1.0, 2.0])) == "tensor([1., 2.])"
    assert repr(nerve.tensor([1, 2])) == "tensor([1, 2])"
    assert repr(nerve.tensor(True)) == "tensor(True)"
    assert repr(nerve.tensor([1.0], dtype=nerve.float64)) == "tensor([1.], dtype=nerve.float64)"
    assert repr(nerve.tensor([1.0], requires_grad=True)) == "tensor([1.], requires_grad=True)"
    r = repr(nerve.tensor([1.0], requires_grad=True) * 2)
    assert r.startswith("tensor([2.], grad_fn=<Mul") and r.endswith(">)")
    assert repr(nerve.zeros(0)) == "tensor([], dtype=nerve.float32)"
    assert "size=(0, 3)" in repr(nerve.zeros(0, 3))
    assert "..." in repr(nerve.zeros(2000))
    assert repr(nerve.tensor(2.0).exp()).startswith("tensor(7.389")


def test_hash_and_identity():
    a, b = nerve.tensor([1.0]), nerve.tensor([1.0])
    d = {a: 1, b: 2}
    assert d[a] == 1 and d[b] == 2
    assert a in [a, b]


# ------------------------------------------------------------ comparisons and logic
def test_comparisons_give_bool_tensors_without_grad():
    x = nerve.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = nerve.tensor([3.0, 2.0, 1.0])
    for r, expected in [(x < y, [1, 0, 0]), (x <= y, [1, 1, 0]), (x > y, [0, 0, 1]), (x >= y, [0, 1, 1]),
                        (x == y, [0, 1, 0]), (x != y, [1, 0, 1]), (x > 1.5, [0, 1, 1]), (2 < x, [0, 0, 1]),
                        (x.eq(2.0), [0, 1, 0]), (x.ne(y), [1, 0, 1]), (x.lt(y), [1, 0, 0]), (x.ge(2), [0, 1, 1])]:
        assert r.dtype == nerve.bool and not r.requires_grad and r.grad_fn is None
        np.testing.assert_array_equal(r.numpy(), np.array(expected, dtype=bool))
    b = nerve.tensor([[1.0], [2.0]]) == nerve.tensor([1.0, 2.0, 3.0])
    assert b.shape == (2, 3) and b.sum().item() == 2


def test_logical_ops_and_predicates():
    a, b = nerve.tensor([True, False, True]), nerve.tensor([True, True, False])
    assert (a & b).tolist() == [True, False, False]
    assert (a | b).tolist() == [True, True, True]
    assert (a ^ b).tolist() == [False, True, True]
    assert (~a).tolist() == [False, True, False]
    x = nerve.tensor([1.0, float("nan"), float("inf"), -2.5])
    assert x.isnan().tolist() == [False, True, False, False]
    assert x.isinf().tolist() == [False, False, True, False]
    assert x.isfinite().tolist() == [True, False, False, True]
    assert (x > 0).any().item() and not (x > 0).all().item()
    assert nerve.tensor([[True, False], [True, True]]).all(1).tolist() == [False, True]
    y = nerve.tensor([-1.5, 0.0, 2.5])
    assert y.sign().tolist() == [-1.0, 0.0, 1.0]
    assert y.floor().tolist() == [-2.0, 0.0, 2.0] and y.ceil().tolist() == [-1.0, 0.0, 3.0]
    assert y.round().tolist() == [-2.0, 0.0, 2.0]      # half to even, as PyTorch
    assert (nerve.tensor([7, -7]) // 2).tolist() == [3, -4]
    assert (nerve.tensor([7, -7]) % 3).tolist() == [1, 2]


def test_argmax_argmin():
    x = nerve.tensor([[1.0, 5.0, 5.0], [7.0, 0.0, 7.0]])
    assert x.argmax().item() == 3 and x.argmin().item() == 4
    assert x.argmax(1).tolist() == [1, 0]               # first of the ties
    assert x.argmin(0).tolist() == [0, 1, 0]
    assert x.argmax(-1, keepdim=True).shape == (2, 1)
    assert x.argmax().dtype == nerve.int64 and nerve.argmax(x, 1).dtype == nerve.int64


def test_max_min_dim_namedtuple():
    x = nerve.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    r = x.max(1)
    assert r.values.tolist() == [5.0, 7.0] and r.indices.tolist() == [1, 0]
    v, i = nerve.min(x, dim=0, keepdim=True)
    assert v.shape == (1, 3) and i.tolist() == [[0, 1, 0]]


# ------------------------------------------------------------ type promotion (PyTorch's rules)
@pytest.mark.parametrize("expr, dtype", [
    (lambda: nerve.tensor([1, 2]) * 2.5, nerve.float32),
    (lambda: 2.5 + nerve.tensor([1, 2]), nerve.float32),
    (lambda: nerve.tensor([1, 2]) / nerve.tensor([2, 2]), nerve.float32),
    (lambda: nerve.tensor([1, 2]) / 2, nerve.float32),
    (lambda: nerve.tensor([1, 2]) + 1, nerve.int64),
    (lambda: nerve.tensor([1.0, 2.0]) + 1, nerve.float32),
    (lambda: nerve.tensor([1.0, 2.0]) * 2.5, nerve.float32),
    (lambda: nerve.tensor([1.0], dtype=nerve.float64) * 2.5, nerve.float64),
    (lambda: nerve.tensor([1.0], dtype=nerve.float16) * 2, nerve.float16),
    (lambda: nerve.tensor([True, False]).sum(), nerve.int64),
    (lambda: nerve.tensor([1, 2], dtype=nerve.uint8).sum(), nerve.int64),
    (lambda: nerve.tensor([1, 2], dtype=nerve.int32).sum(), nerve.int64),
    (lambda: nerve.tensor([True, False]) + 1, nerve.int64),
    (lambda: (nerve.tensor([1, 2]) == 1).sum() / 2, nerve.float32),
    (lambda: 2 ** nerve.tensor([1.0, 2.0]), nerve.float32),
])
def test_type_promotion_with_python_scalars(expr, dtype):
    assert expr().dtype == dtype


def test_mean_of_int_tensor_raises():
    with pytest.raises(RuntimeError, match=r"mean\(\).*floating.*\.float\(\)"):
        nerve.arange(4).mean()


def test_one_hot():
    oh = nerve.ops.one_hot(nerve.tensor([0, 2, 1]), 3)
    assert oh.dtype == nerve.int64
    np.testing.assert_array_equal(oh.numpy(), np.eye(3, dtype=np.int64)[[0, 2, 1]])
    with pytest.raises(RuntimeError, match=r"class values must be in \[0, 3\)"):
        nerve.ops.one_hot(nerve.tensor([0, 3]), 3)


# ------------------------------------------------------------ in-place
def test_inplace_ops_under_no_grad_and_error_without():
    w = nerve.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="add_: a leaf Variable that requires grad.*in-place.*no_grad"):
        w.add_(1.0)
    for name, call in [("sub_", lambda: w.sub_(1.0)), ("mul_", lambda: w.mul_(2.0)), ("zero_", w.zero_),
                       ("fill_", lambda: w.fill_(0.0)), ("copy_", lambda: w.copy_(w.detach()))]:
        with pytest.raises(RuntimeError, match=name):
            call()
    with nerve.no_grad():
        w.add_(nerve.tensor([1.0, 1.0]), alpha=2)
        np.testing.assert_array_equal(w.detach().numpy(), [3.0, 4.0])
        w.sub_(1.0).mul_(2.0).div_(4.0)
        np.testing.assert_array_equal(w.detach().numpy(), [1.0, 1.5])
        w.clamp_(min=1.25)
        np.testing.assert_array_equal(w.detach().numpy(), [1.25, 1.5])
        w.fill_(3.0)
        assert w.detach().tolist() == [3.0, 3.0]
        w.copy_(np.array([5.0, 6.0]))
        assert w.detach().tolist() == [5.0, 6.0]
        w.zero_()
        assert w.detach().tolist() == [0.0, 0.0]
    assert w.dtype == nerve.float32 and w.requires_grad


def test_inplace_ops_keep_data_object_and_dtype():
    x = nerve.zeros(3)
    d = x._data
    x.add_(1.5).mul_(2).uniform_(-1, 1).normal_(0, 0.01)
    assert x._data is d and x.dtype == nerve.float32
    assert np.all(np.abs(x.numpy()) < 1)
    u = nerve.zeros(1000).uniform_(2.0, 3.0)
    assert 2.0 <= u._data.min() and u._data.max() < 3.0


def test_inplace_on_scalar_op_result():
    y = nerve.tensor(2.0).exp()          # 0-d result of an op
    y.zero_()
    assert y.item() == 0.0 and y.dtype == nerve.float32
    z = nerve.tensor(1.0) * 2
    z.add_(nerve.tensor(1.0, dtype=nerve.float64))
    assert z.item() == 3.0 and z.dtype == nerve.float32
    s = nerve.tensor(1.0) + 1
    s[...] = 5.0
    assert s.item() == 5.0


def test_copy_shape_mismatch_names_shapes():
    with pytest.raises(RuntimeError, match=r"copy_: source of shape \(3,\).*shape \(2,\)"):
        nerve.zeros(2).copy_(nerve.zeros(3))


def test_setitem():
    x = nerve.zeros(2, 3)
    x[0, 1] = 5.0
    x[1] = nerve.tensor([1.0, 2.0, 3.0])
    x[x > 2.5] = -1.0
    np.testing.assert_array_equal(x.numpy(), [[0, -1, 0], [1, 2, -1]])
    w = nerve.zeros(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"leaf Variable that requires grad.*in-place"):
        w[0] = 1.0
    v = nerve.tensor(2.0, requires_grad=True)
    x[0, 0] = v * 3                    # recorded, as in PyTorch: x joins the graph
    assert x.requires_grad and x.grad_fn is not None and x[0, 0].item() == 6.0
    x.sum().backward()
    assert v.grad.item() == 3.0
    with nerve.no_grad():
        w[0] = 1.0
    assert w.detach().tolist() == [1.0, 0.0]


# ------------------------------------------------------------ dtype conversion
def test_to_dtype_and_shortcuts():
    x = nerve.tensor([1.7, -2.2])
    assert x.to(nerve.float64).dtype == nerve.float64
    assert x.to("float16").dtype == nerve.float16
    assert x.to(dtype=nerve.int64).tolist() == [1, -2]
    assert x.double().dtype == nerve.float64 and x.half().dtype == nerve.float16
    assert x.long().dtype == nerve.int64 and x.int().dtype == nerve.int32
    assert x.bool().tolist() == [True, True]
    assert x.float() is x and x.to(nerve.float32) is x      # no copy when nothing changes
    assert x.type() == "nerve.FloatTensor" and x.type(nerve.float64).dtype == nerve.float64
    assert x.type_as(nerve.zeros(1, dtype=nerve.float64)).dtype == nerve.float64
    assert x.to(nerve.zeros(1, dtype=nerve.float64)).dtype == nerve.float64
    assert x.view(nerve.float64).dtype == nerve.float64


def test_cast_keeps_the_graph_and_int_cast_drops_it():
    x = nerve.tensor([1.5, 2.5], requires_grad=True)
    y = x.double()
    assert y.requires_grad and y.dtype == nerve.float64
    (y * 2).sum().backward()
    assert x.grad.dtype == nerve.float32 and x.grad.tolist() == [2.0, 2.0]
    for i in (x.long(), x.int(), x.bool(), x.to(nerve.uint8)):
        assert not i.requires_grad and i.grad_fn is None
    with pytest.raises(RuntimeError, match="does not require grad"):
        (x.long() * 2).sum().backward()


# ------------------------------------------------------------ devices
def test_device_cpu():
    x = nerve.randn(2)
    assert x.device == nerve.device("cpu") and x.device == "cpu" and str(x.device) == "cpu"
    assert x.device.type == "cpu" and not x.is_cuda
    assert x.to("cpu") is x and x.cpu() is x and x.to(nerve.device("cpu")) is x
    y = x.to("cpu", nerve.float64)
    assert y.dtype == nerve.float64 and y.device == "cpu"
    assert nerve.tensor([1.0], device="cpu").device == "cpu"
    assert nerve.zeros(2, device=nerve.device("cpu")).device == "cpu"
    assert repr(nerve.device("cpu")) == "device(type='cpu')"
    assert nerve.device("cuda:1").index == 1 and nerve.device("cuda:1") != "cpu"
    assert hash(nerve.device("cpu")) == hash(nerve.device("cpu"))
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        nerve.device("tpu")
