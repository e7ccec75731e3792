"""nn.Module, Parameter, containers, state_dict and the small layers (Flatten, Dropout, ...)."""
import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import nerve
from nerve import nn


def _mlp(mod):
    return mod.Sequential(mod.Linear(4, 8), mod.ReLU(), mod.Linear(8, 3))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(5, 6)
        self.blocks = nn.ModuleList([nn.Linear(6, 6) for _ in range(3)])
        self.heads = nn.ModuleDict({"cls": nn.Linear(6, 2), "reg": nn.Linear(6, 1, bias=False)})
        self.scale = nn.Parameter(nerve.ones(6))
        self.register_buffer("running", nerve.zeros(6))
        self.register_buffer("scratch", nerve.zeros(2), persistent=False)

    def forward(self, x):
        x = self.embed(x) * self.scale
        for b in self.blocks:
            x = b(x).relu()
        return self.heads["cls"](x), self.heads["reg"](x)


def _torch_net():
    torch = pytest.importorskip("torch")
    tnn = torch.nn

    class TNet(tnn.Module):
        def __init__(self):
            super().__init__()
            self.embed = tnn.Linear(5, 6)
            self.blocks = tnn.ModuleList([tnn.Linear(6, 6) for _ in range(3)])
            self.heads = tnn.ModuleDict({"cls": tnn.Linear(6, 2), "reg": tnn.Linear(6, 1, bias=False)})
            self.scale = tnn.Parameter(torch.ones(6))
            self.register_buffer("running", torch.zeros(6))
            self.register_buffer("scratch", torch.zeros(2), persistent=False)

        def forward(self, x):
            x = self.embed(x) * self.scale
            for b in self.blocks:
                x = b(x).relu()
            return self.heads["cls"](x), self.heads["reg"](x)

    return TNet()


# ------------------------------------------------------------------ Parameter
def test_parameter_basics():
    t = nerve.randn(3, 2)
    p = nn.Parameter(t)
    assert isinstance(p, nerve.Tensor)
    assert p.requires_grad and p.is_leaf
    assert p._data is t._data                       # shares the array
    assert repr(p).startswith("Parameter containing:\ntensor(")
    assert type(p * 2) is nerve.Tensor            # results of ops are plain tensors
    assert type(p.detach()) is nerve.Tensor
    assert not nn.Parameter(t, requires_grad=False).requires_grad
    assert nn.Parameter().shape == (0,)
    with pytest.raises(RuntimeError, match="floating point"):
        nn.Parameter(nerve.tensor([1, 2]))


def test_parameter_deepcopy_and_pickle():
    p = nn.Parameter(nerve.randn(3))
    for q in (copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert type(q) is nn.Parameter and q.requires_grad
        assert q._data is not p._data
        np.testing.assert_array_equal(q._data, p._data)


# ---------------------------------------------------------------- registration
def test_registration_order_and_fast_attributes():
    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names == ["scale", "embed.weight", "embed.bias", "blocks.0.weight", "blocks.0.bias",
                     "blocks.1.weight", "blocks.1.bias", "blocks.2.weight", "blocks.2.bias",
                     "heads.cls.weight", "heads.cls.bias", "heads.reg.weight"]
    assert [n for n, _ in net.named_buffers()] == ["running", "scratch"]
    assert list(net.state_dict()) == ["scale", "running"] + names[1:]   # non-persistent excluded
    # registered objects live in the instance dict: forward reads them without __getattr__
    lin = net.embed
    assert lin.__dict__["weight"] is lin._parameters["weight"]
    assert net.__dict__["embed"] is net._modules["embed"]
    assert net.__dict__["running"] is net._buffers["running"]
    assert [n for n, _ in net.named_children()] == ["embed", "blocks", "heads"]
    assert [n for n, _ in net.named_modules()] == [
        "", "embed", "blocks", "blocks.0", "blocks.1", "blocks.2", "heads", "heads.cls", "heads.reg"]


def test_names_match_torch():
    torch = pytest.importorskip("torch")
    net, tnet = Net(), _torch_net()
    assert [n for n, _ in net.named_parameters()] == [n for n, _ in tnet.named_parameters()]
    assert [n for n, _ in net.named_buffers()] == [n for n, _ in tnet.named_buffers()]
    assert list(net.state_dict()) == list(tnet.state_dict())
    assert [n for n, _ in net.named_modules()] == [n for n, _ in tnet.named_modules()]
    m, tm = _mlp(nn), _mlp(torch.nn)
    assert [n for n, _ in m.named_parameters()] == [n for n, _ in tm.named_parameters()] \
        == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert list(m.state_dict()) == list(tm.state_dict())
    assert [n for n, _ in m.named_parameters(prefix="model")] == \
        [n for n, _ in tm.named_parameters(prefix="model")]


def test_reassign_keeps_order_and_sync():
    lin = nn.Linear(3, 2)
    new_w = nn.Parameter(nerve.zeros(2, 3))
    lin.weight = new_w
    assert lin.weight is new_w and lin._parameters["weight"] is new_w
    assert [n for n, _ in lin.named_parameters()] == ["weight", "bias"]      # order kept
    lin.bias = None                                                          # allowed
    assert lin.bias is None and lin._parameters["bias"] is None
    assert [n for n, _ in lin.named_parameters()] == ["weight"]
    assert "bias" not in lin.state_dict()
    with pytest.raises(TypeError, match="cannot assign 'Tensor' as parameter 'weight'"):
        lin.weight = nerve.zeros(2, 3)


def test_setattr_moves_between_kinds_and_delattr():
    m = nn.Module()
    m.x = 3
    m.x = nn.Parameter(nerve.zeros(1))            # plain attribute becomes a parameter
    assert [n for n, _ in m.named_parameters()] == ["x"]
    with pytest.raises(TypeError, match="cannot assign 'Identity' as parameter 'x'"):
        m.x = nn.Identity()                       # as in PyTorch: delete the parameter first
    del m.x
    assert list(m.named_parameters()) == [] and "x" not in m.__dict__
    m.x = nn.Identity()
    assert list(m._modules) == ["x"] and m.x is m._modules["x"]
    with pytest.raises(TypeError, match="child module 'x'"):
        m.x = 5
    del m.x
    assert "x" not in m._modules and not hasattr(m, "x")
    m.register_buffer("b", nerve.zeros(2))
    m.b = nerve.ones(2)                           # assigning a tensor replaces the buffer
    assert m._buffers["b"] is m.b and float(m.b.sum()) == 2
    with pytest.raises(TypeError, match="buffer 'b'"):
        m.b = np.ones(2)
    del m.b
    assert "b" not in m._buffers and not hasattr(m, "b")
    with pytest.raises(AttributeError, match="'Module' object has no attribute 'nope'"):
        m.nope  # noqa: B018


def test_registration_errors():
    m = nn.Module()
    with pytest.raises(KeyError, match="cannot contain"):
        m.register_parameter("a.b", None)
    with pytest.raises(KeyError, match="empty"):
        m.register_buffer("", None)
    with pytest.raises(TypeError, match="nerve.nn.Parameter or None"):
        m.register_parameter("w", nerve.zeros(2))
    with pytest.raises(KeyError, match="attribute 'train' already exists"):
        m.add_module("train", nn.Identity())
    with pytest.raises(TypeError, match="is not a Module subclass"):
        m.add_module("f", lambda x: x)
    w = nn.Parameter(nerve.zeros(2))
    with pytest.raises(ValueError, match="non-leaf"):
        m.register_parameter("w2", _nonleaf_param(w))

    class Bad(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(nerve.zeros(1))     # forgot super().__init__()

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Bad()


def _nonleaf_param(w):
    out = w * 2
    p = nn.Parameter._make(out._data, True)
    p._ctx = out._ctx
    return p


def test_module_without_forward():
    with pytest.raises(NotImplementedError, match=r'Module \[Module\] is missing the required "forward"'):
        nn.Module()(1)


def test_class_attribute_names_are_not_shadowed():
    d = nn.ModuleDict()
    d.update([("cls", nn.Identity())])
    assert callable(d.keys) and list(d.keys()) == ["cls"]
    m = nn.Module()
    m.__setattr__("eval", nn.Identity())         # registered, but the method still wins (as in PyTorch)
    assert "eval" in m._modules and m.eval() is m


def test_tied_parameters_counted_once():
    torch = pytest.importorskip("torch")
    for mod in (nn, torch.nn):
        a, b = mod.Linear(3, 3), mod.Linear(3, 3)
        b.weight = a.weight
        s = mod.Sequential(a, b)
        names = [n for n, _ in s.named_parameters()]
        all_names = [n for n, _ in s.named_parameters(remove_duplicate=False)]
        keys = list(s.state_dict())
        if mod is nn:
            nerve_res = (names, all_names, keys)
        else:
            assert nerve_res == (names, all_names, keys)
    assert nerve_res[0] == ["0.weight", "0.bias", "1.bias"]
    assert len(list(nerve_res[2])) == 4


# --------------------------------------------------------------------- modes
def test_train_eval_propagate():
    net = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Dropout(), nn.ModuleList([nn.Dropout()])))
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    net[1].train(False)
    assert net.training and net[0].training and not net[1][0].training and not net[1][1][0].training
    with pytest.raises(ValueError, match="boolean"):
        net.train("yes")


def test_zero_grad_and_requires_grad_():
    m = _mlp(nn)
    m(nerve.randn(5, 4)).sum().backward()
    assert all(p.grad is not None for p in m.parameters())
    grads = [p.grad for p in m.parameters()]
    m.zero_grad(set_to_none=False)
    for p, g in zip(m.parameters(), grads):
        assert p.grad is g and not g._data.any()          # zeroed in place
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())
    m[0].requires_grad_(False)
    m(nerve.randn(5, 4)).sum().backward()
    assert m[0].weight.grad is None and m[2].weight.grad is not None


def test_apply_and_submodule_lookup():
    net = Net()
    seen = []
    net.apply(lambda mod: seen.append(type(mod).__name__))
    assert seen[-1] == "Net" and seen.count("Linear") == 6
    net.apply(lambda mod: nn.init.zeros_(mod.weight) if isinstance(mod, nn.Linear) else None)
    assert not net.blocks[1].weight._data.any()
    assert net.get_submodule("blocks.2") is net.blocks[2]
    assert net.get_parameter("heads.cls.bias") is net.heads["cls"].bias
    assert net.get_buffer("running") is net.running
    with pytest.raises(AttributeError, match="has no attribute `nope`"):
        net.get_submodule("blocks.nope")
    with pytest.raises(AttributeError, match="is not an nn.Parameter"):
        net.get_parameter("running")


def test_forward_hooks():
    lin = nn.Linear(2, 2)
    calls = []
    h1 = lin.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    h2 = lin.register_forward_hook(lambda m, args, out: calls.append(out.shape) or out + 1)
    y = lin(nerve.ones(3, 2))
    np.testing.assert_allclose(y._data, np.broadcast_to(lin.bias._data + 1, (3, 2)), rtol=1e-6)
    assert calls == [(3, 2)]
    h1.remove()
    h2.remove()
    y = lin(nerve.ones(3, 2))
    np.testing.assert_allclose(y._data, (lin.weight._data.sum(1) + lin.bias._data)[None].repeat(3, 0), rtol=1e-6)
    assert calls == [(3, 2)]
    with lin.register_forward_hook(lambda m, a, k, out: out * 0, with_kwargs=True):
        assert not lin(nerve.ones(1, 2))._data.any()
    assert lin(nerve.ones(1, 2))._data.any()


# ------------------------------------------------------------------ state dict
def test_state_dict_shares_memory_and_is_detached():
    m = _mlp(nn)
    sd = m.state_dict()
    assert isinstance(sd, OrderedDict)
    assert type(sd["0.weight"]) is nerve.Tensor and not sd["0.weight"].requires_grad
    assert sd["0.weight"]._data is m[0].weight._data
    kv = m.state_dict(keep_vars=True)
    assert kv["0.weight"] is m[0].weight


def test_load_torch_state_dict_gives_identical_outputs():
    torch = pytest.importorskip("torch")
    net, tnet = Net(), _torch_net()
    with torch.no_grad():
        tnet.running.normal_()
        tnet.scale.normal_()
    res = net.load_state_dict({k: v.numpy() for k, v in tnet.state_dict().items()})
    assert res.missing_keys == [] and res.unexpected_keys == [] and repr(res) == "<All keys matched successfully>"
    x = np.random.randn(7, 5).astype(np.float32)
    a, b = net(nerve.tensor(x))
    ta, tb = tnet(torch.from_numpy(x))
    np.testing.assert_allclose(a._data, ta.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(b._data, tb.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(net.running._data, tnet.running.numpy())
    net2 = Net()
    net2.load_state_dict(tnet.state_dict())          # torch CPU tensors are accepted as they are
    np.testing.assert_array_equal(net2.embed.weight._data, tnet.embed.weight.detach().numpy())


def test_load_nerve_state_dict_into_torch():
    torch = pytest.importorskip("torch")
    m, tm = _mlp(nn), _mlp(torch.nn)
    tm.load_state_dict({k: torch.from_numpy(v.numpy()) for k, v in m.state_dict().items()})
    x = np.random.randn(6, 4).astype(np.float32)
    np.testing.assert_allclose(m(nerve.tensor(x))._data, tm(torch.from_numpy(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)


def test_load_state_dict_copies_in_place_and_casts():
    m = _mlp(nn)
    params = list(m.parameters())
    arrays = [p._data for p in params]
    src = _mlp(nn)
    sd = {k: v._data.astype(np.float64) for k, v in src.state_dict().items()}
    m.load_state_dict(sd)
    for p, a, (k, v) in zip(m.parameters(), arrays, sd.items()):
        assert p._data is a and p.dtype == np.float32       # same storage, dtype kept
        np.testing.assert_allclose(p._data, v, rtol=1e-6)
    assert all(p is q for p, q in zip(m.parameters(), params))
    # loading plain nerve tensors works too
    m.load_state_dict(src.state_dict())
    np.testing.assert_array_equal(m[2].bias._data, src[2].bias._data)


def test_load_state_dict_strict_errors():
    m = _mlp(nn)
    sd = {k: v._data.copy() for k, v in m.state_dict().items()}
    del sd["2.bias"]
    sd["3.weight"] = np.zeros(1)
    sd["extra"] = np.zeros(1)
    with pytest.raises(RuntimeError) as e:
        m.load_state_dict(sd)
    msg = str(e.value)
    assert msg.startswith("Error(s) in loading state_dict for Sequential:")
    assert 'Missing key(s) in state_dict: "2.bias".' in msg
    assert 'Unexpected key(s) in state_dict: "3.weight", "extra".' in msg
    res = m.load_state_dict(sd, strict=False)
    assert res.missing_keys == ["2.bias"] and res.unexpected_keys == ["3.weight", "extra"]


def test_load_state_dict_size_mismatch_message():
    m = nn.Sequential(OrderedDict([("fc", nn.Linear(4, 10))]))
    bad = {"fc.weight": np.zeros((10, 5), np.float32), "fc.bias": np.zeros(10, np.float32)}
    with pytest.raises(RuntimeError, match=r"size mismatch for fc\.weight: copying a param with shape "
                                           r"\(10, 5\) from checkpoint, the shape in current model is "
                                           r"\(10, 4\)\."):
        m.load_state_dict(bad)
    with pytest.raises(RuntimeError, match="size mismatch"):
        m.load_state_dict(bad, strict=False)        # shape errors are raised even when not strict
    with pytest.raises(TypeError, match="dict-like"):
        m.load_state_dict([1, 2])
    with pytest.raises(RuntimeError, match='parameter named "fc.bias"'):
        m.load_state_dict({"fc.weight": np.zeros((10, 4)), "fc.bias": "oops"})


def test_load_state_dict_assign():
    m = nn.Linear(2, 3)
    w = np.ones((3, 2))                         # float64: assign keeps the checkpoint's tensor
    m.load_state_dict({"weight": w, "bias": np.zeros(3)}, assign=True)
    assert isinstance(m.weight, nn.Parameter) and m.weight.requires_grad
    assert m.weight._data is w and m.weight.dtype == np.float64
    assert m._parameters["weight"] is m.weight


def test_save_load_roundtrip(tmp_path):
    m, m2 = _mlp(nn), _mlp(nn)
    nerve.save(m.state_dict(), tmp_path / "m.safetensors")
    m2.load_state_dict(nerve.load(tmp_path / "m.safetensors"))
    x = nerve.randn(2, 4)
    np.testing.assert_array_equal(m(x)._data, m2(x)._data)


def test_deepcopy_module():
    m = Net()
    c = copy.deepcopy(m)
    assert c.embed.weight is not m.embed.weight
    assert c.embed.__dict__["weight"] is c.embed._parameters["weight"]
    c.embed.weight._data[...] = 0
    assert m.embed.weight._data.any()
    x = nerve.randn(2, 5)
    np.testing.assert_array_equal(copy.deepcopy(m)(x)[0]._data, m(x)[0]._data)


# ------------------------------------------------------------- device, dtype
def test_to_dtype_in_place():
    m = Net()
    m(nerve.randn(2, 5))[0].sum().backward()
    params = list(m.parameters())
    assert m.double() is m
    assert all(p.dtype == np.float64 for p in m.parameters())
    assert all(p.grad.dtype == np.float64 for p in m.parameters() if p.grad is not None)
    assert m.running.dtype == np.float64
    assert all(p is q for p, q in zip(m.parameters(), params))    # same Parameter objects
    y = m(nerve.randn(2, 5, dtype=nerve.float64))[0]
    assert y.dtype == np.float64
    m.to(nerve.float32)
    assert all(p.dtype == np.float32 for p in m.parameters())
    m.to("cpu", dtype="float64")
    assert m.embed.weight.dtype == np.float64
    m.float().cpu()
    assert m.embed.weight.dtype == np.float32
    m.register_buffer("count", nerve.tensor(3))
    m.double()
    assert m.count.dtype == np.int64                                  # integers are not cast
    with pytest.raises(TypeError, match="floating point"):
        m.to(nerve.int64)


# ------------------------------------------------------------------ containers
def test_sequential_indexing_and_mutation():
    a, b, c = nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 3)
    s = nn.Sequential(a, b, c)
    assert len(s) == 3 and list(s) == [a, b, c]
    assert s[0] is a and s[-1] is c
    sl = s[1:]
    assert isinstance(sl, nn.Sequential) and list(sl._modules) == ["1", "2"] and sl[0] is b
    with pytest.raises(IndexError, match="out of range"):
        s[3]  # noqa: B018
    d = nn.Identity()
    s.insert(1, d)
    assert list(s) == [a, d, b, c] and list(s._modules) == ["0", "1", "2", "3"]
    assert s.__dict__["1"] is d and s.__dict__["3"] is c
    del s[1]
    assert list(s) == [a, b, c] and list(s._modules) == ["0", "1", "2"] and "3" not in s.__dict__
    s.append(nn.Tanh())
    s.extend([nn.Identity()])
    assert len(s) == 5 and isinstance(s[3], nn.Tanh)
    assert s.pop(3).__class__ is nn.Tanh and len(s) == 4
    s[0] = nn.Linear(1, 2)
    assert s[0] is not a
    assert [n for n, _ in (s + nn.Sequential(nn.Linear(3, 1))).named_parameters()] == \
        ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
    od = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2)), ("act", nn.ReLU())]))
    assert [n for n, _ in od.named_parameters()] == ["fc.weight", "fc.bias"] and od.fc is od[0]


def test_sequential_forward_chains():
    s = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    x = nerve.randn(5, 3)
    expect = s[2](s[1](s[0](x)))
    np.testing.assert_array_equal(s(x)._data, expect._data)


def test_modulelist():
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(2)])
    layers += [nn.Linear(2, 3)]
    layers.append(nn.ReLU())
    layers.insert(0, nn.Identity())
    assert len(layers) == 5 and isinstance(layers[0], nn.Identity) and isinstance(layers[-1], nn.ReLU)
    assert [n for n, _ in layers.named_parameters()] == [
        "1.weight", "1.bias", "2.weight", "2.bias", "3.weight", "3.bias"]
    sub = layers[1:3]
    assert isinstance(sub, nn.ModuleList) and len(sub) == 2 and sub[0] is layers[1]
    del layers[0]
    assert list(layers._modules) == ["0", "1", "2", "3"] and isinstance(layers[0], nn.Linear)
    assert isinstance(layers.pop(-1), nn.ReLU) and len(layers) == 3
    with pytest.raises(TypeError, match="iterable"):
        layers.extend(5)
    with pytest.raises(NotImplementedError):
        layers(nerve.zeros(1, 2))


def test_moduledict():
    d = nn.ModuleDict({"a": nn.Linear(1, 1)})
    d["b"] = nn.ReLU()
    d.update([("c", nn.Tanh())])
    assert list(d) == ["a", "b", "c"] and "b" in d and len(d) == 3
    assert list(d.keys()) == ["a", "b", "c"] and isinstance(list(d.values())[2], nn.Tanh)
    assert [k for k, _ in d.items()] == ["a", "b", "c"]
    assert isinstance(d.pop("b"), nn.ReLU) and "b" not in d and "b" not in d.__dict__
    del d["c"]
    assert list(d) == ["a"]
    d.clear()
    assert len(d) == 0 and "a" not in d.__dict__
    with pytest.raises(ValueError, match="length"):
        d.update([("a", nn.ReLU(), 3)])


def test_container_names_match_torch_after_edits():
    torch = pytest.importorskip("torch")
    names = []
    for mod in (nn, torch.nn):
        s = mod.Sequential(mod.Linear(1, 2), mod.Linear(2, 3), mod.Linear(3, 4))
        s.insert(1, mod.Linear(2, 2))
        del s[0]
        s.append(mod.Linear(4, 1))
        ml = mod.ModuleList([mod.Linear(1, 1)])
        ml.extend([mod.Linear(1, 1), mod.Identity(), mod.Linear(1, 1)])
        del ml[1]
        names.append(([n for n, _ in s.named_parameters()], [n for n, _ in ml.named_parameters()]))
    assert names[0] == names[1]


# ------------------------------------------------------------------------ repr
def test_repr_matches_torch():
    torch = pytest.importorskip("torch")

    def build(mod):
        return mod.Sequential(
            mod.Flatten(),
            mod.Linear(784, 128),
            mod.ReLU(),
            mod.Dropout(0.2),
            mod.Sequential(OrderedDict([("inner", mod.Linear(128, 64, bias=False)), ("id", mod.Identity())])),
            mod.ModuleList([mod.Linear(64, 64) for _ in range(3)] + [mod.Linear(64, 10)]),
            mod.ModuleDict({"head": mod.Linear(10, 2)}),
            mod.Unflatten(1, (2, 1)),
        )

    assert str(build(nn)) == str(build(torch.nn))
    assert repr(nn.ModuleList()) == repr(torch.nn.ModuleList()) == "ModuleList()"
    assert repr(Net()).startswith("Net(\n  (embed): Linear(in_features=5, out_features=6, bias=True)\n")


def test_repr_multiline_extra_repr():
    class M(nn.Module):
        def extra_repr(self):
            return "a=1\nb=2"

    class Outer(nn.Module):
        def __init__(self):
            super().__init__()
            self.m = M()

    assert repr(M()) == "M(\n  a=1\n  b=2\n)"
    assert repr(Outer()) == "Outer(\n  (m): M(\n    a=1\n    b=2\n  )\n)"


# ------------------------------------------------------------ simple layers
def test_flatten_unflatten():
    x = nerve.randn(2, 3, 4, 5)
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(0, 2)(x).shape == (24, 5)
    assert nn.Flatten(start_dim=-2)(x).shape == (2, 3, 20)
    assert nn.Unflatten(1, (3, 20))(nerve.randn(2, 60)).shape == (2, 3, 20)
    assert nn.Unflatten(-1, [4, -1])(nerve.randn(2, 60)).shape == (2, 4, 15)
    with pytest.raises(RuntimeError, match=r"cannot be unflattened into \(7, 9\)"):
        nn.Unflatten(1, (7, 9))(nerve.randn(2, 60))
    with pytest.raises(TypeError):
        nn.Unflatten(1, 60)
    g = nerve.randn(2, 3, 4, requires_grad=True)
    nn.Flatten()(g).sum().backward()
    np.testing.assert_array_equal(g.grad._data, np.ones((2, 3, 4)))
    assert repr(nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"
    assert repr(nn.Unflatten(1, (2, 5))) == "Unflatten(dim=1, unflattened_size=(2, 5))"


def test_identity():
    x = nerve.randn(3)
    assert nn.Identity(54, unused="x")(x) is x
    assert repr(nn.Identity()) == "Identity()"


def test_dropout_statistics_and_eval():
    p = 0.3
    drop = nn.Dropout(p)
    x = nerve.ones(200_000)
    y = drop(x)._data
    zero_frac = float((y == 0).mean())
    assert abs(zero_frac - p) < 0.01
    np.testing.assert_allclose(y[y != 0], 1 / (1 - p), rtol=1e-6)
    assert abs(y.mean() - 1.0) < 0.01                       # expectation preserved
    assert y.dtype == np.float32
    drop.eval()
    assert drop(x) is x
    drop.train()
    assert nn.Dropout(0.0)(x)._data.all()
    assert not nn.Dropout(1.0)(x)._data.any()


def test_dropout_gradient_uses_the_mask():
    x = nerve.randn(50, 40, requires_grad=True)
    y = nn.Dropout(0.5)(x)
    y.sum().backward()
    kept = y._data != 0
    np.testing.assert_allclose(x.grad._data, np.where(kept, 2.0, 0.0))


def test_dropout_seeded_and_validated():
    nerve.manual_seed(7)
    a = nn.Dropout()(nerve.ones(100))._data
    nerve.manual_seed(7)
    b = nn.Dropout()(nerve.ones(100))._data
    np.testing.assert_array_equal(a, b)
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError, match="between 0 and 1, but got"):
            nn.Dropout(bad)
    assert repr(nn.Dropout(0.25)) == "Dropout(p=0.25, inplace=False)"
