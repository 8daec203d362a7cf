"""The notebooks' language (adlib.course.i18n): English by default, Russian in notebooks/ru/ (its install cell calls
set_language("ru")). Every string a course module draws or prints is chosen by tr(english, russian), or by the
module function's ``lang=`` for one call; the English default never changes what the English notebooks show."""

import re

import pytest

from adlib.course import i18n
from adlib.course.claims import say


@pytest.fixture
def russian(monkeypatch):
    monkeypatch.setattr(i18n, "_current", "en")  # restored after the test
    i18n.set_language("ru")


def test_english_is_the_default_and_tr_follows_the_language(monkeypatch):
    monkeypatch.setattr(i18n, "_current", "en")
    assert i18n.language() == "en" and i18n.tr("tangent", "касательная") == "tangent"
    assert i18n.tr("tangent", "касательная", lang="ru") == "касательная"
    i18n.set_language("ru")
    assert i18n.language() == "ru" and i18n.tr("tangent", "касательная") == "касательная"
    assert i18n.tr("tangent", "касательная", lang="en") == "tangent"
    with pytest.raises(ValueError, match="language must be one of"):
        i18n.set_language("de")
    with pytest.raises(ValueError, match="language must be one of"):
        i18n.tr("a", "б", lang="fr")
    assert i18n.language() == "ru", "a refused language leaves the current one"


def test_say_shows_the_russian_sentence_in_the_russian_edition(capsys, russian):
    say("reverse mode wins by **37×**", ru="обратный режим быстрее в **37** раз")
    assert capsys.readouterr().out == "обратный режим быстрее в **37** раз\n"
    say("slope **2.0**")  # no Russian version: the English one (tools/ru_sync.py --check reports it)
    assert capsys.readouterr().out == "slope **2.0**\n"


def test_say_shows_the_english_sentence_by_default(capsys, monkeypatch):
    monkeypatch.setattr(i18n, "_current", "en")
    say("reverse mode wins by **37×**", ru="обратный режим быстрее в **37** раз")
    assert capsys.readouterr().out == "reverse mode wins by **37×**\n"
    with pytest.raises(TypeError, match="strings"):
        say("x", ru=3)


def test_plural_ru():
    forms = ("узел", "узла", "узлов")
    assert [i18n.plural_ru(n, *forms) for n in (0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111)] == [
        "узлов", "узел", "узла", "узла", "узлов", "узлов", "узлов", "узлов", "узел", "узла", "узлов", "узел", "узлов"]


def test_labels_read_like_a_dict_in_the_current_language(monkeypatch):
    monkeypatch.setattr(i18n, "_current", "en")
    labels = i18n.Labels({"gd": ("GD", "GD"), "fd": ("finite differences", "конечные разности")})
    assert labels["fd"] == "finite differences" and dict(labels) == {"gd": "GD", "fd": "finite differences"}
    assert labels.get("missing", "x") == "x" and list(labels) == ["gd", "fd"] and len(labels) == 2
    assert labels.in_language("ru")["fd"] == "конечные разности"
    i18n.set_language("ru")
    assert labels["fd"] == "конечные разности"
    with pytest.raises(TypeError, match="pair of strings"):
        i18n.Labels({"x": "only one"})


# ----------------------------------------------------------------------------------------------------------
# The course modules: what they draw and print, in Russian with lang="ru", unchanged in English
# ----------------------------------------------------------------------------------------------------------


def _texts(fig):
    """Every text of a figure: titles, labels, tick-free texts, legends."""
    out = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text") and callable(a.get_text))]
    return "\n".join(t for t in out if isinstance(t, str))


@pytest.fixture
def plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as pyplot

    from adlib.course import projector

    projector.use()
    yield pyplot
    pyplot.close("all")


def test_graph_tables_drawings_and_domain_messages(plt, monkeypatch):
    from adlib.course import projector
    from adlib.course.graph import domain_error, forward_trace, reverse_trace, trace_graph
    from adlib.course.graph_plot import draw_graph, draw_steps
    from adlib.course.widgets import lecture_L

    monkeypatch.setattr(i18n, "_current", "en")
    g = trace_graph(lecture_L, 2.0, 3.0, input_names=("w1", "w2"))
    assert str(g.table()).startswith("Computational graph: 4 primitive nodes")
    assert str(g.table(lang="ru")).startswith("Вычислительный граф: 4 элементарных узла")
    assert "узел" in str(g.table(lang="ru")) and "значение" in str(g.table(lang="ru"))
    rows = str(reverse_trace(g).table(lang="ru"))
    assert rows.startswith("Трасса обратного режима (обратный проход), сопряжённые переменные") and "шаг" in rows
    assert "Трасса прямого режима, касательные" in forward_trace(g, "w1").table(lang="ru")._repr_html_()
    assert draw_graph(g).get_title().startswith("computational graph of $L$: 4 primitive nodes")
    ax = draw_graph(g, lang="ru")
    assert ax.get_title().startswith("вычислительный граф $L$: 4 элементарных узла")
    projector.check_readable(ax.figure)
    fig = draw_steps(g, reverse_trace(g), lang="ru")
    assert all(ax.get_title().startswith("шаг ") for ax in fig.axes if ax.get_title())
    projector.check_readable(fig)
    bad = trace_graph(lecture_L, -1.0, 3.0, input_names=("w1", "w2"))
    assert domain_error(bad).startswith("At w1 = -1") and domain_error(bad, "ru").startswith("При w1 = -1")
    assert "функция не определена" in domain_error(bad, "ru")
    i18n.set_language("ru")
    assert str(g.table()).startswith("Вычислительный граф") and domain_error(bad).startswith("При ")


def test_the_stepping_widget_in_russian(plt, monkeypatch):
    from IPython.display import HTML

    from adlib.course.graph import EvaluationTrace
    from adlib.course.widgets import graph_stepper, mode_label, render_view, step_view

    monkeypatch.setattr(i18n, "_current", "en")
    english = render_view(step_view((2.0, 3.0), "reverse", 5))
    assert english[0].data.startswith("<b>Reverse mode / Обратный режим: the backward sweep")
    assert "Done: one backward sweep gave the whole gradient" in english[-1].data
    items = render_view(step_view((2.0, 3.0), "reverse", 5), lang="ru")
    html = " ".join(i.data for i in items if isinstance(i, HTML))
    assert items[0].data.startswith("<b>Обратный режим: обратный проход") and "шаг 5 из 5" in items[0].data
    assert "(значение)" in html and "Готово: один обратный проход дал весь градиент" in html
    (table,) = [i for i in items if isinstance(i, EvaluationTrace)]
    assert "сопряжённые переменные" in table._repr_html_()
    forward = render_view(step_view((2.0, 3.0), "forward ∂/∂w2", 5), lang="ru")
    assert forward[0].data.startswith("<b>Прямой режим: ∂L/∂w2, касательные")
    assert "Готово: этот прямой проход дал одну частную производную" in forward[-1].data
    outside = render_view(step_view((-1.0, 3.0), "reverse", 0, lang="ru"), lang="ru")
    assert "Вне области определения." in outside[-1].data and "При w1 = -1" in outside[-1].data
    assert [mode_label(m, "ru") for m in ("forward ∂/∂w1", "reverse")] == ["прямой ∂/∂w1", "обратный"]
    assert graph_stepper().controls["mode"].options == ("forward ∂/∂w1", "forward ∂/∂w2", "reverse")
    i18n.set_language("ru")
    box = graph_stepper()
    mode = box.controls["mode"]
    assert mode._options_labels == ("прямой ∂/∂w1", "прямой ∂/∂w2", "обратный") and mode.description == "режим"
    assert mode.value == "forward ∂/∂w1" and box.controls["step"].description == "шаг"
    mode.value = "reverse"  # the values stay the modes' names
    assert box.view().mode == "reverse"


def test_zero_order_and_mds_plots(plt, monkeypatch):
    import numpy as np

    from adlib.course import mds, projector
    from adlib.course import zero_order as zo

    monkeypatch.setattr(i18n, "_current", "en")
    assert zo.ESTIMATOR_LABELS["central"] == "central differences"
    assert zo.strongly_convex_quadratic(3).name.startswith("strongly convex quadratic")
    table = {"gradient": {"iterations": [10, 20], "slope_iterations": 1.0},
             "central": {"iterations": [10, 20], "slope_iterations": 1.0, "slope_evaluations": 2.0}}
    fig, (en, ru) = plt.subplots(1, 2, figsize=(11, 4))
    zo.plot_rate_table(en, [10, 20], table)
    zo.plot_rate_table(ru, [10, 20], table, lang="ru")
    assert en.get_xlabel() == "dimension $n$" and ru.get_xlabel() == "размерность $n$"
    assert [t.get_text() for t in ru.get_legend().get_texts()] == [
        "GD: наклон 1.00", "центральные: наклон 1.00,\nпо вычислениям 2.00"]
    projector.check_readable(fig)
    eps = np.logspace(-12, -1, 6)
    curves, ad = zo.difference_errors(lambda w: w[0] ** 3, np.array([1.0]), [3.0], eps)
    fig, ax = plt.subplots(figsize=(8, 4))
    zo.plot_difference_errors(ax, eps, curves, ad, lang="ru")
    assert ax.get_xlabel() == r"шаг $\varepsilon$" and "разности вперёд, float64" in _texts(fig)
    i18n.set_language("ru")
    assert zo.ESTIMATOR_LABELS["central"] == "центральные разности"
    assert zo.strongly_convex_quadratic(3).name.startswith("сильно выпуклая")
    cities, D, km = mds.squared_distance_matrix(10)
    results = {m: mds.solve(m, D, 400, seed=0) for m in ("gradient", "two_point")}
    fig, anim = mds.animate_maps(results, cities, D, km, [10, 400], labels=zo.ESTIMATOR_LABELS)
    anim._func(1)
    assert fig.axes[0].get_title().startswith("GD\nошибка расстояний") and fig.axes[0].get_xlabel().startswith("км")
    assert fig.texts[0].get_text().startswith("после 400 вычислений L")
    shown = [t.get_text() for t in fig.axes[0].texts if t.get_visible()]
    assert "Москва" in shown and "Moscow" not in shown
    projector.check_readable(fig)
    fig, ax = plt.subplots()
    mds.plot_loss_vs_evaluations(ax, results)
    assert ax.get_xlabel().startswith("число вычислений $L$") and "чтобы был виден 0" in ax.get_ylabel()
    assert mds.plot_loss_vs_evaluations(ax, results, lang="en") and ax.get_xlabel().startswith("evaluations of $L$")


def test_jacobian_mlp_and_curvature_plots(plt, monkeypatch):
    import numpy as np

    from adlib.course import curvature, mlp, projector
    from adlib.course.jacobian import KINDS, plot_sweep

    monkeypatch.setattr(i18n, "_current", "en")
    m = np.array([1, 10, 100, 1000])
    result = {"m": m, "n": 100, "kind": "max",
              "times": {"adlib jacfwd": np.full(4, 1e-3), "adlib jacrev": 1e-3 * m / 200}}
    fig, ax = plt.subplots(figsize=(9, 5.2))
    plot_sweep(result, ax, lang="ru")
    assert ax.get_ylabel() == "время на один якобиан, мс" and ax.get_title().endswith("(скалярный выход)")
    assert "adlib: кривые пересекаются при m/n ≈ 2" in [line.get_label() for line in ax.get_lines()]
    projector.check_readable(fig)
    assert KINDS["max"].endswith("(scalar output)")
    english = mlp.shapes_table(8, (3, 16, 2))
    assert english.startswith("widths n = [3, 16, 2], batch b = 8")
    ru = mlp.shapes_table(8, (3, 16, 2), lang="ru")
    assert ru.startswith("ширины n = [3, 16, 2], батч b = 8") and "хранимые активации" in ru
    assert [len(line) for line in ru.splitlines()[1:-1]] == [len(line) for line in english.splitlines()[1:-1]]
    assert len({len(line) for line in ru.splitlines()[1:-1]}) == 1, "the columns stay aligned in Russian"
    fig, ax = plt.subplots(figsize=(8, 4.5))
    mlp.plot_memory(8, (3, 16, 2), ax, lang="ru")
    assert ax.get_xlabel() == "размер батча b" and ax.get_title().startswith("память для ширин")
    projector.check_readable(fig)
    lam = np.linspace(-1, 2, 50)
    fig, axes = plt.subplots(1, 3, figsize=(11.5, 4))
    curvature.plot_spectral_density(axes[0], lam, lam, np.full(50, 1 / 50), hvps=40, lang="ru")
    curvature.plot_eigenvalue_densities(axes[1], {"H": lam}, lang="ru")
    curvature.plot_trace_errors(axes[2], np.array([10, 100]), {"hutchinson": np.array([0.1, 0.03]),
                                                               "hutch++": np.array([0.1, 0.01])}, lang="ru")
    assert axes[0].get_xlabel() == axes[1].get_xlabel() == "собственное значение λ"
    assert "SLQ по 40 HVP" in _texts(fig) and "Hutch++ (наклон -1.00)" in _texts(fig)
    assert "Хатчинсон (наклон" in _texts(fig)
    assert axes[2].get_xlabel() == "число умножений на матрицу m"
    projector.check_readable(fig)


def test_checkpointing_pictures(plt, monkeypatch):
    from adlib.course import projector
    from adlib.course.checkpointing import animate_schedules, plot_schedules, schedule_store_all

    monkeypatch.setattr(i18n, "_current", "en")
    fig = plot_schedules(16, s=3, lang="ru")
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0].startswith("хранить всё\nшагов вперёд: 16") and titles[2].startswith("каждые √n = 4 шага")
    assert fig.axes[0].get_xlabel() == "шаг j (номер состояния)"
    projector.check_readable(fig)
    assert plot_schedules(9, s=2).axes[2].get_title().startswith("every √n = 3 steps")
    anim = animate_schedules({"хранить всё": schedule_store_all(4)}, 4, lang="ru")
    anim.draw_frame(anim.frame_count - 1)
    text = _texts(anim.fig)
    assert "обратный шаг 1" in text and "шагов вперёд: 4" in text and "контрольная точка" in text
    projector.check_readable(anim.fig)


def test_the_animation_player_speaks_the_notebooks_language():
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    from adlib.course.i18n import player_html

    fig, _ = plt.subplots()
    html = FuncAnimation(fig, lambda i: [], frames=2).to_jshtml()
    plt.close(fig)
    ru, en = player_html(html, lang="ru"), player_html(html, lang="en")
    assert '>Loop</label>' in en and 'title="Play backwards"' in en and "/*" not in en
    assert '>По кругу</label>' in ru and 'title="Назад"' in ru and 'aria-label="Режим повтора"' in ru
    assert not re.search(r'(title|aria-label)="[A-Z][a-z]+|>(Once|Loop|Reflect)<', ru)
    assert "play_animation()" in ru  # the JavaScript itself untouched


def test_ru_times_agrees_the_word_with_the_factor():
    assert [i18n.ru_times(x) for x in (1, 3, 5, 21, 35)] == ["1 раз", "3 раза", "5 раз", "21 раз", "35 раз"]
    assert i18n.ru_times(1.5, ".1f") == "1.5 раза" and i18n.ru_times(12345.0, ".2g") == "1.2e+04 раза"
