# ---
# jupyter:
#   course:
#     summary: 'Your own function of x, y, z: its graph, both traces, the stepper, JAX'
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
# # A playground: automatic differentiation of your own function / Песочница: автоматическое дифференцирование вашей функции
#
# **Beyond the lecture / За рамками лекции.** The slides step through forward and reverse mode on one function,
# $L(w_1, w_2)$ ([04](04_forward_mode.ipynb), [05](05_reverse_mode.ipynb)). Here you type a function of one to
# three scalars and the same machinery runs on it: the traced graph, the forward and reverse evaluation traces
# with the slides' «Функция» and «Производная» formulas, the stepping widget, and the gradient checked against JAX.
# The default is the course homework's function
#
# $$f(x, y) = \exp\bigl(-(\sin x - \cos y)^2\bigr).$$

# %% [markdown] slideshow={"slide_type": "skip"} tags=["colab"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/adlib-course/adlib-course/blob/v0.1.0/notebooks/13_playground.ipynb)
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

# %% [markdown] slideshow={"slide_type": "slide"}
# ## From text to a function / Из текста — функция
#
# The text is **parsed, never executed**: Python's `ast` reads it, and a whitelist accepts only numbers, the
# variables $x, y, z$, `+ - * / **`, unary minus and calls of these functions (each exists in `adlib.numpy` and
# in `jax.numpy`): no attribute access, no imports, no other calls. A small interpreter then evaluates the checked
# tree, taking the functions from the module it is given: `adlib.numpy` to trace it, `jax.numpy` to cross-check it.

# %% slideshow={"slide_type": "fragment"}
print(tr("functions:", "функции:"), ", ".join(FUNCTIONS))
expression = parse(DEFAULT_EXPRESSION)
f = expression.function(anp)  # the tree, evaluated with adlib.numpy: a function adlib can trace
f_jax = expression.function(jnp)  # the same tree, evaluated with jax.numpy
display(Math(f"{expression.signature} = {expression.latex}"))  # how the text was read

# %% [markdown] slideshow={"slide_type": "fragment"}
# What the parser refuses, each with a plain message instead of a traceback (the last one parses, but the point
# is outside the domain):

# %% slideshow={"slide_type": "fragment"}
for text, point in [("np.sin(x)", (1.0, 2.0, 0.5)), ("__import__('os')", (1.0, 2.0, 0.5)),
                    ("x^2", (1.0, 2.0, 0.5)), ("log(x)", (-1.0, 2.0, 0.5))]:
    view = playground_view(text, point)
    print(f"{text!r:20} {view.title}: {view.message}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The traced graph / Вычислительный граф
#
# As in [04](04_forward_mode.ipynb): one evaluation on boxed inputs records the graph, one node per primitive,
# with the local derivatives $\frac{\partial v_i}{\partial x_j}$ on the edges. `x**2` records `square`, the
# primitive adlib's `**` uses for a square.

# %% slideshow={"slide_type": "fragment"}
x0, y0 = 1.0, 2.0
graph = trace_graph(f, x0, y0, input_names=expression.variables, output_name="f")
claim("square" in [n.prim.name for n in graph.primitive_nodes], "x**2 records square")
draw_graph(graph, title=tr(f"the graph of $f(x, y)$ at $(x, y) = ({x0:g}, {y0:g})$",
                             f"граф $f(x, y)$ в точке $(x, y) = ({x0:g}, {y0:g})$"))
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Forward mode: one pass per input / Прямой режим: один проход на каждый вход
#
# The tangents $\dot v_i = \frac{d v_i}{d x}$, then $\frac{d v_i}{d y}$: two passes for two inputs (Baydin et al.'s
# forward evaluation trace, the slides' «Функция» and «Производная» in every row).

# %% slideshow={"slide_type": "fragment"}
trace_x, trace_y = forward_trace(graph, wrt="x"), forward_trace(graph, wrt="y")
trace_x

# %% slideshow={"slide_type": "subslide"}
trace_y

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Reverse mode: one backward sweep / Обратный режим: один обратный проход
#
# The adjoints $\bar v_i = \frac{df}{dv_i}$ from $\frac{df}{df} = 1$ back to the inputs: both partial derivatives
# from one sweep.

# %% slideshow={"slide_type": "fragment"}
sweep = reverse_trace(graph)
sweep

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Cross-check with JAX / Проверка с помощью JAX
#
# `jax.grad` of the same parsed tree evaluated with `jax.numpy`, in float64, against the two forward passes and the
# backward sweep:

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

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises / Упражнения
#
# **Exercise 13.1** / **Упражнение 13.1** — the homework: the gradient of
# $f(x, y) = \exp\bigl(-(\sin x - \cos y)^2\bigr)$ by hand. Write $\nabla f$ in closed form; the check compares it
# with adlib's gradient, central differences and JAX at three points.

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
#@title Solution / Решение
def solution_gradient(w):
    x, y = w
    u = np.sin(x) - np.cos(y)  # f = exp(−u²)
    f_value = np.exp(-(u**2))
    # the chain rule: ∂f/∂u = −2u·f; ∂u/∂x = cos x, ∂u/∂y = sin y (the derivative of −cos y)
    return np.array([-2 * u * np.cos(x) * f_value, -2 * u * np.sin(y) * f_value])


exercises.check_grad(solution_gradient, f_w, points_w, f_jax=f_w_jax).assert_passed()

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 13.2** / **Упражнение 13.2** — predict, then run. For $g(x) = \sin^2 x + \cos^2 x$, typed as
# `sin(x)**2 + cos(x)**2`: how many primitive nodes does its graph have, and what is $g'(0.9)$ — exactly, as AD
# computes it? Write your guesses, run the cell, then type the function into the playground below to see why.

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
#@title Solution / Решение
# sin x, cos x, their squares and the sum: 5 primitive nodes (AD does not know the identity; it runs the program).
# The two paths give (2 sin x)·cos x and (2 cos x)·(−sin x): doubling is exact and a product of two numbers does
# not depend on their order, so the two terms are equal and opposite and cancel exactly.
solution_prediction = {"primitive nodes": 5, "dg/dx": 0.0}
claim(identity.gradient[0] == 0.0, "AD gets exactly 0 here", gradient=identity.gradient)
exercises.check_values(solution_prediction, truth).assert_passed()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your function / Ваша функция
#
# Type a function of $x$, $y$, $z$ (the ones it does not use are greyed out) and press Enter; change the point.
# The view shows how the text was read, the value and the gradient from one backward sweep with JAX's, the graph,
# the stepping widget of [04](04_forward_mode.ipynb) (mode, step, ◀ ▶) and the full traces. A bad text, a point
# outside the domain or a graph too large to draw gives a message, and the boxes keep working.

# %% slideshow={"slide_type": "subslide"}
playground(jax=jax)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Try these / Попробуйте
#
# * `y*log(x) + sqrt(y*log(x))` at $(2, 3)$: the lecture's $L$ written literally, with 6 primitive nodes, not the
#   slides' 4 — AD records the program and does not merge common subexpressions ([04](04_forward_mode.ipynb)).
# * `tanh(x*y + z)`: three inputs, so three forward passes (the mode buttons) but still one backward sweep.
# * `sqrt(x**2 + y**2)` at $(0, 0)$: the value exists, the derivative does not — the message names the node.
# * `log(x)` at $x = -1$, then `log(abs(x))`; `x**y` at $x < 0$.
# * `sin(x)**2 + cos(x)**2` (Exercise 13.2), and `exp(exp(exp(x)))` at $x = 2$: the value overflows.

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
