"""Bad input gets a clear error, raw NumPy on traced values is either right or refused, and outputs have the
types of the inputs.

D. errors: non-scalar output of grad, integer and non-numeric inputs, mismatched tangents, NumPy functions and
   conversions applied to traced values, in-place assignment, leaked traced values, argnums out of range;
   log/sqrt outside their domain behave like NumPy (nan/inf and a RuntimeWarning, no exception);
E. output types: float in → np.float64 out, float32 arrays → float32 arrays, tuples for argnums tuples,
   pytrees of the inputs' structure.
"""

import math
import re

import numpy as np
import pytest

import adlib
import adlib.numpy as anp
from adlib import grad, jacfwd, jacrev, jvp, value_and_grad, vjp

X = np.array([0.5, -1.0, 2.0])


def _each_mode(f, x):
    """The derivative of a scalar f at array x by reverse mode and by forward mode (all basis directions)."""
    g = grad(f)(x)
    t = np.array([jvp(f, (x,), (e,))[1] for e in np.eye(x.size)])
    return g, t


# ----------------------------------------------------------------------------------------------------------
# grad needs a scalar output
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(3,), (1,), (2, 3)])
def test_grad_of_non_scalar_output(shape):
    x = np.ones(shape)
    with pytest.raises(TypeError, match=r"scalar.*" + re.escape(str(shape))):
        grad(lambda x: anp.sin(x))(x)
    with pytest.raises(TypeError, match=r"scalar.*" + re.escape(str(shape))):
        value_and_grad(lambda x: x * 2.0)(x)


def test_grad_of_non_float_output():
    with pytest.raises(TypeError, match="float"):
        grad(lambda x: 1)(2.0)
    with pytest.raises(TypeError, match="scalar"):
        grad(lambda x: None)(2.0)


def test_grad_of_constant_float_output_is_zero():
    assert grad(lambda x: 1.0)(2.0) == 0.0
    np.testing.assert_array_equal(grad(lambda x: 1.0)(np.ones(3)), np.zeros(3))


# ----------------------------------------------------------------------------------------------------------
# inputs must be floats
# ----------------------------------------------------------------------------------------------------------

BAD_INPUTS = [
    pytest.param(3, "int", id="python-int"),
    pytest.param(True, "bool", id="python-bool"),
    pytest.param(np.arange(3), "int64", id="int-array"),
    pytest.param(np.int32(4), "int32", id="numpy-int-scalar"),
    pytest.param("abc", "str", id="string"),
    pytest.param(np.array([1 + 2j]), "complex128", id="complex-array"),
]


@pytest.mark.parametrize("bad, what", BAD_INPUTS)
def test_grad_rejects_non_float_inputs(bad, what):
    with pytest.raises(TypeError, match=rf"needs float inputs.*{what}"):
        grad(lambda x: anp.sum(x * 2.0))(bad)
    with pytest.raises(TypeError, match=rf"needs float inputs.*{what}"):
        grad(lambda x, y: anp.sum(x * y), argnums=1)(1.0, bad)
    # a bad argument that is not differentiated is fine: it is a constant
    assert grad(lambda x, y: x * 2.0)(1.0, bad) == 2.0


@pytest.mark.parametrize("bad, what", BAD_INPUTS)
def test_vjp_rejects_non_float_inputs(bad, what):
    with pytest.raises(TypeError, match=rf"needs float inputs.*{what}"):
        vjp(lambda x: x * 2.0, bad)


@pytest.mark.parametrize("bad, what", BAD_INPUTS)
def test_jvp_rejects_non_float_primals_and_tangents(bad, what):
    with pytest.raises(TypeError, match=rf"needs float inputs.*primal 0.*{what}"):
        jvp(lambda x: x * 2.0, (bad,), (np.ones(np.shape(bad)) if np.ndim(bad) else 1.0,))
    with pytest.raises(TypeError, match=rf"needs float inputs.*tangent 0.*{what}"):
        jvp(lambda x: x * 2.0, (np.ones(np.shape(bad)) if np.ndim(bad) else 1.0,), (bad,))


@pytest.mark.parametrize("op", [jacfwd, jacrev])
def test_jacobians_reject_integer_inputs(op):
    with pytest.raises(TypeError, match="needs float inputs"):
        op(lambda x: x * 2.0)(np.arange(3))


# ----------------------------------------------------------------------------------------------------------
# jvp: tangents must match the primals
# ----------------------------------------------------------------------------------------------------------


def test_jvp_tangent_count_mismatch_names_both_counts():
    with pytest.raises(ValueError, match=r"2 primals.*1 tangent"):
        jvp(lambda x, y: x * y, (1.0, 2.0), (1.0,))
    with pytest.raises(ValueError, match=r"1 primals.*3 tangent"):
        jvp(lambda x: x, (1.0,), (1.0, 1.0, 1.0))


@pytest.mark.parametrize(
    "p_shape, t_shape", [((3,), (4,)), ((2, 3), (3, 2)), ((), (1,)), ((3,), ())], ids=str
)
def test_jvp_tangent_shape_mismatch_names_both_shapes(p_shape, t_shape):
    p = np.ones(p_shape) if p_shape else 1.0
    t = np.ones(t_shape) if t_shape else 1.0
    with pytest.raises(ValueError, match=re.escape(str(t_shape)) + r".*" + re.escape(str(p_shape))):
        jvp(lambda x: x * 2.0, (p,), (t,))


def test_jvp_tangent_structure_mismatch():
    with pytest.raises(ValueError, match="structure"):
        jvp(lambda d: d["a"] * 2.0, ({"a": 1.0},), ([1.0],))


def test_jvp_needs_tuples():
    with pytest.raises(TypeError, match="tuples"):
        jvp(lambda x: x, np.ones(3), np.ones(3))


def test_vjp_cotangent_shape_mismatch():
    _, vjp_fn = vjp(lambda x: x * 2.0, np.ones(3))
    with pytest.raises(ValueError, match=r"\(2,\).*\(3,\)"):
        vjp_fn(np.ones(2))


# ----------------------------------------------------------------------------------------------------------
# raw NumPy applied to traced values: right, or a clear error — never a silent zero
# ----------------------------------------------------------------------------------------------------------

UFUNC_PAIRS = [
    (np.sin, anp.sin), (np.cos, anp.cos), (np.exp, anp.exp), (np.tanh, anp.tanh), (np.square, anp.square),
    (np.abs, anp.abs), (np.negative, anp.negative), (np.arctan, anp.arctan), (np.log1p, anp.log1p),
]  # fmt: skip


@pytest.mark.parametrize("raw, ours", UFUNC_PAIRS, ids=lambda f: getattr(f, "__name__", "?"))
def test_numpy_ufunc_on_traced_value_is_differentiated(raw, ours):
    x = np.array([0.5, -0.3, 2.0])
    g_raw, t_raw = _each_mode(lambda x: anp.sum(raw(x)), x)
    g_ours, t_ours = _each_mode(lambda x: anp.sum(ours(x)), x)
    np.testing.assert_allclose(g_raw, g_ours, rtol=1e-14)
    np.testing.assert_allclose(t_raw, g_ours, rtol=1e-14)
    np.testing.assert_allclose(t_ours, g_ours, rtol=1e-14)
    assert np.all(g_raw != 0) or raw is np.abs


def test_numpy_sin_inside_grad_gives_cos():
    for x in (0.0, 1.0, -2.0):
        assert grad(lambda x: np.sin(x))(x) == pytest.approx(np.cos(x), rel=1e-15)
        assert jvp(lambda x: np.sin(x), (x,), (1.0,))[1] == pytest.approx(np.cos(x), rel=1e-15)


def test_numpy_binary_ufuncs_with_plain_array_on_either_side():
    a = np.array([2.0, 3.0, -1.0])
    f = lambda x: np.sum(np.multiply(a, x) + np.add(x, a) * x - np.divide(x, a) + np.maximum(x, 0.0))  # noqa
    expected = a + a + 2 * X - 1 / a + (X > 0)
    g, t = _each_mode(f, X)
    np.testing.assert_allclose(g, expected, rtol=1e-14)
    np.testing.assert_allclose(t, expected, rtol=1e-14)
    # operators with a NumPy array on the left go through __array_ufunc__ too
    g = grad(lambda x: np.sum(a * x + a / x - a - x))(X)
    np.testing.assert_allclose(g, a - a / X**2 - 1, rtol=1e-14)


def test_numpy_array_functions_on_traced_values():
    """numpy.sum/mean/dot/linalg.norm/... dispatch to adlib.numpy via __array_function__."""
    A = np.array([[1.0, 2.0, 0.5], [-1.0, 0.0, 3.0]])

    def raw(x):
        return (np.sum(x**3) + np.mean(x) + np.dot(A, x) @ np.ones(2) + np.linalg.norm(x)
                + np.sum(np.reshape(x, (3, 1)) * np.transpose(np.reshape(x, (3, 1)))) + np.max(x)
                + np.sum(np.where(x > 0, x, 0.0)) + np.sum(np.clip(x, -0.5, 1.0)))  # fmt: skip

    def ours(x):
        return (anp.sum(x**3) + anp.mean(x) + anp.dot(A, x) @ anp.ones(2) + anp.linalg.norm(x)
                + anp.sum(anp.reshape(x, (3, 1)) * anp.transpose(anp.reshape(x, (3, 1)))) + anp.max(x)
                + anp.sum(anp.where(x > 0, x, 0.0)) + anp.sum(anp.clip(x, -0.5, 1.0)))  # fmt: skip

    expected = (3 * X**2 + 1 / 3 + A.T @ np.ones(2) + X / np.linalg.norm(X) + 2 * np.sum(X)
                + (X == X.max()) + (X > 0) + ((X > -0.5) & (X < 1.0)))  # fmt: skip
    g_raw, t_raw = _each_mode(raw, X)
    g_ours, _ = _each_mode(ours, X)
    np.testing.assert_allclose(g_raw, expected, rtol=1e-13)
    np.testing.assert_allclose(t_raw, expected, rtol=1e-13)
    np.testing.assert_allclose(g_ours, expected, rtol=1e-13)
    assert raw(X) == pytest.approx(ours(X), rel=1e-15)


@pytest.mark.parametrize(
    "convert",
    [np.asarray, np.array, float, np.float64, math.sin, lambda x: np.array([x, 1.0])],
    ids=["np.asarray", "np.array", "float", "np.float64", "math.sin", "np.array-of-list"],
)
@pytest.mark.parametrize("mode", ["grad", "jvp", "vjp"])
def test_conversion_of_traced_value_to_plain_is_a_type_error(convert, mode):
    def f(x):
        return anp.sin(x) * convert(x)  # would silently drop the second term's derivative

    with pytest.raises(TypeError, match="traced value"):
        if mode == "grad":
            grad(f)(0.5)
        elif mode == "jvp":
            jvp(f, (0.5,), (1.0,))
        else:
            vjp(f, 0.5)


def test_int_conversion_and_casts_of_traced_value():
    with pytest.raises(TypeError, match="traced value"):
        grad(lambda x: x * int(x))(2.0)
    # a cast to int is a constant (piecewise constant: derivative 0), as in JAX: d/dx [int(x)·x] = int(x)
    np.testing.assert_array_equal(grad(lambda x: anp.sum(x.astype(int) * x))(np.array([1.5, -2.5])), [1.0, -2.0])
    # a cast to float keeps the derivative
    np.testing.assert_allclose(grad(lambda x: anp.sum(x.astype(np.float64) ** 2))(X), 2 * X)


def test_unwrapped_numpy_function_says_how_to_add_a_rule():
    with pytest.raises(TypeError, match=r"nancumsum.*rules\.py"):
        grad(lambda x: np.sum(np.nancumsum(x)))(X)
    with pytest.raises(TypeError, match=r"nancumsum.*rules\.py"):
        jvp(lambda x: np.nancumsum(x), (X,), (X,))
    with pytest.raises(AttributeError, match=r"nancumsum.*rules\.py"):
        grad(lambda x: anp.sum(anp.nancumsum(x)))(X)
    with pytest.raises(TypeError, match=r"nanprod.*rules\.py"):
        grad(lambda x: np.nanprod(x))(X)
    with pytest.raises(TypeError, match=r"cbrt.*rules\.py"):  # a ufunc
        grad(lambda x: np.sum(np.cbrt(x)))(X)
    with pytest.raises(TypeError, match=r"rules\.py"):  # a ufunc method
        grad(lambda x: np.add.reduce(x))(X)
    with pytest.raises(AttributeError, match="has no attribute"):  # not a NumPy name at all
        anp.definitely_not_numpy  # noqa: B018


# ----------------------------------------------------------------------------------------------------------
# in-place assignment
# ----------------------------------------------------------------------------------------------------------


def test_setitem_on_traced_array_is_a_clear_error():
    def f(x):
        x[0] = 1.0
        return anp.sum(x)

    with pytest.raises(TypeError, match="immutable"):
        grad(f)(X.copy())
    with pytest.raises(TypeError, match="immutable"):
        jvp(f, (X.copy(),), (np.ones(3),))

    def g(x):
        x[1:] += 1.0
        return anp.sum(x)

    with pytest.raises(TypeError, match="immutable"):
        grad(g)(X.copy())


@pytest.mark.parametrize("op", ["+=", "-=", "*=", "/="])
def test_inplace_numpy_array_with_traced_value_is_a_clear_error(op):
    def f(x):
        a = np.ones(3)
        exec(f"a {op} x")
        return anp.sum(a)

    with pytest.raises(TypeError, match="in-place"):
        grad(f)(X.copy())
    with pytest.raises(TypeError, match="in-place"):
        jvp(f, (X.copy(),), (np.ones(3),))


def test_out_argument_with_traced_value_is_a_clear_error():
    with pytest.raises(TypeError, match="in-place"):
        grad(lambda x: np.sum(np.sin(x, out=np.empty(3))))(X)


def test_storing_traced_value_into_numpy_array_raises():
    """`a[0] = x` with a traced x cannot be differentiated: it must raise, never store a plain number."""

    def whole(x):
        a = np.zeros(3)
        a[:] = x
        return anp.sum(a * x)

    with pytest.raises(TypeError, match="traced value"):
        grad(whole)(X)

    def element(x):
        a = np.zeros(3)
        a[0] = x[0]
        return anp.sum(a * x)

    with pytest.raises((TypeError, ValueError)):
        grad(element)(X)


def test_functional_update_instead_of_inplace():
    """The alternatives the error messages suggest are differentiated: where, concatenate, x = x + 1."""

    def f(x):
        y = anp.where(np.arange(3) == 0, 1.0, x)
        z = anp.concatenate([x[:1] * 0.0 + 2.0, x[1:]])
        x = x + 1.0  # rebinding, not in place
        return anp.sum(y * z * x)

    expected = np.array([0.0, 2 * X[1] * (X[1] + 1) + X[1] ** 2, 2 * X[2] * (X[2] + 1) + X[2] ** 2])
    expected[0] = 1.0 * 2.0
    g, t = _each_mode(f, X)
    np.testing.assert_allclose(g, expected, rtol=1e-14)
    np.testing.assert_allclose(t, expected, rtol=1e-14)


# ----------------------------------------------------------------------------------------------------------
# outside the domain: like NumPy (nan/inf with a RuntimeWarning), for the value and the derivative
# ----------------------------------------------------------------------------------------------------------


def test_log_of_zero_reverse_mode():
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        v, g = value_and_grad(anp.log)(0.0)
    assert v == -np.inf and g == np.inf


def test_log_of_zero_forward_mode():
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        v, t = jvp(anp.log, (0.0,), (1.0,))
    assert v == -np.inf and t == np.inf


def test_log_of_zero_vjp_with_python_float_cotangent():
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        v, vjp_fn = vjp(anp.log, 0.0)
        (g,) = vjp_fn(1.0)
    assert v == -np.inf and g == np.inf


def test_log_of_negative():
    with pytest.warns(RuntimeWarning, match="invalid value"):
        v, g = value_and_grad(anp.log)(-1.0)
    assert np.isnan(v) and g == -1.0  # 1/x, as NumPy's formula (and JAX) give
    with pytest.warns(RuntimeWarning, match="invalid value"):
        v, t = jvp(anp.log, (-1.0,), (1.0,))
    assert np.isnan(v) and t == -1.0


def test_sqrt_at_zero_and_below():
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        v, g = value_and_grad(anp.sqrt)(0.0)
    assert v == 0.0 and g == np.inf
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        v, t = jvp(anp.sqrt, (0.0,), (1.0,))
    assert v == 0.0 and t == np.inf
    with pytest.warns(RuntimeWarning, match="invalid value"):
        v, g = value_and_grad(anp.sqrt)(-1.0)
    assert np.isnan(v) and np.isnan(g)
    with pytest.warns(RuntimeWarning, match="invalid value"):
        v, t = jvp(anp.sqrt, (-1.0,), (1.0,))
    assert np.isnan(v) and np.isnan(t)


def test_domain_errors_elementwise_on_arrays():
    x = np.array([1.0, 0.0, -1.0, 4.0])
    with pytest.warns(RuntimeWarning):
        g = grad(lambda x: anp.sum(anp.log(x)))(x)
    np.testing.assert_array_equal(g, [1.0, np.inf, -1.0, 0.25])
    with pytest.warns(RuntimeWarning):
        out, t = jvp(anp.sqrt, (x,), (np.ones(4),))
    np.testing.assert_array_equal(out[[0, 1, 3]], [1.0, 0.0, 2.0])
    assert np.isnan(out[2])
    np.testing.assert_array_equal(t[[0, 1, 3]], [0.5, np.inf, 0.25])
    assert np.isnan(t[2])


def test_division_by_zero_constant_in_both_modes():
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        v, g = value_and_grad(lambda x: x / 0.0)(1.0)
    assert v == np.inf and g == np.inf
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        v, t = jvp(lambda x: x / 0.0, (1.0,), (1.0,))
    assert v == np.inf and t == np.inf


# ----------------------------------------------------------------------------------------------------------
# traced values that escape
# ----------------------------------------------------------------------------------------------------------


def _leak(mode):
    stash = []

    def f(x):
        stash.append(x)
        return x * x

    if mode == "grad":
        grad(f)(3.0)
    elif mode == "jvp":
        jvp(f, (3.0,), (1.0,))
    else:
        vjp(f, 3.0)
    return stash[0]


@pytest.mark.parametrize("mode", ["grad", "jvp", "vjp"])
def test_leaked_traced_value_is_a_clear_error(mode):
    leaked = _leak(mode)
    msg = r"finished.*escaped"
    with pytest.raises(RuntimeError, match=msg):
        leaked * 2.0
    with pytest.raises(RuntimeError, match=msg):
        anp.sin(leaked)
    with pytest.raises(RuntimeError, match=msg):
        np.sin(leaked)
    with pytest.raises(RuntimeError, match=msg):
        np.ones(3) + leaked
    with pytest.raises(RuntimeError, match=msg):
        grad(lambda y: y * leaked)(2.0)
    with pytest.raises(RuntimeError, match=msg):
        grad(lambda y: leaked * y)(2.0)
    with pytest.raises(RuntimeError, match=msg):
        jvp(lambda y: anp.sum(y + leaked), (np.ones(2),), (np.ones(2),))
    # its plain value is still there for whoever asks explicitly
    assert adlib.stop_gradient(leaked) == 3.0


# ----------------------------------------------------------------------------------------------------------
# argnums and has_aux
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("argnums", [2, -3, (0, 2), (5,), "0"], ids=str)
@pytest.mark.parametrize("op", [grad, value_and_grad, jacfwd, jacrev], ids=lambda f: f.__name__)
def test_argnums_out_of_range(op, argnums):
    f = lambda x, y: x * y  # noqa: E731
    with pytest.raises(ValueError, match=r"argnums=.*2 argument"):
        op(f, argnums=argnums)(1.0, 2.0)


def test_negative_argnums_in_range():
    assert grad(lambda x, y: x * y, argnums=-1)(3.0, 2.0) == 3.0
    assert grad(lambda x, y: x * y, argnums=(-2, -1))(3.0, 2.0) == (2.0, 3.0)


def test_has_aux_returns_plain_values():
    def f(x):
        y = anp.sin(x)
        return anp.sum(y * y), {"y": y, "n": 5, "pair": (x * 2.0, "label")}

    g, aux = grad(f, has_aux=True)(X)
    np.testing.assert_allclose(g, 2 * np.sin(X) * np.cos(X), rtol=1e-14)
    assert type(aux["y"]) is np.ndarray and not isinstance(aux["y"], adlib.core.Box)
    np.testing.assert_allclose(aux["y"], np.sin(X), rtol=1e-15)
    assert aux["n"] == 5
    assert type(aux["pair"][0]) is np.ndarray and aux["pair"][1] == "label"
    np.testing.assert_allclose(aux["pair"][0], 2 * X)
    (v, aux2), g2 = value_and_grad(f, has_aux=True)(X)
    assert v == pytest.approx(np.sum(np.sin(X) ** 2), rel=1e-15)
    np.testing.assert_array_equal(g2, g)
    assert not isinstance(aux2["y"], adlib.core.Box)
    # aux is usable after grad returns (it is not a leaked traced value)
    assert np.all(np.sin(aux["y"]) == np.sin(np.sin(X)))


def test_has_aux_needs_a_pair():
    with pytest.raises(TypeError, match="pair"):
        grad(lambda x: x * 2.0, has_aux=True)(1.0)


def test_has_aux_inside_outer_grad_keeps_outer_derivative():
    """The aux of an inner grad, computed from an outer variable, still carries the outer derivative."""

    def outer(x):
        g, aux = grad(lambda y: (x * y * y, x * x), has_aux=True)(3.0)  # g = 6x, aux = x²
        return g + aux

    assert grad(outer)(2.0) == pytest.approx(6.0 + 4.0, rel=1e-15)


# ----------------------------------------------------------------------------------------------------------
# E. output types
# ----------------------------------------------------------------------------------------------------------


def test_grad_of_python_float_is_float64():
    g = grad(lambda x: x * x)(3.0)
    assert type(g) is np.float64 and g == 6.0
    v, g = value_and_grad(anp.sin)(0.5)
    assert type(g) is np.float64
    assert isinstance(v, float)
    # also when the output does not depend on the input
    g = grad(lambda x, y: y * 2.0)(3.0, 1.0)
    assert type(g) is np.float64 and g == 0.0


def test_grad_of_float32_array_is_float32_array():
    x = np.linspace(0.1, 1.0, 6, dtype=np.float32).reshape(2, 3)
    g = grad(lambda x: anp.sum(anp.sin(x) * x))(x)
    assert isinstance(g, np.ndarray) and g.dtype == np.float32 and g.shape == (2, 3)
    np.testing.assert_allclose(g, np.cos(x) * x + np.sin(x), rtol=1e-6)
    g = grad(lambda x, y: anp.sum(y))(x, np.ones(2))  # independent of x: zeros, still float32
    assert g.dtype == np.float32 and g.shape == (2, 3) and not g.any()
    g = grad(lambda x: x * x)(np.float32(3.0))
    assert g.dtype == np.float32 and g == 6.0
    g = grad(lambda x: x[0] * x[1])(np.array([2.0, 5.0], dtype=np.float16))
    assert g.dtype == np.float16


def test_grad_of_float64_array_keeps_shape():
    for shape in [(), (1,), (4,), (2, 3), (2, 1, 3)]:
        x = np.full(shape, 0.5)
        g = grad(lambda x: anp.sum(x**3))(x)
        assert isinstance(g, np.ndarray) and g.shape == shape and g.dtype == np.float64
        np.testing.assert_allclose(g, 0.75)


def test_argnums_tuple_returns_tuple():
    f = lambda a, b, c: a * b * anp.sum(c)  # noqa: E731
    c = np.ones(2)
    g = grad(f, argnums=(0, 2))(2.0, 3.0, c)
    assert type(g) is tuple and len(g) == 2
    assert g[0] == 6.0 and type(g[0]) is np.float64
    np.testing.assert_array_equal(g[1], [6.0, 6.0])
    g = grad(f, argnums=(1,))(2.0, 3.0, c)
    assert type(g) is tuple and len(g) == 1 and g[0] == 4.0
    g = grad(f, argnums=1)(2.0, 3.0, c)
    assert type(g) is np.float64 and g == 4.0
    v, g = value_and_grad(f, argnums=(0, 1, 2))(2.0, 3.0, c)
    assert v == 12.0 and type(g) is tuple and len(g) == 3
    _, vjp_fn = vjp(f, 2.0, 3.0, c)
    g = vjp_fn(1.0)
    assert type(g) is tuple and len(g) == 3


def test_pytree_inputs_give_gradients_of_the_same_structure():
    params = {
        "w": [np.array([[1.0, 2.0], [0.5, -1.0]]), np.array([0.1, 0.2])],
        "b": 0.5,
        "nested": ({"s": np.float32(2.0)}, np.array([3.0])),
    }

    def loss(p):
        w0, w1 = p["w"]
        s = p["nested"][0]["s"]
        return anp.sum(w0**2) * p["b"] + anp.sum(w1) * s + anp.sum(p["nested"][1] * 0.0)

    g = grad(loss)(params)
    assert type(g) is dict and set(g) == set(params)
    assert type(g["w"]) is list and len(g["w"]) == 2
    assert type(g["nested"]) is tuple and type(g["nested"][0]) is dict
    np.testing.assert_allclose(g["w"][0], 2 * params["w"][0] * 0.5)
    np.testing.assert_allclose(g["w"][1], [2.0, 2.0])
    assert type(g["b"]) is np.float64 and g["b"] == pytest.approx(np.sum(params["w"][0] ** 2))
    assert g["nested"][0]["s"].dtype == np.float32 and g["nested"][0]["s"] == pytest.approx(0.3)
    np.testing.assert_array_equal(g["nested"][1], [0.0])
    for a, b in zip(adlib.tree_flatten(g)[0], adlib.tree_flatten(params)[0], strict=True):
        assert np.shape(a) == np.shape(b)


def test_pytree_inputs_in_jvp_and_vjp():
    p = [np.array([1.0, 2.0]), {"a": 3.0}]
    f = lambda p: anp.sum(p[0] ** 2) * p[1]["a"]  # noqa: E731
    v, t = jvp(f, (p,), ([np.array([1.0, 0.0]), {"a": 1.0}],))
    assert v == 15.0 and t == pytest.approx(2.0 * 3.0 + 5.0)
    _, vjp_fn = vjp(f, p)
    (g,) = vjp_fn(1.0)
    assert type(g) is list and type(g[1]) is dict
    np.testing.assert_allclose(g[0], [6.0, 12.0])
    assert g[1]["a"] == 5.0


def test_jvp_output_types_follow_the_function():
    out, t = jvp(lambda x: (anp.sin(x), {"c": x * 2.0}), (X,), (np.ones(3),))
    assert type(out) is tuple and type(t) is tuple and type(t[1]) is dict
    np.testing.assert_allclose(t[0], np.cos(X))
    np.testing.assert_allclose(t[1]["c"], 2.0)
    # an output that does not depend on the input has a zero tangent of its shape
    out, t = jvp(lambda x: (x * 1.0, np.ones(2)), (1.0,), (1.0,))
    np.testing.assert_array_equal(t[1], np.zeros(2))
