"""Custom derivative rules (``adlib.custom_jvp``/``custom_vjp``): used in both modes, nested, and like JAX's."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import adlib
import adlib.numpy as anp
from adlib.core import VJPTrace
from adlib.custom import custom_jvp, custom_vjp

jax.config.update("jax_enable_x64", True)

X = np.array([-1.5, 0.3, 2.0])


def make_scaled_identity(np_, custom):
    """f(x) = x whose rule says the derivative is 2: only a rule that is really used gives 2."""

    @custom
    def f(x):
        return x

    @f.defjvp
    def f_jvp(primals, tangents):
        return f(primals[0]), 2.0 * tangents[0]

    return f


def make_clip_gradient(np_, custom, lo=-0.5, hi=0.5):
    """The identity whose adjoint is clipped (the example of JAX's custom_vjp documentation)."""

    @custom
    def clip_gradient(x):
        return x

    clip_gradient.defvjp(lambda x: (x, None), lambda res, g: (np_.clip(g, lo, hi),))
    return clip_gradient


def make_softplus(np_, custom):
    """A numerically stable softplus with its derivative, the logistic function, given by hand."""

    @custom
    def softplus(x):
        return np_.log1p(np_.exp(-np_.abs(x))) + np_.maximum(x, 0.0)

    @softplus.defjvp
    def softplus_jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        return softplus(x), t / (1 + np_.exp(-x))

    return softplus


def test_custom_jvp_rule_is_used_in_both_modes():
    f = make_scaled_identity(anp, custom_jvp)
    fj = make_scaled_identity(jnp, jax.custom_jvp)
    assert adlib.grad(f)(1.5) == 2.0 == jax.grad(fj)(1.5)
    assert adlib.jvp(f, (1.5,), (1.0,))[1] == 2.0
    np.testing.assert_array_equal(adlib.jacrev(f)(X), 2 * np.eye(3))
    np.testing.assert_array_equal(adlib.jacfwd(f)(X), 2 * np.eye(3))


def test_custom_vjp_rule_is_used():
    f = make_clip_gradient(anp, custom_vjp)
    fj = make_clip_gradient(jnp, jax.custom_vjp)
    loss = lambda np_, f: lambda x: np_.sum(f(x) * np_.array([3.0, -0.1, -2.0]))
    np.testing.assert_allclose(adlib.grad(loss(anp, f))(X), [0.5, -0.1, -0.5])
    np.testing.assert_allclose(adlib.grad(loss(anp, f))(X), jax.grad(loss(jnp, fj))(X))


@pytest.mark.parametrize("x", [-30.0, -1.0, 0.3, 4.0, 40.0])
def test_softplus_first_and_second_derivatives_match_jax(x):
    f, fj = make_softplus(anp, custom_jvp), make_softplus(jnp, jax.custom_jvp)
    for d_adlib, d_jax in [
        (adlib.grad(f), jax.grad(fj)),
        (adlib.grad(adlib.grad(f)), jax.grad(jax.grad(fj))),
        (lambda x: adlib.jvp(adlib.grad(f), (x,), (1.0,))[1], lambda x: jax.jvp(jax.grad(fj), (x,), (1.0,))[1]),
        (lambda x: adlib.jvp(f, (x,), (1.0,))[1], lambda x: jax.jvp(fj, (x,), (1.0,))[1]),
    ]:
        np.testing.assert_allclose(d_adlib(x), d_jax(x), rtol=1e-13, atol=1e-300)


def test_custom_vjp_of_two_arguments_nested():
    @custom_vjp
    def mul(x, y):
        return x * y

    mul.defvjp(lambda x, y: (x * y, (x, y)), lambda res, g: (g * res[1], g * res[0]))
    y = X + 1.0
    g = adlib.grad(lambda a, b: anp.sum(mul(a, b) ** 2), argnums=(0, 1))(X, y)
    g_ref = jax.grad(lambda a, b: jnp.sum((a * b) ** 2), argnums=(0, 1))(X, y)
    np.testing.assert_allclose(g[0], g_ref[0], rtol=1e-14)
    np.testing.assert_allclose(g[1], g_ref[1], rtol=1e-14)
    h = adlib.hessian(lambda a: anp.sum(mul(a, a) ** 2))(X)
    np.testing.assert_allclose(h, jax.hessian(lambda a: jnp.sum((a * a) ** 2))(X), rtol=1e-12)
    # perturbation confusion through a custom rule: d/dx [x · d/dy mul(x, y)] = 2x
    assert adlib.grad(lambda x: x * adlib.grad(lambda y: mul(x, y))(1.0))(2.0) == 4.0


def test_custom_rule_records_one_node():
    counts = []
    for fun in (make_softplus(anp, custom_jvp), lambda x: anp.log1p(anp.exp(-anp.abs(x))) + anp.maximum(x, 0.0)):
        with VJPTrace() as trace:
            fun(trace.new_input(X))
        counts.append(len(trace.tape))
    assert counts[0] == 2 and counts[1] > 4, counts  # the input and one node, against the whole expression


def test_missing_rules_and_bad_bwd_are_clear_errors():
    @custom_jvp
    def f(x):
        return x

    with pytest.raises(TypeError, match="defjvp"):
        adlib.grad(f)(1.0)

    @custom_vjp
    def g(x, y):
        return x * y

    with pytest.raises(TypeError, match="defvjp"):
        adlib.grad(g)(1.0, 2.0)
    g.defvjp(lambda x, y: (x * y, None), lambda res, ct: ct)  # one adjoint, not a tuple of two
    with pytest.raises(ValueError, match="one adjoint per argument"):
        adlib.grad(g)(1.0, 2.0)
