import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from filelock import FileLock

from pzboek import paths
from pzboek.data import load_weighted_survey
from pzboek.sphinxext.inputs import SHOWN
from pzboek.sphinxext.prepare import book_pages
from tools.browser import BrowserNotFound, find_chromium
from tools.standin import write_sav
from pzboek.survey import read_sav
from browsing import CHROMIUM_ARGS, PublishedHandler, QuietHandler, Tab

ROOT = paths.ROOT
BIN = Path(sys.executable).parent

# The site's pages in reading order, from _toc.yml, and the figures each shows, from its source (the glue:figure
# directives): a chapter added to the book is tested without touching a test.
BOOK_PAGES = [f"{docname}.html" for docname, _ in book_pages()]
CHART_PAGES = {page: found for page in BOOK_PAGES
               if (found := SHOWN.findall((ROOT / page.replace(".html", ".md")).read_text(encoding="utf-8")))}


@pytest.fixture(scope="session")
def survey():
    return load_weighted_survey(paths.STANDIN_SURVEY)


@pytest.fixture(scope="session")
def raw_standin() -> pd.DataFrame:
    return read_sav(paths.STANDIN_SURVEY)[0]


@pytest.fixture
def write_variant(tmp_path, raw_standin):
    """Write a changed copy of the stand-in file; returns its path."""
    def write(change, name="variant.sav"):
        data = raw_standin.copy()
        data = change(data) if change else data
        path = tmp_path / name
        if set(data.columns) <= set(raw_standin.columns):
            write_sav(data, path)
        else:
            pyreadstat.write_sav(data, str(path))
        return path
    return write


def run_check(survey_file) -> subprocess.CompletedProcess:
    """The build's check step (`python -m pzboek.sphinxext`) against another survey file."""
    env = {**os.environ, "PZ_SURVEY": str(survey_file)}
    return subprocess.run([sys.executable, "-m", "pzboek.sphinxext"], cwd=ROOT, env=env, capture_output=True,
                          text=True)


def copy_book(folder: Path) -> Path:
    """A copy of the book's sources (no environment, build or history) in `folder`."""
    shutil.copytree(ROOT, folder, ignore=shutil.ignore_patterns(".venv", "_build", ".git", ".pytest_cache", "bench",
                                                                "node_modules"))
    return folder


def build_env(book: Path, **extra) -> dict[str, str]:
    """The environment of a build of `book`: its own pzboek (PYTHONPATH, not the editable install of this
    checkout), the stand-in file, no build lock inherited."""
    drop = ("PZ_SURVEY", "PZ_PDF", "PZBOEK_BUILD_LOCK", "PZBOEK_PREPARED_SURVEY")
    return {**{k: v for k, v in os.environ.items() if k not in drop}, "PYTHONPATH": str(book), **extra}


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> Path:
    """The book built the way CI publishes it (`make pdf`: the site with its PDF edition, `jupyter-book` started by
    pzboek/sphinxext/launch.py), in a copy of the book: the tests never replace the author's _build/html. (Tests of
    test_build.py start a plain `jupyter-book build .`.)"""
    # built once per run: the first of the test workers (`make test` runs two, pytest-xdist) builds, the other waits
    shared = tmp_path_factory.getbasetemp()
    shared = shared.parent if os.environ.get("PYTEST_XDIST_WORKER") else shared
    site, built = shared / "site" / "book" / "_build" / "html", shared / "site" / "built"
    with FileLock(shared / "site.lock"):
        if not built.exists():  # (a build that failed in the other worker is started again, from a fresh copy)
            shutil.rmtree(shared / "site", ignore_errors=True)
            book = copy_book(shared / "site" / "book")
            result = subprocess.run([str(BIN / "python"), "-m", "pzboek.sphinxext.launch", "build", ".", "-W", "-n",
                                     "--keep-going"], cwd=book, env=build_env(book, PZ_PDF="1"), capture_output=True, text=True)
            assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
            built.touch()
    return site


@pytest.fixture(scope="session")
def built_pdf(built_book) -> Path:
    """The PDF edition, which the build wrote into the site (pzboek/sphinxext/pdf.py)."""
    from pzboek.sphinxext.pdf import pdf_name

    assert (built_book / pdf_name()).exists()
    return built_book / pdf_name()


# Markers from what a test needs, so that no test can be left out of a selection by a forgotten decorator:
# `build` (a built book), `browser` (Chromium), `slow` (a build, kernel or every download of its own).
MARKED_BY_FIXTURE = {"built_book": "build", "built_pdf": "build", "browser": "browser", "write_variant": "slow",
                     "downloads_folder": "slow", "executed_chapters": "slow"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        for fixture, marker in MARKED_BY_FIXTURE.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(marker)


# ---------------------------------------------------------------------------------------- the browser

@pytest.fixture(scope="module")
def site(built_book: Path):
    """Base URL of _build/html, served on 127.0.0.1 on a free port."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(built_book)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    try:
        executable = find_chromium()
    except BrowserNotFound as missing:
        pytest.fail(str(missing), pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def shots(built_book: Path) -> Path:
    folder = built_book.parent / "screenshots"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture
def tab(browser, site):
    tabs = []

    def make(**options) -> Tab:
        tabs.append(Tab(browser, site, **options))
        return tabs[-1]

    yield make
    for t in tabs:
        t.close()


@pytest.fixture(scope="module")
def published_site(built_book: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(PublishedHandler, directory=str(built_book)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}{PublishedHandler.PREFIX}"
    server.shutdown()
    server.server_close()
