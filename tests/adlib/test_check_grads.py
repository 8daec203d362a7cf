"""``adlib.testing.check_grads`` over the whole family of ``functions.py``, and proof that it catches wrong rules.

``check_grads(..., order=2)`` compares ``jvp`` with finite differences, ``vjp`` with ``jvp`` by the dot-product
test, and does the same for the ``jvp`` and ``vjp`` of each function: first and second derivatives of every
primitive, without JAX.
"""

import re

import numpy as np
import pytest
from functions import CASES

import adlib
import adlib.numpy as anp
from adlib.testing import check_grads


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_check_grads(case):
    check_grads(lambda *xs: case.fun(anp, *xs), case.args, order=2, rng=case.rng("check_grads"))


# ----------------------------------------------------------------------------------------------------------
# check_grads itself
# ----------------------------------------------------------------------------------------------------------

X = np.random.default_rng(1).standard_normal((3, 4))


def sin_sum(x):
    return anp.sum(anp.sin(x) * x, axis=0)


def test_several_arguments_pytrees_and_tuple_outputs():
    def f(x, params, s):
        y = anp.tanh(x @ params["w"] + params["b"]) * s
        return y, [anp.sum(y**2)]

    params = {"w": X.T[:, :2], "b": np.array([0.5, -1.0])}
    check_grads(f, (X, params, 1.5), order=2)  # a Python float argument too


def test_single_argument_need_not_be_a_tuple():
    check_grads(sin_sum, X, order=3)


def test_reverse_mode_alone_is_checked_against_finite_differences():
    check_grads(sin_sum, (X,), modes=("rev",), order=2)
    check_grads(sin_sum, (X,), modes="fwd", order=2)


@pytest.mark.parametrize("bad", [{"modes": ("fwd", "backward")}, {"modes": ()}, {"order": 0}, {"order": 1.5}])
def test_bad_arguments(bad):
    with pytest.raises(ValueError):
        check_grads(sin_sum, (X,), **bad)


def test_integer_inputs_are_refused():
    with pytest.raises(TypeError, match="float inputs.*int"):
        check_grads(sin_sum, (np.arange(3),))


# ----------------------------------------------------------------------------------------------------------
# check_grads fails on wrong rules. `sin` has one rule for both modes (elementwise); each fixture replaces
# one of its rules, and monkeypatch restores it after the test.
# ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def sin_jvp_wrong(monkeypatch):
    monkeypatch.setattr(anp.sin, "jvp", (lambda t, ans, x: t * anp.cos(x) * 1.001,))  # 0.1 % off


@pytest.fixture
def sin_vjp_wrong(monkeypatch):
    monkeypatch.setattr(anp.sin, "vjp", (lambda g, ans, x: g * anp.cos(x) * 1.001,))


@pytest.fixture
def sin_rule_not_traced(monkeypatch):
    """The right formula, but written with raw NumPy on the plain value: first derivatives are right, the
    derivatives of the rule itself (second derivatives of sin) are lost."""
    rule = (lambda t, ans, x: t * np.cos(adlib.stop_gradient(x)),)
    monkeypatch.setattr(anp.sin, "jvp", rule)
    monkeypatch.setattr(anp.sin, "vjp", rule)


@pytest.fixture
def multiply_vjp_of_y_wrong(monkeypatch):
    """The classic slip: the reverse rule of the second factor multiplies by itself (y) instead of the other
    factor (x). The forward rules stay right."""
    monkeypatch.setattr(anp.multiply, "vjp", (anp.multiply.vjp[0], lambda g, ans, x, y: g * y))


@pytest.mark.usefixtures("sin_jvp_wrong")
def test_wrong_jvp_rule_fails_forward_mode():
    with pytest.raises(AssertionError, match=r"forward mode \(adlib.jvp\).*order 1, in sin_sum at index"):
        check_grads(sin_sum, (X,))
    check_grads(sin_sum, (X,), modes=("rev",))  # reverse mode alone does not use the JVP rule


@pytest.mark.usefixtures("sin_vjp_wrong")
def test_wrong_vjp_rule_fails_reverse_mode():
    check_grads(sin_sum, (X,), modes=("fwd",))  # forward mode alone does not see it
    with pytest.raises(AssertionError, match=r"reverse mode \(adlib.vjp\).*dot-product.*order 1, in sin_sum"):
        check_grads(sin_sum, (X,))
    with pytest.raises(AssertionError, match="reverse mode.*order 1.*from finite differences"):
        check_grads(sin_sum, (X,), modes=("rev",))


@pytest.mark.usefixtures("sin_rule_not_traced")
def test_untraced_rule_fails_at_order_2_only():
    check_grads(sin_sum, (X,), order=1)
    with pytest.raises(AssertionError, match=r"order 2, in jvp\(sin_sum\)"):
        check_grads(sin_sum, (X,), order=2)
    with pytest.raises(AssertionError, match=r"order 2, in vjp\(sin_sum\)"):
        check_grads(sin_sum, (X,), order=2, modes=("rev",))


@pytest.mark.usefixtures("multiply_vjp_of_y_wrong")
def test_wrong_rule_of_second_argument_fails():
    with pytest.raises(AssertionError, match="reverse mode"):
        check_grads(lambda x, y: x * y, (X, X[0] + 2.0))


def test_the_message_names_both_numbers(sin_jvp_wrong):
    with pytest.raises(AssertionError) as error:
        check_grads(sin_sum, (X,))
    number = r"(-?\d+\.\d+(?:e-?\d+)?)"
    found = re.search(f"jvp gives {number}, finite differences give {number}", str(error.value))
    assert found, str(error.value)
    jvp_value, fd_value = map(float, found.groups())
    assert abs(jvp_value - fd_value) > 1e-6 * abs(fd_value)


def test_rules_are_restored_after_the_fixtures():
    check_grads(sin_sum, (X,))
    check_grads(lambda x, y: x * y, (X, X[0] + 2.0))
