"""Regressions of issue 18: derivatives that were silently wrong, and errors that were wrong for users.

Each test compares adlib with JAX in float64 (or with the exact value where JAX itself gives nan), or checks that a
clear error is raised where adlib cannot give the right number.

A. silently wrong: ``power`` at 0, constructors of traced values (full, linspace, logspace, meshgrid…),
   ``reshape(order='F')``, ``jacrev`` of pytrees, repeated ``argnums``, casts, complex intermediates, ``abs`` at 0,
   keywords adlib cannot honour;
B. not silent but wrong for users: size-0 Jacobians, ``concatenate(axis=None)``, pytrees (namedtuple, OrderedDict,
   None leaves), read-only gradients, lists of traced values, ``logsumexp`` of nothing, ``has_aux``, float32 kept,
   conversion errors, NumPy 2's keywords.
"""

import math
from collections import OrderedDict, namedtuple

import jax

jax.config.update("jax_enable_x64", True)  # before any JAX array exists

import jax.numpy as jnp  # noqa: E402
import jax.scipy.special  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import adlib  # noqa: E402
import adlib.numpy as anp  # noqa: E402
from adlib import grad, hessian, jacfwd, jacrev, jvp, vjp  # noqa: E402
from adlib.core import NonDifferentiable  # noqa: E402

RTOL, ATOL = 1e-10, 1e-12
RNG = np.random.default_rng(18)
X = RNG.standard_normal(3)


def close(a, b):
    for x, y in zip(jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b), strict=True):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=RTOL, atol=ATOL)
    assert jax.tree_util.tree_structure(a) == jax.tree_util.tree_structure(jax.tree_util.tree_map(np.asarray, b))


def nth(d, f, k):
    """The k-th derivative of a scalar function of a scalar, by ``d`` (grad, or a forward-mode derivative)."""
    for _ in range(k):
        f = d(f)
    return f


def forward(jvp_):
    return lambda f: lambda x: jvp_(f, (x,), (1.0,))[1]


# ----------------------------------------------------------------------------------------------------------
# A. power at 0: y·x^(y−1) is 0·∞ there
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("y", [0, 0.0, 1, 1.0, 2, 2.0, 3, 3.0])
@pytest.mark.parametrize("order", [1, 2, 3, 4])
@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_power_at_0_derivatives_of_every_order(y, order, mode):
    d = grad if mode == "rev" else forward(jvp)
    got = nth(d, lambda x: x**y, order)(0.0)
    exact = math.factorial(int(y)) if order == int(y) else 0.0  # d^k/dx^k x^n at 0: n! if k = n, else 0
    assert got == exact
    if isinstance(y, int):  # JAX is right for integer exponents (for float ones it gives nan where 0 · ∞)
        assert got == nth(jax.grad, lambda x: x**y, order)(0.0)


def test_power_function_and_vandermonde_features_at_0():
    assert grad(lambda x: anp.power(x, 0.0))(0.0) == 0.0
    assert grad(grad(lambda x: anp.power(x, 1.0)))(0.0) == 0.0
    x = np.array([0.0, 0.5, -1.5])
    ref = jax.jacfwd(lambda x: x[:, None] ** jnp.arange(5))(x)
    close(jacfwd(lambda x: x[:, None] ** anp.arange(5))(x), ref)
    close(jacrev(lambda x: x[:, None] ** anp.arange(5.0))(x), ref)  # float exponents: the same numbers
    # second order: JAX gives nan at 0 for an array of exponents, so its reference uses Python ints (integer_pow)
    L = lambda x: anp.sum(anp.sin(x[:, None] ** anp.arange(5)))  # noqa: E731
    L_ref = lambda x: sum(jnp.sum(jnp.sin(x**k)) for k in range(5))  # noqa: E731
    close(hessian(L)(x), jax.hessian(L_ref)(x))


def test_power_derivatives_with_respect_to_the_exponent_are_unchanged():
    f = lambda x, y: x**y  # noqa: E731
    for point in [(2.0, 0.0), (0.7, 1.3), (0.0, 2.0), (0.0, 0.5)]:
        with np.errstate(divide="ignore"):  # 0.5 · 0^(−0.5) = inf, as in NumPy and JAX
            close(grad(f, (0, 1))(*point), jax.grad(f, (0, 1))(*point))
    assert grad(f, (0, 1))(0.0, 0.0) == (0.0, 0.0)  # JAX: (nan, 0) from 0 · 0^(−1)
    for point in [(2.0, 0.0), (0.7, 1.3), (1.5, 3.0)]:  # ∂²/∂y∂x = x^(y−1)(1 + y log x): 1/x at y = 0
        close(hessian(f, (0, 1))(*point), jax.hessian(f, (0, 1))(*point))


# ----------------------------------------------------------------------------------------------------------
# A. constructors given traced values: differentiated, or refused
# ----------------------------------------------------------------------------------------------------------

CONSTRUCTORS = {
    "full": lambda np_, a: np_.full((3, 2), a[0]),
    "full-array-fill": lambda np_, a: np_.full((2, 3), a),
    "full-dtype": lambda np_, a: np_.full((2,), a[1], dtype=np.float64),
    "full_like": lambda np_, a: np_.full_like(np.ones((2, 2)), a[0]),
    "linspace": lambda np_, a: np_.linspace(a[0], a[1], 5),
    "linspace-no-endpoint": lambda np_, a: np_.linspace(a[0], a[1] * a[2], 4, endpoint=False),
    "linspace-arrays-axis": lambda np_, a: np_.linspace(a[:2], a[1:], 4, axis=1),
    "linspace-retstep": lambda np_, a: np_.linspace(a[0], a[1], 5, retstep=True)[1] * a[2],
    "logspace": lambda np_, a: np_.logspace(a[0], a[1], 4),
    "logspace-base": lambda np_, a: np_.logspace(a[0], 1.0, 3, base=a[2] + 3.0),
    "meshgrid-xy": lambda np_, a: np_.stack(np_.meshgrid(a[:2], a * a)),
    "meshgrid-ij": lambda np_, a: np_.stack(np_.meshgrid(a[:2], a, indexing="ij")),
    "meshgrid-sparse": lambda np_, a: np_.meshgrid(a[:2], a * a, sparse=True)[0] * a[:, None],
    "numpy-linspace-dispatch": lambda np_, a: (np if np_ is anp else jnp).linspace(a[0], a[1], 3),
}


@pytest.mark.parametrize("name", CONSTRUCTORS)
def test_constructors_of_traced_values_are_differentiated(name):
    f = CONSTRUCTORS[name]
    a = np.array([0.3, 1.7, -0.4])
    close(f(anp, a), f(jnp, a))
    ref = jax.jacfwd(lambda a: f(jnp, a))(a)
    close(jacrev(lambda a: f(anp, a))(a), ref)
    close(jacfwd(lambda a: f(anp, a))(a), ref)


def test_full_of_a_traced_scalar():
    assert grad(lambda a: anp.sum(anp.full((3,), a)))(2.0) == 3.0


@pytest.mark.parametrize("make", [lambda a: anp.arange(a), lambda a: anp.arange(0.0, 1.0, a), lambda a: anp.zeros(a),
                                  lambda a: anp.ones((2,), a), lambda a: anp.eye(a), lambda a: anp.identity(a),
                                  lambda a: anp.empty(a)])
def test_constructors_of_counts_and_shapes_refuse_traced_values(make):
    with pytest.raises(TypeError, match="traced value.*arange"):
        grad(lambda a: anp.sum(make(a)))(0.5)


def test_every_non_differentiable_function_is_piecewise_constant():
    """The functions that run on plain values: if one is added, decide whether it is differentiable."""
    names = {n for n, f in vars(anp).items() if isinstance(f, NonDifferentiable)}
    checked = set("""sign floor ceil round rint trunc isnan isfinite isinf equal not_equal greater greater_equal less
    less_equal logical_and logical_or logical_not logical_xor argmax argmin argsort nonzero any all allclose isclose
    shape ndim size zeros_like ones_like empty_like result_type iscomplexobj""".split())
    assert names <= checked, (f"new non-differentiable functions {sorted(names - checked)}: check that their output "
                              "is piecewise constant in every argument a traced value can reach, then list them here")
    assert {"full", "full_like", "linspace", "logspace", "meshgrid", "arange", "zeros", "eye"}.isdisjoint(names)
    x = np.array([0.3, -1.2, 2.5])
    for name in ("zeros_like", "ones_like"):  # a constant: the derivative of x + c is 1
        np.testing.assert_array_equal(grad(lambda x, name=name: anp.sum(getattr(anp, name)(x) + x))(x), np.ones(3))
    for name in ("sign", "floor", "ceil", "round", "rint", "trunc"):  # piecewise constant: derivative 0, as JAX
        np.testing.assert_array_equal(grad(lambda x, n=name: anp.sum(getattr(anp, n)(x) * x))(x),
                                      getattr(np, name)(x))


# ----------------------------------------------------------------------------------------------------------
# A. reshape with order='F'
# ----------------------------------------------------------------------------------------------------------

RESHAPES = {
    "function": lambda np_, x: np_.reshape(x, (3, 4), order="F"),
    "method": lambda np_, x: x.reshape((6, 2), order="F"),
    "method-shape-args": lambda np_, x: x.reshape(3, 4, order="F"),
    "numpy-dispatch": lambda np_, x: (np if np_ is anp else jnp).reshape(x, (4, 3), order="F"),
    "keywords": lambda np_, x: np_.reshape(x, shape=(12,), order="F"),
}


@pytest.mark.parametrize("name", RESHAPES)
def test_reshape_order_F_both_modes(name):
    f = RESHAPES[name]
    x, u = RNG.standard_normal((2, 3, 2)), RNG.standard_normal(12)
    close(f(anp, x), f(jnp, x))
    u = u.reshape(np.shape(f(anp, x)))
    close(vjp(lambda x: f(anp, x), x)[1](u), jax.vjp(lambda x: f(jnp, x), x)[1](u))
    close(jvp(lambda x: f(anp, x), (x,), (x,)), jax.jvp(lambda x: f(jnp, x), (x,), (x,)))
    L = lambda np_: lambda x: np_.sum(np_.sin(f(np_, x)) * u)  # noqa: E731
    close(hessian(L(anp))(x), jax.hessian(L(jnp))(x))


def test_reshape_order_A_is_refused():
    with pytest.raises(ValueError, match="order='C' and order='F'"):
        grad(lambda x: anp.sum(anp.reshape(x, (6,), order="A")))(np.ones((2, 3)))


# ----------------------------------------------------------------------------------------------------------
# A and B. Jacobians of pytrees; repeated argnums
# ----------------------------------------------------------------------------------------------------------

TREES = {
    "list": ([RNG.standard_normal(2), RNG.standard_normal((2, 3))],
             lambda np_, p: np_.sin(p[0]) @ p[1]),
    "tuple": ((RNG.standard_normal(3), 0.7),
              lambda np_, p: np_.exp(p[0] * p[1])),
    "dict": ({"b": RNG.standard_normal(2), "a": RNG.standard_normal((2, 2))},
             lambda np_, p: {"y": np_.tanh(p["a"] @ p["b"]), "z": np_.sum(p["b"] ** 3)}),
}


@pytest.mark.parametrize("name", TREES)
def test_jacobians_and_hessians_of_pytree_inputs(name):
    x, f = TREES[name]
    ref = jax.jacrev(lambda p: f(jnp, p))(x)
    close(jacrev(lambda p: f(anp, p))(x), ref)
    close(jacfwd(lambda p: f(anp, p))(x), ref)
    L = lambda np_: lambda p: np_.sum(np_.stack([np_.sum(v) for v in jax.tree_util.tree_leaves(f(np_, p))]))  # noqa
    close(hessian(L(anp))(x), jax.hessian(L(jnp))(x))


def test_jacobians_of_pytrees_with_several_argnums():
    x, f = TREES["dict"]
    g = lambda np_: lambda p, s: f(np_, p)["y"] * s  # noqa: E731
    close(jacrev(g(anp), (0, 1))(x, 1.5), jax.jacrev(g(jnp), (0, 1))(x, 1.5))
    close(jacfwd(g(anp), (0, 1))(x, 1.5), jax.jacfwd(g(jnp), (0, 1))(x, 1.5))


@pytest.mark.parametrize("op", [adlib.grad, adlib.value_and_grad, adlib.jacfwd, adlib.jacrev, adlib.hessian])
def test_repeated_argnums_are_refused_as_jax_does(op):
    f = lambda x, y: x * x * y  # noqa: E731
    with pytest.raises(Exception):  # noqa: B017 (JAX 0.10 fails, with an unhelpful TypeError)
        jax.grad(f, argnums=(0, 0))(2.0, 3.0)
    with pytest.raises(ValueError, match=r"argnums=\(0, 0\) names an argument twice"):
        op(f, argnums=(0, 0))(2.0, 3.0)
    with pytest.raises(ValueError, match="twice"):
        op(f, argnums=(1, -1))(2.0, 3.0)


# ----------------------------------------------------------------------------------------------------------
# A. casts: float casts are real, integer casts are constants (as JAX), complex is refused
# ----------------------------------------------------------------------------------------------------------


def test_float32_cast_of_a_traced_value():
    x = np.array([0.1, 1.0 / 3.0, 2.0])
    y, t = jvp(lambda x: x.astype(np.float32), (x,), (x,))
    assert y.dtype == t.dtype == np.float32
    np.testing.assert_array_equal(y, x.astype(np.float32))  # the value is cast
    f = lambda x: (x.astype(np.float32) * 3.0).astype(np.float64)  # noqa: E731
    np.testing.assert_array_equal(f(x), 3.0 * x.astype(np.float32))
    out, f_vjp = vjp(lambda x: anp.astype(x, np.float32), x)
    (g,) = f_vjp(np.ones(3, np.float32))
    assert out.dtype == np.float32 and g.dtype == np.float64  # the derivative flows back in x's dtype
    close(grad(lambda x: anp.sum(anp.sin(x.astype(np.float32).astype(float)) * x))(x),
          jax.grad(lambda x: jnp.sum(jnp.sin(x.astype(np.float32).astype(float)) * x))(x))
    close(grad(lambda x: anp.sum(anp.array(x, dtype=np.float32)))(x), np.ones(3))


@pytest.mark.parametrize("cast", [lambda np_, x: x.astype(int), lambda np_, x: np_.asarray(x, dtype=int),
                                  lambda np_, x: np_.array(x, dtype=np.int32), lambda np_, x: x.astype(bool),
                                  lambda np_, x: np_.astype(x, np.int64)])
def test_integer_casts_are_constants_as_in_jax(cast):
    x = np.array([1.5, -2.5, 0.25])
    got = grad(lambda x: anp.sum(cast(anp, x) * x))(x)
    close(got, jax.grad(lambda x: jnp.sum(cast(jnp, x) * x))(x))
    np.testing.assert_array_equal(cast(anp, x), cast(np, x))


@pytest.mark.parametrize("f", [lambda x: x * 1j, lambda x: x + np.array([1j, 0, 0]), lambda x: anp.abs(x * 1j),
                               lambda x: x.astype(complex), lambda x: anp.asarray(x, dtype=np.complex128),
                               lambda x: anp.exp(np.complex128(1j) * x)])
@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_complex_intermediates_are_refused(f, mode):
    with pytest.raises(TypeError, match="complex"):
        if mode == "rev":
            grad(lambda x: anp.sum(f(x)))(X)
        else:
            jvp(f, (X,), (X,))


# ----------------------------------------------------------------------------------------------------------
# A. abs at 0: JAX's derivative 1 (select(x >= 0, t, −t)), which keeps |x|² smooth
# ----------------------------------------------------------------------------------------------------------


def test_abs_at_0_as_jax():
    x = np.array([0.0, -0.0, 1.5, -2.0])
    L = lambda np_: lambda x: np_.sum(np_.abs(x) ** 2)  # noqa: E731
    close(hessian(L(anp))(x), jax.hessian(L(jnp))(x))
    np.testing.assert_array_equal(hessian(L(anp))(x), 2 * np.eye(4))
    close(grad(lambda x: anp.sum(anp.abs(x)))(x), jax.grad(lambda x: jnp.sum(jnp.abs(x)))(x))
    close(jvp(anp.abs, (x,), (x + 1,))[1], jax.jvp(jnp.abs, (x,), (x + 1,))[1])
    M = lambda np_: lambda x: np_.sum(x * np_.abs(x))  # noqa: E731  (x·|x|: derivative 2|x|, second 2·sign)
    close(hessian(M(anp))(x), jax.hessian(M(jnp))(x))


# ----------------------------------------------------------------------------------------------------------
# A. keywords adlib cannot honour raise a clear error
# ----------------------------------------------------------------------------------------------------------

REFUSED = {
    "ufunc-out": lambda x: anp.exp(x, out=np.zeros(3)),
    "ufunc-where": lambda x: anp.sin(x, where=x > 0),
    "ufunc-dtype": lambda x: anp.add(x, x, dtype=np.float32),
    "matmul-out": lambda x: anp.matmul(x, x, out=np.zeros(())),
    "numpy-ufunc-out": lambda x: np.exp(x, out=np.zeros(3)),
}


@pytest.mark.parametrize("name", REFUSED)
@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_keywords_adlib_cannot_honour_are_refused(name, mode):
    f = REFUSED[name]
    with pytest.raises(TypeError, match="out=|where=|dtype="):
        if mode == "rev":
            grad(lambda x: anp.sum(f(x)))(X)
        else:
            jvp(f, (X,), (X,))


def test_sum_dtype_keyword():
    x = RNG.standard_normal((2, 3))
    y, t = jvp(lambda x: anp.sum(x, axis=1, dtype=np.float32), (x,), (x,))
    assert y.dtype == t.dtype == np.float32
    close(grad(lambda x: anp.sum(x * x, dtype=np.float64))(x), 2 * x)
    g = grad(lambda x: anp.sum(anp.sum(x, 0, np.float32) ** 2))(x)
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, 2 * np.sum(x, 0) * np.ones((2, 1)), rtol=1e-6)
    close(grad(lambda x: x.sum(dtype=np.float64, keepdims=True)[0, 0])(x), np.ones((2, 3)))
    for mode in (grad, lambda f: lambda x: jvp(f, (x,), (x,))):
        with pytest.raises(TypeError, match=r"dtype=int64.*x\.astype\(int\)"):
            mode(lambda x: anp.sum(anp.sum(x, dtype=np.int64) * x))(x)


# ----------------------------------------------------------------------------------------------------------
# B. size-0 inputs and outputs, concatenate(axis=None)
# ----------------------------------------------------------------------------------------------------------

EMPTY = {
    "empty-input": (np.zeros(0), lambda np_, x: np_.sum(x) + np_.ones(2)),
    "empty-output": (X, lambda np_, x: x[:0] * 2.0),
    "empty-both": (np.zeros((0, 2)), lambda np_, x: np_.sin(x)),
}


@pytest.mark.parametrize("name", EMPTY)
def test_jacobians_and_hessians_of_size_0(name):
    x, f = EMPTY[name]
    ref = jax.jacfwd(lambda x: f(jnp, x))(x)
    for jac in (jacfwd, jacrev):
        got = jac(lambda x: f(anp, x))(x)
        assert got.shape == ref.shape
    L = lambda np_: lambda x: np_.sum(np_.sin(f(np_, x)))  # noqa: E731
    assert hessian(L(anp))(x).shape == jax.hessian(L(jnp))(x).shape
    close(grad(L(anp))(x), jax.grad(L(jnp))(x))


def test_concatenate_axis_none_both_modes():
    a, b = RNG.standard_normal((2, 2)), RNG.standard_normal(3)
    f = lambda np_: lambda a, b: np_.concatenate([a, np_.sin(b), a[0]], axis=None)  # noqa: E731
    close(jacrev(f(anp), (0, 1))(a, b), jax.jacrev(f(jnp), (0, 1))(a, b))
    close(jacfwd(f(anp), (0, 1))(a, b), jax.jacrev(f(jnp), (0, 1))(a, b))


# ----------------------------------------------------------------------------------------------------------
# B. pytrees: namedtuple, OrderedDict, None leaves
# ----------------------------------------------------------------------------------------------------------

Params = namedtuple("Params", "w b")


def test_namedtuple_ordereddict_and_none_pytrees():
    p = Params(RNG.standard_normal((2, 3)), RNG.standard_normal(3))
    f = lambda np_: lambda p: np_.sum(np_.tanh(X[:2] @ p.w + p.b))  # noqa: E731
    g = grad(f(anp))(p)
    assert type(g) is Params
    close(g, jax.grad(f(jnp))(p))

    od = OrderedDict([("z", X), ("a", 2.0)])
    h = lambda np_: lambda d: np_.sum(d["z"] ** 2 * d["a"])  # noqa: E731
    g = grad(h(anp))(od)
    assert type(g) is OrderedDict and list(g) == ["z", "a"]
    close(g, jax.grad(h(jnp))(od))

    k = lambda np_: lambda t: np_.sum(t[0] * t[2]["c"])  # noqa: E731
    t = (X, None, {"c": X + 1, "n": None})
    g = grad(k(anp))(t)
    assert g[1] is None and g[2]["n"] is None  # None is an empty subtree, as in JAX
    close(g, jax.grad(k(jnp))(t))
    assert len(adlib.tree_flatten(t)[0]) == 2


# ----------------------------------------------------------------------------------------------------------
# B. gradients are writeable arrays; lists of traced values
# ----------------------------------------------------------------------------------------------------------


WRITEABLE = {
    "sum": lambda np_, x: np_.sum(x),
    "mean": lambda np_, x: np_.mean(x),
    "broadcast": lambda np_, x: np_.sum(np_.broadcast_to(x, (3, 3))[0]),
    "max": lambda np_, x: np_.max(x),
}


@pytest.mark.parametrize("name", WRITEABLE)
def test_gradients_are_writeable(name):
    f = WRITEABLE[name]
    g = grad(lambda x: f(anp, x))(X)
    g *= 0.5  # a read-only (zero-stride) view would raise here
    close(g, 0.5 * jax.grad(lambda x: f(jnp, x))(X))
    t = jvp(lambda x: anp.broadcast_to(x[0], (2, 2)), (X,), (X,))[1]
    t *= 2.0
    np.testing.assert_array_equal(t, np.full((2, 2), 2 * X[0]))


LISTS = {
    "sum": lambda np_, a: np_.sum([a[0], a[1] * a[2]]),
    "mean": lambda np_, a: np_.mean([a[0], np_.sin(a[1])]),
    "exp": lambda np_, a: np_.exp([a[0], a[2], 1.0]),
    "max-axis": lambda np_, a: np_.max([[a[0], a[1]], [a[2], 0.5]], axis=1),
    "maximum": lambda np_, a: np_.maximum([a[0], a[1]], 0.0),
    "dot": lambda np_, a: np_.dot([a[0], a[1]], a[1:]),
}


@pytest.mark.parametrize("name", LISTS)
def test_numpy_functions_accept_lists_of_traced_values(name):
    f = LISTS[name]
    a = np.array([0.3, -1.2, 0.8])
    jf = lambda a: f(_ListsAsArrays(), a)  # noqa: E731  (jax.numpy refuses lists: they are made arrays for it)
    close(jacrev(lambda a: f(anp, a))(a), jax.jacfwd(jf)(a))
    close(jacfwd(lambda a: f(anp, a))(a), jax.jacfwd(jf)(a))


class _ListsAsArrays:
    def __getattr__(self, name):
        fun = getattr(jnp, name)
        return lambda x, *args, **kwargs: fun(jnp.array(x) if isinstance(x, list) else x, *args, **kwargs)


# ----------------------------------------------------------------------------------------------------------
# B. logsumexp of nothing, has_aux, float32 kept, conversion errors, NumPy 2's keywords
# ----------------------------------------------------------------------------------------------------------


def test_logsumexp_of_an_empty_array_is_minus_inf():
    lse = jax.scipy.special.logsumexp
    for x, axis in [(np.zeros(0), None), (np.zeros((2, 0)), 1), (np.zeros((0, 3)), 0)]:
        np.testing.assert_array_equal(anp.logsumexp(x, axis=axis), lse(x, axis=axis))
        assert grad(lambda x, a=axis: anp.sum(anp.logsumexp(x, axis=a)))(x).shape == x.shape  # the rule runs
    np.testing.assert_array_equal(anp.logsumexp(np.zeros((2, 0)), axis=1, keepdims=True), [[-np.inf], [-np.inf]])


def test_has_aux_on_jvp_vjp_jacfwd_jacrev_hessian():
    f = lambda np_: lambda x: (np_.sin(x) * x, {"n": np_.sum(x), "s": [x[0] * 2.0]})  # noqa: E731
    y, t, aux = jvp(f(anp), (X,), (X,), has_aux=True)
    close((y, t, aux), jax.jvp(f(jnp), (X,), (X,), has_aux=True))
    assert not isinstance(aux["s"][0], adlib.core.Box)
    y, f_vjp, aux = vjp(f(anp), X, has_aux=True)
    jy, jf_vjp, jaux = jax.vjp(f(jnp), X, has_aux=True)
    close(y, jy)
    close(f_vjp(X), jf_vjp(X))
    assert not isinstance(aux["n"], adlib.core.Box)
    close(aux, jaux)
    for ours, theirs in [(jacfwd, jax.jacfwd), (jacrev, jax.jacrev)]:
        (jac, aux), (jjac, jaux) = ours(f(anp), has_aux=True)(X), theirs(f(jnp), has_aux=True)(X)
        close(jac, jjac)
        assert not isinstance(aux["n"], adlib.core.Box)
        close(aux, jaux)
    h = lambda np_: lambda x: (np_.sum(np_.sin(x) ** 3), np_.cos(x))  # noqa: E731
    (hess, aux), (jhess, jaux) = hessian(h(anp), has_aux=True)(X), jax.hessian(h(jnp), has_aux=True)(X)
    close(hess, jhess)
    close(aux, jaux)
    with pytest.raises(TypeError, match="pair"):
        vjp(lambda x: x, X, has_aux=True)


FLOAT32 = {
    "maximum": lambda np_, x: np_.maximum(x, 0.1),
    "minimum": lambda np_, x: np_.minimum(0.1, x),
    "clip": lambda np_, x: np_.clip(x, -0.5, 0.5),
    "max": lambda np_, x: np_.max(x),
    "min-axis": lambda np_, x: np_.min(x.reshape(2, 2), axis=0),
    "concatenate": lambda np_, x: np_.concatenate([x, np.ones(2, np.float32)]),
    "concatenate-float64-const": lambda np_, x: np_.concatenate([x, np.ones(2)]),
    "mean": lambda np_, x: np_.mean(x),
    "linspace": lambda np_, x: np_.linspace(x[0], x[1], 3),
    "logspace": lambda np_, x: np_.logspace(x[0], x[1], 3, base=2.0),
    "full": lambda np_, x: np_.full((2,), x[0]),
    "meshgrid": lambda np_, x: np_.meshgrid(x, x[:2])[0],
}


@pytest.mark.parametrize("name", FLOAT32)
def test_float32_stays_float32_as_in_jax(name):
    f = FLOAT32[name]
    x = np.array([0.3, -1.2, 0.8, 0.05], np.float32)
    jy, jt = jax.jvp(lambda x: f(jnp, x), (x,), (x,))
    y, t = jvp(lambda x: f(anp, x), (x,), (x,))
    assert y.dtype == t.dtype == jy.dtype == jt.dtype
    assert f(anp, x).dtype == jy.dtype  # untraced too
    np.testing.assert_allclose(t, jt, rtol=1e-6)
    assert grad(lambda x: anp.sum(f(anp, x)))(x).dtype == np.float32


@pytest.mark.parametrize("convert", [float, int, complex, lambda x: x.item(), lambda x: x.tolist(), math.exp])
def test_leaving_the_trace_says_what_to_do(convert):
    with pytest.raises(TypeError, match=r"traced value.*adlib\.numpy.*stop_gradient"):
        grad(lambda x: convert(x))(1.5)


def test_numpy_2_keywords():
    x = RNG.standard_normal((2, 3))
    for f in [lambda np_, x: np_.clip(x, min=-0.3, max=0.5), lambda np_, x: np_.clip(x, max=0.5),
              lambda np_, x: x.clip(min=-0.3), lambda np_, x: x.clip(-0.3, 0.5),
              lambda np_, x: np_.swapaxes(x, axis1=0, axis2=1), lambda np_, x: x.swapaxes(1, 0),
              lambda np_, x: np_.sum(x, axis=1, dtype=np.float64), lambda np_, x: x.sum(0, np.float64)]:
        close(f(anp, x), f(jnp, x))
        ref = jax.jacfwd(lambda x, f=f: f(jnp, x))(x)
        close(jacrev(lambda x, f=f: f(anp, x))(x), ref)
        close(jacfwd(lambda x, f=f: f(anp, x))(x), ref)
    # a traced value's method takes the keywords too (as JAX's arrays; NumPy's ndarray.swapaxes takes none)
    close(jacrev(lambda x: x.swapaxes(axis1=1, axis2=0))(x), jax.jacrev(lambda x: x.swapaxes(axis1=1, axis2=0))(x))
    with pytest.raises(TypeError, match="not both"):
        anp.clip(x, -1, 1, min=-1)


@pytest.mark.parametrize("f", [lambda x: anp.sum(x, out=np.zeros(())), lambda x: anp.sum(x, where=x > 0),
                               lambda x: anp.max(x, initial=0.0), lambda x: anp.mean(x, dtype=np.float32),
                               lambda x: anp.concatenate([x, x], dtype=np.float32),
                               lambda x: x.astype(float, order="F"),
                               lambda x: anp.array([x[0], x[1]], ndmin=2), lambda x: np.sin(x, dtype=np.float32)])
def test_other_keywords_adlib_cannot_honour_are_refused(f):
    with pytest.raises(TypeError, match="keyword"):
        grad(lambda x: anp.sum(f(x)))(X)
