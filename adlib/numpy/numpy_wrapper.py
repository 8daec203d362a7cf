"""The differentiable NumPy: the same names as NumPy, each either a primitive (its derivative rules are in
``rules.py``), a composition of primitives (differentiated automatically), or a function whose output does not
depend smoothly on its input (``sign``, ``zeros_like``, comparisons…), which simply runs on the plain values.
"""

import builtins  # `all`, `any`, `sum`, `max`… of this module are NumPy's (below): the builtins by name
from string import ascii_letters as _LETTERS

import numpy as np

from ..core import Box, NonDifferentiable, Primitive, unbox

# ---------------------------------------------------------------------------------------------------------
# Primitives. The number is how many array arguments each one has (its rules are per argument).
# ---------------------------------------------------------------------------------------------------------

# elementwise, one argument
negative = Primitive(np.negative)
exp = Primitive(np.exp)
expm1 = Primitive(np.expm1)
log = Primitive(np.log)
log1p = Primitive(np.log1p)
sqrt = Primitive(np.sqrt)
square = Primitive(np.square)
sin = Primitive(np.sin)
cos = Primitive(np.cos)
tan = Primitive(np.tan)
sinh = Primitive(np.sinh)
cosh = Primitive(np.cosh)
tanh = Primitive(np.tanh)
arctan = Primitive(np.arctan)
abs = absolute = Primitive(np.absolute)  # noqa: A001 (NumPy's name)

# elementwise, two or three arguments (with broadcasting)
add = Primitive(np.add, nargs=2)
subtract = Primitive(np.subtract, nargs=2)
multiply = Primitive(np.multiply, nargs=2)
divide = true_divide = Primitive(np.divide, nargs=2)
power = Primitive(np.power, nargs=2)
maximum = Primitive(np.maximum, nargs=2)
minimum = Primitive(np.minimum, nargs=2)
where = Primitive(np.where, nargs=3)


# reductions
def _sum(x, axis=None, dtype=None, keepdims=False):
    return np.sum(x, axis=axis, dtype=dtype, keepdims=keepdims)


def _max(x, axis=None, keepdims=False):
    return np.max(x, axis=axis, keepdims=keepdims)


def _min(x, axis=None, keepdims=False):
    return np.min(x, axis=axis, keepdims=keepdims)


def _logsumexp(x, axis=None, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True, initial=-np.inf)  # initial: an empty sum is exp(-inf) = 0
    m = np.where(np.isfinite(m), m, 0)
    with np.errstate(divide="ignore"):  # log(0) = -inf, the logsumexp of nothing (as JAX)
        out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


sum = Primitive(_sum, "sum")  # noqa: A001
max = amax = Primitive(_max, "max")  # noqa: A001
min = amin = Primitive(_min, "min")  # noqa: A001
logsumexp = Primitive(_logsumexp, "logsumexp")

# linear algebra
matmul = Primitive(np.matmul, nargs=2)

# shapes and casts: all linear
def _reshape(x, shape=None, order="C", *, copy=None):
    if order not in ("C", "F"):
        raise ValueError(f"adlib.numpy.reshape supports order='C' and order='F', not order={order!r}")
    return np.reshape(x, shape, order=order, copy=copy)


def _astype_float(x, dtype):
    return np.asarray(x).astype(dtype)


reshape = Primitive(_reshape, "reshape")
astype_float = Primitive(_astype_float, "astype")  # to a float dtype; `astype` below handles the others
transpose = Primitive(np.transpose)
swapaxes = Primitive(np.swapaxes)
moveaxis = Primitive(np.moveaxis)
expand_dims = Primitive(np.expand_dims)
squeeze = Primitive(np.squeeze)
broadcast_to = Primitive(np.broadcast_to)


def _concatenate(axis, *arrays):
    return np.concatenate(arrays, axis=axis)


def _getitem(x, index):
    return x[index]


def _untake(g, index, shape):
    """The transpose of ``x[index]``: put ``g`` where ``x[index]`` came from, zeros elsewhere; repeated integer
    indices add up."""
    out = np.zeros(shape, dtype=np.result_type(g))
    if _is_basic_index(index):
        out[index] = g  # slices, integers, None, ...: no position repeats
    else:
        np.add.at(out, index, g)
    return out


def _is_basic_index(index):
    items = index if isinstance(index, tuple) else (index,)
    return builtins.all(i is None or i is Ellipsis or isinstance(i, slice | int | np.integer) for i in items)


concatenate_args = Primitive(_concatenate, "concatenate", nargs=2)
getitem = Primitive(_getitem, "getitem")
untake = Primitive(_untake, "untake")

# ---------------------------------------------------------------------------------------------------------
# Compositions of primitives: differentiated through their parts, no rules needed
# ---------------------------------------------------------------------------------------------------------


def mean(x, axis=None, keepdims=False):
    x = asarray(x) if isinstance(x, list | tuple) else x
    n = np.prod(np.shape(x)) if axis is None else np.prod([np.shape(x)[a] for a in np.atleast_1d(axis)])
    return sum(x, axis=axis, keepdims=keepdims) / int(n)  # a Python int: float32 stays float32


def concatenate(arrays, axis=0):
    return concatenate_args(axis, *arrays)


def stack(arrays, axis=0):
    arrays = list(arrays)
    if not arrays:
        raise ValueError("need at least one array to stack")
    axis = axis % (np.ndim(arrays[0]) + 1)
    return concatenate([expand_dims(a, axis) for a in arrays], axis=axis)


def ravel(x, order="C"):
    if order == "F":
        return reshape(transpose(x), (-1,))
    if order != "C":
        raise ValueError(f"ravel: order={order!r} depends on memory layout, which traced arrays lack: use 'C' or 'F'")
    return reshape(x, (-1,))


def clip(x, a_min=None, a_max=None, *, min=None, max=None):  # noqa: A002 (NumPy 2's names)
    if (a_min is not None and min is not None) or (a_max is not None and max is not None):
        raise TypeError("clip: give the bounds either as a_min/a_max or as min/max, not both")
    a_min, a_max = (min if a_min is None else a_min), (max if a_max is None else a_max)
    if a_min is not None:
        x = maximum(x, a_min)
    if a_max is not None:
        x = minimum(x, a_max)
    return x


def dot(x, y):
    x, y = (asarray(a) if isinstance(a, list | tuple) else a for a in (x, y))
    if np.ndim(x) == 0 or np.ndim(y) == 0:
        return multiply(x, y)
    if np.ndim(x) <= 2 and np.ndim(y) <= 2:
        return matmul(x, y)
    return tensordot(x, y, axes=([-1], [builtins.max(np.ndim(y) - 2, 0)]))  # N-D: last axis of x, next-to-last of y


def vdot(x, y):
    return sum(ravel(x) * ravel(y))


def outer(x, y):
    return ravel(x)[:, None] * ravel(y)[None, :]


def array(obj, dtype=None, **kwargs):
    """Like ``np.array``, but a (nested) list that holds traced values becomes a traced array."""
    if not _holds_box(obj):
        return np.array(obj, dtype=dtype, **kwargs)
    if kwargs:
        raise TypeError(f"adlib.numpy.array of traced values takes the keyword dtype= only, not {', '.join(kwargs)}=")
    if isinstance(obj, list | tuple):
        obj = stack([array(o) for o in obj])
    return obj if dtype is None else astype(obj, dtype)


def astype(x, dtype, /, *, copy=True):
    """``x.astype(dtype)``: a float dtype is a differentiable cast (its derivative flows back in ``x``'s dtype);
    an integer or bool dtype gives a constant (piecewise constant: derivative 0, as in JAX); complex is refused."""
    if not isinstance(x, Box):
        return np.asarray(x).astype(dtype, copy=copy)
    kind = np.dtype(dtype).kind
    if kind == "f":
        return astype_float(x, np.dtype(dtype))
    if kind in "iub":
        return np.asarray(unbox(x)).astype(dtype)
    raise TypeError(f"adlib cannot cast a traced value to {np.dtype(dtype)}: adlib differentiates real (float) "
                    "arrays only; complex numbers are not supported.")


def asarray(obj, dtype=None, **kwargs):
    return array(obj, dtype, **kwargs) if _holds_box(obj) else np.asarray(obj, dtype=dtype, **kwargs)


def _holds_box(obj):
    return isinstance(obj, Box) or (isinstance(obj, list | tuple) and builtins.any(_holds_box(o) for o in obj))


def lists_as_arrays(args):
    """``args`` with each list or tuple that holds traced values made a traced array (None if there is none)."""
    if not builtins.any(isinstance(a, list | tuple) and _holds_box(a) for a in args):
        return None
    return [array(a) if isinstance(a, list | tuple) and _holds_box(a) else a for a in args]


# constructors that take values: differentiable in them
def full(shape, fill_value, dtype=None, order="C"):
    if not _holds_box(fill_value):
        return np.full(shape, fill_value, dtype=dtype, order=order)
    out = broadcast_to(asarray(fill_value), shape)
    return astype(out, out.dtype if dtype is None else dtype)  # a copy, and the dtype asked for


def full_like(a, fill_value, dtype=None, order="K", subok=True, shape=None):
    if not _holds_box(fill_value):
        return np.full_like(unbox(a), fill_value, dtype=dtype, order=order, subok=subok, shape=shape)
    dtype = np.result_type(unbox(a)) if dtype is None else dtype
    return full(np.shape(a) if shape is None else shape, fill_value, dtype)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """``start + (stop − start)·t`` for ``num`` values of t in [0, 1] (differentiable in start and stop)."""
    if not _holds_box((start, stop)):
        return np.linspace(start, stop, num, endpoint, retstep, dtype, axis)
    if dtype is not None and np.dtype(dtype).kind in "iub":  # integer samples: piecewise constant
        return np.linspace(unbox(start), unbox(stop), num, endpoint, retstep, dtype, axis)
    start, stop = asarray(start), asarray(stop)
    t = np.linspace(0.0, 1.0, num, endpoint, dtype=np.result_type(unbox(start), unbox(stop), 1.0))  # float32 stays
    t = t.reshape((-1,) + (1,) * builtins.max(np.ndim(start), np.ndim(stop)))
    out = moveaxis(start + (stop - start) * t, 0, axis)
    out = out if dtype is None else astype(out, dtype)
    return (out, (stop - start) / (num - 1 if endpoint else num)) if retstep else out


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    if not _holds_box((start, stop, base)):
        return np.logspace(start, stop, num, endpoint, base, dtype, axis)
    if dtype is not None and np.dtype(dtype).kind in "iub":
        return np.logspace(unbox(start), unbox(stop), num, endpoint, unbox(base), dtype, axis)
    base = expand_dims(asarray(base), axis) if np.ndim(base) else base
    out = power(base, linspace(start, stop, num, endpoint, axis=axis))
    return out if dtype is None else astype(out, dtype)


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """NumPy's meshgrid, differentiable in the coordinate vectors: each output is one of them, reshaped and
    broadcast."""
    if not _holds_box(xi):
        return np.meshgrid(*xi, copy=copy, sparse=sparse, indexing=indexing)
    if indexing not in ("xy", "ij"):
        raise ValueError("meshgrid: indexing must be 'xy' or 'ij'")
    ones = [1] * len(xi)
    shapes = [ones[:i] + [-1] + ones[i + 1:] for i in range(len(xi))]
    if indexing == "xy" and len(xi) > 1:  # the first two axes swapped
        shapes[0][:2], shapes[1][:2] = [1, -1], [-1, 1]
    out = [reshape(x, tuple(s)) for x, s in zip(xi, shapes)]
    if not sparse:
        full_shape = np.broadcast_shapes(*(np.shape(o) for o in out))
        out = [broadcast_to(o, full_shape) for o in out]
    return tuple(out)


# ---------------------------------------------------------------------------------------------------------
# --- added: elementwise (issue 18). Primitives (their rules in rules.py), then compositions of primitives
# ---------------------------------------------------------------------------------------------------------
arcsin = Primitive(np.arcsin)
arccos = Primitive(np.arccos)
arcsinh = Primitive(np.arcsinh)
arccosh = Primitive(np.arccosh)
arctanh = Primitive(np.arctanh)
log2 = Primitive(np.log2)
log10 = Primitive(np.log10)
exp2 = Primitive(np.exp2)
arctan2 = Primitive(np.arctan2, nargs=2)
hypot = Primitive(np.hypot, nargs=2)
logaddexp = Primitive(np.logaddexp, nargs=2)
logaddexp2 = Primitive(np.logaddexp2, nargs=2)
mod = remainder = Primitive(np.remainder, nargs=2)
fmod = Primitive(np.fmod, nargs=2)


def _sinc_at_0_impl(x, k=0):
    """The k-th derivative of sin(u)/u at u = 0 (0 for odd k, (-1)^(k/2)/(k+1) for even k), shaped like ``x``."""
    return np.zeros(np.shape(x)) + (0.0 if k % 2 else (-1) ** (k // 2) / (k + 1))


_sinc_at_0 = Primitive(_sinc_at_0_impl, "sinc_at_0")  # its rule: the derivative of the k-th is the (k+1)-th


def sinc(x):
    """sin(πx)/(πx), 1 at x = 0. As JAX does, the branch at 0 is the Maclaurin series of sin(u)/u (``_sinc_at_0``),
    so that derivatives of every order are right at 0 too (the quotient's would be 0/0 there)."""
    at_0 = x == 0
    pi_x = pi * x
    safe = where(at_0, 1.0, pi_x)
    return where(at_0, _sinc_at_0(pi_x), sin(safe) / safe)


def fabs(x):
    return absolute(x)  # real numbers only, as NumPy's fabs


def reciprocal(x):
    return divide(1.0, x)


def deg2rad(x):
    return x * (pi / 180)  # NumPy's formula


def rad2deg(x):
    return x * (180 / pi)


radians, degrees = deg2rad, rad2deg


def fmax(x, y):
    """``maximum`` that ignores NaN. JAX's formula: x where x > y or y is NaN, else y (a tie goes to y)."""
    return where((x > y) | np.isnan(unbox(y)), x, y)


def fmin(x, y):
    return where((x < y) | np.isnan(unbox(y)), x, y)


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """NaN and ±inf replaced by constants: the derivative is 1 where ``x`` is finite, 0 where it was replaced."""
    if not isinstance(x, Box):
        return np.nan_to_num(x, copy=copy, nan=nan, posinf=posinf, neginf=neginf)
    return where(np.isfinite(unbox(x)), x, np.nan_to_num(unbox(x), nan=nan, posinf=posinf, neginf=neginf))


def select(condlist, choicelist, default=0):
    """The first choice whose condition holds, else ``default``: nested ``where``s from the last pair to the first."""
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    out = default
    for cond, choice in zip(reversed(condlist), reversed(choicelist), strict=True):
        out = where(cond, choice, out)
    return out


def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = moveaxis(a, axisa, -1), moveaxis(b, axisb, -1)
    if np.shape(a)[-1] != 3 or np.shape(b)[-1] != 3:
        raise ValueError("adlib.numpy.cross takes vectors of 3 components (NumPy 2 deprecates 2-component ones: "
                         "append a zero component and take the last component of the result)")
    (a0, a1, a2), (b0, b1, b2) = (a[..., i] for i in range(3)), (b[..., i] for i in range(3))
    return moveaxis(stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=-1), -1, axisc)


# ---------------------------------------------------------------------------------------------------------
# --- added: reductions and scans (issue 18)
# ---------------------------------------------------------------------------------------------------------
def _prod(x, axis=None, keepdims=False):
    return np.prod(x, axis=axis, keepdims=keepdims)


def _cumsum(x, axis=None):
    return np.cumsum(x, axis=axis)


prod = Primitive(_prod, "prod")
cumsum = Primitive(_cumsum, "cumsum")


def cumprod(x, axis=None):
    """Cumulative products, composed of multiplications (a scan: log₂ n rounds of ``y[i] *= y[i - shift]``), so
    that its derivatives of every order are right where ``x`` has zeros (no division by x). Untraced: NumPy's."""
    if not isinstance(x, Box):
        return np.cumprod(x, axis=axis)
    if axis is None:
        x, axis = ravel(x), 0
    y, shift = moveaxis(x, axis, 0), 1
    while shift < len(y):
        y = concatenate([y[:shift], y[shift:] * y[:-shift]])
        shift *= 2
    return moveaxis(y, 0, axis)


def diff(a, n=1, axis=-1, prepend=None, append=None):
    a = asarray(a)
    axis = axis % np.ndim(a)
    if n < 0:
        raise ValueError(f"order must be non-negative but got {n}")
    edges = []
    for edge in (prepend, append):
        if edge is not None and np.ndim(edge) == 0:  # a scalar: one slice along the axis
            edge = broadcast_to(edge, np.shape(a)[:axis] + (1,) + np.shape(a)[axis + 1:])
        edges.append(edge)
    a = concatenate([p for p in (edges[0], a, edges[1]) if p is not None], axis=axis)
    for _ in range(n):
        a = a[_along(axis, slice(1, None))] - a[_along(axis, slice(None, -1))]
    return a


def _count(x, axis):
    """How many elements a reduction over ``axis`` combines into one."""
    if axis is None:
        return int(np.prod(np.shape(x)))
    return int(np.prod([np.shape(x)[a] for a in np.atleast_1d(axis)]))


def var(x, axis=None, *, ddof=0, keepdims=False):
    centred = x - mean(x, axis=axis, keepdims=True)
    return sum(square(centred), axis=axis, keepdims=keepdims) / (_count(x, axis) - ddof)


def std(x, axis=None, *, ddof=0, keepdims=False):
    return sqrt(var(x, axis, ddof=ddof, keepdims=keepdims))


def trace(x, offset=0, axis1=0, axis2=1):
    return sum(diagonal(x, offset, axis1, axis2), axis=-1)


# ---------------------------------------------------------------------------------------------------------
# --- added: linear algebra (issue 18)
# ---------------------------------------------------------------------------------------------------------
def _einsum(subscripts, *operands, optimize=False):
    return np.einsum(subscripts, *operands, optimize=optimize)


einsum_args = Primitive(_einsum, "einsum")  # subscripts written out (see einsum); rules for all operands at once


def einsum(subscripts, *operands, optimize=False):
    """``np.einsum`` with the subscripts as a string. They are written out first ('...' replaced by letters, the
    output after an explicit '->'), so that the rules in rules.py deal with letters only."""
    if not isinstance(subscripts, str):
        raise NotImplementedError("adlib.numpy.einsum takes its subscripts as a string, e.g. einsum('ij,jk->ik', a, "
                                  "b), not as lists of axes after each operand")
    return einsum_args(_explicit(subscripts, [np.ndim(x) for x in operands]), *operands, optimize=optimize)


def _explicit(subscripts, ndims):
    """'...' replaced by letters (broadcast from the right, as NumPy does) and the implicit output written out:
    'i...,...->i...' for operands of 3 and 1 dimensions becomes 'iAB,B->iAB'."""
    inputs, arrow, output = subscripts.replace(" ", "").partition("->")
    inputs = inputs.split(",")
    if len(inputs) != len(ndims):
        raise ValueError(f"einsum: the subscripts name {len(inputs)} operands, {len(ndims)} were given")
    unused = iter(sorted(set(_LETTERS) - set(subscripts)))
    spread = [nd - len(s.replace("...", "")) for s, nd in zip(inputs, ndims, strict=True)]
    n = builtins.max([k for s, k in zip(inputs, spread, strict=True) if "..." in s], default=0)
    dots = "".join(next(unused) for _ in range(n))
    inputs = [s.replace("...", dots[n - k:]) for s, k in zip(inputs, spread, strict=True)]
    if arrow:
        output = output.replace("...", dots)
    else:  # implicit: the broadcast dimensions, then the letters that appear once, in alphabetical order
        letters = "".join(inputs)
        output = dots + "".join(sorted(c for c in set(letters) if letters.count(c) == 1 and c not in dots))
    return ",".join(inputs) + "->" + output


def tensordot(a, b, axes=2):
    """NumPy's algorithm: the contracted axes moved last in ``a`` and first in ``b``, then one matrix product."""
    sa, sb = np.shape(a), np.shape(b)
    if isinstance(axes, int | np.integer):
        axes_a, axes_b = list(range(len(sa) - axes, len(sa))), list(range(axes))
    else:
        axes_a, axes_b = ([ax] if isinstance(ax, int | np.integer) else list(ax) for ax in axes)
    axes_a, axes_b = [ax % len(sa) for ax in axes_a], [ax % len(sb) for ax in axes_b]
    if len(axes_a) != len(axes_b) or builtins.any(sa[i] != sb[j] for i, j in zip(axes_a, axes_b)):
        raise ValueError("shape-mismatch for sum")
    free_a = [i for i in range(len(sa)) if i not in axes_a]
    free_b = [j for j in range(len(sb)) if j not in axes_b]
    k = int(np.prod([sa[i] for i in axes_a]))
    a2 = reshape(transpose(a, free_a + axes_a), (int(np.prod([sa[i] for i in free_a])), k))
    b2 = reshape(transpose(b, axes_b + free_b), (k, int(np.prod([sb[j] for j in free_b]))))
    return reshape(matmul(a2, b2), [sa[i] for i in free_a] + [sb[j] for j in free_b])


def inner(a, b):
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return multiply(a, b)
    return tensordot(a, b, axes=([-1], [-1]))


def kron(a, b):
    """Blocks a[i, j]·b: the product of a of shape (m, 1, n, 1) and b of shape (1, p, 1, q), reshaped to (mp, nq)."""
    nd = builtins.max(np.ndim(a), np.ndim(b))
    sa = (1,) * (nd - np.ndim(a)) + np.shape(a)
    sb = (1,) * (nd - np.ndim(b)) + np.shape(b)
    a = reshape(a, [n for s in sa for n in (s, 1)])
    b = reshape(b, [n for s in sb for n in (1, s)])
    return reshape(a * b, [i * j for i, j in zip(sa, sb, strict=True)])


# ---------------------------------------------------------------------------------------------------------
# --- added: shapes and indexing (issue 18): compositions of getitem, reshape, concatenate, untake…
# ---------------------------------------------------------------------------------------------------------
def _along(axis, index):
    """The index that applies ``index`` along ``axis`` (≥ 0) and takes everything along the axes before it."""
    return (slice(None),) * axis + (index,)


def diagonal(x, offset=0, axis1=0, axis2=1):
    x = moveaxis(x, (axis1, axis2), (-2, -1))
    n, m = np.shape(x)[-2:]
    rows = np.arange(builtins.max(0, -offset), builtins.min(n, m - offset))
    return x[..., rows, rows + offset]


def diag(v, k=0):
    if np.ndim(v) == 2:
        return diagonal(v, k)
    if np.ndim(v) != 1:
        raise ValueError("Input must be 1- or 2-d.")
    i = np.arange(len(v))
    n = len(v) + builtins.abs(k)
    return untake(v, (i + builtins.max(-k, 0), i + builtins.max(k, 0)), (n, n))  # v on the k-th diagonal of 0s


def tril(x, k=0):
    return where(np.tri(*np.shape(x)[-2:], k=k, dtype=bool), x, np.zeros((), np.result_type(unbox(x))))


def triu(x, k=0):
    return where(np.tri(*np.shape(x)[-2:], k=k - 1, dtype=bool), np.zeros((), np.result_type(unbox(x))), x)


def take(a, indices, axis=None, mode="raise"):
    a = asarray(a)
    if axis is None:
        a, axis = ravel(a), 0
    axis, indices = axis % np.ndim(a), np.asarray(unbox(indices))
    n = np.shape(a)[axis]
    if mode == "wrap":
        indices = np.mod(indices, n)
    elif mode == "clip":
        indices = np.clip(indices, 0, n - 1)
    elif mode != "raise":
        raise ValueError(f"take: mode must be 'raise', 'wrap' or 'clip', not {mode!r}")
    return a[_along(axis, indices)]


def take_along_axis(arr, indices, axis=-1):
    arr, indices = asarray(arr), np.asarray(unbox(indices))
    if axis is None:
        arr, axis = ravel(arr), 0
    nd = np.ndim(arr)
    if np.ndim(indices) != nd:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    axis = axis % nd
    grid = [np.arange(n).reshape([-1 if e == d else 1 for e in range(nd)]) for d, n in enumerate(np.shape(arr))]
    return arr[tuple(indices if d == axis else grid[d] for d in range(nd))]


def repeat(a, repeats, axis=None):
    a = asarray(a)
    if axis is None:
        a, axis = ravel(a), 0
    axis = axis % np.ndim(a)
    return a[_along(axis, np.repeat(np.arange(np.shape(a)[axis]), unbox(repeats)))]


def tile(a, reps):
    """a of shape (m, n) is broadcast to (r0, m, r1, n), then reshaped to (r0·m, r1·n)."""
    if not isinstance(a, Box):
        return np.tile(a, reps)
    reps = (reps,) if isinstance(reps, int | np.integer) else tuple(reps)
    d = builtins.max(len(reps), a.ndim)
    shape, reps = (1,) * (d - a.ndim) + a.shape, (1,) * (d - len(reps)) + reps
    a = reshape(a, [n for s in shape for n in (1, s)])
    a = broadcast_to(a, [n for r, s in zip(reps, shape, strict=True) for n in (r, s)])
    return reshape(a, [r * s for r, s in zip(reps, shape, strict=True)])


def roll(a, shift, axis=None):
    a = asarray(a)
    if axis is None:
        return reshape(roll(ravel(a), shift, 0), np.shape(a))
    for s, ax in np.broadcast(shift, axis):
        ax = ax % np.ndim(a)
        n = np.shape(a)[ax]
        s = s % n if n else 0
        if s:
            a = concatenate([a[_along(ax, slice(n - s, None))], a[_along(ax, slice(0, n - s))]], axis=ax)
    return a


def flip(m, axis=None):
    m = asarray(m)
    axes = range(np.ndim(m)) if axis is None else [ax % np.ndim(m) for ax in np.atleast_1d(axis)]
    return m[tuple(slice(None, None, -1) if d in axes else slice(None) for d in range(np.ndim(m)))]


def fliplr(m):
    if np.ndim(m) < 2:
        raise ValueError("Input must be >= 2-d.")
    return flip(m, 1)


def flipud(m):
    if np.ndim(m) < 1:
        raise ValueError("Input must be >= 1-d.")
    return flip(m, 0)


def rot90(m, k=1, axes=(0, 1)):
    """NumPy's: a quarter turn is a flip and a swap of the two axes."""
    m = asarray(m)
    if len(axes) != 2 or axes[0] % np.ndim(m) == axes[1] % np.ndim(m):
        raise ValueError("rot90: axes must be two different axes")
    a0, a1 = axes
    k = k % 4
    if k == 0:
        return m
    if k == 2:
        return flip(flip(m, a0), a1)
    return swapaxes(flip(m, a1), a0, a1) if k == 1 else flip(swapaxes(m, a0, a1), a1)


def pad(array, pad_width, mode="constant", constant_values=0):
    """``x`` placed inside zeros of the padded shape (``untake``), plus the constants around it."""
    if mode != "constant":
        raise NotImplementedError(
            f"adlib.numpy.pad differentiates mode='constant' only, not {mode!r}: write the padding with "
            "concatenate and slices instead, e.g. mode='edge' along axis 0 is concatenate([x[:1], x, x[-1:]])")
    x = asarray(array)
    widths = np.broadcast_to(np.asarray(pad_width), (np.ndim(x), 2))
    if np.any(widths < 0):
        raise ValueError("index can't contain negative values")
    shape = tuple(int(n + lo + hi) for n, (lo, hi) in zip(np.shape(x), widths, strict=True))
    inside = tuple(slice(int(lo), int(lo) + n) for n, (lo, _) in zip(np.shape(x), widths, strict=True))
    out = untake(x, inside, shape)
    if isinstance(constant_values, Box):
        if np.ndim(constant_values) != 0:
            raise NotImplementedError("adlib.numpy.pad: a traced constant_values must be a scalar")
        border = np.ones(shape)
        border[inside] = 0.0
        return out + border * constant_values
    return out + np.pad(np.zeros(np.shape(x), np.result_type(unbox(x))), widths, constant_values=constant_values)


def sort(a, axis=-1, kind=None, order=None):
    """The values gathered by the permutation that sorts them: the derivative flows back through it."""
    if order is not None:
        raise NotImplementedError("adlib.numpy.sort: order= (structured arrays) is not supported")
    a = asarray(a)
    if axis is None:
        a, axis = ravel(a), -1
    return take_along_axis(a, np.argsort(unbox(a), axis=axis, kind=kind), axis)


def _split(x, sections, axis, equal):
    x = asarray(x)
    axis = axis % np.ndim(x)
    n = np.shape(x)[axis]
    if np.ndim(sections) == 0:  # a number of (nearly) equal parts
        k = int(sections)
        if k <= 0:
            raise ValueError("number sections must be larger than 0.")
        if equal and n % k:
            raise ValueError("array split does not result in an equal division")
        bounds = [0, *np.cumsum([n // k + 1] * (n % k) + [n // k] * (k - n % k)).tolist()]
    else:
        bounds = [0, *sections, n]
    return [x[_along(axis, slice(lo, hi))] for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]


def split(ary, indices_or_sections, axis=0):
    return _split(ary, indices_or_sections, axis, equal=True)


def array_split(ary, indices_or_sections, axis=0):
    return _split(ary, indices_or_sections, axis, equal=False)


def hsplit(ary, indices_or_sections):
    if np.ndim(ary) == 0:
        raise ValueError("hsplit only works on arrays of 1 or more dimensions")
    return split(ary, indices_or_sections, axis=1 if np.ndim(ary) > 1 else 0)


def vsplit(ary, indices_or_sections):
    if np.ndim(ary) < 2:
        raise ValueError("vsplit only works on arrays of 2 or more dimensions")
    return split(ary, indices_or_sections, axis=0)


def atleast_1d(*arys):
    out = [a if np.ndim(a) >= 1 else reshape(a, (1,)) for a in map(asarray, arys)]
    return out[0] if len(out) == 1 else tuple(out)


def atleast_2d(*arys):
    out = [a if np.ndim(a) >= 2 else reshape(a, (1, -1) if np.ndim(a) else (1, 1)) for a in map(asarray, arys)]
    return out[0] if len(out) == 1 else tuple(out)


def atleast_3d(*arys):
    shapes = {0: lambda s: (1, 1, 1), 1: lambda s: (1, *s, 1), 2: lambda s: (*s, 1)}
    out = [a if np.ndim(a) >= 3 else reshape(a, shapes[np.ndim(a)](np.shape(a))) for a in map(asarray, arys)]
    return out[0] if len(out) == 1 else tuple(out)


def hstack(tup):
    arrays = [atleast_1d(a) for a in tup]
    return concatenate(arrays, axis=0 if arrays and np.ndim(arrays[0]) == 1 else 1)


def vstack(tup):
    return concatenate([atleast_2d(a) for a in tup], axis=0)


def column_stack(tup):
    return concatenate([reshape(a, (-1, 1)) if np.ndim(a) < 2 else a for a in map(asarray, tup)], axis=1)


def copy(a, order="K"):
    return a if isinstance(a, Box) else np.copy(a, order=order)  # a traced value is immutable: itself is a copy


# ---------------------------------------------------------------------------------------------------------
# Piecewise-constant functions: zero derivative, they run on plain values
# ---------------------------------------------------------------------------------------------------------
_NONDIFF = """sign floor ceil round rint trunc isnan isfinite isinf equal not_equal greater greater_equal less
less_equal logical_and logical_or logical_not logical_xor argmax argmin argsort nonzero any all allclose isclose
shape ndim size zeros_like ones_like empty_like result_type iscomplexobj""".split()
for _name in _NONDIFF:
    globals()[_name] = NonDifferentiable(getattr(np, _name))


def _constant_constructor(f):
    """A constructor whose arguments are shapes and counts (``zeros``, ``arange`` …): a traced value given to it
    is refused, since its output would not be differentiated."""

    def constructor(*args, **kwargs):
        if _holds_box(args) or _holds_box(list(kwargs.values())):
            raise TypeError(
                f"adlib.numpy.{f.__name__} got a traced value, but its output would not be differentiated with "
                f"respect to it. Build the array from constants and arithmetic instead, e.g. "
                f"`start + step * anp.arange(n)` or `x * anp.ones(shape)`."
            )
        return f(*args, **kwargs)

    constructor.__name__, constructor.__doc__ = f.__name__, f.__doc__
    return constructor


for _name in "zeros ones empty eye identity arange".split():
    globals()[_name] = _constant_constructor(getattr(np, _name))

# constants and types
pi, e, inf, nan, newaxis = np.pi, np.e, np.inf, np.nan, np.newaxis
float16, float32, float64, int32, int64, bool_, ndarray, dtype = (
    np.float16, np.float32, np.float64, np.int32, np.int64, np.bool_, np.ndarray, np.dtype,
)  # fmt: skip


def __getattr__(name):
    if hasattr(np, name):
        raise AttributeError(missing_function_message(f"numpy.{name}"))
    raise AttributeError(f"module 'adlib.numpy' has no attribute {name!r}")


def missing_function_message(qualname):
    short = qualname.split(".")[-1]
    return (
        f"adlib.numpy does not (yet) differentiate {qualname}. Either write it with the functions adlib.numpy "
        f"has (they are differentiated automatically), or make it a primitive: in adlib/numpy/numpy_wrapper.py "
        f"`{short} = Primitive(np.{short})`, in adlib/numpy/rules.py its forward (JVP) and reverse (VJP) rule, "
        f"e.g. `elementwise({short}, lambda t, ans, x: <∂{short}/∂x> * t)`, and a case in tests/functions.py "
        "(the JAX cross-checks and check_grads run on every case there)."
    )


# ---------------------------------------------------------------------------------------------------------
# What a Box's operators and methods need beyond the functions above (core.Box calls these)
# ---------------------------------------------------------------------------------------------------------


def box_pow(x, y):
    if type(y) in (int, float) and y == 2:  # speed: x ** 2 is common; square is one multiplication both ways
        return square(x)
    return power(x, y)


def box_reshape(self, *shape, **kwargs):
    return reshape(self, shape[0] if len(shape) == 1 else shape, **kwargs)


def box_astype(self, dtype, copy=True, **kwargs):
    if kwargs:
        raise TypeError(f"astype of a traced value: adlib does not support the keywords {sorted(kwargs)}")
    return astype(self, dtype, copy=copy)


def box_getitem(self, index):
    if isinstance(index, tuple):
        index = tuple(unbox(i) for i in index)
    return getitem(self, unbox(index))


def box_setitem(self, index, value):
    raise TypeError(
        "adlib traced arrays are immutable (like JAX arrays): `x[i] = y` would not be differentiated. "
        "Build a new array instead, e.g. with adlib.numpy.where(mask, y, x) or adlib.numpy.concatenate."
    )


class TracedConversionError(TypeError):
    """NumPy tried to turn a traced value into a plain array (``np.asarray(x)``, ``np.sum([x, y])``)."""


def refuse_conversion(kind):
    if kind == "numpy.asarray":
        raise TracedConversionError(
            "a traced value cannot be converted to a NumPy array: its derivative would be lost. Use the functions "
            "of `adlib.numpy` (import adlib.numpy as anp) instead of `numpy` inside functions you differentiate, "
            "or adlib.stop_gradient(x) if you really want the plain value."
        )
    call = f"x.{kind}()" if kind in ("item", "tolist") else f"{kind}(x)"
    raise TypeError(
        f"{call} of a traced value x would drop its derivative. Keep x an array and compute with adlib.numpy "
        "(anp.exp(x), not math.exp(float(x))); comparisons (`if x > 0:`) work as they are; to print x use "
        "f'{x:.3f}'; for its plain value, a constant for the derivative, use adlib.stop_gradient(x)."
    )


def refuse_complex(ans, prim):
    if isinstance(ans, complex) or (isinstance(ans, np.ndarray) and ans.dtype.kind == "c"):
        raise TypeError(f"{prim.name} of a traced value gave a complex result: adlib differentiates real (float) "
                        "arrays only; complex numbers are not supported.")


def check_keywords(prim, kwargs):
    if isinstance(prim.impl, np.ufunc):
        raise TypeError(
            f"adlib.numpy.{prim.name} of a traced value with the keywords {', '.join(kwargs)}: adlib cannot "
            "differentiate these ufunc options (out=, where=, dtype=…). Write `y = anp.where(mask, f(x), y)` "
            "instead of where=, `y = f(x)` instead of out=, and `f(x).astype(dtype)` instead of dtype=."
        )


def box_array_ufunc(ufunc, method, inputs, kwargs):
    if method == "__call__" and not kwargs and ufunc in UFUNCS:
        return UFUNCS[ufunc](*inputs)  # numpy.sin(x) on a traced x: use adlib.numpy.sin, same result
    if kwargs.get("out") is not None:
        raise TypeError(
            f"in-place numpy.{ufunc.__name__}(..., out=...) with a traced value would not be differentiated: "
            "write `a = a + x` instead of `a += x` when `a` is a NumPy array."
        )
    if method == "__call__" and ufunc in UFUNCS:
        check_keywords(UFUNCS[ufunc], kwargs)
    raise TypeError(missing_function_message(f"numpy.{ufunc.__name__}" + ("" if method == "__call__" else
                                                                       f".{method}")))


def box_array_function(func, args, kwargs):
    from . import linalg

    namespace = linalg if func.__module__ == "numpy.linalg" else globals()
    ours = namespace.get(func.__name__) if isinstance(namespace, dict) else getattr(linalg, func.__name__, None)
    if ours is None or ours is func:
        raise TypeError(missing_function_message(f"{func.__module__}.{func.__name__}"))
    return ours(*args, **kwargs)


UFUNCS = {
    f.impl: f
    for f in list(globals().values())
    if isinstance(f, Primitive | NonDifferentiable) and isinstance(f.impl, np.ufunc)
}
UFUNCS.update({np.fabs: fabs, np.reciprocal: reciprocal, np.deg2rad: deg2rad, np.rad2deg: rad2deg,  # added:
               np.radians: deg2rad, np.degrees: rad2deg, np.fmax: fmax, np.fmin: fmin})  # compositions, issue 18

_INTERNAL = {"np", "builtins", "Box", "NonDifferentiable", "Primitive", "unbox", "UFUNCS", "missing_function_message",
             "astype_float", "box_pow", "box_reshape", "box_astype", "box_getitem", "box_setitem", "refuse_conversion",
             "TracedConversionError", "lists_as_arrays", "refuse_complex", "check_keywords", "box_array_ufunc",
             "box_array_function"}
__all__ = [n for n in list(globals()) if not n.startswith("_") and n not in _INTERNAL]
