# ---
# jupyter:
#   course:
#     summary: 'Why gradients: MDS of 34 cities, GD vs zero-order vs Nelder-Mead'
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

# %% [markdown] en="442fdb0599" slideshow={"slide_type": "slide"}
# # Задача и пример: многомерное шкалирование
#
# Зачем нужны градиенты: мы минимизируем функцию потерь $L(w)$ по миллионам или миллиардам параметров, и без
# градиента работа растёт с размерностью. Увидим это на примере из лекции — **многомерном шкалировании** (MDS)
# реальных данных, европейских городов с населением больше миллиона, — решённом тремя способами, с подсчётом каждого
# вычисления $L$: градиентным спуском с градиентом из `adlib`, градиентным спуском с двухточечной оценкой нулевого
# порядка и методом Нелдера–Мида; и посмотрим, как два метода без градиента деградируют с ростом размерности. Затем
# вопрос со слайда, *связано ли это с PCA?*, и Рис. 3: города, складывающиеся в карту. За рамками лекции, в конце:
# классическое MDS в сравнении с решением градиентным спуском, проверка градиента с помощью JAX, измеренная стоимость
# градиента и виджет.
#
# Выполняется меньше чем за минуту. `ADLIB_FULL=1` даёт каждому методу в десять раз больший бюджет вычислений.

# %% [markdown] slideshow={"slide_type": "skip"} tags=["colab"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/adlib-course/adlib-course/blob/v0.1.0/notebooks/ru/01_problem_mds.ipynb)
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

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import HTML, display

import adlib
import adlib.numpy as anp
from adlib.course import exercises, mds, projector
from adlib.course import zero_order as zo
from adlib.course.claims import choose, claim, say
from adlib.course.i18n import player_html, plural_ru, tr
from adlib.course.measure import time_calls

projector.use()  # figure text readable on a 1280×720 slide
FULL = os.environ.get("ADLIB_FULL") == "1"
BUDGET = 100_000 if FULL else 10_000  # evaluations of L (or their equivalent) allowed to each method
np.set_printoptions(precision=4, suppress=True)

# %% [markdown] en="239d41adff" slideshow={"slide_type": "slide"}
# ## Задача
#
# $$L(w) \to \min_{w \in \mathbb{R}^d}$$
#
# * В современных моделях $d \sim 10^{11}$–$10^{12}$ параметров.
# * Методы нулевого порядка (только значения $L$) здесь безнадёжны: их стоимость растёт с $d$ (ноутбук 02).
# * Методы первого порядка используют **градиент** $\nabla_w L = \left(\frac{\partial L}{\partial w_1}, \dots,
#   \frac{\partial L}{\partial w_d}\right)^{\top}$ и хорошо работают в больших задачах.
# * Методам второго порядка нужен гессиан размера $d \times d$: слишком много памяти.

# %% slideshow={"slide_type": "fragment"}
for d in (1e6, 1e9, 1e12):
    gradient_gib, hessian_gib = 8 * d / 2**30, 8 * d**2 / 2**30
    print(tr(f"d = {d:.0e}: the gradient takes {gradient_gib:12.3g} GiB, the Hessian {hessian_gib:12.3g} GiB (float64)",
             f"d = {d:.0e}: градиент занимает {gradient_gib:12.3g} ГиБ, гессиан {hessian_gib:12.3g} ГиБ (float64)"))

# %% [markdown] en="4b1e49ef69" slideshow={"slide_type": "slide"}
# ## Пример: задача многомерного шкалирования
#
# Дана матрица $D \in \mathbb{R}^{N \times N}$ расстояний между $N$ объектами размерности $d$; требуется восстановить
# их координаты $W_i \in \mathbb{R}^d$, $i = 1, \dots, N$, минимизируя функцию потерь со слайда
#
# $$L(W) = \sum_{i,j=1}^N \left(\|W_i - W_j\|_2^2 - D_{ij}\right)^2 \to \min_{W \in \mathbb{R}^{N \times d}}.$$
#
# **Обозначения.** На этом слайде $d$ — размерность каждой точки; на предыдущем $d$ было числом параметров $L(w)$.
# Чтобы их не путать, дальше мы обозначаем размерность точек через $k$ ($k = 2$: карта), так что $d = N \cdot k$
# остаётся числом параметров — величиной, от которой зависит стоимость каждого метода.
#
# Функция потерь сравнивает **квадраты** расстояний, поэтому $D_{ij}$ должны быть квадратами расстояний. Наши данные:
# 34 европейских города с населением больше миллиона (`mds.CITIES_CSV`, т. е. `adlib/course/data/european_cities.csv`:
# широта и долгота, источник указан в заголовке файла), расстояния по дуге большого круга на сфере радиуса 6371 км,
# возведённые в квадрат и делённые на наибольшее из них, чтобы координаты были порядка единицы.

# %% slideshow={"slide_type": "subslide"}
cities, D, km_per_unit = mds.squared_distance_matrix()
names = list(cities["name"])
N, k = len(names), 2
print(tr(f"N = {N} cities, k = {k}: d = N·k = {N * k} parameters; one unit of W = {km_per_unit:.0f} km",
         f"N = {N} {plural_ru(N, 'город', 'города', 'городов')}, k = {k}: d = N·k = {N * k} "
         f"{plural_ru(N * k, 'параметр', 'параметра', 'параметров')}; единица W = {km_per_unit:.0f} км"))
for i in range(6):
    print(f"  {mds.place_name(names[i]):18} {mds.place_name(cities['country'][i]):16} {cities['latitude'][i]:8.3f}"
          f" {cities['longitude'][i]:8.3f}"
          f" {cities['population'][i] / 1e6:6.2f} " + tr("M", "млн"))
i, j = names.index("London"), names.index("Paris")
print(tr(f"London–Paris: {np.sqrt(D[i, j]) * km_per_unit:.0f} km",
         f"Лондон–Париж: {np.sqrt(D[i, j]) * km_per_unit:.0f} км"))

# %% [markdown] en="0daca1d704" slideshow={"slide_type": "slide"}
# ## Функция потерь в коде
#
# `adlib.course.mds.mds_loss` — это те же строки, записанные через `adlib.numpy`, поэтому `adlib.grad` может её
# продифференцировать.


# %% slideshow={"slide_type": "fragment"}
def mds_loss(W, D):
    diff = W[:, None, :] - W[None, :, :]  # N×N×k: all W_i − W_j
    squared = anp.sum(diff * diff, axis=-1)  # ‖W_i − W_j‖²
    return anp.sum((squared - D) ** 2)


W_test = np.random.default_rng(1).standard_normal((N, k))
np.testing.assert_allclose(mds_loss(W_test, D), mds.mds_loss(W_test, D), rtol=1e-14)
print(f"mds_loss == mds.mds_loss (rtol 1e-14); L(W_test) = {mds_loss(W_test, D):.6f}")

# %% [markdown] en="ee431b2ab1" slideshow={"slide_type": "subslide"}
# **Упражнение 1.1** — градиент вручную. Запишите $\nabla_W L$ функции потерь со слайда на одном NumPy (без adlib):
# массив $N \times k$, строка $m$ которого — $\partial L / \partial W_m$. Обозначьте невязки
# $r_{ij} = \|W_i - W_j\|^2 - D_{ij}$, так что $L = \sum_{i,j} r_{ij}^2$, и примените правило дифференцирования
# сложной функции. Запуск ячейки сравнивает вашу функцию с `adlib.grad(mds_loss)` и с конечными разностями в точке
# `W_test` и в точке, в десять раз меньшей (где $\|W_i - W_j\|^2 < D_{ij}$ для большинства пар).

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def my_mds_gradient(W):
    raise NotImplementedError  # your code here: an N×k array, row m = ∂L/∂W_m (D is the matrix above)


exercises.check_grad(my_mds_gradient, lambda W: mds_loss(W, D), points=[W_test, 0.1 * W_test],
                     hint=("W_m appears in the sum twice: as the first point of the pairs (m, j) and as the second "
                           "of the pairs (i, m)",
                           "W_m входит в сумму дважды: первой точкой пар (m, j) и второй точкой пар (i, m)"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Решение
# ∂r_mj/∂W_m = 2(W_m − W_j) and ∂r_im/∂W_m = −2(W_i − W_m) = 2(W_m − W_i), so with L = Σ r_ij²:
#   ∂L/∂W_m = Σ_j 2 r_mj · 2(W_m − W_j) + Σ_i 2 r_im · 2(W_m − W_i) = 8 Σ_j r_mj (W_m − W_j),
# the two sums being equal because r (like D) is symmetric. Counting W_m only once gives half the gradient.
def solution_mds_gradient(W):
    diff = W[:, None, :] - W[None, :, :]  # N×N×k: W_i − W_j
    r = np.sum(diff * diff, axis=-1) - D  # N×N: the residuals r_ij
    return 8 * np.sum(r[:, :, None] * diff, axis=1)  # row m: 8 Σ_j r_mj (W_m − W_j)


exercises.check_grad(solution_mds_gradient, lambda W: mds_loss(W, D), points=[W_test, 0.1 * W_test]).assert_passed()

# %% [markdown] en="ded7d1afe0" slideshow={"slide_type": "slide"}
# ## Честный подсчёт
#
# Методы сравниваются по **числу вычислений $L$**:
#
# * **двухточечный GD нулевого порядка** платит 2 вычисления за шаг;
# * **метод Нелдера–Мида** (`scipy.optimize.minimize`) платит за каждый вызов, вызовы считает обёртка;
# * **GD с `adlib.grad`** платит один градиент за шаг. Обратный режим стоит небольшого постоянного числа вычислений —
#   классическая оценка около 4–5 (Griewank & Walther); мы засчитываем `GRAD_COST = 4` вычисления за градиент.
#   Замер времени adlib в конце ноутбука (за рамками лекции) даёт это число для нашей функции потерь; ноутбук 03
#   показывает, что оно не растёт с $d$.

# %% [markdown] en="d18ac5cb19" slideshow={"slide_type": "slide"}
# ## Три метода, один бюджет
#
# Утверждение слайда: методы без градиента решают эту задачу намного медленнее. Один и тот же случайный старт
# (с фиксированным зерном), один и тот же бюджет вычислений. `mds.solve` запускает
# `adlib.course.zero_order.gradient_descent` (оценка `"gradient"` или `"two_point"`, шаг $0.1/N$, для двухточечной
# оценки делённый на $d$, потому что её дисперсия в $d$ раз больше) или метод Нелдера–Мида (адаптивные параметры
# симплекса для большой размерности). Помимо функции потерь, таблица даёт ошибку в км, для которой не нужна карта:
# среднеквадратичную ошибку $N(N-1)/2$ расстояний решения (`mds.distance_error_km`).

# %% slideshow={"slide_type": "subslide"}
labels = {"gradient": tr("GD with adlib.grad", "GD с adlib.grad"),
          "two_point": tr("two-point zero-order GD", "GD с двухточечной оценкой"),
          "nelder-mead": tr("Nelder–Mead", "Нелдер–Мид")}
results = {method: mds.solve(method, D, BUDGET, seed=0) for method in mds.METHODS}
W_classical, eigenvalues = mds.classical_mds(D)
L_min = min(mds.mds_loss(W_classical, D), *(r["losses"].min() for r in results.values()))

fig, ax = plt.subplots(figsize=(8, 4.6))
mds.plot_loss_vs_evaluations(ax, results, labels, L_min=L_min)  # log-log: L(W) − L_min against evaluations of L
ax.set_title(tr(f"MDS of {N} cities (d = {N * k}): loss vs evaluations",
                f"MDS для {N} {plural_ru(N, 'города', 'городов', 'городов')} (d = {N * k}): потери и число вычислений"))
fig.tight_layout()
plt.show()

print(f"{tr('method', 'метод'):26}{tr('evaluations', 'вычислений'):>12}{'L − L_min':>12}"
      f"{tr('distances off (km, rms)', 'ошибка, км (ср. кв.)'):>25}")
for method, result in results.items():
    print(f"{labels[method]:26}{result['evaluations'][-1]:>12.0f}{result['losses'][-1] - L_min:>12.2e}"
          f"{mds.distance_error_km(result['W'], D, km_per_unit):>25.1f}")


def gap_after(method, evaluations):  # L − L_min after at most so many evaluations
    result = results[method]
    return result["losses"][np.searchsorted(result["evaluations"], evaluations, side="right") - 1] - L_min


gd = results["gradient"]
error_gd = mds.distance_error_km(gd["W"], D, km_per_unit)
claim(0.5 < error_gd < 10, "at the minimum the distances are a few km off, not 0", km=error_gd)
to_minimum = gd["evaluations"][np.argmax(gd["losses"] - L_min < 1e-10)]
claim(gd["losses"][-1] - L_min < 1e-10 and to_minimum <= 5000,
      "GD reaches the minimum within a few thousand evaluations", evaluations=to_minimum)
claim(gap_after("two_point", 10_000) > 1e-3, "after 10 000 evaluations two-point GD is still far from the minimum",
      gap=gap_after("two_point", 10_000))
claim(gap_after("nelder-mead", 10_000) > max(gap_after("two_point", 10_000), 0.1 * (gd["losses"][0] - L_min)),
      "Nelder–Mead is further still", gap=gap_after("nelder-mead", 10_000))
say(f"GD with the gradient: $L - L_{{\\min}} < 10^{{-10}}$ after {to_minimum:.0f} evaluations. After 10 000: "
    f"two-point GD at {gap_after('two_point', 10_000):.2g}, Nelder–Mead at {gap_after('nelder-mead', 10_000):.2g} "
    f"(the start: {gd['losses'][0] - L_min:.3g}).",
    ru=f"GD с градиентом: $L - L_{{\\min}} < 10^{{-10}}$ после {to_minimum:.0f} "
    f"{plural_ru(to_minimum, 'вычисления', 'вычислений', 'вычислений')}. После 10 000: "
    f"двухточечный GD — {gap_after('two_point', 10_000):.2g}, Нелдер–Мид — {gap_after('nelder-mead', 10_000):.2g} "
    f"(в начале: {gd['losses'][0] - L_min:.3g}).")

# %% [markdown] en="1ddf1691ed" slideshow={"slide_type": "fragment"}
# Что видно: с градиентом функция потерь достигает минимума (с точностью до округления) за несколько тысяч вычислений;
# после 10 000 вычислений двухточечный метод всё ещё далёк от него, а метод Нелдера–Мида, хороший в размерности 2–5,
# при $d = 68$ ещё дальше. В минимуме расстояния на карте GD отличаются от настоящих на несколько км, а не на 0: Земля не плоская, и ни у
# одной плоской карты нет в точности её расстояний. (`ADLIB_FULL=1` даёт каждому методу в десять раз больший бюджет:
# посмотрите, далеко ли это продвинет два метода без градиента.)

# %% [markdown] en="2e6c2e1ba7" slideshow={"slide_type": "slide"}
# ## Особенно в пространствах большой размерности
#
# Слайд: безградиентные методы решают эту задачу намного медленнее, *особенно в пространствах большой размерности*.
# Одинаковый для всех методов и всех $n$ бюджет — 4000 вычислений — для $n$ крупнейших городов, $d = 2n$
# (`mds.mds_map`, функция, на которой построен виджет в конце); ошибка расстояний в км:

# %% slideshow={"slide_type": "fragment"}
sizes = (3, 8, 15, 25, 34)
sweep = {method: [mds.mds_map(method, n, 4000)["distance_error_km"] for n in sizes] for method in mds.METHODS}
print(f"{tr('method', 'метод'):26}" + "".join(f"{f'n = {n} (d = {2 * n})':>17}" for n in sizes))
for method, errors in sweep.items():
    print(f"{labels[method]:26}" + "".join(f"{e:>14.1f} " + tr("km", "км") for e in errors))

claim(max(sweep["gradient"]) < 10, "GD is a few km off for every n", km=sweep["gradient"])
for method in ("two_point", "nelder-mead"):
    errors = sweep[method]
    claim(errors[0] < 10 and errors[-1] > 100 and errors[-1] > 10 * max(errors[1], 1.0),
          "without a gradient: fine for 3 cities, hundreds of km off for 34", method=method, km=errors)
claim(sweep["nelder-mead"][-1] > sweep["two_point"][-1], "Nelder–Mead degrades the most", km=sweep)

# %% [markdown] en="4202b53528" slideshow={"slide_type": "fragment"}
# Что видно: с градиентом каждое $n$ решается с точностью до нескольких км. Без него 3 города ($d = 6$) ещё решаются,
# но ошибка растёт с размерностью, до сотен км для всех 34 городов; сильнее всех деградирует метод Нелдера–Мида.

# %% [markdown] en="b1385831ea" slideshow={"slide_type": "slide"}
# ## Вопрос: связано ли это с PCA?
#
# Да. Если $D_{ij} = \|x_i - x_j\|^2$ для некоторых точек $x_i$, то двойное центрирование с
# $J = I - \frac1N \mathbf{1}\mathbf{1}^\top$ даёт их матрицу Грама: $B = -\tfrac12 J D J = X_c X_c^\top$ ($X_c$ —
# центрированные точки). Её $k$ старших собственных векторов, умноженные на $\sqrt{\lambda}$, — это координаты точек по
# $k$ первым **главным компонентам**: *классическое MDS — это PCA, вычисленный только по расстояниям*. Проверим это на
# городах в трёхмерном пространстве (точки на сфере), где PCA можно выполнить и напрямую.

# %% slideshow={"slide_type": "fragment"}
lat, lon = np.radians(cities["latitude"]), np.radians(cities["longitude"])
X3 = np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])  # on the unit sphere
D3 = np.sum((X3[:, None] - X3[None]) ** 2, axis=-1)  # squared chord distances
Xc = X3 - X3.mean(axis=0)  # the centred points: what classical MDS has to recover from D3 alone


def nonzero_eigenvalues(eigenvalues):
    """How many eigenvalues are not zero up to rounding (above 1e-10 of the largest in size)."""
    return int(np.sum(np.abs(eigenvalues) > 1e-10 * np.max(np.abs(eigenvalues))))


print(tr(f"X3: {X3.shape[0]} points in R^{X3.shape[1]}; D3: {D3.shape[0]}×{D3.shape[1]} squared distances",
         f"X3: {X3.shape[0]} {plural_ru(X3.shape[0], 'точка', 'точки', 'точек')} в R^{X3.shape[1]}; "
         f"D3: {D3.shape[0]}×{D3.shape[1]}, квадраты расстояний"))

# %% [markdown] en="64eb18d4e7" slideshow={"slide_type": "subslide"}
# **Упражнение 1.2** — двойное центрирование. Вычислите $B = -\tfrac12 J D_3 J$ с
# $J = I - \frac1N \mathbf{1}\mathbf{1}^\top$ только по расстояниям `D3` (NumPy: `np.eye`, `np.ones`, `@`). Запуск
# ячейки сравнивает результат с матрицей Грама $X_c X_c^\top$ центрированных точек, которая в формулу не входит.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_B3 = ...  # your code here: the N×N matrix −½ J D3 J

exercises.check_value(my_B3, Xc @ Xc.T, rtol=1e-10, name="B",
                      hint=("J = np.eye(N) − np.ones((N, N)) / N, then two matrix products with @",
                            "J = np.eye(N) − np.ones((N, N)) / N, затем два матричных произведения через @"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Решение
# J subtracts the mean: J D3 J centres D3's rows and columns. With D_ij = ‖x_i‖² − 2 x_iᵀx_j + ‖x_j‖², the terms
# ‖x_i‖² and ‖x_j‖² are constant along a row or a column, so the centring removes them: −½ J D3 J = X_c X_cᵀ.
solution_J = np.eye(N) - np.ones((N, N)) / N
solution_B3 = -0.5 * solution_J @ D3 @ solution_J

exercises.check_value(solution_B3, Xc @ Xc.T, rtol=1e-10, name="B").assert_passed()

# %% [markdown] en="4caa21c6f4" slideshow={"slide_type": "subslide"}
# **Упражнение 1.3** — сначала предскажите, потом запустите. $B$ — матрица $34 \times 34$. Сколько её собственных
# значений отличны от нуля (с точностью до округления)? Запишите число; запуск ячейки вычисляет собственные значения
# (`mds.classical_mds`) и считает ненулевые, а ячейка после решения их печатает.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_nonzero_count = None  # your code here: a whole number from 1 to 34

exercises.check_prediction(my_nonzero_count, nonzero_eigenvalues(mds.classical_mds(D3)[1]), within=1.2,
                           name=tr("the number of nonzero eigenvalues of B", "число ненулевых собственных значений B"),
                           hint=("B = X_c X_cᵀ, and X_c has only three columns: what is the rank of B?",
                                 "B = X_c X_cᵀ, а у X_c всего три столбца: каков ранг B?"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Решение
# B = X_c X_cᵀ with X_c of shape 34×3: its rank is at most 3, the dimension of the points (and exactly 3, since the
# cities do not lie in one plane through their centre). The other 31 eigenvalues are 0: the distances of points in
# R^3 carry three coordinates' worth of information, and classical MDS reads it off the top eigenvectors.
solution_nonzero_count = 3  # the rank of X_c (34×3): the dimension of the points

exercises.check_prediction(solution_nonzero_count, nonzero_eigenvalues(mds.classical_mds(D3)[1]), within=1.2,
                           name=tr("the number of nonzero eigenvalues of B",
                                   "число ненулевых собственных значений B")).assert_passed()

# %% slideshow={"slide_type": "subslide"}
W_mds3, eigenvalues3 = mds.classical_mds(D3, k=2)
U, S, Vt = np.linalg.svd(Xc, full_matrices=False)
count3 = nonzero_eigenvalues(eigenvalues3)
print(tr(f"eigenvalues of B (largest first): {eigenvalues3[:5]} …, "
         f"the smallest in size {np.min(np.abs(eigenvalues3)):.1e}",
         f"собственные значения B (по убыванию): {eigenvalues3[:5]} …, наименьшее по модулю "
         f"{np.min(np.abs(eigenvalues3)):.1e}"))
print(tr(f"nonzero (above 1e-10 of the largest): {count3}; squared singular values of X_c: {S**2}",
         f"ненулевых (больше 1e-10 от наибольшего): {count3}; квадраты сингулярных чисел X_c: {S**2}"))
claim(count3 == 3, "B has exactly three nonzero eigenvalues", count=count3)
np.testing.assert_allclose(eigenvalues3[:3], S**2, rtol=1e-12)  # eigenvalues of X_c X_cᵀ = σ² of X_c
scores = Xc @ Vt[:2].T  # PCA: projections on the top-2 principal axes
signs = np.sign(np.sum(scores * W_mds3, axis=0))  # eigenvectors are defined up to sign
np.testing.assert_allclose(W_mds3 * signs, scores, atol=1e-12)
print(tr("classical MDS of the squared chord distances == top-2 PCA scores of the 3-D points (atol 1e-12)",
         "классическое MDS квадратов хордовых расстояний == первые 2 главные компоненты трёхмерных точек (atol 1e-12)"))
claim(eigenvalues3[2] < 0.01 * eigenvalues3[0], "the third eigenvalue is small next to the first",
      eigenvalues=eigenvalues3[:3])
say(f"$B$ has **{count3}** nonzero eigenvalues, {eigenvalues3[0]:.3g}, {eigenvalues3[1]:.3g} and "
    f"{eigenvalues3[2]:.2g} (the squared singular values of $X_c$); the other {N - count3} are below "
    f"{np.max(np.abs(eigenvalues3[count3:])):.0e} in size, rounding.",
    ru=f"У $B$ **{count3}** "
    f"{plural_ru(count3, 'ненулевое', 'ненулевых', 'ненулевых')} "
    f"{plural_ru(count3, 'собственное значение', 'собственных значения', 'собственных значений')}: "
    f"{eigenvalues3[0]:.3g}, {eigenvalues3[1]:.3g} и {eigenvalues3[2]:.2g} (квадраты сингулярных чисел $X_c$); "
    f"остальные {N - count3} по модулю меньше {np.max(np.abs(eigenvalues3[count3:])):.0e}: это ошибки округления.")

# %% [markdown] en="064a1abb51" slideshow={"slide_type": "fragment"}
# Ранг $B$ равен размерности точек: одни только расстояния возвращают центрированные точки с точностью до поворота или
# отражения, а $k$ старших собственных векторов дают наилучшую $k$-мерную картину этих точек — их координаты по главным
# компонентам. Третье собственное значение мало: города покрывают тонкий, слегка изогнутый участок сферы, почти
# плоскость, поэтому плоская карта ошибается в расстояниях на несколько км, и не больше (карта ниже и сравнение с
# решением градиентным спуском в конце).

# %% [markdown] en="0e0438e062" slideshow={"slide_type": "slide"}
# ## Пример: многомерное масштабирование (Рис. 3)
#
# Каждый кадр показывает оба метода градиентного спуска после одного и того же числа вычислений, совмещённые с помощью
# `mds.procrustes` (функция потерь не отличает карту от её поворота или зеркального отражения) с тем, куда приходит
# решение: с картой классического MDS в замкнутой форме из вопроса о PCA, повёрнутой так, чтобы север был сверху
# (серые ×, `mds.solved_map_km`). В заголовке каждой панели — её ошибка расстояний; города подписываются, как только
# ошибка панели становится меньше 300 км.

# %% slideshow={"slide_type": "subslide"}
frame_budgets = np.unique(np.geomspace(10, BUDGET, 20).astype(int))
fig, anim = mds.animate_maps(results, cities, D, km_per_unit, frame_budgets, ("gradient", "two_point"), labels)
plt.close(fig)
display(HTML(player_html(anim.to_jshtml())))  # the player's buttons in the notebook's language

error_gd_1000 = mds.distance_error_km(mds.at_budget(results["gradient"], 1000), D, km_per_unit)
error_two_point_10000 = mds.distance_error_km(mds.at_budget(results["two_point"], 10_000), D, km_per_unit)
claim(error_gd_1000 < 20, "with the gradient the map appears within about a thousand evaluations", km=error_gd_1000)
claim(error_two_point_10000 > 50, "after 10 000 evaluations the two-point method is still untangling it",
      km=error_two_point_10000)

# %% [markdown] en="433fdf1912" slideshow={"slide_type": "fragment"}
# Что видно: с градиентом карта появляется примерно за тысячу вычислений — Лондон и Мадрид на западе, Москва и Уфа на
# востоке, Стамбул на юго-востоке; после 10 000 вычислений двухточечный метод всё ещё её распутывает. (Та же анимация —
# `figures/mds_cities.gif`, её рисует `make figures`.)

# %% [markdown] en="0ac8c66b9a" slideshow={"slide_type": "slide"}
# ## За рамками лекции: классическое MDS и решение градиентным спуском
#
# По расстояниям по дуге большого круга классическое MDS даёт двумерную карту в замкнутой форме. Оно минимизирует
# другую функцию потерь, $\|W W^\top - B\|_F^2$ («strain»), а не функцию слайда $\sum (\|W_i - W_j\|^2 - D_{ij})^2$
# («s-stress»), поэтому два решения не обязаны совпадать. Насколько они расходятся после наилучшего поворота или
# отражения (задача Прокруста)?

# %% slideshow={"slide_type": "fragment"}
from scipy.spatial import procrustes as scipy_procrustes

W_gd = results["gradient"]["W"]
W_classical = mds.solved_map_km(cities, D, km_per_unit) / km_per_unit  # turned like the real map, for the plot
aligned, rms = mds.procrustes(W_classical, W_gd)
_, _, disparity = scipy_procrustes(W_classical, W_gd)  # scipy also rescales; a cross-check of the alignment
print(tr(f"eigenvalues of B: {eigenvalues[:4]}  "
         "(two dominate: the cities are nearly planar; the third is the Earth's curvature)",
         f"собственные значения B: {eigenvalues[:4]}  (два преобладают: города почти в одной плоскости; третье — "
         f"кривизна Земли)"))
print(tr(f"slide's loss: classical MDS {mds.mds_loss(W_classical, D):.6e}, GD {mds.mds_loss(W_gd, D):.6e}",
         f"функция потерь слайда: классическое MDS {mds.mds_loss(W_classical, D):.6e}, GD {mds.mds_loss(W_gd, D):.6e}"))
print(tr(f"rms distance between the two maps after Procrustes: {rms * km_per_unit:.2f} km "
         f"(the map spans {np.sqrt(D.max()) * km_per_unit:.0f} km); scipy's disparity {disparity:.2e}",
         f"ср. кв. расстояние между картами после Прокруста: {rms * km_per_unit:.2f} км "
         f"(размах карты {np.sqrt(D.max()) * km_per_unit:.0f} км); мера расхождения (disparity) в scipy {disparity:.2e}"))
loss_gd, loss_classical = mds.mds_loss(W_gd, D), mds.mds_loss(W_classical, D)
claim(loss_gd < loss_classical, "GD reaches a lower value of the slide's loss", gd=loss_gd, classical=loss_classical)
say(f"The two maps agree to **{rms * km_per_unit:.1f} km** (rms, after Procrustes) over a continent "
    f"{np.sqrt(D.max()) * km_per_unit:.0f} km wide, and GD's value of the slide's loss is "
    f"**{100 * (1 - loss_gd / loss_classical):.0f} % lower** ({loss_gd:.3g} against {loss_classical:.3g}).",
    ru=f"Две карты совпадают с точностью **{rms * km_per_unit:.1f} км** (ср. кв., после Прокруста) на континенте "
    f"шириной {np.sqrt(D.max()) * km_per_unit:.0f} км, а значение функции потерь слайда у GD "
    f"**на {100 * (1 - loss_gd / loss_classical):.0f} % ниже** ({loss_gd:.3g} против {loss_classical:.3g}).")

fig, ax = plt.subplots(figsize=(8, 4.8))
ax.plot(*(km_per_unit * W_classical).T, "o", mfc="none", ms=10,
        label=tr("classical MDS (eigenvectors of B)", "классическое MDS (собств. векторы B)"))
ax.plot(*(km_per_unit * aligned).T, ".", color="tab:red", ms=7,
        label=tr("GD on the slide's loss, aligned", "GD по потерям слайда (совмещено)"))
for name in mds.LABELLED:
    ax.annotate(mds.place_name(name), km_per_unit * W_classical[names.index(name)], xytext=(5, 4),
                textcoords="offset points")
ax.set_aspect("equal")
ax.set_xlabel(tr("km (west–east)", "км (запад–восток)"))
ax.set_ylabel(tr("km (south–north)", "км (юг–север)"))
ax.set_title(tr("Classical MDS = PCA from distances, vs the gradient solution",
                "Классическое MDS = PCA по расстояниям и решение градиентным спуском"))
ax.legend(loc="upper left")
fig.tight_layout()
plt.show()

# %% [markdown] en="7228b22147" slideshow={"slide_type": "fragment"}
# Ответ: кружки и точки совпадают, а градиентный спуск достигает *меньшего* значения функции потерь слайда — ведь
# именно её он, в отличие от классического MDS, и минимизирует. Итак, MDS с квадратами расстояний — это по сути PCA
# скрытых точек, доступный в замкнутой форме по одной лишь $D$; градиентный метод нужен, как только функция потерь
# меняется (расстояния без квадрата, веса, пропущенные элементы, робастные функции потерь) и её уже не решает никакое
# спектральное разложение.

# %% [markdown] en="88d758eb37" slideshow={"slide_type": "slide"}
# ## За рамками лекции: проверка градиента с помощью JAX
#
# `adlib.grad(mds_loss)` против `jax.grad` той же функции потерь, во float64.

# %% slideshow={"slide_type": "fragment"}
import jax

jax.config.update("jax_enable_x64", True)  # before any JAX array exists
import jax.numpy as jnp


def mds_loss_jax(W):
    return jnp.sum((jnp.sum((W[:, None, :] - W[None, :, :]) ** 2, axis=-1) - D) ** 2)


np.testing.assert_allclose(adlib.grad(mds_loss)(W_test, D), jax.grad(mds_loss_jax)(W_test), rtol=1e-11)
print(tr("adlib.grad(mds_loss) == jax.grad in float64 (rtol 1e-11)",
         "adlib.grad(mds_loss) == jax.grad в float64 (rtol 1e-11)"))

# %% [markdown] en="589025a076" slideshow={"slide_type": "slide"}
# ## За рамками лекции: сколько стоит один градиент
#
# Методы засчитывали `GRAD_COST = 4` вычисления $L$ за градиент. Процессорное время одного `adlib.grad` в сравнении
# с одним вычислением $L$ на этой функции потерь:

# %% slideshow={"slide_type": "fragment"}
grad_loss = adlib.grad(mds.mds_loss)
# CPU time of this process (other programs on the machine do not count), best of 5 rounds, taking turns: both are
# timed in the same moments of the machine
t_L, t_grad = time_calls([lambda: mds.mds_loss(W_test, D), lambda: grad_loss(W_test, D)], repeat=5, min_time=0.01,
                         cpu=True)
ratio = t_grad / t_L
print(tr(f"one L: {t_L * 1e6:.0f} µs, one adlib.grad: {t_grad * 1e6:.0f} µs, ratio {ratio:.1f} "
         f"(charged: {zo.GRAD_COST:g}; central differences would cost 2d = {2 * N * k})",
         f"одно L: {t_L * 1e6:.0f} мкс, один adlib.grad: {t_grad * 1e6:.0f} мкс, отношение {ratio:.1f} "
         f"(в подсчёте: {zo.GRAD_COST:g}; центральные разности стоили бы 2d = {2 * N * k})"))
say(f"Measured: one gradient costs **{ratio:.1f}** evaluations of $L$, "
    + choose(ratio <= 5, "no more than the classical bound of about 4–5.",
             "above the classical bound of about 4–5: adlib's Python bookkeeping per operation is part of it.")
    + f" It is far below the {2 * N * k} evaluations that central differences need.",
    ru=f"Измерено: один градиент стоит **{ratio:.1f}** вычисления $L$, "
    + choose(ratio <= 5, "не больше классической оценки около 4–5.",
             "больше классической оценки около 4–5: отчасти это накладные расходы adlib на Python в каждой операции.")
    + f" Это намного меньше {2 * N * k} вычислений, которые нужны центральным разностям.")

# %% [markdown] en="1733f06a4b" slideshow={"slide_type": "slide"}
# ## За рамками лекции: попробуйте метод и число городов
#
# `mds.mds_map(method, n_cities, budget)` — чистая функция, на которой построен виджет: она решает задачу для
# `n_cities` крупнейших городов, совмещает решение с решённой картой (серые ×) и сообщает его ошибку расстояний в км
# рядом с ошибкой классического MDS (так выглядит решённая задача). Размерность $d = 2 \times$ (число городов):
# посмотрите, как с её ростом деградируют метод Нелдера–Мида и двухточечный метод, а GD — нет (перебор выше).

# %% slideshow={"slide_type": "fragment"}
import ipywidgets as widgets


def show_map(method="gradient", n_cities=15, budget=4000):
    view = mds.mds_map(method, n_cities, budget)
    fig, ax = plt.subplots(figsize=(8, 4.6))
    ax.plot(*view["solved_km"].T, "x", color="0.45", ms=7, zorder=3,
            label=tr("solved map (classical MDS)", "решённая карта (классическое MDS)"))
    ax.plot(*view["W_on_solved_km"].T, "o", color="tab:blue", ms=5,
            label=tr(f"{labels[method]}, aligned", f"{labels[method]} (совмещено)"))
    shown_names = list(view["cities"]["name"])
    for name in mds.LABELLED:
        if name in shown_names:
            i = shown_names.index(name)
            ax.annotate(mds.place_name(name), view["W_on_solved_km"][i], xytext=(5, 4),
                        textcoords="offset points")
    ax.set_aspect("equal")
    ax.set_xlabel(tr("km (west–east)", "км (запад–восток)"))
    ax.set_ylabel(tr("km (south–north)", "км (юг–север)"))
    evaluations = view["evaluations"]
    ax.set_title(tr(f"{n_cities} cities (d = {2 * n_cities}), {evaluations:.0f} evaluations: distances off by "
                    f"{view['distance_error_km']:.0f} km\n"
                    f"(rms; classical MDS: {view['classical_distance_error_km']:.0f} km)",
                    f"{n_cities} {plural_ru(n_cities, 'город', 'города', 'городов')} (d = {2 * n_cities}), "
                    f"{evaluations:.0f} {plural_ru(evaluations, 'вычисление', 'вычисления', 'вычислений')}: "
                    f"ошибка расстояний {view['distance_error_km']:.0f} км\n"
                    f"(ср. кв.; у классического MDS: {view['classical_distance_error_km']:.0f} км)"))
    ax.legend(loc="upper left")
    plt.show()


map_widget = widgets.interact(
    show_map,
    method=widgets.Dropdown(options=[(tr(m, labels[m]), m) for m in mds.METHODS], value="gradient",
                            description=tr("method", "метод")),
    n_cities=widgets.IntSlider(value=15, min=3, max=N, description=tr("cities", "городов")),
    budget=widgets.IntSlider(value=4000, min=200, max=20000, step=200, description=tr("evaluations", "вычислений")),
)

# %% [markdown] en="05d6f4a5eb" slideshow={"slide_type": "slide"}
# ## Итоги
#
# * В реальных задачах $d$ огромно; решать их позволяет именно градиент.
# * MDS для 34 городов ($d = N \cdot k = 68$) с функцией потерь слайда: GD с градиентом обратного режима (засчитанным
#   за 4 вычисления) сходится за несколько тысяч вычислений; двухточечный GD нулевого порядка и метод Нелдера–Мида не
#   сходятся и за 10 000.
# * Без градиента ошибка растёт с размерностью: 3 города решают все три метода, 34 — только GD.
# * Классическое MDS — это PCA по расстояниям (проверено до $10^{-12}$ на трёхмерных точках); на городах оно совпадает
#   с решением градиентным спуском для функции потерь слайда с точностью до нескольких км.
#
# **Дальше:** [02 — градиентный спуск без градиента](02_zero_order.ipynb) измеряет цену методов нулевого порядка
# (двухточечная оценка и таблица скоростей из лекции); затем [03 — конечные разности](03_finite_differences.ipynb).
# Опирается на: [00 — быстрый старт](00_quickstart.ipynb).
