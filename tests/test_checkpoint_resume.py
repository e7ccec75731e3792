"""Saving a model and its optimizer mid-training, then resuming, matches uninterrupted training bit for bit."""
import numpy as np
import pytest

import nerve
from nerve import nn, optim


def _batches(n_steps, seed=0):
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((6, 3))
    out = []
    for _ in range(n_steps):
        x = rng.standard_normal((16, 6)).astype(np.float32)
        y = (x @ w).argmax(1).astype(np.int64)
        out.append((nerve.from_numpy(x), nerve.from_numpy(y)))
    return out


def _model():
    return nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Dropout(0.2), nn.Linear(16, 3))


def _train(model, opt, batches, sched=None):
    loss_fn = nn.CrossEntropyLoss()
    for x, y in batches:
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        if sched is not None:
            sched.step()
    return loss.item()


OPTIMIZERS = {
    "adam": lambda p: optim.Adam(p, lr=1e-2),
    "adamw_amsgrad": lambda p: optim.AdamW(p, lr=1e-2, amsgrad=True),
    "sgd_nesterov": lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3),
    "rmsprop_centered": lambda p: optim.RMSprop(p, lr=1e-3, momentum=0.5, centered=True),
    "adagrad": lambda p: optim.Adagrad(p, lr=0.05),
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_resume_from_checkpoint_is_bit_identical(name, tmp_path):
    make_opt = OPTIMIZERS[name]
    batches = _batches(20)

    # uninterrupted: 20 steps
    nerve.manual_seed(1)
    model = _model()
    opt = make_opt(model.parameters())
    sched = optim.lr_scheduler.StepLR(opt, step_size=7, gamma=0.5)
    _train(model, opt, batches, sched)
    expected = {k: v.numpy().copy() for k, v in model.state_dict().items()}

    # interrupted after 10 steps: save model, optimizer, scheduler and the random state
    nerve.manual_seed(1)
    model = _model()
    opt = make_opt(model.parameters())
    sched = optim.lr_scheduler.StepLR(opt, step_size=7, gamma=0.5)
    _train(model, opt, batches[:10], sched)
    path = tmp_path / "ckpt.safetensors"
    nerve.save({"model": model.state_dict(), "optimizer": opt.state_dict(),
                "scheduler": sched.state_dict(), "rng": nerve.default_generator.get_state()}, path)
    del model, opt, sched

    # a fresh process-like start: new objects, different random state, then load
    nerve.manual_seed(12345)
    ckpt = nerve.load(path)
    model = _model()
    model.load_state_dict(ckpt["model"])
    opt = make_opt(model.parameters())
    opt.load_state_dict(ckpt["optimizer"])
    sched = optim.lr_scheduler.StepLR(opt, step_size=7, gamma=0.5)
    sched.load_state_dict(ckpt["scheduler"])
    nerve.default_generator.set_state(ckpt["rng"])
    _train(model, opt, batches[10:], sched)

    got = {k: v.numpy() for k, v in model.state_dict().items()}
    assert got.keys() == expected.keys()
    for k in expected:
        assert np.array_equal(got[k], expected[k]), f"{name}: {k} differs after resuming"


def test_resume_without_optimizer_state_differs(tmp_path):
    """The check above can fail: resuming Adam with fresh moments gives different weights."""
    batches = _batches(20)
    nerve.manual_seed(1)
    model = _model()
    model.eval()   # no dropout: only the optimizer state matters here
    opt = optim.Adam(model.parameters(), lr=1e-2)
    _train(model, opt, batches)
    expected = model[0].weight.detach().numpy().copy()

    nerve.manual_seed(1)
    model = _model()
    model.eval()
    opt = optim.Adam(model.parameters(), lr=1e-2)
    _train(model, opt, batches[:10])
    nerve.save(model.state_dict(), tmp_path / "m.safetensors")
    model2 = _model()
    model2.eval()
    model2.load_state_dict(nerve.load(tmp_path / "m.safetensors"))
    _train(model2, optim.Adam(model2.parameters(), lr=1e-2), batches[10:])
    assert not np.array_equal(model2[0].weight.detach().numpy(), expected)
