"""nerve's layers, one file per family (as in ``torch.nn.modules``).

``module``      Module (the base class)
``container``   Sequential, ModuleList, ModuleDict
``linear``      Linear, Identity
``flatten``     Flatten, Unflatten
``dropout``     Dropout, Dropout1d, Dropout2d, Dropout3d
``batchnorm``   BatchNorm1d, BatchNorm2d, BatchNorm3d
``normalization`` LayerNorm, GroupNorm
``instancenorm`` InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
``pixelshuffle`` PixelShuffle, PixelUnshuffle
``activation``  ReLU, LeakyReLU, ELU, Sigmoid, Tanh, Softmax, LogSoftmax, GELU, ...
``loss``        MSELoss, L1Loss, HuberLoss, BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, NLLLoss, ...
``upsampling``  Upsample, UpsamplingNearest2d, UpsamplingBilinear2d
``distance``    PairwiseDistance, CosineSimilarity
``pooling``     MaxPool1d/2d, AvgPool1d/2d, AdaptiveAvg/MaxPool1d/2d, MaxUnpool2d
"""
from . import activation, batchnorm, container, dropout, flatten, linear, loss, module, normalization
from .activation import *  # noqa: F401,F403  (names listed in activation.__all__)
from .batchnorm import BatchNorm1d, BatchNorm2d, BatchNorm3d  # noqa: F401
from .container import ModuleDict, ModuleList, Sequential  # noqa: F401
from .dropout import Dropout, Dropout1d, Dropout2d, Dropout3d  # noqa: F401
from .flatten import Flatten, Unflatten  # noqa: F401
from .linear import Identity, Linear  # noqa: F401
from .loss import *  # noqa: F401,F403  (names listed in loss.__all__)
from .module import Module  # noqa: F401
from .normalization import GroupNorm, LayerNorm  # noqa: F401
from . import distance, upsampling  # noqa: E402
from .distance import *  # noqa: F401,F403,E402  (names listed in distance.__all__)
from .upsampling import *  # noqa: F401,F403,E402  (names listed in upsampling.__all__)

__all__ = (["Module"] + container.__all__ + linear.__all__ + flatten.__all__ + dropout.__all__
           + activation.__all__ + loss.__all__ + batchnorm.__all__ + normalization.__all__)
__all__ += distance.__all__ + upsampling.__all__
from . import instancenorm, pixelshuffle  # noqa: E402
from .instancenorm import *  # noqa: F401,F403,E402  (InstanceNorm1d/2d/3d)
from .pixelshuffle import *  # noqa: F401,F403,E402  (PixelShuffle, PixelUnshuffle)
__all__ += instancenorm.__all__ + pixelshuffle.__all__
from . import pooling  # noqa: E402
from .pooling import *  # noqa: F401,F403,E402  (MaxPool1d/2d, AvgPool1d/2d, Adaptive*, MaxUnpool2d)
__all__ += pooling.__all__
from . import conv  # noqa: E402
from .conv import *  # noqa: F401,F403,E402  (Conv1d/2d, ConvTranspose1d/2d, Unfold, Fold)
__all__ += conv.__all__
