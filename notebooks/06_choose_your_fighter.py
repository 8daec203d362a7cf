# ---
# jupyter:
#   course:
#     summary: 'Jacobians: jacfwd vs jacrev as m/n varies; mixed mode'
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
# # Choose your fighter: forward or reverse mode for a Jacobian / Choose your fighter: какой режим AD выбрать для якобиана
#
# For $f:\mathbb R^n \to \mathbb R^m$ the Jacobian $J = \{\partial f_i / \partial w_j\}$ has $m$ rows and $n$
# columns. Forward mode gets it **column by column** ($n$ JVPs), reverse mode **row by row** ($m$ VJPs). We
#
# 1. *count* the passes each of `adlib.jacfwd` / `adlib.jacrev` really makes;
# 2. reproduce Рис. 25 (n = 100, m swept) for adlib **and** for JAX, with JIT compilation excluded from the times,
#    for a linear map, a nonlinear one and a scalar output;
# 3. take Рис. 26's "arbitrary graph in the middle" with a narrow waist and beat both pure modes by mixing them;
# 4. play with $n$ and $m$ in a widget.
#
# Runs in ~20 s. `ADLIB_FULL=1` sweeps m up to ~30 000 as in the course (a few minutes).

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
from adlib.jacobian import (
    compare_modes,
    count_passes,
    jac_chain,
    median_time,
    plot_sweep,
    time_jacobians,
)

FULL = os.environ.get("ADLIB_FULL") == "1"  # the course's big sweep (minutes) instead of the quick one (seconds)
np.set_printoptions(precision=4, suppress=True)
print(f"ADLIB_FULL={'1: full sweep' if FULL else 'unset: quick sweep'}; jax {jax.__version__}, float64")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Which mode would you choose? / Какой режим вы бы выбрали?
#
# **Question (Рис. 24).** We need the Jacobian $J = \{\partial L_i / \partial w_j\}_{i,j}$ of a graph with few
# inputs $w_j$ and many outputs $L_i$. Forward or reverse?

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Answer.** Reverse-mode time is proportional to the number of **outputs** (one backward sweep per row of $J$),
# forward-mode time to the number of **inputs** (one JVP per column). Few inputs and many outputs: forward mode.
#
# Let us first check that this is literally what the library does — by counting.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Counting the passes / Считаем проходы
#
# `adlib.jacobian.count_passes` puts an identity *primitive* on the input of $f$ whose JVP rule and VJP rule
# each increment a counter: the JVP rule runs once per forward pass, the VJP rule once per backward sweep that
# reaches the input. Nothing in `jacfwd`/`jacrev` is changed or mocked.

# %% slideshow={"slide_type": "fragment"}
rng = np.random.default_rng(0)
n = 100
x = rng.standard_normal(n)
print(f"{'f(x) = A x, A is m×n':<28}{'evaluations of f':>18}{'JVPs':>8}{'VJPs':>8}")
for m in [10, 100, 1000]:
    A = rng.standard_normal((m, n))
    for name, jac in [("jacfwd", adlib.jacfwd), ("jacrev", adlib.jacrev)]:
        J, c = count_passes(jac, lambda x, A=A: A @ x, x)
        np.testing.assert_allclose(J, A, rtol=1e-12)  # the Jacobian of A x is A
        print(f"{f'm = {m:4d}, n = {n}: {name}':<28}{c['calls']:>18}{c['jvps']:>8}{c['vjps']:>8}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# `jacfwd` always makes $n = 100$ forward passes; `jacrev` makes one forward pass (recording the tape) and then
# $m$ backward sweeps. Each pass or sweep through $A x$ costs about one matrix–vector product, $O(mn)$, so
#
# $$T_\text{fwd} \approx n \cdot c_\text{fwd}\, mn, \qquad T_\text{rev} \approx m \cdot c_\text{rev}\, mn,
#   \qquad \frac{T_\text{fwd}}{T_\text{rev}} \approx \frac{c_\text{fwd}}{c_\text{rev}} \cdot \frac{n}{m}:$$
#
# the two cost the same near $m/n \approx 1$, up to the ratio of the per-pass constants.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Рис. 25 reproduced / Рис. 25: время вычисления якобиана в зависимости от m/n
#
# $f(x) = A x$, $A \sim \mathcal N(0, 1)$ of shape $(m, n)$, $n = 100$, $m$ on a log grid. Timed: `adlib.jacfwd`,
# `adlib.jacrev`, and `jax.jit(jax.jacfwd(f))`, `jax.jit(jax.jacrev(f))`, each **jit-compiled once, warmed up
# with one call (compilation excluded), then the best of repeats** (as `%timeit` reports; on a shared machine other
# processes only ever add time) with `block_until_ready` (JAX returns before it has computed). The course's
# original figure averaged compilation into the times; here it is not in them.

# %% slideshow={"slide_type": "subslide"}
if FULL:
    ms, repeat = np.unique(np.logspace(0, 4.5, 20).astype(int)), 7
else:
    ms, repeat = np.unique(np.logspace(0, 3.3, 10).astype(int)), 5
sweep = {"linear": time_jacobians(ms, n=100, kind="linear", repeat=repeat, budget=3.0)}

fig, ax = plt.subplots(figsize=(7.5, 4.8))
crossings = plot_sweep(sweep["linear"], ax, title="Рис. 25: Jacobian of f(x) = A x, n = 100 (compile time excluded)")
fig.tight_layout()
plt.show()
for lib, c in crossings.items():
    print(f"{lib}: forward and reverse take equal time at m/n ≈ {c:.2f}" if c else f"{lib}: no crossover on this grid")

# %% [markdown] slideshow={"slide_type": "fragment"}
# What to see: for $m \ll n$ (well left of the dotted line) the reverse curves (orange) are below the forward ones
# (blue); for $m \gg n$ it is the other way round, for adlib (solid) and for JAX (dashed) alike. The curves cross
# near $m/n \approx 1$ (printed above) — not exactly at 1, because one JVP pass and one backward sweep do not cost
# exactly the same ($c_\text{fwd} \ne c_\text{rev}$ above), and at small $m$ both libraries pay fixed
# per-call overheads. At large $m$ both grow faster than linearly: each of the $m$ sweeps costs $O(mn)$ itself,
# so reverse mode is $O(m^2 n)$ against forward mode's $O(m n^2)$. JAX is faster by a constant (compiled,
# vectorised over the basis vectors with `vmap`) but obeys the **same** cost model.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A nonlinear map and a scalar output / Нелинейное отображение и скалярный выход
#
# $\tanh(Ax)$ behaves like $Ax$: the pass counts are the same, only each pass is a little dearer (adlib only in the
# quick run; `ADLIB_FULL=1` adds JAX). The course's
# unused second experiment, the **scalar** output $\max_i (Ax)_i$, is the case of every loss function: $m = 1$
# whatever the size of $A$, so reverse mode needs **one** sweep while forward mode still needs $n$ passes.

# %% slideshow={"slide_type": "subslide"}
ms_small = np.unique(np.logspace(0, 4.5 if FULL else 3.3, 12 if FULL else 5).astype(int))
libraries = ("adlib", "jax") if FULL else ("adlib",)  # JAX compiles once per m (~0.2 s each): only in the full run
sweep["tanh"] = time_jacobians(ms_small, n=100, kind="tanh", libraries=libraries, repeat=repeat, budget=3.0)
sweep["max"] = time_jacobians(ms_small, n=100, kind="max", repeat=repeat, budget=3.0)

fig, axes = plt.subplots(1, 2, figsize=(11, 4.4))
plot_sweep(sweep["tanh"], axes[0], title=r"$f(x) = \tanh(Ax)$, n = 100")
plot_sweep(sweep["max"], axes[1], title=r"$f(x) = \max_i (Ax)_i$: one output, A has m rows", mark_crossover=False)
axes[1].set_xlabel("m / n  (rows of A / inputs; the output is a scalar)")
fig.tight_layout()
plt.show()
t = sweep["max"]["times"]
print("scalar output: jacrev / jacfwd time ratio per m  (< 1: reverse wins)")
for lib in ["adlib", "jax"]:
    print(f"  {lib:6}", np.round(t[f"{lib} jacrev"] / t[f"{lib} jacfwd"], 3))

# %% [markdown] slideshow={"slide_type": "fragment"}
# What to see: on the left the same crossing as for $Ax$. On the right, with one output, adlib's reverse mode is
# below its forward mode on the whole grid, by a factor approaching $n = 100$ (ratios printed above). Compiled JAX
# needs some tens of microseconds per call whatever it computes, so for small $A$ the gap between its two modes is
# mostly that overhead's noise; as $A$ grows, reverse pulls ahead. One output, one sweep: that is why training
# uses reverse mode.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## An arbitrary graph in the middle / Произвольный граф G посередине
#
# **Question (Рис. 26).** What if $J = \partial L / \partial w$ goes through an arbitrary graph $G$?
#
# **Answer.** In general it cannot be said without knowing the structure of $G$; there are approaches that mix
# forward and reverse mode depending on it.
#
# A concrete case: a **narrow waist**, $\mathbb R^{1000} \xrightarrow{g} \mathbb R^2 \xrightarrow{G}
# \mathbb R^2 \xrightarrow{h} \mathbb R^{1000}$. Both pure modes need 1000 passes. The chain rule
# $J = J_h \, J_G \, J_g$ lets each factor pick its own mode:
#
# | factor | shape | cheaper mode | passes |
# |---|---|---|---|
# | $J_g$ | $2 \times 1000$ | reverse | 2 sweeps |
# | $J_G$ | $2 \times 2$ | either | 2 |
# | $J_h$ | $1000 \times 2$ | forward | 2 JVPs |
#
# and the product $(1000\times2)(2\times2)(2\times1000)$ costs $4 \cdot 10^6$ flops.

# %% slideshow={"slide_type": "subslide"}
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


# the mixed strategy written out: reverse through the wide-to-narrow side, forward through the narrow-to-wide side
u0 = g(x0)
v0 = G(u0)
J_g = adlib.jacrev(g)(x0)  # 2 backward sweeps
J_G = adlib.jacfwd(G)(u0)  # 2 forward passes
J_h = adlib.jacfwd(h)(v0)  # 2 forward passes
J_mixed = J_h @ J_G @ J_g
print(f"J_h {J_h.shape} · J_G {J_G.shape} · J_g {J_g.shape} = J {J_mixed.shape}")

J_fwd = adlib.jacfwd(f)(x0)
np.testing.assert_allclose(J_mixed, J_fwd, rtol=1e-10, atol=1e-13)
np.testing.assert_allclose(jac_chain([g, G, h], x0), J_fwd, rtol=1e-10, atol=1e-13)  # the same, automated
print("mixed-mode J == jacfwd J to 1e-10; jac_chain picks the modes:", jac_chain([g, G, h], x0, return_info=True)[1])

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
    "adlib": {k: median_time(fn, repeat=3, best=True) for k, fn in adlib_fns.items()},
    "jax": {k: median_time(lambda fn=fn: fn(x0).block_until_ready(), repeat=5, best=True) for k, fn in jax_fns.items()},
}
print(f"{'R^1000 -> R^2 -> R^2 -> R^1000':<32}{'jacfwd':>12}{'jacrev':>12}{'mixed':>12}{'best pure / mixed':>20}")
for lib, t in narrow_times.items():
    best_pure = min(t["jacfwd"], t["jacrev"])
    print(f"{lib:<32}" + "".join(f"{t[k] * 1e3:>9.3f} ms" for k in ["jacfwd", "jacrev", "mixed"])
          + f"{best_pure / t['mixed']:>19.1f}×")

# %% [markdown] slideshow={"slide_type": "fragment"}
# What to see: the mixed Jacobian is the fastest of the three in both libraries (the last column: best pure mode
# divided by mixed). In adlib it makes 6 passes instead of 1000; what remains is mostly writing the $10^6$ entries
# of $J$. In JAX, compiled and vectorised with `vmap`, the pure modes are already fast, and mixing still wins.
# Bonus: the factors are the Jacobian in *factored* form — $J$ has rank ≤ 2, and $J_h, J_G, J_g$ hold $4004$
# numbers instead of $10^6$.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Try it: who wins for your n and m? / Попробуйте: кто побеждает при ваших n и m?
#
# `compare_modes(n, m, kind)` (a pure function in `adlib.jacobian`) counts the passes of `adlib.jacfwd` and
# `adlib.jacrev`, times them, and says who wins by how much; the widget only calls it. The bar heights are times,
# the labels are the pass counts.


# %% slideshow={"slide_type": "subslide"}
def show_modes(n=100, m=300, kind="linear"):
    result = compare_modes(n, m, kind=kind, repeat=3)
    t, c = result["times"], result["counts"]
    fig, ax = plt.subplots(figsize=(6, 2.6))
    bars = ax.barh(["jacfwd (forward)", "jacrev (reverse)"], [t["fwd"] * 1e3, t["rev"] * 1e3],
                   color=["tab:blue", "tab:orange"])
    ax.bar_label(bars, [f"{c['fwd']['jvps']} JVPs", f"1 forward + {c['rev']['vjps']} VJPs"], padding=3)
    ax.set_xlabel("time per Jacobian, ms")
    ax.set_xlim(0, 1.45 * max(t.values()) * 1e3)
    ax.set_title(f"n = {n}, outputs = {result['out_size']}: "
                 f"{'forward' if result['winner'] == 'fwd' else 'reverse'} wins, {result['speedup']:.1f}×")
    fig.tight_layout()
    plt.show()
    print(result["text"])
    print(f"the pass counts predict: {'forward' if result['predicted'] == 'fwd' else 'reverse'}")


slider = dict(min=1, max=1000, step=1, continuous_update=False)
display(widgets.interactive(
    show_modes,
    n=widgets.IntSlider(value=100, description="n (inputs)", **slider),
    m=widgets.IntSlider(value=300, description="m (rows of A)", **slider),
    kind=widgets.Dropdown(options=["linear", "tanh", "max"], value="linear", description="f"),
))

# %% [markdown] slideshow={"slide_type": "fragment"}
# The same function without the widget (what the slide shows in a static export):

# %% slideshow={"slide_type": "fragment"}
for n_, m_ in [(100, 10), (10, 100)]:
    print(compare_modes(n_, m_)["text"])

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary / Итоги
#
# * `jacfwd` = $n$ JVPs, `jacrev` = 1 forward pass + $m$ VJPs — counted, not assumed.
# * Time follows the counts: the curves cross near $m/n \approx 1$, for adlib and for compiled JAX alike
#   (compile time excluded); for a scalar output reverse mode wins everywhere.
# * Through a narrow waist neither pure mode is right: cut the chain rule there and give each side its own
#   mode (`adlib.jacobian.jac_chain`).
