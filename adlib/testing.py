"""``check_grads``: test derivative rules numerically, in the spirit of ``autograd.test_util.check_grads``.

    import adlib.numpy as anp
    from adlib.testing import check_grads

    check_grads(lambda x, y: anp.sum(anp.sin(x) * y, axis=0), (x, y))  # silent if right, else AssertionError

Why this works
--------------
A derivative rule can be wrong in three ways, and each check below catches one of them.

1. **The forward rule is wrong.** ``jvp`` gives the directional derivative ``J v``. Finite differences give it
   too, independently of every rule: the *central* difference

       (f(x + εv) − f(x − εv)) / 2ε  =  J v + O(ε²)

   has a truncation error of order ε² (the one-sided difference only ε), and a rounding error of order
   ``ulp(f) / ε``. With float64 and ε = 1e-6 both are around 1e-10 relative to the size of ``f``: good to
   about ten digits, plenty to catch a wrong rule, whose error is of order one. A random direction ``v``
   checks every column of the Jacobian at once (a bug would have to be exactly orthogonal to ``v`` to hide).

2. **The reverse rule is wrong.** ``vjp`` gives ``Jᵀu``. It must be the *transpose* of what ``jvp`` computes,
   and there is a one-line test for a transpose, the **dot-product test**: for random ``u`` and ``v``

       ⟨u, J v⟩  =  ⟨Jᵀu, v⟩.

   The left side comes from ``jvp`` (already checked against finite differences by 1.), the right side from
   ``vjp``; they agree to rounding error for a right rule. With ``modes=("rev",)`` alone, ``⟨u, J v⟩`` is
   taken from finite differences instead, so that reverse mode is checked on its own.

3. **The rule is right but not differentiable itself.** Derivatives of derivatives trace the rules, so a rule
   written with raw NumPy (``np.cos(x)`` instead of ``anp.cos(x)``) or one that unboxes its arguments gives
   right first derivatives and wrong second ones. Hence the recursion: with ``order=2`` the same two checks
   are applied to the derived functions

       jvp_f(x, v) = jvp(f, x, v)[1]          (its derivatives are second derivatives of f)
       vjp_f(x, u) = vjp(f, x)[1](u)

   and with ``order=3`` to *their* ``jvp_…`` and ``vjp_…``, and so on (the number of functions checked
   doubles with every order when both modes are used).

Everything is seeded (``rng`` defaults to ``np.random.default_rng(0)``), so a failure is reproducible.
"""

import numpy as np

from .differential_operators import jvp, vjp
from .tree_util import tree_flatten, tree_unflatten

__all__ = ["check_grads"]

_MODES = ("fwd", "rev")


def check_grads(f, args, order=2, modes=("fwd", "rev"), eps=1e-6, rtol=1e-6, atol=1e-6, rng=None):
    """Check the derivatives of ``f`` at ``args`` against finite differences, up to ``order``.

    Parameters
    ----------
    f : callable
        ``f(*args)``, written with ``adlib.numpy``. Its output may be a scalar, an array or a pytree
        (tuple/list/dict) of arrays.
    args : tuple
        The point: a tuple of positional arguments (each an array, a float, or a pytree of them). Anything
        that is not a tuple is taken as the single argument. Inputs are converted to float64 arrays
        (finite differences need the precision).
    order : int
        1 checks first derivatives; 2 (the default) also checks the derivatives of ``jvp`` and ``vjp`` of
        ``f``, that is, second derivatives; and so on.
    modes : tuple of "fwd", "rev"
        ``"fwd"``: ``jvp`` against central finite differences along a random direction. ``"rev"``: the
        dot-product test ``⟨u, J v⟩ = ⟨Jᵀu, v⟩`` of ``vjp`` against ``jvp`` (against finite differences if
        ``"fwd"`` is not among the modes).
    eps : float
        The step of the finite differences.
    rtol, atol : float
        A computed number ``a`` matches its reference ``b`` if ``|a − b| ≤ atol + rtol·|b|`` (as
        ``np.allclose``).
    rng : numpy.random.Generator, int or None
        Where the random directions come from; ``None`` means ``np.random.default_rng(0)``.

    Raises
    ------
    AssertionError
        naming the mode, the order, the function (``f``, ``jvp(f)``, ``vjp(jvp(f))`` …) and the two numbers
        that disagree.

    Example
    -------
    >>> import numpy as np, adlib.numpy as anp
    >>> from adlib.testing import check_grads
    >>> check_grads(lambda x, y: anp.sum(anp.tanh(x @ y)), (np.ones((2, 3)), np.ones(3) / 3))
    """
    if isinstance(modes, str):
        modes = (modes,)
    modes = tuple(modes)
    if not modes or any(m not in _MODES for m in modes):
        raise ValueError(f"check_grads: modes must be a non-empty subset of {_MODES}, got {modes!r}")
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"check_grads: order must be an integer >= 1, got {order!r}")
    if not isinstance(args, tuple):
        args = (args,)
    leaves, treedef = tree_flatten(args)
    leaves = [_as_float64(x, k) for k, x in enumerate(leaves)]
    if rng is None or isinstance(rng, int | np.integer):
        rng = np.random.default_rng(0 if rng is None else rng)
    tol = (eps, rtol, atol)
    _check(f, tree_unflatten(treedef, leaves), order, modes, tol, rng, getattr(f, "__name__", "f"), 1)


# ----------------------------------------------------------------------------------------------------------
# The checks
# ----------------------------------------------------------------------------------------------------------


def _check(f, args, order, modes, tol, rng, name, level):
    """Check ``f`` at ``args`` (derivative order ``level`` of the user's function), then recurse."""
    if "fwd" in modes:
        _check_fwd(f, args, tol, rng, name, level)
    if "rev" in modes:
        _check_rev(f, args, modes, tol, rng, name, level)
    if level == order:
        return
    n = len(args)
    if "fwd" in modes:
        v = _random_like(args, rng)

        def jvp_f(*xv):
            return jvp(f, tuple(xv[:n]), tuple(xv[n:]))[1]

        _check(jvp_f, (*args, *v), order, modes, tol, rng, f"jvp({name})", level + 1)
    if "rev" in modes:
        u = _random_like(f(*args), rng)

        def vjp_f(*xu):
            return vjp(f, *xu[:n])[1](xu[n])

        _check(vjp_f, (*args, u), order, modes, tol, rng, f"vjp({name})", level + 1)


def _check_fwd(f, args, tol, rng, name, level):
    eps, rtol, atol = tol
    v = _random_like(args, rng)
    _, jv = jvp(f, args, v)
    fd = _finite_difference(f, args, v, eps)
    _compare(
        _leaves(jv),
        _leaves(fd),
        rtol,
        atol,
        lambda where, a, b: (
            f"check_grads: forward mode (adlib.jvp) disagrees with central finite differences at order "
            f"{level}, in {name}{where}: jvp gives {a!r}, finite differences give {b!r}"
        ),
    )


def _check_rev(f, args, modes, tol, rng, name, level):
    eps, rtol, atol = tol
    v = _random_like(args, rng)
    out, vjp_fn = vjp(f, *args)
    u = _random_like(out, rng)
    vjp_u_v = _inner(vjp_fn(u), v)  # ⟨Jᵀu, v⟩
    if "fwd" in modes:
        u_jv, source = _inner(u, jvp(f, args, v)[1]), "jvp"
    else:
        u_jv, source = _inner(u, _finite_difference(f, args, v, eps)), "finite differences"
    _compare(
        [np.asarray(vjp_u_v)],
        [np.asarray(u_jv)],
        rtol,
        atol,
        lambda where, a, b: (
            f"check_grads: reverse mode (adlib.vjp) fails the dot-product test <u, J v> = <J^T u, v> at "
            f"order {level}, in {name}: <J^T u, v> from vjp is {a!r}, <u, J v> from {source} is {b!r}"
        ),
    )


# ----------------------------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------------------------


def _finite_difference(f, args, v, eps):
    """``(f(x + εv) − f(x − εv)) / 2ε`` leaf by leaf, with the output's structure."""
    x_leaves, treedef = tree_flatten(args)
    v_leaves = _leaves(v)
    plus = f(*tree_unflatten(treedef, [x + eps * d for x, d in zip(x_leaves, v_leaves, strict=True)]))
    minus = f(*tree_unflatten(treedef, [x - eps * d for x, d in zip(x_leaves, v_leaves, strict=True)]))
    p_leaves, out_tree = tree_flatten(plus)
    return tree_unflatten(
        out_tree,
        [(np.asarray(p) - np.asarray(m)) / (2 * eps) for p, m in zip(p_leaves, _leaves(minus), strict=True)],
    )


def _compare(actual, reference, rtol, atol, message):
    """Raise ``AssertionError(message(where, a, b))`` at the entry that misses ``|a − b| ≤ atol + rtol·|b|``
    by the most."""
    if len(actual) != len(reference):
        raise AssertionError(message(": the outputs have different structures", actual, reference))
    for k, (a, b) in enumerate(zip(actual, reference, strict=True)):
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        if a.shape != b.shape:
            raise AssertionError(message(f", output {k}: shapes differ", a.shape, b.shape))
        excess = np.abs(a - b) - (atol + rtol * np.abs(b))
        nan_a, nan_b = np.isnan(a), np.isnan(b)
        excess = np.where(nan_a | nan_b, np.where(nan_a & nan_b, -1.0, np.inf), excess)  # nan matches nan
        if excess.size and np.max(excess) > 0:
            i = np.unravel_index(np.argmax(excess), a.shape)
            where = f", output {k}" if len(actual) > 1 else ""
            where += f" at index {tuple(map(int, i))}" if i else ""
            raise AssertionError(
                message(where, float(a[i]), float(b[i]))
                + f" (|difference| = {abs(float(a[i]) - float(b[i])):.3g}, rtol={rtol:g}, atol={atol:g})"
            )


def _inner(a, b):
    """``⟨a, b⟩`` of two pytrees of the same structure: the sum of all products of matching entries."""
    return sum(
        np.vdot(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        for x, y in zip(_leaves(a), _leaves(b), strict=True)
    )


def _random_like(tree, rng):
    """Standard-normal float64 arrays with the structure and shapes of ``tree``."""
    leaves, treedef = tree_flatten(tree)
    return tree_unflatten(treedef, [rng.standard_normal(np.shape(x)) for x in leaves])


def _leaves(tree):
    return tree_flatten(tree)[0]


def _as_float64(x, k):
    a = np.asarray(x)
    if not np.issubdtype(a.dtype, np.floating):
        raise TypeError(f"check_grads needs float inputs, but input {k} has dtype {a.dtype}")
    return a.astype(np.float64)
