"""The PDF edition: the built site's pages (same executed notebooks, same numbers) joined into one print
document and typeset as a report with WeasyPrint, in CSS paged media (pzboek/sphinxext/pdf.css).

With the setting `pz_pdf_edition` (in _config.yml; `PZ_PDF=1` overrides it, as `make pdf` does) the build writes
_build/html/participatiezekerheid.pdf when it has written the pages, so it is published with the site, and every
page links it (_templates/pz-pdf.html); without it no page links a PDF and a stale one is removed, so the link never
points at a missing or outdated file. `python -m pzboek.sphinxext.pdf --html print.html` writes the joined document of
a built site, to inspect it. WeasyPrint is the maintained Python engine for paged media: running headers,
target-counter() page numbers, float: footnote, bookmarks, tagged PDF.
"""
from __future__ import annotations

import argparse
import html
import logging
import os
import posixpath
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from bs4 import BeautifulSoup, Tag

from pzboek import paths

from . import citation
from .prepare import BuildState, book_pages, build_lock

SITE = paths.ROOT / "_build" / "html"
STYLESHEET = Path(__file__).with_name("pdf.css")
TEMPLATES = paths.ROOT / "_templates"
SHORT_TABLE = 15  # rows: up to this many a table is kept on one page; a longer one breaks, its header repeated
WEB_ONLY = "pz-alleen-web"  # class of words that hold only on the web page (the {alleen-web} role, a container)
EDITION_SETTING, EDITION_OVERRIDE = "pz_pdf_edition", "PZ_PDF"


def _config() -> dict:
    return yaml.safe_load((paths.ROOT / "_config.yml").read_text(encoding="utf-8"))


def pdf_name(config: dict | None = None) -> str:
    """The PDF's file name in the site: html_context's pz_pdf in _config.yml, which the site's link uses too."""
    return (config or _config())["sphinx"]["config"]["html_context"]["pz_pdf"]


def _key(docname: str) -> str:
    return "p-" + docname.replace("/", "-")


class Page:
    """One built page's article, rewritten for the joined document: ids made unique per page, links between pages
    made internal, site chrome (header links, scripts, downloads, toggles, the narrow chart cut) removed."""

    def __init__(self, docname: str, part: str, pages: set[str], baseurl: str, site: Path):
        self.docname, self.part, self.key = docname, part, _key(docname)
        # a static chart's <svg> has two class attributes (the cut's, then Vega's "marks"): keep the first
        soup = BeautifulSoup((site / f"{docname}.html").read_text(encoding="utf-8"), "html.parser",
                             on_duplicate_attribute="ignore")
        self.section: Tag = soup.select_one("article.bd-article > section")
        self.pages, self.baseurl = pages, baseurl
        self._strip()
        self._footnotes()
        self._figures()
        self._links()

    def _strip(self) -> None:
        for junk in self.section.select("a.headerlink, script, noscript, .pz-downloads, svg.pz-smal, details > summary, "
                                         f".toctree-wrapper, hr.footnotes, .cell_input, .{WEB_ONLY}"):
            junk.decompose()
        for form in self.section.select("form.pz-verkenner-keuze"):  # the Verkenner's controls work on the web only
            note = BeautifulSoup("", "html.parser").new_tag("p", attrs={"class": "pz-noot"})
            note.string = "Hieronder staat de eerste vraag, voor alle respondenten."
            form.replace_with(note)
        for details in self.section.select("details"):  # the figure's table, printed open
            details.name = "div"
        for chart in self.section.select(".pz-chart[tabindex]"):
            del chart["tabindex"]
        for cell in self.section.select("td"):  # a mark stays with its word: '* gereconstrueerd', '≈ benaderd'
            for text in cell.find_all(string=re.compile(r"^[*≈] ")):
                text.replace_with(text[0] + "\xa0" + text[2:])
        for table in self.section.select("table"):  # a short table stays whole, its caption never strands
            if len(table.select("tbody > tr")) <= SHORT_TABLE:  # in a block, as WeasyPrint splits a table from its caption
                table.wrap(BeautifulSoup("", "html.parser").new_tag("div", attrs={"class": "pz-kort"}))

    def _footnotes(self) -> None:
        """Each footnote moves to its reference (float: footnote puts it at the foot of that page), keeping the
        report's number, which MyST writes as the label."""
        for ref in self.section.select("a.footnote-reference"):
            note = self.section.find(id=ref["href"].lstrip("#"))
            number = ref.get_text().strip("[]")
            body = BeautifulSoup("", "html.parser").new_tag("span", attrs={"class": "pz-voetnoot", "data-nummer": number})
            for paragraph in note.find_all("p"):
                body.extend(list(paragraph.contents))
            ref.replace_with(body)
        for notes in self.section.select("aside.footnote-list"):
            notes.decompose()

    def _figures(self) -> None:
        """Caption above the chart, as a printed report has it; caption, chart and its notes (legend of the marks,
        reconstruction notes) kept on one page; the figure's table follows and may break with repeated headers."""
        soup = BeautifulSoup("", "html.parser")
        for svg in self.section.select(".pz-chart svg[aria-label]"):  # a tagged PDF takes a figure's alt text from <title>
            text = soup.new_tag("title")
            text.string = svg["aria-label"]
            svg.insert(0, text)
        for figure in self.section.select("figure"):
            caption = figure.find("figcaption")
            chart = figure.select_one(".pz-chart")
            if caption is None or chart is None:
                continue
            together = soup.new_tag("div", attrs={"class": "pz-samen"})
            chart.insert_before(together)
            together.append(caption.extract())
            together.append(chart.extract())
            for note in figure.select(".pz-noot"):
                together.append(note.extract())

    def _links(self) -> None:
        here = posixpath.dirname(self.docname)
        for element in self.section.find_all(id=True):
            element["id"] = f"{self.key}--{element['id']}"
        self.section["id"] = self.key
        for link in self.section.find_all("a", href=True):
            link["href"] = self.target(link["href"], here)

    def target(self, href: str, here: str) -> str:
        parts = urlsplit(href)
        if parts.scheme or href.startswith(("//", "mailto:")):
            return href
        if not parts.path:
            return f"#{self.key}--{parts.fragment}" if parts.fragment else f"#{self.key}"
        path = posixpath.normpath(posixpath.join(here, parts.path))
        docname = path.removesuffix(".html")
        if docname in self.pages:
            return f"#{_key(docname)}--{parts.fragment}" if parts.fragment else f"#{_key(docname)}"
        return self.baseurl + path + (f"#{parts.fragment}" if parts.fragment else "")  # downloads etc., on the site


def _heading_text(heading: Tag) -> str:
    """A heading's words without the footnote that moved into it."""
    copy = BeautifulSoup(str(heading), "html.parser")
    for note in copy.select(".pz-voetnoot"):
        note.decompose()
    return copy.get_text(" ", strip=True)


def _template(name: str, **context) -> str:
    from jinja2 import Environment, FileSystemLoader

    return Environment(loader=FileSystemLoader(TEMPLATES)).get_template(name).render(**context)


def numbers_source(standin: bool) -> str:
    """Where every number of this PDF comes from, as its cover, title page and metadata say it."""
    if standin:
        return ("Alle getallen, figuren en tabellen zijn berekend uit een vervangend onderzoeksbestand dat deze "
                "uitgave heeft gegenereerd om de percentages uit het rapport na te bootsen: de antwoorden van de "
                "peiling zijn niet openbaar. Een getal dat het rapport niet noemt, is dus geen uitkomst van de peiling.")
    return "Alle getallen, figuren en tabellen zijn berekend uit het gewogen onderzoeksbestand van de peiling."


def document(site: Path = SITE) -> str:
    """The whole book as one HTML document: cover, colophon, inhoudsopgave, the landing text, chapters, appendices."""
    config, cff = _config(), citation.load()
    baseurl = config["html"]["baseurl"]
    docnames = [d for d, _ in book_pages()]
    pages = [Page(d, part, set(docnames), baseurl, site) for d, part in book_pages()]
    landing = pages[0]
    title, subtitle = cff["title"].split(": ", 1)
    report = citation.original(cff)
    publisher = report["institution"]["name"]

    # The landing page's title and subtitle are the cover's; its citation block goes to the colophon.
    landing.section.h1.string = "Over deze uitgave"
    landing.section.h1.find_next("p").decompose()
    cite = landing.section.find(id=f"{landing.key}--citeer-deze-uitgave")
    cite.extract()
    cite.h2["class"] = "pz-colofon-kop"

    # The stand-in notice of every web page, from the same template and what the build's check found.
    standin = BuildState.load().get("standin", True)
    notice = _template("pz-vervangend.html", pz_standin=standin, pagename=landing.docname,
                       pathto=lambda name: f"{name}.html")
    notice_soup = BeautifulSoup(notice, "html.parser")
    for script in notice_soup.find_all("script"):  # the web page's folding
        script.decompose()
    for link in notice_soup.find_all("a", href=True):
        link["href"] = landing.target(link["href"], "")

    contents = []
    current_part = None
    for page in pages:
        if page.part != current_part and page.part:
            contents.append(f'<li class="pz-deel">{html.escape(page.part)}</li>')
        current_part = page.part
        for heading in page.section.find_all(["h1", "h2"]):
            anchor = heading.find_parent("section")["id"]
            text = html.escape(_heading_text(heading))
            heading["data-titel"] = _heading_text(heading)  # bookmark and running header, without a footnote call
            contents.append(f'<li class="pz-{heading.name}"><a href="#{anchor}">{text}</a></li>')

    site_url = cff["url"]
    site_link = f'<a href="{site_url}">{html.escape(site_url.removeprefix("https://").rstrip("/"))}</a>'
    full_title = f"{title}. {subtitle[0].upper() + subtitle[1:]}"
    # The report's authorship and the edition's are kept apart, on the cover, the title page and in the metadata.
    edition = " en ".join(citation.names(cff["authors"]))
    reissue = f"Heruitgave van het rapport van {publisher} ({report['year']})"
    head = f"""<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>{html.escape(cff['title'])}</title>
<meta name="author" content="{html.escape(edition)}">
<meta name="description" content="{html.escape(f'{reissue}, door {edition}. {numbers_source(standin)}')}">
<meta name="keywords" content="{html.escape(', '.join(cff['keywords']))}">
</head>
<body>
<section class="pz-omslag">
  <p class="pz-titel">{html.escape(title)}</p>
  <p class="pz-ondertitel">{html.escape(subtitle[0].upper() + subtitle[1:])}</p>
  <p class="pz-uitgever">Een rapport van {html.escape(publisher)}, {report['year']}</p>
  <p class="pz-editie"><strong>Heruitgave als online boek</strong>, door {html.escape(edition)}.
  {html.escape(numbers_source(standin))} Deze PDF is gemaakt uit dezelfde bronnen als de website: {site_link}.</p>
</section>
<section class="pz-titelpagina" id="titelpagina">
  <h1 class="pz-voorwerk">{html.escape(full_title)}</h1>
  <dl>
    <dt>Oorspronkelijk rapport</dt><dd>{html.escape(publisher)}, {report['year']}. Tekst en titel © {report['year']}
    {html.escape(publisher)}.</dd>
    <dt>Deze uitgave</dt><dd>{html.escape(edition)}: de tekst van het rapport als online boek, met
    toevoegingen die als zodanig zijn gemarkeerd ({site_link}).</dd>
    <dt>Cijfers</dt><dd>{html.escape(numbers_source(standin))}</dd>
  </dl>
</section>
<section class="pz-colofon" id="colofon">
  <h1 class="pz-voorwerk">Colofon</h1>
  <p><em>{html.escape(full_title)}.</em> Oorspronkelijk rapport:
  © {report['year']} {html.escape(publisher)}.</p>
  <p>Deze PDF hoort bij de online uitgave op <a href="{site_url}">{html.escape(site_url)}</a>. Daar zijn de
  figuren interactief en staan bij elke figuur downloads van de cijfers (CSV) en de figuur (SVG, PNG), en elk
  hoofdstuk als uitgevoerd notebook. De tabel die op de website onder een knop staat, staat hier onder de figuur.</p>
  {notice_soup}
  {cite}
</section>
<nav class="pz-inhoud" id="inhoudsopgave">
  <h1 class="pz-voorwerk">Inhoudsopgave</h1>
  <ul>{''.join(contents)}</ul>
</nav>
"""
    body = "\n".join(f'<div class="pz-pagina">{page.section}</div>' for page in pages)
    return head + body + "\n</body>\n</html>\n"


def write(out: Path, site: Path = SITE, html_out: Path | None = None) -> Path:
    # its step-by-step progress goes to whatever handler the build set up; only its warnings are for an author
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    text = document(site)
    if html_out:
        html_out.write_text(text, encoding="utf-8")
    # the base URL is the site's folder: relative addresses left in the pages resolve as they do on the site
    fonts = FontConfiguration()  # without it WeasyPrint ignores the stylesheet's @font-face (the book's Inter)
    css = CSS(filename=str(STYLESHEET), font_config=fonts)
    doc = HTML(string=text, base_url=str(site) + "/").render(stylesheets=[css], font_config=fonts)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.write_pdf(out, pdf_variant="pdf/ua-1", pdf_tags=True)
    return out


def _edition_override(app, config) -> None:
    if os.environ.get(EDITION_OVERRIDE, "") not in ("", "0"):
        config[EDITION_SETTING] = True


def _edition_link(app, pagename, templatename, context, doctree) -> None:
    context[EDITION_SETTING] = app.config[EDITION_SETTING]


def _write_edition(app, exception) -> None:
    """After the pages are written: the PDF from them, or no PDF at all, as no page then links one."""
    if exception is not None or app.builder.format != "html":
        return
    site = Path(app.outdir)
    out = site / pdf_name()
    if not app.config[EDITION_SETTING]:
        out.unlink(missing_ok=True)
        return
    missing = [d for d, _ in book_pages() if not (site / f"{d}.html").exists()]
    if missing:  # a page a failed build removed (see pzboek/sphinxext/__init__.py): that build has failed already
        out.unlink(missing_ok=True)
        print(f"error: {out} was not written: {site / missing[0]}.html is missing", file=sys.stderr)
        return
    start = time.perf_counter()
    write(out, site)
    print(f"{out}: {out.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - start:.1f} s")


def web_only(name, rawtext, text, lineno, inliner, options=None, content=None):
    """The role {alleen-web}: words true only of the web page (a tooltip, a download), left out of the PDF; a
    whole block is a ```{container} pz-alleen-web``` fence."""
    from docutils import nodes

    return [nodes.inline(rawtext, text, classes=[WEB_ONLY])], []


def setup(app) -> None:
    app.add_role("alleen-web", web_only)
    # Declared here, set in _config.yml (sphinx.config), overridden by PZ_PDF=1 (make pdf, CI): "html", so that a
    # change rewrites every page with or without its link.
    app.add_config_value(EDITION_SETTING, False, "html", types=[bool])
    app.connect("config-inited", _edition_override)
    app.connect("html-page-context", _edition_link)
    app.connect("build-finished", _write_edition, priority=900)  # after the other extensions' last changes to pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the PDF edition of a built site (a build with "
                                                 "pz_pdf_edition or PZ_PDF=1 does it and links it from every page).")
    parser.add_argument("--site", type=Path, default=SITE, help="the built site (default: _build/html)")
    parser.add_argument("--out", type=Path, help="the PDF (default: the site's participatiezekerheid.pdf)")
    parser.add_argument("--html", type=Path, help="also write the print HTML document here (to inspect)")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").exists():
        print(f"error: {args.site}/index.html is missing: run `make book` first", file=sys.stderr)
        return 1
    build_lock()  # not while a build rewrites the pages
    start = time.perf_counter()
    out = write(args.out or args.site / pdf_name(), args.site, args.html)
    print(f"{out}: {out.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
