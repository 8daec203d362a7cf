"""adlib against JAX, in float64, number for number.

Every case of ``functions.py`` (together they use every primitive and composite of ``adlib.numpy``, the operators
of traced values and every kind of indexing) runs once with ``adlib.numpy`` and once with ``jax.numpy``. The
value and every differential operator — grad, value_and_grad, jvp, vjp, jacfwd, jacrev, hessian, hvp — must agree
with JAX to about ten digits, and so must nested derivatives (grad of grad of grad, jvp of grad, grad of jvp,
grad of vjp) on the cases of ``NESTED``.

JAX compiles every computation with XLA, and compiling (~30 ms even for a tiny function) dwarfs running. So all
the JAX results of one case are computed by one jitted function, once (``reference``; a module fixture compiles
them in two threads up front), and each test compares adlib with its part of them. ``jacfwd`` and ``jacrev`` are
compared with the same JAX Jacobian, ``hvp`` with the JAX Hessian applied to the direction.
"""

import functools
import sys
from concurrent.futures import ThreadPoolExecutor

import jax

jax.config.update("jax_enable_x64", True)  # before any JAX array exists

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from functions import CASES  # noqa: E402
from jax_support import JNP, NOT_IN_THIS_JAX, jit  # noqa: E402

import adlib  # noqa: E402
import adlib.numpy as anp  # noqa: E402

RTOL, ATOL = 1e-10, 1e-12

# The nested derivatives are checked on one or two cases per primitive (the whole family would take too long).
NESTED = """negative exp expm1 log log1p sqrt square sin cos tan sinh cosh tanh arctan abs add-bcast-row
subtract-bcast-col multiply-bcast-outer divide-bcast power-bcast maximum minimum maximum-bcast where
where-const-mask-bcast sum-axis-tuple-neg-keepdims max-axis-neg-keepdims min-axis-tuple
logsumexp-axis-tuple-keepdims mean-axis-tuple-keepdims matmul-1Dx1D matmul-1Dx2D matmul-2Dx1D matmul-3Dx2D-bcast
matmul-1Dx3D dot-0Dx2D vdot outer-2D transpose-axes-neg moveaxis-tuple reshape-minus1 expand_dims-tuple
squeeze-axis broadcast_to concatenate-axis-neg-3 stack-axis-neg clip norm-ord1 norm-ord-inf-axis-neg norm-ord3-axis1
index-step-neg2 index-bool-mask index-int-array-repeated-2D op-rpow mlp-layer softmax-cross-entropy""".split()
# numpy breadth (issue 18)
NESTED += """arcsin arccosh log10 arctan2 logaddexp2 mod fmod fmin-nan sinc-at-0 select cross nan_to_num
prod-axis1-zeros prod-all-zeros prod-axis-tuple-keepdims cumsum-axis0 cumprod-axis-neg-zeros
diff-prepend-append var-axis0-ddof1 std-axis1-ddof1-keepdims trace-offset-axes einsum-diagonal
einsum-repeated-and-summed einsum-ellipsis-bcast einsum-three tensordot-axes-lists kron-1Dx2D
dot-2Dx3D diag-from-vector tril take-axis1 repeat-array-axis1 tile-3D roll-axes rot90-k3-axes
pad-traced-constant sort-axis0 array_split atleast_3d""".split()
NESTED_CASES = [c for c in CASES if c.id in NESTED]
assert len(NESTED_CASES) == len(NESTED), "an id in NESTED is not a case of functions.py"


def parametrize(cases):
    return pytest.mark.parametrize("case", cases, ids=[c.id for c in cases])


# a case this JAX release cannot differentiate is checked by test_check_grads (finite differences) only
JAX_CASES = [c for c in CASES if c.id not in NOT_IN_THIS_JAX]
all_cases, nested_cases = parametrize(JAX_CASES), parametrize([c for c in NESTED_CASES if c.id not in NOT_IN_THIS_JAX])


# ----------------------------------------------------------------------------------------------------------
# What the tests share: the functions, the random directions, and JAX's results
# ----------------------------------------------------------------------------------------------------------


def argnums(case):
    """All arguments: an int for one (the common case), a tuple for several."""
    return 0 if len(case.args) == 1 else tuple(range(len(case.args)))


def function(case, np_):
    return lambda *xs: case.fun(np_, *xs)


def random_like(rng, tree):
    if isinstance(tree, tuple | list):
        return tuple(random_like(rng, t) for t in tree)
    return rng.standard_normal(np.shape(tree))


def third_derivative_at_0(phi):
    """JAX's reference for adlib's grad of grad of grad: forward mode three times (a different route, and
    cheaper to compile)."""
    d1 = lambda s: jax.jvp(phi, (s,), (1.0,))[1]  # noqa: E731
    d2 = lambda s: jax.jvp(d1, (s,), (1.0,))[1]  # noqa: E731
    return jax.jvp(d2, (0.0,), (1.0,))[1]


@functools.cache
def directions(case):
    """Seeded random tangents (shaped like the inputs) and cotangents (shaped like the output)."""
    rng = case.rng("directions")
    out = np.shape(case.fun(anp, *case.args))
    return {
        "t": random_like(rng, case.args),  # jvp
        "u": rng.standard_normal(out),  # vjp
        "v": rng.standard_normal(np.shape(case.args[0])),  # hvp
        "t2": random_like(rng, case.args),  # jvp of grad, grad of grad of grad (the line x + s·t2)
        "w": rng.standard_normal(out),  # grad of jvp: x ↦ ⟨w, J(x) t⟩
        "r": random_like(rng, case.args),  # grad of vjp: x ↦ ⟨r, J(x)ᵀ u⟩
    }


def grad_of_jvp(np_, jvp, f, t, w):
    return lambda *xs: np_.sum(jvp(f, xs, t)[1] * w)


def grad_of_vjp(np_, vjp, f, u, r):
    return lambda *xs: np_.sum(np_.stack([np_.sum(a * b) for a, b in zip(vjp(f, *xs)[1](u), r, strict=True)]))


def on_line(L, args, t):
    """``s ↦ L(x + s·t)``: its third derivative at 0 is the third derivative of L along t."""
    return lambda s: L(*[x + s * d for x, d in zip(args, t, strict=True)])


def jax_results(case):
    """All of JAX's results for ``case`` as one jitted function (one compilation)."""
    f, L, n, d = function(case, JNP), case.scalar(JNP), argnums(case), directions(case)
    scalar_output = np.shape(d["u"]) == ()
    nested = case in NESTED_CASES

    def everything(*args):
        out = {
            "value": f(*args),
            "value_and_grad": jax.value_and_grad(L, n)(*args),
            "jvp": jax.jvp(f, args, d["t"]),
            "vjp": (lambda y, vjp_fn: (y, vjp_fn(d["u"])))(*jax.vjp(f, *args)),
            "jacobian": jax.jacfwd(f, n)(*args),
            "hessian": jax.hessian(L, n)(*args),
        }
        if scalar_output:
            out["grad_f"] = jax.grad(f, n)(*args)
        if nested:
            out["jvp_of_grad"] = jax.jvp(jax.grad(L, n), args, d["t2"])
            out["grad_of_jvp"] = jax.grad(grad_of_jvp(JNP, jax.jvp, f, d["t"], d["w"]), n)(*args)
            out["grad_of_vjp"] = jax.grad(grad_of_vjp(JNP, jax.vjp, f, d["u"], d["r"]), n)(*args)
            out["d3"] = third_derivative_at_0(on_line(L, args, d["t2"]))
        return out

    return jit(everything)


def lower(case):
    """Trace and lower to XLA: Python work, it holds the GIL."""
    return jax_results(case).trace(*case.args).lower()


def compile_and_run(lowered, case):
    """Compile with XLA and run: C++ work, it can run in another thread."""
    return jax.tree.map(np.asarray, lowered.compile()(*case.args))


_references = {}


def reference(case):
    """JAX's results for ``case`` (computed once)."""
    if case not in _references:
        _references[case] = compile_and_run(lower(case), case)
    return _references[case]


@pytest.fixture(scope="module", autouse=True)
def compile_references_in_parallel(request):
    """Compilation dominates the time of this file: compile the references of the selected tests in two threads
    while this one traces the next case. A case that fails here is left to its tests, which will report it."""
    this = sys.modules[__name__]
    selected = {
        item.callspec.params["case"]
        for item in request.session.items
        if getattr(item, "module", None) is this and "case" in getattr(getattr(item, "callspec", None), "params", {})
    }
    futures = {}
    with ThreadPoolExecutor(2) as pool:
        for case in [c for c in CASES if c in selected and c not in _references]:
            try:
                futures[case] = pool.submit(compile_and_run, lower(case), case)
            except Exception:  # tracing failed: the tests of this case will say why
                continue
    _references.update({case: f.result() for case, f in futures.items() if f.exception() is None})


def assert_close(actual, expected):
    """Same structure (tuples), same shapes, float64, the same numbers to ``RTOL``."""
    if isinstance(expected, tuple | list):
        assert isinstance(actual, tuple | list), f"expected a tuple of {len(expected)}, got {type(actual)}"
        assert len(actual) == len(expected), f"expected a tuple of {len(expected)}, got {len(actual)}"
        for a, e in zip(actual, expected, strict=True):
            assert_close(a, e)
        return
    assert not isinstance(actual, adlib.core.Box), f"a traced value escaped: {actual!r}"
    actual = np.asarray(actual)
    assert actual.shape == expected.shape, f"shape {actual.shape}, JAX has {expected.shape}"
    assert actual.dtype == expected.dtype == np.float64, f"dtype {actual.dtype}, JAX has {expected.dtype}"
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=ATOL)


# ----------------------------------------------------------------------------------------------------------
# Values and first derivatives
# ----------------------------------------------------------------------------------------------------------


@all_cases
def test_value(case):
    assert_close(case.fun(anp, *case.args), reference(case)["value"])


@all_cases
def test_grad(case):
    g = adlib.grad(case.scalar(anp), argnums(case))(*case.args)
    assert_close(g, reference(case)["value_and_grad"][1])


@all_cases
def test_value_and_grad(case):
    vg = adlib.value_and_grad(case.scalar(anp), argnums(case))(*case.args)
    assert_close(vg, reference(case)["value_and_grad"])


@parametrize([c for c in CASES if np.shape(c.fun(anp, *c.args)) == ()])
def test_grad_of_scalar_valued(case):
    """``grad`` of the function itself when its value is a scalar (a NumPy scalar or a 0-d array)."""
    assert_close(adlib.grad(function(case, anp), argnums(case))(*case.args), reference(case)["grad_f"])


@all_cases
def test_jvp(case):
    out = adlib.jvp(function(case, anp), case.args, directions(case)["t"])
    assert_close(out, reference(case)["jvp"])


@all_cases
def test_vjp(case):
    out, vjp_fn = adlib.vjp(function(case, anp), *case.args)
    assert_close((out, vjp_fn(directions(case)["u"])), reference(case)["vjp"])


@all_cases
def test_jacfwd(case):
    assert_close(adlib.jacfwd(function(case, anp), argnums(case))(*case.args), reference(case)["jacobian"])


@all_cases
def test_jacrev(case):
    assert_close(adlib.jacrev(function(case, anp), argnums(case))(*case.args), reference(case)["jacobian"])


# ----------------------------------------------------------------------------------------------------------
# Second and third derivatives
# ----------------------------------------------------------------------------------------------------------


@all_cases
def test_hessian(case):
    """Several arguments: a tuple of tuples, block (i, j) = ∂²L/∂x_i∂x_j, as in JAX."""
    assert_close(adlib.hessian(case.scalar(anp), argnums(case))(*case.args), reference(case)["hessian"])


@all_cases
def test_hvp(case):
    """``hvp`` in the first argument, against JAX's Hessian block times the direction."""
    x, rest, v = case.args[0], case.args[1:], directions(case)["v"]
    H = reference(case)["hessian"]
    H = H if len(case.args) == 1 else H[0][0]
    got = adlib.hvp(lambda x: case.scalar(anp)(x, *rest), x, v)
    assert_close(got, np.tensordot(H, v, axes=np.ndim(v)))


@nested_cases
def test_grad_of_grad_of_grad(case):
    """Reverse over reverse over reverse: the third derivative of ``s ↦ L(x + s·t)`` at 0 (JAX's by forward
    mode three times)."""
    d3 = adlib.grad(adlib.grad(adlib.grad(on_line(case.scalar(anp), case.args, directions(case)["t2"]))))(0.0)
    assert_close(d3, reference(case)["d3"])


@nested_cases
def test_jvp_of_grad(case):
    """Forward over reverse, through ``jvp`` and ``grad`` themselves: (∇L, ∇²L · t)."""
    out = adlib.jvp(adlib.grad(case.scalar(anp), argnums(case)), case.args, directions(case)["t2"])
    assert_close(out, reference(case)["jvp_of_grad"])


@nested_cases
def test_grad_of_jvp(case):
    """Reverse over forward: the gradient of ``x ↦ ⟨w, J(x) t⟩``."""
    d = directions(case)
    G = grad_of_jvp(anp, adlib.jvp, function(case, anp), d["t"], d["w"])
    assert_close(adlib.grad(G, argnums(case))(*case.args), reference(case)["grad_of_jvp"])


@nested_cases
def test_grad_of_vjp(case):
    """Reverse over reverse: the gradient of ``x ↦ ⟨r, J(x)ᵀ u⟩``."""
    d = directions(case)
    R = grad_of_vjp(anp, adlib.vjp, function(case, anp), d["u"], d["r"])
    assert_close(adlib.grad(R, argnums(case))(*case.args), reference(case)["grad_of_vjp"])
