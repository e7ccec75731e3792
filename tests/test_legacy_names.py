"""The names real PyTorch scripts touch on their first lines: nerve.cuda, accelerator, backends,
autograd.Variable, the typed constructors (FloatTensor, ...), Tensor.type, nn.parallel, onnx,
dtype aliases (int, short, cfloat, bfloat16), finfo/iinfo, set_printoptions, is_floating_point."""
import io
import warnings

import numpy as np
import pytest

import nerve
from nerve import nn


def _torch():
    return pytest.importorskip("torch")


NO_GPU = not nerve.cuda.is_available()
cpu_only = pytest.mark.skipif(not NO_GPU, reason="a CUDA device is available here")


# ----------------------------------------------------------------------------- nerve.cuda

@cpu_only
def test_cuda_on_a_cpu_only_machine_behaves_like_torch():
    cuda = nerve.cuda
    assert cuda.is_available() is False and cuda.device_count() == 0 and cuda.is_initialized() is False
    # seeding, cache clearing and memory queries are quiet no-ops, as in torch
    assert cuda.manual_seed(0) is None and cuda.manual_seed_all(123) is None and cuda.empty_cache() is None
    assert cuda.memory_allocated() == 0 and cuda.max_memory_allocated() == 0 and cuda.memory_reserved() == 0
    assert cuda.is_bf16_supported() is False
    for call in (cuda.current_device, cuda.get_device_name, cuda.synchronize, lambda: cuda.set_device(0),
                 cuda.get_device_capability, cuda.get_device_properties):
        with pytest.raises(RuntimeError, match="CUDA is not available") as e:
            call()
        assert isinstance(e.value, AssertionError)  # torch's CPU build raises AssertionError
        assert "cupy" in str(e.value).lower()
    with cuda.device(None):  # no device selected: a no-op, as in torch
        pass


def test_cuda_answers_agree_with_torch_when_neither_has_a_gpu():
    torch = _torch()
    if torch.cuda.is_available() or not NO_GPU:
        pytest.skip("compares CPU-only behaviour")
    assert nerve.cuda.is_available() == torch.cuda.is_available()
    assert nerve.cuda.device_count() == torch.cuda.device_count()
    assert nerve.cuda.memory_allocated() == torch.cuda.memory_allocated()


def test_device_selection_idiom():
    device = nerve.device("cuda" if nerve.cuda.is_available() else "cpu")
    model = nn.Linear(3, 2).to(device)
    out = model(nerve.randn(4, 3, device=device))
    assert out.device == device


# ----------------------------------------------------------------------------- accelerator, backends

@cpu_only
def test_accelerator_on_cpu():
    acc = nerve.accelerator
    assert acc.is_available() is False and acc.current_accelerator() is None and acc.device_count() == 0
    with pytest.raises(RuntimeError, match="Cannot access accelerator device when none is available"):
        acc.current_device_index()
    with pytest.raises(RuntimeError, match="none is available"):
        acc.synchronize()
    assert acc.memory_allocated() == 0 and acc.empty_cache() is None


def test_backends_flags_are_settable_and_checks_are_false():
    import nerve.backends.cudnn as cudnn
    torch = _torch()
    assert cudnn is nerve.backends.cudnn
    for name in ("enabled", "benchmark", "deterministic", "allow_tf32"):
        assert getattr(cudnn, name) == getattr(torch.backends.cudnn, name), name
    old = cudnn.benchmark, cudnn.deterministic
    try:
        cudnn.benchmark, cudnn.deterministic = True, True
        assert nerve.backends.cudnn.benchmark is True and nerve.backends.cudnn.deterministic is True
        with cudnn.flags(enabled=False, benchmark=False):
            assert cudnn.enabled is False and cudnn.benchmark is False
        assert cudnn.enabled is True and cudnn.benchmark is True
    finally:
        cudnn.benchmark, cudnn.deterministic = old
    assert cudnn.is_available() is False and cudnn.version() is None
    assert nerve.backends.mps.is_available() is False and nerve.backends.mps.is_built() is False
    assert nerve.backends.cpu.get_cpu_capability() in ("AVX512", "AVX2", "DEFAULT")
    nerve.backends.cuda.matmul.allow_tf32 = True
    assert nerve.backends.cuda.matmul.allow_tf32 is True
    nerve.backends.cuda.matmul.allow_tf32 = False
    assert isinstance(nerve.backends.cuda.is_built(), bool)


# ----------------------------------------------------------------------------- autograd.Variable

def test_variable_returns_a_tensor_like_torch():
    torch = _torch()
    from nerve.autograd import Variable
    base = nerve.ones(3)
    v = Variable(base, requires_grad=True)
    assert type(v) is nerve.Tensor and v.requires_grad and v.is_leaf and v is not base
    assert isinstance(v, Variable) and isinstance(nerve.zeros(1), Variable) and not isinstance([1], Variable)
    (v * v).sum().backward()
    np.testing.assert_array_equal(v.grad.numpy(), [2.0, 2.0, 2.0])
    v.data.mul_(5.0)  # shares storage with the wrapped tensor, as torch's does
    assert base.tolist() == [5.0, 5.0, 5.0]
    # a non-leaf is cut from the graph; requires_grad defaults to False
    x = nerve.ones(2, requires_grad=True)
    w = Variable(x * 2)
    tw = torch.autograd.Variable(torch.ones(2, requires_grad=True) * 2)
    assert (w.requires_grad, w.is_leaf, w.grad_fn) == (tw.requires_grad, tw.is_leaf, None)
    with pytest.raises(TypeError, match="Variable data has to be a tensor, but got list"):
        Variable([1, 2])
    with pytest.raises(RuntimeError, match="floating point"):
        Variable(nerve.ones(2, dtype=nerve.int64), requires_grad=True)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        Variable(nerve.ones(1), volatile=True)
    assert any("volatile" in str(w.message) for w in rec)


# ----------------------------------------------------------------------------- typed constructors

TYPES = ["FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor", "CharTensor",
         "ByteTensor", "BoolTensor"]


@pytest.mark.parametrize("name", TYPES)
def test_typed_constructor_matches_torch(name):
    torch = _torch()
    N, T = getattr(nerve, name), getattr(torch, name)
    for args in ([[1, 0, 2]], [[1.7, 0.2]], [np.array([3.0, 0.0])], [(2, 3)], []):
        got, ref = N(*args), T(*args)
        assert got.shape == tuple(ref.shape) and got.dtype.name == str(ref.dtype).replace("torch.", ""), args
        np.testing.assert_array_equal(got.numpy(), ref.numpy())
    for args in ([2, 3], [4]):
        got, ref = N(*args), T(*args)
        assert got.shape == tuple(ref.shape) and got.dtype.name == str(ref.dtype).replace("torch.", "")
    assert N(size=(2,)).shape == (2,)
    assert N.dtype.name == str(T.dtype).replace("torch.", "")
    assert repr(N) == f"<class 'nerve.{name}'>" and N.__name__ == name and N.__module__ == "nerve"
    assert N.is_cuda is False
    assert issubclass(N, nerve.Tensor) == issubclass(T, torch.Tensor)


def test_typed_constructor_errors_and_aliasing():
    with pytest.raises(TypeError, match="sequence"):
        nerve.FloatTensor(2.5)
    with pytest.raises(TypeError, match="dtype"):
        nerve.FloatTensor(nerve.tensor([1, 2]))  # torch: expected dtype float, got long
    with pytest.raises(RuntimeError, match="negative dimension"):
        nerve.FloatTensor(2, -1)
    a = nerve.FloatTensor([1.0, 2.0])
    b = nerve.FloatTensor(a)
    b.add_(1.0)
    assert a.tolist() == [2.0, 3.0]  # a legacy constructor over a tensor shares its storage


def test_isinstance_checks_dtype():
    torch = _torch()
    cases = [("zeros(2)", {}), ("zeros(2, float64)", {"dtype": "float64"}), ("zeros(2, int64)", {"dtype": "int64"}),
             ("zeros(2, int32)", {"dtype": "int32"}), ("zeros(2, bool)", {"dtype": "bool"}),
             ("zeros(2, uint8)", {"dtype": "uint8"})]
    for label, kw in cases:
        n = nerve.zeros(2, **{k: getattr(nerve, v) for k, v in kw.items()})
        t = torch.zeros(2, **{k: getattr(torch, v) for k, v in kw.items()})
        for name in TYPES:
            assert isinstance(n, getattr(nerve, name)) == isinstance(t, getattr(torch, name)), (label, name)
    assert isinstance(nn.Parameter(nerve.zeros(2)), nerve.FloatTensor)
    assert not isinstance([1.0], nerve.FloatTensor) and not isinstance(np.zeros(2, np.float32), nerve.FloatTensor)


def test_tensor_type_names_and_conversions():
    torch = _torch()
    for dt in ("float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"):
        n, t = nerve.zeros(2, dtype=getattr(nerve, dt)), torch.zeros(2, dtype=getattr(torch, dt))
        assert n.type() == t.type().replace("torch.", "nerve."), dt
    x = nerve.tensor([1.5, -2.5])
    for target in (nerve.DoubleTensor, "torch.LongTensor", "nerve.LongTensor", "torch.IntTensor", nerve.int,
                   nerve.float16, "nerve.BoolTensor"):
        got = x.type(target)
        tt = torch.tensor([1.5, -2.5])
        ref = tt.type(target if isinstance(target, str) and target.startswith("torch.") else
                      "torch." + target.split(".")[1] if isinstance(target, str) else
                      getattr(torch, target.__name__) if isinstance(target, type) else
                      getattr(torch, target.name))
        assert got.dtype.name == str(ref.dtype).replace("torch.", ""), target
        np.testing.assert_array_equal(got.numpy(), ref.numpy())
    assert x.type(nerve.FloatTensor) is x  # no conversion needed: the same tensor, as in torch
    with pytest.raises(ValueError, match="invalid type"):
        x.type("float")
    with pytest.raises(ValueError, match="invalid type"):
        x.type("torch.Float")
    if NO_GPU:
        with pytest.raises(RuntimeError, match="CuPy"):
            x.type("torch.cuda.FloatTensor")


# ----------------------------------------------------------------------------- nn.parallel, onnx

@pytest.mark.parametrize("wrap", [nn.DataParallel, nn.parallel.DataParallel, nn.parallel.DistributedDataParallel])
def test_parallel_wrappers_call_the_module(wrap):
    nerve.manual_seed(0)
    inner = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    model = wrap(inner)
    assert model.module is inner
    x = nerve.randn(5, 4)
    np.testing.assert_array_equal(model(x).detach().numpy(), inner(x).detach().numpy())
    assert list(model.state_dict()) == ["module." + k for k in inner.state_dict()]
    assert [id(p) for p in model.parameters()] == [id(p) for p in inner.parameters()]
    loss = model(x).pow(2).mean()
    loss.backward()
    assert all(p.grad is not None for p in inner.parameters())
    # checkpoints saved from the wrapper load into the wrapper and (unprefixed) into the bare model
    buf = io.BytesIO()
    nerve.save(model.state_dict(), buf)
    buf.seek(0)
    sd = nerve.load(buf)
    wrap(nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))).load_state_dict(sd)
    bare = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    bare.load_state_dict({k[len("module."):]: v for k, v in sd.items()})
    np.testing.assert_array_equal(bare(x).detach().numpy(), inner(x).detach().numpy())
    with pytest.raises(TypeError):
        wrap(lambda t: t)


def test_ddp_keywords_and_no_sync_and_torch_prefix():
    torch = _torch()
    ddp = nn.parallel.DistributedDataParallel(nn.Linear(2, 2), device_ids=[0], find_unused_parameters=True,
                                              broadcast_buffers=False, gradient_as_bucket_view=True)
    with ddp.no_sync():
        ddp(nerve.ones(1, 2)).sum().backward()
    assert ddp.module.weight.grad is not None
    assert list(nn.DataParallel(nn.Linear(2, 3)).state_dict()) == \
        list(torch.nn.DataParallel(torch.nn.Linear(2, 3)).state_dict())
    assert nn.parallel.data_parallel(nn.Identity(), nerve.ones(2)).tolist() == [1.0, 1.0]


def test_onnx_export_is_not_available_yet():
    with pytest.raises(NotImplementedError, match="ONNX export is not available yet"):
        nerve.onnx.export(nn.Linear(2, 2), nerve.ones(1, 2), "model.onnx")
    assert nerve.onnx.is_in_onnx_export() is False


# ----------------------------------------------------------------------------- dtypes and helpers

def test_dtype_aliases_match_torch():
    torch = _torch()
    for name in ("int", "short", "long", "float", "double", "half", "bool", "uint8", "int8", "int16", "int32",
                 "int64", "float16", "float32", "float64", "cfloat", "cdouble", "complex64", "complex128"):
        assert getattr(nerve, name).name == str(getattr(torch, name)).replace("torch.", ""), name
    assert nerve.int is nerve.int32 and nerve.short is nerve.int16
    assert nerve.tensor([1, 2], dtype=nerve.cfloat).dtype == nerve.complex64
    assert nerve.get_default_dtype() == nerve.float32


def test_bfloat16_is_a_clear_error_on_use():
    bf = nerve.bfloat16
    assert repr(bf) == "nerve.bfloat16" and bf.itemsize == 2 and bf != nerve.float16 and nerve.float32 != bf
    for use in (lambda: nerve.zeros(2, dtype=bf), lambda: nerve.tensor([1.0], dtype=bf),
                lambda: nerve.ones(2).to(bf), lambda: nerve.arange(3, dtype=bf), lambda: nerve.rand(2, dtype=bf)):
        with pytest.raises(TypeError, match="bfloat16 is not supported.*NumPy"):
            use()
    info = nerve.finfo(bf)
    torch = _torch()
    ref = torch.finfo(torch.bfloat16)
    assert (info.bits, info.eps, info.max, info.tiny, info.resolution, info.dtype) == \
        (ref.bits, ref.eps, ref.max, ref.tiny, ref.resolution, "bfloat16")


def test_finfo_iinfo_match_torch():
    torch = _torch()
    for dt in ("float16", "float32", "float64"):
        a, b = nerve.finfo(getattr(nerve, dt)), torch.finfo(getattr(torch, dt))
        for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
            assert getattr(a, attr) == getattr(b, attr), (dt, attr)
        assert repr(a) == repr(b)
        assert isinstance(a.eps, float)
    assert nerve.finfo().dtype == torch.finfo().dtype == "float32"
    assert nerve.finfo(nerve.float32) == nerve.finfo(nerve.float32)
    for dt in ("uint8", "int8", "int16", "int32", "int64"):
        a, b = nerve.iinfo(getattr(nerve, dt)), torch.iinfo(getattr(torch, dt))
        assert (a.bits, a.min, a.max, a.dtype) == (b.bits, b.min, b.max, b.dtype)
        assert repr(a) == repr(b)
    with pytest.raises(TypeError, match="iinfo"):
        nerve.finfo(nerve.int32)
    with pytest.raises(TypeError, match="finfo"):
        nerve.iinfo(nerve.float32)
    with pytest.raises(TypeError, match="bool"):
        nerve.iinfo(nerve.bool)
    # a common use: the most negative float as an attention mask value
    s = nerve.zeros(2, 2).masked_fill(nerve.tensor([[True, False], [False, True]]), nerve.finfo(nerve.float32).min)
    assert float(s.min()) == float(np.finfo(np.float32).min)


def test_is_floating_point_is_grad_enabled_set_printoptions():
    torch = _torch()
    for dt in ("float32", "float64", "float16", "int64", "bool", "complex64"):
        n, t = nerve.zeros(1, dtype=getattr(nerve, dt)), torch.zeros(1, dtype=getattr(torch, dt))
        assert nerve.is_floating_point(n) == torch.is_floating_point(t), dt
        assert nerve.is_complex(n) == torch.is_complex(t), dt
    with pytest.raises(TypeError, match="must be Tensor, not list"):
        nerve.is_floating_point([1.0])
    assert nerve.is_grad_enabled() is True
    with nerve.no_grad():
        assert nerve.is_grad_enabled() is False
    old = nerve.get_printoptions()
    try:
        nerve.set_printoptions(precision=2, sci_mode=False, linewidth=120)
        assert nerve.get_printoptions()["precision"] == 2 and nerve.get_printoptions()["linewidth"] == 120
        nerve.set_printoptions(profile="full")
        assert nerve.get_printoptions()["threshold"] == float("inf")
        with pytest.raises(ValueError, match="profile"):
            nerve.set_printoptions(profile="huge")
        repr(nerve.ones(3))
    finally:
        nerve.set_printoptions(**{k: v for k, v in old.items()})


def test_script_preamble_runs():
    """The first lines of a typical PyTorch training script, with ``torch`` renamed."""
    torch = nerve
    torch.backends.cudnn.benchmark = True
    torch.backends.cudnn.deterministic = False
    torch.manual_seed(0)
    torch.cuda.manual_seed_all(0)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    use_amp = torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    model = torch.nn.Linear(3, 1).to(device)
    if torch.cuda.device_count() > 1:
        model = torch.nn.DataParallel(model)
    x = torch.FloatTensor([[1, 2, 3]]).to(device)
    y = torch.autograd.Variable(torch.zeros(1, 1)).to(device)
    loss = ((model(x) - y) ** 2).mean()
    loss.backward()
    assert not use_amp or torch.cuda.is_available()
    assert model.weight.grad.shape == (1, 3)
    torch.backends.cudnn.benchmark = False
