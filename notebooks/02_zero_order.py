# ---
# jupyter:
#   course:
#     summary: 'Zero-order estimators: bias, variance, the factor n in the rates'
#   jupytext:
#     cell_metadata_filter: slideshow,tags,jupyter,cellView,-all
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
# price.* First the lecture, slide by slide: the two-point estimator (Рис. 4), finite differences (Рис. 5), and
# the **rate table** of «Проклятие размерности» reproduced as an experiment — iterations to a fixed accuracy against
# the dimension $n$, one test problem per column of the table, with fitted slopes on log-log axes — and the
# $\sqrt n$ statement for two-point estimators. Then, **beyond the lecture**: Gaussian smoothing, the bias and the
# variance of the random estimators measured, why two values see only $1/\sqrt n$ of the gradient, a widget, and a
# cross-check with JAX.
#
# Builds on [01 — the problem and MDS](01_problem_mds.ipynb) (two-point GD against the gradient on the cities);
# leads to [03 — finite differences](03_finite_differences.ipynb) (what the finite-difference estimator costs and
# how accurate it is).
#
# The default run takes under a minute, with $n$ up to 256; `ADLIB_FULL=1` extends the sweeps to $n = 1024$ with more
# seeds (many minutes, with progress bars).

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
import functools
import os

import matplotlib.pyplot as plt
import numpy as np
from tqdm.auto import tqdm

import adlib
import adlib.numpy as anp
from adlib.course import exercises, projector
from adlib.course import zero_order as zo
from adlib.course.claims import claim, say
from adlib.course.i18n import plural_ru, tr
from adlib.course.measure import loglog_slope

projector.use()  # figure text readable on a 1280×720 slide
FULL = os.environ.get("ADLIB_FULL") == "1"
np.set_printoptions(precision=4, suppress=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Gradient descent without a gradient / Пример: градиентный спуск без градиента
#
# We want $L(w) \to \min_{w \in \mathbb{R}^d}$ by gradient descent (GD), $w_{k+1} = w_k - \alpha_k \nabla_w L(w_k)$.
# Can $\nabla_w L(w_k)$ be replaced using zero-order information only, values of $L$? *Yes, at a price.* The
# lecture's **two-point estimate** of the gradient:
#
# $$G = d\, \frac{L(w + \varepsilon v) - L(w - \varepsilon v)}{2\varepsilon}\, v, \qquad v \text{ spherically
#   symmetric (here: uniform on the unit sphere)}.$$
#
# For small $\varepsilon$ the fraction is the directional derivative $\langle \nabla L, v\rangle$, and
# $\mathbb{E}[v v^\top] = I/d$, so $\mathbb{E}\,G = \nabla L$: an unbiased estimate from **two** evaluations, in any
# dimension. In code (this is `adlib.course.zero_order.two_point` without its input checks):


# %% slideshow={"slide_type": "fragment"}
def two_point(L, w, eps, rng):
    v = rng.standard_normal(w.shape)
    v /= np.linalg.norm(v)  # uniform on the unit sphere
    return w.size * (L(w + eps * v) - L(w - eps * v)) / (2 * eps) * v


# %% slideshow={"slide_type": "fragment"}
problem = zo.convex_logcosh(5)
w = np.array([0.3, -1.0, 2.0, 0.5, -0.2])
rng = np.random.default_rng(0)
exact = adlib.grad(problem.L)(w)
one = two_point(problem.L, w, 1e-6, rng)
mean = np.mean([two_point(problem.L, w, 1e-6, rng) for _ in range(10_000)], axis=0)
print(tr("adlib.grad            ", "adlib.grad                "), exact)
print(tr("one two-point estimate", "одна двухточечная оценка  "), one)
print(tr("mean of 10000 of them ", "среднее 10000 таких оценок"), mean)
error_one, error_mean = (np.linalg.norm(G - exact) / np.linalg.norm(exact) for G in (one, mean))
print(tr(f"relative error: one estimate {error_one:.2f}, the mean of 10000 {error_mean:.3f}",
         f"относительная ошибка: одной оценки {error_one:.2f}, среднего 10000 оценок {error_mean:.3f}"))
np.testing.assert_allclose(zo.two_point(problem.L, w, 1e-6, np.random.default_rng(1)),
                           two_point(problem.L, w, 1e-6, np.random.default_rng(1)), rtol=1e-12)  # fmt: skip
claim(error_one > 1 and error_mean < 0.05, "one estimate is far off, the average is the gradient",
      error_one=error_one, error_mean=error_mean)  # fmt: skip

# %% [markdown] slideshow={"slide_type": "fragment"}
# One two-point estimate is off by more than the gradient's own length; only the *average* is the gradient. That
# noise is the price.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Рис. 4: the two-point estimator at work / Иллюстрация двухточечной оценки градиентного спуска
#
# On a 2-D quadratic: 30 two-point estimates at one point (thin arrows, $-G$) against the gradient (thick), and 25
# steps of GD with the two-point estimate against GD with the gradient. The arrows, and the circle they end on, are
# drawn at half length (`scale = 0.5`), so that they stay inside the plot.

# %% slideshow={"slide_type": "fragment"}
A = np.array([[1.0, 0.4], [0.4, 0.3]])


def L2(w):
    return 0.5 * anp.sum(w * (A @ w))


w_start = np.array([2.0, 2.0])
g_start = A @ w_start
rng = np.random.default_rng(2)
estimates = np.array([zo.two_point(L2, w_start, 1e-6, rng) for _ in range(30)])  # drawn in the figure below
print(tr(f"{len(estimates)} two-point estimates G at w = {w_start}, d = {w_start.size}; ∇L = {g_start}",
         f"{len(estimates)} {plural_ru(len(estimates), 'двухточечная оценка', 'двухточечные оценки', 'двухточечных оценок')}"
         f" G в точке w = {w_start}, d = {w_start.size}; ∇L = {g_start}"))

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 2.1** / **Упражнение 2.1** — predict, then run. Before you look at the figure: how long is the longest
# of these 30 estimates, as a multiple of $\|\nabla L\|$? Write one number. (On a quadratic the central difference
# in $G$ is exact, so $G = d\,\langle \nabla L, v\rangle\, v$ with $\|v\| = 1$; here $d = 2$.) Running the cell
# measures $\max \|G\| / \|\nabla L\|$ over the 30 and compares; within a factor of 1.25 counts as right.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_longest_ratio = None  # your code here: a number, the largest ‖G‖ / ‖∇L‖ among the 30 estimates

exercises.check_prediction(my_longest_ratio, np.max(np.linalg.norm(estimates, axis=1)) / np.linalg.norm(g_start),
                           within=1.25, name=tr("the longest ‖G‖ / ‖∇L‖", "наибольшее ‖G‖ / ‖∇L‖"),
                           hint=("‖G‖ = d·|⟨∇L, v⟩| for a unit v: how large can |⟨∇L, v⟩| be, and how close to that "
                                 "does the best of 30 random directions in the plane get?",
                                 "‖G‖ = d·|⟨∇L, v⟩| для единичного v: насколько велико может быть |⟨∇L, v⟩| и как "
                                 "близко к этому подойдёт лучшее из 30 случайных направлений на плоскости?"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Solution / Решение
# ‖G‖ = d·|⟨∇L, v⟩| ≤ d·‖∇L‖ (Cauchy–Schwarz, ‖v‖ = 1), with equality for v = ±∇L/‖∇L‖. An unbiased estimate is
# *not* of the gradient's length: one along the gradient is d = 2 times too long, one orthogonal to it is 0. In the
# plane |cos| > 0.9 (a ratio above 1.8) has probability about 0.29 per direction, so among 30 the longest is close
# to d = 2.
solution_longest_ratio = w_start.size  # d = 2

exercises.check_prediction(solution_longest_ratio, np.max(np.linalg.norm(estimates, axis=1)) / np.linalg.norm(g_start),
                           within=1.25, name=tr("the longest ‖G‖ / ‖∇L‖", "наибольшее ‖G‖ / ‖∇L‖")).assert_passed()

# %% slideshow={"slide_type": "subslide"}
grid = np.linspace(-3.5, 3.5, 141)
X, Y = np.meshgrid(grid, grid)
Z = 0.5 * (A[0, 0] * X**2 + 2 * A[0, 1] * X * Y + A[1, 1] * Y**2)
paths = {estimator: zo.gradient_descent(L2, w_start, estimator, step=step, n_iter=25, rng=3, keep_path=True)
         for estimator, step in (("gradient", 0.9), ("central", 0.9), ("two_point", 0.45))}  # two-point: step / d

fig, axes = plt.subplots(1, 2, figsize=(10, 4.6))
for ax in axes:
    ax.contour(X, Y, Z, levels=15, colors="0.7", linewidths=0.7)
    ax.set_aspect("equal")
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
scale = 0.5  # arrows and circle at half length
for G in estimates:
    axes[0].arrow(*w_start, *(-scale * G), color="tab:orange", alpha=0.4, width=0.01, length_includes_head=True)
axes[0].arrow(*w_start, *(-scale * g_start), color="k", width=0.04, length_includes_head=True)
d2 = w_start.size  # G = d <∇L, v> v ends on the circle with diameter d ∇L (Thales)
axes[0].add_patch(plt.Circle(w_start - scale * d2 / 2 * g_start, scale * d2 / 2 * np.linalg.norm(g_start),
                             fill=False, ls="--", color="tab:orange"))  # fmt: skip
axes[0].set_title(tr(r"30 estimates $-G$ and $-\nabla L$ (black), at half length",
                    r"30 оценок $-G$ и $-\nabla L$ (чёрным), в масштабе 1/2"))
for estimator, style in (("gradient", dict(color="k", lw=4, alpha=0.35)), ("two_point", dict(color="tab:orange"))):
    run = paths[estimator]
    axes[1].plot(*np.array(run.path).T, marker="o", ms=3, **style,
                 label=tr(f"{zo.ESTIMATOR_LABELS[estimator]}, {run.total_evaluations:g} evaluations",
                          f"{zo.ESTIMATOR_LABELS[estimator]}, {run.total_evaluations:g} "
                          f"{plural_ru(run.total_evaluations, 'вычисление', 'вычисления', 'вычислений')}"))  # fmt: skip
axes[1].set_title(tr("25 steps of GD", "25 шагов GD"))
axes[1].legend(loc="lower right")
fig.tight_layout()
plt.show()

cosines = estimates @ g_start / (np.linalg.norm(estimates, axis=1) * np.linalg.norm(g_start))
lengths = np.linalg.norm(estimates, axis=1) / np.linalg.norm(g_start)
loss = {estimator: run.losses[-1] for estimator, run in paths.items()}
claim(cosines.min() > 0, "no estimate points uphill", smallest_cosine=cosines.min())
claim(np.allclose(np.linalg.norm(estimates - d2 / 2 * g_start, axis=1), d2 / 2 * np.linalg.norm(g_start)),
      "the estimates end on the circle with diameter d∇L")  # fmt: skip
claim(loss["two_point"] < 0.01 * L2(w_start), "the two-point path gets close to the minimum", loss=loss)
say(f"Cosine of the angle between $G$ and $\\nabla L$: from **{cosines.min():.3f}** to {cosines.max():.3f} (never "
    f"negative); length $\\|G\\| / \\|\\nabla L\\|$ from {lengths.min():.2f} to {lengths.max():.2f}. After 25 steps "
    f"from $L = {L2(w_start):.1f}$: GD {loss['gradient']:.1e}, two-point GD {loss['two_point']:.1e}.",
    ru=f"Косинус угла между $G$ и $\\nabla L$: от **{cosines.min():.3f}** до {cosines.max():.3f} (ни разу не "
       f"отрицателен); длина $\\|G\\| / \\|\\nabla L\\|$ от {lengths.min():.2f} до {lengths.max():.2f}. После 25 "
       f"шагов из $L = {L2(w_start):.1f}$: GD {loss['gradient']:.1e}, GD с двухточечной оценкой "
       f"{loss['two_point']:.1e}.")

# %% [markdown] slideshow={"slide_type": "fragment"}
# What to see: the orange arrows scatter widely, in length and in direction — but **none points uphill**. On a
# quadratic the central difference in $G$ is exact, so $G = d\,\langle \nabla L, v\rangle\, v$ and
# $\langle G, \nabla L\rangle = d\,\langle \nabla L, v\rangle^2 \ge 0$: every $-G$ is a descent direction (or, for
# $v \perp \nabla L$, no step at all). Its tip lies on the dashed circle whose diameter is $d\,\nabla L$ (Thales), so
# the well-aligned estimates are the long ones and those nearly orthogonal to $\nabla L$ are short (all of it drawn
# at half scale). The two-point
# path zig-zags, yet heads to the minimum: on average it follows the gradient.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Finite differences / Пример: конечные разности
#
# The same update $w_{k+1} = w_k - \alpha_k G$ with the deterministic finite-difference estimate, one coordinate at
# a time:
#
# $$G = \sum_{i=1}^d \frac{L(w + \varepsilon e_i) - L(w - \varepsilon e_i)}{2\varepsilon}\, e_i
#   \qquad (2d \text{ evaluations}).$$

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 2.2** / **Упражнение 2.2** — write the estimator. Implement the slide's $G$ for the log-cosh `problem`
# above ($d = 5$) with $\varepsilon = 10^{-5}$, from values of `problem.L` only: a function of $w$ returning the
# $d$-vector. It is deterministic, so the check can be strict: running the cell compares it with `adlib.grad` at two
# points (to $10^{-8}$) and with the checker's own central differences.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def my_finite_differences(w, eps=1e-5):
    raise NotImplementedError  # your code here: the d-vector G, from calls of problem.L only


exercises.check_grad(my_finite_differences, problem.L, points=[w, -2 * w],
                     hint=("e_i is np.eye(w.size)[i]; the i-th entry of G is (L(w + ε e_i) − L(w − ε e_i)) / (2ε)",
                           "e_i — это np.eye(w.size)[i]; i-я компонента G равна (L(w + ε e_i) − L(w − ε e_i)) / (2ε)"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Solution / Решение
# One coordinate at a time: a step ±ε along e_i, the difference quotient is the i-th entry of G; 2d calls of L.
# Its error: truncation ≈ ε²·|third derivative|/6 ≈ 1e-11, round-off ≈ eps_mach·|L|/ε ≈ 1e-11, far below 1e-8.
def solution_finite_differences(w, eps=1e-5):
    G = np.zeros(w.size)
    for i, e_i in enumerate(np.eye(w.size)):
        G[i] = (problem.L(w + eps * e_i) - problem.L(w - eps * e_i)) / (2 * eps)
    return G


exercises.check_grad(solution_finite_differences, problem.L, points=[w, -2 * w]).assert_passed()

# %% slideshow={"slide_type": "subslide"}
counted = zo.CountedFunction(problem.L)
central = zo.central_difference(counted, w)
print("adlib.grad          ", exact)
print(tr("central differences ", "центральные разности"), central)
error_central = np.linalg.norm(central - exact) / np.linalg.norm(exact)
print(tr(f"relative error {error_central:.1e}, for {counted.evaluations:g} evaluations of L (d = {w.size})",
         f"относительная ошибка {error_central:.1e} за {counted.evaluations:g} "
         f"{plural_ru(counted.evaluations, 'вычисление', 'вычисления', 'вычислений')} L (d = {w.size})"))
claim(error_central < 1e-8 and counted.evaluations == 2 * w.size, "accurate, at 2d evaluations",
      error_central=error_central)  # fmt: skip

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Рис. 5: finite differences at work / Иллюстрация метода конечных разностей
#
# The same quadratic and start, 25 steps of GD with the central-difference estimate (step $0.9$, as for GD).

# %% slideshow={"slide_type": "fragment"}
fig, ax = plt.subplots(figsize=(5.6, 4.6))
ax.contour(X, Y, Z, levels=15, colors="0.7", linewidths=0.7)
ax.set_aspect("equal")
for estimator, style in (("gradient", dict(color="k", lw=5, alpha=0.35)), ("central", dict(color="tab:blue", ls="--"))):
    run = paths[estimator]
    ax.plot(*np.array(run.path).T, marker="o", ms=3, **style,
            label=tr(f"{zo.ESTIMATOR_LABELS[estimator]}, {run.total_evaluations:g} evaluations",
                     f"{zo.ESTIMATOR_LABELS[estimator]}, {run.total_evaluations:g} "
                     f"{plural_ru(run.total_evaluations, 'вычисление', 'вычисления', 'вычислений')}"))  # fmt: skip
ax.set_xlabel("$w_1$")
ax.set_ylabel("$w_2$")
ax.set_title(tr("25 steps: central differences vs GD", "25 шагов: центральные разности и GD"))
ax.legend(loc="lower right")
fig.tight_layout()
plt.show()
gap = np.max(np.abs(np.array(paths["central"].path) - np.array(paths["gradient"].path)))
print(tr(f"largest distance between the two paths: {gap:.1e}",
         f"наибольшее расстояние между двумя траекториями: {gap:.1e}"))
claim(gap < 1e-8, "central differences retrace GD", gap=gap)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Central differences retrace GD: for a quadratic they are exact up to rounding. The price is not noise but cost:
# $2d$ evaluations per step, growing with the dimension (here $2d = 4$ is what the counted gradient is charged,
# `zo.GRAD_COST` = 4, so both paths cost the same; in [03](03_finite_differences.ipynb) $d$ grows).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The curse of dimensionality for zero-order methods / Проклятие размерности для методов нулевого порядка
#
# $\min_{x \in \mathbb{R}^n} f(x)$ by GD, $x_{k+1} = x_k - \alpha_k \nabla f(x_k)$, or by zero-order GD,
# $x_{k+1} = x_k - \alpha_k G$ with a two-point or multi-point estimate $G$. The lecture's table (Duchi, Jordan,
# Wainwright, Wibisono 2015, *Optimal rates for zero-order convex optimization: the power of two function
# evaluations*):
#
# | | $f$ smooth | smooth and convex | smooth and strongly convex |
# |---|---|---|---|
# | GD | $\|\nabla f(x_k)\|^2 \approx \mathcal{O}(1/k)$ | $f(x_k) - f^* \approx \mathcal{O}(1/k)$ | $\|x_k - x^*\|^2 \approx \mathcal{O}((1 - \mu/L)^k)$ |
# | zero-order GD | $\mathcal{O}(n/k)$ | $\mathcal{O}(n/k)$ | $\mathcal{O}((1 - \mu/(nL))^k)$ |
#
# Every entry says the same thing: **zero-order GD needs about $n$ times more iterations**. First, one run at
# $n = 100$ on the convex $\sum_i \frac{i}{n} \log\cosh w_i$, with the textbook steps $1/L$ (GD, central
# differences) and $1/(nL)$ (two-point), and the same budget of 6000 evaluations of $L$ for each method.

# %% slideshow={"slide_type": "subslide"}
runs = zo.compare_estimators(zo.convex_logcosh, 100, budget=6000, estimators=("gradient", "central", "two_point"))
fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
styles = {"gradient": dict(lw=2), "central": dict(ls="--", marker="o", ms=3), "two_point": dict()}
for name, run in runs.items():
    axes[0].loglog(np.maximum(run.iterations_recorded, 1), run.losses, label=zo.ESTIMATOR_LABELS[name], **styles[name])
    axes[1].loglog(np.maximum(run.evaluations, 1), run.losses, label=zo.ESTIMATOR_LABELS[name], **styles[name])
axes[0].set_xlabel(tr("iteration $k$", "итерация $k$"))
axes[1].set_xlabel(tr(f"evaluations of $L$ (gradient = {zo.GRAD_COST:g})",
                      f"вычисления $L$ (градиент = {zo.GRAD_COST:g})"))
axes[0].set_ylabel("$f(x_k) - f^*$")
axes[0].set_title(tr("per iteration", "по итерациям"))
axes[1].set_title(tr("per evaluation", "по вычислениям"))
axes[1].legend()
fig.suptitle(tr("n = 100, convex log-cosh problem, 6000 evaluations each",
                "n = 100, выпуклая задача log-cosh, по 6000 вычислений на каждый метод"))
fig.tight_layout()
plt.show()

big = zo.convex_logcosh(100)
k_central = runs["central"].iterations
gd_short = zo.gradient_descent(big.L, big.w0, "gradient", step=1.0, n_iter=k_central)  # GD for as many steps
tp_short = zo.gradient_descent(big.L, big.w0, "two_point", step=1 / 100, n_iter=k_central, rng=0)
final = {name: run.losses[-1] for name, run in runs.items()}
claim(abs(runs["central"].losses[-1] / gd_short.losses[-1] - 1) < 1e-6, "per iteration, central = GD")
claim(tp_short.losses[-1] > 100 * gd_short.losses[-1], "per iteration, two-point is far behind")
claim(final["gradient"] < 1e-6 * min(final["central"], final["two_point"]), "per evaluation, only GD is fast",
      final=final)  # fmt: skip
say(f"Steps bought by 6000 evaluations: GD {runs['gradient'].iterations}, central differences {k_central}, "
    f"two-point {runs['two_point'].iterations}. After {k_central} steps: GD {gd_short.losses[-1]:.3g}, central "
    f"differences {runs['central'].losses[-1]:.3g}, two-point {tp_short.losses[-1]:.3g}. After 6000 evaluations: "
    f"GD {final['gradient']:.1e}, central differences {final['central']:.3g}, two-point {final['two_point']:.3g}.",
    ru=f"Число шагов на 6000 вычислений: GD {runs['gradient'].iterations}, центральные разности {k_central}, "
       f"двухточечная оценка {runs['two_point'].iterations}. После {k_central} "
       f"{plural_ru(k_central, 'шага', 'шагов', 'шагов')}: GD {gd_short.losses[-1]:.3g}, центральные разности "
       f"{runs['central'].losses[-1]:.3g}, двухточечная оценка {tp_short.losses[-1]:.3g}. После 6000 вычислений: "
       f"GD {final['gradient']:.1e}, центральные разности {final['central']:.3g}, двухточечная оценка "
       f"{final['two_point']:.3g}.")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Per iteration, central differences are as good as the gradient and the two-point estimator is much slower; per
# evaluation, central differences pay $2n = 200$ evaluations per step and fall far behind GD as well. Only the
# reverse-mode gradient is cheap in both senses.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Reproducing the rate table / Воспроизводим таблицу скоростей
#
# One experiment per column: for each $n$, the iterations until the column's quantity has dropped by the factor
# $\delta$, with the textbook steps $1/L$ (GD) and $1/(nL)$ (two-point); $\lambda_i$ are spread evenly over
# $[0.1, 1]$ in every problem, so the problems have the same shape in every dimension.
#
# | column | test problem | stop when |
# |---|---|---|
# | smooth | **non-convex** $\sum_i \lambda_i \log(1 + x_i^2)$ from $x_0 = (2, \dots, 2)$ (concave in every coordinate there) | $\|\nabla f(x_k)\|^2 \le 10^{-2}\, \|\nabla f(x_0)\|^2$ |
# | smooth and convex | $\sum_i \lambda_i \frac{x_i^4}{1 + x_i^2}$ from $(2, \dots, 2)$: convex, but flat ($\approx x^4$) at the minimum, *not* strongly convex | $f(x_k) - f^* \le 10^{-3}\,(f(x_0) - f^*)$ |
# | smooth and strongly convex | $\frac12\sum_i \lambda_i x_i^2$ from $\|x_0\| = 1$ ($\mu/L = 0.1$) | $\|x_k - x^*\|^2 \le 10^{-4}\,\|x_0 - x^*\|^2$ |
#
# Theory: GD's count does not depend on $n$ (slope 0); zero-order GD's grows like $n$ (slope 1). Random runs are
# averaged over seeds.

# %% slideshow={"slide_type": "subslide"}
ns = [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] if FULL else [8, 16, 32, 64, 128, 256]
seeds = (0, 1, 2, 3, 4) if FULL else (0, 1)
estimators = ("gradient", "two_point", "gaussian") if FULL else ("gradient", "two_point")
progress = (lambda xs: tqdm(xs, desc="n")) if FULL else None
tables = {column: zo.rate_table(make, ns, estimators, accuracy, seeds, progress, criterion)
          for column, (make, criterion, accuracy) in zo.RATE_COLUMNS.items()}  # fmt: skip
for column, (make, criterion, accuracy) in zo.RATE_COLUMNS.items():  # central differences, measured (deterministic)
    central_row = zo.rate_table(make, ns, ("central",), accuracy, (0,), None, criterion)
    tables[column] = {"gradient": tables[column]["gradient"], **central_row,
                      **{e: row for e, row in tables[column].items() if e != "gradient"}}

fig, axes = plt.subplots(1, 3, figsize=(11.6, 4.2), sharey=True)
for ax, (column, table) in zip(axes, tables.items()):
    _, criterion, accuracy = zo.RATE_COLUMNS[column]
    zo.plot_rate_table(ax, ns, table, f"{zo.RATE_COLUMN_LABELS[column]}\n{zo.CRITERIA[criterion]}, "
                                      f"$\\delta = 10^{{{np.log10(accuracy):.0f}}}$")  # fmt: skip
for ax in axes[1:]:
    ax.set_ylabel("")
fig.suptitle(tr("Iterations to a fixed accuracy vs dimension (log-log, fitted slopes)",
                "Число итераций до заданной точности в зависимости от размерности (лог. шкалы, наклоны прямых)"))
fig.tight_layout()
plt.show()

# %% slideshow={"slide_type": "subslide"}
print(tr(f"n = {ns}, seeds = {seeds}\n", f"n = {ns}, зёрна генератора = {seeds}\n"))
fitted = [j for j, n in enumerate(ns) if n >= 8]  # the claims are about n ≥ 8 (all of the default run)
print(tr(f"{'column':28}{'estimator':11}{'iterations to accuracy':>56}{'slope':>7}{'theory':>7}{'evaluations':>13}",
         f"{'столбец':28}{'оценка':21}{'итераций до точности':>46}{'наклон':>7}{'теория':>7}{'по вычисл.':>13}"))
slopes = {}
for column, table in tables.items():
    for estimator, row in table.items():
        slopes[column, estimator] = loglog_slope(np.array(ns)[fitted], row["iterations"][fitted])
        print(tr(f"{column:28}{estimator:11}{str(row['iterations'].round().astype(int)):>56}"
                 f"{slopes[column, estimator]:>7.2f}{1 if estimator == 'two_point' else 0:>7}"
                 f"{row['slope_evaluations']:>13.2f}",
                 f"{zo.RATE_COLUMN_LABELS[column]:28}{zo.ESTIMATOR_LABELS[estimator]:21}"
                 f"{str(row['iterations'].round().astype(int)):>46}"
                 f"{slopes[column, estimator]:>7.2f}{1 if estimator == 'two_point' else 0:>7}"
                 f"{row['slope_evaluations']:>13.2f}"))  # fmt: skip
for column, table in tables.items():
    claim(abs(slopes[column, "gradient"]) < 0.15 and 0.8 < slopes[column, "two_point"] < 1.25,
          "GD flat, two-point GD ~ n, in every column", column=column,
          gd=slopes[column, "gradient"], two_point=slopes[column, "two_point"])  # fmt: skip
    central_row = table["central"]
    claim(np.all(np.abs(central_row["iterations"] - table["gradient"]["iterations"]) <= 1)
          and np.array_equal(central_row["evaluations"], 2 * np.array(ns) * central_row["iterations"]),
          "central differences take GD's iterations (±1), at 2n evaluations each", column=column)  # fmt: skip
    claim(0.8 < central_row["slope_evaluations"] < 1.25, "central differences: slope ≈ 1 in evaluations",
          column=column, slope=central_row["slope_evaluations"])  # fmt: skip
ratio = {c: t["two_point"]["iterations"][-1] / t["gradient"]["iterations"][-1] for c, t in tables.items()}
say(f"At $n = {ns[-1]}$, two-point GD over GD's iterations: " + "; ".join(f"{c}: **{r:.0f}×**" for c, r in ratio.items()),
    ru=f"При $n = {ns[-1]}$ GD с двухточечной оценкой делает больше итераций, чем GD: "
       + "; ".join(f"{zo.RATE_COLUMN_LABELS[c]}: **в {r:.0f} {plural_ru(round(r), 'раз', 'раза', 'раз')}**"
                  for c, r in ratio.items()))

# %% [markdown] slideshow={"slide_type": "fragment"}
# The lecture's table, column by column: GD's count stays flat in $n$ (fitted slope within $\pm 0.15$ of 0) and
# two-point GD's grows like $n$ (slope between 0.8 and 1.25), for the non-convex, the convex and the strongly convex
# problem alike. In evaluations the slopes are the same (2 per two-point step, `GRAD_COST` = 4 per gradient).
# Central differences, run as well (dashed squares, on top of GD's line), take GD's iterations to within one, but
# at $2n$ evaluations each: in evaluations their measured slope is between 0.8 and 1.25, they grow like $n$ too.
# Finite differences are *also* a zero-order method. `ADLIB_FULL=1` runs $n = 2 \dots 1024$ with 5 seeds and Gaussian smoothing as well.

# %% slideshow={"slide_type": "skip"}
N_PREDICT = 512  # the dimension of the exercise below: twice the default table's largest


@functools.cache  # measured once: the exercise, its solution and the cell after them share the runs
def iterations_at(n, column="smooth and strongly convex"):
    """GD's and two-point GD's mean iterations to the column's accuracy at dimension n (the table's seeds)."""
    make, criterion, accuracy = zo.RATE_COLUMNS[column]
    return {e: zo.iterations_to_accuracy(make, n, e, accuracy, seeds, criterion=criterion)[0]
            for e in ("gradient", "two_point")}  # fmt: skip


# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 2.3** / **Упражнение 2.3** — predict, then run. The default table stops at $n = 256$. How many
# iterations does **two-point GD** need on the strongly convex quadratic (the third column, $\|x_k - x^*\|^2 \le
# 10^{-4}\|x_0 - x^*\|^2$) at $n = 512$? Write a number, read off the table and its slope; running the cell runs
# it (the same seeds, a few seconds) and compares; within a factor of 1.5 counts as right.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_two_point_iterations_512 = None  # your code here: a number, two-point GD's iterations at n = 512 (third column)

exercises.check_prediction(my_two_point_iterations_512, iterations_at(N_PREDICT)["two_point"], within=1.5,
                           name=tr("the measured number of iterations at n = 512",
                                   "измеренное число итераций при n = 512"),
                           hint=("the fitted slope of two-point GD is about 1: what does doubling n do?",
                                 "наклон для двухточечного метода около 1: что даёт удвоение n?"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Solution / Решение
# Slope 1 in n (the table's zero-order row, O((1 − μ/(nL))^k)): the step 1/(nL) halves when n doubles, so the
# iterations double: twice the table's count at n = 256. GD's count would not change (slope 0).
strongly_convex = tables["smooth and strongly convex"]
solution_two_point_iterations_512 = 2 * strongly_convex["two_point"]["iterations"][ns.index(256)]

exercises.check_prediction(solution_two_point_iterations_512, iterations_at(N_PREDICT)["two_point"], within=1.5,
                           name=tr("the measured number of iterations at n = 512",
                                   "измеренное число итераций при n = 512")).assert_passed()

# %% slideshow={"slide_type": "fragment"}
at_256, at_512 = iterations_at(256), iterations_at(N_PREDICT)
for estimator in ("gradient", "two_point"):
    print(tr(f"{zo.ESTIMATOR_LABELS[estimator]:10} n = 256: {at_256[estimator]:8.1f}   n = {N_PREDICT}: "
             f"{at_512[estimator]:8.1f}   ratio {at_512[estimator] / at_256[estimator]:.2f}",
             f"{zo.ESTIMATOR_LABELS[estimator]:20} n = 256: {at_256[estimator]:8.1f}   n = {N_PREDICT}: "
             f"{at_512[estimator]:8.1f}   отношение {at_512[estimator] / at_256[estimator]:.2f}"))
assert at_256["two_point"] == strongly_convex["two_point"]["iterations"][ns.index(256)]  # the table's measurement
growth = {e: at_512[e] / at_256[e] for e in at_512}
claim(1.6 < growth["two_point"] < 2.5 and abs(at_512["gradient"] - at_256["gradient"]) <= 2,
      "doubling n doubles two-point GD's iterations, GD's stay put", growth=growth)  # fmt: skip
say(f"At $n = {N_PREDICT}$: two-point GD **{at_512['two_point']:.0f}** iterations, {growth['two_point']:.2f} times "
    f"its {at_256['two_point']:.0f} at $n = 256$; GD {at_512['gradient']:.0f} (at 256: {at_256['gradient']:.0f}).",
    ru=f"При $n = {N_PREDICT}$ GD с двухточечной оценкой делает **{at_512['two_point']:.0f}** "
       f"{plural_ru(round(at_512['two_point']), 'итерацию', 'итерации', 'итераций')}, в {growth['two_point']:.2f} раза "
       f"больше, чем {at_256['two_point']:.0f} при $n = 256$; GD — {at_512['gradient']:.0f} (при 256: "
       f"{at_256['gradient']:.0f}).")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Why the convex column uses a flat-bottomed function: on $\sum_i \frac{i}{n}\log\cosh x_i$ the curvature at the
# minimum is $\lambda_{\min} = 1/n$, so near the end GD's contraction per step is $1 - 1/n$ and its count depends on
# $n$ once $\delta$ is small. Measured, GD only:

# %% slideshow={"slide_type": "fragment"}
gd_counts = {}
shown = {"convex_logcosh": "log-cosh", "convex_flat": tr("flat-bottomed", "с плоским дном")}
for make in (zo.convex_logcosh, zo.convex_flat):
    for accuracy in (1e-3, 1e-6):
        counts = [zo.iterations_to_accuracy(make, n, "gradient", accuracy)[0] for n in ns]
        gd_counts[make.__name__, accuracy] = loglog_slope(np.array(ns)[fitted], np.array(counts)[fitted])
        print(tr(f"{shown[make.__name__]:15} δ = {accuracy:g}: GD iterations {np.array(counts, int)}, "
                 f"slope {gd_counts[make.__name__, accuracy]:.2f}",
                 f"{shown[make.__name__]:15} δ = {accuracy:g}: итерации GD {np.array(counts, int)}, "
                 f"наклон {gd_counts[make.__name__, accuracy]:.2f}"))  # fmt: skip
claim(gd_counts["convex_logcosh", 1e-6] > 0.5 and max(abs(gd_counts["convex_flat", a]) for a in (1e-3, 1e-6)) < 0.1,
      "log-cosh: GD's count grows with n at δ = 1e-6; flat-bottomed: flat at both δ", slopes=gd_counts)  # fmt: skip
claim(gd_counts["convex_logcosh", 1e-3] < 0.5 * gd_counts["convex_logcosh", 1e-6],
      "log-cosh: at δ = 1e-3 the count grows far less than at 1e-6", slopes=gd_counts)

# %% [markdown] slideshow={"slide_type": "fragment"}
# On log-cosh GD's count grows with $n$ at $\delta = 10^{-6}$ (slope above 0.5) and far less at $\delta = 10^{-3}$
# (less than half that slope): the looser the accuracy, the less the slowest coordinates matter. On the flat-bottomed problem (curvature
# 0 at the minimum: not strongly convex at any accuracy) it is flat at both accuracies.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### The √n factor of two-point estimates / Для 2-точечных оценок нельзя лучше, чем √n
#
# The lecture's statement is a **theorem**: Duchi et al. prove that for convex **Lipschitz** (possibly non-smooth)
# functions, any method that sees two values of $f$ per step has, after $k$ steps, an error at least of order
# $\sqrt{n/k}$, while a subgradient method has $\sqrt{1/k}$: with a fixed budget the error is $\sqrt n$ times larger
# (equivalently, $n$ times more steps for the same error). They also show that the two-point estimator with step
# $\alpha = R/\sqrt{nk}$ attains it. An experiment cannot show a lower bound; it can show the second half. We run
# both on $f(x) = \|x - x^*\|_2$ with $\|x^*\| = 1$, for a fixed $k$, and look at the error of the averaged iterate.

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

slope_sqrt = loglog_slope(ns_sqrt, error["two_point"])
slope_sub = loglog_slope(ns_sqrt, error["gradient"])
fig, ax = plt.subplots(figsize=(6.4, 4.2))
ax.loglog(ns_sqrt, error["gradient"], "o-", label=tr(f"subgradient method (slope {slope_sub:.2f})",
                                                    f"субградиентный метод (наклон {slope_sub:.2f})"))
ax.loglog(ns_sqrt, error["two_point"], "s-", label=tr(f"two-point zero-order (slope {slope_sqrt:.2f})",
                                                     f"двухточечный метод (наклон {slope_sqrt:.2f})"))
ax.loglog(ns_sqrt, error["two_point"][0] * np.sqrt(np.array(ns_sqrt) / ns_sqrt[0]), "k--", lw=1, label=r"$\propto \sqrt{n}$")
ax.set_xlabel(tr("dimension $n$", "размерность $n$"))
ax.set_ylabel(tr(r"$f(\bar x_k) - f^*$ after $k$ steps", r"$f(\bar x_k) - f^*$ после $k$ шагов"))
ax.set_title(tr(rf"$f(x) = \|x - x^*\|$, k = {K}: the $\sqrt{{n}}$ factor",
                rf"$f(x) = \|x - x^*\|$, k = {K}: множитель $\sqrt{{n}}$"))
ax.legend()
fig.tight_layout()
plt.show()
print(tr(f"error after {K} steps: subgradient {np.round(error['gradient'], 4)}, two-point {np.round(error['two_point'], 4)}",
         f"ошибка после {K} {plural_ru(K, 'шага', 'шагов', 'шагов')}: субградиентный {np.round(error['gradient'], 4)}, "
         f"двухточечный {np.round(error['two_point'], 4)}"))
claim(0.35 < slope_sqrt < 0.7 and abs(slope_sub) < 0.1, "two-point error ~ √n, subgradient flat",
      slope_sqrt=slope_sqrt, slope_sub=slope_sub)  # fmt: skip
say(f"Fitted slope of the error against $n$: **{slope_sqrt:.2f}** for the two-point method (theory 0.5), "
    f"{slope_sub:.2f} for the subgradient method (theory 0); $n = {ns_sqrt[0]} \\dots {ns_sqrt[-1]}$, $k = {K}$.",
    ru=f"Наклон прямой, приближающей ошибку как функцию $n$: **{slope_sqrt:.2f}** для двухточечного метода (теория "
       f"0.5), {slope_sub:.2f} для субградиентного метода (теория 0); $n = {ns_sqrt[0]} \\dots {ns_sqrt[-1]}$, "
       f"$k = {K}$.")

# %% [markdown] slideshow={"slide_type": "fragment"}
# With the same number of steps, the two-point error grows like $\sqrt n$ (the fitted slope above, between 0.35 and
# 0.7) while the subgradient method's does not depend on $n$: the two-point estimator **reaches** the $\sqrt n$
# factor. That no two-value method does better — the lecture's «мы не можем сделать зависимость лучше, чем от
# $\sqrt{n}$» — is Duchi et al.'s lower bound, a theorem, not something this run shows.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary / Итоги
#
# * Two evaluations of $L$ give a gradient estimate in any dimension, unbiased up to $O(\varepsilon^2)$ (exactly so
#   on a quadratic); a single estimate is far off, only the average is the gradient.
# * Finite differences are exact enough but cost $2d$ evaluations per step.
# * The noise forces steps $n$ times smaller: iterations to a fixed accuracy grow with slope ≈ 1 in $n$ for
#   zero-order GD and stay flat for GD, in all three columns of the lecture's table. Finite differences keep GD's
#   iteration count but pay $2n$ evaluations per step: measured slope ≈ 1 in evaluations as well.
# * For two-point methods the $\sqrt n$ factor in the error is unavoidable (Duchi et al.'s lower bound, a theorem);
#   the two-point estimator reaches it (measured slope between 0.35 and 0.7, printed above; theory 0.5).
# * Reverse-mode AD gives the exact gradient for a constant number of evaluations: no factor $n$ anywhere.
#
# Next: [03 — finite differences](03_finite_differences.ipynb), their cost and accuracy.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Beyond the lecture / За рамками лекции
#
# Gaussian smoothing, the bias and the variance of the random estimators measured, why two values see only
# $1/\sqrt n$ of the gradient, a widget, and a cross-check with JAX.
#
# ### Gaussian smoothing / Гауссово сглаживание (beyond the lecture)
#
# The **Gaussian-smoothing** variant (Nesterov & Spokoiny) takes $u \sim \mathcal{N}(0, I)$ and drops the factor
# $d$ (since $\mathbb{E}[u u^\top] = I$): $G = \frac{L(w + \varepsilon u) - L(w - \varepsilon u)}{2\varepsilon} u$
# (`zo.gaussian_smoothing`). Nesterov & Spokoiny's theorems for smooth functions take the step $1/(4(n + 4)L)$; we
# use four times that, $1/((n + 4)L)$ (`zo.standard_step`): a scaled choice, not theirs.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Bias of the two-point estimator against ε / Смещение двухточечной оценки (beyond the lecture)
#
# $\mathbb{E}\,G$ is the gradient of a *smoothed* $L$: exact for quadratics, and off by $O(\varepsilon^2)$
# otherwise. On $L(w) = \sum_i \sin w_i$ (not a polynomial: every derivative is present) it is known exactly,
# $\mathbb{E}\,G = s(\varepsilon)\,\nabla L$ with $s(\varepsilon) = \frac{d}{\varepsilon}\,\mathbb{E}[v_1 \sin
# \varepsilon v_1] = 1 - \frac{\varepsilon^2}{2(d + 2)} + O(\varepsilon^4)$ (`zo.sphere_sine_factor`), so the
# bias is $|1 - s(\varepsilon)|\,\|\nabla L\|$ at every $\varepsilon$. We measure it by Monte Carlo with common random
# numbers (`zo.two_point_bias`: each $G_\varepsilon(v)$ minus its own limit $d\langle\nabla L, v\rangle v$, the same
# directions for every $\varepsilon$, so the noise largely cancels).

# %% slideshow={"slide_type": "subslide"}
def sines(w):
    return anp.sum(anp.sin(w))


d_bias = 10
w_bias = np.linspace(-1, 1, d_bias)
eps_grid = np.logspace(-2, np.log10(5), 7)
bias = np.linalg.norm(zo.two_point_bias(sines, w_bias, eps_grid, samples=1000, rng=4), axis=1)
grad_norm = np.linalg.norm(np.cos(w_bias))
exact_bias = np.abs(1 - zo.sphere_sine_factor(eps_grid, d_bias)) * grad_norm
leading = eps_grid**2 / (2 * (d_bias + 2)) * grad_norm
small = eps_grid <= 0.3
slope_bias = loglog_slope(eps_grid[small], bias[small])

fig, ax = plt.subplots(figsize=(6.4, 4.2))
ax.loglog(eps_grid, bias, "o", ms=8, label=tr(f"measured (slope {slope_bias:.2f} for ε ≤ 0.3)",
                                              f"измерено (наклон {slope_bias:.2f} при ε ≤ 0.3)"))
ax.loglog(eps_grid, exact_bias, "k-", label=tr(r"exact $|1 - s(\varepsilon)|\,\|\nabla L\|$",
                                               r"точно: $|1 - s(\varepsilon)|\,\|\nabla L\|$"))
ax.loglog(eps_grid, leading, "k:", label=tr(r"leading term $\varepsilon^2 \|\nabla L\| / (2(d+2))$",
                                            r"главный член $\varepsilon^2 \|\nabla L\| / (2(d+2))$"))
ax.set_xlabel(r"$\varepsilon$")
ax.set_ylabel(r"$\|\mathbb{E}\,G - \nabla L\|$")
ax.set_title(tr(rf"Bias of the two-point estimator, $\sum \sin w_i$, d = {d_bias}",
                rf"Смещение двухточечной оценки, $\sum \sin w_i$, d = {d_bias}"))
ax.legend()
fig.tight_layout()
plt.show()
print(tr("ε               ", "ε                   "), np.round(eps_grid, 3))
print(tr("measured / exact", "измерено / точно    "), np.round(bias / exact_bias, 3))
print(tr("leading / exact ", "главный член / точно"), np.round(leading / exact_bias, 3))
claim(abs(slope_bias - 2) < 0.05, "bias = O(ε²)", slope_bias=slope_bias)
claim(np.all(np.abs(bias / exact_bias - 1) < 0.1), "the measured bias is the exact one within 10 %")
claim(leading[-1] / exact_bias[-1] > 1.3, "at large ε the leading term overestimates the bias")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The measured bias follows the exact curve within 10 % (the sampling error of 1000 directions) at every
# $\varepsilon$, with slope 2 while $\varepsilon$ is small: **bias $= O(\varepsilon^2)$**. At the largest
# $\varepsilon$ the leading term $\varepsilon^2/(2(d+2))$ overestimates it by more than 30 % and the measurement
# sides with the exact curve, so the check could have failed. With $\varepsilon = 10^{-6}$, as in the GD runs
# here, the bias is negligible next to the noise.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Variance against the dimension / Дисперсия и размерность (beyond the lecture)
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

fig, ax = plt.subplots(figsize=(6.4, 4.2))
for name, offset in (("two_point", -1), ("gaussian", 1)):
    values = np.array(relative_variance[name])
    ax.loglog(dims, values, "o", label=f"{zo.ESTIMATOR_LABELS[name]}: {tr('slope', 'наклон')} "
                                      f"{loglog_slope(dims, values):.2f}")  # fmt: skip
    ax.loglog(dims, dims + offset, "--", lw=1, label=tr(f"theory $d {offset:+d}$", f"теория $d {offset:+d}$"))
ax.set_xlabel(tr("dimension $d$", "размерность $d$"))
ax.set_ylabel(r"$\mathbb{E}\|G - \nabla L\|^2 / \|\nabla L\|^2$")
ax.set_title(tr("Variance of the random estimators grows like d", "Дисперсия случайных оценок растёт как d"))
ax.legend()
fig.tight_layout()
plt.show()
for name, values in relative_variance.items():
    theory = dims + (-1 if name == "two_point" else 1)
    print(tr(f"{name:10} measured {np.round(values, 1)}  theory {theory}",
             f"{zo.ESTIMATOR_LABELS[name]:21} измерено {np.round(values, 1)}  теория {theory}"))
    claim(np.allclose(values, theory, rtol=0.2), "the relative variance is d ∓ 1 (within 20 %)", name=name)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Both match $d \mp 1$ within the sampling error (20 % with 600 samples): the noise of one estimate is $\sqrt d$
# times the gradient, which is why the step must shrink by $d$.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Why √n: two values see 1/√n of the gradient / Почему √n (beyond the lecture)
#
# A random direction $v$ has $\mathbb{E}|\cos\angle(v, \nabla f)| = \mathbb{E}|v_1| \approx \sqrt{2/(\pi n)}$: two
# values of $f$ reveal only a $1/\sqrt n$ fraction of the gradient.

# %% slideshow={"slide_type": "fragment"}
for n in (2, 10, 100, 1000):
    V = np.random.default_rng(7).standard_normal((4000, n))
    cosines_n = np.abs(V[:, 0]) / np.linalg.norm(V, axis=1)
    print(f"n = {n:5}: E|cos| = {cosines_n.mean():.4f}, √(2/(πn)) = {np.sqrt(2 / (np.pi * n)):.4f}")
    if n >= 100:
        claim(abs(cosines_n.mean() / np.sqrt(2 / (np.pi * n)) - 1) < 0.05, "E|cos| ≈ √(2/(πn)) for large n", n=n)

# %% [markdown] slideshow={"slide_type": "fragment"}
# For $n \ge 100$ the two agree within 5 %; for small $n$ the approximation is rough (it is the large-$n$ limit).

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Try it: n, ε and the step / Попробуйте: n, ε и шаг (beyond the lecture)
#
# `zo.compare_estimators(problem, n, eps, step_scale, budget)` — the pure function behind the widget — runs GD and
# the three estimators with `step_scale` × the step of `zo.standard_step` and 5000 evaluations each; the plot shows
# $(f(x_k) - f^*)/(f(x_0) - f^*)$, floored at $10^{-16}$. First, what a step scale above 2 does (at the widget's
# $n = 50$, step × 2.5):

# %% slideshow={"slide_type": "fragment"}
problems = {"log-cosh (convex)": zo.convex_logcosh, "quadratic (strongly convex)": zo.strongly_convex_quadratic}
problem_names = {"log-cosh (convex)": tr("log-cosh (convex)", "log-cosh (выпуклая)"),  # as shown
                 "quadratic (strongly convex)": tr("quadratic (strongly convex)", "квадратичная (сильно выпуклая)")}
probe = {name: zo.compare_estimators(make, 50, step_scale=2.5, budget=5000, estimators=("gradient", "two_point"))
         for name, make in problems.items()}  # fmt: skip
for name, runs_probe in probe.items():
    for estimator, run in runs_probe.items():
        state = tr("diverged", "расходится") if run.diverged else tr(
            f"final / initial loss {run.losses[-1] / run.losses[0]:.1e}",
            f"потери в конце / в начале {run.losses[-1] / run.losses[0]:.1e}")
        print(tr(f"{name:28} {estimator:10} step × 2.5: {state}",
                 f"{problem_names[name]:31} {zo.ESTIMATOR_LABELS[estimator]:20} шаг × 2.5: {state}"))
logcosh_gd, quadratic_gd = probe["log-cosh (convex)"]["gradient"], probe["quadratic (strongly convex)"]["gradient"]
claim(quadratic_gd.diverged, "GD diverges on the quadratic at step × 2.5")
claim(not logcosh_gd.diverged and logcosh_gd.losses.min() > 1e-2 * logcosh_gd.losses[0],
      "on log-cosh GD does not diverge but stalls above 1 % of its initial loss")  # fmt: skip
claim(all(r["two_point"].losses[-1] < 1e-3 * r["two_point"].losses[0] for r in probe.values()),
      "two-point GD still converges at step × 2.5")  # fmt: skip
lam_50, w_end = np.arange(1, 51) / 50, logcosh_gd.w  # log-cosh's λ_i = i/n; two more GD steps from the end:
w_two = w_end - 2.5 * lam_50 * np.tanh(w_end)
w_two = w_two - 2.5 * lam_50 * np.tanh(w_two)
stiff = 2.5 * lam_50 > 2 + 1e-9  # α λ_i > 2 (λ = 0.8 gives exactly 2: not stiff)
claim(np.max(np.abs(w_two - w_end)) < 1e-3 and np.all(np.abs(w_end[stiff]) > 0.1) and np.all(np.abs(w_end[~stiff]) < 0.1),
      "the stiff coordinates settle into a two-cycle, the others converge")  # fmt: skip

# %% [markdown] slideshow={"slide_type": "fragment"}
# Above step × 2, GD's step exceeds $2/\lambda_{\max}$. On the strongly convex quadratic that is divergence. On
# log-cosh it is not: the gradient $\lambda_i \tanh w_i$ is bounded by $\lambda_i$, so the stiff coordinates (those
# with $\alpha\lambda_i > 2$) settle into a bounded two-cycle around 0, the others converge, and GD's loss
# **stalls** (above 1 % of its start here) instead of growing. Two-point GD, whose step is $n$ times smaller, still
# converges at step × 2.5 on both. Try also a tiny $\varepsilon$ (round-off) or a large $n$ (the random estimators
# slow down, central differences get expensive).

# %% slideshow={"slide_type": "fragment"}
import ipywidgets as widgets

FLOOR = 1e-16  # relative accuracy below which the curves are cut (a loss of exactly 0 has no logarithm)


def show_runs(n=50, log10_eps=-6.0, step_scale=1.0, problem="log-cosh (convex)"):
    make = problems[problem]
    runs = zo.compare_estimators(make, n, eps=10.0**log10_eps, step_scale=step_scale, budget=5000)
    fig, ax = plt.subplots(figsize=(7.2, 4.4))
    top = 1.0
    for name, run in runs.items():
        relative = (run.losses - make(n).f_star) / (run.losses[0] - make(n).f_star)
        note = (tr(" (diverged)", " (расходится)") if run.diverged else
                tr(" (grows, cut at 1e8)", " (растёт, обрезано на 1e8)") if np.max(relative) > 1e8 else "")
        ax.loglog(np.maximum(run.evaluations, 1), np.clip(relative, FLOOR, 1e8), label=zo.ESTIMATOR_LABELS[name] + note)
        top = max(top, min(np.max(relative), 1e8))
    ax.set_ylim(FLOOR / 3, 10 * top)
    ax.set_xlabel(tr("evaluations of $L$", "вычисления $L$"))
    ax.set_ylabel(r"$(f(x_k) - f^*) / (f(x_0) - f^*)$")
    ax.set_title(tr(f"{problem}, n = {n}, ε = 1e{log10_eps:g}, step × {step_scale:g}",
                    f"{problem_names[problem]}, n = {n}, ε = 1e{log10_eps:g}, шаг × {step_scale:g}"))
    ax.legend(loc="lower left")
    plt.show()


runs_widget = widgets.interact(
    show_runs,
    n=widgets.IntSlider(value=50, min=2, max=500, description="n"),
    log10_eps=widgets.FloatSlider(value=-6.0, min=-14.0, max=0.0, step=0.5, description="log10 ε"),
    step_scale=widgets.FloatSlider(value=1.0, min=0.1, max=3.0, step=0.1, description=tr("step × ", "шаг × ")),
    problem=widgets.Dropdown(options=[(problem_names[p], p) for p in problems], value="log-cosh (convex)",
                             description=tr("problem", "задача")),
)

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Cross-check with JAX / Проверка с помощью JAX (beyond the lecture)
#
# The gradients GD used (and the closed-form gradients the rate table's stopping rules use), against `jax.grad` in
# float64; and the mean of many two-point estimates against JAX's gradient, within the sampling error.

# %% slideshow={"slide_type": "fragment"}
import jax

jax.config.update("jax_enable_x64", True)  # before any JAX array exists
import jax.numpy as jnp

n = 20
lam_sc, lam_cvx = np.linspace(0.1, 1.0, n), np.arange(1, n + 1) / n
x = np.random.default_rng(8).standard_normal(n)
pairs = ((zo.strongly_convex_quadratic(n), lambda w: 0.5 * jnp.sum(lam_sc * w * w)),
         (zo.convex_logcosh(n), lambda w: jnp.sum(lam_cvx * jnp.log(jnp.cosh(w)))),
         (zo.convex_flat(n), lambda w: jnp.sum(lam_sc * w**4 / (1 + w**2))),
         (zo.nonconvex_log(n), lambda w: jnp.sum(lam_sc * jnp.log1p(w**2))))  # fmt: skip
for problem_n, f_jax in pairs:
    reference = np.asarray(jax.grad(f_jax)(jnp.asarray(x)))
    np.testing.assert_allclose(adlib.grad(problem_n.L)(x), reference, rtol=1e-12)
    np.testing.assert_allclose(problem_n.gradient(x), reference, rtol=1e-12, atol=1e-15)
    rng = np.random.default_rng(9)
    G = np.array([zo.two_point(problem_n.L, x, 1e-6, rng) for _ in range(1000)])
    claim(np.all(np.abs(G.mean(axis=0) - reference) < 5 * G.std(axis=0) / np.sqrt(len(G))),
          "the mean two-point estimate is jax.grad within 5 standard errors", problem=problem_n.name)  # fmt: skip
print(tr("adlib.grad == closed form == jax.grad (rtol 1e-12); mean two-point estimate == jax.grad within 5 standard errors",
         "adlib.grad == аналитическая формула == jax.grad (rtol 1e-12); среднее двухточечных оценок == jax.grad "
         "с точностью до 5 стандартных ошибок"))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Back to [01 — the problem and MDS](01_problem_mds.ipynb) · next: [03 — finite differences](03_finite_differences.ipynb)
