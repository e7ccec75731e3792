"""``model.save`` / ``load_model`` / ``save_weights`` / ``load_weights``: one safe file per model.

The file is a ``nerve.save`` checkpoint (safetensors tensors + JSON structure; no
pickle, loading never runs code from the file)::

    {"format": "nerve.keras.model", "version": 1,
     "model": {"class_name": "Sequential", "config": {...}},      # architecture (None for Model(module))
     "weights": state_dict,                                        # name -> tensor
     "compile": {"optimizer": ..., "loss": ..., "metrics": ...},   # or None
     "optimizer": {"iterations", "learning_rate", "inner": nerve.optim state_dict},
     "training": {"epochs_completed", "shuffle_seed", "rng_state"}}

``training`` makes resuming exact: ``load_model(path)`` then
``fit(..., initial_epoch=epochs_completed)`` reshuffles with the same seed and
restores nerve's random state (dropout masks) at the start of that fit.

Custom layers, losses and metrics are looked up by class name in
``custom_objects`` (or registered with :func:`register_keras_serializable`).

Loading checks before it allocates: the path must be a regular file
(:func:`nerve._files.regular_file`), the file a valid checkpoint, and every
weight the saved configuration creates while the model is rebuilt is compared
with the stored weight of the same name *before* ``add_weight`` allocates it
(see :class:`_WeightGuard`), so an edited configuration (``Dense(units=10**9)``,
an extra layer) is refused with both shapes instead of allocating gigabytes.
"""
from __future__ import annotations

import functools
import os
import threading

from ... import _backend as B
from ..._files import regular_file
from ...serialization import load as _load
from ...serialization import save as _save

__all__ = ["save_model", "load_model", "save_weights", "load_weights", "serialize_layer",
           "deserialize_keras_object", "register_keras_serializable", "get_custom_objects", "serialize_model"]

FORMAT = "nerve.keras.model"
WEIGHTS_FORMAT = "nerve.keras.weights"
VERSION = 1

_REGISTERED = {}


def register_keras_serializable(package="Custom", name=None):
    """Class decorator: make a custom layer/loss/metric loadable by ``load_model`` without custom_objects.

    Example:
        >>> @register_keras_serializable()
        ... class Scale(keras.layers.Layer): ...
    """
    def deco(cls):
        _REGISTERED[name or cls.__name__] = cls
        _REGISTERED[f"{package}>{name or cls.__name__}"] = cls
        return cls
    return deco


def get_custom_objects():
    """The registry filled by :func:`register_keras_serializable` (a dict name -> class)."""
    return _REGISTERED


def _builtin_classes():
    from .. import layers as L
    from . import functional, model, sequential
    table = {name: getattr(L, name) for name in L.__all__ if isinstance(getattr(L, name), type)}
    table.update(Sequential=sequential.Sequential, Functional=functional.Functional, Model=model.Model)
    return table


def serialize_layer(layer):
    """``{'class_name': ..., 'config': ...}`` for a layer (or model)."""
    from ...nn.modules.module import Module
    from ..layers.base import Layer
    if isinstance(layer, Module) and not isinstance(layer, Layer):
        raise NotImplementedError(
            f"cannot serialise the nerve.nn module {type(layer).__name__} inside a Keras model config; "
            "use Keras layers, or save weights only (save_weights)")
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def serialize_model(model):
    return serialize_layer(model)


def deserialize_keras_object(config, custom_objects=None):
    """Rebuild a layer/model from ``{'class_name', 'config'}``; classes from ``custom_objects``,
    the registry, or nerve.keras' own."""
    import inspect
    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str):
        raise ValueError(f"a layer configuration must be a dict {{'class_name': str, 'config': dict}}, got "
                         f"{_short(config)}")
    name = config.get("class_name")
    custom_objects = custom_objects or {}
    cls = custom_objects.get(name) or _REGISTERED.get(name) or _builtin_classes().get(name)
    if cls is None:
        raise ValueError(
            f"Unknown layer or model class {name!r}. If it is a custom class, pass it when loading: "
            f"load_model(path, custom_objects={{{name!r}: {name}}}) (or decorate it with "
            "@register_keras_serializable())")
    cfg = config.get("config", {})
    if not isinstance(cfg, dict):
        raise ValueError(f"the configuration of the {name} layer must be a dict, got {_short(cfg)}")
    fc = cls.from_config
    try:
        takes_custom = "custom_objects" in inspect.signature(fc).parameters
    except (TypeError, ValueError):
        takes_custom = False
    guard = getattr(_GUARD, "guard", None)
    if guard is not None:
        guard.enter(cls, config)
    with _custom_scope(custom_objects):
        obj = fc(cfg, custom_objects=custom_objects) if takes_custom else fc(cfg)
    if guard is not None:
        guard.created(config, obj)
    return obj


def _short(value, limit=80):
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


class _custom_scope:
    """Make ``custom_objects`` visible to activations/losses/metrics lookups while loading."""
    stack = []

    def __init__(self, objects):
        self.objects = objects or {}

    def __enter__(self):
        _custom_scope.stack.append(self.objects)

    def __exit__(self, *exc):
        _custom_scope.stack.pop()


def lookup_custom(name):
    """A user object registered or passed as custom_objects under ``name``, else None."""
    for objects in reversed(_custom_scope.stack):
        if name in objects:
            return objects[name]
    return _REGISTERED.get(name)


# ----------------------------------------------------------------------------- checks while loading

_GUARD = threading.local()        # .guard: the _WeightGuard of the load_model running in this thread
_PATCH_LOCK = threading.Lock()
_PATCH = {"depth": 0, "orig": None, "wrapper": None}


def _weight_spec(shape=None, initializer=None, dtype=None, trainable=True, autocast=True, regularizer=None,
                 constraint=None, aggregation="none", name=None, **kwargs):
    """``(shape, name)`` from ``Layer.add_weight``'s arguments (its signature, both call orders)."""
    if isinstance(shape, str):  # tf.keras order: add_weight(name, shape, ...)
        name, shape = shape, kwargs.get("shape", initializer if isinstance(initializer, (tuple, list)) else None)
    return shape, name


class _ConfigMismatch(ValueError):
    """The saved configuration and the stored weights disagree (the message names the file)."""


def _numel(shape):
    n = 1
    for d in shape:
        n *= int(d)
    return n


def _fits(shape, stored):
    """Whether a weight of ``shape`` takes the stored one (``load_state_dict``'s rule: () takes (1,))."""
    return tuple(shape) == tuple(stored) or (tuple(shape) == () and tuple(stored) == (1,))


def _join(prefix, name):
    return f"{prefix}.{name}" if prefix else name


class _WeightGuard:
    """Compares each weight the configuration creates with the stored weights, before it is allocated.

    ``load_model`` rebuilds the model from its configuration, and layers create
    their weights in ``build`` through ``Layer.add_weight``. While a guard is
    active (this thread only), ``add_weight`` first asks :meth:`check`:

    * a layer whose place in the model is known (the root, and the layers of a
      ``Sequential``/``Functional`` configuration: ``config['layers'][i]`` is the
      module ``str(i)``, recursively) must create exactly the stored weight of its
      state_dict name, with the stored shape;
    * any other weight (sublayers of custom layers, weights the file does not
      name) may not hold more values than the largest stored tensor, and all of
      them together not more than the file holds.

    So no configuration, however edited, allocates much more than the file's own
    tensors. After the build, ``load_model`` compares the full state_dict.
    """

    def __init__(self, weights, where):
        self.where = where
        self.stored = {k: tuple(v.shape) for k, v in weights.items()}
        sizes = [_numel(s) for s in self.stored.values()]
        self.largest = max(sizes, default=0)
        self.budget = sum(sizes) + (1 << 20)   # slack for small weights a file need not hold
        self.config_paths = {}                  # id(layer config) -> module path
        self.paths = {}                         # id(layer) -> module path
        self.owners = {}                        # id(layer) -> layer, for the layers whose path is known
        self.keep = []                          # the configs stay alive, so their ids stay unique

    def root(self, config):
        self.config_paths[id(config)] = ""
        self.keep.append(config)

    def enter(self, cls, config):
        """Before ``cls.from_config``: the sublayer configs of a builtin container get their paths."""
        path = self.config_paths.get(id(config))
        if path is None:
            return
        from .functional import Functional
        from .sequential import Sequential
        fc = getattr(cls.from_config, "__func__", None)
        if fc not in (Sequential.from_config.__func__, Functional.from_config.__func__):
            return
        for i, lc in enumerate((config.get("config") or {}).get("layers") or []):
            self.config_paths[id(lc)] = _join(path, str(i))
            self.keep.append(lc)

    def created(self, config, obj):
        path = self.config_paths.get(id(config))
        if path is not None:
            self.paths[id(obj)] = path
            self.owners[id(obj)] = obj

    def path_of(self, layer):
        path = self.paths.get(id(layer))
        if path is not None:
            return path
        for owner in list(self.owners.values()):   # a sublayer of a layer whose path is known
            if owner is layer:
                continue
            for sub, m in owner.named_modules():
                if m is layer and sub:
                    self.paths[id(layer)] = path = _join(self.paths[id(owner)], sub)
                    self.owners[id(layer)] = layer
                    return path
        return None

    def check(self, layer, args, kwargs):
        try:
            shape, name = _weight_spec(*args, **kwargs)
            shape = () if shape is None else tuple(int(d) for d in shape)
            attr = layer._weight_attr(name)
        except Exception:  # noqa: BLE001 - a malformed call: add_weight itself reports it
            return
        if any(d < 0 for d in shape):
            return
        what = f"layer {layer.name!r} ({type(layer).__name__})"
        head = f"cannot load model from {self.where}: its configuration does not match the stored weights: "
        path = self.path_of(layer)
        key = None if path is None else _join(path, attr)
        if key is not None and key in self.stored:
            want = self.stored[key]
            if not _fits(shape, want):
                raise _ConfigMismatch(
                    f"{head}{what} would create weight {key!r} with shape {shape}, but the file stores it with "
                    f"shape {want} (the configuration was edited, or the weights belong to another model)")
            return
        n = _numel(shape)
        if n > self.largest:
            raise _ConfigMismatch(
                f"{head}{what} would create weight {key or attr!r} with shape {shape} ({n} values), larger than "
                f"any weight the file stores (the largest has {self.largest} values)")
        self.budget -= n
        if self.budget < 0:
            raise _ConfigMismatch(
                f"{head}{what} would create weight {key or attr!r} with shape {shape}, beyond the "
                f"{sum(_numel(s) for s in self.stored.values())} weight values the file stores in all")


class _guarding:
    """Activate ``guard`` in this thread; ``Layer.add_weight`` consults it while any guard is active."""

    def __init__(self, guard):
        self.guard = guard

    def __enter__(self):
        from ..layers.base import Layer
        with _PATCH_LOCK:
            if _PATCH["depth"] == 0:
                orig = Layer.__dict__["add_weight"]

                @functools.wraps(orig)
                def add_weight(layer, *args, **kwargs):
                    guard = getattr(_GUARD, "guard", None)
                    if guard is not None:
                        guard.check(layer, args, kwargs)
                    return orig(layer, *args, **kwargs)
                _PATCH.update(orig=orig, wrapper=add_weight)
                Layer.add_weight = add_weight
            _PATCH["depth"] += 1
        self.prev = getattr(_GUARD, "guard", None)
        _GUARD.guard = self.guard
        return self.guard

    def __exit__(self, *exc):
        from ..layers.base import Layer
        _GUARD.guard = self.prev
        with _PATCH_LOCK:
            _PATCH["depth"] -= 1
            if _PATCH["depth"] == 0:
                if Layer.__dict__.get("add_weight") is _PATCH["wrapper"]:
                    Layer.add_weight = _PATCH["orig"]
                _PATCH.update(orig=None, wrapper=None)


def _names(keys, model=None, limit=6):
    """``'2.kernel' (layer 'dense_7')``, ... for a message, at most ``limit`` of them."""
    out = []
    for k in keys[:limit]:
        label = repr(k)
        if model is not None and "." in k:
            try:
                label += f" (layer {model.get_submodule(k.rsplit('.', 1)[0]).name!r})"
            except AttributeError:
                pass
        out.append(label)
    more = f" and {len(keys) - limit} more" if len(keys) > limit else ""
    return ", ".join(out) + more


def _check_weights_match(model, weights, where):
    """Refuse (naming the file and the keys) a rebuilt model whose state_dict differs from the file's."""
    own = model.state_dict()
    missing = [k for k in own if k not in weights]
    unused = [k for k in weights if k not in own]
    wrong = [f"{k!r}: configuration {tuple(own[k].shape)}, file {tuple(weights[k].shape)}"
             for k in own if k in weights and not _fits(own[k].shape, weights[k].shape)]
    if not (missing or unused or wrong):
        return
    parts = []
    if missing:
        parts.append(f"the configuration creates weights the file does not have: {_names(missing, model)}")
    if unused:
        parts.append(f"the file has weights the configuration does not use: {_names(unused)}")
    if wrong:
        parts.append("the shapes differ for " + "; ".join(wrong[:6]))
    raise ValueError(
        f"cannot load model from {where}: its configuration does not match the stored weights "
        f"({len(own)} weights in the configuration, {len(weights)} in the file): " + "; ".join(parts))


def _check_payload(payload, where):
    """The parts of a model file that must be there before anything is built."""
    weights = payload.get("weights")
    if not isinstance(weights, dict) or not all(
            isinstance(k, str) and hasattr(v, "shape") and hasattr(v, "_data") for k, v in weights.items()):
        raise ValueError(f"cannot load model from {where}: its stored weights are malformed (expected a dict "
                         "of name -> tensor); the file is corrupted")
    arch = payload.get("model")
    if arch is not None:
        if not isinstance(arch, dict) or not isinstance(arch.get("class_name"), str) or \
                not isinstance(arch.get("config", {}), dict):
            raise ValueError(f"cannot load model from {where}: its model configuration is malformed (expected "
                             f"{{'class_name': str, 'config': dict}}, got {_short(arch)})")
        shape = arch.get("build_input_shape")
        if shape is not None and not _valid_shape(shape):
            raise ValueError(f"cannot load model from {where}: its build_input_shape {_short(shape)} is malformed "
                             "(expected a list of positive integers or None)")
    return weights, arch


def _valid_shape(shape):
    if isinstance(shape, dict):
        return all(_valid_shape(v) for v in shape.values())
    if not isinstance(shape, (list, tuple)):
        return False
    if all(d is None or (type(d) is int and d > 0) for d in shape):
        return True
    return all(isinstance(s, (list, tuple, dict)) and _valid_shape(s) for s in shape)


def _check_overwrite(filepath, overwrite):
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{filepath!r} exists and overwrite=False")


def _training_state(model):
    return {"epochs_completed": int(getattr(model, "epochs_completed", 0)),
            "shuffle_seed": model._shuffle_seed,
            "rng_state": B.default_generator.get_state()}


def save_model(model, filepath, overwrite=True, include_optimizer=True):
    """Save a model (architecture, weights, optimizer state, training position) to ``filepath``.

    Example:
        >>> keras.models.save_model(model, "model.keras")
    """
    filepath = os.fspath(filepath)
    _check_overwrite(filepath, overwrite)
    try:
        arch = serialize_model(model)
        arch["build_input_shape"] = model._build_input_shape
    except NotImplementedError:
        arch = None   # Model(module): Python code is not saved
    opt = model.optimizer if include_optimizer else None
    payload = {
        "format": FORMAT, "version": VERSION, "model": arch,
        "weights": model.state_dict(),
        "compile": model._compile_config if model._is_compiled else None,
        "optimizer": opt.state_dict() if opt is not None else None,
        "training": _training_state(model),
    }
    _save(payload, filepath)


def _restore_training(model, payload):
    tr = payload.get("training") or {}
    d = model.__dict__
    d["epochs_completed"] = int(tr.get("epochs_completed", 0))
    if tr.get("shuffle_seed") is not None:
        d["_shuffle_seed"] = int(tr["shuffle_seed"])
    if tr.get("rng_state") is not None:
        d["_resume_state"] = {"epoch": d["epochs_completed"], "rng_state": tr["rng_state"]}


def _compile_from_config(model, cfg, custom_objects, opt_state):
    from .. import optimizers as _optimizers
    opt_cfg = cfg.get("optimizer")
    if opt_cfg and opt_cfg.get("class_name") == "TorchOptimizer":
        optimizer = _optimizers.TorchOptimizer.rebuild(opt_cfg["config"], list(model.parameters()))
    elif opt_cfg:
        optimizer = _optimizers.deserialize(opt_cfg, custom_objects)
    else:
        optimizer = "rmsprop"
    with _custom_scope(custom_objects):
        loss = _deserialize_nest(cfg.get("loss"), "loss", custom_objects)
        metrics = _deserialize_nest(cfg.get("metrics"), "metric", custom_objects)
        weighted = _deserialize_nest(cfg.get("weighted_metrics"), "metric", custom_objects)
        model.compile(optimizer=optimizer, loss=loss, loss_weights=cfg.get("loss_weights"), metrics=metrics,
                      weighted_metrics=weighted)
    if opt_state is not None:
        model.optimizer.load_state_dict(opt_state)


def _deserialize_nest(spec, kind, custom_objects):
    from .. import losses as _losses
    from .. import metrics as _metrics
    if spec is None or isinstance(spec, str):
        if isinstance(spec, str) and custom_objects and spec in custom_objects:
            return custom_objects[spec]
        return spec
    if isinstance(spec, dict) and "class_name" in spec:
        mod = _losses if kind == "loss" else _metrics
        return mod.deserialize(spec, custom_objects)
    if isinstance(spec, dict):
        return {k: _deserialize_nest(v, kind, custom_objects) for k, v in spec.items()}
    return [_deserialize_nest(v, kind, custom_objects) for v in spec]


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Load a model saved with ``model.save`` (architecture, weights, optimizer and training state).

    Args:
        filepath: the file written by ``model.save``.
        custom_objects: ``{name: class_or_function}`` for custom layers, losses, metrics, activations.
        compile: re-compile with the saved optimizer (state restored), loss and metrics.

    Example:
        >>> model = keras.models.load_model("model.keras")
        >>> model.fit(x, y, epochs=10, initial_epoch=model.epochs_completed)   # resume
    """
    path = regular_file(filepath, "Keras model file")
    where = repr(path)
    payload = _load(path)   # CheckpointError (naming the file) if it is not a valid checkpoint
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        kind = payload.get("format") if isinstance(payload, dict) else None
        if kind == WEIGHTS_FORMAT:
            hint = "it holds weights only: build the model and call model.load_weights(path)"
        elif isinstance(payload, dict) and payload and all(hasattr(v, "_data") for v in payload.values()):
            hint = ("it holds only tensors (a state_dict or a plain safetensors file): build the model and call "
                    "model.load_weights(path)")
        else:
            hint = "it is a checkpoint written by nerve.save, not by model.save(); read it with nerve.load(path)"
        raise ValueError(f"cannot load model from {where}: not a model saved by model.save() ({hint})")
    weights, arch = _check_payload(payload, where)
    if arch is None:
        raise ValueError(
            f"cannot load model from {where}: it holds a model that wraps a nerve.nn.Module "
            "(keras.Model(module)), whose Python code is not stored. Rebuild it and load the weights: "
            "model = keras.Model.from_module(MyNet()); model.load_weights(path)")
    guard = _WeightGuard(weights, where)
    guard.root(arch)
    try:
        with _guarding(guard):
            model = deserialize_keras_object(arch, custom_objects)
            if not model.built and arch.get("build_input_shape") is not None:
                model.build(arch["build_input_shape"])
    except _ConfigMismatch as e:  # already names the file: shown as the ValueError it is
        raise ValueError(str(e)) from None
    except (KeyError, IndexError, AttributeError) as e:
        raise ValueError(f"cannot load model from {where}: its model configuration is malformed "
                         f"({type(e).__name__}: {e})") from None
    except (ValueError, TypeError) as e:
        try:
            err = type(e)(f"cannot load model from {where}: {e}")
        except Exception:  # noqa: BLE001 - an exception type with another constructor
            raise e from None
        raise err from None
    _check_weights_match(model, weights, where)
    model.load_state_dict(weights)
    if compile and payload.get("compile"):
        _compile_from_config(model, payload["compile"], custom_objects, payload.get("optimizer"))
    _restore_training(model, payload)
    return model


def save_weights(model, filepath, overwrite=True):
    """Save ``model.state_dict()`` to a safe ``nerve.save`` file."""
    filepath = os.fspath(filepath)
    _check_overwrite(filepath, overwrite)
    _save({"format": WEIGHTS_FORMAT, "version": VERSION, "weights": model.state_dict()}, filepath)


def load_weights(model, filepath, skip_mismatch=False):
    """Load weights from ``save_weights``/``save`` files or a plain ``nerve.save``'d state_dict.

    Keys are matched by name; when they differ (a model built another way) but the
    number and shapes of the weights agree, they are loaded in order. The path is
    checked first (a directory, FIFO or device is refused at once, naming it).
    """
    path = regular_file(filepath, "weights file")
    payload = _load(path)   # CheckpointError (naming the file) if it is not a valid checkpoint
    if isinstance(payload, dict) and payload.get("format") in (FORMAT, WEIGHTS_FORMAT):
        sd = payload.get("weights")
    else:
        sd = payload
    if not isinstance(sd, dict):
        raise ValueError(f"{path!r} holds no weights (expected a dict of name -> tensor, found "
                         f"{type(sd).__name__})")
    bad = [k for k, v in sd.items() if not (isinstance(k, str) and hasattr(v, "shape") and hasattr(v, "_data"))]
    if bad:
        raise ValueError(f"{path!r} holds no weights: the entries {_names([str(k) for k in bad])} are not tensors "
                         "(a training checkpoint? load its state_dict with "
                         "model.load_state_dict(nerve.load(path)[...]))")
    if not model.built:
        raise ValueError(
            f"Model {model.name!r} is not built yet, so it has no weights to load into: call it on a batch or "
            "model.build(input_shape) first (or give it an input shape)")
    own = model.state_dict()
    if set(own) == set(sd):
        model.load_state_dict(sd)
        return
    theirs = list(sd.values())
    mine = list(own.values())
    if len(theirs) == len(mine) and all(tuple(a.shape) == tuple(b.shape) for a, b in zip(theirs, mine)):
        model.load_state_dict(dict(zip(own.keys(), theirs)))
        return
    if skip_mismatch:
        model.load_state_dict({k: v for k, v in sd.items() if k in own and tuple(own[k].shape) == tuple(v.shape)},
                              strict=False)
        return
    raise ValueError(
        f"The weights in {path!r} do not fit model {model.name!r}: the file has {len(theirs)} "
        f"tensors ({[tuple(v.shape) for v in theirs][:6]}...), the model {len(mine)} "
        f"({[tuple(v.shape) for v in mine][:6]}...)")
