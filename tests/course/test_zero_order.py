"""adlib.course.zero_order (finite differences, two-point and Gaussian-smoothing estimators, counted GD) and
adlib.course.mds (the lecture's MDS example)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import adlib
import adlib.numpy as anp
from adlib.course import mds
from adlib.course import zero_order as zo
from adlib.course.measure import loglog_slope


def smooth(w):
    """A smooth non-quadratic test function of a vector."""
    return anp.sum(anp.sin(w) * w) + anp.log(1 + anp.sum(w * w))


def quadratic(A, b):
    return lambda w: 0.5 * anp.sum(w * (A @ w)) - anp.sum(b * w)


W_POINT = np.array([0.3, -1.2, 0.7, 2.0])


# ----------------------------------------------------------------------------------------------------------
# Finite differences
# ----------------------------------------------------------------------------------------------------------


def test_central_difference_matches_adlib_to_eps_to_the_two_thirds():
    exact = adlib.grad(smooth)(W_POINT)
    np.testing.assert_allclose(zo.central_difference(smooth, W_POINT), exact, rtol=0, atol=1e-9)


def test_forward_difference_matches_adlib_to_root_eps():
    exact = adlib.grad(smooth)(W_POINT)
    np.testing.assert_allclose(zo.forward_difference(smooth, W_POINT), exact, rtol=0, atol=1e-6)


def test_truncation_error_orders():
    """Halving ε halves the forward-difference error (O(ε)) and quarters the central one (O(ε²))."""
    exact = adlib.grad(smooth)(W_POINT)
    fwd = [np.linalg.norm(zo.forward_difference(smooth, W_POINT, eps) - exact) for eps in (1e-3, 5e-4)]
    cen = [np.linalg.norm(zo.central_difference(smooth, W_POINT, eps) - exact) for eps in (1e-2, 5e-3)]
    assert fwd[0] / fwd[1] == pytest.approx(2, rel=0.05)
    assert cen[0] / cen[1] == pytest.approx(4, rel=0.05)


def test_finite_differences_count_their_evaluations():
    for estimate, expected in ((zo.central_difference, 2 * W_POINT.size), (zo.forward_difference, W_POINT.size + 1)):
        counted = zo.CountedFunction(smooth)
        estimate(counted, W_POINT)
        assert counted.evaluations == expected


def test_finite_differences_keep_the_shape_of_a_matrix_argument():
    W = np.arange(6.0).reshape(3, 2) / 7
    exact = adlib.grad(smooth)(W)
    g = zo.central_difference(smooth, W)
    assert g.shape == W.shape
    np.testing.assert_allclose(g, exact, atol=1e-9)


def test_float32_default_step_is_larger_and_still_accurate():
    w32 = W_POINT.astype(np.float32)
    g = zo.central_difference(smooth, w32)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, adlib.grad(smooth)(W_POINT), atol=1e-3)


# ----------------------------------------------------------------------------------------------------------
# Random-direction estimators: bias and variance with fixed seeds
# ----------------------------------------------------------------------------------------------------------


def _samples(estimator, L, w, n, seed, eps=1e-4):
    rng = np.random.default_rng(seed)
    return np.array([estimator(L, w, eps, rng) for _ in range(n)])


@pytest.mark.parametrize("estimator", [zo.two_point, zo.gaussian_smoothing])
def test_random_estimators_are_unbiased_on_a_quadratic(estimator):
    rng = np.random.default_rng(1)
    d = 5
    M = rng.standard_normal((d, d))
    A, b = M @ M.T + np.eye(d), rng.standard_normal(d)
    L = quadratic(A, b)
    w = rng.standard_normal(d)
    exact = A @ w - b
    G = _samples(estimator, L, w, 20_000, seed=2)
    standard_error = G.std(axis=0) / np.sqrt(len(G))
    assert np.all(np.abs(G.mean(axis=0) - exact) < 5 * standard_error)  # unbiased within 5 standard errors
    assert np.linalg.norm(G.mean(axis=0) - exact) < 0.1 * np.linalg.norm(exact)


@pytest.mark.parametrize("d", [2, 10, 50])
def test_two_point_second_moment_is_d_times_the_gradient_norm(d):
    """For a linear L, G = d ⟨∇L, v⟩ v, so E‖G‖² = d² E⟨∇L, v⟩² = d ‖∇L‖² exactly."""
    g = np.random.default_rng(3).standard_normal(d)
    L = lambda w: anp.sum(g * w)
    G = _samples(zo.two_point, L, np.zeros(d), 20_000, seed=4)
    assert np.mean(np.sum(G * G, axis=1)) / (g @ g) == pytest.approx(d, rel=0.05)


def test_two_point_bias_is_three_eps_squared_over_d_plus_two_on_a_cubic():
    """For L = Σ w_i³ the difference quotient carries an extra ε² Σ v_i³, so the bias of G is
    d ε² E[v_j⁴] = 3ε²/(d + 2) in every coordinate: O(ε²). With the same directions for two ε it scales by 4."""
    L = lambda w: anp.sum(w**3)
    w = np.array([0.5, -0.2, 0.1])
    d = w.size
    biases = []
    for eps in (0.4, 0.2):
        G = _samples(zo.two_point, L, w, 4000, seed=5, eps=eps)
        G0 = _samples(zo.two_point, L, w, 4000, seed=5, eps=1e-6)  # same directions: the noise cancels
        bias = (G - G0).mean(axis=0)
        np.testing.assert_allclose(bias, 3 * eps**2 / (d + 2), rtol=0.1)
        biases.append(np.linalg.norm(bias))
    assert biases[0] / biases[1] == pytest.approx(4, rel=1e-6)


def test_sphere_sine_factor_has_the_closed_forms_of_d_1_and_3_and_the_eps_squared_term():
    eps = np.array([1e-3, 0.1, 1.0, 3.0, 10.0])
    np.testing.assert_allclose(zo.sphere_sine_factor(eps, 1), np.sin(eps) / eps, rtol=1e-12, atol=1e-12)
    # d = 3: v₁ is uniform on [−1, 1] (Archimedes), so s = 3 (sin ε − ε cos ε) / ε³
    np.testing.assert_allclose(zo.sphere_sine_factor(eps[1:], 3), 3 * (np.sin(eps[1:]) - eps[1:] * np.cos(eps[1:]))
                               / eps[1:] ** 3, rtol=1e-12)  # fmt: skip
    for d in (2, 10, 100):
        small = np.array([1e-3, 1e-2])
        np.testing.assert_allclose(1 - zo.sphere_sine_factor(small, d), small**2 / (2 * (d + 2)), rtol=1e-3)
    with pytest.raises(ValueError, match="dimension"):
        zo.sphere_sine_factor(0.1, 0)
    with pytest.raises(ValueError, match="eps"):
        zo.sphere_sine_factor([0.1, 25.0], 3)


def test_two_point_bias_matches_the_exact_bias_on_sines_and_vanishes_on_a_quadratic():
    """On L = Σ sin w_i, E G_ε = s(ε) ∇L exactly: the Monte Carlo bias (common random numbers) must match
    (s(ε) − 1) ∇L — not the leading term ε²/(2(d+2)), which is 50 % off at ε = 5 for d = 4."""
    L = lambda w: anp.sum(anp.sin(w))
    w = np.array([0.3, -1.0, 0.8, 2.0])
    eps = np.array([0.05, 0.5, 5.0])
    bias = zo.two_point_bias(L, w, eps, samples=2000, rng=0)
    assert bias.shape == (3, 4)
    exact = (zo.sphere_sine_factor(eps, 4) - 1)[:, None] * np.cos(w)
    np.testing.assert_allclose(np.linalg.norm(bias, axis=1) / np.linalg.norm(exact, axis=1), 1, atol=0.1)
    cosine = np.sum(bias * exact, axis=1) / (np.linalg.norm(bias, axis=1) * np.linalg.norm(exact, axis=1))
    assert np.all(cosine > 0.9)  # and the same direction
    leading = eps[-1] ** 2 / (2 * 6) * np.linalg.norm(np.cos(w))
    assert leading > 1.3 * np.linalg.norm(bias[-1])
    A = np.diag([1.0, 2.0, 3.0])
    quadratic_bias = zo.two_point_bias(lambda x: 0.5 * anp.sum(x * (A @ x)), np.ones(3), [0.1, 1.0], 200, rng=1)
    np.testing.assert_allclose(quadratic_bias, 0, atol=1e-12)  # central differences are exact on quadratics
    with pytest.raises(ValueError, match="samples"):
        zo.two_point_bias(L, w, 0.1, samples=0)
    with pytest.raises(ValueError, match="eps"):
        zo.two_point_bias(L, w, [0.1, -1.0], rng=0)


def test_random_estimators_are_reproducible_and_cost_two_evaluations():
    for estimator in (zo.two_point, zo.gaussian_smoothing):
        a = estimator(smooth, W_POINT, 1e-5, np.random.default_rng(7))
        b = estimator(smooth, W_POINT, 1e-5, np.random.default_rng(7))
        np.testing.assert_array_equal(a, b)
        counted = zo.CountedFunction(smooth)
        estimator(counted, W_POINT, 1e-5, 0)
        assert counted.evaluations == 2


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_random_unit_vector_has_norm_one(d, seed):
    v = zo.random_unit_vector((d,), np.random.default_rng(seed))
    assert v.shape == (d,)
    assert np.linalg.norm(v) == pytest.approx(1.0)


# ----------------------------------------------------------------------------------------------------------
# Gradient descent with counting
# ----------------------------------------------------------------------------------------------------------


def test_gd_with_adlib_gradient_converges_and_charges_grad_cost():
    lam = np.linspace(0.1, 1.0, 6)
    f = lambda x: 0.5 * anp.sum(lam * x * x)
    run = zo.gradient_descent(f, np.ones(6), "gradient", step=1.0, n_iter=50, grad_cost=3.5)
    assert run.iterations == 50 and not run.diverged
    assert run.total_evaluations == 50 * 3.5
    assert run.losses[-1] == pytest.approx(0.5 * np.sum(lam * (1 - lam) ** 100), rel=1e-9)  # x_k = (1 − λ)^k x_0


@pytest.mark.parametrize(("estimator", "per_iteration"), [("central", 12), ("forward", 7), ("two_point", 2),
                                                          ("gaussian", 2)])
def test_gd_counts_the_evaluations_of_each_estimator(estimator, per_iteration):
    f = lambda x: anp.sum(x * x)
    run = zo.gradient_descent(f, np.ones(6), estimator, step=0.05, n_iter=30, rng=0, record_every=10)
    assert run.total_evaluations == 30 * per_iteration
    np.testing.assert_array_equal(run.evaluations, [0, 10 * per_iteration, 20 * per_iteration, 30 * per_iteration])
    np.testing.assert_array_equal(run.iterations_recorded, [0, 10, 20, 30])
    assert run.losses[-1] < run.losses[0]


def test_gd_stops_at_the_target_and_zero_order_needs_about_d_times_more_iterations():
    d = 40
    lam = np.linspace(0.2, 1.0, d)
    f = lambda x: 0.5 * anp.sum(lam * x * x)
    x0 = np.ones(d)
    target = 1e-4 * f(x0)
    gd = zo.gradient_descent(f, x0, "gradient", step=1.0, n_iter=10**5, target=target)
    zo_runs = [zo.gradient_descent(f, x0, "two_point", step=1.0 / d, n_iter=10**5, target=target, rng=s)
               for s in range(3)]
    assert gd.converged and all(r.converged for r in zo_runs)
    assert gd.losses[-1] <= target < gd.losses[-2]
    ratio = np.mean([r.iterations for r in zo_runs]) / gd.iterations
    assert d / 3 < ratio < 3 * d


def test_gd_is_reproducible_with_a_seed():
    f = lambda x: anp.sum(x**4) + anp.sum(x * x)
    a = zo.gradient_descent(f, W_POINT, "two_point", step=0.01, n_iter=100, rng=np.random.default_rng(11))
    b = zo.gradient_descent(f, W_POINT, "two_point", step=0.01, n_iter=100, rng=11)
    np.testing.assert_array_equal(a.w, b.w)


def test_gd_reports_divergence_instead_of_returning_nan():
    run = zo.gradient_descent(lambda x: anp.sum(x * x), np.ones(3), "gradient", step=10.0, n_iter=2000)
    assert run.diverged and not run.converged and run.iterations < 2000


def test_gd_keeps_the_path_and_a_step_schedule():
    f = lambda x: anp.sum(x * x)
    run = zo.gradient_descent(f, np.ones(2), "gradient", step=lambda k: 0.25, n_iter=4, keep_path=True)
    np.testing.assert_allclose(run.path[-1], 0.5**4 * np.ones(2))
    assert len(run.path) == 5
    np.testing.assert_allclose(run.w_mean, np.mean([0.5**k for k in range(1, 5)]) * np.ones(2))


def test_custom_estimator_is_counted():
    def one_sided(L, w, eps, rng):
        return (L(w + 1e-6) - L(w)) / 1e-6 * np.ones_like(w)

    run = zo.gradient_descent(lambda x: anp.sum(x), np.zeros(3), one_sided, step=0.1, n_iter=5, rng=0)
    assert run.total_evaluations == 10


# ----------------------------------------------------------------------------------------------------------
# Bad input
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("eps", [0.0, -1e-3, np.inf, np.nan])
def test_bad_eps_is_a_value_error(eps):
    for estimator in (zo.central_difference, zo.forward_difference):
        with pytest.raises(ValueError, match="eps"):
            estimator(smooth, W_POINT, eps)
    with pytest.raises(ValueError, match="eps"):
        zo.two_point(smooth, W_POINT, eps, 0)


def test_bad_points_and_values():
    with pytest.raises(ValueError, match="non-finite"):
        zo.central_difference(smooth, np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="empty"):
        zo.forward_difference(smooth, np.array([]))
    with pytest.raises(TypeError, match="w must"):
        zo.central_difference(smooth, "1.0")
    with pytest.raises(TypeError, match="floating"):
        zo.central_difference(smooth, np.array([1 + 2j]))
    with pytest.raises(ValueError, match="scalar"):
        zo.central_difference(lambda w: w, np.ones(3))
    with pytest.raises(zo.NonFiniteValueError, match="not finite"), np.errstate(invalid="ignore", divide="ignore"):
        zo.central_difference(lambda w: anp.sum(anp.log(w)), np.array([0.0, 1.0]))
    with pytest.raises(TypeError, match="rng"):
        zo.two_point(smooth, W_POINT, 1e-6, rng=None)
    with pytest.raises(TypeError, match="eps"):
        zo.two_point(smooth, W_POINT, "small", 0)


def test_bad_arguments_of_gradient_descent():
    f = lambda x: anp.sum(x * x)
    x0 = np.ones(3)
    with pytest.raises(ValueError, match="unknown estimator"):
        zo.gradient_descent(f, x0, "newton")
    with pytest.raises(ValueError, match="step"):
        zo.gradient_descent(f, x0, "gradient", step=-1.0)
    with pytest.raises(ValueError, match="n_iter"):
        zo.gradient_descent(f, x0, "gradient", n_iter=0)
    with pytest.raises(TypeError, match="rng"):
        zo.gradient_descent(f, x0, "two_point")
    with pytest.raises(ValueError, match="w0"):
        zo.gradient_descent(f, np.array([1.0, np.inf]), "gradient")
    with pytest.raises(ValueError, match="shape"):
        zo.gradient_descent(f, x0, lambda L, w, eps, rng: np.ones(2), rng=0)
    with pytest.raises(ValueError, match="grad_cost"):
        zo.gradient_descent(f, x0, "gradient", grad_cost=0.5)
    with pytest.raises(TypeError, match="callable"):
        zo.gradient_descent(3.0, x0, "gradient")


# ----------------------------------------------------------------------------------------------------------
# MDS
# ----------------------------------------------------------------------------------------------------------


def test_cities_table_and_great_circle_distances():
    cities = mds.load_cities()
    assert len(cities["name"]) >= 30 and np.all(cities["population"] > 1_000_000)
    assert np.all(np.diff(cities["population"]) <= 0)
    D = mds.great_circle(cities["latitude"], cities["longitude"])
    names = list(cities["name"])
    london, paris, moscow = names.index("London"), names.index("Paris"), names.index("Moscow")
    assert D[london, paris] == pytest.approx(344, abs=5)  # a well-known distance
    assert D[paris, moscow] == pytest.approx(2486, abs=20)
    np.testing.assert_allclose(D, D.T)
    np.testing.assert_allclose(np.diag(D), 0, atol=1e-9)
    assert len(mds.load_cities(n=5)["name"]) == 5
    with pytest.raises(ValueError, match="n must"):
        mds.load_cities(n=1)


def test_mds_gradient_matches_jax():
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    rng = np.random.default_rng(0)
    W, P = rng.standard_normal((6, 2)), rng.standard_normal((6, 2))
    D = np.sum((P[:, None] - P[None]) ** 2, axis=-1)

    def loss_jax(W):
        s = jnp.sum((W[:, None, :] - W[None, :, :]) ** 2, axis=-1)
        return jnp.sum((s - D) ** 2)

    np.testing.assert_allclose(mds.mds_loss(W, D), loss_jax(W), rtol=1e-12)
    np.testing.assert_allclose(adlib.grad(mds.mds_loss)(W, D), jax.grad(loss_jax)(W), rtol=1e-11)


def test_classical_mds_recovers_planar_points_and_zero_loss():
    P = np.random.default_rng(1).standard_normal((8, 2))
    D = np.sum((P[:, None] - P[None]) ** 2, axis=-1)
    X, eigenvalues = mds.classical_mds(D)
    assert mds.mds_loss(X, D) < 1e-20
    assert abs(eigenvalues[2]) < 1e-10 * eigenvalues[0]
    aligned, rms = mds.procrustes(P, X)
    assert rms < 1e-10
    np.testing.assert_allclose(aligned, P, atol=1e-10)


def test_procrustes_undoes_a_rotation_reflection_and_shift():
    P = np.random.default_rng(2).standard_normal((10, 2))
    t = 0.7
    R = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]]) @ np.diag([1.0, -1.0])
    aligned, rms = mds.procrustes(P, P @ R + np.array([3.0, -1.0]))
    assert rms < 1e-12
    with pytest.raises(ValueError, match="same shape"):
        mds.procrustes(P, P[:5])


def test_mds_bad_input():
    with pytest.raises(ValueError, match="square"):
        mds.mds_loss(np.ones((3, 2)), np.ones((3, 4)))
    with pytest.raises(ValueError, match="rows"):
        mds.mds_loss(np.ones((3, 2)), np.ones((4, 4)))
    with pytest.raises(ValueError, match="N×k"):
        mds.mds_loss(np.ones(3), np.ones((3, 3)))
    with pytest.raises(ValueError, match="k must"):
        mds.classical_mds(np.zeros((3, 3)), k=0)
    with pytest.raises(ValueError, match="latitudes"):
        mds.great_circle([100.0, 0.0], [0.0, 0.0])


def test_solve_counts_evaluations_and_gradient_beats_zero_order_on_the_cities():
    _, D, km = mds.squared_distance_matrix(8)
    results = {method: mds.solve(method, D, 2000, seed=0) for method in mds.METHODS}
    for result in results.values():
        assert result["evaluations"][-1] <= 2000
        assert np.all(np.diff(result["evaluations"]) >= 0)
        assert result["losses"][-1] < result["losses"][0]
        assert result["snapshots"][0][0] == 0 and len(result["snapshots"]) > 5
    X, _ = mds.classical_mds(D)
    _, rms = mds.procrustes(X, results["gradient"]["W"])
    assert rms * km < 5  # the GD map agrees with classical MDS to a few km
    assert results["gradient"]["losses"][-1] < results["two_point"]["losses"][-1]
    assert results["gradient"]["losses"][-1] <= mds.mds_loss(X, D)
    np.testing.assert_array_equal(mds.at_budget(results["gradient"], 0), results["gradient"]["snapshots"][0][1])
    with pytest.raises(ValueError, match="unknown method"):
        mds.solve("adam", D, 100)
    with pytest.raises(ValueError, match="budget"):
        mds.solve("gradient", D, 5)


def test_mds_map_is_aligned_to_the_real_map():
    view = mds.mds_map("gradient", 6, 2000)
    assert view["W_km"].shape == view["map_km"].shape == (6, 2)
    span = np.ptp(view["map_km"], axis=0).max()
    assert view["rms_km"] < 0.1 * span  # a flat map of the largest cities, ~4000 km across: off by < 10 %
    assert view["evaluations"] <= 2000


# ----------------------------------------------------------------------------------------------------------
# The rate-table experiment
# ----------------------------------------------------------------------------------------------------------


def test_rate_table_gd_is_flat_and_two_point_grows_like_n():
    ns = [4, 8, 16, 32]
    table = zo.rate_table(zo.strongly_convex_quadratic, ns, ("gradient", "two_point"), accuracy=1e-4, seeds=(0, 1))
    assert abs(table["gradient"]["slope_iterations"]) < 0.2
    assert 0.7 < table["two_point"]["slope_iterations"] < 1.3
    np.testing.assert_array_equal(table["gradient"]["evaluations"], zo.GRAD_COST * table["gradient"]["iterations"])
    np.testing.assert_array_equal(table["two_point"]["evaluations"], 2 * table["two_point"]["iterations"])


def test_problems_and_steps():
    for make in (zo.strongly_convex_quadratic, zo.convex_logcosh):
        problem = make(5)
        assert problem.L(np.zeros(5)) == problem.f_star
        np.testing.assert_allclose(adlib.grad(problem.L)(np.zeros(5)), 0)
    assert zo.standard_step("two_point", 10, 2.0) == pytest.approx(1 / 20)
    assert loglog_slope([1, 10, 100], [3, 30, 300]) == pytest.approx(1)
    with pytest.raises(ValueError, match="dimension"):
        zo.strongly_convex_quadratic(0)
    with pytest.raises(ValueError, match="standard step"):
        zo.standard_step("nelder-mead", 3, 1.0)
    with pytest.raises(ValueError, match="positive"):
        loglog_slope([1, 2], [0, 1])


def test_compare_estimators_runs_every_estimator_on_one_budget_and_reports_divergence():
    runs = zo.compare_estimators(zo.convex_logcosh, 6, budget=600)
    assert set(runs) == {"gradient", "central", "two_point", "gaussian"}
    assert all(run.losses[-1] < run.losses[0] for run in runs.values())
    assert all(500 < run.total_evaluations <= 600 for run in runs.values())
    assert runs["central"].iterations == 600 // 12 and runs["two_point"].iterations == 300
    assert zo.compare_estimators(zo.strongly_convex_quadratic, 4, step_scale=3.0, budget=8000,
                                 estimators=("gradient",))["gradient"].diverged  # fmt: skip
    with pytest.raises(ValueError, match="step_scale"):
        zo.compare_estimators(zo.convex_logcosh, 3, step_scale=0)
    with pytest.raises(ValueError, match="unknown estimator"):
        zo.evaluations_per_step("adam", 3)


def test_new_problems_are_what_their_docstrings_say():
    for make in (zo.convex_flat, zo.nonconvex_log, zo.strongly_convex_quadratic, zo.convex_logcosh):
        problem = make(6)
        x = np.random.default_rng(0).standard_normal(6) * 2
        np.testing.assert_allclose(problem.gradient(x), adlib.grad(problem.L)(x), rtol=1e-12)
        np.testing.assert_array_equal(problem.x_star, np.zeros(6))
        assert problem.L(problem.x_star) == problem.f_star
    t = np.linspace(-6, 6, 2001)
    h = 1e-4  # second derivatives of φ (λ = 1 in dimension 1) from the closed-form gradients
    for make, low, high in ((zo.convex_flat, 0.0, 2.5), (zo.nonconvex_log, -0.25, 2.0)):
        one = make(1)
        curvature = np.array([(one.gradient(np.array([s + h])) - one.gradient(np.array([s - h])))[0] / (2 * h)
                              for s in t])  # fmt: skip
        assert low - 1e-6 <= curvature.min() and curvature.max() <= high + 1e-6 and one.smoothness == high
    flat, nonconvex = zo.convex_flat(1), zo.nonconvex_log(1)
    assert abs(flat.gradient(np.array([h]))[0] - flat.gradient(np.array([-h]))[0]) / (2 * h) < 1e-6  # flat at 0
    w0 = nonconvex.w0[0]  # the start is in the concave part
    assert (nonconvex.gradient(np.array([w0 + h])) - nonconvex.gradient(np.array([w0 - h])))[0] < 0


def test_stop_rules_of_the_three_columns():
    f = lambda x: 0.5 * anp.sum(x * x)
    run = zo.gradient_descent(f, np.ones(3), "gradient", step=0.5, n_iter=100, stop=lambda w: np.sum(w * w) <= 1e-6)
    # w_k = 2^{-k} (1, 1, 1): ‖w_k‖² = 3 · 4^{-k} ≤ 1e-6 first at k = 11
    assert run.converged and run.iterations == 11 and run.losses[-1] == pytest.approx(0.5 * 3 * 0.25**11)
    assert run.iterations_recorded[-1] == 11  # the stopping iterate is recorded
    never = zo.gradient_descent(f, np.ones(3), "gradient", step=2.5, n_iter=3000, stop=lambda w: False)
    assert never.diverged and not never.converged
    for criterion in zo.CRITERIA:
        iterations, evaluations = zo.iterations_to_accuracy(zo.strongly_convex_quadratic, 4, "gradient", 1e-4,
                                                             criterion=criterion)  # fmt: skip
        lam = np.linspace(0.1, 1.0, 4)
        factor = {"loss": lam, "distance": np.ones(4), "gradient": lam**2}[criterion]  # x_k = (1 − λ)^k x_0
        k, tol = int(iterations), 1e-4 * np.sum(factor)
        assert np.sum(factor * (1 - lam) ** (2 * k)) <= tol < np.sum(factor * (1 - lam) ** (2 * k - 2))
        assert evaluations == zo.GRAD_COST * iterations
    with pytest.raises(ValueError, match="criterion"):
        zo.iterations_to_accuracy(zo.strongly_convex_quadratic, 3, "gradient", criterion="angle")
    with pytest.raises(ValueError, match="x_star"):
        no_minimiser = lambda n: zo.Problem(lambda w: anp.sum(w * w), np.ones(n), 0.0, 2.0, "no x*")  # noqa: E731
        zo.iterations_to_accuracy(no_minimiser, 3, "gradient", criterion="distance")
    with pytest.raises(TypeError, match="stop"):
        zo.gradient_descent(f, np.ones(3), "gradient", stop=1e-3)


def test_every_column_of_the_rate_table_gd_flat_two_point_like_n():
    ns = [4, 8, 16, 32]
    for column, (make, criterion, accuracy) in zo.RATE_COLUMNS.items():
        table = zo.rate_table(make, ns, ("gradient", "two_point"), accuracy, seeds=(0, 1), criterion=criterion)
        assert abs(table["gradient"]["slope_iterations"]) < 0.2, column
        assert 0.7 < table["two_point"]["slope_iterations"] < 1.4, column


def test_plot_rate_table_labels_slopes_and_is_projector_readable():
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    from adlib.course import projector

    ns = [8, 16, 32]
    table = {"gradient": {"iterations": np.array([20.0, 20, 20]), "slope_iterations": 0.0},
             "two_point": {"iterations": np.array([160.0, 320, 640]), "slope_iterations": 1.0}}  # fmt: skip
    with mpl.rc_context(projector.RC):
        fig, ax = plt.subplots(figsize=(5, 4))
        lines = zo.plot_rate_table(ax, ns, table, "convex")
    try:
        assert [line.get_label() for line in lines] == ["GD: slope 0.00", "two-point: slope 1.00"]
        assert ax.get_xscale() == ax.get_yscale() == "log" and ax.get_title() == "convex"
        np.testing.assert_array_equal(lines[1].get_ydata(), [160, 320, 640])
        assert ax.get_ylim() == (10.0, 1e4)  # a labelled decade under GD's 20, a decade of room over 640
        projector.check_readable(fig)
        ax.clear()
        central = {"iterations": np.array([20.0, 20, 20]), "slope_iterations": 0.0, "slope_evaluations": 1.0}
        lines = zo.plot_rate_table(ax, ns, {"gradient": table["gradient"], "central": central})
        assert lines[1].get_label() == "central: slope 0.00,\nin evaluations 1.00"
        assert lines[1].get_linestyle() == "--" and lines[1].get_markerfacecolor() == "none"
        with pytest.raises(TypeError, match="rate_table"):
            zo.plot_rate_table(ax, ns, {})
    finally:
        plt.close(fig)


def test_plot_loss_vs_evaluations_draws_one_labelled_line_per_method():
    from matplotlib.figure import Figure

    _, D, _ = mds.squared_distance_matrix(5)
    results = {method: mds.solve(method, D, 200, seed=0) for method in ("gradient", "two_point")}
    ax = Figure().add_subplot()
    lines = mds.plot_loss_vs_evaluations(ax, results, {"gradient": "GD"})
    assert [line.get_label() for line in lines] == ["GD", "two_point"]
    assert ax.get_xscale() == ax.get_yscale() == "log"
    L_min = min(r["losses"].min() for r in results.values())
    np.testing.assert_allclose(lines[1].get_ydata(), results["two_point"]["losses"] - L_min + 1e-12)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["GD", "two_point"]
    with pytest.raises(TypeError, match="results"):
        mds.plot_loss_vs_evaluations(ax, [])


def test_difference_errors_are_the_u_curves_of_notebook_03():
    L = lambda w: w[1] * anp.log(w[0]) + anp.sqrt(w[1] * anp.log(w[0]))
    w = np.array([2.0, 3.0])
    exact = adlib.grad(L)(w)
    eps = np.logspace(-12, -1, 12)
    curves, ad = zo.difference_errors(L, w, exact, eps)
    assert set(curves) == {(n, d) for n in ("forward", "central") for d in (np.float64, np.float32)}
    f64 = curves["forward", np.float64]
    assert f64[-1] > 1e-3 and f64.min() < 1e-6 and f64[0] > f64.min()  # a U: truncation right, round-off left
    assert ad[np.float64] < 1e-14 and ad[np.float32] < 1e-6
    import matplotlib.pyplot as plt

    from adlib.course import projector

    with plt.rc_context(projector.RC):
        fig, ax = plt.subplots(figsize=(9, 6))
        zo.plot_difference_errors(ax, eps, curves, ad)
        assert len(ax.get_lines()) == 4 + 2 + 4  # 4 curves, adlib in 2 dtypes, the 4 predicted best steps
        projector.check_readable(fig)
        plt.close(fig)
