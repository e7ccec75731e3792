"""Every call form of the creation functions, against PyTorch: shapes, dtypes, values and errors.

Each case is one lambda run on both libraries (``m`` is ``nerve`` or ``torch``;
both spell dtypes ``m.int``, ``m.float64``, ...). Where PyTorch raises, nerve
must raise the same exception type; where it returns, shape and dtype must
agree, and values too unless the function is random or uninitialised.
"""
import math

import numpy as np
import pytest

import nerve

torch = pytest.importorskip("torch")

VALUES, SHAPE = "values", "shape"  # what to compare besides shape/dtype

CASES = [
    # zeros / ones / empty: varargs, tuple, list, size=, 0-d
    ("zeros(2, 3)", lambda m: m.zeros(2, 3), VALUES),
    ("zeros((2, 3))", lambda m: m.zeros((2, 3)), VALUES),
    ("zeros([2, 3])", lambda m: m.zeros([2, 3]), VALUES),
    ("zeros(size=(2, 3))", lambda m: m.zeros(size=(2, 3)), VALUES),
    ("zeros(())", lambda m: m.zeros(()), VALUES),
    ("zeros([])", lambda m: m.zeros([]), VALUES),
    ("zeros(0)", lambda m: m.zeros(0), VALUES),
    ("zeros(np.int64(3))", lambda m: m.zeros(np.int64(3)), VALUES),
    ("zeros(0-d int tensor)", lambda m: m.zeros(m.tensor(3)), VALUES),
    ("zeros(2, dtype=int)", lambda m: m.zeros(2, dtype=m.int), VALUES),
    ("zeros(2, dtype=bool)", lambda m: m.zeros(2, dtype=m.bool), VALUES),
    ("zeros(2.5)", lambda m: m.zeros(2.5), TypeError),
    ("zeros(2, 2.5)", lambda m: m.zeros(2, 2.5), TypeError),
    ("zeros((2, 2.5))", lambda m: m.zeros((2, 2.5)), TypeError),
    ("zeros('a')", lambda m: m.zeros("a"), TypeError),
    ("zeros(True)", lambda m: m.zeros(True), TypeError),
    ("zeros((2,), (3,))", lambda m: m.zeros((2,), (3,)), TypeError),
    ("zeros(2, size=(3,))", lambda m: m.zeros(2, size=(3,)), TypeError),
    ("zeros()", lambda m: m.zeros(), TypeError),
    ("zeros(-1)", lambda m: m.zeros(-1), RuntimeError),
    ("zeros(2, -3)", lambda m: m.zeros(2, -3), RuntimeError),
    ("ones(2, 3)", lambda m: m.ones(2, 3), VALUES),
    ("ones((2,), dtype=float64)", lambda m: m.ones((2,), dtype=m.float64), VALUES),
    ("ones(size=[4])", lambda m: m.ones(size=[4]), VALUES),
    ("ones(2.5)", lambda m: m.ones(2.5), TypeError),
    ("empty(3, 2)", lambda m: m.empty(3, 2), SHAPE),
    ("empty((3, 2), dtype=long)", lambda m: m.empty((3, 2), dtype=m.long), SHAPE),
    ("empty(2.5)", lambda m: m.empty(2.5), TypeError),
    ("empty(-2)", lambda m: m.empty(-2), RuntimeError),
    ("empty_strided", lambda m: m.empty_strided((2, 3), (3, 1)), SHAPE),
    ("empty_strided column-major", lambda m: m.empty_strided((2, 3), (1, 2)), SHAPE),
    # full
    ("full((2,), 3)", lambda m: m.full((2,), 3), VALUES),
    ("full((2,), 3.)", lambda m: m.full((2,), 3.0), VALUES),
    ("full((2,), True)", lambda m: m.full((2,), True), VALUES),
    ("full([2, 3], 1)", lambda m: m.full([2, 3], 1), VALUES),
    ("full([], 1)", lambda m: m.full([], 1), VALUES),
    ("full(size=, fill_value=)", lambda m: m.full(size=(2,), fill_value=1.0), VALUES),
    ("full(dtype=int64, 1.5)", lambda m: m.full((2,), 1.5, dtype=m.int64), VALUES),
    ("full(dtype=int, -1.5)", lambda m: m.full((2,), -1.5, dtype=m.int), VALUES),
    ("full((2,), 0-d tensor)", lambda m: m.full((2,), m.tensor(2.0)), VALUES),
    ("full(2, 3)", lambda m: m.full(2, 3), TypeError),
    ("full((2.5,), 1)", lambda m: m.full((2.5,), 1), TypeError),
    ("full((2,), None)", lambda m: m.full((2,), None), TypeError),
    ("full((2,), 'a')", lambda m: m.full((2,), "a"), TypeError),
    ("full((-2,), 1)", lambda m: m.full((-2,), 1), RuntimeError),
    # eye
    ("eye(3)", lambda m: m.eye(3), VALUES),
    ("eye(2, 3)", lambda m: m.eye(2, 3), VALUES),
    ("eye(2, m=3)", lambda m: m.eye(2, m=3), VALUES),
    ("eye(n=2)", lambda m: m.eye(n=2), VALUES),
    ("eye(0)", lambda m: m.eye(0), VALUES),
    ("eye(2, dtype=int64)", lambda m: m.eye(2, dtype=m.int64), VALUES),
    ("eye(2, dtype=bool)", lambda m: m.eye(2, dtype=m.bool), VALUES),
    ("eye(2.5)", lambda m: m.eye(2.5), TypeError),
    ("eye(-1)", lambda m: m.eye(-1), RuntimeError),
    ("eye(2, -1)", lambda m: m.eye(2, -1), RuntimeError),
    # arange
    ("arange(5)", lambda m: m.arange(5), VALUES),
    ("arange(5.)", lambda m: m.arange(5.0), VALUES),
    ("arange(1, 4)", lambda m: m.arange(1, 4), VALUES),
    ("arange(0, 1, 0.25)", lambda m: m.arange(0, 1, 0.25), VALUES),
    ("arange(0, 1, 0.1)", lambda m: m.arange(0, 1, 0.1), VALUES),
    ("arange(1, 2.5, 0.5)", lambda m: m.arange(1, 2.5, 0.5), VALUES),
    ("arange(0, 10, 3.3)", lambda m: m.arange(0, 10, 3.3), VALUES),
    ("arange(5, 0, -1)", lambda m: m.arange(5, 0, -1), VALUES),
    ("arange(end=3)", lambda m: m.arange(end=3), VALUES),
    ("arange(start=1, end=3)", lambda m: m.arange(start=1, end=3), VALUES),
    ("arange(5, dtype=float32)", lambda m: m.arange(5, dtype=m.float32), VALUES),
    ("arange(3, dtype=uint8)", lambda m: m.arange(3, dtype=m.uint8), VALUES),
    ("arange(0.5, 3, dtype=int64)", lambda m: m.arange(0.5, 3, dtype=m.int64), VALUES),
    ("arange(0-d tensor)", lambda m: m.arange(m.tensor(3)), VALUES),
    ("arange(np.float64)", lambda m: m.arange(np.float64(2.0)), VALUES),
    ("arange(True)", lambda m: m.arange(True), VALUES),
    ("arange(5, 5)", lambda m: m.arange(5, 5), VALUES),
    ("arange step 0", lambda m: m.arange(0, 5, 0), RuntimeError),
    ("arange(5, 0)", lambda m: m.arange(5, 0), RuntimeError),
    ("arange(0, 5, -1)", lambda m: m.arange(0, 5, -1), RuntimeError),
    ("arange(inf)", lambda m: m.arange(float("inf")), RuntimeError),
    ("arange(nan)", lambda m: m.arange(float("nan")), RuntimeError),
    ("arange int dtype, step truncates to 0", lambda m: m.arange(-1.5, 1, 0.5, dtype=m.int64), ValueError),
    ("arange(3, dtype=bool)", lambda m: m.arange(3, dtype=m.bool), NotImplementedError),
    # linspace / logspace
    ("linspace(0, 1, steps=5)", lambda m: m.linspace(0, 1, steps=5), VALUES),
    ("linspace(0, 1, 5)", lambda m: m.linspace(0, 1, 5), VALUES),
    ("linspace(-1, 3, 7)", lambda m: m.linspace(-1, 3, 7), VALUES),
    ("linspace(0, 1, 0)", lambda m: m.linspace(0, 1, 0), VALUES),
    ("linspace(0, 1, 1)", lambda m: m.linspace(0, 1, 1), VALUES),
    ("linspace(0, 1, 5, dtype=float64)", lambda m: m.linspace(0, 1, 5, dtype=m.float64), VALUES),
    ("linspace(tensors)", lambda m: m.linspace(m.tensor(0.0), m.tensor(1.0), 3), VALUES),
    ("linspace(0, 10, 4, int64)", lambda m: m.linspace(0, 10, 4, dtype=m.int64), VALUES),
    ("linspace(-5, 5, 4, int64)", lambda m: m.linspace(-5, 5, 4, dtype=m.int64), VALUES),
    ("linspace(10, 0, 4, int64)", lambda m: m.linspace(10, 0, 4, dtype=m.int64), VALUES),
    ("linspace(-7, 6, 9, int32)", lambda m: m.linspace(-7, 6, 9, dtype=m.int32), VALUES),
    ("linspace(0.5, 3.9, 3, int32)", lambda m: m.linspace(0.5, 3.9, 3, dtype=m.int32), VALUES),
    ("linspace(2.7, 5, 1, int64)", lambda m: m.linspace(2.7, 5, 1, dtype=m.int64), VALUES),
    ("linspace(0, 255, 3, uint8)", lambda m: m.linspace(0, 255, 3, dtype=m.uint8), VALUES),
    ("linspace dtype=bool", lambda m: m.linspace(0, 1, 4, dtype=m.bool), NotImplementedError),
    ("linspace(0, 1, -1)", lambda m: m.linspace(0, 1, -1), RuntimeError),
    ("linspace(0, 1)", lambda m: m.linspace(0, 1), TypeError),
    ("linspace(0, 1, 2.5)", lambda m: m.linspace(0, 1, 2.5), TypeError),
    ("logspace(0, 2, 3)", lambda m: m.logspace(0, 2, 3), VALUES),
    ("logspace(0, 1, 5)", lambda m: m.logspace(0, 1, 5), VALUES),
    ("logspace(0, 2, 3, base=2)", lambda m: m.logspace(0, 2, 3, base=2), VALUES),
    ("logspace(0, 1, 2, base=0.5)", lambda m: m.logspace(0, 1, 2, base=0.5), VALUES),
    ("logspace(0, 3, 4, int64)", lambda m: m.logspace(0, 3, 4, dtype=m.int64), VALUES),
    ("logspace(1, 2, 2, float64)", lambda m: m.logspace(1, 2, 2, dtype=m.float64), VALUES),
    ("logspace dtype=bool", lambda m: m.logspace(0, 2, 3, dtype=m.bool), NotImplementedError),
    ("logspace(0, 1, -1)", lambda m: m.logspace(0, 1, -1), RuntimeError),
    # random: rand / randn / randint / randperm
    ("rand(2, 3)", lambda m: m.rand(2, 3), SHAPE),
    ("rand((2, 3))", lambda m: m.rand((2, 3)), SHAPE),
    ("rand(size=(2,))", lambda m: m.rand(size=(2,)), SHAPE),
    ("rand(2, 3, generator=g)", lambda m: m.rand(2, 3, generator=m.Generator().manual_seed(0)), SHAPE),
    ("rand(2, dtype=float64)", lambda m: m.rand(2, dtype=m.float64), SHAPE),
    ("randn([2])", lambda m: m.randn([2]), SHAPE),
    ("randn(2, 3, generator=g)", lambda m: m.randn(2, 3, generator=m.Generator().manual_seed(0)), SHAPE),
    ("rand(2.5)", lambda m: m.rand(2.5), TypeError),
    ("rand(2, 2.5)", lambda m: m.rand(2, 2.5), TypeError),
    ("randn(-1)", lambda m: m.randn(-1), RuntimeError),
    ("rand(dtype=int64)", lambda m: m.rand(2, dtype=m.int64), NotImplementedError),
    ("randn(dtype=int64)", lambda m: m.randn(2, dtype=m.int64), NotImplementedError),
    ("rand(dtype=bool)", lambda m: m.rand(2, dtype=m.bool), NotImplementedError),
    ("randint(5, (2, 3))", lambda m: m.randint(5, (2, 3)), SHAPE),
    ("randint(2, 5, (3,))", lambda m: m.randint(2, 5, (3,)), SHAPE),
    ("randint(5, (2,), dtype=int32)", lambda m: m.randint(5, (2,), dtype=m.int32), SHAPE),
    ("randint(5, (2,), dtype=float32)", lambda m: m.randint(5, (2,), dtype=m.float32), SHAPE),
    ("randint(2, (3,), dtype=bool)", lambda m: m.randint(2, (3,), dtype=m.bool), SHAPE),
    ("randint(5, size=(2,))", lambda m: m.randint(5, size=(2,)), SHAPE),
    ("randint(high=5, size=(2,))", lambda m: m.randint(high=5, size=(2,)), SHAPE),
    ("randint(low=1, high=5, size=(2,))", lambda m: m.randint(low=1, high=5, size=(2,)), SHAPE),
    ("randint(3, [2])", lambda m: m.randint(3, [2]), SHAPE),
    ("randint(0-d tensor high)", lambda m: m.randint(m.tensor(3), (2,)), SHAPE),
    ("randint(np.int64 high)", lambda m: m.randint(np.int64(3), (2,)), SHAPE),
    ("randint(3, (2,), generator=g)", lambda m: m.randint(3, (2,), generator=m.Generator().manual_seed(0)), SHAPE),
    ("randint(5, 5, (2,))", lambda m: m.randint(5, 5, (2,)), RuntimeError),
    ("randint(5, 2, (2,))", lambda m: m.randint(5, 2, (2,)), RuntimeError),
    ("randint(0, (2,))", lambda m: m.randint(0, (2,)), RuntimeError),
    ("randint(5)", lambda m: m.randint(5), TypeError),
    ("randint(5, 2)", lambda m: m.randint(5, 2), TypeError),
    ("randint(5.5, (2,))", lambda m: m.randint(5.5, (2,)), TypeError),
    ("randint(3.0, (2,))", lambda m: m.randint(3.0, (2,)), TypeError),
    ("randint(3, (2.0,))", lambda m: m.randint(3, (2.0,)), TypeError),
    ("randint(5, (-1,))", lambda m: m.randint(5, (-1,)), RuntimeError),
    ("randint(5, dtype=bool)", lambda m: m.randint(5, (2,), dtype=m.bool), RuntimeError),
    ("randint(300, dtype=uint8)", lambda m: m.randint(300, (2,), dtype=m.uint8), RuntimeError),
    ("randint(-1, 5, dtype=uint8)", lambda m: m.randint(-1, 5, (2,), dtype=m.uint8), RuntimeError),
    ("randint(200, dtype=int8)", lambda m: m.randint(200, (2,), dtype=m.int8), RuntimeError),
    ("randint(2**33, dtype=int32)", lambda m: m.randint(2 ** 33, (2,), dtype=m.int32), RuntimeError),
    ("randperm(3)", lambda m: m.randperm(3), SHAPE),
    ("randperm(0)", lambda m: m.randperm(0), SHAPE),
    ("randperm(-1)", lambda m: m.randperm(-1), RuntimeError),
    ("randperm(2.5)", lambda m: m.randperm(2.5), TypeError),
    # tensor(..., dtype=) and *_like
    ("tensor(dtype=int)", lambda m: m.tensor([1.7, -1.7], dtype=m.int), VALUES),
    ("tensor(dtype=short)", lambda m: m.tensor([1, 2], dtype=m.short), VALUES),
    ("tensor([1, 2], dtype=float)", lambda m: m.tensor([1, 2], dtype=m.float), VALUES),
    ("zeros_like(dtype=int)", lambda m: m.zeros_like(m.ones(2, dtype=m.float64), dtype=m.int), VALUES),
    ("ones_like keeps float64", lambda m: m.ones_like(m.ones(2, 3, dtype=m.float64)), VALUES),
    ("full_like(t, 2)", lambda m: m.full_like(m.ones(2, dtype=m.float64), 2), VALUES),
    ("full_like(t, 2.5, dtype=int64)", lambda m: m.full_like(m.ones(2), 2.5, dtype=m.int64), VALUES),
    ("empty_like(dtype=int16)", lambda m: m.empty_like(m.ones(2, 3), dtype=m.int16), SHAPE),
    ("rand_like(int tensor)", lambda m: m.rand_like(m.ones(2, dtype=m.int64)), NotImplementedError),
    ("randn_like(float64)", lambda m: m.randn_like(m.ones(2, dtype=m.float64)), SHAPE),
    ("randint_like(t, 5)", lambda m: m.randint_like(m.ones(2, 3, dtype=m.float64), 5), SHAPE),
    ("randint_like(t, 2, 5)", lambda m: m.randint_like(m.ones(4, dtype=m.int32), 2, 5), SHAPE),
    # Tensor.new_*: dtype and device default to self's
    ("new_zeros(2, 3)", lambda m: m.ones(1, dtype=m.float64).new_zeros(2, 3), VALUES),
    ("new_zeros((2,))", lambda m: m.ones(1, dtype=m.float64).new_zeros((2,)), VALUES),
    ("new_zeros(())", lambda m: m.ones(1, dtype=m.float64).new_zeros(()), VALUES),
    ("new_zeros(dtype=int32)", lambda m: m.ones(1, dtype=m.float64).new_zeros(2, dtype=m.int32), VALUES),
    ("new_ones([2])", lambda m: m.ones(1, dtype=m.int16).new_ones([2]), VALUES),
    ("new_empty((2,))", lambda m: m.ones(1, dtype=m.float64).new_empty((2,)), SHAPE),
    ("new_empty(2, 3)", lambda m: m.ones(1, dtype=m.int64).new_empty(2, 3), SHAPE),
    ("new_full((2,), 3)", lambda m: m.ones(1, dtype=m.float64).new_full((2,), 3), VALUES),
    ("new_full int self, 3.7", lambda m: m.ones(1, dtype=m.int64).new_full((2,), 3.7), VALUES),
    ("new_full(size=, fill_value=)", lambda m: m.ones(1, dtype=m.float64).new_full(size=(2,), fill_value=1), VALUES),
    ("new_tensor([1, 2])", lambda m: m.ones(1, dtype=m.float64).new_tensor([1, 2]), VALUES),
    ("new_tensor(dtype=)", lambda m: m.ones(1).new_tensor([1.5, 2.5], dtype=m.int64), VALUES),
    ("new_zeros(2.5)", lambda m: m.ones(1).new_zeros(2.5), TypeError),
    ("new_full(2, 3)", lambda m: m.ones(1).new_full(2, 3), TypeError),
    ("new_ones(-1)", lambda m: m.ones(1).new_ones(-1), RuntimeError),
]


def _dtype_name(t):
    return str(t.dtype).replace("torch.", "") if isinstance(t, torch.Tensor) else t.dtype.name


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name, fn, expect", CASES, ids=[c[0] for c in CASES])
def test_call_form_matches_torch(name, fn, expect):
    if isinstance(expect, type) and issubclass(expect, Exception):
        with pytest.raises(expect):  # the oracle really raises this
            fn(torch)
        with pytest.raises(expect) as got:
            fn(nerve)
        assert str(got.value), "the error needs a message"
        return
    ref, got = fn(torch), fn(nerve)
    assert isinstance(got, nerve.Tensor)
    assert tuple(got.shape) == tuple(ref.shape), name
    assert _dtype_name(got) == _dtype_name(ref), name
    if expect == VALUES:
        np.testing.assert_allclose(got.numpy().astype(np.float64), ref.numpy().astype(np.float64),
                                   rtol=1e-6, atol=0, err_msg=name)


# ----------------------------------------------------------------------------- messages and details

@pytest.mark.parametrize("fn, pattern", [
    (lambda: nerve.zeros(2.5), r"zeros\(\): argument 'size' \(position 1\) must be tuple of ints, not float"),
    (lambda: nerve.ones(2, 2.5), r"ones\(\): argument 'size' failed to unpack the object at pos 2"),
    (lambda: nerve.full(2, 3), r"full\(\): argument 'size' \(position 1\) must be tuple of ints, not int"),
    (lambda: nerve.randint(5.5, (2,)), r"randint\(\): argument 'high' \(position 1\) must be int, not float"),
    (lambda: nerve.randint(1, 5.5, (2,)), r"randint\(\): argument 'high' \(position 2\) must be int, not float"),
    (lambda: nerve.randint(5, 5, (2,)), r"from=5 >= to=5"),
    (lambda: nerve.zeros(2, -3), r"negative dimension -3: \[2, -3\]"),
    (lambda: nerve.empty((4, -1)), r"negative dimension -1: \[4, -1\]"),
    (lambda: nerve.randint(5, (-1,)), r"negative dimension -1: \[-1\]"),
    (lambda: nerve.arange(0, 5, 0), "step must be nonzero"),
    (lambda: nerve.arange(5, 0), "inconsistent with step sign"),
    (lambda: nerve.linspace(0, 1, 3, dtype=nerve.bool), "Bool"),
    (lambda: nerve.linspace(0, 1, -2), "number of steps must be non-negative"),
    (lambda: nerve.rand(2, dtype=nerve.int64), "'Long'"),
    (lambda: nerve.randint(300, (2,), dtype=nerve.uint8), "out of bounds for unsigned char"),
    (lambda: nerve.eye(2.5), r"eye\(\): argument 'n' \(position 1\) must be int, not float"),
])
def test_error_messages_use_torch_words(fn, pattern):
    with pytest.raises((TypeError, RuntimeError, ValueError, NotImplementedError), match=pattern):
        fn()


def test_randint_forms_are_in_range_and_seeded():
    a = nerve.randint(3, 7, (1000,))
    assert a.dtype == nerve.int64 and int(a.min()) == 3 and int(a.max()) == 6
    b = nerve.randint(4, (500,))
    assert int(b.min()) == 0 and int(b.max()) == 3
    g1, g2 = nerve.Generator().manual_seed(7), nerve.Generator().manual_seed(7)
    np.testing.assert_array_equal(nerve.randint(100, (5,), generator=g1).numpy(),
                                  nerve.randint(100, (5,), generator=g2).numpy())
    np.testing.assert_array_equal(nerve.rand(2, 3, generator=nerve.Generator().manual_seed(1)).numpy(),
                                  nerve.rand((2, 3), generator=nerve.Generator().manual_seed(1)).numpy())
    assert nerve.randint(3, (2,), dtype=nerve.float32, requires_grad=True).requires_grad
    with pytest.raises(RuntimeError):
        nerve.randint(3, (2,), requires_grad=True)  # int64 cannot require grad


def test_integer_linspace_truncates_toward_zero_like_torch():
    for start, end, steps in [(-5, 5, 4), (-9, 9, 10), (3, -8, 6), (-2.5, 7.9, 5), (0, 1, 7)]:
        for dt in ("int64", "int32", "int16"):
            ref = torch.linspace(start, end, steps, dtype=getattr(torch, dt)).numpy()
            got = nerve.linspace(start, end, steps, dtype=getattr(nerve, dt)).numpy()
            np.testing.assert_array_equal(got, ref, err_msg=f"{start, end, steps, dt}")


def test_empty_strided_strides_and_requires_grad():
    t = nerve.empty_strided((2, 3), (1, 2), dtype=nerve.float64, requires_grad=True)
    assert t.shape == (2, 3) and t.numpy(force=True).strides == (8, 16) and t.requires_grad
    assert nerve.empty_strided((0, 3), (3, 1)).shape == (0, 3)
    with pytest.raises(RuntimeError, match="strides"):
        nerve.empty_strided((2, 3), (1,))


def test_new_methods_keep_dtype_and_flags():
    x = nerve.ones(2, dtype=nerve.float64)
    y = x.new_zeros(3, requires_grad=True)
    assert y.dtype == nerve.float64 and y.requires_grad and y.is_leaf
    t = x.new_tensor([1, 2])
    assert t.dtype == nerve.float64 and not t.requires_grad
    src = nerve.tensor([1.0, 2.0])
    copy = src.new_tensor(src)
    copy.add_(1.0)
    assert src.tolist() == [1.0, 2.0]  # new_tensor copies
    assert x.new_full((2,), math.pi).dtype == nerve.float64
    assert nerve.ones(1, dtype=nerve.int32).new_ones(2).dtype == nerve.int32


def test_default_dtype_follows_set_default_dtype():
    nerve.set_default_dtype(nerve.float64)
    try:
        assert nerve.zeros(2).dtype == nerve.float64
        assert nerve.arange(2.0).dtype == nerve.float64
        assert nerve.linspace(0, 1, 3).dtype == nerve.float64
        assert nerve.full((1,), 1.5).dtype == nerve.float64
        assert nerve.arange(2).dtype == nerve.int64
    finally:
        nerve.set_default_dtype(nerve.float32)
