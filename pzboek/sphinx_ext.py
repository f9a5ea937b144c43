"""Sphinx extension: Dutch round-bracket citations and bibliography, no sphinx-thebe, the stand-in notice, and
mended pages (Dutch interface strings, markup, fewer requests).

The figure downloads and the Vega libraries are written before the build by `python -m pzboek.check`
into _build/.assets, which Sphinx copies into the site (`html_extra_path` in _config.yml).
"""
from __future__ import annotations

import hashlib
import html
import os
import re
from pathlib import Path

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxDirective


# Markup the themes, myst-nb and Sphinx hard-code, mended in the written pages:
MARKUP_FIXES = {
    # English interface strings that locale/nl/LC_MESSAGES/sphinx.po cannot reach
    'aria-label="Main"': 'aria-label="Hoofdmenu"',
    '<nav aria-label="Page">': '<nav aria-label="Pagina">',
    'aria-label="Toggle hidden content"': 'aria-label="Verborgen inhoud tonen of verbergen"',
    # Sphinx's bibliography: a role="list" holding links, and the deprecated doc-biblioentry role
    '<div role="list" class="citation-list">': '<div class="citation-list">',
    ' role="doc-biblioentry"': "",
    # the primary sidebar holds the book's logo (a link to the start page) outside any landmark, beside its
    # <nav>: the whole sidebar is the book's navigation
    '<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar">':
        '<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar" role="navigation" aria-label="Boek">',
}

# sphinx-copybutton has no Dutch messages. It keeps them in a `const` of its own script, which no other script can
# extend before it runs, and uses its 'en' entry for any <html lang> it does not know. This book has one language:
# that entry is written in Dutch in the copied script (and the English it replaces is gone, so a second run
# changes nothing).
COPYBUTTON_FIX = ("""    'copy': 'Copy',
    'copy_to_clipboard': 'Copy to clipboard',
    'copy_success': 'Copied!',
    'copy_failure': 'Failed to copy',""", """    'copy': 'Kopiëren',
    'copy_to_clipboard': 'Naar klembord kopiëren',
    'copy_success': 'Gekopieerd!',
    'copy_failure': 'Kopiëren mislukt',""")

# Scripts in <head> block the first paint. Deferred ones still run in document order, after parsing; only
# documentation_options.js must run at once (inline scripts in <head> set DOCUMENTATION_OPTIONS), so its few
# lines are written into the page instead of costing a request of their own.
BLOCKING_SCRIPT = re.compile(r'<script (?![^>]*\b(?:defer|async)\b)(?=[^>]*\bsrc=")')
OPTIONS_SCRIPT = re.compile(r'<script src="[^"?]*documentation_options\.js(?:\?[^"]*)?"></script>')
# pydata-sphinx-theme loads Sphinx's search scripts and the whole search index into every page, for a
# search-as-you-type box this book has switched off (the search page loads them itself).
SEARCH_SCRIPTS = re.compile(r'\s*<script defer src="[^"]*(?:searchtools|language_data|searchindex)\.js"></script>')

# The theme and extensions link a dozen stylesheets, one behind an @import: each a render-blocking request
# on a slow phone network. Pages link one stylesheet instead, the same files joined in the same order, named
# after the list of files. A change to any of them rewrites every page (_assets_changed), and so the join.
STYLESHEET = re.compile(r'[ \t]*<link (?=[^>]*rel="stylesheet")(?![^>]*media=)[^>]*href="([^"]+)"[^>]*>\n?')
CSS_IMPORT = re.compile(r'@import\s+(?:url\()?["\']([^"\']+)["\']\)?\s*;')
CSS_URL = re.compile(r'url\(\s*(["\']?)(?![a-z]+:|/|#|%23)([^"\')]+)\1\s*\)', re.I)
SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/")  # would name the wrong file once joined
STYLESHEETS_DIR = "_static/styles"


def _stylesheet(path: Path, target_dir: Path) -> str:
    """A stylesheet with its @imports written in and its url()s made relative to target_dir."""
    text = SOURCE_MAP.sub("", path.read_text(encoding="utf-8").replace('@charset "UTF-8";', ""))
    text = CSS_IMPORT.sub(lambda m: _stylesheet((path.parent / m.group(1)).resolve(), target_dir), text)
    return CSS_URL.sub(lambda m: f'url("{os.path.relpath(path.parent / m.group(2), target_dir)}")', text)


def _link_one_stylesheet(outdir: Path, page: Path, text: str, joined: dict, prefix: str) -> str:
    """One stylesheet link instead of many. The 404 page (sphinx-notfound-page) links absolute addresses under
    the site's path, `prefix`; the others relative ones."""
    links = STYLESHEET.findall(text)
    if len(links) < 2:
        return text
    absolute = links[0].startswith(prefix)

    def site_file(href: str) -> str:
        href = href.split("?")[0]
        return (outdir / href[len(prefix):] if absolute else page.parent / href).resolve().relative_to(outdir).as_posix()

    files = [site_file(href) for href in links]
    name = f"pz-{hashlib.sha256(' '.join(files).encode()).hexdigest()[:12]}.css"
    joined[name] = files
    parts = STYLESHEET.split(text)  # text, href, text, href, ..., text
    href = f"{prefix}{STYLESHEETS_DIR}/{name}" if absolute else os.path.relpath(outdir / STYLESHEETS_DIR / name, page.parent)
    return parts[0] + f'<link rel="stylesheet" href="{href}" />\n' + "".join(parts[2::2])


def _write_joined_stylesheets(outdir: Path, joined: dict) -> None:
    target_dir = outdir / STYLESHEETS_DIR
    for name, files in joined.items():
        text = "\n".join(_stylesheet(outdir / f, target_dir) for f in files)
        (target_dir / name).write_text(text, encoding="utf-8")


def _fix_pages(outdir: Path, prefix: str) -> None:
    options = (outdir / "_static" / "documentation_options.js").read_text(encoding="utf-8").strip()
    joined: dict[str, list[str]] = {}
    pages = [p for p in outdir.rglob("*.html") if p.relative_to(outdir).parts[0] != "_static"]
    for path in [*pages, outdir / "_static" / "togglebutton.js", outdir / "_static" / "copybutton.js"]:
        text = original = path.read_text(encoding="utf-8")
        for wrong, right in [*MARKUP_FIXES.items(), COPYBUTTON_FIX]:
            text = text.replace(wrong, right)
        if path.suffix == ".html":
            text = OPTIONS_SCRIPT.sub(lambda m: f"<script>{options}</script>", text)
            text = BLOCKING_SCRIPT.sub("<script defer ", text)
            text = SEARCH_SCRIPTS.sub("", text) if path.name != "search.html" else text
            text = _link_one_stylesheet(outdir, path, text, joined, prefix)
        if text != original:
            path.write_text(text, encoding="utf-8")
    _write_joined_stylesheets(outdir, joined)


def _assets_changed(app, env, added, changed, removed) -> list[str]:
    """Sphinx copies static files and html_extra_path (downloads, Vega) only when some page is out of date;
    a changed stylesheet, script or download alone would never reach the site. So such a change makes
    every page out of date. So does a changed message catalog (locale/*/LC_MESSAGES/*.po): the interface words
    of every page come from it."""
    digest = hashlib.sha256()
    for folder in [*app.config.html_static_path, *app.config.html_extra_path, *app.config.locale_dirs]:
        for path in sorted(p for p in Path(app.confdir, folder).rglob("*") if p.suffix != ".mo"):
            if path.is_file():
                digest.update(path.as_posix().encode() + path.read_bytes())
    if getattr(env, "pz_assets_digest", None) == digest.hexdigest():
        return []
    env.pz_assets_digest = digest.hexdigest()
    return sorted(env.found_docs - added - changed)


def build_finished(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        _copy_notebooks(app)
        _fix_pages(Path(app.outdir), app.config.notfound_urls_prefix or "/")


class Citeer(SphinxDirective):
    """`pz-citeer`: the landing page's "Citeer deze uitgave" block (APA, BibTeX, the original report, the
    licence), written from CITATION.cff, the one source of the edition's citation metadata (pzboek/citation.py)."""

    def run(self):
        from docutils.statemachine import StringList

        from pzboek import citation

        self.env.note_dependency(str(citation.CFF))
        repository = self.config.html_theme_options.get("repository_url", "")
        block = nodes.container(classes=["pz-citeer"])
        self.state.nested_parse(StringList(citation.markdown(citation.load(), repository), source=str(citation.CFF)),
                                self.content_offset, block)
        return [block]


def _booktheme_dutch(app) -> None:
    """sphinx-book-theme's Dutch catalog lacks the repository buttons' words: locale/nl/LC_MESSAGES/booktheme.po
    adds them (compiled here; Sphinx itself compiles only the 'sphinx' catalog)."""
    from sphinx.util.i18n import CatalogInfo

    locale = Path(app.srcdir) / "locale"
    if app.config.language and (locale / app.config.language / "LC_MESSAGES" / "booktheme.po").exists():
        catalog = CatalogInfo(str(locale / app.config.language / "LC_MESSAGES"), "booktheme", "utf-8")
        if catalog.is_outdated():
            catalog.write_mo(app.config.language)
        app.add_message_catalog("booktheme", str(locale))


ISSUE_TEXT = "title=Issue%20on%20page%20%2F{page}.html&body=Your%20issue%20content%20here."
ISSUE_TEXT_NL = "title=Opmerking%20bij%20pagina%20%2F{page}.html&body=Uw%20opmerking%3A"


def _dutch_issue_link(app, pagename, templatename, context, doctree) -> None:
    """The new issue that the header's "Opmerking melden" opens, titled and begun in Dutch (after the theme has
    made its buttons)."""
    def walk(buttons):
        for button in buttons:
            walk(button.get("buttons", []))
            if button.get("label") == "source-issues-button":
                button["url"] = button["url"].replace(ISSUE_TEXT.format(page=pagename), ISSUE_TEXT_NL.format(page=pagename))

    walk(context.get("header_buttons", []))


# Each chapter as an executed notebook (code, execution counts, every output, the glued numbers and figures
# included), as the jupyter-cache in _build/.jupyter_cache holds it after the build: copied into the site as
# notebooks/<chapter>.ipynb and linked under the chapter (_templates/pz-notebook.html).
NOTEBOOKS = "notebooks"


def _executed_notebooks(app) -> dict:
    """Chapter docname -> its record in the notebook cache, looked up once per build (after every page was read)."""
    if getattr(app, "pz_executed", None) is None:
        from jupyter_cache import get_cache

        cache = Path(app.outdir).parent / ".jupyter_cache"
        records = get_cache(str(cache)).list_cache_records() if cache.exists() else []
        by_source = {Path(r.uri).resolve(): r.pk for r in records}
        app.pz_executed = {}
        for docname in app.env.found_docs:
            source = Path(app.env.doc2path(docname)).resolve()
            if docname.startswith("chapters/") and source in by_source:
                app.pz_executed[docname] = by_source[source]
    return app.pz_executed


def _notebook_link(app, pagename, templatename, context, doctree) -> None:
    if app.builder.format == "html" and pagename in _executed_notebooks(app):
        context["pz_notebook"] = context["pathto"](f"{NOTEBOOKS}/{Path(pagename).name}.ipynb", 1)


def _copy_notebooks(app) -> None:
    import nbformat
    from jupyter_cache import get_cache

    notebooks = _executed_notebooks(app)
    if not notebooks:
        return
    cache = get_cache(str(Path(app.outdir).parent / ".jupyter_cache"))
    target = Path(app.outdir) / NOTEBOOKS
    target.mkdir(exist_ok=True)
    for docname, pk in sorted(notebooks.items()):
        nbformat.write(cache.get_cache_bundle(pk).nb, str(target / f"{Path(docname).name}.ipynb"))
    app.pz_executed = None


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


def _register_dutch_bibliography() -> None:
    """The bibliography with Dutch words (bibtex style 'plain_nl'): pybtex's 'plain' with 'pp.' before pages, as
    the report writes them, 'en' between names, and a web address as a bare link instead of 'URL: ...'."""
    import pybtex.plugin
    from pybtex.style.formatting import toplevel
    from pybtex.style.formatting.plain import Style as Plain
    from pybtex.style.formatting.unsrt import date, pages
    from pybtex.style.template import field, first_of, href, join, names, optional, optional_field, sentence, tag, words

    class PlainDutch(Plain):
        def format_names(self, role, as_sentence=True):
            formatted = names(role, sep=", ", sep2=" en ", last_sep=" en ")
            return sentence[formatted] if as_sentence else formatted

        def get_article_template(self, e):  # the plain style's, with "pp." for "pages"
            volume_and_pages = first_of[
                optional[join[field("volume"), optional["(", field("number"), ")"], ":", pages]],
                words["pp.", pages],
            ]
            return toplevel[
                self.format_names("author"),
                self.format_title(e, "title"),
                sentence[tag("em")[field("journal")], optional[volume_and_pages], date],
                sentence[optional_field("note")],
                self.format_web_refs(e),
            ]

        def format_url(self, e):
            url = field("url", raw=True)
            return href(url)[url]

    pybtex.plugin.register_plugin("pybtex.style.formatting", "plain_nl", PlainDutch)


def _standin_flag(app, config) -> None:
    """Whether this build's numbers come from the generated stand-in survey file: every page then says so
    (_templates/pz-vervangend.html). Read from the configured file's SPSS label, so the notice goes
    when a real survey file is configured."""
    from pzboek.paths import survey_path
    from pzboek.survey import survey_is_standin

    config.html_context = {**config.html_context, "pz_standin": survey_is_standin(survey_path())}


CHART_FONT = "_static/fonts/Inter-Regular.woff2"  # _static/pz-fonts.css


def _preload_chart_font(app, pagename, templatename, context, doctree) -> None:
    """A page with a chart asks for the chart font at once, beside its stylesheet, instead of after it: the
    static charts' text is drawn in its final font sooner. Pages without a chart never load the font."""
    if 'class="pz-figuur"' in context.get("body", ""):
        href = context["pathto"](CHART_FONT, 1)
        context["metatags"] = context.get("metatags", "") + (
            f'\n<link rel="preload" href="{href}" as="font" type="font/woff2" crossorigin="anonymous" />')


def _translations_before_highlight(app, pagename, templatename, context, doctree) -> None:
    """This book defers the head scripts (BLOCKING_SCRIPT), and a deferred sphinx_highlight.js writes its
    'Hide Search Matches' link as soon as it runs: translations.js (priority 500, so later) must have loaded the
    Dutch strings by then. It moves up to right after doctools.js (which it needs), with doctools' priority."""
    scripts = list(context.get("script_files", []))
    names = [os.path.basename(getattr(s, "filename", s) or "") for s in scripts]
    if "translations.js" in names and "doctools.js" in names:
        translations = scripts.pop(names.index("translations.js"))
        doctools = scripts[names.index("doctools.js")]
        scripts.insert(names.index("doctools.js") + 1,
                       type(translations)(translations.filename, priority=doctools.priority, **translations.attributes))
        context["script_files"] = scripts


def _join_text_nodes(app, doctree, docname) -> None:
    """MyST writes each line break inside a paragraph as a Text node of its own. sphinxext-opengraph builds
    <meta name="description"> from the stripped Text nodes and puts no space before punctuation, so a line
    starting with "(" ran into the one before ("respondenten(ongewogen)"). Adjacent Text nodes are joined into
    one, which the page itself shows the same way."""
    from docutils import nodes

    for element in list(doctree.findall(nodes.Element)):
        joined: list = []
        for child in element.children:
            if joined and isinstance(child, nodes.Text) and isinstance(joined[-1], nodes.Text):
                joined[-1] = nodes.Text(joined[-1] + child)
            else:
                joined.append(child)
        if len(joined) < len(element.children):
            element.children = []
            element.extend(joined)


def _drop_thebe(app, config=None) -> None:
    """Jupyter Book 1 always loads sphinx-thebe. This book has no live code cells, and thebe's inline
    script (included twice, a console SyntaxError) names a CDN host; so its hooks and assets go."""
    for event, listeners in app.events.listeners.items():
        for listener in list(listeners):
            if getattr(listener.handler, "__module__", "").startswith("sphinx_thebe"):
                app.disconnect(listener.id)
    app.registry.css_files = [(name, attrs) for name, attrs in app.registry.css_files if "thebe" not in name]


# Outputs (a figure's HTML from pzboek/charts.py, the tables) reach the page as raw HTML nodes. Sphinx's search
# indexer deletes their tags and indexes the rest: a chart's drawn text ran together ("0%25%50%75%100%Percentage")
# and so did neighbouring table cells ("83482ned").
CHART_SVG = re.compile(r"<svg\b.*?</svg>|<script\b.*?</script>", re.S | re.I)
TAG = re.compile(r"<[^>]+>")


class IndexedHTML(nodes.General, nodes.Element):
    """Raw HTML written to the page as it is, while the search index reads its child instead: the text of the
    same HTML without charts and scripts, a space where each tag was."""


def _visit_indexed_html(self, node):
    raw = nodes.raw("", node["html"], format="html", classes=node["classes"])
    raw.parent = node.parent  # a <span> inside a paragraph, a <div> elsewhere
    self.visit_raw(raw)  # raises SkipNode: the child is for the index only


def _raw_html_for_the_index(app, doctree, docname) -> None:
    for raw in list(doctree.findall(nodes.raw)):
        if "html" in raw.get("format", "").split():
            text = raw.astext()
            words = html.unescape(TAG.sub(" ", CHART_SVG.sub(" ", text))).replace("<", " ").replace(">", " ")
            indexed = nodes.raw("", words, format="html")
            raw.replace_self(IndexedHTML("", indexed, html=text, classes=raw["classes"]))


# Search result snippets are the text of each found page (Sphinx's Search.htmlToText drops only scripts, styles
# and heading links): without the charts' drawn text (tick labels, "Percentage") and any code cell. Written into
# the search page only, before its deferred scripts; it wraps Search.htmlToText once these have defined it.
SEARCH_SNIPPETS_JS = """document.addEventListener("DOMContentLoaded", () => {
  if (typeof Search === "undefined") return;  // a top-level const of searchtools.js, not a property of window
  const toText = Search.htmlToText;
  Search.htmlToText = (html, anchor) => {
    const page = new DOMParser().parseFromString(html, "text/html");
    page.querySelectorAll(".pz-chart, .cell_input").forEach((e) => e.remove());
    return toText(page.documentElement.outerHTML, anchor);
  };
});"""


def _search_snippets(app, pagename, templatename, context, doctree) -> None:
    if pagename == "search" and "script_files" in context:
        from sphinx.builders.html._assets import _JavaScript

        context["script_files"] = [*context["script_files"], _JavaScript("", body=SEARCH_SNIPPETS_JS)]


class AdditionFigure(nodes.figure):
    """A figure this edition adds to the report: numbered on its own ("Figuur A1", numfig_format
    'toevoeging'), so the report's Figuur 1 … 7 keep their numbers and an addition never reads as one."""


class MarkAdditionFigures(SphinxTransform):
    """Figures with the class pz-toevoeging (`:figclass:` of a {glue:figure}) become AdditionFigures."""

    default_priority = 200

    def apply(self) -> None:
        for figure in list(self.document.findall(nodes.figure)):
            if "pz-toevoeging" in figure["classes"] and not isinstance(figure, AdditionFigure):
                addition = AdditionFigure(figure.rawsource, *figure.children, **figure.attributes)
                figure.replace_self(addition)


class FootnotesOutOfAdditions(SphinxTransform):
    """The report's footnotes end its chapter, not a section this edition adds: MyST puts every footnote at
    the end of the document, which is inside the last section, often a "Toevoeging"."""

    default_priority = 500

    def apply(self) -> None:
        for section in list(self.document.findall(nodes.section)):
            if not any(i.startswith("toevoeging") for i in section["ids"]) or section.parent is None:
                continue
            for footnote in [c for c in section.children if isinstance(c, nodes.footnote)]:
                section.remove(footnote)
                section.parent.append(footnote)


def _visit_figure(self, node):
    self.visit_figure(node)


def _depart_figure(self, node):
    self.depart_figure(node)


def setup(app):
    app.add_enumerable_node(AdditionFigure, "toevoeging", html=(_visit_figure, _depart_figure))
    app.add_node(IndexedHTML, html=(_visit_indexed_html, None))
    app.add_transform(MarkAdditionFigures)
    app.add_transform(FootnotesOutOfAdditions)
    _register_round_citations()
    _register_dutch_bibliography()
    app.connect("config-inited", _drop_thebe)  # once every extension, sphinx-thebe included, is set up
    app.connect("config-inited", _standin_flag)
    app.connect("doctree-resolved", _join_text_nodes)
    app.connect("doctree-resolved", _raw_html_for_the_index)
    app.connect("html-page-context", _search_snippets)
    app.connect("html-page-context", _translations_before_highlight)
    app.connect("html-page-context", _preload_chart_font)
    app.connect("env-get-outdated", _assets_changed)
    app.connect("html-page-context", _notebook_link)
    app.connect("html-page-context", _dutch_issue_link, priority=600)
    app.connect("builder-inited", _booktheme_dutch)
    app.connect("build-finished", build_finished)
    app.add_directive("pz-citeer", Citeer)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
