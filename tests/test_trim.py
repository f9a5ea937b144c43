"""The joined stylesheet trimmed to the rules the site can use (pzboek/sphinxext/trim.py): the rule, and in the browser
every page looking exactly as it does with the whole stylesheet, at phone and desktop width, light and dark,
with the phone menu open and the charts live."""
from pathlib import Path

import pytest
import tinycss2

from browsing import Tab
from pzboek.sphinxext import pages
from pzboek.sphinxext.trim import trim_stylesheet

CSS = """
@font-face { font-family: X; src: url(x.woff2); }
.used { color: red; }
.unused { color: blue; }
.used, .unused-too { margin: 0; }
div.used > p:hover::before { content: "a"; }
html[data-theme=dark] .used:not(.unused) { color: white; }
.\\!escaped { color: green; }
@media (max-width: 10px) { .unused { display: none; } }
@media print { .used { display: none; } }
section.used { color: black; }
"""


def _selectors(css: str) -> list[str]:
    found = []
    for rule in tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True):
        if rule.type == "qualified-rule":
            found.append(tinycss2.serialize(rule.prelude).strip())
        else:
            found.append(f"@{rule.lower_at_keyword} {tinycss2.serialize(rule.prelude).strip()}".strip())
            if rule.lower_at_keyword == "media":
                found += _selectors(tinycss2.serialize(rule.content))
    return found


def test_a_rule_stays_when_the_site_has_every_name_it_asks_for():
    assert _selectors(trim_stylesheet(CSS, {"used", "div", "p", "html"})) == [
        "@font-face",
        ".used",
        ".used",  # of the list '.used, .unused-too'
        "div.used > p:hover::before",  # states and pseudo-elements are not judged
        "html[data-theme=dark] .used:not(.unused)",  # nor what :not() excludes
        ".\\!escaped",  # escaped names are kept, not guessed at
        "@media print", ".used",  # an emptied @media goes
    ]  # '.unused', 'section.used' (no page has a section) and '@media (max-width: 10px)' are gone


STYLE = """() => Array.from(document.querySelectorAll('body *')).filter(e => !e.closest('svg')).map(e => {
    const s = getComputedStyle(e), r = e.getBoundingClientRect();
    return [e.tagName, e.className && e.className.baseVal === undefined ? e.className : '', s.display, s.color,
            s.backgroundColor, s.fontSize, s.fontWeight, s.margin, s.padding, s.border, s.position, s.visibility,
            Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)].join('|');
})"""
VIEWS = [("index.html", 375, "light", True), ("index.html", 1280, "dark", False),
         ("chapters/02_maatschappelijk_waardevol_werk.html", 375, "dark", True),
         ("chapters/02_maatschappelijk_waardevol_werk.html", 1280, "light", False),
         ("chapters/verkenner.html?vraag=betalen&naar=geslacht", 800, "light", False),
         ("chapters/codeboek.html", 375, "light", False), ("search.html?q=overheid", 375, "dark", False),
         ("bestaat-niet/pagina.html", 1280, "light", False)]  # the 404 page, at any depth


@pytest.mark.parametrize("path, width, scheme, menu", VIEWS)
def test_pages_look_the_same_with_the_whole_stylesheet(browser, published_site, built_book: Path, path, width, scheme, menu):
    whole = {p.name: pages.untrimmed(built_book, p.relative_to(built_book).as_posix())
             for p in (built_book / "_static" / "styles").glob("pz-*.css")}
    assert whole
    seen = []
    for untrimmed in (False, True):
        t = Tab(browser, published_site, viewport={"width": width, "height": 900}, color_scheme=scheme, has_touch=menu)
        if untrimmed:
            t.page.route("**/_static/styles/pz-*.css", lambda route: route.fulfill(
                body=whole[route.request.url.rsplit("/", 1)[-1]], content_type="text/css"))
        page = t.page
        page.goto(published_site + path, wait_until="load")
        # end states only: a transition caught halfway would differ between two loads of the same page
        page.add_style_tag(content="*, *::before, *::after { transition: none !important; animation: none !important; }")
        page.wait_for_timeout(300)
        figures = page.locator(".pz-figuur .pz-chart")
        for i in range(figures.count()):  # charts live
            figures.nth(i).hover()
            page.wait_for_function(f"document.querySelectorAll('.pz-figuur')[{i}].classList.contains('pz-live')")
        if menu:  # the phone menu, opened as a reader taps it
            page.get_by_role("button", name="Hoofdmenu tonen of verbergen").first.tap()
            page.wait_for_timeout(400)
        seen.append(page.evaluate(STYLE))
        t.close()
    trimmed, whole_styles = seen
    assert len(trimmed) == len(whole_styles) > 50
    differ = [(a, b) for a, b in zip(trimmed, whole_styles) if a != b]
    assert not differ, "\n".join(f"{a}\n{b}\n" for a, b in differ[:3])
