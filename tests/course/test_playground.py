"""adlib.course.playground: the parser's whitelist (every bad input a plain message, nothing executed, no warning),
the view (graph, traces, gradient) against JAX in float64 and closed forms, the default function's gradient equal
to JAX's to 1e-12, the rendering, and the widget driven without a browser (ipywidgets 7.7 on the Colab stack, 8
here)."""

import warnings

import jax
import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np
import pytest
from IPython.display import HTML, Math

import adlib
import adlib.numpy as anp
from adlib.core import Primitive
from adlib.course import projector
from adlib.course.graph import OPERATIONS, EvaluationTrace, trace_graph
from adlib.course.graph_plot import draw_graph, figure_size, scale
from adlib.course.i18n import set_language
from adlib.course.playground import (
    DEFAULT_EXPRESSION,
    DEFAULT_POINT,
    FUNCTIONS,
    MAX_LENGTH,
    MAX_NODES,
    ExpressionError,
    parse,
    playground,
    playground_view,
    render_playground,
)
from adlib.course.widgets import graph_stepper, lecture_L

jax.config.update("jax_enable_x64", True)  # before any JAX array exists


@pytest.fixture(autouse=True)
def no_warnings():
    """Bad input is a message, never a RuntimeWarning (log of a negative number, 1/0, overflow)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        yield


def homework(x, y):  # written out independently of the playground's parser
    return jnp.exp(-((jnp.sin(x) - jnp.cos(y)) ** 2))


def homework_gradient(x, y):
    """The closed form: f = exp(−u²), u = sin x − cos y: ∂f/∂x = −2u cos x · f, ∂f/∂y = −2u sin y · f."""
    u = np.sin(x) - np.cos(y)
    f = np.exp(-(u**2))
    return -2 * u * np.cos(x) * f, -2 * u * np.sin(y) * f


# ---------------------------------------------------------------------------------------------------------------
# The whitelist
# ---------------------------------------------------------------------------------------------------------------


def test_every_function_exists_in_adlib_and_jax_and_has_its_formula():
    for name in FUNCTIONS:
        prim = getattr(anp, name)
        assert isinstance(prim, Primitive), name
        assert callable(getattr(jnp, name)), name
        assert prim.name in OPERATIONS, f"{name}: no LaTeX template in adlib.course.graph.OPERATIONS"


@pytest.mark.parametrize("name", FUNCTIONS)
def test_every_function_matches_jax(name):
    point = (1.7, 0.0, 0.0) if name == "arccosh" else (0.4, 0.0, 0.0)  # inside every domain
    view = playground_view(f"{name}(x) * y + {name}(y * x)", point[:1] + (0.6, 0.0), jax=jax)
    assert view.ok, view.message
    assert view.jax_difference <= 1e-12 and view.gradient == pytest.approx(view.jax_gradient, rel=1e-12)
    assert not any(r"\partial" in node.local_latex(view.graph, 0) for node in view.graph.primitive_nodes)


def test_every_function_draws():
    """One graph with every function: its drawing parses the mathtext of every template (edge labels, node
    formulas), and no edge falls back to the generic ∂φ/∂x."""

    def f(x, y):
        return sum(getattr(anp, name)(y if name == "arccosh" else x) for name in FUNCTIONS)

    graph = trace_graph(f, 0.4, 1.7, input_names=("x", "y"), output_name="f")
    fig, ax = plt.subplots(figsize=figure_size(graph))
    draw_graph(graph, ax=ax)
    fig.canvas.draw()  # mathtext parses every label here
    labels = [n.local_latex(graph, 0) for n in graph.primitive_nodes if n.prim.name != "add"]
    assert len(labels) == len(FUNCTIONS) and not any(r"\partial" in label for label in labels)
    plt.close(fig)


# ---------------------------------------------------------------------------------------------------------------
# Good inputs
# ---------------------------------------------------------------------------------------------------------------

GOOD = [  # text, point (x, y, z), the variables used, the LaTeX shown, the gradient in closed form
    ("exp(-(sin(x) - cos(y))**2)", (1.0, 2.0, 0.5), ("x", "y"), r"e^{-\left(\sin x - \cos y\right)^{2}}",
     lambda x, y, z: homework_gradient(x, y)),
    ("y*log(x) + sqrt(y*log(x))", (2.0, 3.0, 0.0), ("x", "y"), r"y \cdot \log x + \sqrt{y \cdot \log x}",
     lambda x, y, z: ((y / x) * (1 + 1 / (2 * np.sqrt(y * np.log(x)))),
                      np.log(x) * (1 + 1 / (2 * np.sqrt(y * np.log(x)))))),
    ("-x**2", (1.5, 0.0, 0.0), ("x",), "-x^{2}", lambda x, y, z: (-2 * x,)),
    ("x*-y", (1.5, 2.0, 0.0), ("x", "y"), r"x \cdot \left(-y\right)", lambda x, y, z: (-y, -x)),
    ("x - (y - z)", (1.0, 2.0, 3.0), ("x", "y", "z"), r"x - \left(y - z\right)", lambda x, y, z: (1.0, -1.0, 1.0)),
    ("x/(y + 1)", (1.0, 2.0, 0.0), ("x", "y"), r"\frac{x}{y + 1}", lambda x, y, z: (1 / (y + 1), -x / (y + 1) ** 2)),
    ("(x**2)**3", (1.3, 0.0, 0.0), ("x",), r"\left(x^{2}\right)^{3}", lambda x, y, z: (6 * x**5,)),
    ("tanh(x*y + z)", (0.3, -0.5, 0.2), ("x", "y", "z"), r"\tanh\left(x \cdot y + z\right)",
     lambda x, y, z: tuple(d / np.cosh(x * y + z) ** 2 for d in (y, x, 1.0))),
    ("2**-z + pi*e", (0.0, 0.0, 0.7), ("z",), r"2^{-z} + \pi \cdot e", lambda x, y, z: (-np.log(2) * 2**-z,)),
    ("sin(x)**2 + cos(x)**2", (0.9, 0.0, 0.0), ("x",), r"\left(\sin x\right)^{2} + \left(\cos x\right)^{2}",
     lambda x, y, z: (0.0,)),
    ("x", (4.0, 0.0, 0.0), ("x",), "x", lambda x, y, z: (1.0,)),
]


@pytest.mark.parametrize("text, point, used, latex, closed_form", GOOD, ids=[g[0] for g in GOOD])
def test_good_inputs(text, point, used, latex, closed_form):
    view = playground_view(text, point, jax=jax)
    assert view.ok and view.message == "", view.message
    assert view.expression.variables == used and view.inputs == used and view.expression.latex == latex
    assert view.point == tuple(p for p, v in zip(point, "xyz") if v in used)
    assert view.value == pytest.approx(float(view.expression.function(np)(*view.point)), rel=1e-15)
    np.testing.assert_allclose(view.gradient, closed_form(*point), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(view.gradient, view.jax_gradient, rtol=1e-12, atol=1e-15)
    assert view.jax_difference <= 1e-12
    # forward mode, one pass per input, gives the same numbers as the one backward sweep
    assert len(view.forward) == len(used) and all(t.mode == "forward" for t in view.forward)
    np.testing.assert_allclose([t.result for t in view.forward], view.gradient, rtol=1e-14, atol=1e-15)
    assert view.reverse.mode == "reverse" and tuple(view.reverse.result) == view.gradient
    assert tuple(view.graph.nodes[i].name for i in view.graph.inputs) == used
    np.testing.assert_allclose(adlib.grad(view.expression.function(anp), argnums=tuple(range(len(used))))(
        *view.point), view.gradient, rtol=1e-15)


@pytest.mark.parametrize("point", [DEFAULT_POINT, (0.3, 1.2, 0.0), (2.0, -0.7, 0.0), (-1.1, 0.4, 0.0), (0.0, 0.0, 0.0)])
def test_the_default_function_gradient_equals_jax_to_1e_12(point):
    """The course homework's f(x, y) = exp(−(sin x − cos y)²): adlib's gradient (one backward sweep on the traced
    graph) equals jax.grad of an independently written jax.numpy function to 1e-12, and the closed form."""
    view = playground_view(DEFAULT_EXPRESSION, point, jax=jax)
    assert view.ok and view.expression.variables == ("x", "y")
    reference = jax.grad(homework, argnums=(0, 1))(*point[:2])
    np.testing.assert_allclose(view.gradient, reference, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(view.jax_gradient, reference, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(view.gradient, homework_gradient(*point[:2]), rtol=1e-12, atol=1e-12)
    assert view.jax_difference <= 1e-12


def test_the_default_graph_is_the_homeworks():
    view = playground_view(jax=jax)
    assert [view.graph.plain(n) for n in view.graph.primitive_nodes] == [
        "sin(x)", "cos(y)", "subtract(v1, v2)", "square(v3)", "negative(v4)", "exp(v5)"]
    assert view.graph.nodes[view.graph.output].name == "f"


def test_the_traces_carry_the_slides_formulas():
    """«Функция» and «Производная» of each step, as in notebooks 04/05: total derivatives with d, the local ones
    with ∂, the numbers substituted."""
    view = playground_view(DEFAULT_EXPRESSION, (1.0, 2.0, 0.5))
    v3 = next(r for r in view.forward[0].rows if r.name == "v3")
    assert v3.function_latex.startswith(r"v_{3} = v_{1} - v_{2} = ")
    assert v3.derivative_latex.startswith(r"\frac{d v_{3}}{d x} = \frac{\partial v_{3}}{\partial v_{1}} \frac{d v_{1}}"
                                          r"{d x} + \frac{\partial v_{3}}{\partial v_{2}} \frac{d v_{2}}{d x} = ")
    x = next(r for r in view.reverse.rows if r.name == "x")
    assert x.derivative_latex.startswith(r"\frac{d f}{d x} = \frac{d f}{d v_{1}} \frac{\partial v_{1}}{\partial x}"
                                         r" = \frac{d f}{d v_{1}} \cos x = ")
    assert [r.name for r in view.reverse.rows] == ["f", "v5", "v4", "v3", "v2", "v1", "y", "x"]


def test_the_expression_is_evaluated_by_the_module_given():
    expression = parse(DEFAULT_EXPRESSION)
    assert expression.signature == "f(x, y)"
    f_np, f_anp, f_jax = (expression.function(m) for m in (np, anp, jnp))
    assert f_np(1.0, 2.0) == f_anp(1.0, 2.0) == pytest.approx(float(homework(1.0, 2.0)), rel=1e-15)
    assert float(f_jax(1.0, 2.0)) == float(homework(1.0, 2.0))  # the same jax.numpy operations, bit for bit
    graph = trace_graph(f_anp, 1.0, 2.0)  # any input names: the function is an ordinary adlib function
    assert len(graph) == 8
    with pytest.raises(TypeError, match="takes 2"):
        f_np(1.0)
    assert parse("z*x", variables=("x", "y", "z")).variables == ("x", "z")  # in the order of the variables
    assert parse("a*b", variables=("b", "a")).variables == ("b", "a")


# ---------------------------------------------------------------------------------------------------------------
# Bad inputs: a plain message, and nothing runs
# ---------------------------------------------------------------------------------------------------------------

BAD = [  # text, point, status, a piece of the message
    ("", DEFAULT_POINT, "syntax", "type a function"),
    ("   ", DEFAULT_POINT, "syntax", "type a function"),
    ("sin(x", DEFAULT_POINT, "syntax", "syntax error"),
    ("x +", DEFAULT_POINT, "syntax", "syntax error"),
    ("2x", DEFAULT_POINT, "syntax", "2*x"),
    ("x = 1", DEFAULT_POINT, "syntax", "syntax error"),
    ("x^2", DEFAULT_POINT, "syntax", "x**2"),
    ("x % 2", DEFAULT_POINT, "syntax", "operator %"),
    ("x // 2", DEFAULT_POINT, "syntax", "operator //"),
    ("~x", DEFAULT_POINT, "syntax", "unary minus"),
    ("np.sin(x)", DEFAULT_POINT, "syntax", "no attribute access"),
    ("x.real", DEFAULT_POINT, "syntax", "no attribute access"),
    ("().__class__", DEFAULT_POINT, "syntax", "no attribute access"),
    ("__import__('os').system('echo hacked')", DEFAULT_POINT, "syntax", "no attribute access"),
    ("__import__('os')", DEFAULT_POINT, "name", "not a function of the playground"),
    ("eval('1')", DEFAULT_POINT, "name", "not a function of the playground"),
    ("print(x)", DEFAULT_POINT, "name", "not a function of the playground"),
    ("maximum(x)", DEFAULT_POINT, "name", "not a function of the playground"),
    ("(lambda: x)()", DEFAULT_POINT, "name", "only the functions can be called"),
    ("lambda x: x", DEFAULT_POINT, "syntax", "no lambdas"),
    ("[x for x in y]", DEFAULT_POINT, "syntax", "comprehensions"),
    ("sum(x for x in y)", DEFAULT_POINT, "name", "not a function of the playground"),
    ("x[0]", DEFAULT_POINT, "syntax", "no indexing"),
    ("[x, y]", DEFAULT_POINT, "syntax", "only scalars"),
    ("x if y else z", DEFAULT_POINT, "syntax", "no comparisons"),
    ("x < y", DEFAULT_POINT, "syntax", "no comparisons"),
    ("x and y", DEFAULT_POINT, "syntax", "no comparisons"),
    ("(x := 2)", DEFAULT_POINT, "syntax", "not allowed"),
    ("f'{x}'", DEFAULT_POINT, "syntax", "not allowed"),
    ("'x'", DEFAULT_POINT, "syntax", "only numbers"),
    ("True * x", DEFAULT_POINT, "syntax", "only numbers"),
    ("1j * x", DEFAULT_POINT, "syntax", "only real numbers"),
    ("sin(x=1)", DEFAULT_POINT, "syntax", "keyword"),
    ("sin(*x)", DEFAULT_POINT, "syntax", "keyword"),
    ("sin(x, y)", DEFAULT_POINT, "name", "one argument"),
    ("sin()", DEFAULT_POINT, "name", "one argument"),
    ("sin", DEFAULT_POINT, "name", "is a function"),
    ("x(y + 1)", DEFAULT_POINT, "name", "not a function"),
    ("w + 1", DEFAULT_POINT, "name", "unknown name 'w'"),
    ("Sin(x)", DEFAULT_POINT, "name", "not a function of the playground"),
    ("3 + 4", DEFAULT_POINT, "constant", "none of the variables"),
    ("pi", DEFAULT_POINT, "constant", "none of the variables"),
    ("x" * (MAX_LENGTH + 1), DEFAULT_POINT, "syntax", f"at most {MAX_LENGTH}"),
    ("1" * 400 + " * x", DEFAULT_POINT, "syntax", "at most"),
    ("log(-1) * x", DEFAULT_POINT, "domain", "log(-1) is nan"),
    ("x + 1/0", DEFAULT_POINT, "domain", "1 / 0 is inf"),
    ("9**9**9 * x", DEFAULT_POINT, "domain", "is inf"),
    ("log(x)", (-1.0, 0.0, 0.0), "domain", "log(x) is not a real number for x = -1"),
    ("sqrt(x - 1)", (0.5, 0.0, 0.0), "domain", "not a real number"),
    ("sqrt(x - 1)", (1.0, 0.0, 0.0), "domain", "derivative is undefined"),
    ("x / y", (1.0, 0.0, 0.0), "domain", "not a real number"),
    ("arcsin(x)", (2.0, 0.0, 0.0), "domain", "not a real number"),
    ("exp(exp(x))", (10.0, 0.0, 0.0), "domain", "not a real number"),
    ("log(x)", (np.inf, 0.0, 0.0), "point", "finite number"),
    ("y * x", (1.0, np.nan, 0.0), "point", "y must be a finite number"),
]


@pytest.mark.parametrize("text, point, status, message", BAD, ids=[f"{b[0][:30]!r}@{b[1][:1]}" for b in BAD])
def test_bad_inputs_give_a_plain_message(text, point, status, message):
    view = playground_view(text, point, jax=jax)
    assert view.status == status and not view.ok and view.title and view.title != status
    assert message in view.message, view.message
    assert view.gradient is None and view.forward == () and view.reverse is None
    items = render_playground(view)
    html = [i.data for i in items if isinstance(i, HTML)]
    assert len(html) == 1 and "adlib-playground-message" in html[0] and "Traceback" not in html[0]
    assert not any(isinstance(i, EvaluationTrace) for i in items)
    figures = [i for i in items if isinstance(i, plt.Figure)]
    assert len(figures) == (status == "domain" and view.graph is not None)  # the bare graph shows where it fails
    if status in ("syntax", "name", "constant"):
        assert view.expression is None and view.graph is None
        with pytest.raises(ExpressionError) as error:
            parse(text)
        assert error.value.kind == status and str(error.value) == view.message


def test_nothing_of_the_text_is_executed(tmp_path):
    marker = tmp_path / "hacked"
    for text in [f"__import__('os').system('touch {marker}')", f"open('{marker}', 'w')",
                 f"exec(\"open('{marker}', 'w')\")", f"[open('{marker}', 'w') for x in y]"]:
        assert not playground_view(text).ok
    assert not marker.exists()


def test_too_large_to_draw_still_gives_the_gradient():
    wide = " + ".join(["x*y"] * 20)  # 2 inputs + 39 nodes = 41 > MAX_NODES
    deep = "sin(" * 12 + "x" + ")" * 12  # 13 nodes in a row: drawn too small for a slide
    for text, cause in [(wide, f"at most {MAX_NODES}"), (deep, "too deep")]:
        view = playground_view(text, (0.7, 0.3, 0.0), jax=jax)
        assert view.status == "too large" and cause in view.message, view.message
        assert view.jax_difference <= 1e-12 and view.gradient is not None
        items = render_playground(view)
        assert not any(isinstance(i, plt.Figure | EvaluationTrace) for i in items)
        assert any(isinstance(i, HTML) and "∇f" in i.data for i in items)
    assert len(playground_view(wide).graph) == 41 and scale(playground_view(deep).graph, 2) < 0.7
    ok = playground_view(" + ".join(["x*y"] * 3))
    assert ok.ok and len(ok.graph) <= MAX_NODES


def test_messages_in_russian():
    set_language("ru")
    try:
        view = playground_view("x^2")
        assert "степень" in view.message and "Эту формулу" in render_playground(view)[0].data
        assert "неизвестное имя" in playground_view("w").message
    finally:
        set_language("en")


@pytest.mark.parametrize("kwargs, error", [
    ({"point": (1.0, 2.0)}, ValueError),
    ({"variables": ()}, ValueError),
    ({"variables": ("a", "b", "c", "d")}, ValueError),
    ({"variables": ("x", "x")}, ValueError),
    ({"variables": ("sin",), "point": (1.0,)}, ValueError),
    ({"variables": ("pi",), "point": (1.0,)}, ValueError),
    ({"variables": ("2x",), "point": (1.0,)}, ValueError),
    ({"point": (1.0, "2", 3.0)}, TypeError),
    ({"text": 3}, TypeError),
])
def test_a_wrong_call_raises(kwargs, error):
    with pytest.raises(error):
        playground_view(**{"text": "x", "point": DEFAULT_POINT, **kwargs})


def test_jax_in_float32_is_refused():
    class Float32Jax:  # what jax looks like without jax_enable_x64
        class numpy:
            float64 = np.float64

            @staticmethod
            def asarray(x):
                return np.asarray(x, dtype=np.float32)

    with pytest.raises(ValueError, match="float64"):
        playground_view("x", jax=Float32Jax)


def test_a_point_may_be_a_mapping():
    view = playground_view("x * z", {"x": 2.0, "z": 3.0})
    assert view.ok and view.point == (2.0, 3.0) and view.gradient == (3.0, 2.0)


# ---------------------------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------------------------


def test_render_shows_the_function_the_gradient_the_jax_check_the_graph_and_the_traces():
    view = playground_view(jax=jax)
    items = render_playground(view)
    assert isinstance(items[0], Math) and items[0].data == r"f(x, y) = e^{-\left(\sin x - \cos y\right)^{2}}"
    gradient = next(i.data for i in items if isinstance(i, HTML) and "∇f" in i.data)
    assert "✅ JAX" in gradient and f"{view.gradient[0]:.12g}" in gradient and "within 1e-12" in gradient
    (fig,) = [i for i in items if isinstance(i, plt.Figure)]
    projector.check_readable(fig)
    traces = [i for i in items if isinstance(i, EvaluationTrace)]
    assert [t.mode for t in traces] == ["forward", "forward", "reverse"]
    assert r"\frac{d f}{d v_{5}}" in traces[-1]._repr_html_()
    summary, parts = render_playground(view, "summary"), render_playground(view, "traces")
    assert len(summary) + len(parts) == len(items) and not any(isinstance(i, EvaluationTrace) for i in summary)
    no_jax = render_playground(playground_view())
    assert not any(isinstance(i, HTML) and "JAX" in i.data for i in no_jax)
    with pytest.raises(TypeError):
        render_playground("view")
    with pytest.raises(ValueError):
        render_playground(view, "everything")
    plt.close("all")


def test_a_failed_jax_check_is_shown_as_failed():
    view = playground_view(jax=jax)
    view.jax_gradient, view.jax_difference = (0.0, 0.0), 0.47
    gradient = next(i.data for i in render_playground(view) if isinstance(i, HTML) and "∇f" in i.data)
    assert "❌" in gradient and "NOT within" in gradient
    plt.close("all")


def test_figure_size_is_what_draw_graph_uses():
    graph = trace_graph(lecture_L, 2.0, 3.0)
    ax = draw_graph(graph)
    assert tuple(ax.figure.get_size_inches()) == pytest.approx(figure_size(graph, 1))
    assert scale(graph) == 1.0
    plt.close("all")


# ---------------------------------------------------------------------------------------------------------------
# The widget, driven without a browser (ipywidgets 7.7 and 8: the same calls)
# ---------------------------------------------------------------------------------------------------------------


def test_the_widget_follows_the_text_and_the_point(capsys):
    box = playground(jax=jax)
    c = box.controls
    assert box.view().ok and box.view().gradient == pytest.approx(homework_gradient(1.0, 2.0), rel=1e-12)
    assert [w.disabled for w in c["point"]] == [False, False, True]  # z is not used by the default
    stepping = c["stepper"].children[-1]
    assert stepping.controls["mode"].options == ("forward ∂/∂x", "forward ∂/∂y", "reverse")
    assert stepping.controls["sliders"] == [] and stepping.controls["step"].max == 7
    stepping.controls["mode"].value = "reverse"
    stepping.controls["forward"].click()
    assert stepping.view().row.name == "v5" and stepping.view().point == (1.0, 2.0)

    c["text"].value = "tanh(x*y + z)"  # a new function: a new view and a new stepping widget
    view = box.view()
    assert view.ok and view.expression.variables == ("x", "y", "z") and view.jax_difference <= 1e-12
    assert [w.disabled for w in c["point"]] == [False, False, False]
    stepping = c["stepper"].children[-1]
    assert stepping.controls["mode"].options == ("forward ∂/∂x", "forward ∂/∂y", "forward ∂/∂z", "reverse")
    assert stepping.controls["step"].max == 5 and stepping.view().point == (1.0, 2.0, 0.5)

    c["text"].value = "tanh(x*y +"  # a syntax error: a message, the controls stay
    assert box.view().status == "syntax" and len(c["stepper"].children) == 1
    assert not any(w.disabled for w in c["point"])
    c["text"].value = "log(x) * y"
    c["point"][0].value = -1.0  # outside the domain
    assert box.view().status == "domain" and "log(x)" in box.view().message
    c["point"][0].value = 2.0  # and back: it works again
    view = box.view()
    assert view.ok and view.gradient == pytest.approx((1.0, np.log(2.0)), rel=1e-15)
    assert [w.disabled for w in c["point"]] == [False, False, True]
    assert c["stepper"].children[-1].view().point == (2.0, 2.0)
    capsys.readouterr()


def test_the_stepper_without_input_sliders():
    box = graph_stepper(sliders=False, point=(2.5, 1.0), figsize=(6.0, 3.0))
    assert box.controls["sliders"] == [] and len(box.children) == 3
    assert box.view().point == (2.5, 1.0) and box.view().ok
