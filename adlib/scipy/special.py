"""``adlib.scipy.special``: the functions of ``scipy.special`` that ML courses use, differentiable.

    import adlib.scipy.special as asp

``expit`` (the logistic sigmoid) and ``logit`` (its inverse), ``erf``, ``gammaln`` (log |Γ(x)|) with its
derivatives ``digamma`` (= ``psi``) and ``polygamma``, ``xlogy`` and ``xlog1py`` (x·log y and x·log(1 + y), 0 where
x = 0), and ``logsumexp`` (with scipy's weights ``b``).

SciPy is not imported: the values come from NumPy and Python's ``math`` module (``erf`` and ``gammaln`` apply
``math.erf`` and ``math.lgamma`` to each element, ``polygamma`` is a recurrence and an asymptotic series), so adlib
depends on NumPy alone. Real arguments only: complex ones raise an error.
"""

import math
import operator

import numpy as np

from ..core import Primitive, unbox
from ..numpy.numpy_wrapper import exp, log, log1p, squeeze, sum
from ..numpy.numpy_wrapper import logsumexp as _logsumexp

__all__ = ["expit", "logit", "erf", "gammaln", "digamma", "psi", "polygamma", "xlogy", "xlog1py", "logsumexp"]


def _real(x, name):
    x = np.asarray(x)
    if np.iscomplexobj(x):
        raise TypeError(f"adlib.scipy.special.{name}: complex arguments are not supported (adlib differentiates "
                        "real arrays only)")
    return x


def _each(f, name, doc):
    """The function of arrays that applies ``f`` (of one Python float) to every element, as a ufunc would."""
    each = np.vectorize(f, otypes=[float])

    def impl(x):
        x = _real(x, name)
        return each(x).astype(np.result_type(x, 1.0), copy=False)[()]  # float32 stays float32; 0-d: a scalar

    impl.__name__, impl.__doc__ = name, doc
    return impl


def _lgamma(v):
    v = float(v)
    return math.inf if v <= 0 and v.is_integer() else math.lgamma(v)  # the poles 0, −1, −2…: +inf, as scipy


def _expit(x):
    """The logistic sigmoid 1/(1 + e^−x); its derivative is expit(x)·(1 − expit(x))."""
    x = _real(x, "expit")
    e = np.exp(-np.abs(x))  # never overflows: 1/(1 + e^−x) for x ≥ 0, e^x/(1 + e^x) for x < 0
    return np.where(x >= 0, 1, e) / (1 + e)


def _xlogy(x, y):
    """x·log y, and 0 where x = 0 (unless y is nan), as ``scipy.special.xlogy``."""
    x, y = _real(x, "xlogy"), _real(y, "xlogy")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((x == 0) & ~np.isnan(y), 0.0, x * np.log(y))[()]


def _xlog1py(x, y):
    """x·log(1 + y), and 0 where x = 0 (unless y is nan), as ``scipy.special.xlog1py``."""
    x, y = _real(x, "xlog1py"), _real(y, "xlog1py")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((x == 0) & ~np.isnan(y), 0.0, x * np.log1p(y))[()]


# --- polygamma: ψ⁽ⁿ⁾ = dⁿ⁺¹/dxⁿ⁺¹ log Γ, the derivatives of gammaln to any order ------------------------------
_B2K = np.array([1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510])  # Bernoulli B₂ … B₁₆
_K = np.arange(1, len(_B2K) + 1)


def _polygamma(n, x):
    """ψ⁽ⁿ⁾(x) for an integer n ≥ 0: the recurrence ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁾(x + 1) − (−1)ⁿ n!/xⁿ⁺¹ moves x to x ≥ 10,
    where the asymptotic series (Abramowitz & Stegun 6.3.18 and 6.4.11, eight Bernoulli terms) is accurate to
    rounding:  ψ(x) ≈ ln x − 1/2x − Σ B₂ₖ/(2k x²ᵏ),
    ψ⁽ⁿ⁾(x) ≈ (−1)ⁿ⁺¹ [(n−1)!/xⁿ + n!/2xⁿ⁺¹ + Σ B₂ₖ (2k+n−1)!/((2k)! x²ᵏ⁺ⁿ)]  (n ≥ 1)."""
    try:
        n = operator.index(n)
    except TypeError:
        raise TypeError(f"adlib.scipy.special.polygamma: n must be one integer ≥ 0, got {n!r}") from None
    if n < 0:
        raise ValueError(f"adlib.scipy.special.polygamma: n must be ≥ 0, got {n}")
    x = _real(x, "polygamma").astype(float)
    x = np.where(np.isneginf(x), np.nan, x)
    if np.any(x < -1e5):
        raise ValueError("adlib.scipy.special.polygamma: x < -100000 is not supported (the recurrence would take "
                         "too many steps)")
    out = np.zeros_like(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        while np.any(low := x < 10):
            out = out - np.where(low, (-1) ** n * math.factorial(n) / x ** (n + 1), 0.0)
            x = np.where(low, x + 1, x)
        powers = x[..., None] ** (2 * _K + n)
        if n == 0:
            series = np.log(x) - 0.5 / x - np.sum(_B2K / (2 * _K) / powers, axis=-1)
        else:
            ratios = np.array([math.factorial(2 * k + n - 1) / math.factorial(2 * k) for k in _K])
            series = (-1) ** (n + 1) * (math.factorial(n - 1) / x**n + math.factorial(n) / (2 * x ** (n + 1))
                                        + np.sum(_B2K * ratios / powers, axis=-1))
    return (out + series)[()]


# --- the primitives and their rules (one rule per argument serves both modes: the Jacobians are diagonal) --------
expit = Primitive(_expit, "expit")
erf = Primitive(_each(math.erf, "erf", "The error function (2/√π) ∫₀ˣ e^−t² dt."), "erf")
gammaln = Primitive(_each(_lgamma, "gammaln", "log |Γ(x)|; its derivatives are polygamma(0, x), polygamma(1, x), …"),
                    "gammaln")
polygamma = Primitive(_polygamma, "polygamma", nargs=2)
xlogy = Primitive(_xlogy, "xlogy", nargs=2)
xlog1py = Primitive(_xlog1py, "xlog1py", nargs=2)


def _elementwise(f, *rules):
    f.defjvp(*rules).defvjp(*rules)


_elementwise(expit,     lambda t, ans, x: t * ans * (1 - ans))
_elementwise(erf,       lambda t, ans, x: t * (2 / np.sqrt(np.pi)) * exp(-x * x))
_elementwise(gammaln,   lambda t, ans, x: t * polygamma(0, x))
_elementwise(polygamma, None,
                        lambda t, ans, n, x: t * polygamma(n + 1, x))
_elementwise(xlogy,     lambda t, ans, x, y: t * log(y),  # as JAX: log y even at x = 0
                        lambda t, ans, x, y: t * x / y)
_elementwise(xlog1py,   lambda t, ans, x, y: t * log1p(y),
                        lambda t, ans, x, y: t * x / (1 + y))


# --- compositions: differentiated through their parts ------------------------------------------------------------
def logit(p):
    """log(p / (1 − p)), the inverse of ``expit``."""
    _real(unbox(p), "logit")
    return log(p) - log1p(-p)


def digamma(x):
    """ψ(x) = d/dx log Γ(x): ``polygamma(0, x)``."""
    return polygamma(0, x)


psi = digamma


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False):
    """log Σ b·exp(a) over ``axis`` (all axes if None), as ``scipy.special.logsumexp``; ``b`` (weights, broadcast
    against ``a``) is differentiable too, also where a weight is 0 (∂/∂b_i = e^(a_i − logsumexp); JAX gives 0
    there). A negative total gives nan, as scipy without ``return_sign``."""
    if return_sign:
        raise NotImplementedError("adlib.scipy.special.logsumexp: return_sign=True is not supported (its sign is "
                                  "not differentiable); use nonnegative weights b")
    _real(unbox(a), "logsumexp")
    if b is None:
        return _logsumexp(a, axis=axis, keepdims=keepdims)
    _real(unbox(b), "logsumexp")
    # log Σ b e^a = m + log Σ b e^(a − m) for any constant m: the largest a, taken as a constant (exact, and stable)
    a0 = np.broadcast_to(unbox(a), np.broadcast_shapes(np.shape(a), np.shape(b)))
    m = np.max(a0, axis=axis, keepdims=True, initial=-np.inf)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = log(sum(b * exp(a - m), axis=axis, keepdims=True)) + m
    return out if keepdims else squeeze(out, axis)
