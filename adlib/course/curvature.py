"""Curvature without the Hessian: Hessian-vector products, trace and spectrum estimators that only need matvecs.

The lecture's identity (slide «Произведение Гессиана на вектор без вычисления самого Гессиана»)

    ∇²f(x)·v = ∇[x ↦ ∇f(x)ᵀv]

turns a Hessian-vector product (HVP) into derivatives of derivatives, which adlib nests freely. There are three
ways to nest the two modes; all give the same vector, at a small constant times the cost of one gradient:

* ``hvp_forward_over_reverse``  ``jvp(grad(f), (x,), (v,))``: push a tangent through the gradient (recommended);
* ``hvp_reverse_over_reverse``  ``grad(lambda x: vdot(grad(f)(x), v))``: the slide's code;
* ``hvp_reverse_over_forward``  ``grad(lambda x: jvp(f, (x,), (v,))[1])``: a gradient of a directional derivative.

Everything else here takes a *matvec* — any callable ``v ↦ A v`` on vectors of length ``n`` (an HVP, or an
explicit symmetric matrix via ``as_matvec``) — and a seeded ``numpy.random.Generator``:

* ``hutchinson`` — Hutchinson's trace estimator ``tr A ≈ (1/V) Σ vᵢᵀ A vᵢ`` (Rademacher, Gaussian or sphere probes),
  and ``hutchinson_variance``, the variance of one probe in closed form;
* ``hutchpp`` — Hutch++ (Meyer, Musco, Musco, Woodruff 2021): a sketch of the top eigenspace traced exactly plus
  Hutchinson on the rest, error O(1/m) after m matvecs instead of O(1/√m);
* ``power_iteration`` — the top eigenvalues by magnitude, with deflation;
* ``lanczos`` — the Lanczos tridiagonalisation with full reorthogonalisation, ``lanczos_eigenvalues``;
* ``slq`` and ``spectral_density`` — stochastic Lanczos quadrature for the spectral density, smoothed with a
  Gaussian kernel (Ghorbani, Krishnan, Xiao 2019, "An investigation into neural net optimization via Hessian
  eigenvalue density");
* ``conjugate_gradient`` and ``newton_cg`` — Hessian-free Newton: Newton steps solved by CG with HVPs only,
  and ``convergence_orders``, the order of convergence read off a sequence of errors;
* ``gauss_newton_operator`` — the Gauss–Newton part ``Jᵀ diag(c) J`` of a loss Hessian (one jvp and one vjp per
  product), positive semidefinite: what is left of ``∇²L`` once the residuals are zero.

Test problems: ``spectrum_matrix`` (symmetric matrices with flat, polynomially or exponentially decaying spectra)
and ``mlp_problem`` (a small tanh network on a seeded synthetic dataset, small enough for a dense Hessian; its
``residuals`` and ``gauss_newton_operator`` split the Hessian in two). ``plot_spectral_density``,
``plot_eigenvalue_densities`` and ``plot_trace_errors`` draw what the notebooks show; their text uses the
matplotlib defaults (``adlib.course.projector.use()`` makes them readable on a projector).
"""

from dataclasses import dataclass, field

import numpy as np

from .. import numpy as anp
from ..differential_operators import grad, jvp, value_and_grad, vjp
from .i18n import Labels, tr
from .measure import check_int, loglog_slope
from .mlp import two_spirals

__all__ = [
    "METHOD_NAMES",
    "plot_spectral_density",
    "plot_eigenvalue_densities",
    "plot_trace_errors",
    "hvp_forward_over_reverse",
    "hvp_reverse_over_reverse",
    "hvp_reverse_over_forward",
    "HVP_METHODS",
    "Matvec",
    "hvp_operator",
    "as_matvec",
    "probes",
    "PROBES",
    "hutchinson",
    "hutchinson_samples",
    "hutchinson_variance",
    "hutchpp",
    "trace_estimates",
    "trace_errors",
    "power_iteration",
    "lanczos",
    "lanczos_eigenvalues",
    "slq",
    "spectral_density",
    "conjugate_gradient",
    "newton_cg",
    "convergence_orders",
    "gauss_newton_operator",
    "spectrum_eigenvalues",
    "spectrum_matrix",
    "mlp_problem",
]

METHOD_NAMES = Labels({"hutchinson": ("Hutchinson", "Хатчинсон"), "hutch++": ("Hutch++", "Hutch++")})  # as shown

# ----------------------------------------------------------------------------------------------------------
# Hessian-vector products: the three nestings
# ----------------------------------------------------------------------------------------------------------


def hvp_forward_over_reverse(f, x, v):
    """``∇²f(x)·v`` as the directional derivative of the gradient: ``jvp(grad(f), (x,), (v,))``."""
    _check_hvp_args(f, x, v)
    return jvp(grad(f), (x,), (v,))[1]


def hvp_reverse_over_reverse(f, x, v):
    """``∇²f(x)·v`` as the gradient of ``x ↦ ∇f(x)ᵀv`` (the slide's code): two reverse sweeps nested."""
    _check_hvp_args(f, x, v)
    return grad(lambda y: anp.vdot(grad(f)(y), v))(x)


def hvp_reverse_over_forward(f, x, v):
    """``∇²f(x)·v`` as the gradient of the directional derivative ``x ↦ ∂f(x)·v`` (a jvp inside a grad)."""
    _check_hvp_args(f, x, v)
    return grad(lambda y: jvp(f, (y,), (v,))[1])(x)


HVP_METHODS = {
    "forward-over-reverse": hvp_forward_over_reverse,
    "reverse-over-reverse": hvp_reverse_over_reverse,
    "reverse-over-forward": hvp_reverse_over_forward,
}


def _check_hvp_args(f, x, v):
    if not callable(f):
        raise TypeError(f"hvp: f must be a callable, got {type(f).__name__}")
    if np.shape(x) != np.shape(v):
        raise ValueError(f"hvp: v has shape {np.shape(v)} but x has shape {np.shape(x)}; they must match")


@dataclass
class Matvec:
    """A symmetric linear map on vectors of length ``n``, given by ``v ↦ A v``; counts its calls.

    ``matmat`` (optional) applies it to the columns of an (n, k) block at once (an explicit matrix does that
    with one matmul); otherwise the columns are done one by one."""

    matvec: callable
    n: int
    matmat: callable = None
    calls: int = field(default=0)

    def __call__(self, v):
        self.calls += 1
        return self.matvec(v)


def as_matvec(A):
    """The matvec of an explicit symmetric matrix ``A`` (a ``Matvec`` that also multiplies blocks at once)."""
    A = np.asarray(A)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"as_matvec needs a square matrix, got shape {A.shape}")
    if not np.issubdtype(A.dtype, np.floating):
        A = A.astype(float)
    if not np.allclose(A, A.T, rtol=1e-10, atol=1e-12 * max(1.0, np.abs(A).max())):
        raise ValueError("as_matvec needs a symmetric matrix (Hessians are); symmetrise it with (A + A.T) / 2")
    op = Matvec(lambda v: A @ v, A.shape[0])

    def matmat(V):
        op.calls += V.shape[1]
        return A @ V

    op.matmat = matmat
    return op


def hvp_operator(f, x, method="forward-over-reverse"):
    """The Hessian of ``f`` at ``x`` as a ``Matvec`` on flat vectors of length ``x.size``, one HVP per call."""
    if method not in HVP_METHODS:
        raise ValueError(f"hvp_operator: unknown method {method!r}; choose one of {sorted(HVP_METHODS)}")
    if not callable(f):
        raise TypeError(f"hvp_operator: f must be a callable, got {type(f).__name__}")
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"hvp_operator needs a float point x, got dtype {x.dtype}")
    hvp_ = HVP_METHODS[method]
    shape = x.shape

    def matvec(v):
        return np.reshape(hvp_(f, x, np.reshape(np.asarray(v, dtype=x.dtype), shape)), -1)

    return Matvec(matvec, x.size)


def _operator(matvec, n):
    """Accept a ``Matvec``, an explicit matrix or a plain callable; return ``(callable, n)``."""
    if isinstance(matvec, np.ndarray):
        matvec = as_matvec(matvec)
    if not callable(matvec):
        raise TypeError(f"expected a matvec callable v ↦ A v (or a square array), got {type(matvec).__name__}")
    if n is None:
        n = getattr(matvec, "n", None)
        if n is None:
            raise ValueError("the size n of the vectors must be given for a plain matvec callable")
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    return matvec, int(n)


def _apply(matvec, V):
    """``A V`` column by column (or in one go if the matvec can multiply blocks)."""
    n, k = V.shape
    if k == 0:
        return np.zeros((n, 0))
    if getattr(matvec, "matmat", None) is not None:
        out = np.asarray(matvec.matmat(V), dtype=float)
    else:
        out = np.stack([np.asarray(matvec(V[:, j]), dtype=float) for j in range(k)], axis=1)
    if out.shape != (n, k):
        raise ValueError(f"the matvec returned vectors of shape {out.shape[:1]}, expected ({n},)")
    return out


def _check_rng(rng, fname):
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{fname} needs a numpy.random.Generator, e.g. rng=np.random.default_rng(0); got {rng!r}")


# ----------------------------------------------------------------------------------------------------------
# Hutchinson and Hutch++
# ----------------------------------------------------------------------------------------------------------

PROBES = ("rademacher", "gaussian", "sphere")


def probes(n, k, rng, kind="rademacher"):
    """``k`` random probe vectors as the columns of an (n, k) array, each with ``E[v vᵀ] = I``:
    Rademacher (±1), Gaussian (N(0, 1)) or uniform on the sphere of radius √n."""
    _check_rng(rng, "probes")
    if kind == "rademacher":
        return rng.choice([-1.0, 1.0], size=(n, k))
    if kind == "gaussian":
        return rng.standard_normal((n, k))
    if kind == "sphere":
        g = rng.standard_normal((n, k))
        return np.sqrt(n) * g / np.linalg.norm(g, axis=0)
    raise ValueError(f"unknown probe kind {kind!r}; choose one of {PROBES}")


def hutchinson_samples(matvec, n, num_probes, rng, probe="rademacher"):
    """The ``num_probes`` single-probe estimates ``vᵢᵀ A vᵢ`` (their mean is Hutchinson's estimate)."""
    matvec, n = _operator(matvec, n)
    num_probes = check_int("hutchinson", "num_probes", num_probes, minimum=1)
    V = probes(n, num_probes, rng, probe)
    return np.einsum("ij,ij->j", V, _apply(matvec, V))


def hutchinson(matvec, n, num_probes, rng, probe="rademacher"):
    """Hutchinson's estimate of ``tr A``: ``(1/V) Σᵢ vᵢᵀ A vᵢ`` over ``V = num_probes`` random probes."""
    return float(np.mean(hutchinson_samples(matvec, n, num_probes, rng, probe)))


def hutchinson_variance(A, probe="rademacher"):
    """The variance of one probe's estimate ``vᵀ A v`` for a symmetric matrix ``A``:

    * Rademacher: ``2 (‖A‖_F² − Σᵢ Aᵢᵢ²)`` (the diagonal is seen exactly);
    * Gaussian:   ``2 ‖A‖_F²``;
    * sphere (radius √n): ``2n/(n+2) · (‖A‖_F² − (tr A)²/n)`` (a multiple of the identity is seen exactly).
    """
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"hutchinson_variance needs a square matrix, got shape {A.shape}")
    A = (A + A.T) / 2  # vᵀ A v only sees the symmetric part
    n = A.shape[0]
    fro2 = float(np.sum(A * A))
    if probe == "rademacher":
        return 2 * (fro2 - float(np.sum(np.diag(A) ** 2)))
    if probe == "gaussian":
        return 2 * fro2
    if probe == "sphere":
        return 2 * n / (n + 2) * (fro2 - float(np.trace(A)) ** 2 / n)
    raise ValueError(f"unknown probe kind {probe!r}; choose one of {PROBES}")


def hutchpp(matvec, n, num_matvecs, rng, probe="rademacher"):
    """Hutch++'s estimate of ``tr A`` with ``num_matvecs`` matvecs (at least 3), split in thirds:

    1. ``Q`` = an orthonormal basis of ``A S`` for ``k = m/3`` random probes ``S``: it captures the top eigenspace;
    2. ``tr(Qᵀ A Q)``, exactly (k more matvecs);
    3. Hutchinson on the rest, ``(I − QQᵀ) A (I − QQᵀ)``, with the remaining probes.

    Big eigenvalues are traced exactly, so only the small ones are left to the noisy estimator."""
    matvec, n = _operator(matvec, n)
    m = check_int("hutchpp", "num_matvecs", num_matvecs, minimum=3)
    _check_rng(rng, "hutchpp")
    k = m // 3
    Q, _ = np.linalg.qr(_apply(matvec, probes(n, k, rng, probe)))
    top = float(np.trace(Q.T @ _apply(matvec, Q)))
    G = probes(n, m - 2 * k, rng, probe)
    G = G - Q @ (Q.T @ G)
    rest = float(np.mean(np.einsum("ij,ij->j", G, _apply(matvec, G))))
    return top + rest


def trace_estimates(A, method, budget, trials, rng, probe="rademacher"):
    """``trials`` independent trace estimates of the explicit matrix ``A`` with ``budget`` matvecs each
    (``method`` is ``"hutchinson"`` or ``"hutch++"``). What the notebooks' widget and error plots show."""
    if method not in ("hutchinson", "hutch++"):
        raise ValueError(f"unknown method {method!r}; choose 'hutchinson' or 'hutch++'")
    op = A if isinstance(A, Matvec) else as_matvec(A)
    budget = check_int("trace_estimates", "budget", budget, minimum=3 if method == "hutch++" else 1)
    trials = check_int("trace_estimates", "trials", trials, minimum=1)
    if method == "hutchinson":
        return np.array([hutchinson(op, op.n, budget, rng, probe) for _ in range(trials)])
    return np.array([hutchpp(op, op.n, budget, rng, probe) for _ in range(trials)])


def trace_errors(A, budgets, trials, rng, probe="rademacher"):
    """Root-mean-square relative error over ``trials`` of Hutchinson and Hutch++ at each budget (number of
    matvecs) on the explicit matrix ``A``: ``{"hutchinson": array, "hutch++": array}``. The trials are
    independent; Hutchinson's budgets within one trial share probes (the first m of the same sequence)."""
    A = np.asarray(A, dtype=float)
    exact = float(np.trace(A))
    budgets = [check_int("trace_errors", "budget", m, minimum=3) for m in budgets]
    trials = check_int("trace_errors", "trials", trials, minimum=1)
    op = as_matvec(A)
    # Hutchinson: one trial draws max(budgets) probes; its estimate at budget m is the mean of the first m
    samples = np.array([hutchinson_samples(op, None, max(budgets), rng, probe) for _ in range(trials)])
    running = np.cumsum(samples, axis=1) / np.arange(1, max(budgets) + 1)
    hutch = np.array([running[:, m - 1] for m in budgets])
    hpp = np.array([trace_estimates(op, "hutch++", m, trials, rng, probe) for m in budgets])
    return {name: np.sqrt(np.mean((est - exact) ** 2, axis=1)) / abs(exact)
            for name, est in (("hutchinson", hutch), ("hutch++", hpp))}


# ----------------------------------------------------------------------------------------------------------
# Eigenvalues: power iteration, Lanczos, stochastic Lanczos quadrature
# ----------------------------------------------------------------------------------------------------------


@dataclass
class PowerIterationResult:
    eigenvalues: np.ndarray  # (k,), by decreasing magnitude
    eigenvectors: np.ndarray  # (n, k), orthonormal columns
    matvecs: int  # how many matvecs were used
    converged: bool


def power_iteration(matvec, n, rng, k=1, num_iters=500, tol=1e-10):
    """The ``k`` eigenvalues of largest magnitude of a symmetric ``A`` by power iteration with deflation:
    ``v ← A v / ‖A v‖`` keeping ``v`` orthogonal to the eigenvectors already found; the Rayleigh quotient
    ``vᵀ A v`` is the eigenvalue. Stops when it changes by less than ``tol`` relatively."""
    matvec, n = _operator(matvec, n)
    _check_rng(rng, "power_iteration")
    k = check_int("power_iteration", "k", k, minimum=1)
    num_iters = check_int("power_iteration", "num_iters", num_iters, minimum=1)
    if k > n:
        raise ValueError(f"power_iteration: k = {k} eigenvalues asked of an {n}×{n} matrix")
    values, vectors, used, converged = [], np.zeros((n, 0)), 0, True
    for _ in range(k):
        v = rng.standard_normal(n)
        v -= vectors @ (vectors.T @ v)
        v /= np.linalg.norm(v)
        lam, done = 0.0, False
        for _ in range(num_iters):
            w = np.asarray(matvec(v), dtype=float)
            used += 1
            w -= vectors @ (vectors.T @ w)  # deflation: the found eigenvectors are out of the game
            new = float(v @ w)
            norm = np.linalg.norm(w)
            if norm == 0.0:  # v is in the null space of what is left
                lam, done = 0.0, True
                break
            v = w / norm
            if abs(new - lam) <= tol * abs(new):
                lam, done = new, True
                break
            lam = new
        converged &= done
        values.append(lam)
        vectors = np.column_stack([vectors, v])
    return PowerIterationResult(np.array(values), vectors, used, converged)


@dataclass
class LanczosResult:
    alpha: np.ndarray  # (m,) diagonal of T
    beta: np.ndarray  # (m-1,) off-diagonal of T
    Q: np.ndarray  # (n, m) orthonormal Lanczos vectors, A Q ≈ Q T

    @property
    def T(self):
        return np.diag(self.alpha) + np.diag(self.beta, 1) + np.diag(self.beta, -1)


def lanczos(matvec, n, num_steps, rng, v0=None):
    """``num_steps`` steps of Lanczos on a symmetric ``A`` from ``v0`` (random if not given): an orthonormal
    basis ``Q`` of the Krylov space and the tridiagonal ``T = Qᵀ A Q``. Every new vector is reorthogonalised
    against all previous ones (twice), so ``Q`` stays orthonormal in floating point. Stops early if the Krylov
    space is invariant (then ``len(alpha) < num_steps``)."""
    matvec, n = _operator(matvec, n)
    _check_rng(rng, "lanczos")
    m = check_int("lanczos", "num_steps", num_steps, minimum=1)
    if m > n:
        raise ValueError(f"lanczos: num_steps = {m} exceeds the dimension n = {n}")
    q = rng.standard_normal(n) if v0 is None else np.asarray(v0, dtype=float).copy()
    if q.shape != (n,) or not np.linalg.norm(q) > 0:
        raise ValueError(f"lanczos: v0 must be a nonzero vector of length {n}")
    Q = np.zeros((n, m))
    Q[:, 0] = q / np.linalg.norm(q)
    alpha, beta = [], []
    for j in range(m):
        w = np.asarray(matvec(Q[:, j]), dtype=float)
        if w.shape != (n,):
            raise ValueError(f"the matvec returned shape {w.shape}, expected ({n},)")
        alpha.append(float(Q[:, j] @ w))
        for _ in range(2):  # full reorthogonalisation, "twice is enough"
            w -= Q[:, : j + 1] @ (Q[:, : j + 1].T @ w)
        if j == m - 1:
            break
        b = float(np.linalg.norm(w))
        if b <= 1e-12 * max(1.0, max(abs(a) for a in alpha)):  # invariant subspace: the spectrum is found
            break
        beta.append(b)
        Q[:, j + 1] = w / b
    return LanczosResult(np.array(alpha), np.array(beta), Q[:, : len(alpha)])


def lanczos_eigenvalues(matvec, n, num_steps, rng):
    """The Ritz values (eigenvalues of ``T``) after ``num_steps`` Lanczos steps, ascending: the extreme ones
    converge first, so ``[0]`` and ``[-1]`` estimate ``λ_min`` and ``λ_max``."""
    return np.linalg.eigvalsh(lanczos(matvec, n, num_steps, rng).T)


def slq(matvec, n, rng, num_steps=90, num_probes=1):
    """Stochastic Lanczos quadrature: nodes and weights of a discrete measure approximating the spectral
    measure ``(1/n) Σᵢ δ(λ − λᵢ)``. For each probe ``v`` (Gaussian, normalised), Lanczos from ``v`` gives
    ``T = U diag(θ) Uᵀ``; the nodes are ``θ_j`` and the weights ``U[0, j]²`` (Gauss quadrature for
    ``vᵀ g(A) v``), averaged over probes. Returns ``(nodes, weights)``, weights summing to 1."""
    matvec, n = _operator(matvec, n)
    _check_rng(rng, "slq")
    num_probes = check_int("slq", "num_probes", num_probes, minimum=1)
    num_steps = min(check_int("slq", "num_steps", num_steps, minimum=1), n)
    nodes, weights = [], []
    for _ in range(num_probes):
        theta, U = np.linalg.eigh(lanczos(matvec, n, num_steps, rng).T)
        nodes.append(theta)
        weights.append(U[0] ** 2 / num_probes)
    return np.concatenate(nodes), np.concatenate(weights)


def spectral_density(nodes, weights, grid, sigma=None):
    """The SLQ measure smoothed with a Gaussian kernel of width ``sigma`` (default: 1% of the nodes' range),
    evaluated on ``grid``: ``φ(t) = Σ_j w_j N(t; θ_j, σ²)``; it integrates to 1."""
    nodes, weights, grid = (np.asarray(a, dtype=float) for a in (nodes, weights, grid))
    if nodes.shape != weights.shape or nodes.ndim != 1:
        raise ValueError("spectral_density: nodes and weights must be 1-D arrays of the same length")
    if sigma is None:
        sigma = 0.01 * max(np.ptp(nodes), 1e-12)
    if not sigma > 0:
        raise ValueError(f"spectral_density: sigma must be positive, got {sigma!r}")
    z = (grid[..., None] - nodes) / sigma
    return np.exp(-0.5 * z**2) @ weights / (sigma * np.sqrt(2 * np.pi))


def plot_spectral_density(ax, exact, nodes, weights, hvps=None, points=1500, lang=None):
    """Draw on the matplotlib Axes ``ax`` the Hessian eigenvalue density two ways, on a log scale: the dense
    eigenvalues ``exact`` (each weighted ``1/n``, smoothed) in grey and the SLQ measure ``(nodes, weights)`` (from
    ``hvps`` HVPs, for the legend) in blue, both with the same Gaussian kernel (0.5% of the spectrum's width) on a
    grid 5% wider than ``[λ_min, λ_max]``; marks λ = 0. Sets axis labels and legend (the title is the caller's; the
    texts in the notebook's language, or ``lang``) and returns the two lines (dense, SLQ)."""
    exact = np.sort(np.asarray(exact, dtype=float))
    if exact.ndim != 1 or exact.size < 2 or not exact[-1] > exact[0]:
        raise ValueError("plot_spectral_density: exact must be a 1-D array of at least two distinct eigenvalues")
    lo, hi = exact[0], exact[-1]
    grid = np.linspace(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo), points)
    sigma = 0.005 * (hi - lo)
    dense = spectral_density(exact, np.full(exact.size, 1 / exact.size), grid, sigma=sigma)
    slq_label = "SLQ" if hvps is None else tr(f"SLQ from {hvps} HVPs", f"SLQ по {hvps} HVP", lang)
    (dense_line,) = ax.semilogy(grid, dense + 1e-8, color="0.6", lw=3, label=tr(
        "dense Hessian (eigvalsh), smoothed", "плотный гессиан (eigvalsh), сглажено", lang))
    (slq_line,) = ax.semilogy(grid, spectral_density(nodes, weights, grid, sigma=sigma) + 1e-8, color="tab:blue",
                              lw=1.2, label=slq_label)
    _density_axes(ax, lang)
    return dense_line, slq_line


def _density_axes(ax, lang):
    ax.axvline(0, color="k", lw=0.6)
    ax.set_ylim(1e-4, None)
    ax.set_xlabel(tr("eigenvalue λ", "собственное значение λ", lang))
    ax.set_ylabel(tr("density (log scale)", "плотность (лог. шкала)", lang))
    ax.legend(loc="upper right")


def plot_eigenvalue_densities(ax, spectra, colors=None, points=1500, lang=None):
    """Draw on ``ax`` the smoothed eigenvalue densities of several symmetric matrices, one line each:
    ``spectra`` maps a label to the eigenvalues (each weighted ``1/n``). All lines share one grid (5% wider than the
    union of the spectra) and one Gaussian kernel (0.5% of its width), so they can be compared; log scale, λ = 0
    marked. Sets axis labels (in the notebook's language, or ``lang``) and legend (the title is the caller's);
    returns the lines."""
    if not isinstance(spectra, dict) or not spectra:
        raise ValueError("plot_eigenvalue_densities: spectra must be a non-empty dict label -> eigenvalues")
    arrays = {label: np.asarray(lam, dtype=float) for label, lam in spectra.items()}
    if any(a.ndim != 1 or a.size == 0 for a in arrays.values()):
        raise ValueError("plot_eigenvalue_densities: every spectrum must be a non-empty 1-D array")
    lo = min(a.min() for a in arrays.values())
    hi = max(a.max() for a in arrays.values())
    if not hi > lo:
        raise ValueError("plot_eigenvalue_densities: the spectra need at least two distinct eigenvalues")
    grid = np.linspace(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo), points)
    sigma = 0.005 * (hi - lo)
    colors = colors or [None] * len(arrays)
    widths = [3.0] + [1.5] * (len(arrays) - 1)
    lines = []
    for (label, lam), color, lw in zip(arrays.items(), colors, widths):
        density = spectral_density(lam, np.full(lam.size, 1 / lam.size), grid, sigma=sigma)
        lines += ax.semilogy(grid, density + 1e-8, color=color, lw=lw, label=label)
    _density_axes(ax, lang)
    return lines


def plot_trace_errors(ax, budgets, errors, lang=None):
    """Draw on the matplotlib Axes ``ax`` the relative trace errors ``errors`` (a dict ``"hutchinson"`` /
    ``"hutch++"`` -> array over ``budgets``, as ``trace_errors`` returns) against the matvecs, on log-log axes,
    each labelled with its fitted slope, plus the reference rates ``m^{-1/2}`` and ``m^{-1}`` from Hutchinson's
    first point. Sets the x label and legend (title and y label are the caller's; texts in the notebook's
    language, or ``lang``); returns the lines."""
    m = np.asarray(budgets, dtype=float)
    missing = {"hutchinson", "hutch++"} - set(errors)
    if missing:
        raise ValueError(f"plot_trace_errors: errors lacks {sorted(missing)}")
    lines = []
    for method, marker in [("hutchinson", "o-"), ("hutch++", "s-")]:
        if np.shape(errors[method]) != m.shape:
            raise ValueError(f"plot_trace_errors: errors[{method!r}] has shape {np.shape(errors[method])}, "
                             f"budgets {m.shape}")
        slope = loglog_slope(m, errors[method])
        name = METHOD_NAMES.in_language(lang)[method]
        lines += ax.loglog(m, errors[method], marker, label=f"{name} ({tr('slope', 'наклон', lang)} {slope:.2f})")
    ref = errors["hutchinson"][0]
    lines += ax.loglog(m, ref * (m / m[0]) ** -0.5, "k:", lw=1, label=r"$\propto m^{-1/2}$")
    lines += ax.loglog(m, ref * (m / m[0]) ** -1.0, "k--", lw=1, label=r"$\propto m^{-1}$")
    ax.set_xlabel(tr("matvecs m", "число умножений на матрицу m", lang))
    ax.legend()
    return lines


# ----------------------------------------------------------------------------------------------------------
# Hessian-free Newton
# ----------------------------------------------------------------------------------------------------------


@dataclass
class CGResult:
    x: np.ndarray
    iterations: int  # = matvecs
    residuals: list  # ‖b − A x‖ after each iteration (the first is ‖b‖)
    converged: bool


def conjugate_gradient(matvec, b, tol=1e-10, max_iter=None, x0=None):
    """Solve ``A x = b`` for symmetric positive definite ``A`` given only ``v ↦ A v``, to ``‖r‖ ≤ tol ‖b‖``.
    Raises ``ValueError`` if a direction of non-positive curvature ``pᵀ A p ≤ 0`` shows up."""
    b = np.asarray(b, dtype=float)
    if b.ndim != 1:
        raise ValueError(f"conjugate_gradient: b must be a vector, got shape {b.shape}")
    matvec, n = _operator(matvec, b.size)
    max_iter = 10 * n if max_iter is None else check_int("conjugate_gradient", "max_iter", max_iter, minimum=1)
    x = np.zeros(n) if x0 is None else np.asarray(x0, dtype=float).copy()
    r = b - (np.asarray(matvec(x), dtype=float) if x0 is not None else 0.0)
    p = r.copy()
    rr = float(r @ r)
    residuals = [np.sqrt(rr)]
    target = tol * np.linalg.norm(b)
    it = 0
    while residuals[-1] > target and it < max_iter:
        Ap = np.asarray(matvec(p), dtype=float)
        curvature = float(p @ Ap)
        if curvature <= 0:
            raise ValueError(f"conjugate_gradient: the matrix is not positive definite (pᵀAp = {curvature:.3g})")
        step = rr / curvature
        x += step * p
        r -= step * Ap
        rr_new = float(r @ r)
        p = r + (rr_new / rr) * p
        rr = rr_new
        residuals.append(np.sqrt(rr))
        it += 1
    return CGResult(x, it, residuals, residuals[-1] <= target)


@dataclass
class NewtonResult:
    x: np.ndarray
    losses: list  # f(x_k)
    grad_norms: list  # ‖∇f(x_k)‖
    hvps: list  # cumulative HVPs spent by CG up to iterate k
    converged: bool


def newton_cg(f, x0, tol=1e-10, max_iter=50):
    """Minimise a smooth convex ``f`` by Newton's method without the Hessian: each step solves
    ``∇²f(x) p = −∇f(x)`` by conjugate gradients with HVPs (forward-over-reverse) to a relative accuracy
    ``η = min(0.5, √‖∇f‖)``, then backtracks until the Armijo condition holds.

    This is *inexact* Newton: near the optimum the new gradient norm is about ``η‖∇f‖ + C‖∇f‖²``, so the forcing
    term ``η ∝ ‖∇f‖^{1/2}`` makes the convergence superlinear of order about 1.5 (``convergence_orders``), not
    quadratic (that would need ``η ∝ ‖∇f‖``, i.e. more CG steps, hence more HVPs, per Newton step)."""
    if not callable(f):
        raise TypeError(f"newton_cg: f must be a callable, got {type(f).__name__}")
    x = np.asarray(x0, dtype=float).copy()
    if x.ndim != 1:
        raise ValueError(f"newton_cg: x0 must be a vector, got shape {x.shape}")
    g_f = grad(f)
    losses, grad_norms, hvps = [float(f(x))], [], [0]
    for _ in range(max_iter):
        g = np.asarray(g_f(x), dtype=float)
        grad_norms.append(float(np.linalg.norm(g)))
        if grad_norms[-1] <= tol:
            return NewtonResult(x, losses, grad_norms, hvps, True)
        forcing = min(0.5, np.sqrt(grad_norms[-1]))
        cg = conjugate_gradient(hvp_operator(f, x), -g, tol=forcing)
        p, step = cg.x, 1.0
        while f(x + step * p) > losses[-1] + 1e-4 * step * float(g @ p) and step > 1e-10:
            step /= 2
        x = x + step * p
        losses.append(float(f(x)))
        hvps.append(hvps[-1] + cg.iterations)
    grad_norms.append(float(np.linalg.norm(g_f(x))))
    return NewtonResult(x, losses, grad_norms, hvps, grad_norms[-1] <= tol)


def convergence_orders(errors):
    """The order of convergence read off a sequence of errors (or gradient norms) ``e_0, e_1, …``: if
    ``e_{k+1} ≈ C e_k^p`` then ``p ≈ log(e_{k+1}/e_k) / log(e_k/e_{k−1})``, one estimate per consecutive triple
    (``len(errors) − 2`` of them): 1 for linear convergence (with a constant rate), 2 for quadratic."""
    e = np.asarray(errors, dtype=float)
    if e.ndim != 1 or e.size < 3 or np.any(e <= 0) or not np.all(np.isfinite(e)):
        raise ValueError("convergence_orders needs a 1-D sequence of at least 3 positive, finite errors")
    steps = np.diff(np.log(e))
    if np.any(steps == 0):
        raise ValueError("convergence_orders: two consecutive errors are equal (the sequence stalled)")
    return steps[1:] / steps[:-1]


# ----------------------------------------------------------------------------------------------------------
# The Gauss–Newton split of a loss Hessian
# ----------------------------------------------------------------------------------------------------------


def gauss_newton_operator(outputs, w, output_curvature):
    """The Gauss–Newton matrix ``G = Jᵀ diag(c) J`` as a ``Matvec``, for a loss ``L(w) = Σᵢ ℓᵢ(zᵢ(w))`` of
    the outputs ``z = outputs(w)`` (a vector), ``J = ∂z/∂w`` and ``c = (ℓᵢ''(zᵢ))``. Each product is one jvp
    (``J v``, forward mode) and one vjp (``Jᵀ u``, reverse mode, its tape recorded once here).

    It is half of the exact split ``∇²L = Jᵀ diag(ℓ'') J + Σᵢ ℓᵢ'(zᵢ) ∇²zᵢ``: the second half is weighted by the
    *residuals* ``ℓᵢ'`` and vanishes with them; ``G`` is positive semidefinite whenever ``c ≥ 0`` (a convex ℓ).
    ``output_curvature`` is the array ``c`` or a function of ``z`` returning it."""
    if not callable(outputs):
        raise TypeError(f"gauss_newton_operator: outputs must be a callable, got {type(outputs).__name__}")
    w = np.asarray(w, dtype=float)
    z, pullback = vjp(outputs, w)
    z = np.asarray(z, dtype=float)
    c = output_curvature(z) if callable(output_curvature) else output_curvature
    c = np.asarray(c, dtype=float)
    if c.shape != z.shape:
        raise ValueError(f"gauss_newton_operator: the curvature has shape {c.shape}, the outputs {z.shape}")
    shape = w.shape

    def matvec(v):
        Jv = jvp(outputs, (w,), (np.reshape(np.asarray(v, dtype=float), shape),))[1]
        return np.reshape(pullback(c * np.asarray(Jv))[0], -1)

    return Matvec(matvec, w.size)


# ----------------------------------------------------------------------------------------------------------
# Test problems
# ----------------------------------------------------------------------------------------------------------

SPECTRA = ("flat", "polynomial", "exponential")


def spectrum_eigenvalues(n, kind):
    """Eigenvalues of the test matrices: ``flat`` — evenly spread in [1, 2]; ``polynomial`` — ``λᵢ = 1/i``;
    ``exponential`` — ``λᵢ = exp(−i/20)`` (i = 1…n)."""
    n = check_int("spectrum_eigenvalues", "n", n, minimum=1)
    i = np.arange(1, n + 1, dtype=float)
    if kind == "flat":
        return np.linspace(2.0, 1.0, n)
    if kind == "polynomial":
        return 1.0 / i
    if kind == "exponential":
        return np.exp(-i / 20)
    raise ValueError(f"unknown spectrum {kind!r}; choose one of {SPECTRA}")


def spectrum_matrix(n, kind, rng):
    """A symmetric ``n×n`` matrix ``U diag(λ) Uᵀ`` with a random orthogonal ``U`` and the eigenvalues of
    ``spectrum_eigenvalues(n, kind)``: the spectrum is known, the matrix is dense."""
    _check_rng(rng, "spectrum_matrix")
    lam = spectrum_eigenvalues(n, kind)
    U, R = np.linalg.qr(rng.standard_normal((n, n)))
    U *= np.sign(np.diag(R))  # Haar-distributed
    A = (U * lam) @ U.T
    return (A + A.T) / 2


@dataclass
class MLPProblem:
    """A tanh MLP classifier on a seeded 2-D dataset; ``loss(w)`` is the mean logistic loss of the flat
    parameter vector ``w`` (so its Hessian is an ordinary ``w.size × w.size`` matrix)."""

    X: np.ndarray
    y: np.ndarray  # labels ±1
    sizes: tuple
    w0: np.ndarray

    def unflatten(self, w):
        layers, start = [], 0
        for d_in, d_out in zip(self.sizes[:-1], self.sizes[1:]):
            W = anp.reshape(w[start : start + d_in * d_out], (d_in, d_out))
            start += d_in * d_out
            layers.append((W, w[start : start + d_out]))
            start += d_out
        return layers

    def logits(self, w, X=None):
        v = self.X if X is None else X
        layers = self.unflatten(w)
        for W, b in layers[:-1]:
            v = anp.tanh(v @ W + b)
        W, b = layers[-1]
        return anp.reshape(v @ W + b, (-1,))

    def loss(self, w):
        margins = self.y * self.logits(w)
        return anp.mean(anp.logsumexp(anp.stack([anp.zeros_like(margins), -margins]), axis=0))  # log(1 + e^{−m})

    def accuracy(self, w):
        return float(np.mean(np.sign(self.logits(w)) == self.y))

    def residuals(self, w):
        """``∂ℓᵢ/∂zᵢ = σ(zᵢ) − tᵢ`` for the logit ``zᵢ`` and the target ``tᵢ = (1 + yᵢ)/2 ∈ {0, 1}``: the
        prediction minus the target, as in least squares; ``∇L = (1/N) Jᵀ r``."""
        z = np.asarray(self.logits(np.asarray(w, dtype=float)))
        return _sigmoid(z) - (1 + self.y) / 2

    def gauss_newton_operator(self, w):
        """The Gauss–Newton part ``(1/N) Jᵀ diag(σ(z)(1 − σ(z))) J`` of ``∇²loss(w)`` as a ``Matvec``
        (``gauss_newton_operator``); the rest of the Hessian is ``(1/N) Σᵢ rᵢ ∇²zᵢ``, ``r = residuals(w)``."""
        N = self.y.size
        return gauss_newton_operator(self.logits, w, lambda z: _sigmoid(z) * (1 - _sigmoid(z)) / N)

    def fit(self, w, steps=1500, lr=0.2, momentum=0.9):
        """Full-batch gradient descent with heavy-ball momentum from ``w``; returns the trained weights and the
        loss before each step."""
        steps = check_int("fit", "steps", steps, minimum=1)
        loss_and_grad = value_and_grad(self.loss)
        w, velocity, losses = np.array(w, dtype=float), np.zeros(np.size(w)), []
        for _ in range(steps):
            loss, g = loss_and_grad(w)
            losses.append(float(loss))
            velocity = momentum * velocity + g
            w = w - lr * velocity
        return w, np.array(losses)


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))  # no overflow for large |z|


def mlp_problem(seed=0, num_samples=128, hidden=(12, 12), init_scale=1.0):
    """A small tanh MLP (2 → hidden → 1) on the course's two spirals (``mlp.two_spirals``, 1.5 turns, radii from
    0.25, labels ±1) of an even ``num_samples`` points; the weights at initialisation are Gaussian with variance
    ``init_scale / fan_in`` (LeCun). ``seed`` fixes the data and the weights."""
    num_samples = check_int("mlp_problem", "num_samples", num_samples, minimum=2)
    if num_samples % 2:
        raise ValueError(f"mlp_problem: num_samples must be even (two balanced classes), got {num_samples}")
    rng = np.random.default_rng(seed)
    X, labels = two_spirals(num_samples // 2, turns=1.5, noise=0.05, r_min=0.25, rng=rng)
    y = 1.0 - 2.0 * labels  # class 0 → +1, class 1 → −1
    sizes = (2, *hidden, 1)
    w0 = []
    for d_in, d_out in zip(sizes[:-1], sizes[1:]):
        w0.append(rng.standard_normal(d_in * d_out) * np.sqrt(init_scale / d_in))
        w0.append(np.zeros(d_out))
    return MLPProblem(X, y, sizes, np.concatenate(w0))
