# ---
# jupyter:
#   course:
#     summary: Hessian-vector products three ways; an MLP's Hessian spectrum
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
# # Hessian-vector products and the Hessian spectrum / Произведение Гессиана на вектор без вычисления самого Гессиана
#
# For $f:\mathbb R^n \to \mathbb R$ the Hessian $\nabla^2 f(x)$ has $n^2$ entries: for a network with a million
# weights that is $10^{12}$ numbers. But most of what we want from curvature — the largest eigenvalues, the
# spectral density, a Newton step, the trace — only needs products $\nabla^2 f(x)\,v$, and those cost a few
# gradients:
#
# $$\nabla^2 f(x)\, v = \nabla_x\bigl[\, \nabla f(x)^\top v \,\bigr].$$
#
# This notebook: the identity in code (three ways to nest the two modes), what an HVP costs as $n$ grows, the
# Hessian eigenvalue density of a small network before and after training (the lecture's Рис. 28), and a
# Newton method that never forms a Hessian.

# %% [markdown] slideshow={"slide_type": "skip"} tags=["colab"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/adlib-course/adlib-course/blob/v0.1.0/notebooks/08_hvp.ipynb)
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
import time

# One BLAS thread (before NumPy loads; set the variable yourself to override): the matrices here are small, and
# on a shared 2-core machine (CI, Colab) extra BLAS threads mostly wait for each other.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import matplotlib.pyplot as plt
import numpy as np

import adlib
import adlib.numpy as anp
from adlib import curvature

np.set_printoptions(precision=4, suppress=False)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The identity in code / Произведение Гессиана на вектор
#
# $v$ does not depend on $x$, so $\nabla^2 f(x)\,v = \nabla_x [\nabla f(x)^\top v]$: the gradient of the scalar
# function $x \mapsto \nabla f(x)^\top v$. The slide's JAX code, with `adlib` in place of `jax`:

# %% slideshow={"slide_type": "fragment"}
def hvp_slide(f, x, v):
    return adlib.grad(lambda x: anp.vdot(adlib.grad(f)(x), v))(x)


# %% [markdown] slideshow={"slide_type": "fragment"}
# That is **reverse-over-reverse**. The two modes nest in two more ways (`adlib.curvature` has all three):
#
# | nesting | code | reads as |
# |---|---|---|
# | forward-over-reverse | `jvp(grad(f), (x,), (v,))[1]` | the directional derivative of the gradient along $v$ |
# | reverse-over-reverse | `grad(lambda x: vdot(grad(f)(x), v))(x)` | the gradient of $\nabla f^\top v$ (the slide) |
# | reverse-over-forward | `grad(lambda x: jvp(f, (x,), (v,))[1])(x)` | the gradient of the directional derivative $\partial_v f$ |
#
# Forward-over-reverse is the recommended one (JAX's cookbook, `adlib.hvp`): the outer forward mode just
# carries a tangent along the gradient computation, so no second tape of the backward sweep is recorded.

# %% [markdown] slideshow={"slide_type": "subslide"}
# A test function: a small network-like $f(x) = \sum \tanh(Ax)^2 + \log(1 + \|x\|^2)$. Its dense Hessian
# (`adlib.hessian`, $n$ forward passes over a reverse pass) against the three nestings and the slide's code:

# %% slideshow={"slide_type": "fragment"}
rng = np.random.default_rng(0)
n = 6
A = rng.standard_normal((n, n)) / np.sqrt(n)


def f(x):
    return anp.sum(anp.tanh(A @ x) ** 2) + anp.log(1.0 + anp.sum(x**2))


x, v = rng.standard_normal(n), rng.standard_normal(n)
H = adlib.hessian(f)(x)
print("H v (dense)          ", H @ v)
print("slide's hvp          ", hvp_slide(f, x, v))
for name, hvp in curvature.HVP_METHODS.items():
    print(f"{name:21}", hvp(f, x, v))
    np.testing.assert_allclose(hvp(f, x, v), H @ v, rtol=1e-12, atol=1e-14)
np.testing.assert_allclose(hvp_slide(f, x, v), H @ v, rtol=1e-12, atol=1e-14)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Cross-check with JAX / Проверка с помощью JAX
#
# The same three nestings in JAX (float64), and `jax.hessian`; all must agree with `adlib` to $10^{-8}$ (they
# agree to rounding).

# %% slideshow={"slide_type": "fragment"}
import jax

jax.config.update("jax_enable_x64", True)  # before the first JAX array
import jax.numpy as jnp


def f_jax(x):
    return jnp.sum(jnp.tanh(A @ x) ** 2) + jnp.log(1.0 + jnp.sum(x**2))


jax_hvps = {
    "forward-over-reverse": lambda x, v: jax.jvp(jax.grad(f_jax), (x,), (v,))[1],
    "reverse-over-reverse": lambda x, v: jax.grad(lambda x: jnp.vdot(jax.grad(f_jax)(x), v))(x),
    "reverse-over-forward": lambda x, v: jax.grad(lambda x: jax.jvp(f_jax, (x,), (v,))[1])(x),
}
H_jax = np.asarray(jax.hessian(f_jax)(x))
np.testing.assert_allclose(H, H_jax, rtol=1e-10, atol=1e-12)
worst = 0.0
for seed in range(5):
    r = np.random.default_rng(100 + seed)
    xs, vs = r.standard_normal(n), r.standard_normal(n)
    for name, hvp in curvature.HVP_METHODS.items():
        ours, theirs = hvp(f, xs, vs), np.asarray(jax_hvps[name](xs, vs))
        np.testing.assert_allclose(ours, theirs, rtol=1e-8, atol=1e-10)
        worst = max(worst, np.max(np.abs(ours - theirs)))
print(f"3 nestings × 5 random (x, v): adlib == JAX, largest difference {worst:.1e}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What an HVP costs / Стоимость HVP
#
# A softplus layer $f(x) = \mathbf 1^\top \log(1 + e^{Ax}) + \tfrac12\|x\|^2$ with $A \in \mathbb R^{n\times n}$:
# one gradient costs $O(n^2)$. An HVP should be a small constant times that, **whatever $n$**; the dense
# Hessian (`jacfwd(grad(f))`, i.e. $n$ HVPs) costs $n$ times more. Best-of-5 wall-clock times (they vary from
# machine to machine; the ratios are what to look at).

# %% slideshow={"slide_type": "skip"}
def best_time(fn, repeat=5):
    """Best wall-clock time of ``fn()`` over ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def softplus_problem(n, seed=0):
    r = np.random.default_rng(seed)
    A = r.standard_normal((n, n)) / np.sqrt(n)

    def f(x):
        z = A @ x
        return anp.sum(anp.logsumexp(anp.stack([anp.zeros_like(z), z]), axis=0)) + 0.5 * anp.sum(x**2)

    return f, r.standard_normal(n), r.standard_normal(n)


# %% slideshow={"slide_type": "subslide"}
def time_everything(n):
    """Times of one gradient, one HVP of each nesting and (n ≤ 256) the dense Hessian, in seconds."""
    f_n, x_n, v_n = softplus_problem(n)
    row = {"n": n, "grad": best_time(lambda: adlib.grad(f_n)(x_n))}
    for name, hvp in curvature.HVP_METHODS.items():
        row[name] = best_time(lambda hvp=hvp: hvp(f_n, x_n, v_n))
    row["hessian"] = best_time(lambda: adlib.jacfwd(adlib.grad(f_n))(x_n), repeat=1) if n <= 256 else np.nan
    return row


rows = [time_everything(n) for n in [16, 64, 256, 1024, 2048]]

print(f"{'n':>6} {'grad':>9} | {'HVP / grad':^38} | {'Hessian / grad':>14}")
print(f"{'':>6} {'[ms]':>9} | {'fwd-over-rev':>12} {'rev-over-rev':>12} {'rev-over-fwd':>12} |")
for row in rows:
    ratios = [row[name] / row["grad"] for name in curvature.HVP_METHODS]
    hess = f"{row['hessian'] / row['grad']:14.0f}" if np.isfinite(row["hessian"]) else f"{'(skipped)':>14}"
    print(f"{row['n']:6d} {1e3 * row['grad']:9.3f} | {ratios[0]:12.2f} {ratios[1]:12.2f} {ratios[2]:12.2f} |{hess}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Read the table: for large $n$ (where NumPy's matmuls dominate, not Python's bookkeeping) each HVP costs a
# small constant number of gradients — the theory says about 2–4 — and that constant does not grow with $n$.
# The dense Hessian costs about $n$ gradient-sized passes, so it becomes hopeless long before $n = 10^6$.

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(6.6, 4.2))
ns = np.array([row["n"] for row in rows])
ax.loglog(ns, [row["grad"] for row in rows], "o-", color="k", label="gradient")
for name, marker in zip(curvature.HVP_METHODS, "s^v"):
    ax.loglog(ns, [row[name] for row in rows], marker + "-", label=f"HVP, {name}")
hess = np.array([row["hessian"] for row in rows])
ax.loglog(ns[np.isfinite(hess)], hess[np.isfinite(hess)], "D-", color="tab:red", label="dense Hessian (n HVPs)")
ax.set_xlabel("dimension n")
ax.set_ylabel("time [s] (best of 5)")
ax.set_title("An HVP costs a few gradients; the Hessian costs n of them")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The Hessian spectrum of a network / Спектр Гессиана нейронной сети
#
# Рис. 28 of the lecture (Ghorbani, Krishnan, Xiao 2019): for ResNet-32 the Hessian of the loss has large
# **negative** eigenvalues at initialisation, and they disappear during training. The tool is **stochastic
# Lanczos quadrature** (SLQ): Lanczos with HVPs from a random probe $v$ gives a small tridiagonal $T$; its
# eigenvalues $\theta_j$ and the squared first components $\tau_j^2$ of its eigenvectors are a quadrature rule
# for the spectral measure, $v^\top g(H) v \approx \sum_j \tau_j^2\, g(\theta_j)$. Smoothed with a Gaussian
# kernel, that is the eigenvalue density — from about 80 HVPs per probe, whatever the number of weights.
#
# We reproduce the phenomenon on a network small enough that the dense Hessian can check every number: a
# 2 → 12 → 12 → 1 tanh MLP (205 weights) on a seeded two-spirals dataset, logistic loss.

# %% slideshow={"slide_type": "subslide"}
problem = curvature.mlp_problem(seed=0)
w_init = problem.w0
w_trained, losses = problem.fit(w_init, steps=1500, lr=0.2, momentum=0.9)
print(f"{w_init.size} weights, {len(problem.y)} training points")
print(f"initialisation: loss {problem.loss(w_init):.4f}, accuracy {problem.accuracy(w_init):.2f}")
print(f"after 1500 steps of gradient descent with momentum: loss {problem.loss(w_trained):.4f}, "
      f"accuracy {problem.accuracy(w_trained):.2f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The Hessian only as an HVP operator; the dense Hessian (205 HVPs, fine at this size) only to check.

# %% slideshow={"slide_type": "fragment"}
SLQ_STEPS, SLQ_PROBES = 80, 3
spectra = {}
for label, w in [("initialisation", w_init), ("after training", w_trained)]:
    H_op = curvature.hvp_operator(problem.loss, w)  # v ↦ ∇²L(w) v, forward-over-reverse
    nodes, weights = curvature.slq(H_op, None, np.random.default_rng(1), num_steps=SLQ_STEPS, num_probes=SLQ_PROBES)
    slq_hvps = H_op.calls
    ritz = curvature.lanczos_eigenvalues(H_op, None, 40, np.random.default_rng(2))
    top = curvature.power_iteration(H_op, None, np.random.default_rng(3), k=1, num_iters=2000, tol=1e-12)
    H_dense = np.column_stack([H_op(e) for e in np.eye(w.size)])
    exact = np.linalg.eigvalsh((H_dense + H_dense.T) / 2)
    np.testing.assert_allclose(H_dense, H_dense.T, atol=1e-10)  # a Hessian is symmetric
    scale = np.max(np.abs(exact))  # extreme Ritz values agree with the dense ones to 1e-5 of the spectrum's scale
    np.testing.assert_allclose([ritz[0], ritz[-1]], [exact[0], exact[-1]], rtol=0, atol=1e-5 * scale)
    np.testing.assert_allclose(abs(top.eigenvalues[0]), np.max(np.abs(exact)), rtol=1e-5)
    spectra[label] = dict(nodes=nodes, weights=weights, exact=exact, ritz=ritz, hvps=slq_hvps)
    print(f"{label:15} SLQ: {slq_hvps} HVPs | Lanczos (40 HVPs): λ_min = {ritz[0]: .5f}, λ_max = {ritz[-1]: .5f}"
          f" | dense: λ_min = {exact[0]: .5f}, λ_max = {exact[-1]: .5f} | power iteration: "
          f"|λ|_max = {abs(top.eigenvalues[0]):.5f} ({top.matvecs} HVPs)")

# %% slideshow={"slide_type": "subslide"}
print(f"{'':15} {'λ_min/λ_max':>12} {'negative share of Σ|λ| (dense)':>32} {'(SLQ)':>8}")
for label, s in spectra.items():
    lam, nodes, wts = s["exact"], s["nodes"], s["weights"]
    neg_dense = np.sum(np.abs(lam[lam < 0])) / np.sum(np.abs(lam))
    neg_slq = np.sum(wts[nodes < 0] * np.abs(nodes[nodes < 0])) / np.sum(wts * np.abs(nodes))
    s["neg_share"] = neg_dense
    print(f"{label:15} {lam[0] / lam[-1]:12.2e} {neg_dense:32.3f} {neg_slq:8.3f}")
assert spectra["after training"]["neg_share"] < spectra["initialisation"]["neg_share"]

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
for ax, (label, s) in zip(axes, spectra.items()):
    # both measures smoothed with the same Gaussian kernel: curvature.spectral_density(nodes, weights, grid, sigma)
    curvature.plot_spectral_density(ax, s["exact"], s["nodes"], s["weights"], s["hvps"])
    ax.set_title(f"{label}: λ_min = {s['exact'][0]:.3g}, λ_max = {s['exact'][-1]:.3g}")
fig.suptitle("Hessian eigenvalue density of the MLP's loss (SLQ, Gaussian kernel)")
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# What to see: at initialisation the density has a sizeable negative tail (saddle-like curvature, comparable in
# size to the positive part); after training the negative eigenvalues have shrunk by orders of magnitude and the
# spectrum is a spike at 0 with a few positive outliers — Рис. 28 in miniature. The SLQ curve (a few hundred
# HVPs) lies on the dense one, including the extreme eigenvalues, which Lanczos finds first.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Newton without the Hessian / Метод Ньютона без Гессиана
#
# A Newton step solves $\nabla^2 f(x)\, p = -\nabla f(x)$. Conjugate gradients solve a symmetric positive
# definite system touching the matrix only through products $p \mapsto \nabla^2 f(x)\,p$ — so an HVP is all
# Newton needs ("Hessian-free" or truncated Newton). On L2-regularised logistic regression (convex, 50 weights,
# 2000 points):

# %% slideshow={"slide_type": "fragment"}
r = np.random.default_rng(4)
X = r.standard_normal((2000, 50))
y = np.sign(X @ r.standard_normal(50) + r.standard_normal(2000))


def logistic_loss(w):
    m = y * (X @ w)
    return anp.mean(anp.logsumexp(anp.stack([anp.zeros_like(m), -m]), axis=0)) + 1e-3 * anp.sum(w**2)


result = curvature.newton_cg(logistic_loss, np.zeros(50), tol=1e-10)
print(f"{'iteration':>9} {'loss':>20} {'‖∇L‖':>10} {'HVPs so far':>12}")
for k, (loss, gn, h) in enumerate(zip(result.losses, result.grad_norms, result.hvps)):
    print(f"{k:9d} {loss:20.15f} {gn:10.2e} {h:12d}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The gradient norm squares at every step near the end (quadratic convergence) after a few dozen HVPs. The same
# problem with plain gradient descent (step $1/L$, $L$ from power iteration on the HVP) for comparison, and
# SciPy's Newton-CG (given our gradient and HVP) as a cross-check of the optimum:

# %% slideshow={"slide_type": "fragment"}
from scipy.optimize import minimize

H0 = curvature.hvp_operator(logistic_loss, np.zeros(50))
L_smooth = curvature.power_iteration(H0, None, np.random.default_rng(5), num_iters=300, tol=1e-8).eigenvalues[0]
grad_L = adlib.grad(logistic_loss)
w_gd, gd_norms = np.zeros(50), []
for _ in range(200):
    g = grad_L(w_gd)
    gd_norms.append(np.linalg.norm(g))
    w_gd = w_gd - g / L_smooth

scipy_result = minimize(logistic_loss, np.zeros(50), jac=grad_L, method="Newton-CG",
                        hessp=lambda w, p: curvature.hvp_forward_over_reverse(logistic_loss, w, p),
                        options={"xtol": 1e-12})
np.testing.assert_allclose(result.x, scipy_result.x, rtol=0, atol=1e-5)  # SciPy stops at its own, looser tolerance
assert logistic_loss(result.x) <= logistic_loss(scipy_result.x) + 1e-15
print(f"‖w_ours − w_scipy‖ = {np.linalg.norm(result.x - scipy_result.x):.1e} (SciPy's ‖∇L‖ = "
      f"{np.linalg.norm(grad_L(scipy_result.x)):.1e}, ours {result.grad_norms[-1]:.1e}); "
      f"gradient descent after 200 steps: ‖∇L‖ = {gd_norms[-1]:.1e}")

fig, ax = plt.subplots(figsize=(6.4, 3.8))
ax.semilogy(result.hvps[: len(result.grad_norms)], result.grad_norms, "o-", label="Newton-CG (x: HVPs spent)")
ax.semilogy(np.arange(len(gd_norms)), gd_norms, "-", label="gradient descent (x: gradients spent)")
ax.set_xlabel("matrix-free products spent (HVPs for Newton-CG, gradients for GD)")
ax.set_ylabel("‖∇L(w)‖")
ax.set_title("Hessian-free Newton-CG on logistic regression")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# What to see: gradient descent crawls linearly; Newton-CG reaches $\|\nabla L\| < 10^{-10}$ after a few dozen
# HVPs — and never held a $50 \times 50$ matrix (it would equally work with $50$ million weights).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary / Итоги
#
# * $\nabla^2 f(x) v = \nabla[\nabla f(x)^\top v]$: three nestings of the two modes, all equal (to rounding,
#   and to JAX); forward-over-reverse is the recommended one.
# * An HVP costs a few gradients, independently of $n$; the dense Hessian costs $n$ of them.
# * Lanczos + HVPs give the extreme eigenvalues and (SLQ) the whole eigenvalue density: the negative curvature
#   of a network at initialisation fades with training (Рис. 28).
# * Newton's method needs only HVPs: CG solves the Newton system matrix-free.
