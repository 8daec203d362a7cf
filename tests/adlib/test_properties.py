"""Property tests (hypothesis): adlib agrees with JAX on random shapes, not just the hand-picked ones.

* binary elementwise operations on **mutually broadcastable shapes**: the gradient of ``sum(f(x, y) · w)`` is
  JAX's, and each adjoint has its input's shape (broadcasting was undone), and ``jvp`` is JAX's;
* reductions (sum, mean, max, min, logsumexp) over random axes (None, an int, a tuple, negative), with and
  without ``keepdims``; random data has ties, where max/min share the derivative equally, as JAX does;
* indexing with random integer arrays (repeated and negative indices) and transposes by random permutations
  with negative axes.

Runs are deterministic (``derandomize=True``: the examples depend only on the test). JAX's results for all the
operations of a test come from one jitted function, compiled once per new combination of shapes, so that the
suite stays fast.
"""

import functools

import jax

jax.config.update("jax_enable_x64", True)  # before any JAX array exists

import jax.numpy as jnp  # noqa: E402
import jax.scipy.special  # noqa: E402
import numpy as np  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402
from jax_support import jit  # noqa: E402

import adlib  # noqa: E402
import adlib.numpy as anp  # noqa: E402

RTOL, ATOL = 1e-10, 1e-12

examples = settings(max_examples=40, deadline=None, derandomize=True, print_blob=True)


def floats(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def assert_close(actual, expected, what):
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape}, JAX has {expected.shape}"
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=ATOL, err_msg=what)


def weighted_sum(np_, f, w):
    """``x ↦ sum(f(x) · w)``: a scalar whose gradient is the VJP of f with the cotangent w."""
    return lambda *xs: np_.sum(f(*xs) * w)


def random_like(rng, arrays):
    return tuple(rng.standard_normal(np.shape(a)) for a in arrays)


# ----------------------------------------------------------------------------------------------------------
# Binary elementwise operations with broadcasting
# ----------------------------------------------------------------------------------------------------------

# f(np_, x, y, p, q): x, y in [-2, 2]; p shaped like x and q like y, in [0.5, 2] (a base of power, a divisor)
BINARY = {
    "add": lambda np_, x, y, p, q: np_.add(x, y),
    "subtract": lambda np_, x, y, p, q: np_.subtract(x, y),
    "multiply": lambda np_, x, y, p, q: np_.multiply(x, y),
    "divide": lambda np_, x, y, p, q: np_.divide(x, q),
    "power": lambda np_, x, y, p, q: np_.power(p, y),
    "maximum": lambda np_, x, y, p, q: np_.maximum(x, y),  # ties: ½ to each, in adlib and in JAX
    "minimum": lambda np_, x, y, p, q: np_.minimum(x, y),
    "where": lambda np_, x, y, p, q: np_.where(x > 0.5, p, y),
    "operators": lambda np_, x, y, p, q: (x - y) * q + p / q - x**2 * y,
}


@st.composite
def broadcastable_inputs(draw):
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3))
    sx, sy = shapes.input_shapes
    inputs = (
        draw(hnp.arrays(np.float64, sx, elements=floats(-2, 2))),
        draw(hnp.arrays(np.float64, sy, elements=floats(-2, 2))),
        draw(hnp.arrays(np.float64, sx, elements=floats(0.5, 2))),
        draw(hnp.arrays(np.float64, sy, elements=floats(0.5, 2))),
    )
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return inputs, rng.standard_normal(shapes.result_shape), random_like(rng, inputs)


@jit  # module level: examples of the same shapes reuse the compiled function
def jax_binary(inputs, w, tangents):
    """JAX's gradients of sum(f · w) and jvps of every f of BINARY, in one compiled function."""
    out = {}
    for name, f in BINARY.items():
        f_jax = functools.partial(f, jnp)
        out[name] = (jax.grad(weighted_sum(jnp, f_jax, w), (0, 1, 2, 3))(*inputs), jax.jvp(f_jax, inputs, tangents))
    return out


@examples
@given(broadcastable_inputs())
def test_binary_elementwise_with_broadcasting(example):
    inputs, w, tangents = example
    expected = jax_binary(inputs, w, tangents)
    for name, f in BINARY.items():
        f_adlib = functools.partial(f, anp)
        grads = adlib.grad(weighted_sum(anp, f_adlib, w), argnums=(0, 1, 2, 3))(*inputs)
        for k, (g, x, g_jax) in enumerate(zip(grads, inputs, expected[name][0], strict=True)):
            assert np.shape(g) == np.shape(x), f"{name}: the adjoint of input {k} is not unbroadcast"
            assert_close(g, g_jax, f"{name}: gradient of input {k}")
        value, tangent = adlib.jvp(f_adlib, inputs, tangents)
        assert_close(value, expected[name][1][0], f"{name}: value")
        assert_close(tangent, expected[name][1][1], f"{name}: jvp")


# ----------------------------------------------------------------------------------------------------------
# Reductions over random axes
# ----------------------------------------------------------------------------------------------------------

REDUCTIONS = {
    "sum": (anp.sum, jnp.sum),
    "mean": (anp.mean, jnp.mean),
    "max": (anp.max, jnp.max),  # ties (frequent in drawn data): the derivative is shared equally
    "min": (anp.min, jnp.min),
    "logsumexp": (anp.logsumexp, jax.scipy.special.logsumexp),
}


@st.composite
def reduction_inputs(draw):
    x = draw(hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=3, max_side=3), elements=floats(-2, 2)))
    axes = [st.none(), hnp.valid_tuple_axes(x.ndim)] + ([st.integers(-x.ndim, x.ndim - 1)] if x.ndim else [])
    axis = draw(st.one_of(*axes))
    keepdims = draw(st.booleans())
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    out_shape = np.shape(np.sum(x, axis=axis, keepdims=keepdims))
    return x, axis, keepdims, rng.standard_normal(out_shape), rng.standard_normal(x.shape)


@functools.partial(jit, static_argnames=("axis", "keepdims"))
def jax_reductions(x, w, t, axis, keepdims):
    out = {}
    for name, (_, f) in REDUCTIONS.items():
        f_jax = functools.partial(f, axis=axis, keepdims=keepdims)
        out[name] = (jax.grad(weighted_sum(jnp, f_jax, w))(x), jax.jvp(f_jax, (x,), (t,)))
    return out


@examples
@given(reduction_inputs())
def test_reductions_over_random_axes(example):
    x, axis, keepdims, w, t = example
    expected = jax_reductions(x, w, t, axis, keepdims)
    for name, (f, _) in REDUCTIONS.items():
        what = f"{name}(axis={axis}, keepdims={keepdims})"
        f_adlib = functools.partial(f, axis=axis, keepdims=keepdims)
        g = adlib.grad(weighted_sum(anp, f_adlib, w))(x)
        assert np.shape(g) == x.shape, f"{what}: gradient of shape {np.shape(g)} for an input of shape {x.shape}"
        assert_close(g, expected[name][0], f"{what}: gradient")
        value, tangent = adlib.jvp(f_adlib, (x,), (t,))
        assert_close(value, expected[name][1][0], f"{what}: value")
        assert_close(tangent, expected[name][1][1], f"{what}: jvp")


# ----------------------------------------------------------------------------------------------------------
# Integer-array indexing and transposes
# ----------------------------------------------------------------------------------------------------------


@st.composite
def index_and_permutation(draw):
    x = draw(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=4), elements=floats(-2, 2)))
    n = x.shape[0]
    index = draw(hnp.arrays(np.int64, st.integers(0, 6), elements=st.integers(-n, n - 1)))  # repeats, negatives
    perm = draw(st.permutations(range(x.ndim)))
    axes = tuple(a - x.ndim if draw(st.booleans()) else a for a in perm)  # some axes negative
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return x, index, axes, rng


INDEXING = {  # f(np_, x, index, axes)
    "x[index]": lambda np_, x, index, axes: x[index],
    "transpose(x, axes)": lambda np_, x, index, axes: np_.transpose(x, axes),
    "transpose(x[index] ** 2, axes)": lambda np_, x, index, axes: np_.transpose(x[index] ** 2, axes),
}


@functools.partial(jit, static_argnames=("axes",))
def jax_indexing(x, index, ws, t, axes):
    out = {}
    for name, f in INDEXING.items():
        f_jax = functools.partial(f, jnp, index=index, axes=axes)
        out[name] = (jax.grad(weighted_sum(jnp, f_jax, ws[name]))(x), jax.jvp(f_jax, (x,), (t,)))
    return out


@examples
@given(index_and_permutation())
def test_integer_array_indexing_and_transpose(example):
    x, index, axes, rng = example
    ws = {name: rng.standard_normal(np.shape(f(np, x, index, axes))) for name, f in INDEXING.items()}
    t = rng.standard_normal(x.shape)
    expected = jax_indexing(x, index, ws, t, axes)
    for name, f in INDEXING.items():
        what = f"{name} with index={index.tolist()}, axes={axes}"
        f_adlib = functools.partial(f, anp, index=index, axes=axes)
        g = adlib.grad(weighted_sum(anp, f_adlib, ws[name]))(x)
        assert_close(g, expected[name][0], f"{what}: gradient")
        value, tangent = adlib.jvp(f_adlib, (x,), (t,))
        assert_close(value, expected[name][1][0], f"{what}: value")
        assert_close(tangent, expected[name][1][1], f"{what}: jvp")
