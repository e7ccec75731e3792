"""Module hooks (forward, forward pre, full backward, full backward pre, global) and the
Module conveniences (traversal, casting, state dict, repr, ...), each compared with PyTorch."""
import warnings

import numpy as np
import pytest

import nerve
from nerve import nn
from nerve.nn.modules import module as nmodule
from nerve.utils.hooks import RemovableHandle

torch = pytest.importorskip("torch")
tnn = torch.nn


# ------------------------------------------------------------------ helpers
def npy(t):
    """A NumPy copy of a nerve or torch tensor (None stays None)."""
    if t is None:
        return None
    if isinstance(t, torch.Tensor):
        return t.detach().numpy().copy()
    return np.array(t._data)


def shapes(gs):
    return [None if g is None else tuple(g.shape) for g in gs]


def same_weights(nm, tm):
    """Copy the torch module's parameters and buffers into the nerve module."""
    nm.load_state_dict({k: v.detach().numpy() for k, v in tm.state_dict().items()})
    return nm


def pair(build):
    """``build(lib_nn)`` for nerve and torch, with the same weights."""
    torch.manual_seed(0)
    tm = build(tnn)
    nm = same_weights(build(nn), tm)
    return nm, tm


def tensor_of(lib, a, requires_grad=False):
    if lib is torch:
        return torch.tensor(a, requires_grad=requires_grad)
    return nerve.tensor(a, requires_grad=requires_grad)


def libs():
    return ((nerve, nn), (torch, tnn))


def assert_logs_equal(nlog, tlog, rtol=1e-5, atol=1e-6):
    """Logs are lists of tuples of labels and (lists of) arrays/None; compare element-wise."""
    assert len(nlog) == len(tlog), (nlog, tlog)

    def cmp(a, b):
        if isinstance(a, (list, tuple)):
            assert isinstance(b, (list, tuple)) and len(a) == len(b), (a, b)
            for x, y in zip(a, b):
                cmp(x, y)
        elif isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
            assert a is not None and b is not None, (a, b)
            assert a.shape == b.shape, (a.shape, b.shape)
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)
        else:
            assert a == b, (a, b)

    for n, t in zip(nlog, tlog):
        cmp(n, t)


class TwoIn:
    """``forward(a, b, scale=1.0) = a * b * scale`` for both frameworks."""

    @staticmethod
    def build(nnm):
        class M(nnm.Module):
            def forward(self, a, b, scale=1.0):
                return a * b * scale
        return M()


class TupleOut:
    """Returns ``(2a, a + b, a.detach() * 3, 7)``: a used, an unused, a non-grad and a non-tensor output."""

    @staticmethod
    def build(nnm):
        class M(nnm.Module):
            def __init__(self):
                super().__init__()
                self.lin = nnm.Linear(3, 3)

            def forward(self, a, b):
                h = self.lin(a)
                return h * 2, h + b, a.detach() * 3, 7
        return M()


# ------------------------------------------------------------------ the hot path
def test_hook_free_call_goes_straight_to_forward(monkeypatch):
    lin = nn.Linear(3, 2)
    assert lin._has_hooks is False and "_has_hooks" not in lin.__dict__

    def boom(*a, **k):
        raise AssertionError("the hook path ran for a module without hooks")

    monkeypatch.setattr(nn.Module, "_call_with_hooks", boom)
    lin(nerve.ones(1, 3))
    monkeypatch.undo()
    h = lin.register_forward_hook(lambda m, a, o: None)
    assert lin.__dict__["_has_hooks"] is True
    h.remove()
    lin(nerve.ones(1, 3))                    # the slow path notices there is nothing left ...
    assert "_has_hooks" not in lin.__dict__  # ... and drops the flag: back to the fast path
    monkeypatch.setattr(nn.Module, "_call_with_hooks", boom)
    lin(nerve.ones(1, 3))


def test_global_hook_flag_is_cleared_after_removal():
    lin = nn.Linear(2, 2)
    h = nmodule.register_module_forward_hook(lambda m, a, o: None)
    try:
        assert nn.Module._has_hooks is True and lin._has_hooks is True
    finally:
        h.remove()
    lin(nerve.ones(1, 2))
    assert nn.Module._has_hooks is False and lin._has_hooks is False


# ------------------------------------------------------------------ RemovableHandle
def test_removable_handle():
    d = {}
    from collections import OrderedDict
    od, extra = OrderedDict(), OrderedDict()
    h1 = RemovableHandle(d)
    h2 = RemovableHandle(od, extra_dict=[extra])
    assert h2.id == h1.id + 1
    d[h1.id] = "a"
    od[h2.id] = "b"
    extra[h2.id] = True
    h1.remove()
    h1.remove()                               # twice is harmless
    assert d == {}
    with h2 as same:
        assert same is h2 and h2.id in od
    assert od == {} and extra == {}
    assert nmodule.RemovableHandle is RemovableHandle


def test_handles_remove_hooks_and_context_manager():
    lin = nn.Linear(2, 2)
    calls = []
    h = lin.register_forward_hook(lambda m, a, o: calls.append(1))
    assert isinstance(h, RemovableHandle)
    lin(nerve.ones(1, 2))
    h.remove()
    lin(nerve.ones(1, 2))
    with lin.register_full_backward_hook(lambda m, gi, go: calls.append(2)):
        lin(nerve.ones(1, 2, requires_grad=True)).sum().backward()
    lin(nerve.ones(1, 2, requires_grad=True)).sum().backward()
    assert calls == [1, 2]
    assert lin._backward_hooks == {}


# ------------------------------------------------------------------ forward hooks
def _forward_hook_log(lib, nnm):
    log = []
    m = nnm.Linear(2, 2)
    m.register_forward_pre_hook(lambda mod, args: log.append(("pre1", len(args))))
    m.register_forward_pre_hook(lambda mod, args: log.append(("pre0", len(args))), prepend=True)
    m.register_forward_pre_hook(lambda mod, args: args[0] * 2)               # single value: wrapped
    m.register_forward_pre_hook(lambda mod, args: log.append(("pre2", type(args).__name__, npy(args[0]))))
    m.register_forward_pre_hook(lambda mod, args, kwargs: log.append(("prek", sorted(kwargs))) or
                                ((args[0] + 1,), kwargs), with_kwargs=True)
    m.register_forward_hook(lambda mod, args, out: log.append(("fwd", npy(args[0]), out.shape[-1])))
    m.register_forward_hook(lambda mod, args, kw, out: out * 0 + 5, with_kwargs=True)
    m.register_forward_hook(lambda mod, args, out: log.append(("first",)), prepend=True)
    m.register_forward_hook(lambda mod, args, out: log.append(("last", npy(out))))
    out = m(tensor_of(lib, [[1.0, 2.0]]))
    return log, npy(out)


def test_forward_hooks_order_and_effects_match_torch():
    nlog, nout = _forward_hook_log(nerve, nn)
    tlog, tout = _forward_hook_log(torch, tnn)
    assert [e[0] for e in nlog] == ["pre0", "pre1", "pre2", "prek", "first", "fwd", "last"]
    assert_logs_equal(nlog, tlog)
    np.testing.assert_array_equal(nout, tout)


def test_forward_pre_hook_with_kwargs_must_return_a_pair():
    for lib, nnm in libs():
        m = nnm.Linear(2, 2)
        m.register_forward_pre_hook(lambda mod, a, k: a, with_kwargs=True)
        with pytest.raises(RuntimeError, match="forward pre-hook must return None or a tuple"):
            m(tensor_of(lib, [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))


def _always_call_log(lib, nnm):
    log = []

    class Bad(nnm.Module):
        def forward(self, x):
            raise ValueError("bad forward")

    m = Bad()
    m.register_forward_hook(lambda mod, a, o: log.append(("plain", o)))
    m.register_forward_hook(lambda mod, a, o: log.append(("always", o)), always_call=True)
    m.register_forward_hook(lambda mod, a, k, o: log.append(("always_kw", sorted(k), o)),
                            always_call=True, with_kwargs=True)
    m.register_forward_hook(lambda mod, a, o: 1 / 0, always_call=True)       # silenced, warns
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        with pytest.raises(ValueError, match="bad forward"):
            m(tensor_of(lib, [1.0]))
    log.append(("warned", any("always_call=True" in str(x.message) for x in w)))
    return log


def test_always_call_forward_hooks_match_torch():
    nlog = _always_call_log(nerve, nn)
    tlog = _always_call_log(torch, tnn)
    assert nlog == tlog == [("always", None), ("always_kw", [], None), ("warned", True)]


def _global_hook_log(lib, nnm, reg):
    log = []
    m = nnm.Sequential(nnm.Linear(2, 2), nnm.ReLU())
    m[0].register_forward_pre_hook(lambda mod, a: log.append(("own pre", type(mod).__name__)))
    m[0].register_forward_hook(lambda mod, a, o: log.append(("own fwd", type(mod).__name__)))
    handles = [
        reg.register_module_forward_pre_hook(lambda mod, a: log.append(("pre", type(mod).__name__))),
        reg.register_module_forward_hook(lambda mod, a, o: log.append(("fwd", type(mod).__name__))),
        reg.register_module_forward_hook(lambda mod, a, k, o: log.append(("fwdk", sorted(k))),
                                         with_kwargs=True),
        reg.register_module_full_backward_pre_hook(
            lambda mod, go: log.append(("bpre", type(mod).__name__, shapes(go)))),
        reg.register_module_full_backward_hook(
            lambda mod, gi, go: log.append(("bwd", type(mod).__name__, shapes(gi)))),
    ]
    m[0].register_full_backward_hook(lambda mod, gi, go: log.append(("own bwd", shapes(gi))))
    try:
        x = tensor_of(lib, [[1.0, -2.0]], requires_grad=True)
        m(x).sum().backward()
    finally:
        for h in handles:
            h.remove()
    m(tensor_of(lib, [[1.0, -2.0]]))             # globals gone: only the own hooks run
    return log


def test_global_hooks_match_torch():
    nlog = _global_hook_log(nerve, nn, nmodule)
    tlog = _global_hook_log(torch, tnn, torch.nn.modules.module)
    assert nlog == tlog
    assert nlog[0] == ("pre", "Sequential") and ("own bwd", [(1, 2)]) in nlog


# ------------------------------------------------------------------ backward hooks
def _record(log, tag):
    def pre(mod, go):
        log.append((tag, "pre", shapes(go), [npy(g) for g in go]))

    def full(mod, gi, go):
        log.append((tag, "full", shapes(gi), shapes(go), [npy(g) for g in gi], [npy(g) for g in go]))
    return pre, full


def _linear_log(lib, m):
    log = []
    pre, full = _record(log, "lin")
    m.register_full_backward_pre_hook(pre)
    m.register_full_backward_hook(full)
    x = tensor_of(lib, np.arange(6, dtype=np.float32).reshape(2, 3), requires_grad=True)
    (m(x) ** 2).sum().backward()
    return log, npy(x.grad), npy(m.weight.grad), npy(m.bias.grad)


def test_full_backward_hooks_on_linear_match_torch():
    nm, tm = pair(lambda mod: mod.Linear(3, 4))
    nlog, *ngrads = _linear_log(nerve, nm)
    tlog, *tgrads = _linear_log(torch, tm)
    assert [e[1] for e in nlog] == ["pre", "full"]
    assert nlog[1][2] == [(2, 3)] and nlog[1][3] == [(2, 4)]
    assert_logs_equal(nlog, tlog)
    for a, b in zip(ngrads, tgrads):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def _sequential_log(lib, m, scale_idx=None, pre_idx=None):
    log = []
    mods = [m, *m]
    for i, mod in enumerate(mods):
        pre, full = _record(log, i)
        mod.register_full_backward_pre_hook(pre)
        mod.register_full_backward_hook(full)
    if scale_idx is not None:                 # scales what flows on to the inputs
        mods[scale_idx].register_full_backward_hook(lambda mod, gi, go: tuple(g * 3 for g in gi))
    if pre_idx is not None:                   # replaces the gradient w.r.t. the output
        mods[pre_idx].register_full_backward_pre_hook(lambda mod, go: (go[0] * -0.5,))
    x = tensor_of(lib, np.linspace(-1, 1, 10, dtype=np.float32).reshape(2, 5), requires_grad=True)
    m(x).sum().backward()
    grads = [npy(x.grad)] + [npy(p.grad) for p in m.parameters()]
    return log, grads


@pytest.mark.parametrize("scale_idx, pre_idx", [(None, None), (3, None), (None, 3), (2, 1), (0, 0)])
def test_sequential_hook_order_and_effects_match_torch(scale_idx, pre_idx):
    nm, tm = pair(lambda mod: mod.Sequential(mod.Linear(5, 4), mod.Tanh(), mod.Linear(4, 2)))
    nlog, ngrads = _sequential_log(nerve, nm, scale_idx, pre_idx)
    tlog, tgrads = _sequential_log(torch, tm, scale_idx, pre_idx)
    assert [e[:2] for e in nlog] == [e[:2] for e in tlog]
    assert_logs_equal(nlog, tlog)
    for a, b in zip(ngrads, tgrads):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_scaling_grad_input_changes_earlier_parameter_grads_only():
    nm, tm = pair(lambda mod: mod.Sequential(mod.Linear(5, 4), mod.Tanh(), mod.Linear(4, 2)))
    _, base = _sequential_log(nerve, nm)
    nm.zero_grad()
    _, scaled = _sequential_log(nerve, nm, scale_idx=3)      # the last Linear's grad_input * 3
    np.testing.assert_allclose(scaled[0], 3 * base[0], rtol=1e-5, atol=1e-6)    # x.grad
    np.testing.assert_allclose(scaled[1], 3 * base[1], rtol=1e-5, atol=1e-6)    # first Linear
    np.testing.assert_allclose(scaled[3], base[3], rtol=1e-6)                   # last Linear: unchanged
    assert np.abs(scaled[1] - base[1]).max() > 1e-3


def _two_input_log(lib, m, b_requires_grad, scale=None):
    log = []
    pre, full = _record(log, "two")
    m.register_full_backward_pre_hook(pre)
    m.register_full_backward_hook(full)
    if scale is not None:
        m.register_full_backward_hook(lambda mod, gi, go: tuple(None if g is None else g * scale for g in gi))
    a = tensor_of(lib, [1.0, 2.0, 3.0], requires_grad=True)
    b = tensor_of(lib, [4.0, 5.0, 6.0], requires_grad=b_requires_grad)
    m(a, b, 2.0).sum().backward()                    # 2.0: a non-tensor positional argument
    m(a, b, scale=2.0).sum().backward()              # keyword arguments are not part of grad_input
    return log, npy(a.grad), npy(b.grad)


@pytest.mark.parametrize("b_requires_grad", [False, True])
@pytest.mark.parametrize("scale", [None, 10.0])
def test_two_inputs_one_without_grad_match_torch(b_requires_grad, scale):
    nlog, *ng = _two_input_log(nerve, TwoIn.build(nn), b_requires_grad, scale)
    tlog, *tg = _two_input_log(torch, TwoIn.build(tnn), b_requires_grad, scale)
    # grad_input: (a, b, None) then (a, b): b's entry is zeros when it does not require grad
    assert nlog[1][2] == [(3,), (3,), None] and nlog[3][2] == [(3,), (3,)]
    assert_logs_equal(nlog, tlog)
    for a, b in zip(ng, tg):
        if a is None or b is None:
            assert a is None and b is None
        else:
            np.testing.assert_allclose(a, b, rtol=1e-6)


def _tuple_log(lib, m, use_second):
    log = []
    pre, full = _record(log, "tup")
    m.register_full_backward_pre_hook(pre)
    m.register_full_backward_hook(full)
    a = tensor_of(lib, [[1.0, -1.0, 2.0]], requires_grad=True)
    b = tensor_of(lib, [[0.5, 0.5, 0.5]], requires_grad=True)
    outs = m(a, b)
    assert isinstance(outs, tuple) and len(outs) == 4 and outs[3] == 7
    loss = outs[0].sum() + (outs[1] * outs[1]).sum() if use_second else outs[0].sum()
    loss.backward()
    return log, npy(a.grad), npy(b.grad), npy(m.lin.weight.grad)


@pytest.mark.parametrize("use_second", [False, True])
def test_module_returning_a_tuple_matches_torch(use_second):
    nm, tm = pair(TupleOut.build)
    nlog, *ng = _tuple_log(nerve, nm, use_second)
    tlog, *tg = _tuple_log(torch, tm, use_second)
    second = (1, 3) if use_second else None
    assert nlog[0][2] == [(1, 3), second, None, None]
    assert_logs_equal(nlog, tlog)
    for a, b in zip(ng, tg):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def _no_input_grad_log(lib, m, bad):
    log = []
    m.register_full_backward_hook(lambda mod, gi, go: log.append((shapes(gi), shapes(go))) or
                                  ((gi[0],) if not bad else (tensor_of(lib, [[1.0, 1.0]]),)))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            m(tensor_of(lib, [[1.0, 2.0]])).sum().backward()
        except RuntimeError as e:
            log.append(("error", str(e)))
    log.append(any("no inputs require gradients" in str(x.message) for x in w))
    return log, npy(m.weight.grad)


@pytest.mark.parametrize("bad", [False, True])
def test_no_input_requires_grad_matches_torch(bad):
    nm, tm = pair(lambda mod: mod.Linear(2, 2))
    nlog, nw = _no_input_grad_log(nerve, nm, bad)
    tlog, tw = _no_input_grad_log(torch, tm, bad)
    assert nlog == tlog
    assert nlog[0] == ([None], [(1, 2)]) and nlog[-1] is True
    if bad:
        assert "should always return None or None for all gradients" in nlog[1][1]
    else:
        np.testing.assert_allclose(nw, tw, rtol=1e-6)


def test_bad_hook_results_raise_like_torch():
    for lib, nnm in libs():
        x = tensor_of(lib, [[1.0, 2.0]], requires_grad=True)
        m = nnm.Linear(2, 2)
        m.register_full_backward_hook(lambda mod, gi, go: (gi[0], gi[0]))
        with pytest.raises(RuntimeError, match="Backward hook returned an invalid number of grad_input, "
                                               "got 2, but expected 1"):
            m(x).sum().backward()
        m = nnm.Linear(2, 2)
        m.register_full_backward_pre_hook(lambda mod, go: (go[0], go[0], go[0]))
        with pytest.raises(RuntimeError, match="Backward pre hook returned an invalid number of "
                                               "grad_output, got 3, but expected 1"):
            m(x).sum().backward()
        for reg in ("register_full_backward_hook", "register_full_backward_pre_hook"):
            m = nnm.Linear(2, 2)
            getattr(m, reg)(lambda mod, g, *rest: (tensor_of(lib, [1.0, 2.0, 3.0]),))
            with pytest.raises(RuntimeError, match="has changed the size of value"):
                m(x).sum().backward()


def test_non_tuple_hook_result_is_an_error():
    m = nn.Linear(2, 2)
    m.register_full_backward_hook(lambda mod, gi, go: gi[0] * 2)
    with pytest.raises(RuntimeError, match="must return None or a tuple"):
        m(nerve.ones(3, 2, requires_grad=True)).sum().backward()


def _reuse_log(lib, m):
    """One module called twice (weight sharing), a retained graph, and removal before backward."""
    log = []
    m.register_full_backward_hook(lambda mod, gi, go: log.append(("full", [npy(g) for g in gi])))
    h = m.register_full_backward_pre_hook(lambda mod, go: log.append(("pre", [npy(g) for g in go])))
    x = tensor_of(lib, [[1.0, 2.0]], requires_grad=True)
    y = m(m(x) * 2)
    h.remove()                                          # the call already took its hooks: still runs
    y.sum().backward(retain_graph=True)
    log.append("second")
    (y * 3).sum().backward()
    log.append("after removal")
    m(x).sum().backward()
    return log, npy(x.grad), npy(m.weight.grad)


def test_reused_module_retain_graph_and_removal_match_torch():
    nm, tm = pair(lambda mod: mod.Linear(2, 2))
    nlog, *ng = _reuse_log(nerve, nm)
    tlog, *tg = _reuse_log(torch, tm)
    assert [e if isinstance(e, str) else e[0] for e in nlog] == [
        "pre", "full", "pre", "full", "second", "pre", "full", "pre", "full", "after removal", "full"]
    assert_logs_equal(nlog, tlog)
    for a, b in zip(ng, tg):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_no_grad_forward_sets_up_nothing():
    m = nn.Linear(2, 2)
    calls = []
    m.register_full_backward_hook(lambda *a: calls.append(a))
    x = nerve.ones(1, 2, requires_grad=True)
    with nerve.no_grad():
        y = m(x)
    assert y._ctx is None and not y.requires_grad and calls == []


def test_forward_and_caller_see_new_tensors_sharing_data():
    for lib, nnm in libs():
        seen = {}
        m = nnm.Linear(2, 2)
        m.register_forward_hook(lambda mod, args, out: seen.update(arg=args[0], out=out))
        m.register_full_backward_hook(lambda *a: None)
        x = tensor_of(lib, [[1.0, 2.0]], requires_grad=True)
        y = m(x)
        assert seen["arg"] is not x and seen["out"] is not y
        np.testing.assert_array_equal(npy(seen["arg"]), npy(x))
        np.testing.assert_array_equal(npy(seen["out"]), npy(y))
        if lib is nerve:
            assert y._ctx.name() == "BackwardHookFunctionBackward"
        else:
            assert y.grad_fn.name() == "BackwardHookFunctionBackward"


def test_leaf_gradients_from_hooked_module_do_not_alias():
    class Add(nn.Module):
        def forward(self, a, b):
            return a + b                      # Add's backward hands one array to both inputs

    m = Add()
    m.register_full_backward_hook(lambda mod, gi, go: None)
    a, b = nerve.ones(3, requires_grad=True), nerve.ones(3, requires_grad=True)
    g = nerve.ones(3)
    m(a, b).backward(g)
    assert a.grad._data is not b.grad._data and a.grad._data is not g._data
    a.grad._data += 1
    np.testing.assert_array_equal(b.grad._data, np.ones(3))
    np.testing.assert_array_equal(g._data, np.ones(3))


def _double_backward(lib, nnm):
    class Cube(nnm.Module):
        def forward(self, x):
            return x * x * x

    m = Cube()
    log = []
    m.register_full_backward_hook(lambda mod, gi, go: log.append(npy(gi[0])))
    x = tensor_of(lib, [1.0, -2.0, 0.5], requires_grad=True)
    (g,) = (torch.autograd.grad if lib is torch else nerve.autograd.grad)(m(x).sum(), [x], create_graph=True)
    g.sum().backward()
    return log, npy(g), npy(x.grad)


def test_double_backward_through_hooked_module_matches_torch():
    nlog, ng, nx = _double_backward(nerve, nn)
    tlog, tg, tx = _double_backward(torch, tnn)
    assert_logs_equal(nlog, tlog)
    np.testing.assert_allclose(ng, tg, rtol=1e-6)
    np.testing.assert_allclose(nx, tx, rtol=1e-6)


def _tensor_hook_log(lib, m):
    log = []
    m.register_full_backward_pre_hook(lambda mod, go: log.append(("module pre", npy(go[0]))))
    m.register_full_backward_hook(lambda mod, gi, go: log.append(("module full", npy(gi[0]))))
    x = tensor_of(lib, [[1.0, 2.0]], requires_grad=True)
    x.register_hook(lambda g: log.append(("x", npy(g))))
    y = m(x)
    y.register_hook(lambda g: log.append(("y", npy(g))) or g * 2)
    y.sum().backward()
    return log, npy(x.grad)


def test_tensor_hooks_and_module_hooks_interleave_like_torch():
    if not hasattr(nerve.Tensor, "register_hook"):
        pytest.skip("Tensor.register_hook is not there yet")
    nm, tm = pair(lambda mod: mod.Linear(2, 2))
    nlog, nx = _tensor_hook_log(nerve, nm)
    tlog, tx = _tensor_hook_log(torch, tm)
    assert [e[0] for e in nlog] == [e[0] for e in tlog]
    assert_logs_equal(nlog, tlog)
    np.testing.assert_allclose(nx, tx, rtol=1e-6)


def test_keyword_only_and_prepend_options():
    log = []
    m = nn.Linear(2, 2)
    m.register_full_backward_hook(lambda *a: log.append("b"))
    m.register_full_backward_hook(lambda *a: log.append("a"), prepend=True)
    m.register_full_backward_pre_hook(lambda *a: log.append("pre b"))
    m.register_full_backward_pre_hook(lambda *a: log.append("pre a"), prepend=True)
    m(nerve.ones(1, 2, requires_grad=True)).sum().backward()
    assert log == ["pre a", "pre b", "a", "b"]
    with pytest.raises(TypeError):
        m.register_forward_hook(lambda *a: None, True)      # prepend is keyword-only, as in torch


# ------------------------------------------------------------------ conveniences vs torch
def _shared_tree(nnm):
    shared = nnm.Linear(2, 2)

    class Tree(nnm.Module):
        def __init__(self):
            super().__init__()
            self.a = shared
            self.seq = nnm.Sequential(nnm.Linear(2, 3), nnm.ReLU(), shared)
            self.b = shared
            self.none = None
            self.register_buffer("buf", torch.zeros(1) if nnm is tnn else nerve.zeros(1))
            self.tied = self.a.weight          # a parameter registered twice
    return Tree()


def test_traversal_matches_torch():
    n, t = _shared_tree(nn), _shared_tree(tnn)
    assert [k for k, _ in n.named_modules()] == [k for k, _ in t.named_modules()]
    for kw in ({"prefix": "root"}, {"remove_duplicate": False}, {"memo": set(), "prefix": "p"}):
        assert [k for k, _ in n.named_modules(**kw)] == [k for k, _ in t.named_modules(**kw)]
    assert [type(m).__name__ for m in n.modules()] == [type(m).__name__ for m in t.modules()]
    assert [k for k, _ in n.named_children()] == [k for k, _ in t.named_children()]
    assert [type(m).__name__ for m in n.children()] == [type(m).__name__ for m in t.children()]
    for kw in ({}, {"prefix": "model"}, {"recurse": False}, {"remove_duplicate": False}):
        assert [k for k, _ in n.named_parameters(**kw)] == [k for k, _ in t.named_parameters(**kw)]
        assert [k for k, _ in n.named_buffers(**kw)] == [k for k, _ in t.named_buffers(**kw)]
    assert len(list(n.parameters())) == len(list(t.parameters())) == 4
    assert n.get_submodule("seq.2") is n.a and n.get_parameter("seq.0.bias") is n.seq[0].bias


def test_apply_order_matches_torch():
    seen_n, seen_t = [], []
    _shared_tree(nn).apply(lambda m: seen_n.append(type(m).__name__))
    _shared_tree(tnn).apply(lambda m: seen_t.append(type(m).__name__))
    assert seen_n == seen_t


def _error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return type(e), str(e)
    return None


def test_lookup_errors_match_torch():
    n, t = _shared_tree(nn), _shared_tree(tnn)
    for call in (lambda m: m.get_submodule("seq.nope"), lambda m: m.get_submodule("buf"),
                 lambda m: m.get_parameter("seq.0.nope"), lambda m: m.get_parameter("buf"),
                 lambda m: m.get_buffer("seq.0.weight"), lambda m: m.get_buffer("nope"),
                 lambda m: m.set_submodule("", m.a), lambda m: m.set_submodule("seq.9", m.a, strict=True),
                 lambda m: m.set_submodule("buf", m.a), lambda m: m.set_submodule("seq.0", 3)):
        ne, te = _error(lambda: call(n)), _error(lambda: call(t))
        assert ne is not None and ne[0] is te[0] and ne[1] == te[1].replace("torch.", ""), (ne, te)
    assert n.get_buffer("buf") is n.buf


def test_set_submodule_and_add_module():
    for lib, nnm in libs():
        m = _shared_tree(nnm)
        new = nnm.Tanh()
        m.set_submodule("seq.1", new)
        assert m.seq[1] is new
        m.set_submodule("seq.extra", nnm.ReLU())
        assert "extra" in dict(m.seq.named_children())
        m.add_module("c", nnm.ReLU())
        m.register_module("d", None)
        assert [k for k, _ in m.named_children()][-1] == "c" and "d" in m._modules
        with pytest.raises(TypeError, match="is not a Module subclass"):
            m.add_module("e", 3)
        with pytest.raises(KeyError, match="already exists"):
            m.add_module("buf", nnm.ReLU())
        with pytest.raises(KeyError):
            m.add_module("x.y", nnm.ReLU())
        with pytest.raises(TypeError):
            m.add_module(1, nnm.ReLU())


def test_requires_grad_train_eval_match_torch():
    for lib, nnm in libs():
        m = _shared_tree(nnm)
        assert m.requires_grad_(False) is m
        assert not any(p.requires_grad for p in m.parameters())
        m.seq.requires_grad_()
        assert [p.requires_grad for p in m.parameters()] == [True, True, True, True]
        assert m.eval() is m and not any(x.training for x in m.modules())
        assert m.seq.train() is m.seq and m.seq[0].training and not m.training
        with pytest.raises(ValueError, match="training mode is expected to be boolean"):
            m.train(1)


def test_zero_grad_matches_torch():
    for lib, nnm in libs():
        m = nnm.Linear(2, 2)
        m(tensor_of(lib, [[1.0, 2.0]])).sum().backward()
        g = m.weight.grad
        m.zero_grad(set_to_none=False)
        assert m.weight.grad is g and not npy(g).any()
        m.zero_grad()
        assert m.weight.grad is None and m.bias.grad is None
        # a gradient recorded with create_graph is detached in place and zeroed
        x = tensor_of(lib, [[1.0, 2.0]], requires_grad=True)
        (m(x) ** 2).sum().backward(create_graph=True)
        g = m.weight.grad
        assert g.requires_grad
        m.zero_grad(set_to_none=False)
        assert m.weight.grad is g and not g.requires_grad and not npy(g).any()


def _cast(nnm, lib, how):
    m = nnm.Sequential(nnm.Linear(2, 2), nnm.BatchNorm1d(2))
    m(tensor_of(lib, [[1.0, 2.0], [3.0, 5.0]])).sum().backward()
    out = how(m)
    assert out is m
    return [(k, str(v.dtype).replace("torch.", "")) for k, v in m.state_dict().items()] + \
        [("grad", str(m[0].weight.grad.dtype).replace("torch.", ""))]


@pytest.mark.parametrize("how", ["double", "half", "double_float", "to_dtype", "to_tensor", "type",
                                 "type_name", "to_device", "to_nothing"])
def test_casts_match_torch(how):
    if how == "type_name" and not hasattr(nerve, "DoubleTensor"):
        pytest.skip("no legacy tensor types (nerve.DoubleTensor) in this build")
    def make(lib):
        return {
            "double": lambda m: m.double(),
            "half": lambda m: m.half(),
            "double_float": lambda m: m.double().float(),
            "to_dtype": lambda m: m.to(lib.float64),
            "to_tensor": lambda m: m.to(lib.zeros(1, dtype=lib.float64)),
            "type": lambda m: m.type(lib.float64),
            "type_name": lambda m: m.type("torch.DoubleTensor"),
            "to_device": lambda m: m.to("cpu"),
            "to_nothing": lambda m: m.to(),
        }[how]
    n = _cast(nn, nerve, make(nerve))
    t = _cast(tnn, torch, make(torch))
    assert n == t, (n, t)


def test_to_keeps_parameter_objects_and_rejects_integer_dtypes():
    for lib, nnm in libs():
        m = nnm.Linear(2, 2)
        w = m.weight
        m.to(lib.float64)
        assert m.weight is w
        with pytest.raises(TypeError, match="nn.Module.to only accepts floating point or complex dtypes"):
            m.to(lib.zeros(1, dtype=lib.int64))


def test_repr_matches_torch():
    def build(nnm):
        class Block(nnm.Module):
            def __init__(self):
                super().__init__()
                self.fc = nnm.Linear(3, 4, bias=False)
                self.act = nnm.ReLU()

            def extra_repr(self):
                return "width=4,\ndepth=1"

        class Empty(nnm.Module):
            def extra_repr(self):
                return "just=one"

        class Top(nnm.Module):
            def __init__(self):
                super().__init__()
                self.block = Block()
                self.seq = nnm.Sequential(nnm.Linear(4, 2), nnm.Tanh(), Empty())
                self.gone = None
        return Top()
    assert repr(build(nn)) == repr(build(tnn))
    assert repr(nn.Module()) == repr(tnn.Module()) == "Module()"


def test_state_dict_matches_torch():
    n, t = _shared_tree(nn), _shared_tree(tnn)
    for kw in ({}, {"prefix": "model."}, {"keep_vars": True}):
        nsd, tsd = n.state_dict(**kw), t.state_dict(**kw)
        assert list(nsd) == list(tsd)
        assert dict(nsd._metadata) == dict(tsd._metadata)
    assert n.state_dict(keep_vars=True)["a.weight"] is n.a.weight
    assert type(n.state_dict()["a.weight"]) is nerve.Tensor


def test_load_state_dict_results_match_torch():
    nm, tm = pair(lambda mod: mod.Sequential(mod.Linear(2, 3), mod.BatchNorm1d(3)))
    sd_n = {k: v for k, v in nm.state_dict().items()}
    sd_t = {k: v.clone() for k, v in tm.state_dict().items()}
    for sd in (sd_n, sd_t):
        del sd["0.bias"]
        sd["extra"] = sd["0.weight"]
        sd["1.more"] = sd["0.weight"]
    rn = nm.load_state_dict(sd_n, strict=False)
    rt = tm.load_state_dict(sd_t, strict=False)
    assert rn.missing_keys == rt.missing_keys == ["0.bias"]
    assert rn.unexpected_keys == rt.unexpected_keys
    assert rn._fields == rt._fields and repr(rn) == repr(rt)
    ne = _error(lambda: nm.load_state_dict(sd_n))
    te = _error(lambda: tm.load_state_dict(sd_t))
    assert ne[0] is te[0] is RuntimeError
    assert ne[1].replace("Sequential", "") == te[1].replace("Sequential", "")
    full = {k: v.detach().numpy() * 0 + 1 for k, v in tm.state_dict().items()}
    assert repr(nm.load_state_dict(full)) == "<All keys matched successfully>"
    w = nm[0].weight
    nm.load_state_dict({k: nerve.tensor(v.astype(np.float64) if v.dtype == np.float32 else v)
                        for k, v in full.items()}, assign=True)
    assert nm[0].weight is not w and nm[0].weight.dtype == nerve.float64
    assert isinstance(nm[0].weight, nn.Parameter) and nm[0].weight.requires_grad


def test_dir_lists_registered_names():
    for lib, nnm in libs():
        m = _shared_tree(nnm)
        m.plain = 3
        names = dir(m)
        for k in ("a", "seq", "buf", "tied", "plain", "forward", "named_modules", "none"):
            assert k in names
        assert names == sorted(names)
        assert not any(k[0].isdigit() for k in dir(m.seq))
    assert len(dir(nn.Linear(2, 2))) == len(set(dir(nn.Linear(2, 2))))


def test_keras_layers_run_backward_and_global_hooks():
    from nerve import keras
    from nerve.nn.modules.module import register_module_forward_hook
    layer = keras.layers.Dense(3)
    x = nerve.randn(2, 4)
    layer(x)                                   # build
    seen = []
    h1 = layer.register_full_backward_hook(lambda m, gi, go: seen.append(("bw", tuple(go[0].shape))))
    h2 = register_module_forward_hook(lambda m, a, o: seen.append(("fw", type(m).__name__)))
    try:
        layer(nerve.randn(2, 4, requires_grad=True)).sum().backward()
    finally:
        h1.remove()
        h2.remove()
    assert ("fw", "Dense") in seen and ("bw", (2, 3)) in seen
