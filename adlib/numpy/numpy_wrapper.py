"""The differentiable NumPy: the same names as NumPy, each either a primitive (its derivative rules are in
``rules.py``), a composition of primitives (differentiated automatically), or a function whose output does not
depend smoothly on its input (``sign``, ``zeros_like``, comparisons…), which simply runs on the plain values.
"""

import builtins  # `all`, `any`, `sum`, `max`… of this module are NumPy's (below): the builtins by name

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


def ravel(x):
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
    raise NotImplementedError("adlib.numpy.dot supports arrays of up to 2 dimensions; use matmul for batches")


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
# Piecewise-constant functions: zero derivative, they run on plain values
# ---------------------------------------------------------------------------------------------------------
_NONDIFF = """sign floor ceil round rint isnan isfinite isinf equal not_equal greater greater_equal less less_equal
logical_and logical_or logical_not logical_xor argmax argmin argsort nonzero any all allclose isclose shape ndim
size zeros_like ones_like empty_like result_type iscomplexobj""".split()
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

_INTERNAL = {"np", "builtins", "Box", "NonDifferentiable", "Primitive", "unbox", "UFUNCS", "missing_function_message",
             "astype_float", "box_pow", "box_reshape", "box_astype", "box_getitem", "box_setitem", "refuse_conversion",
             "TracedConversionError", "lists_as_arrays", "refuse_complex", "check_keywords", "box_array_ufunc",
             "box_array_function"}
__all__ = [n for n in list(globals()) if not n.startswith("_") and n not in _INTERNAL]
