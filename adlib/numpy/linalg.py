"""``adlib.numpy.linalg``: norms written with differentiable primitives; ``solve``, ``least_squares``,
``svdvals`` and ``svd`` with their own derivative rules (seminar notebook 12 derives them)."""

import numpy as np

from ..core import Primitive, unbox
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
are not unique and this gives one element of the (sub)differential. The rules use the differentiable ``svd``
factors, so second derivatives work for square W with distinct singular values."""


def _svd_u(w):
    return np.linalg.svd(_check_matrix(w), full_matrices=False)[0]


def _svd_v(w):
    return np.linalg.svd(_check_matrix(w), full_matrices=False)[2].T


def _check_matrix(w):
    if np.ndim(w) != 2:
        raise ValueError(f"adlib.numpy.linalg.svd: W must be a matrix, got shape {np.shape(w)}")
    return np.asarray(w)


svd_u = Primitive(_svd_u, "svd_u")
svd_v = Primitive(_svd_v, "svd_v")


def svd(w, full_matrices=False, compute_uv=True):
    """``U, s, Vh = svd(W)`` (thin SVD, as ``numpy.linalg.svd(W, full_matrices=False)``), differentiable.

    Derivatives of U and V (the standard rule, e.g. Townsend 2016) are implemented for **square** W with
    distinct singular values: with ``dP = Uᵀ dW V`` and ``F_ij = 1/(σ_j² − σ_i²)`` (0 on the diagonal),
    ``dU = U (F ∘ (dP Σ + Σ dPᵀ))`` and ``dV = V (F ∘ (Σ dP + dPᵀ Σ))``. At a repeated singular value F is
    infinite: the singular vectors are not differentiable there (JAX returns nan; so does this rule)."""
    if full_matrices:
        raise NotImplementedError("adlib.numpy.linalg.svd: only full_matrices=False (the thin SVD) is supported")
    if not compute_uv:
        return svdvals(w)
    return svd_u(w), svdvals(w), swapaxes(svd_v(w), 0, 1)


def _square(w, what):
    if np.ndim(w) != 2 or np.shape(w)[0] != np.shape(w)[1]:
        raise NotImplementedError(f"adlib.numpy.linalg.svd: the derivative of {what} is implemented for square "
                                  f"matrices only, got shape {np.shape(w)}")


def _svd_parts(w, what):
    """U, σ, V and F_ij = 1/(σ_j² − σ_i²) (0 on the diagonal), all differentiable."""
    _square(w, what)
    u, s, v = svd_u(w), svdvals(w), svd_v(w)
    s2 = s * s
    diff = s2[None, :] - s2[:, None]
    eye = np.eye(np.shape(w)[0])
    with np.errstate(divide="ignore"):
        f = (1 - eye) / (diff + eye)
    return u, s, v, f


def _svd_u_jvp(t, ans, w):
    u, s, v, f = _svd_parts(w, "U")
    dp = matmul(matmul(swapaxes(u, 0, 1), t), v)
    return matmul(u, f * (dp * s[None, :] + s[:, None] * swapaxes(dp, 0, 1)))


def _svd_v_jvp(t, ans, w):
    u, s, v, f = _svd_parts(w, "V")
    dp = matmul(matmul(swapaxes(u, 0, 1), t), v)
    return matmul(v, f * (s[:, None] * dp + swapaxes(dp, 0, 1) * s[None, :]))


def _svd_u_vjp(g, ans, w):
    u, s, v, f = _svd_parts(w, "U")
    j = f * matmul(swapaxes(u, 0, 1), g)
    return matmul(matmul(u, (j + swapaxes(j, 0, 1)) * s[None, :]), swapaxes(v, 0, 1))


def _svd_v_vjp(g, ans, w):
    u, s, v, f = _svd_parts(w, "V")
    k = f * matmul(swapaxes(v, 0, 1), g)
    return matmul(matmul(u, s[:, None] * (k + swapaxes(k, 0, 1))), swapaxes(v, 0, 1))


def _svdvals_jvp(t, ans, w):
    return sum(svd_u(w) * matmul(t, svd_v(w)), axis=0)


def _svdvals_vjp(g, ans, w):
    return matmul(svd_u(w) * g, swapaxes(svd_v(w), 0, 1))


solve.defjvp(_solve_jvp_a, lambda t, ans, a, b: solve(a, t)).defvjp(_solve_vjp_a, _solve_vjp_b)
svdvals.defjvp(_svdvals_jvp).defvjp(_svdvals_vjp)
svd_u.defjvp(_svd_u_jvp).defvjp(_svd_u_vjp)
svd_v.defjvp(_svd_v_jvp).defvjp(_svd_v_vjp)
