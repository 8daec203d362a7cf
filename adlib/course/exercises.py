"""Exercises with instant feedback, inside the notebook (Colab has no grading server, and needs none).

An exercise cell defines something (a function, a number, a guess) and calls a checker; the checker shows a
coloured verdict as the cell's output: **passed**, **not yet right** (with the largest difference and a hint),
**not done yet** (for the stub the cell starts with), or **your code raised …** (the error's line, no traceback).
A checker never raises because of the student's answer, so a notebook with untouched stubs still runs top to
bottom. The solution cell that follows calls the same checker and ends with ``.assert_passed()``: there a failure
*is* an error, so a wrong solution fails the notebook's test run.

Derivative checkers need no answer key. They compare what the student wrote with three independent references:

* **adlib** (``grad``/``jvp``/``vjp`` of the same function),
* **finite differences** (central differences, which know nothing of any rule),
* **JAX**, if it is installed and the function is also given in ``jax.numpy`` (``f_jax=``).

``check_rule`` takes a forward and/or reverse rule the student wrote for a new primitive, registers it on a fresh
:class:`adlib.extend.Primitive` and runs :func:`adlib.testing.check_grads` to order 2: the first order catches a
wrong formula, the second a rule that is right but not differentiable itself (it unboxes its arguments).

    from adlib.course import exercises

    def my_grad(w):
        raise NotImplementedError  # your code here

    exercises.check_grad(my_grad, L, points=[w0])          # -> "not done yet"

Every message exists in English and Russian (``adlib.course.i18n``); hints may be given as ``(english, russian)``.
"""

from __future__ import annotations

import html
import numbers
import traceback
from pathlib import Path

import numpy as np

import adlib
from adlib.extend import Primitive
from adlib.testing import check_grads

from .i18n import plural_ru, ru_times, tr

__all__ = ["ExerciseError", "Feedback", "check_choice", "check_grad", "check_hvp", "check_jvp", "check_prediction",
           "check_rule", "check_value", "check_values", "check_vjp"]

PASSED, FAILED, TODO, RAISED = "passed", "failed", "todo", "raised"
_LOOK = {PASSED: ("✅", "#e6f4ea", "#1e7e34"), FAILED: ("❌", "#fdecea", "#b00020"),
         TODO: ("⏳", "#fff8e1", "#8a6d00"), RAISED: ("⚠️", "#fdecea", "#b00020")}


class ExerciseError(AssertionError):
    """A solution cell's check did not pass (raised by :meth:`Feedback.assert_passed`)."""


class NotDone(Exception):
    """The answer is still the stub (``...``, ``None`` or ``raise NotImplementedError``)."""


class Feedback:
    """A checker's verdict: ``status`` (passed/failed/todo/raised), a message, the largest difference, a hint.

    Shown as a coloured box in a notebook, as one line of text elsewhere; ``bool(feedback)`` is whether it passed."""

    def __init__(self, status, title, message="", hint="", max_diff=None):
        self.status, self.title, self.message, self.hint, self.max_diff = status, title, message, hint, max_diff

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    def __bool__(self):
        return self.passed

    def assert_passed(self):
        """Raise :class:`ExerciseError` unless passed (for solution cells); return self, so it still shows."""
        if not self.passed:
            raise ExerciseError(f"{self.title}: {self.message}".strip(": "))
        return self

    def __str__(self):
        icon = _LOOK[self.status][0]
        body = " ".join(p for p in (self.message, self.hint and tr("Hint: ", "Подсказка: ") + self.hint) if p)
        return f"{icon} {self.title}: {body}" if body else f"{icon} {self.title}"

    __repr__ = __str__

    def _repr_html_(self):
        icon, background, colour = _LOOK[self.status]
        body = f"<b>{icon} {html.escape(self.title)}</b>"
        if self.message:
            body += f"<br>{html.escape(self.message)}"
        if self.hint:
            body += f"<br><i>{html.escape(tr('Hint: ', 'Подсказка: ') + self.hint)}</i>"
        return (f'<div style="background:{background};border-left:4px solid {colour};padding:6px 10px;'
                f'margin:4px 0;color:#222">{body}</div>')


# ----------------------------------------------------------------------------------------------------------
# Running the student's code: a stub is "not done yet", an exception is a message, never a traceback
# ----------------------------------------------------------------------------------------------------------


def _text(x):
    """A hint given as ``(english, russian)`` in the current language; a plain string as it is."""
    if isinstance(x, tuple | list) and len(x) == 2 and all(isinstance(s, str) for s in x):
        return tr(*x)
    return x or ""


def _is_stub(value):
    return value is None or value is Ellipsis


def _call(fn, *args):
    """``fn(*args)``, raising :class:`NotDone` for a stub; other exceptions propagate (to :func:`_guarded`)."""
    if not callable(fn):
        if _is_stub(fn):
            raise NotDone
        raise TypeError(tr(f"expected a function, got {type(fn).__name__}",
                           f"ожидалась функция, а получено {type(fn).__name__}"))
    try:
        out = fn(*args)
    except NotImplementedError:
        raise NotDone from None
    if _is_stub(out) or (isinstance(out, tuple | list) and any(_is_stub(o) for o in out)):
        raise NotDone
    return out


_ADLIB_DIR = str(Path(adlib.__file__).parent)


def _where(exc):
    """'line N: code' of the innermost frame outside this module (the student's line), or ''."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.startswith(_ADLIB_DIR)]
    if not frames:
        return ""
    f = frames[-1]
    return tr(f" (line {f.lineno}: {f.line})", f" (строка {f.lineno}: {f.line})") if f.line else ""


def _guarded(check):
    """Decorator: the checker's own work, with a stub turned into "not done yet" and an error into a message."""

    def run(*args, hint="", **kwargs):
        hint = _text(hint)
        try:
            return check(*args, hint=hint, **kwargs)
        except NotDone:
            return Feedback(TODO, tr("Not done yet", "Ещё не сделано"),
                            tr("replace the stub (… / None / raise NotImplementedError) with your answer, then run "
                               "the cell again.",
                               "замените заглушку (… / None / raise NotImplementedError) своим ответом и "
                               "запустите ячейку снова."))
        except _Mismatch as m:
            return Feedback(FAILED, tr("Not yet right", "Пока неверно"), str(m), hint, m.max_diff)
        except Exception as exc:  # the student's code raised: say what and where, keep the notebook running
            return Feedback(RAISED, tr("Your code raised an error", "Ваш код выдал ошибку"),
                            f"{type(exc).__name__}: {exc}{_where(exc)}", hint)

    run.__name__, run.__doc__, run.__wrapped__ = check.__name__, check.__doc__, check
    return run


class _Mismatch(Exception):
    def __init__(self, message, max_diff=None):
        super().__init__(message)
        self.max_diff = max_diff


# ----------------------------------------------------------------------------------------------------------
# Comparing numbers: shape first, then the largest difference, relative to the reference's size
# ----------------------------------------------------------------------------------------------------------


def _as_array(x, what):
    try:
        a = np.asarray(adlib.core.unbox(x) if isinstance(x, adlib.core.Box) else x, dtype=float)
    except (TypeError, ValueError):
        raise _Mismatch(tr(f"{what} should be numbers, got {type(x).__name__}",
                           f"{what}: ожидались числа, а получено {type(x).__name__}")) from None
    return a


def _difference(got, want, what):
    """The largest |got − want| relative to max(1, |want|), after checking shapes (a wrong shape is a mismatch)."""
    got, want = _as_array(got, what), np.asarray(want, dtype=float)
    if got.shape != want.shape:
        raise _Mismatch(tr(f"{what} has shape {got.shape}, expected {want.shape}",
                           f"{what}: форма {got.shape}, а ожидалась {want.shape}"))
    if not np.all(np.isfinite(got)):
        raise _Mismatch(tr(f"{what} contains nan or inf", f"{what} содержит nan или inf"))
    return float(np.max(np.abs(got - want) / np.maximum(1.0, np.abs(want)), initial=0.0))


def _verdict(compared, title_ok, hint):
    """``compared``: (reference name, difference, tolerance) triples -> passed, or a mismatch naming the worst."""
    worst = max(d for _, d, _ in compared)
    summary = ", ".join(f"{name}: {d:.1e}" for name, d, _ in compared)
    bad = [(name, d, tol) for name, d, tol in compared if not d <= tol]
    if bad:
        name, d, tol = max(bad, key=lambda b: b[1] / b[2])
        raise _Mismatch(tr(f"largest difference from {name} is {d:.3g} (allowed {tol:.0e}); all: {summary}.",
                           f"наибольшее отличие от {name} — {d:.3g} (допустимо {tol:.0e}); все: {summary}."),
                        worst)
    return Feedback(PASSED, title_ok, tr(f"largest relative difference — {summary}.",
                                         f"наибольшее относительное отличие — {summary}."), max_diff=worst)


# ----------------------------------------------------------------------------------------------------------
# References: adlib, central differences, JAX (if installed and the function is given in jax.numpy)
# ----------------------------------------------------------------------------------------------------------

FD_TOL = 1e-6      # central differences (ε = cbrt(eps)): ~1e-10 relative for smooth functions of size ~1
FD = ("finite differences", "конечные разности")  # the reference's name, English and Russian
EXACT_TOL = 1e-8   # adlib / JAX: the same derivative up to rounding (a hand-written formula reorders operations)


def _points(points):
    if points is None or (isinstance(points, list | tuple) and not points):
        raise ValueError("give the checker at least one point (points=[...])")
    return list(points) if isinstance(points, list) else [points]


def _args(point):
    return point if isinstance(point, tuple) else (point,)


def _central(f, x, direction, eps=None):
    """(f(x + εv) − f(x − εv)) / 2ε, with ε = cbrt(machine epsilon) · max(1, |x|)."""
    x = np.asarray(x, dtype=float)
    eps = eps or np.cbrt(np.finfo(float).eps) * max(1.0, float(np.max(np.abs(x), initial=0.0)))
    return (np.asarray(f(x + eps * direction)) - np.asarray(f(x - eps * direction))) / (2 * eps)


def _fd_jacobian(f, x):
    """The Jacobian of f at x by central differences, shape out.shape + x.shape."""
    x = np.asarray(x, dtype=float)
    cols = [_central(f, x, np.eye(x.size)[k].reshape(x.shape)) for k in range(x.size)]
    return np.moveaxis(np.array(cols), 0, -1).reshape(np.shape(cols[0]) + x.shape)


def _jax():
    """``(jax, jax.numpy)`` in float64, or None if JAX is not installed."""
    try:
        import jax
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    return jax


def _with_jax(compared, f_jax, compute):
    jax = _jax() if f_jax is not None else None
    if jax is not None:
        compared.append(("JAX", compute(jax), EXACT_TOL))
    return compared


@_guarded
def check_grad(student, f, points, argnum=0, f_jax=None, hint=""):
    """``student(*args)`` should be ∂f/∂(argument ``argnum``) at every point (a point: an array or a tuple of args).

    Compared with ``adlib.grad(f)``, central differences and (given ``f_jax`` and JAX) ``jax.grad(f_jax)``."""
    compared = []
    for point in _points(points):
        args = _args(point)
        got = _call(student, *args)
        x = np.asarray(args[argnum], dtype=float)

        def f_of_x(z, args=args):
            return f(*args[:argnum], z, *args[argnum + 1:])

        rows = [("adlib", _difference(got, adlib.grad(f, argnum)(*args), "gradient"), EXACT_TOL),
                (tr(*FD), _difference(got, _fd_jacobian(f_of_x, x), "gradient"), FD_TOL)]
        compared += _with_jax(rows, f_jax, lambda jax, args=args, got=got: _difference(
            got, np.asarray(jax.grad(f_jax, argnum)(*args)), "gradient"))
    return _verdict(_worst_per_reference(compared), tr("Gradient correct", "Градиент вычислен верно"), hint)


def _check_pairs(student, points, vectors, what, references, jax_reference, f_jax, title, hint):
    """The loop shared by check_jvp/vjp/hvp: ``student(x, w)`` at each (point, vector) pair against
    ``references(x, w)`` (``(name, value, tolerance)`` triples) and, given ``f_jax`` and JAX,
    ``jax_reference(jax, x, w)``."""
    compared = []
    for x, w in zip(_points(points), _points(vectors), strict=True):
        x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
        got = _call(student, x, w)
        compared += [(_text(name), _difference(got, want, what), tol) for name, want, tol in references(x, w)]
        compared += _with_jax([], f_jax, lambda jax, x=x, w=w, got=got: _difference(
            got, np.asarray(jax_reference(jax, x, w)), what))
    return _verdict(_worst_per_reference(compared), title, hint)


@_guarded
def check_jvp(student, f, points, tangents, f_jax=None, hint=""):
    """``student(x, v)`` should be the directional derivative J(x) v of ``f`` (one array argument)."""
    return _check_pairs(
        student, points, tangents, "J v",
        lambda x, v: [("adlib", adlib.jvp(f, (x,), (v,))[1], EXACT_TOL), (FD, _central(f, x, v), FD_TOL)],
        lambda jax, x, v: jax.jvp(f_jax, (x,), (v,))[1], f_jax, tr("JVP correct", "JVP вычислен верно"), hint)


@_guarded
def check_vjp(student, f, points, cotangents, f_jax=None, hint=""):
    """``student(x, u)`` should be uᵀ J(x) for ``f`` of one array argument (shape of x)."""
    return _check_pairs(
        student, points, cotangents, "uᵀJ",
        lambda x, u: [("adlib", adlib.vjp(f, x)[1](u)[0], EXACT_TOL),
                      (FD, np.tensordot(u, _fd_jacobian(f, x), axes=u.ndim), FD_TOL)],
        lambda jax, x, u: jax.vjp(f_jax, x)[1](u)[0], f_jax, tr("VJP correct", "VJP вычислен верно"), hint)


@_guarded
def check_hvp(student, f, points, vectors, f_jax=None, hint=""):
    """``student(x, v)`` should be the Hessian-vector product ∇²f(x) v of a scalar ``f``."""
    return _check_pairs(
        student, points, vectors, "Hv",
        lambda x, v: [("adlib", np.tensordot(adlib.hessian(f)(x), v, axes=v.ndim), EXACT_TOL),
                      (("finite differences of the gradient", "конечные разности градиента"),
                       _central(adlib.grad(f), x, v), FD_TOL)],
        lambda jax, x, v: jax.jvp(jax.grad(f_jax), (x,), (v,))[1], f_jax,
        tr("Hessian-vector product correct", "Произведение гессиана на вектор вычислено верно"), hint)


def _worst_per_reference(compared):
    """One row per reference: its largest difference over all points."""
    worst = {}
    for name, d, tol in compared:
        if name not in worst or d > worst[name][0]:
            worst[name] = (d, tol)
    return [(name, d, tol) for name, (d, tol) in worst.items()]


# ----------------------------------------------------------------------------------------------------------
# A rule for a new primitive: registered on a fresh Primitive, checked by check_grads to order 2
# ----------------------------------------------------------------------------------------------------------


@_guarded
def check_rule(impl, points, jvp=None, vjp=None, order=2, hint=""):
    """Check the student's forward rule ``jvp(t, ans, x)`` and/or reverse rule ``vjp(g, ans, x)`` of ``impl``.

    ``impl`` computes the primitive on NumPy arrays (one argument). The rules are registered on a fresh
    :class:`adlib.extend.Primitive` and checked with ``check_grads(..., order=order)`` at every point: against
    finite differences (forward), by the dot-product test (reverse), and again on the derived functions (order 2:
    a rule that turns its traced arguments into plain arrays, ``np.asarray(x)`` or ``float(x)``, passes order 1 and
    fails here)."""
    if jvp is None and vjp is None:
        raise TypeError("check_rule needs jvp=..., vjp=... or both")
    rules = {"fwd": jvp, "rev": vjp}
    for kind, rule in rules.items():
        if rule is not None and not callable(rule):
            if _is_stub(rule):
                raise NotDone
            raise TypeError(tr(f"the {kind} rule should be a function", f"правило {kind} должно быть функцией"))
    prim = Primitive(impl, name=getattr(impl, "__name__", "primitive"))
    modes = tuple(kind for kind, rule in rules.items() if rule is not None)
    if jvp is not None:
        prim.defjvp(_stub_aware(jvp))
    if vjp is not None:
        prim.defvjp(_stub_aware(vjp))
    for point in _points(points):
        x = np.asarray(point, dtype=float)
        for k in range(1, order + 1):
            try:
                check_grads(prim, (x,), order=k, modes=modes)
            except _RuleNotDone:
                raise NotDone from None
            except Exception as exc:
                if k == 1 and not isinstance(exc, AssertionError):
                    raise  # the rule itself raised: said as such, with its line
                what = (tr("the rule itself is wrong (order 1)", "само правило неверно (первый порядок)") if k == 1
                        else tr(f"first derivatives are right, order {k} is not: the rule must be differentiable "
                                "itself, so compute it from x and ans with array operations (adlib.numpy), without "
                                "turning them into plain numbers",
                                f"первые производные верны, а порядок {k} — нет: правило само должно быть "
                                "дифференцируемым — вычисляйте его из x и ans операциями над массивами (adlib.numpy), "
                                "не превращая их в обычные числа"))
                raise _Mismatch(f"{what}; x = {np.array2string(x, precision=3)}; check_grads: "
                                f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}") from None
    names = " + ".join({"fwd": "JVP", "rev": "VJP"}[m] for m in modes)
    n_points = len(_points(points))
    return Feedback(PASSED, tr(f"{names} rule correct", f"Правило {names} верное"),
                    tr(f"check_grads passed to order {order} at {n_points} point(s).",
                       f"проверка check_grads пройдена до порядка {order} в {n_points} "
                       f"{plural_ru(n_points, 'точке', 'точках', 'точках')}."))


class _RuleNotDone(Exception):
    """A rule that is still a stub, raised from inside check_grads (not an AssertionError, so it gets through)."""


def _stub_aware(rule):
    def wrapped(*args, **kwargs):
        try:
            out = rule(*args, **kwargs)
        except NotImplementedError:
            raise _RuleNotDone from None
        if _is_stub(out):
            raise _RuleNotDone
        return out

    return wrapped


# ----------------------------------------------------------------------------------------------------------
# Numbers computed by hand, choices, and predictions ("predict, then run")
# ----------------------------------------------------------------------------------------------------------


@_guarded
def check_value(answer, expected, rtol=1e-6, name="", hint=""):
    """A number (or array) computed by hand: ``answer`` against ``expected``, relative tolerance ``rtol``."""
    if _is_stub(answer):
        raise NotDone
    what = name or tr("the answer", "ответ")
    d = _difference(answer, expected, what)
    if not d <= rtol:
        raise _Mismatch(tr(f"{what} = {_show(answer)}, expected {_show(expected)} (relative difference {d:.2g})",
                           f"{what} = {_show(answer)}, а ожидалось {_show(expected)} (относительное отличие {d:.2g})"),
                        d)
    return Feedback(PASSED, tr("Correct", "Верно"), tr(f"{what} = {_show(answer)}.", f"{what} = {_show(answer)}."),
                    max_diff=d)


@_guarded
def check_values(answers, expected, rtol=1e-6, hint=""):
    """Several named numbers at once (e.g. the tangents of a trace table): dict name -> value, against ``expected``.

    Every entry of ``expected`` is checked; a missing or stub entry is "not done yet", wrong ones are listed."""
    if _is_stub(answers):
        raise NotDone
    if not isinstance(answers, dict):
        raise TypeError(tr(f"expected a dict of name -> value, got {type(answers).__name__}",
                           f"ожидался словарь имя -> значение, а получено {type(answers).__name__}"))
    todo = [k for k in expected if _is_stub(answers.get(k))]
    if len(todo) == len(expected):
        raise NotDone
    wrong, worst = [], 0.0
    for k, want in expected.items():
        if k in todo:
            continue
        d = _difference(answers[k], want, k)
        worst = max(worst, d)
        if not d <= rtol:
            wrong.append(f"{k} = {_show(answers[k])}")
    if wrong:
        raise _Mismatch(tr(f"not right yet: {', '.join(wrong)}", f"пока неверно: {', '.join(wrong)}"), worst)
    if todo:
        return Feedback(TODO, tr("Right so far", "Пока всё верно"),
                        tr(f"{len(expected) - len(todo)} of {len(expected)} right; still to do: {', '.join(todo)}",
                           f"верно {len(expected) - len(todo)} из {len(expected)}; осталось: {', '.join(todo)}"),
                        hint)
    return Feedback(PASSED, tr("All correct", "Всё верно"),
                    tr(f"all {len(expected)} values agree (largest relative difference {worst:.1e}).",
                       f"все {len(expected)} {plural_ru(len(expected), 'значение', 'значения', 'значений')} совпали "
                       f"(наибольшее относительное отличие {worst:.1e})."),
                    max_diff=worst)


@_guarded
def check_choice(answer, correct, options, hint=""):
    """One of ``options`` (strings, compared case-insensitively); ``correct`` is the right one."""
    if _is_stub(answer) or answer == "":
        raise NotDone
    normal = {str(o).strip().lower(): o for o in options}
    if str(correct).strip().lower() not in normal:
        raise ValueError(f"the correct answer {correct!r} is not among the options {list(options)}")
    key = str(answer).strip().lower()
    if key not in normal:
        raise _Mismatch(tr(f"answer one of {list(options)} (got {answer!r})",
                           f"ответьте одним из вариантов {list(options)} (получено {answer!r})"))
    if key != str(correct).strip().lower():
        raise _Mismatch(tr(f"{answer!r} is not it", f"{answer!r} — неверно"))
    return Feedback(PASSED, tr("Correct", "Верно"), repr(normal[key]))


@_guarded
def check_prediction(guess, measured, within=2.0, name="", hint=""):
    """A prediction made before running: ``guess`` against the ``measured`` number, right within a factor ``within``.

    For "predict, then run" cells: a guess far off is not an error, it is the point of the exercise; the verdict
    says by how much it was off."""
    if _is_stub(guess):
        raise NotDone
    if isinstance(guess, bool) or not isinstance(guess, numbers.Real) or not np.isfinite(guess) or guess <= 0:
        raise TypeError(tr(f"the prediction should be a positive number, got {guess!r}",
                           f"прогноз должен быть положительным числом, а получено {guess!r}"))
    if not within > 1:
        raise ValueError(f"within must be a factor > 1, got {within}")
    factor = max(guess / measured, measured / guess)
    what = name or tr("the measured value", "измеренное значение")
    if factor <= within:
        return Feedback(PASSED, tr("Good prediction", "Хороший прогноз"),
                        tr(f"you said {_show(guess)}; {what} is {_show(measured)} ({_off(factor, 'en')}).",
                           f"вы сказали {_show(guess)}; {what} — {_show(measured)} ({_off(factor, 'ru')})."),
                        max_diff=factor)
    direction = (tr("too high", "больше") if guess > measured else tr("too low", "меньше"))
    raise _Mismatch(tr(f"you said {_show(guess)}, {what} is {_show(measured)}: {factor:.2g}× {direction}.",
                       f"вы сказали {_show(guess)}, а {what} — {_show(measured)}: в {ru_times(factor, '.2g')} "
                       f"{direction}, чем измерено."),
                    factor)



def _off(factor, lang):
    if factor == 1:
        return tr("exactly", "в точности", lang)
    if factor - 1 < 1e-6:  # rounding error, not a miss: the six digits shown agree
        return tr("equal in the digits shown", "совпадает во всех показанных знаках", lang)
    if factor < 1.1:  # a close guess by its percentage: "within 1×" would read as exact
        off = f"{100 * (factor - 1):.2g}%"
        return tr(f"{off} off", f"отклонение {off}", lang)
    return tr(f"within {factor:.2g}×", f"в пределах {factor:.2g}×", lang)


def _show(x):
    """A number as 6 significant digits; a small array in full; a large one by its shape and range."""
    a = np.asarray(adlib.core.unbox(x) if isinstance(x, adlib.core.Box) else x)
    if a.ndim == 0:
        return f"{float(a):.6g}" if a.dtype.kind in "fiu" else repr(x)
    if a.size > 8 and a.dtype.kind in "fiu":
        return tr(f"an array of shape {a.shape} (from {a.min():.4g} to {a.max():.4g})",
                  f"массив формы {a.shape} (от {a.min():.4g} до {a.max():.4g})")
    return np.array2string(a, precision=4, threshold=8)
