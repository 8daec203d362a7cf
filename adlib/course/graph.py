"""The computational graph made explicit: a traced function as a Wengert list, and its evaluation traces.

``adlib.grad`` never shows you its graph: it records the tape (``core.VJPTrace.tape``), sweeps it backwards and
throws it away. This module keeps the tape and gives it the lecture's names, so that a student can look at it::

    import adlib.numpy as anp
    from adlib.course.graph import trace_graph, forward_trace, reverse_trace

    def L(w1, w2):
        v2 = w2 * anp.log(w1)
        return v2 + anp.sqrt(v2)

    g = trace_graph(L, 2.0, 3.0)     # w1, w2, v1 = log w1, v2 = w2·v1, v3 = √v2, L = v2 + v3
    forward_trace(g, wrt="w1")       # the values v_i and tangents ∂v_i/∂w1, row by row (Baydin et al., Table 2)
    reverse_trace(g)                 # the adjoints ∂L/∂v_i from L back to the inputs (Baydin et al., Table 3)

Nothing here re-implements differentiation. The graph *is* the tape that reverse mode records, and every number in
a trace comes from the primitive's own rules in ``adlib/numpy/rules.py`` (``Primitive.jvp`` and ``Primitive.vjp``,
called as ``rule(t_or_g, ans, *args, **kwargs)`` exactly as ``core`` calls them): the tangent of ``v_i`` is
``v̇_i = Σ_j jvp_j(ẋ_j, v_i, args)`` over its parents ``x_j``, the adjoint of ``v_j`` is
``v̄_j = Σ_{consumers i} vjp_j(v̄_i, v_i, args)``, summed in the order of ``core.backward``. The *local* derivative
∂v_i/∂x_j that the slides write next to each edge is the same rule applied to 1 (for scalars a rule is
multiplication by that number).

Notation (the course's, stated in notebook 04): ``∂v_i/∂x_j`` is a *local* partial derivative, of one primitive
with respect to one of its arguments, the others held fixed; ``dv_i/dw_k`` and ``dL/dv_i`` are *total*
derivatives, through every path of the graph. The tangent is ``v̇_i = dv_i/dw_k`` (forward mode), the adjoint
``v̄_i = dL/dv_i`` (reverse mode). The slides write ``∂`` for both kinds and ``v̄`` for both the tangent and the
adjoint; the formulas here keep the slides' shape and terms, in the slides' order, with ``d`` where the slides mean
a total derivative.

What is added is presentation: names (``w1, w2, …`` for inputs, ``v1, v2, …`` in evaluation order, ``L`` for the
output), the symbolic formula of each step as LaTeX (a small table, ``OPERATIONS``, maps primitive names to
templates; an unknown primitive falls back to the generic ``∂φ/∂x``), and tables that render in Jupyter (HTML) and
as plain text. The graph is scalar: every input and every node is a number, as on the slides.

The tape records what the program *does*, not what the formula means: ``w2 * log(w1) + sqrt(w2 * log(w1))``
computes ``log w1`` and ``w2 · log w1`` twice, so it is a graph of 6 primitive nodes, not 4 — AD does no common
subexpression elimination. Computing ``v2`` once and using it twice gives the lecture's 4-node graph.
"""

import html
import re
from dataclasses import dataclass, field

import numpy as np

from ..core import Primitive, VJPBox, VJPTrace
from .i18n import plural_ru, tr

__all__ = [
    "Graph", "GraphNode", "Term", "TraceRow", "EvaluationTrace", "Table", "OPERATIONS",
    "trace_graph", "forward_trace", "reverse_trace", "domain_error", "graph_caption", "latex_name", "accent_name",
    "SHOWN_ORDER",
]  # fmt: skip


# ----------------------------------------------------------------------------------------------------------
# LaTeX templates: what each primitive computes and its partial derivatives, with the arguments filled in
# ----------------------------------------------------------------------------------------------------------
# Each entry: primitive name -> (value template, (one derivative template per argument)). A template is a function
# of the list ``a`` of the arguments as LaTeX strings (node names, or numbers) and of ``mul``, the multiplication
# sign (a space between symbols as on the slides, ``\cdot`` between numbers).


def _frac(num, den):
    return rf"\frac{{{num}}}{{{den}}}"


OPERATIONS = {
    "log":      (lambda a, mul: rf"\log {a[0]}",        (lambda a, mul: _frac(1, a[0]),)),
    "exp":      (lambda a, mul: rf"e^{{{a[0]}}}",        (lambda a, mul: rf"e^{{{a[0]}}}",)),
    "sqrt":     (lambda a, mul: rf"\sqrt{{{a[0]}}}",     (lambda a, mul: _frac(1, rf"2\sqrt{{{a[0]}}}"),)),
    "sin":      (lambda a, mul: rf"\sin {a[0]}",        (lambda a, mul: rf"\cos {a[0]}",)),
    "cos":      (lambda a, mul: rf"\cos {a[0]}",        (lambda a, mul: rf"-\sin {a[0]}",)),
    "tan":      (lambda a, mul: rf"\tan {a[0]}",        (lambda a, mul: _frac(1, rf"\cos^2 {a[0]}"),)),
    "tanh":     (lambda a, mul: rf"\tanh {a[0]}",       (lambda a, mul: rf"1 - \tanh^2 {a[0]}",)),
    "sinh":     (lambda a, mul: rf"\sinh {a[0]}",       (lambda a, mul: rf"\cosh {a[0]}",)),
    "cosh":     (lambda a, mul: rf"\cosh {a[0]}",       (lambda a, mul: rf"\sinh {a[0]}",)),
    "arctan":   (lambda a, mul: rf"\arctan {a[0]}",     (lambda a, mul: _frac(1, f"1 + {a[0]}^2"),)),
    "log1p":    (lambda a, mul: rf"\log(1 + {a[0]})",   (lambda a, mul: _frac(1, f"1 + {a[0]}"),)),
    "log2":     (lambda a, mul: rf"\log_2 {a[0]}",      (lambda a, mul: _frac(1, rf"{a[0]} \log 2"),)),
    "log10":    (lambda a, mul: rf"\log_{{10}} {a[0]}",  (lambda a, mul: _frac(1, rf"{a[0]} \log 10"),)),
    "exp2":     (lambda a, mul: f"2^{{{a[0]}}}",         (lambda a, mul: rf"2^{{{a[0]}}} \log 2",)),
    "arcsin":   (lambda a, mul: rf"\arcsin {a[0]}",     (lambda a, mul: _frac(1, rf"\sqrt{{1 - {a[0]}^2}}"),)),
    "arccos":   (lambda a, mul: rf"\arccos {a[0]}",     (lambda a, mul: "-" + _frac(1, rf"\sqrt{{1 - {a[0]}^2}}"),)),
    "arcsinh":  (lambda a, mul: rf"\operatorname{{arcsinh}} {a[0]}",
                 (lambda a, mul: _frac(1, rf"\sqrt{{{a[0]}^2 + 1}}"),)),
    "arccosh":  (lambda a, mul: rf"\operatorname{{arccosh}} {a[0]}",
                 (lambda a, mul: _frac(1, rf"\sqrt{{{a[0]}^2 - 1}}"),)),
    "arctanh":  (lambda a, mul: rf"\operatorname{{arctanh}} {a[0]}", (lambda a, mul: _frac(1, f"1 - {a[0]}^2"),)),
    "expm1":    (lambda a, mul: rf"e^{{{a[0]}}} - 1",    (lambda a, mul: rf"e^{{{a[0]}}}",)),
    "negative": (lambda a, mul: f"-{a[0]}",             (lambda a, mul: "-1",)),
    "square":   (lambda a, mul: f"{a[0]}^2",            (lambda a, mul: f"2{mul}{a[0]}",)),
    "absolute": (lambda a, mul: f"|{a[0]}|",            (lambda a, mul: rf"\mathrm{{sign}}\,{a[0]}",)),
    "add":      (lambda a, mul: f"{a[0]} + {a[1]}",     (lambda a, mul: "1", lambda a, mul: "1")),
    "subtract": (lambda a, mul: f"{a[0]} - {a[1]}",     (lambda a, mul: "1", lambda a, mul: "-1")),
    "multiply": (lambda a, mul: f"{a[0]}{mul}{a[1]}",   (lambda a, mul: a[1], lambda a, mul: a[0])),
    "divide":   (lambda a, mul: _frac(a[0], a[1]),      (lambda a, mul: _frac(1, a[1]),
                                                         lambda a, mul: "-" + _frac(a[0], f"{a[1]}^2"))),
    "power":    (lambda a, mul: f"{a[0]}^{{{a[1]}}}",   (lambda a, mul: f"{a[1]}{mul}{a[0]}^{{{a[1]} - 1}}",
                                                         lambda a, mul: rf"{a[0]}^{{{a[1]}}}{mul}\log {a[0]}")),
}  # fmt: skip

_NUMBER_MUL = r" \cdot "


def latex_name(name):
    """``'w1'`` -> ``'w_{1}'``, ``'v12'`` -> ``'v_{12}'``, ``'L'`` -> ``'L'``."""
    m = re.fullmatch(r"([A-Za-z]+)_?(\d+)", name)
    return f"{m.group(1)}_{{{m.group(2)}}}" if m else name


def _num(x, digits=4, parenthesize=True):
    """A number for a formula: 4 significant digits, negatives in parentheses (they are multiplied) unless
    ``parenthesize`` is False (a result, at the end of a formula)."""
    x = float(x)
    if x == 0:
        return "0"
    if not np.isfinite(x):
        return r"\infty" if x == np.inf else (r"(-\infty)" if x == -np.inf else r"\mathrm{nan}")
    s = f"{x:.{digits}g}"
    if "e" in s:
        mantissa, exponent = s.split("e")
        s = rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return f"({s})" if x < 0 and parenthesize else s


def _partial(top, bottom):
    """The local partial derivative ∂top/∂bottom (one primitive, one argument, the others held fixed)."""
    return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"


def _total(top, bottom):
    """The total derivative d top/d bottom (through every path of the graph): a tangent or an adjoint."""
    return rf"\frac{{d {top}}}{{d {bottom}}}"


def accent_name(name, accent):
    """``accent_name('v2', 'dot')`` -> ``'\\dot{v}_{2}'``: the accent on the letter, not on the subscript
    (``\\dot{v_{2}}`` puts the dot over the middle of ``v₂``)."""
    m = re.fullmatch(r"([A-Za-z]+)_?(\d+)", name)
    return rf"\{accent}{{{m.group(1)}}}_{{{m.group(2)}}}" if m else rf"\{accent}{{{name}}}"


# The order in which a step's chain-rule terms are *shown* (they are summed in argument order, as core does): the
# slides write the product rule for v2 = w2 v1 as w2 ∂v1/∂w1 + v1 ∂w2/∂w1, the coefficients in the order of the
# factors, so the term of the second argument comes first.
SHOWN_ORDER = {"multiply": (1, 0)}


# ----------------------------------------------------------------------------------------------------------
# The graph
# ----------------------------------------------------------------------------------------------------------


@dataclass
class GraphNode:
    """One line of the Wengert list: ``name = prim(*args, **kwargs)``.

    ``parents[k]`` is the graph index of the traced argument at position ``argnums[k]`` (the other arguments are
    constants, kept in ``args``); ``consumers`` are the nodes that use this one (once per use). Inputs have
    ``prim = None``.
    """

    index: int
    name: str
    prim: Primitive | None
    args: tuple
    kwargs: dict
    argnums: tuple
    parents: tuple
    value: float
    consumers: list = field(default_factory=list)

    @property
    def is_input(self):
        return self.prim is None

    @property
    def latex(self):
        return latex_name(self.name)

    def arg_strings(self, graph, numbers=False):
        """The arguments as LaTeX: names of the traced ones (or their values if ``numbers``), constants as numbers."""
        out = [_num(a) for a in self.args]
        for argnum, p in zip(self.argnums, self.parents):
            out[argnum] = _num(graph.nodes[p].value) if numbers else graph.nodes[p].latex
        return out

    def operation_latex(self, graph, numbers=False):
        """The right-hand side ``φ(args)`` in LaTeX, e.g. ``w_{2} v_{1}``."""
        if self.is_input:
            return _num(self.value) if numbers else self.latex
        mul = _NUMBER_MUL if numbers else " "
        template = OPERATIONS.get(self.prim.name)
        a = self.arg_strings(graph, numbers)
        if template is None or self.kwargs:
            return rf"\mathrm{{{self.prim.name}}}({', '.join(a)})"
        return template[0](a, mul)

    def local_latex(self, graph, argnum):
        """The partial derivative ∂φ/∂(argument ``argnum``), symbolic, e.g. ``\\frac{1}{2\\sqrt{v_{2}}}``."""
        template = OPERATIONS.get(self.prim.name)
        if template is None or self.kwargs or argnum >= len(template[1]):
            parent = self.parents[self.argnums.index(argnum)]
            return _partial(self.latex, graph.nodes[parent].latex)  # the generic form ∂φ/∂x
        return template[1][argnum](self.arg_strings(graph), " ")


class Graph:
    """A traced function as an explicit graph: ``nodes`` in evaluation order (inputs first), ``inputs`` the
    indices of the inputs, ``output`` the index of the output node."""

    def __init__(self, nodes, inputs, output):
        self.nodes, self.inputs, self.output = nodes, tuple(inputs), output

    def __len__(self):
        return len(self.nodes)

    def __getitem__(self, key):
        """A node by index or by name (``g['v2']``)."""
        if isinstance(key, str):
            for node in self.nodes:
                if node.name == key:
                    return node
            raise KeyError(f"no node called {key!r}; the nodes are {[n.name for n in self.nodes]}")
        return self.nodes[key]

    @property
    def names(self):
        return [n.name for n in self.nodes]

    @property
    def primitive_nodes(self):
        return [n for n in self.nodes if not n.is_input]

    @property
    def value(self):
        return self.nodes[self.output].value

    def plain(self, node):
        """``'log(w1)'``, ``'multiply(w2, v1)'``: the operation of ``node`` in plain text."""
        node = self[node] if isinstance(node, str | int) else node
        if node.is_input:
            return "input"
        args = [f"{a:g}" if isinstance(a, float | int | np.floating) else repr(a) for a in node.args]
        for argnum, p in zip(node.argnums, node.parents):
            args[argnum] = self.nodes[p].name
        return f"{node.prim.name}({', '.join(args)})"

    def table(self, lang=None):
        """The Wengert list as a table: node, operation (symbolic and with numbers), value, consumers (in the
        notebook's language, or ``lang``)."""
        header = [tr("node", "узел", lang), tr("operation / Функция", "операция («Функция»)", lang),
                  tr("value", "значение", lang), tr("used by", "используется в", lang)]
        word = tr("input", "вход", lang)
        rows, text = [], []
        for n in self.nodes:
            used = ", ".join(self.nodes[c].name for c in n.consumers) or "—"
            op = word if n.is_input else f"${n.latex} = {n.operation_latex(self)}$"
            rows.append([f"${n.latex}$", op, f"{float(n.value):.6g}", html.escape(used)])
            text.append([n.name, word if n.is_input else self.plain(n), f"{float(n.value):.6g}", used])
        return Table(header, rows, text, caption=graph_caption(self, lang=lang))

    def _repr_html_(self):
        return self.table()._repr_html_()

    def __str__(self):
        return str(self.table())

    def __repr__(self):
        return f"<Graph {' '.join(self.names)}>"


def graph_caption(graph, output=None, lang=None):
    """"Computational graph: 5 primitive nodes" (or, with ``output``, "computational graph of ``output``: …"),
    in the notebook's language or ``lang``: «Вычислительный граф: 5 элементарных узлов»."""
    n = len(graph.primitive_nodes)
    nodes_en, nodes_ru = f"{n} primitive node{'s' * (n != 1)}", f"{n} элементарн" + plural_ru(
        n, "ый узел", "ых узла", "ых узлов")
    if output is None:
        return tr(f"Computational graph: {nodes_en}", f"Вычислительный граф: {nodes_ru}", lang)
    return tr(f"computational graph of {output}: {nodes_en}", f"вычислительный граф {output}: {nodes_ru}", lang)


def trace_graph(f, *args, input_names=None, output_name="L"):
    """Run ``f(*args)`` once under reverse-mode tracing and return its computational graph.

    ``args`` are real numbers (the graph is scalar, as on the slides). Inputs are named ``input_names`` (default
    ``w1, w2, …``), the output ``output_name`` (``None``: it keeps its ``v`` number), the nodes in between ``v1,
    v2, …`` in evaluation order. Nodes the output does not depend on are dropped. Outside the function's domain
    the graph is still built (with ``nan`` values); :func:`domain_error` says what went wrong.
    """
    if not callable(f):
        raise TypeError(f"trace_graph expects a function, got {type(f).__name__}")
    if not args:
        raise ValueError("trace_graph needs at least one input value, e.g. trace_graph(L, 2.0, 3.0)")
    values = []
    for k, x in enumerate(args):
        if isinstance(x, np.ndarray | list | tuple) and np.ndim(x) > 0:
            raise ValueError(f"trace_graph traces scalar functions: input {k} has shape {np.shape(x)}")
        if isinstance(x, bool | np.bool_) or np.asarray(x).dtype.kind not in "iuf":
            raise TypeError(f"trace_graph: input {k} must be a real number, got {x!r}")
        values.append(float(x))
    names = list(input_names) if input_names is not None else [f"w{k + 1}" for k in range(len(args))]
    if len(names) != len(args) or len(set(names)) != len(names):
        raise ValueError(f"input_names must be {len(args)} distinct names, got {input_names!r}")

    with np.errstate(all="ignore"), VJPTrace() as trace:
        boxes = [trace.new_input(x) for x in values]
        out = f(*boxes)
    if not (isinstance(out, VJPBox) and out.trace is trace):
        raise ValueError("the output of f does not depend on its inputs (or is not a scalar computed with adlib.numpy)")
    if np.shape(out.value) != ():
        raise ValueError(f"trace_graph traces scalar functions: the output has shape {np.shape(out.value)}")

    tape = trace.tape
    needed = {out.index}  # ancestors of the output, found walking the tape backwards
    for i in range(out.index, -1, -1):
        if i in needed:
            needed.update(tape[i].parents)
    keep = sorted(needed | set(range(len(values))))  # inputs are kept even if unused
    position = {i: k for k, i in enumerate(keep)}

    nodes, n_inner = [], 0
    for k, i in enumerate(keep):
        t = tape[i]
        if t.prim is None:
            name = names[i]
        elif i == out.index and output_name is not None:
            name = output_name
        else:
            n_inner += 1
            name = f"v{n_inner}"
        parents = tuple(position[p] for p in t.parents)
        nodes.append(GraphNode(k, name, t.prim, tuple(t.args), dict(t.kwargs), tuple(t.argnums), parents, t.ans))
        for p in parents:
            nodes[p].consumers.append(k)
    if output_name is not None and output_name in names and position[out.index] >= len(values):
        raise ValueError(f"output_name {output_name!r} is also an input name")
    return Graph(nodes, range(len(values)), position[out.index])


# ----------------------------------------------------------------------------------------------------------
# Evaluation traces
# ----------------------------------------------------------------------------------------------------------


@dataclass
class Term:
    """One term of a chain-rule sum: the edge ``source -> target`` with local derivative ∂target/∂source
    (``local``, a number, and ``local_latex``), and its ``contribution`` (a tangent times, or an adjoint times,
    the local derivative, computed by the primitive's JVP or VJP rule)."""

    source: int
    target: int
    argnum: int
    local: float
    local_latex: str
    contribution: float


@dataclass
class TraceRow:
    """One step of an evaluation trace: the node, its value and its tangent (forward) or adjoint (reverse), the
    chain-rule terms, and the slide's two formulas («Функция», «Производная») with the numbers substituted."""

    step: int
    node: int
    name: str
    value: float
    derivative: float
    terms: tuple
    function_latex: str
    derivative_latex: str


def _chain(lhs, symbolic, rule, numbers, result):
    parts = [lhs]
    for p in (symbolic, rule, numbers, _num(result, parenthesize=False)):
        if p and p != parts[-1]:  # "v_5 = -v_4 = -1.582", not "… = -1.582 = -1.582"
            parts.append(p)
    return " = ".join(parts)


def _factor(latex):
    """A local derivative as a factor of a product: in parentheses if it is a sum or starts with a minus
    (``\\frac{dL}{dv_5} (-1)``, not ``\\frac{dL}{dv_5} -1``, which reads as a subtraction)."""
    depth = 0
    for k, ch in enumerate(latex):
        depth += ch in "{(["
        depth -= ch in "})]"
        if depth == 0 and ch in "+-" and (k == 0 or latex[k - 1] == " "):
            return f"({latex})"
    return latex


def _function_latex(graph, node):
    if node.is_input:
        return f"{node.latex} = {_num(node.value, parenthesize=False)}"
    return _chain(node.latex, node.operation_latex(graph), None, node.operation_latex(graph, numbers=True),
                  node.value)


def _display(latex):
    r"""A table cell's formula in display style: inline, MathJax sets a ``\frac`` at about 70 % of the text size,
    too small for the back of a lecture hall; ``\displaystyle`` keeps numerators and denominators at full size."""
    return rf"$\displaystyle {latex}$"


class EvaluationTrace:
    """Baydin et al.'s evaluation trace: one row per step (``rows``), as a table that renders in Jupyter (HTML)
    and as text. ``mode`` is ``'forward'`` or ``'reverse'``; ``result`` is dL/dw_k (forward, for the seed) or the
    tuple of dL/dw_k for all inputs (reverse). ``wrt`` is the input a forward trace differentiates with respect to
    (``None`` for a direction ``seed``, and in reverse mode)."""

    def __init__(self, graph, mode, rows, result, seed_name, wrt=None):
        self.graph, self.mode, self.rows, self.result, self.seed_name = graph, mode, list(rows), result, seed_name
        self.wrt = wrt
        self.lang = None  # the language it is shown in: None is the notebook's (adlib.course.i18n)

    def __len__(self):
        return len(self.rows)

    def upto(self, step):
        """The trace so far: its first ``step + 1`` rows."""
        if not 0 <= step < len(self.rows):
            raise ValueError(f"step must be in 0..{len(self.rows) - 1}, got {step}")
        part = EvaluationTrace(self.graph, self.mode, self.rows[: step + 1], self.result, self.seed_name, self.wrt)
        part.lang = self.lang
        return part

    def derivatives(self):
        """``{name: tangent or adjoint}`` of the rows present."""
        return {r.name: r.derivative for r in self.rows}

    def symbol_latex(self, node):
        """How the figures name the derivative carried by ``node`` (a GraphNode or its index): the tangent
        ``\\dot{v}_{2}`` in forward mode, the adjoint ``\\bar{v}_{2}`` in reverse mode."""
        node = self.graph.nodes[node] if isinstance(node, int | np.integer) else node
        return accent_name(node.name, "dot" if self.mode == "forward" else "bar")

    def meaning_latex(self, node):
        """What that symbol stands for, as a total derivative: ``dv_2/dw_1`` (forward, with ``wrt``), ``dL/dv_2``
        (reverse); ``None`` for a forward trace along a direction."""
        node = self.graph.nodes[node] if isinstance(node, int | np.integer) else node
        if self.mode == "reverse":
            return f"d{self.graph.nodes[self.graph.output].latex}/d{node.latex}"
        return None if self.wrt is None else f"d{node.latex}/d{latex_name(self.wrt)}"

    def table(self, lang=None):
        """The trace as a table (in the notebook's language, or ``lang``)."""
        out = self.graph.nodes[self.graph.output].name
        if self.mode == "forward":
            tangent = (f"v̇ = {self.seed_name}" if self.wrt is not None
                       else tr(f"v̇ along {self.seed_name}", f"v̇ вдоль {self.seed_name}", lang))
            what = tr(f"tangent {tangent}", f"касательная {tangent}", lang)
            caption = tr(f"Forward evaluation trace, tangents {tangent}",
                         f"Трасса прямого режима, касательные {tangent}", lang)
        else:
            what = tr(f"adjoint v̄ = d{out}/dv", f"сопряжённая переменная v̄ = d{out}/dv", lang)
            caption = tr(f"Reverse evaluation trace (the backward sweep), adjoints v̄ = d{out}/dv",
                         f"Трасса обратного режима (обратный проход), сопряжённые переменные v̄ = d{out}/dv", lang)
        header = [tr("step", "шаг", lang), tr("node", "узел", lang), tr("value", "значение", lang), what,
                  "Функция", "Производная"]
        rows, text = [], []
        for r in self.rows:
            node = self.graph.nodes[r.node]
            rows.append([str(r.step), f"${node.latex}$", f"{float(r.value):.6g}", f"{float(r.derivative):.6g}",
                         _display(r.function_latex), _display(r.derivative_latex)])
            text.append([str(r.step), r.name, f"{float(r.value):.6g}", f"{float(r.derivative):.6g}",
                         tr("input", "вход", lang) if node.is_input else self.graph.plain(node), ""])
        text_header = header[:4] + [tr("operation", "операция", lang)]
        return Table(header, rows, [t[:5] for t in text], caption=caption, text_header=text_header)

    def _repr_html_(self):
        return self.table(self.lang)._repr_html_()

    def __str__(self):
        return str(self.table(self.lang))

    def __repr__(self):
        return f"<EvaluationTrace {self.mode}, {len(self.rows)} rows, result {self.result}>"


def _input_index(graph, wrt):
    if isinstance(wrt, str):
        names = [graph.nodes[i].name for i in graph.inputs]
        if wrt not in names:
            raise ValueError(f"wrt={wrt!r} is not an input; the inputs are {names}")
        return names.index(wrt)
    if isinstance(wrt, bool) or not isinstance(wrt, int | np.integer) or not 0 <= wrt < len(graph.inputs):
        raise ValueError(f"wrt must be an input name or an index in 0..{len(graph.inputs) - 1}, got {wrt!r}")
    return int(wrt)


def forward_trace(graph, wrt=0, seed=None):
    """Forward mode on ``graph``: for i = 1..N, ``v̇_i = Σ_j ∂v_i/∂x_j · ẋ_j`` over the parents x_j of v_i.

    ``wrt`` (an input's name or index) seeds ``ẇ = e_k``, so the tangents are the total derivatives dv_i/dw_k (the
    slides' ``v̄_i = ∂v_i/∂w_k``), written ``\\frac{d v_i}{d w_k}`` in the formulas; or give ``seed``, one tangent
    per input (a direction ``ẇ``; the tangents are then written ``\\dot{v}_i``). Each contribution
    ``∂v_i/∂x_j · ẋ_j`` (a local partial derivative times the parent's tangent) is the primitive's JVP rule applied
    to ``ẋ_j``. The terms are shown in the slides' order (:data:`SHOWN_ORDER`) and summed in argument order, as
    ``core`` sums them.
    """
    if not isinstance(graph, Graph):
        raise TypeError(f"forward_trace expects a Graph from trace_graph, got {type(graph).__name__}")
    if seed is None:
        k = _input_index(graph, wrt)
        seed = [1.0 if j == k else 0.0 for j in range(len(graph.inputs))]
        w = graph.nodes[graph.inputs[k]]
        wrt_name = w.name

        def d(node):
            return _total(node.latex, w.latex)

        seed_name = f"dv/d{w.name}"
    else:
        seed = [float(s) for s in seed]
        if len(seed) != len(graph.inputs):
            raise ValueError(f"seed must have one tangent per input ({len(graph.inputs)}), got {len(seed)}")

        wrt_name = None

        def d(node):
            return accent_name(node.name, "dot")

        seed_name = "ẇ = (" + ", ".join(f"{s:g}" for s in seed) + ")"

    tangents, rows = {}, []
    with np.errstate(all="ignore"):
        for node in graph.nodes:
            if node.is_input:
                t = seed[graph.inputs.index(node.index)]
                tangents[node.index] = t
                rows.append(TraceRow(len(rows), node.index, node.name, node.value, t, (),
                                     _function_latex(graph, node), f"{d(node)} = {_num(t, parenthesize=False)}"))
                continue
            terms, t = [], None
            for argnum, p in zip(node.argnums, node.parents):
                rule = node.prim.rule("jvp", argnum)
                local = rule(1.0, node.value, *node.args, **node.kwargs)  # ∂v_i/∂x_j
                contribution = rule(tangents[p], node.value, *node.args, **node.kwargs)  # ∂v_i/∂x_j · v̄_j
                terms.append(Term(p, node.index, argnum, local, node.local_latex(graph, argnum), contribution))
                t = contribution if t is None else t + contribution  # summed as core.JVPTrace does
            tangents[node.index] = t
            order = SHOWN_ORDER.get(node.prim.name)
            if order is not None and not node.kwargs and all(term.argnum in order for term in terms):
                terms.sort(key=lambda term: order.index(term.argnum))  # shown as the slides write it
            parents = [graph.nodes[term.source] for term in terms]
            symbolic = " + ".join(f"{_partial(node.latex, p.latex)} {d(p)}" for p in parents)
            rule_form = " + ".join(f"{_factor(term.local_latex)} {d(p)}" for term, p in zip(terms, parents))
            numbers = " + ".join(f"{_num(term.local)}{_NUMBER_MUL}{_num(tangents[term.source])}" for term in terms)
            rows.append(TraceRow(len(rows), node.index, node.name, node.value, t, tuple(terms),
                                 _function_latex(graph, node), _chain(d(node), symbolic, rule_form, numbers, t)))
    return EvaluationTrace(graph, "forward", rows, tangents[graph.output], seed_name, wrt_name)


def reverse_trace(graph, adjoint=1.0):
    """Reverse mode on ``graph``: from ``dL/dL = adjoint`` back to the inputs,
    ``v̄_j = Σ_{i consumes j} v̄_i · ∂v_i/∂v_j`` — the backward sweep of ``core.backward``, one row per node.
    The adjoints ``v̄_j = dL/dv_j`` are total derivatives (every path from v_j to L), written
    ``\\frac{d L}{d v_j}``; each ``∂v_i/∂v_j`` is a local partial derivative.

    When the sweep reaches a node, all its consumers (later on the tape) have been processed, so its adjoint is
    complete: that is the row. Each contribution ``v̄_i · ∂v_i/∂v_j`` is the primitive's VJP rule applied to
    ``v̄_i``; the terms are listed by consumer in evaluation order (as on the slides) and summed in the order of the
    sweep (as ``core.backward`` does, so the numbers are bit for bit those of ``adlib.grad``).
    """
    if not isinstance(graph, Graph):
        raise TypeError(f"reverse_trace expects a Graph from trace_graph, got {type(graph).__name__}")
    out = graph.nodes[graph.output]

    def d(node):
        return _total(out.latex, node.latex)

    contributions = {i: [] for i in range(len(graph))}
    adjoints, rows = {}, []
    with np.errstate(all="ignore"):
        for i in range(graph.output, -1, -1):
            node = graph.nodes[i]
            terms = contributions[i]
            if i == graph.output:
                g = float(adjoint)
                formula = f"{d(node)} = {_num(g, parenthesize=False)}"
            else:
                g = 0.0
                for k, term in enumerate(terms):
                    g = term.contribution if k == 0 else g + term.contribution
                shown = sorted(terms, key=lambda term: term.target)
                consumers = [graph.nodes[term.target] for term in shown]
                symbolic = " + ".join(f"{d(c)} {_partial(c.latex, node.latex)}" for c in consumers)
                rule_form = " + ".join(f"{d(c)} {_factor(term.local_latex)}" for term, c in zip(shown, consumers))
                numbers = " + ".join(f"{_num(adjoints[term.target])}{_NUMBER_MUL}{_num(term.local)}" for term in shown)
                formula = _chain(d(node), symbolic, rule_form, numbers, g) if terms else f"{d(node)} = 0"
            adjoints[i] = g
            if not node.is_input:
                for argnum, p in zip(node.argnums, node.parents):
                    rule = node.prim.rule("vjp", argnum)
                    local = rule(1.0, node.value, *node.args, **node.kwargs)  # ∂v_i/∂v_p
                    contribution = rule(g, node.value, *node.args, **node.kwargs)  # v̄_i · ∂v_i/∂v_p
                    contributions[p].append(Term(p, i, argnum, local, node.local_latex(graph, argnum), contribution))
            rows.append(TraceRow(len(rows), i, node.name, node.value, g, tuple(sorted(terms, key=lambda t: t.target)),
                                 _function_latex(graph, node), formula))
    result = tuple(adjoints.get(i, 0.0) for i in graph.inputs)
    return EvaluationTrace(graph, "reverse", rows, result, None)


def domain_error(graph, lang=None):
    """``None`` if every value and every local derivative of ``graph`` is finite, else a plain-text message
    naming the first node where the function (or its derivative) is undefined (in the notebook's language, or
    ``lang``)."""
    if not isinstance(graph, Graph):
        raise TypeError(f"domain_error expects a Graph from trace_graph, got {type(graph).__name__}")
    inputs = ", ".join(f"{graph.nodes[i].name} = {graph.nodes[i].value:g}" for i in graph.inputs)
    with np.errstate(all="ignore"):
        for node in graph.nodes:
            if node.is_input:
                if not np.isfinite(node.value):
                    return tr(f"At {inputs}: the input {node.name} is not a finite number.",
                              f"При {inputs}: вход {node.name} — не конечное число.", lang)
                continue
            at = ", ".join(f"{graph.nodes[p].name} = {graph.nodes[p].value:.4g}" for p in node.parents)
            if not np.isfinite(node.value):
                return tr(f"At {inputs} the function is undefined: {node.name} = {graph.plain(node)} "
                          f"is not a real number for {at}.",
                          f"При {inputs} функция не определена: {node.name} = {graph.plain(node)} "
                          f"не является вещественным числом при {at}.", lang)
            for argnum, p in zip(node.argnums, node.parents):
                local = node.prim.rule("jvp", argnum)(1.0, node.value, *node.args, **node.kwargs)
                if not np.isfinite(local):
                    return tr(f"At {inputs} the derivative is undefined: ∂{node.name}/∂{graph.nodes[p].name} of "
                              f"{node.name} = {graph.plain(node)} is infinite at {at}.",
                              f"При {inputs} производная не определена: ∂{node.name}/∂{graph.nodes[p].name} для "
                              f"{node.name} = {graph.plain(node)} бесконечна при {at}.", lang)
    return None


# ----------------------------------------------------------------------------------------------------------
# A table that needs no pandas
# ----------------------------------------------------------------------------------------------------------


class Table:
    """Rows of cells, rendered as HTML in Jupyter (cells may hold ``$LaTeX$``) and as aligned plain text."""

    def __init__(self, header, rows, text_rows=None, caption=None, text_header=None):
        self.header, self.rows, self.caption = list(header), [list(r) for r in rows], caption
        self.text_header = list(text_header) if text_header is not None else self.header
        self.text_rows = [list(r) for r in text_rows] if text_rows is not None else self.rows
        if any(len(r) != len(self.header) for r in self.rows):
            raise ValueError("every row of a Table must have one cell per column")

    def __len__(self):
        return len(self.rows)

    def _repr_html_(self):
        parts = ['<table style="border-collapse: collapse">']
        if self.caption:
            parts.append(f"<caption>{html.escape(self.caption)}</caption>")
        parts.append("<tr>" + "".join(f'<th style="text-align:left">{html.escape(h)}</th>' for h in self.header)
                     + "</tr>")
        for row in self.rows:
            parts.append("<tr>" + "".join(f'<td style="text-align:left">{c}</td>' for c in row) + "</tr>")
        parts.append("</table>")
        return "\n".join(parts)

    def __str__(self):
        cells = [self.text_header] + self.text_rows
        widths = [max(len(str(r[k])) for r in cells) for k in range(len(self.text_header))]
        lines = [self.caption] if self.caption else []
        for n, row in enumerate(cells):
            lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())
            if n == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def __repr__(self):
        return str(self)


# ----------------------------------------------------------------------------------------------------------
# The price of reverse mode: what the tape keeps
# ----------------------------------------------------------------------------------------------------------

