"""The playground of notebooks/13_playground.ipynb in a real browser: JupyterLab + headless Chromium.

A module fixture starts ``jupyter lab`` on a temporary copy of the notebook (``browser_support.jupyter_lab``: its
own settings, no network), opens it in the system's Chromium, clears the committed outputs and runs all cells.
Then the test types into the playground's text box as a student would (fill, Enter) and checks after every action
that the page shows what the pure function :func:`adlib.course.playground.playground_view` says it should: the
gradient line with JAX's cross-check, a new PNG of the graph, the stepping widget rebuilt for the new function
(its heading, its mode buttons, ▶ working), the trace tables, the point's boxes disabled for unused variables — and
for a bad expression the plain message (no graph, no traces, no traceback), after which a good one works again.

Synchronisation is on DOM state only (``wait_for_function``). Screenshots go to ``build/screenshots/``
(git-ignored) as ``playground-*.png``, the last as ``playground-playground.png``, with the console log; on a
failure ``playground-FAILED*``. Quick: 30–45 s on the course's 2-core machine (measured: JupyterLab's start and
the notebook's Run All 19–26 s, the five states 6–9 s; ``pytest -s`` prints both).

Without Chromium or Playwright the test skips, unless ``ADLIB_REQUIRE_BROWSER=1`` (``make test``): then it fails.
"""

import re
import time
from html import unescape
from pathlib import Path

import jax
import pytest
from browser_support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, LabPage, jupyter_lab

import adlib.numpy as anp
from adlib.course.playground import DEFAULT_EXPRESSION, DEFAULT_POINT, playground_view, render_playground
from adlib.course.widgets import render_view, step_view

jax.config.update("jax_enable_x64", True)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "13_playground.ipynb"
TIMEOUT_MS = 60_000  # per wait; the machine is a shared 2-core VM


def text_of(html):
    """The text of a snippet of HTML, as the browser's innerText shows it, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def expected(text, point=DEFAULT_POINT):
    """What the playground must show for ``text`` at ``point``, from the pure functions."""
    view = playground_view(text, point, jax=jax)
    html = [i.data for i in render_playground(view, "summary") if hasattr(i, "data") and isinstance(i.data, str)]
    want = {
        "gradient": next((text_of(h) for h in html if "adlib-playground-gradient" in h), None),
        "message": next((text_of(h) for h in html if "adlib-playground-message" in h), None),
        "disabled": [view.expression is not None and v not in view.expression.variables for v in "xyz"],
        "tables": len(view.forward) + (view.reverse is not None),
        "graph": view.ok,
    }
    if view.ok:
        first = step_view(view.point, f"forward ∂/∂{view.inputs[0]}", 0, view.expression.function(anp), view.inputs,
                          "f")
        want["stepper"] = text_of(render_view(first)[0].data)
        want["modes"] = [f"forward ∂/∂{v}" for v in view.inputs] + ["reverse"]
    else:
        want["stepper"], want["modes"] = None, []
    return view, want


# The playground as the page shows it: its VBox is the one whose first child is the text box "f ="; its children are
# the text box, the point's boxes, the summary (an Output), the stepping widget (a VBox) and the traces (an Output).
SNAPSHOT_JS = r"""() => {
  const box = [...document.querySelectorAll('.jp-OutputArea-output .widget-vbox')].find((b) => {
    const label = b.querySelector(':scope > .widget-text > .widget-label');
    return label && label.textContent.trim() === 'f =';
  });
  if (!box) return null;
  const [text, point, summary, stepper, traces] = [...box.children];
  const maths = (el) => el.querySelectorAll('.jp-OutputArea-output[data-mime-type="text/latex"] mjx-container').length;
  const clean = (el) => el ? el.innerText.replace(/\s+/g, ' ').trim() : null;
  const stepHeading = [...stepper.querySelectorAll('.widget-output .jp-OutputArea-output[data-mime-type="text/html"]')]
    .map(clean).find((t) => t.includes(' — step '));
  const img = summary.querySelector('.jp-OutputArea-output[data-mime-type="image/png"] img');
  const stepperImg = stepper.querySelector('.jp-OutputArea-output[data-mime-type="image/png"] img');
  return {
    text: text.querySelector('input').value,
    gradient: clean(summary.querySelector('.adlib-playground-gradient')),
    message: clean(summary.querySelector('.adlib-playground-message')),
    img: img ? img.getAttribute('src') : null,
    latex: maths(summary),
    disabled: [...point.querySelectorAll('input')].map((i) => i.disabled),
    stepper: stepHeading || null,
    stepperImg: stepperImg ? stepperImg.getAttribute('src') : null,
    stepperFormulas: maths(stepper),
    modes: [...stepper.querySelectorAll('.widget-toggle-button')].map((b) => b.textContent.trim()),
    stepperNote: clean(stepper.querySelector('.widget-html')),
    tables: traces.querySelectorAll('table').length,
  };
}"""

# the playground at the top of the window, for the screenshots
SCROLL_JS = "() => { const box = document.querySelector('.jp-OutputArea-output .widget-vbox'); " \
            "box.scrollIntoView({block: 'start'}); }"

# true once the page shows `want` (and, where a graph is wanted, a PNG other than `oldImg`)
MATCHES_JS = "([want, oldImg]) => { const s = (" + SNAPSHOT_JS + r""")();
  return !!s && s.gradient === want.gradient && s.message === want.message && s.stepper === want.stepper
    && JSON.stringify(s.modes) === JSON.stringify(want.modes) && JSON.stringify(s.disabled) === JSON.stringify(
    want.disabled) && s.tables === want.tables
    && (want.graph ? !!s.img && s.img.startsWith('data:image/png;base64,') && s.img !== oldImg && s.latex >= 1
        && !!s.stepperImg && s.stepperFormulas === 2 : !s.img && !s.stepperImg); }"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """The notebook open in headless Chromium, all cells run, the playground rendered."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    for stale in ARTIFACTS.glob("playground-*"):  # this run's files only
        stale.unlink()
    started = time.monotonic()
    with jupyter_lab([NOTEBOOK], tmp_path_factory.mktemp("lab")) as (base, log_path), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.set_default_timeout(TIMEOUT_MS)
        session = LabPage(page, log_path, prefix="playground")
        try:
            session.run_all(base, NOTEBOOK.name, timeout_ms=3 * TIMEOUT_MS)
            page.wait_for_function(f"() => !!({SNAPSHOT_JS})()?.gradient")
        except PlaywrightError as error:
            session.fail(f"opening and running {NOTEBOOK.name} in JupyterLab failed: {error}")
        session.setup_seconds = time.monotonic() - started
        yield session
        session.save_console()
        browser.close()


def test_playground_in_the_browser(lab):
    """Type a new function (the view, the graph, the stepper and the traces follow), step it, type a bad one (a
    plain message), then a good one again (it works)."""
    from playwright.sync_api import Error as PlaywrightError

    page, started = lab.page, time.monotonic()
    text_box = page.locator(".jp-OutputArea-output .widget-text", has=page.locator(".widget-label", has_text="f ="))
    text_box = text_box.locator("input")
    seen = []

    def check(text, old_img, what):
        view, want = expected(text)
        try:
            page.wait_for_function(MATCHES_JS, arg=[want, old_img])
        except PlaywrightError:
            shown = page.evaluate(f"({SNAPSHOT_JS})()") or {}
            shown = {k: v for k, v in shown.items() if k != "img"} | {"img changed": shown.get("img") != old_img}
            lab.fail(f"after {what}: the page shows\n  {shown}\nbut playground_view says\n  {want}")
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status=idle]")  # every output has arrived
        shown = page.evaluate(f"({SNAPSHOT_JS})()")
        assert shown["text"] == text
        if view.ok:  # the function as read, typeset by MathJax; JAX agrees
            assert shown["latex"] >= 1 and "✅ JAX" in shown["gradient"] and view.jax_difference <= 1e-12
        else:
            assert shown["latex"] == (view.expression is not None) and "Traceback" not in shown["message"]
            assert shown["stepperNote"] and "returns" in shown["stepperNote"]
        seen.append((what, view.status, shown["gradient"] or shown["message"]))
        page.evaluate(SCROLL_JS)
        lab.screenshot(f"{len(seen) - 1}-{re.sub(r'[^a-z0-9]+', '-', what.lower()).strip('-')}.png")
        return shown

    def type_in(text):
        text_box.fill(text)
        text_box.press("Enter")

    shown = check(DEFAULT_EXPRESSION, None, "running the notebook")
    for what, text in [("typing tanh(x*y + z)", "tanh(x*y + z)")]:
        type_in(text)
        shown = check(text, shown["img"], what)
    # the stepping widget of the new function works: ▶ moves it to step 1
    stepper_heading = shown["stepper"]
    page.locator(".jp-OutputArea-output .widget-button", has_text="▶").first.click()
    page.wait_for_function(f"() => ({SNAPSHOT_JS})()?.stepper?.endsWith('step 1 of 5')")
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status=idle]")
    assert stepper_heading.endswith("step 0 of 5")
    page.evaluate(SCROLL_JS)
    lab.screenshot("stepped.png")
    for what, text in [("typing a syntax error", "tanh(x*y +"), ("typing an unknown name", "foo(x)"),
                       ("typing a good function again", "x**2 * log(y)")]:
        type_in(text)
        shown = check(text, shown["img"], what)
    lab.screenshot("playground.png")
    assert [s[1] for s in seen] == ["ok", "ok", "syntax", "name", "ok"]
    assert "'(' was never closed" in seen[2][2] and "unknown" not in seen[2][2] and "foo() is not" in seen[3][2]
    assert len({s[2] for s in seen}) == len(seen)  # every action changed what the view says
    errors = lab.errors()
    if errors:
        lab.fail(f"the browser reported errors: {errors}")
    print(f"\nJupyterLab start + Run All: {lab.setup_seconds:.0f} s; the five states: "
          f"{time.monotonic() - started:.0f} s")
