"""Each optimizer, over many option combinations, against PyTorch's (20 steps, float32).

The gradients come from one NumPy function of the current parameter values
(a small tanh MLP's squared error, computed in float64 and rounded to float32),
so both frameworks see the same gradients for the same parameters and any
difference is the optimizer's. ``test_end_to_end_autograd`` does the same with
nerve's own autograd against torch.autograd.
"""
import numpy as np
import pytest
from optim_cases import PARAMS, X, Y, _id, _init, grad_fn

import nerve
from nerve import optim

torch = pytest.importorskip("torch")


def _groups(params, group_opts):
    if group_opts is None:
        return params
    return [dict(params=params[:2], **group_opts[0]), dict(params=params[2:], **group_opts[1])]


def run_nerve(cls, kwargs, steps=20, group_opts=None, skip=None, init=None):
    ps = [nerve.tensor(a.copy(), requires_grad=True) for a in (init or _init())]
    opt = getattr(optim, cls)(_groups(ps, group_opts), **kwargs)
    for t in range(steps):
        opt.zero_grad()
        for i, (p, g) in enumerate(zip(ps, grad_fn([p._data for p in ps]))):
            if skip is None or not skip(t, i):
                p.grad = nerve.tensor(g)
        opt.step()
    return [p._data.copy() for p in ps], opt


def run_torch(cls, kwargs, steps=20, group_opts=None, skip=None, init=None):
    kwargs = {k: v for k, v in kwargs.items() if k != "foreach"}
    ps = [torch.tensor(a.copy(), requires_grad=True) for a in (init or _init())]
    opt = getattr(torch.optim, cls)(_groups(ps, group_opts), foreach=False, **kwargs)
    for t in range(steps):
        opt.zero_grad()
        for i, (p, g) in enumerate(zip(ps, grad_fn([p.detach().numpy() for p in ps]))):
            if skip is None or not skip(t, i):
                p.grad = torch.from_numpy(g)
        opt.step()
    return [p.detach().numpy().copy() for p in ps], opt


def assert_close(a_list, b_list, rtol=1e-5, atol=1e-6):
    for a, b in zip(a_list, b_list):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


@pytest.mark.parametrize("foreach", [None, False], ids=["flat", "per_param"])
@pytest.mark.parametrize("case", PARAMS, ids=[_id(c) for c in PARAMS])
def test_matches_torch(case, foreach):
    cls, kw = case
    ours, _ = run_nerve(cls, dict(kw, foreach=foreach))
    ref, _ = run_torch(cls, kw)
    assert_close(ours, ref)
    # the parameters really moved (a wrong no-op would pass a loose comparison)
    assert not np.allclose(ours[0], _init()[0], atol=1e-3)


def test_flat_and_per_param_are_bit_identical():
    """The same kernel runs on the flat buffer and per parameter: no rounding difference."""
    for cls, kw in PARAMS:
        a, _ = run_nerve(cls, dict(kw, foreach=None))
        b, _ = run_nerve(cls, dict(kw, foreach=False))
        for x, y in zip(a, b):
            assert np.array_equal(x, y), (cls, kw)


GROUP_CASES = [
    ("SGD", dict(lr=0.05, momentum=0.9), [dict(lr=0.01), dict(lr=0.1, nesterov=True)]),
    ("SGD", dict(lr=0.05), [dict(weight_decay=0.1), dict(momentum=0.5, dampening=0.1)]),
    ("Adam", dict(lr=0.01), [dict(lr=0.001), dict(lr=0.05, amsgrad=True)]),
    ("AdamW", dict(lr=0.01), [dict(weight_decay=0.5), dict(betas=(0.5, 0.9))]),
    ("RMSprop", dict(lr=0.01), [dict(centered=True), dict(lr=0.002, momentum=0.9)]),
    ("Adagrad", dict(lr=0.1), [dict(lr=0.05), dict(lr_decay=0.1)]),
]


@pytest.mark.parametrize("cls,kw,groups", GROUP_CASES, ids=[c[0] for c in GROUP_CASES])
def test_param_groups_match_torch(cls, kw, groups):
    ours, opt = run_nerve(cls, kw, group_opts=groups)
    ref, topt = run_torch(cls, kw, group_opts=groups)
    assert_close(ours, ref)
    assert [g["lr"] for g in opt.param_groups] == [g["lr"] for g in topt.param_groups]


def _skip(t, i):
    # b1 has no gradient at steps 3, 4 and 9; W2 none at step 0 (its state starts late);
    # b2 never gets one (a frozen parameter).
    return (i == 1 and t in (3, 4, 9)) or (i == 2 and t == 0) or i == 3


@pytest.mark.parametrize("foreach", [None, False], ids=["flat", "per_param"])
@pytest.mark.parametrize("case", [c for c in PARAMS if not c[1].get("weight_decay")][::2],
                         ids=_id)
def test_missing_grads_match_torch(case, foreach):
    cls, kw = case
    ours, opt = run_nerve(cls, dict(kw, foreach=foreach), skip=_skip)
    ref, topt = run_torch(cls, kw, skip=_skip)
    assert_close(ours, ref)
    np.testing.assert_array_equal(ours[3], _init()[3])          # frozen: untouched
    if cls != "SGD":
        p_b1, p_W2 = opt.param_groups[0]["params"][1:3]
        assert opt.state[p_b1]["step"] == 17.0 and opt.state[p_W2]["step"] == 19.0
        tp = topt.param_groups[0]["params"]
        assert float(topt.state[tp[1]]["step"]) == 17.0


def test_mixed_dtypes_match_torch():
    init = [a.astype(np.float64) if i % 2 else a for i, a in enumerate(_init())]

    def run(lib):
        mk = (lambda a: nerve.tensor(a.copy(), requires_grad=True)) if lib == "nerve" else \
            (lambda a: torch.tensor(a.copy(), requires_grad=True))
        ps = [mk(a) for a in init]
        opt = (optim.Adam(ps, lr=0.01) if lib == "nerve" else torch.optim.Adam(ps, lr=0.01, foreach=False))
        for _ in range(10):
            vals = [p._data if lib == "nerve" else p.detach().numpy() for p in ps]
            for p, g, a in zip(ps, grad_fn(vals), init):
                g = g.astype(a.dtype)
                p.grad = nerve.tensor(g) if lib == "nerve" else torch.from_numpy(g)
            opt.step()
        return [np.array(p._data if lib == "nerve" else p.detach().numpy()) for p in ps]

    ours, ref = run("nerve"), run("torch")
    for a, b in zip(ours, ref):
        assert a.dtype == b.dtype
    assert_close(ours, ref)


@pytest.mark.parametrize("cls,kw", [("Adam", dict(lr=0.01, amsgrad=True)), ("SGD", dict(lr=0.05, momentum=0.9)),
                                    ("RMSprop", dict(lr=0.01, centered=True)), ("Adagrad", dict(lr=0.1))])
def test_complex_params_match_torch(cls, kw):
    rng = np.random.default_rng(3)
    z0 = (rng.standard_normal((4, 3)) + 1j * rng.standard_normal((4, 3))).astype(np.complex64)
    zn = nerve.tensor(z0.copy(), requires_grad=True)
    zt = torch.tensor(z0.copy(), requires_grad=True)
    on = getattr(optim, cls)([zn], **kw)
    ot = getattr(torch.optim, cls)([zt], foreach=False, **kw)
    for t in range(10):
        g = (0.5 * np.asarray(zn._data) + 0.1j * (t + 1) - np.sin(t)).astype(np.complex64)
        zn.grad = nerve.tensor(g)
        zt.grad = torch.from_numpy(g.copy())
        on.step()
        ot.step()
    np.testing.assert_allclose(zn._data, zt.detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cls,kw", [("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
                                    ("Adam", dict(lr=0.01, weight_decay=0.01)),
                                    ("AdamW", dict(lr=0.01))])
def test_end_to_end_autograd(cls, kw):
    """nerve autograd + nerve optimizer vs torch autograd + torch optimizer."""
    init = _init()
    Xf, Yf = X.astype(np.float32), Y.astype(np.float32)
    ps = [nerve.tensor(a.copy(), requires_grad=True) for a in init]
    tps = [torch.tensor(a.copy(), requires_grad=True) for a in init]
    opt = getattr(optim, cls)(ps, **kw)
    topt = getattr(torch.optim, cls)(tps, **kw)
    xn, yn, xt, yt = nerve.tensor(Xf), nerve.tensor(Yf), torch.from_numpy(Xf), torch.from_numpy(Yf)
    for _ in range(20):
        W1, b1, W2, b2 = ps
        loss = (((xn @ W1.T + b1).tanh() @ W2.T + b2 - yn) ** 2).sum() / 16
        opt.zero_grad()
        loss.backward()
        opt.step()
        W1, b1, W2, b2 = tps
        tloss = (((xt @ W1.T + b1).tanh() @ W2.T + b2 - yt) ** 2).sum() / 16
        topt.zero_grad()
        tloss.backward()
        topt.step()
    # The two frameworks' float32 matrix products round differently; on this
    # well-conditioned problem 20 steps stay within the same float32 tolerance.
    assert_close([p._data for p in ps], [p.detach().numpy() for p in tps], rtol=1e-5, atol=1e-6)
