# ---
# jupyter:
#   course:
#     summary: Backprop through an MLP by hand, every shape; = adlib/JAX grad
#   jupytext:
#     cell_metadata_filter: slideshow,tags,jupyter,cellView,en,-all
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

# %% [markdown] en="5f8140b5b7" slideshow={"slide_type": "slide"}
# # Архитектура прямого распространения
#
# Рис. 27 лекции в коде: многослойный перцептрон $v_k = \sigma(v_{k-1} w_k)$ на батче данных, его прямой и обратный
# проходы, **выписанные вручную**, и рядом с формулой — размерность каждого тензора ($b \times n_k$,
# $n_{k+1} \times n_k$, …). Написанный вручную градиент сверяется с `adlib.grad` и `jax.grad` до $10^{-10}$; таблица
# и виджет показывают размерности и память под хранимые активации при любом размере батча и любых ширинах слоёв. В
# трёх упражнениях вы сами напишете обратный проход слоя ReLU (и скажете, что он должен хранить). За рамками лекции
# написанный вручную градиент обучает сеть.
#
# Опирается на [06 — choose your fighter](06_choose_your_fighter.ipynb) (одна скалярная функция потерь: обратный
# режим) и [05 — обратный режим](05_reverse_mode.ipynb); ведёт к [08 — произведение гессиана на вектор](08_hvp.ipynb).

# %% [markdown] slideshow={"slide_type": "skip"} tags=["colab"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/adlib-course/adlib-course/blob/v0.1.0/notebooks/ru/07_feedforward.ipynb)
#
# В Colab следующая ячейка сначала устанавливает `adlib` курса (вне Colab установка пропускается), затем
# в любом случае включает русский язык подписей и сообщений курса.

# %% slideshow={"slide_type": "skip"} tags=["colab"]
# Только в Google Colab: установить adlib этого курса закреплённой версии. pip по умолчанию оставляет
# все пакеты, которые в Colab уже есть (ничего не обновляет). Не `pip install adlib`: это другой проект.
import importlib
import subprocess
import sys

if "google.colab" in sys.modules:
    spec = "adlib-course[notebooks] @ git+https://github.com/adlib-course/adlib-course@v0.1.0"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", spec], check=True)
    importlib.invalidate_caches()

from adlib.course.i18n import set_language

set_language("ru")  # русская редакция: подписи графиков, виджеты и проверки упражнений — на русском

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

# %% [markdown] en="499e8740ae" slideshow={"slide_type": "slide"}
# ## Прямой проход
#
# * $v_0 = x$: на вход подаётся **батч** данных, $x \in \mathbb R^{b \times d}$ ($b = 1$ для одного объекта).
# * Для $k = 1, \dots, t$: $\; z_k = v_{k-1} w_k$, $\; v_k = \sigma(z_k)$, где $w_k \in \mathbb R^{n_{k-1} \times
#   n_k}$, а $n_k$ — ширина слоя $k$. Здесь $\sigma = \tanh$ на скрытых слоях и тождественная функция на последнем
#   ($v_t$ — логиты).
# * $L = L(v_t)$: средняя перекрёстная энтропия $L = \frac1b \sum_i \bigl(\log \sum_j e^{v_{t,ij}} - \sum_j Y_{ij}
#   v_{t,ij}\bigr)$.
#
# Данные — две переплетённые спирали (`adlib.course.mlp.two_spirals` с фиксированным зерном: 200 точек на класс,
# 1.5 витка, шум 0.08; рисунок — в конце). Каждая строка входа — это $(x_1, x_2, 1)$: константа 1 позволяет $w_1$
# содержать сдвиг, так что каждый слой сохраняет вид со слайда $v_k = \sigma(v_{k-1} w_k)$ без отдельного
# слагаемого $+\,b_k$. Сеть: $n = (3, 16, 16, 2)$, то есть $t = 3$ слоя, на батче из $b = 8$ точек.

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

# %% [markdown] en="6de1aa5b28" slideshow={"slide_type": "slide"}
# ## Обратный проход
#
# * $v_{t+1} = L$, $\;\dfrac{\partial L}{\partial L} = 1$; для перекрёстной энтропии $\dfrac{\partial L}{\partial v_t} =
#   \dfrac1b(\operatorname{softmax}(v_t) - Y)$, размер $b \times n_t$.
# * Для $k = t, t-1, \dots, 1$ (где $\delta_k = \partial L/\partial z_k = \partial L/\partial v_k \odot
#   \sigma'(z_k)$, $\;b \times n_k$):
#
# $$\underbrace{\frac{\partial L}{\partial v_{k-1}}}_{b \times n_{k-1}} =
#   \underbrace{\frac{\partial L}{\partial v_k}}_{b \times n_k}
#   \underbrace{\frac{\partial v_k}{\partial v_{k-1}}}_{n_k \times n_{k-1}} = \delta_k\, w_k^\top, \qquad
#   \underbrace{\frac{\partial L}{\partial w_k}}_{n_{k-1} \times n_k} = v_{k-1}^\top\, \delta_k .$$
#
# (На слайде тот же шаг записан с индексом на единицу больше: $\partial L/\partial v_k = \partial L/\partial v_{k+1}
# \cdot \partial v_{k+1}/\partial v_k$, $\;b \times n_k = (b \times n_{k+1})(n_{k+1} \times n_k)$. Его вторая строка,
# $\partial L/\partial w_k = \partial L/\partial v_{k+1} \cdot \partial v_{k+1}/\partial w_k$ размера
# $b \times n_{k-1} \cdot n_k$, в наших индексах — это $\partial L/\partial v_k \cdot \partial v_k/\partial w_k$,
# поскольку $w_k$ входит через $v_k$: для каждого примера $i$ — произведение $(1 \times n_k)(n_k \times n_{k-1} n_k)$,
# одна строка из $n_{k-1} n_k$ чисел, развёрнутая в строку матрица $v_{k-1,i}^\top \delta_{k,i}$. Наше
# $v_{k-1}^\top \delta_k$ — сумма этих $b$ строк; это проверено ниже.) Якобиан одного примера
# $\partial v_k / \partial v_{k-1} = \operatorname{diag}(\sigma'(z_k))\, w_k^\top$ имеет размер $n_k \times n_{k-1}$;
# обратное распространение ошибки никогда его не строит, а только умножает на него.

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

# %% [markdown] en="5d3ffcbe1b" slideshow={"slide_type": "subslide"}
# Якобиан $n_k \times n_{k-1}$ со слайда существует для каждого примера: `adlib.jacrev` одного слоя в одном примере
# даёт в точности $\operatorname{diag}(\sigma'(z_k))\, w_k^\top$. А «$b \times n_{k-1} \cdot n_k$» со слайда для
# $\partial L/\partial w_k$ — это стопка из $b$ градиентов **отдельных примеров** $v_{k-1,i}^\top \delta_{k,i}$;
# градиент по батчу — их сумма, и одно матричное произведение делает и то и другое.

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

# %% [markdown] en="86ff81d76d" slideshow={"slide_type": "slide"}
# ## Проверка с adlib и JAX
#
# Одна и та же функция потерь записана один раз через `adlib.numpy` и ещё раз через `jax.numpy`; `grad` по списку
# весов (pytree) должен давать написанные вручную градиенты до $10^{-10}$ — и на малом батче, и на всех 400 точках.


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

# %% [markdown] en="265a88e28d" slideshow={"slide_type": "slide"}
# ## Ваша очередь: обратный проход через слой ReLU
#
# Те же две формулы для слоя с $\sigma = \operatorname{relu}$: $v_k = \max(z_k, 0)$, $z_k = v_{k-1} w_k$, и
# $\operatorname{relu}'(z) = 1$ там, где $z > 0$, и $0$ там, где $z < 0$. Слой ниже получает на вход $v_{k-1}$
# скрытые активации сети ($b \times 16$), его вес $w_k$ размера $16 \times 12$ задан с фиксированным зерном (матрица
# не квадратная, чтобы транспонирование не на своём месте проявилось как неверная размерность);
# $u = \partial L/\partial v_k$ ($b \times 12$) — сопряжённая переменная, приходящая от слоёв выше.

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

# %% [markdown] en="acd9685004" slideshow={"slide_type": "subslide"}
# **Упражнение 7.1** — сопряжённая переменная входа. Запишите $\partial L/\partial v_{k-1}$ через $v_{k-1}$ и
# $u = \partial L/\partial v_k$: сначала $\delta_k = u \odot \operatorname{relu}'(z_k)$, затем одно матричное
# произведение. Проверяется по `adlib.vjp`, конечным разностям и `jax.vjp` в двух входных точках.

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
#@title Решение
def solution_relu_input_adjoint(v_prev, u):
    z = v_prev @ w_relu  # z_k = v_{k-1} w_k, b × 12 (recomputed here; the forward pass had it)
    delta = u * (z > 0)  # δ_k = u ⊙ relu'(z_k): the adjoint passes only where the unit was on
    return delta @ w_relu.T  # ∂L/∂v_{k-1} = δ_k w_kᵀ: (b × 12)(12 × 16) = b × 16


exercises.check_vjp(solution_relu_input_adjoint, relu_layer, relu_inputs, relu_adjoints,
                    f_jax=lambda v_prev: jnp.maximum(v_prev @ w_relu, 0.0)).assert_passed()

# %% [markdown] en="8f172c87ec" slideshow={"slide_type": "subslide"}
# **Упражнение 7.2** — градиент по весам. Теперь вход фиксирован, $v_{k-1} = v_1$ (`vs[1]`), и слой — функция от
# $w_k$: запишите $\partial L/\partial w_k$ (размер $16 \times 12$, как у $w_k$) через $w_k$ и $u$. Проверяется так
# же, при двух значениях весов.

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
#@title Решение
def solution_relu_weight_gradient(w, u):
    v_prev = vs[1]  # the stored input of the layer, b × 16
    delta = u * (v_prev @ w > 0)  # δ_k = u ⊙ relu'(z_k), b × 12
    return v_prev.T @ delta  # ∂L/∂w_k = v_{k-1}ᵀ δ_k: (16 × b)(b × 12), the sum of the b per-example outer products


exercises.check_vjp(solution_relu_weight_gradient, relu_of_weights, relu_weights, relu_adjoints,
                    f_jax=lambda w: jnp.maximum(vs[1] @ w, 0.0)).assert_passed()

# %% [markdown] en="5dfdc668eb" slideshow={"slide_type": "subslide"}
# **Упражнение 7.3** — что нужно хранить? Что слой ReLU должен сохранить между прямым и обратным проходом, чтобы
# обратный проход смог вычислить оба ваших ответа, $\partial L/\partial v_{k-1}$ и $\partial L/\partial w_k$ (сама
# $w_k$ всегда под рукой)? Наименьшее из того, чего достаточно:
#
# * **a** — якобианы отдельных примеров $\partial v_k/\partial v_{k-1}$: $b$ матриц $12 \times 16$;
# * **b** — вход $v_{k-1}$ и знаки $z_k$ (по одному биту на элемент $v_k$);
# * **c** — ничего: обратному проходу нужны только $u$ и $w_k$;
# * **d** — только выход $v_k$.
#
# Ответьте буквой; ячейка после решения выполняет обратный проход только по сохранённым значениям.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_stored = None  # your code here: "a", "b", "c" or "d"

exercises.check_choice(my_stored, "b", ["a", "b", "c", "d"],
                       hint=("look at what each formula reads: δ_k = u ⊙ relu'(z_k) and ∂L/∂w_k = v_{k-1}ᵀ δ_k",
                             "посмотрите, какие величины использует каждая формула: δ_k = u ⊙ relu'(z_k) и "
                             "∂L/∂w_k = v_{k-1}ᵀ δ_k"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Решение
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

# %% [markdown] en="9895673a87" slideshow={"slide_type": "fragment"}
# Слою ReLU нужно меньше, чем слою tanh: обратный проход tanh выше читает значения $v_k$ ($1 - v_k^2$), обратный
# проход ReLU — только их знаки. Обоим нужен свой вход $v_{k-1}$ для $\partial L/\partial w_k$, а это выход
# предыдущего слоя: по всей сети это и есть сами активации, которые подсчитывает следующий раздел.

# %% [markdown] en="997f19f95a" slideshow={"slide_type": "slide"}
# ## Размерности и память
#
# Размерности — те же, что на слайде, для любых $b$ и ширин; столбцы памяти выходят за рамки лекции. Обратное
# распространение ошибки хранит каждую активацию $v_0, \dots, v_t$ прямого прохода, пока обратный проход её не
# использует: $b \sum_k n_k$ чисел, линейно по размеру батча. А сколько потребовалось бы, чтобы хранить вместо них
# якобианы со слайда $\partial v_k / \partial v_{k-1}$, по одной матрице $n_k \times n_{k-1}$ на пример (то, что
# возвращает `jax.vmap(jax.jacrev(layer))`)? $b \sum_k n_k n_{k-1}$ чисел: тоже линейно по $b$, но матрица
# $n_k \times n_{k-1}$ каждого примера занимает место его строки из $n_k$ активаций — в $n_{k-1}$ раз больше чисел.
# Обратное распространение никогда их не строит: $\operatorname{diag}(\sigma'(z_k))\, w_k^\top$ применяется по
# хранимым $v_k$ и общей для всех примеров $w_k$ — это факторизованная форма тех же $b$ матриц. (Якобиан всего батча
# как одна матрица $(b\,n_k) \times (b\,n_{k-1})$ блочно-диагонален, и его блоки — ровно эти $b$ матриц; его нули
# никто не хранит.)
#
# `layer_table(b, widths)`, `memory_summary(b, widths)` и `shapes_table(b, widths)` (чистые функции из
# `adlib.course.mlp`) вычисляют всё это; здесь сначала для сети из кода выше, $n = (3, 16, 16, 2)$, $b = 8$, затем
# для сети, которая обучается ниже, $n = (3, 32, 32, 2)$, $b = 64$:

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

# %% [markdown] en="9ba9645a82" slideshow={"slide_type": "fragment"}
# Каждая размерность в первой таблице — это размерность тензора, полученного в коде выше: $v_{k-1}$, $v_k$, $w_k$,
# $\partial L/\partial w_k$ и якобиана слоя 2 из `jacrev` (ячейка это проверяет; `tests/course/test_mlp.py` сверяет
# таблицы для других ширин с прямым проходом, `adlib.grad` и `adlib.jacrev`). При ширинах второй таблицы якобианы
# отдельных примеров заняли бы более чем в десять раз больше памяти, чем активации (отношение напечатано выше), при
# любом размере батча; рисунок после виджета показывает, как и то и другое растёт с $b$, а виджет — ещё и с
# ширинами.


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

# %% [markdown] en="46457e8cf9" slideshow={"slide_type": "fragment"}
# Рисунок виджета без самого виджета (то, что показывает статический экспорт), при значениях по умолчанию — для сети
# второй таблицы: и хранимые активации, и якобианы отдельных примеров растут линейно по $b$ (параллельные прямые в
# логарифмических осях, отстоящие друг от друга на постоянный множитель), а веса не растут вовсе.

# %% slideshow={"slide_type": "fragment"}
show_memory(b_shown, widths_shown)

# %% [markdown] en="78c52b45a2" slideshow={"slide_type": "slide"}
# ## За рамками лекции: обучение с обратным проходом, написанным вручную
#
# Данные — две спирали: никакая прямая их не разделяет, поэтому сети приходится искривлять пространство.
# Стохастический градиентный спуск с моментом (батчи по $b = 64$, фиксированное зерно) на сети из таблицы выше,
# $n = (3, 32, 32, 2)$, только с помощью `forward` и `backward`; функция потерь на всех данных записывается каждые
# 20 шагов.

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

# %% [markdown] en="ceaafad635" slideshow={"slide_type": "fragment"}
# На что смотреть: функция потерь падает больше чем на порядок (слева, логарифмическая шкала), а граница решений
# (справа) вьётся между двумя спиралями, и более 90% точек оказываются на своей стороне (и то и другое проверено в
# ячейке обучения) — сеть, которую не заменит никакая линейная модель, обучена двадцатью строками написанного
# вручную обратного распространения ошибки.

# %% [markdown] en="6f29f5dc99" slideshow={"slide_type": "slide"}
# ## Итоги
#
# * Прямой проход: $v_k = \sigma(v_{k-1} w_k)$, $\;b \times n_k = \sigma\bigl((b \times n_{k-1})(n_{k-1} \times
#   n_k)\bigr)$.
# * Обратный проход: $\partial L/\partial v_{k-1} = \delta_k w_k^\top$ и $\partial L/\partial w_k = v_{k-1}^\top
#   \delta_k$, где $\delta_k = \partial L/\partial v_k \odot \sigma'(z_k)$, — два матричных произведения на слой;
#   якобиан $n_k \times n_{k-1}$ каждого примера применяется, но никогда не строится.
# * Написанные вручную градиенты совпадают с `adlib.grad` и `jax.grad` до $10^{-10}$ и обучают сеть.
# * Цена обратного режима: хранится каждая активация, $b \sum_k n_k$ чисел — факторизованная форма
#   $b \sum_k n_k n_{k-1}$ чисел якобианов отдельных примеров.
#
# Далее: [08 — произведение гессиана на вектор](08_hvp.ipynb) — кривизна такой функции потерь без построения
# гессиана.
