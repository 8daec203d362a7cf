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
def _sum(x, axis=None, keepdims=False):
    return np.sum(x, axis=axis, keepdims=keepdims)


def _max(x, axis=None, keepdims=False):
    return np.max(x, axis=axis, keepdims=keepdims)


def _min(x, axis=None, keepdims=False):
    return np.min(x, axis=axis, keepdims=keepdims)


def _logsumexp(x, axis=None, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


sum = Primitive(_sum, "sum")  # noqa: A001
max = amax = Primitive(_max, "max")  # noqa: A001
min = amin = Primitive(_min, "min")  # noqa: A001
logsumexp = Primitive(_logsumexp, "logsumexp")

# linear algebra
matmul = Primitive(np.matmul, nargs=2)

# shapes: all linear
reshape = Primitive(np.reshape)
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
    n = np.prod(np.shape(x)) if axis is None else np.prod([np.shape(x)[a] for a in np.atleast_1d(axis)])
    return sum(x, axis=axis, keepdims=keepdims) / n


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


def clip(x, a_min=None, a_max=None):
    if a_min is not None:
        x = maximum(x, a_min)
    if a_max is not None:
        x = minimum(x, a_max)
    return x


def dot(x, y):
    if np.ndim(x) == 0 or np.ndim(y) == 0:
        return multiply(x, y)
    if np.ndim(x) <= 2 and np.ndim(y) <= 2:
        return matmul(x, y)
    raise NotImplementedError("adlib.numpy.dot supports arrays of up to 2 dimensions; use matmul for batches")


def vdot(x, y):
    return sum(ravel(x) * ravel(y))


def outer(x, y):
    return ravel(x)[:, None] * ravel(y)[None, :]


def array(obj, dtype=None):
    """Like ``np.array``, but a (nested) list that holds traced values becomes a traced array."""
    if isinstance(obj, Box):
        return obj
    if isinstance(obj, list | tuple) and _holds_box(obj):
        return stack([array(o) for o in obj])
    return np.array(obj, dtype=dtype)


def asarray(obj, dtype=None):
    return array(obj, dtype) if isinstance(obj, Box | list | tuple) else np.asarray(obj, dtype=dtype)


def _holds_box(obj):
    return isinstance(obj, Box) or (isinstance(obj, list | tuple) and builtins.any(_holds_box(o) for o in obj))


# ---------------------------------------------------------------------------------------------------------
# Piecewise-constant functions and constructors: zero derivative, they run on plain values
# ---------------------------------------------------------------------------------------------------------
_NONDIFF = """sign floor ceil round rint isnan isfinite isinf equal not_equal greater greater_equal less less_equal
logical_and logical_or logical_not logical_xor argmax argmin argsort nonzero any all allclose isclose shape ndim
size zeros ones empty full zeros_like ones_like empty_like full_like eye identity arange linspace logspace
meshgrid result_type iscomplexobj""".split()
for _name in _NONDIFF:
    globals()[_name] = NonDifferentiable(getattr(np, _name))

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


def box_astype(self, dtype, **kwargs):
    if not np.issubdtype(np.dtype(dtype), np.floating):
        raise TypeError(f"a traced value cannot be cast to {np.dtype(dtype)}: its derivative would be lost")
    return self


def box_getitem(self, index):
    if isinstance(index, tuple):
        index = tuple(unbox(i) for i in index)
    return getitem(self, unbox(index))


def box_setitem(self, index, value):
    raise TypeError(
        "adlib traced arrays are immutable (like JAX arrays): `x[i] = y` would not be differentiated. "
        "Build a new array instead, e.g. with adlib.numpy.where(mask, y, x) or adlib.numpy.concatenate."
    )


def refuse_conversion(kind):
    if kind == "numpy.asarray":
        raise TypeError(
            "a traced value cannot be converted to a NumPy array: its derivative would be lost. Use the functions "
            "of `adlib.numpy` (import adlib.numpy as anp) instead of `numpy` inside functions you differentiate, "
            "or adlib.stop_gradient(x) if you really want the plain value."
        )
    raise TypeError(
        f"{kind}() of a traced value would drop its derivative. Keep it an array and use adlib.numpy "
        "functions; to print it use f'{x:.3f}' or adlib.stop_gradient(x) for a plain value."
    )


def box_array_ufunc(ufunc, method, inputs, kwargs):
    if method == "__call__" and not kwargs and ufunc in UFUNCS:
        return UFUNCS[ufunc](*inputs)  # numpy.sin(x) on a traced x: use adlib.numpy.sin, same result
    if kwargs.get("out") is not None:
        raise TypeError(
            f"in-place numpy.{ufunc.__name__}(..., out=...) with a traced value would not be differentiated: "
            "write `a = a + x` instead of `a += x` when `a` is a NumPy array."
        )
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

_INTERNAL = {"np", "Box", "NonDifferentiable", "Primitive", "unbox", "UFUNCS", "missing_function_message", "box_pow",
             "box_reshape", "box_astype", "box_getitem", "box_setitem", "refuse_conversion", "box_array_ufunc",
             "box_array_function"}
__all__ = [n for n in list(globals()) if not n.startswith("_") and n not in _INTERNAL]
