"""The notebooks as files: every `notebooks/NN_name.py` has an executed `.ipynb` twin with the same cells,
every cell carries its RISE slide metadata through the .py <-> .ipynb round trip, and each notebook is titled
in Russian too. The Russian edition, `notebooks/ru/NN_name.py` (tools/ru_sync.py; tests/repo/test_ru_sync.py checks
it against the English), is held to the same rules. (Running the notebooks is nbmake's job: `make test` runs
`pytest --nbmake` on every .ipynb of both editions: tested below.)
"""

import re
import subprocess
import tomllib
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
SOURCES = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py")) + sorted(NOTEBOOKS.glob("ru/[0-9][0-9]_*.py"))
MAX_IPYNB_BYTES = 5 * 1024 * 1024
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
KEPT_CELL_METADATA = ("slideshow", "tags", "jupyter", "cellView", "en")  # en: in the Russian edition only


def _id(path):
    return f"ru/{path.stem}" if path.parent.name == "ru" else path.stem


def _cells(nb):
    return [(cell.cell_type, cell.source.strip()) for cell in nb.cells]


def _kept_metadata(nb):
    return [{k: cell.metadata[k] for k in KEPT_CELL_METADATA if k in cell.metadata} for cell in nb.cells]


def test_there_are_notebooks():
    assert SOURCES, f"no notebooks/NN_*.py found in {NOTEBOOKS}"
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+\.py", p.name) for p in SOURCES), [p.name for p in SOURCES]


def test_every_ipynb_has_a_py_source():
    ipynbs = [*NOTEBOOKS.glob("*.ipynb"), *NOTEBOOKS.glob("ru/*.ipynb")]
    orphans = [_id(p) for p in ipynbs if not p.with_suffix(".py").exists()]
    assert not orphans, f"notebooks without a .py source (edit the .py, then `make notebooks`): {orphans}"


def test_jupytext_config_pairs_and_keeps_slide_metadata():
    config = tomllib.loads((NOTEBOOKS / "jupytext.toml").read_text())
    assert config["formats"] == "ipynb,py:percent"
    kept = config["cell_metadata_filter"].split(",")
    assert "slideshow" in kept and "tags" in kept and "-all" in kept
    assert {"kernelspec", "jupytext", "rise"} <= set(config["notebook_metadata_filter"].split(","))
    if (NOTEBOOKS / "ru").is_dir():  # the Russian edition's own config: the same, and it keeps `en`
        ru = tomllib.loads((NOTEBOOKS / "ru" / "jupytext.toml").read_text())
        assert ru["cell_metadata_filter"].split(",") == [k for k in kept if k != "-all"] + ["en", "-all"]
        assert {k: v for k, v in ru.items() if k != "cell_metadata_filter"} == {
            k: v for k, v in config.items() if k != "cell_metadata_filter"}


@pytest.fixture(params=SOURCES, ids=_id)
def source(request):
    return request.param


@pytest.fixture
def twin(source):
    path = source.with_suffix(".ipynb")
    assert path.exists(), f"{path.name} is missing: run `make notebooks` and commit it"
    return path


def test_py_and_ipynb_have_the_same_cells(source, twin):
    from_py, from_ipynb = _cells(jupytext.read(source)), _cells(jupytext.read(twin))
    assert [t for t, _ in from_py] == [t for t, _ in from_ipynb], (
        f"{twin.name} is stale: cell types differ from {source.name}; run `make notebooks`"
    )
    for k, (a, b) in enumerate(zip(from_py, from_ipynb, strict=True)):
        assert a == b, f"cell {k} of {twin.name} differs from {source.name}; run `make notebooks`"


def test_every_cell_has_slide_metadata(source, twin):
    for path in (source, twin):
        nb = jupytext.read(path)
        for k, cell in enumerate(nb.cells):
            slide_type = cell.metadata.get("slideshow", {}).get("slide_type")
            assert slide_type in SLIDE_TYPES, f"{path.name}, cell {k}: slideshow metadata {slide_type!r}"
    assert _kept_metadata(jupytext.read(source)) == _kept_metadata(jupytext.read(twin))


def test_slide_metadata_survives_the_round_trip(source):
    nb = jupytext.read(source)
    original = _kept_metadata(nb)
    assert any(m.get("slideshow") for m in original)

    as_ipynb = jupytext.reads(jupytext.writes(nb, fmt="ipynb"), fmt="ipynb")
    assert _kept_metadata(as_ipynb) == original

    back_to_py = jupytext.reads(jupytext.writes(as_ipynb, fmt="py:percent"), fmt="py:percent")
    assert _kept_metadata(back_to_py) == original
    assert _cells(back_to_py) == _cells(nb)
    assert back_to_py.metadata.get("rise") == nb.metadata.get("rise")
    assert back_to_py.metadata["kernelspec"]["name"] == "python3"


def test_ipynb_writes_back_to_the_same_py(source, twin):
    """What JupyterLab's Jupytext pairing writes when the .ipynb is saved is the committed .py, byte for byte
    (up to the jupytext version line): metadata filters, slide metadata and cell boundaries all survive."""

    def strip_version(text):
        return re.sub(r"(?m)^#\s+jupytext_version: .*\n", "", text)

    written = jupytext.writes(jupytext.read(twin), fmt="py:percent")
    assert strip_version(written) == strip_version(source.read_text()), (
        f"{twin.name} does not convert back to {source.name}: run `make notebooks`"
    )


def test_committed_ipynb_was_executed(twin):
    assert twin.stat().st_size < MAX_IPYNB_BYTES, f"{twin.name} is {twin.stat().st_size / 2**20:.1f} MB"
    nb = nbformat.read(twin, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code, f"{twin.name} has no code cells"
    counts = [cell.execution_count for cell in code]
    assert None not in counts, f"{twin.name} has unexecuted cells: run `make notebooks`"
    assert counts == list(range(1, len(code) + 1)), (
        f"{twin.name} was not run top to bottom in one go: {counts}"
    )
    assert any(cell.outputs for cell in code), f"{twin.name} has no outputs"
    errors = [o for cell in code for o in cell.outputs if o.output_type == "error"]
    assert not errors, f"{twin.name} was committed with an error output: {errors[0].get('ename')}"


def test_committed_outputs_carry_no_stderr(twin):
    """A warning saved in a committed output is noise a student has to read past: fix it, don't hide it."""
    nb = nbformat.read(twin, as_version=4)
    stderr = [(k, o.text.strip()[:200]) for k, cell in enumerate(nb.cells) if cell.cell_type == "code"
              for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"]
    assert not stderr, f"{twin.name}: stderr saved in cell {stderr[0][0]}: {stderr[0][1]!r}"


def test_first_markdown_cell_has_the_russian_title(source, twin):
    for path in (source, twin):
        markdown = [cell for cell in jupytext.read(path).cells if cell.cell_type == "markdown"]
        assert markdown, f"{path.name} has no markdown cell"
        first = markdown[0].source
        assert first.lstrip().startswith("# "), f"{path.name}: the first markdown cell should be the title"
        assert CYRILLIC.search(first), f"{path.name}: the title cell has no Russian (Cyrillic) text"


RISE_SETTINGS = {"scroll": True, "theme": "simple", "transition": "none", "width": "100%", "height": "100%",
                 "start_slideshow_at": "beginning"}


def test_rise_settings_for_presenting(source, twin):
    """Each notebook carries jupyterlab-rise's settings (Alt+R presents it): scrolling slides, because code
    outputs can be taller than the screen, one theme and no transitions across the course."""
    for path in (source, twin):
        rise = jupytext.read(path).metadata.get("rise", {})
        for key, value in RISE_SETTINGS.items():
            assert rise.get(key) == value, f"{path.name}: rise.{key} = {rise.get(key)!r}, expected {value!r}"


def test_slide_structure_is_deliberate(source):
    """The deck opens on its title slide, every section heading (## …) starts a slide or subslide, and the
    notebook reveals step by step (fragments), as the lecture does."""
    cells = jupytext.read(source).cells
    types = [cell.metadata["slideshow"]["slide_type"] for cell in cells]
    assert types[0] == "slide", f"{source.name}: the title cell should start a slide, not {types[0]!r}"
    for k, cell in enumerate(cells):
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("## "):
            assert types[k] in {"slide", "subslide"}, (
                f"{source.name}, cell {k} ({cell.source.splitlines()[0]!r}) is a section heading shown as {types[k]!r}"
            )
    assert types.count("slide") >= 3, f"{source.name} has only {types.count('slide')} slides"
    assert "fragment" in types, f"{source.name} reveals nothing step by step (no fragment)"


def test_make_test_runs_every_notebook_of_both_editions_under_nbmake():
    """`make test`'s two halves between them pass every committed .ipynb to nbmake: the English ones in both, the
    Russian ones in the Colab half (Makefile). `make -n` prints the commands without running them."""
    run = subprocess.run(["make", "-n", "--no-print-directory", "test-main", "test-colab"], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    commands = [line for line in run.stdout.replace("\\\n", " ").splitlines() if "--nbmake" in line]
    assert len(commands) == 2, run.stdout
    main, colab = ({Path(w).as_posix() for w in c.split() if w.endswith(".ipynb")} for c in commands)
    english = {p.relative_to(ROOT).as_posix() for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    russian = {p.relative_to(ROOT).as_posix() for p in (ROOT / "notebooks" / "ru").glob("[0-9][0-9]_*.ipynb")}
    assert main == english and colab == english | russian
