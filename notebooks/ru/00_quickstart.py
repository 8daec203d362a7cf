# ---
# jupyter:
#   course:
#     summary: 'L(w1, w2): value, grad, jvp, vjp; closed forms and JAX'
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

# %% [markdown] en="b6db739186" slideshow={"slide_type": "slide"}
# # Автоматическое дифференцирование: быстрый старт
#
# Сквозной пример лекции, посчитанный с помощью `adlib` — небольшой библиотеки автоматического дифференцирования
# этого курса:
#
# $$L(w_1, w_2) = w_2 \log w_1 + \sqrt{w_2 \log w_1}.$$
#
# Вычислим $L$, получим обе частные производные в обратном режиме (`grad`, `vjp`) и в прямом режиме (`jvp`),
# сравним их с аналитическими формулами и с JAX и нарисуем поле градиента.

# %% [markdown] slideshow={"slide_type": "skip"} tags=["colab"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/adlib-course/adlib-course/blob/v0.1.0/notebooks/ru/00_quickstart.ipynb)
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
import matplotlib.pyplot as plt
import numpy as np

import adlib
import adlib.numpy as anp
from adlib.course import projector
from adlib.course.i18n import tr

projector.use()  # the course's font sizes: figures readable on a projector
np.set_printoptions(precision=6)

# %% [markdown] en="170565f6df" slideshow={"slide_type": "slide"}
# ## Функция из лекции
#
# `adlib.numpy` повторяет NumPy: запишите функцию через `anp` вместо `np`, и `adlib` сможет её
# продифференцировать. На обычных числах это просто функция NumPy.


# %% slideshow={"slide_type": "fragment"}
def L(w1, w2):
    return w2 * anp.log(w1) + anp.sqrt(w2 * anp.log(w1))


w1, w2 = 2.0, 3.0
print(f"L({w1}, {w2}) = {L(w1, w2):.15f}")

# %% [markdown] en="1eab92aef6" slideshow={"slide_type": "slide"}
# ## Вычислительный граф
#
# Что `adlib` записывает, пока вычисляется $L$: по одной элементарной операции в каждом узле.
#
# | узел | операция | локальные производные |
# |---|---|---|
# | $v_1$ | $\log w_1$ | $\partial v_1/\partial w_1 = 1/w_1$ |
# | $v_2$ | $w_2 \cdot v_1$ | $\partial v_2/\partial w_2 = v_1,\ \partial v_2/\partial v_1 = w_2$ |
# | $v_3$ | $\sqrt{v_2}$ | $\partial v_3/\partial v_2 = 1/(2\sqrt{v_2})$ |
# | $L$ | $v_2 + v_3$ | $\partial L/\partial v_2 = \partial L/\partial v_3 = 1$ |
#
# (Код вычисляет $w_2 \log w_1$ дважды, поэтому на настоящей ленте две копии $v_1, v_2$; правилу производной
# сложной функции это безразлично.)

# %% [markdown] en="3639f01e77" slideshow={"slide_type": "slide"}
# ## Обратный режим автоматического дифференцирования
#
# `adlib.grad` один раз вычисляет $L$, записывая граф (прямой проход), а затем проходит его от конца к началу,
# начиная с $\bar L = 1$ (обратный проход): **один** обратный проход даёт **обе** частные производные.

# %% slideshow={"slide_type": "fragment"}
dL_dw1, dL_dw2 = adlib.grad(L, argnums=(0, 1))(w1, w2)
print(f"∂L/∂w1 = {dL_dw1:.15f}")
print(f"∂L/∂w2 = {dL_dw2:.15f}")

# %% [markdown] en="49e2ba7110" slideshow={"slide_type": "slide"}
# ## Прямой режим автоматического дифференцирования
#
# `adlib.jvp(f, primals, tangents)` переносит вперёд вместе со значениями касательный вектор (направление
# $\dot w$). Один проход даёт одну производную по направлению, поэтому для двух входов нужны два прохода:
# $\dot w = (1, 0)$ и $(0, 1)$.
#
# Обозначения: касательная $\dot v = dv/dw_k$ — это то, что на слайдах в прямом режиме обозначено $\bar v$; в этом
# курсе $\bar v = dL/dv$ оставлено для сопряжённой переменной обратного режима (см.
# [04 — Обозначения](04_forward_mode.ipynb)).

# %% slideshow={"slide_type": "fragment"}
value, jvp_w1 = adlib.jvp(L, (w1, w2), (1.0, 0.0))
_, jvp_w2 = adlib.jvp(L, (w1, w2), (0.0, 1.0))
print(f"L      = {value:.15f}")
print(f"∂L/∂w1 = {jvp_w1:.15f}   " + tr("(forward pass with tangent (1, 0))", "(прямой проход, касательный вектор (1, 0))"))
print(f"∂L/∂w2 = {jvp_w2:.15f}   " + tr("(forward pass with tangent (0, 1))", "(прямой проход, касательный вектор (0, 1))"))

# %% [markdown] en="7b6c553ed9" slideshow={"slide_type": "slide"}
# ## Произведение вектора на якобиан (VJP)
#
# `adlib.vjp` разделяет `grad` на две части: прямой проход возвращает значение и функцию `vjp_fn`; каждый вызов
# `vjp_fn(ḡ)` — это один обратный проход по записанной ленте с сопряжённой переменной выхода $\bar L = ḡ$
# (сопряжённая переменная $\bar v = dL/dv$, как на [слайде обозначений в 04](04_forward_mode.ipynb); $\bar v$
# прямого режима со слайдов — это наша касательная $\dot v$).

# %% slideshow={"slide_type": "fragment"}
value, vjp_fn = adlib.vjp(L, w1, w2)
vjp_w1, vjp_w2 = vjp_fn(1.0)
print(f"L = {value:.15f}")
print(f"vjp_fn(1.0) = ({vjp_w1:.15f}, {vjp_w2:.15f})")
vjp2_w1, vjp2_w2 = vjp_fn(2.0)
print(f"vjp_fn(2.0) = ({vjp2_w1:.15f}, {vjp2_w2:.15f})   " + tr("(linear in the adjoint)", "(линейно по сопряжённой переменной)"))

# %% [markdown] en="3056a23b3e" slideshow={"slide_type": "slide"}
# ## Аналитические производные
#
# Обозначим $u = w_2 \log w_1$; тогда $L = u + \sqrt u$, $\; dL/du = 1 + \dfrac{1}{2\sqrt u}$, и
#
# $$\frac{\partial L}{\partial w_1} = \frac{w_2}{w_1}\Bigl(1 + \frac{1}{2\sqrt{w_2 \log w_1}}\Bigr), \qquad
#   \frac{\partial L}{\partial w_2} = \log w_1 \Bigl(1 + \frac{1}{2\sqrt{w_2 \log w_1}}\Bigr).$$

# %% slideshow={"slide_type": "fragment"}
factor = 1 + 1 / (2 * np.sqrt(w2 * np.log(w1)))
exact = np.array([w2 / w1 * factor, np.log(w1) * factor])

print(f"{'':10}{'∂L/∂w1':>20}{'∂L/∂w2':>20}")
for name, (a, b) in {
    tr("closed", "формула"): exact,
    "grad": (dL_dw1, dL_dw2),
    "jvp": (jvp_w1, jvp_w2),
    "vjp": (vjp_w1, vjp_w2),
}.items():
    print(f"{name:10}{a:20.15f}{b:20.15f}")

for computed in [(dL_dw1, dL_dw2), (jvp_w1, jvp_w2), (vjp_w1, vjp_w2)]:
    np.testing.assert_allclose(computed, exact, rtol=1e-12)
print(tr("all three modes agree with the closed form to 1e-12",
         "все три способа совпадают с аналитической формулой до 1e-12"))

# %% [markdown] en="c1ca426195" slideshow={"slide_type": "slide"}
# ## Проверка с помощью JAX
#
# В `adlib` те же имена и та же семантика, что в JAX, поэтому те же вызовы работают и с `jax`. JAX по умолчанию
# считает во float32; мы включаем float64 *до* создания первого массива JAX и требуем совпадения до $10^{-12}$ в
# нескольких точках. Если библиотеки расходятся, эта ячейка выбрасывает исключение, и выполнение ноутбука прерывается с ошибкой.

# %% slideshow={"slide_type": "fragment"}
import jax

jax.config.update("jax_enable_x64", True)  # must come before the first JAX array is created
import jax.numpy as jnp

assert jnp.asarray(1.0).dtype == jnp.float64


def L_jax(w1, w2):
    return w2 * jnp.log(w1) + jnp.sqrt(w2 * jnp.log(w1))


for point in [(2.0, 3.0), (1.5, 0.7), (5.0, 0.2), (10.0, 4.0)]:
    np.testing.assert_allclose(L(*point), L_jax(*point), rtol=1e-12)
    np.testing.assert_allclose(
        adlib.grad(L, argnums=(0, 1))(*point), jax.grad(L_jax, argnums=(0, 1))(*point), rtol=1e-12
    )
    for tangent in [(1.0, 0.0), (0.0, 1.0), (0.3, -2.0)]:
        np.testing.assert_allclose(adlib.jvp(L, point, tangent), jax.jvp(L_jax, point, tangent), rtol=1e-12)
    np.testing.assert_allclose(adlib.vjp(L, *point)[1](1.0), jax.vjp(L_jax, *point)[1](1.0), rtol=1e-12)
jax_grad = jax.grad(L_jax, argnums=(0, 1))(w1, w2)
print(tr("adlib == JAX in float64 to rtol=1e-12; JAX's gradient at (2, 3):",
         "adlib == JAX в float64 с rtol=1e-12; градиент JAX в точке (2, 3):"), tuple(float(g) for g in jax_grad))

# %% [markdown] en="973fd30536" slideshow={"slide_type": "slide"}
# ## Линии уровня и поле градиента
#
# $L$ на сетке и стрелки $\nabla L$, вычисленные `adlib.grad`. Так как $L$ действует поэлементно, градиент
# $\sum_{ij} L(W_1, W_2)_{ij}$ по сеткам $W_1, W_2$ — это в точности поточечный градиент: один обратный проход на
# всю сетку.

# %% slideshow={"slide_type": "subslide"}
grid_w1, grid_w2 = np.meshgrid(np.linspace(1.05, 4.0, 200), np.linspace(0.05, 3.6, 200))
arrow_w1, arrow_w2 = np.meshgrid(np.linspace(1.2, 3.9, 12), np.linspace(0.2, 3.4, 12))
g1, g2 = adlib.grad(lambda a, b: anp.sum(L(a, b)), argnums=(0, 1))(arrow_w1, arrow_w2)

fig, ax = plt.subplots(figsize=(6.4, 4.4))
contours = ax.contourf(grid_w1, grid_w2, L(grid_w1, grid_w2), levels=20, cmap="viridis")
fig.colorbar(contours, ax=ax, label="$L(w_1, w_2)$")
ax.quiver(arrow_w1, arrow_w2, g1, g2, color="white", angles="xy", alpha=0.9)
ax.plot([w1], [w2], "o", color="tab:red", label=f"$(w_1, w_2) = ({w1:g}, {w2:g})$")
ax.set_xlabel("$w_1$")
ax.set_ylabel("$w_2$")
ax.set_title(r"$L = w_2 \log w_1 + \sqrt{w_2 \log w_1}$" + tr(r" and $\nabla L$ from adlib.grad", r" и $\nabla L$ из adlib.grad"))
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), frameon=False)  # below the axes: no arrow hidden
fig.tight_layout()
plt.show()

# %% [markdown] en="ddd9ff0d76" slideshow={"slide_type": "slide"}
# ## Итоги
#
# * `adlib.grad` — обратный режим: один прямой и один обратный проход дают весь градиент.
# * `adlib.jvp` — прямой режим: один проход на каждое направление в пространстве входов.
# * `adlib.vjp` — обратный режим с выбранной вами сопряжённой переменной выхода; `grad` — это `vjp` с $\bar L = 1$.
# * Все три совпадают с аналитическими формулами и с JAX до $10^{-12}$ во float64.

# %% [markdown] en="6099835fa0" slideshow={"slide_type": "slide"}
# ## Дорожная карта курса
#
# По ноутбуку на каждый раздел лекции, в порядке слайдов; каждый ссылается на те, на которые опирается.
#
# | ноутбук | раздел лекции | что вы сделаете |
# |---|---|---|
# | [01 — задача: многомерное шкалирование](01_problem_mds.ipynb) | Задача; многомерное шкалирование | увидите, почему при большом $d$ нужны градиенты |
# | [02 — методы нулевого порядка](02_zero_order.ipynb) | Градиентный спуск без градиента | заплатите в $n$ раз большим числом итераций за отсутствие градиента |
# | [03 — конечные разности](03_finite_differences.ipynb) | Конечные разности | измерите стоимость $2dT$ и потерянные знаки |
# | [04 — прямой режим](04_forward_mode.ipynb) | Прямой режим | пройдёте граф лекции шаг за шагом, касательная за касательной |
# | [05 — обратный режим](05_reverse_mode.ipynb) | Обратный режим | получите весь градиент за один обратный проход |
# | [06 — choose your fighter](06_choose_your_fighter.ipynb) | Choose your fighter | посчитаете и измерите время вычисления якобианов в обоих режимах |
# | [07 — сети прямого распространения](07_feedforward.ipynb) | Архитектура прямого распространения | проследите размерности при обратном распространении |
# | [08 — произведение гессиана на вектор](08_hvp.ipynb) | Произведение Гессиана на вектор | получите кривизну без гессиана |
# | [09 — след по Хатчинсону](09_hutchinson.ipynb) | Идея Хатчинсона | оцените след матрицы по произведениям гессиана на вектор |
# | [10 — контрольные точки](10_checkpointing.ipynb) | Контрольные точки градиента | обменяете память на повторные вычисления |
# | [11 — чем AD не является](11_what_ad_is_not.ipynb) | Чем AD не является | сравните с символьным и численным дифференцированием |
# | [12 — семинар: наименьшие квадраты, SVD](12_seminar_least_squares_svd.ipynb) | Дополнительные материалы (семинары) | напишете правила для целых функций линейной алгебры |
# | [13 — песочница](13_playground.ipynb) | за рамками лекции | запустите оба режима на своей функции |
#
# Путь: 01 → 02 → 03 ставят задачу и показывают, почему очевидные ответы не годятся; 04 → 05 — два режима на $L$ из
# этого ноутбука; 06 → 07 → 08 → 09 применяют их к якобианам, нейросетям и кривизне; 05 → 10 — цена обратного
# режима: память; 11 и 12 завершают курс: чем AD не является, и правила для целых функций; 13, за рамками лекции,
# запускает тот же механизм на вашей собственной функции.

# %% [markdown] en="a23dd30919" slideshow={"slide_type": "slide"}
# ## Упражнения
#
# В каждом ноутбуке 01–13 есть упражнения: ячейка с тегом `exercise` с заготовкой, которую нужно заменить (`...`,
# `None` или `raise NotImplementedError`), и проверка из `adlib.course.exercises`, которая отвечает сразу, прямо в
# ноутбуке (сервер не нужен, в Colab всё работает так же): ✅ верно, ❌ неверно — с наибольшим расхождением и
# подсказкой, ⏳ ещё не сделано (заготовка никогда не останавливает ноутбук). Производные проверяются без ключа
# ответов: сравнением с `adlib`, конечными разностями и JAX; правило, которое вы пишете, регистрируется на новом
# примитиве и проверяется `check_grads` до второго порядка.
#
# Решение — в следующей ячейке, **свёрнутой, но не спрятанной**: откройте её щелчком по «⋯» (JupyterLab) или
# двойным щелчком по заголовку «Решение» (Colab). Решения не секретны: они лежат в ноутбуке,
# выполняются вместе с ним и показывают пройденную проверку. Сначала попробуйте сами; откройте решение, если
# застряли, или чтобы сравнить.
