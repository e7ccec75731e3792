"""Learning-rate schedulers against PyTorch's: the same lr (and momentum) sequences."""
import math
import warnings

import numpy as np
import pytest

import nerve
from nerve import optim
from nerve.optim import lr_scheduler as nls

torch = pytest.importorskip("torch")
tls = torch.optim.lr_scheduler

STEPS = 50


def _opts(kind="sgd"):
    """The same two-group optimizer in both frameworks (lrs 0.1 and 0.02)."""
    w = [nerve.tensor(np.ones(3, np.float32), requires_grad=True) for _ in range(2)]
    t = [torch.ones(3, requires_grad=True) for _ in range(2)]
    if kind == "sgd":
        on = optim.SGD([{"params": [w[0]]}, {"params": [w[1]], "lr": 0.02}], lr=0.1, momentum=0.9)
        ot = torch.optim.SGD([{"params": [t[0]]}, {"params": [t[1]], "lr": 0.02}], lr=0.1, momentum=0.9)
    else:
        on = optim.Adam([{"params": [w[0]]}, {"params": [w[1]], "lr": 0.02}], lr=0.1)
        ot = torch.optim.Adam([{"params": [t[0]]}, {"params": [t[1]], "lr": 0.02}], lr=0.1)
    return on, ot


def _trace(opt, sched, steps=STEPS, metrics=None):
    """lr, momentum and beta1 of every group after construction and after each step."""
    def snap():
        rows = []
        for g in opt.param_groups:
            rows.append((g["lr"], g.get("momentum", 0.0), g.get("betas", (0.0,))[0]))
        return rows
    out = [snap()]
    last = [list(sched.get_last_lr())]
    for t in range(steps):
        opt.step()
        if metrics is not None:
            sched.step(metrics[t])
        else:
            sched.step()
        out.append(snap())
        last.append(list(sched.get_last_lr()))
    return np.array(out, dtype=np.float64), np.array(last, dtype=np.float64)


SCHEDULERS = {
    "StepLR-3": lambda m, o: m.StepLR(o, step_size=3, gamma=0.5),
    "StepLR-1": lambda m, o: m.StepLR(o, step_size=1, gamma=0.9),
    "MultiStepLR": lambda m, o: m.MultiStepLR(o, milestones=[5, 10, 10, 30], gamma=0.3),
    "ExponentialLR": lambda m, o: m.ExponentialLR(o, gamma=0.95),
    "CosineAnnealingLR": lambda m, o: m.CosineAnnealingLR(o, T_max=10),
    "CosineAnnealingLR-eta": lambda m, o: m.CosineAnnealingLR(o, T_max=17, eta_min=0.001),
    "CosineAnnealingWarmRestarts": lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=7),
    "CosineAnnealingWarmRestarts-mult": lambda m, o: m.CosineAnnealingWarmRestarts(
        o, T_0=5, T_mult=2, eta_min=1e-4),
    "LinearLR": lambda m, o: m.LinearLR(o, start_factor=0.1, total_iters=10),
    "LinearLR-down": lambda m, o: m.LinearLR(o, start_factor=0.5, end_factor=0.2, total_iters=7),
    "ConstantLR": lambda m, o: m.ConstantLR(o, factor=0.5, total_iters=4),
    "PolynomialLR": lambda m, o: m.PolynomialLR(o, total_iters=20, power=2.0),
    "PolynomialLR-sqrt": lambda m, o: m.PolynomialLR(o, total_iters=30, power=0.5),
    "LambdaLR": lambda m, o: m.LambdaLR(o, lambda e: 0.9 ** e),
    "LambdaLR-list": lambda m, o: m.LambdaLR(o, [lambda e: 1 / (e + 1), lambda e: 0.5 + math.sin(e)]),
    "MultiplicativeLR": lambda m, o: m.MultiplicativeLR(o, lambda e: 0.95),
    "OneCycleLR": lambda m, o: m.OneCycleLR(o, max_lr=[1.0, 0.1], total_steps=STEPS),
    "OneCycleLR-linear": lambda m, o: m.OneCycleLR(o, max_lr=0.5, epochs=5, steps_per_epoch=10,
                                                   anneal_strategy="linear", pct_start=0.25),
    "OneCycleLR-3phase": lambda m, o: m.OneCycleLR(o, max_lr=0.3, total_steps=STEPS, three_phase=True,
                                                   base_momentum=0.8, max_momentum=0.9, div_factor=10.0,
                                                   final_div_factor=100.0),
    "OneCycleLR-nomomentum": lambda m, o: m.OneCycleLR(o, max_lr=0.3, total_steps=60, cycle_momentum=False),
    "CyclicLR": lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=5),
    "CyclicLR-tri2": lambda m, o: m.CyclicLR(o, base_lr=[0.01, 0.001], max_lr=0.1, step_size_up=4,
                                             step_size_down=7, mode="triangular2"),
    "CyclicLR-exp": lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=6, mode="exp_range",
                                            gamma=0.97, cycle_momentum=False),
    "SequentialLR": lambda m, o: m.SequentialLR(
        o, [m.LinearLR(o, start_factor=0.1, total_iters=10), m.CosineAnnealingLR(o, T_max=40)],
        milestones=[10]),
    "SequentialLR-3": lambda m, o: m.SequentialLR(
        o, [m.ConstantLR(o, factor=0.2, total_iters=3), m.ExponentialLR(o, gamma=0.9),
            m.StepLR(o, step_size=4, gamma=0.5)], milestones=[5, 20]),
    "ChainedScheduler": lambda m, o: m.ChainedScheduler(
        [m.ConstantLR(o, factor=0.1, total_iters=2), m.ExponentialLR(o, gamma=0.9)]),
    "ChainedScheduler-cos": lambda m, o: m.ChainedScheduler(
        [m.CosineAnnealingLR(o, T_max=12, eta_min=0.01), m.MultiStepLR(o, milestones=[20, 40], gamma=0.5)]),
}


@pytest.mark.parametrize("kind", ["sgd", "adam"])
@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_matches_torch(name, kind):
    on, ot = _opts(kind)
    make = SCHEDULERS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sn, st = make(nls, on), make(tls, ot)
        ours, ours_last = _trace(on, sn)
        ref, ref_last = _trace(ot, st)
    # The same float formulas evaluated in the same order: equal to the last bit.
    np.testing.assert_array_equal(ours, ref)
    np.testing.assert_array_equal(ours_last, ref_last)
    assert len(np.unique(ours[:, 0, 0])) > 1 or name.startswith("ConstantLR")


def test_two_schedulers_on_one_optimizer():
    """Chainable forms: two schedulers stepped together compose as in PyTorch."""
    on, ot = _opts()
    sn = [nls.StepLR(on, step_size=5, gamma=0.5), nls.CosineAnnealingLR(on, T_max=15)]
    st = [tls.StepLR(ot, step_size=5, gamma=0.5), tls.CosineAnnealingLR(ot, T_max=15)]
    a, b = [], []
    for _ in range(STEPS):
        on.step()
        ot.step()
        for s in sn:
            s.step()
        for s in st:
            s.step()
        a.append([g["lr"] for g in on.param_groups])
        b.append([g["lr"] for g in ot.param_groups])
    np.testing.assert_allclose(a, b, rtol=1e-12)


def test_cosine_warm_restarts_fractional_epochs():
    on, ot = _opts()
    sn = nls.CosineAnnealingWarmRestarts(on, T_0=3, T_mult=2, eta_min=0.001)
    st = tls.CosineAnnealingWarmRestarts(ot, T_0=3, T_mult=2, eta_min=0.001)
    a, b = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for epoch in range(12):
            for i in range(4):
                on.step()
                ot.step()
                sn.step(epoch + i / 4)
                st.step(epoch + i / 4)
                a.append(sn.get_last_lr())
                b.append(st.get_last_lr())
    np.testing.assert_allclose(a, b, rtol=1e-12)


def test_closed_form_with_epoch_argument():
    for name in ["StepLR-3", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR", "PolynomialLR",
                 "ConstantLR"]:
        on, ot = _opts()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sn, st = SCHEDULERS[name](nls, on), SCHEDULERS[name](tls, ot)
            for e in [3, 7, 2, 15, 40]:
                on.step()
                ot.step()
                sn.step(e)
                st.step(e)
                np.testing.assert_allclose(sn.get_last_lr(), st.get_last_lr(), rtol=1e-12, err_msg=name)


PLATEAU = [
    dict(),
    dict(mode="min", patience=2, factor=0.5),
    dict(mode="max", threshold_mode="abs", threshold=0.01, patience=1, cooldown=2, factor=0.3),
    dict(mode="min", threshold_mode="abs", threshold=0.05, patience=0, min_lr=[0.05, 0.001]),
    dict(mode="max", patience=3, factor=0.1, eps=1e-3, min_lr=0.0005),
]
METRICS = [1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.89, 0.9, 0.9, 0.9, 0.9, 0.9, 0.5, 0.5, 0.6, 0.7, 0.49,
           0.49, 0.49, 0.2, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.31,
           0.29, 0.1, 0.1, 0.1, 0.1]


@pytest.mark.parametrize("kw", PLATEAU, ids=lambda kw: "-".join(f"{k}={v}" for k, v in kw.items()) or "default")
def test_reduce_on_plateau_matches_torch(kw):
    on, ot = _opts()
    sn, st = nls.ReduceLROnPlateau(on, **kw), tls.ReduceLROnPlateau(ot, **kw)
    metrics = METRICS if kw.get("mode", "min") == "min" else [-m for m in METRICS]
    ours, _ = _trace(on, sn, len(metrics), metrics)
    ref, _ = _trace(ot, st, len(metrics), metrics)
    np.testing.assert_allclose(ours, ref, rtol=1e-12)
    assert ours[-1, 0, 0] < ours[0, 0, 0]
    assert sn.best == st.best and sn.num_bad_epochs == st.num_bad_epochs
    sn.step(nerve.tensor(0.05))      # a one-element tensor is accepted as the metric


def test_reduce_on_plateau_errors():
    on, _ = _opts()
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        nls.ReduceLROnPlateau(on, factor=1.0)
    with pytest.raises(ValueError, match="mode avg is unknown"):
        nls.ReduceLROnPlateau(on, mode="avg")
    with pytest.raises(ValueError, match="expected 2 min_lrs, got 1"):
        nls.ReduceLROnPlateau(on, min_lr=[0.1])


RESUMABLE = [n for n in sorted(SCHEDULERS) if not n.startswith("LambdaLR")] + ["LambdaLR"]


@pytest.mark.parametrize("name", RESUMABLE)
def test_state_dict_resume(name, tmp_path):
    """Save optimizer + scheduler after 20 steps, rebuild, load, continue: the same lrs."""
    make = SCHEDULERS[name]
    kind = "adam" if "OneCycle" in name else "sgd"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        on, _ = _opts(kind)
        full, _ = _trace(on, make(nls, on), STEPS)

        on, _ = _opts(kind)
        s = make(nls, on)
        first, _ = _trace(on, s, 20)
        nerve.save({"opt": on.state_dict(), "sched": s.state_dict()}, tmp_path / "ck.safetensors")
        ck = nerve.load(tmp_path / "ck.safetensors")

        on2, _ = _opts(kind)
        s2 = make(nls, on2)           # build first (it sets the lrs), then load both
        on2.load_state_dict(ck["opt"])
        s2.load_state_dict(ck["sched"])
        rest, _ = _trace(on2, s2, STEPS - 20)
    np.testing.assert_array_equal(np.concatenate([first, rest[1:]]), full)


def test_reduce_on_plateau_resume(tmp_path):
    on, _ = _opts()
    s = nls.ReduceLROnPlateau(on, patience=1, cooldown=1)
    full, _ = _trace(on, s, len(METRICS), METRICS)
    on, _ = _opts()
    s = nls.ReduceLROnPlateau(on, patience=1, cooldown=1)
    first, _ = _trace(on, s, 15, METRICS)
    nerve.save({"opt": on.state_dict(), "sched": s.state_dict()}, tmp_path / "ck.safetensors")
    ck = nerve.load(tmp_path / "ck.safetensors")
    on2, _ = _opts()
    s2 = nls.ReduceLROnPlateau(on2, patience=1, cooldown=1)
    on2.load_state_dict(ck["opt"])
    s2.load_state_dict(ck["sched"])
    rest, _ = _trace(on2, s2, len(METRICS) - 15, METRICS[15:])
    np.testing.assert_array_equal(np.concatenate([first, rest[1:]]), full)


def test_base_lrs_initial_lr_and_resume_errors():
    on, _ = _opts()
    s = nls.StepLR(on, step_size=2)
    assert s.base_lrs == [0.1, 0.02] and [g["initial_lr"] for g in on.param_groups] == [0.1, 0.02]
    assert s.last_epoch == 0 and s.get_last_lr() == [0.1, 0.02]
    on2, _ = _opts()
    with pytest.raises(KeyError, match="initial_lr"):
        nls.StepLR(on2, step_size=2, last_epoch=5)
    with pytest.raises(TypeError, match="is not an Optimizer"):
        nls.StepLR(object(), step_size=2)


def test_warns_when_stepped_before_optimizer():
    on, _ = _opts()
    s = nls.ExponentialLR(on, gamma=0.9)
    with pytest.warns(UserWarning, match=r"before `optimizer.step\(\)`"):
        s.step()
    on, _ = _opts()
    s = nls.ExponentialLR(on, gamma=0.9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        on.step()
        s.step()
    with pytest.warns(UserWarning, match="get_last_lr"):
        s.get_lr()


def test_invalid_arguments():
    on, _ = _opts()
    with pytest.raises(ValueError, match="Expected positive integer T_0"):
        nls.CosineAnnealingWarmRestarts(on, T_0=0)
    with pytest.raises(ValueError, match="either total_steps OR"):
        nls.OneCycleLR(on, max_lr=0.1)
    with pytest.raises(ValueError, match="Starting multiplicative factor"):
        nls.LinearLR(on, start_factor=0)
    with pytest.raises(ValueError, match="Constant multiplicative factor"):
        nls.ConstantLR(on, factor=2)
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 1"):
        nls.LambdaLR(on, [lambda e: 1.0])
    with pytest.raises(ValueError, match="one more than the number of milestone"):
        nls.SequentialLR(on, [nls.ExponentialLR(on, 0.9)], milestones=[3])
    s = nls.OneCycleLR(on, max_lr=0.1, total_steps=2)
    for _ in range(2):
        on.step()
        s.step()
    with pytest.raises(ValueError, match="Tried to step 3 times"):
        s.step()
    plain = optim.Adagrad([nerve.tensor(np.ones(2, np.float32), requires_grad=True)])
    with pytest.raises(ValueError, match="momentum or beta1"):
        nls.OneCycleLR(plain, max_lr=0.1, total_steps=10)
