# ---
# jupyter:
#   course:
#     summary: Backprop through an MLP by hand, every shape; = adlib/JAX grad
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
# # Feed-forward architecture / Архитектура прямого распространения
#
# The lecture's Рис. 27, in code: a multilayer perceptron $v_k = \sigma(v_{k-1} w_k)$ on a batch of data, its
# forward pass and its backward pass **written out by hand**, with the shape of every tensor printed next to its
# formula ($b \times n_k$, $n_{k+1} \times n_k$, …). The hand-written gradient is checked against `adlib.grad`
# and `jax.grad` to $10^{-10}$; a table and a widget show the shapes and the memory of the stored activations
# for any batch size and widths. In three exercises you write the backward pass of a ReLU layer yourself (and say
# what it must store). Beyond the lecture, the hand-written gradient trains the network.
#
# Builds on [06 — choose your fighter](06_choose_your_fighter.ipynb) (one scalar loss: reverse mode) and
# [05 — reverse mode](05_reverse_mode.ipynb); leads to [08 — Hessian-vector products](08_hvp.ipynb).

# %% [markdown] slideshow={"slide_type": "skip"} tags=["colab"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/adlib-course/adlib-course/blob/v0.1.0/notebooks/07_feedforward.ipynb)
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

jax.config.update("jax_enable_x64", True)  # float64 before any JAX array exists
import ipywidgets as widgets
import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np

import adlib
import adlib.numpy as anp
from adlib.course import exercises, projector
from adlib.course.claims import claim
from adlib.course.i18n import plural_ru, tr
from adlib.course.mlp import init_weights, layer_table, memory_summary, one_hot, plot_memory, shapes_table, two_spirals

projector.use()
np.set_printoptions(precision=4, suppress=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Forward pass / Прямой проход
#
# * $v_0 = x$: a **batch** of data, $x \in \mathbb R^{b \times d}$ ($b = 1$ for a single example).
# * For $k = 1, \dots, t$: $\; z_k = v_{k-1} w_k$, $\; v_k = \sigma(z_k)$, with $w_k \in \mathbb R^{n_{k-1} \times
#   n_k}$ and $n_k$ the width of layer $k$. Here $\sigma = \tanh$ on the hidden layers and the identity on the last
#   one ($v_t$ are the logits).
# * $L = L(v_t)$: the mean cross-entropy $L = \frac1b \sum_i \bigl(\log \sum_j e^{v_{t,ij}} - \sum_j Y_{ij}
#   v_{t,ij}\bigr)$.
#
# The data: two interleaved spirals (`adlib.course.mlp.two_spirals`, seeded: 200 points per class, 1.5 turns, noise
# 0.08; drawn at the end). Each input row is $(x_1, x_2, 1)$: the constant 1 lets $w_1$ carry a bias, so that every
# layer keeps the slide's form $v_k = \sigma(v_{k-1} w_k)$ without a separate $+\,b_k$. The network:
# $n = (3, 16, 16, 2)$, so $t = 3$ layers, on a batch of $b = 8$ points.

# %% slideshow={"slide_type": "subslide"}
X, y = two_spirals(n_per_class=200, turns=1.5, noise=0.08, seed=0)
V0 = np.hstack([X, np.ones((len(X), 1))])  # v_0 for the whole data set: 400 × 3
Y = one_hot(y, 2)  # 400 × 2, targets as rows of the identity
print(tr(f"X {X.shape}, labels {np.bincount(y)}, v_0 {V0.shape}, Y {Y.shape}",
         f"X {X.shape}, метки {np.bincount(y)}, v_0 {V0.shape}, Y {Y.shape}"))

widths = [3, 16, 16, 2]  # n_0 = 3 inputs, two hidden layers of 16, n_t = 2 classes
ws = init_weights(widths, seed=1)  # w_k: n_{k-1} × n_k, entries N(0, 1/n_{k-1})
t = len(ws)
b = 8
x, Yb = V0[:b], Y[:b]  # a batch of b = 8 examples


def sigma(z, k, t):
    return np.tanh(z) if k < t else z  # tanh on hidden layers, identity on the output layer


def forward(ws, x, verbose=False):
    """The forward pass; returns every v_k (backprop needs them: they are the stored activations)."""
    t = len(ws)
    vs = [x]  # v_0 = x
    for k in range(1, t + 1):
        z = vs[k - 1] @ ws[k - 1]  # z_k = v_{k-1} w_k
        vs.append(sigma(z, k, t))  # v_k = σ(z_k)
        if verbose:
            print(f"v_{k} = σ(v_{k - 1} w_{k}):  {vs[k].shape} = σ({vs[k - 1].shape} · {ws[k - 1].shape})"
                  f"   b×n_{k} = (b×n_{k - 1})(n_{k - 1}×n_{k})")
    return vs


def loss_from_logits(v_t, Y):
    m = v_t.max(axis=1, keepdims=True)
    logsumexp = np.log(np.exp(v_t - m).sum(axis=1)) + m[:, 0]
    return np.mean(logsumexp - np.sum(Y * v_t, axis=1))


vs = forward(ws, x, verbose=True)
print(f"L = L(v_{t}) = {loss_from_logits(vs[-1], Yb):.6f}   " + tr("(a scalar)", "(скаляр)"))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Backward pass / Обратный проход
#
# * $v_{t+1} = L$, $\;\dfrac{\partial L}{\partial L} = 1$; for the cross-entropy $\dfrac{\partial L}{\partial v_t} =
#   \dfrac1b(\operatorname{softmax}(v_t) - Y)$, shape $b \times n_t$.
# * For $k = t, t-1, \dots, 1$ (with $\delta_k = \partial L/\partial z_k = \partial L/\partial v_k \odot
#   \sigma'(z_k)$, $\;b \times n_k$):
#
# $$\underbrace{\frac{\partial L}{\partial v_{k-1}}}_{b \times n_{k-1}} =
#   \underbrace{\frac{\partial L}{\partial v_k}}_{b \times n_k}
#   \underbrace{\frac{\partial v_k}{\partial v_{k-1}}}_{n_k \times n_{k-1}} = \delta_k\, w_k^\top, \qquad
#   \underbrace{\frac{\partial L}{\partial w_k}}_{n_{k-1} \times n_k} = v_{k-1}^\top\, \delta_k .$$
#
# (The slide writes the same step one index up: $\partial L/\partial v_k = \partial L/\partial v_{k+1} \cdot
# \partial v_{k+1}/\partial v_k$, $\;b \times n_k = (b \times n_{k+1})(n_{k+1} \times n_k)$. Its second line,
# $\partial L/\partial w_k = \partial L/\partial v_{k+1} \cdot \partial v_{k+1}/\partial w_k$ of shape
# $b \times n_{k-1} \cdot n_k$, is in our indices $\partial L/\partial v_k \cdot \partial v_k/\partial w_k$, since
# $w_k$ enters through $v_k$: per example $i$ a $(1 \times n_k)(n_k \times n_{k-1} n_k)$ product, one row of
# $n_{k-1} n_k$ numbers, the flattened $v_{k-1,i}^\top \delta_{k,i}$. Our $v_{k-1}^\top \delta_k$ is the sum of these
# $b$ rows, checked below.) The per-example
# Jacobian $\partial v_k / \partial v_{k-1} = \operatorname{diag}(\sigma'(z_k))\, w_k^\top$ is $n_k \times n_{k-1}$;
# backprop never forms it, it multiplies by it.

# %% slideshow={"slide_type": "subslide"}
def backward(ws, vs, Y, verbose=False):
    """Hand-written reverse mode for the network above: ∂L/∂w_k for k = 1 … t."""
    t, b = len(ws), Y.shape[0]
    p = np.exp(vs[t] - vs[t].max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)  # softmax(v_t)
    dv = (p - Y) / b  # ∂L/∂v_t
    if verbose:
        print(f"∂L/∂v_{t} = (softmax(v_{t}) − Y)/b:  {dv.shape}   b×n_{t}")
    grads = [None] * t
    for k in range(t, 0, -1):
        delta = dv * (1 - vs[k] ** 2) if k < t else dv  # δ_k = ∂L/∂v_k ⊙ σ'(z_k); tanh' = 1 − tanh²
        grads[k - 1] = vs[k - 1].T @ delta  # ∂L/∂w_k = v_{k-1}ᵀ δ_k
        dv = delta @ ws[k - 1].T  # ∂L/∂v_{k-1} = δ_k w_kᵀ
        if verbose:
            print(f"k = {k}:  ∂L/∂w_{k} = v_{k - 1}ᵀ δ_{k}:  {grads[k - 1].shape} = {vs[k - 1].T.shape} · "
                  f"{delta.shape}   n_{k - 1}×n_{k} = (n_{k - 1}×b)(b×n_{k})")
            print(f"        ∂L/∂v_{k - 1} = δ_{k} w_{k}ᵀ:    {dv.shape} = {delta.shape} · {ws[k - 1].T.shape}"
                  f"   b×n_{k - 1} = (b×n_{k})(n_{k}×n_{k - 1})")
    return grads


grads = backward(ws, vs, Yb, verbose=True)

# %% [markdown] slideshow={"slide_type": "subslide"}
# The slide's $n_k \times n_{k-1}$ Jacobian exists per example: `adlib.jacrev` of one layer at one example gives
# exactly $\operatorname{diag}(\sigma'(z_k))\, w_k^\top$. And the slide's "$b \times n_{k-1} \cdot n_k$" for
# $\partial L/\partial w_k$ is the stack of the $b$ **per-example** gradients $v_{k-1,i}^\top \delta_{k,i}$; the
# batch gradient is their sum — one matrix product does both.

# %% slideshow={"slide_type": "fragment"}
k = 2
layer = lambda v: anp.tanh(v @ ws[k - 1])  # v_{k-1} ↦ v_k for one example
J_layer = adlib.jacrev(layer)(vs[k - 1][0])
by_hand = np.diag(1 - vs[k][0] ** 2) @ ws[k - 1].T
np.testing.assert_allclose(J_layer, by_hand, rtol=1e-12, atol=1e-15)
print(tr(f"∂v_{k}/∂v_{k - 1} for one example: {J_layer.shape} = n_{k}×n_{k - 1}; jacrev == diag(σ') w_{k}ᵀ",
         f"∂v_{k}/∂v_{k - 1} для одного примера: {J_layer.shape} = n_{k}×n_{k - 1}; jacrev == diag(σ') w_{k}ᵀ"))

p = np.exp(vs[t] - vs[t].max(axis=1, keepdims=True))
dv = (p / p.sum(axis=1, keepdims=True) - Yb) / b
for j in range(t, k, -1):  # back from the loss to ∂L/∂v_k
    dv = (dv * (1 - vs[j] ** 2) if j < t else dv) @ ws[j - 1].T
delta_k = dv * (1 - vs[k] ** 2)
per_example = vs[k - 1][:, :, None] * delta_k[:, None, :]  # b × n_{k-1} × n_k
print(tr(f"per-example ∂L/∂w_{k}: {per_example.reshape(b, -1).shape} = b×(n_{k - 1}·n_{k}); "
         f"summed over the batch: {per_example.sum(0).shape}",
         f"∂L/∂w_{k} по примерам: {per_example.reshape(b, -1).shape} = b×(n_{k - 1}·n_{k}); "
         f"сумма по батчу: {per_example.sum(0).shape}"))
np.testing.assert_allclose(per_example.sum(axis=0), grads[k - 1], rtol=1e-12, atol=1e-15)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Checked against adlib and JAX / Проверка с adlib и JAX
#
# The same loss written once with `adlib.numpy` and once with `jax.numpy`; `grad` with respect to the list of
# weights (a pytree) must give the hand-written gradients to $10^{-10}$, on the small batch and on all 400 points.


# %% slideshow={"slide_type": "fragment"}
def make_loss(np_, logsumexp):
    def L(ws, x, Y):
        v = x
        for k, w in enumerate(ws, 1):
            v = np_.tanh(v @ w) if k < len(ws) else v @ w
        return np_.mean(logsumexp(v, axis=1) - np_.sum(Y * v, axis=1))

    return L


L_adlib = make_loss(anp, anp.logsumexp)
L_jax = make_loss(jnp, jax.nn.logsumexp)
for name, (xb, Yb_) in {tr("batch of 8", "батч из 8 точек"): (x, Yb),
                         tr("all 400 points", "все 400 точек"): (V0, Y)}.items():
    by_hand = backward(ws, forward(ws, xb), Yb_)
    g_adlib = adlib.grad(L_adlib)(ws, xb, Yb_)
    g_jax = jax.jit(jax.grad(L_jax))(ws, xb, Yb_)  # jit: one compilation instead of one per operation
    np.testing.assert_allclose(loss_from_logits(forward(ws, xb)[-1], Yb_), L_jax(ws, xb, Yb_), rtol=1e-12)
    for k, (h, a, j) in enumerate(zip(by_hand, g_adlib, g_jax), 1):
        np.testing.assert_allclose(h, a, rtol=1e-10, atol=1e-12, err_msg=f"∂L/∂w_{k}: hand vs adlib")
        np.testing.assert_allclose(h, j, rtol=1e-10, atol=1e-12, err_msg=f"∂L/∂w_{k}: hand vs jax")
    worst = max(np.max(np.abs(h - a)) for h, a in zip(by_hand, g_adlib))
    print(tr(f"{name}: hand-written ∂L/∂w_k == adlib.grad == jax.grad (k = 1…{t}), max |hand − adlib| = {worst:.1e}",
             f"{name}: ∂L/∂w_k вручную == adlib.grad == jax.grad (k = 1…{t}), "
             f"max |вручную − adlib| = {worst:.1e}"))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn: backprop through a ReLU layer / Ваша очередь: обратный проход через слой ReLU
#
# The same two formulas for a layer with $\sigma = \operatorname{relu}$: $v_k = \max(z_k, 0)$, $z_k = v_{k-1} w_k$,
# and $\operatorname{relu}'(z) = 1$ where $z > 0$, $0$ where $z < 0$. The layer below takes the network's hidden
# activations as its input $v_{k-1}$ ($b \times 16$) and has a seeded weight $w_k$ of shape $16 \times 12$ (not
# square, so that a transpose in the wrong place shows as a wrong shape); $u = \partial L/\partial v_k$
# ($b \times 12$) is an adjoint arriving from the layers above it.

# %% slideshow={"slide_type": "fragment"}
relu_rng = np.random.default_rng(7)
w_relu = relu_rng.standard_normal((16, 12)) / 4  # w_k: n_{k-1} × n_k = 16 × 12
relu_inputs = [vs[1], vs[2]]  # two inputs v_{k-1} (b × 16): the hidden activations of the network above
relu_weights = [w_relu, relu_rng.standard_normal((16, 12)) / 4]  # two weights, for the gradient in w_k
relu_adjoints = [relu_rng.standard_normal((b, 12)) for _ in range(2)]  # u = ∂L/∂v_k, b × 12


def relu_layer(v_prev):  # v_{k-1} ↦ v_k = max(v_{k-1} w_k, 0), the weight fixed
    return anp.maximum(v_prev @ w_relu, 0.0)


def relu_of_weights(w):  # w_k ↦ v_k = max(v_1 w_k, 0), the input fixed
    return anp.maximum(vs[1] @ w, 0.0)


z_all = [v @ w_relu for v in relu_inputs] + [vs[1] @ w for w in relu_weights]
z_min, on = min(np.min(np.abs(z)) for z in z_all), np.mean([np.mean(z > 0) for z in z_all])
print(tr(f"z_k: {z_all[0].shape}; {on:.0%} of its entries positive; smallest |z_k| = {z_min:.1e}",
         f"z_k: {z_all[0].shape}; положительных элементов {on:.0%}; наименьшее |z_k| = {z_min:.1e}"))
claim(z_min > 1e-3, "no pre-activation sits at the kink z = 0 (where relu' is undefined and finite differences "
      "would straddle it)", z_min=z_min)

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 7.1** / **Упражнение 7.1** — the adjoint of the input. Write $\partial L/\partial v_{k-1}$ from
# $v_{k-1}$ and $u = \partial L/\partial v_k$: first $\delta_k = u \odot \operatorname{relu}'(z_k)$, then one matrix
# product. Checked against `adlib.vjp`, finite differences and `jax.vjp` at two inputs.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def my_relu_input_adjoint(v_prev, u):
    # your code here: z = ...; delta = ...; return ∂L/∂v_{k-1}, shape b × 16
    raise NotImplementedError


exercises.check_vjp(my_relu_input_adjoint, relu_layer, relu_inputs, relu_adjoints,
                    f_jax=lambda v_prev: jnp.maximum(v_prev @ w_relu, 0.0),
                    hint=("δ_k = u ⊙ [z_k > 0] is b × 12; the result must be b × 16, so multiply by w_k or by its "
                          "transpose, whichever the shapes allow",
                          "δ_k = u ⊙ [z_k > 0] имеет размер b × 12, а результат должен быть b × 16: умножьте на w_k или "
                          "на транспонированную к ней матрицу — на ту, которую допускают размеры"))


# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Solution / Решение
def solution_relu_input_adjoint(v_prev, u):
    z = v_prev @ w_relu  # z_k = v_{k-1} w_k, b × 12 (recomputed here; the forward pass had it)
    delta = u * (z > 0)  # δ_k = u ⊙ relu'(z_k): the adjoint passes only where the unit was on
    return delta @ w_relu.T  # ∂L/∂v_{k-1} = δ_k w_kᵀ: (b × 12)(12 × 16) = b × 16


exercises.check_vjp(solution_relu_input_adjoint, relu_layer, relu_inputs, relu_adjoints,
                    f_jax=lambda v_prev: jnp.maximum(v_prev @ w_relu, 0.0)).assert_passed()

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 7.2** / **Упражнение 7.2** — the gradient in the weights. Now the input is fixed, $v_{k-1} = v_1$
# (`vs[1]`), and the layer is a function of $w_k$: write $\partial L/\partial w_k$ (shape $16 \times 12$, the
# shape of $w_k$) from $w_k$ and $u$. Checked the same way, at two weights.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def my_relu_weight_gradient(w, u):
    # your code here: use vs[1] as v_{k-1}; return ∂L/∂w_k, shape 16 × 12
    raise NotImplementedError


exercises.check_vjp(my_relu_weight_gradient, relu_of_weights, relu_weights, relu_adjoints,
                    f_jax=lambda w: jnp.maximum(vs[1] @ w, 0.0),
                    hint=("the same δ_k = u ⊙ [z_k > 0] with z_k = v_1 w_k; ∂L/∂w_k sums over the b examples: "
                          "(16 × b)(b × 12)",
                          "то же δ_k = u ⊙ [z_k > 0], где z_k = v_1 w_k; ∂L/∂w_k — сумма по b примерам: "
                          "(16 × b)(b × 12)"))


# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Solution / Решение
def solution_relu_weight_gradient(w, u):
    v_prev = vs[1]  # the stored input of the layer, b × 16
    delta = u * (v_prev @ w > 0)  # δ_k = u ⊙ relu'(z_k), b × 12
    return v_prev.T @ delta  # ∂L/∂w_k = v_{k-1}ᵀ δ_k: (16 × b)(b × 12), the sum of the b per-example outer products


exercises.check_vjp(solution_relu_weight_gradient, relu_of_weights, relu_weights, relu_adjoints,
                    f_jax=lambda w: jnp.maximum(vs[1] @ w, 0.0)).assert_passed()

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 7.3** / **Упражнение 7.3** — what must be stored? Between the forward and the backward pass, what
# must the ReLU layer keep so that the backward pass can compute both of your answers, $\partial L/\partial v_{k-1}$
# and $\partial L/\partial w_k$ ($w_k$ itself is always at hand)? The least that suffices:
#
# * **a** — the per-example Jacobians $\partial v_k/\partial v_{k-1}$: $b$ matrices of $12 \times 16$;
# * **b** — the input $v_{k-1}$ and the sign pattern of $z_k$ (one bit per entry of $v_k$);
# * **c** — nothing: the backward pass needs only $u$ and $w_k$;
# * **d** — the output $v_k$ only.
#
# Answer with a letter; the cell after the solution runs the backward pass from the stored values alone.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_stored = None  # your code here: "a", "b", "c" or "d"

exercises.check_choice(my_stored, "b", ["a", "b", "c", "d"],
                       hint=("look at what each formula reads: δ_k = u ⊙ relu'(z_k) and ∂L/∂w_k = v_{k-1}ᵀ δ_k",
                             "посмотрите, какие величины использует каждая формула: δ_k = u ⊙ relu'(z_k) и "
                             "∂L/∂w_k = v_{k-1}ᵀ δ_k"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Solution / Решение
# δ_k = u ⊙ relu'(z_k) reads only the signs of z_k (z_k > 0 exactly where v_k > 0, so v_k would do too);
# ∂L/∂w_k = v_{k-1}ᵀ δ_k reads the input v_{k-1}: (d) lacks it, (c) has neither. (a) suffices for ∂L/∂v_{k-1}
# but not for ∂L/∂w_k, and it is 16 times the numbers of v_k: backprop applies diag(relu') w_kᵀ, never stores it.
solution_stored = "b"

exercises.check_choice(solution_stored, "b", ["a", "b", "c", "d"]).assert_passed()

# %% slideshow={"slide_type": "subslide"}
stored = {"v_prev": vs[1], "signs": np.packbits(relu_layer(vs[1]) > 0)}  # (b): the input, and one bit per entry
u = relu_adjoints[0]
delta = u * np.unpackbits(stored["signs"], count=b * 12).reshape(b, 12)  # δ_k from the bits alone
dL_dv_prev, dL_dw = delta @ w_relu.T, stored["v_prev"].T @ delta
np.testing.assert_allclose(dL_dv_prev, adlib.vjp(relu_layer, vs[1])[1](u)[0], rtol=1e-12, atol=1e-15)
np.testing.assert_allclose(dL_dw, adlib.vjp(relu_of_weights, w_relu)[1](u)[0], rtol=1e-12, atol=1e-15)
kept = {"v_{k-1} (float64)": stored["v_prev"].nbytes,
        tr("signs of z_k (bits)", "знаки z_k (биты)"): stored["signs"].nbytes,
        tr("(a) per-example Jacobians (float64)", "(a) якобианы по примерам (float64)"): b * 12 * 16 * 8}
for name, nbytes in kept.items():
    print(f"{name:36} {nbytes:6d} " + tr("B", "Б"))
print(tr("the backward pass from (b) alone == adlib.vjp, for ∂L/∂v_{k-1} and for ∂L/∂w_k",
         "обратный проход только по (b) == adlib.vjp, и для ∂L/∂v_{k-1}, и для ∂L/∂w_k"))

# %% [markdown] slideshow={"slide_type": "fragment"}
# A ReLU layer needs less than a tanh layer: the tanh backward above reads the values $v_k$ ($1 - v_k^2$), a ReLU
# backward only their signs. Both need their input $v_{k-1}$ for $\partial L/\partial w_k$ — which is the previous
# layer's output: over the whole network, the activations themselves, as the next section counts.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Shapes and memory / Размерности и память
#
# The shapes are the slide's, for any $b$ and widths; the memory columns go beyond the lecture. Backprop keeps every activation $v_0, \dots, v_t$ of the forward pass until the backward pass has used it:
# $b \sum_k n_k$ numbers, linear in the batch size. What would it take instead to keep the slide's Jacobians
# $\partial v_k / \partial v_{k-1}$, one $n_k \times n_{k-1}$ matrix per example (what `jax.vmap(jax.jacrev(layer))`
# returns)? $b \sum_k n_k n_{k-1}$ numbers: also linear in $b$, but each example's $n_k \times n_{k-1}$ matrix
# takes the place of its row of $n_k$ activations, $n_{k-1}$ times as many numbers. Backprop
# never forms them: $\operatorname{diag}(\sigma'(z_k))\, w_k^\top$ is applied from the stored $v_k$ and the shared
# $w_k$ — a factored form of the same $b$ matrices. (The Jacobian of the whole batch as one
# $(b\,n_k) \times (b\,n_{k-1})$ matrix is block diagonal with exactly these $b$ blocks; nobody stores its zeros.)
#
# `layer_table(b, widths)`, `memory_summary(b, widths)` and `shapes_table(b, widths)` (pure functions in
# `adlib.course.mlp`) compute it; here first for the network of the code above, $n = (3, 16, 16, 2)$, $b = 8$, then
# for the network trained below, $n = (3, 32, 32, 2)$, $b = 64$:

# %% slideshow={"slide_type": "subslide"}
print(shapes_table(b, widths), end="\n\n")  # the code above: n = (3, 16, 16, 2), b = 8
for row, v_in, v_out, w, g in zip(layer_table(b, widths), vs[:-1], vs[1:], ws, grads):
    assert (row["v_in"], row["v_out"], row["w"], row["dL_dw"]) == (v_in.shape, v_out.shape, w.shape, g.shape)
assert layer_table(b, widths)[1]["jacobian_per_sample"] == J_layer.shape  # ∂v_2/∂v_1 from jacrev above
widths_shown, b_shown = [3, 32, 32, 2], 64
print(shapes_table(b_shown, widths_shown))
memory = memory_summary(b_shown, widths_shown)
ratio = memory["jacobians"] / memory["activations"]
print(tr(f"per-example Jacobians / stored activations = {ratio:.1f} (the same for every b: both are linear in b)",
         f"якобианы по примерам / хранимые активации = {ratio:.1f} (одно и то же при любом b: "
         f"оба линейны по b)"))
claim(ratio > 10 and memory_summary(10 * b_shown, widths_shown)["jacobians"] == 10 * memory["jacobians"],
      "the per-example Jacobians take more than ten times the activations' memory, and grow linearly in b",
      ratio=ratio)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Every shape in the first table is the shape of a tensor the code above produced: $v_{k-1}$, $v_k$, $w_k$,
# $\partial L/\partial w_k$ and the `jacrev` Jacobian of layer 2 (the cell asserts it; `tests/course/test_mlp.py`
# checks the tables for other widths against a forward pass, `adlib.grad` and `adlib.jacrev`). At the second
# table's widths the per-example Jacobians would take more than ten times the memory of the activations (the ratio
# printed above), at every batch size; the figure after the widget shows how both grow with $b$, the widget also
# with the widths.


# %% slideshow={"slide_type": "subslide"}
def show_memory(b, widths):
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    plot_memory(b, widths, ax=ax)  # adlib.course.mlp: the three totals of memory_summary against b
    fig.tight_layout()
    plt.show()


def show_shapes(b=64, width=32, depth=2):
    widths = [3] + [width] * depth + [2]
    print(shapes_table(b, widths))
    show_memory(b, widths)


_ = widgets.interact(
    show_shapes,
    b=widgets.IntSlider(value=64, min=1, max=4096, step=1, description=tr("batch b", "батч b"),
                        continuous_update=False),
    width=widgets.IntSlider(value=32, min=1, max=1024, step=1, description=tr("width n_k", "ширина n_k"),
                            continuous_update=False),
    depth=widgets.IntSlider(value=2, min=1, max=8, step=1, description=tr("hidden layers", "число скрытых слоёв"),
                            continuous_update=False),
)

# %% [markdown] slideshow={"slide_type": "fragment"}
# The widget's figure without the widget (what a static export shows), at its defaults, the second table's network:
# both the stored activations and the per-example Jacobians grow linearly in $b$ (parallel lines on log–log axes, a
# constant factor apart), the weights not at all.

# %% slideshow={"slide_type": "fragment"}
show_memory(b_shown, widths_shown)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Beyond the lecture: training with the hand-written gradient / За рамками лекции: обучение с обратным проходом, написанным вручную
#
# The data, two spirals: no straight line separates them, so the network has to bend space. Stochastic gradient
# descent with momentum (batches of $b = 64$, seeded) on the network of the table above, $n = (3, 32, 32, 2)$, using
# only `forward` and `backward`; the full-data loss is recorded every 20 steps.

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(4.6, 4.6))
for c, color in [(0, "tab:blue"), (1, "tab:orange")]:
    ax.scatter(*X[y == c].T, s=10, color=color, label=tr(f"class {c}", f"класс {c}"))
ax.set_aspect("equal")
ax.set_xlabel("$x_1$")
ax.set_ylabel("$x_2$")
ax.set_title(tr("two spirals (seed 0)", "две спирали (зерно 0)"))
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=10)  # below: no point hidden
fig.tight_layout()
plt.show()

# %% slideshow={"slide_type": "subslide"}
widths_train = widths_shown  # [3, 32, 32, 2]
ws_train = init_weights(widths_train, seed=1)
rng = np.random.default_rng(2)
lr, beta, steps, batch = 0.1, 0.9, 3000, 64
velocity = [np.zeros_like(w) for w in ws_train]
history = []
for step in range(steps + 1):
    if step % 20 == 0:
        history.append((step, loss_from_logits(forward(ws_train, V0)[-1], Y)))
    idx = rng.choice(len(y), size=batch, replace=False)
    grads = backward(ws_train, forward(ws_train, V0[idx]), Y[idx])
    for w, v, g in zip(ws_train, velocity, grads):
        v *= beta
        v += g
        w -= lr * v
accuracy = np.mean(forward(ws_train, V0)[-1].argmax(axis=1) == y)
for h, a in zip(backward(ws_train, forward(ws_train, V0), Y), adlib.grad(L_adlib)(ws_train, V0, Y)):
    np.testing.assert_allclose(h, a, rtol=1e-10, atol=1e-12)  # still exact at the trained weights
print(tr(f"after {steps} steps: loss {history[-1][1]:.4f} (from {history[0][1]:.4f}), training accuracy {accuracy:.1%}",
         f"после {steps} {plural_ru(steps, 'шага', 'шагов', 'шагов')}: потери {history[-1][1]:.4f} "
         f"(было {history[0][1]:.4f}), точность на обучающей выборке {accuracy:.1%}"))
claim(history[-1][1] < history[0][1] / 10, "the loss falls by more than an order of magnitude",
      first=history[0][1], last=history[-1][1])
claim(accuracy > 0.9, "the trained network classifies more than 90% of the points correctly", accuracy=accuracy)

# %% slideshow={"slide_type": "subslide"}
steps_, losses = np.array(history).T
grid = np.linspace(-1.4, 1.4, 200)
G1, G2 = np.meshgrid(grid, grid)
logits = forward(ws_train, np.stack([G1.ravel(), G2.ravel(), np.ones(G1.size)], axis=1))[-1]
fig, axes = plt.subplots(1, 2, figsize=(11, 4.8))
axes[0].semilogy(steps_, losses)
axes[0].set_xlabel(tr("SGD step", "шаг SGD"))
axes[0].set_ylabel(tr("cross-entropy on all 400 points (log scale)",
                      "перекрёстная энтропия (400 точек)"))
axes[0].set_title(tr("loss curve: hand-written backprop", "кривая потерь: обратный проход вручную"))
axes[0].grid(True, alpha=0.3)
axes[1].contourf(G1, G2, (logits[:, 1] - logits[:, 0]).reshape(G1.shape), levels=[-1e9, 0, 1e9],
                 colors=["tab:blue", "tab:orange"], alpha=0.25)
for c, color in [(0, "tab:blue"), (1, "tab:orange")]:
    axes[1].scatter(*X[y == c].T, s=8, color=color, label=tr(f"class {c}", f"класс {c}"))
axes[1].set_aspect("equal")
axes[1].set_xlabel("$x_1$")
axes[1].set_ylabel("$x_2$")
axes[1].set_title(tr(f"decision regions, training accuracy {accuracy:.1%}",
                     f"области решений, точность на обучении {accuracy:.1%}"))
axes[1].legend(loc="lower right", fontsize=10)
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# What to see: the loss falls by more than an order of magnitude (left, log scale) and the decision boundary
# (right) winds between the two spirals, with more than 90% of the points on their side (both checked in the
# training cell) — a network no linear model could replace, trained with twenty lines of hand-written backprop.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary / Итоги
#
# * Forward: $v_k = \sigma(v_{k-1} w_k)$, $\;b \times n_k = \sigma\bigl((b \times n_{k-1})(n_{k-1} \times n_k)\bigr)$.
# * Backward: $\partial L/\partial v_{k-1} = \delta_k w_k^\top$ and $\partial L/\partial w_k = v_{k-1}^\top \delta_k$
#   with $\delta_k = \partial L/\partial v_k \odot \sigma'(z_k)$ — two matrix products per layer, the per-example
#   $n_k \times n_{k-1}$ Jacobian applied, never formed.
# * The hand-written gradients equal `adlib.grad` and `jax.grad` to $10^{-10}$ and train the network.
# * The price of reverse mode: every activation is stored, $b \sum_k n_k$ numbers — a factored form of the
#   $b \sum_k n_k n_{k-1}$ numbers of the per-example Jacobians.
#
# Next: [08 — Hessian-vector products](08_hvp.ipynb), curvature of such a loss without forming the Hessian.
