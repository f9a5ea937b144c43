"""Four accessibility checkers on every page of the built book, in light and dark mode, on a wide screen and a
phone: no findings. Every figure's table is opened first, so the tables are checked too; the charts are checked
as a reader first meets them (the static SVG) and once they are live.

- axe-core (axe-playwright-python's axe.min.js): its violations, and the colour contrast it could not settle
  ("incomplete" color-contrast) counted as failures. axe leaves a text's contrast undecided whenever an element
  behind it has a background image, a gradient too: the scrolling tables' shadows (_static/pz.css) are gradients
  on the scroller, so every table cell went unchecked. Those cells are checked again with the scrollers' gradients
  lifted for that moment (AXE below). Not counted: text inside an SVG, whose contrast axe never settles.
- IBM Equal Access (accessibility-checker-engine's ace.js), policy IBM_Accessibility: its violations that fail
  (value ["VIOLATION", "FAIL"]; "POTENTIAL" and "MANUAL" ask a person to look and are not counted).
- HTML_CodeSniffer (its npm package's HTMLCS.js, the engine pa11y runs), standard WCAG2AA: its errors (type 1;
  warnings and notices are not counted).
- The Nu Html Checker (vnu.jar, on Debian's Java): its errors in each page as served ("bron") and as the browser
  holds it (page.content()) in each state; one run of the jar per test, over all its pages.

The engines are injected into the same page loads (no page is loaded twice; TABS tabs share the pages). They come
from tests/checkers (package.json, package-lock.json), installed by .ci/run with `npm ci --ignore-scripts`; nothing
is downloaded while the tests run, and a missing engine fails the test. A finding inside a chart fails it as much as
one in the text. Each finding is one line: page [state] checker rule: target: message. The Nu Html Checker's
complaint about <meta charset> after the first 1024 bytes counts in the served file only (CHARSET).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from browsing import Tab
from conftest import BOOK_PAGES

PAGES = [*BOOK_PAGES, "search.html", "bestaat-niet.html"]  # the book, its search page, a missing address (404)
OPEN_TABLES = "() => document.querySelectorAll('details.pz-tabel-toggle').forEach(d => { d.open = true; })"
LIVE = ("() => Array.from(document.querySelectorAll('.pz-figuur, .pz-verkenner')).every(f => f.classList.contains('pz-live'))")

CHECKERS = Path(__file__).parent / "checkers"
ENGINES = {  # package -> the file the test uses
    "accessibility-checker-engine": "ace.js",
    "html_codesniffer": "build/HTMLCS.js",
    "vnu-jar": "build/dist/vnu.jar",
}
INSTALL = "run `npm ci --ignore-scripts` in tests/checkers (.ci/run does)"

# A readable CSS path to an element (up to the nearest id), for the findings of IBM and HTML_CodeSniffer
TARGET = """window.pzTarget = (n) => {
    if (!n) return '(none)';
    if (n.nodeType === 9) return '(document)';
    if (n.nodeType !== 1) n = n.parentElement;
    const parts = [];
    for (let e = n; e && e.nodeType === 1; e = e.parentElement) {
        if (e.id) { parts.unshift('#' + CSS.escape(e.id)); break; }
        let s = e.localName;
        const cls = Array.from(e.classList).slice(0, 2);
        if (cls.length) s += '.' + cls.map(c => CSS.escape(c)).join('.');
        const same = e.parentElement ? Array.from(e.parentElement.children).filter(c => c.localName === e.localName) : [];
        if (same.length > 1) s += `:nth-of-type(${same.indexOf(e) + 1})`;
        parts.unshift(s);
    }
    return parts.join(' > ');
};"""
INJECT = "(src) => { (0, eval)(src); }"  # as a classic script in the page's global scope, as axe-playwright-python does
# IBM's engine takes seconds a page (its text-spacing and focus rules match every rule of the stylesheet against
# each element): started on a timer, so that the test drives the other tab meanwhile, and collected after.
IBM_START = """() => {
    window.pzIbm = new Promise(resolve => setTimeout(resolve, 0))
        .then(() => new ace.Checker().check(document, ['IBM_Accessibility']))
        .then(report => report.results.filter(r => r.value[0] === 'VIOLATION' && r.value[1] === 'FAIL').map(r => {
            const node = document.evaluate(r.path.dom, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue;
            return {rule: r.ruleId, target: node ? pzTarget(node) : r.path.dom, message: r.message};
        }));
    window.pzIbm.catch(() => {});  // reported when collected
}"""
IBM_RESULT = "() => window.pzIbm"
# axe: its violations, and the colour contrast it could not settle. A single character ("1", "–") it leaves
# undecided unless told (ignoreLength). Text in a scroller with the scrolling shadow it leaves undecided because any
# background image behind a text, a gradient too, stops it (axe-core's color-contrast: "bgGradient"); those nodes
# it checks again with the scrollers' gradients lifted for that moment (the shadow is a faint band at the edge; the
# cover that hides it at the ends is the page's own background colour), and what it still cannot settle fails.
# Text inside an SVG (the charts) axe never settles ("imgNode"): not counted.
AXE = r"""async () => {
    const checks = {'color-contrast': {options: {ignoreLength: true}}};
    const message = n => { const c = [...n.any, ...n.all, ...n.none].find(c => c.message); return c ? c.message : n.failureSummary; };
    const el = n => document.querySelector(n.target[0]);
    const out = [], report = (id, kind) => n => out.push({rule: id + kind, target: n.target.join(' '), message: message(n)});
    const first = await axe.run(document, {resultTypes: ['violations', 'incomplete'], checks});
    first.violations.forEach(r => r.nodes.forEach(report(r.id, '')));
    const unsettled = (first.incomplete.find(r => r.id === 'color-contrast') || {nodes: []}).nodes;
    const why = n => ((n.any[0] || {}).data || {}).messageKey;
    unsettled.filter(n => why(n) !== 'bgGradient' && !(why(n) === 'imgNode' && el(n) && el(n).closest('svg')))
        .forEach(report('color-contrast', ' (incomplete)'));
    const behind = unsettled.filter(n => why(n) === 'bgGradient');
    if (!behind.length) return out;
    // what shows through the scroller where neither shadow nor cover lies: the first opaque colour behind it
    const behindOf = e => {
        for (let a = e.parentElement; a; a = a.parentElement) {
            const c = getComputedStyle(a).backgroundColor;
            if (c !== 'transparent' && !/^rgba\(.*, 0\)$/.test(c)) return c;
        }
        return 'white';
    };
    const lifted = new Map();
    for (const n of behind) {
        for (let e = el(n); e; e = e.parentElement) {
            const style = getComputedStyle(e);
            if (!lifted.has(e) && style.backgroundImage.includes('gradient') && /auto|scroll/.test(style.overflowX)) {
                lifted.set(e, e.getAttribute('style'));
                e.style.setProperty('background', behindOf(e), 'important');
            }
        }
    }
    try {
        const again = await axe.run({include: behind.map(n => n.target)}, {runOnly: ['color-contrast'], resultTypes: ['violations', 'incomplete'], checks});
        again.violations.forEach(r => r.nodes.forEach(report(r.id, ' (behind the scroll shadow)')));
        again.incomplete.forEach(r => r.nodes.forEach(report(r.id, ' (incomplete)')));
    } finally {
        lifted.forEach((style, e) => style === null ? e.removeAttribute('style') : e.setAttribute('style', style));
    }
    return out;
}"""
HTMLCS_RUN = """() => new Promise((resolve, reject) => {
    HTMLCS.process('WCAG2AA', document, () => resolve(HTMLCS.getMessages().filter(m => m.type === 1)
        .map(m => ({rule: m.code, target: pzTarget(m.element), message: m.msg}))),
        (e) => reject(new Error('HTML_CodeSniffer failed: ' + e)), 'en');
})"""


@pytest.fixture(scope="module")
def engines() -> dict[str, Path]:
    """The checkers' files, installed as tests/checkers/package-lock.json pins them, and Java for vnu.jar:
    without them the test fails (it does not skip) and says what to run."""
    lock = json.loads((CHECKERS / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    found, problems = {}, []
    for package, file in ENGINES.items():
        folder = CHECKERS / "node_modules" / package
        installed = folder / "package.json"
        if not (folder / file).is_file() or not installed.is_file():
            problems.append(f"{package} is not installed (tests/checkers/node_modules/{package}/{file} is missing)")
            continue
        version, locked = json.loads(installed.read_text(encoding="utf-8"))["version"], lock[f"node_modules/{package}"]["version"]
        if version != locked:
            problems.append(f"{package} {version} is installed, package-lock.json has {locked}")
        found[package] = folder / file
    if problems:
        pytest.fail("accessibility checkers: " + "; ".join(problems) + f": {INSTALL}", pytrace=False)
    java = shutil.which("java")
    if not java:
        pytest.fail("the Nu Html Checker (vnu.jar) needs Java: install Debian's default-jre-headless (.ci/run does)",
                    pytrace=False)
    return {"java": Path(java), "ace": found["accessibility-checker-engine"],
            "htmlcs": found["html_codesniffer"], "vnu": found["vnu-jar"]}


# Where <meta charset> stands matters in the bytes a browser decodes, which the "bron" file is; in a DOM snapshot
# it stands wherever a script put something before it (vega-tooltip puts its <style> first in <head>).
CHARSET = "A “charset” attribute on a “meta” element found after the first 1024 bytes"


def _vnu(engines: dict[str, Path], folder: Path, saved: dict[str, tuple[str, str]]) -> list[dict]:
    """One run of the Nu Html Checker over every saved page: its errors, by the page and state they came from."""
    if not saved:
        return []
    run = subprocess.run([str(engines["java"]), "-jar", str(engines["vnu"]), "--format", "json", "--exit-zero-always",
                          *sorted(saved)], cwd=folder, capture_output=True, text=True, timeout=600)
    try:
        messages = json.loads(run.stderr or run.stdout)["messages"]
    except ValueError:
        pytest.fail(f"the Nu Html Checker gave no JSON (exit {run.returncode}):\n{run.stderr[-2000:]}", pytrace=False)
    found = []
    for m in messages:
        if m.get("type") not in ("error", "non-document-error"):
            continue
        name = m.get("url", "").rsplit("/", 1)[-1]
        page, state = saved.get(name, (name, "?"))
        if state != "bron" and m.get("message", "").startswith(CHARSET):
            continue
        where = f"line {m.get('lastLine', '?')}: {' '.join((m.get('extract') or '').split())[:120]}"
        found.append({"page": page, "state": state, "checker": "nu", "rule": m["type"], "target": where,
                      "message": m.get("message", "")})
    return found


def _report(found: list[dict]) -> str:
    return "\n".join(f"{f['page']} [{f['state']}] {f['checker']} {f['rule']}: {f['target']}: {f['message']}" for f in found)


STATES = ["bron", "statisch", "live"]
CHECKED = ["axe", "ibm", "htmlcs", "nu"]
# The pages in the order the tabs take them: the longest first, so that no tab is left with one at the end.
QUEUE = sorted(PAGES, key=lambda p: p not in ("chapters/codeboek.html", "chapters/verantwoording.html"))
# Pages are checked in several tabs at once, each its own renderer: IBM's engine runs in one while the test loads
# a page and runs axe in another (two on two cores: the same findings, in some 60% of the time of one tab).
TABS = max(2, min(4, os.cpu_count() or 2))


def _check_pages(t: Tab, queue, scheme: str, scripts: list[str], found: list[dict], save) -> Iterator[None]:
    """Takes pages from the shared queue and checks them in tab t, in each state; yields while IBM's engine runs."""
    for path in queue:
        response = t.page.goto(t.site + path, wait_until="networkidle")
        save(path, "bron", response.text())  # the file as served: what the DOM no longer shows (a duplicate attribute)
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
            save(path, state, t.page.content())  # before any engine runs in it (none changes the DOM)
            if state == "statisch":  # the engines stay in the page for its live state
                for script in scripts:
                    t.page.evaluate(INJECT, script)
            where = {"page": path, "state": state}
            found += [{**where, "checker": "axe", **f} for f in t.page.evaluate(AXE)]
            found += [{**where, "checker": "htmlcs", **f} for f in t.page.evaluate(HTMLCS_RUN)]
            t.page.evaluate(IBM_START)
            yield
            found += [{**where, "checker": "ibm", **f} for f in t.page.evaluate(IBM_RESULT)]


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_accessibility_findings_on_any_page(browser, published_site, engines, tmp_path, scheme, width):
    scripts = [TARGET, Axe().axe_script] + [engines[name].read_text(encoding="utf-8") for name in ("ace", "htmlcs")]
    found: list[dict] = []
    saved: dict[str, tuple[str, str]] = {}  # file for the Nu Html Checker -> (page, state)

    def save(path: str, state: str, html: str):
        name = f"{PAGES.index(path):02d}-{state}.html"
        (tmp_path / name).write_text(html, encoding="utf-8")
        saved[name] = (path, state)

    tabs = [Tab(browser, published_site, viewport={"width": width, "height": 900}, color_scheme=scheme) for _ in range(TABS)]
    try:
        queue = iter(QUEUE)
        running = [_check_pages(t, queue, scheme, scripts, found, save) for t in tabs]
        while running:
            for checking in list(running):
                if next(checking, StopIteration) is StopIteration:
                    running.remove(checking)
        outside = [url for t in tabs for url in t.outside]
        assert not outside, outside
    finally:
        for t in tabs:
            t.close()
    found += _vnu(engines, tmp_path, saved)
    found.sort(key=lambda f: (PAGES.index(f["page"]), STATES.index(f["state"]), CHECKED.index(f["checker"])))
    counts = ", ".join(f"{c} {sum(f['checker'] == c for f in found)}" for c in CHECKED)
    assert not found, f"accessibility, {scheme}, {width} px ({counts}):\n" + _report(found)
