"""Closed forms, nested derivatives, and graphs of any depth.

A. the lecture's example L(w1, w2) = w2·log w1 + √(w2·log w1) and Baydin et al. (2018)'s
   f(x1, x2) = ln x1 + x1·x2 − sin x2, against their closed-form derivatives, in both modes and through every
   user-facing operator;
B. derivatives of derivatives in every nesting of the two modes, without perturbation confusion;
C. graphs 20 000 primitives deep (no recursion), and a fan-out/fan-in DAG whose cost is checked by *counting*
   rule applications (linear, not exponential, in the number of steps).
"""

import inspect
import sys

import numpy as np
import pytest

import adlib.numpy as anp
from adlib import grad, hessian, hvp, jacfwd, jacrev, jvp, value_and_grad, vjp

# ----------------------------------------------------------------------------------------------------------
# A. Closed forms
# ----------------------------------------------------------------------------------------------------------


def L(w1, w2):
    return w2 * anp.log(w1) + anp.sqrt(w2 * anp.log(w1))


def L_closed(w1, w2):
    s = np.sqrt(w2 * np.log(w1))
    c = 1 + 1 / (2 * s)
    return w2 * np.log(w1) + s, (w2 / w1) * c, np.log(w1) * c


LECTURE_POINTS = [(2.0, 3.0), (np.e, 1.0), (5.0, 0.5), (1.5, 4.0), (10.0, 0.01)]


@pytest.mark.parametrize("w1, w2", LECTURE_POINTS)
def test_lecture_grad_both_partials(w1, w2):
    _, d1, d2 = L_closed(w1, w2)
    g = grad(L, argnums=(0, 1))(w1, w2)
    assert isinstance(g, tuple) and len(g) == 2
    np.testing.assert_allclose(g, (d1, d2), rtol=1e-12)
    # one argument at a time gives the same partials
    np.testing.assert_allclose(grad(L, argnums=0)(w1, w2), d1, rtol=1e-12)
    np.testing.assert_allclose(grad(L, argnums=1)(w1, w2), d2, rtol=1e-12)


@pytest.mark.parametrize("w1, w2", LECTURE_POINTS)
def test_lecture_value_and_grad(w1, w2):
    value, d1, d2 = L_closed(w1, w2)
    v, (g1, g2) = value_and_grad(L, argnums=(0, 1))(w1, w2)
    np.testing.assert_allclose(v, value, rtol=1e-12)
    np.testing.assert_allclose((g1, g2), (d1, d2), rtol=1e-12)


@pytest.mark.parametrize("w1, w2", LECTURE_POINTS)
def test_lecture_jvp_with_unit_seeds(w1, w2):
    value, d1, d2 = L_closed(w1, w2)
    v, t = jvp(L, (w1, w2), (1.0, 0.0))
    np.testing.assert_allclose(v, value, rtol=1e-12)
    np.testing.assert_allclose(t, d1, rtol=1e-12)
    v, t = jvp(L, (w1, w2), (0.0, 1.0))
    np.testing.assert_allclose(v, value, rtol=1e-12)
    np.testing.assert_allclose(t, d2, rtol=1e-12)
    # linear in the seed: a mixed direction gives the directional derivative
    _, t = jvp(L, (w1, w2), (0.3, -2.0))
    np.testing.assert_allclose(t, 0.3 * d1 - 2.0 * d2, rtol=1e-12)


@pytest.mark.parametrize("w1, w2", LECTURE_POINTS)
def test_lecture_vjp(w1, w2):
    value, d1, d2 = L_closed(w1, w2)
    v, vjp_fn = vjp(L, w1, w2)
    np.testing.assert_allclose(v, value, rtol=1e-12)
    np.testing.assert_allclose(vjp_fn(1.0), (d1, d2), rtol=1e-12)
    # the same tape swept again with another cotangent: scales linearly
    np.testing.assert_allclose(vjp_fn(np.float64(-2.5)), (-2.5 * d1, -2.5 * d2), rtol=1e-12)


def baydin(x1, x2):
    return anp.log(x1) + x1 * x2 - anp.sin(x2)


def test_baydin_example_reverse_mode():
    v, (g1, g2) = value_and_grad(baydin, argnums=(0, 1))(2.0, 5.0)
    assert round(float(v), 3) == 11.652
    assert round(float(g1), 3) == 5.5
    assert round(float(g2), 3) == 1.716
    np.testing.assert_allclose((g1, g2), (1 / 2 + 5, 2 - np.cos(5.0)), rtol=1e-14)
    _, vjp_fn = vjp(baydin, 2.0, 5.0)
    np.testing.assert_allclose(vjp_fn(1.0), (5.5, 2 - np.cos(5.0)), rtol=1e-14)


def test_baydin_example_forward_mode():
    v, t1 = jvp(baydin, (2.0, 5.0), (1.0, 0.0))
    _, t2 = jvp(baydin, (2.0, 5.0), (0.0, 1.0))
    assert round(float(v), 3) == 11.652
    assert round(float(t1), 3) == 5.5
    assert round(float(t2), 3) == 1.716
    np.testing.assert_allclose((t1, t2), (5.5, 2 - np.cos(5.0)), rtol=1e-14)


# ----------------------------------------------------------------------------------------------------------
# B. Nesting, without perturbation confusion
# ----------------------------------------------------------------------------------------------------------


def d_outer_by_grad(F, x0):
    return grad(F)(x0)


def d_outer_by_jvp(F, x0):
    return jvp(F, (x0,), (1.0,))[1]


def d_inner_by_grad(h, y0):
    """x ↦ ∂h/∂y (x, y0), by reverse mode (x is closed over: a constant for this derivative)."""
    return lambda x: grad(lambda y: h(x, y))(y0)


def d_inner_by_jvp(h, y0):
    return lambda x: jvp(lambda y: h(x, y), (y0,), (1.0,))[1]


OUTER = {"grad": d_outer_by_grad, "jvp": d_outer_by_jvp}
INNER = {"grad": d_inner_by_grad, "jvp": d_inner_by_jvp}


@pytest.mark.parametrize("outer", OUTER)
@pytest.mark.parametrize("inner", INNER)
def test_no_perturbation_confusion(outer, inner):
    """d/dx [x · d/dy (x + y)] = d/dx [x · 1] = 1 (a confused implementation gets 2)."""
    dh_dy = INNER[inner](lambda x, y: x + y, 2.0)
    for x0 in (1.0, -3.0, 0.25):
        assert OUTER[outer](lambda x: x * dh_dy(x), x0) == 1.0


@pytest.mark.parametrize("outer", OUTER)
@pytest.mark.parametrize("inner", INNER)
def test_nested_inner_derivative_depends_on_outer_variable(outer, inner):
    """d/dx [x · d/dy (x·y)] = d/dx [x²] = 2x; and d/dx [d/dy sin(x·y)] at y0 = cos(x y0) − x y0 sin(x y0)."""
    dh_dy = INNER[inner](lambda x, y: x * y, 2.0)
    for x0 in (1.0, 3.0, -0.5):
        np.testing.assert_allclose(OUTER[outer](lambda x: x * dh_dy(x), x0), 2 * x0, rtol=1e-14)
    y0 = 0.7
    dsin_dy = INNER[inner](lambda x, y: anp.sin(x * y), y0)  # = x cos(x y0)
    for x0 in (0.3, 1.9):
        expected = np.cos(x0 * y0) - x0 * y0 * np.sin(x0 * y0)
        np.testing.assert_allclose(OUTER[outer](dsin_dy, x0), expected, rtol=1e-12)


@pytest.mark.parametrize("x", [0.0, 0.4, 1.0, 2.5, -1.3])
def test_third_derivative_of_sin(x):
    np.testing.assert_allclose(grad(grad(grad(anp.sin)))(x), -np.cos(x), rtol=1e-14, atol=1e-15)
    # and every other mix of modes for the third derivative
    d2_fwd = lambda x: jvp(grad(anp.sin), (x,), (1.0,))[1]  # noqa: E731
    np.testing.assert_allclose(grad(d2_fwd)(x), -np.cos(x), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(jvp(grad(grad(anp.sin)), (x,), (1.0,))[1], -np.cos(x), rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("x", [0.4, 1.0, 2.5])
def test_jvp_of_grad_is_second_derivative(x):
    f = lambda x: anp.exp(anp.sin(x)) * x  # noqa: E731
    # f'' of x e^{sin x}: (e^{sin x})' = cos x e^{sin x}, (e^{sin x})'' = (cos²x − sin x) e^{sin x}
    e = np.exp(np.sin(x))
    expected = 2 * np.cos(x) * e + x * (np.cos(x) ** 2 - np.sin(x)) * e
    np.testing.assert_allclose(jvp(grad(f), (x,), (1.0,))[1], expected, rtol=1e-13)
    np.testing.assert_allclose(grad(grad(f))(x), expected, rtol=1e-13)
    # the primal output of jvp(grad f) is f'
    np.testing.assert_allclose(jvp(grad(f), (x,), (1.0,))[0], e + x * np.cos(x) * e, rtol=1e-13)


def test_grad_of_function_calling_grad_on_closure_over_outer_variable():
    def outer(x):
        inner = grad(lambda y: anp.sin(x * y) + x * y**2)  # ∂/∂y = x cos(x y) + 2 x y
        return inner(1.5) * x  # = x² cos(1.5 x) + 3 x²

    for x in (0.2, 1.0, -2.0):
        expected = 2 * x * np.cos(1.5 * x) - 1.5 * x**2 * np.sin(1.5 * x) + 6 * x
        np.testing.assert_allclose(grad(outer)(x), expected, rtol=1e-13)


def test_reverse_over_reverse_through_vjp_fn():
    g = lambda x: anp.sin(x) * x  # noqa: E731  g'(x) = cos x · x + sin x, elementwise

    def pullback_sum(x, v):
        _, vjp_fn = vjp(g, x)
        (ct,) = vjp_fn(v)  # v · g'(x)
        return anp.sum(ct * ct)  # Σ v² g'(x)²

    x = np.array([0.3, 1.2, -0.7, 2.0])
    v = np.array([1.0, 2.0, -0.5, 0.1])
    gp = np.cos(x) * x + np.sin(x)
    gpp = 2 * np.cos(x) - x * np.sin(x)
    dx, dv = grad(pullback_sum, argnums=(0, 1))(x, v)
    np.testing.assert_allclose(dx, 2 * v**2 * gp * gpp, rtol=1e-13)
    np.testing.assert_allclose(dv, 2 * v * gp**2, rtol=1e-13)


def f_cross(x):
    return anp.sum(anp.sin(x) * x**2) + x[0] * x[1] * x[2] + anp.exp(x[0] - x[2])


def f_cross_hessian(x):
    H = np.diag(2 * np.sin(x) + 4 * x * np.cos(x) - x**2 * np.sin(x))
    e = np.exp(x[0] - x[2])
    H[0, 0] += e
    H[2, 2] += e
    H[0, 2] = H[2, 0] = x[1] - e
    H[0, 1] = H[1, 0] = x[2]
    H[1, 2] = H[2, 1] = x[0]
    return H


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hessian_with_cross_terms_and_hvp(seed):
    rng = np.random.default_rng(seed)
    x, v = rng.normal(size=3), rng.normal(size=3)
    H = f_cross_hessian(x)
    np.testing.assert_allclose(hessian(f_cross)(x), H, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(jacrev(jacrev(f_cross))(x), H, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(jacfwd(jacfwd(f_cross))(x), H, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(hvp(f_cross, x, v), H @ v, rtol=1e-12, atol=1e-14)
    # forward-over-reverse by hand, and reverse-over-reverse: same product
    np.testing.assert_allclose(jvp(grad(f_cross), (x,), (v,))[1], H @ v, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(
        grad(lambda y: anp.vdot(grad(f_cross)(y), v))(x), H @ v, rtol=1e-12, atol=1e-14
    )


def test_hessian_of_two_arguments_has_jax_structure():
    """f(x, y) = x² y + sin(x y) + y³: hessian(argnums=(0, 1)) is ((f_xx, f_xy), (f_yx, f_yy)), as in JAX."""
    f = lambda x, y: x**2 * y + anp.sin(x * y) + y**3  # noqa: E731
    x, y = 1.0, 2.0
    fxx = 2 * y - y**2 * np.sin(x * y)
    fxy = 2 * x + np.cos(x * y) - x * y * np.sin(x * y)
    fyy = 6 * y - x**2 * np.sin(x * y)
    H = hessian(f, argnums=(0, 1))(x, y)
    assert isinstance(H, tuple) and len(H) == 2
    assert all(isinstance(row, tuple) and len(row) == 2 for row in H)
    np.testing.assert_allclose(np.array(H, dtype=float), [[fxx, fxy], [fxy, fyy]], rtol=1e-13)


def test_hessian_of_array_and_scalar_arguments():
    """f(w, s) = s · Σ w²: the blocks have shapes (2,2), (2,), (2,), () as in JAX."""
    f = lambda w, s: s * anp.sum(w**2)  # noqa: E731
    w, s = np.array([1.0, -2.0]), 3.0
    (Hww, Hws), (Hsw, Hss) = hessian(f, argnums=(0, 1))(w, s)
    np.testing.assert_allclose(Hww, 2 * s * np.eye(2))
    np.testing.assert_allclose(Hws, 2 * w)
    np.testing.assert_allclose(Hsw, 2 * w)
    np.testing.assert_allclose(Hss, 0.0)
    assert np.shape(Hww) == (2, 2) and np.shape(Hws) == (2,) and np.shape(Hsw) == (2,) and np.shape(Hss) == ()


def test_jacobians_of_pytree_outputs():
    """jacfwd/jacrev of f returning (array, {"a": array}): one Jacobian per output leaf, as in JAX."""
    f = lambda x: (anp.sin(x), {"a": x[0] * x})  # noqa: E731
    x = np.array([0.5, -1.0, 2.0])
    expected_a = np.diag(np.full(3, x[0]))
    expected_a[:, 0] += x
    for jac in (jacfwd, jacrev):
        J0, J1 = jac(f)(x)
        np.testing.assert_allclose(J0, np.diag(np.cos(x)), rtol=1e-14)
        assert set(J1) == {"a"}
        np.testing.assert_allclose(J1["a"], expected_a, rtol=1e-14)


# ----------------------------------------------------------------------------------------------------------
# C. Graphs of any depth; fan-out and fan-in in linear time
# ----------------------------------------------------------------------------------------------------------

DEEP = 20_000


def damped_chain(x, n=DEEP):
    for _ in range(n):
        x = anp.sin(x) * 0.5 + x * 0.5
    return x


def damped_chain_closed(x, n=DEEP):
    """x_n, dx_n/dx_0 and d²x_n/dx_0², by the chain rule written out step by step."""
    d, dd = 1.0, 0.0
    for _ in range(n):
        a = 0.5 * np.cos(x) + 0.5
        dd = -0.5 * np.sin(x) * d * d + a * dd
        d = a * d
        x = 0.5 * np.sin(x) + 0.5 * x
    return x, d, dd


def test_deep_chain_reverse_and_forward():
    """20 000 primitives deep, the recursion limit only ~150 frames above the test's own depth: neither the
    forward pass nor the backward sweep may use stack depth that grows with the graph's depth."""
    x0 = 0.7
    value, d, _ = damped_chain_closed(x0)
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack(0)) + 150)
    try:
        v_rev, g = value_and_grad(damped_chain)(x0)
        v_fwd, t = jvp(damped_chain, (x0,), (1.0,))
    finally:
        sys.setrecursionlimit(old)
    np.testing.assert_allclose(v_rev, value, rtol=1e-12)
    np.testing.assert_allclose(g, d, rtol=1e-10)
    np.testing.assert_allclose(v_fwd, value, rtol=1e-12)
    np.testing.assert_allclose(t, d, rtol=1e-10)


def test_deep_multiplicative_chain():
    def f(x):
        for _ in range(DEEP):
            x = x * 1.0001
        return x

    np.testing.assert_allclose(grad(f)(2.0), 1.0001**DEEP, rtol=1e-10)
    np.testing.assert_allclose(jvp(f, (2.0,), (1.0,))[1], 1.0001**DEEP, rtol=1e-10)


def test_nested_grad_of_deep_chain():
    n = 10_000
    x0 = 0.7
    _, d, dd = damped_chain_closed(x0, n)
    chain = lambda x: damped_chain(x, n)  # noqa: E731
    np.testing.assert_allclose(grad(grad(chain))(x0), dd, rtol=1e-9)
    np.testing.assert_allclose(jvp(grad(chain), (x0,), (1.0,)), (d, dd), rtol=1e-9)


def fan(x, n):
    """x → (x + x)/2, n times: every step uses its input twice (fan-out) and sums the two paths (fan-in).
    There are 2ⁿ paths from input to output; the derivative is exactly 1."""
    for _ in range(n):
        x = (x + x) / 2.0
    return x


@pytest.fixture
def rule_calls(monkeypatch):
    """Count the calls of the JVP and VJP rules of `add` and `divide` (the only primitives of `fan`)."""
    counts = {"jvp": 0, "vjp": 0}

    def counting(kind, rule):
        if rule is None:
            return None

        def counted(*args, **kwargs):
            counts[kind] += 1
            return rule(*args, **kwargs)

        return counted

    for prim in (anp.add, anp.divide):
        for kind in ("jvp", "vjp"):
            monkeypatch.setattr(prim, kind, tuple(counting(kind, r) for r in getattr(prim, kind)))
    return counts


def test_fan_out_fan_in_reverse_mode_is_linear(rule_calls):
    work = {}
    for n in (2000, 4000):
        rule_calls["vjp"] = 0
        assert grad(fan, argnums=0)(3.0, n) == 1.0  # exactly: halves and sums of powers of two
        work[n] = rule_calls["vjp"]
    # each step: one divide rule, at most two add rules (one per use of x); an implementation that follows
    # every path separately would need 2ⁿ
    assert 2000 <= work[2000] <= 3 * 2000
    assert 1.9 <= work[4000] / work[2000] <= 2.1
    assert rule_calls["jvp"] == 0


def test_fan_out_fan_in_forward_mode_is_linear(rule_calls):
    work = {}
    for n in (2000, 4000):
        rule_calls["jvp"] = 0
        v, t = jvp(lambda x, n=n: fan(x, n), (3.0,), (1.0,))
        assert v == 3.0 and t == 1.0
        work[n] = rule_calls["jvp"]
    assert 2000 <= work[2000] <= 3 * 2000
    assert 1.9 <= work[4000] / work[2000] <= 2.1
    assert rule_calls["vjp"] == 0


def test_fan_out_fan_in_second_order_is_linear(rule_calls):
    """Forward over reverse on the DAG: f'' = 0, and the work is still linear in n."""
    work = {}
    for n in (1000, 2000):
        rule_calls["jvp"] = rule_calls["vjp"] = 0
        assert jvp(grad(lambda x, n=n: fan(x, n)), (3.0,), (1.0,)) == (1.0, 0.0)
        work[n] = rule_calls["jvp"] + rule_calls["vjp"]
    assert work[1000] <= 20 * 1000
    assert 1.9 <= work[2000] / work[1000] <= 2.1


def test_fan_out_on_arrays_sums_all_uses():
    """One input used k times: its adjoint is the sum of the k contributions."""
    x = np.array([0.5, -1.0, 2.0])

    def f(x):
        return anp.sum(x * x * x + anp.sin(x) * x)  # x used five times

    np.testing.assert_allclose(grad(f)(x), 3 * x**2 + np.cos(x) * x + np.sin(x), rtol=1e-14)
    t = jvp(f, (x,), (np.ones(3),))[1]
    np.testing.assert_allclose(t, np.sum(3 * x**2 + np.cos(x) * x + np.sin(x)), rtol=1e-14)
