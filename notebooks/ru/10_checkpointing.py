# ---
# jupyter:
#   course:
#     summary: 'Gradient checkpointing: memory vs recomputation, animated'
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

# %% [markdown] en="e82cdeb43e" slideshow={"slide_type": "slide"}
# # Контрольные точки градиента (gradient checkpointing)
#
# Обратный режим получает весь градиент за один обратный проход, но расплачивается за это **памятью**: каждое
# промежуточное значение прямого прохода хранится, пока его не использует обратный проход, — таков ответ лекции на
# вопрос «Какова стоимость ускорения?» в [05 — обратный режим](05_reverse_mode.ipynb). Контрольные точки градиента
# (чекпоинтинг) хранят лишь *некоторые* состояния, а остальные **пересчитывают**, когда они понадобятся.
#
# Сначала два слайда лекции:
# * «Анимация вышеуказанных подходов»: обычный обратный проход (vanilla backprop), экономный по памяти (memory-poor)
#   и обратный проход с контрольными точками хранят и освобождают состояния;
# * «Пример использования контрольных точек градиента»: 60 GB активаций GPT-2, лучший интервал между контрольными
#   точками, откуда берутся ≈ 8 GB из лекции и +33 % вычислений как число пересчитанных слоёв.
#
# Затем — **за рамками лекции**: машина расписаний, на которой построены анимации; память и пересчёт, подсчитанные и
# измеренные (`tracemalloc`) для цепочек из 100 … 1000 слоёв; биномиальное расписание (Revolve, Griewank & Walther
# 2000) и его доказанный минимум $t(n, s)$; `adlib.checkpoint(f)`, аналог `jax.checkpoint`, со сверкой с JAX.

# %% [markdown] slideshow={"slide_type": "skip"} tags=["colab"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/adlib-course/adlib-course/blob/v0.1.0/notebooks/ru/10_checkpointing.ipynb)
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

# %% [markdown] en="bc23b4b590" slideshow={"slide_type": "slide"}
# ## Анимация вышеуказанных подходов
#
# Сеть — это цепочка $x_0 \to x_1 = f_1(x_0) \to \dots \to x_n = f_n(x_{n-1})$, $x_n = L$. Обратному проходу нужен вход
# $x_{j-1}$ шага $j$ в тот момент, когда приходит сопряжённая переменная $\bar x_j = \partial L / \partial x_j$, — то
# есть в порядке, *обратном* порядку прямого прохода. Верхний ряд каждой панели — состояния $x_0 \dots x_n$, хранящиеся
# в данный момент (синий: контрольная точка, оранжевый: текущее состояние, зелёный: хранится в записанной ленте); нижний
# ряд — сопряжённые переменные. Один кадр на каждый шаг вперёд (*шаг вперёд без ленты*, advance: только чтобы дойти до
# состояния; *запись*, record: шаг вместе с его лентой) или обратный шаг, поэтому **чем дольше ряд продолжает
# двигаться, тем больше работы выполняет его стратегия**.
#
# * **хранить всё** (обычный обратный проход): никакого пересчёта, память растёт до $n$;
# * **пересчитывать всё** (экономный по памяти): хранится только $x_0$, каждый обратный шаг пересчитывает цепочку с
#   начала: $n(n-1)/2$ лишних шагов;
# * **каждые √n** (с контрольными точками): контрольная точка каждые $\lceil\sqrt n\,\rceil$ шагов; обратный проход
#   заново проходит по одному отрезку за раз: память $O(\sqrt n)$ ценой не более чем одного лишнего прямого прохода.
#
# Счётчики: *шагов вперёд* считает каждое вычисление шага, *лишних* — шаги вперёд без ленты (вычисления, сделанные
# только чтобы дойти до состояния, включая первый проход, — поэтому у «пересчитывать всё» уже на первом кадре
# «лишних: 1»); каждый шаг записывается ровно один раз, так что в конце *лишних* — это работа сверх обычного
# обратного режима.

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

# %% [markdown] en="31eaada292" slideshow={"slide_type": "fragment"}
# Те же анимации, по одной стратегии на GIF, а также анимация биномиального расписания (за рамками лекции, см. ниже)
# лежат в
# [../../figures/checkpoint_store_all.gif](../../figures/checkpoint_store_all.gif),
# [../../figures/checkpoint_recompute_all.gif](../../figures/checkpoint_recompute_all.gif),
# [../../figures/checkpoint_sqrt_n.gif](../../figures/checkpoint_sqrt_n.gif) и
# [../../figures/checkpoint_revolve.gif](../../figures/checkpoint_revolve.gif) (`make figures`).

# %% [markdown] en="4a86731c76" slideshow={"slide_type": "subslide"}
# **Упражнение 10.1** — сначала предскажите, затем запустите. Таблица выше — для $n = 6$. Сколько объектов
# (контрольные точки + ленты) одновременно хранит в максимуме стратегия **каждые √n** для цепочки из $n = 100$ слоёв?
# Запишите прогноз числом и запустите ячейку; ячейка после решения подсчитает все три стратегии при $n = 100$.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_peak_guess = None  # your code here: a number, the peak of checkpoints + tapes held by "every √n" at n = 100

exercises.check_prediction(my_peak_guess, simulate(schedule_every_k(100), 100).peak_memory, within=1.5,
                           name=tr("the counted peak", "посчитанный пик"),
                           hint=("a checkpoint every ⌈√n⌉ layers; while one segment is reversed, its steps' tapes are "
                                 "held too",
                                 "контрольная точка каждые ⌈√n⌉ слоёв; пока обращается один отрезок, хранятся ещё и "
                                 "ленты его шагов"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Решение
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

# %% [markdown] en="a0abb82d7a" slideshow={"slide_type": "slide"}
# ## Пример использования контрольных точек градиента
#
# Лекция (по статье ZeRO, Rajbhandari et al. 2020): при обучении GPT-2 с 1.5 B параметров (скрытый размер 1600,
# 48 слоёв) на последовательностях длиной 1K с размером батча 32 в fp16 хранится **60 GB** активаций; чекпоинтинг
# снижает это до **8 GB** ценой **33 %** дополнительных вычислений. Слой трансформера хранит для своего обратного
# прохода около $12 \cdot \text{hidden} \cdot \text{batch} \cdot \text{seq}$ значений
# (hidden — скрытый размер, batch — размер батча, seq — длина последовательности):
#
# $$12 \cdot 1600 \cdot 32 \cdot 1024 \cdot 48 \text{ значений} \times 2 \text{ байта} \approx 60 \text{ GB}.$$
#
# Контрольные точки через каждые $k$ слоёв хранят лишь входы $\lceil n/k\rceil$ отрезков (по $c =
# \text{hidden}\cdot\text{batch}\cdot\text{seq}$ значений каждый), а во время обратного прохода — полные активации
# ($12c$ на слой) **одного** отрезка из $k$ слоёв за раз:
#
# $$M(k) = \lceil n/k \rceil\, c + 12\,k\,c \quad (k < n);$$
#
# $k \ge n$ — это один отрезок, то есть без контрольных точек: $M = 12\,n\,c$, память стратегии «хранить всё» (она
# тоже участвует в сравнении).

# %% [markdown] en="cd48709a61" slideshow={"slide_type": "subslide"}
# **Упражнение 10.2** — сначала предскажите, затем запустите. В анимации контрольные точки ставились каждые $\sqrt n$
# шагов. Какой интервал $k$ даёт GPT-2 ($n = 48$ слоёв) наименьшую память активаций $M(k)$? Запишите прогноз (число
# слоёв) и запустите ячейку; следующая ячейка после решения вычисляет $M(k)$ для каждого $k$.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_k_guess = None  # your code here: the checkpoint interval k (layers) with the least M(k), for n = 48

exercises.check_prediction(my_k_guess, gpt2_activation_report()["k_opt"], within=1.5,
                           name=tr("the best interval k*", "лучший интервал k*"),
                           hint=("M(k)/c = 48/k + 12k: where is its derivative zero?",
                                 "M(k)/c = 48/k + 12k: где её производная равна нулю?"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Решение
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

# %% [markdown] en="b484ad8a57" slideshow={"slide_type": "fragment"}
# **Откуда берутся 8 GB из лекции.** В ZeRO (§3.2) сказано, что контрольные точки активаций позволяют «уменьшить
# память активаций примерно до квадратного корня из полного объёма активаций» (*reduce the activation memory by
# approximately the square root of the total activations*), что доводит эту модель «примерно до 8 GB» (*to about
# 8GB*). Формулы в статье нет; **наше прочтение** — «разделить на квадратный корень из числа слоёв»:
# $60 \text{ GB} / \sqrt{48} \approx 8.7$ GB, те самые «8 GB» со слайда. Это порядок величины того, что дают
# контрольные точки; при интервале, выбранном по $M(k)$ выше, этой модели нужно ещё меньше.

# %% [markdown] en="d7b06a2687" slideshow={"slide_type": "subslide"}
# **Откуда берутся +33 %.** Обратный шаг стоит примерно двух шагов вперёд, поэтому обычный обратный режим стоит
# $n + 2n = 3n$ прямых вычислений слоёв; один целый лишний прямой проход — это $n / 3n = ⅓$. Подсчитаем, а не
# предположим: запустим расписание «каждые k» из анимации на цепочке из 48 слоёв и сосчитаем прямые вычисления слоёв,
# которые выполняются второй раз.

# %% [markdown] en="0c96f49ef7" slideshow={"slide_type": "subslide"}
# **Упражнение 10.3** — сколько из 48 прямых вычислений слоёв при лучшем интервале $k = 2$ выполняются второй раз и
# какую долю это составляет от $48 + 2 \cdot 48$ прямых вычислений слоёв обычного обратного режима? Впишите оба числа
# (сначала посмотрите на счётчик «каждые √n» в анимации); следующая ячейка после решения их подсчитает.

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
#@title Решение
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

# %% [markdown] en="d6e966e5d7" slideshow={"slide_type": "subslide"}
# Меняйте модель (ширина — скрытый размер hidden, число слоёв), длину последовательности, батч, точность и интервал
# между контрольными точками $k$. (Числа вычисляет одна чистая функция, `gpt2_activation_report`, — в том числе
# дополнительные вычисления, подсчитанные для выбранного $k$; виджет их только рисует.)


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

# %% [markdown] en="f53fd7536f" slideshow={"slide_type": "slide"}
# ## За рамками лекции
#
# Оставшаяся часть ноутбука выходит за рамки слайдов: как сделаны анимации (машина расписаний), один и тот же
# градиент при любом расписании, память, измеренная в байтах, оптимальное биномиальное расписание (Revolve) и
# `checkpoint(f)` внутри любой функции со сверкой с `jax.checkpoint`.

# %% [markdown] en="b2de730683" slideshow={"slide_type": "subslide"}
# ### Машина расписаний (за рамками лекции)
#
# `adlib.checkpoint` выполняет **расписание** — список действий для маленькой машины с текущим состоянием,
# сохранёнными контрольными точками и записанными лентами:
#
# | действие | что оно делает |
# |---|---|
# | `advance j` | $x_j = f_j(x_{j-1})$ на обычных значениях, **без ленты** (шаг вперёд, сделанный только чтобы дойти до состояния) |
# | `store j` / `restore j` / `free j` | сохранить / восстановить / освободить контрольную точку $x_j$ |
# | `record j` | `adlib.vjp(f_j, x_{j-1})`: шаг, вычисленный **вместе** с записью ленты |
# | `backprop j` | $\bar x_{j-1} = $ `vjp_j`$(\bar x_j)$; лента шага $j$ освобождается |

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

# %% [markdown] en="044370accb" slideshow={"slide_type": "slide"}
# ### Расписание во времени (за рамками лекции)
#
# Всё расписание целиком для $n = 16$: по горизонтали — номер шага, сверху вниз — время. Серые точки — пересчёты
# (шаги вперёд без ленты), зелёные — записанные шаги, красные — обратные шаги, синие квадраты — сохранённые
# контрольные точки. Биномиальное расписание всего с $s = 3$ контрольными точками пересчитывает гораздо меньше, чем
# «пересчитывать всё» с одной.

# %% slideshow={"slide_type": "subslide"}
fig = plot_schedules(16, s=3)  # draw_space_time(ax, schedule, n) for each of the four
plt.show()
claim(revolve_cost(16, 3) < revolve_cost(16, 1) / 3, "binomial with s = 3 recomputes far less than recompute all")

# %% [markdown] en="f735500a8b" slideshow={"slide_type": "slide"}
# ### Тот же градиент, разная цена (за рамками лекции)
#
# Глубокий остаточный MLP, $x_k = x_{k-1} + 0.1\tanh(x_{k-1} W_k)$ на батче 64 × 32, $n = 100$ слоёв, функция потерь
# $L = \tfrac12\|x_n\|^2$ вычисляется внутри последнего шага. Каждое расписание должно давать **в точности** (бит в бит)
# градиент обычного обратного режима, `adlib.grad` через всю цепочку: те же операции с плавающей точкой в том же
# порядке, только в другое время.


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

# %% [markdown] en="22cce9e607" slideshow={"slide_type": "fragment"}
# Счётчики — не оценки: машина проверяет каждое действие, а тесты `adlib.checkpoint` считают вызовы самих функций
# шагов. Память измеряет `tracemalloc` (каждое выделение памяти в NumPy) сверх того, что было занято до вызова.

# %% [markdown] en="2f901d3aa4" slideshow={"slide_type": "slide"}
# ### Память и пересчёт (за рамками лекции)
#
# Подсчитано для каждого расписания (`simulate`, без арифметики) при $n = 100, 200, 400, 1000$ и измерено в байтах
# при запуске трёх из них на остаточном MLP при $n = 100, 300, 1000$ («пересчитывать всё» — только при $n = 100$:
# его $n^2/2$ шагов и так всё показывают). `ADLIB_FULL=1` добавляет $n = 2000, 4000$ и измеряет при каждом $n$.

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

# %% [markdown] en="3c11e1b2bb" slideshow={"slide_type": "fragment"}
# На что смотреть: память обычного обратного прохода растёт как $n$ (в байтах записанный шаг занимает ≈ 4 состояния:
# $xW$, $\tanh$, …), память контрольных точек через $\sqrt n$ — как $2\sqrt n$ ценой **менее одного лишнего прямого
# прохода** (всего 2) при любом $n$; биномиальное расписание хранит $s + 1 = 11$ (в байтах: 10 контрольных точек,
# одна лента и несколько временных массивов), и его работа растёт лишь медленно (несколько проходов), тогда как
# экономный по памяти обратный проход платит $(n-1)/2$ лишних проходов.

# %% [markdown] en="e5d3236819" slideshow={"slide_type": "slide"}
# ### Биномиальное расписание оптимально (за рамками лекции)
#
# Griewank & Walther (2000): с $s$ контрольными точками (включая ту, что хранит $x_0$) и одной лентой за раз цепочку
# из $n$ шагов нельзя обратить меньше чем за
#
# $$t(n, s) = r\,n - \beta(s+1, r-1), \qquad \beta(s, r) = \binom{s+r}{s}, \qquad
#   r = \min\{r : \beta(s, r) \ge n\}$$
#
# шагов вперёд **сверх** $n$ записанных. Наше соглашение о подсчёте: $t$ считает каждый `advance` (включая первый
# прямой проход до $x_{n-1}$); каждый обратный шаг к тому же один раз вычисляет свой шаг, записывая его, как и в
# обычном обратном режиме. Поэтому всего вычислений $= t + n$, и $t$ — это в точности работа сверх обычного
# обратного режима. Частные случаи: $t(n, 1) = n(n-1)/2$ («пересчитывать всё») и $t(n, s \ge n-1) = n - 1$.

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

# %% [markdown] en="868201561e" slideshow={"slide_type": "subslide"}
# Оно не хуже альтернатив с той же памятью в тех же условиях (одна лента за раз): «пересчитывать всё» — это *и есть*
# случай $s = 1$, а контрольные точки через каждые $k$ шагов (с хранением состояний отрезка и записью по одному шагу
# за раз) требуют не меньше $t(n, s)$ при том же числе $s$ контрольных точек.

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

# %% [markdown] en="bd16e69670" slideshow={"slide_type": "subslide"}
# Лишние прямые проходы в зависимости от памяти (контрольные точки + ленты), в логарифмическом масштабе по обеим
# осям, для $n = 1000$: формула $t(n, s)$ (отложена при $s + 1$: $s$ контрольных точек и одна лента), биномиальное
# расписание и «каждые k» в обоих вариантах.

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

# %% [markdown] en="fb6d45602a" slideshow={"slide_type": "fragment"}
# Подсчитанные биномиальные расписания лежат **на** теоретической кривой; «каждые k» (одна лента за раз) — на ней или
# выше. Полые квадраты хранят сразу все $k$ лент отрезка (так делают `jax.checkpoint` и Chen et al. 2016): они
# пересчитывают меньше, чем по кривой, потому что записанная лента заодно служит шагом, доводящим до следующего
# состояния, — это другая модель памяти, в которой лента (здесь ≈ 4 состояния) считается за одну единицу.

# %% [markdown] en="696397a1a7" slideshow={"slide_type": "slide"}
# ### Контрольные точки внутри функции (за рамками лекции)
#
# Та же идея без цепочки: `checkpoint(f)` делает `f` **одним примитивом**. Его прямой проход выполняет `f` на обычных
# значениях (ничего из внутренностей `f` не попадает на ленту); его правило VJP заново запускает `f` под `adlib.vjp`,
# когда до него доходит обратный проход. Весь трюк — несколько строк в `adlib/custom.py` (`adlib.checkpoint`):
#
# ```python
# prim = Primitive(f)                                                 # прямой проход: f на обычных значениях, один узел ленты
# prim.defvjp_all(lambda g, ans, *args: (adlib.vjp(f, *args)[1])(g))  # обратный: пересчитать f с лентой, пройти назад
# prim.defjvp_all(lambda ts, ans, *args: adlib.jvp(f, args, ts)[1])   # прямой режим: собственный код f
# ```
#
# 16-слойный MLP из 4 отрезков по 4 слоя с контрольными точками:

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

# %% [markdown] en="bc3b0dd04b" slideshow={"slide_type": "fragment"}
# Производные любого порядка по-прежнему работают: правила написаны на самом `adlib`, поэтому внешняя производная
# трассирует пересчёт, как любой другой код.

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

# %% [markdown] en="78af3bc888" slideshow={"slide_type": "slide"}
# ### Проверка с JAX (за рамками лекции)
#
# Та же сеть в JAX (float64): тот же градиент, а `jax.ad_checkpoint.print_saved_residuals` показывает, что JAX
# сохраняет для обратного прохода — без `jax.checkpoint` вокруг каждого 4-слойного отрезка и с ним.

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

# %% [markdown] en="2a49fce00d" slideshow={"slide_type": "slide"}
# ## Итоги
#
# Из лекции:
# * Цена обратного режима — память (ответ на вопрос «Какова стоимость ускорения?»): обычный обратный проход хранит
#   промежуточные значения всех $n$ шагов; «пересчитывать всё» хранит $O(1)$ и платит $n(n-1)/2$ лишних шагов;
#   контрольные точки через каждые $\sqrt n$ шагов хранят $O(\sqrt n)$ ценой менее одного лишнего прямого прохода.
# * GPT-2 1.5 B: 60 GB активаций. При $M(k) = \lceil n/k\rceil c + 12kc$ лучший интервал — $k = 2$, 5.0 GB (9.5 GB
#   при $k = \lceil\sqrt{48}\,\rceil = 7$); ≈ 8 GB из лекции — это «примерно 8 GB» (*about 8GB*) из ZeRO (наше прочтение:
#   $60/\sqrt{48} \approx 8.7$ GB).
#   Подсчёт: при $k = 2$ дважды выполняются 46 из 48 слоёв, +32 % вычислений; 33 % из лекции — это один целый лишний
#   прямой проход.
#
# За рамками лекции:
# * Биномиальное расписание достигает доказанного минимума $t(n, s)$ пересчётов для $s$ контрольных точек
#   (проверено для всех $n \le 100$, $s \le 10$).
# * Любое расписание возвращает градиент обычного обратного режима бит в бит; `checkpoint(f)` делает то же, что
#   `jax.checkpoint` (те же градиенты, меньше сохранённых для обратного прохода значений).
#
# Опирается на [05 — обратный режим](05_reverse_mode.ipynb) (цена обратного режима — память). Далее:
# [11 — чем AD не является](11_what_ad_is_not.ipynb), где «AD (обратный режим) не является эффективным по памяти» —
# один из заключительных тезисов лекции.
