"""The functions adlib.numpy gained in issue 18, at their special points, and their clear errors.

The JAX cross-checks and ``check_grads`` of ``functions.py`` test every new function at ordinary points; here are
the points where a careless rule goes wrong (``prod`` at zeros, ``sinc`` at 0, ``mod`` across signs,
``nan_to_num`` where it replaces), NumPy's own functions called on traced values, the keywords adlib refuses, and a
test that every primitive of adlib.numpy is exercised by a case of ``functions.py``.
"""

import jax

jax.config.update("jax_enable_x64", True)  # before any JAX array exists

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from functions import CASES  # noqa: E402

import adlib  # noqa: E402
import adlib.numpy as anp  # noqa: E402
from adlib import grad, hessian, jvp  # noqa: E402
from adlib.core import JVPTrace, Primitive  # noqa: E402

RNG = np.random.default_rng(18)
X = RNG.uniform(0.2, 0.8, (3, 3))  # inside the domain of every function below
T = RNG.standard_normal((3, 3))


# ----------------------------------------------------------------------------------------------------------
# special points, against JAX (float64) or the exact value
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("x", [[0.0, 2.0, 3.0], [0.0, 0.0, 3.0], [0.0, 0.0, 0.0], [1.5, -2.0, 0.5]])
def test_prod_at_zeros_first_and_second_derivatives_match_jax(x):
    x = np.array(x)
    np.testing.assert_allclose(grad(anp.prod)(x), jax.grad(jnp.prod)(x), rtol=1e-12, atol=0)
    np.testing.assert_allclose(hessian(anp.prod)(x), jax.hessian(jnp.prod)(x), rtol=1e-12, atol=0)
    cumprod = lambda np_: lambda x: np_.sum(np_.cumprod(x) * np_.arange(1.0, 4.0))  # noqa: E731
    np.testing.assert_allclose(hessian(cumprod(anp))(x), jax.hessian(cumprod(jnp))(x), rtol=1e-12, atol=0)


def test_sinc_at_0_every_derivative_is_the_limit():
    """sinc(x) = Σ (−1)^k (πx)^2k / (2k+1)!: the 2k-th derivative at 0 is (−1)^k π^2k / (2k+1), odd ones are 0."""
    exact = [1.0, 0.0, -np.pi**2 / 3, 0.0, np.pi**4 / 5]
    f = anp.sinc
    for order in range(5):
        np.testing.assert_allclose(f(0.0), exact[order], rtol=1e-14, atol=1e-14)
        f = grad(f)
    second_fwd = jvp(lambda s: jvp(anp.sinc, (s,), (1.0,))[1], (0.0,), (1.0,))[1]
    np.testing.assert_allclose(second_fwd, exact[2], rtol=1e-14)


@pytest.mark.parametrize("x, y", [(5.3, 2.0), (5.3, -2.0), (-5.3, 2.0), (-5.3, -2.0), (0.7, 0.25)])
@pytest.mark.parametrize("name", ["mod", "fmod"])
def test_mod_and_fmod_derivatives_match_jax(name, x, y):
    """∂(x mod y)/∂y = −floor(x/y), ∂fmod(x, y)/∂y = −trunc(x/y); both are 1 in x."""
    ours = grad(getattr(anp, name), argnums=(0, 1))(x, y)
    np.testing.assert_allclose(ours, jax.grad(getattr(jnp, name), argnums=(0, 1))(x, y), rtol=1e-14)
    assert grad(lambda y: x % y)(y) == -np.floor(x / y)


def test_nan_to_num_derivative_is_1_where_finite_and_0_where_replaced():
    x = np.array([1.5, np.inf, np.nan, -np.inf])
    expected = jax.grad(lambda x: jnp.sum(jnp.nan_to_num(x)))(x)
    np.testing.assert_array_equal(grad(lambda x: anp.sum(anp.nan_to_num(x)))(x), expected)
    np.testing.assert_array_equal(expected, [1.0, 0.0, 0.0, 0.0])
    value, tangent = jvp(lambda x: anp.nan_to_num(x, nan=0.5, posinf=2.0, neginf=-3.0), (x,), (np.ones(4),))
    np.testing.assert_array_equal(value, [1.5, 2.0, 0.5, -3.0])
    np.testing.assert_array_equal(tangent, [1.0, 0.0, 0.0, 0.0])


def test_sort_gradient_follows_the_permutation():
    x = np.array([0.3, -1.0, 2.0, 0.1])
    w = np.array([1.0, 2.0, 3.0, 4.0])
    np.testing.assert_array_equal(grad(lambda x: anp.sum(anp.sort(x) * w))(x), w[np.argsort(np.argsort(x))])


# ----------------------------------------------------------------------------------------------------------
# NumPy's own functions on traced values reach adlib.numpy's (__array_ufunc__ and __array_function__)
# ----------------------------------------------------------------------------------------------------------

UNARY = """arcsin arccos arcsinh arccosh arctanh log2 log10 exp2 fabs reciprocal sinc deg2rad rad2deg radians degrees
nan_to_num prod cumsum cumprod diff var std trace diag diagonal tril triu ravel copy flip fliplr flipud rot90 sort
atleast_1d atleast_2d atleast_3d""".split()
BINARY = "arctan2 hypot logaddexp logaddexp2 mod remainder fmod fmax fmin kron inner tensordot dot".split()


def _jvp_both(f_numpy, f_adlib, x):
    return jvp(f_numpy, (x,), (T,)), jvp(f_adlib, (x,), (T,))


@pytest.mark.parametrize("name", UNARY)
def test_numpy_unary_function_on_traced_value_is_adlibs(name):
    x = X + 1.0 if name == "arccosh" else X
    ours, theirs = _jvp_both(lambda x: getattr(np, name)(x), lambda x: getattr(anp, name)(x), x)
    np.testing.assert_allclose(ours, theirs, rtol=1e-14)


@pytest.mark.parametrize("name", BINARY)
def test_numpy_binary_function_on_traced_value_is_adlibs(name):
    c = X[::-1] + 0.1
    for f_numpy, f_adlib in [(lambda x: getattr(np, name)(x, c), lambda x: getattr(anp, name)(x, c)),
                             (lambda x: getattr(np, name)(c, x), lambda x: getattr(anp, name)(c, x))]:
        ours, theirs = _jvp_both(f_numpy, f_adlib, X)
        np.testing.assert_allclose(ours, theirs, rtol=1e-14)


def test_numpy_functions_with_more_arguments_on_traced_values():
    f = lambda x: (np.einsum("ij,jk", x, x) + np.take(x, [2, 0], axis=1).sum() + np.repeat(x, 2, axis=0)[::2]  # noqa: E731
                   + np.tile(x, 1) + np.roll(x, 1, axis=0) + np.pad(x, 1)[1:-1, 1:-1] + np.split(x, 3)[1]
                   + np.hstack([x[:, :1], x[:, 1:]]) + np.vstack([x[:1], x[1:]]) + np.select([x > 0.5], [x])
                   + np.cross(x, x[::-1]) + np.take_along_axis(x, np.argsort(x), 1) + np.column_stack([x]))
    g = lambda x: (anp.einsum("ij,jk", x, x) + anp.take(x, [2, 0], axis=1).sum() + anp.repeat(x, 2, axis=0)[::2]  # noqa: E731
                   + anp.tile(x, 1) + anp.roll(x, 1, axis=0) + anp.pad(x, 1)[1:-1, 1:-1] + anp.split(x, 3)[1]
                   + anp.hstack([x[:, :1], x[:, 1:]]) + anp.vstack([x[:1], x[1:]]) + anp.select([x > 0.5], [x])
                   + anp.cross(x, x[::-1]) + anp.take_along_axis(x, np.argsort(x), 1) + anp.column_stack([x]))
    ours, theirs = _jvp_both(f, g, X)
    np.testing.assert_allclose(ours, theirs, rtol=1e-14)
    np.testing.assert_allclose(ours[0], f(X), rtol=1e-14)  # and the same value as NumPy untraced


# ----------------------------------------------------------------------------------------------------------
# what adlib cannot honour is a clear error
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("call, error, match", [
    (lambda x: anp.pad(x, 1, mode="edge"), NotImplementedError, "mode='constant' only.*concatenate"),
    (lambda x: anp.einsum(x, [0, 1], [1]), NotImplementedError, "subscripts as a string"),
    (lambda x: anp.einsum("ij,jk->ik", x), ValueError, "name 2 operands, 1 were given"),
    (lambda x: anp.cross(x[:, :2], x[:, :2]), ValueError, "3 components"),
    (lambda x: anp.ravel(x, order="K"), ValueError, "order='K'.*'C' or 'F'"),
    (lambda x: x.flatten("A"), ValueError, "order='A'"),
    (lambda x: anp.sort(x, order="f0"), NotImplementedError, "order="),
    (lambda x: anp.split(x, 2), ValueError, "equal division"),
    (lambda x: anp.var(x, 0, np.float64), TypeError, "positional"),
    (lambda x: anp.pad(x, 1, constant_values=x[0]), NotImplementedError, "scalar"),
    (lambda x: anp.take(x, [0], mode="fill"), ValueError, "'raise', 'wrap' or 'clip'"),
])
def test_what_adlib_cannot_honour_is_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        grad(lambda x: anp.sum(call(x)))(X)


# ----------------------------------------------------------------------------------------------------------
# every primitive of adlib.numpy, linalg and scipy.special has a case in functions.py
# ----------------------------------------------------------------------------------------------------------

ONLY_IN_RULES = {"untake"}  # the transpose of getitem: used by reverse mode, checked through every indexing case


def test_every_primitive_of_adlib_numpy_is_used_by_a_case(monkeypatch):
    used = set()
    process = JVPTrace.process

    def recording(self, prim, *args):
        used.add(prim.name)
        return process(self, prim, *args)

    monkeypatch.setattr(JVPTrace, "process", recording)
    for case in CASES:
        adlib.jvp(lambda *xs, case=case: case.fun(anp, *xs), case.args, case.args)
    from adlib.numpy import linalg
    from adlib.scipy import special

    primitives = {p.name for m in (anp.numpy_wrapper, linalg, special) for p in vars(m).values()
                  if isinstance(p, Primitive)}
    missing = sorted(primitives - used - ONLY_IN_RULES)
    assert not missing, f"primitives without a case in tests/adlib/functions.py: {missing}"


def test_method_trace_of_a_traced_value_says_to_use_the_function():
    with pytest.raises(TypeError, match=r"numpy\.trace\(x\)"):
        grad(lambda x: x.trace())(X)
    assert grad(lambda x: np.trace(x))(X).tolist() == np.eye(3).tolist()
