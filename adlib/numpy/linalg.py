"""``adlib.numpy.linalg``: NumPy's linear algebra, differentiable.

Primitives with their own rules: ``inv``, ``det``, the log-determinant of ``slogdet``, ``solve``, the factors of
``eigh``, ``cholesky``, ``qr`` and ``svd``, ``svdvals`` and ``pinv``; compositions of them: ``norm``,
``least_squares``, ``eigvalsh``. Seminar notebook 12 derives the rules of ``solve`` and ``svdvals``.

All of them take stacks of matrices (shape ``(..., m, n)``, the leading axes a batch) as NumPy does; the rules are
written with ``matmul`` and ``_T`` (the transpose of the last two axes), so they work on stacks too. Complex
matrices are refused with a clear error. The rules hold where the function is differentiable: an invertible
matrix for ``inv``, ``det`` and ``solve``, distinct eigenvalues for the eigenvectors of ``eigh``, distinct nonzero
singular values for the factors of ``svd``, a rank that does not change for ``pinv``. Elsewhere they give inf or
nan, as JAX does.
"""

import numpy as np

from ..core import Box, Primitive, unbox
from .numpy_wrapper import absolute, concatenate, expand_dims, matmul, max, min, moveaxis, sqrt, sum, swapaxes


# --- helpers: transposes and triangles of (stacks of) matrices, all differentiable ---------------------
def _T(x):
    return swapaxes(x, -1, -2)


def _tril(x, k=0):
    return x * np.tril(np.ones(x.shape[-2:]), k)


def _symmetric(a, UPLO):
    """The symmetric matrix that LAPACK reads from ``a``: its lower (``UPLO="L"``) or upper triangle, mirrored.
    ``eigh`` and ``cholesky`` differentiate through it, so their derivatives are those of the function NumPy
    computes: the other triangle of ``a`` is never read, its derivative is 0. (JAX symmetrizes instead, ½(A + Aᵀ);
    both agree on every function of a matrix that is symmetric by construction, such as ``eigh(x + x.T)``.)"""
    if UPLO not in ("L", "U"):
        raise ValueError(f"UPLO must be 'L' or 'U', got {UPLO!r}")
    n, dtype = np.shape(a)[-1], np.result_type(unbox(a), np.float32)  # float32 stays float32, as in NumPy
    off = a * (np.tril(np.ones((n, n), dtype), -1) if UPLO == "L" else np.triu(np.ones((n, n), dtype), 1))
    return off + _T(off) + a * np.eye(n, dtype=dtype)


def _matrices(a, name, square=False):
    """Check the plain array ``a`` for ``name``: real, a matrix or a stack of them (square if asked)."""
    a = np.asarray(unbox(a))
    if np.iscomplexobj(a):
        raise TypeError(f"adlib.numpy.linalg.{name}: complex matrices are not supported (adlib differentiates "
                        "real arrays only)")
    if a.ndim < 2 or (square and a.shape[-1] != a.shape[-2]):
        kind = "a square matrix or a stack of them, shape (..., n, n)" if square else \
            "a matrix or a stack of them, shape (..., m, n)"
        raise ValueError(f"adlib.numpy.linalg.{name}: needs {kind}, got shape {a.shape}")
    return a


def _input(a, name, square=False):
    """A public function's argument, checked: a traced value as it is, anything else as a NumPy array."""
    checked = _matrices(a, name, square)
    return a if isinstance(a, Box) else checked


# --- inverse and determinants ---------------------------------------------------------------------------------
# d(A⁻¹) = −A⁻¹ dA A⁻¹;  d det A = det A · tr(A⁻¹ dA);  d log|det A| = tr(A⁻¹ dA)  (Giles 2008, §2.2)
inv = Primitive(lambda a: np.linalg.inv(_matrices(a, "inv", square=True)), "inv")
det = Primitive(lambda a: np.linalg.det(_matrices(a, "det", square=True)), "det")
logabsdet = Primitive(lambda a: np.linalg.slogdet(_matrices(a, "slogdet", square=True))[1], "logabsdet")
inv.__doc__ = "The inverse of a square matrix (or of each matrix of a stack), as ``numpy.linalg.inv``."
det.__doc__ = "The determinant of a square matrix (or of each matrix of a stack), as ``numpy.linalg.det``."
logabsdet.__doc__ = "log |det A|: the second output of ``slogdet``."


def _trace_of_inv_times(t, a):
    """tr(A⁻¹ T) for each matrix of the stack: Σ_ij (A⁻ᵀ)_ij T_ij."""
    return sum(_T(inv(a)) * t, axis=(-2, -1))


inv.defjvp(lambda t, ans, a: -matmul(matmul(ans, t), ans)).defvjp(
    lambda g, ans, a: -matmul(matmul(_T(ans), g), _T(ans)))
det.defjvp(lambda t, ans, a: ans * _trace_of_inv_times(t, a)).defvjp(
    lambda g, ans, a: (g * ans)[..., None, None] * _T(inv(a)))
logabsdet.defjvp(lambda t, ans, a: _trace_of_inv_times(t, a)).defvjp(
    lambda g, ans, a: g[..., None, None] * _T(inv(a)))


def slogdet(a):
    """``sign, logabsdet = slogdet(A)`` as ``numpy.linalg.slogdet`` (a tuple): det A = sign · exp(logabsdet). The
    sign is piecewise constant (a plain array); ``logabsdet`` is differentiable where det A ≠ 0."""
    return np.linalg.slogdet(_matrices(a, "slogdet", square=True))[0], logabsdet(a)


# --- linear solve: x = A⁻¹b ----------------------------------------------------------------------------------
def _solve(a, b):
    a, b = _matrices(a, "solve", square=True), np.asarray(b)
    if np.iscomplexobj(b):
        raise TypeError("adlib.numpy.linalg.solve: complex right-hand sides are not supported")
    if b.ndim == 0 or b.shape[-1 if b.ndim == 1 else -2] != a.shape[-1]:
        raise ValueError(f"adlib.numpy.linalg.solve: b must be a vector of {a.shape[-1]} entries or a matrix (or a "
                         f"stack of them) with {a.shape[-1]} rows, as A, got shape {b.shape}")
    return np.linalg.solve(a, b)


_solve_p = Primitive(_solve, "solve", nargs=2)


def solve(a, b):
    """x = A⁻¹b for a square ``A`` (or a stack of them) and ``b`` a vector (shape ``(n,)``) or a matrix
    (``(..., n, k)``, its columns solved at once), the batch axes broadcast, as ``numpy.linalg.solve``.

    Differentiating ``A x = b``: ``dA x + A dx = db``, so ``dx = A⁻¹(db − dA x)`` (forward rule) and, for an
    adjoint ``g = ∂L/∂x``, ``∂L/∂b = A⁻ᵀ g`` and ``∂L/∂A = −(∂L/∂b) xᵀ`` (reverse rule). Both rules call ``solve``
    again, so they are differentiable themselves (second derivatives work)."""
    if np.ndim(b) == 1 and np.ndim(a) > 2:  # one vector for a stack of matrices: solve it as a column
        return _solve_p(a, b[:, None])[..., 0]
    return _solve_p(a, b)


def _outer_like(u, x):
    """u xᵀ for vectors, u @ xᵀ for matrices (the columns of b)."""
    return u[:, None] * x[None, :] if np.ndim(x) == 1 else matmul(u, _T(x))


def _solve_vjp_b(g, ans, a, b):
    return _solve_p(_T(a), g)


_solve_p.defjvp(lambda t, ans, a, b: -_solve_p(a, matmul(t, ans)),
                lambda t, ans, a, b: _solve_p(a, t)).defvjp(
    lambda g, ans, a, b: -_outer_like(_solve_vjp_b(g, ans, a, b), ans),
    _solve_vjp_b)


def least_squares(a, b):
    """The least-squares solution of ``A x ≈ b`` (A of full column rank) by the normal equations
    ``x = (AᵀA)⁻¹Aᵀb``, differentiable through ``solve``. (``numpy.linalg.lstsq`` is more accurate for
    ill-conditioned A; the normal equations square the condition number.)"""
    if np.ndim(a) != 2 or np.ndim(b) not in (1, 2) or np.shape(b)[0] != np.shape(a)[0]:
        raise ValueError(f"adlib.numpy.linalg.least_squares: need A (m, n) and b (m,) or (m, k) with the same m, "
                         f"got shapes {np.shape(a)} and {np.shape(b)}")
    at = _T(a)
    return solve(matmul(at, a), matmul(at, b))


# --- pseudo-inverse ---------------------------------------------------------------------------------------------
pinv = Primitive(lambda a, **kwargs: np.linalg.pinv(_matrices(a, "pinv"), **kwargs), "pinv")
pinv.__doc__ = """The Moore–Penrose pseudo-inverse A⁺, as ``numpy.linalg.pinv`` (its keywords ``rcond``, ``rtol``,
``hermitian`` are passed on: they only set which small singular values count as zero).

Golub & Pereyra 1973 (eq. 4.12), where the rank of A does not change: with P = A⁺,
``dP = −P dA P + P Pᵀ dAᵀ (I − A P) + (I − P A) dAᵀ Pᵀ P``, and its transpose for the reverse rule
``Ā = −Pᵀ Ḡ Pᵀ + (I − A P) Ḡᵀ P Pᵀ + Pᵀ P Ḡᵀ (I − P A)``. (For an invertible A both are those of ``inv``.)"""


def _pinv_jvp(t, p, a, **kwargs):
    tt, pa, ap = _T(t), matmul(p, a), matmul(a, p)
    return (-matmul(matmul(p, t), p) + matmul(matmul(p, _T(p)), tt - matmul(tt, ap))
            + matmul(tt - matmul(pa, tt), matmul(_T(p), p)))


def _pinv_vjp(g, p, a, **kwargs):
    gt, pa, ap = _T(g), matmul(p, a), matmul(a, p)
    return (-matmul(matmul(_T(p), g), _T(p)) + matmul(gt - matmul(ap, gt), matmul(p, _T(p)))
            + matmul(matmul(_T(p), p), gt - matmul(gt, pa)))


pinv.defjvp(_pinv_jvp).defvjp(_pinv_vjp)


# --- symmetric eigenproblem -------------------------------------------------------------------------------------
# S = V diag(w) Vᵀ with distinct eigenvalues w (ascending) and F_ij = 1/(w_j − w_i), 0 on the diagonal
# (Giles 2008, §3.1; Magnus & Neudecker):
#     dw = diag(Vᵀ dS V)             w̄ ↦ S̄ = V diag(w̄) Vᵀ
#     dV = V (F ∘ (Vᵀ dS V))         V̄ ↦ S̄ = V (F ∘ (Vᵀ V̄)) Vᵀ
# The primitives take the symmetric S that eigh reads (_symmetric), so their tangents dS are symmetric too; UPLO
# only makes LAPACK read the same triangle as NumPy would (the same numbers, the same signs of the eigenvectors).
eigh_w = Primitive(lambda s, UPLO="L": np.linalg.eigh(s, UPLO)[0], "eigh_w")
eigh_v = Primitive(lambda s, UPLO="L": np.linalg.eigh(s, UPLO)[1], "eigh_v")


def _eigh_f(s, UPLO):
    w = eigh_w(s, UPLO=UPLO)
    eye = np.eye(w.shape[-1])
    with np.errstate(divide="ignore"):
        return (1 - eye) / (w[..., None, :] - w[..., :, None] + eye)


def _eigh_w_jvp(t, ans, s, UPLO="L"):
    v = eigh_v(s, UPLO=UPLO)
    return sum(v * matmul(t, v), axis=-2)


def _eigh_w_vjp(g, ans, s, UPLO="L"):
    v = eigh_v(s, UPLO=UPLO)
    return matmul(v * g[..., None, :], _T(v))


eigh_w.defjvp(_eigh_w_jvp).defvjp(_eigh_w_vjp)
eigh_v.defjvp(lambda t, v, s, UPLO="L": matmul(v, _eigh_f(s, UPLO) * matmul(matmul(_T(v), t), v))).defvjp(
    lambda g, v, s, UPLO="L": matmul(matmul(v, _eigh_f(s, UPLO) * matmul(_T(v), g)), _T(v)))


def eigh(a, UPLO="L"):
    """``w, V = eigh(A)``: the eigenvalues (ascending) and eigenvectors (columns) of a symmetric matrix (or of each
    matrix of a stack), as ``numpy.linalg.eigh`` (a tuple). Like NumPy it reads only the lower (``UPLO="L"``) or
    upper triangle of A. The eigenvectors are differentiable where the eigenvalues are distinct (inf/nan where
    two coincide, as in JAX); their signs are LAPACK's, so differentiate functions that do not depend on them
    (``V diag(c) Vᵀ``, ``V * V``…)."""
    s = _symmetric(_input(a, "eigh", square=True), UPLO)
    return eigh_w(s, UPLO=UPLO), eigh_v(s, UPLO=UPLO)


def eigvalsh(a, UPLO="L"):
    """The eigenvalues (ascending) of a symmetric matrix, as ``numpy.linalg.eigvalsh``."""
    return eigh_w(_symmetric(_input(a, "eigvalsh", square=True), UPLO), UPLO=UPLO)


# --- Cholesky ---------------------------------------------------------------------------------------------------
# S = L Lᵀ with L lower triangular. With Φ(X) = the lower triangle of X with its diagonal halved (Murray 2016,
# "Differentiation of the Cholesky decomposition", eqs. 8 and 10):
#     dL = L Φ(L⁻¹ dS L⁻ᵀ)           L̄ ↦ S̄ = L⁻ᵀ Φ(Lᵀ L̄) L⁻¹
# (Φ is a mask, its own transpose). As for eigh, the primitive takes the symmetric S that cholesky reads.
_cholesky_p = Primitive(np.linalg.cholesky, "cholesky")


def _phi(x):
    n = x.shape[-1]
    return x * (np.tril(np.ones((n, n)), -1) + 0.5 * np.eye(n))


_cholesky_p.defjvp(lambda t, ans, s: matmul(ans, _phi(matmul(matmul(inv(ans), t), _T(inv(ans)))))).defvjp(
    lambda g, ans, s: matmul(matmul(_T(inv(ans)), _phi(matmul(_T(ans), g))), inv(ans)))


def cholesky(a, upper=False):
    """The Cholesky factor of a symmetric positive definite matrix (or of each matrix of a stack), as
    ``numpy.linalg.cholesky``: lower triangular L with A = L Lᵀ, or with ``upper=True`` U = Lᵀ (A = Uᵀ U). Like
    NumPy it reads only the lower (upper) triangle of A."""
    low = _cholesky_p(_symmetric(_input(a, "cholesky", square=True), "U" if upper else "L"))
    return _T(low) if upper else low


# --- QR ---------------------------------------------------------------------------------------------------------
# A = Q R (m ≥ n, reduced: Q m×n with orthonormal columns, R n×n upper triangular). Walter & Lehmann 2018,
# "Algorithmic differentiation of linear algebra functions with application in optimum experimental design";
# Roberts 2020 (as JAX): with X = dA R⁻¹, C = Qᵀ X and the skew-symmetric Ω = tril(C, −1) − tril(C, −1)ᵀ,
#     dQ = X + Q (Ω − C),    dR = (C − Ω) R
# and transposed, with M = Qᵀ Q̄ − R̄ Rᵀ:   Ā = (Q̄ + Q (tril(M − Mᵀ, −1) − M)) R⁻ᵀ.
# For m < n, A = [X | Y] with X square: Q, U = qr(X) and R = [U | Qᵀ Y] (what Householder QR computes too).
def _qr_tall(a, part):
    a = _matrices(a, "qr")
    if a.shape[-2] < a.shape[-1]:
        raise ValueError("adlib.numpy.linalg.qr: qr_q and qr_r take matrices with at least as many rows as columns")
    return np.linalg.qr(a)[part]


qr_q = Primitive(lambda a: _qr_tall(a, 0), "qr_q")
qr_r = Primitive(lambda a: _qr_tall(a, 1), "qr_r")


def _qr_c(t, a):
    """C = Qᵀ dA R⁻¹ and Ω, and X = dA R⁻¹."""
    x = matmul(t, inv(qr_r(a)))
    c = matmul(_T(qr_q(a)), x)
    low = _tril(c, -1)
    return x, c, low - _T(low)


def _qr_adjoint(q_term, m, a):
    """Ā = (Q̄ + Q (tril(M − Mᵀ, −1) − M)) R⁻ᵀ, Q̄ given as ``q_term`` (0 for R's rule)."""
    return matmul(q_term + matmul(qr_q(a), _tril(m - _T(m), -1) - m), _T(inv(qr_r(a))))


def _qr_q_jvp(t, ans, a):
    x, c, omega = _qr_c(t, a)
    return x + matmul(ans, omega - c)


def _qr_r_jvp(t, ans, a):
    x, c, omega = _qr_c(t, a)
    return matmul(c - omega, ans)


qr_q.defjvp(_qr_q_jvp).defvjp(lambda g, ans, a: _qr_adjoint(g, matmul(_T(ans), g), a))
qr_r.defjvp(_qr_r_jvp).defvjp(lambda g, ans, a: _qr_adjoint(0.0, -matmul(g, _T(ans)), a))


def qr(a, mode="reduced"):
    """``Q, R = qr(A)`` as ``numpy.linalg.qr`` (a tuple; ``mode="r"``: R alone), for a matrix or a stack of them.
    ``mode="complete"`` is the same as ``"reduced"`` when m ≤ n; for m > n its extra columns of Q are not unique
    and have no derivative: differentiating them raises an error. The rules need R invertible (A of full rank)."""
    a = _input(a, "qr")
    m, n = a.shape[-2:]
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"adlib.numpy.linalg.qr: mode must be 'reduced', 'complete' or 'r' ('raw' is not "
                         f"supported), got {mode!r}")
    if mode == "complete" and m > n:
        if isinstance(a, Box):
            raise NotImplementedError("adlib.numpy.linalg.qr: the derivative of mode='complete' for m > n is not "
                                      "defined (the extra columns of Q are not unique); use mode='reduced'")
        return tuple(np.linalg.qr(a, mode="complete"))
    if m >= n:
        q, r = qr_q(a), qr_r(a)
    else:
        q, u = qr(a[..., :m], mode="reduced")
        r = concatenate([u, matmul(_T(q), a[..., m:])], axis=-1)
    return r if mode == "r" else (q, r)


# --- singular values and vectors ----------------------------------------------------------------------------
def _svd(w, part):
    return np.linalg.svd(_matrices(w, "svd"), full_matrices=False)[part]


svdvals = Primitive(lambda w: np.linalg.svd(_matrices(w, "svdvals"), compute_uv=False), "svdvals")
svdvals.__doc__ = """The singular values σ of a matrix W (descending), as ``numpy.linalg.svdvals``; a stack of
matrices gives a stack of σ.

With W = U diag(σ) Vᵀ (thin SVD), ``dσ_i = u_iᵀ dW v_i``: forward rule ``t ↦ diag(Uᵀ t V)``, reverse rule
``g ↦ U diag(g) Vᵀ``. Valid where the singular values are distinct and nonzero; at repeated σ the factors U, V
are not unique and this gives one element of the (sub)differential. The rules use the differentiable ``svd``
factors, so second derivatives work (for any shape, where the singular values are distinct and nonzero)."""
svd_u = Primitive(lambda w: _svd(w, 0), "svd_u")
svd_v = Primitive(lambda w: np.swapaxes(_svd(w, 2), -1, -2), "svd_v")


def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """``U, s, Vh = svd(A)`` as ``numpy.linalg.svd`` (a tuple), for a matrix or a stack of them, differentiable.

    ``full_matrices=True`` (NumPy's default) is the thin SVD when A is square. For a non-square A its extra
    columns of U (or V) are not unique and have no derivative: adlib returns NumPy's values for a plain array, and
    raises an error when asked to differentiate them; ``full_matrices=False`` (the thin SVD) is differentiable.

    The derivatives of U and V (Townsend 2016, "Differentiating the singular value decomposition"; as JAX): with
    k = min(m, n), ``dP = Uᵀ dA V`` and ``F_ij = 1/(σ_j² − σ_i²)`` (0 on the diagonal),
    ``dU = U (F ∘ (dP Σ + Σ dPᵀ)) + (I − UUᵀ) dA V Σ⁻¹`` and ``dV = V (F ∘ (Σ dP + dPᵀ Σ)) + (I − VVᵀ) dAᵀ U Σ⁻¹``
    (the last terms vanish unless m > k for U, n > k for V). At a repeated singular value F is infinite: the
    singular vectors are not differentiable there (JAX returns nan; so does this rule)."""
    if hermitian:
        raise NotImplementedError("adlib.numpy.linalg.svd: hermitian=True is not supported; use eigh for a "
                                  "symmetric matrix, or hermitian=False")
    a = _input(a, "svd")
    m, n = a.shape[-2:]
    if not compute_uv:
        return svdvals(a)
    if full_matrices and m != n:
        if isinstance(a, Box):
            raise NotImplementedError(
                "adlib.numpy.linalg.svd: with full_matrices=True (NumPy's default) the extra columns of U or V of a "
                f"non-square matrix (here {m}×{n}) are not unique and have no derivative. Pass full_matrices=False "
                "(the thin SVD), which is differentiable.")
        return tuple(np.linalg.svd(a, full_matrices=True))
    return svd_u(a), svdvals(a), _T(svd_v(a))


def _svd_parts(w):
    """U, σ, V and F_ij = 1/(σ_j² − σ_i²) (0 on the diagonal), all differentiable."""
    u, s, v = svd_u(w), svdvals(w), svd_v(w)
    s2, eye = s * s, np.eye(s.shape[-1])
    with np.errstate(divide="ignore"):
        f = (1 - eye) / (s2[..., None, :] - s2[..., :, None] + eye)
    return u, s, v, f


def _svd_u_jvp(t, ans, w):
    u, s, v, f = _svd_parts(w)
    tv = matmul(t, v)
    dp = matmul(_T(u), tv)
    du = matmul(u, f * (dp * s[..., None, :] + s[..., :, None] * _T(dp)))
    if w.shape[-2] > s.shape[-1]:  # more rows than singular values: U's part outside its columns' span
        du = du + (tv - matmul(u, dp)) / s[..., None, :]
    return du


def _svd_v_jvp(t, ans, w):
    u, s, v, f = _svd_parts(w)
    tu = matmul(_T(t), u)
    dp = matmul(_T(u), matmul(t, v))
    dv = matmul(v, f * (s[..., :, None] * dp + _T(dp) * s[..., None, :]))
    if w.shape[-1] > s.shape[-1]:
        dv = dv + (tu - matmul(v, _T(dp))) / s[..., None, :]
    return dv


def _svd_u_vjp(g, ans, w):
    u, s, v, f = _svd_parts(w)
    utg = matmul(_T(u), g)
    j = f * utg
    inner = matmul(u, (j + _T(j)) * s[..., None, :])
    if w.shape[-2] > s.shape[-1]:
        inner = inner + (g - matmul(u, utg)) / s[..., None, :]
    return matmul(inner, _T(v))


def _svd_v_vjp(g, ans, w):
    u, s, v, f = _svd_parts(w)
    vtg = matmul(_T(v), g)
    k = f * vtg
    inner = matmul(s[..., :, None] * (k + _T(k)), _T(v))
    if w.shape[-1] > s.shape[-1]:
        inner = inner + _T(g - matmul(v, vtg)) / s[..., :, None]
    return matmul(u, inner)


svdvals.defjvp(lambda t, ans, w: sum(svd_u(w) * matmul(t, svd_v(w)), axis=-2)).defvjp(
    lambda g, ans, w: matmul(svd_u(w) * g[..., None, :], _T(svd_v(w))))
svd_u.defjvp(_svd_u_jvp).defvjp(_svd_u_vjp)
svd_v.defjvp(_svd_v_jvp).defvjp(_svd_v_vjp)


# --- norms --------------------------------------------------------------------------------------------------------
def norm(x, ord=None, axis=None, keepdims=False):
    """Vector norms (``ord`` None/2, 1, inf, -inf, 0 or any p) and matrix norms (``ord`` None/'fro', 'nuc', 1, -1,
    2, -2, inf, -inf, over the last two axes or the two of ``axis``), as ``numpy.linalg.norm``. The 2-norm and the
    nuclear norm of a matrix are its largest singular value and their sum (through ``svdvals``).

    The derivative of the 2-norm at ``x = 0`` is undefined; like JAX we return nan there.
    """
    if np.iscomplexobj(unbox(x)):
        raise TypeError("adlib.numpy.linalg.norm: complex arrays are not supported (adlib differentiates real "
                        "arrays only)")
    nd = np.ndim(x)
    if isinstance(axis, tuple) and len(axis) == 2 or axis is None and nd == 2:
        return _matrix_norm(x, ord, (0, 1) if axis is None else axis, keepdims)
    if axis is None and nd > 2 and ord is not None:
        raise ValueError(f"adlib.numpy.linalg.norm: ord={ord!r} needs a vector or a matrix, or axis=…, got "
                         f"{nd} dimensions (as numpy.linalg.norm)")
    if ord is None or ord == 2:
        return sqrt(sum(x * x, axis=axis, keepdims=keepdims))
    if isinstance(ord, str):
        raise ValueError(f"adlib.numpy.linalg.norm: ord={ord!r} is a matrix norm; a vector's norms are numbers")
    if ord == 1:
        return sum(absolute(x), axis=axis, keepdims=keepdims)
    if ord == np.inf:
        return max(absolute(x), axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return min(absolute(x), axis=axis, keepdims=keepdims)
    if ord == 0:  # the number of nonzero entries: piecewise constant
        return np.sum(unbox(x) != 0, axis=axis, keepdims=keepdims).astype(float)
    return sum(absolute(x) ** ord, axis=axis, keepdims=keepdims) ** (1.0 / ord)


def _matrix_norm(x, ord, axis, keepdims):
    row, col = (a % np.ndim(x) for a in axis)
    if row == col:
        raise ValueError(f"adlib.numpy.linalg.norm: the two axes of a matrix norm must differ, got axis={axis}")
    y = moveaxis(x, (row, col), (-2, -1))  # the matrices in the last two axes
    if ord is None or ord == "fro":
        out = sqrt(sum(y * y, axis=(-2, -1)))
    elif ord == "nuc":
        out = sum(svdvals(y), axis=-1)
    elif ord in (2, -2):
        out = svdvals(y)[..., 0 if ord == 2 else -1]
    elif ord in (1, -1, np.inf, -np.inf):
        sums = sum(absolute(y), axis=-2 if ord in (1, -1) else -1)  # column sums for 1, row sums for inf
        out = max(sums, axis=-1) if ord > 0 else min(sums, axis=-1)
    else:
        raise ValueError(f"adlib.numpy.linalg.norm: invalid norm order {ord!r} for matrices (None, 'fro', 'nuc', "
                         "1, -1, 2, -2, inf, -inf)")
    return expand_dims(out, tuple(sorted((row, col)))) if keepdims else out
