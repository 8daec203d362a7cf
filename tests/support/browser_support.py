"""What the browser tests (marker `browser`: test_browser_lab.py, test_slides.py) share: which Chromium they drive
and how, what happens when it is missing, and the slide count a deck must have by its notebook's metadata.

Playwright drives the system's Chromium (``make browser-deps`` installs Debian's; ``ADLIB_CHROMIUM`` points
elsewhere), never a browser of its own download. Without Chromium or Playwright a test skips, unless
``ADLIB_REQUIRE_BROWSER=1`` (``make test`` sets it): then it fails.
"""

import importlib.util
import os
import shutil

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
