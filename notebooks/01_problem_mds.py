# ---
# jupyter:
#   course:
#     summary: 'Why gradients: MDS of 34 cities, GD vs zero-order vs Nelder-Mead'
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
# # The problem, and an example: multidimensional scaling / Задача и пример: многомерное шкалирование
#
# Why gradients matter: we minimise a loss $L(w)$ over millions or billions of parameters, and without the
# gradient the work grows with the dimension. We see it on the lecture's example, **multidimensional scaling**
# (MDS) of real data — the European cities with over a million inhabitants — solved three ways, with every
# evaluation of $L$ counted: gradient descent with `adlib`'s gradient, gradient descent with a two-point
# zero-order estimate, and Nelder–Mead, and how the two without a gradient degrade as the dimension grows. Then the
# slide's question, *is it related to PCA?*, and Рис. 3, the cities settling into a map. Beyond the lecture, at the
# end: classical MDS against the gradient solution, a JAX check of the gradient, the measured cost of a gradient,
# and a widget.
#
# Runs in under a minute. `ADLIB_FULL=1` gives every method a ten times larger budget of evaluations.

# %% [markdown] slideshow={"slide_type": "skip"} tags=["colab"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/adlib-course/adlib-course/blob/v0.1.0/notebooks/01_problem_mds.ipynb)
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
from IPython.display import HTML, display

import adlib
import adlib.numpy as anp
from adlib.course import exercises, mds, projector
from adlib.course import zero_order as zo
from adlib.course.claims import choose, claim, say
from adlib.course.i18n import player_html, plural_ru, tr
from adlib.course.measure import time_calls

projector.use()  # figure text readable on a 1280×720 slide
FULL = os.environ.get("ADLIB_FULL") == "1"
BUDGET = 100_000 if FULL else 10_000  # evaluations of L (or their equivalent) allowed to each method
np.set_printoptions(precision=4, suppress=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The problem / Задача
#
# $$L(w) \to \min_{w \in \mathbb{R}^d}$$
#
# * Modern models have $d \sim 10^{11}$–$10^{12}$ parameters.
# * Zero-order methods (values of $L$ only) are hopeless there: their cost grows with $d$ (notebook 02).
# * First-order methods use the **gradient** $\nabla_w L = \left(\frac{\partial L}{\partial w_1}, \dots,
#   \frac{\partial L}{\partial w_d}\right)^{\top}$ and scale.
# * Second-order methods need the $d \times d$ Hessian: too much memory.

# %% slideshow={"slide_type": "fragment"}
for d in (1e6, 1e9, 1e12):
    gradient_gib, hessian_gib = 8 * d / 2**30, 8 * d**2 / 2**30
    print(tr(f"d = {d:.0e}: the gradient takes {gradient_gib:12.3g} GiB, the Hessian {hessian_gib:12.3g} GiB (float64)",
             f"d = {d:.0e}: градиент занимает {gradient_gib:12.3g} ГиБ, гессиан {hessian_gib:12.3g} ГиБ (float64)"))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Example: multidimensional scaling / Пример: задача многомерного шкалирования
#
# Given the matrix $D \in \mathbb{R}^{N \times N}$ of distances between $N$ objects of dimension $d$, recover their
# coordinates $W_i \in \mathbb{R}^d$, $i = 1, \dots, N$, from the slide's loss
#
# $$L(W) = \sum_{i,j=1}^N \left(\|W_i - W_j\|_2^2 - D_{ij}\right)^2 \to \min_{W \in \mathbb{R}^{N \times d}}.$$
#
# **Notation.** On this slide $d$ is the dimension of each point; on the previous one $d$ was the number of
# parameters of $L(w)$. To keep the two apart, from here on we write $k$ for the dimension of the points ($k = 2$:
# a map), so that $d = N \cdot k$ remains the number of parameters, the quantity the cost of every method depends on.
#
# The loss compares **squared** distances, so $D_{ij}$ must hold squared distances. Our data: 34 European cities
# with more than a million inhabitants (`mds.CITIES_CSV`, i.e. `adlib/course/data/european_cities.csv`, latitude and longitude, source in its
# header), great-circle distances on a sphere of radius 6371 km, squared and divided by the largest, so that the
# coordinates are of order one.

# %% slideshow={"slide_type": "subslide"}
cities, D, km_per_unit = mds.squared_distance_matrix()
names = list(cities["name"])
N, k = len(names), 2
print(tr(f"N = {N} cities, k = {k}: d = N·k = {N * k} parameters; one unit of W = {km_per_unit:.0f} km",
         f"N = {N} {plural_ru(N, 'город', 'города', 'городов')}, k = {k}: d = N·k = {N * k} "
         f"{plural_ru(N * k, 'параметр', 'параметра', 'параметров')}; единица W = {km_per_unit:.0f} км"))
for i in range(6):
    print(f"  {mds.place_name(names[i]):18} {mds.place_name(cities['country'][i]):16} {cities['latitude'][i]:8.3f}"
          f" {cities['longitude'][i]:8.3f}"
          f" {cities['population'][i] / 1e6:6.2f} " + tr("M", "млн"))
i, j = names.index("London"), names.index("Paris")
print(tr(f"London–Paris: {np.sqrt(D[i, j]) * km_per_unit:.0f} km",
         f"Лондон–Париж: {np.sqrt(D[i, j]) * km_per_unit:.0f} км"))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The loss in code / Функция потерь в коде
#
# `adlib.course.mds.mds_loss` is these lines, written with `adlib.numpy`, so `adlib.grad` differentiates it.


# %% slideshow={"slide_type": "fragment"}
def mds_loss(W, D):
    diff = W[:, None, :] - W[None, :, :]  # N×N×k: all W_i − W_j
    squared = anp.sum(diff * diff, axis=-1)  # ‖W_i − W_j‖²
    return anp.sum((squared - D) ** 2)


W_test = np.random.default_rng(1).standard_normal((N, k))
np.testing.assert_allclose(mds_loss(W_test, D), mds.mds_loss(W_test, D), rtol=1e-14)
print(f"mds_loss == mds.mds_loss (rtol 1e-14); L(W_test) = {mds_loss(W_test, D):.6f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 1.1** / **Упражнение 1.1** — the gradient by hand. Write $\nabla_W L$ of the slide's loss with NumPy
# alone (no adlib): an $N \times k$ array whose row $m$ is $\partial L / \partial W_m$. Name the residuals
# $r_{ij} = \|W_i - W_j\|^2 - D_{ij}$, so that $L = \sum_{i,j} r_{ij}^2$, and apply the chain rule. Running the cell
# compares your function with `adlib.grad(mds_loss)` and with finite differences, at `W_test` and at a point ten
# times smaller (where $\|W_i - W_j\|^2 < D_{ij}$ for most pairs).

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def my_mds_gradient(W):
    raise NotImplementedError  # your code here: an N×k array, row m = ∂L/∂W_m (D is the matrix above)


exercises.check_grad(my_mds_gradient, lambda W: mds_loss(W, D), points=[W_test, 0.1 * W_test],
                     hint=("W_m appears in the sum twice: as the first point of the pairs (m, j) and as the second "
                           "of the pairs (i, m)",
                           "W_m входит в сумму дважды: первой точкой пар (m, j) и второй точкой пар (i, m)"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Solution / Решение
# ∂r_mj/∂W_m = 2(W_m − W_j) and ∂r_im/∂W_m = −2(W_i − W_m) = 2(W_m − W_i), so with L = Σ r_ij²:
#   ∂L/∂W_m = Σ_j 2 r_mj · 2(W_m − W_j) + Σ_i 2 r_im · 2(W_m − W_i) = 8 Σ_j r_mj (W_m − W_j),
# the two sums being equal because r (like D) is symmetric. Counting W_m only once gives half the gradient.
def solution_mds_gradient(W):
    diff = W[:, None, :] - W[None, :, :]  # N×N×k: W_i − W_j
    r = np.sum(diff * diff, axis=-1) - D  # N×N: the residuals r_ij
    return 8 * np.sum(r[:, :, None] * diff, axis=1)  # row m: 8 Σ_j r_mj (W_m − W_j)


exercises.check_grad(solution_mds_gradient, lambda W: mds_loss(W, D), points=[W_test, 0.1 * W_test]).assert_passed()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Counting honestly / Честный подсчёт
#
# We compare methods by **evaluations of $L$**:
#
# * **two-point zero-order GD** pays 2 evaluations per step;
# * **Nelder–Mead** (`scipy.optimize.minimize`) pays every call, counted by a wrapper;
# * **GD with `adlib.grad`** pays one gradient per step. Reverse mode costs a small constant number of evaluations —
#   the classical bound is about 4–5 (Griewank & Walther); we charge `GRAD_COST = 4` evaluations per gradient.
#   Timing adlib itself (beyond the lecture, at the end) measures that number on this loss; notebook 03 shows that
#   it does not grow with $d$.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Three solvers, one budget / Три метода, один бюджет
#
# The slide's claim: methods without the gradient solve this problem much more slowly. The same seeded random
# start, the same budget of evaluations. `mds.solve` runs `adlib.course.zero_order.gradient_descent` (estimator
# `"gradient"` or `"two_point"`, step $0.1/N$, divided by $d$ for the two-point estimator, whose variance is $d$
# times larger) or Nelder–Mead (adaptive simplex parameters for high dimension). Besides the loss, the table gives an
# error in km that needs no map: the root-mean-square error of the $N(N-1)/2$ distances of the solution
# (`mds.distance_error_km`).

# %% slideshow={"slide_type": "subslide"}
labels = {"gradient": tr("GD with adlib.grad", "GD с adlib.grad"),
          "two_point": tr("two-point zero-order GD", "GD с двухточечной оценкой"),
          "nelder-mead": tr("Nelder–Mead", "Нелдер–Мид")}
results = {method: mds.solve(method, D, BUDGET, seed=0) for method in mds.METHODS}
W_classical, eigenvalues = mds.classical_mds(D)
L_min = min(mds.mds_loss(W_classical, D), *(r["losses"].min() for r in results.values()))

fig, ax = plt.subplots(figsize=(8, 4.6))
mds.plot_loss_vs_evaluations(ax, results, labels, L_min=L_min)  # log-log: L(W) − L_min against evaluations of L
ax.set_title(tr(f"MDS of {N} cities (d = {N * k}): loss vs evaluations",
                f"MDS для {N} {plural_ru(N, 'города', 'городов', 'городов')} (d = {N * k}): потери и число вычислений"))
fig.tight_layout()
plt.show()

print(f"{tr('method', 'метод'):26}{tr('evaluations', 'вычислений'):>12}{'L − L_min':>12}"
      f"{tr('distances off (km, rms)', 'ошибка, км (ср. кв.)'):>25}")
for method, result in results.items():
    print(f"{labels[method]:26}{result['evaluations'][-1]:>12.0f}{result['losses'][-1] - L_min:>12.2e}"
          f"{mds.distance_error_km(result['W'], D, km_per_unit):>25.1f}")


def gap_after(method, evaluations):  # L − L_min after at most so many evaluations
    result = results[method]
    return result["losses"][np.searchsorted(result["evaluations"], evaluations, side="right") - 1] - L_min


gd = results["gradient"]
error_gd = mds.distance_error_km(gd["W"], D, km_per_unit)
claim(0.5 < error_gd < 10, "at the minimum the distances are a few km off, not 0", km=error_gd)
to_minimum = gd["evaluations"][np.argmax(gd["losses"] - L_min < 1e-10)]
claim(gd["losses"][-1] - L_min < 1e-10 and to_minimum <= 5000,
      "GD reaches the minimum within a few thousand evaluations", evaluations=to_minimum)
claim(gap_after("two_point", 10_000) > 1e-3, "after 10 000 evaluations two-point GD is still far from the minimum",
      gap=gap_after("two_point", 10_000))
claim(gap_after("nelder-mead", 10_000) > max(gap_after("two_point", 10_000), 0.1 * (gd["losses"][0] - L_min)),
      "Nelder–Mead is further still", gap=gap_after("nelder-mead", 10_000))
say(f"GD with the gradient: $L - L_{{\\min}} < 10^{{-10}}$ after {to_minimum:.0f} evaluations. After 10 000: "
    f"two-point GD at {gap_after('two_point', 10_000):.2g}, Nelder–Mead at {gap_after('nelder-mead', 10_000):.2g} "
    f"(the start: {gd['losses'][0] - L_min:.3g}).",
    ru=f"GD с градиентом: $L - L_{{\\min}} < 10^{{-10}}$ после {to_minimum:.0f} "
    f"{plural_ru(to_minimum, 'вычисления', 'вычислений', 'вычислений')}. После 10 000: "
    f"двухточечный GD — {gap_after('two_point', 10_000):.2g}, Нелдер–Мид — {gap_after('nelder-mead', 10_000):.2g} "
    f"(в начале: {gd['losses'][0] - L_min:.3g}).")

# %% [markdown] slideshow={"slide_type": "fragment"}
# What to see: with the gradient the loss reaches its minimum (to rounding) within a few thousand evaluations; after
# 10 000 evaluations the two-point method is still far from it, and Nelder–Mead, a good method in 2–5 dimensions,
# is further still in $d = 68$. GD's distances are a few km off at its minimum, not 0: the Earth is not flat, and
# no flat map has exactly its distances. (`ADLIB_FULL=1` gives every method ten times the budget: see how far that gets the
# two methods without a gradient.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Especially in high dimension / Особенно в пространствах большой размерности
#
# The slide: gradient-free methods solve this problem much more slowly, *especially in high dimension*. One budget,
# 4000 evaluations, for every method and every $n$: the $n$ largest cities, $d = 2n$ (`mds.mds_map`, the function behind the widget at
# the end); the error of the distances in km:

# %% slideshow={"slide_type": "fragment"}
sizes = (3, 8, 15, 25, 34)
sweep = {method: [mds.mds_map(method, n, 4000)["distance_error_km"] for n in sizes] for method in mds.METHODS}
print(f"{tr('method', 'метод'):26}" + "".join(f"{f'n = {n} (d = {2 * n})':>17}" for n in sizes))
for method, errors in sweep.items():
    print(f"{labels[method]:26}" + "".join(f"{e:>14.1f} " + tr("km", "км") for e in errors))

claim(max(sweep["gradient"]) < 10, "GD is a few km off for every n", km=sweep["gradient"])
for method in ("two_point", "nelder-mead"):
    errors = sweep[method]
    claim(errors[0] < 10 and errors[-1] > 100 and errors[-1] > 10 * max(errors[1], 1.0),
          "without a gradient: fine for 3 cities, hundreds of km off for 34", method=method, km=errors)
claim(sweep["nelder-mead"][-1] > sweep["two_point"][-1], "Nelder–Mead degrades the most", km=sweep)

# %% [markdown] slideshow={"slide_type": "fragment"}
# What to see: with the gradient every $n$ is solved to a few km. Without it, 3 cities ($d = 6$) are still solved,
# but the error grows with the dimension, to hundreds of km for all 34 cities; Nelder–Mead degrades the most.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Question: is it related to PCA? / Вопрос: связано ли это с PCA?
#
# Yes. If $D_{ij} = \|x_i - x_j\|^2$ for some points $x_i$, double centring with $J = I - \frac1N \mathbf{1}\mathbf{1}^\top$
# gives their Gram matrix: $B = -\tfrac12 J D J = X_c X_c^\top$ ($X_c$ the centred points). Its top-$k$
# eigenvectors, scaled by $\sqrt{\lambda}$, are the top-$k$ **principal component scores** of the points:
# *classical MDS is PCA computed from distances alone*. We check it on the cities in 3-D (points on the sphere), where
# we can run PCA directly.

# %% slideshow={"slide_type": "fragment"}
lat, lon = np.radians(cities["latitude"]), np.radians(cities["longitude"])
X3 = np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])  # on the unit sphere
D3 = np.sum((X3[:, None] - X3[None]) ** 2, axis=-1)  # squared chord distances
Xc = X3 - X3.mean(axis=0)  # the centred points: what classical MDS has to recover from D3 alone


def nonzero_eigenvalues(eigenvalues):
    """How many eigenvalues are not zero up to rounding (above 1e-10 of the largest in size)."""
    return int(np.sum(np.abs(eigenvalues) > 1e-10 * np.max(np.abs(eigenvalues))))


print(tr(f"X3: {X3.shape[0]} points in R^{X3.shape[1]}; D3: {D3.shape[0]}×{D3.shape[1]} squared distances",
         f"X3: {X3.shape[0]} {plural_ru(X3.shape[0], 'точка', 'точки', 'точек')} в R^{X3.shape[1]}; "
         f"D3: {D3.shape[0]}×{D3.shape[1]}, квадраты расстояний"))

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 1.2** / **Упражнение 1.2** — double centring. Compute $B = -\tfrac12 J D_3 J$ with
# $J = I - \frac1N \mathbf{1}\mathbf{1}^\top$ from the distances `D3` alone (NumPy: `np.eye`, `np.ones`, `@`).
# Running the cell compares it with the Gram matrix $X_c X_c^\top$ of the centred points, which the formula never
# sees.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_B3 = ...  # your code here: the N×N matrix −½ J D3 J

exercises.check_value(my_B3, Xc @ Xc.T, rtol=1e-10, name="B",
                      hint=("J = np.eye(N) − np.ones((N, N)) / N, then two matrix products with @",
                            "J = np.eye(N) − np.ones((N, N)) / N, затем два матричных произведения через @"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Solution / Решение
# J subtracts the mean: J D3 J centres D3's rows and columns. With D_ij = ‖x_i‖² − 2 x_iᵀx_j + ‖x_j‖², the terms
# ‖x_i‖² and ‖x_j‖² are constant along a row or a column, so the centring removes them: −½ J D3 J = X_c X_cᵀ.
solution_J = np.eye(N) - np.ones((N, N)) / N
solution_B3 = -0.5 * solution_J @ D3 @ solution_J

exercises.check_value(solution_B3, Xc @ Xc.T, rtol=1e-10, name="B").assert_passed()

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 1.3** / **Упражнение 1.3** — predict, then run. $B$ is a $34 \times 34$ matrix. How many of its
# eigenvalues are not zero (up to rounding)? Write a number; running the cell computes the eigenvalues
# (`mds.classical_mds`) and counts, and the cell after the solution prints them.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_nonzero_count = None  # your code here: a whole number from 1 to 34

exercises.check_prediction(my_nonzero_count, nonzero_eigenvalues(mds.classical_mds(D3)[1]), within=1.2,
                           name=tr("the number of nonzero eigenvalues of B", "число ненулевых собственных значений B"),
                           hint=("B = X_c X_cᵀ, and X_c has only three columns: what is the rank of B?",
                                 "B = X_c X_cᵀ, а у X_c всего три столбца: каков ранг B?"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Solution / Решение
# B = X_c X_cᵀ with X_c of shape 34×3: its rank is at most 3, the dimension of the points (and exactly 3, since the
# cities do not lie in one plane through their centre). The other 31 eigenvalues are 0: the distances of points in
# R^3 carry three coordinates' worth of information, and classical MDS reads it off the top eigenvectors.
solution_nonzero_count = 3  # the rank of X_c (34×3): the dimension of the points

exercises.check_prediction(solution_nonzero_count, nonzero_eigenvalues(mds.classical_mds(D3)[1]), within=1.2,
                           name=tr("the number of nonzero eigenvalues of B",
                                   "число ненулевых собственных значений B")).assert_passed()

# %% slideshow={"slide_type": "subslide"}
W_mds3, eigenvalues3 = mds.classical_mds(D3, k=2)
U, S, Vt = np.linalg.svd(Xc, full_matrices=False)
count3 = nonzero_eigenvalues(eigenvalues3)
print(tr(f"eigenvalues of B (largest first): {eigenvalues3[:5]} …, "
         f"the smallest in size {np.min(np.abs(eigenvalues3)):.1e}",
         f"собственные значения B (по убыванию): {eigenvalues3[:5]} …, наименьшее по модулю "
         f"{np.min(np.abs(eigenvalues3)):.1e}"))
print(tr(f"nonzero (above 1e-10 of the largest): {count3}; squared singular values of X_c: {S**2}",
         f"ненулевых (больше 1e-10 от наибольшего): {count3}; квадраты сингулярных чисел X_c: {S**2}"))
claim(count3 == 3, "B has exactly three nonzero eigenvalues", count=count3)
np.testing.assert_allclose(eigenvalues3[:3], S**2, rtol=1e-12)  # eigenvalues of X_c X_cᵀ = σ² of X_c
scores = Xc @ Vt[:2].T  # PCA: projections on the top-2 principal axes
signs = np.sign(np.sum(scores * W_mds3, axis=0))  # eigenvectors are defined up to sign
np.testing.assert_allclose(W_mds3 * signs, scores, atol=1e-12)
print(tr("classical MDS of the squared chord distances == top-2 PCA scores of the 3-D points (atol 1e-12)",
         "классическое MDS квадратов хордовых расстояний == первые 2 главные компоненты трёхмерных точек (atol 1e-12)"))
claim(eigenvalues3[2] < 0.01 * eigenvalues3[0], "the third eigenvalue is small next to the first",
      eigenvalues=eigenvalues3[:3])
say(f"$B$ has **{count3}** nonzero eigenvalues, {eigenvalues3[0]:.3g}, {eigenvalues3[1]:.3g} and "
    f"{eigenvalues3[2]:.2g} (the squared singular values of $X_c$); the other {N - count3} are below "
    f"{np.max(np.abs(eigenvalues3[count3:])):.0e} in size, rounding.",
    ru=f"У $B$ **{count3}** "
    f"{plural_ru(count3, 'ненулевое', 'ненулевых', 'ненулевых')} "
    f"{plural_ru(count3, 'собственное значение', 'собственных значения', 'собственных значений')}: "
    f"{eigenvalues3[0]:.3g}, {eigenvalues3[1]:.3g} и {eigenvalues3[2]:.2g} (квадраты сингулярных чисел $X_c$); "
    f"остальные {N - count3} по модулю меньше {np.max(np.abs(eigenvalues3[count3:])):.0e}: это ошибки округления.")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The rank of $B$ is the dimension of the points: the distances alone give back the centred points up to a rotation
# or reflection, and the top-$k$ eigenvectors are the best $k$-dimensional picture of them, the PCA scores. The third
# eigenvalue is small: the cities cover a thin, slightly curved patch of the sphere, nearly a plane, which is why a
# flat map of them is a few km off and no more (the map below, and the comparison with the gradient solution at the
# end).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Example: multidimensional scaling, the cities settle into a map / Пример: многомерное масштабирование (Рис. 3)
#
# Each frame shows both gradient methods after the same number of evaluations, aligned by `mds.procrustes` (the loss
# cannot tell a map from its rotation or mirror image) to where a solution ends up: the closed-form classical-MDS map
# of the PCA question, turned so that north is up (grey ×, `mds.solved_map_km`). Each panel's title gives its error
# of the distances; the cities are named once a panel's error is below 300 km.

# %% slideshow={"slide_type": "subslide"}
frame_budgets = np.unique(np.geomspace(10, BUDGET, 20).astype(int))
fig, anim = mds.animate_maps(results, cities, D, km_per_unit, frame_budgets, ("gradient", "two_point"), labels)
plt.close(fig)
display(HTML(player_html(anim.to_jshtml())))  # the player's buttons in the notebook's language

error_gd_1000 = mds.distance_error_km(mds.at_budget(results["gradient"], 1000), D, km_per_unit)
error_two_point_10000 = mds.distance_error_km(mds.at_budget(results["two_point"], 10_000), D, km_per_unit)
claim(error_gd_1000 < 20, "with the gradient the map appears within about a thousand evaluations", km=error_gd_1000)
claim(error_two_point_10000 > 50, "after 10 000 evaluations the two-point method is still untangling it",
      km=error_two_point_10000)

# %% [markdown] slideshow={"slide_type": "fragment"}
# What to see: with the gradient the map appears within about a thousand evaluations — London and Madrid in the
# west, Moscow and Ufa in the east, Istanbul in the south-east; after 10 000 evaluations the two-point method is
# still untangling it. (The same animation is `figures/mds_cities.gif`, drawn by `make figures`.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Beyond the lecture: classical MDS versus the gradient solution / За рамками лекции: классическое MDS и решение градиентным спуском
#
# On the great-circle distances, classical MDS gives a closed-form 2-D map. It minimises a different loss,
# $\|W W^\top - B\|_F^2$ ("strain"), than the slide's $\sum (\|W_i - W_j\|^2 - D_{ij})^2$ ("s-stress"), so the two
# solutions need not coincide. How far apart are they, after the best rotation/reflection (Procrustes)?

# %% slideshow={"slide_type": "fragment"}
from scipy.spatial import procrustes as scipy_procrustes

W_gd = results["gradient"]["W"]
W_classical = mds.solved_map_km(cities, D, km_per_unit) / km_per_unit  # turned like the real map, for the plot
aligned, rms = mds.procrustes(W_classical, W_gd)
_, _, disparity = scipy_procrustes(W_classical, W_gd)  # scipy also rescales; a cross-check of the alignment
print(tr(f"eigenvalues of B: {eigenvalues[:4]}  "
         "(two dominate: the cities are nearly planar; the third is the Earth's curvature)",
         f"собственные значения B: {eigenvalues[:4]}  (два преобладают: города почти в одной плоскости; третье — "
         f"кривизна Земли)"))
print(tr(f"slide's loss: classical MDS {mds.mds_loss(W_classical, D):.6e}, GD {mds.mds_loss(W_gd, D):.6e}",
         f"функция потерь слайда: классическое MDS {mds.mds_loss(W_classical, D):.6e}, GD {mds.mds_loss(W_gd, D):.6e}"))
print(tr(f"rms distance between the two maps after Procrustes: {rms * km_per_unit:.2f} km "
         f"(the map spans {np.sqrt(D.max()) * km_per_unit:.0f} km); scipy's disparity {disparity:.2e}",
         f"ср. кв. расстояние между картами после Прокруста: {rms * km_per_unit:.2f} км "
         f"(размах карты {np.sqrt(D.max()) * km_per_unit:.0f} км); мера расхождения (disparity) в scipy {disparity:.2e}"))
loss_gd, loss_classical = mds.mds_loss(W_gd, D), mds.mds_loss(W_classical, D)
claim(loss_gd < loss_classical, "GD reaches a lower value of the slide's loss", gd=loss_gd, classical=loss_classical)
say(f"The two maps agree to **{rms * km_per_unit:.1f} km** (rms, after Procrustes) over a continent "
    f"{np.sqrt(D.max()) * km_per_unit:.0f} km wide, and GD's value of the slide's loss is "
    f"**{100 * (1 - loss_gd / loss_classical):.0f} % lower** ({loss_gd:.3g} against {loss_classical:.3g}).",
    ru=f"Две карты совпадают с точностью **{rms * km_per_unit:.1f} км** (ср. кв., после Прокруста) на континенте "
    f"шириной {np.sqrt(D.max()) * km_per_unit:.0f} км, а значение функции потерь слайда у GD "
    f"**на {100 * (1 - loss_gd / loss_classical):.0f} % ниже** ({loss_gd:.3g} против {loss_classical:.3g}).")

fig, ax = plt.subplots(figsize=(8, 4.8))
ax.plot(*(km_per_unit * W_classical).T, "o", mfc="none", ms=10,
        label=tr("classical MDS (eigenvectors of B)", "классическое MDS (собств. векторы B)"))
ax.plot(*(km_per_unit * aligned).T, ".", color="tab:red", ms=7,
        label=tr("GD on the slide's loss, aligned", "GD по потерям слайда (совмещено)"))
for name in mds.LABELLED:
    ax.annotate(mds.place_name(name), km_per_unit * W_classical[names.index(name)], xytext=(5, 4),
                textcoords="offset points")
ax.set_aspect("equal")
ax.set_xlabel(tr("km (west–east)", "км (запад–восток)"))
ax.set_ylabel(tr("km (south–north)", "км (юг–север)"))
ax.set_title(tr("Classical MDS = PCA from distances, vs the gradient solution",
                "Классическое MDS = PCA по расстояниям и решение градиентным спуском"))
ax.legend(loc="upper left")
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Answer: the circles and the dots coincide, and gradient descent reaches a *lower* value of the slide's loss,
# which it, unlike classical MDS, minimises. So: MDS with squared distances is essentially PCA of the hidden points, available in closed form from $D$ alone; a
# gradient method is what we need as soon as the loss changes (unsquared distances, weights, missing entries,
# robust losses) and no eigen-decomposition solves it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Beyond the lecture: a JAX check of the gradient / За рамками лекции: проверка градиента с помощью JAX
#
# `adlib.grad(mds_loss)` against `jax.grad` of the same loss, in float64.

# %% slideshow={"slide_type": "fragment"}
import jax

jax.config.update("jax_enable_x64", True)  # before any JAX array exists
import jax.numpy as jnp


def mds_loss_jax(W):
    return jnp.sum((jnp.sum((W[:, None, :] - W[None, :, :]) ** 2, axis=-1) - D) ** 2)


np.testing.assert_allclose(adlib.grad(mds_loss)(W_test, D), jax.grad(mds_loss_jax)(W_test), rtol=1e-11)
print(tr("adlib.grad(mds_loss) == jax.grad in float64 (rtol 1e-11)",
         "adlib.grad(mds_loss) == jax.grad в float64 (rtol 1e-11)"))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Beyond the lecture: what one gradient costs / За рамками лекции: сколько стоит один градиент
#
# The solvers charged `GRAD_COST = 4` evaluations of $L$ per gradient. The CPU time of one `adlib.grad` against one
# evaluation of $L$, on this loss:

# %% slideshow={"slide_type": "fragment"}
grad_loss = adlib.grad(mds.mds_loss)
# CPU time of this process (other programs on the machine do not count), best of 5 rounds, taking turns: both are
# timed in the same moments of the machine
t_L, t_grad = time_calls([lambda: mds.mds_loss(W_test, D), lambda: grad_loss(W_test, D)], repeat=5, min_time=0.01,
                         cpu=True)
ratio = t_grad / t_L
print(tr(f"one L: {t_L * 1e6:.0f} µs, one adlib.grad: {t_grad * 1e6:.0f} µs, ratio {ratio:.1f} "
         f"(charged: {zo.GRAD_COST:g}; central differences would cost 2d = {2 * N * k})",
         f"одно L: {t_L * 1e6:.0f} мкс, один adlib.grad: {t_grad * 1e6:.0f} мкс, отношение {ratio:.1f} "
         f"(в подсчёте: {zo.GRAD_COST:g}; центральные разности стоили бы 2d = {2 * N * k})"))
say(f"Measured: one gradient costs **{ratio:.1f}** evaluations of $L$, "
    + choose(ratio <= 5, "no more than the classical bound of about 4–5.",
             "above the classical bound of about 4–5: adlib's Python bookkeeping per operation is part of it.")
    + f" It is far below the {2 * N * k} evaluations that central differences need.",
    ru=f"Измерено: один градиент стоит **{ratio:.1f}** вычисления $L$, "
    + choose(ratio <= 5, "не больше классической оценки около 4–5.",
             "больше классической оценки около 4–5: отчасти это накладные расходы adlib на Python в каждой операции.")
    + f" Это намного меньше {2 * N * k} вычислений, которые нужны центральным разностям.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Beyond the lecture: try it, method and number of cities / За рамками лекции: попробуйте метод и число городов
#
# `mds.mds_map(method, n_cities, budget)` is the pure function behind the widget: it solves for the `n_cities`
# largest cities, aligns the solution to the solved map (grey ×) and reports its error of the distances in km,
# beside the error of classical MDS (what a solved problem gives). The dimension is $d = 2 \times$ (number of
# cities): watch Nelder–Mead and the two-point method degrade as it grows while GD does not (the sweep above).

# %% slideshow={"slide_type": "fragment"}
import ipywidgets as widgets


def show_map(method="gradient", n_cities=15, budget=4000):
    view = mds.mds_map(method, n_cities, budget)
    fig, ax = plt.subplots(figsize=(8, 4.6))
    ax.plot(*view["solved_km"].T, "x", color="0.45", ms=7, zorder=3,
            label=tr("solved map (classical MDS)", "решённая карта (классическое MDS)"))
    ax.plot(*view["W_on_solved_km"].T, "o", color="tab:blue", ms=5,
            label=tr(f"{labels[method]}, aligned", f"{labels[method]} (совмещено)"))
    shown_names = list(view["cities"]["name"])
    for name in mds.LABELLED:
        if name in shown_names:
            i = shown_names.index(name)
            ax.annotate(mds.place_name(name), view["W_on_solved_km"][i], xytext=(5, 4),
                        textcoords="offset points")
    ax.set_aspect("equal")
    ax.set_xlabel(tr("km (west–east)", "км (запад–восток)"))
    ax.set_ylabel(tr("km (south–north)", "км (юг–север)"))
    evaluations = view["evaluations"]
    ax.set_title(tr(f"{n_cities} cities (d = {2 * n_cities}), {evaluations:.0f} evaluations: distances off by "
                    f"{view['distance_error_km']:.0f} km\n"
                    f"(rms; classical MDS: {view['classical_distance_error_km']:.0f} km)",
                    f"{n_cities} {plural_ru(n_cities, 'город', 'города', 'городов')} (d = {2 * n_cities}), "
                    f"{evaluations:.0f} {plural_ru(evaluations, 'вычисление', 'вычисления', 'вычислений')}: "
                    f"ошибка расстояний {view['distance_error_km']:.0f} км\n"
                    f"(ср. кв.; у классического MDS: {view['classical_distance_error_km']:.0f} км)"))
    ax.legend(loc="upper left")
    plt.show()


map_widget = widgets.interact(
    show_map,
    method=widgets.Dropdown(options=[(tr(m, labels[m]), m) for m in mds.METHODS], value="gradient",
                            description=tr("method", "метод")),
    n_cities=widgets.IntSlider(value=15, min=3, max=N, description=tr("cities", "городов")),
    budget=widgets.IntSlider(value=4000, min=200, max=20000, step=200, description=tr("evaluations", "вычислений")),
)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary / Итоги
#
# * Real problems have huge $d$; the gradient is what makes them tractable.
# * MDS of 34 cities ($d = N \cdot k = 68$) with the slide's loss: GD with the reverse-mode gradient (charged 4
#   evaluations) converges within a few thousand evaluations; after 10 000, two-point zero-order GD and Nelder–Mead
#   have not.
# * Without the gradient the error grows with the dimension: 3 cities are solved by all three methods, 34 only by GD.
# * Classical MDS is PCA from distances (verified to $10^{-12}$ on 3-D points); on the cities it agrees with the
#   gradient solution of the slide's loss to a few km.
#
# **Next:** [02 — gradient descent without a gradient](02_zero_order.ipynb) measures the price of zero-order methods
# (the two-point estimator and the lecture's rate table); then [03 — finite differences](03_finite_differences.ipynb).
# Built on: [00 — quickstart](00_quickstart.ipynb).
