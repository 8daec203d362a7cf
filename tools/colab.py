"""The notebooks' "Open in Colab" badge and Colab install cell, generated from ONE configuration place:
`[tool.adlib-course]` in pyproject.toml (`repository`: the public GitHub URL, `ref`: the git tag to install).

Every notebooks/NN_name.py gets, right after its title cell,
  1. a markdown cell with the badge linking to
     https://colab.research.google.com/github/OWNER/REPO/blob/REF/notebooks/NN_name.ipynb
  2. a code cell that, only inside Colab ("google.colab" in sys.modules), runs
     pip install "adlib-course[notebooks] @ git+REPOSITORY@REF" (pip's default only-if-needed strategy: the packages
     Colab already has satisfy the extra's ranges and are not upgraded; outside Colab the cell does nothing).
Both cells are slide type `skip` (not slide content) and carry the tag `colab`, by which this tool finds them.
The Russian edition, notebooks/ru/NN_name.py (tools/ru_sync.py), gets the same two cells in Russian: its badge opens
notebooks/ru/NN_name.ipynb, and its install cell then sets the notebook's language, `set_language("ru")`, for every
string the course modules show (after the install, so that it works in Colab too). This is the ONE cell in which
the code of the two editions differs.
pyproject's `[project.urls] Repository` is rewritten from the same setting.

Usage: python tools/colab.py            rewrite the cells in the .py sources (idempotent) and [project.urls]
       python tools/colab.py --check    list every disagreement (.py AND .ipynb), exit 1 if there is any
Afterwards `jupytext --update --to ipynb` refreshes the .ipynb inputs (`make colab-links` does both).
"""

import copy
import json
import re
import sys
import tomllib
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
NOTEBOOKS = ROOT / "notebooks"
LANGUAGES = ("en", "ru")  # notebooks/NN_name.py and notebooks/ru/NN_name.py (as adlib.course.i18n.LANGUAGES)
TAG = "colab"
METADATA = {"slideshow": {"slide_type": "skip"}, "tags": [TAG]}
BADGE_SVG = "https://colab.research.google.com/assets/colab-badge.svg"
GITHUB_URL = re.compile(r"https://github\.com/(?P<owner>[A-Za-z0-9_.-]+)/(?P<repo>[A-Za-z0-9_.-]+?)(?:\.git)?/?")
REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./-]*")
REPOSITORY_LINE = re.compile(r'(?m)^(Repository\s*=\s*)"[^"]*"')


def config(pyproject=PYPROJECT):
    """``(distribution, repository, ref, owner, repo)`` from pyproject.toml; ValueError if the setting is unusable."""
    data = tomllib.loads(Path(pyproject).read_text(encoding="utf-8"))
    try:
        section = data["tool"]["adlib-course"]
        repository, ref = section["repository"], section["ref"]
    except KeyError as missing:
        raise ValueError(f"{pyproject}: [tool.adlib-course] needs `repository` and `ref` ({missing} missing)") from None
    match = GITHUB_URL.fullmatch(repository) if isinstance(repository, str) else None
    if not match:
        raise ValueError(f"[tool.adlib-course] repository must be https://github.com/OWNER/REPO, got {repository!r}")
    if not isinstance(ref, str) or not REF.fullmatch(ref) or ".." in ref:
        raise ValueError(f"[tool.adlib-course] ref must be a git tag or branch name, got {ref!r}")
    repository = f"https://github.com/{match['owner']}/{match['repo']}"
    return data["project"]["name"], repository, ref, match["owner"], match["repo"]


def _check_lang(lang):
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, got {lang!r}")
    return lang


def language_of(path):
    """"ru" for a notebook in notebooks/ru/, "en" otherwise."""
    return "ru" if Path(path).parent.name == "ru" else "en"


def notebook_path(notebook_name, lang="en"):
    """The notebook's .ipynb inside the repository: notebooks/NN_name.ipynb, or notebooks/ru/NN_name.ipynb."""
    folder = "notebooks/ru" if _check_lang(lang) == "ru" else "notebooks"
    return f"{folder}/{notebook_name}.ipynb"


def colab_url(notebook_name, pyproject=PYPROJECT, lang="en"):
    """Colab's URL of the notebook (English, or its Russian edition) at the configured ref."""
    _, _, ref, owner, repo = config(pyproject)
    return f"https://colab.research.google.com/github/{owner}/{repo}/blob/{ref}/{notebook_path(notebook_name, lang)}"


def pip_spec(pyproject=PYPROJECT):
    """What the install cell gives pip: this repository at the pinned ref, with the notebooks' extra."""
    distribution, repository, ref, _, _ = config(pyproject)
    return f"{distribution}[notebooks] @ git+{repository}@{ref}"


def badge_source(notebook_name, pyproject=PYPROJECT, lang="en"):
    note = {
        "en": "In Colab, the next cell installs the course's `adlib` first; anywhere else it does nothing.",
        "ru": "В Colab следующая ячейка сначала устанавливает `adlib` курса (вне Colab установка пропускается), затем\n"
              "в любом случае включает русский язык подписей и сообщений курса.",
    }[_check_lang(lang)]
    return f"[![Open In Colab]({BADGE_SVG})]({colab_url(notebook_name, pyproject, lang)})\n\n{note}"


def install_source(pyproject=PYPROJECT, lang="en"):
    comment = {
        "en": ("# Only in Google Colab: install this course's adlib at the pinned version. pip's default strategy "
               "keeps\n# every package Colab already has (no upgrades). Never `pip install adlib`: PyPI's adlib is "
               "another project.\n"),
        "ru": ("# Только в Google Colab: установить adlib этого курса закреплённой версии. pip по умолчанию "
               "оставляет\n# все пакеты, которые в Colab уже есть (ничего не обновляет). Не `pip install adlib`: "
               "это другой проект.\n"),
    }[_check_lang(lang)]
    source = (
        comment
        + "import importlib\n"
        "import subprocess\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        f"    spec = {json.dumps(pip_spec(pyproject))}\n"
        '    subprocess.run([sys.executable, "-m", "pip", "install", "-q", spec], check=True)\n'
        "    importlib.invalidate_caches()"
    )
    if lang == "ru":
        source += (
            "\n\n"
            "from adlib.course.i18n import set_language\n"
            "\n"
            'set_language("ru")  # русская редакция: подписи графиков, виджеты и проверки упражнений — на русском'
        )
    return source


def colab_cells(notebook_name, pyproject=PYPROJECT, lang="en"):
    """The badge (markdown) and install (code) cells for the notebook (or its Russian edition), in order."""
    return [
        nbformat.v4.new_markdown_cell(badge_source(notebook_name, pyproject, lang), metadata=copy.deepcopy(METADATA)),
        nbformat.v4.new_code_cell(install_source(pyproject, lang), metadata=copy.deepcopy(METADATA)),
    ]


def _is_colab_cell(cell):
    return TAG in cell.metadata.get("tags", [])


def problems(nb, notebook_name, pyproject=PYPROJECT, lang="en"):
    """How the notebook's badge/install cells differ from the generated ones (empty list: they agree)."""
    expected = colab_cells(notebook_name, pyproject, lang)
    found = [(k, cell) for k, cell in enumerate(nb.cells) if _is_colab_cell(cell)]
    out = []
    if [k for k, _ in found] != [1, 2]:
        positions = [k for k, _ in found]
        out.append(f"the {TAG!r}-tagged cells are at positions {positions}, expected [1, 2] (after the title)")
    for want, (k, cell) in zip(expected, found):
        what = "badge" if want.cell_type == "markdown" else "install"
        if cell.cell_type != want.cell_type:
            out.append(f"cell {k} should be the {what} cell ({want.cell_type}), is {cell.cell_type}")
        elif cell.source.strip() != want.source.strip():
            out.append(f"cell {k}: the {what} cell differs from the generated one")
        elif {key: cell.metadata.get(key) for key in METADATA} != METADATA:
            out.append(f"cell {k}: the {what} cell's metadata is {dict(cell.metadata)}, expected {METADATA}")
    return out


def with_colab_cells(nb, notebook_name, pyproject=PYPROJECT, lang="en"):
    """The notebook with exactly the generated badge and install cells right after its title cell."""
    cells = [cell for cell in nb.cells if not _is_colab_cell(cell)]
    if not cells or cells[0].cell_type != "markdown" or not cells[0].source.lstrip().startswith("# "):
        raise ValueError(f"{notebook_name}: the first cell must be the markdown title cell ('# Title / Заголовок')")
    nb.cells = cells[:1] + colab_cells(notebook_name, pyproject, lang) + cells[1:]
    return nb


def sources(notebooks=NOTEBOOKS):
    """notebooks/NN_*.py, then the Russian edition's notebooks/ru/NN_*.py."""
    found = sorted(Path(notebooks).glob("[0-9][0-9]_*.py"))
    if not found:
        raise ValueError(f"no notebooks/NN_*.py in {notebooks}")
    return found + sorted(Path(notebooks).glob("ru/[0-9][0-9]_*.py"))


def _name(path):
    return f"ru/{path.name}" if language_of(path) == "ru" else path.name


def urls_problem(pyproject=PYPROJECT):
    _, repository, _, _, _ = config(pyproject)
    urls = tomllib.loads(Path(pyproject).read_text(encoding="utf-8"))["project"].get("urls", {})
    if urls.get("Repository") != repository:
        return f"[project.urls] Repository = {urls.get('Repository')!r}, [tool.adlib-course] says {repository!r}"
    return None


def check(pyproject=PYPROJECT, notebooks=NOTEBOOKS):
    """Every disagreement, as 'file: problem' lines."""
    out = []
    if problem := urls_problem(pyproject):
        out.append(f"{Path(pyproject).name}: {problem}")
    for source in sources(notebooks):
        lang = language_of(source)
        for path in (source, source.with_suffix(".ipynb")):
            if not path.exists():
                out.append(f"{_name(path)}: missing")
                continue
            out += [f"{_name(path)}: {p}" for p in problems(jupytext.read(path), source.stem, pyproject, lang)]
    return out


def rewrite(pyproject=PYPROJECT, notebooks=NOTEBOOKS):
    """Rewrite the .py sources' colab cells and [project.urls] Repository; the names of the files changed."""
    changed = []
    _, repository, _, _, _ = config(pyproject)
    text = Path(pyproject).read_text(encoding="utf-8")
    if urls_problem(pyproject):
        start = text.find("\n[project.urls]\n")
        end = text.find("\n[", start + 1)
        section, n = REPOSITORY_LINE.subn(lambda m: f'{m[1]}"{repository}"', text[start:end], count=1)
        new = text[:start] + section + text[end:]
        if start < 0 or end < 0 or n != 1:
            raise ValueError(f"{pyproject}: no `Repository = \"...\"` line under [project.urls] to rewrite")
        Path(pyproject).write_text(new, encoding="utf-8")
        changed.append(Path(pyproject).name)
    for source in sources(notebooks):
        old = source.read_text(encoding="utf-8")
        nb = with_colab_cells(jupytext.reads(old, fmt="py:percent"), source.stem, pyproject, language_of(source))
        new = jupytext.writes(nb, fmt="py:percent")
        if new != old:
            source.write_text(new, encoding="utf-8")
            changed.append(_name(source))
    return changed


def main(argv):
    if argv not in ([], ["--check"]):
        sys.exit(__doc__)
    if argv == ["--check"]:
        disagreements = check()
        for line in disagreements:
            print(line)
        sys.stdout.flush()
        if disagreements:
            sys.exit(f"{len(disagreements)} disagreement(s) with [tool.adlib-course]: run `make colab-links`")
        print(f"all badges and install cells agree with [tool.adlib-course] ({len(sources())} notebooks)")
        return
    changed = rewrite()
    print(f"rewrote {', '.join(changed)}" if changed else "nothing to change")


if __name__ == "__main__":
    main(sys.argv[1:])
