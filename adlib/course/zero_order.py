"""Gradients without derivatives: finite differences, random-direction (zero-order) estimators, and gradient
descent that counts what it pays in evaluations of ``L``.

The lecture asks whether ``∇L(w)`` in ``w_{k+1} = w_k − α ∇L(w_k)`` can be replaced by something built from values
of ``L`` only. Yes, at a price:

``central_difference``  ``G = Σ_i (L(w + ε e_i) − L(w − ε e_i)) / (2ε) · e_i``        2d evaluations, error O(ε²)
``forward_difference``  ``G = Σ_i (L(w + ε e_i) − L(w)) / ε · e_i``                   d + 1 evaluations, error O(ε)
``two_point``           ``G = d (L(w + ε v) − L(w − ε v)) / (2ε) · v``, v uniform on the unit sphere, 2 evaluations
``gaussian_smoothing``  ``G = (L(w + ε u) − L(w − ε u)) / (2ε) · u``, u ~ N(0, I), 2 evaluations

The two random estimators are unbiased for the gradient of a smoothed ``L`` (exactly unbiased for a quadratic),
but their variance grows with the dimension: ``E‖G‖² ≈ d ‖∇L‖²``. That factor d is the price, and it is what
``gradient_descent`` measures: it runs any estimator, counts every evaluation of ``L`` it makes, and charges a
reverse-mode gradient (``estimator="gradient"``) a small constant number ``grad_cost`` of evaluations
(the cheap-gradient principle: reverse mode costs a few times one evaluation, whatever d).

Every random draw comes from a ``numpy.random.Generator`` you pass in, so each run is reproducible.
"""

import numbers
from dataclasses import dataclass, field

import numpy as np

from .i18n import Labels, tr
from .measure import loglog_slope

__all__ = [
    "CountedFunction",
    "NonFiniteValueError",
    "Run",
    "ESTIMATORS",
    "GRAD_COST",
    "central_difference",
    "forward_difference",
    "gaussian_smoothing",
    "gradient_descent",
    "random_unit_vector",
    "two_point",
    "two_point_bias",
    "sphere_sine_factor",
    "Problem",
    "strongly_convex_quadratic",
    "convex_logcosh",
    "convex_flat",
    "nonconvex_log",
    "CRITERIA",
    "standard_step",
    "iterations_to_accuracy",
    "rate_table",
    "RATE_COLUMNS",
    "RATE_COLUMN_LABELS",
    "ESTIMATOR_LABELS",
    "plot_rate_table",
    "difference_errors",
    "plot_difference_errors",
    "compare_estimators",
    "evaluations_per_step",
]

GRAD_COST = 4.0
"""Evaluations of L charged for one reverse-mode gradient: the classical bound (Griewank & Walther, *Evaluating
Derivatives*, §4.6) says one gradient costs at most about 4–5 times one evaluation; notebooks measure adlib's
own ratio by timing."""


class NonFiniteValueError(ValueError):
    """``L`` returned ``nan`` or ``±inf`` (raised by the estimators; ``gradient_descent`` stops on it)."""


class CountedFunction:
    """``L`` with a counter: every call adds one to ``evaluations``.

    ``charge(k)`` adds costs that are not paid by calls, such as the backward sweep of a reverse-mode gradient.
    """

    def __init__(self, L):
        if not callable(L):
            raise TypeError(f"L must be callable, got {type(L).__name__}")
        self.L = L
        self.evaluations = 0.0
        self.__name__ = getattr(L, "__name__", "L")

    def __call__(self, w):
        self.evaluations += 1
        return self.L(w)

    def charge(self, k):
        self.evaluations += k


# ----------------------------------------------------------------------------------------------------------
# Checking the input
# ----------------------------------------------------------------------------------------------------------


def _point(w, name="w"):
    """``w`` as a float ndarray (a copy), or a clear error."""
    if isinstance(w, bool) or not isinstance(w, numbers.Real | np.ndarray | list | tuple):
        raise TypeError(f"{name} must be a real array or number, got {type(w).__name__}")
    w = np.array(w)
    if w.dtype.kind in "biu":
        w = w.astype(np.float64)
    if w.dtype.kind != "f":
        raise TypeError(f"{name} must hold real floating-point numbers, got dtype {w.dtype}")
    if w.size == 0:
        raise ValueError(f"{name} is empty: there is nothing to differentiate")
    if not np.all(np.isfinite(w)):
        raise ValueError(f"{name} holds non-finite values (nan or inf): {w}")
    return w


def _eps(eps, default):
    if eps is None:
        return default
    if isinstance(eps, bool) or not isinstance(eps, numbers.Real):
        raise TypeError(f"eps must be a positive real number, got {type(eps).__name__}")
    if not (np.isfinite(eps) and eps > 0):
        raise ValueError(f"eps must be a finite number > 0, got {eps}")
    return float(eps)


def _rng(rng):
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"rng must be a numpy.random.Generator (e.g. np.random.default_rng(0)) or an integer seed, got "
        f"{type(rng).__name__}: random estimators are seeded so that every run can be repeated"
    )


def _value(L, w):
    """``L(w)`` as a float, or a clear error if it is not a finite scalar."""
    out = L(w)
    if np.ndim(out) != 0:
        raise ValueError(f"L must return a scalar, got an array of shape {np.shape(out)}")
    out = float(out)
    if not np.isfinite(out):
        raise NonFiniteValueError(f"L returned {out} (not finite) at a point with max |w| = {np.max(np.abs(w)):.3g}")
    return out


def _step_along(w, k, h):
    """``w + h e_k`` for the flat index k, in w's dtype."""
    x = w.copy()
    x.flat[k] += h
    return x


# ----------------------------------------------------------------------------------------------------------
# Finite differences: d or 2d evaluations
# ----------------------------------------------------------------------------------------------------------


def forward_difference(L, w, eps=None):
    """``∂L/∂w_k ≈ (L(w + ε e_k) − L(w)) / ε`` for every k: d + 1 evaluations, truncation error O(ε).

    Default ``ε = √(machine epsilon of w's dtype)``, the step that balances truncation (∝ ε) and round-off
    (∝ eps/ε).
    """
    w = _point(w)
    eps = _eps(eps, np.sqrt(np.finfo(w.dtype).eps))
    L0 = _value(L, w)
    g = np.empty_like(w)
    for k in range(w.size):
        g.flat[k] = (_value(L, _step_along(w, k, eps)) - L0) / eps
    return g


def central_difference(L, w, eps=None):
    """``∂L/∂w_k ≈ (L(w + ε e_k) − L(w − ε e_k)) / (2ε)`` for every k: 2d evaluations, truncation error O(ε²).

    Default ``ε = (machine epsilon of w's dtype)^{1/3}``, which balances truncation (∝ ε²) and round-off (∝ eps/ε).
    """
    w = _point(w)
    eps = _eps(eps, np.cbrt(np.finfo(w.dtype).eps))
    g = np.empty_like(w)
    for k in range(w.size):
        g.flat[k] = (_value(L, _step_along(w, k, eps)) - _value(L, _step_along(w, k, -eps))) / (2 * eps)
    return g


# ----------------------------------------------------------------------------------------------------------
# Random directions: 2 evaluations, whatever d
# ----------------------------------------------------------------------------------------------------------


def random_unit_vector(shape, rng):
    """A direction uniform on the unit sphere of ``R^{prod(shape)}``: a normalised standard Gaussian vector."""
    rng = _rng(rng)
    v = rng.standard_normal(shape)
    return v / np.linalg.norm(v)


def two_point(L, w, eps=1e-6, rng=None):
    """The lecture's two-point estimator ``G = d (L(w + ε v) − L(w − ε v)) / (2ε) · v``, v uniform on the sphere.

    ``E[G] = ∇L(w) + O(ε²)`` (exact for quadratics), ``E‖G‖² ≈ d ‖∇L(w)‖²``: two evaluations, d times the noise.
    """
    w = _point(w)
    eps = _eps(eps, 1e-6)
    v = random_unit_vector(w.shape, rng)
    return w.size * (_value(L, w + eps * v) - _value(L, w - eps * v)) / (2 * eps) * v


def gaussian_smoothing(L, w, eps=1e-6, rng=None):
    """Gaussian smoothing (Nesterov & Spokoiny 2017): ``G = (L(w + ε u) − L(w − ε u)) / (2ε) · u``, u ~ N(0, I).

    ``E[G]`` is the gradient of ``L_ε(w) = E L(w + ε u)``, which equals ``∇L(w)`` for quadratics; ``E‖G‖² ≈ (d + 2)
    ‖∇L(w)‖²``. No factor d in front: ``E[u uᵀ] = I`` already (``‖u‖² ≈ d``).
    """
    w = _point(w)
    eps = _eps(eps, 1e-6)
    u = _rng(rng).standard_normal(w.shape)
    return (_value(L, w + eps * u) - _value(L, w - eps * u)) / (2 * eps) * u


def two_point_bias(L, w, eps, samples=1000, rng=None):
    """Monte Carlo estimate of the bias ``E[G_ε] − ∇L(w)`` of ``two_point`` for every ε in ``eps``:
    an array of shape ``(len(eps),) + w.shape``.

    Common random numbers: the same ``samples`` directions v serve every ε, and each ``G_ε(v)`` is compared with
    its own limit ε → 0, ``d ⟨∇L(w), v⟩ v`` (∇L from ``adlib.grad``), whose mean is exactly ``∇L(w)``; so the
    noise of the directions largely cancels and what is left is the bias (plus a sampling error that shrinks like
    ``1/√samples``, in proportion to the bias)."""
    from .. import grad

    w = _point(w)
    eps = np.atleast_1d(np.asarray(eps, dtype=float))
    if eps.ndim != 1 or eps.size == 0 or not np.all(np.isfinite(eps) & (eps > 0)):
        raise ValueError(f"eps must be one or more finite numbers > 0, got {eps}")
    if isinstance(samples, bool) or not isinstance(samples, numbers.Integral) or samples < 1:
        raise ValueError(f"samples must be a positive integer, got {samples!r}")
    rng = _rng(rng)
    g = np.asarray(grad(L)(w), dtype=float)
    d = w.size
    total = np.zeros((eps.size,) + w.shape)
    for _ in range(samples):
        v = random_unit_vector(w.shape, rng)
        limit = d * np.sum(g * v) * v
        for j, e in enumerate(eps):
            total[j] += d * (_value(L, w + e * v) - _value(L, w - e * v)) / (2 * e) * v - limit
    return total / samples


def sphere_sine_factor(eps, d):
    """``s(ε) = (d/ε) E[v₁ sin(ε v₁)]`` for v uniform on the unit sphere of R^d: for ``L(w) = Σ_i a_i sin(w_i)``
    the two-point estimator has, exactly, ``E[G_ε] = s(ε) ∇L(w)`` (coordinate by coordinate,
    ``(sin(w_i + εv_i) − sin(w_i − εv_i))/2 = cos(w_i) sin(εv_i)`` and the cross terms average to zero), so its
    bias is ``(s(ε) − 1) ∇L(w)`` at every ε, not only small ones.

    From the moments ``E v₁^{2m} = (2m−1)!! / (d (d+2) ⋯ (d+2m−2))``: ``s(ε) = Σ_k (−1)^k a_k`` with ``a_0 = 1``,
    ``a_k = a_{k−1} ε² / (2k (d + 2k))``, so ``s(ε) = 1 − ε²/(2(d + 2)) + O(ε⁴)`` (``d = 1``: ``sin ε / ε``).
    The alternating series loses digits for large ε: ε ≤ 20 is accepted."""
    if isinstance(d, bool) or not isinstance(d, numbers.Integral) or d < 1:
        raise ValueError(f"the dimension d must be a positive integer, got {d!r}")
    eps = np.asarray(eps, dtype=float)
    if not np.all(np.isfinite(eps) & (eps > 0) & (eps <= 20)):
        raise ValueError(f"eps must be in (0, 20] (the series loses accuracy beyond), got {eps}")
    total, term, k = np.ones_like(eps), np.ones_like(eps), 0
    while True:
        k += 1
        term = term * eps**2 / (2 * k * (d + 2 * k))
        total = total + (-1) ** k * term
        if np.all(term < 1e-17 * np.abs(total)) and k > 2 * float(np.max(eps)):
            return total


def _gradient_estimator(grad_cost):
    def gradient(L, w, eps, rng):
        from .. import grad  # reverse mode; imported here so that adlib.course.zero_order loads without the engine

        g = np.asarray(grad(L)(w), dtype=w.dtype)  # L is a CountedFunction: this counts one evaluation …
        L.charge(grad_cost - 1)  # … and the backward sweep pays the rest
        return g

    return gradient


ESTIMATORS = {
    "gradient": None,  # adlib.grad, charged grad_cost evaluations
    "central": lambda L, w, eps, rng: central_difference(L, w, eps),
    "forward": lambda L, w, eps, rng: forward_difference(L, w, eps),
    "two_point": lambda L, w, eps, rng: two_point(L, w, eps if eps is not None else 1e-6, rng),
    "gaussian": lambda L, w, eps, rng: gaussian_smoothing(L, w, eps if eps is not None else 1e-6, rng),
}
"""The estimators ``gradient_descent`` knows by name; any callable ``(L, w, eps, rng) -> G`` works too."""


# ----------------------------------------------------------------------------------------------------------
# Gradient descent with any estimator, counting evaluations
# ----------------------------------------------------------------------------------------------------------


@dataclass
class Run:
    """What ``gradient_descent`` did.

    ``losses[j]`` is ``L`` at iteration ``iterations_recorded[j]``, after ``evaluations[j]`` evaluations of L (or
    their equivalent). The losses are recorded for you, *not* paid by the method: they are not counted.
    """

    w: np.ndarray
    iterations: int
    total_evaluations: float
    losses: np.ndarray
    evaluations: np.ndarray
    iterations_recorded: np.ndarray
    w_mean: np.ndarray  # the average of the iterates w_1 … w_K (the output of subgradient-type methods)
    converged: bool = False  # reached the target
    diverged: bool = False  # L became non-finite: the step is too large
    path: list = field(default_factory=list)  # the recorded iterates, if keep_path


def gradient_descent(
    L,
    w0,
    estimator="two_point",
    step=1e-2,
    n_iter=1000,
    rng=None,
    eps=None,
    target=None,
    f_star=0.0,
    record_every=1,
    keep_path=False,
    grad_cost=GRAD_COST,
    stop=None,
):
    """``w_{k+1} = w_k − α_k G(w_k)`` for ``n_iter`` iterations, with ``G`` given by ``estimator``.

    estimator
        ``"gradient"`` (adlib's reverse mode, charged ``grad_cost`` evaluations), ``"central"`` (2d), ``"forward"``
        (d + 1), ``"two_point"`` (2), ``"gaussian"`` (2), or a callable ``(L, w, eps, rng) -> G``: it receives ``L``
        as a :class:`CountedFunction`, so all its calls are counted.
    step
        ``α > 0``, or a callable ``k -> α_k``.
    rng
        a ``numpy.random.Generator`` or an integer seed (required by the random estimators).
    target
        stop as soon as ``L(w_k) − f_star ≤ target`` (checked every iteration, not counted).
    record_every
        record ``L`` (not counted) every so many iterations, and always at the start and at the end.
    stop
        a callable ``w -> bool`` (e.g. ``‖∇L(w)‖² ≤ tol``), checked at the start and after every iteration, not
        counted: the run stops, ``converged``, as soon as it is true (or ``target`` is reached).
    """
    if isinstance(estimator, str):
        if estimator not in ESTIMATORS:
            raise ValueError(f"unknown estimator {estimator!r}; known: {', '.join(ESTIMATORS)} (or pass a callable)")
        if estimator == "gradient":
            if not (isinstance(grad_cost, numbers.Real) and grad_cost >= 1):
                raise ValueError(f"grad_cost must be a number >= 1 (evaluations per gradient), got {grad_cost!r}")
            estimate = _gradient_estimator(float(grad_cost))
        else:
            estimate = ESTIMATORS[estimator]
        random = estimator in ("two_point", "gaussian")
    elif callable(estimator):
        estimate, random = estimator, True
    else:
        raise TypeError(f"estimator must be a name or a callable (L, w, eps, rng) -> G, got {type(estimator).__name__}")
    if not callable(L):
        raise TypeError(f"L must be callable, got {type(L).__name__}")
    w = _point(w0, "w0")
    if eps is not None:
        eps = _eps(eps, None)
    if random or rng is not None:
        rng = _rng(rng)
    if callable(step):
        step_at = step
    else:
        if isinstance(step, bool) or not isinstance(step, numbers.Real) or not (np.isfinite(step) and step > 0):
            raise ValueError(f"step must be a finite number > 0 or a callable k -> step, got {step!r}")
        step_at = lambda k: step  # noqa: E731
    for name, value in (("n_iter", n_iter), ("record_every", record_every)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if target is not None and not (isinstance(target, numbers.Real) and target >= 0):
        raise ValueError(f"target must be a number >= 0, got {target!r}")
    if stop is not None and not callable(stop):
        raise TypeError(f"stop must be a callable w -> bool, got {type(stop).__name__}")

    def reached(w, loss):
        return (target is not None and loss - f_star <= target) or (stop is not None and bool(stop(w)))

    counted = CountedFunction(L)
    loss = _value(L, w)
    losses, evaluations, recorded = [loss], [0.0], [0]
    path = [w.copy()] if keep_path else []
    w_sum = np.zeros_like(w)
    converged = reached(w, loss)
    diverged = False
    k = 0
    while k < n_iter and not converged:
        try:
            with np.errstate(over="ignore", invalid="ignore"):  # a divergent run is reported, not warned about
                G = np.asarray(estimate(counted, w, eps, rng))
        except NonFiniteValueError:
            diverged = True
            break
        if G.shape != w.shape:
            raise ValueError(f"the estimator returned shape {G.shape}, expected {w.shape} (the shape of w)")
        with np.errstate(over="ignore", invalid="ignore"):
            w = w - step_at(k) * G
            k += 1
            w_sum += w
            loss = float(L(w)) if target is not None or k % record_every == 0 or k == n_iter else None
        if stop is not None and loss is None:  # the stop rule alone: L is needed only once it holds
            if not np.all(np.isfinite(w)):
                diverged = True
                break
            if stop(w):
                with np.errstate(over="ignore", invalid="ignore"):
                    loss = float(L(w))
        if loss is not None:
            if not np.isfinite(loss):
                diverged = True
                break
            converged = reached(w, loss)
            if k % record_every == 0 or k == n_iter or converged:
                losses.append(loss)
                evaluations.append(counted.evaluations)
                recorded.append(k)
                if keep_path:
                    path.append(w.copy())
    return Run(
        w=w,
        iterations=k,
        total_evaluations=counted.evaluations,
        losses=np.array(losses),
        evaluations=np.array(evaluations),
        iterations_recorded=np.array(recorded),
        w_mean=w_sum / max(k, 1),
        converged=bool(converged),
        diverged=diverged,
        path=path,
    )


# ----------------------------------------------------------------------------------------------------------
# The rate table of the lecture, as an experiment
# ----------------------------------------------------------------------------------------------------------


@dataclass
class Problem:
    """A test problem in dimension ``n``: ``L`` (written with adlib.numpy), the start ``w0``, the minimum value
    ``f_star``, the smoothness constant ``smoothness`` (the L of "L-smooth") and a ``name``; optionally a minimiser
    ``x_star`` and the gradient in closed form ``gradient`` (plain NumPy: to *measure* ‖∇L‖, never used by a
    method)."""

    L: object
    w0: np.ndarray
    f_star: float
    smoothness: float
    name: str
    x_star: np.ndarray | None = None
    gradient: object = None


def strongly_convex_quadratic(n, mu=0.1, smoothness=1.0):
    """``½ Σ λ_i w_i²`` with λ spread evenly over [μ, L]: the same condition number L/μ in every dimension, and
    ``‖w0‖ = 1``."""
    from .. import numpy as anp

    _dimension(n)
    lam = np.linspace(mu, smoothness, n) if n > 1 else np.array([mu])
    return Problem(lambda w: 0.5 * anp.sum(lam * w * w), np.ones(n) / np.sqrt(n), 0.0, smoothness,
                   tr(f"strongly convex quadratic, μ/L = {mu / smoothness:g}",
                      f"сильно выпуклая квадратичная функция, μ/L = {mu / smoothness:g}"),
                   np.zeros(n), lambda w: lam * w)  # fmt: skip


def convex_logcosh(n):
    """``Σ λ_i log cosh w_i`` with ``λ_i = i/n``: convex and 1-smooth but not strongly convex (curvature → 0 far
    from 0, and the smallest λ is 1/n), started at ``w0 = 2·(1, …, 1)``."""
    from .. import numpy as anp

    _dimension(n)
    lam = np.arange(1, n + 1) / n
    return Problem(lambda w: anp.sum(lam * anp.log(anp.cosh(w))), 2.0 * np.ones(n), 0.0, 1.0,
                   tr("convex (weighted log-cosh)", "выпуклая (взвешенный log-cosh)"), np.zeros(n),
                   lambda w: lam * np.tanh(w))  # fmt: skip


def convex_flat(n, w0=2.0):
    """``Σ λ_i φ(w_i)``, ``φ(t) = t⁴ / (1 + t²)``, λ spread evenly over [0.1, 1]: smooth (``0 ≤ φ'' ≤ 5/2``, so
    L = 5/2) and convex, but **not** strongly convex — ``φ ≈ t⁴`` at the minimum 0, where the curvature vanishes —
    so GD converges sublinearly, at a rate that does not depend on n at any accuracy (unlike ``convex_logcosh``,
    whose curvature at the minimum is λ_min = 1/n). Started at ``w0·(1, …, 1)``."""
    from .. import numpy as anp

    _dimension(n)
    lam = np.linspace(0.1, 1.0, n) if n > 1 else np.array([1.0])
    return Problem(lambda w: anp.sum(lam * w**4 / (1 + w * w)), w0 * np.ones(n), 0.0, 2.5,
                   tr("convex, not strongly convex: Σ λ_i w_i⁴/(1 + w_i²)",
                      "выпуклая, но не сильно выпуклая: Σ λ_i w_i⁴/(1 + w_i²)"), np.zeros(n),
                   lambda w: lam * (2 * w - 2 * w / (1 + w * w) ** 2))  # fmt: skip


def nonconvex_log(n, w0=2.0):
    """``Σ λ_i log(1 + w_i²)``, λ spread evenly over [0.1, 1]: smooth (``−1/4 ≤ φ'' ≤ 2``, so L = 2) and
    **non-convex** (concave in every coordinate where ``|w_i| > 1``), started at ``w0·(1, …, 1)``; the default
    ``w0 = 2`` lies in the concave part of every coordinate (``φ''(2) = −6/25``). Its only stationary point is the
    minimum 0."""
    from .. import numpy as anp

    _dimension(n)
    lam = np.linspace(0.1, 1.0, n) if n > 1 else np.array([1.0])
    return Problem(lambda w: anp.sum(lam * anp.log(1 + w * w)), w0 * np.ones(n), 0.0, 2.0,
                   tr("non-convex: Σ λ_i log(1 + w_i²)", "невыпуклая: Σ λ_i log(1 + w_i²)"), np.zeros(n),
                   lambda w: lam * 2 * w / (1 + w * w))  # fmt: skip


def _dimension(n):
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"the dimension n must be a positive integer, got {n!r}")


def standard_step(estimator, n, smoothness):
    """The step sizes of the course: ``1/L`` with the exact gradient or finite differences, ``1/(nL)`` for the
    two-point estimator (``E‖G‖² = n ‖∇L‖²``), ``1/((n + 4)L)`` for Gaussian smoothing: 4 × the step
    ``1/(4(n + 4)L)`` of Nesterov & Spokoiny's theorems for smooth functions, a scaled choice."""
    if estimator in ("gradient", "central", "forward"):
        return 1.0 / smoothness
    if estimator == "two_point":
        return 1.0 / (n * smoothness)
    if estimator == "gaussian":
        return 1.0 / ((n + 4) * smoothness)
    raise ValueError(f"no standard step for estimator {estimator!r}")


CRITERIA = {
    "loss": r"$f(x_k) - f^* \leq \delta\,(f(x_0) - f^*)$",
    "distance": r"$\|x_k - x^*\|^2 \leq \delta\,\|x_0 - x^*\|^2$",
    "gradient": r"$\|\nabla f(x_k)\|^2 \leq \delta\,\|\nabla f(x_0)\|^2$",
}
"""The accuracy criteria of ``iterations_to_accuracy`` (as TeX, for Markdown and matplotlib): the quantities of the
three columns of the lecture's rate table (smooth: the gradient norm; convex: the loss; strongly convex: the
distance to the minimiser), δ = ``accuracy``."""


def _stop_rule(problem, criterion, accuracy):
    """``(target, stop)`` for ``gradient_descent``: the run stops when ``criterion`` (of ``CRITERIA``) holds."""
    if criterion == "loss":
        return accuracy * (float(problem.L(problem.w0)) - problem.f_star), None
    if criterion == "distance":
        if problem.x_star is None:
            raise ValueError(f"criterion 'distance' needs the minimiser x_star of {problem.name}")
        x_star = np.asarray(problem.x_star, float)
        tol = accuracy * float(np.sum((problem.w0 - x_star) ** 2))
        return None, lambda w: float(np.sum((w - x_star) ** 2)) <= tol
    if criterion == "gradient":
        if problem.gradient is not None:
            gradient = problem.gradient
        else:
            from .. import grad

            gradient = grad(problem.L)
        tol = accuracy * float(np.sum(np.asarray(gradient(problem.w0)) ** 2))
        return None, lambda w: float(np.sum(np.asarray(gradient(w)) ** 2)) <= tol
    raise ValueError(f"unknown criterion {criterion!r}; known: {', '.join(CRITERIA)}")


def iterations_to_accuracy(make_problem, n, estimator, accuracy=1e-6, seeds=(0,), max_iter=10**6, grad_cost=GRAD_COST,
                           criterion="loss"):  # fmt: skip
    """Run ``gradient_descent`` with ``standard_step`` on ``make_problem(n)`` until the ``criterion`` of
    ``CRITERIA`` holds with δ = ``accuracy`` (default ``"loss"``: ``L − f* ≤ accuracy·(L(w0) − f*)``).
    Returns ``(mean iterations, mean evaluations)`` over the seeds (a run that fails to converge raises)."""
    problem = make_problem(n)
    target, stop = _stop_rule(problem, criterion, accuracy)
    iterations, evaluations = [], []
    for seed in seeds:
        run = gradient_descent(problem.L, problem.w0, estimator, step=standard_step(estimator, n, problem.smoothness),
                               n_iter=max_iter, rng=seed, target=target, f_star=problem.f_star, record_every=max_iter,
                               grad_cost=grad_cost, stop=stop)  # fmt: skip
        if not run.converged:
            raise RuntimeError(f"{estimator} did not reach {CRITERIA[criterion]} with δ = {accuracy:g} on "
                               f"{problem.name}, n = {n}, in {max_iter} iterations")  # fmt: skip
        iterations.append(run.iterations)
        evaluations.append(run.total_evaluations)
    return float(np.mean(iterations)), float(np.mean(evaluations))


def rate_table(make_problem, ns, estimators=("gradient", "two_point"), accuracy=1e-6, seeds=(0,), progress=None,
               criterion="loss"):  # fmt: skip
    """Iterations and evaluations to a relative ``accuracy`` (in the sense of ``criterion``, see ``CRITERIA``) for
    every n in ``ns`` and every estimator:
    ``{estimator: {"iterations": array, "evaluations": array, "slope_iterations": s, "slope_evaluations": s}}``.
    ``progress`` wraps the loop over ``ns`` (e.g. ``tqdm``)."""
    ns = list(ns)
    table = {e: {"iterations": [], "evaluations": []} for e in estimators}
    for n in progress(ns) if progress else ns:
        for e in estimators:
            iterations, evaluations = iterations_to_accuracy(make_problem, n, e, accuracy, seeds, criterion=criterion)
            table[e]["iterations"].append(iterations)
            table[e]["evaluations"].append(evaluations)
    for row in table.values():
        for key in ("iterations", "evaluations"):
            row[key] = np.array(row[key])
            row[f"slope_{key}"] = loglog_slope(ns, row[key])
    return table


RATE_COLUMNS = {
    "smooth (non-convex)": (nonconvex_log, "gradient", 1e-2),
    "smooth and convex": (convex_flat, "loss", 1e-3),
    "smooth and strongly convex": (strongly_convex_quadratic, "distance", 1e-4),
}
"""The three columns of the lecture's rate table as experiments: ``column -> (problem, criterion, δ)``; the
criterion (see ``CRITERIA``) is the quantity of that column of the table (‖∇f‖², f − f*, ‖x − x*‖²)."""

RATE_COLUMN_LABELS = Labels({
    "smooth (non-convex)": ("smooth (non-convex)", "гладкая (невыпуклая)"),
    "smooth and convex": ("smooth and convex", "гладкая и выпуклая"),
    "smooth and strongly convex": ("smooth and strongly convex", "гладкая и сильно выпуклая"),
})  # fmt: skip
"""The columns of ``RATE_COLUMNS`` as the lecture's table heads them, in the notebook's language (English: the key)."""

ESTIMATOR_LABELS = Labels({
    "gradient": ("GD", "GD"), "central": ("central differences", "центральные разности"),
    "two_point": ("two-point", "двухточечная оценка"), "gaussian": ("Gaussian smoothing", "гауссово сглаживание"),
    "forward": ("forward differences", "разности вперёд"),
})  # fmt: skip
"""Each estimator's name in figures, in the notebook's language (a dict of strings: ``ESTIMATOR_LABELS[name]``)."""


_RATE_LEGEND_RU = {"two_point": "2-точечная", "gaussian": "гаусс. сглаживание"}  # plot_rate_table's legend, Russian


def plot_rate_table(ax, ns, table, title=None, lang=None):
    """Draw ``table`` (from ``rate_table``) on ``ax``: iterations to the accuracy against n on log-log axes, one
    line per estimator, labelled with its fitted slope. Central differences (which take GD's steps) are drawn
    dashed with open markers, so that GD's line stays visible under theirs, and labelled with their slope in
    evaluations as well. The y axis runs from the power of 10 below the smallest count (a labelled decade under
    every count) to a decade above the largest (room for the legend). Labels in the notebook's language (or
    ``lang``). Returns the lines."""
    ns = list(ns)
    if not isinstance(table, dict) or not table:
        raise TypeError("table must be the non-empty dict returned by rate_table")
    colors = {"gradient": "tab:blue", "two_point": "tab:orange", "gaussian": "tab:green", "central": "0.25"}
    lines = []
    for estimator, row in table.items():
        style = dict(marker="o", color=colors.get(estimator))
        slope = tr("slope", "наклон", lang)
        if estimator == "central":  # short: the panels are narrow
            label = tr(f"central: slope {row['slope_iterations']:.2f},\nin evaluations {row['slope_evaluations']:.2f}",
                       f"центральные: наклон {row['slope_iterations']:.2f},\n"
                       f"по вычислениям {row['slope_evaluations']:.2f}", lang)
            style.update(marker="s", ms=9, mfc="none", ls="--")
        else:
            name = ESTIMATOR_LABELS.in_language(lang).get(estimator, estimator)
            name = tr(name, _RATE_LEGEND_RU.get(estimator, name), lang)  # short: the panels are narrow
            label = f"{name}: {slope} {row['slope_iterations']:.2f}"
        lines += ax.loglog(ns, row["iterations"], label=label, **style)
    counts = np.concatenate([np.ravel(row["iterations"]) for row in table.values()])
    # a labelled decade under the smallest count, a decade of room for the legend over the largest
    ax.set_ylim(10.0 ** np.floor(np.log10(counts.min())), 10.0 ** (np.ceil(np.log10(counts.max())) + 1))
    ax.set_xlabel(tr("dimension $n$", "размерность $n$", lang))
    ax.set_ylabel(tr("iterations to the accuracy", "число итераций до заданной точности", lang))
    if title:
        ax.set_title(title)
    ax.legend(loc="upper left")
    return lines


def difference_errors(L, w, exact, epsilons, dtypes=(np.float64, np.float32)):
    """The U-curves of notebook 03: the relative error ‖G − ∇L‖/‖∇L‖ of forward and central differences at every
    step in ``epsilons``, computed in each of ``dtypes``, and the error of ``adlib.grad`` in each dtype.
    Returns ``(curves, ad_errors)`` with ``curves[name, dtype]`` an array over ``epsilons``."""
    from .. import grad

    exact = np.asarray(exact, dtype=np.float64)

    def relative_error(g):
        return np.linalg.norm(np.asarray(g, dtype=np.float64) - exact) / np.linalg.norm(exact)

    curves, ad_errors = {}, {}
    for dtype in dtypes:
        w_t = np.asarray(w).astype(dtype)
        for name, estimate in (("forward", forward_difference), ("central", central_difference)):
            curves[name, dtype] = np.array([relative_error(estimate(L, w_t, eps)) for eps in epsilons])
        ad_errors[dtype] = relative_error(grad(L)(w_t))
    return curves, ad_errors


def plot_difference_errors(ax, epsilons, curves, ad_errors, floor=1e-17, lang=None):
    """Draw :func:`difference_errors` on ``ax``: the U-curves on log-log axes (float64 solid, float32 dotted),
    adlib's error as a horizontal line, the predicted best steps √eps and eps^(1/3) as vertical lines. An exact
    zero error is drawn at ``floor`` so that it shows on a log axis. Labels in the notebook's language (or
    ``lang``)."""
    colors = {"forward": "tab:blue", "central": "tab:orange"}
    styles = {np.float64: "-", np.float32: ":"}
    for (name, dtype), errors in curves.items():
        ax.loglog(epsilons, np.maximum(errors, floor), styles.get(dtype, "--"), color=colors[name],
                  label=f"{ESTIMATOR_LABELS.in_language(lang)[name]}, {np.dtype(dtype).name}")
    for dtype, error in ad_errors.items():
        style, machine = styles.get(dtype, "--"), np.finfo(dtype).eps
        ax.axhline(max(error, floor), color="tab:green", ls=style, lw=2, label=f"adlib.grad, {np.dtype(dtype).name}")
        ax.axvline(np.sqrt(machine), color=colors["forward"], ls=style, lw=0.8, alpha=0.7)
        ax.axvline(np.cbrt(machine), color=colors["central"], ls=style, lw=0.8, alpha=0.7)
    ax.text(np.sqrt(np.finfo(np.float64).eps), 3, r"$\sqrt{\epsilon}$", color=colors["forward"], ha="center")
    ax.text(np.cbrt(np.finfo(np.float64).eps), 3, r"$\epsilon^{1/3}$", color=colors["central"], ha="center")
    ax.set_ylim(floor / 10, 1e2)
    ax.set_xlabel(tr(r"step $\varepsilon$", r"шаг $\varepsilon$", lang))
    ax.set_ylabel(tr(r"relative error $\|G - \nabla L\| / \|\nabla L\|$",
                     r"относительная ошибка $\|G - \nabla L\| / \|\nabla L\|$", lang))
    ax.legend(ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.15), frameon=False)  # below: no curve hidden


def evaluations_per_step(estimator, n, grad_cost=GRAD_COST):
    """What one step of ``gradient_descent`` costs in evaluations of L, in dimension n."""
    costs = {"gradient": grad_cost, "central": 2 * n, "forward": n + 1, "two_point": 2, "gaussian": 2}
    if estimator not in costs:
        raise ValueError(f"unknown estimator {estimator!r}; known: {', '.join(costs)}")
    return costs[estimator]


def compare_estimators(make_problem, n, eps=1e-6, step_scale=1.0, budget=5000, seed=0,
                       estimators=("gradient", "central", "two_point", "gaussian"), points=200):  # fmt: skip
    """What the notebook's widget shows: one run per estimator on ``make_problem(n)`` with the same ``budget`` of
    evaluations of L (so as many steps as it buys), each with ``step_scale × standard_step`` and the same seed;
    the loss is recorded at about ``points`` iterations. Returns ``{estimator: Run}``; a run whose step is too
    large comes back with ``diverged=True``."""
    if not (isinstance(step_scale, numbers.Real) and step_scale > 0):
        raise ValueError(f"step_scale must be a number > 0, got {step_scale!r}")
    problem = make_problem(n)
    runs = {}
    for e in estimators:
        n_iter = max(1, int(budget // evaluations_per_step(e, n)))
        runs[e] = gradient_descent(problem.L, problem.w0, e, step=step_scale * standard_step(e, n, problem.smoothness),
                                   n_iter=n_iter, rng=seed, eps=None if e == "gradient" else eps,
                                   f_star=problem.f_star, record_every=max(1, n_iter // points))  # fmt: skip
    return runs
