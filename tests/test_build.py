"""`jupyter-book build .` is the whole build (the extension pzboek.sphinxext), and it is safe: bad input stops it with
one line before any notebook runs; a build interrupted at any point is followed by one that gives the same pages;
a second build started meanwhile waits; a page whose glued number is missing is never left in the site.

The builds here start `jupyter-book` as `make book` does (pzboek/sphinxext/launch.py), a second sooner each; two
tests start the plain command, and test_site.py compares a plain build's pages with the launched one's."""
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pzboek import paths
from bench.run import DATA_EDITS, edit_row
from conftest import build_env, copy_book

BIN = Path(sys.executable).parent
BUILD_ID = re.compile(r"\?v=[0-9a-f]+")
CHAPTER = "chapters/01_vooraf"


def jupyter_book(book: Path, **extra_env) -> subprocess.Popen:
    # PYTHONPATH: the copy's own pzboek, not the editable install of this checkout
    return subprocess.Popen([str(BIN / "python"), "-m", "pzboek.sphinxext.launch", "build", ".", "-W", "-n", "--keep-going"], cwd=book,
                            env=build_env(book, **extra_env),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def finished(process: subprocess.Popen, timeout: int = 600) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def pages(html: Path) -> dict[str, str]:
    return {p.relative_to(html).as_posix(): BUILD_ID.sub("", p.read_text(encoding="utf-8"))
            for p in [html / "index.html", *sorted((html / "chapters").glob("*.html"))]}


@pytest.fixture(scope="module")
def book(tmp_path_factory, built_book) -> Path:
    """A copy of the book whose first build (executed notebooks cached) is done."""
    copy = copy_book(tmp_path_factory.mktemp("build") / "book")
    code, out, err = finished(jupyter_book(copy))
    assert code == 0, out[-2000:] + err[-2000:]
    return copy


def test_without_the_pdf_edition_no_page_links_a_pdf(book):
    """`make book` (pz_pdf_edition off): no PDF is written, and so no page offers one."""
    html = book / "_build" / "html"
    assert not list(html.glob("*.pdf"))
    for name, page in pages(html).items():
        assert "Download als PDF" not in page and ".pdf" not in page, name


def test_bad_survey_file_stops_the_build_with_one_line_before_any_notebook(book, write_variant):
    bad = write_variant(lambda d: d.assign(opleiding=d["opleiding"].where(d.index != 3, 7)))
    cache_before = sorted(p.name for p in (book / "_build" / ".jupyter_cache").rglob("*"))
    code, out, err = finished(jupyter_book(book, PZ_SURVEY=str(bad)))
    assert code == 1
    errors = [line for line in err.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith(f"error: {bad}") and "opleiding" in errors[0], err
    assert "Traceback" not in out + err and "reading sources" not in out
    assert sorted(p.name for p in (book / "_build" / ".jupyter_cache").rglob("*")) == cache_before


def test_interrupted_builds_then_a_full_one_give_the_same_pages(book, built_book):
    # Ctrl-C while the notebooks run (a changed input of the results makes the build execute them all again)
    margins = book / "data" / "margins.yml"
    margins.write_text(margins.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    running = jupyter_book(book)
    kernels_log = book / "_build" / "kernels.log"
    end = time.monotonic() + 120
    while not (kernels_log.exists() and kernels_log.stat().st_mtime > margins.stat().st_mtime) and time.monotonic() < end:
        time.sleep(0.1)
    time.sleep(1)
    os.killpg(running.pid, signal.SIGINT)
    assert finished(running)[0] != 0
    # SIGKILL while Sphinx writes the pages
    running = jupyter_book(book)
    for line in running.stdout:
        if "writing output" in line:
            os.killpg(running.pid, signal.SIGKILL)
            break
    running.wait(timeout=600)
    code, out, err = finished(jupyter_book(book, PZ_PDF="1"))  # as built_book: with the PDF edition
    assert code == 0, out[-2000:] + err[-2000:]
    assert pages(book / "_build" / "html") == pages(built_book)


def test_a_second_build_waits_for_the_first(book):
    chapter = book / f"{CHAPTER}.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nEen zin van de test van twee builds.\n", encoding="utf-8")
    first = jupyter_book(book)
    time.sleep(0.5)
    second = jupyter_book(book)
    results = [finished(first), finished(second)]
    assert [code for code, _, _ in results] == [0, 0], results[1][2][-2000:]
    # one of them waited (on a busy machine the second may start first and take the lock)
    waited = [err for _, _, err in results if "waiting for another build" in err]
    assert len(waited) == 1 and not any("Traceback" in err for _, _, err in results), [r[2][-500:] for r in results]
    assert "Een zin van de test van twee builds." in (book / "_build" / "html" / f"{CHAPTER}.html").read_text(encoding="utf-8")


def test_a_page_with_a_missing_number_is_not_left_in_the_site(book):
    chapter = book / f"{CHAPTER}.md"
    original = chapter.read_text(encoding="utf-8")
    page = book / "_build" / "html" / f"{CHAPTER}.html"
    chapter.write_text(original + "\nHet zijn er {glue:md}`bestaat_niet`.\n", encoding="utf-8")
    for attempt in range(2):  # and the next build, with nothing fixed, fails the same way
        code, out, err = finished(jupyter_book(book))
        assert code != 0 and not page.exists(), (attempt, err[-2000:])
        assert f"error: {chapter}: a glued number is missing" in err
    chapter.write_text(original, encoding="utf-8")
    code, out, err = finished(jupyter_book(book))
    assert code == 0 and page.exists(), err[-2000:]


def _executions(book: Path) -> list:
    """When each notebook's cached execution was made (jupyter-cache's records)."""
    from jupyter_cache import get_cache

    return sorted(r.created for r in get_cache(book / "_build" / ".jupyter_cache").list_cache_records())


def test_a_new_chapter_title_reaches_the_verkenner_without_running_a_notebook(book):
    """The Verkenner's page lists the chapters' titles as Sphinx read them (pzboek/sphinxext/pages.py): a new title
    rewrites that page too, and executes nothing."""
    chapter = book / "chapters" / "05_financieren.md"
    original = chapter.read_text(encoding="utf-8")
    verkenner = book / "_build" / "html" / "chapters" / "verkenner.html"
    executed = _executions(book)
    chapter.write_text(original.replace("# Hoe gaan we het financieren?", "# Hoe betalen we het?", 1), encoding="utf-8")
    try:
        code, out, err = finished(jupyter_book(book))
        assert code == 0, err[-2000:]
        assert '"05_financieren": "Hoe betalen we het?"' in verkenner.read_text(encoding="utf-8")
        assert _executions(book) == executed
    finally:
        chapter.write_text(original, encoding="utf-8")
        assert finished(jupyter_book(book))[0] == 0


def test_a_copied_book_does_not_build_the_other_folders_package(book):
    """Without PYTHONPATH a copy imports the editable pzboek of this checkout (and would read its data file): the
    build stops with one line naming both folders. (`make book` sets PYTHONPATH to its own folder.)"""
    env = {k: v for k, v in build_env(book).items() if k != "PYTHONPATH"}
    result = subprocess.run([str(BIN / "jupyter-book"), "build", "."], cwd=book, env=env, capture_output=True, text=True)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert result.returncode != 0 and len(errors) == 1, result.stdout[-2000:] + result.stderr[-2000:]
    assert str(book.resolve()) in errors[0] and str(paths.ROOT) in errors[0] and "Traceback" not in result.stderr


def test_make_book_rebuilds_a_site_that_another_build_replaced(book, write_variant):
    """`make book` knows what the site was built from: after a build from another survey file, or by
    `jupyter-book build .` directly (as a test or an author might), it never answers 'Nothing to be done'."""
    def make_up_to_date(**settings) -> bool:
        env = {**build_env(book), **settings}
        args = ["make", "--no-print-directory", "-q", "book", f"VENV={BIN.parent}", f"BIN={BIN}", f"PYTHON={sys.executable}"]
        return subprocess.run(args, cwd=book, env=env, capture_output=True, text=True).returncode == 0

    made = subprocess.run(["make", "--no-print-directory", "book", f"VENV={BIN.parent}", f"BIN={BIN}",
                           f"PYTHON={sys.executable}"], cwd=book, env=build_env(book), capture_output=True, text=True)
    assert made.returncode == 0, made.stdout[-2000:] + made.stderr[-2000:]
    assert make_up_to_date()
    # `make pdf` right after builds the site again, with its PDF (a dry run: make runs the recursive make itself)
    pdf = subprocess.run(["make", "--no-print-directory", "-n", "pdf", f"VENV={BIN.parent}", f"BIN={BIN}",
                          f"PYTHON={sys.executable}"], cwd=book, env=build_env(book), capture_output=True, text=True)
    assert "jupyter-book build" in pdf.stdout, pdf.stdout + pdf.stderr
    assert not make_up_to_date(PZ_SURVEY=str(write_variant(lambda d: d.assign(betalen=d["betalen"].shift(1, fill_value=1)))))
    assert not make_up_to_date(PZ_PDF="1")
    plain = subprocess.Popen([str(BIN / "jupyter-book"), "build", "."], cwd=book, env=build_env(book),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    code, out, err = finished(plain)
    assert code == 0, err[-2000:]
    assert not make_up_to_date()


def test_an_edited_note_reaches_the_figure_and_its_download_and_nothing_else(book):
    """Figure 3's note edited (data/figuren.csv): chapter 3 shows the new note and the site serves figure 3's new
    download. The landing page is not read again for the download's sake (the chapter is read again anyway), and
    the other figures' downloads are not drawn again."""
    table, *edit = DATA_EDITS["caption"]
    original = (book / table).read_text(encoding="utf-8")
    html = book / "_build" / "html"
    times = {p.name: p.stat().st_mtime_ns for p in (html / "downloads").glob("figuur*.svg")}
    landing = book / "_build" / ".doctrees" / "index.doctree"  # rewritten when the page is read again
    landing_read = landing.stat().st_mtime_ns
    edit_row(book / table, *edit)
    try:
        code, out, err = finished(jupyter_book(book))
        assert code == 0, err[-2000:]
        assert edit[-1] in (html / "chapters" / "03_overvraagde_overheid.html").read_text(encoding="utf-8")
        served, drawn = (html / "downloads" / "figuur3.svg"), (book / "_build" / ".assets" / "downloads" / "figuur3.svg")
        assert served.read_bytes() == drawn.read_bytes() and served.stat().st_mtime_ns != times["figuur3.svg"]
        assert {p.name for p in (html / "downloads").glob("figuur*.svg") if p.stat().st_mtime_ns != times[p.name]} == {"figuur3.svg"}
        assert landing.stat().st_mtime_ns == landing_read
    finally:
        (book / table).write_text(original, encoding="utf-8")
        assert finished(jupyter_book(book))[0] == 0
