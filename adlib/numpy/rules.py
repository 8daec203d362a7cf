"""The derivative rules of every primitive: its forward rule (JVP) and its reverse rule (VJP), side by side.

Every rule is called as ``rule(t_or_g, ans, *args, **kwargs)`` with the primitive's own arguments, ``ans`` its
output, and

* ``t`` — the **tangent** of one argument (forward mode): the rule returns that argument's contribution
  ``∂φ/∂x · t`` to the output tangent;
* ``g`` — the **adjoint** of the output, ``∂L/∂ans`` (reverse mode): the rule returns ``gᵀ ∂φ/∂x``, the
  contribution to the argument's adjoint.

The engine sums the contributions of all traced arguments (forward) or of all consumers (reverse), and undoes
broadcasting for both modes in one place (``core._unbroadcast``); no rule here has to think about it. The rules
are given with the primitive's ``defjvp``/``defvjp`` (per argument) or ``defjvp_all``/``defvjp_all`` (all
arguments at once), the one way to define rules anywhere (see ``core.Primitive``).

Rules are written with the differentiable functions of ``adlib.numpy`` (``cos``, ``where``, ``sum`` …), never with
raw NumPy, so that a rule is itself traced when it runs inside an outer ``grad`` or ``jvp``: this is what gives
derivatives of derivatives for free.

Three kinds of entries keep the table short:

``elementwise(f, rule_x, rule_y, …)``
    The Jacobian of an elementwise function is diagonal, so ``J t`` and ``Jᵀ g`` are the same formula:
    one rule per argument serves both modes.
``linear(f, transpose)``
    For ``f`` linear in its first argument the JVP is ``f`` itself applied to the tangent; the VJP is its
    transpose (``sum`` ↔ ``broadcast_to``, ``getitem`` ↔ ``untake``, ``reshape`` ↔ ``reshape`` back …).
``rules(f, jvp=(…), vjp=(…))``
    Anything else: both rules written out, one per argument.
"""

from string import ascii_letters

import numpy as np

from .. import core
from .numpy_wrapper import (
    absolute, add, astype_float, broadcast_to, concatenate_args, cos, cosh, divide, exp, expand_dims, expm1,
    getitem, log, log1p, logsumexp, matmul, max, maximum, min, minimum, moveaxis, multiply, negative, power,
    reshape, result_type, sin, sinh, sqrt, square, squeeze, subtract, sum, swapaxes, tan, tanh, arctan,
    transpose, untake, where,
)  # fmt: skip
from .numpy_wrapper import (  # added, issue 18
    _sinc_at_0, arccos, arccosh, arcsin, arcsinh, arctan2, arctanh, concatenate, cumprod, cumsum, einsum_args, exp2,
    flip, floor, fmod, hypot, log2, log10, logaddexp, logaddexp2, mod, prod, trunc,
)  # fmt: skip


def elementwise(f, *rules):
    f.defjvp(*rules).defvjp(*rules)


def linear(f, transpose_rule):
    f.defjvp(lambda t, ans, x, *args, **kwargs: f(t, *args, **kwargs)).defvjp(transpose_rule)


def rules(f, jvp, vjp):
    f.defjvp(*jvp).defvjp(*vjp)


# --- elementwise, one argument ----------------------------------------------------------------------------
#           primitive   rule for both modes: ∂f/∂x · t
elementwise(negative,   lambda t, ans, x: -t)
elementwise(exp,        lambda t, ans, x: t * ans)
elementwise(expm1,      lambda t, ans, x: t * (ans + 1))
elementwise(log,        lambda t, ans, x: t / x)
elementwise(log1p,      lambda t, ans, x: t / (1 + x))
elementwise(sqrt,       lambda t, ans, x: t / (2 * ans))
elementwise(square,     lambda t, ans, x: t * (2 * x))
elementwise(sin,        lambda t, ans, x: t * cos(x))
elementwise(cos,        lambda t, ans, x: -t * sin(x))
elementwise(tan,        lambda t, ans, x: t * (1 + ans * ans))
elementwise(sinh,       lambda t, ans, x: t * cosh(x))
elementwise(cosh,       lambda t, ans, x: t * sinh(x))
elementwise(tanh,       lambda t, ans, x: t * (1 - ans * ans))
elementwise(arctan,     lambda t, ans, x: t / (1 + x * x))
elementwise(absolute,   lambda t, ans, x: where(x >= 0, t, -t))  # at 0: 1, as JAX (x·|x| stays smooth)


# --- elementwise, several arguments (one rule per argument) -------------------------------------------------
def _balanced(x, y, ans):
    """1 where x wins, ½ on a tie (as JAX and autograd do), 0 where y wins; in ans's dtype (float32 stays)."""
    return np.asarray((x > y) + 0.5 * (x == y), dtype=result_type(ans))


def _power_dx(x, y):
    """∂(x^y)/∂x = y·x^(y−1), with x^(y−1) taken at x = 1 where x = y = 0: there y·x^(y−1) is 0·∞ and should be 0
    (x^0 = 1 has derivative 0 however often it is differentiated, so x³ at 0 has fourth derivative 0, not nan).
    JAX does the same for integer exponents; for y = 0.0 it gives nan."""
    return y * power(where((x == 0) & (y == 0), 1.0, x), y - 1)


def _log_base(x):
    """d(x^y)/dy = log(x)·x^y, with log(x) taken as 0 at x = 0 where x^y is 0 or 1."""
    if type(x) is float or type(x) is int:  # a Python number (2.0 ** y) stays one: float32 tangents stay float32
        return float(np.log(x)) if x != 0 else 0.0
    return log(where(x == 0, 1.0, x))


elementwise(add,        lambda t, ans, x, y: t,
                        lambda t, ans, x, y: t)
rules(subtract,
      jvp=(lambda t, ans, x, y: t,
           lambda t, ans, x, y: -t),
      vjp=(lambda g, ans, x, y: g,
           lambda g, ans, x, y: -core._unbroadcast(g, core.shape(y))))  # sum first, then negate: less work
elementwise(multiply,   lambda t, ans, x, y: t * y,
                        lambda t, ans, x, y: x * t)
elementwise(divide,     lambda t, ans, x, y: t / y,
                        lambda t, ans, x, y: -t * ans / y)
elementwise(power,      lambda t, ans, x, y: t * _power_dx(x, y),
                        lambda t, ans, x, y: t * _log_base(x) * ans)
elementwise(maximum,    lambda t, ans, x, y: t * _balanced(x, y, ans),
                        lambda t, ans, x, y: t * _balanced(y, x, ans))
elementwise(minimum,    lambda t, ans, x, y: t * _balanced(y, x, ans),
                        lambda t, ans, x, y: t * _balanced(x, y, ans))
elementwise(where,      None,
                        lambda t, ans, c, x, y: where(c, t, 0.0),
                        lambda t, ans, c, x, y: where(c, 0.0, t))


# --- reductions ------------------------------------------------------------------------------------------
def _expand(g, x, axis, keepdims):
    """Give the reduced ``g`` back the axes that the reduction of ``x`` removed (as size 1)."""
    if axis is None:
        return reshape(g, (1,) * np.ndim(x)) if not keepdims else g
    return g if keepdims else expand_dims(g, axis)


def _float_sum(dtype):
    if dtype is not None and np.dtype(dtype).kind != "f":
        raise TypeError(f"sum(..., dtype={np.dtype(dtype)}) of a traced value: its derivative is lost in the cast. "
                        "To sum integer parts (a constant), write anp.sum(x.astype(int)).")


def _sum_jvp(t, ans, x, axis=None, dtype=None, keepdims=False):
    _float_sum(dtype)
    return sum(t, axis, dtype, keepdims)


def _sum_vjp(g, ans, x, axis=None, dtype=None, keepdims=False):
    if dtype is not None:
        _float_sum(dtype)
        g = astype_float(g, result_type(x))
    return broadcast_to(_expand(g, x, axis, keepdims), np.shape(x))


def _chosen(ans, x, axis, keepdims):
    """Where ``x`` attains its max/min, divided by how many times: ties share the derivative."""
    mask = x == _expand(ans, x, axis, keepdims)
    return (mask / np.sum(mask, axis=axis, keepdims=True)).astype(result_type(x))


def _softmax(ans, x, axis, keepdims):
    return exp(x - _expand(ans, x, axis, keepdims))


rules(sum, jvp=(_sum_jvp,), vjp=(_sum_vjp,))  # linear; written out to refuse sum(dtype=int) of a traced value
rules(max,
      jvp=(lambda t, ans, x, axis=None, keepdims=False: sum(t * _chosen(ans, x, axis, keepdims), axis,
                                                            keepdims=keepdims),),
      vjp=(lambda g, ans, x, axis=None, keepdims=False: _expand(g, x, axis, keepdims) * _chosen(ans, x, axis,
                                                                                                 keepdims),))
rules(min, jvp=max.jvp, vjp=max.vjp)  # the same formulas: where x attains its extremum
rules(logsumexp,
      jvp=(lambda t, ans, x, axis=None, keepdims=False: sum(t * _softmax(ans, x, axis, keepdims), axis,
                                                            keepdims=keepdims),),
      vjp=(lambda g, ans, x, axis=None, keepdims=False: _expand(g, x, axis, keepdims) * _softmax(ans, x, axis,
                                                                                                 keepdims),))


# --- matrix product: bilinear, so the JVP is the product with one factor replaced by its tangent -------------
def _matmul_vjp_x(g, ans, x, y):
    if np.ndim(y) == 1:
        return g[..., None] * y if np.ndim(x) > 1 else g * y
    if np.ndim(x) == 1:
        return matmul(y, g[..., None])[..., 0]
    return matmul(g, swapaxes(y, -1, -2))


def _matmul_vjp_y(g, ans, x, y):
    if np.ndim(x) == 1:
        return x[:, None] * g[..., None, :] if np.ndim(y) > 1 else g * x
    if np.ndim(y) == 1:
        return matmul(g[..., None, :], x)[..., 0, :]
    return matmul(swapaxes(x, -1, -2), g)


rules(matmul,
      jvp=(lambda t, ans, x, y: matmul(t, y),
           lambda t, ans, x, y: matmul(x, t)),
      vjp=(_matmul_vjp_x, _matmul_vjp_y))


# --- shapes and indexing: linear, each VJP is the transpose -------------------------------------------------
def _transpose_vjp(g, ans, x, axes=None):
    return transpose(g, None if axes is None else np.argsort(np.mod(axes, np.ndim(x))))  # axes may be negative


linear(reshape,         lambda g, ans, x, shape=None, order="C", **kwargs: reshape(g, np.shape(x), order=order))
linear(astype_float,    lambda g, ans, x, dtype: astype_float(g, result_type(x)))  # back in x's dtype
linear(expand_dims,     lambda g, ans, x, axis: reshape(g, np.shape(x)))
linear(squeeze,         lambda g, ans, x, axis=None: reshape(g, np.shape(x)))
linear(broadcast_to,    lambda g, ans, x, shape: core._unbroadcast(g, np.shape(x)))
linear(transpose,       _transpose_vjp)
linear(swapaxes,        lambda g, ans, x, axis1, axis2: swapaxes(g, axis1, axis2))
linear(moveaxis,        lambda g, ans, x, source, destination: moveaxis(g, destination, source))
linear(getitem,         lambda g, ans, x, index: untake(g, index, np.shape(x)))
linear(untake,          lambda g, ans, x, index, shape: getitem(g, index))


# concatenate(axis, *arrays): any number of arrays, so one rule for all of them (the axis is argument 0)
def _concatenate_jvp(tangents, ans, axis, *xs):
    zeros = [np.zeros(np.shape(x), result_type(ans)) if t is None else t for t, x in zip(tangents[1:], xs)]
    return concatenate_args(axis, *zeros)


def _concatenate_vjp(g, ans, axis, *xs):
    if axis is None:  # the arrays were flattened, then joined
        ends = np.cumsum([np.size(x) for x in xs], dtype=int)
        return (None, *(reshape(g[end - np.size(x):end], np.shape(x)) for x, end in zip(xs, ends)))
    ends = np.cumsum([np.shape(x)[axis] for x in xs])
    before = (slice(None),) * (axis % np.ndim(ans))
    return (None, *(g[before + (slice(end - np.shape(x)[axis], end),)] for x, end in zip(xs, ends)))


concatenate_args.defjvp_all(_concatenate_jvp).defvjp_all(_concatenate_vjp)


# ==========================================================================================================
# --- added (issue 18): elementwise, one argument ----------------------------------------------------------
_LOG2, _LOG10 = np.log(2.0), np.log(10.0)
#           primitive   rule for both modes: ∂f/∂x · t
elementwise(arcsin,     lambda t, ans, x: t / sqrt(1 - x * x))
elementwise(arccos,     lambda t, ans, x: -t / sqrt(1 - x * x))
elementwise(arcsinh,    lambda t, ans, x: t / sqrt(x * x + 1))
elementwise(arccosh,    lambda t, ans, x: t / sqrt(x * x - 1))
elementwise(arctanh,    lambda t, ans, x: t / (1 - x * x))
elementwise(log2,       lambda t, ans, x: t / (x * _LOG2))
elementwise(log10,      lambda t, ans, x: t / (x * _LOG10))
elementwise(exp2,       lambda t, ans, x: t * ans * _LOG2)
elementwise(_sinc_at_0, lambda t, ans, x, k=0: t * _sinc_at_0(x, k=k + 1))  # the next Maclaurin coefficient

# --- added (issue 18): elementwise, two arguments ----------------------------------------------------------
elementwise(arctan2,    lambda t, ans, x, y: t * y / (x * x + y * y),
                        lambda t, ans, x, y: -t * x / (x * x + y * y))
elementwise(hypot,      lambda t, ans, x, y: t * x / ans,
                        lambda t, ans, x, y: t * y / ans)
elementwise(logaddexp,  lambda t, ans, x, y: t * exp(x - ans),
                        lambda t, ans, x, y: t * exp(y - ans))
elementwise(logaddexp2, lambda t, ans, x, y: t * exp2(x - ans),
                        lambda t, ans, x, y: t * exp2(y - ans))
elementwise(mod,        lambda t, ans, x, y: t,  # x mod y = x − y·floor(x/y); floor is piecewise constant
                        lambda t, ans, x, y: -t * floor(x / y))
elementwise(fmod,       lambda t, ans, x, y: t,  # fmod(x, y) = x − y·trunc(x/y)
                        lambda t, ans, x, y: -t * trunc(x / y))


# --- added (issue 18): reductions and scans -----------------------------------------------------------------
def _others(x, axis):
    """∂prod/∂x_i = Π_{j≠i} x_j along the reduced axes: the exclusive cumulative product from the left times the
    one from the right. No division by x_i, so right where x has zeros; and cumprod is a composition of products,
    so this is differentiable again (JAX also avoids the division, with a product tree)."""
    nd = np.ndim(x)
    axes = tuple(range(nd)) if axis is None else tuple(a % nd for a in np.atleast_1d(axis))
    last = tuple(range(nd - len(axes), nd))
    y = moveaxis(x, axes, last)  # the reduced axes last, then flattened into one
    moved = np.shape(y)
    n = int(np.prod(moved[nd - len(axes):]))
    if n == 0:
        return np.zeros(np.shape(x))
    y = reshape(y, moved[:nd - len(axes)] + (n,))
    ones = np.ones(moved[:nd - len(axes)] + (1,))
    left = concatenate([ones, cumprod(y[..., :-1], axis=-1)], axis=-1)  # x_0 ⋯ x_{i-1}
    right = flip(concatenate([ones, cumprod(flip(y, -1)[..., :-1], axis=-1)], axis=-1), -1)  # x_{i+1} ⋯ x_{n-1}
    return moveaxis(reshape(left * right, moved), last, axes)


def _cumsum_vjp(g, ans, x, axis=None):
    """The transpose of a running sum is the running sum from the other end."""
    if axis is None:
        return reshape(flip(cumsum(flip(g))), np.shape(x))
    return flip(cumsum(flip(g, axis), axis), axis)


rules(prod,
      jvp=(lambda t, ans, x, axis=None, keepdims=False: sum(t * _others(x, axis), axis, keepdims=keepdims),),
      vjp=(lambda g, ans, x, axis=None, keepdims=False: _expand(g, x, axis, keepdims) * _others(x, axis),))
linear(cumsum, _cumsum_vjp)


# --- added (issue 18): einsum, linear in each operand --------------------------------------------------------
# einsum(subscripts, *xs), subscripts written out by adlib.numpy.einsum ('ij,jk->ik': letters only, explicit output).
# JVP: the sum over the operands of the einsum with that operand replaced by its tangent.
# VJP of operand k with subscripts s_k:  x̄_k[s_k] = Σ_{other letters} g[out] · Π_{j≠k} x_j[s_j],  the einsum of g
# and the other operands into s_k. A letter repeated in s_k (a diagonal, 'ii->') becomes a fresh letter tied to it
# by an identity matrix δ; a letter found in no other operand nor in the output (summed within x_k alone, 'ij->i')
# comes from a vector of ones. Operands broadcast along a size-1 axis are summed back by the engine.
def _einsum_jvp(tangents, ans, subscripts, *xs, **kwargs):
    out = None
    for k, t in enumerate(tangents[1:]):
        if t is not None:
            term = einsum_args(subscripts, *xs[:k], t, *xs[k + 1:], **kwargs)
            out = term if out is None else out + term
    return out


def _einsum_vjp(g, ans, subscripts, *xs, **kwargs):
    inputs, output = subscripts.split("->")
    inputs = inputs.split(",")
    sizes = {}
    for s, x in zip(inputs, xs, strict=True):
        for c, n in zip(s, np.shape(x), strict=True):
            sizes[c] = n if sizes.get(c, 1) == 1 else sizes[c]
    unused = iter(sorted(set(ascii_letters) - set(subscripts)))
    dtype = np.result_type(core.unbox(g))
    adjoints = [None]  # the subscripts: not differentiable
    for k, s in enumerate(inputs):
        operands = [g] + [x for j, x in enumerate(xs) if j != k]
        subs = [output] + [t for j, t in enumerate(inputs) if j != k]
        target = ""
        for c in s:
            if c in target:  # repeated: x̄_k[.., c, c', ..] = r[.., c, ..] δ(c, c')
                fresh = next(unused)
                operands.append(np.eye(sizes[c], dtype=dtype))
                subs.append(c + fresh)
                target += fresh
            else:
                if not any(c in t for t in subs):  # summed within x_k alone: its adjoint is the same along c
                    operands.append(np.ones(sizes[c], dtype=dtype))
                    subs.append(c)
                target += c
        adjoints.append(einsum_args(",".join(subs) + "->" + target, *operands, **kwargs))
    return adjoints


einsum_args.defjvp_all(_einsum_jvp).defvjp_all(_einsum_vjp)
