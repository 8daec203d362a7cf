# ---
# jupyter:
#   course:
#     summary: 'Jacobians: jacfwd vs jacrev as m/n varies; mixed mode'
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
# # Choose your fighter: forward or reverse mode for a Jacobian / Choose your fighter: какой режим AD выбрать для якобиана
#
# For $f:\mathbb R^n \to \mathbb R^m$ the Jacobian $J = \{\partial f_i / \partial w_j\}$ has $m$ rows and $n$
# columns. Forward mode gets it **column by column** ($n$ JVPs), reverse mode **row by row** ($m$ VJPs). Following
# the lecture's three slides we
#
# 1. answer Рис. 24's question (few inputs, many outputs) and *count* the passes `adlib.jacfwd` / `adlib.jacrev`
#    really make;
# 2. reproduce Рис. 25 (n = 100, m swept) for adlib **and** for JAX, with JIT compilation excluded from the times;
# 3. take Рис. 26's "arbitrary graph G in the middle" with a narrow waist and beat both pure modes by mixing them.
#
# Beyond the lecture: a nonlinear map, a scalar output, and a widget to try your own n and m. Your turn in three
# exercises: choose the mode for $\mathbb R^2 \to \mathbb R^{1000}$ and for $\mathbb R^{1000} \to \mathbb R$ before
# it is timed, and count the passes through Рис. 26's narrow waist.
#
# Builds on [04 — forward mode](04_forward_mode.ipynb) and [05 — reverse mode](05_reverse_mode.ipynb); leads to
# [07 — feed-forward networks](07_feedforward.ipynb) (reverse mode on a network, every shape) and
# [08 — Hessian-vector products](08_hvp.ipynb) (forward over reverse: both modes in one product).
#
# Runs in under a minute. `ADLIB_FULL=1` sweeps m up to ~30 000 as in the course
# (a few minutes).

# %% [markdown] slideshow={"slide_type": "skip"} tags=["colab"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/adlib-course/adlib-course/blob/v0.1.0/notebooks/06_choose_your_fighter.ipynb)
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

import jax

jax.config.update("jax_enable_x64", True)  # float64 before any JAX array exists
import ipywidgets as widgets
import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

import adlib
import adlib.numpy as anp
from adlib.course import exercises, projector
from adlib.course.claims import choose, claim, say
from adlib.course.i18n import plural_en, plural_ru, ru_times, tr
from adlib.course.jacobian import (
    PassCounter,
    cheaper_mode,
    compare_modes,
    count_passes,
    draw_outputs_graph,
    jac_chain,
    plot_sweep,
    time_jacobians,
    trace_outputs,
)
from adlib.course.measure import loglog_slope, time_call

projector.use()
FULL = os.environ.get("ADLIB_FULL") == "1"  # the course's big sweep (minutes) instead of the quick one (seconds)
np.set_printoptions(precision=4, suppress=True)
MODE_NAME = {"fwd": "forward", "rev": "reverse"}  # cheaper_mode's answers spelled out (Exercises 6.1, 6.2)


sweep_kind = tr("1: full sweep", "1: полная серия замеров") if FULL else tr("unset: quick sweep",
                                                                            "не задана: быстрая серия замеров")
print(f"ADLIB_FULL={sweep_kind}; jax {jax.__version__}, float64")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Which mode would you choose? / Какой режим вы бы выбрали?
#
# **Question (Рис. 24).** We need the Jacobian $J = \{\partial L_i / \partial w_j\}_{i,j}$ of a graph with few
# inputs $w_j$ and many outputs $L_i$. Forward or reverse?
#
# A graph of that shape, traced and drawn with the course's `adlib.course.graph` (`trace_outputs` traces a function with
# several outputs, `draw_outputs_graph` draws it with `adlib.course.graph_plot.draw_graph`):


# %% slideshow={"slide_type": "fragment"}
def fig24(w1, w2):  # 2 inputs, 5 outputs
    v1, v2, v3 = anp.sin(w1), w1 * w2, anp.log(w2)
    return anp.exp(v1), v1 * v2, anp.sqrt(v2), v2 - v3, anp.cos(v3)


graph24, outputs24 = trace_outputs(fig24, 1.5, 2.0)
fig, ax = plt.subplots(figsize=(4.6, 5))
draw_outputs_graph(graph24, outputs24, ax=ax, title=tr("Рис. 24: 2 inputs $w_j$, 5 outputs $L_i$",
                                                              "Рис. 24: 2 входа $w_j$, 5 выходов $L_i$"))
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 6.1** / **Упражнение 6.1** — predict, then run. The same shape, larger: $f(x) = A x$ with $A$ of shape
# $1000 \times 2$, so $f: \mathbb R^2 \to \mathbb R^{1000}$ (2 inputs, 1000 outputs). Which mode computes its
# Jacobian with fewer passes, `"forward"` or `"reverse"`? The cell after the solution times both.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_mode_2_to_1000 = None  # your code here: "forward" or "reverse"

exercises.check_choice(my_mode_2_to_1000, MODE_NAME[cheaper_mode(2, 1000)], ["forward", "reverse"],
                       hint=("forward mode makes one pass per column of J, reverse mode one sweep per row: how many "
                             "columns and rows has J?",
                             "прямой режим делает один проход на столбец J, обратный — один на строку: сколько у J "
                             "столбцов и строк?"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Solution / Решение
# J is 1000 × 2: forward mode needs one JVP per input (2 columns), reverse mode one VJP per output (1000 rows).
solution_mode_2_to_1000 = "forward"

exercises.check_choice(solution_mode_2_to_1000, MODE_NAME[cheaper_mode(2, 1000)],
                       ["forward", "reverse"]).assert_passed()

# %% slideshow={"slide_type": "fragment"}
wide = compare_modes(2, 1000)  # adlib's jacfwd and jacrev on A x, A of shape (1000, 2): passes counted, times measured
print(wide["text"])
claim(wide["winner"] == "fwd" and wide["agrees"] and wide["speedup"] > 10,
      "for R^2 -> R^1000 forward mode wins, as the pass counts predict, by more than 10×", speedup=wide["speedup"])

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Answer.** Reverse-mode time is proportional to the number of **outputs** (one backward sweep per row of $J$),
# forward-mode time to the number of **inputs** (one JVP per column). Few inputs and many outputs: forward mode.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 6.2** / **Упражнение 6.2** — predict, then run: the other way round. $f(x) = A x$ with $A$ of shape
# $1 \times 1000$, so $f: \mathbb R^{1000} \to \mathbb R$ (1000 inputs, one output: the shape of every loss
# function). Which mode?

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_mode_1000_to_1 = None  # your code here: "forward" or "reverse"

exercises.check_choice(my_mode_1000_to_1, MODE_NAME[cheaper_mode(1000, 1)], ["forward", "reverse"],
                       hint=("J is now a single row", "J теперь — одна строка"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Solution / Решение
# J is 1 × 1000, the gradient: one backward sweep gives all of it; forward mode needs 1000 JVPs, one per input.
solution_mode_1000_to_1 = "reverse"

exercises.check_choice(solution_mode_1000_to_1, MODE_NAME[cheaper_mode(1000, 1)],
                       ["forward", "reverse"]).assert_passed()

# %% slideshow={"slide_type": "fragment"}
tall = compare_modes(1000, 1)  # A of shape (1, 1000)
print(tall["text"])
claim(tall["winner"] == "rev" and tall["agrees"] and tall["speedup"] > 10,
      "for R^1000 -> R reverse mode wins, as the pass counts predict, by more than 10×", speedup=tall["speedup"])
say(f"""Measured: for $\\mathbb R^2 \\to \\mathbb R^{{1000}}$ forward mode is {wide['speedup']:.0f}× faster, for
$\\mathbb R^{{1000}} \\to \\mathbb R$ reverse mode is {tall['speedup']:.0f}× faster: {wide['counts']['fwd']['jvps']} JVPs
against {wide['counts']['rev']['vjps']} VJPs, and {tall['counts']['rev']['vjps']} VJP against
{tall['counts']['fwd']['jvps']} JVPs.""",
    ru=f"""Измерено: для $\\mathbb R^2 \\to \\mathbb R^{{1000}}$ прямой режим быстрее в {ru_times(wide['speedup'])}, для
$\\mathbb R^{{1000}} \\to \\mathbb R$ обратный режим быстрее в {ru_times(tall['speedup'])}: {wide['counts']['fwd']['jvps']} JVP
против {wide['counts']['rev']['vjps']} VJP и {tall['counts']['rev']['vjps']} VJP против
{tall['counts']['fwd']['jvps']} JVP.""")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The pass counts printed above are counted, not assumed. How, first on Рис. 24's graph:

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Counting the passes / Считаем проходы
#
# `adlib.course.jacobian.count_passes` puts an identity *primitive* on the input of $f$ whose JVP rule and VJP rule
# each increment a counter: the JVP rule runs once per forward pass, the VJP rule once per backward sweep that
# reaches the input. Nothing in `jacfwd`/`jacrev` is changed or mocked.

# %% slideshow={"slide_type": "fragment"}
f24 = lambda w: anp.stack(fig24(w[0], w[1]))  # the same function, R^2 -> R^5
w24 = np.array([1.5, 2.0])
J24_fwd, c24_fwd = count_passes(adlib.jacfwd, f24, w24)
J24_rev, c24_rev = count_passes(adlib.jacrev, f24, w24)
np.testing.assert_allclose(J24_fwd, J24_rev, rtol=1e-13)
claim(c24_fwd["jvps"] == 2 and c24_rev["vjps"] == 5, "forward mode: 2 passes, reverse mode: 5 sweeps")
np.testing.assert_allclose(J24_fwd, jax.jacfwd(lambda w: jnp.stack([
    jnp.exp(jnp.sin(w[0])), jnp.sin(w[0]) * w[0] * w[1], jnp.sqrt(w[0] * w[1]), w[0] * w[1] - jnp.log(w[1]),
    jnp.cos(jnp.log(w[1]))]))(w24), rtol=1e-13)
print(tr(f"Рис. 24, J is {J24_fwd.shape[0]}×{J24_fwd.shape[1]}: jacfwd {c24_fwd['jvps']} JVPs, "
         f"jacrev 1 forward pass + {c24_rev['vjps']} VJPs (both equal jax.jacfwd)",
         f"Рис. 24, J размера {J24_fwd.shape[0]}×{J24_fwd.shape[1]}: jacfwd — {c24_fwd['jvps']} JVP, "
         f"jacrev — 1 прямой проход + {c24_rev['vjps']} VJP (оба совпадают с jax.jacfwd)"))

rng = np.random.default_rng(0)
n = 100
x = rng.standard_normal(n)
print(f"\n{tr('f(x) = A x, A is m×n', 'f(x) = A x, A размера m×n'):<28}"
      f"{tr('evaluations of f', 'вычислений f'):>18}{tr('JVPs', 'JVP'):>8}{tr('VJPs', 'VJP'):>8}")
for m in [10, 100, 1000]:
    A = rng.standard_normal((m, n))
    for name, jac in [("jacfwd", adlib.jacfwd), ("jacrev", adlib.jacrev)]:
        J, c = count_passes(jac, lambda x, A=A: A @ x, x)
        np.testing.assert_allclose(J, A, rtol=1e-12)  # the Jacobian of A x is A
        print(f"{f'm = {m:4d}, n = {n}: {name}':<28}{c['calls']:>18}{c['jvps']:>8}{c['vjps']:>8}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# On Рис. 24's graph forward mode needs 2 passes and reverse mode 5 sweeps. For $Ax$, `jacfwd` always makes
# $n = 100$ forward passes; `jacrev` makes one forward pass (recording the tape) and then $m$ backward sweeps. Each
# pass or sweep through $A x$ costs about one matrix–vector product, $O(mn)$, so
#
# $$T_\text{fwd} \approx n \cdot c_\text{fwd}\, mn, \qquad T_\text{rev} \approx m \cdot c_\text{rev}\, mn,
#   \qquad \frac{T_\text{fwd}}{T_\text{rev}} \approx \frac{c_\text{fwd}}{c_\text{rev}} \cdot \frac{n}{m}:$$
#
# the two cost the same near $m/n \approx 1$, up to the ratio of the per-pass constants. As $m$ grows with $n$
# fixed, forward mode grows **linearly** in $m$ ($n$ passes of $O(mn)$), reverse mode **quadratically** ($m$
# sweeps of $O(mn)$).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Рис. 25 reproduced / Рис. 25: время вычисления якобиана в зависимости от m/n
#
# $f(x) = A x$, $A \sim \mathcal N(0, 1)$ of shape $(m, n)$, $n = 100$, $m$ on a log grid. Timed: `adlib.jacfwd`,
# `adlib.jacrev`, and `jax.jit(jax.jacfwd(f))`, `jax.jit(jax.jacrev(f))`, the JAX ones **jit-compiled once and
# warmed up with one call (compilation excluded)**; every point is **the best of repeats** (the minimum, as
# Python's `timeit` documentation advises, not `%timeit`'s mean ± std: on a shared machine other processes only
# ever add time), JAX's with `block_until_ready` (JAX returns before it has computed). The whole sweep is
# timed in three rounds and each point keeps its best, so that a burst of load slows one round, not a stretch of
# the curve. The course's original figure averaged compilation into the times; here it is not in them.

# %% slideshow={"slide_type": "subslide"}
if FULL:
    ms, repeat = np.unique(np.logspace(0, 4.5, 20).astype(int)), 3
else:
    ms, repeat = np.unique(np.logspace(0, 3.5, 11).astype(int)), 2
sweep = {"linear": time_jacobians(ms, n=100, kind="linear", repeat=repeat, rounds=3, budget=3.0)}

fig, ax = plt.subplots(figsize=(11, 5.2))
crossings = plot_sweep(sweep["linear"], ax, title=tr("Рис. 25: Jacobian of f(x) = A x, n = 100 (compile time excluded)",
                                                    "Рис. 25: якобиан f(x) = A x, n = 100 (без времени компиляции)"),
                       legend_loc="outside")
fig.tight_layout()
plt.show()

# %% slideshow={"slide_type": "subslide"}
t, ratio = sweep["linear"]["times"], ms / 100
for lib, c in crossings.items():
    print(tr(f"{lib}: forward and reverse take equal time at m/n ≈ {c:.2f}",
             f"{lib}: прямой и обратный режимы занимают одинаковое время при m/n ≈ {c:.2f}") if c
          else tr(f"{lib}: no crossover on this grid", f"{lib}: на этой сетке кривые не пересекаются"))
print(tr("jacfwd / jacrev time per m/n (> 1: reverse faster):",
         "отношение времён jacfwd / jacrev при каждом m/n (> 1: обратный быстрее):"))
print(f"  {'m/n':6}" + "".join(f"{r:>7.2g}" for r in ratio))
for lib in ["adlib", "jax"]:
    print(f"  {lib:6}" + "".join(f"{r:>7.2g}" for r in t[f"{lib} jacfwd"] / t[f"{lib} jacrev"]))
slopes = {name: loglog_slope(ms, t[name], x_min=200) for name in t}  # the large-m end: m ≥ 2n
print(tr("log-log slopes over m ≥ 200 (1: linear in m, 2: quadratic):",
         "наклоны в двойном логарифмическом масштабе при m ≥ 200 (1: линейный рост по m, 2: квадратичный):"),
      ", ".join(f"{name} {s:.2f}" for name, s in slopes.items()))
fwd_over_rev = {lib: t[f"{lib} jacfwd"] / t[f"{lib} jacrev"] for lib in ["adlib", "jax"]}
for lib in ["adlib", "jax"]:
    claim(fwd_over_rev[lib][0] > 1.3, "at m = 1 reverse mode is faster", lib=lib, ratio=fwd_over_rev[lib][0])
    claim(fwd_over_rev[lib][-1] < 0.5, "at the largest m forward mode is faster", lib=lib, ratio=fwd_over_rev[lib][-1])
    claim(crossings[lib] is not None, "the curves cross on this grid", lib=lib)
    s_fwd, s_rev = slopes[f"{lib} jacfwd"], slopes[f"{lib} jacrev"]
    claim(s_fwd < 1.4, "forward mode grows at most linearly in m (slope below 1.4)", lib=lib, slope=s_fwd)
    claim(s_rev > 1.2 and s_rev > s_fwd + 0.4, "reverse mode grows faster than linearly, and faster than forward",
          lib=lib, slope_rev=s_rev, slope_fwd=s_fwd)
claim(fwd_over_rev["jax"][1] > 1.3, "at the second-smallest m JAX's reverse mode still wins clearly",
      m=ms[1], ratio=fwd_over_rev["jax"][1])
claim(0.2 < crossings["adlib"] < 5, "adlib's curves cross within a factor 5 of m = n", crossing=crossings["adlib"])
mid = (ratio >= 0.04) & (ratio <= 1)  # m ≪ n, but not the smallest m
jax_mid, adlib_mid = fwd_over_rev["jax"][mid], fwd_over_rev["adlib"][mid]
jax_floor = np.concatenate([t["jax jacfwd"][mid], t["jax jacrev"][mid]]) * 1e6  # µs
claim(np.median(np.abs(np.log(jax_mid))) < np.median(np.abs(np.log(adlib_mid))),
      "for 0.04 ≤ m/n ≤ 1 JAX's two modes are closer to each other than adlib's", jax=jax_mid, adlib=adlib_mid)
claim(np.nanmin(t["adlib jacfwd"] / t["jax jacfwd"]) > 1, "JAX's forward mode is faster than adlib's at every m")

# %% slideshow={"slide_type": "fragment"}
say(f"""What to see. **adlib** (solid): for $m \\ll n$ reverse (orange) is far below forward (blue), by
{fwd_over_rev['adlib'][0]:.0f}× at $m = 1$; the curves cross at $m/n \\approx {crossings['adlib']:.2g}$; at the
largest $m$ forward wins by {1 / fwd_over_rev['adlib'][-1]:.0f}×. **JAX** (dashed) is
{np.nanmin(t['adlib jacfwd'] / t['jax jacfwd']):.0f}–{np.nanmax(t['adlib jacfwd'] / t['jax jacfwd']):.0f}× faster
than adlib in forward mode, but at small $m$ it does **not** look like adlib: reverse wins by
{fwd_over_rev['jax'][0]:.1f}× at $m = 1$ and by {fwd_over_rev['jax'][1]:.1f}× at $m = {ms[1]}$, yet for $0.04 \\le m/n \\le 1$ both of its modes sit on a floor of
{jax_floor.min():.0f}–{jax_floor.max():.0f} µs per call: the ratio forward/reverse there stays between
{jax_mid.min():.1f} and {jax_mid.max():.1f}, while adlib's falls from {adlib_mid.max():.0f} to {adlib_mid.min():.1f}.
Compiled and vectorised with `vmap`, a call that does $m$ or $n$ tiny passes costs about the same fixed time
either way. On that floor noise decides where exactly JAX's curves cross (here $m/n \\approx {crossings['jax']:.2g}$); past $m \\approx n$ reverse mode leaves the floor and, at the largest $m$, forward mode wins
by {1 / fwd_over_rev['jax'][-1]:.0f}×.""",
    ru=f"""Что видно. **adlib** (сплошные линии): при $m \\ll n$ обратный режим (оранжевый) намного ниже прямого (синий),
в {ru_times(fwd_over_rev['adlib'][0])} при $m = 1$; кривые пересекаются при $m/n \\approx {crossings['adlib']:.2g}$; при
наибольшем $m$ прямой режим быстрее в {ru_times(1 / fwd_over_rev['adlib'][-1])}. **JAX** (пунктир) в прямом режиме быстрее adlib
в {np.nanmin(t['adlib jacfwd'] / t['jax jacfwd']):.0f}–{ru_times(np.nanmax(t['adlib jacfwd'] / t['jax jacfwd']))}, но при
малых $m$ он **не** похож на adlib: обратный режим быстрее в {ru_times(fwd_over_rev['jax'][0], '.1f')} при $m = 1$ и в
{ru_times(fwd_over_rev['jax'][1], '.1f')} при $m = {ms[1]}$, однако при $0.04 \\le m/n \\le 1$ оба его режима упираются
в «пол» в {jax_floor.min():.0f}–{jax_floor.max():.0f} мкс на вызов: отношение прямой/обратный там остаётся между
{jax_mid.min():.1f} и {jax_mid.max():.1f}, а у adlib падает с {adlib_mid.max():.0f} до {adlib_mid.min():.1f}.
Скомпилированный и векторизованный через `vmap` вызов стоит примерно одно и то же фиксированное время — делает ли
он $m$ крошечных проходов или $n$. На этом «полу» точное место пересечения кривых JAX определяет шум (здесь
$m/n \\approx {crossings['jax']:.2g}$); после $m \\approx n$ обратный режим отрывается от «пола», и при наибольшем $m$
прямой режим быстрее в {ru_times(1 / fwd_over_rev['jax'][-1])}.""")

# %% [markdown] slideshow={"slide_type": "fragment"}
# **How fast they grow.** The slopes printed above (log time against log m, over $m \ge 2n$) tell the two cost
# models apart: forward mode grows **at most linearly** in $m$ (slope below 1.4 in both libraries: $n$ passes of
# $O(mn)$ each, plus a fixed cost per pass), reverse mode **faster than linearly** and at least 0.4 steeper than
# forward mode in both libraries ($m$ sweeps of $O(mn)$ each: $O(m^2 n)$, slope 2 in the flop count; memory
# traffic and per-sweep overheads move the measured slopes away from 1 and 2). The checks stand in the cell that
# prints the slopes.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## An arbitrary graph in the middle / Произвольный граф G посередине
#
# **Question (Рис. 26).** What if $J = \partial L / \partial w$ goes through an arbitrary graph $G$?


# %% slideshow={"slide_type": "fragment"}
def fig26(w1, w2, w3, w4):  # 4 inputs, 4 outputs, and G in the middle
    u1, u2 = w1 * w2, w3 * w4  # R^4 -> R^2
    s, p = u1 + u2, u1 * u2  # R^2 -> R^2
    return anp.sin(s), s * p, s - p, anp.cos(p)  # R^2 -> R^4


graph26, outputs26 = trace_outputs(fig26, 0.5, 1.0, 1.5, 2.0)
fig, ax = plt.subplots(figsize=(6, 4.8))
draw_outputs_graph(graph26, outputs26, ax=ax, middle="G", title=tr("Рис. 26: inputs $w_j$, a graph G, outputs $L_i$",
                                                                            "Рис. 26: входы $w_j$, граф G, выходы $L_i$"))
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Answer.** In general it cannot be said without knowing the structure of $G$; there are approaches that mix
# forward and reverse mode depending on it.
#
# The $G$ drawn above has a **narrow waist**: everything passes through 2 nodes ($v_1, v_2$, then $v_3, v_4$). The
# same shape at scale: $\mathbb R^{1000} \xrightarrow{g} \mathbb R^2 \xrightarrow{G} \mathbb R^2 \xrightarrow{h}
# \mathbb R^{1000}$, $f = h \circ G \circ g$; the chain rule $J = J_h \, J_G \, J_g$ lets each factor pick its own
# mode.

# %% slideshow={"slide_type": "fragment"}
N, K, M = 1000, 2, 1000
rng = np.random.default_rng(26)
B = rng.standard_normal((K, N)) / np.sqrt(N)
R = np.array([[np.cos(0.3), -np.sin(0.3)], [np.sin(0.3), np.cos(0.3)]])
C = rng.standard_normal((M, K))
x0 = rng.standard_normal(N)


def g(x):  # R^1000 -> R^2
    return anp.tanh(B @ x)


def G(u):  # R^2 -> R^2, "an arbitrary graph"
    return anp.sin(R @ u) * anp.exp(-anp.sum(u**2))


def h(v):  # R^2 -> R^1000
    return anp.cos(C @ v)


def f(x):
    return h(G(g(x)))


# %% slideshow={"slide_type": "skip"}
@functools.cache
def waist_passes():
    """JVPs + VJPs counted (count_passes, PassCounter) for jacfwd(f), jacrev(f) and jac_chain's mixed modes."""
    counts = {name: count_passes(jac, f, x0)[1] for name, jac in [("jacfwd", adlib.jacfwd), ("jacrev", adlib.jacrev)]}
    stages = [PassCounter() for _ in range(3)]
    jac_chain([c.wrap(stage) for c, stage in zip(stages, [g, G, h])], x0)
    counts["mixed"] = {"jvps": sum(c.jvps for c in stages), "vjps": sum(c.vjps for c in stages)}
    return {name: c["jvps"] + c["vjps"] for name, c in counts.items()}


# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 6.3** / **Упражнение 6.3** — predict, then count. How many passes (JVPs + VJPs) does each strategy make
# for the Jacobian of $f: \mathbb R^{1000} \to \mathbb R^{1000}$ through the waist: `jacfwd` of $f$, `jacrev` of
# $f$, and the mixed one, where each factor $J_g$, $J_G$, $J_h$ is computed in its cheaper mode? (Reverse mode's
# one plain forward pass, which records the tape, is not counted.) The check counts them.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_waist_passes = {  # your code here: the number of JVPs + VJPs
    "jacfwd": None,
    "jacrev": None,
    "mixed": None,   # J_g (2 × 1000), J_G (2 × 2), J_h (1000 × 2), each in its cheaper mode
}

exercises.check_values(my_waist_passes, waist_passes(),
                       hint=("a factor of shape rows × columns costs min(rows, columns) passes in its cheaper mode",
                             "множитель размера строки × столбцы стоит min(строки, столбцы) проходов в более "
                             "дешёвом режиме"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Solution / Решение
# Pure modes: J is 1000 × 1000, so 1000 JVPs (one per column) or 1000 VJPs (one per row).
# Mixed: J_g is 2 × 1000, 2 VJPs; J_G is 2 × 2, 2 of either; J_h is 1000 × 2, 2 JVPs: 6 in all.
solution_waist_passes = {"jacfwd": 1000, "jacrev": 1000, "mixed": 2 + 2 + 2}

exercises.check_values(solution_waist_passes, waist_passes()).assert_passed()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Both pure modes need 1000 passes; cut at the waist:
#
# | factor | shape | cheaper mode | passes |
# |---|---|---|---|
# | $J_g$ | $2 \times 1000$ | reverse | 2 sweeps |
# | $J_G$ | $2 \times 2$ | either | 2 |
# | $J_h$ | $1000 \times 2$ | forward | 2 JVPs |
#
# and the product $(1000\times2)(2\times2)(2\times1000)$ costs $4 \cdot 10^6$ flops.

# %% slideshow={"slide_type": "subslide"}
# g, G, h and f are defined above (before Exercise 6.3).
# the mixed strategy written out: reverse through the wide-to-narrow side, forward through the narrow-to-wide side
u0 = g(x0)
v0 = G(u0)
J_g = adlib.jacrev(g)(x0)  # 2 backward sweeps
J_G = adlib.jacfwd(G)(u0)  # 2 forward passes
J_h = adlib.jacfwd(h)(v0)  # 2 forward passes
J_mixed = J_h @ J_G @ J_g
print(f"J_h {J_h.shape} · J_G {J_G.shape} · J_g {J_g.shape} = J {J_mixed.shape}")

J_fwd, c_fwd = count_passes(adlib.jacfwd, f, x0)
np.testing.assert_allclose(J_mixed, J_fwd, rtol=1e-10, atol=1e-13)
counters = [PassCounter() for _ in range(3)]  # the same, automated (jac_chain picks the modes), counted per stage
J_chain, info = jac_chain([c.wrap(stage) for c, stage in zip(counters, [g, G, h])], x0, return_info=True)
np.testing.assert_allclose(J_chain, J_fwd, rtol=1e-10, atol=1e-13)
print(tr("mixed-mode J == jacfwd J to 1e-10; jac_chain picks the modes:",
         "J смешанного режима == J из jacfwd до 1e-10; jac_chain выбирает режимы:"), [mode for mode, _ in info])
print(tr(f"passes: jacfwd {c_fwd['jvps']} JVPs; jac_chain ", f"проходы: jacfwd {c_fwd['jvps']} JVP; jac_chain ")
      + ", ".join(tr(f"{name} {c.jvps} JVPs + {c.vjps} VJPs", f"{name} {c.jvps} JVP + {c.vjps} VJP")
                  for name, c in zip(["g", "G", "h"], counters)))
print(tr(f"numbers in the factors: {J_h.size + J_G.size + J_g.size} (J itself: {J_fwd.size})",
         f"чисел в множителях: {J_h.size + J_G.size + J_g.size} (в самом J: {J_fwd.size})"))
assert {"jacfwd": c_fwd["jvps"], "mixed": sum(c.jvps + c.vjps for c in counters)} == {
    k: waist_passes()[k] for k in ("jacfwd", "mixed")}  # the counts of Exercise 6.3

# %% [markdown] slideshow={"slide_type": "subslide"}
# The same function in JAX: the mixed Jacobian must agree with `jax.jacfwd` too, and we time all three strategies
# in both libraries (JAX jit-compiled, compilation excluded; best of repeats, as above).

# %% slideshow={"slide_type": "fragment"}
B_j, R_j, C_j = jnp.asarray(B), jnp.asarray(R), jnp.asarray(C)
g_j = lambda x: jnp.tanh(B_j @ x)
G_j = lambda u: jnp.sin(R_j @ u) * jnp.exp(-jnp.sum(u**2))
h_j = lambda v: jnp.cos(C_j @ v)
f_j = lambda x: h_j(G_j(g_j(x)))


def mixed_j(x):
    u = g_j(x)
    v = G_j(u)
    return jax.jacfwd(h_j)(v) @ jax.jacfwd(G_j)(u) @ jax.jacrev(g_j)(x)


jax_fns = {"jacfwd": jax.jit(jax.jacfwd(f_j)), "jacrev": jax.jit(jax.jacrev(f_j)), "mixed": jax.jit(mixed_j)}
for fn in jax_fns.values():
    np.testing.assert_allclose(fn(x0), J_fwd, rtol=1e-10, atol=1e-13)

adlib_fns = {"jacfwd": lambda: adlib.jacfwd(f)(x0), "jacrev": lambda: adlib.jacrev(f)(x0),
             "mixed": lambda: jac_chain([g, G, h], x0)}
narrow_times = {
    "adlib": {k: time_call(fn, repeat=3) for k, fn in adlib_fns.items()},
    "jax": {k: time_call(lambda fn=fn: fn(x0).block_until_ready(), repeat=5) for k, fn in jax_fns.items()},
}
print(f"{'R^1000 -> R^2 -> R^2 -> R^1000':<32}{'jacfwd':>12}{'jacrev':>12}{tr('mixed', 'смешанный'):>12}"
      f"{tr('best pure / mixed', 'выигрыш смешанного'):>20}")
for lib, t_ in narrow_times.items():
    best_pure = min(t_["jacfwd"], t_["jacrev"])
    print(f"{lib:<32}" + "".join(f"{t_[k] * 1e3:>9.3f} " + tr("ms", "мс") for k in ["jacfwd", "jacrev", "mixed"])
          + f"{best_pure / t_['mixed']:>19.1f}×")
    claim(best_pure > 1.5 * t_["mixed"], "the mixed Jacobian is the fastest of the three", lib=lib, times=t_)

# %% [markdown] slideshow={"slide_type": "fragment"}
# What to see: the mixed Jacobian is the fastest of the three in both libraries (the last column: best pure mode
# divided by mixed; the check in the cell asks for at least 1.5×). In adlib it makes 6 passes instead of 1000. In
# JAX, compiled and vectorised with `vmap`, the pure modes are already fast, and mixing still wins.
# Bonus: the factors are the Jacobian in *factored* form — $J$ has rank ≤ 2, and $J_h, J_G, J_g$ hold $4004$
# numbers instead of $10^6$.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Beyond the lecture: a nonlinear map and a scalar output / За рамками лекции: нелинейное отображение и скалярный выход
#
# $\tanh(Ax)$ behaves like $Ax$: the pass counts are the same, only each pass does more work (a $\tanh$ and its
# derivative on top of the product; adlib only in the quick run, `ADLIB_FULL=1` adds JAX). The course's unused second experiment, the **scalar** output
# $\max_i (Ax)_i$, is the case of every loss function: $m = 1$ whatever the size of $A$, so reverse mode needs
# **one** sweep while forward mode still needs $n$ passes.

# %% slideshow={"slide_type": "subslide"}
ms_small = np.unique(np.logspace(0, 4.5 if FULL else 3.3, 12 if FULL else 5).astype(int))
libraries = ("adlib", "jax") if FULL else ("adlib",)  # JAX compiles once per m (~0.2 s each): only in the full run
sweep["tanh"] = time_jacobians(ms_small, n=100, kind="tanh", libraries=libraries, repeat=repeat, rounds=3, budget=3.0)
sweep["max"] = time_jacobians(ms_small, n=100, kind="max", repeat=repeat, rounds=3, budget=3.0)

fig, axes = plt.subplots(1, 2, figsize=(11.5, 5.3))
crossing_tanh = plot_sweep(sweep["tanh"], axes[0], title=r"$f(x) = \tanh(Ax)$, n = 100", legend_loc=None)["adlib"]
plot_sweep(sweep["max"], axes[1], title=tr(r"$f(x) = \max_i (Ax)_i$: one output, A has m rows",
                                           r"$f(x) = \max_i (Ax)_i$: один выход, в A — m строк"),
           mark_crossover=False, legend_loc=None)
axes[1].set_xlabel(tr("m / n  (rows of A / inputs; one output)", "m / n  (строки A / входы; один выход)"))
legend = {label: h for ax in axes[::-1] for h, label in zip(*ax.get_legend_handles_labels())}  # one legend, below
fig.legend(legend.values(), legend.keys(), loc="lower center", ncol=3, fontsize=10)
fig.tight_layout(rect=(0, 0.11, 1, 1))
plt.show()

# %% slideshow={"slide_type": "subslide"}
t_max = sweep["max"]["times"]
rev_over_fwd = {lib: t_max[f"{lib} jacrev"] / t_max[f"{lib} jacfwd"] for lib in ["adlib", "jax"]}
print(tr("scalar output: jacrev / jacfwd time ratio per m  (< 1: reverse wins)",
         "скалярный выход: отношение времён jacrev / jacfwd при каждом m  (< 1: обратный быстрее)"))
print(f"  {'m':6}", ms_small)
for lib, r in rev_over_fwd.items():
    print(f"  {lib:6}", np.round(r, 3))
claim(crossing_tanh is not None and 0.2 < crossing_tanh < 5, "for tanh(Ax) adlib's curves cross within 5× of m = n",
      crossing=crossing_tanh)
claim(np.all(rev_over_fwd["adlib"] < 0.2), "adlib's reverse mode is at least 5× faster at every m",
      ratios=rev_over_fwd["adlib"])
claim(rev_over_fwd["jax"][-1] < 1 / 1.5, "JAX's reverse mode is faster at the largest m", ratio=rev_over_fwd["jax"][-1])

# %% slideshow={"slide_type": "fragment"}
r_ad, r_jx = rev_over_fwd["adlib"], rev_over_fwd["jax"]
say(f"""What to see: on the left a crossing as for $Ax$, at $m/n \\approx {crossing_tanh:.2g}$. On the right, with one output, adlib's reverse mode
is below its forward mode at every $m$, by {1 / r_ad.max():.0f}× to {1 / r_ad.min():.0f}× (one sweep instead of
$n = 100$ passes). Compiled JAX's reverse mode is faster {choose(np.all(r_jx < 1),
f"at every size, by {1 / r_jx.max():.1f}× to {1 / r_jx.min():.1f}×", f"at {np.sum(r_jx < 1)} of {r_jx.size} sizes")}:
for small $A$ per-call overheads set that ratio; at the largest $A$ reverse mode wins by {1 / r_jx[-1]:.1f}×. One output, one sweep:
that is why training uses reverse mode.""",
    ru=f"""Что видно: слева — пересечение, как для $Ax$, при $m/n \\approx {crossing_tanh:.2g}$. Справа, при одном выходе,
обратный режим adlib ниже прямого при каждом $m$, в {1 / r_ad.max():.0f}–{ru_times(1 / r_ad.min())} (один обратный проход
вместо $n = 100$ проходов). Обратный режим скомпилированного JAX быстрее {choose(np.all(r_jx < 1),
f"при всех размерах, в {1 / r_jx.max():.1f}–{1 / r_jx.min():.1f} раза",
f"при {np.sum(r_jx < 1)} из {r_jx.size} {plural_ru(r_jx.size, 'размера', 'размеров', 'размеров')}")}: при малых $A$ это
отношение задают накладные расходы на вызов; при наибольшем $A$ обратный режим быстрее в {1 / r_jx[-1]:.1f} раза. Один
выход — один обратный проход: вот почему при обучении используют обратный режим.""")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Beyond the lecture: who wins for your n and m? / За рамками лекции: кто побеждает при ваших n и m?
#
# `compare_modes(n, m, kind)` (a pure function in `adlib.course.jacobian`) counts the passes of `adlib.jacfwd` and
# `adlib.jacrev`, times them (best of 5 after a warm-up call), says who wins by how much, and whether that is the
# winner the pass counts predict; the widget only calls it. The bar heights are times, the labels are the pass
# counts. The default, $n = 20$ inputs and $m = 400$ outputs, is Рис. 24's case, far from the crossover.


# %% slideshow={"slide_type": "subslide"}
def show_modes(n=20, m=400, kind="linear"):
    result = compare_modes(n, m, kind=kind, repeat=5)
    t, c = result["times"], result["counts"]
    fig, ax = plt.subplots(figsize=(7.5, 2.8))
    bars = ax.barh([tr("jacfwd (forward)", "jacfwd (прямой)"), tr("jacrev (reverse)", "jacrev (обратный)")],
                   [t["fwd"] * 1e3, t["rev"] * 1e3], color=["tab:blue", "tab:orange"])
    ax.bar_label(bars, [tr(f"{c['fwd']['jvps']} JVPs", f"{c['fwd']['jvps']} JVP"),
                        tr(f"1 forward pass + {c['rev']['vjps']} {plural_en(c['rev']['vjps'], 'VJP')}",
                           f"1 прямой проход + {c['rev']['vjps']} VJP")], padding=3)
    ax.set_xlabel(tr("time per Jacobian, ms (best of 5)", "время на один якобиан, мс (лучшее из 5)"))
    ax.set_xlim(0, 1.6 * max(t.values()) * 1e3)
    verdict = tr("as predicted", "как предсказано") if result["agrees"] else tr("against the pass counts",
                                                                                "вопреки числу проходов")
    ax.set_title(tr(f"n = {n}, outputs = {result['out_size']}: "
                    f"{'forward' if result['winner'] == 'fwd' else 'reverse'} wins, {result['speedup']:.1f}×, {verdict}",
                    f"n = {n}, выходов — {result['out_size']}: "
                    f"{'прямой режим' if result['winner'] == 'fwd' else 'обратный режим'} быстрее в {result['speedup']:.1f} раза, "
                    f"{verdict}"))
    fig.tight_layout()
    plt.show()
    print(result["text"])


slider = dict(min=1, max=1000, step=1, continuous_update=False, style={"description_width": "initial"})
display(widgets.interactive(
    show_modes,
    n=widgets.IntSlider(value=20, description=tr("n (inputs)", "n (входы)"), **slider),
    m=widgets.IntSlider(value=400, description=tr("m (rows of A)", "m (строки A)"), **slider),
    kind=widgets.Dropdown(options=[(tr("linear", "линейная"), "linear"), ("tanh", "tanh"), ("max", "max")],
                          value="linear", description="f",
                          style={"description_width": "initial"}),
))

# %% [markdown] slideshow={"slide_type": "fragment"}
# The same function without the widget (what the slide shows in a static export), at the default and with the
# roles swapped; far from $m = n$ the measured winner is the one the pass counts predict:

# %% slideshow={"slide_type": "fragment"}
for n_, m_ in [(20, 400), (400, 20)]:
    result = compare_modes(n_, m_)
    print(result["text"])
    claim(result["agrees"], "far from m = n the measured winner is the predicted one", n=n_, m=m_,
          times=result["times"])

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary / Итоги
#
# * `jacfwd` = $n$ JVPs, `jacrev` = 1 forward pass + $m$ VJPs — counted, not assumed. Few inputs and many outputs
#   (Рис. 24): forward mode.

# %% slideshow={"slide_type": "fragment"}
spread = {lib: max(r.max(), 1 / r.min()) for lib, r in [("jax", jax_mid), ("adlib", adlib_mid)]}  # the ratio's range
say(f"""* Time follows the counts (Рис. 25): forward mode grows at most linearly in $m$, reverse mode faster; adlib's
  curves cross at $m/n \\approx {crossings['adlib']:.2g}$. Compiled JAX (compile time excluded): reverse mode
  wins by {fwd_over_rev['jax'][0]:.2g}× and {fwd_over_rev['jax'][1]:.2g}× at $m = {ms[0]}, {ms[1]}$; for
  $0.04 \\le m/n \\le 1$ per-call overheads ({jax_floor.min():.0f}–{jax_floor.max():.0f} µs a call) keep its two
  modes within {spread['jax']:.1f}× of each other (adlib's: up to {spread['adlib']:.0f}×); at the largest $m$
  forward mode wins by {1 / fwd_over_rev['jax'][-1]:.0f}×.""",
    ru=f"""* Время следует числу проходов (Рис. 25): прямой режим растёт по $m$ не быстрее чем линейно, обратный — быстрее;
  кривые adlib пересекаются при $m/n \\approx {crossings['adlib']:.2g}$. Скомпилированный JAX (без времени компиляции):
  обратный режим быстрее в {fwd_over_rev['jax'][0]:.2g} и {ru_times(fwd_over_rev['jax'][1], '.2g')} при $m = {ms[0]}, {ms[1]}$;
  при $0.04 \\le m/n \\le 1$ из-за накладных расходов на вызов ({jax_floor.min():.0f}–{jax_floor.max():.0f} мкс на вызов) два
  его режима отличаются не более чем в {spread['jax']:.1f} раза (у adlib — до {ru_times(spread['adlib'])}); при наибольшем
  $m$ прямой режим быстрее в {ru_times(1 / fwd_over_rev['jax'][-1])}.""")

# %% [markdown] slideshow={"slide_type": "fragment"}
# * Through a narrow waist neither pure mode is right (Рис. 26): cut the chain rule there and give each side its
#   own mode (`adlib.course.jacobian.jac_chain`).
# * Beyond the lecture: for a scalar output (the case of every loss function) reverse mode wins, adlib's at every
#   $m$ and JAX's at least at the largest (both checked where the ratios are printed).
#
# Next: [07 — feed-forward networks](07_feedforward.ipynb), reverse mode through a network with every shape, and
# [08 — Hessian-vector products](08_hvp.ipynb), where forward mode runs over reverse mode.
