"""Figures of notebooks 01–03: MDS of European cities (loss vs evaluations, the animation of Рис. 3), the
finite-difference U-curve, and the zero-order rate table."""

from functools import lru_cache

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from make_figures import figure

import adlib
import adlib.numpy as anp
from adlib.course import mds, projector
from adlib.course import zero_order as zo

LABELS = {"gradient": "GD with adlib.grad", "two_point": "two-point zero-order GD", "nelder-mead": "Nelder–Mead"}
BUDGET = 10_000


@lru_cache(maxsize=1)  # the loss plot and the GIF share one set of runs
def _mds_results():
    cities, D, km_per_unit = mds.squared_distance_matrix()
    return cities, D, km_per_unit, {method: mds.solve(method, D, BUDGET, seed=0) for method in mds.METHODS}


@figure("mds_loss_vs_evaluations.png")
def mds_loss_vs_evaluations():
    """MDS of 34 cities with the slide's loss: GD with adlib's gradient vs two-point zero-order GD vs Nelder–Mead."""
    cities, D, _, results = _mds_results()
    with mpl.rc_context(projector.RC):
        fig, ax = plt.subplots(figsize=(8, 4.6))
        mds.plot_loss_vs_evaluations(ax, results, LABELS)
        ax.set_title(f"MDS of {len(cities['name'])} European cities (d = {D.shape[0] * 2})")
        fig.tight_layout()
    return fig


@figure("mds_cities.gif")
def mds_cities_gif(path):
    """Рис. 3: the cities settle into a map — GD with the gradient vs two-point zero-order GD, equal budgets."""
    cities, D, km_per_unit, results = _mds_results()
    budgets = np.unique(np.geomspace(10, BUDGET, 30).astype(int))
    with mpl.rc_context(projector.RC):
        fig, anim = mds.animate_maps(results, cities, D, km_per_unit, budgets, ("gradient", "two_point"), LABELS)
        anim.save(path, writer="pillow", fps=4, dpi=100)
    plt.close(fig)


def lecture_L(w):
    return w[1] * anp.log(w[0]) + anp.sqrt(w[1] * anp.log(w[0]))


@figure("finite_differences_error.png")
def finite_differences_error():
    """Error of forward/central differences vs ε in float64 and float32 (U-curves), and AD's error."""
    w = np.array([2.0, 3.0])
    epsilons = np.logspace(-16, 0, 97)
    curves, ad_errors = zo.difference_errors(lecture_L, w, adlib.grad(lecture_L)(w), epsilons)
    with mpl.rc_context(projector.RC):
        fig, ax = plt.subplots(figsize=(9, 6))
        zo.plot_difference_errors(ax, epsilons, curves, ad_errors)
        ax.set_title(r"Finite differences: truncation vs round-off, at $w = (2, 3)$")
        fig.tight_layout()
    return fig


@lru_cache(maxsize=1)  # the figure and its readability test share one set of runs
def _rate_tables(ns=(8, 16, 32, 64, 128, 256)):
    return {column: zo.rate_table(make, ns, ("gradient", "two_point"), accuracy, (0, 1), criterion=criterion)
            for column, (make, criterion, accuracy) in zo.RATE_COLUMNS.items()}  # fmt: skip


@figure("zero_order_rates.png")
def zero_order_rates():
    """The lecture's rate table, measured column by column (smooth non-convex, convex, strongly convex): iterations
    to a fixed accuracy vs n, GD (flat) vs two-point GD (~n)."""
    ns = (8, 16, 32, 64, 128, 256)
    tables = _rate_tables(ns)
    with mpl.rc_context(projector.RC):
        fig, axes = plt.subplots(1, 3, figsize=(11.6, 4.2), sharey=True)
        for ax, (column, table) in zip(axes, tables.items()):
            _, criterion, accuracy = zo.RATE_COLUMNS[column]
            delta = f"$\\delta = 10^{{{np.log10(accuracy):.0f}}}$"
            zo.plot_rate_table(ax, ns, table, f"{column}\n{zo.CRITERIA[criterion]}, {delta}")
        for ax in axes[1:]:
            ax.set_ylabel("")
        fig.suptitle("Zero-order GD needs ~n times more iterations (fitted log-log slopes)")
        fig.tight_layout()
    return fig
