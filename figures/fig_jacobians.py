"""Рис. 25 (forward vs reverse mode for a Jacobian), drawn from measurements with adlib and JAX, and the pass
counts behind it (notebook 06 has the full story).

    python figures/make_figures.py jacobians_fig25.png jacobian_passes.png

Under pytest (``tests/test_figures.py`` draws every figure) the sweep is cut to a few points and to adlib alone, so
that the test stays fast and does not import JAX before the JAX tests choose their compiler flags.
"""

import sys

import matplotlib.pyplot as plt
import numpy as np
from make_figures import figure

import adlib
from adlib.course import projector
from adlib.course.jacobian import count_passes, plot_sweep, sweep_functions, time_jacobians


def _under_test():
    return "pytest" in sys.modules


@figure("jacobians_fig25.png")
def jacobians_fig25():
    """Рис. 25: Jacobian time vs m/n (n = 100) for f(x) = A x and max_i (A x)_i, adlib and jit-compiled JAX."""
    if _under_test():
        ms, libraries, repeat = np.array([1, 30, 1000]), ("adlib",), 1
    else:
        import jax

        jax.config.update("jax_enable_x64", True)
        ms, libraries, repeat = np.unique(np.logspace(0, 3.5, 12).astype(int)), ("adlib", "jax"), 2
    with plt.rc_context(projector.RC):  # the course's font sizes, for this figure only
        return _fig25(ms, libraries, repeat)


def _fig25(ms, libraries, repeat):
    fig, axes = plt.subplots(1, 2, figsize=(11, 5.4))
    for ax, kind, title in [
        (axes[0], "linear", r"$f(x) = Ax$: n JVPs against m VJPs"),
        (axes[1], "max", r"$f(x) = \max_i (Ax)_i$ (scalar): n JVPs against 1 VJP"),
    ]:
        result = time_jacobians(ms, n=100, kind=kind, libraries=libraries, repeat=repeat, rounds=3, budget=3.0)
        plot_sweep(result, ax, title=title, mark_crossover=kind == "linear", legend_loc=None)
    axes[1].set_xlabel("m / n  (rows of A / inputs; one output)")
    fig.suptitle("Рис. 25: time of jacfwd and jacrev, n = 100 inputs; JAX jit-compiled, compilation excluded, "
                 "best of repeats", fontsize=11)
    fig.legend(*axes[0].get_legend_handles_labels(), loc="lower center", ncol=4, fontsize=10)  # one legend, below
    fig.tight_layout(rect=(0, 0.13, 1, 1))
    projector.check_readable(fig)
    return fig


@figure("jacobian_passes.png")
def jacobian_passes():
    """The cost model of Рис. 25, counted: jacfwd makes n JVPs, jacrev 1 forward pass + m VJPs (n = 20)."""
    n = 20
    ms = np.unique(np.logspace(0, 2.3, 12).astype(int))
    x = np.random.default_rng(0).standard_normal(n)
    counts = {"jacfwd": [], "jacrev": []}
    for m in ms:
        A = np.random.default_rng(int(m)).standard_normal((int(m), n))
        f = lambda x, A=A: sweep_functions("tanh")(A, x)
        counts["jacfwd"].append(count_passes(adlib.jacfwd, f, x)[1]["jvps"])
        counts["jacrev"].append(count_passes(adlib.jacrev, f, x)[1]["vjps"])
    with plt.rc_context(projector.RC):  # the course's font sizes, for this figure only
        return _passes(ms, n, counts)


def _passes(ms, n, counts):
    fig, ax = plt.subplots(figsize=(7, 4.6))
    ax.loglog(ms / n, counts["jacfwd"], "o-", color="tab:blue", label="jacfwd: JVPs (one per input)")
    ax.loglog(ms / n, counts["jacrev"], "s-", color="tab:orange", label="jacrev: VJPs (one per output)")
    ax.axvline(1.0, color="gray", ls=":", label="m = n")
    ax.set_xlabel(f"m / n  (outputs / inputs, n = {n})")
    ax.set_ylabel("passes counted (adlib.course.jacobian.count_passes)")
    ax.set_title(r"Passes of adlib.jacfwd and adlib.jacrev for $\tanh(Ax)$")
    ax.legend()
    ax.grid(True, which="major", alpha=0.3)
    fig.tight_layout()
    projector.check_readable(fig)
    return fig
