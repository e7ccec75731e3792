"""Indexing against PyTorch: ``x[index]`` and ``x[index] = value`` over a grid of index kinds.

On a (4, 5, 6, 3) tensor: integers (negative too), slices with positive steps, None, Ellipsis, integer
index tensors and lists (1-D and 2-D, with repeats), NumPy arrays, ``range``, bool masks (full and
partial, Python bool lists, 0-d bools) and the mixtures where PyTorch's rules differ from NumPy's
(``x[1, :, idx]`` keeps the sliced dim first; separated advanced indices move their dims to the front;
a list holding lists is a tuple of indices, PyTorch's legacy rule). Each case compares values, shapes
and the gradient of a weighted sum of the result with respect to the input.

``setitem`` runs the same grid with scalar, broadcast and full-shape values, values that require grad
(the gradients of both the target and the value are compared), targets that do not require grad, and
``x[index] += v``. Errors: the exception type PyTorch raises.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import nerve

torch = pytest.importorskip("torch")

SHAPE = (4, 5, 6, 3)


class _Lib:
    """Builds index tensors for one library, so one spec lambda serves both."""

    def __init__(self, lib):
        self.lib = lib

    def t(self, values, dtype="int64"):
        arr = np.asarray(values, dtype=dtype)
        return torch.from_numpy(arr) if self.lib is torch else nerve.tensor(arr)

    def m(self, arr):
        arr = np.asarray(arr, dtype=bool)
        return torch.from_numpy(arr.copy()) if self.lib is torch else nerve.tensor(arr.copy())


_rng = np.random.default_rng(7)
MASK4 = np.array([True, False, True, True])
MASK45 = _rng.random((4, 5)) < 0.5
MASK456 = _rng.random((4, 5, 6)) < 0.3
MASKFULL = _rng.random(SHAPE) < 0.2
MASK5 = np.array([False, True, True, False, True])
MASK3 = np.array([True, False, True])
S = slice

# (id, spec(L) -> index, has repeated positions)
SPECS = [
    # basic
    ("int", lambda L: 1, False),
    ("neg int", lambda L: -1, False),
    ("int,int", lambda L: (1, 2), False),
    ("neg ints", lambda L: (-1, -2, 3), False),
    ("all ints (0-d)", lambda L: (0, 1, 2, 1), False),
    ("all neg ints", lambda L: (-4, -5, -6, -3), False),
    ("colon", lambda L: S(None), False),
    ("slice", lambda L: S(1, 3), False),
    ("slice step 2", lambda L: S(None, None, 2), False),
    ("slice start step 3", lambda L: S(1, None, 3), False),
    ("neg slice start", lambda L: S(-3, None), False),
    ("neg slice stop", lambda L: S(None, -1), False),
    ("slice past end", lambda L: S(2, 100), False),
    ("empty slice", lambda L: S(3, 1), False),
    ("slice beyond", lambda L: S(10, 20), False),
    ("mixed basic", lambda L: (S(0, 4, 2), 1, S(None), -1), False),
    ("dim1 slice step", lambda L: (S(None), S(0, 5, 2), S(1, None, 4)), False),
    ("None", lambda L: None, False),
    ("None, int", lambda L: (None, 1), False),
    ("int, None, colon", lambda L: (1, None, S(None)), False),
    ("Ellipsis", lambda L: Ellipsis, False),
    ("..., int", lambda L: (Ellipsis, 1), False),
    ("int, ..., int", lambda L: (1, Ellipsis, 2), False),
    ("..., None", lambda L: (Ellipsis, None), False),
    ("None, ..., None", lambda L: (None, Ellipsis, None), False),
    ("colon None slice ... int", lambda L: (S(None), None, S(1, 3), Ellipsis, 0), False),
    ("0-d int tensor", lambda L: L.t(2), False),
    ("0-d int tensor, slice", lambda L: (L.t(-1), S(1, 3)), False),
    ("slice with tensor bounds", lambda L: S(L.t(1), L.t(3)), False),
    # advanced: lists, tensors, arrays, ranges
    ("list", lambda L: [0, 1], False),
    ("list repeats", lambda L: [0, 2, 2, 0], True),
    ("list neg", lambda L: [-1, 0], False),
    ("list of one", lambda L: [1], False),
    ("tensor 1-D", lambda L: L.t([3, -1, 1]), True),
    ("tensor 1-D no repeat", lambda L: L.t([3, 0, 1]), False),
    ("tensor int32", lambda L: L.t([2, 0], "int32"), False),
    ("tensor 2-D", lambda L: L.t([[0, 1], [3, 3]]), True),
    ("tensor 2-D no repeat", lambda L: L.t([[0, 1], [3, 2]]), False),
    ("numpy array", lambda L: np.array([1, 3]), False),
    ("empty tensor", lambda L: L.t([], "int64"), False),
    ("range", lambda L: range(1, 4), False),
    ("range step", lambda L: range(0, 4, 2), False),
    ("int, range", lambda L: (1, range(2)), False),
    ("tuple of lists", lambda L: ([0, 1], [2, 3]), False),
    ("tuple of three lists", lambda L: ([0, 1], [2, 3], [1, 1]), False),
    ("tuple of tuples", lambda L: ((0, 1), (1, 2)), False),
    ("list of lists (legacy tuple)", lambda L: [[0, 1], [1, 2]], False),
    ("list of list", lambda L: [[1]], False),
    ("list of tensors (legacy tuple)", lambda L: [L.t([0, 1]), L.t([1, 2])], False),
    ("list of int and list (legacy tuple)", lambda L: [1, [0, 2]], False),
    ("list of lists, comma", lambda L: ([[0, 1], [1, 2]],), True),
    ("broadcast lists", lambda L: ([0, 1], [[0], [1]]), False),
    ("1, :, idx, 0:2", lambda L: (1, S(None), L.t([0, 2, 5]), S(0, 2)), False),
    ("idx, 1, idx2", lambda L: (L.t([0, 3]), 1, L.t([2, 4])), False),
    (":, idx, :, idx2", lambda L: (S(None), L.t([0, 1]), S(None), L.t([0, 2])), False),
    (":, idx, :, idx2 broadcast", lambda L: (S(None), L.t([[0], [4]]), S(None), L.t([0, 2, 1])), False),
    ("..., idx", lambda L: (Ellipsis, L.t([2, 0])), False),
    ("..., idx repeats", lambda L: (Ellipsis, L.t([1, 1, 2])), True),
    ("None, idx", lambda L: (None, L.t([1, 2])), False),
    ("idx, None", lambda L: (L.t([1, 2]), None), False),
    ("None, list, None", lambda L: (None, [0, 1], None), False),
    ("idx2d, slice", lambda L: (L.t([[0, 1], [1, 2]]), S(1, 3)), True),
    (":, idx2d", lambda L: (S(None), L.t([[0, 4], [3, 1]])), False),
    ("idx, :, idx (separated)", lambda L: (L.t([0, 1]), S(None), L.t([2, 3])), False),
    ("idx, idx (adjacent)", lambda L: (L.t([0, 1]), L.t([2, 3])), False),
    ("int, idx", lambda L: (1, L.t([0, 4])), False),
    ("idx, int", lambda L: (L.t([0, 3]), 1), False),
    (":, int, idx", lambda L: (S(None), 1, L.t([5, 0])), False),
    ("int, idx, int", lambda L: (1, L.t([0, 2]), 2), False),
    ("int, :, :, idx", lambda L: (2, S(None), S(None), L.t([2, 0])), False),
    ("idx, ..., idx", lambda L: ([0, 1], Ellipsis, [1, 2]), False),
    ("slice step, idx", lambda L: (S(None, None, 2), L.t([1, 3])), False),
    ("idx, slice step", lambda L: (L.t([3, 1]), S(1, None, 2)), False),
    ("0-d tensor, idx", lambda L: (L.t(1), L.t([0, 4])), False),
    # bool masks
    ("mask full", lambda L: L.m(MASKFULL), False),
    ("mask dim0", lambda L: L.m(MASK4), False),
    ("mask dims 0-1", lambda L: L.m(MASK45), False),
    ("mask dims 0-2", lambda L: L.m(MASK456), False),
    (":, mask dim1", lambda L: (S(None), L.m(MASK5)), False),
    ("..., mask last", lambda L: (Ellipsis, L.m(MASK3)), False),
    ("mask dim0, int", lambda L: (L.m(MASK4), 1), False),
    ("int, mask dim1", lambda L: (1, L.m(MASK5)), False),
    ("mask dim0, slice", lambda L: (L.m(MASK4), S(1, 4)), False),
    ("None, mask", lambda L: (None, L.m(MASK4)), False),
    ("mask all false", lambda L: L.m(np.zeros(4, bool)), False),
    ("mask dims 0-1, idx", lambda L: (L.m(np.eye(4, 5, dtype=bool)), L.t([0, 2, 5, 1])), False),
    ("python bool list", lambda L: [True, False, True, False], False),
    ("True", lambda L: True, False),
    ("False", lambda L: False, False),
    ("0-d bool tensor", lambda L: L.m(np.array(True)), False),
    ("int, 0-d bool tensor", lambda L: (1, L.m(np.array(True))), False),
]
IDS = [s[0] for s in SPECS]


def _x_data():
    return np.random.default_rng(0).standard_normal(SHAPE).astype(np.float32)


def _weights(shape, seed=1):
    return np.asarray(np.random.default_rng(seed).standard_normal(shape), dtype=np.float32)


def _quiet(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")    # PyTorch's deprecation warning for list-of-lists indices
        return fn()


def _check_close(what, n, t, rtol=1e-5, atol=1e-6):
    n = np.asarray(n)
    assert n.shape == tuple(t.shape), f"{what}: nerve shape {n.shape}, torch {tuple(t.shape)}"
    np.testing.assert_allclose(n, t.detach().numpy(), rtol=rtol, atol=atol, err_msg=what)


# -------------------------------------------------------------------- getitem
@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_getitem_values_shapes_and_gradient(spec):
    _, make, _ = spec
    X = _x_data()
    tx = torch.tensor(X, requires_grad=True)
    ty = _quiet(lambda: tx[make(_Lib(torch))])
    nx = nerve.tensor(X, requires_grad=True)
    ny = nx[make(_Lib(nerve))]
    assert tuple(ny.shape) == tuple(ty.shape), f"shape: nerve {tuple(ny.shape)}, torch {tuple(ty.shape)}"
    _check_close("values", ny.detach().numpy(), ty)
    assert ny.dtype == nerve.float32
    w = _weights(tuple(ty.shape))
    (ty * torch.tensor(w)).sum().backward()
    (ny * nerve.tensor(w)).sum().backward()
    assert nx.grad is not None, "no gradient reached the input"
    _check_close("gradient of sum(w * x[index])", nx.grad.numpy(), tx.grad)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_getitem_of_integer_and_bool_tensors(spec):
    """Indexing keeps the dtype (int64, int32, bool) and the values."""
    _, make, _ = spec
    X = (_x_data() * 10).astype(np.int64)
    for arr in (X, X.astype(np.int32), X > 0):
        ty = _quiet(lambda: torch.from_numpy(arr.copy())[make(_Lib(torch))])
        ny = nerve.tensor(arr.copy())[make(_Lib(nerve))]
        assert str(ny.dtype) == str(ty.dtype).replace("torch.", ""), f"nerve {ny.dtype}, torch {ty.dtype}"
        _check_close("values", ny.numpy(), ty)


@pytest.mark.parametrize("spec", [s for s in SPECS if s[0] in (
    "int", "neg ints", "slice step 2", "mixed basic", "None, ..., None", "..., int", "colon None slice ... int",
    "all ints (0-d)", "0-d int tensor")], ids=lambda s: s[0])
def test_basic_index_is_a_view(spec):
    """A basic index (ints, slices, None, ...) is a view: in place through it writes into the base."""
    _, make, _ = spec
    tx = torch.tensor(_x_data())
    nx = nerve.tensor(_x_data())
    ty = tx[make(_Lib(torch))]
    ny = nx[make(_Lib(nerve))]
    ty.add_(100.0)
    ny.add_(100.0)
    _check_close("base after view.add_(100)", nx.numpy(), tx)


# -------------------------------------------------------------------- setitem
def _value_kinds(result_shape, repeats):
    """(id, make(lib) -> value or None, requires grad). Tensor values with varying entries are left out
    for indices that repeat a position (which write wins is unspecified in PyTorch)."""
    kinds = [("scalar", None)]
    kinds.append(("0-d tensor", ()))
    if not repeats:
        kinds.append(("full", tuple(result_shape)))
        if len(result_shape) >= 1:
            kinds.append(("broadcast last dim", tuple(result_shape[-1:])))
            kinds.append(("broadcast (1,)", (1,)))
    return kinds


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_setitem_values_and_gradients(spec):
    """``x[index] = v`` on a non-leaf that requires grad: values, and the gradients of a weighted sum
    with respect to the leaf (zero where overwritten) and to the value (summed over broadcasting)."""
    name, make, repeats = spec
    X = _x_data()
    rshape = tuple(_quiet(lambda: torch.tensor(X)[make(_Lib(torch))]).shape)
    W = _weights(SHAPE, seed=3)
    for kind, vshape in _value_kinds(rshape, repeats):
        V = None if vshape is None else np.asarray(_weights(vshape, seed=5) + 10.0, dtype=np.float32)

        def run(lib, conv):
            base = conv(X.copy())
            base.requires_grad_(True)
            x = base * 1.0
            v = 2.5 if V is None else conv(V.copy()).requires_grad_(True)
            idx = make(_Lib(lib))
            if lib is torch:
                _quiet(lambda: x.__setitem__(idx, v))
            else:
                x[idx] = v
            (x * conv(W.copy())).sum().backward()
            return x, base.grad, (None if V is None else v.grad)
        tx, tgb, tgv = run(torch, torch.from_numpy)
        nx, ngb, ngv = run(nerve, nerve.tensor)
        what = f"x[{name}] = {kind}"
        _check_close(f"{what}: values", nx.detach().numpy(), tx)
        _check_grad(f"{what}: target gradient", ngb, tgb)
        if V is not None:
            _check_grad(f"{what}: value gradient", ngv, tgv, rtol=1e-4, atol=1e-5)


def _check_grad(what, n, t, **tol):
    """``n`` matches torch's gradient ``t``; where torch has none (a value never written, as in
    ``x[False] = v``), nerve may have none or zeros."""
    if t is None:
        assert n is None or not np.any(n.numpy()), f"{what}: torch has no gradient, nerve has {n}"
        return
    assert n is not None, f"{what}: no gradient reached the tensor (torch has one)"
    _check_close(what, n.numpy(), t, **tol)


@pytest.mark.parametrize("spec", [s for s in SPECS if not s[2]], ids=[s[0] for s in SPECS if not s[2]])
def test_setitem_into_plain_tensor_with_grad_value(spec):
    """A tensor that does not require grad, written with a value that does, then requires grad itself
    and passes the gradient to the value (PyTorch's index_put_ on a plain tensor)."""
    name, make, _ = spec
    rshape = tuple(_quiet(lambda: torch.zeros(SHAPE)[make(_Lib(torch))]).shape)
    V = _weights(rshape, seed=4)
    W = _weights(SHAPE, seed=6)

    def run(lib, conv):
        x = lib.zeros(SHAPE)
        v = conv(V.copy()).requires_grad_(True)
        idx = make(_Lib(lib))
        if lib is torch:
            _quiet(lambda: x.__setitem__(idx, v))
        else:
            x[idx] = v
        req = x.requires_grad
        if req:
            (x * conv(W.copy())).sum().backward()
        return x, v.grad, req
    tx, tgv, treq = run(torch, torch.from_numpy)
    nx, ngv, nreq = run(nerve, nerve.tensor)
    _check_close("values", nx.detach().numpy(), tx)
    # PyTorch skips an index that selects nothing (``x[False] = v`` leaves x out of the graph); recording
    # it is harmless as long as v's gradient is zero, which _check_grad accepts
    assert nreq or not treq, f"x[{name}] = v (v requires grad): x does not require grad (torch's does)"
    _check_grad("value gradient", ngv, tgv)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_augmented_setitem(spec):
    """``x[index] += 1`` (and ``*= 2``): read, modify, write back. With repeated advanced indices each
    position changes once, as in PyTorch (the write is not an accumulation)."""
    _, make, _ = spec
    for op in ("__iadd__", "__imul__"):
        arg = 1.0 if op == "__iadd__" else 2.0
        tx = torch.tensor(_x_data())
        nx = nerve.tensor(_x_data())
        ti, ni = make(_Lib(torch)), make(_Lib(nerve))

        def aug(x, i):
            y = x[i]
            y = getattr(y, op)(arg)
            x[i] = y
        _quiet(lambda: aug(tx, ti))
        aug(nx, ni)
        _check_close(f"x[index] {op} {arg}", nx.numpy(), tx)


@pytest.mark.parametrize("spec", [s for s in SPECS if not s[2]], ids=[s[0] for s in SPECS if not s[2]])
def test_augmented_setitem_with_grad(spec):
    """``x[index] += v`` on a non-leaf with a value that requires grad: both gradients as PyTorch."""
    name, make, _ = spec
    X = _x_data()
    rshape = tuple(_quiet(lambda: torch.tensor(X)[make(_Lib(torch))]).shape)
    V = _weights(rshape, seed=8)
    W = _weights(SHAPE, seed=9)

    def run(lib, conv):
        base = conv(X.copy()).requires_grad_(True)
        x = base * 2.0
        v = conv(V.copy()).requires_grad_(True)
        idx = make(_Lib(lib))

        def body():
            x[idx] += v
        _quiet(body)
        (x * x * conv(W.copy())).sum().backward()
        return x, base.grad, v.grad
    tx, tgb, tgv = run(torch, torch.from_numpy)
    nx, ngb, ngv = run(nerve, nerve.tensor)
    _check_close(f"x[{name}] += v: values", nx.detach().numpy(), tx)
    _check_grad(f"x[{name}] += v: target gradient", ngb, tgb, rtol=1e-4, atol=1e-5)
    _check_grad(f"x[{name}] += v: value gradient", ngv, tgv, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("stmt", ["x[1] = x[2]", "x[1] = x[1]", "y = x[0]; x[3] = y", "x[:, 0] = x[:, 1] * 2",
                                  "x[[1]] = x[[2]]", "x[0] = x[[2]]"])
def test_setitem_with_a_value_read_from_the_target(stmt):
    """The value is (a view of) the target itself: the gradient still flows through both paths."""
    def run(lib):
        base = lib.arange(12.0).reshape(4, 3).requires_grad_(True)
        env = {"x": base * 2.0}
        exec(stmt, env)
        (env["x"] * env["x"]).sum().backward()
        return env["x"], base.grad
    tx, tg = run(torch)
    nx, ng = run(nerve)
    _check_close(f"{stmt}: values", nx.detach().numpy(), tx)
    assert ng is not None, f"{stmt}: no gradient reached the leaf (torch: {tg.tolist()})"
    _check_close(f"{stmt}: gradient", ng.numpy(), tg)


@pytest.mark.parametrize("vshape", [(1, 3), (1, 1, 3), (1, 1), (1, 2, 3)])
def test_setitem_value_with_leading_unit_dims(vshape):
    """A value may have extra leading size-1 dims (PyTorch squeezes them): ``x[0] = v`` with v (1, 3),
    and x[[0, 2]] = v with v (1, 2, 3); the value's gradient keeps its shape."""
    def run(lib):
        base = lib.arange(12.0).reshape(4, 3).requires_grad_(True)
        x = base * 1.0
        v = lib.ones(vshape).requires_grad_(True)
        idx = [0, 2] if len(vshape) == 3 and vshape[1] == 2 else 0
        x[idx] = v * 3.0
        (x * x).sum().backward()
        return x, base.grad, v.grad
    tx, tgb, tgv = run(torch)
    nx, ngb, ngv = run(nerve)
    _check_close("values", nx.detach().numpy(), tx)
    _check_grad("target gradient", ngb, tgb)
    _check_grad("value gradient", ngv, tgv)


def test_setitem_casts_value_to_target_dtype():
    """Writing floats into an int tensor truncates: Python numbers with any index, tensors with a basic
    index (PyTorch's copy_ casts)."""
    for dt in ("int64", "int32"):
        tx = torch.zeros(4, 5, dtype=getattr(torch, dt))
        nx = nerve.zeros(4, 5, dtype=getattr(nerve, dt))
        for x, lib in ((tx, torch), (nx, nerve)):
            x[1] = 2.7
            x[[0, 2], 1] = -3.7
            x[x > 2] = 5.5
            x[2:4, 0] = lib.tensor([1.9, -1.9])
            x[3] = lib.full((5,), 7.9)
        assert str(nx.dtype) == dt
        np.testing.assert_array_equal(nx.numpy(), tx.numpy())


def test_advanced_setitem_refuses_a_tensor_of_another_dtype():
    """PyTorch's index_put_ requires the value tensor's dtype to match ("Index put requires the source
    and destination dtypes match"); only basic indices cast."""
    _same_error(lambda lib: lib.zeros(4, 5, dtype=lib.int64).__setitem__(([0, 2], 1), lib.tensor([1.9, -1.9])),
                "int target, float value, advanced index")
    _same_error(lambda lib: lib.zeros(3).__setitem__([0, 1], lib.tensor([1, 2])),
                "float target, int value, advanced index")


def test_makemore_counts_pattern():
    """``N[ix1, ix2] += 1`` in a loop counts (the bigram table of Karpathy's makemore)."""
    pairs = [(0, 1), (1, 2), (0, 1), (2, 0), (0, 1), (1, 2)]
    Nt = torch.zeros((3, 3), dtype=torch.int32)
    Nn = nerve.zeros((3, 3), dtype=nerve.int32)
    for a, b in pairs:
        Nt[a, b] += 1
        Nn[a, b] += 1
    assert Nn.dtype == nerve.int32
    np.testing.assert_array_equal(Nn.numpy(), Nt.numpy())


# -------------------------------------------------------------------- errors
ERRORS = [
    ("negative step", lambda L: S(None, None, -1)),
    ("negative step in tuple", lambda L: (1, S(4, 0, -2))),
    ("zero step", lambda L: S(None, None, 0)),
    ("float index", lambda L: 1.5),
    ("float in tuple", lambda L: (0, 2.0)),
    ("float tensor index", lambda L: L.t([0.5], "float32")),
    ("out of range", lambda L: 4),
    ("negative out of range", lambda L: -5),
    ("out of range dim 1", lambda L: (S(None), 5)),
    ("out of range in tensor", lambda L: L.t([4])),
    ("out of range in list", lambda L: [0, 4]),
    ("negative out of range in tensor", lambda L: L.t([0, -5])),
    ("out of range with slice before", lambda L: (S(None), S(None), L.t([6]))),
    ("too many indices", lambda L: (0, 0, 0, 0, 0)),
    ("mask wrong shape", lambda L: L.m(np.ones(3, bool))),
    ("mask wrong trailing shape", lambda L: L.m(np.ones((4, 4), bool))),
    ("index shapes do not broadcast", lambda L: (L.t([0, 1]), L.t([0, 1, 2]))),
    ("set index", lambda L: {0}),
    ("float slice bound", lambda L: S(1.0, 2)),
]


def _same_error(expect_fn, what):
    t_err = n_err = None
    try:
        _quiet(lambda: expect_fn(torch))
    except Exception as e:  # noqa: BLE001
        t_err = e
    try:
        expect_fn(nerve)
    except Exception as e:  # noqa: BLE001
        n_err = e
    assert t_err is not None, f"{what}: the oracle no longer raises"
    assert n_err is not None, f"{what}: torch raises {type(t_err).__name__} ({t_err}), nerve does not"
    assert isinstance(n_err, type(t_err)), (
        f"{what}: torch raises {type(t_err).__name__} ({t_err}), nerve raises {type(n_err).__name__}: {n_err}")
    assert "Traceback" not in str(n_err)


@pytest.mark.parametrize("case", ERRORS, ids=[c[0] for c in ERRORS])
def test_getitem_errors(case):
    name, make = case
    _same_error(lambda lib: (torch.zeros(SHAPE) if lib is torch else nerve.zeros(SHAPE))[make(_Lib(lib))], name)


@pytest.mark.parametrize("case", ERRORS, ids=[c[0] for c in ERRORS])
def test_setitem_errors(case):
    name, make = case

    def run(lib):
        x = torch.zeros(SHAPE) if lib is torch else nerve.zeros(SHAPE)
        x[make(_Lib(lib))] = 1.0
    _same_error(run, name)


SET_ERRORS = [
    ("value shape mismatch", lambda lib: lib.zeros(SHAPE).__setitem__(0, lib.ones(4))),
    ("value too many elements", lambda lib: lib.zeros(SHAPE).__setitem__((0, 0, 0), lib.ones(2, 3))),
    ("advanced value mismatch", lambda lib: lib.zeros(SHAPE).__setitem__([0, 1], lib.ones(3, 5, 6, 3))),
    ("leaf requiring grad", lambda lib: lib.zeros(SHAPE, requires_grad=True).__setitem__(0, 1.0)),
]


@pytest.mark.parametrize("case", SET_ERRORS, ids=[c[0] for c in SET_ERRORS])
def test_setitem_value_errors(case):
    name, fn = case
    _same_error(fn, name)
