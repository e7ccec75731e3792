"""Optimizer base: state_dict round trips, the flat-buffer path, errors, zero_grad, repr."""
import copy

import numpy as np
import pytest
from optim_cases import PARAMS, _init, grad_fn

import nerve
from nerve import optim
from nerve.optim import optimizer as optimizer_mod

ALL = {
    "SGD": dict(lr=0.05, momentum=0.9, nesterov=True),
    "Adam": dict(lr=0.01, amsgrad=True, weight_decay=0.01),
    "AdamW": dict(lr=0.01),
    "RMSprop": dict(lr=0.01, centered=True, momentum=0.5),
    "Adagrad": dict(lr=0.1, lr_decay=0.01),
}


def _params(init=None):
    return [nerve.tensor(a.copy(), requires_grad=True) for a in (init or _init())]


def _train(opt, ps, steps):
    for _ in range(steps):
        opt.zero_grad()
        for p, g in zip(ps, grad_fn([p._data for p in ps])):
            p.grad = nerve.tensor(g)
        opt.step()


def _snapshot(ps):
    return [p._data.copy() for p in ps]


@pytest.mark.parametrize("foreach_after", [None, False], ids=["into_flat", "into_per_param"])
@pytest.mark.parametrize("cls", sorted(ALL))
@pytest.mark.parametrize("via_file", [False, True], ids=["in_memory", "nerve.save"])
def test_state_dict_resume_is_bit_identical(cls, via_file, foreach_after, tmp_path):
    kw = ALL[cls]
    ps = _params()
    opt = getattr(optim, cls)(ps, **kw)
    _train(opt, ps, 20)
    expected = _snapshot(ps)

    ps1 = _params()
    opt1 = getattr(optim, cls)(ps1, **kw)
    _train(opt1, ps1, 10)
    sd = opt1.state_dict()
    values = _snapshot(ps1)
    if via_file:
        nerve.save({"optimizer": sd, "params": values}, tmp_path / "ckpt.safetensors")
        ck = nerve.load(tmp_path / "ckpt.safetensors")
        sd, values = ck["optimizer"], ck["params"]
    else:
        sd = copy.deepcopy(sd)
    _train(opt1, ps1, 3)            # the original keeps training: the copy must not move

    ps2 = [nerve.tensor(np.array(v), requires_grad=True) for v in values]
    opt2 = getattr(optim, cls)(ps2, **dict(kw, foreach=foreach_after))
    opt2.load_state_dict(sd)
    _train(opt2, ps2, 10)
    for a, b in zip(_snapshot(ps2), expected):
        assert np.array_equal(a, b)


def test_state_dict_layout_matches_torch():
    torch = pytest.importorskip("torch")
    for cls, kw in PARAMS:
        ps = _params()
        opt = getattr(optim, cls)([{"params": ps[:2]}, {"params": ps[2:], "lr": 0.001}], **kw)
        tps = [torch.tensor(a, requires_grad=True) for a in _init()]
        topt = getattr(torch.optim, cls)([{"params": tps[:2]}, {"params": tps[2:], "lr": 0.001}], **kw)
        _train(opt, ps, 2)
        for p, g in zip(tps, grad_fn([p.detach().numpy() for p in tps])):
            p.grad = torch.from_numpy(g)
        topt.step()
        topt.step()
        sd, tsd = opt.state_dict(), topt.state_dict()
        assert sd["param_groups"] == tsd["param_groups"], cls
        stateless = cls == "SGD" and not kw.get("momentum")
        assert sorted(sd["state"]) == sorted(tsd["state"]) == ([] if stateless else [0, 1, 2, 3])
        for i in sd["state"]:
            assert list(sd["state"][i]) == list(tsd["state"][i]), (cls, kw)
            for k, v in sd["state"][i].items():
                tv = tsd["state"][i][k]
                if k == "step":
                    assert v == float(tv) == 2.0
                else:
                    assert isinstance(v, nerve.Tensor) and v.shape == tuple(tv.shape)
        assert repr(opt) == repr(topt)


def test_load_torch_state_dict():
    """A PyTorch optimizer checkpoint (tensors converted to NumPy) resumes in nerve."""
    torch = pytest.importorskip("torch")
    kw = dict(lr=0.01, amsgrad=True)
    tps = [torch.tensor(a, requires_grad=True) for a in _init()]
    topt = torch.optim.Adam(tps, foreach=False, **kw)
    for _ in range(5):
        for p, g in zip(tps, grad_fn([p.detach().numpy() for p in tps])):
            p.grad = torch.from_numpy(g)
        topt.step()
    tsd = topt.state_dict()
    sd = {"state": {i: {k: (nerve.tensor(v.numpy().copy()) if torch.is_tensor(v) else v) for k, v in s.items()}
                    for i, s in tsd["state"].items()},
          "param_groups": tsd["param_groups"]}
    ps = [nerve.tensor(p.detach().numpy().copy(), requires_grad=True) for p in tps]
    opt = optim.Adam(ps, **kw)
    opt.load_state_dict(sd)
    assert opt.state[ps[0]]["step"] == 5.0
    for _ in range(5):
        for p, g in zip(tps, grad_fn([p.detach().numpy() for p in tps])):
            p.grad = torch.from_numpy(g)
        topt.step()
    _train(opt, ps, 5)
    for p, tp in zip(ps, tps):
        np.testing.assert_allclose(p._data, tp.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_flat_buffer_layout():
    ps = _params()
    opt = optim.Adam(ps, lr=0.01)
    arrays_before = [p._data for p in ps]
    _train(opt, ps, 1)
    base = ps[0]._data.base
    assert base is not None and all(p._data.base is base for p in ps)
    assert base.size == sum(a.size for a in arrays_before)
    # state entries are per-parameter views of flat buffers, with the parameter's shape
    for p in ps:
        st = opt.state[p]
        assert st["exp_avg"].shape == p.shape and st["exp_avg"]._data.base is not None
    # foreach=False leaves p._data alone
    ps2 = _params()
    before = [p._data for p in ps2]
    opt2 = optim.Adam(ps2, lr=0.01, foreach=False)
    _train(opt2, ps2, 2)
    assert all(p._data is a for p, a in zip(ps2, before))


def test_in_place_edits_and_replaced_data():
    """Writes into p._data are seen; a replaced p._data (model.to, p._data = ...) is re-packed."""
    ps_a, ps_b = _params(), _params()
    oa, ob = optim.Adam(ps_a, lr=0.01), optim.Adam(ps_b, lr=0.01, foreach=False)
    _train(oa, ps_a, 5)
    _train(ob, ps_b, 5)
    for p in (ps_a[0], ps_b[0]):
        p._data[...] = 0.5                              # in place
    ps_a[2]._data = ps_a[2]._data * 2                    # replaced (new array)
    ps_b[2]._data = ps_b[2]._data * 2
    _train(oa, ps_a, 5)
    _train(ob, ps_b, 5)
    for a, b in zip(ps_a, ps_b):
        assert np.array_equal(a._data, b._data)
    base = ps_a[0]._data.base
    assert all(p._data.base is base for p in ps_a)      # re-packed into one buffer
    assert oa.state[ps_a[2]]["step"] == 10.0


def test_dtype_change_rebuilds_buckets():
    ps = _params()
    opt = optim.Adam(ps, lr=0.01)
    _train(opt, ps, 3)
    for p in ps:
        p._data = p._data.astype(np.float64)             # what model.double() does
    _train(opt, ps, 3)
    assert all(p._data.dtype == np.float64 for p in ps)
    assert all(opt.state[p]["exp_avg"].dtype == np.float64 for p in ps)
    assert opt.state[ps[0]]["step"] == 6.0


def test_two_threads_are_bit_identical(monkeypatch):
    """Buckets above PARALLEL_MIN_NUMEL are split in halves run on two threads."""
    results = []
    for threshold in (1 << 30, 16):
        monkeypatch.setattr(optimizer_mod, "PARALLEL_MIN_NUMEL", threshold)
        for cls, kw in ALL.items():
            ps = _params()
            opt = getattr(optim, cls)(ps, **kw)
            _train(opt, ps, 10)
            results.append(_snapshot(ps))
            if threshold == 16:
                b = opt._cache[0][2][0].bucket
                assert len(b.full) == 2                 # really split
    half = len(results) // 2
    for a_list, b_list in zip(results[:half], results[half:]):
        for a, b in zip(a_list, b_list):
            assert np.array_equal(a, b)


def test_worker_error_is_raised_in_caller():
    w = optimizer_mod._Worker()

    def boom(x):
        if x == 1:
            raise ValueError("in helper")

    with pytest.raises(ValueError, match="in helper"):
        w.run_pair(boom, (0,), (1,))
    w.run_pair(boom, (0,), (0,))     # still usable


def test_add_param_group_later():
    ps = _params()
    opt = optim.SGD(ps[:2], lr=0.1, momentum=0.9)
    _train(opt, ps, 2)
    assert ps[2].grad is not None
    w2 = ps[2]._data.copy()
    opt.add_param_group({"params": ps[2:], "lr": 0.01})
    assert opt.param_groups[1]["momentum"] == 0.9 and opt.param_groups[1]["lr"] == 0.01
    _train(opt, ps, 1)
    assert not np.array_equal(ps[2]._data, w2)
    assert "momentum_buffer" in opt.state[ps[3]]


def test_lr_read_every_step():
    p = nerve.tensor(np.ones(3, np.float32), requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    p.grad = nerve.tensor(np.ones(3, np.float32))
    opt.step()
    opt.param_groups[0]["lr"] = 0.5
    opt.step()
    np.testing.assert_allclose(p._data, 1 - 0.1 - 0.5, rtol=1e-6)


def test_zero_grad():
    ps = _params()
    opt = optim.SGD(ps, lr=0.1)
    for p in ps:
        p.grad = nerve.tensor(np.ones(p.shape, np.float32))
    g0 = ps[0].grad
    opt.zero_grad(set_to_none=False)
    assert ps[0].grad is g0 and not g0._data.any()
    opt.zero_grad()
    assert all(p.grad is None for p in ps)


def test_step_closure():
    ps = _params()
    opt = optim.Adam(ps, lr=0.01)
    calls = []

    def closure():
        calls.append(nerve.is_grad_enabled())
        opt.zero_grad()
        for p, g in zip(ps, grad_fn([p._data for p in ps])):
            p.grad = nerve.tensor(g)
        return 1.5

    with nerve.no_grad():
        assert opt.step(closure) == 1.5
    assert calls == [True]
    assert opt.state[ps[0]]["step"] == 1.0


def test_named_parameters_and_hooks():
    ps = _params()
    opt = optim.SGD([("w1", ps[0]), ("b1", ps[1])], lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["w1", "b1"]
    seen = []
    h = opt.register_step_pre_hook(lambda o, a, k: seen.append("pre"))
    opt.register_step_post_hook(lambda o, a, k: seen.append("post"))
    opt.step()
    h.remove()
    opt.step()
    assert seen == ["pre", "post", "post"]


def test_pickle_and_deepcopy():
    import pickle
    ps = _params()
    opt = optim.Adam(ps, lr=0.01)
    _train(opt, ps, 3)
    opt2 = pickle.loads(pickle.dumps(opt))
    assert opt2.state_dict()["param_groups"] == opt.state_dict()["param_groups"]
    ps2 = opt2.param_groups[0]["params"]
    _train(opt2, ps2, 2)
    _train(opt, ps, 2)
    for a, b in zip(ps, ps2):
        assert np.array_equal(a._data, b._data)


# ----------------------------------------------------------------------------- errors

@pytest.mark.parametrize("cls,kw,msg", [
    ("SGD", dict(lr=-1), "Invalid learning rate: -1"),
    ("SGD", dict(lr=0.1, momentum=-0.5), "Invalid momentum value: -0.5"),
    ("SGD", dict(lr=0.1, weight_decay=-1), "Invalid weight_decay value: -1"),
    ("SGD", dict(lr=0.1, nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "Nesterov momentum requires"),
    ("Adam", dict(lr=-1), "Invalid learning rate: -1"),
    ("Adam", dict(eps=-1e-8), "Invalid epsilon value: -1e-08"),
    ("Adam", dict(betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
    ("Adam", dict(betas=(0.9, -0.1)), "Invalid beta parameter at index 1: -0.1"),
    ("AdamW", dict(weight_decay=-0.1), "Invalid weight_decay value: -0.1"),
    ("RMSprop", dict(alpha=-0.1), "Invalid alpha value: -0.1"),
    ("RMSprop", dict(momentum=-1), "Invalid momentum value: -1"),
    ("Adagrad", dict(lr_decay=-1), "Invalid lr_decay value: -1"),
    ("Adagrad", dict(initial_accumulator_value=-1), "Invalid initial_accumulator_value value: -1"),
    ("Adam", dict(differentiable=True), "differentiable=True is not supported"),
])
def test_invalid_hyperparameters(cls, kw, msg):
    with pytest.raises(ValueError, match=msg.replace("(", r"\(").replace(".", r"\.")):
        getattr(optim, cls)(_params(), **kw)


def test_invalid_group_hyperparameter():
    ps = _params()
    with pytest.raises(ValueError, match="Invalid learning rate: -0.5"):
        optim.Adam([{"params": ps[:2]}, {"params": ps[2:], "lr": -0.5}])


def test_param_errors():
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        optim.Adam([])
    with pytest.raises(TypeError, match="iterable of Tensors or dicts"):
        optim.SGD(_params()[0], lr=0.1)
    with pytest.raises(TypeError, match="optimizer can only optimize Tensors, but one of the params is "
                                        "numpy.ndarray"):
        optim.SGD([np.ones(3)], lr=0.1)
    w = nerve.tensor(np.ones(3, np.float32), requires_grad=True)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        optim.SGD([w * 2], lr=0.1)
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        optim.SGD([{"params": [w]}, {"params": [w]}], lr=0.1)
    with pytest.raises(TypeError, match="sets"):
        optim.SGD([{"params": {w}}], lr=0.1)
    with pytest.raises(ValueError, match="required optimization parameter lr"):
        optim.Optimizer([w], {"lr": optim.required})
    with pytest.raises(NotImplementedError):
        optim.Optimizer([w], {"lr": 0.1}).step()


def test_grad_shape_error():
    w = nerve.tensor(np.ones((2, 3), np.float32), requires_grad=True)
    opt = optim.Adam([w])
    w._grad = nerve.tensor(np.ones(3, np.float32))    # past the .grad setter, which refuses it itself
    with pytest.raises(RuntimeError, match=r"shape \(2, 3\) has a gradient of shape \(3,\)"):
        opt.step()


def test_load_state_dict_errors():
    ps = _params()
    opt = optim.Adam([{"params": ps[:2]}, {"params": ps[2:]}])
    _train(opt, ps, 1)
    sd = opt.state_dict()
    other = optim.Adam(_params())
    with pytest.raises(ValueError, match="different number of parameter groups"):
        other.load_state_dict(sd)
    other = optim.Adam([{"params": _params()[:3]}, {"params": _params()[3:]}])
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        other.load_state_dict(sd)
    wrong = [nerve.tensor(np.ones((2, 2), np.float32), requires_grad=True) for _ in range(4)]
    other = optim.Adam([{"params": wrong[:2]}, {"params": wrong[2:]}])
    with pytest.raises(ValueError, match=r"has shape \(6, 5\) but its parameter has shape \(2, 2\)"):
        other.load_state_dict(sd)
    with pytest.raises(ValueError, match="'state' and 'param_groups'"):
        opt.load_state_dict({"state": {}})


def test_non_float_and_frozen_params_are_accepted():
    """PyTorch accepts parameters that never get gradients (frozen layers)."""
    w = nerve.tensor(np.ones(3, np.float32), requires_grad=True)
    frozen = nerve.tensor(np.ones(3, np.float32))
    idx = nerve.tensor(np.arange(3))
    opt = optim.Adam([w, frozen, idx], lr=0.1)
    w.grad = nerve.tensor(np.ones(3, np.float32))
    opt.step()
    assert np.array_equal(frozen._data, np.ones(3)) and np.array_equal(idx._data, np.arange(3))
    assert list(opt.state_dict()["state"]) == [0]


def test_load_state_dict_into_stepped_flat_optimizer():
    """Loading replaces the state of live buckets; training continues exactly."""
    ps = _params()
    opt = optim.Adam(ps, lr=0.01, amsgrad=True)
    _train(opt, ps, 10)
    sd = copy.deepcopy(opt.state_dict())
    values = _snapshot(ps)
    _train(opt, ps, 10)
    expected = _snapshot(ps)

    ps2 = _params([a[::-1].copy() * 3 for a in _init()])
    opt2 = optim.Adam(ps2, lr=0.5)
    _train(opt2, ps2, 4)                      # buckets built, state diverged
    with nerve.no_grad():
        for p, v in zip(ps2, values):
            p.copy_(nerve.tensor(v))          # in place: p._data stays the flat view
    opt2.load_state_dict(sd)
    assert opt2.param_groups[0]["lr"] == 0.01 and opt2.param_groups[0]["amsgrad"]
    _train(opt2, ps2, 10)
    for a, b in zip(_snapshot(ps2), expected):
        assert np.array_equal(a, b)


def test_scalar_and_empty_params():
    torch = pytest.importorskip("torch")
    init = [np.float32(0.5) * np.ones((), np.float32), np.zeros((0, 3), np.float32), np.ones((2, 2), np.float32)]
    ps = [nerve.tensor(a.copy(), requires_grad=True) for a in init]
    tps = [torch.tensor(a.copy(), requires_grad=True) for a in init]
    opt, topt = optim.Adam(ps, lr=0.1), torch.optim.Adam(tps, lr=0.1)
    for t in range(5):
        for p, tp in zip(ps, tps):
            g = np.asarray(np.cos(np.asarray(p._data, np.float64)) + t, dtype=np.float32)
            p.grad = nerve.tensor(g)
            tp.grad = torch.from_numpy(g.copy())
        opt.step()
        topt.step()
    for p, tp in zip(ps, tps):
        assert p.shape == tuple(tp.shape)
        np.testing.assert_allclose(p._data, tp.detach().numpy(), rtol=1e-5, atol=1e-6)
