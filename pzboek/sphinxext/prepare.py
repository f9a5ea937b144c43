"""What a build does before Sphinx reads a page, on the `builder-inited` event of the book's extension, so that
`jupyter-book build .` and `make book` are the same build:

1. Take the build lock (_build/.lock) for the rest of the process: one build at a time in _build.
2. When the inputs of the results (pyproject.toml [tool.pzboek.inputs] `results`) changed since the last good
   build: check them. A survey file, codebook, margins file or table that cannot be used stops the build with
   one line naming the file and the variable or value at fault, before any notebook runs. Then drop the
   executed notebooks, keep the checked, weighted survey for the kernels (pzboek/data.py), and execute every
   notebook with the configured jupyter-cache executor; myst-nb then finds them all cached. Every page is read
   again (`env-get-outdated`): Sphinx alone notices only edits to a page's own file.
3. Meanwhile write the files the site serves besides its pages into _build/.assets (`html_extra_path`): each
   figure's CSV/SVG/PNG download and the Vega libraries.
With unchanged inputs this costs a hash of the input files; pandas is not even imported.

`python -m pzboek.sphinxext` runs steps 1-3 on their own (the tests use it).
"""
from __future__ import annotations

import inspect
import json
import multiprocessing
import os
import shutil
import sys
from pathlib import Path

from pzboek import paths

from . import inputs

BUILD = inputs.ROOT / "_build"
STAMP = BUILD / ".inputs-digest"  # the results digest of the last good build and what the check found
ASSETS = BUILD / ".assets"  # copied into the site (html_extra_path, set by pzboek/sphinxext/__init__.py)
PREPARED = BUILD / ".prepared-survey.pickle"
VEGA_BUNDLE = "_vega/vega-bundle.js"  # _static/pz-charts.js loads it from here, only on pages with charts
# The jupyter-cache executor for the notebooks (an entry point of group `jcache.executors`): our shared-kernel
# one, or jupyter-cache's own 'local-parallel'. A build takes the Sphinx setting `pz_executor` (_config.yml);
# $PZBOEK_EXECUTOR overrides it there and here (the benchmark runs both).
EXECUTOR_SETTING, EXECUTOR_OVERRIDE, DEFAULT_EXECUTOR = "pz_executor", "PZBOEK_EXECUTOR", "pzboek-shared-kernels"
EXECUTOR = os.environ.get(EXECUTOR_OVERRIDE, DEFAULT_EXECUTOR)
CACHE_DIR = BUILD / ".jupyter_cache"  # where myst-nb keeps it (beside _build/html) when run outside Sphinx
TIMEOUT = 300  # seconds per cell outside Sphinx; a build uses `execute.timeout` of _config.yml
LOCK_HELD = "PZBOEK_BUILD_LOCK"  # set while a process holds the build lock, so its children do not wait for it


class BuildState(dict):
    """What the last good check found: {"digest": results digest, "notebooks": {notebook: its results digest},
    "standin": bool}."""

    @classmethod
    def load(cls) -> BuildState:
        try:
            return cls(json.loads(STAMP.read_text()))
        except (OSError, ValueError):
            return cls()

    def save(self) -> None:
        partial = STAMP.with_suffix(".tmp")
        partial.write_text(json.dumps(self))
        partial.replace(STAMP)


def book_pages() -> list[tuple[str, str]]:
    """(docname, part caption) in the order of _toc.yml, its one reader: the landing page, then every part's
    chapters."""
    import yaml

    toc = yaml.safe_load((inputs.ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [(toc["root"], "")] + [(c["file"], part["caption"]) for part in toc.get("parts", []) for c in part["chapters"]]


def book_notebooks() -> list[Path]:
    """The notebooks of the table of contents, in order."""
    return [inputs.ROOT / f"{docname}.md" for docname, _ in book_pages()]


def check_inputs():
    """Load and validate everything and keep the weighted survey for the kernels; raises SurveyError."""
    import pickle

    from pzboek.data import load_weighted_survey
    from pzboek.published import validate_published
    from pzboek.survey import SurveyError
    from pzboek import paths

    survey = load_weighted_survey()
    validate_published(survey.codebook)
    if not survey.weighting.converged:
        raise SurveyError(f"{paths.MARGINS}: raking did not converge (largest margin error "
                          f"{survey.weighting.max_margin_error * 100:.2f} percentage point)")
    PREPARED.write_bytes(pickle.dumps(survey))
    return survey


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
    if not (marker.exists() and marker.read_text() == version):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(kept, target)
        marker.write_text(version)


def write_assets(survey) -> None:
    """The downloads (from this checked survey) and the Vega libraries, into ASSETS."""
    from pzboek.downloads import write_downloads

    write_vega_bundle(ASSETS)
    write_downloads(survey, ASSETS / "downloads")


def build_lock() -> None:
    """One build at a time in _build: builds share the executed-notebook cache, the doctrees and the site, and
    two jupyter-cache processes on one cache crash. A lock on _build/.lock (filelock: the system's file lock on
    Linux, macOS and Windows alike), held until this process ends (the system releases it if the process dies);
    a second build says it waits, then waits. A process started by the holder (PZBOEK_BUILD_LOCK) does not wait
    for its parent."""
    from filelock import FileLock, Timeout

    lock = BUILD / ".lock"
    if os.environ.get(LOCK_HELD) == str(lock):
        return
    BUILD.mkdir(exist_ok=True)
    held = FileLock(lock)
    try:
        held.acquire(timeout=0)
    except Timeout:
        print(f"waiting for another build in {BUILD} to finish", file=sys.stderr, flush=True)
        held.acquire()
    os.environ[LOCK_HELD] = str(lock)
    build_lock.held = held  # kept, so locked, for the life of the process


def outdated() -> tuple[BuildState, str, dict[str, str], list[str] | None]:
    """The last good build's state, the results digest and each notebook's digest now, and the notebooks whose
    results may differ now (None: the last build's results and assets stand, there is nothing to check)."""
    state, digest = BuildState.load(), inputs.digest("results")
    digests = inputs.notebook_digests(book_notebooks())
    if state.get("digest") == digest and (ASSETS / VEGA_BUNDLE).exists() and PREPARED.exists():
        return state, digest, digests, None
    before = state.get("notebooks", {})
    return state, digest, digests, [nb for nb in digests if before.get(nb) != digests[nb]]


def start_kernels_early() -> None:
    """For pzboek/sphinxext/launch.py, before Jupyter Book and Sphinx load: when notebooks will run, their kernels
    start now with the shared-kernel executor's settings, and import while Sphinx loads (it adopts them)."""
    from . import kernels

    configured = os.environ.get(EXECUTOR_OVERRIDE) or paths.setting_in_config(EXECUTOR_SETTING) or DEFAULT_EXECUTOR
    if configured != DEFAULT_EXECUTOR:  # jupyter-cache's own executor starts kernels of its own
        return
    build_lock()
    stale = outdated()[3]
    if stale:
        os.environ[paths.PREPARED_SURVEY] = str(PREPARED)  # as prepare() sets it, for the kernels
        kernels.start_early(min(kernels.workers(), len(stale)), str(inputs.ROOT), CACHE_DIR.parent / "kernels.log")


def prepare(cache_dir: Path, executor: str, timeout: int) -> BuildState:
    """Steps 1-3 of the module's docstring. Exits with one line on bad input; returns the state of this build."""
    build_lock()
    state, digest, digests, stale = outdated()
    os.environ[paths.PREPARED_SURVEY] = str(PREPARED)  # for the kernels, which inherit it
    if stale is None:
        return state
    book = book_notebooks()
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    from pzboek.survey import SurveyError

    BUILD.mkdir(exist_ok=True)
    cache = get_cache(str(cache_dir))
    notebooks = [str(nb) for nb in book]
    checked = {}
    # The assets are written by a forked copy of this process, which holds the checked survey, while the
    # kernels run the notebooks (a thread would not do: vl-convert keeps the GIL while it renders). Windows has no
    # fork: there they are written here, after the notebooks (the same files, a few seconds later).
    forks = "fork" in multiprocessing.get_all_start_methods()
    assets = multiprocessing.get_context("fork").Process(target=lambda: write_assets(checked["survey"]),
                                                         name="assets") if forks else None

    def check_and_clear() -> None:
        os.environ.pop(paths.PREPARED_SURVEY)  # checked from the files themselves
        checked["survey"] = check_inputs()
        os.environ[paths.PREPARED_SURVEY] = str(PREPARED)
        if assets:
            assets.start()
        if len(stale) == len(notebooks):  # a new cache, without the results of notebooks' earlier versions
            cache.clear_cache()
        projected = {r.uri for r in cache.list_project_records()}
        for nb in stale:  # (jupyter-cache keys results by a notebook's code, which has not changed)
            if nb in projected and (record := cache.get_cached_project_nb(nb)):
                cache.remove_cache(record.pk)
            cache.add_nb_to_project(nb, read_data={"name": "myst_nb_md", "type": "plugin"})  # as myst-nb reads it

    try:
        run = load_executor(executor, cache).run_and_cache
        if not stale:
            check_and_clear()  # the notebooks are still valid: only the assets are missing
        elif "while_kernels_start" in inspect.signature(run).parameters:
            run(filter_uris=notebooks, timeout=timeout, while_kernels_start=check_and_clear,  # kernels start meanwhile
                notebooks_to_run=len(stale))
        else:
            check_and_clear()
            run(filter_uris=notebooks, timeout=timeout)
    except SurveyError as err:
        print("\n".join(f"error: {line}" for line in str(err).splitlines()), file=sys.stderr)  # one per problem
        raise SystemExit(1) from None
    failed = [r.uri for r in cache.list_project_records(filter_uris=notebooks) if r.traceback]
    for uri in failed:
        print(f"warning: {uri} failed to execute; the build runs it again and shows the error", file=sys.stderr)
    if assets:
        assets.join()
    else:
        write_assets(checked["survey"])
    if assets and assets.exitcode != 0:
        print(f"error: writing the downloads and the Vega libraries into {ASSETS} failed (see above)",
              file=sys.stderr)
        raise SystemExit(1)
    state = BuildState(digest=digest, notebooks=digests, standin=checked["survey"].standin)
    state.save()
    return state


def main() -> int:
    prepare(CACHE_DIR, EXECUTOR, TIMEOUT)
    return 0

