"""What users call: ``grad``, ``value_and_grad``, ``jvp``, ``vjp``, ``jacfwd``, ``jacrev``, ``hessian``, ``hvp``.

They have JAX's names and semantics, so a cross-check against JAX is one line. Each one is a few lines on top of
the two modes of ``core``:

* ``jvp`` runs ``f`` once with every input boxed together with its tangent (forward mode);
* ``vjp`` runs ``f`` once recording the tape and returns a function that sweeps it backwards (reverse mode);
* ``grad`` is ``vjp`` with the adjoint ``∂L/∂L = 1``;
* ``jacfwd`` is one ``jvp`` per input coordinate, ``jacrev`` one ``vjp`` sweep per output coordinate;
* ``hessian`` is ``jacfwd(jacrev(f))`` and ``hvp`` is forward-over-reverse, ``jvp(grad(f), (x,), (v,))``.
"""

import numpy as np

from . import numpy as anp
from .core import Box, JVPBox, JVPTrace, VJPTrace, backward, shape, unbox
from .tree_util import tree_flatten, tree_unflatten

__all__ = ["grad", "value_and_grad", "jvp", "vjp", "jacfwd", "jacrev", "hessian", "hvp", "stop_gradient"]


# ----------------------------------------------------------------------------------------------------------
# The two modes
# ----------------------------------------------------------------------------------------------------------


def jvp(f, primals, tangents, has_aux=False):
    """Forward mode: ``(f(*primals), ∂f(primals)·tangents)`` in one pass, like ``jax.jvp``. With
    ``has_aux=True``, ``f`` returns a pair ``(output, aux)`` and jvp returns ``(output, tangent, aux)``."""
    if not isinstance(primals, tuple | list) or not isinstance(tangents, tuple | list):
        raise TypeError("jvp expects primals and tangents as tuples, e.g. jvp(f, (x,), (v,))")
    if len(primals) != len(tangents):
        raise ValueError(f"jvp got {len(primals)} primals but {len(tangents)} tangents; they must match")
    p_leaves, p_tree = tree_flatten(tuple(primals))
    t_leaves, t_tree = tree_flatten(tuple(tangents))
    if p_tree != t_tree:
        raise ValueError("jvp: tangents must have the same structure (tuples/lists/dicts) as the primals")
    for k, (p, t) in enumerate(zip(p_leaves, t_leaves)):
        _require_float(p, "jvp", f"primal {k}")
        _require_float(t, "jvp", f"tangent {k}")
        if np.shape(p) != np.shape(t):
            raise ValueError(
                f"jvp: tangent {k} has shape {np.shape(t)} but its primal has shape {np.shape(p)}; they must match"
            )
    with JVPTrace() as trace:
        boxes = [JVPBox(p, trace, _numpy_scalar(t)) for p, t in zip(p_leaves, t_leaves, strict=True)]
        out = f(*tree_unflatten(p_tree, boxes))
    if has_aux:
        out, aux = _split_aux(out)
    out_leaves, out_tree = tree_flatten(out)
    values = [x.value if _of(x, trace) else x for x in out_leaves]
    tangents_out = [_writeable(x.tangent) if _of(x, trace) else _zeros_like(x) for x in out_leaves]
    if has_aux:
        return tree_unflatten(out_tree, values), tree_unflatten(out_tree, tangents_out), _strip_closed(aux)
    return tree_unflatten(out_tree, values), tree_unflatten(out_tree, tangents_out)


def vjp(f, *primals, has_aux=False):
    """Reverse mode: ``(f(*primals), vjp_fn)`` where ``vjp_fn(g)`` returns ``gᵀ ∂f`` for every primal (a tuple),
    like ``jax.vjp``. The forward pass runs once; each call of ``vjp_fn`` is one backward sweep of its tape.
    With ``has_aux=True``, ``f`` returns a pair ``(output, aux)`` and vjp returns ``(output, vjp_fn, aux)``."""
    leaves, tree = tree_flatten(primals)
    for k, x in enumerate(leaves):
        _require_float(x, "vjp/grad", f"input {k}")
    with VJPTrace() as trace:
        boxes = [trace.new_input(x) for x in leaves]
        out = f(*tree_unflatten(tree, boxes))
    if has_aux:
        out, aux = _split_aux(out)
    out_leaves, out_tree = tree_flatten(out)
    out_values = [x.value if _of(x, trace) else x for x in out_leaves]

    def vjp_fn(cotangent):
        ct_leaves, ct_tree = tree_flatten(cotangent)
        if ct_tree != out_tree:
            raise ValueError("vjp_fn: the cotangent must have the same structure as the output of f")
        seeds = {}
        for y, value, g in zip(out_leaves, out_values, ct_leaves):
            if shape(g) != shape(value):
                raise ValueError(
                    f"vjp_fn: cotangent of shape {np.shape(g)} given for an output of shape {np.shape(value)}"
                )
            if _of(y, trace):
                g = _numpy_scalar(g)
                seeds[y.index] = g if y.index not in seeds else seeds[y.index] + g
        adjoints = backward(trace.tape, seeds) if seeds else {}
        return tree_unflatten(tree, [_like(adjoints.get(i), x) for i, x in enumerate(leaves)])

    if has_aux:
        return tree_unflatten(out_tree, out_values), vjp_fn, _strip_closed(aux)
    return tree_unflatten(out_tree, out_values), vjp_fn


# ----------------------------------------------------------------------------------------------------------
# Gradients
# ----------------------------------------------------------------------------------------------------------


def value_and_grad(f, argnums=0, has_aux=False):
    """``(f(x), ∇f(x))`` for scalar-valued ``f``, with JAX's ``argnums`` (int or tuple) and ``has_aux``."""

    def value_and_grad_f(*args, **kwargs):
        nums = _argnums(argnums, len(args), "grad")
        aux = []
        if not has_aux and not kwargs and nums == tuple(range(len(args))):  # all arguments: no wrapper needed
            out, vjp_fn = vjp(f, *args)
            _require_scalar(out)
            grads = vjp_fn(np.float64(1.0) if type(out) is np.float64 else np.ones_like(unbox(out)))
            return out, (grads[0] if isinstance(argnums, int) else grads)

        def f_of_selected(*selected):
            full = list(args)
            for n, s in zip(nums, selected):
                full[n] = s
            out = f(*full, **kwargs)
            if has_aux:
                out, aux_value = _split_aux(out)
                aux.append(aux_value)
            return out

        out, vjp_fn = vjp(f_of_selected, *[args[n] for n in nums])
        _require_scalar(out)
        value = unbox(out)
        grads = vjp_fn(np.float64(1.0) if type(value) is np.float64 else np.ones_like(value))  # ∂L/∂L = 1
        grads = grads[0] if isinstance(argnums, int) else grads
        if has_aux:
            return (out, _strip_closed(aux[0])), grads
        return out, grads

    value_and_grad_f.__name__ = f"value_and_grad({getattr(f, '__name__', 'f')})"
    return value_and_grad_f


def grad(f, argnums=0, has_aux=False):
    """``∇f(x)`` for scalar-valued ``f``: one forward pass and one backward sweep (reverse mode)."""
    vg = value_and_grad(f, argnums, has_aux)

    def grad_f(*args, **kwargs):
        (value, g) = vg(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    grad_f.__name__ = f"grad({getattr(f, '__name__', 'f')})"
    return grad_f


# ----------------------------------------------------------------------------------------------------------
# Jacobians and second order
# ----------------------------------------------------------------------------------------------------------


def jacfwd(f, argnums=0, has_aux=False):
    """The Jacobian column by column: one ``jvp`` per input coordinate (cost grows with the input size).
    Inputs and outputs may be pytrees; with ``has_aux=True`` ``f`` returns ``(output, aux)`` and so does jacfwd."""

    def jac(*args):
        nums = _argnums(argnums, len(args), "jacfwd")
        f_out, aux = _without_aux(f, has_aux)
        jacs = []
        for n in nums:
            x_leaves, x_tree = tree_flatten(args[n])
            for k, leaf in enumerate(x_leaves):
                _require_float(leaf, "jacfwd", f"argument {n}" + (f", leaf {k}" if x_tree is not None else ""))
            f_n = _partial(f_out, args, n)
            zeros = [np.zeros(np.shape(unbox(leaf)), _tangent_dtype(leaf)) for leaf in x_leaves]
            blocks = []  # blocks[j][k]: the Jacobian of output leaf k with respect to input leaf j
            for j, leaf in enumerate(x_leaves):
                directions = [tree_unflatten(x_tree, zeros[:j] + [e] + zeros[j + 1 :]) for e in _basis(leaf)]
                if not directions:  # an empty input: one pass for the output's structure
                    out_leaves, out_tree = tree_flatten(jvp(f_n, (args[n],), (tree_unflatten(x_tree, zeros),))[1])
                    cols = []
                else:
                    cols = [tree_flatten(jvp(f_n, (args[n],), (d,))[1]) for d in directions]  # one per coordinate
                    out_leaves, out_tree = cols[0]
                blocks.append([_stacked([c[0][k] for c in cols], np.shape(y) + np.shape(leaf), axis=-1)
                               for k, y in enumerate(out_leaves)])
            jacs.append([tree_unflatten(x_tree, list(per_x)) for per_x in zip(*blocks, strict=True)])
        # the output's structure outside, the argnums inside, as in JAX
        per_leaf = [j[0] if isinstance(argnums, int) else tuple(j) for j in zip(*jacs, strict=True)]
        out = tree_unflatten(out_tree, per_leaf)
        return (out, _strip_closed(aux[0])) if has_aux else out

    return jac


def jacrev(f, argnums=0, has_aux=False):
    """The Jacobian row by row: one forward pass, then one backward sweep per output coordinate.
    Inputs and outputs may be pytrees; with ``has_aux=True`` ``f`` returns ``(output, aux)`` and so does jacrev."""

    def jac(*args):
        nums = _argnums(argnums, len(args), "jacrev")
        y, vjp_fn, *aux = vjp(lambda *xs: f(*_replace(args, nums, xs)), *[args[n] for n in nums], has_aux=has_aux)
        ys, out_tree = tree_flatten(y)
        x_trees = [tree_flatten(args[n]) for n in nums]
        jacs, zeros = [], [np.zeros_like(unbox(y_j)) for y_j in ys]
        for i, y_i in enumerate(ys):  # one Jacobian per output leaf, one row per coordinate of that leaf
            rows = [tree_flatten(vjp_fn(tree_unflatten(out_tree, zeros[:i] + [e] + zeros[i + 1 :])))[0]
                    for e in _basis(y_i)]  # each row: the leaves of all the arguments' adjoints, in order
            jac_i, start = [], 0
            for x_leaves, x_tree in x_trees:
                jac_i.append(tree_unflatten(x_tree, [
                    _stacked([r[start + j] for r in rows], np.shape(y_i) + np.shape(x), axis=0)
                    for j, x in enumerate(x_leaves)]))
                start += len(x_leaves)
            jacs.append(jac_i[0] if isinstance(argnums, int) else tuple(jac_i))
        out = tree_unflatten(out_tree, jacs)  # the output's structure outside, the argnums inside, as in JAX
        return (out, aux[0]) if has_aux else out

    return jac


def hessian(f, argnums=0, has_aux=False):
    """The Hessian as ``jacfwd(jacrev(f))``: forward over reverse, as JAX does."""
    return jacfwd(jacrev(f, argnums, has_aux), argnums, has_aux)


def hvp(f, x, v):
    """The Hessian-vector product ``∇²f(x)·v`` without forming the Hessian: forward-over-reverse,
    ``jvp(grad(f), (x,), (v,))`` — about the cost of two or three gradients."""
    return jvp(grad(f), (x,), (v,))[1]


def stop_gradient(x):
    """The plain value of ``x``: a constant for every derivative (``jax.lax.stop_gradient``)."""
    leaves, tree = tree_flatten(x)
    return tree_unflatten(tree, [unbox(a) for a in leaves])


# ----------------------------------------------------------------------------------------------------------
# Helpers: checking inputs, shaping outputs
# ----------------------------------------------------------------------------------------------------------


def _of(x, trace):
    return isinstance(x, Box) and x.trace is trace


def _split_aux(out):
    if not (isinstance(out, tuple | list) and len(out) == 2):
        raise TypeError("with has_aux=True the function must return a pair (output, aux)")
    return out


def _without_aux(f, has_aux):
    """``f`` returning its output only, and the list where the aux values of its calls are kept."""
    if not has_aux:
        return f, None
    aux = []

    def f_out(*args):
        out, aux_value = _split_aux(f(*args))
        aux.append(aux_value)
        return out

    return f_out, aux


def _stacked(parts, shape, axis):
    """The arrays ``parts`` stacked along ``axis`` and reshaped to ``shape`` (zeros if there are none)."""
    return anp.reshape(anp.stack(parts, axis=axis), shape) if parts else np.zeros(shape)


def _writeable(a):
    """A NumPy array the caller may modify (``g *= 0.5``): broadcasts are read-only views, so they are copied."""
    return a.copy() if isinstance(a, np.ndarray) and not a.flags.writeable else a


def _strip_closed(tree):
    """Values of finished traces become plain (what a differentiated function returns besides its output)."""

    def strip(a):
        while isinstance(a, Box) and not a.trace.open:
            a = a.value
        return a

    leaves, treedef = tree_flatten(tree)
    return tree_unflatten(treedef, [strip(a) for a in leaves])


def _describe(value):
    if isinstance(value, np.ndarray | np.generic):
        return f"a NumPy {value.dtype} {'array of shape ' + str(value.shape) if value.ndim else 'scalar'}"
    return f"a Python {type(value).__name__}"


def _is_float(x):
    """A Python float or a float NumPy array/scalar (boxed or not): what derivatives are taken with respect to."""
    value = unbox(x)
    return type(value) is float or (
        isinstance(value, np.ndarray | np.generic) and np.issubdtype(value.dtype, np.floating)
    )


def _require_float(x, fname, what):
    value = unbox(x)
    if not _is_float(value):
        raise TypeError(
            f"{fname} needs float inputs (Python floats or float NumPy arrays), but {what} is {_describe(value)}. "
            "Write 1.0 instead of 1, or pass np.asarray(x, dtype=float)."
        )


def _numpy_scalar(t):
    """A Python number as a NumPy scalar, so that the rules compute like NumPy: ``1.0 / 0.0`` in a rule gives
    inf with NumPy's RuntimeWarning instead of Python's ZeroDivisionError."""
    return np.float64(t) if type(t) is float or type(t) is int else t


def _require_scalar(out):
    value = unbox(out)
    if isinstance(value, float):  # Python floats and NumPy float64 scalars: the common case
        return
    if np.shape(value) != ():
        raise TypeError(
            f"grad requires a scalar output (shape ()), but the function returned shape {np.shape(value)}. "
            "For a non-scalar output use jacrev/jacfwd, or vjp with a cotangent."
        )
    if not (isinstance(value, int | np.number | np.ndarray) and np.issubdtype(np.result_type(value), np.floating)):
        raise TypeError(f"grad requires a float scalar output, but the function returned {_describe(value)}")


def _argnums(argnums, nargs, fname):
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for n in nums:
        if not isinstance(n, int) or not -nargs <= n < nargs:
            raise ValueError(f"{fname}: argnums={argnums!r} but the function was called with {nargs} argument(s)")
    nums = tuple(n % nargs for n in nums)
    if len(set(nums)) != len(nums):  # JAX refuses them too
        raise ValueError(f"{fname}: argnums={argnums!r} names an argument twice; name each argument once")
    return nums


def _zeros_like(x):
    return np.zeros_like(unbox(x), dtype=np.result_type(unbox(x), np.float64) if _is_int(x) else None)


def _is_int(x):
    return not np.issubdtype(np.result_type(unbox(x)), np.inexact)


def _like(g, x):
    """The adjoint ``g`` of input ``x`` with ``x``'s shape and type (zeros if the output does not depend on x)."""
    value = unbox(x)
    if g is None:
        return np.zeros_like(value) if isinstance(value, np.ndarray) else np.zeros((), np.result_type(value))[()]
    if isinstance(g, Box):
        return g
    if isinstance(value, np.ndarray):
        return _writeable(np.asarray(g, dtype=value.dtype))
    if isinstance(value, float) and type(g) is np.float64:
        return g
    return np.result_type(value).type(g)


def _partial(f, args, n):
    return lambda x: f(*args[:n], x, *args[n + 1 :])


def _replace(args, nums, xs):
    full = list(args)
    for n, x in zip(nums, xs):
        full[n] = x
    return full


def _tangent_dtype(x):
    return np.result_type(unbox(x), np.float64) if _is_int(x) else np.result_type(unbox(x))


def _basis(x):
    """The standard basis e_1 … e_n of the space of arrays shaped like ``x``."""
    value = unbox(x)
    n = int(np.size(value))
    return list(np.eye(n, dtype=_tangent_dtype(x)).reshape((n,) + np.shape(value)))
