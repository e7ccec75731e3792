"""Issue 7, the PyTorch-style API: user mistakes found by the core sweep (/work/probe/core_sweep.py)
in tensor, autograd, nn, lr_scheduler and utils.data get PyTorch's exception type and a message that
names the function, the argument and the value. Case numbers refer to the sweep's report.

Each test asserts on what the message must tell the user, not only on the exception type; the
cases that used to pass silently assert that they now raise, or give PyTorch's value.
"""
import re
import warnings

import numpy as np
import pytest

import nerve
import nerve.autograd as ag
import nerve.nn as nn
import nerve.nn.functional as F
import nerve.nn.init as init
import nerve.optim as optim
import nerve.optim.lr_scheduler as sched
import nerve.utils.data as data


def raises(exc, *fragments):
    """pytest.raises matching every fragment (literal text), in order."""
    return pytest.raises(exc, match=".*".join(re.escape(f) for f in fragments))


def no_raw(excinfo):
    """No NumPy/Python internals in the message."""
    msg = str(excinfo.value)
    for raw in ("has no attribute", "not supported between instances", "unsupported operand type",
                "could not convert string", "invalid literal", "scale < 0", "high - low < 0", "low >= high",
                "is not iterable", "is not callable", "division by zero", "modulo by zero", "has no len()",
                "cannot be interpreted as an integer", "is out of bounds for axis", "ufunc"):
        assert raw not in msg, msg


def leaf(*shape):
    return nerve.ones(*shape, requires_grad=True)


def opt(**kw):
    return optim.SGD([nn.Parameter(nerve.ones(3))], lr=0.1, **kw)


def ds(n=3):
    return data.TensorDataset(nerve.arange(2.0 * n).reshape(n, 2), nerve.arange(n))


# ------------------------------------------------------------------ random fills (1)
@pytest.mark.parametrize("call, exc, fragments", [
    (lambda: nerve.normal(0.0, -1.0, (3,)), RuntimeError, ("normal expects std >= 0.0", "found std -1")),   # 36
    (lambda: nerve.ones(3).uniform_(1, 0), RuntimeError,                                                     # 310
     ("uniform_ expects to return a [from, to) range", "from=1 > to=0")),
    (lambda: nerve.ones(3).uniform_(1.5, 0.25), RuntimeError, ("from=1.5 > to=0.25",)),
    (lambda: nerve.ones(3).normal_(std=-1), RuntimeError, ("normal expects std >= 0.0", "found std -1")),    # 311
    (lambda: nerve.ones(3).random_(5, 2), RuntimeError,                                                      # 313
     ("random_ expects 'from' to be less than 'to'", "from=5 >= to=2")),
    (lambda: nerve.ones(3).random_(0), RuntimeError, ("from=0 >= to=0",)),
    (lambda: nerve.ones(3).bernoulli_(2.0), RuntimeError, ("bernoulli_ expects p to be in [0, 1]", "p=2")),  # 312
    (lambda: nerve.ones(3).bernoulli_(-0.1), RuntimeError, ("p=-0.1",)),
    (lambda: nerve.ones(3).exponential_(0), RuntimeError, ("exponential_ expects lambda > 0.0", "lambda=0")),
    (lambda: nerve.ones(3, dtype=nerve.uint8).random_(0, 300), RuntimeError, ("random_", "[0, 300)", "uint8")),
    (lambda: nerve.ones(3, dtype=nerve.int64).uniform_(), NotImplementedError, ("uniform_", "int64", "floating point")),
    (lambda: nerve.ones(3, dtype=nerve.int64).normal_(), NotImplementedError, ("normal_", "int64")),
    (lambda: nerve.ones(3).uniform_("a"), TypeError, ("uniform_()", "'from'", "must be float, not str")),
    (lambda: nerve.ones(3).random_(2.5), TypeError, ("random_()", "'to'", "must be int, not float")),
    (lambda: nerve.ones(3).normal_(generator="g"), TypeError, ("normal_()", "'generator'", "nerve.Generator", "str")),
])
def test_random_fill_arguments_are_checked_as_pytorch(call, exc, fragments):
    with raises(exc, *fragments) as info:
        call()
    no_raw(info)


def test_random_fills_still_fill():
    g = nerve.Generator().manual_seed(0)
    a = nerve.zeros(1000).uniform_(2, 3, generator=g)
    assert 2 <= a.min().item() and a.max().item() < 3
    b = nerve.zeros(1000).random_(5)
    assert set(np.unique(b.numpy()).tolist()) <= {0.0, 1.0, 2.0, 3.0, 4.0}
    c = nerve.zeros(10, dtype=nerve.uint8).random_()
    assert c.dtype == nerve.uint8
    assert nerve.zeros(10, dtype=nerve.int64).bernoulli_(0.5).dtype == nerve.int64   # allowed, as PyTorch


@pytest.mark.parametrize("call, exc, fragments", [
    (lambda: init.uniform_(nerve.ones(3), a=1., b=0.), RuntimeError,                                        # 570
     ("uniform_ expects to return a [from, to) range", "from=1 > to=0")),
    (lambda: init.normal_(nerve.ones(3), std=-1.), RuntimeError, ("normal expects std >= 0.0", "std -1")),  # 571
    (lambda: init.trunc_normal_(nerve.ones(3), a=2., b=-2.), RuntimeError, ("trunc_normal_", "a=2 > b=-2")),  # 572
    (lambda: init.trunc_normal_(nerve.ones(3), std=0.), RuntimeError, ("trunc_normal_", "std > 0.0", "std 0")),
    (lambda: init.uniform_(nerve.ones(3, dtype=nerve.int64)), NotImplementedError,                          # 581
     ("uniform_", "check_uniform_bounds", "int64", "floating point")),
    (lambda: init.kaiming_normal_(nerve.ones(3, 3, dtype=nerve.int64)), NotImplementedError,
     ("kaiming_normal_", "int64")),
    (lambda: init.constant_(nerve.ones(3), "a"), TypeError, ("constant_()", "'val'", "must be Number, not str")),  # 573
    (lambda: init.zeros_([1, 2]), TypeError, ("zeros_()", "'tensor'", "must be Tensor, not list")),         # 576
    (lambda: init.xavier_uniform_(nerve.ones(2, 3), gain="a"), TypeError,                                   # 580
     ("xavier_uniform_()", "'gain'", "must be Number, not str")),
    (lambda: init.normal_(nerve.ones(3), mean="a"), TypeError, ("normal_()", "'mean'", "str")),
])
def test_init_arguments_are_checked_as_pytorch(call, exc, fragments):
    with raises(exc, *fragments) as info:
        call()
    no_raw(info)


def test_init_still_fills_tensors_and_raw_arrays():
    assert init.ones_(np.zeros(2)).tolist() == [1.0, 1.0]
    assert init.constant_(nerve.zeros(2), nerve.tensor(3.0)).tolist() == [3.0, 3.0]
    assert init.eye_(nerve.zeros(2, 2, dtype=nerve.int64)).tolist() == [[1, 0], [0, 1]]   # integer: allowed
    w = init.trunc_normal_(nerve.empty(1000), std=0.5, a=-1.0, b=1.0)
    assert -1 <= w.min().item() and w.max().item() <= 1


# ------------------------------------------------------------------ inputs that are not Tensors (2)
@pytest.mark.parametrize("fn", ["zeros_like", "ones_like", "empty_like", "rand_like", "randn_like"])
@pytest.mark.parametrize("arg, kind", [([1, 2], "list"), (None, "NoneType")])            # 34, 35
def test_like_functions_want_a_tensor(fn, arg, kind):
    with raises(TypeError, f"{fn}(): argument 'input' (position 1) must be Tensor, not {kind}") as info:
        getattr(nerve, fn)(arg)
    no_raw(info)


def test_full_like_and_randint_like_want_a_tensor():
    with raises(TypeError, "full_like(): argument 'input'", "must be Tensor, not list"):
        nerve.full_like([1], 2.0)
    with raises(TypeError, "randint_like(): argument 'input'", "must be Tensor, not int"):
        nerve.randint_like(3, 5)


@pytest.mark.parametrize("call, name, arg", [
    (lambda: F.relu("a"), "relu", "input"),                                                    # 555
    (lambda: F.relu(None), "relu", "input"),
    (lambda: F.sigmoid("a"), "sigmoid", "input"),
    (lambda: F.softmax("a", dim=0), "softmax", "input"),
    (lambda: F.softplus("a"), "softplus", "input"),
    (lambda: F.hardswish("a"), "hardswish", "input"),
    (lambda: F.glu("a"), "glu", "input"),
    (lambda: F.mse_loss("a", nerve.ones(3)), "mse_loss", "input"),
    (lambda: F.mse_loss(nerve.ones(3), "a"), "mse_loss", "target"),
    (lambda: F.cross_entropy("a", nerve.tensor([0])), "cross_entropy", "input"),
    (lambda: F.nll_loss(nerve.ones(2, 3), None), "nll_loss", "target"),
    (lambda: F.batch_norm("a", nerve.zeros(3), nerve.ones(3)), "batch_norm", "input"),
    (lambda: F.layer_norm("a", (3,)), "layer_norm", "input"),
])
def test_functional_input_that_is_not_a_tensor_is_named(call, name, arg):
    with raises(TypeError, f"{name}(): argument '{arg}'", "must be Tensor, not") as info:
        call()
    no_raw(info)


def test_functional_still_lifts_a_list_target():
    assert F.mse_loss(nerve.ones(3), [1.0, 1.0, 1.0]).item() == 0.0


def test_autograd_backward_of_a_number_names_the_argument():                                 # 356
    with raises(TypeError, "backward(): tensors must be a Tensor", "got int") as info:
        ag.backward(3)
    no_raw(info)
    x = leaf(3)
    with raises(TypeError, "tensors[1] must be a Tensor", "got int"):
        ag.backward([(x * 2).sum(), 3])
    with raises(RuntimeError, "element 0 of tensors does not require grad"):
        ag.backward(nerve.ones(2))


def test_hook_returning_a_string_names_the_hook():                                            # 346
    x = leaf(3)
    x.register_hook(lambda g: "bad")
    with raises(TypeError, "hook '<lambda>' returned str", "must return a Tensor or None") as info:
        (x * 2).sum().backward()
    no_raw(info)


def test_backward_gradient_of_the_wrong_type():                                               # 327
    with raises(TypeError, "gradients can be either Tensors or None, but got str"):
        (leaf(3) * 2).sum().backward(gradient="a")
    x = leaf(3)
    (x * 2).sum().backward(gradient=2.0)            # a number is still accepted
    assert x.grad.tolist() == [4.0, 4.0, 4.0]


# ------------------------------------------------------------------ scalar arguments of the wrong type (3)
@pytest.mark.parametrize("call, fragments", [
    (lambda: nn.BatchNorm1d(3, momentum="a")(nerve.ones(2, 3)),                                # 425
     ("batch_norm()", "'momentum' (position 7)", "must be float, not str")),
    (lambda: F.batch_norm(nerve.ones(2, 3), nerve.zeros(3), nerve.ones(3), eps="a"), ("batch_norm()", "'eps'", "str")),
    (lambda: nn.LeakyReLU(negative_slope="a")(nerve.ones(2)),                                 # 434
     ("leaky_relu(): argument 'negative_slope' (position 2) must be Number, not str",)),
    (lambda: F.leaky_relu(nerve.ones(2), negative_slope=None),                                # 554
     ("leaky_relu(): argument 'negative_slope' (position 2) must be Number, not NoneType",)),
    (lambda: nn.ELU(alpha="a")(nerve.ones(2)),                                                # 439
     ("elu(): argument 'alpha' (position 2) must be Number, not str",)),
    (lambda: F.elu(nerve.ones(2), alpha="a"), ("elu(): argument 'alpha'", "must be Number, not str")),  # 534
    (lambda: nn.Threshold("a", 0.)(nerve.ones(2)),                                            # 448
     ("threshold(): argument 'threshold' (position 2) must be Number, not str",)),
    (lambda: F.threshold(nerve.ones(2), "a", 0.), ("threshold(): argument 'threshold'", "str")),  # 536
    (lambda: F.threshold(nerve.ones(2), 0., "a"), ("threshold(): argument 'value' (position 3)", "str")),
    (lambda: F.hardtanh(nerve.ones(2), "a"), ("hardtanh(): argument 'min_val'", "str")),
    (lambda: F.softplus(nerve.ones(2), beta="a"), ("softplus(): argument 'beta'", "str")),
    (lambda: F.celu(nerve.ones(2), alpha="a"), ("celu(): argument 'alpha'", "str")),
    (lambda: F.softshrink(nerve.ones(2), "a"), ("softshrink(): argument 'lambd'", "str")),
    (lambda: F.dropout(nerve.ones(2), p="a"), ("dropout(): argument 'p'", "str")),
    (lambda: F.huber_loss(nerve.ones(2), nerve.ones(2), delta="a"), ("huber_loss(): argument 'delta'", "str")),
    (lambda: nerve.ones(3).fill_("a"), ("fill_(): argument 'value'", "must be Number", "not str")),  # 307
])
def test_scalar_argument_of_the_wrong_type_is_named(call, fragments):
    with raises(TypeError, *fragments) as info:
        call()
    no_raw(info)


def test_fill_refuses_none_and_a_non_scalar_tensor():
    x = nerve.ones(3)
    with raises(TypeError, "fill_()", "NoneType"):       # used to write NaN
        x.fill_(None)
    with raises(RuntimeError, "fill_ only supports 0-dimension value tensor", "1 dimensions"):
        x.fill_(nerve.ones(2))                            # used to broadcast silently
    assert x.tolist() == [1.0, 1.0, 1.0]
    assert x.fill_(nerve.tensor(2.0)).tolist() == [2.0, 2.0, 2.0]


def test_softplus_beta_zero_is_inf_as_pytorch():                                                # 440
    x = nerve.tensor([1.0, -1.0, 0.0], requires_grad=True)
    y = nn.Softplus(beta=0)(x)
    assert np.isinf(y.detach().numpy()).all() and (y.detach().numpy() > 0).all()
    y.sum().backward()
    assert x.grad.tolist() == [0.5, 0.5, 0.5]           # sigmoid(0 * x), as PyTorch


# ------------------------------------------------------------------ autograd (4)
def test_grad_outputs_of_the_wrong_shape():                                                     # 332
    x = leaf(3)
    with raises(RuntimeError, "Mismatch in shape: grad_output[0] has a shape of (3,)",
                "output[0] has a shape of ()") as info:
        ag.grad((x * 2).sum(), x, grad_outputs=nerve.ones(3))
    no_raw(info)
    with raises(TypeError, "gradients can be either Tensors or None, but got str"):
        ag.grad((x * 2).sum(), x, grad_outputs="a")


def test_grad_with_no_inputs():                                                                 # 334
    x = leaf(3)
    with raises(RuntimeError, "`inputs` argument to `grad()` cannot be empty."):
        ag.grad((x * 2).sum(), [])
    with raises(TypeError, "grad(): outputs must be a Tensor", "got int"):
        ag.grad(3, x)


def test_assigning_grad_is_checked():                                                           # 339, 340, 341
    x = leaf(3)
    with raises(RuntimeError, "assign a gradient of size '[4]' to a tensor of size '[3]'"):
        x.grad = nerve.ones(4)
    with raises(TypeError, "assigned grad expected to be a Tensor or None but got grad of type str"):
        x.grad = "a"
    with raises(RuntimeError, "gradient with dtype int64 to a tensor with dtype float32"):
        x.grad = nerve.ones(3, dtype=nerve.int64)
    assert x.grad is None
    x.grad = nerve.ones(3)
    assert x.grad.tolist() == [1.0, 1.0, 1.0]
    x.grad = nerve.ones(3, dtype=nerve.float64)      # another float precision: the optimizers cast it
    x.grad = None
    assert x.grad is None


def test_backward_still_accumulates_into_grad():
    x = leaf(2)
    (x * 3).sum().backward()
    (x * 3).sum().backward()
    assert x.grad.tolist() == [6.0, 6.0]


def test_retain_grad_on_a_tensor_without_grad():                                                # 347
    with raises(RuntimeError, "can't retain_grad on Tensor that has requires_grad=False"):
        nerve.ones(3).retain_grad()
    x = leaf(3)
    x.retain_grad()                                   # a leaf that requires grad: nothing to do
    y = x * 2
    y.retain_grad()
    y.sum().backward()
    assert y.grad.tolist() == [1.0, 1.0, 1.0]


def _custom(backward):
    class BadBackward(nerve.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

    BadBackward.backward = staticmethod(backward)
    return BadBackward


def test_custom_function_returning_too_many_gradients():                                       # 349
    x = leaf(3)
    with raises(RuntimeError, "function BadBackwardBackward returned an incorrect number of gradients",
                "(expected 1, got 2)"):
        _custom(lambda ctx, g: (g, g)).apply(x).sum().backward()
    _custom(lambda ctx, g: (g * 2, None)).apply(x).sum().backward()   # trailing None: allowed
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_backward_inputs_must_require_grad():                                                   # 352
    x = leaf(3)
    with raises(RuntimeError, "backward(): inputs[0] (shape (3,)) does not require grad"):
        (x * 2).sum().backward(inputs=[nerve.ones(3)])
    with raises(RuntimeError, "`inputs` argument to `backward()` cannot be empty."):
        (x * 2).sum().backward(inputs=[])
    (x * 2).sum().backward(inputs=[x])
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_boolean_flags_must_be_bools():                                                          # 316, 317, 415
    with raises(TypeError, "requires_grad_(): argument 'requires_grad' (position 1) must be bool, not str"):
        nerve.ones(3).requires_grad_("yes")
    with raises(TypeError, "requires_grad_(): argument 'requires_grad'", "must be bool, not str"):
        nn.Linear(3, 2).requires_grad_("no")
    with raises(TypeError, "numpy(): argument 'force' must be bool, not str"):
        nerve.ones(3).numpy(force="x")
    assert not nn.Linear(3, 2).requires_grad_(False).weight.requires_grad


def test_size_out_of_range_names_the_range():                                                  # 188
    with raises(IndexError, "size(): Dimension out of range (expected to be in range of [-2, 1], but got 5)"):
        nerve.ones(2, 3).size(5)
    with raises(TypeError, "size(): argument 'dim'", "must be int, not str"):
        nerve.ones(2, 3).size("a")
    with raises(IndexError, "no dimensions"):
        nerve.tensor(1.0).size(0)
    assert nerve.ones(2, 3).size(-1) == 3


# ------------------------------------------------------------------ NumPy warnings (5)
def test_overflowing_cast_gives_inf_without_a_warning():                                        # 30
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isinf(nerve.tensor([1e40], dtype=nerve.float32).numpy()).all()
        assert np.isinf(nerve.tensor([1e40]).numpy()).all()
        assert np.isinf(nerve.tensor(np.array([1e40]), dtype=nerve.float32).numpy()).all()


def test_batch_norm_negative_running_var_gives_nan_without_a_warning():                         # 528
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = F.batch_norm(nerve.ones(2, 3), nerve.zeros(3), nerve.tensor([-1.0, 1.0, 1.0]))
    assert np.isnan(y.numpy()[:, 0]).all() and np.allclose(y.numpy()[:, 1:], 1.0, atol=1e-4)


# ------------------------------------------------------------------ schedulers (6)
@pytest.mark.parametrize("make, exc, fragments", [
    (lambda: sched.StepLR(opt(), step_size=0), ValueError,                                   # 637
     ("StepLR: step_size must be a positive integer, got 0",)),
    (lambda: sched.ExponentialLR(opt(), gamma="a"), TypeError, ("ExponentialLR: gamma must be a number", "str")),  # 642
    (lambda: sched.StepLR(opt(), 2, gamma=None), TypeError, ("StepLR: gamma must be a number", "NoneType")),
    (lambda: sched.MultiStepLR(opt(), milestones=5), TypeError,                              # 644
     ("MultiStepLR: milestones must be a list", "int 5")),
    (lambda: sched.MultiStepLR(opt(), milestones=["a"]), TypeError, ("MultiStepLR: milestones[0] must be a number",)),
    (lambda: sched.LambdaLR(opt(), lr_lambda=3), TypeError, ("LambdaLR: lr_lambda must be a function", "int 3")),  # 645
    (lambda: sched.CosineAnnealingLR(opt(), T_max=0), ValueError, ("CosineAnnealingLR: T_max must be a positive",  # 648
                                                                   "got 0")),
    (lambda: sched.CyclicLR(opt(momentum=0.9), base_lr=0.1, max_lr=1, step_size_up=0), ValueError,   # 653
     ("CyclicLR: step_size_up must be a positive number", "got 0")),
    (lambda: sched.CyclicLR(opt(momentum=0.9), base_lr=0.1, max_lr=1, step_size_up="a"), TypeError,
     ("CyclicLR: step_size_up must be a number",)),
    (lambda: sched.ChainedScheduler([3]), TypeError,                                                   # 684
     ("ChainedScheduler: schedulers[0] is not a learning-rate scheduler", "int 3")),
    (lambda: sched.ConstantLR(opt(), factor="a"), TypeError, ("ConstantLR: factor must be a number",)),
    (lambda: sched.ReduceLROnPlateau(opt(), patience="a"), TypeError,
     ("ReduceLROnPlateau: patience must be a number",)),
])
def test_scheduler_arguments_are_checked_at_construction(make, exc, fragments):
    with raises(exc, *fragments) as info:
        make()
    no_raw(info)


def test_sequential_lr_with_a_non_scheduler():
    o = opt()
    with raises(TypeError, "SequentialLR: schedulers[1] is not a learning-rate scheduler", "int 3"):
        sched.SequentialLR(o, [sched.StepLR(o, 1), 3], milestones=[1])


def test_scheduler_load_state_dict_wants_a_dict():                                               # 687
    o = opt()
    with raises(TypeError, "StepLR.load_state_dict: expected the dict that state_dict() returns, got int") as info:
        sched.StepLR(o, 1).load_state_dict(3)
    no_raw(info)
    with raises(TypeError, "LambdaLR.load_state_dict", "got list"):
        sched.LambdaLR(o, lambda e: 1.0).load_state_dict([1])


def test_reduce_lr_on_plateau_metrics():                                                         # 675, 676
    s = sched.ReduceLROnPlateau(opt())
    with raises(TypeError, "ReduceLROnPlateau.step: metrics must be a number or a one-element tensor",
                "str 'a'") as info:
        s.step("a")
    no_raw(info)
    with raises(ValueError, "ReduceLROnPlateau.step: metrics must be one number", "shape (3,)", "mean()"):
        s.step(nerve.ones(3))
    s.step(nerve.tensor(0.5))
    s.step(0.25)
    assert s.best == 0.25


def test_schedulers_still_accept_good_values():
    o = opt()
    sch = sched.StepLR(o, step_size=2, gamma=0.5)
    for _ in range(4):
        o.step()
        sch.step()
    assert sch.get_last_lr() == [0.025]
    assert len(sched.MultiStepLR(opt(), milestones=(3, 1)).milestones) == 2
    sched.CyclicLR(opt(momentum=0.9), base_lr=0.1, max_lr=1, step_size_up=2, step_size_down=0)


# ------------------------------------------------------------------ utils.data (7)
def test_dataloader_of_something_that_is_not_a_dataset():                                        # 710
    with raises(TypeError, "DataLoader: dataset must be a Dataset or support len() and indexing, got int") as info:
        data.DataLoader(3)
    no_raw(info)


def test_dataloader_constructor_arguments():                                                     # 701, 714, 720
    with raises(ValueError, "batch_size should be a positive integer value, but got batch_size='2'"):
        data.DataLoader(ds(), batch_size="2")
    with raises(TypeError, "DataLoader: collate_fn must be callable, got int 3"):
        data.DataLoader(ds(), collate_fn=3)
    with raises(TypeError, "DataLoader: generator must be a nerve.Generator", "got str"):
        data.DataLoader(ds(), generator="a", shuffle=True)
    with raises(ValueError, "batch_size=0"):
        data.BatchSampler(range(3), 0, False)


def test_collate_of_mixed_samples_names_the_element():                                          # 708
    with raises(TypeError, "default_collate: batch element 2 is str 'a', but element 0 is int") as info:
        list(data.DataLoader([1, 2, "a"], batch_size=3))
    no_raw(info)


def test_collate_of_dicts_with_different_keys_names_the_element_and_key():                      # 751
    with raises(KeyError, "batch element 1 has no key 'a'", "element 0 has the keys ['a']"):
        data.default_collate([{"a": 1}, {"b": 2}])
    assert data.default_collate([{"a": 1}, {"a": 2, "b": 3}])["a"].tolist() == [1, 2]   # extra keys: as PyTorch


def test_collate_of_an_empty_batch_and_of_unequal_sequences():                                 # 750
    with raises(IndexError, "default_collate: the batch is empty"):
        data.default_collate([])
    with raises(RuntimeError, "should be of equal size", "element 0 has 2 items, element 1 has 1"):
        data.default_collate([(1, 2), (1,)])


@pytest.mark.parametrize("kw", [dict(sampler=[0, 5]), dict(batch_sampler=[[0, 7]])])          # 715, 717
def test_sampler_index_out_of_range_names_the_index_and_length(kw):
    bad = 5 if "sampler" in kw else 7
    with raises(IndexError, f"DataLoader: the sampler yielded index {bad}", "the dataset has 3 samples") as info:
        list(data.DataLoader(ds(), **kw))
    no_raw(info)
    with raises(IndexError, f"the sampler yielded index {bad}", "3 samples"):        # the general path too
        list(data.DataLoader(list(range(3)), **kw))


def test_sampler_yielding_a_float_index():                                                       # 716
    with raises(TypeError, "DataLoader: the sampler yielded 0.5 (float)", "integers in [0, 3)"):
        list(data.DataLoader(ds(), sampler=[0.5]))          # used to read sample 0


def test_random_split_arguments():                                                               # 726, 727, 728
    with raises(TypeError, "random_split: lengths must be a sequence", "int 2") as info:
        data.random_split(ds(), 2)
    no_raw(info)
    with raises(TypeError, "random_split: generator must be a nerve.Generator", "str"):
        data.random_split(ds(), [0.5, 0.5], generator="a")
    with raises(TypeError, "random_split: lengths[0] must be a number", "str 'a'"):
        data.random_split(ds(), ["a", "b"])
    assert [len(s) for s in data.random_split(ds(), [2, 1])] == [2, 1]


def test_samplers_arguments():                                                                   # 744, 749, 758
    with raises(TypeError, "WeightedRandomSampler: weights must be a 1-D sequence of numbers", "list") as info:
        data.WeightedRandomSampler(["a", "b"], 2)
    no_raw(info)
    with raises(TypeError, "SubsetRandomSampler: indices must be a sequence", "int 5"):
        data.SubsetRandomSampler(5)
    with raises(TypeError, "SubsetRandomSampler: indices must be integers", "float"):
        list(data.SubsetRandomSampler([0.5, 1.0]))
    with raises(TypeError, "SequentialSampler: data_source must be a dataset", "int 3"):
        data.SequentialSampler(3)
    with raises(TypeError, "RandomSampler: generator must be a nerve.Generator"):
        data.RandomSampler(range(3), generator=3)
    assert sorted(data.SubsetRandomSampler([2, 0])) == [0, 2]


def test_concat_dataset_of_something_that_is_not_a_dataset():                                  # 757
    with raises(TypeError, "ConcatDataset: element 0 is not a dataset", "int 3") as info:
        data.ConcatDataset([3])
    no_raw(info)
    with raises(TypeError, "ConcatDataset: datasets must be a list of datasets, got int"):
        data.ConcatDataset(3)


# ------------------------------------------------------------------ containers (8)
def test_container_indexing_and_apply():                                                         # 389, 394, 413
    with raises(TypeError, "Sequential indices must be integers or slices, not str") as info:
        nn.Sequential(nn.ReLU())["a"]
    no_raw(info)
    with raises(TypeError, "ModuleList indices must be integers or slices, not str"):
        nn.ModuleList([nn.ReLU()])["a"]
    with raises(IndexError, "index 5 is out of range for a Sequential of 1 modules"):
        nn.Sequential(nn.ReLU())[5]
    with raises(KeyError, "ModuleDict has no key 'x'; it is empty"):
        nn.ModuleDict()["x"]
    with raises(KeyError, "ModuleDict has no key 'b'; its keys are ['a', 'c']"):
        nn.ModuleDict({"a": nn.ReLU(), "c": nn.Tanh()})["b"]
    with raises(TypeError, "apply(fn): fn must be callable", "got int"):
        nn.Linear(3, 2).apply(3)


# ------------------------------------------------------------------ others (9)
def test_cross_entropy_of_integer_logits():                                                      # 480
    with raises(NotImplementedError, "cross_entropy: needs floating-point logits", "int64",
                "log_softmax_lastdim_kernel_impl") as info:
        F.cross_entropy(nerve.ones(2, 3, dtype=nerve.int64), nerve.tensor([0, 1]))
    no_raw(info)


def test_interpolate_unknown_mode_names_the_mode():                                             # 548
    with raises(NotImplementedError, "interpolate: unknown mode", "'nearest'", "(got bogus)"):
        F.interpolate(nerve.ones(1, 1, 3), mode="bogus", scale_factor=2)
