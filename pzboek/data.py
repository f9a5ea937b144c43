"""The weighted survey as chapters use it: loaded, validated and raked once per process."""
from __future__ import annotations

from functools import cache
from pathlib import Path

from . import paths
from .estimates import WeightedSurvey
from .survey import load_codebook, load_survey
from .weighting import load_margins, rake_to_margins


@cache
def load_weighted_survey(path: Path | None = None) -> WeightedSurvey:
    path = Path(path) if path else paths.survey_path()
    data = load_survey(path)
    margins = load_margins()
    return WeightedSurvey(data, rake_to_margins(data, margins), margins, load_codebook(), str(path))
