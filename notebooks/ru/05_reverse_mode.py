# ---
# jupyter:
#   course:
#     summary: 'Reverse mode step by step; the price: the tape''s memory'
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

# %% [markdown] en="2cff90241f" slideshow={"slide_type": "slide"}
# # Обратный режим автоматического дифференцирования
#
# *There is another.* Прямому режиму (ноутбук 04) нужен один проход на каждый вход. Обратный режим проходит граф
# один раз вперёд, **сохраняя** все $v_i$, а затем один раз назад, начиная с $\partial L/\partial L = 1$, — и получает
# весь градиент $\nabla_w L$ за этот единственный обратный проход (Рис. 18–23). Пройдём его шаг за шагом на функции
# из лекции
#
# $$L(w_1, w_2) = w_2 \log w_1 + \sqrt{w_2 \log w_1},$$
#
# запишем алгоритм, сверим его с JAX и ответим на вопрос лекции «Какова стоимость ускорения?» измерением. Ваша
# очередь — в четырёх упражнениях: обратный проход вручную (пример Baydin et al.), предсказание размера ленты до
# того, как его измерят, и по два правила для двух новых примитивов (softplus и arcsin).

# %% [markdown] slideshow={"slide_type": "skip"} tags=["colab"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/adlib-course/adlib-course/blob/v0.1.0/notebooks/ru/05_reverse_mode.ipynb)
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
from adlib.course.graph import reverse_trace, trace_graph
from adlib.course.graph_plot import draw_graph, draw_steps
from adlib.course.i18n import plural_ru, tr
from adlib.course.measure import peak_bytes, tape_size
from adlib.course.widgets import graph_stepper

projector.use()  # figure text readable on a 1280×720 slide

# %% [markdown] en="6c6e866bcc" slideshow={"slide_type": "fragment"}
# Опирается на [04 — прямой режим](04_forward_mode.ipynb): тот же граф и слайд «Обозначения» оттуда (сопряжённая
# переменная $\bar v_i = \frac{dL}{dv_i}$ — *полная* производная, она пишется через $d$;
# $\frac{\partial v_i}{\partial x_j}$ на ребре — *локальная*; на слайдах обе записаны через $\partial$). Ведёт к
# [06 — choose your fighter](06_choose_your_fighter.ipynb) (прямой или обратный режим для якобиана) и
# [10 — контрольные точки](10_checkpointing.ipynb) (цена обратного режима — память: как платить за неё меньше).

# %% [markdown] en="4205596be5" slideshow={"slide_type": "slide"}
# ## Обратный режим автоматического дифференцирования: прямой проход сохраняет все $v_i$
#
# «Мы рассмотрим ту же функцию с вычислительным графом»: $v_1 = \log w_1$, $v_2 = w_2 v_1$, $v_3 = \sqrt{v_2}$,
# $L = v_2 + v_3$. Прямой проход вычисляет каждый узел **и сохраняет его**: обратному проходу понадобятся $w_1$
# (для $1/w_1$), $v_1$ и $w_2$ (для произведения), $v_2$ (для $1/(2\sqrt{v_2})$). Эта таблица — ровно то, что `adlib`
# хранит на своей ленте.


# %% slideshow={"slide_type": "fragment"}
def L(w1, w2):
    v2 = w2 * anp.log(w1)
    return v2 + anp.sqrt(v2)


w1, w2 = 2.0, 3.0
graph = trace_graph(L, w1, w2)
graph

# %% slideshow={"slide_type": "subslide"}
draw_graph(graph, title=tr("Рис. 18: the graph of $L$ with the stored values",
                           "Рис. 18: граф $L$ с сохранёнными значениями"))
plt.show()

# %% [markdown] en="72d08b8e3e" slideshow={"slide_type": "slide"}
# ## Пример обратного режима автоматического дифференцирования
#
# «Давайте пойдем от конца графа к началу и вычислим производные $\frac{\partial L}{\partial w_1},
# \frac{\partial L}{\partial w_2}$.» Обозначим $\bar v_i = \frac{dL}{dv_i}$ — *сопряжённую переменную* (на слайдах
# $\frac{\partial L}{\partial v_i}$). Начнём с конца, $\frac{dL}{dL} = 1$, и пойдём по графу назад. Сопряжённая
# переменная узла собирает по одному слагаемому от **каждого узла, который его использует**:
# $\bar v_j = \sum_{i \text{ использует } j} \bar v_i \, \frac{\partial v_i}{\partial v_j}$. Лента записана в порядке
# вычисления, поэтому, когда обратный проход доходит до $v_j$, все использующие его узлы уже пройдены и его
# сопряжённая переменная вычислена полностью.

# %% slideshow={"slide_type": "fragment"}
trace = reverse_trace(graph)


def show_step(trace, k):
    display(Math(r"\text{Производная: } " + trace.rows[k].derivative_latex))


show_step(trace, 0)  # Рис. 19

# %% slideshow={"slide_type": "fragment"}
show_step(trace, 1)  # Рис. 20

# %% slideshow={"slide_type": "fragment"}
show_step(trace, 2)  # Рис. 21: v2 is used by v3 and by L, two paths, two terms

# %% slideshow={"slide_type": "fragment"}
show_step(trace, 3)  # Рис. 22

# %% slideshow={"slide_type": "fragment"}
show_step(trace, 4)  # Рис. 23
show_step(trace, 5)

# %% [markdown] en="9d4889fbc8" slideshow={"slide_type": "fragment"}
# Обратный проход доходит до $w_2$ раньше, чем до $w_1$ (он идёт по ленте от конца к началу, а $w_2$ записан после
# $w_1$); на слайде те же две строки стоят в обратном порядке. (Последняя формула слайда:
# $\frac{\partial L}{\partial w_2} = \dots = \frac{\partial L}{\partial v_1} v_1$; множитель в ней — сопряжённая
# переменная узла $v_2$, в который входит $w_2$: $\frac{dL}{dv_2}\, v_1$, как и вычислено выше.)

# %% [markdown] en="b382537fa1" slideshow={"slide_type": "subslide"}
# ### Два пути в $v_2$
#
# Разветвление в $v_2$ — то место, где обратный режим *суммирует*: одно слагаемое приходит от $v_3$, другое — от
# $L$. Каждое слагаемое — правило VJP примитива, применённое к сопряжённой переменной использующего узла.

# %% slideshow={"slide_type": "fragment"}
row_v2 = trace.rows[2]
for term in row_v2.terms:
    consumer = graph.nodes[term.target].name
    print(tr(f"from {consumer:>2}:", f"от {consumer:>2}:") + f"  dL/d{consumer} · ∂{consumer}/∂v2 = {term.contribution:.15f}")
print(tr("sum     ", "сумма  ") + f" dL/dv2 = {row_v2.derivative:.15f}   "
      + tr("(closed form", "(формула") + f" 1 + 1/(2√v2) = {1 + 1 / (2 * np.sqrt(3 * np.log(2))):.15f})")
np.testing.assert_allclose(row_v2.derivative, 1 + 1 / (2 * np.sqrt(w2 * np.log(w1))), rtol=1e-15)
local_L = next(term.local for term in row_v2.terms if graph.nodes[term.target].name == "L")
claim(local_L == 1 and abs(row_v2.derivative - 1.347) < 5e-4, "the local ∂L/∂v2 = 1, the adjoint dL/dv2 ≈ 1.347",
      local=local_L, adjoint=row_v2.derivative)

# %% [markdown] en="ff40da6569" slideshow={"slide_type": "fragment"}
# Итак, локальная производная $\frac{\partial L}{\partial v_2} = 1$ на ребре $v_2 \to L$ — это не сопряжённая
# переменная $\frac{dL}{dv_2} \approx 1.347$, которая учитывает оба пути (слайд «Обозначения» в
# [ноутбуке 04](04_forward_mode.ipynb)).

# %% [markdown] en="56fbc2a6f4" slideshow={"slide_type": "subslide"}
# Весь обратный проход одной таблицей (Baydin et al. 2018, таблица 3): значения — из прямого прохода, сопряжённые
# переменные — из обратного. Две последние строки — это **обе** частные производные.

# %% slideshow={"slide_type": "fragment"}
trace

# %% [markdown] en="b8ac90ef50" slideshow={"slide_type": "subslide"}
# Шесть шагов в картинках — для тех, кто читает ноутбук без ядра. Оранжевый узел получает свою сопряжённую
# переменную на этом шаге — по красным рёбрам от использующих его узлов; под каждым пройденным узлом — его значение
# и сопряжённая переменная $\bar v_i = dL/dv_i$.

# %% slideshow={"slide_type": "fragment"}
fig = draw_steps(graph, trace)
fig.suptitle(tr(r"Reverse mode at $(2, 3)$: adjoints $\bar v_i = dL/dv_i$, one sweep from $\bar L = 1$ to "
                r"$\bar w_1, \bar w_2$",
                r"Обратный режим в точке $(2, 3)$: сопряжённые переменные $\bar v_i = dL/dv_i$, один проход от $\bar L = 1$ "
                r"до $\bar w_1, \bar w_2$"))
fig.tight_layout()
plt.show()

# %% [markdown] en="01e43d147d" slideshow={"slide_type": "subslide"}
# ### Ваша очередь: обратный проход вручную
#
# **Упражнение 5.1** — обратный проход на другом графе: пример Baydin et al. (2018, таблица 3; за рамками графа
# лекции), $f(x_1, x_2) = \ln x_1 + x_1 x_2 - \sin x_2$ в точке $(2, 5)$. Его граф со значениями прямого прохода и, в
# последнем столбце, узлами, которые используют каждый узел:


# %% slideshow={"slide_type": "fragment"}
def f_baydin(x1, x2):
    return anp.log(x1) + x1 * x2 - anp.sin(x2)


graph_b = trace_graph(f_baydin, 2.0, 5.0, input_names=("x1", "x2"), output_name="y")
graph_b

# %% [markdown] en="b726a15119" slideshow={"slide_type": "fragment"}
# Заполните сопряжённые переменные $\bar v = \frac{dy}{dv}$ в порядке обратного прохода, от $\bar y = 1$ назад к
# входам. Сопряжённая переменная узла — сумма по использующим его узлам (столбец «используется в»): сопряжённая
# переменная такого узла, умноженная на локальную производную на ребре,
# $\bar v_j = \sum_{i \text{ использует } j} \bar v_i \frac{\partial v_i}{\partial v_j}$. Можно вписывать числа или
# выражения с `np.cos` и другими функциями NumPy; проверка скажет, какие значения уже верны.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_adjoints_baydin = {  # your code here: dy/dv for every node, in the order of the sweep
    "y": None,   # the seed
    "v4": None,  # y = v3 - v4
    "v3": None,  # y = v3 - v4
    "v2": None,  # v3 = v1 + v2
    "v1": None,  # v3 = v1 + v2
    "x2": None,  # used by v2 = x1 · x2 and by v4 = sin x2: two terms
    "x1": None,  # used by v1 = log x1 and by v2 = x1 · x2: two terms
}

exercises.check_values(my_adjoints_baydin, reverse_trace(graph_b).derivatives(),
                       hint=("a node used twice gets two terms; the local derivative of a product with respect to "
                             "one factor is the other factor",
                             "узел, используемый дважды, получает два слагаемых; локальная производная "
                             "произведения по одному множителю равна другому множителю"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Решение
# The sweep visits the tape backwards; each adjoint is complete when it is reached (all its consumers are done).
solution_adjoints_baydin = {"y": 1.0}  # dy/dy = 1
solution_adjoints_baydin["v4"] = solution_adjoints_baydin["y"] * (-1.0)  # ∂(v3 − v4)/∂v4 = −1
solution_adjoints_baydin["v3"] = solution_adjoints_baydin["y"] * 1.0  # ∂(v3 − v4)/∂v3 = 1
solution_adjoints_baydin["v2"] = solution_adjoints_baydin["v3"] * 1.0  # ∂(v1 + v2)/∂v2 = 1
solution_adjoints_baydin["v1"] = solution_adjoints_baydin["v3"] * 1.0  # ∂(v1 + v2)/∂v1 = 1
# x2 feeds v2 = x1·x2 (local ∂v2/∂x2 = x1 = 2) and v4 = sin x2 (local cos x2): two paths, two terms
solution_adjoints_baydin["x2"] = solution_adjoints_baydin["v2"] * 2.0 + solution_adjoints_baydin["v4"] * np.cos(5.0)
# x1 feeds v1 = log x1 (local 1/x1 = 1/2) and v2 = x1·x2 (local x2 = 5)
solution_adjoints_baydin["x1"] = solution_adjoints_baydin["v1"] / 2.0 + solution_adjoints_baydin["v2"] * 5.0

exercises.check_values(solution_adjoints_baydin, reverse_trace(graph_b).derivatives()).assert_passed()

# %% [markdown] en="1a378791bf" slideshow={"slide_type": "fragment"}
# Таблица 3 из Baydin et al. в том виде, в каком её вычисляет обратный проход adlib: сравните её со своей. Две
# последние строки — градиент, $\bar x = (5.5, 1.716)$, как в статье.

# %% slideshow={"slide_type": "fragment"}
trace_b = reverse_trace(graph_b)
np.testing.assert_allclose(trace_b.result, (5.5, 2.0 - np.cos(5.0)), rtol=1e-15)  # x̄1 = 1/x1 + x2, x̄2 = x1 − cos x2
np.testing.assert_allclose(trace_b.result, (5.5, 1.716), atol=5e-4)
trace_b

# %% [markdown] en="805b589e8b" slideshow={"slide_type": "slide"}
# ## Какова стоимость ускорения?
#
# За тот же объём вычислений, что и один прямой проход, мы получили весь градиент $\nabla_w L$. Чем мы за это
# заплатили?
#
# Ответит эксперимент: цепочка из $n$ примитивов $x \mapsto \sin(\sin(\cdots \sin(x)))$ с суммой в конце на векторе
# из $m = 1000$ чисел (float64: 8 кБ на массив). `tape_size` (из `adlib.course.measure`) подсчитывает, что именно
# хранит лента adlib для обратного прохода: выход и аргументы каждого узла, каждый массив — один раз (выход одного $\sin$ —
# аргумент следующего).


# %% slideshow={"slide_type": "skip"}
m = 1000
x = np.random.default_rng(0).normal(size=m)


def chain(n):
    def f(x):
        for _ in range(n):
            x = anp.sin(x)
        return anp.sum(x)

    return f


def tape_kB(n):
    """What adlib's tape holds for the chain of n sines on x, in kB (10^3 bytes)."""
    return tape_size(chain(n), x)["bytes"] / 1e3


# %% [markdown] en="55674ed2a1" slideshow={"slide_type": "fragment"}
# **Упражнение 5.2** — сначала предскажите, потом запустите. Обратный проход выполняется, когда прямой проход уже
# закончен, и ему нужны значения прямого прохода. Сколько кБ хранит лента для цепочки из $n = 256$ синусов на
# $m = 1000$ числах? Впишите число; затем ячейка подсчитает ленту (`tape_kB(256)`) и сравнит. Расхождение не более
# чем в 1.5 раза считается верным ответом.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_tape_kB_256 = None  # your code here: a number, the tape's size in kB at n = 256

exercises.check_prediction(my_tape_kB_256, tape_kB(256), within=1.5,
                           name=tr("the tape's size in kB (n = 256)", "размер ленты в кБ (n = 256)"),
                           hint=("which values does the backward sweep of sin need, and how big is each of them?",
                                 "какие значения нужны обратному проходу через sin и сколько места занимает каждое?"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Решение
# The VJP of sin needs its argument (g · cos x), so every array of the forward pass stays on the tape: the input and
# the 256 outputs of sin (the last one is the sum's argument), 1000 float64 = 8 kB each, plus the scalar sum.
solution_tape_kB_256 = (256 + 1) * 1000 * 8 / 1e3  # 2056 kB; the 8 bytes of the sum do not show

exercises.check_prediction(solution_tape_kB_256, tape_kB(256), within=1.5,
                           name=tr("the tape's size in kB (n = 256)", "размер ленты в кБ (n = 256)")).assert_passed()

# %% [markdown] en="593b5ffefb" slideshow={"slide_type": "fragment"}
# **Память.** Обратному проходу нужны значения прямого прохода, поэтому все они хранятся, пока он не закончится.
# Прямой режим забывает каждое $v_i$, как только его использовали все узлы, которым оно нужно.
#
# Измерение для нескольких $n$: размер ленты и, с помощью `peak_bytes` (`adlib.course.measure`, через
# `tracemalloc`), пик памяти, которую NumPy действительно выделяет во время `adlib.grad` (обратный режим) и
# `adlib.jvp` (прямой, одно направление).

# %% slideshow={"slide_type": "fragment"}
lengths = [1, 4, 16, 64, 256]
tape_nodes, tape_bytes, peak_reverse, peak_forward = [], [], [], []
for n in lengths:
    f = chain(n)
    stats = tape_size(f, x)
    tape_nodes.append(stats["nodes"])
    tape_bytes.append(stats["bytes"])
    peak_reverse.append(peak_bytes(adlib.grad(f), x)[1])  # (result, peak bytes) of one call
    peak_forward.append(peak_bytes(adlib.jvp, f, (x,), (np.ones(m),))[1])

print(f"{'n':>5} {tr('tape nodes', 'узлов ленты'):>11} {tr('tape kB', 'кБ ленты'):>9} "
      f"{tr('peak reverse kB', 'пик обр., кБ'):>16} {tr('peak forward kB', 'пик прям., кБ'):>16}")
for row in zip(lengths, tape_nodes, tape_bytes, peak_reverse, peak_forward):
    n, nodes, b, pr, pf = row
    print(f"{n:5d} {nodes:11d} {b / 1e3:9.1f} {pr / 1e3:16.1f} {pf / 1e3:16.1f}")
per_primitive = (tape_bytes[-1] - tape_bytes[0]) / (lengths[-1] - lengths[0])
print(tr(f"tape bytes per primitive: {per_primitive:.0f} (= one array of {m} float64)",
         f"байт ленты на примитив: {per_primitive:.0f} (= один массив float64 длины {m})"))
ratio = peak_reverse[-1] / peak_forward[-1]
print(tr(f"n = {lengths[-1]}: reverse mode keeps {ratio:.0f}× the memory of forward mode",
         f"n = {lengths[-1]}: обратный режим занимает в {ratio:.0f} {plural_ru(round(ratio), 'раз', 'раза', 'раз')} "
         "больше памяти, чем прямой"))
assert lengths[-1] == 256 and np.isclose(tape_bytes[-1], tape_kB(256) * 1e3)  # the number of Exercise 5.2
claim(all(b == (n + 1) * m * 8 + 8 for n, b in zip(lengths, tape_bytes)),
      "the tape grows linearly with n, one stored array per primitive (input, n outputs of sin, the sum)")
claim(peak_reverse[-1] > 0.9 * tape_bytes[-1], "the peak memory of adlib.grad follows the tape",
      peak=peak_reverse[-1], tape=tape_bytes[-1])
claim(max(peak_forward) < 8 * 8 * m and peak_forward[-1] < 1.1 * peak_forward[1],
      "forward mode's peak stays flat from n = 4 on, a few arrays (fewer than 8 of m numbers)",
      peak_forward=peak_forward)
claim(peak_reverse[-1] > 10 * peak_forward[-1], "at n = 256 reverse mode's peak is more than 10× forward mode's",
      ratio=peak_reverse[-1] / peak_forward[-1])

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(8.4, 4.8))
ax.loglog(lengths, tape_bytes, "o-", label=tr("reverse: bytes stored on the tape (tape_size)",
                                              "обратный: байты, хранимые на ленте (tape_size)"))
ax.loglog(lengths, peak_reverse, "s--", label=tr("reverse: peak allocated during adlib.grad (tracemalloc)",
                                                 "обратный: пик выделенной памяти в adlib.grad (tracemalloc)"))
ax.loglog(lengths, peak_forward, "^-", label=tr("forward: peak allocated during adlib.jvp (tracemalloc)",
                                                "прямой: пик выделенной памяти в adlib.jvp (tracemalloc)"))
ax.set_xlabel(tr("graph length $n$ (primitives in the chain)", "длина графа $n$ (примитивов в цепочке)"))
ax.set_ylabel(tr("memory, bytes", "память, байты"))
ax.set_title(tr(f"The price of reverse mode: memory for all $v_i$ ($m = {m}$ numbers per node)",
                f"Цена обратного режима: память для всех $v_i$ ($m = {m}$ {plural_ru(m, 'число', 'числа', 'чисел')} "
                "на узел)"))
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown] en="e11250fb1f" slideshow={"slide_type": "fragment"}
# Лента растёт **линейно с длиной графа**, по одному сохранённому массиву на примитив, и пик памяти `adlib.grad`
# растёт вместе с ней; пик прямого режима остаётся на уровне нескольких массивов при любом $n$ (начиная с $n = 4$ он
# не растёт; при $n = 256$ он более чем в 10 раз меньше). В глубокой сети лента хранит активации всех слоёв: именно
# это ограничивает размер батча при обучении. Средство, которое называет лекция, — **чекпоинтинг** (контрольные точки
# градиента): хранить только часть $v_i$, а остальные пересчитывать во время обратного прохода
# ([10 — контрольные точки](10_checkpointing.ipynb)).

# %% [markdown] en="c6f350879e" slideshow={"slide_type": "slide"}
# ## Алгоритм обратного режима автоматического дифференцирования
#
# Дан вычислительный граф $v_i$, $i = 1, \dots, N$; цель — весь градиент $\nabla_w v_N$. Обозначим сопряжённую
# переменную $\bar v_i = \frac{dL}{dv_i} = \frac{d v_N}{d v_i}$ (на слайдах $\frac{\partial L}{\partial v_i}$).
#
# * **Прямой проход.** Для $i = 1, \dots, N$: вычислить **и сохранить** $v_i$ как функцию его предков.
# * **Обратный проход.** Для $i = N, \dots, 1$: вычислить $\bar v_i = \sum_{j} \frac{dL}{dx_j}
#   \frac{\partial x_j}{\partial v_i}$ по всем узлам $x_j$, которые используют $v_i$ (его *потомкам*).
#
# Формула **вытягивает** (pull): $\bar v_i$ вычисляется сразу из сопряжённых переменных потомков. Код — и
# `core.backward` в `adlib` тоже — обычно вместо этого **проталкивает** (push): когда обратный проход доходит до
# узла $i$, его сопряжённая переменная уже вычислена полностью, и он прибавляет
# $\bar v_i \frac{\partial v_i}{\partial x_j}$ к накапливаемой сумме у каждого своего предка $x_j$. Оба способа
# проходят одни и те же рёбра и складывают одни и те же слагаемые (каждое вычисляется правилом VJP примитива),
# поэтому дают одни и те же суммы:


# %% slideshow={"slide_type": "fragment"}
def reverse_mode_push(graph):
    """The code's way: each node, once its adjoint is complete, pushes v̄_i · ∂v_i/∂x_j to each parent x_j."""
    adjoint = {graph.output: 1.0}  # dL/dL = 1
    for node in reversed(graph.nodes):  # i = N .. 1: consumers come before their parents
        if node.is_input or node.index not in adjoint:
            continue
        for argnum, parent in zip(node.argnums, node.parents):
            contribution = node.prim.vjp[argnum](adjoint[node.index], node.value, *node.args)  # v̄_i · ∂v_i/∂x_j
            adjoint[parent] = adjoint.get(parent, 0.0) + contribution  # a running sum: the paths add up
    return adjoint


def reverse_mode_pull(graph):
    """The slide's formula: v̄_i = Σ over the children x_j of v_i of dL/dx_j · ∂x_j/∂v_i, all at once."""
    adjoint = {graph.output: 1.0}
    for node in reversed(graph.nodes[: graph.output]):  # i = N-1 .. 1: the children are done
        children = [graph.nodes[c] for c in sorted(set(node.consumers))]
        adjoint[node.index] = sum(
            child.prim.vjp[argnum](adjoint[child.index], child.value, *child.args)  # dL/dx_j · ∂x_j/∂v_i
            for child in children
            for argnum, parent in zip(child.argnums, child.parents)
            if parent == node.index
        )
    return adjoint


push, pull = reverse_mode_push(graph), reverse_mode_pull(graph)
for node in reversed(graph.nodes):
    print(f"{node.name:>2}:  " + tr(f"pushed {push[node.index]:.15f}   pulled {pull[node.index]:.15f}",
                                    f"проталкиванием {push[node.index]:.15f}   вытягиванием {pull[node.index]:.15f}"))
print("adlib.grad :", tuple(float(g) for g in adlib.grad(L, argnums=(0, 1))(w1, w2)))
claim(push == pull, "pushing and pulling give the same sums, to the last bit", push=push, pull=pull)
claim(max(len(node.consumers) for node in graph.nodes) <= 2, "every adjoint here is a sum of at most two terms")
np.testing.assert_allclose([push[i] for i in graph.inputs], trace.result, rtol=1e-15)
np.testing.assert_allclose([push[i] for i in graph.inputs], adlib.grad(L, argnums=(0, 1))(w1, w2), rtol=1e-15)

# %% [markdown] en="21d78595af" slideshow={"slide_type": "fragment"}
# Суммы одинаковы до последнего бита: каждая сопряжённая переменная здесь — сумма не более чем двух слагаемых, а
# сумма двух чисел не зависит от их порядка. (Сумма трёх и более слагаемых может зависеть: сложение чисел с
# плавающей точкой не ассоциативно, и при другом порядке округление может получиться другим — на несколько единиц
# последнего разряда наибольшего слагаемого; большая относительная погрешность суммы возникает только там, где
# слагаемые взаимно сокращаются.) Проталкиванию не нужен список потомков — только предки, которые лента и так
# записывает.

# %% [markdown] en="8e3a5ac6f1" slideshow={"slide_type": "slide"}
# ## За рамками лекции: новый примитив и его два правила
#
# Оба обратных прохода выше ничего не знают о примитивах, кроме их обратных правил (`node.prim.vjp`); прямой режим
# ([ноутбук 04](04_forward_mode.ipynb)) вызывает их прямые правила. Прямое правило (JVP) `jvp(t, ans, x)` возвращает
# $\frac{\partial \varphi}{\partial x} t$ для касательного вектора $t$, обратное правило (VJP) `vjp(g, ans, x)`
# возвращает $g^\top \frac{\partial \varphi}{\partial x}$ для сопряжённой переменной $g$; `ans` — выход примитива
# $\varphi(x)$, его можно использовать повторно. Для поэлементной $\varphi$ якобиан диагонален, и оба правила — одна
# и та же формула. Правила для $\log$ и $\sqrt{\,}$ (граф этого ноутбука) и для $\sin$ (цепочка выше) в том виде, в
# каком их записывает `adlib/numpy/rules.py`:
#
# ```python
# elementwise(log,  lambda t, ans, x: t / x)          # (log x)' = 1/x
# elementwise(sqrt, lambda t, ans, x: t / (2 * ans))  # (√x)' = 1/(2√x), повторно используя ans = √x
# elementwise(sin,  lambda t, ans, x: t * cos(x))     # cos — из adlib.numpy
# ```
#
# Теперь напишите правила двух примитивов, которых нет в графе выше. Проверка регистрирует их на новом примитиве
# (`adlib.extend.Primitive`) и запускает `adlib.testing.check_grads` до второго порядка: прямой режим сравнивается
# с конечными разностями, обратный проверяется тестом скалярного произведения
# $\langle u, J v\rangle = \langle J^\top u, v\rangle$, затем то же самое — для производных ваших правил. Пишите их
# через `anp` (adlib.numpy), как написаны правила самой библиотеки: правило, которое само дифференцируемо, даёт
# вторые производные бесплатно.

# %% [markdown] en="7d7a4fbbfc" slideshow={"slide_type": "subslide"}
# **Упражнение 5.3** — softplus, $\varphi(x) = \log(1 + e^x)$, гладкий ReLU (вычисляется как `np.logaddexp(0, x)`,
# без переполнения). Напишите его JVP и VJP.


# %% slideshow={"slide_type": "-"}
def softplus(x):  # the primitive, on plain NumPy arrays
    return np.logaddexp(0.0, x)


# %% slideshow={"slide_type": "-"} tags=["exercise"]
def my_softplus_jvp(t, ans, x):
    raise NotImplementedError  # your code here: ∂φ/∂x · t


def my_softplus_vjp(g, ans, x):
    raise NotImplementedError  # your code here: g · ∂φ/∂x


exercises.check_rule(softplus, [np.array([-3.0, -0.5, 0.0, 1.0, 4.0])], jvp=my_softplus_jvp, vjp=my_softplus_vjp,
                     hint=("differentiate log(1 + e^x) by the chain rule: a sigmoid appears",
                           "продифференцируйте log(1 + e^x) как сложную функцию: появится сигмоида"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Решение
# φ'(x) = e^x / (1 + e^x) = 1 / (1 + e^(−x)), the sigmoid. Elementwise: the JVP and the VJP are the same formula.
def solution_softplus_jvp(t, ans, x):
    return t / (1 + anp.exp(-x))  # anp, not np: the rule itself gets differentiated (order 2)


def solution_softplus_vjp(g, ans, x):
    return g * (1 - anp.exp(-ans))  # the same derivative from ans: 1 − e^(−φ) = 1 − 1/(1 + e^x) = sigmoid(x)


exercises.check_rule(softplus, [np.array([-3.0, -0.5, 0.0, 1.0, 4.0])], jvp=solution_softplus_jvp,
                     vjp=solution_softplus_vjp).assert_passed()

# %% [markdown] en="ac78b1cf8a" slideshow={"slide_type": "subslide"}
# **Упражнение 5.4** — arcsin, определённый на $(-1, 1)$ (проверяется в точках внутри интервала). Напишите его JVP
# и VJP.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def my_arcsin_jvp(t, ans, x):
    raise NotImplementedError  # your code here: ∂φ/∂x · t


def my_arcsin_vjp(g, ans, x):
    raise NotImplementedError  # your code here: g · ∂φ/∂x


exercises.check_rule(np.arcsin, [np.array([-0.7, -0.2, 0.3, 0.8])], jvp=my_arcsin_jvp, vjp=my_arcsin_vjp,
                     hint=("differentiate sin(arcsin x) = x on both sides; then write cos(arcsin x) with x",
                           "продифференцируйте обе части равенства sin(arcsin x) = x; затем выразите "
                           "cos(arcsin x) через x"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Решение
# From sin(arcsin x) = x: cos(arcsin x) · (arcsin x)' = 1, and cos(arcsin x) = √(1 − x²) > 0 on (−1, 1).
def solution_arcsin_jvp(t, ans, x):
    return t / anp.sqrt(1 - x * x)


def solution_arcsin_vjp(g, ans, x):
    return g / anp.cos(ans)  # the same, from ans = arcsin x: cos(ans) = √(1 − x²)


exercises.check_rule(np.arcsin, [np.array([-0.7, -0.2, 0.3, 0.8])], jvp=solution_arcsin_jvp,
                     vjp=solution_arcsin_vjp).assert_passed()

# %% [markdown] en="79b4fe2dd1" slideshow={"slide_type": "slide"}
# ## Пошагово, с любыми $w_1, w_2$
#
# Пошаговый виджет из [ноутбука 04](04_forward_mode.ipynb), открытый в обратном режиме. Переключайтесь между тремя
# режимами, чтобы сравнить: два прямых прохода по шесть шагов против одного обратного прохода из шести шагов. Для
# входов вне области определения виджет выводит сообщение.

# %% slideshow={"slide_type": "subslide"}
graph_stepper(mode="reverse")

# %% [markdown] en="9dc1ca5c8f" slideshow={"slide_type": "slide"}
# ## За рамками лекции
#
# За пределами слайдов: тот же обратный проход на опубликованном примере Baydin et al. и сверка с JAX.

# %% [markdown] en="d95c800615" slideshow={"slide_type": "subslide"}
# ### Любой граф: пример Baydin et al.
#
# Граф упражнения 5.1, $f(x_1, x_2) = \ln x_1 + x_1 x_2 - \sin x_2$ в точке $(2, 5)$ (Baydin et al. 2018,
# таблица 3), через оба алгоритма, записанных выше: проталкивание и вытягивание тоже дают $\bar x = (5.5, 1.716)$.

# %% slideshow={"slide_type": "fragment"}
push_b, pull_b = reverse_mode_push(graph_b), reverse_mode_pull(graph_b)
print(tr("x̄ pushed:", "x̄ проталкиванием:"), tuple(float(push_b[i]) for i in graph_b.inputs))
print(tr("x̄ pulled:", "x̄ вытягиванием:  "), tuple(float(pull_b[i]) for i in graph_b.inputs))
np.testing.assert_allclose([push_b[i] for i in graph_b.inputs], (5.5, 2.0 - np.cos(5.0)), rtol=1e-15)
np.testing.assert_allclose([pull_b[i] for i in graph_b.inputs], (5.5, 2.0 - np.cos(5.0)), rtol=1e-15)
np.testing.assert_allclose(trace_b.result, (5.5, 1.716), atol=5e-4)

# %% slideshow={"slide_type": "subslide"}
draw_graph(graph_b, trace_b, step=len(trace_b) - 1,
           title=tr(r"Baydin et al.'s $f$ after the backward sweep", r"$f$ из Baydin et al. после обратного прохода"))
plt.show()

# %% [markdown] en="841197dac7" slideshow={"slide_type": "subslide"}
# ### Проверка с помощью JAX
#
# `jax.grad` и `jax.vjp` — тоже обратный режим. Во float64 обратные проходы совпадают с ними до $10^{-12}$; начальная
# сопряжённая переменная $\bar L$ линейно масштабирует результат (`vjp_fn(2.0)` — удвоенный градиент).

# %% slideshow={"slide_type": "fragment"}
import jax

jax.config.update("jax_enable_x64", True)  # before any JAX array exists
import jax.numpy as jnp


def L_jax(w1, w2):
    return w2 * jnp.log(w1) + jnp.sqrt(w2 * jnp.log(w1))


for point in [(2.0, 3.0), (1.5, 0.7), (5.0, 0.2), (10.0, 4.0), (0.5, -2.0)]:
    g = trace_graph(L, *point)
    np.testing.assert_allclose(reverse_trace(g).result, jax.grad(L_jax, argnums=(0, 1))(*point), rtol=1e-12)
    value, vjp_fn = jax.vjp(L_jax, *point)
    np.testing.assert_allclose(reverse_trace(g, adjoint=2.0).result, vjp_fn(2.0), rtol=1e-12)
    np.testing.assert_allclose(g.value, value, rtol=1e-12)
print(tr("reverse traces == jax.grad and jax.vjp (float64, rtol 1e-12) at 5 points",
         "обратные проходы == jax.grad и jax.vjp (float64, rtol 1e-12) в 5 точках"))
print(tr("jax.grad at (2, 3):", "jax.grad в точке (2, 3):"), tuple(float(v) for v in jax.grad(L_jax, argnums=(0, 1))(2.0, 3.0)))

# %% [markdown] en="72ac692958" slideshow={"slide_type": "slide"}
# ## Итоги
#
# * Обратный режим: прямой проход, **сохраняющий** все $v_i$, затем один обратный проход от $\bar L = 1$ по формуле
#   $\bar v_j = \sum_{i \text{ использует } j} \bar v_i\, \frac{\partial v_i}{\partial v_j}$ (сопряжённые переменные
#   $\bar v_i = dL/dv_i$, обозначения из [04](04_forward_mode.ipynb)); где значение разветвляется, вклады путей
#   складываются. Формула вытягивает от потомков, код проталкивает к предкам: суммы те же.
# * Один обратный проход даёт весь градиент $\nabla_w L$ примерно за стоимость одного вычисления функции:
#   $\mathcal{O}(T)$ вместо $d\,\mathcal{O}(T)$ прямого режима.
# * Цена — память: лента растёт с длиной графа (измерено выше: по массиву на примитив), а память прямого режима
#   остаётся на уровне нескольких массивов. [10 — контрольные точки](10_checkpointing.ipynb) возвращает часть её ценой
#   повторных вычислений; [06 — choose your fighter](06_choose_your_fighter.ipynb) выясняет, какой режим выигрывает
#   для якобиана.
