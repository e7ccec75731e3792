"""``Model``: a Keras layer that can ``compile``, ``fit``, ``evaluate``, ``predict``, ``save``.

Three ways to get one, as in Keras (plus one for PyTorch modules):

* ``keras.Sequential([...])`` (:mod:`.sequential`),
* ``keras.Model(inputs, outputs)`` on ``keras.Input`` placeholders (:mod:`.functional`),
* subclassing ``keras.Model`` and writing ``call``,
* ``keras.Model(module)`` / ``keras.Model.from_module(module)``: any ``nerve.nn.Module``,
  so a PyTorch-style network trains with ``fit`` and Keras callbacks.

A model is a ``nerve.nn.Module``: ``parameters()``, ``state_dict()``, ``train()``/``eval()``
and hand-written loops work on it. ``fit`` loops over batches and calls
``self.train_step(batch)``, which runs :func:`nerve.training.train_step` (forward,
loss + penalties, ``zero_grad``, ``backward``, ``step``), the same function a manual
loop calls; override ``train_step`` like in Keras to customise a step.
"""
from __future__ import annotations

from ... import _backend as B
from ..._backend import np
from ...nn.modules.module import Module
from ...tensor import Tensor
from ...training import data as _data
from ...training import step as _step
from .. import metrics as _metrics
from .. import _validation as _v
from .. import optimizers as _optimizers
from ..layers.base import Layer, _has_keras_tensor, snake_case, unique_name
from .compile_utils import CompiledLoss, CompiledMetrics

__all__ = ["Model", "ModuleModel"]

_make = Tensor._make


def _tensorize(s):
    """Arrays (nested) -> Tensors, whole (for *_on_batch)."""
    if s is None:
        return None
    if isinstance(s, dict):
        return {k: _make(v) for k, v in s.items()}
    if isinstance(s, (list, tuple)):
        return type(s)(_make(v) for v in s)
    return _make(s)


def _to_numpy(out):
    if isinstance(out, Tensor):
        return B.to_device_array(out._data, "cpu")
    if isinstance(out, dict):
        return {k: _to_numpy(v) for k, v in out.items()}
    if isinstance(out, (list, tuple)):
        return [_to_numpy(v) for v in out]
    return np.asarray(out)


def _concat(chunks):
    first = chunks[0]
    if isinstance(first, dict):
        return {k: _concat([c[k] for c in chunks]) for k in first}
    if isinstance(first, list):
        return [_concat([c[i] for c in chunks]) for i in range(len(first))]
    return np.concatenate(chunks, axis=0) if first.ndim else np.stack(chunks)


def _batch_size_of(x):
    while not isinstance(x, Tensor):
        if isinstance(x, dict):
            x = next(iter(x.values()))
        elif isinstance(x, (list, tuple)):
            x = x[0]
        else:
            return len(x)
    return x._data.shape[0] if x._data.ndim else 1


def _class_weight_to_sample_weight(y, class_weight):
    _v.check_class_weight(class_weight)
    if isinstance(y, (list, tuple, dict)):
        raise ValueError("`class_weight` is only supported for models with a single output")
    yy = np.asarray(y)
    if yy.ndim == 2 and yy.shape[1] > 1:
        labels = yy.argmax(axis=1)
    elif yy.ndim == 2:
        labels = np.rint(yy[:, 0]).astype(np.int64)
    else:
        labels = np.rint(yy).astype(np.int64) if yy.dtype.kind == "f" else yy.astype(np.int64)
    keys = {int(k) for k in class_weight}
    missing = sorted(set(np.unique(labels).tolist()) - keys)
    if missing:
        raise ValueError(f"`class_weight` has no weight for class(es) {missing} present in y; "
                         f"given keys: {sorted(keys)}")
    table = np.ones(max(max(keys), int(labels.max()) if labels.size else 0) + 1, dtype=np.float32)
    for k, v in class_weight.items():
        table[int(k)] = float(v)
    return table[labels]


def _should_eval(epoch, validation_freq):
    if isinstance(validation_freq, int):
        return (epoch + 1) % validation_freq == 0
    return (epoch + 1) in validation_freq


class Model(Layer):
    """A trainable Keras model (and a ``nerve.nn.Module``).

    Construct with ``Model(inputs, outputs)`` (functional API), by subclassing and
    defining ``call``, or with ``Model(module)`` to wrap any ``nerve.nn.Module``.

    Example:
        >>> inputs = keras.Input(shape=(20,))
        >>> x = keras.layers.Dense(32, activation="relu")(inputs)
        >>> outputs = keras.layers.Dense(1, activation="sigmoid")(x)
        >>> model = keras.Model(inputs, outputs)
        >>> model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
        >>> history = model.fit(x_train, y_train, epochs=5, validation_split=0.2)
    """

    _autocast_inputs = False   # each layer casts its own inputs

    def __new__(cls, *args, **kwargs):
        if cls is Model:
            first = args[0] if args else kwargs.get("inputs", kwargs.get("module"))
            if "module" in kwargs or (isinstance(first, Module) and not isinstance(first, Layer)):
                return object.__new__(ModuleModel)
            if len(args) >= 2 or "inputs" in kwargs or "outputs" in kwargs or (
                    args and _has_keras_tensor(args[0])):
                from .functional import Functional
                return object.__new__(Functional)
        return object.__new__(cls)

    def __init__(self, *args, **kwargs):
        trainable = kwargs.pop("trainable", True)
        name = kwargs.pop("name", None)
        dtype = kwargs.pop("dtype", None)
        if args or kwargs:
            raise TypeError(
                f"Model.__init__() got unexpected arguments {args or ''} {sorted(kwargs) or ''}: use "
                "keras.Model(inputs, outputs), keras.Model(module), or subclass keras.Model")
        Layer.__init__(self, trainable=trainable, name=name or unique_name(snake_case(type(self).__name__)),
                       dtype=dtype)
        self._init_trainer()

    def _init_trainer(self):
        self.__dict__.update(
            optimizer=None, compiled_loss=None, compiled_metrics=None, loss=None, stop_training=False,
            history=None, _is_compiled=False, _shuffle_seed=None, epochs_completed=0, _resume_state=None,
            _loss_tracker=_metrics.Mean(name="loss"), _output_loss_trackers=[], _compile_config=None,
            _loss_fn=None)

    @classmethod
    def from_module(cls, module, name=None):
        """Wrap a ``nerve.nn.Module`` so it can ``compile``/``fit``/``evaluate``/``predict``/``save``.

        The module is called as ``module(x)`` (``module(*x)`` for a list of inputs); its
        output feeds the loss. Loss modules from ``nerve.nn`` (``nn.CrossEntropyLoss()``)
        work as ``compile(loss=...)`` and are called PyTorch-style, ``loss(output, target)``.

        Example:
            >>> net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
            >>> model = keras.Model.from_module(net)
            >>> model.compile(optimizer="adam", loss=nn.CrossEntropyLoss(), metrics=["accuracy"])
            >>> model.fit(x, y, epochs=10)
        """
        return ModuleModel(module, name=name)

    # ------------------------------------------------------------ structure
    @property
    def layers(self):
        """The model's layers, in order (sublayers tracked as attributes for subclassed models)."""
        return [m for m in self._modules.values() if m is not None]

    def get_layer(self, name=None, index=None):
        """The layer called ``name`` (or at position ``index``)."""
        if index is not None:
            layers = self.layers
            if not isinstance(index, (int, np.integer)) or not -len(layers) <= index < len(layers):
                raise ValueError(f"Was asked to retrieve layer at index {index!r} but model only has "
                                 f"{len(layers)} layers.")
            return layers[index]
        for layer in self.layers:
            if getattr(layer, "name", None) == name:
                return layer
        names = [getattr(layer, "name", "?") for layer in self.layers]
        raise ValueError(f"No such layer: {name}. Existing layers are: {names}.")

    def _output_names(self):
        return ["output"]

    def build(self, input_shape=None):
        """Create the weights by running the model once on zeros of ``input_shape`` (batch dim may be None)."""
        if input_shape is None:
            raise ValueError("You must provide an `input_shape` argument.")

        def zeros(s):
            return _make(np.zeros(tuple(1 if d is None else d for d in s), dtype=np.float32))
        from ..layers.base import map_shapes
        map_shapes(lambda s: _v.standardize_shape(s, "input_shape"), input_shape)
        dummy = map_shapes(zeros, input_shape)
        was = self.training
        self.eval()
        try:
            from ...autograd.grad_mode import no_grad
            with no_grad():
                out = self.call(dummy)
        finally:
            self.train(was)
        self.__dict__["_output_shape"] = _output_shapes(out)
        self.built = True

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False, show_trainable=False,
                layer_range=None):
        """Print a table of the layers (name and type, output shape, parameter count) and the totals.

        Example:
            >>> model.summary()
        """
        from .summary import print_summary
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      show_trainable=show_trainable)

    # ------------------------------------------------------------ compile
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None, weighted_metrics=None,
                run_eagerly=False, steps_per_execution=1, jit_compile="auto", auto_scale_loss=True):
        """Configure training: optimizer, loss and metrics.

        Args:
            optimizer: name (``'adam'``, ``'sgd'``, ``'rmsprop'``, ``'adamw'``, ``'adagrad'``), a
                ``keras.optimizers`` instance or a ``nerve.optim`` optimizer.
            loss: name (``'mse'``, ``'binary_crossentropy'``, ``'sparse_categorical_crossentropy'``, ...),
                a ``keras.losses.Loss``, a function ``f(y_true, y_pred)``, a ``nerve.nn`` loss module,
                or a list/dict of those for several outputs.
            loss_weights: per-output weights of the total loss.
            metrics: names (``'accuracy'``, ``'mae'``, ...) or Metric objects; list of lists or dict
                for several outputs. ``'accuracy'`` picks binary/categorical/sparse accuracy from
                the shapes of the labels and outputs (Keras' rule).
            weighted_metrics: metrics that use ``sample_weight``/``class_weight``.

        Example:
            >>> model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        """
        opt = _optimizers.get(optimizer)
        if opt.inner is None:
            opt._bind(lambda: list(self.parameters()))
        names = self._output_names()
        d = self.__dict__
        d["optimizer"] = opt
        d["loss"] = loss
        d["compiled_loss"] = CompiledLoss(loss, loss_weights, names)
        cm = CompiledMetrics(metrics, weighted_metrics, names)
        cm.check()
        d["compiled_metrics"] = cm
        d["_loss_fn"] = d["compiled_loss"]
        d["_is_compiled"] = True
        d["_output_loss_trackers"] = []
        d.pop("_metrics_cache", None)
        self._loss_tracker.reset_state()
        opt_cfg = _optimizers.serialize(opt)
        d["_compile_config"] = {"optimizer": opt_cfg, **d["compiled_loss"].get_config(), **cm.get_config()}

    @property
    def compiled(self):
        return self._is_compiled

    def _assert_compiled(self, what):
        if not self._is_compiled:
            raise RuntimeError(
                f"You must call `compile()` before using the model for {what}(): e.g. "
                "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])")

    # ------------------------------------------------------------ metrics
    @property
    def metrics(self):
        """``[loss tracker, *compiled metrics]`` (stateful metric objects)."""
        cm = self.compiled_metrics
        key = (len(self._output_loss_trackers), id(cm), cm.built if cm is not None else False)
        cache = self.__dict__.get("_metrics_cache")
        if cache is None or cache[0] != key:
            out = [self._loss_tracker] + list(self._output_loss_trackers)
            if cm is not None:
                out += cm.metrics
            cache = self.__dict__["_metrics_cache"] = (key, out)
        return list(cache[1])

    def _metric_objects(self):
        self.metrics  # noqa: B018 - refresh the cache
        return self.__dict__["_metrics_cache"][1]

    @property
    def metrics_names(self):
        return [m.name for m in self.metrics]

    def reset_metrics(self):
        """Reset the loss tracker and every metric."""
        for m in self._metric_objects():
            m.reset_state()

    def get_metrics_result(self):
        """The current results of the metrics: ``{'loss': ..., 'accuracy': ...}``."""
        return {m.name: m.result() for m in self._metric_objects()}

    def _track_loss(self, loss, x):
        if loss is None:
            return
        n = _batch_size_of(x)
        t = self._loss_tracker
        t.total += float(loss._data) * n
        t.count += n
        per = self.compiled_loss.per_output if self.compiled_loss is not None else None
        if per is not None:
            trackers = self._output_loss_trackers
            if len(trackers) != len(per):
                trackers[:] = [_metrics.Mean(name=f"{nm}_loss") for nm in self.compiled_loss.output_names]
            for tr, v in zip(trackers, per):
                if v is not None:
                    tr.total += float(v._data) * n
                    tr.count += n

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Update the compiled metrics with a batch and return all current results (Keras' hook)."""
        cm = self.compiled_metrics
        if cm is not None and y is not None:
            if not cm.built:
                cm.build(y, y_pred)
            cm.update(y, y_pred, sample_weight)
        return self.get_metrics_result()

    # ------------------------------------------------------------ steps
    def train_step(self, data):
        """One training step on a batch ``(x, y[, sample_weight])``; returns the logs dict.

        Runs :func:`nerve.training.train_step` with the compiled loss and optimizer, then
        updates the metrics. Override it for custom training logic, as in Keras.
        """
        x, y, sample_weight = _data.unpack_x_y_sample_weight(data)
        loss, y_pred = _step.train_step(self, x, y, self._loss_fn, self.optimizer, sample_weight)
        self._track_loss(loss, x)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data):
        """One evaluation step (no gradients); returns the logs dict."""
        x, y, sample_weight = _data.unpack_x_y_sample_weight(data)
        loss, y_pred = _step.test_step(self, x, y, self._loss_fn, sample_weight)
        self._track_loss(loss, x)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        """The model's output on a batch (no gradients)."""
        x, _, _ = _data.unpack_x_y_sample_weight(data)
        return _step.predict_step(self, x)

    # ------------------------------------------------------------ data
    def _batches(self, x, y, sample_weight, batch_size, shuffle, steps, class_weight, what):
        if x is None:
            raise ValueError(f"{what}: x is required")
        if _data.is_array_data(x):
            xa, ya, swa = self._checked_arrays(x, y, sample_weight, what)
            if class_weight:
                if ya is None:
                    raise ValueError("`class_weight` needs targets y")
                cw = _class_weight_to_sample_weight(ya, class_weight)
                swa = cw if swa is None else (swa.astype(np.float32) * cw)
            if swa is not None:
                swa = swa.astype(np.float32, copy=False)
            if self._shuffle_seed is None:
                self.__dict__["_shuffle_seed"] = int(B.default_generator.initial_seed())
            return self._on_model_device(_data.ArrayBatches(
                xa, ya, swa, 32 if batch_size is None else batch_size, shuffle, self._shuffle_seed, steps))
        _v.check_python_data(x, what)
        if y is not None:
            raise ValueError(f"{what}: `y` must not be given when x is a DataLoader or an iterable of batches "
                             "(it yields (x, y) pairs)")
        if class_weight:
            return self._on_model_device(_ClassWeighted(_data.IterableBatches(x, steps), class_weight))
        return self._on_model_device(_data.IterableBatches(x, steps))

    @staticmethod
    def _checked_arrays(x, y, sample_weight, what):
        """x, y, sample_weight as NumPy nests, checked: numbers only, one row (and one weight) per sample."""
        pre = "validation_data: " if what == "validation" else ""
        xa = _data.to_arrays(x, "x")
        ya = _data.to_arrays(y, "y")
        swa = _data.to_arrays(sample_weight, "sample_weight")
        xa, ya, swa = _v.check_data(xa, ya, swa, pre)
        try:
            _data.num_samples(xa, ya)
        except ValueError as e:
            raise ValueError(pre + str(e)) from None
        _v.check_sample_weight(swa, xa, ya, pre)
        return xa, ya, swa

    def _on_model_device(self, batches):
        """Batches moved to the device of the model's parameters (a no-op on the CPU)."""
        p = next(iter(self.parameters()), None)
        if p is None or p.device.type == "cpu":
            return batches
        return _DeviceBatches(batches, p.device)

    def _callbacks(self, callbacks, verbose, epochs, steps, history):
        from ..callbacks import CallbackList
        if isinstance(callbacks, CallbackList):
            return callbacks
        return CallbackList(callbacks, add_history=history, add_progbar=verbose != 0, model=self,
                            verbose=verbose, epochs=epochs, steps=steps)

    # ------------------------------------------------------------ fit
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None, validation_split=0.0,
            validation_data=None, shuffle=True, class_weight=None, sample_weight=None, initial_epoch=0,
            steps_per_epoch=None, validation_steps=None, validation_batch_size=None, validation_freq=1):
        """Train for ``epochs`` epochs; returns the ``History`` (also ``model.history``).

        Args:
            x, y: NumPy arrays or Tensors (lists/dicts for several inputs/outputs), or ``x`` a
                ``DataLoader``/iterable yielding ``(x, y)`` or ``(x, y, sample_weight)`` batches.
            batch_size: samples per step for array data (default 32).
            epochs: index of the last epoch (training runs epochs ``initial_epoch .. epochs-1``).
            verbose: 0 silent, 1 progress bar, 2 one line per epoch (``'auto'`` = 1).
            callbacks: list of ``keras.callbacks.Callback``.
            validation_split: fraction of the arrays held out for validation: the *last* samples,
                taken before shuffling (Keras' rule).
            validation_data: ``(x_val, y_val)``, ``(x_val, y_val, sample_weight)`` or a DataLoader.
            shuffle: reshuffle array data every epoch (``'batch'``: shuffle batch order only). The
                order of epoch ``e`` depends only on ``(model seed, e)``, so a resumed run sees
                the same batches.
            class_weight: ``{class: weight}``, turned into per-sample weights.
            sample_weight: per-sample loss weights.
            initial_epoch: epoch to start from (to resume a run).
            steps_per_epoch, validation_steps: bound the batches per epoch.
            validation_freq: validate every ``validation_freq`` epochs (or at the listed epochs).

        Example:
            >>> history = model.fit(x_train, y_train, batch_size=64, epochs=10, validation_split=0.1,
            ...                     callbacks=[keras.callbacks.EarlyStopping(patience=2)])
            >>> history.history["val_loss"]
        """
        self._assert_compiled("fit")
        verbose = _v.check_verbose(verbose, "fit")
        _v.check_fit_arguments(epochs, initial_epoch, batch_size, validation_split, shuffle, steps_per_epoch,
                               validation_steps, validation_batch_size, validation_freq)
        _v.check_class_weight(class_weight)
        if validation_data is not None:
            _v.check_validation_data(validation_data)
        if validation_split and validation_data is None:
            if not _data.is_array_data(x):
                raise ValueError("`validation_split` is only supported for NumPy arrays and Tensors; with a "
                                 "DataLoader or generator pass validation_data=... instead")
            arrays = self._checked_arrays(x, y, sample_weight, "fit")
            (x, y, sample_weight), (vx, vy, vsw) = _data.train_validation_split(arrays, validation_split)
            validation_data = (vx, vy) if vsw is None else (vx, vy, vsw)
        train = self._batches(x, y, sample_weight, batch_size, shuffle, steps_per_epoch, class_weight, "fit")
        val = None
        if validation_data is not None:
            if isinstance(validation_data, (tuple, list)) and len(validation_data) in (2, 3) \
                    and _data.is_array_data(validation_data[0]):
                vx, vy, vsw = _data.unpack_x_y_sample_weight(tuple(validation_data))
                val = self._batches(vx, vy, vsw, validation_batch_size or batch_size, False, validation_steps,
                                    None, "validation")
            else:
                val = self._batches(validation_data, None, None, None, False, validation_steps, None, "validation")
        cbs = self._callbacks(callbacks, verbose, epochs, train.steps, True)
        resume = self._resume_state
        if resume is not None:
            self.__dict__["_resume_state"] = None
            if initial_epoch == resume.get("epoch") and resume.get("rng_state") is not None:
                # continue the random stream (dropout masks) exactly where the saved run was
                B.default_generator.set_state(resume["rng_state"])
        self.stop_training = False
        cbs.on_train_begin()
        train_step = self.train_step
        training_logs = None
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            self.train()
            cbs.on_epoch_begin(epoch)
            begin, end = cbs.on_train_batch_begin, cbs.on_train_batch_end
            logs = None
            for step, batch in enumerate(train.epoch(epoch)):
                begin(step)
                logs = train_step(batch)
                end(step, logs)
                if self.stop_training:
                    break
            if logs is None:
                raise ValueError("fit: the training data produced no batches (is it empty?)")
            epoch_logs = dict(logs)
            if val is not None and _should_eval(epoch, validation_freq):
                val_logs = self._run_evaluation(val, cbs)
                epoch_logs.update({"val_" + k: v for k, v in val_logs.items()})
            self.__dict__["epochs_completed"] = epoch + 1
            cbs.on_epoch_end(epoch, epoch_logs)
            training_logs = epoch_logs
            if self.stop_training:
                break
        cbs.on_train_end(training_logs)
        self.eval()
        if cbs.history is not None:
            self.__dict__["history"] = cbs.history
        return cbs.history

    # ------------------------------------------------------------ evaluate / predict
    def _run_evaluation(self, data, cbs):
        self.reset_metrics()
        was = self.training
        self.eval()
        cbs.on_test_begin()
        logs = None
        try:
            test_step = self.test_step
            for step, batch in enumerate(data.epoch(0)):
                cbs.on_test_batch_begin(step)
                logs = test_step(batch)
                cbs.on_test_batch_end(step, logs)
        finally:
            self.train(was)
        logs = dict(logs) if logs is not None else self.get_metrics_result()
        cbs.on_test_end(logs)
        return logs

    def _flatten_logs(self, logs):
        names = [m.name for m in self.metrics if m.name in logs]
        values = [logs[n] for n in names] or list(logs.values())
        return values[0] if len(values) == 1 else values

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False, **kwargs):
        """Loss and metrics on data: a float (loss only), ``[loss, *metrics]`` or a dict.

        Example:
            >>> loss, acc = model.evaluate(x_test, y_test, verbose=0)
        """
        self._assert_compiled("evaluate")
        if kwargs:
            raise TypeError(f"evaluate() got unexpected keyword argument(s) {sorted(kwargs)}")
        verbose = _v.check_verbose(verbose, "evaluate")
        _v.check_steps(steps, "steps", "evaluate")
        _v.check_int(batch_size, "batch_size", "evaluate()", allow_none=True)
        data = self._batches(x, y, sample_weight, batch_size, False, steps, None, "evaluate")
        if not data.steps and data.steps is not None:
            raise ValueError("evaluate: the input produced no batches (is it empty?)")
        cbs = self._callbacks(callbacks, verbose, 1, data.steps, False)
        logs = self._run_evaluation(data, cbs)
        return logs if return_dict else self._flatten_logs(logs)

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs on ``x`` as NumPy arrays (a list for several outputs).

        Example:
            >>> probs = model.predict(x_test, verbose=0)      # (N, 10)
            >>> labels = probs.argmax(axis=1)
        """
        verbose = _v.check_verbose(verbose, "predict")
        _v.check_steps(steps, "steps", "predict")
        _v.check_int(batch_size, "batch_size", "predict()", allow_none=True)
        if x is None:
            raise ValueError("predict: x is required (the inputs to run the model on)")
        if _data.is_array_data(x):
            xa = _v.check_data(_data.to_arrays(x, "x"))[0]
            data = _data.ArrayBatches(xa, None, None, 32 if batch_size is None else batch_size, False, 0, steps)
        else:
            _v.check_python_data(x, "predict")
            data = _data.IterableBatches(x, steps)
        data = self._on_model_device(data)
        cbs = self._callbacks(callbacks, verbose, 1, data.steps, False)
        was = self.training
        self.eval()
        outs = []
        cbs.on_predict_begin()
        try:
            predict_step = self.predict_step
            for step, (xb, _, _) in enumerate(data.epoch(0)):
                cbs.on_predict_batch_begin(step)
                out = predict_step((xb,))
                cbs.on_predict_batch_end(step, {"outputs": out})
                outs.append(_to_numpy(out))
        finally:
            self.train(was)
        cbs.on_predict_end()
        if not outs:
            raise ValueError("predict: the input produced no batches (is it empty?)")
        return _concat(outs)

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One training step on exactly this batch; returns the loss (and metrics) of the batch.

        Metrics are reset first, so the results describe this batch only.
        """
        self._assert_compiled("train_on_batch")
        xa, ya, swa = self._checked_arrays(x, y, sample_weight, "train_on_batch")
        if class_weight:
            cw = _class_weight_to_sample_weight(ya, class_weight)
            swa = cw if swa is None else swa * cw
        self.reset_metrics()
        self.train()
        logs = self.train_step((_tensorize(xa), _tensorize(ya), _tensorize(swa)))
        return dict(logs) if return_dict else self._flatten_logs(logs)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """Loss (and metrics) of exactly this batch, without training."""
        self._assert_compiled("test_on_batch")
        xa, ya, swa = self._checked_arrays(x, y, sample_weight, "test_on_batch")
        self.reset_metrics()
        was = self.training
        self.eval()
        try:
            logs = self.test_step((_tensorize(xa), _tensorize(ya), _tensorize(swa)))
        finally:
            self.train(was)
        return dict(logs) if return_dict else self._flatten_logs(logs)

    def predict_on_batch(self, x):
        """The outputs on exactly this batch, as NumPy arrays."""
        was = self.training
        self.eval()
        try:
            out = self.predict_step((_tensorize(_v.check_data(_data.to_arrays(x, "x"))[0]),))
        finally:
            self.train(was)
        return _to_numpy(out)

    # ------------------------------------------------------------ saving
    def save(self, filepath, overwrite=True, include_optimizer=True, **kwargs):
        """Save architecture, weights, optimizer state and training position to one safe file.

        The file is a ``nerve.save`` checkpoint (safetensors; no pickle, no code). Load it
        with ``keras.models.load_model(filepath)``. It also holds the epoch reached, the
        shuffle seed and the random state, so ``fit(..., initial_epoch=k)`` on the loaded
        model continues the run exactly.

        The write is atomic (``nerve.save``): if it fails, an existing file is left as it was
        and the error names ``filepath``; a missing directory raises ``FileNotFoundError``.

        Example:
            >>> model.save("model.keras")
            >>> restored = keras.models.load_model("model.keras")
        """
        from .saving import save_model
        save_model(self, filepath, overwrite=overwrite, include_optimizer=include_optimizer)

    def save_weights(self, filepath, overwrite=True):
        """Save only the weights (``state_dict``) to a safe ``nerve.save`` file."""
        from .saving import save_weights
        save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, skip_mismatch=False):
        """Load weights saved by ``save_weights`` or ``save`` (or a ``nerve.save``'d state_dict).

        Raises ``FileNotFoundError`` / ``IsADirectoryError`` / ``NotARegularFileError`` for a path
        that is not a regular file, ``CheckpointError`` (a ValueError) for a damaged file and
        ``ValueError`` naming both sides' shapes when the weights do not fit this model.
        """
        from .saving import load_weights
        load_weights(self, filepath, skip_mismatch=skip_mismatch)

    def get_compile_config(self):
        return self._compile_config

    def to_json(self, **kwargs):
        import json
        from .saving import serialize_model
        return json.dumps(serialize_model(self), default=list, **kwargs)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _output_shapes(out):
    if isinstance(out, Tensor):
        return (None,) + tuple(out.shape[1:])
    if isinstance(out, (list, tuple)):
        return [_output_shapes(o) for o in out]
    if isinstance(out, dict):
        return {k: _output_shapes(v) for k, v in out.items()}
    return None


class _ClassWeighted:
    """Adds class-weight sample weights to the batches of an iterable."""

    def __init__(self, batches, class_weight):
        self.batches, self.class_weight = batches, class_weight
        self.steps = batches.steps

    def epoch(self, epoch=0):
        for x, y, sw in self.batches.epoch(epoch):
            cw = _class_weight_to_sample_weight(y._data if isinstance(y, Tensor) else y, self.class_weight)
            if sw is not None:
                cw = cw * sw._data
            yield x, y, _make(cw)


class _DeviceBatches:
    """Moves every batch to ``device`` (CuPy arrays when the model lives on a GPU)."""

    def __init__(self, batches, device):
        self.batches, self.device = batches, device
        self.steps = batches.steps

    def epoch(self, epoch=0):
        dev = self.device

        def move(t):
            if t is None or not isinstance(t, Tensor):
                return t
            return _make(B.to_device_array(t._data, dev))
        for x, y, sw in self.batches.epoch(epoch):
            yield _data._map(move, x), _data._map(move, y), move(sw)


class ModuleModel(Model):
    """A ``nerve.nn.Module`` with the Keras model API (see :meth:`Model.from_module`).

    ``model.module`` is the wrapped module; its parameters are the model's, so
    ``state_dict`` keys are prefixed with ``module.``. Wrapping puts the module in eval
    mode (Keras' default); ``fit`` switches it to training mode while it runs. ``save`` works (weights,
    optimizer, training state) but ``load_model`` cannot rebuild Python code:
    recreate the module and call ``load_weights``.
    """

    def __init__(self, module, name=None):
        if not isinstance(module, Module):
            raise TypeError(f"Model.from_module expects a nerve.nn.Module, got {type(module).__name__}")
        Model.__init__(self, name=name or unique_name(snake_case(type(module).__name__)))
        self.module = module
        self.built = True
        self.eval()   # Keras semantics: inference unless fit (or model.train()) says otherwise

    def call(self, inputs, training=None):
        m = self.module
        if isinstance(inputs, (list, tuple)):
            return m(*inputs)
        if isinstance(inputs, dict):
            return m(**inputs)
        return m(inputs)

    @property
    def layers(self):
        children = [m for m in self.module.children()]
        return children or [self.module]

    def get_config(self):
        raise NotImplementedError(
            f"{self.name!r} wraps the nerve.nn.Module {type(self.module).__name__}, whose Python code cannot be "
            "saved as a config: rebuild it in code and use load_weights()")
