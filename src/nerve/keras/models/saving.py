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
"""
from __future__ import annotations

import os

from ... import _backend as B
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
    name = config.get("class_name")
    custom_objects = custom_objects or {}
    cls = custom_objects.get(name) or _REGISTERED.get(name) or _builtin_classes().get(name)
    if cls is None:
        raise ValueError(
            f"Unknown layer or model class {name!r}. If it is a custom class, pass it when loading: "
            f"load_model(path, custom_objects={{{name!r}: {name}}}) (or decorate it with "
            "@register_keras_serializable())")
    cfg = config.get("config", {})
    fc = cls.from_config
    try:
        takes_custom = "custom_objects" in inspect.signature(fc).parameters
    except (TypeError, ValueError):
        takes_custom = False
    with _custom_scope(custom_objects):
        return fc(cfg, custom_objects=custom_objects) if takes_custom else fc(cfg)


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
    payload = _load(os.fspath(filepath))
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        kind = payload.get("format") if isinstance(payload, dict) else None
        hint = " (it holds weights only: build the model and call model.load_weights)" if kind == WEIGHTS_FORMAT else ""
        raise ValueError(f"{os.fspath(filepath)!r} is not a model saved by model.save(){hint}")
    arch = payload.get("model")
    if arch is None:
        raise ValueError(
            "This file holds a model that wraps a nerve.nn.Module (keras.Model(module)); its Python code is not "
            "stored. Rebuild it and load the weights: model = keras.Model.from_module(MyNet()); "
            "model.load_weights(path)")
    model = deserialize_keras_object(arch, custom_objects)
    if not model.built and arch.get("build_input_shape") is not None:
        model.build(arch["build_input_shape"])
    model.load_state_dict(payload["weights"])
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
    number and shapes of the weights agree, they are loaded in order.
    """
    payload = _load(os.fspath(filepath))
    if isinstance(payload, dict) and payload.get("format") in (FORMAT, WEIGHTS_FORMAT):
        sd = payload["weights"]
    else:
        sd = payload
    if not isinstance(sd, dict):
        raise ValueError(f"{os.fspath(filepath)!r} holds no weights")
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
        f"The weights in {os.fspath(filepath)!r} do not fit model {model.name!r}: the file has {len(theirs)} "
        f"tensors ({[tuple(v.shape) for v in theirs][:6]}...), the model {len(mine)} "
        f"({[tuple(v.shape) for v in mine][:6]}...)")
