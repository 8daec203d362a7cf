"""``anp.linalg.solve``, ``least_squares`` and ``svdvals``: their rules against JAX, finite differences and
differentiation unrolled through the elimination code."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import adlib
import adlib.numpy as anp
from adlib.testing import check_grads

jax.config.update("jax_enable_x64", True)


def well_conditioned(rng, n):
    return rng.normal(size=(n, n)) + 2 * np.sqrt(n) * np.eye(n)


def gauss_solve(a, b):
    """Gaussian elimination without pivoting, written with adlib.numpy: AD goes through every step."""
    n = a.shape[0]
    rows = [a[i] for i in range(n)]
    rhs = [b[i] for i in range(n)]
    for k in range(n):
        for i in range(k + 1, n):
            m = rows[i][k] / rows[k][k]
            rows[i] = rows[i] - m * rows[k]
            rhs[i] = rhs[i] - m * rhs[k]
    x = [None] * n
    for i in reversed(range(n)):
        s = rhs[i]
        for j in range(i + 1, n):
            s = s - rows[i][j] * x[j]
        x[i] = s / rows[i][i]
    return anp.stack(x)


def loss(solve):
    return lambda a, b: (solve(a, b) ** 3).sum() + (solve(a, b) * b).sum()


@pytest.mark.parametrize("rhs_shape", [(5,), (5, 3)])
def test_solve_matches_jax_values_and_gradients(rhs_shape):
    rng = np.random.default_rng(1)
    a, b = well_conditioned(rng, 5), rng.normal(size=rhs_shape)
    np.testing.assert_allclose(anp.linalg.solve(a, b), jnp.linalg.solve(a, b), rtol=1e-12, atol=1e-12)
    ga = adlib.grad(loss(anp.linalg.solve), argnums=(0, 1))(a, b)
    gj = jax.grad(loss(jnp.linalg.solve), argnums=(0, 1))(a, b)
    for mine, ref in zip(ga, gj, strict=True):
        np.testing.assert_allclose(mine, ref, rtol=1e-8, atol=1e-10)


def test_solve_second_derivatives_match_jax():
    rng = np.random.default_rng(2)
    a, b = well_conditioned(rng, 4), rng.normal(size=4)
    h = adlib.hessian(lambda b: loss(anp.linalg.solve)(a, b))(b)
    hj = jax.hessian(lambda b: loss(jnp.linalg.solve)(a, b))(b)
    np.testing.assert_allclose(h, hj, rtol=1e-8, atol=1e-10)
    ha = adlib.hessian(lambda a: loss(anp.linalg.solve)(a, b))(a)
    haj = jax.hessian(lambda a: loss(jnp.linalg.solve)(a, b))(a)
    np.testing.assert_allclose(ha, haj, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("rhs_shape", [(4,), (4, 2)])
def test_solve_check_grads_order_2(rhs_shape):
    rng = np.random.default_rng(3)
    check_grads(anp.linalg.solve, (well_conditioned(rng, 4), rng.normal(size=rhs_shape)), order=2)


def test_solve_rule_equals_unrolled_elimination():
    rng = np.random.default_rng(4)
    a, b = well_conditioned(rng, 4), rng.normal(size=4)
    np.testing.assert_allclose(gauss_solve(a, b), anp.linalg.solve(a, b), rtol=1e-12)
    rule = adlib.grad(loss(anp.linalg.solve), argnums=(0, 1))(a, b)
    unrolled = adlib.grad(loss(gauss_solve), argnums=(0, 1))(a, b)
    for r, u in zip(rule, unrolled, strict=True):
        np.testing.assert_allclose(r, u, rtol=1e-9, atol=1e-12)
    # forward mode too
    ta, tb = rng.normal(size=a.shape), rng.normal(size=b.shape)
    _, t_rule = adlib.jvp(anp.linalg.solve, (a, b), (ta, tb))
    _, t_unrolled = adlib.jvp(gauss_solve, (a, b), (ta, tb))
    np.testing.assert_allclose(t_rule, t_unrolled, rtol=1e-9, atol=1e-12)


def test_solve_adjoint_formulas():
    """∂L/∂b = A⁻ᵀ g and ∂L/∂A = −A⁻ᵀ g xᵀ for L = ⟨g, x⟩."""
    rng = np.random.default_rng(5)
    a, b, g = well_conditioned(rng, 3), rng.normal(size=3), rng.normal(size=3)
    ga, gb = adlib.grad(lambda a, b: anp.dot(g, anp.linalg.solve(a, b)), argnums=(0, 1))(a, b)
    x = np.linalg.solve(a, b)
    np.testing.assert_allclose(gb, np.linalg.solve(a.T, g), rtol=1e-12)
    np.testing.assert_allclose(ga, -np.outer(np.linalg.solve(a.T, g), x), rtol=1e-12)


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 6), st.integers(0, 10_000))
def test_solve_gradient_property_matches_jax(n, seed):
    rng = np.random.default_rng(seed)
    a, b = well_conditioned(rng, n), rng.normal(size=n)
    f = lambda a, b: (anp.linalg.solve(a, b) ** 2).sum()  # noqa: E731
    fj = lambda a, b: (jnp.linalg.solve(a, b) ** 2).sum()  # noqa: E731
    for mine, ref in zip(adlib.grad(f, (0, 1))(a, b), jax.grad(fj, (0, 1))(a, b), strict=True):
        np.testing.assert_allclose(mine, ref, rtol=1e-8, atol=1e-10)


def test_least_squares_matches_lstsq_and_jax():
    rng = np.random.default_rng(6)
    a, b = rng.normal(size=(8, 3)), rng.normal(size=8)
    np.testing.assert_allclose(anp.linalg.least_squares(a, b), np.linalg.lstsq(a, b, rcond=None)[0], rtol=1e-10)
    f = lambda a, b: (anp.linalg.least_squares(a, b) ** 2).sum()  # noqa: E731
    fj = lambda a, b: (jnp.linalg.lstsq(a, b)[0] ** 2).sum()  # noqa: E731
    for mine, ref in zip(adlib.grad(f, (0, 1))(a, b), jax.grad(fj, (0, 1))(a, b), strict=True):
        np.testing.assert_allclose(mine, ref, rtol=1e-8, atol=1e-10)
    check_grads(anp.linalg.least_squares, (a, b), order=2)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4)])
def test_svdvals_matches_jax(shape):
    rng = np.random.default_rng(7)
    w, c = rng.normal(size=shape), rng.normal(size=min(shape))
    f = lambda w: (anp.linalg.svdvals(w) * c).sum() + (anp.linalg.svdvals(w) ** 2).sum()  # noqa: E731
    fj = lambda w: (jnp.linalg.svd(w, compute_uv=False) * c).sum() + (jnp.linalg.svd(w, compute_uv=False) ** 2).sum()  # noqa: E731,E501
    np.testing.assert_allclose(anp.linalg.svdvals(w), jnp.linalg.svd(w, compute_uv=False), rtol=1e-12)
    np.testing.assert_allclose(adlib.grad(f)(w), jax.grad(fj)(w), rtol=1e-8, atol=1e-10)
    check_grads(anp.linalg.svdvals, (w,), order=1)


def test_nuclear_norm_gradient_is_u_vt():
    rng = np.random.default_rng(8)
    w = rng.normal(size=(5, 3))
    u, _, vt = np.linalg.svd(w, full_matrices=False)
    np.testing.assert_allclose(adlib.grad(lambda w: anp.linalg.svdvals(w).sum())(w), u @ vt, rtol=1e-10)
    # and ‖W‖_F² = Σσ² has gradient 2W
    np.testing.assert_allclose(adlib.grad(lambda w: (anp.linalg.svdvals(w) ** 2).sum())(w), 2 * w, rtol=1e-10)


def test_errors():
    with pytest.raises(ValueError, match="square"):
        anp.linalg.solve(np.ones((2, 3)), np.ones(2))
    with pytest.raises(ValueError, match="rows"):
        anp.linalg.solve(np.eye(2), np.ones(3))
    with pytest.raises(ValueError, match="matrix"):
        anp.linalg.svdvals(np.ones(3))
    with pytest.raises(ValueError, match="shapes"):
        anp.linalg.least_squares(np.ones((4, 2)), np.ones(3))
    with pytest.raises(NotImplementedError, match="square"):
        adlib.grad(lambda w: anp.linalg.svd(w)[0].sum())(np.ones((3, 2)))
    with pytest.raises(NotImplementedError, match="full_matrices"):
        anp.linalg.svd(np.eye(2), full_matrices=True)


def svd_loss(np_, c):
    """A loss on all three SVD factors that does not depend on the sign choice of the singular vectors."""

    def f(w):
        u, s, vt = np_.linalg.svd(w, full_matrices=False)
        return (np_.sin(u * c) * u).sum() + ((vt * vt) @ c).sum() + np_.tanh(u @ vt).sum() + (s**3).sum()

    return f


def test_full_svd_values_gradients_and_hessians_match_jax():
    rng = np.random.default_rng(9)
    w, c = rng.normal(size=(4, 4)), rng.normal(size=4)
    u, s, vt = anp.linalg.svd(w)
    np.testing.assert_allclose(u @ np.diag(s) @ vt, w, atol=1e-12)
    np.testing.assert_allclose(adlib.grad(svd_loss(anp, c))(w), jax.grad(svd_loss(jnp, c))(w), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(adlib.hessian(svd_loss(anp, c))(w), jax.hessian(svd_loss(jnp, c))(w),
                               rtol=1e-8, atol=1e-10)
    nuc = adlib.hessian(lambda w: anp.linalg.svdvals(w).sum())(w)
    nuc_jax = jax.hessian(lambda w: jnp.linalg.svd(w, compute_uv=False).sum())(w)
    np.testing.assert_allclose(nuc, nuc_jax, rtol=1e-8, atol=1e-10)


def test_full_svd_check_grads_order_2():
    w = np.random.default_rng(10).normal(size=(3, 3))
    check_grads(lambda w: anp.linalg.svd(w)[0] @ anp.linalg.svd(w)[2], (w,), order=2)
    check_grads(lambda w: anp.linalg.svd(w)[0] ** 2, (w,), order=2)
    check_grads(anp.linalg.svdvals, (w,), order=2)


@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_singular_vector_derivative_is_nan_at_repeated_singular_values_like_jax():
    w = np.diag([2.0, 2.0, 1.0])
    g = adlib.grad(lambda w: anp.linalg.svd(w)[0][0, 0])(w)
    g_jax = jax.grad(lambda w: jnp.linalg.svd(w, full_matrices=False)[0][0, 0])(w)
    assert np.isnan(g).any() and np.isnan(g_jax).any()
