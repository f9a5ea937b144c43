"""Where no hook reaches: English (or a missing landmark) the themes and two extensions hard-code, mended in one
place. Each mend names the upstream file and version it mends; tests/test_mends.py fails when upstream no longer
has the text a mend replaces, so a mend is lifted or changed when its cause is.

Templates: the `pz_mend` filter over the theme's `content` block (_templates/layout.html) replaces the text while
the page renders. Static scripts: Sphinx copies them into the site after the pages are written, with no hook for
a static file's content, so the site's copy is edited at build-finished.

Imports: without_iri_grammars, run first by the build process (pzboek/sphinxext/launch.py) and by every kernel
(pzboek/sphinxext/kernels.py).
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import NamedTuple


class Mend(NamedTuple):
    package: str  # the distribution whose file it mends
    version: str  # the version it was written against
    path: str  # that file, inside the installed package
    wrong: str  # upstream's text (after rendering, for a template)
    right: str
    source: str = ""  # upstream's text in the file itself, where the template renders it from an expression


MARKUP = [
    Mend("sphinx-book-theme", "1.3.0", "sphinx_book_theme/theme/sphinx_book_theme/components/sbt-sidebar-nav.html",
         'aria-label="Main"', 'aria-label="Hoofdmenu"'),
    Mend("sphinx-book-theme", "1.3.0", "sphinx_book_theme/theme/sphinx_book_theme/layout.html",  # print contents
         '<nav aria-label="Page">', '<nav aria-label="Pagina">'),
    # the primary sidebar holds the book's logo (a link to the start page) outside any landmark, beside its <nav>:
    # the whole sidebar is the book's navigation (IBM Equal Access, WCAG 1.3.1)
    Mend("pydata-sphinx-theme", "0.17.1", "pydata_sphinx_theme/theme/pydata_sphinx_theme/layout.html",
         '<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar">',
         '<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar" role="navigation" aria-label="Boek">',
         source='<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar{% if not sidebars %}'),
]

# sphinx-copybutton keeps its messages in a `const` of its own and uses the 'en' entry for any language it does not
# know; sphinx-togglebutton writes its button's aria-label in its script.
STATIC_SCRIPTS = [
    Mend("sphinx-copybutton", "0.5.2", "sphinx_copybutton/_static/copybutton.js_t", """    'copy': 'Copy',
    'copy_to_clipboard': 'Copy to clipboard',
    'copy_success': 'Copied!',
    'copy_failure': 'Failed to copy',""", """    'copy': 'Kopiëren',
    'copy_to_clipboard': 'Naar klembord kopiëren',
    'copy_success': 'Gekopieerd!',
    'copy_failure': 'Kopiëren mislukt',"""),
    Mend("sphinx-togglebutton", "0.4.5", "sphinx_togglebutton/_static/togglebutton.js",
         'aria-label="Toggle hidden content"', 'aria-label="Verborgen inhoud tonen of verbergen"'),
]


# jsonschema imports rfc3987-syntax when it is installed (JupyterLab's jupyter-events requires it), and that package
# compiles 39 grammars on import, about 1 s of every process on this machine (1.2-1.8 s in a kernel), only to check
# the formats "iri" and "iri-reference", which no schema of the build uses (Jupyter Book's _config.yml schema,
# nbformat's, the Vega-Lite schema Altair validates against: tests/test_mends.py). A None entry in sys.modules makes
# that optional import fail as if the package were not installed (Python's documented behaviour). Written for
# jsonschema 4.26.
def without_iri_grammars() -> None:
    sys.modules.setdefault("rfc3987_syntax", None)


def mend(markup: str) -> str:
    """The `pz_mend` template filter."""
    for fix in MARKUP:
        markup = markup.replace(fix.wrong, fix.right)
    return markup


def dutch_static_scripts(outdir: Path) -> None:
    """The site's copies of the static scripts, in Dutch (their name in the site is the file's, without `_t`)."""
    for fix in STATIC_SCRIPTS:
        path = outdir / "_static" / Path(fix.path).name.removesuffix("_t")
        if path.exists():
            text = path.read_text(encoding="utf-8")
            if fix.wrong in text:
                path.write_text(text.replace(fix.wrong, fix.right), encoding="utf-8")
