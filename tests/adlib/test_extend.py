"""adlib.extend: the one way to give a primitive its rules (per argument, or all arguments at once), used by
adlib.numpy itself, custom_jvp/custom_vjp and checkpoint."""

import numpy as np
import pytest

import adlib
import adlib.numpy as anp
from adlib.core import VJPTrace
from adlib.extend import NonDifferentiable, Primitive
from adlib.testing import check_grads


def _sigmoid(x):
    return 1 / (1 + anp.exp(-x))


def test_a_new_primitive_takes_one_line_and_two_rules():
    softplus = Primitive(lambda x: np.logaddexp(0.0, x), "softplus")
    softplus.defjvp(lambda t, ans, x: t * _sigmoid(x)).defvjp(lambda g, ans, x: g * _sigmoid(x))
    x = np.array([-2.0, 0.3, 4.0])
    np.testing.assert_allclose(adlib.grad(lambda x: anp.sum(softplus(x)))(x), 1 / (1 + np.exp(-x)), rtol=1e-14)
    check_grads(softplus, (x,), order=2)


def test_a_wrong_rule_is_caught_by_check_grads():
    bad = Primitive(lambda x: np.logaddexp(0.0, x), "softplus_sign_error")
    bad.defjvp(lambda t, ans, x: -t * _sigmoid(x)).defvjp(lambda g, ans, x: -g * _sigmoid(x))
    with pytest.raises(AssertionError):
        check_grads(bad, (np.array([0.5, 1.0]),), order=1)


def test_vjp_all_runs_once_per_backward_step_for_all_traced_arguments():
    calls = []

    def vjp_all(g, ans, x, y, z):
        calls.append(1)
        return g * y * z, g * x * z, g * x * y

    product3 = Primitive(lambda x, y, z: x * y * z, "product3", nargs=3).defvjp_all(vjp_all)
    grads = adlib.grad(product3, argnums=(0, 1, 2))(2.0, 3.0, 5.0)
    assert grads == (15.0, 10.0, 6.0)
    assert len(calls) == 1  # three adjoints from one call, not one call per argument


def test_jvp_all_sees_none_for_constant_arguments():
    seen = []

    def jvp_all(tangents, ans, x, y):
        seen.append(tuple(t is None for t in tangents))
        return sum(t * d for t, d in zip(tangents, (y, x)) if t is not None)

    mul = Primitive(lambda x, y: x * y, "mul", nargs=2).defjvp_all(jvp_all)
    assert adlib.jvp(lambda x: mul(x, 4.0), (3.0,), (1.0,))[1] == 4.0
    assert adlib.jvp(lambda x: mul(x, x), (3.0,), (1.0,))[1] == 6.0
    assert seen == [(False, True), (False, False)]


def test_per_argument_rule_of_an_all_arguments_primitive():
    # tools that look at one edge at a time (the course's evaluation traces) get a per-argument rule
    mul = Primitive(lambda x, y: x * y, "mul", nargs=2)
    mul.defjvp_all(lambda ts, ans, x, y: sum(t * d for t, d in zip(ts, (y, x)) if t is not None))
    mul.defvjp_all(lambda g, ans, x, y: (g * y, g * x))
    assert mul.rule("jvp", 1)(1.0, 6.0, 2.0, 3.0) == 2.0
    assert mul.rule("vjp", 0)(1.0, 6.0, 2.0, 3.0) == 3.0


def test_a_missing_rule_is_a_clear_error_at_the_users_line():
    half = Primitive(lambda x, y: x * y, "half_ruled", nargs=2).defvjp(lambda g, ans, x, y: g * y, None)
    with pytest.raises(TypeError, match="cannot differentiate 'half_ruled' with respect to its argument 1"):
        adlib.grad(half, argnums=1)(2.0, 3.0)
    with pytest.raises(TypeError, match="no JVP rule"):
        adlib.jvp(lambda x: half(x, 1.0), (2.0,), (1.0,))


def test_non_differentiable_runs_on_plain_values():
    step = NonDifferentiable(lambda x: np.where(x > 0, 1.0, 0.0), "step")
    assert adlib.grad(lambda x: step(x) * x)(2.0) == 1.0


def test_checkpoint_is_a_callable_of_the_library_with_jax_meaning():
    def block(x):
        for _ in range(10):
            x = anp.sin(x) * 1.1
        return x

    f_plain = lambda x: anp.sum(block(x) ** 2)
    f_ckpt = lambda x: anp.sum(adlib.checkpoint(block)(x) ** 2)
    x = np.linspace(-1.0, 1.0, 5)
    np.testing.assert_allclose(adlib.grad(f_ckpt)(x), adlib.grad(f_plain)(x), rtol=1e-14)
    np.testing.assert_allclose(adlib.hessian(f_ckpt)(x), adlib.hessian(f_plain)(x), rtol=1e-12)
    np.testing.assert_allclose(adlib.jvp(f_ckpt, (x,), (np.ones(5),))[1],
                               adlib.jvp(f_plain, (x,), (np.ones(5),))[1], rtol=1e-14)

    def tape_length(f, x):
        with VJPTrace() as trace:
            f(trace.new_input(x))
        return len(trace.tape)

    assert tape_length(f_ckpt, x) < tape_length(f_plain, x) - 15  # 20 nodes of the block become one
    with pytest.raises(TypeError, match="expects a function"):
        adlib.checkpoint(3.0)
