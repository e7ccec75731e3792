"""nerve: a neural-network framework with its own reverse-mode autograd on NumPy.

PyTorch-style use::

    import nerve
    from nerve import nn, optim
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = optim.Adam(model.parameters(), lr=1e-3)
    loss = nn.functional.cross_entropy(model(x), y)
    opt.zero_grad(); loss.backward(); opt.step()

Keras-style use lives in ``nerve.keras``.
"""
__version__ = "0.1.0"

from . import _backend as _backend_mod  # noqa: E402
_default_device = [_backend_mod.as_device("cpu")]

from ._backend import (  # noqa: F401
    Device as device, Generator, bool_ as bool, default_generator, float16, float32, float64,
    get_default_dtype, int8, int16, int32, int64, manual_seed, set_default_dtype, uint8,
)
from ._backend import float16 as half, float32 as float, float64 as double, int64 as long  # noqa: F401,A001
from .tensor import Tensor  # noqa: F401
from .creation import (  # noqa: F401
    arange, as_tensor, empty, empty_like, eye, from_numpy, full, full_like, linspace, normal, ones,
    ones_like, rand, rand_like, randint, randn, randn_like, randperm, tensor, zeros, zeros_like,
)
from .creation import empty_strided, logspace, randint_like  # noqa: F401
from .ops import (  # noqa: F401
    abs, add, all, amax, amin, any, argmax, argmin, broadcast_to, cat, ceil, chunk, clamp, clip, clone,
    concat, concatenate, cos, cumsum, div, divide, eq, equal, erf, exp, expand, flatten, flip, floor,
    gather, ge, gt, index_select, isfinite, isinf, isnan, le, log, log1p, log_softmax, logical_and,
    logical_not, logical_or, logsumexp, lt, masked_fill, matmul, max, maximum, mean, min, minimum,
    movedim, mul, multiply, ne, neg, permute, pow, prod, relu, reshape, round, rsqrt, sigmoid, sign, sin,
    softmax, split, sqrt, square, squeeze, stack, std, sub, subtract, sum, tanh, transpose, unbind,
    unsqueeze, var, var_mean, where,
)
from .ops.linalg import (  # noqa: F401,E402
    addbmm, addmm, addmv, addr, baddbmm, bmm, dot, ger, inner, matmul, mm, mv, outer, vdot,
)
from .ops.pointwise import *  # noqa: F401,F403,E402
from .ops.sorting import *  # noqa: F401,F403,E402
from .ops.layout import *  # noqa: F401,F403,E402
from .ops.scatter import *  # noqa: F401,F403,E402
from .ops.einsum import *  # noqa: F401,F403,E402
from . import linalg  # noqa: F401,E402
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled  # noqa: F401
from . import autograd  # noqa: F401
from .serialization import load, save  # noqa: F401
from . import nn, optim, utils  # noqa: F401,E402
from ._dtypes import (  # noqa: F401,E402,A001  (nerve.int is int32, as torch.int)
    bfloat16, cdouble, cfloat, complex64, complex128, finfo, iinfo, int, is_complex, is_floating_point, short,
)
from ._tensor_types import (  # noqa: F401,E402
    BoolTensor, ByteTensor, CharTensor, DoubleTensor, FloatTensor, HalfTensor, IntTensor, LongTensor,
    ShortTensor,
)
from ._tensor_str import get_printoptions, set_printoptions  # noqa: F401,E402
from . import accelerator, backends, cuda, onnx  # noqa: F401,E402


def __getattr__(name):
    # The Keras-style API and the training loop load on first use, keeping `import nerve` fast.
    if name in ("keras", "training", "datasets", "plot"):
        import importlib
        mod = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = mod
        return mod
    raise AttributeError(f"module 'nerve' has no attribute {name!r}")


from .ops._util import promote_types, result_type as _result_type  # noqa: E402


def result_type(tensor1, tensor2):
    """The dtype PyTorch's promotion gives ``tensor1 op tensor2`` (tensors or Python numbers)."""
    return _result_type(tensor1, tensor2)


def set_default_device(device):
    """Accepted for compatibility: only 'cpu' (and 'cuda' with CuPy) exist; new tensors are made on the CPU
    unless a ``device=`` is given."""
    d = _backend_mod.as_device(device)
    if d.type != "cpu":
        from . import cuda as _cuda
        if not _cuda.is_available():
            raise RuntimeError(f"set_default_device({device!r}): no CUDA device is available (nerve.cuda.is_available() is False)")
    _default_device[0] = d


def get_default_device():
    return _default_device[0]


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def numel(t) -> int:
    return t.numel()
