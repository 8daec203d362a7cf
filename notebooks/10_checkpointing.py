# ---
# jupyter:
#   course:
#     summary: 'Gradient checkpointing: memory vs recomputation, animated'
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
# # Gradient checkpointing / Контрольные точки градиента (gradient checkpointing)
#
# Reverse mode gets the whole gradient in one backward sweep, but it pays with **memory**: every intermediate
# value of the forward pass is kept until the backward sweep has used it — the lecture's answer to «Какова
# стоимость ускорения?» (what is the cost of the speed-up?) in [05 — reverse mode](05_reverse_mode.ipynb).
# Checkpointing keeps only *some* states and **recomputes** the others when they are needed.
#
# First the lecture's two slides:
# * «Анимация вышеуказанных подходов»: vanilla, memory-poor and checkpointed backprop hold and drop states;
# * «Пример использования контрольных точек градиента»: GPT-2's 60 GB of activations, the best checkpoint interval,
#   where the lecture's ≈ 8 GB comes from, and the +33 % of compute as a count of recomputed layers.
#
# Then, **beyond the lecture**: the schedule machine behind the animations; memory and recomputation counted and
# measured (`tracemalloc`) for chains of 100 … 1000 layers; the binomial schedule (Revolve, Griewank & Walther 2000)
# and its proven minimum $t(n, s)$; `adlib.checkpoint(f)`, the analogue of `jax.checkpoint`, checked
# against JAX.

# %% [markdown] slideshow={"slide_type": "skip"} tags=["colab"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/adlib-course/adlib-course/blob/v0.1.0/notebooks/10_checkpointing.ipynb)
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
import contextlib
import io
import math
import os
import re

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import HTML, display

import adlib
import adlib.numpy as anp
from adlib.course import exercises, projector
from adlib.course.checkpointing import (
    activation_memory,
    animate_schedules,
    chain_grad,
    checkpoint,
    gpt2_activation_report,
    make_schedule,
    plot_schedules,
    revolve_cost,
    schedule_every_k,
    schedule_recompute_all,
    schedule_revolve,
    schedule_store_all,
    simulate,
)
from adlib.course.claims import claim, say
from adlib.course.i18n import plural_ru, tr
from adlib.course.measure import peak_bytes, tape_size

projector.use()
FULL = os.environ.get("ADLIB_FULL") == "1"  # ADLIB_FULL=1: larger sweeps (the default run takes under a minute)
np.set_printoptions(precision=4)
# the names shown for the schedules (the keys stay as they are)
NAMES = {"store all": tr("store all", "хранить всё"), "recompute all": tr("recompute all", "пересчитывать всё"),
         "every √n": tr("every √n", "каждые √n"), "binomial s=10": tr("binomial s=10", "биномиальная s=10")}

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Animation of the three approaches / Анимация вышеуказанных подходов
#
# A network is a chain $x_0 \to x_1 = f_1(x_0) \to \dots \to x_n = f_n(x_{n-1})$, $x_n = L$. The backward sweep
# needs the input $x_{j-1}$ of step $j$ when the adjoint $\bar x_j = \partial L / \partial x_j$ arrives — in the
# *reverse* order of the forward pass. Top row of each panel: the states $x_0 \dots x_n$ held at that moment (blue:
# checkpoint, orange: the current state, green: held by a recorded tape); bottom row: the adjoints. One frame per
# forward step (*advance*: without tape, only to reach a state; *record*: with its tape) or backward step, so
# **the longer a row keeps moving, the more work its strategy does**.
#
# * **store all** (vanilla backprop): no recomputation, memory grows to $n$;
# * **recompute all** (memory-poor): only $x_0$ is kept, every backward step recomputes from the start:
#   $n(n-1)/2$ extra steps;
# * **every √n** (checkpointed): a checkpoint every $\lceil\sqrt n\,\rceil$ steps; the backward sweep re-runs one
#   segment at a time: $O(\sqrt n)$ memory for at most one extra forward sweep.
#
# The counters: *forward steps* counts every evaluation of a step, *extra* counts the advances (evaluations
# without a tape, done only to reach a state, the first sweep's included — so recompute-all's first frame
# already says "extra 1"); every step is recorded exactly once, so at the end *extra* is the work beyond plain
# reverse mode.

# %% slideshow={"slide_type": "subslide"}
n_anim = 6
animated = {
    "store all": schedule_store_all(n_anim),
    "recompute all": schedule_recompute_all(n_anim),
    "every √n": schedule_every_k(n_anim),
}
anim = animate_schedules({NAMES[name]: actions for name, actions in animated.items()},  # titled by NAMES
                        n_anim)  # 10 × 6.3 in at dpi 100, text of 11–13 pt
html = anim.to_jshtml(fps=3)
plt.close(anim.fig)
display(HTML(html))

# %% slideshow={"slide_type": "subslide"}
cost = {name: simulate(actions, n_anim) for name, actions in animated.items()}
claim(cost["store all"].recomputations == 0 and cost["store all"].peak_tapes == n_anim,
      "store all: no recomputation, n tapes", stats=cost["store all"])
claim(cost["recompute all"].recomputations == n_anim * (n_anim - 1) // 2 and cost["recompute all"].peak_memory <= 2,
      "recompute all: n(n-1)/2 extra steps, O(1) memory", stats=cost["recompute all"])
claim(cost["every √n"].recomputations < n_anim, "every √n: less than one extra forward sweep",
      stats=cost["every √n"])
rows_6 = "\n".join(f"| {NAMES[name]} | {st.forward_steps} | {st.recomputations} | {st.peak_memory} |"
                   for name, st in cost.items())
say("| $n = " + str(n_anim) + "$ | forward steps | extra (recomputed) | peak held (checkpoints + tapes) |\n"
    "|---|---|---|---|\n" + rows_6,
    ru="| $n = " + str(n_anim) + "$ | шагов вперёд | лишних (пересчитанных) | максимум в памяти (контрольные точки + "
    "ленты) |\n|---|---|---|---|\n" + rows_6)

# %% [markdown] slideshow={"slide_type": "fragment"}
# The same animations, one strategy per GIF, and the binomial schedule's (beyond the lecture, below), are in
# [../figures/checkpoint_store_all.gif](../figures/checkpoint_store_all.gif),
# [../figures/checkpoint_recompute_all.gif](../figures/checkpoint_recompute_all.gif),
# [../figures/checkpoint_sqrt_n.gif](../figures/checkpoint_sqrt_n.gif) and
# [../figures/checkpoint_revolve.gif](../figures/checkpoint_revolve.gif) (`make figures`).

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 10.1** / **Упражнение 10.1** — predict, then run. The table above is for $n = 6$. For a chain of
# $n = 100$ layers, how many items (checkpoints + tapes) does **every √n** hold at its peak? Write your prediction
# as a number and run the cell; the cell after the solution counts all three strategies at $n = 100$.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_peak_guess = None  # your code here: a number, the peak of checkpoints + tapes held by "every √n" at n = 100

exercises.check_prediction(my_peak_guess, simulate(schedule_every_k(100), 100).peak_memory, within=1.5,
                           name=tr("the counted peak", "посчитанный пик"),
                           hint=("a checkpoint every ⌈√n⌉ layers; while one segment is reversed, its steps' tapes are "
                                 "held too",
                                 "контрольная точка каждые ⌈√n⌉ слоёв; пока обращается один отрезок, хранятся ещё и "
                                 "ленты его шагов"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Solution / Решение
# k = ⌈√100⌉ = 10: the checkpoints x_0, x_10, …, x_90 are 10 states; reversing one segment records its 10 steps,
# and their 10 tapes are all held until the segment's backward steps have used them: 10 + 10 = 2√n = 20.
my_peak_guess = 10 + 10

exercises.check_prediction(my_peak_guess, simulate(schedule_every_k(100), 100).peak_memory, within=1.5,
                           name=tr("the counted peak", "посчитанный пик")).assert_passed()

# %% slideshow={"slide_type": "fragment"}
n_count = 100
counted_100 = {
    "store all": simulate(schedule_store_all(n_count), n_count),
    "recompute all": simulate(schedule_recompute_all(n_count), n_count),
    "every √n": simulate(schedule_every_k(n_count), n_count),
}
claim(counted_100["every √n"].peak_memory == 2 * math.isqrt(n_count)
      and counted_100["every √n"].recomputations < n_count,
      "every √n at n = 100: 2√n held, less than one extra sweep", stats=counted_100["every √n"])
rows_100 = "\n".join(f"| {NAMES[name]} | {st.recomputations} | {st.peak_checkpoints} + {st.peak_tapes} = "
                     f"{st.peak_memory} |" for name, st in counted_100.items())
say(f"| $n = {n_count}$ | extra (recomputed) | peak held (checkpoints + tapes) |\n|---|---|---|\n" + rows_100,
    ru=f"| $n = {n_count}$ | лишних (пересчитанных) | максимум в памяти (контрольные точки + ленты) |\n"
    "|---|---|---|\n" + rows_100)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Example: GPT-2 / Пример использования контрольных точек градиента
#
# The lecture (after ZeRO, Rajbhandari et al. 2020): training GPT-2 with 1.5 B parameters (hidden size 1600,
# 48 layers) on sequences of 1K with batch 32 in fp16 keeps **60 GB** of activations; checkpointing brings that
# down to **8 GB** for **33 %** more compute. A transformer layer keeps about
# $12 \cdot \text{hidden} \cdot \text{batch} \cdot \text{seq}$ values for its backward pass:
#
# $$12 \cdot 1600 \cdot 32 \cdot 1024 \cdot 48 \text{ values} \times 2 \text{ bytes} \approx 60 \text{ GB}.$$
#
# Checkpointing every $k$ layers stores only the inputs of the $\lceil n/k\rceil$ segments ($c =
# \text{hidden}\cdot\text{batch}\cdot\text{seq}$ values each) and, during the backward pass, the full activations
# ($12c$ per layer) of **one** $k$-layer segment at a time:
#
# $$M(k) = \lceil n/k \rceil\, c + 12\,k\,c \quad (k < n);$$
#
# $k \ge n$ is one segment, i.e. no checkpointing: $M = 12\,n\,c$, the store-all memory (a candidate too).

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 10.2** / **Упражнение 10.2** — predict, then run. The animation checkpointed every $\sqrt n$ steps.
# Which interval $k$ gives GPT-2 ($n = 48$ layers) the least activation memory $M(k)$? Write your prediction (a
# number of layers) and run the cell; the next cell after the solution computes $M(k)$ for every $k$.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_k_guess = None  # your code here: the checkpoint interval k (layers) with the least M(k), for n = 48

exercises.check_prediction(my_k_guess, gpt2_activation_report()["k_opt"], within=1.5,
                           name=tr("the best interval k*", "лучший интервал k*"),
                           hint=("M(k)/c = 48/k + 12k: where is its derivative zero?",
                                 "M(k)/c = 48/k + 12k: где её производная равна нулю?"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Solution / Решение
# M(k)/c = n/k + 12k (ignoring the rounding of n/k): dM/dk = −n/k² + 12 = 0 at k = √(n/12) = √4 = 2.
# Not √n ≈ 7: a checkpoint (one layer's input, c) is 12 times cheaper than a layer's activations (12c), so it
# pays to store more checkpoints and recompute shorter segments. M(2) = 24c + 24c = 48c, M(7) = 7c + 84c = 91c.
my_k_guess = round(math.sqrt(48 / 12))

exercises.check_prediction(my_k_guess, gpt2_activation_report()["k_opt"], within=1.5,
                           name=tr("the best interval k*", "лучший интервал k*")).assert_passed()

# %% slideshow={"slide_type": "subslide"}
report = gpt2_activation_report()  # hidden 1600, 48 layers, seq 1024, batch 32, fp16; k = ⌈√48⌉ = 7
n_gpt, c_GB = 48, activation_memory(1600, 1, 1024, 32, values_per_layer=1) / 1e9  # one layer's input
ks = np.arange(1, n_gpt + 1)
M = [activation_memory(1600, n_gpt, 1024, 32, checkpoint_every=int(k)) / 1e9 for k in ks]
k_opt = int(ks[np.argmin(M)])
claim(round(report["store_all_GB"]) == 60, "store all: 60 GB", GB=report["store_all_GB"])
claim(k_opt == report["k_opt"] == 2 and 4.9 < min(M) < 5.1, "the optimum is k = 2 with about 5 GB", k=k_opt)
claim(f"{report['rule_of_thumb_GB']:.1f}" == "8.7", "our reading: 60 GB / √48 ≈ 8.7 GB", GB=report["rule_of_thumb_GB"])
claim(f"{report['checkpointed_GB']:.1f}" == "9.5" and report["checkpointed_GB"] > report["rule_of_thumb_GB"],
      "k = 7 costs 9.5 GB, more than 60/√48", GB=report["checkpointed_GB"])

fig, ax = plt.subplots(figsize=(9, 3.8))
ax.plot(ks, M, "o-", ms=4, color="tab:orange",
        label=tr("M(k): checkpoint every k layers", "M(k): контрольная точка каждые k слоёв"))
ax.axhline(report["rule_of_thumb_GB"], color="tab:blue", ls="--",
           label=tr("our reading of ZeRO: 60 GB / √48", "наше прочтение ZeRO: 60 GB / √48"))
ax.plot([k_opt], [min(M)], "*", ms=16, color="tab:red", label=tr(f"optimum k = {k_opt}", f"оптимум k = {k_opt}"))
ax.plot([report["k"]], [report["checkpointed_GB"]], "s", ms=9, color="k", label=f"k = ⌈√48⌉ = {report['k']}")
ax.set_xscale("log")
ax.set_xticks([1, 2, 4, 7, 12, 24, 48], ["1", "2", "4", "7", "12", "24", "48"])
ax.minorticks_off()
ax.set_ylim(0, 25)
ax.set_xlabel(tr("checkpoint interval k (layers)", "интервал между контрольными точками k (слоёв)"))
ax.set_ylabel(tr("activation memory (GB)", "память активаций (GB)"))
ax.set_title(tr(f"GPT-2 1.5 B: {report['store_all_GB']:.0f} GB without checkpointing",
                f"GPT-2 1.5 B: {report['store_all_GB']:.0f} GB без контрольных точек"))
ax.grid(True, which="both", alpha=0.3)
ax.legend(loc="upper left")
fig.tight_layout()
plt.show()
say(f"Under this model the best interval is $k^* = {k_opt}$ (≈ $\\sqrt{{48/12}}$ = 2, where $n/k + 12k$ is "
    f"smallest; not $\\sqrt n$: a checkpoint is 12 times cheaper than a layer's activations): "
    f"$M(k^*) = \\lceil 48/{k_opt}\\rceil c + 12 \\cdot {k_opt}\\, c = {round(min(M) / c_GB)}c$ = "
    f"**{min(M):.1f} GB**, {report['store_all_GB'] / min(M):.0f}× less than {report['store_all_GB']:.1f} GB. "
    f"Checkpointing every $\\lceil\\sqrt{{48}}\\,\\rceil = {report['k']}$ layers instead costs "
    f"{report['checkpointed_GB']:.1f} GB ({report['segment_GB']:.1f} GB of them for the one recomputed "
    f"{report['k']}-layer segment).",
    ru=f"В этой модели лучший интервал — $k^* = {k_opt}$ (≈ $\\sqrt{{48/12}}$ = 2, где $n/k + 12k$ наименьшее; не "
    f"$\\sqrt n$: контрольная точка в 12 раз дешевле активаций слоя): "
    f"$M(k^*) = \\lceil 48/{k_opt}\\rceil c + 12 \\cdot {k_opt}\\, c = {round(min(M) / c_GB)}c$ = "
    f"**{min(M):.1f} GB**, в {report['store_all_GB'] / min(M):.0f} "
    f"{plural_ru(round(report['store_all_GB'] / min(M)), 'раз', 'раза', 'раз')} меньше, чем "
    f"{report['store_all_GB']:.1f} GB. "
    f"Контрольные точки через каждые $\\lceil\\sqrt{{48}}\\,\\rceil = {report['k']}$ слоёв обходятся в "
    f"{report['checkpointed_GB']:.1f} GB (из них {report['segment_GB']:.1f} GB — на один пересчитываемый отрезок "
    f"из {report['k']} слоёв).")

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Where the lecture's 8 GB comes from.** ZeRO (§3.2) says that activation checkpointing is used to "reduce the
# activation memory by approximately the square root of the total activations", which brings this model "to
# about 8GB". The paper gives no formula; **our reading** is "divide by the square root of the number of layers":
# $60 \text{ GB} / \sqrt{48} \approx 8.7$ GB, the slide's "8 GB". It is the order of magnitude of what
# checkpointing buys; with the interval chosen by $M(k)$ above, this model needs less still.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Where the +33 % comes from.** A backward step costs about two forward steps, so plain reverse mode costs
# $n + 2n = 3n$ layer-forwards; one whole extra forward pass is $n / 3n = ⅓$. Counted instead of assumed:
# run the every-$k$ schedule of the animation on a chain of 48 layers and count the layer forwards that are
# evaluated a second time.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Exercise 10.3** / **Упражнение 10.3** — at the best interval $k = 2$, how many of the 48 layer forwards are
# evaluated a second time, and what is that as a fraction of plain reverse mode's $48 + 2 \cdot 48$
# layer-forwards? Fill in both numbers (look at the animation's "every √n" counter first); the next cell after the
# solution counts them.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_recount = {
    "recomputed layers": None,  # your code here: layer forwards run twice, checkpointing every k = 2 of 48 layers
    "extra compute": None,  # your code here: that number / (48 + 2·48), a fraction (0.5 means +50 %)
}

gpt2_k2 = gpt2_activation_report(checkpoint_every=2)
exercises.check_values(my_recount, {"recomputed layers": gpt2_k2["recomputed_layers"],
                                    "extra compute": gpt2_k2["extra_compute"]}, rtol=0.005,
                       hint=("every segment is recomputed once, except one: which segment is still at hand when the "
                             "forward sweep ends?",
                             "каждый отрезок пересчитывается один раз, кроме одного: какой отрезок ещё под рукой, "
                             "когда прямой проход закончился?"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Solution / Решение
# Checkpoints at x_0, x_2, …, x_46: 24 segments of 2 layers. The backward sweep starts in the last segment
# (layers 47, 48), which is recorded straight away from x_46; each of the other 23 segments is re-run once from
# its checkpoint: 23 · 2 = 46 = 48 − 2 layers run twice. 46 / 144 = 0.319, i.e. +32 %, a little under one
# whole extra forward pass (48 / 144 = +33 %).
my_recount = {"recomputed layers": 48 - 2, "extra compute": (48 - 2) / (48 + 2 * 48)}

gpt2_k2 = gpt2_activation_report(checkpoint_every=2)
exercises.check_values(my_recount, {"recomputed layers": gpt2_k2["recomputed_layers"],
                                    "extra compute": gpt2_k2["extra_compute"]}, rtol=0.005).assert_passed()

# %% slideshow={"slide_type": "fragment"}
for k in (k_opt, report["k"]):
    r = gpt2_activation_report(checkpoint_every=k)  # r["recomputed_layers"]: simulate(schedule_every_k(48, k))
    claim(r["recomputed_layers"] < n_gpt and r["extra_compute"] <= r["one_pass_extra"],
          "checkpointing recomputes at most one forward pass", r=r)
    say(f"every $k = {k}$ layers: **{r['recomputed_layers']} of {n_gpt}** layer forwards run twice → "
        f"{r['recomputed_layers']} / (48 + 2·48) = **+{100 * r['extra_compute']:.0f} %** compute",
        ru=f"через каждые $k = {k}$ {plural_ru(k, 'слой', 'слоя', 'слоёв')}: **{r['recomputed_layers']} из "
        f"{n_gpt}** прямых вычислений слоёв выполняются дважды → {r['recomputed_layers']} / (48 + 2·48) = "
        f"**+{100 * r['extra_compute']:.0f} %** вычислений")
    if k == k_opt:
        claim(r["recomputed_layers"] == 46 and round(100 * r["extra_compute"]) == 32,
              "at k = 2, 46 of 48 layers run twice: +32 %", r=r)
one = report["one_pass_extra"]
claim(round(100 * one) == 33, "one extra forward pass is 33 %", one=one)
say(f"One whole extra forward pass: 48 / 144 = **+{100 * one:.0f} %**, the lecture's figure. The count is a little "
    f"lower because the last segment is still at hand after the forward sweep and is not recomputed.",
    ru=f"Один целый лишний прямой проход: 48 / 144 = **+{100 * one:.0f} %**, цифра из лекции. Подсчёт даёт чуть "
    f"меньше, потому что последний отрезок после прямого прохода ещё под рукой и не пересчитывается.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Change the model, the sequence length, the batch, the precision and the checkpoint interval $k$. (One pure
# function, `gpt2_activation_report`, computes the numbers, the extra compute counted for the chosen $k$; the
# widget only draws them.)


# %% slideshow={"slide_type": "fragment"}
def show_gpt2(hidden=1600, layers=48, seq=1024, batch=32, bytes_per_value=2, k=7):
    r = gpt2_activation_report(hidden, layers, seq, batch, bytes_per_value, checkpoint_every=k)
    fig, ax = plt.subplots(figsize=(8, 2.9))
    bars = {tr("store all", "хранить всё"): r["store_all_GB"],
            tr(f"every k = {k}", f"каждые k = {k}"): r["checkpointed_GB"],
            tr(f"best k = {r['k_opt']}", f"лучшее k = {r['k_opt']}"): r["optimal_GB"]}
    ax.barh(list(bars), list(bars.values()), color=["tab:green", "tab:orange", "tab:red"])
    for i, v in enumerate(bars.values()):
        ax.text(v, i, f" {v:.1f} GB", va="center")
    ax.invert_yaxis()
    ax.set_xlabel(tr("activation memory (GB)", "память активаций (GB)"))
    ax.set_xlim(0, 1.3 * max(bars.values()))
    if k >= layers:  # one segment: nothing is checkpointed, nothing recomputed
        ax.set_title(tr(f"k = {k} ≥ {layers} layers: no checkpointing (store all)",
                        f"k = {k} ≥ {layers} {plural_ru(layers, 'слоя', 'слоёв', 'слоёв')}: без контрольных точек "
                        "(хранить всё)"))
    else:
        ax.set_title(tr(f"every k = {k}: {r['reduction']:.1f}× less memory for "
                        f"+{100 * r['extra_compute']:.0f} % compute ({r['recomputed_layers']} layers recomputed)",
                        f"k = {k}: памяти в {r['reduction']:.1f} раза меньше ценой "
                        f"+{100 * r['extra_compute']:.0f} % вычислений (слоёв пересчитано: {r['recomputed_layers']})"))
    fig.tight_layout()
    plt.show()


widgets.interactive(
    show_gpt2,
    hidden=widgets.IntSlider(value=1600, min=256, max=8192, step=64, description=tr("hidden", "ширина")),
    layers=widgets.IntSlider(value=48, min=1, max=128, description=tr("layers", "слои")),
    seq=widgets.IntSlider(value=1024, min=128, max=8192, step=128, description=tr("seq", "длина")),
    batch=widgets.IntSlider(value=32, min=1, max=128, description=tr("batch", "батч")),
    bytes_per_value=widgets.Dropdown(options=[("fp16", 2), ("fp32", 4)], value=2, description=tr("dtype", "тип")),
    k=widgets.IntSlider(value=report["k"], min=1, max=128, description="k"),
)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Beyond the lecture / За рамками лекции
#
# The rest of the notebook goes beyond the slides: how the animations are made (a schedule machine), the same
# gradient from every schedule, memory measured in bytes, the optimal binomial schedule (Revolve), and
# `checkpoint(f)` inside any function, cross-checked with `jax.checkpoint`.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A schedule machine / Машина расписаний (beyond the lecture)
#
# `adlib.checkpoint` runs a **schedule**: a list of actions for a small machine with a current state, stored
# checkpoints and recorded tapes:
#
# | action | what it does |
# |---|---|
# | `advance j` | $x_j = f_j(x_{j-1})$ on plain values, **no tape** (a forward step done only to reach a state) |
# | `store j` / `restore j` / `free j` | keep / reload / drop the checkpoint $x_j$ |
# | `record j` | `adlib.vjp(f_j, x_{j-1})`: the step evaluated **with** its tape |
# | `backprop j` | $\bar x_{j-1} = $ `vjp_j`$(\bar x_j)$; the tape of step $j$ is dropped |

# %% slideshow={"slide_type": "subslide"}
n = 6
machine = {
    NAMES["store all"]: schedule_store_all(n),
    NAMES["every √n"]: schedule_every_k(n),
    tr("binomial, s=2", "биномиальная, s=2"): schedule_revolve(n, 2),
}
width = max(map(len, machine)) + 1  # the names' column: 14 in English
for name, actions in machine.items():
    print(f"{name:{width}}", " ".join(f"{op[:3]}{j}" for op, j in actions))

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Space–time view / Расписание во времени (beyond the lecture)
#
# The whole schedule at a glance for $n = 16$: step index across, time downwards. Grey dots are the
# recomputations (advances without tape), green the recorded steps, red the backward steps, blue squares the
# stored checkpoints. The binomial schedule with only $s = 3$ checkpoints recomputes far less than
# "recompute all" with one.

# %% slideshow={"slide_type": "subslide"}
fig = plot_schedules(16, s=3)  # draw_space_time(ax, schedule, n) for each of the four
plt.show()
claim(revolve_cost(16, 3) < revolve_cost(16, 1) / 3, "binomial with s = 3 recomputes far less than recompute all")

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Same gradient, different cost / Тот же градиент, разная цена (beyond the lecture)
#
# A deep residual MLP, $x_k = x_{k-1} + 0.1\tanh(x_{k-1} W_k)$ on a batch of 64 × 32, $n = 100$ layers, loss
# $L = \tfrac12\|x_n\|^2$ inside the last step. Every schedule must give **exactly** (bit for bit) the gradient of
# plain reverse mode, `adlib.grad` through the whole chain: the same floating-point operations, in the same
# order, only at different times.


# %% slideshow={"slide_type": "subslide"}
def make_mlp(n, batch=64, width=32, seed=0):
    rng = np.random.default_rng(seed)
    weights = rng.normal(size=(n, width, width)) / np.sqrt(width)

    def layer(W):
        return lambda x: x + 0.1 * anp.tanh(x @ W)

    steps = [layer(W) for W in weights[:-1]]
    steps.append(lambda x, W=weights[-1]: 0.5 * anp.sum(anp.square(layer(W)(x))))
    return steps, rng.normal(size=(batch, width))


def plain_loss(x, steps):
    for f in steps:
        x = f(x)
    return x


steps, x0 = make_mlp(100)
reference = adlib.grad(plain_loss)(x0, steps)
CASES = {
    "store all": dict(schedule="store_all"),
    "recompute all": dict(schedule="recompute_all"),
    "every √n": dict(schedule="every_k"),
    "binomial s=10": dict(schedule="revolve", s=10),
}
w = max(15, max(len(NAMES[name]) for name in CASES) + 2)  # the names' column: 15 in English
print(f"{tr('schedule', 'расписание'):{w}}{tr('forward steps', 'шагов вперёд'):>14}{tr('extra', 'лишних'):>8}"
      f"{tr('checkpoints', 'точек'):>12}{tr('tapes', 'лент'):>7}{tr('peak MB', 'пик MB'):>9}  "
      + tr("gradient", "градиент"))
for name, options in CASES.items():
    options = dict(options)
    actions = make_schedule(options.pop("schedule"), len(steps), **options)
    result, peak = peak_bytes(chain_grad, steps, x0, schedule=actions)  # measured: running the schedule
    st = result.stats
    np.testing.assert_array_equal(result.grad, reference)  # bit for bit
    print(f"{NAMES[name]:{w}}{st.forward_steps:14}{st.recomputations:8}{st.peak_checkpoints:12}{st.peak_tapes:7}"
          f"{peak / 1e6:9.2f}  " + tr("identical", "совпадает"))
print(tr(f"one state x_k = {x0.nbytes / 1e3:.1f} kB", f"одно состояние x_k = {x0.nbytes / 1e3:.1f} kB"))

# %% [markdown] slideshow={"slide_type": "fragment"}
# The counters are not estimates: the machine checks every action, and the tests of `adlib.checkpoint` count the
# calls of the step functions themselves. The memory is measured by `tracemalloc` (every NumPy allocation),
# above what existed before the call.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Memory and recomputation for n = 100 … 1000 / Память и пересчёт (beyond the lecture)
#
# Counted for every schedule (`simulate`, no arithmetic) at $n = 100, 200, 400, 1000$, and measured in bytes by
# running three of them on the residual MLP at $n = 100, 300, 1000$ (recompute-all only at $n = 100$: its
# $n^2/2$ steps are the point). `ADLIB_FULL=1` adds $n = 2000, 4000$ and measures at every $n$.

# %% slideshow={"slide_type": "subslide"}
ns = [100, 200, 400, 1000] + ([2000, 4000] if FULL else [])
ns_measured = ns if FULL else [100, 300, 1000]
counted = {name: [] for name in CASES}
measured = {name: {} for name in CASES}
for n_layers in ns:
    for name, options in CASES.items():
        sched_options = {k: v for k, v in options.items() if k != "schedule"}
        actions = make_schedule(options["schedule"], n_layers, **sched_options)
        counted[name].append(simulate(actions, n_layers))
for n_layers in ns_measured:
    steps_n, x0_n = make_mlp(n_layers)
    state_bytes = x0_n.nbytes
    for name in ["store all", "every √n", "binomial s=10"] + (["recompute all"] if n_layers == 100 else []):
        options = dict(CASES[name])
        actions = make_schedule(options.pop("schedule"), n_layers, **options)  # built outside the measurement
        _, measured[name][n_layers] = peak_bytes(chain_grad, steps_n, x0_n, schedule=actions)

colors = dict(zip(CASES, ["tab:green", "tab:red", "tab:orange", "tab:blue"]))
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 5.2))
for name in CASES:
    ax1.plot(ns, [st.peak_memory for st in counted[name]], "-", color=colors[name], label=NAMES[name])
    m = measured[name]
    ax1.plot(list(m), [b / state_bytes for b in m.values()], "o", ms=8, mfc="none", color=colors[name])
    ax2.plot(ns, [st.forward_steps / n for st, n in zip(counted[name], ns)], "o-", color=colors[name])
ax1.plot(ns, [2 * math.sqrt(n) for n in ns], ":", color="k", label=r"$2\sqrt{n}$")
ax1.plot([], [], "-", color="0.3", label=tr("counted: checkpoints + tapes", "подсчитано: контрольные точки + ленты"))
ax1.plot([], [], "o", ms=8, mfc="none", color="0.3",
         label=tr("measured: bytes / state size", "измерено: байты / размер состояния"))
for ax in (ax1, ax2):
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(tr("number of layers n", "число слоёв n"))
    ax.grid(True, which="both", alpha=0.3)
ax1.set_ylim(1, 1e4)
ax1.set_ylabel(tr("peak memory: items held (lines),\nbytes / 16 kB state (circles)",
                  "пиковая память: число объектов (линии),\nбайты / 16 kB состояния (кружки)"))
tape_states = measured["store all"][ns_measured[-1]] / (ns_measured[-1] * state_bytes)
ax1.text(110, 2500, tr(f"a tape holds ≈ {tape_states:.1f} states:\ncircles above their lines",
                       f"лента занимает ≈ {tape_states:.1f} состояния:\nкружки выше своих линий"), va="center")
ax1.set_title(tr("Memory: n, 2√n, s + 1, 2", "Память: n, 2√n, s + 1, 2"))
ax2.set_ylabel(tr("forward steps / n  (forward sweeps)", "шагов вперёд / n  (прямых проходов)"))
ax2.set_title(tr("Work: 1, ≈ 2, a few, n/2 forward sweeps", "Работа: 1, ≈ 2, несколько, n/2 прямых проходов"))
fig.legend(*ax1.get_legend_handles_labels(), loc="lower center", ncol=4)
fig.tight_layout(rect=(0, 0.15, 1, 1))
plt.show()

# %% slideshow={"slide_type": "subslide"}
sweeps = {name: [st.forward_steps / n for st, n in zip(counted[name], ns)] for name in CASES}
claim(all(st.peak_memory == n for st, n in zip(counted["store all"], ns)) and set(sweeps["store all"]) == {1.0},
      "store all holds n and does one forward sweep")
for st, n_layers in zip(counted["every √n"], ns):
    k = math.isqrt(n_layers - 1) + 1
    claim(st.peak_memory <= 2 * k and n_layers - k <= st.recomputations < n_layers,
          "√n checkpointing holds at most 2√n and recomputes less than one sweep", n=n_layers, stats=st)
    print(tr(f"n = {n_layers:5}: √n checkpointing holds {st.peak_checkpoints:3} checkpoints + {st.peak_tapes:3} "
             f"tapes, recomputes {st.recomputations / n_layers:.2f} forward sweeps",
             f"n = {n_layers:5}: каждые √n — контрольных точек {st.peak_checkpoints:3}, лент {st.peak_tapes:3}; "
             f"пересчёт: {st.recomputations / n_layers:.2f} прямого прохода"))
claim(all(st.peak_memory == 11 for st in counted["binomial s=10"]) and max(sweeps["binomial s=10"]) < 6,
      "the binomial schedule holds s + 1 = 11 and does a few sweeps", sweeps=sweeps["binomial s=10"])
claim(all(st.recomputations == n * (n - 1) // 2 for st, n in zip(counted["recompute all"], ns)),
      "memory-poor backprop pays n(n-1)/2 extra steps")
n_last = ns_measured[-1]
per_step = measured["store all"][n_last] / (n_last * state_bytes)
binomial_states = measured["binomial s=10"][n_last] / state_bytes
claim(3 < per_step < 6, "a recorded step holds about 4 states", per_step=per_step)
claim(binomial_states < 3 * 11, "the binomial schedule's bytes: 10 checkpoints, one tape, a few temporaries",
      states=binomial_states)
shown_cases = ["store all", "every √n", "binomial s=10"]
w = max(len(NAMES[name]) for name in shown_cases) + 1  # 14 in English
for name in shown_cases:
    held = measured[name][n_last] / state_bytes
    print(f"n = {n_last}, {NAMES[name]:{w}}: " + tr("peak", "пик") + f" {measured[name][n_last] / 1e6:6.2f} MB = "
          f"{held:6.0f} " + tr("states", plural_ru(round(held), "состояние", "состояния", "состояний")))
ratio = measured["store all"][n_last] / measured["every √n"][n_last]
print(tr(f"store-all needs {ratio:.0f}× the bytes of √n checkpointing; one recorded step holds {per_step:.1f} states",
         f"«хранить всё» требует в {ratio:.0f} {plural_ru(round(ratio), 'раз', 'раза', 'раз')} больше байтов, чем "
         f"контрольные точки через √n; один записанный шаг занимает {per_step:.1f} состояния"))

# %% [markdown] slideshow={"slide_type": "fragment"}
# What to see: vanilla's memory grows like $n$ (in bytes a recorded step holds ≈ 4 states: $xW$, $\tanh$, …),
# $\sqrt n$ checkpointing's like $2\sqrt n$ for **less than one extra forward sweep** (2 in all) at every $n$;
# the binomial schedule holds $s + 1 = 11$ (its bytes: 10 checkpoints, one tape and a few temporaries) and its
# work grows only slowly (a few sweeps), while memory-poor backprop pays $(n-1)/2$ extra sweeps.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### The binomial schedule is optimal / Биномиальное расписание оптимально (beyond the lecture)
#
# Griewank & Walther (2000): with $s$ checkpoints (the one holding $x_0$ included) and one tape at a time, a chain
# of $n$ steps cannot be reversed with fewer than
#
# $$t(n, s) = r\,n - \beta(s+1, r-1), \qquad \beta(s, r) = \binom{s+r}{s}, \qquad
#   r = \min\{r : \beta(s, r) \ge n\}$$
#
# forward steps **besides** the $n$ recorded ones. Our counting convention: $t$ counts every `advance`
# (including the first forward sweep up to $x_{n-1}$); each backward step also evaluates its step once while
# recording it, as plain reverse mode does. So total evaluations $= t + n$ and $t$ is exactly the extra work
# over plain reverse mode. Special cases: $t(n, 1) = n(n-1)/2$ (recompute all) and $t(n, s \ge n-1) = n - 1$.

# %% slideshow={"slide_type": "subslide"}
table_n, table_s = [5, 10, 20, 50, 100], [1, 2, 3, 5, 10]
mismatches = [
    (n, s)
    for n in range(1, 101)
    for s in range(1, 11)
    if simulate(schedule_revolve(n, s), n).recomputations != revolve_cost(n, s)
]
assert not mismatches, mismatches
print(tr("counted advances of the binomial schedule == t(n, s) for all n ≤ 100, s ≤ 10 (1000 cases)\n",
         "подсчитанные шаги advance биномиального расписания == t(n, s) для всех n ≤ 100, s ≤ 10 (1000 случаев)\n"))
print("  n \\ s" + "".join(f"{s:>12}" for s in table_s))
for n in table_n:
    cells = [f"{simulate(schedule_revolve(n, s), n).recomputations}={revolve_cost(n, s)}" for s in table_s]
    print(f"{n:7}" + "".join(f"{c:>12}" for c in cells))
print(tr("\n(each cell: counted = formula)", "\n(в каждой клетке: подсчитано = по формуле)"))

# %% [markdown] slideshow={"slide_type": "subslide"}
# Never worse than the alternatives with the same memory, in the same setting (one tape at a time):
# "recompute all" *is* the case $s = 1$, and checkpointing every $k$ steps (storing the segment's states and
# recording one step at a time) does at least $t(n, s)$ with the same number $s$ of checkpoints.

# %% slideshow={"slide_type": "fragment"}
n = 1000
poor = simulate(schedule_recompute_all(n), n)
assert poor.recomputations == revolve_cost(n, 1)
print(f"n = {n}: {NAMES['recompute all']} = {poor.recomputations} = t(n, 1)")
for k in [5, 10, 32, 100]:
    st = simulate(schedule_every_k(n, k, keep_tapes=False), n)
    t_opt = revolve_cost(n, st.peak_checkpoints)
    assert t_opt <= st.recomputations
    print(tr(f"every {k:3} steps: {st.peak_checkpoints:3} checkpoints, {st.recomputations:5} extra steps",
             f"каждые k = {k:3}: контрольных точек {st.peak_checkpoints:3}, лишних шагов {st.recomputations:5}")
          + f"  ≥  t(n, {st.peak_checkpoints}) = {t_opt}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Extra forward sweeps against memory (checkpoints + tapes held), log–log, for $n = 1000$: the formula $t(n, s)$
# (plotted at $s + 1$: $s$ checkpoints and one tape), the binomial schedule, "every k" in both settings.

# %% slideshow={"slide_type": "fragment"}
s_grid = np.unique(np.geomspace(1, 999, 30).astype(int))
fig, ax = plt.subplots(figsize=(11, 4.6))
ax.plot(s_grid + 1, [revolve_cost(n, int(s)) / n for s in s_grid], "-", color="tab:blue",
        label=tr("theory t(n, s) / n", "теория t(n, s) / n"))
sims = {int(s): simulate(schedule_revolve(n, int(s)), n) for s in s_grid[::3]}
ax.plot([st.peak_memory for st in sims.values()], [st.recomputations / n for st in sims.values()], "o",
        color="tab:blue", label=tr("binomial schedule (counted)", "биномиальное расписание (подсчитано)"))
claim(all(st.recomputations == revolve_cost(n, s) and st.peak_memory == s + 1 for s, st in sims.items()),
      "the counted binomial schedules lie on the theoretical curve")
every_k = {}
for keep, style in [(False, dict(color="tab:orange")), (True, dict(color="tab:orange", mfc="none"))]:
    every_k[keep] = [simulate(schedule_every_k(n, k, keep_tapes=keep), n) for k in [2, 5, 10, 32, 100, 300]]
    ax.plot([st.peak_memory for st in every_k[keep]], [st.recomputations / n for st in every_k[keep]], "s",
            **style, label=tr("every k steps, ", "каждые k шагов, ")
            + (tr("k tapes per segment", "k лент на отрезок") if keep else tr("one tape at a time", "по одной ленте")))
ax.plot([poor.peak_memory], [poor.recomputations / n], "v", color="tab:red", label=NAMES["recompute all"])
claim(all(st.recomputations >= revolve_cost(n, st.peak_memory - 1) for st in every_k[False]),
      "every k (one tape at a time) lies on or above the curve")
claim(all(st.recomputations < revolve_cost(n, st.peak_memory - 1) for st in every_k[True]),
      "every k with a segment's k tapes recomputes less than the curve")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel(tr("peak memory: checkpoints + tapes (states)",
                 "пиковая память: контрольные точки + ленты (состояний)"))
ax.set_ylabel(tr("extra forward steps / n", "лишних шагов вперёд / n"))
ax.set_title(tr(f"Memory against recomputation, n = {n}", f"Память против пересчёта, n = {n}"))
ax.grid(True, which="both", alpha=0.3)
ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5))
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# The counted binomial schedules lie **on** the theoretical curve; "every k" (one tape at a time) lies on or above
# it. The hollow squares keep a whole segment's $k$ tapes at once (what `jax.checkpoint` and Chen et al. 2016 do):
# they recompute less than the curve because a recorded tape doubles as the step that reaches the next state — a
# different memory model, in which a tape (here ≈ 4 states) is counted as one.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### `checkpoint(f)` inside any function / Контрольные точки внутри функции (beyond the lecture)
#
# The same idea without a chain: `checkpoint(f)` makes `f` **one primitive**. Its forward pass runs `f` on plain
# values (nothing of `f`'s inside goes on the tape); its VJP rule re-runs `f` under `adlib.vjp` when the
# backward sweep reaches it. The whole trick is a few lines of `adlib/custom.py` (`adlib.checkpoint`):
#
# ```python
# prim = Primitive(f)                                          # forward: f on plain values, one tape node
# prim.defvjp_all(lambda g, ans, *args: adlib.vjp(f, *args)[1](g))   # backward: recompute f with its tape, sweep
# prim.defjvp_all(lambda ts, ans, *args: adlib.jvp(f, args, ts)[1])  # forward mode: f's own code
# ```
#
# A 16-layer MLP in 4 checkpointed segments of 4 layers:

# %% slideshow={"slide_type": "subslide"}
rng = np.random.default_rng(1)
Ws = [(rng.normal(size=(128, 128)) / np.sqrt(128), rng.normal(size=128)) for _ in range(16)]
xb = rng.normal(size=(256, 128))


def segment(x, i):  # layers i … i+3 (the int i is a constant for adlib)
    for W, b in Ws[i : i + 4]:
        x = anp.tanh(x @ W + b)
    return x


def mlp_loss(x, block):
    for i in range(0, 16, 4):
        x = block(x, i)
    return anp.sum(anp.square(x))


segment_ckpt = checkpoint(segment)
g_plain, bytes_plain = peak_bytes(adlib.grad(lambda x: mlp_loss(x, segment)), xb)
g_ckpt, bytes_ckpt = peak_bytes(adlib.grad(lambda x: mlp_loss(x, segment_ckpt)), xb)
np.testing.assert_array_equal(g_ckpt, g_plain)
nodes_plain = tape_size(lambda x: mlp_loss(x, segment), xb)["nodes"]
nodes_ckpt = tape_size(lambda x: mlp_loss(x, segment_ckpt), xb)["nodes"]
claim(nodes_ckpt < nodes_plain and bytes_ckpt < 0.7 * bytes_plain, "a shorter tape and a lower memory peak",
      nodes=(nodes_plain, nodes_ckpt), bytes=(bytes_plain, bytes_ckpt))
print(tr(f"tape nodes: plain {nodes_plain}, checkpointed {nodes_ckpt}",
         f"узлов на ленте: без контрольных точек {nodes_plain}, с контрольными точками {nodes_ckpt}"))
print(tr(f"peak memory of grad: plain {bytes_plain / 1e6:.1f} MB, checkpointed {bytes_ckpt / 1e6:.1f} MB "
         f"(one activation = {xb.nbytes / 1e6:.2f} MB); gradients identical",
         f"пиковая память grad: без контрольных точек {bytes_plain / 1e6:.1f} MB, с контрольными точками "
         f"{bytes_ckpt / 1e6:.1f} MB (одна активация = {xb.nbytes / 1e6:.2f} MB); градиенты совпадают"))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Derivatives of any order still work: the rules are written with `adlib` itself, so an outer derivative traces
# the recomputation like any other code.

# %% slideshow={"slide_type": "fragment"}
f = lambda x: anp.sin(x) * x**2
cf = checkpoint(f)
x = np.linspace(-1.0, 2.0, 5)
np.testing.assert_allclose(adlib.hessian(lambda x: anp.sum(cf(x)))(x), adlib.hessian(lambda x: anp.sum(f(x)))(x),
                           rtol=1e-14, atol=1e-14)
np.testing.assert_allclose(adlib.grad(adlib.grad(lambda x: anp.sum(cf(x))))(1.3),
                           adlib.grad(adlib.grad(lambda x: anp.sum(f(x))))(1.3), rtol=1e-14)
print(tr("hessian and grad-of-grad through checkpoint(f) equal those through f to 1e-14",
         "hessian и grad от grad через checkpoint(f) совпадают с вычисленными через f с точностью до 1e-14"))

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Cross-check with `jax.checkpoint` / Проверка с JAX (beyond the lecture)
#
# The same network in JAX (float64): the same gradient, and `jax.ad_checkpoint.print_saved_residuals` shows what
# JAX keeps for the backward pass, without and with `jax.checkpoint` around each 4-layer segment.

# %% slideshow={"slide_type": "subslide"}
import jax

jax.config.update("jax_enable_x64", True)  # before the first JAX array
import jax.numpy as jnp
from jax.ad_checkpoint import print_saved_residuals


def jax_segment(x, i):
    for W, b in Ws[i : i + 4]:
        x = jnp.tanh(x @ W + b)
    return x


def jax_loss(x, block):
    for i in range(0, 16, 4):
        x = block(x, i)
    return jnp.sum(jnp.square(x))


jax_segment_ckpt = jax.checkpoint(jax_segment, static_argnums=(1,))
g_jax = jax.grad(lambda x: jax_loss(x, jax_segment))(xb)
g_jax_ckpt = jax.grad(lambda x: jax_loss(x, jax_segment_ckpt))(xb)
np.testing.assert_allclose(g_ckpt, g_jax_ckpt, rtol=1e-12, atol=1e-13)
np.testing.assert_allclose(g_jax, g_jax_ckpt, rtol=1e-12, atol=1e-13)
print(tr("adlib checkpoint == jax.checkpoint == plain JAX gradient (rtol 1e-12)",
         "adlib checkpoint == jax.checkpoint == градиент обычного JAX (rtol 1e-12)"))


def saved_residuals(block):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        print_saved_residuals(lambda x: jax_loss(x, block), xb)
    lines = [line for line in out.getvalue().splitlines() if "f64[256,128]" in line]
    return [re.sub(r" from \S+:\d+:\d+", "", line) for line in lines]  # without the (temporary) file names


def shown(line):  # JAX's description of a residual, in the notebook's language
    return tr(line, line.replace("from the argument", "аргумент").replace("output of", "выход"))


before, after = saved_residuals(jax_segment), saved_residuals(jax_segment_ckpt)
print(tr(f"\nactivations saved without checkpoint ({len(before)}):",
         f"\nактивации, сохранённые без контрольных точек ({len(before)}):"), *map(shown, before[:3]), "…", sep="\n  ")
print(tr(f"\nactivations saved with jax.checkpoint ({len(after)}):",
         f"\nактивации, сохранённые с jax.checkpoint ({len(after)}):"), *map(shown, after), sep="\n  ")
claim(len(after) < len(before), "jax.checkpoint saves fewer residuals", before=len(before), after=len(after))
say(f"Without checkpointing JAX saves **{len(before)}** activations of 256 × 128 for the backward pass, with "
    f"`jax.checkpoint` **{len(after)}** (listed above): the rest is recomputed, as in `adlib`'s `checkpoint`.",
    ru=f"Без контрольных точек JAX сохраняет для обратного прохода **{len(before)}** "
    f"{plural_ru(len(before), 'активацию', 'активации', 'активаций')} размера 256 × 128, с `jax.checkpoint` — "
    f"**{len(after)}** (список выше): остальное пересчитывается, как в `checkpoint` из `adlib`.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary / Итоги
#
# From the lecture:
# * Reverse mode's price is memory (the answer to «Какова стоимость ускорения?»): vanilla backprop keeps $n$
#   steps' worth of intermediates; recompute-all keeps $O(1)$ and pays $n(n-1)/2$ extra steps; checkpointing
#   every $\sqrt n$ steps keeps $O(\sqrt n)$ for less than one extra forward sweep.
# * GPT-2 1.5 B: 60 GB of activations. Under $M(k) = \lceil n/k\rceil c + 12kc$ the best interval is $k = 2$,
#   5.0 GB (9.5 GB at $k = \lceil\sqrt{48}\,\rceil = 7$); the lecture's ≈ 8 GB is ZeRO's "about 8GB" (our
#   reading: $60/\sqrt{48} \approx 8.7$ GB).
#   Counted, 46 of 48 layers run twice at $k = 2$: +32 % compute; the lecture's 33 % is one whole extra forward pass.
#
# Beyond the lecture:
# * The binomial schedule reaches the proven minimum $t(n, s)$ of recomputations for $s$ checkpoints (checked for
#   every $n \le 100$, $s \le 10$).
# * Every schedule returns the plain reverse-mode gradient bit for bit; `checkpoint(f)` does the same as
#   `jax.checkpoint` (same gradients, fewer saved residuals).
#
# Builds on [05 — reverse mode](05_reverse_mode.ipynb) (the price of reverse mode is memory). Next:
# [11 — what AD is not](11_what_ad_is_not.ipynb), where "reverse mode is not memory-efficient" is one of the
# lecture's closing points.
