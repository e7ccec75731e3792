"""Tutorial programs, written exactly as PyTorch's (and Keras') own tutorials write them, run on nerve.

Each program is the tutorial's text with only the imports changed: it is a function of the module that
``import torch`` would bind (``program(nerve)`` is the program after ``import nerve as torch``; the few
``from torch import nn`` / ``import torch.nn.functional as F`` lines become ``nn = torch.nn`` /
``F = torch.nn.functional``, which is what ``from nerve import nn`` / ``import nerve.nn.functional as F``
bind). Every test asserts that the program learns (the loss falls by a stated factor, or accuracy rises);
where the program is deterministic, the same text also runs on PyTorch and the results are compared.

Sources: "Learning PyTorch with Examples" (polynomial fits of sin(x): tensors, autograd, a custom
``autograd.Function``, ``nn``, ``optim``, a custom ``nn.Module``, control flow + weight sharing), the
"Quickstart" (a device line, ``.to(device)``, train/test loops over a DataLoader), Karpathy's makemore
part 1 (bigram counts, sampling with ``multinomial``, then the one-hot neural version), and the Keras
guide "Making new layers and models via subclassing" (a custom layer using ``keras.ops``).
"""
from __future__ import annotations

import math
import random

import numpy as np
import pytest

import nerve

try:
    import torch as real_torch
except ImportError:  # pragma: no cover - depends on the environment
    real_torch = None


def _needs_torch():
    if real_torch is None:
        pytest.skip("PyTorch is not installed (the oracle for this comparison)")
    real_torch.manual_seed(0)


# ============================================================ Learning PyTorch with Examples
def polynomial_tensor(torch):
    """"Warm-up: numpy" -> "PyTorch: Tensors": gradients computed by hand."""
    dtype = torch.float
    device = torch.device("cpu")
    # device = torch.device("cuda:0") # Uncomment this to run on GPU

    # Create random input and output data
    x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
    y = torch.sin(x)

    # Randomly initialize weights
    a = torch.randn((), device=device, dtype=dtype)
    b = torch.randn((), device=device, dtype=dtype)
    c = torch.randn((), device=device, dtype=dtype)
    d = torch.randn((), device=device, dtype=dtype)

    losses = []
    learning_rate = 1e-6
    for t in range(2000):
        # Forward pass: compute predicted y
        y_pred = a + b * x + c * x ** 2 + d * x ** 3

        # Compute and print loss
        loss = (y_pred - y).pow(2).sum().item()
        if t % 100 == 99:
            print(t, loss)
        losses.append(loss)

        # Backprop to compute gradients of a, b, c, d with respect to loss
        grad_y_pred = 2.0 * (y_pred - y)
        grad_a = grad_y_pred.sum()
        grad_b = (grad_y_pred * x).sum()
        grad_c = (grad_y_pred * x ** 2).sum()
        grad_d = (grad_y_pred * x ** 3).sum()

        # Update weights using gradient descent
        a -= learning_rate * grad_a
        b -= learning_rate * grad_b
        c -= learning_rate * grad_c
        d -= learning_rate * grad_d

    print(f'Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3')
    return losses, (a, b, c, d)


def polynomial_autograd(torch):
    """"PyTorch: Tensors and autograd": ``-=`` under ``torch.no_grad()``, then ``a.grad = None``."""
    # We want to be able to train our model on an `accelerator <https://pytorch.org/docs/stable/torch.html#accelerators>`__
    # such as CUDA, MPS, MTIA, or XPU. If the current accelerator is available, we will use it. Otherwise, we use the CPU.

    dtype = torch.float
    device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
    print(f"Using {device} device")
    torch.set_default_device(device)

    # Create Tensors to hold input and outputs.
    # By default, requires_grad=False, which indicates that we do not need to
    # compute gradients with respect to these Tensors during the backward pass.
    x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y = torch.sin(x)

    # Create random Tensors for weights. For a third order polynomial, we need
    # 4 weights: y = a + b x + c x^2 + d x^3
    # Setting requires_grad=True indicates that we want to compute gradients with
    # respect to these Tensors during the backward pass.
    a = torch.randn((), dtype=dtype, requires_grad=True)
    b = torch.randn((), dtype=dtype, requires_grad=True)
    c = torch.randn((), dtype=dtype, requires_grad=True)
    d = torch.randn((), dtype=dtype, requires_grad=True)

    losses = []
    learning_rate = 1e-6
    for t in range(2000):
        # Forward pass: compute predicted y using operations on Tensors.
        y_pred = a + b * x + c * x ** 2 + d * x ** 3

        # Compute and print loss using operations on Tensors.
        # Now loss is a Tensor of shape (1,)
        # loss.item() gets the scalar value held in the loss.
        loss = (y_pred - y).pow(2).sum()
        if t % 100 == 99:
            print(t, loss.item())
        losses.append(loss.item())

        # Use autograd to compute the backward pass. This call will compute the
        # gradient of loss with respect to all Tensors with requires_grad=True.
        # After this call a.grad, b.grad. c.grad and d.grad will be Tensors holding
        # the gradient of the loss with respect to a, b, c, d respectively.
        loss.backward()

        # Manually update weights using gradient descent. Wrap in torch.no_grad()
        # because weights have requires_grad=True, but we don't need to track this
        # in autograd.
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad

            # Manually zero the gradients after updating weights
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None

    print(f'Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3')
    return losses, (a, b, c, d)


def polynomial_autograd_zero_(torch):
    """The same program as the tutorial wrote it before PyTorch 2: ``.grad.zero_()``."""
    dtype = torch.float
    device = torch.device("cpu")

    x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
    y = torch.sin(x)

    a = torch.randn((), device=device, dtype=dtype, requires_grad=True)
    b = torch.randn((), device=device, dtype=dtype, requires_grad=True)
    c = torch.randn((), device=device, dtype=dtype, requires_grad=True)
    d = torch.randn((), device=device, dtype=dtype, requires_grad=True)

    losses = []
    learning_rate = 1e-6
    for t in range(2000):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        if t % 100 == 99:
            print(t, loss.item())
        losses.append(loss.item())
        loss.backward()

        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad

            # Manually zero the gradients after updating weights
            a.grad.zero_()
            b.grad.zero_()
            c.grad.zero_()
            d.grad.zero_()

    print(f'Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3')
    return losses, (a, b, c, d)


def polynomial_custom_function(torch):
    """"PyTorch: Defining new autograd functions": LegendrePolynomial3 with ``ctx.save_for_backward``."""

    class LegendrePolynomial3(torch.autograd.Function):
        """
        We can implement our own custom autograd Functions by subclassing
        torch.autograd.Function and implementing the forward and backward passes
        which operate on Tensors.
        """

        @staticmethod
        def forward(ctx, input):
            """
            In the forward pass we receive a Tensor containing the input and return
            a Tensor containing the output. ctx is a context object that can be used
            to stash information for backward computation. You can cache tensors for
            use in the backward pass using the ``ctx.save_for_backward`` method. Other
            objects can be stored directly as attributes on the ctx object, such as
            ``ctx.my_object = my_object``. Check out `Extending torch.autograd <https://docs.pytorch.org/docs/stable/notes/extending.html#extending-torch-autograd>`_
            for further details.
            """
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            """
            In the backward pass we receive a Tensor containing the gradient of the loss
            with respect to the output, and we need to compute the gradient of the loss
            with respect to the input.
            """
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)

    dtype = torch.float
    device = torch.device("cpu")
    # device = torch.device("cuda:0")  # Uncomment this to run on GPU

    # Create Tensors to hold input and outputs.
    # By default, requires_grad=False, which indicates that we do not need to
    # compute gradients with respect to these Tensors during the backward pass.
    x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
    y = torch.sin(x)

    # Create random Tensors for weights. For this example, we need
    # 4 weights: y = a + b * P3(c + d * x), these weights need to be initialized
    # not too far from the correct result to ensure convergence.
    # Setting requires_grad=True indicates that we want to compute gradients with
    # respect to these Tensors during the backward pass.
    a = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
    b = torch.full((), -1.0, device=device, dtype=dtype, requires_grad=True)
    c = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
    d = torch.full((), 0.3, device=device, dtype=dtype, requires_grad=True)

    losses = []
    learning_rate = 5e-6
    for t in range(2000):
        # To apply our Function, we use Function.apply method. We alias this as 'P3'.
        P3 = LegendrePolynomial3.apply

        # Forward pass: compute predicted y using operations; we compute
        # P3 using our custom autograd operation.
        y_pred = a + b * P3(c + d * x)

        # Compute and print loss
        loss = (y_pred - y).pow(2).sum()
        if t % 100 == 99:
            print(t, loss.item())
        losses.append(loss.item())

        # Use autograd to compute the backward pass.
        loss.backward()

        # Update weights using gradient descent
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad

            # Manually zero the gradients after updating weights
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None

    print(f'Result: y = {a.item()} + {b.item()} * P3({c.item()} + {d.item()} x)')
    return losses, (a, b, c, d)


def polynomial_nn(torch, update="param"):
    """"PyTorch: nn": Sequential(Linear(3, 1), Flatten(0, 1)), MSELoss(reduction='sum'), a manual
    update under no_grad and ``model.zero_grad()``. ``update`` picks the update line: today's
    ``param -= learning_rate * param.grad`` or the older tutorials' ``param.data`` forms."""
    # Create Tensors to hold input and outputs.
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)

    # For this example, the output y is a linear function of (x, x^2, x^3), so
    # we can consider it as a linear layer neural network. Let's prepare the
    # tensor (x, x^2, x^3).
    p = torch.tensor([1, 2, 3])
    xx = x.unsqueeze(-1).pow(p)

    # In the above code, x.unsqueeze(-1) has shape (2000, 1), and p has shape
    # (3,), for this case, broadcasting semantics will apply to obtain a tensor
    # of shape (2000, 3)

    # Use the nn package to define our model as a sequence of layers. nn.Sequential
    # is a Module which contains other Modules, and applies them in sequence to
    # produce its output. The Linear Module computes output from input using a
    # linear function, and holds internal Tensors for its weight and bias.
    # The Flatten layer flatens the output of the linear layer to a 1D tensor,
    # to match the shape of `y`.
    model = torch.nn.Sequential(
        torch.nn.Linear(3, 1),
        torch.nn.Flatten(0, 1)
    )

    # The nn package also contains definitions of popular loss functions; in this
    # case we will use Mean Squared Error (MSE) as our loss function.
    loss_fn = torch.nn.MSELoss(reduction='sum')

    losses = []
    learning_rate = 1e-6
    for t in range(2000):

        # Forward pass: compute predicted y by passing x to the model. Module objects
        # override the __call__ operator so you can call them like functions. When
        # doing so you pass a Tensor of input data to the Module and it produces
        # a Tensor of output data.
        y_pred = model(xx)

        # Compute and print loss. We pass Tensors containing the predicted and true
        # values of y, and the loss function returns a Tensor containing the
        # loss.
        loss = loss_fn(y_pred, y)
        if t % 100 == 99:
            print(t, loss.item())
        losses.append(loss.item())

        # Zero the gradients before running the backward pass.
        model.zero_grad()

        # Backward pass: compute gradient of the loss with respect to all the learnable
        # parameters of the model. Internally, the parameters of each Module are stored
        # in Tensors with requires_grad=True, so this call will compute gradients for
        # all learnable parameters in the model.
        loss.backward()

        # Update the weights using gradient descent. Each parameter is a Tensor, so
        # we can access its gradients like we did before.
        if update == "param":
            with torch.no_grad():
                for param in model.parameters():
                    param -= learning_rate * param.grad
        elif update == "param.data":
            for param in model.parameters():
                param.data -= learning_rate * param.grad.data
        else:  # "param.data.sub_"
            for param in model.parameters():
                param.data.sub_(learning_rate * param.grad.data)

    # You can access the first layer of `model` like accessing the first item of a list
    linear_layer = model[0]

    # For linear layer, its parameters are stored as `weight` and `bias`.
    print(f'Result: y = {linear_layer.bias.item()} + {linear_layer.weight[:, 0].item()} x + {linear_layer.weight[:, 1].item()} x^2 + {linear_layer.weight[:, 2].item()} x^3')
    return losses, model


def polynomial_optim(torch):
    """"PyTorch: optim": RMSprop over the same model."""
    # Prepare the input tensor (x, x^2, x^3).
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)

    p = torch.tensor([1, 2, 3])
    xx = x.unsqueeze(-1).pow(p)

    # Use the nn package to define our model and loss function.
    model = torch.nn.Sequential(
        torch.nn.Linear(3, 1),
        torch.nn.Flatten(0, 1)
    )
    loss_fn = torch.nn.MSELoss(reduction='sum')

    # Use the optim package to define an Optimizer that will update the weights of
    # the model for us. Here we will use RMSprop; the optim package contains many other
    # optimization algorithms. The first argument to the RMSprop constructor tells the
    # optimizer which Tensors it should update.
    losses = []
    learning_rate = 1e-3
    optimizer = torch.optim.RMSprop(model.parameters(), lr=learning_rate)
    for t in range(2000):
        # Forward pass: compute predicted y by passing x to the model.
        y_pred = model(xx)

        # Compute and print loss.
        loss = loss_fn(y_pred, y)
        if t % 100 == 99:
            print(t, loss.item())
        losses.append(loss.item())

        # Before the backward pass, use the optimizer object to zero all of the
        # gradients for the variables it will update (which are the learnable
        # weights of the model). This is because by default, gradients are
        # accumulated in buffers( i.e, not overwritten) whenever .backward()
        # is called. Checkout docs of torch.autograd.backward for more details.
        optimizer.zero_grad()

        # Backward pass: compute gradient of the loss with respect to model
        # parameters
        loss.backward()

        # Calling the step function on an Optimizer makes an update to its
        # parameters
        optimizer.step()

    linear_layer = model[0]
    print(f'Result: y = {linear_layer.bias.item()} + {linear_layer.weight[:, 0].item()} x + {linear_layer.weight[:, 1].item()} x^2 + {linear_layer.weight[:, 2].item()} x^3')
    return losses, model


def polynomial_module(torch):
    """"PyTorch: Custom nn Modules": Parameters created with ``torch.nn.Parameter(torch.randn(()))``."""

    class Polynomial3(torch.nn.Module):
        def __init__(self):
            """
            In the constructor we instantiate four parameters and assign them as
            member parameters.
            """
            super().__init__()
            self.a = torch.nn.Parameter(torch.randn(()))
            self.b = torch.nn.Parameter(torch.randn(()))
            self.c = torch.nn.Parameter(torch.randn(()))
            self.d = torch.nn.Parameter(torch.randn(()))

        def forward(self, x):
            """
            In the forward function we accept a Tensor of input data and we must return
            a Tensor of output data. We can use Modules defined in the constructor as
            well as arbitrary operators on Tensors.
            """
            return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3

        def string(self):
            """
            Just like any class in Python, you can also define custom method on PyTorch modules
            """
            return f'y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3'

    # Create Tensors to hold input and outputs.
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)

    # Construct our model by instantiating the class defined above
    model = Polynomial3()

    # Construct our loss function and an Optimizer. The call to model.parameters()
    # in the SGD constructor will contain the learnable parameters (defined
    # with torch.nn.Parameter) which are members of the model.
    criterion = torch.nn.MSELoss(reduction='sum')
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
    losses = []
    for t in range(2000):
        # Forward pass: Compute predicted y by passing x to the model
        y_pred = model(x)

        # Compute and print loss
        loss = criterion(y_pred, y)
        if t % 100 == 99:
            print(t, loss.item())
        losses.append(loss.item())

        # Zero gradients, perform a backward pass, and update the weights.
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    print(f'Result: {model.string()}')
    return losses, model


def dynamic_net(torch, steps=30000):
    """"PyTorch: Control Flow + Weight Sharing": a random number of reused terms per forward pass
    (``steps``: the tutorial's 30000 iterations, fewer in the test)."""

    class DynamicNet(torch.nn.Module):
        def __init__(self):
            """
            In the constructor we instantiate five parameters and assign them as members.
            """
            super().__init__()
            self.a = torch.nn.Parameter(torch.randn(()))
            self.b = torch.nn.Parameter(torch.randn(()))
            self.c = torch.nn.Parameter(torch.randn(()))
            self.d = torch.nn.Parameter(torch.randn(()))
            self.e = torch.nn.Parameter(torch.randn(()))

        def forward(self, x):
            """
            For the forward pass of the model, we randomly choose either 4, 5
            and reuse the e parameter to compute the contribution of these orders.

            Since each forward pass builds a dynamic computation graph, we can use normal
            Python control-flow operators like loops or conditional statements when
            defining the forward pass of the model.

            Here we also see that it is perfectly safe to reuse the same parameter many
            times when defining a computational graph.
            """
            y = self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3
            for exp in range(4, random.randint(4, 6)):
                y = y + self.e * x ** exp
            return y

        def string(self):
            """
            Just like any class in Python, you can also define custom method on PyTorch modules
            """
            return f'y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3 + {self.e.item()} x^4 ? + {self.e.item()} x^5 ?'

    # Create Tensors to hold input and outputs.
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)

    # Construct our model by instantiating the class defined above
    model = DynamicNet()

    # Construct our loss function and an Optimizer. Training this strange model with
    # vanilla stochastic gradient descent is tough, so we use momentum
    criterion = torch.nn.MSELoss(reduction='sum')
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-8, momentum=0.9)
    losses = []
    for t in range(steps):
        # Forward pass: Compute predicted y by passing x to the model
        y_pred = model(x)

        # Compute and print loss
        loss = criterion(y_pred, y)
        if t % 2000 == 1999:
            print(t, loss.item())
        losses.append(loss.item())

        # Zero gradients, perform a backward pass, and update the weights.
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    print(f'Result: {model.string()}')
    return losses, model


def _mean(xs):
    return sum(xs) / len(xs)


def _assert_learns(losses, factor, what):
    first, last = _mean(losses[:10]), _mean(losses[-10:])
    assert math.isfinite(last), f"{what}: the loss became {last}"
    assert last * factor <= first, (
        f"{what}: loss fell from {first:.4g} to {last:.4g}, less than the factor {factor} the tutorial reaches")


def test_polynomial_tensor_manual_gradients():
    """Hand-written gradients, ``a -= lr * grad_a`` on plain tensors: the fit reaches the tutorial's
    ~10 (sum of squares over 2000 points) and the loss falls at least 10x."""
    losses, coef = polynomial_tensor(nerve)
    _assert_learns(losses, 10, "polynomial_tensor")
    assert losses[-1] < 30, f"final loss {losses[-1]:.4g}: the tutorial reaches about 9"
    assert all(c.dtype == nerve.float32 for c in coef)


@pytest.mark.parametrize("program", [polynomial_autograd, polynomial_autograd_zero_], ids=["grad=None", "grad.zero_()"])
def test_polynomial_autograd(program):
    """Autograd, ``-=`` on leaves under no_grad, then ``w.grad = None`` (or ``.grad.zero_()``). Today's
    tutorial starts with ``torch.accelerator`` and ``torch.set_default_device(device)``."""
    try:
        losses, coef = program(nerve)
    finally:
        if hasattr(nerve, "set_default_device"):
            nerve.set_default_device(None)
    _assert_learns(losses, 10, program.__name__)
    assert losses[-1] < 30, f"final loss {losses[-1]:.4g}: the tutorial reaches about 9"
    for w in coef:
        assert w.is_leaf and w.requires_grad and w.dtype == nerve.float32


def test_polynomial_autograd_matches_torch_from_the_same_init():
    """The autograd program is deterministic given a, b, c, d: start both frameworks from nerve's
    draws and compare the learning curves and the fitted coefficients."""
    _needs_torch()
    nerve.manual_seed(3)
    init = [float(nerve.randn(())) for _ in range(4)]
    curves = {}
    for lib in (nerve, real_torch):
        x = lib.linspace(-math.pi, math.pi, 2000)
        y = lib.sin(x)
        a, b, c, d = (lib.tensor(v, requires_grad=True) for v in init)
        losses = []
        for t in range(500):
            y_pred = a + b * x + c * x ** 2 + d * x ** 3
            loss = (y_pred - y).pow(2).sum()
            losses.append(loss.item())
            loss.backward()
            with lib.no_grad():
                for w in (a, b, c, d):
                    w -= 1e-6 * w.grad
                    w.grad = None
        curves[lib.__name__] = (losses, [w.item() for w in (a, b, c, d)])
    np.testing.assert_allclose(curves["nerve"][0], curves["torch"][0], rtol=1e-3)
    np.testing.assert_allclose(curves["nerve"][1], curves["torch"][1], rtol=1e-3, atol=1e-5)


def test_polynomial_custom_autograd_function_matches_torch():
    """LegendrePolynomial3 (``ctx.save_for_backward``, ``ctx.saved_tensors``, ``.apply``) from the
    tutorial's fixed init: the loss falls 5x and the whole curve matches PyTorch's run of the same text."""
    losses, coef = polynomial_custom_function(nerve)
    _assert_learns(losses, 5, "polynomial_custom_function")
    assert coef[0].grad is None
    if real_torch is None:
        return
    t_losses, t_coef = polynomial_custom_function(real_torch)
    np.testing.assert_allclose(losses, t_losses, rtol=2e-3)
    np.testing.assert_allclose([w.item() for w in coef], [w.item() for w in t_coef], rtol=2e-3, atol=1e-4)


@pytest.mark.parametrize("update", ["param", "param.data", "param.data.sub_"])
def test_polynomial_nn(update):
    """nn.Sequential + MSELoss(reduction='sum') + a manual update (``param -= lr * param.grad`` under
    no_grad, or the older ``param.data -= lr * param.grad.data``) with ``model.zero_grad()``."""
    losses, model = polynomial_nn(nerve, update)
    _assert_learns(losses, 5, f"polynomial_nn[{update}]")
    assert losses[-1] < 60, f"final loss {losses[-1]:.4g}"
    for p in model.parameters():
        assert p.is_leaf and p.dtype == nerve.float32


def test_polynomial_nn_matches_torch_from_the_same_weights():
    """The nn program from nerve's initial weights, run on both: same curve."""
    _needs_torch()
    curves = {}
    init = nerve.nn.Linear(3, 1)
    w0, b0 = init.weight.detach().numpy().copy(), init.bias.detach().numpy().copy()
    for lib in (nerve, real_torch):
        x = lib.linspace(-math.pi, math.pi, 2000)
        y = lib.sin(x)
        xx = x.unsqueeze(-1).pow(lib.tensor([1, 2, 3]))
        model = lib.nn.Sequential(lib.nn.Linear(3, 1), lib.nn.Flatten(0, 1))
        with lib.no_grad():
            model[0].weight.copy_(lib.tensor(w0))
            model[0].bias.copy_(lib.tensor(b0))
        loss_fn = lib.nn.MSELoss(reduction='sum')
        losses = []
        for t in range(300):
            loss = loss_fn(model(xx), y)
            losses.append(loss.item())
            model.zero_grad()
            loss.backward()
            with lib.no_grad():
                for param in model.parameters():
                    param -= 1e-6 * param.grad
        curves[lib.__name__] = losses
    np.testing.assert_allclose(curves["nerve"], curves["torch"], rtol=1e-3)


def test_polynomial_optim_rmsprop():
    losses, model = polynomial_optim(nerve)
    _assert_learns(losses, 20, "polynomial_optim")
    assert losses[-1] < 30, f"final loss {losses[-1]:.4g}: the tutorial reaches about 9"


def test_polynomial_custom_module():
    losses, model = polynomial_module(nerve)
    _assert_learns(losses, 5, "polynomial_module")
    assert sorted(n for n, _ in model.named_parameters()) == ["a", "b", "c", "d"]
    assert "x^3" in model.string()


def test_dynamic_net_control_flow_and_weight_sharing():
    random.seed(0)
    losses, model = dynamic_net(nerve, steps=3000)
    _assert_learns(losses, 5, "dynamic_net")
    assert model.e.grad is not None


# ============================================================ Quickstart with a device line
def quickstart_on_device(torch, train_data, test_data, epochs=5):
    """The Quickstart's model, loops and device handling, on a small synthetic 28x28 dataset."""
    nn = torch.nn
    DataLoader = torch.utils.data.DataLoader

    batch_size = 64

    # Create data loaders.
    train_dataloader = DataLoader(train_data, batch_size=batch_size)
    test_dataloader = DataLoader(test_data, batch_size=batch_size)

    for X, y in test_dataloader:
        print(f"Shape of X [N, C, H, W]: {X.shape}")
        print(f"Shape of y: {y.shape} {y.dtype}")
        break

    device = "cuda" if torch.cuda.is_available() else "cpu"
    print(f"Using {device} device")

    # Define model
    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(
                nn.Linear(28*28, 512),
                nn.ReLU(),
                nn.Linear(512, 512),
                nn.ReLU(),
                nn.Linear(512, 10)
            )

        def forward(self, x):
            x = self.flatten(x)
            logits = self.linear_relu_stack(x)
            return logits

    model = NeuralNetwork().to(device)
    print(model)

    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)

    def train(dataloader, model, loss_fn, optimizer):
        size = len(dataloader.dataset)
        model.train()
        for batch, (X, y) in enumerate(dataloader):
            X, y = X.to(device), y.to(device)

            # Compute prediction error
            pred = model(X)
            loss = loss_fn(pred, y)

            # Backpropagation
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()

            if batch % 100 == 0:
                loss, current = loss.item(), (batch + 1) * len(X)
                print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")

    def test(dataloader, model, loss_fn):
        size = len(dataloader.dataset)
        num_batches = len(dataloader)
        model.eval()
        test_loss, correct = 0, 0
        with torch.no_grad():
            for X, y in dataloader:
                X, y = X.to(device), y.to(device)
                pred = model(X)
                test_loss += loss_fn(pred, y).item()
                correct += (pred.argmax(1) == y).type(torch.float).sum().item()
        test_loss /= num_batches
        correct /= size
        print(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")
        return correct, test_loss

    history = [test(test_dataloader, model, loss_fn)]
    for t in range(epochs):
        print(f"Epoch {t+1}\n-------------------------------")
        train(train_dataloader, model, loss_fn, optimizer)
        history.append(test(test_dataloader, model, loss_fn))
    print("Done!")
    return history, model, device


def _synthetic_images(torch, n, seed):
    """FashionMNIST-shaped stand-in: 10 classes, each a fixed random +-2 28x28 pattern plus N(0, 1)
    noise (PyTorch itself reaches ~99% on it in five epochs of the Quickstart's SGD(lr=1e-3))."""
    rng = np.random.default_rng(seed)
    protos = np.random.default_rng(123).choice([-1.0, 1.0], (10, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, n)
    X = (2.0 * protos[y] + rng.normal(0, 1, (n, 1, 28, 28))).astype(np.float32)
    return torch.utils.data.TensorDataset(torch.tensor(X), torch.tensor(y))


def test_quickstart_with_device_line_learns():
    """``device = "cuda" if torch.cuda.is_available() else "cpu"``; ``model.to(device)``, ``X.to(device)``;
    accuracy rises from chance (~10%) to above 80% in five epochs of SGD(lr=1e-3)."""
    if not hasattr(nerve, "cuda"):
        pytest.skip("nerve.cuda is missing (another helper is adding the torch.cuda names)")
    train_data = _synthetic_images(nerve, 1280, seed=1)
    test_data = _synthetic_images(nerve, 320, seed=2)
    history, model, device = quickstart_on_device(nerve, train_data, test_data)
    assert device in ("cpu", "cuda")
    (acc0, loss0), (acc, loss) = history[0], history[-1]
    assert acc0 < 0.3, f"accuracy before training {acc0:.2f}: the synthetic task is too easy to tell"
    assert acc > 0.8, f"accuracy after 5 epochs {acc:.2f} (from {acc0:.2f})"
    assert loss < loss0, f"test loss {loss:.4g} did not fall from {loss0:.4g}"
    assert all(p.device.type == device for p in model.parameters())


# ============================================================ makemore, part 1 (bigrams)
NAMES = """
emma olivia ava isabella sophia charlotte mia amelia harper evelyn abigail emily elizabeth mila ella avery
sofia camila aria scarlett victoria madison luna grace chloe penelope layla riley zoey nora lily eleanor
hannah lillian addison aubrey ellie stella natalie zoe leah hazel violet aurora savannah audrey brooklyn
bella claire skylar lucy paisley everly anna caroline nova genesis emilia kennedy samantha maya willow
kinsley naomi aaliyah elena sarah ariana allison gabriella alice madelyn cora ruby eva serenity autumn
adeline hailey gianna valentina isla eliana quinn nevaeh ivy sadie piper lydia alexa josephine emery
julia delilah arianna vivian kaylee sophie brielle madeline liam noah william james oliver benjamin
elijah lucas mason logan alexander ethan jacob michael daniel henry jackson sebastian aiden matthew
samuel david joseph carter owen wyatt john jack luke jayden dylan grayson levi isaac gabriel julian
mateo anthony jaxon lincoln joshua christopher andrew theodore caleb ryan asher nathan thomas leo
isaiah charles josiah hudson christian hunter connor eli ezra aaron landon adrian jonathan nolan
jeremiah easton elias colton cameron carson robert angel maverick nicholas dominic jaxson greyson
adam ian austin santiago jordan cooper brayden roman evan ezekiel xavier jose jace jameson leonardo
bryson axel everett parker kayden miles sawyer jason declan weston micah ayden wesley luca vincent
damian zachary silas gavin chase kai emmett harrison nathaniel kingston cole tyler bennett bentley
ryker tristan brandon kevin luis george ashton rowan braxton ryder gael ivan diego maxwell max
"""


def makemore_bigram_counts(torch):
    """Karpathy's makemore part 1: the counts table, smoothing, sampling, the average NLL."""
    words = NAMES.split()   # words = open('names.txt', 'r').read().splitlines()

    N = torch.zeros((27, 27), dtype=torch.int32)

    chars = sorted(list(set(''.join(words))))
    stoi = {s:i+1 for i,s in enumerate(chars)}
    stoi['.'] = 0
    itos = {i:s for s,i in stoi.items()}

    for w in words:
        chs = ['.'] + list(w) + ['.']
        for ch1, ch2 in zip(chs, chs[1:]):
            ix1 = stoi[ch1]
            ix2 = stoi[ch2]
            N[ix1, ix2] += 1

    g = torch.Generator().manual_seed(2147483647)
    p = torch.rand(3, generator=g)
    p = p / p.sum()
    torch.multinomial(p, num_samples=100, replacement=True, generator=g)

    P = (N+1).float()
    P /= P.sum(1, keepdims=True)

    g = torch.Generator().manual_seed(2147483647)

    samples = []
    for i in range(20):

        out = []
        ix = 0
        while True:
            p = P[ix]
            ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()
            out.append(itos[ix])
            if ix == 0:
                break
        print(''.join(out))
        samples.append(''.join(out))

    log_likelihood = 0.0
    n = 0

    for w in words:
        chs = ['.'] + list(w) + ['.']
        for ch1, ch2 in zip(chs, chs[1:]):
            ix1 = stoi[ch1]
            ix2 = stoi[ch2]
            prob = P[ix1, ix2]
            logprob = torch.log(prob)
            log_likelihood += logprob
            n += 1
            #print(f'{ch1}{ch2}: {prob:.4f} {logprob:.4f}')

    print(f'{log_likelihood=}')
    nll = -log_likelihood
    print(f'{nll=}')
    print(f'{nll/n}')
    return N, P, samples, (nll / n).item(), stoi


def makemore_bigram_nn(torch, steps=100):
    """The same model as a one-layer network: one-hot inputs, ``W`` trained by hand."""
    F = torch.nn.functional
    words = NAMES.split()
    chars = sorted(list(set(''.join(words))))
    stoi = {s:i+1 for i,s in enumerate(chars)}
    stoi['.'] = 0
    itos = {i:s for s,i in stoi.items()}

    # create the dataset
    xs, ys = [], []
    for w in words:
        chs = ['.'] + list(w) + ['.']
        for ch1, ch2 in zip(chs, chs[1:]):
            ix1 = stoi[ch1]
            ix2 = stoi[ch2]
            xs.append(ix1)
            ys.append(ix2)
    xs = torch.tensor(xs)
    ys = torch.tensor(ys)
    num = xs.nelement()
    print('number of examples: ', num)

    # initialize the 'network'
    g = torch.Generator().manual_seed(2147483647)
    W = torch.randn((27, 27), generator=g, requires_grad=True)

    losses = []
    # gradient descent
    for k in range(steps):

        # forward pass
        xenc = F.one_hot(xs, num_classes=27).float() # input to the network: one-hot encoding
        logits = xenc @ W # predict log-counts
        counts = logits.exp() # counts, equivalent to N
        probs = counts / counts.sum(1, keepdims=True) # probabilities for next character
        loss = -probs[torch.arange(num), ys].log().mean() + 0.01*(W**2).mean()
        print(loss.item())
        losses.append(loss.item())

        # backward pass
        W.grad = None # set to zero the gradient
        loss.backward()

        # update
        W.data += -50 * W.grad

    # finally, sample from the 'neural net' model
    g = torch.Generator().manual_seed(2147483647)

    samples = []
    for i in range(5):

        out = []
        ix = 0
        while True:

            # ----------
            # BEFORE:
            #p = P[ix]
            # ----------
            # NOW:
            xenc = F.one_hot(torch.tensor([ix]), num_classes=27).float()
            logits = xenc @ W # predict log-counts
            counts = logits.exp() # counts, equivalent to N
            p = counts / counts.sum(1, keepdims=True) # probabilities for next character
            # ----------

            ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()
            out.append(itos[ix])
            if ix == 0:
                break
        print(''.join(out))
        samples.append(''.join(out))
    return losses, W, samples


UNIFORM_NLL = math.log(27)


def test_makemore_bigram_counts():
    """``N[ix1, ix2] += 1`` counts every bigram (int32), ``P /= P.sum(1, keepdims=True)`` normalises
    rows, the average NLL is well below the uniform model's log(27) = 3.30, sampled names end with '.',
    and the counts and NLL equal PyTorch's run of the same text."""
    N, P, samples, nll, stoi = makemore_bigram_counts(nerve)
    words = NAMES.split()
    assert N.dtype == nerve.int32 and tuple(N.shape) == (27, 27)
    assert int(N.sum()) == sum(len(w) + 1 for w in words)
    assert int(N[0].sum()) == len(words)                       # every name starts after '.'
    assert int(N[stoi['e'], 0]) == sum(w.endswith('e') for w in words)
    assert P.dtype == nerve.float32
    np.testing.assert_allclose(P.sum(1).numpy(), np.ones(27), rtol=1e-5)
    assert nll < UNIFORM_NLL - 0.5, f"bigram NLL {nll:.4f} is not below the uniform baseline {UNIFORM_NLL:.4f}"
    assert len(samples) == 20 and all(s.endswith('.') and set(s) <= set(stoi) for s in samples)
    # the sampled names are drawn from P: their bigrams score better than uniform on average
    logp = [math.log(P[a, b].item()) for s in samples for a, b in zip([0] + [stoi[c] for c in s[:-1]],
                                                                       [stoi[c] for c in s])]
    assert -_mean(logp) < UNIFORM_NLL, f"sampled names' NLL {-_mean(logp):.3f} is not below uniform"
    if real_torch is not None:
        tN, tP, _, tnll, _ = makemore_bigram_counts(real_torch)
        np.testing.assert_array_equal(N.numpy(), tN.numpy())
        np.testing.assert_allclose(P.numpy(), tP.numpy(), rtol=1e-6)
        assert abs(nll - tnll) < 1e-4


def test_multinomial_sampling_follows_the_row():
    """``torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()``, repeated, draws
    each index with frequency close to p (the sampling loop of makemore)."""
    g = nerve.Generator().manual_seed(2147483647)
    p = nerve.tensor([0.1, 0.0, 0.6, 0.3])
    draws = [nerve.multinomial(p, num_samples=1, replacement=True, generator=g).item() for _ in range(4000)]
    freq = np.bincount(draws, minlength=4) / len(draws)
    np.testing.assert_allclose(freq, [0.1, 0.0, 0.6, 0.3], atol=0.03)
    g1, g2 = nerve.Generator().manual_seed(5), nerve.Generator().manual_seed(5)
    a = [nerve.multinomial(p, 1, True, generator=g1).item() for _ in range(20)]
    b = [nerve.multinomial(p, 1, True, generator=g2).item() for _ in range(20)]
    assert a == b, "the same seed must give the same draws"


def test_makemore_bigram_neural_net_learns():
    """One-hot inputs, ``W.grad = None``, ``W.data += -50 * W.grad``: the loss falls from ~3.8 (random
    W) towards the counting model's NLL, and below the uniform baseline."""
    losses, W, samples = makemore_bigram_nn(nerve)
    _, _, _, count_nll, _ = makemore_bigram_counts(nerve)
    assert losses[0] > UNIFORM_NLL, f"the random init's loss {losses[0]:.3f} should be above uniform"
    assert losses[-1] < UNIFORM_NLL - 0.4, f"final loss {losses[-1]:.4f} is not below uniform {UNIFORM_NLL:.4f}"
    assert losses[-1] < 0.75 * losses[0]
    assert losses[-1] < count_nll + 0.25, f"final loss {losses[-1]:.4f} far from the counts' {count_nll:.4f}"
    assert W.is_leaf and W.dtype == nerve.float32
    assert len(samples) == 5 and all(s.endswith('.') for s in samples)


def test_makemore_bigram_neural_net_matches_torch():
    """The gradient-descent part is deterministic given W: from the same W both frameworks give the
    same loss curve."""
    _needs_torch()
    words = NAMES.split()
    chars = sorted(set(''.join(words)))
    stoi = {s: i + 1 for i, s in enumerate(chars)}
    stoi['.'] = 0
    xs, ys = [], []
    for w in words:
        chs = ['.'] + list(w) + ['.']
        for ch1, ch2 in zip(chs, chs[1:]):
            xs.append(stoi[ch1])
            ys.append(stoi[ch2])
    W0 = np.random.default_rng(0).standard_normal((27, 27)).astype(np.float32)
    curves = {}
    for lib in (nerve, real_torch):
        F = lib.nn.functional
        X, Y = lib.tensor(xs), lib.tensor(ys)
        num = len(xs)
        W = lib.tensor(W0.copy(), requires_grad=True)
        losses = []
        for k in range(30):
            xenc = F.one_hot(X, num_classes=27).float()
            counts = (xenc @ W).exp()
            probs = counts / counts.sum(1, keepdims=True)
            loss = -probs[lib.arange(num), Y].log().mean() + 0.01 * (W ** 2).mean()
            losses.append(loss.item())
            W.grad = None
            loss.backward()
            W.data += -50 * W.grad
        curves[lib.__name__] = losses
    np.testing.assert_allclose(curves["nerve"], curves["torch"], rtol=1e-4)


# ============================================================ Keras: a custom layer using keras.ops
def test_keras_custom_layer_with_ops_learns():
    """The Keras guide's ``Linear`` layer (``add_weight`` in ``build``, ``ops.matmul`` in ``call``)
    inside the guide's ``MLPBlock``, compiled and fitted: accuracy rises above 90% on two moons."""
    pytest.importorskip("nerve.keras.ops", reason="nerve.keras.ops is missing (another helper is adding it)")
    from nerve import keras
    from nerve.keras import layers, ops

    class Linear(keras.layers.Layer):
        def __init__(self, units=32):
            super().__init__()
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(
                shape=(input_shape[-1], self.units),
                initializer="random_normal",
                trainable=True,
            )
            self.b = self.add_weight(
                shape=(self.units,), initializer="random_normal", trainable=True
            )

        def call(self, inputs):
            return ops.matmul(inputs, self.w) + self.b

    class MLPBlock(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.linear_1 = Linear(32)
            self.linear_2 = Linear(32)
            self.linear_3 = Linear(1)

        def call(self, inputs):
            x = self.linear_1(inputs)
            x = keras.activations.relu(x)
            x = self.linear_2(x)
            x = keras.activations.relu(x)
            return self.linear_3(x)

    mlp = MLPBlock()
    y = mlp(ops.ones(shape=(3, 64)))  # The first call to the `mlp` will create the weights
    print("weights:", len(mlp.weights))
    print("trainable weights:", len(mlp.trainable_weights))
    assert tuple(y.shape) == (3, 1)
    assert len(mlp.weights) == 6 and len(mlp.trainable_weights) == 6

    rng = np.random.default_rng(0)
    n = 400
    t = rng.uniform(0, math.pi, n)
    upper = rng.random(n) < 0.5
    x = np.where(upper[:, None], np.c_[np.cos(t), np.sin(t)], np.c_[1 - np.cos(t), 0.5 - np.sin(t)])
    x = (x + rng.normal(0, 0.1, x.shape)).astype("float32")
    labels = upper.astype("float32")[:, None]

    model = keras.Sequential([keras.Input(shape=(2,)), MLPBlock(), layers.Activation("sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy",
                  metrics=["accuracy"])
    before = model.evaluate(x, labels, verbose=0, return_dict=True)
    history = model.fit(x, labels, batch_size=32, epochs=30, verbose=0)
    after = model.evaluate(x, labels, verbose=0, return_dict=True)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert after["accuracy"] > 0.9 and after["accuracy"] > before["accuracy"] + 0.2, (before, after)
