"""The exercise checkers: each accepts a right answer, rejects typical wrong ones (a sign error, a missing term, a
wrong shape, a rule written with numpy), calls a stub "not done yet", and never lets the student's error escape."""

import numpy as np
import pytest

import adlib.numpy as anp
from adlib.course import exercises as ex
from adlib.course.i18n import set_language


def L(w1, w2):  # the lecture's function
    return w2 * anp.log(w1) + anp.sqrt(w2 * anp.log(w1))


def dL(w1, w2):
    u = w2 * np.log(w1)
    return (w2 / w1) * (1 + 1 / (2 * np.sqrt(u)))


def stub(*args):
    raise NotImplementedError


def stub_dots(*args):
    ...


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


POINTS = [(2.0, 3.0), (1.5, 0.7)]


def test_check_grad_accepts_the_derivative_and_shows_the_references():
    fb = ex.check_grad(dL, L, POINTS)
    assert fb.passed and fb.status == "passed" and bool(fb)
    assert "adlib" in fb.message and "finite differences" in fb.message
    assert fb.max_diff < 1e-9
    assert fb.assert_passed() is fb


@pytest.mark.parametrize("wrong", [
    lambda w1, w2: -dL(w1, w2),                               # a sign error
    lambda w1, w2: w2 / w1,                                   # a missing term (the sqrt's chain rule)
    lambda w1, w2: np.array([dL(w1, w2), 0.0]),               # a wrong shape
])
def test_check_grad_rejects_typical_wrong_answers(wrong):
    fb = ex.check_grad(wrong, L, POINTS, hint="use the chain rule")
    assert fb.status == "failed" and not fb
    assert "use the chain rule" in str(fb)
    with pytest.raises(ex.ExerciseError):
        fb.assert_passed()


def test_wrong_shape_is_said_as_such():
    fb = ex.check_grad(lambda w1, w2: np.array([dL(w1, w2), 0.0]), L, POINTS)
    assert "shape (2,)" in fb.message and "expected ()" in fb.message


@pytest.mark.parametrize("todo", [stub, stub_dots])
def test_a_stub_function_is_not_done_yet_never_a_traceback(todo):
    for fb in (ex.check_grad(todo, L, POINTS), ex.check_jvp(todo, anp.sin, [np.ones(2)], [np.ones(2)]),
               ex.check_vjp(todo, anp.sin, [np.ones(2)], [np.ones(2)]), ex.check_hvp(todo, anp.sum, [np.ones(2)],
                                                                                    [np.ones(2)])):
        assert fb.status == "todo" and "Not done yet" in str(fb)
        with pytest.raises(ex.ExerciseError, match="Not done yet"):
            fb.assert_passed()


@pytest.mark.parametrize("todo", [None, ...])
def test_a_stub_value_is_not_done_yet(todo):
    for fb in (ex.check_value(todo, 1.0), ex.check_prediction(todo, 3.0), ex.check_values(todo, {"a": 1.0}),
               ex.check_choice(todo, "forward", ["forward", "reverse"]), ex.check_grad(todo, L, POINTS)):
        assert fb.status == "todo", fb


def test_an_error_in_the_students_code_is_a_message_with_its_line():
    def broken(w1, w2):
        return w2 / undefined_name  # noqa: F821

    fb = ex.check_grad(broken, L, POINTS)
    assert fb.status == "raised"
    assert "NameError" in fb.message and "undefined_name" in fb.message and "line" in fb.message
    assert "Traceback" not in fb.message


def test_jax_is_a_third_reference_when_installed():
    jnp = pytest.importorskip("jax.numpy")
    fb = ex.check_grad(dL, L, POINTS, f_jax=lambda w1, w2: w2 * jnp.log(w1) + jnp.sqrt(w2 * jnp.log(w1)))
    assert fb.passed and "JAX" in fb.message
    wrong = ex.check_grad(lambda w1, w2: 1.01 * dL(w1, w2), L, POINTS, f_jax=lambda w1, w2: w2 * jnp.log(w1))
    assert wrong.status == "failed"


def f_vec(x):
    return anp.tanh(x) * x[::-1]


def jac_vec(x):
    return np.diag((1 - np.tanh(x) ** 2) * x[::-1]) + np.diag(np.tanh(x))[:, ::-1]


def test_check_jvp_and_vjp():
    xs = [np.array([0.3, -1.2, 0.7]), np.array([1.0, 2.0, -0.5])]
    vs = [np.array([1.0, 0.5, -2.0]), np.array([0.0, 1.0, 1.0])]
    assert ex.check_jvp(lambda x, v: jac_vec(x) @ v, f_vec, xs, vs).passed
    assert ex.check_vjp(lambda x, u: u @ jac_vec(x), f_vec, xs, vs).passed
    # the classic mistake: J instead of Jᵀ in the reverse pass
    assert ex.check_vjp(lambda x, u: jac_vec(x) @ u, f_vec, xs, vs).status == "failed"
    assert ex.check_jvp(lambda x, v: np.diag(jac_vec(x)) * v, f_vec, xs, vs).status == "failed"  # diagonal only


def test_check_hvp():
    def f(x):
        return anp.sum(anp.sin(x) * x ** 2)

    def hvp(x, v):
        return (2 * np.sin(x) + 4 * x * np.cos(x) - x ** 2 * np.sin(x)) * v

    x, v = np.array([0.2, 1.1, -0.4]), np.array([1.0, -1.0, 0.5])
    assert ex.check_hvp(hvp, f, [x], [v]).passed
    assert ex.check_hvp(lambda x, v: (2 * np.sin(x) - x ** 2 * np.sin(x)) * v, f, [x], [v]).status == "failed"


def softplus_impl(x):
    return np.logaddexp(0.0, x)


def sigmoid(x):
    return 1 / (1 + anp.exp(-x))


SOFTPLUS_POINTS = [np.array([-1.5, 0.0, 2.0])]


def test_check_rule_accepts_a_right_jvp_and_vjp():
    fb = ex.check_rule(softplus_impl, SOFTPLUS_POINTS, jvp=lambda t, ans, x: t * sigmoid(x),
                       vjp=lambda g, ans, x: g * sigmoid(x))
    assert fb.passed and "order 2" in fb.message


def test_check_rule_rejects_a_sign_error_and_an_unboxing_rule():
    sign = ex.check_rule(softplus_impl, SOFTPLUS_POINTS, vjp=lambda g, ans, x: -g * sigmoid(x))
    assert sign.status == "failed" and "order 1" in sign.message
    # right values, but the rule turns x into a plain array: its own derivative (order 2) cannot be taken
    unboxing = ex.check_rule(softplus_impl, SOFTPLUS_POINTS, jvp=lambda t, ans, x: t / (1 + np.exp(-np.asarray(x))))
    assert unboxing.status in ("failed", "raised") and "order 2" in unboxing.message


def test_check_rule_with_a_stub_rule_is_not_done_yet():
    def todo(g, ans, x):
        raise NotImplementedError

    assert ex.check_rule(softplus_impl, SOFTPLUS_POINTS, vjp=todo).status == "todo"
    assert ex.check_rule(softplus_impl, SOFTPLUS_POINTS, vjp=None, jvp=...).status == "todo"


def test_check_values_lists_the_wrong_entries_and_the_missing_ones():
    want = {"v1": 0.693, "v2": 2.079, "L": 3.52}
    assert ex.check_values(dict(want), want).passed
    wrong = ex.check_values({"v1": 0.693, "v2": -2.079, "L": 3.52}, want)
    assert wrong.status == "failed" and "v2" in wrong.message and "v1" not in wrong.message
    partial = ex.check_values({"v1": 0.693, "v2": ..., "L": None}, want)
    assert partial.status == "todo" and "v2" in partial.message and "1 of 3" in partial.message
    assert ex.check_values({"v1": ..., "v2": ..., "L": ...}, want).status == "todo"


def test_check_value_and_choice():
    assert ex.check_value(2.0000000001, 2.0).passed
    assert ex.check_value(2.1, 2.0).status == "failed"
    assert ex.check_value(np.ones(3), np.ones(2)).status == "failed"
    assert ex.check_choice("Reverse ", "reverse", ["forward", "reverse"]).passed
    assert ex.check_choice("forward", "reverse", ["forward", "reverse"]).status == "failed"
    assert "answer one of" in ex.check_choice("sideways", "reverse", ["forward", "reverse"]).message


def test_check_prediction_says_how_far_off():
    assert ex.check_prediction(450, 512).passed
    far = ex.check_prediction(50, 512, within=2)
    assert far.status == "failed" and "too low" in far.message
    assert "positive number" in ex.check_prediction("many", 512).message
    assert "2.1% off" in ex.check_prediction(14112.5, 13824).message  # close: a percentage, not "within 1×"
    assert "within 1.5×" in ex.check_prediction(768, 512).message
    assert "equal in the digits shown" in ex.check_prediction(0.5, 0.5 * (1 + 2e-16)).message  # not "2.2e-14% off"


def test_feedback_renders_as_html_and_in_russian():
    fb = ex.check_grad(lambda w1, w2: -dL(w1, w2), L, POINTS, hint=("mind the sign", "следите за знаком"))
    assert "<div" in fb._repr_html_() and "mind the sign" in fb._repr_html_()
    set_language("ru")
    ru = ex.check_grad(lambda w1, w2: -dL(w1, w2), L, POINTS, hint=("mind the sign", "следите за знаком"))
    assert "Пока неверно" in str(ru) and "следите за знаком" in str(ru) and "конечные разности" in ru.message
    assert ex.check_grad(stub, L, POINTS).title == "Ещё не сделано"


def test_messages_stay_short_for_large_arrays_and_exact_predictions():
    assert "shape (34, 34)" in ex.check_value(np.eye(34), np.eye(34)).message
    assert "exactly" in ex.check_prediction(3, 3).message
