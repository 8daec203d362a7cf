"""adlib.course.graph and graph_plot: the traced graph of the lecture's L, its forward and reverse evaluation traces
(numbers against closed forms, adlib.grad and JAX), Baydin et al.'s published example, the LaTeX of each step,
the out-of-domain messages, the tape's memory, and the drawings."""

import re

import jax
import jax.numpy as jnp
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import adlib
import adlib.numpy as anp
from adlib.course import projector
from adlib.course.graph import (
    EvaluationTrace,
    Graph,
    Table,
    domain_error,
    forward_trace,
    latex_name,
    reverse_trace,
    trace_graph,
)
from adlib.course.graph_plot import CURRENT, HIGHLIGHT, draw_graph, draw_steps, layout
from adlib.course.measure import tape_size

jax.config.update("jax_enable_x64", True)  # before any JAX array exists


def L(w1, w2):
    v2 = w2 * anp.log(w1)
    return v2 + anp.sqrt(v2)


def L_twice(w1, w2):
    return w2 * anp.log(w1) + anp.sqrt(w2 * anp.log(w1))


def L_jax(w1, w2):
    return w2 * jnp.log(w1) + jnp.sqrt(w2 * jnp.log(w1))


def baydin(x1, x2):
    return anp.log(x1) + x1 * x2 - anp.sin(x2)


POINTS = [(2.0, 3.0), (1.5, 0.7), (5.0, 0.2), (10.0, 4.0), (0.5, -2.0)]
domain = st.tuples(st.floats(1.05, 20.0), st.floats(0.05, 10.0))


# ---------------------------------------------------------------------------------------------------------------
# the graph
# ---------------------------------------------------------------------------------------------------------------


def test_L_is_the_slides_four_node_graph():
    g = trace_graph(L, 2.0, 3.0)
    assert g.names == ["w1", "w2", "v1", "v2", "v3", "L"]
    assert len(g.primitive_nodes) == 4
    assert [n.prim.name for n in g.primitive_nodes] == ["log", "multiply", "sqrt", "add"]
    assert [g.nodes[p].name for p in g["v1"].parents] == ["w1"]
    assert [g.nodes[p].name for p in g["v2"].parents] == ["w2", "v1"]
    assert [g.nodes[p].name for p in g["v3"].parents] == ["v2"]
    assert [g.nodes[p].name for p in g["L"].parents] == ["v2", "v3"]
    assert [g.nodes[c].name for c in g["v2"].consumers] == ["v3", "L"]  # the fan-out
    assert g.output == 5 and g.value == pytest.approx(L(2.0, 3.0), rel=1e-15)


def test_writing_the_subexpression_twice_gives_six_nodes():
    g = trace_graph(L_twice, 2.0, 3.0)
    assert len(g.primitive_nodes) == 6  # no common subexpression elimination
    assert [n.prim.name for n in g.primitive_nodes] == ["log", "multiply", "log", "multiply", "sqrt", "add"]
    assert all(len(n.consumers) == 1 for n in g.primitive_nodes if n.index != g.output)
    np.testing.assert_allclose(reverse_trace(g).result, reverse_trace(trace_graph(L, 2.0, 3.0)).result, rtol=1e-14)


def test_names_constants_and_dead_code():
    def f(a, b):
        unused = anp.exp(a)  # noqa: F841  (not an ancestor of the output: dropped)
        return 2.0 * anp.cos(a) / b

    g = trace_graph(f, 0.3, 1.5, input_names=("a", "b"), output_name="y")
    assert g.names == ["a", "b", "v1", "v2", "y"]
    assert g["v2"].args[0] == 2.0 and g["v2"].argnums == (1,)
    assert g["y"].operation_latex(g) == r"\frac{v_{2}}{b}"
    assert latex_name("w12") == "w_{12}" and latex_name("L") == "L"


def test_graph_table_renders_as_html_and_text():
    g = trace_graph(L, 2.0, 3.0)
    html, text = g._repr_html_(), str(g)
    assert html.count("<tr>") == 1 + len(g) and "$v_{2} = w_{2} v_{1}$" in html
    assert "multiply(w2, v1)" in text and "v3, L" in text and len(text.splitlines()) == 3 + len(g)


@pytest.mark.parametrize(
    "bad, error",
    [
        (lambda: trace_graph(L, np.ones(3), 3.0), ValueError),
        (lambda: trace_graph(3.0, 2.0), TypeError),
        (lambda: trace_graph(L), ValueError),
        (lambda: trace_graph(lambda w: 1.0, 2.0), ValueError),
        (lambda: trace_graph(L, 2.0, 3.0, input_names=("a",)), ValueError),
        (lambda: trace_graph(L, 2.0, 1j), TypeError),
        (lambda: trace_graph(L, 2.0, "3"), TypeError),
        (lambda: trace_graph(L, True, 3.0), TypeError),
        (lambda: trace_graph(L, [2.0, 1.0], 3.0), ValueError),
        (lambda: forward_trace(trace_graph(L, 2.0, 3.0), wrt="w3"), ValueError),
        (lambda: forward_trace(trace_graph(L, 2.0, 3.0), wrt=2), ValueError),
        (lambda: forward_trace(trace_graph(L, 2.0, 3.0), seed=(1.0,)), ValueError),
        (lambda: forward_trace("graph"), TypeError),
        (lambda: reverse_trace(None), TypeError),
        (lambda: reverse_trace(trace_graph(L, 2.0, 3.0)).upto(6), ValueError),
        (lambda: Table(["a", "b"], [["1"]]), ValueError),
        (lambda: tape_size(1.0), TypeError),
    ],
)
def test_bad_input_is_a_clear_error(bad, error):
    with pytest.raises(error):
        bad()


# ---------------------------------------------------------------------------------------------------------------
# evaluation traces: numbers
# ---------------------------------------------------------------------------------------------------------------


def closed_forms(w1, w2):
    v1 = np.log(w1)
    v2 = w2 * v1
    v3 = np.sqrt(v2)
    dL_dv2 = 1 + 1 / (2 * v3)
    forward_w1 = {"w1": 1.0, "w2": 0.0, "v1": 1 / w1, "v2": w2 / w1, "v3": w2 / w1 / (2 * v3), "L": w2 / w1 * dL_dv2}
    forward_w2 = {"w1": 0.0, "w2": 1.0, "v1": 0.0, "v2": v1, "v3": v1 / (2 * v3), "L": v1 * dL_dv2}
    adjoints = {"L": 1.0, "v3": 1.0, "v2": dL_dv2, "v1": w2 * dL_dv2, "w2": v1 * dL_dv2, "w1": w2 / w1 * dL_dv2}
    return forward_w1, forward_w2, adjoints


@pytest.mark.parametrize("point", [(2.0, 3.0), (1.5, 0.7), (5.0, 0.2), (10.0, 4.0), (0.5, -2.0)])
def test_traces_match_closed_forms_and_jax(point):
    g = trace_graph(L, *point)
    fw1, fw2, adj = closed_forms(*point)
    for wrt, expected in [("w1", fw1), ("w2", fw2)]:
        t = forward_trace(g, wrt)
        assert [r.name for r in t.rows] == g.names
        got = t.derivatives()
        np.testing.assert_allclose([got[k] for k in expected], list(expected.values()), rtol=1e-13)
    rt = reverse_trace(g)
    assert [r.name for r in rt.rows] == g.names[::-1]
    got = rt.derivatives()
    np.testing.assert_allclose([got[k] for k in adj], list(adj.values()), rtol=1e-13)
    np.testing.assert_allclose(rt.result, jax.grad(L_jax, argnums=(0, 1))(*point), rtol=1e-12, atol=0)
    np.testing.assert_allclose(rt.result, adlib.grad(L, argnums=(0, 1))(*point), rtol=0, atol=0)  # same sweep
    for k in range(2):
        seed = tuple(float(j == k) for j in range(2))
        np.testing.assert_allclose(forward_trace(g, k).result, jax.jvp(L_jax, point, seed)[1], rtol=1e-12)
        np.testing.assert_allclose(forward_trace(g, k).result, adlib.jvp(L, point, seed)[1], rtol=0, atol=0)


@settings(max_examples=40, deadline=None)
@given(domain, st.tuples(st.floats(-3, 3), st.floats(-3, 3)))
def test_forward_along_a_direction_is_the_dot_product_with_the_reverse_gradient(point, direction):
    g = trace_graph(L, *point)
    forward = forward_trace(g, seed=direction)
    np.testing.assert_allclose(forward.result, np.dot(reverse_trace(g).result, direction), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(forward.result, jax.jvp(L_jax, point, direction)[1], rtol=1e-10, atol=1e-12)
    assert forward.rows[-1].derivative_latex.startswith(r"\dot{L} = ")


def test_baydin_published_example():
    """Baydin et al. (2018), Tables 2 and 3: f(x1, x2) = ln x1 + x1 x2 − sin x2 at (2, 5)."""
    g = trace_graph(baydin, 2.0, 5.0, input_names=("x1", "x2"), output_name="y")
    assert g.names == ["x1", "x2", "v1", "v2", "v3", "v4", "y"]
    values = [n.value for n in g.nodes]
    np.testing.assert_allclose(values, [2, 5, 0.693, 10, 10.693, -0.959, 11.652], atol=5e-4)
    forward = forward_trace(g, "x1")
    np.testing.assert_allclose([r.derivative for r in forward.rows], [1, 0, 0.5, 5, 5.5, 0, 5.5], atol=1e-12)
    assert forward.result == pytest.approx(5.5, abs=1e-12)
    x1_bar, x2_bar = reverse_trace(g).result
    assert x1_bar == pytest.approx(5.5, abs=1e-12)
    assert x2_bar == pytest.approx(1.716, abs=5e-4)
    assert x2_bar == pytest.approx(2.0 - np.cos(5.0), rel=1e-14)


# ---------------------------------------------------------------------------------------------------------------
# evaluation traces: formulas
# ---------------------------------------------------------------------------------------------------------------


def test_forward_formulas_are_the_slides():
    """The slides' formulas, term by term and in the slides' order (w2 ∂v1/∂w1 + v1 ∂w2/∂w1), with d for the total
    derivatives (the tangents) and ∂ for the local partial derivatives (the edges)."""
    g = trace_graph(L, 2.0, 3.0)
    rows = {r.name: r for r in forward_trace(g, "w1").rows}
    assert rows["v2"].function_latex == r"v_{2} = w_{2} v_{1} = 3 \cdot 0.6931 = 2.079"
    d = r"\frac{d %s}{d w_{1}}"
    partial = r"\frac{\partial v_{2}}{\partial %s}"
    assert rows["v2"].derivative_latex == (
        rf"{d % 'v_{2}'} = {partial % 'v_{1}'} {d % 'v_{1}'} + {partial % 'w_{2}'} {d % 'w_{2}'}"
        rf" = w_{{2}} {d % 'v_{1}'} + v_{{1}} {d % 'w_{2}'} = 3 \cdot 0.5 + 0.6931 \cdot 0 = 1.5"
    )
    assert [g.nodes[t.source].name for t in rows["v2"].terms] == ["v1", "w2"]  # shown in the slides' order
    assert rf"\frac{{1}}{{2\sqrt{{v_{{2}}}}}} {d % 'v_{2}'}" in rows["v3"].derivative_latex
    assert rf"= 1 {d % 'v_{2}'} + 1 {d % 'v_{3}'}" in rows["L"].derivative_latex
    assert rows["w2"].derivative_latex == rf"{d % 'w_{2}'} = 0"
    rows2 = {r.name: r for r in forward_trace(g, "w2").rows}
    tail = r"= \frac{1}{w_{1}} \frac{d w_{1}}{d w_{2}} = 0.5 \cdot 0 = 0"
    assert rows2["v1"].derivative_latex.endswith(tail)
    # ∂v2/∂w2 (the local partial, v1) and dv2/dw2 (the total derivative, the tangent) are written differently
    lhs, local_form = rows2["v2"].derivative_latex.split(" = ")[:2]
    assert lhs == r"\frac{d v_{2}}{d w_{2}}" and r"\frac{\partial v_{2}}{\partial w_{2}} \frac{d w_{2}}{d w_{2}}" in (
        local_form
    )
    assert r"w_{2} \frac{d v_{1}}{d w_{2}} + v_{1} \frac{d w_{2}}{d w_{2}}" in rows2["v2"].derivative_latex


def test_the_shown_order_does_not_change_the_sums():
    """Multiplications are shown with the second factor's term first, but summed in argument order as core does:
    the tangents are bit for bit those of adlib.jvp, for a product whose factors both depend on the input."""
    def f(a, b):
        return (a * b) * anp.sin(a)

    for point in [(0.3, 2.0), (1.7, -0.4)]:
        g = trace_graph(f, *point)
        for k in range(2):
            seed = tuple(float(j == k) for j in range(2))
            assert forward_trace(g, k).result == adlib.jvp(f, point, seed)[1]
        row = {r.name: r for r in forward_trace(g, 0).rows}["L"]
        assert [g.nodes[t.source].name for t in row.terms] == ["v2", "v1"]  # L = v1 · v2: v1 dv2/dw1 + v2 dv1/dw1
        assert r"= v_{1} \frac{d v_{2}}{d w_{1}} + v_{2} \frac{d v_{1}}{d w_{1}} =" in row.derivative_latex


def test_reverse_formulas_are_the_slides():
    g = trace_graph(L, 2.0, 3.0)
    rows = {r.name: r for r in reverse_trace(g).rows}
    dL = r"\frac{d L}{d %s}"
    assert rows["L"].derivative_latex == rf"{dL % 'L'} = 1"
    local = r"\frac{\partial L}{\partial v_{3}}"
    assert rows["v3"].derivative_latex.startswith(rf"{dL % 'v_{3}'} = {dL % 'L'} {local}")
    assert rf"= {dL % 'v_{3}'} \frac{{1}}{{2\sqrt{{v_{{2}}}}}} + {dL % 'L'} 1 = 1 \cdot 0.3467 + 1 \cdot 1 = 1.347" in (
        rows["v2"].derivative_latex
    )
    assert rf"= {dL % 'v_{2}'} w_{{2}} =" in rows["v1"].derivative_latex
    assert rf"= {dL % 'v_{2}'} v_{{1}} =" in rows["w2"].derivative_latex  # the slide has a typo here: ∂L/∂v1 v1
    assert [g.nodes[t.target].name for t in rows["v2"].terms] == ["v3", "L"]  # two paths


def test_local_and_total_derivatives_differ_where_a_value_fans_out():
    """The notation cell's example: the edge v2 → L carries the local ∂L/∂v2 = 1, but the adjoint dL/dv2 (every
    path from v2 to L, also through v3) is 1 + 1/(2√v2)."""
    g = trace_graph(L, 2.0, 3.0)
    local = {g.nodes[t.target].name: t.local for t in reverse_trace(g).rows[2].terms}
    assert local == {"v3": pytest.approx(1 / (2 * np.sqrt(3 * np.log(2))), rel=1e-15), "L": 1.0}
    assert reverse_trace(g).derivatives()["v2"] == pytest.approx(1 + local["v3"], rel=1e-15) != local["L"]


def test_notation_of_the_traces():
    g = trace_graph(L, 2.0, 3.0)
    fw, rv, direction = forward_trace(g, "w1"), reverse_trace(g), forward_trace(g, seed=(0.3, -2.0))
    assert (fw.wrt, rv.wrt, direction.wrt) == ("w1", None, None)
    assert fw.symbol_latex(g["v2"]) == r"\dot{v}_{2}" and fw.meaning_latex(g["v2"]) == "dv_{2}/dw_{1}"
    assert rv.symbol_latex(3) == r"\bar{v}_{2}" and rv.meaning_latex(g["v2"]) == "dL/dv_{2}"
    assert rv.symbol_latex(g["L"]) == r"\bar{L}" and direction.meaning_latex(g["L"]) is None
    assert direction.rows[1].derivative_latex == r"\dot{w}_{2} = -2"  # a result is not parenthesised
    assert r"0.6931 \cdot (-2)" in direction.rows[3].derivative_latex  # a factor is
    assert "tangent v̇ = dv/dw1" in str(fw) and "adjoint v̄ = dL/dv" in str(rv) and "along ẇ = (0.3, -2)" in str(
        direction)
    assert fw.upto(2).wrt == "w1"


def test_numbers_in_the_formulas_are_the_trace_numbers():
    for point in POINTS:
        g = trace_graph(L, *point)
        for trace in [forward_trace(g, 0), forward_trace(g, 1), reverse_trace(g)]:
            for r in trace.rows:
                shown = r.derivative_latex.split(" = ")[-1].strip("()")
                assert float(shown) == pytest.approx(float(r.derivative), rel=1e-3, abs=1e-12)
                assert float(r.function_latex.split(" = ")[-1].strip("()")) == pytest.approx(r.value, rel=1e-3)


def test_unknown_primitive_falls_back_to_the_generic_form():
    g = trace_graph(lambda a, b: anp.maximum(a, b) * a, 3.0, 2.0)
    assert g["v1"].operation_latex(g) == r"\mathrm{maximum}(w_{1}, w_{2})"
    row = {r.name: r for r in forward_trace(g, 0).rows}["v1"]
    assert r"\frac{\partial v_{1}}{\partial w_{1}} \frac{d w_{1}}{d w_{1}}" in row.derivative_latex
    expected = adlib.grad(lambda a, b: anp.maximum(a, b) * a, (0, 1))(3.0, 2.0)
    np.testing.assert_allclose(reverse_trace(g).result, expected)


def test_trace_tables_render():
    g = trace_graph(L, 2.0, 3.0)
    for trace in [forward_trace(g, "w1"), reverse_trace(g)]:
        assert isinstance(trace, EvaluationTrace)
        html = trace._repr_html_()
        assert html.count("<tr>") == 1 + len(g) and "Производная" in html
        assert trace.rows[3].derivative_latex in html
        # formulas in display style: an inline \frac is set at ~70 % of the text size, too small on a projector
        assert html.count(r"$\displaystyle ") == 2 * len(g)
        assert rf"$\displaystyle {trace.rows[3].derivative_latex}$" in html
        text = str(trace)
        assert len(text.splitlines()) == 3 + len(g) and "multiply(w2, v1)" in text
        assert len(trace.upto(2)) == 3 and trace.upto(2)._repr_html_().count("<tr>") == 4


# ---------------------------------------------------------------------------------------------------------------
# domain, memory
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "point, words",
    [((-1.0, 3.0), "log(w1)"), ((0.0, 3.0), "log(w1)"), ((0.5, 3.0), "sqrt(v2)"), ((2.0, -1.0), "sqrt(v2)"),
     ((1.0, 3.0), "infinite"), ((2.0, 0.0), "infinite")],
)  # fmt: skip
def test_domain_errors_name_the_node(point, words):
    message = domain_error(trace_graph(L, *point))
    assert message is not None and words in message and f"w1 = {point[0]:g}" in message


def test_no_domain_error_inside():
    assert domain_error(trace_graph(L, 2.0, 3.0)) is None
    assert domain_error(trace_graph(L, 0.5, -2.0)) is None  # w2·log w1 > 0 here too


@pytest.mark.parametrize("m", [1, 100])
def test_tape_memory_grows_linearly_with_the_chain(m):
    x = np.linspace(0.1, 1.0, m)

    def chain(n):
        def f(x):
            for _ in range(n):
                x = anp.sin(x)
            return anp.sum(x)

        return f

    for n in [1, 5, 20]:
        stats = tape_size(chain(n), x)
        assert stats["nodes"] == n + 2  # input, n sines, the sum
        assert stats["bytes"] == (n + 1) * 8 * m + 8  # every sine's output is kept, plus the input and the sum


# ---------------------------------------------------------------------------------------------------------------
# drawing
# ---------------------------------------------------------------------------------------------------------------


def test_layout_is_left_to_right():
    g = trace_graph(L, 2.0, 3.0)
    pos = layout(g)
    x = {g.nodes[i].name: p[0] for i, p in pos.items()}
    assert x["w1"] == x["w2"] < x["v1"] < x["v2"] < x["v3"] < x["L"]
    gb = trace_graph(baydin, 2.0, 5.0)
    ys = [pos_[1] for i, pos_ in layout(gb).items() if gb.nodes[i].name in ("v1", "v2", "v3")]
    assert len(set(ys)) == 3  # the three nodes of the first layer do not overlap


@pytest.mark.parametrize("f, point", [(L, (2.0, 3.0)), (baydin, (2.0, 5.0))])
def test_draw_graph_highlights_the_current_node_and_its_edges(f, point):
    g = trace_graph(f, *point)
    for trace in [forward_trace(g, 0), reverse_trace(g)]:
        for step, row in enumerate(trace.rows):
            ax = draw_graph(g, trace, step=step)
            circles = [p for p in ax.patches if isinstance(p, matplotlib.patches.Circle)]
            arrows = [p for p in ax.patches if isinstance(p, matplotlib.patches.FancyArrowPatch)]
            assert len(circles) == len(g)
            assert len(arrows) == sum(len(n.parents) for n in g.nodes)
            current = [c for c in circles if matplotlib.colors.same_color(c.get_facecolor(), CURRENT)]
            assert len(current) == 1
            node = g.nodes[row.node]
            hot = [a for a in arrows if matplotlib.colors.same_color(a.get_edgecolor(), HIGHLIGHT)]
            assert len(hot) == (len(node.parents) if trace.mode == "forward" else len(node.consumers))
            plt.close(ax.figure)


def test_draw_steps_has_one_panel_per_step():
    g = trace_graph(L, 2.0, 3.0)
    fig = draw_steps(g, reverse_trace(g), ncols=4)
    visible = [ax for ax in fig.axes if ax.patches]
    assert len(visible) == len(g)
    assert "1.347" in visible[2].get_title()
    plt.close(fig)
    with pytest.raises(ValueError):
        draw_steps(g, reverse_trace(g), ncols=0)
    with pytest.raises(ValueError):
        draw_graph(g, step=1)
    with pytest.raises(TypeError):
        draw_graph("g")
    assert isinstance(g, Graph)


def _texts(fig):
    fig.canvas.draw()
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text().strip()]


@pytest.mark.parametrize("f, point", [(L, (2.0, 3.0)), (baydin, (2.0, 5.0))])
def test_drawings_are_readable_on_a_projector(f, point):
    """Every text ≥ 10 pt on a 1280×720 slide, with the defaults (and without projector.use(): the functions set
    their own sizes); the old step panels (3 columns of 4.4 in, 8 pt) were not."""
    g = trace_graph(f, *point)
    ax = draw_graph(g, forward_trace(g, 0), step=len(g) - 1)
    projector.check_readable(ax.figure)
    assert ax.figure.get_figwidth() <= 11.8
    plt.close(ax.figure)
    for trace in [forward_trace(g, 0), reverse_trace(g)]:
        fig = draw_steps(g, trace)
        projector.check_readable(fig)
        assert fig.get_figwidth() <= 11.8
        plt.close(fig)
    fig = draw_steps(g, reverse_trace(g), ncols=3, panel=(4.4, 2.2), fontsize=8)
    with pytest.raises(ValueError, match="pt on a 1280-pixel slide"):
        projector.check_readable(fig)
    plt.close(fig)


def test_drawings_use_the_notation():
    """A dot for a tangent under each node in forward mode, a bar for an adjoint in reverse mode; panel titles
    say what the symbol means (dv_i/dw_k, dL/dv_i); edge labels are display fractions, not shrunken ones."""
    g = trace_graph(L, 2.0, 3.0)
    fw = _texts(draw_steps(g, forward_trace(g, "w1")))
    rv = _texts(draw_steps(g, reverse_trace(g)))
    plt.close("all")
    assert any(r"\dot{v}_{2} = 1.5" in t for t in fw) and not any(r"\bar{" in t for t in fw)
    assert any(r"\bar{v}_{2} = 1.347" in t for t in rv) and not any(r"\dot{" in t for t in rv)
    assert r"step 3: $\dot{v}_{2} = dv_{2}/dw_{1} = 1.5$" in fw
    assert r"step 2: $\bar{v}_{2} = dL/dv_{2} = 1.347$" in rv
    edges = _texts(draw_graph(g).figure)
    plt.close("all")
    assert r"$\dfrac{1}{2\sqrt{v_{2}}}$" in edges and not any(r"\frac{" in t for t in edges)


def test_draw_graph_leaves_room_only_for_the_text_it_writes():
    """Under the lowest node: one line (its value) for the plain graph, two (value, tangent) with a trace; the
    plain graph's figure is no taller than it needs (no empty band at the bottom of Рис. 6)."""
    g = trace_graph(L, 2.0, 3.0)
    plain = draw_graph(g)
    traced = draw_graph(g, forward_trace(g, "w1"), step=len(g) - 1)
    bare = draw_graph(g, values=False, title="")
    lowest = min(y for _, y in layout(g).values())
    below = [lowest - ax.get_ylim()[0] for ax in (bare, plain, traced)]
    assert below[0] < below[1] < below[2] and below[2] == pytest.approx(1.05)
    assert plain.figure.get_figheight() < traced.figure.get_figheight()
    for ax in (plain, traced):
        projector.check_readable(ax.figure)
    plt.close("all")


def test_a_negative_local_derivative_is_a_factor_in_parentheses_and_nothing_is_said_twice():
    """``\\frac{df}{dv_5} (-1)``, not ``\\frac{df}{dv_5} -1`` (which reads as a subtraction); and the chain of
    equalities does not repeat its last number (``v_5 = -v_4 = -1.582``, not ``… = -1.582 = -1.582``)."""
    f = lambda x, y: anp.exp(-(anp.sin(x) - anp.cos(y)) ** 2)  # noqa: E731  (the course homework)
    graph = trace_graph(f, 1.0, 2.0, input_names=("x", "y"), output_name="f")
    reverse, forward = reverse_trace(graph), forward_trace(graph, "x")
    assert any(r"} (-1) = " in r.derivative_latex for r in reverse.rows)
    assert any(r"(-\sin y) \frac{d y}{d x}" in r.derivative_latex for r in forward.rows)
    for row in [*reverse.rows, *forward.rows]:
        for text in (row.function_latex, row.derivative_latex):
            assert not re.search(r"\} -[^ ]", text), text  # a product with a bare minus sign
            sides = text.split(" = ")
            assert all(a != b for a, b in zip(sides, sides[1:])), text
