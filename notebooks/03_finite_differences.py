# ---
# jupyter:
#   course:
#     summary: 'Finite differences: cost 2dT vs one sweep, error vs step size'
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
# # Finite differences: cost and accuracy / Конечные разности: цена и точность
#
# The naive way to get a gradient is to wiggle one coordinate at a time:
#
# $$\frac{\partial L}{\partial w_k}(w) \approx \frac{L(w + \varepsilon e_k) - L(w)}{\varepsilon}, \qquad
#   e_k = (0, \dots, \underset{k}{1}, \dots, 0).$$
#
# This notebook answers the lecture's two questions by measurement: **what does it cost** (counting and timing,
# against `adlib`'s reverse mode as $d$ grows), and **how accurate is it** (the error against $\varepsilon$: a
# U-shaped trade-off between truncation and round-off, with AD's error on the same plot), then the lecture's theorem.
# Beyond the lecture: the same in float32, where the finite-difference time goes (the loop's own work), and a
# cross-check with JAX.
#
# Runs in under a minute.

# %% [markdown] slideshow={"slide_type": "skip"} tags=["colab"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/adlib-course/adlib-course/blob/v0.1.0/notebooks/03_finite_differences.ipynb)
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
from adlib.course import exercises, projector
from adlib.course import zero_order as zo
from adlib.course.claims import choose, claim, say
from adlib.course.i18n import plural_ru, tr
from adlib.course.measure import loglog_slope, time_calls

projector.use()  # figure text readable on a 1280×720 slide
np.set_printoptions(precision=4)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Builds on [02 — gradient descent without a gradient](02_zero_order.ipynb), whose finite-difference estimator this
# notebook takes apart; leads to [04 — forward mode](04_forward_mode.ipynb), exact derivatives but still one pass
# per input, and [05 — reverse mode](05_reverse_mode.ipynb), the $\mathcal{O}(T)$ algorithm of the theorem below.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Finite differences / Конечные разности
#
# The slide's formula is a loop over the $d$ coordinates: $L(w)$ once, then $L(w + \varepsilon e_k)$ for each $k$ —
# $d + 1$ evaluations. Central differences $(L(w + \varepsilon e_k) - L(w - \varepsilon e_k)) / 2\varepsilon$,
# the estimator of notebook 02, need $2d$. (`adlib.course.zero_order.forward_difference` / `central_difference` are these
# lines plus input checks.)


# %% slideshow={"slide_type": "fragment"}
def forward_difference(L, w, eps):
    L0, g = L(w), np.zeros_like(w)
    for k in range(w.size):
        e = np.zeros_like(w)
        e[k] = eps
        g[k] = (L(w + e) - L0) / eps
    return g


def L(w):  # the lecture's running example, with w = (w1, w2)
    return w[1] * anp.log(w[0]) + anp.sqrt(w[1] * anp.log(w[0]))


w = np.array([2.0, 3.0])
factor = 1 + 1 / (2 * np.sqrt(w[1] * np.log(w[0])))
exact = np.array([w[1] / w[0] * factor, np.log(w[0]) * factor])  # closed form, see 00_quickstart
with np.printoptions(precision=15):
    print(f"{tr('forward difference, ε = 1e-6:', 'разность вперёд, ε = 1e-6:'):29}", forward_difference(L, w, 1e-6))
    print(f"{tr('adlib.grad (reverse mode):', 'adlib.grad (обратный режим):'):29}", adlib.grad(L)(w))
    print(f"{tr('closed form:', 'аналитическая формула:'):29}", exact)
np.testing.assert_allclose(forward_difference(L, w, 1e-6), zo.forward_difference(L, w, 1e-6), rtol=1e-15)
np.testing.assert_allclose(adlib.grad(L)(w), exact, rtol=1e-14)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The cost question / Вопрос: сколько стоит градиент?
#
# *If one evaluation of $L(w)$ takes time $T$, how long does $\nabla_w L$ take with this approach?*
#
# Counting, not assuming: `CountedFunction` wraps $L$ and counts its calls.

# %% slideshow={"slide_type": "fragment"}
def L_big(w):  # an O(d) loss: one pass over the d parameters
    return anp.sum(anp.log(1 + anp.exp(-w))) + 0.5 * anp.sum(w * w)


def evaluations(estimate, d):
    """How many times the finite-difference gradient `estimate` calls L_big at a point of R^d (counted)."""
    counted = zo.CountedFunction(L_big)
    estimate(counted, np.random.default_rng(0).standard_normal(d))
    return counted.evaluations


# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 3.1** / **Упражнение 3.1** — predict, then count. At $d = 1000$, how many evaluations of $L$ (so: how
# many $T$) does one gradient take with the slide's formula (`forward_difference`) and with central differences
# (`central_difference`, notebook 02's estimator)? Write the two numbers; running the cell counts the calls and
# compares.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_evaluations = {"forward_difference": None, "central_difference": None}  # your code here: two numbers, d = 1000

exercises.check_values(my_evaluations, {"forward_difference": evaluations(zo.forward_difference, 1000),
                                        "central_difference": evaluations(zo.central_difference, 1000)}, rtol=0,
                       hint=("list the calls of L in each formula: which values are needed once, which once per "
                             "coordinate k?",
                             "выпишите вызовы L в каждой формуле: какие значения нужны один раз, а какие — для "
                             "каждой координаты k?"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Solution / Решение
# The slide's formula: L(w) once, then L(w + ε e_k) for k = 1..d: d + 1 evaluations, time (d + 1)T.
# Central differences: L(w + ε e_k) and L(w − ε e_k) for k = 1..d: 2d evaluations, time 2dT (the lecture's answer).
solution_evaluations = {"forward_difference": 1000 + 1, "central_difference": 2 * 1000}

exercises.check_values(solution_evaluations, {"forward_difference": evaluations(zo.forward_difference, 1000),
                                              "central_difference": evaluations(zo.central_difference, 1000)},
                       rtol=0).assert_passed()

# %% slideshow={"slide_type": "fragment"}
print(f"{'d':>6}{tr('forward', 'вперёд'):>10}{tr('central', 'центр.'):>10}")
for d in (10, 100, 1000):
    counts = [evaluations(zo.forward_difference, d), evaluations(zo.central_difference, d)]
    print(f"{d:>6}{counts[0]:>10.0f}{counts[1]:>10.0f}")
    assert counts == [d + 1, 2 * d]

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Answer.** The slide's forward formula costs $(d + 1)T$; the lecture's answer, **$2dT$**, is the cost of central
# differences, two evaluations per coordinate (more accurate, see below). Either way the time grows linearly with $d$:
# for a network with $d = 10^9$ parameters, one gradient is one to two billion forward passes. And the lecture adds: the
# method is *unstable*, we have to choose between accuracy and stability.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Accuracy versus stability / Точность или устойчивость
#
# Two errors compete as $\varepsilon$ shrinks:
#
# * **truncation** (Taylor): $\frac{\varepsilon}{2}|L''|$ for forward, $\frac{\varepsilon^2}{6}|L'''|$ for central
#   differences — wants $\varepsilon$ small;
# * **round-off**: $L(w + \varepsilon e_k)$ and $L(w)$ are each rounded to relative precision
#   $\epsilon_{\text{mach}}$, and their difference is divided by $\varepsilon$: $\approx \epsilon_{\text{mach}}
#   |L| / \varepsilon$ — wants $\varepsilon$ large.
#
# Balancing them gives $\varepsilon^* \approx \sqrt{\epsilon_{\text{mach}}}$ (forward) and $\varepsilon^* \approx
# \epsilon_{\text{mach}}^{1/3}$ (central), and a best error of about $\sqrt{\epsilon_{\text{mach}}}$ and
# $\epsilon_{\text{mach}}^{2/3}$: half or a third of the digits are lost **at best**.

# %% slideshow={"slide_type": "subslide"}
epsilons = np.logspace(-16, 0, 97)
curves, ad_errors = zo.difference_errors(L, w, exact, epsilons)  # [name, dtype] -> errors over ε; adlib's error

fig, ax = plt.subplots(figsize=(9, 6))
zo.plot_difference_errors(ax, epsilons, curves, ad_errors)
ax.set_title(tr(r"Finite differences at $w = (2, 3)$: truncation (right) vs round-off (left)",
                r"Конечные разности в точке $w = (2, 3)$: усечение (справа) и округление (слева)"))
fig.tight_layout()
plt.show()

right = (epsilons >= 1e-3) & (epsilons <= 1e-1)  # truncation dominates there, in float64
claim(0.8 < loglog_slope(epsilons[right], curves["forward", np.float64][right]) < 1.2
      and 1.7 < loglog_slope(epsilons[right], curves["central", np.float64][right]) < 2.3,
      "the right branch has slope 1 for forward and 2 for central differences")
claim(ad_errors[np.float64] < 1e-15, "in float64 AD's error is at the level of 1e-16 or 0", error=ad_errors[np.float64])
claim(all(np.all(errors[epsilons < np.finfo(dtype).eps / 4] == 1) for (_, dtype), errors in curves.items()),
      "left of eps_mach the step is lost and the relative error is 1")

# %% [markdown] slideshow={"slide_type": "fragment"}
# What to see: every finite-difference curve is a **U**: the right branch is truncation (slope 1 for forward, 2 for
# central), the left branch is round-off (slope −1). The vertical lines mark the rule-of-thumb optima
# $\sqrt{\epsilon_{\text{mach}}}$ and $\epsilon_{\text{mach}}^{1/3}$ (solid float64; dotted float32, which goes
# beyond the lecture: the precision of deep learning, where the same U sits higher). The green lines
# are AD: no $\varepsilon$ at all, error at the level of machine precision (in float64 below $10^{-15}$; an exact 0
# is drawn at $10^{-17}$). Left of $\varepsilon \approx \epsilon_{\text{mach}}$ the step is lost entirely ($w + \varepsilon
# = w$ in floating point) and the estimate is 0: relative error 1.

# %% slideshow={"slide_type": "subslide"}
print(tr(f"{'method':22}{'best ε':>10}{'best error':>12}{'digits kept':>13}{'rule-of-thumb ε':>17}{'error there':>13}",
         f"{'метод':22}{'лучший ε':>10}{'мин. ошибка':>12}{'верных знаков':>13}{'ε* по оценке':>17}{'ошибка при ε*':>13}"))
kept, lost = {}, {}
METHOD_RU = {"forward": "вперёд", "central": "центральные"}  # the table's row names in the Russian edition
for (name, dtype), errors in curves.items():
    machine = np.finfo(dtype).eps
    rule = np.sqrt(machine) if name == "forward" else np.cbrt(machine)
    estimate = zo.forward_difference if name == "forward" else zo.central_difference
    at_rule = np.linalg.norm(estimate(L, w.astype(dtype)).astype(np.float64) - exact) / np.linalg.norm(exact)
    best = np.argmin(errors)
    kept[name, dtype] = -np.log10(errors[best])  # correct decimal digits at the best step
    lost[name, dtype] = 1 - kept[name, dtype] / -np.log10(machine)  # the fraction of the dtype's digits lost
    print(f"{tr(name, METHOD_RU[name]) + ', ' + dtype.__name__:22}{epsilons[best]:>10.1e}{errors[best]:>12.1e}{kept[name, dtype]:>13.1f}"
          f"{rule:>17.1e}{at_rule:>13.1e}")
for dtype in (np.float64, np.float32):
    print(f"{'adlib.grad, ' + dtype.__name__:22}{'—':>10}{ad_errors[dtype]:>12.1e}")

# the claims of the slide, as checks: the best FD errors are near √eps and eps^(2/3), AD is near eps
for dtype in (np.float64, np.float32):
    machine = np.finfo(dtype).eps
    claim(0.01 * np.sqrt(machine) < curves["forward", dtype].min() < 100 * np.sqrt(machine),
          "the best forward-difference error is about √eps", dtype=dtype.__name__)
    claim(0.01 * machine ** (2 / 3) < curves["central", dtype].min() < 100 * machine ** (2 / 3),
          "the best central-difference error is about eps^(2/3)", dtype=dtype.__name__)
    claim(ad_errors[dtype] < 10 * machine, "reverse mode is accurate to machine precision", dtype=dtype.__name__)
    claim(0.35 < lost["forward", dtype] < 0.65, "forward differences lose about half of the digits", lost=lost)
    claim(0.2 < lost["central", dtype] < 0.45, "central differences lose about a third of the digits", lost=lost)
f64, f32 = np.float64, np.float32
say(f"At the best step, in float64 (≈ {-np.log10(np.finfo(f64).eps):.0f} digits) forward differences keep "
    f"**{kept['forward', f64]:.0f}** digits and central ones **{kept['central', f64]:.0f}**; in float32 "
    f"(≈ {-np.log10(np.finfo(f32).eps):.0f} digits, the default precision of deep learning) **{kept['forward', f32]:.0f}**"
    f" and **{kept['central', f32]:.0f}**. Forward differences lose {lost['forward', f64]:.0%} (float64) and "
    f"{lost['forward', f32]:.0%} (float32) of the digits, central ones {lost['central', f64]:.0%} and "
    f"{lost['central', f32]:.0%}.",
    ru=f"При лучшем шаге во float64 (≈ {-np.log10(np.finfo(f64).eps):.0f} "
       f"{plural_ru(round(-np.log10(np.finfo(f64).eps)), 'знак', 'знака', 'знаков')}) разности вперёд сохраняют "
       f"**{kept['forward', f64]:.0f}** "
       f"{plural_ru(round(kept['forward', f64]), 'верный знак', 'верных знака', 'верных знаков')}, а центральные — "
       f"**{kept['central', f64]:.0f}**; во float32 (≈ {-np.log10(np.finfo(f32).eps):.0f} "
       f"{plural_ru(round(-np.log10(np.finfo(f32).eps)), 'знак', 'знака', 'знаков')}, стандартная точность глубокого "
       f"обучения) — **{kept['forward', f32]:.0f}** и **{kept['central', f32]:.0f}**. Разности вперёд теряют "
       f"{lost['forward', f64]:.0%} (float64) и {lost['forward', f32]:.0%} (float32) знаков, центральные — "
       f"{lost['central', f64]:.0%} и {lost['central', f32]:.0%}.")

# %% [markdown] slideshow={"slide_type": "fragment"}
# So forward differences lose about half of the digits and central ones about a third, in float64 and (beyond the
# lecture) in float32 alike — the fractions the theory predicts. Reverse mode keeps all of them.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Beyond the lecture: half precision / За рамками лекции: половинная точность
#
# **Exercise 3.2** / **Упражнение 3.2** — predict, then measure. `float16`, half precision, has
# $\epsilon_{\text{mach}} = 2^{-10} \approx 9.8 \cdot 10^{-4}$. Which step $\varepsilon$ gives forward differences of
# $L$ at $w = (2, 3)$ their smallest error in float16? Write a number; running the cell measures the error on the
# same grid of 97 steps as above (neighbours a factor of about 1.5 apart) and compares. Within a factor of 3 counts
# as right: the rule of thumb leaves out the constants $|L|$ and $|L''|$.


# %% slideshow={"slide_type": "skip"}
def best_step(dtype, name="forward"):
    """The step of `epsilons` at which `name` differences of L at w have their smallest error in `dtype`."""
    errors = zo.difference_errors(L, w, exact, epsilons, dtypes=(dtype,))[0][name, dtype]
    return epsilons[np.argmin(errors)]


assert best_step(np.float64) == epsilons[np.argmin(curves["forward", np.float64])]  # the same measurement as above

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_best_eps_float16 = None  # your code here: a number, the step ε

exercises.check_prediction(my_best_eps_float16, best_step(np.float16), within=3,
                           name=tr("the measured best ε (float16, forward differences)",
                                   "измеренный лучший ε (float16, разности вперёд)"),
                           hint=("balance truncation ε|L''|/2 against round-off eps·|L|/ε, as for float64 and "
                                 "float32 above",
                                 "уравновесьте ошибку усечения ε|L''|/2 и ошибку округления eps·|L|/ε, как для "
                                 "float64 и float32 выше"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Solution / Решение
# Truncation ε|L''|/2 falls with ε, round-off eps·|L|/ε grows as ε shrinks: they balance near ε* ≈ √eps, the rule
# that the table above confirms in float64 and float32. In float16, √(2^-10) = 2^-5 ≈ 0.031: a large step.
solution_best_eps_float16 = np.sqrt(np.finfo(np.float16).eps)

exercises.check_prediction(solution_best_eps_float16, best_step(np.float16), within=3,
                           name=tr("the measured best ε (float16, forward differences)",
                                   "измеренный лучший ε (float16, разности вперёд)")).assert_passed()

# %% slideshow={"slide_type": "subslide"}
curves16, ad_errors16 = zo.difference_errors(L, w, exact, epsilons, dtypes=(np.float16,))

fig, ax = plt.subplots(figsize=(9, 6))
zo.plot_difference_errors(ax, epsilons, {**curves, **curves16}, {**ad_errors, **ad_errors16})
ax.set_xlim(1e-9, 2)  # the steps where the three Us have their bottoms
ax.set_title(tr(r"The same U in float16 (dashed): further right, higher up",
                r"Та же U-кривая во float16 (штриховые): правее и выше"))
fig.tight_layout()
plt.show()

machine16 = np.finfo(np.float16).eps
print(tr(f"{'method':22}{'best ε':>10}{'best error':>12}{'digits kept':>13}{'rule-of-thumb ε':>17}{'error there':>13}",
         f"{'метод':22}{'лучший ε':>10}{'мин. ошибка':>12}{'верных знаков':>13}{'ε* по оценке':>17}{'ошибка при ε*':>13}"))
best16, kept16, at_rule16 = {}, {}, {}
for name, rule, estimate in (("forward", np.sqrt(machine16), zo.forward_difference),
                             ("central", np.cbrt(machine16), zo.central_difference)):
    errors = curves16[name, np.float16]
    best16[name], kept16[name] = epsilons[np.argmin(errors)], -np.log10(errors.min())
    g_rule = estimate(L, w.astype(np.float16)).astype(np.float64)  # at the default step, the rule of thumb
    at_rule16[name] = np.linalg.norm(g_rule - exact) / np.linalg.norm(exact)
    print(f"{tr(name, METHOD_RU[name]) + ', float16':22}{best16[name]:>10.1e}{errors.min():>12.1e}{kept16[name]:>13.1f}{rule:>17.1e}"
          f"{at_rule16[name]:>13.1e}")
print(f"{'adlib.grad, float16':22}{'—':>10}{ad_errors16[np.float16]:>12.1e}")
assert best16["forward"] == best_step(np.float16)
claim(1 / 3 < best16["forward"] / np.sqrt(machine16) < 3 and 1 / 3 < best16["central"] / np.cbrt(machine16) < 3,
      "the best steps are within a factor of 3 of the rules of thumb", best=best16)
claim(ad_errors16[np.float16] < machine16, "AD's error in float16 is below eps_mach", error=ad_errors16[np.float16])
claim(all(best16[name] > epsilons[np.argmin(curves[name, np.float32])]
          and curves16[name, np.float16].min() > curves[name, np.float32].min() for name in best16),
      "float16's U sits right of and above float32's", best=best16)
say(f"In float16 (≈ {-np.log10(machine16):.0f} digits) the best step is **{best16['forward']:.2g}** for forward "
    f"differences (the rule of thumb $\\sqrt{{\\epsilon}}$ = {np.sqrt(machine16):.2g}) and **{best16['central']:.2g}** "
    f"for central ones ($\\epsilon^{{1/3}}$ = {np.cbrt(machine16):.2g}). At the best step forward differences keep "
    f"**{kept16['forward']:.1f}** digits and central ones **{kept16['central']:.1f}**; adlib.grad's error is "
    f"{ad_errors16[np.float16]:.1e}, below $\\epsilon_{{\\text{{mach}}}}$.",
    ru=f"Во float16 (≈ {-np.log10(machine16):.0f} "
       f"{plural_ru(round(-np.log10(machine16)), 'знак', 'знака', 'знаков')}) лучший шаг для разностей вперёд — "
       f"**{best16['forward']:.2g}** (грубая оценка $\\sqrt{{\\epsilon}}$ = {np.sqrt(machine16):.2g}), для "
       f"центральных — **{best16['central']:.2g}** ($\\epsilon^{{1/3}}$ = {np.cbrt(machine16):.2g}). При лучшем шаге "
       f"разности вперёд сохраняют **{kept16['forward']:.1f}** верного знака, а центральные — "
       f"**{kept16['central']:.1f}**; ошибка adlib.grad равна {ad_errors16[np.float16]:.1e}, это меньше "
       f"$\\epsilon_{{\\text{{mach}}}}$.")

# %% [markdown] slideshow={"slide_type": "fragment"}
# What to see (the axis now starts at $\varepsilon = 10^{-9}$): the float16 curves (dashed) have the same U shape as
# the float64 and float32 ones, moved right and up: with a larger $\epsilon_{\text{mach}}$ the round-off
# $\epsilon_{\text{mach}}|L|/\varepsilon$ is larger at every step, so it meets the truncation error at a larger step
# and a larger error.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Theorem / Теорема (Linnainmaa, 1970)
#
# **There is an algorithm that computes $\nabla_w L$ in $\mathcal{O}(T)$.** That algorithm is reverse-mode automatic
# differentiation: one forward pass that records the computational graph, one backward sweep over it. Each
# elementary operation is visited once forward and once backward, with a constant amount of work each time, hence
# a constant factor (the classical bound is ≈ 4–5 for the operation count, Griewank & Walther).
#
# Measured: $T$ (one evaluation), central differences, and `adlib.grad`, as $d$ grows, plotted **in units of $T$** so
# that the machine's speed cancels. Every time is the best of five rounds of the CPU time of this process
# (`time.process_time`), the four functions taking turns within each round. On a shared machine, wall-clock time
# would also count other programs' work, and count it most in the longest calls (a central difference at
# $d = 3000$ lasts thousands of times longer than one $L$).


# %% slideshow={"slide_type": "skip"}
def free(w):  # a "loss" that costs nothing: times the finite-difference loop itself
    return 0.0


# %% slideshow={"slide_type": "subslide"}
dims = np.array([10, 30, 100, 300, 1000, 3000])
grad_L = adlib.grad(L_big)
rows = []
for d in dims:
    w_d = np.random.default_rng(1).standard_normal(d)
    rows.append(time_calls({
        "L (T)": lambda w_d=w_d: L_big(w_d),
        "central differences": lambda w_d=w_d: zo.central_difference(L_big, w_d),
        "adlib.grad": lambda w_d=w_d: grad_L(w_d),
        "the loop alone": lambda w_d=w_d: zo.central_difference(free, w_d),
    }, repeat=5, min_time=0.02, cpu=True))  # fmt: skip
times = {name: np.array([row[name] for row in rows]) for name in rows[0]}
T = times["L (T)"]
ratio_fd, ratio_ad = times["central differences"] / T, times["adlib.grad"] / T
slope_fd = np.polyfit(np.log(dims), np.log(ratio_fd), 1)[0]
slope_ad = np.polyfit(np.log(dims), np.log(ratio_ad), 1)[0]

fig, ax = plt.subplots(figsize=(8, 5))
ax.loglog(dims, ratio_fd, "o-", label=tr(f"central differences (slope {slope_fd:.2f})",
                                         f"центральные разности (наклон {slope_fd:.2f})"))
ax.loglog(dims, ratio_ad, "s-", label=tr(f"adlib.grad, reverse mode (slope {slope_ad:.2f})",
                                         f"adlib.grad, обратный режим (наклон {slope_ad:.2f})"))
ax.loglog(dims, 2 * dims, "k--", lw=1, label=tr("$2d$ (the count)", "$2d$ (подсчёт вызовов)"))
ax.set_xlabel(tr("number of parameters $d$", "число параметров $d$"))
ax.set_ylabel(tr("time of one gradient / $T$", "время одного градиента / $T$"))
ax.set_title(tr("Cost of a gradient in units of $T$ (one $L(w)$)",
                "Стоимость градиента в единицах $T$ (одно вычисление $L(w)$)"))
ax.legend()
fig.tight_layout()
plt.show()
print(tr(f"time/T, central differences: {np.round(ratio_fd, 1)}  (fitted slope {slope_fd:.2f}, the count says 1)",
         f"время/T, центральные разности: {np.round(ratio_fd, 1)}  (наклон подгонки {slope_fd:.2f}, по подсчёту 1)"))
print(tr(f"time/T, adlib.grad:          {np.round(ratio_ad, 1)}  (fitted slope {slope_ad:.2f}, the theorem says 0)",
         f"время/T, adlib.grad:           {np.round(ratio_ad, 1)}  (наклон подгонки {slope_ad:.2f}, по теореме 0)"))
claim(0.8 < slope_fd < 1.25 and np.all((ratio_fd > dims) & (ratio_fd < 6 * dims)),
      "the finite-difference time runs along the 2d line (slope ≈ 1)", slope=slope_fd)
claim(slope_ad < 0.3 and ratio_ad.max() < 0.1 * ratio_fd[-1], "the reverse-mode time does not grow with d",
      slope=slope_ad)

# %% [markdown] slideshow={"slide_type": "fragment"}
# What to see: the finite-difference curve runs along the $2d$ line (slope ≈ 1); the reverse-mode curve does not
# grow — over $d = 10 \dots 3000$, a gradient costs a **bounded** number of evaluations.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Beyond the lecture: where the finite-difference time goes / За рамками лекции: куда уходит время конечных разностей
#
# Where does the gap between the measured curve and $2d$ come from? Each of the $2d$ evaluations inside the loop
# also costs the loop's own work: copying $w$ to move one coordinate, checking that the value is a finite number.
# Timing the loop with a free loss measures that work, $t_{\text{loop}}$ per evaluation, and predicts the time
# $2d\,(T + t_{\text{loop}})$:

# %% slideshow={"slide_type": "fragment"}
t_loop = times["the loop alone"] / (2 * dims)
predicted = 2 * dims * (T + t_loop) / T
print(tr(f"{'d':>6}{'T (µs)':>9}{'t_loop (µs)':>13}{'time/T':>9}{'2d':>7}{'time/(2dT)':>12}{'1 + t_loop/T':>14}",
         f"{'d':>6}{'T (мкс)':>9}{'t_loop (мкс)':>13}{'время/T':>9}{'2d':>7}{'время/(2dT)':>12}{'1 + t_loop/T':>14}"))
for row in zip(dims, T * 1e6, t_loop * 1e6, ratio_fd, 2 * dims, ratio_fd / (2 * dims), predicted / (2 * dims)):
    print("{:>6}{:>9.1f}{:>13.2f}{:>9.0f}{:>7}{:>12.2f}{:>14.2f}".format(*row))
agreement = ratio_fd / predicted
claim(0.6 < np.median(agreement) < 1.6, "2d(T + t_loop) predicts the measured time", agreement=np.round(agreement, 2))
claim(t_loop.max() < 3 * t_loop.min() and (1 + t_loop / T).max() < 1.5 * (1 + t_loop / T).min(),
      "t_loop does not grow with d, and 1 + t_loop/T stays about the same", t_loop_over_T=np.round(t_loop / T, 2))
claim(ratio_fd[-1] > 2 * dims[-1], "the gap does not vanish at the largest d", ratio=ratio_fd[-1])
claim(T[-1] / T[0] < 0.1 * dims[-1] / dims[0], "T grows far more slowly than d", T_growth=T[-1] / T[0])
say(f"Measured over $2dT$: **{(ratio_fd / (2 * dims)).min():.2f}–{(ratio_fd / (2 * dims)).max():.2f}×**; predicted "
    f"by the loop's own work, $1 + t_{{\\text{{loop}}}}/T$: **{(predicted / (2 * dims)).min():.2f}–"
    f"{(predicted / (2 * dims)).max():.2f}×** (measured/predicted: {agreement.min():.2f}–{agreement.max():.2f}). "
    f"adlib.grad: **{ratio_ad.min():.0f}–{ratio_ad.max():.0f}** $T$ at every $d$ (median {np.median(ratio_ad):.1f}), "
    + choose(np.median(ratio_ad) > 5, "above the classical bound of 4–5: adlib's Python bookkeeping per operation is "
             "part of its constant.", "about the classical bound of 4–5."),
    ru=f"Измеренное время в единицах $2dT$: **{(ratio_fd / (2 * dims)).min():.2f}–{(ratio_fd / (2 * dims)).max():.2f}×**; "
       f"предсказание по собственной работе цикла, $1 + t_{{\\text{{loop}}}}/T$: **{(predicted / (2 * dims)).min():.2f}–"
       f"{(predicted / (2 * dims)).max():.2f}×** (измерено/предсказано: {agreement.min():.2f}–{agreement.max():.2f}). "
       f"adlib.grad: **{ratio_ad.min():.0f}–{ratio_ad.max():.0f}** $T$ при каждом $d$ (медиана {np.median(ratio_ad):.1f}), "
       + choose(np.median(ratio_ad) > 5, "выше классической оценки 4–5: питоновские накладные расходы adlib на каждую "
                "операцию входят в его константу.", "около классической оценки 4–5."))

# %% [markdown] slideshow={"slide_type": "fragment"}
# So the gap is not a small-$d$ effect, and it does not change the slope: $t_{\text{loop}}$ does not grow with $d$
# (copying a few thousand numbers is cheap), and $T$ grows far more slowly than $d$, because at these sizes both are mostly the
# per-call overhead of Python and NumPy; the factor $1 + t_{\text{loop}}/T$ stays about the same at every $d$.
# The rest of the course is the algorithms behind the theorem: [04 — forward mode](04_forward_mode.ipynb) gives
# exact derivatives but still needs $d$ passes, one per input, so a gradient still costs $d \cdot \mathcal{O}(T)$;
# [05 — reverse mode](05_reverse_mode.ipynb) is the $\mathcal{O}(T)$ algorithm.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Beyond the lecture: cross-check with JAX / За рамками лекции: проверка с помощью JAX
#
# `adlib.grad` of both test functions against `jax.grad` in float64 (tolerance $10^{-12}$), and central differences
# against both (tolerance $10^{-8}$, what the U-curve allows).

# %% slideshow={"slide_type": "fragment"}
import jax

jax.config.update("jax_enable_x64", True)  # before any JAX array exists
import jax.numpy as jnp


def L_jax(w):
    return w[1] * jnp.log(w[0]) + jnp.sqrt(w[1] * jnp.log(w[0]))


def L_big_jax(w):
    return jnp.sum(jnp.log(1 + jnp.exp(-w))) + 0.5 * jnp.sum(w * w)


w_big = np.random.default_rng(2).standard_normal(50)
for f, f_jax, point in ((L, L_jax, w), (L_big, L_big_jax, w_big)):
    reference = np.asarray(jax.grad(f_jax)(jnp.asarray(point)))
    np.testing.assert_allclose(adlib.grad(f)(point), reference, rtol=1e-12)
    np.testing.assert_allclose(zo.central_difference(f, point), reference, rtol=1e-8, atol=1e-9)
print(tr("adlib.grad == jax.grad (rtol 1e-12); central differences agree to 1e-8",
         "adlib.grad == jax.grad (rtol 1e-12); центральные разности совпадают до 1e-8"))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary / Итоги
#
# * A finite-difference gradient costs $(d+1)T$ (the slide's forward formula) or $2dT$ (central differences, the
#   lecture's answer): measured, it grows linearly with $d$.
# * Its accuracy is limited by a truncation/round-off trade-off: the best step is $\approx\sqrt{\epsilon}$ or
#   $\epsilon^{1/3}$, and even then about half (forward) or a third (central) of the digits are lost, in float64 as
#   in float32.
# * Reverse-mode AD computes the exact gradient (to machine precision) in $\mathcal{O}(T)$ — Linnainmaa's theorem,
#   seen here as a flat line. Finite differences remain useful for one thing: **testing** AD
#   (`adlib.testing.check_grads`).
#
# **Path:** back to [02 — gradient descent without a gradient](02_zero_order.ipynb); next,
# [04 — forward mode](04_forward_mode.ipynb) (exact, $d$ passes), then [05 — reverse mode](05_reverse_mode.ipynb)
# (exact, $\mathcal{O}(T)$).
