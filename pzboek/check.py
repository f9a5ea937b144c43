"""Prepare a build before Sphinx starts: `python -m pzboek.check` (the first step of `make book`).

1. Check the inputs (while the notebook kernels start up). Prints one line naming the file and the
   variable or value at fault and exits 1 when the survey file, codebook, margins or published-figures
   table cannot be used, so no notebook runs on a bad file. The checked, weighted survey is kept for
   the kernels (data.py), so it is prepared once per build, not once per chapter.
2. When the inputs changed since the last successful check, clear the executed-notebook cache and
   Sphinx's saved doctrees: no page keeps numbers from an older survey file, codebook or package
   (jupyter-cache alone only notices edits to code cells, Sphinx only edits to the page's own file).
3. Then execute every notebook, one warm kernel per core (execute.py); the Sphinx build finds them all
   cached. With unchanged inputs nothing runs here: an edited chapter whose code changed is re-executed
   by myst-nb inside the Sphinx build (its cache keys on the code cells), as in any Jupyter Book.
4. Meanwhile write the files the site serves besides its pages into _build/.assets (copied into the site
   by Sphinx, `html_extra_path`): each figure's CSV/SVG/PNG download, and the Vega libraries.
Unchanged inputs cost only a hash: pandas is not even imported.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import yaml

from . import paths

BUILD = paths.ROOT / "_build"
STAMP = BUILD / ".inputs-digest"
JUPYTER_CACHE = BUILD / ".jupyter_cache"
SPHINX_DOCTREES = BUILD / ".doctrees"  # Sphinx re-reads a page only when its source file changes
ASSETS = BUILD / ".assets"  # html_extra_path in _config.yml
VEGA_BUNDLE = "_vega/vega-bundle.js"  # _static/pz-charts.js loads it from here, only on pages with charts
EXECUTION_TIMEOUT = 300
LOCK_HELD = "PZBOEK_BUILD_LOCK"  # set while a process holds the build lock, so its children do not wait for it


def inputs_digest() -> str:
    """Hash of everything the chapters' numbers depend on besides the chapter files themselves (the pinned
    requirements too: another pandas or Altair may compute or draw differently, and reads its own pickles)."""
    survey = paths.survey_path()
    digest = hashlib.sha256(str(survey).encode())
    for path in [survey, paths.CODEBOOK, paths.MARGINS, paths.PUBLISHED, paths.COMPARISONS,
                 paths.ROOT / "requirements.txt", *sorted((paths.ROOT / "pzboek").glob("*.py"))]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()


def book_notebooks() -> list[Path]:
    """The notebooks of the table of contents, in order."""
    toc = yaml.safe_load((paths.ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"], *(c["file"] for part in toc.get("parts", []) for c in part["chapters"])]
    return [paths.ROOT / f"{f}.md" for f in files]


def check_inputs() -> None:
    """Load and validate everything, and keep the weighted survey for the notebooks; raises SurveyError."""
    from .data import keep_prepared, load_weighted_survey
    from .published import validate_published
    from .survey import SurveyError

    survey = load_weighted_survey()
    validate_published(survey.codebook)
    if not survey.weighting.converged:
        raise SurveyError(f"{paths.MARGINS}: raking did not converge (largest margin error "
                          f"{survey.weighting.max_margin_error * 100:.2f} percentage point)")
    keep_prepared(survey, inputs_digest())


def execute_notebooks(notebooks: list[Path], before) -> None:
    from .execute import execute_notebooks as run

    run(notebooks, JUPYTER_CACHE, EXECUTION_TIMEOUT, before)


def _up_to_date(marker: Path, version: str) -> bool:
    return marker.exists() and marker.read_text() == version


def write_vega_bundle(folder: Path) -> None:
    """The Vega, Vega-Lite and vega-embed libraries as one file of the book itself (no CDN).

    The bundle depends only on the installed vl-convert, so it is made once per environment and kept
    beside it (like the environment's compiled bytecode): a cold build copies it instead of re-bundling.
    """
    from importlib.metadata import version as installed

    import vl_convert as vlc

    version = f"vl-convert-{installed('vl-convert-python')}"
    kept = Path(sys.prefix) / "share" / "pzboek" / f"vega-bundle_{version}.js"
    if not os.access(sys.prefix, os.W_OK):  # an environment we may not write to: kept beside the build
        kept = folder / "_vega" / f".vega-bundle_{version}.js"
    if not kept.exists():
        kept.parent.mkdir(parents=True, exist_ok=True)
        partial = kept.with_name(f"{kept.name}.{os.getpid()}.tmp")
        partial.write_text(vlc.javascript_bundle(), encoding="utf-8")
        partial.replace(kept)
    target = folder / VEGA_BUNDLE
    marker = target.parent / ".version"
    if not _up_to_date(marker, version):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(kept, target)
        marker.write_text(version)


def write_downloads(folder: Path, digest: str) -> None:
    """Each figure's table and chart as files, from the inputs with this digest."""
    marker = folder / "downloads" / ".inputs-digest"
    if _up_to_date(marker, digest):
        return
    from .charts import write_downloads as write
    from .data import load_weighted_survey

    write(load_weighted_survey(), folder / "downloads")
    marker.write_text(digest)


def write_assets(digest: str) -> None:
    write_vega_bundle(ASSETS)
    write_downloads(ASSETS, digest)


@contextmanager
def build_lock():
    """One build at a time in _build: the check, `make book`'s Sphinx run and each `make live` rebuild share the
    executed-notebook cache and the doctrees, and two jupyter-cache processes on one cache crash.

    An fcntl lock on _build/.lock (released by the system if the holder dies); a process started by the holder
    sees PZBOEK_BUILD_LOCK and does not wait for its parent. Without fcntl (Windows) builds are not serialised.
    """
    lock = BUILD / ".lock"
    try:
        import fcntl
    except ImportError:
        fcntl = None
    if fcntl is None or os.environ.get(LOCK_HELD) == str(lock):
        yield
        return
    BUILD.mkdir(exist_ok=True)
    with open(lock, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another build in {BUILD} to finish", file=sys.stderr, flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        os.environ[LOCK_HELD] = str(lock)
        try:
            yield
        finally:
            del os.environ[LOCK_HELD]
            fcntl.flock(handle, fcntl.LOCK_UN)


def main(argv: list[str] | tuple = ()) -> int:
    """`python -m pzboek.check`: the check; `python -m pzboek.check --run COMMAND...`: COMMAND under the build lock."""
    with build_lock():
        if argv[:1] == ["--run"]:
            return subprocess.run(argv[1:]).returncode
        return _check()


def _check() -> int:
    digest = inputs_digest()
    inputs_changed = not STAMP.exists() or STAMP.read_text() != digest
    if not inputs_changed and ASSETS.exists():
        return 0
    from .survey import SurveyError

    BUILD.mkdir(exist_ok=True)
    # The assets are written by a forked copy of this process, which by then holds the checked survey,
    # while the kernels run the notebooks (a thread would not do: vl-convert keeps the GIL while it renders).
    assets = multiprocessing.get_context("fork").Process(target=write_assets, args=(digest,), name="assets")

    def check_and_clear() -> None:
        check_inputs()
        for stale in (JUPYTER_CACHE, SPHINX_DOCTREES):
            shutil.rmtree(stale, ignore_errors=True)
        assets.start()

    try:
        if inputs_changed:  # the check runs while the kernels start up
            execute_notebooks(book_notebooks(), before=check_and_clear)
        else:
            assets.start()
    except SurveyError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    assets.join()
    if assets.exitcode != 0:
        print(f"error: writing the downloads and the Vega libraries into {ASSETS} failed (see above)", file=sys.stderr)
        return 1
    STAMP.write_text(digest)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
