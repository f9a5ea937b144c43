"""The built book in a real browser (Chromium or Chrome through Playwright, found by tools/browser.py): live charts, no outside requests.

The site is served from _build/html on 127.0.0.1; every request to another host is refused and recorded.
Element screenshots of every figure go to _build/screenshots/figuurN.png (not committed), with the
transferred weight of each chapter page in _build/screenshots/page-weights.json.
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from browsing import ALL_LIVE, CHART_TEXTS, TIMEOUT_MS, Tab, legibility_problems
from conftest import BOOK_PAGES, CHART_PAGES
from pzboek.charts import DARK_COLOURS, TEXT_COLOUR

# chapter page -> the figure numbers on it, in page order; the pages without a figure (conftest.py)
NO_CHART_PAGES = [page for page in BOOK_PAGES if page not in CHART_PAGES]
DARK_TEXT = DARK_COLOURS[TEXT_COLOUR]  # the dark palette of pzboek/charts.py
EXTERNAL = re.compile(r"^\s*(?:https?:)?//", re.I)


# ------------------------------------------------------------------------ fixtures (the others: conftest.py)

@pytest.fixture(scope="module")
def live_tabs(browser, site):
    """Chart pages as the render test left them (light, 1280 px wide), for the tests that only read them or
    open a toggle: saves a page load each. A test run on its own opens the page itself."""
    tabs: dict[str, Tab] = {}

    def get(path: str) -> Tab:
        if path not in tabs:
            t = Tab(browser, site)
            try:
                t.open(path)
            except Exception:
                t.close()
                raise
            tabs[path] = t
        return tabs[path]

    yield get
    for t in tabs.values():
        t.close()


@pytest.fixture(scope="module")
def weights(shots):
    found: dict[str, int] = {}
    yield found
    if found:
        (shots / "page-weights.json").write_text(json.dumps(found, indent=2) + "\n")


# ------------------------------------------------------------------------------------- the built HTML itself

class _Assets(HTMLParser):
    """Collects what an HTML page loads: script src, link href (stylesheets, preloads, icons, fonts),
    inline script and style text, style attributes."""

    def __init__(self):
        super().__init__()
        self.scripts: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.inline_scripts: list[str] = []
        self.styles: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            if a.get("src"):
                self.scripts.append(a["src"])
            elif a.get("type", "text/javascript") in ("text/javascript", "module", "application/javascript", ""):
                self._in = "script"
        elif tag == "link" and a.get("href"):
            self.links.append(((a.get("rel") or "").lower(), a["href"]))
        elif tag == "style":
            self._in = "style"
        if a.get("style"):
            self.styles.append(a["style"])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.inline_scripts.append(data)
        elif self._in == "style":
            self.styles.append(data)


LOADING_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "icon", "shortcut icon", "apple-touch-icon", "manifest"}
CSS_EXTERNAL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"]?)\s*(?:https?:)?//""", re.I)
# a URL of a script, stylesheet or font inside inline JavaScript (a loader waiting to be triggered)
JS_EXTERNAL = re.compile(r"""['"`](?:https?:)?//[^'"`\s]+\.(?:m?js|css|woff2?|ttf|otf)(?:\?[^'"`\s]*)?['"`]""", re.I)


def _pages(built_book: Path) -> list[Path]:
    pages = sorted(p for p in built_book.rglob("*.html")
                   if not any(part.startswith((".", "_")) for part in p.relative_to(built_book).parts[:-1]))
    assert len(pages) >= 7, pages
    return pages


def test_built_html_loads_nothing_from_other_hosts(built_book):
    problems = []
    for page in _pages(built_book):
        assets = _Assets()
        assets.feed(page.read_text(encoding="utf-8"))
        name = page.relative_to(built_book)
        problems += [f"{name}: <script src={s}>" for s in assets.scripts if EXTERNAL.match(s)]
        problems += [f"{name}: <link rel={r} href={h}>" for r, h in assets.links if r in LOADING_RELS and EXTERNAL.match(h)]
        problems += [f"{name}: style {m.group(0)!r}" for s in assets.styles for m in CSS_EXTERNAL.finditer(s)]
        problems += [f"{name}: inline script loads {m.group(0)}" for s in assets.inline_scripts for m in JS_EXTERNAL.finditer(s)]
    for css in sorted(built_book.glob("_static/**/*.css")):
        text = css.read_text(encoding="utf-8", errors="replace")
        problems += [f"{css.relative_to(built_book)}: {m.group(0)!r}" for m in CSS_EXTERNAL.finditer(text)]
    assert not problems, "references to other hosts for scripts/styles/fonts:\n" + "\n".join(problems)


def test_built_html_has_no_requirejs_and_charts_where_expected(built_book):
    found = {}
    for page in _pages(built_book):
        assets = _Assets()
        text = page.read_text(encoding="utf-8")
        assets.feed(text)
        name = page.relative_to(built_book).as_posix()
        assert not [s for s in assets.scripts if re.search(r"require(\.min)?\.js", s)], f"{name} loads require.js"
        if count := text.count('<div class="pz-figuur">'):
            found[name] = count
    assert found == {page: len(numbers) for page, numbers in CHART_PAGES.items()}


# ------------------------------------------------------------------------------------------- in the browser

@pytest.mark.parametrize("path", CHART_PAGES)
def test_charts_render_live_without_errors_or_outside_requests(live_tabs, path, shots, weights):
    t = live_tabs(path)
    page = t.page
    page.wait_for_load_state("networkidle")
    figures = t.figures()
    weights[path] = sum(t.body_bytes.values())
    for i, f in enumerate(figures):
        page.locator(".pz-figuur").nth(i).screenshot(path=str(shots / f"figuur{f['number']}.png"), animations="disabled")
    assert [f["number"] for f in figures] == CHART_PAGES[path]
    for f in figures:
        assert f["download"] == f["number"], f  # every figure has its downloads
        assert f["live"] and f["view"] and f["rendered"].endswith("l"), f
        assert f["role"] == "img" and f["label"], f  # one image with its Dutch description (pz-charts.js dutchAria)
        # as wide as its static cut (no jump when it turns live), narrower only where the column is
        assert f["svgAttr"] == min(f["cut"], f["container"]), f"figure {f['number']}: live svg {f['svgAttr']}px, column {f['container']}px"
        assert f["bars"] > 0 and f["bars"] == f["rows"], f
    assert not t.outside, "requests to other hosts (refused):\n" + "\n".join(t.outside)
    assert not [u for u in t.requests if re.search(r"require(\.min)?\.js", u)], "require.js requested"
    assert [u for u in t.requests if "/_vega/" in u] == [t.site + "_vega/vega-bundle.js"]
    assert not t.errors, "errors in the browser console:\n" + "\n".join(t.errors)


@pytest.mark.parametrize("path", NO_CHART_PAGES)
def test_pages_without_charts_do_not_load_vega(tab, path):
    t = tab()
    page = t.open(path, live=False)
    page.wait_for_load_state("networkidle")
    assert page.locator(".pz-figuur").count() == 0
    assert [u for u in t.requests if "/_vega/" in u] == []
    assert page.evaluate("typeof window.vegaEmbed") == "undefined"
    assert not t.outside, t.outside


@pytest.mark.parametrize("path", CHART_PAGES)
def test_static_svg_without_javascript(tab, path):
    t = tab(java_script_enabled=False)
    page = t.open(path, live=False)
    charts = page.locator(".pz-figuur .pz-chart")
    assert charts.count() == len(CHART_PAGES[path])
    for i in range(charts.count()):
        svg = charts.nth(i).locator("svg:visible")
        assert svg.count() == 1
        box = svg.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 50, f"figure {CHART_PAGES[path][i]}: {box}"
    assert not t.outside, t.outside


@pytest.mark.parametrize("path", CHART_PAGES)
def test_static_charts_load_no_library_and_fit_a_phone(tab, path):
    """Before anyone touches a chart the page loads no chart library; on a phone the narrow static cut shows,
    at nearly its own size (its text not shrunk to illegible)."""
    t = tab(viewport={"width": 375, "height": 800})
    page = t.open(path, live=False)
    page.wait_for_load_state("networkidle")
    assert [u for u in t.requests if "/_vega/" in u] == []
    for i, number in enumerate(CHART_PAGES[path]):
        chart = page.locator(".pz-figuur .pz-chart").nth(i)
        shown = chart.locator("svg:visible")
        assert shown.count() == 1, f"figure {number}: {shown.count()} static cuts visible"
        if chart.locator("svg.pz-smal").count():
            assert shown.get_attribute("class").split() == ["marks", "pz-smal"], f"figure {number}"
            scale = shown.bounding_box()["width"] / float(shown.get_attribute("width"))
            assert scale > 0.85, f"figure {number}: narrow cut shrunk to {scale:.0%}"
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths


def _widest_bar(page, figure_index: int) -> dict:
    """Centre of the widest bar of a figure, in page coordinates (a narrow bar is easy to miss)."""
    box = page.evaluate("""(i) => {
        const paths = document.querySelectorAll('.pz-figuur')[i].querySelectorAll('.pz-chart svg g.mark-rect.role-mark path');
        let best = null;
        for (const p of paths) { const r = p.getBoundingClientRect(); if (!best || r.width > best.width) best = r; }
        return best && {x: best.x + best.width / 2, y: best.y + best.height / 2, width: best.width};
    }""", figure_index)
    assert box and box["width"] > 5, box
    return box


@pytest.mark.parametrize("path", ["chapters/02_maatschappelijk_waardevol_werk.html", "chapters/05_financieren.html"])
def test_tooltip_on_hover(live_tabs, path):
    t = live_tabs(path)
    page, mark = t.page, len(t.errors)
    tooltip = page.locator("#vg-tooltip-element")
    for i in range(len(CHART_PAGES[path])):
        page.locator(".pz-figuur").nth(i).scroll_into_view_if_needed()
        page.mouse.move(0, 0)
        bar = _widest_bar(page, i)
        page.mouse.move(bar["x"] - 2, bar["y"])
        page.mouse.move(bar["x"], bar["y"])
        page.wait_for_function("() => { const e = document.getElementById('vg-tooltip-element');"
                               " return e && e.classList.contains('visible') && getComputedStyle(e).visibility === 'visible'; }")
        text = tooltip.inner_text()
        assert re.search(r"\d+(,\d+)?%", text), text
        assert "95%-interval" in text and "Percentage" in text, text
    assert not t.errors_since(mark), t.errors_since(mark)


@pytest.mark.parametrize("path", CHART_PAGES)
def test_table_toggle_opens(live_tabs, path):
    t = live_tabs(path)
    page, mark = t.page, len(t.errors)
    for i, f in enumerate(t.figures()):
        figure = page.locator(".pz-figuur").nth(i)
        table = figure.locator("details.pz-tabel-toggle table.pz-tabel")
        assert not table.is_visible()
        figure.locator("details.pz-tabel-toggle > summary", has_text="Tabel").click()
        assert table.is_visible()
        assert table.locator("tbody tr").count() == f["bars"] > 0
        assert figure.locator("details.pz-tabel-toggle").evaluate("d => d.open")
    assert not t.errors_since(mark), t.errors_since(mark)


@pytest.mark.parametrize("path", ["chapters/05_financieren.html"])
def test_static_svg_readable_in_dark_mode_without_vega(tab, path):
    """Dark system setting, and the chart library does not arrive: the static SVG shows the dark palette by
    itself (its own style), as the live chart would: light text and light bar edges on the dark page, no card."""
    t = tab(color_scheme="dark", block=("/_vega/",))
    page = t.open(path, live=False)
    with page.expect_console_message(lambda m: "pz-charts: could not load" in m.text):
        page.locator(".pz-figuur .pz-chart").first.hover()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    drawn = page.evaluate("""() => Array.from(document.querySelectorAll('.pz-figuur')).map(f => {
        const svg = [...f.querySelectorAll('.pz-chart svg')].find(s => s.getBoundingClientRect().width > 0);
        return [f.classList.contains('pz-live'), getComputedStyle(svg).backgroundColor,
                [...new Set([...svg.querySelectorAll('text')].map(e => getComputedStyle(e).fill))],
                [...new Set([...svg.querySelectorAll('g.mark-rect path')].map(e => getComputedStyle(e).stroke))]];
    })""")
    dark_text = "rgb({}, {}, {})".format(*(int(DARK_TEXT[i:i + 2], 16) for i in (1, 3, 5)))
    for live, background, texts, edges in drawn:
        assert not live and background == "rgba(0, 0, 0, 0)" and texts == [dark_text], (live, background, texts)
        assert edges and all(_contrast(edge, "rgb(18, 18, 18)") >= 3 for edge in edges), edges


def _contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two CSS rgb() colours."""
    def luminance(colour: str) -> float:
        channels = [int(v) / 255 for v in re.findall(r"\d+", colour)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _switch_to_dark(page):
    """Use the theme's own switch (light -> dark -> auto) until the page is dark."""
    button = page.locator(".theme-switch-button").first
    for _ in range(3):
        if page.evaluate("document.documentElement.dataset.theme") == "dark":
            return
        if button.is_visible():
            button.click()
        else:
            page.evaluate("document.documentElement.dataset.theme = 'dark'")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"


@pytest.mark.parametrize("path", CHART_PAGES)
def test_dark_mode_rerenders_readable(tab, path):
    t = tab()
    page = t.open(path)
    mark = len(t.errors)
    assert all(f["rendered"].endswith("l") for f in t.figures())
    _switch_to_dark(page)
    page.wait_for_function("() => Array.from(document.querySelectorAll('.pz-figuur')).every(f => (f.dataset.rendered || '').endsWith('d'))")
    # every text in the chart (category labels, values, legends, axis of the weights chart) in the dark palette
    fills = page.evaluate("""() => Array.from(document.querySelectorAll('.pz-figuur')).map(f =>
        Array.from(f.querySelectorAll('.pz-chart svg text'), e => (e.getAttribute('fill') || '').toLowerCase()))""")
    for number, f in zip(CHART_PAGES[path], fills):
        assert f and set(f) == {DARK_TEXT}, (number, f)
    # and back: light again after switching the theme back
    page.evaluate("document.documentElement.dataset.theme = 'light'")
    page.wait_for_function("() => Array.from(document.querySelectorAll('.pz-figuur')).every(f => f.dataset.rendered.endsWith('l'))")
    assert DARK_TEXT not in page.locator(".pz-figuur .pz-chart svg").first.inner_html()
    assert not t.errors_since(mark), t.errors_since(mark)


@pytest.mark.parametrize("path", CHART_PAGES)
def test_charts_fit_a_phone(tab, path):
    t = tab(viewport={"width": 1280, "height": 900})
    page = t.open(path)
    mark = len(t.errors)
    page.set_viewport_size({"width": 375, "height": 800})
    page.wait_for_function("() => Array.from(document.querySelectorAll('.pz-figuur')).every(f =>"
                           " f.dataset.rendered === f.querySelector('.pz-chart').clientWidth + 'l')")
    for summary in page.locator("details.pz-tabel-toggle > summary").all():
        summary.click()
    page.wait_for_timeout(100)  # a ResizeObserver round, should the open tables change the column
    for f in t.figures():
        assert 200 <= f["container"] <= 375, f
        assert f["svg"] <= f["container"] + 0.5 and f["svgAttr"] <= f["container"], f
        assert f["rendered"] == f"{f['container']}l", f
    overflow = page.evaluate("""() => { const out = [];
        for (const f of document.querySelectorAll('.pz-figuur')) {
          const edge = f.querySelector('.pz-chart').getBoundingClientRect().right + 0.5;
          for (const e of f.querySelectorAll('.pz-chart svg text')) {
            const r = e.getBoundingClientRect(); if (r.width && r.right > edge) out.push(e.textContent); } }
        return out; }""")
    assert not overflow, f"chart text cut off at the right edge: {overflow}"
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"page scrolls sideways at 375px (scrollWidth {widths[0]} > {widths[1]})"
    assert not t.errors_since(mark), t.errors_since(mark)


@pytest.mark.parametrize("path", [*CHART_PAGES, *NO_CHART_PAGES, "search.html"])
def test_one_stylesheet_and_no_webfont(tab, path):
    """A page links one (joined) stylesheet and downloads no icon font (the icons are CSS masks); the only font
    is the book's chart font, on pages with a chart."""
    t = tab()
    page = t.open(path, live=False)
    page.wait_for_load_state("networkidle")
    assert page.locator('link[rel="stylesheet"]').count() == 1
    # the joined stylesheet carries the theme (its colour variables) and the book's own rules (pz-icons.css)
    assert page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--pst-color-primary')")
    assert page.evaluate("getComputedStyle(document.querySelector('.fa-solid')).fontFamily") != '"Font Awesome 6 Free"'
    fonts = [u for u in t.requests if re.search(r"\.(woff2?|ttf|otf)(\?|$)", u)]
    assert all(re.search(r"/_static/fonts/Inter-Regular\.woff2$", u) for u in fonts), fonts
    assert not t.errors, t.errors


def test_search_from_a_chapter_finds_pages(tab):
    """Chapter pages no longer load the search scripts; the theme's search box still leads to results."""
    t = tab()
    page = t.open("chapters/01_vooraf.html", live=False)
    assert not [u for u in t.requests if "searchindex.js" in u]
    page.keyboard.press("Control+k")
    page.keyboard.type("overheid")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search.html?q=overheid*")
    page.wait_for_function("() => document.querySelectorAll('#search-results li').length > 0")
    assert not t.errors, t.errors


# -------------------------------------------------------------------------------- what a reader meets around the text

@pytest.mark.parametrize("missing", ["bestaat-niet.html", "chapters/oud/hoofdstuk.html"])
def test_404_page_in_dutch_at_any_depth(browser, published_site, missing):
    t = Tab(browser, published_site, viewport={"width": 375, "height": 740})
    try:
        failed = []
        t.page.on("response", lambda r: r.status >= 400 and r.url != published_site + missing and failed.append(r.url))
        response = t.page.goto(published_site + missing, wait_until="networkidle")
        page = t.page
        assert response.status == 404
        assert page.evaluate("document.documentElement.lang") == "nl"
        assert page.title().startswith("Pagina niet gevonden")
        assert page.locator("article h1").inner_text() == "Pagina niet gevonden"
        assert page.get_by_role("complementary", name="Over de cijfers").is_visible()
        # styled by the one joined stylesheet, found from any depth
        assert page.locator('link[rel="stylesheet"]').count() == 1
        assert page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--pst-color-primary')")
        assert not failed, failed
        assert page.get_by_role("link", name="zoek in dit boek").get_attribute("href").endswith("/search.html")
        page.get_by_role("link", name="startpagina").click()
        page.wait_for_url(published_site)
        assert page.locator("article h1").inner_text().startswith("Participatiezekerheid")
        errors = [e for e in t.errors if not e.endswith(f"404 (Not Found) ({published_site + missing})")]  # the page's own status
        assert not t.outside and not errors, (t.outside, errors)
    finally:
        t.close()


CONTRAST = """(el) => {
    const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
    const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                       return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
    const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
    const bg = getComputedStyle(el).backgroundColor;
    return {text: ratio(getComputedStyle(el.querySelector('p')).color, bg), link: ratio(getComputedStyle(el.querySelector('a')).color, bg), bg};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["index.html", "chapters/04_organiseren.html", "chapters/codeboek.html", "search.html"])
def test_standin_notice_in_the_first_phone_screen(tab, path, scheme, shots):
    t = tab(viewport={"width": 375, "height": 740}, color_scheme=scheme)
    page = t.open(path, live=False)
    assert page.evaluate("document.documentElement.dataset.theme") == scheme
    notice = page.get_by_role("complementary", name="Over de cijfers")
    assert notice.inner_text().startswith("Vervangende cijfers. De getallen in deze uitgave")
    # on a phone it starts folded: the sentence that matters, in at most three lines at the top of the screen
    box = notice.bounding_box()
    assert box["y"] >= 0 and box["height"] <= 3 * 20 + 16 and box["width"] <= 375, box
    link = notice.get_by_role("link", name="Meer hierover in de Verantwoording")
    assert not link.is_visible()
    notice.locator("summary").click()
    assert link.is_visible() and notice.bounding_box()["y"] + notice.bounding_box()["height"] <= 740
    contrast = notice.evaluate(CONTRAST)
    assert contrast["text"] >= 4.5 and contrast["link"] >= 4.5, contrast
    if path == "index.html":
        page.screenshot(path=str(shots / f"notice-375-{scheme}.png"))
    link.click()
    page.wait_for_url("**/chapters/verantwoording.html#vervangend-bestand")
    assert page.locator(".pz-vervangend details").evaluate("d => d.open")  # the reader's choice is kept
    target = page.locator("section:has(> #vervangend-bestand)")  # the label sits at the top of its section
    assert target.is_visible() and "vervangende bestand" in target.inner_text()
    assert 0 <= page.evaluate("document.getElementById('vervangend-bestand').getBoundingClientRect().top") < 200


# English that Vega and the themes write for assistive technology (aria-label, aria-roledescription, title, tooltips)
ENGLISH_UI = re.compile(r"\b(?:Toggle|Copy|Copied|Hide Search|mark container|axis titled|Legend titled|visualization|bar)\b"
                        r"|\b[XY]-axis\b", re.I)
UI_STRINGS = """(root) => Array.from(root.querySelectorAll('[aria-label], [aria-roledescription], [title], [data-tooltip], svg title'))
    .flatMap(e => [e.getAttribute('aria-label'), e.getAttribute('aria-roledescription'), e.getAttribute('title'),
                   e.getAttribute('data-tooltip'), e.tagName.toLowerCase() === 'title' ? e.textContent : null])
    .filter(Boolean)"""


# (pages without charts: the static charts are the business of pzboek/charts.py, the live ones of the test above)
@pytest.mark.parametrize("path", ["index.html", "chapters/01_vooraf.html", "chapters/codeboek.html", "chapters/verkenner.html",
                                  "search.html"])
def test_interface_strings_are_dutch(tab, path):
    t = tab()
    page = t.open(path, live=False)
    page.wait_for_load_state("networkidle")
    strings = page.evaluate(UI_STRINGS.replace("(root) =>", "() =>").replace("root.", "document."))
    assert not [s for s in strings if ENGLISH_UI.search(s)], [s for s in strings if ENGLISH_UI.search(s)]
    # the sidebar button's name after bootstrap's tooltip has taken over its title
    button = page.locator(".bd-header-article button.primary-toggle")
    assert button.get_attribute("aria-label") == "Hoofdmenu tonen of verbergen"
    assert button.get_attribute("data-bs-original-title") == "Hoofdmenu tonen of verbergen"


def test_hide_search_matches_is_dutch(tab):
    """Arriving from a search result (?highlight=...), the link that removes the highlighting is in Dutch."""
    t = tab()
    page = t.open("chapters/02_maatschappelijk_waardevol_werk.html?highlight=werk", live=False)
    link = page.locator("#searchbox .highlight-link a")
    link.wait_for()
    assert link.inner_text() == "Zoekresultaten verbergen"
    page.locator("span.highlighted").first.wait_for()  # Sphinx highlights 10 ms after writing the link
    link.click()  # a javascript: link, run after the click returns
    page.wait_for_function("() => document.querySelectorAll('span.highlighted').length === 0")
    assert not t.errors, t.errors


def test_no_page_shows_code(built_book):
    """Chart cells are one-line calls, removed from the pages (tag remove-input): no "Toon de code" toggle and no
    code anywhere (sphinx-copybutton's Dutch messages stay, tests/test_interface.py)."""
    for page in _pages(built_book):
        text = page.read_text(encoding="utf-8")
        name = page.relative_to(built_book).as_posix()
        assert "Toon de code" not in text and 'class="cell_input' not in text and "copybtn" not in text, name


def test_search_snippets_carry_no_chart_text(tab):
    """A search result's snippet is the found page's text: not the charts' tick labels or axis titles."""
    t = tab()
    page = t.open("search.html?q=percentage", live=False)
    page.wait_for_function("() => document.querySelectorAll('#search-results li p.context').length >= 3")
    snippets = page.locator("#search-results li p.context").all_inner_texts()
    assert not [s for s in snippets if re.search(r"0%\s*25%|100%\s*Percentage|glue_figuur", s)], snippets
    assert not t.errors, t.errors


@pytest.mark.parametrize("path", CHART_PAGES)
def test_live_charts_carry_no_english_aria(live_tabs, path):
    t = live_tabs(path)
    for i, number in enumerate(CHART_PAGES[path]):
        chart = t.page.locator(".pz-figuur .pz-chart").nth(i)
        strings = chart.evaluate(UI_STRINGS)
        assert not [s for s in strings if ENGLISH_UI.search(s)], (number, [s for s in strings if ENGLISH_UI.search(s)])
        # the chart is one image with its own Dutch description, as the static SVG is; not Vega's "graphics-document"
        # with the English role description "visualization", which it writes on the container itself (outside what
        # UI_STRINGS looks at)
        assert chart.get_attribute("role") == "img" and chart.get_attribute("aria-label"), number
        assert chart.get_attribute("aria-roledescription") is None, number
        # the spec switches Vega's ARIA off (config aria: false), so the chart is one image with that description;
        # whatever role Vega still writes must be Dutch
        roles = set(chart.evaluate("c => Array.from(c.querySelectorAll('[aria-roledescription]'), e => e.getAttribute('aria-roledescription'))"))
        assert roles <= {"staaf"}, (number, roles)


# Every text a chart draws, as the reader sees it: lines of a wrapped label joined, the box it takes on the
# page, and its font size as drawn (the SVG's own size times the scale the page shows it at).
@pytest.mark.parametrize("width", [1280, 800, 375, 320])
@pytest.mark.parametrize("live", [False, True], ids=["statisch", "live"])
def test_chart_text_is_whole_legible_and_apart(tab, built_book, width, live):
    """At every width, before and after a reader reaches for a chart: no label shortened or cut, nothing
    outside the SVG, no two texts on top of each other, nothing under 11 px, and every category of the
    figure's CSV written out in full."""
    import csv

    problems = []
    for path, numbers in CHART_PAGES.items():
        t = tab(viewport={"width": width, "height": 900})
        page = t.open(path, live=False)
        if live:
            for i in range(len(numbers)):
                page.locator(".pz-figuur .pz-chart").nth(i).dispatch_event("pointerenter")
            page.wait_for_function(ALL_LIVE)
        page.evaluate("document.fonts.ready.then(() => true)")
        for i, number in enumerate(numbers):
            rows = csv.DictReader((built_book / "downloads" / f"figuur{number}.csv").read_text(encoding="utf-8-sig")
                                  .splitlines(), delimiter=";")
            categories = [r["categorie"] for r in rows] if "categorie" in rows.fieldnames else []  # (A2: weight classes)
            problems += [f"{path} figure {number}: {p}" for p in legibility_problems(page.evaluate(CHART_TEXTS, i), categories)]
        assert not t.errors, t.errors
        t.close()
    assert not problems, "\n".join(problems[:40])


VISIBLE_TOOLTIP = "() => { const e = document.getElementById('vg-tooltip-element'); return !!e && e.classList.contains('visible'); }"
HIDDEN_TOOLTIP = "() => { const e = document.getElementById('vg-tooltip-element'); return !e || !e.classList.contains('visible'); }"


def test_tapping_a_bar_shows_its_tooltip_on_screen_and_it_goes_when_the_reader_moves_on(tab):
    """On a phone: the very tap that wakes a chart shows the bar's tooltip, wholly inside the window and above the
    page's header; a tap elsewhere in the chart, scrolling and Escape hide it."""
    t = tab(viewport={"width": 375, "height": 800}, has_touch=True, is_mobile=True)
    page = t.open("chapters/04_organiseren.html", live=False)
    chart = page.locator(".pz-figuur .pz-chart").first
    chart.scroll_into_view_if_needed()
    first = page.evaluate("""() => { const b = document.querySelector('.pz-figuur svg.pz-smal g.mark-rect path')
                                     .getBoundingClientRect(); return {x: b.x + b.width / 2, y: b.y + b.height / 2}; }""")
    page.touchscreen.tap(first["x"], first["y"])  # the static chart: this tap wakes it and shows its tooltip
    page.wait_for_function(VISIBLE_TOOLTIP)
    tooltip = page.locator("#vg-tooltip-element")
    text = tooltip.inner_text()
    for expected in ("Overheid", "95%-interval", "Respondenten (ongewogen)", "Herkomst"):
        assert expected in text, text
    box = tooltip.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375 and box["y"] >= 0 and box["y"] + box["height"] <= 800, box
    covered = page.evaluate("""() => { const r = document.getElementById('vg-tooltip-element').getBoundingClientRect();
        return !document.elementFromPoint(r.left + r.width / 2, r.top + 4).closest('#vg-tooltip-element'); }""")
    assert not covered, "the tooltip's first line is under another element (the header?)"
    chart_box = chart.bounding_box()
    page.touchscreen.tap(chart_box["x"] + chart_box["width"] - 3, chart_box["y"] + chart_box["height"] + 30)  # the text below
    page.wait_for_function(HIDDEN_TOOLTIP)
    bar = _widest_bar(page, 0)
    page.touchscreen.tap(bar["x"], bar["y"])
    page.wait_for_function(VISIBLE_TOOLTIP)
    page.evaluate("window.scrollBy(0, 40)")
    page.wait_for_function(HIDDEN_TOOLTIP)
    bar = _widest_bar(page, 0)
    page.touchscreen.tap(bar["x"], bar["y"])
    page.wait_for_function(VISIBLE_TOOLTIP)
    page.keyboard.press("Escape")
    page.wait_for_function(HIDDEN_TOOLTIP)
    assert not t.errors, t.errors


@pytest.mark.parametrize("width", [1280, 375])
def test_every_control_shows_where_the_keyboard_is_and_no_chart_traps_it(tab, width):
    """Tabbing through a chart page: every stop draws a focus ring (outline or box-shadow), the header's buttons
    included; no chart takes focus (it is one image; its table toggle, the next stop, has the numbers)."""
    t = tab(viewport={"width": width, "height": 800})
    page = t.open("chapters/04_organiseren.html", live=False)
    unmarked, stops = [], []
    for _ in range(60):
        page.keyboard.press("Tab")
        stop = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
            if (e === document.body) return null;  // past the last control, before the browser's own
            const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || (s.boxShadow !== 'none'
                && !s.boxShadow.startsWith('rgba(0, 0, 0, 0)'));
            return {name: (e.getAttribute("aria-label") || e.textContent || e.tagName).replace(/\\s+/g, " ").trim().slice(0, 40),
                    ring, chart: !!e.closest('.pz-chart'), summary: e.tagName === 'SUMMARY'}; }""")
        if stop is None:
            continue
        stops.append(stop)
        if not stop["ring"]:
            unmarked.append(stop["name"])
    assert not unmarked, unmarked
    assert not any(s["chart"] for s in stops) and any(s["summary"] for s in stops), stops
    assert page.locator(".pz-chart[tabindex]").count() == 0


# ------------------------------------------------------------------------------------------------ tables and print

TABLE_PAGES = ["chapters/04_organiseren.html", "chapters/verantwoording.html", "chapters/codeboek.html"]
# per table: does it scroll sideways, is the cue under its caption shown, is the caption within the column,
# and every cell holding a range ("60,1–73,1%", "0,037–0,165") on one line
TABLES = r"""() => Array.from(document.querySelectorAll('table.pz-tabel')).map(t => {
    const scroller = t.closest('.pz-tabel-toggle, .pz-tabel-kader, .output');
    const cue = getComputedStyle(t.querySelector('caption'), '::after').content;
    const caption = t.querySelector('caption').getBoundingClientRect(), box = scroller.getBoundingClientRect();
    // a cell that is a range, or each range marked in a cell's text ("leeftijdsklassen 20–39, 40–64"), on one line
    const lines = e => { const r = document.createRange(); r.selectNodeContents(e);
                         return new Set(Array.from(r.getClientRects(), x => Math.round(x.top))).size; };
    const broken = Array.from(t.querySelectorAll('td')).filter(td => /\d–\d/.test(td.textContent)).filter(td => {
        const ranges = td.classList.contains('pz-bereik') ? [td] : Array.from(td.querySelectorAll('.pz-bereik'));
        return !ranges.length || ranges.some(e => lines(e) > 1);
    }).map(td => td.textContent);
    return {caption: t.querySelector('caption').textContent, scrolls: scroller.scrollWidth > scroller.clientWidth + 1,
            cue, captionInside: caption.left >= box.left - 1 && caption.right <= box.right + 1,
            shadow: getComputedStyle(scroller).backgroundImage.includes('radial-gradient'), broken};
})"""


NEXT_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


@pytest.mark.parametrize("path", TABLE_PAGES)
def test_tables_on_a_phone_say_they_scroll_and_keep_ranges_whole(tab, path):
    t = tab(viewport={"width": 375, "height": 800})
    page = t.open(path, live=False)
    page.evaluate("() => document.querySelectorAll('details.pz-tabel-toggle').forEach(d => { d.open = true; })")
    page.evaluate(NEXT_FRAMES)  # the browser sees whether a table scrolls after a layout: the cue follows a frame later
    tables = page.evaluate(TABLES)
    assert tables and any(table["scrolls"] for table in tables), tables
    for table in tables:
        assert not table["broken"], (table["caption"], table["broken"])
        assert table["captionInside"] and table["shadow"], table
        assert (table["cue"] == '"Schuif opzij voor meer kolommen →" / ""') == table["scrolls"], table
    # the cue is for the eye only: no table is named after it
    assert page.get_by_role("table", name=re.compile("Schuif")).count() == 0
    assert page.get_by_role("table", name=re.compile("Cijfers|Verschillen|Samenstelling|Geslacht", re.I)).count() > 0
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths
    # on a wide screen the tables that fit show no cue
    page.set_viewport_size({"width": 1280, "height": 900})
    page.evaluate(NEXT_FRAMES)
    assert all(table["cue"] == "none" for table in page.evaluate(TABLES) if not table["scrolls"])


def test_print_shows_every_table_and_no_page_furniture(tab):
    """Printing (a real PDF) opens every figure's table; on paper the figure keeps its table and caption, the
    chapter title its number, and downloads, toggles and navigation are gone. The tables close again after."""
    t = tab()
    page = t.open("chapters/04_organiseren.html", live=False)
    page.evaluate("""() => window.addEventListener('beforeprint', () => {
        window.pzOpenWhilePrinting = document.querySelectorAll('details.pz-tabel-toggle[open]').length; })""")
    assert page.pdf(format="A4")[:4] == b"%PDF"
    assert page.evaluate("window.pzOpenWhilePrinting") == page.locator("details.pz-tabel-toggle").count() == 2
    assert page.locator("details.pz-tabel-toggle[open]").count() == 0
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    for figure in page.locator("figure:has(.pz-figuur)").all():
        assert figure.locator("table.pz-tabel").is_visible() and figure.locator("figcaption").is_visible()
        assert figure.evaluate("f => getComputedStyle(f).breakInside") == "avoid"
        assert not figure.locator(".pz-downloads").is_visible() and not figure.locator("summary").is_visible()
    assert page.locator("article h1").first.inner_text().startswith("4. Hoe gaan we het organiseren?")
    for furniture in [".bd-sidebar-primary", ".bd-header-article", ".prev-next-footer", ".bd-footer", "#jb-print-docs-body"]:
        assert not page.locator(furniture).first.is_visible(), furniture
    assert page.get_by_role("complementary", name="Over de cijfers").is_visible()  # the stand-in notice stays
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.locator("details.pz-tabel-toggle[open]").count() == 0
    assert not t.errors, t.errors


def test_a_printed_figure_taller_than_a_page_keeps_its_title_with_its_chart(tab, tmp_path):
    """Printed from the browser on A4, Figure 7's title stood alone on a page and its chart and table followed on
    the next two, the table past the margin: now the figure is one block, as the others."""
    import subprocess

    page = tab().open("chapters/05_financieren.html", live=False)
    page.pdf(path=tmp_path / "h5.pdf", format="A4")
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "h5.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    title = next(p for p in text.split("\f") if "Rolverdeling financiering" in p and "Figuur 7" in p)
    chart = title[title.index("Rolverdeling financiering"):]
    assert "middelbaar" in chart and "17%*" in chart, title  # the chart's group labels and its last bar


def test_a_page_read_in_dark_mode_prints_light_with_legible_charts(tab):
    """Printing from dark mode: black text on paper, every chart (a live one drawn dark included) in the light
    palette, and chart text at least 80% of the body text's size on an A4 page."""
    t = tab(color_scheme="dark")
    page = t.open("chapters/04_organiseren.html", live=False)
    page.locator(".pz-figuur .pz-chart").first.hover()
    page.wait_for_function("() => document.querySelector('.pz-figuur').classList.contains('pz-live')")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    printed = page.evaluate("""() => ({
        charts: [...document.querySelectorAll('.pz-chart svg.marks')].filter(s => s.getBoundingClientRect().width)
            .map(s => ({texts: [...new Set([...s.querySelectorAll('text')].map(e => getComputedStyle(e).fill))],
                        size: getComputedStyle(s.querySelector('text')).fontSize,
                        scale: s.getBoundingClientRect().width / parseFloat(s.getAttribute('width') || s.viewBox.baseVal.width)}))
    })""")
    light_text = "rgb({}, {}, {})".format(*(int(TEXT_COLOUR[i:i + 2], 16) for i in (1, 3, 5)))
    body = page.evaluate("() => [getComputedStyle(document.querySelector('.bd-article p')).color, "
                         "parseFloat(getComputedStyle(document.querySelector('.bd-article p')).fontSize)]")
    assert _contrast(body[0], "rgb(255, 255, 255)") >= 7, body
    assert len(printed["charts"]) == 2
    for chart in printed["charts"]:
        assert chart["texts"] == [light_text], chart
        assert float(chart["size"].removesuffix("px")) * chart["scale"] >= 0.8 * body[1], (chart, body)
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert not t.errors, t.errors


def test_repository_links_in_dutch_with_icons_and_no_outside_request(tab):
    """The header's repository, edit-this-page and issue links (_config.yml repository.url): Dutch names, icons
    drawn from the page's own stylesheet, and nothing fetched from GitHub or a font host when the page loads or the
    menu opens (the links themselves lead to GitHub, which is fine)."""
    t = tab()
    page = t.open("chapters/01_vooraf.html", live=False)
    page.wait_for_load_state("networkidle")
    toggle = page.locator(".article-header-buttons .dropdown-source-buttons button.dropdown-toggle")
    assert toggle.get_attribute("aria-label") == "Broncode en opmerkingen"
    toggle.click()
    links = page.locator(".dropdown-source-buttons .dropdown-menu a")
    links.first.wait_for()
    assert [a.inner_text().strip() for a in links.all()] == ["Broncode", "Wijziging voorstellen", "Probleem melden"]
    hrefs = [a.get_attribute("href") for a in links.all()]
    repository = "https://github.com/startfoundation/participatiezekerheid"
    assert hrefs[0] == repository and hrefs[1] == f"{repository}/edit/main/chapters/01_vooraf.md"
    assert hrefs[2].startswith(f"{repository}/issues/new?title=Opmerking")
    icons = page.evaluate("""() => Array.from(document.querySelectorAll('.article-header-buttons .fab, .article-header-buttons .fas'))
        .map(i => { const b = getComputedStyle(i, '::before'), r = i.getBoundingClientRect();
                    return {mask: (b.maskImage || b.webkitMaskImage || ''), font: getComputedStyle(i).fontFamily}; })""")
    assert len(icons) == 4, icons  # the menu's button and its three links
    assert all(i["mask"].startswith('url("data:image/svg+xml') for i in icons), icons
    assert not any("Font Awesome" in i["font"] for i in icons), icons
    page.wait_for_load_state("networkidle")
    assert not t.outside, t.outside
    assert not [r for r in t.requests if r.endswith((".woff", ".woff2", ".ttf")) and "fontawesome" in r.lower()]
    assert not t.errors, t.errors


@pytest.mark.parametrize("width", [375, 800])
def test_phone_menus_open_by_tap_and_lead_to_a_chapter(browser, site, width):
    """Below 992 px the theme's ≡ and contents buttons open their panels (pydata-sphinx-theme#2451, mended in
    _templates/layout.html); a tap on a chapter in the menu opens it; Escape closes the contents panel."""
    t = Tab(browser, site, viewport={"width": width, "height": 740}, has_touch=True, is_mobile=width < 800)
    try:
        page = t.open("chapters/01_vooraf.html", live=False)
        assert page.locator("button.primary-toggle").count() == 1  # the one a reader sees
        page.locator("button.primary-toggle").tap()
        menu = page.locator("#pst-primary-sidebar-modal")
        page.wait_for_function("() => document.querySelector('#pst-primary-sidebar-modal').open")
        chapter = menu.get_by_role("link", name=re.compile("Hoe gaan we het organiseren"))
        assert chapter.is_visible()
        with page.expect_navigation():
            chapter.tap()
        assert page.url.endswith("chapters/04_organiseren.html")
        page.locator("button.secondary-toggle").tap()
        page.wait_for_function("() => document.querySelector('#pst-secondary-sidebar-modal').open")
        assert page.locator("#pst-secondary-sidebar-modal").get_by_role("link").first.is_visible()
        page.keyboard.press("Escape")
        page.wait_for_function("() => !document.querySelector('#pst-secondary-sidebar-modal').open")
        # a tap on a section closes the panel and shows that section (_static/pz-page.js); it stayed open over it
        page.locator("button.secondary-toggle").tap()
        page.wait_for_function("() => document.querySelector('#pst-secondary-sidebar-modal').open")
        section = page.locator("#pst-secondary-sidebar-modal a[href^='#']").first
        anchor = section.get_attribute("href")
        section.tap()
        page.wait_for_function("() => !document.querySelector('#pst-secondary-sidebar-modal').open")
        page.wait_for_function(f"() => location.hash === '{anchor}'")
        top = page.evaluate(f"document.getElementById('{anchor[1:]}').getBoundingClientRect().top")
        assert 0 <= top < 200, (anchor, top)
        assert not t.errors and not t.outside, t.errors + t.outside
    finally:
        t.close()


def test_the_leeswijzer_links_every_page_of_the_toc(built_book):
    """A phone reader whose menu is closed reaches every chapter from the landing page's Leeswijzer."""
    import yaml
    from bs4 import BeautifulSoup

    toc = yaml.safe_load((Path(__file__).parents[1] / "_toc.yml").read_text(encoding="utf-8"))
    soup = BeautifulSoup((built_book / "index.html").read_text(encoding="utf-8"), "html.parser")
    section = soup.find(id="leeswijzer")
    linked = {a["href"].split("#")[0].removesuffix(".html") for a in section.find_all("a", href=True)}
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    assert set(files) <= linked, set(files) - linked


def test_a_search_that_finds_nothing_says_so_in_dutch_without_categories(tab):
    """Sphinx's Dutch catalog asked the reader to select 'voldoende categorieën', which this search has none of."""
    page = tab().open("search.html?q=xyzzyqq", live=False)
    page.wait_for_function("() => document.querySelector('#search-results .search-summary')?.textContent.length > 0")
    assert page.locator("#search-results .search-summary").inner_text() == (
        "Er is niets gevonden. Controleer of alle woorden goed gespeld zijn, of zoek op een ander woord.")


def test_search_snippets_start_with_the_text_not_the_buttons(tab):
    page = tab().open("search.html?q=overheid", live=False)
    page.wait_for_function("() => document.querySelectorAll('#search-results li p.context').length >= 3")
    page.wait_for_timeout(500)
    snippets = page.locator("#search-results li p.context").all_inner_texts()
    assert not [s for s in snippets if "Probleem melden" in s], snippets


@pytest.mark.parametrize("word", ["werk", "vrijwilligers", "uitkering"])
def test_search_snippets_keep_words_apart_and_fit_a_phone(browser, site, word):
    """A snippet is the found page's text (Sphinx takes its textContent): the book's own tables, lists and forms
    kept their words apart ('percentage1wegbezuinigd', 'buurtsurveillanceBetaalbare'), and such a long run widened
    the search page past a 375 px screen."""
    t = Tab(browser, site, viewport={"width": 375, "height": 740})
    try:
        t.page.goto(f"{site}search.html?q={word}", wait_until="load")
        t.page.wait_for_function("() => document.querySelectorAll('#search-results li p.context').length > 0")
        t.page.wait_for_timeout(500)  # the summaries arrive one page at a time
        snippets = t.page.locator("#search-results li p.context").all_inner_texts()
        glued = re.compile(r"[a-zë:][A-Z]|[a-z]\d|\d[a-z]{3}")  # not in Dutch prose; CBS's names aside
        assert not [s for s in snippets if glued.search(re.sub(r"StatLine|\d+ned\b", "", s))], snippets
        assert t.page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        t.close()


@pytest.mark.parametrize("word, page", [("besparingen", "05_financieren"), ("gemeenten", None), ("werkgevers", None),
                                        ("betalen", "04_organiseren"), ("werkloosheid", None), ("opgeleiden", None),
                                        ("uitkeringen", "05_financieren")])
def test_search_finds_common_dutch_words(browser, site, word, page):
    """The search page, as a reader uses it: the browser's Dutch stemmer and the index's agree (content.py)."""
    t = Tab(browser, site, viewport={"width": 375, "height": 740})
    try:
        t.page.goto(f"{site}search.html?q={word}", wait_until="load")
        t.page.wait_for_function("() => document.querySelectorAll('#search-results ul.search li').length > 0")
        found = t.page.eval_on_selector_all("#search-results ul.search li a", "as => as.map(a => a.href)")
        assert not page or any(page in href for href in found), found
    finally:
        t.close()


def test_every_long_word_of_a_chapter_finds_its_chapter(browser, site, built_book):
    """Every word of five letters or more in a chapter's text, split and stemmed as the search page does it
    (splitQuery, the Dutch Stemmer of language_data.js) and looked up by its own Search.performTermsSearch, finds
    that chapter."""
    import html as html_lib

    t = Tab(browser, site, viewport={"width": 375, "height": 740})
    try:
        t.page.goto(f"{site}search.html", wait_until="load")
        t.page.wait_for_function("() => typeof Search !== \"undefined\" && Search._index")
        missing = {}
        for chapter in sorted((built_book / "chapters").glob("0*.html")):
            page = chapter.read_text(encoding="utf-8")
            article = page[page.index('<article class="bd-article">'):page.index("</article>")]
            text = html_lib.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<(svg|script|style)\b.*?</\1>", " ", article, flags=re.S)))
            missing[chapter.stem] = t.page.evaluate("""([text, docname]) => {
                const stemmer = new Stemmer();  // as Search.query does, then its own lookup (exact, else partial)
                const found = (term) => Search.performTermsSearch(new Set([term]), new Set()).some(r => r[0] === docname);
                return [...new Set(splitQuery(text))].filter(w => w.length >= 5 && !/\\d/.test(w)
                    && !stopwords.includes(w.toLowerCase()) && !found(stemmer.stemWord(w.toLowerCase())));
            }""", [text, f"chapters/{chapter.stem}"])
        words = sum(len(re.findall(r"\w{5,}", c.read_text(encoding="utf-8"))) for c in (built_book / "chapters").glob("0*.html"))
        assert words > 2000 and not any(missing.values()), {k: v for k, v in missing.items() if v}
    finally:
        t.close()


def test_previous_and_next_are_whole_on_the_narrowest_phone(tab):
    """At 320 px (WCAG's reflow width) the previous/next links, a phone reader's way on, show their whole titles."""
    t = tab(viewport={"width": 320, "height": 740}, has_touch=True, is_mobile=True)
    for path in ["index.html", "chapters/02_maatschappelijk_waardevol_werk.html", "chapters/05_financieren.html",
                 "chapters/verkenner.html", "chapters/codeboek.html"]:
        page = t.open(path, live=False)
        cut = page.evaluate("""() => [...document.querySelectorAll('.prev-next-area a')].flatMap(a => {
            const r = a.getBoundingClientRect(), title = a.querySelector('.prev-next-title');
            return (r.left < 0 || r.right > innerWidth || title.scrollWidth > title.clientWidth + 1
                    || a.scrollWidth > a.clientWidth + 1) ? [title.textContent.trim()] : [];
        })""")
        assert page.locator(".prev-next-area a").count() >= 1 and not cut, (path, cut)


BROKEN_WORDS = """() => [...document.querySelectorAll('.bd-article :is(h1, h2, h3)')].flatMap(h => {
    const broken = [], walker = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);
    for (let n; (n = walker.nextNode());) for (const m of n.data.matchAll(/[^\\s-]+-?/g)) {  // a line may break after a hyphen
        const range = document.createRange();
        range.setStart(n, m.index); range.setEnd(n, m.index + m[0].length);
        if (new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1) broken.push(m[0]);
    }
    return broken; })"""


@pytest.mark.parametrize("width", [320, 375])
def test_titles_break_between_words_on_a_phone(tab, width):
    """No word of a page or section title is split across lines (without Dutch hyphenation it would be, unmarked)."""
    t = tab(viewport={"width": width, "height": 740}, has_touch=True, is_mobile=True)
    for path in BOOK_PAGES:
        page = t.open(path, live=False)
        assert page.evaluate(BROKEN_WORDS) == [], (width, path)


BARS = """() => [...document.querySelector('.pz-figuur .pz-chart').querySelectorAll('svg:not([style*="none"]) path')]
    .filter(p => p.closest('g.mark-rect') && p.getBoundingClientRect().width > 0)
    .map(p => { const b = p.getBoundingClientRect(); return [Math.round(b.x), Math.round(b.y), Math.round(b.width)]; })"""


@pytest.mark.parametrize("width", [1280, 800, 375])
def test_a_chart_does_not_move_when_it_turns_live(tab, width):
    t = tab(viewport={"width": width, "height": 900})
    page = t.open("chapters/02_maatschappelijk_waardevol_werk.html", live=False)
    page.locator(".pz-figuur").first.scroll_into_view_if_needed()
    static = page.evaluate(BARS)
    page.locator(".pz-figuur .pz-chart").first.hover()
    page.wait_for_function("document.querySelector('.pz-figuur').classList.contains('pz-live')", timeout=TIMEOUT_MS)
    live = page.evaluate(BARS)
    assert len(static) == len(live) > 0
    # (within 2 px: the live chart measures its value labels in the browser, the static one from the font file)
    assert all(abs(a - b) <= 2 for s, l in zip(static, live) for a, b in zip(s, l)), (static, live)
