"""`make figures` keeps working: every registered figure draws and saves a non-trivial PNG."""

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "figures" / "make_figures.py"


@pytest.fixture(scope="module")
def make_figures():
    spec = importlib.util.spec_from_file_location("make_figures", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_figures"] = module
    spec.loader.exec_module(module)
    module.load_figure_modules()
    return module


def test_registry_is_not_empty(make_figures):
    assert "L_contour.png" in make_figures.FIGURES


def test_every_figure_is_written(make_figures, tmp_path):
    assert make_figures.main(["--out", str(tmp_path)]) == 0
    for name in make_figures.FIGURES:
        data = (tmp_path / name).read_bytes()
        assert data.startswith(b"GIF8" if name.endswith(".gif") else b"\x89PNG\r\n\x1a\n"), name
        assert len(data) > 20_000, f"{name} is suspiciously small ({len(data)} bytes)"


def test_unknown_figure_is_an_error(make_figures, tmp_path):
    with pytest.raises(SystemExit):
        make_figures.main(["--out", str(tmp_path), "no_such_figure.png"])


@pytest.mark.parametrize("name", ["graph_L.png", "graph_L_forward.png", "graph_L_reverse.png"])
def test_graph_figures_are_readable_on_a_projector(make_figures, name):
    """fig_graph.py's figures: every text ≥ 10 pt on a 1280×720 slide."""
    import matplotlib.pyplot as plt

    from adlib.course import projector

    fig = make_figures.FIGURES[name]()
    projector.check_readable(fig)
    plt.close(fig)


@pytest.mark.parametrize("name", ["finite_differences_error.png", "mds_loss_vs_evaluations.png"])
def test_figures_of_notebooks_01_and_03_are_projector_readable(make_figures, name):
    import matplotlib.pyplot as plt

    from adlib.course import projector

    fig = make_figures.FIGURES[name]()
    try:
        projector.check_readable(fig)
    finally:
        plt.close(fig)


def test_zero_order_rates_figure_of_notebook_02_is_projector_readable(make_figures):
    import matplotlib.pyplot as plt

    from adlib.course import projector

    fig = make_figures.FIGURES["zero_order_rates.png"]()
    try:
        projector.check_readable(fig)
        assert len(fig.axes) == 3  # the three columns of the lecture's rate table
    finally:
        plt.close(fig)


@pytest.mark.parametrize("name", ["hessian_spectral_density.png", "trace_error.png"])
def test_curvature_figures_are_readable_on_a_projector(make_figures, name):
    import matplotlib.pyplot as plt

    from adlib.course import projector

    fig = make_figures.FIGURES[name]()
    try:
        projector.check_readable(fig)
        assert fig.get_figwidth() * fig.dpi <= projector.CONTENT_WIDTH_PX
    finally:
        plt.close(fig)
