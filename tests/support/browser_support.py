"""What the browser tests (marker `browser`: test_browser_lab.py, test_browser_playground.py, test_slides.py) share:
which Chromium they drive and how, what happens when it is missing, the slide count a deck must have by its
notebook's metadata, and a JupyterLab server with a page that runs a notebook (:func:`jupyter_lab`, :class:`LabPage`).

Playwright drives the system's Chromium (``make browser-deps`` installs Debian's; ``ADLIB_CHROMIUM`` points
elsewhere), never a browser of its own download. Without Chromium or Playwright a test skips, unless
``ADLIB_REQUIRE_BROWSER=1`` (``make test`` sets it): then it fails.
"""

import contextlib
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("ADLIB_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# headless as root on a machine with a closed network: no sandbox, no GPU, no background connections
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def unavailable(problem):
    """Skip the test for ``problem``, or fail it under ADLIB_REQUIRE_BROWSER=1."""
    if os.environ.get("ADLIB_REQUIRE_BROWSER") == "1":
        pytest.fail(f"ADLIB_REQUIRE_BROWSER=1 but {problem}")
    pytest.skip(problem)


def require_browser(*modules):
    """Playwright, an executable Chromium and the given Python modules (e.g. ``"jupyterlab"``), or `unavailable`."""
    if importlib.util.find_spec("playwright") is None:
        unavailable("playwright is not installed (pip install -e '.[browser]')")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        unavailable(f"no Chromium at {CHROMIUM} (make browser-deps, i.e. apt-get install chromium; or set "
                    "ADLIB_CHROMIUM)")
    for module in modules:
        if importlib.util.find_spec(module) is None:
            unavailable(f"{module} is not installed (pip install -e '.[dev]')")


def slides_from_metadata(nb):
    """Independent count: slide/subslide cells open a slide; so does the first cell shown (skip/notes are not)."""
    count, seen_visible = 0, False
    for cell in nb.cells:
        kind = cell.metadata.get("slideshow", {}).get("slide_type", "-")
        if kind in ("skip", "notes"):
            continue
        if not seen_visible or kind in ("slide", "subslide"):
            count += 1
        seen_visible = True
    return count


# ---------------------------------------------------------------------------------------------------------------
# JupyterLab in a browser, for any notebook (test_browser_playground.py; test_browser_lab.py has its own copy of the
# same steps for notebook 04)
# ---------------------------------------------------------------------------------------------------------------

TOKEN = "adlib-browser-test"
ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"  # git-ignored


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lab_api(base, path, method="GET", timeout=5):
    request = urllib.request.Request(f"{base}{path}", method=method, headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read() or b"null")


@contextlib.contextmanager
def jupyter_lab(notebooks, tmp):
    """``jupyter lab`` (this venv's, on a free localhost port, token :data:`TOKEN`) on copies of ``notebooks`` in
    ``tmp/notebooks``, with its own settings/config/runtime/data directories (neither the user's settings nor the
    repository are touched) and the news/update checks off (no network). Yields ``(base URL, server log path)``;
    shuts the server and its kernels down afterwards."""
    require_browser("jupyterlab")
    root = tmp / "notebooks"
    root.mkdir()
    for notebook in notebooks:
        shutil.copy(notebook, root)  # no jupytext.toml: the copies are not paired with a .py
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "MPL"))}
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_SETTINGS_DIR",
                 "JUPYTERLAB_WORKSPACES_DIR"):
        env[name] = str(tmp / name.lower())
        os.makedirs(env[name])
    kernel = Path(env["JUPYTER_DATA_DIR"]) / "kernels" / "python3"  # this interpreter, whatever else is installed
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)", "language": "python"}))
    settings = Path(env["JUPYTERLAB_SETTINGS_DIR"]) / "@jupyterlab"
    for plugin, values in [
        ("apputils-extension/notification", {"fetchNews": "false", "checkForUpdates": False}),  # no news toast
        # every cell in the DOM, visible or not; start the notebook's kernel without asking ("Select Kernel")
        ("notebook-extension/tracker", {"windowingMode": "none", "autoStartDefaultKernel": True}),
    ]:
        (settings / plugin).parent.mkdir(parents=True, exist_ok=True)
        (settings / f"{plugin}.jupyterlab-settings").write_text(json.dumps(values))
    env.update(MPLBACKEND="module://matplotlib_inline.backend_inline", OPENBLAS_NUM_THREADS="1", PYTHONHASHSEED="0")
    base = f"http://127.0.0.1:{(port := _free_port())}"
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               "--ServerApp.port_retries=0", f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}",
               "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log_path = tmp / "server.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                lab_api(base, "/api/status", timeout=2)
                break
            except OSError as error:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"jupyter lab did not start ({error}); its log:\n{log_path.read_text()[-3000:]}")
                time.sleep(0.25)
        yield base, log_path
    finally:
        try:  # shuts the kernels down too (they run in their own sessions, out of reach of killpg)
            lab_api(base, "/api/shutdown", method="POST")
            server.wait(timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            pass
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if server.poll() is not None:
                break
            try:
                os.killpg(server.pid, sig)
                server.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass


class LabPage:
    """A Playwright page on the server, with its console log, offline (anything not from 127.0.0.1 is answered
    "204 No Content"), dialogs accepted, and a way to save what is needed to debug a failure (files named
    ``prefix-…`` in :data:`ARTIFACTS`)."""

    def __init__(self, page, log_path, prefix):
        self.page, self.log_path, self.prefix, self.console = page, log_path, prefix, []
        page.on("console", lambda m: self.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: self.console.append(("pageerror", str(e))))
        page.on("requestfailed", lambda r: self.console.append(("requestfailed", f"{r.url} {r.failure}")))
        page.route(re.compile(r"^(?!https?://127\.0\.0\.1:)"), self._offline)
        page.add_locator_handler(page.locator(".jp-Dialog"), self._accept_dialog)

    def _offline(self, route):
        self.console.append(("offline", route.request.url))
        route.fulfill(status=204)

    def _accept_dialog(self, dialog):
        self.console.append(("dialog", " ".join(dialog.inner_text().split())))
        dialog.locator(".jp-mod-accept").click()

    def screenshot(self, name):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{self.prefix}-{name}"
        self.page.screenshot(path=path)
        return path

    def save_console(self):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{self.prefix}-console.log"
        path.write_text("".join(f"[{kind}] {text}\n" for kind, text in self.console))
        return path

    def errors(self):
        """JavaScript errors and the widget manager's complaints (it logs failures as console errors/warnings)."""
        return [(kind, text) for kind, text in self.console if kind in ("error", "pageerror") or (
            kind == "warning" and re.search(r"jupyter-widgets|ipywidgets|widget ?manager|\bcomm\b|\bmodel\b", text,
                                            re.IGNORECASE))]

    def fail(self, message):
        """Save a screenshot, the console log and the server log; fail naming them."""
        saved = []
        try:
            saved.append(self.screenshot("FAILED.png"))
        except Exception as error:  # the page may be gone
            saved.append(f"(no screenshot: {error})")
        saved.append(self.save_console())
        server = ARTIFACTS / f"{self.prefix}-FAILED-server.log"
        shutil.copy(self.log_path, server)
        pytest.fail(f"{message}\nsaved: {', '.join(map(str, [*saved, server]))}", pytrace=False)

    def run_all(self, base, notebook_name, timeout_ms):
        """Open the notebook, clear the committed outputs, Run All, and wait until every code cell has run (or one
        raised: then fail with its traceback)."""
        page = self.page
        page.goto(f"{base}/lab/tree/{notebook_name}?token={TOKEN}")
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status=idle]")  # notebook + idle kernel
        page.locator(".jp-Notebook").click(position={"x": 5, "y": 5})  # (runs the dialog handler if needed)
        page.locator("li.lm-MenuBar-item", has_text="Edit").click()
        page.locator("li[data-command='editmenu:clear-all']").click()
        page.wait_for_function("""() => !document.querySelector('.jp-Notebook .jp-OutputArea-output') && [
            ...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')].every(
            (p) => !/\\d/.test(p.textContent))""")
        page.locator("li.lm-MenuBar-item", has_text="Run").click()
        page.locator("li[data-command='runmenu:run-all']").click()
        # done: every code cell numbered ([*] while queued or running), or a traceback (Run All stops there). A cell
        # whose input is collapsed (a solution: jupyter.source_hidden) shows no prompt at all; Run All runs the cells
        # in order, so the numbered cells after it say that it ran.
        page.wait_for_function("""() => {
            const outs = [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')];
            if (outs.some((o) => o.innerText.includes('Traceback (most recent call last)'))) return true;
            const ps = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
                .map((p) => p.textContent.trim()).filter((t) => t !== '');
            return ps.length > 0 && ps.every((t) => /\\[\\d+\\]/.test(t)); }""", timeout=timeout_ms)
        errors = page.locator(".jp-Notebook .jp-OutputArea-output", has_text="Traceback (most recent call last)")
        if errors.count():
            self.fail(f"a cell of {notebook_name} raised:\n{errors.first.inner_text()[-3000:]}")


# ---------------------------------------------------------------------------------------------------------------
# The graph stepper (adlib.course.widgets.graph_stepper) as a page shows it, and as step_view says it should be:
# the same DOM in JupyterLab and in Voilà (test_browser_present.py; test_browser_lab.py has its own copy)
# ---------------------------------------------------------------------------------------------------------------

_TEX_GLYPHS = {r"\partial": "∂", r"\log": "log", r"\sqrt": "√", r"\cdot": "⋅", r"\frac": "", r"\displaystyle": ""}


def tex_glyphs(tex):
    """The glyphs MathJax draws for ``tex`` (the subset of TeX adlib.course.graph writes), in reading order, without
    spaces: ``\\frac{\\partial v_{1}}{\\partial w_{1}} = 0.5`` → ``∂v1∂w1=0.5``. Unknown commands are an error, so
    a change in the TeX shows up here instead of as a silent mismatch."""
    out = re.sub(r"\\[A-Za-z]+", lambda m: _TEX_GLYPHS.get(m.group(), m.group()), tex)
    if "\\" in out:
        unknown = re.findall(r"\\[A-Za-z]+", out)
        raise ValueError(f"tex_glyphs does not know the command(s) {unknown} in {tex!r}")
    return re.sub(r"[\s{}_^]", "", out)


def html_text(html):
    """The text of a snippet of HTML, as the browser's innerText shows it (tags dropped, spaces collapsed)."""
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def stepper_expected(point, mode, step):
    """What the stepper must show at (point, mode, step), from adlib.course.widgets.step_view/render_view: the
    heading, the «Функция»/«Производная» formulas' glyphs, the trace's row count and the node of this step."""
    from adlib.course.widgets import render_view, step_view

    view = step_view(point, mode, step)
    assert view.ok, view.message
    return {
        "heading": html_text(render_view(view)[0].data),
        "formulas": [tex_glyphs(view.function_latex), tex_glyphs(view.derivative_latex)],
        "rows": len(view.table.rows),
        "node": view.row.name,
    }


# The stepper's state as the page shows it (the first .widget-vbox in an output). Glyphs of a MathJax (CHTML)
# formula: its <mjx-c> elements in document order, each naming its character in its class (mjx-c1D464 = U+1D464,
# math italic w), NFKC-normalised (𝑤 → w, 𝜕 → ∂) and without the invisible operators (U+2061 after log).
STEPPER_SNAPSHOT_JS = r"""() => {
  const box = document.querySelector('.jp-OutputArea-output .widget-vbox');
  if (!box) return null;
  const out = box.querySelector('.widget-output');
  const glyphs = (el) => [...el.querySelectorAll('mjx-c')].map((c) => {
      const m = [...c.classList].map((k) => /^mjx-c([0-9A-F]+)$/.exec(k)).find(Boolean);
      return m ? String.fromCodePoint(parseInt(m[1], 16)) : c.textContent;
    }).join('').normalize('NFKC').replace(/[\s\u2061-\u2064]+/g, '');
  const heading = out.querySelector('.jp-OutputArea-output[data-mime-type="text/html"]');
  const img = out.querySelector('.jp-OutputArea-output[data-mime-type="image/png"] img');
  const handle = (label) => [...box.querySelectorAll('.widget-slider')]
      .find((s) => s.querySelector('.widget-label').textContent === label);
  return {
    heading: heading ? heading.innerText.replace(/\s+/g, ' ').trim() : null,
    formulas: [...out.querySelectorAll('.jp-OutputArea-output[data-mime-type="text/latex"]')].map(glyphs),
    rows: [...out.querySelectorAll('table tr')].filter((tr) => tr.querySelector('td')).length,
    img: img ? img.getAttribute('src') : null,
    step: handle('step').querySelector('.widget-readout').textContent.trim(),
    mode: (box.querySelector('.widget-toggle-button.mod-active') || {}).textContent,
  };
}"""

# true once the page shows `want` (heading, formulas, rows) with a PNG other than `old_img`
STEPPER_MATCHES_JS = "([want, oldImg]) => { const s = (" + STEPPER_SNAPSHOT_JS + """)();
  return !!s && s.heading === want.heading && JSON.stringify(s.formulas) === JSON.stringify(want.formulas)
    && s.rows === want.rows && !!s.img && s.img.startsWith('data:image/png;base64,') && s.img !== oldImg; }"""
