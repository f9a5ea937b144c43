"""What a reader meets around the text: the stand-in notice, the footer, a Dutch interface, the 404 page."""
import html
import re
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import jinja2
import pandas as pd
import pyreadstat
import yaml

from pzboek import paths
from pzboek.sphinxext.pages import _standin_notice
from pzboek.survey import survey_is_standin

NOTICE = re.compile(r'<aside class="pz-vervangend" aria-label="Over de cijfers">(.*?)</aside>', re.S)
CONFIG = yaml.safe_load((paths.ROOT / "_config.yml").read_text(encoding="utf-8"))
PREFIX = urlsplit(CONFIG["html"]["baseurl"]).path  # where the site is published: /participatiezekerheid/
# English interface strings the themes and Sphinx write into pages
ENGLISH = ["Toggle primary sidebar", "Toggle secondary sidebar", "Please activate JavaScript", "Hide Search Matches"]


def pages(built_book: Path) -> list[Path]:
    found = sorted(p for p in built_book.rglob("*.html") if not p.relative_to(built_book).parts[0].startswith(("_", ".")))
    names = {p.relative_to(built_book).as_posix() for p in found}
    assert {"index.html", "search.html", "404.html", "chapters/verantwoording.html", "chapters/06_denktank.html"} <= names
    return found


def text_of(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", fragment))).strip()


# ---------------------------------------------------------------------------------------------------- 404 page

def test_404_page_is_dutch_and_served_from_the_published_path(built_book, built_pdf):
    """(built_pdf: the page links the PDF edition, which `make pdf` adds to the site.)"""
    assert CONFIG["sphinx"]["config"]["notfound_urls_prefix"] == PREFIX == "/participatiezekerheid/"
    text = (built_book / "404.html").read_text(encoding="utf-8")
    assert re.search(r'<html lang="nl"', text)
    assert "<title>Pagina niet gevonden" in text and "<h1>Pagina niet gevonden</h1>" in text
    assert f'<a href="{PREFIX}">startpagina</a>' in text
    # GitHub Pages shows 404.html for any missing address, at any depth: every local link, script and
    # stylesheet is absolute under the published path (the browser test serves it there)
    local = [u for u in re.findall(r'(?:href|src)="([^"]+)"', text) if not urlsplit(u).scheme and not u.startswith("#")]
    assert local and all(u.startswith(PREFIX) for u in local), [u for u in local if not u.startswith(PREFIX)]
    for url in local:
        assert (built_book / urlsplit(url).path[len(PREFIX):]).exists() or url == PREFIX, url
    assert len(re.findall(r'rel="stylesheet"', text)) == 1
    assert "404.html" not in (built_book / "sitemap.xml").read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------------- stand-in notice

def test_standin_notice_on_every_page_links_to_the_verantwoording(built_book):
    anchors = set(re.findall(r'id="([^"]+)"', (built_book / "chapters/verantwoording.html").read_text(encoding="utf-8")))
    assert "vervangend-bestand" in anchors
    for page in pages(built_book):
        notices = NOTICE.findall(page.read_text(encoding="utf-8"))
        assert len(notices) == 1, page
        assert text_of(notices[0]).startswith("Vervangende cijfers. De getallen in deze uitgave komen uit een vervangend"), page
        href = urlsplit(re.search(r'<a href="([^"]+)">Meer hierover in de Verantwoording</a>', notices[0]).group(1))
        # relative on every page; absolute under the published path on the 404 page, which any address may show
        target = built_book / href.path[len(PREFIX):] if page.name == "404.html" else page.parent / href.path
        assert href.fragment == "vervangend-bestand", (page, href)
        assert (target.resolve() if href.path else page) == built_book / "chapters/verantwoording.html", (page, href)


def _notice_for(survey_file: Path, monkeypatch) -> str:
    """The notice as the book's template writes it, for a build whose configured survey file is survey_file."""
    # what the build's check records (pzboek/sphinxext/prepare.py) and the page context then says
    app = SimpleNamespace(pz_build_state={"standin": survey_is_standin(survey_file)})
    context = {"default_mode": "auto"}
    _standin_notice(app, "index", "page.html", context, None)
    template = jinja2.Environment(loader=jinja2.FileSystemLoader(paths.ROOT / "_templates")).get_template("pz-vervangend.html")
    return template.render(**context, pagename="index", pathto=lambda name: f"{name}.html")


def test_standin_notice_follows_the_configured_survey_file(tmp_path, monkeypatch):
    assert "Vervangende cijfers." in _notice_for(paths.STANDIN_SURVEY, monkeypatch)
    real = tmp_path / "echt.sav"
    pyreadstat.write_sav(pd.DataFrame({"respnr": [1.0, 2.0]}), str(real), file_label="I&O Research - Participatiezekerheid juli 2019")
    assert _notice_for(real, monkeypatch).strip() == ""


# ------------------------------------------------------------------------------------------------------ footer

def test_footer_credits_the_report_and_the_edition_apart(built_book):
    for page in pages(built_book):
        text = page.read_text(encoding="utf-8")
        assert "© Copyright" not in text and "Door Start Foundation" not in text, page
        footer = re.search(r'<footer class="bd-footer-content">(.*?)</footer>', text, re.S)
        assert footer, page
        text = text_of(footer.group(1))
        assert text.startswith("Oorspronkelijk rapport: © 2019 Start Foundation. Deze online uitgave"), (page, text)
        assert "code onder MIT-licentie" in text and "onder CC BY 4.0" in text, (page, text)
        assert "de tekst van het rapport valt daar niet onder" in text, (page, text)
    licence = (paths.ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in licence and "CC BY 4.0" in licence and "© 2019 Start Foundation" in licence
    assert "does not license them" in licence


# --------------------------------------------------------------------------------------------- Dutch interface

def test_no_english_interface_strings(built_book):
    for page in pages(built_book):
        text = page.read_text(encoding="utf-8")
        assert not [e for e in ENGLISH if e in text], page
        assert 'title="Hoofdmenu tonen of verbergen" aria-label="Hoofdmenu tonen of verbergen"' in text, page
    assert 'title="Inhoud van deze pagina tonen of verbergen"' in (built_book / "chapters/01_vooraf.html").read_text(encoding="utf-8")
    assert "Zet JavaScript aan om te kunnen zoeken." in (built_book / "search.html").read_text(encoding="utf-8")


def test_translations_load_before_sphinx_highlight(built_book):
    for page in pages(built_book):
        scripts = re.findall(r'<script defer(?:="defer")? src="[^"]*/?(doctools|translations|sphinx_highlight)\.js', page.read_text(encoding="utf-8"))
        assert scripts == ["doctools", "translations", "sphinx_highlight"], page


def test_bibliography_in_dutch(built_book):
    literature = text_of((built_book / "chapters/06_denktank.html").read_text(encoding="utf-8").split('id="toevoeging-literatuur"')[1])
    assert "Socialisme & Democratie, pp. 57–61, 2019." in literature
    assert "12 oktober 2018. http://www.socialevraagstukken.nl." in literature
    assert "pages" not in literature and "URL:" not in literature


def test_copybutton_speaks_dutch(built_book):
    script = (built_book / "_static/copybutton.js").read_text(encoding="utf-8")
    assert "'copy_success': 'Gekopieerd!'" in script and "Copy to clipboard" not in script and "Copied!" not in script


def test_meta_descriptions_have_no_run_together_words(built_book):
    descriptions = {}
    for page in pages(built_book):
        for content in re.findall(r'<meta (?:name="description"|property="og:description") content="([^"]*)"', page.read_text(encoding="utf-8")):
            descriptions.setdefault(page.relative_to(built_book).as_posix(), []).append(html.unescape(content))
    assert len(descriptions) >= 9, descriptions.keys()
    for page, texts in descriptions.items():
        for text in texts:
            assert not re.search(r"\w\(|[a-zà-ÿ][.,;:!?]?[A-Z]", text), (page, text)
