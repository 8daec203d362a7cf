"""Figures of notebooks 08–09 (curvature without the Hessian), drawn with ``adlib.curvature``.

* ``hessian_spectral_density.png`` — Рис. 28 in miniature: the Hessian eigenvalue density (stochastic Lanczos
  quadrature over HVPs) of a small MLP's loss at initialisation and after training, over the dense spectrum;
* ``trace_error.png`` — Hutchinson against Hutch++: relative error against the number of matvecs on
  1000×1000 matrices with flat, polynomially and exponentially decaying spectra, with fitted slopes.
"""

import matplotlib.pyplot as plt
import numpy as np
from make_figures import figure

from adlib import curvature


@figure("hessian_spectral_density.png")
def hessian_spectral_density():
    """Hessian eigenvalue density (SLQ) of an MLP's loss at initialisation and after training (cf. Рис. 28)."""
    problem = curvature.mlp_problem(seed=0)
    w_trained, _ = problem.fit(problem.w0, steps=1500, lr=0.2, momentum=0.9)
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.9))
    for ax, (label, w) in zip(axes, [("initialisation", problem.w0), ("after training", w_trained)]):
        H_op = curvature.hvp_operator(problem.loss, w)
        nodes, weights = curvature.slq(H_op, None, np.random.default_rng(1), num_steps=80, num_probes=3)
        hvps = H_op.calls
        exact = np.linalg.eigvalsh(np.column_stack([H_op(e) for e in np.eye(w.size)]))
        lo, hi = exact[0], exact[-1]
        grid = np.linspace(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo), 1500)
        sigma = 0.005 * (hi - lo)
        dense = curvature.spectral_density(exact, np.full(exact.size, 1 / exact.size), grid, sigma=sigma)
        ax.semilogy(grid, dense + 1e-8, color="0.6", lw=3, label="dense Hessian (eigvalsh), smoothed")
        ax.semilogy(grid, curvature.spectral_density(nodes, weights, grid, sigma=sigma) + 1e-8, color="tab:blue",
                    lw=1.2, label=f"SLQ from {hvps} HVPs")
        ax.axvline(0, color="k", lw=0.6)
        ax.set_ylim(1e-4, None)
        ax.set_xlabel("eigenvalue λ")
        ax.set_ylabel("density (log scale)")
        ax.set_title(f"{label}: loss {problem.loss(w):.3f}, λ_min/λ_max = {lo / hi:.1e}")
        ax.legend(fontsize=8, loc="upper right")
    fig.suptitle(f"Hessian eigenvalue density of a {problem.w0.size}-weight tanh MLP: the negative part fades "
                 "with training")
    fig.tight_layout()
    return fig


@figure("trace_error.png")
def trace_error():
    """Hutchinson vs Hutch++: RMS relative trace error against matvecs on flat / polynomial / exponential spectra."""
    rng = np.random.default_rng(2)
    budgets = np.array([6, 12, 24, 48, 96, 192, 384])
    trials = 12
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.9), sharey=True)
    for ax, kind in zip(axes, curvature.SPECTRA):
        errors = curvature.trace_errors(curvature.spectrum_matrix(1000, kind, rng), budgets, trials, rng)
        for method, marker in [("hutchinson", "o-"), ("hutch++", "s-")]:
            slope = curvature.loglog_slope(budgets, errors[method])
            ax.loglog(budgets, errors[method], marker, label=f"{method} (slope {slope:.2f})")
        ref = errors["hutchinson"][0]
        ax.loglog(budgets, ref * (budgets / budgets[0]) ** -0.5, "k:", lw=1, label=r"$\propto m^{-1/2}$")
        ax.loglog(budgets, ref * (budgets / budgets[0]) ** -1.0, "k--", lw=1, label=r"$\propto m^{-1}$")
        ax.set_title(f"{kind} spectrum, n = 1000")
        ax.set_xlabel("matvecs m")
        ax.legend(fontsize=7)
    axes[0].set_ylabel(f"RMS relative error of tr A ({trials} trials)")
    fig.suptitle(r"Hutchinson's error falls like $m^{-1/2}$; Hutch++'s like $m^{-1}$ or faster on decaying spectra")
    fig.tight_layout()
    return fig
