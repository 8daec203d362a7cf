# ---
# jupyter:
#   course:
#     summary: 'Why gradients: MDS of 34 cities, GD vs zero-order vs Nelder-Mead'
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
# # The problem, and an example: multidimensional scaling / Задача и пример: многомерное шкалирование
#
# Why gradients matter: we minimise a loss $L(w)$ over millions or billions of parameters, and without the
# gradient the work grows with the dimension. We see it on the lecture's example, **multidimensional scaling**
# (MDS) of real data — the European cities with over a million inhabitants — solved three ways, with every
# evaluation of $L$ counted: gradient descent with `adlib`'s gradient, gradient descent with a two-point
# zero-order estimate, and Nelder–Mead. Then the slide's question: *is it related to PCA?*
#
# Runs in ~15 s. `ADLIB_FULL=1` gives every method a ten times larger budget of evaluations.

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
from matplotlib import animation

import adlib
import adlib.numpy as anp
from adlib import mds
from adlib import zero_order as zo

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
    print(f"d = {d:.0e}: the gradient takes {8 * d / 2**30:12.3g} GiB, the Hessian {8 * d**2 / 2**30:12.3g} GiB (float64)")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Example: multidimensional scaling / Пример: задача многомерного шкалирования
#
# Given the matrix $D \in \mathbb{R}^{N \times N}$ of distances between $N$ objects, recover coordinates
# $W_i \in \mathbb{R}^k$, $i = 1, \dots, N$, from the slide's loss
#
# $$L(W) = \sum_{i,j=1}^N \left(\|W_i - W_j\|_2^2 - D_{ij}\right)^2 \to \min_{W \in \mathbb{R}^{N \times k}}.$$
#
# The loss compares **squared** distances, so $D_{ij}$ must hold squared distances. Our data: 34 European cities
# with more than a million inhabitants (`adlib/data/european_cities.csv`, latitude and longitude, source in its
# header), great-circle distances on a sphere of radius 6371 km, squared and divided by the largest, so that the
# coordinates are of order one.

# %% slideshow={"slide_type": "subslide"}
cities, D, km_per_unit = mds.squared_distance_matrix()
names = list(cities["name"])
N, k = len(names), 2
print(f"N = {N} cities, k = {k}: d = N·k = {N * k} parameters; one unit of W = {km_per_unit:.0f} km")
for i in range(6):
    print(f"  {names[i]:18} {cities['country'][i]:16} {cities['latitude'][i]:8.3f} {cities['longitude'][i]:8.3f}"
          f" {cities['population'][i] / 1e6:6.2f} M")
i, j = names.index("London"), names.index("Paris")
print(f"London–Paris: {np.sqrt(D[i, j]) * km_per_unit:.0f} km")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The loss in code / Функция потерь в коде
#
# `adlib.mds.mds_loss` is these lines, written with `adlib.numpy`, so `adlib.grad` differentiates it. We check the
# gradient against JAX in float64.


# %% slideshow={"slide_type": "fragment"}
def mds_loss(W, D):
    diff = W[:, None, :] - W[None, :, :]  # N×N×k: all W_i − W_j
    squared = anp.sum(diff * diff, axis=-1)  # ‖W_i − W_j‖²
    return anp.sum((squared - D) ** 2)


import jax

jax.config.update("jax_enable_x64", True)  # before any JAX array exists
import jax.numpy as jnp


def mds_loss_jax(W):
    return jnp.sum((jnp.sum((W[:, None, :] - W[None, :, :]) ** 2, axis=-1) - D) ** 2)


W_test = np.random.default_rng(1).standard_normal((N, k))
np.testing.assert_allclose(mds_loss(W_test, D), mds.mds_loss(W_test, D), rtol=1e-14)
np.testing.assert_allclose(adlib.grad(mds_loss)(W_test, D), jax.grad(mds_loss_jax)(W_test), rtol=1e-11)
print("adlib.grad(mds_loss) == jax.grad in float64 (rtol 1e-11); L(W_test) =", f"{mds_loss(W_test, D):.6f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Counting honestly / Честный подсчёт
#
# We compare methods by **evaluations of $L$**:
#
# * **two-point zero-order GD** pays 2 evaluations per step;
# * **Nelder–Mead** (`scipy.optimize.minimize`) pays every call, counted by a wrapper;
# * **GD with `adlib.grad`** pays one gradient per step. Reverse mode costs a small constant number of evaluations —
#   the classical bound is about 4–5 (Griewank & Walther); we charge `GRAD_COST = 4` evaluations per gradient.
#   Timing adlib itself (below) gives a ratio of the same order; adlib's Python bookkeeping per operation makes it
#   larger than the bound, but it does not grow with $d$ (notebook 03).

# %% slideshow={"slide_type": "fragment"}
import timeit

grad_loss = adlib.grad(mds.mds_loss)
t_L = min(timeit.repeat(lambda: mds.mds_loss(W_test, D), number=200, repeat=3)) / 200
t_grad = min(timeit.repeat(lambda: grad_loss(W_test, D), number=50, repeat=3)) / 50
print(f"one L: {t_L * 1e6:.0f} µs, one adlib.grad: {t_grad * 1e6:.0f} µs, ratio ≈ {t_grad / t_L:.0f} "
      f"(charged: {zo.GRAD_COST:g}; central differences would cost 2d = {2 * N * k})")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Three solvers, one budget / Три метода, один бюджет
#
# The same seeded random start, the same budget of evaluations. `mds.solve` runs
# `adlib.zero_order.gradient_descent` (estimator `"gradient"` or `"two_point"`, step $0.1/N$, divided by $d$ for the
# two-point estimator, whose variance is $d$ times larger) or Nelder–Mead (adaptive simplex parameters for high
# dimension).

# %% slideshow={"slide_type": "subslide"}
labels = {"gradient": "GD with adlib.grad", "two_point": "two-point zero-order GD", "nelder-mead": "Nelder–Mead"}
results = {method: mds.solve(method, D, BUDGET, seed=0) for method in mds.METHODS}
W_classical, eigenvalues = mds.classical_mds(D)
L_min = min(mds.mds_loss(W_classical, D), *(r["losses"].min() for r in results.values()))

fig, ax = plt.subplots(figsize=(7, 4.3))
mds.plot_loss_vs_evaluations(ax, results, labels, L_min=L_min)  # log-log: L(W) − L_min against evaluations of L
ax.set_title(f"MDS of {N} cities (d = {N * k}): loss vs evaluations")
fig.tight_layout()
plt.show()

reference = mds.projected_km(cities["latitude"], cities["longitude"])
print(f"{'method':26}{'evaluations':>12}{'L − L_min':>12}{'rms vs GD (km)':>16}")
for method, result in results.items():
    _, rms = mds.procrustes(results["gradient"]["W"], result["W"])
    print(f"{labels[method]:26}{result['evaluations'][-1]:>12.0f}{result['losses'][-1] - L_min:>12.2e}"
          f"{rms * km_per_unit:>16.1f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# What to see: with the gradient the loss reaches its minimum (to machine precision) within a few thousand
# evaluations; the two-point method with the same budget is still far from it, and Nelder–Mead, a good method in
# 2–5 dimensions, barely moves in $d = 68$. With `ADLIB_FULL=1` (100 000 evaluations each) the two-point method
# does reach the minimum ($L - L_{\min} \approx 3 \cdot 10^{-14}$), while Nelder–Mead stops at $L - L_{\min} \approx
# 0.2$, its map still 155 km (rms) away from GD's.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The cities settle into a map / Города складываются в карту (Рис. 3)
#
# Each frame shows both gradient methods after the same number of evaluations, aligned to the real map (grey
# crosses, an equirectangular projection) by `mds.procrustes` — the loss cannot tell a map from its rotation or
# mirror image.

# %% slideshow={"slide_type": "subslide"}
frame_budgets = np.unique(np.geomspace(10, BUDGET, 24).astype(int))
shown = ("gradient", "two_point")
top = 12  # cities labelled


def aligned_km(W):
    return mds.procrustes(reference, km_per_unit * W)[0]


fig, axes = plt.subplots(1, 2, figsize=(8, 3.8), dpi=60, sharex=True, sharey=True)
scatters = []
for ax, method in zip(axes, shown):
    ax.plot(*reference.T, "x", color="0.6", ms=5)
    scatters.append(ax.scatter(*aligned_km(mds.at_budget(results[method], 1)).T, s=12, color="tab:blue"))
    ax.set_title(labels[method])
    ax.set_xlabel("km (west–east)")
    ax.set_xlim(reference[:, 0].min() - 1500, reference[:, 0].max() + 1500)
    ax.set_ylim(reference[:, 1].min() - 1500, reference[:, 1].max() + 1500)
    ax.set_aspect("equal")
axes[0].set_ylabel("km (south–north)")
texts = [[ax.text(0, 0, names[i], fontsize=7) for i in range(top)] for ax in axes]
caption = fig.suptitle("")


def draw(frame):
    budget = frame_budgets[frame]
    for scatter, method, labels_of_ax in zip(scatters, shown, texts):
        W = aligned_km(mds.at_budget(results[method], budget))
        scatter.set_offsets(W)
        for i, text in enumerate(labels_of_ax):
            text.set_position(W[i])
    caption.set_text(f"after {budget} evaluations of L")
    return scatters


anim = animation.FuncAnimation(fig, draw, frames=len(frame_budgets), interval=250)
plt.close(fig)
display(HTML(anim.to_jshtml()))

# %% [markdown] slideshow={"slide_type": "fragment"}
# What to see: with the gradient the map appears within about a thousand evaluations — London, Paris and Madrid in the
# west, Moscow and the Volga cities in the east, Istanbul in the south-east; the two-point method is still
# untangling it at the end. (The same animation is `figures/mds_cities.gif`, drawn by `make figures`.)

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
W_mds3, _ = mds.classical_mds(D3, k=2)
Xc = X3 - X3.mean(axis=0)
U, S, Vt = np.linalg.svd(Xc, full_matrices=False)
scores = Xc @ Vt[:2].T  # PCA: projections on the top-2 principal axes
signs = np.sign(np.sum(scores * W_mds3, axis=0))  # eigenvectors are defined up to sign
np.testing.assert_allclose(W_mds3 * signs, scores, atol=1e-12)
print("classical MDS of the squared chord distances == top-2 PCA scores of the 3-D points (atol 1e-12)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Classical MDS versus the gradient solution / Классическое MDS и решение градиентным спуском
#
# On the great-circle distances, classical MDS gives a closed-form 2-D map. It minimises a different loss,
# $\|W W^\top - B\|_F^2$ ("strain"), than the slide's $\sum (\|W_i - W_j\|^2 - D_{ij})^2$ ("s-stress"), so the two
# solutions need not coincide. How far apart are they, after the best rotation/reflection (Procrustes)?

# %% slideshow={"slide_type": "fragment"}
from scipy.spatial import procrustes as scipy_procrustes

W_gd = results["gradient"]["W"]
W_classical, _ = mds.procrustes(reference / km_per_unit, W_classical)  # turned like the real map, for the plot
aligned, rms = mds.procrustes(W_classical, W_gd)
_, _, disparity = scipy_procrustes(W_classical, W_gd)  # scipy also rescales; a cross-check of the alignment
print(f"eigenvalues of B: {eigenvalues[:4]}  (two dominate: the cities are nearly planar; the third is the Earth's curvature)")
print(f"slide's loss: classical MDS {mds.mds_loss(W_classical, D):.6e}, GD {mds.mds_loss(W_gd, D):.6e}")
print(f"rms distance between the two maps after Procrustes: {rms * km_per_unit:.2f} km "
      f"(the map spans {np.sqrt(D.max()) * km_per_unit:.0f} km); scipy's disparity {disparity:.2e}")
assert rms * km_per_unit < 10 and mds.mds_loss(W_gd, D) <= mds.mds_loss(W_classical, D)

fig, ax = plt.subplots(figsize=(6.4, 4.4))
ax.plot(*(km_per_unit * W_classical).T, "o", mfc="none", ms=9, label="classical MDS (eigenvectors of B)")
ax.plot(*(km_per_unit * aligned).T, ".", color="tab:red", label="GD on the slide's loss, aligned")
for i in range(top):
    ax.annotate(names[i], km_per_unit * W_classical[i], fontsize=7, xytext=(4, 3), textcoords="offset points")
ax.set_aspect("equal")
ax.set_xlabel("first coordinate (km)")
ax.set_ylabel("second coordinate (km)")
ax.set_title("Classical MDS = PCA from distances, vs the gradient solution")
ax.legend(loc="best", fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Answer: the two maps agree to about a kilometre over a continent (the circles and the dots coincide), and
# gradient descent reaches a slightly *lower* value of the slide's loss, which it, unlike classical MDS, minimises.
# So: MDS with squared distances is essentially PCA of the hidden points, available in closed form from $D$ alone; a
# gradient method is what we need as soon as the loss changes (unsquared distances, weights, missing entries,
# robust losses) and no eigen-decomposition solves it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Try it: method and number of cities / Попробуйте: метод и число городов
#
# `mds.mds_map(method, n_cities, budget)` is the pure function behind the widget: it solves, aligns to the real
# map and reports the error in km. The dimension is $d = 2 \times$ (number of cities): watch Nelder–Mead and the
# two-point method degrade as it grows while GD does not.

# %% slideshow={"slide_type": "fragment"}
import ipywidgets as widgets


def show_map(method="gradient", n_cities=15, budget=4000):
    view = mds.mds_map(method, n_cities, budget)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(*view["map_km"].T, "x", color="0.6", label="real (projected)")
    ax.plot(*view["W_km"].T, "o", color="tab:blue", ms=4, label=f"{labels[method]}, aligned")
    for name, xy in zip(view["cities"]["name"][:top], view["W_km"]):
        ax.annotate(name, xy, fontsize=7, xytext=(3, 3), textcoords="offset points")
    ax.set_aspect("equal")
    ax.set_xlabel("km")
    ax.set_ylabel("km")
    ax.set_title(f"{n_cities} cities (d = {2 * n_cities}), {view['evaluations']:.0f} evaluations: "
                 f"rms {view['rms_km']:.0f} km from the map", fontsize=9)
    ax.legend(fontsize=7, loc="lower left")
    plt.show()


map_widget = widgets.interact(
    show_map,
    method=widgets.Dropdown(options=list(mds.METHODS), value="gradient", description="method"),
    n_cities=widgets.IntSlider(value=15, min=3, max=N, description="cities"),
    budget=widgets.IntSlider(value=4000, min=200, max=20000, step=200, description="evaluations"),
)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary / Итоги
#
# * Real problems have huge $d$; the gradient is what makes them tractable.
# * MDS of 34 cities ($d = 68$) with the slide's loss: GD with the reverse-mode gradient (charged 4 evaluations)
#   converges within a few thousand evaluations; two-point zero-order GD and Nelder–Mead, with the same budget, do not.
# * Classical MDS is PCA from distances (verified to $10^{-12}$ on 3-D points); on the cities it agrees with the
#   gradient solution of the slide's loss to about a kilometre.
