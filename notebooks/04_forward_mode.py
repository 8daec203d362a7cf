# ---
# jupyter:
#   course:
#     summary: The graph of L and forward mode step by step (widget)
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
# # Forward mode of automatic differentiation / Прямой режим автоматического дифференцирования
#
# To see how automatic differentiation works we take the lecture's small function
#
# $$L(w_1, w_2) = w_2 \log w_1 + \sqrt{w_2 \log w_1},$$
#
# record its **computational graph**, and push a derivative through it node by node, exactly as the slides do
# (Рис. 6–17): first $\partial/\partial w_1$, then again for $\partial/\partial w_2$. Every number below comes from
# `adlib`'s own forward rules (the JVP rules of `adlib/numpy/rules.py`) and is cross-checked against JAX.

# %% [markdown] slideshow={"slide_type": "skip"} tags=["colab"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/adlib-course/adlib-course/blob/v0.1.0/notebooks/04_forward_mode.ipynb)
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

# %% [markdown] slideshow={"slide_type": "fragment"}
# Builds on [03 — finite differences](03_finite_differences.ipynb) (a gradient for $2d$ evaluations of $L$, and
# inexact); leads to [05 — reverse mode](05_reverse_mode.ipynb) (the whole gradient in one backward sweep).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Forward mode: the computational graph / Прямой режим автоматического дифференцирования
#
# «Давайте нарисуем вычислительный граф этой функции.» `trace_graph` runs the function once on boxed inputs and
# keeps the tape that reverse mode records (the *Wengert list*): every primitive operation in evaluation order,
# with its parents and its value. Inputs are named $w_1, w_2$, intermediate nodes $v_1, v_2, \dots$, the output $L$.


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

# %% [markdown] slideshow={"slide_type": "fragment"}
# Four primitive nodes, as on the slide: $v_1 = \log w_1$, $v_2 = w_2 v_1$, $v_3 = \sqrt{v_2}$, $L = v_2 + v_3$.
# Each edge carries the *local* derivative of its head with respect to its tail. $v_2$ has **two consumers**
# ($v_3$ and $L$): that fan-out is what reverse mode will have to sum over (notebook 05).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Notation / Обозначения
#
# Two kinds of derivative live on this graph, and the formulas of this course keep them apart:
#
# * the **local** partial derivative $\dfrac{\partial v_i}{\partial x_j}$ of one primitive with respect to one of
#   its own arguments $x_j$, the other arguments held fixed: it is written on the edge $x_j \to v_i$. For
#   $v_2 = w_2 v_1$: $\dfrac{\partial v_2}{\partial v_1} = w_2$, $\dfrac{\partial v_2}{\partial w_2} = v_1$.
# * the **total** derivative, through *every* path of the graph, written with $d$. Forward mode computes the
#   **tangents** $\dot v_i = \dfrac{d v_i}{d w_k}$ (how $v_i$ moves when the input $w_k$ moves); reverse mode
#   ([notebook 05](05_reverse_mode.ipynb)) computes the **adjoints** $\bar v_i = \dfrac{d L}{d v_i}$ (how $L$ moves
#   when $v_i$ moves). At the output, $\dfrac{dL}{dw_k}$ is the partial derivative $\dfrac{\partial L}{\partial w_k}$
#   of the function $L(w_1, w_2)$, the $k$-th component of $\nabla_w L$.

# %% [markdown] slideshow={"slide_type": "fragment"}
# | | the slides | this course (formulas, figures, tables, widget) |
# |:--|:--|:--|
# | tangent (forward mode) | $\bar v_i = \frac{\partial v_i}{\partial w_k}$ | $\dot v_i = \frac{d v_i}{d w_k}$ |
# | adjoint (reverse mode) | $\bar v_i = \frac{\partial L}{\partial v_i}$ | $\bar v_i = \frac{d L}{d v_i}$ |
# | local derivative (an edge) | $\frac{\partial v_i}{\partial x_j}$ | $\frac{\partial v_i}{\partial x_j}$ |
#
# So the slides' bar $\bar v_i$ is **our dot** $\dot v_i$ in forward mode and our bar in reverse mode. The slides
# also write $\partial$ for both kinds, and then one symbol means two things in one line: in Рис. 15,
# «$\frac{\partial v_2}{\partial w_2} = \frac{\partial v_2}{\partial v_1} \frac{\partial v_1}{\partial w_2} +
# \frac{\partial v_2}{\partial w_2} \frac{\partial w_2}{\partial w_2}$», the left-hand side is the total derivative
# and the $\frac{\partial v_2}{\partial w_2}$ on the right the local one. Here that line reads
# $\frac{d v_2}{d w_2} = \frac{\partial v_2}{\partial v_1} \frac{d v_1}{d w_2} + \frac{\partial v_2}{\partial w_2}
# \frac{d w_2}{d w_2}$. (Both are $v_1$ here, as $v_1$ does not depend on $w_2$; but $v_2$ has no local derivative
# with respect to $w_1$, which is not one of its arguments, while $\frac{d v_2}{d w_1} = w_2/w_1$.)


# %% slideshow={"slide_type": "skip"}
def local_and_total(graph, name="v2"):
    """adlib's two derivatives of L with respect to node `name`: the local one on its edge to L, and the total one
    (the adjoint of notebook 05's backward sweep, through every path to L)."""
    row = next(r for r in reverse_trace(graph).rows if r.name == name)
    local = {graph.nodes[t.target].name: t.local for t in row.terms}  # ∂(consumer)/∂v, one per edge out of v
    return {f"∂L/∂{name}": local["L"], f"dL/d{name}": row.derivative}


# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 4.1** / **Упражнение 4.1** — local or total? $v_2$ feeds both $v_3$ and $L$. At $(w_1, w_2) = (2, 3)$
# (the values $v_i$ are in the graph's table above), compute by hand the local derivative
# $\frac{\partial L}{\partial v_2}$ written on the edge $v_2 \to L$, and the total derivative $\frac{dL}{dv_2}$:
# how $L$ moves when $v_2$ moves, through every path from $v_2$ to $L$.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_local_and_total = {"∂L/∂v2": None, "dL/dv2": None}  # your code here: two numbers (np.log, np.sqrt at hand)

exercises.check_values(my_local_and_total, local_and_total(graph),
                       hint=("L = v2 + v3 with v3 = √v2: one path goes straight to L, the other through v3; "
                             "the total derivative adds up both",
                             "L = v2 + v3, где v3 = √v2: один путь ведёт прямо в L, другой — через v3; полная "
                             "производная складывает оба"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Solution / Решение
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

# %% [markdown] slideshow={"slide_type": "fragment"}
# Where a value fans out, the two differ in value too: the edge $v_2 \to L$ carries $\frac{\partial L}{\partial v_2}
# = 1$, while $\frac{dL}{dv_2} \approx 1.347$ also counts the path through $v_3$.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Forward mode, step by step: $\partial L / \partial w_1$ / Прямой режим автоматического дифференцирования
#
# «Давайте пойдем от начала графа к концу и вычислим производную $\frac{\partial L}{\partial w_1}$.» We seed the
# inputs with $\frac{d w_1}{d w_1} = 1$, $\frac{d w_2}{d w_1} = 0$ and walk the graph in evaluation order. At every
# node: «Функция» — compute $v_i$ from its parents; «Производная» — compute the tangent
# $\dot v_i = \frac{d v_i}{d w_1} = \sum_j \frac{\partial v_i}{\partial x_j} \frac{d x_j}{d w_1}$ from the parents'
# tangents, which are already known.

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

# %% [markdown] slideshow={"slide_type": "subslide"}
# The same six steps as one table, the evaluation trace of Baydin et al. (2018, Table 2): the values and the
# tangents side by side.

# %% slideshow={"slide_type": "fragment"}
trace_w1

# %% [markdown] slideshow={"slide_type": "subslide"}
# The six steps as pictures (for readers without a running kernel; the widget below does this interactively).
# The orange node is the one computed at that step, the red edges bring it its parents' tangents, blue nodes are
# done; under each node its value and its tangent $\dot v_i = dv_i/dw_1$.

# %% slideshow={"slide_type": "fragment"}
fig = draw_steps(graph, trace_w1)
fig.suptitle(tr(r"Forward mode for $\partial L/\partial w_1$ at $(2, 3)$: tangents $\dot v_i = dv_i/dw_1$, "
                "one panel per step",
                r"Прямой режим для $\partial L/\partial w_1$ в точке $(2, 3)$: касательные $\dot v_i = dv_i/dw_1$, "
                "по панели на шаг"))
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Do the same for $\partial L/\partial w_2$ / Сделайте аналогичные вычисления для $\partial L/\partial w_2$
#
# $$L(w_1, w_2) = w_2 \log w_1 + \sqrt{w_2 \log w_1}$$
#
# The same graph (Рис. 12) and the same values $v_i$.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Exercise 4.2** / **Упражнение 4.2** — the forward pass for $w_2$, by hand. Fill in the tangents
# $\dot v_i = \frac{d v_i}{d w_2}$ at $(w_1, w_2) = (2, 3)$, in evaluation order: first the inputs' tangents (how do
# $w_1$ and $w_2$ move when $w_2$ moves?), then each node from its parents' tangents, as in the six steps for $w_1$
# above. Numbers, or expressions with `np.log` and `np.sqrt`; the check says which entries are right so far.

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
#@title Solution / Решение
# Only the seed changes: dw1/dw2 = 0, dw2/dw2 = 1 (Рис. 13). The values v_i are those of the first pass.
solution_v1, solution_v2 = np.log(2.0), 3.0 * np.log(2.0)
solution_tangents_w2 = {"w1": 0.0, "w2": 1.0}
solution_tangents_w2["v1"] = 1 / 2.0 * solution_tangents_w2["w1"]  # ∂v1/∂w1 · dw1/dw2 = 0 (Рис. 14)
solution_tangents_w2["v2"] = 3.0 * solution_tangents_w2["v1"] + solution_v1 * solution_tangents_w2["w2"]  # w2·v̇1 + v1·ẇ2
solution_tangents_w2["v3"] = 1 / (2 * np.sqrt(solution_v2)) * solution_tangents_w2["v2"]  # (Рис. 16)
solution_tangents_w2["L"] = solution_tangents_w2["v2"] + solution_tangents_w2["v3"]  # 1·v̇2 + 1·v̇3 (Рис. 17)

exercises.check_values(solution_tangents_w2, forward_trace(graph, wrt="w2").derivatives()).assert_passed()

# %% [markdown] slideshow={"slide_type": "subslide"}
# The slides' steps (Рис. 13–17), computed by adlib's forward rules: compare them with your table.

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

# %% [markdown] slideshow={"slide_type": "fragment"}
# Only the seed changed, $\frac{d w_1}{d w_2} = 0$, $\frac{d w_2}{d w_2} = 1$; and it took **a second full pass**:
# one forward pass gives the derivative with respect to one input.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Against the closed form / Сравнение с аналитической производной
#
# With $u = w_2 \log w_1$: $\frac{\partial L}{\partial w_1} = \frac{w_2}{w_1}\bigl(1 + \frac{1}{2\sqrt u}\bigr)$
# and $\frac{\partial L}{\partial w_2} = \log w_1 \bigl(1 + \frac{1}{2\sqrt u}\bigr)$.

# %% slideshow={"slide_type": "fragment"}
factor = 1 + 1 / (2 * np.sqrt(w2 * np.log(w1)))
exact = (w2 / w1 * factor, np.log(w1) * factor)
print(tr("forward pass 1:", "прямой проход 1:") + f" ∂L/∂w1 = {trace_w1.result:.15f}   "
      + tr("closed form", "формула") + f" {exact[0]:.15f}")
print(tr("forward pass 2:", "прямой проход 2:") + f" ∂L/∂w2 = {trace_w2.result:.15f}   "
      + tr("closed form", "формула") + f" {exact[1]:.15f}")
np.testing.assert_allclose((trace_w1.result, trace_w2.result), exact, rtol=1e-14)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The algorithm / Алгоритм прямого режима автоматического дифференцирования
#
# Given the graph $v_i$, $i = 1, \dots, N$, and an input $w_k$, the goal is $\frac{d v_N}{d w_k}$. Write the
# tangent $\dot v_i = \frac{d v_i}{d w_k}$ (the slides' $\bar v_i$; see «Notation» above).
# For $i = 1, \dots, N$:
#
# * compute $v_i = v_i(x_1, \dots, x_{t_i})$ from its parents;
# * compute $\dot v_i = \sum_{j=1}^{t_i} \frac{\partial v_i}{\partial x_j} \frac{d x_j}{d w_k}
#   = \sum_{j=1}^{t_i} \frac{\partial v_i}{\partial x_j} \dot x_j$.
#
# Written out on our graph, the whole of it is this loop. Each term $\frac{\partial v_i}{\partial x_j} \dot x_j$ is
# the primitive's JVP rule applied to the parent's tangent: the same rule `adlib.jvp` uses.


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

# %% [markdown] slideshow={"slide_type": "fragment"}
# This needs no storage of the intermediate values: each $v_i$ and $\dot v_i$ can be forgotten once its consumers
# have used it. One pass costs $\mathcal{O}(T)$, a small constant times one evaluation of $L$, and gives **one**
# partial derivative: the whole gradient of $L: \mathbb{R}^d \to \mathbb{R}$ takes $d$ passes,
# $d\,\mathcal{O}(T)$ — the same count as finite differences ([notebook 03](03_finite_differences.ipynb)), but
# exact: no step $\varepsilon$, no trade-off between truncation and round-off (the formulas above are exact).

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 4.3** / **Упражнение 4.3** — forward mode by hand, in code, on a new function:
#
# $$f(x, y) = \exp\bigl(-(\sin x - \cos y)^2\bigr).$$
#
# Write its forward pass: split $f$ into primitives $v_1, v_2, \dots$ and, line by line, compute each $v_i$ and its
# tangent $\dot v_i$ from its parents', starting from the seed $(\dot x, \dot y)$; return $\dot f$. With the seed
# $(1, 0)$ that is $\partial f/\partial x$, with $(0, 1)$ it is $\partial f/\partial y$, and with any other seed
# the derivative along it (the same loop; the direction is beyond the lecture). The check compares your pass with
# `adlib.jvp` and with central differences at three points, one seed each.

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
#@title Solution / Решение
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

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn: step through it / Пошагово, с любыми $w_1, w_2$
#
# Choose $w_1, w_2$, the mode and the step (◀ ▶). The view shows the graph with the current node, the step's
# formulas with the numbers substituted, and the trace so far; the third mode, `reverse`, is
# [notebook 05](05_reverse_mode.ipynb)'s backward sweep. Outside the domain of $L$ ($w_1 \le 0$, or
# $w_2 \log w_1 < 0$ under the root, or $= 0$ where $\sqrt{\cdot}$ has no derivative) it says so instead.
# Everything shown is computed by `adlib.course.widgets.step_view`, a pure function; the widget only wires the controls.

# %% slideshow={"slide_type": "subslide"}
graph_stepper()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Beyond the lecture / За рамками лекции
#
# The rest of this notebook goes beyond the slides: the graph records the program (not the formula), the same
# loop on Baydin et al.'s published example, a measurement of the cost of $d$ forward passes, and a cross-check
# with JAX.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The graph is the program, not the formula / Граф — это программа, а не формула
#
# Written literally as `w2 * log(w1) + sqrt(w2 * log(w1))`, the same $L$ computes $\log w_1$ and $w_2 \log w_1$
# **twice**: AD records what the program does and performs no common-subexpression elimination, so the graph
# has 6 primitive nodes instead of 4. The derivatives are the same; the work is not.


# %% slideshow={"slide_type": "fragment"}
def L_twice(w1, w2):
    return w2 * anp.log(w1) + anp.sqrt(w2 * anp.log(w1))


graph_twice = trace_graph(L_twice, w1, w2)
print(graph_twice)
assert len(graph.primitive_nodes) == 4 and len(graph_twice.primitive_nodes) == 6
np.testing.assert_allclose(forward_trace(graph_twice, "w1").result, forward_trace(graph, "w1").result, rtol=1e-14)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Any graph: Baydin et al.'s example / Любой граф: пример Baydin et al.
#
# The same `forward_mode` runs on any graph. Baydin et al. (2018, Table 2) trace
# $f(x_1, x_2) = \ln x_1 + x_1 x_2 - \sin x_2$ at $(2, 5)$ with $\dot x = (1, 0)$ and publish $\dot y = 5.5$:


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

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What it costs, measured / Сколько это стоит: измерение
#
# $L(w) = \sum_i \sin(w_i)\, w_i$ with $w \in \mathbb{R}^d$: the same three primitives (`sin`, `multiply`,
# `sum`) on arrays of $d$ numbers. `adlib.jacfwd` does $d$ forward passes (one `adlib.jvp` per coordinate);
# `adlib.grad` (reverse mode, [notebook 05](05_reverse_mode.ipynb)) one backward sweep.

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

# %% [markdown] slideshow={"slide_type": "fragment"}
# The $d$ forward passes cost about $d$ times one pass (measured at $d = 640$ above): forward mode's time grows
# roughly in proportion to $d$ (log-log slope near 1), while one reverse sweep costs about one pass and stays flat
# (slope far below 1). At these small sizes the time of one pass, $T$, itself hardly grows with $d$: Python's
# per-operation overhead, not the arithmetic on the arrays, dominates it; with large arrays $T$ grows like $d$ too
# and forward mode's full gradient like $d^2$. The times depend on the machine; the pass counts, $d$ against one,
# do not.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Cross-check with JAX / Проверка с помощью JAX
#
# `jax.jvp` is forward mode too. In float64 the traces agree with it to $10^{-12}$ at several points, for both
# seeds and for an arbitrary direction $\dot w$ (the trace then carries $\dot v_i$ along $\dot w$ instead of
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

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary / Итоги
#
# * A program is a graph of primitives; `adlib.course.graph.trace_graph` shows it. On its edges: the local derivatives
#   $\partial v_i/\partial x_j$.
# * Forward mode walks the graph once, in evaluation order, carrying the tangent $\dot v_i = dv_i/dw_k$ (the
#   slides' $\bar v_i$) next to $v_i$; each step is the chain rule over the node's parents. Nothing is stored.
# * One pass gives one partial derivative: $d$ passes, $d\,\mathcal{O}(T)$, for a full gradient — as many as
#   finite differences ([03](03_finite_differences.ipynb)), but exact.
# * Beyond the lecture: the graph follows the code, not the formula (no common subexpressions are merged), and
#   $d$ passes measured against one reverse sweep.
# * Next, [05 — reverse mode](05_reverse_mode.ipynb): one pass for **all** of $\nabla_w L$ — at a price.
