"""Losses in nerve.nn.functional and nerve.nn against PyTorch (the oracle): values and gradients."""
import itertools

import numpy as np
import pytest

import nerve
import nerve.nn.functional as F
from nerve.autograd import gradcheck

torch = pytest.importorskip("torch")
TF = torch.nn.functional

REDUCTIONS = ["mean", "sum", "none"]


def _rng(seed=0):
    return np.random.default_rng(seed)


def _compare(nfn, tfn, arrays, grads, rtol=1e-5, atol=1e-6, consts=()):
    """Run ``nfn`` and ``tfn`` on the same arrays; compare outputs and gradients of ``grads`` (indices)."""
    n_in = [nerve.tensor(a, requires_grad=i in grads) for i, a in enumerate(arrays)]
    t_in = [torch.tensor(a, requires_grad=i in grads) for i, a in enumerate(arrays)]
    n_c = [None if c is None else nerve.tensor(c) for c in consts]
    t_c = [None if c is None else torch.tensor(c) for c in consts]
    y, ty = nfn(*n_in, *n_c), tfn(*t_in, *t_c)
    assert y.shape == tuple(ty.shape)
    np.testing.assert_allclose(y._data, ty.detach().numpy(), rtol=rtol, atol=atol)
    if grads:
        seed = _rng(9).standard_normal(y.shape).astype(y.dtype)
        y.backward(nerve.tensor(seed))
        ty.backward(torch.tensor(seed))
        for i in grads:
            np.testing.assert_allclose(n_in[i].grad._data, t_in[i].grad.numpy(), rtol=rtol, atol=atol,
                                       err_msg=f"gradient of argument {i}")
    return y


# ------------------------------------------------------------- regression
REGRESSION = {
    "mse": (lambda *a, **k: F.mse_loss(*a, **k), lambda *a, **k: TF.mse_loss(*a, **k)),
    "l1": (lambda *a, **k: F.l1_loss(*a, **k), lambda *a, **k: TF.l1_loss(*a, **k)),
    "huber": (lambda *a, **k: F.huber_loss(*a, **k), lambda *a, **k: TF.huber_loss(*a, **k)),
    "huber_d05": (lambda *a, **k: F.huber_loss(*a, delta=0.5, **k),
                  lambda *a, **k: TF.huber_loss(*a, delta=0.5, **k)),
    "huber_d2": (lambda *a, **k: F.huber_loss(*a, delta=2.0, **k),
                 lambda *a, **k: TF.huber_loss(*a, delta=2.0, **k)),
    "smooth_l1": (lambda *a, **k: F.smooth_l1_loss(*a, **k), lambda *a, **k: TF.smooth_l1_loss(*a, **k)),
    "smooth_l1_b05": (lambda *a, **k: F.smooth_l1_loss(*a, beta=0.5, **k),
                      lambda *a, **k: TF.smooth_l1_loss(*a, beta=0.5, **k)),
    "smooth_l1_b0": (lambda *a, **k: F.smooth_l1_loss(*a, beta=0.0, **k),
                     lambda *a, **k: TF.smooth_l1_loss(*a, beta=0.0, **k)),
}


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", sorted(REGRESSION))
def test_regression_loss_matches_torch(name, reduction):
    nfn, tfn = REGRESSION[name]
    x = (_rng(1).standard_normal((5, 4)) * 2).astype(np.float32)
    y = (_rng(2).standard_normal((5, 4)) * 2).astype(np.float32)
    y[0, :3] = x[0, :3] + np.array([0.0, 0.5, 1.0], dtype=np.float32)   # d = 0 and d = delta / beta
    _compare(lambda a, b: nfn(a, b, reduction=reduction), lambda a, b: tfn(a, b, reduction=reduction),
             [x, y], grads=(0, 1))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["mse", "l1", "huber"])
def test_regression_loss_with_elementwise_weight(name, reduction):
    nfn, tfn = REGRESSION[name]
    x, y = (_rng(s).standard_normal((4, 3)).astype(np.float32) for s in (1, 2))
    w = _rng(3).uniform(0.1, 2.0, (4, 3)).astype(np.float32)
    _compare(lambda a, b, c: nfn(a, b, reduction=reduction, weight=c),
             lambda a, b, c: tfn(a, b, reduction=reduction, weight=c), [x, y], grads=(0,), consts=[w])


@pytest.mark.parametrize("name", sorted(REGRESSION))
def test_regression_loss_gradcheck(name):
    nfn, _ = REGRESSION[name]
    x = nerve.tensor(_rng(1).standard_normal((3, 4)), requires_grad=True)
    d = _rng(2).uniform(0.1, 0.4, (3, 4)) * np.sign(_rng(3).standard_normal((3, 4)))
    d[0] *= 6.0                                          # both sides of the Huber/smooth-L1 switch
    y = nerve.tensor(x._data + d, requires_grad=True)
    assert gradcheck(lambda a, b: nfn(a, b, reduction="sum"), (x, y))
    assert gradcheck(lambda a, b: nfn(a, b, reduction="none"), (x, y))


# ------------------------------------------------------------------- BCE
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight", [None, "class", "full"])
def test_bce_matches_torch(reduction, weight):
    p = (1 / (1 + np.exp(-_rng(1).standard_normal((6, 3)) * 2))).astype(np.float32)
    y = _rng(2).uniform(0, 1, (6, 3)).astype(np.float32)
    y[0] = [0.0, 1.0, 1.0]
    w = {None: None, "class": _rng(3).uniform(0.5, 2, (3,)), "full": _rng(3).uniform(0.5, 2, (6, 3))}[weight]
    w = None if w is None else w.astype(np.float32)
    _compare(lambda a, b, c: F.binary_cross_entropy(a, b, c, reduction=reduction),
             lambda a, b, c: TF.binary_cross_entropy(a, b, c, reduction=reduction), [p, y], grads=(0, 1),
             consts=[w])


def test_bce_at_probabilities_exactly_zero_and_one():
    p = np.array([0.0, 1.0, 0.0, 1.0, 0.0, 1.0], dtype=np.float32)
    y = np.array([1.0, 0.0, 0.0, 1.0, 0.5, 0.5], dtype=np.float32)
    out = _compare(lambda a, b: F.binary_cross_entropy(a, b, reduction="none"),
                   lambda a, b: TF.binary_cross_entropy(a, b, reduction="none"), [p, y], grads=(0,), rtol=1e-6)
    assert out.tolist() == pytest.approx([100.0, 100.0, 0.0, 0.0, 50.0, 50.0])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight,pos_weight", [(None, None), ("class", None), (None, "class"),
                                               ("full", "class"), (None, "full")])
def test_bce_with_logits_matches_torch(reduction, weight, pos_weight):
    x = (_rng(1).standard_normal((5, 3)) * 3).astype(np.float32)
    x[0] = [100.0, -100.0, 0.0]
    x[1] = [-100.0, 100.0, 30.0]
    y = _rng(2).uniform(0, 1, (5, 3)).astype(np.float32)
    y[0] = [0.0, 1.0, 1.0]
    y[1] = [0.0, 1.0, 0.0]
    shapes = {None: None, "class": (3,), "full": (5, 3)}
    w = None if weight is None else _rng(3).uniform(0.5, 2, shapes[weight]).astype(np.float32)
    pw = None if pos_weight is None else _rng(4).uniform(0.5, 3, shapes[pos_weight]).astype(np.float32)
    out = _compare(lambda a, b, c, d: F.binary_cross_entropy_with_logits(a, b, c, reduction=reduction, pos_weight=d),
                   lambda a, b, c, d: TF.binary_cross_entropy_with_logits(a, b, c, reduction=reduction,
                                                                          pos_weight=d),
                   [x, y], grads=(0, 1), consts=[w, pw], rtol=2e-5)
    assert np.isfinite(out._data).all()


def test_bce_gradcheck():
    p = nerve.tensor(_rng(1).uniform(0.1, 0.9, (3, 4)), requires_grad=True)
    y = nerve.tensor(_rng(2).uniform(0, 1, (3, 4)), requires_grad=True)
    w = nerve.tensor(_rng(3).uniform(0.5, 2, (4,)))
    assert gradcheck(lambda a, b: F.binary_cross_entropy(a, b, w, reduction="none"), (p, y))
    assert gradcheck(lambda a, b: F.binary_cross_entropy(a, b), (p, y))


@pytest.mark.parametrize("pos_weight", [False, True])
def test_bce_with_logits_gradcheck(pos_weight):
    x = nerve.tensor(_rng(1).standard_normal((3, 4)) * 2, requires_grad=True)
    y = nerve.tensor(_rng(2).uniform(0, 1, (3, 4)), requires_grad=True)
    pw = nerve.tensor(_rng(3).uniform(0.5, 3, (4,))) if pos_weight else None
    assert gradcheck(lambda a, b: F.binary_cross_entropy_with_logits(a, b, pos_weight=pw, reduction="none"), (x, y))


# -------------------------------------------------------------- NLL / CE
def _class_problem(shape, seed=0, ignore=False):
    """Logits of ``shape`` (class dim 1, or 0 for 1-d) and matching int64 targets."""
    rng = _rng(seed)
    x = (rng.standard_normal(shape) * 2).astype(np.float32)
    c = shape[1] if len(shape) > 1 else shape[0]
    tshape = () if len(shape) == 1 else (shape[0],) + tuple(shape[2:])
    t = rng.integers(0, c, tshape).astype(np.int64)
    if ignore and t.ndim:
        t.reshape(-1)[::3] = -100 if ignore is True else ignore
    return x, np.asarray(t), c


SHAPES = [(6, 4), (4,), (3, 4, 5), (2, 3, 2, 2)]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ignore", [False, True, 1])
def test_nll_loss_matches_torch(shape, reduction, weighted, ignore):
    x, t, c = _class_problem(shape, ignore=ignore)
    x = torch.log_softmax(torch.tensor(x), 1 if len(shape) > 1 else 0).numpy()
    w = _rng(5).uniform(0.2, 2, (c,)).astype(np.float32) if weighted else None
    ii = ignore if isinstance(ignore, int) and not isinstance(ignore, bool) else -100
    _compare(lambda a, tt, ww: F.nll_loss(a, tt, ww, ignore_index=ii, reduction=reduction),
             lambda a, tt, ww: TF.nll_loss(a, tt, ww, ignore_index=ii, reduction=reduction),
             [x], grads=(0,), consts=[t, w])


CE_CASES = list(itertools.product(SHAPES, REDUCTIONS, [False, True], [0.0, 0.1], [False, True]))


@pytest.mark.parametrize("shape,reduction,weighted,smoothing,ignore", CE_CASES,
                         ids=[f"{s}-{r}-w{int(w)}-ls{ls}-ign{int(i)}" for s, r, w, ls, i in CE_CASES])
def test_cross_entropy_class_indices_matches_torch(shape, reduction, weighted, smoothing, ignore):
    x, t, c = _class_problem(shape, seed=1, ignore=ignore)
    w = _rng(5).uniform(0.2, 2, (c,)).astype(np.float32) if weighted else None
    _compare(lambda a, tt, ww: F.cross_entropy(a, tt, ww, reduction=reduction, label_smoothing=smoothing),
             lambda a, tt, ww: TF.cross_entropy(a, tt, ww, reduction=reduction, label_smoothing=smoothing),
             [x], grads=(0,), consts=[t, w])


PROB_CASES = list(itertools.product(SHAPES, REDUCTIONS, [False, True], [0.0, 0.2]))


@pytest.mark.parametrize("shape,reduction,weighted,smoothing", PROB_CASES,
                         ids=[f"{s}-{r}-w{int(w)}-ls{ls}" for s, r, w, ls in PROB_CASES])
def test_cross_entropy_probabilities_matches_torch(shape, reduction, weighted, smoothing):
    x, _, c = _class_problem(shape, seed=2)
    cdim = 1 if len(shape) > 1 else 0
    p = torch.softmax(torch.randn(shape, generator=torch.Generator().manual_seed(0)), cdim).numpy()
    w = _rng(5).uniform(0.2, 2, (c,)).astype(np.float32) if weighted else None
    _compare(lambda a, tt, ww: F.cross_entropy(a, tt, ww, reduction=reduction, label_smoothing=smoothing),
             lambda a, tt, ww: TF.cross_entropy(a, tt, ww, reduction=reduction, label_smoothing=smoothing),
             [x, p], grads=(0, 1), consts=[w])


def test_cross_entropy_ignore_index_in_class_range():
    x, t, c = _class_problem((8, 4), seed=3)
    _compare(lambda a, tt: F.cross_entropy(a, tt, ignore_index=2, label_smoothing=0.3),
             lambda a, tt: TF.cross_entropy(a, tt, ignore_index=2, label_smoothing=0.3), [x], grads=(0,),
             consts=[t])


def test_cross_entropy_all_targets_ignored_is_nan_like_torch():
    x = nerve.randn(3, 4)
    t = nerve.tensor([-100, -100, -100])
    assert np.isnan(F.cross_entropy(x, t).item())
    assert np.isnan(F.cross_entropy(x, t, label_smoothing=0.1).item())
    assert F.cross_entropy(x, t, reduction="sum").item() == 0.0


def test_cross_entropy_huge_logits_stay_finite():
    x = np.array([[100.0, -100.0, 0.0], [-100.0, 100.0, 100.0], [0.0, 0.0, -100.0]], dtype=np.float32)
    t = np.array([1, 0, 2])
    out = _compare(lambda a, tt: F.cross_entropy(a, tt, label_smoothing=0.1),
                   lambda a, tt: TF.cross_entropy(a, tt, label_smoothing=0.1), [x], grads=(0,), consts=[t])
    assert np.isfinite(out._data).all()


def _count_nodes(y):
    seen, todo = set(), [y.grad_fn]
    while todo:
        f = todo.pop()
        if f is None or id(f) in seen:
            continue
        seen.add(id(f))
        todo.extend(t.grad_fn for t in f.inputs)
    return len(seen)


def test_cross_entropy_is_log_softmax_then_one_weighted_pick():
    x = nerve.randn(16, 10, requires_grad=True)
    t = nerve.randint(0, 10, (16,))
    loss = F.cross_entropy(x, t)
    names = []
    f = loss.grad_fn
    while f is not None:
        names.append(type(f).__name__)
        f = f.inputs[0].grad_fn
    assert names == ["WeightedPick", "LogSoftmax"]
    assert _count_nodes(loss) == 2          # LogSoftmax, then pick + weight + reduce in one op
    assert _count_nodes(F.cross_entropy(x, t, reduction="none")) == 2


def test_class_losses_gradcheck():
    x = nerve.tensor(_rng(1).standard_normal((4, 3, 2)), requires_grad=True)
    t = nerve.tensor([[0, 2], [1, -100], [2, 2], [0, 1]])
    w = nerve.tensor([0.5, 1.0, 2.0], dtype=nerve.float64)
    assert gradcheck(lambda a: F.cross_entropy(a, t, w, label_smoothing=0.2), (x,))
    assert gradcheck(lambda a: F.nll_loss(a, t, w, reduction="none"), (x,))
    p = nerve.tensor(_rng(2).dirichlet(np.ones(3), (4, 2)).transpose(0, 2, 1), requires_grad=True)
    assert gradcheck(lambda a, b: F.cross_entropy(a, b, w, label_smoothing=0.1), (x, p))


# ----------------------------------------------------------------- others
@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides")
@pytest.mark.parametrize("reduction", ["mean", "batchmean", "sum", "none"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_matches_torch(reduction, log_target):
    x = torch.log_softmax(torch.randn(4, 5, generator=torch.Generator().manual_seed(0)), 1).numpy()
    p = torch.softmax(torch.randn(4, 5, generator=torch.Generator().manual_seed(1)), 1).numpy()
    tgt = np.log(p) if log_target else p
    _compare(lambda a, b: F.kl_div(a, b, reduction=reduction, log_target=log_target),
             lambda a, b: TF.kl_div(a, b, reduction=reduction, log_target=log_target), [x, tgt], grads=(0, 1))
    if not log_target:      # a zero probability contributes 0 (0 log 0 = 0), as in PyTorch
        p[0, 0] = 0.0
        _compare(lambda a, b: F.kl_div(a, b, reduction=reduction),
                 lambda a, b: TF.kl_div(a, b, reduction=reduction), [x, p], grads=(0,))


def test_kl_div_gradcheck():
    x = nerve.tensor(_rng(1).standard_normal((3, 4)), requires_grad=True)
    p = nerve.tensor(_rng(2).uniform(0.1, 1, (3, 4)), requires_grad=True)
    assert gradcheck(lambda a, b: F.kl_div(a, b, reduction="batchmean"), (x, p))


def test_cosine_similarity_matches_torch():
    a, b = (_rng(s).standard_normal((4, 6)).astype(np.float32) for s in (1, 2))
    _compare(lambda u, v: F.cosine_similarity(u, v), lambda u, v: TF.cosine_similarity(u, v), [a, b], grads=(0, 1))
    _compare(lambda u, v: F.cosine_similarity(u, v, dim=0), lambda u, v: TF.cosine_similarity(u, v, dim=0),
             [a, b], grads=(0, 1))


def test_legacy_size_average_and_reduce_map_to_reduction():
    x, y = nerve.randn(3, 2), nerve.randn(3, 2)
    with pytest.warns(UserWarning):
        s = F.mse_loss(x, y, size_average=False)
    assert s.item() == pytest.approx(F.mse_loss(x, y, reduction="sum").item())
    with pytest.warns(UserWarning):
        assert F.l1_loss(x, y, reduce=False).shape == (3, 2)


# ----------------------------------------------------------------- errors
@pytest.mark.parametrize("fn", [F.mse_loss, F.l1_loss, F.huber_loss, F.smooth_l1_loss, F.binary_cross_entropy,
                                F.binary_cross_entropy_with_logits, F.kl_div])
def test_target_shape_mismatch_names_both_shapes(fn):
    x = nerve.rand(4, 1)
    with pytest.raises(ValueError, match=r"target shape \(4,\) does not match input shape \(4, 1\)"):
        fn(x, nerve.rand(4))


@pytest.mark.parametrize("fn", [F.mse_loss, F.cross_entropy, F.nll_loss, F.binary_cross_entropy_with_logits])
def test_unknown_reduction_is_a_value_error(fn):
    x = nerve.rand(3, 2)
    t = nerve.tensor([0, 1, 1]) if fn in (F.cross_entropy, F.nll_loss) else nerve.rand(3, 2)
    with pytest.raises(ValueError, match="reduction must be one of 'mean', 'sum', 'none', got 'avg'"):
        fn(x, t, reduction="avg")


def test_cross_entropy_float_one_hot_of_wrong_shape():
    with pytest.raises(ValueError, match=r"target shape \(4, 5\) does not match input shape \(4, 3\)"):
        F.cross_entropy(nerve.randn(4, 3), nerve.zeros(4, 5))


def test_cross_entropy_float_class_indices_name_int64():
    with pytest.raises(TypeError, match=r"class-index target must have dtype int64, got float32.*target.long\(\)"):
        F.cross_entropy(nerve.randn(4, 3), nerve.tensor([0.0, 1.0, 2.0, 1.0]))
    with pytest.raises(TypeError, match="int64"):
        F.nll_loss(nerve.randn(4, 3), nerve.tensor([0.0, 1.0, 2.0, 1.0]))


def test_cross_entropy_integer_one_hot_asks_for_float():
    with pytest.raises(TypeError, match=r"class probabilities.*got int64.*target.float\(\)"):
        F.cross_entropy(nerve.randn(2, 3), nerve.tensor([[0, 1, 0], [1, 0, 0]]))


@pytest.mark.parametrize("fn", [F.cross_entropy, F.nll_loss])
@pytest.mark.parametrize("bad", [3, -1])
def test_out_of_range_class_index(fn, bad):
    name = fn.__name__
    with pytest.raises(IndexError, match=rf"{name}: target {bad} is out of bounds.*\[0, 2\]"):
        fn(nerve.randn(4, 3), nerve.tensor([0, bad, 1, 2]))


def test_class_target_of_wrong_shape():
    with pytest.raises(ValueError, match=r"target shape \(4, 1\) does not fit input shape \(4, 3\).*\(4,\)"):
        F.cross_entropy(nerve.randn(4, 3), nerve.tensor([[0], [1], [2], [1]]))
    with pytest.raises(ValueError, match=r"expected class indices of shape \(2, 5\)"):
        F.cross_entropy(nerve.randn(2, 3, 5), nerve.zeros(2, 4, dtype=nerve.int64))


def test_class_weight_of_wrong_size():
    with pytest.raises(ValueError, match=r"weight must have one entry per class, shape \(3,\), got \(4,\)"):
        F.cross_entropy(nerve.randn(4, 3), nerve.tensor([0, 1, 2, 1]), weight=nerve.ones(4))


def test_bce_on_values_outside_unit_interval_points_to_logits():
    with pytest.raises(RuntimeError, match=r"\[0, 1\].*binary_cross_entropy_with_logits.*sigmoid"):
        F.binary_cross_entropy(nerve.tensor([0.2, 1.5]), nerve.tensor([0.0, 1.0]))


def test_bce_weight_that_does_not_broadcast():
    with pytest.raises(ValueError, match=r"pos_weight of shape \(2,\) does not broadcast to the input shape \(4, 3\)"):
        F.binary_cross_entropy_with_logits(nerve.randn(4, 3), nerve.rand(4, 3), pos_weight=nerve.ones(2))


def test_probability_target_rejects_ignore_index_and_bad_smoothing():
    x, p = nerve.randn(2, 3), nerve.softmax(nerve.randn(2, 3), 1)
    with pytest.raises(ValueError, match="ignore_index .* not supported with class-probability targets"):
        F.cross_entropy(x, p, ignore_index=1)
    with pytest.raises(ValueError, match=r"label_smoothing must be in \[0, 1\]"):
        F.cross_entropy(x, p, label_smoothing=1.5)


# ---------------------------------------------------------------- modules
def _nn():
    from nerve import nn
    return nn


LOSS_MODULES = [
    ("MSELoss", {}, "reg"), ("L1Loss", {"reduction": "sum"}, "reg"), ("HuberLoss", {"delta": 0.5}, "reg"),
    ("SmoothL1Loss", {"beta": 0.5, "reduction": "none"}, "reg"), ("BCELoss", {}, "prob"),
    ("BCEWithLogitsLoss", {"pos_weight": [1.0, 2.0, 3.0]}, "logit"),
    ("CrossEntropyLoss", {"weight": [1.0, 0.5, 2.0], "label_smoothing": 0.1, "ignore_index": 1}, "cls"),
    ("NLLLoss", {"weight": [1.0, 0.5, 2.0], "reduction": "sum"}, "cls"), ("KLDivLoss", {"reduction": "batchmean"}, "prob"),
]


@pytest.mark.parametrize("name,kwargs,kind", LOSS_MODULES, ids=[m[0] for m in LOSS_MODULES])
def test_loss_modules_match_torch_and_repr(name, kwargs, kind):
    nn = _nn()
    nk = {k: nerve.tensor(v) if isinstance(v, list) else v for k, v in kwargs.items()}
    tk = {k: torch.tensor(v) if isinstance(v, list) else v for k, v in kwargs.items()}
    m, tm = getattr(nn, name)(**nk), getattr(torch.nn, name)(**tk)
    assert repr(m) == repr(tm)
    x = _rng(1).standard_normal((4, 3)).astype(np.float32)
    if kind == "prob":
        x = 1 / (1 + np.exp(-x))
    y = {"cls": np.array([0, 2, 1, 1]), "reg": _rng(2).standard_normal((4, 3)).astype(np.float32),
         "prob": _rng(2).uniform(0, 1, (4, 3)).astype(np.float32),
         "logit": _rng(2).uniform(0, 1, (4, 3)).astype(np.float32)}[kind]
    _compare(lambda a: m(a, nerve.tensor(y)), lambda a: tm(a, torch.tensor(y)), [x], grads=(0,))
    assert sorted(dict(m.named_buffers())) == sorted(dict(tm.named_buffers()))


def test_loss_module_rejects_unknown_reduction_at_construction():
    with pytest.raises(ValueError, match="CrossEntropyLoss: reduction must be one of"):
        _nn().CrossEntropyLoss(reduction="average")


def test_loss_weight_buffers_in_state_dict():
    nn = _nn()
    m = nn.CrossEntropyLoss(weight=nerve.tensor([1.0, 2.0]))
    assert list(m.state_dict()) == ["weight"]
    assert list(nn.BCEWithLogitsLoss(pos_weight=nerve.ones(3)).state_dict()) == ["pos_weight"]
    assert list(nn.MSELoss().state_dict()) == []


@pytest.mark.parametrize("loss_fn, make_target", [
    (F.cross_entropy, lambda: nerve.tensor([0, 1, 2, 0])),
    (F.mse_loss, lambda: nerve.zeros(4, 3)),
    (F.binary_cross_entropy_with_logits, lambda: nerve.zeros(4, 3)),
])
def test_nan_input_raises_an_error_naming_the_loss_and_the_culprit(loss_fn, make_target):
    x = nerve.randn(4, 3)
    x._data[1, 2] = np.nan
    x._data[0, 0] = np.inf
    with pytest.raises(FloatingPointError, match=rf"{loss_fn.__name__}: the loss is nan because input "
                                                 r"\(shape \(4, 3\)\) contains 1 NaN and 1 infinite values"):
        loss_fn(x, make_target())


def test_nan_target_is_named_and_unreduced_or_all_ignored_losses_pass_through_like_torch():
    t = nerve.zeros(2, 2)
    t._data[0, 1] = np.nan
    with pytest.raises(FloatingPointError, match=r"target \(shape \(2, 2\)\) contains 1 NaN"):
        F.mse_loss(nerve.zeros(2, 2), t)
    out = F.mse_loss(nerve.zeros(2, 2), t, reduction="none")           # no reduction: returned as is
    assert np.isnan(out._data[0, 1])
    all_ignored = F.cross_entropy(nerve.randn(3, 4), nerve.tensor([-100, -100, -100]))
    assert np.isnan(all_ignored.item())                                   # finite data: NaN as in PyTorch
