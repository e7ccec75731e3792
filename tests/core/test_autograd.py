"""The autograd engine: accumulation, graph lifetime, grad modes, higher order, gradcheck itself."""
import gc
import math
import sys
import weakref

import numpy as np
import pytest

import nerve
from nerve.autograd import GradcheckError, gradcheck, gradgradcheck
from nerve.autograd.function import Op


def f64(*shape, seed=0, requires_grad=True):
    rng = np.random.default_rng(seed)
    return nerve.tensor(rng.standard_normal(shape), requires_grad=requires_grad)


# ------------------------------------------------------------ accumulation
def test_grads_accumulate_across_backward_calls():
    x = nerve.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0, 6.0])
    (x * 3.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [5.0, 7.0, 9.0])


def test_same_leaf_used_twice_in_one_graph_sums_both_paths():
    x = nerve.tensor(2.0, requires_grad=True)
    y = x * x + x.exp() + x
    y.backward()
    assert x.grad.item() == pytest.approx(2 * 2.0 + math.exp(2.0) + 1)


def test_diamond_graph_counts_each_path_once():
    x = nerve.tensor([1.0, -2.0], requires_grad=True)
    a = x * 2
    b = a.exp()
    c = a.sin()
    (b + c).sum().backward()
    expected = 2 * (np.exp(2 * x._data) + np.cos(2 * x._data))
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-6)


def test_retain_graph_allows_second_backward_and_without_it_raises():
    x = nerve.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * x).sum()
    y.backward(retain_graph=True)
    g1 = x.grad.numpy().copy()
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * g1, rtol=1e-6)
    with pytest.raises(RuntimeError, match="backward through the graph a second time.*retain_graph=True"):
        y.backward()


def test_second_backward_through_shared_freed_subgraph_raises():
    x = nerve.tensor([1.0, 2.0], requires_grad=True)
    h = x.exp()
    h.sum().backward()
    with pytest.raises(RuntimeError, match="second time"):
        (h * 2).sum().backward()


def test_backward_on_non_scalar_without_gradient_raises():
    x = nerve.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"scalar outputs.*shape \(2,\)"):
        (x * 2).backward()


def test_backward_with_gradient_of_wrong_shape_raises():
    x = nerve.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"gradient has shape \(3,\).*\(2,\)"):
        (x * 2).backward(nerve.ones(3))


def test_backward_with_explicit_gradient_and_one_element_tensor():
    x = nerve.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).backward(nerve.tensor([1.0, -1.0]))
    np.testing.assert_allclose(x.grad.numpy(), [3.0, -3.0])
    y = nerve.tensor([[2.0]], requires_grad=True)
    (y * 5).backward()        # one element: implicit gradient 1
    assert y.grad.item() == 5.0


def test_backward_on_tensor_without_grad_raises():
    x = nerve.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="does not require grad"):
        (x * 2).sum().backward()


def test_backward_on_leaf_itself():
    x = nerve.tensor(3.0, requires_grad=True)
    x.backward()
    assert x.grad.item() == 1.0


def test_backward_inputs_restricts_accumulation():
    a = nerve.tensor([1.0, 2.0], requires_grad=True)
    b = nerve.tensor([3.0, 4.0], requires_grad=True)
    h = a * b
    (h * h).sum().backward(inputs=[a, h])
    np.testing.assert_allclose(a.grad.numpy(), 2 * (a._data * b._data) * b._data)
    np.testing.assert_allclose(h.grad.numpy(), 2 * h._data)
    assert b.grad is None
    c = nerve.tensor(2.0, requires_grad=True)
    (c * 3).backward(inputs=c)
    assert c.grad.item() == 3.0


def test_multiple_roots_backward():
    x = nerve.tensor([1.0, 2.0], requires_grad=True)
    a, b = (x * 2).sum(), (x * x).sum()
    nerve.autograd.backward([a, b])
    np.testing.assert_allclose(x.grad.numpy(), [4.0, 6.0])


# ------------------------------------------------------------ deep graphs
# (negation keeps the per-op cost, and so these tests, small: about 0.3 s each)
def test_100k_op_chain_backward_with_default_recursion_limit():
    limit = sys.getrecursionlimit()
    x = nerve.tensor([1.5, -2.0], requires_grad=True)
    y = x
    for _ in range(100_001):
        y = -y
    y.backward(nerve.tensor([1.0, 2.0]))
    assert sys.getrecursionlimit() == limit
    np.testing.assert_array_equal(x.grad.numpy(), [-1.0, -2.0])
    np.testing.assert_array_equal(y.detach().numpy(), [-1.5, 2.0])


def test_100k_op_chain_autograd_grad():
    x = nerve.tensor(3.0, dtype=nerve.float64, requires_grad=True)
    y = x * 2.0
    for _ in range(100_000):
        y = -y
    (g,) = nerve.autograd.grad(y, x)
    assert g.item() == 2.0
    assert x.grad is None      # grad() does not touch .grad


def test_100k_op_chain_freed_without_backward():
    x = nerve.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = -y
    ref = weakref.ref(y.grad_fn)
    del y      # deallocating a 100k-deep graph must not overflow the C stack
    gc.collect()
    assert ref() is None


# ------------------------------------------------------------ graph lifetime
def test_graph_is_freed_after_backward():
    x = nerve.randn(4, requires_grad=True)
    h = x.exp()                 # saves its output (weakly) and its input
    y = (h * 2).sum()
    node = y.grad_fn
    ref = weakref.ref(h)
    del h
    assert ref() is not None    # still held by the graph
    y.backward()
    assert node.inputs is None  # inputs dropped by backward
    del y, node
    gc.collect()
    assert ref() is None


@pytest.mark.parametrize("fn", [
    lambda t: t.exp(), lambda t: t.sigmoid(), lambda t: t.tanh(), lambda t: t.sqrt(), lambda t: t.softmax(-1),
    lambda t: t.log_softmax(-1), lambda t: t.prod(-1), lambda t: t ** t,
], ids=["exp", "sigmoid", "tanh", "sqrt", "softmax", "log_softmax", "prod", "pow"])
def test_ops_saving_their_output_work_when_only_the_graph_holds_it(fn):
    # the intermediate fn(x) is referenced by the graph alone; its consumer's backward runs (and
    # frees the consumer) before fn's own backward reads the saved output
    x = nerve.tensor(np.random.default_rng(0).uniform(0.5, 1.5, (2, 3)), requires_grad=True)
    loss = (fn(x) * 2.0).sum()
    gc.collect()
    loss.backward()
    assert x.grad is not None and np.isfinite(x.grad.numpy()).all()
    assert gradcheck(lambda t: (fn(t) * 2.0).sum(), (x.detach().requires_grad_(),))


def test_graph_kept_with_retain_graph():
    x = nerve.randn(4, requires_grad=True)
    y = (x.exp() * 2).sum()
    y.backward(retain_graph=True)
    assert y.grad_fn.inputs is not None


def test_no_graph_kept_under_no_grad():
    x = nerve.randn(4, requires_grad=True)
    with nerve.no_grad():
        y = x.exp() * 2
    assert y.grad_fn is None and not y.requires_grad


# ------------------------------------------------------------ grad modes
def test_no_grad_context_and_decorator():
    x = nerve.ones(2, requires_grad=True)
    with nerve.no_grad():
        assert not nerve.is_grad_enabled()
        assert not (x * 2).requires_grad
    assert nerve.is_grad_enabled()

    @nerve.no_grad()
    def f(t):
        assert not nerve.is_grad_enabled()
        return t * 2
    assert not f(x).requires_grad
    assert nerve.is_grad_enabled()
    assert (x * 2).requires_grad


def test_enable_grad_inside_no_grad():
    x = nerve.ones(2, requires_grad=True)
    with nerve.no_grad():
        with nerve.enable_grad():
            assert (x * 2).requires_grad
        assert not (x * 2).requires_grad

        @nerve.enable_grad()
        def g(t):
            return t * 2
        assert g(x).requires_grad
    assert nerve.is_grad_enabled()


def test_set_grad_enabled_context_call_and_decorator():
    x = nerve.ones(2, requires_grad=True)
    with nerve.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert nerve.is_grad_enabled()
    nerve.set_grad_enabled(False)
    try:
        assert not nerve.is_grad_enabled()
    finally:
        nerve.set_grad_enabled(True)
    assert nerve.is_grad_enabled()

    @nerve.set_grad_enabled(False)
    def f(t):
        return t * 2
    assert nerve.is_grad_enabled()      # building the decorator leaves the mode alone
    assert not f(x).requires_grad
    assert nerve.is_grad_enabled()


def test_grad_mode_restored_after_exception():
    with pytest.raises(ValueError):
        with nerve.no_grad():
            raise ValueError("boom")
    assert nerve.is_grad_enabled()


def test_inference_mode_is_no_grad():
    x = nerve.ones(2, requires_grad=True)
    with nerve.inference_mode():
        assert not (x + 1).requires_grad


def test_detach_cuts_the_graph_and_shares_data():
    x = nerve.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    d = y.detach()
    assert not d.requires_grad and d.grad_fn is None
    assert np.shares_memory(d._data, y._data)
    z = (d * x).sum()
    z.backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])   # d treated as a constant


def test_detach_inplace():
    x = nerve.tensor([1.0], requires_grad=True)
    y = x * 2
    y.detach_()
    assert not y.requires_grad and y.grad_fn is None


def test_requires_grad_on_int_tensor_raises():
    with pytest.raises(RuntimeError, match="floating point.*int64"):
        nerve.tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match="floating point"):
        nerve.arange(3).requires_grad_()


def test_int_and_bool_results_do_not_require_grad():
    x = nerve.randn(3, requires_grad=True)
    assert not (x > 0).requires_grad
    assert not x.argmax().requires_grad
    assert not x.max(0).indices.requires_grad


# ------------------------------------------------------------ higher order
def test_second_derivative_of_cube_is_6x():
    x = nerve.tensor([-1.5, 0.5, 2.0], dtype=nerve.float64, requires_grad=True)
    (g,) = nerve.autograd.grad((x ** 3).sum(), x, create_graph=True)
    np.testing.assert_allclose(g.numpy(force=True), 3 * x._data ** 2)
    (h,) = nerve.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(h.numpy(), 6 * x._data)


def test_second_derivative_of_sin_is_minus_sin():
    x = nerve.tensor([0.3, 1.2, -2.0], dtype=nerve.float64, requires_grad=True)
    y = x.sin().sum()
    y.backward(create_graph=True)
    g = x.grad
    assert g.requires_grad
    np.testing.assert_allclose(g.detach().numpy(), np.cos(x._data))
    x.grad = None
    g.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), -np.sin(x._data))


def test_third_derivative_of_exp():
    x = nerve.tensor(0.7, dtype=nerve.float64, requires_grad=True)
    y = x.exp()
    for _ in range(3):
        (y,) = nerve.autograd.grad(y, x, create_graph=True)
    assert y.item() == pytest.approx(math.exp(0.7))


def test_hessian_vector_product_of_quadratic_form():
    rng = np.random.default_rng(1)
    A = nerve.tensor(rng.standard_normal((4, 4)))
    x = nerve.tensor(rng.standard_normal(4), requires_grad=True, dtype=nerve.float64)
    v = nerve.tensor(rng.standard_normal(4), dtype=nerve.float64)
    A = A.double()
    f = x @ (A @ x)
    (g,) = nerve.autograd.grad(f, x, create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), (A._data + A._data.T) @ x._data, rtol=1e-10)
    (hv,) = nerve.autograd.grad((g * v).sum(), x)
    np.testing.assert_allclose(hv.numpy(), (A._data + A._data.T) @ v._data, rtol=1e-10)


def test_create_graph_gradient_of_gradient_norm():
    # gradient penalty style: d/dw ||d loss/dx||^2
    w = nerve.tensor([0.5, -1.0], dtype=nerve.float64, requires_grad=True)
    x = nerve.tensor([1.0, 2.0], dtype=nerve.float64, requires_grad=True)
    loss = ((w * x) ** 2).sum()                       # dloss/dx = 2 w^2 x
    (gx,) = nerve.autograd.grad(loss, x, create_graph=True)
    pen = (gx ** 2).sum()                             # 4 w^4 x^2
    pen.backward()
    np.testing.assert_allclose(w.grad.numpy(), 16 * w._data ** 3 * x._data ** 2)


# ------------------------------------------------------------ autograd.grad
def test_grad_allow_unused():
    x = nerve.tensor(1.0, requires_grad=True)
    z = nerve.tensor(2.0, requires_grad=True)
    y = x * 3
    with pytest.raises(RuntimeError, match="does not appear in the graph.*allow_unused"):
        nerve.autograd.grad(y, [x, z], retain_graph=True)
    gx, gz = nerve.autograd.grad(y, [x, z], allow_unused=True)
    assert gx.item() == 3.0 and gz is None


def test_grad_of_non_leaf_input_and_grad_outputs():
    x = nerve.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    y = (h ** 2).sum()
    (gh,) = nerve.autograd.grad(y, h, retain_graph=True)
    np.testing.assert_allclose(gh.numpy(), 2 * h._data)
    (gx,) = nerve.autograd.grad(h, x, grad_outputs=nerve.tensor([1.0, 10.0]))
    np.testing.assert_allclose(gx.numpy(), [2.0, 20.0])


def test_grad_requires_output_in_graph():
    x = nerve.tensor(1.0)
    with pytest.raises(RuntimeError, match="does not require grad"):
        nerve.autograd.grad(x * 2, x)


def test_grad_does_not_fill_dot_grad():
    x = nerve.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    h.retain_grad()
    nerve.autograd.grad((h * h).sum(), x)
    assert x.grad is None
    assert h.grad is None


def test_retain_grad_of_non_leaf():
    x = nerve.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    h.retain_grad()
    m = h * h
    y = m.sum()
    y.backward()
    np.testing.assert_allclose(h.grad.numpy(), 2 * h._data)
    assert m.grad is None                  # not retained
    np.testing.assert_allclose(x.grad.numpy(), 18 * x._data)


def test_retained_grads_do_not_alias():
    x = nerve.tensor([1.0, 2.0], requires_grad=True)
    a, b = x * 2, x * 3
    a.retain_grad()
    b.retain_grad()
    (a + b).sum().backward()
    assert not np.shares_memory(a.grad._data, b.grad._data)
    with nerve.no_grad():
        a.grad.mul_(0)
    np.testing.assert_allclose(b.grad.numpy(), [1.0, 1.0])


# ------------------------------------------------------------ leaf gradients
def test_leaf_grads_do_not_alias():
    a = nerve.tensor([1.0, 2.0], requires_grad=True)
    b = nerve.tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward()
    assert a.grad is not b.grad
    assert not np.shares_memory(a.grad._data, b.grad._data)
    a.grad._data[0] = 100.0
    assert b.grad._data[0] == 1.0


def test_leaf_grads_do_not_alias_with_broadcast_and_views():
    a = nerve.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    b = nerve.tensor([[1.0], [2.0]], requires_grad=True)
    c = nerve.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    y = a + b + c
    y.backward(nerve.ones(2, 3))
    grads = [a.grad._data, b.grad._data, c.grad._data]
    for i in range(3):
        for j in range(i + 1, 3):
            assert not np.shares_memory(grads[i], grads[j])
    c.grad._data[...] = 7.0
    np.testing.assert_allclose(a.grad.numpy(), [[2.0, 2.0, 2.0]])
    # a reshape backward hands a view of the upstream gradient to the leaf: it must be copied
    x = nerve.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    g = nerve.tensor([[1.0, 2.0], [3.0, 4.0]])
    x.reshape(2, 2).backward(g)
    assert not np.shares_memory(x.grad._data, g._data)
    x.grad._data[0] = 50.0
    assert g._data[0, 0] == 1.0


def test_leaf_backward_does_not_alias_the_given_gradient():
    x = nerve.tensor([1.0, 2.0], requires_grad=True)
    g = nerve.tensor([5.0, 6.0])
    x.backward(g)
    assert not np.shares_memory(x.grad._data, g._data)
    y = nerve.tensor([1.0, 2.0], requires_grad=True)
    g2 = nerve.tensor([1.0, 1.0])
    (y + 0).backward(g2)
    assert not np.shares_memory(y.grad._data, g2._data)


def test_grad_dtype_matches_parameter_dtype():
    w64 = nerve.randn(3, dtype=nerve.float64, requires_grad=True)
    w32 = nerve.randn(3, requires_grad=True)
    (w64 * w32.double()).sum().backward()
    assert w64.grad.dtype == nerve.float64
    assert w32.grad.dtype == nerve.float32
    h = nerve.randn(3, dtype=nerve.float16, requires_grad=True)
    (h.float() * 2).sum().backward()
    assert h.grad.dtype == nerve.float16


def test_grad_of_scalar_parameter_is_an_array_that_can_be_zeroed():
    w = nerve.tensor(2.0, requires_grad=True)
    x = nerve.tensor(3.0)
    (w * x).backward()
    assert isinstance(w.grad._data, np.ndarray) and w.grad._data.shape == ()
    w.grad.zero_()
    assert w.grad.item() == 0.0


def test_grad_assignable_and_clearable():
    x = nerve.tensor([1.0], requires_grad=True)
    (x * 2).sum().backward()
    x.grad = None
    (x * 2).sum().backward()
    assert x.grad.item() == 2.0


# ------------------------------------------------------------ gradcheck itself
class WrongSquare(Op):
    """x ** 2 with a deliberately wrong backward (x instead of 2x)."""

    def forward(self, x):
        return x * x

    def backward(self, g):
        return g * self.inputs[0]


class RightSquare(Op):
    def forward(self, x):
        return x * x

    def backward(self, g):
        return g * self.inputs[0] * 2.0


def test_custom_function_subclass_is_differentiable():
    x = f64(3)
    assert gradcheck(lambda t: RightSquare()(t), (x,))
    assert gradgradcheck(lambda t: RightSquare()(t), (x,))


def test_gradcheck_detects_wrong_backward():
    x = f64(3)
    with pytest.raises(GradcheckError, match="Jacobian mismatch"):
        gradcheck(lambda t: WrongSquare()(t), (x,))
    assert gradcheck(lambda t: WrongSquare()(t), (x,), raise_exception=False) is False


def test_gradcheck_names_the_input_with_the_wrong_gradient():
    a, b = f64(3, seed=1), f64(3, seed=2)
    with pytest.raises(GradcheckError, match="input 1"):
        gradcheck(lambda p, q: p * 2 + WrongSquare()(q), (a, b))


def test_gradcheck_detects_wrong_second_derivative():
    class ConstSlope(Op):
        def forward(self, x):
            return x * x

        def backward(self, g):   # right value, but 2 * x.detach(): the second derivative is lost
            return g * nerve.tensor(2 * self.inputs[0]._data)
    x = f64(3)
    assert gradcheck(lambda t: ConstSlope()(t), (x,))
    with pytest.raises(GradcheckError):
        gradgradcheck(lambda t: ConstSlope()(t), (x,))


def test_gradcheck_requires_an_input_with_grad():
    with pytest.raises(ValueError, match="requires_grad"):
        gradcheck(lambda t: t * 2, (nerve.randn(2),))


def test_gradcheck_warns_for_float32():
    x = nerve.randn(2, requires_grad=True)
    with pytest.warns(UserWarning, match="float64"):
        gradcheck(lambda t: t * 2, (x,), eps=1e-2, atol=1e-2, rtol=1e-2)


def test_gradcheck_on_non_contiguous_input():
    base = nerve.tensor(np.random.default_rng(0).standard_normal((3, 4)))
    x = base.T.detach().requires_grad_()     # a transposed (non C-contiguous) view
    assert not x._data.flags.c_contiguous
    assert gradcheck(lambda t: (t * t).sum(1), (x,))
