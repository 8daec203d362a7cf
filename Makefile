# The course's commands. `make help` lists them; `make lab` and `make test` are the two you need.
#
# Everything runs in a local virtual environment, .venv, built from pyproject.toml (extra `dev`) on first use
# and rebuilt whenever pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-from-pyproject
PORT   ?= 8888
LAB_ARGS ?=
# Jupyter refuses to start as root unless told; root is the norm in containers and CI images. Token auth stays on.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

export PIP_DISABLE_PIP_VERSION_CHECK := 1

# notebooks/NN_name.py (the source you edit) -> notebooks/NN_name.ipynb (generated, executed, committed); then the
# Russian edition, notebooks/ru/NN_name.py (its code cells synced from the English source by tools/ru_sync.py)
NOTEBOOK_SOURCES := $(sort $(wildcard notebooks/[0-9][0-9]_*.py)) $(sort $(wildcard notebooks/ru/[0-9][0-9]_*.py))
NOTEBOOKS        := $(NOTEBOOK_SOURCES:.py=.ipynb)
NOTEBOOKS_EN     := $(patsubst %.py,%.ipynb,$(sort $(wildcard notebooks/[0-9][0-9]_*.py)))
NOTEBOOKS_RU     := $(patsubst %.py,%.ipynb,$(sort $(wildcard notebooks/ru/[0-9][0-9]_*.py)))

# Notebooks are executed with the inline backend (so figures end up in the .ipynb), whatever MPLBACKEND says.
# $(call EXECUTE_NOTEBOOK,source.py,target.ipynb): first jupytext writes the inputs (--update keeps the cell ids of
# an existing .ipynb, so diffs stay small), then nbconvert executes it in place, replacing every output (jupytext's
# own --execute combined with --update would keep the *old* outputs). BLAS on one thread: this is what the
# notebooks are timed with, and two cores shared by a kernel and BLAS threads only slow each other down.
EXECUTE_NOTEBOOK = $(BIN)/jupytext --quiet --to ipynb --update --set-kernel python3 $(1) \
	&& MPLBACKEND=module://matplotlib_inline.backend_inline OPENBLAS_NUM_THREADS=1 \
	$(BIN)/jupyter nbconvert --log-level=WARN --to notebook --execute --inplace \
	--ExecutePreprocessor.timeout=600 $(2) \
	&& $(BIN)/python tools/clean_ipynb.py $(2) \
	&& touch $(2)

.DEFAULT_GOAL := help
.PHONY: help venv lab test test-lib test-main test-colab lint notebooks notebooks-all index figures bench clean

help: ## show this list
	@echo "Usage: make TARGET   (the first run builds .venv from pyproject.toml, ~1-2 min)"
	@echo
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_.-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo
	@echo "Variables: PYTHON=$(PYTHON) (3.11+, used to create .venv), PORT=$(PORT) (make lab),"
	@echo "           LAB_ARGS='...' (extra options for jupyter lab, e.g. LAB_ARGS=--no-browser),"
	@echo "           NB=04 PRESENT_PORT=8866 PRESENT_ARGS='--hide-code --no-browser' (make present)"

# ---------------------------------------------------------------------------------------------------------
# The environment
# ---------------------------------------------------------------------------------------------------------

.venv: $(STAMP) ## create .venv and install this repo with all extras (pip install -e '.[dev]')
	@:

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "error: $(PYTHON) is Python < 3.11; run e.g. 'make PYTHON=python3.11 ...'" >&2; exit 1; }
	@test -x $(BIN)/python || { echo "creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@echo "installing -e '.[dev]' into $(VENV) (quiet, takes a minute or two the first time)"
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

# ---------------------------------------------------------------------------------------------------------
# Using the course
# ---------------------------------------------------------------------------------------------------------

lab: $(STAMP) ## start JupyterLab on notebooks/ at http://127.0.0.1:PORT (token in the printed URL)
	$(BIN)/jupyter lab --ip=127.0.0.1 --port=$(PORT) --ServerApp.root_dir=notebooks $(ALLOW_ROOT) $(LAB_ARGS)

# `make test` runs two suites, one after the other:
#   test-main  : ruff, then tests/ and every English notebook in .venv, with the browser tests (JupyterLab and a slide deck
#                in headless Chromium, installed by `browser-deps`), which must run here (ADLIB_REQUIRE_BROWSER=1);
#   test-colab : tests/ and every notebook again in .venv-colab, on Google Colab's versions of the packages we share,
#                and the Russian edition (notebooks/ru/) there only: its code cells are the English ones (tested), so
#                one run of them checks what differs, its strings; Colab is where its readers open it.
# Not side by side (`make -j2`): run so, the two suites' Jupyter kernels and Voilà servers started at the same moments
# on 2 cores, and in each of three runs a kernel sat idle for 300 s waiting for a reply (a notebook passing after 5 minutes,
# a Voilà deck that never opened); one after the other they do not overlap, and the whole run takes about as long.
test: ## everything: ruff, tests, notebooks, browser tests, and the same tests + notebooks on Colab's versions
	@echo "make test: the main suite (test-main), then the Colab-stack suite (test-colab)"
	@echo "           (about 10 minutes each; the first run also builds both venvs)"
	@$(MAKE) --no-print-directory test-main
	@$(MAKE) --no-print-directory test-colab

# For whoever edits the engine: ruff and the library's own tests (tests/adlib: JAX cross-checks, check_grads,
# nesting, errors, regressions, layout), about a minute; `make test` stays the whole thing and is what CI runs.
test-lib: $(STAMP) ## ruff + the library's tests only (tests/adlib, ~1 min): the quick loop for engine work
	$(BIN)/ruff check .
	OPENBLAS_NUM_THREADS=1 $(BIN)/pytest -q tests/adlib

test-main: $(STAMP) browser-deps ## ruff, then pytest: tests/ (browser tests included) and every notebook (nbmake)
	$(BIN)/ruff check .
	ADLIB_REQUIRE_BROWSER=1 MPLBACKEND=Agg OPENBLAS_NUM_THREADS=1 $(BIN)/pytest --durations=15 tests --nbmake \
		$(NOTEBOOKS_EN)

# The Colab stack: a second environment, .venv-colab, with extra `test` installed under the pins of
# .ci/colab-constraints.txt (ipywidgets 7.7.1, jax 0.7, numpy 2.1, matplotlib 3.10: what Google Colab ships).
# The browser tests exercise JupyterLab's front end, not Colab's, and run in test-main only.
COLAB_VENV        := .venv-colab
COLAB_BIN         := $(COLAB_VENV)/bin
COLAB_CONSTRAINTS := .ci/colab-constraints.txt
COLAB_STAMP       := $(COLAB_VENV)/.installed-from-pyproject

$(COLAB_STAMP): pyproject.toml $(COLAB_CONSTRAINTS)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "error: $(PYTHON) is Python < 3.11; run e.g. 'make PYTHON=python3.11 ...'" >&2; exit 1; }
	@test -x $(COLAB_BIN)/python || { echo "creating $(COLAB_VENV) with $(PYTHON)"; $(PYTHON) -m venv $(COLAB_VENV); }
	@echo "installing -e '.[test]' -c $(COLAB_CONSTRAINTS) into $(COLAB_VENV) (quiet, takes a minute or two)"
	$(COLAB_BIN)/pip install -q -e '.[test]' -c $(COLAB_CONSTRAINTS)
	@touch $@

test-colab: $(COLAB_STAMP) ## pytest tests/ + notebooks on Colab's versions (.venv-colab, .ci/colab-constraints.txt)
	ADLIB_STACK=colab MPLBACKEND=Agg OPENBLAS_NUM_THREADS=1 $(COLAB_BIN)/pytest -p no:cacheprovider -m "not browser" tests \
		--durations=15 --nbmake $(NOTEBOOKS_EN) $(NOTEBOOKS_RU)

lint: $(STAMP) ## ruff check (reports only, changes nothing; the rule tables are aligned by hand, not by ruff format)
	$(BIN)/ruff check .

notebooks: $(NOTEBOOKS) ## regenerate and execute each .ipynb whose .py source is newer (then `make index`)
	@$(BIN)/python tools/course_index.py

index: | $(STAMP) ## rewrite README's course index from the notebooks (titles, summaries, runtimes, Colab links)
	$(BIN)/python tools/course_index.py

notebooks-all: | $(STAMP) ## regenerate and execute every notebook, changed or not
	@$(BIN)/python tools/ru_sync.py
	@set -e; for src in $(NOTEBOOK_SOURCES); do echo "executing $$src"; $(call EXECUTE_NOTEBOOK,$$src,$${src%.py}.ipynb); done
	@$(BIN)/python tools/course_index.py

notebooks/%.ipynb: notebooks/%.py | $(STAMP)
	@echo "executing $<"
	@$(call EXECUTE_NOTEBOOK,$<,$@)

# A Russian notebook is re-synced from its English source (code cells, structure) before it is executed.
notebooks/ru/%.ipynb: notebooks/ru/%.py notebooks/%.py | $(STAMP)
	@$(BIN)/python tools/ru_sync.py $*
	@echo "executing $<"
	@$(call EXECUTE_NOTEBOOK,$<,$@)

# The Russian edition (tools/ru_sync.py's docstring is the translators' guide).
.PHONY: ru-sync ru-check
ru-sync: | $(STAMP) ## notebooks/ru/: carry the English code cells over, mark new or changed English text TODO
	$(BIN)/python tools/ru_sync.py

ru-check: | $(STAMP) ## report Russian notebooks whose code/structure differ from the English, or untranslated cells
	$(BIN)/python tools/ru_sync.py --check

figures: $(STAMP) ## draw the figures of figures/make_figures.py into figures/*.png
	MPLBACKEND=Agg $(BIN)/python figures/make_figures.py

bench: $(STAMP) ## run the benchmarks (benchmarks/run.py)
	$(BIN)/python benchmarks/run.py

# Static reveal.js decks of the executed notebooks, for presenting without Jupyter and without internet access:
# reveal.js 4, MathJax 2.7, require.js, jQuery and the widget manager are pinned npm tarballs (sha512-checked,
# downloaded once into build/slides-cache/) unpacked into build/slides/_static/. See tools/build_slides.py.
.PHONY: slides
slides: $(STAMP) ## export every notebook to an offline reveal.js deck in build/slides/ (open build/slides/index.html)
	$(BIN)/python tools/build_slides.py --out build/slides $(NOTEBOOKS)

# Live slides with working widgets, offline: Voilà's reveal.js template (tools/present_template) runs the notebook in a
# fresh kernel and shows it as a deck with the notebook's RISE settings; reveal.js's stylesheets, jQuery and Font
# Awesome come from the pinned tarballs of tools/build_slides.py (its cache build/slides-cache/). Listens on
# 127.0.0.1 with a random token (the URL is printed and opened in the browser); Ctrl-C stops it. See tools/present.py.
NB ?=
PRESENT_PORT ?=
PRESENT_ARGS ?=
.PHONY: present
present: $(STAMP) ## present notebook NB live as slides with working widgets, offline (Voilà): make present NB=04
	@test -n "$(NB)" || { echo "usage: make present NB=04   (a notebook's number, or a path to an .ipynb;" \
		"PRESENT_ARGS='--hide-code --no-browser', PRESENT_PORT=8866)" >&2; exit 2; }
	$(BIN)/python tools/present.py "$(NB)" $(if $(PRESENT_PORT),--port=$(PRESENT_PORT)) $(PRESENT_ARGS)

# "Open in Colab" badges and Colab install cells: generated from pyproject's [tool.adlib-course] (the public
# repository URL and the git ref that Colab installs; change them there, in one place), by tools/colab.py, into
# every .py source and [project.urls]; then jupytext refreshes the .ipynb inputs (outputs and execution counts are
# kept, so nothing needs re-executing). `python tools/colab.py --check` lists disagreements.
.PHONY: colab-links
colab-links: $(STAMP) ## rewrite every notebook's Colab badge and install cell from pyproject's [tool.adlib-course]
	$(BIN)/python tools/colab.py
	@set -e; for src in $(NOTEBOOK_SOURCES); do $(BIN)/jupytext --quiet --to ipynb --update $$src; done
	$(BIN)/python tools/colab.py --check

# The browser tests (marker `browser`: tests/repo/test_browser_lab.py, the slide deck test) drive Chromium through
# Playwright (extra `browser`), never with Playwright's own browser download (it needs internet access): the
# system's Chromium, Debian's package `chromium` (/usr/bin/chromium), or whatever ADLIB_CHROMIUM points at.
# Quick when it is there; otherwise apt-get installs it (as root, or with sudo), with a font for the screenshots.
.PHONY: browser-deps
browser-deps: ## make sure Chromium is installed for the browser tests (apt-get install chromium if missing)
	@if [ -n "$(ADLIB_CHROMIUM)" ]; then \
		test -x "$(ADLIB_CHROMIUM)" || { echo "error: ADLIB_CHROMIUM=$(ADLIB_CHROMIUM) is not an executable" >&2; exit 1; }; \
	elif command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium; then :; \
	else \
		if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; else \
			echo "error: the browser tests need Chromium; as root run: apt-get install chromium (Debian)," \
				"or install it otherwise and set ADLIB_CHROMIUM=/path/to/chromium" >&2; exit 1; fi; \
		command -v apt-get >/dev/null 2>&1 || { echo "error: the browser tests need Chromium and there is no" \
			"apt-get here: install Chromium and set ADLIB_CHROMIUM=/path/to/chromium" >&2; exit 1; }; \
		echo "installing Debian's chromium for the browser tests: $${SUDO:+sudo }apt-get install chromium"; \
		$$SUDO apt-get update -q \
			&& $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium fonts-liberation \
			&& test -x /usr/bin/chromium \
			|| { echo "error: apt-get could not install chromium (see above)" >&2; exit 1; }; \
	fi

clean: ## remove .venv, .venv-colab, caches and build artifacts
	rm -rf $(VENV) $(COLAB_VENV) build dist *.egg-info .pytest_cache .ruff_cache .hypothesis .ipynb_checkpoints
	find . -path ./.git -prune -o \( -name __pycache__ -o -name .ipynb_checkpoints \) -type d -print \
		| xargs rm -rf
