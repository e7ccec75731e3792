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
