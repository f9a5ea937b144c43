"""The weighted survey as chapters use it: loaded, validated and raked once per build.

`python -m pzboek.check` prepares it once and keeps it in _build (never in the site); each notebook kernel
then takes that copy instead of reading and raking the survey file again, as long as it was prepared from
the very inputs (survey file, codebook, margins, tables, package) the build has now.
"""
from __future__ import annotations

import pickle
from functools import cache
from pathlib import Path

from . import paths
from .estimates import WeightedSurvey
from .survey import load_codebook, load_survey, survey_is_standin
from .weighting import load_margins, rake_to_margins

PREPARED = paths.ROOT / "_build" / ".prepared-survey.pickle"


@cache
def load_weighted_survey(path: Path | None = None) -> WeightedSurvey:
    path = Path(path) if path else paths.survey_path()
    if path == paths.survey_path() and (prepared := _prepared()) is not None:
        return prepared
    data = load_survey(path)
    margins = load_margins()
    return WeightedSurvey(data, rake_to_margins(data, margins), margins, load_codebook(), str(path),
                          survey_is_standin(path))


def _prepared() -> WeightedSurvey | None:
    from .check import inputs_digest

    if not PREPARED.exists():
        return None
    digest, survey = pickle.loads(PREPARED.read_bytes())
    return survey if digest == inputs_digest() else None


def keep_prepared(survey: WeightedSurvey, digest: str) -> None:
    PREPARED.parent.mkdir(parents=True, exist_ok=True)
    PREPARED.write_bytes(pickle.dumps((digest, survey)))
