"""Your own derivative rule for a whole function, like ``jax.custom_jvp`` and ``jax.custom_vjp``.

Sometimes the derivative that AD would compute by going through a function's code is not the one you want:
the code is numerically unstable (``log(1 + exp(x))`` for large x), iterative (a solver whose derivative has a
closed form), or calls something adlib cannot trace. Then tell adlib the rule, as for a primitive:

    @custom_jvp                                   @custom_vjp
    def f(x): ...                                 def f(x, y): ...

    @f.defjvp                                     def f_fwd(x, y): return f(x, y), residuals
    def f_jvp(primals, tangents):                 def f_bwd(residuals, g): return (g_x, g_y)
        (x,), (t,) = primals, tangents            f.defvjp(f_fwd, f_bwd)
        return f(x), <∂f/∂x · t>

How the rule reaches the engine: a call of ``f`` with traced arguments records **one** node for the whole call
(a one-off :class:`~adlib.core.Primitive` whose rules are the ones given here), instead of a node per
operation inside ``f``. Both rules are written with ``adlib.numpy``, so they are traced themselves by outer
derivatives: derivatives of derivatives work as usual (the rule is differentiated, as in JAX).

* ``custom_jvp`` also serves reverse mode: the JVP rule is linear in the tangents, and the VJP of a linear map is
  its transpose, which adlib gets by running reverse mode *through the JVP rule* with respect to the tangents.
* ``custom_vjp`` serves reverse mode; under forward mode ``f``'s own code is differentiated instead (JAX raises
  an error there).

``checkpoint(f)`` (``jax.checkpoint``) uses the same mechanism with a rule that is not a formula: recompute ``f``.
"""

import functools

import numpy as np

from .core import Box, JVPBox, JVPTrace, Primitive, VJPTrace
from .differential_operators import _is_float, jvp, vjp

__all__ = ["custom_jvp", "custom_vjp", "checkpoint"]


def _top_trace(args):
    top = None
    for a in args:
        if isinstance(a, Box) and (top is None or a.trace.level > top.level):
            top = a.trace
    return top


def _split(args, trace):
    """The values of ``args`` at ``trace``'s level, and which positions were traced there."""
    values = [a.value if isinstance(a, Box) and a.trace is trace else a for a in args]
    argnums = [i for i, a in enumerate(args) if isinstance(a, Box) and a.trace is trace]
    return values, argnums


def _record(trace, fun, name, out, values, argnums, args, vjp_all):
    """One node on the tape for the whole call: a one-off primitive whose reverse rule gives every adjoint."""
    if isinstance(out, tuple | list | dict):
        raise TypeError(f"{name}: a custom rule is supported for functions returning one array")
    prim = Primitive(fun, name, nargs=len(values)).defvjp_all(vjp_all)
    return trace.process(prim, out, values, {}, argnums, [args[i] for i in argnums])


class custom_jvp:
    """``f`` with a forward rule of your own: ``f.defjvp(rule)``, ``rule(primals, tangents) -> (out, t_out)``."""

    def __init__(self, fun):
        self.fun = fun
        self.jvp_rule = None
        self.__name__ = getattr(fun, "__name__", "custom_jvp")
        self.__doc__ = fun.__doc__

    def defjvp(self, jvp_rule):
        self.jvp_rule = jvp_rule
        return jvp_rule

    def __call__(self, *args):
        if self.jvp_rule is None:
            raise TypeError(f"custom_jvp function {self.__name__!r} has no rule: decorate one with @f.defjvp")
        trace = _top_trace(args)
        if trace is None:
            return self.fun(*args)
        values, argnums = _split(args, trace)
        if isinstance(trace, JVPTrace):
            tangents = [np.zeros(np.shape(v)) for v in values]
            for i in argnums:
                tangents[i] = args[i].tangent
            out, t_out = self.jvp_rule(tuple(values), tuple(tangents))
            if np.shape(t_out) != np.shape(out):
                raise ValueError(f"{self.__name__}: the JVP rule returned a tangent of shape {np.shape(t_out)} "
                                 f"for an output of shape {np.shape(out)}")
            return JVPBox(out, trace, t_out)
        out = self(*values)  # lower levels, if any, use this rule too

        def transpose(g, ans, *vals):  # Jᵀg by reverse mode through the (linear) tangent map t ↦ J t
            zeros = tuple(np.zeros(np.shape(v)) for v in vals)
            return vjp(lambda *ts: self.jvp_rule(tuple(vals), ts)[1], *zeros)[1](g)

        return _record(trace, self.fun, self.__name__, out, values, argnums, args, transpose)


class custom_vjp:
    """``f`` with a reverse rule of your own: ``f.defvjp(fwd, bwd)`` with ``fwd(*args) -> (out, residuals)``
    and ``bwd(residuals, g) -> tuple of adjoints, one per argument``."""

    def __init__(self, fun):
        self.fun = fun
        self.fwd = self.bwd = None
        self.__name__ = getattr(fun, "__name__", "custom_vjp")
        self.__doc__ = fun.__doc__

    def defvjp(self, fwd, bwd):
        self.fwd, self.bwd = fwd, bwd

    def __call__(self, *args):
        if self.fwd is None:
            raise TypeError(f"custom_vjp function {self.__name__!r} has no rule: call f.defvjp(fwd, bwd)")
        trace = _top_trace(args)
        if not isinstance(trace, VJPTrace):  # nothing traced, or forward mode: run (and differentiate) f's own code
            return self.fun(*args)
        values, argnums = _split(args, trace)
        out, residuals = self.fwd(*values)

        def adjoints(g, ans, *vals):
            cts = self.bwd(residuals, g)
            if not isinstance(cts, tuple | list) or len(cts) != len(vals):
                raise ValueError(f"{self.__name__}: bwd must return a tuple with one adjoint per argument "
                                 f"({len(vals)}), got {type(cts).__name__}")
            return cts

        return _record(trace, self.fun, self.__name__, out, values, argnums, args, adjoints)


def checkpoint(f):
    """``f`` with the same derivatives but a shorter tape, like ``jax.checkpoint`` (also called remat).

    Reverse mode stores every intermediate value of ``f`` on its tape. ``checkpoint(f)`` is recorded as **one**
    node: the forward pass runs ``f`` on plain values (only its inputs and output are kept), and the backward step
    runs ``f`` again, this time under ``vjp``, to get the adjoints of its arguments. Memory for one more evaluation
    of ``f``: the trade of gradient checkpointing (notebook 10). Derivatives of any order, in both modes; float
    arguments are differentiable, others (ints, …) are constants. ``f`` must return one array.
    """
    if not callable(f):
        raise TypeError(f"checkpoint expects a function, got {type(f).__name__}")
    name = getattr(f, "__name__", "f")

    def impl(*args, **kwargs):
        out = f(*args, **kwargs)
        if isinstance(out, tuple | list | dict):
            raise TypeError(f"checkpoint({name}) must return a single array, but it returned a {type(out).__name__}")
        return out

    def f_of(positions, args, kwargs):
        """``f`` as a function of the arguments at ``positions`` only (the others fixed)."""

        def partial(*xs):
            full = list(args)
            for i, x in zip(positions, xs):
                full[i] = x
            return f(*full, **kwargs)

        return partial

    def jvp_all(tangents, ans, *args, **kwargs):  # forward mode: differentiate f's own code
        positions = [i for i, t in enumerate(tangents) if t is not None]
        return jvp(f_of(positions, args, kwargs), tuple(args[i] for i in positions),
                   tuple(tangents[i] for i in positions))[1]

    def vjp_all(g, ans, *args, **kwargs):  # the recomputation, recorded this time, then one backward sweep
        positions = [i for i, a in enumerate(args) if _is_float(a)]
        _, vjp_fn = vjp(f_of(positions, args, kwargs), *[args[i] for i in positions])
        adjoints = [None] * len(args)
        for i, adjoint in zip(positions, vjp_fn(g)):
            adjoints[i] = adjoint
        return adjoints

    prim = Primitive(impl, name=f"checkpoint({name})").defjvp_all(jvp_all).defvjp_all(vjp_all)

    @functools.wraps(f)
    def checkpointed(*args, **kwargs):
        return prim(*args, **kwargs)

    checkpointed.primitive = prim
    return checkpointed
