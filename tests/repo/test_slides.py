"""`make slides` (tools/build_slides.py): reveal.js decks of the executed notebooks that work offline.

The fast tests check the exported HTML (no remote script/stylesheet, every local asset present, one <section> per
slide of the notebook's metadata) and the RISE-settings mapping; the `browser` test opens a deck in headless
Chromium with every non-file request blocked and checks what reveal.js, MathJax and the widget manager did
(screenshots: build/screenshots/slides-*.png).
"""

import importlib.util
import json
import os
import re
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, require_browser, slides_from_metadata

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "04_forward_mode.ipynb"  # maths, figures, fragments, subslides and a widget
CACHE = Path(os.environ.get("ADLIB_SLIDES_CACHE", REPO / "build" / "slides-cache"))


def _load_tool():
    spec = importlib.util.spec_from_file_location("build_slides", REPO / "tools" / "build_slides.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_slides", module)
    spec.loader.exec_module(module)
    return module


bs = _load_tool()


class _Sections(HTMLParser):
    """Counts reveal.js slides in the HTML: <section>s that contain no <section> (a stack is not a slide)."""

    def __init__(self):
        super().__init__()
        self.stack, self.leaves, self.urls = [], 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.stack.append(False)
            if len(self.stack) > 1:
                self.stack[-2] = True
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "section":
            has_child = self.stack.pop()
            self.leaves += not has_child


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    out = tmp_path_factory.mktemp("slides")
    decks = bs.build([NOTEBOOK], out, CACHE)
    assert len(decks) == 1
    path, title, count = decks[0]
    return path, title, count, nbformat.read(NOTEBOOK, as_version=4)


def test_deck_loads_nothing_remote_and_has_its_assets(deck):
    path, _, _, _ = deck
    text = path.read_text(encoding="utf-8")
    assert bs.remote_resources(text) == []
    parser = _Sections()
    parser.feed(text)
    local = [url.split("?")[0] for url in parser.urls]
    # reveal.js + theme, MathJax, require.js and jQuery, all from _static/, all there
    assert {"_static/reveal.js/dist/reveal.css", "_static/mathjax/MathJax.js", "_static/require.js"} <= set(local)
    for url in local:
        assert (path.parent / url).is_file(), f"{url} referenced by the deck is missing"
    for url in (bs.URLS["widget_renderer_url"], bs.URLS["reveal_url_prefix"] + "/dist/reveal.js"):
        assert url in text and (path.parent / url).is_file()
    for css in (path.parent / bs.STATIC).rglob("*.css"):
        assert bs.remote_resources(css.read_text(encoding="utf-8", errors="replace")) == [], css


def test_every_notebook_exports_to_an_offline_deck(deck):
    # the same export as `make slides`, into the fixture's folder (its _static/ is already there)
    out = deck[0].parent
    notebooks = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert len(notebooks) >= 13
    russian = sorted((REPO / "notebooks").glob("ru/[0-9][0-9]_*.ipynb"))
    assert russian, "the Russian edition (notebooks/ru/) has at least its pilot"
    for notebook in notebooks + russian:
        path, _, count = bs.export_deck(notebook, out)
        text = path.read_text(encoding="utf-8")
        assert bs.remote_resources(text) == [], notebook.name
        parser = _Sections()
        parser.feed(text)
        assert count == slides_from_metadata(nbformat.read(notebook, as_version=4)) == parser.leaves, notebook.name
        for url in parser.urls:
            if not url.startswith("data:"):
                assert (out / url.split("?")[0]).is_file(), f"{notebook.name}: {url} is missing"


def test_the_russian_decks_sit_next_to_the_english_ones(deck):
    """`make slides` builds both editions into one folder: notebooks/ru/NN_name.ipynb becomes NN_name.ru.slides.html
    (not a second NN_name.slides.html), and the index lists both."""
    out = deck[0].parent / "both"
    pilot = REPO / "notebooks" / "00_quickstart.ipynb"
    decks = bs.build([pilot, pilot.parent / "ru" / pilot.name], out, CACHE)
    (en_path, en_title, en_count), (ru_path, ru_title, ru_count) = decks
    assert (en_path.name, ru_path.name) == ("00_quickstart.slides.html", "00_quickstart.ru.slides.html")
    assert en_count == ru_count, "the two editions have the same cells, hence the same slides"
    assert "quickstart" in en_title and ru_title == "Автоматическое дифференцирование: быстрый старт"
    assert "Обратный режим автоматического дифференцирования" in ru_path.read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert en_path.name in index and ru_path.name in index


def test_cdn_links_in_outputs_become_local_copies(deck):
    # matplotlib's to_jshtml animations link font-awesome from a CDN inside the output itself
    out = deck[0].parent
    html = '<link rel="stylesheet"\nhref="https://maxcdn.bootstrapcdn.com/font-awesome/4.4.0/css/font-awesome.min.css">'
    assert bs.remote_resources(html) != []
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "anim", outputs=[nbformat.v4.new_output("display_data", data={"text/html": html})])])
    notebook = out / "anim.ipynb"
    nbformat.write(nb, notebook)
    text = bs.export_deck(notebook, out)[0].read_text(encoding="utf-8")
    assert "bootstrapcdn" not in text and bs.remote_resources(text) == []
    assert (out / "_static/font-awesome/css/font-awesome.min.css").is_file()
    assert "_static/font-awesome/css/font-awesome.min.css" in text


def test_the_detector_sees_nbconverts_cdn_urls():
    # the stock exporter loads reveal.js/MathJax/require.js from CDNs; the check above must be able to see that
    from nbconvert import SlidesExporter

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# t\n\n$$x^2$$")])
    body, _ = SlidesExporter().from_notebook_node(nb)
    found = " ".join(bs.remote_resources(body))
    assert "script" in found and "link" in found


def test_one_section_per_slide_of_the_metadata(deck):
    path, title, count, nb = deck
    parser = _Sections()
    parser.feed(path.read_text(encoding="utf-8"))
    expected = slides_from_metadata(nb)
    assert expected > 5
    assert count == expected == parser.leaves
    assert "Forward mode" in title
    index = (path.parent / "index.html").read_text(encoding="utf-8")
    assert path.name in index and f"({expected} slides)" in index


def test_expected_slide_count_on_a_small_notebook():
    def cell(kind):
        return nbformat.v4.new_markdown_cell("x", metadata={"slideshow": {"slide_type": kind}})

    nb = nbformat.v4.new_notebook(cells=[cell("skip"), cell("-"), cell("fragment"), cell("subslide"), cell("notes"),
                                         cell("slide"), cell("skip"), cell("subslide")])
    assert bs.expected_slide_count(nb) == slides_from_metadata(nb) == 4
    with pytest.raises(ValueError, match="no slides"):
        bs.expected_slide_count(nbformat.v4.new_notebook(cells=[cell("skip")]))


def test_rise_settings_become_reveal_settings():
    settings = bs.reveal_settings({"theme": "simple", "transition": "none", "scroll": True, "slideNumber": "c/t",
                                   "width": "100%", "height": 700})
    assert settings == {"reveal_theme": "simple", "reveal_transition": "none", "reveal_scroll": True,
                        "reveal_number": "c/t", "reveal_width": '"100%"', "reveal_height": "700"}
    assert bs.reveal_settings({})["reveal_theme"] == "white"
    assert bs.reveal_settings({"slideNumber": True})["reveal_number"] == "h.v"
    with pytest.raises(ValueError, match="theme"):
        bs.reveal_settings({"theme": "dark-mode"})
    with pytest.raises(ValueError, match="transition"):
        bs.reveal_settings({"transition": "spin"})
    with pytest.raises(ValueError, match="width"):
        bs.reveal_settings({"width": "100vw"})
    with pytest.raises(TypeError, match="dict"):
        bs.reveal_settings(["scroll"])
    with pytest.raises(ValueError, match=r"\.ipynb"):
        bs.export_deck(REPO / "notebooks" / "04_forward_mode.py", tempfile.gettempdir())


def test_every_notebook_has_valid_rise_settings():
    for path in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")) + sorted(
            (REPO / "notebooks").glob("ru/[0-9][0-9]_*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        bs.reveal_settings(nb["metadata"].get("rise", {}))  # raises on a theme/transition reveal.js lacks


def test_a_corrupted_cached_tarball_is_refused(tmp_path):
    name = "requirejs"
    version = bs.PACKAGES[name][0]
    good = bs.fetch_tarball(name, CACHE)
    (tmp_path / bs._tarball_name(name, version)).write_bytes(good[:-1] + bytes([good[-1] ^ 1]))
    with pytest.raises(ValueError, match="sha512 mismatch"):
        bs.fetch_tarball(name, tmp_path)
    with pytest.raises(ValueError, match="unknown package"):
        bs.fetch_tarball("left-pad", tmp_path)


# ---------------------------------------------------------------------------------------------------------------
# in a real browser
# ---------------------------------------------------------------------------------------------------------------

SCREENSHOTS = REPO / "build" / "screenshots"  # git-ignored
def _only_local(blocked):
    """A Playwright route handler that lets files through and refuses (and records in ``blocked``) the network."""

    def handle(route):
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    return handle


RAW_TEX_JS = r"""
Array.from(document.querySelectorAll('.jp-RenderedMarkdown')).flatMap(cell => {
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (parent.closest('script, code, pre, .MathJax_CHTML, .MJX_Assistive_MathML')) continue;
    if (/\$\$|\$\\|\\(frac|partial|log|sqrt)\b/.test(node.data)) found.push(node.data.slice(0, 80));
  }
  return found;
})
"""


@pytest.mark.browser
def test_deck_renders_offline_in_chromium(deck):
    require_browser()
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    path, _, _, nb = deck
    blocked, page_errors = [], []

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)  # Playwright: own temp profile
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.route("**/*", _only_local(blocked))
            page.on("pageerror", lambda e: page_errors.append(str(e)))
            page.goto(path.as_uri())
            page.wait_for_selector(".reveal.ready", timeout=20_000)
            # reveal.js is loaded through require.js (AMD), so it is a module, not window.Reveal
            reveal_js = json.dumps(bs.URLS["reveal_url_prefix"] + "/dist/reveal.js")
            ready, total = page.evaluate(
                f"new Promise(done => require([{reveal_js}], R => done([R.isReady(), R.getTotalSlides()])))"
            )
            page.wait_for_function(
                "window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0"
                " && document.querySelectorAll('.MathJax_CHTML').length > 0",
                timeout=20_000,
            )
            typeset = page.evaluate("document.querySelectorAll('.MathJax_CHTML').length")
            # TeX that MathJax did not replace stays in text nodes of the markdown cells (outside its <script>s)
            raw_tex = page.evaluate(RAW_TEX_JS)
            page.wait_for_selector(".widget-slider, .jupyter-widgets", state="attached", timeout=20_000)
            widgets = page.evaluate("document.querySelectorAll('.jupyter-widgets').length")
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"slides-{NOTEBOOK.stem}-first.png"))
            # go to the slide with the widget (reveal.js API), e.g. to look at the screenshot
            page.evaluate(
                f"new Promise(done => require([{reveal_js}], R => {{"
                "  const ix = R.getIndices(document.querySelector('.jupyter-widgets').closest('section'));"
                "  R.slide(ix.h, ix.v, 99); done(); }))"
            )
            page.wait_for_timeout(500)
            widget_visible = page.locator(".jupyter-widgets").first.is_visible()
            page.screenshot(path=str(SCREENSHOTS / f"slides-{NOTEBOOK.stem}-widget.png"))
            # RISE's scroll: a slide taller than the screen scrolls, also right after a reload on it (URL hash)
            page.reload()
            page.wait_for_selector(".reveal.ready", timeout=20_000)
            present = "document.querySelector('section.present > section.present')"
            try:  # the widget renders after the deck is ready and makes the slide tall
                page.wait_for_function(f"getComputedStyle({present}).overflowY === 'scroll'", timeout=10_000)
            except PlaywrightTimeout:
                pass  # the assertion below says what is wrong
            tall = page.evaluate(
                "Array.from(document.querySelectorAll('section.present > section.present'))"
                ".map(s => [s.scrollHeight > s.clientHeight + 5, getComputedStyle(s).overflowY])"
            )
        finally:
            browser.close()

    assert blocked == [], f"the deck tried to load from the network: {blocked}"
    assert page_errors == []
    assert ready is True
    assert total == slides_from_metadata(nb)
    n_math = sum(len(re.findall(r"\$\$", c.source)) // 2 for c in nb.cells if c.cell_type == "markdown")
    assert n_math > 0 and typeset >= n_math  # every display formula (and the inline ones) became MathJax output
    assert raw_tex == [], f"TeX left untypeset: {raw_tex}"
    assert nb.metadata["rise"].get("scroll") is True and tall == [[True, "scroll"]]
    assert widgets > 0 and widget_visible  # the saved widget state was rendered by the local html-manager


def _has_widgets(nb):
    return any("application/vnd.jupyter.widget-view+json" in out.get("data", {})
               for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", []))


@pytest.mark.browser
def test_every_deck_of_make_slides_renders_offline_in_chromium(tmp_path):
    """What `make slides` writes (every notebook and the index page), opened from disk in Chromium with the network
    blocked: each deck is ready with as many slides as its metadata says, MathJax has typeset it, no script failed,
    and the saved widgets are drawn; the index links every deck."""
    require_browser()
    from playwright.sync_api import sync_playwright

    notebooks = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    decks = bs.build(notebooks, tmp_path, CACHE)
    assert len(decks) == len(notebooks) >= 13
    blocked, page_errors, seen = [], [], {}

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.route("**/*", _only_local(blocked))
            page.on("pageerror", lambda e: page_errors.append(f"{page.url}: {e}"))
            reveal_js = json.dumps(bs.URLS["reveal_url_prefix"] + "/dist/reveal.js")
            for path, _, _ in decks:
                page.goto(path.as_uri())
                page.wait_for_selector(".reveal.ready", timeout=30_000)
                total = page.evaluate(f"new Promise(done => require([{reveal_js}], R => done(R.getTotalSlides())))")
                page.wait_for_function("window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0",
                                       timeout=30_000)
                seen[path.name] = {
                    "total": total,
                    "raw_tex": page.evaluate(RAW_TEX_JS),
                    "widgets": page.evaluate("document.querySelectorAll('.jupyter-widgets').length"),
                }
            page.goto((tmp_path / "index.html").as_uri())
            links = page.evaluate("Array.from(document.querySelectorAll('a')).map(a => a.getAttribute('href'))")
        finally:
            browser.close()

    assert blocked == [], f"decks tried to load from the network: {blocked}"
    assert page_errors == []
    for notebook, (path, _, _) in zip(notebooks, decks):
        nb = nbformat.read(notebook, as_version=4)
        got = seen[path.name]
        assert got["total"] == slides_from_metadata(nb), (path.name, got["total"])
        assert got["raw_tex"] == [], f"{path.name}: TeX left untypeset: {got['raw_tex']}"
        assert (got["widgets"] > 0) == _has_widgets(nb), (path.name, got["widgets"])
    assert sorted(links) == sorted(path.name for path, _, _ in decks)
