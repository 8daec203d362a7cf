# ---
# jupyter:
#   course:
#     summary: 'Your own function of x, y, z: its graph, both traces, the stepper, JAX'
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

# %% [markdown] en="ca0065af42" slideshow={"slide_type": "slide"}
# # Песочница: автоматическое дифференцирование вашей функции
#
# **За рамками лекции.** На слайдах прямой и обратный режимы разобраны шаг за шагом на одной функции,
# $L(w_1, w_2)$ ([04](04_forward_mode.ipynb), [05](05_reverse_mode.ipynb)). Здесь вы вводите функцию от одного до
# трёх скаляров, и на ней работает тот же механизм: записанный вычислительный граф, трассы прямого и обратного
# режимов с формулами «Функция» и «Производная», как на слайдах, пошаговый виджет и градиент, сверенный с JAX. По
# умолчанию взята функция из домашнего задания курса
#
# $$f(x, y) = \exp\bigl(-(\sin x - \cos y)^2\bigr).$$

# %% [markdown] slideshow={"slide_type": "skip"} tags=["colab"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/adlib-course/adlib-course/blob/v0.1.0/notebooks/ru/13_playground.ipynb)
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

jax.config.update("jax_enable_x64", True)  # float64 for the cross-check, before any JAX array exists
import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Math, display

import adlib.numpy as anp
from adlib.course import exercises, projector
from adlib.course.claims import claim, say
from adlib.course.graph import forward_trace, reverse_trace, trace_graph
from adlib.course.graph_plot import draw_graph
from adlib.course.i18n import tr
from adlib.course.playground import DEFAULT_EXPRESSION, FUNCTIONS, parse, playground, playground_view

projector.use()  # figure text readable on a 1280×720 slide

# %% [markdown] en="96ab03967f" slideshow={"slide_type": "slide"}
# ## Из текста — функция
#
# Текст **разбирается, но никогда не исполняется**: его читает модуль Python `ast`, а белый список допускает только
# числа, переменные $x, y, z$, `+ - * / **`, унарный минус и вызовы перечисленных ниже функций (каждая есть и в
# `adlib.numpy`, и в `jax.numpy`): никакого доступа к атрибутам, никаких импортов, никаких других вызовов. Затем
# небольшой интерпретатор вычисляет проверенное дерево, беря функции из переданного ему модуля: из `adlib.numpy` —
# чтобы записать граф, из `jax.numpy` — чтобы сверить результат.

# %% slideshow={"slide_type": "fragment"}
print(tr("functions:", "функции:"), ", ".join(FUNCTIONS))
expression = parse(DEFAULT_EXPRESSION)
f = expression.function(anp)  # the tree, evaluated with adlib.numpy: a function adlib can trace
f_jax = expression.function(jnp)  # the same tree, evaluated with jax.numpy
display(Math(f"{expression.signature} = {expression.latex}"))  # how the text was read

# %% [markdown] en="b0ff13c9d9" slideshow={"slide_type": "fragment"}
# Что парсер отвергает — каждый раз с понятным сообщением вместо трассировки стека (последнее выражение разбирается,
# но точка лежит вне области определения):

# %% slideshow={"slide_type": "fragment"}
for text, point in [("np.sin(x)", (1.0, 2.0, 0.5)), ("__import__('os')", (1.0, 2.0, 0.5)),
                    ("x^2", (1.0, 2.0, 0.5)), ("log(x)", (-1.0, 2.0, 0.5))]:
    view = playground_view(text, point)
    print(f"{text!r:20} {view.title}: {view.message}")

# %% [markdown] en="08c1bfdfb5" slideshow={"slide_type": "slide"}
# ## Вычислительный граф
#
# Как в [04](04_forward_mode.ipynb): одно вычисление на обёрнутых (boxed) входах записывает граф, по узлу на каждый
# примитив, с локальными производными $\frac{\partial v_i}{\partial x_j}$ на рёбрах. `x**2` записывается как
# `square` — примитив, которым `**` в adlib вычисляет квадрат.

# %% slideshow={"slide_type": "fragment"}
x0, y0 = 1.0, 2.0
graph = trace_graph(f, x0, y0, input_names=expression.variables, output_name="f")
claim("square" in [n.prim.name for n in graph.primitive_nodes], "x**2 records square")
draw_graph(graph, title=tr(f"the graph of $f(x, y)$ at $(x, y) = ({x0:g}, {y0:g})$",
                             f"граф $f(x, y)$ в точке $(x, y) = ({x0:g}, {y0:g})$"))
plt.show()

# %% [markdown] en="6500328569" slideshow={"slide_type": "slide"}
# ## Прямой режим: один проход на каждый вход
#
# Касательные $\dot v_i = \frac{d v_i}{d x}$, затем $\frac{d v_i}{d y}$: два прохода для двух входов (трасса прямого
# режима по Baydin et al., в каждой строке — «Функция» и «Производная», как на слайдах).

# %% slideshow={"slide_type": "fragment"}
trace_x, trace_y = forward_trace(graph, wrt="x"), forward_trace(graph, wrt="y")
trace_x

# %% slideshow={"slide_type": "subslide"}
trace_y

# %% [markdown] en="f8daabd430" slideshow={"slide_type": "slide"}
# ## Обратный режим: один обратный проход
#
# Сопряжённые переменные $\bar v_i = \frac{df}{dv_i}$ — от $\frac{df}{df} = 1$ назад к входам: обе частные
# производные за один проход.

# %% slideshow={"slide_type": "fragment"}
sweep = reverse_trace(graph)
sweep

# %% [markdown] en="8c25f265f2" slideshow={"slide_type": "subslide"}
# ### Проверка с помощью JAX
#
# `jax.grad` того же разобранного дерева, вычисленного через `jax.numpy` во float64, сравнивается с двумя прямыми
# проходами и с обратным проходом:

# %% slideshow={"slide_type": "fragment"}
gradient_jax = tuple(float(g) for g in jax.grad(f_jax, argnums=(0, 1))(x0, y0))
gradient_forward = (float(trace_x.result), float(trace_y.result))
gradient_reverse = tuple(float(g) for g in sweep.result)
np.testing.assert_allclose(gradient_reverse, gradient_jax, rtol=1e-12, atol=1e-12)
np.testing.assert_allclose(gradient_forward, gradient_jax, rtol=1e-12, atol=1e-12)
difference = max(abs(a - b) for a, b in zip(gradient_reverse + gradient_forward, 2 * gradient_jax))
say(f"∇f({x0:g}, {y0:g}) = ({gradient_reverse[0]:.15f}, {gradient_reverse[1]:.15f}) from the sweep; JAX: "
    f"({gradient_jax[0]:.15f}, {gradient_jax[1]:.15f}); the largest difference over both modes is "
    f"{difference:.1e}.",
    ru=f"∇f({x0:g}, {y0:g}) = ({gradient_reverse[0]:.15f}, {gradient_reverse[1]:.15f}) по обратному проходу; JAX: "
       f"({gradient_jax[0]:.15f}, {gradient_jax[1]:.15f}); наибольшее отличие по обоим режимам — {difference:.1e}.")

# %% [markdown] en="ca4c41e910" slideshow={"slide_type": "slide"}
# ## Упражнения
#
# **Упражнение 13.1** — домашнее задание: градиент $f(x, y) = \exp\bigl(-(\sin x - \cos y)^2\bigr)$ вручную.
# Запишите $\nabla f$ в явном виде; проверка сравнивает его с градиентом adlib, центральными разностями и JAX в трёх
# точках.

# %% slideshow={"slide_type": "-"}
def f_w(w):  # the same f, of one array w = (x, y), as the checker wants it
    return f(w[0], w[1])


def f_w_jax(w):
    return f_jax(w[0], w[1])


points_w = [np.array([1.0, 2.0]), np.array([0.3, -1.2]), np.array([-2.1, 0.4])]


# %% slideshow={"slide_type": "-"} tags=["exercise"]
def my_gradient(w):
    x, y = w
    # your code here: return np.array([df/dx, df/dy]) (np.sin, np.cos, np.exp at hand)
    raise NotImplementedError


exercises.check_grad(my_gradient, f_w, points_w, f_jax=f_w_jax,
                     hint=("write u = sin x − cos y: f = exp(−u²), so ∂f/∂x = f · (−2u) · ∂u/∂x, and the same for y",
                           "обозначьте u = sin x − cos y: тогда f = exp(−u²), поэтому ∂f/∂x = f · (−2u) · ∂u/∂x, "
                           "и аналогично для y"))


# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Решение
def solution_gradient(w):
    x, y = w
    u = np.sin(x) - np.cos(y)  # f = exp(−u²)
    f_value = np.exp(-(u**2))
    # the chain rule: ∂f/∂u = −2u·f; ∂u/∂x = cos x, ∂u/∂y = sin y (the derivative of −cos y)
    return np.array([-2 * u * np.cos(x) * f_value, -2 * u * np.sin(y) * f_value])


exercises.check_grad(solution_gradient, f_w, points_w, f_jax=f_w_jax).assert_passed()

# %% [markdown] en="e66107ecdd" slideshow={"slide_type": "subslide"}
# **Упражнение 13.2** — сначала предскажите, затем запустите. Для $g(x) = \sin^2 x + \cos^2 x$, введённой как
# `sin(x)**2 + cos(x)**2`: сколько узлов-примитивов в её графе и чему равно $g'(0.9)$ — точно, как его вычисляет AD?
# Запишите прогноз, запустите ячейку, затем введите эту функцию в песочницу ниже, чтобы увидеть, почему так.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
identity = playground_view("sin(x)**2 + cos(x)**2", (0.9, 0.0, 0.0))
truth = {"primitive nodes": len(identity.graph.primitive_nodes), "dg/dx": identity.gradient[0]}
my_prediction = {"primitive nodes": None, "dg/dx": None}  # your guesses here

exercises.check_values(my_prediction, truth,
                       hint=("one node per primitive the program runs: two functions, two squares, one sum; and the "
                             "identity holds for every x",
                             "по узлу на каждый примитив, который выполняет программа: две функции, два квадрата, "
                             "одна сумма; а тождество верно при любом x"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Решение
# sin x, cos x, their squares and the sum: 5 primitive nodes (AD does not know the identity; it runs the program).
# The two paths give (2 sin x)·cos x and (2 cos x)·(−sin x): doubling is exact and a product of two numbers does
# not depend on their order, so the two terms are equal and opposite and cancel exactly.
solution_prediction = {"primitive nodes": 5, "dg/dx": 0.0}
claim(identity.gradient[0] == 0.0, "AD gets exactly 0 here", gradient=identity.gradient)
exercises.check_values(solution_prediction, truth).assert_passed()

# %% [markdown] en="85dbcc97d3" slideshow={"slide_type": "slide"}
# ## Ваша функция
#
# Введите функцию от $x$, $y$, $z$ (неиспользуемые переменные становятся серыми) и нажмите Enter; меняйте точку.
# Песочница показывает, как был прочитан текст, значение и градиент за один обратный проход вместе с градиентом
# JAX, граф, пошаговый виджет из [04](04_forward_mode.ipynb) (режим, шаг, ◀ ▶) и полные трассы. Неправильный текст,
# точка вне области определения или граф, слишком большой для рисунка, дают сообщение, а поля ввода продолжают
# работать.

# %% slideshow={"slide_type": "subslide"}
playground(jax=jax)

# %% [markdown] en="1ae1949b2e" slideshow={"slide_type": "slide"}
# ## Попробуйте
#
# * `y*log(x) + sqrt(y*log(x))` в точке $(2, 3)$: функция $L$ из лекции, записанная буквально, — 6 узлов-примитивов,
#   а не 4, как на слайдах: AD записывает программу и не объединяет общие подвыражения ([04](04_forward_mode.ipynb)).
# * `tanh(x*y + z)`: три входа, значит, три прямых прохода (кнопки режимов), но по-прежнему один обратный проход.
# * `sqrt(x**2 + y**2)` в точке $(0, 0)$: значение существует, производная — нет; сообщение называет узел.
# * `log(x)` при $x = -1$, затем `log(abs(x))`; `x**y` при $x < 0$.
# * `sin(x)**2 + cos(x)**2` (упражнение 13.2) и `exp(exp(exp(x)))` при $x = 2$: значение переполняется.

# %% slideshow={"slide_type": "skip"}
# the sentences above, checked on this run
literal_L = playground_view("y*log(x) + sqrt(y*log(x))", (2.0, 3.0, 0.0), jax=jax)
claim(literal_L.ok and len(literal_L.graph.primitive_nodes) == 6 and literal_L.jax_difference <= 1e-12,
      "the lecture's L written literally has 6 primitive nodes", nodes=len(literal_L.graph.primitive_nodes))
three = playground_view("tanh(x*y + z)", (1.0, 2.0, 0.5))
claim(three.ok and len(three.forward) == 3 and three.reverse is not None, "three inputs: three forward passes")
cone = playground_view("sqrt(x**2 + y**2)", (0.0, 0.0, 0.0))
claim(cone.status == "domain" and tr("derivative is undefined", "производная не определена") in cone.message
      and np.isfinite(cone.graph.value),
      "at (0, 0) the value exists, the derivative does not", message=cone.message)
claim(playground_view("log(x)", (-1.0, 0.0, 0.0)).status == "domain"
      and playground_view("log(abs(x))", (-1.0, 0.0, 0.0)).ok
      and playground_view("x**y", (-1.0, 0.5, 0.0)).status == "domain", "log(x) and x**y outside their domains")
tower = playground_view("exp(exp(exp(x)))", (2.0, 0.0, 0.0))
claim(tower.status == "domain" and not np.isfinite(tower.graph.value), "exp(exp(exp(2))) overflows",
      message=tower.message)
