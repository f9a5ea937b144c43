"""The book's build: a Sphinx extension (`pzboek.sphinxext` in _config.yml), so that `jupyter-book build .` is the
whole build, and `make book` only adds the environment and strict flags and starts it through launch.py (kernels
first, no URI grammars, no last collection at exit).

- prepare.py: on `builder-inited`, the build lock, the check of the inputs (one line and exit 1 on bad input),
  executing the notebooks when the inputs of their results changed, and the downloads and Vega libraries.
- inputs.py: what the book is built from, declared once in pyproject.toml (standard library only).
- execute.py: the jupyter-cache executor with shared warm kernels; kernels.py: how those kernels start.
- content.py: the pages' content (citations, numbering of added figures, footnotes, search index).
- pages.py: the HTML pages (Dutch strings, one stylesheet, deferred scripts, notebook links).
- mends.py: what no hook reaches. citation.py, live.py: the citation block from CITATION.cff; the live preview.

Nothing here is imported by the chapters: editing it never invalidates an executed notebook.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

FAILED_PAGES = ".failed-pages"  # in _build: pages a failed build removed, read again next time
SITE_STAMP = ".built"  # in the site: what `make book` last built it from (the Makefile); any build removes it


def _own_package(app) -> None:
    """A build uses the package and data of the folder it builds. pzboek is installed editable, so a copied book
    folder (its .venv with it) or a second worktree sharing one environment would import the other folder's
    pzboek, and with it that folder's data file, silently."""
    import pzboek

    package, book = Path(pzboek.__file__).resolve().parent.parent, Path(app.srcdir).resolve()
    if package != book:
        print(f"error: this book is {book}, but the build imports pzboek from {package}; "
              f"build with `make book` here, or set PYTHONPATH={book}", file=sys.stderr)
        raise SystemExit(1)


def _serve_assets(app, config) -> None:
    """The downloads and Vega libraries that prepare.py writes are copied into the site (html_extra_path); the
    folder exists from the start, as Sphinx checks that before any builder runs."""
    from .prepare import ASSETS

    ASSETS.mkdir(parents=True, exist_ok=True)
    config.html_extra_path = [*config.html_extra_path, str(ASSETS)]


def _prepare(app) -> None:
    from . import prepare

    (Path(app.outdir) / SITE_STAMP).unlink(missing_ok=True)
    if app.builder.format != "html":  # linkcheck and friends need no executed notebooks
        app.pz_build_state = prepare.BuildState.load()
        return
    app.pz_build_state = prepare.prepare(Path(app.env.mystnb_config.execution_cache_path),
                                         app.config[prepare.EXECUTOR_SETTING], app.config.nb_execution_timeout)


def _executor_override(app, config) -> None:
    from . import prepare

    if os.environ.get(prepare.EXECUTOR_OVERRIDE):
        config[prepare.EXECUTOR_SETTING] = os.environ[prepare.EXECUTOR_OVERRIDE]


def _survey_setting(app, config) -> None:
    """The survey file is the setting `pz_survey`; $PZ_SURVEY overrides it. The kernels, `make check` and the
    Makefile's digest find it through pzboek.paths, which reads that one line of _config.yml without a YAML parser:
    a value it reads differently would build from one file and check another, so the build stops instead."""
    from pzboek import paths

    config_file = Path(app.confdir) / "_config.yml"
    if (config[paths.SURVEY_CONFIG] or "") != paths.survey_in_config(config_file):
        print(f"error: {config_file}: write {paths.SURVEY_CONFIG} on one line under sphinx: config:, as "
              f"`{paths.SURVEY_CONFIG}: data/bestand.sav` (quoted if the path has spaces)", file=sys.stderr)
        raise SystemExit(1)
    if os.environ.get(paths.SURVEY_SETTING):
        config[paths.SURVEY_CONFIG] = os.environ[paths.SURVEY_SETTING]


def _outdated(app, env, added, changed, removed) -> list[str]:
    """A page is read again when the inputs of its notebook's results changed (inputs.notebook_digests: its outputs
    may all differ), and so is a page a failed build removed (its doctree holds the failure)."""
    from .prepare import BUILD

    failed = BUILD / FAILED_PAGES
    digests = {env.path2doc(nb): d for nb, d in app.pz_build_state.get("notebooks", {}).items()}
    read = getattr(env, "pz_notebook_digests", {})
    again = {doc for doc, d in digests.items() if doc in env.found_docs and read.get(doc) != d}
    env.pz_notebook_digests = digests
    if failed.exists():
        again |= set(failed.read_text().split()) & env.found_docs
        failed.unlink()
    app.pz_read_again = again  # for pages._assets_changed, which runs after
    return sorted(again - added - changed)


class _GlueFailures:
    """The pages on which a glued number could not be shown (myst-nb's warnings of subtype 'glue')."""

    def __init__(self):
        import logging

        self.docnames: set[str] = set()
        handler = logging.Handler(logging.WARNING)
        handler.emit = self.record
        logging.getLogger("sphinx").addHandler(handler)

    def record(self, record) -> None:
        location = getattr(record, "location", None)  # (docname, line), a node, or "path:line"
        if getattr(record, "subtype", None) != "glue" or not location:
            return
        if isinstance(location, tuple):
            location = location[0]
        elif hasattr(location, "source"):
            location = location.source
        self.docnames.add(str(location).split(":")[0])


def _remove_failed_pages(app, exception) -> None:
    """A page with a glued number missing is not left in the site, where a preview or a deploy could serve it
    with the number blank: it is removed, and read again by the next build."""
    failed = set()
    for location in app.pz_glue_failures.docnames:
        docname = location if location in app.env.found_docs else app.env.path2doc(location)
        if docname in app.env.found_docs:
            failed.add(docname)
    for docname in sorted(failed):
        page = Path(app.builder.get_outfilename(docname))
        page.unlink(missing_ok=True)
        print(f"error: {app.env.doc2path(docname)}: a glued number is missing, so {page} was removed "
              f"(see the warning above)", file=sys.stderr)
    if failed:
        from .prepare import BUILD

        (BUILD / FAILED_PAGES).write_text("\n".join(sorted(failed)))


def setup(app):
    from . import content, pages, pdf

    _own_package(app)
    content.setup(app)
    pages.setup(app)
    pdf.setup(app)
    from . import prepare

    # which jupyter-cache executor runs the notebooks (prepare.py); set in _config.yml, $PZBOEK_EXECUTOR overrides
    app.add_config_value(prepare.EXECUTOR_SETTING, prepare.DEFAULT_EXECUTOR, "env", types=[str])
    app.connect("config-inited", _executor_override)
    # the survey file the numbers come from (pzboek/paths.py): set in _config.yml, $PZ_SURVEY overrides
    from pzboek import paths

    app.add_config_value(paths.SURVEY_CONFIG, "", "env", types=[str])
    app.connect("config-inited", _survey_setting)
    app.pz_glue_failures = _GlueFailures()
    app.connect("config-inited", _serve_assets)
    app.connect("builder-inited", _prepare, priority=900)  # after myst-nb has set its cache path
    app.connect("env-get-outdated", _outdated)
    app.connect("build-finished", _remove_failed_pages)
    # Not safe to write in parallel: pages.py's html-page-context handlers collect, per written page, the stylesheets
    # to join and the notebooks to copy on app (pz_stylesheets, pz_notebooks) for build-finished; under -j each
    # writing process would keep its own. Reading is: the environment's own data is set before reading starts.
    return {"parallel_read_safe": True, "parallel_write_safe": False}
