"""The Russian edition (notebooks/ru/, tools/ru_sync.py) is kept in step with the English notebooks: the same code
cells (except the generated install cell, which sets the language), the same cell structure and metadata; every
markdown cell translated, its `en` hash naming the English text it translates. A change to an English code cell
is carried over by the sync; a changed English text makes the translation stale, and the check says so."""

import copy
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
PILOT = "00_quickstart"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return sys.modules[name]


ru_sync = _load("ru_sync")


def _colab(cell):
    return "colab" in cell.metadata.get("tags", [])


@pytest.fixture
def copy_of_notebooks(tmp_path):
    """A notebooks/ folder with the pilot in both editions and both jupytext configs (and the other English
    sources, which the pilot links to)."""
    notebooks = tmp_path / "notebooks"
    (notebooks / "ru").mkdir(parents=True)
    for source in NOTEBOOKS.glob("[0-9][0-9]_*.py"):
        if source.stem != PILOT:
            shutil.copy(source, notebooks)
    shutil.copy(NOTEBOOKS / "jupytext.toml", notebooks)
    shutil.copy(NOTEBOOKS / "ru" / "jupytext.toml", notebooks / "ru")
    shutil.copy(NOTEBOOKS / f"{PILOT}.py", notebooks)
    shutil.copy(NOTEBOOKS / "ru" / f"{PILOT}.py", notebooks / "ru")
    return notebooks


def _edit(path, change):
    nb = jupytext.read(path)
    change(nb.cells)
    path.write_text(jupytext.writes(nb, fmt="py:percent"), encoding="utf-8")


def _index(cells, predicate):
    return next(k for k, cell in enumerate(cells) if predicate(cell))


# ----------------------------------------------------------------------------------------------------------
# The repository's Russian edition
# ----------------------------------------------------------------------------------------------------------


def test_check_passes_on_the_repository():
    run = subprocess.run([sys.executable, "tools/ru_sync.py", "--check"], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert ru_sync.check() == []


def test_every_russian_notebook_has_its_english_source_and_the_pilot_is_there():
    twins = ru_sync.twins()
    assert NOTEBOOKS / "ru" / f"{PILOT}.py" in twins
    assert all((NOTEBOOKS / t.name).exists() for t in twins)


@pytest.mark.parametrize("twin", ru_sync.twins(), ids=lambda p: p.stem)
def test_code_cells_are_the_english_ones_and_every_text_is_russian(twin):
    english, russian = jupytext.read(NOTEBOOKS / twin.name), jupytext.read(twin)
    assert [c.cell_type for c in english.cells] == [c.cell_type for c in russian.cells]
    for k, (en, ru) in enumerate(zip(english.cells, russian.cells)):
        if _colab(en):
            assert _colab(ru), f"{twin.name}, cell {k}"
            continue
        keep = {key: value for key, value in ru.metadata.items() if key != ru_sync.KEY}
        assert keep == en.metadata, f"{twin.name}, cell {k}: metadata differs from the English"
        if en.cell_type == "code":
            assert ru.source == ru_sync.russian_code(en.source), f"{twin.name}, cell {k}: a code cell differs"
        else:
            assert ru.metadata[ru_sync.KEY] == ru_sync.en_hash(en.source), f"{twin.name}, cell {k}: stale"
            assert ru_sync.MARKER not in ru.source, f"{twin.name}, cell {k}: not translated yet"
            assert CYRILLIC.search(ru.source), f"{twin.name}, cell {k}: no Russian text"
    title = russian.cells[0].source.splitlines()[0]
    assert title.startswith("# ") and " / " not in title and CYRILLIC.search(title), "a Russian title only"
    assert title[2:] == jupytext.read(NOTEBOOKS / twin.name).cells[0].source.splitlines()[0].split(" / ", 1)[1]


def test_a_colab_form_title_is_the_only_code_that_differs():
    """Colab shows a solution cell's `#@title` as its heading: the Russian twin keeps the Russian half only."""
    assert ru_sync.russian_code("#@title Solution / Решение\nanswer = 42") == "#@title Решение\nanswer = 42"
    english_only = "x = 1  # a / b\n#@title Plot / only English"
    assert ru_sync.russian_code(english_only) == english_only


def test_every_english_notebook_has_its_russian_twin():
    english = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.py"))
    assert sorted(p.name for p in ru_sync.twins()) == english
    assert all((NOTEBOOKS / "ru" / name).with_suffix(".ipynb").exists() for name in english), "execute them"


ENGLISH_RUN = re.compile(r"(?<![\w.])[A-Za-z]{2,}(?: +[A-Za-z]{2,}){2,}(?![\w(])")  # three words: a phrase


def _shown_text(nb):
    """What a reader of the executed notebook sees as text: printed lines, rendered sentences and tables, the
    checkers' verdicts (tags stripped), and the labels of the saved widgets."""
    for k, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            texts = [out.get("text", "")] + [out.get("data", {}).get(key, "") for key in ("text/markdown", "text/html")]
            for text in texts:
                yield k, re.sub(r"<[^>]+>", " ", "".join(text))
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    for model in state.values():
        for key in ("description", "value"):
            value = model.get("state", {}).get(key)
            if key == "description" or model.get("model_name") in {"LabelModel", "HTMLMathModel", "HTMLModel"}:
                if isinstance(value, str):
                    yield "widget", re.sub(r"<[^>]+>", " ", value)


@pytest.mark.parametrize("twin", ru_sync.twins(), ids=lambda p: p.stem)
def test_what_a_russian_notebook_shows_is_russian(twin):
    """No English phrase (three words in a row) in the outputs of the executed Russian notebook: its strings come
    from tr(...)/say(..., ru=...) and the course modules' lang. (The English notebooks keep the slides' own
    Russian terms in places, «Функция»/«Производная»: there is no converse check.)"""
    nb = nbformat.read(twin.with_suffix(".ipynb"), as_version=4)
    english = [(k, line.strip()[:120]) for k, text in _shown_text(nb) for line in text.splitlines()
               if ENGLISH_RUN.search(line)]
    assert not english, f"{twin.name}: English in the outputs (cell, line): {english[:10]}"


def test_the_pilot_speaks_russian_in_its_outputs_too():
    """The code cells are the English ones, but what they show (printed lines, the figure's title) is Russian:
    the install cell set the language and the strings are chosen by adlib.course.i18n.tr."""
    nb = nbformat.read(NOTEBOOKS / "ru" / f"{PILOT}.ipynb", as_version=4)
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "касательный вектор (1, 0)" in text and "все три способа совпадают" in text
    english = nbformat.read(NOTEBOOKS / f"{PILOT}.ipynb", as_version=4)
    text_en = "".join(o.get("text", "") for c in english.cells if c.cell_type == "code" for o in c.outputs)
    assert "forward pass with tangent (1, 0)" in text_en and not CYRILLIC.search(text_en)


def test_the_ru_config_is_derived_from_the_english_one():
    assert (NOTEBOOKS / "ru" / "jupytext.toml").read_text(encoding="utf-8") == ru_sync.config_text()


def test_en_survives_the_round_trip_through_jupytext_with_the_ru_config(copy_of_notebooks, tmp_path):
    """What `make notebooks` and JupyterLab's pairing do: .py -> .ipynb -> .py keeps every `en` (the ru folder's
    jupytext.toml keeps it; the English config alone would drop it, which is why ru/ has its own)."""
    jupytext_cli = Path(sys.executable).parent / "jupytext"
    source = copy_of_notebooks / "ru" / f"{PILOT}.py"
    original = source.read_text(encoding="utf-8")
    hashes = re.findall(r'en="([0-9a-f]+)"', original)
    assert len(hashes) == sum(c.cell_type == "markdown" and not _colab(c) for c in jupytext.read(source).cells)
    for args in (["--to", "ipynb", "--update"], None):
        if args is None:
            source.unlink()
            args = ["--to", "py:percent"]
            target = source.with_suffix(".ipynb")
        else:
            target = source
        run = subprocess.run([str(jupytext_cli), "--quiet", *args, str(target)], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
    assert re.findall(r'en="([0-9a-f]+)"', source.read_text(encoding="utf-8")) == hashes
    assert ru_sync.check(copy_of_notebooks) == []

    (copy_of_notebooks / "ru" / "jupytext.toml").unlink()  # without it: the English filter drops `en`
    source.unlink()
    run = subprocess.run([str(jupytext_cli), "--quiet", "--to", "py:percent", str(source.with_suffix(".ipynb"))],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert 'en="' not in source.read_text(encoding="utf-8")


# ----------------------------------------------------------------------------------------------------------
# The sync and the check, on a copy
# ----------------------------------------------------------------------------------------------------------


def test_a_changed_english_code_cell_is_carried_over(copy_of_notebooks):
    english, twin = copy_of_notebooks / f"{PILOT}.py", copy_of_notebooks / "ru" / f"{PILOT}.py"
    translated = [c.source for c in jupytext.read(twin).cells if c.cell_type == "markdown"]

    def change(cells):
        k = _index(cells, lambda c: c.cell_type == "code" and "w1, w2 = 2.0, 3.0" in c.source)
        cells[k].source = cells[k].source.replace("w1, w2 = 2.0, 3.0", "w1, w2 = 2.5, 3.0")

    _edit(english, change)
    problems = ru_sync.check(copy_of_notebooks)
    assert any("code cells, cell structure or metadata differ" in p for p in problems), problems
    lines = ru_sync.write_all(copy_of_notebooks)
    assert f"updated ru/{PILOT}.py" in lines
    russian = jupytext.read(twin)
    assert any("w1, w2 = 2.5, 3.0" in c.source for c in russian.cells if c.cell_type == "code")
    assert [c.source for c in russian.cells if c.cell_type == "markdown"] == translated, "translations kept"
    assert ru_sync.check(copy_of_notebooks) == []
    assert ru_sync.write_all(copy_of_notebooks) == [f"up to date: ru/{PILOT}.py"], "a second sync changes nothing"


def test_an_edit_of_a_russian_code_cell_is_reported_and_undone(copy_of_notebooks):
    twin = copy_of_notebooks / "ru" / f"{PILOT}.py"
    before = twin.read_text(encoding="utf-8")

    def change(cells):
        k = _index(cells, lambda c: c.cell_type == "code" and "w1, w2 = 2.0, 3.0" in c.source)
        cells[k].source += "\nprint('только здесь')"

    _edit(twin, change)
    assert any("code cells" in p for p in ru_sync.check(copy_of_notebooks))
    ru_sync.write_all(copy_of_notebooks)
    assert twin.read_text(encoding="utf-8") == before


def test_a_changed_english_text_makes_the_translation_stale(copy_of_notebooks):
    english, twin = copy_of_notebooks / f"{PILOT}.py", copy_of_notebooks / "ru" / f"{PILOT}.py"
    old = jupytext.read(twin).cells
    k = _index(old, lambda c: c.source.startswith("## Обратный режим"))
    old_translation = old[k].source

    def change(cells):
        cells[k].source = cells[k].source.replace("**one** backward pass", "**a single** backward pass")

    _edit(english, change)
    assert any(f"cell {k}: its English text changed since it was translated" in p
               for p in ru_sync.check(copy_of_notebooks))
    ru_sync.write_all(copy_of_notebooks)
    cells = jupytext.read(twin).cells
    stale = cells[k].source
    assert stale.startswith("## Reverse mode / Обратный режим"), "the heading line stays first (a slide)"
    assert ru_sync.MARKER in stale and "**a single** backward pass" in stale
    assert ru_sync.PREVIOUS in stale and old_translation in stale, "the previous translation, for reference"
    assert cells[k].metadata[ru_sync.KEY] == ru_sync.en_hash(jupytext.read(english).cells[k].source)
    assert [c.source for j, c in enumerate(cells) if j != k] == [c.source for j, c in enumerate(old) if j != k]
    problems = ru_sync.check(copy_of_notebooks)
    assert problems == [f"ru/{PILOT}.py: cell {k}: marked TODO: перевести, not yet translated"]

    def translate(cells):
        cells[k].source = old_translation.replace("**один**", "**единственный**")

    _edit(twin, translate)
    assert ru_sync.check(copy_of_notebooks) == []


def test_a_twice_changed_text_keeps_the_first_translation_not_the_english(copy_of_notebooks):
    english, twin = copy_of_notebooks / f"{PILOT}.py", copy_of_notebooks / "ru" / f"{PILOT}.py"
    k = _index(jupytext.read(twin).cells, lambda c: c.source.startswith("## Итоги"))
    translation = jupytext.read(twin).cells[k].source
    for before, after in (("the whole gradient", "the full gradient"), ("the full gradient", "the entire gradient")):
        _edit(english, lambda cells, a=before, b=after: setattr(cells[k], "source", cells[k].source.replace(a, b)))
        ru_sync.write_all(copy_of_notebooks)
    stale = jupytext.read(twin).cells[k].source
    assert stale.count(ru_sync.PREVIOUS) == 1 and translation in stale and stale.count(ru_sync.MARKER) == 1
    assert "the entire gradient" in stale and "the full gradient" not in stale


def test_inserted_and_deleted_english_cells(copy_of_notebooks):
    english, twin = copy_of_notebooks / f"{PILOT}.py", copy_of_notebooks / "ru" / f"{PILOT}.py"
    before = jupytext.read(twin).cells
    closed = _index(before, lambda c: c.source.startswith("## Аналитические"))

    def change(cells):
        meta = {"slideshow": {"slide_type": "fragment"}}
        cells.insert(closed + 1, nbformat.v4.new_markdown_cell("A new remark about the closed forms.", metadata=meta))
        cells.insert(closed + 2, nbformat.v4.new_code_cell("print(1 + 1)", metadata=copy.deepcopy(meta)))
        summary = _index(cells, lambda c: c.source.startswith("## Summary"))
        del cells[summary]

    _edit(english, change)
    lines = ru_sync.write_all(copy_of_notebooks)
    assert any(line.strip().startswith("dropped: '## Итоги'") for line in lines), lines
    cells = jupytext.read(twin).cells
    assert cells[closed + 1].source.startswith(ru_sync.MARKER) and "A new remark" in cells[closed + 1].source
    assert ru_sync.PREVIOUS not in cells[closed + 1].source
    assert cells[closed + 2].source == "print(1 + 1)" and cells[closed + 2].cell_type == "code"
    assert not any(c.source.startswith("## Итоги") for c in cells)
    assert cells[closed].source == before[closed].source
    assert [p.split(": ", 1)[1] for p in ru_sync.check(copy_of_notebooks)] == [
        f"cell {closed + 1}: marked TODO: перевести, not yet translated"]


def test_a_new_twin_is_all_todo_and_fails_the_check(copy_of_notebooks):
    (copy_of_notebooks / "ru" / f"{PILOT}.py").unlink()
    assert ru_sync.check(copy_of_notebooks) == []  # no twin: nothing to check (--status lists it)
    assert ru_sync.status(copy_of_notebooks)[0] == f"{PILOT}.py: no Russian twin yet"
    assert ru_sync.problems(copy_of_notebooks / f"{PILOT}.py")[0].startswith("no Russian twin")
    lines = ru_sync.write_all(copy_of_notebooks, names=["00"])
    markdown = [c for c in jupytext.read(NOTEBOOKS / f"{PILOT}.py").cells if c.cell_type == "markdown"
                and not _colab(c)]
    assert lines[0] == f"created ru/{PILOT}.py ({len(markdown)} cells to translate)"
    nb = jupytext.read(copy_of_notebooks / "ru" / f"{PILOT}.py")
    assert nb.cells[0].source.startswith("# Automatic differentiation")  # the title line stays first
    assert 'set_language("ru")' in nb.cells[2].source and "notebooks/ru/" in nb.cells[1].source
    assert len(ru_sync.check(copy_of_notebooks)) == len(markdown)
    assert ru_sync.status(copy_of_notebooks)[0] == f"{PILOT}.py: {len(markdown)} cells to translate"


def test_untranslated_text_and_english_only_sentences_are_reported(copy_of_notebooks):
    english, twin = copy_of_notebooks / f"{PILOT}.py", copy_of_notebooks / "ru" / f"{PILOT}.py"
    cells = jupytext.read(english).cells
    k = _index(cells, lambda c: c.source.startswith("## The function"))
    _edit(twin, lambda ru: setattr(ru[k], "source", cells[k].source))  # the English text, hash unchanged
    code = _index(cells, lambda c: c.cell_type == "code" and "w1, w2 = 2.0, 3.0" in c.source)

    def add_say(en):
        en[code].source += '\nfrom adlib.course.claims import say\nsay(f"L = {L(w1, w2):.3f}")'

    _edit(english, add_say)
    ru_sync.write_all(copy_of_notebooks)
    assert ru_sync.check(copy_of_notebooks) == [
        f"ru/{PILOT}.py: cell {k}: still the English text",
        f"ru/{PILOT}.py: cell {code}: say(...) without ru=: write the Russian sentence in the ENGLISH notebook's cell"]
    _edit(english, lambda en: setattr(en[code], "source", en[code].source.replace(
        '.3f}")', '.3f}", ru=f"L = {L(w1, w2):.3f}")')))
    ru_sync.write_all(copy_of_notebooks)
    assert ru_sync.check(copy_of_notebooks) == [f"ru/{PILOT}.py: cell {k}: still the English text"]
    assert not ru_sync.looks_untranslated("$$x^2$$ `grad`", "$$x^2$$ `grad`"), "maths and code need no translation"


def test_orphans_stale_config_and_bad_names_are_reported(copy_of_notebooks):
    shutil.copy(copy_of_notebooks / "ru" / f"{PILOT}.py", copy_of_notebooks / "ru" / "99_gone.py")
    (copy_of_notebooks / "ru" / "jupytext.toml").write_text("formats = 'ipynb,py:percent'\n")
    problems = ru_sync.check(copy_of_notebooks)
    assert "ru/99_gone.py: no English source notebooks/99_gone.py" in problems
    assert any(p.startswith("ru/jupytext.toml: differs") for p in problems)
    with pytest.raises(ValueError, match="names no English notebook"):
        ru_sync.resolve(["42"], copy_of_notebooks)
    run = subprocess.run([sys.executable, "tools/ru_sync.py", "--check", "42"], capture_output=True, text=True,
                         cwd=ROOT)
    assert run.returncode == 2 and "names no English notebook" in run.stderr


def test_relative_links_must_lead_somewhere_from_the_ru_folder(copy_of_notebooks):
    twin = copy_of_notebooks / "ru" / f"{PILOT}.py"
    (copy_of_notebooks.parent / "figures").mkdir()
    (copy_of_notebooks.parent / "figures" / "a.gif").write_bytes(b"GIF89a")
    k = _index(jupytext.read(twin).cells, lambda c: c.source.startswith("## Итоги"))

    def add_links(cells):
        cells[k].source += ("\n\nРисунки: [первый](../figures/a.gif), [второй](../../figures/a.gif), "
                            "[05](05_reverse_mode.ipynb), [нет такого](77_none.ipynb), [сайт](https://jax.dev), "
                            "[выше](#Итоги)")

    _edit(twin, add_links)
    nowhere = "leads nowhere from notebooks/ru/ (one folder deeper: ../../…)"
    assert ru_sync.check(copy_of_notebooks) == [f"ru/{PILOT}.py: cell {k}: the link '../figures/a.gif' {nowhere}",
                                                f"ru/{PILOT}.py: cell {k}: the link '77_none.ipynb' {nowhere}"]
