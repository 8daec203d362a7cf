"""adlib.course.expression_swell: the logistic map's symbolic derivative swells, AD's tape does not."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import adlib
from adlib.course.expression_swell import logistic_map, swell_table
from adlib.course.measure import loglog_slope, tape_size


def test_logistic_map_values():
    assert logistic_map(0.3, 0) == 0.3
    assert logistic_map(0.3, 1) == pytest.approx(4 * 0.3 * 0.7)
    assert logistic_map(0.3, 2) == pytest.approx(logistic_map(4 * 0.3 * 0.7, 1))


@settings(max_examples=30, deadline=None)
@given(st.floats(0.05, 0.95), st.integers(1, 6))
def test_grad_of_logistic_map_equals_sympy_derivative(x0, n):
    import sympy as sp

    x = sp.Symbol("x")
    exact = float(sp.diff(logistic_map(x, n), x).subs(x, x0))
    np.testing.assert_allclose(adlib.grad(lambda l: logistic_map(l, n))(x0), exact, rtol=1e-9, atol=1e-9)


def test_tape_grows_by_three_nodes_per_step():
    sizes = [tape_size(lambda l, n=n: logistic_map(l, n), 0.3)["nodes"] for n in range(6)]
    assert np.all(np.diff(sizes) == 3) and sizes[0] == 1


def test_swell_table_symbolic_derivative_grows_faster_than_tape():
    rows = swell_table([2, 4, 6], expand_up_to=4)
    ops = [r.derivative_ops for r in rows]
    tapes = [r.tape_nodes for r in rows]
    assert ops[2] / ops[1] > 4 and ops[1] / ops[0] > 4  # more than doubling per step
    assert tapes[2] - tapes[1] == tapes[1] - tapes[0] == 6  # linear: 3 nodes per step
    assert rows[2].expanded_ops is None and rows[1].expanded_ops is not None
    assert all(r.cse_ops < r.derivative_ops for r in rows)


def test_cse_is_not_reverse_mode_it_grows_quadratically():
    """Sharing subexpressions tames the exponential, but not down to the tape's linear growth."""
    ns = [3, 4, 5, 6, 7]
    rows = swell_table(ns, expand_up_to=0)
    cse, tape = [r.cse_ops for r in rows], [r.tape_nodes for r in rows]
    assert 1.6 < loglog_slope(ns, cse) < 2.3  # about quadratic
    assert 0.8 < loglog_slope(ns, tape) < 1.05  # linear
    assert np.all(np.diff(cse, 2) > 0)  # the increments themselves grow: faster than linear
    assert np.all(np.diff(tape, 2) == 0)


def test_bad_input():
    with pytest.raises(ValueError, match="non-negative integer"):
        logistic_map(0.3, -1)
    with pytest.raises(ValueError, match="positive integers"):
        swell_table([0])
    with pytest.raises(TypeError, match="expects a function"):
        tape_size(3, 0.3)
