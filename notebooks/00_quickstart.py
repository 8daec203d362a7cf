# ---
# jupyter:
#   course:
#     summary: 'L(w1, w2): value, grad, jvp, vjp; closed forms and JAX'
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
# # Automatic differentiation: a quickstart / Автоматическое дифференцирование: быстрый старт
#
# The lecture's running example, computed with `adlib`, the small AD library of this course:
#
# $$L(w_1, w_2) = w_2 \log w_1 + \sqrt{w_2 \log w_1}.$$
#
# We evaluate $L$, get both partial derivatives in reverse mode (`grad`, `vjp`) and in forward mode
# (`jvp`), check them against the closed forms and against JAX, and draw the gradient field.

# %% [markdown] slideshow={"slide_type": "skip"} tags=["colab"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/adlib-course/adlib-course/blob/v0.1.0/notebooks/00_quickstart.ipynb)
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
import matplotlib.pyplot as plt
import numpy as np

import adlib
import adlib.numpy as anp
from adlib.course import projector
from adlib.course.i18n import tr

projector.use()  # the course's font sizes: figures readable on a projector
np.set_printoptions(precision=6)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The function / Функция из лекции
#
# `adlib.numpy` mirrors NumPy: write the function with `anp` instead of `np` and `adlib` can differentiate it.
# On plain numbers it is just a NumPy function.


# %% slideshow={"slide_type": "fragment"}
def L(w1, w2):
    return w2 * anp.log(w1) + anp.sqrt(w2 * anp.log(w1))


w1, w2 = 2.0, 3.0
print(f"L({w1}, {w2}) = {L(w1, w2):.15f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The computational graph / Вычислительный граф
#
# What `adlib` records while $L$ runs, one elementary operation per node:
#
# | node | operation | local derivatives |
# |---|---|---|
# | $v_1$ | $\log w_1$ | $\partial v_1/\partial w_1 = 1/w_1$ |
# | $v_2$ | $w_2 \cdot v_1$ | $\partial v_2/\partial w_2 = v_1,\ \partial v_2/\partial v_1 = w_2$ |
# | $v_3$ | $\sqrt{v_2}$ | $\partial v_3/\partial v_2 = 1/(2\sqrt{v_2})$ |
# | $L$ | $v_2 + v_3$ | $\partial L/\partial v_2 = \partial L/\partial v_3 = 1$ |
#
# (The code computes $w_2 \log w_1$ twice, so the real tape has two copies of $v_1, v_2$; the chain rule does
# not care.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Reverse mode / Обратный режим автоматического дифференцирования
#
# `adlib.grad` runs $L$ once, recording the graph, then sweeps it backwards from $\bar L = 1$:
# **one** backward pass gives **both** partial derivatives.

# %% slideshow={"slide_type": "fragment"}
dL_dw1, dL_dw2 = adlib.grad(L, argnums=(0, 1))(w1, w2)
print(f"∂L/∂w1 = {dL_dw1:.15f}")
print(f"∂L/∂w2 = {dL_dw2:.15f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Forward mode / Прямой режим автоматического дифференцирования
#
# `adlib.jvp(f, primals, tangents)` pushes a tangent (a direction $\dot w$) forward together with the values.
# One pass gives one directional derivative, so two inputs need two passes: $\dot w = (1, 0)$ and $(0, 1)$.
#
# Notation: the tangent $\dot v = dv/dw_k$ is what the slides write $\bar v$ in forward mode; this course keeps
# $\bar v = dL/dv$ for the adjoint of reverse mode (see [04 — Notation / Обозначения](04_forward_mode.ipynb)).

# %% slideshow={"slide_type": "fragment"}
value, jvp_w1 = adlib.jvp(L, (w1, w2), (1.0, 0.0))
_, jvp_w2 = adlib.jvp(L, (w1, w2), (0.0, 1.0))
print(f"L      = {value:.15f}")
print(f"∂L/∂w1 = {jvp_w1:.15f}   " + tr("(forward pass with tangent (1, 0))", "(прямой проход, касательный вектор (1, 0))"))
print(f"∂L/∂w2 = {jvp_w2:.15f}   " + tr("(forward pass with tangent (0, 1))", "(прямой проход, касательный вектор (0, 1))"))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Vector–Jacobian product / Произведение вектора на якобиан (VJP)
#
# `adlib.vjp` splits `grad` in two: the forward pass returns the value and a function `vjp_fn`; each call of
# `vjp_fn(ḡ)` is one backward sweep of the recorded tape with the output adjoint $\bar L = ḡ$ (the adjoint
# $\bar v = dL/dv$, as in [04's notation slide](04_forward_mode.ipynb); the slides' forward-mode $\bar v$ is our
# tangent $\dot v$).

# %% slideshow={"slide_type": "fragment"}
value, vjp_fn = adlib.vjp(L, w1, w2)
vjp_w1, vjp_w2 = vjp_fn(1.0)
print(f"L = {value:.15f}")
print(f"vjp_fn(1.0) = ({vjp_w1:.15f}, {vjp_w2:.15f})")
vjp2_w1, vjp2_w2 = vjp_fn(2.0)
print(f"vjp_fn(2.0) = ({vjp2_w1:.15f}, {vjp2_w2:.15f})   " + tr("(linear in the adjoint)", "(линейно по сопряжённой переменной)"))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Closed forms / Аналитические производные
#
# With $u = w_2 \log w_1$ we have $L = u + \sqrt u$, $\; dL/du = 1 + \dfrac{1}{2\sqrt u}$, so
#
# $$\frac{\partial L}{\partial w_1} = \frac{w_2}{w_1}\Bigl(1 + \frac{1}{2\sqrt{w_2 \log w_1}}\Bigr), \qquad
#   \frac{\partial L}{\partial w_2} = \log w_1 \Bigl(1 + \frac{1}{2\sqrt{w_2 \log w_1}}\Bigr).$$

# %% slideshow={"slide_type": "fragment"}
factor = 1 + 1 / (2 * np.sqrt(w2 * np.log(w1)))
exact = np.array([w2 / w1 * factor, np.log(w1) * factor])

print(f"{'':10}{'∂L/∂w1':>20}{'∂L/∂w2':>20}")
for name, (a, b) in {
    tr("closed", "формула"): exact,
    "grad": (dL_dw1, dL_dw2),
    "jvp": (jvp_w1, jvp_w2),
    "vjp": (vjp_w1, vjp_w2),
}.items():
    print(f"{name:10}{a:20.15f}{b:20.15f}")

for computed in [(dL_dw1, dL_dw2), (jvp_w1, jvp_w2), (vjp_w1, vjp_w2)]:
    np.testing.assert_allclose(computed, exact, rtol=1e-12)
print(tr("all three modes agree with the closed form to 1e-12",
         "все три способа совпадают с аналитической формулой до 1e-12"))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Cross-check with JAX / Проверка с помощью JAX
#
# `adlib` uses JAX's names and semantics, so the same calls work on `jax`. JAX computes in float32 unless told
# otherwise; we switch on float64 *before* any JAX array exists and require agreement to $10^{-12}$ at a few
# points. If the two libraries disagree, this cell raises and the notebook fails.

# %% slideshow={"slide_type": "fragment"}
import jax

jax.config.update("jax_enable_x64", True)  # must come before the first JAX array is created
import jax.numpy as jnp

assert jnp.asarray(1.0).dtype == jnp.float64


def L_jax(w1, w2):
    return w2 * jnp.log(w1) + jnp.sqrt(w2 * jnp.log(w1))


for point in [(2.0, 3.0), (1.5, 0.7), (5.0, 0.2), (10.0, 4.0)]:
    np.testing.assert_allclose(L(*point), L_jax(*point), rtol=1e-12)
    np.testing.assert_allclose(
        adlib.grad(L, argnums=(0, 1))(*point), jax.grad(L_jax, argnums=(0, 1))(*point), rtol=1e-12
    )
    for tangent in [(1.0, 0.0), (0.0, 1.0), (0.3, -2.0)]:
        np.testing.assert_allclose(adlib.jvp(L, point, tangent), jax.jvp(L_jax, point, tangent), rtol=1e-12)
    np.testing.assert_allclose(adlib.vjp(L, *point)[1](1.0), jax.vjp(L_jax, *point)[1](1.0), rtol=1e-12)
jax_grad = jax.grad(L_jax, argnums=(0, 1))(w1, w2)
print(tr("adlib == JAX in float64 to rtol=1e-12; JAX's gradient at (2, 3):",
         "adlib == JAX в float64 с rtol=1e-12; градиент JAX в точке (2, 3):"), tuple(float(g) for g in jax_grad))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Level sets and the gradient field / Линии уровня и поле градиента
#
# $L$ on a grid, with the arrows $\nabla L$ computed by `adlib.grad`. Since $L$ acts elementwise, the gradient
# of $\sum_{ij} L(W_1, W_2)_{ij}$ with respect to the grids $W_1, W_2$ is exactly the pointwise gradient: one
# reverse sweep for the whole grid.

# %% slideshow={"slide_type": "subslide"}
grid_w1, grid_w2 = np.meshgrid(np.linspace(1.05, 4.0, 200), np.linspace(0.05, 3.6, 200))
arrow_w1, arrow_w2 = np.meshgrid(np.linspace(1.2, 3.9, 12), np.linspace(0.2, 3.4, 12))
g1, g2 = adlib.grad(lambda a, b: anp.sum(L(a, b)), argnums=(0, 1))(arrow_w1, arrow_w2)

fig, ax = plt.subplots(figsize=(6.4, 4.4))
contours = ax.contourf(grid_w1, grid_w2, L(grid_w1, grid_w2), levels=20, cmap="viridis")
fig.colorbar(contours, ax=ax, label="$L(w_1, w_2)$")
ax.quiver(arrow_w1, arrow_w2, g1, g2, color="white", angles="xy", alpha=0.9)
ax.plot([w1], [w2], "o", color="tab:red", label=f"$(w_1, w_2) = ({w1:g}, {w2:g})$")
ax.set_xlabel("$w_1$")
ax.set_ylabel("$w_2$")
ax.set_title(r"$L = w_2 \log w_1 + \sqrt{w_2 \log w_1}$" + tr(r" and $\nabla L$ from adlib.grad", r" и $\nabla L$ из adlib.grad"))
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), frameon=False)  # below the axes: no arrow hidden
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary / Итоги
#
# * `adlib.grad` — reverse mode: one forward pass + one backward sweep gives the whole gradient.
# * `adlib.jvp` — forward mode: one pass per input direction.
# * `adlib.vjp` — reverse mode with the adjoint chosen by you; `grad` is `vjp` with $\bar L = 1$.
# * All three agree with the closed forms and with JAX to $10^{-12}$ in float64.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Roadmap: the course in lecture order / Дорожная карта курса
#
# One notebook per section of the lecture, in the slides' order; each one links to those it builds on.
#
# | notebook | the lecture's section | you will |
# |---|---|---|
# | [01 — the problem: MDS](01_problem_mds.ipynb) | Задача; многомерное шкалирование | see why $d$ large needs gradients |
# | [02 — zero-order methods](02_zero_order.ipynb) | Градиентный спуск без градиента | pay $n$× more iterations without a gradient |
# | [03 — finite differences](03_finite_differences.ipynb) | Конечные разности | measure the cost $2dT$ and the lost digits |
# | [04 — forward mode](04_forward_mode.ipynb) | Прямой режим | step the lecture's graph, tangent by tangent |
# | [05 — reverse mode](05_reverse_mode.ipynb) | Обратный режим | get the whole gradient in one backward sweep |
# | [06 — choose your fighter](06_choose_your_fighter.ipynb) | Choose your fighter | count and time Jacobians in both modes |
# | [07 — feed-forward networks](07_feedforward.ipynb) | Архитектура прямого распространения | watch the shapes of backprop |
# | [08 — Hessian-vector products](08_hvp.ipynb) | Произведение Гессиана на вектор | curvature without the Hessian |
# | [09 — Hutchinson's trace](09_hutchinson.ipynb) | Идея Хатчинсона | estimate a trace from HVPs |
# | [10 — checkpointing](10_checkpointing.ipynb) | Контрольные точки градиента | trade memory for recomputation |
# | [11 — what AD is not](11_what_ad_is_not.ipynb) | Чем AD не является | compare with symbolic and numeric differentiation |
# | [12 — seminar: least squares, SVD](12_seminar_least_squares_svd.ipynb) | Дополнительные материалы (семинары) | write rules for whole linear-algebra functions |
# | [13 — playground](13_playground.ipynb) | beyond the lecture / за рамками лекции | run both modes on a function you type |
#
# The path: 01 → 02 → 03 state the problem and why the obvious answers fail; 04 → 05 are the two modes on
# this notebook's $L$; 06 → 07 → 08 → 09 apply them to Jacobians, networks and curvature; 05 → 10 pays the
# memory price of reverse mode; 11 and 12 close with what AD is not and with rules for whole functions; 13, beyond
# the lecture, runs the same machinery on a function of your own.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises / Упражнения
#
# Every notebook 01–13 has exercises: a cell tagged `exercise` with a stub for you to replace (`...`, `None` or
# `raise NotImplementedError`), and a checker from `adlib.course.exercises` that answers at once, inside the
# notebook (no server: it works the same in Colab): ✅ right, ❌ wrong with the largest difference and a hint,
# ⏳ not done yet (a stub never stops the notebook). Derivatives are checked without an answer key, against
# `adlib`, finite differences and JAX; a rule you write is registered on a fresh primitive and checked by
# `check_grads` to order 2.
#
# The solution follows in the next cell, **collapsed, not hidden**: open it with a click on «⋯» (JupyterLab) or a
# double click on its title «Solution / Решение» (Colab). The solutions are not secret: they are in the notebook,
# run with it, and show their check passing. Try first; open the solution when you are stuck, or to compare.
