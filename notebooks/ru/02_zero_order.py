# ---
# jupyter:
#   course:
#     summary: 'Zero-order estimators: bias, variance, the factor n in the rates'
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

# %% [markdown] en="68b1b549ac" slideshow={"slide_type": "slide"}
# # Градиентный спуск без градиента
#
# Можно ли заменить $\nabla_w L(w_k)$ в градиентном спуске чем-то, что вычисляется только по значениям $L$? *Да, но
# за определённую цену.* Сначала лекция, слайд за слайдом: двухточечная оценка (Рис. 4), конечные разности (Рис. 5)
# и **таблица скоростей** со слайда «Проклятие размерности», воспроизведённая в эксперименте, — число итераций до
# заданной точности в зависимости от размерности $n$, по одной тестовой задаче на каждый столбец таблицы, с
# подобранными наклонами в двойном логарифмическом масштабе, — и утверждение о $\sqrt n$ для двухточечных оценок. Затем, **за
# рамками лекции**: гауссово сглаживание, измеренные смещение и дисперсия случайных оценок, почему два значения
# видят лишь $1/\sqrt n$ градиента, виджет и проверка с помощью JAX.
#
# Опирается на [01 — задача: многомерное шкалирование](01_problem_mds.ipynb) (GD с двухточечной оценкой против
# градиентного спуска на городах); ведёт к [03 — конечные разности](03_finite_differences.ipynb) (сколько стоит
# оценка конечными разностями и насколько она точна).
#
# Запуск по умолчанию занимает меньше минуты, с $n$ до 256; `ADLIB_FULL=1` расширяет перебор до $n = 1024$ с большим
# числом зёрен генератора (много минут, с индикаторами выполнения).

# %% [markdown] slideshow={"slide_type": "skip"} tags=["colab"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/adlib-course/adlib-course/blob/v0.1.0/notebooks/ru/02_zero_order.ipynb)
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
import functools
import os

import matplotlib.pyplot as plt
import numpy as np
from tqdm.auto import tqdm

import adlib
import adlib.numpy as anp
from adlib.course import exercises, projector
from adlib.course import zero_order as zo
from adlib.course.claims import claim, say
from adlib.course.i18n import plural_ru, tr
from adlib.course.measure import loglog_slope

projector.use()  # figure text readable on a 1280×720 slide
FULL = os.environ.get("ADLIB_FULL") == "1"
np.set_printoptions(precision=4, suppress=True)

# %% [markdown] en="40c6a79588" slideshow={"slide_type": "slide"}
# ## Пример: градиентный спуск без градиента
#
# Мы хотим решить задачу $L(w) \to \min_{w \in \mathbb{R}^d}$ с помощью градиентного спуска (GD),
# $w_{k+1} = w_k - \alpha_k \nabla_w L(w_k)$. Можно ли заменить $\nabla_w L(w_k)$, используя только информацию
# нулевого порядка — значения $L$? *Да, но за определённую цену.* **Двухточечная оценка** градиента из лекции:
#
# $$G = d\, \frac{L(w + \varepsilon v) - L(w - \varepsilon v)}{2\varepsilon}\, v, \qquad v \text{ сферически
#   симметричен (здесь: равномерно распределён на единичной сфере)}.$$
#
# При малом $\varepsilon$ дробь — это производная по направлению $\langle \nabla L, v\rangle$, а
# $\mathbb{E}[v v^\top] = I/d$, поэтому $\mathbb{E}\,G = \nabla L$: несмещённая оценка по **двум** вычислениям функции,
# в любой размерности. В коде (это `adlib.course.zero_order.two_point` без проверок входных данных):


# %% slideshow={"slide_type": "fragment"}
def two_point(L, w, eps, rng):
    v = rng.standard_normal(w.shape)
    v /= np.linalg.norm(v)  # uniform on the unit sphere
    return w.size * (L(w + eps * v) - L(w - eps * v)) / (2 * eps) * v


# %% slideshow={"slide_type": "fragment"}
problem = zo.convex_logcosh(5)
w = np.array([0.3, -1.0, 2.0, 0.5, -0.2])
rng = np.random.default_rng(0)
exact = adlib.grad(problem.L)(w)
one = two_point(problem.L, w, 1e-6, rng)
mean = np.mean([two_point(problem.L, w, 1e-6, rng) for _ in range(10_000)], axis=0)
print(tr("adlib.grad            ", "adlib.grad                "), exact)
print(tr("one two-point estimate", "одна двухточечная оценка  "), one)
print(tr("mean of 10000 of them ", "среднее 10000 таких оценок"), mean)
error_one, error_mean = (np.linalg.norm(G - exact) / np.linalg.norm(exact) for G in (one, mean))
print(tr(f"relative error: one estimate {error_one:.2f}, the mean of 10000 {error_mean:.3f}",
         f"относительная ошибка: одной оценки {error_one:.2f}, среднего 10000 оценок {error_mean:.3f}"))
np.testing.assert_allclose(zo.two_point(problem.L, w, 1e-6, np.random.default_rng(1)),
                           two_point(problem.L, w, 1e-6, np.random.default_rng(1)), rtol=1e-12)  # fmt: skip
claim(error_one > 1 and error_mean < 0.05, "one estimate is far off, the average is the gradient",
      error_one=error_one, error_mean=error_mean)  # fmt: skip

# %% [markdown] en="f766204560" slideshow={"slide_type": "fragment"}
# Одна двухточечная оценка отклоняется от градиента больше, чем на длину самого градиента; градиенту равно лишь
# *среднее*. Этот шум и есть цена.

# %% [markdown] en="dcdbb91dbf" slideshow={"slide_type": "slide"}
# ### Рис. 4: Иллюстрация двухточечной оценки градиентного спуска
#
# На двумерной квадратичной функции: 30 двухточечных оценок в одной точке (тонкие стрелки, $-G$) в сравнении с
# градиентом (толстая стрелка) и 25 шагов GD с двухточечной оценкой в сравнении с GD по градиенту. Стрелки и
# окружность, на которой лежат их концы, нарисованы в половину длины (`scale = 0.5`), чтобы не выходить за пределы
# графика.

# %% slideshow={"slide_type": "fragment"}
A = np.array([[1.0, 0.4], [0.4, 0.3]])


def L2(w):
    return 0.5 * anp.sum(w * (A @ w))


w_start = np.array([2.0, 2.0])
g_start = A @ w_start
rng = np.random.default_rng(2)
estimates = np.array([zo.two_point(L2, w_start, 1e-6, rng) for _ in range(30)])  # drawn in the figure below
print(tr(f"{len(estimates)} two-point estimates G at w = {w_start}, d = {w_start.size}; ∇L = {g_start}",
         f"{len(estimates)} {plural_ru(len(estimates), 'двухточечная оценка', 'двухточечные оценки', 'двухточечных оценок')}"
         f" G в точке w = {w_start}, d = {w_start.size}; ∇L = {g_start}"))

# %% [markdown] en="ea09894732" slideshow={"slide_type": "subslide"}
# **Упражнение 2.1** — сначала предскажите, потом запустите. Пока вы не посмотрели на рисунок: какова длина самой
# длинной из этих 30 оценок в единицах $\|\nabla L\|$? Запишите одно число. (На квадратичной функции центральная
# разность в $G$ точна, поэтому $G = d\,\langle \nabla L, v\rangle\, v$ с $\|v\| = 1$; здесь $d = 2$.) Запуск ячейки
# измеряет $\max \|G\| / \|\nabla L\|$ по 30 оценкам и сравнивает с вашим ответом; ответ, отличающийся не более чем в
# 1.25 раза, засчитывается.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_longest_ratio = None  # your code here: a number, the largest ‖G‖ / ‖∇L‖ among the 30 estimates

exercises.check_prediction(my_longest_ratio, np.max(np.linalg.norm(estimates, axis=1)) / np.linalg.norm(g_start),
                           within=1.25, name=tr("the longest ‖G‖ / ‖∇L‖", "наибольшее ‖G‖ / ‖∇L‖"),
                           hint=("‖G‖ = d·|⟨∇L, v⟩| for a unit v: how large can |⟨∇L, v⟩| be, and how close to that "
                                 "does the best of 30 random directions in the plane get?",
                                 "‖G‖ = d·|⟨∇L, v⟩| для единичного v: насколько велико может быть |⟨∇L, v⟩| и как "
                                 "близко к этому подойдёт лучшее из 30 случайных направлений на плоскости?"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Решение
# ‖G‖ = d·|⟨∇L, v⟩| ≤ d·‖∇L‖ (Cauchy–Schwarz, ‖v‖ = 1), with equality for v = ±∇L/‖∇L‖. An unbiased estimate is
# *not* of the gradient's length: one along the gradient is d = 2 times too long, one orthogonal to it is 0. In the
# plane |cos| > 0.9 (a ratio above 1.8) has probability about 0.29 per direction, so among 30 the longest is close
# to d = 2.
solution_longest_ratio = w_start.size  # d = 2

exercises.check_prediction(solution_longest_ratio, np.max(np.linalg.norm(estimates, axis=1)) / np.linalg.norm(g_start),
                           within=1.25, name=tr("the longest ‖G‖ / ‖∇L‖", "наибольшее ‖G‖ / ‖∇L‖")).assert_passed()

# %% slideshow={"slide_type": "subslide"}
grid = np.linspace(-3.5, 3.5, 141)
X, Y = np.meshgrid(grid, grid)
Z = 0.5 * (A[0, 0] * X**2 + 2 * A[0, 1] * X * Y + A[1, 1] * Y**2)
paths = {estimator: zo.gradient_descent(L2, w_start, estimator, step=step, n_iter=25, rng=3, keep_path=True)
         for estimator, step in (("gradient", 0.9), ("central", 0.9), ("two_point", 0.45))}  # two-point: step / d

fig, axes = plt.subplots(1, 2, figsize=(10, 4.6))
for ax in axes:
    ax.contour(X, Y, Z, levels=15, colors="0.7", linewidths=0.7)
    ax.set_aspect("equal")
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
scale = 0.5  # arrows and circle at half length
for G in estimates:
    axes[0].arrow(*w_start, *(-scale * G), color="tab:orange", alpha=0.4, width=0.01, length_includes_head=True)
axes[0].arrow(*w_start, *(-scale * g_start), color="k", width=0.04, length_includes_head=True)
d2 = w_start.size  # G = d <∇L, v> v ends on the circle with diameter d ∇L (Thales)
axes[0].add_patch(plt.Circle(w_start - scale * d2 / 2 * g_start, scale * d2 / 2 * np.linalg.norm(g_start),
                             fill=False, ls="--", color="tab:orange"))  # fmt: skip
axes[0].set_title(tr(r"30 estimates $-G$ and $-\nabla L$ (black), at half length",
                    r"30 оценок $-G$ и $-\nabla L$ (чёрным), в масштабе 1/2"))
for estimator, style in (("gradient", dict(color="k", lw=4, alpha=0.35)), ("two_point", dict(color="tab:orange"))):
    run = paths[estimator]
    axes[1].plot(*np.array(run.path).T, marker="o", ms=3, **style,
                 label=tr(f"{zo.ESTIMATOR_LABELS[estimator]}, {run.total_evaluations:g} evaluations",
                          f"{zo.ESTIMATOR_LABELS[estimator]}, {run.total_evaluations:g} "
                          f"{plural_ru(run.total_evaluations, 'вычисление', 'вычисления', 'вычислений')}"))  # fmt: skip
axes[1].set_title(tr("25 steps of GD", "25 шагов GD"))
axes[1].legend(loc="lower right")
fig.tight_layout()
plt.show()

cosines = estimates @ g_start / (np.linalg.norm(estimates, axis=1) * np.linalg.norm(g_start))
lengths = np.linalg.norm(estimates, axis=1) / np.linalg.norm(g_start)
loss = {estimator: run.losses[-1] for estimator, run in paths.items()}
claim(cosines.min() > 0, "no estimate points uphill", smallest_cosine=cosines.min())
claim(np.allclose(np.linalg.norm(estimates - d2 / 2 * g_start, axis=1), d2 / 2 * np.linalg.norm(g_start)),
      "the estimates end on the circle with diameter d∇L")  # fmt: skip
claim(loss["two_point"] < 0.01 * L2(w_start), "the two-point path gets close to the minimum", loss=loss)
say(f"Cosine of the angle between $G$ and $\\nabla L$: from **{cosines.min():.3f}** to {cosines.max():.3f} (never "
    f"negative); length $\\|G\\| / \\|\\nabla L\\|$ from {lengths.min():.2f} to {lengths.max():.2f}. After 25 steps "
    f"from $L = {L2(w_start):.1f}$: GD {loss['gradient']:.1e}, two-point GD {loss['two_point']:.1e}.",
    ru=f"Косинус угла между $G$ и $\\nabla L$: от **{cosines.min():.3f}** до {cosines.max():.3f} (ни разу не "
       f"отрицателен); длина $\\|G\\| / \\|\\nabla L\\|$ от {lengths.min():.2f} до {lengths.max():.2f}. После 25 "
       f"шагов из $L = {L2(w_start):.1f}$: GD {loss['gradient']:.1e}, GD с двухточечной оценкой "
       f"{loss['two_point']:.1e}.")

# %% [markdown] en="e25e9cee28" slideshow={"slide_type": "fragment"}
# На что смотреть: оранжевые стрелки сильно разбросаны и по длине, и по направлению, но **ни одна не направлена
# вверх по склону**. На квадратичной функции центральная разность в $G$ точна, поэтому
# $G = d\,\langle \nabla L, v\rangle\, v$ и $\langle G, \nabla L\rangle = d\,\langle \nabla L, v\rangle^2 \ge 0$:
# каждое $-G$ — направление спуска (или, при $v \perp \nabla L$, нулевой шаг). Конец стрелки лежит на пунктирной
# окружности с диаметром $d\,\nabla L$ (теорема Фалеса), поэтому хорошо направленные оценки длинные, а почти
# ортогональные $\nabla L$ — короткие (всё это нарисовано в половинном масштабе). Траектория с двухточечной оценкой
# идёт зигзагом, но всё же движется к минимуму: в среднем она следует за градиентом.

# %% [markdown] en="e0e7829af4" slideshow={"slide_type": "slide"}
# ## Пример: конечные разности
#
# То же обновление $w_{k+1} = w_k - \alpha_k G$ с детерминированной оценкой конечными разностями, по одной
# координате за раз:
#
# $$G = \sum_{i=1}^d \frac{L(w + \varepsilon e_i) - L(w - \varepsilon e_i)}{2\varepsilon}\, e_i
#   \qquad (2d \text{ вычислений}).$$

# %% [markdown] en="61597f7b9d" slideshow={"slide_type": "subslide"}
# **Упражнение 2.2** — напишите оценку. Реализуйте $G$ со слайда для задачи log-cosh `problem` выше ($d = 5$) с
# $\varepsilon = 10^{-5}$, используя только значения `problem.L`: функцию от $w$, возвращающую $d$-вектор. Оценка
# детерминирована, поэтому проверка может быть строгой: запуск ячейки сравнивает её с `adlib.grad` в двух точках
# (с точностью $10^{-8}$) и с центральными разностями самой проверки.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def my_finite_differences(w, eps=1e-5):
    raise NotImplementedError  # your code here: the d-vector G, from calls of problem.L only


exercises.check_grad(my_finite_differences, problem.L, points=[w, -2 * w],
                     hint=("e_i is np.eye(w.size)[i]; the i-th entry of G is (L(w + ε e_i) − L(w − ε e_i)) / (2ε)",
                           "e_i — это np.eye(w.size)[i]; i-я компонента G равна (L(w + ε e_i) − L(w − ε e_i)) / (2ε)"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Решение
# One coordinate at a time: a step ±ε along e_i, the difference quotient is the i-th entry of G; 2d calls of L.
# Its error: truncation ≈ ε²·|third derivative|/6 ≈ 1e-11, round-off ≈ eps_mach·|L|/ε ≈ 1e-11, far below 1e-8.
def solution_finite_differences(w, eps=1e-5):
    G = np.zeros(w.size)
    for i, e_i in enumerate(np.eye(w.size)):
        G[i] = (problem.L(w + eps * e_i) - problem.L(w - eps * e_i)) / (2 * eps)
    return G


exercises.check_grad(solution_finite_differences, problem.L, points=[w, -2 * w]).assert_passed()

# %% slideshow={"slide_type": "subslide"}
counted = zo.CountedFunction(problem.L)
central = zo.central_difference(counted, w)
print("adlib.grad          ", exact)
print(tr("central differences ", "центральные разности"), central)
error_central = np.linalg.norm(central - exact) / np.linalg.norm(exact)
print(tr(f"relative error {error_central:.1e}, for {counted.evaluations:g} evaluations of L (d = {w.size})",
         f"относительная ошибка {error_central:.1e} за {counted.evaluations:g} "
         f"{plural_ru(counted.evaluations, 'вычисление', 'вычисления', 'вычислений')} L (d = {w.size})"))
claim(error_central < 1e-8 and counted.evaluations == 2 * w.size, "accurate, at 2d evaluations",
      error_central=error_central)  # fmt: skip

# %% [markdown] en="a00effe53b" slideshow={"slide_type": "subslide"}
# ### Рис. 5: Иллюстрация метода конечных разностей
#
# Та же квадратичная функция и та же начальная точка: 25 шагов GD с оценкой центральными разностями (шаг $0.9$, как
# у GD).

# %% slideshow={"slide_type": "fragment"}
fig, ax = plt.subplots(figsize=(5.6, 4.6))
ax.contour(X, Y, Z, levels=15, colors="0.7", linewidths=0.7)
ax.set_aspect("equal")
for estimator, style in (("gradient", dict(color="k", lw=5, alpha=0.35)), ("central", dict(color="tab:blue", ls="--"))):
    run = paths[estimator]
    ax.plot(*np.array(run.path).T, marker="o", ms=3, **style,
            label=tr(f"{zo.ESTIMATOR_LABELS[estimator]}, {run.total_evaluations:g} evaluations",
                     f"{zo.ESTIMATOR_LABELS[estimator]}, {run.total_evaluations:g} "
                     f"{plural_ru(run.total_evaluations, 'вычисление', 'вычисления', 'вычислений')}"))  # fmt: skip
ax.set_xlabel("$w_1$")
ax.set_ylabel("$w_2$")
ax.set_title(tr("25 steps: central differences vs GD", "25 шагов: центральные разности и GD"))
ax.legend(loc="lower right")
fig.tight_layout()
plt.show()
gap = np.max(np.abs(np.array(paths["central"].path) - np.array(paths["gradient"].path)))
print(tr(f"largest distance between the two paths: {gap:.1e}",
         f"наибольшее расстояние между двумя траекториями: {gap:.1e}"))
claim(gap < 1e-8, "central differences retrace GD", gap=gap)

# %% [markdown] en="cf342c6a3c" slideshow={"slide_type": "fragment"}
# Центральные разности повторяют траекторию GD: для квадратичной функции они точны (до ошибок округления). Цена здесь
# не шум, а стоимость: $2d$ вычислений на шаг, и это число растёт с размерностью (здесь $2d = 4$ — ровно столько
# засчитывается за градиент, `zo.GRAD_COST` = 4, поэтому обе траектории стоят одинаково; в
# [03](03_finite_differences.ipynb) $d$ растёт).

# %% [markdown] en="f74066e82e" slideshow={"slide_type": "slide"}
# ## Проклятие размерности для методов нулевого порядка
#
# $\min_{x \in \mathbb{R}^n} f(x)$ с помощью GD, $x_{k+1} = x_k - \alpha_k \nabla f(x_k)$, или GD нулевого порядка,
# $x_{k+1} = x_k - \alpha_k G$, где $G$ — двухточечная или многоточечная оценка градиента. Таблица из лекции (Duchi,
# Jordan, Wainwright, Wibisono 2015, *Optimal rates for zero-order convex optimization: the power of two function
# evaluations*):
#
# | | $f$ гладкая | гладкая и выпуклая | гладкая и сильно выпуклая |
# |---|---|---|---|
# | GD | $\|\nabla f(x_k)\|^2 \approx \mathcal{O}(1/k)$ | $f(x_k) - f^* \approx \mathcal{O}(1/k)$ | $\|x_k - x^*\|^2 \approx \mathcal{O}((1 - \mu/L)^k)$ |
# | GD нулевого порядка | $\mathcal{O}(n/k)$ | $\mathcal{O}(n/k)$ | $\mathcal{O}((1 - \mu/(nL))^k)$ |
#
# Все клетки таблицы говорят об одном: **GD нулевого порядка нужно примерно в $n$ раз больше итераций**. Сначала один
# запуск при $n = 100$ на выпуклой функции $\sum_i \frac{i}{n} \log\cosh w_i$ с классическими шагами $1/L$ (GD,
# центральные разности) и $1/(nL)$ (двухточечная оценка) и одинаковым бюджетом — 6000 вычислений $L$ на каждый
# метод.

# %% slideshow={"slide_type": "subslide"}
runs = zo.compare_estimators(zo.convex_logcosh, 100, budget=6000, estimators=("gradient", "central", "two_point"))
fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
styles = {"gradient": dict(lw=2), "central": dict(ls="--", marker="o", ms=3), "two_point": dict()}
for name, run in runs.items():
    axes[0].loglog(np.maximum(run.iterations_recorded, 1), run.losses, label=zo.ESTIMATOR_LABELS[name], **styles[name])
    axes[1].loglog(np.maximum(run.evaluations, 1), run.losses, label=zo.ESTIMATOR_LABELS[name], **styles[name])
axes[0].set_xlabel(tr("iteration $k$", "итерация $k$"))
axes[1].set_xlabel(tr(f"evaluations of $L$ (gradient = {zo.GRAD_COST:g})",
                      f"вычисления $L$ (градиент = {zo.GRAD_COST:g})"))
axes[0].set_ylabel("$f(x_k) - f^*$")
axes[0].set_title(tr("per iteration", "по итерациям"))
axes[1].set_title(tr("per evaluation", "по вычислениям"))
axes[1].legend()
fig.suptitle(tr("n = 100, convex log-cosh problem, 6000 evaluations each",
                "n = 100, выпуклая задача log-cosh, по 6000 вычислений на каждый метод"))
fig.tight_layout()
plt.show()

big = zo.convex_logcosh(100)
k_central = runs["central"].iterations
gd_short = zo.gradient_descent(big.L, big.w0, "gradient", step=1.0, n_iter=k_central)  # GD for as many steps
tp_short = zo.gradient_descent(big.L, big.w0, "two_point", step=1 / 100, n_iter=k_central, rng=0)
final = {name: run.losses[-1] for name, run in runs.items()}
claim(abs(runs["central"].losses[-1] / gd_short.losses[-1] - 1) < 1e-6, "per iteration, central = GD")
claim(tp_short.losses[-1] > 100 * gd_short.losses[-1], "per iteration, two-point is far behind")
claim(final["gradient"] < 1e-6 * min(final["central"], final["two_point"]), "per evaluation, only GD is fast",
      final=final)  # fmt: skip
say(f"Steps bought by 6000 evaluations: GD {runs['gradient'].iterations}, central differences {k_central}, "
    f"two-point {runs['two_point'].iterations}. After {k_central} steps: GD {gd_short.losses[-1]:.3g}, central "
    f"differences {runs['central'].losses[-1]:.3g}, two-point {tp_short.losses[-1]:.3g}. After 6000 evaluations: "
    f"GD {final['gradient']:.1e}, central differences {final['central']:.3g}, two-point {final['two_point']:.3g}.",
    ru=f"Число шагов на 6000 вычислений: GD {runs['gradient'].iterations}, центральные разности {k_central}, "
       f"двухточечная оценка {runs['two_point'].iterations}. После {k_central} "
       f"{plural_ru(k_central, 'шага', 'шагов', 'шагов')}: GD {gd_short.losses[-1]:.3g}, центральные разности "
       f"{runs['central'].losses[-1]:.3g}, двухточечная оценка {tp_short.losses[-1]:.3g}. После 6000 вычислений: "
       f"GD {final['gradient']:.1e}, центральные разности {final['central']:.3g}, двухточечная оценка "
       f"{final['two_point']:.3g}.")

# %% [markdown] en="edc5920c45" slideshow={"slide_type": "fragment"}
# По итерациям центральные разности не уступают градиенту, а двухточечная оценка гораздо медленнее; по вычислениям
# центральные разности платят $2n = 200$ вычислений за шаг и тоже сильно отстают от GD. Только градиент, вычисленный
# в обратном режиме, дёшев в обоих смыслах.

# %% [markdown] en="ef6cb469d7" slideshow={"slide_type": "slide"}
# ### Воспроизводим таблицу скоростей
#
# По одному эксперименту на столбец: для каждого $n$ — число итераций, за которое величина из этого столбца
# уменьшается до доли $\delta$ от начальной, с классическими шагами $1/L$ (GD) и $1/(nL)$ (двухточечная оценка);
# $\lambda_i$ расставлены через равные промежутки на $[0.1, 1]$ во всех задачах, так что в любой размерности задачи имеют одну и
# ту же форму.
#
# | столбец | тестовая задача | остановка, когда |
# |---|---|---|
# | гладкая | **невыпуклая** $\sum_i \lambda_i \log(1 + x_i^2)$ из $x_0 = (2, \dots, 2)$ (там она вогнута по каждой координате) | $\|\nabla f(x_k)\|^2 \le 10^{-2}\, \|\nabla f(x_0)\|^2$ |
# | гладкая и выпуклая | $\sum_i \lambda_i \frac{x_i^4}{1 + x_i^2}$ из $(2, \dots, 2)$: выпуклая, но плоская ($\approx x^4$) в минимуме, *не* сильно выпуклая | $f(x_k) - f^* \le 10^{-3}\,(f(x_0) - f^*)$ |
# | гладкая и сильно выпуклая | $\frac12\sum_i \lambda_i x_i^2$ из $\|x_0\| = 1$ ($\mu/L = 0.1$) | $\|x_k - x^*\|^2 \le 10^{-4}\,\|x_0 - x^*\|^2$ |
#
# Теория: число итераций GD не зависит от $n$ (наклон 0); у GD нулевого порядка оно растёт как $n$ (наклон 1).
# Случайные запуски усреднены по зёрнам генератора.

# %% slideshow={"slide_type": "subslide"}
ns = [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] if FULL else [8, 16, 32, 64, 128, 256]
seeds = (0, 1, 2, 3, 4) if FULL else (0, 1)
estimators = ("gradient", "two_point", "gaussian") if FULL else ("gradient", "two_point")
progress = (lambda xs: tqdm(xs, desc="n")) if FULL else None
tables = {column: zo.rate_table(make, ns, estimators, accuracy, seeds, progress, criterion)
          for column, (make, criterion, accuracy) in zo.RATE_COLUMNS.items()}  # fmt: skip
for column, (make, criterion, accuracy) in zo.RATE_COLUMNS.items():  # central differences, measured (deterministic)
    central_row = zo.rate_table(make, ns, ("central",), accuracy, (0,), None, criterion)
    tables[column] = {"gradient": tables[column]["gradient"], **central_row,
                      **{e: row for e, row in tables[column].items() if e != "gradient"}}

fig, axes = plt.subplots(1, 3, figsize=(11.6, 4.2), sharey=True)
for ax, (column, table) in zip(axes, tables.items()):
    _, criterion, accuracy = zo.RATE_COLUMNS[column]
    zo.plot_rate_table(ax, ns, table, f"{zo.RATE_COLUMN_LABELS[column]}\n{zo.CRITERIA[criterion]}, "
                                      f"$\\delta = 10^{{{np.log10(accuracy):.0f}}}$")  # fmt: skip
for ax in axes[1:]:
    ax.set_ylabel("")
fig.suptitle(tr("Iterations to a fixed accuracy vs dimension (log-log, fitted slopes)",
                "Число итераций до заданной точности в зависимости от размерности (лог. шкалы, наклоны прямых)"))
fig.tight_layout()
plt.show()

# %% slideshow={"slide_type": "subslide"}
print(tr(f"n = {ns}, seeds = {seeds}\n", f"n = {ns}, зёрна генератора = {seeds}\n"))
fitted = [j for j, n in enumerate(ns) if n >= 8]  # the claims are about n ≥ 8 (all of the default run)
print(tr(f"{'column':28}{'estimator':11}{'iterations to accuracy':>56}{'slope':>7}{'theory':>7}{'evaluations':>13}",
         f"{'столбец':28}{'оценка':21}{'итераций до точности':>46}{'наклон':>7}{'теория':>7}{'по вычисл.':>13}"))
slopes = {}
for column, table in tables.items():
    for estimator, row in table.items():
        slopes[column, estimator] = loglog_slope(np.array(ns)[fitted], row["iterations"][fitted])
        print(tr(f"{column:28}{estimator:11}{str(row['iterations'].round().astype(int)):>56}"
                 f"{slopes[column, estimator]:>7.2f}{1 if estimator == 'two_point' else 0:>7}"
                 f"{row['slope_evaluations']:>13.2f}",
                 f"{zo.RATE_COLUMN_LABELS[column]:28}{zo.ESTIMATOR_LABELS[estimator]:21}"
                 f"{str(row['iterations'].round().astype(int)):>46}"
                 f"{slopes[column, estimator]:>7.2f}{1 if estimator == 'two_point' else 0:>7}"
                 f"{row['slope_evaluations']:>13.2f}"))  # fmt: skip
for column, table in tables.items():
    claim(abs(slopes[column, "gradient"]) < 0.15 and 0.8 < slopes[column, "two_point"] < 1.25,
          "GD flat, two-point GD ~ n, in every column", column=column,
          gd=slopes[column, "gradient"], two_point=slopes[column, "two_point"])  # fmt: skip
    central_row = table["central"]
    claim(np.all(np.abs(central_row["iterations"] - table["gradient"]["iterations"]) <= 1)
          and np.array_equal(central_row["evaluations"], 2 * np.array(ns) * central_row["iterations"]),
          "central differences take GD's iterations (±1), at 2n evaluations each", column=column)  # fmt: skip
    claim(0.8 < central_row["slope_evaluations"] < 1.25, "central differences: slope ≈ 1 in evaluations",
          column=column, slope=central_row["slope_evaluations"])  # fmt: skip
ratio = {c: t["two_point"]["iterations"][-1] / t["gradient"]["iterations"][-1] for c, t in tables.items()}
say(f"At $n = {ns[-1]}$, two-point GD over GD's iterations: " + "; ".join(f"{c}: **{r:.0f}×**" for c, r in ratio.items()),
    ru=f"При $n = {ns[-1]}$ GD с двухточечной оценкой делает больше итераций, чем GD: "
       + "; ".join(f"{zo.RATE_COLUMN_LABELS[c]}: **в {r:.0f} {plural_ru(round(r), 'раз', 'раза', 'раз')}**"
                  for c, r in ratio.items()))

# %% [markdown] en="5805084a5d" slideshow={"slide_type": "fragment"}
# Таблица из лекции, столбец за столбцом: число итераций GD не меняется с ростом $n$ (подобранный наклон в пределах
# $\pm 0.15$ от 0), а у GD с двухточечной оценкой растёт как $n$ (наклон от 0.8 до 1.25) — одинаково для
# невыпуклой, выпуклой и сильно выпуклой задач. По вычислениям наклоны те же (2 вычисления на двухточечный шаг,
# `GRAD_COST` = 4 на градиент). Мы запустили и центральные разности (пунктир с квадратами поверх линии GD): они делают
# столько же итераций, сколько GD, с точностью до одной, но каждая стоит $2n$ вычислений: по вычислениям их
# измеренный наклон от 0.8 до 1.25, они тоже растут как $n$. Конечные разности — *тоже* метод нулевого порядка.
# `ADLIB_FULL=1` запускает $n = 2 \dots 1024$ с 5 зёрнами генератора и вдобавок гауссово сглаживание.

# %% slideshow={"slide_type": "skip"}
N_PREDICT = 512  # the dimension of the exercise below: twice the default table's largest


@functools.cache  # measured once: the exercise, its solution and the cell after them share the runs
def iterations_at(n, column="smooth and strongly convex"):
    """GD's and two-point GD's mean iterations to the column's accuracy at dimension n (the table's seeds)."""
    make, criterion, accuracy = zo.RATE_COLUMNS[column]
    return {e: zo.iterations_to_accuracy(make, n, e, accuracy, seeds, criterion=criterion)[0]
            for e in ("gradient", "two_point")}  # fmt: skip


# %% [markdown] en="608bdb3c48" slideshow={"slide_type": "subslide"}
# **Упражнение 2.3** — сначала предскажите, потом запустите. Таблица по умолчанию заканчивается на $n = 256$.
# Сколько итераций нужно **GD с двухточечной оценкой** на сильно выпуклой квадратичной функции (третий столбец,
# $\|x_k - x^*\|^2 \le 10^{-4}\|x_0 - x^*\|^2$) при $n = 512$? Запишите число, найденное по таблице и её наклону;
# запуск ячейки выполняет этот расчёт (те же зёрна генератора, несколько секунд) и сравнивает; ответ, отличающийся
# не более чем в 1.5 раза, засчитывается.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_two_point_iterations_512 = None  # your code here: a number, two-point GD's iterations at n = 512 (third column)

exercises.check_prediction(my_two_point_iterations_512, iterations_at(N_PREDICT)["two_point"], within=1.5,
                           name=tr("the measured number of iterations at n = 512",
                                   "измеренное число итераций при n = 512"),
                           hint=("the fitted slope of two-point GD is about 1: what does doubling n do?",
                                 "наклон для двухточечного метода около 1: что даёт удвоение n?"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Решение
# Slope 1 in n (the table's zero-order row, O((1 − μ/(nL))^k)): the step 1/(nL) halves when n doubles, so the
# iterations double: twice the table's count at n = 256. GD's count would not change (slope 0).
strongly_convex = tables["smooth and strongly convex"]
solution_two_point_iterations_512 = 2 * strongly_convex["two_point"]["iterations"][ns.index(256)]

exercises.check_prediction(solution_two_point_iterations_512, iterations_at(N_PREDICT)["two_point"], within=1.5,
                           name=tr("the measured number of iterations at n = 512",
                                   "измеренное число итераций при n = 512")).assert_passed()

# %% slideshow={"slide_type": "fragment"}
at_256, at_512 = iterations_at(256), iterations_at(N_PREDICT)
for estimator in ("gradient", "two_point"):
    print(tr(f"{zo.ESTIMATOR_LABELS[estimator]:10} n = 256: {at_256[estimator]:8.1f}   n = {N_PREDICT}: "
             f"{at_512[estimator]:8.1f}   ratio {at_512[estimator] / at_256[estimator]:.2f}",
             f"{zo.ESTIMATOR_LABELS[estimator]:20} n = 256: {at_256[estimator]:8.1f}   n = {N_PREDICT}: "
             f"{at_512[estimator]:8.1f}   отношение {at_512[estimator] / at_256[estimator]:.2f}"))
assert at_256["two_point"] == strongly_convex["two_point"]["iterations"][ns.index(256)]  # the table's measurement
growth = {e: at_512[e] / at_256[e] for e in at_512}
claim(1.6 < growth["two_point"] < 2.5 and abs(at_512["gradient"] - at_256["gradient"]) <= 2,
      "doubling n doubles two-point GD's iterations, GD's stay put", growth=growth)  # fmt: skip
say(f"At $n = {N_PREDICT}$: two-point GD **{at_512['two_point']:.0f}** iterations, {growth['two_point']:.2f} times "
    f"its {at_256['two_point']:.0f} at $n = 256$; GD {at_512['gradient']:.0f} (at 256: {at_256['gradient']:.0f}).",
    ru=f"При $n = {N_PREDICT}$ GD с двухточечной оценкой делает **{at_512['two_point']:.0f}** "
       f"{plural_ru(round(at_512['two_point']), 'итерацию', 'итерации', 'итераций')}, в {growth['two_point']:.2f} раза "
       f"больше, чем {at_256['two_point']:.0f} при $n = 256$; GD — {at_512['gradient']:.0f} (при 256: "
       f"{at_256['gradient']:.0f}).")

# %% [markdown] en="d6a6ab28f4" slideshow={"slide_type": "subslide"}
# Почему в выпуклом столбце взята функция с плоским дном: у $\sum_i \frac{i}{n}\log\cosh x_i$ кривизна в минимуме
# равна $\lambda_{\min} = 1/n$, поэтому под конец GD за шаг умножает ошибку лишь на $1 - 1/n$ и число итераций
# зависит от $n$, как только $\delta$ мало. Измерено, только GD:

# %% slideshow={"slide_type": "fragment"}
gd_counts = {}
shown = {"convex_logcosh": "log-cosh", "convex_flat": tr("flat-bottomed", "с плоским дном")}
for make in (zo.convex_logcosh, zo.convex_flat):
    for accuracy in (1e-3, 1e-6):
        counts = [zo.iterations_to_accuracy(make, n, "gradient", accuracy)[0] for n in ns]
        gd_counts[make.__name__, accuracy] = loglog_slope(np.array(ns)[fitted], np.array(counts)[fitted])
        print(tr(f"{shown[make.__name__]:15} δ = {accuracy:g}: GD iterations {np.array(counts, int)}, "
                 f"slope {gd_counts[make.__name__, accuracy]:.2f}",
                 f"{shown[make.__name__]:15} δ = {accuracy:g}: итерации GD {np.array(counts, int)}, "
                 f"наклон {gd_counts[make.__name__, accuracy]:.2f}"))  # fmt: skip
claim(gd_counts["convex_logcosh", 1e-6] > 0.5 and max(abs(gd_counts["convex_flat", a]) for a in (1e-3, 1e-6)) < 0.1,
      "log-cosh: GD's count grows with n at δ = 1e-6; flat-bottomed: flat at both δ", slopes=gd_counts)  # fmt: skip
claim(gd_counts["convex_logcosh", 1e-3] < 0.5 * gd_counts["convex_logcosh", 1e-6],
      "log-cosh: at δ = 1e-3 the count grows far less than at 1e-6", slopes=gd_counts)

# %% [markdown] en="e78d1b2f9c" slideshow={"slide_type": "fragment"}
# На log-cosh число итераций GD растёт с $n$ при $\delta = 10^{-6}$ (наклон больше 0.5) и намного слабее при
# $\delta = 10^{-3}$ (наклон меньше половины прежнего): чем грубее точность, тем меньше значат самые медленные
# координаты. На задаче с плоским дном (кривизна 0 в минимуме: не сильно выпуклая ни при какой точности) оно
# постоянно при обеих точностях.

# %% [markdown] en="2d8958f5b1" slideshow={"slide_type": "slide"}
# ### Для двухточечных оценок зависимость не может быть лучше, чем √n
#
# Утверждение лекции — это **теорема**: Duchi и др. доказывают, что для выпуклых **липшицевых** (возможно,
# негладких) функций у любого метода, видящего два значения $f$ на каждом шаге, ошибка после $k$ шагов не меньше
# порядка $\sqrt{n/k}$, тогда как у субградиентного метода она порядка $\sqrt{1/k}$: при фиксированном бюджете ошибка
# в $\sqrt n$ раз больше (или, что то же самое, для той же ошибки нужно в $n$ раз больше шагов). Они также
# показывают, что двухточечная оценка с шагом $\alpha = R/\sqrt{nk}$ этой границы достигает. Эксперимент не может
# показать нижнюю оценку; он может показать вторую половину. Запускаем оба метода на $f(x) = \|x - x^*\|_2$ с
# $\|x^*\| = 1$ при фиксированном $k$ и смотрим на ошибку в усреднённой точке.

# %% slideshow={"slide_type": "subslide"}
K = 4000 if FULL else 1000
ns_sqrt = [2, 4, 8, 16, 32, 64, 128, 256, 512] if FULL else [2, 8, 32, 128]
sqrt_seeds = range(8 if FULL else 3)
error = {"gradient": [], "two_point": []}
for n in tqdm(ns_sqrt, desc="n") if FULL else ns_sqrt:
    x_star = np.ones(n) / np.sqrt(n)

    def f(x, x_star=x_star):
        return anp.sqrt(anp.sum((x - x_star) ** 2))

    for estimator in error:
        step = 1 / np.sqrt(K * (n if estimator == "two_point" else 1))  # R / (G √(n k)), G = R = 1
        runs_n = [zo.gradient_descent(f, np.zeros(n), estimator, step=step, n_iter=K, rng=s, record_every=K)
                  for s in (sqrt_seeds if estimator == "two_point" else [0])]  # fmt: skip
        error[estimator].append(np.mean([f(run.w_mean) for run in runs_n]))

slope_sqrt = loglog_slope(ns_sqrt, error["two_point"])
slope_sub = loglog_slope(ns_sqrt, error["gradient"])
fig, ax = plt.subplots(figsize=(6.4, 4.2))
ax.loglog(ns_sqrt, error["gradient"], "o-", label=tr(f"subgradient method (slope {slope_sub:.2f})",
                                                    f"субградиентный метод (наклон {slope_sub:.2f})"))
ax.loglog(ns_sqrt, error["two_point"], "s-", label=tr(f"two-point zero-order (slope {slope_sqrt:.2f})",
                                                     f"двухточечный метод (наклон {slope_sqrt:.2f})"))
ax.loglog(ns_sqrt, error["two_point"][0] * np.sqrt(np.array(ns_sqrt) / ns_sqrt[0]), "k--", lw=1, label=r"$\propto \sqrt{n}$")
ax.set_xlabel(tr("dimension $n$", "размерность $n$"))
ax.set_ylabel(tr(r"$f(\bar x_k) - f^*$ after $k$ steps", r"$f(\bar x_k) - f^*$ после $k$ шагов"))
ax.set_title(tr(rf"$f(x) = \|x - x^*\|$, k = {K}: the $\sqrt{{n}}$ factor",
                rf"$f(x) = \|x - x^*\|$, k = {K}: множитель $\sqrt{{n}}$"))
ax.legend()
fig.tight_layout()
plt.show()
print(tr(f"error after {K} steps: subgradient {np.round(error['gradient'], 4)}, two-point {np.round(error['two_point'], 4)}",
         f"ошибка после {K} {plural_ru(K, 'шага', 'шагов', 'шагов')}: субградиентный {np.round(error['gradient'], 4)}, "
         f"двухточечный {np.round(error['two_point'], 4)}"))
claim(0.35 < slope_sqrt < 0.7 and abs(slope_sub) < 0.1, "two-point error ~ √n, subgradient flat",
      slope_sqrt=slope_sqrt, slope_sub=slope_sub)  # fmt: skip
say(f"Fitted slope of the error against $n$: **{slope_sqrt:.2f}** for the two-point method (theory 0.5), "
    f"{slope_sub:.2f} for the subgradient method (theory 0); $n = {ns_sqrt[0]} \\dots {ns_sqrt[-1]}$, $k = {K}$.",
    ru=f"Наклон прямой, приближающей ошибку как функцию $n$: **{slope_sqrt:.2f}** для двухточечного метода (теория "
       f"0.5), {slope_sub:.2f} для субградиентного метода (теория 0); $n = {ns_sqrt[0]} \\dots {ns_sqrt[-1]}$, "
       f"$k = {K}$.")

# %% [markdown] en="bce1ee7a9e" slideshow={"slide_type": "fragment"}
# При одинаковом числе шагов ошибка двухточечного метода растёт как $\sqrt n$ (подобранный наклон выше, от 0.35 до
# 0.7), а у субградиентного метода от $n$ не зависит: двухточечная оценка **достигает** множителя $\sqrt n$. То, что
# никакой метод по двум значениям не может лучше, — «мы не можем сделать зависимость лучше, чем от $\sqrt{n}$» из
# лекции, — это нижняя оценка Duchi и др., теорема, а не то, что показывает этот запуск.

# %% [markdown] en="6c8c21a13c" slideshow={"slide_type": "slide"}
# ## Итоги
#
# * Два вычисления $L$ дают оценку градиента в любой размерности, несмещённую с точностью до $O(\varepsilon^2)$ (на
#   квадратичной функции — точно несмещённую); одна оценка сильно ошибается, градиенту равно лишь среднее.
# * Конечные разности достаточно точны, но стоят $2d$ вычислений на шаг.
# * Шум вынуждает делать шаги в $n$ раз меньше: число итераций до заданной точности растёт по $n$ с наклоном ≈ 1 у
#   GD нулевого порядка и не меняется у GD — во всех трёх столбцах таблицы из лекции. Конечные разности сохраняют
#   число итераций GD, но платят $2n$ вычислений за шаг: измеренный наклон по вычислениям тоже ≈ 1.
# * Для двухточечных методов множитель $\sqrt n$ в ошибке неустраним (нижняя оценка Duchi и др., теорема);
#   двухточечная оценка его достигает (измеренный наклон от 0.35 до 0.7, напечатан выше; теория 0.5).
# * Обратный режим автоматического дифференцирования даёт точный градиент за постоянное число вычислений: множителя
#   $n$ нет нигде.
#
# Далее: [03 — конечные разности](03_finite_differences.ipynb), их стоимость и точность.

# %% [markdown] en="a2c20dc2b2" slideshow={"slide_type": "slide"}
# ## За рамками лекции
#
# Гауссово сглаживание, измеренные смещение и дисперсия случайных оценок, почему два значения видят лишь
# $1/\sqrt n$ градиента, виджет и проверка с помощью JAX.
#
# ### Гауссово сглаживание (за рамками лекции)
#
# Вариант с **гауссовым сглаживанием** (Нестеров и Спокойный) берёт $u \sim \mathcal{N}(0, I)$ и обходится без
# множителя $d$ (так как $\mathbb{E}[u u^\top] = I$):
# $G = \frac{L(w + \varepsilon u) - L(w - \varepsilon u)}{2\varepsilon} u$ (`zo.gaussian_smoothing`). В теоремах
# Нестерова и Спокойного для гладких функций шаг равен $1/(4(n + 4)L)$; мы берём вчетверо больший, $1/((n + 4)L)$
# (`zo.standard_step`): это наш выбор (их шаг, умноженный на 4), а не шаг из их теорем.

# %% [markdown] en="309f64d29f" slideshow={"slide_type": "slide"}
# ### Смещение двухточечной оценки (за рамками лекции)
#
# $\mathbb{E}\,G$ — это градиент *сглаженной* $L$: он точен для квадратичных функций, а в остальных случаях отличается
# от $\nabla L$ на $O(\varepsilon^2)$. Для $L(w) = \sum_i \sin w_i$ (не многочлен: присутствуют все производные) он
# известен точно: $\mathbb{E}\,G = s(\varepsilon)\,\nabla L$, где $s(\varepsilon) = \frac{d}{\varepsilon}\,\mathbb{E}[v_1 \sin
# \varepsilon v_1] = 1 - \frac{\varepsilon^2}{2(d + 2)} + O(\varepsilon^4)$ (`zo.sphere_sine_factor`), так что
# смещение равно $|1 - s(\varepsilon)|\,\|\nabla L\|$ при любом $\varepsilon$. Измеряем его методом Монте-Карло с
# общими случайными числами (`zo.two_point_bias`: из каждой $G_\varepsilon(v)$ вычитается её собственный предел
# $d\langle\nabla L, v\rangle v$, направления одни и те же для всех $\varepsilon$, так что шум в основном
# сокращается).

# %% slideshow={"slide_type": "subslide"}
def sines(w):
    return anp.sum(anp.sin(w))


d_bias = 10
w_bias = np.linspace(-1, 1, d_bias)
eps_grid = np.logspace(-2, np.log10(5), 7)
bias = np.linalg.norm(zo.two_point_bias(sines, w_bias, eps_grid, samples=1000, rng=4), axis=1)
grad_norm = np.linalg.norm(np.cos(w_bias))
exact_bias = np.abs(1 - zo.sphere_sine_factor(eps_grid, d_bias)) * grad_norm
leading = eps_grid**2 / (2 * (d_bias + 2)) * grad_norm
small = eps_grid <= 0.3
slope_bias = loglog_slope(eps_grid[small], bias[small])

fig, ax = plt.subplots(figsize=(6.4, 4.2))
ax.loglog(eps_grid, bias, "o", ms=8, label=tr(f"measured (slope {slope_bias:.2f} for ε ≤ 0.3)",
                                              f"измерено (наклон {slope_bias:.2f} при ε ≤ 0.3)"))
ax.loglog(eps_grid, exact_bias, "k-", label=tr(r"exact $|1 - s(\varepsilon)|\,\|\nabla L\|$",
                                               r"точно: $|1 - s(\varepsilon)|\,\|\nabla L\|$"))
ax.loglog(eps_grid, leading, "k:", label=tr(r"leading term $\varepsilon^2 \|\nabla L\| / (2(d+2))$",
                                            r"главный член $\varepsilon^2 \|\nabla L\| / (2(d+2))$"))
ax.set_xlabel(r"$\varepsilon$")
ax.set_ylabel(r"$\|\mathbb{E}\,G - \nabla L\|$")
ax.set_title(tr(rf"Bias of the two-point estimator, $\sum \sin w_i$, d = {d_bias}",
                rf"Смещение двухточечной оценки, $\sum \sin w_i$, d = {d_bias}"))
ax.legend()
fig.tight_layout()
plt.show()
print(tr("ε               ", "ε                   "), np.round(eps_grid, 3))
print(tr("measured / exact", "измерено / точно    "), np.round(bias / exact_bias, 3))
print(tr("leading / exact ", "главный член / точно"), np.round(leading / exact_bias, 3))
claim(abs(slope_bias - 2) < 0.05, "bias = O(ε²)", slope_bias=slope_bias)
claim(np.all(np.abs(bias / exact_bias - 1) < 0.1), "the measured bias is the exact one within 10 %")
claim(leading[-1] / exact_bias[-1] > 1.3, "at large ε the leading term overestimates the bias")

# %% [markdown] en="248a181b02" slideshow={"slide_type": "fragment"}
# Измеренное смещение совпадает с точной кривой в пределах 10 % (выборочная погрешность по 1000 направлениям) при
# каждом $\varepsilon$, с наклоном 2, пока $\varepsilon$ мало: **смещение $= O(\varepsilon^2)$**. При наибольшем
# $\varepsilon$ главный член $\varepsilon^2/(2(d+2))$ завышает его более чем на 30 %, а измерение согласуется с
# точной кривой, так что проверка могла и не пройти. При $\varepsilon = 10^{-6}$, как в здешних запусках GD,
# смещение пренебрежимо мало по сравнению с шумом.

# %% [markdown] en="82c4243fa7" slideshow={"slide_type": "slide"}
# ### Дисперсия и размерность (за рамками лекции)
#
# Цена: $\mathbb{E}\|G\|^2 = d\,\|\nabla L\|^2$ для двухточечной оценки и $(d + 2)\|\nabla L\|^2$ для гауссова
# сглаживания, так что относительная дисперсия $\mathbb{E}\|G - \nabla L\|^2 / \|\nabla L\|^2$ равна $d - 1$ и
# $d + 1$. Измерим её на линейной $L$ (где у $G$ нет смещения вовсе):

# %% slideshow={"slide_type": "subslide"}
dims = np.array([2, 8, 32, 128, 512])
relative_variance = {"two_point": [], "gaussian": []}
for d in dims:
    g = np.random.default_rng(5).standard_normal(d)
    linear = lambda w, g=g: anp.sum(g * w)  # noqa: E731
    for name, estimator in (("two_point", zo.two_point), ("gaussian", zo.gaussian_smoothing)):
        rng = np.random.default_rng(6)
        G = np.array([estimator(linear, np.zeros(d), 1e-3, rng) for _ in range(600)])
        relative_variance[name].append(np.mean(np.sum((G - g) ** 2, axis=1)) / (g @ g))

fig, ax = plt.subplots(figsize=(6.4, 4.2))
for name, offset in (("two_point", -1), ("gaussian", 1)):
    values = np.array(relative_variance[name])
    ax.loglog(dims, values, "o", label=f"{zo.ESTIMATOR_LABELS[name]}: {tr('slope', 'наклон')} "
                                      f"{loglog_slope(dims, values):.2f}")  # fmt: skip
    ax.loglog(dims, dims + offset, "--", lw=1, label=tr(f"theory $d {offset:+d}$", f"теория $d {offset:+d}$"))
ax.set_xlabel(tr("dimension $d$", "размерность $d$"))
ax.set_ylabel(r"$\mathbb{E}\|G - \nabla L\|^2 / \|\nabla L\|^2$")
ax.set_title(tr("Variance of the random estimators grows like d", "Дисперсия случайных оценок растёт как d"))
ax.legend()
fig.tight_layout()
plt.show()
for name, values in relative_variance.items():
    theory = dims + (-1 if name == "two_point" else 1)
    print(tr(f"{name:10} measured {np.round(values, 1)}  theory {theory}",
             f"{zo.ESTIMATOR_LABELS[name]:21} измерено {np.round(values, 1)}  теория {theory}"))
    claim(np.allclose(values, theory, rtol=0.2), "the relative variance is d ∓ 1 (within 20 %)", name=name)

# %% [markdown] en="a23fe0977a" slideshow={"slide_type": "fragment"}
# Обе совпадают с $d \mp 1$ в пределах выборочной погрешности (20 % при 600 выборках): шум одной оценки в $\sqrt d$
# раз больше градиента, поэтому шаг приходится уменьшать в $d$ раз.

# %% [markdown] en="70e37c08cd" slideshow={"slide_type": "slide"}
# ### Почему √n (за рамками лекции)
#
# Для случайного направления $v$ имеем $\mathbb{E}|\cos\angle(v, \nabla f)| = \mathbb{E}|v_1| \approx \sqrt{2/(\pi n)}$:
# два значения $f$ открывают лишь долю $1/\sqrt n$ градиента.

# %% slideshow={"slide_type": "fragment"}
for n in (2, 10, 100, 1000):
    V = np.random.default_rng(7).standard_normal((4000, n))
    cosines_n = np.abs(V[:, 0]) / np.linalg.norm(V, axis=1)
    print(f"n = {n:5}: E|cos| = {cosines_n.mean():.4f}, √(2/(πn)) = {np.sqrt(2 / (np.pi * n)):.4f}")
    if n >= 100:
        claim(abs(cosines_n.mean() / np.sqrt(2 / (np.pi * n)) - 1) < 0.05, "E|cos| ≈ √(2/(πn)) for large n", n=n)

# %% [markdown] en="303b463daa" slideshow={"slide_type": "fragment"}
# При $n \ge 100$ они совпадают в пределах 5 %; при малых $n$ приближение грубое (это предел при больших $n$).

# %% [markdown] en="275369ae7a" slideshow={"slide_type": "slide"}
# ### Попробуйте: n, ε и шаг (за рамками лекции)
#
# `zo.compare_estimators(problem, n, eps, step_scale, budget)` — чистая функция, на которой построен виджет, —
# запускает GD и три оценки с шагом `step_scale` × шаг из `zo.standard_step`, по 5000 вычислений на каждый метод; на
# графике — $(f(x_k) - f^*)/(f(x_0) - f^*)$, ограниченное снизу значением $10^{-16}$. Сначала посмотрим, что делает
# множитель шага больше 2 (при $n = 50$, как в виджете, шаг × 2.5):

# %% slideshow={"slide_type": "fragment"}
problems = {"log-cosh (convex)": zo.convex_logcosh, "quadratic (strongly convex)": zo.strongly_convex_quadratic}
problem_names = {"log-cosh (convex)": tr("log-cosh (convex)", "log-cosh (выпуклая)"),  # as shown
                 "quadratic (strongly convex)": tr("quadratic (strongly convex)", "квадратичная (сильно выпуклая)")}
probe = {name: zo.compare_estimators(make, 50, step_scale=2.5, budget=5000, estimators=("gradient", "two_point"))
         for name, make in problems.items()}  # fmt: skip
for name, runs_probe in probe.items():
    for estimator, run in runs_probe.items():
        state = tr("diverged", "расходится") if run.diverged else tr(
            f"final / initial loss {run.losses[-1] / run.losses[0]:.1e}",
            f"потери в конце / в начале {run.losses[-1] / run.losses[0]:.1e}")
        print(tr(f"{name:28} {estimator:10} step × 2.5: {state}",
                 f"{problem_names[name]:31} {zo.ESTIMATOR_LABELS[estimator]:20} шаг × 2.5: {state}"))
logcosh_gd, quadratic_gd = probe["log-cosh (convex)"]["gradient"], probe["quadratic (strongly convex)"]["gradient"]
claim(quadratic_gd.diverged, "GD diverges on the quadratic at step × 2.5")
claim(not logcosh_gd.diverged and logcosh_gd.losses.min() > 1e-2 * logcosh_gd.losses[0],
      "on log-cosh GD does not diverge but stalls above 1 % of its initial loss")  # fmt: skip
claim(all(r["two_point"].losses[-1] < 1e-3 * r["two_point"].losses[0] for r in probe.values()),
      "two-point GD still converges at step × 2.5")  # fmt: skip
lam_50, w_end = np.arange(1, 51) / 50, logcosh_gd.w  # log-cosh's λ_i = i/n; two more GD steps from the end:
w_two = w_end - 2.5 * lam_50 * np.tanh(w_end)
w_two = w_two - 2.5 * lam_50 * np.tanh(w_two)
stiff = 2.5 * lam_50 > 2 + 1e-9  # α λ_i > 2 (λ = 0.8 gives exactly 2: not stiff)
claim(np.max(np.abs(w_two - w_end)) < 1e-3 and np.all(np.abs(w_end[stiff]) > 0.1) and np.all(np.abs(w_end[~stiff]) < 0.1),
      "the stiff coordinates settle into a two-cycle, the others converge")  # fmt: skip

# %% [markdown] en="74753e268d" slideshow={"slide_type": "fragment"}
# При множителе больше 2 шаг GD превышает $2/\lambda_{\max}$. На сильно выпуклой квадратичной функции это
# расходимость. На log-cosh — нет: градиент $\lambda_i \tanh w_i$ ограничен величиной $\lambda_i$, поэтому жёсткие
# координаты (те, у которых $\alpha\lambda_i > 2$) выходят на ограниченный цикл периода 2 около 0, остальные
# сходятся, и потери GD **застревают** (здесь выше 1 % от начальных), а не растут. GD с двухточечной оценкой, чей шаг
# в $n$ раз меньше, всё ещё сходится при шаге × 2.5 на обеих задачах. Попробуйте также крошечное $\varepsilon$ (ошибки
# округления) или большое $n$ (случайные оценки замедляются, центральные разности становятся дорогими).

# %% slideshow={"slide_type": "fragment"}
import ipywidgets as widgets

FLOOR = 1e-16  # relative accuracy below which the curves are cut (a loss of exactly 0 has no logarithm)


def show_runs(n=50, log10_eps=-6.0, step_scale=1.0, problem="log-cosh (convex)"):
    make = problems[problem]
    runs = zo.compare_estimators(make, n, eps=10.0**log10_eps, step_scale=step_scale, budget=5000)
    fig, ax = plt.subplots(figsize=(7.2, 4.4))
    top = 1.0
    for name, run in runs.items():
        relative = (run.losses - make(n).f_star) / (run.losses[0] - make(n).f_star)
        note = (tr(" (diverged)", " (расходится)") if run.diverged else
                tr(" (grows, cut at 1e8)", " (растёт, обрезано на 1e8)") if np.max(relative) > 1e8 else "")
        ax.loglog(np.maximum(run.evaluations, 1), np.clip(relative, FLOOR, 1e8), label=zo.ESTIMATOR_LABELS[name] + note)
        top = max(top, min(np.max(relative), 1e8))
    ax.set_ylim(FLOOR / 3, 10 * top)
    ax.set_xlabel(tr("evaluations of $L$", "вычисления $L$"))
    ax.set_ylabel(r"$(f(x_k) - f^*) / (f(x_0) - f^*)$")
    ax.set_title(tr(f"{problem}, n = {n}, ε = 1e{log10_eps:g}, step × {step_scale:g}",
                    f"{problem_names[problem]}, n = {n}, ε = 1e{log10_eps:g}, шаг × {step_scale:g}"))
    ax.legend(loc="lower left")
    plt.show()


runs_widget = widgets.interact(
    show_runs,
    n=widgets.IntSlider(value=50, min=2, max=500, description="n"),
    log10_eps=widgets.FloatSlider(value=-6.0, min=-14.0, max=0.0, step=0.5, description="log10 ε"),
    step_scale=widgets.FloatSlider(value=1.0, min=0.1, max=3.0, step=0.1, description=tr("step × ", "шаг × ")),
    problem=widgets.Dropdown(options=[(problem_names[p], p) for p in problems], value="log-cosh (convex)",
                             description=tr("problem", "задача")),
)

# %% [markdown] en="31cc0f3b97" slideshow={"slide_type": "slide"}
# ### Проверка с помощью JAX (за рамками лекции)
#
# Градиенты, которые использовал GD (и аналитические градиенты, на которых основаны правила остановки в таблице
# скоростей), сравниваются с `jax.grad` во float64, а среднее многих двухточечных оценок — с градиентом JAX в
# пределах выборочной погрешности.

# %% slideshow={"slide_type": "fragment"}
import jax

jax.config.update("jax_enable_x64", True)  # before any JAX array exists
import jax.numpy as jnp

n = 20
lam_sc, lam_cvx = np.linspace(0.1, 1.0, n), np.arange(1, n + 1) / n
x = np.random.default_rng(8).standard_normal(n)
pairs = ((zo.strongly_convex_quadratic(n), lambda w: 0.5 * jnp.sum(lam_sc * w * w)),
         (zo.convex_logcosh(n), lambda w: jnp.sum(lam_cvx * jnp.log(jnp.cosh(w)))),
         (zo.convex_flat(n), lambda w: jnp.sum(lam_sc * w**4 / (1 + w**2))),
         (zo.nonconvex_log(n), lambda w: jnp.sum(lam_sc * jnp.log1p(w**2))))  # fmt: skip
for problem_n, f_jax in pairs:
    reference = np.asarray(jax.grad(f_jax)(jnp.asarray(x)))
    np.testing.assert_allclose(adlib.grad(problem_n.L)(x), reference, rtol=1e-12)
    np.testing.assert_allclose(problem_n.gradient(x), reference, rtol=1e-12, atol=1e-15)
    rng = np.random.default_rng(9)
    G = np.array([zo.two_point(problem_n.L, x, 1e-6, rng) for _ in range(1000)])
    claim(np.all(np.abs(G.mean(axis=0) - reference) < 5 * G.std(axis=0) / np.sqrt(len(G))),
          "the mean two-point estimate is jax.grad within 5 standard errors", problem=problem_n.name)  # fmt: skip
print(tr("adlib.grad == closed form == jax.grad (rtol 1e-12); mean two-point estimate == jax.grad within 5 standard errors",
         "adlib.grad == аналитическая формула == jax.grad (rtol 1e-12); среднее двухточечных оценок == jax.grad "
         "с точностью до 5 стандартных ошибок"))

# %% [markdown] en="31857e699e" slideshow={"slide_type": "fragment"}
# Назад к [01 — задача: многомерное шкалирование](01_problem_mds.ipynb) · далее:
# [03 — конечные разности](03_finite_differences.ipynb)
