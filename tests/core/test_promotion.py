"""Type promotion against PyTorch: the dtype every op returns, for every pair of operand dtypes and kinds.

The grid: every binary op x every pair of dtypes (bool, int32, int64, float32, float64) x every pair of
operand kinds (n-d tensor, 0-d tensor, Python scalar; never scalar with scalar). For each case nerve must
give the dtype PyTorch's op returns (and the values), or raise the exception type PyTorch raises. One
test per op collects every mismatching case, so a failure lists the whole pattern at once.

Also: ``result_type`` itself, in-place arithmetic (the result is cast to the target or refused), unary
float ops on integer/bool input, reductions' dtypes, and a sweep asserting that no float64 appears unless
an input is float64 (values, creation functions, gradients, optimizer state).
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import nerve

torch = pytest.importorskip("torch")

DTYPES = ["bool", "int32", "int64", "float32", "float64"]
_VALUES = {            # no zeros: integer division by zero is an error in PyTorch, not a dtype question
    "bool": ([True, True, True], True),
    "int32": ([1, 2, 3], 2),
    "int64": ([3, 1, 2], 3),
    "float32": ([0.5, 1.5, 2.5], 1.5),
    "float64": ([2.5, 0.25, 1.0], 0.75),
}
_SCALARS = {"bool": True, "int": 3, "float": 2.5}


def _operands():
    """(label, factory) pairs; a factory(lib) builds a fresh operand (in-place tests write into it)."""
    out = []
    for dt in DTYPES:
        nd, zd = _VALUES[dt]
        out.append((f"{dt}[3]", _tensor_factory(nd, dt), "tensor"))
        out.append((f"{dt}[]", _tensor_factory(zd, dt), "zero"))
    for name, v in _SCALARS.items():
        out.append((f"py_{name}", (lambda v: lambda lib: v)(v), "scalar"))
    return out


def _tensor_factory(values, dt):
    arr = np.asarray(values, dtype=dt)

    def make(lib):
        if lib is torch:
            return torch.from_numpy(arr.copy())
        return nerve.tensor(arr.copy())
    return make


OPERANDS = _operands()
PAIRS = [(a, b) for a in OPERANDS for b in OPERANDS if not (a[2] == "scalar" and b[2] == "scalar")]


def _dtype_name(out):
    if isinstance(out, torch.Tensor):
        return str(out.dtype).replace("torch.", "")
    return np.dtype(out.dtype).name


def _array(out):
    if isinstance(out, torch.Tensor):
        return out.detach().numpy()
    return np.asarray(out._data)


def _accepted(t_err):
    """The exception types that count as PyTorch's: its own, and any RuntimeError where PyTorch raises
    NotImplementedError (a RuntimeError subclass that PyTorch's kernel dispatch raises for a missing
    dtype; a RuntimeError catches both)."""
    return RuntimeError if isinstance(t_err, NotImplementedError) else type(t_err)


def _run(fn, *args):
    try:
        return fn(*args), None
    except Exception as e:  # noqa: BLE001 - the exception type is what is compared
        return None, e


def compare(label, fn, make_args, failures, values=True):
    """Run ``fn(lib, *args)`` in torch and nerve; append a message to ``failures`` on any mismatch.

    Returns False when PyTorch refuses a Python-scalar argument with a TypeError (an argument-parsing
    limit of a function form, e.g. ``torch.maximum(t, 2)`` or ``torch.eq(2, t)``, not a dtype rule):
    nerve may accept those.
    """
    t_args = make_args(torch)
    t_out, t_err = _run(lambda: fn(torch, *t_args))
    n_out, n_err = _run(lambda: fn(nerve, *make_args(nerve)))
    if t_err is not None:
        if isinstance(t_err, TypeError) and not all(isinstance(a, torch.Tensor) for a in t_args):
            return False
        if n_err is None:
            failures.append(f"{label}: torch raises {type(t_err).__name__} ({str(t_err)[:80]}), "
                            f"nerve returns {_dtype_name(n_out)}")
        elif not isinstance(n_err, _accepted(t_err)):
            failures.append(f"{label}: torch raises {type(t_err).__name__}, nerve raises "
                            f"{type(n_err).__name__}: {str(n_err)[:80]}")
        return True
    if n_err is not None:
        failures.append(f"{label}: torch gives {_dtype_name(t_out)}, nerve raises {type(n_err).__name__}: "
                        f"{str(n_err)[:100]}")
        return True
    if not isinstance(n_out, nerve.Tensor):
        failures.append(f"{label}: nerve returns {type(n_out).__name__}, not a Tensor")
        return True
    td, nd = _dtype_name(t_out), _dtype_name(n_out)
    if td != nd:
        failures.append(f"{label}: torch {td}, nerve {nd}")
        return True
    ta, na = _array(t_out), _array(n_out)
    if ta.shape != na.shape:
        failures.append(f"{label}: torch shape {ta.shape}, nerve shape {na.shape}")
    elif values:
        tol = 1e-6 if td == "float64" else 1e-5
        if not np.allclose(na.astype(np.float64), ta.astype(np.float64), rtol=tol, atol=tol, equal_nan=True):
            failures.append(f"{label}: values differ: torch {ta.tolist()}, nerve {na.tolist()}")
    return True


def _report(failures, limit=60):
    if failures:
        more = f"\n... and {len(failures) - limit} more" if len(failures) > limit else ""
        pytest.fail(f"{len(failures)} mismatches with PyTorch:\n" + "\n".join(failures[:limit]) + more)


def _fn(name):
    def f(lib, a, b):
        return getattr(lib, name)(a, b)
    return f


# ------------------------------------------------------------------ binary ops
BINARY = {
    "a + b": lambda lib, a, b: a + b,
    "a - b": lambda lib, a, b: a - b,
    "a * b": lambda lib, a, b: a * b,
    "a / b": lambda lib, a, b: a / b,
    "a // b": lambda lib, a, b: a // b,
    "a % b": lambda lib, a, b: a % b,
    "a ** b": lambda lib, a, b: a ** b,
    "a == b": lambda lib, a, b: a == b,
    "a != b": lambda lib, a, b: a != b,
    "a < b": lambda lib, a, b: a < b,
    "a <= b": lambda lib, a, b: a <= b,
    "a > b": lambda lib, a, b: a > b,
    "a >= b": lambda lib, a, b: a >= b,
    "a & b": lambda lib, a, b: a & b,
    "a | b": lambda lib, a, b: a | b,
    "a ^ b": lambda lib, a, b: a ^ b,
    "where(cond, a, b)": lambda lib, a, b: lib.where(lib.tensor([True, False, True]), a, b),
}
for _name in ["add", "sub", "mul", "div", "true_divide", "floor_divide", "remainder", "pow", "maximum",
              "minimum", "eq", "ne", "lt", "le", "gt", "ge", "bitwise_and", "bitwise_or", "bitwise_xor"]:
    BINARY[f"{_name}(a, b)"] = _fn(_name)
OPTIONAL_BINARY = ["atan2", "fmod", "copysign", "hypot", "logaddexp"]


def _binary_grid(fn, pairs=PAIRS):
    failures = []
    for (la, ma, _), (lb, mb, _) in pairs:
        compare(f"{la} , {lb}", fn, lambda lib, ma=ma, mb=mb: (ma(lib), mb(lib)), failures)
    return failures


@pytest.mark.parametrize("op", list(BINARY))
def test_binary_promotion_grid(op):
    _report(_binary_grid(BINARY[op]))


@pytest.mark.parametrize("name", OPTIONAL_BINARY)
def test_optional_binary_promotion_grid(name):
    if not hasattr(nerve, name):
        pytest.skip(f"nerve.{name} does not exist yet")
    _report(_binary_grid(_fn(name)))


def test_where_scalar_branches():
    """where(cond, scalar, scalar): PyTorch gives the scalars' default dtype (int64 / float32)."""
    failures = []
    for la, a in _SCALARS.items():
        for lb, b in _SCALARS.items():
            compare(f"where(cond, {la}, {lb})", lambda lib, a, b: lib.where(lib.tensor([True, False]), a, b),
                    lambda lib, a=a, b=b: (a, b), failures)
    _report(failures)


def test_result_type_matches_torch():
    """``nerve.result_type`` (PyTorch's name) over the operand grid."""
    if not hasattr(nerve, "result_type"):
        pytest.fail("nerve.result_type is missing (PyTorch's torch.result_type; nerve.ops._util.result_type "
                    "implements it but it is not public)")
    failures = []
    for (la, ma, _), (lb, mb, _) in PAIRS:
        t = str(torch.result_type(ma(torch), mb(torch))).replace("torch.", "")
        n = np.dtype(nerve.result_type(ma(nerve), mb(nerve))).name
        if t != n:
            failures.append(f"result_type({la}, {lb}): torch {t}, nerve {n}")
    _report(failures)


def test_engine_result_type_matches_torch():
    """The engine's promotion function (what ``lift_pair`` applies) agrees with ``torch.result_type``."""
    from nerve.ops._util import result_type
    failures = []
    for (la, ma, _), (lb, mb, _) in PAIRS:
        t = str(torch.result_type(ma(torch), mb(torch))).replace("torch.", "")
        n = np.dtype(result_type(ma(nerve), mb(nerve))).name
        if t != n:
            failures.append(f"result_type({la}, {lb}): torch {t}, nerve {n}")
    _report(failures)


def test_promote_types_matches_torch():
    if not hasattr(nerve, "promote_types"):
        pytest.fail("nerve.promote_types is missing (PyTorch's torch.promote_types)")
    failures = []
    for a in DTYPES:
        for b in DTYPES:
            t = str(torch.promote_types(getattr(torch, a), getattr(torch, b))).replace("torch.", "")
            n = np.dtype(nerve.promote_types(getattr(nerve, a), getattr(nerve, b))).name
            if t != n:
                failures.append(f"promote_types({a}, {b}): torch {t}, nerve {n}")
    _report(failures)


# ------------------------------------------------------------------ errors PyTorch raises
@pytest.mark.parametrize("expr", [
    "lib.tensor([True, False]) - lib.tensor([True, True])",
    "lib.tensor([True, False]) - 1",
    "1 - lib.tensor([True, False])",
    "lib.sub(lib.tensor([True]), True)",
    "-lib.tensor([True, False])",
    "lib.tensor([1, 2]) ** -1",
    "lib.pow(lib.tensor([2, 3], dtype=lib.int32), -2)",
    "lib.tensor([1.5]) & lib.tensor([1.0])",
    "lib.tensor([1.5]) | 1",
    "lib.bitwise_xor(lib.tensor([1.5]), lib.tensor([2.5]))",
    "~lib.tensor([1.5])",
    "lib.tensor([1, 2]) // 0",
    "lib.tensor([1, 2]) % 0",
    "lib.where(lib.tensor([1, 0]), lib.tensor([1.0, 2.0]), 0.0)",
])
def test_errors_match_torch(expr):
    t_out, t_err = _run(lambda: eval(expr, {"lib": torch}))
    n_out, n_err = _run(lambda: eval(expr, {"lib": nerve}))
    assert t_err is not None, f"the oracle no longer raises for {expr}"
    assert n_err is not None, f"{expr}: torch raises {type(t_err).__name__} ({t_err}), nerve returns {n_out!r}"
    assert isinstance(n_err, _accepted(t_err)), (
        f"{expr}: torch raises {type(t_err).__name__}, nerve raises {type(n_err).__name__}: {n_err}")


def test_integer_pow_with_negative_tensor_exponents():
    """Only a negative Python-int exponent is refused; a tensor exponent (or ``int ** tensor``) computes
    integer powers as PyTorch does (``2 ** -1 == 0``, ``1 ** -1 == 1``, ``(-1) ** -1 == -1``)."""
    failures = []
    a = np.array([1, 2, -1, 3], dtype=np.int64)
    b = np.array([-1, -1, -1, 0], dtype=np.int64)
    conv = {torch: torch.from_numpy}
    compare("int tensor ** negative int tensor", lambda lib, x, y: x ** y,
            lambda lib: (conv.get(lib, nerve.tensor)(a.copy()), conv.get(lib, nerve.tensor)(b.copy())), failures)
    compare("2 ** negative int tensor", lambda lib, y: 2 ** y,
            lambda lib: (conv.get(lib, nerve.tensor)(b.copy()),), failures)
    compare("int 0-d ** negative int tensor", lambda lib, x, y: x ** y,
            lambda lib: (conv.get(lib, nerve.tensor)(np.array(2)), conv.get(lib, nerve.tensor)(b.copy())), failures)
    _report(failures)


def test_integer_division_and_remainder_signs():
    """Floor division and remainder round toward -inf (the divisor's sign), fmod toward 0, as PyTorch."""
    a = np.array([-7, -6, 7, 6, -1, 0], dtype=np.int64)
    b = np.array([3, -4, -3, 4, 5, -2], dtype=np.int64)
    failures = []
    for dt in ["int32", "int64", "float32", "float64"]:
        def make(lib, dt=dt):
            conv = torch.from_numpy if lib is torch else nerve.tensor
            return conv(a.astype(dt)), conv(b.astype(dt))
        for op in ["a // b", "a % b"]:
            compare(f"{op} {dt}", BINARY[op], make, failures)
        if hasattr(nerve, "fmod"):
            compare(f"fmod {dt}", _fn("fmod"), make, failures)
        compare(f"div floor {dt}", lambda lib, x, y: lib.div(x, y, rounding_mode="floor"), make, failures)
        compare(f"div trunc {dt}", lambda lib, x, y: lib.div(x, y, rounding_mode="trunc"), make, failures)
    _report(failures)


# ------------------------------------------------------------------ in place
INPLACE = {
    "a += b": lambda lib, a, b: a.__iadd__(b),
    "a -= b": lambda lib, a, b: a.__isub__(b),
    "a *= b": lambda lib, a, b: a.__imul__(b),
    "a /= b": lambda lib, a, b: a.__itruediv__(b),
    "a //= b": lambda lib, a, b: a.__ifloordiv__(b),
    "a %= b": lambda lib, a, b: a.__imod__(b),
    "a **= b": lambda lib, a, b: a.__ipow__(b),
    "a &= b": lambda lib, a, b: a.__iand__(b),
    "a |= b": lambda lib, a, b: a.__ior__(b),
    "a ^= b": lambda lib, a, b: a.__ixor__(b),
    "a.add_(b)": lambda lib, a, b: a.add_(b),
    "a.mul_(b)": lambda lib, a, b: a.mul_(b),
    "a.div_(b)": lambda lib, a, b: a.div_(b),
}


@pytest.mark.parametrize("op", list(INPLACE))
def test_inplace_promotion_grid(op):
    """In place the target keeps its dtype when the result type casts to it (same kind or lower),
    otherwise PyTorch raises RuntimeError ("result type Float can't be cast to ... Long")."""
    failures = []
    pairs = [(a, b) for a, b in PAIRS if a[2] != "scalar"]
    for (la, ma, _), (lb, mb, _) in pairs:
        compare(f"{la} , {lb}", INPLACE[op], lambda lib, ma=ma, mb=mb: (ma(lib), mb(lib)), failures)
    _report(failures)


# ------------------------------------------------------------------ unary ops on int/bool input
UNARY = ["exp", "log", "log2", "log10", "log1p", "expm1", "exp2", "sqrt", "rsqrt", "sin", "cos", "tan", "asin",
         "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "sigmoid", "erf", "reciprocal",
         "abs", "neg", "sign", "square", "floor", "ceil", "round", "trunc", "frac", "relu", "logical_not",
         "bitwise_not", "isnan", "isinf", "isfinite", "clone", "sgn", "positive", "deg2rad", "rad2deg",
         "sinc", "signbit", "nan_to_num", "erfc", "erfinv", "lgamma", "digamma", "logit", "i0"]
UNARY_OPERANDS = [o for o in OPERANDS if o[2] != "scalar"]


@pytest.mark.parametrize("name", UNARY)
def test_unary_dtype_grid(name):
    """Float ops compute integer/bool input in float32; integer-preserving ops keep the dtype;
    ops PyTorch refuses (neg of bool, frac of int, relu of bool...) raise the same type."""
    if not hasattr(nerve, name):
        pytest.skip(f"nerve.{name} does not exist yet")
    failures = []
    for la, ma, _ in UNARY_OPERANDS:
        compare(f"{name}({la})", lambda lib, x: getattr(lib, name)(x), lambda lib, ma=ma: (ma(lib),), failures)
        compare(f"x.{name}() ({la})", lambda lib, x: getattr(x, name)(), lambda lib, ma=ma: (ma(lib),),
                failures)
    _report(failures)


NN_UNARY = ["relu", "gelu", "silu", "elu", "leaky_relu", "softplus", "hardtanh", "relu6", "selu", "celu",
            "mish", "hardswish", "hardsigmoid", "logsigmoid", "tanhshrink", "softsign"]


@pytest.mark.parametrize("name", NN_UNARY)
def test_functional_activation_dtypes(name):
    """``F.<activation>`` of every dtype: PyTorch's result dtype, or its exception type."""
    import nerve.nn.functional as NF
    if not hasattr(NF, name):
        pytest.skip(f"nerve.nn.functional.{name} does not exist yet")
    failures = []
    for la, ma, _ in UNARY_OPERANDS:
        compare(f"F.{name}({la})",
                lambda lib, x: getattr(torch.nn.functional if lib is torch else NF, name)(x),
                lambda lib, ma=ma: (ma(lib),), failures)
    _report(failures)


# ------------------------------------------------------------------ reductions
REDUCTIONS = {
    "sum()": lambda lib, x: x.sum(),
    "sum(0)": lambda lib, x: x.sum(0),
    "sum(0, keepdim=True)": lambda lib, x: x.sum(0, keepdim=True),
    "sum(dtype=float32)": lambda lib, x: x.sum(dtype=lib.float32),
    "lib.sum(x)": lambda lib, x: lib.sum(x),
    "prod()": lambda lib, x: x.prod(),
    "prod(1)": lambda lib, x: x.prod(1),
    "cumsum(0)": lambda lib, x: x.cumsum(0),
    "lib.cumsum(x, 1)": lambda lib, x: lib.cumsum(x, 1),
    "cumprod(0)": lambda lib, x: lib.cumprod(x, 0),
    "mean()": lambda lib, x: x.mean(),
    "mean(1)": lambda lib, x: x.mean(1),
    "lib.mean(x)": lambda lib, x: lib.mean(x),
    "var()": lambda lib, x: x.var(),
    "std(0)": lambda lib, x: x.std(0),
    "amax(0)": lambda lib, x: x.amax(0),
    "amin()": lambda lib, x: x.amin(),
    "max()": lambda lib, x: x.max(),
    "max(0).values": lambda lib, x: x.max(0)[0],
    "max(0).indices": lambda lib, x: x.max(0)[1],
    "min(1).values": lambda lib, x: x.min(1)[0],
    "argmax()": lambda lib, x: x.argmax(),
    "argmin(1)": lambda lib, x: x.argmin(1),
    "all()": lambda lib, x: x.all(),
    "any(0)": lambda lib, x: x.any(0),
    "logsumexp(0)": lambda lib, x: lib.logsumexp(x, 0),
    "softmax(0)": lambda lib, x: lib.softmax(x, 0),
    "log_softmax(1)": lambda lib, x: lib.log_softmax(x, 1),
    "count_nonzero()": lambda lib, x: lib.count_nonzero(x),
    "norm()": lambda lib, x: lib.linalg.vector_norm(x),
}


@pytest.mark.parametrize("red", list(REDUCTIONS))
def test_reduction_dtypes(red):
    """sum/prod/cumsum of bool and int32 give int64; mean/var/std/softmax of integers raise; amax keeps
    the dtype; indices are int64; all/any are bool."""
    fn = REDUCTIONS[red]
    failures = []
    for dt in DTYPES:
        arr = np.array([[1, 2, 3], [3, 1, 2]], dtype=dt)

        def make(lib, arr=arr):
            return (torch.from_numpy(arr.copy()) if lib is torch else nerve.tensor(arr.copy()),)
        try:
            compare(f"{red} of {dt}", fn, make, failures)
        except AttributeError as e:      # the nerve side lacks the function
            failures.append(f"{red} of {dt}: {e}")
    _report(failures)


def test_sum_of_bool_and_int32_is_int64():
    """The headline rule, spelled out (sum/prod/cumsum accumulate in int64, as PyTorch)."""
    for dt in (nerve.bool, nerve.int32):
        x = nerve.ones(4, dtype=dt)
        assert x.sum().dtype == nerve.int64
        assert x.prod().dtype == nerve.int64
        assert x.cumsum(0).dtype == nerve.int64
        assert x.sum().item() == 4
    with pytest.raises(RuntimeError):
        nerve.tensor([1, 2, 3]).mean()
    with pytest.raises(RuntimeError):
        nerve.tensor([True, False]).mean()


# ------------------------------------------------------------------ no float64 unless an input is float64
F32 = np.array([[0.5, -1.5, 2.0], [1.0, 0.25, -0.75]], dtype=np.float32)
I64 = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.int64)
I32 = I64.astype(np.int32)
LBL = np.array([2, 0], dtype=np.int64)


def _env(lib):
    conv = torch.from_numpy if lib is torch else nerve.tensor
    F = torch.nn.functional if lib is torch else nerve.nn.functional
    return dict(lib=lib, F=F, nn=lib.nn, f=conv(F32.copy()), i=conv(I64.copy()), i32=conv(I32.copy()),
                y=conv(LBL.copy()), math=math, np=np)


SWEEP = [
    # creation from Python floats
    "lib.tensor(1.5)", "lib.tensor([1, 2.5])", "lib.tensor([[0.5], [1.0]])", "lib.arange(0, 1, 0.25)",
    "lib.arange(5.0)", "lib.linspace(0, 1, 5)", "lib.full((2,), 1.5)", "lib.zeros(2)", "lib.ones(2, 3)",
    "lib.rand(3)", "lib.randn(2, 2)", "lib.empty(2)", "lib.eye(3)", "lib.zeros_like(f)", "lib.full_like(i, 2.5)",
    "lib.ones_like(f)", "lib.rand_like(f)", "lib.randn_like(f)", "lib.tensor(np.float64(2.0).item())",
    "lib.as_tensor([0.5, 1.5])", "lib.normal(0.0, 1.0, (3,))", "lib.linspace(-math.pi, math.pi, 7)",
    # arithmetic with Python floats (including math.pi and NumPy's float64, a Python float subclass)
    "f * 0.5", "0.5 * f", "f + math.pi", "f / 3", "f - np.float64(2.0)", "i * 0.5", "i / 2", "i / i",
    "i32 / 2", "i ** 0.5", "2.5 ** i", "f ** 2", "f ** 0.5", "2 ** f", "lib.pow(f, 3)", "i.float() * 1.5",
    "lib.clamp(f, 0.1)", "lib.clamp(i, min=0.5)", "lib.where(f > 0, f, 0.0)", "lib.where(f > 0, i, 0.5)",
    "lib.where(f > 0, 1.0, 0.0)", "lib.maximum(f, lib.tensor(0.0))", "f.clamp(-1.0, 1.0)",
    "lib.lerp(f, f * 2, 0.5)", "f.reciprocal()", "i.reciprocal()", "lib.sqrt(i)", "lib.exp(i32)",
    "lib.sigmoid(i)", "i.mean(dtype=lib.float32)", "i.sum() / 2", "f.sum() / len(f)", "lib.rsqrt(f.abs())",
    "lib.atan2(f, i)", "lib.hypot(f, f)", "lib.logaddexp(f, f)", "f.float_power(2).float()",
    # reductions of float32
    "f.sum()", "f.mean()", "f.mean(1)", "f.var()", "f.std(0)", "f.var(unbiased=False)", "f.prod()",
    "f.cumsum(1)", "lib.logsumexp(f, 1)", "lib.softmax(f, 1)", "lib.log_softmax(f, 0)", "f.norm()",
    "lib.linalg.vector_norm(f)", "lib.std_mean(f)[0]", "lib.var_mean(f, 1)[1]", "f.amax()", "f.max(1)[0]",
    "lib.median(f)", "lib.quantile(f, 0.5)", "lib.cumprod(f, 0)", "lib.nanmean(f)", "lib.dist(f, f * 2)",
    # linear algebra and nn.functional
    "f @ f.T", "lib.matmul(f, f.T)", "lib.mm(f, f.T)", "lib.einsum('ij,kj->ik', f, f)", "lib.outer(f[0], f[1])",
    "F.linear(f, f)", "F.relu(f)", "F.gelu(f)", "F.silu(f)", "F.softplus(f)", "F.elu(f)", "F.leaky_relu(f, 0.1)",
    "F.mse_loss(f, f * 0.5)", "F.l1_loss(f, f * 2)", "F.smooth_l1_loss(f, f * 0.5)", "F.huber_loss(f, f * 0.5)",
    "F.cross_entropy(f, y)", "F.nll_loss(F.log_softmax(f, 1), y)", "F.cross_entropy(f, y, label_smoothing=0.1)",
    "F.binary_cross_entropy(lib.sigmoid(f), lib.sigmoid(f * 2))",
    "F.binary_cross_entropy_with_logits(f, (f > 0).float())",
    "F.kl_div(F.log_softmax(f, 1), F.softmax(f, 1), reduction='batchmean')",
    "F.softmax(f, dim=1)", "F.log_softmax(f, dim=-1)", "F.layer_norm(f, (3,))", "F.normalize(f)",
    "F.dropout(f, 0.5)", "F.one_hot(y, 3).float()", "F.cosine_similarity(f, f * 2)", "F.pad(f, (1, 1))",
    "F.batch_norm(f, None, None, training=True)", "F.gelu(f, approximate='tanh')",
    "nn.Linear(3, 4)(f)", "nn.Linear(3, 4).weight", "nn.LayerNorm(3)(f)", "nn.BatchNorm1d(3)(f)",
    "nn.BatchNorm1d(3).running_var", "nn.Embedding(7, 3)(i)", "nn.MSELoss()(f, f * 0.5)",
    "nn.CrossEntropyLoss()(f, y)", "nn.Dropout(0.1)(f)", "nn.Sequential(nn.Linear(3, 2), nn.Tanh())(f)",
]


@pytest.mark.parametrize("expr", SWEEP)
def test_no_float64_unless_an_input_is_float64(expr):
    """With float32/int inputs and Python numbers, nerve gives PyTorch's dtype and never float64."""
    try:
        n = eval(expr, _env(nerve))
    except AttributeError as e:
        pytest.skip(f"nerve lacks a name in {expr!r}: {e}")
    t = eval(expr, _env(torch))
    assert isinstance(n, nerve.Tensor), f"{expr}: nerve returns {type(n).__name__}"
    assert np.dtype(n.dtype).name != "float64", f"{expr}: nerve gives float64 (torch gives {t.dtype})"
    assert np.dtype(n.dtype).name == str(t.dtype).replace("torch.", ""), f"{expr}: torch {t.dtype}, nerve {n.dtype}"
    assert tuple(n.shape) == tuple(t.shape), f"{expr}: torch shape {tuple(t.shape)}, nerve {tuple(n.shape)}"


GRAD_SWEEP = [
    "(x * 0.5).sum()", "(x ** 2).mean()", "(x ** 0.5).sum()", "(2 ** x).sum()", "(x / 3).sum()",
    "(math.pi * x).sum()", "x.exp().sum()", "x.log().sum()", "x.sqrt().sum()", "x.sigmoid().sum()",
    "x.tanh().sum()", "lib.erf(x).sum()", "x.var()", "x.std()", "lib.logsumexp(x, 1).sum()",
    "F.softmax(x, 1)[:, 0].sum()", "F.cross_entropy(x, y)", "F.mse_loss(x, x.detach() * 0.5)",
    "F.gelu(x).sum()", "F.layer_norm(x, (3,)).pow(2).sum()", "(x @ x.T).sum()", "lib.clamp(x, 0.6, 1.5).sum()",
    "lib.where(x > 1, x, 0.0).sum()", "lib.maximum(x, lib.tensor(1.0)).sum()", "x.prod()",
    "(x * lib.tensor([1, 2, 3])).sum()", "(x ** lib.tensor([1, 2, 3])).sum()", "x.norm()",
    "lib.atan2(x, x * 2).sum()", "F.softplus(x).sum()", "F.binary_cross_entropy_with_logits(x, (x > 1).float())",
    "(x.float_power(2)).sum().float()",
]


@pytest.mark.parametrize("expr", GRAD_SWEEP)
def test_float32_gradients_stay_float32(expr):
    """The gradient of a float32 leaf is float32, whatever Python numbers the graph mixed in."""
    def run(lib):
        env = _env(lib)
        x = (torch.from_numpy if lib is torch else nerve.tensor)(np.abs(F32) + 0.5)
        x.requires_grad_(True)
        env["x"] = x
        out = eval(expr, env)
        out.backward()
        return out, x.grad
    try:
        n_out, n_grad = run(nerve)
    except AttributeError as e:
        pytest.skip(f"nerve lacks a name in {expr!r}: {e}")
    t_out, t_grad = run(torch)
    assert np.dtype(n_out.dtype).name == str(t_out.dtype).replace("torch.", ""), (
        f"{expr}: output torch {t_out.dtype}, nerve {n_out.dtype}")
    assert n_grad.dtype == nerve.float32, f"{expr}: x.grad is {n_grad.dtype}, expected float32"
    np.testing.assert_allclose(n_grad.numpy(), t_grad.numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("opt", ["SGD", "SGD_momentum", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_optimizer_keeps_float32(opt):
    """Parameters, gradients and optimizer state stay float32 through steps with float hyper-parameters."""
    model = nerve.nn.Linear(3, 2)
    name, kw = (opt, {}) if opt != "SGD_momentum" else ("SGD", {"momentum": 0.9, "nesterov": True})
    o = getattr(nerve.optim, name)(model.parameters(), lr=0.01, weight_decay=0.01, **kw)
    x = nerve.tensor(F32)
    for _ in range(3):
        o.zero_grad()
        model(x).pow(2).mean().backward()
        o.step()
    for p in model.parameters():
        assert p.dtype == nerve.float32 and p.grad.dtype == nerve.float32
    for state in o.state_dict()["state"].values():
        for k, v in state.items():
            if isinstance(v, nerve.Tensor) and v.dtype.kind == "f":
                assert v.dtype == nerve.float32, f"{opt} state {k!r} is {v.dtype}"
