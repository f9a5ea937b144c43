"""Reading the built site in Chromium, for the tests: the browser's flags, a tab that refuses every request
leaving 127.0.0.1, and the servers for the site (at the root, and under its published path with the 404 page).
The fixtures that use them are in conftest.py."""
from __future__ import annotations

import http.server
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 10_000

ALL_LIVE = ("() => { const f = document.querySelectorAll('.pz-figuur');"
            " return f.length > 0 && document.querySelectorAll('.pz-figuur.pz-live').length === f.length; }")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


class PublishedHandler(QuietHandler):
    """The site as GitHub Pages serves it: under /participatiezekerheid/, and 404.html for a missing address."""
    PREFIX = "/participatiezekerheid/"

    def translate_path(self, path):
        return super().translate_path("/" + path[len(self.PREFIX):] if path.startswith(self.PREFIX) else "/outside-the-published-path")

    def send_error(self, code, message=None, explain=None):
        if code != 404:
            return super().send_error(code, message, explain)
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Tab:
    """A page in a fresh browser context that refuses (and records) every request leaving 127.0.0.1, and
    records console errors, uncaught exceptions, requested URLs and the size of every response body."""

    def __init__(self, browser, site: str, block: tuple[str, ...] = (), **context_options):
        self.site = site
        self.block = block  # local paths to refuse as well (a failing download)
        self.host = urlsplit(site).netloc
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.body_bytes: dict[str, int] = {}
        context_options.setdefault("viewport", {"width": 1280, "height": 900})
        context_options.setdefault("color_scheme", "light")
        self.context = browser.new_context(**context_options)
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(f"console.error: {m.text} ({m.location.get('url')})"))
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("requestfinished", self._finished)

    def _route(self, route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc == self.host:
            if any(b in parts.path for b in self.block):
                route.abort("failed")
            else:
                route.continue_()
        elif parts.scheme in ("data", "blob"):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort("blockedbyclient")

    def _finished(self, request):
        try:
            self.body_bytes[request.url] = request.sizes()["responseBodySize"]
        except Exception:  # the page may already be gone
            pass

    def open(self, path: str, live: bool = True):
        self.page.goto(self.site + path, wait_until="load")
        if live:
            # a chart turns live when a reader reaches for it: point at each one, then go back up
            figures = self.page.locator(".pz-figuur")
            for i in range(figures.count()):
                figures.nth(i).locator(".pz-chart").hover()
                self.page.wait_for_function(
                    f"() => document.querySelectorAll('.pz-figuur')[{i}].classList.contains('pz-live')")
            self.page.evaluate("window.scrollTo(0, 0)")
            self.page.wait_for_function(ALL_LIVE)
        return self.page

    def errors_since(self, mark: int) -> list[str]:
        """Errors after a point in the test: what an interaction caused, apart from what loading the page did
        (that is the render test's business)."""
        return self.errors[mark:]

    def figures(self) -> list[dict]:
        """Per figure: number (from its caption), rendered key, container width, live svg width, bars."""
        return self.page.evaluate("""() => Array.from(document.querySelectorAll('.pz-figuur')).map(f => {
            const chart = f.querySelector('.pz-chart'), svg = chart.querySelector('svg');
            const caption = f.closest('figure')?.querySelector('.caption-number')?.textContent || '';
            const csv = f.querySelector('.pz-downloads a[href$=".csv"]')?.getAttribute('href') || '';
            return {
              number: (caption.match(/Figuur\\s+(A?\\d+)/) || [])[1] || null,
              download: (csv.match(/figuur(A?\\d+)\\.csv$/) || [])[1] || null,
              rendered: f.dataset.rendered || '', live: f.classList.contains('pz-live'), view: !!f.pzView,
              role: chart.getAttribute('role'), label: chart.getAttribute('aria-label') || '',
              container: chart.clientWidth, svg: svg ? svg.getBoundingClientRect().width : 0,
              svgAttr: svg ? Number(svg.getAttribute('width')) : 0,
              cut: (s => s.width + 2 * s.padding)(JSON.parse(f.querySelector(
                  chart.clientWidth <= 600 && f.querySelector('script.pz-spec-smal') ? 'script.pz-spec-smal' : 'script.pz-spec').textContent)),
              bars: chart.querySelectorAll('svg g.mark-rect.role-mark path').length,
              rows: f.querySelectorAll('table.pz-tabel tbody tr').length,
            };
        })""")

    def close(self):
        self.context.close()


CHART_TEXTS = """(i) => {
    const svg = Array.from(document.querySelectorAll('.pz-figuur')[i].querySelectorAll('.pz-chart > svg'))
        .find(s => s.getBoundingClientRect().width > 0);
    const box = svg.getBoundingClientRect();
    const scale = box.width / (svg.viewBox.baseVal && svg.viewBox.baseVal.width || Number(svg.getAttribute('width')));
    return {svg: {left: box.left, right: box.right, top: box.top, bottom: box.bottom},
            texts: Array.from(svg.querySelectorAll('text')).map(t => {
                const r = t.getBoundingClientRect(), lines = Array.from(t.querySelectorAll('tspan'), s => s.textContent);
                return {text: (lines.length ? lines : [t.textContent]).join(' '), size: parseFloat(getComputedStyle(t).fontSize) * scale,
                        left: r.left, right: r.right, top: r.top, bottom: r.bottom};
            }).filter(t => t.text.trim() && t.right > t.left)};
}"""


def legibility_problems(figure: dict, categories: list[str]) -> list[str]:
    problems = []
    svg, texts = figure["svg"], figure["texts"]
    for t in texts:
        if "…" in t["text"]:
            problems.append(f"shortened: {t['text']!r}")
        if t["size"] < 10.95:
            problems.append(f"{t['size']:.1f} px: {t['text']!r}")
        if t["left"] < svg["left"] - 1 or t["right"] > svg["right"] + 1 or t["top"] < svg["top"] - 1 or t["bottom"] > svg["bottom"] + 1:
            problems.append(f"outside its SVG: {t['text']!r}")
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            if min(a["right"], b["right"]) - max(a["left"], b["left"]) > 1 and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 1:
                problems.append(f"overlap: {a['text']!r} / {b['text']!r}")
    shown = {" ".join(t["text"].split()) for t in texts}
    problems += [f"category not shown in full: {c!r}" for c in categories if c not in shown]
    return problems
