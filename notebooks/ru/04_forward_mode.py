# ---
# jupyter:
#   course:
#     summary: The graph of L and forward mode step by step (widget)
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

# %% [markdown] en="b71592070b" slideshow={"slide_type": "slide"}
# # Прямой режим автоматического дифференцирования
#
# Чтобы увидеть, как работает автоматическое дифференцирование, возьмём небольшую функцию из лекции
#
# $$L(w_1, w_2) = w_2 \log w_1 + \sqrt{w_2 \log w_1},$$
#
# запишем её **вычислительный граф** и проведём по нему производную узел за узлом, в точности как на слайдах
# (Рис. 6–17): сначала $\partial/\partial w_1$, затем ещё раз для $\partial/\partial w_2$. Все числа ниже получены
# собственными правилами прямого режима `adlib` (правилами JVP из `adlib/numpy/rules.py`) и сверены с JAX.

# %% [markdown] slideshow={"slide_type": "skip"} tags=["colab"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/adlib-course/adlib-course/blob/v0.1.0/notebooks/ru/04_forward_mode.ipynb)
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
from IPython.display import Math, display

import adlib
import adlib.numpy as anp
from adlib.course import exercises, projector
from adlib.course.claims import claim
from adlib.course.graph import forward_trace, reverse_trace, trace_graph
from adlib.course.graph_plot import draw_graph, draw_steps
from adlib.course.i18n import plural_ru, tr
from adlib.course.measure import time_call
from adlib.course.widgets import graph_stepper

projector.use()  # figure text readable on a 1280×720 slide

# %% [markdown] en="7ae60ebff0" slideshow={"slide_type": "fragment"}
# Опирается на [03 — конечные разности](03_finite_differences.ipynb) (градиент за $2d$ вычислений $L$, к тому же
# неточный); ведёт к [05 — обратный режим](05_reverse_mode.ipynb) (весь градиент за один обратный проход).

# %% [markdown] en="c374867a92" slideshow={"slide_type": "slide"}
# ## Прямой режим автоматического дифференцирования: вычислительный граф
#
# «Давайте нарисуем вычислительный граф этой функции.» `trace_graph` один раз вычисляет функцию на «обёрнутых»
# входах и сохраняет ленту, которую записывает обратный режим (*список Венгерта*, Wengert list): все элементарные
# операции в порядке вычисления, с их аргументами-родителями и значениями. Входы называются $w_1, w_2$,
# промежуточные узлы — $v_1, v_2, \dots$, выход — $L$.


# %% slideshow={"slide_type": "fragment"}
def L(w1, w2):
    v2 = w2 * anp.log(w1)  # computed once ...
    return v2 + anp.sqrt(v2)  # ... and used twice


w1, w2 = 2.0, 3.0
graph = trace_graph(L, w1, w2)
graph

# %% slideshow={"slide_type": "subslide"}
ax = draw_graph(graph, title=tr(r"Рис. 6: the graph of $L$ at $(w_1, w_2) = (2, 3)$; on the edges the local "
                                r"derivatives $\partial v_i/\partial x_j$",
                                r"Рис. 6: граф $L$ в точке $(w_1, w_2) = (2, 3)$; на рёбрах — локальные "
                                r"производные $\partial v_i/\partial x_j$"))
plt.show()

# %% [markdown] en="ce332d53c2" slideshow={"slide_type": "fragment"}
# Четыре элементарных узла, как на слайде: $v_1 = \log w_1$, $v_2 = w_2 v_1$, $v_3 = \sqrt{v_2}$, $L = v_2 + v_3$.
# На каждом ребре записана *локальная* производная его конца по его началу. У $v_2$ **два потребителя** ($v_3$ и
# $L$): именно по этому разветвлению обратному режиму придётся суммировать (ноутбук 05).

# %% [markdown] en="def139f2f4" slideshow={"slide_type": "slide"}
# ## Обозначения
#
# На этом графе встречаются производные двух видов, и формулы этого курса их различают:
#
# * **локальная** частная производная $\dfrac{\partial v_i}{\partial x_j}$ одного примитива по одному из его
#   собственных аргументов $x_j$ при фиксированных остальных аргументах: она записана на ребре $x_j \to v_i$. Для
#   $v_2 = w_2 v_1$: $\dfrac{\partial v_2}{\partial v_1} = w_2$, $\dfrac{\partial v_2}{\partial w_2} = v_1$.
# * **полная** производная — по *всем* путям графа; она пишется через $d$. Прямой режим вычисляет **касательные**
#   $\dot v_i = \dfrac{d v_i}{d w_k}$ (как меняется $v_i$, когда меняется вход $w_k$); обратный режим
#   ([ноутбук 05](05_reverse_mode.ipynb)) вычисляет **сопряжённые переменные** $\bar v_i = \dfrac{d L}{d v_i}$ (как
#   меняется $L$, когда меняется $v_i$). На выходе $\dfrac{dL}{dw_k}$ — это частная производная
#   $\dfrac{\partial L}{\partial w_k}$ функции $L(w_1, w_2)$, $k$-я компонента $\nabla_w L$.

# %% [markdown] en="7ccc4d71e7" slideshow={"slide_type": "fragment"}
# | | на слайдах | в этом курсе (формулы, рисунки, таблицы, виджет) |
# |:--|:--|:--|
# | касательная (прямой режим) | $\bar v_i = \frac{\partial v_i}{\partial w_k}$ | $\dot v_i = \frac{d v_i}{d w_k}$ |
# | сопряжённая переменная (обратный режим) | $\bar v_i = \frac{\partial L}{\partial v_i}$ | $\bar v_i = \frac{d L}{d v_i}$ |
# | локальная производная (ребро) | $\frac{\partial v_i}{\partial x_j}$ | $\frac{\partial v_i}{\partial x_j}$ |
#
# Итак, черта $\bar v_i$ со слайдов — это **наша точка** $\dot v_i$ в прямом режиме и наша черта в обратном. Кроме
# того, на слайдах оба вида производных записаны через $\partial$, и тогда один символ в одной строке означает две
# разные вещи: на Рис. 15 в формуле
# «$\frac{\partial v_2}{\partial w_2} = \frac{\partial v_2}{\partial v_1} \frac{\partial v_1}{\partial w_2} +
# \frac{\partial v_2}{\partial w_2} \frac{\partial w_2}{\partial w_2}$» левая часть — полная производная, а
# $\frac{\partial v_2}{\partial w_2}$ в правой — локальная. У нас эта строка выглядит так:
# $\frac{d v_2}{d w_2} = \frac{\partial v_2}{\partial v_1} \frac{d v_1}{d w_2} + \frac{\partial v_2}{\partial w_2}
# \frac{d w_2}{d w_2}$. (Здесь обе равны $v_1$, так как $v_1$ не зависит от $w_2$; но локальной производной $v_2$ по
# $w_1$ нет — $w_1$ не аргумент $v_2$, — тогда как $\frac{d v_2}{d w_1} = w_2/w_1$.)


# %% slideshow={"slide_type": "skip"}
def local_and_total(graph, name="v2"):
    """adlib's two derivatives of L with respect to node `name`: the local one on its edge to L, and the total one
    (the adjoint of notebook 05's backward sweep, through every path to L)."""
    row = next(r for r in reverse_trace(graph).rows if r.name == name)
    local = {graph.nodes[t.target].name: t.local for t in row.terms}  # ∂(consumer)/∂v, one per edge out of v
    return {f"∂L/∂{name}": local["L"], f"dL/d{name}": row.derivative}


# %% [markdown] en="db7a726dac" slideshow={"slide_type": "subslide"}
# **Упражнение 4.1** — локальная или полная? $v_2$ входит и в $v_3$, и в $L$. В точке $(w_1, w_2) = (2, 3)$
# (значения $v_i$ — в таблице графа выше) вычислите вручную локальную производную $\frac{\partial L}{\partial v_2}$,
# записанную на ребре $v_2 \to L$, и полную производную $\frac{dL}{dv_2}$: как меняется $L$, когда меняется $v_2$,
# по всем путям из $v_2$ в $L$.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_local_and_total = {"∂L/∂v2": None, "dL/dv2": None}  # your code here: two numbers (np.log, np.sqrt at hand)

exercises.check_values(my_local_and_total, local_and_total(graph),
                       hint=("L = v2 + v3 with v3 = √v2: one path goes straight to L, the other through v3; "
                             "the total derivative adds up both",
                             "L = v2 + v3, где v3 = √v2: один путь ведёт прямо в L, другой — через v3; полная "
                             "производная складывает оба"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Решение
# Local: L = v2 + v3 as a function of its own arguments; ∂L/∂v2 = 1 (v3 held fixed).
# Total: v2 also moves L through v3 = √v2, so dL/dv2 = ∂L/∂v2 + ∂L/∂v3 · ∂v3/∂v2 = 1 + 1 · 1/(2√v2).
solution_v2 = 3.0 * np.log(2.0)  # v2 = w2 log w1 at (2, 3)
solution_local_and_total = {"∂L/∂v2": 1.0, "dL/dv2": 1.0 + 1.0 / (2.0 * np.sqrt(solution_v2))}

exercises.check_values(solution_local_and_total, local_and_total(graph)).assert_passed()

# %% slideshow={"slide_type": "fragment"}
local_total = local_and_total(graph)
print(tr("local  ∂L/∂v2 (the edge v2 → L)              = ",
         "локальная ∂L/∂v2 (ребро v2 → L)                   = ") + f"{local_total['∂L/∂v2']:.4f}")
print(tr("total  dL/dv2 (v2 → L and v2 → v3 → L, both) = ",
         "полная    dL/dv2 (оба пути: v2 → L и v2 → v3 → L) = ") + f"{local_total['dL/dv2']:.4f}")
claim(local_total["∂L/∂v2"] == 1 and abs(local_total["dL/dv2"] - 1.347) < 5e-4, "∂L/∂v2 = 1 but dL/dv2 ≈ 1.347",
      **local_total)

# %% [markdown] en="6091d4f547" slideshow={"slide_type": "fragment"}
# Там, где значение разветвляется, эти две производные различаются и по величине: на ребре $v_2 \to L$ записано
# $\frac{\partial L}{\partial v_2} = 1$, а $\frac{dL}{dv_2} \approx 1.347$ учитывает ещё и путь через $v_3$.

# %% [markdown] en="21a303a10a" slideshow={"slide_type": "slide"}
# ## Прямой режим автоматического дифференцирования по шагам: $\partial L / \partial w_1$
#
# «Давайте пойдем от начала графа к концу и вычислим производную $\frac{\partial L}{\partial w_1}$.» Зададим
# начальные касательные входов $\frac{d w_1}{d w_1} = 1$, $\frac{d w_2}{d w_1} = 0$ и пройдём граф в порядке
# вычисления. В каждом узле: «Функция» — вычисляем $v_i$ по его родителям; «Производная» — вычисляем касательную
# $\dot v_i = \frac{d v_i}{d w_1} = \sum_j \frac{\partial v_i}{\partial x_j} \frac{d x_j}{d w_1}$ по касательным
# родителей, которые уже известны.

# %% slideshow={"slide_type": "fragment"}
trace_w1 = forward_trace(graph, wrt="w1")


def show_step(trace, k):
    row = trace.rows[k]
    display(Math(r"\text{Функция: } " + row.function_latex))
    display(Math(r"\text{Производная: } " + row.derivative_latex))


show_step(trace_w1, 0)  # Рис. 7
show_step(trace_w1, 1)

# %% slideshow={"slide_type": "fragment"}
show_step(trace_w1, 2)  # Рис. 8

# %% slideshow={"slide_type": "subslide"}
show_step(trace_w1, 3)  # Рис. 9: two parents, two terms, in the slide's order w2·dv1/dw1 + v1·dw2/dw1

# %% slideshow={"slide_type": "fragment"}
show_step(trace_w1, 4)  # Рис. 10

# %% slideshow={"slide_type": "fragment"}
show_step(trace_w1, 5)  # Рис. 11

# %% [markdown] en="3b5d90d587" slideshow={"slide_type": "subslide"}
# Те же шесть шагов одной таблицей — трасса вычислений из Baydin et al. (2018, таблица 2): значения и касательные
# рядом.

# %% slideshow={"slide_type": "fragment"}
trace_w1

# %% [markdown] en="14ce0c0b9b" slideshow={"slide_type": "subslide"}
# Шесть шагов в картинках (для тех, кто читает ноутбук без работающего ядра; виджет ниже делает то же
# интерактивно). Оранжевый узел — тот, что вычисляется на этом шаге, красные рёбра приносят ему касательные
# родителей, синие узлы уже пройдены; под каждым узлом — его значение и касательная $\dot v_i = dv_i/dw_1$.

# %% slideshow={"slide_type": "fragment"}
fig = draw_steps(graph, trace_w1)
fig.suptitle(tr(r"Forward mode for $\partial L/\partial w_1$ at $(2, 3)$: tangents $\dot v_i = dv_i/dw_1$, "
                "one panel per step",
                r"Прямой режим для $\partial L/\partial w_1$ в точке $(2, 3)$: касательные $\dot v_i = dv_i/dw_1$, "
                "по панели на шаг"))
fig.tight_layout()
plt.show()

# %% [markdown] en="5c631adc55" slideshow={"slide_type": "slide"}
# ## Сделайте аналогичные вычисления для $\partial L/\partial w_2$
#
# $$L(w_1, w_2) = w_2 \log w_1 + \sqrt{w_2 \log w_1}$$
#
# Тот же граф (Рис. 12) и те же значения $v_i$.

# %% [markdown] en="67e828b821" slideshow={"slide_type": "fragment"}
# **Упражнение 4.2** — прямой проход для $w_2$ вручную. Заполните касательные $\dot v_i = \frac{d v_i}{d w_2}$ в
# точке $(w_1, w_2) = (2, 3)$ в порядке вычисления: сначала касательные входов (как меняются $w_1$ и $w_2$, когда
# меняется $w_2$?), затем каждый узел по касательным его родителей, как в шести шагах для $w_1$ выше. Можно числа,
# можно выражения с `np.log` и `np.sqrt`; проверка скажет, какие значения уже верны.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_tangents_w2 = {  # your code here: dv/dw2 for every node
    "w1": None,
    "w2": None,
    "v1": None,  # v1 = log w1
    "v2": None,  # v2 = w2 · v1
    "v3": None,  # v3 = √v2
    "L": None,   # L = v2 + v3
}

exercises.check_values(my_tangents_w2, forward_trace(graph, wrt="w2").derivatives(),
                       hint=("each tangent is a sum over the node's parents: (the local derivative on the edge) × "
                             "(the parent's tangent); the inputs' tangents are the seed",
                             "каждая касательная — сумма по родителям узла: (локальная производная на ребре) × "
                             "(касательная родителя); касательные входов задаются начальными значениями (seed)"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Решение
# Only the seed changes: dw1/dw2 = 0, dw2/dw2 = 1 (Рис. 13). The values v_i are those of the first pass.
solution_v1, solution_v2 = np.log(2.0), 3.0 * np.log(2.0)
solution_tangents_w2 = {"w1": 0.0, "w2": 1.0}
solution_tangents_w2["v1"] = 1 / 2.0 * solution_tangents_w2["w1"]  # ∂v1/∂w1 · dw1/dw2 = 0 (Рис. 14)
solution_tangents_w2["v2"] = 3.0 * solution_tangents_w2["v1"] + solution_v1 * solution_tangents_w2["w2"]  # w2·v̇1 + v1·ẇ2
solution_tangents_w2["v3"] = 1 / (2 * np.sqrt(solution_v2)) * solution_tangents_w2["v2"]  # (Рис. 16)
solution_tangents_w2["L"] = solution_tangents_w2["v2"] + solution_tangents_w2["v3"]  # 1·v̇2 + 1·v̇3 (Рис. 17)

exercises.check_values(solution_tangents_w2, forward_trace(graph, wrt="w2").derivatives()).assert_passed()

# %% [markdown] en="7126c2a606" slideshow={"slide_type": "subslide"}
# Шаги со слайдов (Рис. 13–17), вычисленные правилами прямого режима adlib: сравните их со своей таблицей.

# %% slideshow={"slide_type": "fragment"}
trace_w2 = forward_trace(graph, wrt="w2")
for k in range(len(trace_w2)):
    display(Math(trace_w2.rows[k].derivative_latex))

# %% slideshow={"slide_type": "subslide"}
trace_w2

# %% slideshow={"slide_type": "subslide"}
fig = draw_steps(graph, trace_w2)
fig.suptitle(tr(r"Forward mode for $\partial L/\partial w_2$: the same graph, the seed $\dot w = (0, 1)$",
                r"Прямой режим для $\partial L/\partial w_2$: тот же граф, начальные касательные $\dot w = (0, 1)$"))
fig.tight_layout()
plt.show()

# %% [markdown] en="e6ab35dfe3" slideshow={"slide_type": "fragment"}
# Изменились только начальные касательные, $\frac{d w_1}{d w_2} = 0$, $\frac{d w_2}{d w_2} = 1$; и понадобился
# **второй полный проход**: один прямой проход даёт производную по одному входу.

# %% [markdown] en="bb3c9810a4" slideshow={"slide_type": "subslide"}
# ### Сравнение с аналитической производной
#
# Обозначим $u = w_2 \log w_1$; тогда $\frac{\partial L}{\partial w_1} = \frac{w_2}{w_1}\bigl(1 + \frac{1}{2\sqrt u}\bigr)$
# и $\frac{\partial L}{\partial w_2} = \log w_1 \bigl(1 + \frac{1}{2\sqrt u}\bigr)$.

# %% slideshow={"slide_type": "fragment"}
factor = 1 + 1 / (2 * np.sqrt(w2 * np.log(w1)))
exact = (w2 / w1 * factor, np.log(w1) * factor)
print(tr("forward pass 1:", "прямой проход 1:") + f" ∂L/∂w1 = {trace_w1.result:.15f}   "
      + tr("closed form", "формула") + f" {exact[0]:.15f}")
print(tr("forward pass 2:", "прямой проход 2:") + f" ∂L/∂w2 = {trace_w2.result:.15f}   "
      + tr("closed form", "формула") + f" {exact[1]:.15f}")
np.testing.assert_allclose((trace_w1.result, trace_w2.result), exact, rtol=1e-14)

# %% [markdown] en="3f2525e14f" slideshow={"slide_type": "slide"}
# ## Алгоритм прямого режима автоматического дифференцирования
#
# Пусть дан вычислительный граф $v_i$, $i = 1, \dots, N$, и вход $w_k$; цель — вычислить $\frac{d v_N}{d w_k}$.
# Обозначим касательную $\dot v_i = \frac{d v_i}{d w_k}$ (на слайдах $\bar v_i$; см. «Обозначения» выше).
# Для $i = 1, \dots, N$:
#
# * вычислить $v_i = v_i(x_1, \dots, x_{t_i})$ по его родителям;
# * вычислить $\dot v_i = \sum_{j=1}^{t_i} \frac{\partial v_i}{\partial x_j} \frac{d x_j}{d w_k}
#   = \sum_{j=1}^{t_i} \frac{\partial v_i}{\partial x_j} \dot x_j$.
#
# Записанный для нашего графа, весь алгоритм — вот этот цикл. Каждое слагаемое
# $\frac{\partial v_i}{\partial x_j} \dot x_j$ — это правило JVP примитива, применённое к касательной родителя: то же
# правило, которым пользуется `adlib.jvp`.


# %% slideshow={"slide_type": "fragment"}
def forward_mode(graph, k):
    """d(output)/dw_k: one pass over the graph in evaluation order, no storage beyond the current tangents."""
    tangent = {i: float(j == k) for j, i in enumerate(graph.inputs)}  # the seed ẇ = e_k
    for node in graph.primitive_nodes:  # i = 1 .. N, parents always come first
        tangent[node.index] = sum(
            node.prim.jvp[argnum](tangent[parent], node.value, *node.args)  # ∂v_i/∂x_j · ẋ_j
            for argnum, parent in zip(node.argnums, node.parents)
        )
    return tangent[graph.output]


gradient_by_passes = [float(forward_mode(graph, k)) for k in range(2)]  # d = 2 inputs: 2 passes
print(tr("two forward passes:", "два прямых прохода:"), gradient_by_passes)
print("adlib.jvp         :", [float(adlib.jvp(L, (w1, w2), seed)[1]) for seed in [(1.0, 0.0), (0.0, 1.0)]])
np.testing.assert_allclose(gradient_by_passes, (trace_w1.result, trace_w2.result), rtol=1e-15)
np.testing.assert_allclose(gradient_by_passes, adlib.grad(L, argnums=(0, 1))(w1, w2), rtol=1e-14)

# %% [markdown] en="18ce5af47e" slideshow={"slide_type": "fragment"}
# Промежуточные значения здесь хранить не нужно: каждое $v_i$ и $\dot v_i$ можно забыть, как только его
# потребители его использовали. Один проход стоит $\mathcal{O}(T)$ — небольшую константу, умноженную на одно
# вычисление $L$, — и даёт **одну** частную производную: весь градиент $L: \mathbb{R}^d \to \mathbb{R}$ требует $d$
# проходов, $d\,\mathcal{O}(T)$, — столько же, сколько конечные разности ([ноутбук 03](03_finite_differences.ipynb)),
# но точно: нет шага $\varepsilon$, нет компромисса между ошибкой усечения и ошибкой округления (формулы выше
# точные).

# %% [markdown] en="2941896009" slideshow={"slide_type": "subslide"}
# **Упражнение 4.3** — прямой режим вручную, в коде, на новой функции:
#
# $$f(x, y) = \exp\bigl(-(\sin x - \cos y)^2\bigr).$$
#
# Напишите её прямой проход: разбейте $f$ на примитивы $v_1, v_2, \dots$ и строка за строкой вычисляйте каждое $v_i$
# и его касательную $\dot v_i$ по касательным родителей, исходя из начальных касательных $(\dot x, \dot y)$; верните
# $\dot f$. С начальными касательными $(1, 0)$ это $\partial f/\partial x$, с $(0, 1)$ — $\partial f/\partial y$, а с
# любыми другими — производная по этому направлению (тот же цикл; производная по направлению — за рамками лекции).
# Проверка сравнивает ваш проход с `adlib.jvp` и с центральными разностями в трёх точках, по одному направлению в
# каждой.

# %% slideshow={"slide_type": "-"}
def f_xy(w):  # w = (x, y)
    return anp.exp(-((anp.sin(w[0]) - anp.cos(w[1])) ** 2))


points_xy = [np.array([0.3, 1.2]), np.array([2.0, -0.7]), np.array([-1.1, 0.4])]
seeds_xy = [np.array([1.0, 0.0]), np.array([0.0, 1.0]), np.array([0.6, -0.8])]


# %% slideshow={"slide_type": "-"} tags=["exercise"]
def my_forward_pass(w, w_dot):
    x, y = w
    x_dot, y_dot = w_dot
    # your code here: v1, v1_dot = np.sin(x), ...; v2, v2_dot = ...; ...; return f_dot
    raise NotImplementedError


exercises.check_jvp(my_forward_pass, f_xy, points_xy, seeds_xy,
                    hint=("one primitive per line (sin, cos, subtract, square, negate, exp), each tangent the "
                          "local derivative times the parent's tangent, summed over the parents",
                          "по одному примитиву на строку (sin, cos, вычитание, квадрат, смена знака, exp); каждая "
                          "касательная — локальная производная, умноженная на касательную родителя, с суммой по "
                          "родителям"))


# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Решение
def solution_forward_pass(w, w_dot):
    x, y = w
    x_dot, y_dot = w_dot
    v1, v1_dot = np.sin(x), np.cos(x) * x_dot  # v1 = sin x
    v2, v2_dot = np.cos(y), -np.sin(y) * y_dot  # v2 = cos y
    v3, v3_dot = v1 - v2, v1_dot - v2_dot  # v3 = v1 − v2: two parents, two terms (∂v3/∂v1 = 1, ∂v3/∂v2 = −1)
    v4, v4_dot = v3**2, 2 * v3 * v3_dot  # v4 = v3²
    v5, v5_dot = -v4, -v4_dot  # v5 = −v4
    f = np.exp(v5)  # f = exp(v5)
    f_dot = f * v5_dot  # exp is its own derivative: ∂f/∂v5 = f
    return f_dot


exercises.check_jvp(solution_forward_pass, f_xy, points_xy, seeds_xy).assert_passed()

# %% [markdown] en="4baf093972" slideshow={"slide_type": "slide"}
# ## Пошагово, с любыми $w_1, w_2$
#
# Выберите $w_1, w_2$, режим и шаг (◀ ▶). На экране — граф с текущим узлом, формулы шага с подставленными числами
# и уже пройденная часть трассы; третий режим, «обратный», — это обратный проход из
# [ноутбука 05](05_reverse_mode.ipynb). Вне области определения $L$ ($w_1 \le 0$, или $w_2 \log w_1 < 0$ под
# корнем, или $= 0$, где у $\sqrt{\cdot}$ нет производной) виджет так и сообщает. Всё показанное вычисляет
# `adlib.course.widgets.step_view` — чистая функция; виджет только связывает элементы управления.

# %% slideshow={"slide_type": "subslide"}
graph_stepper()

# %% [markdown] en="291daeda13" slideshow={"slide_type": "slide"}
# ## За рамками лекции
#
# Остальная часть ноутбука выходит за рамки слайдов: граф записывает программу (а не формулу), тот же цикл на
# опубликованном примере Baydin et al., измерение стоимости $d$ прямых проходов и сверка с JAX.

# %% [markdown] en="116c948908" slideshow={"slide_type": "subslide"}
# ### Граф — это программа, а не формула
#
# Если записать $L$ буквально, как `w2 * log(w1) + sqrt(w2 * log(w1))`, то $\log w_1$ и $w_2 \log w_1$ вычисляются
# **дважды**: AD записывает то, что делает программа, и не исключает общие подвыражения, поэтому в графе 6
# элементарных узлов вместо 4. Производные те же; объём работы — нет.


# %% slideshow={"slide_type": "fragment"}
def L_twice(w1, w2):
    return w2 * anp.log(w1) + anp.sqrt(w2 * anp.log(w1))


graph_twice = trace_graph(L_twice, w1, w2)
print(graph_twice)
assert len(graph.primitive_nodes) == 4 and len(graph_twice.primitive_nodes) == 6
np.testing.assert_allclose(forward_trace(graph_twice, "w1").result, forward_trace(graph, "w1").result, rtol=1e-14)

# %% [markdown] en="c6c7e228c1" slideshow={"slide_type": "subslide"}
# ### Любой граф: пример Baydin et al.
#
# Та же функция `forward_mode` работает на любом графе. Baydin et al. (2018, таблица 2) строят трассу
# $f(x_1, x_2) = \ln x_1 + x_1 x_2 - \sin x_2$ в точке $(2, 5)$ с $\dot x = (1, 0)$ и приводят $\dot y = 5.5$:


# %% slideshow={"slide_type": "fragment"}
def f_baydin(x1, x2):
    return anp.log(x1) + x1 * x2 - anp.sin(x2)


graph_b = trace_graph(f_baydin, 2.0, 5.0, input_names=("x1", "x2"), output_name="y")
trace_b = forward_trace(graph_b, wrt="x1")
print(trace_b)
assert forward_mode(graph_b, 0) == trace_b.result
np.testing.assert_allclose(trace_b.result, 5.5, rtol=1e-15)

# %% slideshow={"slide_type": "subslide"}
draw_graph(graph_b, trace_b, step=len(trace_b) - 1,
           title=tr(r"Baydin et al.'s $f$: after the forward pass, $\dot y = 5.5$",
                    r"$f$ из Baydin et al.: после прямого прохода $\dot y = 5.5$"))
plt.show()

# %% [markdown] en="a5d93be8db" slideshow={"slide_type": "subslide"}
# ### Сколько это стоит: измерение
#
# $L(w) = \sum_i \sin(w_i)\, w_i$, где $w \in \mathbb{R}^d$: те же три примитива (`sin`, `multiply`, `sum`) на
# массивах из $d$ чисел. `adlib.jacfwd` делает $d$ прямых проходов (по одному `adlib.jvp` на координату);
# `adlib.grad` (обратный режим, [ноутбук 05](05_reverse_mode.ipynb)) — один обратный проход.

# %% slideshow={"slide_type": "fragment"}
def L_d(w):
    return anp.sum(anp.sin(w) * w)


rng = np.random.default_rng(0)
dims = [10, 40, 160, 640]
t_forward, t_reverse = [], []
for d in dims:
    w = rng.normal(size=d)
    np.testing.assert_allclose(adlib.jacfwd(L_d)(w), adlib.grad(L_d)(w), rtol=1e-12)
    t_forward.append(time_call(lambda w=w: adlib.jacfwd(L_d)(w), repeat=3, min_time=0.02))
    t_reverse.append(time_call(lambda w=w: adlib.grad(L_d)(w), repeat=3, min_time=0.02))
    print(f"d = {d:4d}:  " + tr(f"d forward passes {t_forward[-1] * 1e3:8.2f} ms   one reverse sweep "
                                f"{t_reverse[-1] * 1e3:6.3f} ms",
                                f"d прямых проходов {t_forward[-1] * 1e3:8.2f} мс   один обратный проход "
                                f"{t_reverse[-1] * 1e3:6.3f} мс"))
t_one_pass = time_call(lambda: adlib.jvp(L_d, (w,), (np.ones(dims[-1]),)), repeat=3, min_time=0.02)  # d = 640
passes_ratio = t_forward[-1] / t_one_pass
print(tr(f"d = {dims[-1]}: one forward pass {t_one_pass * 1e3:.3f} ms; the {dims[-1]} passes take "
         f"{passes_ratio:.0f}× as long",
         f"d = {dims[-1]}: один прямой проход {t_one_pass * 1e3:.3f} мс; {dims[-1]} "
         f"{plural_ru(dims[-1], 'проход', 'прохода', 'проходов')} занимают в {passes_ratio:.0f} "
         f"{plural_ru(round(passes_ratio), 'раз', 'раза', 'раз')} больше времени"))

slope_forward = np.polyfit(np.log(dims), np.log(t_forward), 1)[0]
slope_reverse = np.polyfit(np.log(dims), np.log(t_reverse), 1)[0]
print(tr(f"log-log slopes: forward {slope_forward:.2f}, reverse {slope_reverse:.2f}; "
         f"at d = {dims[-1]} forward/reverse = {t_forward[-1] / t_reverse[-1]:.0f}×",
         f"наклоны в двойном логарифмическом масштабе: прямой {slope_forward:.2f}, обратный {slope_reverse:.2f}; "
         f"при d = {dims[-1]} прямой/обратный = {t_forward[-1] / t_reverse[-1]:.0f}×"))
# timings are noisy (CI runs another suite on the other core): wide margins only
claim(0.7 < slope_forward < 1.5, "forward mode's time grows roughly in proportion to d", slope=slope_forward)
claim(slope_reverse < 0.5, "one reverse sweep stays at about the cost of one pass", slope=slope_reverse)
claim(t_forward[-1] > 20 * t_reverse[-1], "at d = 640 the d forward passes are far slower than one sweep",
      ratio=t_forward[-1] / t_reverse[-1])
claim(dims[-1] / 4 < t_forward[-1] / t_one_pass < 4 * dims[-1], "the d forward passes cost about d times one pass",
      ratio=t_forward[-1] / t_one_pass)
claim(t_reverse[-1] < 5 * t_one_pass, "one reverse sweep costs about one pass", ratio=t_reverse[-1] / t_one_pass)

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(7, 4.2))
ax.loglog(dims, t_forward, "o-", label=tr(f"forward mode, $d$ passes (slope {slope_forward:.2f})",
                                         f"прямой режим, $d$ проходов (наклон {slope_forward:.2f})"))
ax.loglog(dims, t_reverse, "s-", label=tr(f"reverse mode, one sweep (slope {slope_reverse:.2f})",
                                         f"обратный режим, один проход (наклон {slope_reverse:.2f})"))
ax.set_xlabel(tr("number of inputs $d$", "число входов $d$"))
ax.set_ylabel(tr("time for the full gradient, s", "время вычисления всего градиента, с"))
ax.set_title(tr(r"$\nabla L$ for $L(w) = \sin(w_1)\,w_1 + \dots + \sin(w_d)\,w_d$",
                r"$\nabla L$ для $L(w) = \sin(w_1)\,w_1 + \dots + \sin(w_d)\,w_d$"))
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown] en="b4ff0e5f32" slideshow={"slide_type": "fragment"}
# $d$ прямых проходов стоят примерно в $d$ раз больше одного прохода (измерено выше при $d = 640$): время прямого
# режима растёт примерно пропорционально $d$ (наклон в двойном логарифмическом масштабе близок к 1), а один обратный проход
# стоит примерно как один прямой и почти не растёт (наклон намного меньше 1). При таких небольших размерах время
# одного прохода $T$ само почти не растёт с $d$: в нём преобладают накладные расходы Python на каждую операцию, а не
# арифметика над массивами; на больших массивах $T$ тоже растёт как $d$, а полный градиент в прямом режиме — как
# $d^2$. Времена зависят от машины; число проходов, $d$ против одного, — нет.

# %% [markdown] en="9ce14d916e" slideshow={"slide_type": "subslide"}
# ### Проверка с помощью JAX
#
# `jax.jvp` — тоже прямой режим. Во float64 трассы совпадают с ним до $10^{-12}$ в нескольких точках, для обоих
# базисных направлений и для произвольного направления $\dot w$ (тогда трасса несёт $\dot v_i$ вдоль $\dot w$ вместо
# $dv_i/dw_k$).

# %% slideshow={"slide_type": "fragment"}
import jax

jax.config.update("jax_enable_x64", True)  # before any JAX array exists
import jax.numpy as jnp


def L_jax(w1, w2):
    return w2 * jnp.log(w1) + jnp.sqrt(w2 * jnp.log(w1))


for point in [(2.0, 3.0), (1.5, 0.7), (5.0, 0.2), (10.0, 4.0), (0.5, -2.0)]:
    g = trace_graph(L, *point)
    for seed in [(1.0, 0.0), (0.0, 1.0), (0.3, -2.0)]:
        value, tangent = jax.jvp(L_jax, point, seed)
        ours = forward_trace(g, seed=seed)
        np.testing.assert_allclose(g.value, value, rtol=1e-12)
        np.testing.assert_allclose(ours.result, tangent, rtol=1e-12)
print(tr("forward traces == jax.jvp (float64, rtol 1e-12) at 5 points × 3 directions",
         "трассы прямого режима == jax.jvp (float64, rtol 1e-12) в 5 точках × 3 направлениях"))
print(tr("jax.jvp at (2, 3), seed (1, 0):", "jax.jvp в точке (2, 3), начальные касательные (1, 0):"),
      float(jax.jvp(L_jax, (2.0, 3.0), (1.0, 0.0))[1]))

# %% [markdown] en="96c75fcabc" slideshow={"slide_type": "slide"}
# ## Итоги
#
# * Программа — это граф примитивов; `adlib.course.graph.trace_graph` его показывает. На рёбрах — локальные
#   производные $\partial v_i/\partial x_j$.
# * Прямой режим проходит граф один раз, в порядке вычисления, неся рядом с $v_i$ касательную
#   $\dot v_i = dv_i/dw_k$ ($\bar v_i$ на слайдах); каждый шаг — правило дифференцирования сложной функции по
#   родителям узла. Ничего не сохраняется.
# * Один проход даёт одну частную производную: для всего градиента нужно $d$ проходов, $d\,\mathcal{O}(T)$, —
#   столько же, сколько для конечных разностей ([03](03_finite_differences.ipynb)), но точно.
# * За рамками лекции: граф следует коду, а не формуле (общие подвыражения не объединяются), и $d$ проходов в
#   сравнении с одним обратным проходом.
# * Дальше — [05 — обратный режим](05_reverse_mode.ipynb): один проход для **всего** $\nabla_w L$ — но за свою цену.
