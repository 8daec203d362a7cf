"""The lecture's figures, each drawn by code from `adlib` (run `make figures`).

Every figure is a function registered with ``@figure("name.png")`` that draws on a fresh matplotlib figure and
returns it; this script saves it under ``figures/`` (or ``--out DIR``). An animation is registered as
``@figure("name.gif")`` and is called with the path to write. A new figure is one more function, here or in a
module ``figures/fig_<topic>.py`` (which does ``from make_figures import figure``; all such modules are loaded).

    python figures/make_figures.py                  # all figures
    python figures/make_figures.py L_contour.png    # only some
    python figures/make_figures.py --list
"""

import argparse
import importlib
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no window
import matplotlib.pyplot as plt
import numpy as np

import adlib
import adlib.numpy as anp

HERE = Path(__file__).resolve().parent
FIGURES = {}  # file name -> function drawing it
sys.modules.setdefault("make_figures", sys.modules[__name__])  # one registry, also when run as a script


def figure(filename):
    """Register the decorated function as the maker of ``filename``."""

    def register(make):
        if filename in FIGURES:
            raise ValueError(f"two figures are called {filename}")
        FIGURES[filename] = make
        return make

    return register


def L(w1, w2):
    """The lecture's running example."""
    return w2 * anp.log(w1) + anp.sqrt(w2 * anp.log(w1))


@figure("L_contour.png")
def l_contour():
    """Level sets of L(w1, w2) = w2·log w1 + √(w2·log w1) and its gradient field from ``adlib.grad``."""
    grid_w1, grid_w2 = np.meshgrid(np.linspace(1.05, 4.0, 300), np.linspace(0.05, 3.6, 300))
    arrow_w1, arrow_w2 = np.meshgrid(np.linspace(1.2, 3.9, 12), np.linspace(0.2, 3.4, 12))
    # L acts elementwise, so the gradient of the sum over the grid is the gradient at every grid point
    g1, g2 = adlib.grad(lambda a, b: anp.sum(L(a, b)), argnums=(0, 1))(arrow_w1, arrow_w2)

    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    filled = ax.contourf(grid_w1, grid_w2, L(grid_w1, grid_w2), levels=20, cmap="viridis")
    ax.contour(grid_w1, grid_w2, L(grid_w1, grid_w2), levels=20, colors="k", linewidths=0.3, alpha=0.5)
    fig.colorbar(filled, ax=ax, label=r"$L(w_1, w_2)$")
    ax.quiver(arrow_w1, arrow_w2, g1, g2, color="white", angles="xy", alpha=0.9)
    ax.plot([2.0], [3.0], "o", color="tab:red", label=r"$(w_1, w_2) = (2, 3)$")
    ax.set_xlabel(r"$w_1$")
    ax.set_ylabel(r"$w_2$")
    ax.set_title(r"$L = w_2 \log w_1 + \sqrt{w_2 \log w_1}$ and $\nabla L$ (adlib.grad)")
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def load_figure_modules():
    """Import every ``figures/fig_*.py``: each registers its figures with ``@figure``."""
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    for path in sorted(HERE.glob("fig_*.py")):
        importlib.import_module(path.stem)


def main(argv=None):
    load_figure_modules()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="figures to draw (default: all)")
    parser.add_argument("--out", type=Path, default=HERE, help="output directory (default: figures/)")
    parser.add_argument("--list", action="store_true", help="list the figures and exit")
    args = parser.parse_args(argv)

    if args.list:
        for name, make in FIGURES.items():
            print(f"{name:24} {make.__doc__.splitlines()[0]}")
        return 0
    unknown = sorted(set(args.names) - set(FIGURES))
    if unknown:
        parser.error(f"unknown figure(s) {', '.join(unknown)}; known: {', '.join(FIGURES)}")

    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.names or FIGURES:
        path = args.out / name
        if path.suffix == ".gif":
            FIGURES[name](path)
        else:
            fig = FIGURES[name]()
            fig.savefig(path, dpi=150, metadata={"Software": None})  # no version stamp: identical reruns
            plt.close(fig)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
