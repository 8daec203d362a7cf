"""``adlib.numpy.linalg``: norms, written with differentiable primitives."""

import numpy as np

from ..core import unbox
from .numpy_wrapper import absolute, max, min, sqrt, sum


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector norms (``ord`` None/2, 1, inf, -inf, 0 or any p) and the Frobenius norm of a matrix, as
    ``numpy.linalg.norm``.

    The derivative of the 2-norm at ``x = 0`` is undefined; like JAX we return nan there.
    """
    matrix = axis is None and np.ndim(x) == 2 or isinstance(axis, tuple) and len(axis) == 2
    if ord is None or ord == "fro" or (ord == 2 and not matrix):
        return sqrt(sum(x * x, axis=axis, keepdims=keepdims))
    if matrix:
        raise NotImplementedError(f"adlib.numpy.linalg.norm: matrix norm ord={ord!r} is not supported (only 'fro')")
    if ord == 1:
        return sum(absolute(x), axis=axis, keepdims=keepdims)
    if ord == np.inf:
        return max(absolute(x), axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return min(absolute(x), axis=axis, keepdims=keepdims)
    if ord == 0:  # the number of nonzero entries: piecewise constant
        return np.sum(unbox(x) != 0, axis=axis, keepdims=keepdims).astype(float)
    return sum(absolute(x) ** ord, axis=axis, keepdims=keepdims) ** (1.0 / ord)
