# ---
# jupyter:
#   course:
#     summary: Hutchinson's trace estimator, Hutch++, an MLP Hessian's trace
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
# # Hutchinson's trace estimator and Hutch++ / Идея Хатчинсона для оценки следа матрицы
#
# The trace of a Hessian $\operatorname{tr} \nabla^2 L = \sum_i \partial^2 L / \partial w_i^2$ (total curvature,
# used in pruning, quantisation, sharpness measures, second-order optimisers) without the Hessian: only
# Hessian-vector products. This notebook: the estimator from the slide, its variance for three kinds of random
# probes (measured against the formulas), Hutch++ — which needs $O(1/\varepsilon)$ products where Hutchinson
# needs $O(1/\varepsilon^2)$ — and the trace of a small network's loss Hessian (the lecture's Рис. 29).
#
# Set the environment variable `ADLIB_FULL=1` for more trials and larger budgets in the error-vs-budget
# experiment (slower; the default run takes a few seconds).

# %% [markdown] slideshow={"slide_type": "skip"} tags=["colab"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/adlib-course/adlib-course/blob/v0.1.0/notebooks/09_hutchinson.ipynb)
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

# One BLAS thread (before NumPy loads; set the variable yourself to override): the matrices here are small, and
# on a shared 2-core machine (CI, Colab) extra BLAS threads mostly wait for each other.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

from adlib import curvature

FULL = os.environ.get("ADLIB_FULL") == "1"
np.set_printoptions(precision=4)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The estimator / Оценка Хатчинсона
#
# For a random vector $v$ with $\mathbb E[v v^\top] = I$,
#
# $$\mathbb E[v^\top X v] = \mathbb E[\operatorname{tr}(X v v^\top)] = \operatorname{tr}(X\, \mathbb E[v v^\top])
#   = \operatorname{tr} X, \qquad\text{so}\qquad \operatorname{tr} X \approx \frac1V \sum_{i=1}^V v_i^\top X v_i .$$
#
# Each term needs one product $X v_i$ — for a Hessian, one HVP. The slide's estimator, in three lines:

# %% slideshow={"slide_type": "fragment"}
def hutchinson_slide(matvec, n, V, rng):
    vs = rng.choice([-1.0, 1.0], size=(V, n))  # Rademacher probes: E[v vᵀ] = I
    return np.mean([v @ matvec(v) for v in vs])


rng = np.random.default_rng(0)
B = rng.standard_normal((50, 50))
X = (B + B.T) / 2 + np.diag(rng.uniform(1, 4, 50))  # symmetric, with a heavy diagonal
for V in [1, 10, 100, 1000]:
    print(f"V = {V:5d}: estimate {hutchinson_slide(lambda v: X @ v, 50, V, rng):9.3f}   exact tr X = {np.trace(X):.3f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Which probes? Variance / Дисперсия оценки
#
# All three probes below have $\mathbb E[vv^\top] = I$, so all are unbiased; they differ in the variance of a
# single term $v^\top X v$ (symmetric $X$):
#
# | probe | $v$ | $\operatorname{Var}(v^\top X v)$ |
# |---|---|---|
# | Rademacher | $\pm 1$ entries | $2\bigl(\|X\|_F^2 - \sum_i X_{ii}^2\bigr)$ — the diagonal is seen exactly |
# | Gaussian | $\mathcal N(0, I)$ | $2\|X\|_F^2$ |
# | sphere | uniform on $\|v\| = \sqrt n$ | $\frac{2n}{n+2}\bigl(\|X\|_F^2 - (\operatorname{tr} X)^2/n\bigr)$ — a multiple of $I$ is seen exactly |
#
# Measured with 20 000 probes of each kind; the tolerance is the sampling error of a sample variance,
# $\sqrt{(\mu_4 - \sigma^4)/N}$, estimated from the same samples.

# %% slideshow={"slide_type": "subslide"}
N = 20_000
samples = {}
print(f"{'probe':>11} {'measured var':>13} {'formula':>10} {'std. error':>11} {'z':>6}")
for k, probe in enumerate(curvature.PROBES):
    s = curvature.hutchinson_samples(X, None, N, np.random.default_rng(10 + k), probe)
    samples[probe] = s
    measured, theory = s.var(ddof=1), curvature.hutchinson_variance(X, probe)
    se = np.sqrt((np.mean((s - s.mean()) ** 4) - measured**2) / N)
    z = (measured - theory) / se
    print(f"{probe:>11} {measured:13.2f} {theory:10.2f} {se:11.2f} {z:6.2f}")
    assert abs(z) < 4, f"{probe}: the measured variance is {z:.1f} standard errors off the formula"

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(6.6, 3.8))
bins = np.linspace(np.trace(X) - 250, np.trace(X) + 250, 80)
for probe, color in zip(curvature.PROBES, ["tab:blue", "tab:orange", "tab:green"]):
    sd = np.sqrt(curvature.hutchinson_variance(X, probe))
    ax.hist(samples[probe], bins=bins, histtype="step", lw=1.5, color=color, density=True,
            label=f"{probe}: std {sd:.1f} (formula)")
ax.axvline(np.trace(X), color="k", lw=1, label=f"tr X = {np.trace(X):.1f}")
ax.set_xlabel("single-probe estimate $v^T X v$")
ax.set_ylabel("density")
ax.set_title("One probe's estimate: same mean, different spread")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# What to see: all three histograms are centred on the trace; Rademacher's is the narrowest here because $X$
# has a heavy diagonal, which Rademacher probes see without error. Averaging $V$ probes divides the variance by
# $V$: the error falls like $1/\sqrt V$ — to gain one digit, a hundred times more HVPs.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Hutch++ / Hutch++: след по низкоранговой части точно
#
# The variance $\approx 2\|X\|_F^2$ is dominated by the large eigenvalues. Hutch++ (Meyer, Musco, Musco, Woodruff
# 2021) removes them first: with a budget of $m$ matvecs,
#
# 1. sketch $Q = \operatorname{orth}(X S)$ for $m/3$ random probes $S$ — it spans (about) the top eigenvectors;
# 2. trace that part exactly: $\operatorname{tr}(Q^\top X Q)$ ($m/3$ more matvecs);
# 3. Hutchinson on what is left, $(I - QQ^\top) X (I - QQ^\top)$, with the last $m/3$ probes.
#
# In code (the same draws as `curvature.hutchpp`, which also checks its input):

# %% slideshow={"slide_type": "fragment"}
def hutchpp_slide(X, m, rng):
    n, k = X.shape[0], m // 3
    Q, _ = np.linalg.qr(X @ rng.choice([-1.0, 1.0], size=(n, k)))  # 1. the top eigenspace, roughly
    G = rng.choice([-1.0, 1.0], size=(n, m - 2 * k))
    G = G - Q @ (Q.T @ G)  # 3. probes with the sketched part projected out
    return np.trace(Q.T @ X @ Q) + np.mean(np.sum(G * (X @ G), axis=0))  # 2. + 3.


np.testing.assert_allclose(hutchpp_slide(X, 30, np.random.default_rng(1)),
                           curvature.hutchpp(X, None, 30, np.random.default_rng(1)), rtol=1e-12)
print(f"Hutch++ with 30 matvecs: {hutchpp_slide(X, 30, np.random.default_rng(1)):.3f}  (tr X = {np.trace(X):.3f})")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Error against the number of matvecs / Ошибка в зависимости от числа умножений
#
# Three $1000 \times 1000$ matrices $U \operatorname{diag}(\lambda) U^\top$ (random orthogonal $U$) with a flat
# spectrum ($\lambda_i$ evenly in $[1, 2]$), a polynomially decaying one ($\lambda_i = 1/i$) and an exponentially
# decaying one ($\lambda_i = e^{-i/20}$). Root-mean-square relative error over independent trials, and the
# least-squares slope of $\log(\text{error})$ against $\log(\text{matvecs})$. (Hutchinson's estimates
# at the different budgets of one trial are running means of one probe sequence, as in Рис. 29.)

# %% slideshow={"slide_type": "subslide"}
budgets = [6, 12, 24, 48, 96, 192, 384] + ([768] if FULL else [])
trials = 50 if FULL else 12
rng = np.random.default_rng(2)
errors, slopes = {}, {}
for kind in curvature.SPECTRA:
    A = curvature.spectrum_matrix(1000, kind, rng)
    errors[kind] = curvature.trace_errors(A, budgets, trials, rng)
    slopes[kind] = {method: curvature.loglog_slope(budgets, e) for method, e in errors[kind].items()}

print(f"{'spectrum':>12} {'slope Hutchinson':>17} {'slope Hutch++':>14}   relative error at m = {budgets[-1]}:"
      f" Hutchinson / Hutch++")
for kind in curvature.SPECTRA:
    e = errors[kind]
    print(f"{kind:>12} {slopes[kind]['hutchinson']:17.2f} {slopes[kind]['hutch++']:14.2f}   "
          f"{e['hutchinson'][-1]:.2e} / {e['hutch++'][-1]:.2e}")
for kind in ["polynomial", "exponential"]:  # the claim of Hutch++, checked on the decaying spectra
    assert slopes[kind]["hutch++"] < slopes[kind]["hutchinson"] - 0.3
    assert errors[kind]["hutch++"][-1] < errors[kind]["hutchinson"][-1] / 3

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 3, figsize=(12, 3.8), sharey=True)
for ax, kind in zip(axes, curvature.SPECTRA):  # log-log, each method's fitted slope, references m^-1/2 and m^-1
    curvature.plot_trace_errors(ax, budgets, errors[kind])
    ax.set_title(f"{kind} spectrum, n = 1000")
axes[0].set_ylabel(f"RMS relative error ({trials} trials)")
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# What to see: Hutchinson's error falls like $m^{-1/2}$ whatever the spectrum. On the flat spectrum Hutch++ has
# nothing to gain (there is no dominant part) and loses a little: two thirds of its budget go to the sketch. On
# decaying spectra its error falls like $m^{-1}$ (polynomial $1/i$: exactly the theory's rate) or faster
# (exponential: once the sketch holds the whole effective rank, the rest is tiny) — and from a few dozen
# matvecs on, a lower error at equal budget (at m = 384: several times lower on $1/i$, hundreds of times on
# $e^{-i/20}$).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The trace of a network's Hessian / След Гессиана нейронной сети
#
# Рис. 29 (from BackPACK's example) estimates the trace of an MLP's loss Hessian with $V$ from 10 to 1000
# Rademacher probes and compares it with the exact trace. The same here on a small tanh MLP (2 → 12 → 12 → 1,
# 205 weights, logistic loss on a seeded two-spirals dataset); each probe costs one HVP, the exact trace comes from
# the 205 columns of the dense Hessian (HVPs with the unit vectors), checked against `jax.hessian`.

# %% slideshow={"slide_type": "subslide"}
import jax

jax.config.update("jax_enable_x64", True)  # before the first JAX array
import jax.numpy as jnp

problem = curvature.mlp_problem(seed=0)
w = problem.w0
H_op = curvature.hvp_operator(problem.loss, w)  # v ↦ ∇²L(w) v, forward-over-reverse
H = np.column_stack([H_op(e) for e in np.eye(w.size)])
exact_trace = np.trace(H)


def loss_jax(w):
    v, start = jnp.asarray(problem.X), 0
    sizes = problem.sizes
    for i, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        W = w[start : start + d_in * d_out].reshape(d_in, d_out)
        b = w[start + d_in * d_out : start + d_in * d_out + d_out]
        start += d_in * d_out + d_out
        v = v @ W + b
        if i < len(sizes) - 2:
            v = jnp.tanh(v)
    return jnp.mean(jnp.logaddexp(0.0, -problem.y * v.reshape(-1)))


H_jax = np.asarray(jax.jit(jax.hessian(loss_jax))(w))
np.testing.assert_allclose(H, H_jax, rtol=1e-8, atol=1e-12)
np.testing.assert_allclose(exact_trace, np.trace(H_jax), rtol=1e-10)
print(f"{w.size} weights; exact tr ∇²L = {exact_trace:.6f} (adlib) = {np.trace(H_jax):.6f} (JAX)")

# %% slideshow={"slide_type": "subslide"}
H_op.calls = 0
V_max = 1000
single = curvature.hutchinson_samples(H_op, None, V_max, np.random.default_rng(3), "rademacher")  # 1000 HVPs
V = np.arange(1, V_max + 1)
running = np.cumsum(single) / V
sd = np.sqrt(curvature.hutchinson_variance(H, "rademacher"))
pp_budgets = [15, 45, 150, 300]
pp = [curvature.hutchpp(H_op, None, m_, np.random.default_rng(4 + i)) for i, m_ in enumerate(pp_budgets)]
print(f"HVPs used: {H_op.calls} ({V_max} Hutchinson + {sum(pp_budgets)} Hutch++)")
for v_ in [10, 100, 1000]:
    print(f"Hutchinson, V = {v_:4d}: {running[v_ - 1]:.5f}  (error {abs(running[v_ - 1] - exact_trace):.1e}, "
          f"expected ±{sd / np.sqrt(v_):.1e})")
for m_, est in zip(pp_budgets, pp):
    print(f"Hutch++,    m = {m_:4d}: {est:.5f}  (error {abs(est - exact_trace):.1e})")
assert abs(running[-1] - exact_trace) < 4 * sd / np.sqrt(V_max)

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(6.8, 4.0))
ax.semilogx(V[9:], running[9:], color="tab:blue", label="Hutchinson (Rademacher), running mean over V probes")
ax.fill_between(V[9:], exact_trace - 2 * sd / np.sqrt(V[9:]), exact_trace + 2 * sd / np.sqrt(V[9:]),
                color="tab:blue", alpha=0.15, label=r"exact $\pm 2\sigma/\sqrt{V}$ (variance formula)")
ax.semilogx(pp_budgets, pp, "s", color="tab:red", label="Hutch++ with m HVPs")
ax.axhline(exact_trace, color="k", lw=1, label=f"exact trace {exact_trace:.4f}")
ax.set_xlabel("number of HVPs (V probes, or m for Hutch++)")
ax.set_ylabel(r"estimate of tr $\nabla^2 L$")
ax.set_title("Trace of the MLP's loss Hessian from HVPs (cf. Рис. 29)")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# What to see: the running Hutchinson estimate wanders inside the $\pm 2\sigma/\sqrt V$ funnel around the exact
# trace and settles slowly; Hutch++ with a few hundred HVPs is already closer, because this Hessian — like most
# network Hessians — has a few large eigenvalues and a bulk near zero (notebook 08).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Try it: probe and budget / Попробуйте: тип проб и бюджет
#
# 300 independent estimates of $\operatorname{tr} \nabla^2 L$ for the chosen probe type and budget $m$,
# Hutchinson against Hutch++. (The widget multiplies by the dense Hessian computed above, so that it reacts
# instantly; the estimators only ever call its matvec.) `trace_estimate_figure` computes and draws; the widget
# only wires the controls to it.

# %% slideshow={"slide_type": "subslide"}
def trace_estimate_figure(probe="rademacher", budget=90, trials=300, seed=0):
    """Histograms of ``trials`` Hutchinson and Hutch++ estimates of tr H with ``budget`` matvecs each."""
    rng = np.random.default_rng(seed)
    estimates = {method: curvature.trace_estimates(H, method, budget, trials, rng, probe)
                 for method in ("hutchinson", "hutch++")}
    fig, ax = plt.subplots(figsize=(6.6, 3.6))
    lo = min(e.min() for e in estimates.values())
    hi = max(e.max() for e in estimates.values())
    bins = np.linspace(lo, hi, 50)
    for (method, e), color in zip(estimates.items(), ["tab:blue", "tab:red"]):
        rmse = np.sqrt(np.mean((e - exact_trace) ** 2))
        ax.hist(e, bins=bins, alpha=0.5, color=color, label=f"{method}: RMS error {rmse:.2e}")
    ax.axvline(exact_trace, color="k", lw=1.2, label="exact trace")
    ax.set_xlabel(r"estimate of tr $\nabla^2 L$")
    ax.set_ylabel("count")
    ax.set_title(f"{trials} estimates, {probe} probes, budget m = {budget} matvecs")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig, estimates


fig, estimates = trace_estimate_figure()
plt.show()

# %% slideshow={"slide_type": "subslide"}
def show(probe, budget):
    trace_estimate_figure(probe, budget)
    plt.show()


display(widgets.interactive(
    show,
    probe=widgets.Dropdown(options=list(curvature.PROBES), value="rademacher", description="probe"),
    budget=widgets.IntSlider(value=90, min=3, max=300, step=3, description="budget m"),
))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary / Итоги
#
# * Hutchinson: $\operatorname{tr} X = \mathbb E[v^\top X v]$ for any $v$ with $\mathbb E[vv^\top] = I$ — only
#   matvecs, i.e. HVPs for a Hessian. The variances match the formulas: Rademacher $2(\|X\|_F^2 - \sum X_{ii}^2)$,
#   Gaussian $2\|X\|_F^2$, sphere $\frac{2n}{n+2}(\|X\|_F^2 - (\operatorname{tr}X)^2/n)$.
# * Error $\propto m^{-1/2}$: every extra digit costs 100× more HVPs.
# * Hutch++ traces a sketched top eigenspace exactly and uses Hutchinson only on the rest: error $\propto m^{-1}$
#   (or faster) on decaying spectra, like those of network Hessians.
