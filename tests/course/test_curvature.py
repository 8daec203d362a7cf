"""adlib.course.curvature: the three HVP nestings against dense Hessians (adlib and JAX), the trace estimators against
their variance formulas, Hutch++ against Hutchinson, power iteration / Lanczos / SLQ against eigvalsh, and
Hessian-free Newton-CG (superlinear, its order measured), the Gauss–Newton split of an MLP's Hessian, and the
plots (readable on a projector)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import adlib
import adlib.numpy as anp
from adlib.course import curvature as C
from adlib.course.measure import loglog_slope

jax.config.update("jax_enable_x64", True)  # before any JAX array exists


def f_adlib(x):
    A = np.arange(1.0, 1.0 + x.size**2).reshape(x.size, x.size) / x.size**2 - 0.5
    return anp.sum(anp.tanh(A @ x) ** 2) + anp.sum(anp.exp(0.3 * x) * x**3) + anp.log(1.0 + anp.sum(x**2))


def f_jax(x):
    A = np.arange(1.0, 1.0 + x.size**2).reshape(x.size, x.size) / x.size**2 - 0.5
    return jnp.sum(jnp.tanh(A @ x) ** 2) + jnp.sum(jnp.exp(0.3 * x) * x**3) + jnp.log(1.0 + jnp.sum(x**2))


# ------------------------------------------------------------------------------------------------------------
# HVPs
# ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", sorted(C.HVP_METHODS))
@pytest.mark.parametrize("n", [1, 3, 8])
def test_hvp_matches_dense_hessians_and_jax(method, n):
    rng = np.random.default_rng(n)
    x, v = rng.standard_normal(n), rng.standard_normal(n)
    hv = C.HVP_METHODS[method](f_adlib, x, v)
    H_adlib = adlib.hessian(f_adlib)(x)
    H_jax = np.asarray(jax.hessian(f_jax)(x))
    hv_jax = np.asarray(jax.jvp(jax.grad(f_jax), (x,), (v,))[1])
    np.testing.assert_allclose(H_adlib, H_jax, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(hv, H_jax @ v, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(hv, hv_jax, rtol=1e-8, atol=1e-10)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 6))
def test_three_nestings_agree(seed, n):
    rng = np.random.default_rng(seed)
    x, v = rng.standard_normal(n), rng.standard_normal(n)
    ref = C.hvp_forward_over_reverse(f_adlib, x, v)
    np.testing.assert_allclose(C.hvp_reverse_over_reverse(f_adlib, x, v), ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(C.hvp_reverse_over_forward(f_adlib, x, v), ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(adlib.hvp(f_adlib, x, v), ref, rtol=1e-12, atol=1e-14)


def test_hvp_of_a_quadratic_is_the_matrix():
    rng = np.random.default_rng(1)
    B = rng.standard_normal((6, 6))
    A = B + B.T
    v = rng.standard_normal(6)
    for method in C.HVP_METHODS.values():
        np.testing.assert_allclose(method(lambda x: 0.5 * x @ A @ x, rng.standard_normal(6), v), A @ v, rtol=1e-12)


def test_hvp_operator_on_matrix_shaped_parameters_and_counts_calls():
    rng = np.random.default_rng(2)
    W = rng.standard_normal((3, 4))
    f = lambda W: anp.sum(anp.tanh(W) ** 3)
    op = C.hvp_operator(f, W, method="reverse-over-reverse")
    H = np.column_stack([op(e) for e in np.eye(12)])
    H_jax = np.asarray(jax.hessian(lambda W: jnp.sum(jnp.tanh(W) ** 3))(W)).reshape(12, 12)
    np.testing.assert_allclose(H, H_jax, rtol=1e-10, atol=1e-12)
    assert op.calls == 12 and op.n == 12


def test_hvp_bad_input():
    with pytest.raises(ValueError, match="shape"):
        C.hvp_forward_over_reverse(f_adlib, np.ones(3), np.ones(4))
    with pytest.raises(TypeError, match="callable"):
        C.hvp_reverse_over_forward(3.0, np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match="unknown method"):
        C.hvp_operator(f_adlib, np.ones(3), method="sideways")
    with pytest.raises(TypeError, match="float"):
        C.hvp_operator(f_adlib, np.ones(3, dtype=int))


# ------------------------------------------------------------------------------------------------------------
# Hutchinson and Hutch++
# ------------------------------------------------------------------------------------------------------------


def _test_matrix(n=30, seed=3):
    rng = np.random.default_rng(seed)
    B = rng.standard_normal((n, n))
    return (B + B.T) / 2 + np.diag(rng.uniform(1, 4, n))  # a heavy diagonal: Rademacher's advantage shows


@pytest.mark.parametrize("probe", C.PROBES)
def test_probes_are_isotropic(probe):
    V = C.probes(5, 200_000, np.random.default_rng(4), probe)
    np.testing.assert_allclose(V @ V.T / V.shape[1], np.eye(5), atol=0.02)  # E[v vᵀ] = I; sampling error ~0.003
    if probe == "sphere":
        np.testing.assert_allclose(np.linalg.norm(V, axis=0), np.sqrt(5))


@pytest.mark.parametrize("probe", C.PROBES)
def test_hutchinson_variance_matches_formula(probe):
    A = _test_matrix()
    N = 40_000
    samples = C.hutchinson_samples(A, None, N, np.random.default_rng(5), probe)
    theory = C.hutchinson_variance(A, probe)
    var = samples.var(ddof=1)
    # standard error of a sample variance: sqrt((μ4 − σ⁴)/N), μ4 measured from the samples themselves
    se = np.sqrt((np.mean((samples - samples.mean()) ** 4) - var**2) / N)
    assert abs(var - theory) < 4 * se, (var, theory, se)
    # and the mean is the trace, within 4 standard errors
    assert abs(samples.mean() - np.trace(A)) < 4 * np.sqrt(theory / N)


def test_variance_formulas_explicitly():
    A = _test_matrix(8)
    fro2, diag2 = np.sum(A**2), np.sum(np.diag(A) ** 2)
    assert C.hutchinson_variance(A, "rademacher") == pytest.approx(2 * (fro2 - diag2))
    assert C.hutchinson_variance(A, "gaussian") == pytest.approx(2 * fro2)
    assert C.hutchinson_variance(np.eye(7) * 3.0, "sphere") == pytest.approx(0.0, abs=1e-12)
    assert C.hutchinson_variance(np.diag(np.arange(1.0, 6.0)), "rademacher") == 0.0
    # the ordering that makes Rademacher the default
    assert C.hutchinson_variance(A, "rademacher") < C.hutchinson_variance(A, "gaussian")


def test_hutchinson_exact_for_diagonal_with_rademacher():
    D = np.diag(np.arange(1.0, 11.0))
    assert C.hutchinson(D, None, 1, np.random.default_rng(0)) == pytest.approx(55.0)


def test_hutchpp_exact_for_low_rank():
    rng = np.random.default_rng(6)
    U = np.linalg.qr(rng.standard_normal((200, 5)))[0]
    A = (U * np.array([5.0, 4.0, 3.0, 2.0, 1.0])) @ U.T
    assert C.hutchpp(A, None, 18, rng) == pytest.approx(15.0, rel=1e-10)  # k = 6 ≥ rank: all of it traced


def test_hutchpp_beats_hutchinson_on_decaying_spectrum():
    rng = np.random.default_rng(7)
    A = C.spectrum_matrix(300, "polynomial", rng)
    budgets = [12, 24, 48, 96, 192]
    errors = C.trace_errors(A, budgets, trials=40, rng=rng)
    s_h, s_pp = loglog_slope(budgets, errors["hutchinson"]), loglog_slope(budgets, errors["hutch++"])
    assert -0.75 < s_h < -0.3, s_h  # O(1/√m)
    assert s_pp < -0.8, s_pp  # O(1/m) or better
    assert np.all(errors["hutch++"][1:] < errors["hutchinson"][1:])


def test_matvec_counting_and_budget():
    A = _test_matrix(40)
    op = C.as_matvec(A)
    C.hutchpp(op, None, 30, np.random.default_rng(8))
    assert op.calls == 30
    plain = C.Matvec(lambda v: A @ v, 40)  # no matmat: one call per column
    C.hutchinson(plain, None, 7, np.random.default_rng(8))
    assert plain.calls == 7


def test_trace_estimators_bad_input():
    A = _test_matrix(5)
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="probe"):
        C.hutchinson(A, None, 3, rng, probe="cauchy")
    with pytest.raises(TypeError, match="Generator"):
        C.hutchinson(A, None, 3, 0)
    with pytest.raises(ValueError, match="num_probes"):
        C.hutchinson(A, None, 0, rng)
    with pytest.raises(ValueError, match="num_matvecs"):
        C.hutchpp(A, None, 2, rng)
    with pytest.raises(ValueError, match="size n"):
        C.hutchinson(lambda v: A @ v, None, 3, rng)
    with pytest.raises(ValueError, match="symmetric"):
        C.as_matvec(np.triu(np.ones((3, 3))))
    with pytest.raises(ValueError, match="square"):
        C.as_matvec(np.ones((3, 2)))
    with pytest.raises(ValueError, match="shape"):
        C.hutchinson(lambda v: np.ones(4), 5, 2, rng)
    with pytest.raises(ValueError, match="method"):
        C.trace_estimates(A, "hutch+++", 9, 2, rng)
    with pytest.raises(ValueError, match="loglog_slope"):
        loglog_slope([1, 2], [1.0, -1.0])


# ------------------------------------------------------------------------------------------------------------
# Eigenvalues
# ------------------------------------------------------------------------------------------------------------


def _known_spectrum(n=60, seed=9):
    rng = np.random.default_rng(seed)
    lam = np.concatenate([[10.0, -7.0, 5.0], rng.uniform(-1, 1, n - 3)])
    U = np.linalg.qr(rng.standard_normal((n, n)))[0]
    A = (U * lam) @ U.T
    return (A + A.T) / 2, np.sort(lam)


def test_power_iteration_top_eigenvalues_by_magnitude():
    A, lam = _known_spectrum()
    res = C.power_iteration(A, None, np.random.default_rng(10), k=3, num_iters=2000, tol=1e-14)
    np.testing.assert_allclose(res.eigenvalues, [10.0, -7.0, 5.0], rtol=1e-8)
    np.testing.assert_allclose(res.eigenvectors.T @ res.eigenvectors, np.eye(3), atol=1e-10)
    np.testing.assert_allclose(A @ res.eigenvectors, res.eigenvectors * res.eigenvalues, atol=1e-6)
    assert res.converged


def test_lanczos_full_reorthogonalisation_and_exact_spectrum():
    A, lam = _known_spectrum(40)
    res = C.lanczos(A, None, 40, np.random.default_rng(11))
    np.testing.assert_allclose(res.Q.T @ res.Q, np.eye(40), atol=1e-12)
    np.testing.assert_allclose(res.Q.T @ A @ res.Q, res.T, atol=1e-10)
    np.testing.assert_allclose(np.linalg.eigvalsh(res.T), np.linalg.eigvalsh(A), atol=1e-10)


def test_lanczos_extremes_converge_first_and_stops_on_invariant_subspace():
    A, lam = _known_spectrum(200)
    ritz = C.lanczos_eigenvalues(A, None, 30, np.random.default_rng(12))
    np.testing.assert_allclose([ritz[0], ritz[-1]], [lam[0], lam[-1]], rtol=1e-8)
    D = np.diag([1.0, 1.0, 2.0, 2.0, 3.0])  # three distinct eigenvalues: the Krylov space has dimension 3
    assert len(C.lanczos(D, None, 5, np.random.default_rng(0)).alpha) == 3


def test_slq_moments_are_exact():
    """Gauss quadrature with m nodes integrates polynomials of degree < 2m exactly: Σ w θᵖ = vᵀAᵖv / ‖v‖²."""
    A, _ = _known_spectrum(50)
    A = A / 10
    rng = np.random.default_rng(13)
    v = rng.standard_normal(50)
    res = C.lanczos(A, None, 6, np.random.default_rng(0), v0=v)
    theta, U = np.linalg.eigh(res.T)
    u = v / np.linalg.norm(v)
    for p in range(12):
        np.testing.assert_allclose(U[0] ** 2 @ theta**p, u @ np.linalg.matrix_power(A, p) @ u, atol=1e-12)


def test_slq_density_matches_eigvalsh():
    A, lam = _known_spectrum(300)
    nodes, weights = C.slq(A, None, np.random.default_rng(14), num_steps=80, num_probes=10)
    assert weights.sum() == pytest.approx(1.0)
    assert nodes.min() == pytest.approx(lam[0], rel=1e-6) and nodes.max() == pytest.approx(lam[-1], rel=1e-6)
    # the measure's moments estimate (1/n) tr Aᵖ; error ~ the Hutchinson error of 10 probes
    for p in (1, 2):
        exact = np.mean(lam**p)
        assert abs(weights @ nodes**p - exact) < 4 * np.sqrt(2 * np.mean(lam ** (2 * p)) / 300 / 10) + 1e-12
    grid = np.linspace(-12, 12, 4001)
    density = C.spectral_density(nodes, weights, grid, sigma=0.1)
    assert np.trapezoid(density, grid) == pytest.approx(1.0, rel=1e-6)
    # the mass in [-1.5, 1.5] is the bulk: 297 of 300 eigenvalues
    bulk = (grid > -1.5) & (grid < 1.5)
    assert np.trapezoid(density[bulk], grid[bulk]) == pytest.approx(297 / 300, abs=0.03)


def test_eigen_bad_input():
    A, _ = _known_spectrum(10)
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="num_steps"):
        C.lanczos(A, None, 11, rng)
    with pytest.raises(ValueError, match="v0"):
        C.lanczos(A, None, 3, rng, v0=np.zeros(10))
    with pytest.raises(ValueError, match="k"):
        C.power_iteration(A, None, rng, k=11)
    with pytest.raises(ValueError, match="sigma"):
        C.spectral_density([0.0], [1.0], [0.0], sigma=-1.0)
    with pytest.raises(TypeError, match="Generator"):
        C.slq(A, None, rng=42)


# ------------------------------------------------------------------------------------------------------------
# Hessian-free Newton
# ------------------------------------------------------------------------------------------------------------


def test_conjugate_gradient_solves_spd_and_refuses_indefinite():
    rng = np.random.default_rng(15)
    B = rng.standard_normal((30, 30))
    A = B @ B.T + 30 * np.eye(30)
    b = rng.standard_normal(30)
    res = C.conjugate_gradient(A, b, tol=1e-12)
    np.testing.assert_allclose(res.x, np.linalg.solve(A, b), rtol=1e-9)
    assert res.converged and res.iterations <= 30
    with pytest.raises(ValueError, match="positive definite"):
        C.conjugate_gradient(np.diag([1.0, -1.0]), np.array([1.0, 1.0]))


def test_newton_cg_logistic_regression_matches_jax_optimum():
    rng = np.random.default_rng(16)
    X = rng.standard_normal((200, 10))
    y = np.sign(X @ rng.standard_normal(10) + 0.5 * rng.standard_normal(200))

    def loss(w):
        m = y * (X @ w)
        return anp.mean(anp.logsumexp(anp.stack([anp.zeros_like(m), -m]), axis=0)) + 0.01 * anp.sum(w**2)

    res = C.newton_cg(loss, np.zeros(10), tol=1e-10)
    assert res.converged and len(res.losses) < 15
    g_jax = jax.grad(lambda w: jnp.mean(jnp.logaddexp(0.0, -y * (X @ w))) + 0.01 * jnp.sum(w**2))(res.x)
    assert np.linalg.norm(g_jax) < 1e-9
    assert np.all(np.diff(res.losses) <= 1e-15)
    # superlinear at the end, of order about 1.5 (the forcing term min(0.5, √‖g‖)), not quadratic
    gn = res.grad_norms
    assert gn[-1] < 10 * gn[-2] ** 1.5
    orders = C.convergence_orders(gn)
    assert np.all((orders[-2:] > 1.2) & (orders[-2:] < 1.8)), orders


def test_convergence_orders_of_known_rates():
    np.testing.assert_allclose(C.convergence_orders(0.5 ** np.arange(8)), 1.0)  # linear
    np.testing.assert_allclose(C.convergence_orders([1e-1, 1e-2, 1e-4, 1e-8, 1e-16]), 2.0)  # quadratic
    e = [0.1]
    for _ in range(5):
        e.append(3.0 * e[-1] ** 1.5)
    np.testing.assert_allclose(C.convergence_orders(e)[-1], 1.5, rtol=0.05)  # the constant fades: order 1.5
    with pytest.raises(ValueError, match="at least 3"):
        C.convergence_orders([1.0, 0.1])
    with pytest.raises(ValueError, match="stalled"):
        C.convergence_orders([1.0, 0.1, 0.1])


def test_newton_cg_bad_input():
    with pytest.raises(TypeError, match="callable"):
        C.newton_cg(None, np.zeros(3))
    with pytest.raises(ValueError, match="vector"):
        C.newton_cg(lambda w: anp.sum(w**2), np.zeros((2, 2)))


# ------------------------------------------------------------------------------------------------------------
# Test problems
# ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", C.SPECTRA)
def test_spectrum_matrix_has_its_spectrum(kind):
    A = C.spectrum_matrix(100, kind, np.random.default_rng(17))
    np.testing.assert_allclose(np.linalg.eigvalsh(A), np.sort(C.spectrum_eigenvalues(100, kind)), atol=1e-12)
    with pytest.raises(ValueError, match="spectrum"):
        C.spectrum_eigenvalues(10, "lumpy")


def test_mlp_problem_hessian_matches_jax():
    P = C.mlp_problem(num_samples=16, hidden=(4,))
    w = P.w0 + 0.1 * np.random.default_rng(18).standard_normal(P.w0.size)
    H = np.column_stack([C.hvp_forward_over_reverse(P.loss, w, e) for e in np.eye(w.size)])

    def loss_jax(w):
        W1, b1 = w[:8].reshape(2, 4), w[8:12]
        W2, b2 = w[12:16].reshape(4, 1), w[16:17]
        logits = (jnp.tanh(P.X @ W1 + b1) @ W2 + b2).reshape(-1)
        return jnp.mean(jnp.logaddexp(0.0, -P.y * logits))

    np.testing.assert_allclose(P.loss(w), loss_jax(w), rtol=1e-12)
    np.testing.assert_allclose(H, np.asarray(jax.hessian(loss_jax)(w)), rtol=1e-8, atol=1e-12)
    assert 0.0 <= P.accuracy(w) <= 1.0


def test_mlp_fit_lowers_the_loss_and_removes_negative_curvature():
    P = C.mlp_problem(num_samples=32, hidden=(6,))
    w, losses = P.fit(P.w0, steps=400)
    assert losses[-1] < 0.5 * losses[0] and np.all(np.isfinite(losses))
    lam0 = C.lanczos_eigenvalues(C.hvp_operator(P.loss, P.w0), None, P.w0.size, np.random.default_rng(0))
    lam1 = C.lanczos_eigenvalues(C.hvp_operator(P.loss, w), None, w.size, np.random.default_rng(0))
    assert lam1[0] / lam1[-1] > lam0[0] / lam0[-1]  # the most negative eigenvalue shrinks relative to the largest
    with pytest.raises(ValueError, match="steps"):
        P.fit(P.w0, steps=0)


def test_gauss_newton_split_of_the_mlp_hessian():
    """∇²L = G + (1/N) Σ rᵢ ∇²zᵢ with G = (1/N) Jᵀ diag(σ(1−σ)) J ⪰ 0 and r = σ(z) − t, checked against JAX."""
    P = C.mlp_problem(num_samples=16, hidden=(4,))
    w = P.w0 + 0.3 * np.random.default_rng(19).standard_normal(P.w0.size)
    n, N = w.size, P.y.size
    G_op = P.gauss_newton_operator(w)
    G = np.column_stack([G_op(e) for e in np.eye(n)])
    assert G_op.calls == n

    def logits_jax(w):
        W1, b1 = w[:8].reshape(2, 4), w[8:12]
        W2, b2 = w[12:16].reshape(4, 1), w[16:17]
        return (jnp.tanh(P.X @ W1 + b1) @ W2 + b2).reshape(-1)

    J = np.asarray(jax.jacfwd(logits_jax)(w))
    s = 1 / (1 + np.exp(-np.asarray(logits_jax(w))))
    np.testing.assert_allclose(G, J.T @ ((s * (1 - s) / N)[:, None] * J), rtol=1e-10, atol=1e-14)
    assert np.linalg.eigvalsh(G)[0] > -1e-12  # positive semidefinite
    r = P.residuals(w)
    np.testing.assert_allclose(r, s - (1 + P.y) / 2, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(adlib.grad(P.loss)(w), J.T @ r / N, rtol=1e-10, atol=1e-14)  # ∇L = Jᵀ r / N
    # the rest of the Hessian is the residual-weighted curvature of the outputs
    H = np.column_stack([C.hvp_forward_over_reverse(P.loss, w, e) for e in np.eye(n)])
    rest = np.asarray(jax.hessian(lambda w: jnp.sum(r * logits_jax(w)) / N)(w))
    np.testing.assert_allclose(H, G + rest, rtol=1e-8, atol=1e-12)
    with pytest.raises(ValueError, match="curvature has shape"):
        C.gauss_newton_operator(P.logits, w, np.ones(3))
    with pytest.raises(TypeError, match="callable"):
        C.gauss_newton_operator(None, w, np.ones(N))


def test_spectral_density_default_width_integrates_to_one():
    nodes, weights = np.array([-1.0, 0.0, 2.0]), np.array([0.2, 0.5, 0.3])
    grid = np.linspace(-2, 3, 20001)
    np.testing.assert_allclose(np.trapezoid(C.spectral_density(nodes, weights, grid), grid), 1.0, rtol=1e-6)


def test_plot_spectral_density_draws_dense_and_slq_lines():
    from matplotlib.figure import Figure

    exact = np.array([-1.0, 0.5, 2.0, 3.0])
    ax = Figure().add_subplot()
    dense, slq = C.plot_spectral_density(ax, exact, exact, np.full(4, 0.25), hvps=40)
    assert dense.get_label() == "dense Hessian (eigvalsh), smoothed" and slq.get_label() == "SLQ from 40 HVPs"
    np.testing.assert_allclose(slq.get_ydata(), dense.get_ydata())  # the same measure, the same kernel
    assert ax.get_yscale() == "log" and ax.get_xlim()[0] < -1.0 and ax.get_xlim()[1] > 3.0
    with pytest.raises(ValueError, match="distinct eigenvalues"):
        C.plot_spectral_density(ax, [1.0, 1.0], [1.0], [1.0])


def test_plot_eigenvalue_densities_shares_grid_and_kernel():
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    lam = np.array([-1.0, 0.5, 2.0, 3.0])
    lines = C.plot_eigenvalue_densities(ax, {"H": lam, "G": lam + 0.0, "shifted": lam + 1.0})
    assert [line.get_label() for line in lines] == ["H", "G", "shifted"]
    np.testing.assert_allclose(lines[0].get_xdata(), lines[2].get_xdata())  # one grid for all
    np.testing.assert_allclose(lines[0].get_ydata(), lines[1].get_ydata())  # same eigenvalues, same line
    assert ax.get_xlim()[0] < -1.0 and ax.get_xlim()[1] > 4.0 and ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="non-empty dict"):
        C.plot_eigenvalue_densities(ax, {})
    with pytest.raises(ValueError, match="distinct"):
        C.plot_eigenvalue_densities(ax, {"one": [1.0]})


def test_curvature_plots_are_readable_on_a_projector():
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    from adlib.course import projector

    lam = np.linspace(-1.0, 3.0, 50)
    m = np.array([6.0, 12.0, 24.0, 48.0])
    with mpl.rc_context(projector.RC):
        fig, axes = plt.subplots(1, 3, figsize=(11.5, 3.9))
        C.plot_spectral_density(axes[0], lam, lam, np.full(50, 1 / 50), hvps=40)
        C.plot_eigenvalue_densities(axes[1], {"H": lam, "Gauss–Newton": np.abs(lam)})
        C.plot_trace_errors(axes[2], m, {"hutchinson": m**-0.5, "hutch++": m**-1.0})
        try:
            projector.check_readable(fig)
            assert fig.get_figwidth() * fig.dpi <= projector.CONTENT_WIDTH_PX
        finally:
            plt.close(fig)


def test_plot_trace_errors_labels_the_fitted_slopes():
    from matplotlib.figure import Figure

    m = np.array([4.0, 8.0, 16.0, 32.0])
    errors = {"hutchinson": m**-0.5, "hutch++": 2 * m**-1.0}
    ax = Figure().add_subplot()
    lines = C.plot_trace_errors(ax, m, errors)
    assert [line.get_label() for line in lines] == [
        "Hutchinson (slope -0.50)", "Hutch++ (slope -1.00)", r"$\propto m^{-1/2}$", r"$\propto m^{-1}$"]
    np.testing.assert_allclose(lines[2].get_ydata(), errors["hutchinson"])  # the reference starts at Hutchinson's
    assert ax.get_xscale() == ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="lacks"):
        C.plot_trace_errors(ax, m, {"hutchinson": errors["hutchinson"]})
