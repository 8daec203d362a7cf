# ---
# jupyter:
#   course:
#     summary: 'Finite differences: cost 2dT vs one sweep, error vs step size'
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
# # Finite differences: cost and accuracy / Конечные разности: цена и точность
#
# The naive way to get a gradient is to wiggle one coordinate at a time:
#
# $$\frac{\partial L}{\partial w_k}(w) \approx \frac{L(w + \varepsilon e_k) - L(w)}{\varepsilon}, \qquad
#   e_k = (0, \dots, \underset{k}{1}, \dots, 0).$$
#
# This notebook answers the lecture's two questions by measurement: **what does it cost** (counting and timing,
# against `adlib`'s reverse mode as $d$ grows), and **how accurate is it** (the error against $\varepsilon$: a
# U-shaped trade-off between truncation and round-off, in float64 and float32, with AD's error on the same plot).

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
import timeit

import matplotlib.pyplot as plt
import numpy as np

import adlib
import adlib.numpy as anp
from adlib import zero_order as zo

np.set_printoptions(precision=4)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Finite differences / Конечные разности
#
# The whole method is a loop over the $d$ coordinates. Forward differences need $L(w)$ once and $d$ more
# evaluations; central differences $(L(w + \varepsilon e_k) - L(w - \varepsilon e_k)) / 2\varepsilon$ need $2d$.
# (`adlib.zero_order.forward_difference` / `central_difference` are these lines plus input checks.)


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
    print("forward difference, ε = 1e-6:", forward_difference(L, w, 1e-6))
    print("adlib.grad (reverse mode):   ", adlib.grad(L)(w))
    print("closed form:                 ", exact)
np.testing.assert_allclose(forward_difference(L, w, 1e-6), zo.forward_difference(L, w, 1e-6), rtol=1e-15)
np.testing.assert_allclose(adlib.grad(L)(w), exact, rtol=1e-14)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The cost question / Вопрос: сколько стоит градиент?
#
# *If one evaluation of $L(w)$ takes time $T$, how long does $\nabla_w L$ take with this approach?*
#
# Counting first: `CountedFunction` wraps $L$ and counts its calls.

# %% slideshow={"slide_type": "fragment"}
rng = np.random.default_rng(0)


def L_big(w):  # an O(d) loss: one pass over the d parameters
    return anp.sum(anp.log(1 + anp.exp(-w))) + 0.5 * anp.sum(w * w)


print(f"{'d':>6}{'central':>10}{'forward':>10}")
for d in (10, 100, 1000):
    w_d = rng.standard_normal(d)
    counts = []
    for estimate in (zo.central_difference, zo.forward_difference):
        counted = zo.CountedFunction(L_big)
        estimate(counted, w_d)
        counts.append(counted.evaluations)
    print(f"{d:>6}{counts[0]:>10.0f}{counts[1]:>10.0f}")
    assert counts == [2 * d, d + 1]

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Answer: $2dT$** for central differences ($\approx dT$ for forward ones). For a network with $d = 10^9$
# parameters that is two billion forward passes per step.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Timing against reverse mode / Время: конечные разности против обратного режима
#
# Now the clock: $T$ (one evaluation), central differences, and `adlib.grad`, as $d$ grows. We plot the time
# **in units of $T$**, so the machine's speed cancels. The best of several repeats is used (timings vary from run to
# run; the slopes and the gap do not).


# %% slideshow={"slide_type": "skip"}
def best_time(f, repeat=3):
    """Best wall-clock time of one call of f (seconds) over `repeat` rounds of enough calls to last ~20 ms."""
    number = max(1, int(0.02 / max(timeit.timeit(f, number=1), 1e-7)))
    return min(timeit.repeat(f, number=number, repeat=repeat)) / number


# %% slideshow={"slide_type": "subslide"}
dims = np.array([10, 30, 100, 300, 1000, 3000])
grad_L = adlib.grad(L_big)
times = {"L (T)": [], "central differences": [], "adlib.grad": []}
for d in dims:
    w_d = np.random.default_rng(1).standard_normal(d)
    times["L (T)"].append(best_time(lambda w_d=w_d: L_big(w_d), repeat=7))
    times["central differences"].append(
        best_time(lambda w_d=w_d: zo.central_difference(L_big, w_d), repeat=1 if d > 300 else 2)
    )
    times["adlib.grad"].append(best_time(lambda w_d=w_d: grad_L(w_d), repeat=5))
times = {k: np.array(v) for k, v in times.items()}
ratio_fd = times["central differences"] / times["L (T)"]
ratio_ad = times["adlib.grad"] / times["L (T)"]
slope_fd = np.polyfit(np.log(dims), np.log(ratio_fd), 1)[0]
slope_ad = np.polyfit(np.log(dims), np.log(ratio_ad), 1)[0]

fig, ax = plt.subplots(figsize=(6.4, 4.2))
ax.loglog(dims, ratio_fd, "o-", label=f"central differences (slope {slope_fd:.2f})")
ax.loglog(dims, ratio_ad, "s-", label=f"adlib.grad, reverse mode (slope {slope_ad:.2f})")
ax.loglog(dims, 2 * dims, "k--", lw=1, label="$2d$ (the count)")
ax.set_xlabel("number of parameters $d$")
ax.set_ylabel("time of one gradient / time $T$ of one $L(w)$")
ax.set_title("Cost of a gradient in units of $T$")
ax.legend()
fig.tight_layout()
plt.show()
print(f"time/T, central differences: {np.round(ratio_fd, 1)}  (fitted slope {slope_fd:.2f}, the count says 1)")
print(f"time/T, adlib.grad:          {np.round(ratio_ad, 1)}  (fitted slope {slope_ad:.2f}, the theorem says 0)")

# %% [markdown] slideshow={"slide_type": "fragment"}
# What to see: the finite-difference curve runs along the $2d$ line (slope ≈ 1; at small $d$ the loop's own Python
# overhead adds to it); the reverse-mode curve does not grow — a gradient costs a **bounded** number of evaluations
# (a handful to a few tens for adlib, whose Python bookkeeping per operation is part of the constant; the exact
# values depend on the machine and its load, the slopes do not), however large $d$ is.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Theorem / Теорема (Linnainmaa, 1970)
#
# **There is an algorithm that computes $\nabla_w L$ in $\mathcal{O}(T)$.** That algorithm is reverse-mode automatic
# differentiation: one forward pass that records the computational graph, one backward sweep over it. Each
# elementary operation is visited once forward and once backward, with a constant amount of work each time, hence
# a constant factor (the classical bound is ≈ 4–5 for the operation count, Griewank & Walther) — the flat curve
# above. The rest of the course shows how it works.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Accuracy versus stability / Точность или устойчивость
#
# The lecture also warns that the method *is unstable*: we must choose between accuracy and stability. Two
# errors compete as $\varepsilon$ shrinks:
#
# * **truncation** (Taylor): $\frac{\varepsilon}{2}|L''|$ for forward, $\frac{\varepsilon^2}{6}|L'''|$ for central
#   differences — wants $\varepsilon$ small;
# * **round-off**: $L(w + \varepsilon e_k)$ and $L(w)$ are each rounded to relative precision
#   $\epsilon_{\text{mach}}$, and their difference is divided by $\varepsilon$: $\approx \epsilon_{\text{mach}}
#   |L| / \varepsilon$ — wants $\varepsilon$ large.
#
# Balancing them gives $\varepsilon^* \approx \sqrt{\epsilon_{\text{mach}}}$ (forward) and $\varepsilon^* \approx
# \epsilon_{\text{mach}}^{1/3}$ (central), and a best error of about $\sqrt{\epsilon_{\text{mach}}}$ and
# $\epsilon_{\text{mach}}^{2/3}$: half or two thirds of the digits are lost **at best**.

# %% slideshow={"slide_type": "subslide"}
epsilons = np.logspace(-16, 0, 97)


def relative_error(g):
    return np.linalg.norm(np.asarray(g, dtype=np.float64) - exact) / np.linalg.norm(exact)


curves, ad_errors = {}, {}
for dtype in (np.float64, np.float32):
    w_t = w.astype(dtype)
    for name, estimate in (("forward", zo.forward_difference), ("central", zo.central_difference)):
        curves[name, dtype] = np.array([relative_error(estimate(L, w_t, eps)) for eps in epsilons])
    ad_errors[dtype] = relative_error(adlib.grad(L)(w_t))

fig, ax = plt.subplots(figsize=(7.2, 4.6))
colors = {"forward": "tab:blue", "central": "tab:orange"}
floor = 1e-17  # an exact zero error is drawn here, so that it shows on a log axis
for (name, dtype), errors in curves.items():
    style = "-" if dtype is np.float64 else ":"
    ax.loglog(epsilons, np.maximum(errors, floor), style, color=colors[name], label=f"{name}, {dtype.__name__}")
for dtype, style in ((np.float64, "-"), (np.float32, ":")):
    machine = np.finfo(dtype).eps
    ax.axhline(max(ad_errors[dtype], floor), color="tab:green", ls=style, lw=2, label=f"adlib.grad, {dtype.__name__}")
    ax.axvline(np.sqrt(machine), color=colors["forward"], ls=style, lw=0.8, alpha=0.7)
    ax.axvline(np.cbrt(machine), color=colors["central"], ls=style, lw=0.8, alpha=0.7)
ax.text(np.sqrt(np.finfo(np.float64).eps), 3, r"$\sqrt{\epsilon}$", color=colors["forward"], ha="center")
ax.text(np.cbrt(np.finfo(np.float64).eps), 3, r"$\epsilon^{1/3}$", color=colors["central"], ha="center")
ax.set_ylim(1e-18, 1e2)
ax.set_xlabel(r"step $\varepsilon$")
ax.set_ylabel(r"relative error $\|G - \nabla L\| / \|\nabla L\|$")
ax.set_title(r"Finite differences at $w = (2, 3)$: truncation (right) vs round-off (left)")
ax.legend(fontsize=8, ncol=2, loc="lower left")
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# What to see: every finite-difference curve is a **U**: the right branch is truncation (slope 1 for forward, 2 for
# central), the left branch is round-off (slope −1). The vertical lines mark the rule-of-thumb optima
# $\sqrt{\epsilon_{\text{mach}}}$ and $\epsilon_{\text{mach}}^{1/3}$ (solid float64, dotted float32). The green lines
# are AD: no $\varepsilon$ at all, error at the level of machine precision (in float64 it is exactly 0 here, drawn
# at $10^{-17}$). Left of $\varepsilon \approx \epsilon_{\text{mach}}$ the step is lost entirely ($w + \varepsilon
# = w$ in floating point) and the estimate is 0: relative error 1.

# %% slideshow={"slide_type": "subslide"}
print(f"{'method':22}{'best ε':>10}{'best error':>12}{'rule-of-thumb ε':>17}{'error there':>13}")
for (name, dtype), errors in curves.items():
    machine = np.finfo(dtype).eps
    rule = np.sqrt(machine) if name == "forward" else np.cbrt(machine)
    at_rule = relative_error((zo.forward_difference if name == "forward" else zo.central_difference)(L, w.astype(dtype)))
    k = np.argmin(errors)
    print(f"{name + ', ' + dtype.__name__:22}{epsilons[k]:>10.1e}{errors[k]:>12.1e}{rule:>17.1e}{at_rule:>13.1e}")
for dtype in (np.float64, np.float32):
    print(f"{'adlib.grad, ' + dtype.__name__:22}{'—':>10}{ad_errors[dtype]:>12.1e}")

# the claims of the slide, as checks: the best FD errors are near √eps and eps^(2/3), AD is near eps
for dtype in (np.float64, np.float32):
    machine = np.finfo(dtype).eps
    assert 0.01 * np.sqrt(machine) < curves["forward", dtype].min() < 100 * np.sqrt(machine)
    assert 0.01 * machine ** (2 / 3) < curves["central", dtype].min() < 100 * machine ** (2 / 3)
    assert ad_errors[dtype] < 10 * machine

# %% [markdown] slideshow={"slide_type": "fragment"}
# In float64 forward differences keep about 8 of 16 digits and central ones about 10–11; in float32 (the default
# precision of deep learning) that becomes ≈ 4 and ≈ 5 of 7 digits. Reverse mode keeps all of them, at a cost that
# does not grow with $d$.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Cross-check with JAX / Проверка с помощью JAX
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
print("adlib.grad == jax.grad (rtol 1e-12); central differences agree to 1e-8")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary / Итоги
#
# * A finite-difference gradient costs $2dT$ (central) or $(d+1)T$ (forward): measured, it grows linearly with $d$.
# * Its accuracy is limited by a truncation/round-off trade-off: the best step is $\approx\sqrt{\epsilon}$ or
#   $\epsilon^{1/3}$, and even then half to a third of the digits are lost (float32: most of them).
# * Reverse-mode AD computes the exact gradient (to machine precision) in $\mathcal{O}(T)$ — Linnainmaa's theorem,
#   seen here as a flat line. Finite differences remain useful for one thing: **testing** AD
#   (`adlib.testing.check_grads`).
