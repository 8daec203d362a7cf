"""Drawing a computational graph with matplotlib alone (no graphviz): layered left to right, inputs on the left,
the output on the right, every edge labelled with its local derivative ∂v_i/∂x_j.

    from adlib.course.graph import trace_graph, forward_trace
    from adlib.course.graph_plot import draw_graph, draw_steps

    g = trace_graph(L, 2.0, 3.0)
    draw_graph(g)                                   # the plain graph with its values
    draw_graph(g, forward_trace(g, "w1"), step=3)   # forward mode after step 3: v2 highlighted, tangents shown
    draw_steps(g, reverse_trace(g))                 # one small drawing per step of the backward sweep

Highlighting follows the direction of the information: in forward mode the current node receives the tangents of
its parents (its incoming edges light up); in reverse mode it receives the adjoints of its consumers (its outgoing
edges light up).

Notation (notebook 04 states it): under each processed node, its tangent ``v̇_i = dv_i/dw_k`` (forward mode) or its
adjoint ``v̄_i = dL/dv_i`` (reverse mode); on the edges, the local partial derivatives ``∂v_i/∂x_j``. The default
sizes are readable on a projector (every text ≥ 10 pt on a 1280×720 slide, see ``adlib.course.projector``).
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch

from .graph import EvaluationTrace, Graph, graph_caption
from .i18n import tr

__all__ = ["layout", "figure_size", "scale", "draw_graph", "draw_steps"]

CURRENT, DONE, TODO = "#ffb347", "#cfe8ff", "#f4f4f4"
HIGHLIGHT, EDGE = "#d62728", "#555555"
RADIUS = 0.3
DX, DY = 1.7, 1.4  # distance between layers, between nodes of a layer
MAX_WIDTH = 11.8  # inches: at dpi 100 a wider figure is scaled down on a 1280-pixel slide


def _unit(dx, dy):
    v = np.array([dx, dy], dtype=float)
    return v / np.hypot(*v)


def layout(graph):
    """Positions ``{node index: (x, y)}``: x is the layer (inputs 0, then 1 + the deepest parent), y spreads the
    nodes of a layer around the mean height of their parents (inputs top to bottom in their order)."""
    if not isinstance(graph, Graph):
        raise TypeError(f"layout expects a Graph from adlib.course.graph.trace_graph, got {type(graph).__name__}")
    layer = {}
    for node in graph.nodes:
        layer[node.index] = 0 if node.is_input else 1 + max(layer[p] for p in node.parents)
    pos = {}
    n_inputs = len(graph.inputs)
    for k, i in enumerate(graph.inputs):
        pos[i] = (0.0, DY * ((n_inputs - 1) / 2 - k))
    for x in range(1, max(layer.values(), default=0) + 1):
        members = [n for n in graph.nodes if layer[n.index] == x]
        wanted = {n.index: float(np.mean([pos[p][1] for p in n.parents])) for n in members}
        members.sort(key=lambda n: (-wanted[n.index], n.index))
        ys = [wanted[n.index] for n in members]
        for k in range(1, len(ys)):  # push down until neighbours are at least DY apart
            ys[k] = min(ys[k], ys[k - 1] - DY)
        shift = (np.mean([wanted[n.index] for n in members]) - np.mean(ys)) if members else 0.0
        for n, y in zip(members, ys):
            pos[n.index] = (DX * x, y + shift)
    return pos


def _below(text_lines):
    """Room under the lowest node for its text lines (value, tangent or adjoint), in layout units."""
    return 0.45 + 0.3 * text_lines


def figure_size(graph, text_lines=1, max_width=MAX_WIDTH):
    """``(width, height)`` in inches of the figure :func:`draw_graph` makes for ``graph`` (``text_lines`` under each
    node: its value, and its tangent or adjoint): 1.1 in per layout unit, the width capped at ``max_width`` (a
    wider drawing is scaled down to fit; :func:`scale` says by how much)."""
    width, height = _extent(graph, text_lines)
    return min(1.1 * width, max_width), 1.1 * height + 0.4


def scale(graph, text_lines=1, max_width=MAX_WIDTH):
    """How much :func:`draw_graph` shrinks ``graph``'s nodes and edges to fit ``max_width`` (1: not at all); the
    texts keep their size, so the smaller the scale, the more they crowd each other."""
    width, _ = _extent(graph, text_lines)
    return min(1.0, max_width / (1.1 * width))


def _extent(graph, text_lines):
    xs, ys = zip(*layout(graph).values())
    return max(xs) - min(xs) + 1.1, max(ys) - min(ys) + _below(text_lines) + 0.75


def _mathtext(latex):
    return f"${latex}$"


def _display_fractions(latex):
    r"""``\frac`` -> ``\dfrac``: mathtext draws a ``\frac`` at about 70 % of the font size, too small to read on a
    projector; ``\dfrac`` keeps the numerator and the denominator at full size."""
    return latex.replace(r"\frac{", r"\dfrac{")


def draw_graph(graph, trace=None, step=None, ax=None, edge_labels=True, values=True, title=None, fontsize=11,
               lang=None):
    """Draw ``graph`` on ``ax`` (a new figure if ``None``) and return the axes. The default title is in the
    notebook's language (``lang`` overrides it: "en" or "ru").

    With a ``trace`` (from ``forward_trace``/``reverse_trace``) and a ``step``, the node of that step is highlighted
    (orange) with the edges that feed it (red), nodes already processed are blue, and each processed node shows its
    tangent (forward) or adjoint (reverse) under its value.
    """
    if not isinstance(graph, Graph):
        raise TypeError(f"draw_graph expects a Graph from adlib.course.graph.trace_graph, got {type(graph).__name__}")
    if trace is not None and not isinstance(trace, EvaluationTrace):
        raise TypeError(f"trace must come from forward_trace or reverse_trace, got {type(trace).__name__}")
    if step is not None:
        if trace is None:
            raise ValueError("step needs a trace: draw_graph(graph, forward_trace(graph), step=k)")
        if not 0 <= step < len(trace.rows):
            raise ValueError(f"step must be in 0..{len(trace.rows) - 1}, got {step}")
    pos = layout(graph)
    rows = trace.rows if trace is not None else []
    done = [r.node for r in (rows if step is None else rows[: step + 1])] if trace is not None else []
    current = rows[step].node if step is not None else None
    derivative = {r.node: r.derivative for r in rows[: (step + 1 if step is not None else len(rows))]}
    text_lines = int(values) + int(bool(derivative))
    below = _below(text_lines)
    if ax is None:
        _, ax = plt.subplots(figsize=figure_size(graph, text_lines))

    hot_edges = set()
    if current is not None:
        node = graph.nodes[current]
        if trace.mode == "forward":
            hot_edges = {(p, current) for p in node.parents}
        else:
            hot_edges = {(current, c) for c in node.consumers}

    # edges, with the local derivative ∂v_i/∂x_j written on them
    drawn = {}
    for node in graph.nodes:
        for argnum, p in zip(node.argnums, node.parents):
            (x0, y0), (x1, y1) = pos[p], pos[node.index]
            repeat = drawn.get((p, node.index), 0)
            drawn[(p, node.index)] = repeat + 1
            skips = x1 - x0 > DX * 1.5 and abs(y1 - y0) < 0.5  # would run through the nodes in between: bend it
            rad = (-0.35 if skips else 0.0) - 0.3 * repeat
            # arc3 is a quadratic Bézier whose control point is the middle shifted by rad × length sideways;
            # the edge leaves and enters the circles in the direction of that control point
            cx, cy = (x0 + x1) / 2 + rad * (y1 - y0), (y0 + y1) / 2 - rad * (x1 - x0)
            start = np.array([x0, y0]) + RADIUS * _unit(cx - x0, cy - y0)
            end = np.array([x1, y1]) + RADIUS * _unit(cx - x1, cy - y1)
            hot = (p, node.index) in hot_edges
            arrow = FancyArrowPatch(tuple(start), tuple(end), connectionstyle=f"arc3,rad={rad}", arrowstyle="-|>",
                                    mutation_scale=12, shrinkA=0, shrinkB=0,
                                    color=HIGHLIGHT if hot else EDGE, lw=2.4 if hot else 1.2, zorder=1)
            ax.add_patch(arrow)
            if edge_labels:
                mx, my = (x0 + x1 + 2 * cx) / 4, (y0 + y1 + 2 * cy) / 4  # the middle of the Bézier curve
                label = _mathtext(_display_fractions(node.local_latex(graph, argnum)))
                ax.text(mx, my, label, ha="center", va="center",
                        fontsize=fontsize, color=HIGHLIGHT if hot else "#333333", zorder=3,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85})

    out = graph.nodes[graph.output]
    for node in graph.nodes:
        x, y = pos[node.index]
        color = CURRENT if node.index == current else DONE if node.index in done else TODO
        lw = 2.4 if node.index == current else 1.2
        ax.add_patch(Circle((x, y), RADIUS, fc=color, ec="black", lw=lw, zorder=2))
        ax.text(x, y, _mathtext(node.latex), ha="center", va="center", fontsize=fontsize + 2, zorder=4)
        lines = []
        if values:
            lines.append(f"{float(node.value):.4g}")
        if node.index in derivative:  # Baydin's notation: a dot for a tangent, a bar for an adjoint
            lines.append(_mathtext(f"{trace.symbol_latex(node)} = {_fmt(derivative[node.index])}"))
        if lines:
            ax.text(x, y - RADIUS - 0.06, "\n".join(lines), ha="center", va="top", fontsize=fontsize - 1, zorder=4)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 0.55, max(xs) + 0.55)
    ax.set_ylim(min(ys) - below, max(ys) + 0.75)
    ax.set_aspect("equal")
    ax.axis("off")
    if title is None:
        title = graph_caption(graph, output=f"${out.latex}$", lang=lang)
    if title:
        ax.set_title(title, fontsize=fontsize)
    return ax


def _fmt(x):
    x = float(x)
    return f"{x:.4g}" if np.isfinite(x) else str(x)


def draw_steps(graph, trace, ncols=2, panel=(5.3, 2.5), fontsize=11, lang=None):
    """One small drawing per step of ``trace`` in a grid (a static version of the stepping widget); each panel's
    title is the step's derivative with its value, e.g. ``step 3: v̇₂ = dv₂/dw₁ = 1.5`` («шаг 3: …» in Russian:
    the notebook's language, or ``lang``). Returns the figure.

    The defaults fit the width of a 1280×720 slide (2 × 5.3 in ≤ 11.8 in) with every text ≥ 10 pt."""
    if not isinstance(trace, EvaluationTrace):
        raise TypeError(f"draw_steps expects a trace from forward_trace or reverse_trace, got {type(trace).__name__}")
    if not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a positive integer, got {ncols!r}")
    n = len(trace.rows)
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel[0] * ncols, panel[1] * nrows), squeeze=False)
    for k, ax in enumerate(axes.flat):
        if k >= n:
            ax.axis("off")
            continue
        row = trace.rows[k]
        node = graph.nodes[row.node]
        meaning = trace.meaning_latex(node)
        lhs = trace.symbol_latex(node) + (f" = {meaning}" if meaning else "")
        draw_graph(graph, trace, step=k, ax=ax, edge_labels=False, fontsize=fontsize,
                   title=tr("step", "шаг", lang) + f" {k}: ${lhs} = {_fmt(row.derivative)}$")
    fig.tight_layout()
    return fig
