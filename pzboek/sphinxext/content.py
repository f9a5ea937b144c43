"""What the book's extension does to the pages' content (doctrees), before any HTML is written: round-bracket
citations and a Dutch bibliography, figures this edition adds numbered apart, the report's footnotes out of
added sections, text nodes joined, raw HTML indexed for search without chart text, the citation block."""
from __future__ import annotations

import html
import re

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxDirective


class Citeer(SphinxDirective):
    """`pz-citeer`: the landing page's "Citeer deze uitgave" block (APA, BibTeX, the original report, the
    licence), written from CITATION.cff, the one source of the edition's citation metadata (pzboek/sphinxext/citation.py)."""

    def run(self):
        from docutils.statemachine import StringList

        from . import citation

        self.env.note_dependency(str(citation.CFF))
        repository = self.config.html_theme_options.get("repository_url", "")
        cff = citation.with_version(citation.load(), citation.checkout_version(self.env.srcdir))
        block = nodes.container(classes=["pz-citeer"])
        self.state.nested_parse(StringList(citation.markdown(cff, repository), source=str(citation.CFF)),
                                self.content_offset, block)
        return [block]


def _cite_the_current_commit(app, env, added, changed, removed) -> list[str]:
    """The citation names the commit the book is built from (Citeer): a new commit re-reads the landing page."""
    from . import citation

    version = citation.checkout_version(env.srcdir)
    if getattr(env, "pz_cited_version", version) == version:
        env.pz_cited_version = version
        return []
    env.pz_cited_version = version
    return [app.config.root_doc]


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




def _visit_citation(self, node):
    """A bibliography entry without docutils' roles: its role="list" wrapper holds links, not list items, and
    doc-biblioentry is deprecated (axe-core flags both)."""
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname]))


def _depart_citation(self, node):
    self.body.append("</div>\n")
    if not isinstance(node.next_node(descend=False, siblings=True), type(node)):
        self.body.append("</div>\n")


def _visit_footnote(self, node):
    """docutils' footnotes, their group labelled: an <aside> is a complementary landmark, which needs a name."""
    label_style = self.settings.footnote_references
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append(f'<aside class="footnote-list {label_style}" aria-label="Voetnoten">\n')
    self.body.append(self.starttag(node, "aside", classes=[node.tagname, label_style], role="doc-footnote"))


def _depart_footnote(self, node):
    self.body.append("</aside>\n")
    if not isinstance(node.next_node(descend=False, siblings=True), type(node)):
        self.body.append("</aside>\n")


def dutch_search_language():
    """Dutch search whose index stems words as the browser stems the query. Sphinx 7.4's browser stemmer
    (dutch-stemmer.js) is the Porter-style Dutch algorithm, while snowballstemmer 3 made 'dutch' a newer one, so the
    index held 'uitkeer' and 'bespaar' where a search for 'uitkeringen' looked up 'uitker': common words found
    nothing. snowballstemmer keeps the old algorithm as 'dutch_porter'. Lift when Sphinx's JS stemmer follows."""
    import snowballstemmer
    from sphinx.search.nl import SearchDutch

    class SearchDutchPorter(SearchDutch):
        def init(self, options: dict[str, str]) -> None:
            self.stemmer = snowballstemmer.stemmer("dutch_porter")

    return SearchDutchPorter


# sphinx-thebe (which Jupyter Book 1 always loads) appends its configuration to every page with cells, for live
# code this book does not have: a Binder repository and a kernel name as inline scripts. Its scripts and stylesheet
# are kept off the pages in pages.py.
THEBE_NODES = ("text/x-thebe-config", "kernelName = ")


def _without_thebe(app, doctree, docname) -> None:
    for node in list(doctree.findall(nodes.raw)):
        if any(mark in node.astext() for mark in THEBE_NODES):
            node.parent.remove(node)


def setup(app) -> None:
    app.add_search_language(dutch_search_language())
    app.add_enumerable_node(AdditionFigure, "toevoeging", html=(_visit_figure, _depart_figure))
    app.add_node(IndexedHTML, html=(_visit_indexed_html, None))
    app.add_node(nodes.citation, override=True, html=(_visit_citation, _depart_citation))
    app.add_node(nodes.footnote, override=True, html=(_visit_footnote, _depart_footnote))
    app.add_transform(MarkAdditionFigures)
    app.add_transform(FootnotesOutOfAdditions)
    _register_round_citations()
    _register_dutch_bibliography()
    # after sphinx-thebe appended them (its handler is older), before raw HTML becomes IndexedHTML
    app.connect("doctree-resolved", _without_thebe)
    app.connect("doctree-resolved", _join_text_nodes)
    app.connect("doctree-resolved", _raw_html_for_the_index)
    app.add_directive("pz-citeer", Citeer)
    app.connect("env-get-outdated", _cite_the_current_commit)
