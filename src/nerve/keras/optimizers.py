"""Keras optimizers (``Adam(learning_rate=1e-3)``) running on ``nerve.optim``'s update code.

Each Keras optimizer holds its hyperparameters and, once the model's parameters
are known (at the first step, or ``build(params)``), wraps the matching
``nerve.optim`` optimizer (PyTorch's update rules). ``learning_rate`` is a
float property: setting it (as ``ReduceLROnPlateau`` does) writes every param
group's ``'lr'``. ``clipnorm`` (per weight), ``global_clipnorm``, ``clipvalue``
and Keras' decoupled ``weight_decay`` are applied by the wrapper before the update.

Differences from Keras' own update formulas, all negligible in practice:
Adam/RMSprop add ``epsilon`` outside the square root / bias correction the way
PyTorch does; SGD momentum follows PyTorch (``v = m v + g; w -= lr v``), which
equals Keras' form while the learning rate is constant.

Example:
    >>> from nerve.keras import optimizers
    >>> opt = optimizers.Adam(learning_rate=1e-3, clipnorm=1.0)
    >>> model.compile(optimizer=opt, loss="mse")
    >>> opt.learning_rate = 1e-4        # e.g. from a callback
"""
from __future__ import annotations

import math
import sys
import types

from .._backend import np
from . import _validation as _v

__all__ = [
    "Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "TorchOptimizer", "get", "serialize",
    "deserialize", "schedules", "LearningRateSchedule", "ExponentialDecay", "PiecewiseConstantDecay",
    "InverseTimeDecay", "PolynomialDecay", "CosineDecay",
]


# ----------------------------------------------------------------------------- schedules
class LearningRateSchedule:
    """A learning rate as a function of the optimizer step: ``schedule(step) -> float``."""

    def __call__(self, step):  # pragma: no cover - abstract
        raise NotImplementedError

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class ExponentialDecay(LearningRateSchedule):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)`` (floored with ``staircase``).

    Example:
        >>> Adam(learning_rate=ExponentialDecay(1e-3, decay_steps=1000, decay_rate=0.9))
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="ExponentialDecay"):
        if decay_steps <= 0:
            raise ValueError(f"decay_steps must be > 0, got {decay_steps}")
        self.initial_learning_rate, self.decay_steps = float(initial_learning_rate), decay_steps
        self.decay_rate, self.staircase, self.name = float(decay_rate), staircase, name

    def __call__(self, step):
        p = step / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self.initial_learning_rate * self.decay_rate ** p

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[i]`` while ``boundaries[i-1] < step <= boundaries[i]``."""

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(values) != len(boundaries) + 1:
            raise ValueError("values must have exactly one more element than boundaries")
        self.boundaries, self.values, self.name = list(boundaries), [float(v) for v in values], name

    def __call__(self, step):
        for b, v in zip(self.boundaries, self.values):
            if step <= b:
                return v
        return self.values[-1]

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class InverseTimeDecay(LearningRateSchedule):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="InverseTimeDecay"):
        self.initial_learning_rate, self.decay_steps = float(initial_learning_rate), decay_steps
        self.decay_rate, self.staircase, self.name = float(decay_rate), staircase, name

    def __call__(self, step):
        p = step / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self.initial_learning_rate / (1.0 + self.decay_rate * p)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """Polynomial decay from ``initial_learning_rate`` to ``end_learning_rate`` over ``decay_steps``."""

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False,
                 name="PolynomialDecay"):
        self.initial_learning_rate, self.decay_steps = float(initial_learning_rate), decay_steps
        self.end_learning_rate, self.power, self.cycle, self.name = float(end_learning_rate), power, cycle, name

    def __call__(self, step):
        steps = self.decay_steps
        if self.cycle:
            steps = steps * max(1.0, math.ceil(step / steps))
        else:
            step = min(step, steps)
        frac = (1 - step / steps) ** self.power
        return (self.initial_learning_rate - self.end_learning_rate) * frac + self.end_learning_rate

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "end_learning_rate": self.end_learning_rate, "power": self.power, "cycle": self.cycle,
                "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Optional linear warm-up to ``warmup_target``, then cosine decay to ``alpha`` times it."""

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay", warmup_target=None,
                 warmup_steps=0):
        self.initial_learning_rate, self.decay_steps, self.alpha = float(initial_learning_rate), decay_steps, alpha
        self.name, self.warmup_target, self.warmup_steps = name, warmup_target, warmup_steps

    def __call__(self, step):
        start = self.initial_learning_rate
        if self.warmup_target is not None and step < self.warmup_steps:
            return start + (self.warmup_target - start) * step / self.warmup_steps
        peak = start if self.warmup_target is None else self.warmup_target
        s = min(step - (self.warmup_steps if self.warmup_target is not None else 0), self.decay_steps)
        cos = 0.5 * (1 + math.cos(math.pi * s / self.decay_steps))
        return peak * ((1 - self.alpha) * cos + self.alpha)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name, "warmup_target": self.warmup_target,
                "warmup_steps": self.warmup_steps}


_SCHEDULES = {c.__name__: c for c in (ExponentialDecay, PiecewiseConstantDecay, InverseTimeDecay,
                                      PolynomialDecay, CosineDecay)}

# ``from nerve.keras.optimizers.schedules import ExponentialDecay`` works like Keras' module path
schedules = types.ModuleType(__name__ + ".schedules", "Learning-rate schedules (Keras' keras.optimizers.schedules).")
schedules.LearningRateSchedule = LearningRateSchedule
for _n, _c in _SCHEDULES.items():
    setattr(schedules, _n, _c)
schedules.serialize = lambda s: {"class_name": type(s).__name__, "config": s.get_config()}
schedules.deserialize = lambda c: _SCHEDULES[c["class_name"]].from_config(c["config"])
sys.modules[schedules.__name__] = schedules
del _n, _c


# ----------------------------------------------------------------------------- optimizers
class Optimizer:
    """Base class of the Keras optimizers; wraps a ``nerve.optim`` optimizer built on first use.

    Args:
        learning_rate: a float or a ``LearningRateSchedule`` (evaluated at every step).
        weight_decay: decoupled decay, ``w -= learning_rate * weight_decay * w`` each step.
        clipnorm: clip each gradient to this L2 norm.
        clipvalue: clip gradient values to ``[-clipvalue, clipvalue]``.
        global_clipnorm: clip all gradients together to this global L2 norm.
        name: the optimizer's name.

    Attributes:
        learning_rate: the current learning rate (float; settable unless it is a schedule).
        iterations: number of steps taken.
        inner: the wrapped ``nerve.optim`` optimizer (``None`` until built).
    """

    _inner_class = None      # name in nerve.optim
    _default_name = "optimizer"

    def __init__(self, learning_rate=0.001, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
        if "lr" in kwargs:  # tf.keras 2 spelling
            learning_rate = kwargs.pop("lr")
        if "decay" in kwargs:
            raise ValueError("Argument `decay` is no longer supported; use a "
                             "keras.optimizers.schedules.LearningRateSchedule instead")
        if kwargs:
            raise TypeError(f"{type(self).__name__}() got unexpected keyword argument(s) {sorted(kwargs)}")
        if use_ema or gradient_accumulation_steps:
            raise NotImplementedError("use_ema and gradient_accumulation_steps are not supported yet")
        if sum(v is not None for v in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set")
        owner = type(self).__name__
        _v.check_float(weight_decay, "weight_decay", owner, 0.0, allow_none=True)
        for arg, v in (("clipnorm", clipnorm), ("clipvalue", clipvalue), ("global_clipnorm", global_clipnorm)):
            _v.check_float(v, arg, owner, 0.0, low_open=True, allow_none=True)
        self.name = name or self._default_name
        self.weight_decay = weight_decay
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
        self.loss_scale_factor = loss_scale_factor
        self._schedule = learning_rate if isinstance(learning_rate, LearningRateSchedule) else None
        if self._schedule is None:
            if callable(learning_rate):
                raise TypeError("learning_rate must be a float or a LearningRateSchedule")
            self._lr = _v.check_float(learning_rate, "learning_rate", type(self).__name__, 0.0)
        else:
            self._lr = float(self._schedule(0))
        self.iterations = 0
        self.inner = None
        self._param_source = None
        self._needs_hooks = weight_decay is not None or clipnorm is not None or clipvalue is not None \
            or global_clipnorm is not None or self._schedule is not None

    # ------------------------------------------------------------ building
    def _inner_kwargs(self):
        return {}

    def _bind(self, param_source):
        """Tell the optimizer where its parameters come from (``compile`` passes the model's)."""
        self._param_source = param_source

    @property
    def built(self):
        return self.inner is not None

    def build(self, var_list):
        """Create the wrapped ``nerve.optim`` optimizer over ``var_list`` (the model's parameters)."""
        from .. import optim
        params = list(var_list)
        if not params:
            raise ValueError(f"{type(self).__name__}: the model has no parameters to optimize")
        cls = getattr(optim, self._inner_class)
        self.inner = cls(params, lr=self._lr, **self._inner_kwargs())
        return self

    def _ensure_built(self):
        if self.inner is None:
            if self._param_source is None:
                raise RuntimeError(
                    f"{type(self).__name__} has no parameters: pass it to model.compile(optimizer=...) "
                    "or call optimizer.build(model.parameters())")
            self.build(self._param_source())

    @property
    def variables(self):
        return [] if self.inner is None else [p for g in self.inner.param_groups for p in g["params"]]

    # ------------------------------------------------------------ learning rate
    @property
    def learning_rate(self):
        """The current learning rate (a float)."""
        return self._lr

    @learning_rate.setter
    def learning_rate(self, value):
        if self._schedule is not None:
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` object as its `learning_rate` "
                "constructor argument, hence its learning rate is not settable.")
        self._set_lr(_v.check_float(value if not isinstance(value, np.generic) else value.item(),
                                    "learning_rate", type(self).__name__, 0.0))

    lr = learning_rate

    def _set_lr(self, value):
        self._lr = value
        if self.inner is not None:
            for g in self.inner.param_groups:
                g["lr"] = value

    # ------------------------------------------------------------ stepping
    def zero_grad(self, set_to_none=True):
        """Clear the gradients of the optimized parameters."""
        if self.inner is not None:
            self.inner.zero_grad(set_to_none)
        elif self._param_source is not None:
            for p in self._param_source():
                p.grad = None

    def step(self, closure=None):
        """Clip, decay and update every parameter that has a gradient; ``iterations += 1``."""
        if self.inner is None:
            self._ensure_built()
        if self._needs_hooks:
            self._before_step()
        self.inner.step(closure)
        self.iterations += 1

    def _before_step(self):
        inner = self.inner
        if self._schedule is not None:
            self._lr = float(self._schedule(self.iterations))
            for g in inner.param_groups:
                g["lr"] = self._lr
        grads = [p.grad._data for g in inner.param_groups for p in g["params"] if p.grad is not None]
        if self.clipvalue is not None:
            for a in grads:
                np.clip(a, -self.clipvalue, self.clipvalue, out=a)
        elif self.clipnorm is not None:
            for a in grads:
                n = float(np.sqrt((a * a).sum()))
                if n > self.clipnorm:
                    a *= self.clipnorm / n
        elif self.global_clipnorm is not None and grads:
            n = math.sqrt(sum(float((a * a).sum()) for a in grads))
            if n > self.global_clipnorm:
                for a in grads:
                    a *= self.global_clipnorm / n
        if self.weight_decay and self._decay_here:
            f = 1.0 - self._lr * self.weight_decay
            for g in inner.param_groups:
                for p in g["params"]:
                    if p.grad is not None:
                        p._data *= f

    _decay_here = True   # AdamW decays inside nerve.optim.AdamW instead

    def apply_gradients(self, grads_and_vars):
        """Keras-style update: set each variable's gradient and take one step.

        Example:
            >>> optimizer.apply_gradients(zip(grads, model.trainable_weights))
        """
        from ..tensor import Tensor
        pairs = list(grads_and_vars)
        if self.inner is None:
            self.build([v for _, v in pairs])
        for g, v in pairs:
            v.grad = g if isinstance(g, Tensor) or g is None else Tensor(g)
        self.step()
        return self.iterations

    def apply(self, grads, trainable_variables=None):
        return self.apply_gradients(zip(grads, trainable_variables))

    # ------------------------------------------------------------ state
    def state_dict(self):
        """``{'iterations', 'learning_rate', 'inner'}``: everything needed to resume."""
        return {"iterations": int(self.iterations), "learning_rate": float(self._lr),
                "inner": None if self.inner is None else self.inner.state_dict()}

    def load_state_dict(self, state):
        self.iterations = int(state.get("iterations", 0))
        inner_state = state.get("inner")
        if inner_state is not None:
            self._ensure_built()
            self.inner.load_state_dict(inner_state)
        if self._schedule is None and "learning_rate" in state:
            self._set_lr(float(state["learning_rate"]))

    def get_config(self):
        lr = self._lr if self._schedule is None else {
            "class_name": type(self._schedule).__name__, "config": self._schedule.get_config()}
        return {"name": self.name, "learning_rate": lr, "weight_decay": self.weight_decay,
                "clipnorm": self.clipnorm, "clipvalue": self.clipvalue, "global_clipnorm": self.global_clipnorm}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        lr = config.get("learning_rate")
        if isinstance(lr, dict):
            config["learning_rate"] = _SCHEDULES[lr["class_name"]].from_config(lr["config"])
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} learning_rate={self._lr:g}>"


class SGD(Optimizer):
    """Gradient descent, with momentum and Nesterov momentum.

    Example:
        >>> SGD(learning_rate=0.01, momentum=0.9, nesterov=True)
    """
    _inner_class = "SGD"
    _default_name = "SGD"

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, name="SGD", **kwargs):
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name=name, **kwargs)
        if not _v._is_number(momentum) or not 0.0 <= momentum <= 1.0:
            raise ValueError(f"`momentum` must be a float between [0, 1], got {momentum!r}")
        self.momentum, self.nesterov = float(momentum), bool(nesterov)

    def _inner_kwargs(self):
        return {"momentum": self.momentum, "nesterov": self.nesterov}

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


class Adam(Optimizer):
    """Adam (adaptive moments).

    Example:
        >>> Adam(learning_rate=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-7)
    """
    _inner_class = "Adam"
    _default_name = "adam"

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=False,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, name="adam", **kwargs):
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name=name, **kwargs)
        owner = type(self).__name__
        self.beta_1 = _v.check_float(beta_1, "beta_1", owner, 0.0, 1.0, high_open=True)
        self.beta_2 = _v.check_float(beta_2, "beta_2", owner, 0.0, 1.0, high_open=True)
        self.epsilon, self.amsgrad = _v.check_float(epsilon, "epsilon", owner, 0.0), amsgrad

    def _inner_kwargs(self):
        return {"betas": (self.beta_1, self.beta_2), "eps": self.epsilon, "amsgrad": self.amsgrad}

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                "amsgrad": self.amsgrad}


class AdamW(Adam):
    """Adam with decoupled weight decay (``w -= learning_rate * weight_decay * w`` each step).

    Example:
        >>> AdamW(learning_rate=1e-3, weight_decay=0.004)
    """
    _inner_class = "AdamW"
    _default_name = "adamw"
    _decay_here = False

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-07,
                 amsgrad=False, clipnorm=None, clipvalue=None, global_clipnorm=None, name="adamw", **kwargs):
        if weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float for AdamW")
        super().__init__(learning_rate, beta_1, beta_2, epsilon, amsgrad, weight_decay, clipnorm, clipvalue,
                         global_clipnorm, name=name, **kwargs)

    def _inner_kwargs(self):
        return {**super()._inner_kwargs(), "weight_decay": float(self.weight_decay)}


class RMSprop(Optimizer):
    """RMSprop: divide the gradient by a running root-mean-square (``rho``-weighted).

    Example:
        >>> RMSprop(learning_rate=1e-3, rho=0.9)
    """
    _inner_class = "RMSprop"
    _default_name = "rmsprop"

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-07, centered=False,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, name="rmsprop", **kwargs):
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name=name, **kwargs)
        self.rho = _v.check_float(rho, "rho", "RMSprop", 0.0, 1.0, high_open=True)
        self.momentum = _v.check_float(momentum, "momentum", "RMSprop", 0.0, 1.0)
        self.epsilon, self.centered = _v.check_float(epsilon, "epsilon", "RMSprop", 0.0), centered

    def _inner_kwargs(self):
        return {"alpha": self.rho, "eps": self.epsilon, "momentum": self.momentum, "centered": self.centered}

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                "centered": self.centered}


class Adagrad(Optimizer):
    """Adagrad: per-weight learning rates from the accumulated squared gradients.

    Example:
        >>> Adagrad(learning_rate=0.01, initial_accumulator_value=0.1)
    """
    _inner_class = "Adagrad"
    _default_name = "adagrad"

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-07, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, name="adagrad", **kwargs):
        super().__init__(learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm, name=name, **kwargs)
        self.initial_accumulator_value = _v.check_float(initial_accumulator_value, "initial_accumulator_value",
                                                        "Adagrad", 0.0)
        self.epsilon = _v.check_float(epsilon, "epsilon", "Adagrad", 0.0)

    def _inner_kwargs(self):
        return {"initial_accumulator_value": self.initial_accumulator_value, "eps": self.epsilon}

    def get_config(self):
        return {**super().get_config(), "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}


class TorchOptimizer(Optimizer):
    """Adapter that lets ``compile`` take a ready ``nerve.optim`` optimizer (PyTorch style).

    ``learning_rate`` reads and writes ``param_groups[*]['lr']``.

    Example:
        >>> model.compile(optimizer=nerve.optim.SGD(model.parameters(), lr=0.1), loss="mse")
    """

    def __init__(self, optimizer, name=None):
        self.inner = optimizer
        self.name = name or type(optimizer).__name__
        self.weight_decay = self.clipnorm = self.clipvalue = self.global_clipnorm = None
        self.loss_scale_factor = None
        self._schedule = None
        self.iterations = 0
        self._param_source = None
        self._needs_hooks = False

    @property
    def _lr(self):
        return float(self.inner.param_groups[0]["lr"])

    @_lr.setter
    def _lr(self, value):
        pass  # the wrapped optimizer's param groups are the truth

    def _set_lr(self, value):
        for g in self.inner.param_groups:
            g["lr"] = value

    def get_config(self):
        defaults = {k: v for k, v in self.inner.defaults.items()
                    if isinstance(v, (int, float, bool, str, tuple, type(None)))}
        return {"name": self.name, "optim_class": type(self.inner).__name__, "defaults": defaults}

    @classmethod
    def rebuild(cls, config, params):
        """Recreate the ``nerve.optim`` optimizer described by ``get_config()`` over ``params``."""
        from .. import optim
        inner = getattr(optim, config["optim_class"])(params, **config["defaults"])
        return cls(inner, name=config.get("name"))


_CLASSES = {"SGD": SGD, "Adam": Adam, "AdamW": AdamW, "RMSprop": RMSprop, "Adagrad": Adagrad}
_LOWER = {k.lower(): v for k, v in _CLASSES.items()}


def get(identifier):
    """Resolve an optimizer: a name (``'adam'``, ``'sgd'``, ``'rmsprop'``, ``'adamw'``, ``'adagrad'``),
    a config dict, a Keras optimizer, or a ``nerve.optim`` optimizer (wrapped in :class:`TorchOptimizer`).

    Raises:
        ValueError: for an unknown name, listing the valid ones.
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        cls = _LOWER.get(identifier.lower())
        if cls is None:
            raise ValueError(
                f"Unknown optimizer {identifier!r}. Valid names: {', '.join(sorted(_LOWER))} "
                "(or an optimizer instance)")
        return cls()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    from .. import optim
    if isinstance(identifier, optim.Optimizer):
        return TorchOptimizer(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    raise TypeError(f"Could not interpret optimizer identifier: {identifier!r}")


def serialize(optimizer):
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def deserialize(config, custom_objects=None):
    name = config.get("class_name")
    cls = (custom_objects or {}).get(name) or _CLASSES.get(name) or _LOWER.get(str(name).lower())
    if cls is None:
        raise ValueError(f"Unknown optimizer class {name!r}; pass it in custom_objects")
    return cls.from_config(config.get("config", {}))
