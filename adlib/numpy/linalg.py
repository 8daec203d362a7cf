"""``adlib.numpy.linalg``: norms written with differentiable primitives; ``solve``, ``least_squares`` and
``svdvals`` with their own derivative rules (seminar notebook 12 derives them)."""

import numpy as np

from ..core import Box, Primitive, unbox
from .numpy_wrapper import absolute, matmul, max, min, sqrt, sum, swapaxes


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector norms (``ord`` None/2, 1, inf, -inf, 0 or any p) and the Frobenius norm of a matrix, as
    ``numpy.linalg.norm``.

    The derivative of the 2-norm at ``x = 0`` is undefined; like JAX we return nan there.
    """
    matrix = axis is None and np.ndim(x) == 2 or isinstance(axis, tuple) and len(axis) == 2
    if ord is None or ord == "fro" or (ord == 2 and not matrix):
        return sqrt(sum(x * x, axis=axis, keepdims=keepdims))
    if matrix:
        raise NotImplementedError(f"adlib.numpy.linalg.norm: matrix norm ord={ord!r} is not supported (only 'fro')")
    if ord == 1:
        return sum(absolute(x), axis=axis, keepdims=keepdims)
    if ord == np.inf:
        return max(absolute(x), axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return min(absolute(x), axis=axis, keepdims=keepdims)
    if ord == 0:  # the number of nonzero entries: piecewise constant
        return np.sum(unbox(x) != 0, axis=axis, keepdims=keepdims).astype(float)
    return sum(absolute(x) ** ord, axis=axis, keepdims=keepdims) ** (1.0 / ord)


# --- linear solve: x = A⁻¹b ----------------------------------------------------------------------------------
def _solve(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError(f"adlib.numpy.linalg.solve: A must be a square matrix, got shape {a.shape}")
    if b.ndim not in (1, 2) or b.shape[0] != a.shape[0]:
        raise ValueError(f"adlib.numpy.linalg.solve: b must be a vector or a matrix with {a.shape[0]} rows "
                         f"(as A), got shape {b.shape}")
    return np.linalg.solve(a, b)


solve = Primitive(_solve, "solve", nargs=2)
solve.__doc__ = """x = A⁻¹b for a square ``A`` and ``b`` a vector or a matrix (columns solved at once).

Differentiating ``A x = b``: ``dA x + A dx = db``, so ``dx = A⁻¹(db − dA x)`` (forward rule) and, for an
adjoint ``g = ∂L/∂x``, ``∂L/∂b = A⁻ᵀ g`` and ``∂L/∂A = −(∂L/∂b) xᵀ`` (reverse rule). Both rules call ``solve``
again, so they are differentiable themselves (second derivatives work)."""


def _outer_like(u, x):
    """u xᵀ for vectors, u @ xᵀ for matrices (the columns of b)."""
    return u[:, None] * x[None, :] if np.ndim(x) == 1 else matmul(u, swapaxes(x, -1, -2))


def _solve_vjp_b(g, ans, a, b):
    return solve(swapaxes(a, -1, -2), g)


def _solve_vjp_a(g, ans, a, b):
    return -_outer_like(_solve_vjp_b(g, ans, a, b), ans)


def _solve_jvp_a(t, ans, a, b):
    return -solve(a, matmul(t, ans))


def least_squares(a, b):
    """The least-squares solution of ``A x ≈ b`` (A of full column rank) by the normal equations
    ``x = (AᵀA)⁻¹Aᵀb``, differentiable through ``solve``. (``numpy.linalg.lstsq`` is more accurate for
    ill-conditioned A; the normal equations square the condition number.)"""
    if np.ndim(a) != 2 or np.ndim(b) not in (1, 2) or np.shape(b)[0] != np.shape(a)[0]:
        raise ValueError(f"adlib.numpy.linalg.least_squares: need A (m, n) and b (m,) or (m, k) with the same m, "
                         f"got shapes {np.shape(a)} and {np.shape(b)}")
    at = swapaxes(a, -1, -2)
    return solve(matmul(at, a), matmul(at, b))


# --- singular values ---------------------------------------------------------------------------------------
def _svdvals(w):
    if np.ndim(w) != 2:
        raise ValueError(f"adlib.numpy.linalg.svdvals: W must be a matrix, got shape {np.shape(w)}")
    return np.linalg.svd(w, compute_uv=False)


svdvals = Primitive(_svdvals, "svdvals")
svdvals.__doc__ = """The singular values σ of a matrix W (descending), as ``scipy.linalg.svdvals``.

With W = U diag(σ) Vᵀ (thin SVD), ``dσ_i = u_iᵀ dW v_i``: forward rule ``t ↦ diag(Uᵀ t V)``, reverse rule
``g ↦ U diag(g) Vᵀ``. Valid where the singular values are distinct and nonzero; at repeated σ the factors U, V
are not unique and this gives one element of the (sub)differential. First derivatives only: U and V are
computed on plain values, so a second derivative raises an error instead of silently treating them as
constants."""


def _uv(w):
    if isinstance(w, Box):
        raise NotImplementedError("adlib.numpy.linalg.svdvals: second derivatives are not supported (its rule "
                                  "needs the derivative of the singular vectors)")
    u, _, vt = np.linalg.svd(np.asarray(w), full_matrices=False)
    return u, vt.T


def _svdvals_jvp(t, ans, w):
    u, v = _uv(w)
    return sum(u * matmul(t, v), axis=0)


def _svdvals_vjp(g, ans, w):
    u, v = _uv(w)
    return matmul(u * g, v.T)


def _set_rules():
    from .rules import rules  # rules.py does not import this module; imported here to keep the order free

    rules(solve, jvp=(_solve_jvp_a, lambda t, ans, a, b: solve(a, t)), vjp=(_solve_vjp_a, _solve_vjp_b))
    rules(svdvals, jvp=(_svdvals_jvp,), vjp=(_svdvals_vjp,))


_set_rules()
