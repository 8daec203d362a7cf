"""Present a notebook live: reveal.js slides on which the widgets work, offline (what `make present NB=04` runs).

    python tools/present.py NOTEBOOK [--port 8866] [--token TOKEN] [--no-browser] [--hide-code]

NOTEBOOK is a path to an .ipynb or its number (``04`` → ``notebooks/04_*.ipynb``). This starts Voilà (on 127.0.0.1,
with a token) with the template in ``tools/present_template/adlib_present``: Voilà's ``reveal`` template with every
asset served from this machine. When the page is opened, Voilà runs the notebook in a fresh kernel (a spinner counts
the cells), then shows the deck: the cells' slide types as in RISE, the code cells' source (unless ``--hide-code``),
the outputs, and live widgets (the kernel stays up while the page is open; reloading the page runs the notebook
again in a new kernel).

The deck's reveal.js settings come from the notebook's RISE metadata (``rise``: theme, transition, scroll,
slideNumber, width, height; the mapping of ``tools/build_slides.py``). One difference: RISE's ``width``/``height``
in per cent (the course's ``100%``) become the projector's 1280×720 pixels (``DECK_SIZE``), which reveal.js scales to
the window: Voilà's reveal.js 6 loops on percentages (``RangeError: Maximum call stack size exceeded`` on every
resize). ``start_slideshow_at`` needs nothing: the deck always starts at the beginning.

Offline: reveal.js's stylesheets, jQuery and Font Awesome are the pinned, sha512-checked npm tarballs of
``tools/build_slides.py`` (its cache ``build/slides-cache/``, ``ADLIB_SLIDES_CACHE``; the first run downloads them
from the npm registry unless ``make slides`` already has), unpacked into ``BUILD/share/jupyter/voila/templates/
adlib_present/static/_static/``; MathJax and the widget manager are part of Voilà's own bundle. Only the JupyterLab
extensions the slides need are loaded (``LABEXTENSIONS``: the widget managers), not jupytext's or RISE's, which
fail outside JupyterLab.
"""

import argparse
import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import webbrowser
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = "adlib_present"
TEMPLATE_SOURCE = Path(__file__).resolve().parent / "present_template" / TEMPLATE
DEFAULT_BUILD = REPO / "build" / "present"
DEFAULT_PORT = 8866  # Voilà's own default; `make lab` uses 8888
DECK_SIZE = (1280, 720)  # the projector's pixels (adlib.course.projector.SLIDE_WIDTH_PX × 720)
# the JupyterLab extensions loaded into the deck: the widget controls and Voilà's widget managers (7 and 8)
LABEXTENSIONS = ["@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager8",
                 "@voila-dashboards/widgets-manager7"]


def _build_slides():
    """tools/build_slides.py as a module: its pinned npm tarballs, their cache and the RISE → reveal.js mapping."""
    if "build_slides" not in sys.modules:
        path = Path(__file__).resolve().parent / "build_slides.py"
        spec = importlib.util.spec_from_file_location("build_slides", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["build_slides"] = module
        spec.loader.exec_module(module)
    return sys.modules["build_slides"]


def find_notebook(spec, folder=REPO / "notebooks"):
    """The .ipynb that ``spec`` names: a path to an existing .ipynb, or a number (``4``, ``04``, ``04_forward``)."""
    spec = str(spec).strip()
    path = Path(spec)
    if path.suffix == ".ipynb":
        if not path.is_file():
            raise ValueError(f"no notebook {spec!r}")
        return path.resolve()
    if not re.fullmatch(r"\d{1,2}(_\w*)?", spec):
        raise ValueError(f"NB must be a notebook's number (e.g. NB=04) or a path to an .ipynb, got {spec!r}")
    prefix = spec.zfill(2) + "_" if spec.isdigit() else spec
    course = sorted(p for p in Path(folder).glob("*.ipynb") if re.fullmatch(r"\d\d_\w+\.ipynb", p.name))
    matches = [p for p in course if p.name.startswith(prefix)]
    if len(matches) != 1:
        known = ", ".join(p.name for p in course)
        found = "no notebook" if not matches else f"{len(matches)} notebooks ({', '.join(p.name for p in matches)})"
        raise ValueError(f"NB={spec}: {found} in {folder} match; the notebooks are: {known}")
    return matches[0].resolve()


def reveal_resources(rise):
    """Voilà's ``resources.reveal`` (theme, transition, scroll, number, width, height) from a notebook's ``rise``
    metadata: build_slides.reveal_settings's mapping (RISE's defaults where a key is absent), sizes in per cent
    (and absent sizes: RISE's default is 100%) as DECK_SIZE pixels."""
    settings = _build_slides().reveal_settings(rise)
    sizes = {}
    for key, default in zip(("width", "height"), DECK_SIZE):
        literal = settings.get(f"reveal_{key}")  # a JavaScript literal: 960, 1280.5 or "100%"
        sizes[key] = default if literal is None or literal.endswith('%"') else float(literal)
        sizes[key] = int(sizes[key]) if float(sizes[key]).is_integer() else sizes[key]
    return {"theme": settings["reveal_theme"], "transition": settings["reveal_transition"],
            "scroll": settings["reveal_scroll"], "number": settings["reveal_number"], **sizes}


def voila_config(notebook, show_code=True):
    """The Voilà configuration (voila.json) that presents ``notebook``."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    return {
        "VoilaConfiguration": {
            "template": TEMPLATE,
            "strip_sources": not show_code,
            "show_tracebacks": True,  # an instructor sees the error, not "There was an error when executing cell"
            "extension_allowlist": LABEXTENSIONS,
            "resources": {"reveal": reveal_resources(nb.metadata.get("rise", {}))},
        },
    }


def prepare(build=DEFAULT_BUILD, cache=None):
    """Install the template (tools/present_template) and its offline assets under ``build``; returns the Jupyter data
    directory (``build/share/jupyter``) to put on JUPYTER_PATH. Unpacking is skipped when the assets are there."""
    bs = _build_slides()
    cache = Path(cache or os.environ.get("ADLIB_SLIDES_CACHE", REPO / "build" / "slides-cache"))
    data = Path(build) / "share" / "jupyter"
    target = data / "voila" / "templates" / TEMPLATE
    target.mkdir(parents=True, exist_ok=True)
    for source in TEMPLATE_SOURCE.iterdir():
        shutil.copy(source, target / source.name)
    bs.install_static(target / "static", cache)  # → static/_static/{reveal.js,jquery.min.js,font-awesome,...}
    return data


def free_port(preferred=DEFAULT_PORT, host="127.0.0.1"):
    """``preferred`` if it is free on ``host``, else the next free one (as Jupyter's port_retries does)."""
    for port in range(preferred, preferred + 50):
        with socket.socket() as s:
            try:
                s.bind((host, port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {preferred}..{preferred + 49} on {host}")


def server_command(notebook, port, token):
    """The voila command line (the rest of the configuration is in voila.json)."""
    command = [sys.executable, "-m", "voila", str(notebook), "--no-browser", "--Voila.ip=127.0.0.1",
               f"--port={port}", "--Voila.port_retries=0", f"--token={token}"]
    return command


def server_env(data_dir, config_dir, base=None):
    """The environment of the server: our template on JUPYTER_PATH, our voila.json on JUPYTER_CONFIG_PATH, figures
    inline (whatever MPLBACKEND the shell has), BLAS on one thread (as the notebooks are run and timed)."""
    env = dict(os.environ if base is None else base)
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(data_dir), env.get("JUPYTER_PATH", "")) if p)
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(p for p in (str(config_dir), env.get("JUPYTER_CONFIG_PATH", "")) if p)
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    return env


def start(notebook, port=None, token=None, build=DEFAULT_BUILD, cache=None, show_code=True, log=None):
    """Start the server for ``notebook``; returns ``(process, url)`` once it answers (the URL has the token).
    ``log``: a file for the server's output (default: this process's stdout/stderr)."""
    notebook = Path(notebook).resolve()
    data = prepare(build, cache)
    config_dir = Path(build) / "config" / notebook.stem
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "voila.json").write_text(json.dumps(voila_config(notebook, show_code), indent=2))
    port = free_port() if port is None else port
    if free_port(port) != port:
        raise RuntimeError(f"port {port} on 127.0.0.1 is in use (another server?); choose another one")
    token = token or secrets.token_hex(24)
    process = subprocess.Popen(server_command(notebook, port, token), env=server_env(data, config_dir),
                               cwd=notebook.parent, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}/"
    probe = f"{base}voila/templates/{TEMPLATE}/static/_static/jquery.min.js"  # listening, and our template found
    deadline = time.monotonic() + 60
    while True:  # the server answers within seconds; the notebook runs only when the page is opened
        if process.poll() is not None:
            raise RuntimeError(f"voila exited with code {process.returncode} before it answered on {base}")
        try:
            with urllib.request.urlopen(probe, timeout=2):
                break
        except urllib.error.HTTPError as error:
            stop(process)
            raise RuntimeError(f"voila does not serve the template's assets ({probe}: {error})") from error
        except OSError as error:
            if time.monotonic() > deadline:
                stop(process)
                raise RuntimeError(f"voila did not answer on {base} within 60 s ({error})") from error
            time.sleep(0.25)
    return process, f"{base}?token={token}"


def stop(process, timeout=15):
    """Stop the server: SIGTERM (Voilà then shuts its kernels down), SIGKILL if still there after ``timeout`` s."""
    for kill in (process.terminate, process.kill):
        if process.poll() is not None:
            return
        kill()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            continue


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook", help="a notebook's number (04) or a path to an .ipynb")
    parser.add_argument("--port", type=int, default=None, help=f"default: {DEFAULT_PORT} or the next free port")
    parser.add_argument("--token", default=None, help="default: a random one (printed in the URL)")
    parser.add_argument("--no-browser", action="store_true", help="do not open the deck in a browser")
    parser.add_argument("--hide-code", action="store_true", help="show outputs and text only (Voilà's default)")
    parser.add_argument("--build", type=Path, default=DEFAULT_BUILD, help="where the template and assets go")
    args = parser.parse_args(argv)
    try:
        notebook = find_notebook(args.notebook)
    except ValueError as error:
        parser.error(str(error))
    process, url = start(notebook, args.port, args.token, args.build, show_code=not args.hide_code)
    print(f"\nPresenting {notebook.name} (Voilà, reveal.js; the notebook runs when the page opens):\n\n    {url}\n\n"
          "Keys: Space / → next, ← previous, Esc overview, F full screen, S speaker notes. Ctrl-C here stops it.\n",
          flush=True)
    if not args.no_browser:
        webbrowser.open(url)

    def leave(signum, _frame):  # `kill`, a closed terminal: stop the server too (Ctrl-C reaches it directly)
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, leave)
    signal.signal(signal.SIGHUP, leave)
    try:
        process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        stop(process)
    return process.returncode


if __name__ == "__main__":
    sys.exit(main())
