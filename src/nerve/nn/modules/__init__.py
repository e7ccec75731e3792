"""nerve's layers, one file per family (as in ``torch.nn.modules``).

``module``      Module (the base class)
``container``   Sequential, ModuleList, ModuleDict
``linear``      Linear, Identity
``flatten``     Flatten, Unflatten
``dropout``     Dropout
``batchnorm``   BatchNorm1d, BatchNorm2d
``normalization`` LayerNorm
``activation``  ReLU, LeakyReLU, ELU, Sigmoid, Tanh, Softmax, LogSoftmax, GELU, ...
``loss``        MSELoss, L1Loss, HuberLoss, BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, NLLLoss, ...
``upsampling``  Upsample, UpsamplingNearest2d, UpsamplingBilinear2d
``distance``    PairwiseDistance, CosineSimilarity
"""
from . import activation, batchnorm, container, dropout, flatten, linear, loss, module, normalization
from .activation import *  # noqa: F401,F403  (names listed in activation.__all__)
from .batchnorm import BatchNorm1d, BatchNorm2d  # noqa: F401
from .container import ModuleDict, ModuleList, Sequential  # noqa: F401
from .dropout import Dropout  # noqa: F401
from .flatten import Flatten, Unflatten  # noqa: F401
from .linear import Identity, Linear  # noqa: F401
from .loss import *  # noqa: F401,F403  (names listed in loss.__all__)
from .module import Module  # noqa: F401
from .normalization import LayerNorm  # noqa: F401
from . import distance, upsampling  # noqa: E402
from .distance import *  # noqa: F401,F403,E402  (names listed in distance.__all__)
from .upsampling import *  # noqa: F401,F403,E402  (names listed in upsampling.__all__)

__all__ = (["Module"] + container.__all__ + linear.__all__ + flatten.__all__ + dropout.__all__
           + activation.__all__ + loss.__all__ + batchnorm.__all__ + normalization.__all__)
__all__ += distance.__all__ + upsampling.__all__
