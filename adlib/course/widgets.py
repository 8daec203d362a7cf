"""Stepping through forward and reverse mode on a computational graph, one node at a time.

Everything shown is computed by one pure function, :func:`step_view` (tested without a browser); the widget,
:func:`graph_stepper`, only wires sliders and buttons to it (ipywidgets 7.7 as on Colab, and 8; plain inline
matplotlib, no ipympl).

    from adlib.course.widgets import graph_stepper
    graph_stepper()        # the lecture's L(w1, w2): sliders for w1, w2, the mode, the step, ◀ ▶

Modes: ``'forward ∂/∂w1'`` (slides Рис. 7–11), ``'forward ∂/∂w2'`` (Рис. 13–17) — one forward pass per input —
and ``'reverse'`` (Рис. 19–23): one backward sweep gives both. Outside the function's domain (for L: w1 ≤ 0, or
w2·log w1 < 0 under the square root, or = 0 where √ has no derivative) the view carries a plain message instead of
numbers, and the widget keeps working.
"""

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np

from .. import numpy as anp
from .graph import EvaluationTrace, Graph, domain_error, forward_trace, reverse_trace, trace_graph
from .graph_plot import draw_graph
from .i18n import tr

__all__ = ["lecture_L", "modes", "mode_label", "StepView", "step_view", "n_steps", "next_step", "render_view",
           "graph_stepper"]


def lecture_L(w1, w2):
    """The lecture's L(w1, w2) = w2·log w1 + √(w2·log w1), written so that its graph is the slide's: v2 once."""
    v2 = w2 * anp.log(w1)
    return v2 + anp.sqrt(v2)


def modes(input_names=("w1", "w2")):
    """The mode names: one forward pass per input, then reverse (identifiers, the same in every language)."""
    return [f"forward ∂/∂{name}" for name in input_names] + ["reverse"]


def mode_label(mode, lang=None):
    """What the mode's button says: the mode's name in English, «прямой ∂/∂w1», «обратный» in Russian."""
    if mode == "reverse":
        return tr("reverse", "обратный", lang)
    if not isinstance(mode, str) or not mode.startswith("forward ∂/∂"):
        raise ValueError(f"not a mode of modes(): {mode!r}")
    return tr(mode, "прямой " + mode.removeprefix("forward "), lang)


@dataclass
class StepView:
    """What the stepping widget shows at one step.

    ``ok`` is False outside the domain, and then ``message`` says why (``graph`` is still there, with its
    structure, so the drawing can show which node failed). Otherwise ``trace`` is the whole evaluation trace of
    the mode, ``row`` the current step's row (with the «Функция»/«Производная» LaTeX, numbers substituted),
    ``table`` the trace so far, ``result`` the final derivative(s) of the mode.
    """

    ok: bool
    message: str
    mode: str
    step: int
    n_steps: int
    point: tuple
    graph: Graph | None = None
    trace: EvaluationTrace | None = None

    @property
    def row(self):
        return self.trace.rows[self.step] if self.ok else None

    @property
    def table(self):
        return self.trace.upto(self.step) if self.ok else None

    @property
    def function_latex(self):
        return self.row.function_latex if self.ok else ""

    @property
    def derivative_latex(self):
        return self.row.derivative_latex if self.ok else ""

    @property
    def result(self):
        return self.trace.result if self.ok else None


def _trace(f, point, input_names, output_name):
    return trace_graph(f, *point, input_names=input_names, output_name=output_name)


def n_steps(f=lecture_L, point=(2.0, 3.0), input_names=("w1", "w2"), output_name="L"):
    """How many steps a mode has for ``f``: one per node of its graph (the same in every mode)."""
    return len(_trace(f, point, input_names, output_name))


def step_view(point=(2.0, 3.0), mode="forward ∂/∂w1", step=0, f=lecture_L, input_names=("w1", "w2"),
              output_name="L", lang=None):
    """Everything the widget shows for inputs ``point``, ``mode`` (one of :func:`modes`) and ``step`` (0-based).

    Out-of-domain inputs give ``StepView(ok=False, message=…)``, never an exception; a bad ``mode`` or ``step`` is
    a programming error and raises ``ValueError``.
    """
    names = modes(input_names)
    if mode not in names:
        raise ValueError(f"mode must be one of {names}, got {mode!r}")
    point = tuple(float(x) for x in point)
    if len(point) != len(input_names):
        raise ValueError(f"point must have one value per input {tuple(input_names)}, got {point}")
    graph = _trace(f, point, input_names, output_name)
    if isinstance(step, bool) or not isinstance(step, int | np.integer) or not 0 <= step < len(graph):
        raise ValueError(f"step must be an integer in 0..{len(graph) - 1}, got {step!r}")
    message = domain_error(graph, lang)  # in the notebook's language, or lang
    if message is not None:
        return StepView(False, message, mode, int(step), len(graph), point, graph)
    if mode == "reverse":
        trace = reverse_trace(graph)
    else:
        trace = forward_trace(graph, wrt=names.index(mode))
    return StepView(True, "", mode, int(step), len(graph), point, graph, trace)


def next_step(step, delta, n):
    """The step after pressing ◀ (``delta = -1``) or ▶ (``+1``): stays within 0..n-1."""
    return int(min(max(step + delta, 0), n - 1))


def _heading(view, lang=None):
    out = view.graph.nodes[view.graph.output].name
    if view.mode == "reverse":
        return tr(f"Reverse mode / Обратный режим: the backward sweep from d{out}/d{out} = 1, "
                  f"adjoints v̄ = d{out}/dv, one node per step",
                  f"Обратный режим: обратный проход от d{out}/d{out} = 1, "
                  f"сопряжённые переменные v̄ = d{out}/dv, по узлу за шаг", lang)
    wrt = view.mode.split("∂")[-1]
    return tr(f"Forward mode / Прямой режим: ∂{out}/∂{wrt}, tangents v̇ = dv/d{wrt} pushed from the inputs",
              f"Прямой режим: ∂{out}/∂{wrt}, касательные v̇ = dv/d{wrt} идут от входов", lang)


def render_view(view, figsize=(9.4, 3.8), fontsize=12, lang=None):
    """The view as a list of things to ``display``: a heading, the graph (a matplotlib Figure, closed so that it
    does not also appear on its own), the «Функция» and «Производная» formulas and the trace so far — or, outside
    the domain, the message and the bare graph. The default size keeps every text of the drawing ≥ 10 pt on a
    1280×720 slide (``adlib.course.projector``). The texts are in the notebook's language (or ``lang``)."""
    from IPython.display import HTML, Math

    if not isinstance(view, StepView):
        raise TypeError(f"render_view expects a StepView from step_view, got {type(view).__name__}")
    step_of = tr(f"step {view.step} of {view.n_steps - 1}", f"шаг {view.step} из {view.n_steps - 1}", lang)
    items = [HTML(f"<b>{_heading(view, lang)}</b> — {step_of}")]
    fig, ax = plt.subplots(figsize=figsize)
    if view.ok:
        draw_graph(view.graph, view.trace, step=view.step, ax=ax, title="", fontsize=fontsize)
    else:
        draw_graph(view.graph, ax=ax, values=False, title="", fontsize=fontsize)
    fig.subplots_adjust(left=0, right=1, bottom=0, top=1)
    plt.close(fig)
    items.append(fig)
    if not view.ok:
        outside = tr("Outside the domain.", "Вне области определения.", lang)
        items.append(HTML(f'<p style="color:#b00000"><b>{outside}</b> {view.message}</p>'))
        return items
    items.append(HTML(tr("<b>Функция</b> (the value)", "<b>Функция</b> (значение)", lang)))
    items.append(Math(view.function_latex))
    items.append(HTML(tr("<b>Производная</b> (the derivative: d total, ∂ local)",
                         "<b>Производная</b> (d — полная, ∂ — локальная)", lang)))
    items.append(Math(view.derivative_latex))
    table = view.table
    table.lang = lang
    items.append(table)
    if view.step == view.n_steps - 1:
        result = view.result
        out = view.graph.nodes[view.graph.output].name
        if view.mode == "reverse":
            text = ", ".join(f"{float(r):.12g}" for r in result)
            items.append(HTML(tr(f"Done: one backward sweep gave the whole gradient ∇{out} = ({text}).",
                                 f"Готово: один обратный проход дал весь градиент ∇{out} = ({text}).", lang)))
        else:
            partial = f"∂{out}/{view.mode.split('/')[-1]} = {float(result):.12g}"
            items.append(HTML(tr(f"Done: this forward pass gave one partial derivative, {partial}.",
                                 f"Готово: этот прямой проход дал одну частную производную, {partial}.", lang)))
    return items


def graph_stepper(f=lecture_L, point=(2.0, 3.0), ranges=((-0.5, 4.0), (-2.0, 4.0)), input_names=("w1", "w2"),
                  output_name="L", slider_step=0.05, mode=None, sliders=True, figsize=None):
    """The stepping widget: a slider per input, the mode (``mode``: the initial one), the step (slider and ◀ ▶).
    Returns the widget.

    ``sliders=False``: no input sliders, the inputs stay at ``point`` (``ranges`` is not used) — for a widget that
    sets the point itself (the playground, ``adlib.course.playground``). ``figsize``: the drawing's size (default
    :func:`render_view`'s)."""
    import ipywidgets as widgets
    from IPython.display import display

    if len(point) != len(input_names) or (sliders and len(ranges) != len(input_names)):
        raise ValueError("point, ranges and input_names must have one entry per input")
    fixed = tuple(float(v) for v in point)
    sliders = [
        widgets.FloatSlider(value=v, min=lo, max=hi, step=slider_step, description=name, continuous_update=False)
        for v, (lo, hi), name in zip(point, ranges, input_names)
    ] if sliders else []
    view_options = {} if figsize is None else {"figsize": figsize}

    def current():
        return tuple(s.value for s in sliders) if sliders else fixed

    names = modes(input_names)
    if mode is not None and mode not in names:
        raise ValueError(f"mode must be one of {names}, got {mode!r}")
    labels = [mode_label(name) for name in names]  # (label, value) pairs only where they differ (not in English)
    options = names if labels == names else list(zip(labels, names))
    mode = widgets.ToggleButtons(options=options, value=mode or names[0], description=tr("mode", "режим"))
    n = n_steps(f, point, input_names, output_name)
    step = widgets.IntSlider(value=0, min=0, max=n - 1, description=tr("step", "шаг"), continuous_update=True)
    back, forward = widgets.Button(description="◀", layout={"width": "3em"}), widgets.Button(
        description="▶", layout={"width": "3em"})
    out = widgets.Output()

    def redraw(*_):
        n_now = n_steps(f, current(), input_names, output_name)
        if step.max != n_now - 1:  # another graph at these inputs (a branch in f): adjusting step.max redraws
            step.value = min(step.value, n_now - 1)
            step.max = n_now - 1
        view = step_view(current(), mode.value, step.value, f, input_names, output_name)
        with out:
            out.clear_output(wait=True)
            for item in render_view(view, **view_options):
                display(item)

    back.on_click(lambda _: setattr(step, "value", next_step(step.value, -1, step.max + 1)))
    forward.on_click(lambda _: setattr(step, "value", next_step(step.value, +1, step.max + 1)))
    for control in [*sliders, mode, step]:
        control.observe(redraw, names="value")
    redraw()
    box = widgets.VBox([widgets.HBox(sliders)] * bool(sliders) + [mode, widgets.HBox([back, step, forward]), out])
    box.view = lambda: step_view(current(), mode.value, step.value, f, input_names,
                                 output_name)  # what is shown now (for tests and the curious)
    box.controls = {"sliders": sliders, "mode": mode, "step": step, "back": back, "forward": forward, "out": out}
    return box
