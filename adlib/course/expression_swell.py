"""Expression swell: why AD is not symbolic differentiation (Baydin et al. 2018, Table 1).

The logistic map ``l_{k+1} = 4 l_k (1 − l_k)`` iterated n times is a program of 3n elementary operations. Its
symbolic derivative, written out as one expression, repeats every subexpression each time the product rule
copies it: the expression tree grows exponentially in n. AD never writes that expression: it differentiates the
*program*, one primitive at a time, so forward and reverse mode do a constant amount of work per step.

    >>> rows = swell_table([1, 2, 3])
    >>> [r.tape_nodes for r in rows]
    [4, 7, 10]

Sharing common subexpressions (``sympy.cse``) removes the exponential but not the gap: the shared derivative
still grows about quadratically in n (log-log slope ≈ 2, ``measure.loglog_slope``), the tape linearly (slope ≈ 1).

``sympy`` is imported only inside :func:`swell_table` (it is in the ``notebooks`` extra, not a core dependency).
"""

from dataclasses import dataclass

from .measure import tape_size

__all__ = ["logistic_map", "SwellRow", "swell_table"]


def logistic_map(l, n):
    """``l_n`` from ``l_0 = l``: n steps of ``l ← 4 l (1 − l)``. Works on floats, arrays, adlib boxes and sympy."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"logistic_map: n must be a non-negative integer, got {n!r}")
    for _ in range(n):
        l = 4 * l * (1 - l)
    return l


@dataclass(frozen=True)
class SwellRow:
    """Sizes for n steps. ``*_ops``: ``sympy.count_ops`` (operations in the expression tree); ``derivative_nodes``:
    nodes of the derivative's tree; ``expanded_ops``: of the derivative expanded into a polynomial (``None`` when
    n exceeds ``expand_up_to``); ``cse_ops``: of the derivative with common subexpressions shared;
    ``tape_nodes``: nodes on adlib's tape for the same program. (``cse_ops`` is *not* AD's cost: it grows about
    quadratically in n, the tape linearly.)"""

    n: int
    function_ops: int
    derivative_ops: int
    derivative_nodes: int
    expanded_ops: int | None
    cse_ops: int
    tape_nodes: int


def swell_table(ns, expand_up_to=5):
    """One :class:`SwellRow` per n in ``ns``. ``sympy.expand`` costs seconds from n = 6 on: capped by
    ``expand_up_to``."""
    import sympy as sp

    ns = list(ns)
    if not ns or any(isinstance(n, bool) or not isinstance(n, int) or n < 1 for n in ns):
        raise ValueError(f"swell_table: ns must be a non-empty list of positive integers, got {ns!r}")
    x = sp.Symbol("x")
    rows = []
    for n in ns:
        f = logistic_map(x, n)
        d = sp.diff(f, x)
        replacements, (reduced,) = sp.cse(d)
        cse_ops = sum(sp.count_ops(e) for _, e in replacements) + sp.count_ops(reduced)
        rows.append(
            SwellRow(
                n=n,
                function_ops=sp.count_ops(f),
                derivative_ops=sp.count_ops(d),
                derivative_nodes=sum(1 for _ in sp.preorder_traversal(d)),
                expanded_ops=sp.count_ops(sp.expand(d)) if n <= expand_up_to else None,
                cse_ops=cse_ops,
                tape_nodes=tape_size(lambda l, n=n: logistic_map(l, n), 0.3)["nodes"],
            )
        )
    return rows

