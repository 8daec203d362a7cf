"""Gradient checkpointing (notebook 10): the lecture's animations of vanilla, memory-poor and checkpointed
backprop (plus the binomial schedule), and the memory/recomputation trade-off, all from ``adlib.checkpoint``."""

import matplotlib.pyplot as plt
import numpy as np
from make_figures import figure

from adlib.course.checkpointing import animate_schedules, make_schedule, plot_schedules, revolve_cost, simulate

N_ANIMATED = 8  # steps in the animations: few frames, small GIFs


def _gif(path, title, actions, n=N_ANIMATED):
    anim = animate_schedules({title: actions}, n)  # drawn for a slide: 10 in at dpi 100, text of 11–13 pt
    anim.save_gif(path, fps=3)
    plt.close(anim.fig)


@figure("checkpoint_store_all.gif")
def checkpoint_store_all(path):
    """Vanilla backprop: every step is recorded on the way forward; memory grows to n, no recomputation."""
    _gif(path, "store all (vanilla backprop)", make_schedule("store_all", N_ANIMATED))


@figure("checkpoint_recompute_all.gif")
def checkpoint_recompute_all(path):
    """Memory-poor backprop: only x_0 is kept, each backward step recomputes the chain from the start."""
    _gif(path, "recompute all (memory-poor)", make_schedule("recompute_all", N_ANIMATED))


@figure("checkpoint_sqrt_n.gif")
def checkpoint_sqrt_n(path):
    """Checkpointed backprop: a checkpoint every ⌈√n⌉ steps, one segment re-recorded at a time."""
    _gif(path, "checkpoint every √n steps", make_schedule("every_k", N_ANIMATED))


@figure("checkpoint_revolve.gif")
def checkpoint_revolve(path):
    """The binomial schedule (Revolve) with 3 checkpoints: the fewest recomputations for that memory."""
    _gif(path, "binomial (Revolve), s = 3 checkpoints", make_schedule("revolve", N_ANIMATED, s=3))


@figure("checkpoint_space_time.png")
def checkpoint_space_time():
    """Four schedules for n = 16 as space–time diagrams: where each step is evaluated, when."""
    return plot_schedules(16, 3, suptitle="Reversing a chain of 16 steps: time runs downwards; grey dots are "
                          "recomputations")


@figure("checkpoint_tradeoff.png")
def checkpoint_tradeoff():
    """Extra forward steps against memory for n = 1000: the binomial schedule on t(n, s), the others above it."""
    n = 1000
    fig, ax = plt.subplots(figsize=(10.5, 4.6))
    s = np.unique(np.geomspace(1, 999, 40).astype(int))
    ax.plot(s + 1, [revolve_cost(n, int(k)) / n for k in s], "-", color="tab:blue", label="theory t(n, s) / n")
    sim = [simulate(make_schedule("revolve", n, s=int(k)), n) for k in s[::3]]
    ax.plot([st.peak_memory for st in sim], [st.recomputations / n for st in sim], "o", color="tab:blue",
            label="binomial schedule (counted)")
    ks = [2, 5, 10, 32, 100, 300]
    sim = [simulate(make_schedule("every_k", n, k=k, keep_tapes=False), n) for k in ks]
    ax.plot([st.peak_memory for st in sim], [st.recomputations / n for st in sim], "s", color="tab:orange",
            label="every k steps, one tape at a time")
    sim = [simulate(make_schedule("every_k", n, k=k), n) for k in ks]
    ax.plot([st.peak_memory for st in sim], [st.recomputations / n for st in sim], "s", mfc="none",
            color="tab:orange", label="every k steps, segment recorded (k tapes)")
    poor = simulate(make_schedule("recompute_all", n), n)
    ax.plot([poor.peak_memory], [poor.recomputations / n], "v", color="tab:red", label="recompute all")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("peak memory: checkpoints + tapes held (states)", fontsize=12)
    ax.set_ylabel("extra forward steps / n  (forward sweeps)", fontsize=12)
    ax.set_title(f"Memory against recomputation, chain of n = {n} steps", fontsize=13)
    ax.tick_params(labelsize=11)
    ax.legend(fontsize=11, loc="center left", bbox_to_anchor=(1.01, 0.5))
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    return fig
