"""Define your own primitives, the way ``adlib.numpy`` defines its own (like ``jax.extend``).

A primitive is a function of plain NumPy arrays plus its two rules; the engine never looks inside it:

    import numpy as np
    from adlib.extend import Primitive
    import adlib.numpy as anp

    softplus = Primitive(lambda x: np.logaddexp(0.0, x), "softplus")
    sigmoid = lambda x: 1 / (1 + anp.exp(-x))
    softplus.defjvp(lambda t, ans, x: t * sigmoid(x))      # forward: ∂φ/∂x · t
    softplus.defvjp(lambda g, ans, x: g * sigmoid(x))      # reverse: gᵀ ∂φ/∂x

Write the rules with ``adlib.numpy`` (not ``numpy``) and derivatives of derivatives work. Check them with
``adlib.testing.check_grads(softplus, (x,), order=2)``. ``defjvp_all``/``defvjp_all`` give one rule for all
arguments at once (see ``Primitive``); ``NonDifferentiable`` wraps a piecewise-constant function. A primitive
of ``adlib.numpy`` itself is one line in ``numpy/numpy_wrapper.py``, one rule entry in ``numpy/rules.py`` and
one case in ``tests/functions.py``.
"""

from .core import NonDifferentiable, Primitive

__all__ = ["Primitive", "NonDifferentiable"]
