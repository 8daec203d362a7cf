# ---
# jupyter:
#   course:
#     summary: 'Seminar: gradients through solve, least squares and the SVD'
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

# %% [markdown] en="3142502aab" slideshow={"slide_type": "slide"}
# # Семинар: градиент через наименьшие квадраты и SVD
#
# «Дополнительные материалы» лекции ([11 — чем AD не является](11_what_ad_is_not.ipynb)) отсылают к этому семинару.
# Два случая, когда «дифференцировать код строку за строкой» — неудачная идея, а удачная — **выведенное правило**:
#
# * решение линейной системы $x = A^{-1}b$ и наименьшие квадраты $x^\star = \arg\min_x \|Ax - b\|^2$: один раз
#   вывести $\partial L/\partial A$ и $\partial L/\partial b$ вместо того, чтобы дифференцировать $O(n^2)$ операций
#   со строками метода исключения ($O(n^3)$ чисел на ленте);
# * SVD $W = U\Sigma V^\top$: для функции потерь от сингулярных чисел $\partial L/\partial W = U\,\mathrm{diag}
#   (\partial L/\partial\sigma)\,V^\top$; градиент ядерной нормы $\|W\|_* = \mathrm{tr}\,\Sigma$ равен $UV^\top$.
#
# Каждое правило — правило обратного режима, VJP ([05 — обратный режим](05_reverse_mode.ipynb)), записанное как
# **пользовательское правило** (`adlib.custom_vjp`, как `jax.custom_vjp`) и сверенное с примитивами библиотеки
# `anp.linalg.solve` / `anp.linalg.svdvals`, с дифференцированием самого алгоритма, с JAX и с конечными разностями.
# За рамками лекции, в конце: правило для сингулярных векторов, где правило SVD ломается (кратные сингулярные числа),
# и небольшое приложение — восстановление матрицы низкого ранга.

# %% [markdown] slideshow={"slide_type": "skip"} tags=["colab"]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/adlib-course/adlib-course/blob/v0.1.0/notebooks/ru/12_seminar_least_squares_svd.ipynb)
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
import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np

jax.config.update("jax_enable_x64", True)  # before any JAX array exists

import adlib
import adlib.numpy as anp
from adlib.course import exercises, projector
from adlib.course.claims import claim
from adlib.course.i18n import Labels, plural_ru, tr
from adlib.course.measure import loglog_slope, tape_size
from adlib.testing import check_grads

projector.use()
np.set_printoptions(precision=4, suppress=True)
rng = np.random.default_rng(12)

# %% [markdown] en="972f3a3c0e" slideshow={"slide_type": "slide"}
# ## Распространение градиента через линейную систему
#
# $x = A^{-1}b$ означает $Ax = b$. Продифференцируем это тождество: $dA\,x + A\,dx = db$, откуда
#
# $$dx = A^{-1}(db - dA\,x) \qquad\text{(правило прямого режима: касательная к } x\text{)}.$$

# %% [markdown] en="ac6a59e97c" slideshow={"slide_type": "fragment"}
# Для правила обратного режима возьмём сопряжённую переменную $g = \partial L/\partial x$ и запишем
# $dL = \langle g, dx\rangle$:
#
# $$dL = \langle g, A^{-1}db\rangle - \langle g, A^{-1}dA\,x\rangle
#      = \langle A^{-\top}g, db\rangle - \langle A^{-\top}g\,x^\top, dA\rangle,$$
#
# откуда
#
# $$\frac{\partial L}{\partial b} = A^{-\top}\frac{\partial L}{\partial x}, \qquad
#   \frac{\partial L}{\partial A} = -A^{-\top}\frac{\partial L}{\partial x}\,x^\top
#   = -\frac{\partial L}{\partial b}\,x^\top.$$

# %% [markdown] en="5d867b7bf8" slideshow={"slide_type": "fragment"}
# Цена — **одно** дополнительное решение системы с $A^\top$ (на практике с тем же LU-разложением) против $O(n^3)$
# записанных операций при дифференцировании самого метода исключения.

# %% [markdown] en="cc84de77b1" slideshow={"slide_type": "slide"}
# ## Правило как пользовательский VJP
#
# `fwd` вычисляет $x$ и сохраняет то, что нужно обратному правилу (сохранённые величины, residuals: $A$, $x$);
# `bwd` переводит $g = \partial L/\partial x$ в $(\partial L/\partial A, \partial L/\partial b)$ по двум формулам
# выше.


# %% slideshow={"slide_type": "fragment"}
@adlib.custom_vjp
def my_solve(A, b):
    return np.linalg.solve(A, b)


def my_solve_fwd(A, b):
    x = np.linalg.solve(A, b)
    return x, (A, x)


def my_solve_bwd(residuals, g):
    A, x = residuals
    g_b = np.linalg.solve(A.T, g)
    return -np.outer(g_b, x), g_b


my_solve.defvjp(my_solve_fwd, my_solve_bwd)

# %% [markdown] en="8fe16dc8ea" slideshow={"slide_type": "subslide"}
# В библиотеке то же правило есть в виде примитива `anp.linalg.solve`, вместе с правилом прямого режима; оба
# записаны дифференцируемыми операциями `adlib.numpy` (поэтому работают и вторые производные). Функция потерь,
# которую будем дифференцировать: $L(A, b) = \sum_i x_i^3 + \langle x, b\rangle$, где $x = A^{-1}b$.


# %% slideshow={"slide_type": "fragment"}
def make_loss(solve):
    def L(A, b):
        x = solve(A, b)
        return (x**3).sum() + (x * b).sum()

    return L


n = 5
A = rng.normal(size=(n, n)) + 2 * np.sqrt(n) * np.eye(n)  # well conditioned
b = rng.normal(size=n)
print(f"cond(A) = {np.linalg.cond(A):.2f}")

grads_custom = adlib.grad(make_loss(my_solve), argnums=(0, 1))(A, b)
grads_prim = adlib.grad(make_loss(anp.linalg.solve), argnums=(0, 1))(A, b)
grads_jax = jax.grad(make_loss(jnp.linalg.solve), argnums=(0, 1))(A, b)
for name, _, gb in [("custom_vjp", *grads_custom), ("anp.linalg.solve", *grads_prim), ("jax", *grads_jax)]:
    print(f"{name:>17}: ∂L/∂b = {np.asarray(gb)}")

# %% slideshow={"slide_type": "fragment"}
for mine in (grads_custom, grads_prim):
    for g, ref in zip(mine, grads_jax, strict=True):
        np.testing.assert_allclose(g, ref, rtol=1e-10, atol=1e-12)
err = max(np.max(np.abs(g - r)) for m in (grads_custom, grads_prim) for g, r in zip(m, grads_jax, strict=True))
print(tr(f"largest difference from JAX: {err:.1e}", f"наибольшее расхождение с JAX: {err:.1e}"))
off_diagonal = np.abs(A).sum(axis=1) - np.abs(np.diag(A))
claim(np.all(np.abs(np.diag(A)) > off_diagonal), "A is diagonally dominant (elimination needs no pivoting)")

# %% [markdown] en="f638cb4d5c" slideshow={"slide_type": "subslide"}
# **Упражнение 12.1** — обратная матрица $X = A^{-1}$ по тому же рецепту. Продифференцируйте тождество $AX = I$:
# $dA\,X + A\,dX = 0$, откуда $dX = -X\,dA\,X$. Теперь возьмите сопряжённую переменную $G = \partial L/\partial X$,
# запишите $dL = \langle G, dX\rangle$ и перенесите всё на $dA$ с помощью
# $\langle G, P\,dA\,Q\rangle = \langle P^\top G\,Q^\top, dA\rangle$. Напишите VJP для `inv`, `vjp(g, ans, x)`:
# `g` — это $G$, `ans` — $X$, `x` — $A$. Его проверяет `check_grads` до второго порядка на двух матрицах.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def my_inv_vjp(g, ans, x):
    raise NotImplementedError  # your code here: ∂L/∂A from g = ∂L/∂X, ans = X = A⁻¹ (use @, .T, adlib.numpy)


inv_points = [np.array([[2.0, 0.5, 0.0], [0.3, 1.5, -0.4], [0.1, 0.2, 1.8]]),
              np.array([[1.0, 2.0], [-1.0, 3.0]])]
exercises.check_rule(np.linalg.inv, inv_points, vjp=my_inv_vjp,
                     hint=("⟨G, −X dA X⟩ = ⟨−XᵀG Xᵀ, dA⟩: the transposes of the factors on either side of dA",
                           "⟨G, −X dA X⟩ = ⟨−XᵀG Xᵀ, dA⟩: транспонируйте множители, стоящие по обе стороны от dA"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Решение
# dL = ⟨G, −X dA X⟩ = ⟨−XᵀG Xᵀ, dA⟩, so ∂L/∂A = −A⁻ᵀ (∂L/∂X) A⁻ᵀ: two products with the inverse already computed,
# no new solve. Written with the box's @ and .T, so the rule is differentiable itself (order 2).
def solution_inv_vjp(g, ans, x):
    return -ans.T @ g @ ans.T


exercises.check_rule(np.linalg.inv, inv_points, vjp=solution_inv_vjp).assert_passed()

# %% [markdown] en="52b337ec9a" slideshow={"slide_type": "slide"}
# ## Сравнение с дифференцированием алгоритма
#
# Без правила AD дифференцирует тот алгоритм, которым вычислено $x$, каким бы он ни был. Метод Гаусса, записанный
# на `adlib.numpy` (без выбора ведущего элемента: для нашей матрицы $A$ с диагональным преобладанием это
# допустимо), даёт те же числа, но записывает на ленту каждую операцию со строками метода исключения (вычитание из
# одной строки другой, умноженной на число: несколько узлов, каждый из которых хранит целую строку).


# %% slideshow={"slide_type": "fragment"}
def gauss_solve(A, b):
    n = A.shape[0]
    rows, rhs = [A[i] for i in range(n)], [b[i] for i in range(n)]
    for k in range(n):  # elimination
        for i in range(k + 1, n):
            m = rows[i][k] / rows[k][k]
            rows[i], rhs[i] = rows[i] - m * rows[k], rhs[i] - m * rhs[k]
    x = [None] * n
    for i in reversed(range(n)):  # back substitution
        s = rhs[i]
        for j in range(i + 1, n):
            s = s - rows[i][j] * x[j]
        x[i] = s / rows[i][i]
    return anp.stack(x)


grads_unrolled = adlib.grad(make_loss(gauss_solve), argnums=(0, 1))(A, b)
for g, ref in zip(grads_unrolled, grads_prim, strict=True):
    np.testing.assert_allclose(g, ref, rtol=1e-9, atol=1e-12)
print(tr("unrolled elimination = rule, largest difference:", "AD через исключение = правило, наибольшее расхождение:"),
      f"{max(np.max(np.abs(g - r)) for g, r in zip(grads_unrolled, grads_prim, strict=True)):.1e}")


# %% slideshow={"slide_type": "fragment"}
nodes = {}
shown = {"gauss_solve (unrolled)": tr("gauss_solve (unrolled)", "gauss_solve (по шагам)")}  # keys stay English
for name, f in [("anp.linalg.solve", anp.linalg.solve), ("my_solve (custom_vjp)", my_solve),
                ("gauss_solve (unrolled)", gauss_solve)]:
    t = tape_size(f, A, b)
    print(tr(f"{name:>23}: {t['nodes']:4d} tape nodes (2 are the inputs), {t['bytes']:6d} bytes kept for the sweep",
             f"{shown.get(name, name):>23}: узлов на ленте {t['nodes']:4d} (2 из них — входы), памяти для обратного "
             f"прохода {t['bytes']:6d} {plural_ru(t['bytes'], 'байт', 'байта', 'байт')}"))
    nodes[name] = t["nodes"]
claim(nodes["my_solve (custom_vjp)"] == nodes["anp.linalg.solve"] == 3 and nodes["gauss_solve (unrolled)"] > 100,
      "the rule records one node for the whole solve, the elimination a few per row operation", nodes=nodes)
sizes, unrolled, rng_k = (5, 10, 20, 40), [], np.random.default_rng(40)  # its own rng: later draws unchanged
for n_k in sizes:
    A_k = rng_k.normal(size=(n_k, n_k)) + 2 * np.sqrt(n_k) * np.eye(n_k)
    unrolled.append(tape_size(gauss_solve, A_k, rng_k.normal(size=n_k)))
print(tr("unrolled elimination, n = " + ", ".join(map(str, sizes)) + ": "
         + ", ".join(str(t["nodes"]) for t in unrolled) + " nodes, "
         + ", ".join(f"{t['bytes'] / 1e3:.0f}" for t in unrolled) + " kB",
         "AD через исключение, n = " + ", ".join(map(str, sizes)) + ": узлов на ленте "
         + ", ".join(str(t["nodes"]) for t in unrolled) + ", памяти "
         + ", ".join(f"{t['bytes'] / 1e3:.0f}" for t in unrolled) + " кБ"))
slope_nodes = loglog_slope(sizes, [t["nodes"] for t in unrolled])
slope_bytes = loglog_slope(sizes, [t["bytes"] for t in unrolled], x_min=10)
claim(1.9 < slope_nodes < 2.1 and 2.6 < slope_bytes < 3.1,
      "O(n²) nodes (row operations) holding O(n³) numbers", slope_nodes=slope_nodes, slope_bytes=slope_bytes)

# %% [markdown] en="2f603894f7" slideshow={"slide_type": "slide"}
# ## Сравнение с конечными разностями
#
# Один элемент — центральной разностью, затем `check_grads` для правил прямого и обратного режимов примитива до
# второго порядка (она сравнивает `jvp` с конечными разностями, а `vjp` с `jvp` — тестом скалярного произведения).

# %% slideshow={"slide_type": "fragment"}
L_solve = make_loss(anp.linalg.solve)
E = np.zeros_like(A)
E[1, 3] = 1.0
h = 1e-6
fd = (L_solve(A + h * E, b) - L_solve(A - h * E, b)) / (2 * h)
print(tr(f"∂L/∂A[1,3]: rule {grads_prim[0][1, 3]:.10f}, central difference {fd:.10f}",
         f"∂L/∂A[1,3]: правило {grads_prim[0][1, 3]:.10f}, центральная разность {fd:.10f}"))
np.testing.assert_allclose(fd, grads_prim[0][1, 3], rtol=1e-6)
check_grads(anp.linalg.solve, (A, b), order=2)
check_grads(anp.linalg.solve, (A, rng.normal(size=(n, 2))), order=2)  # b with several columns
print(tr("check_grads(solve, order=2): passed", "check_grads(solve, order=2): пройдена"))

# %% [markdown] en="f7498cf582" slideshow={"slide_type": "slide"}
# ## Распространение градиента через линейные наименьшие квадраты
#
# Для высокой матрицы $A$ ($m > n$, полный ранг по столбцам) $x^\star = \arg\min_x \|Ax - b\|^2$ — решение
# нормальных уравнений $A^\top A\,x^\star = A^\top b$. Продифференцируем это тождество; невязка
# $r = b - Ax^\star$:
#
# $$dA^\top A\,x^\star + A^\top dA\,x^\star + A^\top A\,dx^\star = dA^\top b + A^\top db
#   \quad\Longrightarrow\quad
#   A^\top A\,dx^\star = A^\top(db - dA\,x^\star) + dA^\top r .$$

# %% [markdown] en="ad9c1d770f" slideshow={"slide_type": "fragment"}
# Правило обратного режима: $g = \partial L/\partial x^\star$ и $z = (A^\top A)^{-1} g$ (матрица $A^\top A$
# симметрична), поэтому
#
# $$dL = \langle g, dx^\star\rangle = \langle z, A^\top db\rangle - \langle z, A^\top dA\,x^\star\rangle
#      + \langle z, dA^\top r\rangle
#      = \langle Az, db\rangle - \langle Az\,x^{\star\top}, dA\rangle + \langle r z^\top, dA\rangle,$$
#
# откуда
#
# $$\frac{\partial L}{\partial b} = A z, \qquad \frac{\partial L}{\partial A} = r z^\top - A z\,x^{\star\top},
#   \qquad z = (A^\top A)^{-1}\frac{\partial L}{\partial x^\star}.$$
#
# Для квадратной $A$: $r = 0$ и $Az = A^{-\top}g$ — правило для решения системы. Для высокой слагаемое $r z^\top$
# новое: изменение $A$ меняет и невязку приближения.

# %% [markdown] en="d633d9f496" slideshow={"slide_type": "subslide"}
# Как пользовательский VJP: `fwd` вычисляет $x^\star$ функцией `lstsq` из LAPACK (через SVD: точно, и
# трассировать adlib здесь нечего) и сохраняет $A$, $b$, $x^\star$; `bwd` — это две формулы. Правилу
# нужно только условие оптимальности, а не алгоритм, которым найдено $x^\star$.


# %% slideshow={"slide_type": "fragment"}
@adlib.custom_vjp
def my_lstsq(A, b):
    return np.linalg.lstsq(A, b, rcond=None)[0]


def my_lstsq_fwd(A, b):
    x = np.linalg.lstsq(A, b, rcond=None)[0]
    return x, (A, b, x)


def my_lstsq_bwd(residuals, g):
    A, b, x = residuals
    z = np.linalg.solve(A.T @ A, g)  # z = (AᵀA)⁻¹ ∂L/∂x*
    r = b - A @ x  # the residual
    return np.outer(r, z) - np.outer(A @ z, x), A @ z  # ∂L/∂A, ∂L/∂b


my_lstsq.defvjp(my_lstsq_fwd, my_lstsq_bwd)

# %% [markdown] en="a5fb84de6e" slideshow={"slide_type": "subslide"}
# Проверки для функции потерь от найденных коэффициентов $L = \|x^\star\|^2$: с автоматическим дифференцированием
# *сквозь* решение (`anp.linalg.least_squares` — это $x^\star = (A^\top A)^{-1}A^\top b$, собранное из `solve` и
# `matmul`, поэтому оно дифференцируемо как композиция), с JAX (`jnp.linalg.lstsq`) и с конечными разностями: один
# элемент — центральной разностью, затем `check_grads` (только обратный режим: тест скалярного произведения против
# конечных разностей).

# %% slideshow={"slide_type": "fragment"}
m = 12
A_tall, b_tall = rng.normal(size=(m, n)), rng.normal(size=m)
x_ls = my_lstsq(A_tall, b_tall)
np.testing.assert_allclose(anp.linalg.least_squares(A_tall, b_tall), x_ls, rtol=1e-10)


def fit_loss(ls):  # the fitted coefficients enter a further loss
    return lambda A, b: (ls(A, b) ** 2).sum()


g_rule = adlib.grad(fit_loss(my_lstsq), argnums=(0, 1))(A_tall, b_tall)
g_through = adlib.grad(fit_loss(anp.linalg.least_squares), argnums=(0, 1))(A_tall, b_tall)
g_ls_jax = jax.grad(fit_loss(lambda A, b: jnp.linalg.lstsq(A, b)[0]), argnums=(0, 1))(A_tall, b_tall)
for other in (g_through, g_ls_jax):
    for g, ref in zip(g_rule, other, strict=True):
        np.testing.assert_allclose(g, ref, rtol=1e-8, atol=1e-10)
E = np.zeros_like(A_tall)
E[4, 2] = 1.0
h = 1e-6
L_fit = fit_loss(my_lstsq)
fd = (L_fit(A_tall + h * E, b_tall) - L_fit(A_tall - h * E, b_tall)) / (2 * h)
np.testing.assert_allclose(fd, g_rule[0][4, 2], rtol=1e-6)
check_grads(my_lstsq, (A_tall, b_tall), order=1, modes=("rev",))
for name, other in [(tr("autodiff through the solve", "AD через решение системы"), g_through),
                    ("JAX lstsq", g_ls_jax)]:
    print(tr(f"rule vs {name:26s}: largest difference ", f"правило и {name:24s}: наибольшее расхождение ")
          + f"{max(np.max(np.abs(g - r)) for g, r in zip(g_rule, other, strict=True)):.1e}")
print(tr(f"∂L/∂A[4,2]: rule {g_rule[0][4, 2]:.10f}, central difference {fd:.10f};  check_grads(my_lstsq): passed",
         f"∂L/∂A[4,2]: правило {g_rule[0][4, 2]:.10f}, центральная разность {fd:.10f};  check_grads(my_lstsq): "
         "пройдена"))

# %% [markdown] en="70a3add38e" slideshow={"slide_type": "fragment"}
# Какую долю $\partial L/\partial A$ составляет новое слагаемое $r z^\top$?

# %% slideshow={"slide_type": "fragment"}
z = np.linalg.solve(A_tall.T @ A_tall, 2 * x_ls)  # g = ∂‖x*‖²/∂x* = 2x*
r = b_tall - A_tall @ x_ls
np.testing.assert_allclose(np.outer(r, z) - np.outer(A_tall @ z, x_ls), g_rule[0], rtol=1e-12)
share = np.linalg.norm(np.outer(r, z)) / np.linalg.norm(g_rule[0])
print(f"‖r zᵀ‖ / ‖∂L/∂A‖ = {share:.2f}")
claim(share > 0.1, "the residual term is a sizeable part of the gradient", share=share)

# %% [markdown] en="d5ceb6ee0c" slideshow={"slide_type": "fragment"}
# Значительную: одно лишь правило решения системы, $-A z\,x^{\star\top}$, применённое к высокой $A$, ошиблось бы
# как раз на эту величину.

# %% [markdown] en="d4401ec1b6" slideshow={"slide_type": "notes"}
# Нормальные уравнения возводят число обусловленности $A$ в квадрат: для плохо обусловленных задач точное прямое
# вычисление — решение через QR или SVD (как в `my_lstsq`), и тогда $z$ вычисляют через те же разложения
# ($A = QR$: $z = R^{-1}R^{-\top}g$), а не через $A^\top A$.

# %% [markdown] en="90f04dc3d0" slideshow={"slide_type": "slide"}
# ## Распространение градиента через SVD
#
# $W = U\Sigma V^\top$, где $U^\top U = V^\top V = I$. Продифференцируем: $dW = dU\,\Sigma V^\top + U\,d\Sigma\,V^\top
# + U\Sigma\,dV^\top$, и умножим слева на $U^\top$, а справа на $V$:
#
# $$U^\top dW\,V = \underbrace{U^\top dU}_{\text{кососимметрична}}\Sigma + d\Sigma
#   + \Sigma\underbrace{dV^\top V}_{\text{кососимметрична}}.$$
#
# У кососимметричной матрицы диагональ нулевая, поэтому на диагонали остаётся только $d\Sigma$:
# $d\sigma_i = u_i^\top dW\,v_i$.

# %% [markdown] en="e14de80577" slideshow={"slide_type": "fragment"}
# Для функции потерь от сингулярных чисел $dL = \sum_i \frac{\partial L}{\partial \sigma_i} u_i^\top dW v_i
# = \langle U\,\mathrm{diag}(\partial L/\partial\sigma)\,V^\top, dW\rangle$:
#
# $$\frac{\partial L}{\partial W} = U\,\mathrm{diag}\Big(\frac{\partial L}{\partial \sigma}\Big)V^\top,\qquad
#   R(W) = \mathrm{tr}\,\Sigma = \|W\|_* \;\Rightarrow\; \frac{\partial R}{\partial W} = UV^\top.$$

# %% [markdown] en="be5e0831c2" slideshow={"slide_type": "slide"}
# ## Ядерная норма как пользовательский VJP
#
# `fwd` вызывает SVD из NumPy на обычных массивах (на верхнем уровне `custom_vjp` получает обычные значения) и
# сохраняет $U$, $V$ для `bwd`.


# %% slideshow={"slide_type": "fragment"}
@adlib.custom_vjp
def nuclear_norm(W):
    return np.linalg.svd(W, compute_uv=False).sum()


def nuclear_norm_fwd(W):
    U, s, Vt = np.linalg.svd(W, full_matrices=False)
    return s.sum(), (U, Vt)


def nuclear_norm_bwd(residuals, g):
    U, Vt = residuals
    return (g * U @ Vt,)


nuclear_norm.defvjp(nuclear_norm_fwd, nuclear_norm_bwd)

# %% slideshow={"slide_type": "fragment"}
W = rng.normal(size=(6, 4))
g_custom = adlib.grad(nuclear_norm)(W)
g_prim = adlib.grad(lambda W: anp.linalg.svdvals(W).sum())(W)
g_jax = jax.grad(lambda W: jnp.linalg.svd(W, compute_uv=False).sum())(W)
np.testing.assert_allclose(g_custom, g_jax, rtol=1e-8, atol=1e-10)
np.testing.assert_allclose(g_prim, g_jax, rtol=1e-8, atol=1e-10)
print("σ(W) =", np.linalg.svd(W, compute_uv=False))
print(tr(f"∂‖W‖_*/∂W: custom_vjp vs JAX {np.max(np.abs(g_custom - g_jax)):.1e}, "
         f"anp.linalg.svdvals vs JAX {np.max(np.abs(g_prim - g_jax)):.1e}",
         f"∂‖W‖_*/∂W: расхождение custom_vjp с JAX {np.max(np.abs(g_custom - g_jax)):.1e}, "
         f"anp.linalg.svdvals с JAX {np.max(np.abs(g_prim - g_jax)):.1e}"))

# %% [markdown] en="0a6dd036f9" slideshow={"slide_type": "subslide"}
# Общая функция потерь от $\sigma$, например $L = \sum_i c_i\sigma_i + \sum_i\sigma_i^2$ (второе слагаемое равно
# $\|W\|_F^2$, и его градиент должен быть равен $2W$), через примитив, в сравнении с JAX и конечными разностями:

# %% slideshow={"slide_type": "fragment"}
c = rng.normal(size=4)


def make_sv_loss(svdvals):
    return lambda W: (c * svdvals(W)).sum() + (svdvals(W) ** 2).sum()


L_sv, L_sv_jax = make_sv_loss(anp.linalg.svdvals), make_sv_loss(lambda W: jnp.linalg.svd(W, compute_uv=False))
U, s, Vt = np.linalg.svd(W, full_matrices=False)
g_formula = U @ np.diag(c + 2 * s) @ Vt  # U diag(∂L/∂σ) Vᵀ
np.testing.assert_allclose(adlib.grad(L_sv)(W), g_formula, rtol=1e-10, atol=1e-12)
np.testing.assert_allclose(adlib.grad(L_sv)(W), jax.grad(L_sv_jax)(W), rtol=1e-8, atol=1e-10)
np.testing.assert_allclose(adlib.grad(lambda W: (anp.linalg.svdvals(W) ** 2).sum())(W), 2 * W, rtol=1e-10)
check_grads(anp.linalg.svdvals, (W,), order=2)  # order 2 goes through dU, dV (below)
print(tr("U diag(∂L/∂σ) Vᵀ = adlib = JAX; ∂‖W‖_F²/∂W = 2W; check_grads(svdvals) passed",
         "U diag(∂L/∂σ) Vᵀ = adlib = JAX; ∂‖W‖_F²/∂W = 2W; check_grads(svdvals) пройдена"))

# %% [markdown] en="79a0a5ca0f" slideshow={"slide_type": "subslide"}
# **Упражнение 12.2** — логарифм модуля определителя, $L = \log|\det A| = \sum_i \log\sigma_i$ для квадратной $A$.
# Правило выше даёт $\partial L/\partial A = U\,\mathrm{diag}(1/\sigma)\,V^\top$; что это за знакомая матрица? (Или
# продифференцируйте напрямую: $d\log|\det A| = \mathrm{tr}(A^{-1}dA)$.) Напишите VJP для $\log|\det A|$ (второй
# выход `np.linalg.slogdet`): `g` — скаляр, `ans` — $\log|\det A|$, `x` — $A$. Проверка — на матрице с
# положительным и на матрице с отрицательным определителем.


# %% slideshow={"slide_type": "-"}
def logabsdet(A):  # the primitive, on plain NumPy arrays
    return np.linalg.slogdet(A)[1]


logdet_points = [np.array([[2.0, 0.5, 0.0], [0.3, 1.5, -0.4], [0.1, 0.2, 1.8]]),
                 np.array([[0.5, 2.0], [1.0, 0.3]])]
print("det =", [f"{np.linalg.det(P):+.3f}" for P in logdet_points])


# %% slideshow={"slide_type": "-"} tags=["exercise"]
def my_logdet_vjp(g, ans, x):
    raise NotImplementedError  # your code here: g · ∂ log|det A| / ∂A


exercises.check_rule(logabsdet, logdet_points, vjp=my_logdet_vjp,
                     hint=("U diag(1/σ) Vᵀ is the transpose of V diag(1/σ) Uᵀ = A⁻¹; compute it with anp.linalg.inv",
                           "U diag(1/σ) Vᵀ — транспонированная матрица V diag(1/σ) Uᵀ = A⁻¹; обратную матрицу "
                           "вычислите через anp.linalg.inv"))

# %% cellView="form" jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
#@title Решение
# ∂ log|det A|/∂A = U diag(1/σ) Vᵀ = (V diag(1/σ) Uᵀ)ᵀ = A⁻ᵀ (also from tr(A⁻¹dA) = ⟨A⁻ᵀ, dA⟩), whatever the sign of
# det A. anp.linalg.inv, not np.linalg.inv: order 2 differentiates the rule itself.
def solution_logdet_vjp(g, ans, x):
    return g * anp.linalg.inv(x).T


exercises.check_rule(logabsdet, logdet_points, vjp=solution_logdet_vjp).assert_passed()

# %% [markdown] en="dc8adc85b3" slideshow={"slide_type": "slide"}
# ## Итоги
#
# * Выведенное правило заменяет дифференцирование алгоритма: для $x = A^{-1}b$ одно дополнительное решение системы с
#   $A^\top$ даёт $\partial L/\partial b = A^{-\top}\partial L/\partial x$ и
#   $\partial L/\partial A = -(\partial L/\partial b)\,x^\top$; числа те же, что при дифференцировании метода
#   исключения шаг за шагом (один узел ленты на всё решение вместо нескольких на каждую операцию со строками:
#   $O(n^2)$ узлов, хранящих $O(n^3)$ чисел), у JAX и у конечных разностей.
# * Наименьшие квадраты, из нормальных уравнений: $z = (A^\top A)^{-1}\partial L/\partial x^\star$,
#   $\partial L/\partial b = Az$, $\partial L/\partial A = r z^\top - A z\,x^{\star\top}$; правилу нужно только
#   условие оптимальности, поэтому прямое решение может быть любым точным алгоритмом (здесь `lstsq` из LAPACK).
# * Для функций потерь от сингулярных чисел $\partial L/\partial W = U\,\mathrm{diag}(\partial L/\partial\sigma)V^\top$;
#   $\partial\|W\|_*/\partial W = UV^\top$.

# %% [markdown] en="886936d5e3" slideshow={"slide_type": "slide"}
# ## За рамками лекции: сингулярные векторы
#
# Сингулярные **векторы** тоже дифференцируемы (там, где все $\sigma_i$ различны): внедиагональная часть тождества
# выше даёт, при $dP = U^\top dW\,V$ и $F_{ij} = 1/(\sigma_j^2 - \sigma_i^2)$ ($F_{ii} = 0$),
#
# $$dU = U\big(F \circ (dP\,\Sigma + \Sigma\,dP^\top)\big), \qquad dV = V\big(F \circ (\Sigma\,dP + dP^\top\Sigma)\big)$$
#
# для квадратной $W$; для неквадратной добавляется слагаемое для направлений вне линейной оболочки столбцов $U$
# (или $V$), например $(I - UU^\top)\,dW\,V\Sigma^{-1}$ в $dU$ для высокой $W$ (Townsend 2016). У `anp.linalg.svd`
# это правило есть; функция потерь от $U$, $\sigma$ и $V^\top$ (не зависящая от выбора знаков сингулярных векторов),
# первые и вторые производные в сравнении с JAX:

# %% slideshow={"slide_type": "fragment"}
def svd_loss(np_):
    def f(W):
        U, s, Vt = np_.linalg.svd(W, full_matrices=False)
        return np_.tanh(U @ Vt).sum() + ((U * U) @ s).sum() + (s**3).sum()

    return f


W_sq = rng.normal(size=(4, 4))
np.testing.assert_allclose(adlib.grad(svd_loss(anp))(W_sq), jax.grad(svd_loss(jnp))(W_sq), rtol=1e-8, atol=1e-10)
H, H_jax = adlib.hessian(svd_loss(anp))(W_sq), jax.hessian(svd_loss(jnp))(W_sq)
np.testing.assert_allclose(H, H_jax, rtol=1e-8, atol=1e-10)
print(tr(f"full SVD: gradient and 16×16 Hessian equal JAX's, largest difference {np.max(np.abs(H - H_jax)):.1e}",
         f"полное SVD: градиент и гессиан 16×16 совпадают с JAX, наибольшее расхождение "
         f"{np.max(np.abs(H - H_jax)):.1e}"))

# %% [markdown] en="2e2123cdab" slideshow={"slide_type": "slide"}
# ## За рамками лекции: где правило ломается: кратные сингулярные числа
#
# Если $\sigma_1 = \sigma_2$, сингулярные векторы не единственны (годится любой поворот внутри двумерного
# сингулярного подпространства), а значит, не единственна и $u_1 v_1^\top$. Возьмём $W = \mathrm{diag}(2, 2, 1)$ и
# функцию потерь $L = \sigma_1(W) = \|W\|_2$ (спектральная норма); сравним оба правила с односторонними конечными
# разностями вдоль $E_{11} = e_1e_1^\top$ и $E_{22} = e_2e_2^\top$.

# %% slideshow={"slide_type": "fragment"}
W_deg = np.diag([2.0, 2.0, 1.0])
sigma1 = lambda W: anp.linalg.svdvals(W)[0]  # noqa: E731
g_adlib = adlib.grad(sigma1)(W_deg)
g_jax_deg = np.asarray(jax.grad(lambda W: jnp.linalg.svd(W, compute_uv=False)[0])(W_deg))
print(tr("adlib (u1 as NumPy's SVD picks it):\n", "adlib (u1 — тот, который выбрало SVD из NumPy):\n"), g_adlib)
print(tr("JAX (u1 as JAX's SVD picks it):\n", "JAX (u1 — тот, который выбрало SVD из JAX):\n"), g_jax_deg)
for g in (g_adlib, g_jax_deg):  # u1 u1ᵀ for a unit vector u1 of span(e1, e2)
    u1 = np.linalg.svd(g)[0][:, 0]
    claim(np.allclose(g, np.outer(u1, u1), atol=1e-12) and abs(u1[2]) < 1e-12,
          "both rules return u1 u1ᵀ for a unit vector u1 of span(e1, e2)", g=g)
h = 1e-6
s1 = lambda W: np.linalg.svd(W, compute_uv=False)[0]  # noqa: E731
for i in (0, 1):
    Ei = np.zeros((3, 3))
    Ei[i, i] = 1.0
    right, left = (s1(W_deg + h * Ei) - s1(W_deg)) / h, (s1(W_deg) - s1(W_deg - h * Ei)) / h
    print(tr(f"direction E{i + 1}{i + 1}: slope right {right:.3f}, left {left:.3f}; "
             f"adlib says {np.sum(g_adlib * Ei):.3f}, JAX says {np.sum(g_jax_deg * Ei):.3f}",
             f"направление E{i + 1}{i + 1}: наклон справа {right:.3f}, слева {left:.3f}; "
             f"у adlib {np.sum(g_adlib * Ei):.3f}, у JAX {np.sum(g_jax_deg * Ei):.3f}"))
    claim(abs(right - 1) < 1e-6 and abs(left) < 1e-6, "the slope is 1 to the right and 0 to the left",
          right=right, left=left)
    for g in (g_adlib, g_jax_deg):
        claim(left - 1e-6 <= np.sum(g * Ei) <= right + 1e-6, "each rule's directional derivative lies between the "
              "one-sided slopes", g=g)

# %% [markdown] en="0da6cd79c7" slideshow={"slide_type": "fragment"}
# Оба правила возвращают $u_1 u_1^\top$ для того единичного вектора $u_1$ из $\mathrm{span}(e_1, e_2)$, который
# случайно вернула процедура SVD, и ни один ответ не является «тем самым» градиентом: в этой точке $\sigma_1$ не
# дифференцируема. Односторонние конечные разности показывают излом: наклон справа равен 1, слева — 0. Каждое
# правило возвращает один субградиент $u v^\top$ ($u$ — единичный вектор старшего сингулярного подпространства); их
# производные по направлению лежат между двумя односторонними наклонами.

# %% slideshow={"slide_type": "fragment"}
for eps in (1e-12, -1e-12):
    g_eps = adlib.grad(sigma1)(np.diag([2.0 + eps, 2.0, 1.0]))
    print(tr(f"W = diag(2 {eps:+.0e}, 2, 1): ∂σ1/∂W diagonal = {np.diag(g_eps)}",
             f"W = diag(2 {eps:+.0e}, 2, 1): диагональ ∂σ1/∂W = {np.diag(g_eps)}"))
    np.testing.assert_allclose(np.diag(g_eps), [1.0, 0.0, 0.0] if eps > 0 else [0.0, 1.0, 0.0], atol=1e-9)

# %% [markdown] en="2827871212" slideshow={"slide_type": "fragment"}
# Кроме того, правило разрывно в вырожденной точке: возмущение $10^{-12}$ в ту или другую сторону решает, какое
# направление победит.

# %% [markdown] en="a984d05874" slideshow={"slide_type": "subslide"}
# С сингулярными **векторами** ещё хуже: их производная содержит $1/(\sigma_j^2 - \sigma_i^2)$, что обращается в
# бесконечность при кратном сингулярном числе ($F_{ij} = 1/0$). Что возвращают в таких точках JAX и
# `anp.linalg.svd` — для самой $U$ в $\mathrm{diag}(2, 2, 1)$ и для величины, гладкой в своей точке: полярного
# множителя $Q = UV^\top$ в $W = I$, через $\langle C, Q\rangle$ с фиксированной $C$? Вблизи $I$ имеем
# $Q(I + dW) = I + \tfrac12(dW - dW^\top) + O(\|dW\|^2)$, так что истинный градиент равен $\tfrac12(C - C^\top)$;
# это проверяют центральные разности $Q$ (SVD из NumPy, без правила для производной).

# %% slideshow={"slide_type": "fragment"}
C = np.arange(9.0).reshape(3, 3)  # a fixed weighting of Q's entries


def polar_loss(np_):  # ⟨C, U Vᵀ⟩, U Vᵀ = the polar factor of W
    def f(W):
        U, _, Vt = np_.linalg.svd(W, full_matrices=False)
        return (C * (U @ Vt)).sum()

    return f


g_U = np.asarray(jax.grad(lambda W: jnp.linalg.svd(W, full_matrices=False)[0][0, 0])(W_deg))
g_polar_jax = np.asarray(jax.grad(polar_loss(jnp))(np.eye(3)))
with np.errstate(divide="ignore", invalid="ignore"):  # 1/(σ_j² − σ_i²) = 1/0 at repeated σ: the point here
    g_U_adlib = adlib.grad(lambda W: anp.linalg.svd(W)[0][0, 0])(W_deg)
    g_polar_adlib = adlib.grad(polar_loss(anp))(np.eye(3))
h, E = 1e-6, np.eye(9).reshape(9, 3, 3)  # E[k]: the 9 unit directions
g_polar_fd = np.array([(polar_loss(np)(np.eye(3) + h * Ek) - polar_loss(np)(np.eye(3) - h * Ek)) / (2 * h)
                       for Ek in E]).reshape(3, 3)
at = tr("at", "в")
for name, g in [(f"JAX ∂U[0,0]/∂W {at} diag(2, 2, 1)", g_U), (f"adlib ∂U[0,0]/∂W {at} diag(2, 2, 1)", g_U_adlib),
                (f"JAX ∂⟨C, UVᵀ⟩/∂W {at} I", g_polar_jax), (f"adlib ∂⟨C, UVᵀ⟩/∂W {at} I", g_polar_adlib)]:
    print(tr(f"{name:34s}: {np.isnan(g).sum()} of 9 entries nan",
             f"{name:34s}: nan в {np.isnan(g).sum()} из 9 элементов"))
print(tr("central differences of ⟨C, UVᵀ⟩ at I:\n", "центральные разности ⟨C, UVᵀ⟩ в I:\n"), g_polar_fd,
      "\n(C − Cᵀ)/2:\n", (C - C.T) / 2)
claim(all(np.isnan(g).any() for g in (g_U, g_U_adlib, g_polar_jax, g_polar_adlib)),
      "JAX and anp.linalg.svd return nan for U and for the polar factor at repeated singular values")
claim(np.allclose(g_polar_fd, (C - C.T) / 2, atol=1e-6), "the polar factor is smooth at I, gradient (C − Cᵀ)/2",
      g_polar_fd=g_polar_fd)

# %% [markdown] en="0d01a19499" slideshow={"slide_type": "fragment"}
# Оба возвращают nan — и для $U$, и для полярного множителя, хотя полярный множитель в $I$ гладкий (центральные
# разности дают $\tfrac12(C - C^\top)$): nan промежуточного $dU$ отравляет произведение $U V^\top$.
#
# Нашему правилу для ядерной нормы $dU$ не нужен: оно возвращает $UV^\top$, а это для $W$ полного ранга
# единственная матрица (полярный множитель) даже при кратных $\sigma$. Ломается оно там, где $W$ теряет ранг: в
# $W = \mathrm{diag}(1, 0)$.

# %% slideshow={"slide_type": "fragment"}
W_rank1 = np.diag([1.0, 0.0])
g_rank1 = adlib.grad(nuclear_norm)(W_rank1)
g_jax_rank1 = np.asarray(jax.grad(lambda W: jnp.linalg.svd(W, compute_uv=False).sum())(W_rank1))
g_at_I = adlib.grad(nuclear_norm)(np.eye(2))
print(tr("adlib custom_vjp at diag(1, 0):", "adlib custom_vjp в diag(1, 0):      "), g_rank1.ravel())
print(tr("JAX at diag(1, 0):             ", "JAX в diag(1, 0):                   "), g_jax_rank1.ravel())
print(tr("the smallest subgradient:      ", "наименьший субградиент:             "), np.diag([1.0, 0.0]).ravel())
print(tr("adlib at I (unique gradient I):", "adlib в I (единственный градиент I):"), g_at_I.ravel())
claim(np.allclose(g_at_I, np.eye(2)), "the rule gives the unique gradient I at W = I", g_at_I=g_at_I)
for g in (g_rank1, g_jax_rank1):  # u1 v1ᵀ + Z, Z ⊥ u1 = v1 = e1, ‖Z‖₂ ≤ 1: a subgradient
    Z = g - np.diag([1.0, 0.0])
    claim(np.allclose(Z[0], 0) and np.allclose(Z[:, 0], 0) and np.linalg.norm(Z, 2) <= 1 + 1e-12,
          "the rule returns an element of the subdifferential", g=g)

# %% [markdown] en="8ed596af3a" slideshow={"slide_type": "fragment"}
# В $W = I$ правило даёт единственный градиент $I$. В $W = \mathrm{diag}(1, 0)$ ядерная норма не дифференцируема:
# её субдифференциал — $\{u_1v_1^\top + Z : Z \perp u_1, v_1,\ \|Z\|_2 \le 1\}$, и правило возвращает тот его
# элемент, который получается из случайного выбора $u_2, v_2$ процедурой SVD, — не обязательно наименьший
# субградиент $\mathrm{diag}(1, 0)$.

# %% [markdown] en="348bc05cd3" slideshow={"slide_type": "slide"}
# ## За рамками лекции: восстановление матрицы низкого ранга
#
# Матрица $M$ размера $40\times 40$ ранга 3; мы видим примерно половину её элементов (маска $\Omega$). Найдём $W$,
# минимизирующую
#
# $$F(W) = \tfrac12\|P_\Omega(W - M)\|_F^2 + \lambda\|W\|_*,$$
#
# — выпуклую замену задачи «приблизить наблюдаемые элементы матрицей низкого ранга». Два метода, оба с градиентами
# из `adlib.grad`:
#
# * **субградиентный спуск** по всей $F$, через наше пользовательское правило `nuclear_norm` ($UV^\top$), шаг
#   $\propto 1/\sqrt{k}$;
# * **проксимальный градиентный метод**: шаг градиента по гладкому слагаемому данных (`adlib.grad`), затем
#   проксимальный оператор $\lambda\|\cdot\|_*$, который мягко обрезает сингулярные числа (soft thresholding):
#   $W \leftarrow U\max(\Sigma - \lambda, 0)V^\top$.

# %% slideshow={"slide_type": "fragment"}
size, rank, lam, iters = 40, 3, 1.0, 300
rng_mc = np.random.default_rng(2026)
M = rng_mc.normal(size=(size, rank)) @ rng_mc.normal(size=(rank, size))
mask = rng_mc.random((size, size)) < 0.5


def data_term(W):
    return 0.5 * anp.sum((mask * (W - M)) ** 2)


def objective(W):
    return data_term(W) + lam * nuclear_norm(W)


def svt(W, tau):
    """Singular value soft-thresholding: the proximal operator of tau·‖·‖_*."""
    U, s, Vt = np.linalg.svd(W, full_matrices=False)
    return U @ np.diag(np.maximum(s - tau, 0.0)) @ Vt


grad_F, grad_data = adlib.grad(objective), adlib.grad(data_term)
W_sub, W_prox = np.zeros_like(M), np.zeros_like(M)
hist = {"subgradient": [], "proximal": []}
for k in range(iters):
    hist["subgradient"].append(objective(W_sub))
    hist["proximal"].append(objective(W_prox))
    W_sub = W_sub - 1.0 / np.sqrt(k + 1) * grad_F(W_sub)
    step = W_prox - 1.0 * grad_data(W_prox)  # step 1 = 1/Lipschitz constant of the data term
    W_prox = svt(step, lam)


def unseen_error(W):
    return np.linalg.norm((~mask) * (W - M)) / np.linalg.norm((~mask) * M)


ranks = {}
METHODS = Labels({"subgradient": ("subgradient", "субградиентный"), "proximal": ("proximal", "проксимальный")})
width = max(map(len, METHODS.values()))  # the keys of hist and ranks stay English; METHODS are the shown names
for name, W_fit in [("subgradient", W_sub), ("proximal", W_prox)]:
    sv = np.linalg.svd(W_fit, compute_uv=False)
    ranks[name] = int(np.sum(sv > 1e-6 * sv[0]))
    print(tr(f"{name:>11}: F = {objective(W_fit):9.3f}, relative error on the unseen entries "
             f"{unseen_error(W_fit):.3f}, numerical rank (σ > 1e-6·σ1) {ranks[name]}",
             f"{METHODS[name]:>{width}}: F = {objective(W_fit):9.3f}, относительная ошибка на ненаблюдаемых элементах "
             f"{unseen_error(W_fit):.3f}, численный ранг (σ > 1e-6·σ1) {ranks[name]}"))
k_prox = int(np.argmax(np.asarray(hist["proximal"]) <= hist["subgradient"][-1]))
print(tr(f"proximal gradient is below subgradient descent's final F after {k_prox} of {iters} iterations",
         f"проксимальный градиентный метод опускается ниже итогового F субградиентного спуска после {k_prox} из "
         f"{iters} {plural_ru(iters, 'итерации', 'итераций', 'итераций')}"))
claim(hist["proximal"][-1] < hist["subgradient"][-1] and k_prox < iters / 5,
      "the proximal method reaches a lower objective far faster", k_prox=k_prox)
claim(3 <= ranks["proximal"] <= 5 and ranks["subgradient"] == size and unseen_error(W_prox) < 0.2,
      "the proximal fit has a rank close to 3, the subgradient iterates a full tail", ranks=ranks)
set_to_zero = int(np.sum(np.linalg.svd(step, compute_uv=False) <= lam))  # max(s - λ, 0) = 0 in the last step
sv_prox = np.linalg.svd(W_prox, compute_uv=False)
sv_sub = np.linalg.svd(W_sub, compute_uv=False)
alpha_last = 1.0 / np.sqrt(iters)  # the last subgradient step size
print(tr(f"proximal: the last step set {set_to_zero} of {size} singular values to exactly 0; the SVD of the result "
         f"gives them back as ≤ {sv_prox[size - set_to_zero:].max():.0e} (round-off)",
         f"проксимальный метод: последний шаг сделал {set_to_zero} из {size} "
         f"{plural_ru(size, 'сингулярного числа', 'сингулярных чисел', 'сингулярных чисел')} в точности нулями; SVD "
         f"результата "
         f"возвращает их как ≤ {sv_prox[size - set_to_zero:].max():.0e} (ошибки округления)"))
below_step = int(np.sum(sv_sub < alpha_last * lam))
print(tr(f"subgradient: {below_step} of {size} σᵢ lie below the last step αλ = {alpha_last * lam:.3f}, "
         f"the smallest at {sv_sub.min():.1e}",
         f"субградиентный метод: {below_step} из {size} σᵢ меньше последнего шага αλ = {alpha_last * lam:.3f}, "
         f"наименьшее равно {sv_sub.min():.1e}"))
claim(set_to_zero == size - ranks["proximal"] and sv_prox[ranks["proximal"]:].max() < 1e-12,
      "the thresholding set the small singular values to zero; what the plot shows of them is round-off")
claim(sv_sub.min() > 0 and below_step >= 5, "the subgradient iterates' smallest singular values hover between 0 "
      "and the step's size", smallest=sv_sub.min(), below_step=below_step)

# %% slideshow={"slide_type": "subslide"}
F_best = min(min(h) for h in hist.values())
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
for name, h in hist.items():
    gap = np.asarray(h) - F_best
    axes[0].semilogy(np.arange(iters), np.where(gap > 0, gap, np.nan), label=METHODS[name])  # F_best itself: log 0
axes[0].set(xlabel=tr("iteration", "итерация"), ylabel=tr(r"$F(W_k) - F_{\rm best}$ (where $> 0$)",
                                                          r"$F(W_k) - F_{\rm best}$ (где $> 0$)"),
            title=tr("Loss curve", "Кривая потерь"))
axes[0].legend()
axes[1].semilogy(np.linalg.svd(M, compute_uv=False), "o", ms=8, mfc="none", label=tr("true $M$", "истинная $M$"))
axes[1].semilogy(sv_sub, "s", ms=5, mfc="none", label=METHODS["subgradient"])
axes[1].semilogy(np.maximum(sv_prox, 1e-16), "^", ms=6, mfc="none",
                 label=tr("proximal (SVD re-run)", "проксимальный (SVD заново)"))
axes[1].set(xlabel=tr("index $i$", "номер $i$"), ylabel=r"$\sigma_i$",
            title=tr("Singular values of the fit", "Сингулярные числа приближения"), ylim=(1e-16, None))
axes[1].legend()
fig.tight_layout()
plt.show()

# %% [markdown] en="236e0935c4" slideshow={"slide_type": "fragment"}
# Что видно: проксимальный метод достигает меньшего значения целевой функции гораздо быстрее субградиентного спуска
# (он опускается ниже итогового значения последнего уже в первой пятой части итераций), и ранг его приближения
# близок к истинному, 3: пороговое обрезание делает малые сингулярные числа в точности нулями (треугольники на
# уровне $10^{-14} \dots 10^{-16}$ — ошибки округления повторного SVD матрицы $U\max(\Sigma - \lambda, 0)V^\top$,
# как и кружки самой $M$ ранга 3; сдвиг на $\lambda$ смещает оставшиеся). У итераций субградиентного спуска
# остаётся полный хвост малых ненулевых сингулярных чисел: шаг $\alpha_k\lambda UV^\top$ по ядерной норме уменьшает
# каждое $\sigma_i$ на одно и то же $\alpha_k\lambda$; $\sigma_i < \alpha_k\lambda$ проскакивает через 0 (SVD снова
# показывает его положительным, с противоположным знаком сингулярного вектора), поэтому наименьшие из них
# колеблются между 0 и примерно размером шага, меняясь от шага к шагу, вместо того чтобы оказаться в 0.
#
# Назад к [11 — чем AD не является](11_what_ad_is_not.ipynb); написанные здесь VJP — это обратный режим из
# [05 — обратный режим](05_reverse_mode.ipynb), одно правило на целую функцию.
