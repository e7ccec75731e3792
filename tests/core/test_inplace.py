"""In-place semantics as in PyTorch: same storage, recorded when grad is on, and
version checks that refuse a backward through an overwritten saved value."""
import numpy as np
import pytest

import nerve

torch = pytest.importorskip("torch")


def both(fn, *arrays, requires_grad=True):
    """Run ``fn(lib, *tensors)`` in nerve and torch; return (nerve result, torch result, leaves)."""
    outs = []
    for lib in (nerve, torch):
        ts = [lib.tensor(np.asarray(a, dtype=np.float32), requires_grad=requires_grad) for a in arrays]
        outs.append((fn(lib, *ts), ts))
    return outs


def compare_grads(fn, *arrays):
    (n_out, n_in), (t_out, t_in) = both(fn, *arrays)
    n_out.sum().backward()
    t_out.sum().backward()
    np.testing.assert_allclose(n_out.detach().numpy(), t_out.detach().numpy(), rtol=1e-6)
    for a, b in zip(n_in, t_in):
        if b.grad is None:
            assert a.grad is None
        else:
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-6, atol=1e-7)


X = [[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]]
Y = [[2.0, 1.0, -1.0], [3.0, 0.5, 2.0]]


@pytest.mark.parametrize("name, fn", [
    ("iadd", lambda lib, x, y: _iadd(x * 1, y)),
    ("imul_by_tensor", lambda lib, x, y: _imul(x * 1, y)),
    ("mul_scalar", lambda lib, x, y: (x * 2).mul_(3) * y),
    ("exp_after_add", lambda lib, x, y: (x + 0).add_(y).exp()),
    ("sub_alpha", lambda lib, x, y: (x * 1).sub_(y, alpha=0.5)),
    ("div_", lambda lib, x, y: (x * 1).div_(y)),
    ("relu_view_chain", lambda lib, x, y: (x * y).clamp_(min=0) * x),
    ("setitem_value_grad", lambda lib, x, y: _setitem(x * 1, (0, 1), y[1, 2] * 5)),
    ("setitem_slice", lambda lib, x, y: _setitem(x * 2, (slice(None), 0), y[:, 1])),
    ("setitem_mask", lambda lib, x, y: _setitem(x * 1, x > 0.7, 0.0) * y),
    ("view_inplace_writes_base", lambda lib, x, y: _view_mul(x * 1, y)),
    ("reshape_view_inplace", lambda lib, x, y: _reshape_add(x * 1, y)),
    ("copy_into_graph", lambda lib, x, y: (x * 0 + 1).copy_(y * 2) * x),
    ("zero_on_nonleaf", lambda lib, x, y: (x * y).zero_() + x),
    ("consumer_before_inplace", lambda lib, x, y: _consumer_before(x, y)),
])
def test_inplace_gradients_match_torch(name, fn):
    compare_grads(fn, X, Y)


def _iadd(a, b):
    a += b
    return a * b


def _imul(a, b):
    a *= b
    return a


def _imul_self(a):
    a *= a
    return a


def _setitem(a, idx, v):
    a[idx] = v
    return a


def _view_mul(a, y):
    a[0].mul_(3)                # a[0] is a view: the change (and its gradient) reaches a
    a[1].add_(y[0])
    return a * y


def _reshape_add(a, y):
    v = a.reshape(6)
    v.add_(y.reshape(6) * 3)
    return a


def _consumer_before(x, y):
    a = x * 1
    z = a + y          # Add does not read its inputs: changing a afterwards is fine
    a.mul_(2)
    return z + a


def test_inplace_reading_itself_raises_like_torch():
    for lib in (nerve, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        a = x + 1
        a *= a
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            a.sum().backward()


def test_plus_equals_is_in_place_and_aliases_see_it():
    x = nerve.zeros(3)
    alias = x
    view = x[1:]
    x += 1
    assert x is alias
    assert view.tolist() == [1.0, 1.0]
    y = nerve.ones(2, 2)
    row = y[0]
    row *= 5
    assert y.tolist() == [[5.0, 5.0], [1.0, 1.0]]


def test_manual_sgd_step_keeps_the_leaf():
    w = nerve.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    w_id = id(w)
    with nerve.no_grad():
        w -= 0.1 * w.grad
    assert id(w) == w_id and w.requires_grad and w.is_leaf
    np.testing.assert_allclose(w.detach().numpy(), [0.8, 1.6])


def test_inplace_on_leaf_requiring_grad_raises():
    w = nerve.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        w.add_(1)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        w += 1


@pytest.mark.parametrize("modify", [
    lambda t: t.add_(1),
    lambda t: t.mul_(2),
    lambda t: t.__setitem__(0, 5.0),
    lambda t: t.copy_(nerve.zeros(3)),
    lambda t: t.zero_(),
])
def test_modified_saved_tensor_raises_like_torch(modify):
    x = nerve.tensor([1.0, 2.0, 3.0], requires_grad=True)
    a = x * 1
    y = (a * a).sum()            # Mul saved a
    with nerve.no_grad():
        modify(a)
    with pytest.raises(RuntimeError, match="modified by an inplace operation.*shape \\(3,\\)"):
        y.backward()
    # torch agrees that this is an error
    xt = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    at = xt * 1
    yt = (at * at).sum()
    with torch.no_grad():
        at.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        yt.backward()


def test_modified_saved_output_raises():
    x = nerve.tensor([0.5, 1.0], requires_grad=True)
    y = x.exp()
    z = y.sum()
    y.add_(1)                     # exp saved its output; recorded in place on a non-leaf
    with pytest.raises(RuntimeError, match="modified by an inplace operation.*output 0"):
        z.backward()


def test_optimizer_step_between_forward_and_backward_raises_like_torch():
    # the classic GAN mistake: a step changes weights a pending graph saved
    lin = nerve.nn.Linear(3, 1)
    opt = nerve.optim.SGD(lin.parameters(), lr=0.1)
    x = nerve.randn(4, 3, requires_grad=True)
    loss1 = lin(x).sum()
    loss1.backward(retain_graph=True)
    opt.step()
    loss2 = (lin(x) * 1).sum()          # recorded after the step: fine
    loss2.backward()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss1.backward()                # saved the weight before the step: PyTorch raises too


def test_unrelated_writes_do_not_raise():
    x = nerve.tensor([1.0, 2.0], requires_grad=True)
    other = nerve.zeros(5)
    y = (x * x).sum()
    other.add_(1)
    other[2] = 7
    y.backward()
    assert x.grad.tolist() == [2.0, 4.0]


def test_data_is_a_detached_tensor_sharing_storage():
    w = nerve.tensor([1.0, 2.0], requires_grad=True)
    d = w.data
    assert isinstance(d, nerve.Tensor) and not d.requires_grad
    d.add_(1)
    assert w.detach().tolist() == [2.0, 3.0]
    w.data.copy_(nerve.tensor([5.0, 6.0]))
    assert w.tolist() == [5.0, 6.0] and w.data.numpy().tolist() == [5.0, 6.0]
    assert w.data[0].item() == 5.0
    w.data = nerve.tensor([7.0, 8.0, 9.0]).data
    assert w.shape == (3,) and w.requires_grad
    # changes through .data are not seen by the version checks (PyTorch's documented behaviour)
    y = (w * w).sum()
    w.data.mul_(0)
    y.backward()


def test_version_counter_counts_writes():
    t = nerve.zeros(3)
    v0 = t._version
    t.add_(1)
    t[0] = 2
    assert t._version == v0 + 2


def test_intermediate_inplace_keeps_earlier_consumers_on_the_old_value():
    x = nerve.tensor([1.0, 2.0], requires_grad=True)
    a = x * 3
    b = a * 1           # consumes a before the change
    a.mul_(10)          # b's graph must still reach x through the old a (x*3)
    (b + a).sum().backward()
    assert x.grad.tolist() == [33.0, 33.0]


def test_result_type_that_cannot_be_cast_raises():
    t = nerve.tensor([1, 2])
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        t.add_(1.5)
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        nerve.zeros(3).add_(nerve.ones(2, 3))


# ------------------------------------------------- views of tensors that do not require grad
def _grads_of(lib, fn, n_inputs=2):
    ws = [lib.tensor(np.linspace(-1.0, 1.5, 3).astype(np.float32) * (i + 1), requires_grad=True)
          for i in range(n_inputs)]
    outs, flags = fn(lib, *ws)
    sum(o.sum() for o in outs).backward()
    return ([o.detach().numpy().copy() for o in outs],
            [None if w.grad is None else w.grad.numpy().copy() for w in ws], flags)


def _base_gains_grad(lib, w1, w2):
    b = lib.arange(3.0)
    v = b[0:2]                     # made while b did not require grad
    t = b.reshape(3, 1).t()        # a view of a view
    b.mul_(w1)
    b.add_(w2 * 3)                 # a second change reaches the views too
    return [v * lib.tensor([1.0, 5.0]), t * 2], [b.requires_grad, v.requires_grad, t.requires_grad, b.is_leaf]


def _view_gains_grad(lib, w1, w2):
    c = lib.arange(6.0)
    m = c.reshape(2, 3)
    mt = m.t()
    s = c[1:4]                     # a sibling view
    mt.mul_(w1.reshape(3, 1))      # written through m to c
    return [c * 2, m ** 2, s * 3], [c.requires_grad, m.requires_grad, s.requires_grad]


def _copy_into_view(lib, w1, w2):
    d = lib.zeros(4, 3)
    rows = [d[i] for i in range(4)]
    d[1:3] = w2 * 2
    rows[0].grad_fn     # torch refreshes a view's history lazily; unread, its copy_ would raise
    rows[0].copy_(w1)
    return [r * (i + 1) for i, r in enumerate(rows)] + [d], [all(r.requires_grad for r in rows), d.requires_grad]


def _exp_view_add(lib, w1, w2):
    e = lib.tensor([0, 2, -3], dtype=lib.int32).exp()      # float, no grad
    v = e[None, :]
    v.add_(w1.mean())
    return [v, e], [e.requires_grad, v.requires_grad]


@pytest.mark.parametrize("fn", [_base_gains_grad, _view_gains_grad, _copy_into_view, _exp_view_add])
def test_views_of_tensors_without_grad_follow_inplace_gradients_like_torch(fn):
    n_out, n_grads, n_flags = _grads_of(nerve, fn)
    t_out, t_grads, t_flags = _grads_of(torch, fn)
    assert n_flags == t_flags
    for a, b in zip(n_out + n_grads, t_out + t_grads):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_a_tensor_that_gained_grad_in_place_gets_no_grad_of_its_own():
    for lib in (nerve, torch):
        w = lib.tensor([1.0, 1.0, 2.0], requires_grad=True)
        w2 = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        b = lib.zeros(3)
        y = b + w2                # used b before it required grad
        b.mul_(w)
        (y.sum() + b.sum()).backward()
        assert b.grad is None
        assert w2.grad.tolist() == [1.0, 1.0, 1.0]


def test_views_of_tensors_without_grad_are_registered_weakly():
    import gc
    import weakref
    from nerve.ops import _util
    base = nerve.randn(4, 5)
    alive = weakref.ref(base)
    base.reshape(20), base[1:], base.t()          # views that die at once
    del base
    gc.collect()
    assert alive() is None                        # the registry keeps neither views nor bases
    for _ in range(2 * _util._prune_at[0]):
        nerve.zeros(3).reshape(3)
    assert len(_util.NOGRAD_VIEWS) < _util._prune_at[0]      # dead entries are pruned
    x = nerve.randn(4, 5)
    with nerve.no_grad():
        n = len(_util.NOGRAD_VIEWS)
        x.reshape(20)
        assert len(_util.NOGRAD_VIEWS) == n       # no view bookkeeping without grad mode


# ------------------------------------------------------------------ std / var edge cases
@pytest.mark.parametrize("shape, dim, correction", [
    ((1,), None, 1), ((2,), None, 3), ((2, 3), 1, 3), ((2, 3), 1, 4), ((3, 1, 2), 0, 1), ((2, 3), (0, 1), 0),
])
def test_var_std_degenerate_sizes_match_torch(shape, dim, correction):
    a = np.arange(np.prod(shape), dtype=np.float32).reshape(shape) * 0.7 - 1.0
    for name in ("var", "std"):
        res = []
        for lib in (nerve, torch):
            x = lib.tensor(a, requires_grad=True)
            y = getattr(x, name)(correction=correction) if dim is None else getattr(x, name)(dim, correction=correction)
            y.sum().backward()
            res.append((y.detach().numpy(), x.grad.numpy()))
        np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-5)
        np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-5)


def test_std_gradient_with_infinite_upstream_is_signed_inf_like_torch():
    a = np.array([[[-0.51], [0.40]], [[1.81], [-0.46]], [[-1.11], [0.77]]], dtype=np.float64)
    res = []
    for lib in (nerve, torch):
        x = lib.tensor(a, requires_grad=True)
        s = x.std(0)                              # (2, 1)
        y = (x.clamp(-0.4, 0.9) + s) / (x > 10)   # division by False: infinite gradient
        y.sum().backward()
        res.append(x.grad.numpy())
    np.testing.assert_array_equal(res[0], res[1])     # +-inf where torch has them, not NaN


def test_std_of_a_constant_slice_is_exactly_zero():
    v = nerve.tensor([0.6849] * 3, requires_grad=True)
    s = (v * 1.7).std()
    assert s.item() == 0.0
    s.backward()
    assert v.grad.tolist() == [0.0, 0.0, 0.0]


# ------------------------------------------------------------------ setitem edge cases
def _expanded(lib):
    w = lib.tensor([[1.0, 2.0]], requires_grad=True)
    return w, (w * 1).expand(3, 2)


def test_setitem_of_one_element_of_an_expanded_view_writes_its_memory():
    res = []
    for lib in (nerve, torch):
        w, e = _expanded(lib)
        v = lib.tensor(3.0, requires_grad=True)
        e[1, 0] = v * 2
        (e * lib.arange(6.0).reshape(3, 2)).sum().backward()
        res.append((e.detach().numpy().copy(), w.grad.numpy(), v.grad.numpy()))
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b)


@pytest.mark.parametrize("write", [
    lambda lib, e: e.fill_(3.0),
    lambda lib, e: e.masked_fill_(lib.tensor([[True, False], [False, False], [False, False]]), 3.0),
    lambda lib, e: e.__setitem__((lib.tensor([1, 2]), 0), 3.0),
])
def test_writes_into_shared_elements_of_an_expanded_view_refuse_backward_like_torch(write):
    for lib in (nerve, torch):
        w, e = _expanded(lib)
        write(lib, e)
        assert e[0, 0].item() == 3.0
        with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
            e.sum().backward()


def test_masked_fill_of_an_expanded_tensor_writes_only_the_masked_memory():
    for lib in (nerve, torch):
        x = lib.tensor([[1.0, 2.0]])
        e = x.expand(3, 2)
        e.masked_fill_(lib.tensor([[True, False], [False, False], [False, False]]), 3.0)
        assert x.tolist() == [[3.0, 2.0]]


def test_setitem_into_overlapping_region_or_from_overlapping_value_raises_like_torch():
    for lib in (nerve, torch):
        e = lib.zeros(1).expand(2)
        e[0] = 1.0                                   # one element: fine
        with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
            e[:] = lib.tensor(2.0)
        a = lib.arange(4.0)
        a[0:2] = a[2:4]                              # disjoint: fine
        a[0] = a[3]
        with pytest.raises(RuntimeError, match="some elements of the input tensor and the written-to tensor"):
            a[0:2] = a[1:3]
        with pytest.raises(RuntimeError, match="some elements of the input tensor and the written-to tensor"):
            a[lib.tensor([0, 1])] = a[2:4]
        a[a > 1] = a[3]                              # one mask and one value: a masked_fill_


def test_empty_selection_ignores_out_of_range_indices_like_torch():
    for lib in (nerve, torch):
        x = lib.zeros(3, 4, 3, requires_grad=True)
        y = x * 1
        assert tuple(y[..., 3:3, lib.tensor([3, 3, 2])].shape) == (3, 0, 3)
        y[..., 3:3, lib.tensor([3, 3, 2])] = 1.0
        y.sum().backward()
        with pytest.raises(IndexError):
            y[0:1, lib.tensor([5])]


def test_ellipsis_standing_for_no_dim_keeps_advanced_indices_adjacent():
    x = np.arange(24.0).reshape(2, 3, 4)
    for idx in [(slice(None), [0, 1], ..., [1, 2]), ([0, 1], ..., 1, [0, 0]), ([0, 1], ..., [1, 2])]:
        a = torch.tensor(x)[tuple(torch.tensor(i) if isinstance(i, list) else i for i in idx)]
        b = nerve.tensor(x)[tuple(nerve.tensor(i) if isinstance(i, list) else i for i in idx)]
        np.testing.assert_array_equal(b.numpy(), a.numpy())


def test_copy_from_itself_is_a_no_op_even_when_expanded():
    for lib in (nerve, torch):
        e = lib.zeros(1, 3).expand(2, 3)
        assert e.copy_(e) is e
        w = lib.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError, match="leaf Variable"):
            w.copy_(w)
        v = w[0:1]
        with pytest.raises(RuntimeError, match="leaf Variable"):
            v.copy_(v)


# ------------------------------------------------------------------ new in-place methods
_IX = np.array([[1, 0, 1]])
_INPLACE = {
    "exp_": lambda lib, a, b: a.exp_(), "log_": lambda lib, a, b: a.abs_().log_(),
    "sqrt_": lambda lib, a, b: a.abs_().sqrt_(), "sin_": lambda lib, a, b: a.sin_(),
    "cos_": lambda lib, a, b: a.cos_(), "tanh_": lambda lib, a, b: a.tanh_(),
    "sigmoid_": lambda lib, a, b: a.sigmoid_(), "relu_": lambda lib, a, b: a.relu_(),
    "abs_": lambda lib, a, b: a.abs_(), "neg_": lambda lib, a, b: a.neg_(),
    "reciprocal_": lambda lib, a, b: a.reciprocal_(), "floor_": lambda lib, a, b: a.floor_(),
    "ceil_": lambda lib, a, b: a.ceil_(), "round_": lambda lib, a, b: a.round_(),
    "trunc_": lambda lib, a, b: a.trunc_(), "sign_": lambda lib, a, b: a.sign_(),
    "square_": lambda lib, a, b: a.square_(), "log1p_": lambda lib, a, b: a.abs_().log1p_(),
    "expm1_": lambda lib, a, b: a.expm1_(), "nan_to_num_": lambda lib, a, b: a.log_().nan_to_num_(nan=1.5),
    "clamp_min_": lambda lib, a, b: a.clamp_min_(0.1), "clamp_max_": lambda lib, a, b: a.clamp_max_(b),
    "clamp_": lambda lib, a, b: a.clamp_(min=b),
    "fmod_": lambda lib, a, b: a.fmod_(b), "remainder_": lambda lib, a, b: a.remainder_(b),
    "lerp_": lambda lib, a, b: a.lerp_(b, 0.3), "lerp_tensor": lambda lib, a, b: a.lerp_(b, b.sigmoid()),
    "addcmul_": lambda lib, a, b: a.addcmul_(b, b * 2, value=0.5),
    "addcdiv_": lambda lib, a, b: a.addcdiv_(b, b.abs() + 1, value=2),
    "scatter_": lambda lib, a, b: a.scatter_(0, lib.tensor(_IX), b[:1]),
    "scatter_value": lambda lib, a, b: a.scatter_(0, lib.tensor(_IX), 2.5),
    "scatter_add_": lambda lib, a, b: a.scatter_add_(0, lib.tensor(_IX), b[:1]),
    "scatter_reduce_": lambda lib, a, b: a.scatter_reduce_(0, lib.tensor(_IX), b, "amax"),
    "index_add_": lambda lib, a, b: a.index_add_(0, lib.tensor([1, 0]), b, alpha=2),
    "index_copy_": lambda lib, a, b: a.index_copy_(0, lib.tensor([1, 0]), b),
    "index_put_": lambda lib, a, b: a.index_put_((lib.tensor([1, 0]), lib.tensor([2, 0])), b[0, :2]),
    "index_put_accumulate": lambda lib, a, b: a.index_put_((lib.tensor([1, 1]),), b, accumulate=True),
    "masked_scatter_": lambda lib, a, b: a.masked_scatter_(lib.tensor(np.array(X) > 0), b),
    "masked_fill_tensor": lambda lib, a, b: a.masked_fill_(lib.tensor(np.array(X) > 0), b.sum()),
}


def _run_inplace(lib, fn):
    x = lib.tensor(X, requires_grad=True)
    y = lib.tensor(Y, requires_grad=True)
    a = x * 1
    row, t = a[0], a.t()                 # views made before the change must see it
    out = fn(lib, a, y)
    assert out is a
    w = lib.tensor(np.arange(6.0, dtype=np.float32).reshape(2, 3))
    ((out * w).sum() + (t ** 2).sum() + row.sum()).backward()
    return [out.detach().numpy().copy(), row.detach().numpy().copy(), x.grad.numpy(),
            None if y.grad is None else y.grad.numpy()]


@pytest.mark.parametrize("name", list(_INPLACE))
def test_inplace_methods_match_torch_in_values_aliases_and_gradients(name):
    got, want = _run_inplace(nerve, _INPLACE[name]), _run_inplace(torch, _INPLACE[name])
    for a, b in zip(got, want):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["exp_", "sigmoid_", "lerp_", "addcmul_", "index_add_", "scatter_value"])
def test_inplace_methods_without_grad_write_the_storage(name):
    for lib in (nerve, torch):
        a = lib.tensor(X)
        alias = a[1]
        with (nerve.no_grad() if lib is nerve else torch.no_grad()):
            _INPLACE[name](lib, a, lib.tensor(Y))
        expected = _INPLACE[name](lib, lib.tensor(X), lib.tensor(Y))
        np.testing.assert_allclose(alias.numpy(), expected[1].numpy(), rtol=1e-6)


def test_inplace_methods_refuse_what_torch_refuses():
    for lib in (nerve, torch):
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            lib.tensor(X, requires_grad=True).exp_()
        with pytest.raises(RuntimeError, match="can't be cast to the desired output type"):
            lib.tensor([1, 2]).sqrt_()
        a = lib.arange(6.0).reshape(2, 3)
        with pytest.raises(RuntimeError, match="refer to a single memory location"):
            a.index_add_(0, lib.tensor([0, 1]), a)          # even an exact alias
        with pytest.raises(RuntimeError, match="refer to a single memory location"):
            a.scatter_(0, lib.tensor([[1, 0, 1]]), a[1:])
        with pytest.raises(RuntimeError, match="Integer division with addcdiv"):
            lib.addcdiv(lib.zeros(2), lib.tensor([1, 2]), lib.tensor([3, 4]))


def test_an_inplace_op_reading_its_own_operand_raises_at_backward_like_torch():
    for lib in (nerve, torch):
        a = lib.tensor(X, requires_grad=True) * 1
        a.addcmul_(a, a)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            a.sum().backward()


@pytest.mark.parametrize("fn", [
    lambda lib, a, b, c: lib.addcmul(a, b, c, value=0.5), lambda lib, a, b, c: lib.addcdiv(a, b, c.abs() + 1),
    lambda lib, a, b, c: a.addcmul(b, c), lambda lib, a, b, c: lib.clamp_min(a, b),
    lambda lib, a, b, c: a.clamp_max(c), lambda lib, a, b, c: lib.clamp_min(a, 0.25),
])
def test_addcmul_addcdiv_clamp_min_max_match_torch(fn):
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal(s).astype(np.float32) for s in ((2, 3), (3,), (2, 1))]
    res = []
    for lib in (nerve, torch):
        ts = [lib.tensor(a, requires_grad=True) for a in arrays]
        out = fn(lib, *ts)
        out.sum().backward()
        res.append([out.detach().numpy()] + [t.grad.numpy() if t.grad is not None else None for t in ts])
    for a, b in zip(*res):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_clamp_with_a_nan_bound_gives_nan_and_no_gradient_like_torch():
    res = []
    for lib in (nerve, torch):
        x = lib.tensor([1.0, float("nan"), 0.2, 0.7], requires_grad=True)
        lo = lib.tensor([float("nan"), 0.5, 0.5, 0.5], requires_grad=True)
        y = lib.clamp(x, min=lo, max=lib.tensor(0.6))
        y.sum().backward()
        res.append((y.detach().numpy(), x.grad.numpy(), lo.grad.numpy()))
    for a, b in zip(*res):
        np.testing.assert_array_equal(a, b)


def test_comparisons_promote_like_torch():
    for lib in (nerve, torch):
        a = lib.tensor([0.0911889266518493], dtype=lib.float32)
        b = lib.tensor(0.0911889266518493, dtype=lib.float64)
        assert (a > b).tolist() == [False] and (a == b).tolist() == [True]


def test_index_select_of_a_scalar():
    for lib in (nerve, torch):
        assert lib.tensor(5.0).index_select(0, lib.tensor([0])).item() == 5.0
        with pytest.raises(RuntimeError, match="can have only 1 value"):
            lib.tensor(5.0).index_select(0, lib.tensor([0, 0]))


# ------------------------------------------------------------------ inplace=True activations
import nerve.nn.functional as NF  # noqa: E402
import torch.nn.functional as TF  # noqa: E402

_ACTS = {
    "relu": lambda F, x: F.relu(x, inplace=True), "leaky_relu": lambda F, x: F.leaky_relu(x, 0.2, inplace=True),
    "elu": lambda F, x: F.elu(x, 0.7, inplace=True), "silu": lambda F, x: F.silu(x, inplace=True),
    "hardtanh": lambda F, x: F.hardtanh(x, -1.0, 2.0, inplace=True), "relu6": lambda F, x: F.relu6(x, inplace=True),
    "celu": lambda F, x: F.celu(x, 0.5, inplace=True), "selu": lambda F, x: F.selu(x, inplace=True),
    "mish": lambda F, x: F.mish(x, inplace=True), "hardsigmoid": lambda F, x: F.hardsigmoid(x, inplace=True),
    "hardswish": lambda F, x: F.hardswish(x, inplace=True),
    "threshold": lambda F, x: F.threshold(x, 0.2, 5.0, inplace=True), "rrelu": lambda F, x: F.rrelu(x, inplace=True),
    "relu_": lambda F, x: F.relu_(x), "elu_": lambda F, x: F.elu_(x), "leaky_relu_": lambda F, x: F.leaky_relu_(x, 0.1),
}


@pytest.mark.parametrize("name", list(_ACTS))
def test_inplace_activations_write_the_input_and_keep_the_gradient(name):
    a = np.array([[-2.5, -0.4, 0.0], [0.3, 1.7, 7.0]], np.float32)
    res = []
    for lib, F in ((nerve, NF), (torch, TF)):
        x = lib.tensor(a, requires_grad=True)
        h = x * 1.5
        row = h[1]
        y = _ACTS[name](F, h)
        assert y is h
        (y * lib.tensor(np.arange(6.0, dtype=np.float32).reshape(2, 3))).sum().backward()
        res.append((h.detach().numpy().copy(), row.detach().numpy().copy(), x.grad.numpy()))
    for got, want in zip(*res):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_inplace_activation_on_a_leaf_that_requires_grad_raises_like_torch():
    for lib, F in ((nerve, NF), (torch, TF)):
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            F.relu(lib.ones(2, requires_grad=True), inplace=True)


def test_relu_inplace_module_in_a_network_trains_like_torch():
    rng = np.random.default_rng(0)
    w1, w2 = rng.standard_normal((4, 3)).astype(np.float32), rng.standard_normal((2, 4)).astype(np.float32)
    xb = rng.standard_normal((5, 3)).astype(np.float32)
    grads = []
    for lib in (nerve, torch):
        net = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.ReLU(inplace=True), lib.nn.Linear(4, 2),
                                lib.nn.Dropout(0.0, inplace=True))
        with (nerve.no_grad() if lib is nerve else torch.no_grad()):
            net[0].weight.copy_(lib.tensor(w1))
            net[2].weight.copy_(lib.tensor(w2))
            net[0].bias.zero_()
            net[2].bias.zero_()
        net(lib.tensor(xb)).pow(2).sum().backward()
        grads.append([net[0].weight.grad.numpy(), net[2].weight.grad.numpy()])
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_inplace_on_a_plain_row_of_an_expanded_view_works_like_torch():
    res = []
    for lib in (nerve, torch):
        w = lib.tensor([[0.5, -1.0, 2.0]], requires_grad=True)
        t = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        x = w * 1
        e = x.expand(2, 3)
        e[0].add_(t)                 # e[0] shares no memory within itself: allowed, differentiable
        (e * lib.tensor([[1.0], [10.0]])).sum().backward()
        res.append((x.detach().numpy().copy(), w.grad.numpy(), t.grad.numpy()))
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b)


def test_sigmoid_keeps_its_small_values_like_torch():
    xs = np.array([-10.8, -20.0, -50.0, -104.0, 0.0, 5.0, 20.0], np.float32)
    got, want = nerve.tensor(xs).sigmoid().numpy(), torch.tensor(xs).sigmoid().numpy()
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=0)     # relative, also in the tails
