# ---
# jupyter:
#   course:
#     summary: 'Reverse mode step by step; the price: the tape''s memory'
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
# # Reverse mode of automatic differentiation / Обратный режим автоматического дифференцирования
#
# *There is another.* Forward mode (notebook 04) needs one pass per input. Reverse mode runs the graph once
# forwards, **storing** every $v_i$, then once backwards from $\partial L/\partial L = 1$ — and gets the whole
# gradient $\nabla_w L$ from that one backward sweep (Рис. 18–23). We step through it on the lecture's
#
# $$L(w_1, w_2) = w_2 \log w_1 + \sqrt{w_2 \log w_1},$$
#
# write the algorithm out, check it against JAX, and answer the lecture's question «what is the price of the
# speed-up?» with a measurement. Your turn in four exercises: a reverse trace by hand (Baydin et al.'s example),
# a prediction of the tape's size before it is measured, and the two rules of two new primitives (softplus and
# arcsin).

# %% [markdown] slideshow={"slide_type": "skip"} tags=["colab"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/adlib-course/adlib-course/blob/v0.1.0/notebooks/05_reverse_mode.ipynb)
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
from adlib.course.graph import reverse_trace, trace_graph
from adlib.course.graph_plot import draw_graph, draw_steps
from adlib.course.i18n import plural_ru, tr
from adlib.course.measure import peak_bytes, tape_size
from adlib.course.widgets import graph_stepper

projector.use()  # figure text readable on a 1280×720 slide

# %% [markdown] slideshow={"slide_type": "fragment"}
# Builds on [04 — forward mode](04_forward_mode.ipynb): the same graph, and its «Notation» slide (the adjoint
# $\bar v_i = \frac{dL}{dv_i}$ is a *total* derivative, written with $d$; $\frac{\partial v_i}{\partial x_j}$ on an
# edge a *local* one; the slides write $\partial$ for both). Leads to
# [06 — choose your fighter](06_choose_your_fighter.ipynb) (forward or reverse mode for a Jacobian) and
# [10 — checkpointing](10_checkpointing.ipynb) (the price of reverse mode is memory: how to pay less of it).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Reverse mode: the forward pass stores every $v_i$ / Обратный режим автоматического дифференцирования
#
# «Мы рассмотрим ту же функцию с вычислительным графом»: $v_1 = \log w_1$, $v_2 = w_2 v_1$, $v_3 = \sqrt{v_2}$,
# $L = v_2 + v_3$. The forward pass computes every node **and keeps it**: the backward sweep will need $w_1$ (for
# $1/w_1$), $v_1$ and $w_2$ (for the product), $v_2$ (for $1/(2\sqrt{v_2})$). This table is exactly what `adlib`
# stores on its tape.


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

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The backward sweep, step by step / Пример обратного режима автоматического дифференцирования
#
# «Давайте пойдем от конца графа к началу и вычислим производные $\frac{\partial L}{\partial w_1},
# \frac{\partial L}{\partial w_2}$.» Write $\bar v_i = \frac{dL}{dv_i}$, the *adjoint* (the slides'
# $\frac{\partial L}{\partial v_i}$). Start at the end, $\frac{dL}{dL} = 1$, and walk the graph backwards. A
# node's adjoint collects one term from **each node that uses it**:
# $\bar v_j = \sum_{i \text{ uses } j} \bar v_i \, \frac{\partial v_i}{\partial v_j}$. The tape is in evaluation
# order, so when the sweep reaches $v_j$, all of its consumers are done and its adjoint is complete.

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

# %% [markdown] slideshow={"slide_type": "fragment"}
# The sweep reaches $w_2$ before $w_1$ (it visits the tape backwards, and $w_2$ was recorded after $w_1$); the
# slide writes the same two lines in the other order. (The slide's last formula reads
# $\frac{\partial L}{\partial w_2} = \dots = \frac{\partial L}{\partial v_1} v_1$; the factor is the adjoint of
# $v_2$, the node that $w_2$ feeds into: $\frac{dL}{dv_2}\, v_1$, as computed above.)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Two paths into $v_2$ / Два пути в $v_2$
#
# The fan-out of $v_2$ is where reverse mode *sums*: one term arrives from $v_3$, one from $L$. Each term is the
# primitive's VJP rule applied to the consumer's adjoint.

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

# %% [markdown] slideshow={"slide_type": "fragment"}
# So the local $\frac{\partial L}{\partial v_2} = 1$ of the edge $v_2 \to L$ is not the adjoint
# $\frac{dL}{dv_2} \approx 1.347$, which counts both paths (the «Notation» slide of
# [notebook 04](04_forward_mode.ipynb)).

# %% [markdown] slideshow={"slide_type": "subslide"}
# The whole reverse trace as one table (Baydin et al. 2018, Table 3): the values from the forward pass, the
# adjoints from the backward sweep. Its last two rows are **both** partial derivatives.

# %% slideshow={"slide_type": "fragment"}
trace

# %% [markdown] slideshow={"slide_type": "subslide"}
# The six steps as pictures, for readers without a kernel. The orange node gets its adjoint at that step, along
# the red edges from its consumers; under every finished node, its value and its adjoint $\bar v_i = dL/dv_i$.

# %% slideshow={"slide_type": "fragment"}
fig = draw_steps(graph, trace)
fig.suptitle(tr(r"Reverse mode at $(2, 3)$: adjoints $\bar v_i = dL/dv_i$, one sweep from $\bar L = 1$ to "
                r"$\bar w_1, \bar w_2$",
                r"Обратный режим в точке $(2, 3)$: сопряжённые переменные $\bar v_i = dL/dv_i$, один проход от $\bar L = 1$ "
                r"до $\bar w_1, \bar w_2$"))
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Your turn: a reverse trace by hand / Ваша очередь: обратный проход вручную
#
# **Exercise 5.1** / **Упражнение 5.1** — the backward sweep on another graph: Baydin et al.'s example (2018,
# Table 3; beyond the lecture's graph), $f(x_1, x_2) = \ln x_1 + x_1 x_2 - \sin x_2$ at $(2, 5)$. Its graph, with
# the values of the forward pass and, in the last column, the consumers of each node:


# %% slideshow={"slide_type": "fragment"}
def f_baydin(x1, x2):
    return anp.log(x1) + x1 * x2 - anp.sin(x2)


graph_b = trace_graph(f_baydin, 2.0, 5.0, input_names=("x1", "x2"), output_name="y")
graph_b

# %% [markdown] slideshow={"slide_type": "fragment"}
# Fill in the adjoints $\bar v = \frac{dy}{dv}$ in the order of the sweep, from $\bar y = 1$ back to the inputs. A
# node's adjoint is a sum over its consumers (the column "used by"): the consumer's adjoint times the local
# derivative on the edge, $\bar v_j = \sum_{i \text{ uses } j} \bar v_i \frac{\partial v_i}{\partial v_j}$. Numbers,
# or expressions with `np.cos` and friends; the check says which entries are right so far.

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
#@title Solution / Решение
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

# %% [markdown] slideshow={"slide_type": "fragment"}
# Baydin et al.'s Table 3 as adlib's backward sweep computes it: compare it with your table. The last two rows are
# the gradient, $\bar x = (5.5, 1.716)$ as in the paper.

# %% slideshow={"slide_type": "fragment"}
trace_b = reverse_trace(graph_b)
np.testing.assert_allclose(trace_b.result, (5.5, 2.0 - np.cos(5.0)), rtol=1e-15)  # x̄1 = 1/x1 + x2, x̄2 = x1 − cos x2
np.testing.assert_allclose(trace_b.result, (5.5, 1.716), atol=5e-4)
trace_b

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Question: what is the price of the speed-up? / Какова стоимость ускорения?
#
# For the same amount of computation as one forward pass we got the whole gradient $\nabla_w L$. What did we pay?
#
# The experiment that will answer it: a chain of $n$ primitives, $x \mapsto \sin(\sin(\cdots \sin(x)))$ summed at
# the end, on a vector of $m = 1000$ numbers (float64: 8 kB per array). `tape_size` (in `adlib.course.measure`)
# counts what adlib's tape holds for the backward sweep: every node's output and arguments, each array once (the
# output of one $\sin$ is the argument of the next).


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


# %% [markdown] slideshow={"slide_type": "fragment"}
# **Exercise 5.2** / **Упражнение 5.2** — predict, then run. The backward sweep runs after the forward pass is
# over and needs the forward pass's values. How many kB does the tape hold for a chain of $n = 256$ sines on
# $m = 1000$ numbers? Write a number; the cell then counts the tape (`tape_kB(256)`) and compares. Within a factor
# of 1.5 counts as right.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_tape_kB_256 = None  # your code here: a number, the tape's size in kB at n = 256

exercises.check_prediction(my_tape_kB_256, tape_kB(256), within=1.5,
                           name=tr("the tape's size in kB (n = 256)", "размер ленты в кБ (n = 256)"),
                           hint=("which values does the backward sweep of sin need, and how big is each of them?",
                                 "какие значения нужны обратному проходу через sin и сколько места занимает каждое?"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Solution / Решение
# The VJP of sin needs its argument (g · cos x), so every array of the forward pass stays on the tape: the input and
# the 256 outputs of sin (the last one is the sum's argument), 1000 float64 = 8 kB each, plus the scalar sum.
solution_tape_kB_256 = (256 + 1) * 1000 * 8 / 1e3  # 2056 kB; the 8 bytes of the sum do not show

exercises.check_prediction(solution_tape_kB_256, tape_kB(256), within=1.5,
                           name=tr("the tape's size in kB (n = 256)", "размер ленты в кБ (n = 256)")).assert_passed()

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Memory.** The backward sweep needs the values of the forward pass, so all of them are kept until it is over.
# Forward mode forgets each $v_i$ as soon as its consumers have used it.
#
# The measurement, for several $n$: the tape's size, and, with `peak_bytes` (`adlib.course.measure`, by
# `tracemalloc`), the peak memory that NumPy actually allocates during `adlib.grad` (reverse) and `adlib.jvp`
# (forward, one direction).

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

# %% [markdown] slideshow={"slide_type": "fragment"}
# The tape grows **linearly with the length of the graph**, one stored array per primitive, and the peak memory of
# `adlib.grad` follows it; forward mode's peak stays at a few arrays whatever $n$ (flat from $n = 4$ on; more
# than 10× less at $n = 256$). For a deep network the tape holds every layer's activations: this is what limits the batch size in
# training. The remedy the lecture names is **checkpointing** — store only some of the $v_i$ and recompute the rest
# during the backward sweep ([10 — checkpointing](10_checkpointing.ipynb)).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The algorithm / Алгоритм обратного режима автоматического дифференцирования
#
# Given the graph $v_i$, $i = 1, \dots, N$, the goal is all of $\nabla_w v_N$. Write the adjoint
# $\bar v_i = \frac{dL}{dv_i} = \frac{d v_N}{d v_i}$ (the slides' $\frac{\partial L}{\partial v_i}$).
#
# * **Forward pass.** For $i = 1, \dots, N$: compute **and store** $v_i$ as a function of its parents.
# * **Backward pass.** For $i = N, \dots, 1$: compute $\bar v_i = \sum_{j} \frac{dL}{dx_j}
#   \frac{\partial x_j}{\partial v_i}$ over all consumers $x_j$ of $v_i$ (its *children*).
#
# The formula **pulls**: $\bar v_i$ is computed in one go from its children's adjoints. Code, `adlib`'s
# `core.backward` included, usually **pushes** instead: when the sweep reaches node $i$, its adjoint is complete,
# and it adds $\bar v_i \frac{\partial v_i}{\partial x_j}$ to a running sum at each of its parents $x_j$. Both visit
# the same edges and add the same terms (each computed by the primitive's VJP rule), so they give the same sums:


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

# %% [markdown] slideshow={"slide_type": "fragment"}
# The same sums, to the last bit: every adjoint here is a sum of at most two terms, and adding two numbers does
# not depend on their order. (With three or more terms it can: floating-point addition is not associative, and
# another order may round differently, by a few units in the last place of the largest term: a large relative
# error of the sum only where the terms cancel.) Pushing needs no list of children — only the parents, which the
# tape records anyway.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Beyond the lecture: a new primitive, its two rules / За рамками лекции: новый примитив и его два правила
#
# The two sweeps above know nothing of the primitives but their reverse rules (`node.prim.vjp`); forward mode
# ([notebook 04](04_forward_mode.ipynb)) calls their forward rules. The forward rule (JVP) `jvp(t, ans, x)` returns
# $\frac{\partial \varphi}{\partial x} t$ for a tangent $t$, the reverse rule (VJP) `vjp(g, ans, x)` returns
# $g^\top \frac{\partial \varphi}{\partial x}$ for an adjoint $g$; `ans` is the primitive's output $\varphi(x)$,
# there to be reused. For an elementwise $\varphi$ the Jacobian is diagonal and both rules are the same formula.
# The rules of $\log$ and $\sqrt{\,}$ (this notebook's graph) and of $\sin$ (the chain above), as
# `adlib/numpy/rules.py` writes them:
#
# ```python
# elementwise(log,  lambda t, ans, x: t / x)          # (log x)' = 1/x
# elementwise(sqrt, lambda t, ans, x: t / (2 * ans))  # (√x)' = 1/(2√x), reusing ans = √x
# elementwise(sin,  lambda t, ans, x: t * cos(x))     # cos is adlib.numpy's
# ```
#
# Now write the rules of two primitives that the graph above does not use. The checker registers them on a fresh
# primitive (`adlib.extend.Primitive`) and runs `adlib.testing.check_grads` to order 2: forward mode against finite
# differences, reverse mode by the dot-product test $\langle u, J v\rangle = \langle J^\top u, v\rangle$, then the
# same on the derivatives of your rules. Write them with `anp` (adlib.numpy), as the library's own rules are: a
# rule that is itself differentiable gives second derivatives for free.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 5.3** / **Упражнение 5.3** — softplus, $\varphi(x) = \log(1 + e^x)$, a smooth ReLU (computed as
# `np.logaddexp(0, x)`, which does not overflow). Write its JVP and its VJP.


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
#@title Solution / Решение
# φ'(x) = e^x / (1 + e^x) = 1 / (1 + e^(−x)), the sigmoid. Elementwise: the JVP and the VJP are the same formula.
def solution_softplus_jvp(t, ans, x):
    return t / (1 + anp.exp(-x))  # anp, not np: the rule itself gets differentiated (order 2)


def solution_softplus_vjp(g, ans, x):
    return g * (1 - anp.exp(-ans))  # the same derivative from ans: 1 − e^(−φ) = 1 − 1/(1 + e^x) = sigmoid(x)


exercises.check_rule(softplus, [np.array([-3.0, -0.5, 0.0, 1.0, 4.0])], jvp=solution_softplus_jvp,
                     vjp=solution_softplus_vjp).assert_passed()

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 5.4** / **Упражнение 5.4** — arcsin, defined on $(-1, 1)$ (checked at points inside it). Write its JVP
# and its VJP.

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
#@title Solution / Решение
# From sin(arcsin x) = x: cos(arcsin x) · (arcsin x)' = 1, and cos(arcsin x) = √(1 − x²) > 0 on (−1, 1).
def solution_arcsin_jvp(t, ans, x):
    return t / anp.sqrt(1 - x * x)


def solution_arcsin_vjp(g, ans, x):
    return g / anp.cos(ans)  # the same, from ans = arcsin x: cos(ans) = √(1 − x²)


exercises.check_rule(np.arcsin, [np.array([-0.7, -0.2, 0.3, 0.8])], jvp=solution_arcsin_jvp,
                     vjp=solution_arcsin_vjp).assert_passed()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn / Пошагово, с любыми $w_1, w_2$
#
# The stepping widget of [notebook 04](04_forward_mode.ipynb), opened in reverse mode. Switch between the three
# modes to compare: two forward passes of six steps each against one backward sweep of six steps. Out-of-domain
# inputs give a message.

# %% slideshow={"slide_type": "subslide"}
graph_stepper(mode="reverse")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Beyond the lecture / За рамками лекции
#
# Beyond the slides: the same sweep on Baydin et al.'s published example, and a cross-check with JAX.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Any graph: Baydin et al.'s example / Любой граф: пример Baydin et al.
#
# The graph of Exercise 5.1, $f(x_1, x_2) = \ln x_1 + x_1 x_2 - \sin x_2$ at $(2, 5)$ (Baydin et al. 2018,
# Table 3), through the two algorithms written out above: pushing and pulling give $\bar x = (5.5, 1.716)$ too.

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

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Cross-check with JAX / Проверка с помощью JAX
#
# `jax.grad` and `jax.vjp` are reverse mode too. In float64 the backward traces agree with them to $10^{-12}$; the
# adjoint seed $\bar L$ scales the result linearly (`vjp_fn(2.0)` is twice the gradient).

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

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary / Итоги
#
# * Reverse mode: a forward pass that **stores** every $v_i$, then one backward sweep from $\bar L = 1$ with
#   $\bar v_j = \sum_{i \text{ uses } j} \bar v_i\, \frac{\partial v_i}{\partial v_j}$ (adjoints
#   $\bar v_i = dL/dv_i$, notation of [04](04_forward_mode.ipynb)); where a value fans out, the paths add.
#   The formula pulls from the children, the code pushes to the parents: the same sums.
# * One sweep gives the whole gradient $\nabla_w L$, for about the cost of one evaluation: $\mathcal{O}(T)$
#   instead of forward mode's $d\,\mathcal{O}(T)$.
# * The price is memory: the tape grows with the length of the graph (measured above: one array per primitive),
#   while forward mode's memory stays at a few arrays. [10 — checkpointing](10_checkpointing.ipynb) trades some of it back for
#   recomputation; [06 — choose your fighter](06_choose_your_fighter.ipynb) asks which mode wins for a Jacobian.
