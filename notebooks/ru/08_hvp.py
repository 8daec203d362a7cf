# ---
# jupyter:
#   course:
#     summary: Hessian-vector products three ways; an MLP's Hessian spectrum
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

# %% [markdown] en="8d1d351db9" slideshow={"slide_type": "slide"}
# # Произведение Гессиана на вектор без вычисления самого Гессиана
#
# Для $f:\mathbb R^n \to \mathbb R$ гессиан $\nabla^2 f(x)$ содержит $n^2$ элементов: для сети с миллионом весов
# это $10^{12}$ чисел. Но почти всё, что мы хотим знать о кривизне, — наибольшие собственные значения, спектральная
# плотность, шаг метода Ньютона, след — требует лишь произведений $\nabla^2 f(x)\,v$, а они стоят нескольких
# градиентов:
#
# $$\nabla^2 f(x)\, v = \nabla_x\bigl[\, \nabla f(x)^\top v \,\bigr].$$
#
# В этом ноутбуке: тождество в коде (три способа вложить один режим в другой, с проверкой по JAX) и плотность
# собственных значений гессиана небольшой сети до и после обучения (Рис. 28 лекции); затем, за рамками лекции, —
# почему исчезает отрицательная кривизна (разложение Гаусса–Ньютона), сколько стоит HVP по времени и по пиковой
# памяти с ростом $n$ и метод Ньютона, который ни разу не строит гессиан. В трёх упражнениях вы сами напишете HVP,
# предскажете порядок сходимости этого метода Ньютона, а затем сделаете её квадратичной.

# %% [markdown] slideshow={"slide_type": "skip"} tags=["colab"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/adlib-course/adlib-course/blob/v0.1.0/notebooks/ru/08_hvp.ipynb)
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
import os

# One BLAS thread (before NumPy loads; set the variable yourself to override): the matrices here are small, and
# on a shared 2-core machine (CI, Colab) extra BLAS threads mostly wait for each other.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import matplotlib.pyplot as plt
import numpy as np

import adlib
import adlib.numpy as anp
from adlib.course import curvature, exercises, projector
from adlib.course.claims import choose, claim, say
from adlib.course.i18n import plural_ru, tr
from adlib.course.measure import peak_bytes, time_calls

projector.use()  # the course's font sizes: figures readable on a projector
np.set_printoptions(precision=4, suppress=False)
# the names shown for curvature.HVP_METHODS's keys and for the two training stages (the keys stay as they are)
NESTINGS = {"forward-over-reverse": tr("forward-over-reverse", "прямой поверх обратного"),
            "reverse-over-reverse": tr("reverse-over-reverse", "обратный поверх обратного"),
            "reverse-over-forward": tr("reverse-over-forward", "обратный поверх прямого")}
STAGES = {"initialisation": tr("initialisation", "инициализация"), "after training": tr("after training", "после обучения")}

# %% [markdown] en="af1116b501" slideshow={"slide_type": "fragment"}
# Опирается на [04 — прямой режим](04_forward_mode.ipynb), [05 — обратный режим](05_reverse_mode.ipynb) и
# [06 — choose your fighter](06_choose_your_fighter.ipynb) (какой режим для какого якобиана: в HVP вложены оба);
# сеть — та же, что в [07 — архитектура прямого распространения](07_feedforward.ipynb). Ведёт к
# [09 — след по Хатчинсону](09_hutchinson.ipynb), где произведения гессиана на вектор дают след гессиана.
#
# Сначала — два слайда лекции; почему исчезает отрицательная кривизна (разложение Гаусса–Ньютона), сколько стоит
# HVP по времени и по пиковой памяти и метод Ньютона на HVP — после них, **за рамками лекции**.

# %% [markdown] en="60d9718261" slideshow={"slide_type": "slide"}
# ## Произведение Гессиана на вектор без вычисления самого Гессиана
#
# $v$ не зависит от $x$, поэтому $\nabla^2 f(x)\,v = \nabla_x [\nabla f(x)^\top v]$ — это градиент скалярной
# функции $g(x) = \nabla f(x)^\top v$. Код на JAX со слайда, с `adlib` вместо `jax`:

# %% slideshow={"slide_type": "fragment"}
def hvp_slide(f, x, v):
    return adlib.grad(lambda x: anp.vdot(adlib.grad(f)(x), v))(x)


# %% [markdown] en="fac65d2e02" slideshow={"slide_type": "fragment"}
# Это **обратный режим поверх обратного** (reverse-over-reverse). Вложить один режим в другой можно ещё двумя
# способами (в `adlib.course.curvature` есть все три):
#
# | вложение | код | как читать |
# |---|---|---|
# | прямой поверх обратного (forward-over-reverse) | `jvp(grad(f), (x,), (v,))[1]` | производная градиента по направлению $v$ |
# | обратный поверх обратного (reverse-over-reverse) | `grad(lambda x: vdot(grad(f)(x), v))(x)` | градиент $\nabla f^\top v$ (как на слайде) |
# | обратный поверх прямого (reverse-over-forward) | `grad(lambda x: jvp(f, (x,), (v,))[1])(x)` | градиент производной по направлению $\partial_v f$ |
#
# Рекомендуется прямой поверх обратного (JAX autodiff cookbook; его использует `adlib.hvp`) — прежде всего из-за
# **памяти**: внешний прямой режим лишь несёт касательную вдоль вычисления градиента, так что лента обратного
# прохода никогда не записывается. По времени он не обязательно самый быстрый из трёх. Все три стоят нескольких
# градиентов; их время и память измерены ниже, за рамками лекции.

# %% [markdown] en="89a4d9698c" slideshow={"slide_type": "subslide"}
# Тестовая функция, похожая на маленькую сеть: $f(x) = \sum \tanh(Ax)^2 + \log(1 + \|x\|^2)$. Её плотный гессиан
# (`adlib.hessian`: $n$ прямых проходов поверх обратного) против трёх вложений и кода со слайда:

# %% slideshow={"slide_type": "fragment"}
rng = np.random.default_rng(0)
n = 6
A = rng.standard_normal((n, n)) / np.sqrt(n)


def f(x):
    return anp.sum(anp.tanh(A @ x) ** 2) + anp.log(1.0 + anp.sum(x**2))


x, v = rng.standard_normal(n), rng.standard_normal(n)
H = adlib.hessian(f)(x)
width = max(len(label) for label in NESTINGS.values()) + 1  # the labels' column
print(tr("H v (dense)", "H v (плотная матрица)").ljust(width), H @ v)
print(tr("slide's hvp", "hvp со слайда").ljust(width), hvp_slide(f, x, v))
for name, hvp in curvature.HVP_METHODS.items():
    print(NESTINGS[name].ljust(width), hvp(f, x, v))
    np.testing.assert_allclose(hvp(f, x, v), H @ v, rtol=1e-12, atol=1e-14)
np.testing.assert_allclose(hvp_slide(f, x, v), H @ v, rtol=1e-12, atol=1e-14)

# %% [markdown] en="f52bbd5b0f" slideshow={"slide_type": "subslide"}
# ### Проверка с помощью JAX
#
# Те же три вложения на JAX (float64) и `jax.hessian`; все должны совпасть с `adlib` до $10^{-8}$:

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
print(tr(f"3 nestings × 5 random (x, v): adlib == JAX, largest difference {worst:.1e}",
         f"3 вложения × 5 случайных (x, v): adlib == JAX, наибольшее расхождение {worst:.1e}"))
claim(worst < 1e-12, "they agree to rounding", worst=worst)
hvp_points = [np.random.default_rng(200 + k).standard_normal((2, n)) for k in range(3)]  # (x, v) for Exercise 8.1

# %% [markdown] en="1248d98051" slideshow={"slide_type": "fragment"}
# Они совпадают с точностью до округления ($< 10^{-12}$).

# %% [markdown] en="cef9d9cb37" slideshow={"slide_type": "subslide"}
# **Упражнение 8.1** — прямой режим поверх обратного, своими руками. Запишите $\nabla^2 f(x)\,v$ для тестовой
# функции `f` выше как производную её градиента по направлению $v$, используя только `adlib.grad` и `adlib.jvp`
# (`adlib.jvp(g, (x,), (v,))` возвращает пару $(g(x),\ J_g(x)\,v)$). Проверка — в трёх случайных точках $(x, v)$:
# сравнением с плотным гессианом, умноженным на $v$, с центральными конечными разностями градиента и с JAX.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def my_hvp(x, v):
    # your code here: one adlib.jvp of the function adlib.grad(f)
    raise NotImplementedError


exercises.check_hvp(my_hvp, f, [x_ for x_, _ in hvp_points], [v_ for _, v_ in hvp_points], f_jax=f_jax,
                    hint=("the outer mode is forward: push the tangent v through the function x ↦ ∇f(x), and keep "
                          "the tangent part of jvp's pair",
                          "внешний режим — прямой: протолкните касательную v через функцию x ↦ ∇f(x) и возьмите "
                          "касательную часть пары, которую возвращает jvp"))


# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Решение
def solution_hvp(x, v):
    gradient = adlib.grad(f)  # the inner, reverse mode: x ↦ ∇f(x), a function R^n → R^n
    _, directional = adlib.jvp(gradient, (x,), (v,))  # the outer, forward mode: (∇f(x), ∇²f(x) v)
    return directional  # the derivative of ∇f along v is ∇²f(x) v (the Hessian is symmetric)


exercises.check_hvp(solution_hvp, f, [x_ for x_, _ in hvp_points], [v_ for _, v_ in hvp_points],
                    f_jax=f_jax).assert_passed()

# %% [markdown] en="b0a2302eb8" slideshow={"slide_type": "slide"}
# ## Динамика обучения нейронной сети через спектр Гессиана и hvp
#
# Рис. 28 лекции (Ghorbani, Krishnan, Xiao 2019): у ResNet-32 гессиан функции потерь при инициализации имеет
# большие по модулю **отрицательные** собственные значения, и в ходе обучения они исчезают. Инструмент —
# **стохастическая квадратура Ланцоша** (SLQ, stochastic Lanczos quadrature): метод Ланцоша на HVP из случайного
# пробного вектора $v$ даёт небольшую трёхдиагональную матрицу $T$; её собственные значения $\theta_j$ и квадраты
# первых компонент её собственных векторов $\tau_j^2$ образуют квадратурную формулу для спектральной меры,
# $v^\top g(H) v \approx \sum_j \tau_j^2\, g(\theta_j)$. После сглаживания гауссовым ядром это и есть плотность
# собственных значений — примерно из 80 HVP на пробный вектор, сколько бы ни было весов.
#
# Мы воспроизводим это явление на сети, настолько маленькой, что плотный гессиан может проверить каждое число:
# MLP 2 → 12 → 12 → 1 с tanh (205 весов) на наборе данных «две спирали» (с фиксированным зерном), логистическая
# функция потерь.

# %% slideshow={"slide_type": "subslide"}
problem = curvature.mlp_problem(seed=0)
w_init = problem.w0
w_trained, losses = problem.fit(w_init, steps=1500, lr=0.2, momentum=0.9)
print(tr(f"{w_init.size} weights, {len(problem.y)} training points",
         f"{w_init.size} {plural_ru(w_init.size, 'вес', 'веса', 'весов')}, {len(problem.y)} "
         f"{plural_ru(len(problem.y), 'обучающая точка', 'обучающие точки', 'обучающих точек')}"))
print(tr(f"initialisation: loss {problem.loss(w_init):.4f}, accuracy {problem.accuracy(w_init):.2f}",
         f"инициализация: потери {problem.loss(w_init):.4f}, точность {problem.accuracy(w_init):.2f}"))
print(tr(f"after 1500 steps of gradient descent with momentum: loss {problem.loss(w_trained):.4f}, "
         f"accuracy {problem.accuracy(w_trained):.2f}",
         f"после 1500 шагов градиентного спуска с моментом: потери {problem.loss(w_trained):.4f}, "
         f"точность {problem.accuracy(w_trained):.2f}"))

# %% [markdown] en="2474537223" slideshow={"slide_type": "subslide"}
# Гессиан — только как оператор HVP; плотный гессиан (205 HVP, при таком размере это нестрашно) — только для
# проверки.

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
    np.testing.assert_allclose(H_dense, H_dense.T, atol=1e-10)  # a Hessian is symmetric
    H_dense = (H_dense + H_dense.T) / 2
    exact = np.linalg.eigvalsh(H_dense)
    scale = np.max(np.abs(exact))  # extreme Ritz values and SLQ nodes agree with the dense ones to 1e-5 of the scale
    np.testing.assert_allclose([ritz[0], ritz[-1]], [exact[0], exact[-1]], rtol=0, atol=1e-5 * scale)
    np.testing.assert_allclose([nodes.min(), nodes.max()], [exact[0], exact[-1]], rtol=0, atol=1e-5 * scale)
    np.testing.assert_allclose(abs(top.eigenvalues[0]), np.max(np.abs(exact)), rtol=1e-5)
    spectra[label] = dict(w=w, H=H_dense, nodes=nodes, weights=weights, exact=exact, ritz=ritz, hvps=slq_hvps)
    print(tr(f"{label:15} SLQ: {slq_hvps} HVPs | Lanczos (40 HVPs): λ_min = {ritz[0]: .5f}, λ_max = {ritz[-1]: .5f}"
             f" | dense: λ_min = {exact[0]: .5f}, λ_max = {exact[-1]: .5f} | power iteration: "
             f"|λ|_max = {abs(top.eigenvalues[0]):.5f} ({top.matvecs} HVPs)",
             f"{STAGES[label]:15} SLQ: {slq_hvps} HVP | Ланцош (40 HVP): λ_min = {ritz[0]: .5f}, λ_max = {ritz[-1]: .5f}"
             f" | плотный: λ_min = {exact[0]: .5f}, λ_max = {exact[-1]: .5f} | степенной метод: "
             f"|λ|_max = {abs(top.eigenvalues[0]):.5f} ({top.matvecs} HVP)"))

# %% slideshow={"slide_type": "subslide"}
print(f"{'':15} {'λ_min/λ_max':>12} {tr('negative share of Σ|λ| (dense)', 'доля отрицат. в Σ|λ| (плотный)'):>32} "
      f"{'(SLQ)':>8}")
for label, s in spectra.items():
    lam, nodes, wts = s["exact"], s["nodes"], s["weights"]
    s["neg_share"] = np.sum(np.abs(lam[lam < 0])) / np.sum(np.abs(lam))
    s["neg_share_slq"] = np.sum(wts[nodes < 0] * np.abs(nodes[nodes < 0])) / np.sum(wts * np.abs(nodes))
    print(f"{STAGES[label]:15} {lam[0] / lam[-1]:12.2e} {s['neg_share']:32.3f} {s['neg_share_slq']:8.3f}")
init, trained = spectra["initialisation"], spectra["after training"]
shrink = init["exact"][0] / trained["exact"][0]
claim(init["neg_share"] > 0.2 and trained["neg_share"] < 0.01 and shrink > 100,
      "a sizeable negative part at initialisation; after training orders of magnitude smaller", shrink=shrink)
claim(all(abs(s["neg_share_slq"] - s["neg_share"]) < 0.1 for s in spectra.values()),
      "the SLQ estimate of the negative share is close to the dense one")

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(11.5, 4.2), sharex=True, sharey=True)  # the same ranges, before and after
for ax, (label, s) in zip(axes, spectra.items()):
    # both measures smoothed with the same Gaussian kernel: curvature.spectral_density(nodes, weights, grid, sigma)
    curvature.plot_spectral_density(ax, s["exact"], s["nodes"], s["weights"], s["hvps"])
    ax.set_title(f"{STAGES[label]}: λ_min = {s['exact'][0]:.2g}, λ_max = {s['exact'][-1]:.2g}")
fig.suptitle(tr("Hessian eigenvalue density of the MLP's loss (SLQ, Gaussian kernel)",
                "Плотность собственных значений гессиана функции потерь MLP (SLQ, гауссово ядро)"))
fig.tight_layout()
plt.show()
say(f"Negative eigenvalues carry **{init['neg_share']:.0%}** of $\\sum|\\lambda|$ at initialisation and "
    f"**{trained['neg_share']:.1%}** after training; the most negative one shrinks **{shrink:.0f}×** "
    f"({init['exact'][0]:.3f} → {trained['exact'][0]:.1e}) while $\\lambda_{{\\max}}$ stays "
    f"{init['exact'][-1]:.2f} → {trained['exact'][-1]:.2f}.",
    ru=f"На отрицательные собственные значения приходится **{init['neg_share']:.0%}** от $\\sum|\\lambda|$ при "
    f"инициализации и **{trained['neg_share']:.1%}** после обучения; самое отрицательное из них уменьшается по модулю в "
    f"**{shrink:.0f}** {plural_ru(round(shrink), 'раз', 'раза', 'раз')} ({init['exact'][0]:.3f} → "
    f"{trained['exact'][0]:.1e}), а $\\lambda_{{\\max}}$ почти не меняется: "
    f"{init['exact'][-1]:.2f} → {trained['exact'][-1]:.2f}.")

# %% [markdown] en="a1b2090c12" slideshow={"slide_type": "fragment"}
# На что смотреть: при инициализации у плотности заметный отрицательный хвост (кривизна как у седловой точки);
# после обучения отрицательные собственные значения уменьшились на порядки, а спектр — пик в 0 и несколько
# положительных выбросов: Рис. 28 в миниатюре. Кривая SLQ (несколько сотен HVP) повторяет плотную, а её крайние
# узлы — это крайние собственные значения (проверено выше до $10^{-5}$ от масштаба спектра), которые метод Ланцоша
# находит первыми.

# %% [markdown] en="1fa900591e" slideshow={"slide_type": "slide"}
# ## За рамками лекции: почему исчезает отрицательная кривизна
#
# Пусть $z_i(w)$ — логиты, $y_i \in \{-1, +1\}$ — метки и $\ell_i(z) = \log(1 + e^{-y_i z})$,
# $L(w) = \frac1N\sum_i \ell_i(z_i(w))$. Правило дифференцирования сложной функции, применённое дважды, разбивает
# гессиан на две части (**разложение Гаусса–Ньютона**):
#
# $$\nabla^2 L = \underbrace{\tfrac1N J^\top \operatorname{diag}(\ell_i'')\, J}_{G\ \text{(Гаусс–Ньютон)}}
#   + \underbrace{\tfrac1N \textstyle\sum_i r_i\, \nabla^2 z_i}_{R},
#   \qquad J = \frac{\partial z}{\partial w}, \quad r_i = \ell_i'(z_i) = \sigma(z_i) - t_i ,$$
#
# где $t_i = (1 + y_i)/2 \in \{0, 1\}$ — целевое значение. $\ell_i'' = \sigma(z_i)(1 - \sigma(z_i)) > 0$, поэтому
# $G \succeq 0$: **каждое отрицательное собственное значение $H$ происходит из $R$** — кривизны самой сети,
# взвешенной остатками $r_i$ (предсказание минус цель, как в методе наименьших квадратов). Обучение сводит остатки
# к 0, а вместе с ними и отрицательную часть $R$. Произведение $G$ на вектор — это один jvp ($Jv$) и один vjp
# ($J^\top u$): `problem.gauss_newton_operator(w)`.

# %% slideshow={"slide_type": "subslide"}
print(f"{'':15} {tr('RMS r', 'СКЗ r'):>8} {'max |r|':>8} {'‖w‖':>6} | {'λ_min(H)':>10} {'λ_min(G)':>10} | "
      f"{'λ_min(R)':>10} {'λ_max(R)':>9} {'‖R‖/‖H‖':>8}")
for label, s in spectra.items():
    G_op = problem.gauss_newton_operator(s["w"])
    G = np.column_stack([G_op(e) for e in np.eye(s["w"].size)])
    s["gn"] = np.linalg.eigvalsh((G + G.T) / 2)
    rest = np.linalg.eigvalsh(s["H"] - (G + G.T) / 2)  # R = H − G
    res = problem.residuals(s["w"])
    s.update(rms_r=np.sqrt(np.mean(res**2)), rest_min=rest[0], rest_norm=np.max(np.abs(rest)) / np.max(np.abs(s["exact"])))
    print(f"{STAGES[label]:15} {s['rms_r']:8.1e} {np.max(np.abs(res)):8.1e} {np.linalg.norm(s['w']):6.1f} | "
          f"{s['exact'][0]:10.2e} {s['gn'][0]:10.1e} | {rest[0]:10.2e} {rest[-1]:9.2e} {s['rest_norm']:8.2f}")
    claim(s["gn"][0] > -1e-12 * s["gn"][-1], "G is positive semidefinite", lam_min=s["gn"][0])
    claim(s["exact"][0] >= rest[0] - 1e-12, "H's most negative eigenvalue is no lower than R's (Weyl, as G ⪰ 0)")
r_shrink = init["rms_r"] / trained["rms_r"]
rest_shrink = init["rest_min"] / trained["rest_min"]
claim(r_shrink > 50 and rest_shrink > 100 and trained["rest_norm"] < init["rest_norm"],
      "training shrinks the residuals and the negative part of R by orders of magnitude",
      r_shrink=r_shrink, rest_shrink=rest_shrink)
claim(-trained["rest_min"] < 0.01 * trained["rest_norm"] * np.max(np.abs(trained["exact"])),
      "what is left of R after training is almost entirely positive")
say(f"The residuals shrink **{r_shrink:.0f}×** (RMS), the most negative eigenvalue of $R$ **{rest_shrink:.0f}×**. "
    f"$R$ does not vanish altogether: its norm falls only from {init['rest_norm']:.0%} to "
    f"{trained['rest_norm']:.0%} of $\\|H\\|$, because the weights (and with them the curvature $\\nabla^2 z_i$ "
    f"of the logits) grow during training — but what is left of $R$ is almost entirely positive.",
    ru=f"Остатки (их среднеквадратичное значение, СКЗ) уменьшаются в **{r_shrink:.0f}** "
    f"{plural_ru(round(r_shrink), 'раз', 'раза', 'раз')}, самое отрицательное собственное значение $R$ по модулю — "
    f"в **{rest_shrink:.0f}** {plural_ru(round(rest_shrink), 'раз', 'раза', 'раз')}. Совсем $R$ не исчезает: его норма падает лишь с "
    f"{init['rest_norm']:.0%} до {trained['rest_norm']:.0%} от $\\|H\\|$, потому что веса (а с ними и кривизна "
    f"$\\nabla^2 z_i$ логитов) за время обучения растут, — но то, что остаётся от $R$, почти целиком положительно.")

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(11.5, 4.2), sharex=True, sharey=True)
for ax, (label, s) in zip(axes, spectra.items()):
    curvature.plot_eigenvalue_densities(ax, {tr("Hessian H", "гессиан H"): s["exact"],
                                             tr("Gauss–Newton G", "Гаусс–Ньютон G"): s["gn"]},
                                        colors=["0.6", "tab:orange"])
    claim(abs(s["gn"][0]) < 1e-12 * s["gn"][-1], "λ_min(G) is 0 up to rounding", lam_min=s["gn"][0])
    ax.set_title(tr(f"{label}: λ_min(H) = {s['exact'][0]:.2g}, λ_min(G) ≈ 0 (rounding)",
                    f"{STAGES[label]}: λ_min(H) = {s['exact'][0]:.2g},\nλ_min(G) ≈ 0 (с точностью до округления)"))
fig.suptitle(tr("H = G + R: the Gauss–Newton part G has no negative eigenvalues",
                "H = G + R: у части Гаусса–Ньютона G нет отрицательных собственных значений"))
fig.tight_layout()
plt.show()
say(f"After training: $\\lambda_{{\\max}}(G) = {trained['gn'][-1]:.2f}$ against $\\lambda_{{\\max}}(H) = "
    f"{trained['exact'][-1]:.2f}$ — the positive remainder of $R$ moves the outliers; $\\lambda_{{\\min}}(H) = "
    f"{trained['exact'][0]:.1e}$ is all that is left of the negative tail.",
    ru=f"После обучения: $\\lambda_{{\\max}}(G) = {trained['gn'][-1]:.2f}$ против $\\lambda_{{\\max}}(H) = "
    f"{trained['exact'][-1]:.2f}$ — положительный остаток $R$ сдвигает выбросы; $\\lambda_{{\\min}}(H) = "
    f"{trained['exact'][0]:.1e}$ — всё, что осталось от отрицательного хвоста.")

# %% [markdown] en="bfa5ce6567" slideshow={"slide_type": "fragment"}
# На что смотреть: плотность Гаусса–Ньютона (оранжевая) не имеет собственных значений ниже 0 ни до, ни после
# обучения (её левый склон у 0 — это ширина сглаживающего ядра); при инициализации отрицательный хвост $H$ целиком
# порождён $R$. После обучения остатки близки к нулю, отрицательная часть $R$ ушла вместе с ними, и $H$ отличается
# от $G$ лишь положительным остатком — поэтому отрицательные собственные значения на Рис. 28 исчезают, когда
# функция потерь стремится к нулю. (Поэтому же методы Гаусса–Ньютона и натурального градиента используют $G$: она
# положительно полуопределена — здесь вырождена, $\lambda_{\min}(G) \approx 0$, как и должно быть у матрицы ранга
# $N$ в 205 измерениях, — так что с регуляризацией, $G + \mu I$ при $\mu > 0$, CG и шаги ньютоновского типа всегда
# определены.)

# %% [markdown] en="81fb8a5b00" slideshow={"slide_type": "slide"}
# ## За рамками лекции: стоимость HVP
#
# Слой softplus $f(x) = \mathbf 1^\top \log(1 + e^{Ax}) + \tfrac12\|x\|^2$ с $A \in \mathbb R^{n\times n}$: один
# градиент стоит $O(n^2)$. HVP должен стоить небольшую константу, умноженную на это, **при любом $n$**; плотный
# гессиан (`jacfwd(grad(f))`: $n$ HVP прямым режимом поверх обратного) стоит $n$ HVP. Время — лучшее из 11 замеров
# по настенным часам, замеры по очереди (медленный плотный гессиан: лучшее из 5, по очереди с градиентом, приведено
# к времени градиента в той же строке). Оно меняется от машины к машине и от запуска к запуску; смотреть нужно на
# отношения.

# %% slideshow={"slide_type": "skip"}
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
    fns = {"grad": lambda: adlib.grad(f_n)(x_n)}
    fns.update({name: lambda hvp=hvp: hvp(f_n, x_n, v_n) for name, hvp in curvature.HVP_METHODS.items()})
    row = {"n": n, **time_calls(fns, repeat=11, min_time=0)}
    if n <= 256:  # the gradient once more, in turn with the (slow) Hessian
        both = time_calls({"grad": fns["grad"], "hessian": lambda: adlib.jacfwd(adlib.grad(f_n))(x_n)}, repeat=5, min_time=0)
        row["hessian"] = both["hessian"] * row["grad"] / both["grad"]  # on the gradient's scale of this row
    else:
        row["hessian"] = np.nan
    return row


rows = [time_everything(n) for n in [16, 64, 256, 512, 1024]]

print(f"{'n':>6} {tr('grad', 'градиент'):>9} | {tr('HVP / grad', 'HVP / градиент'):^38} | "
      f"{tr('Hessian / grad', 'гессиан/град.'):>14} {tr('Hessian / (n·HVP)', 'гессиан/(n·HVP)'):>18}")
print(f"{'':>6} {tr('[ms]', '[мс]'):>9} | {tr('fwd-over-rev', 'прям./обр.'):>12} {tr('rev-over-rev', 'обр./обр.'):>12} "
      f"{tr('rev-over-fwd', 'обр./прям.'):>12} |")
for row in rows:
    ratios = [row[name] / row["grad"] for name in curvature.HVP_METHODS]
    if np.isfinite(row["hessian"]):
        hess = f"{row['hessian'] / row['grad']:14.0f} {row['hessian'] / (row['n'] * row['forward-over-reverse']):18.2f}"
    else:
        hess = f"{tr('(skipped)', '(пропущено)'):>14}"
    print(f"{row['n']:6d} {1e3 * row['grad']:9.3f} | {ratios[0]:12.2f} {ratios[1]:12.2f} {ratios[2]:12.2f} | {hess}")

# %% slideshow={"slide_type": "subslide"}
f_64, x_64, _ = softplus_problem(64)
gradient_calls = []


def counted_grad(x):
    gradient_calls.append(1)
    return adlib.grad(f_64)(x)


adlib.jacfwd(counted_grad)(x_64)  # one jvp of the gradient (= one forward-over-reverse HVP) per column
claim(len(gradient_calls) == 64, "the dense Hessian is n HVPs", calls=len(gradient_calls))

hvp_ratios = np.array([[row[name] / row["grad"] for name in curvature.HVP_METHODS] for row in rows])
dense = [row for row in rows if np.isfinite(row["hessian"])]
per_n_grads = np.array([row["hessian"] / (row["n"] * row["grad"]) for row in dense])
per_n_hvps = np.array([row["hessian"] / (row["n"] * row["forward-over-reverse"]) for row in dense])
big = dict(zip(curvature.HVP_METHODS, hvp_ratios[-1]))
claim(hvp_ratios.max() < 8, "every HVP costs a few gradients (under 8), at every n", largest=hvp_ratios.max())
claim(np.all(per_n_grads > 1), "the dense Hessian costs more than n gradients", per_n_grads=per_n_grads)


def span(values, fmt=".1f"):
    """'lo–hi' of the values as printed, or one value when the two print the same."""
    lo, hi = f"{np.min(values):{fmt}}", f"{np.max(values):{fmt}}"
    return lo if lo == hi else f"{lo}–{hi}"


say(f"Measured: an HVP costs **{span(hvp_ratios)} gradients** across the table, "
    f"from $n = {rows[0]['n']}$ to ${rows[-1]['n']}$; at $n = {rows[-1]['n']}$: {big['forward-over-reverse']:.2f} (forward-over-reverse), "
    f"{big['reverse-over-reverse']:.2f} (reverse-over-reverse), {big['reverse-over-forward']:.2f} "
    f"(reverse-over-forward). The dense Hessian (exactly $n$ HVPs, counted) costs "
    f"**{span(per_n_grads)} × n gradients** ({span(per_n_hvps)} × n HVPs of the same run), not $n$ gradients.",
    ru=f"Измерено: HVP стоит **{span(hvp_ratios)} градиента** во всей таблице, "
    f"от $n = {rows[0]['n']}$ до ${rows[-1]['n']}$; при $n = {rows[-1]['n']}$: {big['forward-over-reverse']:.2f} "
    f"(прямой поверх обратного), {big['reverse-over-reverse']:.2f} (обратный поверх обратного), "
    f"{big['reverse-over-forward']:.2f} (обратный поверх прямого). Плотный гессиан (ровно $n$ HVP, подсчитано) стоит "
    f"**{span(per_n_grads)} × n градиентов** ({span(per_n_hvps)} × n HVP в том же запуске), а не $n$ градиентов.")

# %% [markdown] en="624d95c12a" slideshow={"slide_type": "fragment"}
# Что говорит теория и чего она не говорит. Прямой режим, применённый к *любой* программе, стоит не больше небольшой
# константы, умноженной на число операций этой программы (около 2.5 — оценка Griewank и Walther для касательной), а
# HVP — это прямой режим, применённый к программе вычисления градиента: значит, HVP стоит не больше нескольких
# градиентов, **каковы бы ни были $f$ и $n$**. Это верхняя оценка числа операций, а не предсказание секунд. Для этой
# $f$ можно точно подсчитать, куда уходит время при большом $n$, — на произведения матрицы $n \times n$ на вектор:
# градиент делает 2 ($Ax$, $A^\top \bar z$), прямой поверх обратного и обратный поверх обратного — 4, обратный
# поверх прямого — 3 (его касательная $Av$ не зависит от $x$, так что обратный режим через неё не проходит). Подсчёт
# предсказывает отношения 2, 2 и 1.5 при большом $n$, когда накладные расходы Python уже не важны; сравните с
# последней строкой таблицы (на загруженной машине замеры разбросаны вокруг таких подсчётов). Плотный гессиан — это
# $n$ HVP, то есть $4n$ таких произведений против 2 у градиента, по этому подсчёту около $2n$ градиентов (измеренный
# множитель — выше): безнадёжно задолго до $n = 10^6$.

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(9, 6))
ns = np.array([row["n"] for row in rows])
ax.loglog(ns, [row["grad"] for row in rows], "o-", color="k", label=tr("gradient", "градиент"))
for name, marker in zip(curvature.HVP_METHODS, "s^v"):
    ax.loglog(ns, [row[name] for row in rows], marker + "-", label=f"HVP, {NESTINGS[name]}")
hess = np.array([row["hessian"] for row in rows])
ax.loglog(ns[np.isfinite(hess)], hess[np.isfinite(hess)], "D-", color="tab:red",
          label=tr("dense Hessian (n HVPs): best of 5,\nrescaled to the gradient's best of 11",
                   "плотный гессиан (n HVP): лучшее из 5,\nв масштабе лучшего из 11 для градиента"))
ax.set_xlabel(tr("dimension n", "размерность n"))
ax.set_ylabel(tr("time [s] (best of 11 unless noted)", "время, с (лучшее из 11)"))
ax.set_title(tr("An HVP costs a few gradients; the Hessian, n HVPs",
                "HVP стоит нескольких градиентов, гессиан — n HVP"))
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, fontsize=10)  # below the axes: covers no curve
fig.tight_layout()
plt.show()

# %% [markdown] en="84c4e176c5" slideshow={"slide_type": "subslide"}
# ### Пиковая память
#
# Рекомендуемым вложением прямой поверх обратного делает не время, а память: он записывает **одну** ленту — ленту
# градиента, и вместе с каждым значением переносится касательная; обратный поверх обратного записывает ещё и ленту всего
# обратного прохода, а обратный поверх прямого записывает на ленту и значения, *и* касательные jvp. Пиковое число
# байт, выделенных за один вызов (`peak_bytes` из `adlib.course.measure`, через `tracemalloc`), в единицах памяти
# одного градиента — на слое softplus выше и на цепочке из $d$ слоёв $x \mapsto \tanh(W_k x)$ ($n = 256$):

# %% slideshow={"slide_type": "fragment"}
def tanh_chain(n, depth, seed=0):
    r = np.random.default_rng(seed)
    Ws = [r.standard_normal((n, n)) / np.sqrt(n) for _ in range(depth)]

    def f(x):
        for W in Ws:
            x = anp.tanh(W @ x)
        return anp.sum(x**2)

    return f, r.standard_normal(n), r.standard_normal(n)


problems = {f"softplus, n = {n_}": softplus_problem(n_) for n_ in [256, 1024, 2048]}
problems.update({tr(f"tanh chain, d = {d}", f"цепочка tanh, d = {d}"): tanh_chain(256, d) for d in [4, 16, 64]})
print(f"{'':20} {tr('grad [kB]', 'град. [кБ]'):>10} | {tr('peak memory / grad', 'пиковая память / градиент'):^38}")
print(f"{'':20} {'':>10} | {tr('fwd-over-rev', 'прям./обр.'):>12} {tr('rev-over-rev', 'обр./обр.'):>12} "
      f"{tr('rev-over-fwd', 'обр./прям.'):>12}")
memory = {}
for label, (f_p, x_p, v_p) in problems.items():
    g_bytes = peak_bytes(adlib.grad(f_p), x_p)[1]  # (result, peak bytes) of one call
    memory[label] = {name: peak_bytes(hvp, f_p, x_p, v_p)[1] / g_bytes for name, hvp in curvature.HVP_METHODS.items()}
    print(f"{label:20} {g_bytes / 1e3:10.1f} | " + " ".join(f"{m:12.2f}" for m in memory[label].values()))
mem = np.array([list(m.values()) for m in memory.values()])
claim(np.all(mem[:, 0] < 0.9 * mem[:, 1:].min(axis=1)),
      "forward-over-reverse needs the least memory in every row, by at least 10%", mem=mem)
gap = mem[:, 1:].min(axis=1) - mem[:, 0]  # what the next best nesting needs more, in gradients' memory
claim(gap[-1] > gap[-3], "the gap widens with depth", gap=gap[-3:])

# %% slideshow={"slide_type": "fragment"}
say(f"Forward-over-reverse needs **{span(mem[:, 0])}×** a gradient's memory in every "
    f"row; reverse-over-reverse {span(mem[:, 1])}×, reverse-over-forward "
    f"{span(mem[:, 2])}× (the gap widens with depth). In time the fastest at "
    f"$n = {rows[-1]['n']}$ was {min(big, key=big.get)} — "
    + choose(min(big, key=big.get) == "forward-over-reverse", "it wins both tables here.",
             "so the recommendation is about memory, which on a GPU is usually what runs out first."),
    ru=f"Вариант «прямой поверх обратного» требует **{span(mem[:, 0])}×** памяти одного градиента в каждой "
    f"строке; «обратный поверх обратного» — {span(mem[:, 1])}×, «обратный поверх прямого» — "
    f"{span(mem[:, 2])}× (разрыв растёт с глубиной). По времени быстрее всех при "
    f"$n = {rows[-1]['n']}$ оказался вариант «{NESTINGS[min(big, key=big.get)]}» — "
    + choose(min(big, key=big.get) == "forward-over-reverse", "здесь он выигрывает обе таблицы.",
             "так что рекомендация — про память, которая на GPU обычно и заканчивается первой."))

# %% [markdown] en="af93ed3c06" slideshow={"slide_type": "slide"}
# ## За рамками лекции: метод Ньютона без гессиана
#
# Шаг Ньютона решает систему $\nabla^2 f(x)\, p = -\nabla f(x)$. Метод сопряжённых градиентов (CG) решает
# симметричную положительно определённую систему, обращаясь к матрице только через произведения
# $p \mapsto \nabla^2 f(x)\,p$, — так что методу Ньютона нужен лишь HVP («безгессианный», Hessian-free, или
# усечённый метод Ньютона). CG останавливается рано, при относительной невязке
# $\eta = \min(0.5, \sqrt{\|\nabla f\|})$ (*неточный* метод Ньютона). На логистической регрессии с
# L2-регуляризацией (выпуклая задача, 50 весов, 2000 точек) измеряем порядок сходимости
# $p_k = \log(g_{k+1}/g_k) / \log(g_k/g_{k-1})$, $g_k = \|\nabla L(w_k)\|$ (1 — линейная, 2 — квадратичная).
# Порядок *последнего шага* — это $p_k$ по последним трём $g_k$ выше $10^{-14}$: ниже этого $\|\nabla L\|$ — шум
# округления (градиент функции потерь порядка $O(1)$ нельзя вычислить точнее, чем $\sim 10^{-16}$).

# %% slideshow={"slide_type": "fragment"}
r = np.random.default_rng(4)
X = r.standard_normal((2000, 50))
y = np.sign(X @ r.standard_normal(50) + r.standard_normal(2000))


def logistic_loss(w):
    m = y * (X @ w)
    return anp.mean(anp.logsumexp(anp.stack([anp.zeros_like(m), -m]), axis=0)) + 1e-3 * anp.sum(w**2)


def final_order(grad_norms, floor=1e-14):
    """The order p_k of the last step, from the last three gradient norms above the rounding floor."""
    return curvature.convergence_orders([g for g in grad_norms if g > floor])[-1]


# %% [markdown] en="3c47d01568" slideshow={"slide_type": "subslide"}
# **Упражнение 8.2** — сначала предскажите, потом запустите. `curvature.newton_cg` останавливает CG при
# $\eta = \min(0.5, \sqrt{\|\nabla L\|})$. Вблизи оптимума точный шаг Ньютона оставляет градиент
# $O(\|\nabla L\|^2)$; CG, остановленный при относительной невязке $\eta$, добавляет к нему около
# $\eta\,\|\nabla L\|$. Прежде чем запускать: какой порядок $p$ покажет последний шаг?

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_order_prediction = None  # your code here: a number, the order p of the last step (1 linear, 2 quadratic)

exercises.check_prediction(my_order_prediction,
                           final_order(curvature.newton_cg(logistic_loss, np.zeros(50), tol=1e-10).grad_norms),
                           within=1.2, name=tr("the measured order of the last step",
                                               "измеренный порядок последнего шага"),
                           hint=("which of the two terms, η‖∇L‖ or ‖∇L‖², is larger when ‖∇L‖ is small? Write the "
                                 "larger one as a power of ‖∇L‖",
                                 "какое из двух слагаемых, η‖∇L‖ или ‖∇L‖², больше при малом ‖∇L‖? Запишите большее "
                                 "как степень ‖∇L‖"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Решение
# The new gradient is about η‖∇L‖ + C‖∇L‖² with η = ‖∇L‖^(1/2): the first term, ‖∇L‖^1.5, is the larger one
# for small ‖∇L‖, so g_{k+1} ≈ g_k^1.5 — superlinear, but of order 1.5, not 2.
solution_order_prediction = 1.5

exercises.check_prediction(solution_order_prediction,
                           final_order(curvature.newton_cg(logistic_loss, np.zeros(50), tol=1e-10).grad_norms),
                           within=1.2, name=tr("the measured order of the last step",
                                               "измеренный порядок последнего шага")).assert_passed()

# %% slideshow={"slide_type": "subslide"}
result = curvature.newton_cg(logistic_loss, np.zeros(50), tol=1e-10)
orders = curvature.convergence_orders(result.grad_norms)  # p_k for k = 1 … K−1
print(f"{tr('iteration', 'итерация'):>9} {tr('loss', 'потери'):>20} {'‖∇L‖':>10} {tr('HVPs so far', 'HVP всего'):>12} "
      f"{tr('order p_k', 'пор. p_k'):>10}")
for k, (loss, gn, h) in enumerate(zip(result.losses, result.grad_norms, result.hvps)):
    p_k = f"{orders[k - 1]:10.2f}" if 1 <= k <= len(orders) else ""
    print(f"{k:9d} {loss:20.15f} {gn:10.2e} {h:12d} {p_k}")
claim(result.converged and np.all((orders[-2:] > 1.2) & (orders[-2:] < 1.8)),
      "the last steps converge superlinearly with order about 1.5, not quadratically", orders=orders[-2:])
print(tr(f"order of the last step: p = {final_order(result.grad_norms):.2f}",
         f"порядок последнего шага: p = {final_order(result.grad_norms):.2f}"))

# %% [markdown] en="2fa316b963" slideshow={"slide_type": "subslide"}
# Сходимость сверхлинейная, порядка около 1.5, — **не квадратичная**. Причина — в $\eta$ (forcing term): CG оставляет
# относительную невязку $\eta \approx \|\nabla f\|^{1/2}$, поэтому следующий градиент — около
# $\eta\,\|\nabla f\| = \|\nabla f\|^{1.5}$ (плюс $O(\|\nabla f\|^2)$ точного шага Ньютона). А $\eta$ можно выбирать:
# вот весь метод с $\eta$ в качестве параметра — цикл `curvature.newton_cg` (CG на HVP, затем дробление
# шага по Армихо) с одним изменением: рост функции потерь в пределах её округления, $10^{-15}|L|$, не заставляет
# линейный поиск дробить шаг, чтобы шум не обрывал последние шаги. С собственным $\eta$ метода `newton_cg` он
# повторяет тот запуск шаг за шагом (проверено `assert`):

# %% slideshow={"slide_type": "fragment"}
def newton_cg_with(forcing, f=logistic_loss, x0=None, tol=1e-10, max_iter=30):
    """Hessian-free Newton with CG stopped at the relative residual η = forcing(‖∇f‖), from x0 (default 0)."""
    x, grad_f = (np.zeros(50) if x0 is None else np.asarray(x0, dtype=float)), adlib.grad(f)
    losses, grad_norms, hvps = [float(f(x))], [], [0]
    for _ in range(max_iter):
        g = grad_f(x)
        grad_norms.append(float(np.linalg.norm(g)))
        if grad_norms[-1] <= tol:
            break
        eta = forcing(grad_norms[-1])
        if eta is None or eta is Ellipsis:
            raise NotImplementedError  # a stub
        if np.ndim(eta) != 0 or isinstance(eta, str) or not 0 < float(eta) < 1:
            raise ValueError(tr(f"the forcing term must be a number with 0 < η < 1; got η = {eta!r} at "
                                f"‖∇L‖ = {grad_norms[-1]:.2e}",
                                f"параметр η должен быть числом, 0 < η < 1; получено η = {eta!r} при "
                                f"‖∇L‖ = {grad_norms[-1]:.2e}"))
        cg = curvature.conjugate_gradient(curvature.hvp_operator(f, x), -g, tol=eta)  # ‖r‖ ≤ η‖∇f‖
        step, slope = 1.0, 1e-4 * float(g @ cg.x)  # Armijo: f must fall by at least step · 1e-4 · ∇fᵀp
        while f(x + step * cg.x) > losses[-1] + step * slope + 1e-15 * abs(losses[-1]) and step > 1e-10:
            step /= 2
        x = x + step * cg.x
        losses.append(float(f(x)))
        hvps.append(hvps[-1] + cg.iterations)
    return curvature.NewtonResult(x, losses, grad_norms, hvps, grad_norms[-1] <= tol)


def newton_order(forcing):
    """Run newton_cg_with(forcing) and return the order of its last step (None while `forcing` is a stub)."""
    try:
        run = newton_cg_with(forcing)
    except NotImplementedError:
        return None
    p = final_order(run.grad_norms)
    print(tr(f"your η: {len(run.losses) - 1} Newton steps, {run.hvps[-1]} HVPs, ‖∇L‖ = {run.grad_norms[-1]:.1e} "
             f"at the end, order of the last step p = {p:.2f}",
             f"ваше η: {len(run.losses) - 1} {plural_ru(len(run.losses) - 1, 'шаг', 'шага', 'шагов')} Ньютона, "
             f"{run.hvps[-1]} HVP, в конце ‖∇L‖ = "
             f"{run.grad_norms[-1]:.1e}, порядок последнего шага p = {p:.2f}"))
    return p


same = newton_cg_with(lambda g: min(0.5, np.sqrt(g)))  # newton_cg's own forcing: the same iterates
np.testing.assert_allclose(same.grad_norms, result.grad_norms, rtol=1e-6)
assert same.hvps == result.hvps

# %% [markdown] en="d75c24879b" slideshow={"slide_type": "subslide"}
# **Упражнение 8.3** — сделайте её квадратичной. Напишите $\eta(\|\nabla L\|)$, $0 < \eta < 1$, при котором
# измеренный порядок последнего шага равен 2 (с точностью 10%). Ячейка запускает с ним Ньютон-CG и сообщает,
# сколько HVP он потратил.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def my_forcing(grad_norm):
    # your code here: return η, the relative residual at which CG may stop (0 < η < 1)
    raise NotImplementedError


exercises.check_value(newton_order(my_forcing), 2.0, rtol=0.1,
                      name=tr("the measured order of the last step", "измеренный порядок последнего шага"),
                      hint=("the new gradient is about η‖∇L‖ + C‖∇L‖²: make the first term no larger than the "
                            "second (keep η below 1 while ‖∇L‖ is large)",
                            "новый градиент — примерно η‖∇L‖ + C‖∇L‖²: сделайте первое слагаемое не больше "
                            "второго (и держите η меньше 1, пока ‖∇L‖ велик)"))


# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Решение
def solution_forcing(grad_norm):
    # η ∝ ‖∇L‖: then η‖∇L‖ = ‖∇L‖², the same order as the exact Newton step's error — quadratic convergence.
    # (Any η = O(‖∇L‖) works, e.g. 0.5‖∇L‖ or even a constant 1e-12 — exact Newton, at many more HVPs.)
    return min(0.5, grad_norm)


exercises.check_value(newton_order(solution_forcing), 2.0, rtol=0.1,
                      name=tr("the measured order of the last step", "измеренный порядок последнего шага")
                      ).assert_passed()

# %% [markdown] en="9875a47641" slideshow={"slide_type": "subslide"}
# Чего стоит порядок: три варианта $\eta$ на одной и той же задаче, до одного и того же допуска
# $\|\nabla L\| \le 10^{-10}$.

# %% slideshow={"slide_type": "fragment"}
forcings = {"η = min(0.5, √‖∇L‖)": lambda g: min(0.5, np.sqrt(g)), "η = min(0.5, ‖∇L‖)": lambda g: min(0.5, g),
            tr("η = 1e-12 (exact Newton)", "η = 1e-12 (точный Ньютон)"): lambda g: 1e-12}
runs = {name: newton_cg_with(forcing) for name, forcing in forcings.items()}
print(f"{tr('forcing term', 'выбор η'):>26} {tr('Newton steps', 'шаги Ньютона'):>13} {tr('HVPs', 'HVP'):>5} "
      f"{tr('final ‖∇L‖', 'итог. ‖∇L‖'):>11} {tr('order of the last step', 'порядок последнего шага'):>23}")
for name, run in runs.items():
    print(f"{name:>26} {len(run.losses) - 1:13d} {run.hvps[-1]:5d} {run.grad_norms[-1]:11.1e} "
          f"{final_order(run.grad_norms):23.2f}")
sqrt_run, linear_run, exact_run = runs.values()
claim(all(run.converged for run in runs.values()) and final_order(sqrt_run.grad_norms) < 1.8
      and min(final_order(linear_run.grad_norms), final_order(exact_run.grad_norms)) > 1.8,
      "all three converge; only η ∝ ‖∇L‖ and exact Newton are quadratic")
claim(sqrt_run.hvps[-1] < linear_run.hvps[-1] < exact_run.hvps[-1], "the faster the order, the more HVPs here")
say(f"Quadratic convergence is bought with HVPs: $\\eta \\propto \\|\\nabla L\\|$ spends "
    f"**{linear_run.hvps[-1]}** HVPs and exact Newton **{exact_run.hvps[-1]}**, against "
    f"**{sqrt_run.hvps[-1]}** for $\\eta = \\sqrt{{\\|\\nabla L\\|}}$, with "
    + choose(len(sqrt_run.losses) == len(linear_run.losses), "the same number of Newton steps",
             choose(len(sqrt_run.losses) < len(linear_run.losses), "more Newton steps", "fewer Newton steps"))
    + f" ({len(linear_run.losses) - 1} against {len(sqrt_run.losses) - 1}). The higher order shows only in the last "
    f"step, which lands far below the tolerance ({linear_run.grad_norms[-1]:.0e} against "
    f"{sqrt_run.grad_norms[-1]:.0e}): to reach $10^{{-10}}$, the order-1.5 method is the cheaper one here.",
    ru=f"Квадратичная сходимость оплачивается числом HVP: $\\eta \\propto \\|\\nabla L\\|$ тратит "
    f"**{linear_run.hvps[-1]}** HVP, а точный Ньютон — **{exact_run.hvps[-1]}**, против "
    f"**{sqrt_run.hvps[-1]}** при $\\eta = \\sqrt{{\\|\\nabla L\\|}}$, при "
    + choose(len(sqrt_run.losses) == len(linear_run.losses), "том же числе шагов Ньютона",
             choose(len(sqrt_run.losses) < len(linear_run.losses), "большем числе шагов Ньютона",
                    "меньшем числе шагов Ньютона"))
    + f" ({len(linear_run.losses) - 1} против {len(sqrt_run.losses) - 1}). Более высокий порядок виден только на "
    f"последнем шаге, который уходит далеко ниже допуска ({linear_run.grad_norms[-1]:.0e} против "
    f"{sqrt_run.grad_norms[-1]:.0e}): чтобы достичь $10^{{-10}}$, метод порядка 1.5 здесь дешевле.")

# %% [markdown] en="3a312cf42f" slideshow={"slide_type": "subslide"}
# Та же задача, решённая обычным градиентным спуском (шаг $1/L$, $L$ — из степенного метода на HVP), для сравнения,
# и методом Newton-CG из SciPy (с нашими градиентом и HVP) — для перекрёстной проверки оптимума:

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
print(tr(f"‖w_ours − w_scipy‖ = {np.linalg.norm(result.x - scipy_result.x):.1e} (SciPy's ‖∇L‖ = "
         f"{np.linalg.norm(grad_L(scipy_result.x)):.1e}, ours {result.grad_norms[-1]:.1e}); "
         f"gradient descent after 200 steps: ‖∇L‖ = {gd_norms[-1]:.1e}",
         f"‖w_наш − w_scipy‖ = {np.linalg.norm(result.x - scipy_result.x):.1e} (‖∇L‖ у SciPy = "
         f"{np.linalg.norm(grad_L(scipy_result.x)):.1e}, у нас {result.grad_norms[-1]:.1e}); "
         f"градиентный спуск после 200 шагов: ‖∇L‖ = {gd_norms[-1]:.1e}"))

fig, ax = plt.subplots(figsize=(8, 4.6))
ax.semilogy(result.hvps[: len(result.grad_norms)], result.grad_norms, "o-",
            label=tr("Newton-CG (x: HVPs spent)", "Ньютон-CG (x: потрачено HVP)"))
ax.semilogy(np.arange(len(gd_norms)), gd_norms, "-",
            label=tr("gradient descent (x: gradients spent)", "градиентный спуск (x: потрачено градиентов)"))
ax.set_xlabel(tr("products spent (HVPs for Newton-CG, gradients for GD)",
                 "потрачено вычислений (HVP для Ньютона-CG, градиентов для спуска)"))
ax.set_ylabel("‖∇L(w)‖")
ax.set_title(tr("Hessian-free Newton-CG on logistic regression",
                "Ньютон-CG без гессиана на логистической регрессии"))
ax.legend()
fig.tight_layout()
plt.show()
gd_rate = (gd_norms[-1] / gd_norms[-101]) ** (1 / 100)  # the factor per step over the last 100 steps
claim(gd_norms[-1] > 1e4 * result.grad_norms[-1] and 0.9 < gd_rate < 1,
      "gradient descent is still far behind, shrinking the gradient by a constant factor per step", gd_rate=gd_rate)
say(f"Gradient descent shrinks $\\|\\nabla L\\|$ by a factor of only **{gd_rate:.3f}** per step (linear "
    f"convergence): {gd_norms[-1]:.1e} after 200 gradients. Newton-CG reaches {result.grad_norms[-1]:.1e} after "
    f"**{result.hvps[-1]} HVPs** and {len(result.losses) - 1} Newton steps — and never held a $50 \\times 50$ "
    f"matrix (it would equally work with 50 million weights).",
    ru=f"Градиентный спуск за шаг умножает $\\|\\nabla L\\|$ всего лишь на **{gd_rate:.3f}** (линейная "
    f"сходимость): {gd_norms[-1]:.1e} после 200 градиентов. Ньютон-CG достигает {result.grad_norms[-1]:.1e} за "
    f"**{result.hvps[-1]} HVP** и {len(result.losses) - 1} "
    f"{plural_ru(len(result.losses) - 1, 'шаг', 'шага', 'шагов')} Ньютона — и ни разу не держал в памяти матрицу "
    f"$50 \\times 50$ (так же он работал бы и с 50 миллионами весов).")

# %% [markdown] en="b19f5e243d" slideshow={"slide_type": "slide"}
# ## Итоги
#
# * $\nabla^2 f(x) v = \nabla[\nabla f(x)^\top v]$: три вложения двух режимов друг в друга, все совпадают (с
#   точностью до округления и с JAX); рекомендуется прямой поверх обратного — прежде всего из-за памяти (одна
#   лента); по времени он не обязательно самый быстрый (какой оказался самым быстрым в этом запуске, сказано после
#   таблицы пиковой памяти).
# * Метод Ланцоша + HVP дают крайние собственные значения и (SLQ) всю плотность собственных значений:
#   отрицательная кривизна сети при инициализации в ходе обучения исчезает (Рис. 28).
# * За рамками лекции: в разложении Гаусса–Ньютона $H = \frac1N J^\top \operatorname{diag}(\ell'')\,J +
#   \frac1N\sum_i r_i \nabla^2 z_i$ первая часть положительно полуопределена; отрицательная кривизна живёт во
#   второй, взвешенной остатками $r_i$, которые обучение сводит к нулю.
# * За рамками лекции: HVP стоит нескольких градиентов при любом $n$ (а прямой поверх обратного — меньше всего
#   памяти); плотный гессиан — это $n$ HVP. Методу Ньютона нужны только HVP (CG); с неточным решением CG
#   ($\eta = \sqrt{\|\nabla f\|}$) он сходится сверхлинейно, с порядком около 1.5; $\eta \propto \|\nabla f\|$
#   делает сходимость квадратичной ценой большего числа HVP.
#
# Дальше: [09 — след по Хатчинсону](09_hutchinson.ipynb): след гессиана по HVP (Рис. 29).
