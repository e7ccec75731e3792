"""Keras models: ``Sequential``, ``Model`` (functional, subclassed, or wrapping a ``nerve.nn.Module``),
``load_model`` / ``save_model``.

``model``          Model (compile, fit, evaluate, predict, save, ...) and ModuleModel
``sequential``     Sequential
``functional``     Functional (what ``Model(inputs, outputs)`` builds)
``compile_utils``  the compiled loss and metrics
``saving``         save/load in one safe nerve.save file (no pickle)
``summary``        model.summary()
"""
from .functional import Functional
from .model import Model, ModuleModel
from .saving import load_model, register_keras_serializable, save_model
from .sequential import Sequential

__all__ = ["Model", "Sequential", "Functional", "ModuleModel", "load_model", "save_model", "clone_model",
           "model_from_config", "register_keras_serializable"]


def model_from_config(config, custom_objects=None):
    """Rebuild a model from ``{'class_name': ..., 'config': ...}`` (new, untrained weights)."""
    from .saving import deserialize_keras_object
    return deserialize_keras_object(config, custom_objects)


def clone_model(model, input_tensors=None, clone_function=None):
    """A new model with the same architecture and freshly initialised weights.

    Example:
        >>> twin = keras.models.clone_model(model)
        >>> twin.set_weights(model.get_weights())
    """
    from .saving import serialize_layer
    cfg = serialize_layer(model)
    clone = model_from_config(cfg)
    if not clone.built and model._build_input_shape is not None:
        clone.build(model._build_input_shape)
    return clone
