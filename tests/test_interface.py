"""What a reader meets around the text: the 404 page."""
import re
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from pzboek import paths

CONFIG = yaml.safe_load((paths.ROOT / "_config.yml").read_text(encoding="utf-8"))
PREFIX = urlsplit(CONFIG["html"]["baseurl"]).path  # where the site is published: /participatiezekerheid/


def pages(built_book: Path) -> list[Path]:
    found = sorted(p for p in built_book.rglob("*.html") if not p.relative_to(built_book).parts[0].startswith(("_", ".")))
    names = {p.relative_to(built_book).as_posix() for p in found}
    assert {"index.html", "search.html", "404.html", "chapters/verantwoording.html", "chapters/06_denktank.html"} <= names
    return found


# ---------------------------------------------------------------------------------------------------- 404 page

def test_404_page_is_dutch_and_served_from_the_published_path(built_book):
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
