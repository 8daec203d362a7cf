"""The computational graph of the lecture's L(w1, w2) (slides Рис. 6–23): plain, and stepped through forward and
reverse mode, drawn by ``adlib.course.graph_plot`` from the graph that ``adlib.course.graph.trace_graph`` records.

Notation as in notebook 04: under each node its tangent v̇_i = dv_i/dw_k (forward) or its adjoint v̄_i = dL/dv_i
(reverse); on the edges the local partial derivatives ∂v_i/∂x_j. Every text is ≥ 10 pt on a 1280×720 slide
(tests/test_figures.py checks it with ``adlib.course.projector.check_readable``)."""

from make_figures import figure

import adlib.numpy as anp
from adlib.course.graph import forward_trace, reverse_trace, trace_graph
from adlib.course.graph_plot import draw_graph, draw_steps

POINT = (2.0, 3.0)


def L(w1, w2):
    """v2 computed once and used twice: the slide's four-node graph."""
    v2 = w2 * anp.log(w1)
    return v2 + anp.sqrt(v2)


@figure("graph_L.png")
def graph_l():
    """The graph of L: v1 = log w1, v2 = w2·v1, v3 = √v2, L = v2 + v3, edges labelled with ∂v_i/∂x_j (Рис. 6)."""
    g = trace_graph(L, *POINT)
    ax = draw_graph(g, title=r"$L = w_2 \log w_1 + \sqrt{w_2 \log w_1}$ at $(w_1, w_2) = (2, 3)$: "
                    "4 primitive nodes, $v_2$ used twice")
    ax.figure.tight_layout()
    return ax.figure


@figure("graph_L_forward.png")
def graph_l_forward():
    """Forward mode for ∂L/∂w1, one panel per step: the tangent v̇_i = dv_i/dw1 flows in along the red edges."""
    g = trace_graph(L, *POINT)
    fig = draw_steps(g, forward_trace(g, "w1"))
    fig.suptitle(r"Forward mode, seed $\dot w = (1, 0)$, tangents $\dot v_i = dv_i/dw_1$: after 6 steps "
                 r"$\partial L/\partial w_1$; $\partial L/\partial w_2$ needs another pass")
    fig.tight_layout()
    return fig


@figure("graph_L_reverse.png")
def graph_l_reverse():
    """Reverse mode: the backward sweep from ∂L/∂L = 1; v2 collects two adjoints (red edges) at step 2."""
    g = trace_graph(L, *POINT)
    fig = draw_steps(g, reverse_trace(g))
    fig.suptitle(r"Reverse mode, adjoints $\bar v_i = dL/dv_i$ from $\bar L = 1$: one sweep gives both "
                 r"$\bar w_1 = \partial L/\partial w_1$ and $\bar w_2 = \partial L/\partial w_2$")
    fig.tight_layout()
    return fig
