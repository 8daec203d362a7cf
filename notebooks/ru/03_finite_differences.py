# ---
# jupyter:
#   course:
#     summary: 'Finite differences: cost 2dT vs one sweep, error vs step size'
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

# %% [markdown] en="2fa5395417" slideshow={"slide_type": "slide"}
# # Конечные разности: цена и точность
#
# Наивный способ получить градиент — сдвигать по одной координате за раз:
#
# $$\frac{\partial L}{\partial w_k}(w) \approx \frac{L(w + \varepsilon e_k) - L(w)}{\varepsilon}, \qquad
#   e_k = (0, \dots, \underset{k}{1}, \dots, 0).$$
#
# Этот ноутбук отвечает на два вопроса лекции измерениями: **сколько это стоит** (подсчёт вызовов и замер времени
# в сравнении с обратным режимом `adlib` при росте $d$) и **насколько это точно** (ошибка в зависимости от
# $\varepsilon$: U-образный компромисс между ошибкой усечения и ошибкой округления, с ошибкой AD на том же графике),
# а затем — теорема из лекции. За рамками лекции: то же самое во float32 и во float16 (упражнение 3.2), куда уходит время конечных разностей
# (собственная работа цикла) и проверка с помощью JAX.
#
# Выполняется меньше чем за минуту.

# %% [markdown] slideshow={"slide_type": "skip"} tags=["colab"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/adlib-course/adlib-course/blob/v0.1.0/notebooks/ru/03_finite_differences.ipynb)
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
from adlib.course import exercises, projector
from adlib.course import zero_order as zo
from adlib.course.claims import choose, claim, say
from adlib.course.i18n import plural_ru, tr
from adlib.course.measure import loglog_slope, time_calls

projector.use()  # figure text readable on a 1280×720 slide
np.set_printoptions(precision=4)

# %% [markdown] en="4a6d652030" slideshow={"slide_type": "fragment"}
# Опирается на [02 — градиентный спуск без градиента](02_zero_order.ipynb): здесь мы разбираем по частям его оценку
# градиента конечными разностями. Ведёт к [04 — прямой режим](04_forward_mode.ipynb) (точные производные, но всё ещё
# по одному проходу на каждый вход) и [05 — обратный режим](05_reverse_mode.ipynb) — алгоритму за $\mathcal{O}(T)$
# из теоремы ниже.

# %% [markdown] en="31273f7039" slideshow={"slide_type": "slide"}
# ## Конечные разности
#
# Формула со слайда — это цикл по $d$ координатам: один раз $L(w)$, затем $L(w + \varepsilon e_k)$ для каждого $k$ —
# всего $d + 1$ вычислений. Центральным разностям $(L(w + \varepsilon e_k) - L(w - \varepsilon e_k)) / 2\varepsilon$,
# оценке из ноутбука 02, нужно $2d$. (`adlib.course.zero_order.forward_difference` / `central_difference` — это те же
# строки плюс проверки входных данных.)


# %% slideshow={"slide_type": "fragment"}
def forward_difference(L, w, eps):
    L0, g = L(w), np.zeros_like(w)
    for k in range(w.size):
        e = np.zeros_like(w)
        e[k] = eps
        g[k] = (L(w + e) - L0) / eps
    return g


def L(w):  # the lecture's running example, with w = (w1, w2)
    return w[1] * anp.log(w[0]) + anp.sqrt(w[1] * anp.log(w[0]))


w = np.array([2.0, 3.0])
factor = 1 + 1 / (2 * np.sqrt(w[1] * np.log(w[0])))
exact = np.array([w[1] / w[0] * factor, np.log(w[0]) * factor])  # closed form, see 00_quickstart
with np.printoptions(precision=15):
    print(f"{tr('forward difference, ε = 1e-6:', 'разность вперёд, ε = 1e-6:'):29}", forward_difference(L, w, 1e-6))
    print(f"{tr('adlib.grad (reverse mode):', 'adlib.grad (обратный режим):'):29}", adlib.grad(L)(w))
    print(f"{tr('closed form:', 'аналитическая формула:'):29}", exact)
np.testing.assert_allclose(forward_difference(L, w, 1e-6), zo.forward_difference(L, w, 1e-6), rtol=1e-15)
np.testing.assert_allclose(adlib.grad(L)(w), exact, rtol=1e-14)

# %% [markdown] en="56f14f8926" slideshow={"slide_type": "slide"}
# ## Вопрос: сколько стоит градиент?
#
# *Если время, необходимое для одного вычисления $L(w)$, равно $T$, то какое время необходимо для вычисления
# $\nabla_w L$ с этим подходом?*
#
# Считаем, а не предполагаем: `CountedFunction` оборачивает $L$ и считает её вызовы.

# %% slideshow={"slide_type": "fragment"}
def L_big(w):  # an O(d) loss: one pass over the d parameters
    return anp.sum(anp.log(1 + anp.exp(-w))) + 0.5 * anp.sum(w * w)


def evaluations(estimate, d):
    """How many times the finite-difference gradient `estimate` calls L_big at a point of R^d (counted)."""
    counted = zo.CountedFunction(L_big)
    estimate(counted, np.random.default_rng(0).standard_normal(d))
    return counted.evaluations


# %% [markdown] en="39e24503a6" slideshow={"slide_type": "subslide"}
# **Упражнение 3.1** — сначала предскажите, потом посчитайте. Сколько вычислений $L$ (то есть сколько $T$) занимает
# один градиент при $d = 1000$ по формуле со слайда (`forward_difference`) и центральными разностями
# (`central_difference`, оценка из ноутбука 02)? Запишите два числа; ячейка при запуске посчитает вызовы и сравнит.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_evaluations = {"forward_difference": None, "central_difference": None}  # your code here: two numbers, d = 1000

exercises.check_values(my_evaluations, {"forward_difference": evaluations(zo.forward_difference, 1000),
                                        "central_difference": evaluations(zo.central_difference, 1000)}, rtol=0,
                       hint=("list the calls of L in each formula: which values are needed once, which once per "
                             "coordinate k?",
                             "выпишите вызовы L в каждой формуле: какие значения нужны один раз, а какие — для "
                             "каждой координаты k?"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Решение
# The slide's formula: L(w) once, then L(w + ε e_k) for k = 1..d: d + 1 evaluations, time (d + 1)T.
# Central differences: L(w + ε e_k) and L(w − ε e_k) for k = 1..d: 2d evaluations, time 2dT (the lecture's answer).
solution_evaluations = {"forward_difference": 1000 + 1, "central_difference": 2 * 1000}

exercises.check_values(solution_evaluations, {"forward_difference": evaluations(zo.forward_difference, 1000),
                                              "central_difference": evaluations(zo.central_difference, 1000)},
                       rtol=0).assert_passed()

# %% slideshow={"slide_type": "fragment"}
print(f"{'d':>6}{tr('forward', 'вперёд'):>10}{tr('central', 'центр.'):>10}")
for d in (10, 100, 1000):
    counts = [evaluations(zo.forward_difference, d), evaluations(zo.central_difference, d)]
    print(f"{d:>6}{counts[0]:>10.0f}{counts[1]:>10.0f}")
    assert counts == [d + 1, 2 * d]

# %% [markdown] en="e402e35cef" slideshow={"slide_type": "fragment"}
# **Ответ.** Формула разностей вперёд со слайда стоит $(d + 1)T$; ответ лекции, **$2dT$**, — это стоимость
# центральных разностей, по два вычисления на координату (они точнее, см. ниже). В любом случае время растёт линейно
# по $d$: для сети с $d = 10^9$ параметров один градиент — это от одного до двух миллиардов прямых проходов. И лекция
# добавляет: метод *нестабилен*, нам придётся выбирать между точностью и стабильностью.

# %% [markdown] en="0e27f20d26" slideshow={"slide_type": "slide"}
# ## Точность или стабильность
#
# При уменьшении $\varepsilon$ соревнуются две ошибки:
#
# * **ошибка усечения** (ряд Тейлора): $\frac{\varepsilon}{2}|L''|$ для разностей вперёд, $\frac{\varepsilon^2}{6}|L'''|$
#   для центральных — требует малого $\varepsilon$;
# * **ошибка округления**: $L(w + \varepsilon e_k)$ и $L(w)$ округлены каждое с относительной точностью
#   $\epsilon_{\text{mach}}$, а их разность делится на $\varepsilon$: $\approx \epsilon_{\text{mach}}
#   |L| / \varepsilon$ — требует большого $\varepsilon$.
#
# Их баланс даёт $\varepsilon^* \approx \sqrt{\epsilon_{\text{mach}}}$ (вперёд) и $\varepsilon^* \approx
# \epsilon_{\text{mach}}^{1/3}$ (центральные), а наименьшая ошибка — около $\sqrt{\epsilon_{\text{mach}}}$ и
# $\epsilon_{\text{mach}}^{2/3}$: теряется половина или треть знаков — **в лучшем случае**.

# %% slideshow={"slide_type": "subslide"}
epsilons = np.logspace(-16, 0, 97)
curves, ad_errors = zo.difference_errors(L, w, exact, epsilons)  # [name, dtype] -> errors over ε; adlib's error

fig, ax = plt.subplots(figsize=(9, 6))
zo.plot_difference_errors(ax, epsilons, curves, ad_errors)
ax.set_title(tr(r"Finite differences at $w = (2, 3)$: truncation (right) vs round-off (left)",
                r"Конечные разности в точке $w = (2, 3)$: усечение (справа) и округление (слева)"))
fig.tight_layout()
plt.show()

right = (epsilons >= 1e-3) & (epsilons <= 1e-1)  # truncation dominates there, in float64
claim(0.8 < loglog_slope(epsilons[right], curves["forward", np.float64][right]) < 1.2
      and 1.7 < loglog_slope(epsilons[right], curves["central", np.float64][right]) < 2.3,
      "the right branch has slope 1 for forward and 2 for central differences")
claim(ad_errors[np.float64] < 1e-15, "in float64 AD's error is at the level of 1e-16 or 0", error=ad_errors[np.float64])
claim(all(np.all(errors[epsilons < np.finfo(dtype).eps / 4] == 1) for (_, dtype), errors in curves.items()),
      "left of eps_mach the step is lost and the relative error is 1")

# %% [markdown] en="52f5f7f9b1" slideshow={"slide_type": "fragment"}
# На что смотреть: каждая кривая конечных разностей — это **U**: правая ветвь — ошибка усечения (наклон 1 для
# разностей вперёд, 2 для центральных), левая ветвь — ошибка округления (наклон −1). Вертикальные линии отмечают
# оптимумы по грубой оценке, $\sqrt{\epsilon_{\text{mach}}}$ и $\epsilon_{\text{mach}}^{1/3}$ (сплошные — float64;
# пунктирные — float32, за рамками лекции; это точность глубокого обучения: там та же U-кривая лежит выше).
# Зелёные линии — AD: никакого $\varepsilon$, ошибка на уровне машинной точности (во float64 ниже $10^{-15}$; точный 0
# нарисован на уровне $10^{-17}$). Левее $\varepsilon \approx \epsilon_{\text{mach}}$ шаг теряется полностью
# ($w + \varepsilon = w$ в арифметике с плавающей точкой), и оценка равна 0: относительная ошибка 1.

# %% slideshow={"slide_type": "subslide"}
print(tr(f"{'method':22}{'best ε':>10}{'best error':>12}{'digits kept':>13}{'rule-of-thumb ε':>17}{'error there':>13}",
         f"{'метод':22}{'лучший ε':>10}{'мин. ошибка':>12}{'верных знаков':>13}{'ε* по оценке':>17}{'ошибка при ε*':>13}"))
kept, lost = {}, {}
METHOD_RU = {"forward": "вперёд", "central": "центральные"}  # the table's row names in the Russian edition
for (name, dtype), errors in curves.items():
    machine = np.finfo(dtype).eps
    rule = np.sqrt(machine) if name == "forward" else np.cbrt(machine)
    estimate = zo.forward_difference if name == "forward" else zo.central_difference
    at_rule = np.linalg.norm(estimate(L, w.astype(dtype)).astype(np.float64) - exact) / np.linalg.norm(exact)
    best = np.argmin(errors)
    kept[name, dtype] = -np.log10(errors[best])  # correct decimal digits at the best step
    lost[name, dtype] = 1 - kept[name, dtype] / -np.log10(machine)  # the fraction of the dtype's digits lost
    print(f"{tr(name, METHOD_RU[name]) + ', ' + dtype.__name__:22}{epsilons[best]:>10.1e}{errors[best]:>12.1e}{kept[name, dtype]:>13.1f}"
          f"{rule:>17.1e}{at_rule:>13.1e}")
for dtype in (np.float64, np.float32):
    print(f"{'adlib.grad, ' + dtype.__name__:22}{'—':>10}{ad_errors[dtype]:>12.1e}")

# the claims of the slide, as checks: the best FD errors are near √eps and eps^(2/3), AD is near eps
for dtype in (np.float64, np.float32):
    machine = np.finfo(dtype).eps
    claim(0.01 * np.sqrt(machine) < curves["forward", dtype].min() < 100 * np.sqrt(machine),
          "the best forward-difference error is about √eps", dtype=dtype.__name__)
    claim(0.01 * machine ** (2 / 3) < curves["central", dtype].min() < 100 * machine ** (2 / 3),
          "the best central-difference error is about eps^(2/3)", dtype=dtype.__name__)
    claim(ad_errors[dtype] < 10 * machine, "reverse mode is accurate to machine precision", dtype=dtype.__name__)
    claim(0.35 < lost["forward", dtype] < 0.65, "forward differences lose about half of the digits", lost=lost)
    claim(0.2 < lost["central", dtype] < 0.45, "central differences lose about a third of the digits", lost=lost)
f64, f32 = np.float64, np.float32
say(f"At the best step, in float64 (≈ {-np.log10(np.finfo(f64).eps):.0f} digits) forward differences keep "
    f"**{kept['forward', f64]:.0f}** digits and central ones **{kept['central', f64]:.0f}**; in float32 "
    f"(≈ {-np.log10(np.finfo(f32).eps):.0f} digits, the default precision of deep learning) **{kept['forward', f32]:.0f}**"
    f" and **{kept['central', f32]:.0f}**. Forward differences lose {lost['forward', f64]:.0%} (float64) and "
    f"{lost['forward', f32]:.0%} (float32) of the digits, central ones {lost['central', f64]:.0%} and "
    f"{lost['central', f32]:.0%}.",
    ru=f"При лучшем шаге во float64 (≈ {-np.log10(np.finfo(f64).eps):.0f} "
       f"{plural_ru(round(-np.log10(np.finfo(f64).eps)), 'знак', 'знака', 'знаков')}) разности вперёд сохраняют "
       f"**{kept['forward', f64]:.0f}** "
       f"{plural_ru(round(kept['forward', f64]), 'верный знак', 'верных знака', 'верных знаков')}, а центральные — "
       f"**{kept['central', f64]:.0f}**; во float32 (≈ {-np.log10(np.finfo(f32).eps):.0f} "
       f"{plural_ru(round(-np.log10(np.finfo(f32).eps)), 'знак', 'знака', 'знаков')}, стандартная точность глубокого "
       f"обучения) — **{kept['forward', f32]:.0f}** и **{kept['central', f32]:.0f}**. Разности вперёд теряют "
       f"{lost['forward', f64]:.0%} (float64) и {lost['forward', f32]:.0%} (float32) знаков, центральные — "
       f"{lost['central', f64]:.0%} и {lost['central', f32]:.0%}.")

# %% [markdown] en="72e077ea31" slideshow={"slide_type": "fragment"}
# Итак, разности вперёд теряют около половины знаков, а центральные — около трети, одинаково во float64 и (за
# рамками лекции) во float32 — именно те доли, которые предсказывает теория. Обратный режим сохраняет все знаки.

# %% [markdown] en="cee306444b" slideshow={"slide_type": "subslide"}
# ### За рамками лекции: половинная точность
#
# **Упражнение 3.2** — сначала предскажите, потом измерьте. У `float16`, половинной точности,
# $\epsilon_{\text{mach}} = 2^{-10} \approx 9.8 \cdot 10^{-4}$. При каком шаге $\varepsilon$ ошибка разностей вперёд для
# $L$ в точке $w = (2, 3)$ во float16 наименьшая? Запишите число; ячейка при запуске измерит ошибку на той же сетке из
# 97 шагов, что и выше (соседние шаги отличаются примерно в 1.5 раза), и сравнит. Ответ в пределах множителя 3
# считается верным: грубая оценка не учитывает константы $|L|$ и $|L''|$.


# %% slideshow={"slide_type": "skip"}
def best_step(dtype, name="forward"):
    """The step of `epsilons` at which `name` differences of L at w have their smallest error in `dtype`."""
    errors = zo.difference_errors(L, w, exact, epsilons, dtypes=(dtype,))[0][name, dtype]
    return epsilons[np.argmin(errors)]


assert best_step(np.float64) == epsilons[np.argmin(curves["forward", np.float64])]  # the same measurement as above

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_best_eps_float16 = None  # your code here: a number, the step ε

exercises.check_prediction(my_best_eps_float16, best_step(np.float16), within=3,
                           name=tr("the measured best ε (float16, forward differences)",
                                   "измеренный лучший ε (float16, разности вперёд)"),
                           hint=("balance truncation ε|L''|/2 against round-off eps·|L|/ε, as for float64 and "
                                 "float32 above",
                                 "уравновесьте ошибку усечения ε|L''|/2 и ошибку округления eps·|L|/ε, как для "
                                 "float64 и float32 выше"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Решение
# Truncation ε|L''|/2 falls with ε, round-off eps·|L|/ε grows as ε shrinks: they balance near ε* ≈ √eps, the rule
# that the table above confirms in float64 and float32. In float16, √(2^-10) = 2^-5 ≈ 0.031: a large step.
solution_best_eps_float16 = np.sqrt(np.finfo(np.float16).eps)

exercises.check_prediction(solution_best_eps_float16, best_step(np.float16), within=3,
                           name=tr("the measured best ε (float16, forward differences)",
                                   "измеренный лучший ε (float16, разности вперёд)")).assert_passed()

# %% slideshow={"slide_type": "subslide"}
curves16, ad_errors16 = zo.difference_errors(L, w, exact, epsilons, dtypes=(np.float16,))

fig, ax = plt.subplots(figsize=(9, 6))
zo.plot_difference_errors(ax, epsilons, {**curves, **curves16}, {**ad_errors, **ad_errors16})
ax.set_xlim(1e-9, 2)  # the steps where the three Us have their bottoms
ax.set_title(tr(r"The same U in float16 (dashed): further right, higher up",
                r"Та же U-кривая во float16 (штриховые): правее и выше"))
fig.tight_layout()
plt.show()

machine16 = np.finfo(np.float16).eps
print(tr(f"{'method':22}{'best ε':>10}{'best error':>12}{'digits kept':>13}{'rule-of-thumb ε':>17}{'error there':>13}",
         f"{'метод':22}{'лучший ε':>10}{'мин. ошибка':>12}{'верных знаков':>13}{'ε* по оценке':>17}{'ошибка при ε*':>13}"))
best16, kept16, at_rule16 = {}, {}, {}
for name, rule, estimate in (("forward", np.sqrt(machine16), zo.forward_difference),
                             ("central", np.cbrt(machine16), zo.central_difference)):
    errors = curves16[name, np.float16]
    best16[name], kept16[name] = epsilons[np.argmin(errors)], -np.log10(errors.min())
    g_rule = estimate(L, w.astype(np.float16)).astype(np.float64)  # at the default step, the rule of thumb
    at_rule16[name] = np.linalg.norm(g_rule - exact) / np.linalg.norm(exact)
    print(f"{tr(name, METHOD_RU[name]) + ', float16':22}{best16[name]:>10.1e}{errors.min():>12.1e}{kept16[name]:>13.1f}{rule:>17.1e}"
          f"{at_rule16[name]:>13.1e}")
print(f"{'adlib.grad, float16':22}{'—':>10}{ad_errors16[np.float16]:>12.1e}")
assert best16["forward"] == best_step(np.float16)
claim(1 / 3 < best16["forward"] / np.sqrt(machine16) < 3 and 1 / 3 < best16["central"] / np.cbrt(machine16) < 3,
      "the best steps are within a factor of 3 of the rules of thumb", best=best16)
claim(ad_errors16[np.float16] < machine16, "AD's error in float16 is below eps_mach", error=ad_errors16[np.float16])
claim(all(best16[name] > epsilons[np.argmin(curves[name, np.float32])]
          and curves16[name, np.float16].min() > curves[name, np.float32].min() for name in best16),
      "float16's U sits right of and above float32's", best=best16)
say(f"In float16 (≈ {-np.log10(machine16):.0f} digits) the best step is **{best16['forward']:.2g}** for forward "
    f"differences (the rule of thumb $\\sqrt{{\\epsilon}}$ = {np.sqrt(machine16):.2g}) and **{best16['central']:.2g}** "
    f"for central ones ($\\epsilon^{{1/3}}$ = {np.cbrt(machine16):.2g}). At the best step forward differences keep "
    f"**{kept16['forward']:.1f}** digits and central ones **{kept16['central']:.1f}**; adlib.grad's error is "
    f"{ad_errors16[np.float16]:.1e}, below $\\epsilon_{{\\text{{mach}}}}$.",
    ru=f"Во float16 (≈ {-np.log10(machine16):.0f} "
       f"{plural_ru(round(-np.log10(machine16)), 'знак', 'знака', 'знаков')}) лучший шаг для разностей вперёд — "
       f"**{best16['forward']:.2g}** (грубая оценка $\\sqrt{{\\epsilon}}$ = {np.sqrt(machine16):.2g}), для "
       f"центральных — **{best16['central']:.2g}** ($\\epsilon^{{1/3}}$ = {np.cbrt(machine16):.2g}). При лучшем шаге "
       f"разности вперёд сохраняют **{kept16['forward']:.1f}** верного знака, а центральные — "
       f"**{kept16['central']:.1f}**; ошибка adlib.grad равна {ad_errors16[np.float16]:.1e}, это меньше "
       f"$\\epsilon_{{\\text{{mach}}}}$.")

# %% [markdown] en="155a191bb8" slideshow={"slide_type": "fragment"}
# На что смотреть (теперь ось начинается с $\varepsilon = 10^{-9}$): кривые float16 (штриховые) имеют ту же U-образную
# форму, что и кривые float64 и float32, но сдвинуты вправо и вверх: при большем $\epsilon_{\text{mach}}$ ошибка
# округления $\epsilon_{\text{mach}}|L|/\varepsilon$ больше при каждом шаге, поэтому она сравнивается с ошибкой
# усечения при большем шаге и на более высоком уровне ошибки.

# %% [markdown] en="fe59fadb41" slideshow={"slide_type": "slide"}
# ## Теорема (Линнайнмаа, 1970)
#
# **Существует алгоритм для вычисления $\nabla_w L$ за $\mathcal{O}(T)$.** Этот алгоритм — обратный режим
# автоматического дифференцирования: один прямой проход, записывающий вычислительный граф, и один обратный проход по
# нему. Каждая элементарная операция посещается один раз при прямом проходе и один раз при обратном, каждый раз с
# постоянным объёмом работы, отсюда — постоянный множитель (классическая оценка для числа операций — ≈ 4–5,
# Griewank & Walther).
#
# Измеряем $T$ (одно вычисление), центральные разности и `adlib.grad` при росте $d$ и строим график **в единицах $T$**,
# чтобы скорость машины сократилась. Каждое время — лучшее из пяти раундов по процессорному времени этого процесса
# (`time.process_time`), четыре функции внутри каждого раунда выполняются по очереди. На общей машине реальное
# время (wall-clock) учитывало бы и работу других программ, причём больше всего в самых долгих вызовах (центральные
# разности при $d = 3000$ длятся в тысячи раз дольше одного $L$).


# %% slideshow={"slide_type": "skip"}
def free(w):  # a "loss" that costs nothing: times the finite-difference loop itself
    return 0.0


# %% slideshow={"slide_type": "subslide"}
dims = np.array([10, 30, 100, 300, 1000, 3000])
grad_L = adlib.grad(L_big)
rows = []
for d in dims:
    w_d = np.random.default_rng(1).standard_normal(d)
    rows.append(time_calls({
        "L (T)": lambda w_d=w_d: L_big(w_d),
        "central differences": lambda w_d=w_d: zo.central_difference(L_big, w_d),
        "adlib.grad": lambda w_d=w_d: grad_L(w_d),
        "the loop alone": lambda w_d=w_d: zo.central_difference(free, w_d),
    }, repeat=5, min_time=0.02, cpu=True))  # fmt: skip
times = {name: np.array([row[name] for row in rows]) for name in rows[0]}
T = times["L (T)"]
ratio_fd, ratio_ad = times["central differences"] / T, times["adlib.grad"] / T
slope_fd = np.polyfit(np.log(dims), np.log(ratio_fd), 1)[0]
slope_ad = np.polyfit(np.log(dims), np.log(ratio_ad), 1)[0]

fig, ax = plt.subplots(figsize=(8, 5))
ax.loglog(dims, ratio_fd, "o-", label=tr(f"central differences (slope {slope_fd:.2f})",
                                         f"центральные разности (наклон {slope_fd:.2f})"))
ax.loglog(dims, ratio_ad, "s-", label=tr(f"adlib.grad, reverse mode (slope {slope_ad:.2f})",
                                         f"adlib.grad, обратный режим (наклон {slope_ad:.2f})"))
ax.loglog(dims, 2 * dims, "k--", lw=1, label=tr("$2d$ (the count)", "$2d$ (подсчёт вызовов)"))
ax.set_xlabel(tr("number of parameters $d$", "число параметров $d$"))
ax.set_ylabel(tr("time of one gradient / $T$", "время одного градиента / $T$"))
ax.set_title(tr("Cost of a gradient in units of $T$ (one $L(w)$)",
                "Стоимость градиента в единицах $T$ (одно вычисление $L(w)$)"))
ax.legend()
fig.tight_layout()
plt.show()
print(tr(f"time/T, central differences: {np.round(ratio_fd, 1)}  (fitted slope {slope_fd:.2f}, the count says 1)",
         f"время/T, центральные разности: {np.round(ratio_fd, 1)}  (наклон подгонки {slope_fd:.2f}, по подсчёту 1)"))
print(tr(f"time/T, adlib.grad:          {np.round(ratio_ad, 1)}  (fitted slope {slope_ad:.2f}, the theorem says 0)",
         f"время/T, adlib.grad:           {np.round(ratio_ad, 1)}  (наклон подгонки {slope_ad:.2f}, по теореме 0)"))
claim(0.8 < slope_fd < 1.25 and np.all((ratio_fd > dims) & (ratio_fd < 6 * dims)),
      "the finite-difference time runs along the 2d line (slope ≈ 1)", slope=slope_fd)
claim(slope_ad < 0.3 and ratio_ad.max() < 0.1 * ratio_fd[-1], "the reverse-mode time does not grow with d",
      slope=slope_ad)

# %% [markdown] en="1228762e88" slideshow={"slide_type": "fragment"}
# На что смотреть: кривая конечных разностей идёт вдоль прямой $2d$ (наклон ≈ 1); кривая обратного режима не растёт —
# при $d = 10 \dots 3000$ градиент стоит **ограниченное** число вычислений.

# %% [markdown] en="3b89d820cd" slideshow={"slide_type": "subslide"}
# ### За рамками лекции: куда уходит время конечных разностей
#
# Откуда берётся зазор между измеренной кривой и $2d$? Каждое из $2d$ вычислений внутри цикла требует ещё и
# собственной работы цикла: копирования $w$, чтобы сдвинуть одну координату, и проверки того, что значение — конечное
# число. Замер цикла с «бесплатной» функцией потерь измеряет эту работу, $t_{\text{loop}}$ на одно вычисление, и
# предсказывает время $2d\,(T + t_{\text{loop}})$:

# %% slideshow={"slide_type": "fragment"}
t_loop = times["the loop alone"] / (2 * dims)
predicted = 2 * dims * (T + t_loop) / T
print(tr(f"{'d':>6}{'T (µs)':>9}{'t_loop (µs)':>13}{'time/T':>9}{'2d':>7}{'time/(2dT)':>12}{'1 + t_loop/T':>14}",
         f"{'d':>6}{'T (мкс)':>9}{'t_loop (мкс)':>13}{'время/T':>9}{'2d':>7}{'время/(2dT)':>12}{'1 + t_loop/T':>14}"))
for row in zip(dims, T * 1e6, t_loop * 1e6, ratio_fd, 2 * dims, ratio_fd / (2 * dims), predicted / (2 * dims)):
    print("{:>6}{:>9.1f}{:>13.2f}{:>9.0f}{:>7}{:>12.2f}{:>14.2f}".format(*row))
agreement = ratio_fd / predicted
claim(0.6 < np.median(agreement) < 1.6, "2d(T + t_loop) predicts the measured time", agreement=np.round(agreement, 2))
claim(t_loop.max() < 3 * t_loop.min() and (1 + t_loop / T).max() < 1.5 * (1 + t_loop / T).min(),
      "t_loop does not grow with d, and 1 + t_loop/T stays about the same", t_loop_over_T=np.round(t_loop / T, 2))
claim(ratio_fd[-1] > 2 * dims[-1], "the gap does not vanish at the largest d", ratio=ratio_fd[-1])
claim(T[-1] / T[0] < 0.1 * dims[-1] / dims[0], "T grows far more slowly than d", T_growth=T[-1] / T[0])
say(f"Measured over $2dT$: **{(ratio_fd / (2 * dims)).min():.2f}–{(ratio_fd / (2 * dims)).max():.2f}×**; predicted "
    f"by the loop's own work, $1 + t_{{\\text{{loop}}}}/T$: **{(predicted / (2 * dims)).min():.2f}–"
    f"{(predicted / (2 * dims)).max():.2f}×** (measured/predicted: {agreement.min():.2f}–{agreement.max():.2f}). "
    f"adlib.grad: **{ratio_ad.min():.0f}–{ratio_ad.max():.0f}** $T$ at every $d$ (median {np.median(ratio_ad):.1f}), "
    + choose(np.median(ratio_ad) > 5, "above the classical bound of 4–5: adlib's Python bookkeeping per operation is "
             "part of its constant.", "about the classical bound of 4–5."),
    ru=f"Измеренное время в единицах $2dT$: **{(ratio_fd / (2 * dims)).min():.2f}–{(ratio_fd / (2 * dims)).max():.2f}×**; "
       f"предсказание по собственной работе цикла, $1 + t_{{\\text{{loop}}}}/T$: **{(predicted / (2 * dims)).min():.2f}–"
       f"{(predicted / (2 * dims)).max():.2f}×** (измерено/предсказано: {agreement.min():.2f}–{agreement.max():.2f}). "
       f"adlib.grad: **{ratio_ad.min():.0f}–{ratio_ad.max():.0f}** $T$ при каждом $d$ (медиана {np.median(ratio_ad):.1f}), "
       + choose(np.median(ratio_ad) > 5, "выше классической оценки 4–5: питоновские накладные расходы adlib на каждую "
                "операцию входят в его константу.", "около классической оценки 4–5."))

# %% [markdown] en="12b978d847" slideshow={"slide_type": "fragment"}
# Итак, зазор — не эффект малых $d$, и он не меняет наклон: $t_{\text{loop}}$ не растёт с $d$ (скопировать несколько
# тысяч чисел дёшево), а $T$ растёт гораздо медленнее $d$, потому что при таких размерах и то и другое — в основном
# накладные расходы Python и NumPy на каждый вызов; множитель $1 + t_{\text{loop}}/T$ остаётся примерно одинаковым
# при всех $d$. Остальная часть курса — алгоритмы, стоящие за теоремой: [04 — прямой режим](04_forward_mode.ipynb)
# даёт точные производные, но всё ещё требует $d$ проходов, по одному на каждый вход, так что градиент по-прежнему
# стоит $d \cdot \mathcal{O}(T)$; [05 — обратный режим](05_reverse_mode.ipynb) — это алгоритм за $\mathcal{O}(T)$.

# %% [markdown] en="e869d78b56" slideshow={"slide_type": "slide"}
# ## За рамками лекции: проверка с помощью JAX
#
# `adlib.grad` обеих тестовых функций сверяется с `jax.grad` во float64 (допуск $10^{-12}$), а центральные разности —
# с обоими (допуск $10^{-8}$: столько позволяет U-кривая).

# %% slideshow={"slide_type": "fragment"}
import jax

jax.config.update("jax_enable_x64", True)  # before any JAX array exists
import jax.numpy as jnp


def L_jax(w):
    return w[1] * jnp.log(w[0]) + jnp.sqrt(w[1] * jnp.log(w[0]))


def L_big_jax(w):
    return jnp.sum(jnp.log(1 + jnp.exp(-w))) + 0.5 * jnp.sum(w * w)


w_big = np.random.default_rng(2).standard_normal(50)
for f, f_jax, point in ((L, L_jax, w), (L_big, L_big_jax, w_big)):
    reference = np.asarray(jax.grad(f_jax)(jnp.asarray(point)))
    np.testing.assert_allclose(adlib.grad(f)(point), reference, rtol=1e-12)
    np.testing.assert_allclose(zo.central_difference(f, point), reference, rtol=1e-8, atol=1e-9)
print(tr("adlib.grad == jax.grad (rtol 1e-12); central differences agree to 1e-8",
         "adlib.grad == jax.grad (rtol 1e-12); центральные разности совпадают до 1e-8"))

# %% [markdown] en="64143091f4" slideshow={"slide_type": "slide"}
# ## Итоги
#
# * Градиент конечными разностями стоит $(d+1)T$ (формула разностей вперёд со слайда) или $2dT$ (центральные
#   разности, ответ лекции): по измерениям он растёт линейно по $d$.
# * Его точность ограничена компромиссом между ошибками усечения и округления: лучший шаг — $\approx\sqrt{\epsilon}$
#   или $\epsilon^{1/3}$, и даже при нём теряется около половины (вперёд) или трети (центральные) знаков, во float64
#   так же, как во float32.
# * Обратный режим AD вычисляет точный градиент (с машинной точностью) за $\mathcal{O}(T)$ — теорема Линнайнмаа,
#   здесь видимая как горизонтальная линия. Конечные разности остаются полезны для одного: **тестирования** AD
#   (`adlib.testing.check_grads`).
#
# **Путь:** назад — [02 — градиентный спуск без градиента](02_zero_order.ipynb); дальше —
# [04 — прямой режим](04_forward_mode.ipynb) (точно, $d$ проходов), затем [05 — обратный режим](05_reverse_mode.ipynb)
# (точно, $\mathcal{O}(T)$).
