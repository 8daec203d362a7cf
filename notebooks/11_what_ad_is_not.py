# ---
# jupyter:
#   course:
#     summary: Symbolic swell vs the tape, AD vs finite differences; summary
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
# # What AD is not, and the summary / Чем автоматическое дифференцирование (AD) не является. Итоги
#
# The lecture closes by placing AD among its neighbours (Рис. 30 «Различные подходы для взятия производных», after
# Baydin et al. 2018, *Automatic differentiation in machine learning: a survey*; its approaches are the first
# table below, run on this notebook's example):
#
# * AD is **not finite differences**: it is exact up to round-off, and one forward pass plus one backward sweep
#   (in operations, a small constant multiple of one evaluation) replace $2d$ evaluations;
# * AD is **not symbolic differentiation**: it never writes the derivative as one expression, so it does not swell;
# * AD is **not just the chain rule**: it differentiates *programs*, with loops and branches, not formulas;
# * reverse mode is **time-efficient** and **numerically stable**, but **not memory-efficient**.
#
# Each claim gets one measurement here, and the lecture's summary («Итоги») follows as a review sheet: every
# definition and the theorem next to a few lines that check it. One section **beyond the lecture** ends the
# notebook: bisection, a program whose derivative is not the function's, and the cure, a custom rule
# (`custom_jvp`).
#
# Builds on [03 — finite differences](03_finite_differences.ipynb), [04 — forward mode](04_forward_mode.ipynb),
# [05 — reverse mode](05_reverse_mode.ipynb), [09 — Hutchinson](09_hutchinson.ipynb) and
# [10 — gradient checkpointing](10_checkpointing.ipynb); the seminar
# [12 — least squares and the SVD](12_seminar_least_squares_svd.ipynb) follows.

# %% [markdown] slideshow={"slide_type": "skip"} tags=["colab"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/adlib-course/adlib-course/blob/v0.1.0/notebooks/11_what_ad_is_not.ipynb)
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

import jax
import matplotlib.pyplot as plt
import numpy as np
import sympy as sp

jax.config.update("jax_enable_x64", True)  # before any JAX array exists

import adlib
import adlib.numpy as anp
from adlib.core import VJPTrace
from adlib.course import exercises, projector
from adlib.course.claims import claim, say
from adlib.course.curvature import hutchinson
from adlib.course.expression_swell import logistic_map, swell_table
from adlib.course.i18n import plural_ru, tr
from adlib.course.measure import loglog_slope, peak_bytes, tape_size, time_calls
from adlib.course.zero_order import central_difference, forward_difference
from adlib.custom import custom_jvp

projector.use()
np.set_printoptions(precision=6)
x = sp.Symbol("x")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Different approaches to derivatives / Различные подходы для взятия производных
#
# The example of this notebook (Baydin et al., Table 1) is the logistic map $l_{k+1} = 4 l_k (1 - l_k)$,
# $l_0 = x$, iterated $n$ times: a three-line program, `adlib.course.expression_swell.logistic_map`. Рис. 30 starts
# from that **code** and gets its derivative three ways; here for $n = 3$ at $x = 0.3$:

# %% slideshow={"slide_type": "fragment"}
l3 = logistic_map(x, 3)  # the code run on a symbol: the expression it computes
dl3 = sp.diff(l3, x)
approaches = {
    "symbolic (`sympy.diff` of the expression)": float(dl3.subs(x, sp.Rational(3, 10))),
    "numerical (central difference)": central_difference(lambda v: logistic_map(v[0], 3), np.array([0.3]))[0],
    "automatic (`adlib.grad` of the code)": adlib.grad(lambda v: logistic_map(v, 3))(0.3),
}
truth = approaches["symbolic (`sympy.diff` of the expression)"]
gaps = {name: abs(v - truth) / abs(truth) for name, v in approaches.items()}
ops_dl3 = int(sp.count_ops(dl3))
result = {
    "symbolic (`sympy.diff` of the expression)": tr(
        f"exact, an expression of {ops_dl3} operations",
        f"точно, выражение из {ops_dl3} {plural_ru(ops_dl3, 'операции', 'операций', 'операций')}"),
    "numerical (central difference)": tr(
        f"approximate: relative error {gaps['numerical (central difference)']:.0e}",
        f"приближённо: относительная ошибка {gaps['numerical (central difference)']:.0e}"),
    "automatic (`adlib.grad` of the code)": tr(
        f"exact up to round-off: relative error {gaps['automatic (`adlib.grad` of the code)']:.0e}",
        f"точно до ошибок округления: относительная ошибка {gaps['automatic (`adlib.grad` of the code)']:.0e}"),
}
shown = {  # the approaches' display names (the keys above stay as they are)
    "symbolic (`sympy.diff` of the expression)": tr("symbolic (`sympy.diff` of the expression)",
                                                    "символьный (`sympy.diff` выражения)"),
    "numerical (central difference)": tr("numerical (central difference)", "численный (центральная разность)"),
    "automatic (`adlib.grad` of the code)": tr("automatic (`adlib.grad` of the code)",
                                               "автоматический (`adlib.grad` кода)"),
}
claim(gaps["automatic (`adlib.grad` of the code)"] < 1e-14 and gaps["numerical (central difference)"] > 1e-12,
      "AD agrees with the symbolic derivative to round-off, the difference quotient does not", gaps=gaps)
table_rows = "\n".join(f"| {shown[name]} | {value:.15f} | {result[name]} |" for name, value in approaches.items())
say("| approach | $dl_3/dx$ at 0.3 | result |\n|---|---|---|\n" + table_rows,
    ru="| подход | $dl_3/dx$ в точке 0.3 | результат |\n|---|---|---|\n" + table_rows)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## AD is not finite differences / AD не является методом конечных разностей
#
# [03 — finite differences](03_finite_differences.ipynb) has the full story (U-curves of the error in ε, cost
# $2dT$). In brief, on $L(w) = \sum_i l_5(w_i)$ with $d = 200$ inputs, against `sympy`'s exact derivative:

# %% slideshow={"slide_type": "fragment"}
d = 200
w = np.random.default_rng(0).uniform(0.05, 0.95, d)
dl5 = sp.lambdify(x, sp.diff(logistic_map(x, 5), x))  # exact derivative, elementwise
exact = dl5(w)
evaluations = {"forward difference": f"{d + 1}", "central difference": f"{2 * d}",
               "reverse-mode AD": tr("1 + 1 backward sweep", "1 вычисление + 1 обратный проход")}
shown = {"forward difference": tr("forward difference", "разность вперёд"),  # display names; keys unchanged
         "central difference": tr("central difference", "центральная разность"),
         "reverse-mode AD": tr("reverse-mode AD", "AD, обратный режим")}
width = max(len(e) for e in evaluations.values())  # 20 in English


def L5(w):
    return anp.sum(logistic_map(w, 5))


estimates = {
    "forward difference": forward_difference(L5, w),
    "central difference": central_difference(L5, w),
    "reverse-mode AD": adlib.grad(L5)(w),
}
errors = {name: np.max(np.abs(g - exact) / np.maximum(np.abs(exact), 1.0)) for name, g in estimates.items()}
print(f"{tr('method', 'метод'):20s} | {tr('evaluations of L', 'вычислений L'):{width}s} | "
      + tr("max relative error | correct digits", "макс. отн. ошибка  | верных знаков"))
for name, err in errors.items():
    print(f"{shown[name]:20s} | {evaluations[name]:{width}s} | {err:18.1e} | {-np.log10(err):.1f}")
digits = {name: round(-np.log10(err)) for name, err in errors.items()}
claim(digits["forward difference"] == 4 and digits["central difference"] == 6 and errors["reverse-mode AD"] < 1e-13,
      "forward/central differences keep about 4/6 digits, AD is exact up to round-off", errors=errors)
claim(30 < np.max(np.abs(exact)) < 100, "the derivatives reach about 60", largest=np.max(np.abs(exact)))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Forward and central differences need $d + 1$ and $2d$ evaluations of $L$ and, with their default steps
# $\varepsilon = \sqrt{\text{eps}} \approx 1.5 \cdot 10^{-8}$ (forward) and
# $\varepsilon = \text{eps}^{1/3} \approx 6 \cdot 10^{-6}$ (central; eps $= 2.2 \cdot 10^{-16}$, float64's machine
# epsilon), keep only about 4 and 6 correct digits here (the derivatives reach ≈ 60). Reverse mode needs one evaluation, which records the tape, plus one
# backward sweep over it: together a small multiple of one evaluation that does not grow like $2d$ (timed in the
# section on time below), and it is exact up to round-off.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## AD is not symbolic differentiation / AD не является символьным вычислением производных
#
# `sympy` runs the same three lines on a symbol $x$ and differentiates the expression $l_n(x)$ they build.

# %% slideshow={"slide_type": "fragment"}
ops_small = []
for n in (1, 2, 3):
    print(f"n = {n}:  l_n = {logistic_map(x, n)}")
    dl_n = sp.diff(logistic_map(x, n), x)
    ops_small.append(int(sp.count_ops(dl_n)))
    n_ops = ops_small[-1]
    print(f"        d l_n/dx = {dl_n}   "
          + tr(f"({n_ops} operations, sympy.count_ops)\n",
               f"({n_ops} {plural_ru(n_ops, 'операция', 'операции', 'операций')}, sympy.count_ops)\n"))
claim(ops_small == [2, 21, 82], "the symbolic derivative has 2, 21 and 82 operations for n = 1, 2, 3",
      ops=ops_small)

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 11.1** / **Упражнение 11.1** — predict, then run. The symbolic derivative has 2, 21 and 82
# operations for $n = 1, 2, 3$ (printed above). How many operations (`sympy.count_ops`) does $dl_n/dx$ have at
# $n = 8$? Write your prediction (within a factor 2 counts as good) and run the cell; the table after the solution
# has all $n$ up to 8.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_ops_guess = None  # your code here: the number of operations of d l_8/dx, as sympy.count_ops counts them

exercises.check_prediction(my_ops_guess, sp.count_ops(sp.diff(logistic_map(x, 8), x)), within=2,
                           name=tr("count_ops(d l_8/dx)", "count_ops(d l_8/dx)"),
                           hint=("how much larger is each count than the one before? Keep multiplying, five more "
                                 "steps.",
                                 "во сколько раз каждое число больше предыдущего? Умножайте так ещё пять шагов."))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Solution / Решение
# The counts grow by ×10.5, then ×3.9: roughly ×3 per step from here on, and the factor keeps falling slowly
# (the table: ×3.2, ×2.9, ×2.7, ×2.6, ×2.5). Five more steps at ≈ ×2.8: 82 · 2.8⁵ ≈ 14 000. Exponential growth:
# the program has 3 operations per step, the derivative's expression thousands.
my_ops_guess = 82 * 2.8**5

exercises.check_prediction(my_ops_guess, sp.count_ops(sp.diff(logistic_map(x, 8), x)), within=2,
                           name=tr("count_ops(d l_8/dx)", "count_ops(d l_8/dx)")).assert_passed()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Expression swell / Разбухание выражений
#
# Already $l_n$ itself, as an expression tree, doubles with each step (`4*l*(1 - l)` holds two copies of $l$;
# the program keeps one value). The product rule then copies each factor into two terms, and each copy carries
# the whole expression of $l_{k}$: the derivative's tree grows exponentially, faster still. Expanding it into a
# polynomial keeps few operations only because `count_ops` counts a power $x^k$ and a coefficient as one operation
# each (degree $2^n - 1$, coefficients with ever more digits), and `sympy.expand` itself takes seconds from
# $n = 6$ on (capped at $n \le 5$ here). Sharing common subexpressions (`sympy.cse`) helps; the counts show how much.

# %% slideshow={"slide_type": "fragment"}
ns = list(range(1, 9))
rows = swell_table(ns, expand_up_to=5)
print(tr(" n | ops(l_n) | ops(dl_n/dx) | nodes(dl_n/dx) | ops(expanded) | ops(cse) | adlib tape nodes",
         " n | оп.(l_n) | оп.(dl_n/dx) | узлы(dl_n/dx)  | оп.(раскрыто) | оп.(cse) | узлы ленты adlib"))
for r in rows:
    expanded = "-" if r.expanded_ops is None else r.expanded_ops
    print(f"{r.n:2d} | {r.function_ops:8d} | {r.derivative_ops:12d} | {r.derivative_nodes:14d} | {expanded!s:>13} "
          f"| {r.cse_ops:8d} | {r.tape_nodes:16d}")
growth = rows[-1].derivative_ops / rows[-2].derivative_ops
tail = slice(3, None)  # n = 4 … 8: the slopes of the large-n end
slope_cse = loglog_slope(ns[tail], [r.cse_ops for r in rows][tail])
slope_tape = loglog_slope(ns[tail], [r.tape_nodes for r in rows][tail])
say(f"Symbolic derivative: **×{growth:.2f}** operations per extra step at $n = 8$ (exponential). "
    f"With `cse`: log-log slope **{slope_cse:.2f}** in $n$ over $n = 4 \\dots 8$ (quadratic). "
    f"adlib's tape: slope **{slope_tape:.2f}**, exactly +3 nodes per step (linear).",
    ru=f"Символьная производная: число операций растёт **×{growth:.2f}** за каждый следующий шаг при $n = 8$ "
    f"(экспоненциально). С `cse`: наклон в двойном логарифмическом масштабе **{slope_cse:.2f}** по $n$ на $n = 4 \\dots 8$ "
    f"(квадратичный рост). Лента adlib: наклон **{slope_tape:.2f}**, ровно +3 узла на шаг (линейный рост).")
claim(2.2 < growth < 3, "the symbolic derivative grows by about ×2.5 per step", growth=growth)
claim(1.6 < slope_cse < 2.2 and 0.85 < slope_tape < 1.05, "cse's count grows quadratically, the tape linearly",
      slope_cse=slope_cse, slope_tape=slope_tape)
claim(np.all(np.diff([r.tape_nodes for r in rows]) == 3), "the tape grows by 3 nodes per step")

# %% [markdown] slideshow={"slide_type": "fragment"}
# So `cse` on the derivative is **not** what reverse mode does: it turns the exponential into a quadratic, while
# the tape stays linear. Roughly why: `sympy` writes $l_n$ as a product of $n + 1$ factors (see $n = 3$ above),
# the product rule makes it a sum of $n + 1$ terms, each the product of $n$ factors and one factor's derivative,
# and `cse` shares the factors but not those products. Reverse mode differentiates the *program*: the adjoint of each step,
# $\bar l_k = \bar l_{k+1}\,(4 - 8 l_k)$, reuses the one before it, a constant amount of work per step.

# %% slideshow={"slide_type": "subslide"}
fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
ax.semilogy(ns, [r.derivative_ops for r in rows], "o-", label=tr("symbolic derivative", "символьная производная"))
ax.semilogy(ns[:5], [r.expanded_ops for r in rows[:5]], "s--",
            label=tr("expanded derivative", "раскрытая производная"))
ax.semilogy(ns, [r.cse_ops for r in rows], "^-", label=tr("derivative with cse", "производная с cse"))
ax.semilogy(ns, [r.tape_nodes for r in rows], "D-", label=tr("adlib tape nodes", "узлы ленты adlib"))
ax.set(xlabel=tr("n (steps of the logistic map)", "n (шагов логистического отображения)"),
       ylabel=tr("operations / nodes", "операции / узлы"),
       title=tr("Log scale: exponential swell", "Лог. шкала: экспоненциальное разбухание"))
ax.legend()
n_fit = np.array(ns[tail], dtype=float)  # the least-squares line passes through the mean of the logs
for counts, slope, color, label in [([r.cse_ops for r in rows], slope_cse, "C2",
                                     tr("derivative with cse", "производная с cse")),
                                    ([r.tape_nodes for r in rows], slope_tape, "C3",
                                     tr("adlib tape nodes", "узлы ленты adlib"))]:
    ax2.loglog(ns, counts, "^-" if color == "C2" else "D-", color=color, label=label)
    log_y = np.mean(np.log(counts[tail])) + slope * (np.log(n_fit) - np.mean(np.log(n_fit)))
    ax2.loglog(n_fit, np.exp(log_y), ":", lw=3, color="k" if color == "C2" else "0.4",
               label=tr(f"fit: slope {slope:.2f} over n = 4…8", f"наклон {slope:.2f} на n = 4…8"))
ax2.set(xlabel=tr("n (log scale)", "n (лог. шкала)"), ylabel=tr("operations / nodes", "операции / узлы"),
        title=tr("Log-log: cse quadratic, tape linear", "Двойной лог. масштаб: cse — квадратично, лента — линейно"))
ax2.set_xticks(ns, [str(n) for n in ns], minor=False)
ax2.set_xticks([], minor=True)
ax2.legend()
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# And all of them give the same number:

# %% slideshow={"slide_type": "fragment"}
x0 = 0.3
for n in (1, 4, 8):
    exact = float(sp.diff(logistic_map(x, n), x).subs(x, sp.Rational(3, 10)))
    reverse = adlib.grad(lambda l, n=n: logistic_map(l, n))(x0)
    forward = adlib.jvp(lambda l, n=n: logistic_map(l, n), (x0,), (1.0,))[1]
    with_jax = jax.grad(lambda l, n=n: logistic_map(l, n))(x0)
    print(f"n = {n}: sympy {exact: .15f}   " + tr(f"reverse {reverse: .15f}   forward {forward: .15f}",
                                                    f"обратный {reverse: .15f}   прямой {forward: .15f}")
          + f"   JAX {with_jax: .15f}")
    np.testing.assert_allclose([reverse, forward, with_jax], exact, rtol=1e-12)

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 11.2** / **Упражнение 11.2** — be the reverse mode yourself: write $dl_6/dx$ as a program, not as an
# expression. A forward loop computes and **keeps** $l_0 = x, l_1, \dots, l_5$; a backward loop starts from
# $\bar l_6 = 1$ and applies $\bar l_k = \bar l_{k+1}\,(4 - 8 l_k)$ down to $\bar l_0 = dl_6/dx$. Checked at
# $x = 0.3$ and $x = 0.71$ against `adlib.grad`, central differences and `jax.grad`.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def my_dl6_dx(x0):
    # your code here: the forward loop (keep every l_k), then the backward loop for the adjoint
    raise NotImplementedError


exercises.check_grad(my_dl6_dx, lambda v: logistic_map(v, 6), points=[0.3, 0.71],
                     f_jax=lambda v: logistic_map(v, 6),
                     hint=("l_{k+1} = 4 l_k (1 − l_k), so ∂l_{k+1}/∂l_k = 4 − 8 l_k; the backward loop runs over "
                           "l_5, …, l_0 (not l_6)",
                           "l_{k+1} = 4 l_k (1 − l_k), поэтому ∂l_{k+1}/∂l_k = 4 − 8 l_k; обратный цикл идёт по "
                           "l_5, …, l_0 (не l_6)"))


# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Solution / Решение
def my_dl6_dx(x0):
    ls = [x0]  # forward sweep: the values the backward sweep will need (reverse mode's memory)
    for _ in range(6):
        ls.append(4 * ls[-1] * (1 - ls[-1]))
    adjoint = 1.0  # l̄_6 = dl_6/dl_6
    for l_k in reversed(ls[:-1]):  # l_5, …, l_0
        adjoint = adjoint * (4 - 8 * l_k)  # l̄_k = l̄_{k+1} ∂l_{k+1}/∂l_k
    return adjoint  # l̄_0 = dl_6/dx: 6 multiplications, where the expression has thousands of operations


exercises.check_grad(my_dl6_dx, lambda v: logistic_map(v, 6), points=[0.3, 0.71],
                     f_jax=lambda v: logistic_map(v, 6)).assert_passed()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## AD is not just the chain rule / AD не является только правилом вычисления производной сложной функции
#
# AD differentiates a *program*, as it runs: a `while` loop whose number of steps depends on the data and an
# `if` are no obstacle, and no closed-form expression of the result is written anywhere. Newton's method for
# $\sqrt a$: $x \leftarrow \tfrac12 (x + a/x)$ until $|x^2 - a| \le 10^{-14} a$, started at $\max(a, 1)$.

# %% slideshow={"slide_type": "fragment"}
def newton_sqrt(a):
    x = a if a > 1 else 1.0  # an if: the starting point
    steps = 0
    while abs(x * x - a) > 1e-14 * a:  # a loop whose length depends on a
        x = 0.5 * (x + a / x)
        steps += 1
    newton_sqrt.steps = steps
    return x


print(tr("   a    | Newton steps | adlib.grad         | jax.grad           | 1/(2√a)",
         "   a    | шаги Ньютона | adlib.grad         | jax.grad           | 1/(2√a)"))
for a in (0.01, 0.5, 2.0, 30.0, 1e4):
    g_adlib = adlib.grad(newton_sqrt)(a)
    g_jax = float(jax.grad(newton_sqrt)(a))  # eager JAX: Python control flow on concrete values
    print(f"{a:7g} | {newton_sqrt.steps:12d} | {g_adlib:.15f} | {g_jax:.15f} | {1 / (2 * np.sqrt(a)):.15f}")
    np.testing.assert_allclose([g_adlib, g_jax], 1 / (2 * np.sqrt(a)), rtol=1e-10)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Reverse mode: time-efficient, numerically stable / Обратный режим: времяэффективный и численно стабильный
#
# **Time.** The gradient of $L(w) = \sum_i l_{10}(w_i)$ is one evaluation of $L$ (which records the tape) plus
# one backward sweep, each step of which costs a few times the primitive it reverses: in operations, a small
# constant times one evaluation of $L$, whatever $d$ (the lecture's theorem). Central differences cost $2d$
# evaluations. The ratio in *time* is measured below (best of several interleaved repeats; timings are noisy and
# depend on the machine).

# %% slideshow={"slide_type": "fragment"}
def L10(w):
    return anp.sum(logistic_map(w, 10))


rng = np.random.default_rng(1)
dims, ratios = (10, 100, 1_000, 100_000), []
print(tr("     d | time of L | time of grad L | grad / L | central differences / L = 2d",
         "     d |   время L |   время grad L | grad / L | центральные разности / L = 2d"))
ms = tr("ms", "мс")
for d in dims:
    w = rng.uniform(0.05, 0.95, d)
    t_L, t_grad = time_calls([lambda w=w: L10(w), lambda w=w: adlib.grad(L10)(w)], repeat=7)
    ratios.append(t_grad / t_L)
    print(f"{d:6d} | {t_L * 1e3:6.3f} {ms} | {t_grad * 1e3:11.3f} {ms} | {t_grad / t_L:8.1f} | {2 * d}")
in_cache = ratios[:3]  # d ≤ 1000: every array stays in the processor's caches
say(f"One gradient costs **{min(in_cache):.0f}–{max(in_cache):.0f}×** one evaluation of $L$ for $d$ = 10 to 1000 "
    f"(central differences: $2d$ = 20 to 2000), and **{ratios[3]:.0f}×** at $d = 100\\,000$ (central differences: "
    "200 000).",
    ru=f"Один градиент стоит **{min(in_cache):.0f}–{max(in_cache):.0f}×** одного вычисления $L$ при $d$ от 10 до "
    f"1000 (центральные разности: $2d$ от 20 до 2000) и **{ratios[3]:.0f}×** при $d = 100\\,000$ (центральные "
    "разности: 200 000).")
claim(all(0.5 < r < 50 for r in in_cache) and max(in_cache) < 10 * min(in_cache), "for d up to 1000 a gradient "
      "costs a small multiple of one evaluation that does not grow with d (as 2d does, 100-fold)", ratios=ratios)
claim(ratios[3] < 2 * dims[3] / 100, "at d = 100 000 the ratio stays far below 2d", ratios=ratios)
tape_mb = tape_size(L10, w)["bytes"] / 2**20  # the tape at d = 100 000
claim(10 < tape_mb < 100, "at d = 100 000 the tape holds tens of megabytes", tape_mb=tape_mb)

# %% [markdown] slideshow={"slide_type": "fragment"}
# So "1 + 1 backward sweep" in the finite-differences table is, in time, a small multiple of one evaluation: in
# operations a few rule applications per primitive (counted exactly in the theorem below), in time also the cost
# of recording the tape in Python and of writing and reading it. That multiple does not grow with $d$ while the
# arrays stay in the processor's caches. At $d = 100\,000$ the tape holds tens of megabytes: memory traffic, not
# arithmetic, sets the pace, the measured ratio there can be larger and varies from run to run, and it still stays
# far below $2d$. Reverse mode's appetite for memory (next) costs time too.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Stability.** AD applies the exact derivative of each primitive to exact-up-to-round-off values, so its error is
# a few units of round-off times the problem's own conditioning; finite differences add a truncation error and
# divide round-off by ε. Relative errors against `sympy`'s exact derivative evaluated with 30 digits:

# %% slideshow={"slide_type": "fragment"}
print(tr(" n | relative error of reverse AD | of central differences",
         " n | отн. ошибка обратного режима | центральных разностей"))
for n in (2, 4, 6, 8):
    exact = float(sp.diff(logistic_map(x, n), x).subs(x, sp.Rational(3, 10)).evalf(30))
    ad = adlib.grad(lambda l, n=n: logistic_map(l, n))(0.3)
    fd = central_difference(lambda l, n=n: logistic_map(l[0], n), np.array([0.3]))[0]
    print(f"{n:2d} | {abs(ad - exact) / abs(exact):28.1e} | {abs(fd - exact) / abs(exact):.1e}")
    assert abs(ad - exact) <= 1e-13 * abs(exact) < abs(fd - exact)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Not memory-efficient / Не эффективен по памяти
#
# Reverse mode needs all intermediate values of the forward pass for the backward sweep: the tape's memory grows
# linearly with the number of steps $n$. Forward mode carries one tangent along and forgets the past: its peak
# memory stays flat. ($d = 1000$, bytes of the arrays kept by the tape, and peak allocation by `tracemalloc`.)

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 11.3** / **Упражнение 11.3** — predict, then run. $L(w) = \sum_i l_n(w_i)$ with $d = 1000$ inputs
# (float64) and $n = 80$ steps of the logistic map: how many kB (1 kB = 1024 bytes) of arrays does adlib's tape keep
# for the backward sweep? The swell table above says how many nodes each step records. Write your prediction and
# run the cell; the cell after the solution measures $n = 10 \dots 80$.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_tape_kb_guess = None  # your code here: kB kept on the tape for n = 80 steps, d = 1000

exercises.check_prediction(
    my_tape_kb_guess, tape_size(lambda w: anp.sum(logistic_map(w, 80)), np.full(1000, 0.3))["bytes"] / 1024,
    within=1.5, name=tr("the tape's size in kB", "размер ленты в kB"),
    hint=("each step records 3 nodes (multiply, subtract, multiply); each keeps about one array of d float64 "
          "numbers (8 bytes each)",
          "каждый шаг записывает 3 узла (умножение, вычитание, умножение); каждый хранит примерно один массив из d "
          "чисел float64 (по 8 байт)"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Solution / Решение
# 3 nodes per step (the swell table: +3 nodes per step), each keeping one array of d = 1000 float64 values,
# 8000 bytes: 80 steps · 3 · 8000 bytes = 1.92 MB ≈ 1875 kB. Growing linearly with n: the forward pass, stored.
my_tape_kb_guess = 80 * 3 * 1000 * 8 / 1024

exercises.check_prediction(
    my_tape_kb_guess, tape_size(lambda w: anp.sum(logistic_map(w, 80)), np.full(1000, 0.3))["bytes"] / 1024,
    within=1.5, name=tr("the tape's size in kB", "размер ленты в kB")).assert_passed()

# %% slideshow={"slide_type": "fragment"}
d = 1000
w = np.random.default_rng(2).uniform(0.05, 0.95, d)
steps = [10, 20, 40, 80]
tape_kb, peak_rev_kb, peak_fwd_kb = [], [], []
for n in steps:
    def L(w, n=n):
        return anp.sum(logistic_map(w, n))
    tape_kb.append(tape_size(L, w)["bytes"] / 1024)
    peak_rev_kb.append(peak_bytes(adlib.grad(L), w)[1] / 1024)
    peak_fwd_kb.append(peak_bytes(lambda: adlib.jvp(L, (w,), (np.ones(d),)))[1] / 1024)
print(tr("  n | tape (kB) | peak, reverse (kB) | peak, forward (kB)",
         "  n | лента, kB | пик, обратный (kB) | пик, прямой (kB)"))
for n, a, b, c in zip(steps, tape_kb, peak_rev_kb, peak_fwd_kb):
    print(f"{n:3d} | {a:9.0f} | {b:18.0f} | {c:18.0f}")
slope, slope_peak = loglog_slope(steps, tape_kb), loglog_slope(steps, peak_rev_kb)
copies_of_w = np.array(peak_fwd_kb) / (w.nbytes / 1024)
copies = int(f"{copies_of_w.mean():.0f}")
print(tr(f"log-log slope in n: tape {slope:.2f}, peak of grad {slope_peak:.2f}; "
         f"peak of jvp ≈ {copies} arrays the size of w, at every n",
         f"наклон в двойном логарифмическом масштабе по n: лента {slope:.2f}, пик grad {slope_peak:.2f}; "
         f"пик jvp ≈ {copies} {plural_ru(copies, 'массив', 'массива', 'массивов')} размера w при любом n"))
claim(0.9 < slope < 1.1 and 0.85 < slope_peak < 1.1, "reverse mode's memory grows with slope 1",
      slope=slope, slope_peak=slope_peak)
flat = max(peak_fwd_kb) < 1.2 * min(peak_fwd_kb) and 5 < copies_of_w.min() and copies_of_w.max() < 20
claim(flat and peak_rev_kb[-1] > 4 * peak_fwd_kb[-1], "forward mode's peak stays flat at about ten arrays of size d",
      copies=copies_of_w)

# %% slideshow={"slide_type": "fragment"}
fig, ax = plt.subplots(figsize=(7.5, 4.2))
ax.loglog(steps, tape_kb, "o-", label=tr("reverse: arrays kept on the tape", "обратный: массивы на ленте"))
ax.loglog(steps, peak_rev_kb, "s-", label=tr("reverse: peak memory of grad", "обратный: пик памяти grad"))
ax.loglog(steps, peak_fwd_kb, "^-", label=tr("forward: peak memory of jvp", "прямой: пик памяти jvp"))
ax.set(xlabel=tr("n (steps of the logistic map)", "n (шагов логистического отображения)"),
       ylabel=tr("memory (kB)", "память (kB)"),
       title=tr("Reverse mode stores the forward pass", "Обратный режим хранит прямой проход"))
ax.set_xticks(steps, [str(n) for n in steps])
ax.set_xticks([], minor=True)
ax.legend()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Reverse mode's memory grows with slope 1 on the log-log axes; forward mode's peak stays flat, about ten arrays
# the size of $w$ whatever $n$. [10 — gradient checkpointing](10_checkpointing.ipynb) trades this memory for
# recomputation.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Additional materials / Дополнительные материалы
#
# * The JAX Autodiff Cookbook: <https://docs.jax.dev/en/latest/notebooks/autodiff_cookbook.html>
# * Gradient through linear least squares and through the SVD [seminar]:
#   [12 — least squares and the SVD](12_seminar_least_squares_svd.ipynb).
# * Activation checkpointing [seminar]: [10 — gradient checkpointing](10_checkpointing.ipynb).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary: definitions / Итоги: определения
#
# **1. Finite differences.** For $f: \mathbb R^n \to \mathbb R$,
# $\dfrac{\partial f}{\partial x_k}(x) \approx \dfrac{f(x + \varepsilon e_k) - f(x)}{\varepsilon}$
# (error $O(\varepsilon)$; central $\dfrac{f(x + \varepsilon e_k) - f(x - \varepsilon e_k)}{2\varepsilon}$: $O(\varepsilon^2)$).

# %% slideshow={"slide_type": "fragment"}
def f(x):
    return np.sin(x[0]) * np.exp(x[1]) + x[2] ** 3


x1 = np.array([0.3, -0.2, 1.1])
grad_f = np.array([np.cos(x1[0]) * np.exp(x1[1]), np.sin(x1[0]) * np.exp(x1[1]), 3 * x1[2] ** 2])
eps = 1e-5
for k in range(3):
    e_k = np.eye(3)[k]
    fd_k = (f(x1 + eps * e_k) - f(x1)) / eps
    print(f"∂f/∂x_{k + 1}: " + tr(f"finite difference {fd_k:.8f}, exact {grad_f[k]:.8f}",
                                 f"конечная разность {fd_k:.8f}, точно {grad_f[k]:.8f}"))
    assert abs(fd_k - grad_f[k]) < 1e-4

# %% [markdown] slideshow={"slide_type": "subslide"}
# **2. Forward chain rule.** For $f = f(x_1(t), \dots, x_n(t))$:
# $\dfrac{\partial f}{\partial t} = \sum_{i=1}^n \dfrac{\partial f}{\partial x_i} \dfrac{\partial x_i}{\partial t}$.
# Forward mode (`jvp`) computes exactly this sum, along the program.

# %% slideshow={"slide_type": "fragment"}
def x_of_t(t):
    return anp.stack([anp.cos(t), t**2, anp.log(1 + t)])


def f_anp(x):
    return anp.sin(x[0]) * anp.exp(x[1]) + x[2] ** 3


t0 = 0.7
df_dx = adlib.grad(f_anp)(x_of_t(t0))  # ∂f/∂x_i
dx_dt = adlib.jacfwd(x_of_t)(t0)  # ∂x_i/∂t
by_the_formula = np.sum(df_dx * dx_dt)
by_forward_mode = adlib.jvp(lambda t: f_anp(x_of_t(t)), (t0,), (1.0,))[1]
print(f"Σ ∂f/∂x_i ∂x_i/∂t = {by_the_formula:.15f};  jvp = {by_forward_mode:.15f}")
np.testing.assert_allclose(by_forward_mode, by_the_formula, rtol=1e-13)

# %% [markdown] slideshow={"slide_type": "subslide"}
# **3. Backward chain rule.** $L$ a scalar, $x = x(v_k) \in \mathbb R^t$ computed from $v_k$:
# $\dfrac{\partial L}{\partial v_k} = \sum_{i=1}^t \dfrac{\partial L}{\partial x_i} \dfrac{\partial x_i}{\partial v_k}$,
# i.e. $\bar v_k = J^\top \bar x$. Reverse mode (`vjp`) computes this product without forming $J$.

# %% slideshow={"slide_type": "fragment"}
rng = np.random.default_rng(3)
A = rng.standard_normal((5, 3))
v_k = rng.standard_normal(3)


def x_of_v(v):
    return anp.tanh(A @ v)


def L_of_x(x):
    return anp.sum(x**2) / 2


dL_dx = adlib.grad(L_of_x)(x_of_v(v_k))  # ∂L/∂x_i
J = adlib.jacfwd(x_of_v)(v_k)  # ∂x_i/∂v_k, a t × 3 Jacobian
by_the_formula = J.T @ dL_dx
_, pullback = adlib.vjp(x_of_v, v_k)
(by_reverse_mode,) = pullback(dL_dx)  # one adjoint per argument, as jax.vjp
print("Σ ∂L/∂x_i ∂x_i/∂v_k =", by_the_formula, "\nvjp                 =", by_reverse_mode)
np.testing.assert_allclose(by_reverse_mode, by_the_formula, rtol=1e-13)
np.testing.assert_allclose(adlib.grad(lambda v: L_of_x(x_of_v(v)))(v_k), by_the_formula, rtol=1e-13)

# %% [markdown] slideshow={"slide_type": "subslide"}
# **4. Hutchinson's idea.** For $X \in \mathbb R^{d \times d}$ and a random vector $v \in \mathbb R^d$ with
# $\mathbb E[v v^\top] = I$ (Rademacher signs, Gaussian):
# $\operatorname{Tr} X = \mathbb E[v^\top X v] \approx \frac1V \sum_{i=1}^V v_i^\top X v_i$: the trace from matvecs
# alone, e.g. Hessian-vector products (notebook 09). Check: averaging over **all** $2^d$ sign vectors gives the
# trace exactly; a few hundred random probes give it approximately.

# %% slideshow={"slide_type": "fragment"}
d = 8
B = np.random.default_rng(4).standard_normal((d, d))
X = B @ B.T
signs = np.array(np.meshgrid(*[[-1.0, 1.0]] * d)).reshape(d, -1).T  # all 2^d Rademacher vectors v
exact_mean = np.mean(np.einsum("ij,jk,ik->i", signs, X, signs))
estimate = hutchinson(lambda v: X @ v, d, num_probes=400, rng=np.random.default_rng(5))
print(f"Tr X = {np.trace(X):.6f};  " + tr(f"mean of vᵀXv over all signs = {exact_mean:.6f};  400 probes: {estimate:.4f}",
                                         f"среднее vᵀXv по всем знакам = {exact_mean:.6f};  400 проб: {estimate:.4f}"))
np.testing.assert_allclose(exact_mean, np.trace(X), rtol=1e-12)
assert abs(estimate - np.trace(X)) < 0.1 * np.trace(X)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary: the theorem / Итоги: теорема
#
# **Automatic differentiation.** A program is a computational graph: inputs $w_k$, then nodes
# $v_i = \varphi_i(v_{\text{parents}(i)})$ in evaluation order, output $L = v_N$.
#
# * **Forward mode** carries $\dot v_i = \sum_{j \in \text{parents}(i)} \frac{\partial \varphi_i}{\partial v_j} \dot v_j$
#   along with $v_i$, from $\dot w = e_k$: one directional derivative per sweep, $d$ sweeps for $\nabla L$.
# * **Reverse mode** records the graph, then from $\bar v_N = 1$ walks it backwards:
#   $\bar v_j = \sum_{i \in \text{children}(j)} \bar v_i \frac{\partial \varphi_i}{\partial v_j}$;
#   one sweep gives all of $\nabla L$, in time $O(T)$ where $T$ is the cost of computing $L$.
#
# Check: both algorithms written out on adlib's tape for the lecture's
# $L(w_1, w_2) = w_2 \log w_1 + \sqrt{w_2 \log w_1}$, each visiting every edge of the graph once. First the graph:
# the lecture's (Рис. 6) has the 4 nodes $v_1 = \log w_1$, $v_2 = w_2 v_1$, $v_3 = \sqrt{v_2}$, $L = v_2 + v_3$.

# %% slideshow={"slide_type": "fragment"}
def L_lecture(w1, w2):  # the lecture's graph, v_2 computed once
    v1 = anp.log(w1)
    v2 = w2 * v1
    v3 = anp.sqrt(v2)
    return v2 + v3


def L_as_written(w1, w2):  # the same formula, typed as it reads
    return w2 * anp.log(w1) + anp.sqrt(w2 * anp.log(w1))


def traced(f):
    with VJPTrace() as trace:  # the computational graph, as the program runs
        f(trace.new_input(2.0), trace.new_input(3.0))
    return trace.tape


tape, tape_as_written = traced(L_lecture), traced(L_as_written)
for name, t in [("L_lecture", tape), ("L_as_written", tape_as_written)]:
    print(f"{name:>12}: {[node.prim.name for node in t if node.prim]}")
nodes = [sum(node.prim is not None for node in t) for t in (tape, tape_as_written)]
claim(nodes == [4, 6], "the lecture's program records 4 nodes, the formula as written 6", nodes=nodes)

# %% [markdown] slideshow={"slide_type": "fragment"}
# The formula as written computes $w_2 \log w_1$ twice, so its tape has 6 nodes (two `log`, two `multiply`): the
# tape records the program as it runs, not the formula. Both give the same derivatives; the algorithms below run
# on the lecture's 4-node graph.

# %% slideshow={"slide_type": "fragment"}
def forward_algorithm(tape, k):
    dot = {}
    for i, node in enumerate(tape):
        if node.prim is None:
            dot[i] = 1.0 if i == k else 0.0
        else:
            dot[i] = sum(node.prim.rule("jvp", a)(dot[p], node.ans, *node.args, **node.kwargs)
                         for a, p in zip(node.argnums, node.parents))
    return dot[len(tape) - 1]


def backward_algorithm(tape):
    bar = {len(tape) - 1: 1.0}
    for i in range(len(tape) - 1, -1, -1):
        node = tape[i]
        if node.prim is None:
            continue
        for a, p in zip(node.argnums, node.parents):
            bar[p] = bar.get(p, 0.0) + node.prim.vjp[a](bar.get(i, 0.0), node.ans, *node.args, **node.kwargs)
    return [bar[i] for i, node in enumerate(tape) if node.prim is None]


exact = [float(3 / 2 * (1 + 1 / (2 * np.sqrt(3 * np.log(2))))), float(np.log(2) * (1 + 1 / (2 * np.sqrt(3 * np.log(2)))))]
forward = [float(forward_algorithm(tape, 0)), float(forward_algorithm(tape, 1))]
backward = [float(b) for b in backward_algorithm(tape)]
print(tr(f"forward mode (2 sweeps): {forward}\nbackward mode (1 sweep): {backward}\nclosed form:             {exact}",
         f"прямой режим (2 прохода):  {forward}\nобратный режим (1 проход): {backward}\n"
         f"в явном виде:              {exact}"))
np.testing.assert_allclose(forward, exact, rtol=1e-14)
np.testing.assert_allclose(backward, exact, rtol=1e-14)
np.testing.assert_allclose(backward_algorithm(tape_as_written), exact, rtol=1e-14)
for f in (L_lecture, L_as_written):
    np.testing.assert_allclose(adlib.grad(f, argnums=(0, 1))(2.0, 3.0), exact, rtol=1e-14)

# %% [markdown] slideshow={"slide_type": "fragment"}
# **$O(T)$.** The backward sweep applies one local rule per edge, and every primitive here has at most two
# arguments: at most $2T$ rule applications for a program of $T$ primitives, whatever the number of inputs.

# %% slideshow={"slide_type": "fragment"}
for n in (10, 100, 1000):
    with VJPTrace() as trace:
        logistic_map(trace.new_input(0.3), n)
    T = len(trace.tape) - 1
    edges = sum(len(node.parents) for node in trace.tape)
    print(tr(f"logistic map, n = {n:4d}: T = {T:4d} primitives, {edges:4d} rule applications in the backward sweep",
             f"логистическое отображение, n = {n:4d}: T = {T:4d} {plural_ru(T, 'примитив', 'примитива', 'примитивов')}, "
             f"{edges:4d} {plural_ru(edges, 'применение', 'применения', 'применений')} правил в обратном проходе"))
    assert edges <= 2 * T and tape_size(lambda l, n=n: logistic_map(l, n), 0.3)["nodes"] == T + 1

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Beyond the lecture: AD differentiates the program, not the function / За рамками лекции: AD дифференцирует программу, а не функцию
#
# Back to "not just the chain rule": the same $\sqrt a$ by **bisection** on $[0, \max(a, 1)]$. The midpoints
# depend on $a$ only through the starting interval and through comparisons, which have no derivative. AD
# faithfully differentiates *that* program and gets a wrong answer for $\sqrt a$. The cure is to tell AD the rule
# (implicit function theorem: $x^2 = a \Rightarrow dx/da = 1/(2x)$) with a custom rule, `adlib.custom_jvp` (as
# `jax.custom_jvp`); the seminar [12](12_seminar_least_squares_svd.ipynb) writes such rules for whole
# linear-algebra functions.

# %% slideshow={"slide_type": "fragment"}
def bisection_sqrt(a):
    lo, hi = 0.0 * a, (a if a > 1 else 1.0 + 0.0 * a)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if mid * mid > a:
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)


print(f"bisection_sqrt(4.0) = {bisection_sqrt(4.0)!r}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 11.4** / **Упражнение 11.4** — predict, then run. The true derivative of $\sqrt a$ at $a = 4$ is
# $1/(2\sqrt 4) = 0.25$. What does `adlib.grad(bisection_sqrt)(4.0)` return, i.e. what is the derivative of
# *this program*? Write your prediction and run the cell; the table after the solution compares three values of $a$.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_bisection_grad_guess = None  # your code here: the number adlib.grad(bisection_sqrt)(4.0) returns

exercises.check_prediction(my_bisection_grad_guess, adlib.grad(bisection_sqrt)(4.0), within=1.2,
                           name=tr("adlib.grad(bisection_sqrt)(4.0)", "adlib.grad(bisection_sqrt)(4.0)"),
                           hint=("for a > 1 the interval starts as [0, a]; the comparisons carry no derivative, so "
                                 "every midpoint is a fixed fraction of a",
                                 "при a > 1 отрезок начинается как [0, a]; у сравнений нет производной, поэтому "
                                 "каждая середина — фиксированная доля a"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Solution / Решение
# For a > 1 the program computes lo, hi from [0, a] by halving only: the result is c · a, where the fraction
# c = (a binary fraction chosen by the comparisons) ≈ √a / a. AD sees the comparisons as constants, so it
# differentiates c · a and returns c = √a / a = 1/√a = 0.5 at a = 4: twice the true 0.25.
my_bisection_grad_guess = 1 / np.sqrt(4.0)

exercises.check_prediction(my_bisection_grad_guess, adlib.grad(bisection_sqrt)(4.0), within=1.2,
                           name=tr("adlib.grad(bisection_sqrt)(4.0)", "adlib.grad(bisection_sqrt)(4.0)")
                           ).assert_passed()


# %% slideshow={"slide_type": "fragment"}
@custom_jvp
def bisection_sqrt_with_rule(a):
    return bisection_sqrt(a)


@bisection_sqrt_with_rule.defjvp
def _(primals, tangents):
    (a,), (t,) = primals, tangents
    root = bisection_sqrt(a)
    return root, t / (2 * root)


print(tr("   a  | √a by bisection     | grad through the loop | grad with the custom rule | 1/(2√a)",
         "   a  | √a бисекцией        | grad через цикл       | grad с польз. правилом    | 1/(2√a)"))
for a in (0.5, 2.0, 30.0):
    g_loop, g_rule = adlib.grad(bisection_sqrt)(a), adlib.grad(bisection_sqrt_with_rule)(a)
    print(f"{a:5g} | {bisection_sqrt(a):.16f}  | {g_loop:21.15f} | {g_rule:25.15f} | {1 / (2 * np.sqrt(a)):.15f}")
    np.testing.assert_allclose(bisection_sqrt(a), np.sqrt(a), rtol=1e-14)
    np.testing.assert_allclose(g_rule, 1 / (2 * np.sqrt(a)), rtol=1e-12)
    claim(g_loop == 0 if a <= 1 else np.isclose(g_loop, 1 / np.sqrt(a), rtol=1e-12),
          "the loop's derivative is 0 for a ≤ 1 and 1/√a, twice the truth, for a > 1", a=a, g_loop=g_loop)

# %% [markdown] slideshow={"slide_type": "fragment"}
# For $a \le 1$ the interval $[0, 1]$ does not depend on $a$ and the loop's derivative is exactly 0; for $a > 1$ it is
# $\sqrt a / a = 1/\sqrt a$ (the midpoints scale with $\max(a, 1) = a$), twice the truth. Newton's iterates, in
# contrast, depend smoothly on $a$ and their derivatives converge along with them.
#
# Next: [12 — seminar: gradients through least squares and the SVD](12_seminar_least_squares_svd.ipynb).
