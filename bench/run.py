"""`make bench`: build times of this book against the plain six-chapter book in bench/plain/, then Lighthouse on
every page of this book.

Builds, each in a fresh temporary copy (the real _build is never touched), alternating within each round:
  this       `make book` (the Makefile's recipe; .venv a link to this project's), notebooks run by the
             book's shared-kernel executor
  this/jcache the same with jupyter-cache's own 'local-parallel' executor ($PZBOEK_EXECUTOR)
  plain      `jupyter-book build .` of bench/plain/ (six notebooks importing pandas, Altair and pyreadstat
             and drawing one chart each), same flags, same environment
Measures: cold (no _build), warm (the same command again, nothing changed), edit (a sentence appended to
chapter 3's prose, then the same command), for this book caption and rows (figure 3's note, one of chapter 3's
rows edited: see DATA_EDITS), and `make pdf` after those when the Makefile has that target.
Lighthouse (bench/package.json, `npm ci` into bench/node_modules; settings in bench/lighthouse.json) runs in
Debian's Chromium on every page of the last build of this book, served gzip-compressed as GitHub Pages does.
Reports go to bench/results/<time>/.
"""
from __future__ import annotations

import argparse
import csv
import functools
import gzip
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT))
from pzboek.sphinxext.inputs import files as book_files  # noqa: E402  (this checkout's, not the installed one)
from tools.browser import BrowserNotFound, find_chromium  # noqa: E402

MEASURES = ("cold", "warm", "edit", "caption", "rows")
# this book's author edits outside the prose (each should re-execute chapter 3 only, not the book): figure 3's note
# in data/figuren.csv, and the label of one of chapter 3's rows in data/published_figures.csv
DATA_EDITS = {"caption": ("data/figuren.csv", "figuur", "3", "toelichting", "Bewerkt door de benchmark."),
              "rows": ("data/published_figures.csv", "sleutel", "fig3_huisvesting", "label", "Betaalbare woningen")}
SENTENCE = "\nDeze zin is toegevoegd door de benchmark om een gewijzigd hoofdstuk te meten.\n"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
JB_FLAGS = ["-W", "-n", "--keep-going"]  # as the Makefile's JB_FLAGS


def copy_this_book(dest: Path) -> Path:
    """The files the site is built from (pyproject.toml's declared inputs), the Makefile, the PDF's stylesheet and
    tools; .venv linked."""
    for path in [*book_files("results", "notebooks", "site"), ROOT / "Makefile", *ROOT.glob("pzboek/sphinxext/*.css"),
                 *ROOT.glob("tools/*.py")]:
        target = dest / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    (dest / ".venv").symlink_to(ROOT / ".venv")
    return dest


def copy_plain_book(dest: Path) -> Path:
    shutil.copytree(BENCH / "plain", dest, dirs_exist_ok=True)
    return dest


BOOKS = {  # name: (make the project, command, extra environment)
    "this": (copy_this_book, ["make", "--no-print-directory", "book"], {}),
    "this/jcache": (copy_this_book, ["make", "--no-print-directory", "book"], {"PZBOEK_EXECUTOR": "local-parallel"}),
    "plain": (copy_plain_book, [str(BIN / "jupyter-book"), "build", ".", *JB_FLAGS], {}),
}


def run(command: list[str], cwd: Path, env: dict, log_file: Path) -> float:
    # the copy's pzboek, not the editable install of this checkout
    env = {**os.environ, **env, "PYTHONPATH": str(cwd), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    env.pop("PZ_SURVEY", None)
    start = time.perf_counter()
    with log_file.open("a", encoding="utf-8") as out:
        out.write(f"\n$ {' '.join(command)}  (in {cwd})\n")
        out.flush()
        code = subprocess.run(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, timeout=3600).returncode
    seconds = time.perf_counter() - start
    if code != 0:
        raise RuntimeError(f"{' '.join(command)} failed in {cwd} (exit {code}); see {log_file}")
    return seconds


def edit_row(path: Path, key_column: str, key: str, column: str, value: str) -> None:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    next(r for r in rows if r[key_column] == key)[column] = value
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def bench_book(name: str, workdir: Path, log_file: Path) -> dict[str, float]:
    make_project, command, env = BOOKS[name]
    project = make_project(workdir)
    times = {}
    for measure in MEASURES:
        if measure in DATA_EDITS:
            if not name.startswith("this"):
                continue
            table, *edit = DATA_EDITS[measure]
            edit_row(project / table, *edit)
        if measure == "edit":
            chapter = sorted((project / "chapters").glob("*.md"))[2]
            chapter.write_text(chapter.read_text(encoding="utf-8") + SENTENCE, encoding="utf-8")
        times[measure] = run(command, project, env, log_file)
    if name == "this" and "\npdf:" in (project / "Makefile").read_text():  # last: it changes what `make book` finds
        times["pdf"] = run(["make", "--no-print-directory", "pdf"], project, env, log_file)
    print(f"  {name:12s} " + "  ".join(f"{m} {s:5.1f} s" for m, s in times.items()), flush=True)
    return times


# ---------------------------------------------------------------------------------------------------- Lighthouse

class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """A static server that, like GitHub Pages, sends text files gzip-compressed when the browser asks."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        path = path / "index.html" if path.is_dir() else path
        if not (path.is_file() and path.suffix in (".html", ".js", ".css", ".json", ".svg", ".xml")
                and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().do_GET()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def lighthouse(html: Path, pages: list[str], results: Path) -> None:
    binary = BENCH / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists() or (BENCH / "node_modules" / ".package-lock.json").stat().st_mtime \
            < (BENCH / "package-lock.json").stat().st_mtime:
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=BENCH, check=True)
    try:
        chrome = os.environ.get("CHROME_PATH") or find_chromium()
    except BrowserNotFound as missing:
        raise SystemExit(f"bench: {missing}") from None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(GzipHandler, directory=str(html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"\nLighthouse ({BENCH / 'lighthouse.json'}), mobile, site served gzip-compressed from 127.0.0.1")
    print(f"{'page':40s} {'perf':>4s} {'a11y':>4s} {'best':>4s} {'seo':>4s} {'KB':>5s} {'FCP s':>6s} {'LCP s':>6s} {'TBT ms':>7s}")
    try:
        for page in pages:
            report_file = results / f"lighthouse-{page.replace('/', '_')}.json"
            subprocess.run([str(binary), f"http://127.0.0.1:{server.server_address[1]}/{page}.html", "--quiet",
                            f"--config-path={BENCH / 'lighthouse.json'}", "--output=json",
                            f"--output-path={report_file}", "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
                           env={**os.environ, "CHROME_PATH": chrome}, check=True, capture_output=True, timeout=300)
            report = json.loads(report_file.read_text(encoding="utf-8"))
            audits = report["audits"]
            failing = [ref["id"] for c in CATEGORIES[1:] for ref in report["categories"][c]["auditRefs"]
                       if ref.get("weight") and audits[ref["id"]].get("score") is not None and audits[ref["id"]]["score"] < 1]
            print(f"{page:40s} " + " ".join(f"{round(report['categories'][c]['score'] * 100):4d}" for c in CATEGORIES)
                  + f" {audits['total-byte-weight']['numericValue'] / 1024:5.0f}"
                  f" {audits['first-contentful-paint']['numericValue'] / 1000:6.1f}"
                  f" {audits['largest-contentful-paint']['numericValue'] / 1000:6.1f}"
                  f" {audits['total-blocking-time']['numericValue']:7.0f}" + (f"  failing: {', '.join(failing)}" if failing else ""))
    finally:
        server.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="builds of each book, alternating (default 3)")
    parser.add_argument("--books", default=",".join(BOOKS), help=f"which of {', '.join(BOOKS)} (comma-separated)")
    parser.add_argument("--no-lighthouse", action="store_true", help="only the build times")
    args = parser.parse_args()
    books = args.books.split(",")
    if args.rounds < 1 or not set(books) <= set(BOOKS):
        parser.error(f"--rounds must be at least 1 and --books a selection of {', '.join(BOOKS)}")
    results = BENCH / "results" / datetime.now().strftime("%Y%m%d-%H%M%S")
    results.mkdir(parents=True)
    log_file = results / "builds.log"
    scratch = Path(tempfile.mkdtemp(prefix="pzbench-"))
    times: dict[str, list[dict]] = {name: [] for name in books}
    print(f"{args.rounds} rounds of {', '.join(books)}, alternating; build log {log_file}", flush=True)
    try:
        for round_no in range(1, args.rounds + 1):
            print(f"round {round_no}", flush=True)
            for name in books:
                workdir = scratch / f"{name.replace('/', '-')}-{round_no}"
                times[name].append(bench_book(name, workdir, log_file))
        (results / "build-times.json").write_text(json.dumps(times, indent=2), encoding="utf-8")
        measures = [m for m in (*MEASURES, "pdf") if any(m in t for ts in times.values() for t in ts)]
        print(f"\nBuild times in seconds, median of {args.rounds} (ratio to the plain book)")
        print(f"{'':12s} " + " ".join(f"{m:>14s}" for m in measures))
        medians = {name: {m: statistics.median(t[m] for t in ts) for m in measures if m in ts[0]}
                   for name, ts in times.items()}
        for name, values in medians.items():
            cells = []
            for m in measures:
                if m not in values:
                    cells.append(f"{'':>14s}")
                    continue
                ratio = values[m] / medians["plain"][m] if "plain" in medians and m in medians["plain"] else None
                cells.append(f"{values[m]:6.1f}" + (f" ({ratio:4.2f}x)" if ratio else " " * 8))
            print(f"{name:12s} " + " ".join(cells))
        if not args.no_lighthouse and "this" in books:
            toc_pages = ["index", *sorted(p.stem for p in (ROOT / "chapters").glob("*.md"))]
            lighthouse(scratch / f"this-{args.rounds}" / "_build" / "html",
                       [p if p == "index" else f"chapters/{p}" for p in toc_pages], results)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
