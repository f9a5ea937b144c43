"""Prepare a build before Sphinx starts: `python -m pzboek.check` (the first step of `make book`).

1. Check the inputs. Prints one line naming the file and the variable or value at fault and exits 1
   when the survey file, codebook, margins or published-figures table cannot be used, so no notebook
   runs on a bad file.
2. When the inputs changed since the last successful check, clear the executed-notebook cache and
   Sphinx's saved doctrees: no page keeps numbers from an older survey file, codebook or package
   (jupyter-cache alone only notices edits to code cells, Sphinx only edits to the page's own file).
3. Execute the notebooks that are not in the cache on both cores (jupyter-cache's parallel executor);
   the Sphinx build then finds every notebook cached.
Unchanged inputs and chapters cost only a hash: pandas is not even imported.
"""
from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

import yaml

from . import paths

BUILD = paths.ROOT / "_build"
STAMP = BUILD / ".inputs-digest"
JUPYTER_CACHE = BUILD / ".jupyter_cache"
SPHINX_DOCTREES = BUILD / ".doctrees"  # Sphinx re-reads a page only when its source file changes
EXECUTION_TIMEOUT = 300


def _digest(files: list[Path], extra: str = "") -> str:
    digest = hashlib.sha256(extra.encode())
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()


def inputs_digest() -> str:
    """Hash of everything the chapters' numbers depend on besides the chapter files themselves."""
    survey = paths.survey_path()
    files = [survey, paths.CODEBOOK, paths.MARGINS, paths.PUBLISHED, paths.COMPARISONS,
             *sorted((paths.ROOT / "pzboek").glob("*.py"))]
    return _digest(files, str(survey))


def book_notebooks() -> list[Path]:
    """The notebooks of the table of contents, in order."""
    toc = yaml.safe_load((paths.ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"], *(c["file"] for part in toc.get("parts", []) for c in part["chapters"])]
    return [paths.ROOT / f"{f}.md" for f in files]


def check_inputs() -> None:
    """Load and validate everything; raises SurveyError."""
    from .data import load_weighted_survey
    from .published import validate_published
    from .survey import SurveyError

    survey = load_weighted_survey()
    validate_published(survey.codebook)
    if not survey.weighting.converged:
        raise SurveyError(f"{paths.MARGINS}: raking did not converge (largest margin error "
                          f"{survey.weighting.max_margin_error * 100:.2f} percentage point)")


def execute_notebooks(notebooks: list[Path]) -> None:
    """Run every notebook whose code is not cached yet, in parallel; the build reports any failure."""
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    cache = get_cache(str(JUPYTER_CACHE))
    records = [cache.add_nb_to_project(str(nb), read_data={"name": "myst_nb_md", "type": "plugin"})
               for nb in notebooks]
    executor = load_executor("local-parallel", cache=cache)
    executor.run_and_cache(filter_pks=[r.pk for r in records], timeout=EXECUTION_TIMEOUT)


def main() -> int:
    digest = inputs_digest()
    notebooks = book_notebooks()
    full_digest = _digest(notebooks, digest)
    stamp = STAMP.read_text().split() if STAMP.exists() else []
    if stamp == [digest, full_digest]:
        return 0
    from .survey import SurveyError

    if not stamp or stamp[0] != digest:
        try:
            check_inputs()
        except SurveyError as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
        for stale in (JUPYTER_CACHE, SPHINX_DOCTREES):
            shutil.rmtree(stale, ignore_errors=True)
    BUILD.mkdir(exist_ok=True)
    execute_notebooks(notebooks)
    STAMP.write_text(f"{digest} {full_digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
