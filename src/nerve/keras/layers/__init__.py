"""Keras layers: ``from nerve.keras.layers import Dense, Dropout, BatchNormalization``.

Every layer is a ``nerve.nn.Module`` that creates its weights from the first
input's shape (``build``), so ``Dense(64)`` needs no input size.

``base``           Layer, Input, InputLayer, KerasTensor (the functional API's placeholders)
``core``           Dense, Activation, Dropout, Flatten, Reshape, Lambda, Identity, ReLU, LeakyReLU, ELU, Softmax
``normalization``  BatchNormalization, LayerNormalization, Normalization (input standardisation with ``adapt``)
``merging``        Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate
``convolutional``  Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D, SeparableConv2D, ZeroPadding1D/2D,
                   Cropping2D, UpSampling1D/2D (channels-last by default, Keras kernel layouts)
``pooling``        MaxPooling1D/2D, AveragePooling1D/2D, GlobalMaxPooling1D/2D, GlobalAveragePooling1D/2D
"""
from .base import Input, InputLayer, KerasTensor, Layer, Node, clear_session  # noqa: F401
from .core import (  # noqa: F401
    ELU, Activation, Dense, Dropout, Flatten, Identity, Lambda, LeakyReLU, ReLU, Reshape, Softmax,
)
from .convolutional import (  # noqa: F401
    Conv1D, Conv2D, Conv2DTranspose, Cropping2D, DepthwiseConv2D, SeparableConv2D, UpSampling1D, UpSampling2D,
    ZeroPadding1D, ZeroPadding2D,
)
from .merging import (  # noqa: F401
    Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract, add, average, concatenate, maximum,
    minimum, multiply, subtract,
)
from .normalization import BatchNormalization, LayerNormalization, Normalization  # noqa: F401
from .pooling import (  # noqa: F401
    AveragePooling1D, AveragePooling2D, AvgPool1D, AvgPool2D, GlobalAveragePooling1D, GlobalAveragePooling2D,
    GlobalAvgPool1D, GlobalAvgPool2D, GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPooling1D, GlobalMaxPooling2D,
    MaxPool1D, MaxPool2D, MaxPooling1D, MaxPooling2D,
)


def serialize(layer):
    """``{'class_name': ..., 'config': ...}`` for a layer."""
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def deserialize(config, custom_objects=None):
    """Rebuild a layer from :func:`serialize`'s dict (custom classes via ``custom_objects``)."""
    from ..models.saving import deserialize_keras_object
    return deserialize_keras_object(config, custom_objects)


__all__ = [
    "Layer", "Input", "InputLayer", "KerasTensor", "Node", "Dense", "Activation", "Dropout", "Flatten", "Reshape",
    "Lambda", "Identity", "ReLU", "LeakyReLU", "ELU", "Softmax", "BatchNormalization", "LayerNormalization",
    "Normalization", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "add",
    "subtract", "multiply", "average", "maximum", "minimum", "concatenate", "serialize", "deserialize",
    "clear_session",
    # convolutional
    "Conv1D", "Conv2D", "Conv2DTranspose", "DepthwiseConv2D", "SeparableConv2D", "ZeroPadding1D", "ZeroPadding2D",
    "Cropping2D", "UpSampling1D", "UpSampling2D",
    # pooling
    "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D", "GlobalMaxPooling1D",
    "GlobalMaxPooling2D", "GlobalAveragePooling1D", "GlobalAveragePooling2D", "MaxPool1D", "MaxPool2D", "AvgPool1D",
    "AvgPool2D", "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalAvgPool1D", "GlobalAvgPool2D",
]
