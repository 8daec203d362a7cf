"""The README's course index is what the notebooks say: every notebook listed once, in order, with its English and
Russian titles, its one-line summary, its measured runtime, its Colab badge and, in the column «по-русски», the link
and Colab badge of its Russian edition once notebooks/ru/ has it (tools/course_index.py)."""

import re
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import colab  # noqa: E402
import course_index  # noqa: E402

SOURCES = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))


def _index_block():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    begin, end = text.index(course_index.BEGIN), text.index(course_index.END)
    return text[begin:end]


def test_readme_index_is_up_to_date():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert course_index.render(text, course_index.table()) == text, "README's course index is stale: `make index`"
    assert course_index.render_all(text) == text, "README's module list is stale: `make index`"


def test_module_list_names_every_library_file_in_reading_order_with_its_size():
    lines = course_index.modules_table()
    rows = [line for line in lines if line.startswith("| [`adlib/")]
    library = [r for r in rows if "/course/" not in r]
    assert [r.split("`")[1] for r in library] == [f"adlib/{name}" for name in course_index.LIBRARY]
    core = next(r for r in library if "adlib/core.py" in r)
    assert int(core.split("|")[2]) == len((ROOT / "adlib" / "core.py").read_text().splitlines())
    assert any("adlib/course/measure.py" in r for r in rows)


def test_every_notebook_is_listed_once_in_order():
    rows = [line for line in _index_block().splitlines() if re.match(r"\| \d\d \|", line)]
    assert [row.split("`")[1] for row in rows] == [s.stem for s in SOURCES]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_row_carries_titles_summary_runtime_and_badge(source):
    row = next(line for line in _index_block().splitlines() if f"[`{source.stem}`]" in line)
    english, russian = course_index.titles(source)
    assert english in row and f"*{russian}*" in row and re.search(r"[А-Яа-яЁё]", russian)
    assert jupytext.read(source).metadata["course"]["summary"] in row
    seconds = nbformat.read(source.with_suffix(".ipynb"), as_version=4).metadata["execution_seconds"]
    assert isinstance(seconds, int) and seconds >= 1 and f"| {course_index.runtime_label(seconds)} |" in row
    assert f"({colab.colab_url(source.stem)})" in row and colab.BADGE_SVG in row
    russian_cell = row.rstrip(" |").rsplit(" | ", 1)[1]
    if (source.parent / "ru" / source.name).exists():
        assert f"(notebooks/ru/{source.stem}.ipynb)" in russian_cell
        assert f"({colab.colab_url(source.stem, lang='ru')})" in russian_cell and colab.BADGE_SVG in russian_cell
        assert "/notebooks/ru/" in colab.colab_url(source.stem, lang="ru")
    else:
        assert russian_cell == "—"


def test_the_russian_column_is_there_and_lists_the_pilot():
    lines = _index_block().splitlines()
    assert lines[1].endswith("| Colab | по-русски |")
    row = next(line for line in lines if "[`00_quickstart`]" in line)
    assert "[`ru/00`](notebooks/ru/00_quickstart.ipynb)" in row


def test_a_notebook_without_a_summary_is_an_error(tmp_path):
    nb = jupytext.read(SOURCES[0])
    nb.metadata.pop("course")
    path = tmp_path / SOURCES[0].name
    jupytext.write(nb, path, fmt="py:percent")
    with pytest.raises(ValueError, match="summary"):
        course_index.entry(path)


def test_a_title_without_the_russian_half_is_an_error(tmp_path):
    path = tmp_path / "99_x.py"
    path.write_text("# %% [markdown]\n# # Only English\n")
    with pytest.raises(ValueError, match="Русское"):
        course_index.titles(path)


def test_render_needs_the_markers():
    with pytest.raises(ValueError, match="course-index"):
        course_index.render("# README without the block\n", ["| x |"])


def test_runtime_labels_round_to_five_seconds():
    assert [course_index.runtime_label(s) for s in (0, 4, 5, 7, 8, 11, 13, 117)] == [
        "< 5 s", "< 5 s", "≈ 5 s", "≈ 5 s", "≈ 10 s", "≈ 10 s", "≈ 15 s", "≈ 115 s"]
    with pytest.raises(ValueError, match="runtime"):
        course_index.runtime_label(-1)


def test_exercise_list_names_each_notebooks_exercises_in_order():
    block = course_index.exercises_table()
    for source in SOURCES:
        found = course_index.exercises(source)
        numbers = [n for n, _ in found]
        statements = jupytext.read(source).cells
        expected = [m.group(1) for c in statements if c.cell_type == "markdown"
                    for m in [course_index.EXERCISE_HEAD.search(c.source)] if m]
        assert numbers == expected, source.name
        if found:
            row = next(line for line in block if f"[`{source.stem}`]" in line)
            assert all(f"**{n}** {t}" in row for n, t in found)
            assert row.count("|") - row.count("\\|") == 3, f"a '|' breaks {source.stem}'s row"
    assert course_index.exercises(ROOT / "notebooks" / "04_forward_mode.py")[0] == ("4.1", "local or total?")


def test_exercise_titles_split_sentences_outside_maths_and_code():
    assert course_index._sentences("predict, then run. At $n = 0.5$ and `a.b` why? Then.") == [
        "predict, then run.", "At $n = 0.5$ and `a.b` why?", "Then."]
    short = course_index._shorten("word " * 10 + "$a + b + c$ tail", limit=60)
    assert short.endswith(" …") and short.count("$") % 2 == 0
    assert course_index._table_safe("$\\|x\\|$ and $|y|$") == "$\\Vert x\\Vert $ and $\\vert y\\vert $"
