"""The PDF edition (`make pdf`, pzboek/sphinxext/pdf.py): the whole book as one A4 report with the site's text, captions and
numbers, footnotes on their page, a correct inhoudsopgave, embedded fonts, vector figures, metadata and bookmarks.
The PDF is read with poppler-utils (pdftotext, pdffonts, pdfimages, pdfinfo, pdftohtml)."""
import json
import re
import subprocess
import xml.etree.ElementTree as ET
import zlib
from functools import cache
from pathlib import Path

from bs4 import BeautifulSoup

from pzboek.sphinxext import citation
from pzboek.sphinxext.pdf import WEB_ONLY, book_pages, numbers_source
from pzboek.sphinxext.prepare import STAMP
from pzboek.published import load_errata, load_figures, load_pinned, load_published
from test_book import pinned_sentence_problem

# The text area of an A4 page in points, without the running header and the page number (the @page margins of
# pzboek/sphinxext/pdf.css, 22 mm above and 24 mm below, less a little).
BODY_TOP, BODY_BOTTOM, PAGE_WIDTH = 58, 842 - 66, 596
MAX_BYTES = 10_000_000


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


@cache
def body_pages(pdf: Path) -> list[str]:
    """Each page's text area as text, in reading order (page 1 first)."""
    text = run("pdftotext", "-x", "0", "-y", str(BODY_TOP), "-W", str(PAGE_WIDTH), "-H", str(BODY_BOTTOM - BODY_TOP),
               str(pdf), "-")
    return text.split("\f")[:-1]


def letters(text: str) -> str:
    """Letters only: spacing, punctuation, hyphens (also those WeasyPrint adds when it hyphenates a word at a line
    end), footnote calls and numbers drop out of the comparison."""
    return "".join(c for c in text.lower() if c.isalpha())


def flowing(text: str) -> str:
    """Text with the lines joined: a word hyphenated at a line end is repaired, whitespace is one space."""
    text = re.sub(r"(?<=[a-zà-ÿ])[-\u2010\u00ad]\n(?=[a-zà-ÿ])", "", text)
    return re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\u202f", " "))


def site_article(site: Path, docname: str) -> BeautifulSoup:
    soup = BeautifulSoup((site / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article.bd-article")
    for chrome in article.select("a.headerlink, script, svg, .pz-downloads, details > summary"):
        chrome.decompose()
    return article


def title(article) -> str:
    """The page's title, without a footnote reference."""
    heading = BeautifulSoup(str(article.h1), "html.parser")
    for ref in heading.select("a.footnote-reference"):
        ref.decompose()
    return heading.get_text(" ", strip=True)


def footnotes(article) -> dict[str, str]:
    """The page's footnotes, number -> text."""
    return {note.select_one(".label").get_text().strip("[]"): " ".join(p.get_text() for p in note.find_all("p"))
            for note in article.select("aside.footnote")}


@cache
def outline(pdf: Path) -> list[tuple[int, str, int]]:
    """The PDF's bookmarks: (level, title, page)."""
    root = ET.fromstring(run("pdftohtml", "-xml", "-i", "-q", "-stdout", str(pdf)))
    found = []

    def walk(node, level):
        for child in node:
            if child.tag == "item":
                found.append((level, child.text or "", int(child.get("page"))))
            elif child.tag == "outline":
                walk(child, level + 1)

    walk(root.find("outline"), 1)
    return found


def page_ranges(pdf: Path, site: Path) -> dict[str, range]:
    """The pages of each page of the book: from its title's bookmark to the next top-level bookmark."""
    starts = [(title, page) for level, title, page in outline(pdf) if level == 1]
    ranges = {}
    for docname, _ in book_pages()[1:]:
        heading = title(site_article(site, docname))
        index = next(i for i, (t, _) in enumerate(starts) if re.sub(r"\s+", " ", t).strip() == heading)
        end = starts[index + 1][1] if index + 1 < len(starts) else len(body_pages(pdf)) + 1
        ranges[docname] = range(starts[index][1], end)
    return ranges


def text_of(pdf: Path, pages: range) -> str:
    return "\n".join(body_pages(pdf)[p - 1] for p in pages)


def inflate(stream: bytes) -> bytes:
    """A compressed stream's content; a stream that only starts like one (a font's, say) gives nothing."""
    try:
        return zlib.decompress(stream)
    except zlib.error:
        return b""


def unpacked(pdf: Path) -> bytes:
    """The PDF's objects with their compressed object streams unpacked (the catalog and structure tree are in them)."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf.read_bytes(), re.S)
    return pdf.read_bytes() + b"".join(inflate(s) for s in streams if s[:1] == b"x")


def pdf_string(literal: bytes) -> str:
    """A PDF string as WeasyPrint writes it: (Latin-1 text with escapes) or <hex UTF-16>."""
    if literal.startswith(b"<"):
        return bytes.fromhex(literal[1:-1].decode()).decode("utf-16")
    return re.sub(rb"\\(.)", rb"\1", literal[1:-1]).decode("latin-1")


def _built_from_standin(built_pdf) -> bool:
    """What the build's check recorded about the survey file it built from (in that build's _build folder)."""
    return json.loads((built_pdf.parent.parent / STAMP.name).read_text())["standin"]


def test_the_pdf_is_a4_within_budget_with_dutch_metadata(built_pdf):
    assert built_pdf.read_bytes().startswith(b"%PDF")
    assert built_pdf.stat().st_size <= MAX_BYTES
    info = dict(line.split(":", 1) for line in run("pdfinfo", str(built_pdf)).splitlines() if ":" in line)
    info = {k.strip(): v.strip() for k, v in info.items()}
    assert info["Title"].startswith("Participatiezekerheid")
    # the edition is the PDF's author; the report's author and where the numbers come from are in its subject
    assert info["Author"] == " en ".join(citation.names(citation.load()["authors"]))
    assert "Start Foundation (2019)" in info["Subject"] and "participatiezekerheid" in info["Keywords"]
    assert " ".join(numbers_source(_built_from_standin(built_pdf)).split()) in " ".join(info["Subject"].split())
    assert info["Tagged"] == "yes"
    assert info["Page size"].startswith("595.276 x 841.89")
    assert "pdfuaid:part" in run("pdfinfo", "-meta", str(built_pdf))  # declared PDF/UA-1
    # the document language sits in the catalog, inside a compressed object stream
    assert b"/Lang (nl)" in unpacked(built_pdf)


def test_cover_and_title_page_name_the_edition_and_where_the_numbers_come_from(built_pdf):
    """With the stand-in, the first two pages say that every number comes from a generated file, not the survey."""
    front = [flowing(run("pdftotext", "-f", str(page), "-l", str(page), str(built_pdf), "-")) for page in (1, 2)]
    edition = " en ".join(citation.names(citation.load()["authors"]))
    source = flowing(numbers_source(_built_from_standin(built_pdf)))
    assert _built_from_standin(built_pdf) and "vervangend onderzoeksbestand" in source
    for page in front:
        assert "Start Foundation" in page and edition in page and source in page, page
    assert "Heruitgave" in front[0] and "Oorspronkelijk rapport" in front[1]


def test_every_figure_has_the_charts_description_as_alternative_text(built_pdf, built_book):
    """A tagged figure's /Alt is its chart's Dutch description (the SVG's aria-label on the site), so a screen
    reader says what the chart shows instead of reading its labels as one string."""
    alts = [pdf_string(m) for m in re.findall(rb"/Alt (\((?:[^()\\]|\\.)*\)|<[0-9a-fA-F]+>)", unpacked(built_pdf))]
    figures = unpacked(built_pdf).count(b"/S /Figure")
    described = [svg["aria-label"] for docname, _ in book_pages()
                 for svg in BeautifulSoup((built_book / f"{docname}.html").read_text(encoding="utf-8"), "html.parser",
                                          on_duplicate_attribute="ignore").select(".pz-chart svg[aria-label]:not(.pz-smal)")]
    assert figures == len(alts) == len(described) >= 10
    assert sorted(" ".join(a.split()) for a in alts) == sorted(" ".join(d.split()) for d in described)
    assert sum(a.startswith("Figuur ") for a in alts) >= 8


def test_web_only_words_are_left_out(built_pdf, built_book):
    """Words that hold only on the web page (tooltips, the address bar, JavaScript) are on the site, not in the PDF."""
    verkenner = site_article(built_book, "chapters/verkenner")
    web_only = [" ".join(e.get_text(" ", strip=True).split()) for e in verkenner.select(f".{WEB_ONLY}, noscript")]
    assert any("in het adres" in w for w in web_only) and any("streepjes" in w for w in web_only)
    pdf = letters("".join(body_pages(built_pdf)))
    for words in web_only:
        assert letters(words) not in pdf, words
    assert letters("online, bij het aanwijzen van een staaf") in pdf  # said of the web edition, so it stays


def test_every_chapter_and_appendix_has_a_bookmark(built_pdf, built_book):
    titles = [re.sub(r"\s+", " ", t).strip() for level, t, _ in outline(built_pdf) if level == 1]
    for docname, _ in book_pages()[1:]:
        assert title(site_article(built_book, docname)) in titles, docname
    assert {"Colofon", "Inhoudsopgave", "Over deze uitgave"} <= set(titles)
    sections = [t for level, t, _ in outline(built_pdf) if level == 2]
    assert "Toevoeging: hoe zeker zijn deze verschillen?" in sections


def test_every_sentence_of_the_site_is_in_the_pdf(built_pdf, built_book):
    """Each sentence of every page's paragraphs, list items, headings and captions, compared letters only; the
    footnotes are taken out of the PDF's text first, as they interrupt a sentence that runs onto the next page."""
    pdf = letters("".join(body_pages(built_pdf)))
    missing = []
    for docname, _ in book_pages():
        article = site_article(built_book, docname)
        for number, note in footnotes(article).items():
            assert letters(note) in pdf, f"{docname}: footnote {number} is missing"
            pdf = pdf.replace(letters(note), "", 1)
        for web_only in article.select(f"aside.footnote-list, form.pz-verkenner-keuze, noscript, .{WEB_ONLY}"):
            web_only.decompose()
        for element in article.select("p, h1, h2, h3, figcaption, caption"):
            for sentence in re.split(r"(?<=[.?!:;])\s+", element.get_text(" ", strip=True)):
                if letters(sentence) and letters(sentence) not in pdf:
                    missing.append(f"{docname}: {sentence}")
    assert not missing, "\n".join(missing[:20])


def test_the_reports_pinned_words_are_in_their_chapter(built_pdf, built_book):
    """The words of the original pinned in data/vaste_zinnen.csv (or their recorded correction), in the pages of
    their own chapter."""
    ranges = page_ranges(built_pdf, built_book)
    errata = load_errata().copy()
    for column in ("origineel", "correctie"):
        errata[column] = errata[column].map(letters)
    problems = []
    for row in load_pinned().itertuples():
        chapter = letters(text_of(built_pdf, ranges[f"chapters/{row.hoofdstuk}"]))
        problems.append(pinned_sentence_problem(row.hoofdstuk, letters(row.zin), chapter, errata))
    assert not [p for p in problems if p], "\n".join(p for p in problems if p)


def test_the_seven_captions_are_in_their_chapters(built_pdf, built_book):
    ranges = page_ranges(built_pdf, built_book)
    published = load_published()
    for key, title in load_figures()["titel"].items():
        if key.startswith("A"):
            continue
        docname = "chapters/" + published.loc[published["figuur"] == key, "hoofdstuk"].iloc[0]
        assert f"Figuur {key} {title}" in flowing(text_of(built_pdf, ranges[docname])), key


def test_every_glued_number_is_the_sites(built_pdf, built_book):
    """Every number a chapter's executed notebook glues (the site's numbers), as often in the chapter's pages of the PDF as on its web
    page (at least: the PDF draws the charts' labels as text too)."""
    ranges = page_ranges(built_pdf, built_book)
    checked = 0
    for notebook in sorted((built_book / "notebooks").glob("0*.ipynb")):
        docname = f"chapters/{notebook.stem}"
        site = re.sub(r"\s+", " ", site_article(built_book, docname).get_text(" ")).replace("\xa0", " ")
        pdf = flowing(text_of(built_pdf, ranges[docname]))
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                if "scrapbook" not in output.get("metadata", {}):
                    continue
                value = next((v for k, v in output["data"].items() if k.endswith("text/markdown")), "")
                # numbers ('63%', '1.004') and numbers in words ('ongeveer een derde'); not the longer sentences
                if value and len(value) < 40 and not re.search(r"[*\[<]", value) and value in site:
                    assert pdf.count(value) >= site.count(value), f"{docname}: {value}"
                    checked += 1
    assert checked >= 30


def test_footnotes_are_on_the_page_of_their_call_with_the_reports_numbers(built_pdf, built_book):
    pages = [flowing(p) for p in body_pages(built_pdf)]
    for docname, _ in book_pages():
        article = site_article(built_book, docname)
        for number, note in footnotes(article).items():
            body = f"{number}. {' '.join(note.split())[:40]}"
            (page,) = [i for i, text in enumerate(pages) if body in text]
            ref = next(a for a in article.select("a.footnote-reference") if a.get_text().strip("[]") == number)
            before = ref.find_parent(["p", "h1"]).get_text(" ", strip=True)
            before = letters(before[:before.index(ref.get_text(" ", strip=True))])[-30:]
            assert before in letters(pages[page]), f"footnote {number} is not on the page of its call"


def test_the_inhoudsopgave_gives_the_pages_of_the_headings(built_pdf):
    toc_page = next(i for i, text in enumerate(body_pages(built_pdf), 1) if text.lstrip().startswith("Inhoudsopgave"))
    entries = re.findall(r"^\s*(\S.*?)\s*(?:\.\s)+\s*(\d+)$", run("pdftotext", "-layout", "-f", str(toc_page), "-l",
                                                              str(toc_page), str(built_pdf), "-"), re.M)
    bookmarks = {re.sub(r"\s+", " ", t).strip(): page for _, t, page in outline(built_pdf)}
    assert len(entries) >= 20
    for title, page in entries:
        title = title.rstrip(" .")
        assert bookmarks[title] == int(page), title
        assert title in flowing(body_pages(built_pdf)[int(page) - 1]), f"{title} is not on page {page}"


def test_all_fonts_are_embedded_and_the_books_font_is_used(built_pdf):
    rows = run("pdffonts", str(built_pdf)).splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), "\n".join(rows)
    assert any("Inter" in row.split()[0] for row in rows)


def test_figures_are_vector_graphics(built_pdf, built_book):
    """No raster image anywhere: the charts are the site's static SVGs, drawn as vectors with text."""
    images = run("pdfimages", "-list", str(built_pdf)).splitlines()[2:]
    assert not images, images
    ranges = page_ranges(built_pdf, built_book)
    assert "≈34%" in flowing(text_of(built_pdf, ranges["chapters/04_organiseren"]))  # a bar's label, as text


def test_every_page_links_the_pdf(built_pdf, built_book):
    for page in [built_book / "index.html", *sorted((built_book / "chapters").glob("*.html"))]:
        link = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("a", string="Download als PDF")
        assert link is not None, page.name
        assert (page.parent / link["href"]).resolve() == built_pdf.resolve(), page.name
