"""The least-squares rule of seminar notebook 12, as the notebook writes it (its `my_lstsq` cell, run here):
for x* = argmin ‖Ax − b‖², z = (AᵀA)⁻¹ ∂L/∂x* and r = b − Ax*: ∂L/∂b = A z, ∂L/∂A = r zᵀ − A z x*ᵀ."""

from pathlib import Path

import jupytext
import numpy as np
import pytest

import adlib
import adlib.numpy as anp
from adlib.testing import check_grads

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "12_seminar_least_squares_svd.py"
SHAPES = [(12, 5), (7, 1), (30, 8), (6, 6)]  # tall, a single column, larger, square


@pytest.fixture(scope="module")
def my_lstsq():
    """The notebook's custom_vjp, from the one cell that defines it (so this tests the notebook's own code)."""
    cells = [c.source for c in jupytext.read(NOTEBOOK).cells
             if c.cell_type == "code" and "def my_lstsq_bwd" in c.source]
    assert len(cells) == 1, f"{NOTEBOOK.name}: expected one cell defining my_lstsq, found {len(cells)}"
    namespace = {"np": np, "adlib": adlib}
    exec(cells[0], namespace)
    return namespace["my_lstsq"]


def _problem(m, n, seed):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(m, n)), rng.normal(size=m), rng.normal(size=n)


def _loss(ls, c):
    def L(A, b):
        x = ls(A, b)
        return (x**3).sum() + (c * x).sum()

    return L


def test_the_forward_value_is_the_least_squares_solution(my_lstsq):
    A, b, _ = _problem(12, 5, 0)
    x = my_lstsq(A, b)
    np.testing.assert_allclose(A.T @ (A @ x - b), 0, atol=1e-12)  # the normal equations hold


@pytest.mark.parametrize("m, n", SHAPES)
@pytest.mark.parametrize("seed", [0, 1])
def test_rule_equals_autodiff_through_the_solve(my_lstsq, m, n, seed):
    A, b, c = _problem(m, n, seed)
    rule = adlib.grad(_loss(my_lstsq, c), argnums=(0, 1))(A, b)
    through = adlib.grad(_loss(anp.linalg.least_squares, c), argnums=(0, 1))(A, b)
    for g, ref in zip(rule, through, strict=True):
        np.testing.assert_allclose(g, ref, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("m, n", [(12, 5), (6, 6)])
def test_rule_equals_jax(my_lstsq, m, n):
    from jax_support import jax, jit, jnp  # float64

    A, b, c = _problem(m, n, 2)
    rule = adlib.grad(_loss(my_lstsq, c), argnums=(0, 1))(A, b)
    ref = jit(jax.grad(_loss(lambda A, b: jnp.linalg.lstsq(A, b)[0], c), argnums=(0, 1)))(A, b)
    for g, r in zip(rule, ref, strict=True):
        assert np.asarray(r).dtype == np.float64
        np.testing.assert_allclose(g, r, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("m, n", SHAPES)
def test_rule_passes_check_grads(my_lstsq, m, n):
    A, b, _ = _problem(m, n, 3)
    check_grads(my_lstsq, (A, b), order=1, modes=("rev",))


def test_one_argument_traced(my_lstsq):
    A, b, c = _problem(12, 5, 4)
    both = adlib.grad(_loss(my_lstsq, c), argnums=(0, 1))(A, b)
    np.testing.assert_allclose(adlib.grad(lambda A: _loss(my_lstsq, c)(A, b))(A), both[0], rtol=1e-12)
    np.testing.assert_allclose(adlib.grad(lambda b: _loss(my_lstsq, c)(A, b))(b), both[1], rtol=1e-12)


def test_square_A_is_the_solve_rule(my_lstsq):
    A, b, c = _problem(6, 6, 5)
    A = A + 3 * np.eye(6)
    rule = adlib.grad(_loss(my_lstsq, c), argnums=(0, 1))(A, b)
    solve = adlib.grad(_loss(anp.linalg.solve, c), argnums=(0, 1))(A, b)
    for g, ref in zip(rule, solve, strict=True):
        np.testing.assert_allclose(g, ref, rtol=1e-9, atol=1e-12)


def test_the_residual_term_is_needed_for_tall_A(my_lstsq):
    """Without r zᵀ (the solve's rule applied to a tall A) ∂L/∂A is wrong: the term is no decoration."""
    A, b, c = _problem(12, 5, 6)
    x = np.linalg.lstsq(A, b, rcond=None)[0]
    g_x = 3 * x**2 + c
    z = np.linalg.solve(A.T @ A, g_x)
    r = b - A @ x
    g_A = adlib.grad(lambda A: _loss(my_lstsq, c)(A, b))(A)
    np.testing.assert_allclose(g_A, np.outer(r, z) - np.outer(A @ z, x), rtol=1e-10, atol=1e-12)
    assert np.linalg.norm(np.outer(r, z)) > 0.1 * np.linalg.norm(g_A)
    assert not np.allclose(g_A, -np.outer(A @ z, x), rtol=1e-3, atol=1e-6)
