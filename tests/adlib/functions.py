"""The family of test functions, shared by ``test_jax_crosscheck.py`` and ``test_check_grads.py``.

Every function is written once, taking the NumPy module as its first argument, so that the same code runs with
``adlib.numpy`` and with ``jax.numpy``:  ``Case("sin", lambda np_, x: np_.sin(x), normal(3, 4))``.

Together the cases cover every primitive and composite of ``adlib.numpy``, the operators of traced values and
the kinds of indexing. The inputs are drawn (seeded) inside each function's domain and away from its kinks and
ties: positive where a log or a square root needs it, away from 0 for ``abs`` and divisors, well separated
values for ``max``/``min``/``maximum``/``clip``.
"""

import zlib

import numpy as np

import adlib.numpy as anp

_rng = np.random.default_rng(20240607)


def normal(*shape):
    return _rng.standard_normal(shape)


def uniform(lo, hi, *shape):
    return _rng.uniform(lo, hi, shape)


def positive(*shape):
    return uniform(0.5, 2.0, *shape)


def away(*shape):
    """Random signs, magnitudes in [0.3, 1.5]: away from the kink of abs at 0 and from division by 0."""
    return _rng.choice([-1.0, 1.0], shape) * uniform(0.3, 1.5, *shape)


def distinct(*shape):
    """Values at least 0.2 apart and of distinct magnitudes (no ties for max, min, the inf-norm)."""
    n = int(np.prod(shape))
    magnitudes = 0.3 + 0.2 * _rng.permutation(n) + uniform(0.0, 0.05, n)
    return (_rng.choice([-1.0, 1.0], n) * magnitudes).reshape(shape)


class Case:
    """``fun(np_, *args)`` at the point ``args`` (float64 NumPy arrays)."""

    def __init__(self, id, fun, *args):
        self.id, self.fun, self.args = id, fun, args

    def __repr__(self):
        return f"Case({self.id})"

    def rng(self, salt=""):
        """A generator seeded by the case's id: the same random directions in every run and every file."""
        return np.random.default_rng(zlib.crc32((self.id + salt).encode()))

    def scalar(self, np_):
        """``L(*args) = sum(sin(fun(*args)) · W)`` for a fixed random W: a scalar with curvature, for grad and
        hessian (the sin makes the Hessian depend on the first derivatives of ``fun`` too)."""
        w = self.rng("W").standard_normal(np.shape(self.fun(anp, *self.args)))
        return lambda *xs: np_.sum(np_.sin(self.fun(np_, *xs)) * w)


def _chain(np_, x):
    y = np_.cosh(np_.sqrt(np_.square(x) + 1.0))
    y = np_.log1p(np_.exp(np_.sin(y)))
    return np_.arctan(np_.tanh(np_.sinh(y)))


def _numpy(np_):
    """NumPy itself when the case runs with adlib.numpy (to call np.sin on a traced value); JAX's otherwise."""
    return np if np_ is anp else np_


C34 = normal(3, 4)  # a constant
MASK34 = np.array([[True, False, True, True], [False, False, True, False], [True, True, False, True]])
MASK4 = np.array([True, False, True, True])
IDX = np.array([0, 2, -1, 1, 0, 2])  # repeated (and negative) indices: their adjoints add up

CASES = [
    # --- elementwise, one argument ---
    Case("negative", lambda np_, x: np_.negative(x), normal(3, 4)),
    Case("exp", lambda np_, x: np_.exp(x), normal(3, 4)),
    Case("expm1", lambda np_, x: np_.expm1(x), normal(3, 4)),
    Case("log", lambda np_, x: np_.log(x), positive(3, 4)),
    Case("log1p", lambda np_, x: np_.log1p(x), uniform(-0.6, 2.0, 3, 4)),
    Case("sqrt", lambda np_, x: np_.sqrt(x), positive(3, 4)),
    Case("square", lambda np_, x: np_.square(x), normal(3, 4)),
    Case("sin", lambda np_, x: np_.sin(x), normal(3, 4)),
    Case("cos", lambda np_, x: np_.cos(x), normal(3, 4)),
    Case("tan", lambda np_, x: np_.tan(x), uniform(-1.2, 1.2, 3, 4)),
    Case("sinh", lambda np_, x: np_.sinh(x), normal(3, 4)),
    Case("cosh", lambda np_, x: np_.cosh(x), normal(3, 4)),
    Case("tanh", lambda np_, x: np_.tanh(x), normal(3, 4)),
    Case("arctan", lambda np_, x: np_.arctan(x), normal(3, 4)),
    Case("abs", lambda np_, x: np_.abs(x), away(3, 4)),
    Case("absolute-0d", lambda np_, x: np_.absolute(x), np.array(-0.7)),
    # --- elementwise, two or three arguments, with broadcasting ---
    Case("add", lambda np_, x, y: np_.add(x, y), normal(3, 4), normal(3, 4)),
    Case("add-bcast-row", lambda np_, x, y: np_.add(x, y), normal(3, 4), normal(4)),
    Case("subtract-bcast-col", lambda np_, x, y: np_.subtract(x, y), normal(3, 1), normal(3, 4)),
    Case("multiply", lambda np_, x, y: np_.multiply(x, y), normal(3, 4), normal(3, 4)),
    Case("multiply-bcast-outer", lambda np_, x, y: np_.multiply(x, y), normal(3, 1), normal(1, 4)),
    Case("multiply-bcast-0d", lambda np_, x, y: np_.multiply(x, y), normal(), normal(2, 3)),
    Case("divide", lambda np_, x, y: np_.divide(x, y), normal(3, 4), away(3, 4)),
    Case("divide-bcast", lambda np_, x, y: np_.divide(x, y), normal(2, 1, 4), away(3, 1)),
    Case("power", lambda np_, x, y: np_.power(x, y), positive(3, 4), normal(3, 4)),
    Case("power-bcast", lambda np_, x, y: np_.power(x, y), positive(3, 1), normal(4)),
    Case("maximum", lambda np_, x, y: np_.maximum(x, y), *(lambda x: (x, x + away(3, 4)))(normal(3, 4))),
    Case("minimum", lambda np_, x, y: np_.minimum(x, y), *(lambda x: (x, x + away(3, 4)))(normal(3, 4))),
    Case("maximum-bcast", lambda np_, x, y: np_.maximum(x, y), distinct(3, 4), np.array([-0.6, 0.1, 0.9, 1.6])),
    Case("where", lambda np_, x, y: np_.where(x > 0, x * y, np_.sin(y)), away(3, 4), normal(3, 4)),
    Case("where-const-mask-bcast", lambda np_, x, y: np_.where(MASK34, x, y), normal(4), normal(3, 1)),
    # --- reductions ---
    Case("sum", lambda np_, x: np_.sum(x), normal(3, 4)),
    Case("sum-axis0", lambda np_, x: np_.sum(x, axis=0), normal(3, 4)),
    Case("sum-axis-neg-keepdims", lambda np_, x: np_.sum(x, axis=-1, keepdims=True), normal(3, 4)),
    Case("sum-axis-tuple", lambda np_, x: np_.sum(x, axis=(0, 2)), normal(2, 3, 4)),
    Case("sum-axis-tuple-neg-keepdims", lambda np_, x: np_.sum(x, axis=(-1, 0), keepdims=True), normal(2, 3, 4)),
    Case("sum-all-keepdims", lambda np_, x: np_.sum(x, keepdims=True), normal(2, 3)),
    Case("max", lambda np_, x: np_.max(x), distinct(3, 4)),
    Case("max-axis1", lambda np_, x: np_.max(x, axis=1), distinct(3, 4)),
    Case("max-axis-neg-keepdims", lambda np_, x: np_.max(x, axis=-1, keepdims=True), distinct(2, 3, 4)),
    Case("min", lambda np_, x: np_.min(x), distinct(3, 4)),
    Case("min-axis0", lambda np_, x: np_.min(x, axis=0), distinct(3, 4)),
    Case("min-axis-tuple", lambda np_, x: np_.min(x, axis=(0, 2)), distinct(2, 3, 4)),
    Case("logsumexp", lambda np_, x: np_.logsumexp(x), normal(3, 4)),
    Case("logsumexp-axis1", lambda np_, x: np_.logsumexp(x, axis=1), normal(3, 4)),
    Case(
        "logsumexp-axis-tuple-keepdims", lambda np_, x: np_.logsumexp(x, axis=(0, -1), keepdims=True), normal(2, 3, 4)
    ),
    Case("mean", lambda np_, x: np_.mean(x), normal(3, 4)),
    Case("mean-axis1", lambda np_, x: np_.mean(x, axis=1), normal(3, 4)),
    Case("mean-axis-tuple-keepdims", lambda np_, x: np_.mean(x, axis=(0, 2), keepdims=True), normal(2, 3, 4)),
    # --- linear algebra ---
    Case("matmul-1Dx1D", lambda np_, x, y: np_.matmul(x, y), normal(4), normal(4)),
    Case("matmul-1Dx2D", lambda np_, x, y: np_.matmul(x, y), normal(4), normal(4, 3)),
    Case("matmul-2Dx1D", lambda np_, x, y: np_.matmul(x, y), normal(3, 4), normal(4)),
    Case("matmul-2Dx2D", lambda np_, x, y: np_.matmul(x, y), normal(3, 4), normal(4, 2)),
    Case("matmul-3Dx2D-bcast", lambda np_, x, y: np_.matmul(x, y), normal(2, 3, 4), normal(4, 2)),
    Case("matmul-2Dx3D-bcast", lambda np_, x, y: np_.matmul(x, y), normal(3, 4), normal(2, 4, 2)),
    Case("matmul-3Dx1D", lambda np_, x, y: np_.matmul(x, y), normal(2, 3, 4), normal(4)),
    Case("matmul-1Dx3D", lambda np_, x, y: np_.matmul(x, y), normal(3), normal(2, 3, 4)),
    Case("matmul-4Dx3D-bcast-batch", lambda np_, x, y: np_.matmul(x, y), normal(2, 1, 2, 3), normal(3, 3, 2)),
    Case("dot-1Dx1D", lambda np_, x, y: np_.dot(x, y), normal(4), normal(4)),
    Case("dot-2Dx1D", lambda np_, x, y: np_.dot(x, y), normal(3, 4), normal(4)),
    Case("dot-2Dx2D", lambda np_, x, y: np_.dot(x, y), normal(3, 4), normal(4, 2)),
    Case("dot-0Dx2D", lambda np_, x, y: np_.dot(x, y), normal(), normal(2, 3)),
    Case("vdot", lambda np_, x, y: np_.vdot(x, y), normal(3, 4), normal(3, 4)),
    Case("outer", lambda np_, x, y: np_.outer(x, y), normal(3), normal(4)),
    Case("outer-2D", lambda np_, x, y: np_.outer(x, y), normal(2, 2), normal(3)),
    # --- shapes ---
    Case("transpose", lambda np_, x: np_.transpose(x), normal(2, 3, 4)),
    Case("transpose-axes", lambda np_, x: np_.transpose(x, (2, 0, 1)), normal(2, 3, 4)),
    Case("transpose-axes-neg", lambda np_, x: np_.transpose(x, (-1, 0, 1)), normal(2, 3, 4)),
    Case("swapaxes", lambda np_, x: np_.swapaxes(x, 0, 2), normal(2, 3, 4)),
    Case("swapaxes-neg", lambda np_, x: np_.swapaxes(x, -1, 1), normal(2, 3, 4)),
    Case("moveaxis", lambda np_, x: np_.moveaxis(x, 0, -1), normal(2, 3, 4)),
    Case("moveaxis-tuple", lambda np_, x: np_.moveaxis(x, (0, 1), (2, 0)), normal(2, 3, 4)),
    Case("reshape", lambda np_, x: np_.reshape(x, (4, 3)), normal(3, 4)),
    Case("reshape-minus1", lambda np_, x: np_.reshape(x, (2, -1, 2)), normal(3, 4)),
    Case("reshape-to-0d", lambda np_, x: np_.reshape(x, ()), normal(1, 1)),
    Case("expand_dims", lambda np_, x: np_.expand_dims(x, 1), normal(3, 4)),
    Case("expand_dims-tuple", lambda np_, x: np_.expand_dims(x, (0, -1)), normal(3, 4)),
    Case("squeeze", lambda np_, x: np_.squeeze(x), normal(3, 1, 4, 1)),
    Case("squeeze-axis", lambda np_, x: np_.squeeze(x, axis=1), normal(3, 1, 4, 1)),
    Case("broadcast_to", lambda np_, x: np_.broadcast_to(x, (2, 3, 4)), normal(3, 1)),
    Case("concatenate", lambda np_, x, y: np_.concatenate([x, y]), normal(2, 3), normal(1, 3)),
    Case(
        "concatenate-axis-neg-3",
        lambda np_, x, y, z: np_.concatenate([x, y, z], axis=-1),
        normal(2, 3),
        normal(2, 1),
        normal(2, 2),
    ),
    Case("concatenate-with-const", lambda np_, x: np_.concatenate([C34, x], axis=0), normal(1, 4)),
    Case("stack", lambda np_, x, y: np_.stack([x, y]), normal(3, 4), normal(3, 4)),
    Case(
        "stack-axis-neg", lambda np_, x, y, z: np_.stack([x, y, z], axis=-1), normal(2, 3), normal(2, 3), normal(2, 3)
    ),
    Case("stack-axis1", lambda np_, x, y: np_.stack((x, y), axis=1), normal(2, 3), normal(2, 3)),
    Case("clip", lambda np_, x: np_.clip(x, -0.5, 0.5), np.array([[-1.3, -0.2, 0.1], [0.7, 0.4, -0.8]])),
    Case("clip-upper-only", lambda np_, x: np_.clip(x, None, 0.5), np.array([[-1.3, -0.2, 0.1], [0.7, 0.4, 1.8]])),
    Case("ravel", lambda np_, x: np_.ravel(x), normal(2, 3, 2)),
    # --- norms ---
    Case("norm", lambda np_, x: np_.linalg.norm(x), normal(5)),
    Case("norm-fro", lambda np_, x: np_.linalg.norm(x), normal(3, 4)),
    Case("norm-ord1", lambda np_, x: np_.linalg.norm(x, 1), away(5)),
    Case("norm-ord-inf", lambda np_, x: np_.linalg.norm(x, np.inf), distinct(5)),
    Case("norm-ord3", lambda np_, x: np_.linalg.norm(x, 3), away(5)),
    Case("norm-axis1", lambda np_, x: np_.linalg.norm(x, axis=1), normal(3, 4)),
    Case("norm-ord1-axis0-keepdims", lambda np_, x: np_.linalg.norm(x, 1, axis=0, keepdims=True), away(3, 4)),
    Case("norm-ord-inf-axis-neg", lambda np_, x: np_.linalg.norm(x, np.inf, axis=-1), distinct(3, 4)),
    Case("norm-ord3-axis1", lambda np_, x: np_.linalg.norm(x, 3, axis=1), away(3, 4)),
    Case("norm-ord2", lambda np_, x: np_.linalg.norm(x, 2), normal(5)),
    Case("norm-ord-neg-inf-axis1", lambda np_, x: np_.linalg.norm(x, -np.inf, axis=1), distinct(3, 4)),
    Case("norm-ord-neg2", lambda np_, x: np_.linalg.norm(x, -2), away(5)),
    Case("norm-ord0-axis0", lambda np_, x: np_.linalg.norm(x, 0, axis=0) * x, normal(2, 3)),  # counts: constant
    # --- indexing ---
    Case("index-int", lambda np_, x: x[1], normal(3, 4)),
    Case("index-int-neg", lambda np_, x: x[-1, 2], normal(3, 4)),
    Case("index-newaxis", lambda np_, x: x[:, None], normal(3, 4)),
    Case("index-ellipsis", lambda np_, x: x[..., 0], normal(2, 3, 4)),
    Case("index-slice", lambda np_, x: x[1:3], normal(4, 3)),
    Case("index-step-neg", lambda np_, x: x[::-1], normal(5)),
    Case("index-step-neg2", lambda np_, x: x[:, 3:0:-2], normal(3, 5)),
    Case("index-bool-mask", lambda np_, x: x[MASK34], normal(3, 4)),
    Case("index-bool-mask-axis1", lambda np_, x: x[:, MASK4], normal(3, 4)),
    Case("index-int-array-repeated", lambda np_, x: x[IDX], normal(3)),
    Case("index-int-array-repeated-2D", lambda np_, x: x[IDX, 1:], normal(3, 4)),
    Case("index-int-arrays-pairs", lambda np_, x: x[IDX, IDX[::-1]], normal(3, 3)),
    Case("iterate", lambda np_, x: np_.stack([r * i for i, r in enumerate(x)]), normal(3, 2)),
    # --- operators and methods ---
    Case("op-add", lambda np_, x, y: x + y, normal(3, 4), normal(4)),
    Case("op-sub", lambda np_, x, y: x - y, normal(3, 4), normal(3, 1)),
    Case("op-mul", lambda np_, x, y: x * y, normal(3, 4), normal(3, 4)),
    Case("op-div", lambda np_, x, y: x / y, normal(3, 4), away(4)),
    Case("op-pow", lambda np_, x, y: x**y, positive(3, 4), normal(3, 4)),
    Case("op-pow-2", lambda np_, x: x**2, normal(3, 4)),
    Case("op-pow-3.0", lambda np_, x: x**3.0, normal(3, 4)),
    Case("op-pow-int3", lambda np_, x: x**3, normal(3, 4)),
    Case("op-pow-half", lambda np_, x: x**0.5, positive(3, 4)),
    Case("op-rpow", lambda np_, x: 2.0**x, normal(3, 4)),
    Case("op-radd-rsub", lambda np_, x: 1.0 - (2.0 + x), normal(3, 4)),
    Case("op-rmul-rdiv", lambda np_, x: 3.0 * (2.0 / x), away(3, 4)),
    Case("op-ndarray-left", lambda np_, x: C34 * x + C34 / (x * x + 1.0) - C34, normal(3, 4)),
    Case("op-matmul", lambda np_, x, y: x @ y, normal(3, 4), normal(4, 2)),
    Case("op-rmatmul-const", lambda np_, x: C34 @ x, normal(4, 2)),
    Case("op-neg", lambda np_, x: -x, normal(3, 4)),
    Case("op-abs", lambda np_, x: abs(x), away(3, 4)),
    Case("op-T", lambda np_, x: x.T, normal(3, 4)),
    Case("method-sum", lambda np_, x: x.sum(), normal(3, 4)),
    Case("method-sum-axis", lambda np_, x: x.sum(axis=1), normal(3, 4)),
    Case("method-reshape", lambda np_, x: x.reshape(4, 3), normal(3, 4)),
    Case("method-reshape-tuple", lambda np_, x: x.reshape((-1,)), normal(3, 4)),
    Case("method-mean-max-min", lambda np_, x: x.mean(axis=0) + x.max(axis=0) * x.min(axis=0), distinct(3, 4)),
    Case("method-transpose", lambda np_, x: x.transpose(1, 0, 2), normal(2, 3, 4)),
    Case("method-chain", lambda np_, x: x.squeeze().swapaxes(0, 1).ravel() * x.flatten(), normal(3, 1, 4)),
    Case("method-astype-pos-len", lambda np_, x: +x.astype(np.float64) * len(x), normal(3, 4)),
    Case("method-clip-dot", lambda np_, x: x.clip(-0.6, 0.6).dot(x[0]), distinct(3, 4)),
    # --- NumPy's own functions on traced values dispatch to adlib.numpy (__array_ufunc__, __array_function__)
    Case("numpy-functions-on-traced", lambda np_, x: _numpy(np_).sum(_numpy(np_).tanh(x) * x, axis=0), normal(3, 4)),
    Case(
        "numpy-ndarray-op-traced",
        lambda np_, x: np.exp(C34) @ x.T + _numpy(np_).sum(np.exp(C34[0]) ** x[0]),
        normal(3, 4),
    ),
    # --- arrays built from traced values ---
    Case(
        "array-from-list",
        lambda np_, x: np_.array([x[0] * 2.0, x[1] ** 2, np_.sin(x[2])]) * np_.array([1, 2, 4], dtype=float) ** -1,
        normal(3),
    ),
    # --- compositions ---
    Case("mlp-layer", lambda np_, x, w, b: np_.tanh(x @ w + b), normal(5, 3), normal(3, 4), normal(4)),
    Case(
        "softmax-cross-entropy",
        lambda np_, z, y: -np_.sum(y * (z - np_.logsumexp(z, axis=-1, keepdims=True)), axis=-1),
        normal(4, 3),
        np.eye(3)[[0, 2, 1, 2]],
    ),
    Case(
        "gaussian-logpdf",
        lambda np_, x, mu, s: -0.5 * np_.sum(((x - mu) / s) ** 2) - np_.sum(np_.log(s)),
        normal(4, 3),
        normal(3),
        positive(3),
    ),
    Case("chain-all-unary", lambda np_, x: _chain(np_, x), normal(2, 3)),
    # --- regressions (issue 18)
    Case("power-int-at-0", lambda np_, x: x**0 + x**1 + 2.0 * x**3 + x**4, np.array([0.0, 0.7, -1.3])),
    Case("full-traced", lambda np_, x: np_.full((2, 3), x[0]) * x[1:3, None], normal(4)),
    Case("full_like-traced", lambda np_, x: np_.full_like(C34, x[1]) * x[0], normal(2)),
    Case("linspace-traced", lambda np_, x: np_.linspace(x[0], x[1], 5), normal(2)),
    Case("linspace-arrays-axis", lambda np_, x: np_.linspace(x[:2], x[2:], 3, endpoint=False, axis=-1), normal(4)),
    Case("logspace-traced", lambda np_, x: np_.logspace(x[0], x[1], 4, base=2.0), normal(2)),
    Case("meshgrid-traced", lambda np_, x: np_.stack(np_.meshgrid(x[:2], x[2:] * 2.0)), normal(5)),
    Case("reshape-order-F", lambda np_, x: np_.reshape(x, (4, 3), order="F"), normal(3, 4)),
    Case("method-reshape-order-F", lambda np_, x: x.reshape(2, 6, order="F") * x[0, 0], normal(3, 4)),
    Case("concatenate-axis-None", lambda np_, x: np_.concatenate([x, np_.sin(x[0])], axis=None), normal(2, 3)),
    Case("clip-min-max-keywords", lambda np_, x: np_.clip(x, min=-0.6, max=0.6), distinct(3, 4)),
    Case("swapaxes-keywords", lambda np_, x: np_.swapaxes(x, axis1=0, axis2=2), normal(2, 3, 4)),
    Case("sum-dtype", lambda np_, x: np_.sum(x, axis=0, dtype=np.float64), normal(3, 4)),
]

assert len({c.id for c in CASES}) == len(CASES), "case ids must be unique"

# --- numpy breadth (issue 18) ---------------------------------------------------------------------------------
C_NONFINITE = np.where(MASK34, 0.0, np.array([[np.nan, np.inf, -np.inf, np.nan]] * 3))  # replaced by nan_to_num
C_NAN = np.array([np.nan, 0.2, np.nan, -0.4])
ZEROS34 = np.array([[0.0, 1.3, -0.7, 2.0], [0.0, 0.0, 1.1, -0.4], [0.9, -1.2, 0.6, 1.5]])  # one, two, no zeros
ORDER34 = np.argsort(normal(3, 4), axis=1)


def _weigh(np_, parts, axis=0):
    """The pieces of a split put back together, each weighted differently (so that a mix-up shows)."""
    return np_.concatenate([p * (i + 1.0) for i, p in enumerate(parts)], axis=axis)


CASES += [
    # --- elementwise, one argument ---
    Case("arcsin", lambda np_, x: np_.arcsin(x), uniform(-0.8, 0.8, 3, 4)),
    Case("arccos", lambda np_, x: np_.arccos(x), uniform(-0.8, 0.8, 3, 4)),
    Case("arcsinh", lambda np_, x: np_.arcsinh(x), normal(3, 4)),
    Case("arccosh", lambda np_, x: np_.arccosh(x), uniform(1.3, 3.0, 3, 4)),
    Case("arctanh", lambda np_, x: np_.arctanh(x), uniform(-0.8, 0.8, 3, 4)),
    Case("log2", lambda np_, x: np_.log2(x), positive(3, 4)),
    Case("log10", lambda np_, x: np_.log10(x), positive(3, 4)),
    Case("exp2", lambda np_, x: np_.exp2(x), normal(3, 4)),
    Case("fabs", lambda np_, x: np_.fabs(x), away(3, 4)),
    Case("reciprocal", lambda np_, x: np_.reciprocal(x), away(3, 4)),
    Case("sinc", lambda np_, x: np_.sinc(x), normal(3, 4)),
    Case("sinc-at-0", lambda np_, x: np_.sinc(x * np.array([0.0, 1.0, 1.0])), np.array([0.4, 0.3, -1.2])),
    Case("deg2rad", lambda np_, x: np_.deg2rad(x), normal(3, 4) * 90),
    Case("rad2deg", lambda np_, x: np_.rad2deg(x) / 90, normal(3, 4)),
    Case("nan_to_num", lambda np_, x: np_.nan_to_num(np_.where(MASK34, x, C_NONFINITE), nan=0.5, posinf=2.0,
                                                     neginf=-3.0), normal(3, 4)),
    # --- elementwise, two arguments ---
    Case("arctan2", lambda np_, x, y: np_.arctan2(x, y), normal(3, 4), away(3, 4)),
    Case("hypot", lambda np_, x, y: np_.hypot(x, y), away(3, 4), away(4)),
    Case("logaddexp", lambda np_, x, y: np_.logaddexp(x, y), normal(3, 4), normal(3, 1)),
    Case("logaddexp2", lambda np_, x, y: np_.logaddexp2(x, y), normal(3, 4), normal(4)),
    Case("mod", lambda np_, x, y: np_.mod(x, y), 3 * normal(3, 4), away(3, 4)),
    Case("remainder-bcast", lambda np_, x, y: np_.remainder(x, y), 3 * normal(3, 4), away(4)),
    Case("fmod", lambda np_, x, y: np_.fmod(x, y), 3 * normal(3, 4), away(3, 4)),
    Case("fmax", lambda np_, x, y: np_.fmax(x, y), *(lambda x: (x, x + away(3, 4)))(normal(3, 4))),
    Case("fmin-nan", lambda np_, x, y: np_.fmin(x, C_NAN) * np_.fmin(C_NAN, y), distinct(3, 4), distinct(4)),
    Case("select", lambda np_, x: np_.select([x > 0.5, x < -0.5], [x**2, np_.sin(x)], default=x * 0.5),
         np.array([[-1.3, -0.2, 0.1], [0.7, 0.4, -0.8]])),
    Case("cross", lambda np_, x, y: np_.cross(x, y), normal(4, 3), normal(3)),
    Case("cross-axis", lambda np_, x, y: np_.cross(x, y, axis=0), normal(3, 2), normal(3, 2)),
    # --- reductions and scans ---
    Case("prod", lambda np_, x: np_.prod(x), positive(3, 4) * np.sign(normal(3, 4))),
    Case("prod-axis1-zeros", lambda np_, x: np_.prod(x, axis=1), ZEROS34),
    Case("prod-axis-tuple-keepdims", lambda np_, x: np_.prod(x, axis=(0, 2), keepdims=True), normal(2, 3, 2)),
    Case("prod-all-zeros", lambda np_, x: np_.prod(x), np.array([0.0, 0.7, 0.0, -1.2])),
    Case("cumsum", lambda np_, x: np_.cumsum(x), normal(3, 4)),
    Case("cumsum-axis0", lambda np_, x: np_.cumsum(x, axis=0), normal(3, 4)),
    Case("cumprod-axis-neg-zeros", lambda np_, x: np_.cumprod(x, axis=-1), ZEROS34),
    Case("cumprod", lambda np_, x: np_.cumprod(x), normal(2, 3) + 0.5),
    Case("diff", lambda np_, x: np_.diff(x), normal(3, 4)),
    Case("diff-n2-axis0", lambda np_, x: np_.diff(x, n=2, axis=0), normal(4, 3)),
    Case("diff-prepend-append", lambda np_, x, y: np_.diff(x, prepend=0.5, append=y), normal(3, 4), normal(3, 2)),
    Case("var", lambda np_, x: np_.var(x), normal(3, 4)),
    Case("var-axis0-ddof1", lambda np_, x: np_.var(x, axis=0, ddof=1), normal(3, 4)),
    Case("var-axis-tuple-keepdims", lambda np_, x: np_.var(x, axis=(0, 2), keepdims=True), normal(2, 3, 4)),
    Case("std", lambda np_, x: np_.std(x), normal(3, 4)),
    Case("std-axis1-ddof1-keepdims", lambda np_, x: np_.std(x, axis=1, ddof=1, keepdims=True), normal(3, 4)),
    Case("trace", lambda np_, x: np_.trace(x), normal(3, 4)),
    Case("trace-offset-axes", lambda np_, x: np_.trace(x, 1, 2, 0), normal(3, 2, 4)),
    # --- linear algebra ---
    Case("einsum-matmul", lambda np_, x, y: np_.einsum("ij,jk->ik", x, y), normal(3, 4), normal(4, 2)),
    Case("einsum-implicit", lambda np_, x, y: np_.einsum("ij,kj", x, y), normal(3, 4), normal(2, 4)),
    Case("einsum-diagonal", lambda np_, x: np_.einsum("ii->i", x), normal(3, 3)),
    Case("einsum-trace-implicit", lambda np_, x: np_.einsum("ii", x), normal(3, 3)),
    Case("einsum-repeated-and-summed", lambda np_, x, y: np_.einsum("iij,k->k", x, y), normal(3, 3, 2), normal(4)),
    Case("einsum-sum-within", lambda np_, x: np_.einsum("ij->i", x), normal(3, 4)),
    Case("einsum-ellipsis-bcast", lambda np_, x, y: np_.einsum("...i,...i->...", x, y), normal(2, 1, 3), normal(4, 3)),
    Case("einsum-batched", lambda np_, x, y: np_.einsum("bij,bjk->bik", x, y), normal(2, 3, 4), normal(2, 4, 2)),
    Case("einsum-three", lambda np_, x, A, y: np_.einsum("i,ij,j->", x, A, y), normal(3), normal(3, 4), normal(4)),
    Case("einsum-outer", lambda np_, x, y: np_.einsum("ij,k->ijk", x, y), normal(2, 3), normal(2)),
    Case("einsum-same-operand", lambda np_, x: np_.einsum("ij,ij->", x, x), normal(3, 4)),
    Case("tensordot", lambda np_, x, y: np_.tensordot(x, y), normal(2, 3, 4), normal(3, 4, 2)),
    Case("tensordot-axes-lists", lambda np_, x, y: np_.tensordot(x, y, axes=([0, 2], [2, 0])), normal(2, 3, 4),
         normal(4, 5, 2)),
    Case("tensordot-axes0", lambda np_, x, y: np_.tensordot(x, y, axes=0), normal(2, 3), normal(2)),
    Case("inner", lambda np_, x, y: np_.inner(x, y), normal(4), normal(4)),
    Case("inner-2Dx3D", lambda np_, x, y: np_.inner(x, y), normal(2, 4), normal(3, 2, 4)),
    Case("kron", lambda np_, x, y: np_.kron(x, y), normal(2, 3), normal(3, 2)),
    Case("kron-1Dx2D", lambda np_, x, y: np_.kron(x, y), normal(3), normal(2, 2)),
    Case("dot-3Dx2D", lambda np_, x, y: np_.dot(x, y), normal(2, 3, 4), normal(4, 2)),
    Case("dot-3Dx1D", lambda np_, x, y: np_.dot(x, y), normal(2, 3, 4), normal(4)),
    Case("dot-2Dx3D", lambda np_, x, y: np_.dot(x, y), normal(2, 3), normal(2, 3, 4)),
    # --- shapes and indexing ---
    Case("diag-from-vector", lambda np_, x: np_.diag(x, 1), normal(3)),
    Case("diag-of-matrix", lambda np_, x: np_.diag(x, -1), normal(3, 4)),
    Case("diagonal-axes", lambda np_, x: np_.diagonal(x, 1, 2, 0), normal(3, 2, 4)),
    Case("tril", lambda np_, x: np_.tril(x), normal(3, 4)),
    Case("triu-k-batched", lambda np_, x: np_.triu(x, -1), normal(2, 3, 4)),
    Case("take", lambda np_, x: np_.take(x, IDX), normal(3, 4)),
    Case("take-axis1", lambda np_, x: np_.take(x, IDX, axis=1), normal(2, 3)),
    Case("take_along_axis", lambda np_, x: np_.take_along_axis(x, ORDER34[:, :3], axis=1), normal(3, 4)),
    Case("repeat", lambda np_, x: np_.repeat(x, 2), normal(2, 3)),
    Case("repeat-array-axis1", lambda np_, x: np_.repeat(x, np.array([1, 0, 3]), axis=1), normal(2, 3)),
    Case("tile", lambda np_, x: np_.tile(x, 2), normal(2, 3)),
    Case("tile-3D", lambda np_, x: np_.tile(x, (2, 1, 2)), normal(2, 3)),
    Case("roll", lambda np_, x: np_.roll(x, 2), normal(3, 4)),
    Case("roll-axes", lambda np_, x: np_.roll(x, (1, -1), axis=(0, 1)), normal(3, 4)),
    Case("flip", lambda np_, x: np_.flip(x), normal(2, 3, 4)),
    Case("flip-axis", lambda np_, x: np_.flip(x, axis=(0, -1)), normal(2, 3, 4)),
    Case("fliplr-flipud", lambda np_, x: np_.fliplr(x) * np_.flipud(x), normal(3, 3)),
    Case("rot90", lambda np_, x: np_.rot90(x), normal(3, 4)),
    Case("rot90-k3-axes", lambda np_, x: np_.rot90(x, 3, axes=(1, 2)), normal(2, 3, 4)),
    Case("rot90-k2", lambda np_, x: np_.rot90(x, -2), normal(3, 4)),
    Case("pad", lambda np_, x: np_.pad(x, 1), normal(3, 4)),
    Case("pad-widths-constant", lambda np_, x: np_.pad(x, ((1, 0), (2, 1)), constant_values=0.5), normal(3, 4)),
    Case("pad-traced-constant", lambda np_, x, c: np_.pad(x, 2, constant_values=c), normal(3), np.array(0.3)),
    Case("sort", lambda np_, x: np_.sort(x), distinct(3, 4)),
    Case("sort-axis0", lambda np_, x: np_.sort(x, axis=0), distinct(3, 4)),
    Case("sort-axis-none", lambda np_, x: np_.sort(x, axis=None), distinct(3, 4)),
    Case("split", lambda np_, x: _weigh(np_, np_.split(x, 2, axis=1), axis=1), normal(3, 4)),
    Case("split-indices", lambda np_, x: _weigh(np_, np_.split(x, [1, 3])), normal(5, 2)),
    Case("array_split", lambda np_, x: _weigh(np_, np_.array_split(x, 3)), normal(7)),
    Case("hsplit-vsplit", lambda np_, x: _weigh(np_, np_.hsplit(x, 2), 1) + _weigh(np_, np_.vsplit(x, 2)),
         normal(4, 4)),
    Case("hstack", lambda np_, x, y: np_.hstack([x, y]), normal(3, 2), normal(3, 1)),
    Case("hstack-1D", lambda np_, x, y: np_.hstack((x, y, x)), normal(3), normal(2)),
    Case("vstack", lambda np_, x, y: np_.vstack([x, y]), normal(3), normal(2, 3)),
    Case("column_stack", lambda np_, x, y: np_.column_stack([x, y]), normal(3), normal(3, 2)),
    Case("atleast_1d", lambda np_, x: np_.atleast_1d(x), np.array(0.7)),
    Case("atleast_2d", lambda np_, x: np_.atleast_2d(x), normal(3)),
    Case("atleast_3d", lambda np_, x, y: np_.stack(np_.atleast_3d(x, y)), normal(3), normal(1, 3)),
    Case("ravel-order-F", lambda np_, x: np_.ravel(x, order="F"), normal(2, 3, 2)),
    Case("copy", lambda np_, x: np_.copy(x) * x, normal(3, 4)),
    # --- operators and methods ---
    Case("op-mod", lambda np_, x: x % 1.5, 3 * normal(3, 4)),
    Case("op-rmod", lambda np_, x: 2.5 % x, away(3, 4)),
    Case("method-prod-cumsum", lambda np_, x: x.prod(axis=1) * x.cumsum(1)[:, -1], normal(3, 4)),
    Case("method-var-std", lambda np_, x: x.var(axis=0, ddof=1) + x.std(), normal(3, 4)),
    Case("method-diagonal-repeat-take", lambda np_, x: x.diagonal() * x.repeat(2, axis=0).take(IDX[:3], axis=1)[:3],
         normal(3, 4)),
    Case("method-copy-flatten-F", lambda np_, x: x.copy().flatten("F") * x.ravel(), normal(3, 4)),
    # --- NumPy's own functions on traced values dispatch to the new functions too
    Case("numpy-new-functions-on-traced", lambda np_, x: _numpy(np_).prod(_numpy(np_).fabs(x), axis=0)
         + _numpy(np_).var(_numpy(np_).arcsinh(x), axis=0) + _numpy(np_).einsum("ij->j", _numpy(np_).cumsum(x, 0))
         + _numpy(np_).sort(_numpy(np_).fmax(x, 0.1), axis=0)[0] + _numpy(np_).mod(x, 1.5)[1], away(3, 4)),
]

# --- linalg and scipy.special (issue 18) -------------------------------------------------------------------------
import adlib.scipy.special as asp  # noqa: E402


def _special(np_):
    """adlib.scipy.special with adlib.numpy, jax.scipy.special with JAX."""
    return asp if np_ is anp else np_.scipy_special


def well_conditioned(*shape):
    """Square matrices (the last two axes) far from singular: normal entries plus 3·I."""
    return normal(*shape) + 3 * np.eye(shape[-1])


def spread_eigenvalues(n):
    """A (non-symmetric) x with x + xᵀ ≈ Q diag(1, 2, …, n) Qᵀ: eigenvalues at least ~1 apart."""
    q = np.linalg.qr(normal(n, n))[0]
    return 0.5 * (q * np.arange(1.0, n + 1)) @ q.T + 0.05 * normal(n, n)


def _T(np_, x):
    return np_.swapaxes(x, -1, -2)


def _flat(np_, *arrays):
    return np_.concatenate([np_.ravel(a) for a in arrays])


def _eigh_features(np_, x, UPLO="L"):
    """Eigenvalues and sign-independent functions of the eigenvectors of x + xᵀ: V∘V and V diag(c) Vᵀ."""
    w, v = np_.linalg.eigh(x + _T(np_, x), UPLO=UPLO)
    return _flat(np_, w, v * v, (v * np.arange(1.0, x.shape[-1] + 1)) @ _T(np_, v))


def _svd_features(np_, x):
    """σ and sign-independent functions of the thin SVD's U and Vᵀ: U∘U, Vᵀ∘Vᵀ and U diag(c) Vᵀ."""
    u, s, vt = np_.linalg.svd(x, full_matrices=False)
    return _flat(np_, s, u * u, vt * vt, (u * np.arange(1.0, s.shape[-1] + 1)) @ vt)


def _spd(np_, x):
    """x xᵀ + 2I: symmetric positive definite."""
    return x @ _T(np_, x) + 2 * np.eye(x.shape[-1])


CASES += [
    # --- linalg: inverse, determinants, solve ---
    Case("linalg-inv", lambda np_, x: np_.linalg.inv(x), well_conditioned(3, 3)),
    Case("linalg-inv-batch", lambda np_, x: np_.linalg.inv(x), well_conditioned(2, 3, 3)),
    Case("linalg-det", lambda np_, x: np_.linalg.det(x), well_conditioned(3, 3)),
    Case("linalg-det-batch", lambda np_, x: np_.linalg.det(x), well_conditioned(2, 3, 3)),
    Case("linalg-slogdet-batch", lambda np_, x: np_.linalg.slogdet(x)[0] * np_.linalg.slogdet(x)[1], normal(2, 3, 3)),
    Case("linalg-solve-batch-vector", lambda np_, a, b: np_.linalg.solve(a, b), well_conditioned(2, 3, 3), normal(3)),
    Case("linalg-solve-bcast-matrices", lambda np_, a, b: np_.linalg.solve(a, b), well_conditioned(3, 3),
         normal(2, 3, 2)),
    Case("linalg-solve-batch-matrices", lambda np_, a, b: np_.linalg.solve(a, b), well_conditioned(2, 3, 3),
         normal(2, 3, 2)),
    Case("linalg-pinv-tall", lambda np_, x: np_.linalg.pinv(x), normal(5, 3)),
    Case("linalg-pinv-wide-batch", lambda np_, x: np_.linalg.pinv(x), normal(2, 3, 4)),
    # --- linalg: decompositions ---
    Case("linalg-eigh", lambda np_, x: _eigh_features(np_, x), spread_eigenvalues(4)),
    Case("linalg-eigh-upper", lambda np_, x: _eigh_features(np_, x, UPLO="U"), spread_eigenvalues(3)),
    Case("linalg-eigh-batch", lambda np_, x: _eigh_features(np_, x),
         np.stack([spread_eigenvalues(3), spread_eigenvalues(3)])),
    Case("linalg-eigvalsh", lambda np_, x: np_.linalg.eigvalsh(x + x.T), spread_eigenvalues(4)),
    Case("linalg-cholesky", lambda np_, x: np_.linalg.cholesky(_spd(np_, x)), normal(3, 3)),
    Case("linalg-cholesky-upper-batch", lambda np_, x: np_.linalg.cholesky(_spd(np_, x), upper=True), normal(2, 3, 3)),
    Case("linalg-qr-tall", lambda np_, x: _flat(np_, *np_.linalg.qr(x)), normal(5, 3)),
    Case("linalg-qr-square-batch", lambda np_, x: _flat(np_, *np_.linalg.qr(x)), well_conditioned(2, 3, 3)),
    Case("linalg-qr-mode-r", lambda np_, x: np_.linalg.qr(x, mode="r"), normal(4, 3)),
    Case("linalg-qr-wide-batch", lambda np_, x: _flat(np_, *np_.linalg.qr(x)), normal(2, 3, 5)),
    Case("linalg-svd-tall", lambda np_, x: _svd_features(np_, x), normal(5, 3)),
    Case("linalg-svd-wide", lambda np_, x: _svd_features(np_, x), normal(3, 5)),
    Case("linalg-svd-batch", lambda np_, x: _svd_features(np_, x), normal(2, 4, 3)),
    Case("linalg-svdvals-tall", lambda np_, x: np_.linalg.svdvals(x), normal(5, 3)),
    Case("linalg-svdvals-wide-batch", lambda np_, x: np_.linalg.svdvals(x), normal(2, 3, 5)),
    # --- linalg: matrix norms ---
    Case("linalg-norm-matrix-ord1", lambda np_, x: np_.linalg.norm(x, 1), away(4, 3)),
    Case("linalg-norm-matrix-ord-neg1", lambda np_, x: np_.linalg.norm(x, -1), away(4, 3)),
    Case("linalg-norm-matrix-ord2", lambda np_, x: np_.linalg.norm(x, 2), normal(4, 3)),
    Case("linalg-norm-matrix-ord-neg2", lambda np_, x: np_.linalg.norm(x, -2), normal(3, 4)),
    Case("linalg-norm-matrix-ord-inf", lambda np_, x: np_.linalg.norm(x, np.inf), away(4, 3)),
    Case("linalg-norm-matrix-ord-neg-inf", lambda np_, x: np_.linalg.norm(x, -np.inf), away(4, 3)),
    Case("linalg-norm-matrix-nuc", lambda np_, x: np_.linalg.norm(x, "nuc"), normal(4, 3)),
    Case("linalg-norm-matrix-fro", lambda np_, x: np_.linalg.norm(x, "fro"), normal(4, 3)),
    Case("linalg-norm-nuc-axis-keepdims", lambda np_, x: np_.linalg.norm(x, "nuc", axis=(2, 0), keepdims=True),
         normal(4, 2, 3)),
    Case("linalg-norm-ord1-axis", lambda np_, x: np_.linalg.norm(x, 1, axis=(-1, 0)), away(4, 2, 3)),
    # --- scipy.special ---
    Case("special-expit", lambda np_, x: _special(np_).expit(x), 3 * normal(3, 4)),
    Case("special-logit", lambda np_, x: _special(np_).logit(x), uniform(0.1, 0.9, 3, 4)),
    Case("special-erf", lambda np_, x: _special(np_).erf(x), normal(3, 4)),
    Case("special-gammaln", lambda np_, x: _special(np_).gammaln(x), uniform(0.2, 6.0, 3, 4)),
    Case("special-gammaln-negative", lambda np_, x: _special(np_).gammaln(x), uniform(-2.9, -2.1, 4)),
    Case("special-digamma", lambda np_, x: _special(np_).digamma(x), uniform(0.2, 6.0, 3, 4)),
    Case("special-polygamma1", lambda np_, x: _special(np_).polygamma(1, x), uniform(0.2, 6.0, 3, 4)),
    Case("special-xlogy-bcast", lambda np_, x, y: _special(np_).xlogy(x, y), normal(3, 4), positive(4)),
    Case("special-xlog1py", lambda np_, x, y: _special(np_).xlog1py(x, y), normal(3, 4), uniform(-0.5, 2.0, 3, 4)),
    Case("special-logsumexp-axis", lambda np_, x: _special(np_).logsumexp(x, axis=0), normal(3, 4)),
    Case("special-logsumexp-b", lambda np_, x, b: _special(np_).logsumexp(x, axis=(0, 2), b=b, keepdims=True),
         normal(2, 3, 4), positive(3, 1)),
]

assert len({c.id for c in CASES}) == len(CASES), "case ids must be unique"
