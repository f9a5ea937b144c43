"""`make bench`: build times of this book against a plain six-chapter Jupyter Book, then Lighthouse scores of
every page of this book.

Builds (alternating this book and the plain book, A B A B ..., `--rounds` times each), each in a temporary
directory so the real _build is never touched:
  cold  - no _build at all: a fresh copy of the project (without .venv, _build, node_modules), built with
          the Makefile's own `book` recipe (`make book`, its .venv a symlink to this project's .venv)
  warm  - the same command again, nothing changed
  edit  - one sentence appended to the prose of chapter 3, then the same command again
The plain book (generated here: six MyST notebooks that import pandas, altair and pyreadstat and draw one
small Altair chart each) is built with `jupyter-book build . $(JB_FLAGS)` from the same .venv.

Page quality: the site of the last cold/warm/edit round of this book is served on 127.0.0.1 (a free port)
and Lighthouse (bench/package.json, installed with `npm ci` into bench/node_modules) runs on every page of
the table of contents with its mobile defaults, in Debian's Chromium. JSON reports go to bench/results/.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
MEASURES = ("cold", "warm", "edit")
# Not copied into the temporary project: the environment, build output and tool caches.
EXCLUDE = {".venv", "_build", ".git", "node_modules", "results", ".pytest_cache", "__pycache__",
           ".ipynb_checkpoints", ".jupyter_cache"}
EXTRA_SENTENCE = "Deze zin is toegevoegd door de benchmark om een gewijzigd hoofdstuk te meten."
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


# ---------------------------------------------------------------------------------------------------------
# The two books


def jb_flags() -> list[str]:
    """The flags the Makefile passes to `jupyter-book build` (JB_FLAGS), so the plain book is built alike."""
    match = re.search(r"^JB_FLAGS\s*:?=\s*(.*)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    return (match.group(1) if match else "-W -n --keep-going").split()


def build_env(project: Path) -> dict[str, str]:
    """The environment of a build in `project`: its own pzboek first (the .venv's editable install points at
    the real project, whose _build must stay untouched), no survey override, no outer make's flags."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"PZ_SURVEY", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}}
    env["PYTHONPATH"] = os.pathsep.join([str(project), *filter(None, [os.environ.get("PYTHONPATH")])])
    env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
    return env


def snapshot(dest: Path) -> Path:
    """One copy of the project's sources, taken at the start, so every round builds the same files even
    while people edit the real ones."""
    shutil.copytree(ROOT, dest, symlinks=True,
                    ignore=lambda _dir, names: [n for n in names if n in EXCLUDE or n.endswith(".egg-info")])
    return dest


def copy_this_book(source: Path, dest: Path) -> Path:
    project = dest / "book"
    shutil.copytree(source, project, symlinks=True)
    (project / ".venv").symlink_to(VENV, target_is_directory=True)
    return project


def this_book_command() -> list[str]:
    # The Makefile's `book` recipe as it is now. `-o` keeps make from re-installing into the shared .venv
    # (which would point the editable pzboek install at the temporary copy).
    return ["make", "--no-print-directory", "-o", ".venv/.installed", "book"]


PLAIN_CONFIG = """\
title: Plain book
author: Benchmark
only_build_toc_files: true
exclude_patterns: [_build, "**/.*"]
execute:
  execute_notebooks: cache
  timeout: 300
  allow_errors: false
"""

PLAIN_CHAPTER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# Chapter {n}

This chapter of the plain book has a short paragraph of prose, a small table and one chart.
The numbers are made up; only the build time matters.

```{{code-cell}} ipython3
import altair as alt
import pandas as pd
import pyreadstat

alt.renderers.enable("html")
data = pd.DataFrame({{"group": list("ABCDE"), "share": [{values}]}})
alt.Chart(data).mark_bar().encode(x="group:N", y="share:Q")
```

The chart above shows five groups.
The last paragraph of chapter {n} ends here.
"""


def write_plain_book(dest: Path) -> Path:
    project = dest / "plain"
    (project / "chapters").mkdir(parents=True)
    (project / "_config.yml").write_text(PLAIN_CONFIG, encoding="utf-8")
    chapters = [f"chapters/chapter{n}" for n in range(1, 7)]
    toc = {"format": "jb-book", "root": "intro", "chapters": [{"file": c} for c in chapters]}
    (project / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
    (project / "intro.md").write_text("# Plain book\n\nSix chapters, one chart each.\n", encoding="utf-8")
    for n, chapter in enumerate(chapters, start=1):
        values = ", ".join(str(10 * n + 7 * k % 13) for k in range(5))
        (project / f"{chapter}.md").write_text(PLAIN_CHAPTER.format(n=n, values=values), encoding="utf-8")
    return project


def plain_book_command() -> list[str]:
    return [str(BIN / "jupyter-book"), "build", ".", *jb_flags()]


def chapter_files(project: Path) -> list[str]:
    """The pages of the table of contents, in order: root first, then every `file:` entry."""
    toc = yaml.safe_load((project / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
    walk({k: v for k, v in toc.items() if k != "root"})
    return [re.sub(r"\.(md|ipynb|rst)$", "", f) for f in files]


def append_sentence(chapter: Path) -> None:
    """Append a sentence to the last prose line of the chapter: not in a code cell or directive, not a
    heading, footnote or table."""
    lines = chapter.read_text(encoding="utf-8").splitlines()
    fence, last_prose = None, None
    for i, line in enumerate(lines):
        stripped = line.strip()
        marker = re.match(r"^(`{3,}|~{3,}|:{3,})", stripped)
        if fence is None and marker:
            fence = marker.group(1)
        elif fence is not None and marker and stripped == marker.group(1) and marker.group(1)[0] == fence[0] \
                and len(marker.group(1)) >= len(fence):
            fence = None
        elif (fence is None and stripped and stripped[-1] in ".)!?"
              and not stripped.startswith(("#", "[^", ":", "{", "|", "<", "---", "+++", "%"))):
            last_prose = i
    if last_prose is None:
        raise RuntimeError(f"{chapter}: no prose line to edit")
    lines[last_prose] += " " + EXTRA_SENTENCE
    chapter.write_text("\n".join(lines) + "\n", encoding="utf-8")


def third_chapter(project: Path) -> Path:
    files = chapter_files(project)[1:]  # without the root page
    source = project / files[2]
    return next(source.with_suffix(s) for s in (".md", ".ipynb") if source.with_suffix(s).exists())


def timed(command: list[str], cwd: Path, log_file: Path) -> tuple[float, int]:
    start = time.perf_counter()
    with log_file.open("a", encoding="utf-8") as out:
        out.write(f"\n$ {' '.join(command)}  (in {cwd})\n")
        out.flush()
        result = subprocess.run(command, cwd=cwd, env=build_env(cwd), stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, timeout=3600)
    return time.perf_counter() - start, result.returncode


def bench_book(name: str, make_project, command: list[str], workdir: Path, log_file: Path) -> tuple[dict, Path]:
    project = make_project(workdir)
    times = {}
    for measure in MEASURES:
        if measure == "edit":
            append_sentence(third_chapter(project))
        seconds, code = timed(command, project, log_file)
        times[measure] = seconds
        log(f"  {name:5s} {measure:4s} {seconds:7.1f} s" + ("" if code == 0 else f"  FAILED (exit {code}, see {log_file})"))
        if code != 0:
            times[measure] = float("nan")
            times["failed"] = True
    html = project / "_build" / "html"
    if times.get("failed"):
        print((log_file.read_text(encoding="utf-8", errors="replace"))[-3000:], flush=True)
    return times, html


# ---------------------------------------------------------------------------------------------------------
# Lighthouse


def ensure_lighthouse() -> Path:
    lighthouse = BENCH / "node_modules" / ".bin" / "lighthouse"
    stamp = BENCH / "node_modules" / ".package-lock.json"
    lock = BENCH / "package-lock.json"
    if not lighthouse.exists() or not stamp.exists() or stamp.stat().st_mtime < lock.stat().st_mtime:
        npm = shutil.which("npm")
        if not npm:
            raise SystemExit("bench: npm is needed for Lighthouse (Debian package npm, or Node.js)")
        log("installing Lighthouse: npm ci in bench/")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=BENCH, check=True)
    return lighthouse


def chrome_path() -> str:
    if os.environ.get("CHROME_PATH"):  # Lighthouse's own setting
        return os.environ["CHROME_PATH"]
    sys.path.insert(0, str(ROOT))
    from tools.browser import BrowserNotFound, find_chromium
    try:
        return find_chromium()
    except BrowserNotFound as missing:
        raise SystemExit(f"bench: {missing}") from None


COMPRESSIBLE = (".html", ".js", ".css", ".json", ".svg", ".txt", ".xml", ".map", ".inv")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A static server that, like GitHub Pages, sends text files gzip-compressed when the browser asks."""
    compress = True
    _compressed: dict[str, bytes] = {}

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not (self.compress and path.is_file() and path.suffix in COMPRESSIBLE
                and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().do_GET()
        key = str(path)
        if key not in self._compressed:
            self._compressed[key] = gzip.compress(path.read_bytes(), compresslevel=6)
        body = self._compressed[key]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(directory: Path, compress: bool = True) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = type("Handler", (QuietHandler,), {"compress": compress, "_compressed": {}})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def run_lighthouse(lighthouse: Path, url: str, output: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": chrome_path()}
    command = [str(lighthouse), url, "--output=json", f"--output-path={output}", "--quiet",
               f"--only-categories={','.join(CATEGORIES)}",
               "--chrome-flags=--headless=new --no-sandbox --disable-gpu"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or not output.exists():
        raise RuntimeError(f"lighthouse {url} failed (exit {result.returncode}): {result.stderr[-2000:]}")
    return json.loads(output.read_text(encoding="utf-8"))


def failing_audits(report: dict, category: str) -> list[str]:
    ids = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings") and audit.get("score") is not None \
                and audit["score"] < 1 and ref.get("weight", 0) > 0:
            ids.append(ref["id"])
    return ids


def opportunities(report: dict) -> dict[str, tuple[float, float]]:
    """Performance opportunities with their estimated savings (ms, bytes)."""
    found = {}
    for audit_id, audit in report["audits"].items():
        details = audit.get("details") or {}
        if details.get("type") != "opportunity" or audit.get("score") in (None, 1):
            continue
        ms = details.get("overallSavingsMs") or 0
        saved_bytes = details.get("overallSavingsBytes") or 0
        if ms > 0 or saved_bytes > 0:
            found[audit_id] = (ms, saved_bytes)
    return found


def example(report: dict, audit_id: str) -> str:
    """A short example of what an audit points at (a selector, a snippet or a URL)."""
    items = (report["audits"][audit_id].get("details") or {}).get("items") or []
    for item in items:
        node = item.get("node") if isinstance(item, dict) else None
        if node:
            return (node.get("snippet") or node.get("selector") or "")[:90]
        if isinstance(item, dict) and item.get("description"):
            return str(item["description"])[:90]
        if isinstance(item, dict) and item.get("url"):
            return str(item["url"]).split("/", 3)[-1][:90]
    return ""


def page_quality(html: Path, pages: list[str], results: Path, compress: bool = True) -> None:
    lighthouse = ensure_lighthouse()
    server, base = serve(html, compress)
    reports = {}
    try:
        for page in pages:
            url = f"{base}/{page}.html"
            log(f"  lighthouse {page}")
            reports[page] = run_lighthouse(lighthouse, url, results / f"lighthouse-{page.replace('/', '_')}.json")
    finally:
        server.shutdown()
        server.server_close()

    print(f"\nLighthouse {next(iter(reports.values()))['lighthouseVersion']}, mobile defaults "
          f"(simulated slow 4G, 4x CPU slowdown), {chrome_version()},\nsite served from 127.0.0.1 "
          + ("with gzip for text files, as GitHub Pages does" if compress else "without compression"))
    width = max(len(page) for page in reports) + 1
    header = f"{'page':{width}s} {'perf':>4s} {'a11y':>4s} {'best':>4s} {'seo':>4s} {'weight':>9s} {'FCP s':>6s} {'LCP s':>6s} {'TBT ms':>7s} {'CLS':>5s}"
    print(header)
    print("-" * len(header))
    for page, report in reports.items():
        scores = [report["categories"][c]["score"] for c in CATEGORIES]
        audits = report["audits"]
        weight = audits["total-byte-weight"]["numericValue"] / 1024
        print(f"{page:{width}s} " + " ".join(f"{'-' if s is None else round(s * 100):>4}" for s in scores)
              + f" {weight:7.0f}KB {audits['first-contentful-paint']['numericValue'] / 1000:6.1f}"
              f" {audits['largest-contentful-paint']['numericValue'] / 1000:6.1f}"
              f" {audits['total-blocking-time']['numericValue']:7.0f} {audits['cumulative-layout-shift']['numericValue']:5.2f}")

    for category in CATEGORIES[1:]:
        failing: dict[str, list[str]] = {}
        for page, report in reports.items():
            for audit_id in failing_audits(report, category):
                failing.setdefault(audit_id, []).append(page)
        print(f"\nFailing {category} audits:" + ("" if failing else " none"))
        for audit_id, on_pages in sorted(failing.items(), key=lambda kv: -len(kv[1])):
            report = reports[on_pages[0]]
            where = "all pages" if len(on_pages) == len(reports) else ", ".join(p.split("/")[-1] for p in on_pages)
            print(f"  {audit_id:28s} {report['audits'][audit_id]['title'][:60]:60s} [{where}]")
            if example(report, audit_id):
                print(f"  {'':28s}   e.g. {example(report, audit_id)}")

    totals: dict[str, list] = {}
    for page, report in reports.items():
        for audit_id, (ms, saved) in opportunities(report).items():
            entry = totals.setdefault(audit_id, [0, 0, 0, report["audits"][audit_id]["title"]])
            entry[0] = max(entry[0], ms)
            entry[1] = max(entry[1], saved)
            entry[2] += 1
    print("\nPerformance opportunities (largest estimated saving on any page; pages where it applies):")
    heaviest = max(reports.items(), key=lambda kv: kv[1]["audits"]["total-byte-weight"]["numericValue"])
    for audit_id, (ms, saved, count, title) in sorted(totals.items(), key=lambda kv: (-kv[1][0], -kv[1][1])):
        print(f"  {audit_id:28s} {ms:6.0f} ms {saved / 1024:7.0f} KB  {count}/{len(reports)}  {title[:60]}")
        items = (heaviest[1]["audits"][audit_id].get("details") or {}).get("items") or []
        urls = [str(item["url"]).split("/", 3)[-1].split("?")[0] for item in items if item.get("url")]
        if urls:
            print(f"  {'':28s}   {', '.join(urls[:4])}{' ...' if len(urls) > 4 else ''}")
    print(f"\nMain-thread JavaScript on the heaviest page ({heaviest[0]}), bootup-time:")
    for item in (heaviest[1]["audits"]["bootup-time"].get("details") or {}).get("items", [])[:5]:
        print(f"  {item['total']:6.0f} ms  {str(item['url']).split('/', 3)[-1].split('?')[0]}")
    print(f"\nLargest requests on the heaviest page ({heaviest[0]}):")
    for item in heaviest[1]["audits"]["total-byte-weight"]["details"]["items"][:6]:
        print(f"  {item['totalBytes'] / 1024:7.0f} KB  {item['url'].split('/', 3)[-1]}")
    print(f"\nLighthouse JSON reports: {results}")


def chrome_version() -> str:
    try:
        out = subprocess.run([chrome_path(), "--version"], capture_output=True, text=True, timeout=30).stdout
        return out.strip().splitlines()[-1]
    except Exception:  # noqa: BLE001 - only a label
        return "Chromium"


# ---------------------------------------------------------------------------------------------------------


def median(values: list[float]) -> float:
    values = [v for v in values if v == v]
    return statistics.median(values) if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 3)),
                        help="builds of each book, alternating (default 3, or $BENCH_ROUNDS)")
    parser.add_argument("--no-lighthouse", action="store_true", help="only the build times")
    parser.add_argument("--keep", action="store_true", help="keep the temporary projects")
    parser.add_argument("--no-gzip", action="store_true",
                        help="serve the site for Lighthouse without compression (GitHub Pages compresses)")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if not (BIN / "jupyter-book").exists():
        raise SystemExit(f"bench: {BIN / 'jupyter-book'} is missing; run `make book` once first")

    results = BENCH / "results" / datetime.now().strftime("%Y%m%d-%H%M%S")
    results.mkdir(parents=True)
    log_file = results / "builds.log"
    scratch = Path(tempfile.mkdtemp(prefix="pzbench-"))
    sources = snapshot(scratch / "sources")
    books = {
        "this": (functools.partial(copy_this_book, sources), this_book_command()),
        "plain": (write_plain_book, plain_book_command()),
    }
    print(f"this book : {' '.join(this_book_command())}   (Makefile `book` recipe, in a fresh copy of {ROOT})")
    print(f"plain book: {' '.join(plain_book_command())}   (six generated chapters)")
    print(f"{args.rounds} rounds, alternating this/plain; build log: {log_file}", flush=True)

    times: dict[str, dict[str, list[float]]] = {b: {m: [] for m in MEASURES} for b in books}
    last_html: Path | None = None
    failed = False
    try:
        for round_no in range(1, args.rounds + 1):
            log(f"round {round_no}/{args.rounds}")
            for name, (make_project, command) in books.items():
                workdir = scratch / f"{name}-{round_no}"
                workdir.mkdir()
                measured, html = bench_book(name, make_project, command, workdir, log_file)
                failed |= bool(measured.get("failed"))
                for measure in MEASURES:
                    times[name][measure].append(measured[measure])
                if name == "this":
                    if last_html and not args.keep:
                        shutil.rmtree(last_html.parents[1], ignore_errors=True)
                    last_html = html
                elif not args.keep:
                    shutil.rmtree(workdir, ignore_errors=True)

        print(f"\nBuild times, seconds (median of {args.rounds}; every run in parentheses)")
        header = f"{'measure':8s} {'this book':>10s} {'plain book':>11s} {'this/plain':>11s}   runs this | plain"
        print(header)
        print("-" * len(header))
        for measure in MEASURES:
            this, plain = median(times["this"][measure]), median(times["plain"][measure])
            runs = (" ".join(f"{v:.1f}" for v in times["this"][measure]) + " | "
                    + " ".join(f"{v:.1f}" for v in times["plain"][measure]))
            print(f"{measure:8s} {this:10.1f} {plain:11.1f} {this / plain:10.2f}x   ({runs})")
        (results / "build-times.json").write_text(json.dumps(times, indent=2), encoding="utf-8")

        if not args.no_lighthouse:
            if last_html and (last_html / "index.html").exists():
                log("page quality")
                page_quality(last_html, chapter_files(last_html.parents[1]), results, compress=not args.no_gzip)
            else:
                print("\nno built site of this book: Lighthouse skipped")
                failed = True
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
        else:
            print(f"temporary projects kept in {scratch}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
