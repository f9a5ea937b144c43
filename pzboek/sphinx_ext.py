"""Sphinx extension: Dutch round-bracket citations, no sphinx-thebe, and mended markup in the written pages.

The figure downloads and the Vega libraries are written before the build by `python -m pzboek.check`
into _build/.assets, which Sphinx copies into the site (`html_extra_path` in _config.yml).
"""
from __future__ import annotations

import re
from pathlib import Path


# Markup the themes, myst-nb and Sphinx hard-code, mended in the written pages:
MARKUP_FIXES = {
    # English interface strings that locale/nl/LC_MESSAGES/sphinx.po cannot reach
    'aria-label="Main"': 'aria-label="Hoofdmenu"',
    '<nav aria-label="Page">': '<nav aria-label="Pagina">',
    'aria-label="Toggle hidden content"': 'aria-label="Verborgen inhoud tonen of verbergen"',
    # Sphinx's bibliography: a role="list" holding links, and the deprecated doc-biblioentry role
    '<div role="list" class="citation-list">': '<div class="citation-list">',
    ' role="doc-biblioentry"': "",
}


# Scripts in <head> block the first paint. Deferred ones still run in document order, after parsing; only
# documentation_options.js must run at once, because inline scripts in <head> set DOCUMENTATION_OPTIONS.
BLOCKING_SCRIPT = re.compile(r'<script (?![^>]*\b(?:defer|async)\b)(?![^>]*documentation_options\.js)(?=[^>]*\bsrc=")')


def _fix_markup(outdir: Path) -> None:
    files = [*outdir.rglob("*.html"), outdir / "_static" / "togglebutton.js"]
    for path in files:
        if not path.exists():
            continue
        text = original = path.read_text(encoding="utf-8")
        for wrong, right in MARKUP_FIXES.items():
            text = text.replace(wrong, right)
        if path.suffix == ".html":
            text = BLOCKING_SCRIPT.sub("<script defer ", text)
        if text != original:
            path.write_text(text, encoding="utf-8")


def build_finished(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        outdir = Path(app.outdir)
        _fix_markup(outdir)


def _register_round_citations() -> None:
    """Citations in round brackets, '(Verhoeven, 2018)', as the report prints them (bibtex style 'author_year_round')."""
    import dataclasses

    import sphinxcontrib.bibtex.plugin
    from sphinxcontrib.bibtex.style.referencing import BracketStyle
    from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

    def round_brackets() -> BracketStyle:
        return BracketStyle(left="(", right=")")

    @dataclasses.dataclass
    class RoundAuthorYear(AuthorYearReferenceStyle):
        bracket_parenthetical: BracketStyle = dataclasses.field(default_factory=round_brackets)
        bracket_textual: BracketStyle = dataclasses.field(default_factory=round_brackets)
        bracket_author: BracketStyle = dataclasses.field(default_factory=round_brackets)
        bracket_label: BracketStyle = dataclasses.field(default_factory=round_brackets)
        bracket_year: BracketStyle = dataclasses.field(default_factory=round_brackets)

    sphinxcontrib.bibtex.plugin.register_plugin(
        "sphinxcontrib.bibtex.style.referencing", "author_year_round", RoundAuthorYear)


def _drop_thebe(app, config=None) -> None:
    """Jupyter Book 1 always loads sphinx-thebe. This book has no live code cells, and thebe's inline
    script (included twice, a console SyntaxError) names a CDN host; so its hooks and assets go."""
    for event, listeners in app.events.listeners.items():
        for listener in list(listeners):
            if getattr(listener.handler, "__module__", "").startswith("sphinx_thebe"):
                app.disconnect(listener.id)
    app.registry.css_files = [(name, attrs) for name, attrs in app.registry.css_files if "thebe" not in name]


def setup(app):
    _register_round_citations()
    app.connect("config-inited", _drop_thebe)  # once every extension, sphinx-thebe included, is set up
    app.connect("build-finished", build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
