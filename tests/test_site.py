"""The published site: internal links and anchors resolve, and a clean rebuild gives the same pages."""
import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pzboek import paths
from conftest import build_env, copy_book

HREF = re.compile(r'(?:href|src)="([^"]+)"')
BUILD_ID = re.compile(r"\?v=[0-9a-f]+")
PUBLISHED = "/participatiezekerheid/"  # html.baseurl's path, notfound_urls_prefix in _config.yml


def test_every_internal_link_and_anchor_resolves(built_book, built_pdf):
    """The site as published: the book and its PDF edition (`make pdf`), which every page links."""
    ids = {}
    broken = []
    for page in [p for p in built_book.rglob("*.html") if "_static" not in p.parts]:
        html = page.read_text(encoding="utf-8")
        for target in HREF.findall(html):
            parts = urlsplit(target)
            if parts.scheme or target.startswith(("//", "mailto:", "data:")):
                continue
            if parts.path.startswith(PUBLISHED):  # the 404 page's addresses are absolute, under the published path
                path = (built_book / unquote(parts.path)[len(PUBLISHED):]).resolve()
            else:
                path = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not path.exists():
                broken.append(f"{page.relative_to(built_book)} -> {target}")
                continue
            if parts.fragment and path.suffix == ".html":
                if path not in ids:
                    ids[path] = set(re.findall(r'id="([^"]+)"', path.read_text(encoding="utf-8")))
                if parts.fragment not in ids[path]:
                    broken.append(f"{page.relative_to(built_book)} -> {target} (no such anchor)")
    assert not broken, "\n".join(broken)


def test_two_clean_builds_give_identical_pages(built_book, tmp_path):
    """built_book was started as `make book` starts it (pzboek/sphinxext/launch.py); this one by the plain
    `jupyter-book build .`: the same pages and downloads."""
    copy = copy_book(tmp_path / "book")
    subprocess.run([str(Path(sys.executable).parent / "jupyter-book"), "build", ".", "-W", "-n", "--keep-going"],
                   cwd=copy, env=build_env(copy, PZ_PDF="1"), check=True, capture_output=True)
    pages = [Path("index.html"), *sorted(p.relative_to(built_book) for p in (built_book / "chapters").glob("*.html"))]
    assert len(pages) == len(list((paths.ROOT / "chapters").glob("*.md"))) + 1
    for page in pages:
        first = BUILD_ID.sub("", (built_book / page).read_text(encoding="utf-8"))
        second = BUILD_ID.sub("", (copy / "_build/html" / page).read_text(encoding="utf-8"))
        assert first == second, page
    for download in [*(built_book / "downloads").glob("figuur*.[cs][sv]*"), built_book / "downloads/datapackage.json"]:
        assert download.read_bytes() == (copy / "_build/html/downloads" / download.name).read_bytes(), download


def test_static_charts_carry_no_english_accessibility_strings(built_book):
    for page in [built_book / "index.html", *(built_book / "chapters").glob("*.html"), *(built_book / "downloads").glob("*.svg")]:
        text = page.read_text(encoding="utf-8")
        for english in ("aria-roledescription", "mark container", "graphics-symbol", "X-axis", "Y-axis"):
            assert english not in text, (page.name, english)


def test_search_index_has_no_chart_text_or_code(built_book):
    """Sphinx indexes the text of raw HTML outputs (the figures, the tables), but not the charts' drawn text:
    a word only a chart shows (a cut-off label such as "maa…", two labels run together) is not a search term
    of its page, and neither is any code. (A term an earlier build indexed stays in the index with no pages.)"""
    from pzboek.sphinxext.content import dutch_search_language

    dutch = dutch_search_language()({})  # the stemmer the index is built with
    text = (built_book / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1:text.rindex(")")])
    terms = {term: ({docs} if isinstance(docs, int) else set(docs)) for term, docs in index["terms"].items()}
    assert not terms.get("glue_figuur") and not terms.get("glue_getallen")

    def stems(fragment: str) -> set[str]:
        return {dutch.stem(w.lower()) for w in dutch.split(html.unescape(re.sub(r"<[^>]+>", " ", fragment)))
                if len(w) > 2 and not w.isdigit()}

    seen = 0
    for number, docname in enumerate(index["docnames"]):
        page = (built_book / f"{docname}.html").read_text(encoding="utf-8")
        charts = re.findall(r"<svg\b.*?</svg>", page, re.S)
        drawn = set().union(*(stems(" ".join(re.findall(r"<t(?:ext|span)\b[^>]*>([^<]*)<", c))) for c in charts)) if charts else set()
        seen += len(drawn)
        chart_only = drawn - stems(re.sub(r"<svg\b.*?</svg>|<script\b.*?</script>", " ", page, flags=re.S))
        assert not [w for w in chart_only if number in terms.get(w, ())], (docname, sorted(w for w in chart_only if number in terms.get(w, ())))
    assert seen > 50  # the charts' drawn words were found, so the check above looked at them
    assert {dutch.stem("gereconstrueerd"), dutch.stem("eenzame")} <= set(terms)  # the tables stay searchable


def test_page_charts_need_only_the_regular_font_file(built_book):
    """Chart text on the pages is regular weight: a page downloads one font file (bold titles only in the downloads, as outlines)."""
    for page in [built_book / "index.html", *(built_book / "chapters").glob("*.html")]:
        for svg in re.findall(r"<svg\b.*?</svg>", page.read_text(encoding="utf-8"), re.S):
            assert 'font-weight="bold"' not in svg and "font-weight: bold" not in svg, page.name
    assert "pz-gb" in (built_book / "downloads" / "figuur5.svg").read_text(encoding="utf-8")  # bold outlines


def test_chart_pages_preload_the_chart_font_and_other_pages_do_not(built_book):
    for page in [built_book / "index.html", *(built_book / "chapters").glob("*.html")]:
        html = page.read_text(encoding="utf-8")
        preload = re.findall(r'<link rel="preload" href="([^"]+)" as="font"', html)
        assert (preload == ["../_static/fonts/Inter-Regular.woff2"]) == ('class="pz-figuur"' in html), page.name


def test_no_page_carries_thebe(built_book):
    """Jupyter Book 1 always loads sphinx-thebe, for live code this book does not have: none of its scripts, its
    stylesheet, its Binder configuration or its CDN address reach a page (pages.py, content.py)."""
    for page in built_book.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for mark in ("thebe", "kernelName", "unpkg.com"):
            assert mark not in text, (page.relative_to(built_book), mark)
    from pzboek.sphinxext.pages import untrimmed

    for css in (built_book / "_static" / "styles").glob("pz-*.css"):  # before trimming, which drops more
        assert "/* Thebelab Buttons */" not in untrimmed(built_book, css.relative_to(built_book).as_posix())


def test_no_empty_general_index(built_book):
    """The book has no index entries, so no genindex.html: it was an empty page that every page and the sitemap
    linked."""
    assert not (built_book / "genindex.html").exists()
    for page in [built_book / "index.html", built_book / "sitemap.xml", *(built_book / "chapters").glob("*.html")]:
        assert "genindex" not in page.read_text(encoding="utf-8"), page.name


def test_ranges_are_written_with_an_en_dash(built_book):
    """'20–39', as this edition writes every range, not '20-39' (the Verantwoording's weighting sources had
    hyphens). The edition's own pages; the report's text is as printed ('pp. 57-61' in a footnote)."""
    from bs4 import BeautifulSoup

    found = []
    for page in [built_book / "chapters" / f"{name}.html" for name in ("verantwoording", "codeboek", "verkenner")]:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for hidden in soup(["script", "style", "svg"]):
            hidden.decompose()
        found += [f"{page.name}: {m.group(0)}" for m in re.finditer(r"\b\d+-\d+\b", soup.get_text(" "))]
    assert not found, found
