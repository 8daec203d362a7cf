# ---
# jupyter:
#   course:
#     summary: Hutchinson's trace estimator, Hutch++, an MLP Hessian's trace
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

# %% [markdown] en="74616db128" slideshow={"slide_type": "slide"}
# # Идея Хатчинсона для оценки следа матрицы
#
# След гессиана $\operatorname{tr} \nabla^2 L = \sum_i \partial^2 L / \partial w_i^2$ (суммарная кривизна; он нужен
# при прореживании и квантизации сетей, в мерах «остроты» минимума, в оптимизаторах второго порядка) без самого
# гессиана — только через произведения гессиана на вектор. В этом ноутбуке: оценка со слайда и с её помощью след
# гессиана функции потерь небольшой сети (Рис. 29 лекции); затем, за рамками лекции, — дисперсия оценки для трёх типов
# случайных проб (в сравнении с формулами); Hutch++, который для положительно полуопределённой матрицы достигает
# относительной ошибки $\varepsilon$ (относительно $\operatorname{tr} A$) за $O(1/\varepsilon)$ произведений, тогда
# как граница для оценки Хатчинсона — $O(1/\varepsilon^2)$ (это граница для худшего случая, а не обещание: на плоском
# спектре Hutch++ проигрывает); Hutch++ на гессиане сети (знаконеопределённом, то есть вне предположения этой
# границы); и виджет. В трёх упражнениях вы придумаете свою пробу, предскажете, сколько стоит ещё одна верная цифра,
# и построите матрицу, на которой пробы на сфере превосходят пробы Радемахера.
#
# Задайте переменную окружения `ADLIB_FULL=1`, чтобы в эксперименте «ошибка против бюджета» было больше испытаний и
# более крупные бюджеты (медленнее; по умолчанию ноутбук выполняется меньше чем за минуту).

# %% [markdown] slideshow={"slide_type": "skip"} tags=["colab"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/adlib-course/adlib-course/blob/v0.1.0/notebooks/ru/09_hutchinson.ipynb)
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
import math
import os

# One BLAS thread (before NumPy loads; set the variable yourself to override): the matrices here are small, and
# on a shared 2-core machine (CI, Colab) extra BLAS threads mostly wait for each other.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

from adlib.course import curvature, exercises, projector
from adlib.course.claims import choose, claim, say
from adlib.course.i18n import Labels, plural_ru, tr
from adlib.course.measure import loglog_slope

projector.use()  # the course's font sizes: figures readable on a projector
FULL = os.environ.get("ADLIB_FULL") == "1"
np.set_printoptions(precision=4)
# display names of the probe kinds and spectra (the code's keys in English)
PROBE_NAMES = Labels({"rademacher": ("rademacher", "Радемахер"), "gaussian": ("gaussian", "Гаусс"),
                      "sphere": ("sphere", "сфера")})
SPECTRUM_NAMES = Labels({"flat": ("flat", "плоский"), "polynomial": ("polynomial", "полиномиальный"),
                         "exponential": ("exponential", "экспоненциальный")})

# %% [markdown] en="407ca772ab" slideshow={"slide_type": "fragment"}
# Опирается на [08 — произведение гессиана на вектор](08_hvp.ipynb) (каждая проба здесь стоит одного HVP; сеть и
# спектр её гессиана — те же, что в 08). Ведёт к [10 — контрольные точки](10_checkpointing.ipynb); оценка снова
# появится в итогах [11 — чем AD не является](11_what_ad_is_not.ipynb).
#
# Сначала идут слайд лекции и Рис. 29; дисперсия разных проб, Hutch++ и виджет — после них, **за рамками лекции**.

# %% [markdown] en="cc099bd8a0" slideshow={"slide_type": "slide"}
# ## Идея Хатчинсона для оценки следа матрицы
#
# Для случайного вектора $v$ с $\mathbb E[v v^\top] = I$
#
# $$\mathbb E[v^\top X v] = \mathbb E[\operatorname{tr}(X v v^\top)] = \operatorname{tr}(X\, \mathbb E[v v^\top])
#   = \operatorname{tr} X, \qquad\text{поэтому}\qquad \operatorname{tr} X \approx \frac1V \sum_{i=1}^V v_i^\top X v_i .$$
#
# Каждое слагаемое требует одного произведения $X v_i$ — для гессиана одного HVP. (Оценка принадлежит Хатчинсону:
# M. F. Hutchinson, "A stochastic estimator of the trace of the influence matrix for Laplacian smoothing splines",
# 1990.) Оценка со слайда в трёх строках:

# %% slideshow={"slide_type": "fragment"}
def hutchinson_slide(matvec, n, V, rng):
    vs = rng.choice([-1.0, 1.0], size=(V, n))  # Rademacher probes: E[v vᵀ] = I
    return np.mean([v @ matvec(v) for v in vs])


rng = np.random.default_rng(0)
B = rng.standard_normal((50, 50))
X = (B + B.T) / 2 + np.diag(rng.uniform(1, 4, 50))  # symmetric, its diagonal shifted up by U(1, 4)
diag_share = np.sum(np.diag(X) ** 2) / np.sum(X**2)  # Σ X_ii² / ‖X‖_F²
sigma_X = np.sqrt(curvature.hutchinson_variance(X, "rademacher"))  # std of one term vᵀXv (formula: see below)
diag_X2, frob_X2 = np.sum(np.diag(X) ** 2), np.sum(X**2)
print(tr(f"the diagonal holds {diag_share:.0%} of ‖X‖_F² (Σ X_ii² = {diag_X2:.0f} of {frob_X2:.0f})",
         f"на диагональ приходится {diag_share:.0%} ‖X‖_F² (Σ X_ii² = {diag_X2:.0f} из {frob_X2:.0f})"))
z = {}
print(f"{'V':>5} {tr('estimate', 'оценка'):>9} {tr('error', 'ошибка'):>8} {'σ/√V':>7} "
      f"{tr('error/(σ/√V)', 'ош./(σ/√V)'):>13}   {tr('exact', 'точно')} tr X = {np.trace(X):.3f}")
for V in [1, 10, 100, 1000]:
    est = hutchinson_slide(lambda v: X @ v, 50, V, rng)
    z[V] = (est - np.trace(X)) / (sigma_X / np.sqrt(V))
    print(f"{V:5d} {est:9.3f} {est - np.trace(X):8.3f} {sigma_X / np.sqrt(V):7.3f} {z[V]:13.2f}")

# %% slideshow={"slide_type": "fragment"}
p_1000 = math.erfc(abs(z[1000]) / math.sqrt(2))  # two-sided tail probability of such a deviation (Gaussian)
worse = abs(z[1000]) * sigma_X / np.sqrt(1000) > abs(z[100]) * sigma_X / np.sqrt(100)
say(f"The errors are random: what shrinks like $1/\\sqrt V$ is their typical size, the standard error "
    f"$\\sigma/\\sqrt V$ ({sigma_X / np.sqrt(100):.2f} at $V = 100$, {sigma_X / np.sqrt(1000):.2f} at "
    f"$V = 1000$). The $V = 100$ estimate landed {abs(z[100]):.1f} standard errors from the trace, the "
    f"$V = 1000$ one {abs(z[1000]):.1f} "
    + choose(z[1000] < 0, "below", "above")
    + f" (a deviation that large happens with probability ≈ {p_1000:.1%}) — so here $V = 1000$ is "
    + choose(worse, "**worse** than $V = 100$ in absolute terms: an unlucky draw, not a flaw of the estimator.",
             "also better than $V = 100$ in absolute terms."),
    ru=f"Ошибки случайны: как $1/\\sqrt V$ убывает их типичная величина — стандартная ошибка "
    f"$\\sigma/\\sqrt V$ ({sigma_X / np.sqrt(100):.2f} при $V = 100$, {sigma_X / np.sqrt(1000):.2f} при "
    f"$V = 1000$). Оценка при $V = 100$ отклонилась от следа на {abs(z[100]):.1f} стандартной ошибки, "
    f"оценка при $V = 1000$ — на {abs(z[1000]):.1f} "
    + choose(z[1000] < 0, "вниз", "вверх")
    + f" (отклонение такой величины случается с вероятностью ≈ {p_1000:.1%}), так что здесь оценка при $V = 1000$ "
    + choose(worse, "по абсолютной ошибке **хуже**, чем при $V = 100$: неудачная выборка, а не недостаток "
             "оценки.", "и по абсолютной ошибке лучше, чем при $V = 100$."))

# %% [markdown] en="ec452fb752" slideshow={"slide_type": "subslide"}
# **Упражнение 9.1** — своя проба. Подойдёт любой случайный $v$ с $\mathbb E[vv^\top] = I$. Возьмите независимые
# компоненты, равномерно распределённые на $[-a, a]$: при каком $a$ оценка несмещённая?

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_a = None  # your code here: a number (np.sqrt and friends at hand)

exercises.check_value(my_a, np.sqrt(3.0), name="a",
                      hint=("the entries are independent with mean 0, so E[v_i v_j] = 0 for i ≠ j; what remains is "
                            "E[v_i²], the variance of U(−a, a)",
                            "компоненты независимы и имеют нулевое среднее, поэтому E[v_i v_j] = 0 при i ≠ j; "
                            "остаётся E[v_i²] — дисперсия U(−a, a)"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Решение
# Off the diagonal E[v_i v_j] = E[v_i] E[v_j] = 0. On it, E[v_i²] = (1/2a) ∫_{−a}^{a} t² dt = a²/3, which must be 1.
solution_a = np.sqrt(3.0)

exercises.check_value(solution_a, np.sqrt(3.0), name="a").assert_passed()

# %% slideshow={"slide_type": "fragment"}
print(f"{tr('entries U(−a, a), a =', 'элементы U(−a, a), a ='):>22} "
      f"{tr('mean of 20 000 vᵀXv', 'среднее 20 000 vᵀXv'):>20} {tr('± std. error', '± ст. ошибка'):>13}   "
      f"tr X = {np.trace(X):.2f}")
uniform_means = {}
for a in [1.0, np.sqrt(3.0)]:
    probes_u = np.random.default_rng(30).uniform(-a, a, size=(50, 20_000))  # one probe per column
    s_u = np.einsum("ij,ij->j", probes_u, X @ probes_u)  # the 20 000 single-probe estimates vᵀXv
    uniform_means[a] = (s_u.mean(), s_u.std(ddof=1) / np.sqrt(s_u.size))
    print(f"{a:22.3f} {uniform_means[a][0]:20.2f} {uniform_means[a][1]:13.2f}")
(m_1, se_1), (m_3, se_3) = uniform_means[1.0], uniform_means[np.sqrt(3.0)]
claim(abs(m_3 - np.trace(X)) < 4 * se_3 and abs(m_1 - np.trace(X) / 3) < 4 * se_1,
      "a = √3 is unbiased; a = 1 estimates tr X / 3", m_1=m_1, m_3=m_3)
say(f"With $a = \\sqrt 3$ the mean lands within {abs(m_3 - np.trace(X)) / se_3:.1f} standard errors of "
    f"$\\operatorname{{tr}} X$; with $a = 1$, $\\mathbb E[vv^\\top] = I/3$ and the estimator converges — just as "
    f"surely — to $\\operatorname{{tr}} X / 3 = {np.trace(X) / 3:.2f}$.",
    ru=f"При $a = \\sqrt 3$ среднее отличается от $\\operatorname{{tr}} X$ на {abs(m_3 - np.trace(X)) / se_3:.1f} "
    f"стандартной ошибки; при $a = 1$ $\\mathbb E[vv^\\top] = I/3$, и оценка сходится — столь же уверенно — "
    f"к $\\operatorname{{tr}} X / 3 = {np.trace(X) / 3:.2f}$.")

# %% [markdown] en="2e829b2a0b" slideshow={"slide_type": "subslide"}
# **Упражнение 9.2** — сначала предскажите, потом запустите. Типичная ошибка оценки (её стандартное отклонение)
# равна $\sigma/\sqrt V$. Во сколько раз больше проб — для гессиана HVP — нужно, чтобы получить ещё одну верную
# цифру, то есть уменьшить типичную ошибку в 10 раз? Измерение: среднеквадратичная ошибка по 300 независимым
# запускам с $V = 10$ и с $V = 1000$ пробами на матрице $X$ выше и вытекающий из неё множитель числа проб на
# десятикратное уменьшение ошибки.

# %% slideshow={"slide_type": "skip"}
@functools.lru_cache  # seeded: the exercise, its solution and the next cell share one measurement
def rms_errors(budgets=(10, 1000), trials=300, seed=20):
    """Root-mean-square error of Hutchinson's estimate of tr X over `trials` runs, for each number of probes."""
    rng = np.random.default_rng(seed)
    return {V: float(np.sqrt(np.mean((curvature.trace_estimates(X, "hutchinson", V, trials, rng)
                                      - np.trace(X)) ** 2))) for V in budgets}


def probes_per_digit():
    """The factor of probes that divides the measured RMS error by 10 (from V = 10 to V = 1000)."""
    rms = rms_errors()
    return (1000 / 10) ** (1 / np.log10(rms[10] / rms[1000]))


# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_probes_per_digit = None  # your code here: a number, how many times more probes for a 10× smaller error

exercises.check_prediction(my_probes_per_digit, probes_per_digit(), within=1.5,
                           name=tr("the measured factor of probes per digit", "измеренный множитель числа проб на цифру"),
                           hint=("the error falls like 1/√V: by what factor must V grow for √V to grow 10 times?",
                                 "ошибка убывает как 1/√V: во сколько раз должно вырасти V, чтобы √V выросло в 10 раз?"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Решение
# σ/√V shrinks 10× when √V grows 10×, i.e. when V grows 10² = 100×: every extra digit costs 100 times the HVPs.
solution_probes_per_digit = 100

exercises.check_prediction(solution_probes_per_digit, probes_per_digit(), within=1.5,
                           name=tr("the measured factor of probes per digit",
                                   "измеренный множитель числа проб на цифру")).assert_passed()

# %% slideshow={"slide_type": "fragment"}
rms = rms_errors()
for V_, e in rms.items():
    print(f"V = {V_:4d}: " + tr("RMS error over 300 runs", "среднеквадратичная ошибка по 300 запускам")
          + f" {e:6.3f}   σ/√V = {sigma_X / np.sqrt(V_):6.3f}")
claim(all(abs(e / (sigma_X / np.sqrt(V_)) - 1) < 0.15 for V_, e in rms.items()),
      "the RMS errors are σ/√V within 15%", rms=rms)
say(f"From $V = 10$ to $V = 1000$ the RMS error fell {rms[10] / rms[1000]:.1f}×: one digit for "
    f"**{probes_per_digit():.0f}×** the probes (the law says 100).",
    ru=f"От $V = 10$ до $V = 1000$ среднеквадратичная ошибка уменьшилась в {rms[10] / rms[1000]:.1f} раза: одна "
    f"цифра стоит в **{probes_per_digit():.0f}** {plural_ru(round(probes_per_digit()), 'раз', 'раза', 'раз')} "
    f"больше проб (по закону — в 100).")

# %% [markdown] en="355b3ae819" slideshow={"slide_type": "slide"}
# ## След гессиана нейронной сети (Рис. 29)
#
# На Рис. 29 (пример из BackPACK) след гессиана функции потерь MLP оценивается по $V$ от 10 до 1000 пробам
# Радемахера (оценка Хатчинсона, 1990) и сравнивается с точным следом. То же самое здесь — на небольшом MLP с tanh
# (2 → 12 → 12 → 1, 205 весов, логистическая функция потерь на наборе данных «две спирали», сгенерированном с
# фиксированным зерном); каждая проба стоит одного HVP, точный след получается из 205 столбцов плотного гессиана (HVP
# с единичными векторами), сверенного с `jax.hessian`.

# %% slideshow={"slide_type": "subslide"}
import jax

jax.config.update("jax_enable_x64", True)  # before the first JAX array
import jax.numpy as jnp

problem = curvature.mlp_problem(seed=0)
w = problem.w0
H_op = curvature.hvp_operator(problem.loss, w)  # v ↦ ∇²L(w) v, forward-over-reverse
H = np.column_stack([H_op(e) for e in np.eye(w.size)])
exact_trace = np.trace(H)


def loss_jax(w):
    v, start = jnp.asarray(problem.X), 0
    sizes = problem.sizes
    for i, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        W = w[start : start + d_in * d_out].reshape(d_in, d_out)
        b = w[start + d_in * d_out : start + d_in * d_out + d_out]
        start += d_in * d_out + d_out
        v = v @ W + b
        if i < len(sizes) - 2:
            v = jnp.tanh(v)
    return jnp.mean(jnp.logaddexp(0.0, -problem.y * v.reshape(-1)))


H_jax = np.asarray(jax.jit(jax.hessian(loss_jax))(w))
np.testing.assert_allclose(H, H_jax, rtol=1e-8, atol=1e-12)
np.testing.assert_allclose(exact_trace, np.trace(H_jax), rtol=1e-10)
print(tr(f"{w.size} weights; exact tr ∇²L = {exact_trace:.6f} (adlib) = {np.trace(H_jax):.6f} (JAX)",
         f"{w.size} {plural_ru(w.size, 'вес', 'веса', 'весов')}; точный tr ∇²L = {exact_trace:.6f} (adlib) = "
         f"{np.trace(H_jax):.6f} (JAX)"))

# %% slideshow={"slide_type": "subslide"}
H_op.calls = 0
V_max = 1000
single = curvature.hutchinson_samples(H_op, None, V_max, np.random.default_rng(3), "rademacher")  # 1000 HVPs
V = np.arange(1, V_max + 1)
running = np.cumsum(single) / V
sd = np.sqrt(curvature.hutchinson_variance(H, "rademacher"))  # σ of one probe, from the dense H
print(tr("HVPs used:", "использовано HVP:"), H_op.calls)
for v_ in [10, 100, 1000]:
    err_, expected_ = abs(running[v_ - 1] - exact_trace), sd / np.sqrt(v_)
    print(tr(f"Hutchinson, V = {v_:4d}: {running[v_ - 1]:.5f}  (error {err_:.1e}, expected ±{expected_:.1e})",
             f"Хатчинсон, V = {v_:4d}: {running[v_ - 1]:.5f}  (ошибка {err_:.1e}, ожидаемая ±{expected_:.1e})"))
assert abs(running[-1] - exact_trace) < 4 * sd / np.sqrt(V_max)

fig, ax = plt.subplots(figsize=(8.8, 4.8))
ax.semilogx(V[9:], running[9:], color="tab:blue",
            label=tr("Hutchinson (Rademacher): mean of V probes", "Хатчинсон (Радемахер): среднее по V пробам"))
ax.fill_between(V[9:], exact_trace - 2 * sd / np.sqrt(V[9:]), exact_trace + 2 * sd / np.sqrt(V[9:]),
                color="tab:blue", alpha=0.15,
                label=tr(r"exact $\pm 2\sigma/\sqrt{V}$", r"точный след $\pm 2\sigma/\sqrt{V}$"))
ax.axhline(exact_trace, color="k", lw=1, label=tr(f"exact trace {exact_trace:.4f}", f"точный след {exact_trace:.4f}"))
ax.set_xlabel(tr("number of probes V (= HVPs)", "число проб V (= число HVP)"))
ax.set_ylabel(tr(r"estimate of tr $\nabla^2 L$", r"оценка tr $\nabla^2 L$"))
ax.set_title(tr("Trace of the MLP's loss Hessian from HVPs (cf. Рис. 29)",
                "След гессиана функции потерь MLP по HVP (ср. Рис. 29)"))
ax.legend(loc="lower right")
fig.tight_layout()
plt.show()
inside = np.abs(running[9:] - exact_trace) <= 2 * sd / np.sqrt(V[9:])  # V = 10 … 1000
outside = V[9:][~inside]
claim(inside.mean() > 0.9, "the running estimate stays mostly inside the funnel", inside=inside.mean())
say(f"The running estimate is inside the $\\pm 2\\sigma/\\sqrt V$ funnel for **{inside.mean():.0%}** of the "
    f"$V$ from 10 to 1000"
    + (f" — it leaves it for {outside.size} values of $V$, between {outside.min()} and {outside.max()}."
       if outside.size else "."),
    ru=f"Текущая оценка лежит внутри воронки $\\pm 2\\sigma/\\sqrt V$ при **{inside.mean():.0%}** значений $V$ "
    f"от 10 до 1000"
    + (f" — она выходит из неё при {outside.size} "
       f"{plural_ru(outside.size, 'значении', 'значениях', 'значениях')} $V$, от {outside.min()} до {outside.max()}."
       if outside.size else "."))

# %% [markdown] en="33d7da6309" slideshow={"slide_type": "fragment"}
# Что видно: текущая оценка Хатчинсона блуждает вокруг точного следа, в основном внутри воронки
# $\pm 2\sigma/\sqrt V$ ($\sigma$ — стандартное отклонение $v^\top H v$ для одной пробы), и устанавливается медленно.
# Воронка — поточечная 95%-ная полоса: накопленная сумма — это случайное блуждание, а текущее среднее — это
# блуждание, делённое на $V$, поэтому соседние значения сильно коррелированы, и если среднее выходит из полосы, то на
# целом отрезке значений $V$, а не в отдельных точках.

# %% [markdown] en="e6f8fe8969" slideshow={"slide_type": "slide"}
# ## За рамками лекции: дисперсия оценки
#
# У всех трёх проб ниже $\mathbb E[vv^\top] = I$, так что все они дают несмещённую оценку; различаются они
# дисперсией одного слагаемого $v^\top X v$ (для симметричной $X$):
#
# | проба | $v$ | $\operatorname{Var}(v^\top X v)$ |
# |---|---|---|
# | Радемахер | компоненты $\pm 1$ | $2\bigl(\|X\|_F^2 - \sum_i X_{ii}^2\bigr)$ — диагональ видна точно |
# | Гаусс | $\mathcal N(0, I)$ | $2\|X\|_F^2$ |
# | сфера | равномерно на $\|v\| = \sqrt n$ | $\frac{2n}{n+2}\bigl(\|X\|_F^2 - (\operatorname{tr} X)^2/n\bigr)$ — кратное $I$ видно точно |
#
# Измерено по 20 000 проб каждого типа на матрице $X$ из первого примера; допуск — выборочная погрешность выборочной
# дисперсии, $\sqrt{(\mu_4 - \sigma^4)/N}$, оценённая по тем же выборкам.

# %% slideshow={"slide_type": "subslide"}
def variance_with_se(s):
    """The sample variance of the samples s and its standard error √((μ₄ − σ⁴)/N) (0, not nan, when rounding
    makes μ₄ − σ⁴ slightly negative: a two-point distribution such as Rademacher's on a 2 × 2 matrix has μ₄ = σ⁴)."""
    var = s.var(ddof=1)
    return var, np.sqrt(max(0.0, np.mean((s - s.mean()) ** 4) - var**2) / s.size)


N = 20_000
samples, measured, theory, se = {}, {}, {}, {}
print(f"{tr('probe', 'пробы'):>11} {tr('measured var', 'измер. дисп.'):>13} {tr('formula', 'формула'):>10} "
      f"{tr('std. error', 'ст. ошибка'):>11} {'z':>6}")
for k, probe in enumerate(curvature.PROBES):
    s = curvature.hutchinson_samples(X, None, N, np.random.default_rng(10 + k), probe)
    samples[probe] = s
    (measured[probe], se[probe]), theory[probe] = variance_with_se(s), curvature.hutchinson_variance(X, probe)
    z_ = (measured[probe] - theory[probe]) / se[probe]
    print(f"{PROBE_NAMES[probe]:>11} {measured[probe]:13.2f} {theory[probe]:10.2f} {se[probe]:11.2f} {z_:6.2f}")
    assert abs(z_) < 4, f"{probe}: the measured variance is {z_:.1f} standard errors off the formula"

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(8.8, 4.6))
bins = np.linspace(np.trace(X) - 250, np.trace(X) + 250, 80)
for probe, color in zip(curvature.PROBES, ["tab:blue", "tab:orange", "tab:green"]):
    ax.hist(samples[probe], bins=bins, histtype="step", lw=1.5, color=color, density=True,
            label=tr(f"{probe}: std {np.sqrt(theory[probe]):.1f} (formula)",
                     f"{PROBE_NAMES[probe]}: ст. откл. {np.sqrt(theory[probe]):.1f} (формула)"))
ax.axvline(np.trace(X), color="k", lw=1, label=f"tr X = {np.trace(X):.1f}")
ax.set_xlabel(tr("single-probe estimate $v^T X v$", "оценка по одной пробе $v^T X v$"))
ax.set_ylabel(tr("density", "плотность"))
ax.set_title(tr("One probe's estimate: same mean, different spread",
                "Оценка по одной пробе: среднее одно, разброс разный"))
ax.legend(loc="upper left")
fig.tight_layout()
plt.show()
tie = abs(measured["rademacher"] - measured["sphere"]) / np.hypot(se["rademacher"], se["sphere"])
gain = 1 - max(measured["rademacher"], measured["sphere"]) / measured["gaussian"]
claim(theory["rademacher"] < theory["sphere"] < theory["gaussian"], "the formulas order Rademacher < sphere < Gaussian")
claim(tie < 3 and gain > 0.1, "Rademacher and sphere are tied within the sampling error, both clearly below Gaussian",
      tie=tie, gain=gain)
claim(0.15 < diag_share < 0.3, "the diagonal holds about a fifth of ‖X‖_F²", diag_share=diag_share)
say(f"Gaussian probes are the widest (variance {measured['gaussian']:.0f} measured); Rademacher and sphere "
    f"probes have a **{gain:.0%} smaller variance and are tied with each other**: by the formulas Rademacher wins by only "
    f"{theory['sphere'] / theory['rademacher'] - 1:.1%} ({theory['rademacher']:.0f} vs {theory['sphere']:.0f}), "
    f"while the measured variances ({measured['rademacher']:.0f} vs {measured['sphere']:.0f}) differ by "
    f"{tie:.1f} standard errors — 20 000 probes cannot tell them apart.",
    ru=f"Гауссовы пробы дают самый широкий разброс (измеренная дисперсия {measured['gaussian']:.0f}); у проб "
    f"Радемахера и проб на сфере дисперсия **на {gain:.0%} меньше, и они идут вровень друг с другом**: по формулам "
    f"пробы Радемахера выигрывают всего {theory['sphere'] / theory['rademacher'] - 1:.1%} "
    f"({theory['rademacher']:.0f} против {theory['sphere']:.0f}), а измеренные дисперсии "
    f"({measured['rademacher']:.0f} против {measured['sphere']:.0f}) различаются на {tie:.1f} стандартной ошибки — "
    f"20 000 проб не могут их различить.")

# %% [markdown] en="9112b1fb5a" slideshow={"slide_type": "fragment"}
# Почему так: гауссова проба видит диагональ с шумом ($v_i^2$ меняется) и имеет случайную длину; проба Радемахера
# видит диагональ $X$ точно ($v_i^2 = 1$; здесь на диагональ приходится около пятой части $\|X\|_F^2$, см. вывод
# выше), а проба на сфере имеет фиксированную длину (она точно видит $\operatorname{tr}X/n \cdot I$, и её множитель
# $\frac{2n}{n+2}$ меньше 2). Здесь эти две экономии примерно равны. Каким бы ни был тип проб, усреднение $V$ проб
# делит дисперсию на $V$: ошибка убывает как $1/\sqrt V$ — чтобы получить ещё одну цифру, нужно в сто раз больше
# HVP.

# %% slideshow={"slide_type": "skip"}
def probe_duel(A, N=20_000, seed=40):
    """Measure the single-probe variance of Rademacher and sphere probes on the matrix A (N probes each) and say
    which is smaller by more than 3 standard errors of the difference: "sphere", "rademacher" or "tie"."""
    if A is None or A is Ellipsis:
        return None  # the stub: "not done yet"
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not 1 <= A.shape[0] <= 200 or not np.all(np.isfinite(A)):
        raise ValueError(tr(f"the matrix must be square, n × n with 1 ≤ n ≤ 200, finite; got shape {A.shape}",
                            f"матрица должна быть квадратной, n × n с 1 ≤ n ≤ 200, из конечных чисел; получена "
                            f"форма {A.shape}"))
    A = (A + A.T) / 2  # vᵀAv sees only the symmetric part
    found = {}
    for k, probe in enumerate(("rademacher", "sphere")):
        s = curvature.hutchinson_samples(A, None, N, np.random.default_rng(seed + k), probe)
        found[probe] = (*variance_with_se(s), curvature.hutchinson_variance(A, probe))
    print(f"{tr('probe', 'пробы'):>11} {tr('measured variance', 'измеренная дисперсия'):>21} "
          f"{tr('± std. error', '± ст. ошибка'):>13} {tr('formula', 'формула'):>10}")
    for probe, (var, err, formula) in found.items():
        print(f"{PROBE_NAMES[probe]:>11} {var:21.4g} {err:13.2g} {formula:10.4g}")
    (var_r, se_r, _), (var_s, se_s, _) = found["rademacher"], found["sphere"]
    margin = 3 * np.hypot(se_r, se_s) + 1e-12 * np.sum(A * A)  # sampling error, and rounding for exact ties
    winner = "sphere" if var_r - var_s > margin else "rademacher" if var_s - var_r > margin else "tie"
    print({"sphere": tr("→ sphere probes win", "→ побеждают пробы на сфере"),
           "rademacher": tr("→ Rademacher probes win", "→ побеждают пробы Радемахера"),
           "tie": tr(f"→ a tie: the difference {var_r - var_s:.3g} is within 3 standard errors ({margin:.2g})",
                     f"→ ничья: разность {var_r - var_s:.3g} в пределах 3 стандартных ошибок ({margin:.2g})")}[winner])
    return winner


# %% [markdown] en="b6a20c25cc" slideshow={"slide_type": "subslide"}
# **Упражнение 9.3** — на матрице $X$ выше пробы Радемахера и пробы на сфере идут вровень. Постройте
# симметричную матрицу, на которой **пробы на сфере явно выигрывают**: ячейка измеряет обе дисперсии по 20 000 проб
# каждого типа и называет победителя, только если разность больше 3 стандартных ошибок. Сначала прочтите формулы
# таблицы: что каждая проба видит точно и что остаётся множителю $\frac{2n}{n+2}$?

# %% slideshow={"slide_type": "-"} tags=["exercise"]
my_matrix = None  # your code here: a symmetric n × n array (n ≤ 200), e.g. np.array([[..., ...], [..., ...]])

exercises.check_choice(probe_duel(my_matrix), "sphere", ["sphere", "rademacher", "tie"],
                       hint=("Rademacher sees the whole diagonal exactly, the sphere only its mean: make the diagonal "
                             "constant. What is left, the sphere weighs by n/(n+2) of Rademacher's: small n",
                             "пробы Радемахера видят точно всю диагональ, пробы на сфере — только её среднее: сделайте "
                             "диагональ постоянной. Остальное сфера учитывает с весом n/(n+2) от веса Радемахера: "
                             "возьмите малое n"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Решение
# With off = ‖X‖_F² − Σ X_ii² and s = Σ X_ii² − (tr X)²/n (the spread of the diagonal), the formulas are
# Rademacher 2·off and sphere 2n/(n+2)·(off + s): the sphere wins iff n·s < 2·off. A constant diagonal (s = 0)
# with something off the diagonal, at small n: here n = 2, where the sphere's variance is half of Rademacher's.
solution_matrix = np.array([[1.0, 1.0], [1.0, 1.0]])

exercises.check_choice(probe_duel(solution_matrix), "sphere", ["sphere", "rademacher", "tie"]).assert_passed()

# %% slideshow={"slide_type": "fragment"}
print(f"{'n':>4} {tr('sphere / Rademacher (formula)', 'сфера / Радемахер (формула)'):>30} "
      f"{tr('(measured)', '(измерено)'):>11} {tr('± std. error', '± ст. ошибка'):>13}")
edge = {}
for n_ in [2, 5, 20, 50]:
    A_n = np.ones((n_, n_))  # a constant diagonal: the sphere's variance is n/(n+2) of Rademacher's
    (v_r, e_r), (v_s, e_s) = (variance_with_se(curvature.hutchinson_samples(A_n, None, 20_000,
                                                                            np.random.default_rng(50 + k), probe))
                              for k, probe in enumerate(("rademacher", "sphere")))
    edge[n_] = (v_s / v_r, np.hypot(e_s / v_r, v_s * e_r / v_r**2))  # the ratio and its standard error
    formula = curvature.hutchinson_variance(A_n, "sphere") / curvature.hutchinson_variance(A_n, "rademacher")
    assert np.isclose(formula, n_ / (n_ + 2))
    print(f"{n_:4d} {formula:30.3f} {edge[n_][0]:11.3f} {edge[n_][1]:13.3f}")
claim(all(abs(r - n_ / (n_ + 2)) < 4 * e for n_, (r, e) in edge.items()), "the measured ratios follow n/(n+2)")
claim(1 - edge[2][0] > 3 * edge[2][1] and abs(1 - edge[50][0]) < 3 * edge[50][1],
      "at n = 2 the sphere's edge is clear, at n = 50 it is within the sampling error", edge=edge)
say(f"On a constant diagonal the sphere's edge is exactly $n/(n+2)$: half the variance at $n = 2$, "
    f"{1 - 50 / 52:.0%} less at $n = 50$ — where 20 000 probes measure a ratio of {edge[50][0]:.3f} ± "
    f"{edge[50][1]:.3f} and cannot tell the two apart. Rademacher's advantage (a varying diagonal) can be "
    f"arbitrarily large; the sphere's never exceeds a factor 2.",
    ru=f"При постоянной диагонали преимущество сферы — ровно множитель $n/(n+2)$: вдвое меньшая дисперсия при "
    f"$n = 2$, на {1 - 50 / 52:.0%} меньшая при $n = 50$, где 20 000 проб дают отношение {edge[50][0]:.3f} ± "
    f"{edge[50][1]:.3f} и не могут различить два типа проб. Преимущество проб Радемахера (при меняющейся "
    f"диагонали) может быть сколь угодно большим; преимущество сферы никогда не превышает двух раз.")

# %% [markdown] en="ebf9bfed60" slideshow={"slide_type": "slide"}
# ## За рамками лекции: Hutch++, след по низкоранговой части точно
#
# Дисперсия $\approx 2\|X\|_F^2$ определяется в основном большими собственными значениями. Hutch++ (Meyer, Musco,
# Musco, Woodruff, 2021) сначала убирает их: при бюджете в $m$ умножений на матрицу
#
# 1. строим скетч $Q = \operatorname{orth}(X S)$ по $m/3$ случайным пробам $S$ — он натянут (приблизительно) на
#    старшие собственные векторы;
# 2. след этой части вычисляем точно: $\operatorname{tr}(Q^\top X Q)$ (ещё $m/3$ умножений);
# 3. к остатку $(I - QQ^\top) X (I - QQ^\top)$ применяем оценку Хатчинсона с последними $m/3$ пробами.
#
# В коде (те же случайные выборки, что в `curvature.hutchpp`, которая к тому же проверяет свои аргументы), на
# матрице $X$ из первого примера:

# %% slideshow={"slide_type": "fragment"}
def hutchpp_by_hand(X, m, rng):
    n, k = X.shape[0], m // 3
    Q, _ = np.linalg.qr(X @ rng.choice([-1.0, 1.0], size=(n, k)))  # 1. the top eigenspace, roughly
    G = rng.choice([-1.0, 1.0], size=(n, m - 2 * k))
    G = G - Q @ (Q.T @ G)  # 3. probes with the sketched part projected out
    return np.trace(Q.T @ X @ Q) + np.mean(np.sum(G * (X @ G), axis=0))  # 2. + 3.


np.testing.assert_allclose(hutchpp_by_hand(X, 30, np.random.default_rng(1)),
                           curvature.hutchpp(X, None, 30, np.random.default_rng(1)), rtol=1e-12)
print(tr("Hutch++ with 30 matvecs:", "Hutch++ с 30 умножениями на матрицу:")
      + f" {hutchpp_by_hand(X, 30, np.random.default_rng(1)):.3f}  (tr X = {np.trace(X):.3f})")
rms = {method: np.sqrt(np.mean((curvature.trace_estimates(X, method, 30, 400, np.random.default_rng(6))
                                - np.trace(X)) ** 2)) for method in ("hutchinson", "hutch++")}
lam_X = np.linalg.eigvalsh(X)
top10 = np.sum(np.sort(lam_X**2)[::-1][:10]) / np.sum(lam_X**2)  # what a perfect 10-vector sketch could remove
print(tr(f"RMS error over 400 runs with 30 matvecs: Hutchinson {rms['hutchinson']:.2f}, Hutch++ {rms['hutch++']:.2f}",
         f"среднеквадратичная ошибка по 400 запускам при 30 умножениях: Хатчинсон {rms['hutchinson']:.2f}, "
         f"Hutch++ {rms['hutch++']:.2f}"))
print(tr(f"eigenvalues of X in [{lam_X[0]:.1f}, {lam_X[-1]:.1f}]; the 10 largest |λ| hold {top10:.0%} of ‖X‖_F²",
         f"собственные значения X лежат в [{lam_X[0]:.1f}, {lam_X[-1]:.1f}]; на 10 наибольших |λ| приходится "
         f"{top10:.0%} ‖X‖_F²"))
claim(rms["hutch++"] > rms["hutchinson"] and top10 < 2 / 3,
      "on this X Hutch++ loses to Hutchinson: the spectrum is flat", rms=rms, top10=top10)

# %% [markdown] en="181c9f65bc" slideshow={"slide_type": "fragment"}
# На этой $X$ Hutch++ **проигрывает** обычной оценке Хатчинсона при том же бюджете. Её спектр плоский — полукруг,
# в котором нет нескольких доминирующих собственных значений, — так что даже идеальный скетч из 10 векторов оставил
# бы треть $\|X\|_F^2$ или больше последним 10 пробам, тогда как у оценки Хатчинсона на всю $\|X\|_F^2$ приходится
# 30 проб. Hutch++ окупается, когда спектр убывает, как ниже.

# %% [markdown] en="eaa1d23df0" slideshow={"slide_type": "subslide"}
# ### Ошибка в зависимости от числа умножений
#
# Три матрицы $1000 \times 1000$ вида $U \operatorname{diag}(\lambda) U^\top$ (случайная ортогональная $U$): с
# плоским спектром ($\lambda_i$ равномерно расставлены на $[1, 2]$), с полиномиально убывающим ($\lambda_i = 1/i$) и
# с экспоненциально убывающим ($\lambda_i = e^{-i/20}$). Среднеквадратичная относительная ошибка по независимым
# испытаниям и наклон, подобранный методом наименьших квадратов, для $\log(\text{ошибка})$ в зависимости от
# $\log(\text{число умножений})$. (Оценки Хатчинсона при разных бюджетах одного испытания — текущие средние одной
# последовательности проб, как на Рис. 29.)

# %% slideshow={"slide_type": "subslide"}
budgets = [6, 12, 24, 48, 96, 192, 384] + ([768] if FULL else [])
trials = 50 if FULL else 12
rng = np.random.default_rng(2)
errors, slopes = {}, {}
for kind in curvature.SPECTRA:
    A = curvature.spectrum_matrix(1000, kind, rng)
    errors[kind] = curvature.trace_errors(A, budgets, trials, rng)
    slopes[kind] = {method: loglog_slope(budgets, e) for method, e in errors[kind].items()}

width = max(12, *(len(SPECTRUM_NAMES[kind]) for kind in curvature.SPECTRA))
print(f"{tr('spectrum', 'спектр'):>{width}} {tr('slope Hutchinson', 'наклон (Хатчинсон)'):>17} "
      f"{tr('slope Hutch++', 'наклон (Hutch++)'):>14}   "
      + tr(f"relative error at m = {budgets[-1]}: Hutchinson / Hutch++",
           f"относительная ошибка при m = {budgets[-1]}: Хатчинсон / Hutch++"))
for kind in curvature.SPECTRA:
    e = errors[kind]
    print(f"{SPECTRUM_NAMES[kind]:>{width}} {slopes[kind]['hutchinson']:17.2f} {slopes[kind]['hutch++']:14.2f}   "
          f"{e['hutchinson'][-1]:.2e} / {e['hutch++'][-1]:.2e}")
for kind in ["polynomial", "exponential"]:  # the claim of Hutch++, checked on the decaying spectra
    assert slopes[kind]["hutch++"] < slopes[kind]["hutchinson"] - 0.3
    assert errors[kind]["hutch++"][-1] < errors[kind]["hutchinson"][-1] / 3

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 3, figsize=(11.5, 4.6), sharey=True)
for ax, kind in zip(axes, curvature.SPECTRA):  # log-log, each method's fitted slope, references m^-1/2 and m^-1
    curvature.plot_trace_errors(ax, budgets, errors[kind])
    ax.set_title(tr(f"{kind} spectrum", f"{SPECTRUM_NAMES[kind]} спектр"))
axes[0].set_ylabel(tr(f"RMS relative error ({trials} trials)",
                      f"СКО относит. ошибки ({trials} {plural_ru(trials, 'испытание', 'испытания', 'испытаний')})"))
fig.tight_layout()
plt.show()
ratio = {kind: errors[kind]["hutchinson"] / errors[kind]["hutch++"] for kind in curvature.SPECTRA}
# the first budget from which Hutch++ stays clearly ahead (error over 1.2× lower) on both decaying spectra
ahead = [m for j, m in enumerate(budgets)
         if all(np.all(ratio[kind][j:] > 1.2) for kind in ("polynomial", "exponential"))]
claim(np.all(ratio["flat"] < 1), "on the flat spectrum Hutch++ loses at every budget", ratio=ratio["flat"])
claim(all(abs(slopes[kind]["hutchinson"] + 0.5) < 0.2 for kind in curvature.SPECTRA)
      and abs(slopes["polynomial"]["hutch++"] + 1) < 0.2 and slopes["exponential"]["hutch++"] < -1.2,
      "slopes within 0.2 of −1/2 (Hutchinson, every spectrum), ≈ −1 on 1/i and steeper on e^(−i/20)",
      slopes=slopes)
claim(bool(ahead) and ahead[0] <= 100, "from about a hundred matvecs on Hutch++ stays clearly ahead", ahead=ahead)
say(f"At $m = {budgets[-1]}$ Hutch++'s error is **{ratio['polynomial'][-1]:.0f}×** lower than Hutchinson's on "
    f"$1/i$ and **{ratio['exponential'][-1]:.0f}×** lower on $e^{{-i/20}}$, but **{1 / ratio['flat'][-1]:.1f}×** "
    f"higher on the flat spectrum; on both decaying spectra it stays clearly ahead (by more than 1.2×) from "
    f"$m = {ahead[0]}$ on.",
    ru=f"При $m = {budgets[-1]}$ ошибка Hutch++ в **{ratio['polynomial'][-1]:.0f}** "
    f"{plural_ru(round(ratio['polynomial'][-1]), 'раз', 'раза', 'раз')} меньше, чем у метода Хатчинсона, на $1/i$ "
    f"и в **{ratio['exponential'][-1]:.0f}** {plural_ru(round(ratio['exponential'][-1]), 'раз', 'раза', 'раз')} "
    f"меньше на $e^{{-i/20}}$, но в **{1 / ratio['flat'][-1]:.1f}** раза больше на плоском спектре; на обоих "
    f"убывающих спектрах Hutch++ уверенно впереди (более чем в 1.2 раза) начиная с $m = {ahead[0]}$.")

# %% [markdown] en="63857d9b1f" slideshow={"slide_type": "fragment"}
# Что видно: ошибка оценки Хатчинсона убывает примерно как $m^{-1/2}$ при любом спектре (подобранные наклоны
# отличаются от $-1/2$ не больше чем на 0.2). На плоском спектре Hutch++ выигрывать нечего (доминирующей части нет),
# и он проигрывает при любом бюджете: две трети бюджета уходят на скетч. На убывающих спектрах его ошибка убывает как
# $m^{-1}$ (полиномиальный $1/i$: скорость из теории) или быстрее (экспоненциальный: как только скетч охватывает весь
# эффективный ранг, остаток крошечный) — и, начиная примерно со ста умножений, при равном бюджете ошибка у него явно
# меньше.

# %% [markdown] en="d68241b3ed" slideshow={"slide_type": "subslide"}
# ### Hutch++ для гессиана сети
#
# У гессиана с Рис. 29 несколько больших собственных значений и основная масса значений около нуля (ноутбук 08):
# убывающий спектр. Hutch++ с $m$ HVP против оценки Хатчинсона с тем же числом проб (текущее среднее выше):

# %% slideshow={"slide_type": "fragment"}
H_op.calls = 0
pp_budgets = [15, 45, 150, 300]
pp = np.array([curvature.hutchpp(H_op, None, m_, np.random.default_rng(4 + i)) for i, m_ in enumerate(pp_budgets)])
print(tr("HVPs used:", "использовано HVP:"), H_op.calls)
print(f"{'m':>5} {tr('Hutch++ error', 'ошибка Hutch++'):>14} {tr('Hutchinson error', 'ошибка Хатчинсона'):>17} "
      f"{tr('Hutchinson σ/√m', 'σ/√m Хатчинсона'):>16}")
for m_, est in zip(pp_budgets, pp):
    print(f"{m_:5d} {abs(est - exact_trace):14.1e} {abs(running[m_ - 1] - exact_trace):17.1e} {sd / np.sqrt(m_):16.1e}")
lam_H = np.linalg.eigvalsh((H + H.T) / 2)
top10_H = np.sum(np.sort(lam_H**2)[::-1][:10]) / np.sum(lam_H**2)

fig, ax = plt.subplots(figsize=(8.8, 4.6))
ax.loglog(V[9:], np.abs(running[9:] - exact_trace), color="tab:blue", lw=1,
          label=tr("Hutchinson |error| (V probes)", "Хатчинсон: |ошибка| (V проб)"))
ax.loglog(V[9:], sd / np.sqrt(V[9:]), "k:",
          label=tr(r"Hutchinson's $\sigma/\sqrt{V}$", r"Хатчинсон: $\sigma/\sqrt{V}$"))
ax.loglog(pp_budgets, np.abs(pp - exact_trace), "s-", color="tab:red",
          label=tr("Hutch++ |error| (m HVPs)", "Hutch++: |ошибка| (m HVP)"))
ax.set_xlabel(tr("HVPs", "число HVP"))
ax.set_ylabel(tr(r"|estimate − tr $\nabla^2 L$|", r"|оценка − tr $\nabla^2 L$|"))
ax.set_title(tr("The MLP's Hessian: Hutch++ against Hutchinson", "Гессиан MLP: Hutch++ против метода Хатчинсона"))
ax.legend(loc="lower left")
fig.tight_layout()
plt.show()
gain_150 = abs(running[-1] - exact_trace) / abs(pp[2] - exact_trace)
claim(np.all(np.abs(pp[2:] - exact_trace) < sd / np.sqrt(V_max)) and gain_150 > 3,
      "Hutch++ with 150 HVPs beats Hutchinson with 1000", gain_150=gain_150)
say(f"Hutch++ with **150** HVPs is {gain_150:.0f}× closer to the trace than Hutchinson with **1000** (errors "
    f"{abs(pp[2] - exact_trace):.1e} and {abs(running[-1] - exact_trace):.1e}): the 10 largest $|\\lambda|$ of "
    f"this Hessian hold {top10_H:.0%} of $\\|H\\|_F^2$ (the flat $X$ above: {top10:.0%}).",
    ru=f"Hutch++ со **150** HVP в {gain_150:.0f} {plural_ru(round(gain_150), 'раз', 'раза', 'раз')} ближе к следу, "
    f"чем метод Хатчинсона с **1000** (ошибки {abs(pp[2] - exact_trace):.1e} и {abs(running[-1] - exact_trace):.1e}): "
    f"на 10 наибольших $|\\lambda|$ этого гессиана приходится {top10_H:.0%} $\\|H\\|_F^2$ (у плоской матрицы $X$ "
    f"выше — {top10:.0%}).")

# %% [markdown] en="bbc536f75e" slideshow={"slide_type": "slide"}
# ## За рамками лекции — попробуйте: тип проб и бюджет
#
# 300 независимых оценок $\operatorname{tr} \nabla^2 L$ при выбранных типе проб и бюджете $m$: Хатчинсон против
# Hutch++. (Виджет умножает на плотный гессиан, вычисленный выше, чтобы откликаться мгновенно; сами методы оценки
# обращаются к нему только через умножение на вектор.) `trace_estimate_figure` считает и рисует; виджет лишь
# связывает с ней элементы управления. Сначала статичный рисунок при $m = 90$:

# %% slideshow={"slide_type": "subslide"}
@functools.lru_cache(maxsize=128)  # the widget redraws a setting it has seen without recomputing it
def trace_estimates_of_H(probe="rademacher", budget=90, trials=300, seed=0):
    """``trials`` seeded Hutchinson and Hutch++ estimates of tr H with ``budget`` matvecs each, and their RMS errors."""
    rng = np.random.default_rng(seed)
    estimates = {method: curvature.trace_estimates(H, method, budget, trials, rng, probe)
                 for method in ("hutchinson", "hutch++")}
    return estimates, {method: np.sqrt(np.mean((e - exact_trace) ** 2)) for method, e in estimates.items()}


def trace_estimate_figure(probe="rademacher", budget=90, trials=300, seed=0):
    """Histograms of the estimates of ``trace_estimates_of_H``; returns the figure and the RMS errors."""
    estimates, rmse = trace_estimates_of_H(probe, budget, trials, seed)
    fig, ax = plt.subplots(figsize=(8.8, 4.6))
    lo = min(e.min() for e in estimates.values())
    hi = max(e.max() for e in estimates.values())
    bins = np.linspace(lo, hi, 50)
    for (method, e), color in zip(estimates.items(), ["tab:blue", "tab:red"]):
        ax.hist(e, bins=bins, alpha=0.5, color=color,
                label=tr(f"{curvature.METHOD_NAMES[method]}: RMS error {rmse[method]:.1e}",
                         f"{curvature.METHOD_NAMES[method]}: СКО {rmse[method]:.1e}"))
    ax.axvline(exact_trace, color="k", lw=1.2, label=tr("exact trace", "точный след"))
    ax.set_xlabel(tr(r"estimate of tr $\nabla^2 L$", r"оценка tr $\nabla^2 L$"))
    ax.set_ylabel(tr("count", "число оценок"))
    ax.set_title(tr(f"{trials} estimates, {probe} probes, m = {budget} matvecs",
                    f"{trials} {plural_ru(trials, 'оценка', 'оценки', 'оценок')}, пробы: {PROBE_NAMES[probe]}, "
                    f"m = {budget} {plural_ru(budget, 'умножение', 'умножения', 'умножений')} на матрицу"))
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig, rmse


fig, rmse_90 = trace_estimate_figure()
plt.show()
claim(rmse_90["hutch++"] < rmse_90["hutchinson"] / 2, "at m = 90 Hutch++ is several times more accurate")
say(f"At $m = 90$: Hutch++'s RMS error is **{rmse_90['hutchinson'] / rmse_90['hutch++']:.1f}×** smaller.",
    ru=f"При $m = 90$ среднеквадратичная ошибка Hutch++ в **{rmse_90['hutchinson'] / rmse_90['hutch++']:.1f}** "
    "раза меньше.")

# %% [markdown] en="253a73e00d" slideshow={"slide_type": "subslide"}
# Виджет стартует с $m = 300$ — этого значения рисунок выше не показывает: там скетч (100 векторов) забирает почти
# весь вес гессиана, и оценки Hutch++ стягиваются к точному следу. Уменьшайте бюджет, чтобы увидеть, где два метода
# сравниваются (при очень малых $m$ скетч слишком беден, и Hutch++ проигрывает), или смените тип проб.

# %% slideshow={"slide_type": "subslide"}
def show(probe, budget):
    trace_estimate_figure(probe, budget)
    plt.show()


WIDGET_BUDGET = 300
_, rmse_300 = trace_estimates_of_H("rademacher", WIDGET_BUDGET)  # what the widget's first render shows
_, rmse_9 = trace_estimates_of_H("rademacher", 9)
claim(rmse_300["hutch++"] < rmse_300["hutchinson"] / 100, "at m = 300 Hutch++'s estimates collapse onto the trace",
      rmse=rmse_300)
claim(rmse_9["hutch++"] > rmse_9["hutchinson"], "at very small m Hutch++ loses", rmse=rmse_9)
display(widgets.interactive(
    show,
    probe=widgets.Dropdown(options=[(PROBE_NAMES[p], p) for p in curvature.PROBES], value="rademacher",
                           description=tr("probe", "пробы")),
    budget=widgets.IntSlider(value=WIDGET_BUDGET, min=3, max=300, step=3, description=tr("budget m", "бюджет m")),
))

# %% [markdown] en="1ab0377d7d" slideshow={"slide_type": "slide"}
# ## Итоги
#
# * Хатчинсон (лекция): $\operatorname{tr} X = \mathbb E[v^\top X v]$ для любого $v$ с $\mathbb E[vv^\top] = I$ —
#   нужны только умножения на матрицу, для гессиана — HVP; ошибка убывает как $1/\sqrt V$ (каждая следующая цифра
#   стоит в 100 раз больше HVP), а ошибка одного запуска — случайная величина такого порядка (Рис. 29).
# * За рамками лекции: дисперсии совпадают с формулами — Радемахер $2(\|X\|_F^2 - \sum X_{ii}^2)$, Гаусс
#   $2\|X\|_F^2$, сфера $\frac{2n}{n+2}(\|X\|_F^2 - (\operatorname{tr}X)^2/n)$; у гауссовых проб разброс наибольший.
# * За рамками лекции: Hutch++ вычисляет точно след на скетче старшего собственного подпространства и применяет
#   оценку Хатчинсона только к остатку: ошибка $\propto m^{-1}$ (или быстрее) на убывающих спектрах, как у гессианов
#   нейронных сетей, — и никакого выигрыша (даже проигрыш) на плоских.
#
# Назад: [08 — произведение гессиана на вектор](08_hvp.ipynb). Далее: [10 — контрольные точки](10_checkpointing.ipynb).
