"""Gradient checkpointing (notebook 10): the lecture's animations of vanilla, memory-poor and checkpointed
backprop (plus the binomial schedule), and the memory/recomputation trade-off, all from ``adlib.checkpoint``."""

import matplotlib.pyplot as plt
import numpy as np
from make_figures import figure

from adlib.checkpoint import (
    animate_schedules,
    draw_space_time,
    make_schedule,
    revolve_cost,
    schedule_every_k,
    schedule_recompute_all,
    schedule_revolve,
    schedule_store_all,
    simulate,
)

N_ANIMATED = 8  # steps in the animations: few frames, small GIFs


def _gif(path, title, actions, n=N_ANIMATED):
    anim = animate_schedules({title: actions}, n, row_height=1.6)
    anim.save_gif(path, fps=3, dpi=80)
    plt.close(anim.fig)


@figure("checkpoint_store_all.gif")
def checkpoint_store_all(path):
    """Vanilla backprop: every step is recorded on the way forward; memory grows to n, no recomputation."""
    _gif(path, "store all (vanilla backprop)", schedule_store_all(N_ANIMATED))


@figure("checkpoint_recompute_all.gif")
def checkpoint_recompute_all(path):
    """Memory-poor backprop: only x_0 is kept, each backward step recomputes the chain from the start."""
    _gif(path, "recompute all (memory-poor)", schedule_recompute_all(N_ANIMATED))


@figure("checkpoint_sqrt_n.gif")
def checkpoint_sqrt_n(path):
    """Checkpointed backprop: a checkpoint every ⌈√n⌉ steps, one segment re-recorded at a time."""
    _gif(path, "checkpoint every √n steps", schedule_every_k(N_ANIMATED))


@figure("checkpoint_revolve.gif")
def checkpoint_revolve(path):
    """The binomial schedule (Revolve) with 3 checkpoints: the fewest recomputations for that memory."""
    _gif(path, "binomial (Revolve), s = 3 checkpoints", schedule_revolve(N_ANIMATED, 3))


@figure("checkpoint_space_time.png")
def checkpoint_space_time():
    """Four schedules for n = 16 as space–time diagrams: where each step is evaluated, when."""
    n = 16
    fig, axes = plt.subplots(1, 4, figsize=(13, 5.2), sharey=False)
    for ax, (title, actions) in zip(axes, [
        ("store all", schedule_store_all(n)),
        ("recompute all", schedule_recompute_all(n)),
        ("every √n = 4 steps", schedule_every_k(n)),
        ("binomial, s = 3", schedule_revolve(n, 3)),
    ]):
        draw_space_time(ax, actions, n, title)
    handles, labels = axes[-1].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=9)
    fig.suptitle("Reversing a chain of 16 steps: time runs downwards; grey dots are recomputations")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


@figure("checkpoint_tradeoff.png")
def checkpoint_tradeoff():
    """Extra forward steps against memory for n = 1000: the binomial schedule on t(n, s), the others above it."""
    n = 1000
    fig, ax = plt.subplots(figsize=(6.6, 4.6))
    s = np.unique(np.geomspace(1, 999, 40).astype(int))
    ax.plot(s + 1, [revolve_cost(n, int(k)) / n for k in s], "-", color="tab:blue", label="theory t(n, s) / n")
    sim = [simulate(schedule_revolve(n, int(k)), n) for k in s[::3]]
    ax.plot([st.peak_memory for st in sim], [st.recomputations / n for st in sim], "o", color="tab:blue",
            label="binomial schedule (counted)")
    ks = [2, 5, 10, 32, 100, 300]
    sim = [simulate(make_schedule("every_k", n, k=k, keep_tapes=False), n) for k in ks]
    ax.plot([st.peak_memory for st in sim], [st.recomputations / n for st in sim], "s", color="tab:orange",
            label="every k steps, one tape at a time")
    sim = [simulate(make_schedule("every_k", n, k=k), n) for k in ks]
    ax.plot([st.peak_memory for st in sim], [st.recomputations / n for st in sim], "s", mfc="none",
            color="tab:orange", label="every k steps, segment recorded (k tapes)")
    poor = simulate(schedule_recompute_all(n), n)
    ax.plot([poor.peak_memory], [poor.recomputations / n], "v", color="tab:red", label="recompute all")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("peak memory: checkpoints + tapes held (states)")
    ax.set_ylabel("extra forward steps / n  (forward sweeps)")
    ax.set_title(f"Memory against recomputation, chain of n = {n} steps")
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    return fig
