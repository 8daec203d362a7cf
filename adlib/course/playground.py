"""A playground: type a function of one to three scalars and watch forward and reverse mode work on it.

The text is parsed with Python's ``ast`` and checked against a whitelist before anything runs: numbers, the
variables, ``+ - * / **`` and unary minus, and calls of a few functions that exist in both ``adlib.numpy`` and
``jax.numpy`` (:data:`FUNCTIONS`). No attribute access, no imports, no other calls, no indexing, lambdas or
comprehensions, and at most :data:`MAX_LENGTH` characters. The checked tree is then *evaluated* by a small
interpreter, with the functions taken from the NumPy module given: ``adlib.numpy`` for the graph and the traces,
``jax.numpy`` for the cross-check, so the two see the same expression::

    from adlib.course.playground import parse, playground_view

    expression = parse("exp(-(sin(x) - cos(y))**2)")    # the course homework's f(x, y)
    f = expression.function(anp)                         # f(x, y) with adlib.numpy: traceable by adlib
    f_jax = expression.function(jnp)                     # the same tree with jax.numpy
    view = playground_view("exp(-(sin(x) - cos(y))**2)", (1.0, 2.0), jax=jax)
    view.gradient, view.jax_gradient                     # one backward sweep, and JAX's

Everything shown is computed by one pure function, :func:`playground_view` (tested without a browser); the widget,
:func:`playground`, only wires a text box and the point's boxes to it, and embeds the stepping widget of
``adlib.course.widgets`` for the typed function. Bad input — a syntax error, an unknown name, a point outside the
function's domain (``log`` of a negative number: the value would be nan), a function of none of the variables, a
graph too large to draw — gives a plain message in the view, never an exception or a warning, and the widget
keeps working.
"""

import ast
import html
import operator
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np

from .. import numpy as anp
from .graph import EvaluationTrace, Graph, domain_error, forward_trace, latex_name, reverse_trace, trace_graph
from .graph_plot import draw_graph, figure_size, scale
from .i18n import tr

__all__ = ["FUNCTIONS", "CONSTANTS", "VARIABLES", "DEFAULT_EXPRESSION", "DEFAULT_POINT", "MAX_LENGTH", "MAX_NODES",
           "ExpressionError", "Expression", "parse", "PlaygroundView", "playground_view", "render_playground",
           "playground"]  # fmt: skip

# The functions a student may call: one argument each, present in adlib.numpy and in jax.numpy under these names,
# each with its formula in adlib.course.graph.OPERATIONS (tests/course/test_playground.py checks all three).
FUNCTIONS = ("exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "square", "abs",
             "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh",
             "arctanh")  # fmt: skip
CONSTANTS = {"pi": np.pi, "e": np.e}
VARIABLES = ("x", "y", "z")
DEFAULT_EXPRESSION = "exp(-(sin(x) - cos(y))**2)"  # the course homework's f(x, y) = exp(−(sin x − cos y)²)
DEFAULT_POINT = (1.0, 2.0, 0.5)  # x, y, z (z unused by the default)
MAX_LENGTH = 200  # characters of the expression
MAX_NODES = 40  # nodes of a graph that is still drawn (inputs included)
MIN_SCALE = 0.7  # a graph drawn smaller than this (too many layers for the slide's width) is too large to draw
JAX_TOL = 1e-12  # adlib's gradient against JAX's, relative to max(1, |JAX's|)

# Python's operators, as a student's own code would use them: on adlib's boxes they record the primitives add,
# subtract, multiply, divide, power (x**2: square), negative; on JAX's tracers JAX's
_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
              ast.Pow: operator.pow}
_SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.Mod: "%",
            ast.FloorDiv: "//", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|",
            ast.BitAnd: "&", ast.BitXor: "^"}  # fmt: skip


class ExpressionError(ValueError):
    """The text is not a function the playground accepts; ``kind`` says why (``'syntax'``, ``'name'``,
    ``'constant'``, ``'domain'``), the message says it plainly, in the current language."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


# ----------------------------------------------------------------------------------------------------------
# Parsing: Python's ast, then a whitelist
# ----------------------------------------------------------------------------------------------------------


def _list(names):
    return ", ".join(names)


def _check_variables(variables):
    variables = tuple(variables)
    if not 1 <= len(variables) <= 3 or len(set(variables)) != len(variables):
        raise ValueError(f"variables must be one to three distinct names, got {variables!r}")
    for name in variables:
        if not isinstance(name, str) or not name.isidentifier() or name in FUNCTIONS or name in CONSTANTS:
            raise ValueError(f"a variable must be a Python name other than a function or a constant, got {name!r}")
    return variables


def _not_allowed(node):
    """The plain message for a construct outside the whitelist."""
    code = ast.unparse(node)
    if isinstance(node, ast.Attribute):
        return tr(f"no attribute access ({code}): write the function's name alone, e.g. sin(x), not np.sin(x)",
                  f"обращение к атрибутам запрещено ({code}): пишите имя функции без префикса, sin(x), а не np.sin(x)")
    if isinstance(node, ast.BinOp):
        symbol = _SYMBOLS.get(type(node.op), type(node.op).__name__)
        if isinstance(node.op, ast.BitXor):
            return tr("^ is not a power in Python: write x**2 for x squared",
                      "^ в Python — не степень: пишите x**2 для x в квадрате")
        return tr(f"the operator {symbol} is not allowed: use + - * / ** and unary minus",
                  f"оператор {symbol} не разрешён: используйте + - * / ** и унарный минус")
    if isinstance(node, ast.UnaryOp):
        return tr(f"the operator in {code} is not allowed: only unary minus (and plus)",
                  f"оператор в {code} не разрешён: только унарный минус (и плюс)")
    if isinstance(node, ast.Subscript):
        return tr(f"no indexing ({code}): the inputs are scalars", f"индексация запрещена ({code}): входы — числа")
    if isinstance(node, ast.Lambda | ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
        return tr("no lambdas or comprehensions: one arithmetic expression",
                  "без lambda и генераторов: одно арифметическое выражение")
    if isinstance(node, ast.Compare | ast.BoolOp | ast.IfExp):
        return tr(f"no comparisons, and/or or if-else ({code}): AD here works on arithmetic only",
                  f"сравнения, and/or и if-else запрещены ({code}): здесь только арифметика")
    if isinstance(node, ast.List | ast.Tuple | ast.Set | ast.Dict):
        return tr(f"only scalars: no lists, tuples, sets or dicts ({code})",
                  f"только числа: без списков, кортежей, множеств и словарей ({code})")
    if isinstance(node, ast.Constant):
        if isinstance(node.value, complex):
            return tr(f"only real numbers ({code})", f"только вещественные числа ({code})")
        return tr(f"only numbers, no {type(node.value).__name__} ({code})",
                  f"только числа, а не {type(node.value).__name__} ({code})")
    return tr(f"{type(node).__name__} is not allowed here ({code})", f"{type(node).__name__} здесь запрещено ({code})")


def _unknown(name, variables):
    return tr(f"unknown name {name!r}: the variables are {_list(variables)}, the functions {_list(FUNCTIONS)}, "
              f"the constants {_list(CONSTANTS)}",
              f"неизвестное имя {name!r}: переменные — {_list(variables)}, функции — {_list(FUNCTIONS)}, "
              f"константы — {_list(CONSTANTS)}")


def _validate(node, variables):
    """Raise ExpressionError at the first node outside the whitelist (in reading order)."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise ExpressionError("syntax", _not_allowed(node))
        try:
            float(node.value)
        except OverflowError:
            raise ExpressionError("syntax", tr(f"the number {node.value} is too large for a float",
                                               f"число {node.value} слишком велико для float")) from None
    elif isinstance(node, ast.Name):
        if node.id in FUNCTIONS:
            raise ExpressionError("name", tr(f"{node.id} is a function: call it, e.g. {node.id}(x)",
                                             f"{node.id} — функция: вызовите её, например {node.id}(x)"))
        if node.id not in variables and node.id not in CONSTANTS:
            raise ExpressionError("name", _unknown(node.id, variables))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        _validate(node.operand, variables)
    elif isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        _validate(node.left, variables)
        _validate(node.right, variables)
    elif isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            if isinstance(node.func, ast.Attribute):
                raise ExpressionError("syntax", _not_allowed(node.func))
            raise ExpressionError("name", tr(f"only the functions can be called ({ast.unparse(node)}): "
                                             f"{_list(FUNCTIONS)}",
                                             f"вызывать можно только функции ({ast.unparse(node)}): "
                                             f"{_list(FUNCTIONS)}"))
        name = node.func.id
        if name in variables or name in CONSTANTS:
            raise ExpressionError("name", tr(f"{name} is not a function; for a product write {name}*(...)",
                                             f"{name} — не функция; произведение пишется {name}*(...)"))
        if name not in FUNCTIONS:
            raise ExpressionError("name", tr(f"{name}() is not a function of the playground; the functions are "
                                             f"{_list(FUNCTIONS)}",
                                             f"{name}() — не функция песочницы; функции: {_list(FUNCTIONS)}"))
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise ExpressionError("syntax", tr(f"no keyword or * arguments ({ast.unparse(node)})",
                                               f"без именованных и *-аргументов ({ast.unparse(node)})"))
        if len(node.args) != 1:
            raise ExpressionError("name", tr(f"{name} takes one argument, got {len(node.args)}",
                                             f"{name} принимает один аргумент, а получено {len(node.args)}"))
        _validate(node.args[0], variables)
    else:
        raise ExpressionError("syntax", _not_allowed(node))


def _constant(node):
    """The value of a subtree without variables, evaluated with NumPy (None if it has a variable); a constant part
    that is not a finite number (log(-1), 1/0, 10.0**400) is an ExpressionError: no input can repair it."""
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return CONSTANTS.get(node.id)
    if isinstance(node, ast.UnaryOp):
        children = [node.operand]
    elif isinstance(node, ast.BinOp):
        children = [node.left, node.right]
    else:
        children = list(node.args)
    values = [_constant(c) for c in children]  # every child, so the innermost bad constant is the one reported
    if any(v is None for v in values):
        return None
    value = _apply(node, [np.float64(v) for v in values], np)  # NumPy's float64: inf or nan, never an exception
    if not np.isfinite(value):
        raise ExpressionError("domain", tr(f"the constant part {ast.unparse(node)} is {value}, not a finite number",
                                           f"постоянная часть {ast.unparse(node)} равна {value}, а не конечному числу"))
    return float(value)


def _apply(node, values, xnp):
    """One node of the tree, its children's values given: an operator, or a function of ``xnp``."""
    with np.errstate(all="ignore"):
        if isinstance(node, ast.UnaryOp):
            return -values[0] if isinstance(node.op, ast.USub) else values[0]
        if isinstance(node, ast.BinOp):
            return _OPERATORS[type(node.op)](*values)
        return getattr(xnp, node.func.id)(*values)


def _evaluate(node, env, xnp):
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return env[node.id] if node.id in env else CONSTANTS[node.id]
    children = [node.operand] if isinstance(node, ast.UnaryOp) else [node.left, node.right] if isinstance(
        node, ast.BinOp) else node.args
    return _apply(node, [_evaluate(c, env, xnp) for c in children], xnp)


# LaTeX of the typed expression, so that the student sees how it was read (-x**2 is −(x²), not (−x)²)
_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2, ast.Pow: 4}
_TEX_FUNCTIONS = {"sin": r"\sin", "cos": r"\cos", "tan": r"\tan", "sinh": r"\sinh", "cosh": r"\cosh",
                  "tanh": r"\tanh", "arcsin": r"\arcsin", "arccos": r"\arccos", "arctan": r"\arctan", "log": r"\log",
                  "log2": r"\log_2", "log10": r"\log_{10}", "log1p": r"\operatorname{log1p}",
                  "expm1": r"\operatorname{expm1}", "arcsinh": r"\operatorname{arcsinh}",
                  "arccosh": r"\operatorname{arccosh}", "arctanh": r"\operatorname{arctanh}"}  # fmt: skip


def _precedence(node):
    if isinstance(node, ast.BinOp):
        return _PRECEDENCE[type(node.op)]
    if isinstance(node, ast.UnaryOp):
        return 3
    if isinstance(node, ast.Constant) and node.value < 0:
        return 3
    return 5


def _paren(tex):
    return rf"\left({tex}\right)"


def _latex(node):
    if isinstance(node, ast.Constant):
        return ast.unparse(node)
    if isinstance(node, ast.Name):
        return r"\pi" if node.id == "pi" else latex_name(node.id)
    if isinstance(node, ast.UnaryOp):
        inner = _latex(node.operand)
        if _precedence(node.operand) <= 3:
            inner = _paren(inner)
        return ("-" if isinstance(node.op, ast.USub) else "+") + inner
    if isinstance(node, ast.BinOp):
        p = _PRECEDENCE[type(node.op)]
        left, right = _latex(node.left), _latex(node.right)
        if isinstance(node.op, ast.Div):
            return rf"\frac{{{left}}}{{{right}}}"
        if isinstance(node.op, ast.Pow):
            if _precedence(node.left) <= 4 or isinstance(node.left, ast.Call):  # (x^2)^3, (−x)^2, (sin x)^2
                left = _paren(left)
            return f"{left}^{{{right}}}"
        if _precedence(node.left) < p:
            left = _paren(left)
        if _precedence(node.right) < p or (_precedence(node.right) == p and isinstance(node.op, ast.Sub)) or (
                _precedence(node.right) == 3):
            right = _paren(right)  # a − (b + c), a · (b + c), a + (−b)
        symbol = {ast.Add: "+", ast.Sub: "-", ast.Mult: r"\cdot"}[type(node.op)]
        return f"{left} {symbol} {right}"
    name, arg = node.func.id, _latex(node.args[0])
    if name == "exp":
        return f"e^{{{arg}}}"
    if name == "exp2":
        return f"2^{{{arg}}}"
    if name == "sqrt":
        return rf"\sqrt{{{arg}}}"
    if name == "abs":
        return rf"\left|{arg}\right|"
    if name == "square":
        return f"{_paren(arg) if _precedence(node.args[0]) < 5 else arg}^{{2}}"
    simple = isinstance(node.args[0], ast.Name | ast.Constant) and _precedence(node.args[0]) == 5
    return f"{_TEX_FUNCTIONS[name]} {arg}" if simple else f"{_TEX_FUNCTIONS[name]}{_paren(arg)}"


@dataclass(frozen=True)
class Expression:
    """A checked expression: the ``text`` typed, its ``tree`` (``ast``), the ``variables`` it uses (in the order
    of the variables allowed) and its ``latex``."""

    text: str
    tree: ast.AST
    variables: tuple
    latex: str

    def function(self, xnp):
        """The expression as a Python function of its variables, evaluated with ``xnp``'s functions (``adlib.numpy``
        to differentiate with adlib, ``jax.numpy`` with JAX, ``numpy`` to just evaluate)."""
        names = self.variables

        def f(*values):
            if len(values) != len(names):
                raise TypeError(f"f({', '.join(names)}) takes {len(names)} argument(s), got {len(values)}")
            return _evaluate(self.tree, dict(zip(names, values)), xnp)

        f.__name__ = "f"
        f.__doc__ = f"f({', '.join(names)}) = {self.text}"
        return f

    @property
    def signature(self):
        """``'f(x, y)'``"""
        return f"f({', '.join(self.variables)})"


def parse(text, variables=VARIABLES):
    """``text`` as an :class:`Expression` of (some of) ``variables``, or :class:`ExpressionError` saying what is
    wrong. Nothing of the text is executed: it is parsed, checked against the whitelist, and its constant parts
    (without variables) are computed to check that they are finite numbers."""
    variables = _check_variables(variables)
    if not isinstance(text, str):
        raise TypeError(f"the expression must be a string, got {type(text).__name__}")
    text = text.strip()
    if not text:
        raise ExpressionError("syntax", tr(f"type a function of {_list(variables)}, e.g. {DEFAULT_EXPRESSION}",
                                           f"введите функцию от {_list(variables)}, например {DEFAULT_EXPRESSION}"))
    if len(text) > MAX_LENGTH:
        raise ExpressionError("syntax", tr(f"the expression has {len(text)} characters; at most {MAX_LENGTH}",
                                           f"в выражении {len(text)} символов; можно не больше {MAX_LENGTH}"))
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as error:
        where = tr(f" at column {error.offset}", f" в позиции {error.offset}") if error.offset else ""
        hint = ""
        if "decimal literal" in (error.msg or ""):
            hint = tr(" (a product needs *: 2*x, not 2x)", " (умножение пишется через *: 2*x, а не 2x)")
        raise ExpressionError("syntax", tr(f"syntax error{where}: {error.msg}{hint}",
                                           f"синтаксическая ошибка{where}: {error.msg}{hint}")) from None
    except (RecursionError, MemoryError, ValueError):  # absurd nesting; a null character
        raise ExpressionError("syntax", tr("the expression cannot be parsed", "выражение не разбирается")) from None
    _validate(tree, variables)
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    inputs = tuple(v for v in variables if v in used)
    if not inputs:
        raise ExpressionError("constant", tr(f"the expression uses none of the variables {_list(variables)}: it is "
                                             "a constant, there is no graph to trace",
                                             f"в выражении нет ни одной из переменных {_list(variables)}: это "
                                             "константа, трассировать нечего"))
    _constant(tree)
    return Expression(text, tree, inputs, _latex(tree))


# ----------------------------------------------------------------------------------------------------------
# The view: everything the playground shows, from the text and the point
# ----------------------------------------------------------------------------------------------------------


@dataclass
class PlaygroundView:
    """What the playground shows for a text and a point.

    ``status`` is ``'ok'`` or what went wrong: ``'syntax'``, ``'name'``, ``'constant'``, ``'point'`` (an input is
    not a finite number), ``'domain'`` (a value or a local derivative is nan or infinite; ``graph`` is there,
    without numbers to trust), ``'too large'`` (the gradient and the JAX check are there, not the drawing or the
    traces). ``message`` says it plainly. When ok: ``graph``, one ``forward`` trace per input, the ``reverse``
    trace, ``value``, ``gradient`` (from the backward sweep), and, given JAX, ``jax_gradient`` and
    ``jax_difference`` (the largest |adlib − JAX| / max(1, |JAX|) over the inputs).
    """

    text: str
    variables: tuple
    point: tuple
    status: str
    message: str = ""
    expression: Expression | None = None
    graph: Graph | None = None
    forward: tuple = ()
    reverse: EvaluationTrace | None = None
    value: float | None = None
    gradient: tuple | None = None
    jax_gradient: tuple | None = None
    jax_difference: float | None = None
    jax_message: str = ""

    @property
    def ok(self):
        return self.status == "ok"

    @property
    def title(self):
        """What went wrong, as the view's heading says it in the notebook's language ("" when ``ok``)."""
        return "" if self.ok else tr(*_TITLES[self.status])

    @property
    def inputs(self):
        """The variables the expression uses (the graph's inputs), or all the variables if it did not parse."""
        return self.expression.variables if self.expression is not None else self.variables


def _point(point, variables):
    """``{variable: value}`` from a mapping or a sequence aligned with ``variables``."""
    if isinstance(point, dict):
        values = {v: point.get(v, 0.0) for v in variables}
    else:
        point = tuple(point)
        if len(point) != len(variables):
            raise ValueError(f"point must have one value per variable {variables}, got {point}")
        values = dict(zip(variables, point))
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
            raise TypeError(f"the value of {name} must be a real number, got {value!r}")
    return {name: float(value) for name, value in values.items()}


def _check_jax(jax):
    if jax is None:
        return None
    if jax.numpy.asarray(1.0).dtype != jax.numpy.float64:
        raise ValueError('enable float64 in JAX first: jax.config.update("jax_enable_x64", True)')
    return jax


def _difference(ours, theirs):
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    return float(np.max(np.abs(ours - theirs) / np.maximum(1.0, np.abs(theirs))))


def _too_large(graph):
    """A plain message if ``graph`` is too large to draw (too many nodes, or too many layers for the width of a
    slide), else None."""
    if len(graph) > MAX_NODES:
        return tr(f"the graph has {len(graph)} nodes: too large to draw (at most {MAX_NODES}). The gradient is "
                  "below; try a shorter expression to see the graph and the traces.",
                  f"в графе {len(graph)} узлов: слишком много, чтобы нарисовать (не больше {MAX_NODES}). Градиент "
                  "ниже; возьмите выражение короче, чтобы увидеть граф и трассы.")
    if scale(graph, 2) < MIN_SCALE:
        return tr("the graph is too deep to draw readably (too many operations one after another). The gradient is "
                  "below; try a shorter expression to see the graph and the traces.",
                  "граф слишком глубокий, чтобы нарисовать его читаемо (слишком много операций подряд). Градиент "
                  "ниже; возьмите выражение короче, чтобы увидеть граф и трассы.")
    return None


def playground_view(text=DEFAULT_EXPRESSION, point=DEFAULT_POINT, variables=VARIABLES, jax=None):
    """Everything the playground shows for the expression ``text`` at ``point`` (a value per variable: a sequence
    aligned with ``variables``, or a mapping; the variables the expression does not use are ignored).

    ``jax``: the ``jax`` module, float64 enabled, to cross-check the gradient (the same parsed tree evaluated with
    ``jax.numpy``); ``None``: no cross-check. Bad text or a bad point gives a view with a message, never an
    exception; a wrong *call* (a point of the wrong length, JAX in float32) raises ``ValueError``.
    """
    variables = _check_variables(variables)
    values = _point(point, variables)
    jax = _check_jax(jax)
    try:
        expression = parse(text, variables)
    except ExpressionError as error:
        return PlaygroundView(str(text), variables, tuple(values.values()), error.kind, str(error))
    at = tuple(values[v] for v in expression.variables)
    view = PlaygroundView(expression.text, variables, at, "ok", expression=expression)
    bad = [v for v, x in zip(expression.variables, at) if not np.isfinite(x)]
    if bad:
        view.status, view.message = "point", tr(f"{_list(bad)} must be a finite number",
                                                f"{_list(bad)}: нужно конечное число")
        return view
    try:
        view.graph = trace_graph(expression.function(anp), *at, input_names=expression.variables, output_name="f")
    except ArithmeticError as error:  # Python's own float arithmetic on constants (parse checked them with NumPy)
        view.status, view.message = "domain", tr(f"the function cannot be evaluated: {error}",
                                                 f"функцию нельзя вычислить: {error}")
        return view
    problem = domain_error(view.graph)
    if problem is not None:
        view.status, view.message = "domain", problem
        return view
    reverse = reverse_trace(view.graph)
    view.value = float(view.graph.value)
    view.gradient = tuple(float(g) for g in reverse.result)
    too_large = _too_large(view.graph)
    if too_large is not None:
        view.status, view.message = "too large", too_large
    else:
        view.reverse = reverse
        view.forward = tuple(forward_trace(view.graph, wrt=k) for k in range(len(at)))
    if jax is not None:
        try:
            g = jax.grad(expression.function(jax.numpy), argnums=tuple(range(len(at))))(*at)
            view.jax_gradient = tuple(float(x) for x in g)
            view.jax_difference = _difference(view.gradient, view.jax_gradient)
        except Exception as error:  # a JAX without a rule, say: the playground goes on, the message says it
            view.jax_message = tr(f"JAX could not differentiate it: {type(error).__name__}: {error}",
                                  f"JAX не смог продифференцировать: {type(error).__name__}: {error}")
    return view


# ----------------------------------------------------------------------------------------------------------
# Rendering: a list of things to display (HTML, Math, a matplotlib Figure, trace tables)
# ----------------------------------------------------------------------------------------------------------

_TITLES = {"syntax": ("Not a formula the playground reads", "Эту формулу песочница не читает"),
           "name": ("Unknown name", "Неизвестное имя"),
           "constant": ("Nothing to differentiate", "Нечего дифференцировать"),
           "point": ("Not a point", "Это не точка"),
           "domain": ("Outside the domain", "Вне области определения"),
           "too large": ("Too large to draw", "Слишком большой граф")}  # fmt: skip


def _numbers(values):
    return ", ".join(f"{v:.12g}" for v in values)


def _message_html(view):
    title = view.title
    return (f'<p class="adlib-playground-message" style="color:#b00000"><b>{html.escape(title)}.</b> '
            f"{html.escape(view.message)}</p>")


def _gradient_html(view):
    names = view.expression.variables
    at = ", ".join(f"{n} = {v:g}" for n, v in zip(names, view.point))
    lines = [tr(f"At {at}: f = {view.value:.12g}; the gradient from one backward sweep "
                f"∇f = ({_numbers(view.gradient)}).",
                f"В точке {at}: f = {view.value:.12g}; градиент за один обратный проход "
                f"∇f = ({_numbers(view.gradient)}).")]
    if view.jax_gradient is not None:
        agree = view.jax_difference <= JAX_TOL
        mark = "✅" if agree else "❌"
        lines.append(tr(f"{mark} JAX (the same expression in jax.numpy, float64): ({_numbers(view.jax_gradient)}); "
                        f"largest difference {view.jax_difference:.1e} "
                        f"({'within' if agree else 'NOT within'} {JAX_TOL:.0e}).",
                        f"{mark} JAX (то же выражение на jax.numpy, float64): ({_numbers(view.jax_gradient)}); "
                        f"наибольшее отличие {view.jax_difference:.1e} "
                        f"({'в пределах' if agree else 'НЕ в пределах'} {JAX_TOL:.0e})."))
    elif view.jax_message:
        lines.append(html.escape(view.jax_message))
    return '<p class="adlib-playground-gradient">' + "<br>".join(lines) + "</p>"


def _figure(view, fontsize):
    graph = view.graph
    ok = view.status == "ok"
    fig, ax = plt.subplots(figsize=figure_size(graph, 1))
    name = view.expression.signature
    title = tr(f"the graph of {name}; on the edges, the local derivatives",
               f"граф {name}; на рёбрах — локальные производные") if ok else tr(
        f"the graph of {name}, outside its domain", f"граф {name} вне области определения")
    draw_graph(graph, ax=ax, values=ok, title=title, fontsize=fontsize)
    fig.tight_layout()
    plt.close(fig)
    return fig


def render_playground(view, part="all", fontsize=12):
    """``view`` as a list of things to ``display``. ``part``: ``'summary'`` (the function as read, the message or
    the value, the gradient and the JAX check, the graph), ``'traces'`` (the forward and reverse evaluation
    traces, with the slides' «Функция» and «Производная» formulas), or ``'all'``."""
    from IPython.display import HTML, Math

    if not isinstance(view, PlaygroundView):
        raise TypeError(f"render_playground expects a PlaygroundView from playground_view, got "
                        f"{type(view).__name__}")
    if part not in ("all", "summary", "traces"):
        raise ValueError(f"part must be 'all', 'summary' or 'traces', got {part!r}")
    items = []
    if part in ("all", "summary"):
        if view.expression is not None:
            items.append(Math(f"{view.expression.signature} = {view.expression.latex}"))
        if view.status != "ok":
            items.append(HTML(_message_html(view)))
        if view.gradient is not None:
            items.append(HTML(_gradient_html(view)))
        if view.graph is not None and view.status in ("ok", "domain"):
            items.append(_figure(view, fontsize))
    if part in ("all", "traces") and view.ok:
        for name, trace in zip(view.expression.variables, view.forward):
            items.append(HTML(tr(f"<b>Forward mode / Прямой режим</b>: one pass for ∂f/∂{name}",
                                 f"<b>Прямой режим</b>: один проход для ∂f/∂{name}")))
            items.append(trace)
        items.append(HTML(tr("<b>Reverse mode / Обратный режим</b>: one backward sweep for the whole gradient",
                             "<b>Обратный режим</b>: один обратный проход даёт весь градиент")))
        items.append(view.reverse)
    return items


# ----------------------------------------------------------------------------------------------------------
# The widget
# ----------------------------------------------------------------------------------------------------------


def playground(text=DEFAULT_EXPRESSION, point=DEFAULT_POINT, variables=VARIABLES, jax=None):
    """The playground widget: a text box for the function, a box per variable for the point (the ones the
    function does not use are disabled), the view of :func:`playground_view`, and the stepping widget
    (``adlib.course.widgets.graph_stepper``) for the function typed. A new text is read on Enter (or when the box
    loses focus). Returns the widget; ``.view()`` is what it shows now."""
    import ipywidgets as widgets
    from IPython.display import display

    from .widgets import graph_stepper

    variables = _check_variables(variables)
    start = _point(point, variables)
    _check_jax(jax)
    box_layout = {"width": "11em"}
    text_box = widgets.Text(value=str(text), description="f =", continuous_update=False,
                            layout={"width": "44em"}, placeholder=DEFAULT_EXPRESSION)
    coordinates = [widgets.FloatText(value=start[v], description=v, layout=box_layout) for v in variables]
    summary, traces = widgets.Output(), widgets.Output()
    stepper = widgets.VBox([])
    state = {}

    def current():
        return playground_view(text_box.value, tuple(c.value for c in coordinates), variables, jax)

    def close(old):
        """Close the widgets of a replaced stepping widget (after the new one is shown: no view of a closed model)."""
        for child in old:
            for control in getattr(child, "controls", {}).values():
                for w in control if isinstance(control, list) else [control]:
                    w.close()
            child.close()

    def update(*_):
        view = current()
        state["view"] = view
        for c, v in zip(coordinates, variables):
            c.disabled = view.expression is not None and v not in view.expression.variables
        for out, part in ((summary, "summary"), (traces, "traces")):
            items = render_playground(view, part)
            with out:
                out.clear_output(wait=bool(items))  # wait: no flicker; but with nothing to show, clear now
                for item in items:
                    display(item)
        old = stepper.children
        if view.ok:
            heading = widgets.HTML(tr("<b>Step through it</b> / Пошагово: the mode, the step, ◀ ▶",
                                      "<b>Пошагово</b>: режим, шаг, ◀ ▶"))
            stepping = graph_stepper(view.expression.function(anp), view.point, input_names=view.expression.variables,
                                     output_name="f", sliders=False, figsize=figure_size(view.graph, 2))
            stepper.children = [heading, stepping]
        else:
            stepper.children = [widgets.HTML(tr("<i>The stepping widget returns with a function it can step "
                                                "through.</i>",
                                                "<i>Пошаговый режим вернётся, когда функция будет исправлена.</i>"))]
        close(old)

    text_box.observe(update, names="value")
    for c in coordinates:
        c.observe(update, names="value")
    update()
    box = widgets.VBox([text_box, widgets.HBox(coordinates), summary, stepper, traces])
    box.view = lambda: state["view"]
    box.controls = {"text": text_box, "point": coordinates, "summary": summary, "stepper": stepper,
                    "traces": traces}
    return box
