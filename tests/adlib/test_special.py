"""``adlib.scipy.special``: values against SciPy over wide ranges, derivatives at the special points against JAX,
derivatives of any order of ``gammaln`` (``polygamma``), the promise that SciPy is never imported, and the errors.
(Values, first and second derivatives at ordinary points: the ``special-…`` cases of ``functions.py``.)"""

import subprocess
import sys

import jax
import jax.scipy.special as jsp
import numpy as np
import pytest
import scipy.special as ssp

import adlib
import adlib.scipy.special as asp

jax.config.update("jax_enable_x64", True)

RNG = np.random.default_rng(18)
WIDE = np.concatenate([RNG.uniform(0.01, 50, 300), RNG.uniform(-9.9, -0.01, 100), [1e-6, 0.5, 1, 2, 10, 1e5, 1e12]])
WIDE = WIDE[np.abs(WIDE - np.round(WIDE)) > 1e-3]  # away from the poles 0, −1, −2, … of digamma and polygamma


def assert_values(mine, ref, rtol=2e-14):
    np.testing.assert_allclose(mine, ref, rtol=rtol, atol=rtol)


def test_import_adlib_never_imports_scipy():
    code = ("import sys, adlib, adlib.numpy, adlib.scipy.special as s; s.gammaln(s.erf(0.5)); "
            "assert not any(m == 'scipy' or m.startswith('scipy.') for m in sys.modules), 'scipy was imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_values_match_scipy_over_wide_ranges():
    z = np.concatenate([RNG.normal(size=300) * 10, [-800.0, -40.0, 0.0, 40.0, 800.0]])
    assert_values(asp.expit(z), ssp.expit(z))
    assert_values(asp.erf(z), ssp.erf(z))
    p = np.concatenate([RNG.uniform(0, 1, 200), [1e-300, 1e-9, 0.5, 1 - 1e-9]])
    assert_values(asp.logit(p), ssp.logit(p))
    assert_values(asp.gammaln(WIDE), ssp.gammaln(WIDE))
    assert_values(asp.digamma(WIDE), ssp.digamma(WIDE), rtol=1e-13)
    assert asp.psi is asp.digamma
    for n in (1, 2, 3, 4):
        scale = np.maximum(1.0, np.abs(ssp.polygamma(n, WIDE)))
        assert_values(asp.polygamma(n, WIDE) / scale, ssp.polygamma(n, WIDE) / scale, rtol=1e-13)
    x, y = RNG.normal(size=50), RNG.uniform(0, 3, 50)
    x[:10], y[10:20] = 0.0, 0.0
    assert_values(asp.xlogy(x, y), ssp.xlogy(x, y))
    assert_values(asp.xlog1py(x, y - 1), ssp.xlog1py(x, y - 1))
    a, b = RNG.normal(size=(3, 4)), RNG.uniform(0, 2, (3, 4))
    b[0, 0] = 0.0
    for kwargs in ({}, {"axis": 1}, {"axis": (0, 1), "keepdims": True}):
        assert_values(asp.logsumexp(a, **kwargs), ssp.logsumexp(a, **kwargs))
        assert_values(asp.logsumexp(a, b=b, **kwargs), ssp.logsumexp(a, b=b, **kwargs))
    signs = np.array([1.0, -0.5, 2.0])  # a negative weight with a positive total
    assert_values(asp.logsumexp(np.array([0.1, 0.2, 0.3]), b=signs), ssp.logsumexp([0.1, 0.2, 0.3], b=signs))


def test_special_points():
    assert asp.xlogy(0.0, 0.0) == 0.0 and asp.xlog1py(0.0, -1.0) == 0.0
    assert np.isnan(asp.xlogy(0.0, np.nan)) and np.isnan(ssp.xlogy(0.0, np.nan))
    assert asp.gammaln(0.0) == asp.gammaln(-3.0) == np.inf  # the poles of Γ, as scipy
    assert asp.expit(-800.0) == 0.0 and asp.expit(800.0) == 1.0
    assert asp.logsumexp(np.zeros(0), b=np.zeros(0)) == -np.inf
    assert asp.polygamma(0, np.inf) == np.inf and asp.polygamma(2, np.inf) == 0.0
    assert np.isnan(asp.polygamma(1, -np.inf)) and np.isnan(asp.polygamma(1, np.nan))


def test_dtypes_and_shapes_are_numpys():
    for f in (asp.expit, asp.erf, asp.gammaln, asp.logit):
        assert f(np.float32(0.3)).dtype == np.float32
        assert f(np.full((2, 3), 0.4, np.float32)).dtype == np.float32
        assert type(f(0.3)) is np.float64 and np.shape(f(0.3)) == ()
        assert f(np.zeros((0, 2))).shape == (0, 2)
    assert asp.erf(np.arange(3)).dtype == np.float64  # integers become floats, as in scipy
    assert asp.xlogy(np.ones((2, 1)), np.ones(3)).shape == (2, 3)


def test_derivatives_at_special_points_match_jax():
    # ∂/∂x (x log y) at x = 0 is log y (x log y is smooth there), as JAX; and ∂/∂y is x/y = 0
    for f, fj, y in ((asp.xlogy, jsp.xlogy, 2.5), (asp.xlog1py, jsp.xlog1py, 1.5)):
        mine = adlib.grad(f, argnums=(0, 1))(0.0, y)
        ref = jax.grad(fj, argnums=(0, 1))(0.0, y)
        np.testing.assert_allclose(mine, ref, rtol=1e-14)
        assert mine[0] != 0.0
    # the logistic's derivative far out in its tails: tiny, not nan
    x = np.array([-700.0, -40.0, 40.0, 700.0])
    np.testing.assert_allclose(adlib.grad(lambda x: asp.expit(x).sum())(x), jax.grad(lambda x: jsp.expit(x).sum())(x),
                               rtol=1e-12, atol=0)
    # a weight b = 0 still has its derivative exp(a − logsumexp) (JAX gives 0 there: it drops the a where b = 0)
    a, b = np.array([0.3, -1.2, 2.0]), np.array([1.0, 0.0, 0.5])
    grad_a, grad_b = adlib.grad(lambda a, b: asp.logsumexp(a, b=b), argnums=(0, 1))(a, b)
    np.testing.assert_allclose(grad_a, jax.grad(lambda a: jsp.logsumexp(a, b=b))(a), rtol=1e-13)
    np.testing.assert_allclose(grad_b, np.exp(a - ssp.logsumexp(a, b=b)), rtol=1e-13)
    assert grad_b[1] > 0


@pytest.mark.parametrize("x", [0.3, 2.7, 14.0, -2.5])
def test_gammaln_derivatives_of_any_order_are_polygamma(x):
    """d^k/dx^k gammaln = polygamma(k − 1), each derivative taken by differentiating the previous rule: reverse
    mode four times, forward over reverse, against SciPy's values; and JAX's third derivative."""
    d = asp.gammaln
    for k in range(1, 5):
        d = adlib.grad(d)
        np.testing.assert_allclose(d(x), ssp.polygamma(k - 1, x), rtol=1e-12)
    np.testing.assert_allclose(adlib.jvp(adlib.grad(adlib.grad(asp.gammaln)), (x,), (1.0,))[1], ssp.polygamma(2, x),
                               rtol=1e-12)
    np.testing.assert_allclose(adlib.grad(adlib.grad(adlib.grad(asp.gammaln)))(x),
                               jax.grad(jax.grad(jax.grad(jsp.gammaln)))(x), rtol=1e-12)


def test_erf_and_expit_second_derivatives_match_closed_forms():
    x = RNG.normal(size=5)
    np.testing.assert_allclose(adlib.grad(adlib.grad(lambda x: asp.erf(x)))(0.7), -4 * 0.7 / np.sqrt(np.pi)
                               * np.exp(-0.49), rtol=1e-13)
    s = ssp.expit(x)
    np.testing.assert_allclose(adlib.jacfwd(adlib.grad(lambda x: asp.expit(x).sum()))(x), np.diag(s * (1 - s)
                               * (1 - 2 * s)), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(adlib.grad(lambda p: asp.logit(p).sum())(s), 1 / (s * (1 - s)), rtol=1e-12)


def test_errors():
    for f in (asp.expit, asp.erf, asp.gammaln, asp.digamma, asp.logit, asp.logsumexp):
        with pytest.raises(TypeError, match="complex"):
            f(np.array([1 + 1j]))
    with pytest.raises(TypeError, match="complex"):
        asp.xlogy(1.0, 1j)
    with pytest.raises(TypeError, match="complex"):
        asp.logsumexp(np.ones(2), b=np.array([1j, 1]))
    with pytest.raises(ValueError, match="n must be ≥ 0"):
        asp.polygamma(-1, 1.0)
    with pytest.raises(TypeError, match="one integer"):
        asp.polygamma(1.5, 1.0)
    with pytest.raises(TypeError, match="one integer"):
        asp.polygamma(np.array([1, 2]), 1.0)
    with pytest.raises(ValueError, match="-100000"):
        asp.digamma(-2e5 + 0.5)
    with pytest.raises(NotImplementedError, match="return_sign"):
        asp.logsumexp(np.ones(2), return_sign=True)
