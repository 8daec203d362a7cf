"""adlib.course.widgets: the pure function behind the stepping widget, at every step of every mode, inside and outside
L's domain; and the ipywidgets wiring (buttons, sliders, mode) driven without a browser."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from IPython.display import HTML, Math

from adlib.course import projector
from adlib.course.graph import EvaluationTrace
from adlib.course.widgets import graph_stepper, lecture_L, modes, n_steps, next_step, render_view, step_view

jax.config.update("jax_enable_x64", True)  # before any JAX array exists


def L_jax(w1, w2):
    return w2 * jnp.log(w1) + jnp.sqrt(w2 * jnp.log(w1))


INSIDE = [(2.0, 3.0), (1.5, 0.7), (3.7, 0.05), (0.5, -2.0)]
OUTSIDE = [(-1.0, 3.0), (0.0, 1.0), (0.5, 3.0), (2.0, -1.0), (1.0, 3.0), (2.0, 0.0)]


def test_modes_and_steps():
    assert modes() == ["forward ∂/∂w1", "forward ∂/∂w2", "reverse"]
    assert n_steps() == 6
    assert [next_step(s, d, 6) for s, d in [(0, -1), (0, 1), (5, 1), (3, -1)]] == [0, 1, 5, 2]


@pytest.mark.parametrize("point", INSIDE)
def test_every_step_of_every_mode(point):
    grad = jax.grad(L_jax, argnums=(0, 1))(*point)
    for k, mode in enumerate(modes()):
        names = []
        for step in range(6):
            view = step_view(point, mode, step)
            assert view.ok and view.message == "" and view.step == step and view.n_steps == 6
            names.append(view.row.name)
            assert view.function_latex.startswith(view.graph.nodes[view.row.node].latex + " = ")
            # a total derivative (d) on the left; the local partial derivatives (∂) of the chain rule, if any, after
            assert view.derivative_latex.startswith(r"\frac{d ") and " = " in view.derivative_latex
            assert (r"\partial" in view.derivative_latex) == bool(view.row.terms)
            assert isinstance(view.table, EvaluationTrace) and len(view.table) == step + 1
            if point != INSIDE[0] and step < 5:
                continue  # drawing is slow: the full rendering at one point, and the last step everywhere
            items = render_view(view)
            maths = [item.data for item in items if isinstance(item, Math)]
            assert maths == [view.function_latex, view.derivative_latex]
            assert [len(i) for i in items if isinstance(i, EvaluationTrace)] == [step + 1]
        if mode == "reverse":
            assert names == ["L", "v3", "v2", "v1", "w2", "w1"]
            np.testing.assert_allclose(view.result, grad, rtol=1e-12, atol=0)
        else:
            assert names == ["w1", "w2", "v1", "v2", "v3", "L"]
            np.testing.assert_allclose(view.result, grad[k], rtol=1e-12, atol=0)
        assert any(isinstance(i, HTML) and "Done" in i.data for i in items)
    if mode != "reverse":
        assert any(isinstance(i, HTML) and f"∂L/∂w{k + 1} = " in i.data for i in items)


def test_the_slides_formulas_appear_at_their_steps():
    """«Производная» at Рис. 9 and Рис. 21, in the slides' term order: w2 ∂v1/∂w1 + v1 ∂w2/∂w1; d for the total
    derivatives, ∂ for the local partial ones."""
    view = step_view((2.0, 3.0), "forward ∂/∂w1", 3)
    assert (r"\frac{d v_{2}}{d w_{1}} = \frac{\partial v_{2}}{\partial v_{1}} \frac{d v_{1}}{d w_{1}} + "
            r"\frac{\partial v_{2}}{\partial w_{2}} \frac{d w_{2}}{d w_{1}} = "
            r"w_{2} \frac{d v_{1}}{d w_{1}} + v_{1} \frac{d w_{2}}{d w_{1}} = 3 \cdot 0.5 + 0.6931 \cdot 0 = 1.5"
            == view.derivative_latex)  # fmt: skip
    table = view.table._repr_html_()
    assert view.derivative_latex in table and "tangent v̇ = dv/dw1" in table
    view = step_view((2.0, 3.0), "reverse", 2)
    assert (r"\frac{d L}{d v_{3}} \frac{1}{2\sqrt{v_{2}}} + \frac{d L}{d L} 1"
            in view.derivative_latex)  # fmt: skip
    assert "adjoint v̄ = dL/dv" in view.table._repr_html_()


@pytest.mark.parametrize("mode, step", [("forward ∂/∂w1", 0), ("forward ∂/∂w2", 5), ("reverse", 2), ("reverse", 5)])
def test_the_stepper_is_readable_on_a_projector(mode, step):
    """The widget's drawing (the saved state shows step 0 of forward ∂/∂w1): every text ≥ 10 pt on a 1280×720
    slide, the tangents dotted and the adjoints barred as in the notation cell of notebook 04."""
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    items = render_view(step_view((2.0, 3.0), mode, step))
    (fig,) = [i for i in items if isinstance(i, plt.Figure)]
    projector.check_readable(fig)
    texts = " ".join(t.get_text() for t in fig.findobj(Text))
    assert (r"\dot{" in texts) == mode.startswith("forward") and (r"\bar{" in texts) == (mode == "reverse")
    heading = items[0].data
    assert ("v̇ = dv/dw" in heading) == mode.startswith("forward") and ("v̄ = dL/dv" in heading) == (mode == "reverse")
    small = render_view(step_view((2.0, 3.0), mode, step), figsize=(14, 5), fontsize=9)
    with pytest.raises(ValueError):
        projector.check_readable(next(i for i in small if isinstance(i, plt.Figure)))


@pytest.mark.parametrize("point", OUTSIDE)
def test_outside_the_domain_is_a_message_not_an_error(point):
    for mode in modes():
        for step in range(6):
            view = step_view(point, mode, step)
            assert not view.ok and view.message and view.result is None and view.row is None
        items = render_view(view)
        assert any(isinstance(i, HTML) and "Outside the domain" in i.data for i in items)
        assert not any(isinstance(i, Math) for i in items)


@pytest.mark.parametrize(
    "kwargs", [{"mode": "sideways"}, {"step": 6}, {"step": -1}, {"step": 1.5}, {"point": (1.0, 2.0, 3.0)}]
)
def test_bad_arguments_raise(kwargs):
    with pytest.raises(ValueError):
        step_view(**{"point": (2.0, 3.0), "mode": "reverse", "step": 0, **kwargs})
    with pytest.raises(TypeError):
        render_view("view")


def test_the_widget_wiring(capsys):
    box = graph_stepper()
    c = box.controls
    assert c["step"].max == 5 and box.view().row.name == "w1"
    for _ in range(8):  # ▶ past the end stays at the last step
        c["forward"].click()
    assert c["step"].value == 5 and box.view().row.name == "L"
    c["mode"].value = "reverse"
    c["back"].click()
    assert c["step"].value == 4 and box.view().row.name == "w2"
    np.testing.assert_allclose(box.view().result, jax.grad(L_jax, argnums=(0, 1))(2.0, 3.0), rtol=1e-12)
    c["sliders"][0].value = -0.3  # out of the domain: a message, and the widget keeps working
    assert not box.view().ok and "log(w1)" in box.view().message
    c["sliders"][0].value = 2.5
    c["forward"].click()
    assert box.view().ok and box.view().row.name == "w1"
    capsys.readouterr()


def test_another_function():
    def f(x1, x2):
        import adlib.numpy as anp

        return anp.log(x1) + x1 * x2 - anp.sin(x2)

    view = step_view((2.0, 5.0), "forward ∂/∂x1", 6, f, ("x1", "x2"), "y")
    assert view.ok and view.result == pytest.approx(5.5, abs=1e-12)
    box = graph_stepper(f, (2.0, 5.0), ((0.1, 4.0), (0.0, 6.0)), ("x1", "x2"), "y")
    assert box.controls["step"].max == 6
    assert graph_stepper(mode="reverse").view().row.name == "L"
    with pytest.raises(ValueError):
        graph_stepper(mode="backwards")
    assert lecture_L(2.0, 3.0) == pytest.approx(3.0 * np.log(2.0) + np.sqrt(3.0 * np.log(2.0)), rel=1e-15)
