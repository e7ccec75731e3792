"""``CallbackList`` dispatches every hook to a list of callbacks; ``ModuleAdapter``
lets the same callbacks drive a PyTorch-style loop over a plain ``nn.Module``."""
from __future__ import annotations

from ..._backend import np

from .callback import Callback
from .history import History
from .progbar_logger import ProgbarLogger

__all__ = ["CallbackList", "ModuleAdapter", "OptimizerAdapter"]


def _is_plain_module(model) -> bool:
    """A ``nerve.nn.Module`` (or look-alike) that lacks the Keras-model contract."""
    return (not hasattr(model, "get_weights") and callable(getattr(model, "state_dict", None))
            and callable(getattr(model, "load_state_dict", None)))


class CallbackList(Callback):
    """Calls each hook on every callback in order; used by ``fit`` and by manual loops.

    Args:
        callbacks: a list of :class:`Callback` (or a single one, or None).
        add_history: append a :class:`History` unless the list has one; it is
            then available as ``.history`` (and set as ``model.history``).
        add_progbar: append a :class:`ProgbarLogger` unless the list has one.
        model: the model. A Keras-style model is used as is. A plain
            ``nerve.nn.Module`` is wrapped in a :class:`ModuleAdapter`
            (together with the ``optimizer=`` keyword) so that EarlyStopping,
            ModelCheckpoint, ReduceLROnPlateau, ... work on it; ``.model`` is
            then the adapter and ``.model.module`` the module.
        **params: training parameters given to every callback via
            ``set_params``: ``epochs``, ``steps`` (batches per epoch),
            ``verbose`` (default 1). ``optimizer`` is taken out of them and
            given to the adapter.

    Example (a PyTorch-style loop driven by Keras callbacks)::

        cbs = CallbackList([EarlyStopping(patience=3, restore_best_weights=True)],
                           add_history=True, model=net, optimizer=opt,
                           epochs=100, steps=len(loader), verbose=0)
        cbs.on_train_begin()
        for epoch in range(100):
            cbs.on_epoch_begin(epoch)
            for batch, (x, y) in enumerate(loader):
                cbs.on_train_batch_begin(batch)
                loss = F.cross_entropy(net(x), y)
                opt.zero_grad(); loss.backward(); opt.step()
                cbs.on_train_batch_end(batch, {"loss": loss.item()})
            cbs.on_epoch_end(epoch, {"loss": loss.item(), "val_loss": validate(net)})
            if cbs.stop_training:
                break
        cbs.on_train_end()          # restores the best weights into net
        cbs.history.history["val_loss"]
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        super().__init__()
        if callbacks is None:
            callbacks = []
        elif isinstance(callbacks, Callback):
            callbacks = [callbacks]
        self.callbacks = list(callbacks)
        for cb in self.callbacks:
            if not isinstance(cb, Callback) and not hasattr(cb, "on_epoch_end"):
                raise TypeError(f"CallbackList expects Callback instances, got {type(cb).__name__}")
        self._history = None
        self._progbar = None
        for cb in self.callbacks:
            if isinstance(cb, ProgbarLogger):
                self._progbar = cb
            elif isinstance(cb, History):
                self._history = cb
        # As Keras: defaults go last, so they see what user callbacks add to
        # the logs (e.g. ReduceLROnPlateau's 'learning_rate').
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)
        optimizer = params.pop("optimizer", None)
        if model is not None:
            if _is_plain_module(model):
                model = ModuleAdapter(model, optimizer)
            self.set_model(model)
        if params:
            self.set_params(params)

    @property
    def history(self):
        """The :class:`History` callback of this list (None when there is none)."""
        return self._history

    @property
    def stop_training(self) -> bool:
        """True once a callback asked to stop (``model.stop_training``)."""
        return bool(getattr(self.model, "stop_training", False))

    def append(self, callback):
        """Add a callback at the end (it receives the current model and params)."""
        self.callbacks.append(callback)
        if self.model is not None:
            callback.set_model(self.model)
        if self.params:
            callback.set_params(self.params)

    def set_model(self, model):
        if model is None:
            return
        self.model = model
        if self._history is not None:
            try:
                model.history = self._history
            except AttributeError:  # a model that forbids new attributes
                pass
        for cb in self.callbacks:
            cb.set_model(model)

    def set_params(self, params):
        self.params = params
        if params:
            for cb in self.callbacks:
                cb.set_params(params)

    # Each hook is a plain loop: they sit in fit's hot path. ``logs`` is one
    # dict shared by all callbacks, so what one adds the next ones see.
    def on_train_begin(self, logs=None):
        if logs is None:
            logs = {}
        if self.model is not None and hasattr(self.model, "stop_training"):
            self.model.stop_training = False
        for cb in self.callbacks:
            cb.on_train_begin(logs)

    def on_train_end(self, logs=None):
        if logs is None:
            logs = {}
        for cb in self.callbacks:
            cb.on_train_end(logs)

    def on_epoch_begin(self, epoch, logs=None):
        if logs is None:
            logs = {}
        for cb in self.callbacks:
            cb.on_epoch_begin(epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            logs = {}
        for cb in self.callbacks:
            cb.on_epoch_end(epoch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        if logs is None:
            logs = {}
        for cb in self.callbacks:
            cb.on_train_batch_begin(batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        if logs is None:
            logs = {}
        for cb in self.callbacks:
            cb.on_train_batch_end(batch, logs)

    def on_batch_begin(self, batch, logs=None):
        self.on_train_batch_begin(batch, logs)

    def on_batch_end(self, batch, logs=None):
        self.on_train_batch_end(batch, logs)

    def on_test_begin(self, logs=None):
        if logs is None:
            logs = {}
        for cb in self.callbacks:
            cb.on_test_begin(logs)

    def on_test_end(self, logs=None):
        if logs is None:
            logs = {}
        for cb in self.callbacks:
            cb.on_test_end(logs)

    def on_test_batch_begin(self, batch, logs=None):
        if logs is None:
            logs = {}
        for cb in self.callbacks:
            cb.on_test_batch_begin(batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        if logs is None:
            logs = {}
        for cb in self.callbacks:
            cb.on_test_batch_end(batch, logs)

    def on_predict_begin(self, logs=None):
        if logs is None:
            logs = {}
        for cb in self.callbacks:
            cb.on_predict_begin(logs)

    def on_predict_end(self, logs=None):
        if logs is None:
            logs = {}
        for cb in self.callbacks:
            cb.on_predict_end(logs)

    def on_predict_batch_begin(self, batch, logs=None):
        if logs is None:
            logs = {}
        for cb in self.callbacks:
            cb.on_predict_batch_begin(batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        if logs is None:
            logs = {}
        for cb in self.callbacks:
            cb.on_predict_batch_end(batch, logs)

    def __iter__(self):
        return iter(self.callbacks)

    def __len__(self):
        return len(self.callbacks)


# ----------------------------------------------------------------------------- adapters

def _host_copy(value) -> np.ndarray:
    """A NumPy copy of a Tensor / array (off-CPU data is brought to the host)."""
    data = getattr(value, "_data", value)
    if isinstance(data, np.ndarray):
        return data.copy()
    get = getattr(data, "get", None)  # CuPy
    return np.array(get() if callable(get) else data, copy=True)


class OptimizerAdapter:
    """Gives a ``nerve.optim`` optimizer the Keras ``learning_rate`` attribute.

    Reading ``learning_rate`` returns ``param_groups[0]['lr']``. Setting it
    sets every group's ``'lr'``: groups that shared group 0's rate get exactly
    the new value, groups with their own rate are scaled by the same factor,
    so the ratios between groups are kept. Every other attribute
    (``step``, ``zero_grad``, ``state_dict``, ``param_groups``, ...) is the
    optimizer's own.

    Args:
        optimizer: a ``nerve.optim`` optimizer (anything with ``param_groups``).
    """

    def __init__(self, optimizer):
        if not hasattr(optimizer, "param_groups"):
            raise TypeError(f"expected an optimizer with param_groups, got {type(optimizer).__name__}")
        object.__setattr__(self, "optimizer", optimizer)

    @property
    def learning_rate(self) -> float:
        return float(self.optimizer.param_groups[0]["lr"])

    @learning_rate.setter
    def learning_rate(self, value):
        value = float(value)
        groups = self.optimizer.param_groups
        ref = float(groups[0]["lr"])
        for g in groups:
            lr = float(g["lr"])
            g["lr"] = value if (lr == ref or ref == 0.0) else lr * (value / ref)

    lr = learning_rate

    def __getattr__(self, name):
        return getattr(self.optimizer, name)

    def __setattr__(self, name, value):
        if name in ("learning_rate", "lr"):
            object.__setattr__(self, name, value)  # goes through the property
        else:
            setattr(self.optimizer, name, value)


class ModuleAdapter:
    """Presents a ``nerve.nn.Module`` (+ optimizer) with the Keras model contract.

    ``CallbackList(..., model=module, optimizer=opt)`` builds one, so Keras
    callbacks work in a PyTorch-style loop:

    * ``stop_training``: set by EarlyStopping / TerminateOnNaN; the loop reads it.
    * ``get_weights()`` / ``set_weights(list)``: NumPy copies of
      ``module.state_dict()`` values in its order (parameters and buffers);
      ``set_weights`` loads them back with ``load_state_dict``.
    * ``save(path)``: ``nerve.save({"model": state_dict, "optimizer":
      optimizer.state_dict()}, path)`` (no ``"optimizer"`` key without one);
      ``save_weights(path)``: ``nerve.save(state_dict, path)``. Load with
      ``module.load_state_dict(nerve.load(path)["model"])`` or
      ``module.load_state_dict(nerve.load(path))`` respectively.
    * ``optimizer``: an :class:`OptimizerAdapter` (``learning_rate`` maps to
      the param groups' ``'lr'``).

    Other attributes are looked up on the module.

    Args:
        module: the network (anything with ``state_dict`` / ``load_state_dict``).
        optimizer: its optimizer, or None.
    """

    def __init__(self, module, optimizer=None):
        self.module = module
        self.optimizer = OptimizerAdapter(optimizer) if optimizer is not None else None
        self.stop_training = False

    def named_weights(self):
        """``(name, numpy copy)`` for every entry of the module's state_dict."""
        return [(k, _host_copy(v)) for k, v in self.module.state_dict().items()]

    def get_weights(self):
        """NumPy copies of the state_dict values, in state_dict order."""
        return [_host_copy(v) for v in self.module.state_dict().values()]

    def set_weights(self, weights):
        """Load a list from :meth:`get_weights` back into the module."""
        from nerve.tensor import Tensor  # noqa: PLC0415 - keep the callbacks import light

        current = self.module.state_dict()
        weights = list(weights)
        if len(weights) != len(current):
            raise ValueError(f"set_weights: the module has {len(current)} state_dict entries, "
                             f"got a list of {len(weights)} arrays")
        new = {}
        for (name, old), w in zip(current.items(), weights):
            w = np.asarray(w)
            if tuple(w.shape) != tuple(old.shape):
                raise ValueError(f"set_weights: {name!r} has shape {tuple(old.shape)}, "
                                 f"got an array of shape {tuple(w.shape)}")
            new[name] = Tensor(w, dtype=w.dtype)
        self.module.load_state_dict(new)

    def save_weights(self, filepath, overwrite=True):
        """``nerve.save(module.state_dict(), filepath)`` (atomic)."""
        from nerve.serialization import save  # noqa: PLC0415
        save(self.module.state_dict(), filepath)

    def save(self, filepath, overwrite=True):
        """Save module and optimizer state: ``{"model": ..., "optimizer": ...}``."""
        from nerve.serialization import save  # noqa: PLC0415
        ckpt = {"model": self.module.state_dict()}
        if self.optimizer is not None:
            ckpt["optimizer"] = self.optimizer.optimizer.state_dict()
        save(ckpt, filepath)

    def __getattr__(self, name):
        # Only called for names not found on the adapter: forward to the module.
        if name == "module":
            raise AttributeError(name)
        return getattr(self.module, name)

    def __repr__(self):
        return f"ModuleAdapter({type(self.module).__name__})"
