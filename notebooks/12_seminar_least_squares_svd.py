# ---
# jupyter:
#   course:
#     summary: 'Seminar: gradients through solve, least squares and the SVD'
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
# # Seminar: gradients through least squares and the SVD / Семинар: градиент через наименьшие квадраты и SVD
#
# The lecture's «Дополнительные материалы» ([11 — what AD is not](11_what_ad_is_not.ipynb)) point to this seminar.
# Two places where "differentiate the code line by line" is the wrong idea and a **derived rule** is the right
# one:
#
# * the linear solve $x = A^{-1}b$ and least squares $x^\star = \arg\min_x \|Ax - b\|^2$: derive
#   $\partial L/\partial A$ and $\partial L/\partial b$ once, instead of differentiating the elimination's
#   $O(n^2)$ row operations ($O(n^3)$ numbers on the tape);
# * the SVD $W = U\Sigma V^\top$: for a loss on the singular values, $\partial L/\partial W = U\,\mathrm{diag}
#   (\partial L/\partial\sigma)\,V^\top$; the nuclear norm $\|W\|_* = \mathrm{tr}\,\Sigma$ has gradient $UV^\top$.
#
# Each rule is a reverse-mode rule, a VJP ([05 — reverse mode](05_reverse_mode.ipynb)), written as a **custom
# rule** (`adlib.custom_vjp`, like `jax.custom_vjp`) and compared with the library primitives
# `anp.linalg.solve` / `anp.linalg.svdvals`, with unrolled differentiation, with JAX and with finite
# differences. Beyond the lecture, at the end: the singular vectors' rule, where the SVD rule breaks (repeated
# singular values), and a small application, low-rank matrix completion.

# %% [markdown] slideshow={"slide_type": "skip"} tags=["colab"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/adlib-course/adlib-course/blob/v0.1.0/notebooks/12_seminar_least_squares_svd.ipynb)
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
import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np

jax.config.update("jax_enable_x64", True)  # before any JAX array exists

import adlib
import adlib.numpy as anp
from adlib.course import exercises, projector
from adlib.course.claims import claim
from adlib.course.i18n import Labels, plural_ru, tr
from adlib.course.measure import loglog_slope, tape_size
from adlib.testing import check_grads

projector.use()
np.set_printoptions(precision=4, suppress=True)
rng = np.random.default_rng(12)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The derivative of a linear solve / Распространение градиента через линейную систему
#
# $x = A^{-1}b$ means $Ax = b$. Differentiate the identity: $dA\,x + A\,dx = db$, so
#
# $$dx = A^{-1}(db - dA\,x) \qquad\text{(forward rule: the tangent of } x\text{)}.$$

# %% [markdown] slideshow={"slide_type": "fragment"}
# For the reverse rule take the adjoint $g = \partial L/\partial x$ and write $dL = \langle g, dx\rangle$:
#
# $$dL = \langle g, A^{-1}db\rangle - \langle g, A^{-1}dA\,x\rangle
#      = \langle A^{-\top}g, db\rangle - \langle A^{-\top}g\,x^\top, dA\rangle,$$
#
# hence
#
# $$\frac{\partial L}{\partial b} = A^{-\top}\frac{\partial L}{\partial x}, \qquad
#   \frac{\partial L}{\partial A} = -A^{-\top}\frac{\partial L}{\partial x}\,x^\top
#   = -\frac{\partial L}{\partial b}\,x^\top.$$

# %% [markdown] slideshow={"slide_type": "fragment"}
# The cost: **one** more solve with $A^\top$ (reuse the LU factors in practice), against the $O(n^3)$ recorded
# operations of differentiating the elimination itself.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The rule as a custom VJP / Правило как пользовательский VJP
#
# `fwd` computes $x$ and keeps what the backward rule needs (the residuals $A$, $x$); `bwd` maps
# $g = \partial L/\partial x$ to $(\partial L/\partial A, \partial L/\partial b)$: the two formulas above.


# %% slideshow={"slide_type": "fragment"}
@adlib.custom_vjp
def my_solve(A, b):
    return np.linalg.solve(A, b)


def my_solve_fwd(A, b):
    x = np.linalg.solve(A, b)
    return x, (A, x)


def my_solve_bwd(residuals, g):
    A, x = residuals
    g_b = np.linalg.solve(A.T, g)
    return -np.outer(g_b, x), g_b


my_solve.defvjp(my_solve_fwd, my_solve_bwd)

# %% [markdown] slideshow={"slide_type": "subslide"}
# The library has the same rule as a primitive, `anp.linalg.solve`, with its forward rule too, both written with
# differentiable `adlib.numpy` operations (so second derivatives work). A loss to differentiate:
# $L(A, b) = \sum_i x_i^3 + \langle x, b\rangle$ with $x = A^{-1}b$.


# %% slideshow={"slide_type": "fragment"}
def make_loss(solve):
    def L(A, b):
        x = solve(A, b)
        return (x**3).sum() + (x * b).sum()

    return L


n = 5
A = rng.normal(size=(n, n)) + 2 * np.sqrt(n) * np.eye(n)  # well conditioned
b = rng.normal(size=n)
print(f"cond(A) = {np.linalg.cond(A):.2f}")

grads_custom = adlib.grad(make_loss(my_solve), argnums=(0, 1))(A, b)
grads_prim = adlib.grad(make_loss(anp.linalg.solve), argnums=(0, 1))(A, b)
grads_jax = jax.grad(make_loss(jnp.linalg.solve), argnums=(0, 1))(A, b)
for name, _, gb in [("custom_vjp", *grads_custom), ("anp.linalg.solve", *grads_prim), ("jax", *grads_jax)]:
    print(f"{name:>17}: ∂L/∂b = {np.asarray(gb)}")

# %% slideshow={"slide_type": "fragment"}
for mine in (grads_custom, grads_prim):
    for g, ref in zip(mine, grads_jax, strict=True):
        np.testing.assert_allclose(g, ref, rtol=1e-10, atol=1e-12)
err = max(np.max(np.abs(g - r)) for m in (grads_custom, grads_prim) for g, r in zip(m, grads_jax, strict=True))
print(tr(f"largest difference from JAX: {err:.1e}", f"наибольшее расхождение с JAX: {err:.1e}"))
off_diagonal = np.abs(A).sum(axis=1) - np.abs(np.diag(A))
claim(np.all(np.abs(np.diag(A)) > off_diagonal), "A is diagonally dominant (elimination needs no pivoting)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 12.1** / **Упражнение 12.1** — the inverse, $X = A^{-1}$, by the same recipe. Differentiate the
# identity $AX = I$: $dA\,X + A\,dX = 0$, so $dX = -X\,dA\,X$. Now take the adjoint $G = \partial L/\partial X$,
# write $dL = \langle G, dX\rangle$ and move everything onto $dA$ with
# $\langle G, P\,dA\,Q\rangle = \langle P^\top G\,Q^\top, dA\rangle$. Write `inv`'s VJP `vjp(g, ans, x)`: `g` is $G$, `ans` is $X$, `x` is $A$. It is
# checked by `check_grads` to order 2 on two matrices.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def my_inv_vjp(g, ans, x):
    raise NotImplementedError  # your code here: ∂L/∂A from g = ∂L/∂X, ans = X = A⁻¹ (use @, .T, adlib.numpy)


inv_points = [np.array([[2.0, 0.5, 0.0], [0.3, 1.5, -0.4], [0.1, 0.2, 1.8]]),
              np.array([[1.0, 2.0], [-1.0, 3.0]])]
exercises.check_rule(np.linalg.inv, inv_points, vjp=my_inv_vjp,
                     hint=("⟨G, −X dA X⟩ = ⟨−XᵀG Xᵀ, dA⟩: the transposes of the factors on either side of dA",
                           "⟨G, −X dA X⟩ = ⟨−XᵀG Xᵀ, dA⟩: транспонируйте множители, стоящие по обе стороны от dA"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Solution / Решение
# dL = ⟨G, −X dA X⟩ = ⟨−XᵀG Xᵀ, dA⟩, so ∂L/∂A = −A⁻ᵀ (∂L/∂X) A⁻ᵀ: two products with the inverse already computed,
# no new solve. Written with the box's @ and .T, so the rule is differentiable itself (order 2).
def solution_inv_vjp(g, ans, x):
    return -ans.T @ g @ ans.T


exercises.check_rule(np.linalg.inv, inv_points, vjp=solution_inv_vjp).assert_passed()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Against unrolled differentiation / Сравнение с дифференцированием алгоритма
#
# Without a rule, AD differentiates whatever algorithm computes $x$. Gaussian elimination written with
# `adlib.numpy` (no pivoting: fine for our diagonally dominant $A$) gives the same numbers, after recording
# every row operation of the elimination (a multiple of one row subtracted from another: a few nodes, each holding
# a whole row) on the tape.


# %% slideshow={"slide_type": "fragment"}
def gauss_solve(A, b):
    n = A.shape[0]
    rows, rhs = [A[i] for i in range(n)], [b[i] for i in range(n)]
    for k in range(n):  # elimination
        for i in range(k + 1, n):
            m = rows[i][k] / rows[k][k]
            rows[i], rhs[i] = rows[i] - m * rows[k], rhs[i] - m * rhs[k]
    x = [None] * n
    for i in reversed(range(n)):  # back substitution
        s = rhs[i]
        for j in range(i + 1, n):
            s = s - rows[i][j] * x[j]
        x[i] = s / rows[i][i]
    return anp.stack(x)


grads_unrolled = adlib.grad(make_loss(gauss_solve), argnums=(0, 1))(A, b)
for g, ref in zip(grads_unrolled, grads_prim, strict=True):
    np.testing.assert_allclose(g, ref, rtol=1e-9, atol=1e-12)
print(tr("unrolled elimination = rule, largest difference:", "AD через исключение = правило, наибольшее расхождение:"),
      f"{max(np.max(np.abs(g - r)) for g, r in zip(grads_unrolled, grads_prim, strict=True)):.1e}")


# %% slideshow={"slide_type": "fragment"}
nodes = {}
shown = {"gauss_solve (unrolled)": tr("gauss_solve (unrolled)", "gauss_solve (по шагам)")}  # keys stay English
for name, f in [("anp.linalg.solve", anp.linalg.solve), ("my_solve (custom_vjp)", my_solve),
                ("gauss_solve (unrolled)", gauss_solve)]:
    t = tape_size(f, A, b)
    print(tr(f"{name:>23}: {t['nodes']:4d} tape nodes (2 are the inputs), {t['bytes']:6d} bytes kept for the sweep",
             f"{shown.get(name, name):>23}: узлов на ленте {t['nodes']:4d} (2 из них — входы), памяти для обратного "
             f"прохода {t['bytes']:6d} {plural_ru(t['bytes'], 'байт', 'байта', 'байт')}"))
    nodes[name] = t["nodes"]
claim(nodes["my_solve (custom_vjp)"] == nodes["anp.linalg.solve"] == 3 and nodes["gauss_solve (unrolled)"] > 100,
      "the rule records one node for the whole solve, the elimination a few per row operation", nodes=nodes)
sizes, unrolled, rng_k = (5, 10, 20, 40), [], np.random.default_rng(40)  # its own rng: later draws unchanged
for n_k in sizes:
    A_k = rng_k.normal(size=(n_k, n_k)) + 2 * np.sqrt(n_k) * np.eye(n_k)
    unrolled.append(tape_size(gauss_solve, A_k, rng_k.normal(size=n_k)))
print(tr("unrolled elimination, n = " + ", ".join(map(str, sizes)) + ": "
         + ", ".join(str(t["nodes"]) for t in unrolled) + " nodes, "
         + ", ".join(f"{t['bytes'] / 1e3:.0f}" for t in unrolled) + " kB",
         "AD через исключение, n = " + ", ".join(map(str, sizes)) + ": узлов на ленте "
         + ", ".join(str(t["nodes"]) for t in unrolled) + ", памяти "
         + ", ".join(f"{t['bytes'] / 1e3:.0f}" for t in unrolled) + " кБ"))
slope_nodes = loglog_slope(sizes, [t["nodes"] for t in unrolled])
slope_bytes = loglog_slope(sizes, [t["bytes"] for t in unrolled], x_min=10)
claim(1.9 < slope_nodes < 2.1 and 2.6 < slope_bytes < 3.1,
      "O(n²) nodes (row operations) holding O(n³) numbers", slope_nodes=slope_nodes, slope_bytes=slope_bytes)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Against finite differences / Сравнение с конечными разностями
#
# One entry by a central difference, then `check_grads` for the forward and reverse rules of the primitive up to
# second order (it compares `jvp` with finite differences and `vjp` with `jvp` by the dot-product test).

# %% slideshow={"slide_type": "fragment"}
L_solve = make_loss(anp.linalg.solve)
E = np.zeros_like(A)
E[1, 3] = 1.0
h = 1e-6
fd = (L_solve(A + h * E, b) - L_solve(A - h * E, b)) / (2 * h)
print(tr(f"∂L/∂A[1,3]: rule {grads_prim[0][1, 3]:.10f}, central difference {fd:.10f}",
         f"∂L/∂A[1,3]: правило {grads_prim[0][1, 3]:.10f}, центральная разность {fd:.10f}"))
np.testing.assert_allclose(fd, grads_prim[0][1, 3], rtol=1e-6)
check_grads(anp.linalg.solve, (A, b), order=2)
check_grads(anp.linalg.solve, (A, rng.normal(size=(n, 2))), order=2)  # b with several columns
print(tr("check_grads(solve, order=2): passed", "check_grads(solve, order=2): пройдена"))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Least squares / Распространение градиента через линейные наименьшие квадраты
#
# For a tall $A$ ($m > n$, full column rank) $x^\star = \arg\min_x \|Ax - b\|^2$ solves the normal equations
# $A^\top A\,x^\star = A^\top b$. Differentiate the identity, with the residual $r = b - Ax^\star$:
#
# $$dA^\top A\,x^\star + A^\top dA\,x^\star + A^\top A\,dx^\star = dA^\top b + A^\top db
#   \quad\Longrightarrow\quad
#   A^\top A\,dx^\star = A^\top(db - dA\,x^\star) + dA^\top r .$$

# %% [markdown] slideshow={"slide_type": "fragment"}
# Reverse rule: $g = \partial L/\partial x^\star$ and $z = (A^\top A)^{-1} g$ ($A^\top A$ is symmetric), so
#
# $$dL = \langle g, dx^\star\rangle = \langle z, A^\top db\rangle - \langle z, A^\top dA\,x^\star\rangle
#      + \langle z, dA^\top r\rangle
#      = \langle Az, db\rangle - \langle Az\,x^{\star\top}, dA\rangle + \langle r z^\top, dA\rangle,$$
#
# hence
#
# $$\frac{\partial L}{\partial b} = A z, \qquad \frac{\partial L}{\partial A} = r z^\top - A z\,x^{\star\top},
#   \qquad z = (A^\top A)^{-1}\frac{\partial L}{\partial x^\star}.$$
#
# For a square $A$: $r = 0$ and $Az = A^{-\top}g$, the solve's rule. For a tall one the term $r z^\top$ is new:
# moving $A$ also moves the fit's residual.

# %% [markdown] slideshow={"slide_type": "subslide"}
# As a custom VJP: `fwd` computes $x^\star$ with LAPACK's `lstsq` (via the SVD: accurate, and nothing adlib could
# trace), and keeps $A$, $b$, $x^\star$; `bwd` is the two formulas. The rule needs only the optimality condition,
# not the algorithm that found $x^\star$.


# %% slideshow={"slide_type": "fragment"}
@adlib.custom_vjp
def my_lstsq(A, b):
    return np.linalg.lstsq(A, b, rcond=None)[0]


def my_lstsq_fwd(A, b):
    x = np.linalg.lstsq(A, b, rcond=None)[0]
    return x, (A, b, x)


def my_lstsq_bwd(residuals, g):
    A, b, x = residuals
    z = np.linalg.solve(A.T @ A, g)  # z = (AᵀA)⁻¹ ∂L/∂x*
    r = b - A @ x  # the residual
    return np.outer(r, z) - np.outer(A @ z, x), A @ z  # ∂L/∂A, ∂L/∂b


my_lstsq.defvjp(my_lstsq_fwd, my_lstsq_bwd)

# %% [markdown] slideshow={"slide_type": "subslide"}
# Checks, for a loss of the fitted coefficients $L = \|x^\star\|^2$: against autodiff *through* the solve
# (`anp.linalg.least_squares` is $x^\star = (A^\top A)^{-1}A^\top b$ built from `solve` and `matmul`, so it is
# differentiable by composition), against JAX (`jnp.linalg.lstsq`), and against finite differences: one entry by
# a central difference, then `check_grads` (reverse mode only: the dot-product test against finite differences).

# %% slideshow={"slide_type": "fragment"}
m = 12
A_tall, b_tall = rng.normal(size=(m, n)), rng.normal(size=m)
x_ls = my_lstsq(A_tall, b_tall)
np.testing.assert_allclose(anp.linalg.least_squares(A_tall, b_tall), x_ls, rtol=1e-10)


def fit_loss(ls):  # the fitted coefficients enter a further loss
    return lambda A, b: (ls(A, b) ** 2).sum()


g_rule = adlib.grad(fit_loss(my_lstsq), argnums=(0, 1))(A_tall, b_tall)
g_through = adlib.grad(fit_loss(anp.linalg.least_squares), argnums=(0, 1))(A_tall, b_tall)
g_ls_jax = jax.grad(fit_loss(lambda A, b: jnp.linalg.lstsq(A, b)[0]), argnums=(0, 1))(A_tall, b_tall)
for other in (g_through, g_ls_jax):
    for g, ref in zip(g_rule, other, strict=True):
        np.testing.assert_allclose(g, ref, rtol=1e-8, atol=1e-10)
E = np.zeros_like(A_tall)
E[4, 2] = 1.0
h = 1e-6
L_fit = fit_loss(my_lstsq)
fd = (L_fit(A_tall + h * E, b_tall) - L_fit(A_tall - h * E, b_tall)) / (2 * h)
np.testing.assert_allclose(fd, g_rule[0][4, 2], rtol=1e-6)
check_grads(my_lstsq, (A_tall, b_tall), order=1, modes=("rev",))
for name, other in [(tr("autodiff through the solve", "AD через решение системы"), g_through),
                    ("JAX lstsq", g_ls_jax)]:
    print(tr(f"rule vs {name:26s}: largest difference ", f"правило и {name:24s}: наибольшее расхождение ")
          + f"{max(np.max(np.abs(g - r)) for g, r in zip(g_rule, other, strict=True)):.1e}")
print(tr(f"∂L/∂A[4,2]: rule {g_rule[0][4, 2]:.10f}, central difference {fd:.10f};  check_grads(my_lstsq): passed",
         f"∂L/∂A[4,2]: правило {g_rule[0][4, 2]:.10f}, центральная разность {fd:.10f};  check_grads(my_lstsq): "
         "пройдена"))

# %% [markdown] slideshow={"slide_type": "fragment"}
# How much does the new term $r z^\top$ weigh in $\partial L/\partial A$?

# %% slideshow={"slide_type": "fragment"}
z = np.linalg.solve(A_tall.T @ A_tall, 2 * x_ls)  # g = ∂‖x*‖²/∂x* = 2x*
r = b_tall - A_tall @ x_ls
np.testing.assert_allclose(np.outer(r, z) - np.outer(A_tall @ z, x_ls), g_rule[0], rtol=1e-12)
share = np.linalg.norm(np.outer(r, z)) / np.linalg.norm(g_rule[0])
print(f"‖r zᵀ‖ / ‖∂L/∂A‖ = {share:.2f}")
claim(share > 0.1, "the residual term is a sizeable part of the gradient", share=share)

# %% [markdown] slideshow={"slide_type": "fragment"}
# A sizeable part: the solve's rule $-A z\,x^{\star\top}$ alone, applied to a tall $A$, would be wrong by that
# much.

# %% [markdown] slideshow={"slide_type": "notes"}
# The normal equations square the condition number of $A$: for ill-conditioned problems a QR- or SVD-based
# solve is the accurate forward computation (as in `my_lstsq`), and $z$ is then computed from the same
# factors ($A = QR$: $z = R^{-1}R^{-\top}g$) rather than from $A^\top A$.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The derivative of the singular values / Распространение градиента через SVD
#
# $W = U\Sigma V^\top$ with $U^\top U = V^\top V = I$. Differentiate: $dW = dU\,\Sigma V^\top + U\,d\Sigma\,V^\top
# + U\Sigma\,dV^\top$, and multiply by $U^\top$ on the left and $V$ on the right:
#
# $$U^\top dW\,V = \underbrace{U^\top dU}_{\text{antisymmetric}}\Sigma + d\Sigma
#   + \Sigma\underbrace{dV^\top V}_{\text{antisymmetric}}.$$
#
# An antisymmetric matrix has a zero diagonal, so on the diagonal only $d\Sigma$ survives:
# $d\sigma_i = u_i^\top dW\,v_i$.

# %% [markdown] slideshow={"slide_type": "fragment"}
# For a loss on the singular values, $dL = \sum_i \frac{\partial L}{\partial \sigma_i} u_i^\top dW v_i
# = \langle U\,\mathrm{diag}(\partial L/\partial\sigma)\,V^\top, dW\rangle$:
#
# $$\frac{\partial L}{\partial W} = U\,\mathrm{diag}\Big(\frac{\partial L}{\partial \sigma}\Big)V^\top,\qquad
#   R(W) = \mathrm{tr}\,\Sigma = \|W\|_* \;\Rightarrow\; \frac{\partial R}{\partial W} = UV^\top.$$

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The nuclear norm as a custom VJP / Ядерная норма как пользовательский VJP
#
# `fwd` runs NumPy's SVD on plain arrays (at the top level a `custom_vjp` receives plain values) and keeps
# $U$, $V$ for `bwd`.


# %% slideshow={"slide_type": "fragment"}
@adlib.custom_vjp
def nuclear_norm(W):
    return np.linalg.svd(W, compute_uv=False).sum()


def nuclear_norm_fwd(W):
    U, s, Vt = np.linalg.svd(W, full_matrices=False)
    return s.sum(), (U, Vt)


def nuclear_norm_bwd(residuals, g):
    U, Vt = residuals
    return (g * U @ Vt,)


nuclear_norm.defvjp(nuclear_norm_fwd, nuclear_norm_bwd)

# %% slideshow={"slide_type": "fragment"}
W = rng.normal(size=(6, 4))
g_custom = adlib.grad(nuclear_norm)(W)
g_prim = adlib.grad(lambda W: anp.linalg.svdvals(W).sum())(W)
g_jax = jax.grad(lambda W: jnp.linalg.svd(W, compute_uv=False).sum())(W)
np.testing.assert_allclose(g_custom, g_jax, rtol=1e-8, atol=1e-10)
np.testing.assert_allclose(g_prim, g_jax, rtol=1e-8, atol=1e-10)
print("σ(W) =", np.linalg.svd(W, compute_uv=False))
print(tr(f"∂‖W‖_*/∂W: custom_vjp vs JAX {np.max(np.abs(g_custom - g_jax)):.1e}, "
         f"anp.linalg.svdvals vs JAX {np.max(np.abs(g_prim - g_jax)):.1e}",
         f"∂‖W‖_*/∂W: расхождение custom_vjp с JAX {np.max(np.abs(g_custom - g_jax)):.1e}, "
         f"anp.linalg.svdvals с JAX {np.max(np.abs(g_prim - g_jax)):.1e}"))

# %% [markdown] slideshow={"slide_type": "subslide"}
# A general loss on $\sigma$, e.g. $L = \sum_i c_i\sigma_i + \sum_i\sigma_i^2$ (the second term is
# $\|W\|_F^2$, whose gradient must be $2W$), by the primitive, against JAX and finite differences:

# %% slideshow={"slide_type": "fragment"}
c = rng.normal(size=4)


def make_sv_loss(svdvals):
    return lambda W: (c * svdvals(W)).sum() + (svdvals(W) ** 2).sum()


L_sv, L_sv_jax = make_sv_loss(anp.linalg.svdvals), make_sv_loss(lambda W: jnp.linalg.svd(W, compute_uv=False))
U, s, Vt = np.linalg.svd(W, full_matrices=False)
g_formula = U @ np.diag(c + 2 * s) @ Vt  # U diag(∂L/∂σ) Vᵀ
np.testing.assert_allclose(adlib.grad(L_sv)(W), g_formula, rtol=1e-10, atol=1e-12)
np.testing.assert_allclose(adlib.grad(L_sv)(W), jax.grad(L_sv_jax)(W), rtol=1e-8, atol=1e-10)
np.testing.assert_allclose(adlib.grad(lambda W: (anp.linalg.svdvals(W) ** 2).sum())(W), 2 * W, rtol=1e-10)
check_grads(anp.linalg.svdvals, (W,), order=2)  # order 2 goes through dU, dV (below)
print(tr("U diag(∂L/∂σ) Vᵀ = adlib = JAX; ∂‖W‖_F²/∂W = 2W; check_grads(svdvals) passed",
         "U diag(∂L/∂σ) Vᵀ = adlib = JAX; ∂‖W‖_F²/∂W = 2W; check_grads(svdvals) пройдена"))

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 12.2** / **Упражнение 12.2** — the log-determinant, $L = \log|\det A| = \sum_i \log\sigma_i$ for a
# square $A$. The rule above gives $\partial L/\partial A = U\,\mathrm{diag}(1/\sigma)\,V^\top$; which familiar matrix
# is that? (Or differentiate directly: $d\log|\det A| = \mathrm{tr}(A^{-1}dA)$.) Write the VJP of
# $\log|\det A|$ (`np.linalg.slogdet`'s second output): `g` is a scalar, `ans` is $\log|\det A|$, `x` is $A$.
# Checked on a matrix with a positive and one with a negative determinant.


# %% slideshow={"slide_type": "-"}
def logabsdet(A):  # the primitive, on plain NumPy arrays
    return np.linalg.slogdet(A)[1]


logdet_points = [np.array([[2.0, 0.5, 0.0], [0.3, 1.5, -0.4], [0.1, 0.2, 1.8]]),
                 np.array([[0.5, 2.0], [1.0, 0.3]])]
print("det =", [f"{np.linalg.det(P):+.3f}" for P in logdet_points])


# %% slideshow={"slide_type": "-"} tags=["exercise"]
def my_logdet_vjp(g, ans, x):
    raise NotImplementedError  # your code here: g · ∂ log|det A| / ∂A


exercises.check_rule(logabsdet, logdet_points, vjp=my_logdet_vjp,
                     hint=("U diag(1/σ) Vᵀ is the transpose of V diag(1/σ) Uᵀ = A⁻¹; compute it with anp.linalg.inv",
                           "U diag(1/σ) Vᵀ — транспонированная матрица V diag(1/σ) Uᵀ = A⁻¹; обратную матрицу "
                           "вычислите через anp.linalg.inv"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Solution / Решение
# ∂ log|det A|/∂A = U diag(1/σ) Vᵀ = (V diag(1/σ) Uᵀ)ᵀ = A⁻ᵀ (also from tr(A⁻¹dA) = ⟨A⁻ᵀ, dA⟩), whatever the sign of
# det A. anp.linalg.inv, not np.linalg.inv: order 2 differentiates the rule itself.
def solution_logdet_vjp(g, ans, x):
    return g * anp.linalg.inv(x).T


exercises.check_rule(logabsdet, logdet_points, vjp=solution_logdet_vjp).assert_passed()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary / Итоги
#
# * A derived rule replaces differentiating an algorithm: for $x = A^{-1}b$, one extra solve with $A^\top$ gives
#   $\partial L/\partial b = A^{-\top}\partial L/\partial x$ and $\partial L/\partial A = -(\partial L/\partial b)\,x^\top$;
#   same numbers as the unrolled elimination (one tape node for the whole solve instead of a few per row
#   operation: $O(n^2)$ nodes holding $O(n^3)$ numbers), JAX and finite differences.
# * Least squares, from the normal equations: $z = (A^\top A)^{-1}\partial L/\partial x^\star$,
#   $\partial L/\partial b = Az$, $\partial L/\partial A = r z^\top - A z\,x^{\star\top}$; the rule needs only the
#   optimality condition, so the forward solve can be any accurate algorithm (here LAPACK's `lstsq`).
# * For losses on singular values $\partial L/\partial W = U\,\mathrm{diag}(\partial L/\partial\sigma)V^\top$;
#   $\partial\|W\|_*/\partial W = UV^\top$.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Beyond the lecture: the singular vectors / За рамками лекции: сингулярные векторы
#
# The singular **vectors** are differentiable too (where the $\sigma_i$ are distinct): the off-diagonal part of
# the identity above gives, with $dP = U^\top dW\,V$ and $F_{ij} = 1/(\sigma_j^2 - \sigma_i^2)$ ($F_{ii} = 0$),
#
# $$dU = U\big(F \circ (dP\,\Sigma + \Sigma\,dP^\top)\big), \qquad dV = V\big(F \circ (\Sigma\,dP + dP^\top\Sigma)\big)$$
#
# for a square $W$; a non-square one adds a term for the directions outside the span of $U$ (or $V$), e.g.
# $(I - UU^\top)\,dW\,V\Sigma^{-1}$ in $dU$ for a tall $W$ (Townsend 2016). `anp.linalg.svd` has this rule; a loss
# on $U$, $\sigma$ and $V^\top$ (insensitive to the sign choice of the singular vectors), first and second
# derivatives against JAX:

# %% slideshow={"slide_type": "fragment"}
def svd_loss(np_):
    def f(W):
        U, s, Vt = np_.linalg.svd(W, full_matrices=False)
        return np_.tanh(U @ Vt).sum() + ((U * U) @ s).sum() + (s**3).sum()

    return f


W_sq = rng.normal(size=(4, 4))
np.testing.assert_allclose(adlib.grad(svd_loss(anp))(W_sq), jax.grad(svd_loss(jnp))(W_sq), rtol=1e-8, atol=1e-10)
H, H_jax = adlib.hessian(svd_loss(anp))(W_sq), jax.hessian(svd_loss(jnp))(W_sq)
np.testing.assert_allclose(H, H_jax, rtol=1e-8, atol=1e-10)
print(tr(f"full SVD: gradient and 16×16 Hessian equal JAX's, largest difference {np.max(np.abs(H - H_jax)):.1e}",
         f"полное SVD: градиент и гессиан 16×16 совпадают с JAX, наибольшее расхождение "
         f"{np.max(np.abs(H - H_jax)):.1e}"))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Beyond the lecture: where the rule breaks, repeated singular values / За рамками лекции: где правило ломается, кратные сингулярные числа
#
# If $\sigma_1 = \sigma_2$, the singular vectors are not unique (any rotation inside the 2-dimensional
# singular subspace works), and so $u_1 v_1^\top$ is not unique either. Take $W = \mathrm{diag}(2, 2, 1)$ and the
# loss $L = \sigma_1(W) = \|W\|_2$ (the spectral norm); compare both rules with one-sided finite differences along
# $E_{11} = e_1e_1^\top$ and $E_{22} = e_2e_2^\top$.

# %% slideshow={"slide_type": "fragment"}
W_deg = np.diag([2.0, 2.0, 1.0])
sigma1 = lambda W: anp.linalg.svdvals(W)[0]  # noqa: E731
g_adlib = adlib.grad(sigma1)(W_deg)
g_jax_deg = np.asarray(jax.grad(lambda W: jnp.linalg.svd(W, compute_uv=False)[0])(W_deg))
print(tr("adlib (u1 as NumPy's SVD picks it):\n", "adlib (u1 — тот, который выбрало SVD из NumPy):\n"), g_adlib)
print(tr("JAX (u1 as JAX's SVD picks it):\n", "JAX (u1 — тот, который выбрало SVD из JAX):\n"), g_jax_deg)
for g in (g_adlib, g_jax_deg):  # u1 u1ᵀ for a unit vector u1 of span(e1, e2)
    u1 = np.linalg.svd(g)[0][:, 0]
    claim(np.allclose(g, np.outer(u1, u1), atol=1e-12) and abs(u1[2]) < 1e-12,
          "both rules return u1 u1ᵀ for a unit vector u1 of span(e1, e2)", g=g)
h = 1e-6
s1 = lambda W: np.linalg.svd(W, compute_uv=False)[0]  # noqa: E731
for i in (0, 1):
    Ei = np.zeros((3, 3))
    Ei[i, i] = 1.0
    right, left = (s1(W_deg + h * Ei) - s1(W_deg)) / h, (s1(W_deg) - s1(W_deg - h * Ei)) / h
    print(tr(f"direction E{i + 1}{i + 1}: slope right {right:.3f}, left {left:.3f}; "
             f"adlib says {np.sum(g_adlib * Ei):.3f}, JAX says {np.sum(g_jax_deg * Ei):.3f}",
             f"направление E{i + 1}{i + 1}: наклон справа {right:.3f}, слева {left:.3f}; "
             f"у adlib {np.sum(g_adlib * Ei):.3f}, у JAX {np.sum(g_jax_deg * Ei):.3f}"))
    claim(abs(right - 1) < 1e-6 and abs(left) < 1e-6, "the slope is 1 to the right and 0 to the left",
          right=right, left=left)
    for g in (g_adlib, g_jax_deg):
        claim(left - 1e-6 <= np.sum(g * Ei) <= right + 1e-6, "each rule's directional derivative lies between the "
              "one-sided slopes", g=g)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Both rules return $u_1 u_1^\top$ for whichever unit vector $u_1$ of $\mathrm{span}(e_1, e_2)$ the SVD routine
# happened to return, and neither is "the" gradient: $\sigma_1$ is not differentiable there. The one-sided finite
# differences show a kink: the slope is 1 to the right and 0 to the left. Each rule returns one subgradient
# $u v^\top$ ($u$ a unit vector of the top singular subspace); their directional derivatives lie between the two
# one-sided slopes.

# %% slideshow={"slide_type": "fragment"}
for eps in (1e-12, -1e-12):
    g_eps = adlib.grad(sigma1)(np.diag([2.0 + eps, 2.0, 1.0]))
    print(tr(f"W = diag(2 {eps:+.0e}, 2, 1): ∂σ1/∂W diagonal = {np.diag(g_eps)}",
             f"W = diag(2 {eps:+.0e}, 2, 1): диагональ ∂σ1/∂W = {np.diag(g_eps)}"))
    np.testing.assert_allclose(np.diag(g_eps), [1.0, 0.0, 0.0] if eps > 0 else [0.0, 1.0, 0.0], atol=1e-9)

# %% [markdown] slideshow={"slide_type": "fragment"}
# The rule is also discontinuous across the degenerate point: a perturbation of $10^{-12}$ on either side
# decides which direction wins.

# %% [markdown] slideshow={"slide_type": "subslide"}
# The singular **vectors** are worse: their derivative contains $1/(\sigma_j^2 - \sigma_i^2)$, which is infinite
# at a repeated singular value ($F_{ij} = 1/0$). What do JAX and `anp.linalg.svd` return there, for $U$ itself
# at $\mathrm{diag}(2, 2, 1)$, and for a quantity that is smooth at its point: the polar factor $Q = UV^\top$ at
# $W = I$, through $\langle C, Q\rangle$ for a fixed $C$? Near $I$, $Q(I + dW) = I + \tfrac12(dW - dW^\top)
# + O(\|dW\|^2)$, so the true gradient is $\tfrac12(C - C^\top)$; central differences of $Q$ (NumPy's SVD, no
# derivative rule) check it.

# %% slideshow={"slide_type": "fragment"}
C = np.arange(9.0).reshape(3, 3)  # a fixed weighting of Q's entries


def polar_loss(np_):  # ⟨C, U Vᵀ⟩, U Vᵀ = the polar factor of W
    def f(W):
        U, _, Vt = np_.linalg.svd(W, full_matrices=False)
        return (C * (U @ Vt)).sum()

    return f


g_U = np.asarray(jax.grad(lambda W: jnp.linalg.svd(W, full_matrices=False)[0][0, 0])(W_deg))
g_polar_jax = np.asarray(jax.grad(polar_loss(jnp))(np.eye(3)))
with np.errstate(divide="ignore", invalid="ignore"):  # 1/(σ_j² − σ_i²) = 1/0 at repeated σ: the point here
    g_U_adlib = adlib.grad(lambda W: anp.linalg.svd(W)[0][0, 0])(W_deg)
    g_polar_adlib = adlib.grad(polar_loss(anp))(np.eye(3))
h, E = 1e-6, np.eye(9).reshape(9, 3, 3)  # E[k]: the 9 unit directions
g_polar_fd = np.array([(polar_loss(np)(np.eye(3) + h * Ek) - polar_loss(np)(np.eye(3) - h * Ek)) / (2 * h)
                       for Ek in E]).reshape(3, 3)
at = tr("at", "в")
for name, g in [(f"JAX ∂U[0,0]/∂W {at} diag(2, 2, 1)", g_U), (f"adlib ∂U[0,0]/∂W {at} diag(2, 2, 1)", g_U_adlib),
                (f"JAX ∂⟨C, UVᵀ⟩/∂W {at} I", g_polar_jax), (f"adlib ∂⟨C, UVᵀ⟩/∂W {at} I", g_polar_adlib)]:
    print(tr(f"{name:34s}: {np.isnan(g).sum()} of 9 entries nan",
             f"{name:34s}: nan в {np.isnan(g).sum()} из 9 элементов"))
print(tr("central differences of ⟨C, UVᵀ⟩ at I:\n", "центральные разности ⟨C, UVᵀ⟩ в I:\n"), g_polar_fd,
      "\n(C − Cᵀ)/2:\n", (C - C.T) / 2)
claim(all(np.isnan(g).any() for g in (g_U, g_U_adlib, g_polar_jax, g_polar_adlib)),
      "JAX and anp.linalg.svd return nan for U and for the polar factor at repeated singular values")
claim(np.allclose(g_polar_fd, (C - C.T) / 2, atol=1e-6), "the polar factor is smooth at I, gradient (C − Cᵀ)/2",
      g_polar_fd=g_polar_fd)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Both return nan, for $U$ and for the polar factor alike, though the polar factor is smooth at $I$ (central
# differences give $\tfrac12(C - C^\top)$): the nan of the intermediate $dU$ poisons the product $U V^\top$.
#
# The nuclear norm's own rule needs no $dU$: it returns $UV^\top$, which for full-rank $W$ is unique (the polar
# factor) even with repeated $\sigma$. It breaks where $W$ loses rank: at $W = \mathrm{diag}(1, 0)$.

# %% slideshow={"slide_type": "fragment"}
W_rank1 = np.diag([1.0, 0.0])
g_rank1 = adlib.grad(nuclear_norm)(W_rank1)
g_jax_rank1 = np.asarray(jax.grad(lambda W: jnp.linalg.svd(W, compute_uv=False).sum())(W_rank1))
g_at_I = adlib.grad(nuclear_norm)(np.eye(2))
print(tr("adlib custom_vjp at diag(1, 0):", "adlib custom_vjp в diag(1, 0):      "), g_rank1.ravel())
print(tr("JAX at diag(1, 0):             ", "JAX в diag(1, 0):                   "), g_jax_rank1.ravel())
print(tr("the smallest subgradient:      ", "наименьший субградиент:             "), np.diag([1.0, 0.0]).ravel())
print(tr("adlib at I (unique gradient I):", "adlib в I (единственный градиент I):"), g_at_I.ravel())
claim(np.allclose(g_at_I, np.eye(2)), "the rule gives the unique gradient I at W = I", g_at_I=g_at_I)
for g in (g_rank1, g_jax_rank1):  # u1 v1ᵀ + Z, Z ⊥ u1 = v1 = e1, ‖Z‖₂ ≤ 1: a subgradient
    Z = g - np.diag([1.0, 0.0])
    claim(np.allclose(Z[0], 0) and np.allclose(Z[:, 0], 0) and np.linalg.norm(Z, 2) <= 1 + 1e-12,
          "the rule returns an element of the subdifferential", g=g)

# %% [markdown] slideshow={"slide_type": "fragment"}
# At $W = I$ the rule gives the unique gradient $I$. At $W = \mathrm{diag}(1, 0)$ the nuclear norm is not
# differentiable: its subdifferential is $\{u_1v_1^\top + Z : Z \perp u_1, v_1,\ \|Z\|_2 \le 1\}$, and the rule
# returns the element that the SVD routine's choice of $u_2, v_2$ happens to give, not necessarily the smallest
# subgradient $\mathrm{diag}(1, 0)$.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Beyond the lecture: low-rank matrix completion / За рамками лекции: восстановление матрицы низкого ранга
#
# A $40\times 40$ matrix $M$ of rank 3; we see about half of its entries (the mask $\Omega$). Find $W$ minimising
#
# $$F(W) = \tfrac12\|P_\Omega(W - M)\|_F^2 + \lambda\|W\|_*,$$
#
# the convex surrogate of "fit the observed entries with a low-rank matrix". Two methods, both with gradients
# from `adlib.grad`:
#
# * **subgradient descent** on all of $F$, through our `nuclear_norm` custom rule ($UV^\top$), step $\propto
#   1/\sqrt{k}$;
# * **proximal gradient**: a gradient step on the smooth data term (`adlib.grad`), then the proximal operator of
#   $\lambda\|\cdot\|_*$, which soft-thresholds the singular values: $W \leftarrow U\max(\Sigma - \lambda, 0)V^\top$.

# %% slideshow={"slide_type": "fragment"}
size, rank, lam, iters = 40, 3, 1.0, 300
rng_mc = np.random.default_rng(2026)
M = rng_mc.normal(size=(size, rank)) @ rng_mc.normal(size=(rank, size))
mask = rng_mc.random((size, size)) < 0.5


def data_term(W):
    return 0.5 * anp.sum((mask * (W - M)) ** 2)


def objective(W):
    return data_term(W) + lam * nuclear_norm(W)


def svt(W, tau):
    """Singular value soft-thresholding: the proximal operator of tau·‖·‖_*."""
    U, s, Vt = np.linalg.svd(W, full_matrices=False)
    return U @ np.diag(np.maximum(s - tau, 0.0)) @ Vt


grad_F, grad_data = adlib.grad(objective), adlib.grad(data_term)
W_sub, W_prox = np.zeros_like(M), np.zeros_like(M)
hist = {"subgradient": [], "proximal": []}
for k in range(iters):
    hist["subgradient"].append(objective(W_sub))
    hist["proximal"].append(objective(W_prox))
    W_sub = W_sub - 1.0 / np.sqrt(k + 1) * grad_F(W_sub)
    step = W_prox - 1.0 * grad_data(W_prox)  # step 1 = 1/Lipschitz constant of the data term
    W_prox = svt(step, lam)


def unseen_error(W):
    return np.linalg.norm((~mask) * (W - M)) / np.linalg.norm((~mask) * M)


ranks = {}
METHODS = Labels({"subgradient": ("subgradient", "субградиентный"), "proximal": ("proximal", "проксимальный")})
width = max(map(len, METHODS.values()))  # the keys of hist and ranks stay English; METHODS are the shown names
for name, W_fit in [("subgradient", W_sub), ("proximal", W_prox)]:
    sv = np.linalg.svd(W_fit, compute_uv=False)
    ranks[name] = int(np.sum(sv > 1e-6 * sv[0]))
    print(tr(f"{name:>11}: F = {objective(W_fit):9.3f}, relative error on the unseen entries "
             f"{unseen_error(W_fit):.3f}, numerical rank (σ > 1e-6·σ1) {ranks[name]}",
             f"{METHODS[name]:>{width}}: F = {objective(W_fit):9.3f}, относительная ошибка на ненаблюдаемых элементах "
             f"{unseen_error(W_fit):.3f}, численный ранг (σ > 1e-6·σ1) {ranks[name]}"))
k_prox = int(np.argmax(np.asarray(hist["proximal"]) <= hist["subgradient"][-1]))
print(tr(f"proximal gradient is below subgradient descent's final F after {k_prox} of {iters} iterations",
         f"проксимальный градиентный метод опускается ниже итогового F субградиентного спуска после {k_prox} из "
         f"{iters} {plural_ru(iters, 'итерации', 'итераций', 'итераций')}"))
claim(hist["proximal"][-1] < hist["subgradient"][-1] and k_prox < iters / 5,
      "the proximal method reaches a lower objective far faster", k_prox=k_prox)
claim(3 <= ranks["proximal"] <= 5 and ranks["subgradient"] == size and unseen_error(W_prox) < 0.2,
      "the proximal fit has a rank close to 3, the subgradient iterates a full tail", ranks=ranks)
set_to_zero = int(np.sum(np.linalg.svd(step, compute_uv=False) <= lam))  # max(s - λ, 0) = 0 in the last step
sv_prox = np.linalg.svd(W_prox, compute_uv=False)
sv_sub = np.linalg.svd(W_sub, compute_uv=False)
alpha_last = 1.0 / np.sqrt(iters)  # the last subgradient step size
print(tr(f"proximal: the last step set {set_to_zero} of {size} singular values to exactly 0; the SVD of the result "
         f"gives them back as ≤ {sv_prox[size - set_to_zero:].max():.0e} (round-off)",
         f"проксимальный метод: последний шаг сделал {set_to_zero} из {size} "
         f"{plural_ru(size, 'сингулярного числа', 'сингулярных чисел', 'сингулярных чисел')} в точности нулями; SVD "
         f"результата "
         f"возвращает их как ≤ {sv_prox[size - set_to_zero:].max():.0e} (ошибки округления)"))
below_step = int(np.sum(sv_sub < alpha_last * lam))
print(tr(f"subgradient: {below_step} of {size} σᵢ lie below the last step αλ = {alpha_last * lam:.3f}, "
         f"the smallest at {sv_sub.min():.1e}",
         f"субградиентный метод: {below_step} из {size} σᵢ меньше последнего шага αλ = {alpha_last * lam:.3f}, "
         f"наименьшее равно {sv_sub.min():.1e}"))
claim(set_to_zero == size - ranks["proximal"] and sv_prox[ranks["proximal"]:].max() < 1e-12,
      "the thresholding set the small singular values to zero; what the plot shows of them is round-off")
claim(sv_sub.min() > 0 and below_step >= 5, "the subgradient iterates' smallest singular values hover between 0 "
      "and the step's size", smallest=sv_sub.min(), below_step=below_step)

# %% slideshow={"slide_type": "subslide"}
F_best = min(min(h) for h in hist.values())
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
for name, h in hist.items():
    gap = np.asarray(h) - F_best
    axes[0].semilogy(np.arange(iters), np.where(gap > 0, gap, np.nan), label=METHODS[name])  # F_best itself: log 0
axes[0].set(xlabel=tr("iteration", "итерация"), ylabel=tr(r"$F(W_k) - F_{\rm best}$ (where $> 0$)",
                                                          r"$F(W_k) - F_{\rm best}$ (где $> 0$)"),
            title=tr("Loss curve", "Кривая потерь"))
axes[0].legend()
axes[1].semilogy(np.linalg.svd(M, compute_uv=False), "o", ms=8, mfc="none", label=tr("true $M$", "истинная $M$"))
axes[1].semilogy(sv_sub, "s", ms=5, mfc="none", label=METHODS["subgradient"])
axes[1].semilogy(np.maximum(sv_prox, 1e-16), "^", ms=6, mfc="none",
                 label=tr("proximal (SVD re-run)", "проксимальный (SVD заново)"))
axes[1].set(xlabel=tr("index $i$", "номер $i$"), ylabel=r"$\sigma_i$",
            title=tr("Singular values of the fit", "Сингулярные числа приближения"), ylim=(1e-16, None))
axes[1].legend()
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# What to see: the proximal method reaches a lower objective far faster than subgradient descent (it passes the
# latter's final value within the first fifth of the iterations), and its fit has a rank close to the true 3:
# the thresholding sets the small singular values to exactly zero (the triangles at $10^{-14} \dots 10^{-16}$ are
# the round-off of running the SVD again on $U\max(\Sigma - \lambda, 0)V^\top$, like the circles of the rank-3
# $M$ itself; the $\lambda$-shrinkage biases
# the kept ones). The subgradient iterates keep a full tail of small nonzero singular values: the step
# $\alpha_k\lambda UV^\top$ of the nuclear norm lowers every $\sigma_i$ by the same $\alpha_k\lambda$; a
# $\sigma_i < \alpha_k\lambda$ overshoots past 0 (the SVD reports it as positive again, with a flipped singular
# vector), so the smallest ones hover between 0 and about the step's size, changing from step to step, instead of
# landing on 0.
#
# Back to [11 — what AD is not](11_what_ad_is_not.ipynb); the VJPs written here are the reverse mode of
# [05 — reverse mode](05_reverse_mode.ipynb), one rule per whole function.
