"""The engine: traced values, primitives, and the two modes of automatic differentiation.

A program ``L(w)`` is, to AD, a *computational graph*: a sequence of primitive operations
``v_i = φ_i(parents of v_i)`` that starts at the inputs ``w_1 … w_d`` and ends at ``L``.
This file knows nothing about NumPy; it knows only how to push derivatives through such a graph.

How a value is traced
---------------------
``grad``, ``jvp`` and friends wrap each input in a :class:`Box`. Every differentiable NumPy function in
``adlib.numpy`` is a :class:`Primitive`. When a primitive meets a Box among its arguments it

1. takes the plain values out of the boxes,
2. computes ``v_i`` with those values (by calling itself again, see *Nesting* below),
3. hands the result to the box's :class:`Trace`, which does what its mode of AD needs.

Forward mode (``JVPTrace``)
    Each box carries, beside its value ``v_i``, its *tangent* ``v̄_i = ∂v_i/∂w_k`` (more generally the
    directional derivative along a seed direction). A primitive's **JVP rule** computes the output tangent
    from the input tangents right away:  ``v̄_i = Σ_j ∂φ_i/∂v_j · v̄_j``.  Nothing is stored: the tangents flow
    forward together with the values, and one pass gives the derivative along one direction.

Reverse mode (``VJPTrace``)
    Each primitive application is appended to a *tape* (the Wengert list ``w_1, …, w_d, v_1, …, v_N``) that
    keeps the inputs and the output of every step. After the forward pass the backward sweep walks the tape from
    the end to the start and accumulates the *adjoints* ``v̄_j = ∂L/∂v_j = Σ_{i: j is a parent of i} v̄_i ·
    ∂v_i/∂v_j`` with each primitive's **VJP rule**. One sweep gives the whole gradient; the price is the memory
    of the tape.

Both rules of every primitive are written with the *wrapped* NumPy of ``adlib.numpy``. When the values inside a
rule are themselves boxes of an outer trace, the rule is traced like any other code — so derivatives of
derivatives come for free, in any nesting of the two modes.

Nesting
-------
Every call of ``grad``/``jvp``/``vjp`` opens a new trace with a higher ``level`` than all existing ones. A box of
level 3 may hold a box of level 2 as its value (an inner derivative of an outer variable). A primitive always
processes the **highest** level among its arguments first and treats lower-level boxes as constants of that level;
they are handled when the primitive calls itself again on the unboxed values. This is what prevents
*perturbation confusion*: ``d/dx [x · d/dy (x + y)]`` is 1, not 2, because the inner derivative with respect to
``y`` never mistakes ``x``'s box for its own.
"""

import itertools

__all__ = ["Box", "JVPBox", "VJPBox", "Primitive", "NonDifferentiable", "JVPTrace", "VJPTrace",
           "backward", "unbox", "shape"]


# ----------------------------------------------------------------------------------------------------------
# Traces and boxes
# ----------------------------------------------------------------------------------------------------------

_levels = itertools.count(1)


class Trace:
    """One differentiation in progress. Boxes of a trace can only be used while the trace is open."""

    def __init__(self):
        self.level = next(_levels)
        self.open = False

    def __enter__(self):
        self.open = True
        return self

    def __exit__(self, *exc):
        self.open = False

    def __call__(self, *args, **kwargs):  # added (issue 18): `x.trace()` on a traced x is this object, called
        raise TypeError("x.trace() is not available on a traced value (its .trace is the differentiation in "
                        "progress): write adlib.numpy.trace(x) or numpy.trace(x) instead")

    def apply(self, prim, args, kwargs):
        """Apply ``prim`` to ``args`` of which some are boxes of this trace (the highest level present)."""
        if not self.open:
            raise RuntimeError(
                f"a traced value of a finished {type(self).__name__} was used in {prim.name!r}: it escaped the "
                "function being differentiated (stored in a global, a list or a closure). Return it from the "
                "function instead, or use adlib.stop_gradient on it."
            )
        values = list(args)
        argnums, boxes = [], []
        lower = False  # are there boxes of lower levels, outside or inside ours?
        for i, a in enumerate(args):
            if isinstance(a, Box):
                if a.trace is self:
                    values[i] = a.value
                    argnums.append(i)
                    boxes.append(a)
                    lower = lower or isinstance(a.value, Box)
                else:
                    lower = True
        if kwargs:
            anp.check_keywords(prim, kwargs)  # a keyword the rules cannot honour (out=, where=…): a clear error
        # the value v_i: if lower-level boxes remain, the primitive is applied again and processes them
        if lower:
            ans = prim(*values, **kwargs)
        else:
            ans = prim.impl(*values, **kwargs)
            if not isinstance(ans, float):  # (a float is real: the common case, checked fastest)
                anp.refuse_complex(ans, prim)
        return self.process(prim, ans, values, kwargs, argnums, boxes)


class Box:
    """A value being traced. It behaves like the NumPy array it holds: each operator and method below is the
    function of ``adlib.numpy`` (imported as ``anp`` at the end of this file) that NumPy's would be, so
    ``x * y`` on boxes is ``anp.multiply(x, y)``, a primitive that the traces record."""

    __slots__ = ("value", "trace")

    def __init__(self, value, trace):
        self.value = value
        self.trace = trace

    def __repr__(self):
        return f"{type(self).__name__}({self.value!r}, level={self.trace.level})"

    # arithmetic: primitives of adlib.numpy
    __add__, __radd__ = lambda s, o: anp.add(s, o), lambda s, o: anp.add(o, s)
    __sub__, __rsub__ = lambda s, o: anp.subtract(s, o), lambda s, o: anp.subtract(o, s)
    __mul__, __rmul__ = lambda s, o: anp.multiply(s, o), lambda s, o: anp.multiply(o, s)
    __truediv__, __rtruediv__ = lambda s, o: anp.divide(s, o), lambda s, o: anp.divide(o, s)
    __pow__, __rpow__ = lambda s, o: anp.box_pow(s, o), lambda s, o: anp.power(o, s)
    __matmul__, __rmatmul__ = lambda s, o: anp.matmul(s, o), lambda s, o: anp.matmul(o, s)
    __neg__, __pos__, __abs__ = lambda s: anp.negative(s), lambda s: s, lambda s: anp.absolute(s)

    # comparisons and truth: piecewise constant, computed on the plain values
    __lt__, __le__ = lambda s, o: unbox(s) < unbox(o), lambda s, o: unbox(s) <= unbox(o)
    __gt__, __ge__ = lambda s, o: unbox(s) > unbox(o), lambda s, o: unbox(s) >= unbox(o)
    __eq__, __ne__ = lambda s, o: unbox(s) == unbox(o), lambda s, o: unbox(s) != unbox(o)
    __hash__ = None
    __bool__ = lambda s: bool(unbox(s))
    __format__ = lambda s, spec: format(unbox(s), spec)

    # shape, indexing, iteration
    shape = property(lambda s: getattr(unbox(s), "shape", ()))
    ndim = property(lambda s: len(s.shape))
    size = property(lambda s: anp.size(s))
    dtype = property(lambda s: anp.result_type(s))
    T = property(lambda s: anp.transpose(s))
    __len__ = lambda s: len(unbox(s))
    __iter__ = lambda s: (s[i] for i in range(len(s)))
    __getitem__ = lambda s, index: anp.box_getitem(s, index)
    __setitem__ = lambda s, index, value: anp.box_setitem(s, index, value)

    # methods of ndarray
    sum = lambda s, axis=None, dtype=None, *, keepdims=False: anp.sum(s, axis=axis, dtype=dtype, keepdims=keepdims)
    mean = lambda s, axis=None, keepdims=False: anp.mean(s, axis=axis, keepdims=keepdims)
    max = lambda s, axis=None, keepdims=False: anp.max(s, axis=axis, keepdims=keepdims)
    min = lambda s, axis=None, keepdims=False: anp.min(s, axis=axis, keepdims=keepdims)
    reshape = lambda s, *shape, **kwargs: anp.box_reshape(s, *shape, **kwargs)
    transpose = lambda s, *axes: anp.transpose(s, (axes[0] if len(axes) == 1 else axes) or None)
    ravel = flatten = lambda s, order="C": anp.ravel(s, order)
    squeeze = lambda s, axis=None: anp.squeeze(s, axis)
    swapaxes = lambda s, axis1, axis2: anp.swapaxes(s, axis1, axis2)
    dot = lambda s, o: anp.dot(s, o)
    clip = lambda s, min=None, max=None: anp.clip(s, min, max)
    astype = lambda s, dtype, **kwargs: anp.box_astype(s, dtype, **kwargs)

    # --- added (issue 18): more operators and methods of ndarray (`.trace()` is not one: `trace` is a box's Trace)
    __mod__, __rmod__ = lambda s, o: anp.mod(s, o), lambda s, o: anp.mod(o, s)
    prod = lambda s, axis=None, keepdims=False: anp.prod(s, axis=axis, keepdims=keepdims)
    cumsum = lambda s, axis=None: anp.cumsum(s, axis)
    cumprod = lambda s, axis=None: anp.cumprod(s, axis)
    var = lambda s, axis=None, *, ddof=0, keepdims=False: anp.var(s, axis, ddof=ddof, keepdims=keepdims)
    std = lambda s, axis=None, *, ddof=0, keepdims=False: anp.std(s, axis, ddof=ddof, keepdims=keepdims)
    diagonal = lambda s, offset=0, axis1=0, axis2=1: anp.diagonal(s, offset, axis1, axis2)
    repeat = lambda s, repeats, axis=None: anp.repeat(s, repeats, axis)
    take = lambda s, indices, axis=None, mode="raise": anp.take(s, indices, axis, mode)
    copy = lambda s, order="K": anp.copy(s)

    # leaving the trace: refused with a message that says what to do instead
    __float__ = lambda s: anp.refuse_conversion("float")
    __int__ = lambda s: anp.refuse_conversion("int")
    __index__ = lambda s: anp.refuse_conversion("index")
    __complex__ = lambda s: anp.refuse_conversion("complex")
    item = lambda s, *args: anp.refuse_conversion("item")
    tolist = lambda s: anp.refuse_conversion("tolist")
    __array__ = lambda s, *args, **kwargs: anp.refuse_conversion("numpy.asarray")

    # NumPy's own functions called on a box (np.sin(x), np.sum(x)): adlib.numpy's, or a clear error
    __array_ufunc__ = lambda s, ufunc, method, *inputs, **kwargs: anp.box_array_ufunc(ufunc, method, inputs, kwargs)
    __array_function__ = lambda s, func, types, args, kwargs: anp.box_array_function(func, args, kwargs)


class JVPBox(Box):
    """Forward mode: a value ``v_i`` with its tangent ``v̄_i`` (same shape)."""

    __slots__ = ("tangent",)

    def __init__(self, value, trace, tangent):
        self.value = value
        self.trace = trace
        self.tangent = tangent


class VJPBox(Box):
    """Reverse mode: a value ``v_i`` with its position ``index`` on its trace's tape."""

    __slots__ = ("index",)

    def __init__(self, value, trace, index):
        self.value = value
        self.trace = trace
        self.index = index


def unbox(x):
    """The plain NumPy value inside any number of nested boxes."""
    while isinstance(x, Box):
        x = x.value
    return x


def shape(x):
    """The shape of an array, a Python or NumPy scalar, or a box."""
    return getattr(x, "shape", ())


# ----------------------------------------------------------------------------------------------------------
# Primitives
# ----------------------------------------------------------------------------------------------------------


class Primitive:
    """A function whose derivative AD is *told*, not computed: the leaves of every computational graph.

    ``impl`` computes the value on plain NumPy arrays. Its rules are given with these four methods, the one way
    to define them (the rule table of ``adlib.numpy``, ``linalg``, ``custom_jvp``/``custom_vjp`` and the course's
    own primitives all use them):

    * ``prim.defjvp(rule_0, rule_1, …)`` and ``prim.defvjp(rule_0, …)``: one forward and one reverse rule per
      argument (``None``: not differentiable in that argument), called as ``rule(t_or_g, ans, *args, **kwargs)``
      and returning that argument's contribution (``∂φ/∂x_i · t`` forward, ``gᵀ ∂φ/∂x_i`` reverse);
    * ``prim.defjvp_all(rule)`` and ``prim.defvjp_all(rule)``: one rule for all arguments at once, for a
      primitive whose rules share work or whose number of arguments varies. ``rule(tangents, ans, *args,
      **kwargs)`` gets a tangent per argument (``None`` for a constant) and returns the output's tangent;
      ``rule(g, ans, *args, **kwargs)`` returns the adjoints of all arguments (a sequence, one entry per
      argument) and is called once per backward step, however many of the arguments are traced.
    """

    def __init__(self, impl, name=None, nargs=1):
        self.impl = impl
        self.name = name or impl.__name__
        self.__name__ = self.name
        self.__doc__ = impl.__doc__
        self.jvp = (None,) * nargs
        self.vjp = (None,) * nargs
        self.jvp_all = self.vjp_all = None

    def defjvp(self, *rules):
        """Forward rules, one per argument: ``rule(t, ans, *args, **kwargs) -> ∂φ/∂x_i · t``."""
        self.jvp, self.jvp_all = rules, None
        return self

    def defvjp(self, *rules):
        """Reverse rules, one per argument: ``rule(g, ans, *args, **kwargs) -> gᵀ ∂φ/∂x_i``."""
        self.vjp, self.vjp_all = rules, None
        return self

    def defjvp_all(self, rule):
        """One forward rule for all arguments: ``rule(tangents, ans, *args, **kwargs) -> the output's tangent``."""
        self.jvp_all = rule
        return self

    def defvjp_all(self, rule):
        """One reverse rule for all arguments: ``rule(g, ans, *args, **kwargs) -> (adjoint of each argument)``."""
        self.vjp_all = rule
        return self

    def __repr__(self):
        return f"<adlib primitive {self.name}>"

    def __call__(self, *args, **kwargs):
        top = None
        for a in args:
            if isinstance(a, Box) and (top is None or a.trace.level > top.level):
                top = a.trace
        if top is None:
            try:
                return self.impl(*args, **kwargs)
            except anp.TracedConversionError:  # traced values inside a list: anp.sum([x, y]), anp.exp([x, y])
                arrays = anp.lists_as_arrays(args)
                if arrays is None:
                    raise
                return self(*arrays, **kwargs)
        return top.apply(self, args, kwargs)

    def rule(self, kind, argnum):
        """The ``kind`` ("jvp" or "vjp") rule for argument ``argnum`` alone, as ``rule(t_or_g, ans, *args,
        **kwargs)`` (for tools that look at one edge of the graph at a time; the engine calls the rules itself)."""
        self.require(kind, argnum)
        if kind == "jvp" and self.jvp_all is not None:
            return lambda t, ans, *args, **kwargs: self.jvp_all(
                [t if j == argnum else None for j in range(len(args))], ans, *args, **kwargs)
        if kind == "vjp" and self.vjp_all is not None:
            return lambda g, ans, *args, **kwargs: self.vjp_all(g, ans, *args, **kwargs)[argnum]
        return (self.jvp if kind == "jvp" else self.vjp)[argnum]

    def require(self, kind, argnum):
        """Raise a clear error if there is no ``kind`` ("jvp" or "vjp") rule for argument ``argnum``."""
        if (self.jvp_all if kind == "jvp" else self.vjp_all) is not None:
            return
        rules = self.jvp if kind == "jvp" else self.vjp
        if argnum >= len(rules) or rules[argnum] is None:
            raise TypeError(
                f"adlib cannot differentiate {self.name!r} with respect to its argument {argnum}: no {kind.upper()} "
                "rule is defined for it. Pass that argument as a constant, or add the rule in "
                "adlib/numpy/rules.py."
            )


class NonDifferentiable:
    """A function whose output is piecewise constant (``sign``, ``floor``, comparisons, ``argmax``…):
    its derivative is zero, so it simply runs on the plain values and returns a constant."""

    def __init__(self, impl, name=None):
        self.impl = impl
        self.name = self.__name__ = name or impl.__name__
        self.__doc__ = impl.__doc__

    def __repr__(self):
        return f"<adlib non-differentiable {self.name}>"

    def __call__(self, *args, **kwargs):
        return self.impl(*map(unbox, args), **kwargs)


# ----------------------------------------------------------------------------------------------------------
# Forward mode
# ----------------------------------------------------------------------------------------------------------


class JVPTrace(Trace):
    """Forward mode: tangents travel with the values; nothing is stored."""

    def process(self, prim, ans, values, kwargs, argnums, boxes):
        if prim.jvp_all is not None:  # one rule for all arguments
            tangents = [None] * len(values)
            for i, box in zip(argnums, boxes):
                tangents[i] = box.tangent
            tangent = prim.jvp_all(tangents, ans, *values, **kwargs)
        else:
            tangent = None
            for i, box in zip(argnums, boxes):
                prim.require("jvp", i)
                t = prim.jvp[i](box.tangent, ans, *values, **kwargs)  # ∂φ/∂v_j · v̄_j
                tangent = t if tangent is None else tangent + t
        if shape(tangent) != shape(ans):  # an input that was broadcast: its tangent is broadcast too
            tangent = anp.broadcast_to(tangent, shape(ans))
        return JVPBox(ans, self, tangent)


# ----------------------------------------------------------------------------------------------------------
# Reverse mode
# ----------------------------------------------------------------------------------------------------------


class Node:
    """One line of the tape: ``v_i = prim(*args, **kwargs)`` with ``parents`` the tape indices of the traced
    arguments at positions ``argnums``. Inputs ``w_k`` are nodes with ``prim = None``."""

    __slots__ = ("prim", "ans", "args", "kwargs", "argnums", "parents")

    def __init__(self, prim, ans, args, kwargs, argnums, parents):
        self.prim, self.ans, self.args, self.kwargs = prim, ans, args, kwargs
        self.argnums, self.parents = argnums, parents


class VJPTrace(Trace):
    """Reverse mode: every primitive application is appended to ``self.tape``."""

    def __init__(self):
        super().__init__()
        self.tape = []

    def new_input(self, value):
        self.tape.append(Node(None, value, (), {}, (), ()))
        return VJPBox(value, self, len(self.tape) - 1)

    def process(self, prim, ans, values, kwargs, argnums, boxes):
        if prim.vjp_all is None:
            rules = prim.vjp
            for i in argnums:  # fail now, at the user's line, if a rule is missing
                if i >= len(rules) or rules[i] is None:
                    prim.require("vjp", i)
        tape = self.tape
        tape.append(Node(prim, ans, values, kwargs, argnums, [b.index for b in boxes]))
        return VJPBox(ans, self, len(tape) - 1)


def backward(tape, seeds):
    """The backward sweep. ``seeds`` maps tape indices of outputs to their adjoints ``∂L/∂v_i``.

    The tape is in evaluation order, so walking it from the end visits every node after all of its consumers:
    when we reach ``v_i``, its adjoint is complete. No recursion, one visit per node: linear in the tape length
    however deep the graph or however often a value is reused. Returns the adjoints of the input nodes
    (``None`` for an input the outputs do not depend on).
    """
    adjoints = dict(seeds)
    inputs = {}
    for i in range(max(seeds), -1, -1):
        g = adjoints.pop(i, None)
        if g is None:
            continue
        node = tape[i]
        if node.prim is None:  # an input w_k
            inputs[i] = g
            continue
        prim, ans, args, kwargs = node.prim, node.ans, node.args, node.kwargs
        all_adjoints = None if prim.vjp_all is None else prim.vjp_all(g, ans, *args, **kwargs)  # once for all
        for argnum, parent in zip(node.argnums, node.parents):
            if all_adjoints is not None:
                contribution = all_adjoints[argnum]
            elif kwargs:
                contribution = prim.vjp[argnum](g, ans, *args, **kwargs)  # gᵀ ∂v_i/∂v_parent
            else:  # speed: the same call without an empty **kwargs (most nodes have none)
                contribution = prim.vjp[argnum](g, ans, *args)
            arg_shape = getattr(args[argnum], "shape", ())
            if getattr(contribution, "shape", ()) != arg_shape:
                contribution = _unbroadcast(contribution, arg_shape)
            previous = adjoints.get(parent)
            adjoints[parent] = contribution if previous is None else previous + contribution  # fan-out: sum paths
    return inputs


# ----------------------------------------------------------------------------------------------------------
# Broadcasting, undone in one place
# ----------------------------------------------------------------------------------------------------------

def _unbroadcast(g, target_shape):
    """Sum ``g`` over the axes along which an argument of shape ``target_shape`` was broadcast (its adjoint has
    the argument's shape, not the output's)."""
    g_shape = shape(g)
    if g_shape == target_shape:
        return g
    extra = len(g_shape) - len(target_shape)
    axes = tuple(range(extra)) + tuple(
        extra + k for k, n in enumerate(target_shape) if n == 1 and g_shape[extra + k] != 1
    )
    if axes:
        g = anp.sum(g, axis=axes)
    return g.reshape(target_shape) if shape(g) != target_shape else g


# ----------------------------------------------------------------------------------------------------------
# The engine's one dependency on NumPy's vocabulary
# ----------------------------------------------------------------------------------------------------------
# A Box's operators are adlib.numpy's functions, and broadcasting is undone with its `sum` and `broadcast_to`, so
# that both are traced like everything else. Imported last: adlib.numpy builds its primitives from this module.
from .numpy import numpy_wrapper as anp  # noqa: E402
