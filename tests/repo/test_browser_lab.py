"""The graph-stepping widget of notebooks/04_forward_mode.ipynb in a real browser: JupyterLab + headless Chromium.

A module fixture starts ``jupyter lab`` (this venv's, on a free localhost port, with a known token) on a temporary
copy of the notebook, with its own settings/config/runtime/data directories (so neither the user's settings nor
the repository are touched: no checkpoints, no saved outputs) and with the news/update checks off (the test never
needs the network). Playwright (``pip install -e '.[browser]'``) drives the system's Chromium (``make
browser-deps`` installs Debian's; ``ADLIB_CHROMIUM`` points elsewhere); Playwright's own browser download is never
used. The page runs all cells (Run → Run All Cells), then the test presses ▶, moves the step slider and an input
slider with the keyboard, switches the mode, and checks after every action that the page shows what the pure
function :func:`adlib.course.widgets.step_view` says it should: the heading (step k of N), the «Функция» and
«Производная» formulas (as MathJax rendered them: the glyphs, compared with the expected TeX's glyphs), the rows of
the trace table and a new PNG of the graph.

Synchronisation is on DOM state only (``wait_for_selector``/``wait_for_function`` with generous timeouts).
Screenshots go to ``build/screenshots/`` (git-ignored): one per state, the last one as ``lab-graph-stepper.png``,
and the browser's console log as ``lab-console.log``. On a failure a screenshot, the console log and the server log
are saved there as ``lab-FAILED*`` and named in the message.

Presenting with RISE (``test_rise_presents_the_notebook``): in a second browser context on the same server,
Alt+R in the notebook opens jupyterlab-rise's reveal.js slideshow; the test checks the slide count against the
notebook's slide metadata, the notebook's ``rise`` settings, and walks the deck with Space (screenshot
``lab-rise.png``, console ``lab-rise-console.log``; on a failure ``lab-rise-FAILED*``).

Without Chromium or Playwright the tests skip, unless ``ADLIB_REQUIRE_BROWSER=1`` (``make test``): then they fail.
"""

import base64
import re
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, TOKEN, jupyter_lab, slides_from_metadata, tex_glyphs
from browser_support import STEPPER_MATCHES_JS as MATCHES_JS
from browser_support import STEPPER_SNAPSHOT_JS as SNAPSHOT_JS
from browser_support import stepper_expected as expected

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "04_forward_mode.ipynb"
ARTIFACTS = ROOT / "build" / "screenshots"
TIMEOUT_MS = 60_000  # per wait; the machine is a shared 2-core VM


# ---------------------------------------------------------------------------------------------------------------
# What the page should show, from the pure function
# ---------------------------------------------------------------------------------------------------------------

def test_tex_glyphs():
    assert tex_glyphs(r"\frac{\partial v_{1}}{\partial w_{1}} = 0.5 \cdot 1") == "∂v1∂w1=0.5⋅1"
    assert tex_glyphs(r"v_{3} = \sqrt{v_{2}} = \sqrt{2.079}") == "v3=√v2=√2.079"
    with pytest.raises(ValueError, match=r"\\alpha"):
        tex_glyphs(r"\alpha = 1")


# ---------------------------------------------------------------------------------------------------------------
# The server and the browser
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    """``jupyter lab`` on a temporary copy of the notebook; yields (base URL, server log path)."""
    with jupyter_lab([NOTEBOOK], tmp_path_factory.mktemp("lab")) as served:
        yield served


class Lab:
    """The page, with the console log and a way to save what is needed to debug a failure."""

    def __init__(self, page, log_path, prefix="lab"):
        self.page, self.log_path, self.prefix, self.console = page, log_path, prefix, []
        page.on("console", lambda m: self.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: self.console.append(("pageerror", str(e))))
        page.on("requestfailed", lambda r: self.console.append(("requestfailed", f"{r.url} {r.failure}")))

    def offline(self, route):
        self.console.append(("offline", route.request.url))
        route.fulfill(status=204)

    def accept_dialog(self, dialog):
        self.console.append(("dialog", " ".join(dialog.inner_text().split())))
        dialog.locator(".jp-mod-accept").click()

    def screenshot(self, name):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=path)
        return path

    def fail(self, message):
        """Save a screenshot, the console log and the server log; fail naming them."""
        saved = []
        try:
            saved.append(self.screenshot(f"{self.prefix}-FAILED.png"))
        except Exception as error:  # the page may be gone
            saved.append(f"(no screenshot: {error})")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        console = ARTIFACTS / f"{self.prefix}-FAILED-console.log"
        console.write_text("".join(f"[{kind}] {text}\n" for kind, text in self.console))
        server = ARTIFACTS / f"{self.prefix}-FAILED-server.log"
        shutil.copy(self.log_path, server)
        pytest.fail(f"{message}\nsaved: {', '.join(map(str, [*saved, console, server]))}", pytrace=False)


@pytest.fixture(scope="module")
def lab(lab_server):
    """The notebook open in headless Chromium, all cells run, the widget rendered."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    base, log_path = lab_server
    for stale in ARTIFACTS.glob("lab-*"):  # this run's files only
        stale.unlink()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.set_default_timeout(TIMEOUT_MS)
        session = Lab(page, log_path)
        # offline, as CI is: anything not from the server (the Colab badge's image) is answered "204 No Content"
        page.route(re.compile(r"^(?!https?://127\.0\.0\.1:)"), session.offline)
        # a dialog that still turns up (e.g. "Select Kernel" with the notebook's kernel preselected) is accepted
        page.add_locator_handler(page.locator(".jp-Dialog"), session.accept_dialog)
        started = time.monotonic()
        try:
            page.goto(f"{base}/lab/tree/{NOTEBOOK.name}?token={TOKEN}")
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status=idle]")  # notebook + idle kernel
            page.locator(".jp-Notebook").click(position={"x": 5, "y": 5})  # (runs the dialog handler if needed)
            page.locator("li.lm-MenuBar-item", has_text="Edit").click()
            page.locator("li[data-command='editmenu:clear-all']").click()  # the committed outputs go
            page.wait_for_function("""() => !document.querySelector('.jp-Notebook .jp-OutputArea-output') && [
                ...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')].every(
                (p) => !/\\d/.test(p.textContent))""")
            page.locator("li.lm-MenuBar-item", has_text="Run").click()
            page.locator("li[data-command='runmenu:run-all']").click()
            # done: every code cell numbered ([*] while queued or running), or a traceback (Run All stops there)
            page.wait_for_function("""() => {
                const outs = [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')];
                if (outs.some((o) => o.innerText.includes('Traceback (most recent call last)'))) return true;
                const ps = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
                // a collapsed solution cell (jupyter.source_hidden) shows no prompt: count the others
                const shown = ps.map((p) => p.textContent.trim()).filter((t) => t !== '');
                return shown.length > 0 && shown.every((t) => /\\[\\d+\\]/.test(t)); }""",
                                   timeout=3 * TIMEOUT_MS)
            errors = page.locator(".jp-Notebook .jp-OutputArea-output", has_text="Traceback (most recent call last)")
            if errors.count():
                session.fail(f"a cell raised:\n{errors.first.inner_text()[-3000:]}")
            page.wait_for_function(f"() => ({SNAPSHOT_JS})()?.heading?.includes('step 0 of')")
        except PlaywrightError as error:
            session.fail(f"opening and running {NOTEBOOK.name} in JupyterLab failed: {error}")
        session.setup_seconds = time.monotonic() - started
        yield session
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "lab-console.log").write_text("".join(f"[{kind}] {text}\n" for kind, text in session.console))
        browser.close()


def test_graph_stepper_follows_the_controls(lab):
    """Each action on the widget (▶, the step slider, the mode, an input slider) changes what the page shows to
    what step_view says: heading (step k), the «Функция»/«Производная» formulas, the trace's rows, the graph's PNG.
    """
    from playwright.sync_api import Error as PlaywrightError

    page = lab.page
    box = page.locator(".jp-OutputArea-output .widget-vbox").first
    sliders = {label: box.locator(".widget-slider", has=page.locator(".widget-label", has_text=label))
               for label in ("w1", "w2", "step")}
    actions = [  # (what we do, how, the state it leads to)
        ("press ▶", lambda: box.locator(".widget-button", has_text="▶").click(), 1, "forward ∂/∂w1", 2.0),
        ("step slider → (keyboard)", lambda: sliders["step"].locator(".noUi-handle").press("ArrowRight"), 2,
         "forward ∂/∂w1", 2.0),
        ("press ▶", lambda: box.locator(".widget-button", has_text="▶").click(), 3, "forward ∂/∂w1", 2.0),
        ("mode: reverse", lambda: box.locator(".widget-toggle-button", has_text="reverse").click(), 3, "reverse", 2.0),
        ("w1 slider → (keyboard)", lambda: sliders["w1"].locator(".noUi-handle").press("ArrowRight"), 3, "reverse",
         2.05),
        ("press ◀", lambda: box.locator(".widget-button", has_text="◀").click(), 2, "reverse", 2.05),
    ]
    seen = []

    def check(state, old_img, what):
        want = expected(*state)
        try:
            page.wait_for_function(MATCHES_JS, arg=[want, old_img])
        except PlaywrightError:
            shown = page.evaluate(f"({SNAPSHOT_JS})()") or {}
            shown = {k: v for k, v in shown.items() if k != "img"} | {"img changed": shown.get("img") != old_img}
            lab.fail(f"after {what}: the page shows\n  {shown}\nbut step_view{state} says\n  {want}")
        shown = page.evaluate(f"({SNAPSHOT_JS})()")
        # the highlighted node: the «Функция» formula starts with its name, the same as step_view's row
        assert shown["formulas"][0].split("=")[0] == want["node"]
        assert shown["step"] == str(state[2]) and shown["mode"] == state[1]
        png = base64.b64decode(shown["img"].split(",", 1)[1])
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
        seen.append((what, shown["heading"], shown["formulas"], shown["rows"]))
        return shown

    box.scroll_into_view_if_needed()
    shown = check(((2.0, 3.0), "forward ∂/∂w1", 0), None, "running the notebook")
    lab.screenshot("lab-graph-stepper-0-initial.png")
    for i, (what, act, step, mode, w1) in enumerate(actions, start=1):
        act()
        shown = check(((w1, 3.0), mode, step), shown["img"], what)
        box.scroll_into_view_if_needed()
        lab.screenshot(f"lab-graph-stepper-{i}-{re.sub(r'[^a-z0-9]+', '-', what.lower()).strip('-')}.png")
    # the state a reader of the report looks at: forward ∂/∂w1 stepped to v2 (step 3 of 5)
    for what, act in [("mode: forward ∂/∂w1", lambda: box.locator(".widget-toggle-button", has_text="∂w1").click()),
                      ("press ▶", lambda: box.locator(".widget-button", has_text="▶").click())]:
        act()
        shown = check(((2.05, 3.0), "forward ∂/∂w1", 2 if what.startswith("mode") else 3), shown["img"], what)
    box.scroll_into_view_if_needed()
    lab.screenshot("lab-graph-stepper.png")
    assert [s[1].split("step ")[-1] for s in seen] == ["0 of 5", "1 of 5", "2 of 5", "3 of 5", "3 of 5", "3 of 5",
                                                       "2 of 5", "2 of 5", "3 of 5"]
    assert all(a[2] != b[2] for a, b in zip(seen, seen[1:])), seen  # the formulas changed at every action


def test_no_widget_errors_in_the_browser(lab):
    """The browser saw no JavaScript error: none thrown, no console error (the widget manager logs its failures,
    e.g. a model it cannot find or a front end / kernel version mismatch, as console errors)."""
    errors = [(kind, text) for kind, text in lab.console if kind in ("error", "pageerror")]
    widget_warnings = [(kind, text) for kind, text in lab.console if kind == "warning" and re.search(
        r"jupyter-widgets|ipywidgets|widget ?manager|\bcomm\b|\bmodel\b", text, re.IGNORECASE)]
    if errors or widget_warnings:
        lab.fail(f"the browser reported errors: {errors + widget_warnings}")
    assert lab.page.locator(".jp-OutputArea-output .widget-vbox").count() >= 1



# The state of every code cell after Run All: its input collapsed (JupyterLab's placeholder instead of the editor,
# from the cell's `jupyter.source_hidden`), and the text of its outputs.
CELLS_JS = r"""() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')].map((cell) => {
  const placeholder = cell.querySelector('.jp-InputPlaceholder');
  const editor = cell.querySelector('.jp-InputArea .cm-editor');
  return {collapsed: !!placeholder && placeholder.offsetParent !== null && !(editor && editor.offsetParent !== null),
          output: [...cell.querySelectorAll('.jp-OutputArea-output')].map((o) => o.innerText).join(' ')};
})"""


def test_solutions_are_collapsed_and_pass_exercises_are_open(lab):
    """JupyterLab shows each solution cell collapsed (its source hidden until clicked) with its check passed, and
    each exercise cell open, its stub answered "Not done yet" (after Run All in this browser, not from the file)."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    tags = [c.metadata.get("tags", []) for c in nb.cells if c.cell_type == "code"]
    kinds = ["solution" if "solution" in t else "exercise" if "exercise" in t else "" for t in tags]
    assert kinds.count("solution") >= 2, kinds
    shown = lab.page.evaluate(CELLS_JS)
    assert len(shown) == len(kinds), (len(shown), len(kinds))
    for k, (kind, cell) in enumerate(zip(kinds, shown, strict=True)):
        if kind == "solution" and not (cell["collapsed"] and "✅" in cell["output"]):
            lab.fail(f"code cell {k} (a solution) is not collapsed with a passed check: {cell}")
        if kind == "exercise" and (cell["collapsed"] or "Not done yet" not in cell["output"]):
            lab.fail(f"code cell {k} (an exercise) is collapsed or does not say 'Not done yet': {cell}")
        if not kind and cell["collapsed"]:
            lab.fail(f"code cell {k} is collapsed but is not a solution")
    lab.page.locator(".jp-InputPlaceholder").first.scroll_into_view_if_needed()
    lab.screenshot("lab-solution-collapsed.png")

# ---------------------------------------------------------------------------------------------------------------
# Presenting with RISE (jupyterlab-rise): Alt+R in the notebook opens the reveal.js slideshow in a panel
# ---------------------------------------------------------------------------------------------------------------


def fragments_from_metadata(nb):
    """Fragment cells after the first cell shown: each is one more press of Space (RISE ignores the slide type of
    the cells before any content, as slides_from_metadata does)."""
    shown = [c.metadata.get("slideshow", {}).get("slide_type", "-") for c in nb.cells]
    shown = [kind for kind in shown if kind not in ("skip", "notes")]
    return shown[1:].count("fragment")


# reveal.js's state in RISE's iframe, from the DOM (RISE keeps its Reveal object private): null until reveal.js is
# ready; else the indices (h, v, f) of the slide shown, the slide number reveal.js draws, the slide's own id, the code
# of its cells, its content height and overflow (RISE's `scroll` setting) and the deck's height.
RISE_STATE_JS = r"""() => {
  const reveal = document.querySelector('.reveal.ready');
  if (!reveal) return null;
  const hs = [...reveal.querySelectorAll('.slides > section')];
  const h = hs.findIndex((s) => s.classList.contains('present'));
  const vs = h < 0 ? [] : [...hs[h].querySelectorAll(':scope > section')];
  const v = vs.findIndex((s) => s.classList.contains('present'));
  const leaf = vs[v];
  if (!leaf) return null;
  return {
    indices: [h, v, leaf.querySelectorAll('.fragment.visible').length],
    number: ((document.querySelector('.reveal .slide-number') || {}).innerText || '').replace(/\s+/g, ''),
    id: leaf.id,
    code: [...leaf.querySelectorAll('.jp-CodeCell .jp-InputArea-editor')].map((e) => e.innerText.trim()),
    content: leaf.scrollHeight, overflow: getComputedStyle(leaf).overflowY,
    deck: reveal.getBoundingClientRect().height,
  };
}"""

# true once the slide or fragment shown is another than at `old` (indices)
RISE_MOVED_JS = "(old) => { const s = (" + RISE_STATE_JS + """)();
  return !!s && JSON.stringify(s.indices) !== JSON.stringify(old); }"""

# what the RISE settings change: reveal.js's classes, the theme's stylesheet, the number of slides
RISE_DECK_JS = r"""() => ({
  slides: [...document.querySelectorAll('.reveal .slides section')].filter((s) => !s.querySelector('section')).length,
  body: [...document.body.classList], reveal: [...document.querySelector('.reveal').classList],
  headingFont: getComputedStyle(document.querySelector('.reveal')).getPropertyValue('--r-heading-font'),
})"""


def test_rise_presents_the_notebook(lab_server, lab):
    """An instructor presents with RISE in JupyterLab: with the notebook focused in command mode (on the widget's
    cell), Alt+R opens jupyterlab-rise's slideshow panel (an iframe on /rise/<notebook>). There reveal.js is ready
    with as many slides as the notebook's slide metadata gives, the notebook's `rise` settings took effect
    (slide number "c/t" = "1/19", start at the beginning although another cell is selected, transition none,
    theme simple's stylesheet, scroll on the slides taller than the screen) and Space walks through every
    fragment and slide in order to "19/19", the widget's cell on the slide its metadata puts it on.

    Not checked, because it does not work: the widget itself inside RISE. jupyterlab-rise 0.43.1's own app
    cannot load ipywidgets 8's front end ("Shared module @jupyterlab/console doesn't exist in shared scope";
    jupyterlab-contrib/rise#119), so the slide shows the widget's text (VBox(...)); the console log is saved.

    A second browser context on the same server and kernel, so the other tests' page and console stay as they were.
    """
    from playwright.sync_api import Error as PlaywrightError

    nb = nbformat.read(NOTEBOOK, as_version=4)
    settings = nb.metadata["rise"]
    assert (settings["slideNumber"], settings["start_slideshow_at"], settings["transition"], settings["theme"],
            settings["scroll"]) == ("c/t", "beginning", "none", "simple", True), settings
    n_slides, n_fragments = slides_from_metadata(nb), fragments_from_metadata(nb)
    widget_cell = next(i for i, c in enumerate(nb.cells) if c.source.strip() == "graph_stepper()")
    widget_slide = slides_from_metadata(nbformat.v4.new_notebook(cells=nb.cells[:widget_cell + 1]))
    assert 1 < widget_slide < n_slides

    context = lab.page.context.browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    base, log_path = lab_server
    session = Lab(page, log_path, prefix="lab-rise")
    page.route(re.compile(r"^(?!https?://127\.0\.0\.1:)"), session.offline)
    page.add_locator_handler(page.locator(".jp-Dialog"), session.accept_dialog)
    states = []
    try:
        page.goto(f"{base}/lab/tree/{NOTEBOOK.name}?token={TOKEN}")
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status=idle]")
        # select the widget's cell (command mode, the focus in the notebook): RISE would start there if the
        # notebook did not say start_slideshow_at: beginning
        page.locator(".jp-Notebook .jp-Cell").nth(widget_cell).locator(".jp-InputPrompt").click()
        page.keyboard.press("Escape")
        page.wait_for_function(f"""() => {{
            const nb = document.activeElement.closest('.jp-Notebook.jp-mod-commandMode');
            return !!nb && [...nb.querySelectorAll('.jp-Cell')].findIndex(
                (c) => c.classList.contains('jp-mod-active')) === {widget_cell}; }}""")
        page.keyboard.press("Alt+R")
        frame = page.wait_for_selector(".jp-MainAreaWidget iframe[src*='/rise/']").content_frame()
        frame.wait_for_function(RISE_STATE_JS, timeout=2 * TIMEOUT_MS)  # RISE loads a whole second app
        states.append(frame.evaluate(RISE_STATE_JS))
        deck = frame.evaluate(RISE_DECK_JS)
        session.screenshot("lab-rise.png")
        # Space: the next fragment, else the next slide (subslides included); every press must move on
        for _ in range(n_slides - 1 + n_fragments):
            page.keyboard.press("Space")
            frame.wait_for_function(RISE_MOVED_JS, arg=states[-1]["indices"])
            states.append(frame.evaluate(RISE_STATE_JS))
            if "graph_stepper()" in states[-1]["code"] and "graph_stepper()" not in states[-2]["code"]:
                session.screenshot("lab-rise-widget-slide.png")
        url = frame.url
    except PlaywrightError as error:
        session.fail(f"presenting {NOTEBOOK.name} with RISE (Alt+R) failed after {len(states)} state(s) "
                     f"{[s['number'] for s in states]}: {error}")
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "lab-rise-console.log").write_text("".join(f"[{k}] {t}\n" for k, t in session.console))
        context.close()

    assert re.search(rf"/rise/{re.escape(NOTEBOOK.name)}(\?|#|$)", url), url
    assert deck["slides"] == n_slides, deck
    first = states[0]
    assert first["indices"] == [0, 0, 0] and first["id"] == "slide-0-0", first  # beginning, not the widget's slide
    assert first["number"] == f"1/{n_slides}", first  # slideNumber c/t
    assert "none" in deck["reveal"] and f"theme-{settings['theme']}" in deck["body"], deck  # transition, theme
    assert "News Cycle" in deck["headingFont"], deck  # reveal.js's `simple` theme stylesheet is applied
    # every press moved forward: indices strictly increasing, slide numbers 1..N each once, in order
    indices = [tuple(s["indices"]) for s in states]
    assert indices == sorted(set(indices)), indices
    numbers = [s["number"] for s in states]
    assert list(dict.fromkeys(numbers)) == [f"{k}/{n_slides}" for k in range(1, n_slides + 1)], numbers
    assert sum(1 for a, b in zip(numbers, numbers[1:]) if a == b) == n_fragments, numbers
    # the widget's cell is on its slide; its output is there (as text: see the docstring)
    on_widget_slide = {s["number"] for s in states if "graph_stepper()" in s["code"]}
    assert on_widget_slide == {f"{widget_slide}/{n_slides}"}, on_widget_slide
    # scroll: true: RISE makes a slide taller than the screen scroll (the others keep their height)
    tall = [s for s in states if s["content"] > 1.1 * s["deck"]]
    short = [s for s in states if s["content"] < 0.8 * s["deck"]]
    assert tall and short, [(s["number"], s["content"], s["deck"]) for s in states]
    assert {s["overflow"] for s in tall} == {"scroll"}, tall
    assert {s["overflow"] for s in short} == {"visible"}, short
