"""nerve.keras: the Keras-style face of nerve (``Sequential``, ``Dense``, ``compile``, ``fit``).

Module paths and signatures mirror ``keras`` / ``tensorflow.keras``, so a Keras
script runs after its imports are changed::

    from nerve import keras
    from nerve.keras import layers

    model = keras.Sequential([
        keras.Input(shape=(784,)),
        layers.Dense(128, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=5, validation_split=0.1)

Submodules load on first use, so ``import nerve.keras`` is cheap. Every model is
a ``nerve.nn.Module``: ``parameters()``, ``state_dict()`` and manual loops work on
it, and ``fit`` runs the same ``nerve.training.train_step`` a manual loop does.
"""
import importlib

_SUBMODULES = (
    "activations", "backend", "callbacks", "datasets", "initializers", "layers", "losses", "metrics", "models",
    "ops", "optimizers", "regularizers", "utils",
)
# top-level names, as in ``keras.Sequential`` / ``keras.Input``
_NAMES = {
    "Sequential": "models", "Model": "models", "Input": "layers", "Layer": "layers",
    "KerasTensor": "layers", "Loss": "losses", "Metric": "metrics", "Optimizer": "optimizers",
    "Initializer": "initializers", "Regularizer": "regularizers",
}

__all__ = list(_SUBMODULES) + list(_NAMES)


def __getattr__(name):
    if name in _SUBMODULES:
        mod = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = mod
        return mod
    if name in _NAMES:
        value = getattr(importlib.import_module(f"{__name__}.{_NAMES[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'nerve.keras' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
