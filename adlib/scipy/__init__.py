"""``adlib.scipy``: SciPy's names, differentiable by adlib — for now ``adlib.scipy.special``.

    import adlib.scipy.special as asp
    adlib.grad(lambda x: asp.gammaln(x).sum())(x)      # the digamma function

Imported only when asked for (``import adlib`` does not), and SciPy itself is never imported: the values are
computed with NumPy and Python's ``math`` module, so adlib depends on NumPy alone.
"""

from . import special  # noqa: F401
