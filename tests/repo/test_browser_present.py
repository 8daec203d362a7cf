"""`make present` (tools/present.py): live reveal.js slides on which the widgets work (Voilà), offline.

The fast tests check tools/present.py's pieces: which notebook `NB=04` names, the RISE → reveal.js settings and the
Voilà configuration. The `browser` tests start the real thing, ``tools/present.py``'s server (Voilà on 127.0.0.1
with a token, the template of tools/present_template with its assets from the pinned npm tarballs), for
notebooks 04 and 06, and open the deck in headless Chromium at the projector's 1280×720, with every request that
does not go to 127.0.0.1 answered "204 No Content" and recorded (there must be none). On each deck:

* the deck is reveal.js with the notebook's RISE settings (slide count from the slide metadata, slide number
  "1/N", theme, transition);
* the widget's slide is found by its content (the ▶ button of the stepper, the "n (inputs)" slider of 06's
  interact), not by an index, so cells added to the notebooks do not break the test; on it the test presses ▶ and
  moves sliders with the keyboard, and checks that the slide shows what the pure function computes (04:
  adlib.course.widgets.step_view: heading, «Функция»/«Производная» formulas, the trace's rows, the node stepped
  to; 06: adlib.course.jacobian.compare_modes's pass counts for the new n) and that the keys moved the control,
  not the slide; Space then goes on to the next slide;
* no JavaScript error and no console error;
* every slide at 1280×720: either it fits, or it scrolls (RISE's ``scroll``); the slides that scroll are listed in
  ``build/screenshots/present-NN-layout.json`` with each figure's displayed scale and the size on the slide of its
  smallest text (``adlib.course.projector``'s arithmetic), which must be ≥ 10 pt.

Screenshots (``build/screenshots/present-NN-*.png``, git-ignored): the widget's slide before and after, one per
slide of the deck (``present-NN-slides/``), and the console log. On a failure ``present-NN-FAILED*`` (screenshot,
console, server log). About 110 s on the 2-core machine: opening the decks takes 30 s (04) and 45 s (06), most of it
Voilà running the notebooks; walking and photographing every slide 25 s.
"""

import base64
import importlib.util
import json
import math
import shutil
import struct
import sys
import time
from pathlib import Path

import nbformat
import pytest
from browser_support import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    STEPPER_MATCHES_JS,
    STEPPER_SNAPSHOT_JS,
    LabPage,
    require_browser,
    slides_from_metadata,
    stepper_expected,
)

from adlib.course import projector

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "adlib-present-test"
TIMEOUT_MS = 60_000  # per wait; the machine is a shared 2-core VM
RUN_TIMEOUT_MS = 240_000  # Voilà runs the whole notebook before it shows the deck (06: 15–45 s alone)
VIEWPORT = {"width": 1280, "height": 720}


def _load_tool():
    spec = importlib.util.spec_from_file_location("present", ROOT / "tools" / "present.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("present", module)
    spec.loader.exec_module(module)
    return module


present = _load_tool()


# ---------------------------------------------------------------------------------------------------------------
# tools/present.py without a browser
# ---------------------------------------------------------------------------------------------------------------


def test_the_notebook_is_named_by_its_number(tmp_path):
    for name in ("04_forward_mode.ipynb", "05_reverse_mode.ipynb", "10_checkpointing.ipynb"):
        (tmp_path / name).write_text("{}")
    (tmp_path / "04_forward_mode.slides.ipynb").write_text("{}")  # not a notebook of the course: NN_ only
    assert present.find_notebook("04", tmp_path).name == "04_forward_mode.ipynb"
    assert present.find_notebook("4", tmp_path).name == "04_forward_mode.ipynb"
    assert present.find_notebook("10", tmp_path).name == "10_checkpointing.ipynb"
    assert present.find_notebook(str(tmp_path / "05_reverse_mode.ipynb")) == (tmp_path / "05_reverse_mode.ipynb")
    with pytest.raises(ValueError, match=r"NB=07: no notebook .* 04_forward_mode.ipynb, 05_reverse_mode"):
        present.find_notebook("07", tmp_path)
    with pytest.raises(ValueError, match="a notebook's number"):
        present.find_notebook("forward", tmp_path)
    with pytest.raises(ValueError, match="no notebook"):
        present.find_notebook(str(tmp_path / "99_missing.ipynb"))
    assert present.find_notebook("04").parent == ROOT / "notebooks"  # the default folder


def test_rise_settings_become_the_decks_reveal_settings():
    course = {"height": "100%", "scroll": True, "slideNumber": "c/t", "start_slideshow_at": "beginning",
              "theme": "simple", "transition": "none", "width": "100%"}
    assert present.reveal_resources(course) == {
        "theme": "simple", "transition": "none", "scroll": True, "number": "c/t", "width": 1280, "height": 720}
    # RISE's defaults where a key is absent (its 100% size too); pixel sizes are kept
    assert present.reveal_resources({}) == {
        "theme": "white", "transition": "slide", "scroll": False, "number": "", "width": 1280, "height": 720}
    assert present.reveal_resources({"width": 1024, "height": "768.5", "slideNumber": True}) | {} == {
        "theme": "white", "transition": "slide", "scroll": False, "number": "h.v", "width": 1024, "height": 768.5}
    with pytest.raises(ValueError, match="not a reveal.js theme"):
        present.reveal_resources({"theme": "dracula"})
    with pytest.raises(ValueError, match="percentage"):
        present.reveal_resources({"width": "wide"})


def test_the_voila_configuration_of_notebook_04():
    notebook = ROOT / "notebooks" / "04_forward_mode.ipynb"
    config = present.voila_config(notebook)["VoilaConfiguration"]
    assert config["template"] == "adlib_present" and config["strip_sources"] is False
    assert present.voila_config(notebook, show_code=False)["VoilaConfiguration"]["strip_sources"] is True
    assert config["resources"]["reveal"] == present.reveal_resources(nbformat.read(notebook, 4).metadata["rise"])
    # only the widget managers: jupytext's and RISE's front ends fail outside JupyterLab (console errors)
    assert set(config["extension_allowlist"]) == {"@jupyter-widgets/jupyterlab-manager",
                                                  "@voila-dashboards/widgets-manager7",
                                                  "@voila-dashboards/widgets-manager8"}


def test_the_server_listens_on_localhost_with_a_token():
    command = present.server_command(Path("/x/04.ipynb"), 8866, "secret")
    assert "--Voila.ip=127.0.0.1" in command and "--token=secret" in command and "--no-browser" in command
    env = present.server_env(Path("/d"), Path("/c"), base={"JUPYTER_PATH": "/old", "MPLBACKEND": "Agg"})
    assert env["JUPYTER_PATH"].split(":") == ["/d", "/old"] and env["JUPYTER_CONFIG_PATH"] == "/c"
    assert env["MPLBACKEND"] == "module://matplotlib_inline.backend_inline"  # figures inline, whatever the shell says


def test_the_template_loads_nothing_from_the_network():
    bs = sys.modules.get("build_slides") or present._build_slides()
    for path in (ROOT / "tools" / "present_template").rglob("*"):
        if path.is_file():
            assert bs.remote_resources(path.read_text()) == [], path


# ---------------------------------------------------------------------------------------------------------------
# The deck in a browser
# ---------------------------------------------------------------------------------------------------------------

# reveal.js's slides from the DOM (Voilà's reveal.js object is private): [h, v] of every leaf <section>
SLIDES_JS = r"""() => [...document.querySelectorAll('.reveal .slides > section')].flatMap((s, h) => {
  const vs = [...s.querySelectorAll(':scope > section')];
  return vs.length ? vs.map((_, v) => [h, v]) : [[h, 0]]; })"""

# the slide shown: its [h, v], reveal.js's slide number, its content height (CSS pixels of the 1280×720 slide),
# overflow, and its images: natural size, width on the screen, the slide's scale
CURRENT_JS = r"""() => {
  const reveal = document.querySelector('.reveal.ready');
  if (!reveal) return null;
  const hs = [...reveal.querySelectorAll('.slides > section')];
  const h = hs.findIndex((s) => s.classList.contains('present'));
  if (h < 0) return null;
  const vs = [...hs[h].querySelectorAll(':scope > section')];
  const v = vs.length ? vs.findIndex((s) => s.classList.contains('present')) : 0;
  const leaf = vs.length ? vs[v] : hs[h];
  if (!leaf) return null;
  return {
    hv: [h, v],
    number: ((reveal.querySelector('.slide-number') || {}).innerText || '').replace(/\s+/g, ''),
    content: leaf.scrollHeight, overflow: getComputedStyle(leaf).overflowY,
    title: ((leaf.querySelector('h1, h2, h3') || {}).innerText || leaf.innerText).trim().split('\n')[0].slice(0, 80),
    images: [...leaf.querySelectorAll('img')].filter((i) => i.naturalWidth > 0).map((i) => ({
      natural: i.naturalWidth, shown: i.getBoundingClientRect().width, src: i.getAttribute('src').slice(0, 2000),
      widget: !!i.closest('.widget-output') })),
  };
}"""


def png_dpi(src):
    """The dpi a data:image/png URI says (its pHYs chunk; matplotlib writes the figure's dpi there), or None."""
    if not src.startswith("data:image/png;base64,"):
        return None
    head = src.split(",", 1)[1]
    data = base64.b64decode(head[: len(head) // 4 * 4])  # the first bytes: the chunks before the image data
    at = data.find(b"pHYs")
    if at < 0:
        return None
    x, _, unit = struct.unpack(">IIB", data[at + 4:at + 13])
    return x * 0.0254 if unit == 1 else None


class Deck(LabPage):
    """A deck of tools/present.py in the browser (LabPage: console log, offline, artifacts on failure)."""

    def go(self, hv):
        """Show slide [h, v] (reveal.js's URL hash, as the browser's back/forward and a reload use it)."""
        self.page.evaluate("(hv) => { location.hash = '#/' + hv[0] + '/' + hv[1]; }", hv)
        self.page.wait_for_function(f"(hv) => {{ const s = ({CURRENT_JS})(); return !!s && s.hv[0] === hv[0] "
                                    "&& s.hv[1] === hv[1]; }", arg=hv)
        self.page.wait_for_timeout(150)  # reveal.js's slidechanged handlers (the scroll setting) run after the hash
        return self.page.evaluate(f"({CURRENT_JS})()")

    def offline_requests(self):
        return [text for kind, text in self.console if kind == "offline"]


@pytest.fixture(scope="module")
def browser():
    require_browser("voila")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_deck(browser, tmp_path_factory, number):
    """Start tools/present.py's server for notebook ``number`` and open its deck; returns (deck, server, seconds)."""
    from playwright.sync_api import Error as PlaywrightError

    notebook = present.find_notebook(number)
    prefix = f"present-{number}"
    for stale in ARTIFACTS.glob(f"{prefix}-*"):  # this run's files only
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    tmp = tmp_path_factory.mktemp(prefix)
    log_path = tmp / "server.log"
    started = time.monotonic()
    with open(log_path, "w") as log:
        try:
            server, url = present.start(notebook, token=TOKEN, build=tmp / "build", log=log)
        except RuntimeError as error:
            pytest.fail(f"tools/present.py could not start: {error}\n{log_path.read_text()[-3000:]}")
    assert url.startswith("http://127.0.0.1:") and url.endswith(f"?token={TOKEN}"), url
    page = browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(TIMEOUT_MS)
    deck = Deck(page, log_path, prefix)
    deck.notebook = nbformat.read(notebook, as_version=4)
    try:
        page.goto(url, wait_until="commit")
        page.wait_for_selector(".reveal.ready", timeout=RUN_TIMEOUT_MS)  # after Voilà ran every cell
        page.wait_for_selector(".jp-OutputArea-output .widget-output img", state="attached")  # the widget's figure
    except PlaywrightError as error:
        try:
            deck.fail(f"the deck of {notebook.name} did not open: {error}")
        finally:  # the server and its kernel go with the failed setup (no teardown runs for it)
            page.close()
            present.stop(server)
    return deck, server, time.monotonic() - started


def close_deck(deck, server):
    deck.save_console()
    deck.page.close()
    present.stop(server)


@pytest.fixture(scope="module")
def deck04(browser, tmp_path_factory):
    deck, server, seconds = open_deck(browser, tmp_path_factory, "04")
    deck.setup_seconds = seconds
    yield deck
    close_deck(deck, server)


@pytest.fixture(scope="module")
def deck06(browser, tmp_path_factory):
    deck, server, seconds = open_deck(browser, tmp_path_factory, "06")
    deck.setup_seconds = seconds
    yield deck
    close_deck(deck, server)


def check_the_deck(deck):
    """reveal.js with the notebook's RISE settings: its slides, the slide number, the theme, the transition."""
    rise = deck.notebook.metadata["rise"]
    n_slides = slides_from_metadata(deck.notebook)
    slides = deck.page.evaluate(SLIDES_JS)
    assert len(slides) == n_slides, (len(slides), n_slides)
    first = deck.go([0, 0])
    assert first["number"] == f"1/{n_slides}", first  # slideNumber c/t
    classes = deck.page.evaluate("() => [...document.querySelector('.reveal').classList]")
    assert rise["transition"] in classes, classes
    theme = deck.page.evaluate("() => document.querySelector('link#theme').getAttribute('href')")
    assert theme.endswith(f"/reveal.js/dist/theme/{rise['theme']}.css") and theme.startswith("/voila/"), theme
    return slides


def widget_slide(deck, selector):
    """[h, v] of the one slide holding ``selector`` (found by content, not by index)."""
    found = deck.page.evaluate("""([slidesJs, sel]) => (eval(slidesJs))().filter(([h, v]) => {
        const s = document.querySelectorAll('.reveal .slides > section')[h];
        const vs = s.querySelectorAll(':scope > section');
        return !!(vs.length ? vs[v] : s).querySelector(sel); })""", [SLIDES_JS, selector])
    assert len(found) == 1, f"{len(found)} slides hold {selector}: {found}"
    return found[0]


@pytest.mark.browser
def test_graph_stepper_moves_on_its_slide(deck04):
    """Notebook 04's stepper on its slide: ▶, the step slider and the w1 slider (keyboard) change the slide to what
    step_view says (heading, «Функция»/«Производная», the trace's rows, the node stepped to, a new PNG); the keys
    move the sliders, not the slides; Space then moves on to the next slide."""
    from playwright.sync_api import Error as PlaywrightError

    deck, page = deck04, deck04.page
    check_the_deck(deck)
    hv = widget_slide(deck, ".widget-vbox .widget-button[title='▶']")
    deck.go(hv)
    box = page.locator(".jp-OutputArea-output .widget-vbox").first
    sliders = {label: box.locator(".widget-slider", has=page.locator(".widget-label", has_text=label))
               for label in ("w1", "step")}
    seen = []

    def check(state, old_img, what):
        want = stepper_expected(*state)
        try:
            page.wait_for_function(STEPPER_MATCHES_JS, arg=[want, old_img])
        except PlaywrightError:
            now = page.evaluate(f"({STEPPER_SNAPSHOT_JS})()") or {}
            now = {k: v for k, v in now.items() if k != "img"} | {"img changed": now.get("img") != old_img}
            deck.fail(f"after {what}: the slide shows\n  {now}\nbut step_view{state} says\n  {want}")
        now = page.evaluate(f"({STEPPER_SNAPSHOT_JS})()")
        assert now["formulas"][0].split("=")[0] == want["node"]  # the node stepped to (highlighted in the graph)
        assert now["step"] == str(state[2]) and now["mode"] == state[1]
        slide = page.evaluate(f"({CURRENT_JS})()")
        assert slide["hv"] == hv, f"after {what} the deck moved to slide {slide['hv']}, not staying on {hv}"
        seen.append((what, now["heading"], now["formulas"]))
        return now

    now = check(((2.0, 3.0), "forward ∂/∂w1", 0), None, "opening the deck")
    box.scroll_into_view_if_needed()  # the slide scrolls (it is taller than the screen): the widget in view
    deck.screenshot("stepper-0.png")
    for what, act, state in [
        ("press ▶", lambda: box.locator(".widget-button", has_text="▶").click(), ((2.0, 3.0), "forward ∂/∂w1", 1)),
        ("step slider → (keyboard)", lambda: sliders["step"].locator(".noUi-handle").press("ArrowRight"),
         ((2.0, 3.0), "forward ∂/∂w1", 2)),
        ("w1 slider → (keyboard)", lambda: sliders["w1"].locator(".noUi-handle").press("ArrowRight"),
         ((2.05, 3.0), "forward ∂/∂w1", 2)),
        ("press ▶", lambda: box.locator(".widget-button", has_text="▶").click(), ((2.05, 3.0), "forward ∂/∂w1", 3)),
    ]:
        act()
        now = check(state, now["img"], what)
    box.scroll_into_view_if_needed()
    deck.screenshot("stepper.png")
    assert [s[1].split("step ")[-1] for s in seen] == ["0 of 5", "1 of 5", "2 of 5", "2 of 5", "3 of 5"], seen
    assert all(a[2] != b[2] for a, b in zip(seen, seen[1:])), seen  # the formulas changed at every action
    # with ▶ focused, Space is reveal.js's "next slide" (and does not press ▶ again)
    page.keyboard.press("Space")
    page.wait_for_function(f"(hv) => {{ const s = ({CURRENT_JS})(); return !!s && (s.hv[0] !== hv[0] "
                           "|| s.hv[1] !== hv[1]); }", arg=hv)
    assert page.evaluate(f"({STEPPER_SNAPSHOT_JS})()")["step"] == "3"


@pytest.mark.browser
def test_jacobian_widget_moves_on_its_slide(deck06):
    """Notebook 06's `interactive(show_modes, n, m, kind)` on its slide: the n slider moved with the keyboard
    (twice) re-runs compare_modes, and the slide shows its pass counts for the new n (the times vary; the counts
    do not) and a new bar chart."""
    from playwright.sync_api import Error as PlaywrightError

    from adlib.course.jacobian import compare_modes

    deck, page = deck06, deck06.page
    check_the_deck(deck)
    hv = widget_slide(deck, ".widget-interact .widget-slider")
    deck.go(hv)
    box = page.locator(".widget-interact").first
    text_js = """() => { const o = document.querySelector('.widget-interact .widget-output');
        const t = o && o.querySelector('[data-mime-type="application/vnd.jupyter.stdout"]');
        const i = o && o.querySelector('[data-mime-type="image/png"] img');
        return {text: t ? t.innerText.trim() : null, img: i ? i.getAttribute('src') : null}; }"""

    def counts(n, m=400):
        text = compare_modes(n, m, repeat=1)["text"]  # "n = … jacfwd 20 JVPs in 0.41 ms, jacrev … 400 VJPs in …"
        fwd, rev = text.split(" in ")[:2]
        return f"{fwd} in ", f"jacrev{rev.split('jacrev')[1]} in "

    before = page.evaluate(text_js)
    fwd, rev = counts(20)
    assert before["text"] and before["text"].startswith(fwd) and rev in before["text"], before["text"]
    box.scroll_into_view_if_needed()
    deck.screenshot("interact-0.png")
    handle = box.locator(".widget-slider", has=page.locator(".widget-label", has_text="n (inputs)")).locator(
        ".noUi-handle")
    for n in (21, 22):
        handle.press("ArrowRight")
        fwd, rev = counts(n)
        try:
            page.wait_for_function(f"([fwd, rev, old]) => {{ const s = ({text_js})(); return !!s.text && "
                                   "s.text.startsWith(fwd) && s.text.includes(rev) && !!s.img && s.img !== old; }",
                                   arg=[fwd, rev, before["img"]])
        except PlaywrightError:
            deck.fail(f"after n → {n}: the slide shows {page.evaluate(text_js)['text']!r}, compare_modes says "
                      f"{fwd!r} … {rev!r}")
        before = page.evaluate(text_js)
        assert page.evaluate(f"({CURRENT_JS})()")["hv"] == hv  # the key moved the slider, not the deck
    box.scroll_into_view_if_needed()
    deck.screenshot("interact.png")


@pytest.mark.browser
@pytest.mark.parametrize("which", ["04", "06"])
def test_every_slide_fits_or_scrolls_and_figures_are_readable(which, request):
    """At 1280×720 every slide of the deck either fits or scrolls (RISE's scroll: true; content is never cut off),
    and every figure's smallest text is ≥ 10 pt on the slide. A figure's size on the slide is what the browser
    shows (its PNG's pixels × the scale at which it is drawn, the deck's scale included) and its dpi (the PNG's
    pHYs); its smallest text is the stepper's own (adlib.course.projector.smallest_text of render_view's figure)
    for the widget's figure, and projector.RC's smallest size (what projector.use() gives every notebook figure;
    the drawing functions' tests check theirs with projector.check_readable) for the others. Writes
    present-NN-layout.json (every slide: number, title, content height, overflow, figures) and a screenshot of
    each slide; the slides taller than the deck are listed there under "scroll"."""
    from adlib.course.widgets import render_view, step_view

    deck = request.getfixturevalue(f"deck{which}")
    slides = deck.page.evaluate(SLIDES_JS)
    height = present.reveal_resources(deck.notebook.metadata["rise"])["height"]  # the slide's, in CSS pixels
    stepper_fig = next(item for item in render_view(step_view((2.0, 3.0), "forward ∂/∂w1", 0))
                       if hasattr(item, "savefig"))
    stepper_pt = projector.smallest_text(stepper_fig, content_width_px=math.inf)[0] * 72 / stepper_fig.dpi / 0.75
    rc_pt = min(v for k, v in projector.RC.items() if k.endswith("size"))
    layout, too_small, cut_off = [], [], []
    folder = ARTIFACTS / f"present-{which}-slides"
    folder.mkdir(parents=True, exist_ok=True)
    for hv in slides:
        slide = deck.go(hv)
        deck.page.screenshot(path=folder / f"slide-{hv[0]:02d}-{hv[1]:02d}.png")
        figures = []
        for image in slide["images"]:
            dpi = png_dpi(image["src"])
            assert dpi, f"slide {slide['number']}: a figure's PNG has no dpi (pHYs): {image['src'][:60]}"
            scale = image["shown"] / image["natural"]
            smallest = (stepper_pt if image["widget"] and which == "04" else rc_pt) * dpi / 72 * scale * 0.75
            figures.append({"width_px": image["natural"], "dpi": round(dpi), "shown_scale": round(scale, 3),
                            "smallest_text_pt": round(smallest, 1), "widget": image["widget"]})
            if smallest < projector.MIN_POINTS:
                too_small.append((slide["number"], slide["title"], figures[-1]))
        layout.append({"number": slide["number"], "hv": hv, "title": slide["title"], "content_px": slide["content"],
                       "overflow": slide["overflow"], "figures": figures})
        if slide["content"] > height and slide["overflow"] != "scroll":
            cut_off.append((slide["number"], slide["title"], slide["content"]))
    report = {"deck": f"{which} at {VIEWPORT['width']}×{VIEWPORT['height']}, slide height {height} px",
              "scroll": [f"{s['number']} {s['title']} ({s['content_px']} px)" for s in layout
                         if s["content_px"] > height],
              "slides": layout}
    (ARTIFACTS / f"present-{which}-layout.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    assert not cut_off, f"slides taller than {height} px that do not scroll (cut off): {cut_off}"
    assert not too_small, f"figure text under {projector.MIN_POINTS} pt on the slide: {too_small}"
    assert len(layout) == slides_from_metadata(deck.notebook)


@pytest.mark.browser
@pytest.mark.parametrize("which", ["04", "06"])
def test_no_errors_and_nothing_from_the_network(which, request):
    """The deck, its widget and every slide shown: no JavaScript error, no console error, no widget-manager warning,
    and not one request to anything but the server on 127.0.0.1 (every asset is local)."""
    deck = request.getfixturevalue(f"deck{which}")
    deck.go([0, 0])
    deck.save_console()
    if deck.errors() or deck.offline_requests():
        deck.fail(f"errors {deck.errors()}, requests off the machine {deck.offline_requests()}")
    assert deck.setup_seconds < RUN_TIMEOUT_MS / 1000
