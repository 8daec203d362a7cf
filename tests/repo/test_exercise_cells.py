"""The exercises' conventions, in every notebook: a cell tagged `exercise` (the stub and its check, which shows
"not done yet"), immediately followed by its solution, tagged `solution`, collapsed in JupyterLab
(`jupyter.source_hidden`) and in Colab (`cellView: form` + `#@title`), executed, its check passed. The collapsing
metadata survives the .py <-> .ipynb round trip (the jupytext filter keeps it)."""

import tomllib
from pathlib import Path

import jupytext
import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
ENGLISH = sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.py") if 1 <= int(p.name[:2]) <= 12)
# the Russian twins too (tools/ru_sync.py copies the code cells and their metadata; tested here on the result)
WITH_EXERCISES = ENGLISH + [NOTEBOOKS / "ru" / p.name for p in ENGLISH if (NOTEBOOKS / "ru" / p.name).exists()]
NOT_DONE = {"en": "Not done yet", "ru": "Ещё не сделано"}
MIN_EXERCISES = 2
COLLAPSED = {"cellView": "form", "jupyter": {"source_hidden": True}}


def _tags(cell):
    return set(cell.metadata.get("tags", []))


def _html(cell):
    return "".join(o.get("data", {}).get("text/html", "") for o in cell.get("outputs", []))


def test_the_filter_keeps_the_collapsing_metadata_through_the_round_trip():
    config = tomllib.loads((NOTEBOOKS / "jupytext.toml").read_text())
    nb = nbformat.v4.new_notebook()
    nb.metadata["jupytext"] = {"cell_metadata_filter": config["cell_metadata_filter"]}
    nb.cells = [nbformat.v4.new_code_cell("answer = ...", metadata={"tags": ["exercise"]}),
                nbformat.v4.new_code_cell("#@title Solution / Решение\nanswer = 42",
                                          metadata={"tags": ["solution"], **COLLAPSED, "scrolled": True})]
    as_py = jupytext.writes(nb, fmt="py:percent")
    back = jupytext.reads(as_py, fmt="py:percent")
    assert {k: back.cells[1].metadata[k] for k in ("tags", *COLLAPSED)} == {"tags": ["solution"], **COLLAPSED}
    assert "scrolled" not in back.cells[1].metadata  # everything else still filtered out
    again = jupytext.reads(jupytext.writes(back, fmt="ipynb"), fmt="ipynb")
    assert again.cells[1].metadata == back.cells[1].metadata


@pytest.fixture(params=WITH_EXERCISES, ids=lambda p: p.relative_to(NOTEBOOKS).with_suffix("").as_posix())
def notebook(request):
    return request.param


def test_every_notebook_has_exercises_each_followed_by_its_collapsed_solution(notebook):
    cells = jupytext.read(notebook).cells
    exercises = [k for k, c in enumerate(cells) if "exercise" in _tags(c)]
    assert len(exercises) >= MIN_EXERCISES, f"{notebook.name}: {len(exercises)} exercise cells, want ≥ {MIN_EXERCISES}"
    for k in exercises:
        assert cells[k].cell_type == "code", f"{notebook.name}, cell {k}: an exercise is a code cell"
        assert k + 1 < len(cells) and "solution" in _tags(cells[k + 1]), (
            f"{notebook.name}, cell {k}: the exercise must be followed immediately by its `solution` cell")
    for k, cell in enumerate(cells):
        if "solution" not in _tags(cell):
            continue
        assert "exercise" in _tags(cells[k - 1]), f"{notebook.name}, cell {k}: a solution without its exercise"
        for key, value in COLLAPSED.items():
            assert cell.metadata.get(key) == value, f"{notebook.name}, cell {k}: {key} should be {value!r}"
        title = "#@title Решение" if notebook.parent.name == "ru" else "#@title Solution / Решение"
        assert cell.source.splitlines()[0] == title, f"{notebook.name}, cell {k}: the first line is not {title!r}"
        assert ".assert_passed()" in cell.source, f"{notebook.name}, cell {k}: the solution's check must assert"


def test_committed_exercises_show_not_done_yet_and_solutions_show_passed(notebook):
    nb = nbformat.read(notebook.with_suffix(".ipynb"), as_version=4)
    solutions = [c for c in nb.cells if "solution" in _tags(c)]
    assert solutions, f"{notebook.name}: no solution cells in the executed notebook"
    for cell in nb.cells:
        if "solution" in _tags(cell):
            assert "✅" in _html(cell) and "❌" not in _html(cell) and "⏳" not in _html(cell), (
                f"{notebook.name}: a solution cell's committed output does not show its check passing")
            assert cell.metadata.get("jupyter", {}).get("source_hidden") is True
        if "exercise" in _tags(cell):
            assert "✅" not in _html(cell), f"{notebook.name}: an exercise stub passes its own check"
            assert not any(o.output_type == "error" for o in cell.outputs)
            lang = "ru" if notebook.parent.name == "ru" else "en"
            assert NOT_DONE[lang] in _html(cell), f"{notebook.name}: the checker does not speak the notebook's language"
