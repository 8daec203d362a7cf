"""Export the executed notebooks to reveal.js slide decks that work offline (what `make slides` runs).

    python tools/build_slides.py [--out build/slides] [--cache build/slides-cache] [NOTEBOOK.ipynb ...]

`jupyter nbconvert --to slides` on its own writes HTML that loads reveal.js, MathJax, require.js, jQuery, mermaid
and the widget manager from CDNs, so a deck shows no maths and no slides without internet access. Here every one
of those is served from `OUT/_static/`, unpacked from npm registry tarballs whose versions and sha512 `integrity`
are pinned below: the versions nbconvert's `reveal` template was written for (reveal.js 4, MathJax 2.7 with the
`TeX-AMS_CHTML-full,Safe` configuration), require.js, jQuery, and @jupyter-widgets/html-manager, which renders
the saved widget state (the controls and first figure of each `interact`) without a kernel. The tarballs are
cached in `--cache` (downloaded once, ~30 MB; later runs need no network) and checked against the pinned hashes
on every use. mermaid is dropped (no notebook uses it; the reveal template would import it unconditionally) by
the small template in `tools/slides_template/`. Remote URLs inside notebook outputs that have a local copy are
rewritten (LOCAL_COPIES: the font-awesome stylesheet of matplotlib's `to_jshtml` animations), and remote
`@import`s of web fonts in the vendored CSS are removed (the browser falls back to local fonts).

The RISE settings in each notebook's metadata (`rise`: theme, transition, scroll, slideNumber, width, height)
become the deck's reveal.js settings. Output: `OUT/NN_name.slides.html` per notebook (the Russian edition's
notebooks/ru/NN_name.ipynb: `OUT/NN_name.ru.slides.html`) and `OUT/index.html`.
"""

import argparse
import base64
import hashlib
import html
import io
import json
import os
import re
import shutil
import sys
import tarfile
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEMPLATE_DIR = Path(__file__).resolve().parent / "slides_template"
TEMPLATE_NAME = "adlib_reveal"
STATIC = "_static"
REGISTRY = "https://registry.npmjs.org"

# npm package -> (version, the registry's dist.integrity, which members to unpack: a function of the path inside
# the tarball's `package/` folder returning the destination under _static/, or None to skip the member)


def _reveal(path):
    if path.startswith("dist/") and not path.endswith(".map") or path.startswith("plugin/notes/"):
        return "reveal.js/" + path
    return None


_MATHJAX_OUTPUTS = ("jax/output/CommonHTML/", "jax/output/PreviewHTML/", "jax/output/NativeMML/")


def _mathjax(path):
    keep = (
        path in ("MathJax.js", "config/TeX-AMS_CHTML-full.js", "config/Safe.js", "LICENSE")
        or path.startswith(("extensions/", "jax/input/TeX/", "jax/element/", "localization/en/"))
        or path.startswith("fonts/HTML-CSS/TeX/woff/")
        or path.startswith(_MATHJAX_OUTPUTS)
    )
    return "mathjax/" + path if keep else None


def _requirejs(path):
    return "require.js" if path == "require.js" else None


def _jquery(path):
    return "jquery.min.js" if path == "dist/jquery.min.js" else None


def _html_manager(path):
    # embed-amd.js renders the saved widget state (the sliders and the first figure of an `interact`) without a
    # kernel; the font files next to it are font-awesome's, referenced relative to the script
    name = path.removeprefix("dist/")
    if path.startswith("dist/") and not name.endswith((".map", ".txt")) and name not in ("embed.js", "libembed-amd.js"):
        return "html-manager/" + path
    return None


def _font_awesome(path):
    # matplotlib's Animation.to_jshtml links font-awesome 4 (its play/pause icons) from a CDN; see LOCAL_COPIES
    return "font-awesome/" + path if path.startswith(("css/", "fonts/")) else None


PACKAGES = {
    "reveal.js": (
        "4.0.2",
        "sha512-LWZSUenufF1gpD7npxJ7KfoQQFKgc1D6XrLTFgKlwWNP1BQ74hT48KONFWMAw+8R/QUeaScCLCLrBVHDfFIEiw==",
        _reveal,
    ),
    "mathjax": (
        "2.7.7",
        "sha512-OOl0B2/0tSJAtAZarXnQuLDBLgTNRqiI9VqHTQzPsxf4okT2iIpDrvaklK9x2QEMD1sDj4yRn11Ygci41DxMAQ==",
        _mathjax,
    ),
    "requirejs": (
        "2.1.10",
        "sha512-4JqdTihK3kOnT387LxCHuJZ/9QsKg2EIl7LmaW35PIyM4LwCI2jwyy4fy6pbY/ZZH2JoY/QEcb5PzULFPP6gcQ==",
        _requirejs,
    ),
    "jquery": (
        "3.7.1",
        "sha512-m4avr8yL8kmFN8psrbFFFmB/If14iN5o9nw/NgnnM+kybDJpRsAynV2BsfpTYrTRysYUdADVD7CkUUizgkpLfg==",
        _jquery,
    ),
    "@jupyter-widgets/html-manager": (
        "1.0.15",
        "sha512-5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA==",
        _html_manager,
    ),
    "font-awesome": (
        "4.7.0",
        "sha512-U6kGnykA/6bFmg1M/oT9EkFeIYv7JlX3bozwQJWiiLz6L0w3F5vBVPxHlwyX/vtNq1ckcpRKOB9f2Qal/VtFpg==",
        _font_awesome,
    ),
}

# where the template finds each asset, relative to the deck
URLS = {
    "reveal_url_prefix": f"{STATIC}/reveal.js",
    "mathjax_url": f"{STATIC}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    "require_js_url": f"{STATIC}/require.js",
    "jquery_url": f"{STATIC}/jquery.min.js",
    "widget_renderer_url": f"{STATIC}/html-manager/dist/embed-amd.js",
}

# remote URLs that notebook outputs themselves contain, and the local copy each is replaced with in a deck
LOCAL_COPIES = {
    re.compile(r"https?://[a-z.]*/(?:ajax/libs/)?font-awesome/4\.[0-9.]+/css/font-awesome(?:\.min)?\.css"): (
        f"{STATIC}/font-awesome/css/font-awesome.min.css"
    ),
}

REVEAL_THEMES = ("beige", "black", "blood", "league", "moon", "night", "serif", "simple", "sky", "solarized", "white")
REVEAL_TRANSITIONS = ("none", "fade", "slide", "convex", "concave", "zoom")
REMOTE_CSS_IMPORT = re.compile(rb"@import\s+url\(\s*['\"]?https?://[^)]*\)\s*;?")


# ---------------------------------------------------------------------------------------------------------------
# assets
# ---------------------------------------------------------------------------------------------------------------


def _tarball_name(name, version):
    return f"{name.replace('/', '-').lstrip('@')}-{version}.tgz"


def _check_integrity(data, integrity, what):
    algo, _, expected = integrity.partition("-")
    if algo != "sha512":
        raise ValueError(f"{what}: only sha512 integrity strings are supported, got {integrity!r}")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if actual != expected:
        raise ValueError(f"{what}: sha512 mismatch (expected {expected}, got {actual}); delete it and retry")


def fetch_tarball(name, cache_dir):
    """The verified bytes of the pinned npm tarball of package `name`, from `cache_dir` or else from the registry."""
    if name not in PACKAGES:
        raise ValueError(f"unknown package {name!r}; known: {sorted(PACKAGES)}")
    version, integrity, _ = PACKAGES[name]
    cache_dir = Path(cache_dir)
    path = cache_dir / _tarball_name(name, version)
    if path.exists():
        data = path.read_bytes()
        _check_integrity(data, integrity, str(path))
        return data
    url = f"{REGISTRY}/{name}/-/{name.rsplit('/', 1)[-1]}-{version}.tgz"
    print(f"downloading {url}", file=sys.stderr)
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            data = response.read()
    except OSError as e:
        raise RuntimeError(f"cannot download {url} ({e}); `make slides` needs the npm registry once") from e
    _check_integrity(data, integrity, url)
    cache_dir.mkdir(parents=True, exist_ok=True)
    # a private temporary name, then an atomic rename: two runs at once (make test runs two suites) cannot mix
    with tempfile.NamedTemporaryFile(dir=cache_dir, prefix=path.name, suffix=".part", delete=False) as tmp:
        tmp.write(data)
    Path(tmp.name).replace(path)
    return data


def _assets_stamp():
    return json.dumps({name: spec[:2] for name, spec in PACKAGES.items()}, sort_keys=True)


def install_static(out_dir, cache_dir):
    """Unpack the pinned assets into `out_dir/_static` (skipped when the same versions are already there)."""
    static = Path(out_dir) / STATIC
    stamp = static / ".assets.json"
    if stamp.exists() and stamp.read_text() == _assets_stamp():
        return static
    if static.exists():
        shutil.rmtree(static)
    static.mkdir(parents=True)
    for name, (_, _, select) in PACKAGES.items():
        data = fetch_tarball(name, cache_dir)
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            for member in tar.getmembers():
                if not member.isfile() or not member.name.startswith("package/"):
                    continue
                dest = select(member.name[len("package/") :])
                if dest is None:
                    continue
                target = (static / dest).resolve()
                if static.resolve() not in target.parents:
                    raise ValueError(f"{name}: refusing to unpack {member.name!r} outside {static}")
                target.parent.mkdir(parents=True, exist_ok=True)
                content = tar.extractfile(member).read()
                if target.suffix == ".css":
                    content = REMOTE_CSS_IMPORT.sub(b"", content)
                target.write_bytes(content)
    stamp.write_text(_assets_stamp())
    return static


# ---------------------------------------------------------------------------------------------------------------
# decks
# ---------------------------------------------------------------------------------------------------------------


def _size(value, what):
    """RISE's width/height (a number of pixels or a percentage) as the JavaScript literal the template inserts."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TypeError(f"rise.{what} must be a number or a percentage string, got {value!r}")
    if isinstance(value, str):
        value = value.strip()
        if re.fullmatch(r"\d+(\.\d+)?%", value):
            return json.dumps(value)
        if not re.fullmatch(r"\d+(\.\d+)?", value):
            raise ValueError(f"rise.{what} must be a number or a percentage like '100%', got {value!r}")
    return str(value)


def reveal_settings(rise):
    """SlidesExporter settings from a notebook's `rise` metadata (RISE's own defaults where a key is absent)."""
    if not isinstance(rise, dict):
        raise TypeError(f"the notebook's `rise` metadata must be a dict, got {type(rise).__name__}")
    settings = {"reveal_theme": "white", "reveal_transition": "slide", "reveal_scroll": False, "reveal_number": ""}
    if "theme" in rise:
        if rise["theme"] not in REVEAL_THEMES:
            raise ValueError(f"rise.theme {rise['theme']!r} is not a reveal.js theme; choose one of {REVEAL_THEMES}")
        settings["reveal_theme"] = rise["theme"]
    if "transition" in rise:
        if rise["transition"] not in REVEAL_TRANSITIONS:
            raise ValueError(f"rise.transition {rise['transition']!r} is not one of {REVEAL_TRANSITIONS}")
        settings["reveal_transition"] = rise["transition"]
    if "scroll" in rise:
        settings["reveal_scroll"] = bool(rise["scroll"])
    number = rise.get("slideNumber", False)
    if number is True:
        settings["reveal_number"] = "h.v"
    elif isinstance(number, str):
        settings["reveal_number"] = number
    for key in ("width", "height"):
        if key in rise:
            settings[f"reveal_{key}"] = _size(rise[key], key)
    return settings


def expected_slide_count(nb):
    """How many slides reveal.js shows for `nb`: the first visible cell opens one, then every slide/subslide cell."""
    types = [cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-") for cell in nb["cells"]]
    visible = [i for i, t in enumerate(types) if t not in ("skip", "notes")]
    if not visible:
        raise ValueError("all cells are skip/notes: no slides")
    return 1 + sum(t in ("slide", "subslide") for t in types[visible[0] + 1 :])


def _title(nb, fallback):
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def deck_name(notebook):
    """``NN_name`` for notebooks/NN_name.ipynb, ``NN_name.ru`` for the Russian edition's notebooks/ru/NN_name.ipynb."""
    notebook = Path(notebook)
    return f"{notebook.stem}.ru" if notebook.parent.name == "ru" else notebook.stem


def export_deck(notebook, out_dir):
    """Write `out_dir/NAME.slides.html` for the executed notebook `notebook` (NAME.ru.slides.html for one in a
    folder `ru/`, the Russian edition); returns (path, title, slide count).
    The assets must already be in `out_dir/_static` (install_static)."""
    import nbformat
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    notebook = Path(notebook)
    if notebook.suffix != ".ipynb" or not notebook.is_file():
        raise ValueError(f"expected an existing .ipynb file, got {str(notebook)!r}")
    nb = nbformat.read(notebook, as_version=4)
    config = Config()
    config.SlidesExporter.update(reveal_settings(nb.metadata.get("rise", {})))
    config.SlidesExporter.extra_template_basedirs = [str(TEMPLATE_DIR)]
    config.SlidesExporter.template_name = TEMPLATE_NAME
    for key, url in URLS.items():
        setattr(config.SlidesExporter, key, url)
    exporter = SlidesExporter(config=config)
    name = deck_name(notebook)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name}})
    for pattern, local in LOCAL_COPIES.items():
        body = pattern.sub(local, body)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.slides.html"
    path.write_text(body, encoding="utf-8")
    return path, _title(nb, name), expected_slide_count(nb)


REMOTE_RESOURCE = re.compile(
    r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|@import\s+(?:url\()?["']?(?:https?:)?//"""
    r"""|\bimport\s*\(?\s*["'](?:https?:)?//""",
    re.IGNORECASE,
)


def remote_resources(text):
    """The places in an HTML/CSS text that would load a script, stylesheet, image or module over the network."""
    return [m.group(0) for m in REMOTE_RESOURCE.finditer(text)]


def write_index(out_dir, decks):
    rows = "\n".join(
        f'<li><a href="{html.escape(path.name)}">{html.escape(path.name.removesuffix(".slides.html"))}</a>: '
        f"{html.escape(title)} ({count} slides)</li>"
        for path, title, count in decks
    )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Automatic differentiation: slides</title></head>
<body>
<h1>Automatic differentiation: the course notebooks as slides</h1>
<p>Static reveal.js decks of the executed notebooks; they work offline (everything is in <code>_static/</code>).
Arrow keys move between slides, <kbd>S</kbd> opens the speaker view, <kbd>Esc</kbd> the overview.</p>
<ul>
{rows}
</ul>
</body></html>
"""
    path = Path(out_dir) / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def build(notebooks, out_dir, cache_dir):
    install_static(out_dir, cache_dir)
    decks = [export_deck(nb, out_dir) for nb in notebooks]
    write_index(out_dir, decks)
    return decks


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/NN_*.ipynb")
    parser.add_argument("--out", type=Path, default=REPO / "build" / "slides")
    default_cache = Path(os.environ.get("ADLIB_SLIDES_CACHE", REPO / "build" / "slides-cache"))
    parser.add_argument("--cache", type=Path, default=default_cache, help="downloaded tarballs (ADLIB_SLIDES_CACHE)")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or (sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
                                   + sorted((REPO / "notebooks").glob("ru/[0-9][0-9]_*.ipynb")))
    start = time.perf_counter()
    decks = build(notebooks, args.out, args.cache)
    for path, _, count in decks:
        print(f"{path} ({count} slides, {path.stat().st_size // 1024} KB)")
    print(f"{len(decks)} decks in {args.out} ({time.perf_counter() - start:.1f} s); open {args.out / 'index.html'}")


if __name__ == "__main__":
    main()
