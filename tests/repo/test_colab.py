"""Colab: what a student's Colab gets.

* Every notebook (.py and .ipynb) has exactly one "Open in Colab" badge and one install cell, both as
  tools/colab.py generates them from pyproject's `[tool.adlib-course]` (repository URL and git ref, one place);
  the Russian edition's (notebooks/ru/) open notebooks/ru/NN_name.ipynb and set the language to Russian.
* The install cell does nothing outside Colab; inside, it calls pip once, on this repository at the pinned ref,
  without upgrading anything.
* The package installed from git (not editable: the wheel pip builds from the repository) carries every adlib
  module and its data, and works from a directory that is not a checkout (Colab's cwd is /content).
"""

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tomllib
import types
import zipfile
from pathlib import Path

import jupytext
import pytest

from adlib.course import i18n, mds

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "adlib"
CITIES = "adlib/course/data/european_cities.csv"
ENGLISH = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
SOURCES = ENGLISH + sorted((ROOT / "notebooks").glob("ru/[0-9][0-9]_*.py"))
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
SETTING = PYPROJECT["tool"]["adlib-course"]
UPGRADING = {"-U", "--upgrade", "--force-reinstall", "--ignore-installed", "-I", "--upgrade-strategy"}

_spec = importlib.util.spec_from_file_location("colab_tool", ROOT / "tools" / "colab.py")
colab = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(colab)


def _id(path):
    return f"ru/{path.name}" if path.parent.name == "ru" else path.name


# ----------------------------------------------------------------------------------------------------------
# One configuration place
# ----------------------------------------------------------------------------------------------------------


def test_the_setting_is_one_github_repository_and_a_ref():
    owner_repo = re.fullmatch(r"https://github\.com/([\w.-]+)/([\w.-]+)", SETTING["repository"])
    assert owner_repo, SETTING["repository"]
    assert SETTING["ref"] and not SETTING["ref"].startswith("-")
    assert colab.config() == (PYPROJECT["project"]["name"], SETTING["repository"], SETTING["ref"], *owner_repo.groups())
    assert PYPROJECT["project"]["urls"]["Repository"] == SETTING["repository"], "run `make colab-links`"


def test_a_version_tag_is_the_projects_version():
    """Colab installs the tag; a version tag that is not pyproject's version would install another adlib."""
    if re.fullmatch(r"v\d+(\.\d+)*\S*", SETTING["ref"]):
        assert SETTING["ref"] == f"v{PYPROJECT['project']['version']}", "bump [tool.adlib-course] ref with the version"


@pytest.mark.parametrize(
    ("repository", "ref", "message"),
    [("https://gitlab.com/a/b", "v1", "repository must be"), ("github.com/a/b", "v1", "repository must be"),
     ("https://github.com/a/b", "-U", "ref must be"), ("https://github.com/a/b", 1, "ref must be")],
)  # fmt: skip
def test_config_rejects_what_colab_cannot_open(tmp_path, repository, ref, message):
    pyproject = tmp_path / "pyproject.toml"
    ref_toml = f'"{ref}"' if isinstance(ref, str) else ref
    pyproject.write_text(f'[project]\nname = "x"\n[tool.adlib-course]\nrepository = "{repository}"\nref = {ref_toml}\n')
    with pytest.raises(ValueError, match=message):
        colab.config(pyproject)
    pyproject.write_text('[project]\nname = "x"\n[tool.adlib-course]\nref = "v1"\n')
    with pytest.raises(ValueError, match="needs `repository` and `ref`"):
        colab.config(pyproject)


# ----------------------------------------------------------------------------------------------------------
# Badges and install cells
# ----------------------------------------------------------------------------------------------------------


def _colab_cells(path):
    cells = jupytext.read(path).cells
    badges = [k for k, c in enumerate(cells) if c.cell_type == "markdown" and "colab-badge.svg" in c.source]
    installs = [k for k, c in enumerate(cells) if c.cell_type == "code" and "google.colab" in c.source]
    return cells, badges, installs


@pytest.fixture(params=[p for s in SOURCES for p in (s, s.with_suffix(".ipynb"))], ids=_id)
def notebook(request):
    return request.param


def test_there_are_13_notebooks_to_check():
    assert len(ENGLISH) >= 13, [p.name for p in ENGLISH]


def test_one_badge_and_one_install_cell_as_generated(notebook):
    cells, badges, installs = _colab_cells(notebook)
    assert badges == [1], f"{notebook.name}: badge cells at {badges}, expected one, right after the title"
    assert installs == [2], f"{notebook.name}: install cells at {installs}, expected one, right after the badge"
    stem, owner_repo = notebook.stem, SETTING["repository"].removeprefix("https://github.com/")
    lang = colab.language_of(notebook)
    folder = "notebooks/ru" if lang == "ru" else "notebooks"
    url = f"https://colab.research.google.com/github/{owner_repo}/blob/{SETTING['ref']}/{folder}/{stem}.ipynb"
    assert f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({url})" in cells[1].source
    assert f'"adlib-course[notebooks] @ git+{SETTING["repository"]}@{SETTING["ref"]}"' in cells[2].source
    for k in (1, 2):
        assert cells[k].metadata.get("slideshow") == {"slide_type": "skip"}, f"{notebook.name}, cell {k}"
        assert "colab" in cells[k].metadata.get("tags", [])
    assert colab.problems(jupytext.read(notebook), stem, lang=lang) == [], "run `make colab-links`"
    assert ('set_language("ru")' in cells[2].source) == (lang == "ru")


def test_no_notebook_installs_pypis_adlib(notebook):
    """No code line (magics included) pip-installs the bare name `adlib`: PyPI's adlib is an unrelated project."""
    bare = re.compile(r"(?<![\w/.-])adlib(?![\w-])")
    for k, cell in enumerate(jupytext.read(notebook).cells):
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            code = line.split("#")[0] if not line.lstrip().startswith(("!", "%")) else line
            if "pip" in code and "install" in code:
                assert not bare.search(code), f"{notebook.name}, cell {k} installs PyPI's adlib: {line!r}"


def _run_install_cell(source, monkeypatch, in_colab):
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: calls.append((args, kwargs)))
    if in_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(compile(source, "<install cell>", "exec"), {})
    return calls


@pytest.mark.parametrize("source", SOURCES, ids=_id)
def test_install_cell_runs_pip_only_in_colab(source, monkeypatch):
    monkeypatch.setattr(i18n, "_current", "en")  # restored after the test: the Russian cell sets the language
    cells, _, (k,) = _colab_cells(source)
    assert _run_install_cell(cells[k].source, monkeypatch, in_colab=False) == [], "pip ran outside Colab"
    calls = _run_install_cell(cells[k].source, monkeypatch, in_colab=True)
    assert len(calls) == 1, f"{source.name}: pip called {len(calls)} times in Colab"
    (command,), kwargs = calls[0]
    assert command[:4] == [sys.executable, "-m", "pip", "install"]
    assert f"adlib-course[notebooks] @ git+{SETTING['repository']}@{SETTING['ref']}" in command
    assert not UPGRADING & {arg.split("=")[0] for arg in command}, f"{source.name} upgrades packages: {command}"
    assert kwargs.get("check") is True, "a failed install must stop the notebook"
    assert i18n.language() == colab.language_of(source), "the Russian edition's install cell sets the language"


def test_the_russian_install_cell_sets_the_language_after_installing(monkeypatch):
    """In Colab, adlib is importable only after pip installed it: set_language comes after the install."""
    monkeypatch.setattr(i18n, "_current", "en")
    english, russian = colab.install_source(), colab.install_source(lang="ru")
    assert "set_language" not in english and "i18n" not in english
    assert russian.index("subprocess.run(") < russian.index("importlib.invalidate_caches()") < russian.index(
        "from adlib.course.i18n import set_language") < russian.index('set_language("ru")')
    code = lambda text: [line for line in text.splitlines() if not line.lstrip().startswith("#")]  # noqa: E731
    assert code(english) == code(russian)[: len(code(english))], "the Russian cell is the English one, then more"
    assert "notebooks/ru/00_quickstart.ipynb" in colab.badge_source("00_quickstart", lang="ru")
    assert "/notebooks/00_quickstart.ipynb" in colab.badge_source("00_quickstart")
    with pytest.raises(ValueError, match="lang must be"):
        colab.colab_cells("00_quickstart", lang="de")


def test_check_passes_on_the_repository():
    run = subprocess.run([sys.executable, "tools/colab.py", "--check"], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr


def test_rewrite_is_idempotent_and_follows_the_setting(tmp_path):
    """On a copy: changing [tool.adlib-course] is the one edit; tools/colab.py rewrites badges, install cells and
    [project.urls], a second run changes nothing, and --check's list names every stale notebook."""
    notebooks = tmp_path / "notebooks"
    (notebooks / "ru").mkdir(parents=True)
    for source in SOURCES:
        folder = notebooks / "ru" if colab.language_of(source) == "ru" else notebooks
        shutil.copy(source, folder)
        shutil.copy(source.with_suffix(".ipynb"), folder)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        (ROOT / "pyproject.toml").read_text()
        .replace(f'repository = "{SETTING["repository"]}"', 'repository = "https://github.com/someone/ad.git"')
        .replace(f'ref = "{SETTING["ref"]}"', 'ref = "v9.9"')
    )  # fmt: skip
    stale = colab.check(pyproject, notebooks)
    assert {line.split(":")[0] for line in stale} == {"pyproject.toml"} | {
        _id(p) for s in SOURCES for p in (s, s.with_suffix(".ipynb"))
    }
    assert colab.rewrite(pyproject, notebooks) == ["pyproject.toml"] + [_id(s) for s in SOURCES]
    assert colab.rewrite(pyproject, notebooks) == []
    assert tomllib.loads(pyproject.read_text())["project"]["urls"]["Repository"] == "https://github.com/someone/ad"
    assert {line.split(":")[0] for line in colab.check(pyproject, notebooks)} == {
        _id(s.with_suffix(".ipynb")) for s in SOURCES
    }, "only the .ipynb (refreshed by jupytext --update in make colab-links) should remain stale"
    cells = jupytext.read(notebooks / SOURCES[0].name).cells
    assert f"github/someone/ad/blob/v9.9/notebooks/{SOURCES[0].stem}.ipynb" in cells[1].source
    assert '"adlib-course[notebooks] @ git+https://github.com/someone/ad@v9.9"' in cells[2].source
    assert [c.source for c in cells[3:]] == [c.source for c in jupytext.read(SOURCES[0]).cells[3:]]
    russian = [s for s in SOURCES if colab.language_of(s) == "ru"]
    assert russian, "the Russian edition has at least its pilot, notebooks/ru/00_quickstart.py"
    cells = jupytext.read(notebooks / "ru" / russian[0].name).cells
    assert f"github/someone/ad/blob/v9.9/notebooks/ru/{russian[0].stem}.ipynb" in cells[1].source
    assert '"adlib-course[notebooks] @ git+https://github.com/someone/ad@v9.9"' in cells[2].source
    assert 'set_language("ru")' in cells[2].source


# ----------------------------------------------------------------------------------------------------------
# The package Colab installs
# ----------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel of the working tree, built like pip builds the git checkout in Colab, from a copy (no build/ or
    egg-info in the repository)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(PACKAGE, source / "adlib", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    run = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp / "dist"),
         str(source)],
        capture_output=True, text=True, cwd=tmp, env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )  # fmt: skip
    assert run.returncode == 0, f"pip wheel failed:\n{run.stdout}\n{run.stderr}"
    (built,) = (tmp / "dist").glob("adlib_course-*.whl")
    return built


def test_wheel_has_every_module_and_the_city_table(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(ROOT).as_posix() for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts}
    assert modules, "no adlib/*.py found"
    assert "adlib/numpy/__init__.py" in modules
    missing = sorted(modules - names)
    assert not missing, f"the wheel lacks {missing}: check [tool.setuptools.packages.find] in pyproject.toml"
    assert CITIES in names, "the city table is not package data: check [tool.setuptools.package-data]"
    assert (ROOT / CITIES).read_bytes() == zipfile.ZipFile(wheel).read(CITIES)


def test_installed_wheel_loads_the_cities_outside_the_repository(wheel, tmp_path):
    target, elsewhere = tmp_path / "site-packages", tmp_path / "content"
    elsewhere.mkdir()
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        capture_output=True, text=True, env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )  # fmt: skip
    assert install.returncode == 0, install.stderr
    script = "import adlib, adlib.course.mds; print(adlib.__file__); print(len(adlib.course.mds.load_cities()['name']))"
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=elsewhere,
        env={**os.environ, "PYTHONPATH": str(target)},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    where, count = run.stdout.split()
    assert Path(where).is_relative_to(target), f"imported adlib from {where}, not from the installed wheel"
    assert int(count) == len(mds.load_cities()["name"]) == 34


def test_city_table_is_package_data_with_one_copy():
    assert mds.CITIES_CSV.is_file() and Path(mds.CITIES_CSV) == ROOT / CITIES
    copies = [p for p in ROOT.rglob("european_cities.csv") if not {".venv", ".venv-colab", "build"} & set(p.parts)]
    assert copies == [ROOT / CITIES], f"one copy of the city table, in the package: {copies}"


def test_load_cities_accepts_paths_and_rejects_other_things(tmp_path):
    table = tmp_path / "cities.csv"
    table.write_text("# two cities\nname,country,latitude,longitude,population\nA,X,0,0,2000000\nB,Y,1,1,3000000\n")
    assert list(mds.load_cities(str(table))["name"]) == ["B", "A"]
    assert list(mds.load_cities(table)["name"]) == ["B", "A"]
    with pytest.raises(FileNotFoundError, match="no city table"):
        mds.load_cities(tmp_path / "missing.csv")
    with pytest.raises(TypeError, match="path must be"):
        mds.load_cities(42)


def test_installing_with_the_notebooks_extra_upgrades_nothing(wheel):
    """What the install cell asks pip for, resolved against this environment (under `make test-colab`: Colab's
    versions of numpy, jax, ipywidgets, matplotlib ...): pip would install adlib-course and nothing else, i.e. the
    extra's ranges admit every version already there and pip's default strategy upgrades none of them."""
    import json

    run = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--report", "-",
         f"adlib-course[notebooks] @ {wheel.as_uri()}"],
        capture_output=True, text=True, env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )  # fmt: skip
    assert run.returncode == 0, f"pip install --dry-run failed:\n{run.stderr}"
    to_install = {item["metadata"]["name"]: item["metadata"]["version"] for item in json.loads(run.stdout)["install"]}
    assert set(to_install) == {"adlib-course"}, f"the install cell would also install or upgrade: {to_install}"
