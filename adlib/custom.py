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
"""

import numpy as np

from .core import Box, ByPosition, JVPBox, JVPTrace, Primitive, VJPTrace
from .differential_operators import vjp

__all__ = ["custom_jvp", "custom_vjp"]


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


def _once_per_adjoint(compute):
    """Reverse rules are asked argument by argument with the same adjoint ``g``; compute all of them once."""
    last = [None, None]

    def rule_for(k):
        def rule(g, ans, *args):
            if last[0] is not g:
                last[0], last[1] = g, compute(g, args)
            return last[1][k]

        return rule

    return ByPosition(rule_for)


def _record(trace, fun, name, out, values, argnums, args, vjp_rules):
    if isinstance(out, tuple | list | dict):
        raise TypeError(f"{name}: a custom rule is supported for functions returning one array")
    prim = Primitive(fun, name, nargs=len(values))
    prim.vjp = vjp_rules
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

        def transpose(g, vals):  # Jᵀg by reverse mode through the (linear) tangent map t ↦ J t
            zeros = tuple(np.zeros(np.shape(v)) for v in vals)
            return vjp(lambda *ts: self.jvp_rule(tuple(vals), ts)[1], *zeros)[1](g)

        return _record(trace, self.fun, self.__name__, out, values, argnums, args, _once_per_adjoint(transpose))


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

        def adjoints(g, vals):
            cts = self.bwd(residuals, g)
            if not isinstance(cts, tuple | list) or len(cts) != len(vals):
                raise ValueError(f"{self.__name__}: bwd must return a tuple with one adjoint per argument "
                                 f"({len(vals)}), got {type(cts).__name__}")
            return cts

        return _record(trace, self.fun, self.__name__, out, values, argnums, args, _once_per_adjoint(adjoints))
