"""Figures of notebooks 08–09 (curvature without the Hessian), drawn with ``adlib.course.curvature``.

* ``hessian_spectral_density.png`` — Рис. 28 in miniature: the Hessian eigenvalue density (stochastic Lanczos
  quadrature over HVPs) of a small MLP's loss at initialisation and after training, over the dense spectrum, and
  the Gauss–Newton part's density (no negative eigenvalues: the negative ones come from the residual term);
* ``trace_error.png`` — Hutchinson against Hutch++: relative error against the number of matvecs on
  1000×1000 matrices with flat, polynomially and exponentially decaying spectra, with fitted slopes.

Both are drawn in the course's projector style (``adlib.course.projector``), set for these figures only.
"""

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from make_figures import figure

from adlib.course import curvature, projector


def _projector_ticks(fig):
    """Tick labels created later (when the figure is saved) keep the projector's size too."""
    for ax in fig.axes:
        ax.tick_params(axis="x", labelsize=projector.RC["xtick.labelsize"])
        ax.tick_params(axis="y", labelsize=projector.RC["ytick.labelsize"])


@figure("hessian_spectral_density.png")
def hessian_spectral_density():
    """Hessian eigenvalue density (SLQ) of an MLP's loss at initialisation and after training (cf. Рис. 28), with
    the density of its Gauss–Newton part."""
    problem = curvature.mlp_problem(seed=0)
    w_trained, _ = problem.fit(problem.w0, steps=1500, lr=0.2, momentum=0.9)
    with mpl.rc_context(projector.RC):
        fig, axes = plt.subplots(2, 2, figsize=(11.5, 7.6))
        for col, (label, w) in enumerate([("initialisation", problem.w0), ("after training", w_trained)]):
            H_op = curvature.hvp_operator(problem.loss, w)
            nodes, weights = curvature.slq(H_op, None, np.random.default_rng(1), num_steps=80, num_probes=3)
            hvps = H_op.calls
            exact = np.linalg.eigvalsh(np.column_stack([H_op(e) for e in np.eye(w.size)]))
            G_op = problem.gauss_newton_operator(w)
            gauss_newton = np.linalg.eigvalsh(np.column_stack([G_op(e) for e in np.eye(w.size)]))
            curvature.plot_spectral_density(axes[0, col], exact, nodes, weights, hvps)
            axes[0, col].set_title(f"{label}: loss {problem.loss(w):.3f}, λ_min/λ_max = {exact[0] / exact[-1]:.1e}")
            curvature.plot_eigenvalue_densities(axes[1, col], {"Hessian H": exact, "Gauss–Newton G": gauss_newton},
                                                colors=["0.6", "tab:orange"])
            axes[1, col].set_title(f"{label}: H = G + residual term, G ⪰ 0")
        fig.suptitle(f"Hessian eigenvalue density of a {problem.w0.size}-weight tanh MLP: the negative part fades "
                     "with training")
        _projector_ticks(fig)
        fig.tight_layout()
    return fig


@figure("trace_error.png")
def trace_error():
    """Hutchinson vs Hutch++: RMS relative trace error against matvecs on flat / polynomial / exponential spectra."""
    rng = np.random.default_rng(2)
    budgets = np.array([6, 12, 24, 48, 96, 192, 384])
    trials = 12
    with mpl.rc_context(projector.RC):
        fig, axes = plt.subplots(1, 3, figsize=(11.5, 4.6), sharey=True)
        for ax, kind in zip(axes, curvature.SPECTRA):
            errors = curvature.trace_errors(curvature.spectrum_matrix(1000, kind, rng), budgets, trials, rng)
            curvature.plot_trace_errors(ax, budgets, errors)
            ax.set_title(f"{kind} spectrum, n = 1000")
        axes[0].set_ylabel(f"RMS relative error of tr A ({trials} trials)")
        fig.suptitle(r"Hutchinson's error falls like $m^{-1/2}$; Hutch++'s like $m^{-1}$ or faster on decaying "
                     "spectra")
        _projector_ticks(fig)
        fig.tight_layout()
    return fig
