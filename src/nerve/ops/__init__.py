"""nerve's operations: primitives (one ``Op`` class each) and composites.

``elementwise``  arithmetic, exp/log, activations, comparisons
``reduce``       sum, mean, max/min, var/std, logsumexp
``shape``        reshape, permute, expand, cat/stack/split, pad
``index``        indexing and scatter, gather, masked_fill
``linalg``       matmul, linear
``nn``           softmax, log_softmax, nll
"""
from .elementwise import (  # noqa: F401
    abs, add, cast, clamp, clip, clone, cos, div, divide, eq, equal, erf, exp, ge, greater, gt, le, less,
    log, log1p, logical_and, logical_not, logical_or, logical_xor, lt, maximum, minimum, mul, multiply, ne,
    neg, negative, pow, relu, rsqrt, sigmoid, sin, sqrt, square, sub, subtract, tanh, true_divide, where,
)
from .index import gather, getitem, index_select, masked_fill, one_hot, setitem  # noqa: F401
from .linalg import (  # noqa: F401
    addbmm, addmm, addmv, addr, baddbmm, bmm, dot, ger, inner, linear, matmul, mm, mv, outer, vdot,
)
from .nn import log_softmax, softmax  # noqa: F401
from .reduce import (  # noqa: F401
    all, amax, amin, any, argmax, argmin, cumsum, logsumexp, max, mean, min, prod, std, sum, var,
    var_mean,
)
from .shape import (  # noqa: F401
    broadcast_to, cat, chunk, concat, concatenate, expand, flatten, flip, movedim, pad, permute,
    repeat, reshape, split, squeeze, stack, sum_to_size, swapaxes, to_device, transpose, unbind,
    unflatten, unsqueeze, view,
)
from . import einsum as _m_einsum, layout as _m_layout, pointwise as _m_pointwise  # noqa: E402
from . import scatter as _m_scatter, sorting as _m_sorting  # noqa: E402
from .einsum import *  # noqa: F401,F403,E402
from .layout import *  # noqa: F401,F403,E402
from .pointwise import *  # noqa: F401,F403,E402
from .scatter import *  # noqa: F401,F403,E402
from .sorting import *  # noqa: F401,F403,E402

# (aliases: a function may share its module's name, e.g. ``scatter``)
EXTRA_MODULES = (_m_pointwise, _m_sorting, _m_layout, _m_scatter, _m_einsum)
