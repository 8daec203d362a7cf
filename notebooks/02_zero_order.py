# ---
# jupyter:
#   course:
#     summary: 'Zero-order estimators: bias, variance, the factor n in the rates'
#   jupytext:
#     cell_metadata_filter: slideshow,tags,-all
#     formats: ipynb,py:percent
#     notebook_metadata_filter: course,kernelspec,jupytext,rise,-all
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
#   rise:
#     height: 100%
#     scroll: true
#     slideNumber: c/t
#     start_slideshow_at: beginning
#     theme: simple
#     transition: none
#     width: 100%
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # Gradient descent without a gradient / Градиентный спуск без градиента
#
# Can we replace $\nabla_w L(w_k)$ in gradient descent by something computed from values of $L$ only? *Yes, but at a
# price.* We build the two estimators of the lecture, measure their bias and variance, and then **reproduce the
# lecture's rate table**: how many iterations (and evaluations of $L$) zero-order GD needs compared with GD, as the
# dimension $n$ grows — with fitted slopes on log-log axes — and the $\sqrt n$ statement for two-point estimators.
#
# The default run takes ~15 s with $n$ up to 256; `ADLIB_FULL=1` extends the sweeps to $n = 1024$ with more seeds
# (a few minutes, with progress bars).

# %% [markdown] slideshow={"slide_type": "skip"} tags=["colab"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/adlib-course/adlib-course/blob/v0.1.0/notebooks/02_zero_order.ipynb)
#
# In Colab, the next cell installs the course's `adlib` first; anywhere else it does nothing.

# %% slideshow={"slide_type": "skip"} tags=["colab"]
# Only in Google Colab: install this course's adlib at the pinned version. pip's default strategy keeps
# every package Colab already has (no upgrades). Never `pip install adlib`: PyPI's adlib is another project.
import importlib
import subprocess
import sys

if "google.colab" in sys.modules:
    spec = "adlib-course[notebooks] @ git+https://github.com/adlib-course/adlib-course@v0.1.0"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", spec], check=True)
    importlib.invalidate_caches()

# %% slideshow={"slide_type": "skip"}
import os

import matplotlib.pyplot as plt
import numpy as np
from tqdm.auto import tqdm

import adlib
import adlib.numpy as anp
from adlib import zero_order as zo

FULL = os.environ.get("ADLIB_FULL") == "1"
np.set_printoptions(precision=4, suppress=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The two-point estimator / Двухточечная оценка градиента
#
# Gradient descent (GD) is $w_{k+1} = w_k - \alpha_k \nabla_w L(w_k)$. Replace the gradient by
#
# $$G = d\, \frac{L(w + \varepsilon v) - L(w - \varepsilon v)}{2\varepsilon}\, v, \qquad v \text{ uniform on the
#   unit sphere}.$$
#
# For small $\varepsilon$ the fraction is the directional derivative $\langle \nabla L, v\rangle$, and
# $\mathbb{E}[v v^\top] = I/d$, so $\mathbb{E}\,G = \nabla L$: an unbiased estimate from **two** evaluations, in any
# dimension. In code (this is `adlib.zero_order.two_point` without its input checks):


# %% slideshow={"slide_type": "fragment"}
def two_point(L, w, eps, rng):
    v = rng.standard_normal(w.shape)
    v /= np.linalg.norm(v)  # uniform on the unit sphere
    return w.size * (L(w + eps * v) - L(w - eps * v)) / (2 * eps) * v


# %% [markdown] slideshow={"slide_type": "fragment"}
# The **Gaussian-smoothing** variant (Nesterov & Spokoiny) takes $u \sim \mathcal{N}(0, I)$ and drops the factor
# $d$ (since $\mathbb{E}[u u^\top] = I$): $G = \frac{L(w + \varepsilon u) - L(w - \varepsilon u)}{2\varepsilon} u$.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Finite differences / Пример: конечные разности
#
# The deterministic alternative: one coordinate at a time, $2d$ evaluations per gradient,
#
# $$G = \sum_{i=1}^d \frac{L(w + \varepsilon e_i) - L(w - \varepsilon e_i)}{2\varepsilon}\, e_i .$$

# %% slideshow={"slide_type": "fragment"}
problem = zo.convex_logcosh(5)
w = np.array([0.3, -1.0, 2.0, 0.5, -0.2])
rng = np.random.default_rng(0)
exact = adlib.grad(problem.L)(w)
print("adlib.grad            ", exact)
print("central differences   ", zo.central_difference(problem.L, w))
print("one two-point estimate", two_point(problem.L, w, 1e-6, rng))
mean = np.mean([two_point(problem.L, w, 1e-6, rng) for _ in range(10_000)], axis=0)
print("mean of 10000 of them ", mean)
np.testing.assert_allclose(zo.two_point(problem.L, w, 1e-6, np.random.default_rng(1)),
                           two_point(problem.L, w, 1e-6, np.random.default_rng(1)), rtol=1e-12)  # fmt: skip

# %% [markdown] slideshow={"slide_type": "fragment"}
# One two-point estimate points somewhere else entirely; only the *average* is the gradient. That noise is the price.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Рис. 4–5: what the estimates look like / Как выглядят оценки
#
# On a 2-D quadratic: 30 two-point estimates at one point (thin arrows) against the gradient (thick), and GD
# paths with each estimator for the same number of iterations.

# %% slideshow={"slide_type": "subslide"}
A = np.array([[1.0, 0.4], [0.4, 0.3]])


def L2(w):
    return 0.5 * anp.sum(w * (A @ w))


w_start = np.array([2.0, 2.0])
rng = np.random.default_rng(2)
estimates = np.array([zo.two_point(L2, w_start, 1e-6, rng) for _ in range(30)])
grid = np.linspace(-3.5, 3.5, 141)
X, Y = np.meshgrid(grid, grid)
Z = 0.5 * (A[0, 0] * X**2 + 2 * A[0, 1] * X * Y + A[1, 1] * Y**2)

fig, axes = plt.subplots(1, 2, figsize=(9.5, 4.2))
for ax in axes:
    ax.contour(X, Y, Z, levels=15, colors="0.7", linewidths=0.7)
    ax.set_aspect("equal")
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
scale = 0.5
for G in estimates:
    axes[0].arrow(*w_start, *(-scale * G), color="tab:orange", alpha=0.4, width=0.01, length_includes_head=True)
axes[0].arrow(*w_start, *(-scale * A @ w_start), color="k", width=0.04, length_includes_head=True)
axes[0].set_title(r"$-G$ (two-point, orange) vs $-\nabla L$ (black)")
for estimator, style in (("gradient", dict(color="k", lw=4, alpha=0.35)), ("central", dict(color="tab:blue", ls="--")),
                         ("two_point", dict(color="tab:orange"))):  # fmt: skip
    step = 0.9 / (2 if estimator == "two_point" else 1)  # the two-point step is divided by d = 2
    run = zo.gradient_descent(L2, w_start, estimator, step=step, n_iter=25, rng=3, keep_path=True)
    axes[1].plot(*np.array(run.path).T, "o-", ms=3, **style, label=f"{estimator}, α = {step:g} ({run.total_evaluations:g} evaluations)")
axes[1].set_title("25 steps of GD")
axes[1].legend(fontsize=8, loc="lower right")
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# What to see: the orange arrows scatter around the gradient and some point uphill; yet their average is the
# gradient, so the zig-zagging two-point path still heads to the minimum. Central differences retrace GD exactly (for
# a quadratic they are exact up to rounding) at $2d$ evaluations per step.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Bias of the two-point estimator against ε / Смещение двухточечной оценки
#
# $\mathbb{E}\,G$ is the gradient of a *smoothed* $L$: exact for quadratics, and for a cubic
# $L(w) = \sum_i w_i^3$ the extra term is $d\varepsilon^2 \mathbb{E}[v_j^4] = \frac{3\varepsilon^2}{d + 2}$ in every
# coordinate: **bias $= O(\varepsilon^2)$**. We measure it with common random numbers (the same directions for every
# $\varepsilon$, so the noise cancels in the difference).

# %% slideshow={"slide_type": "subslide"}
def cubic(w):
    return anp.sum(w**3)


d_bias, samples = 10, 1000
w_bias = np.linspace(-1, 1, d_bias)
eps_grid = np.logspace(-3, 0, 5)
directions_seed = 4
reference = np.mean([zo.two_point(cubic, w_bias, 1e-7, rng)
                     for rng in [np.random.default_rng(directions_seed)] for _ in range(samples)], axis=0)  # fmt: skip
bias = []
for eps in eps_grid:
    rng = np.random.default_rng(directions_seed)  # the same directions
    mean = np.mean([zo.two_point(cubic, w_bias, eps, rng) for _ in range(samples)], axis=0)
    bias.append(np.linalg.norm(mean - reference))
bias = np.array(bias)
theory = 3 * eps_grid**2 / (d_bias + 2) * np.sqrt(d_bias)
slope_bias = zo.loglog_slope(eps_grid, bias)

fig, ax = plt.subplots(figsize=(6, 3.8))
ax.loglog(eps_grid, bias, "o", label=f"measured (slope {slope_bias:.2f})")
ax.loglog(eps_grid, theory, "k--", label=r"theory $\sqrt{d}\cdot 3\varepsilon^2/(d+2)$")
ax.set_xlabel(r"$\varepsilon$")
ax.set_ylabel(r"$\|\mathbb{E}\,G - \mathbb{E}\,G_{\varepsilon \to 0}\|$")
ax.set_title(f"Bias of the two-point estimator, cubic, d = {d_bias}")
ax.legend()
fig.tight_layout()
plt.show()
print(f"fitted slope {slope_bias:.3f} (theory 2); measured / theory: {np.round(bias / theory, 3)}")
assert abs(slope_bias - 2) < 0.1

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Variance against the dimension / Дисперсия и размерность
#
# The price: $\mathbb{E}\|G\|^2 = d\,\|\nabla L\|^2$ for the two-point estimator, $(d + 2)\|\nabla L\|^2$ for
# Gaussian smoothing, so the relative variance $\mathbb{E}\|G - \nabla L\|^2 / \|\nabla L\|^2$ is $d - 1$ and
# $d + 1$. Measured on a linear $L$ (where $G$ has no bias at all):

# %% slideshow={"slide_type": "subslide"}
dims = np.array([2, 8, 32, 128, 512])
relative_variance = {"two_point": [], "gaussian": []}
for d in dims:
    g = np.random.default_rng(5).standard_normal(d)
    linear = lambda w, g=g: anp.sum(g * w)  # noqa: E731
    for name, estimator in (("two_point", zo.two_point), ("gaussian", zo.gaussian_smoothing)):
        rng = np.random.default_rng(6)
        G = np.array([estimator(linear, np.zeros(d), 1e-3, rng) for _ in range(600)])
        relative_variance[name].append(np.mean(np.sum((G - g) ** 2, axis=1)) / (g @ g))

fig, ax = plt.subplots(figsize=(6, 3.8))
for name, offset in (("two_point", -1), ("gaussian", 1)):
    values = np.array(relative_variance[name])
    ax.loglog(dims, values, "o", label=f"{name}: slope {zo.loglog_slope(dims, values):.2f}")
    ax.loglog(dims, dims + offset, "--", lw=1, label=f"theory $d {offset:+d}$")
ax.set_xlabel("dimension $d$")
ax.set_ylabel(r"$\mathbb{E}\|G - \nabla L\|^2 / \|\nabla L\|^2$")
ax.set_title("Variance of the random estimators grows like d")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()
for name, values in relative_variance.items():
    print(f"{name:10} measured {np.round(values, 1)}  theory {dims + (-1 if name == 'two_point' else 1)}")
    np.testing.assert_allclose(values, dims + (-1 if name == "two_point" else 1), rtol=0.2)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The curse of dimensionality for zero-order methods / Проклятие размерности для методов нулевого порядка
#
# The lecture's table (Duchi, Jordan, Wainwright, Wibisono 2015, *Optimal rates for zero-order convex optimization:
# the power of two function evaluations*):
#
# | | $f$ smooth | smooth and convex | smooth and strongly convex |
# |---|---|---|---|
# | GD | $\|\nabla f(x_k)\|^2 \approx \mathcal{O}(1/k)$ | $f(x_k) - f^* \approx \mathcal{O}(1/k)$ | $\|x_k - x^*\|^2 \approx \mathcal{O}((1 - \mu/L)^k)$ |
# | zero-order GD | $\mathcal{O}(n/k)$ | $\mathcal{O}(n/k)$ | $\mathcal{O}((1 - \mu/(nL))^k)$ |
#
# Every entry says the same thing: **zero-order GD needs about $n$ times more iterations**. First, one run at
# $n = 100$ on the convex problem $\sum_i \frac{i}{n} \log\cosh w_i$, with the textbook steps $1/L$ (GD, central
# differences), $1/(nL)$ (two-point), $1/((n+4)L)$ (Gaussian).

# %% slideshow={"slide_type": "subslide"}
runs = zo.compare_estimators(zo.convex_logcosh, 100, budget=6000)
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
styles = {"gradient": dict(lw=2), "central": dict(ls="--", marker="o", ms=3), "two_point": dict(),
          "gaussian": dict(ls=":", lw=2)}  # fmt: skip
for name, run in runs.items():
    axes[0].loglog(np.maximum(run.iterations_recorded, 1), run.losses, label=name, **styles[name])
    axes[1].loglog(np.maximum(run.evaluations, 1), run.losses, label=name, **styles[name])
axes[0].set_xlabel("iteration $k$")
axes[1].set_xlabel(f"evaluations of $L$ (gradient = {zo.GRAD_COST:g})")
axes[0].set_ylabel("$f(x_k) - f^*$")
axes[0].set_title("per iteration")
axes[1].set_title("per evaluation")
axes[1].legend()
fig.suptitle("n = 100, convex log-cosh problem")
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Each method gets the same budget of 6000 evaluations (so GD makes 1500 steps, central differences 30, the random
# estimators 3000). What to see: per iteration, central differences are as good as the gradient and the random
# estimators are much slower; per evaluation, central differences pay $2n = 200$ evaluations per step and fall
# behind as well. Only the reverse-mode gradient is cheap in both senses.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Reproducing the rate table / Воспроизводим таблицу скоростей
#
# For each $n$: iterations until $f(x_k) - f^* \le \delta\,(f(x_0) - f^*)$ on
#
# * the **strongly convex** quadratic $\frac12\sum_i \lambda_i x_i^2$, $\lambda$ evenly spread on $[0.1, 1]$ (the
#   same $\mu/L$ for every $n$), $\delta = 10^{-4}$;
# * the **convex** $\sum_i \frac{i}{n}\log\cosh x_i$ from $x_0 = (2, \dots, 2)$, $\delta = 10^{-3}$.
#
# Theory: GD's count does not depend on $n$ (slope 0); zero-order GD's grows like $n$ (slope 1). Random runs are
# averaged over seeds.

# %% slideshow={"slide_type": "subslide"}
ns = [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] if FULL else [8, 16, 32, 64, 128, 256]
seeds = (0, 1, 2, 3, 4) if FULL else (0, 1)
estimators = ("gradient", "two_point", "gaussian") if FULL else ("gradient", "two_point")
progress = (lambda xs: tqdm(xs, desc="n")) if FULL else None
settings = {"strongly convex": (zo.strongly_convex_quadratic, 1e-4), "convex": (zo.convex_logcosh, 1e-3)}
tables = {name: zo.rate_table(make, ns, estimators, accuracy, seeds, progress)
          for name, (make, accuracy) in settings.items()}  # fmt: skip

fig, axes = plt.subplots(1, 2, figsize=(10, 4))
for ax, (name, table) in zip(axes, tables.items()):
    for estimator, row in table.items():
        ax.loglog(ns, row["iterations"], "o-", label=f"{estimator}: slope {row['slope_iterations']:.2f}")
        ax.loglog(ns, row["evaluations"], "s:", alpha=0.6,
                  label=f"{estimator}, evaluations: slope {row['slope_evaluations']:.2f}")  # fmt: skip
    gd = table["gradient"]
    ax.loglog(ns, 2 * np.array(ns) * gd["iterations"], "^:", color="tab:gray",
              label=f"central differences, evaluations ($2n$ × GD's iterations): slope "
                    f"{zo.loglog_slope(ns, 2 * np.array(ns) * gd['iterations']):.2f}")  # fmt: skip
    ax.set_xlabel("dimension $n$")
    ax.set_ylabel("iterations (o) / evaluations (s) to the accuracy")
    ax.set_title(f"{name}")
    ax.legend(fontsize=7)
fig.suptitle("Iterations and evaluations to a fixed accuracy vs dimension (log-log, fitted slopes)")
fig.tight_layout()
plt.show()

# %% slideshow={"slide_type": "subslide"}
print(f"n = {ns}, seeds = {seeds}\n")
large = [j for j, n in enumerate(ns) if n >= 32]  # the asymptotic slope, once the spectrum is fine enough
print(f"{'problem':17}{'estimator':11}{'iterations to accuracy':>62}{'slope':>7}{'n ≥ 32':>8}{'theory':>7}")
for name, table in tables.items():
    for estimator, row in table.items():
        theory = 0 if estimator == "gradient" else 1
        tail = zo.loglog_slope(np.array(ns)[large], row["iterations"][large])
        print(f"{name:17}{estimator:11}{str(row['iterations'].round().astype(int)):>62}"
              f"{row['slope_iterations']:>7.2f}{tail:>8.2f}{theory:>7}")
for table in tables.values():  # the claims of the table, as checks (asymptotic slopes, n ≥ 32)
    tail = {e: zo.loglog_slope(np.array(ns)[large], table[e]["iterations"][large]) for e in ("gradient", "two_point")}
    assert abs(tail["gradient"]) < 0.15 and 0.8 < tail["two_point"] < 1.25
# central differences take exactly GD's iterations here, at 2n evaluations each (checked at the smallest n):
n0 = ns[0]
central = zo.iterations_to_accuracy(zo.strongly_convex_quadratic, n0, "central", 1e-4)
assert central[0] == tables["strongly convex"]["gradient"]["iterations"][0] and central[1] == 2 * n0 * central[0]

# %% [markdown] slideshow={"slide_type": "fragment"}
# The measured slopes are printed above (default run: $n = 8 \dots 256$, 2 seeds): GD flat (≈ −0.1 strongly convex;
# on the convex problem its count creeps up while $n$ is small, because the spectrum $\lambda_i = i/n$ is still coarse,
# then stays flat: slope ≈ 0 for $n \ge 32$), two-point GD ≈ 1 — the lecture's factor $n$.
# The full run (`ADLIB_FULL=1`: $n = 2 \dots 1024$, 5 seeds, Gaussian smoothing too; ~2 min) gave, all $n$ / $n \ge 32$:
#
# | problem | GD | two-point | Gaussian |
# |---|---|---|---|
# | strongly convex, $\delta = 10^{-4}$ | −0.08 / −0.02 | 0.94 / 0.99 | 0.79 / 0.97 |
# | convex, $\delta = 10^{-3}$ | 0.24 / 0.02 | 1.28 / 0.99 | 1.12 / 0.96 |
#
# (at $n = 1024$: GD 20 and 37 iterations, two-point 23 485 and 49 470). In evaluations, central differences
# cost $2n$ per step: the same slope 1 — finite differences are *also* a zero-order method.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Two points cannot beat √n / Для двухточечных оценок нельзя лучше, чем √n
#
# Duchi et al. prove that for convex **Lipschitz** (possibly non-smooth) functions, any method that sees two values
# of $f$ per step has, after $k$ steps, an error at least of order $\sqrt{n/k}$, while a subgradient method has
# $\sqrt{1/k}$: with a fixed budget the error is $\sqrt n$ times larger (equivalently, $n$ times more steps for the
# same error). And the two-point estimator with step $\alpha = R/\sqrt{nk}$ attains it. We run both on
# $f(x) = \|x - x^*\|_2$ with $\|x^*\| = 1$, for a fixed $k$, and look at the error of the averaged iterate.

# %% slideshow={"slide_type": "subslide"}
K = 4000 if FULL else 1000
ns_sqrt = [2, 4, 8, 16, 32, 64, 128, 256, 512] if FULL else [2, 8, 32, 128]
sqrt_seeds = range(8 if FULL else 3)
error = {"gradient": [], "two_point": []}
for n in tqdm(ns_sqrt, desc="n") if FULL else ns_sqrt:
    x_star = np.ones(n) / np.sqrt(n)

    def f(x, x_star=x_star):
        return anp.sqrt(anp.sum((x - x_star) ** 2))

    for estimator in error:
        step = 1 / np.sqrt(K * (n if estimator == "two_point" else 1))  # R / (G √(n k)), G = R = 1
        runs_n = [zo.gradient_descent(f, np.zeros(n), estimator, step=step, n_iter=K, rng=s, record_every=K)
                  for s in (sqrt_seeds if estimator == "two_point" else [0])]  # fmt: skip
        error[estimator].append(np.mean([f(run.w_mean) for run in runs_n]))

slope_sqrt = zo.loglog_slope(ns_sqrt, error["two_point"])
slope_sub = zo.loglog_slope(ns_sqrt, error["gradient"])
fig, ax = plt.subplots(figsize=(6, 3.8))
ax.loglog(ns_sqrt, error["gradient"], "o-", label=f"subgradient method (slope {slope_sub:.2f})")
ax.loglog(ns_sqrt, error["two_point"], "s-", label=f"two-point zero-order (slope {slope_sqrt:.2f})")
ax.loglog(ns_sqrt, error["two_point"][0] * np.sqrt(np.array(ns_sqrt) / ns_sqrt[0]), "k--", lw=1, label=r"$\propto \sqrt{n}$")
ax.set_xlabel("dimension $n$")
ax.set_ylabel(r"$f(\bar x_k) - f^*$ after $k$ steps")
ax.set_title(rf"$f(x) = \|x - x^*\|$, k = {K}: the $\sqrt{{n}}$ factor")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()
print(f"error after {K} steps: subgradient {np.round(error['gradient'], 4)}, two-point {np.round(error['two_point'], 4)}")
print(f"fitted slope of the two-point error vs n: {slope_sqrt:.2f} (theory 0.5); subgradient: {slope_sub:.2f} (theory 0)")
assert 0.35 < slope_sqrt < 0.7 and abs(slope_sub) < 0.1

# %% [markdown] slideshow={"slide_type": "fragment"}
# The full run ($k = 4000$, $n = 2 \dots 512$, 8 seeds) gives slope 0.55 for the two-point error and 0.00 for the
# subgradient method.
#
# The same $\sqrt n$ in one line of geometry: a random direction $v$ has $\mathbb{E}|\cos\angle(v, \nabla f)| =
# \mathbb{E}|v_1| \approx \sqrt{2/(\pi n)}$ — two values of $f$ reveal only a $1/\sqrt n$ fraction of the gradient.

# %% slideshow={"slide_type": "fragment"}
for n in (2, 10, 100, 1000):
    V = np.random.default_rng(7).standard_normal((4000, n))
    cosines = np.abs(V[:, 0]) / np.linalg.norm(V, axis=1)
    print(f"n = {n:5}: E|cos| = {cosines.mean():.4f}, √(2/(πn)) = {np.sqrt(2 / (np.pi * n)):.4f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Try it: n, ε and the step / Попробуйте: n, ε и шаг
#
# `zo.compare_estimators(problem, n, eps, step_scale, budget)` — the pure function behind the widget — runs GD and
# the three estimators with `step_scale` × the textbook step and 5000 evaluations each. Try a step scale above 2 (GD diverges), a tiny $\varepsilon$
# (round-off), or a large $n$ (the random estimators slow down, central differences get expensive).

# %% slideshow={"slide_type": "fragment"}
import ipywidgets as widgets


def show_runs(n=50, log10_eps=-6.0, step_scale=1.0, problem="convex"):
    make = zo.convex_logcosh if problem == "convex" else zo.strongly_convex_quadratic
    runs = zo.compare_estimators(make, n, eps=10.0**log10_eps, step_scale=step_scale, budget=5000)
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    for name, run in runs.items():
        note = " (diverged)" if run.diverged else ""
        ax.loglog(np.maximum(run.evaluations, 1), np.maximum(run.losses, 1e-300), label=name + note)
    ax.set_xlabel("evaluations of $L$")
    ax.set_ylabel("$f(x_k) - f^*$")
    ax.set_title(f"{problem}, n = {n}, ε = 1e{log10_eps:g}, step × {step_scale:g}", fontsize=10)
    ax.legend(fontsize=8)
    plt.show()


runs_widget = widgets.interact(
    show_runs,
    n=widgets.IntSlider(value=50, min=2, max=500, description="n"),
    log10_eps=widgets.FloatSlider(value=-6.0, min=-14.0, max=0.0, step=0.5, description="log10 ε"),
    step_scale=widgets.FloatSlider(value=1.0, min=0.1, max=3.0, step=0.1, description="step × "),
    problem=widgets.Dropdown(options=["convex", "strongly convex"], value="convex", description="problem"),
)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Cross-check with JAX / Проверка с помощью JAX
#
# The gradients GD used, against `jax.grad` in float64; and the mean of many two-point estimates against JAX's
# gradient, within the sampling error.

# %% slideshow={"slide_type": "fragment"}
import jax

jax.config.update("jax_enable_x64", True)  # before any JAX array exists
import jax.numpy as jnp

n = 20
lam_sc, lam_cvx = np.linspace(0.1, 1.0, n), np.arange(1, n + 1) / n
x = np.random.default_rng(8).standard_normal(n)
pairs = ((zo.strongly_convex_quadratic(n).L, lambda w: 0.5 * jnp.sum(lam_sc * w * w)),
         (zo.convex_logcosh(n).L, lambda w: jnp.sum(lam_cvx * jnp.log(jnp.cosh(w)))))  # fmt: skip
for f_adlib, f_jax in pairs:
    reference = np.asarray(jax.grad(f_jax)(jnp.asarray(x)))
    np.testing.assert_allclose(adlib.grad(f_adlib)(x), reference, rtol=1e-12)
    rng = np.random.default_rng(9)
    G = np.array([zo.two_point(f_adlib, x, 1e-6, rng) for _ in range(2000)])
    assert np.all(np.abs(G.mean(axis=0) - reference) < 5 * G.std(axis=0) / np.sqrt(len(G)))
print("adlib.grad == jax.grad (rtol 1e-12); mean two-point estimate == jax.grad within 5 standard errors")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary / Итоги
#
# * Two evaluations of $L$ give an unbiased (up to $O(\varepsilon^2)$) gradient estimate in any dimension, but its
#   variance is $\approx d\,\|\nabla L\|^2$.
# * That variance forces steps $n$ times smaller: measured iterations to a fixed accuracy grow with slope ≈ 1 in $n$
#   for zero-order GD and stay flat for GD — the lecture's table. Finite differences keep GD's iteration count but
#   pay $2n$ evaluations per step: slope 1 as well.
# * For two-point methods the $\sqrt n$ factor in the error is unavoidable (measured slope ≈ 0.5).
# * Reverse-mode AD gives the exact gradient for a constant number of evaluations: no factor $n$ anywhere.
