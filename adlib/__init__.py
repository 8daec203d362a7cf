"""adlib — automatic differentiation over NumPy, small enough to read in one sitting.

    import adlib
    import adlib.numpy as anp

    L = lambda w1, w2: w2 * anp.log(w1) + anp.sqrt(w2 * anp.log(w1))
    adlib.grad(L, argnums=(0, 1))(2.0, 3.0)     # reverse mode: both partials in one sweep
    adlib.jvp(L, (2.0, 3.0), (1.0, 0.0))        # forward mode: value and ∂L/∂w1

Where to read: ``core.py`` (the engine: forward and reverse mode), ``numpy/rules.py`` (every primitive's two
rules side by side), ``differential_operators.py`` (grad, jvp, vjp, jacfwd, jacrev, hessian, hvp),
``custom.py`` (your own rule for a whole function; ``checkpoint``), ``testing.py`` (``check_grads``),
``extend.py`` (your own primitives).
"""

from . import numpy  # noqa: F401  (fills in the rules of the primitives)
from .custom import checkpoint, custom_jvp, custom_vjp  # noqa: F401
from .differential_operators import (  # noqa: F401
    grad,
    hessian,
    hvp,
    jacfwd,
    jacrev,
    jvp,
    stop_gradient,
    value_and_grad,
    vjp,
)
from .tree_util import tree_flatten, tree_map, tree_unflatten  # noqa: F401

__version__ = "0.1.0"
