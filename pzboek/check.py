"""Check the book's inputs before any notebook runs: `python -m pzboek.check`.

Prints one line naming the file and the variable or value at fault and exits 1 when the survey file,
codebook, margins or published-figures table cannot be used. When the inputs changed since the last
successful check, the executed-notebook cache is cleared, so no page keeps numbers from an older file.
Unchanged inputs cost only a hash (pandas is not even imported).
"""
from __future__ import annotations

import hashlib
import shutil
import sys

from . import paths

BUILD = paths.ROOT / "_build"
STAMP = BUILD / ".inputs-digest"
JUPYTER_CACHE = BUILD / ".jupyter_cache"


def inputs_digest() -> str:
    """Hash of everything the chapters' numbers depend on besides the chapter files themselves."""
    digest = hashlib.sha256()
    survey = paths.survey_path()
    files = [paths.CODEBOOK, paths.MARGINS, paths.PUBLISHED, paths.COMPARISONS, *sorted((paths.ROOT / "pzboek").glob("*.py"))]
    digest.update(str(survey).encode())
    for path in [survey, *files]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()


def check_inputs() -> None:
    """Load and validate everything; raises SurveyError."""
    from .data import load_weighted_survey
    from .published import validate_published

    survey = load_weighted_survey()
    validate_published(survey.codebook)
    if not survey.weighting.converged:
        from .survey import SurveyError
        raise SurveyError(f"{paths.MARGINS}: raking did not converge (largest margin error "
                          f"{survey.weighting.max_margin_error * 100:.2f} percentage point)")


def main() -> int:
    digest = inputs_digest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return 0
    from .survey import SurveyError

    try:
        check_inputs()
    except SurveyError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    shutil.rmtree(JUPYTER_CACHE, ignore_errors=True)
    BUILD.mkdir(exist_ok=True)
    STAMP.write_text(digest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
