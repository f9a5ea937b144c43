"""axe-core (through axe-playwright-python) on every page of the built book, in light and dark mode, on a wide
screen and a phone: no violations. Every figure's table is opened first, so the tables are checked too; the
charts are checked as a reader first meets them (the static SVG) and once they are live.

Nothing is excluded: a violation inside a chart fails this test as much as one in the text around it.
"""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from test_browser import Tab, browser, published_site  # noqa: F401 (fixtures)

PAGES = ["index.html", "chapters/01_vooraf.html", "chapters/02_maatschappelijk_waardevol_werk.html",
         "chapters/03_overvraagde_overheid.html", "chapters/04_organiseren.html", "chapters/05_financieren.html",
         "chapters/06_denktank.html", "chapters/verantwoording.html", "chapters/verkenner.html", "chapters/codeboek.html", "search.html",
         "bestaat-niet.html"]  # a missing address: the 404 page
OPEN_TABLES = "() => document.querySelectorAll('details.pz-tabel-toggle').forEach(d => { d.open = true; })"
LIVE = ("() => Array.from(document.querySelectorAll('.pz-figuur, .pz-verkenner')).every(f => f.classList.contains('pz-live'))")


def _report(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        for node in v["nodes"]:
            why = (node.get("any") or node.get("all") or node.get("none") or [{}])[0].get("message", "")
            lines.append(f"{v['page']} [{v['state']}] {v['id']} ({v['impact']}): {' '.join(map(str, node['target']))}: {why}")
    return "\n".join(lines)


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violations_on_any_page(browser, published_site, scheme, width):
    axe = Axe()
    t = Tab(browser, published_site, viewport={"width": width, "height": 900}, color_scheme=scheme)
    found: list[dict] = []
    try:
        for path in PAGES:
            t.page.goto(published_site + path, wait_until="networkidle")
            assert t.page.evaluate("document.documentElement.dataset.theme") == scheme
            t.page.evaluate(OPEN_TABLES)
            states = ["statisch"]
            if t.page.locator(".pz-figuur, .pz-verkenner").count():
                states.append("live")
            for state in states:
                if state == "live":
                    for chart in t.page.locator(".pz-figuur .pz-chart, .pz-verkenner-grafiek").all():
                        chart.hover()
                    t.page.wait_for_function(LIVE)
                    t.page.evaluate("window.scrollTo(0, 0)")
                result = axe.run(t.page)
                found += [{**v, "page": path, "state": state} for v in result.response["violations"]]
        assert not t.outside, t.outside
    finally:
        t.close()
    assert not found, f"axe-core, {scheme}, {width} px:\n" + _report(found)
