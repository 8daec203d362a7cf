"""The Russian edition of the notebooks, kept in step with the English one (`make ru-sync`; the translators' guide).

notebooks/ru/NN_name.py is the Russian twin of notebooks/NN_name.py. The two have the same cells in the same order:

* every **code cell** is the English one, character for character (with its metadata: slide type, tags, the
  collapsing of solutions), except the generated Colab install cell, which in the Russian edition also calls
  ``set_language("ru")`` (tools/colab.py): from then on, every string that the course's code shows (figure titles
  and axis labels, widget labels, exercise checkers' verdicts, rendered sentences) is the Russian one;
* every **markdown cell** is the Russian translation of the English cell at the same place; its cell metadata
  ``en`` is a short hash of the English text it translates. When the English text changes, the hash no longer
  matches and this tool marks the cell as needing translation again.

This tool writes the Russian twin from the English source: code cells and metadata from the English, markdown
cells from the existing translation (found by the ``en`` hash). A markdown cell without a translation (new, or its
English changed) gets the English text with a visible marker line ``**TODO: перевести**`` (after the heading line,
if the cell starts with one) and, if the English changed, the previous translation in an HTML comment below it,
for reference. ``--check`` fails if a Russian twin's code, cell structure or metadata differ from what this tool
writes, if a cell is still marked TODO, if a cell's text is the untranslated English, or if a rendered sentence
``say(...)`` has no Russian version.

How to translate a notebook
---------------------------
1. Create or update the twin:  ``make ru-sync`` (every existing twin), or ``python tools/ru_sync.py 03`` (creates
   notebooks/ru/03_finite_differences.py if it does not exist: every markdown cell marked TODO).
2. Translate each markdown cell marked ``**TODO: перевести**`` in notebooks/ru/NN_name.py (in an editor, or in
   JupyterLab: notebooks/ru/ pairs .py and .ipynb with its own jupytext.toml, which keeps ``en``). Replace the
   English by Russian, delete the TODO line and the comment with the previous translation; keep the cell marker
   line ``# %% [markdown] en="…" slideshow=…`` as it is. The title cell reads ``# Русское название`` (the slide's
   section title, as in the English title's second half); the headings ``## …`` are the slides' titles. Use the
   slides' terms (/work/shared/lecture/): прямой/обратный режим автоматического дифференцирования, прямой/обратный
   проход, вычислительный граф, сопряжённые переменные, якобиан, гессиан, произведение гессиана на вектор,
   контрольные точки градиента (чекпоинтинг), конечные разности; the slides' notation and figure numbers (Рис. N).
   Links to other notebooks stay relative (``05_reverse_mode.ipynb``): they open the Russian twin; links to other
   files are one folder deeper than in the English text (``../../figures/…``, not ``../figures/…``): the check
   reports a relative link that leads nowhere.
3. Strings shown by **code cells** are never edited in the Russian file (the sync would overwrite them): write
   them in the ENGLISH notebook with both versions, and run the sync again.
   * a rendered sentence: ``say(f"reverse mode wins by {r:.0f}×", ru=f"обратный режим быстрее в {r:.0f} раз")``;
   * any other string (``print``, a figure title, a label, a hint):
     ``from adlib.course.i18n import tr`` and ``tr("English", "Русский")``;
   * the course modules' figures, widgets and checkers already choose their strings by the notebook's language.
   A ``claim(cond, "sentence")`` is a check, not displayed text: it stays English.
4. Check and run: ``python tools/ru_sync.py --check`` (or ``make ru-check``; tests/repo/test_ru_sync.py runs it),
   then ``make notebooks`` (it executes notebooks/ru/NN_name.ipynb as well; a Russian notebook whose English
   source changed is synced first).

Usage: python tools/ru_sync.py [NN ...]           write the twins (default: every existing twin) and ru/jupytext.toml
       python tools/ru_sync.py --check [NN ...]   report every problem; exit 1 if there is any
       python tools/ru_sync.py --status           one line per English notebook: twin or not, cells still to translate
"""

import ast
import copy
import hashlib
import re
import sys
from pathlib import Path

import jupytext

sys.path.insert(0, str(Path(__file__).resolve().parent))
import colab  # noqa: E402  (tools/colab.py: the generated badge and install cells)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
KEY = "en"  # the cell metadata key of a Russian markdown cell: the hash of the English text it translates
MARKER = "**TODO: перевести**"
MARKER_LINE = f"{MARKER} *(ru_sync: новый или изменённый английский текст; переведите его и удалите эту строку)*"
PREVIOUS = "<!-- ru_sync: прежний перевод, для справки (удалите этот комментарий, когда закончите):"
CONFIG_HEADER = (
    "# Written by tools/ru_sync.py from ../jupytext.toml (edit that one, then `make ru-sync`): the same settings, and\n"
    "# the cell metadata `en` (which English markdown cell a Russian cell translates) is kept in the .py files.\n"
)
_VERSION_LINE = re.compile(r"(?m)^#\s+jupytext_version: .*\n")
_WORDS = re.compile(r"[A-Za-z]{2,}(?:\s+[A-Za-z]{2,}){2}")  # three English-looking words in a row
_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_NOT_PROSE = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|`[^`]*`|\]\([^)]*\)|<[^>]*>|https?://\S+", re.S)


_FORM_TITLE = re.compile(r"(?m)^(#@title )(.+?) / (.*[А-Яа-яЁё].*)$")


def russian_code(source):
    """An English code cell as its Russian twin has it: the same, except a Colab form title ``#@title English /
    Русский`` (Colab shows it as the collapsed cell's heading, and no ``lang`` setting can choose it) keeps only its
    Russian half, ``#@title Русский``."""
    return _FORM_TITLE.sub(r"\1\3", source)


def en_hash(source):
    """The ``en`` key of the Russian translation of the English markdown ``source``: 10 hex digits of its SHA-1."""
    return hashlib.sha1(source.strip().encode("utf-8")).hexdigest()[:10]


def twin_path(source):
    source = Path(source)
    return source.parent / "ru" / source.name


def config_text(notebooks=NOTEBOOKS):
    """notebooks/ru/jupytext.toml: the English settings plus `en` in the cell metadata filter."""
    text = (Path(notebooks) / "jupytext.toml").read_text(encoding="utf-8")
    pattern = re.compile(r'(?m)^(cell_metadata_filter\s*=\s*")([^"]*)"')
    match = pattern.search(text)
    if not match or "-all" not in match[2].split(","):
        raise ValueError("notebooks/jupytext.toml: expected a line cell_metadata_filter = \"...,-all\"")
    kept = [k for k in match[2].split(",") if k not in (KEY, "-all")] + [KEY, "-all"]
    return CONFIG_HEADER + "\n" + pattern.sub(lambda m: f'{m[1]}{",".join(kept)}"', text, count=1)


def _metadata_filter(english_filter):
    kept = [k for k in english_filter.split(",") if k not in (KEY, "-all")]
    return ",".join([*kept, KEY, "-all"])


def _sorted(metadata):
    return {k: copy.deepcopy(metadata[k]) for k in sorted(metadata)}


def _is_colab(cell):
    return colab.TAG in cell.metadata.get("tags", [])


def _heading_split(text):
    """(first line, rest) if the text starts with a Markdown heading, else ("", text)."""
    text = text.strip()
    first, _, rest = text.partition("\n")
    return (first, rest.strip()) if first.startswith("#") else ("", text)


def _previous_of(cell):
    """What to keep as "the previous translation" of a Russian cell whose English has changed."""
    text = cell.source
    if MARKER not in text:
        return text.strip()
    if PREVIOUS in text:  # an earlier TODO cell: keep its own reference, not the English it showed
        return text.split(PREVIOUS, 1)[1].rsplit("-->", 1)[0].strip()
    return ""


def todo_source(english, previous=""):
    """The untranslated cell: the English text with the visible TODO line (after a heading line, which stays
    first so the slide structure holds) and, if there was one, the previous translation in a comment."""
    heading, rest = _heading_split(english)
    parts = [heading] if heading else []
    parts += [MARKER_LINE, rest] if rest else [MARKER_LINE]
    if previous:
        parts.append(f"{PREVIOUS}\n{previous.replace('-->', '-- >')}\n-->")
    return "\n\n".join(parts)


def looks_untranslated(russian, english):
    """True if the Russian cell is the English text itself and that text has prose (not only maths, code, links)."""
    return russian.strip() == english.strip() and bool(_WORDS.search(_NOT_PROSE.sub(" ", english)))


def _alignment(en_cells, ru_cells):
    """For each English markdown cell without a translation, the Russian markdown cell that held its place (the
    previous translation of a changed text): cells are lined up by difflib over (type, hash or code) keys."""
    import difflib

    def key_en(cell):
        return ("md", en_hash(cell.source)) if cell.cell_type == "markdown" else ("code", cell.source.strip())

    def key_ru(cell):
        return ("md", cell.metadata.get(KEY)) if cell.cell_type == "markdown" else ("code", cell.source.strip())

    a, b = [key_en(c) for c in en_cells], [key_ru(c) for c in ru_cells]
    places = {}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "replace":
            en_md = [i for i in range(i1, i2) if en_cells[i].cell_type == "markdown"]
            ru_md = [j for j in range(j1, j2) if ru_cells[j].cell_type == "markdown"]
            places.update(zip(en_md, ru_md))
    return places


def sync(english, russian, name):
    """The Russian twin (a notebook) of the English notebook ``english`` given the current twin ``russian`` (a
    notebook, or None for a new one), and a list of notes ``(cell index, kind)``: kind is "todo" (marked, not yet
    translated), "new" / "changed" (marked by this sync), "untranslated" (the English text itself) or "dropped"
    (a translated cell whose English cell is gone)."""
    en_cells = [c for c in english.cells if not _is_colab(c)]
    ru_cells = [c for c in (russian.cells if russian is not None else []) if not _is_colab(c)]
    by_hash = {}
    for j, cell in enumerate(ru_cells):
        if cell.cell_type == "markdown" and cell.metadata.get(KEY):
            by_hash.setdefault(cell.metadata[KEY], []).append(j)
    places = _alignment(en_cells, ru_cells)
    used, cells, kinds = set(), [], []
    for i, cell in enumerate(en_cells):
        new = copy.deepcopy(cell)
        if cell.cell_type == "markdown":
            h = en_hash(cell.source)
            found = [j for j in by_hash.get(h, []) if j not in used]
            if found:
                used.add(found[0])
                new.source = ru_cells[found[0]].source.strip()
                kind = "todo" if MARKER in new.source else (
                    "untranslated" if looks_untranslated(new.source, cell.source) else None)
            else:
                j = places.get(i)
                previous = _previous_of(ru_cells[j]) if j is not None and j not in used else ""
                if j is not None:
                    used.add(j)
                new.source = todo_source(cell.source, previous)
                kind = "changed" if previous else "new"
            new.metadata[KEY] = h
        else:
            new.source = russian_code(cell.source)
            kind = None
        new.metadata = _sorted(new.metadata)
        cells.append(new)
        kinds.append(kind)
    nb = copy.deepcopy(english)
    nb.cells = cells
    nb.metadata.setdefault("jupytext", {})
    nb.metadata["jupytext"]["cell_metadata_filter"] = _metadata_filter(
        english.metadata.get("jupytext", {}).get("cell_metadata_filter", "-all"))
    nb = colab.with_colab_cells(nb, name, lang="ru")
    # the two colab cells come right after the title: indices from 1 on shift by 2
    notes = [(i if i == 0 else i + 2, kind) for i, kind in enumerate(kinds) if kind]
    for j, cell in enumerate(ru_cells):
        if j not in used and cell.cell_type == "markdown" and MARKER not in cell.source:
            notes.append((None, f"dropped: {cell.source.strip().splitlines()[0][:60]!r}"))
    return nb, notes


def say_without_russian(nb):
    """Indices of code cells that call ``say(...)`` without ``ru=`` (the Russian edition would show English)."""
    out = []
    for k, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            func = node.func if isinstance(node, ast.Call) else None
            called = getattr(func, "id", None) or getattr(func, "attr", None)
            if called == "say" and not any(kw.arg == "ru" for kw in node.keywords):
                out.append(k)
                break
    return out


def broken_links(nb, folder, notebooks=NOTEBOOKS):
    """``(cell index, target)`` of every relative Markdown link of ``nb`` (a notebook in ``folder``) that leads to
    no file; a link to a notebook ``NN_name.ipynb`` counts as good if the English notebook exists (its Russian
    twin may come later)."""
    out = []
    for k, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for target in _LINK.findall(cell.source):
            path = target.split("#", 1)[0]
            if not path or re.match(r"[a-z][a-z0-9+.-]*:", path, re.I):  # an anchor, https:, mailto: ...
                continue
            if path.endswith(".ipynb") and "/" not in path:
                good = (Path(notebooks) / path).with_suffix(".py").exists() or (Path(folder) / path).exists()
            else:
                good = (Path(folder) / path).exists()
            if not good:
                out.append((k, target))
    return out


def _strip_version(text):
    return _VERSION_LINE.sub("", text)


def sync_file(source, write=True):
    """Sync notebooks/ru/<source's name> from the English ``source``; returns (changed?, notes, text)."""
    source = Path(source)
    twin = twin_path(source)
    english = jupytext.read(source)
    russian = jupytext.read(twin) if twin.exists() else None
    nb, notes = sync(english, russian, source.stem)
    text = jupytext.writes(nb, fmt="py:percent")
    old = twin.read_text(encoding="utf-8") if twin.exists() else None
    changed = old is None or _strip_version(old) != _strip_version(text)
    if changed and write:
        twin.parent.mkdir(exist_ok=True)
        twin.write_text(text, encoding="utf-8")
    return changed, notes, text


def _describe(notes):
    words = {"todo": "marked TODO: перевести, not yet translated", "new": "a new English cell, not yet translated",
             "changed": "its English text changed since it was translated (stale)",
             "untranslated": "still the English text"}
    return [f"cell {k}: {words.get(kind, kind)}" if k is not None else kind for k, kind in notes]


def problems(source, notebooks=NOTEBOOKS):
    """What is wrong with the Russian twin of the English ``source`` (empty: nothing)."""
    source = Path(source)
    twin = twin_path(source)
    if not twin.exists():
        return [f"no Russian twin {twin.relative_to(twin.parent.parent)} (python tools/ru_sync.py {source.stem[:2]})"]
    changed, notes, text = sync_file(source, write=False)
    out = []
    if changed:
        out.append("its code cells, cell structure or metadata differ from the English source: run `make ru-sync`")
    out += _describe(notes)
    synced = jupytext.reads(text, fmt="py:percent")
    out += [f"cell {k}: say(...) without ru=: write the Russian sentence in the ENGLISH notebook's cell"
            for k in say_without_russian(synced)]
    out += [f"cell {k}: the link {target!r} leads nowhere from notebooks/ru/ (one folder deeper: ../../…)"
            for k, target in broken_links(synced, twin.parent, Path(notebooks))]
    return out


def english_sources(notebooks=NOTEBOOKS):
    return sorted(Path(notebooks).glob("[0-9][0-9]_*.py"))


def twins(notebooks=NOTEBOOKS):
    return sorted((Path(notebooks) / "ru").glob("[0-9][0-9]_*.py"))


def check(notebooks=NOTEBOOKS, names=None):
    """Every problem of the Russian edition, as 'ru/NAME: problem' lines (``names``: only those twins)."""
    notebooks = Path(notebooks)
    out = []
    config = notebooks / "ru" / "jupytext.toml"
    if twins(notebooks) and (not config.exists() or config.read_text(encoding="utf-8") != config_text(notebooks)):
        out.append("ru/jupytext.toml: differs from what ../jupytext.toml implies: run `make ru-sync`")
    english = {p.name: p for p in english_sources(notebooks)}
    for twin in twins(notebooks):
        if twin.name not in english:
            out.append(f"ru/{twin.name}: no English source notebooks/{twin.name}")
    selected = resolve(names, notebooks) if names else [english[t.name] for t in twins(notebooks) if t.name in english]
    for source in selected:
        out += [f"ru/{source.name}: {p}" for p in problems(source, notebooks)]
    return out


def resolve(names, notebooks=NOTEBOOKS):
    """English sources from names like "03", "03_finite_differences", "notebooks/ru/03_finite_differences.py"."""
    sources = english_sources(notebooks)
    out = []
    for name in names:
        stem = Path(name).stem
        found = [s for s in sources if s.stem == stem or s.stem[:2] == stem]
        if len(found) != 1:
            raise ValueError(f"{name!r} names no English notebook (notebooks/NN_name.py) or more than one: {found}")
        out.append(found[0])
    return out


def write_all(notebooks=NOTEBOOKS, names=None):
    """Sync the named twins (default: every existing one) and ru/jupytext.toml; returns the report lines."""
    notebooks = Path(notebooks)
    english = {p.name: p for p in english_sources(notebooks)}
    selected = resolve(names, notebooks) if names else [english[t.name] for t in twins(notebooks) if t.name in english]
    lines = []
    if selected:
        config = notebooks / "ru" / "jupytext.toml"
        config.parent.mkdir(exist_ok=True)
        if not config.exists() or config.read_text(encoding="utf-8") != config_text(notebooks):
            config.write_text(config_text(notebooks), encoding="utf-8")
            lines.append("wrote ru/jupytext.toml")
    for source in selected:
        existed = twin_path(source).exists()
        changed, notes, _ = sync_file(source)
        verb = ("updated" if existed else "created") if changed else "up to date:"
        todo = sum(kind in ("todo", "new", "changed", "untranslated") for _, kind in notes)
        lines.append(f"{verb} ru/{source.name}" + (f" ({todo} cells to translate)" if todo else ""))
        lines += [f"  {line}" for line in _describe(notes)]
    return lines


def status(notebooks=NOTEBOOKS):
    lines = []
    for source in english_sources(notebooks):
        if not twin_path(source).exists():
            lines.append(f"{source.name}: no Russian twin yet")
            continue
        _, notes, _ = sync_file(source, write=False)
        todo = sum(kind in ("todo", "new", "changed", "untranslated") for _, kind in notes)
        lines.append(f"{source.name}: " + (f"{todo} cells to translate" if todo else "translated"))
    return lines


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    flags = [a for a in argv if a.startswith("--")]
    if flags not in ([], ["--check"], ["--status"]) or (flags == ["--status"] and args):
        sys.exit("usage: " + __doc__.split("Usage: ", 1)[1])
    try:
        if flags == ["--status"]:
            print("\n".join(status()))
            return 0
        if flags == ["--check"]:
            found = check(names=args or None)
            for line in found:
                print(line)
            if found:
                print(f"{len(found)} problem(s) in the Russian edition (see tools/ru_sync.py's guide)", file=sys.stderr)
                return 1
            print(f"the Russian edition is in step with the English one ({len(twins())} notebooks)")
            return 0
        lines = write_all(names=args or None)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print("\n".join(lines) if lines else "no Russian twins yet: python tools/ru_sync.py NN creates one")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
