"""``anp.linalg``: the rules of ``solve``, ``least_squares`` and ``svdvals`` against JAX, finite differences and
differentiation unrolled through the elimination code; then what the cases of ``functions.py`` (cross-checked with
JAX to second order) do not cover: NumPy's conventions (values, ``full_matrices``, the triangle ``eigh`` and
``cholesky`` read), float32, third derivatives, and the errors."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jax_support import WIDE_QR

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
    with pytest.raises(NotImplementedError, match="full_matrices=False"):  # NumPy's default: full U of a 3×2 W
        adlib.grad(lambda w: anp.linalg.svd(w)[0].sum())(np.ones((3, 2)))


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


# ----------------------------------------------------------------------------------------------------------
# NumPy's conventions: values and options
# ----------------------------------------------------------------------------------------------------------
RNG = np.random.default_rng(11)


def assert_same(mine, numpy_result):
    """The same tuple of arrays (or one array) as NumPy, shapes included."""
    mine, ref = (mine, numpy_result) if isinstance(mine, tuple) else ((mine,), (numpy_result,))
    assert len(mine) == len(ref)
    for m, r in zip(mine, ref, strict=True):
        assert np.shape(m) == np.shape(r)
        np.testing.assert_allclose(m, r, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (3, 3), (2, 4, 3), (2, 3, 4)])
def test_svd_defaults_are_numpys(shape):
    w = RNG.normal(size=shape)
    assert_same(anp.linalg.svd(w), tuple(np.linalg.svd(w)))  # full_matrices=True: U m×m, Vh n×n
    assert_same(anp.linalg.svd(w, full_matrices=False), tuple(np.linalg.svd(w, full_matrices=False)))
    assert_same(anp.linalg.svd(w, compute_uv=False), np.linalg.svd(w, compute_uv=False))
    assert_same(anp.linalg.svdvals(w), np.linalg.svdvals(w))


def test_svd_full_matrices_of_a_square_matrix_is_differentiable():
    w, c = RNG.normal(size=(4, 4)), RNG.normal(size=4)

    def loss(full):
        return lambda w: svd_loss(anp, c)(w) if not full else (
            lambda u, s, vt: (anp.sin(u * c) * u).sum() + ((vt * vt) @ c).sum() + anp.tanh(u @ vt).sum() + (s**3).sum()
        )(*anp.linalg.svd(w))

    np.testing.assert_allclose(adlib.grad(loss(True))(w), adlib.grad(loss(False))(w), rtol=1e-12)
    np.testing.assert_allclose(adlib.grad(loss(True))(w), jax.grad(svd_loss(jnp, c))(w), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (2, 4, 3)])
def test_svd_full_matrices_of_a_non_square_matrix_refuses_to_differentiate(shape):
    w = RNG.normal(size=shape)
    for f in (lambda w: anp.linalg.svd(w)[0].sum(), lambda w: anp.linalg.svd(w)[1].sum()):
        with pytest.raises(NotImplementedError, match="full_matrices=False"):
            adlib.grad(f)(w)
        with pytest.raises(NotImplementedError, match="not unique"):
            adlib.jvp(f, (w,), (w,))


def test_numpy_functions_on_traced_values_dispatch_to_adlib_linalg():
    a = well_conditioned(RNG, 3)
    np.testing.assert_allclose(adlib.grad(lambda a: np.linalg.slogdet(a)[1])(a), np.linalg.inv(a).T, rtol=1e-12)
    np.testing.assert_allclose(adlib.grad(lambda a: np.linalg.det(a))(a), np.linalg.det(a) * np.linalg.inv(a).T,
                               rtol=1e-10)
    np.testing.assert_allclose(adlib.grad(lambda a: np.linalg.svd(a)[1].sum())(a),  # square: the default is fine
                               adlib.grad(lambda a: anp.linalg.norm(a, "nuc"))(a), rtol=1e-12)
    np.testing.assert_allclose(adlib.grad(lambda a: np.linalg.eigvalsh(a @ a.T).sum())(a), 2 * a, rtol=1e-10)


@pytest.mark.parametrize("a_shape, b_shape", [((2, 3, 3), (3,)), ((3, 3), (2, 3, 2)), ((2, 3, 3), (3, 2)),
                                              ((2, 1, 3, 3), (4, 3, 2)), ((3, 3), (3,))])
def test_batched_solve_values_and_gradients(a_shape, b_shape):
    a, b = RNG.normal(size=a_shape) + 3 * np.eye(3), RNG.normal(size=b_shape)
    assert_same(anp.linalg.solve(a, b), np.linalg.solve(a, b))
    ga = adlib.grad(lambda a, b: (anp.linalg.solve(a, b) ** 3).sum(), (0, 1))(a, b)
    gj = jax.grad(lambda a, b: (jnp.linalg.solve(a, b) ** 3).sum(), (0, 1))(a, b)
    for mine, ref in zip(ga, gj, strict=True):
        np.testing.assert_allclose(mine, ref, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("shape", [(3, 3), (5, 3), (3, 5), (2, 4, 3)])
def test_values_are_numpys(shape):
    x = RNG.normal(size=shape)
    assert_same(anp.linalg.pinv(x), np.linalg.pinv(x))
    assert_same(anp.linalg.pinv(x, rcond=0.5), np.linalg.pinv(x, rcond=0.5))
    assert_same(anp.linalg.qr(x), tuple(np.linalg.qr(x)))
    assert_same(anp.linalg.qr(x, mode="r"), np.linalg.qr(x, mode="r"))
    assert_same(anp.linalg.qr(x, mode="complete"), tuple(np.linalg.qr(x, mode="complete")))
    for ord in (None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf):
        assert_same(anp.linalg.norm(x, ord, axis=(-2, -1)), np.linalg.norm(x, ord, axis=(-2, -1)))
        assert_same(anp.linalg.norm(x, ord, axis=(-1, -2), keepdims=True),
                    np.linalg.norm(x, ord, axis=(-1, -2), keepdims=True))
    if shape[-1] == shape[-2]:
        s = x + np.swapaxes(x, -1, -2)
        assert_same(anp.linalg.inv(x), np.linalg.inv(x))
        assert_same(anp.linalg.det(x), np.linalg.det(x))
        assert_same(anp.linalg.slogdet(x), tuple(np.linalg.slogdet(x)))
        assert_same(anp.linalg.cholesky(s @ s + np.eye(3)), np.linalg.cholesky(s @ s + np.eye(3)))


def test_float32_stays_float32_as_in_numpy():
    x = RNG.normal(size=(2, 3, 3)).astype(np.float32)
    spd = x @ np.swapaxes(x, -1, -2) + np.eye(3, dtype=np.float32)
    for name in ("inv", "det", "slogdet", "eigh", "eigvalsh", "cholesky", "qr", "svd", "svdvals", "pinv"):
        mine, ref = getattr(anp.linalg, name)(spd), getattr(np.linalg, name)(spd)
        mine, ref = (mine, tuple(ref)) if isinstance(mine, tuple) else ((mine,), (ref,))
        assert [m.dtype for m in mine] == [r.dtype for r in ref] == [np.float32] * len(ref), name
    assert anp.linalg.norm(spd[0], "nuc").dtype == anp.linalg.solve(spd, spd[0, 0]).dtype == np.float32


@pytest.mark.parametrize("UPLO", ["L", "U"])
def test_eigh_and_cholesky_read_one_triangle_as_numpy_and_differentiate_that(UPLO):
    """For a non-symmetric A, NumPy reads one triangle: adlib's values are NumPy's, and its derivative is that of
    the function NumPy computes (JAX's derivative of eigh(mirrored triangle)); the other triangle gets 0."""
    a = RNG.normal(size=(4, 4))
    spd = a @ a.T + np.triu(RNG.normal(size=(4, 4)), 1)  # not symmetric; its lower triangle is that of a aᵀ
    assert_same(anp.linalg.eigh(a, UPLO), tuple(np.linalg.eigh(a, UPLO)))
    assert_same(anp.linalg.eigvalsh(a, UPLO), np.linalg.eigvalsh(a, UPLO))
    upper = UPLO == "U"
    assert_same(anp.linalg.cholesky(spd.T if upper else spd, upper=upper), np.linalg.cholesky(spd.T if upper else
                                                                                              spd, upper=upper))

    def mirrored(m):
        t = jnp.tril(m, -1) if UPLO == "L" else jnp.triu(m, 1)
        return t + t.T + jnp.diag(jnp.diag(m))

    c = RNG.normal(size=4)
    f = lambda np_, e: lambda a: (e(a)[0] ** 3).sum() + ((e(a)[1] * c) @ e(a)[1].T).sum()  # noqa: E731
    g = adlib.grad(f(anp, lambda a: anp.linalg.eigh(a, UPLO)))(a)
    np.testing.assert_allclose(g, jax.grad(f(jnp, lambda a: jnp.linalg.eigh(mirrored(a))))(a), rtol=1e-9, atol=1e-12)
    assert np.all((np.triu(g, 1) if UPLO == "L" else np.tril(g, -1)) == 0)
    m = spd.T if upper else spd
    h = lambda np_, chol: lambda m: (np_.sin(chol(m)) * c).sum()  # noqa: E731
    g = adlib.grad(h(anp, lambda m: anp.linalg.cholesky(m, upper=upper)))(m)
    gj = jax.grad(h(jnp, lambda m: jnp.linalg.cholesky(mirrored(m), upper=upper)))(m)
    np.testing.assert_allclose(g, gj, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("shape", [(3, 5), (2, 2, 4)])
def test_qr_of_a_wide_matrix_matches_jax(shape):
    """m < n: adlib computes Q, U = qr(X) of the first m columns and R = [U | Qᵀ Y], differentiated through."""
    x = RNG.normal(size=shape)
    c = RNG.normal(size=shape)
    f = lambda np_: lambda x: (np_.sin(np_.linalg.qr(x)[1]) * c).sum() + np_.tanh(np_.linalg.qr(x)[0]).sum()  # noqa: E731
    assert_same(anp.linalg.qr(x), tuple(np.linalg.qr(x)))
    if WIDE_QR:  # JAX 0.7 (Colab's) cannot differentiate it: there check_grads below is the reference
        np.testing.assert_allclose(adlib.grad(f(anp))(x), jax.grad(f(jnp))(x), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(adlib.hessian(f(anp))(x), jax.hessian(f(jnp))(x), rtol=1e-9, atol=1e-11)
    check_grads(lambda x: anp.concatenate([anp.ravel(y) for y in anp.linalg.qr(x)]), (x,), order=2)


def test_qr_complete_of_a_tall_matrix_is_not_differentiated():
    with pytest.raises(NotImplementedError, match="mode='reduced'"):
        adlib.grad(lambda x: anp.linalg.qr(x, mode="complete")[0].sum())(RNG.normal(size=(4, 3)))
    x = RNG.normal(size=(3, 4))  # m ≤ n: complete is reduced
    np.testing.assert_allclose(adlib.grad(lambda x: anp.linalg.qr(x, mode="complete")[1].sum())(x),
                               adlib.grad(lambda x: anp.linalg.qr(x)[1].sum())(x))


def test_closed_forms():
    """Textbook gradients: ∇ log|det A| = A⁻ᵀ, ∇ tr(A⁻¹ B) = −(A⁻¹ B A⁻¹)ᵀ, ∇ ‖A‖₂ = u₁v₁ᵀ, ∇ Σλ(S)³ = 3 S²,
    and pinv = inv (with the same derivative) for an invertible matrix."""
    a, b = well_conditioned(RNG, 4), RNG.normal(size=(4, 4))
    ai = np.linalg.inv(a)
    np.testing.assert_allclose(adlib.grad(lambda a: anp.linalg.slogdet(a)[1])(a), ai.T, rtol=1e-12)
    np.testing.assert_allclose(adlib.grad(lambda a: anp.sum(anp.linalg.inv(a) * b.T))(a), -(ai @ b @ ai).T,
                               rtol=1e-10)
    u, _, vt = np.linalg.svd(b)
    np.testing.assert_allclose(adlib.grad(lambda b: anp.linalg.norm(b, 2))(b), np.outer(u[:, 0], vt[0]), rtol=1e-10)
    s = b + b.T
    three_s2 = 3 * s @ s  # the lower triangle is read: its entries off the diagonal count twice
    np.testing.assert_allclose(adlib.grad(lambda s: (anp.linalg.eigvalsh(s) ** 3).sum())(s),
                               np.tril(three_s2) + np.tril(three_s2, -1), rtol=1e-10)
    np.testing.assert_allclose(adlib.jacfwd(anp.linalg.pinv)(a), adlib.jacrev(anp.linalg.inv)(a), rtol=1e-9,
                               atol=1e-12)


THIRD_ORDER = {
    "inv": (lambda np_, x: np_.linalg.inv(x), lambda: well_conditioned(RNG, 3)),
    "det": (lambda np_, x: np_.linalg.det(x), lambda: well_conditioned(RNG, 3)),
    "pinv": (lambda np_, x: np_.linalg.pinv(x), lambda: RNG.normal(size=(4, 3))),
    "cholesky": (lambda np_, x: np_.linalg.cholesky(x @ x.T + np.eye(3)), lambda: RNG.normal(size=(3, 3))),
    "qr": (lambda np_, x: np_.concatenate([np_.ravel(y) for y in np_.linalg.qr(x)]), lambda: RNG.normal(size=(4, 3))),
    "eigh": (lambda np_, x: (lambda w, v: np_.concatenate([w, np_.ravel(v * v)]))(*np_.linalg.eigh(x + x.T)),
             lambda: np.diag([1.0, 2.0, 3.5]) + 0.1 * RNG.normal(size=(3, 3))),
    "svd": (lambda np_, x: (lambda u, s, vt: np_.concatenate([s, np_.ravel(u * u), np_.ravel(vt * vt)]))(
        *np_.linalg.svd(x, full_matrices=False)), lambda: RNG.normal(size=(4, 3))),
}


@pytest.mark.parametrize("name", THIRD_ORDER)
def test_third_derivatives_match_jax(name):
    """The rules are written with adlib's own primitives, so they differentiate to any order: the third
    derivative of s ↦ Σ sin(f(x + s·t))·w at 0, adlib by reverse mode three times, JAX by forward mode."""
    f, point = THIRD_ORDER[name]
    x = point()
    t, w = RNG.normal(size=x.shape), RNG.normal(size=np.shape(f(np, x)))
    line = lambda np_: lambda s: np_.sum(np_.sin(f(np_, x + s * t)) * w)  # noqa: E731
    d3 = adlib.grad(adlib.grad(adlib.grad(line(anp))))(0.0)
    d1 = lambda s: jax.jvp(line(jnp), (s,), (1.0,))[1]  # noqa: E731
    d2 = lambda s: jax.jvp(d1, (s,), (1.0,))[1]  # noqa: E731
    np.testing.assert_allclose(d3, jax.jvp(d2, (0.0,), (1.0,))[1], rtol=1e-8, atol=1e-10)


@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_eigenvector_derivative_is_nan_at_repeated_eigenvalues_like_jax():
    s = np.diag([2.0, 2.0, 1.0])
    g = adlib.grad(lambda s: anp.linalg.eigh(s)[1][0, 0])(s)
    g_jax = jax.grad(lambda s: jnp.linalg.eigh(s)[1][0, 0])(s)
    assert np.isnan(g).any() and np.isnan(g_jax).any()
    np.testing.assert_allclose(adlib.grad(lambda s: anp.linalg.eigvalsh(s).sum())(s), np.eye(3))  # values are fine


# ----------------------------------------------------------------------------------------------------------
# Errors: bad shapes, unsupported options, complex numbers
# ----------------------------------------------------------------------------------------------------------
SQUARE_ONLY = ["inv", "det", "slogdet", "eigh", "eigvalsh", "cholesky"]


@pytest.mark.parametrize("name", SQUARE_ONLY)
def test_square_matrices_only(name):
    f = getattr(anp.linalg, name)
    for bad in (np.ones((2, 3)), np.ones(3), np.ones((2, 2, 3))):
        with pytest.raises(ValueError, match=f"linalg.{name}: needs a square matrix.*got shape"):
            f(bad)
        with pytest.raises(ValueError, match="square"):
            adlib.grad(lambda x: anp.sum(f(x)[-1]))(bad)


@pytest.mark.parametrize("name", ["qr", "svd", "svdvals", "pinv"])
def test_matrices_only(name):
    with pytest.raises(ValueError, match=f"linalg.{name}: needs a matrix or a stack of them"):
        getattr(anp.linalg, name)(np.ones(3))


COMPLEX = np.eye(3) * (1 + 1j)


@pytest.mark.parametrize("call", [
    lambda x: anp.linalg.inv(x), lambda x: anp.linalg.det(x), lambda x: anp.linalg.slogdet(x),
    lambda x: anp.linalg.eigh(x), lambda x: anp.linalg.eigvalsh(x), lambda x: anp.linalg.cholesky(x),
    lambda x: anp.linalg.qr(x), lambda x: anp.linalg.svd(x), lambda x: anp.linalg.svdvals(x),
    lambda x: anp.linalg.pinv(x), lambda x: anp.linalg.solve(x, np.ones(3)), lambda x: anp.linalg.solve(np.eye(3), x),
    lambda x: anp.linalg.norm(x), lambda x: anp.linalg.norm(x, "nuc"), lambda x: anp.linalg.norm(x[0]),
], ids=["inv", "det", "slogdet", "eigh", "eigvalsh", "cholesky", "qr", "svd", "svdvals", "pinv", "solve-A",
        "solve-b", "norm-fro", "norm-nuc", "norm-vector"])
def test_complex_matrices_are_refused(call):
    with pytest.raises(TypeError, match="complex"):
        call(COMPLEX)


def test_unsupported_options_and_bad_arguments():
    x = RNG.normal(size=(3, 3))
    with pytest.raises(ValueError, match="UPLO"):
        anp.linalg.eigh(x, UPLO="X")
    with pytest.raises(NotImplementedError, match="hermitian"):
        anp.linalg.svd(x, hermitian=True)
    with pytest.raises(ValueError, match="mode"):
        anp.linalg.qr(x, mode="raw")
    with pytest.raises(ValueError, match="matrix norm"):
        anp.linalg.norm(np.ones(3), "nuc")
    with pytest.raises(ValueError, match="invalid norm order"):
        anp.linalg.norm(x, 3)
    with pytest.raises(ValueError, match="must differ"):
        anp.linalg.norm(x, 1, axis=(0, -2))
    with pytest.raises(ValueError, match="dimensions"):
        anp.linalg.norm(np.ones((2, 2, 2)), 1)
    with pytest.raises(ValueError, match="rows"):
        anp.linalg.solve(np.ones((2, 3, 3)), np.ones((2, 2, 1)))
    with pytest.raises(np.linalg.LinAlgError):
        anp.linalg.cholesky(-np.eye(2))
