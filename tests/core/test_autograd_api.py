"""PyTorch's user-facing autograd API: custom Functions (ctx, apply), grad_fn inspection,
tensor hooks, anomaly detection."""
import math

import numpy as np
import pytest

import nerve
from nerve.autograd import Function, gradcheck, gradgradcheck


class Exp(Function):
    @staticmethod
    def forward(ctx, x):
        y = x.exp()
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * y


class ScaledMul(Function):
    """Two tensor inputs and a non-tensor argument; needs_input_grad decides what to compute."""

    @staticmethod
    def forward(ctx, a, b, scale):
        ctx.save_for_backward(a, b)
        ctx.scale = scale
        return a * b * scale

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ga = g * b * ctx.scale if ctx.needs_input_grad[0] else None
        gb = g * a * ctx.scale if ctx.needs_input_grad[1] else None
        return ga, gb, None


class SplitTwo(Function):
    """Two outputs, one of them integer (not differentiable)."""

    @staticmethod
    def forward(ctx, x):
        idx = x.argmax()
        ctx.mark_non_differentiable(idx)
        return x * 2, idx

    @staticmethod
    def backward(ctx, g, g_idx):
        return g * 2


class SinCos(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.sin(), x.cos()

    @staticmethod
    def backward(ctx, gs, gc):
        (x,) = ctx.saved_tensors
        return gs * x.cos() - gc * x.sin()


def f64(*shape, seed=0):
    return nerve.tensor(np.random.default_rng(seed).standard_normal(shape), dtype=nerve.float64,
                        requires_grad=True)


def test_custom_function_forward_backward_and_double_backward():
    x = f64(4)
    y = Exp.apply(x)
    assert y.grad_fn is not None and y.grad_fn.name() == "ExpBackward"
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp(x.detach().numpy()))
    assert gradcheck(lambda t: Exp.apply(t), (f64(3),))
    assert gradgradcheck(lambda t: Exp.apply(t), (f64(3),))   # saved output is the recorded one


def test_custom_function_needs_input_grad_and_non_tensor_args():
    a = f64(3, seed=1)
    b = nerve.tensor(np.arange(3.0), dtype=nerve.float64)
    seen = {}

    class Spy(ScaledMul):
        @staticmethod
        def backward(ctx, g):
            seen["needs"] = ctx.needs_input_grad
            return ScaledMul.backward(ctx, g)

    Spy.apply(a, b, 3.0).sum().backward()
    assert seen["needs"] == (True, False, False)
    np.testing.assert_allclose(a.grad.numpy(), 3.0 * np.arange(3.0))
    assert gradcheck(lambda p, q: ScaledMul.apply(p, q, 0.5), (f64(3, seed=2), f64(3, seed=3)))


def test_custom_function_multiple_outputs():
    x = f64(5)
    s, c = SinCos.apply(x)
    (s * 2 + c).sum().backward()
    xn = x.detach().numpy()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.cos(xn) - np.sin(xn))
    x.grad = None
    s, c = SinCos.apply(x)
    s.sum().backward()                   # an output without gradient gets zeros (materialize_grads)
    np.testing.assert_allclose(x.grad.numpy(), np.cos(xn))
    assert gradcheck(lambda t: SinCos.apply(t), (f64(3),))


def test_custom_function_non_differentiable_output():
    x = f64(4)
    y, idx = SplitTwo.apply(x)
    assert not idx.requires_grad and idx.dtype == nerve.int64
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2.0)


def test_custom_function_without_grad_returns_plain_result():
    x = nerve.tensor([1.0, 2.0])
    y = Exp.apply(x)
    assert not y.requires_grad and y.grad_fn is None
    with nerve.no_grad():
        assert Exp.apply(f64(2)).grad_fn is None


def test_custom_function_wrong_gradient_shape_raises():
    class Bad(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return nerve.ones(7)

    x = nerve.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="invalid gradient at index 0.*\\[7\\].*\\[3\\]"):
        Bad.apply(x).sum().backward()
    with pytest.raises(RuntimeError, match="apply"):
        Bad()


def test_custom_function_matches_torch_legendre():
    torch = pytest.importorskip("torch")
    for lib in (nerve, torch):
        class P3(lib.autograd.Function):
            @staticmethod
            def forward(ctx, input):
                ctx.save_for_backward(input)
                return 0.5 * (5 * input ** 3 - 3 * input)

            @staticmethod
            def backward(ctx, grad_output):
                input, = ctx.saved_tensors
                return grad_output * 1.5 * (5 * input ** 2 - 1)
        x = lib.tensor([0.3, -0.7, 1.2], requires_grad=True)
        P3.apply(x).sum().backward()
        if lib is nerve:
            ours = x.grad.numpy()
        else:
            np.testing.assert_allclose(ours, x.grad.numpy(), rtol=1e-6)


def test_grad_fn_graph_inspection():
    w = nerve.ones(3, requires_grad=True)
    x = nerve.ones(3)
    y = (w * x).sum()
    assert y.grad_fn.name() == "SumBackward0"
    (mul, _), = y.grad_fn.next_functions
    assert mul.name() == "MulBackward0"
    names = [n.name() if n is not None else None for n, _ in mul.next_functions]
    assert names == ["AccumulateGrad", None]
    assert mul.next_functions[0][0].variable is w
    assert w.grad_fn is None and w.is_leaf and not y.is_leaf


def test_tensor_hooks_leaf_and_nonleaf_like_torch():
    torch = pytest.importorskip("torch")
    res = {}
    for lib in (nerve, torch):
        calls = []
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        h1 = x.register_hook(lambda g: calls.append(("x", g.tolist())) or g * 2)
        a = x * 3
        a.register_hook(lambda g: calls.append(("a", g.tolist())))
        a.retain_grad()
        b = a * a + x           # x is used twice: its hook sees the summed gradient once
        b.sum().backward()
        res[lib.__name__] = (calls, x.grad.tolist(), a.grad.tolist())
        h1.remove()
        x.grad = None
        (x * 1).sum().backward()
        assert x.grad.tolist() == [1.0, 1.0, 1.0]
    assert res["nerve"] == res["torch"]


def test_register_hook_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        nerve.ones(2).register_hook(lambda g: g)


def test_anomaly_mode_names_the_forward_op_and_line():
    x = nerve.tensor([1.0, -1.0], requires_grad=True)
    with nerve.autograd.detect_anomaly():
        with pytest.raises(RuntimeError, match=r"Log returned NaN.*input shapes \(2,\).*test_autograd_api.py:\d+"):
            x.log()
        m = nerve.zeros(3).masked_fill(nerve.tensor([True, False, False]), float("-inf"))
        assert m.softmax(0).tolist() == [0.0, 0.5, 0.5]      # -inf masks pass
    assert not nerve.autograd.is_anomaly_enabled()
    x.log()   # off again: no check, no error (NaN is returned as in PyTorch)


def test_anomaly_mode_names_the_backward_op_and_forward_line():
    w = nerve.tensor([0.0, 1.0], requires_grad=True)
    nerve.autograd.set_detect_anomaly(True)
    try:
        q = w.sqrt().sum()
        with pytest.raises(RuntimeError, match=r"SqrtBackward0' returned Inf values in its 0th output.*"
                                               r"test_autograd_api.py:\d+"):
            q.backward()
    finally:
        nerve.autograd.set_detect_anomaly(False)


def test_anomaly_mode_off_costs_nothing_in_the_op_call():
    from nerve.autograd.function import Op
    from nerve.autograd import anomaly
    assert Op.__call__ is anomaly._plain_call
    with nerve.autograd.detect_anomaly():
        assert Op.__call__ is not anomaly._plain_call
    assert Op.__call__ is anomaly._plain_call


def test_format_of_zero_dim_tensor():
    t = nerve.tensor(math.pi)
    assert f"{t:.3f}" == "3.142"
    assert "{:>6.2f}".format(nerve.tensor(2.5)) == "  2.50"
